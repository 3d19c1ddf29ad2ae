"""The CDK validation plugin that runs the rules on the synthesized templates.

CDK calls :meth:`GuardrailsPlugin.validate` after synthesis with the paths of every
template, so the rules judge exactly what will deploy, escape hatches included. One plugin
serves an app; each Aspect adds the scopes (construct paths) and pillars it covers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii

from aspects.assembly import with_nested
from aspects.constants import PLUGIN_NAME, VERSION
from aspects.engine import Evaluation, evaluate
from aspects.index import StackTemplate
from aspects.model import Finding, Pillar, Rule, Severity, Status
from aspects.report import summary, write_reports
from aspects.rules import ALL_RULES, rules_for

_ATTRIBUTE = "_secure_constructs_guardrails_plugin"


def in_scope(stack_path: str, scope_path: str) -> bool:
    """Whether a stack lies at or below a construct path ("" is the whole app)."""
    return scope_path == "" or stack_path == scope_path or stack_path.startswith(scope_path + "/")


@jsii.implements(cdk.IPolicyValidationPlugin)
class GuardrailsPlugin:
    """Judges the templates of the stacks in its scopes; one instance per app."""

    def __init__(self) -> None:
        self._scopes: dict[str, set[Pillar]] = {}
        self.last_evaluation: Evaluation | None = None

    @property
    def name(self) -> str:
        """Acknowledgment ids start with this name."""
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        """The secure-constructs version."""
        return VERSION

    @property
    def rule_ids(self) -> list[str]:
        """Every rule this plugin may report."""
        return [rule.id for rule in ALL_RULES]

    def add_scope(self, scope_path: str, pillars: frozenset[Pillar]) -> None:
        """Check stacks at or below *scope_path* against the rules of *pillars*."""
        self._scopes.setdefault(scope_path, set()).update(pillars)

    def rules_for(self, stack: StackTemplate) -> tuple[Rule, ...]:
        """The rules that apply to a stack: the union over the scopes containing it."""
        pillars: set[Pillar] = set()
        for scope_path, scope_pillars in self._scopes.items():
            if in_scope(stack.stack_path, scope_path):
                pillars |= scope_pillars
        return rules_for(frozenset(pillars)) if pillars else ()

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        """Run the rules; CDK fails synthesis if an error is not acknowledged."""
        # CDK hands over the templates of stacks, not of their NestedStacks: load those too.
        stacks = [
            stack
            for t in context.stack_templates
            for stack in with_nested(StackTemplate.load(t.stack_construct_path, t.template_path))
        ]
        evaluation = evaluate(stacks, self.rules_for)
        self.last_evaluation = evaluation
        reports: tuple[Path, ...] = ()
        if stacks:
            outdir = Path(os.path.commonpath([Path(s.template_path).parent for s in stacks]))
            reports = write_reports(evaluation, outdir)
        print(summary(evaluation, reports), file=sys.stderr, flush=True)
        return cdk.PolicyValidationPluginReport(
            success=not evaluation.errors,
            violations=[_violation(f) for f in evaluation.findings],
        )


def _violation(finding: Finding) -> cdk.PolicyViolation:
    prefix = "cannot verify: " if finding.status is Status.CANNOT_VERIFY else ""
    return cdk.PolicyViolation(
        rule_name=finding.rule.id,
        description=f"[{finding.rule.id}] {finding.rule.title}: {prefix}{finding.message}",
        fix=finding.rule.fix,
        severity="error" if finding.rule.severity is Severity.ERROR else "warning",
        rule_metadata={"pillar": str(finding.rule.pillar), "status": str(finding.status)},
        violating_resources=[
            cdk.PolicyViolatingResource(
                resource_logical_id=finding.logical_id,
                template_path=finding.template_path,
                locations=[finding.property_path or "Properties"],
            )
        ],
    )


def plugin_of(node: Any) -> GuardrailsPlugin:
    """The app's guardrails plugin, registered with CDK on first use."""
    root = node.node.root
    plugin = getattr(root, _ATTRIBUTE, None)
    if plugin is None:
        plugin = GuardrailsPlugin()
        cdk.Validations.of(root).add_plugins(plugin)
        setattr(root, _ATTRIBUTE, plugin)
    return plugin
