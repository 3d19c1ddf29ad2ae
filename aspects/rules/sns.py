"""Amazon SNS guardrails: topics encrypted with a customer-managed key, TLS-only publishing."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._common import (
    action_covers,
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

TOPIC = ("AWS::SNS::Topic",)
#: The policy resource types that attach to topics, and the property naming the topics.
TOPIC_POLICY_TARGETS = {
    "AWS::SNS::TopicPolicy": "Topics",
    "AWS::SNS::TopicInlinePolicy": "TopicArn",
}


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    key = r.props.get("KmsMasterKeyId")
    if key is None:
        yield Problem(
            "KmsMasterKeyId is not set, so the topic stores messages without a key of yours",
            "Properties.KmsMasterKeyId",
        )
        return
    yield from kms_key_problems(r, key, "KmsMasterKeyId")


def _topic_forms(r: ResourceView) -> list[str]:
    """The strings a topic policy ``Resource`` may use for this topic's ARN."""
    forms = [f"${{{r.logical_id}}}", f"${{{r.logical_id}.TopicArn}}"]
    name = r.props.get("TopicName")
    if isinstance(name, str):
        forms += [
            f"arn:${{AWS::Partition}}:sns:${{AWS::Region}}:${{AWS::AccountId}}:{name}",
            f"arn:aws:sns:${{AWS::Region}}:${{AWS::AccountId}}:{name}",
        ]
    return forms


def _denies_plain_http_publish(r: ResourceView, statement: Mapping[str, Any]) -> bool:
    if not denies_plain_http(r, statement):
        return False
    if not action_covers(actions(statement, r, "PolicyDocument.Statement"), "sns:Publish"):
        return False
    resources = [flatten(x) for x in as_list(statement.get("Resource"))]
    return covers(resources, _topic_forms(r))


def _tls_problems(r: ResourceView) -> Iterator[Problem]:
    yield from required_denial(
        policy_variants(r, r.app.topic_policies.get(r.key, ()), TOPIC_POLICY_TARGETS),
        lambda statement: _denies_plain_http_publish(r, statement),
        "publishing over plain HTTP (sns:Publish with aws:SecureTransport=false) is not denied",
        "topic policy",
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
    "Set enforce_ssl=True on the Topic, or add a topic policy statement: Effect Deny, "
    "Principal '*', Action 'sns:Publish' (or 'sns:*'), Resource the topic ARN, Condition "
    "Bool aws:SecureTransport false."
)

RULES = (
    Rule(
        id="SC-SNS-1",
        title="SNS topics are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=TOPIC,
        rationale="A key you manage decides who may publish encrypted messages and who may "
        "read them, and CloudTrail records its use. The AWS managed key alias/aws/sns "
        "cannot be granted to other services (CloudWatch alarms, EventBridge), which pushes "
        "teams to switch encryption off.",
        fix="Set master_key on the Topic to a customer-managed key (KmsMasterKeyId) whose "
        "policy allows the publishing services.",
        check=_encrypted,
        fsbp=("SNS.1",),
        nist_800_53=("SC-28", "SC-13"),
        cdk_nag=(
            "NIST.800.53.R5-SNSEncryptedKMS",
            "HIPAA.Security-SNSEncryptedKMS",
            "PCI.DSS.321-SNSEncryptedKMS",
        ),
        checkov=("CKV_AWS_26",),
    ),
    Rule(
        id="SC-SNS-2",
        title="Unencrypted SNS topics deny publishing without TLS",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=TOPIC,
        rationale="SNS accepts plain HTTP publish requests to a topic without SSE; only a "
        "topic policy that denies aws:SecureTransport=false keeps messages off the wire in "
        "plaintext.",
        fix=_TLS_FIX,
        check=_tls_when_unencrypted,
        nist_800_53=("SC-8",),
        cdk_nag=("AwsSolutions-SNS3",),
    ),
    Rule(
        id="SC-SNS-3",
        title="KMS-encrypted SNS topics also deny publishing without TLS",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.WARNING,
        resource_types=TOPIC,
        rationale="SNS requires HTTPS and Signature Version 4 for every request to a topic "
        "with SSE, so the TLS denial is defence in depth there: it keeps the topic TLS-only "
        "if its encryption is ever removed.",
        fix=_TLS_FIX,
        check=_tls_when_encrypted,
        nist_800_53=("SC-8",),
        cdk_nag=("AwsSolutions-SNS3",),
    ),
)
