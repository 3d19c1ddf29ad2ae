"""SC-SSM-1 on parameters built from L2s, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Ssm`` holds one parameter per case
(construct id = case name).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ssm as ssm

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

FAKE_ACCESS_KEY_ID = "AKIA" + "ABCDEFGHIJKLMNOP"  # split so no scanner flags this file
LEAKED = "hunter2-longer"  # the deliberately leaked value of the failing cases
STORED_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    secret = secretsmanager.Secret(stack, "Secret", encryption_key=key)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def parameter(construct_id: str, name: str | None, value: str) -> ssm.StringParameter:
        simple = None if name is None or not cdk.Token.is_unresolved(name) else False
        return ssm.StringParameter(
            stack, construct_id, parameter_name=name, string_value=value, simple_name=simple
        )

    def l1(construct_id: str, **overrides: Any) -> ssm.CfnParameter:
        props: dict[str, Any] = {"type": "String", "name": "/app/log-level", "value": "INFO"}
        props.update(overrides)
        return ssm.CfnParameter(stack, construct_id, **props)

    # Compliant references.
    parameter("PlainSetting", "/app/log-level", "INFO")
    l1("L1PlainSetting")
    parameter("SecretArnUnderSecretName", "/app/db/password", STORED_ARN)
    parameter("ReferenceName", "/app/db/password-secret-arn", secret.secret_arn)
    parameter("UnnamedSetting", None, "INFO")
    parameter("SecretNameWithReference", "/app/api-key", secret.secret_arn)

    # SC-SSM-1 secrets in parameters.
    parameter("SecretName", "/app/db/password", LEAKED)
    parameter("KeyLikeValue", "/app/upstream", FAKE_ACCESS_KEY_ID)
    parameter("UnnamedKeyLikeValue", None, FAKE_ACCESS_KEY_ID)
    parameter("DynamicReference", "/app/copy", secret.secret_value.unsafe_unwrap())
    l1("L1SecretName", name="/app/github-token", value=LEAKED)
    l1("L1StringListSecret", type="StringList", name="/app/api-keys", value=f"{LEAKED},other")
    cfn(parameter("EscSecretValue", "/app/db/password", STORED_ARN)).add_property_override(
        "Value", LEAKED
    )
    pseudo = cdk.Fn.join("/", ["", cdk.Aws.STACK_NAME, "db-password"])
    parameter("PseudoNamedSecret", pseudo, LEAKED)
    parameter("ParamValueSecretName", "/app/db/password", setting)
    parameter("ParamValueSetting", "/app/log-level", setting)
    parameter("ParamName", setting, LEAKED)
    cfn(parameter("IfSecretValue", "/app/db/password", STORED_ARN)).add_property_override(
        "Value", switch.pick(secret.secret_arn, LEAKED)
    )
    cfn(parameter("IfValueBoth", "/app/db/password", STORED_ARN)).add_property_override(
        "Value", switch.pick(secret.secret_arn, STORED_ARN)
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Ssm"))
    return check_app(app)


def at(name: str) -> str:
    return f"Ssm/{name}"


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "PlainSetting",
        "L1PlainSetting",
        "SecretArnUnderSecretName",
        "ReferenceName",
        "UnnamedSetting",
        "SecretNameWithReference",
        "ParamValueSetting",
    ],
)
def test_parameter_holding_a_setting_or_a_reference_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


# -- SC-SSM-1 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "SecretName",
        "KeyLikeValue",
        "UnnamedKeyLikeValue",
        "DynamicReference",
        "L1SecretName",
        "L1StringListSecret",
        "PseudoNamedSecret",
    ],
)
def test_secret_in_a_parameter_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SSM-1", NON_COMPLIANT)}


def test_message_explains_the_fix_and_never_repeats_the_value(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("SecretName"))
    assert "cannot create SecureString" in finding.message
    assert LEAKED not in finding.message


def test_secret_value_added_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscSecretValue")) == {("SC-SSM-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamValueSecretName", "ParamName", "IfSecretValue"])
def test_value_or_name_from_parameter_or_condition_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-SSM-1", CANNOT_VERIFY)}


def test_references_in_both_branches_are_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfValueBoth")) == set()
