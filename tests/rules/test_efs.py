"""SC-EFS-1..5 on file systems built from L2s, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Efs`` holds one file system per case
(construct id = case name) in one small VPC. Only the ``SC-EFS-*`` findings are compared:
the security groups and mount targets the L2 creates are other rules' business.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_backup as backup
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_efs as efs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from aspects.model import Finding, Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/elasticfilesystem"
DENY_PLAIN_NFS: dict[str, Any] = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
VIA_MOUNT_TARGET: dict[str, Any] = {
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": ["elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"],
    "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
}
OPEN_TO_ALL: dict[str, Any] = {
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": "elasticfilesystem:*",
}


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny_plain_nfs() -> iam.PolicyStatement:
    return iam.PolicyStatement(
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=["*"],
        conditions={"Bool": {"aws:SecureTransport": "false"}},
    )


def _build(stack: cdk.Stack) -> None:
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=1,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def fs(construct_id: str, *, tls: bool = True, **overrides: Any) -> efs.FileSystem:
        props: dict[str, Any] = {
            "vpc": vpc,
            "kms_key": key,
            "enable_automatic_backups": True,
            "allow_anonymous_access": False,
        }
        props.update(overrides)
        built = efs.FileSystem(stack, construct_id, **props)
        if tls:
            built.add_to_resource_policy(deny_plain_nfs())
        return built

    def l1(construct_id: str, *, retained: bool = True, **overrides: Any) -> efs.CfnFileSystem:
        props: dict[str, Any] = {
            "encrypted": True,
            "kms_key_id": key.key_arn,
            "backup_policy": efs.CfnFileSystem.BackupPolicyProperty(status="ENABLED"),
            "file_system_policy": document(DENY_PLAIN_NFS),
        }
        props.update(overrides)
        resource = efs.CfnFileSystem(stack, construct_id, **props)
        if retained:
            resource.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        return resource

    # Compliant references.
    fs("Secure")
    l1("L1Secure")
    fs(
        "SecureReplica",
        replication_configuration=efs.ReplicationConfiguration.regional_file_system(
            "eu-west-2", kms_key=other_key
        ),
    )
    planned = fs("InBackupPlan", enable_automatic_backups=False)
    plan = backup.BackupPlan.daily35_day_retention(stack, "Plan")
    plan.add_selection("Files", resources=[backup.BackupResource.from_efs_file_system(planned)])

    # SC-EFS-1 customer-managed key.
    fs("DefaultKey", kms_key=None)
    fs("Unencrypted", kms_key=None, encrypted=False)
    l1("L1Unencrypted", encrypted=None, kms_key_id=None)
    cfn(fs("EscUnencrypted")).add_property_override("Encrypted", False)
    cfn(fs("ParamKey")).add_property_override("KmsKeyId", setting)
    cfn(fs("ParamEncrypted")).add_property_override("Encrypted", setting)
    cfn(fs("IfKey")).add_property_override("KmsKeyId", switch.pick(key.key_arn, cdk.Aws.NO_VALUE))
    cfn(fs("IfTwoKeys")).add_property_override(
        "KmsKeyId", switch.pick(key.key_arn, other_key.key_arn)
    )
    l1("AwsManagedKey", kms_key_id=AWS_MANAGED_ALIAS_ARN)
    fs(
        "ReplicaDefaultKey",
        replication_configuration=efs.ReplicationConfiguration.regional_file_system("eu-west-2"),
    )
    fs(
        "ReplicaExisting",
        replication_configuration=efs.ReplicationConfiguration.existing_file_system(
            efs.FileSystem.from_file_system_attributes(
                stack,
                "Target",
                file_system_id="fs-0123456789abcdef0",
                security_group=ec2.SecurityGroup.from_security_group_id(
                    stack, "TargetSg", "sg-0123456789abcdef0"
                ),
            )
        ),
    )

    # SC-EFS-2 backups.
    fs("NoBackups", enable_automatic_backups=False)
    l1("L1NoBackups", backup_policy=None)
    cfn(fs("EscBackupsDisabled")).add_property_override("BackupPolicy.Status", "DISABLED")
    cfn(fs("ParamBackups")).add_property_override("BackupPolicy.Status", setting)
    cfn(fs("IfBackups")).add_property_override(
        "BackupPolicy.Status", switch.pick("ENABLED", "DISABLED")
    )

    # SC-EFS-3 retained.
    fs("Destroyed", removal_policy=cdk.RemovalPolicy.DESTROY)
    l1("L1NoRemovalPolicy", retained=False)

    # SC-EFS-4 TLS only.
    fs("NoPolicy", tls=False, allow_anonymous_access=True)
    fs("AnonymousOnly", tls=False)
    l1("L1NoPolicy", file_system_policy=None)
    cfn(fs("EscNoPolicy")).add_property_deletion_override("FileSystemPolicy")
    l1(
        "DenyMountOnly",
        file_system_policy=document({**DENY_PLAIN_NFS, "Action": "elasticfilesystem:ClientMount"}),
    )
    l1(
        "DenyClientActions",
        file_system_policy=document({**DENY_PLAIN_NFS, "Action": "elasticfilesystem:Client*"}),
    )
    l1(
        "ParamSecureTransport",
        file_system_policy=document(
            {**DENY_PLAIN_NFS, "Condition": {"Bool": {"aws:SecureTransport": setting}}}
        ),
    )
    l1("ParamPolicy", file_system_policy=setting)
    cfn(fs("IfTlsBoth")).add_property_override(
        "FileSystemPolicy",
        switch.pick(document(DENY_PLAIN_NFS), document(DENY_PLAIN_NFS, VIA_MOUNT_TARGET)),
    )
    cfn(fs("IfTlsOne")).add_property_override(
        "FileSystemPolicy", switch.pick(document(DENY_PLAIN_NFS), document(VIA_MOUNT_TARGET))
    )

    # SC-EFS-5 not public.
    fs("OpenPolicy", file_system_policy=iam.PolicyDocument.from_json(document(OPEN_TO_ALL)))
    fs(
        "OrgPolicy",
        file_system_policy=iam.PolicyDocument.from_json(
            document(
                {
                    **OPEN_TO_ALL,
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}},
                }
            )
        ),
    )
    l1("L1Open", file_system_policy=document(DENY_PLAIN_NFS, OPEN_TO_ALL))
    cfn(fs("EscOpen")).add_property_override(
        "FileSystemPolicy", document(DENY_PLAIN_NFS, OPEN_TO_ALL)
    )
    l1(
        "MountTargetFalse",
        file_system_policy=document(
            DENY_PLAIN_NFS,
            {
                **OPEN_TO_ALL,
                "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "false"}},
            },
        ),
    )
    l1(
        "ParamPrincipal",
        file_system_policy=document(DENY_PLAIN_NFS, {**OPEN_TO_ALL, "Principal": setting}),
    )
    tagged = fs("TagSelected", enable_automatic_backups=False)
    plan.add_selection("Tagged", resources=[backup.BackupResource.from_tag("backup", "daily")])
    cdk.Tags.of(tagged).add("backup", "daily")
    role = iam.Role(stack, "Reader", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    granted = fs("Granted", allow_anonymous_access=None)
    granted.grant_read_write(role)


def _build_wildcard_backups(stack: cdk.Stack) -> None:
    """A backup selection of every file system covers the file systems of its template."""
    role = iam.Role(stack, "BackupRole", assumed_by=iam.ServicePrincipal("backup.amazonaws.com"))
    plan = backup.BackupPlan.daily35_day_retention(stack, "Plan")
    backup.CfnBackupSelection(
        stack,
        "EveryFileSystem",
        backup_plan_id=plan.backup_plan_id,
        backup_selection=backup.CfnBackupSelection.BackupSelectionResourceTypeProperty(
            iam_role_arn=role.role_arn,
            selection_name="every-file-system",
            resources=["arn:aws:elasticfilesystem:*:*:file-system/*"],
        ),
    )
    efs.CfnFileSystem(
        stack, "Covered", encrypted=True, file_system_policy=document(DENY_PLAIN_NFS)
    ).apply_removal_policy(cdk.RemovalPolicy.RETAIN)


@pytest.fixture(scope="module")
def ev() -> Checked:
    # CDK's own CloudFormation schema validation is not under test and triples synthesis time.
    app = cdk.App(builtin_cloud_formation_validation=False)
    _build(cdk.Stack(app, "Efs"))
    _build_wildcard_backups(cdk.Stack(app, "EfsBackups"))
    return check_app(app)


def at(name: str) -> str:
    return f"Efs/{name}"


def mine(ev: Checked, name: str) -> list[Finding]:
    return [f for f in findings_at(ev, at(name)) if f.rule.id.startswith("SC-EFS-")]


def outcomes(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {(f.rule.id, f.status) for f in mine(ev, name)}


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Secure", "L1Secure", "SecureReplica", "InBackupPlan", "IfTwoKeys", "Granted"]
)
def test_hardened_file_system_has_no_finding(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == set()


def test_secure_l2_policy_is_the_tls_denial_plus_cdks_anonymous_statement(ev: Checked) -> None:
    resources = ev.templates["Efs"]["Resources"]
    (secure,) = (
        v
        for k, v in resources.items()
        if v["Type"] == "AWS::EFS::FileSystem" and k.startswith("Secure") and "Replica" not in k
    )
    statements = secure["Properties"]["FileSystemPolicy"]["Statement"]
    assert {s["Effect"] for s in statements} == {"Allow", "Deny"}
    assert any("elasticfilesystem:AccessedViaMountTarget" in str(s) for s in statements)


# -- SC-EFS-1 customer-managed key ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["DefaultKey", "Unencrypted", "L1Unencrypted", "EscUnencrypted", "AwsManagedKey"]
)
def test_file_system_without_customer_key_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-EFS-1", NON_COMPLIANT)}


def test_default_l2_key_is_named_as_the_aws_managed_key(ev: Checked) -> None:
    (finding,) = mine(ev, "DefaultKey")
    assert finding.property_path == "Properties.KmsKeyId"
    assert "aws/elasticfilesystem" in finding.message


@pytest.mark.parametrize("name", ["ParamKey", "ParamEncrypted", "IfKey"])
def test_key_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-EFS-1", CANNOT_VERIFY)}


def test_replica_without_key_is_flagged(ev: Checked) -> None:
    (finding,) = mine(ev, "ReplicaDefaultKey")
    assert (finding.rule.id, finding.status) == ("SC-EFS-1", NON_COMPLIANT)
    assert finding.property_path == "Properties.ReplicationConfiguration.Destinations[0].KmsKeyId"


def test_replica_to_an_existing_file_system_is_judged_there(ev: Checked) -> None:
    assert outcomes(ev, "ReplicaExisting") == set()


# -- SC-EFS-2 backups ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["NoBackups", "L1NoBackups", "EscBackupsDisabled", "TagSelected"])
def test_file_system_without_backups_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-EFS-2", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamBackups", "IfBackups"])
def test_backups_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-EFS-2", CANNOT_VERIFY)}


# -- SC-EFS-3 retained ---------------------------------------------------------------------


def test_destroyed_file_system_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, "Destroyed") == {("SC-EFS-3", NON_COMPLIANT)}


def test_l1_without_removal_policy_is_flagged_once_for_both_policies(ev: Checked) -> None:
    findings = [f for f in mine(ev, "L1NoRemovalPolicy") if f.rule.id == "SC-EFS-3"]
    assert [f.property_path for f in findings] == ["DeletionPolicy"]
    assert "DeletionPolicy and UpdateReplacePolicy are not set" in findings[0].message


# -- SC-EFS-4 TLS only ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["NoPolicy", "AnonymousOnly", "L1NoPolicy", "EscNoPolicy", "DenyMountOnly", "IfTlsOne"]
)
def test_file_system_that_accepts_plain_nfs_is_flagged(ev: Checked, name: str) -> None:
    expected = CANNOT_VERIFY if name == "IfTlsOne" else NON_COMPLIANT
    assert outcomes(ev, name) == {("SC-EFS-4", expected)}


def test_denial_of_every_client_action_is_compliant(ev: Checked) -> None:
    assert outcomes(ev, "DenyClientActions") == set()


def test_denial_in_both_branches_is_compliant(ev: Checked) -> None:
    assert outcomes(ev, "IfTlsBoth") == set()


def test_secure_transport_value_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, "ParamSecureTransport") == {("SC-EFS-4", CANNOT_VERIFY)}


def test_policy_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, "ParamPolicy") == {
        ("SC-EFS-4", CANNOT_VERIFY),
        ("SC-EFS-5", CANNOT_VERIFY),
    }


# -- SC-EFS-5 not public -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["L1Open", "EscOpen", "MountTargetFalse"])
def test_policy_open_to_everyone_is_flagged(ev: Checked, name: str) -> None:
    (finding,) = mine(ev, name)
    assert (finding.rule.id, finding.status) == ("SC-EFS-5", NON_COMPLIANT)
    assert finding.property_path == "Properties.FileSystemPolicy.Statement[1]"


def test_open_l2_policy_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, "OpenPolicy") == {("SC-EFS-5", NON_COMPLIANT)}


def test_policy_narrowed_to_the_organization_is_compliant(ev: Checked) -> None:
    assert outcomes(ev, "OrgPolicy") == set()


def test_principal_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, "ParamPrincipal") == {("SC-EFS-5", CANNOT_VERIFY)}


def test_selection_of_every_file_system_covers_its_template(ev: Checked) -> None:
    covered = [f for f in findings_at(ev, "EfsBackups/Covered") if f.rule.id.startswith("SC-EFS-")]
    # No KmsKeyId (SC-EFS-1), but backed up by the wildcard selection.
    assert {(f.rule.id, f.status) for f in covered} == {("SC-EFS-1", NON_COMPLIANT)}
