"""The public entry points: CDK Aspects that put the guardrails on an app, stage or stack.

``Aspects.of(scope).add(SecurityGuardrails())`` checks every stack at or below *scope*
(an App covers the stacks of nested Stages too) against all four pillars; the pillar
Aspects let a team adopt the guardrails one question at a time.
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
import jsii
from constructs import IConstruct

from aspects.coverage import check_allow_unjudged, in_scope
from aspects.errors import Issue, SecureConstructsError
from aspects.model import Pillar
from aspects.plugin import plugin_of
from aspects.settings import Thresholds


@jsii.implements(cdk.IAspect)
class SecurityGuardrails:
    """All guardrails: in transit, at rest, prevention and detection.

    The Aspect itself changes nothing: on its first visit it registers the guardrails
    validation plugin for the scope it was added to. The rules then run on the
    synthesized templates, so escape hatches and resources from any library are judged as
    they will deploy. Error findings fail ``cdk synth`` and ``app.synth()``.

    Every report states how many resources a rule judged and which resource types none did
    (``docs/coverage.md``).
    """

    pillars: frozenset[Pillar] = frozenset(Pillar)

    def __init__(
        self,
        settings: Thresholds | None = None,
        *,
        fail_on_unjudged: bool = False,
        allow_unjudged: Mapping[str, str] | None = None,
    ) -> None:
        """Configure the guardrails; nothing runs until synthesis.

        Parameters
        ----------
        settings:
            Tighter thresholds than the baseline (:class:`aspects.Thresholds`); default:
            the baseline.
        fail_on_unjudged:
            Default False: resources of types no selected rule judges are only reported.
            True: each such resource at or below the scope is an error that fails
            synthesis (types in the reviewed nothing-to-judge table never are).
        allow_unjudged:
            Resource type -> why it needs no rule (at least 20 characters): accepted as
            not judged, never an error, and shown with the reason in the reports. Default:
            none. The entries of every guardrails of an app apply to the whole app.
        """
        issues: list[Issue] = []
        if settings is not None and not isinstance(settings, Thresholds):
            issues.append(
                Issue(
                    "SC-GUARD-4",
                    "settings",
                    f"{settings!r} is not a Thresholds.",
                    "pass aspects.Thresholds(...) or leave it out for the baseline.",
                )
            )
        if not isinstance(fail_on_unjudged, bool):
            issues.append(
                Issue(
                    "SC-GUARD-5",
                    "fail_on_unjudged",
                    f"{fail_on_unjudged!r} is not True or False.",
                    "pass fail_on_unjudged=True for a closed world, or leave it out.",
                )
            )
        allowed, problems = check_allow_unjudged(allow_unjudged)
        issues += problems
        if issues:
            raise SecureConstructsError(type(self).__name__, issues)
        self._settings = settings
        self._fail_on_unjudged = fail_on_unjudged
        self._allow_unjudged = allowed
        self._scopes: list[str] = []
        self._whole_app = False

    @classmethod
    def apply(
        cls,
        scope: IConstruct,
        settings: Thresholds | None = None,
        *,
        fail_on_unjudged: bool = False,
        allow_unjudged: Mapping[str, str] | None = None,
    ) -> None:
        """Put these guardrails on *scope* without an Aspect: the same checks, faster.

        ``Aspects.of(scope).add(SecurityGuardrails())`` makes CDK call back into Python
        once per construct (about 0.25 ms each through jsii, ~1 s for a 2000-resource
        app) although only the first visit matters. ``SecurityGuardrails.apply(scope)``
        registers the same validation plugin and scope directly. Call it once the scope
        exists; stacks added below it later are covered too (the plugin runs after
        synthesis). The options are those of the constructor.
        """
        cls(settings, fail_on_unjudged=fail_on_unjudged, allow_unjudged=allow_unjudged)._register(
            scope
        )

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
        plugin.add_scope(
            node.node.path,
            self.pillars,
            self._settings,
            fail_on_unjudged=self._fail_on_unjudged,
            allow_unjudged=self._allow_unjudged,
        )


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
