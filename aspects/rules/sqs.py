"""Amazon SQS guardrails: queues encrypted with a customer-managed key, TLS-only access."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import AppIndex, ResourceKey, ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._blocks import app_cache
from aspects.rules._common import (
    actions,
    covers,
    denies_plain_http,
    flatten,
    kms_key_problems,
    policy_variants,
    required_denial,
    retention_problems,
    split_by_encryption,
)
from aspects.values import as_list, dig, properties

QUEUE = ("AWS::SQS::Queue",)
#: The policy resource types that attach to queues, and the property naming the queues.
QUEUE_POLICY_TARGETS = {"AWS::SQS::QueuePolicy": "Queues", "AWS::SQS::QueueInlinePolicy": "Queue"}


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    key = r.props.get("KmsMasterKeyId")
    if key is None:
        yield Problem(
            "KmsMasterKeyId is not set: the queue is unencrypted or uses SQS-managed keys "
            "(SSE-SQS), so anyone allowed sqs:ReceiveMessage reads the messages and no key "
            "policy of yours stands in the way",
            "Properties.KmsMasterKeyId",
        )
        return
    yield from kms_key_problems(r, key, "KmsMasterKeyId")


#: Where resources name the queue their failed messages or events go to:
#: (resource type, path to the value, what fails into it).
_DEAD_LETTER_SOURCES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("AWS::SQS::Queue", ("RedrivePolicy", "deadLetterTargetArn"), "messages of queue"),
    ("AWS::Lambda::Function", ("DeadLetterConfig", "TargetArn"), "async invocations of"),
    (
        "AWS::Lambda::EventInvokeConfig",
        ("DestinationConfig", "OnFailure", "Destination"),
        "async invocations of",
    ),
    (
        "AWS::Lambda::EventSourceMapping",
        ("DestinationConfig", "OnFailure", "Destination"),
        "records of",
    ),
    ("AWS::SNS::Subscription", ("RedrivePolicy", "deadLetterTargetArn"), "deliveries of"),
    (
        "AWS::Pipes::Pipe",
        ("SourceParameters", "SqsQueueParameters", "DeadLetterConfig", "Arn"),
        "events of",
    ),
)


def _dead_letter_queues(app: AppIndex) -> dict[ResourceKey, str]:
    """Queue -> what sends failures to it (in any variant: the stricter rules apply)."""
    out: dict[ResourceKey, str] = {}
    for resource_type, path, what in _DEAD_LETTER_SOURCES:
        for tpl in app.templates:
            for logical_id in tpl.by_type.get(resource_type, ()):
                value = dig(properties(tpl.resources[logical_id]), *path)
                for ref in app.resources_mentioned(value, tpl):
                    if ref.type == "AWS::SQS::Queue":
                        out.setdefault(ref.key, f"the failed {what} {logical_id}")
    for tpl in app.templates:
        for logical_id in tpl.by_type.get("AWS::Events::Rule", ()):
            targets = properties(tpl.resources[logical_id]).get("Targets")
            for target in as_list(targets):
                value = dig(target, "DeadLetterConfig", "Arn")
                for ref in app.resources_mentioned(value, tpl):
                    if ref.type == "AWS::SQS::Queue":
                        out.setdefault(ref.key, f"the undelivered events of {logical_id}")
    return out


def _dead_letter_source(r: ResourceView) -> str | None:
    return app_cache(r.app, "sqs_dead_letter_queues", _dead_letter_queues).get(r.key)


def _dead_letters_retained(r: ResourceView) -> Iterator[Problem]:
    if _dead_letter_source(r) is not None:
        yield from retention_problems(r)


#: SQS keeps messages 4 days unless MessageRetentionPeriod (seconds) says otherwise.
_DEFAULT_RETENTION_SECONDS = 4 * 24 * 3600


def _dead_letters_kept(r: ResourceView) -> Iterator[Problem]:
    source = _dead_letter_source(r)
    if source is None:
        return
    least = r.settings.dead_letter_retention_days
    value = r.props.get("MessageRetentionPeriod")
    seconds = (
        _DEFAULT_RETENTION_SECONDS if value is None else r.int(value, "MessageRetentionPeriod")
    )
    if seconds < least * 24 * 3600:
        shown = (
            "is not set (SQS keeps messages 4 days)" if value is None else f"is {seconds} seconds"
        )
        yield Problem(
            f"MessageRetentionPeriod {shown}: this queue receives {source}, which must wait "
            f"at least {least} days for someone to look at them",
            "Properties.MessageRetentionPeriod",
        )


def _queue_forms(r: ResourceView) -> list[str]:
    """The strings a queue policy ``Resource`` may use for this queue's ARN."""
    forms = [f"${{{r.logical_id}.Arn}}"]
    name = r.props.get("QueueName")
    if isinstance(name, str):
        forms += [
            f"arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:{name}",
            f"arn:aws:sqs:${{AWS::Region}}:${{AWS::AccountId}}:{name}",
        ]
    return forms


def _denies_plain_http_for_all_actions(r: ResourceView, statement: Mapping[str, Any]) -> bool:
    if not denies_plain_http(r, statement):
        return False
    if not {"*", "sqs:*"} & set(actions(statement, r, "PolicyDocument.Statement")):
        return False
    resources = [flatten(x) for x in as_list(statement.get("Resource"))]
    return covers(resources, _queue_forms(r))


def _tls_problems(r: ResourceView) -> Iterator[Problem]:
    yield from required_denial(
        policy_variants(r, r.app.queue_policies.get(r.key, ()), QUEUE_POLICY_TARGETS),
        lambda statement: _denies_plain_http_for_all_actions(r, statement),
        "requests over plain HTTP (aws:SecureTransport=false) are not denied for every "
        "SQS action (Action '*' or 'sqs:*') on the queue",
        "queue policy",
    )


def _tls_when_unencrypted(r: ResourceView) -> Iterator[Problem]:
    yield from split_by_encryption(
        r,
        r.props.get("KmsMasterKeyId"),
        "KmsMasterKeyId",
        when_encrypted=False,
        problems=lambda: _tls_problems(r),
    )


def _tls_when_encrypted(r: ResourceView) -> Iterator[Problem]:
    yield from split_by_encryption(
        r,
        r.props.get("KmsMasterKeyId"),
        "KmsMasterKeyId",
        when_encrypted=True,
        problems=lambda: _tls_problems(r),
    )


_TLS_FIX = (
    "Set enforce_ssl=True on the Queue, or add a queue policy statement: Effect Deny, "
    "Principal '*', Action 'sqs:*', Resource the queue ARN, Condition Bool "
    "aws:SecureTransport false."
)

RULES = (
    Rule(
        id="SC-SQS-1",
        title="SQS queues are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=QUEUE,
        rationale="With SSE-KMS and a key you manage, reading a message also needs "
        "kms:Decrypt on your key, so the key policy and CloudTrail control and record who "
        "reads. SSE-SQS and the AWS managed key alias/aws/sqs leave access to sqs:* "
        "permissions alone, and alias/aws/sqs cannot be shared with other services.",
        fix="Use encryption=QueueEncryption.KMS with encryption_master_key set to a "
        "customer-managed key (KmsMasterKeyId).",
        check=_encrypted,
        fsbp=("SQS.1",),
        nist_800_53=("SC-28", "SC-13"),
        cdk_nag=("AwsSolutions-SQS2",),
        checkov=("CKV_AWS_27",),
    ),
    Rule(
        id="SC-SQS-2",
        title="Unencrypted SQS queues deny requests without TLS",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=QUEUE,
        rationale="SQS accepts plain HTTP requests to a queue without SSE-KMS; only a queue "
        "policy that denies aws:SecureTransport=false for every action keeps messages off "
        "the wire in plaintext.",
        fix=_TLS_FIX,
        check=_tls_when_unencrypted,
        nist_800_53=("SC-8",),
        cdk_nag=("AwsSolutions-SQS4",),
    ),
    Rule(
        id="SC-SQS-3",
        title="KMS-encrypted SQS queues also deny requests without TLS",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.WARNING,
        resource_types=QUEUE,
        rationale="SQS requires HTTPS and Signature Version 4 for every request to a queue "
        "with SSE-KMS, so the TLS denial is defence in depth there: it keeps the queue "
        "TLS-only if its encryption is ever removed.",
        fix=_TLS_FIX,
        check=_tls_when_encrypted,
        nist_800_53=("SC-8",),
        cdk_nag=("AwsSolutions-SQS4",),
    ),
    Rule(
        id="SC-SQS-4",
        title="Dead-letter queues are retained when removed from the stack",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=QUEUE,
        rationale="A dead-letter queue holds the only copy of the messages, invocations and "
        "events that failed: deleting it with the stack, or replacing it, loses the "
        "evidence and the chance to replay them.",
        fix="Keep removal_policy=RemovalPolicy.RETAIN on the dead-letter sqs.Queue (CDK's "
        "default for queues is DESTROY).",
        check=_dead_letters_retained,
        nist_800_53=("AU-9", "SI-12"),
    ),
    Rule(
        id="SC-SQS-5",
        title="Dead-letter queues keep messages long enough to be looked at",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=QUEUE,
        rationale="SQS drops messages after MessageRetentionPeriod (4 days by default): a "
        "failure that lands in a dead-letter queue on a Friday is gone before anyone "
        "investigates (Thresholds.dead_letter_retention_days, default 14, the SQS maximum).",
        fix="Set retention_period=Duration.days(14) on the dead-letter sqs.Queue.",
        check=_dead_letters_kept,
        nist_800_53=("AU-11", "SI-11"),
    ),
)
