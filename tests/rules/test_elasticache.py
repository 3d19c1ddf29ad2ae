"""SC-CACHE-1..5 on replication groups, cache clusters and serverless caches.

ElastiCache has no L2 in aws-cdk-lib: cases are built from the L1s (``CfnReplicationGroup``,
``CfnCacheCluster``, ``CfnServerlessCache``), escape hatches and tokens. One app is
synthesized for the module: stack ``Cache`` holds one cache per case (construct id = case
name). Only the ``SC-CACHE-*`` findings are compared.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager

from aspects.model import Finding, Status
from aspects.settings import Thresholds
from aspects.testing import check

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, check_app, findings_at

AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/elasticache"
LITERAL_TOKEN = "correct-horse-battery-staple-42"  # noqa: S105 - the case under test


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    days = cdk.CfnParameter(stack, "Days", type="Number", default=7).value_as_number
    token_parameter = cdk.CfnParameter(stack, "Token", no_echo=True, default="x" * 16)
    switch = Switch(stack)
    token = secretsmanager.Secret(
        stack,
        "TokenSecret",
        generate_secret_string=secretsmanager.SecretStringGenerator(
            password_length=64, exclude_punctuation=True
        ),
    )
    user = elasticache.CfnUser(
        stack,
        "AppUser",
        engine="valkey",
        user_id="app-user",
        user_name="app-user",
        access_string="on ~* +@all",
        authentication_mode={"Type": "iam"},
    )
    users = elasticache.CfnUserGroup(
        stack, "Users", engine="valkey", user_group_id="app-users", user_ids=[user.ref]
    )

    def rg(construct_id: str, **overrides: Any) -> elasticache.CfnReplicationGroup:
        props: dict[str, Any] = {
            "replication_group_description": construct_id,
            "engine": "valkey",
            "cache_node_type": "cache.t4g.micro",
            "num_cache_clusters": 2,
            "at_rest_encryption_enabled": True,
            "kms_key_id": key.key_arn,
            "transit_encryption_enabled": True,
            "auth_token": token.secret_value.unsafe_unwrap(),
            "snapshot_retention_limit": 7,
        }
        props.update(overrides)
        return elasticache.CfnReplicationGroup(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    def serverless(construct_id: str, **overrides: Any) -> elasticache.CfnServerlessCache:
        props: dict[str, Any] = {
            "serverless_cache_name": construct_id.lower(),
            "engine": "valkey",
            "kms_key_id": key.key_arn,
            "user_group_id": users.ref,
            "snapshot_retention_limit": 7,
        }
        props.update(overrides)
        return elasticache.CfnServerlessCache(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    def cluster(construct_id: str, **overrides: Any) -> elasticache.CfnCacheCluster:
        props: dict[str, Any] = {
            "engine": "memcached",
            "cache_node_type": "cache.t4g.micro",
            "num_cache_nodes": 1,
            "transit_encryption_enabled": True,
        }
        props.update(overrides)
        return elasticache.CfnCacheCluster(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    # Compliant references.
    rg("Secure")
    rg("SecureRbac", auth_token=None, user_group_ids=[users.ref])
    rg("SecureRedisDefaultEngine", engine=None)
    rg("SecureSsmSecureToken", auth_token="{{resolve:ssm-secure:/cache/token:1}}")  # noqa: S106
    rg(
        "SecureSecretByName",
        auth_token=cdk.SecretValue.secrets_manager("cache-token").unsafe_unwrap(),
    )
    rg("SecureModeRequired", transit_encryption_mode="required")
    rg("IfTwoKeys").add_property_override("KmsKeyId", switch.pick(key.key_arn, other_key.key_arn))
    serverless("SecureServerless")
    serverless("SecureServerlessMemcached", engine="memcached", user_group_id=None)

    # SC-CACHE-1 encryption at rest.
    rg("NoAtRest", at_rest_encryption_enabled=False, kms_key_id=None)
    rg("DefaultKey", kms_key_id=None)
    rg("AwsManagedKey", kms_key_id=AWS_MANAGED_ALIAS_ARN)
    rg("EscNoAtRest").add_property_deletion_override("AtRestEncryptionEnabled")
    rg("ParamAtRest").add_property_override("AtRestEncryptionEnabled", setting)
    rg("IfKey").add_property_override("KmsKeyId", switch.pick(key.key_arn, cdk.Aws.NO_VALUE))
    serverless("ServerlessNoKey", kms_key_id=None)
    cluster("Memcached")
    cluster("StandaloneRedis", engine="redis", transit_encryption_enabled=None)
    cluster("ParamEngine", engine=setting)

    # SC-CACHE-2 the AUTH token.
    rg("LiteralToken", auth_token=LITERAL_TOKEN)
    rg("EscLiteralToken").add_property_override("AuthToken", LITERAL_TOKEN)
    rg("PlainSsmToken", auth_token="{{resolve:ssm:/cache/token}}")  # noqa: S106
    rg("ParamToken", auth_token=token_parameter.value_as_string)
    rg("IfToken").add_property_override(
        "AuthToken", switch.pick(token.secret_value.unsafe_unwrap(), LITERAL_TOKEN)
    )

    # SC-CACHE-3 automatic snapshots.
    rg("NoSnapshots", snapshot_retention_limit=None)
    rg("OneDaySnapshots", snapshot_retention_limit=1)
    rg("EscSnapshotsOff").add_property_override("SnapshotRetentionLimit", 0)
    rg("ParamSnapshots", snapshot_retention_limit=days)
    rg("IfSnapshots").add_property_override("SnapshotRetentionLimit", switch.pick(7, 0))
    rg("IfSnapshotsBoth").add_property_override("SnapshotRetentionLimit", switch.pick(7, 14))
    serverless("ServerlessNoSnapshots", snapshot_retention_limit=None)

    # SC-CACHE-4 encryption in transit.
    rg("NoTls", transit_encryption_enabled=False)
    rg("Preferred", transit_encryption_mode="preferred")
    rg("EscNoTls").add_property_deletion_override("TransitEncryptionEnabled")
    rg("EscPreferred").add_property_override("TransitEncryptionMode", "preferred")
    rg("ParamMode", transit_encryption_mode=setting)
    rg("IfTls").add_property_override("TransitEncryptionEnabled", switch.pick(True, False))
    cluster("MemcachedNoTls", transit_encryption_enabled=False)

    # SC-CACHE-5 authentication.
    rg("NoAuth", auth_token=None)
    rg("EscNoAuth").add_property_deletion_override("AuthToken")
    rg("IfAuth", auth_token=None).add_property_override(
        "UserGroupIds", switch.pick([users.ref], cdk.Aws.NO_VALUE)
    )
    rg("ParamEngineGroup", engine=setting, auth_token=None)
    serverless("ServerlessNoUsers", user_group_id=None)


@pytest.fixture(scope="module")
def ev() -> Checked:
    # CDK's own CloudFormation schema validation is not under test and triples synthesis time.
    app = cdk.App(builtin_cloud_formation_validation=False)
    _build(cdk.Stack(app, "Cache"))
    return check_app(app)


def at(name: str) -> str:
    return f"Cache/{name}"


def mine(ev: Checked, name: str) -> list[Finding]:
    return [f for f in findings_at(ev, at(name)) if f.rule.id.startswith("SC-CACHE-")]


def outcomes(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {(f.rule.id, f.status) for f in mine(ev, name)}


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "SecureRbac",
        "SecureRedisDefaultEngine",
        "SecureSsmSecureToken",
        "SecureSecretByName",
        "SecureModeRequired",
        "IfTwoKeys",
        "SecureServerless",
        "SecureServerlessMemcached",
        "IfSnapshotsBoth",
    ],
)
def test_hardened_cache_has_no_finding(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == set()


# -- SC-CACHE-1 encryption at rest -----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["NoAtRest", "DefaultKey", "AwsManagedKey", "EscNoAtRest", "ServerlessNoKey"]
)
def test_cache_without_customer_key_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-CACHE-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamAtRest", "IfKey"])
def test_encryption_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-CACHE-1", CANNOT_VERIFY)}


def test_memcached_cluster_is_flagged_for_at_rest_only(ev: Checked) -> None:
    (finding,) = mine(ev, "Memcached")
    assert (finding.rule.id, finding.status) == ("SC-CACHE-1", NON_COMPLIANT)
    assert "ServerlessCache" in finding.message


def test_standalone_redis_cluster_is_sent_to_a_replication_group(ev: Checked) -> None:
    findings = mine(ev, "StandaloneRedis")
    assert {(f.rule.id, f.status) for f in findings} == {
        ("SC-CACHE-1", NON_COMPLIANT),
        ("SC-CACHE-3", NON_COMPLIANT),
        ("SC-CACHE-4", NON_COMPLIANT),
        ("SC-CACHE-5", NON_COMPLIANT),
    }
    assert all("ReplicationGroup" in f.message for f in findings if f.rule.id != "SC-CACHE-3")


def test_cluster_engine_from_parameter(ev: Checked) -> None:
    # No cache cluster encrypts at rest whatever the engine; TLS is on; whether snapshots
    # and AUTH apply depends on the engine.
    assert outcomes(ev, "ParamEngine") == {
        ("SC-CACHE-1", NON_COMPLIANT),
        ("SC-CACHE-3", CANNOT_VERIFY),
        ("SC-CACHE-5", CANNOT_VERIFY),
    }


# -- SC-CACHE-2 the AUTH token ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["LiteralToken", "EscLiteralToken", "PlainSsmToken"])
def test_token_in_plaintext_is_flagged(ev: Checked, name: str) -> None:
    (finding,) = mine(ev, name)
    assert (finding.rule.id, finding.status) == ("SC-CACHE-2", NON_COMPLIANT)
    assert finding.property_path == "Properties.AuthToken"
    assert LITERAL_TOKEN not in finding.message


@pytest.mark.parametrize("name", ["ParamToken", "IfToken"])
def test_token_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-CACHE-2", CANNOT_VERIFY)}


# -- SC-CACHE-3 automatic snapshots ----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["NoSnapshots", "OneDaySnapshots", "EscSnapshotsOff", "ServerlessNoSnapshots"]
)
def test_cache_without_enough_snapshots_is_flagged(ev: Checked, name: str) -> None:
    (finding,) = mine(ev, name)
    assert (finding.rule.id, finding.status) == ("SC-CACHE-3", NON_COMPLIANT)
    assert "at least 7 days" in finding.message
    assert finding.property_path == "Properties.SnapshotRetentionLimit"


@pytest.mark.parametrize("name", ["ParamSnapshots", "IfSnapshots"])
def test_snapshots_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-CACHE-3", CANNOT_VERIFY)}


def test_snapshot_finding_is_a_warning(ev: Checked) -> None:
    (finding,) = mine(ev, "NoSnapshots")
    assert not finding.blocks_synthesis


def test_tighter_thresholds_raise_the_snapshot_minimum() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Tight")
    for name, kept in (("Week", 7), ("Month", 30)):
        elasticache.CfnServerlessCache(
            stack,
            name,
            serverless_cache_name=name.lower(),
            engine="memcached",
            snapshot_retention_limit=kept,
        )
    evaluation = check(app, settings=Thresholds(backup_retention_days=14))
    assert {
        (f.rule.id, f.construct_path) for f in evaluation.findings if f.rule.id == "SC-CACHE-3"
    } == {("SC-CACHE-3", "Tight/Week")}


# -- SC-CACHE-4 encryption in transit --------------------------------------------------------


@pytest.mark.parametrize("name", ["NoTls", "Preferred", "EscNoTls", "EscPreferred"])
def test_cache_accepting_plaintext_connections_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-CACHE-4", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamMode", "IfTls"])
def test_tls_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-CACHE-4", CANNOT_VERIFY)}


def test_memcached_cluster_without_tls_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, "MemcachedNoTls") == {
        ("SC-CACHE-1", NON_COMPLIANT),
        ("SC-CACHE-4", NON_COMPLIANT),
    }


# -- SC-CACHE-5 authentication ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["NoAuth", "EscNoAuth", "ServerlessNoUsers"])
def test_cache_without_authentication_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-CACHE-5", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["IfAuth", "ParamEngineGroup"])
def test_authentication_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, name) == {("SC-CACHE-5", CANNOT_VERIFY)}
