"""The public entry points: CDK Aspects that put the guardrails on an app, stage or stack.

``Aspects.of(scope).add(SecurityGuardrails())`` checks every stack at or below *scope*
(an App covers the stacks of nested Stages too) against all four pillars; the pillar
Aspects let a team adopt the guardrails one question at a time.
"""

from __future__ import annotations

import aws_cdk as cdk
import jsii
from constructs import IConstruct

from aspects.errors import Issue, SecureConstructsError
from aspects.model import Pillar
from aspects.plugin import in_scope, plugin_of
from aspects.settings import Thresholds


@jsii.implements(cdk.IAspect)
class SecurityGuardrails:
    """All guardrails: in transit, at rest, prevention and detection.

    The Aspect itself changes nothing: on its first visit it registers the guardrails
    validation plugin for the scope it was added to. The rules then run on the
    synthesized templates, so escape hatches and resources from any library are judged as
    they will deploy. Error findings fail ``cdk synth`` and ``app.synth()``.
    """

    pillars: frozenset[Pillar] = frozenset(Pillar)

    def __init__(self, settings: Thresholds | None = None) -> None:
        """*settings*: tighter thresholds than the baseline (:class:`aspects.Thresholds`)."""
        if settings is not None and not isinstance(settings, Thresholds):
            raise SecureConstructsError(
                type(self).__name__,
                [
                    Issue(
                        "SC-GUARD-4",
                        "settings",
                        f"{settings!r} is not a Thresholds.",
                        "pass aspects.Thresholds(...) or leave it out for the baseline.",
                    )
                ],
            )
        self._settings = settings
        self._scopes: list[str] = []
        self._whole_app = False

    @classmethod
    def apply(cls, scope: IConstruct, settings: Thresholds | None = None) -> None:
        """Put these guardrails on *scope* without an Aspect: the same checks, faster.

        ``Aspects.of(scope).add(SecurityGuardrails())`` makes CDK call back into Python
        once per construct (about 0.25 ms each through jsii, ~1 s for a 2000-resource
        app) although only the first visit matters. ``SecurityGuardrails.apply(scope)``
        registers the same validation plugin and scope directly. Call it once the scope
        exists; stacks added below it later are covered too (the plugin runs after
        synthesis).
        """
        cls(settings)._register(scope)

    def visit(self, node: IConstruct) -> None:
        """Register the scope on the first visit; later visits below it return at once."""
        if self._whole_app:
            return
        path = node.node.path
        if any(in_scope(path, scope) for scope in self._scopes):
            return
        self._scopes.append(path)
        self._whole_app = path == ""
        self._register(node)

    def _register(self, node: IConstruct) -> None:
        plugin = plugin_of(node)  # checks that *node* is a construct under an App first
        plugin.add_scope(node.node.path, self.pillars, self._settings)


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
