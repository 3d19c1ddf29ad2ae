"""SC-NEPTUNE-1..5 on Neptune clusters and their cluster parameter groups.

aws-cdk-lib has only the Neptune L1s (the L2 is in ``aws_neptune_alpha``): cases are
``neptune.CfnDBCluster`` resources, escape hatches and tokens. One app is synthesized for
the module: stack ``Neptune`` holds one cluster per case (construct id = case name). Only
the ``SC-NEPTUNE-*`` findings are compared.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_neptune as neptune

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, check_app, findings_at


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    days = cdk.CfnParameter(stack, "Days", type="Number", default=7).value_as_number
    switch = Switch(stack)

    def group(construct_id: str, audit: Any) -> neptune.CfnDBClusterParameterGroup:
        return neptune.CfnDBClusterParameterGroup(
            stack,
            construct_id,
            description=construct_id,
            family="neptune1.3",
            parameters={"neptune_enable_audit_log": audit},
        )

    audited = group("AuditGroup", 1)

    def cluster(construct_id: str, **overrides: Any) -> neptune.CfnDBCluster:
        props: dict[str, Any] = {
            "engine_version": "1.3.2.1",
            "storage_encrypted": True,
            "kms_key_id": key.key_arn,
            "iam_auth_enabled": True,
            "enable_cloudwatch_logs_exports": ["audit"],
            "db_cluster_parameter_group_name": audited.ref,
            "backup_retention_period": 7,
            "deletion_protection": True,
        }
        props.update(overrides)
        return neptune.CfnDBCluster(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    # Compliant references.
    cluster("Secure")
    cluster("IfBackupsBoth").add_property_override("BackupRetentionPeriod", switch.pick(7, 35))

    # SC-NEPTUNE-1 encryption.
    cluster("Unencrypted", storage_encrypted=None, kms_key_id=None)
    cluster("DefaultKey", kms_key_id=None)
    cluster("EscUnencrypted").add_property_override("StorageEncrypted", False)
    cluster("ParamKey", kms_key_id=setting)
    cluster("Restored", storage_encrypted=None, kms_key_id=None, snapshot_identifier="snap-1")

    # SC-NEPTUNE-2 IAM authentication.
    cluster("NoIamAuth", iam_auth_enabled=None)
    cluster("EscNoIamAuth").add_property_override("IamAuthEnabled", False)
    cluster("ParamIamAuth").add_property_override("IamAuthEnabled", setting)
    cluster("IfIamAuth").add_property_override("IamAuthEnabled", switch.pick(True, False))

    # SC-NEPTUNE-3 audit logs.
    cluster("NoAuditExport", enable_cloudwatch_logs_exports=["slowquery"])
    cluster("AuditParameterOff", db_cluster_parameter_group_name=group("QuietGroup", 0).ref)
    cluster("DefaultGroup", db_cluster_parameter_group_name=None)
    cluster("DefaultGroupByName", db_cluster_parameter_group_name="default.neptune1.3")
    cluster("ParamGroup", db_cluster_parameter_group_name=setting)
    if_group = group("IfGroup", 1)
    if_group.add_property_override("Parameters.neptune_enable_audit_log", switch.pick(1, 0))
    cluster("IfAudit", db_cluster_parameter_group_name=if_group.ref)

    # SC-NEPTUNE-4 backups.
    cluster("OneDayBackups", backup_retention_period=1)
    cluster("DefaultBackups", backup_retention_period=None)
    cluster("ParamBackups", backup_retention_period=days)

    # SC-NEPTUNE-5 deletion protection.
    cluster("Unprotected", deletion_protection=None)
    cluster("EscUnprotected").add_property_override("DeletionProtection", False)


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Neptune"))
    return check_app(app)


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status)
        for f in findings_at(ev, f"Neptune/{name}")
        if f.rule.id.startswith("SC-NEPTUNE-")
    }


@pytest.mark.parametrize("name", ["Secure", "IfBackupsBoth"])
def test_hardened_cluster_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("Unencrypted", "SC-NEPTUNE-1"),
        ("DefaultKey", "SC-NEPTUNE-1"),
        ("EscUnencrypted", "SC-NEPTUNE-1"),
        ("NoIamAuth", "SC-NEPTUNE-2"),
        ("EscNoIamAuth", "SC-NEPTUNE-2"),
        ("NoAuditExport", "SC-NEPTUNE-3"),
        ("AuditParameterOff", "SC-NEPTUNE-3"),
        ("DefaultGroup", "SC-NEPTUNE-3"),
        ("DefaultGroupByName", "SC-NEPTUNE-3"),
        ("OneDayBackups", "SC-NEPTUNE-4"),
        ("DefaultBackups", "SC-NEPTUNE-4"),
        ("Unprotected", "SC-NEPTUNE-5"),
        ("EscUnprotected", "SC-NEPTUNE-5"),
    ],
)
def test_weakened_cluster_is_flagged(ev: Checked, name: str, rule: str) -> None:
    assert mine(ev, name) == {(rule, NON_COMPLIANT)}


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ParamKey", "SC-NEPTUNE-1"),
        ("Restored", "SC-NEPTUNE-1"),
        ("ParamIamAuth", "SC-NEPTUNE-2"),
        ("IfIamAuth", "SC-NEPTUNE-2"),
        ("ParamGroup", "SC-NEPTUNE-3"),
        ("IfAudit", "SC-NEPTUNE-3"),
        ("ParamBackups", "SC-NEPTUNE-4"),
    ],
)
def test_setting_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str, rule: str
) -> None:
    assert mine(ev, name) == {(rule, CANNOT_VERIFY)}


def test_audit_finding_explains_the_parameter_group(ev: Checked) -> None:
    (finding,) = [
        f for f in findings_at(ev, "Neptune/AuditParameterOff") if f.rule.id == "SC-NEPTUNE-3"
    ]
    assert "neptune_enable_audit_log" in finding.message
    assert "QuietGroup" in finding.message
