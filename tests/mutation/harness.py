"""Apply every mutant to a copy of its template and judge it with every rule."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aspects.engine import evaluate
from aspects.index import StackTemplate
from aspects.model import Finding
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
    elsewhere: tuple[str, ...]  # new blocking findings on other resources ("rule logicalId")

    @property
    def killed(self) -> bool:
        return bool(self.killed_by)


def _key(finding: Finding) -> FindingKey:
    return (finding.rule.id, finding.logical_id, finding.status.value, finding.message)


def unacknowledged(stack: StackTemplate) -> list[Finding]:
    """Unacknowledged findings (errors and warnings) of ALL_RULES on one stack."""
    evaluation = evaluate([stack], lambda _s: ALL_RULES)
    return [*evaluation.errors, *evaluation.warnings]


def blocking(stack: StackTemplate) -> list[Finding]:
    """Unacknowledged error-severity findings of ALL_RULES on one stack."""
    return [f for f in unacknowledged(stack) if f.blocks_synthesis]


def mutate(stack: StackTemplate, mutant: Mutant) -> StackTemplate:
    """The stack with *mutant* applied to a deep copy of its template."""
    template = copy.deepcopy(dict(stack.template))
    mutant.apply(template)
    return StackTemplate(stack.stack_path, stack.template_path, template, stack.metadata)


def judge(stack: StackTemplate, mutant: Mutant, baseline: set[FindingKey]) -> Outcome:
    """Killed: a new blocking finding names the mutated resource or a neighbour of it."""
    targets = neighbourhood(stack.template, mutant.logical_id)
    new = [f for f in unacknowledged(mutate(stack, mutant)) if _key(f) not in baseline]
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
