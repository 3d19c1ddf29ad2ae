"""A thin, checked wrapper over CDK's native ``Validations.of(scope).acknowledge``."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import IConstruct

from aspects.errors import Issue, SecureConstructsError
from aspects.rules import RULES_BY_ID

#: Shorter reasons are rejected: "ok", "n/a" and "TODO" explain nothing to an auditor.
MIN_REASON_LENGTH = 20


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Accept a guardrail finding on *scope* and everything below it, with a reason.

    The finding stays in the reports (with the reason) but no longer fails synthesis.

    Parameters
    ----------
    scope:
        A construct (covers its children) or a whole stack.
    rule_id:
        A rule id such as ``"SC-S3-2"`` (see ``aspects.ALL_RULES``).
    reason:
        Why the risk is accepted, for the next reader and the auditor
        (at least 20 characters).

    Raises
    ------
    SecureConstructsError
        If the rule id is unknown or the reason is too short.
    """
    issues = []
    if rule_id not in RULES_BY_ID:
        issues.append(
            Issue(
                "SC-ACK-1",
                "rule_id",
                f"{rule_id!r} is not a guardrail rule id.",
                f"use one of: {', '.join(sorted(RULES_BY_ID))}.",
            )
        )
    if len(reason.strip()) < MIN_REASON_LENGTH:
        issues.append(
            Issue(
                "SC-ACK-2",
                "reason",
                f"{reason!r} is too short to explain an accepted risk.",
                f"write why the risk is acceptable (at least {MIN_REASON_LENGTH} characters).",
            )
        )
    if issues:
        raise SecureConstructsError(f"acknowledge({scope.node.path or '<app>'!r})", issues)
    cdk.Validations.of(scope).acknowledge(
        cdk.Acknowledgment(id=RULES_BY_ID[rule_id].acknowledgment_id, reason=reason.strip())
    )
