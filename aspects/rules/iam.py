"""AWS IAM guardrails: no administrator grants, no role that everyone may assume."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ExternalRef, ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._common import (
    Deferred,
    effect,
    flatten,
    may_be_wildcard,
    open_allows,
    statements,
)
from aspects.values import as_list, intrinsic_name

POLICY_HOLDERS = (
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::IAM::Group",
)
_ADMIN_POLICY = ":iam::aws:policy/AdministratorAccess"


def _documents(r: ResourceView) -> Iterator[tuple[str, Any]]:
    if "PolicyDocument" in r.props:
        yield "PolicyDocument", r.props["PolicyDocument"]
    for i, policy in enumerate(as_list(r.props.get("Policies"))):
        if isinstance(policy, Mapping) and intrinsic_name(policy) is None:
            yield f"Policies[{i}].PolicyDocument", policy.get("PolicyDocument")
        else:  # a policy from a parameter or an import: judged as unknown statements
            yield f"Policies[{i}]", policy


def _literal_list(r: ResourceView, value: Any, what: str) -> list[str]:
    return [str(r.literal(item, what)) for item in as_list(value)]


def _resource_list(r: ResourceView, value: Any, what: str) -> list[str]:
    """``Resource`` entries as text; raises only if an entry may be ``*`` at deploy time.

    An ARN of a resource of the app (``Fn::GetAtt``, ``Ref``, an import of another stack)
    or an ARN built around literal text (``arn:aws:s3:::${Param}/*``) is never ``*``; a
    parameter, an import from outside the app, or an ``Fn::Select``/``Fn::FindInMap`` with
    ``*`` among its values might be.
    """
    return ["*" if may_be_wildcard(r, item, what) else flatten(item) for item in as_list(value)]


def _managed_policy_problems(r: ResourceView) -> Iterator[Problem]:
    for i, arn in enumerate(as_list(r.props.get("ManagedPolicyArns"))):
        what = f"ManagedPolicyArns[{i}]"
        text = flatten(arn)
        if text.endswith(_ADMIN_POLICY):
            yield Problem(
                "ManagedPolicyArns attaches AdministratorAccess (Action '*' on Resource '*')",
                f"Properties.{what}",
            )
        elif intrinsic_name(arn) is not None:
            # A managed policy of the app is judged on its own; a name built from a
            # parameter (follow raises) or imported from outside the app is unknown.
            ref = r.follow(arn, what)
            if isinstance(ref, ExternalRef) and "${?}" in text:
                r.literal(arn, what)


def _no_admin(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    for where, document in _documents(r):
        for i, statement in enumerate(statements(document)):
            with deferred:
                yield from _admin_statement(r, statement, f"{where}.Statement[{i}]")
    with deferred:
        yield from _managed_policy_problems(r)
    deferred.raise_first()


def _admin_statement(r: ResourceView, statement: Mapping[str, Any], what: str) -> Iterator[Problem]:
    if effect(statement, r, what) != "Allow":
        return
    granted = {a.lower() for a in _literal_list(r, statement.get("Action"), f"{what}.Action")}
    if "NotResource" in statement and {"*", "*:*"} & granted:
        yield Problem(
            f"{what} allows Action '*' on every resource except "
            f"{statement['NotResource']!r}, which is administrator in all but name",
            f"Properties.{what}",
        )
        return
    resources = _resource_list(r, statement.get("Resource"), f"{what}.Resource")
    if "*" not in resources:
        return
    if {"*", "*:*"} & granted:
        yield Problem(
            f"{what} allows Action '*' on Resource '*' (full administrator)",
            f"Properties.{what}",
        )
    elif "iam:*" in granted:
        yield Problem(
            f"{what} allows 'iam:*' on Resource '*': the principal can grant itself "
            "any permission, which makes it administrator",
            f"Properties.{what}",
        )
    elif "NotAction" in statement:
        yield Problem(
            f"{what} allows every action except {statement['NotAction']!r} on "
            "Resource '*', which is administrator in all but name",
            f"Properties.{what}",
        )


def _trust_not_public(r: ResourceView) -> Iterator[Problem]:
    """No trust statement lets every AWS principal assume the role unconditionally."""
    document = statements(r.props.get("AssumeRolePolicyDocument"))
    for what, _statement in open_allows(r, document, "AssumeRolePolicyDocument"):
        yield Problem(
            f"{what} lets every AWS principal (Principal '*') assume the role "
            "without a condition on the caller's account or organization",
            f"Properties.{what}",
        )


RULES = (
    Rule(
        id="SC-IAM-1",
        title="IAM policies do not allow every action on every resource",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=POLICY_HOLDERS,
        rationale="Action '*' on Resource '*' turns any compromise of the principal into a "
        "compromise of the account.",
        fix="Grant the specific actions on the specific resources (CDK grant_* methods do this).",
        check=_no_admin,
        fsbp=("IAM.1", "IAM.21"),
        nist_800_53=("AC-6",),
        cdk_nag=("AwsSolutions-IAM5", "NIST.800.53.R5-IAMPolicyNoStatementsWithAdminAccess"),
        checkov=("CKV_AWS_62", "CKV_AWS_63"),
    ),
    Rule(
        id="SC-IAM-2",
        title="IAM roles cannot be assumed by everyone",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=("AWS::IAM::Role",),
        rationale="A trust policy that allows Principal '*' (or uses NotPrincipal) without a "
        "condition on aws:PrincipalAccount, aws:PrincipalOrgID or a similar key lets any AWS "
        "account assume the role and act with its permissions.",
        fix="Name the principals that may assume the role (a service, an account, a role "
        "ARN), or restrict Principal '*' with aws:PrincipalOrgID / aws:PrincipalAccount.",
        check=_trust_not_public,
        fsbp=("IAM.21",),
        nist_800_53=("AC-3", "AC-6"),
        checkov=("CKV_AWS_60", "CKV_AWS_61"),
    ),
)
