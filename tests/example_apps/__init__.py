"""Example-style apps and their fixed twins, for ``tests/test_example_apps.py``.

Each module builds one app the way the public AWS CDK example apps (aws-samples/
aws-cdk-examples, Python) typically write it -- plain L2 constructs, their defaults and the
usual shortcuts -- as ``insecure(app)``, and the same app built the secure way as
``fixed(app)``. Both return the stack they create; construct ids are part of what the test
asserts (the findings name construct paths).

The helpers here are the secure building blocks the fixed twins share: a rotating
customer-managed key, an encrypted log group kept a year, a bucket for access logs, a VPC
with flow logs, and a WAFv2 WebACL with the AWS managed rule groups, a rate limit, logs
that redact credentials and an alarm that pages.

Nothing here looks anything up: accounts, regions, AMIs and certificates are literals.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

ACCOUNT = "111111111111"
REGION = "eu-west-1"
#: Where the regional apps live.
ENV = cdk.Environment(account=ACCOUNT, region=REGION)
#: CloudFront's WebACLs, certificates and standard logging v2 live in us-east-1.
EDGE_ENV = cdk.Environment(account=ACCOUNT, region="us-east-1")
#: An AMI id of the region (``ec2.MachineImage.generic_linux``: no lookup).
AMI = {REGION: "ami-0123456789abcdef0"}
CERTIFICATE_ARN = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
EDGE_CERTIFICATE_ARN = (
    f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809"
)
#: The organisation's on-call topic of each region, outside these apps: where alarms page.
ON_CALL_TOPIC_ARN = "arn:aws:sns:{region}:" + ACCOUNT + ":on-call"
#: Application-wide feature flags these apps run with (what ``cdk init`` writes to
#: cdk.json): server access logs are delivered through a bucket policy, not the
#: log-delivery ACL, so log buckets keep ACLs disabled.
CONTEXT = {"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True}

#: The AWS managed rule groups every WebACL enforces, with their priorities.
_MANAGED_GROUPS = (
    ("AWSManagedRulesAmazonIpReputationList", 10),
    ("AWSManagedRulesCommonRuleSet", 30),
    ("AWSManagedRulesKnownBadInputsRuleSet", 40),
    ("AWSManagedRulesSQLiRuleSet", 50),
)
#: Requests one client IP may send per five minutes before it is blocked.
_RATE_LIMIT = 2000
_SECRET_HEADERS = ("authorization", "cookie")


def customer_key(scope: Construct, construct_id: str) -> kms.Key:
    """A customer-managed KMS key that rotates and is retained (the L2 default).

    CloudWatch Logs may use it for the log groups of this account and region (an encrypted
    ``logs.LogGroup`` does not add that to the key policy itself).
    """
    key = kms.Key(scope, construct_id, enable_key_rotation=True)
    stack = cdk.Stack.of(scope)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=[
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": (
                        f"arn:aws:logs:{stack.region}:{stack.account}:log-group:*"
                    )
                }
            },
        )
    )
    return key


def encrypted_log_group(
    scope: Construct, construct_id: str, key: kms.IKey, *, name: str | None = None
) -> logs.LogGroup:
    """A log group encrypted with *key*, kept a year, retained when removed (L2 default)."""
    return logs.LogGroup(
        scope,
        construct_id,
        log_group_name=name,
        encryption_key=key,
        retention=logs.RetentionDays.ONE_YEAR,
    )


def access_log_bucket(scope: Construct, construct_id: str) -> s3.Bucket:
    """A bucket that receives access logs (S3 server access logs, load balancer logs).

    Log delivery cannot write with a customer-managed key everywhere (S3 server access
    logs and ALB logs need SSE-S3), so the rules accept SSE-S3 on log buckets; the rest is
    as for any bucket: versioned, TLS 1.2 only, private, ACLs off, retained, and the logs
    kept a year.
    """
    return s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.S3_MANAGED,
        versioned=True,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycle_rules=[
            s3.LifecycleRule(
                expiration=cdk.Duration.days(365),
                noncurrent_version_expiration=cdk.Duration.days(90),
            )
        ],
    )


def vpc_with_flow_logs(
    scope: Construct,
    construct_id: str,
    key: kms.IKey,
    *,
    nat_gateways: int = 1,
) -> ec2.Vpc:
    """Two AZs, public subnets that assign no public IPs, private subnets, flow logs."""
    flow_logs = encrypted_log_group(scope, f"{construct_id}FlowLogs", key)
    return ec2.Vpc(
        scope,
        construct_id,
        max_azs=2,
        nat_gateways=nat_gateways,
        subnet_configuration=[
            ec2.SubnetConfiguration(
                name="public",
                subnet_type=ec2.SubnetType.PUBLIC,
                map_public_ip_on_launch=False,
            ),
            ec2.SubnetConfiguration(name="private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        ],
        flow_logs={
            "all": ec2.FlowLogOptions(
                destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs),
                traffic_type=ec2.FlowLogTrafficType.ALL,
            )
        },
    )


def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True,
        metric_name=metric_name,
        sampled_requests_enabled=True,
    )


def _managed(group: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=group,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS", name=group
            )
        ),
        visibility_config=_visibility(group),
    )


def _rate_limit() -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name="RateLimitPerClientIp",
        priority=20,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                limit=_RATE_LIMIT, aggregate_key_type="IP"
            )
        ),
        visibility_config=_visibility("RateLimitPerClientIp"),
    )


def web_acl(
    scope: Construct, construct_id: str, key: kms.IKey, *, scope_name: str = "REGIONAL"
) -> wafv2.CfnWebACL:
    """A WebACL with the managed groups and a rate limit, logged and watched by an alarm.

    *scope_name* is ``REGIONAL`` (API Gateway, load balancers) or ``CLOUDFRONT`` (then the
    stack must be in us-east-1). The logs go to an encrypted ``aws-waf-logs-`` log group
    and redact the authorization and cookie headers; the alarm on the WebACL's blocked
    requests pages the on-call topic.
    """
    metric = construct_id
    acl = wafv2.CfnWebACL(
        scope,
        construct_id,
        scope=scope_name,
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=_visibility(metric),
        rules=[_managed(group, priority) for group, priority in _MANAGED_GROUPS] + [_rate_limit()],
    )
    stack = cdk.Stack.of(scope)
    waf_logs = encrypted_log_group(
        scope,
        f"{construct_id}Logs",
        key,
        name=f"aws-waf-logs-{stack.stack_name.lower()}-{construct_id.lower()}",
    )
    wafv2.CfnLoggingConfiguration(
        scope,
        f"{construct_id}Logging",
        resource_arn=acl.attr_arn,
        log_destination_configs=[waf_logs.log_group_arn],
        redacted_fields=[
            wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": name})
            for name in _SECRET_HEADERS
        ],
    )
    blocked = cloudwatch.Metric(
        namespace="AWS/WAFV2",
        metric_name="BlockedRequests",
        dimensions_map={"WebACL": metric, "Rule": "ALL", "Region": stack.region},
        statistic="Sum",
        period=cdk.Duration.minutes(5),
    )
    alarm = blocked.create_alarm(
        scope, f"{construct_id}Blocked", threshold=500, evaluation_periods=1
    )
    on_call = sns.Topic.from_topic_arn(
        scope, f"{construct_id}OnCall", ON_CALL_TOPIC_ARN.format(region=stack.region)
    )
    alarm.add_alarm_action(cloudwatch_actions.SnsAction(on_call))
    return acl
