"""SecureQueue: the defaults, the senders wired in end to end, bad input, weakenings, snapshots.

One app, one synthesis. The wiring tests assert the exact key-policy statement each
sending service gets (without it an encrypted queue refuses what S3, EventBridge or SNS
deliver).
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from syrupy.assertion import SnapshotAssertion

from aspects.errors import SecureConstructsError
from aspects.testing import check
from secure_constructs import SecureBucket, SecureFunction
from secure_constructs.queue import WARN_QUEUE_DESTROY_ON_REMOVAL, SecureQueue
from secure_constructs.topic import SecureTopic
from tests.conftest import normalise
from tests.test_topic import NOTIFICATION_HANDLER_FINDINGS, _cycle

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
ACCOUNT = "111111111111"
CODE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
PUBLISHER_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"]
PINNED = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


class Built:
    """One app, one stack per configuration, synthesized once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App()
        self.default = cdk.Stack(self.app, "Default", env=ENV)
        self.queue = SecureQueue(self.default, "Jobs")

        self.wired = cdk.Stack(self.app, "Wired", env=ENV)
        stack = self.wired
        self.jobs = SecureQueue(stack, "Jobs", visibility_timeout=cdk.Duration.seconds(60))
        self.uploads = SecureBucket(stack, "Uploads")
        self.uploads.add_event_notification(
            s3.EventType.OBJECT_CREATED, s3n.SqsDestination(self.jobs)
        )
        events.Rule(
            stack,
            "Hourly",
            schedule=events.Schedule.rate(cdk.Duration.hours(1)),
            targets=[targets.SqsQueue(self.jobs)],
        )
        self.topic = SecureTopic(stack, "Events")
        self.topic.add_subscription(subscriptions.SqsSubscription(self.jobs))
        self.worker = SecureFunction(
            stack, "Worker", code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_14
        )
        self.worker.add_event_source(event_sources.SqsEventSource(self.jobs, batch_size=5))
        self.sender = iam.Role(
            stack, "Sender", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com")
        )
        self.jobs.grant_send_messages(self.sender)
        self.backlog = cloudwatch.Alarm(
            stack,
            "Backlog",
            metric=self.jobs.metric_approximate_number_of_messages_visible(),
            threshold=100,
            evaluation_periods=1,
        )
        # The user passes the L2 itself: the key still follows.
        self.direct = SecureQueue(stack, "Direct")
        self.uploads.add_event_notification(
            s3.EventType.OBJECT_REMOVED, s3n.SqsDestination(self.direct.queue)
        )
        self.direct.allow_service(
            "pipes.amazonaws.com", source_arn=f"arn:aws:pipes:eu-west-1:{ACCOUNT}:pipe/*"
        )

        self.fifo = cdk.Stack(self.app, "Fifo", env=ENV)
        self.fifo_queue = SecureQueue(
            self.fifo,
            "Orders",
            fifo=True,
            queue_name="orders.fifo",
            content_based_deduplication=True,
            max_receive_count=3,
            retention_period=cdk.Duration.days(7),
        )

        self.own = cdk.Stack(self.app, "BringYourOwn", env=ENV)
        self.own_key = kms.Key(self.own, "SharedKey", enable_key_rotation=True)
        self.own_dlq = sqs.Queue(
            self.own,
            "SharedDlq",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.own_key,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.own_queue = SecureQueue(
            self.own, "Jobs", encryption_master_key=self.own_key, dead_letter_queue=self.own_dlq
        )

        self.destroy = cdk.Stack(self.app, "Destroy", env=ENV)
        SecureQueue(self.destroy, "Jobs", removal_policy=cdk.RemovalPolicy.DESTROY)

        self.stacks = (self.default, self.wired, self.fifo, self.own, self.destroy)
        self.templates = {s.stack_name: assertions.Template.from_stack(s) for s in self.stacks}
        self.evaluation = check(self.app)

    def resources(self, stack: str, resource_type: str) -> dict[str, Any]:
        return self.templates[stack].find_resources(resource_type)

    def findings(self, stack: str) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack
        }

    def logical_id(self, construct: Any) -> str:
        node = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
        return str(cdk.Stack.of(node).resolve(node.logical_id))


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _one(resources: dict[str, Any], name_part: str) -> dict[str, Any]:
    (match,) = [r for lid, r in resources.items() if name_part in lid]
    return match


def _key_statements(built: Built, stack: str, name_part: str, service: str) -> list[Any]:
    key = _one(built.resources(stack, "AWS::KMS::Key"), name_part)
    return [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Principal") == {"Service": service}
    ]


def _queue_statements(built: Built, stack: str, name_part: str, service: str) -> list[Any]:
    policy = _one(built.resources(stack, "AWS::SQS::QueuePolicy"), name_part)
    return [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"Service": service}
    ]


def _warnings(stack: cdk.Stack) -> list[str]:
    annotations = assertions.Annotations.from_stack(stack)
    return [
        json.dumps(w.entry.data)
        for w in annotations.find_warning("*", assertions.Match.any_value())
    ]


# -- the defaults ----------------------------------------------------------------------------


def test_default_queue_passes_every_guardrail_without_acknowledgments(built: Built) -> None:
    assert built.findings("Default") == set()


def test_queue_and_dead_letter_queue_use_the_rotated_retained_key(built: Built) -> None:
    (key_id, key) = next(iter(built.resources("Default", "AWS::KMS::Key").items()))
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"
    for name in ("JobsQueue", "JobsDeadLetterQueue"):
        queue = _one(
            {
                lid: r
                for lid, r in built.resources("Default", "AWS::SQS::Queue").items()
                if (name == "JobsQueue") != ("DeadLetter" in lid)
            },
            name,
        )
        assert queue["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
        assert queue["DeletionPolicy"] == queue["UpdateReplacePolicy"] == "Retain"


def test_failed_messages_go_to_a_dead_letter_queue_kept_14_days(built: Built) -> None:
    queue = _one(built.resources("Default", "AWS::SQS::Queue"), "JobsQueue2")
    dlq_id = built.logical_id(built.queue.dead_letter_queue)
    assert queue["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": 5,
    }
    dlq = built.resources("Default", "AWS::SQS::Queue")[dlq_id]
    assert dlq["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


@pytest.mark.parametrize("name_part", ["JobsQueuePolicy", "JobsDeadLetterQueuePolicy"])
def test_both_queues_deny_plain_http_and_allow_nothing_else(built: Built, name_part: str) -> None:
    policy = _one(built.resources("Default", "AWS::SQS::QueuePolicy"), name_part)
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Action"] == "sqs:*"
    assert statement["Principal"] == {"AWS": "*"}
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_construct_exposes_what_it_creates(built: Built) -> None:
    assert isinstance(built.queue.queue, sqs.Queue)
    assert isinstance(built.queue.dead_letter_queue, sqs.Queue)
    assert built.queue.encryption_key is built.queue.encryption_master_key
    assert built.queue.queue.encryption_master_key is built.queue.encryption_key
    assert built.queue.queue_arn == built.queue.queue.queue_arn
    assert built.queue.fifo is False


def test_default_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates["Default"].to_json()) == snapshot_json


def test_fifo_queue_has_a_fifo_dead_letter_queue(
    built: Built, snapshot_json: SnapshotAssertion
) -> None:
    queues = built.resources("Fifo", "AWS::SQS::Queue")
    main = queues[built.logical_id(built.fifo_queue.queue)]["Properties"]
    assert main["FifoQueue"] is True
    assert main["QueueName"] == "orders.fifo"
    assert main["ContentBasedDeduplication"] is True
    assert main["MessageRetentionPeriod"] == 7 * 24 * 3600
    assert main["RedrivePolicy"]["maxReceiveCount"] == 3
    dlq = queues[built.logical_id(built.fifo_queue.dead_letter_queue)]["Properties"]
    assert dlq["FifoQueue"] is True
    assert built.findings("Fifo") == set()
    assert normalise(built.templates["Fifo"].to_json()) == snapshot_json


# -- the senders wired in: the key follows the queue policy ---------------------------------


def test_s3_notification_gets_the_key_for_this_bucket_only(built: Built) -> None:
    bucket_arn = {"Fn::GetAtt": [built.logical_id(built.uploads.bucket), "Arn"]}
    from_bucket = {"ArnLike": {"aws:SourceArn": bucket_arn}}
    (statement,) = _queue_statements(built, "Wired", "JobsQueuePolicy", "s3.amazonaws.com")
    assert statement["Condition"] == from_bucket
    # Ours first, then CDK's grant_send_messages key grant, then its unconditioned
    # statement, pinned to the account by the key.
    assert _key_statements(built, "Wired", "JobsKey", "s3.amazonaws.com") == [
        {
            "Action": PUBLISHER_ACTIONS,
            "Condition": from_bucket,
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Resource": "*",
        },
        {
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
            "Condition": from_bucket,
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Resource": "*",
        },
        {
            "Action": PUBLISHER_ACTIONS,
            "Condition": PINNED,
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Resource": "*",
        },
    ]


def test_eventbridge_target_is_pinned_to_the_account_in_queue_and_key_policy(
    built: Built,
) -> None:
    (statement,) = _queue_statements(built, "Wired", "JobsQueuePolicy", "events.amazonaws.com")
    assert statement["Condition"] == PINNED
    statements = _key_statements(built, "Wired", "JobsKey", "events.amazonaws.com")
    assert [s["Condition"] for s in statements] == [PINNED, PINNED]
    assert statements[0]["Action"] == PUBLISHER_ACTIONS


def test_sns_subscription_gets_the_queue_key_for_this_topic(built: Built) -> None:
    from_topic = {"ArnEquals": {"aws:SourceArn": {"Ref": built.logical_id(built.topic.topic)}}}
    (statement,) = _queue_statements(built, "Wired", "JobsQueuePolicy", "sns.amazonaws.com")
    assert statement["Condition"] == from_topic
    assert statement["Action"] == "sqs:SendMessage"
    assert _key_statements(built, "Wired", "JobsKey", "sns.amazonaws.com") == [
        {
            "Action": PUBLISHER_ACTIONS,
            "Condition": from_topic,
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Resource": "*",
        },
        {  # CDK's own (no condition without its feature flag), pinned by the key
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Condition": PINNED,
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Resource": "*",
        },
    ]
    (subscription,) = built.resources("Wired", "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "sqs"


def test_passing_the_l2_queue_directly_still_shares_the_key(built: Built) -> None:
    bucket_arn = {"Fn::GetAtt": [built.logical_id(built.uploads.bucket), "Arn"]}
    statements = _key_statements(built, "Wired", "DirectKey", "s3.amazonaws.com")
    assert statements[0] == {
        "Action": PUBLISHER_ACTIONS,
        "Condition": {"ArnLike": {"aws:SourceArn": bucket_arn}},
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Resource": "*",
    }


def test_allow_service_pins_account_and_source_in_queue_and_key_policy(built: Built) -> None:
    conditions = {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:pipes:eu-west-1:{ACCOUNT}:pipe/*"},
    }
    (queue_statement,) = _queue_statements(
        built, "Wired", "DirectQueuePolicy", "pipes.amazonaws.com"
    )
    assert queue_statement["Condition"] == conditions
    assert queue_statement["Action"] == "sqs:SendMessage"
    (key_statement,) = _key_statements(built, "Wired", "DirectKey", "pipes.amazonaws.com")
    assert key_statement["Condition"] == conditions


def _role_actions(built: Built, role: Any) -> set[str]:
    role_id = built.logical_id(role)
    statements = [
        s
        for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
        for p in built.resources("Wired", kind).values()
        if {"Ref": role_id} in p["Properties"].get("Roles", [])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    return {
        a
        for s in statements
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }


def test_grant_send_messages_to_a_role_includes_the_key(built: Built) -> None:
    assert {"sqs:SendMessage", "kms:GenerateDataKey*", "kms:Encrypt"} <= _role_actions(
        built, built.sender
    )


def test_sqs_event_source_consumes_with_the_key(built: Built) -> None:
    (mapping,) = built.resources("Wired", "AWS::Lambda::EventSourceMapping").values()
    assert mapping["Properties"]["EventSourceArn"] == {
        "Fn::GetAtt": [built.logical_id(built.jobs.queue), "Arn"]
    }
    assert mapping["Properties"]["BatchSize"] == 5
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "kms:Decrypt"} <= _role_actions(
        built, built.worker.function.role
    )


def test_metric_alarm_watches_the_queue(built: Built) -> None:
    alarm = _one(built.resources("Wired", "AWS::CloudWatch::Alarm"), "Backlog")
    assert alarm["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["Properties"]["Dimensions"] == [
        {
            "Name": "QueueName",
            "Value": {"Fn::GetAtt": [built.logical_id(built.jobs.queue), "QueueName"]},
        }
    ]


def test_wired_stack_has_no_findings_on_the_queues_and_topic(built: Built) -> None:
    ours = {
        (rule, path)
        for rule, path in built.findings("Wired")
        if path.startswith(("Wired/Jobs", "Wired/Direct", "Wired/Events"))
    }
    assert ours == set()
    others = {
        rule for rule, path in built.findings("Wired") if "BucketNotificationsHandler" in path
    }
    assert others <= NOTIFICATION_HANDLER_FINDINGS


def test_wired_template_has_no_dependency_cycle(built: Built) -> None:
    assert _cycle(built.templates["Wired"].to_json()["Resources"]) is None


# -- bring your own key and dead-letter queue ------------------------------------------------


def test_given_key_and_dead_letter_queue_are_used_and_nothing_extra_is_created(
    built: Built,
) -> None:
    assert set(built.resources("BringYourOwn", "AWS::KMS::Key")) == {
        built.logical_id(built.own_key)
    }
    queues = built.resources("BringYourOwn", "AWS::SQS::Queue")
    assert set(queues) == {built.logical_id(built.own_dlq), built.logical_id(built.own_queue.queue)}
    main = queues[built.logical_id(built.own_queue.queue)]["Properties"]
    assert main["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": [built.logical_id(built.own_dlq), "Arn"]
    }
    assert built.findings("BringYourOwn") == set()


# -- weakenings ------------------------------------------------------------------------------


def test_destroy_policy_warns_and_the_guardrails_flag_key_and_dead_letter_queue(
    built: Built,
) -> None:
    assert any(WARN_QUEUE_DESTROY_ON_REMOVAL in w for w in _warnings(built.destroy))
    assert built.findings("Destroy") == {
        ("SC-KMS-3", "Destroy/Jobs/Key/Resource"),
        ("SC-SQS-4", "Destroy/Jobs/DeadLetterQueue/Resource"),
    }


# -- bad input -------------------------------------------------------------------------------


def _stack() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Bad", env=ENV)


def test_invalid_queue_name_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-QUEUE-3\] queue_name: 'my queue'"):
        SecureQueue(_stack(), "Q", queue_name="my queue")


def test_out_of_range_settings_are_all_reported_at_once() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        SecureQueue(
            _stack(),
            "Q",
            max_receive_count=0,
            visibility_timeout=cdk.Duration.hours(13),
            retention_period=cdk.Duration.days(15),
            encryption_master_key="alias/mine",  # type: ignore[arg-type]
        )
    text = str(raised.value)
    for expected in (
        "SC-QUEUE-2] max_receive_count: 0",
        "SC-QUEUE-2] visibility_timeout",
        "SC-QUEUE-2] retention_period",
        "SC-QUEUE-1] encryption_master_key",
    ):
        assert expected in text


def test_standard_dead_letter_queue_for_a_fifo_queue_is_rejected() -> None:
    stack = _stack()
    dlq = sqs.Queue(stack, "Dlq")
    with pytest.raises(SecureConstructsError, match=r"SC-QUEUE-4\] dead_letter_queue"):
        SecureQueue(stack, "Q", fifo=True, dead_letter_queue=dlq)


def test_snapshot_removal_policy_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-QUEUE-5\] removal_policy"):
        SecureQueue(_stack(), "Q", removal_policy=cdk.RemovalPolicy.SNAPSHOT)


def test_bad_method_arguments_are_rejected(built: Built) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-QUEUE-6\] statement"):
        built.queue.add_to_resource_policy("{}")  # type: ignore[arg-type]
    with pytest.raises(SecureConstructsError, match=r"SC-QUEUE-6\] source_arn"):
        built.queue.allow_service("events.amazonaws.com", source_arn=42)  # type: ignore[arg-type]
