"""Helpers shared by the rule tests: pick the findings of one construct, build tokens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from constructs import Construct

from aspects.assembly import load_assembly
from aspects.engine import Evaluation
from aspects.index import TemplateIndex
from aspects.model import Finding, Status
from aspects.testing import check

NON_COMPLIANT = Status.NON_COMPLIANT
CANNOT_VERIFY = Status.CANNOT_VERIFY


@dataclass(frozen=True)
class Checked:
    """An app checked once: its findings, its templates, the path of every resource."""

    evaluation: Evaluation
    templates: Mapping[str, Mapping[str, Any]]  # stack path -> template
    paths: frozenset[str]  # construct paths of every resource of the app


def check_app(app: cdk.App) -> Checked:
    """Synthesize and check *app* (once); keep what the tests need to pick findings."""
    evaluation = check(app)
    stacks = load_assembly(app.outdir)
    paths = set()
    for stack in stacks:
        index = TemplateIndex(stack)
        paths.update(p for lid in index.resources if (p := index.construct_path(lid)))
    return Checked(evaluation, {s.stack_path: s.template for s in stacks}, frozenset(paths))


def findings_at(checked: Checked, path: str) -> list[Finding]:
    """Findings on the construct at *path* (``"Stack/Id"``) or below it.

    Fails if no resource lives there, so a misspelt case cannot pass as "no finding".
    """
    assert any(p == path or p.startswith(path + "/") for p in checked.paths), (
        f"no resource at {path!r}"
    )
    return [
        f
        for f in checked.evaluation.findings
        if f.construct_path is not None
        and (f.construct_path == path or f.construct_path.startswith(path + "/"))
    ]


def ids(checked: Checked, path: str) -> set[str]:
    """The rule ids violated at *path*."""
    return {f.rule.id for f in findings_at(checked, path)}


def outcomes(checked: Checked, path: str) -> set[tuple[str, Status]]:
    """``(rule id, status)`` of every finding at *path*."""
    return {(f.rule.id, f.status) for f in findings_at(checked, path)}


def cfn(construct: Construct) -> cdk.CfnResource:
    """The L1 resource of an L2 construct: where escape hatches are applied."""
    child = construct.node.default_child
    assert isinstance(child, cdk.CfnResource)
    return child


class Switch:
    """One CfnParameter and a CfnCondition on it, to build ``Fn::If`` values in a stack."""

    def __init__(self, stack: cdk.Stack, construct_id: str = "Flavour") -> None:
        self.parameter = cdk.CfnParameter(stack, construct_id, default="a")
        self.condition = cdk.CfnCondition(
            stack,
            f"{construct_id}IsA",
            expression=cdk.Fn.condition_equals(self.parameter.value_as_string, "a"),
        )

    def pick(self, when_true: Any, when_false: Any) -> Any:
        """``{"Fn::If": [condition, when_true, when_false]}``."""
        return cdk.Fn.condition_if(self.condition.logical_id, when_true, when_false)
