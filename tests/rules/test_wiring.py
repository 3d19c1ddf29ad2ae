"""SC-WIRE-1..3: encrypted topics, queues and buckets let the services wired into them use
their key, on real CDK wiring, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Wire`` holds one construct per case
(construct id = case name), stack ``WireKeys`` a key that ``Wire`` uses through a
cross-stack reference. The fixes the findings suggest are applied in the ``...Fixed``
cases, which must be clean and free of circular dependencies (what CloudFormation would
refuse at deploy time).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from aspects import Severity
from aspects.model import Finding, Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

IMPORTED_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PUBLISH = ["kms:GenerateDataKey*", "kms:Decrypt"]


def grant(
    key: kms.IKey, service: str, conditions: Mapping[str, Any] | None = None, **kw: Any
) -> None:
    """The fix the findings give: let *service* use the key."""
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(service)],
            actions=kw.get("actions", PUBLISH),
            resources=kw.get("resources", ["*"]),
            conditions=dict(conditions)
            if conditions is not None
            else {"StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}},
        )
    )


def new_key(scope: Construct, construct_id: str = "Key") -> kms.Key:
    return kms.Key(scope, construct_id, enable_key_rotation=True)


def topic_with_key(scope: Construct, key: kms.IKey | None = None) -> tuple[sns.Topic, kms.IKey]:
    key = key or new_key(scope)
    return sns.Topic(scope, "Topic", master_key=key, enforce_ssl=True), key


def queue_with_key(scope: Construct, **kw: Any) -> tuple[sqs.Queue, kms.IKey | None]:
    props: dict[str, Any] = {"encryption": sqs.QueueEncryption.KMS, "enforce_ssl": True}
    if "encryption" not in kw:
        props["encryption_master_key"] = new_key(scope, "QueueKey")
    props.update(kw)
    queue = sqs.Queue(scope, "Queue", **props)
    return queue, queue.encryption_master_key


def alarm_on(scope: Construct, topic: sns.ITopic) -> cloudwatch.Alarm:
    alarm = cloudwatch.Alarm(
        scope,
        "Alarm",
        metric=cloudwatch.Metric(namespace="App", metric_name="Errors"),
        threshold=1,
        evaluation_periods=1,
    )
    alarm.add_alarm_action(cw_actions.SnsAction(topic))
    return alarm


def hourly_rule(scope: Construct) -> events.Rule:
    return events.Rule(scope, "Rule", schedule=events.Schedule.rate(cdk.Duration.hours(1)))


def uploads(scope: Construct) -> s3.Bucket:
    return s3.Bucket(scope, "Uploads", enforce_ssl=True)


def l1_key(scope: Construct, *statements: Mapping[str, Any]) -> kms.CfnKey:
    root = {
        "Effect": "Allow",
        "Principal": {"AWS": cdk.Fn.sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
        "Action": "kms:*",
        "Resource": "*",
    }
    return kms.CfnKey(
        scope,
        "Key",
        enable_key_rotation=True,
        key_policy={"Version": "2012-10-17", "Statement": [root, *statements]},
    )


def s3_grant(**changes: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
        "Resource": "*",
    }
    statement.update(changes)
    return {k: v for k, v in statement.items() if v is not None}


def l1_notifying_bucket(scope: Construct, *statements: Mapping[str, Any]) -> None:
    """A raw L1 topic and queue encrypted with a raw key, notified by a raw bucket."""
    key = l1_key(scope, *statements)
    topic = sns.CfnTopic(scope, "Topic", kms_master_key_id=key.attr_arn)
    queue = sqs.CfnQueue(scope, "Queue", kms_master_key_id=key.attr_arn)
    s3.CfnBucket(
        scope,
        "Bucket",
        notification_configuration=s3.CfnBucket.NotificationConfigurationProperty(
            topic_configurations=[
                s3.CfnBucket.TopicConfigurationProperty(event="s3:ObjectCreated:*", topic=topic.ref)
            ],
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event="s3:ObjectRemoved:*", queue=queue.attr_arn
                )
            ],
        ),
    )


def kms_log_bucket(scope: Construct, key: kms.IKey | None, service: str) -> s3.Bucket:
    """A bucket whose policy lets *service* write objects (the bucket's intent)."""
    props: dict[str, Any] = (
        {"encryption": s3.BucketEncryption.KMS, "encryption_key": key}
        if key is not None
        else {"encryption": s3.BucketEncryption.KMS_MANAGED}
    )
    bucket = s3.Bucket(scope, "Logs", enforce_ssl=True, **props)
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(service)],
            actions=["s3:PutObject"],
            resources=[bucket.arn_for_objects("*")],
            conditions={"StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}},
        )
    )
    return bucket


def _build(stack: cdk.Stack, shared_key: kms.Key) -> None:
    def case(name: str) -> Construct:
        return Construct(stack, name)

    switch = Switch(stack)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string

    # -- L2: real CDK wiring -----------------------------------------------------------------
    scope = case("S3ToTopic")  # s3n.SnsDestination adds no key grant
    topic, _ = topic_with_key(scope)
    uploads(scope).add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SnsDestination(topic))

    scope = case("S3ToTopicFixed")
    topic, key = topic_with_key(scope)
    bucket = uploads(scope)
    bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SnsDestination(topic))
    grant(key, "s3.amazonaws.com", {"ArnLike": {"aws:SourceArn": bucket.bucket_arn}})

    scope = case("AlarmToTopic")  # cw_actions.SnsAction adds no key grant
    topic, _ = topic_with_key(scope)
    alarm_on(scope, topic)

    scope = case("AlarmToTopicFixed")
    topic, key = topic_with_key(scope)
    alarm_on(scope, topic)
    grant(key, "cloudwatch.amazonaws.com")

    scope = case("RuleToTopic")  # targets.SnsTopic grants the key itself
    topic, _ = topic_with_key(scope)
    hourly_rule(scope).add_target(targets.SnsTopic(topic))

    scope = case("CdkQueue")  # SqsDestination, targets.SqsQueue, SqsSubscription grant
    queue, _ = queue_with_key(scope)
    source = sns.Topic(scope, "Source", master_key=new_key(scope, "SourceKey"))
    source.add_subscription(subs.SqsSubscription(queue))
    hourly_rule(scope).add_target(targets.SqsQueue(queue))
    uploads(scope).add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queue))

    scope = case("CrossStackKey")  # the key and its grant live in stack WireKeys
    topic, _ = topic_with_key(scope, shared_key)
    alarm_on(scope, topic)

    # -- raw L1 ----------------------------------------------------------------------------
    l1_notifying_bucket(case("L1RootOnly"))
    l1_notifying_bucket(case("L1Granted"), s3_grant())
    l1_notifying_bucket(case("L1KmsStar"), s3_grant(Action="kms:*"))
    l1_notifying_bucket(case("L1NotAction"), s3_grant(Action=None, NotAction="kms:Schedule*"))
    l1_notifying_bucket(case("L1OnlyGenerate"), s3_grant(Action="kms:GenerateDataKey*"))
    l1_notifying_bucket(
        case("L1EveryoneInAccount"),
        s3_grant(
            Principal="*", Condition={"StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}}
        ),
    )
    l1_notifying_bucket(
        case("L1EveryoneInOrg"),
        s3_grant(
            Principal="*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}}
        ),
    )
    scope = case("L1OtherBucket")
    other = s3.CfnBucket(scope, "Other")
    l1_notifying_bucket(scope, s3_grant(Condition={"ArnLike": {"aws:SourceArn": other.attr_arn}}))
    l1_notifying_bucket(case("L1OtherResourceArn"), s3_grant(Resource=IMPORTED_KEY_ARN))
    deny = {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
    l1_notifying_bucket(case("L1Denied"), s3_grant(), deny)
    org_deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "kms:*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}},
    }
    l1_notifying_bucket(case("L1DenyOutsideOrg"), s3_grant(), org_deny)
    services_exempt = {
        **org_deny,
        "Condition": {**org_deny["Condition"], "Bool": {"aws:PrincipalIsAWSService": "false"}},
    }
    l1_notifying_bucket(case("L1DenyOutsideOrgExceptServices"), s3_grant(), services_exempt)
    unknown_deny = {**deny, "Condition": {"StringEquals": {"aws:RequestTag/x": "y"}}}
    l1_notifying_bucket(case("L1UnknownDeny"), s3_grant(), unknown_deny)

    # (e) a topic policy says events.amazonaws.com publishes; no rule of the app does.
    scope = case("PolicyGrantOnly")
    topic, _ = topic_with_key(scope)
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
        )
    )

    # SNS subscription written as L1: no key grant.
    scope = case("L1Subscription")
    queue, _ = queue_with_key(scope)
    sns.CfnSubscription(
        scope,
        "Subscription",
        protocol="sqs",
        endpoint=queue.queue_arn,
        topic_arn=sns.Topic(scope, "Source", master_key=new_key(scope, "SourceKey")).topic_arn,
    )

    # -- escape hatches --------------------------------------------------------------------
    scope = case("EscGrantRetargeted")  # the events grant CDK wrote now names another service
    topic, key = topic_with_key(scope)
    hourly_rule(scope).add_target(targets.SnsTopic(topic))
    cfn(key).add_property_override(
        "KeyPolicy.Statement.1.Principal.Service", "lambda.amazonaws.com"
    )

    scope = case("EscActionNarrowed")
    topic, key = topic_with_key(scope)
    hourly_rule(scope).add_target(targets.SnsTopic(topic))
    cfn(key).add_property_override("KeyPolicy.Statement.1.Action", ["kms:Decrypt"])

    # -- AWS managed keys ------------------------------------------------------------------
    scope = case("ManagedTopicKey")
    managed = kms.Alias.from_alias_name(scope, "AwsSns", "alias/aws/sns")
    alarm_on(scope, sns.Topic(scope, "Topic", master_key=managed, enforce_ssl=True))

    scope = case("ManagedQueueKey")  # CDK's SqsSubscription refuses it; an L1 does not
    queue, _ = queue_with_key(scope, encryption=sqs.QueueEncryption.KMS_MANAGED)
    sns.CfnSubscription(
        scope,
        "Subscription",
        protocol="sqs",
        endpoint=queue.queue_arn,
        topic_arn=sns.Topic(scope, "Source", master_key=new_key(scope, "SourceKey")).topic_arn,
    )

    scope = case("ManagedUnwired")  # SC-SNS-1's, not a wiring problem
    sns.Topic(scope, "Topic", master_key=kms.Alias.from_alias_name(scope, "A", "alias/aws/sns"))

    # -- keys whose policy is not in the template, and tokens ------------------------------
    scope = case("ImportedKey")
    imported = kms.Key.from_key_arn(scope, "Imported", IMPORTED_KEY_ARN)
    alarm_on(scope, sns.Topic(scope, "Topic", master_key=imported, enforce_ssl=True))

    scope = case("ParamKey")
    topic, _ = topic_with_key(scope)
    alarm_on(scope, topic)
    cfn(topic).add_property_override("KmsMasterKeyId", setting)

    scope = case("IfGrant")  # the grant names CloudWatch under one condition only
    topic, key = topic_with_key(scope)
    alarm_on(scope, topic)
    grant(key, "cloudwatch.amazonaws.com")
    cfn(key).add_property_override(
        "KeyPolicy.Statement.1.Principal.Service",
        switch.pick("cloudwatch.amazonaws.com", "lambda.amazonaws.com"),
    )

    scope = case("ParamPrincipal")
    topic, key = topic_with_key(scope)
    alarm_on(scope, topic)
    grant(key, "cloudwatch.amazonaws.com")
    cfn(key).add_property_override("KeyPolicy.Statement.1.Principal.Service", setting)

    scope = case("IfKeyUnencrypted")  # encrypted in one branch only: still judged there
    topic, _ = topic_with_key(scope)
    alarm_on(scope, topic)
    cfn(topic).add_property_override(
        "KmsMasterKeyId",
        switch.pick(topic.master_key.key_arn, cdk.Aws.NO_VALUE),  # type: ignore[union-attr]
    )

    scope = case("Unencrypted")  # nothing to judge
    alarm_on(scope, sns.Topic(scope, "Topic", enforce_ssl=True))

    # -- SC-WIRE-3 buckets encrypted by default with KMS ----------------------------------
    kms_log_bucket(
        case("FlowLogBucket"), new_key(stack, "FlowLogKey"), "delivery.logs.amazonaws.com"
    )
    fixed_key = new_key(stack, "FlowLogFixedKey")
    kms_log_bucket(case("FlowLogBucketFixed"), fixed_key, "delivery.logs.amazonaws.com")
    grant(fixed_key, "delivery.logs.amazonaws.com")
    kms_log_bucket(case("FlowLogBucketAwsS3"), None, "delivery.logs.amazonaws.com")
    hidden = kms_log_bucket(
        case("FlowLogActionParam"), new_key(stack, "ParamActionKey"), "delivery.logs.amazonaws.com"
    )
    assert hidden.policy is not None
    cfn(hidden.policy).add_property_override("PolicyDocument.Statement.1.Action", setting)
    scope = case("AccessLogTarget")  # server access logging into an SSE-KMS bucket (L1)
    target_key = l1_key(scope)
    target = s3.CfnBucket(
        scope,
        "Target",
        bucket_encryption=s3.CfnBucket.BucketEncryptionProperty(
            server_side_encryption_configuration=[
                s3.CfnBucket.ServerSideEncryptionRuleProperty(
                    server_side_encryption_by_default=s3.CfnBucket.ServerSideEncryptionByDefaultProperty(
                        sse_algorithm="aws:kms", kms_master_key_id=target_key.attr_arn
                    )
                )
            ]
        ),
    )
    s3.CfnBucket(
        scope,
        "Source",
        logging_configuration=s3.CfnBucket.LoggingConfigurationProperty(
            destination_bucket_name=target.ref
        ),
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    keys = cdk.Stack(app, "WireKeys")
    shared = new_key(keys, "SharedKey")
    grant(shared, "cloudwatch.amazonaws.com")
    _build(cdk.Stack(app, "Wire"), shared)
    return check_app(app)


def wire(ev: Checked, name: str) -> list[Finding]:
    return [f for f in findings_at(ev, f"Wire/{name}") if f.rule.id.startswith("SC-WIRE-")]


def outcome(ev: Checked, name: str) -> set[tuple[str, str, Status]]:
    """``(rule id, resource under the case, status)`` of each SC-WIRE finding."""
    return {(f.rule.id, (f.construct_path or "").split("/")[2], f.status) for f in wire(ev, name)}


def message(ev: Checked, name: str) -> str:
    (finding,) = wire(ev, name)
    return finding.message


# -- L2: real CDK wiring -------------------------------------------------------------------


def test_s3_notification_to_an_encrypted_topic_without_a_key_grant_is_an_error(
    ev: Checked,
) -> None:
    (finding,) = wire(ev, "S3ToTopic")
    assert (finding.rule.id, finding.status) == ("SC-WIRE-1", NON_COMPLIANT)
    assert finding.construct_path == "Wire/S3ToTopic/Topic/Resource"
    assert finding.blocks_synthesis
    assert "the key S3ToTopic/Key" in finding.message
    assert "does not let s3.amazonaws.com use it" in finding.message
    assert "no statement allows kms:GenerateDataKey and kms:Decrypt" in finding.message
    assert "bucket S3ToTopic/Uploads notifies this topic" in finding.message
    assert '"aws:SourceArn": bucket.bucket_arn' in finding.message


def test_alarm_action_on_an_encrypted_topic_without_a_key_grant_is_an_error(ev: Checked) -> None:
    text = message(ev, "AlarmToTopic")
    assert "cloudwatch.amazonaws.com" in text
    assert "alarm AlarmToTopic/Alarm notifies this topic (AlarmActions)" in text
    assert '"aws:SourceAccount": Aws.ACCOUNT_ID' in text  # no circular reference to the alarm


@pytest.mark.parametrize(
    "name", ["S3ToTopicFixed", "AlarmToTopicFixed", "RuleToTopic", "CdkQueue", "CrossStackKey"]
)
def test_wiring_with_a_key_grant_is_clean(ev: Checked, name: str) -> None:
    assert wire(ev, name) == []


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        if "Ref" in value and isinstance(value["Ref"], str):
            yield value["Ref"]
        if "Fn::GetAtt" in value:
            yield str(value["Fn::GetAtt"][0])
        if "Fn::Sub" in value:
            text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
            for part in str(text).split("${")[1:]:
                yield part.split("}", 1)[0].split(".", 1)[0]
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def _has_cycle(resources: Mapping[str, Any]) -> list[str]:
    edges = {
        lid: {r for r in _references(res) if r in resources} | set(res.get("DependsOn", []))
        for lid, res in resources.items()
    }
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str]:
        state[node] = 1
        for nxt in edges[node]:
            if state.get(nxt) == 1:
                return [*trail, node, nxt]
            if nxt not in state and (found := visit(nxt, [*trail, node])):
                return found
        state[node] = 2
        return []

    for lid in resources:
        if lid not in state and (found := visit(lid, [])):
            return found
    return []


def test_the_suggested_fixes_make_no_circular_dependency(ev: Checked) -> None:
    assert _has_cycle(ev.templates["Wire"]["Resources"]) == []
    assert _has_cycle(ev.templates["WireKeys"]["Resources"]) == []


def test_sns_subscription_written_as_l1_needs_the_queue_key_grant(ev: Checked) -> None:
    assert outcome(ev, "L1Subscription") == {("SC-WIRE-2", "Queue", NON_COMPLIANT)}
    text = message(ev, "L1Subscription")
    assert "topic L1Subscription/Source delivers to this queue (subscription" in text
    assert "sns.amazonaws.com" in text


# -- raw L1 --------------------------------------------------------------------------------


def test_raw_bucket_notifying_raw_topic_and_queue_is_flagged_on_both(ev: Checked) -> None:
    assert outcome(ev, "L1RootOnly") == {
        ("SC-WIRE-1", "Topic", NON_COMPLIANT),
        ("SC-WIRE-2", "Queue", NON_COMPLIANT),
    }
    # The bucket holds the configuration, so a reference to it from the key policy would be
    # a circular dependency (bucket -> topic -> key -> bucket): the fix pins the account.
    assert all('"aws:SourceAccount": Aws.ACCOUNT_ID' in f.message for f in wire(ev, "L1RootOnly"))


@pytest.mark.parametrize(
    "name",
    [
        "L1Granted",
        "L1KmsStar",
        "L1NotAction",
        "L1EveryoneInAccount",
        "L1DenyOutsideOrgExceptServices",
    ],
)
def test_key_policies_that_let_s3_use_the_key_are_clean(ev: Checked, name: str) -> None:
    assert wire(ev, name) == []


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("L1OnlyGenerate", "no statement allows kms:Decrypt"),
        ("L1EveryoneInOrg", "no statement allows kms:GenerateDataKey and kms:Decrypt"),
        ("L1OtherBucket", "no statement allows kms:GenerateDataKey and kms:Decrypt"),
        ("L1OtherResourceArn", "no statement allows kms:GenerateDataKey and kms:Decrypt"),
        ("L1Denied", "KeyPolicy.Statement[2] denies kms:Decrypt"),
        ("L1DenyOutsideOrg", "KeyPolicy.Statement[2] denies kms:GenerateDataKey and kms:Decrypt"),
    ],
)
def test_key_policies_that_do_not_let_s3_use_the_key_are_flagged(
    ev: Checked, name: str, why: str
) -> None:
    found = wire(ev, name)
    assert {(f.rule.id, f.status) for f in found} == {
        ("SC-WIRE-1", NON_COMPLIANT),
        ("SC-WIRE-2", NON_COMPLIANT),
    }
    assert all(why in f.message for f in found), [f.message for f in found]


def test_deny_whose_condition_cannot_be_decided_cannot_be_verified(ev: Checked) -> None:
    assert {(f.rule.id, f.status) for f in wire(ev, "L1UnknownDeny")} == {
        ("SC-WIRE-1", CANNOT_VERIFY),
        ("SC-WIRE-2", CANNOT_VERIFY),
    }


def test_topic_policy_grant_to_a_service_counts_as_wiring(ev: Checked) -> None:
    text = message(ev, "PolicyGrantOnly")
    assert "allows events.amazonaws.com to publish to this topic (sns:Publish)" in text


# -- escape hatches ------------------------------------------------------------------------


def test_key_grant_retargeted_by_escape_hatch_is_flagged(ev: Checked) -> None:
    assert outcome(ev, "EscGrantRetargeted") == {("SC-WIRE-1", "Topic", NON_COMPLIANT)}
    assert "rule EscGrantRetargeted/Rule targets this topic" in message(ev, "EscGrantRetargeted")


def test_key_grant_narrowed_by_escape_hatch_names_the_missing_action(ev: Checked) -> None:
    assert "no statement allows kms:GenerateDataKey)" in message(ev, "EscActionNarrowed")


# -- AWS managed keys ----------------------------------------------------------------------


def test_aws_managed_key_on_a_wired_topic_can_never_work(ev: Checked) -> None:
    (finding,) = wire(ev, "ManagedTopicKey")
    assert (finding.rule.id, finding.status) == ("SC-WIRE-1", NON_COMPLIANT)
    assert "is the AWS managed key 'arn:${AWS::Partition}:kms:" in finding.message
    assert ":alias/aws/sns'" in finding.message
    assert "cloudwatch.amazonaws.com can never deliver" in finding.message


def test_aws_managed_key_on_a_subscribed_queue_can_never_work(ev: Checked) -> None:
    assert outcome(ev, "ManagedQueueKey") == {("SC-WIRE-2", "Queue", NON_COMPLIANT)}
    assert "'alias/aws/sqs'" in message(ev, "ManagedQueueKey")


def test_unwired_topic_is_not_judged(ev: Checked) -> None:
    assert wire(ev, "ManagedUnwired") == []
    assert wire(ev, "Unencrypted") == []


# -- keys not in the template and tokens ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("ImportedKey", f"the key {IMPORTED_KEY_ARN!r}"),
        ("ParamKey", "the CloudFormation parameter 'Setting'"),
        ("IfGrant", "when FlavourIsA is false"),
        ("ParamPrincipal", "may allow kms:GenerateDataKey and kms:Decrypt"),
    ],
)
def test_key_policy_not_known_at_synthesis_cannot_be_verified(
    ev: Checked, name: str, shown: str
) -> None:
    (finding,) = wire(ev, name)
    assert (finding.rule.id, finding.status) == ("SC-WIRE-1", CANNOT_VERIFY)
    assert finding.blocks_synthesis  # fails closed like every unknown value
    assert shown in finding.message


def test_key_in_one_condition_branch_is_judged_there(ev: Checked) -> None:
    (finding,) = wire(ev, "IfKeyUnencrypted")
    assert finding.status is CANNOT_VERIFY
    assert "when FlavourIsA is true" in finding.message


# -- SC-WIRE-3 buckets ---------------------------------------------------------------------


def test_log_bucket_whose_key_the_writer_cannot_use_is_a_warning(ev: Checked) -> None:
    (finding,) = wire(ev, "FlowLogBucket")
    assert (finding.rule.id, finding.rule.severity) == ("SC-WIRE-3", Severity.WARNING)
    assert "delivery.logs.amazonaws.com to write objects to this bucket (s3:PutObject)" in (
        finding.message
    )
    assert "no statement allows kms:GenerateDataKey" in finding.message


def test_log_bucket_with_the_key_grant_is_clean(ev: Checked) -> None:
    assert wire(ev, "FlowLogBucketFixed") == []


def test_log_bucket_on_the_aws_managed_s3_key_can_never_work(ev: Checked) -> None:
    text = message(ev, "FlowLogBucketAwsS3")
    assert "KMSMasterKeyID is not set, so S3 uses the AWS managed key aws/s3" in text


def test_bucket_policy_actions_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked,
) -> None:
    (finding,) = wire(ev, "FlowLogActionParam")
    assert (finding.rule.id, finding.status) == ("SC-WIRE-3", CANNOT_VERIFY)
    assert "actions known only at deploy time, which may let it write objects" in finding.message


def test_server_access_logs_into_an_sse_kms_bucket_need_the_key_grant(ev: Checked) -> None:
    assert outcome(ev, "AccessLogTarget") == {("SC-WIRE-3", "Target", NON_COMPLIANT)}
    text = message(ev, "AccessLogTarget")
    assert "logging.s3.amazonaws.com" in text
    assert "bucket AccessLogTarget/Source delivers its server access logs here" in text
