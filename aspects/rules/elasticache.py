"""Amazon ElastiCache guardrails: encryption at rest and in transit, authentication, backups.

Which resource can do what (CloudFormation):

* ``AWS::ElastiCache::ReplicationGroup`` (Valkey or Redis OSS; ``Engine`` defaults to
  ``redis``) is the only node-based form that can encrypt at rest (``AtRestEncryptionEnabled``
  + ``KmsKeyId``), in transit (``TransitEncryptionEnabled``, ``TransitEncryptionMode``) and
  authenticate clients (``AuthToken`` or RBAC ``UserGroupIds``). Every flag defaults to off.
* ``AWS::ElastiCache::CacheCluster`` cannot encrypt at rest with any engine, has no
  ``AuthToken``, and accepts ``TransitEncryptionEnabled`` only for Memcached (1.6.12+). A
  Valkey/Redis cache cluster is therefore reported with the advice to use a one-node
  replication group; a Memcached cluster is reported honestly for at-rest encryption (use
  ElastiCache Serverless, which encrypts Memcached at rest, or acknowledge with a reason).
* ``AWS::ElastiCache::ServerlessCache`` always encrypts at rest (an AWS owned key unless
  ``KmsKeyId``) and always requires TLS; Valkey/Redis serverless caches authenticate only
  with an RBAC ``UserGroupId``.

Engines are compared lower-cased; an engine from a parameter makes the engine-dependent
parts *cannot verify*.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._blocks import must_be_true
from aspects.rules._common import flatten, kms_key_problems
from aspects.values import intrinsic_name

REPLICATION_GROUP = "AWS::ElastiCache::ReplicationGroup"
CACHE_CLUSTER = "AWS::ElastiCache::CacheCluster"
SERVERLESS_CACHE = "AWS::ElastiCache::ServerlessCache"
CACHES = (REPLICATION_GROUP, CACHE_CLUSTER, SERVERLESS_CACHE)

#: Engines that keep data with AUTH/RBAC and snapshots (Memcached has neither on nodes).
KEY_VALUE_ENGINES = frozenset({"redis", "valkey"})
#: Dynamic references CloudFormation resolves without the secret entering the template.
SECRET_REFERENCES = ("{{resolve:secretsmanager:", "{{resolve:ssm-secure:")


def _shown(value: Any) -> str:
    """A property value as the template spells it (``false``, not ``False``)."""
    if value is None:
        return "not set"
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _engine(r: ResourceView) -> str:
    """The engine, lower-cased; a replication group without one runs ``redis``."""
    raw = r.props.get("Engine")
    if raw is None:
        return "redis" if r.type == REPLICATION_GROUP else ""
    return str(r.literal(raw, "Engine")).lower()


def _literal_engine(r: ResourceView) -> str | None:
    """The engine when it is a literal (or absent), else None: for messages only."""
    raw = r.props.get("Engine")
    return _engine(r) if intrinsic_name(raw) is None else None


def _engine_shown(r: ResourceView) -> str:
    """``Engine is 'redis'`` / ``Engine is not set`` / ``Engine comes from an expression``."""
    engine = _literal_engine(r)
    if engine is None:
        return "Engine comes from an expression"
    return f"Engine is {engine!r}" if engine else "Engine is not set"


_USE_A_REPLICATION_GROUP = (
    "a cache cluster cannot {what}; use an AWS::ElastiCache::ReplicationGroup (one node "
    "is enough: num_cache_clusters=1)"
)


# -- SC-CACHE-1 encryption at rest -------------------------------------------------------------


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    if r.type == CACHE_CLUSTER:
        engine = _literal_engine(r)
        if engine == "memcached":
            yield Problem(
                "Engine is 'memcached': a node-based Memcached cluster cannot encrypt at "
                "rest (what it swaps to disk stays plaintext); use an "
                "AWS::ElastiCache::ServerlessCache (always encrypted, KmsKeyId for your key) "
                "or acknowledge that only non-sensitive data is cached",
                "Properties.Engine",
            )
        else:
            yield Problem(
                f"{_engine_shown(r)}: "
                + _USE_A_REPLICATION_GROUP.format(what="encrypt its data at rest")
                + " with AtRestEncryptionEnabled and KmsKeyId",
                "Properties.Engine",
            )
        return
    if r.type == SERVERLESS_CACHE:
        key = r.props.get("KmsKeyId")
        if key is None:
            yield Problem(
                "KmsKeyId is not set, so the serverless cache is encrypted with an AWS owned "
                "key that no key policy of yours controls",
                "Properties.KmsKeyId",
            )
        else:
            yield from kms_key_problems(r, key, "KmsKeyId")
        return
    enabled = r.props.get("AtRestEncryptionEnabled")
    if enabled is None or not r.bool(enabled, "AtRestEncryptionEnabled"):
        yield Problem(
            f"AtRestEncryptionEnabled is {_shown(enabled)}"
            + (" (ElastiCache defaults to false)" if enabled is None else "")
            + ": snapshots, swap and data on disk are not encrypted",
            "Properties.AtRestEncryptionEnabled",
        )
        return
    key = r.props.get("KmsKeyId")
    if key is None:
        yield Problem(
            "AtRestEncryptionEnabled is true but KmsKeyId is not set, so ElastiCache uses its "
            "default key, which no key policy of yours controls",
            "Properties.KmsKeyId",
        )
        return
    yield from kms_key_problems(r, key, "KmsKeyId")


# -- SC-CACHE-2 the AUTH token is a secret -----------------------------------------------------


def _auth_token_secret(r: ResourceView) -> Iterator[Problem]:
    value = r.props.get("AuthToken")
    if value is None:
        return
    what, path = "AuthToken", "Properties.AuthToken"
    if intrinsic_name(value) == "Ref" and value["Ref"] in r.template.parameters:
        r.literal(value, what)  # raises CannotVerify naming the parameter
    text = value if isinstance(value, str) else flatten(value)
    if text.startswith(SECRET_REFERENCES):
        return
    if text.startswith("{{resolve:"):
        yield Problem(
            f"{what} is a plain dynamic reference ({text[:30]}...): a String parameter is "
            "stored and shown unencrypted; keep the token in Secrets Manager",
            path,
        )
    elif isinstance(value, str):
        # Never repeat the value: findings are printed and stored in reports.
        yield Problem(
            f"{what} is a literal in the template: anyone who can read the template, the "
            "cloud assembly or the stack can read the cache password",
            path,
        )
    else:
        yield Problem(
            f"{what} is built from {text!r}, not a Secrets Manager dynamic reference", path
        )


# -- SC-CACHE-3 automatic backups --------------------------------------------------------------


def _backups(r: ResourceView) -> Iterator[Problem]:
    if r.type == CACHE_CLUSTER and _engine(r) not in KEY_VALUE_ENGINES:
        return  # Memcached nodes keep no snapshots: there is nothing to back up
    least = r.settings.backup_retention_days
    days = r.props.get("SnapshotRetentionLimit")
    if days is None:
        yield Problem(
            "SnapshotRetentionLimit is not set (ElastiCache defaults to 0: no automatic "
            f"snapshots); keep them at least {least} days",
            "Properties.SnapshotRetentionLimit",
        )
    elif (kept := r.int(days, "SnapshotRetentionLimit")) < least:
        yield Problem(
            f"SnapshotRetentionLimit is {kept} day(s)"
            + (" (automatic snapshots are off)" if kept == 0 else "")
            + f"; keep automatic snapshots at least {least} days",
            "Properties.SnapshotRetentionLimit",
        )


# -- SC-CACHE-4 encryption in transit ----------------------------------------------------------


def _in_transit(r: ResourceView) -> Iterator[Problem]:
    if r.type == CACHE_CLUSTER and _literal_engine(r) in KEY_VALUE_ENGINES:
        yield Problem(
            f"{_engine_shown(r)}: "
            + _USE_A_REPLICATION_GROUP.format(what="encrypt Valkey or Redis traffic")
            + " with TransitEncryptionEnabled",
            "Properties.Engine",
        )
        return
    why = "clients and replicas talk to the cache in plaintext"
    problems = list(must_be_true(r, "TransitEncryptionEnabled", why))
    yield from problems
    raw = r.props.get("TransitEncryptionMode")
    if problems or raw is None:
        return  # unset: TLS enabled at creation is 'required'
    mode = str(r.literal(raw, "TransitEncryptionMode"))
    if mode.lower() != "required":
        yield Problem(
            f"TransitEncryptionMode is {mode!r}: the cache still accepts unencrypted "
            "connections; set it to 'required' once every client uses TLS",
            "Properties.TransitEncryptionMode",
        )


# -- SC-CACHE-5 authentication -----------------------------------------------------------------


def _present(value: Any) -> bool:
    return value is not None and value not in ("", [])


def _authenticated(r: ResourceView) -> Iterator[Problem]:
    engine = _engine(r)
    if engine not in KEY_VALUE_ENGINES:
        return  # Memcached: no AUTH or RBAC on node-based clusters
    exposed = "any client the security groups let through reads and writes every key"
    if r.type == CACHE_CLUSTER:
        yield Problem(
            f"Engine is {engine!r}: "
            + _USE_A_REPLICATION_GROUP.format(what="require AUTH or RBAC")
            + f" with UserGroupIds or AuthToken; as it is, {exposed}",
            "Properties.Engine",
        )
        return
    if r.type == SERVERLESS_CACHE:
        if not _present(r.props.get("UserGroupId")):
            yield Problem(
                f"UserGroupId is not set: a serverless {engine} cache without an RBAC user "
                f"group has no access control, so {exposed}",
                "Properties.UserGroupId",
            )
        return
    if _present(r.props.get("UserGroupIds")) or _present(r.props.get("AuthToken")):
        return
    yield Problem(
        f"neither UserGroupIds (RBAC) nor AuthToken is set, so {exposed}",
        "Properties.UserGroupIds",
    )


RULES = (
    Rule(
        id="SC-CACHE-1",
        title="ElastiCache data is encrypted at rest with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=CACHES,
        rationale="Caches hold sessions, tokens and copies of database rows; their "
        "snapshots and swap live on disk. Node-based encryption at rest is off unless "
        "AtRestEncryptionEnabled is set at creation (only replication groups can), and "
        "without KmsKeyId the key is ElastiCache's, not one whose policy you control. "
        "Serverless caches are always encrypted, with an AWS owned key unless KmsKeyId.",
        fix="Use elasticache.CfnReplicationGroup with at_rest_encryption_enabled=True and "
        "kms_key_id=<a kms.Key>.key_arn, or elasticache.CfnServerlessCache with kms_key_id; "
        "a CfnCacheCluster cannot encrypt at rest.",
        check=_encrypted,
        fsbp=("ElastiCache.4",),
        nist_800_53=("SC-28", "SC-13"),
        cdk_nag=("AwsSolutions-AEC3",),
        checkov=("CKV_AWS_29",),
    ),
    Rule(
        id="SC-CACHE-2",
        title="ElastiCache AUTH tokens come from Secrets Manager, not the template",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(REPLICATION_GROUP,),
        rationale="A literal AuthToken is stored in the template, the cloud assembly and "
        "the stack, readable by anyone who can read those; a plain {{resolve:ssm:...}} "
        "parameter is stored unencrypted. A Secrets Manager (or ssm-secure) dynamic "
        "reference keeps the token out of all of them.",
        fix="Generate the token in a secretsmanager.Secret and pass "
        "auth_token=secret.secret_value.unsafe_unwrap() (a {{resolve:secretsmanager:...}} "
        "reference), or use RBAC user_group_ids instead of a token.",
        check=_auth_token_secret,
        nist_800_53=("IA-5(7)", "IA-5(1)"),
    ),
    Rule(
        id="SC-CACHE-3",
        title="ElastiCache Valkey/Redis caches keep automatic snapshots",
        pillar=Pillar.AT_REST,
        severity=Severity.WARNING,
        resource_types=CACHES,
        rationale="ElastiCache takes no automatic snapshots unless SnapshotRetentionLimit "
        "is set, so a failed node or a FLUSHALL loses everything. The minimum is "
        "Thresholds.backup_retention_days (7), as for databases. A warning, not an error: "
        "many caches hold only data that is rebuilt from its source; raise it or "
        "acknowledge it per cache. Memcached node clusters keep no snapshots and are not "
        "judged.",
        fix="Set snapshot_retention_limit to at least 7 on CfnReplicationGroup or "
        "CfnServerlessCache (and a snapshot_window / daily_snapshot_time).",
        check=_backups,
        fsbp=("ElastiCache.1",),
        nist_800_53=("CP-9", "CP-10"),
        cdk_nag=("NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup",),
    ),
    Rule(
        id="SC-CACHE-4",
        title="ElastiCache requires TLS for every connection",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(REPLICATION_GROUP, CACHE_CLUSTER),
        rationale="Without TransitEncryptionEnabled, clients and replicas exchange keys, "
        "values and AUTH passwords in plaintext; TransitEncryptionMode 'preferred' still "
        "accepts plaintext connections (it is a migration step). Valkey/Redis cache "
        "clusters cannot use TLS at all; Memcached clusters can (1.6.12+). Serverless "
        "caches always require TLS and are not judged.",
        fix="Set transit_encryption_enabled=True on CfnReplicationGroup (leave "
        "transit_encryption_mode unset or 'required'); for Memcached CfnCacheCluster set "
        "transit_encryption_enabled=True.",
        check=_in_transit,
        fsbp=("ElastiCache.5",),
        nist_800_53=("SC-8", "SC-8(1)"),
        cdk_nag=("AwsSolutions-AEC3",),
        checkov=("CKV_AWS_30",),
    ),
    Rule(
        id="SC-CACHE-5",
        title="ElastiCache Valkey/Redis caches authenticate clients (AUTH or RBAC)",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=CACHES,
        rationale="Without an AUTH token or an RBAC user group, Valkey and Redis accept "
        "every command from anyone who reaches the port: the security group is the only "
        "control. RBAC user groups give per-user passwords or IAM authentication and "
        "command limits; serverless caches support only RBAC.",
        fix="Pass user_group_ids=[<CfnUserGroup>.ref] (or auth_token from Secrets Manager, "
        "with transit_encryption_enabled=True) to CfnReplicationGroup; user_group_id on "
        "CfnServerlessCache.",
        check=_authenticated,
        fsbp=("ElastiCache.6",),
        nist_800_53=("IA-2", "AC-3"),
        cdk_nag=("AwsSolutions-AEC6",),
        checkov=("CKV_AWS_31",),
    ),
)
