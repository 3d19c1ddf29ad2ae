"""VPC endpoint guardrails: endpoint policies that do not let anyone do anything.

What AWS does (CloudFormation, not the console):

* An endpoint policy does not grant anything: the caller still needs IAM permissions. It is
  a filter on what may pass through the endpoint, which is what keeps a compromised workload
  from using it to reach buckets or tables of *another* account (data exfiltration), or from
  calling destructive actions the application never needs.
* Without ``PolicyDocument`` AWS attaches the default policy: ``Allow`` ``Principal *``
  ``Action *`` ``Resource *``. ``Principal *`` is normal in endpoint policies; what restricts
  them is the actions, the resources, or a condition on the resource's or the caller's
  account or organisation.
* ``VpcEndpointType`` defaults to ``Gateway`` (S3 and DynamoDB only). Interface endpoints
  carry the same default policy; they are not warned about when they have none, since most
  AWS APIs reached through them are scoped by IAM alone.
* In an endpoint policy a condition on ``aws:SourceVpc`` or ``aws:SourceVpce`` restricts
  nothing: every request through the endpoint comes from its own VPC and endpoint.
* The *resource perimeter* of AWS's data-perimeter guidance is an endpoint policy whose
  statements for every principal either name the resources they reach or carry a condition
  on ``aws:ResourceAccount`` / ``aws:ResourceOrgID``: even ``s3:GetObject`` or
  ``sqs:SendMessage`` on ``*`` lets a workload read from or write to an attacker's bucket or
  queue through the endpoint. SC-VPCE-1 is the every-action case (an error); SC-VPCE-3 the
  rest (a warning, since narrowing every endpoint is a deliberate programme; SecureVpc
  enforces it on the policies it writes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._common import (
    RESTRICTING_CONDITION_KEYS,
    Deferred,
    action_covers,
    actions,
    effect,
    flatten,
    may_be_wildcard,
    policy_document,
    principal_is_everyone,
    statements,
)
from aspects.values import as_list

ENDPOINT = ("AWS::EC2::VPCEndpoint",)

#: Condition keys that narrow an endpoint policy statement: who calls (the shared caller keys,
#: without the source VPC and endpoint, which every request through the endpoint matches)
#: and whose resources are reached.
#: Condition keys that keep the resources reached inside known accounts (the resource
#: perimeter): a condition on the caller does not, since a caller of your own organisation
#: can still write to an attacker's bucket.
RESOURCE_PERIMETER_KEYS = frozenset(
    {"aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths", "s3:resourceaccount"}
)
NARROWING_CONDITION_KEYS = (
    RESTRICTING_CONDITION_KEYS - {"aws:sourcevpc", "aws:sourcevpce"}
) | RESOURCE_PERIMETER_KEYS


def _document(r: ResourceView) -> Any:
    """``PolicyDocument`` as an object (CloudFormation also accepts it as a JSON string)."""
    return policy_document(r, "PolicyDocument")


def _lower_keys(value: Any) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def _narrowed_by_condition(
    r: ResourceView,
    statement: Mapping[str, Any],
    what: str,
    keys: frozenset[str] | set[str] = NARROWING_CONDITION_KEYS,
) -> bool:
    """A positive condition on one of *keys* (callers or resources narrowed to known ones)."""
    for operator, clauses in _lower_keys(statement.get("Condition")).items():
        if "not" in operator or operator.endswith("ifexists"):
            continue
        for key, value in _lower_keys(clauses).items():
            if key in keys and not any(
                may_be_wildcard(r, item, f"{what}.Condition.{key}") for item in as_list(value)
            ):
                return True
    return False


def _every_action(r: ResourceView, statement: Mapping[str, Any], what: str) -> str | None:
    """The entry that allows every action of a service (``*``, ``s3:*``, ``NotAction``)."""
    if "NotAction" in statement:
        return "every action but its NotAction"
    for granted in actions(statement, r, what):
        service = granted.split(":", 1)[0]
        if action_covers([granted], f"{service}:*"):
            return repr(granted)
    return None


def _every_resource_pattern(text: str) -> bool:
    """``*``, or an ARN pattern that covers every resource of a service or of any account."""
    if text == "*":
        return True
    parts = text.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return False
    account, resource = parts[4], parts[5]
    if not resource.split("/", 1)[0].strip("*"):
        return True  # arn:aws:s3:::*, arn:aws:s3:::*/*, arn:aws:dynamodb:r:a:*
    return account == "*" and "*" in resource


def _every_resource(r: ResourceView, statement: Mapping[str, Any], what: str) -> str | None:
    """The entry that names every resource (``*``, an any-account pattern, ``NotResource``)."""
    if "NotResource" in statement:
        return "every resource but its NotResource"
    if "Resource" not in statement:
        return "every resource (no Resource)"
    for item in as_list(statement.get("Resource")):
        if may_be_wildcard(r, item, f"{what}.Resource"):
            return "'*'"
        text = flatten(item)
        if _every_resource_pattern(text):
            return repr(text)
    return None


def _service(r: ResourceView) -> str:
    """The endpoint's service as its name ends (``s3``, ``dynamodb``, ``ssm``...)."""
    return flatten(r.props.get("ServiceName")).rsplit(".", 1)[-1] or "the service"


#: Judges one Allow statement of an endpoint policy: (view, statement, its path).
StatementCheck = Callable[[ResourceView, Mapping[str, Any], str], Iterator[Problem]]


def _each_allow(r: ResourceView, judge: StatementCheck) -> Iterator[Problem]:
    """*judge* on every Allow statement; one statement that cannot be read spares the rest."""
    document = _document(r)
    if document is None:
        return  # the default policy: SC-VPCE-2 (gateway endpoints)
    deferred = Deferred()
    for i, statement in enumerate(statements(document)):
        what = f"PolicyDocument.Statement[{i}]"
        with deferred:
            if effect(statement, r, what) == "Allow":
                yield from judge(r, statement, what)
    deferred.raise_first()


def _open_statement(r: ResourceView, statement: Mapping[str, Any], what: str) -> Iterator[Problem]:
    """Every principal, every action and every resource, nothing narrowed.

    The parts are read cheapest-first and the principal and conditions last, so a value
    known only at deploy time makes the finding *cannot verify* only where the outcome
    hangs on it (a parameter in a condition of a statement that names its resources does
    not).
    """
    action = _every_action(r, statement, what)
    resource = _every_resource(r, statement, what) if action else None
    if not (action and resource):
        return
    if not principal_is_everyone(statement, r, what) or _narrowed_by_condition(r, statement, what):
        return
    yield Problem(
        f"{what} allows every principal {action} on {resource} without a condition "
        f"on the caller's or the resource's account: through this {_service(r)} "
        "endpoint anyone's credentials can do anything, e.g. copy data to another "
        "account's bucket or table, or delete yours",
        f"Properties.{what}",
    )


def _outside_perimeter(
    r: ResourceView, statement: Mapping[str, Any], what: str
) -> Iterator[Problem]:
    """Every principal on every resource without a condition on the resource's account.

    Read in the same order as :func:`_open_statement`; a statement that allows every
    action with nothing narrowed is SC-VPCE-1's finding, not this rule's.
    """
    unknown: CannotVerify | None = None
    try:
        resource = _every_resource(r, statement, what)
    except CannotVerify as raised:
        resource, unknown = "?", raised
    if resource is None:
        return  # named resources
    every = _every_action(r, statement, what)
    if every is not None and not _narrowed_by_condition(r, statement, what):
        return  # every action, nothing narrowed: SC-VPCE-1's finding either way
    if not principal_is_everyone(statement, r, what) or _narrowed_by_condition(
        r, statement, what, RESOURCE_PERIMETER_KEYS
    ):
        return
    if unknown is not None:
        raise unknown  # the outcome hangs on a resource known at deploy time
    granted = every or ", ".join(repr(a) for a in actions(statement, r, what))
    yield Problem(
        f"{what} allows every principal {granted} on {resource} without a condition "
        f"on aws:ResourceAccount or aws:ResourceOrgID: through this {_service(r)} "
        "endpoint a workload can also reach other accounts' resources (read an "
        "attacker's objects, send your data to their bucket or queue)",
        f"Properties.{what}",
    )


def _open_statements(r: ResourceView) -> Iterator[Problem]:
    return _each_allow(r, _open_statement)


def _outside_perimeter_statements(r: ResourceView) -> Iterator[Problem]:
    return _each_allow(r, _outside_perimeter)


def _gateway_without_policy(r: ResourceView) -> Iterator[Problem]:
    if r.props.get("PolicyDocument") is not None:
        return
    kind = r.props.get("VpcEndpointType", "Gateway")  # CloudFormation's default
    if str(r.literal(kind, "VpcEndpointType")).lower() != "gateway":
        return
    yield Problem(
        f"PolicyDocument is not set on this {_service(r)} gateway endpoint, so AWS attaches "
        "the default policy (Allow Principal * Action * Resource *): every route through it "
        "reaches any bucket or table of any account",
        "Properties.PolicyDocument",
    )


_POLICY_FIX = (
    "Call endpoint.add_to_policy(iam.PolicyStatement(principals=[iam.AnyPrincipal()], "
    "actions=[only the actions the workload needs], resources=[your buckets' or tables' "
    "ARNs])) on ec2.GatewayVpcEndpoint / ec2.InterfaceVpcEndpoint, or add a condition on "
    "aws:ResourceAccount or aws:PrincipalAccount."
)

RULES = (
    Rule(
        id="SC-VPCE-1",
        title="VPC endpoint policies do not allow everyone every action on every resource",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=ENDPOINT,
        rationale="An endpoint policy is the one place that limits what passes through the "
        "endpoint. A statement that allows Principal * every action ('*' or 'service:*', or "
        "NotAction) on every resource ('*' or any account's) without a condition on the "
        "caller's or resource's account or organisation restricts nothing: a compromised "
        "workload can use the endpoint to copy data to an attacker's bucket or table, or "
        "delete tables. Conditions on aws:SourceVpc/aws:SourceVpce do not count, every "
        "request through the endpoint matches them.",
        fix=_POLICY_FIX,
        check=_open_statements,
        nist_800_53=("AC-3", "AC-4", "SC-7"),
    ),
    Rule(
        id="SC-VPCE-2",
        title="Gateway VPC endpoints have an endpoint policy",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=ENDPOINT,
        rationale="Without a policy document AWS attaches a full-access policy, so the S3 or "
        "DynamoDB gateway endpoint lets the VPC reach any bucket or table of any account, the "
        "classic data-exfiltration path. Many VPCs accept that, hence a warning.",
        fix=_POLICY_FIX,
        check=_gateway_without_policy,
        nist_800_53=("AC-4", "SC-7"),
    ),
    Rule(
        id="SC-VPCE-3",
        title="VPC endpoint policies keep a resource perimeter (every resource only with an "
        "account or organisation condition)",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=ENDPOINT,
        rationale="A statement that allows Principal * actions on every resource ('*', any "
        "account's ARNs or NotResource) without a condition on aws:ResourceAccount or "
        "aws:ResourceOrgID lets the endpoint reach other accounts' buckets, tables and "
        "queues: stolen credentials or a compromised workload move data out through it with "
        "one read or write action. A condition on the caller (aws:PrincipalOrgID) does not "
        "help: your own principals can write to an attacker's bucket. The data-perimeter "
        "guidance puts the resource condition on every endpoint policy; a warning, since "
        "AWS-owned resources (ECR layers, package repositories) need statements naming them.",
        fix="Add a condition {'StringEquals': {'aws:ResourceAccount': <your account ids>}} "
        "(or aws:ResourceOrgID: <your organisation id>) to the statement, or name the "
        "resources in its Resource; for AWS-owned buckets add a separate statement that "
        "names them (endpoint.add_to_policy(...)).",
        check=_outside_perimeter_statements,
        nist_800_53=("AC-4", "SC-7"),
    ),
)
