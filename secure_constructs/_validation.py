"""Up-front checks of what users pass to the constructs: types first, then ranges.

Every construct runs these before it creates anything, so a wrong value never reaches
jsii (whose errors are JavaScript stack traces) and never fails only at deploy time. Each
check records an :class:`~aspects.errors.Issue` and remembers the property as *bad*, so
the construct's own range checks skip values of the wrong type and still report every
other problem in the same error.

jsii interfaces (``kms.IKey``, ``ec2.IVpc``...) are Protocols that ``isinstance`` cannot
check; they are checked by the members the construct uses, looked up on the value's class
(or on the delegates of an imported object's proxy), so no check costs a jsii round trip.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct
from jsii.errors import JSIIError

from aspects.errors import Issue, SecureConstructsError
from aspects.secrets_detection import Leak, variable_leak

_REPR_LIMIT = 60

#: The codes of the shared helpers in ``secure_constructs._defaults`` (the constructs
#: validate first, so these only fire for direct callers).
HELPER_TYPE_CODE = "SC-DEFAULTS-1"
HELPER_RANGE_CODE = "SC-DEFAULTS-2"

#: The members by which method arguments are judged to implement common jsii interfaces.
GRANTABLE = ("grant_principal",)
PRINCIPAL = ("policy_fragment", "assume_role_action")
CONNECTABLE = ("connections",)
#: What every kms.IKey provides (a Key, an imported key, an alias).
KMS_KEY = ("key_arn", "grant_encrypt_decrypt")


def shown(value: object) -> str:
    """A short, safe rendering of a bad value: its repr (cut) and its type."""
    text = repr(value)
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 3] + "..."
    return f"{text} (a {type(value).__name__})"


def provides(value: object, *members: str) -> bool:
    """Whether *value* has every member, judged by its class (no jsii call).

    Objects imported by attributes (``Certificate.from_certificate_arn``) come back from
    jsii as a dynamic proxy over one or more interface proxies: their classes are asked.
    """
    if value is None or isinstance(value, (str, bytes, int, float, Mapping, Sequence)):
        return False
    delegates = vars(value).get("_delegates") if hasattr(value, "__dict__") else None
    classes = [type(d) for d in delegates] if isinstance(delegates, list) else [type(value)]
    return all(any(hasattr(cls, member) for cls in classes) for member in members)


def is_token(value: object) -> bool:
    """Whether *value* is an unresolved CDK token (a string or a number)."""
    return isinstance(value, (str, int, float)) and cdk.Token.is_unresolved(value)


class Checks:
    """Collects issues under one code for wrong types, and remembers the bad properties.

    Parameters
    ----------
    type_code:
        The construct's code for "this property has the wrong type or is missing".
    """

    def __init__(self, type_code: str) -> None:
        self.type_code = type_code
        self.issues: list[Issue] = []
        self.bad: set[str] = set()

    def ok(self, *props: str) -> bool:
        """Whether none of *props* has failed a check (range checks run only then)."""
        return not self.bad.intersection(props)

    def add(self, code: str, prop: str, message: str, fix: str) -> None:
        """Record a problem with *prop*."""
        self.issues.append(Issue(code, prop, message, fix))
        self.bad.add(prop)

    def wrong(self, prop: str, value: object, expected: str, fix: str) -> bool:
        """Record a wrong type; always False (so ``return checks.wrong(...)`` reads well)."""
        if value is None:
            self.add(self.type_code, prop, f"is required, but got None; expected {expected}.", fix)
        else:
            self.add(self.type_code, prop, f"{shown(value)} is not {expected}.", fix)
        return False

    # -- scalar types ----------------------------------------------------------------

    def boolean(self, prop: str, value: object) -> bool:
        """``True`` or ``False`` only (not 0/1, not "true")."""
        if isinstance(value, bool):
            return True
        return self.wrong(prop, value, "a bool", f"pass {prop}=True or {prop}=False.")

    def integer(self, prop: str, value: object, *, optional: bool = False, fix: str = "") -> bool:
        """An int (not a bool, not a str), or a number token."""
        if value is None and optional:
            return True
        if (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and cdk.Token.is_unresolved(value)
        ):
            return True
        return self.wrong(prop, value, "an int", fix or f"pass a whole number, e.g. {prop}=1.")

    def number(self, prop: str, value: object, *, fix: str = "") -> bool:
        """An int or a float (not a bool, not a str)."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        return self.wrong(prop, value, "a number", fix or "pass an int or a float.")

    def string(
        self, prop: str, value: object, *, optional: bool = False, empty: bool = False
    ) -> bool:
        """A str (a token is fine); empty or blank only if *empty*."""
        if value is None and optional:
            return True
        if not isinstance(value, str):
            return self.wrong(prop, value, "a str", f"pass {prop} as a string.")
        if not empty and not value.strip():
            self.add(
                self.type_code,
                prop,
                f"{value!r} is empty; CloudFormation rejects an empty value.",
                f"pass a non-empty {prop}" + (", or omit it." if optional else "."),
            )
            return False
        return True

    def duration(self, prop: str, value: object, *, optional: bool = False) -> bool:
        """A ``cdk.Duration``."""
        if (value is None and optional) or isinstance(value, cdk.Duration):
            return True
        return self.wrong(
            prop,
            value,
            "a cdk.Duration",
            f"pass e.g. {prop}=Duration.days(30)" + (", or None." if optional else "."),
        )

    def member(
        self, prop: str, value: object, kind: type[enum.Enum], *, optional: bool = False
    ) -> bool:
        """A member of the CDK enum *kind*."""
        if (value is None and optional) or isinstance(value, kind):
            return True
        example = next(iter(kind)).name
        return self.wrong(
            prop,
            value,
            f"a {kind.__name__}",
            f"pass a {kind.__name__} member, e.g. {kind.__name__}.{example}.",
        )

    def finite_log_retention(
        self, prop: str, value: object, least_days: int, why: str, *, infinite_code: str
    ) -> bool:
        """:meth:`log_retention`, with ``INFINITE`` rejected under the caller's *infinite_code*."""
        if value == logs.RetentionDays.INFINITE:
            self.add(
                infinite_code,
                prop,
                "RetentionDays.INFINITE keeps logs forever (guardrail SC-LOGS-2).",
                "pick a finite RetentionDays value (default ONE_YEAR).",
            )
            return False
        return self.log_retention(prop, value, least_days, why)

    def removal_policy(self, prop: str, value: object, *, snapshot_code: str, kinds: str) -> bool:
        """A ``cdk.RemovalPolicy`` other than ``SNAPSHOT``, which *kinds* do not support.

        *kinds* names what the construct creates (e.g. ``"KMS keys and log groups"``);
        ``SNAPSHOT`` is rejected under the caller's *snapshot_code*.
        """
        if not self.member(prop, value, cdk.RemovalPolicy):
            return False
        if value == cdk.RemovalPolicy.SNAPSHOT:
            self.add(
                snapshot_code,
                prop,
                f"{kinds} do not support RemovalPolicy.SNAPSHOT.",
                "use RemovalPolicy.RETAIN (default) or RETAIN_ON_UPDATE_OR_DELETE.",
            )
            return False
        return True

    def log_retention(self, prop: str, value: object, least_days: int, why: str) -> bool:
        """A ``logs.RetentionDays`` of at least *least_days* (guardrail SC-LOGS-2).

        ``INFINITE`` is left to the caller, which rejects it under its own code.
        """
        if not self.member(prop, value, logs.RetentionDays):
            return False
        assert isinstance(value, logs.RetentionDays)  # noqa: S101 - checked above
        days = RETENTION_DAYS.get(value.name)
        if days is None:  # INFINITE: each construct rejects it with its own code
            return False
        if days < least_days:
            self.add(
                "SC-LOGS-RETENTION",
                prop,
                f"RetentionDays.{value.name} keeps {why} {days} days, fewer than the "
                f"{least_days} days the guardrails require (SC-LOGS-2).",
                f"pick RetentionDays of at least {least_days} days, e.g. ONE_YEAR.",
            )
            return False
        return True

    def instance(
        self,
        prop: str,
        value: object,
        kind: type | tuple[type, ...],
        expected: str,
        fix: str,
        *,
        optional: bool = False,
    ) -> bool:
        """An instance of a CDK (or Python) class, e.g. ``lambda_.Runtime``."""
        if (value is None and optional) or isinstance(value, kind):
            return True
        return self.wrong(prop, value, expected, fix)

    def interface(
        self,
        prop: str,
        value: object,
        members: Sequence[str],
        expected: str,
        fix: str,
        *,
        optional: bool = False,
    ) -> bool:
        """An object that implements a jsii interface, judged by *members*."""
        if (value is None and optional) or provides(value, *members):
            return True
        return self.wrong(prop, value, expected, fix)

    def kms_key(self, prop: str, value: object) -> bool:
        """An optional customer-managed key (``None`` means the construct makes one)."""
        return self.interface(
            prop,
            value,
            KMS_KEY,
            "a kms.IKey",
            "pass a kms.Key (or kms.Key.from_key_arn(...)), or omit it for a new key.",
            optional=True,
        )

    # -- collections -----------------------------------------------------------------

    def items(
        self,
        prop: str,
        value: object,
        check: Callable[[object], bool],
        expected: str,
        fix: str,
    ) -> bool:
        """A list or tuple (not a str) whose every item passes *check*."""
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            return self.wrong(prop, value, f"a list of {expected}", fix)
        bad = [item for item in value if not check(item)]
        if bad:
            self.add(
                self.type_code,
                prop,
                f"{shown(bad[0])} is not {expected}"
                + (f" ({len(bad)} items are wrong)." if len(bad) > 1 else "."),
                fix,
            )
            return False
        return True

    def strings(self, prop: str, value: object, *, optional: bool = True) -> bool:
        """A mapping of str names to str values (tokens included), or None."""
        if value is None and optional:
            return True
        if not isinstance(value, Mapping):
            return self.wrong(
                prop, value, "a mapping of names to values", f'pass {prop}={{"NAME": "value"}}.'
            )
        bad = {k: v for k, v in value.items() if not isinstance(k, str) or not isinstance(v, str)}
        if bad:
            name, item = next(iter(bad.items()))
            self.add(
                self.type_code,
                prop,
                f"{name!r}: {shown(item)} is not a str (names and values must be strings).",
                "convert values with str(...), e.g. str(8080).",
            )
            return False
        return True

    def mapping(self, prop: str, value: object, *, optional: bool = True) -> bool:
        """A mapping with str keys (the values are checked by the caller)."""
        if value is None and optional:
            return True
        if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
            return True
        return self.wrong(prop, value, "a mapping with str names", f'pass {prop}={{"NAME": ...}}.')

    # -- the construct itself --------------------------------------------------------

    def scope(self, scope: object, construct_id: object) -> bool:
        """The scope is a construct; the id a non-empty str without '/'."""
        ok = self.instance(
            "scope",
            scope,
            Construct,
            "a construct",
            "pass the stack (or construct) to add this construct to, e.g. self.",
        )
        return self.identifier("construct_id", construct_id, example="Data") and ok

    def identifier(self, prop: str, value: object, *, example: str) -> bool:
        """A construct id: a non-empty str without '/'."""
        if not isinstance(value, str):
            return self.wrong(prop, value, "a str", f"pass an id like {example!r}.")
        if not value.strip() or "/" in value:
            self.add(
                self.type_code,
                prop,
                f"{value!r} is empty or contains '/' (the construct path separator).",
                f"pass a non-empty id without '/', e.g. {example!r}.",
            )
            return False
        return True

    # -- method arguments ------------------------------------------------------------

    def grantee(self, prop: str, value: object) -> bool:
        """An ``iam.IGrantable`` (a role, a user, a SecureFunction, a SecureAlbService...)."""
        return self.interface(
            prop,
            value,
            GRANTABLE,
            "an iam.IGrantable",
            f"pass what gets the permission as {prop}: a role, a user, or a construct with "
            "a grant_principal (a SecureFunction, a SecureAlbService...).",
        )

    def statement(self, prop: str, value: object) -> bool:
        """An ``iam.PolicyStatement``."""
        return self.instance(
            prop,
            value,
            iam.PolicyStatement,
            "an iam.PolicyStatement",
            "pass iam.PolicyStatement(actions=[...], resources=[...]) (not a dict or JSON).",
        )


#: Days kept per ``logs.RetentionDays`` member (INFINITE is absent: it never expires).
RETENTION_DAYS = {
    "ONE_DAY": 1,
    "THREE_DAYS": 3,
    "FIVE_DAYS": 5,
    "ONE_WEEK": 7,
    "TWO_WEEKS": 14,
    "ONE_MONTH": 30,
    "TWO_MONTHS": 60,
    "THREE_MONTHS": 90,
    "FOUR_MONTHS": 120,
    "FIVE_MONTHS": 150,
    "SIX_MONTHS": 180,
    "ONE_YEAR": 365,
    "THIRTEEN_MONTHS": 400,
    "EIGHTEEN_MONTHS": 545,
    "TWO_YEARS": 731,
    "THREE_YEARS": 1096,
    "FIVE_YEARS": 1827,
    "SIX_YEARS": 2192,
    "SEVEN_YEARS": 2557,
    "EIGHT_YEARS": 2922,
    "NINE_YEARS": 3288,
    "TEN_YEARS": 3653,
}


def where(construct: str, scope: object, construct_id: object) -> str:
    """The path a construct will have (for errors raised before it exists)."""
    if isinstance(scope, Construct) and isinstance(construct_id, str):
        parent = scope.node.path
        path = f"{parent}/{construct_id}" if parent else construct_id
        return f"{construct} at {path!r}"
    return f"{construct} {construct_id!r}"


def method_where(construct: str, instance: Construct, method: str) -> str:
    """Where a bad method argument was passed, e.g. ``SecureBucket at 'S/Data'.grant_read``."""
    return f"{construct} at {instance.node.path!r}.{method}"


def raise_if_any(what: str, issues: Sequence[Issue]) -> None:
    """Raise one error listing every issue, if there is any."""
    if issues:
        raise SecureConstructsError(what, issues)


def select_subnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection) -> ec2.SelectedSubnets:
    """``vpc.select_subnets(selection)`` (jsii wants the struct's fields as keywords)."""
    return vpc.select_subnets(
        availability_zones=selection.availability_zones,
        one_per_az=selection.one_per_az,
        subnet_filters=selection.subnet_filters,
        subnet_group_name=selection.subnet_group_name,
        subnet_type=selection.subnet_type,
        subnets=selection.subnets,
    )


def missing_subnets(vpc: object, selection: ec2.SubnetSelection) -> str | None:
    """Why *selection* matches no subnets of *vpc* (jsii's words), or None if it does.

    One ``select_subnets`` call: CDK would make it anyway, and raise a JavaScript error.
    """
    try:
        select_subnets(vpc, selection)  # type: ignore[arg-type]
    except RuntimeError as exc:
        return str(exc).splitlines()[0]
    return None


def environment_leak(scope: Construct, name: str, value: str) -> Leak | None:
    """Whether the environment variable *name* = *value* gives a secret away, or None.

    The guardrails' judgement (SC-LAMBDA-2, SC-ECS-3) made before synthesis, so the
    construct can refuse the value with a Python error. A token is resolved in *scope*'s
    stack first; one that cannot be resolved yet is left to the guardrails, which judge
    the synthesized template (None here).
    """
    resolved: Any = value
    if cdk.Token.is_unresolved(value):
        try:
            resolved = cdk.Stack.of(scope).resolve(value)
        except (RuntimeError, JSIIError):
            return None
    return variable_leak(name, resolved)


def literal_int(value: object) -> int | None:
    """The int *value*, or None for a number token (a float) or another type.

    CDK number tokens are floats, so an int is always a literal: no jsii call is needed.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None
