"""AWS Backup guardrails: vaults with your key, closed and undeletable; plans that keep backups.

Backups are the last line against ransomware and mistakes, so the vault that holds them
must resist the same attacker: a key you control, an access policy that opens nothing to
the world, and recovery points that no one (short of a named break-glass role) can
delete, ideally under a vault lock. ``aws_backup.BackupVault`` synthesizes
``AWS::Backup::BackupVault``; ``BackupPlan`` synthesizes ``AWS::Backup::BackupPlan``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._blocks import setting
from aspects.rules._common import (
    Deferred,
    action_covers,
    actions,
    effect,
    kms_key_problems,
    open_allows,
    principal_is_everyone,
    statements,
)
from aspects.values import as_list, intrinsic_name

VAULT = ("AWS::Backup::BackupVault",)
PLAN = ("AWS::Backup::BackupPlan",)
DELETE_ACTION = "backup:DeleteRecoveryPoint"


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    key = r.props.get("EncryptionKeyArn")
    if key is None:
        yield Problem(
            "EncryptionKeyArn is not set, so AWS Backup encrypts recovery points with the "
            "AWS managed key aws/backup, whose policy you cannot restrict (and which cannot "
            "be shared to copy backups to another account)",
            "Properties.EncryptionKeyArn",
        )
        return
    yield from kms_key_problems(r, key, "EncryptionKeyArn")


def _not_open(r: ResourceView) -> Iterator[Problem]:
    document = r.props.get("AccessPolicy")
    if document is None:
        return
    for what, statement in open_allows(r, statements(document), "AccessPolicy"):
        yield Problem(
            f"{what} allows {statement.get('Action')!r} to everyone without a condition on "
            "the caller's account or organization",
            "Properties.AccessPolicy",
        )


def _denies_deletion(r: ResourceView, statement: Mapping[str, Any]) -> bool:
    """A ``Deny`` of DeleteRecoveryPoint to everyone, excepting at most named principals.

    Negated conditions (``ArnNotLike aws:PrincipalArn`` ...) are the break-glass exception
    and are accepted; a positive condition narrows the denial to some requests only.
    """
    what = "AccessPolicy.Statement"
    if effect(statement, r, what) != "Deny" or not principal_is_everyone(statement, r, what):
        return False
    if not action_covers(actions(statement, r, what), DELETE_ACTION):
        return False
    condition = statement.get("Condition")
    if condition is None:
        return True
    if not isinstance(condition, Mapping) or intrinsic_name(condition) is not None:
        r.literal(condition, f"{what}.Condition")  # raises CannotVerify
        return False
    return all("not" in str(operator).lower() for operator in condition)


def _deletion_denied(r: ResourceView) -> Iterator[Problem]:
    if setting(r, "LockConfiguration") is not None:
        return  # a vault lock refuses deletion before the minimum retention
    deferred = Deferred()
    for statement in statements(r.props.get("AccessPolicy")):
        with deferred:
            if _denies_deletion(r, statement):
                return
    deferred.raise_first()
    yield Problem(
        "neither AccessPolicy denies backup:DeleteRecoveryPoint to everyone (a named "
        "break-glass role may be excepted) nor LockConfiguration is set: anyone with "
        "backup:DeleteRecoveryPoint in the account, an attacker with stolen admin "
        "credentials included, can delete the backups",
        "Properties.AccessPolicy",
    )


def _locked(r: ResourceView) -> Iterator[Problem]:
    lock = setting(r, "LockConfiguration")
    if lock is None:
        yield Problem(
            "LockConfiguration is not set: recovery points can be deleted, and their "
            "retention shortened, before they expire",
            "Properties.LockConfiguration",
        )
        return
    days = setting(r, "LockConfiguration.MinRetentionDays")
    if days is None or r.int(days, "LockConfiguration.MinRetentionDays") < 1:
        yield Problem(
            "LockConfiguration.MinRetentionDays is not a positive number of days",
            "Properties.LockConfiguration.MinRetentionDays",
        )


def _lifecycle_problem(r: ResourceView, lifecycle: Any, what: str) -> Problem | None:
    if lifecycle is None:
        return None  # no lifecycle: recovery points are kept until deleted
    if not isinstance(lifecycle, Mapping) or intrinsic_name(lifecycle) is not None:
        r.literal(lifecycle, what)  # raises CannotVerify
        return None
    raw = lifecycle.get("DeleteAfterDays")
    if raw is None:
        return None
    days = r.int(raw, f"{what}.DeleteAfterDays")
    least = r.settings.backup_retention_days
    if days < least:
        return Problem(
            f"{what}.DeleteAfterDays is {days}: keep recovery points at least {least} days "
            "so a problem found late can still be restored",
            f"Properties.{what}.DeleteAfterDays",
        )
    return None


def _plan_retention(r: ResourceView) -> Iterator[Problem]:
    rules = setting(r, "BackupPlan.BackupPlanRule")
    if intrinsic_name(rules) is not None:
        r.literal(rules, "BackupPlan.BackupPlanRule")  # raises CannotVerify
    deferred = Deferred()
    for i, rule in enumerate(as_list(rules)):
        if not isinstance(rule, Mapping):
            continue
        base = f"BackupPlan.BackupPlanRule[{i}]"
        with deferred:
            problem = _lifecycle_problem(r, rule.get("Lifecycle"), f"{base}.Lifecycle")
            if problem is not None:
                yield problem
        for j, copy in enumerate(as_list(rule.get("CopyActions"))):
            if not isinstance(copy, Mapping):
                continue
            with deferred:
                what = f"{base}.CopyActions[{j}].Lifecycle"
                problem = _lifecycle_problem(r, copy.get("Lifecycle"), what)
                if problem is not None:
                    yield problem
    deferred.raise_first()


RULES = (
    Rule(
        id="SC-BACKUP-1",
        title="Backup vaults encrypt recovery points with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=VAULT,
        rationale="Without EncryptionKeyArn recovery points (of resources AWS Backup "
        "encrypts itself) use the AWS managed key aws/backup: its policy cannot be "
        "restricted, and backups encrypted with it cannot be copied to another account.",
        fix="Set encryption_key=<a kms.Key> on backup.BackupVault.",
        check=_encrypted,
        fsbp=("Backup.1",),
        nist_800_53=("SC-28", "SC-12"),
        checkov=("CKV_AWS_166",),
    ),
    Rule(
        id="SC-BACKUP-2",
        title="Backup vault access policies are not open to everyone",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=VAULT,
        rationale="A vault access policy that allows Principal '*' without a condition on "
        "the caller lets any AWS account act on the recovery points it grants, e.g. copy "
        "your backups out.",
        fix="Grant named accounts or roles in access_policy of backup.BackupVault, or add "
        "a condition such as aws:PrincipalOrgID.",
        check=_not_open,
        nist_800_53=("AC-3", "AC-6"),
    ),
    Rule(
        id="SC-BACKUP-3",
        title="Backup vaults refuse to delete recovery points",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=VAULT,
        rationale="Ransomware and a compromised administrator delete the backups first. A "
        "Deny of backup:DeleteRecoveryPoint to everyone in the vault's access policy "
        "(excepting at most a named break-glass role with a negated condition such as "
        "ArnNotLike aws:PrincipalArn), or a vault lock, stops that. A warning: lifecycle "
        "expiry still works, and some teams keep deletion for a separate account.",
        fix="Set block_recovery_point_deletion=True on backup.BackupVault (or add the Deny "
        "statement to access_policy, or set lock_configuration).",
        check=_deletion_denied,
        nist_800_53=("CP-9", "SI-12"),
    ),
    Rule(
        id="SC-BACKUP-4",
        title="Backup vaults are locked (AWS Backup Vault Lock)",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=VAULT,
        rationale="A vault lock enforces a minimum retention that no principal, the root "
        "user included, can shorten once its grace period ends: backups survive even a "
        "full account takeover. A warning: compliance mode is irreversible, so it is a "
        "decision to make deliberately.",
        fix="Set lock_configuration=backup.LockConfiguration(min_retention=Duration.days(7)"
        ", ...) on backup.BackupVault.",
        check=_locked,
        nist_800_53=("CP-9", "AU-9"),
    ),
    Rule(
        id="SC-BACKUP-5",
        title="Backup plans keep recovery points long enough",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=PLAN,
        rationale="A rule (or copy action) whose lifecycle deletes recovery points after a "
        "few days leaves nothing to restore when a problem is found after a holiday; the "
        "minimum is Thresholds.backup_retention_days (7).",
        fix="Set delete_after=Duration.days(7) (or more, or leave it unset to keep them) on "
        "each backup.BackupPlanRule and its copy actions.",
        check=_plan_retention,
        nist_800_53=("CP-9", "CP-10"),
    ),
)
