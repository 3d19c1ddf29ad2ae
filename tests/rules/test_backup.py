"""SC-BACKUP-1..5 on backup vaults and plans built from the L2s, L1s, escape hatches, tokens.

One app is synthesized for the module: stack ``Backup`` holds one vault or plan per case
(construct id = case name). Only the ``SC-BACKUP-*`` findings are compared.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_backup as backup
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/backup"
BREAK_GLASS = "arn:aws:iam::123456789012:role/break-glass"
DR_VAULT = "arn:aws:backup:eu-west-2:123456789012:backup-vault:dr"
UNKNOWN_DENY_WITHOUT_LOCK = {("SC-BACKUP-3", CANNOT_VERIFY), ("SC-BACKUP-4", NON_COMPLIANT)}
LOCK = backup.LockConfiguration(min_retention=cdk.Duration.days(7))


def _deny(**extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
        "Resource": "*",
    }
    statement.update(extra)
    return {"Version": "2012-10-17", "Statement": [statement]}


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    days = cdk.CfnParameter(stack, "Days", type="Number", default=7).value_as_number
    switch = Switch(stack)

    def vault(construct_id: str, **overrides: Any) -> backup.BackupVault:
        props: dict[str, Any] = {
            "encryption_key": key,
            "block_recovery_point_deletion": True,
            "lock_configuration": LOCK,
        }
        props.update(overrides)
        return backup.BackupVault(stack, construct_id, **props)

    def l1_vault(construct_id: str, **overrides: Any) -> backup.CfnBackupVault:
        props: dict[str, Any] = {
            "backup_vault_name": construct_id.lower(),
            "encryption_key_arn": key.key_arn,
            "access_policy": _deny(Condition={"ArnNotLike": {"aws:PrincipalArn": BREAK_GLASS}}),
            "lock_configuration": {"minRetentionDays": 7},
        }
        props.update(overrides)
        return backup.CfnBackupVault(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    def allow(principal: iam.IPrincipal, **conditions: Any) -> iam.PolicyDocument:
        return iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    principals=[principal],
                    actions=["backup:CopyIntoBackupVault"],
                    resources=["*"],
                    conditions=conditions or None,
                )
            ]
        )

    def plan(construct_id: str, lifecycle: Any) -> backup.CfnBackupPlan:
        rule: dict[str, Any] = {
            "ruleName": "daily",
            "targetBackupVault": "app-backups",
            "scheduleExpression": "cron(0 5 * * ? *)",
        }
        if lifecycle is not None:
            rule["lifecycle"] = lifecycle
        return backup.CfnBackupPlan(
            stack,
            construct_id,
            backup_plan={"backupPlanName": construct_id, "backupPlanRule": [rule]},
        )

    # Compliant references.
    secure = vault("Secure")
    l1_vault("L1SecureBreakGlass")
    vault("SecureLockOnly", block_recovery_point_deletion=False)
    org_only = allow(iam.AnyPrincipal(), StringEquals={"aws:PrincipalOrgID": "o-exampleorgid"})
    vault("SecureShared", access_policy=org_only)
    backup.BackupPlan.daily35_day_retention(stack, "SecurePlan", secure)
    plan("SecurePlanKeptForever", None)
    l1_vault("IfLockBoth").add_property_override(
        "LockConfiguration.MinRetentionDays", switch.pick(7, 30)
    )

    # The L2's defaults: aws/backup, no deletion denial, no lock.
    backup.BackupVault(stack, "DefaultL2")

    # SC-BACKUP-1 customer key.
    l1_vault("AwsManagedKey", encryption_key_arn=AWS_MANAGED_ALIAS_ARN)
    cfn(vault("EscNoKey")).add_property_deletion_override("EncryptionKeyArn")
    l1_vault("ParamKey", encryption_key_arn=setting)
    l1_vault("IfKey").add_property_override(
        "EncryptionKeyArn", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )

    # SC-BACKUP-2 open access policy.
    vault("OpenPolicy", access_policy=allow(iam.AnyPrincipal()))
    l1_vault("EscOpenPolicy").add_property_override("AccessPolicy.Statement.0.Effect", "Allow")
    from_parameter = {"Effect": "Allow", "Principal": {"AWS": setting}, "Action": "backup:*"}
    l1_vault("ParamPrincipal").add_property_override("AccessPolicy.Statement.0", from_parameter)

    # SC-BACKUP-3 deletion denied (these have no lock, so SC-BACKUP-4 fires too).
    narrowed = _deny(Condition={"StringEquals": {"aws:SourceVpc": "vpc-0123456789abcdef0"}})
    l1_vault("DenyNarrowed", lock_configuration=None, access_policy=narrowed)
    other_action = _deny(Action="backup:DeleteBackupVault")
    l1_vault("DenyOtherAction", lock_configuration=None, access_policy=other_action)
    cfn(vault("EscNoDeny", lock_configuration=None)).add_property_deletion_override("AccessPolicy")
    l1_vault("ParamEffect", lock_configuration=None).add_property_override(
        "AccessPolicy.Statement.0.Effect", setting
    )
    l1_vault("IfDeny", lock_configuration=None).add_property_override(
        "AccessPolicy.Statement.0.Effect", switch.pick("Deny", "Allow")
    )

    # SC-BACKUP-4 vault lock.
    vault("NoLock", lock_configuration=None)
    l1_vault("ParamLock").add_property_override("LockConfiguration.MinRetentionDays", days)

    # SC-BACKUP-5 plan retention.
    l2_plan = backup.BackupPlan(stack, "ShortL2Plan", backup_vault=secure)
    l2_plan.add_rule(backup.BackupPlanRule(rule_name="hourly", delete_after=cdk.Duration.days(3)))
    plan("ShortL1Plan", {"deleteAfterDays": 1})
    esc_plan = backup.BackupPlan.daily35_day_retention(stack, "EscShortPlan", secure)
    cfn(esc_plan).add_property_override("BackupPlan.BackupPlanRule.0.Lifecycle.DeleteAfterDays", 2)
    short_copy = plan("ShortCopy", {"deleteAfterDays": 35})
    short_copy.add_property_override(
        "BackupPlan.BackupPlanRule.0.CopyActions",
        [{"DestinationBackupVaultArn": DR_VAULT, "Lifecycle": {"DeleteAfterDays": 1}}],
    )
    plan("ParamPlan", {"deleteAfterDays": days})
    plan("IfPlan", {"deleteAfterDays": 35}).add_property_override(
        "BackupPlan.BackupPlanRule.0.Lifecycle.DeleteAfterDays", switch.pick(35, 3)
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Backup"))
    return check_app(app)


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status)
        for f in findings_at(ev, f"Backup/{name}")
        if f.rule.id.startswith("SC-BACKUP-")
    }


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "L1SecureBreakGlass",
        "SecureLockOnly",
        "SecureShared",
        "SecurePlan",
        "SecurePlanKeptForever",
        "IfLockBoth",
    ],
)
def test_hardened_vault_or_plan_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


def test_l2_vault_defaults_are_flagged(ev: Checked) -> None:
    assert mine(ev, "DefaultL2") == {
        ("SC-BACKUP-1", NON_COMPLIANT),
        ("SC-BACKUP-3", NON_COMPLIANT),
        ("SC-BACKUP-4", NON_COMPLIANT),
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("AwsManagedKey", {"SC-BACKUP-1"}),
        ("EscNoKey", {"SC-BACKUP-1"}),
        ("OpenPolicy", {"SC-BACKUP-2"}),
        ("EscOpenPolicy", {"SC-BACKUP-2"}),
        ("DenyNarrowed", {"SC-BACKUP-3", "SC-BACKUP-4"}),
        ("DenyOtherAction", {"SC-BACKUP-3", "SC-BACKUP-4"}),
        ("EscNoDeny", {"SC-BACKUP-3", "SC-BACKUP-4"}),
        ("NoLock", {"SC-BACKUP-4"}),
        ("ShortL2Plan", {"SC-BACKUP-5"}),
        ("ShortL1Plan", {"SC-BACKUP-5"}),
        ("EscShortPlan", {"SC-BACKUP-5"}),
        ("ShortCopy", {"SC-BACKUP-5"}),
    ],
)
def test_weakened_vault_or_plan_is_flagged(ev: Checked, name: str, expected: set[str]) -> None:
    assert mine(ev, name) == {(rule, NON_COMPLIANT) for rule in expected}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ParamKey", {("SC-BACKUP-1", CANNOT_VERIFY)}),
        ("IfKey", {("SC-BACKUP-1", CANNOT_VERIFY)}),
        ("ParamPrincipal", {("SC-BACKUP-2", CANNOT_VERIFY)}),
        ("ParamEffect", {("SC-BACKUP-2", CANNOT_VERIFY), *UNKNOWN_DENY_WITHOUT_LOCK}),
        ("IfDeny", {("SC-BACKUP-2", CANNOT_VERIFY), *UNKNOWN_DENY_WITHOUT_LOCK}),
        ("ParamLock", {("SC-BACKUP-4", CANNOT_VERIFY)}),
        ("ParamPlan", {("SC-BACKUP-5", CANNOT_VERIFY)}),
        ("IfPlan", {("SC-BACKUP-5", CANNOT_VERIFY)}),
    ],
)
def test_setting_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str, expected: set[tuple[str, Status]]
) -> None:
    assert mine(ev, name) == expected
