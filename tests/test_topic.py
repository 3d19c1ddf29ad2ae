"""SecureTopic: the defaults, the services wired in end to end, bad input, weakenings, snapshots.

One app, one synthesis. The wiring tests assert the exact key-policy statement each
publishing service gets (without it an encrypted topic silently drops what S3, EventBridge
or CloudWatch publish).
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from syrupy.assertion import SnapshotAssertion

from aspects.errors import SecureConstructsError
from aspects.testing import check
from secure_constructs import SecureBucket, SecureFunction
from secure_constructs._defaults.sns import WARN_KEY_POLICY_NOT_UPDATED
from secure_constructs.topic import WARN_TOPIC_DESTROY_ON_REMOVAL, SecureTopic
from tests.conftest import normalise

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
ACCOUNT = "111111111111"
CODE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
ALARMS_ARN = {
    "Fn::Join": [
        "",
        ["arn:", {"Ref": "AWS::Partition"}, f":cloudwatch:eu-west-1:{ACCOUNT}:alarm:*"],
    ]
}
PUBLISHER_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"]
#: CDK's own S3 notification handler (created by add_event_notification), not ours.
NOTIFICATION_HANDLER_FINDINGS = {"SC-LAMBDA-6", "SC-LAMBDA-7"}


def _function(scope: cdk.Stack, construct_id: str) -> SecureFunction:
    return SecureFunction(
        scope, construct_id, code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_14
    )


class Built:
    """One app, one stack per configuration, synthesized once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App()
        self.default = cdk.Stack(self.app, "Default", env=ENV)
        self.topic = SecureTopic(self.default, "Alerts", display_name="Alerts")

        self.wired = cdk.Stack(self.app, "Wired", env=ENV)
        stack = self.wired
        self.wired_topic = SecureTopic(stack, "Alerts")
        self.uploads = SecureBucket(stack, "Uploads")
        self.uploads.add_event_notification(
            s3.EventType.OBJECT_CREATED, s3n.SnsDestination(self.wired_topic)
        )
        events.Rule(
            stack,
            "Hourly",
            schedule=events.Schedule.rate(cdk.Duration.hours(1)),
            targets=[targets.SnsTopic(self.wired_topic)],
        )
        self.alarm = cloudwatch.Alarm(
            stack,
            "Errors",
            metric=self.wired_topic.metric_number_of_notifications_failed(),
            threshold=1,
            evaluation_periods=1,
        )
        self.alarm.add_alarm_action(cw_actions.SnsAction(self.wired_topic))
        self.publisher = iam.Role(
            stack, "Publisher", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com")
        )
        self.wired_topic.grant_publish(self.publisher)
        self.reader = _function(stack, "Reader")
        self.wired_topic.add_subscription(subscriptions.LambdaSubscription(self.reader))
        # The user passes the L2 itself: the key still follows.
        self.direct = SecureTopic(stack, "Direct", allow_cloudwatch_alarms=False)
        self.uploads.add_event_notification(
            s3.EventType.OBJECT_REMOVED, s3n.SnsDestination(self.direct.topic)
        )
        self.direct.allow_service(
            "ses.amazonaws.com", source_arn=f"arn:aws:ses:eu-west-1:{ACCOUNT}:identity/*"
        )

        self.fifo = cdk.Stack(self.app, "Fifo", env=ENV)
        SecureTopic(
            self.fifo,
            "Orders",
            fifo=True,
            topic_name="orders.fifo",
            content_based_deduplication=True,
        )

        self.own = cdk.Stack(self.app, "BringYourOwn", env=ENV)
        self.own_key = kms.Key(self.own, "SharedKey", enable_key_rotation=True)
        self.own_topic = SecureTopic(self.own, "Alerts", master_key=self.own_key)
        imported = kms.Key.from_key_arn(
            self.own, "ImportedKey", f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef"
        )
        self.imported_topic = SecureTopic(self.own, "Imported", master_key=imported)

        self.destroy = cdk.Stack(self.app, "Destroy", env=ENV)
        SecureTopic(self.destroy, "Alerts", removal_policy=cdk.RemovalPolicy.DESTROY)

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


def _topic_statements(built: Built, stack: str, name_part: str, service: str) -> list[Any]:
    policy = _one(built.resources(stack, "AWS::SNS::TopicPolicy"), name_part)
    return [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"Service": service}
    ]


def _without(statement: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in statement.items() if k not in keys}


# -- the defaults ----------------------------------------------------------------------------


def test_default_topic_passes_every_guardrail_without_acknowledgments(built: Built) -> None:
    assert built.findings("Default") == set()


def test_topic_is_encrypted_with_a_rotated_retained_key(built: Built) -> None:
    (key_id, key) = next(iter(built.resources("Default", "AWS::KMS::Key").items()))
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"
    topic = _one(built.resources("Default", "AWS::SNS::Topic"), "AlertsTopic")
    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert topic["Properties"]["DisplayName"] == "Alerts"
    assert topic["DeletionPolicy"] == topic["UpdateReplacePolicy"] == "Retain"


def test_topic_policy_denies_plain_http_and_allows_only_alarms_of_this_account(
    built: Built,
) -> None:
    (policy,) = built.resources("Default", "AWS::SNS::TopicPolicy").values()
    topic_ref = {"Ref": built.logical_id(built.topic.topic)}
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Action": "sns:Publish",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": "*",
            "Resource": topic_ref,
            "Sid": "AllowPublishThroughSSLOnly",
        },
        {
            "Action": "sns:Publish",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnLike": {"aws:SourceArn": ALARMS_ARN},
            },
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Resource": topic_ref,
            "Sid": "AllowCloudWatchAlarmsOfThisAccount",
        },
    ]


def test_construct_exposes_what_it_creates(built: Built) -> None:
    assert isinstance(built.topic.topic, sns.Topic)
    assert built.topic.encryption_key is built.topic.master_key
    assert built.topic.topic.master_key is built.topic.encryption_key
    assert built.topic.topic_arn == built.topic.topic.topic_arn
    assert built.topic.fifo is False


def test_default_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates["Default"].to_json()) == snapshot_json


def test_fifo_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    topic = _one(built.resources("Fifo", "AWS::SNS::Topic"), "OrdersTopic")
    assert topic["Properties"]["FifoTopic"] is True
    assert topic["Properties"]["TopicName"] == "orders.fifo"
    assert topic["Properties"]["ContentBasedDeduplication"] is True
    assert built.findings("Fifo") == set()
    assert normalise(built.templates["Fifo"].to_json()) == snapshot_json


# -- the services wired in: the key follows the topic policy ---------------------------------


def test_s3_notification_gets_the_key_for_this_bucket_only(built: Built) -> None:
    bucket_arn = {"Fn::GetAtt": [built.logical_id(built.uploads.bucket), "Arn"]}
    assert [
        _without(s, "Sid") for s in _topic_statements(built, "Wired", "Alerts", "s3.amazonaws.com")
    ] == [
        {
            "Action": "sns:Publish",
            "Condition": {"ArnLike": {"aws:SourceArn": bucket_arn}},
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Resource": {"Ref": built.logical_id(built.wired_topic.topic)},
        }
    ]
    assert _key_statements(built, "Wired", "AlertsKey", "s3.amazonaws.com") == [
        {
            "Action": PUBLISHER_ACTIONS,
            "Condition": {"ArnLike": {"aws:SourceArn": bucket_arn}},
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Resource": "*",
        }
    ]


def test_eventbridge_target_is_pinned_to_the_account_in_topic_and_key_policy(
    built: Built,
) -> None:
    pinned = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    (statement,) = _topic_statements(built, "Wired", "Alerts", "events.amazonaws.com")
    assert statement["Condition"] == pinned
    # Ours, and CDK's own grant_publish key grant (pinned by the key on the way in).
    assert _key_statements(built, "Wired", "AlertsKey", "events.amazonaws.com") == [
        {
            "Action": PUBLISHER_ACTIONS,
            "Condition": pinned,
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Resource": "*",
        },
        {
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Condition": pinned,
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Resource": "*",
        },
    ]


def test_cloudwatch_alarm_actions_can_use_the_key_for_alarms_of_this_account(
    built: Built,
) -> None:
    alarm = _one(built.resources("Wired", "AWS::CloudWatch::Alarm"), "Errors")
    assert alarm["Properties"]["AlarmActions"] == [
        {"Ref": built.logical_id(built.wired_topic.topic)}
    ]
    assert _key_statements(built, "Wired", "AlertsKey", "cloudwatch.amazonaws.com") == [
        {
            "Action": PUBLISHER_ACTIONS,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnLike": {"aws:SourceArn": ALARMS_ARN},
            },
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Resource": "*",
        }
    ]


def test_without_alarms_option_cloudwatch_gets_nothing(built: Built) -> None:
    assert _topic_statements(built, "Wired", "Direct", "cloudwatch.amazonaws.com") == []
    assert _key_statements(built, "Wired", "DirectKey", "cloudwatch.amazonaws.com") == []


def test_passing_the_l2_topic_directly_still_shares_the_key(built: Built) -> None:
    bucket_arn = {"Fn::GetAtt": [built.logical_id(built.uploads.bucket), "Arn"]}
    (statement,) = _key_statements(built, "Wired", "DirectKey", "s3.amazonaws.com")
    assert statement["Condition"] == {"ArnLike": {"aws:SourceArn": bucket_arn}}


def test_allow_service_pins_account_and_source_in_topic_and_key_policy(built: Built) -> None:
    conditions = {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:ses:eu-west-1:{ACCOUNT}:identity/*"},
    }
    (topic_statement,) = _topic_statements(built, "Wired", "Direct", "ses.amazonaws.com")
    assert topic_statement["Condition"] == conditions
    assert topic_statement["Action"] == "sns:Publish"
    (key_statement,) = _key_statements(built, "Wired", "DirectKey", "ses.amazonaws.com")
    assert key_statement["Condition"] == conditions
    assert key_statement["Action"] == PUBLISHER_ACTIONS


def test_grant_publish_to_a_role_adds_publish_and_key_use_to_its_policy(built: Built) -> None:
    role_id = built.logical_id(built.publisher)
    statements = [
        s
        for p in built.resources("Wired", "AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"].get("Roles", [])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = {
        a
        for s in statements
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert {"sns:Publish", "kms:Decrypt", "kms:GenerateDataKey*"} <= actions


def test_lambda_subscription_subscribes_the_function(built: Built) -> None:
    (subscription,) = built.resources("Wired", "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "lambda"
    assert subscription["Properties"]["TopicArn"] == {
        "Ref": built.logical_id(built.wired_topic.topic)
    }
    permission = _one(built.resources("Wired", "AWS::Lambda::Permission"), "Reader")
    assert permission["Properties"]["Principal"] == "sns.amazonaws.com"


def test_wired_stack_has_no_findings_on_the_topics(built: Built) -> None:
    ours = {
        (rule, path)
        for rule, path in built.findings("Wired")
        if path.startswith(("Wired/Alerts", "Wired/Direct"))
    }
    assert ours == set()
    others = {
        rule for rule, path in built.findings("Wired") if "BucketNotificationsHandler" in path
    }
    assert others <= NOTIFICATION_HANDLER_FINDINGS


def test_wired_template_has_no_dependency_cycle(built: Built) -> None:
    template = built.templates["Wired"].to_json()["Resources"]
    assert _cycle(template) is None


def _references(value: Any) -> set[str]:
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            return {value["Ref"]}
        if "Fn::GetAtt" in value:
            return {value["Fn::GetAtt"][0]}
        return set().union(*(_references(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_references(v) for v in value)) if value else set()
    return set()


def _cycle(resources: dict[str, Any]) -> list[str] | None:
    """A dependency cycle among the resources (Ref, GetAtt, DependsOn), or None."""
    edges = {
        lid: (_references(res.get("Properties", {})) | set(res.get("DependsOn", [])))
        & set(resources)
        for lid, res in resources.items()
    }
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in edges[node]:
            if state.get(nxt) == 1:
                return [*path, node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, node])):
                return found
        state[node] = 2
        return None

    for lid in resources:
        if lid not in state and (found := visit(lid, [])):
            return found
    return None


# -- bring your own key ----------------------------------------------------------------------


def test_given_key_is_used_and_gets_the_service_statements(built: Built) -> None:
    assert set(built.resources("BringYourOwn", "AWS::KMS::Key")) == {
        built.logical_id(built.own_key)
    }
    topic = _one(built.resources("BringYourOwn", "AWS::SNS::Topic"), "AlertsTopic")
    assert topic["Properties"]["KmsMasterKeyId"] == {
        "Fn::GetAtt": [built.logical_id(built.own_key), "Arn"]
    }
    (statement,) = _key_statements(built, "BringYourOwn", "SharedKey", "cloudwatch.amazonaws.com")
    assert statement["Condition"]["ArnLike"] == {"aws:SourceArn": ALARMS_ARN}


def test_imported_key_warns_that_its_policy_needs_the_statement(built: Built) -> None:
    warnings = _warnings(built.own)
    (warning,) = [w for w in warnings if WARN_KEY_POLICY_NOT_UPDATED in w]
    assert "BringYourOwn/Imported/Topic" in warning
    assert "cloudwatch.amazonaws.com" in warning


def _warnings(stack: cdk.Stack) -> list[str]:
    annotations = assertions.Annotations.from_stack(stack)
    return [
        json.dumps(w.entry.data)
        for w in annotations.find_warning("*", assertions.Match.any_value())
    ]


# -- weakenings ------------------------------------------------------------------------------


def test_destroy_policy_warns_and_the_guardrails_flag_the_key(built: Built) -> None:
    warnings = _warnings(built.destroy)
    assert any(WARN_TOPIC_DESTROY_ON_REMOVAL in w for w in warnings)
    assert built.findings("Destroy") == {("SC-KMS-3", "Destroy/Alerts/Key/Resource")}
    topic = _one(built.resources("Destroy", "AWS::SNS::Topic"), "AlertsTopic")
    assert topic["DeletionPolicy"] == "Delete"


# -- bad input -------------------------------------------------------------------------------


def _stack() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Bad", env=ENV)


def test_invalid_topic_name_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-TOPIC-2\] topic_name: 'my topic'"):
        SecureTopic(_stack(), "T", topic_name="my topic")


def test_fifo_topic_name_without_suffix_is_rejected() -> None:
    with pytest.raises(
        SecureConstructsError, match=r"SC-TOPIC-2\] topic_name: 'orders' does not end"
    ):
        SecureTopic(_stack(), "T", topic_name="orders", fifo=True)


def test_snapshot_removal_policy_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-TOPIC-4\] removal_policy"):
        SecureTopic(_stack(), "T", removal_policy=cdk.RemovalPolicy.SNAPSHOT)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        SecureTopic(
            _stack(),
            "T",
            display_name="x" * 101,
            master_key="alias/mine",  # type: ignore[arg-type]
            fifo="yes",  # type: ignore[arg-type]
            content_based_deduplication=True,
        )
    text = str(raised.value)
    for expected in (
        "SC-TOPIC-1] master_key",
        "SC-TOPIC-1] fifo",
        "SC-TOPIC-3] display_name",
    ):
        assert expected in text


def test_content_based_deduplication_needs_fifo() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-TOPIC-4\] content_based_deduplication"):
        SecureTopic(_stack(), "T", content_based_deduplication=True)


def test_bad_method_arguments_are_rejected(built: Built) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-TOPIC-5\] statement"):
        built.topic.add_to_resource_policy({"Effect": "Allow"})  # type: ignore[arg-type]
    with pytest.raises(SecureConstructsError, match=r"SC-TOPIC-5\] service: 'S3'"):
        built.topic.allow_service("S3")
