"""The data the guardrail engine works with: pillars, severities, rules and findings.

Nothing here talks to CDK or jsii: rules are pure functions of synthesized CloudFormation,
so the same engine serves the CDK validation plugin, the testing helpers and any scanner of
a cloud assembly.
"""

from __future__ import annotations

import enum
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aspects.index import ResourceView


class Pillar(enum.StrEnum):
    """The four questions every piece of infrastructure must answer."""

    IN_TRANSIT = "in-transit"
    AT_REST = "at-rest"
    PREVENTION = "prevention"
    DETECTION = "detection"


class Severity(enum.StrEnum):
    """How a violation is treated: errors fail synthesis, warnings are reported."""

    ERROR = "error"
    WARNING = "warning"


class Status(enum.StrEnum):
    """Why a resource was reported.

    ``NON_COMPLIANT`` means the template holds an insecure value. ``CANNOT_VERIFY`` means
    the value is only known at deploy time (a parameter, a condition with an insecure
    branch): the guardrails fail closed and treat it like a violation of the same severity.
    """

    NON_COMPLIANT = "non-compliant"
    CANNOT_VERIFY = "cannot-verify"


class CannotVerify(Exception):
    """Raised inside a rule when a security setting cannot be known at synthesis time."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one resource, as a rule reports it.

    Parameters
    ----------
    message:
        What is wrong, naming the property and the bad value.
    path:
        Where in the resource, e.g. ``Properties.BucketEncryption``.
    """

    message: str
    path: str = ""


CheckFn = Callable[["ResourceView"], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    """A guardrail: metadata as data beside one small check function.

    The check receives one resource (one variant, if the resource uses ``Fn::If``) and
    yields a :class:`Problem` per thing that is wrong; it raises :class:`CannotVerify`
    when the value that decides cannot be known. Yielding nothing means compliant or not
    applicable.

    ``docs_url`` is where the reports link the rule (SARIF ``helpUri``, the JSON
    ``docs``, JUnit, HTML, the table): a custom rule gives its own page (an ``http(s)``
    URL) or none, and then the reports carry no link. The built-in rules leave it unset
    and link their entry in ``docs/rules.md``.
    """

    id: str
    title: str
    pillar: Pillar
    severity: Severity
    resource_types: tuple[str, ...]
    rationale: str
    fix: str
    check: CheckFn = field(repr=False, compare=False)
    fsbp: tuple[str, ...] = ()
    nist_800_53: tuple[str, ...] = ()
    cdk_nag: tuple[str, ...] = ()
    checkov: tuple[str, ...] = ()
    docs_url: str | None = None

    def __post_init__(self) -> None:
        """Refuse a rule whose fields are of the wrong kind, naming the rule and the field.

        Raises
        ------
        SecureConstructsError
            One line per bad field (code ``SC-RULE-5``), e.g. a pillar given as a string.
        """
        problems = list(_field_problems(self))
        if problems:
            from aspects.errors import Issue, SecureConstructsError

            name = f"rule {self.id}" if isinstance(self.id, str) and self.id else "rule"
            raise SecureConstructsError(
                f"Rule({self.id!r})",
                [
                    Issue("SC-RULE-5", f"{name}.{what}", message, fix)
                    for what, message, fix in problems
                ],
            )

    @property
    def acknowledgment_id(self) -> str:
        """The id to pass to ``Validations.of(scope).acknowledge(...)`` for this rule."""
        from aspects.constants import PLUGIN_NAME

        return f"{PLUGIN_NAME}::{self.id}"


def _field_problems(rule: Rule) -> Iterator[tuple[str, str, str]]:
    """(field, what is wrong, fix) for each field of *rule* of the wrong kind."""
    if not isinstance(rule.id, str) or not rule.id.strip():
        yield "id", f"{rule.id!r} is not a rule id.", "give the rule an id such as 'ACME-S3-1'."
    for name in ("title", "rationale", "fix"):
        value = getattr(rule, name)
        if not isinstance(value, str) or not value.strip():
            yield name, f"{value!r} is not a sentence.", f"say the rule's {name} in words."
    if not isinstance(rule.pillar, Pillar):
        choices = ", ".join(f"Pillar.{p.name}" for p in Pillar)
        yield "pillar", f"{rule.pillar!r} is not a Pillar.", f"use one of {choices}."
    if not isinstance(rule.severity, Severity):
        yield (
            "severity",
            f"{rule.severity!r} is not a Severity.",
            "use Severity.ERROR (fails synthesis) or Severity.WARNING (reported).",
        )
    types = rule.resource_types
    if not isinstance(types, tuple) or not all(isinstance(t, str) and "::" in t for t in types):
        yield (
            "resource_types",
            f"{types!r} is not a tuple of CloudFormation types.",
            "pass a tuple such as ('AWS::S3::Bucket',) (mind the comma).",
        )
    if not callable(rule.check):
        yield "check", f"{rule.check!r} is not callable.", "pass a function of one ResourceView."
    if rule.docs_url is not None and not _is_web_address(rule.docs_url):
        yield (
            "docs_url",
            f"{rule.docs_url!r} is not an http(s) URL.",
            "pass the address of the rule's page, e.g. 'https://wiki.example.com/ACME-S3-1', "
            "or leave it out.",
        )
    for name in ("fsbp", "nist_800_53", "cdk_nag", "checkov"):
        value = getattr(rule, name)
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            yield (
                name,
                f"{value!r} is not a tuple of ids.",
                "pass a tuple of strings, e.g. ('S3.5',).",
            )


def _is_web_address(value: object) -> bool:
    """An absolute ``http``/``https`` URL without white space (SARIF needs a URI)."""
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urllib.parse.urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True)
class Finding:
    """A rule violated by one resource in one stack."""

    rule: Rule
    status: Status
    message: str
    stack_path: str
    template_path: str
    logical_id: str
    resource_type: str
    construct_path: str | None = None
    property_path: str = ""
    acknowledged_reason: str | None = None
    ignored_acknowledgment: IgnoredAcknowledgment | None = None
    enforced: bool = False

    @property
    def severity(self) -> Severity:
        """The rule's severity, or ERROR where the resource's construct enforces the rule.

        A Secure* construct that builds a resource the way a warning rule asks declares
        it (metadata ``SecureConstructs::Guarantees`` ``enforce``): undoing it with an
        escape hatch is then a weakening of what the construct promised, so it fails.
        """
        return Severity.ERROR if self.enforced else self.rule.severity

    @property
    def acknowledged(self) -> bool:
        """Whether a reasoned acknowledgment covers this finding."""
        return self.acknowledged_reason is not None

    @property
    def blocks_synthesis(self) -> bool:
        """Error-severity and not acknowledged: synthesis must fail."""
        return self.severity is Severity.ERROR and not self.acknowledged

    @property
    def location(self) -> str:
        """The construct path if known, else ``stack/logicalId``."""
        return self.construct_path or f"{self.stack_path}/{self.logical_id}"


@dataclass(frozen=True)
class IgnoredAcknowledgment:
    """An acknowledgment the guardrails do not honour, and why.

    CDK itself may still suppress the violation it names; the guardrails then keep the
    finding and fail synthesis through their own gate (see ``docs/guardrails.md``).

    Parameters
    ----------
    where:
        The construct path the acknowledgment is attached to (``""`` is the App).
    ack_id:
        The acknowledged id, e.g. ``SecureConstructs::SC-S3-2``.
    reason:
        The reason as written (``repr`` of whatever was there).
    why:
        Why it is ignored.
    """

    where: str
    ack_id: str
    reason: str
    why: str

    def __str__(self) -> str:
        return f"{self.ack_id} at {self.where or '<app>'} (reason {self.reason}): {self.why}"
