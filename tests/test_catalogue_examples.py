"""The catalogue's examples are true: the engine accepts each compliant snippet and reports
each non-compliant one, and every rule of the registry has both.

New rules need an entry in ``aspects/rules/_examples.py`` (this module fails until then).
"""

from __future__ import annotations

import pytest

from aspects.assembly import check_template
from aspects.catalogue import render_markdown
from aspects.cfn_yaml import parse_yaml
from aspects.engine import evaluate
from aspects.index import StackTemplate
from aspects.model import Finding, Status
from aspects.rules import ALL_RULES, RULES_BY_ID
from aspects.rules._examples import EXAMPLES


def findings(rule_id: str, text: str) -> list[Finding]:
    template = check_template(parse_yaml(text), f"example of {rule_id}")
    stack = StackTemplate("Example", f"{rule_id}.yaml", template)
    return list(evaluate([stack], lambda _: (RULES_BY_ID[rule_id],)).findings)


def test_every_rule_of_the_registry_has_examples() -> None:
    missing = [rule.id for rule in ALL_RULES if rule.id not in EXAMPLES]
    assert missing == [], "add compliant and non-compliant snippets to aspects/rules/_examples.py"


def test_examples_name_only_rules_of_the_registry() -> None:
    assert sorted(set(EXAMPLES) - set(RULES_BY_ID)) == []


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_compliant_example_has_no_finding(rule_id: str) -> None:
    assert findings(rule_id, EXAMPLES[rule_id].compliant) == []


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_non_compliant_example_is_reported_as_non_compliant(rule_id: str) -> None:
    found = findings(rule_id, EXAMPLES[rule_id].non_compliant)
    assert found, f"{rule_id}: the non-compliant example passes"
    assert {f.status for f in found} == {Status.NON_COMPLIANT}


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_catalogue_shows_both_examples(rule_id: str) -> None:
    section = render_markdown().split(f"### {rule_id}\n", 1)[1].split("\n### ", 1)[0]
    example = EXAMPLES[rule_id]
    assert f"Compliant:\n\n```yaml\n{example.compliant}```" in section
    assert f"Non-compliant:\n\n```yaml\n{example.non_compliant}```" in section
