"""AWS IAM guardrails: no statement that allows every action on every resource."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._common import flatten, statements
from aspects.values import as_list

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
        if isinstance(policy, Mapping):
            yield f"Policies[{i}].PolicyDocument", policy.get("PolicyDocument")


def _literal_list(r: ResourceView, value: Any, what: str) -> list[str]:
    return [str(r.literal(item, what)) for item in as_list(value)]


def _no_admin(r: ResourceView) -> Iterator[Problem]:
    for where, document in _documents(r):
        for i, statement in enumerate(statements(document)):
            if statement.get("Effect") != "Allow":
                continue
            what = f"{where}.Statement[{i}]"
            resources = _literal_list(r, statement.get("Resource"), f"{what}.Resource")
            if "*" not in resources:
                continue
            granted = _literal_list(r, statement.get("Action"), f"{what}.Action")
            if {"*", "*:*"} & set(granted):
                yield Problem(
                    f"{what} allows Action '*' on Resource '*' (full administrator)",
                    f"Properties.{what}",
                )
            elif "NotAction" in statement:
                yield Problem(
                    f"{what} allows every action except {statement['NotAction']!r} on "
                    "Resource '*', which is administrator in all but name",
                    f"Properties.{what}",
                )
    for i, arn in enumerate(as_list(r.props.get("ManagedPolicyArns"))):
        if flatten(arn).endswith(_ADMIN_POLICY):
            yield Problem(
                "ManagedPolicyArns attaches AdministratorAccess (Action '*' on Resource '*')",
                f"Properties.ManagedPolicyArns[{i}]",
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
        cdk_nag=("AwsSolutions-IAM5", "NIST.800.53.R5-IAMNoInlinePolicy"),
        checkov=("CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_63"),
    ),
)
