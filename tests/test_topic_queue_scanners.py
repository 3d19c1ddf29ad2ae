"""SecureTopic and SecureQueue under the real scanners: cdk-nag 3 (four packs), checkov, cfn-lint.

Two configurations: the defaults (a topic with a queue subscribed), and FIFO versions
wired to an S3 bucket and an EventBridge rule. Neither needs an acknowledgment. A plain
topic and queue go through the same harness to show the scanners do bite.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from aspects.testing import check
from secure_constructs.queue import SecureQueue
from secure_constructs.topic import SecureTopic
from tests.scanner_harness import Scanned, checkov_failures, scan, suppressed, violations

pytestmark = pytest.mark.e2e


def _build_default(stack: cdk.Stack) -> None:
    topic = SecureTopic(stack, "Alerts")
    topic.add_subscription(subscriptions.SqsSubscription(SecureQueue(stack, "Jobs")))


def _build_wired(stack: cdk.Stack) -> None:
    topic = SecureTopic(stack, "Orders", fifo=True, content_based_deduplication=True)
    queue = SecureQueue(stack, "Jobs")
    events.Rule(
        stack,
        "Hourly",
        schedule=events.Schedule.rate(cdk.Duration.hours(1)),
        targets=[targets.SqsQueue(queue), targets.SnsTopic(SecureTopic(stack, "Alerts"))],
    )
    topic.add_subscription(
        subscriptions.SqsSubscription(SecureQueue(stack, "OrderJobs", fifo=True))
    )


def _build_plain(stack: cdk.Stack) -> None:
    sns.Topic(stack, "PlainTopic")
    sqs.Queue(stack, "PlainQueue")


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("default"), _build_default)


@pytest.fixture(scope="module")
def wired(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("wired"), _build_wired)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("plain"), _build_plain)


@pytest.mark.parametrize("name", ["default", "wired"])
def test_passes_every_scanner_without_acknowledgments(
    name: str, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(name)
    assert scanned.synth_error is None, scanned.synth_error
    assert violations(scanned.report) == []
    assert suppressed(scanned.report) == []
    assert checkov_failures(scanned.checkov) == []
    assert scanned.checkov["results"]["skipped_checks"] == []
    assert scanned.checkov["summary"]["parsing_errors"] == 0
    assert scanned.cfn_lint == [], json.dumps(scanned.cfn_lint, indent=1)
    assert check(scanned.stack).findings == ()


def test_default_passes_the_encryption_checks_of_checkov(default: Scanned) -> None:
    passed = {c["check_id"] for c in default.checkov["results"]["passed_checks"]}
    # SNS encrypted (CKV_AWS_26), SQS encrypted (CKV_AWS_27), KMS rotation (CKV_AWS_7).
    assert {"CKV_AWS_7", "CKV_AWS_26", "CKV_AWS_27"} <= passed


def test_plain_topic_and_queue_fail_cdk_nag_checkov_and_our_guardrails(plain: Scanned) -> None:
    assert plain.synth_error is not None
    rules = {rule for _, rule, _ in violations(plain.report)}
    assert {"AwsSolutions-SNS3", "AwsSolutions-SQS3", "AwsSolutions-SQS4"} <= rules
    failed = {c["check_id"] for c in plain.checkov["results"]["failed_checks"]}
    assert {"CKV_AWS_26", "CKV_AWS_27"} <= failed
    ours = {f.rule.id for f in check(plain.stack).findings}
    assert {"SC-SNS-1", "SC-SNS-2", "SC-SQS-1"} <= ours
