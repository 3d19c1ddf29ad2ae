"""Apply every mutant to a copy of its template and judge it with every rule.

Only the verdict on the mutated resource and its neighbours counts, and a rule reports
only on resources of its own types: each mutant is judged by the rules of the types in
its neighbourhood (the same killed and warned verdicts as all of ALL_RULES, in a fraction
of the time). The unmutated templates are checked with every rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from aspects.engine import evaluate
from aspects.index import StackTemplate
from aspects.model import Finding, Rule
from aspects.rules import ALL_RULES
from tests.mutation.builds import CONFIGURATIONS, Configuration
from tests.mutation.operators import Mutant, derive, neighbourhood

FindingKey = tuple[str, str, str, str]


@dataclass(frozen=True)
class Outcome:
    """What the guardrails said about one mutant."""

    mutant: Mutant
    killed_by: tuple[str, ...]  # rule ids of new blocking findings naming a target
    warned_by: tuple[str, ...]  # rule ids of new warnings naming a target
    #: New blocking findings on other resources ("rule logicalId"), of the rules that judged
    #: the mutant (those of the neighbourhood's types).
    elsewhere: tuple[str, ...]

    @property
    def killed(self) -> bool:
        return bool(self.killed_by)


def _key(finding: Finding) -> FindingKey:
    return (finding.rule.id, finding.logical_id, finding.status.value, finding.message)


def unacknowledged(stack: StackTemplate, rules: Sequence[Rule] = ALL_RULES) -> list[Finding]:
    """Unacknowledged findings (errors and warnings) of *rules* (default all) on one stack."""
    evaluation = evaluate([stack], lambda _s: rules)
    return [*evaluation.errors, *evaluation.warnings]


@cache
def rules_for_types(types: frozenset[str]) -> tuple[Rule, ...]:
    """The rules that judge some resource type of *types*, in ALL_RULES order."""
    return tuple(rule for rule in ALL_RULES if types.intersection(rule.resource_types))


def _copy(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars), several times faster than deepcopy."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def blocking(stack: StackTemplate) -> list[Finding]:
    """Unacknowledged error-severity findings of ALL_RULES on one stack."""
    return [f for f in unacknowledged(stack) if f.blocks_synthesis]


def mutate(stack: StackTemplate, mutant: Mutant) -> StackTemplate:
    """The stack with *mutant* applied to a deep copy of its template."""
    template = _copy(dict(stack.template))
    mutant.apply(template)
    return StackTemplate(stack.stack_path, stack.template_path, template, stack.metadata)


def judge(stack: StackTemplate, mutant: Mutant, baseline: set[FindingKey]) -> Outcome:
    """Killed: a new blocking finding names the mutated resource or a neighbour of it."""
    targets = neighbourhood(stack.template, mutant.logical_id)
    resources = stack.template["Resources"]
    rules = rules_for_types(frozenset(str(resources[t].get("Type")) for t in targets))
    new = [f for f in unacknowledged(mutate(stack, mutant), rules) if _key(f) not in baseline]
    errors = [f for f in new if f.blocks_synthesis]
    killed_by = sorted({f.rule.id for f in errors if f.logical_id in targets})
    warned_by = sorted(
        {f.rule.id for f in new if not f.blocks_synthesis and f.logical_id in targets}
    )
    elsewhere = sorted(
        {f"{f.rule.id} {f.logical_id}" for f in errors if f.logical_id not in targets}
    )
    return Outcome(mutant, tuple(killed_by), tuple(warned_by), tuple(elsewhere))


def mutants_of(stack: StackTemplate, configuration: Configuration) -> list[Mutant]:
    return derive(stack, configuration.construct, configuration.variant, configuration.scope)


def run(
    templates: Mapping[str, StackTemplate],
    configurations: Iterable[Configuration] = CONFIGURATIONS,
) -> list[Outcome]:
    """Every mutant of every configuration, judged; baselines must be clean."""
    outcomes: list[Outcome] = []
    for configuration in configurations:
        stack = templates[configuration.stack_name]
        base = unacknowledged(stack)
        if base:
            found = ", ".join(f"{f.rule.id} {f.logical_id}" for f in base)
            raise AssertionError(
                f"{configuration.stack_name} is not clean before mutation: {found}"
            )
        baseline: set[FindingKey] = set()
        outcomes.extend(judge(stack, m, baseline) for m in mutants_of(stack, configuration))
    return outcomes
