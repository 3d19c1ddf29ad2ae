"""Coverage: which resources the selected rules judged, and which types nobody looked at.

A resource is *judged* when at least one rule selected for its stack applies to its type
(the union of the selected rules' ``resource_types``, derived from the rules, never listed
here). Every other resource is either of a type in :data:`NOTHING_TO_JUDGE` (a reviewed
table: the type carries nothing for the four questions, with the reason) or *not judged*:
it might matter, and no selected rule looked at it. Reports state both, so a green build
never hides resources nobody read.

``fail_on_unjudged`` (:class:`aspects.SecurityGuardrails`, ``secure-constructs scan
--fail-on-unjudged``) turns every not-judged type into an error-severity finding of
:data:`UNJUDGED_RULE`; ``allow_unjudged`` accepts named types, each with a written reason.
An acknowledgment cannot accept such a type: nobody judged it, so there is no finding of a
rule to accept.

A nested stack resource whose template was not loaded (no source in the cloud assembly names
it, see :func:`aspects.assembly.with_nested`) is an error whatever ``fail_on_unjudged`` says:
:data:`NESTED_TEMPLATE_RULE`, unless ``allow_unjudged`` accepts ``AWS::CloudFormation::Stack``
with a reason. Every resource of that template would otherwise pass unjudged.

Everything here is per type, once per stack: the cost does not grow with the number of
resources of judged types.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from aspects.constants import DISABLED_PARTS_METADATA, MIN_REASON_LENGTH
from aspects.errors import Issue
from aspects.model import Finding, Pillar, Problem, Rule, Severity, Status

if TYPE_CHECKING:
    from aspects.engine import Evaluation
    from aspects.index import TemplateIndex

#: A nested stack resource. It is not judged itself: its template is, as a stack of its
#: own, when that template was loaded (see :func:`nested_stack_path`).
NESTED_STACK = "AWS::CloudFormation::Stack"
NESTED_STACK_REASON = "a nested stack: its template is judged as a stack of its own"

_THERE = "a resource of its own"

#: Resource types that carry nothing for the four questions (in transit, at rest,
#: prevention, detection), each with the reason. Reviewed by hand: when in doubt a type is
#: security-relevant and stays out of this table (a subnet may assign public addresses, an
#: Elastic IP makes an instance public, a custom resource may call any API, a Lambda
#: permission or an IAM policy grants access). A type some rule judges is judged whatever
#: this table says (tests/test_coverage.py keeps the two apart).
NOTHING_TO_JUDGE: Mapping[str, str] = {
    # -- CloudFormation and CDK plumbing -------------------------------------------------
    "AWS::CDK::Metadata": "CDK's record of the construct libraries used; deploys nothing",
    "AWS::CloudFormation::WaitCondition": "waits for signals while deploying; deploys nothing",
    "AWS::CloudFormation::WaitConditionHandle": "a presigned URL for wait-condition "
    "signals; holds no data and grants no access",
    # -- networking: who may connect is decided by security groups and public addresses --
    "AWS::EC2::Route": "routing only: whether anything is reachable is decided by security "
    "groups, public addresses and load balancers, each " + _THERE,
    "AWS::EC2::RouteTable": "a container of routes; no settings of its own",
    "AWS::EC2::SubnetRouteTableAssociation": "attaches a route table to a subnet; no "
    "settings of its own",
    "AWS::EC2::VPCGatewayAttachment": "attaches a gateway to a VPC; no settings of its own",
    "AWS::EC2::InternetGateway": "no settings (tags only); exposure is decided by security "
    "groups and public addresses, each " + _THERE,
    "AWS::EC2::EgressOnlyInternetGateway": "outbound-only IPv6 gateway without settings; "
    "admits no inbound connection",
    "AWS::EC2::NatGateway": "outbound-only address translation without security settings; "
    "admits no inbound connection",
    "AWS::EC2::VPCCidrBlock": "adds an address range to a VPC; no security settings",
    "AWS::EC2::VolumeAttachment": "attaches a volume to an instance; encryption is the "
    "volume's, " + _THERE,
    "AWS::ElasticLoadBalancingV2::ListenerCertificate": "adds a certificate to a listener; "
    "protocol and TLS policy are the listener's",
    "AWS::RDS::DBSubnetGroup": "the subnets a database may run in; reachability is the "
    "database's PubliclyAccessible and security groups",
    # -- identity and keys: names and wrappers of what is judged elsewhere ----------------
    "AWS::IAM::InstanceProfile": "names the role an instance assumes; the permissions are "
    "the role's (AWS::IAM::Role)",
    "AWS::IAM::ServiceLinkedRole": "permissions defined by AWS for its service; nothing in "
    "the template can widen them",
    "AWS::KMS::Alias": "a name for a key; policy and rotation are the key's (AWS::KMS::Key)",
    "AWS::SecretsManager::SecretTargetAttachment": "records which database a secret "
    "belongs to; the secret and the database are resources of their own",
    # -- Lambda: snapshots and names of a function -----------------------------------------
    "AWS::Lambda::Version": "an immutable snapshot of a function's code and settings, which "
    "are the function's (AWS::Lambda::Function)",
    "AWS::Lambda::Alias": "a name pointing at function versions; a URL or permission on it "
    "is " + _THERE,
    "AWS::Lambda::LayerVersion": "a code package; who may use it is "
    "AWS::Lambda::LayerVersionPermission, " + _THERE,
    # -- monitoring and scaling --------------------------------------------------------------
    "AWS::CloudWatch::CompositeAlarm": "combines alarms; holds no data and grants no access",
    "AWS::CloudWatch::Dashboard": "a view of metrics; holds no data and grants no access",
    "AWS::Logs::LogStream": "a stream inside a log group; encryption and retention are the "
    "log group's",
    "AWS::ApplicationAutoScaling::ScalableTarget": "capacity limits for scaling; the role "
    "it names is " + _THERE,
    "AWS::ApplicationAutoScaling::ScalingPolicy": "when to scale; none of the four questions",
    "AWS::AutoScaling::ScalingPolicy": "when to scale; none of the four questions",
    "AWS::AutoScaling::ScheduledAction": "when to scale; none of the four questions",
    "AWS::ECS::ClusterCapacityProviderAssociations": "which capacity providers a cluster "
    "uses; none of the four questions",
    # -- API Gateway: structure around methods, stages and domains ------------------------
    "AWS::ApiGateway::Resource": "a path segment of a REST API; authorization is the "
    "method's (AWS::ApiGateway::Method)",
    "AWS::ApiGateway::Model": "a JSON schema of request or response bodies; no security settings",
    "AWS::ApiGateway::BasePathMapping": "maps a domain path to a stage; the domain's TLS "
    "policy and the stage's logs are resources of their own",
    "AWS::ApiGateway::Account": "names the role API Gateway logs with; the role is "
    "AWS::IAM::Role and logging is the stage's",
    "AWS::ApiGateway::DocumentationPart": "API documentation; no security settings",
    "AWS::ApiGateway::DocumentationVersion": "API documentation; no security settings",
    "AWS::ApiGatewayV2::Model": "a JSON schema of request or response bodies; no security settings",
    "AWS::ApiGatewayV2::ApiMapping": "maps a domain path to a stage; the domain and the "
    "stage are resources of their own",
    "AWS::ApiGatewayV2::Deployment": "a snapshot of an API's routes; authorization is the "
    "routes', logging the stage's",
    "AWS::WAFv2::WebACLAssociation": "only puts a WebACL in front of a resource; whether a "
    "resource needs one is a question about that resource",
    # -- custom resources CDK itself provides (any other custom resource may call any API) -
    "Custom::S3BucketNotifications": "sets a bucket's event notifications; the bucket, its "
    "targets and the function that sets them are resources of their own",
    "Custom::VpcRestrictDefaultSG": "removes every rule of a VPC's default security group "
    "(it only tightens)",
}

#: Types whose name starts with a prefix (CDK appends a hash to some custom resource types).
NOTHING_TO_JUDGE_PREFIXES: Mapping[str, str] = {
    "Custom::CDKBucketDeployment": "copies packaged files into a bucket; the bucket (whose "
    "public access block voids an object ACL), the function and its role are resources of "
    "their own",
}


@cache
def nothing_to_judge(resource_type: str) -> str | None:
    """Why *resource_type* carries nothing for the four questions, or None if it may matter."""
    reason = NOTHING_TO_JUDGE.get(resource_type)
    if reason is not None:
        return reason
    for prefix, why in NOTHING_TO_JUDGE_PREFIXES.items():
        if resource_type.startswith(prefix):
            return why
    return None


def reason_for(resource_type: str) -> str | None:
    """The reason a resource of this type counts as nothing to judge (nested stacks too)."""
    return NESTED_STACK_REASON if resource_type == NESTED_STACK else nothing_to_judge(resource_type)


def in_scope(path: str, scope_path: str) -> bool:
    """Whether a construct path lies at or below *scope_path* (``""`` is the whole app)."""
    return scope_path == "" or path == scope_path or path.startswith(scope_path + "/")


def nested_stack_path(stack_path: str, logical_id: str, construct_path: str | None) -> str:
    """The stack path a nested stack resource's template is loaded under.

    The construct before ``.NestedStack/`` in CDK's path, else ``parent/logicalId`` (how
    :func:`aspects.assembly.with_nested` names nested templates of other tools).
    """
    if construct_path and ".NestedStack/" in construct_path:
        return construct_path.split(".NestedStack/", 1)[0].strip("/")
    return f"{stack_path}/{logical_id}"


# -- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unjudged:
    """One resource no selected rule judged, of a type that may matter."""

    logical_id: str
    construct_path: str | None


@dataclass(frozen=True)
class StackCoverage:
    """What the rules of one stack judged.

    Parameters
    ----------
    stack_path, template_path:
        The stack.
    resources:
        Resources in scope (all of the stack's, or those below the constructs the
        guardrails were added to).
    judged:
        Resources at least one selected rule applies to.
    nothing_to_judge:
        ``(type, count)`` of the other resources whose type carries nothing to judge.
    unjudged:
        ``(type, resources)`` of the rest: no selected rule judged them and they may matter.
    switched_off:
        ``(construct path, parts)`` a construct declared it did not build on purpose
        (:data:`~aspects.constants.DISABLED_PARTS_METADATA`): said in every report.
    """

    stack_path: str
    template_path: str
    resources: int = 0
    judged: int = 0
    nothing_to_judge: tuple[tuple[str, int], ...] = ()
    unjudged: tuple[tuple[str, tuple[Unjudged, ...]], ...] = ()
    switched_off: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def unjudged_counts(self) -> dict[str, int]:
        """Type -> number of resources not judged, most frequent first."""
        return _ranked((t, len(rs)) for t, rs in self.unjudged)

    @property
    def nothing_to_judge_counts(self) -> dict[str, int]:
        """Type -> number of resources with nothing to judge, most frequent first."""
        return _ranked(self.nothing_to_judge)

    @property
    def not_judged(self) -> int:
        """Resources that may matter and that no selected rule judged."""
        return sum(len(rs) for _, rs in self.unjudged)


@dataclass(frozen=True)
class Coverage:
    """Coverage of an evaluation: per stack, in total, and the closed-world options.

    Parameters
    ----------
    stacks:
        One entry per stack checked.
    fail_on_unjudged:
        Whether not-judged types were made errors (for some scope at least).
    allow_unjudged:
        ``(type, reason)`` accepted as not judged (they are not errors).
    """

    stacks: tuple[StackCoverage, ...] = ()
    fail_on_unjudged: bool = False
    allow_unjudged: tuple[tuple[str, str], ...] = field(default=())

    @property
    def resources(self) -> int:
        """Resources in scope in every stack checked."""
        return sum(s.resources for s in self.stacks)

    @property
    def judged(self) -> int:
        """Resources judged by at least one selected rule."""
        return sum(s.judged for s in self.stacks)

    @property
    def not_judged(self) -> int:
        """Resources that may matter and that no selected rule judged."""
        return sum(s.not_judged for s in self.stacks)

    @property
    def nothing_to_judge(self) -> int:
        """Resources of types with nothing to judge."""
        return sum(n for s in self.stacks for _, n in s.nothing_to_judge)

    @property
    def switched_off(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``(construct path, parts)`` switched off on purpose, in every stack checked."""
        return tuple(entry for s in self.stacks for entry in s.switched_off)

    @property
    def unjudged_counts(self) -> dict[str, int]:
        """Type -> resources not judged in all stacks, most frequent first."""
        return _merged(s.unjudged_counts for s in self.stacks)

    @property
    def nothing_to_judge_counts(self) -> dict[str, int]:
        """Type -> resources with nothing to judge in all stacks, most frequent first."""
        return _merged(s.nothing_to_judge_counts for s in self.stacks)

    @property
    def accepted(self) -> dict[str, str]:
        """Type -> reason of the types ``allow_unjudged`` accepts."""
        return dict(self.allow_unjudged)


def _ranked(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    return dict(sorted(pairs, key=lambda pair: (-pair[1], pair[0])))


def _merged(parts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in parts:
        for resource_type, count in part.items():
            total[resource_type] = total.get(resource_type, 0) + count
    return _ranked(total.items())


def stack_coverage(
    template: TemplateIndex,
    judged: Mapping[str, Sequence[str]],
    covers: Callable[[str | None], bool] | None,
    checked_stacks: Collection[str],
) -> StackCoverage:
    """The coverage of one stack.

    Parameters
    ----------
    template:
        The stack's index.
    judged:
        Type -> logical ids some selected rule judged.
    covers:
        Whether a resource (by construct path) is in scope; None: the whole stack is.
    checked_stacks:
        Stack paths checked: a nested stack resource whose template is one of them is
        judged as that stack.
    """
    resources = judged_count = 0
    nothing: list[tuple[str, int]] = []
    unjudged: list[tuple[str, tuple[Unjudged, ...]]] = []
    stack_path = template.stack.stack_path
    for resource_type, ids in template.by_type.items():
        if covers is None:
            scoped: Sequence[str] = ids
        else:
            scoped = [i for i in ids if covers(template.construct_path(i))]
        done = judged.get(resource_type, ())
        resources += len(scoped)
        judged_count += len(done)
        if len(done) == len(scoped):
            continue
        seen = set(done)
        rest = [Unjudged(i, template.construct_path(i)) for i in scoped if i not in seen]
        if nothing_to_judge(resource_type) is not None:
            nothing.append((resource_type, len(rest)))
            continue
        if resource_type == NESTED_STACK:
            own = [
                nested_stack_path(stack_path, r.logical_id, r.construct_path) in checked_stacks
                for r in rest
            ]
            if any(own):
                nothing.append((resource_type, sum(own)))
            rest = [r for r, loaded in zip(rest, own, strict=True) if not loaded]
            if not rest:
                continue
        unjudged.append((resource_type, tuple(rest)))
    return StackCoverage(
        stack_path,
        template.path,
        resources,
        judged_count,
        tuple(sorted(nothing)),
        tuple(sorted(unjudged, key=lambda pair: pair[0])),
        _switched_off(template, covers),
    )


def _switched_off(
    template: TemplateIndex, covers: Callable[[str | None], bool] | None
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The parts constructs of the stack declared switched off, by construct path."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for path, entries in template.stack.metadata.items():
        construct = path.lstrip("/")
        if covers is not None and not covers(construct):
            continue
        for entry in entries or ():
            if not isinstance(entry, Mapping) or entry.get("type") != DISABLED_PARTS_METADATA:
                continue
            parts = entry.get("data")
            if isinstance(parts, list) and parts:
                found.append((construct, tuple(str(p) for p in parts)))
    return tuple(sorted(found))


# -- the closed world --------------------------------------------------------------------------


def _never(_view: object) -> Iterable[Problem]:
    return ()


#: The rule of findings about types nobody judged, made errors by ``fail_on_unjudged``. It
#: is not in the catalogue (no resource is checked by it) and it cannot be acknowledged:
#: ``allow_unjudged`` accepts a type, with a reason.
UNJUDGED_RULE = Rule(
    id="SC-COV-1",
    title="Every resource that may matter is judged by a rule (fail_on_unjudged)",
    pillar=Pillar.PREVENTION,
    severity=Severity.ERROR,
    resource_types=(),
    rationale="A resource of a type no selected rule reads passes silently, however it is "
    "configured. With fail_on_unjudged such types fail the build, so the guardrails answer "
    "for everything that deploys; types that carry nothing for the four questions are "
    "listed in docs/coverage.md.",
    fix="Select the guardrails or rules that judge the type, or accept it with "
    "allow_unjudged={'TYPE': 'reason'} (scan: --allow-unjudged TYPE=REASON); an "
    "acknowledgment cannot accept a type nobody judged.",
    check=_never,
)

#: The error for a nested stack resource whose template was not loaded (see the module
#: docstring). Like SC-CFN-1 it is not in the catalogue and cannot be acknowledged or
#: baselined: it names resources that were never read, not a finding of a rule.
NESTED_TEMPLATE_RULE = Rule(
    id="SC-CFN-3",
    title="The template of every nested stack is judged with its parent",
    pillar=Pillar.PREVENTION,
    severity=Severity.ERROR,
    resource_types=(),
    rationale="A nested stack deploys every resource of its own template. When that template "
    "is not in what was scanned, none of those resources was judged, so the parent passing "
    "would say nothing about them.",
    fix="Scan the whole cloud assembly (cdk.out) with the stack's asset manifest "
    "(<Stack>.assets.json) beside its template, or scan the nested template itself too; accept "
    "nested stacks whose templates live elsewhere with allow_unjudged="
    "{'AWS::CloudFormation::Stack': 'reason'} (scan: --allow-unjudged).",
    check=_never,
)

_TYPE_NAME = re.compile(r"[A-Za-z0-9]+(::[A-Za-z0-9_@-]+){1,3}")


def check_allow_unjudged(value: object) -> tuple[dict[str, str], list[Issue]]:
    """*value* as ``{type: reason}`` and the problems with it (empty when valid).

    Every key must be a resource type name (``AWS::EC2::EIP``, ``Custom::Thing``) and every
    reason at least :data:`~aspects.constants.MIN_REASON_LENGTH` characters, as for
    acknowledgments. Reasons are returned stripped.
    """
    if value is None:
        return {}, []
    if not isinstance(value, Mapping):
        return {}, [
            Issue(
                "SC-GUARD-6",
                "allow_unjudged",
                f"{value!r} is not a mapping of resource type to reason.",
                "pass {'AWS::Service::Type': 'why resources of this type need no rule'}.",
            )
        ]
    accepted: dict[str, str] = {}
    issues: list[Issue] = []
    for name, reason in value.items():
        if not isinstance(name, str) or not _TYPE_NAME.fullmatch(name):
            issues.append(
                Issue(
                    "SC-GUARD-6",
                    "allow_unjudged",
                    f"{name!r} is not a CloudFormation resource type name.",
                    "name the type as the template writes it, e.g. 'AWS::EC2::EIP'.",
                )
            )
        elif not isinstance(reason, str) or len(reason.strip()) < MIN_REASON_LENGTH:
            issues.append(
                Issue(
                    "SC-GUARD-7",
                    f"allow_unjudged[{name!r}]",
                    f"the reason {reason!r} for {name} is too short to accept a type nobody "
                    "judges.",
                    "write why resources of this type need no rule (at least "
                    f"{MIN_REASON_LENGTH} characters).",
                )
            )
        else:
            accepted[name] = reason.strip()
    return accepted, issues


def unjudged_findings(
    coverage: Coverage, closed: Iterable[str], accepted: Mapping[str, str]
) -> tuple[Finding, ...]:
    """An error finding of :data:`UNJUDGED_RULE` per resource not judged.

    Only resources inside a *closed* scope (construct paths of guardrails with
    ``fail_on_unjudged``; ``""`` is the whole app) count, and types in *accepted* never do.
    """
    scopes = tuple(closed)
    if not scopes:
        return ()
    out: list[Finding] = []
    for stack in coverage.stacks:
        whole = any(in_scope(stack.stack_path, scope) for scope in scopes)
        for resource_type, resources in stack.unjudged:
            if resource_type in accepted or resource_type == NESTED_STACK:
                continue  # a nested stack not loaded is SC-CFN-3 (nested_template_findings)
            out.extend(
                _finding(stack, resource_type, r)
                for r in resources
                if whole
                or (
                    r.construct_path is not None
                    and any(in_scope(r.construct_path, scope) for scope in scopes)
                )
            )
    return tuple(out)


def nested_template_findings(
    coverage: Coverage, accepted: Mapping[str, str]
) -> tuple[Finding, ...]:
    """An error finding of :data:`NESTED_TEMPLATE_RULE` per nested stack not loaded.

    These are the nested stack resources in scope that coverage counts as not judged: their
    template was not among the stacks checked. None when *accepted* holds the type.
    """
    if NESTED_STACK in accepted:
        return ()
    return tuple(
        Finding(
            rule=NESTED_TEMPLATE_RULE,
            status=Status.CANNOT_VERIFY,
            message=f"the template of nested stack "
            f"{nested_stack_path(stack.stack_path, r.logical_id, r.construct_path)} was not "
            "found (no aws:asset:path or aws:cdk:templateFile metadata and no asset manifest "
            "entry names it), so none of its resources was judged",
            stack_path=stack.stack_path,
            template_path=stack.template_path,
            logical_id=r.logical_id,
            resource_type=NESTED_STACK,
            construct_path=r.construct_path,
            property_path="Properties.TemplateURL",
        )
        for stack in coverage.stacks
        for resource_type, resources in stack.unjudged
        if resource_type == NESTED_STACK
        for r in resources
    )


def _finding(stack: StackCoverage, resource_type: str, resource: Unjudged) -> Finding:
    return Finding(
        rule=UNJUDGED_RULE,
        status=Status.NON_COMPLIANT,
        message=f"{resource_type} is not judged: no rule selected for this stack reads the "
        "type, and it is not in the nothing-to-judge table",
        stack_path=stack.stack_path,
        template_path=stack.template_path,
        logical_id=resource.logical_id,
        resource_type=resource_type,
        construct_path=resource.construct_path,
        property_path="Type",
    )


def with_unjudged(
    evaluation: Evaluation,
    *,
    closed: Iterable[str] = (),
    allow_unjudged: Mapping[str, str] | None = None,
) -> Evaluation:
    """*evaluation* with the closed-world options recorded and their findings added.

    Nested stacks whose template was not loaded are errors here in any case
    (:func:`nested_template_findings`).

    Parameters
    ----------
    closed:
        Scopes (construct paths, ``""`` the app) whose not-judged resources are errors.
    allow_unjudged:
        Type -> reason: accepted, never an error (already checked with
        :func:`check_allow_unjudged`).
    """
    scopes = tuple(closed)
    accepted = dict(allow_unjudged or {})
    coverage = replace(
        evaluation.coverage,
        fail_on_unjudged=bool(scopes),
        allow_unjudged=tuple(sorted(accepted.items())),
    )
    missing = nested_template_findings(coverage, accepted)
    extra = unjudged_findings(coverage, scopes, accepted)
    rules = evaluation.rules
    if missing and NESTED_TEMPLATE_RULE not in rules:
        rules = (*rules, NESTED_TEMPLATE_RULE)
    if extra and UNJUDGED_RULE not in rules:
        rules = (*rules, UNJUDGED_RULE)
    extra = (*missing, *extra)
    return replace(
        evaluation, coverage=coverage, findings=(*evaluation.findings, *extra), rules=rules
    )


# -- the documentation -------------------------------------------------------------------------

DOCS_START = "<!-- nothing-to-judge: generated by `python -m aspects.coverage docs/coverage.md` -->"
DOCS_END = "<!-- end nothing-to-judge -->"


def nothing_to_judge_markdown() -> str:
    """The nothing-to-judge table as Markdown (``docs/coverage.md`` holds this exactly)."""
    rows = [(f"`{name}`", reason) for name, reason in sorted(NOTHING_TO_JUDGE.items())]
    rows += [(f"`{p}...` (any suffix)", r) for p, r in sorted(NOTHING_TO_JUDGE_PREFIXES.items())]
    rows.append((f"`{NESTED_STACK}`", NESTED_STACK_REASON + " (when its template was loaded)"))
    lines = ["| Resource type | Why there is nothing to judge |", "|---|---|"]
    lines += [f"| {name} | {reason} |" for name, reason in rows]
    return "\n".join(lines) + "\n"


def update_docs(path: Path) -> bool:
    """Rewrite the generated table in *path*; returns whether the file changed."""
    text = path.read_text(encoding="utf-8")
    head, start, rest = text.partition(DOCS_START)
    _, end, tail = rest.partition(DOCS_END)
    if not start or not end:
        raise ValueError(f"{path}: the markers {DOCS_START!r} and {DOCS_END!r} are missing")
    new = f"{head}{DOCS_START}\n{nothing_to_judge_markdown()}{DOCS_END}{tail}"
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    for name in sys.argv[1:] or ["docs/coverage.md"]:
        print(f"{name}: {'updated' if update_docs(Path(name)) else 'up to date'}")
