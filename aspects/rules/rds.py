"""Amazon RDS and Aurora guardrails: encryption, master secrets, backups, TLS, exposure, logs.

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
import string
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aspects.index import (
    AppIndex,
    ExternalRef,
    ResourceKey,
    ResourceRef,
    ResourceView,
    TemplateIndex,
)
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.resolve import Placeholder, literal_text, possible_texts
from aspects.rules._blocks import app_cache
from aspects.rules._common import (
    Deferred,
    PolicyVariant,
    action_covers,
    actions,
    effect,
    flatten,
    kms_key_problems,
    principal_is_everyone,
    required_denial,
    retention_problems,
    statements,
)
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


# -- SC-RDS-13 connection logging ------------------------------------------------------------


def _is_on(value: str) -> bool:
    return value.strip().lower() in _ON


def _items(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",") if item.strip()}


def _logs_connections(value: str) -> bool:
    """PostgreSQL ``log_connections``: a boolean, or (PostgreSQL 18) the stages to log."""
    items = _items(value)
    return bool(items & (_ON | {"all"})) or items >= _PG_CONNECTION_STAGES


def _audits_connections(value: str) -> bool:
    return "connect" in _items(value)


def _nobody_listed(value: str) -> bool:
    return not _items(value)


def _only_rds_itself(value: str) -> bool:
    return _items(value) <= _AUDIT_EXCLUDABLE


@dataclass(frozen=True)
class _Setting:
    """One parameter (or option setting) that connection logging depends on."""

    name: str
    good: Callable[[str], bool]
    wanted: str
    #: Whether leaving it out is fine (the engine's default already logs every connection).
    default_ok: bool = False


_ON = frozenset({"1", "on", "true", "yes"})
#: PostgreSQL 18 logs connections per stage; the old boolean ``on`` means these three.
_PG_CONNECTION_STAGES = frozenset({"receipt", "authentication", "authorization"})
#: RDS's own management user, which teams commonly leave out of the audit log.
_AUDIT_EXCLUDABLE = frozenset({"rdsadmin"})
_INCLUDED_USERS = "an empty list (a list audits only those users)"
_EXCLUDED_USERS = "empty or rdsadmin (the users it lists are not audited)"
_POSTGRES_LOGGING = (
    _Setting("log_connections", _logs_connections, "1 (or all)"),
    _Setting("log_disconnections", _is_on, "1"),
)
#: Aurora MySQL Advanced Auditing (cluster parameters): off unless told otherwise.
_ADVANCED_AUDITING = (
    _Setting("server_audit_logging", _is_on, "1"),
    _Setting("server_audit_events", _audits_connections, "a list that includes CONNECT"),
    _Setting("server_audit_incl_users", _nobody_listed, _INCLUDED_USERS, default_ok=True),
    _Setting("server_audit_excl_users", _only_rds_itself, _EXCLUDED_USERS, default_ok=True),
)
#: RDS for MySQL and MariaDB: the MARIADB_AUDIT_PLUGIN option, whose SERVER_AUDIT_EVENTS
#: defaults to ``CONNECT,QUERY`` and SERVER_AUDIT_LOGGING to ``ON``.
_AUDIT_PLUGIN = "MARIADB_AUDIT_PLUGIN"
_AUDIT_PLUGIN_SETTINGS = (
    _Setting("SERVER_AUDIT_LOGGING", _is_on, "ON", default_ok=True),
    _Setting("SERVER_AUDIT_EVENTS", _audits_connections, "a list with CONNECT", default_ok=True),
    _Setting("SERVER_AUDIT_INCL_USERS", _nobody_listed, _INCLUDED_USERS, default_ok=True),
    _Setting("SERVER_AUDIT_EXCL_USERS", _only_rds_itself, _EXCLUDED_USERS, default_ok=True),
)
_LOGGING_PARAMETERS: Mapping[str, tuple[_Setting, ...]] = {
    "postgres": _POSTGRES_LOGGING,
    "aurora-postgresql": _POSTGRES_LOGGING,
    "aurora-mysql": _ADVANCED_AUDITING,
    "aurora": _ADVANCED_AUDITING,
}
_WANTED = {
    _POSTGRES_LOGGING: "log_connections = 1 and log_disconnections = 1",
    _ADVANCED_AUDITING: "server_audit_logging = 1 and server_audit_events with CONNECT",
}

#: ``(what is wrong per setting)`` of one variant of a group: a judge reads the group's
#: properties (``where`` names the group in messages) and lists what is wrong.
_Judge = Callable[[ResourceView, Mapping[str, Any], str], list[str]]


def _wrong_settings(
    r: ResourceView,
    settings: Mapping[str, Any],
    wanted: tuple[_Setting, ...],
    where: str,
    *,
    partial: bool = False,
) -> list[str]:
    """What is wrong with *settings* (names compared case-insensitively).

    With *partial*, a setting that is not there is fine (an instance-level group that only
    overrides some values of its cluster's group).
    """
    by_name = {str(name).lower(): value for name, value in settings.items()}
    wrong: list[str] = []
    deferred = Deferred()
    for setting in wanted:
        raw = by_name.get(setting.name.lower())
        if raw is None:
            if not (setting.default_ok or partial):
                wrong.append(f"{setting.name} is not set (the engine default does not log)")
            continue
        with deferred:
            value = str(r.literal(raw, f"{where}.{setting.name}")).strip()
            if not setting.good(value):
                wrong.append(f"{setting.name} is {value!r}, not {setting.wanted}")
    if not wrong:
        deferred.raise_first()
    return wrong


def _parameters(r: ResourceView, props: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    """The ``Parameters`` of a parameter group, or :class:`CannotVerify`."""
    raw = props.get("Parameters")
    if raw is None:
        return {}
    if intrinsic_name(raw) is not None:
        raw = r.literal(raw, f"{where}.Parameters")
    if not isinstance(raw, Mapping):
        raise CannotVerify(f"{where}.Parameters is not a map of parameters", f"{where}.Parameters")
    return raw


def _audit_plugin_settings(
    r: ResourceView, props: Mapping[str, Any], where: str
) -> Mapping[str, Any] | None:
    """The settings of the option group's MARIADB_AUDIT_PLUGIN option, None without one."""
    what = f"{where}.OptionConfigurations"
    raw = props.get("OptionConfigurations")
    if intrinsic_name(raw) is not None:
        raw = r.literal(raw, what)
    for option in as_list(raw):
        if not isinstance(option, Mapping) or intrinsic_name(option) is not None:
            raise CannotVerify(f"an item of {what} is not a literal option", what)
        name = str(r.literal(option.get("OptionName"), f"{what}.OptionName")).upper()
        if name != _AUDIT_PLUGIN:
            continue
        settings: dict[str, Any] = {}
        for item in as_list(option.get("OptionSettings")):
            if not isinstance(item, Mapping) or intrinsic_name(item) is not None:
                raise CannotVerify(f"an OptionSettings item of {what} is not literal", what)
            settings[str(r.literal(item.get("Name"), f"{what}.OptionSettings.Name"))] = item.get(
                "Value"
            )
        return settings
    return None


def _parameter_judge(wanted: tuple[_Setting, ...], *, partial: bool = False) -> _Judge:
    def judge(r: ResourceView, props: Mapping[str, Any], where: str) -> list[str]:
        return _wrong_settings(r, _parameters(r, props, where), wanted, where, partial=partial)

    return judge


def _audit_plugin_judge(r: ResourceView, props: Mapping[str, Any], where: str) -> list[str]:
    settings = _audit_plugin_settings(r, props, where)
    if settings is None:
        return [f"it has no {_AUDIT_PLUGIN} option"]
    return _wrong_settings(r, settings, _AUDIT_PLUGIN_SETTINGS, where)


def _attached_group(
    r: ResourceView, attribute: str, group_type: str, missing: str
) -> ResourceRef | Problem | None:
    """The group a DB names in *attribute*; a Problem if none or a default one.

    None for a literal default group when *missing* is empty (nothing to say). A group
    outside the app raises :class:`CannotVerify`.
    """
    path = f"Properties.{attribute}"
    value = r.props.get(attribute)
    if value is None:
        return Problem(f"{attribute} is not set: {missing}", path) if missing else None
    group = r.follow(value, attribute)
    if isinstance(group, ExternalRef):
        if group.literal is not None and group.literal.lower().startswith("default"):
            if not missing:
                return None
            return Problem(f"{attribute} is the default group {group.literal!r}: {missing}", path)
        raise CannotVerify(
            f"{attribute} is {group.description}, a group outside the app, so whether it "
            "logs every connection cannot be verified",
            path,
        )
    if group.type != group_type:
        return Problem(
            f"{attribute} refers to {group.logical_id} ({group.type}), not a {group_type}", path
        )
    return group


def _judged_group(
    r: ResourceView, group: ResourceRef, judge: _Judge, path: str, noun: str = "parameter group"
) -> Iterator[Problem]:
    """Judge every ``Fn::If`` variant of a group: wrong in all is a Problem, in some unknown."""
    try:
        expanded = list(variants(group.resource))
    except CannotVerify as exc:
        raise CannotVerify(f"{group.logical_id}: {exc.message}", path) from None
    results: list[tuple[dict[str, bool], list[str] | CannotVerify]] = []
    for choice, variant in expanded:
        try:
            results.append((choice, judge(r, properties(variant), group.logical_id)))
        except CannotVerify as exc:
            results.append((choice, exc))
    if all(result == [] for _, result in results):
        return
    if all(isinstance(result, list) and result for _, result in results):
        wrong = dict.fromkeys(
            w for _, result in results if isinstance(result, list) for w in result
        )
        yield Problem(
            f"the {noun} {group.logical_id} does not log every connection and disconnection: "
            + "; ".join(wrong),
            path,
        )
        return
    unknown = next((result for _, result in results if isinstance(result, CannotVerify)), None)
    if unknown is not None:
        raise unknown
    choice = next(choice for choice, result in results if result != [])
    when = ", ".join(f"{k} is {str(v).lower()}" for k, v in choice.items())
    raise CannotVerify(
        f"the {noun} {group.logical_id} logs every connection only under some conditions "
        f"(not when {when})",
        path,
    )


def _member_overrides(r: ResourceView) -> Iterator[Problem]:
    """An Aurora instance's own parameter group must not turn its cluster's logging off."""
    found = _attached_group(r, "DBParameterGroupName", "AWS::RDS::DBParameterGroup", "")
    if not isinstance(found, ResourceRef):
        return  # none, a default one (the cluster's values apply) or not a parameter group
    wanted = _LOGGING_PARAMETERS.get(_engine(r))
    if wanted is not None:  # other engines: the cluster cannot be verified already
        judge = _parameter_judge(wanted, partial=True)
        noun = "instance parameter group (it overrides the cluster's)"
        yield from _judged_group(r, found, judge, "Properties.DBParameterGroupName", noun)


def _connections_logged(r: ResourceView) -> Iterator[Problem]:
    if _cluster_member(r):
        yield from _member_overrides(r)
        return
    engine = _engine(r)
    if engine in ("mysql", "mariadb"):
        if r.type == "AWS::RDS::DBCluster":
            raise CannotVerify(
                f"a Multi-AZ DB cluster of {engine} cannot load the {_AUDIT_PLUGIN} option, "
                "so whether it logs connections cannot be verified",
                "Properties.Engine",
            )
        found = _attached_group(
            r,
            "OptionGroupName",
            "AWS::RDS::OptionGroup",
            f"the default option group has no {_AUDIT_PLUGIN}, so connections are not "
            f"logged; attach an option group with {_AUDIT_PLUGIN} (SERVER_AUDIT_EVENTS "
            "including CONNECT)",
        )
        if isinstance(found, Problem):
            yield found
        elif found is not None:
            yield from _judged_group(
                r, found, _audit_plugin_judge, "Properties.OptionGroupName", "option group"
            )
        return
    wanted = _LOGGING_PARAMETERS.get(engine)
    if wanted is None:
        raise CannotVerify(
            f"Engine is {engine!r}: its connection auditing is configured inside the database "
            "(SQL Server Audit, Oracle or Db2 auditing) or unknown to the guardrails, so it "
            "cannot be verified from the template",
            "Properties.Engine",
        )
    if r.type == "AWS::RDS::DBCluster":
        attribute, group_type = "DBClusterParameterGroupName", "AWS::RDS::DBClusterParameterGroup"
    else:
        attribute, group_type = "DBParameterGroupName", "AWS::RDS::DBParameterGroup"
    found = _attached_group(
        r,
        attribute,
        group_type,
        "the engine's default parameter group logs neither connections nor disconnections; "
        f"attach a custom group with {_WANTED[wanted]}",
    )
    if isinstance(found, Problem):
        yield found
    elif found is not None:
        yield from _judged_group(r, found, _parameter_judge(wanted), f"Properties.{attribute}")


# -- SC-RDS-14 IAM database authentication ---------------------------------------------------

#: The engines that support IAM database authentication (not SQL Server, Oracle or Db2).
_IAM_AUTH_ENGINES = frozenset(
    {"postgres", "aurora-postgresql", "mysql", "mariadb", "aurora-mysql", "aurora"}
)


def _iam_authentication(r: ResourceView) -> Iterator[Problem]:
    if _cluster_member(r):
        return  # Aurora: a cluster setting
    value = r.props.get("EnableIAMDatabaseAuthentication")
    if value is not None and r.bool(value, "EnableIAMDatabaseAuthentication"):
        return
    if _engine(r) not in _IAM_AUTH_ENGINES:
        return
    yield Problem(
        f"EnableIAMDatabaseAuthentication is {_shown(value)}: clients can only sign in "
        "with long-lived database passwords, never with short-lived IAM tokens",
        "Properties.EnableIAMDatabaseAuthentication",
    )


# -- SC-RDS-15 automated backups outlive the database ----------------------------------------


def _backups_kept_after_deletion(r: ResourceView) -> Iterator[Problem]:
    if _cluster_member(r) or _read_replica(r):
        return  # Aurora instances hold no backups; replicas have none of their own
    value = r.props.get("DeleteAutomatedBackups")
    if value is None:
        yield Problem(
            "DeleteAutomatedBackups is not set, so RDS deletes the automated backups (and "
            "point-in-time restore) together with the database; set it to false",
            "Properties.DeleteAutomatedBackups",
        )
    elif r.bool(value, "DeleteAutomatedBackups"):
        yield Problem(
            "DeleteAutomatedBackups is true: deleting the database deletes its automated "
            "backups and point-in-time restore with it",
            "Properties.DeleteAutomatedBackups",
        )


# -- SC-RDS-16 generated master passwords ----------------------------------------------------

#: The character classes Secrets Manager draws passwords from, with the flag that drops
#: each (its punctuation is Python's ``string.punctuation``).
_CHARACTER_CLASSES = (
    ("uppercase letters", frozenset(string.ascii_uppercase), "ExcludeUppercase"),
    ("lowercase letters", frozenset(string.ascii_lowercase), "ExcludeLowercase"),
    ("digits", frozenset(string.digits), "ExcludeNumbers"),
    ("punctuation characters", frozenset(string.punctuation), "ExcludePunctuation"),
)
#: Secrets Manager's length when GenerateSecretString.PasswordLength is not set.
_DEFAULT_PASSWORD_LENGTH = 32


def _excluded_classes(chars: str) -> list[str]:
    excluded = set(chars)
    return [noun for noun, members, _flag in _CHARACTER_CLASSES if members <= excluded]


def _generator_problems(r: ResourceView, generate: Any) -> Iterator[Problem]:
    what = "GenerateSecretString"
    if intrinsic_name(generate) is not None:
        generate = r.literal(generate, what)
    if not isinstance(generate, Mapping):
        raise CannotVerify(f"{what} is not a map of generator settings", f"Properties.{what}")
    deferred = Deferred()
    raw = generate.get("PasswordLength")
    with deferred:
        length = _DEFAULT_PASSWORD_LENGTH if raw is None else r.int(raw, f"{what}.PasswordLength")
        least = r.settings.min_generated_password_length
        if length < least:
            yield Problem(
                f"{what}.PasswordLength is {length}: generate master passwords of at least "
                f"{least} characters",
                f"Properties.{what}.PasswordLength",
            )
    chars = ""
    with deferred:
        raw = generate.get("ExcludeCharacters")
        chars = "" if raw is None else str(r.literal(raw, f"{what}.ExcludeCharacters"))
    for noun, members, flag in _CHARACTER_CLASSES:
        with deferred:
            excluded = generate.get(flag)
            if excluded is not None and r.bool(excluded, f"{what}.{flag}"):
                yield Problem(
                    f"{what}.{flag} is true, so the password has no {noun}",
                    f"Properties.{what}.{flag}",
                )
            elif members <= set(chars):
                yield Problem(
                    f"{what}.ExcludeCharacters excludes every one of the {noun}",
                    f"Properties.{what}.ExcludeCharacters",
                )
    deferred.raise_first()


def _rotation_problems(r: ResourceView, template: TemplateIndex, logical_id: str) -> set[str]:
    """What a hosted rotation leaves out of every password it generates."""
    found: set[str] = set()
    for _choice, variant in variants(template.resources[logical_id]):
        raw = dig(properties(variant), "HostedRotationLambda", "ExcludeCharacters")
        if raw is None:
            continue
        what = f"{logical_id}.HostedRotationLambda.ExcludeCharacters"
        found.update(_excluded_classes(str(r.literal(raw, what))))
    return found


def _generated_password(r: ResourceView) -> Iterator[Problem]:
    used_by = r.app.db_master_secrets.get(r.key)
    if used_by is None:
        return
    deferred = Deferred()
    generate = r.props.get("GenerateSecretString")
    with deferred:
        if generate is None:
            raise CannotVerify(
                f"this secret holds {used_by} but has no GenerateSecretString: the password is "
                "set in the template or out of band, so its length and characters cannot be "
                "verified",
                "Properties.GenerateSecretString",
            )
        yield from _generator_problems(r, generate)
    for template, logical_id, _always in r.app.secret_rotation_schedules.get(r.key, []):
        with deferred:
            for noun in sorted(_rotation_problems(r, template, logical_id)):
                yield Problem(
                    f"the rotation schedule {logical_id} excludes every one of the {noun} "
                    "(HostedRotationLambda.ExcludeCharacters), so no rotated password has any",
                    "RotationSchedule",
                )
    deferred.raise_first()


# -- SC-RDS-17/18 master secrets are not deleted ---------------------------------------------


def _master_secret_retained(r: ResourceView) -> Iterator[Problem]:
    used_by = r.app.db_master_secrets.get(r.key)
    if used_by is None:
        return
    for problem in retention_problems(r):
        yield Problem(f"this secret holds {used_by}: {problem.message}", problem.path)


_POLICY = "AWS::SecretsManager::ResourcePolicy"
_ATTACHMENT = "AWS::SecretsManager::SecretTargetAttachment"
_DELETION = "secretsmanager:DeleteSecret"
_ACCOUNT_ROOT = re.compile(
    r"(?:arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):iam::)?(?:\d{12}|\$\{AWS::AccountId\})"
    r"(?::root)?"
)

_Named = list[tuple[dict[str, bool], set[ResourceKey], Mapping[str, Any]]]


def _named_per_variant(app: AppIndex, template: TemplateIndex, logical_id: str) -> _Named:
    """``(choice, resources its SecretId names, properties)`` per variant of a resource.

    A resource with a ``Condition`` also gets a variant (the condition false) naming nothing.
    """
    resource = template.resources[logical_id]
    try:
        expanded = list(variants(resource))
    except CannotVerify:
        expanded = [({}, resource)]  # its statements then cannot be verified
    out: _Named = []
    for choice, variant in expanded:
        props = properties(variant)
        named = {ref.key for ref in app.resources_mentioned(props.get("SecretId"), template)}
        out.append((choice, named, props))
    condition = resource.get("Condition")
    if isinstance(condition, str):
        out.append(({condition: False}, set(), {}))
    return out


def _secret_policies(app: AppIndex) -> dict[ResourceKey, list[PolicyVariant]]:
    """Secret -> every ``Fn::If`` variant of the resource policies attached to it.

    A ``ResourcePolicy`` names the secret, or its ``SecretTargetAttachment`` (whose ``Ref``
    is the secret's ARN: CDK attaches the policy there). Fails closed: a variant in which
    the policy (or the attachment it names) does not name the secret, and a policy or
    attachment with a ``Condition`` (as the variant where it is false), count as a policy
    without statements.
    """
    attachments = {
        (tpl.path, logical_id): _named_per_variant(app, tpl, logical_id)
        for tpl in app.templates
        for logical_id in tpl.by_type.get(_ATTACHMENT, ())
    }
    out: dict[ResourceKey, list[PolicyVariant]] = defaultdict(list)
    for tpl in app.templates:
        for logical_id in tpl.by_type.get(_POLICY, ()):
            per_variant = _named_per_variant(app, tpl, logical_id)
            relevant: set[ResourceKey] = set()
            for _choice, named, _props in per_variant:
                for key in named:
                    found = attachments.get(key)
                    relevant |= {key} if found is None else {s for _c, f, _p in found for s in f}
            for secret in relevant:
                for choice, named, props in per_variant:
                    document = statements(props.get("ResourcePolicy"))
                    via = [attachments[key] for key in named if key in attachments]
                    if secret in named or not via:
                        kept = document if secret in named else []
                        out[secret].append((logical_id, choice, kept))
                        continue
                    for attached in via:
                        for more, secrets, _props in attached:
                            kept = document if secret in secrets else []
                            out[secret].append((logical_id, {**choice, **more}, kept))
    return out


def _account_principal(r: ResourceView, statement: Mapping[str, Any], what: str) -> bool:
    """Whether ``Principal.AWS`` names an account (its root): every principal of it."""
    principal = statement.get("Principal")
    values = as_list(principal.get("AWS")) if isinstance(principal, Mapping) else []
    deferred = Deferred()
    for value in values:
        text = flatten(value)
        if _ACCOUNT_ROOT.fullmatch(text):
            return True
        with deferred:
            if "${" in text:
                raise CannotVerify(
                    f"{what}.Principal is {text!r}, known only at deploy time",
                    f"Properties.{what}.Principal",
                )
    deferred.raise_first()
    return False


def _denies_deletion(r: ResourceView, statement: Mapping[str, Any]) -> bool:
    """An unconditional ``Deny`` of ``secretsmanager:DeleteSecret`` to the account or all."""
    what = "ResourcePolicy.Statement"
    if effect(statement, r, what) != "Deny" or statement.get("Condition"):
        return False
    if "NotAction" in statement:
        spared = [
            str(r.literal(a, f"{what}.NotAction")).lower()
            for a in as_list(statement.get("NotAction"))
        ]
        if action_covers(spared, _DELETION):
            return False
    elif not action_covers(actions(statement, r, what), _DELETION):
        return False
    return principal_is_everyone(statement, r, what) or _account_principal(r, statement, what)


def _master_secret_undeletable(r: ResourceView) -> Iterator[Problem]:
    used_by = r.app.db_master_secrets.get(r.key)
    if used_by is None:
        return
    found = app_cache(r.app, "rds_secret_policies", _secret_policies).get(r.key, [])
    for problem in required_denial(
        found,
        lambda statement: _denies_deletion(r, statement),
        f"anyone in the account allowed secretsmanager:DeleteSecret can delete {used_by}",
    ):
        message = problem.message.replace(
            "does not deny them",
            f"has no unconditional Deny of {_DELETION} to the account or to everyone",
        )
        yield Problem(message, problem.path)


# -- SC-RDS-19 a current certificate authority ------------------------------------------------

#: The certificate authorities RDS offers today (the first is the default for new instances).
CURRENT_CAS = ("rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1")
#: The yearly CAs of the old scheme, all expired: rds-ca-2012, rds-ca-2015 (March 2020),
#: rds-ca-2019 (May-October 2024 by region).
_RETIRED_CA = re.compile(r"rds-ca-(?:19|20)\d\d")
_CA_EXPIRY = {"rds-ca-2015": "March 2020", "rds-ca-2019": "August 2024"}


def _certificate_authority(r: ResourceView) -> Iterator[Problem]:
    raw = r.props.get("CACertificateIdentifier")
    if raw is None:
        return  # RDS signs new instances with rds-ca-rsa2048-g1
    what = "CACertificateIdentifier"
    ca = str(r.literal(raw, what)).strip().lower()
    if ca in CURRENT_CAS:
        return
    path = f"Properties.{what}"
    current = ", ".join(CURRENT_CAS)
    if _RETIRED_CA.fullmatch(ca):
        expired = _CA_EXPIRY.get(ca)
        yield Problem(
            f"{what} is {ca!r}, a retired certificate authority"
            + (f" (expired in {expired})" if expired else "")
            + ": clients that verify the server reject its certificate, which leaves them "
            f"connecting without verification, open to impersonation; use one of {current}",
            path,
        )
        return
    raise CannotVerify(
        f"{what} is {ca!r}, not a certificate authority the guardrails know ({current}), "
        "so whether it is current cannot be verified",
        path,
    )


# -- SC-RDS-20 log exports go to declared log groups -----------------------------------------

#: Per DB type: the segment of the log group name RDS publishes to, and the identifier.
_LOG_GROUP_OWNER = {
    "AWS::RDS::DBInstance": ("instance", "DBInstanceIdentifier"),
    "AWS::RDS::DBCluster": ("cluster", "DBClusterIdentifier"),
}
_RDS_LOG_PREFIX = "/aws/rds/"
_SUB_NAME = re.compile(r"\$\{([^}!][^}]*)\}")


@dataclass(frozen=True)
class _LogGroup:
    """A log group of the app whose name RDS may publish to."""

    template: str
    logical_id: str
    #: Its ``Condition``, if it exists only under one.
    condition: str | None
    #: Resources of its template it refers to or depends on (it is created after them).
    after: frozenset[str]


@dataclass(frozen=True)
class _RdsLogGroups:
    #: Literal ``LogGroupName`` -> the groups with that name.
    by_name: dict[str, list[_LogGroup]]
    #: Lower-cased literal name -> the names as spelt (to point at a case mismatch).
    folded: dict[str, list[str]]
    #: ``(template, DB logical id, instance|cluster, log type)`` -> groups named after a
    #: ``Ref`` of that DB (``/aws/rds/instance/${Db}/error``).
    by_ref: dict[tuple[str, str, str, str], list[_LogGroup]]


def _mentioned_ids(value: Any) -> set[str]:
    """Logical ids a value refers to (``Ref``, ``Fn::GetAtt``, ``Fn::Sub`` variables)."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Mapping):
            name = intrinsic_name(item)
            args = item.get(name) if name is not None else None
            if name == "Ref" and isinstance(args, str):
                found.add(args)
            elif name == "Fn::GetAtt":
                head = (
                    args.split(".", 1)[0]
                    if isinstance(args, str)
                    else next(iter(as_list(args)), None)
                )
                if isinstance(head, str):
                    found.add(head)
            elif name == "Fn::Sub":
                text, *rest = as_list(args) or [None]
                if isinstance(text, str):
                    found.update(m.split(".", 1)[0] for m in _SUB_NAME.findall(text))
                stack.extend(rest)
            else:
                stack.extend(item.values())
    return found


def _rds_log_groups(app: AppIndex) -> _RdsLogGroups:
    """Every ``AWS::Logs::LogGroup`` of the app by the name it will have.

    A name is a literal (or an expression of literals), or ``/aws/rds/<kind>/`` + a ``Ref``
    of a DB + ``/<log type>``. A name that may take several values (``Fn::If``) is skipped.
    """
    by_name: dict[str, list[_LogGroup]] = defaultdict(list)
    folded: dict[str, list[str]] = defaultdict(list)
    by_ref: dict[tuple[str, str, str, str], list[_LogGroup]] = defaultdict(list)
    for tpl in app.templates:
        for logical_id in tpl.by_type.get("AWS::Logs::LogGroup", ()):
            resource = tpl.resources[logical_id]
            props = properties(resource)
            if not isinstance(props, Mapping) or props.get("LogGroupName") is None:
                continue
            texts = possible_texts(props["LogGroupName"], app.context(tpl))
            if len(texts) != 1:
                continue
            condition = resource.get("Condition")
            after = _mentioned_ids(props) | {
                d for d in as_list(resource.get("DependsOn")) if isinstance(d, str)
            }
            group = _LogGroup(
                tpl.path,
                logical_id,
                condition if isinstance(condition, str) else None,
                frozenset(after),
            )
            (text,) = texts
            name = literal_text(text)
            if name is not None:
                by_name[name].append(group)
                folded[name.lower()].append(name)
                continue
            if len(text) != 3:
                continue
            head, db, tail = text
            if not (isinstance(head, str) and isinstance(tail, str)):
                continue
            if not (isinstance(db, Placeholder) and db.kind == "resource"):
                continue
            for kind, _prop in _LOG_GROUP_OWNER.values():
                if head == f"{_RDS_LOG_PREFIX}{kind}/" and tail.startswith("/"):
                    by_ref[(tpl.path, db.name, kind, tail[1:])].append(group)
    return _RdsLogGroups(dict(by_name), dict(folded), dict(by_ref))


def _exported_logs(r: ResourceView) -> list[str]:
    what = "EnableCloudwatchLogsExports"
    raw = r.props.get(what)
    if intrinsic_name(raw) is not None:
        raw = r.literal(raw, what)
    return list(dict.fromkeys(str(r.literal(v, what)) for v in as_list(raw)))


def _why_not_first(
    r: ResourceView, name: str, groups: list[_LogGroup], named_after_ref: bool
) -> str | None:
    """Why the declared group(s) for *name* may not be the one RDS writes to (or None)."""
    for group in groups:
        later = group.template == r.template.path and r.logical_id in group.after
        if group.condition is None and not later:
            return None
    conditional = next((g for g in groups if g.condition is not None), None)
    if conditional is not None:
        return (
            f"the log group {conditional.logical_id} named {name} exists only when "
            f"{conditional.condition} is true"
        )
    which = (
        f"the log group {groups[0].logical_id} ({name}) refers to or depends on the database"
        if groups
        else f"the log group for {name} is named after the Ref of the database"
    )
    return (
        f"{which}, so CloudFormation creates it after the database, and RDS has usually "
        "created the group itself by then (the deployment then fails with 'already "
        "exists'); name the group with the literal identifier and make the database depend "
        "on it"
    )


def _log_groups_declared(r: ResourceView) -> Iterator[Problem]:
    if _cluster_member(r):
        return  # Aurora: the cluster exports the logs
    exported = _exported_logs(r)
    if not exported:
        return
    kind, prop = _LOG_GROUP_OWNER[r.type]
    found = app_cache(r.app, "rds_log_groups", _rds_log_groups)
    named_after_ref = {
        log for log in exported if (r.template.path, r.logical_id, kind, log) in found.by_ref
    }
    raw = r.props.get(prop)
    if raw is None:
        later = " (a log group named after its Ref is created after it)" if named_after_ref else ""
        raise CannotVerify(
            f"{prop} is not set, so CloudFormation generates the identifier and no log group "
            f"can be created under the name RDS publishes to ({_RDS_LOG_PREFIX}{kind}/"
            f"<identifier>/<log type>) before the database exists{later}: RDS would create "
            f"the groups for {', '.join(exported)} itself, unencrypted and never expiring; set "
            f"{prop} and declare those log groups",
            f"Properties.{prop}",
        )
    identifier = str(r.literal(raw, prop)).lower()  # RDS stores identifiers lower-cased
    missing: list[str] = []
    unsure: list[str] = []
    for log in exported:
        name = f"{_RDS_LOG_PREFIX}{kind}/{identifier}/{log}"
        groups = found.by_name.get(name, [])
        if not groups and log not in named_after_ref:
            spelt = [n for n in found.folded.get(name.lower(), []) if n != name]
            missing.append(name + (f" (not {spelt[0]}: RDS lower-cases {prop})" if spelt else ""))
            continue
        why = _why_not_first(r, name, groups, log in named_after_ref)
        if why is not None:
            unsure.append(why)
    path = "Properties.EnableCloudwatchLogsExports"
    if missing:
        yield Problem(
            f"EnableCloudwatchLogsExports publishes to {', '.join(missing)}, which the app "
            "does not declare: RDS creates such a group itself, unencrypted and keeping the "
            "logs forever, and no log-group rule judges it; declare an encrypted log group "
            "that expires under each name",
            path,
        )
    if unsure:
        raise CannotVerify(unsure[0], path)


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
    Rule(
        id="SC-RDS-13",
        title="RDS databases log every connection and disconnection",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=DATABASES,
        rationale="Exported logs (SC-RDS-11) only show sign-ins the engine writes: "
        "PostgreSQL needs log_connections and log_disconnections on (in the cluster "
        "parameter group for Aurora; an Aurora instance's own group must not turn them off), "
        "Aurora MySQL needs Advanced Auditing (server_audit_logging on, server_audit_events "
        "with CONNECT, no server_audit_incl_users list, nobody but rdsadmin excluded), RDS "
        "MySQL and MariaDB the MARIADB_AUDIT_PLUGIN option with CONNECT events. A default "
        "group logs none of them. Groups outside the app, SQL Server, Oracle and Db2 (audited "
        "inside the database) cannot be verified.",
        fix="Attach a custom (cluster) parameter group with log_connections=1 and "
        "log_disconnections=1 (PostgreSQL) or server_audit_logging=1 and "
        "server_audit_events=CONNECT,... (Aurora MySQL), or an rds.OptionGroup with "
        "MARIADB_AUDIT_PLUGIN (RDS MySQL/MariaDB); SecureDatabase does this.",
        check=_connections_logged,
        nist_800_53=("AU-2", "AU-3", "AU-12", "AC-7"),
    ),
    Rule(
        id="SC-RDS-14",
        title="RDS databases accept IAM database authentication",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=DATABASES,
        rationale="IAM authentication lets applications sign in with 15-minute tokens tied to "
        "an IAM role instead of a stored password, and IAM decides and CloudTrail records who "
        "may sign in as which user. A warning: turning it off removes that option but opens "
        "nothing (password sign-in works either way), and some clients cannot use it. Judged "
        "for PostgreSQL, MySQL and MariaDB engines (others do not support it) on the cluster "
        "for Aurora.",
        fix="Set iam_authentication=True (EnableIAMDatabaseAuthentication: true) and "
        "grant_connect(...) the applications; SecureDatabase does this.",
        check=_iam_authentication,
        fsbp=("RDS.10", "RDS.12"),
        nist_800_53=("IA-2", "IA-5", "AC-2"),
        cdk_nag=("AwsSolutions-RDS6",),
        checkov=("CKV_AWS_161", "CKV_AWS_162"),
    ),
    Rule(
        id="SC-RDS-15",
        title="RDS automated backups outlive the database",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=DATABASES,
        rationale="RDS deletes a database's automated backups, and with them point-in-time "
        "restore, together with the database unless DeleteAutomatedBackups is false; a "
        "deletion (or a replacement) then leaves at most one final snapshot. Kept, they "
        "expire on their own schedule (SC-RDS-3). Aurora instances and read replicas hold "
        "no backups of their own and are not judged.",
        fix="Set delete_automated_backups=False (DeleteAutomatedBackups: false); "
        "SecureDatabase does this.",
        check=_backups_kept_after_deletion,
        nist_800_53=("CP-9", "CP-10"),
    ),
    Rule(
        id="SC-RDS-16",
        title="Database master passwords are generated long and from every character class",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=SECRET,
        rationale="Applies to secrets a DB uses as master password (as SC-RDS-9). The "
        "password Secrets Manager generates is as strong as GenerateSecretString allows: at "
        "least Thresholds.min_generated_password_length characters (Secrets Manager's default "
        "is 32), and no class (upper case, lower case, digits, punctuation) dropped by an "
        "Exclude* flag or by ExcludeCharacters. A hosted rotation's ExcludeCharacters is "
        "held to the same classes. A master secret that is not generated cannot be "
        "verified. Other generated secrets (tokens with formats of their own) are not judged.",
        fix="Use rds.Credentials.from_generated_secret(...) (30 characters, every class) or "
        "a secretsmanager.Secret with generate_secret_string=SecretStringGenerator("
        "password_length=32) and exclude only single characters, never a whole class.",
        check=_generated_password,
        nist_800_53=("IA-5(1)",),
    ),
    Rule(
        id="SC-RDS-17",
        title="Database master secrets are retained when removed from the stack",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=SECRET,
        rationale="CloudFormation deletes a secret at once, without Secrets Manager's "
        "recovery window: with a DeletionPolicy or UpdateReplacePolicy of Delete, removing "
        "or replacing it loses the password of a database (and of its final snapshot) that "
        "outlives it. Applies to secrets a DB uses as master password.",
        fix="Set removal_policy=RemovalPolicy.RETAIN on the secret (for a generated one: "
        "db.node.find_child('Secret').apply_removal_policy(RemovalPolicy.RETAIN)); "
        "SecureDatabase does this.",
        check=_master_secret_retained,
        nist_800_53=("CP-9", "SI-12"),
    ),
    Rule(
        id="SC-RDS-18",
        title="Database master secrets deny their deletion in their resource policy",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=SECRET,
        rationale="Like deletion protection on the database (SC-RDS-4): a resource policy "
        "that denies secretsmanager:DeleteSecret to the account (or to everyone), without a "
        "condition, makes deleting the master secret a deliberate two-step change. CDK adds "
        "it to every secret it attaches and rotates (its policy names the "
        "SecretTargetAttachment). A conditional denial, or a policy that applies only under "
        "some conditions, does not count.",
        fix="Rotate the secret with CDK (secret.add_rotation_schedule(...) or "
        "SecureDatabase), or call secret.deny_account_root_delete(); in raw CloudFormation "
        "add an AWS::SecretsManager::ResourcePolicy with that Deny.",
        check=_master_secret_undeletable,
        nist_800_53=("AC-3", "CP-9"),
    ),
    Rule(
        id="SC-RDS-19",
        title="RDS instances use a current certificate authority",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=("AWS::RDS::DBInstance",),
        rationale="The certificate authority signs the server certificate that TLS clients "
        "verify. The yearly CAs (rds-ca-2015, rds-ca-2019) have expired: clients that "
        "verify the server reject it, and the usual workaround, connecting without "
        "verification, lets anyone on the path impersonate the database. Left unset, RDS "
        "signs new instances with rds-ca-rsa2048-g1; rds-ca-rsa2048-g1, rds-ca-rsa4096-g1 and "
        "rds-ca-ecc384-g1 are accepted (the values of checkov's Terraform check CKV_AWS_211). "
        "Aurora instances are judged one by one. A CA the guardrails do not know cannot be "
        "verified.",
        fix="Leave ca_certificate unset, or set ca_certificate=rds.CaCertificate."
        "RDS_CA_RSA2048_G1 (or RDS_CA_RSA4096_G1, RDS_CA_ECC384_G1) on rds.DatabaseInstance "
        "and on each rds.ClusterInstance; SecureDatabase does this.",
        check=_certificate_authority,
        nist_800_53=("SC-8", "SC-17", "SC-23"),
    ),
    Rule(
        id="SC-RDS-20",
        title="RDS log exports go to log groups declared in the app",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=DATABASES,
        rationale="Each exported log goes to /aws/rds/instance/<identifier>/<log type> "
        "(/aws/rds/cluster/... for clusters). Unless the app declares that log group, RDS "
        "creates it on the first export without encryption and keeping the logs forever, "
        "where the log-group rules (SC-LOGS-1 encryption, SC-LOGS-2 retention) never see "
        "it. The group must exist before the database: a generated identifier (no "
        "DBInstanceIdentifier / DBClusterIdentifier), a group named after the database's "
        "Ref or depending on it, or a group with a Condition cannot be verified. Aurora "
        "instances are judged through their cluster.",
        fix="Set instance_identifier / cluster_identifier and create a logs.LogGroup with "
        'log_group_name=f"/aws/rds/instance/{identifier}/{log_type}" (cluster: '
        "/aws/rds/cluster/...), an encryption_key and a retention, for each of "
        "cloudwatch_logs_exports, and make the database depend on it "
        "(db.node.add_dependency(group)); SecureDatabase does this.",
        check=_log_groups_declared,
        nist_800_53=("AU-9", "AU-11"),
    ),
)
