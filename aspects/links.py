"""Where each rule is documented and what GitHub code scanning reads of it, for every report.

Both the reports ``cdk synth`` writes into the cloud assembly (:mod:`aspects.report`) and
``secure-constructs scan`` (:mod:`aspects.formats`) give every rule its documentation link,
``security-severity`` and ``precision``, and every SARIF result its ``partialFingerprints``
from these functions, so a SARIF file uploaded from ``cdk.out`` reads like the scan's.

This module imports neither ``aws_cdk`` nor ``jsii``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from aspects.constants import INFORMATION_URI
from aspects.model import Finding, Pillar, Rule, Severity
from aspects.rules import RULES_BY_ID

#: Where the documentation lives: every finding links to its rule's entry there. A rule of
#: the catalogue is the ``### SC-...`` heading of docs/rules.md (GitHub's anchor is the id in
#: lower case); the few rules outside the catalogue link to the page that explains them.
DOCS_BASE_URL = f"{INFORMATION_URI}/blob/main/docs/"
RULES_DOC_URL = DOCS_BASE_URL + "rules.md"
_OUTSIDE_CATALOGUE = {
    "SC-CFN-3": "cli.md#nested-stacks",  # before the SC-CFN- prefix: the first match wins
    "SC-COV-": "coverage.md#a-closed-world-fail_on_unjudged",
    "SC-CFN-": "cli.md#transforms-and-sam",
}


def rule_doc_url(rule: Rule | str) -> str | None:
    """The URL of a rule's documentation: its docs/rules.md entry, or the page about it.

    A custom rule (a team's own, passed with ``extra_rules=`` or ``--rules-module``) links
    to its own ``docs_url``, or nowhere when it has none: the reports then carry no link
    rather than one to a page that does not describe the rule. Given an id only, a rule
    outside the catalogue has no known page (None).
    """
    if isinstance(rule, Rule) and rule.docs_url is not None:
        return rule.docs_url
    rule_id = rule if isinstance(rule, str) else rule.id
    for prefix, page in _OUTSIDE_CATALOGUE.items():
        if rule_id.startswith(prefix):
            return DOCS_BASE_URL + page
    if rule_id in RULES_BY_ID:
        return f"{RULES_DOC_URL}#{rule_id.lower()}"
    return None


#: ``properties.security-severity`` of a rule (GitHub code scanning: 9.0 and above is
#: critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low), from its severity and pillar.
#: Errors are high: preventive controls (public access, admin rights, open ports) highest,
#: then encryption in transit and at rest; a detection gap (no logs, no alarm) is medium,
#: because it hides an attack rather than enabling one. Warnings are a band lower in the
#: same order. A construct that enforces a warning rule does not change the rule's score.
SECURITY_SEVERITY: Mapping[tuple[Severity, Pillar], str] = {
    (Severity.ERROR, Pillar.PREVENTION): "8.5",
    (Severity.ERROR, Pillar.IN_TRANSIT): "7.5",
    (Severity.ERROR, Pillar.AT_REST): "7.0",
    (Severity.ERROR, Pillar.DETECTION): "5.5",
    (Severity.WARNING, Pillar.PREVENTION): "5.0",
    (Severity.WARNING, Pillar.IN_TRANSIT): "4.5",
    (Severity.WARNING, Pillar.AT_REST): "4.0",
    (Severity.WARNING, Pillar.DETECTION): "3.0",
}

#: ``properties.precision`` (very-high, high, medium, low): catalogue rules read the
#: literal template and say *cannot verify* when a value is only known at deploy time, so
#: their results are rarely false positives (high); the rules outside the catalogue report
#: what was not judged (a transform, a type no rule reads), not a proven weakness (medium).
PRECISION_CATALOGUE = "high"
PRECISION_OUTSIDE = "medium"

#: GitHub code scanning's limit on a rule's short and full description.
DESCRIPTION_LIMIT = 1024

#: The ``partialFingerprints`` key of our own logical identity (version 1 of the recipe).
FINGERPRINT_KEY = "secureConstructsFinding/v1"


def fingerprint(finding: Finding) -> str:
    """A finding's identity across runs: rule id, stack, logical id and property path.

    Neither the line (which moves when the template changes elsewhere) nor the message
    (which may name a value) is part of it. 32 hex digits of SHA-256.
    """
    key = "\x1f".join(
        (finding.rule.id, finding.stack_path, finding.logical_id, finding.property_path)
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def sarif_rule_extras(rule: Rule, descriptor: dict[str, Any]) -> None:
    """Add the link, help and GitHub properties of *rule* to its SARIF *descriptor*.

    GitHub shows at most :data:`DESCRIPTION_LIMIT` characters of a description: a longer
    rationale is shortened there and given whole in the help.
    """
    url = rule_doc_url(rule)
    in_catalogue = rule.id in RULES_BY_ID
    help_text = {"text": rule.fix, "markdown": f"**Fix:** {rule.fix}"}
    if url is not None:
        descriptor["helpUri"] = url
        help_text = {
            "text": f"{rule.fix} Documentation: {url}",
            "markdown": f"**Fix:** {rule.fix}\n\n[{rule.id} documentation]({url})",
        }
    full = descriptor["fullDescription"]["text"]
    if len(full) > DESCRIPTION_LIMIT:
        descriptor["fullDescription"]["text"] = full[: DESCRIPTION_LIMIT - 1] + "\u2026"
        help_text = {key: f"{full}\n\n{text}" for key, text in help_text.items()}
    descriptor["help"] = help_text
    descriptor["properties"].update(
        {
            "security-severity": SECURITY_SEVERITY[(rule.severity, rule.pillar)],
            "precision": PRECISION_CATALOGUE if in_catalogue else PRECISION_OUTSIDE,
            "problem.severity": "error" if rule.severity is Severity.ERROR else "warning",
        }
    )


def sarif_result_extras(result: dict[str, Any], finding: Finding) -> None:
    """Add *finding*'s fingerprints, property path and documentation link to its *result*.

    ``primaryLocationLineHash`` is derived from the same identity, so GitHub matches an
    alert across runs by what it is rather than by the text of its line.
    """
    identity = fingerprint(finding)
    result["partialFingerprints"] = {
        FINGERPRINT_KEY: identity,
        "primaryLocationLineHash": f"{identity[:16]}:1",
    }
    result["properties"]["propertyPath"] = finding.property_path
    docs = rule_doc_url(finding.rule)
    if docs is not None:
        result["properties"]["docs"] = docs
