"""AWS IAM guardrails: no administrator grants, no open trust, no confused deputies.

No wildcard on sensitive actions, no trust in everyone, no service grant in a resource or
key policy that another account's resources can use through the service.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from aspects.index import ExternalRef, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.resolve import Placeholder, Text, render, unknown_sources
from aspects.rules._common import (
    Deferred,
    action_covers,
    covers,
    effect,
    flatten,
    matches_any_account,
    may_be_wildcard,
    open_allows,
    policy_document,
    principal_is_everyone,
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
    return list(_sensitive_for(tuple(sorted(set(granted)))))


#: ``(what, action, service)`` of every sensitive action, lower-cased service prefix.
_SENSITIVE = tuple(
    (what, action, action.split(":", 1)[0].lower())
    for what, names in SENSITIVE_ACTIONS.items()
    for action in names
)


@functools.lru_cache(maxsize=4096)
def _sensitive_for(granted: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Cached: CDK writes the same few action lists over and over."""
    services = {g.split(":", 1)[0] for g in granted}
    wildcard_service = any("*" in s or "?" in s for s in services)
    return tuple(
        (what, action)
        for what, action, service in _SENSITIVE
        if (wildcard_service or service in services) and action_covers(granted, action)
    )


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


# -- SC-IAM-4 service principals in resource and key policies ------------------------------

#: The resource policies that grant AWS services access to a resource (type -> the
#: property holding the policy document, and what the resource is called in messages).
SERVICE_GRANT_POLICIES: dict[str, tuple[str, str]] = {
    "AWS::KMS::Key": ("KeyPolicy", "key"),
    "AWS::S3::BucketPolicy": ("PolicyDocument", "bucket"),
    "AWS::SNS::TopicPolicy": ("PolicyDocument", "topic"),
    "AWS::SNS::TopicInlinePolicy": ("PolicyDocument", "topic"),
    "AWS::SQS::QueuePolicy": ("PolicyDocument", "queue"),
    "AWS::SQS::QueueInlinePolicy": ("PolicyDocument", "queue"),
    "AWS::SecretsManager::ResourcePolicy": ("ResourcePolicy", "secret"),
}
_KEY = "AWS::KMS::Key"
_BUCKET_POLICY = "AWS::S3::BucketPolicy"
#: SC-CF-7 judges this principal in bucket policies (with the same conditions).
_CLOUDFRONT = "cloudfront.amazonaws.com"

#: Global condition keys that carry the account, resource or organization a service acts
#: for (compared lower-case). Key policies may also pin ``kms:EncryptionContext:<key>``.
_SOURCE_KEYS = frozenset(
    {
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
    }
)
_CONTEXT_PREFIX = "kms:encryptioncontext:"
#: Operators under which an Allow holds only when the key is present and matches.
_MATCHING = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}
)
#: Operators under which a Deny holds when the key is absent or does not match.
_MISMATCHING = frozenset(
    f"{name}{suffix}"
    for name in (
        "stringnotequals",
        "stringnotequalsignorecase",
        "stringnotlike",
        "arnnotequals",
        "arnnotlike",
    )
    for suffix in ("", "ifexists")
)
#: Stands for a pseudo parameter or a resource's name inside a value: never a wildcard.
_KNOWN = "known"
#: Stands for a value that starts with a resource's ARN (``Ref``/``Fn::GetAtt``).
_APP_ARN = "arn:known:known:known:known:known"


def _shown(text: Text, unknown: str) -> str:
    """A value's text for :func:`_matches_any_account`, deploy-time parts substituted."""
    out: list[str] = []
    for i, part in enumerate(text):
        if isinstance(part, str):
            out.append(part)
        elif part.kind == "unknown":
            out.append(unknown)
        elif i == 0 and part.kind in ("resource", "attribute"):
            out.append(_APP_ARN)
        else:
            out.append(_KNOWN)
    return "".join(out)


def _value_pins(r: ResourceView, key: str, value: Any) -> bool | None:
    """Whether a condition value names one account (or resources of one account).

    False if it matches any account, None if that depends on a deploy-time value (a
    parameter, an import).
    """
    answers: set[bool | None] = set()
    for text in r.texts(value):
        if not any(isinstance(p, Placeholder) and p.kind == "unknown" for p in text):
            answers.add(not matches_any_account(key, _shown(text, "")))
        elif not matches_any_account(key, _shown(text, "*")):
            answers.add(True)
        elif matches_any_account(key, _shown(text, "x")):
            answers.add(False)
        else:
            answers.add(None)
    return answers.pop() if len(answers) == 1 else None


def _pins(r: ResourceView, key: str, value: Any) -> bool | None:
    """:func:`_value_pins` for every value of a condition (a list means any of them)."""
    answers = [_value_pins(r, key, item) for item in as_list(value)]
    if not answers or False in answers:
        return False
    return True if all(answers) else None


def _source_clauses(
    statement: Mapping[str, Any], key_policy: bool
) -> Iterator[tuple[str, str, Any]]:
    """``(operator, key, value)`` of each condition on a source key of the statement."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping) or intrinsic_name(condition) is not None:
        return
    for operator, clauses in condition.items():
        if not isinstance(clauses, Mapping) or intrinsic_name(clauses) is not None:
            continue
        for key, value in clauses.items():
            name = str(key).lower()
            if name in _SOURCE_KEYS or (key_policy and name.startswith(_CONTEXT_PREFIX)):
                yield str(operator), str(key), value


def _why_not(operator: str) -> str:
    lowered = operator.lower()
    if lowered.endswith("ifexists"):
        return "lets a request without the key through"
    if "not" in lowered:
        return "allows every other value"
    if lowered.startswith("forallvalues:"):
        return "matches a request without the key"
    if lowered == "null":
        return "only asks whether the key is present"
    return "does not compare the key with your account or resource"


def _allow_is_pinned(
    r: ResourceView, statement: Mapping[str, Any], key_policy: bool
) -> tuple[bool | None, list[str]]:
    """Whether the statement's own conditions pin the source, and why others do not count.

    None: a value that decides is only known at deploy time.
    """
    answer: bool | None = False
    notes: list[str] = []
    for operator, key, value in _source_clauses(statement, key_policy):
        if operator.lower().removeprefix("foranyvalue:") not in _MATCHING:
            notes.append(f"its {operator} condition on {key} {_why_not(operator)}")
            continue
        pinned = _pins(r, key.lower(), value)
        if pinned is True:
            return True, []
        if pinned is None:
            answer = None
        else:
            notes.append(f"its {operator} {key} {value!r} matches any account")
    condition = statement.get("Condition")
    keys = (
        {str(k).lower() for c in condition.values() if isinstance(c, Mapping) for k in c}
        if isinstance(condition, Mapping)
        else set()
    )
    if key_policy and "kms:viaservice" in keys:
        notes.append("kms:ViaService names the service that calls, not the account it serves")
    if not key_policy and any(k.startswith(_CONTEXT_PREFIX) for k in keys):
        notes.append("a kms:EncryptionContext key counts only in a KMS key policy")
    return answer, notes


def _service_names(r: ResourceView, statement: Mapping[str, Any]) -> list[tuple[str, bool | None]]:
    """``(name, is CloudFront)`` of each ``Principal.Service`` of the statement.

    *is CloudFront* is None where the name is only known at deploy time and may be it.
    """
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping) or intrinsic_name(principal) is not None:
        return []  # "*" or an ARN: the open-policy rules'; a parameter is never a Service map
    services = {str(k).lower(): v for k, v in principal.items()}.get("service")
    out: list[tuple[str, bool | None]] = []
    for value in as_list(services):
        for text in r.texts(value):
            name = render(text, unknown="${?}")
            if not any(isinstance(p, Placeholder) and p.kind == "unknown" for p in text):
                out.append((name, name.lower().startswith("cloudfront.")))
                continue
            pattern = "".join(
                ".*"
                if isinstance(p, Placeholder) and p.kind == "unknown"
                else re.escape(p if isinstance(p, str) else p.render())
                for p in text
            )
            maybe = re.fullmatch(pattern, _CLOUDFRONT, re.IGNORECASE | re.DOTALL)
            sources = unknown_sources([text])
            shown = f"{name} (from {sources[0]})" if sources else name
            out.append((shown, None if maybe else False))
    return out


def _lowered(r: ResourceView, statement: Mapping[str, Any], field: str, what: str) -> list[str]:
    return [str(r.literal(v, f"{what}.{field}")).lower() for v in as_list(statement.get(field))]


def _deny_pins(r: ResourceView, deny: Mapping[str, Any], key_policy: bool) -> bool:
    """Whether every condition of a Deny is a source key that must match one account."""
    clauses = list(_source_clauses(deny, key_policy))
    condition = deny.get("Condition")
    total = (
        sum(len(c) for c in condition.values() if isinstance(c, Mapping))
        if isinstance(condition, Mapping)
        else 0
    )
    return (
        bool(clauses)
        and len(clauses) == total
        and all(
            operator.lower() in _MISMATCHING and _pins(r, key.lower(), value) is True
            for operator, key, value in clauses
        )
    )


Denies = list[tuple[int, Mapping[str, Any]]]


def _deny_candidates(r: ResourceView, document: list[Mapping[str, Any]], where: str) -> Denies:
    """``(index, statement)`` of the statements that may refuse an Allow: ``Deny`` ones.

    Without ``NotAction``, ``NotResource`` or ``NotPrincipal``; a statement whose effect is
    only known at deploy time does not count. Found once per policy, not once per Allow:
    a log bucket's policy holds an Allow per load balancer.
    """
    out: Denies = []
    for i, deny in enumerate(document):
        if {"NotAction", "NotResource", "NotPrincipal"} & set(deny):
            continue
        try:
            if effect(deny, r, f"{where}.Statement[{i}]") == "Deny":
                out.append((i, deny))
        except CannotVerify:
            continue
    return out


def _denied_otherwise(
    r: ResourceView,
    allow: Mapping[str, Any],
    names: list[str],
    denies: Denies,
    where: str,
    key_policy: bool,
) -> bool:
    """Whether a Deny of the same policy refuses *allow*'s services for other sources.

    It must name the same services (or everyone), cover the Allow's actions and resources,
    and hold whenever a source key does not match one account. A Deny whose parts are only
    known at deploy time does not count.
    """
    if "NotAction" in allow or "NotResource" in allow:
        return False
    wanted = {name.lower() for name in names}
    for i, deny in denies:
        what = f"{where}.Statement[{i}]"
        try:
            if deny is allow or not _deny_pins(r, deny, key_policy):
                continue
            named = {name.lower() for name, _ in _service_names(r, deny)}
            if not (wanted <= named or principal_is_everyone(deny, r, what)):
                continue
            denied = _lowered(r, deny, "Action", what)
            granted = _lowered(r, allow, "Action", what)
            if not granted or not all(action_covers(denied, action) for action in granted):
                continue
            scope = [flatten(x) for x in as_list(deny.get("Resource"))]
            targets = [flatten(x) for x in as_list(allow.get("Resource"))] or ["*"]
            if all(covers(scope, [target]) for target in targets):
                return True
        except CannotVerify:
            continue
    return False


def _service_grants_pinned(r: ResourceView) -> Iterator[Problem]:
    prop, noun = SERVICE_GRANT_POLICIES[r.type]
    document = statements(policy_document(r, prop))
    found: list[Denies] = []

    def denies() -> Denies:  # only an Allow without its own condition needs them
        if not found:
            found.append(_deny_candidates(r, document, prop))
        return found[0]

    deferred = Deferred()
    for i, statement in enumerate(document):
        with deferred:
            yield from _service_statement(r, statement, f"{prop}.Statement[{i}]", denies, noun)
    deferred.raise_first()


def _service_statement(
    r: ResourceView,
    statement: Mapping[str, Any],
    what: str,
    denies: Callable[[], Denies],
    noun: str,
) -> Iterator[Problem]:
    if "Principal" not in statement:
        effect(statement, r, what)  # a statement from a parameter: cannot verify
        return
    services = _service_names(r, statement)
    if r.type == _BUCKET_POLICY:  # CloudFront's grants are SC-CF-7's
        services = [(name, cloudfront) for name, cloudfront in services if cloudfront is not True]
    if not services or effect(statement, r, what) != "Allow":
        return
    key_policy = r.type == _KEY
    pinned, notes = _allow_is_pinned(r, statement, key_policy)
    if pinned is True:
        return
    names = list(dict.fromkeys(name for name, _ in services))
    where = what.split(".Statement[", 1)[0]
    if _denied_otherwise(r, statement, names, denies(), where, key_policy):
        return
    sid = statement.get("Sid")
    label = f"{what} (Sid {sid!r})" if isinstance(sid, str) and sid else what
    shown = ", ".join(names)
    path = f"Properties.{what}.Condition"
    if pinned is None:
        raise CannotVerify(
            f"{label} allows {shown} under a source condition whose value is only known at "
            "deploy time, so whether it ties the grant to your account cannot be verified",
            path,
        )
    if r.type == _BUCKET_POLICY and all(cloudfront is None for _, cloudfront in services):
        raise CannotVerify(
            f"{label} allows the service principal {shown}, known only at deploy time, "
            f"without a confused-deputy condition (if it is {_CLOUDFRONT}, SC-CF-7 judges it)",
            path,
        )
    needed = "aws:SourceAccount or aws:SourceArn naming your account or resource"
    if key_policy:
        needed += ", or a kms:EncryptionContext condition naming a resource of your account"
    why = f"; {'; '.join(dict.fromkeys(notes))}" if notes else ""
    yield Problem(
        f"{label} allows the service principal{'s' if len(names) > 1 else ''} {shown} "
        f"without a confused-deputy condition ({needed}{why}), so the "
        f"{'services' if len(names) > 1 else 'service'} acting for any AWS account can use "
        f"this {noun}",
        path,
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
    Rule(
        id="SC-IAM-4",
        title="Resource and key policies let AWS services act only for your account",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=tuple(SERVICE_GRANT_POLICIES),
        rationale="An Allow for a service principal (logs.<region>.amazonaws.com, "
        "delivery.logs.amazonaws.com, logging.s3.amazonaws.com, cloudtrail.amazonaws.com, "
        "config.amazonaws.com, events.amazonaws.com, sns.amazonaws.com, s3.amazonaws.com, "
        "cloudwatch.amazonaws.com...) lets the service act for any of its customers: whoever "
        "points their own trail, log delivery, rule, notification or alarm at your key, "
        "bucket, topic, queue or secret makes the service use it for them (a cross-service "
        "confused deputy). A positive condition on aws:SourceAccount, aws:SourceArn, "
        "aws:SourceOwner, aws:SourceOrgID or aws:SourceOrgPaths whose values name your "
        "account (an ARN without a wildcard account), or in a key policy a "
        "kms:EncryptionContext:<key> condition on the resource the service encrypts for "
        "(kms:EncryptionContext:aws:logs:arn...), ties the grant to your own resources; so "
        "does a Deny in the same policy of the same service principal, actions and "
        "resources under StringNotEquals/ArnNotLike on those keys. Negated operators, "
        "...IfExists, Null and ForAllValues conditions do not count (they let a request "
        "without the key through), nor does kms:ViaService (it names the service that "
        "calls, not the account it calls for), nor a Resource scoped to AWSLogs/<account>/ "
        "(the other account chooses the prefix its trail or load balancer writes under). "
        "cloudfront.amazonaws.com in bucket policies is SC-CF-7's. A warning because many "
        "CDK integrations write the grant without a condition (events_targets.SnsTopic, S3 "
        "notifications and EventBridge targets on encrypted topics and queues, "
        "cloudtrail.Trail's bucket policy, ApplicationLoadBalancer.log_access_logs); the "
        "Secure* constructs make it an error on the resources they build.",
        fix="Add the condition to the PolicyStatement that grants the service: "
        "iam.PolicyStatement(principals=[iam.ServicePrincipal('events.amazonaws.com')], ..., "
        "conditions={'StringEquals': {'aws:SourceAccount': Aws.ACCOUNT_ID}, 'ArnLike': "
        "{'aws:SourceArn': rule.rule_arn}}); in a key policy a condition on the encryption "
        "context also works (conditions={'ArnLike': {'kms:EncryptionContext:aws:logs:arn': "
        "stack.format_arn(service='logs', resource='log-group', resource_name='*', "
        "arn_format=ArnFormat.COLON_RESOURCE_NAME)}}). Where a CDK integration writes the "
        "Allow itself, add beside it with add_to_resource_policy an "
        "iam.PolicyStatement(effect=iam.Effect.DENY, principals=[the same "
        "ServicePrincipal], actions=[the same actions], resources=[the same resources], "
        "conditions={'StringNotEquals': {'aws:SourceAccount': Aws.ACCOUNT_ID}}).",
        check=_service_grants_pinned,
        nist_800_53=("AC-3", "AC-6"),
    ),
)
