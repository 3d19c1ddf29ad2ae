"""SC-SQS-1..3 on queues built from L2s, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Sqs`` holds one queue per case (construct id
= case name), stack ``SqsKeys`` a key that ``Sqs`` uses through a cross-stack reference.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs

from aspects import Severity

from ._helpers import (
    CANNOT_VERIFY,
    NON_COMPLIANT,
    Checked,
    Switch,
    cfn,
    check_app,
    findings_at,
    ids,
    outcomes,
)

LITERAL_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
NO_TLS_STMT = "PolicyDocument.Statement.0"  # the enforce_ssl statement of an L2 queue policy


def deny_plain_http(queue_arn: Any, action: Any = "sqs:*") -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": action,
        "Resource": queue_arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def queue_policy(queue: sqs.Queue) -> cdk.CfnResource:
    """The L1 policy that ``enforce_ssl`` created (the L2 keeps it private)."""
    return cfn(queue.node.find_child("Policy"))


def _build(stack: cdk.Stack, foreign_key: kms.IKey) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def queue(construct_id: str, **overrides: Any) -> sqs.Queue:
        props: dict[str, Any] = {
            "encryption": sqs.QueueEncryption.KMS,
            "encryption_master_key": key,
            "enforce_ssl": True,
        }
        props.update(overrides)
        return sqs.Queue(stack, construct_id, **props)

    def l1(
        construct_id: str, *, statement: Any = None, policy: bool = True, **overrides: Any
    ) -> sqs.CfnQueue:
        props: dict[str, Any] = {"kms_master_key_id": key.key_arn}
        props.update(overrides)
        resource = sqs.CfnQueue(stack, construct_id, **props)
        if policy:
            sqs.CfnQueuePolicy(
                stack,
                f"{construct_id}Policy",
                queues=[resource.ref],
                policy_document={
                    "Version": "2012-10-17",
                    "Statement": [statement or deny_plain_http(resource.attr_arn)],
                },
            )
        return resource

    def policy(construct_id: str) -> cdk.CfnResource:
        return queue_policy(queue(construct_id))

    # Compliant references.
    queue("Secure")
    l1_secure = l1("L1Secure")
    named = l1("L1NamedQueue", queue_name="orders", statement=None, policy=False)
    sqs.CfnQueuePolicy(
        stack,
        "L1NamedQueuePolicy",
        queues=[named.ref],
        policy_document={
            "Version": "2012-10-17",
            "Statement": [
                deny_plain_http(
                    cdk.Fn.sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:orders")
                )
            ],
        },
    )
    inline = l1("InlinePolicyQueue", policy=False)
    sqs.CfnQueueInlinePolicy(
        stack,
        "InlinePolicyQueuePolicy",
        queue=inline.ref,
        policy_document={"Version": "2012-10-17", "Statement": [deny_plain_http("*")]},
    )

    # SC-SQS-1 encryption.
    queue("Unencrypted", encryption=sqs.QueueEncryption.UNENCRYPTED, encryption_master_key=None)
    queue("SqsManaged", encryption=sqs.QueueEncryption.SQS_MANAGED, encryption_master_key=None)
    queue("AwsManagedKey", encryption=sqs.QueueEncryption.KMS_MANAGED, encryption_master_key=None)
    l1("L1NoKey", kms_master_key_id=None, statement=None)
    l1("L1NoKeyNoPolicy", kms_master_key_id=None, policy=False)
    cfn(queue("EscNoKey")).add_property_deletion_override("KmsMasterKeyId")
    cfn(queue("ParamKey")).add_property_override("KmsMasterKeyId", setting)
    cfn(queue("IfKey")).add_property_override(
        "KmsMasterKeyId", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )
    cfn(queue("IfTwoKeys")).add_property_override(
        "KmsMasterKeyId", switch.pick(key.key_arn, other_key.key_arn)
    )
    queue("ForeignKey", encryption_master_key=foreign_key)
    l1("LiteralKey", kms_master_key_id=LITERAL_KEY_ARN)

    # SC-SQS-2 (unencrypted) and SC-SQS-3 (encrypted) TLS denial.
    queue(
        "UnencryptedHttp",
        encryption=sqs.QueueEncryption.UNENCRYPTED,
        encryption_master_key=None,
        enforce_ssl=False,
    )
    queue("EncryptedHttp", enforce_ssl=False)
    l1("L1DeniesOneAction", statement=None, policy=False)
    one_action = stack.node.find_child("L1DeniesOneAction")
    assert isinstance(one_action, sqs.CfnQueue)
    sqs.CfnQueuePolicy(
        stack,
        "L1DeniesOneActionPolicy",
        queues=[one_action.ref],
        policy_document={
            "Version": "2012-10-17",
            "Statement": [deny_plain_http(one_action.attr_arn, action="sqs:SendMessage")],
        },
    )
    policy("EscTlsAction").add_property_override(f"{NO_TLS_STMT}.Action", "sqs:SendMessage")
    policy("ParamSecureTransport").add_property_override(
        f"{NO_TLS_STMT}.Condition.Bool.aws:SecureTransport", setting
    )
    policy("IfSecureTransport").add_property_override(
        f"{NO_TLS_STMT}.Condition.Bool.aws:SecureTransport", switch.pick("false", "true")
    )
    policy("IfPrincipalBoth").add_property_override(
        f"{NO_TLS_STMT}.Principal", switch.pick("*", {"AWS": "*"})
    )
    policy("ConditionalPolicy").cfn_options.condition = switch.condition
    detached = queue("IfDetached")
    queue_policy(detached).add_property_override(
        "Queues", switch.pick([detached.queue_url], [l1_secure.ref])
    )

    # SC-SQS-4/5 dead-letter queues: retained, messages kept 14 days.
    def dlq(construct_id: str, **overrides: Any) -> sqs.Queue:
        props: dict[str, Any] = {
            "retention_period": cdk.Duration.days(14),
            "removal_policy": cdk.RemovalPolicy.RETAIN,
        }
        props.update(overrides)
        return queue(construct_id, **props)

    kept = dlq("DlqKept")
    queue("WorkQueue", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=kept))
    for name, overrides in (
        ("DlqDestroyed", {"removal_policy": cdk.RemovalPolicy.DESTROY}),
        ("DlqFourDays", {"retention_period": None}),
        ("DlqOneDay", {"retention_period": cdk.Duration.days(1)}),
    ):
        target = dlq(name, **overrides)
        queue(
            f"{name}Source",
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=target),
        )
    # A function's dead-letter queue, an L1 queue and an escape hatch.
    fn_dlq = dlq("FunctionDlq", removal_policy=cdk.RemovalPolicy.DESTROY)
    lambda_.CfnFunction(
        stack,
        "Fn",
        role="arn:aws:iam::123456789012:role/fn",
        code=lambda_.CfnFunction.CodeProperty(zip_file="def handler(e, c): return e"),
        handler="index.handler",
        runtime="python3.13",
        dead_letter_config=lambda_.CfnFunction.DeadLetterConfigProperty(
            target_arn=fn_dlq.queue_arn
        ),
    )
    l1_dlq = l1("L1Dlq", message_retention_period=1209600)
    l1_dlq.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
    l1("L1DlqSource", redrive_policy={"deadLetterTargetArn": l1_dlq.attr_arn, "maxReceiveCount": 3})
    esc = dlq("EscDlq")
    cfn(esc).add_property_override("MessageRetentionPeriod", 3600)
    queue("EscDlqSource", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=esc))
    param = dlq("ParamDlq")
    cfn(param).add_property_override(
        "MessageRetentionPeriod",
        cdk.CfnParameter(stack, "DlqSeconds", type="Number", default=1209600).value_as_number,
    )
    queue("ParamDlqSource", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=param))
    # Not a dead-letter queue: may keep messages 4 days and be destroyed.
    queue("PlainQueue", removal_policy=cdk.RemovalPolicy.DESTROY)


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    keys = cdk.Stack(app, "SqsKeys")
    _build(cdk.Stack(app, "Sqs"), kms.Key(keys, "SharedKey", enable_key_rotation=True))
    return check_app(app)


def at(name: str) -> str:
    return f"Sqs/{name}"


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Secure", "L1Secure", "L1NamedQueue", "InlinePolicyQueue", "ForeignKey", "LiteralKey"]
)
def test_hardened_queue_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


# -- SC-SQS-1 encryption -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["Unencrypted", "SqsManaged", "AwsManagedKey", "L1NoKey"])
def test_queue_without_customer_managed_key_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-SQS-1"}


def test_sse_sqs_message_says_why_it_is_not_enough(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("SqsManaged"))
    assert "SSE-SQS" in finding.message


def test_key_removed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscNoKey")) == {("SC-SQS-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamKey", "IfKey"])
def test_key_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SQS-1", CANNOT_VERIFY)}


def test_two_keys_of_the_app_are_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfTwoKeys")) == set()


# -- SC-SQS-2 / SC-SQS-3 TLS denial --------------------------------------------------------


def test_unencrypted_queue_without_tls_denial_is_an_error(ev: Checked) -> None:
    assert ids(ev, at("UnencryptedHttp")) == {"SC-SQS-1", "SC-SQS-2"}
    assert ids(ev, at("L1NoKeyNoPolicy")) == {"SC-SQS-1", "SC-SQS-2"}
    (tls,) = (f for f in findings_at(ev, at("UnencryptedHttp")) if f.rule.id == "SC-SQS-2")
    assert tls.blocks_synthesis


def test_encrypted_queue_without_tls_denial_is_a_warning(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("EncryptedHttp"))
    assert finding.rule.id == "SC-SQS-3"
    assert finding.rule.severity is Severity.WARNING
    assert "no queue policy is attached" in finding.message


def test_denial_of_one_action_only_is_not_enough(ev: Checked) -> None:
    assert ids(ev, at("L1DeniesOneAction")) == {"SC-SQS-3"}


def test_tls_denial_narrowed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscTlsAction")) == {("SC-SQS-3", NON_COMPLIANT)}


@pytest.mark.parametrize(
    "name", ["ParamSecureTransport", "IfSecureTransport", "ConditionalPolicy", "IfDetached"]
)
def test_tls_denial_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SQS-3", CANNOT_VERIFY)}


def test_tls_denial_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfPrincipalBoth")) == set()


# -- SC-SQS-4/5 dead-letter queues ----------------------------------------------------------


def _dlq(ev: Checked, name: str) -> set[tuple[str, str]]:
    return {
        (f.rule.id, f.property_path)
        for f in findings_at(ev, at(name))
        if f.rule.id in ("SC-SQS-4", "SC-SQS-5")
    }


@pytest.mark.parametrize("name", ["DlqKept", "WorkQueue", "L1Dlq", "L1DlqSource", "PlainQueue"])
def test_retained_dead_letter_queues_keeping_two_weeks_pass(ev: Checked, name: str) -> None:
    assert _dlq(ev, name) == set()


def test_destroyed_dead_letter_queue_is_flagged(ev: Checked) -> None:
    # One finding for the two attributes (one problem, one acknowledgment).
    assert _dlq(ev, "DlqDestroyed") == {("SC-SQS-4", "DeletionPolicy")}


def test_function_dead_letter_queue_must_be_retained(ev: Checked) -> None:
    (finding,) = [f for f in findings_at(ev, at("FunctionDlq")) if f.rule.id == "SC-SQS-4"]
    assert "DeletionPolicy and UpdateReplacePolicy are 'Delete'" in finding.message


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("DlqFourDays", "is not set (SQS keeps messages 4 days)"),
        ("DlqOneDay", "is 86400 seconds"),
        ("EscDlq", "is 3600 seconds"),
    ],
)
def test_dead_letter_queue_dropping_messages_early_is_flagged(
    ev: Checked, name: str, shown: str
) -> None:
    assert _dlq(ev, name) == {("SC-SQS-5", "Properties.MessageRetentionPeriod")}
    (finding,) = [f for f in findings_at(ev, at(name)) if f.rule.id == "SC-SQS-5"]
    assert f"MessageRetentionPeriod {shown}" in finding.message
    assert f"the failed messages of queue {name}Source" in finding.message


def test_dead_letter_retention_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert {
        (f.rule.id, f.status) for f in findings_at(ev, at("ParamDlq")) if f.rule.id == "SC-SQS-5"
    } == {("SC-SQS-5", CANNOT_VERIFY)}
