"""SC-DOCDB-1..6 on DocumentDB clusters built from the L2, raw L1s, escape hatches, tokens.

One app is synthesized for the module: stack ``Docdb`` holds one cluster per case
(construct id = case name) and the cluster parameter groups they use. Only the
``SC-DOCDB-*`` findings are compared.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_docdb as docdb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

HARDENED = {"tls": "tls1.2+", "audit_logs": "enabled"}
PASSWORD = "{{resolve:secretsmanager:docdb-master:SecretString:password}}"  # noqa: S105


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    days = cdk.CfnParameter(stack, "Days", type="Number", default=7).value_as_number
    switch = Switch(stack)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)

    def l2_group(construct_id: str, **parameters: str) -> docdb.ClusterParameterGroup:
        return docdb.ClusterParameterGroup(
            stack, construct_id, family="docdb5.0", parameters=parameters
        )

    def l2(construct_id: str, **overrides: Any) -> docdb.DatabaseCluster:
        props: dict[str, Any] = {
            "master_user": docdb.Login(username="docadmin"),
            "vpc": vpc,
            "instance_type": ec2.InstanceType("t4g.medium"),
            "instances": 1,
        }
        props.update(overrides)
        return docdb.DatabaseCluster(stack, construct_id, **props)

    def group(construct_id: str, **parameters: Any) -> docdb.CfnDBClusterParameterGroup:
        return docdb.CfnDBClusterParameterGroup(
            stack, construct_id, description=construct_id, family="docdb5.0", parameters=parameters
        )

    hardened = group("HardenedGroup", **HARDENED)

    def cluster(construct_id: str, **overrides: Any) -> docdb.CfnDBCluster:
        props: dict[str, Any] = {
            "master_username": "docadmin",
            "master_user_password": PASSWORD,
            "storage_encrypted": True,
            "kms_key_id": key.key_arn,
            "db_cluster_parameter_group_name": hardened.ref,
            "enable_cloudwatch_logs_exports": ["audit"],
            "backup_retention_period": 7,
            "deletion_protection": True,
        }
        props.update(overrides)
        return docdb.CfnDBCluster(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    # Compliant references.
    l2(
        "Secure",
        kms_key=key,
        export_audit_logs_to_cloud_watch=True,
        parameter_group=l2_group("SecureParameters", **HARDENED),
        backup=docdb.BackupProps(retention=cdk.Duration.days(7)),
        deletion_protection=True,
    )
    cluster("L1Secure")
    cluster("IfTwoKeys").add_property_override(
        "KmsKeyId", switch.pick(key.key_arn, other_key.key_arn)
    )
    cluster("IfBackupsBoth").add_property_override("BackupRetentionPeriod", switch.pick(7, 14))

    # The L2's defaults: encrypted with aws/rds, tls 'enabled', no audit, 1 day, unprotected.
    l2("DefaultL2")
    l2("AuditExportOnlyL2", export_audit_logs_to_cloud_watch=True, kms_key=key)

    # SC-DOCDB-1 encryption.
    cluster("Unencrypted", storage_encrypted=False, kms_key_id=None)
    cluster("EscNoKey").add_property_deletion_override("KmsKeyId")
    cluster("ParamKey", kms_key_id=setting)
    cluster("IfKey").add_property_override("KmsKeyId", switch.pick(key.key_arn, cdk.Aws.NO_VALUE))
    cluster("Restored", storage_encrypted=None, kms_key_id=None, snapshot_identifier="snap-1")

    # SC-DOCDB-2 / SC-DOCDB-3 TLS.
    no_tls = group("NoTls", **{**HARDENED, "tls": "disabled"})
    cluster("TlsDisabled", db_cluster_parameter_group_name=no_tls.ref)
    any_tls = group("AnyTls", **{**HARDENED, "tls": "enabled"})
    cluster("TlsAnyVersion", db_cluster_parameter_group_name=any_tls.ref)
    esc_group = group("EscGroup", **HARDENED)
    esc_group.add_property_override("Parameters.tls", "disabled")
    cluster("EscTlsDisabled", db_cluster_parameter_group_name=esc_group.ref)
    if_group = group("IfGroup", **HARDENED)
    if_group.add_property_override("Parameters.tls", switch.pick("tls1.2+", "disabled"))
    cluster("IfTls", db_cluster_parameter_group_name=if_group.ref)
    cluster("ParamGroup", db_cluster_parameter_group_name=setting)
    cluster("ExternalGroup", db_cluster_parameter_group_name="team-shared-docdb")
    cluster("DefaultGroupByName", db_cluster_parameter_group_name="default.docdb5.0")

    # SC-DOCDB-4 audit logs.
    cluster("NoAuditExport", enable_cloudwatch_logs_exports=["profiler"])
    no_audit = group("NoAudit", tls="tls1.2+")
    cluster("AuditParameterOff", db_cluster_parameter_group_name=no_audit.ref)
    cluster("ParamExports").add_property_override("EnableCloudwatchLogsExports", [setting])

    # SC-DOCDB-5 backups.
    cluster("OneDayBackups", backup_retention_period=1)
    cluster("DefaultBackups", backup_retention_period=None)
    cluster("ParamBackups", backup_retention_period=days)
    cluster("IfBackups").add_property_override("BackupRetentionPeriod", switch.pick(7, 1))

    # SC-DOCDB-6 deletion protection.
    cluster("Unprotected", deletion_protection=None)
    cfn(l2("EscUnprotectedL2", kms_key=key)).add_property_override("DeletionProtection", False)
    cluster("ParamProtection", deletion_protection=None).add_property_override(
        "DeletionProtection", setting
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Docdb"))
    return check_app(app)


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status)
        for f in findings_at(ev, f"Docdb/{name}")
        if f.rule.id.startswith("SC-DOCDB-")
    }


@pytest.mark.parametrize("name", ["Secure", "L1Secure", "IfTwoKeys", "IfBackupsBoth"])
def test_hardened_cluster_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


def test_l2_defaults_are_flagged(ev: Checked) -> None:
    assert mine(ev, "DefaultL2") == {
        ("SC-DOCDB-1", NON_COMPLIANT),  # aws/rds, not a key of yours
        ("SC-DOCDB-3", NON_COMPLIANT),  # the default group's tls 'enabled'
        ("SC-DOCDB-4", NON_COMPLIANT),
        ("SC-DOCDB-5", NON_COMPLIANT),
        ("SC-DOCDB-6", NON_COMPLIANT),
    }


def test_audit_export_without_audit_logs_parameter_is_flagged(ev: Checked) -> None:
    found = [f for f in findings_at(ev, "Docdb/AuditExportOnlyL2") if f.rule.id == "SC-DOCDB-4"]
    assert [f.status for f in found] == [NON_COMPLIANT]
    assert "audit_logs" in found[0].message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Unencrypted", {"SC-DOCDB-1"}),
        ("EscNoKey", {"SC-DOCDB-1"}),
        ("TlsDisabled", {"SC-DOCDB-2"}),
        ("EscTlsDisabled", {"SC-DOCDB-2"}),
        ("TlsAnyVersion", {"SC-DOCDB-3"}),
        ("DefaultGroupByName", {"SC-DOCDB-3", "SC-DOCDB-4"}),
        ("NoAuditExport", {"SC-DOCDB-4"}),
        ("AuditParameterOff", {"SC-DOCDB-4"}),
        ("OneDayBackups", {"SC-DOCDB-5"}),
        ("DefaultBackups", {"SC-DOCDB-5"}),
        ("Unprotected", {"SC-DOCDB-6"}),
    ],
)
def test_weakened_cluster_is_flagged(ev: Checked, name: str, expected: set[str]) -> None:
    assert mine(ev, name) == {(rule, NON_COMPLIANT) for rule in expected}


def test_protection_removed_by_override_on_the_l2_is_flagged(ev: Checked) -> None:
    assert ("SC-DOCDB-6", NON_COMPLIANT) in mine(ev, "EscUnprotectedL2")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ParamKey", {"SC-DOCDB-1"}),
        ("IfKey", {"SC-DOCDB-1"}),
        ("Restored", {"SC-DOCDB-1"}),
        ("IfTls", {"SC-DOCDB-2"}),
        ("ParamGroup", {"SC-DOCDB-2", "SC-DOCDB-3", "SC-DOCDB-4"}),
        ("ExternalGroup", {"SC-DOCDB-2", "SC-DOCDB-3", "SC-DOCDB-4"}),
        ("ParamExports", {"SC-DOCDB-4"}),
        ("ParamBackups", {"SC-DOCDB-5"}),
        ("IfBackups", {"SC-DOCDB-5"}),
        ("ParamProtection", {"SC-DOCDB-6"}),
    ],
)
def test_setting_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str, expected: set[str]
) -> None:
    assert mine(ev, name) == {(rule, CANNOT_VERIFY) for rule in expected}
