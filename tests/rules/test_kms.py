"""SC-KMS-1..3 on keys built from L2s, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Kms`` holds one key per case
(construct id = case name).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, ids, outcomes

ROOT = "arn:aws:iam::123456789012:root"
OTHER_ROOT = "arn:aws:iam::210987654321:root"


def key_policy(*extra: dict[str, Any]) -> dict[str, Any]:
    """A key policy granting the account root, plus *extra* statements."""
    root = {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}
    return {"Version": "2012-10-17", "Statement": [root, *extra]}


def allow_decrypt(key: kms.Key, principal: iam.IPrincipal, **condition: Any) -> None:
    """Add an ``Allow kms:Decrypt`` for *principal* to the key policy."""
    key.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["kms:Decrypt"],
            principals=[principal],
            resources=["*"],
            conditions=condition or None,
        )
    )


def _build(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def key(construct_id: str, **overrides: Any) -> kms.Key:
        props: dict[str, Any] = {
            "enable_key_rotation": True,
            "removal_policy": cdk.RemovalPolicy.RETAIN,
        }
        props.update(overrides)
        return kms.Key(stack, construct_id, **props)

    def l1(construct_id: str, *, retain: bool = True, **overrides: Any) -> kms.CfnKey:
        props: dict[str, Any] = {"enable_key_rotation": True, "key_policy": key_policy()}
        props.update(overrides)
        resource = kms.CfnKey(stack, construct_id, **props)
        if retain:
            resource.cfn_options.deletion_policy = cdk.CfnDeletionPolicy.RETAIN
            resource.cfn_options.update_replace_policy = cdk.CfnDeletionPolicy.RETAIN
        return resource

    # Compliant references.
    key("Secure")
    l1("L1Secure")
    key(
        "Asymmetric",
        enable_key_rotation=False,
        key_spec=kms.KeySpec.RSA_2048,
        key_usage=kms.KeyUsage.SIGN_VERIFY,
    )

    # SC-KMS-1 rotation.
    key("NotRotated", enable_key_rotation=False)
    l1("L1NotRotated", enable_key_rotation=None)
    cfn(key("EscNotRotated")).add_property_override("EnableKeyRotation", False)
    cfn(key("ParamRotation")).add_property_override("EnableKeyRotation", setting)
    l1("ParamKeySpec", enable_key_rotation=None, key_spec=setting)
    l1("ParamKeySpecRotated", key_spec=setting)
    asymmetric = l1("AsymmetricParamRotation", key_spec="RSA_2048", key_usage="SIGN_VERIFY")
    asymmetric.add_property_override("EnableKeyRotation", setting)
    cfn(key("IfRotation")).add_property_override("EnableKeyRotation", switch.pick(True, False))
    cfn(key("IfRotationBoth")).add_property_override("EnableKeyRotation", switch.pick(True, "true"))

    # SC-KMS-2 key policy open to everyone.
    allow_decrypt(key("PublicPolicy"), iam.AnyPrincipal())
    allow_decrypt(
        key("CallerAccountPolicy"),
        iam.AnyPrincipal(),
        StringEquals={"kms:CallerAccount": "123456789012"},
    )
    everyone = {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    l1("L1PublicPolicy", key_policy=key_policy(everyone))
    principal = "KeyPolicy.Statement.0.Principal.AWS"
    cfn(key("EscPublicPolicy")).add_property_override(principal, "*")
    cfn(key("ParamPrincipal")).add_property_override(principal, setting)
    cfn(key("IfPrincipal")).add_property_override(principal, switch.pick("*", ROOT))
    cfn(key("IfPrincipalBoth")).add_property_override(principal, switch.pick(ROOT, OTHER_ROOT))

    # SC-KMS-3 retention.
    key("Destroyed", removal_policy=cdk.RemovalPolicy.DESTROY)
    l1("L1NotRetained", retain=False)
    cfn(key("EscDelete")).add_override("DeletionPolicy", "Delete")
    cfn(key("ParamReplacePolicy")).add_override("UpdateReplacePolicy", setting)
    cfn(key("IfDeletion")).add_override("DeletionPolicy", switch.pick("Retain", "Delete"))
    cfn(key("IfDeletionBoth")).add_override(
        "DeletionPolicy", switch.pick("Retain", "RetainExceptOnCreate")
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Kms"))
    return check_app(app)


def at(name: str) -> str:
    return f"Kms/{name}"


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["Secure", "L1Secure"])
def test_hardened_key_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


@pytest.mark.parametrize("name", ["Asymmetric", "AsymmetricParamRotation"])
def test_asymmetric_key_needs_no_rotation(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


# -- SC-KMS-1 rotation -------------------------------------------------------------------


def test_key_without_rotation_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("NotRotated")) == {"SC-KMS-1"}


def test_l1_key_without_rotation_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1NotRotated")) == {"SC-KMS-1"}


def test_rotation_disabled_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscNotRotated")) == {("SC-KMS-1", NON_COMPLIANT)}


def test_rotation_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamRotation")) == {("SC-KMS-1", CANNOT_VERIFY)}


def test_key_spec_from_parameter_without_rotation_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamKeySpec")) == {("SC-KMS-1", CANNOT_VERIFY)}


def test_key_spec_from_parameter_with_rotation_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("ParamKeySpecRotated")) == set()


def test_rotation_disabled_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfRotation")) == {("SC-KMS-1", CANNOT_VERIFY)}


def test_rotation_enabled_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfRotationBoth")) == set()


# -- SC-KMS-2 key policy -----------------------------------------------------------------


def test_key_policy_allowing_everyone_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("PublicPolicy")) == {"SC-KMS-2"}


def test_key_policy_allowing_everyone_in_the_account_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("CallerAccountPolicy")) == set()


def test_l1_key_policy_allowing_everyone_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1PublicPolicy")) == {"SC-KMS-2"}


def test_key_policy_principal_overridden_to_everyone_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscPublicPolicy")) == {("SC-KMS-2", NON_COMPLIANT)}


def test_key_policy_principal_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamPrincipal")) == {("SC-KMS-2", CANNOT_VERIFY)}


def test_key_policy_open_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfPrincipal")) == {("SC-KMS-2", CANNOT_VERIFY)}


def test_key_policy_naming_accounts_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfPrincipalBoth")) == set()


# -- SC-KMS-3 retention ------------------------------------------------------------------


def test_key_with_destroy_removal_policy_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("Destroyed")) == {"SC-KMS-3"}


def test_l1_key_without_deletion_policy_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1NotRetained")) == {"SC-KMS-3"}


def test_key_deletion_policy_overridden_to_delete_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscDelete")) == {("SC-KMS-3", NON_COMPLIANT)}


def test_key_replace_policy_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamReplacePolicy")) == {("SC-KMS-3", CANNOT_VERIFY)}


def test_key_deleted_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfDeletion")) == {("SC-KMS-3", CANNOT_VERIFY)}


def test_key_retained_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfDeletionBoth")) == set()
