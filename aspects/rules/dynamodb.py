"""Amazon DynamoDB guardrails: customer key, point-in-time recovery, deletion protection.

Two resource types hold a table. ``AWS::DynamoDB::Table`` (``dynamodb.Table``) keeps every
setting at the top. ``AWS::DynamoDB::GlobalTable`` (``dynamodb.TableV2``, even with a single
region) keeps ``SSESpecification.SSEEnabled``/``SSEType`` at the top but the key, point-in-time
recovery and deletion protection per replica in ``Replicas[]``: every replica must have them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import declared, must_be_true, setting
from aspects.rules._common import Deferred, kms_key_problems, retention_problems
from aspects.values import intrinsic_name

TABLE = "AWS::DynamoDB::Table"
GLOBAL_TABLE = "AWS::DynamoDB::GlobalTable"
TABLES = (TABLE, GLOBAL_TABLE)

_AWS_OWNED = (
    "DynamoDB encrypts the table with an AWS owned key: no key policy of yours decides who "
    "can read the data and CloudTrail records no use of the key"
)
_AWS_MANAGED = (
    "DynamoDB uses the AWS managed key alias/aws/dynamodb: its key policy, which you cannot "
    "change, lets every principal of the account allowed to use DynamoDB decrypt through it"
)


# -- replicas of a global table --------------------------------------------------------------


def _replicas(r: ResourceView) -> list[tuple[int, Mapping[str, Any]]]:
    """``(index, replica)`` of every entry of ``Replicas``; fails closed on expressions."""
    raw = r.props.get("Replicas")
    if intrinsic_name(raw) is not None or not isinstance(raw, list) or not raw:
        raise CannotVerify(
            f"Replicas is {raw!r}, not a list of replica specifications, so the settings "
            "of each replica cannot be verified",
            "Properties.Replicas",
        )
    out: list[tuple[int, Mapping[str, Any]]] = []
    for i, replica in enumerate(raw):
        if intrinsic_name(replica) is not None or not isinstance(replica, Mapping):
            raise CannotVerify(
                f"Replicas[{i}] is {replica!r}, not a replica specification, so its settings "
                "cannot be verified",
                f"Properties.Replicas[{i}]",
            )
        out.append((i, replica))
    return out


def _region(replica: Mapping[str, Any]) -> str:
    region = replica.get("Region")
    return f"the replica in {region}" if isinstance(region, str) else "the replica"


def _per_replica(
    r: ResourceView, check: Callable[[ResourceView], Iterator[Problem]]
) -> Iterator[Problem]:
    """Run *check* on every replica as if it were the resource; paths say which replica.

    A replica that cannot be verified does not hide the problems of the others: its
    :class:`CannotVerify` is raised (with the replica's path) after the rest were yielded.
    """
    deferred = Deferred()
    for i, replica in _replicas(r):
        view = ResourceView(
            r.logical_id, {"Type": r.type, "Properties": replica}, r.template, r.app, r.conditions
        )
        where, who = f"Replicas[{i}]", _region(replica)
        with deferred:
            try:
                for problem in check(view):
                    yield Problem(
                        f"{who}: {where}.{problem.message}", _in_replica(problem.path, where)
                    )
            except CannotVerify as exc:
                raise CannotVerify(
                    f"{who}: {where}.{exc.message}", _in_replica(exc.path, where)
                ) from None
    deferred.raise_first()


def _in_replica(path: str, where: str) -> str:
    inner = path.removeprefix("Properties.").removeprefix("Properties")
    return f"Properties.{where}" + (f".{inner}" if inner else "")


def _for_table(
    table: Callable[[ResourceView], Iterator[Problem]],
) -> Callable[[ResourceView], Iterator[Problem]]:
    """A check of table settings: on a Table itself, on a GlobalTable per replica."""

    def check(r: ResourceView) -> Iterator[Problem]:
        if r.type == GLOBAL_TABLE:
            yield from _per_replica(r, table)
        else:
            yield from table(r)

    return check


# -- SC-DDB-1 customer-managed key -----------------------------------------------------------


def _kms_enabled(r: ResourceView) -> Iterator[Problem]:
    """``SSESpecification`` must choose KMS (``SSEEnabled`` true, ``SSEType`` KMS if set)."""
    if setting(r, "SSESpecification") is None:
        yield Problem(
            f"SSESpecification is not set, so {_AWS_OWNED}", "Properties.SSESpecification"
        )
        return
    enabled = setting(r, "SSESpecification.SSEEnabled")
    if enabled is None or not r.bool(enabled, "SSESpecification.SSEEnabled"):
        shown = "not set" if enabled is None else "false"
        yield Problem(
            f"SSESpecification.SSEEnabled is {shown}, so {_AWS_OWNED}",
            "Properties.SSESpecification.SSEEnabled",
        )
        return
    raw = setting(r, "SSESpecification.SSEType")
    kind = None if raw is None else str(r.literal(raw, "SSESpecification.SSEType"))
    if kind not in (None, "KMS"):  # not set with SSEEnabled true means KMS
        yield Problem(
            f"SSESpecification.SSEType is {kind!r}; use KMS with a customer-managed key",
            "Properties.SSESpecification.SSEType",
        )


def _master_key(r: ResourceView, what: str) -> Iterator[Problem]:
    key = setting(r, what)
    if key is None:
        yield Problem(f"{what} is not set, so {_AWS_MANAGED}", f"Properties.{what}")
        return
    yield from kms_key_problems(r, key, what)


def _customer_key(r: ResourceView) -> Iterator[Problem]:
    found = list(_kms_enabled(r))
    yield from found
    if found:
        return
    if r.type == GLOBAL_TABLE:
        yield from _per_replica(r, lambda v: _master_key(v, "SSESpecification.KMSMasterKeyId"))
    else:
        yield from _master_key(r, "SSESpecification.KMSMasterKeyId")


# -- SC-DDB-2 point-in-time recovery ---------------------------------------------------------


def _pitr(r: ResourceView) -> Iterator[Problem]:
    path = "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"
    found = list(
        must_be_true(
            r,
            path,
            "no continuous backup exists to restore the table to a second before an "
            "accidental or malicious write or delete",
        )
    )
    yield from found
    if found:
        return
    days = setting(r, "PointInTimeRecoverySpecification.RecoveryPeriodInDays")
    least = r.settings.backup_retention_days
    # A construct that chose a longer window (SecureTable) declares it: shortening it by
    # escape hatch is the same weakening, reported here once.
    chosen = declared(r, "recoveryPeriodDays")
    if isinstance(chosen, int) and not isinstance(chosen, bool) and chosen > least:
        least, why = chosen, f"the construct set {chosen} days"
    else:
        why = f"a restore must reach back at least {least} days"
    if days is not None:
        kept = r.int(days, "PointInTimeRecoverySpecification.RecoveryPeriodInDays")
        if kept < least:
            yield Problem(
                f"PointInTimeRecoverySpecification.RecoveryPeriodInDays is {kept}: {why} "
                "(DynamoDB's default is 35)",
                "Properties.PointInTimeRecoverySpecification.RecoveryPeriodInDays",
            )


# -- SC-DDB-3 deletion protection ------------------------------------------------------------


def _deletion_protection(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r,
        "DeletionProtectionEnabled",
        "anyone allowed dynamodb:DeleteTable can delete the table and its data in one call",
    )


def _retained(r: ResourceView) -> Iterator[Problem]:
    yield from retention_problems(r)


RULES = (
    Rule(
        id="SC-DDB-1",
        title="DynamoDB tables are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=TABLES,
        rationale="DynamoDB always encrypts, but by default with an AWS owned key (no "
        "SSESpecification, or SSEEnabled false) or, with SSEEnabled true and no "
        "KMSMasterKeyId, the AWS managed key alias/aws/dynamodb. With a key you manage, "
        "reading the table also needs kms:Decrypt on your key, so its key policy and "
        "CloudTrail control and record who reads, and disabling the key locks the data. A "
        "global table needs the key on every replica (Replicas[].SSESpecification).",
        fix="On dynamodb.Table set encryption=TableEncryption.CUSTOMER_MANAGED and "
        "encryption_key=<kms.Key>; on dynamodb.TableV2 set "
        "encryption=TableEncryptionV2.customer_managed_key(key, replica_key_arns={...}).",
        check=_customer_key,
        nist_800_53=("SC-12", "SC-28"),
        checkov=("CKV_AWS_119",),
    ),
    Rule(
        id="SC-DDB-2",
        title="DynamoDB tables have point-in-time recovery",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=TABLES,
        rationale="Point-in-time recovery keeps continuous backups (35 days unless "
        "RecoveryPeriodInDays shortens it), so a table can be restored to the second before "
        "a bad deployment, a bug or an intruder overwrote or deleted items; DynamoDB also "
        "keeps a 35-day system backup when a table with it is deleted. It is off by default. "
        "The recovery period must reach back at least Thresholds.backup_retention_days. A "
        "global table needs it on every replica.",
        fix="Set point_in_time_recovery_specification=PointInTimeRecoverySpecification("
        "point_in_time_recovery_enabled=True) on dynamodb.Table or dynamodb.TableV2 (and on "
        "any replica that overrides it).",
        check=_for_table(_pitr),
        fsbp=("DynamoDB.2",),
        nist_800_53=("CP-9", "CP-10"),
        cdk_nag=(
            "AwsSolutions-DDB3",
            "NIST.800.53.R5-DynamoDBPITREnabled",
            "HIPAA.Security-DynamoDBPITREnabled",
        ),
        checkov=("CKV_AWS_28", "CKV_AWS_165"),
    ),
    Rule(
        id="SC-DDB-3",
        title="DynamoDB tables have deletion protection",
        pillar=Pillar.AT_REST,
        severity=Severity.WARNING,
        resource_types=TABLES,
        rationale="Deletion protection makes DeleteTable fail until someone first turns it "
        "off, so one mistaken console click, script or compromised credential cannot drop "
        "the table. It is a warning, not an error: a retained table (SC-DDB-4) survives "
        "stack removal, and point-in-time recovery (SC-DDB-2) keeps a 35-day backup of a "
        "deleted table. A global table needs it on every replica.",
        fix="Set deletion_protection=True on dynamodb.Table or dynamodb.TableV2 "
        "(DeletionProtectionEnabled; per replica on a global table).",
        check=_for_table(_deletion_protection),
        fsbp=("DynamoDB.6",),
        nist_800_53=("CP-9", "SI-12"),
    ),
    Rule(
        id="SC-DDB-4",
        title="DynamoDB tables are retained when removed from the stack",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=TABLES,
        rationale="Removing the table from the template, renaming it or a replacement must "
        "not delete the data with it. CDK's Table and TableV2 retain by default; a raw "
        "CfnTable, an escape hatch or removal_policy=DESTROY does not.",
        fix="Keep removal_policy=RemovalPolicy.RETAIN on dynamodb.Table / dynamodb.TableV2 "
        "(DeletionPolicy and UpdateReplacePolicy Retain).",
        check=_retained,
        nist_800_53=("CP-9",),
    ),
)
