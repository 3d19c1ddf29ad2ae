"""SC-DDB-1..4 on tables built from L2s (Table, TableV2), raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Ddb`` (in eu-west-1, so TableV2 may have a
replica in us-west-2) holds one table per case (construct id = case name), stack
``DdbKeys`` a key that ``Ddb`` uses through a cross-stack reference. Every case is the
secure table with one thing changed, so each expects the findings of one rule.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms

from aspects import Severity

from ._helpers import (
    CANNOT_VERIFY,
    NON_COMPLIANT,
    Checked,
    Switch,
    cfn,
    check_app,
    findings_at,
    ids,
    outcomes,
)

ENV = cdk.Environment(account="123456789012", region="eu-west-1")
LITERAL_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
REPLICA_KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PK = dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)
PITR_ON = dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True)
PITR = "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"


def _build(stack: cdk.Stack, foreign_key: kms.IKey) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def table(construct_id: str, **overrides: Any) -> dynamodb.Table:
        props: dict[str, Any] = {
            "partition_key": PK,
            "encryption": dynamodb.TableEncryption.CUSTOMER_MANAGED,
            "encryption_key": key,
            "point_in_time_recovery_specification": PITR_ON,
            "deletion_protection": True,
        }
        props.update(overrides)
        return dynamodb.Table(stack, construct_id, **props)

    def table_v2(construct_id: str, **overrides: Any) -> dynamodb.TableV2:
        props: dict[str, Any] = {
            "partition_key": PK,
            "encryption": dynamodb.TableEncryptionV2.customer_managed_key(
                key, replica_key_arns={"us-west-2": REPLICA_KEY_ARN}
            ),
            "point_in_time_recovery_specification": PITR_ON,
            "deletion_protection": True,
            "replicas": [dynamodb.ReplicaTableProps(region="us-west-2")],
        }
        props.update(overrides)
        return dynamodb.TableV2(stack, construct_id, **props)

    def l1(construct_id: str, **overrides: Any) -> dynamodb.CfnTable:
        props: dict[str, Any] = {
            "key_schema": [{"attributeName": "pk", "keyType": "HASH"}],
            "attribute_definitions": [{"attributeName": "pk", "attributeType": "S"}],
            "billing_mode": "PAY_PER_REQUEST",
            "sse_specification": {
                "sseEnabled": True,
                "sseType": "KMS",
                "kmsMasterKeyId": key.key_arn,
            },
            "point_in_time_recovery_specification": {"pointInTimeRecoveryEnabled": True},
            "deletion_protection_enabled": True,
        }
        retained = overrides.pop("retained", True)
        props.update(overrides)
        resource = dynamodb.CfnTable(stack, construct_id, **props)
        if retained:
            resource.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        return resource

    def l1_global(construct_id: str, replica: dict[str, Any]) -> dynamodb.CfnGlobalTable:
        secure: dict[str, Any] = {
            "region": "eu-west-1",
            "sseSpecification": {"kmsMasterKeyId": key.key_arn},
            "pointInTimeRecoverySpecification": {"pointInTimeRecoveryEnabled": True},
            "deletionProtectionEnabled": True,
        }
        secure.update(replica)
        resource = dynamodb.CfnGlobalTable(
            stack,
            construct_id,
            key_schema=[{"attributeName": "pk", "keyType": "HASH"}],
            attribute_definitions=[{"attributeName": "pk", "attributeType": "S"}],
            billing_mode="PAY_PER_REQUEST",
            sse_specification={"sseEnabled": True, "sseType": "KMS"},
            replicas=[secure],
        )
        resource.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        return resource

    # Compliant references.
    table("Secure")
    table_v2("SecureV2")
    l1("L1Secure")
    l1_global("L1SecureGlobal", {})
    table("ForeignKey", encryption_key=foreign_key)
    l1(
        "LiteralKey",
        sse_specification={"sseEnabled": True, "sseType": "KMS", "kmsMasterKeyId": LITERAL_KEY_ARN},
    )
    cfn(table("IfTwoKeys")).add_property_override(
        "SSESpecification.KMSMasterKeyId", switch.pick(key.key_arn, other_key.key_arn)
    )

    # SC-DDB-1 customer-managed key.
    table("DefaultEncryption", encryption=None, encryption_key=None)
    table("AwsManaged", encryption=dynamodb.TableEncryption.AWS_MANAGED, encryption_key=None)
    table("AwsOwned", encryption=dynamodb.TableEncryption.DEFAULT, encryption_key=None)
    table_v2("V2AwsOwned", encryption=None)
    table_v2("V2AwsManaged", encryption=dynamodb.TableEncryptionV2.aws_managed_key())
    cfn(table_v2("V2ReplicaAwsManaged")).add_property_override(
        "Replicas.0.SSESpecification.KMSMasterKeyId", "alias/aws/dynamodb"
    )
    cfn(table_v2("V2ReplicaParamKey")).add_property_override(
        "Replicas.0.SSESpecification.KMSMasterKeyId", setting
    )
    l1("L1NoSse", sse_specification=None)
    l1_global("L1GlobalNoReplicaKey", {"sseSpecification": None})
    cfn(table("EscSseDisabled")).add_property_override("SSESpecification.SSEEnabled", False)
    cfn(table("EscKeyRemoved")).add_property_deletion_override("SSESpecification.KMSMasterKeyId")
    cfn(table("EscSseRemoved")).add_property_deletion_override("SSESpecification")
    cfn(table("ParamKey")).add_property_override("SSESpecification.KMSMasterKeyId", setting)
    cfn(table("ParamSseEnabled")).add_property_override("SSESpecification.SSEEnabled", setting)
    cfn(table("IfKey")).add_property_override(
        "SSESpecification.KMSMasterKeyId", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )
    cfn(table("IfAwsManagedKey")).add_property_override(
        "SSESpecification.KMSMasterKeyId", switch.pick(key.key_arn, "alias/aws/dynamodb")
    )

    # SC-DDB-2 point-in-time recovery.
    table("NoPitr", point_in_time_recovery_specification=None)
    table_v2("V2NoPitr", point_in_time_recovery_specification=None)
    table_v2(
        "V2ReplicaNoPitr",
        replicas=[
            dynamodb.ReplicaTableProps(
                region="us-west-2",
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=False
                ),
            )
        ],
    )
    l1("L1NoPitr", point_in_time_recovery_specification=None)
    cfn(table("EscPitrOff")).add_property_override(PITR, False)
    cfn(table("ParamPitr")).add_property_override(PITR, setting)
    cfn(table("IfPitr")).add_property_override(PITR, switch.pick(True, False))
    table(
        "ShortRecovery",
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True, recovery_period_in_days=3
        ),
    )
    table(
        "WeekRecovery",
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True, recovery_period_in_days=7
        ),
    )

    # SC-DDB-3 deletion protection.
    table("NoDeletionProtection", deletion_protection=None)
    table_v2("V2NoDeletionProtection", deletion_protection=None)
    l1("L1NoDeletionProtection", deletion_protection_enabled=None)
    l1_global("L1GlobalNoDeletionProtection", {"deletionProtectionEnabled": False})
    cfn(table("EscDeletionProtectionOff")).add_property_override("DeletionProtectionEnabled", False)
    cfn(table("ParamDeletionProtection")).add_property_override(
        "DeletionProtectionEnabled", setting
    )

    # SC-DDB-4 retained when removed from the stack.
    table("Destroyed", removal_policy=cdk.RemovalPolicy.DESTROY)
    table_v2("V2Destroyed", removal_policy=cdk.RemovalPolicy.DESTROY)
    l1("L1NoRemovalPolicy", retained=False)
    cfn(table("EscReplaceDeletes")).add_override("UpdateReplacePolicy", "Delete")

    # Fail closed on a global table whose replicas are an expression.
    replicas = cdk.CfnParameter(stack, "ReplicasParam", type="String", default="x")
    cfn(table_v2("V2ParamReplicas")).add_property_override("Replicas", replicas.value_as_string)


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    keys = cdk.Stack(app, "DdbKeys", env=ENV)
    _build(cdk.Stack(app, "Ddb", env=ENV), kms.Key(keys, "SharedKey", enable_key_rotation=True))
    return check_app(app)


def at(name: str) -> str:
    return f"Ddb/{name}"


def paths(ev: Checked, name: str, rule_id: str) -> set[str]:
    return {f.property_path for f in findings_at(ev, at(name)) if f.rule.id == rule_id}


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "SecureV2",
        "L1Secure",
        "L1SecureGlobal",
        "ForeignKey",
        "LiteralKey",
        "IfTwoKeys",
        "WeekRecovery",
    ],
)
def test_hardened_table_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


def test_keys_of_the_app_have_no_finding(ev: Checked) -> None:
    assert ids(ev, at("Key")) | ids(ev, at("OtherKey")) | ids(ev, "DdbKeys") == set()


# -- SC-DDB-1 customer-managed key -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("DefaultEncryption", "Properties.SSESpecification"),
        ("EscSseRemoved", "Properties.SSESpecification"),
        ("L1NoSse", "Properties.SSESpecification"),
        ("AwsOwned", "Properties.SSESpecification.SSEEnabled"),
        ("EscSseDisabled", "Properties.SSESpecification.SSEEnabled"),
        ("AwsManaged", "Properties.SSESpecification.KMSMasterKeyId"),
        ("EscKeyRemoved", "Properties.SSESpecification.KMSMasterKeyId"),
        ("V2AwsOwned", "Properties.SSESpecification"),
    ],
)
def test_table_without_customer_key_is_flagged(ev: Checked, name: str, path: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-DDB-1", NON_COMPLIANT)}
    assert paths(ev, name, "SC-DDB-1") == {path}


def test_aws_managed_key_is_named_in_the_message(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("AwsManaged"))
    assert "alias/aws/dynamodb" in finding.message
    assert finding.rule.severity is Severity.ERROR


def test_global_table_with_aws_managed_key_is_flagged_on_every_replica(ev: Checked) -> None:
    assert outcomes(ev, at("V2AwsManaged")) == {("SC-DDB-1", NON_COMPLIANT)}
    assert paths(ev, "V2AwsManaged", "SC-DDB-1") == {
        "Properties.Replicas[0].SSESpecification.KMSMasterKeyId",
        "Properties.Replicas[1].SSESpecification.KMSMasterKeyId",
    }


def test_one_replica_with_an_aws_managed_key_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("V2ReplicaAwsManaged")) == {("SC-DDB-1", NON_COMPLIANT)}
    (finding,) = findings_at(ev, at("V2ReplicaAwsManaged"))
    assert finding.property_path == "Properties.Replicas[0].SSESpecification.KMSMasterKeyId"
    assert finding.message.startswith("the replica in us-west-2: Replicas[0].")


def test_l1_global_table_replica_without_key_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("L1GlobalNoReplicaKey")) == {("SC-DDB-1", NON_COMPLIANT)}


@pytest.mark.parametrize(
    "name", ["ParamKey", "ParamSseEnabled", "IfKey", "IfAwsManagedKey", "V2ReplicaParamKey"]
)
def test_key_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-DDB-1", CANNOT_VERIFY)}


# -- SC-DDB-2 point-in-time recovery ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("NoPitr", f"Properties.{PITR}"),
        ("L1NoPitr", f"Properties.{PITR}"),
        ("EscPitrOff", f"Properties.{PITR}"),
        ("ShortRecovery", "Properties.PointInTimeRecoverySpecification.RecoveryPeriodInDays"),
        ("V2ReplicaNoPitr", f"Properties.Replicas[0].{PITR}"),
    ],
)
def test_table_without_point_in_time_recovery_is_flagged(ev: Checked, name: str, path: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-DDB-2", NON_COMPLIANT)}
    assert paths(ev, name, "SC-DDB-2") == {path}


def test_global_table_without_point_in_time_recovery_is_flagged_per_replica(
    ev: Checked,
) -> None:
    assert outcomes(ev, at("V2NoPitr")) == {("SC-DDB-2", NON_COMPLIANT)}
    assert paths(ev, "V2NoPitr", "SC-DDB-2") == {
        f"Properties.Replicas[0].{PITR}",
        f"Properties.Replicas[1].{PITR}",
    }


def test_short_recovery_period_names_the_threshold(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("ShortRecovery"))
    assert "is 3" in finding.message
    assert "at least 7 days" in finding.message


@pytest.mark.parametrize("name", ["ParamPitr", "IfPitr"])
def test_point_in_time_recovery_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-DDB-2", CANNOT_VERIFY)}


# -- SC-DDB-3 deletion protection --------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "NoDeletionProtection",
        "V2NoDeletionProtection",
        "L1NoDeletionProtection",
        "L1GlobalNoDeletionProtection",
        "EscDeletionProtectionOff",
    ],
)
def test_table_without_deletion_protection_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-DDB-3", NON_COMPLIANT)}
    assert all(f.rule.severity is Severity.WARNING for f in findings_at(ev, at(name)))


def test_deletion_protection_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamDeletionProtection")) == {("SC-DDB-3", CANNOT_VERIFY)}


# -- SC-DDB-4 retained -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Destroyed", "V2Destroyed"])
def test_table_destroyed_with_the_stack_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-DDB-4", NON_COMPLIANT)}
    # Both attributes are Delete: one finding that names both, located at the first.
    assert paths(ev, name, "SC-DDB-4") == {"DeletionPolicy"}


def test_l1_table_without_removal_policy_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("L1NoRemovalPolicy")) == {("SC-DDB-4", NON_COMPLIANT)}


def test_replacement_that_deletes_is_flagged(ev: Checked) -> None:
    assert paths(ev, "EscReplaceDeletes", "SC-DDB-4") == {"UpdateReplacePolicy"}


# -- fail closed -------------------------------------------------------------------------


def test_replicas_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("V2ParamReplicas")) == {
        ("SC-DDB-1", CANNOT_VERIFY),
        ("SC-DDB-2", CANNOT_VERIFY),
        ("SC-DDB-3", CANNOT_VERIFY),
        # the replicas' resource policies are unknown too (SC-POLICY-1)
        ("SC-POLICY-1", CANNOT_VERIFY),
    }
