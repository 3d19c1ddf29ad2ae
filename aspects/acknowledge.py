"""A thin, checked wrapper over CDK's native ``Validations.of(scope).acknowledge``.

Beside CDK's record it writes the terms of the acknowledgment (reason, ``until``,
``property``) as construct metadata ``SecureConstructs::Acknowledgment``, which the
guardrails read in ``cdk synth`` and in ``secure-constructs scan`` alike
(:mod:`aspects.baseline`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

import aws_cdk as cdk
from constructs import IConstruct

from aspects.baseline import ACKNOWLEDGMENT_METADATA, parse_until
from aspects.constants import MIN_REASON_LENGTH, PLUGIN_NAME
from aspects.custom_rules import RESERVED_PREFIX, RULE_ID, is_reserved
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
        A built-in rule id such as ``"SC-S3-2"`` (see ``aspects.ALL_RULES``), or the id of
        one of your own rules (``docs/custom-rules.md``). A built-in id is checked now; a
        custom id only for its shape, since the guardrails that run the rule may not exist
        yet: when the rules run, an acknowledgment whose id no rule given to the guardrails
        of its stack has is reported as stale, naming the nearest id (a typo never
        passes: the finding it meant to accept still blocks).
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
        If the rule id is not one of the catalogue (``SC-`` prefix, any case) nor shaped
        like a custom rule id, the reason is missing or too short, or *scope* is an
        App or a Stage (acknowledge on a stack or construct: the guardrails honour
        nothing above a stack, see ``docs/guardrails.md``).
    """
    id_problem = _rule_id_problem(rule_id)
    issues = [] if id_problem is None else [id_problem]
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
        cdk.Acknowledgment(id=f"{PLUGIN_NAME}::{rule_id}", reason=reason.strip())
    )


def _rule_id_problem(rule_id: object) -> Issue | None:
    """Why *rule_id* cannot name a rule (``SC-ACK-1``), or None.

    The reserved prefix belongs to the catalogue, so an id that starts with it in any case
    must be a built-in id exactly; any other id must have the shape of a custom rule id.
    """
    if isinstance(rule_id, str) and rule_id in RULES_BY_ID:
        return None
    shape = (
        f"the id of one of your rules (a letter, then letters, digits, '-', '_' or '.', "
        f"not starting with {RESERVED_PREFIX!r})"
    )
    if isinstance(rule_id, str) and is_reserved(rule_id):
        near = difflib.get_close_matches(rule_id.upper(), RULES_BY_ID, n=1, cutoff=0.8)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        return Issue(
            "SC-ACK-1",
            "rule_id",
            f"{rule_id!r} is not a guardrail rule id{hint}.",
            f"use a built-in id as `secure-constructs rules` lists it (e.g. 'SC-S3-2'), or "
            f"{shape}.",
        )
    if isinstance(rule_id, str) and RULE_ID.fullmatch(rule_id):
        return None
    return Issue(
        "SC-ACK-1",
        "rule_id",
        f"{rule_id!r} is not a rule id.",
        f"pass a built-in id such as 'SC-S3-2', or {shape}.",
    )
