"""Amazon DocumentDB guardrails: encryption, TLS, audit logs, backups, deletion protection.

The rules read ``AWS::DocDB::DBCluster`` (what ``docdb.DatabaseCluster`` and
``docdb.CfnDBCluster`` synthesize): the cluster owns storage, backups, the log exports and
the cluster parameter group that decides TLS and auditing. Its instances hold no data of
their own and are not judged.

Two settings live in the cluster parameter group (``AWS::DocDB::DBClusterParameterGroup``,
``Parameters`` a map of name to value): ``tls`` (the default groups ``default.docdb*`` set
``enabled``) and ``audit_logs`` (``disabled`` by default). Exporting the ``audit`` log to
CloudWatch Logs records nothing unless ``audit_logs`` is on, so SC-DOCDB-3 reads both.

The helpers :func:`group_parameter_problems`, :func:`backup_retention_problems` and
:func:`deletion_protection_problems` are shared with the Neptune and Redshift rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from aspects.index import ExternalRef, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._common import kms_key_problems
from aspects.values import as_list, intrinsic_name, variants

CLUSTER = ("AWS::DocDB::DBCluster",)
PARAMETER_GROUP = "AWS::DocDB::DBClusterParameterGroup"

#: ``tls`` values that require TLS, and those that also refuse TLS 1.0 and 1.1.
TLS_REQUIRED = frozenset({"enabled", "tls1.2+", "tls1.3+", "fips-140-3"})
TLS_12_OR_NEWER = frozenset({"tls1.2+", "tls1.3+", "fips-140-3"})
#: ``audit_logs`` values that record nothing.
AUDIT_OFF = frozenset({"disabled", "none"})
#: Properties that create a cluster from a snapshot or another cluster: encryption is then
#: inherited unless set explicitly.
RESTORED_FROM = ("SnapshotIdentifier", "SourceDBClusterIdentifier")


def shown(value: Any) -> str:
    """A property value as the template spells it (``false``, not ``False``)."""
    if value is None:
        return "not set"
    return str(value).lower() if isinstance(value, bool) else repr(value)


# -- shared by the cluster rules of DocumentDB, Neptune and Redshift ---------------------------


def group_parameter_problems(
    r: ResourceView,
    attribute: str,
    group_type: str,
    read: Callable[[Mapping[str, Any]], Any],
    judge: Callable[[Any, str], str | None],
    default_value: Callable[[str | None], Any],
) -> Iterator[Problem]:
    """Judge one parameter of the parameter group a cluster names in *attribute*.

    *read* takes the group's ``Properties`` and returns the raw parameter value (None when
    the group does not set it); *judge* takes the deployed value (None: the group leaves it
    at the family default) and the group's name, and returns why it is wrong or None.
    *default_value* gives the value in an AWS default group (its name, or None when the
    cluster names no group). Fails closed: a group outside the app (not ``default.*``), a
    parameter from a parameter, or a group that is right only under some ``Fn::If``
    conditions is *cannot verify*.
    """
    path = f"Properties.{attribute}"
    raw = r.props.get(attribute)
    if raw is None:
        problem = judge(default_value(None), "the default parameter group")
        if problem is not None:
            yield Problem(f"{attribute} is not set, so {problem}", path)
        return
    group = r.follow(raw, attribute)
    if isinstance(group, ExternalRef):
        name = group.literal
        if name is not None and name.lower().startswith("default."):
            problem = judge(default_value(name), f"the default group {name!r}")
            if problem is not None:
                yield Problem(f"{attribute} is {name!r}, so {problem}", path)
            return
        raise CannotVerify(
            f"{attribute} is {group.description}, a parameter group outside the app, so its "
            "settings cannot be verified",
            path,
        )
    if group.type != group_type:
        yield Problem(
            f"{attribute} refers to {group.logical_id} ({group.type}), not a {group_type}", path
        )
        return
    results: list[tuple[dict[str, bool], str | CannotVerify | None]] = []
    for choice, variant in variants(group.resource):
        try:
            props = variant.get("Properties")
            if intrinsic_name(props) is not None:
                r.literal(props, f"{group.logical_id}.Properties")
            props = props if isinstance(props, Mapping) else {}
            value = read(props)
            if value is not None:
                value = r.literal(value, f"{group.logical_id}.Parameters")
            results.append((choice, judge(value, f"the parameter group {group.logical_id}")))
        except CannotVerify as exc:
            results.append((choice, exc))
    if all(result is None for _, result in results):
        return
    unknown = next((res for _, res in results if isinstance(res, CannotVerify)), None)
    if unknown is not None:
        raise unknown
    found = [res for _, res in results if isinstance(res, str)]
    if len(found) == len(results):
        yield Problem(found[0], path)
        return
    choice = next(choice for choice, res in results if res is not None)
    when = ", ".join(f"{k} is {str(v).lower()}" for k, v in choice.items())
    raise CannotVerify(
        f"the parameter group {group.logical_id} is right only under some conditions (not "
        f"when {when}: {found[0]})",
        path,
    )


def map_parameter(name: str) -> Callable[[Mapping[str, Any]], Any]:
    """A *read* for groups whose ``Parameters`` is a map (DocumentDB, Neptune)."""

    def read(props: Mapping[str, Any]) -> Any:
        parameters = props.get("Parameters")
        if intrinsic_name(parameters) is not None:
            raise CannotVerify(
                "Parameters of the parameter group is set by an expression, so its values are "
                "only known at deploy time",
                "Properties.Parameters",
            )
        if not isinstance(parameters, Mapping):
            return None
        lowered = {str(k).lower(): v for k, v in parameters.items()}
        return lowered.get(name.lower())

    return read


def backup_retention_problems(r: ResourceView, default_days: int = 1) -> Iterator[Problem]:
    """``BackupRetentionPeriod`` is at least ``Thresholds.backup_retention_days``."""
    least = r.settings.backup_retention_days
    raw = r.props.get("BackupRetentionPeriod")
    if raw is None:
        if default_days < least:
            yield Problem(
                f"BackupRetentionPeriod is not set, so automated backups are kept "
                f"{default_days} day; keep them at least {least} days",
                "Properties.BackupRetentionPeriod",
            )
        return
    days = r.int(raw, "BackupRetentionPeriod")
    if days < least:
        yield Problem(
            f"BackupRetentionPeriod is {days} day(s); keep automated backups at least "
            f"{least} days so a bad change or a deletion found late can still be undone",
            "Properties.BackupRetentionPeriod",
        )


def deletion_protection_problems(r: ResourceView) -> Iterator[Problem]:
    """``DeletionProtection`` is true (it defaults to false)."""
    value = r.props.get("DeletionProtection")
    if value is None or not r.bool(value, "DeletionProtection"):
        yield Problem(
            f"DeletionProtection is {shown(value)}, so one API call or stack change can "
            "delete the cluster (its automated backups go with it)",
            "Properties.DeletionProtection",
        )


def storage_encryption_problems(
    r: ResourceView, restored_from: tuple[str, ...] = RESTORED_FROM
) -> Iterator[Problem]:
    """``StorageEncrypted`` true with a customer-managed ``KmsKeyId`` (a cluster's storage)."""
    encrypted = r.props.get("StorageEncrypted")
    source = next((p for p in restored_from if r.props.get(p) is not None), None)
    if encrypted is None and source is not None:
        raise CannotVerify(
            f"StorageEncrypted is not set, so encryption is inherited from {source}, which "
            "the template does not show; set StorageEncrypted and KmsKeyId",
            "Properties.StorageEncrypted",
        )
    if encrypted is None or not r.bool(encrypted, "StorageEncrypted"):
        yield Problem(
            f"StorageEncrypted is {shown(encrypted)} (it defaults to false), so the "
            "storage, its backups and snapshots are not encrypted",
            "Properties.StorageEncrypted",
        )
        return
    key = r.props.get("KmsKeyId")
    if key is None:
        yield Problem(
            "StorageEncrypted is true but KmsKeyId is not set, so the cluster uses the AWS "
            "managed key aws/rds, whose key policy you cannot restrict",
            "Properties.KmsKeyId",
        )
        return
    yield from kms_key_problems(r, key, "KmsKeyId")


def exported_logs(r: ResourceView) -> set[str]:
    """The log types in ``EnableCloudwatchLogsExports`` (lower-cased)."""
    raw = r.props.get("EnableCloudwatchLogsExports")
    if intrinsic_name(raw) is not None:
        r.literal(raw, "EnableCloudwatchLogsExports")  # raises CannotVerify
    return {str(r.literal(item, "EnableCloudwatchLogsExports[]")).lower() for item in as_list(raw)}


# -- the DocumentDB rules --------------------------------------------------------------------


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    yield from storage_encryption_problems(r)


def _tls_value(value: Any) -> str:
    return "enabled" if value is None else str(value).strip().lower()


def _default_tls(_name: str | None) -> str:
    return "enabled"  # every default.docdb* group


def _tls_required(r: ResourceView) -> Iterator[Problem]:
    def judge(value: Any, group: str) -> str | None:
        if _tls_value(value) in TLS_REQUIRED:
            return None
        return f"{group} sets tls to {_tls_value(value)!r}: clients connect in plaintext"

    yield from group_parameter_problems(
        r, "DBClusterParameterGroupName", PARAMETER_GROUP, map_parameter("tls"), judge, _default_tls
    )


def _tls_12(r: ResourceView) -> Iterator[Problem]:
    def judge(value: Any, group: str) -> str | None:
        tls = _tls_value(value)
        if tls in TLS_12_OR_NEWER or tls not in TLS_REQUIRED:
            return None  # plaintext is SC-DOCDB-2's finding
        return (
            f"{group} sets tls to {tls!r}, which still accepts TLS 1.0 and 1.1; set "
            "'tls1.2+' (or 'tls1.3+', 'fips-140-3')"
        )

    yield from group_parameter_problems(
        r, "DBClusterParameterGroupName", PARAMETER_GROUP, map_parameter("tls"), judge, _default_tls
    )


def _audited(r: ResourceView) -> Iterator[Problem]:
    if "audit" not in exported_logs(r):
        yield Problem(
            "EnableCloudwatchLogsExports does not include 'audit', so sign-ins, failed "
            "authentications and schema changes are not recorded in CloudWatch Logs",
            "Properties.EnableCloudwatchLogsExports",
        )
        return

    def judge(value: Any, group: str) -> str | None:
        setting = "disabled" if value is None else str(value).strip().lower()
        if setting not in AUDIT_OFF:
            return None
        return (
            f"{group} leaves audit_logs {setting!r}: the exported audit log stays empty; set "
            "audit_logs to 'enabled' in a custom cluster parameter group"
        )

    yield from group_parameter_problems(
        r,
        "DBClusterParameterGroupName",
        PARAMETER_GROUP,
        map_parameter("audit_logs"),
        judge,
        lambda _name: "disabled",
    )


def _backups(r: ResourceView) -> Iterator[Problem]:
    yield from backup_retention_problems(r)


def _deletion_protected(r: ResourceView) -> Iterator[Problem]:
    yield from deletion_protection_problems(r)


_GROUP_FIX = (
    "Pass parameter_group=docdb.ClusterParameterGroup(..., family='docdb5.0', "
    "parameters={{{params}}}) to docdb.DatabaseCluster."
)

RULES = (
    Rule(
        id="SC-DOCDB-1",
        title="DocumentDB clusters are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="A DocumentDB cluster is unencrypted unless StorageEncrypted is set at "
        "creation (it cannot be changed later); without KmsKeyId the key is the AWS managed "
        "aws/rds key, whose policy you cannot restrict and which cannot be shared with "
        "another account for snapshot copies.",
        fix="Keep storage_encrypted=True (the default of docdb.DatabaseCluster) and set "
        "kms_key to a customer-managed kms.Key.",
        check=_encrypted,
        fsbp=("DocumentDB.1",),
        nist_800_53=("SC-28", "SC-12"),
        cdk_nag=("AwsSolutions-DOC1",),
        checkov=("CKV_AWS_74",),
    ),
    Rule(
        id="SC-DOCDB-2",
        title="DocumentDB clusters require TLS",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="The cluster parameter group's tls parameter decides whether clients may "
        "connect without TLS; 'disabled' lets credentials and documents cross the network "
        "in plaintext. The default groups set 'enabled'.",
        fix=_GROUP_FIX.format(params="'tls': 'tls1.2+'") + " Never set tls to 'disabled'.",
        check=_tls_required,
        nist_800_53=("SC-8", "SC-8(1)"),
        checkov=("CKV_AWS_90",),
    ),
    Rule(
        id="SC-DOCDB-3",
        title="DocumentDB clusters refuse TLS versions older than 1.2",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.WARNING,
        resource_types=CLUSTER,
        rationale="tls 'enabled' (the default groups' value) still accepts TLS 1.0 and 1.1 "
        "and their weak ciphers; 'tls1.2+', 'tls1.3+' or 'fips-140-3' refuse them. A "
        "warning: the cluster is reachable only inside the VPC and current drivers "
        "negotiate TLS 1.2 anyway, but an old client can still be downgraded.",
        fix=_GROUP_FIX.format(params="'tls': 'tls1.2+'"),
        check=_tls_12,
        fsbp=("DocumentDB.6",),
        nist_800_53=("SC-8", "SC-13"),
    ),
    Rule(
        id="SC-DOCDB-4",
        title="DocumentDB clusters record audit events in CloudWatch Logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="Audit events (authentication successes and failures, user and role "
        "changes, index and collection creation and deletion) are what an investigation of "
        "a database breach needs. They need both the 'audit' log export and audit_logs "
        "enabled in the cluster parameter group: either alone records nothing.",
        fix="Set export_audit_logs_to_cloud_watch=True on docdb.DatabaseCluster and "
        "parameter_group=docdb.ClusterParameterGroup(..., parameters={'audit_logs': "
        "'enabled', 'tls': 'tls1.2+'}).",
        check=_audited,
        fsbp=("DocumentDB.4",),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-DOC5",),
        checkov=("CKV_AWS_85", "CKV_AWS_104"),
    ),
    Rule(
        id="SC-DOCDB-5",
        title="DocumentDB clusters keep automated backups long enough",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="DocumentDB keeps automated backups 1 day unless told otherwise: a "
        "deletion or corruption noticed after a weekend cannot be restored. The minimum is "
        "Thresholds.backup_retention_days (7).",
        fix="Set backup=docdb.BackupProps(retention=Duration.days(7)) (or more) on "
        "docdb.DatabaseCluster.",
        check=_backups,
        fsbp=("DocumentDB.2",),
        nist_800_53=("CP-9", "CP-10"),
        cdk_nag=("AwsSolutions-DOC4",),
        checkov=("CKV_AWS_360",),
    ),
    Rule(
        id="SC-DOCDB-6",
        title="DocumentDB clusters have deletion protection",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="Without deletion protection one API call, a console slip or a stack "
        "change deletes the cluster and its automated backups.",
        fix="Set deletion_protection=True on docdb.DatabaseCluster.",
        check=_deletion_protected,
        fsbp=("DocumentDB.5",),
        nist_800_53=("CP-9", "SI-12"),
    ),
)

__all__ = [
    "RULES",
    "backup_retention_problems",
    "deletion_protection_problems",
    "exported_logs",
    "group_parameter_problems",
    "map_parameter",
    "storage_encryption_problems",
]
