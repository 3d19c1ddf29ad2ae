"""Run rules over an app's templates and produce findings. Pure Python, no jsii."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aspects.constants import GUARANTEES_METADATA
from aspects.coverage import Coverage, StackCoverage, in_scope, stack_coverage
from aspects.index import AppIndex, ResourceView, StackTemplate, TemplateIndex
from aspects.model import CannotVerify, Finding, IgnoredAcknowledgment, Rule, Severity, Status
from aspects.settings import DEFAULT, Thresholds


@dataclass(frozen=True)
class Evaluation:
    """The outcome of checking some stacks: findings plus what was looked at.

    ``resources_checked`` counts the resources at least one rule judged; ``coverage`` says
    which resources of the stacks in scope no rule judged, by type (see
    :mod:`aspects.coverage`).
    """

    findings: tuple[Finding, ...]
    stacks: tuple[str, ...]
    resources_checked: int
    rules: tuple[Rule, ...] = field(default=())
    ignored_acknowledgments: tuple[IgnoredAcknowledgment, ...] = field(default=())
    coverage: Coverage = field(default_factory=Coverage)
    #: ``(stack path, ids of the rules selected for it)`` per stack checked, so a question
    #: about one stack (did this rule run here?) is not answered for the whole app.
    stack_rules: tuple[tuple[str, frozenset[str]], ...] = field(default=())

    def rules_ran_on(self, stack_path: str) -> frozenset[str]:
        """The ids of the rules selected for the stack at *stack_path* (none if unchecked)."""
        return next((ids for path, ids in self.stack_rules if path == stack_path), frozenset())

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Unacknowledged error-severity findings: these fail synthesis."""
        return tuple(f for f in self.findings if f.blocks_synthesis)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Unacknowledged warnings."""
        return tuple(f for f in self.findings if not f.acknowledged and not f.blocks_synthesis)

    @property
    def acknowledged(self) -> tuple[Finding, ...]:
        """Findings covered by a reasoned acknowledgment."""
        return tuple(f for f in self.findings if f.acknowledged)


@dataclass(frozen=True)
class Selection:
    """The rules for one stack: for all of it, and for subtrees of constructs in it.

    ``Aspects.of(construct).add(SecurityGuardrails())`` on a construct inside a stack
    judges exactly the resources at or below that construct: ``subtrees`` holds
    ``(construct path, rules)`` for such scopes. A resource is judged by ``whole`` plus the
    rules of every subtree that holds it (by its construct path).
    """

    whole: tuple[Rule, ...] = ()
    subtrees: tuple[tuple[str, tuple[Rule, ...]], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.whole or self.subtrees)

    def rules_at(self, construct_path: str | None) -> tuple[Rule, ...]:
        """The rules for a resource at *construct_path*."""
        if not self.subtrees or construct_path is None:
            return self.whole
        chosen = {rule.id: rule for rule in self.whole}
        for scope, rules in self.subtrees:
            if construct_path == scope or construct_path.startswith(scope + "/"):
                chosen.update((rule.id, rule) for rule in rules)
        return tuple(chosen.values())

    def covers(self, construct_path: str | None) -> bool:
        """Whether a resource at *construct_path* is in scope (some rules apply there)."""
        if self.whole:
            return True
        return construct_path is not None and any(
            in_scope(construct_path, scope) for scope, _rules in self.subtrees
        )


RulesFor = Callable[[StackTemplate], Sequence[Rule] | Selection]


def evaluate(
    stacks: Iterable[StackTemplate],
    rules_for: RulesFor,
    *,
    ignored_acknowledgments: Iterable[IgnoredAcknowledgment] = (),
    settings: Thresholds = DEFAULT,
) -> Evaluation:
    """Check every stack with the rules ``rules_for(stack)`` returns (empty = out of scope).

    All *stacks* are indexed (so references into stacks out of scope still resolve); only
    stacks with rules are checked. The engine never raises on a template: a rule that
    fails on a malformed resource gives a *cannot verify* finding on that resource.
    *ignored_acknowledgments* (found by the caller, e.g. on an App or Stage) are reported
    with those of the templates' metadata. *settings* are the thresholds the rules apply.
    The evaluation's ``coverage`` says, per stack checked, which resources no rule judged.
    """
    app = AppIndex(stacks, settings)
    findings: list[Finding] = []
    checked_stacks: list[str] = []
    used: dict[str, Rule] = {}
    ignored = list(ignored_acknowledgments)
    count = 0
    judged_by_stack: list[tuple[TemplateIndex, Selection, dict[str, list[str]]]] = []
    stack_rules: list[tuple[str, frozenset[str]]] = []
    for template in app.templates:
        selected = rules_for(template.stack)
        if not selected:
            continue
        selection = selected if isinstance(selected, Selection) else Selection(tuple(selected))
        checked_stacks.append(template.stack.stack_path)
        ignored.extend(template.ignored_acknowledgments)
        candidates = {r.id: r for r in selection.whole}
        for _scope, scoped in selection.subtrees:
            candidates.update((r.id, r) for r in scoped)
        used.update(candidates)
        stack_rules.append((template.stack.stack_path, frozenset(candidates)))
        by_type: dict[str, list[Rule]] = {}
        for rule in candidates.values():
            for resource_type in rule.resource_types:
                by_type.setdefault(resource_type, []).append(rule)
        judged: dict[str, list[str]] = {}
        judged_by_stack.append((template, selection, judged))
        for resource_type, type_rules in by_type.items():
            ids = template.by_type.get(resource_type, [])
            if not selection.subtrees:
                judged[resource_type] = ids  # every resource of the type (no copy)
            for logical_id in ids:
                if selection.subtrees:
                    allowed = {
                        r.id for r in selection.rules_at(template.construct_path(logical_id))
                    }
                    type_rules_here = [r for r in type_rules if r.id in allowed]
                else:
                    type_rules_here = type_rules
                if not type_rules_here:
                    continue
                if selection.subtrees:
                    judged.setdefault(resource_type, []).append(logical_id)
                count += 1
                views = _views(app, template, logical_id)
                for rule in type_rules_here:
                    findings.extend(_check(rule, template, logical_id, views))
    checked = frozenset(checked_stacks)
    coverage = Coverage(
        tuple(
            _coverage(template, selection, judged, checked)
            for template, selection, judged in judged_by_stack
        )
    )
    return Evaluation(
        tuple(findings),
        tuple(checked_stacks),
        count,
        tuple(used.values()),
        tuple(dict.fromkeys(ignored)),
        coverage,
        tuple(stack_rules),
    )


def _coverage(
    template: TemplateIndex,
    selection: Selection,
    judged: Mapping[str, list[str]],
    checked: frozenset[str],
) -> StackCoverage:
    covers = selection.covers if selection.subtrees else None
    return stack_coverage(template, judged, covers, checked)


Outcome = tuple[Status, str, str]  # status, message, property path


Variants = list[tuple[dict[str, bool], Mapping[str, Any]]]


def _expand(app: AppIndex, template: TemplateIndex, logical_id: str) -> Variants | CannotVerify:
    """The variants of a resource, computed once for all the rules that check it.

    Through the app's cache, which the relations read too (a bucket policy's variants
    serve both its own rules and every rule of its bucket).
    """
    try:
        return app.variants_of(template, logical_id)
    except CannotVerify as exc:
        return exc
    except Exception as exc:  # a malformed resource must not stop the check
        return CannotVerify(_malformed(exc))


def _views(
    app: AppIndex, template: TemplateIndex, logical_id: str
) -> list[ResourceView] | CannotVerify:
    """One view per variant of the resource, shared by every rule that checks it.

    A view holds nothing a rule can change (a frozen dataclass; ``props`` is read once),
    so building it once per resource instead of once per rule is the same check.
    """
    expanded = _expand(app, template, logical_id)
    if isinstance(expanded, CannotVerify):
        return expanded
    return [
        ResourceView(logical_id, variant, template, app, choice) for choice, variant in expanded
    ]


def _check(
    rule: Rule,
    template: TemplateIndex,
    logical_id: str,
    views: list[ResourceView] | CannotVerify,
) -> list[Finding]:
    if isinstance(views, CannotVerify):
        outcome = (Status.CANNOT_VERIFY, views.message, views.path)
        return [_finding(rule, template, logical_id, outcome)]
    if len(views) == 1:  # no Fn::If: the rule's outcomes as they are (the usual case)
        merged = _outcomes(rule, views[0])
        if not merged:
            return []
        return [_finding(rule, template, logical_id, o) for o in dict.fromkeys(merged)]
    per_variant = [(view.conditions, _outcomes(rule, view)) for view in views]
    # A problem in every combination of conditions is stated plainly; one that only some
    # combinations have means the deployed value depends on a condition: fail closed as
    # "cannot verify", naming the combination.
    everywhere = set.intersection(*(set(outs) for _, outs in per_variant))
    merged = sorted(everywhere, key=lambda o: (o[1], o[2]))
    for choice, outs in per_variant:
        when = ", ".join(f"{k} is {str(v).lower()}" for k, v in choice.items())
        merged.extend(
            (Status.CANNOT_VERIFY, f"depends on conditions; when {when}: {msg}", path)
            for _status, msg, path in outs
            if (_status, msg, path) not in everywhere
        )
    unique = list(dict.fromkeys(merged))
    return [_finding(rule, template, logical_id, outcome) for outcome in unique]


def _outcomes(rule: Rule, view: ResourceView) -> list[Outcome]:
    """What *rule* finds on one variant of a resource (nothing when it complies)."""
    outcomes: list[Outcome] = []
    try:
        # A rule may yield problems and then raise CannotVerify: keep both.
        for problem in rule.check(view):
            outcomes.append((Status.NON_COMPLIANT, problem.message, problem.path))
    except CannotVerify as exc:
        outcomes.append((Status.CANNOT_VERIFY, exc.message, exc.path))
    except Exception as exc:  # fail closed on what the rule cannot read
        outcomes.append((Status.CANNOT_VERIFY, _malformed(exc), ""))
    return outcomes


def _malformed(exc: Exception) -> str:
    """Why a resource the rule could not read is *cannot verify*, in one line."""
    detail = " ".join(str(exc).split())[:200]
    return (
        "the resource is malformed where this rule reads it, so it cannot be verified "
        f"({type(exc).__name__}: {detail})"
    )


def _finding(rule: Rule, template: TemplateIndex, logical_id: str, outcome: Outcome) -> Finding:
    status, message, path = outcome
    reason, ignored = template.acknowledgment(logical_id, rule.acknowledgment_id)
    enforced = rule.severity is Severity.WARNING and rule.id in _enforced(
        template.resources[logical_id]
    )
    return Finding(
        rule=rule,
        status=status,
        message=message,
        stack_path=template.stack.stack_path,
        template_path=template.path,
        logical_id=logical_id,
        resource_type=str(template.resources[logical_id].get("Type")),
        construct_path=template.construct_path(logical_id),
        property_path=path,
        acknowledged_reason=reason,
        ignored_acknowledgment=ignored,
        enforced=enforced,
    )


def _enforced(resource: Mapping[str, Any]) -> frozenset[str]:
    """The warning rules the resource's construct declared it keeps (metadata)."""
    metadata = resource.get("Metadata")
    guarantees = metadata.get(GUARANTEES_METADATA) if isinstance(metadata, Mapping) else None
    ids = guarantees.get("enforce") if isinstance(guarantees, Mapping) else None
    return frozenset(i for i in ids if isinstance(i, str)) if isinstance(ids, list) else frozenset()
