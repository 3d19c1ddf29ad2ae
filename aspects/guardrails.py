"""The public entry points: CDK Aspects that put the guardrails on an app, stage or stack.

``Aspects.of(scope).add(SecurityGuardrails())`` checks every stack at or below *scope*
(an App covers the stacks of nested Stages too) against all four pillars; the pillar
Aspects let a team adopt the guardrails one question at a time.
"""

from __future__ import annotations

import aws_cdk as cdk
import jsii
from constructs import IConstruct

from aspects.model import Pillar
from aspects.plugin import in_scope, plugin_of


@jsii.implements(cdk.IAspect)
class SecurityGuardrails:
    """All guardrails: in transit, at rest, prevention and detection.

    The Aspect itself changes nothing: on its first visit it registers the guardrails
    validation plugin for the scope it was added to. The rules then run on the
    synthesized templates, so escape hatches and resources from any library are judged as
    they will deploy. Error findings fail ``cdk synth`` and ``app.synth()``.
    """

    pillars: frozenset[Pillar] = frozenset(Pillar)

    def __init__(self) -> None:
        self._scopes: list[str] = []
        self._whole_app = False

    @classmethod
    def apply(cls, scope: IConstruct) -> None:
        """Put these guardrails on *scope* without an Aspect: the same checks, faster.

        ``Aspects.of(scope).add(SecurityGuardrails())`` makes CDK call back into Python
        once per construct (about 0.25 ms each through jsii, ~1 s for a 2000-resource
        app) although only the first visit matters. ``SecurityGuardrails.apply(scope)``
        registers the same validation plugin and scope directly. Call it once the scope
        exists; stacks added below it later are covered too (the plugin runs after
        synthesis).
        """
        plugin_of(scope).add_scope(scope.node.path, cls.pillars)

    def visit(self, node: IConstruct) -> None:
        """Register the scope on the first visit; later visits below it return at once."""
        if self._whole_app:
            return
        path = node.node.path
        if any(in_scope(path, scope) for scope in self._scopes):
            return
        self._scopes.append(path)
        self._whole_app = path == ""
        plugin_of(node).add_scope(path, self.pillars)


class InTransitGuardrails(SecurityGuardrails):
    """Only the in-transit rules (TLS-only access, TLS 1.2+)."""

    pillars = frozenset({Pillar.IN_TRANSIT})


class AtRestGuardrails(SecurityGuardrails):
    """Only the at-rest rules (KMS encryption, rotation, versioning, retention)."""

    pillars = frozenset({Pillar.AT_REST})


class PreventionGuardrails(SecurityGuardrails):
    """Only the prevention rules (no public access, no open ingress, least privilege)."""

    pillars = frozenset({Pillar.PREVENTION})


class DetectionGuardrails(SecurityGuardrails):
    """Only the detection rules (access logs, flow logs, log retention)."""

    pillars = frozenset({Pillar.DETECTION})
