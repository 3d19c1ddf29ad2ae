"""SC-SECRETS-1..2 on secrets built from L2s, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Secrets`` holds one secret per case
(construct id = case name), stack ``SecretsKeys`` a key used through a cross-stack reference.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager

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

LITERAL_KEY_ARN = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
FAKE_ACCESS_KEY_ID = "AKIA" + "ABCDEFGHIJKLMNOP"  # split so no scanner flags this file
PLAIN = "hunter2-longer"  # the deliberately leaked value of the SC-SECRETS-2 cases


def _build(stack: cdk.Stack, foreign_key: kms.IKey) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    password = cdk.CfnParameter(stack, "Password", no_echo=True).value_as_string
    switch = Switch(stack)

    def secret(construct_id: str, **overrides: Any) -> secretsmanager.Secret:
        props: dict[str, Any] = {"encryption_key": key}
        props.update(overrides)
        return secretsmanager.Secret(stack, construct_id, **props)

    def l1(construct_id: str, **overrides: Any) -> secretsmanager.CfnSecret:
        props: dict[str, Any] = {
            "kms_key_id": key.key_arn,
            "generate_secret_string": secretsmanager.CfnSecret.GenerateSecretStringProperty(
                password_length=32
            ),
        }
        props.update(overrides)
        return secretsmanager.CfnSecret(stack, construct_id, **props)

    # Compliant references.
    secret("Secure")
    l1("L1Secure")
    secret("ForeignKey", encryption_key=foreign_key)
    secret(
        "ReplicaWithKey",
        replica_regions=[
            secretsmanager.ReplicaRegion(
                region="eu-central-1",
                encryption_key=kms.Key.from_key_arn(stack, "ReplicaKey", LITERAL_KEY_ARN),
            )
        ],
    )
    l1("FromNoEchoParameter", generate_secret_string=None, secret_string=password)
    other = secret("Other")
    secret(
        "JsonWithReferences",
        secret_object_value={
            "username": cdk.SecretValue.unsafe_plain_text("app"),
            "password": other.secret_value,
        },
    )

    # SC-SECRETS-1 encryption.
    secret("DefaultKey", encryption_key=None)
    l1("L1AwsManagedKey", kms_key_id="alias/aws/secretsmanager")
    cfn(secret("EscNoKey")).add_property_deletion_override("KmsKeyId")
    cfn(secret("ParamKey")).add_property_override("KmsKeyId", setting)
    cfn(secret("IfKey")).add_property_override(
        "KmsKeyId", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )
    cfn(secret("IfTwoKeys")).add_property_override(
        "KmsKeyId", switch.pick(key.key_arn, other_key.key_arn)
    )
    secret("ReplicaWithoutKey", replica_regions=[secretsmanager.ReplicaRegion(region="us-east-1")])

    # SC-SECRETS-2 no value in the template.
    secret("PlainValue", secret_string_value=cdk.SecretValue.unsafe_plain_text(PLAIN))
    l1("L1PlainValue", generate_secret_string=None, secret_string=PLAIN)
    cfn(secret("EscPlainValue")).add_property_override("SecretString", PLAIN)
    secret(
        "JsonWithAccessKey",
        secret_object_value={
            "id": cdk.SecretValue.unsafe_plain_text(FAKE_ACCESS_KEY_ID),
            "secret": other.secret_value,
        },
    )
    cfn(secret("IfPlainValue")).add_property_override("SecretString", switch.pick(password, PLAIN))
    cfn(secret("IfValueBoth")).add_property_override(
        "SecretString", switch.pick(password, other.secret_value.unsafe_unwrap())
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    keys = cdk.Stack(app, "SecretsKeys")
    _build(cdk.Stack(app, "Secrets"), kms.Key(keys, "SharedKey", enable_key_rotation=True))
    return check_app(app)


def at(name: str) -> str:
    return f"Secrets/{name}"


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "L1Secure",
        "ForeignKey",
        "ReplicaWithKey",
        "FromNoEchoParameter",
        "JsonWithReferences",
    ],
)
def test_hardened_secret_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


# -- SC-SECRETS-1 encryption ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["DefaultKey", "L1AwsManagedKey", "ReplicaWithoutKey"])
def test_secret_without_customer_managed_key_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-SECRETS-1"}


def test_replica_message_names_the_region(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("ReplicaWithoutKey"))
    assert "ReplicaRegions[0].KmsKeyId" in finding.message
    assert "us-east-1" in finding.message


def test_key_removed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscNoKey")) == {("SC-SECRETS-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamKey", "IfKey"])
def test_key_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SECRETS-1", CANNOT_VERIFY)}


def test_two_keys_of_the_app_are_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfTwoKeys")) == set()


# -- SC-SECRETS-2 no value in the template ---------------------------------------------------


@pytest.mark.parametrize("name", ["PlainValue", "L1PlainValue", "JsonWithAccessKey"])
def test_secret_value_written_in_the_template_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-SECRETS-2"}


def test_plain_value_added_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscPlainValue")) == {("SC-SECRETS-2", NON_COMPLIANT)}
    (finding,) = findings_at(ev, at("EscPlainValue"))
    assert "hunter2" not in finding.message


def test_plain_value_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfPlainValue")) == {("SC-SECRETS-2", CANNOT_VERIFY)}


def test_parameter_or_dynamic_reference_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfValueBoth")) == set()
