"""The CDK validation plugin that runs the rules on the synthesized templates.

CDK calls :meth:`GuardrailsPlugin.validate` after synthesis with the paths of every
template, so the rules judge exactly what will deploy, escape hatches included. One plugin
serves an app; each Aspect adds the scopes (construct paths) and pillars it covers.

Reports of an earlier run are removed *before* validation, when the guardrails are
registered (:func:`plugin_of`: the Aspect's first visit, or ``apply``), so the plugin only
adds files: aws-cdk-lib before 2.275 fails synthesis (``IllegalPluginOperation``) when a
validation plugin changes or removes a file that was in the output directory before
validation began (:func:`plugins_only_add_files`), and every synthesis after the first
would otherwise have to replace the last one's report. A crash after that point leaves no
report, so never last run's "0 errors".
"""

from __future__ import annotations

import gc
import inspect
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii

from aspects.assembly import with_nested
from aspects.baseline import (
    Adoption,
    Baseline,
    FailOn,
    audit_acknowledgments,
    decide,
    finding_states,
    stricter,
)
from aspects.constants import (
    ACKNOWLEDGED_RULES_METADATA,
    PLUGIN_NAME,
    VERSION,
)
from aspects.coverage import UNJUDGED_RULE, in_scope, with_unjudged
from aspects.custom_rules import extend_selection, same_rule
from aspects.engine import Evaluation, Selection, evaluate
from aspects.errors import Issue, SecureConstructsError
from aspects.index import StackTemplate, normalise_ack_id
from aspects.model import Finding, IgnoredAcknowledgment, Pillar, Rule, Severity, Status
from aspects.report import (
    existing_reports,
    remove_reports,
    render_reports,
    summary,
    write_atomically,
)
from aspects.rules import ALL_RULES, rules_for
from aspects.sam import with_unverifiable
from aspects.settings import DEFAULT, Thresholds

#: The rule name of the one violation that fails synthesis whenever the guardrails found
#: an unacknowledged error (see :func:`gate_violation`).
GATE_RULE = "SC-GATE"
#: How many blocking findings the gate violation names before it says "and N more".
GATE_LISTED = 25
#: The logical id the gate violation names: no template holds it (see gate_violation).
GATE_LOGICAL_ID = "SecureConstructsGuardrailsGate"

#: The attribute of the App (or root Stage) that holds its one guardrails plugin.
PLUGIN_ATTRIBUTE = "_secure_constructs_guardrails_plugin"
_ATTRIBUTE = PLUGIN_ATTRIBUTE


def selection_for(stack_path: str, scopes: Mapping[str, Iterable[Pillar]]) -> Selection:
    """The rules for the stack at *stack_path* given scopes (construct path -> pillars).

    A scope that holds the stack applies to all of it; a scope inside the stack (a
    construct) applies to the resources at or below that construct.
    """
    whole: set[Pillar] = set()
    inside: dict[str, set[Pillar]] = {}
    for scope_path, scope_pillars in scopes.items():
        if in_scope(stack_path, scope_path):
            whole.update(scope_pillars)
        elif scope_path.startswith(stack_path + "/"):
            inside.setdefault(scope_path, set()).update(scope_pillars)
    subtrees = tuple(
        (path, rules_for(frozenset(pillars)))
        for path, pillars in sorted(inside.items())
        if not pillars <= whole
    )
    return Selection(rules_for(frozenset(whole)) if whole else (), subtrees)


@jsii.implements(cdk.IPolicyValidationPlugin)
class GuardrailsPlugin:
    """Judges the templates of the stacks in its scopes; one instance per app."""

    def __init__(self) -> None:
        self._scopes: dict[str, set[Pillar]] = {}
        #: Scope -> its custom rules by id (``extra_rules`` of the guardrails there).
        self._extra_rules: dict[str, dict[str, Rule]] = {}
        self._settings: Thresholds | None = None
        #: Scopes whose guardrails asked for fail_on_unjudged.
        self._closed: set[str] = set()
        #: Types accepted as not judged, with the reason (allow_unjudged of every scope).
        self._allow_unjudged: dict[str, str] = {}
        #: Scope -> when its findings block (the stricter level wins where scopes overlap).
        self._fail_on: dict[str, list[tuple[frozenset[Pillar], FailOn]]] = {}
        #: The app's baseline (one per app, like the thresholds).
        self._baseline: Baseline | None = None
        self.last_evaluation: Evaluation | None = None
        #: What blocked, what a baseline accepted, what is stale (last validation).
        self.last_adoption: Adoption | None = None
        #: The SecurityGuardrails registered with CDK as a plugin that runs this one (None
        #: when Aspects or apply() registered it).
        self.registered_by: object | None = None

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
        """Every rule this plugin may report: the catalogue, then the custom rules."""
        custom = dict.fromkeys(i for rules in self._extra_rules.values() for i in rules)
        return [*(rule.id for rule in ALL_RULES), *custom]

    def add_scope(
        self,
        scope_path: str,
        pillars: frozenset[Pillar],
        settings: Thresholds | None = None,
        *,
        fail_on_unjudged: bool = False,
        allow_unjudged: Mapping[str, str] | None = None,
        fail_on: FailOn | None = None,
        baseline: Baseline | None = None,
        extra_rules: Iterable[Rule] = (),
    ) -> None:
        """Check stacks at or below *scope_path* against the rules of *pillars*.

        *settings* (thresholds) apply to the whole app: two guardrails of one app that ask
        for different thresholds are refused rather than one silently winning.
        *fail_on_unjudged* makes the resources at or below *scope_path* that no rule
        judged errors; *allow_unjudged* (type -> reason, already checked) accepts types for
        the whole app (the entries of every guardrails of the app together). *fail_on*
        says when the findings of this scope block (default: errors); where scopes
        overlap, the stricter level wins. *baseline* applies to the whole app: two
        guardrails of one app with different baselines are refused (``SC-GUARD-7``).
        *extra_rules* (custom rules, already checked by
        :func:`aspects.custom_rules.prepare_rules`) run beside the built-in ones at or
        below *scope_path* only; two scopes of one app may share a rule, never bring two
        different rules of one id (``SC-RULE-2``, naming both scopes), refused before
        anything of the call is registered.
        """
        custom = {rule.id: rule for rule in extra_rules}
        self._check_custom_ids(scope_path, custom)
        if baseline is not None:
            if self._baseline is not None and self._baseline != baseline:
                raise SecureConstructsError(
                    "SecurityGuardrails",
                    [
                        Issue(
                            "SC-GUARD-7",
                            "baseline",
                            f"the guardrails at {scope_path or '<app>'!r} use another baseline "
                            f"({baseline.source or 'in memory'}) than guardrails already added "
                            f"to this app ({self._baseline.source or 'in memory'}).",
                            "pass the same baseline file to every SecurityGuardrails of an app.",
                        )
                    ],
                )
            self._baseline = baseline
        self._fail_on.setdefault(scope_path, []).append((pillars, fail_on or FailOn()))
        if settings is not None:
            if self._settings is not None and self._settings != settings:
                raise SecureConstructsError(
                    "SecurityGuardrails",
                    [
                        Issue(
                            "SC-GUARD-3",
                            "settings",
                            f"the guardrails at {scope_path or '<app>'!r} ask for other "
                            "thresholds than guardrails already added to this app.",
                            "pass the same Thresholds to every SecurityGuardrails of an app.",
                        )
                    ],
                )
            self._settings = settings
        for resource_type, reason in (allow_unjudged or {}).items():
            self._allow_unjudged.setdefault(resource_type, reason)
        if fail_on_unjudged:
            self._closed.add(scope_path)
        self._scopes.setdefault(scope_path, set()).update(pillars)
        if custom:
            self._extra_rules.setdefault(scope_path, {}).update(custom)

    def _check_custom_ids(self, scope_path: str, custom: Mapping[str, Rule]) -> None:
        """Refuse a custom rule whose id another scope of this app gave to another rule."""
        for scope, rules in self._extra_rules.items():
            for rule_id, rule in custom.items():
                known = rules.get(rule_id)
                if known is not None and not same_rule(known, rule):
                    raise SecureConstructsError(
                        "SecurityGuardrails",
                        [
                            Issue(
                                "SC-RULE-2",
                                f"rule {rule_id}.id",
                                f"the guardrails at {scope_path or '<app>'!r} bring another "
                                f"rule {rule_id!r} than the guardrails at {scope or '<app>'!r}.",
                                "give every custom rule its own id, and pass the same Rule "
                                "object wherever it runs.",
                            )
                        ],
                    )

    @property
    def settings(self) -> Thresholds:
        """The thresholds the rules apply (the baseline unless an Aspect tightened them)."""
        return self._settings or DEFAULT

    def level_of(self, finding: Finding) -> str:
        """The fail-on level of *finding*: the strictest of the scopes that hold it.

        Scopes that run the finding's pillar decide; a finding of no pillar a scope runs
        (``SC-COV-1``, ``SC-CFN-1``) takes the strictest level of the scopes that hold it,
        else of the app.
        """
        where = finding.construct_path or finding.stack_path
        holding = [
            (pillars, policy)
            for scope, policies in self._fail_on.items()
            if in_scope(where, scope) or in_scope(finding.stack_path, scope)
            for pillars, policy in policies
        ]
        everything = [entry for policies in self._fail_on.values() for entry in policies]
        for candidates in (
            [entry for entry in holding if finding.rule.pillar in entry[0]],
            holding,
            everything,
        ):
            if candidates:
                level = "never"
                for _pillars, policy in candidates:
                    level = stricter(level, policy.level(finding.rule.pillar))
                return level
        return "error"

    def policy(self) -> tuple[str, dict[str, object]]:
        """The fail-on policy in words and as data (per scope when they differ)."""
        scopes = {
            scope or "<app>": [policy for _pillars, policy in policies]
            for scope, policies in sorted(self._fail_on.items())
        }
        distinct = {policy for policies in scopes.values() for policy in policies}
        if len(distinct) <= 1:
            only = next(iter(distinct), FailOn())
            return only.describe(), only.data()
        text = "; ".join(
            f"{scope}: {', '.join(p.describe() for p in policies)}"
            for scope, policies in scopes.items()
        )
        return f"per scope ({text})", {
            "scopes": {scope: [p.data() for p in policies] for scope, policies in scopes.items()}
        }

    def rules_for(self, stack: StackTemplate) -> Selection:
        """The rules for a stack: the scopes that contain it, and scopes inside it.

        The built-in rules of each scope's pillars, plus the custom rules given to it.
        """
        selection = selection_for(stack.stack_path, self._scopes)
        if not self._extra_rules:
            return selection
        custom = {scope: tuple(rules.values()) for scope, rules in self._extra_rules.items()}
        return extend_selection(selection, stack.stack_path, custom)

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        """Run the rules; synthesis fails on any unacknowledged error.

        CDK's own pass/fail is not enough on its own: the CDK CLI only fails for violations
        in the stacks it selected (never those of nested Stages), and CDK suppresses on
        acknowledgments the guardrails do not honour (no reason; on an App or Stage). So
        every blocking result also raises one *fatal* violation that names no resource
        (:func:`gate_violation`): CDK never suppresses a fatal violation and the CLI keeps
        violations without resources whatever stacks it selected.

        The findings reach CDK grouped: one violation per rule, severity and exact text,
        naming each finding's resource and property path (:func:`_violations`), so a rule
        failed the same way by many resources costs one violation, not one per finding.
        """
        root = context.app_construct
        outdir = report_dir(root)
        # Reports here now were there before validation began. Registering through an
        # Aspect or apply() removed earlier runs' already, so only a plugin registration or
        # a second synthesis in one process finds any. Where CDK lets a plugin change files
        # they go now, so a crash cannot leave last run's "0 errors" behind. Where it does
        # not (frozen), they may only stay if they are exactly this run's, or go when
        # synthesis fails anyway (a crash, another verdict: _keep_identical_reports).
        frozen = bool(existing_reports(outdir)) and plugins_only_add_files()
        if not frozen:
            remove_reports(outdir)
        # Parsing the templates and judging them allocate hundreds of thousands of
        # containers, which set off the cyclic garbage collector's full collections: each
        # walks every object of the process, and after building a CDK app those are many
        # (they doubled the time of reading the templates). Nothing here depends on
        # collecting cycles, so the collector pauses for the validation and resumes after
        # it, as it was.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._validate(context, outdir, frozen)
        except BaseException:
            if frozen:  # synthesis fails anyway: never leave an earlier verdict beside it
                remove_reports(outdir)
            raise
        finally:
            if collecting:
                gc.enable()

    def _validate(
        self, context: cdk.IPolicyValidationContext, outdir: Path, frozen: bool
    ) -> cdk.PolicyValidationPluginReport:
        root = context.app_construct
        # CDK hands over the templates of stacks, not of their NestedStacks: load those too.
        # Each property read is a round trip to Node: read every one once.
        handed = [(t.stack_construct_path, t.template_path) for t in context.stack_templates]
        stacks = [
            stack
            for stack_path, template_path in handed
            for stack in with_nested(StackTemplate.load(stack_path, template_path))
        ]
        above = acknowledgments_above_stacks(root, [stack_path for stack_path, _ in handed])
        evaluation = evaluate(
            stacks, self.rules_for, ignored_acknowledgments=above, settings=self.settings
        )
        # A Transform that could not be expanded (a macro, AWS::Include, SAM that does not
        # translate) leaves resources nobody read: each is an error, never a silent pass.
        checked = set(evaluation.stacks)
        evaluation = with_unverifiable(evaluation, [s for s in stacks if s.stack_path in checked])
        # fail_on_unjudged: resources no rule judged are errors, unless their type is allowed.
        evaluation = with_unjudged(
            evaluation, closed=sorted(self._closed), allow_unjudged=self._allow_unjudged
        )
        # Acknowledgments' terms (until=, property=), then what blocks: fail_on, baseline.
        evaluation, audit = audit_acknowledgments(evaluation, stacks)
        words, data = self.policy()
        adoption = decide(
            evaluation,
            level_of=self.level_of,
            policy=words,
            baseline=self._baseline,
            acknowledgments=audit,
            policy_data=data,
        )
        self.last_evaluation = evaluation
        self.last_adoption = adoption
        # Registered as a plugin where CDK lets plugins only add files, nothing removes the
        # reports before the next validation, which could then not replace them: none.
        unwritable = self.registered_by is not None and plugins_only_add_files()
        rendered = (
            render_reports(evaluation, outdir, adoption=adoption)
            if stacks and not unwritable
            else {}
        )
        if frozen:
            _keep_identical_reports(outdir, rendered)
        else:
            for path, report_text in rendered.items():
                write_atomically(path, report_text)
        text = summary(
            evaluation, tuple(rendered), _maybe_hidden(evaluation, outdir, adoption.blocking)
        )
        lines = [text, *adoption.lines()]
        if unwritable and stacks:
            lines.append(NO_REPORTS_AS_PLUGIN)
        print("\n".join(lines), file=sys.stderr, flush=True)
        violations = _violations(evaluation.findings, finding_states(adoption))
        if adoption.blocking:
            violations.append(
                gate_violation(evaluation, stacks[0].template_path, adoption.blocking)
            )
        return cdk.PolicyValidationPluginReport(
            success=not adoption.blocking, violations=violations
        )


#: The summary line of guardrails registered as a plugin where CDK lets plugins only add
#: files (:func:`plugins_only_add_files`): they write no report files.
NO_REPORTS_AS_PLUGIN = (
    "  report: none written (registered as a validation plugin on aws-cdk-lib before 2.275, "
    "which lets a plugin only add files, so the next synthesis could not replace a report; "
    "register with SecurityGuardrails.apply(app) or cdk.Aspects.of(app).add("
    "SecurityGuardrails()) to get report files)"
)


@cache
def plugins_only_add_files() -> bool:
    """Whether this aws-cdk-lib fails synthesis when a validation plugin changes a file.

    The releases before 2.275 the library supports (read in the JavaScript of 2.269, 2.273
    and 2.274) check after validation that no file the output directory held before it was
    changed or removed, and raise ``IllegalPluginOperation`` if one was (a file removed
    and written again with the same bytes passes). 2.275 made the check opt-in, together
    with the option that turns it on (``App(confirm_validation_plugins_do_not_mutate=True)``),
    which is what is looked for: whether an App turned it on cannot be read back from Python.
    """
    fields = inspect.signature(cdk.AppProps).parameters
    return "confirm_validation_plugins_do_not_mutate" not in fields


def report_dir(root: Any) -> Path:
    """Where the reports of the app (or root Stage) *root* are written: its output directory."""
    return Path(str(getattr(root, "outdir", "") or "."))


def _keep_identical_reports(outdir: Path, rendered: Mapping[Path, str]) -> None:
    """Leave the reports found before validation if they are exactly this run's, else fail.

    CDK (before 2.275) would fail synthesis for any change to them, and a report that
    stays must say what this run found. So different (or no) reports are removed and
    synthesis fails with ``SC-GUARD-10``, once: the next synthesis finds none.
    """
    earlier = existing_reports(outdir)
    if set(earlier) == set(rendered) and all(
        path.read_text(encoding="utf-8") == text for path, text in rendered.items()
    ):
        return
    remove_reports(outdir)
    error = SecureConstructsError(
        "SecurityGuardrails",
        [
            Issue(
                "SC-GUARD-10",
                "reports",
                f"{outdir} held secure-constructs reports from before this validation that "
                "differ from this run's, and aws-cdk-lib before 2.275 fails synthesis when a "
                "validation plugin changes a file that was there before validation "
                "(IllegalPluginOperation); they were removed, so no earlier verdict stays.",
                "synthesize again. To avoid it, register the guardrails with "
                "SecurityGuardrails.apply(app) or cdk.Aspects.of(app).add(SecurityGuardrails()),"
                " which remove the reports before validation, or upgrade aws-cdk-lib.",
            )
        ],
    )
    # CDK reports IllegalPluginOperation instead of this error: say it here.
    print(f"secure-constructs: {error}", file=sys.stderr, flush=True)
    raise error


def _maybe_hidden(
    evaluation: Evaluation, outdir: Path, blocking: Sequence[Finding] | None = None
) -> list[Finding]:
    """Blocking findings the CDK CLI may not print.

    Its report shows only the violations of the stacks it selected (never those of a
    nested Stage), and none that CDK suppressed. *blocking*: default, the errors.
    """
    waived = {ack.ack_id for ack in evaluation.ignored_acknowledgments}
    top = outdir.resolve()
    listed = evaluation.errors if blocking is None else blocking
    # One resolve() per template, not per finding (a system call per path component).
    nested = {
        path: Path(path).resolve().parent != top for path in {f.template_path for f in listed}
    }
    return [
        f
        for f in listed
        if nested[f.template_path]
        or f.ignored_acknowledgment is not None
        or f.rule.acknowledgment_id in waived
    ]


def gate_violation(
    evaluation: Evaluation, template_path: str, blocking: Sequence[Finding] | None = None
) -> cdk.PolicyViolation:
    """One fatal violation without resources that fails synthesis on every path.

    It lists the blocking findings (*blocking*; default: the unacknowledged errors) so the
    message is whole even where CDK filtered or suppressed the per-finding violations,
    every resource type that ``fail_on_unjudged`` made an error, and the acknowledgments
    that were not honoured (expired ones included).
    """
    errors = tuple(evaluation.errors if blocking is None else blocking)
    unjudged = [f for f in errors if f.rule is UNJUDGED_RULE]
    what = (
        "unacknowledged guardrail error(s)"
        if all(f.severity is Severity.ERROR for f in errors)
        else "blocking guardrail finding(s)"  # fail_on="warning"
    )
    lines = [
        f"{len(errors)} {what} in {len(evaluation.stacks)} stack(s); synthesis fails until "
        "each is fixed or acknowledged with a reason on its stack or construct:"
    ]
    lines += [f"  {f.rule.id} {f.location}: {f.message}" for f in errors[:GATE_LISTED]]
    if len(errors) > GATE_LISTED:
        lines.append(f"  ... and {len(errors) - GATE_LISTED} more (see the report files)")
    if unjudged:
        counts = Counter(f.resource_type for f in unjudged)
        named = ", ".join(f"{name} x{n}" for name, n in counts.items())
        lines.append(
            f"Not judged by any rule (fail_on_unjudged): {named}. An acknowledgment cannot "
            "accept a type nobody judged: select rules that judge it, or accept it with "
            "allow_unjudged={'TYPE': 'reason'}."
        )
    if evaluation.ignored_acknowledgments:
        lines.append("Acknowledgments not honoured:")
        lines += [f"  {ack}" for ack in evaluation.ignored_acknowledgments]
    return cdk.PolicyViolation(
        rule_name=GATE_RULE,
        description="\n".join(lines),
        fix="Fix each finding listed (each has its own fix above), or acknowledge it with "
        "aspects.acknowledge(construct_or_stack, rule_id, reason); accept a type nobody "
        "judged with SecurityGuardrails(allow_unjudged={type: reason}).",
        severity="fatal",
        # CDK prints a violation once per violating resource, so the gate needs one; a
        # logical id no template holds gets no construct path, and the CLI keeps a violation
        # without a construct path whichever stacks it selected.
        violating_resources=[
            cdk.PolicyViolatingResource(
                resource_logical_id=GATE_LOGICAL_ID,
                template_path=template_path,
                locations=["Resources"],
            )
        ],
    )


def acknowledgments_above_stacks(root: Any, stack_paths: list[str]) -> list[IgnoredAcknowledgment]:
    """Our acknowledgments on the App, a Stage or any construct that holds stacks.

    CDK honours them for every stack below; the guardrails do not (a rule silenced for a
    whole app or stage is a blanket waiver, and ``secure-constructs scan`` cannot see them
    in the cloud assembly), so they are reported and the findings stay.
    """
    seen: set[str] = set()
    out: list[IgnoredAcknowledgment] = []
    for stack_path in stack_paths:
        parts = stack_path.strip("/").split("/")
        node = root
        for depth in range(len(parts)):
            path = "/".join(parts[:depth])
            if node is None:
                break
            if path not in seen:
                seen.add(path)
                out.extend(_ours(node, path))
            node = node.node.try_find_child(parts[depth])
    return out


def _ours(construct: Any, path: str) -> list[IgnoredAcknowledgment]:
    out = []
    for entry in construct.node.metadata:
        if entry.type != ACKNOWLEDGED_RULES_METADATA or not isinstance(entry.data, dict):
            continue
        for raw_id, reason in entry.data.items():
            ack_id = normalise_ack_id(str(raw_id))
            if ack_id.startswith(f"{PLUGIN_NAME}::"):
                kind = "the App" if path == "" else "a construct that holds stacks"
                out.append(
                    IgnoredAcknowledgment(
                        path,
                        ack_id,
                        repr(reason),
                        f"it is on {kind}; the guardrails honour acknowledgments on a stack "
                        "or a construct inside one",
                    )
                )
    return out


#: What CDK's report says of a finding that does not block (see :func:`_shown`).
_NOT_BLOCKING = {
    "baselined": "does not block: baselined",
    "not-blocking": "does not block: below fail_on",
}


def _shown(finding: Finding, state: str | None = None) -> tuple[str, str]:
    """The severity and description CDK shows for *finding*; *state*: its adoption state.

    A finding that does not block (``baselined``, ``not-blocking``) is given to CDK as a
    warning, its description saying so: once an app holds any acknowledgment, CDK fails
    synthesis on every error violation.
    """
    prefix = "cannot verify: " if finding.status is Status.CANNOT_VERIFY else ""
    severity = "error" if finding.severity is Severity.ERROR else "warning"
    if state in _NOT_BLOCKING:
        prefix = f"({finding.severity}, {_NOT_BLOCKING[state]}) {prefix}"
        severity = "warning"
    return severity, f"[{finding.rule.id}] {finding.rule.title}: {prefix}{finding.message}"


def _violations(
    findings: Iterable[Finding], states: Mapping[int, str] | None = None
) -> list[cdk.PolicyViolation]:
    """CDK's violations of *findings*: one per rule, severity and text, naming its resources.

    *states* maps ``id(finding)`` to its adoption state (:func:`aspects.baseline.finding_states`).

    Why grouped: every violation and every resource crosses jsii as a struct, type-checked
    field by field (typeguard) and serialized both ways. With 6000 findings (1000 plain
    buckets), one violation per finding cost about as much CPU as running the rules
    (``docs/performance.md``, "Many findings").

    What is grouped: findings CDK would show identically but for the resource, i.e. the
    same rule name, severity, description (the finding's own message with its
    ``cannot verify:`` or ``does not block`` prefix), fix and rule metadata (pillar,
    status); the CDK CLI groups annotations the same way (rule, severity, message). Each
    finding stays one violating resource of its group, with its template, logical id and
    property path (``locations``), in the order of the findings; groups come in the order
    of their first finding. So CDK's report holds exactly the (rule, severity,
    description, resource, property path) entries it held with one violation per finding,
    and its text report (the CLI's output, ``app.synth()``'s error), which prints one block
    per violating resource, shows the same blocks, ordered rule by rule rather than
    resource by resource. Not one violation per rule, as cdk-nag does: that
    would reduce our per-finding messages and states to one text per rule in CDK's
    report. Our own reports and summary stay per finding.

    CDK's pass/fail does not change: CDK suppresses per resource, not per violation. For a
    violation of an acknowledged rule it moves each resource under the nearest
    acknowledgment of its construct path to a suppressed copy, drops the violation once no
    resource is left, and (with any acknowledgment in the app) lets a report pass when no
    error or fatal violation is left (aws-cdk-lib 2.275 ``collectSuppressions`` in
    ``core/lib/private/synthesis-validation.js``). A group has one severity, so an error
    group is left exactly when one of its findings is not acknowledged, as that finding's
    own violation would have been. The CLI keeps, within each violation, the resources of
    the stacks it selected: the same per resource. The gate (:func:`gate_violation`) stays
    its own fatal violation. aws-cdk-lib before 2.275 suppresses every violation of an
    acknowledged rule wherever the acknowledgment was given, grouped or not; the gate and
    our own reports are what keep those findings visible and blocking there.

    The structs are built through their constructors, type checks included (about 20 µs a
    resource). The generated constructors check only ``if __debug__``, so the one supported
    way to skip the checks is ``python -O``, the user's choice for the whole process (jsii
    1.142 pins typeguard 2.13.3, which has no switch). Bypassing ``__init__`` (setting the
    private ``_values``) or passing dicts (the kernel takes a map for a struct, but only
    with the JavaScript property names, dropping other keys without a word) would depend on
    jsii internals, so neither is done.
    """
    states = states or {}
    groups: dict[tuple[str, ...], list[Finding]] = {}
    for finding in findings:
        severity, description = _shown(finding, states.get(id(finding)))
        rule = finding.rule
        key = (rule.id, severity, description, rule.fix, str(rule.pillar), str(finding.status))
        groups.setdefault(key, []).append(finding)
    return [
        cdk.PolicyViolation(
            rule_name=rule_id,
            description=description,
            fix=fix,
            severity=severity,
            rule_metadata={"pillar": pillar, "status": status},
            violating_resources=[
                cdk.PolicyViolatingResource(
                    resource_logical_id=f.logical_id,
                    template_path=f.template_path,
                    locations=[f.property_path or "Properties"],
                )
                for f in members
            ],
        )
        for (rule_id, severity, description, fix, pillar, status), members in groups.items()
    ]


def plugin_of(node: Any) -> GuardrailsPlugin:
    """The app's guardrails plugin, registered with CDK on first use.

    Registering it removes the reports of earlier runs from the app's output directory.
    """
    path = getattr(getattr(node, "node", None), "path", None)
    if not isinstance(path, str):
        raise SecureConstructsError(
            "SecurityGuardrails",
            [
                Issue(
                    "SC-GUARD-1",
                    "scope",
                    f"{node!r} is not a construct.",
                    "pass the App, a Stage, a Stack or a construct inside one.",
                )
            ],
        )
    root = node.node.root
    if not isinstance(root, cdk.Stage):
        raise SecureConstructsError(
            "SecurityGuardrails",
            [
                Issue(
                    "SC-GUARD-2",
                    "scope",
                    f"{path!r} is not inside a cdk.App, so nothing would ever be checked.",
                    "create the construct under a cdk.App (or Stage) and add the guardrails there.",
                )
            ],
        )
    plugin = getattr(root, _ATTRIBUTE, None)
    if plugin is None:
        plugin = GuardrailsPlugin()
        cdk.Validations.of(root).add_plugins(plugin)
        setattr(root, _ATTRIBUTE, plugin)
        # Before validation (see the module docstring): the plugin then only adds files, and
        # no crash from here on leaves last run's report behind.
        remove_reports(report_dir(root))
    return plugin
