"""SC-IAM-4 on key, bucket, topic, queue and secret policies that grant AWS services.

One app is synthesized for the module: stack ``Deputy`` (environment-agnostic) holds one
policy per case (construct id = case name); stack ``DeputyEnv`` (an account and a region)
holds the CDK integrations that need them (CloudTrail, ALB access logs).
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from aspects.constants import GUARANTEES_METADATA
from aspects.model import Finding, Severity, Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

RULE = "SC-IAM-4"
OTHER_ACCOUNT = "444455556666"
ENV = cdk.Environment(account="111122223333", region="eu-west-1")


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _build(stack: cdk.Stack, env_stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    account = cdk.Aws.ACCOUNT_ID
    events_service = iam.ServicePrincipal("events.amazonaws.com")
    rule = events.Rule(stack, "Hourly", schedule=events.Schedule.rate(cdk.Duration.hours(1)))

    def topic(construct_id: str, **statement: Any) -> sns.Topic:
        """A topic whose policy lets EventBridge publish, with *statement* overrides."""
        made = sns.Topic(stack, construct_id)
        props: dict[str, Any] = {
            "principals": [events_service],
            "actions": ["sns:Publish"],
            "resources": [made.topic_arn],
        }
        props.update(statement)
        made.add_to_resource_policy(iam.PolicyStatement(**props))
        return made

    def key(construct_id: str, **statement: Any) -> kms.Key:
        """A key whose policy lets a service use it, with *statement* overrides."""
        made = kms.Key(stack, construct_id, enable_key_rotation=True)
        props: dict[str, Any] = {
            "principals": [iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            "actions": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"],
            "resources": ["*"],
        }
        props.update(statement)
        made.add_to_resource_policy(iam.PolicyStatement(**props))
        return made

    logs_arn = stack.format_arn(
        service="logs",
        resource="log-group",
        resource_name="*",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )

    # Compliant: the secure way.
    source = s3.Bucket(stack, "Source")
    log_bucket = s3.Bucket(stack, "AccessLogs")
    log_bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowS3ServerAccessLogDelivery",
            principals=[iam.ServicePrincipal("logging.s3.amazonaws.com")],
            actions=["s3:PutObject"],
            resources=[log_bucket.arn_for_objects("*")],
            conditions={
                "ArnLike": {"aws:SourceArn": source.bucket_arn},
                "StringEquals": {"aws:SourceAccount": account},
            },
        )
    )
    topic("RuleTopic", conditions={"ArnEquals": {"aws:SourceArn": rule.rule_arn}})
    topic("OrgTopic", conditions={"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}})
    topic(
        "OrgPathTopic",
        conditions={"ForAnyValue:StringLike": {"aws:SourceOrgPaths": "o-a1b2c3d4e5/r-ab12/*"}},
    )
    topic(
        "ArnInAnyRegionTopic",
        conditions={"ArnLike": {"aws:SourceArn": f"arn:aws:events:*:{ENV.account}:rule/*"}},
    )
    key("LogsKey", conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": logs_arn}})
    topic_arn = stack.format_arn(service="sns", resource="alarms")
    key(
        "AlarmsKey",
        principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions=["kms:Decrypt", "kms:GenerateDataKey*"],
        conditions={"StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": topic_arn}},
    )
    queue = sqs.Queue(stack, "SubscribedQueue")
    sns.Topic(stack, "Upstream").add_subscription(subscriptions.SqsSubscription(queue))
    guarded = sns.Topic(stack, "DeniedOtherAccounts")
    rule.add_target(targets.SnsTopic(guarded))
    guarded.add_to_resource_policy(
        iam.PolicyStatement(
            effect=iam.Effect.DENY,
            principals=[events_service],
            actions=["sns:Publish"],
            resources=[guarded.topic_arn],
            conditions={"StringNotEquals": {"aws:SourceAccount": account}},
        )
    )
    topic("DenyOnly", effect=iam.Effect.DENY)
    topic("AccountPrincipal", principals=[iam.AccountPrincipal(OTHER_ACCOUNT)])
    cloudfront_bucket = s3.Bucket(stack, "CloudFrontOrigin")
    cloudfront_bucket.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("cloudfront.amazonaws.com")],
            actions=["s3:GetObject"],
            resources=[cloudfront_bucket.arn_for_objects("*")],
        )
    )
    secret = secretsmanager.Secret(stack, "Secret")
    pinned_secret_policy = document(
        {
            "Effect": "Allow",
            "Principal": {"Service": "appflow.amazonaws.com"},
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": ENV.account}},
        }
    )
    # CloudFormation also takes the policy as a JSON string (only through an override in CDK).
    secretsmanager.CfnResourcePolicy(
        stack, "SecretPolicyJson", secret_id=secret.secret_arn, resource_policy={}
    ).add_property_override("ResourcePolicy", json.dumps(pinned_secret_policy))

    # Non-compliant L2s (CDK integrations and hand-written statements).
    rule.add_target(targets.SnsTopic(sns.Topic(stack, "EventsTarget")))
    encrypted = sns.Topic(
        stack, "EncryptedTarget", master_key=kms.Key(stack, "TopicKey", enable_key_rotation=True)
    )
    rule.add_target(targets.SnsTopic(encrypted))
    topic("NoCondition", sid="EventBridgePublishes")
    topic("Negated", conditions={"StringNotEquals": {"aws:SourceAccount": OTHER_ACCOUNT}})
    topic("IfExists", conditions={"StringEqualsIfExists": {"aws:SourceAccount": account}})
    topic("NullOnly", conditions={"Null": {"aws:SourceAccount": "false"}})
    topic("AnyAccountArn", conditions={"ArnLike": {"aws:SourceArn": "arn:aws:events:*:*:rule/*"}})
    topic("StarAccount", conditions={"StringLike": {"aws:SourceAccount": "*"}})
    topic("AnyOrg", conditions={"StringLike": {"aws:SourceOrgID": "o-*"}})
    topic(
        "UnrelatedCondition",
        conditions={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    )
    topic(
        "TwoServices",
        principals=[events_service, iam.ServicePrincipal("s3.amazonaws.com")],
    )
    bucket_for_s3 = s3.Bucket(stack, "AnyBucketSource")
    bucket_for_s3.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("s3.amazonaws.com")],
            actions=["s3:PutObject"],
            resources=[bucket_for_s3.arn_for_objects("*")],
            conditions={"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}},
        )
    )
    key("ViaServiceKey", conditions={"StringEquals": {"kms:ViaService": "logs.eu-west-1.x"}})
    key(
        "AnyLogGroupKey",
        conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:*:*:*"}},
    )
    context_bucket = s3.Bucket(stack, "ContextInBucketPolicy")
    context_bucket.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("delivery.logs.amazonaws.com")],
            actions=["s3:PutObject"],
            resources=[context_bucket.arn_for_objects("*")],
            conditions={"StringEquals": {"kms:EncryptionContext:aws:logs:arn": logs_arn}},
        )
    )
    partial_deny = topic("DenyTooNarrow")
    partial_deny.add_to_resource_policy(
        iam.PolicyStatement(
            effect=iam.Effect.DENY,
            principals=[events_service],
            actions=["sns:Subscribe"],
            resources=[partial_deny.topic_arn],
            conditions={"StringNotEquals": {"aws:SourceAccount": account}},
        )
    )
    wild_deny = topic("DenyAnyAccount")
    wild_deny.add_to_resource_policy(
        iam.PolicyStatement(
            effect=iam.Effect.DENY,
            principals=[events_service],
            actions=["sns:Publish"],
            resources=[wild_deny.topic_arn],
            conditions={"StringNotLike": {"aws:SourceAccount": "*"}},
        )
    )
    vpc = ec2.Vpc(env_stack, "Vpc", max_azs=2, nat_gateways=0)
    balancer = elbv2.ApplicationLoadBalancer(env_stack, "Balancer", vpc=vpc)
    balancer.log_access_logs(s3.Bucket(env_stack, "BalancerLogs"))
    cloudtrail.Trail(env_stack, "Trail", bucket=s3.Bucket(env_stack, "TrailLogs"))

    # Raw L1s.
    l1_queue = sqs.CfnQueue(stack, "L1Queue")
    sqs.CfnQueuePolicy(
        stack,
        "L1QueuePolicy",
        queues=[l1_queue.ref],
        policy_document=document(
            {
                "Effect": "Allow",
                "Principal": {"Service": ["sns.amazonaws.com"]},
                "Action": "sqs:SendMessage",
                "Resource": l1_queue.attr_arn,
            }
        ),
    )
    sqs.CfnQueueInlinePolicy(
        stack,
        "L1QueueInlinePolicy",
        queue=l1_queue.ref,
        policy_document=document(
            {
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": l1_queue.attr_arn,
                "Condition": {"ArnLike": {"aws:SourceArn": source.bucket_arn}},
            }
        ),
    )
    kms.CfnKey(
        stack,
        "L1Key",
        enable_key_rotation=True,
        key_policy=document(
            {
                "Sid": "Logs",
                "Effect": "Allow",
                "Principal": {"Service": "logs.amazonaws.com"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ),
    )
    secretsmanager.CfnResourcePolicy(
        stack,
        "L1SecretPolicy",
        secret_id=secret.secret_arn,
        resource_policy=document(
            {
                "Effect": "Allow",
                "Principal": {"Service": "appflow.amazonaws.com"},
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
            }
        ),
    )
    secretsmanager.CfnResourcePolicy(
        stack, "EscSecretPolicyJson", secret_id=secret.secret_arn, resource_policy={}
    ).add_property_override(
        "ResourcePolicy",
        json.dumps(
            {
                **pinned_secret_policy,
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "appflow.amazonaws.com"},
                        "Action": "secretsmanager:GetSecretValue",
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    sns.CfnTopicPolicy(
        stack,
        "L1TopicPolicyNumber",
        topics=[sns.CfnTopic(stack, "L1Topic").ref],
        policy_document=document(
            {
                "Effect": "Allow",
                "Principal": {"Service": "ses.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": "*",
                "Condition": {"StringEquals": {"AWS:SourceOwner": 111122223333}},
            }
        ),
    )

    # Escape hatches on compliant policies.
    condition = "PolicyDocument.Statement.0.Condition"
    escaped = topic("EscCondition", conditions={"StringEquals": {"aws:SourceAccount": account}})
    cfn_policy(escaped).add_property_deletion_override(condition)
    widened = topic("EscWildcard", conditions={"StringEquals": {"aws:SourceAccount": account}})
    cfn_policy(widened).add_property_override(f"{condition}.StringEquals.aws:SourceAccount", "*")

    # Tokens and conditions.
    topic("ParamAccount", conditions={"StringEquals": {"aws:SourceAccount": setting}})
    topic(
        "ParamAccountInArn",
        conditions={"ArnLike": {"aws:SourceArn": f"arn:aws:events:{stack.region}:{setting}:*"}},
    )
    topic(
        "ParamRegionInArn",
        conditions={"ArnLike": {"aws:SourceArn": f"arn:aws:events:{setting}:{ENV.account}:*"}},
    )
    topic("ParamService", principals=[iam.ServicePrincipal(setting)])
    param_bucket = s3.Bucket(stack, "ParamServiceBucket")
    param_bucket.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(setting)],
            actions=["s3:GetObject"],
            resources=[param_bucket.arn_for_objects("*")],
        )
    )
    topic(
        "IfBothAccounts",
        conditions={"StringEquals": {"aws:SourceAccount": switch.pick(account, OTHER_ACCOUNT)}},
    )
    topic(
        "IfStarAccount",
        conditions={"StringLike": {"aws:SourceAccount": switch.pick(account, "*")}},
    )

    enforced = topic("Enforced")
    cfn_policy(enforced).add_metadata(GUARANTEES_METADATA, {"enforce": [RULE]})


def cfn_policy(topic: sns.Topic) -> cdk.CfnResource:
    """The ``AWS::SNS::TopicPolicy`` CDK made for *topic*."""
    policy = topic.node.find_child("Policy")
    assert isinstance(policy, sns.TopicPolicy)
    return cfn(policy)


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    stack = cdk.Stack(app, "Deputy")
    _build(stack, cdk.Stack(app, "DeputyEnv", env=ENV))
    return check_app(app)


def at(name: str) -> str:
    return f"Deputy/{name}"


def found(ev: Checked, path: str) -> list[Finding]:
    return [f for f in findings_at(ev, path) if f.rule.id.startswith("SC-IAM-")]


def outcomes(ev: Checked, path: str) -> set[tuple[str, Status]]:
    """``(rule id, status)`` of the IAM findings at *path* (other families judge elsewhere)."""
    return {(f.rule.id, f.status) for f in found(ev, path)}


FLAGGED = {(RULE, NON_COMPLIANT)}


# -- compliant ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "AccessLogs/Policy",
        "RuleTopic/Policy",
        "OrgTopic/Policy",
        "OrgPathTopic/Policy",
        "ArnInAnyRegionTopic/Policy",
        "LogsKey",
        "AlarmsKey",
        "SubscribedQueue/Policy",
        "DeniedOtherAccounts/Policy",
        "DenyOnly/Policy",
        "AccountPrincipal/Policy",
        "SecretPolicyJson",
        "L1QueueInlinePolicy",
        "L1TopicPolicyNumber",
        "ParamRegionInArn/Policy",
        "IfBothAccounts/Policy",
    ],
)
def test_service_grant_pinned_to_the_account_has_no_finding(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == set()


def test_cloudfront_in_a_bucket_policy_is_left_to_sc_cf_7(ev: Checked) -> None:
    assert {f.rule.id for f in findings_at(ev, at("CloudFrontOrigin/Policy"))} == {"SC-CF-7"}


# -- non-compliant L2s ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "EventsTarget/Policy",
        "EncryptedTarget/Policy",
        "TopicKey",
        "NoCondition/Policy",
        "Negated/Policy",
        "IfExists/Policy",
        "NullOnly/Policy",
        "AnyAccountArn/Policy",
        "StarAccount/Policy",
        "AnyOrg/Policy",
        "UnrelatedCondition/Policy",
        "TwoServices/Policy",
        "AnyBucketSource/Policy",
        "ViaServiceKey",
        "AnyLogGroupKey",
        "ContextInBucketPolicy/Policy",
        "DenyTooNarrow/Policy",
        "DenyAnyAccount/Policy",
    ],
)
def test_service_grant_any_account_can_use_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == FLAGGED


@pytest.mark.parametrize(
    ("name", "statements"),
    [("DeputyEnv/BalancerLogs/Policy", 2), ("DeputyEnv/TrailLogs/Policy", 2)],
)
def test_cdk_log_delivery_policies_without_conditions_are_flagged(
    ev: Checked, name: str, statements: int
) -> None:
    flagged = [f for f in findings_at(ev, name) if f.rule.id == RULE]
    assert {f.status for f in flagged} == {NON_COMPLIANT}
    assert len(flagged) == statements


def test_message_names_the_statement_the_service_and_the_missing_condition(ev: Checked) -> None:
    (finding,) = found(ev, at("NoCondition/Policy"))
    assert finding.property_path == "Properties.PolicyDocument.Statement[0].Condition"
    assert "Statement[0] (Sid 'EventBridgePublishes')" in finding.message
    assert "service principal events.amazonaws.com" in finding.message
    assert "aws:SourceAccount or aws:SourceArn" in finding.message


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Negated/Policy", "StringNotEquals condition on aws:SourceAccount allows every other"),
        ("IfExists/Policy", "lets a request without the key through"),
        ("NullOnly/Policy", "only asks whether the key is present"),
        ("AnyAccountArn/Policy", "'arn:aws:events:*:*:rule/*' matches any account"),
        ("ViaServiceKey", "kms:ViaService names the service that calls"),
        ("TwoServices/Policy", "service principals events.amazonaws.com, s3.amazonaws.com"),
        ("TopicKey", "kms:EncryptionContext condition"),
        ("ContextInBucketPolicy/Policy", "kms:EncryptionContext key counts only in a KMS key"),
    ],
)
def test_message_says_why_a_condition_does_not_count(ev: Checked, name: str, why: str) -> None:
    (finding,) = found(ev, at(name))
    assert why in finding.message


def test_warning_in_general_error_where_a_construct_enforces_it(ev: Checked) -> None:
    (plain,) = found(ev, at("NoCondition/Policy"))
    (enforced,) = found(ev, at("Enforced/Policy"))
    assert plain.severity is Severity.WARNING
    assert not plain.blocks_synthesis
    assert enforced.severity is Severity.ERROR


# -- raw L1s and escape hatches --------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["L1QueuePolicy", "L1Key", "L1SecretPolicy", "EscSecretPolicyJson"]
)
def test_l1_service_grant_without_condition_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == FLAGGED


def test_l1_key_message_names_the_key_policy_statement(ev: Checked) -> None:
    (finding,) = found(ev, at("L1Key"))
    assert finding.message.startswith("KeyPolicy.Statement[0] (Sid 'Logs') allows")
    assert finding.message.endswith("can use this key")


@pytest.mark.parametrize("name", ["EscCondition/Policy", "EscWildcard/Policy"])
def test_condition_removed_or_widened_by_override_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == FLAGGED


# -- values known only at deploy time ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "ParamAccount/Policy",
        "ParamAccountInArn/Policy",
        "ParamServiceBucket/Policy",
        "IfStarAccount/Policy",
    ],
)
def test_source_or_service_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {(RULE, CANNOT_VERIFY)}


def test_service_from_a_parameter_outside_bucket_policies_is_still_a_service(ev: Checked) -> None:
    assert outcomes(ev, at("ParamService/Policy")) == FLAGGED
    (finding,) = found(ev, at("ParamService/Policy"))
    assert "principal ${?} (from the CloudFormation parameter 'Setting')" in finding.message
