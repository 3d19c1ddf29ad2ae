"""SC-COGNITO-1..4 on user pools: L2s, raw L1s, escape hatches, tokens.

One app is synthesized for the module: stack ``Pools`` holds one user pool per case
(construct id = case name). SC-COGNITO-4 applies ``Thresholds.user_pool_min_password_length``
(14 by default).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cognito as cognito

from aspects.model import Status
from aspects.settings import Thresholds
from aspects.testing import check

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, outcomes

STRONG = cognito.PasswordPolicy(
    min_length=14,
    require_lowercase=True,
    require_uppercase=True,
    require_digits=True,
    require_symbols=True,
)
STRONG_L1 = {
    "passwordPolicy": {
        "minimumLength": 14,
        "requireLowercase": True,
        "requireUppercase": True,
        "requireNumbers": True,
        "requireSymbols": True,
    }
}
TRIGGER = "arn:aws:lambda:eu-west-1:123456789012:function:auth-challenge"


def _pool(stack: cdk.Stack, construct_id: str, **overrides: Any) -> cognito.UserPool:
    props: dict[str, Any] = {
        "mfa": cognito.Mfa.REQUIRED,
        "mfa_second_factor": cognito.MfaSecondFactor(otp=True, sms=False),
        "password_policy": STRONG,
        "feature_plan": cognito.FeaturePlan.PLUS,
        "standard_threat_protection_mode": cognito.StandardThreatProtectionMode.FULL_FUNCTION,
    }
    props.update(overrides)
    return cognito.UserPool(stack, construct_id, **props)


def _l1(stack: cdk.Stack, construct_id: str, **overrides: Any) -> cognito.CfnUserPool:
    props: dict[str, Any] = {
        "mfa_configuration": "ON",
        "enabled_mfas": ["SOFTWARE_TOKEN_MFA"],
        "policies": STRONG_L1,
        "user_pool_tier": "PLUS",
        "user_pool_add_ons": {"advancedSecurityMode": "ENFORCED"},
    }
    props.update(overrides)
    return cognito.CfnUserPool(stack, construct_id, **props)


def _build(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    length = cdk.CfnParameter(stack, "Length", type="Number", default=14).value_as_number
    switch = Switch(stack)

    def pool(construct_id: str, **overrides: Any) -> cognito.UserPool:
        return _pool(stack, construct_id, **overrides)

    def l1(construct_id: str, **overrides: Any) -> cognito.CfnUserPool:
        return _l1(stack, construct_id, **overrides)

    # Compliant references.
    pool("Secure")
    l1("L1Secure")
    cognito.UserPool(stack, "Default")
    l1(
        "CustomAuthEnforced",
        lambda_config={"defineAuthChallenge": TRIGGER, "createAuthChallenge": TRIGGER},
        user_pool_add_ons={
            "advancedSecurityMode": "ENFORCED",
            "advancedSecurityAdditionalFlows": {"customAuthMode": "ENFORCED"},
        },
    )

    # SC-COGNITO-1 MFA not off.
    pool("MfaOff", mfa=cognito.Mfa.OFF, mfa_second_factor=None)
    l1("L1NoMfa", mfa_configuration=None, enabled_mfas=None)
    cfn(pool("EscMfaOff")).add_property_override("MfaConfiguration", "OFF")
    cfn(pool("ParamMfa")).add_property_override("MfaConfiguration", setting)
    cfn(pool("IfMfaOff")).add_property_override("MfaConfiguration", switch.pick("ON", "OFF"))

    # SC-COGNITO-2 MFA required.
    pool("MfaOptional", mfa=cognito.Mfa.OPTIONAL)
    l1("L1MfaOptional", mfa_configuration="OPTIONAL")
    cfn(pool("EscMfaOptional")).add_property_override("MfaConfiguration", "OPTIONAL")
    cfn(pool("IfMfaOptional")).add_property_override(
        "MfaConfiguration", switch.pick("ON", "OPTIONAL")
    )

    # SC-COGNITO-3 threat protection.
    pool(
        "AuditOnly",
        standard_threat_protection_mode=cognito.StandardThreatProtectionMode.AUDIT_ONLY,
    )
    pool("NoThreatProtection", feature_plan=None, standard_threat_protection_mode=None)
    l1("L1EssentialsTier", user_pool_tier="ESSENTIALS")
    cfn(pool("EscThreatOff")).add_property_deletion_override("UserPoolAddOns")
    cfn(pool("ParamThreat")).add_property_override("UserPoolAddOns.AdvancedSecurityMode", setting)
    cfn(pool("IfThreat")).add_property_override(
        "UserPoolAddOns.AdvancedSecurityMode", switch.pick("ENFORCED", "AUDIT")
    )
    l1("CustomAuthUnprotected", lambda_config={"defineAuthChallenge": TRIGGER})

    # SC-COGNITO-4 password policy.
    pool("NoPasswordPolicy", password_policy=None)
    pool("PartialPolicy", password_policy=cognito.PasswordPolicy(min_length=14))
    pool(
        "NoSymbols",
        password_policy=cognito.PasswordPolicy(**{**_strong(), "require_symbols": False}),
    )
    pool("Short", password_policy=cognito.PasswordPolicy(**{**_strong(), "min_length": 8}))
    l1("L1Short", policies={"passwordPolicy": {**STRONG_L1["passwordPolicy"], "minimumLength": 10}})
    l1("L1NoPolicy", policies=None)
    cfn(pool("EscShort")).add_property_override("Policies.PasswordPolicy.MinimumLength", 6)
    cfn(pool("EscNoUppercase")).add_property_deletion_override(
        "Policies.PasswordPolicy.RequireUppercase"
    )
    cfn(pool("ParamLength")).add_property_override("Policies.PasswordPolicy.MinimumLength", length)
    cfn(pool("IfLength")).add_property_override(
        "Policies.PasswordPolicy.MinimumLength", switch.pick(14, 8)
    )
    cfn(pool("IfLengthBoth")).add_property_override(
        "Policies.PasswordPolicy.MinimumLength", switch.pick(14, 20)
    )


def _strong() -> dict[str, Any]:
    return {
        "min_length": 14,
        "require_lowercase": True,
        "require_uppercase": True,
        "require_digits": True,
        "require_symbols": True,
    }


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Pools"))
    return check_app(app)


def at(name: str) -> str:
    return f"Pools/{name}"


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    """Outcomes of the Cognito rules at a case."""
    return {
        (rule, status) for rule, status in outcomes(ev, at(name)) if rule.startswith("SC-COGNITO")
    }


def paths(ev: Checked, name: str, rule_id: str) -> set[str]:
    return {
        f.property_path
        for f in ev.evaluation.findings
        if f.rule.id == rule_id
        and f.construct_path is not None
        and f.construct_path.startswith(at(name))
    }


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["Secure", "L1Secure", "CustomAuthEnforced", "IfLengthBoth"])
def test_hardened_user_pool_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


def test_default_user_pool_has_no_mfa_threat_protection_or_strong_passwords(ev: Checked) -> None:
    assert mine(ev, "Default") == {
        ("SC-COGNITO-1", NON_COMPLIANT),
        ("SC-COGNITO-3", NON_COMPLIANT),
        ("SC-COGNITO-4", NON_COMPLIANT),
    }


# -- SC-COGNITO-1 / -2 MFA ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["MfaOff", "L1NoMfa", "EscMfaOff"])
def test_mfa_off_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-COGNITO-1", NON_COMPLIANT)}


def test_mfa_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "ParamMfa") == {
        ("SC-COGNITO-1", CANNOT_VERIFY),
        ("SC-COGNITO-2", CANNOT_VERIFY),
    }


def test_mfa_off_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "IfMfaOff") == {("SC-COGNITO-1", CANNOT_VERIFY)}


@pytest.mark.parametrize("name", ["MfaOptional", "L1MfaOptional", "EscMfaOptional"])
def test_optional_mfa_is_a_warning_of_its_own(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-COGNITO-2", NON_COMPLIANT)}


def test_optional_mfa_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "IfMfaOptional") == {("SC-COGNITO-2", CANNOT_VERIFY)}


# -- SC-COGNITO-3 threat protection ------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "AuditOnly",
        "NoThreatProtection",
        "L1EssentialsTier",
        "EscThreatOff",
        "CustomAuthUnprotected",
    ],
)
def test_threat_protection_not_enforced_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-COGNITO-3", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamThreat", "IfThreat"])
def test_threat_protection_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert mine(ev, name) == {("SC-COGNITO-3", CANNOT_VERIFY)}


def test_threat_protection_findings_name_the_property(ev: Checked) -> None:
    assert paths(ev, "L1EssentialsTier", "SC-COGNITO-3") == {"Properties.UserPoolTier"}
    assert paths(ev, "CustomAuthUnprotected", "SC-COGNITO-3") == {
        "Properties.UserPoolAddOns.AdvancedSecurityAdditionalFlows.CustomAuthMode"
    }


# -- SC-COGNITO-4 password policy --------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "NoPasswordPolicy",
        "PartialPolicy",
        "NoSymbols",
        "Short",
        "L1Short",
        "L1NoPolicy",
        "EscShort",
        "EscNoUppercase",
    ],
)
def test_weak_password_policy_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-COGNITO-4", NON_COMPLIANT)}


def test_policy_written_partly_reports_every_requirement_left_out(ev: Checked) -> None:
    base = "Properties.Policies.PasswordPolicy"
    assert paths(ev, "PartialPolicy", "SC-COGNITO-4") == {
        f"{base}.RequireLowercase",
        f"{base}.RequireUppercase",
        f"{base}.RequireNumbers",
        f"{base}.RequireSymbols",
    }
    assert paths(ev, "EscNoUppercase", "SC-COGNITO-4") == {f"{base}.RequireUppercase"}


def test_no_password_policy_is_cognitos_default_of_eight_characters(ev: Checked) -> None:
    assert paths(ev, "NoPasswordPolicy", "SC-COGNITO-4") == {"Properties.Policies.PasswordPolicy"}


@pytest.mark.parametrize("name", ["ParamLength", "IfLength"])
def test_length_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-COGNITO-4", CANNOT_VERIFY)}


def test_tighter_thresholds_raise_the_minimum_length() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Tight")
    _pool(stack, "Fourteen")
    _pool(
        stack, "Twenty", password_policy=cognito.PasswordPolicy(**{**_strong(), "min_length": 20})
    )
    evaluation = check(app, settings=Thresholds(user_pool_min_password_length=16))
    assert {
        (f.rule.id, f.construct_path)
        for f in evaluation.findings
        if f.rule.id.startswith("SC-COGNITO")
    } == {("SC-COGNITO-4", "Tight/Fourteen/Resource")}
