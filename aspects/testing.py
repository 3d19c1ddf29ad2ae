"""Helpers for users' own pytest suites: the guardrail findings of an app or a stack.

>>> evaluation = check(stack)            # synthesizes the app once
>>> assert_clean(stack)                  # raises AssertionError listing every finding
>>> check_template(template, rules=[MY_RULE])   # a template dict, no CDK (custom rules)

``check`` and ``assert_clean`` take ``extra_rules=`` (your own rules, run beside the
built-in ones); ``check_template`` runs the given rules (default: all built-in ones) on a
template dict and, unlike the guardrails, re-raises a custom check's exception so the
test shows the rule's traceback (see ``docs/custom-rules.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from aspects.custom_rules import RuleFailure, extend_selection, prepare_rules
from aspects.index import StackTemplate
from aspects.model import Rule

if TYPE_CHECKING:
    from constructs import IConstruct

from aspects.assembly import load_assembly
from aspects.baseline import audit_acknowledgments
from aspects.coverage import check_allow_unjudged, with_unjudged
from aspects.engine import Evaluation, evaluate
from aspects.errors import SecureConstructsError
from aspects.model import Pillar
from aspects.rules import ALL_RULES
from aspects.settings import DEFAULT, Thresholds


def _outdir(scope: IConstruct) -> str:
    import aws_cdk as cdk  # here: check_template works without CDK

    root = scope.node.root
    if not isinstance(root, cdk.Stage):
        raise TypeError(f"{scope.node.path!r} is not inside an App or Stage")
    try:
        root.synth()
    except RuntimeError as exc:  # the guardrails plugin (or another) failed synthesis
        if "ValidationFailed" not in str(exc):
            raise
    return root.outdir


def check(
    scope: IConstruct,
    *,
    pillars: Iterable[Pillar] = tuple(Pillar),
    settings: Thresholds = DEFAULT,
    fail_on_unjudged: bool = False,
    allow_unjudged: Mapping[str, str] | None = None,
    extra_rules: Iterable[Rule] = (),
) -> Evaluation:
    """Synthesize the app that holds *scope* and evaluate what is at or below it.

    *scope* may be the App, a Stage, a stack or a construct inside a stack (then exactly
    the resources at or below it are judged).

    Works whether or not the guardrail Aspects were added (a failed validation is caught
    and the findings computed from the templates), so tests can inspect insecure apps.
    Acknowledgments are honoured and reported with their reasons. *settings* are the
    thresholds to apply (the baseline by default). *fail_on_unjudged* and *allow_unjudged*
    are those of :class:`aspects.SecurityGuardrails`: with the first, every resource no
    rule judged is an error finding (``SC-COV-1``). ``evaluation.coverage`` holds the
    coverage either way. *extra_rules* (your own rules, :class:`aspects.Rule`) run beside the
    built-in rules on *scope*; they are checked first (``SC-RULE-*``).
    """
    from aspects.plugin import selection_for  # imports aws_cdk: only where CDK is used

    accepted, issues = check_allow_unjudged(allow_unjudged)
    if issues:
        raise SecureConstructsError("check()", issues)
    chosen = frozenset(pillars)
    extra = {scope.node.path: prepare_rules(extra_rules, "check()", pillars=chosen)}
    scopes = {scope.node.path: chosen}
    stacks = load_assembly(_outdir(scope))
    evaluation = evaluate(
        stacks,
        lambda s: extend_selection(selection_for(s.stack_path, scopes), s.stack_path, extra),
        settings=settings,
    )
    closed = [scope.node.path] if fail_on_unjudged else []
    evaluation = with_unjudged(evaluation, closed=closed, allow_unjudged=accepted)
    # The terms of acknowledge(..., until=, property=) apply as in synthesis: an expired or
    # narrower acknowledgment leaves the finding unacknowledged.
    evaluation, _audit = audit_acknowledgments(evaluation, stacks)
    return evaluation


def assert_clean(
    scope: IConstruct,
    *,
    pillars: Iterable[Pillar] = tuple(Pillar),
    allow_warnings: bool = False,
    fail_on_unjudged: bool = False,
    allow_unjudged: Mapping[str, str] | None = None,
    extra_rules: Iterable[Rule] = (),
) -> Evaluation:
    """Fail with every finding listed unless the stacks at or below *scope* are clean.

    Acknowledged findings are allowed; warnings are not unless ``allow_warnings``. With
    *fail_on_unjudged*, resources no rule judged fail too (see :func:`check`).
    """
    evaluation = check(
        scope,
        pillars=pillars,
        fail_on_unjudged=fail_on_unjudged,
        allow_unjudged=allow_unjudged,
        extra_rules=extra_rules,
    )
    bad = evaluation.errors + (() if allow_warnings else evaluation.warnings)
    if bad:
        lines = "\n".join(f"  {f.rule.id} {f.location} ({f.logical_id}): {f.message}" for f in bad)
        raise AssertionError(f"{len(bad)} guardrail finding(s):\n{lines}")
    return evaluation


def check_template(
    template: Mapping[str, Any],
    rules: Iterable[Rule] | None = None,
    *,
    settings: Thresholds = DEFAULT,
    stack_path: str = "Stack",
    metadata: Mapping[str, list[Mapping[str, Any]]] | None = None,
    raise_rule_errors: bool = True,
) -> Evaluation:
    """Run *rules* on one CloudFormation template given as a dict (no synthesis, no files).

    Parameters
    ----------
    template:
        The template (``{"Resources": {...}}``), as ``json.load`` gives it.
    rules:
        The rules to run, built-in or your own (checked first, ``SC-RULE-*``); default:
        every built-in rule.
    settings:
        The thresholds (default: the baseline).
    stack_path:
        The stack's construct path the findings name (default ``"Stack"``).
    metadata:
        CDK's ``<stack>.metadata.json`` content, if the test needs construct paths or
        acknowledgments (default: none, findings are located by logical id). The terms
        :func:`aspects.acknowledge` records (``until``, ``property``) apply as in
        synthesis.
    raise_rule_errors:
        Default True: a custom check that raises fails the call with an AssertionError
        naming the rule and the resource, chained to the original exception (the
        guardrails instead report it as *cannot verify* and go on). False: return that
        finding like the guardrails do.
    """
    failures: list[RuleFailure] = []
    chosen = prepare_rules(
        ALL_RULES if rules is None else rules, "check_template()", failures=failures
    )
    stack = StackTemplate(stack_path, f"{stack_path}.template.json", template, metadata or {})
    evaluation = evaluate([stack], lambda _stack: chosen, settings=settings)
    # The terms of acknowledgments in *metadata* (until=, property=) apply as in synthesis.
    evaluation, _audit = audit_acknowledgments(evaluation, [stack])
    if failures and raise_rule_errors:
        first = failures[0]
        raise AssertionError(str(first)) from first.exception
    return evaluation
