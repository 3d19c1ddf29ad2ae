"""SC-REDSHIFT-1..6 on provisioned clusters, parameter groups and Redshift Serverless.

aws-cdk-lib has only the Redshift L1s: cases are built from ``redshift.CfnCluster``,
``CfnClusterParameterGroup``, ``redshiftserverless.CfnNamespace`` / ``CfnWorkgroup``,
escape hatches and tokens. One app is synthesized for the module: stack ``Redshift`` holds
one resource per case (construct id = case name). Only the ``SC-REDSHIFT-*`` findings are
compared.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_redshift as redshift
from aws_cdk import aws_redshiftserverless as serverless

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, check_app, findings_at

AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/redshift"
LOG_EXPORTS = ["connectionlog", "userlog", "useractivitylog"]


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    days = cdk.CfnParameter(stack, "Days", type="Number", default=7).value_as_number
    switch = Switch(stack)

    def group(construct_id: str, family: str = "redshift-1.0", **params: str) -> Any:
        return redshift.CfnClusterParameterGroup(
            stack,
            construct_id,
            description=construct_id,
            parameter_group_family=family,
            parameters=[{"parameterName": k, "parameterValue": v} for k, v in params.items()]
            or None,
        )

    tls_group = group("TlsGroup", require_ssl="true")

    def cluster(construct_id: str, **overrides: Any) -> redshift.CfnCluster:
        props: dict[str, Any] = {
            "cluster_type": "multi-node",
            "number_of_nodes": 2,
            "node_type": "ra3.xlplus",
            "db_name": "analytics",
            "master_username": "warehouse_admin",
            "manage_master_password": True,
            "encrypted": True,
            "kms_key_id": key.key_id,
            "cluster_parameter_group_name": tls_group.ref,
            "logging_properties": {"bucketName": "warehouse-audit-logs"},
            "enhanced_vpc_routing": True,
            "automated_snapshot_retention_period": 7,
        }
        props.update(overrides)
        return redshift.CfnCluster(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    def namespace(construct_id: str, **overrides: Any) -> serverless.CfnNamespace:
        props: dict[str, Any] = {
            "namespace_name": construct_id.lower(),
            "kms_key_id": key.key_arn,
            "log_exports": LOG_EXPORTS,
        }
        props.update(overrides)
        return serverless.CfnNamespace(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    def workgroup(construct_id: str, **overrides: Any) -> serverless.CfnWorkgroup:
        props: dict[str, Any] = {
            "workgroup_name": construct_id.lower(),
            "namespace_name": "secure",
            "enhanced_vpc_routing": True,
        }
        props.update(overrides)
        return serverless.CfnWorkgroup(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    # Compliant references.
    cluster("Secure")
    cluster("SecureDefaultGroup", cluster_parameter_group_name=None, publicly_accessible=False)
    cluster("SecureDefaultGroupByName", cluster_parameter_group_name="default.redshift-2.0")
    cluster("SecureFamily2", cluster_parameter_group_name=group("Family2", "redshift-2.0").ref)
    cluster(
        "SecureCloudWatchLogs",
        logging_properties={"logDestinationType": "cloudwatch", "logExports": LOG_EXPORTS},
    )
    cluster("SecureKeyOnly", encrypted=None)
    cluster("IfSnapshotsBoth").add_property_override(
        "AutomatedSnapshotRetentionPeriod", switch.pick(7, 14)
    )
    namespace("SecureNamespace")
    workgroup("SecureWorkgroup")
    workgroup(
        "SecureWorkgroupSsl",
        config_parameters=[{"parameterKey": "require_ssl", "parameterValue": "true"}],
    )

    # SC-REDSHIFT-1 encryption.
    cluster("NoKey", kms_key_id=None)
    cluster("Unencrypted", encrypted=False, kms_key_id=None)
    cluster("AwsManagedKey", kms_key_id=AWS_MANAGED_ALIAS_ARN)
    cluster("EscNoKey").add_property_deletion_override("KmsKeyId")
    cluster("ParamKey", kms_key_id=setting)
    cluster("IfKey").add_property_override("KmsKeyId", switch.pick(key.key_id, cdk.Aws.NO_VALUE))
    cluster("RestoredNoKey", kms_key_id=None, encrypted=None, snapshot_identifier="snap-1")
    namespace("NamespaceNoKey", kms_key_id=None)
    namespace("ParamNamespaceKey", kms_key_id=setting)

    # SC-REDSHIFT-2 public access.
    cluster("Public", publicly_accessible=True)
    cluster("EscPublic").add_property_override("PubliclyAccessible", True)
    cluster("ParamPublic").add_property_override("PubliclyAccessible", setting)
    workgroup("PublicWorkgroup", publicly_accessible=True)

    # SC-REDSHIFT-3 require_ssl.
    cluster("DefaultGroup1", cluster_parameter_group_name="default.redshift-1.0")
    cluster("SslOff", cluster_parameter_group_name=group("SslOffGroup", require_ssl="false").ref)
    cluster("Family1NoSsl", cluster_parameter_group_name=group("Family1Group").ref)
    esc_group = group("EscSslGroup", require_ssl="true")
    esc_group.add_property_override("Parameters.0.ParameterValue", "false")
    cluster("EscSslOff", cluster_parameter_group_name=esc_group.ref)
    cluster("ParamGroup", cluster_parameter_group_name=setting)
    cluster("ExternalGroup", cluster_parameter_group_name="team-shared-group")
    if_group = group("IfSslGroup", require_ssl="true")
    if_group.add_property_override("Parameters.0.ParameterValue", switch.pick("true", "false"))
    cluster("IfSsl", cluster_parameter_group_name=if_group.ref)
    workgroup(
        "WorkgroupSslOff",
        config_parameters=[{"parameterKey": "require_ssl", "parameterValue": "false"}],
    )

    # SC-REDSHIFT-4 audit logs.
    cluster("NoAuditLogs", logging_properties=None)
    cluster(
        "CloudWatchWithoutUserLog",
        logging_properties={"logDestinationType": "cloudwatch", "logExports": ["connectionlog"]},
    )
    cluster("EscNoAuditLogs").add_property_deletion_override("LoggingProperties")
    cluster("ParamLogDestination").add_property_override(
        "LoggingProperties.LogDestinationType", setting
    )
    namespace("NamespaceNoLogs", log_exports=None)

    # SC-REDSHIFT-5 enhanced VPC routing.
    cluster("NoVpcRouting", enhanced_vpc_routing=None)
    cluster("EscNoVpcRouting").add_property_override("EnhancedVpcRouting", False)
    cluster("ParamVpcRouting").add_property_override("EnhancedVpcRouting", setting)
    workgroup("WorkgroupNoVpcRouting", enhanced_vpc_routing=None)

    # SC-REDSHIFT-6 automated snapshots.
    cluster("DefaultSnapshots", automated_snapshot_retention_period=None)
    cluster("NoSnapshots", automated_snapshot_retention_period=0)
    cluster("EscOneDaySnapshots").add_property_override("AutomatedSnapshotRetentionPeriod", 1)
    cluster("ParamSnapshots", automated_snapshot_retention_period=days)
    cluster("IfSnapshots").add_property_override(
        "AutomatedSnapshotRetentionPeriod", switch.pick(7, 1)
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Redshift"))
    return check_app(app)


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status)
        for f in findings_at(ev, f"Redshift/{name}")
        if f.rule.id.startswith("SC-REDSHIFT-")
    }


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "SecureDefaultGroup",
        "SecureDefaultGroupByName",
        "SecureFamily2",
        "SecureCloudWatchLogs",
        "SecureKeyOnly",
        "IfSnapshotsBoth",
        "SecureNamespace",
        "SecureWorkgroup",
        "SecureWorkgroupSsl",
    ],
)
def test_hardened_warehouse_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("NoKey", "SC-REDSHIFT-1"),
        ("Unencrypted", "SC-REDSHIFT-1"),
        ("AwsManagedKey", "SC-REDSHIFT-1"),
        ("EscNoKey", "SC-REDSHIFT-1"),
        ("NamespaceNoKey", "SC-REDSHIFT-1"),
        ("Public", "SC-REDSHIFT-2"),
        ("EscPublic", "SC-REDSHIFT-2"),
        ("PublicWorkgroup", "SC-REDSHIFT-2"),
        ("DefaultGroup1", "SC-REDSHIFT-3"),
        ("SslOff", "SC-REDSHIFT-3"),
        ("Family1NoSsl", "SC-REDSHIFT-3"),
        ("EscSslOff", "SC-REDSHIFT-3"),
        ("WorkgroupSslOff", "SC-REDSHIFT-3"),
        ("NoAuditLogs", "SC-REDSHIFT-4"),
        ("CloudWatchWithoutUserLog", "SC-REDSHIFT-4"),
        ("EscNoAuditLogs", "SC-REDSHIFT-4"),
        ("NamespaceNoLogs", "SC-REDSHIFT-4"),
        ("NoVpcRouting", "SC-REDSHIFT-5"),
        ("EscNoVpcRouting", "SC-REDSHIFT-5"),
        ("WorkgroupNoVpcRouting", "SC-REDSHIFT-5"),
        ("DefaultSnapshots", "SC-REDSHIFT-6"),
        ("NoSnapshots", "SC-REDSHIFT-6"),
        ("EscOneDaySnapshots", "SC-REDSHIFT-6"),
    ],
)
def test_weakened_warehouse_is_flagged(ev: Checked, name: str, rule: str) -> None:
    assert mine(ev, name) == {(rule, NON_COMPLIANT)}


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ParamKey", "SC-REDSHIFT-1"),
        ("IfKey", "SC-REDSHIFT-1"),
        ("RestoredNoKey", "SC-REDSHIFT-1"),
        ("ParamNamespaceKey", "SC-REDSHIFT-1"),
        ("ParamPublic", "SC-REDSHIFT-2"),
        ("ParamGroup", "SC-REDSHIFT-3"),
        ("ExternalGroup", "SC-REDSHIFT-3"),
        ("IfSsl", "SC-REDSHIFT-3"),
        ("ParamLogDestination", "SC-REDSHIFT-4"),
        ("ParamVpcRouting", "SC-REDSHIFT-5"),
        ("ParamSnapshots", "SC-REDSHIFT-6"),
        ("IfSnapshots", "SC-REDSHIFT-6"),
    ],
)
def test_setting_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str, rule: str
) -> None:
    assert mine(ev, name) == {(rule, CANNOT_VERIFY)}


def test_tls_finding_names_the_parameter_group(ev: Checked) -> None:
    (finding,) = [f for f in findings_at(ev, "Redshift/SslOff") if f.rule.id == "SC-REDSHIFT-3"]
    assert finding.property_path == "Properties.ClusterParameterGroupName"
    assert "SslOffGroup" in finding.message
    assert "require_ssl" in finding.message


def test_parameter_groups_themselves_have_no_finding(ev: Checked) -> None:
    groups = ["TlsGroup", "Family2", "SslOffGroup", "Family1Group", "EscSslGroup", "IfSslGroup"]
    assert set().union(*(mine(ev, name) for name in groups)) == set()
