"""Amazon RDS and Aurora guardrails: encryption, secret passwords, backups, TLS, exposure, logs.

Which resource answers a question differs between Aurora and RDS: an Aurora cluster owns
storage, backups, deletion protection, the TLS (cluster) parameter group and the log exports,
while its member instances (``AWS::RDS::DBInstance`` with ``DBClusterIdentifier``) own public
accessibility, monitoring, minor version upgrades and Performance Insights. Each rule judges
the resource that owns the setting and skips the other.

Engine families (from ``Engine``, lower-cased): ``aurora-postgresql`` and ``postgres`` are
PostgreSQL; ``aurora-mysql``, ``aurora``, ``mysql`` and ``mariadb`` are MySQL; ``sqlserver-*``
and ``db2-*`` are known for TLS; any other engine (Oracle, RDS Custom...) makes the
engine-dependent rules *cannot verify* rather than pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aspects.index import ExternalRef, ResourceRef, ResourceView, TemplateIndex
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._common import flatten, kms_key_problems, retention_problems
from aspects.values import as_list, dig, intrinsic_name, properties, variants

DATABASES = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")
SECRET = ("AWS::SecretsManager::Secret",)

#: Automated backups are kept at least ``Thresholds.backup_retention_days`` (SC-RDS-3) and
#: a master password rotates at least every ``Thresholds.secret_rotation_days`` (SC-RDS-9).
#: The enhanced monitoring intervals RDS accepts (0 turns it off).
MONITORING_INTERVALS = frozenset({1, 5, 10, 15, 30, 60})

#: Properties that create a DB from a snapshot, a backup or another DB: encryption is then
#: inherited unless set explicitly.
_RESTORED_FROM = {
    "AWS::RDS::DBInstance": (
        "DBSnapshotIdentifier",
        "DBClusterSnapshotIdentifier",
        "SourceDBInstanceIdentifier",
        "SourceDBInstanceAutomatedBackupsArn",
        "SourceDbiResourceId",
        "SourceDBClusterIdentifier",
    ),
    "AWS::RDS::DBCluster": (
        "SnapshotIdentifier",
        "SourceDBClusterIdentifier",
        "ReplicationSourceIdentifier",
    ),
}
_SECRETS_MANAGER_REFERENCE = "{{resolve:secretsmanager:"
_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")


# -- engine families -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Family:
    """What the rules need to know about an engine family."""

    name: str
    tls_parameter: str
    tls_values: frozenset[str]
    logs: frozenset[str] | None


_POSTGRESQL = _Family(
    "PostgreSQL", "rds.force_ssl", frozenset({"1", "on", "true"}), frozenset({"postgresql"})
)
_MYSQL = _Family(
    "MySQL",
    "require_secure_transport",
    frozenset({"1", "on", "true"}),
    frozenset({"audit", "error"}),
)
_SQLSERVER = _Family("SQL Server", "rds.force_ssl", frozenset({"1", "true"}), frozenset({"error"}))
_DB2 = _Family("Db2", "db2comm", frozenset({"ssl"}), None)
_EXACT = {
    "aurora-postgresql": _POSTGRESQL,
    "postgres": _POSTGRESQL,
    "aurora-mysql": _MYSQL,
    "aurora": _MYSQL,
    "mysql": _MYSQL,
    "mariadb": _MYSQL,
}
_PREFIXES = {"sqlserver-": _SQLSERVER, "db2-": _DB2}


def _engine(r: ResourceView) -> str:
    raw = r.props.get("Engine")
    if raw is None:
        raise CannotVerify(
            "Engine is not set (a restore or a replica inherits it), so the engine family "
            "and what it needs cannot be known",
            "Properties.Engine",
        )
    return str(r.literal(raw, "Engine")).lower()


def _family(r: ResourceView) -> _Family:
    """The engine family, or :class:`CannotVerify` for an engine the rules do not know."""
    engine = _engine(r)
    family = _EXACT.get(engine) or next(
        (f for prefix, f in _PREFIXES.items() if engine.startswith(prefix)), None
    )
    if family is None:
        raise CannotVerify(
            f"Engine is {engine!r}, which the guardrails do not know how to judge",
            "Properties.Engine",
        )
    return family


def _shown(value: Any) -> str:
    """A property value as the template spells it (``false``, not ``False``)."""
    if value is None:
        return "not set"
    return str(value).lower() if isinstance(value, bool) else repr(value)


# -- what kind of DB resource ----------------------------------------------------------------


def _cluster_member(r: ResourceView) -> bool:
    """An instance of an Aurora cluster: the cluster owns storage, backups and parameters."""
    return r.type == "AWS::RDS::DBInstance" and r.props.get("DBClusterIdentifier") is not None


def _multi_az_cluster(r: ResourceView) -> bool:
    """A Multi-AZ DB cluster (RDS, not Aurora): it has its own instance class and settings."""
    return r.type == "AWS::RDS::DBCluster" and r.props.get("DBClusterInstanceClass") is not None


def _read_replica(r: ResourceView) -> bool:
    return (
        r.type == "AWS::RDS::DBInstance" and r.props.get("SourceDBInstanceIdentifier") is not None
    )


def _restored(r: ResourceView) -> str | None:
    return next((p for p in _RESTORED_FROM.get(r.type, ()) if r.props.get(p) is not None), None)


# -- SC-RDS-1 encryption ---------------------------------------------------------------------


def _performance_insights(r: ResourceView) -> Iterator[Problem]:
    if r.type == "AWS::RDS::DBInstance":
        enabled, key = "EnablePerformanceInsights", "PerformanceInsightsKMSKeyId"
    else:
        enabled, key = "PerformanceInsightsEnabled", "PerformanceInsightsKmsKeyId"
    flag = r.props.get(enabled)
    if flag is not None and r.bool(flag, enabled):
        yield from kms_key_problems(r, r.props.get(key), key)


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    if not _cluster_member(r):
        encrypted = r.props.get("StorageEncrypted")
        source = _restored(r)
        if encrypted is None and source is not None:
            raise CannotVerify(
                f"StorageEncrypted is not set, so encryption is inherited from {source}, "
                "which the template does not show; set StorageEncrypted and KmsKeyId",
                "Properties.StorageEncrypted",
            )
        if encrypted is None or not r.bool(encrypted, "StorageEncrypted"):
            yield Problem(
                f"StorageEncrypted is {_shown(encrypted)}, so the "
                "storage, its backups and snapshots are not encrypted",
                "Properties.StorageEncrypted",
            )
        else:
            yield from kms_key_problems(r, r.props.get("KmsKeyId"), "KmsKeyId")
    yield from _performance_insights(r)


# -- SC-RDS-2 the master password ------------------------------------------------------------


def _password_problem(r: ResourceView, value: Any) -> Problem | None:
    what = "MasterUserPassword"
    if intrinsic_name(value) == "Ref" and value["Ref"] in r.template.parameters:
        r.literal(value, what)  # raises CannotVerify naming the parameter
    text = value if isinstance(value, str) else flatten(value)
    if text.startswith(_SECRETS_MANAGER_REFERENCE):
        return None
    path = f"Properties.{what}"
    if text.startswith("{{resolve:ssm-secure:"):
        return Problem(
            f"{what} comes from an SSM SecureString parameter, which Secrets Manager cannot "
            "rotate; generate it into a Secrets Manager secret",
            path,
        )
    if text.startswith("{{resolve:"):
        return Problem(f"{what} is a plain dynamic reference ({text[:40]}...), not a secret", path)
    if isinstance(value, str):
        # Never repeat the value: the finding is printed and stored in reports.
        return Problem(
            f"{what} is a literal in the template: anyone who can read the template, the "
            "cloud assembly or the stack can read the password",
            path,
        )
    return Problem(f"{what} is built from {text!r}, not a Secrets Manager dynamic reference", path)


def _master_password(r: ResourceView) -> Iterator[Problem]:
    managed = r.props.get("ManageMasterUserPassword")
    if managed is not None and r.bool(managed, "ManageMasterUserPassword"):
        # RDS keeps and rotates the password in a secret of its own: its key must be ours.
        yield from kms_key_problems(
            r, dig(r.props, "MasterUserSecret", "KmsKeyId"), "MasterUserSecret.KmsKeyId"
        )
        return
    password = r.props.get("MasterUserPassword")
    if password is not None:
        problem = _password_problem(r, password)
        if problem is not None:
            yield problem


# -- SC-RDS-3/4/5 nothing lost ---------------------------------------------------------------


def _backups(r: ResourceView) -> Iterator[Problem]:
    if _cluster_member(r) or _read_replica(r):
        return
    days = r.props.get("BackupRetentionPeriod")
    least = r.settings.backup_retention_days
    if days is None:
        yield Problem(
            "BackupRetentionPeriod is not set, so RDS keeps automated backups for 1 day; "
            f"keep them at least {least} days",
            "Properties.BackupRetentionPeriod",
        )
    elif (kept := r.int(days, "BackupRetentionPeriod")) < least:
        yield Problem(
            f"BackupRetentionPeriod is {kept} day(s); keep automated backups at least "
            f"{least} days" + (" (0 turns them off)" if kept == 0 else ""),
            "Properties.BackupRetentionPeriod",
        )


def _deletion_protection(r: ResourceView) -> Iterator[Problem]:
    if _cluster_member(r):
        return
    value = r.props.get("DeletionProtection")
    if value is None or not r.bool(value, "DeletionProtection"):
        yield Problem(
            f"DeletionProtection is {_shown(value)}, so one API call "
            "or stack change can delete the database",
            "Properties.DeletionProtection",
        )


def _snapshot_on_removal(r: ResourceView) -> Iterator[Problem]:
    if _cluster_member(r):
        return  # an Aurora instance holds no data of its own
    yield from retention_problems(r, ("Snapshot", "Retain", "RetainExceptOnCreate"))


# -- SC-RDS-6 Multi-AZ -----------------------------------------------------------------------


def _multi_az(r: ResourceView) -> Iterator[Problem]:
    if _cluster_member(r) or _read_replica(r) or _multi_az_cluster(r):
        return
    if r.type == "AWS::RDS::DBInstance":
        value = r.props.get("MultiAZ")
        if value is None or not r.bool(value, "MultiAZ"):
            yield Problem(
                f"MultiAZ is {_shown(value)}: an availability-zone "
                "outage stops the database until it is restored from backup",
                "Properties.MultiAZ",
            )
        return
    mode = r.props.get("EngineMode")
    if mode is not None and str(r.literal(mode, "EngineMode")).lower() == "serverless":
        return  # Aurora Serverless v1 fails over across zones by itself
    members = r.app.db_cluster_members.get(r.key, [])
    if len(members) < 2:
        yield Problem(
            f"the cluster has {len(members)} DB instance(s) in every case; without a reader "
            "in a second availability zone, a zone outage stops it",
            "DBInstances",
        )
        return
    zones = [properties(tpl.resources[lid]).get("AvailabilityZone") for tpl, lid in members]
    if None not in zones and all(zone == zones[0] for zone in zones):
        yield Problem(
            f"every instance of the cluster is pinned to the same AvailabilityZone {zones[0]!r}",
            "DBInstances",
        )


# -- SC-RDS-7 TLS ----------------------------------------------------------------------------


def _tls_in_group(
    r: ResourceView, group: ResourceRef, family: _Family
) -> Iterator[tuple[dict[str, bool], bool | CannotVerify]]:
    """Per ``Fn::If`` variant of the group: whether it requires TLS (or why unknown)."""
    parameter = family.tls_parameter
    what = f"{group.logical_id}.Parameters.{parameter}"
    for choice, variant in variants(group.resource):
        try:
            parameters = dig(variant, "Properties", "Parameters")
            if intrinsic_name(parameters) is not None:
                r.literal(parameters, f"{group.logical_id}.Parameters")
            raw = parameters.get(parameter) if isinstance(parameters, Mapping) else None
            value = None if raw is None else str(r.literal(raw, what)).strip().lower()
            yield choice, value in family.tls_values
        except CannotVerify as exc:
            yield choice, exc


def _tls_required(r: ResourceView) -> Iterator[Problem]:
    if _cluster_member(r):
        return  # Aurora: TLS is a cluster parameter
    if r.type == "AWS::RDS::DBCluster":
        attribute, group_type = "DBClusterParameterGroupName", "AWS::RDS::DBClusterParameterGroup"
    else:
        attribute, group_type = "DBParameterGroupName", "AWS::RDS::DBParameterGroup"
    family = _family(r)
    needed = f"{family.tls_parameter} = {sorted(family.tls_values)[0]}"
    path = f"Properties.{attribute}"
    value = r.props.get(attribute)
    if value is None:
        yield Problem(
            f"{attribute} is not set: the engine's default parameter group does not require "
            f"TLS for {family.name}; attach a custom group with {needed}",
            path,
        )
        return
    group = r.follow(value, attribute)
    if isinstance(group, ExternalRef):
        if group.literal is not None and group.literal.lower().startswith("default."):
            yield Problem(
                f"{attribute} is the default group {group.literal!r}, which cannot be changed "
                f"and does not require TLS; attach a custom group with {needed}",
                path,
            )
            return
        raise CannotVerify(
            f"{attribute} is {group.description}, a parameter group outside the app, so "
            "whether it requires TLS cannot be verified",
            path,
        )
    if group.type != group_type:
        yield Problem(
            f"{attribute} refers to {group.logical_id} ({group.type}), not a {group_type}", path
        )
        return
    results = list(_tls_in_group(r, group, family))
    if all(ok is True for _, ok in results):
        return
    if all(ok is False for _, ok in results):
        yield Problem(
            f"the parameter group {group.logical_id} does not set {needed}, so clients may "
            "connect without TLS",
            path,
        )
        return
    unknown = next((ok for _, ok in results if isinstance(ok, CannotVerify)), None)
    if unknown is not None:
        raise unknown
    choice = next(choice for choice, ok in results if ok is not True)
    when = ", ".join(f"{k} is {str(v).lower()}" for k, v in choice.items())
    raise CannotVerify(
        f"the parameter group {group.logical_id} sets {needed} only under some conditions "
        f"(not when {when})",
        path,
    )


# -- SC-RDS-8 not public ---------------------------------------------------------------------


def _not_public(r: ResourceView) -> Iterator[Problem]:
    value = r.props.get("PubliclyAccessible")
    required = r.type == "AWS::RDS::DBInstance" or _multi_az_cluster(r)
    if value is None:
        if required:
            yield Problem(
                "PubliclyAccessible is not set: RDS then decides from the subnets (a default "
                "VPC or an internet gateway makes the database public); set it to false",
                "Properties.PubliclyAccessible",
            )
        return
    if r.bool(value, "PubliclyAccessible"):
        yield Problem(
            "PubliclyAccessible is true: the endpoint resolves to a public IP address",
            "Properties.PubliclyAccessible",
        )


# -- SC-RDS-9 master secret rotation ---------------------------------------------------------


def _interval_problem(r: ResourceView, rules: Any, schedule: str) -> str | None:
    """Why the ``RotationRules`` of a schedule do not rotate often enough, or None."""
    what = f"{schedule}.RotationRules"
    if not isinstance(rules, Mapping):
        return f"{what} is not set, so the schedule never rotates the secret"
    days_value = rules.get("AutomaticallyAfterDays")
    expression = rules.get("ScheduleExpression")
    if days_value is not None:
        days = r.int(days_value, f"{what}.AutomaticallyAfterDays")
    elif expression is not None:
        text = str(r.literal(expression, f"{what}.ScheduleExpression")).strip().lower()
        if (rate := _RATE.match(text)) is not None:
            amount, unit = int(rate.group(1)), rate.group(2)
            per_day = {"d": 1, "h": 24, "m": 24 * 60}[unit[0]]
            days = -(-amount // per_day)  # whole days, rounded up
        elif (cron := _CRON.match(text)) is not None:
            fields = cron.group(1).split()
            if len(fields) == 6 and fields[3] in ("*", "?"):
                return None  # runs at least once a month
            raise CannotVerify(
                f"{what}.ScheduleExpression {text!r} does not run every month, and how often "
                "it runs is not judged",
                f"{what}.ScheduleExpression",
            )
        else:
            raise CannotVerify(
                f"{what}.ScheduleExpression {text!r} is not a rate() or cron() expression",
                f"{what}.ScheduleExpression",
            )
    else:
        return f"{what} has neither AutomaticallyAfterDays nor ScheduleExpression"
    longest = r.settings.secret_rotation_days
    if not 1 <= days <= longest:
        return f"{what} rotates every {days} days; rotate at least every {longest} days"
    return None


def _schedule_result(
    r: ResourceView, template: TemplateIndex, logical_id: str
) -> list[tuple[dict[str, bool], str | CannotVerify | None]]:
    """Per ``Fn::If`` variant of a schedule: None if it rotates well, else why not."""
    out: list[tuple[dict[str, bool], str | CannotVerify | None]] = []
    for choice, variant in variants(template.resources[logical_id]):
        props = properties(variant)
        try:
            if props.get("HostedRotationLambda") is None and props.get("RotationLambdaARN") is None:
                reason = f"{logical_id} has no rotation function (HostedRotationLambda or "
                out.append((choice, reason + "RotationLambdaARN)"))
            else:
                out.append((choice, _interval_problem(r, props.get("RotationRules"), logical_id)))
        except CannotVerify as exc:
            out.append((choice, exc))
    return out


def _master_secret_rotation(r: ResourceView) -> Iterator[Problem]:
    used_by = r.app.db_master_secrets.get(r.key)
    if used_by is None:
        return
    schedules = r.app.secret_rotation_schedules.get(r.key, [])
    if not schedules:
        yield Problem(
            f"this secret holds {used_by} but no AWS::SecretsManager::RotationSchedule rotates it",
            "RotationSchedule",
        )
        return
    unknown: CannotVerify | None = None
    reasons: list[str] = []
    for template, logical_id, always in schedules:
        results = _schedule_result(r, template, logical_id)
        good = [choice for choice, result in results if result is None]
        if always and len(good) == len(results):
            return
        for choice, result in results:
            if isinstance(result, CannotVerify):
                unknown = unknown or result
            elif result is not None:
                reasons.append(result)
                if good and unknown is None:
                    when = ", ".join(f"{k} is {str(v).lower()}" for k, v in choice.items())
                    unknown = CannotVerify(
                        f"the rotation schedule {logical_id} rotates this secret often enough "
                        f"only under some conditions (not when {when}: {result})",
                        "RotationSchedule",
                    )
        if good and not always and unknown is None:
            unknown = CannotVerify(
                f"the rotation schedule {logical_id} names this secret only under some "
                "conditions (a Condition or an Fn::If decides whether it exists or applies)",
                "RotationSchedule",
            )
    if unknown is not None:
        raise unknown
    yield Problem(
        f"this secret holds {used_by} but its rotation schedule does not rotate it: "
        + "; ".join(dict.fromkeys(reasons)),
        "RotationSchedule",
    )


# -- SC-RDS-10 minor version upgrades --------------------------------------------------------


def _minor_upgrades(r: ResourceView) -> Iterator[Problem]:
    value = r.props.get("AutoMinorVersionUpgrade")
    if value is not None and not r.bool(value, "AutoMinorVersionUpgrade"):
        yield Problem(
            "AutoMinorVersionUpgrade is false, so security patches of the engine wait for a "
            "manual upgrade",
            "Properties.AutoMinorVersionUpgrade",
        )


# -- SC-RDS-11 log exports -------------------------------------------------------------------


def _log_exports(r: ResourceView) -> Iterator[Problem]:
    if _cluster_member(r):
        return  # Aurora: the cluster exports the logs
    family = _family(r)
    if family.logs is None:
        raise CannotVerify(
            f"the guardrails do not know which {family.name} logs to require",
            "Properties.EnableCloudwatchLogsExports",
        )
    raw = r.props.get("EnableCloudwatchLogsExports")
    if intrinsic_name(raw) is not None:
        r.literal(raw, "EnableCloudwatchLogsExports")
    exported = {str(r.literal(v, "EnableCloudwatchLogsExports")).lower() for v in as_list(raw)}
    missing = sorted(family.logs - exported)
    if missing:
        yield Problem(
            f"EnableCloudwatchLogsExports does not export {', '.join(missing)} "
            f"({family.name} needs {', '.join(sorted(family.logs))}), so logins, errors "
            "and changes leave no record outside the database",
            "Properties.EnableCloudwatchLogsExports",
        )


# -- SC-RDS-12 enhanced monitoring -----------------------------------------------------------


def _monitoring_interval(r: ResourceView, props: Mapping[str, Any], what: str) -> int:
    value = props.get("MonitoringInterval")
    return 0 if value is None else r.int(value, what)


def _enhanced_monitoring(r: ResourceView) -> Iterator[Problem]:
    aurora = r.type == "AWS::RDS::DBCluster" and not _multi_az_cluster(r)
    if aurora and r.props.get("MonitoringInterval") is None:
        return  # Aurora: judged on the instances
    interval = _monitoring_interval(r, r.props, "MonitoringInterval")
    if interval in MONITORING_INTERVALS:
        return
    shown = "not set" if r.props.get("MonitoringInterval") is None else str(interval)
    if _cluster_member(r) and interval == 0:
        cluster = r.follow(r.props.get("DBClusterIdentifier"), "DBClusterIdentifier")
        if isinstance(cluster, ResourceRef):
            cluster_props = properties(cluster.resource)
            what = f"{cluster.logical_id}.MonitoringInterval"
            if _monitoring_interval(r, cluster_props, what) in MONITORING_INTERVALS:
                return  # cluster-level enhanced monitoring covers the instances
    yield Problem(
        f"MonitoringInterval is {shown}: without enhanced monitoring the "
        "operating system metrics (processes, memory, I/O) are not recorded",
        "Properties.MonitoringInterval",
    )


RULES = (
    Rule(
        id="SC-RDS-1",
        title="RDS storage and Performance Insights are encrypted with a customer-managed key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=DATABASES,
        rationale="Encryption covers the storage, automated backups, snapshots and replicas; "
        "with a key you manage, key policy and CloudTrail decide and record who can restore "
        "or share a snapshot. Performance Insights stores query text, so it needs the same "
        "key. A restore that does not set StorageEncrypted inherits an encryption the "
        "template does not show (cannot verify).",
        fix="Set storage_encrypted=True with storage_encryption_key (StorageEncrypted: true, "
        "KmsKeyId) and performance_insight_encryption_key, or use SecureDatabase.",
        check=_encrypted,
        fsbp=("RDS.3", "RDS.27"),
        nist_800_53=("SC-13", "SC-28"),
        cdk_nag=("AwsSolutions-RDS2", "NIST.800.53.R5-RDSStorageEncrypted"),
        checkov=("CKV_AWS_16", "CKV_AWS_96"),
    ),
    Rule(
        id="SC-RDS-2",
        title="RDS master passwords come from Secrets Manager, never the template",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=DATABASES,
        rationale="A literal MasterUserPassword is stored in the template, the cloud assembly, "
        "source control and CloudFormation's history. A {{resolve:secretsmanager:...}} "
        "reference or ManageMasterUserPassword keeps it in an encrypted, rotatable secret "
        "(RDS-managed secrets must use your key). SSM SecureString references cannot be "
        "rotated; a password from a parameter cannot be verified.",
        fix="Use rds.Credentials.from_generated_secret(...) (CDK writes the dynamic "
        "reference) or manage_master_user_password with a customer-managed key.",
        check=_master_password,
        nist_800_53=("IA-5(7)", "IA-5(1)"),
    ),
    Rule(
        id="SC-RDS-3",
        title="RDS automated backups are kept at least 7 days",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=DATABASES,
        rationale="Automated backups give point-in-time restore; RDS keeps them 1 day unless "
        "told otherwise, too short to notice corruption or a destructive change. Aurora "
        "instances (the cluster decides) and read replicas are not judged.",
        fix="Set backup_retention (BackupRetentionPeriod) to 7-35 days.",
        check=_backups,
        fsbp=("RDS.11",),
        nist_800_53=("CP-9", "CP-10"),
        cdk_nag=("AwsSolutions-RDS13", "NIST.800.53.R5-RDSInstanceBackupEnabled"),
    ),
    Rule(
        id="SC-RDS-4",
        title="RDS databases have deletion protection",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=DATABASES,
        rationale="Deletion protection makes deleting a database a deliberate two-step "
        "action instead of one mistaken API call or stack change.",
        fix="Set deletion_protection=True (DeletionProtection: true).",
        check=_deletion_protection,
        fsbp=("RDS.7", "RDS.8"),
        nist_800_53=("CP-9", "SI-12"),
        cdk_nag=("AwsSolutions-RDS10", "NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled"),
    ),
    Rule(
        id="SC-RDS-5",
        title="RDS databases are snapshotted or retained when removed from the stack",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=DATABASES,
        rationale="A DeletionPolicy or UpdateReplacePolicy of Delete drops the data with no "
        "final snapshot when the resource is removed or replaced. Aurora instances hold no "
        "data of their own and are not judged.",
        fix="Use removal_policy=RemovalPolicy.SNAPSHOT (CDK's default for RDS) or RETAIN.",
        check=_snapshot_on_removal,
        nist_800_53=("CP-9",),
    ),
    Rule(
        id="SC-RDS-6",
        title="RDS databases run in more than one availability zone",
        pillar=Pillar.AT_REST,
        severity=Severity.WARNING,
        resource_types=DATABASES,
        rationale="A Multi-AZ standby (RDS) or a reader in another zone (Aurora) survives a "
        "zone outage without losing committed writes. A warning: single-AZ is a legitimate, "
        "visible choice for development databases. An Aurora cluster counts only instances "
        "that join it in every case.",
        fix="Set multi_az=True (RDS), or add a reader in a second zone (Aurora).",
        check=_multi_az,
        fsbp=("RDS.5", "RDS.15"),
        nist_800_53=("CP-10", "SC-36"),
        cdk_nag=("AwsSolutions-RDS3", "NIST.800.53.R5-RDSMultiAZSupport"),
        checkov=("CKV_AWS_157",),
    ),
    Rule(
        id="SC-RDS-7",
        title="RDS parameter groups require TLS for every connection",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=DATABASES,
        rationale="Only the server can refuse clients that do not use TLS: rds.force_ssl=1 "
        "(PostgreSQL, SQL Server), require_secure_transport=ON (MySQL, MariaDB), "
        "db2comm=SSL (Db2), in a custom parameter group (a cluster parameter group for "
        "Aurora). Engine defaults do not require TLS for MySQL and depend on the version for "
        "PostgreSQL, so a missing or default group fails. Groups from outside the app and "
        "unknown engines cannot be verified.",
        fix="Attach a custom (cluster) parameter group that sets the engine's TLS parameter, "
        "or use SecureDatabase.",
        check=_tls_required,
        fsbp=("RDS.38", "RDS.39"),
        nist_800_53=("SC-8", "SC-23"),
        checkov=("CKV2_AWS_69",),
    ),
    Rule(
        id="SC-RDS-8",
        title="RDS databases are not publicly accessible",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=DATABASES,
        rationale="A publicly accessible database gets a public IP address, so its security "
        "group is the only thing between it and the internet. The flag must be explicitly "
        "false on instances (and Multi-AZ DB clusters): left out, RDS decides from the "
        "subnets.",
        fix="Set publicly_accessible=False and place the database in isolated subnets.",
        check=_not_public,
        fsbp=("RDS.2",),
        nist_800_53=("AC-3", "SC-7"),
        cdk_nag=("NIST.800.53.R5-RDSInstancePublicAccess",),
        checkov=("CKV_AWS_17",),
    ),
    Rule(
        id="SC-RDS-9",
        title="Database master secrets rotate at least every 90 days",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=SECRET,
        rationale="Applies to secrets a DB uses as master password (its MasterUserPassword "
        "refers to the secret, or a SecretTargetAttachment attaches it). A rotation "
        "schedule with a function (a hosted rotation needs no code of yours) limits how long "
        "a leaked password works. cron() schedules are accepted when they run every month.",
        fix="Add a rotation schedule: secret.add_rotation_schedule(hosted_rotation=...) or "
        "SecureDatabase; rotate every 90 days or more often.",
        check=_master_secret_rotation,
        fsbp=("SecretsManager.1", "SecretsManager.4"),
        nist_800_53=("IA-5(1)", "AC-2(1)"),
        cdk_nag=("AwsSolutions-SMG4", "NIST.800.53.R5-SecretsManagerRotationEnabled"),
    ),
    Rule(
        id="SC-RDS-10",
        title="RDS databases install minor engine versions automatically",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=DATABASES,
        rationale="Minor versions carry the engine's security fixes; turning automatic "
        "upgrades off leaves them to someone remembering. A warning: some teams patch in "
        "their own maintenance process.",
        fix="Leave AutoMinorVersionUpgrade unset or true (auto_minor_version_upgrade=True).",
        check=_minor_upgrades,
        fsbp=("RDS.13", "RDS.35"),
        nist_800_53=("SI-2",),
        cdk_nag=(
            "HIPAA.Security-RDSAutomaticMinorVersionUpgradeEnabled",
            "PCI.DSS.321-RDSAutomaticMinorVersionUpgradeEnabled",
        ),
    ),
    Rule(
        id="SC-RDS-11",
        title="RDS databases export their logs to CloudWatch Logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=DATABASES,
        rationale="Exported logs survive the database and reach your detection tooling: "
        "PostgreSQL needs the postgresql log, MySQL/MariaDB the audit and error logs "
        "(Aurora MySQL: Advanced Auditing; RDS MySQL: the MARIADB_AUDIT_PLUGIN option), SQL "
        "Server the error log. Aurora instances are judged through their cluster; other "
        "engines cannot be verified.",
        fix="Set cloudwatch_logs_exports (EnableCloudwatchLogsExports) to the engine's logs.",
        check=_log_exports,
        fsbp=("RDS.9", "RDS.34", "RDS.36", "RDS.37"),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("NIST.800.53.R5-RDSLoggingEnabled",),
    ),
    Rule(
        id="SC-RDS-12",
        title="RDS instances have enhanced monitoring",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=DATABASES,
        rationale="Enhanced monitoring records operating-system metrics every few seconds, "
        "which shows resource exhaustion and unexpected processes. A warning: it costs "
        "CloudWatch Logs ingestion. Aurora clusters are judged on their instances unless "
        "they enable cluster-level monitoring.",
        fix="Set monitoring_interval to 1, 5, 10, 15, 30 or 60 seconds (with a monitoring role).",
        check=_enhanced_monitoring,
        fsbp=("RDS.6",),
        nist_800_53=("SI-4", "AU-12"),
        cdk_nag=("NIST.800.53.R5-RDSEnhancedMonitoringEnabled",),
        checkov=("CKV_AWS_118",),
    ),
)
