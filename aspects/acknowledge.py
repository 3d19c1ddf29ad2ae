"""A thin, checked wrapper over CDK's native ``Validations.of(scope).acknowledge``.

Beside CDK's record it writes the terms of the acknowledgment (reason, ``until``,
``property``) as construct metadata ``SecureConstructs::Acknowledgment``, which the
guardrails read in ``cdk synth`` and in ``secure-constructs scan`` alike
(:mod:`aspects.baseline`).
"""

from __future__ import annotations

import datetime as dt
import re

import aws_cdk as cdk
from constructs import IConstruct

from aspects.baseline import ACKNOWLEDGMENT_METADATA, parse_until
from aspects.constants import MIN_REASON_LENGTH
from aspects.errors import Issue, SecureConstructsError
from aspects.rules import RULES_BY_ID

__all__ = ["MIN_REASON_LENGTH", "acknowledge"]


_PROPERTY_PATH = re.compile(r"^[A-Za-z0-9_:@-]+(\.[A-Za-z0-9_:@\[\]-]+)*$")


def acknowledge(
    scope: IConstruct,
    rule_id: str,
    reason: str,
    *,
    until: str | dt.date | None = None,
    property: str | None = None,
) -> None:
    """Accept a guardrail finding on *scope* and everything below it, with a reason.

    The finding stays in the reports (with the reason) but no longer fails synthesis. An
    acknowledgment that matches no finding is reported as stale.

    Parameters
    ----------
    scope:
        A construct (covers its children) or a whole stack; not an App or Stage.
    rule_id:
        A rule id such as ``"SC-S3-2"`` (see ``aspects.ALL_RULES``).
    reason:
        Why the risk is accepted, for the next reader and the auditor
        (at least 20 characters).
    until:
        The last day the acknowledgment holds (``"2027-03-31"`` or a ``datetime.date``).
        From the next day the finding blocks again and the reports say the
        acknowledgment expired. Default: no expiry.
    property:
        Accept only the findings of the rule at this property path (``"Properties.X"``
        and anything below it), where a rule has several independent findings on one
        resource; the others still block. Default: every finding of the rule.

    Raises
    ------
    SecureConstructsError
        If the rule id is unknown, the reason is missing or too short, or *scope* is an
        App or a Stage (acknowledge on a stack or construct: the guardrails honour
        nothing above a stack, see ``docs/guardrails.md``).
    """
    issues = []
    if not isinstance(rule_id, str) or rule_id not in RULES_BY_ID:
        issues.append(
            Issue(
                "SC-ACK-1",
                "rule_id",
                f"{rule_id!r} is not a guardrail rule id.",
                f"use one of: {', '.join(sorted(RULES_BY_ID))}.",
            )
        )
    if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON_LENGTH:
        issues.append(
            Issue(
                "SC-ACK-2",
                "reason",
                f"{reason!r} is too short to explain an accepted risk.",
                f"write why the risk is acceptable (at least {MIN_REASON_LENGTH} characters).",
            )
        )
    expiry, problem = parse_until(until)
    if problem:
        issues.append(
            Issue("SC-ACK-5", "until", f"{problem}.", "pass the last day it holds, YYYY-MM-DD.")
        )
    if property is not None and (
        not isinstance(property, str) or not _PROPERTY_PATH.match(property)
    ):
        issues.append(
            Issue(
                "SC-ACK-6",
                "property",
                f"{property!r} is not a property path.",
                "pass the finding's propertyPath as the report shows it, e.g. "
                "'Properties.VersioningConfiguration'.",
            )
        )
    node = getattr(scope, "node", None)
    where = getattr(node, "path", None)
    if not isinstance(where, str):
        raise SecureConstructsError(
            "acknowledge()",
            [
                *issues,
                Issue(
                    "SC-ACK-3",
                    "scope",
                    f"{scope!r} is not a construct.",
                    "pass the construct (or stack) whose finding you accept.",
                ),
            ],
        )
    if isinstance(scope, cdk.Stage):
        issues.append(
            Issue(
                "SC-ACK-4",
                "scope",
                f"{where or '<app>'!r} is an App or Stage: an acknowledgment there would "
                "silence a rule for every stack, and the guardrails do not honour it.",
                "acknowledge on the stack or the construct that holds the finding.",
            )
        )
    if issues:
        raise SecureConstructsError(f"acknowledge({where or '<app>'!r})", issues)
    assert isinstance(reason, str)  # noqa: S101 - narrowed by the checks above
    terms: dict[str, str] = {"ruleId": rule_id, "reason": reason.strip()}
    if expiry is not None:
        terms["until"] = expiry
    if property is not None:
        terms["property"] = property
    scope.node.add_metadata(ACKNOWLEDGMENT_METADATA, terms)
    cdk.Validations.of(scope).acknowledge(
        cdk.Acknowledgment(id=RULES_BY_ID[rule_id].acknowledgment_id, reason=reason.strip())
    )
