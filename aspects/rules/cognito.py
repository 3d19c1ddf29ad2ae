"""Amazon Cognito user pool guardrails: MFA, threat protection, a strong password policy.

MFA is two rules so an acknowledgment says exactly what it accepts: SC-COGNITO-1 (an
error) reports MFA turned off, SC-COGNITO-2 (a warning) MFA left optional, which AWS
recommends with adaptive authentication and which consumer sign-up flows often need;
acknowledge it with the reason.

Password policy: without ``Policies.PasswordPolicy`` Cognito requires 8 characters and all
four character classes. When a policy is given, every requirement is judged as the
template writes it: a ``Require*`` left out is reported (``cognito.UserPool`` leaves out
the ones not passed to ``PasswordPolicy``), so write each one.
"""

from __future__ import annotations

from collections.abc import Iterator

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._blocks import setting
from aspects.rules._common import Deferred

USER_POOL = ("AWS::Cognito::UserPool",)

#: Cognito's minimum password length when the template does not set one.
DEFAULT_MINIMUM_LENGTH = 8
#: ``Policies.PasswordPolicy`` requirement -> the ``cognito.PasswordPolicy`` argument.
REQUIREMENTS = {
    "RequireLowercase": "require_lowercase",
    "RequireUppercase": "require_uppercase",
    "RequireNumbers": "require_digits",
    "RequireSymbols": "require_symbols",
}
#: ``LambdaConfig`` triggers that make a pool use custom authentication.
CUSTOM_AUTH_TRIGGERS = (
    "DefineAuthChallenge",
    "CreateAuthChallenge",
    "VerifyAuthChallengeResponse",
)


def _mfa(r: ResourceView) -> str:
    value = r.props.get("MfaConfiguration")
    return "OFF" if value is None else str(r.literal(value, "MfaConfiguration"))


# -- SC-COGNITO-1 / -2 MFA -------------------------------------------------------------------


def _mfa_not_off(r: ResourceView) -> Iterator[Problem]:
    mode = _mfa(r)
    if mode not in ("ON", "OPTIONAL"):
        unset = r.props.get("MfaConfiguration") is None
        shown = "not set (Cognito uses OFF)" if unset else repr(mode)
        yield Problem(
            f"MfaConfiguration is {shown}: a stolen or guessed password is enough to sign in "
            "as any user of the pool",
            "Properties.MfaConfiguration",
        )


def _mfa_required(r: ResourceView) -> Iterator[Problem]:
    if _mfa(r) == "OPTIONAL":
        yield Problem(
            "MfaConfiguration is 'OPTIONAL': users who never set up a second factor sign in "
            "with their password alone; require MFA, or acknowledge SC-COGNITO-2 with the "
            "reason (adaptive authentication with threat protection, consumer sign-up)",
            "Properties.MfaConfiguration",
        )


# -- SC-COGNITO-3 threat protection ----------------------------------------------------------


def _threat_protection(r: ResourceView) -> Iterator[Problem]:
    path = "UserPoolAddOns.AdvancedSecurityMode"
    raw = setting(r, path)
    mode = "OFF" if raw is None else str(r.literal(raw, path))
    if mode != "ENFORCED":
        shown = "not set (Cognito uses OFF)" if raw is None else repr(mode)
        audit = " (AUDIT only records risky sign-ins)" if mode == "AUDIT" else ""
        yield Problem(
            f"{path} is {shown}{audit}: sign-ins with leaked credentials, from unusual "
            "devices or by bots are not challenged or blocked",
            f"Properties.{path}",
        )
        return
    tier = r.props.get("UserPoolTier")
    if tier is not None and r.literal(tier, "UserPoolTier") != "PLUS":
        yield Problem(
            f"UserPoolTier is {r.literal(tier, 'UserPoolTier')!r}: threat protection is part "
            "of the PLUS feature plan only, so AdvancedSecurityMode ENFORCED is not available",
            "Properties.UserPoolTier",
        )
    yield from _custom_auth_protected(r)


def _custom_auth_protected(r: ResourceView) -> Iterator[Problem]:
    """A pool with custom authentication triggers needs ``CustomAuthMode`` ENFORCED too."""
    triggers = [name for name in CUSTOM_AUTH_TRIGGERS if setting(r, f"LambdaConfig.{name}")]
    if not triggers:
        return
    path = "UserPoolAddOns.AdvancedSecurityAdditionalFlows.CustomAuthMode"
    raw = setting(r, path)
    mode = None if raw is None else r.literal(raw, path)
    if mode != "ENFORCED":
        shown = "not set" if raw is None else repr(mode)
        yield Problem(
            f"{path} is {shown} although the pool uses custom authentication "
            f"({', '.join(triggers)}): sign-ins through the custom flow are not protected",
            f"Properties.{path}",
        )


# -- SC-COGNITO-4 password policy ------------------------------------------------------------


def _password_policy(r: ResourceView) -> Iterator[Problem]:
    least = r.settings.user_pool_min_password_length
    base = "Policies.PasswordPolicy"
    policy = setting(r, base)
    if policy is None:
        yield Problem(
            f"{base} is not set, so Cognito accepts passwords of {DEFAULT_MINIMUM_LENGTH} "
            f"characters; require at least {least}",
            f"Properties.{base}",
        )
        return
    deferred = Deferred()
    with deferred:
        raw = setting(r, f"{base}.MinimumLength")
        length = DEFAULT_MINIMUM_LENGTH if raw is None else r.int(raw, f"{base}.MinimumLength")
        if length < least:
            shown = f"not set (Cognito uses {length})" if raw is None else str(length)
            yield Problem(
                f"{base}.MinimumLength is {shown}: short passwords fall to guessing and "
                f"credential stuffing; require at least {least} characters",
                f"Properties.{base}.MinimumLength",
            )
    for name, argument in REQUIREMENTS.items():
        path = f"{base}.{name}"
        with deferred:
            raw = setting(r, path)
            if raw is None or not r.bool(raw, path):
                shown = "not set, so the policy does not require it" if raw is None else "false"
                yield Problem(
                    f"{path} is {shown}; set {argument}=True on cognito.PasswordPolicy",
                    f"Properties.{path}",
                )
    deferred.raise_first()


RULES = (
    Rule(
        id="SC-COGNITO-1",
        title="Cognito user pools do not turn MFA off",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=USER_POOL,
        rationale="Without a second factor a password found in another breach, phished or "
        "guessed signs in as the user. With MFA OFF (the default) users cannot even choose "
        "to protect their accounts.",
        fix="Set mfa=cognito.Mfa.REQUIRED with mfa_second_factor=cognito.MfaSecondFactor("
        "otp=True, ...) on cognito.UserPool (Mfa.OPTIONAL at the least).",
        check=_mfa_not_off,
        fsbp=("Cognito.5",),
        nist_800_53=("IA-2(1)", "IA-2(2)"),
        cdk_nag=("AwsSolutions-COG2",),
    ),
    Rule(
        id="SC-COGNITO-2",
        title="Cognito user pools require MFA for every user",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=USER_POOL,
        rationale="With MFA OPTIONAL most users never enrol a second factor, so their "
        "accounts rest on the password alone. A warning: adaptive authentication (threat "
        "protection) asks for MFA on risky sign-ins and AWS recommends OPTIONAL with it, "
        "and open consumer sign-up may not be able to require a factor; acknowledge the "
        "rule with that reason.",
        fix="Set mfa=cognito.Mfa.REQUIRED on cognito.UserPool, or acknowledge SC-COGNITO-2 "
        "with the reason MFA stays optional.",
        check=_mfa_required,
        fsbp=("Cognito.5",),
        nist_800_53=("IA-2(1)",),
        cdk_nag=("AwsSolutions-COG2",),
    ),
    Rule(
        id="SC-COGNITO-3",
        title="Cognito user pools enforce threat protection",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=USER_POOL,
        rationale="Threat protection (formerly advanced security) blocks sign-ins with "
        "credentials known to be leaked and challenges or blocks risky ones; AUDIT only "
        "records them. It needs the PLUS feature plan, a cost decision, hence a warning. A "
        "pool with custom authentication triggers needs the custom flow enforced too.",
        fix="Set feature_plan=cognito.FeaturePlan.PLUS and standard_threat_protection_mode="
        "cognito.StandardThreatProtectionMode.FULL_FUNCTION on cognito.UserPool (and "
        "custom_threat_protection_mode=CustomThreatProtectionMode.FULL_FUNCTION with custom "
        "authentication).",
        check=_threat_protection,
        fsbp=("Cognito.1",),
        nist_800_53=("SI-4", "AC-7"),
        cdk_nag=("AwsSolutions-COG8",),
    ),
    Rule(
        id="SC-COGNITO-4",
        title="Cognito user pools require strong passwords",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=USER_POOL,
        rationale="Short passwords and passwords of one character class fall to guessing and "
        "credential stuffing. The pool must require at least "
        "Thresholds.user_pool_min_password_length characters (14 by default) and lower "
        "case, upper case, digits and symbols.",
        fix="Set password_policy=cognito.PasswordPolicy(min_length=14, require_lowercase=True, "
        "require_uppercase=True, require_digits=True, require_symbols=True) on "
        "cognito.UserPool (write every requirement: CDK leaves out the ones not passed).",
        check=_password_policy,
        fsbp=("Cognito.3",),
        nist_800_53=("IA-5(1)",),
        cdk_nag=("AwsSolutions-COG1",),
    ),
)
