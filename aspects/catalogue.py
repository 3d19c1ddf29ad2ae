"""The rule catalogue as Markdown, generated from the registry (``docs/rules.md``).

Regenerate with ``python -m aspects.catalogue > docs/rules.md``; a test fails when the
committed file is stale.
"""

from __future__ import annotations

from aspects.constants import PLUGIN_NAME
from aspects.model import Pillar
from aspects.rules import ALL_RULES
from aspects.rules._examples import EXAMPLES


def _cell(values: tuple[str, ...]) -> str:
    return ", ".join(f"`{v}`" for v in values) if values else "-"


def _examples(rule_id: str) -> list[str]:
    example = EXAMPLES.get(rule_id)
    if example is None:
        return ["", "No example yet."]
    return [
        "",
        "Compliant:",
        "",
        "```yaml",
        example.compliant.rstrip("\n"),
        "```",
        "",
        "Non-compliant:",
        "",
        "```yaml",
        example.non_compliant.rstrip("\n"),
        "```",
    ]


def render_markdown() -> str:
    """Every rule, grouped by pillar: why, fix, controls, acknowledgment id and examples.

    The examples come from :mod:`aspects.rules._examples`, which a test runs through the
    engine (compliant: no finding; non-compliant: a finding).
    """
    out = [
        "# Guardrail rule catalogue",
        "",
        "Generated from `aspects/rules/` by `python -m aspects.catalogue`; do not edit by hand.",
        "Every example below is checked by the test suite: the engine accepts the compliant "
        "template and reports the non-compliant one. Check your own templates with "
        "`secure-constructs scan` (see [cli.md](cli.md)).",
        f"Acknowledge a finding with `acknowledge(scope, rule_id, reason)` or natively with "
        f"`Validations.of(scope).acknowledge(Acknowledgment(id='{PLUGIN_NAME}::<rule id>', "
        "reason=...))`.",
        "",
        "| ID | Pillar | Severity | Title | Resource types |",
        "|---|---|---|---|---|",
    ]
    out += [
        f"| [{r.id}](#{r.id.lower()}) | {r.pillar} | {r.severity} | {r.title} | "
        f"{_cell(r.resource_types)} |"
        for r in ALL_RULES
    ]
    for pillar in Pillar:
        out += ["", f"## {pillar.value.replace('-', ' ').capitalize()}"]
        for r in (rule for rule in ALL_RULES if rule.pillar is pillar):
            out += [
                "",
                f"### {r.id}",
                "",
                f"**{r.title}** ({r.severity}; applies to {_cell(r.resource_types)})",
                "",
                f"- Why: {r.rationale}",
                f"- Fix: {r.fix}",
                f"- AWS Security Hub FSBP: {_cell(r.fsbp)}",
                f"- NIST 800-53: {_cell(r.nist_800_53)}",
                f"- cdk-nag: {_cell(r.cdk_nag)}",
                f"- checkov: {_cell(r.checkov)}",
                f"- Acknowledgment id: `{r.acknowledgment_id}`",
                *_examples(r.id),
            ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
