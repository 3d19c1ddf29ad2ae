"""AWS IAM guardrails: no administrator grants, no wildcard on sensitive actions, no open trust."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ExternalRef, ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._common import (
    Deferred,
    action_covers,
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
    if not ({"*", "*:*", "iam:*"} & granted or "NotAction" in statement):
        return  # no administrator action: where it applies does not matter here
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


#: Actions that support resource-level permissions and reach data, keys, secrets or
#: identities: granting one on every resource (``Resource: "*"``) is a weakening of what
#: CDK's grant_* methods write (the ARN of one key, secret, bucket, queue...). Data, so a
#: reviewer reads the list; ``action_covers`` matches granted wildcards (``s3:Get*``).
SENSITIVE_ACTIONS: dict[str, tuple[str, ...]] = {
    "KMS keys": (
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:ReEncryptFrom",
        "kms:CreateGrant",
        "kms:PutKeyPolicy",
        "kms:ScheduleKeyDeletion",
    ),
    "secrets": (
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:PutResourcePolicy",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
    ),
    "S3 objects and buckets": (
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:PutBucketPolicy",
        "s3:DeleteBucket",
    ),
    "queues and topics": (
        "sqs:SendMessage",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:PurgeQueue",
        "sns:Publish",
    ),
    "tables": (
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
    ),
    "logs": (
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:DeleteLogGroup",
        "logs:DeleteLogStream",
    ),
    "roles": ("iam:PassRole",),
    "container images": (
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:PutImage",
    ),
    "functions": ("lambda:InvokeFunction", "lambda:UpdateFunctionCode"),
}

#: ``arn:<partition>:<service>:<region>:<account>:`` followed by a resource part that
#: matches everything (``*``, ``key/*``, ``secret:*``, ``*/*``).
_EVERY_RESOURCE_ARN = re.compile(r"arn:[^:]*:[^:]*:[^:]*:[^:]*:(?:\*|[A-Za-z-]+[/:]\*|\*/\*)")


def _covers_everything(text: str) -> bool:
    return text == "*" or bool(_EVERY_RESOURCE_ARN.fullmatch(text))


def _narrowed_by_tags_or_context(statement: Mapping[str, Any]) -> bool:
    """A positive condition on resource tags or a KMS encryption context (ABAC)."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator, clauses in condition.items():
        lowered = str(operator).lower()
        if "not" in lowered or lowered.endswith("ifexists") or not isinstance(clauses, Mapping):
            continue
        for key in clauses:
            name = str(key).lower()
            if "resourcetag/" in name or name.startswith("kms:encryptioncontext"):
                return True
    return False


def _sensitive_granted(granted: list[str]) -> list[tuple[str, str]]:
    """``(what, action)`` of each sensitive action the granted patterns cover."""
    return [
        (what, action)
        for what, names in SENSITIVE_ACTIONS.items()
        for action in names
        if action_covers(granted, action)
    ]


def _no_wildcard_resources(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    for where, document in _documents(r):
        for i, statement in enumerate(statements(document)):
            what = f"{where}.Statement[{i}]"
            with deferred:
                yield from _wildcard_statement(r, statement, what)
    deferred.raise_first()


def _wildcard_statement(
    r: ResourceView, statement: Mapping[str, Any], what: str
) -> Iterator[Problem]:
    if effect(statement, r, what) != "Allow" or "NotAction" in statement:
        return  # NotAction on '*' is SC-IAM-1's
    granted = [a.lower() for a in _literal_list(r, statement.get("Action"), f"{what}.Action")]
    sensitive = _sensitive_granted(granted)
    if not sensitive or {"*", "*:*", "iam:*"} & set(granted):
        return  # nothing sensitive, or SC-IAM-1 already reports administrator
    if "NotResource" in statement:
        scope = f"every resource except {statement['NotResource']!r}"
    else:
        resources = _resource_list(r, statement.get("Resource"), f"{what}.Resource")
        wide = [text for text in resources if _covers_everything(text)]
        if not wide:
            return
        scope = f"Resource {wide[0]!r}"
    if _narrowed_by_tags_or_context(statement):
        return
    kinds = list(dict.fromkeys(kind for kind, _ in sensitive))
    shown = ", ".join(dict.fromkeys(action for _, action in sensitive[:4]))
    more = f" and {len(sensitive) - 4} more" if len(sensitive) > 4 else ""
    yield Problem(
        f"{what} allows {shown}{more} on {scope}: every {' and '.join(kinds)} of the "
        "account instead of the ones the principal uses",
        f"Properties.{what}.Resource",
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
    Rule(
        id="SC-IAM-3",
        title="IAM policies scope sensitive actions to named resources",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=POLICY_HOLDERS,
        rationale="kms:Decrypt, secretsmanager:GetSecretValue, s3:GetObject, sqs:*, "
        "iam:PassRole, ECR pulls and log writes support resource-level permissions: on "
        "Resource '*' they reach every key, secret, bucket, queue, role and log group of "
        "the account, so one compromised function reads them all. The list is data "
        "(aspects.rules.iam.SENSITIVE_ACTIONS); a condition on resource tags or a KMS "
        "encryption context (ABAC) counts as scoping.",
        fix="Grant with the resource's grant_* method (key.grant_decrypt(fn), "
        "secret.grant_read(fn), bucket.grant_read(fn)...) or list the ARNs in "
        "iam.PolicyStatement(resources=[...]).",
        check=_no_wildcard_resources,
        nist_800_53=("AC-6",),
        cdk_nag=("AwsSolutions-IAM5",),
        checkov=("CKV_AWS_111", "CKV_AWS_356"),
    ),
)
