"""Encrypted topics and queues that AWS services deliver to: their key follows their policy.

SNS and SQS encrypt every message with the topic's or queue's KMS key, so a service that
publishes (S3 event notifications, EventBridge rules, CloudWatch alarms, SNS delivering to
a queue) needs two grants: one in the topic or queue policy, and ``kms:GenerateDataKey*``
and ``kms:Decrypt`` in the key policy. CDK writes the first and, depending on the
integration and the app's feature flags, the second with no condition or not at all (an
S3 notification to an encrypted topic, a CloudWatch alarm action): the wiring synthesizes
and delivery then fails silently.

SecureTopic and SecureQueue own L2 subclasses whose ``add_to_resource_policy`` runs
:func:`share_key_with_services` for every statement added to their policy, whoever adds
it (CDK integrations, grants to a service principal, the user, through the construct or
its ``.topic``/``.queue``). Each service principal there is pinned to the account (when
the statement names no source) and gets the matching key-policy statement, with the same
``aws:SourceArn``/``aws:SourceAccount`` conditions (guardrail SC-IAM-4: no confused
deputy). The key the constructs create (:func:`service_publisher_key`) also pins every
unconditioned service grant CDK writes into it directly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct, IConstruct

from secure_constructs._defaults import enforce_rules, physical_name
from secure_constructs._defaults.kms import new_key
from secure_constructs._validation import (
    Checks,
    is_token,
    method_where,
    raise_if_any,
)

#: What a service publishing to an encrypted topic or queue needs of its key: a data key
#: to encrypt the message with, and Decrypt to reuse a cached one (SNS and SQS guides).
PUBLISHER_KEY_ACTIONS = ("kms:GenerateDataKey*", "kms:Decrypt")

#: Global condition keys that tie a service's request to the resource or account it acts
#: for (compared lower-case); the ones guardrail SC-IAM-4 accepts.
SOURCE_KEYS = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
    }
)
_CONTEXT_PREFIX = "kms:encryptioncontext:"

#: What a topic's policy allows CloudWatch alarms of the account to do.
CLOUDWATCH_ALARMS = "cloudwatch.amazonaws.com"

#: What an AWS service principal name looks like (``s3.amazonaws.com``...).
_SERVICE = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")


def service_names(statement: iam.PolicyStatement) -> list[str]:
    """The ``Principal.Service`` names of *statement* (empty for accounts, roles, ``*``)."""
    names: list[str] = []
    for principal in statement.principals:
        if isinstance(principal, iam.ServicePrincipal):
            names.append(principal.service)
            continue
        fragment = principal.policy_fragment.principal_json
        if set(fragment) == {"Service"}:
            names.extend(str(name) for name in fragment["Service"])
    return names


def source_conditions(
    statement: iam.PolicyStatement, *, key_policy: bool = False
) -> dict[str, Any]:
    """The clauses of *statement*'s conditions on a source key, by operator.

    In a key policy, ``kms:EncryptionContext:*`` clauses count too (they name the resource
    the service encrypts for).
    """
    found: dict[str, dict[str, Any]] = {}
    conditions = statement.conditions
    if not isinstance(conditions, Mapping):
        return found
    for operator, clauses in conditions.items():
        if not isinstance(clauses, Mapping):
            continue
        for key, value in clauses.items():
            name = str(key).lower()
            if name in SOURCE_KEYS or (key_policy and name.startswith(_CONTEXT_PREFIX)):
                found.setdefault(str(operator), {})[str(key)] = value
    return found


def _grants_services(statement: iam.PolicyStatement) -> bool:
    return statement.effect == iam.Effect.ALLOW and bool(service_names(statement))


def pin_to_account(
    statement: iam.PolicyStatement, account: str, *, key_policy: bool = False
) -> iam.PolicyStatement:
    """*statement*, or a copy, with ``aws:SourceAccount`` when it grants services unpinned.

    A service-principal Allow that names no source lets the service act for any of its
    customers (SC-IAM-4); requests the service makes for this account keep working.
    """
    if not _grants_services(statement) or source_conditions(statement, key_policy=key_policy):
        return statement
    pinned = statement.copy() if statement.frozen else statement
    pinned.add_condition("StringEquals", {"aws:SourceAccount": account})
    return pinned


def key_statement_for(statement: iam.PolicyStatement, account: str) -> iam.PolicyStatement | None:
    """The key-policy Allow matching a topic or queue policy statement that grants services.

    Same service principals, :data:`PUBLISHER_KEY_ACTIONS` on ``*`` (the key's own policy),
    and the statement's source conditions (``aws:SourceAccount`` if it has none). None when
    the statement grants no service.
    """
    if not _grants_services(statement):
        return None
    return iam.PolicyStatement(
        principals=[iam.ServicePrincipal(name) for name in service_names(statement)],
        actions=list(PUBLISHER_KEY_ACTIONS),
        resources=["*"],
        conditions=source_conditions(statement) or {"StringEquals": {"aws:SourceAccount": account}},
    )


#: Warning id: the key is imported, so the services the policy names could not be let in.
WARN_KEY_POLICY_NOT_UPDATED = "secure-constructs:key-policy-not-updated"


def share_key_with_services(
    owner: IConstruct, statement: iam.PolicyStatement, key: kms.IKey | None
) -> None:
    """Give the services *statement* grants the use of *key* (see the module docstring).

    An imported key's policy cannot be changed: a warning on *owner* shows what to add.
    """
    if key is None:
        return
    allow = key_statement_for(statement, cdk.Stack.of(owner).account)
    if allow is None:
        return
    if not key.add_to_resource_policy(allow, allow_no_op=True).statement_added:
        cdk.Annotations.of(owner).add_warning_v2(
            WARN_KEY_POLICY_NOT_UPDATED,
            f"the key of {owner.node.path} is imported, so its policy was not changed: "
            f"add this statement to it or {', '.join(service_names(statement))} cannot "
            f"deliver encrypted messages: {cdk.Stack.of(owner).to_json_string(allow.to_json())}",
        )


class SharesKeyWithServices:
    """The ``add_to_resource_policy`` of SecureTopic's and SecureQueue's L2s.

    Mixed in before ``sns.Topic`` or ``sqs.Queue``: every statement added to the policy is
    pinned to the account when it grants a service without a source, and those services
    get the use of the key (:func:`share_key_with_services`). jsii registers the override,
    so JavaScript calls reach it too (grants to a service principal, CDK integrations given
    ``.topic`` or ``.queue``). The subclass says which key (:meth:`_shared_key`).
    """

    def _shared_key(self) -> kms.IKey | None:
        raise NotImplementedError  # pragma: no cover - each subclass names its key

    def add_to_resource_policy(
        self, statement: iam.PolicyStatement
    ) -> iam.AddToResourcePolicyResult:
        """Add *statement* (pinned to the account if it names no source) and share the key."""
        assert isinstance(self, Construct)  # noqa: S101 - only mixed into L2 constructs
        pinned = pin_to_account(statement, cdk.Stack.of(self).account)
        result: iam.AddToResourcePolicyResult = super().add_to_resource_policy(pinned)  # type: ignore[misc]
        share_key_with_services(self, pinned, self._shared_key())
        return result


class ServicePublisherKey(kms.Key):
    """A customer-managed key that pins every service grant added to it to the account.

    CDK integrations (``SqsDestination``, ``events_targets.SnsTopic``/``SqsQueue``,
    ``SqsSubscription`` without its feature flag, ``grant_*`` to a service principal) add
    key statements for service principals with no condition; this key adds
    ``aws:SourceAccount`` to each (guardrail SC-IAM-4 is an error on it).
    """

    def add_to_resource_policy(
        self, statement: iam.PolicyStatement, allow_no_op: bool | None = None
    ) -> iam.AddToResourcePolicyResult:
        """Add *statement*, pinned to the account if it grants a service without a source."""
        pinned = pin_to_account(statement, cdk.Stack.of(self).account, key_policy=True)
        return super().add_to_resource_policy(pinned, allow_no_op)


def service_publisher_key(
    scope: Construct,
    construct_id: str,
    *,
    description: str,
    removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
) -> kms.Key:
    """``customer_managed_key``'s key (rotation, retained, SC-IAM-4 enforced), pinning grants.

    The same settings as :func:`secure_constructs._defaults.kms.customer_managed_key`, as a
    :class:`ServicePublisherKey` (SC-KMS-1, SC-KMS-3, SC-IAM-4).
    """
    return new_key(
        "service_publisher_key",
        ServicePublisherKey,
        scope,
        construct_id,
        description=description,
        removal_policy=removal_policy,
    )


def allow_statement(
    service: str,
    actions: list[str],
    resource_arn: str,
    *,
    account: str,
    source_arn: str | None = None,
    sid: str | None = None,
) -> iam.PolicyStatement:
    """A topic or queue policy Allow for *service*, pinned to the account (and the source)."""
    conditions: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": account}}
    if source_arn is not None:
        conditions["ArnLike"] = {"aws:SourceArn": source_arn}
    return iam.PolicyStatement(
        sid=sid,
        principals=[iam.ServicePrincipal(service)],
        actions=actions,
        resources=[resource_arn],
        conditions=conditions,
    )


def service_statement(
    code: str,
    construct: str,
    instance: Construct,
    service: str,
    actions: list[str],
    resource_arn: str,
    *,
    source_arn: str | None,
    sid: str | None,
) -> iam.PolicyStatement:
    """What SecureTopic's and SecureQueue's ``allow_service`` add, their arguments checked.

    A wrong *service*, *source_arn* or *sid* raises under the construct's *code* before any
    jsii call; the statement is :func:`allow_statement`'s for the stack's account.
    """
    checks = Checks(code)
    if (
        checks.string("service", service)
        and isinstance(service, str)
        and not is_token(service)
        and not _SERVICE.match(service)
    ):
        checks.add(
            code,
            "service",
            f"{service!r} is not an AWS service principal name.",
            "pass the service's principal, e.g. 's3.amazonaws.com' or 'events.amazonaws.com'.",
        )
    checks.string("source_arn", source_arn, optional=True)
    checks.string("sid", sid, optional=True)
    raise_if_any(method_where(construct, instance, "allow_service"), checks.issues)
    return allow_statement(
        service,
        actions,
        resource_arn,
        account=cdk.Stack.of(instance).account,
        source_arn=source_arn,
        sid=sid,
    )


def cloudwatch_alarms_arn(scope: IConstruct) -> str:
    """Every CloudWatch alarm of the stack's account and region (``...:alarm:*``)."""
    return cdk.Stack.of(scope).format_arn(
        service="cloudwatch",
        resource="alarm",
        resource_name="*",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )


def alarm_topic(
    scope: Construct, *, encryption_key: kms.IKey, removal_policy: cdk.RemovalPolicy
) -> sns.Topic:
    """The topic ``AlarmTopic`` of *scope* that a construct's own alarms notify.

    Encrypted with *encryption_key* (SC-SNS-1), denying plain-HTTP publishing (SC-SNS-3,
    an error here). CloudWatch publishes alarm notifications itself, so the key lets
    ``cloudwatch.amazonaws.com`` use it for this topic only (SNS puts the topic ARN in the
    encryption context). The ARN is built from the name: a reference to the topic would
    make key and topic depend on each other.
    """
    name = physical_name(scope, "", 256)
    topic = sns.Topic(
        scope,
        "AlarmTopic",
        topic_name=name,
        display_name=f"Alarms of {scope.node.path}"[:100],
        master_key=encryption_key,
        enforce_ssl=True,
    )
    topic.apply_removal_policy(removal_policy)
    enforce_rules(topic, "SC-SNS-3")
    topic_arn = cdk.Stack.of(scope).format_arn(service="sns", resource=name)
    encryption_key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchAlarmsToNotifyTheTopic",
            principals=[iam.ServicePrincipal(CLOUDWATCH_ALARMS)],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
            conditions={"StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": topic_arn}},
        ),
        allow_no_op=True,
    )
    return topic
