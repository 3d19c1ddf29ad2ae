"""Helpers for users' own pytest suites: the guardrail findings of an app or a stack.

>>> evaluation = check(stack)            # synthesizes the app once
>>> assert_clean(stack)                  # raises AssertionError listing every finding
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import aws_cdk as cdk
from constructs import IConstruct

from aspects.assembly import load_assembly
from aspects.coverage import check_allow_unjudged, with_unjudged
from aspects.engine import Evaluation, evaluate
from aspects.errors import SecureConstructsError
from aspects.model import Pillar
from aspects.plugin import selection_for
from aspects.settings import DEFAULT, Thresholds


def _outdir(scope: IConstruct) -> str:
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
    coverage either way.
    """
    accepted, issues = check_allow_unjudged(allow_unjudged)
    if issues:
        raise SecureConstructsError("check()", issues)
    scopes = {scope.node.path: frozenset(pillars)}
    stacks = load_assembly(_outdir(scope))
    evaluation = evaluate(stacks, lambda s: selection_for(s.stack_path, scopes), settings=settings)
    closed = [scope.node.path] if fail_on_unjudged else []
    return with_unjudged(evaluation, closed=closed, allow_unjudged=accepted)


def assert_clean(
    scope: IConstruct,
    *,
    pillars: Iterable[Pillar] = tuple(Pillar),
    allow_warnings: bool = False,
    fail_on_unjudged: bool = False,
    allow_unjudged: Mapping[str, str] | None = None,
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
    )
    bad = evaluation.errors + (() if allow_warnings else evaluation.warnings)
    if bad:
        lines = "\n".join(f"  {f.rule.id} {f.location} ({f.logical_id}): {f.message}" for f in bad)
        raise AssertionError(f"{len(bad)} guardrail finding(s):\n{lines}")
    return evaluation
