"""Amazon SQS guardrails: queues encrypted with a customer-managed key, TLS-only access."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._common import (
    actions,
    covers,
    denies_plain_http,
    flatten,
    kms_key_problems,
    policy_variants,
    required_denial,
    split_by_encryption,
)
from aspects.values import as_list

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
)
