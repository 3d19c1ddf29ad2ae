"""The public entry points: CDK Aspects that put the guardrails on an app, stage or stack.

``Aspects.of(scope).add(SecurityGuardrails())`` checks every stack at or below *scope*
(an App covers the stacks of nested Stages too) against all four pillars; the pillar
Aspects let a team adopt the guardrails one question at a time.

The same object is also a CDK validation plugin, registered the way cdk-nag 3 packs are:
``cdk.Validations.of(app).add_plugins(SecurityGuardrails())`` or
``cdk.App(policy_validation_beta1=[SecurityGuardrails()])`` check every stack of that App
or Stage (nested Stages included) and block and report exactly as the Aspect does.

Adopting on an existing app (``docs/guardrails.md``): ``fail_on="never"`` reports without
blocking, ``fail_on_pillars`` sets a level per pillar, and ``baseline=`` accepts the
findings recorded by ``secure-constructs baseline create`` so that only new ones block.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

import aws_cdk as cdk
import jsii
from constructs import IConstruct

from aspects.assembly import InputError
from aspects.baseline import Baseline, fail_on_policy
from aspects.constants import PLUGIN_NAME, VERSION
from aspects.coverage import check_allow_unjudged
from aspects.custom_rules import prepare_rules
from aspects.errors import Issue, SecureConstructsError
from aspects.model import Pillar, Rule
from aspects.native_aspect import ScopeOnceAspect
from aspects.plugin import PLUGIN_ATTRIBUTE, GuardrailsPlugin, plugin_of
from aspects.rules import rules_for
from aspects.settings import Thresholds


@jsii.implements(cdk.IPolicyValidationPlugin, cdk.IPolicyValidationPluginBeta1)
class SecurityGuardrails(ScopeOnceAspect):
    """All guardrails: in transit, at rest, prevention and detection.

    The Aspect itself changes nothing: on its first visit it registers the guardrails
    validation plugin for the scope it was added to. The rules then run on the
    synthesized templates, so escape hatches and resources from any library are judged as
    they will deploy. Error findings fail ``cdk synth`` and ``app.synth()``.

    Every report states how many resources a rule judged and which resource types none did
    (``docs/coverage.md``).

    Register it as an Aspect (``Aspects.of(scope).add(...)``, any scope), with
    :meth:`apply`, or as a validation plugin (``Validations.of(app).add_plugins(...)``,
    ``cdk.App(policy_validation_beta1=[...])``: every stack of that App or Stage). An app
    uses one way: guardrails registered as a plugin beside others refuse to run
    (``SC-GUARD-8``) rather than write two sets of reports. Registered as a plugin on
    aws-cdk-lib before 2.275 they write no report files: CDK lets a plugin only add files,
    and nothing removes last run's reports before validation (the Aspect and :meth:`apply`
    do, when they register; see :mod:`aspects.plugin`).
    """

    pillars: frozenset[Pillar] = frozenset(Pillar)

    def __init__(
        self,
        settings: Thresholds | None = None,
        *,
        fail_on_unjudged: bool = False,
        allow_unjudged: Mapping[str, str] | None = None,
        extra_rules: Iterable[Rule] = (),
        fail_on: str = "error",
        fail_on_pillars: Mapping[Pillar | str, str] | None = None,
        baseline: str | os.PathLike[str] | Baseline | None = None,
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
        extra_rules:
            Your own rules (:class:`aspects.Rule`, ``docs/custom-rules.md``), run with the
            built-in ones on the same scope; each must be of a pillar these guardrails run.
            Checked up front: an invalid rule raises ``SC-RULE-*``. Default: none.
        fail_on:
            When an unacknowledged finding fails synthesis, as ``scan --fail-on``:
            ``"error"`` (default), ``"warning"`` (warnings too) or ``"never"`` (report-only:
            every finding is still reported, marked as not blocking). Where the scopes of
            several guardrails overlap, the stricter level wins.
        fail_on_pillars:
            Pillar (``Pillar`` or its name, e.g. ``"detection"``) -> level, replacing
            *fail_on* for that pillar's findings. Default: none.
        baseline:
            A baseline file (``secure-constructs baseline create``) or
            :class:`aspects.baseline.Baseline`: findings it lists are reported as baselined
            and do not block; entries that match nothing are reported as stale. Read now,
            relative to the working directory; one baseline per app (``SC-GUARD-7``).
            Default: none.
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
        policy, problems = fail_on_policy(fail_on, fail_on_pillars)
        issues += problems
        accepted: Baseline | None = None
        if isinstance(baseline, Baseline) or baseline is None:
            accepted = baseline
        elif isinstance(baseline, str | os.PathLike):
            try:
                accepted = Baseline.load(os.fspath(baseline))
            except InputError as exc:
                issues.append(
                    Issue(
                        "SC-GUARD-9",
                        "baseline",
                        f"{exc}.",
                        "run `secure-constructs baseline create cdk.out` (after a synth with "
                        "fail_on='never') and pass the file it wrote.",
                    )
                )
        else:
            issues.append(
                Issue(
                    "SC-GUARD-9",
                    "baseline",
                    f"{baseline!r} is not a file path or a Baseline.",
                    "pass the path of the baseline file, e.g. '.secure-constructs-baseline.json'.",
                )
            )
        if issues:
            raise SecureConstructsError(type(self).__name__, issues)
        self._fail_on = policy
        self._baseline = accepted
        self._settings = settings
        self._fail_on_unjudged = fail_on_unjudged
        self._allow_unjudged = allowed
        self._extra_rules = prepare_rules(extra_rules, type(self).__name__, pillars=self.pillars)
        # The Aspect (cdk.IAspect) is the native ScopeOnceAspect: CDK's visits stay in
        # Node and _on_scope runs once per scope (aspects/native_aspect.py, issue 14).
        super().__init__()

    @classmethod
    def apply(
        cls,
        scope: IConstruct,
        settings: Thresholds | None = None,
        *,
        fail_on_unjudged: bool = False,
        allow_unjudged: Mapping[str, str] | None = None,
        extra_rules: Iterable[Rule] = (),
        fail_on: str = "error",
        fail_on_pillars: Mapping[Pillar | str, str] | None = None,
        baseline: str | os.PathLike[str] | Baseline | None = None,
    ) -> None:
        """Put these guardrails on *scope* without an Aspect: the same checks, faster.

        ``Aspects.of(scope).add(SecurityGuardrails())`` makes CDK call back into Python
        once per construct (about 0.25 ms each through jsii, ~1 s for a 2000-resource
        app) although only the first visit matters. ``SecurityGuardrails.apply(scope)``
        registers the same validation plugin and scope directly. Call it once the scope
        exists; stacks added below it later are covered too (the plugin runs after
        synthesis). The options are those of the constructor.
        """
        cls(
            settings,
            fail_on_unjudged=fail_on_unjudged,
            allow_unjudged=allow_unjudged,
            extra_rules=extra_rules,
            fail_on=fail_on,
            fail_on_pillars=fail_on_pillars,
            baseline=baseline,
        )._register(scope)

    def _on_scope(self, scope: IConstruct) -> None:
        """Register *scope*: called from Node once per scope this Aspect was added to."""
        self._register(scope)

    def _register(self, node: IConstruct) -> None:
        plugin = plugin_of(node)  # checks that *node* is a construct under an App first
        self._add_to(plugin, node.node.path)

    def _add_to(self, plugin: GuardrailsPlugin, path: str) -> None:
        plugin.add_scope(
            path,
            self.pillars,
            self._settings,
            fail_on_unjudged=self._fail_on_unjudged,
            allow_unjudged=self._allow_unjudged,
            fail_on=self._fail_on,
            baseline=self._baseline,
            extra_rules=self._extra_rules,
        )

    # -- as a CDK validation plugin (Validations.of(app).add_plugins, policy_validation_beta1)

    @property
    def name(self) -> str:
        """The plugin name; acknowledgment ids start with it (``SecureConstructs::``)."""
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        """The secure-constructs version."""
        return VERSION

    @property
    def rule_ids(self) -> list[str]:
        """The rules of these guardrails' pillars, then their custom rules."""
        return [rule.id for rule in (*rules_for(self.pillars), *self._extra_rules)]

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        """Check every stack CDK hands over (those of the App or Stage it was added to).

        The checks, reports and verdict are those of the Aspect: the same
        :class:`aspects.plugin.GuardrailsPlugin` runs, with each stack as a scope.
        """
        root = context.app_construct
        plugin = getattr(root, PLUGIN_ATTRIBUTE, None)
        if plugin is None:
            plugin = GuardrailsPlugin()
            plugin.registered_by = self
            setattr(root, PLUGIN_ATTRIBUTE, plugin)
        elif getattr(plugin, "registered_by", None) is not self:
            raise SecureConstructsError(
                type(self).__name__,
                [
                    Issue(
                        "SC-GUARD-8",
                        "plugin",
                        "these guardrails were registered as a validation plugin of an app "
                        "that already has guardrails (an Aspect, apply(), or another plugin), "
                        "so the app would be checked twice with two sets of reports.",
                        "register the guardrails one way per app: one add_plugins(...) or "
                        "policy_validation_beta1 entry, or Aspects (one per scope).",
                    )
                ],
            )
        for stack in context.stack_templates:
            self._add_to(plugin, stack.stack_construct_path)
        return plugin.validate(context)


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
