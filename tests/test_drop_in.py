"""The Secure* constructs are drop-ins: the plain L2's typical call sites accept them.

Each construct is passed directly (not ``.bucket``/``.function``) to the CDK APIs that
take the plain L2's interface, and its remaining L2 API is called on it. One app, one
synthesis; every test asserts what the wiring put in the template.
"""

from __future__ import annotations

import inspect
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from aspects.testing import check
from secure_constructs import (
    SecureApi,
    SecureBucket,
    SecureDatabase,
    SecureDistribution,
    SecureFunction,
    SecureHttpApi,
    SecureQueue,
    SecureTable,
    SecureTopic,
    SecureVpc,
)
from secure_constructs._dropin import _members
from tests.test_database import isolated_vpc

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
CODE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")


def _function(scope: cdk.Stack, construct_id: str, **kwargs: Any) -> SecureFunction:
    return SecureFunction(
        scope,
        construct_id,
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_14,
        **kwargs,
    )


class Built:
    def __init__(self) -> None:
        self.app = cdk.App()
        self.stack = cdk.Stack(self.app, "Wired", env=ENV)
        stack = self.stack
        self.bucket = SecureBucket(stack, "Uploads")
        self.worker = _function(stack, "Worker")
        self.reader = _function(stack, "Reader")
        self.topic = sns.Topic(stack, "Events")

        # SecureBucket where s3.IBucket is expected, and the rest of the s3.Bucket API.
        self.bucket.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.SnsDestination(self.topic),
            s3.NotificationKeyFilter(prefix="in/"),
        )
        self.worker.add_event_source(
            event_sources.S3EventSourceV2(self.bucket, events=[s3.EventType.OBJECT_REMOVED])
        )
        self.bucket.grant_read(self.reader, "reports/*")
        self.bucket.add_lifecycle_rule(id="Scratch", prefix="tmp/", expiration=cdk.Duration.days(2))
        self.bucket_arn_for_objects = self.bucket.arn_for_objects("reports/*")

        # SecureFunction where lambda.IFunction is expected.
        events.Rule(
            stack,
            "Nightly",
            schedule=events.Schedule.cron(hour="2", minute="0"),
            targets=[targets.LambdaFunction(self.worker)],
        )
        self.topic.add_subscription(subscriptions.LambdaSubscription(self.reader))
        self.alias = self.worker.add_alias("live")
        cloudwatch.Alarm(
            stack,
            "WorkerErrors",
            metric=self.worker.metric_errors(),
            threshold=1,
            evaluation_periods=1,
        )
        self.invoker = iam.Role(
            stack, "Invoker", assumed_by=iam.ServicePrincipal("states.amazonaws.com")
        )
        self.worker.grant_invoke(self.invoker)

        # SecureDatabase where ec2.IConnectable is expected, and the cluster API.
        self.vpc = isolated_vpc(stack)
        self.database = SecureDatabase(stack, "Orders", vpc=self.vpc)
        self.in_vpc = _function(
            stack,
            "Api",
            vpc=self.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        )
        self.in_vpc.connections.allow_to(self.database, ec2.Port.tcp(5432), "API to orders")
        self.cpu = self.database.metric_cpu_utilization()

        self.template = assertions.Template.from_stack(stack)

    def logical_id(self, construct: Any) -> str:
        return str(self.stack.resolve(construct.node.default_child.logical_id))

    def resources(self, kind: str) -> dict[str, Any]:
        return self.template.find_resources(kind)


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _policy_statements(built: Built, role_logical_id: str) -> list[dict[str, Any]]:
    statements = []
    for policy in [
        *built.resources("AWS::IAM::Policy").values(),
        *built.resources("AWS::IAM::ManagedPolicy").values(),
    ]:
        props = policy["Properties"]
        attached = props.get("Roles", [])
        if {"Ref": role_logical_id} in attached:
            statements.extend(props["PolicyDocument"]["Statement"])
    return statements


def test_s3_notification_to_a_destination_targets_the_secure_bucket(built: Built) -> None:
    (notifications,) = built.resources("Custom::S3BucketNotifications").values()
    props = notifications["Properties"]
    assert props["BucketName"] == {"Ref": built.logical_id(built.bucket.bucket)}
    topics = props["NotificationConfiguration"]["TopicConfigurations"]
    assert topics == [
        {
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}},
            "TopicArn": {"Ref": built.logical_id(built.topic)},
        }
    ]


def test_s3_event_source_v2_accepts_the_secure_bucket(built: Built) -> None:
    (notifications,) = built.resources("Custom::S3BucketNotifications").values()
    lambdas = notifications["Properties"]["NotificationConfiguration"][
        "LambdaFunctionConfigurations"
    ]
    assert lambdas == [
        {
            "Events": ["s3:ObjectRemoved:*"],
            "LambdaFunctionArn": {"Fn::GetAtt": [built.logical_id(built.worker.function), "Arn"]},
        }
    ]
    permissions = [
        p["Properties"]
        for p in built.resources("AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "s3.amazonaws.com"
    ]
    assert permissions == [
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [built.logical_id(built.worker.function), "Arn"]},
            "Principal": "s3.amazonaws.com",
            "SourceAccount": "111111111111",
            "SourceArn": {"Fn::GetAtt": [built.logical_id(built.bucket.bucket), "Arn"]},
        }
    ]


def test_grant_read_on_the_secure_bucket_includes_its_key(built: Built) -> None:
    role = str(built.stack.resolve(built.reader.role.node.default_child.logical_id))
    statements = _policy_statements(built, role)
    actions = {
        a
        for s in statements
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert {"s3:GetObject*", "s3:GetBucket*", "s3:List*", "kms:Decrypt"} <= actions
    resources = [s["Resource"] for s in statements if "kms:Decrypt" in s["Action"]]
    assert {"Fn::GetAtt": [built.logical_id(built.bucket.encryption_key), "Arn"]} in resources


def test_rest_of_the_bucket_api_reaches_the_hardened_bucket(built: Built) -> None:
    bucket = built.resources("AWS::S3::Bucket")[built.logical_id(built.bucket.bucket)]
    rules = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert {"ExpirationInDays": 2, "Id": "Scratch", "Prefix": "tmp/", "Status": "Enabled"} in rules
    assert built.stack.resolve(built.bucket_arn_for_objects) == {
        "Fn::Join": [
            "",
            [{"Fn::GetAtt": [built.logical_id(built.bucket.bucket), "Arn"]}, "/reports/*"],
        ]
    }


def test_events_rule_and_sns_subscription_accept_the_secure_function(built: Built) -> None:
    worker_arn = {"Fn::GetAtt": [built.logical_id(built.worker.function), "Arn"]}
    (rule,) = built.resources("AWS::Events::Rule").values()
    assert rule["Properties"]["Targets"] == [{"Arn": worker_arn, "Id": "Target0"}]
    principals = {
        p["Properties"]["Principal"]: p["Properties"]
        for p in built.resources("AWS::Lambda::Permission").values()
    }
    assert principals["events.amazonaws.com"]["SourceArn"] == {
        "Fn::GetAtt": [next(iter(built.resources("AWS::Events::Rule"))), "Arn"]
    }
    assert principals["sns.amazonaws.com"]["SourceArn"] == {"Ref": built.logical_id(built.topic)}
    (subscription,) = built.resources("AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Endpoint"] == {
        "Fn::GetAtt": [built.logical_id(built.reader.function), "Arn"]
    }


def test_rest_of_the_function_api_reaches_the_hardened_function(built: Built) -> None:
    (alias,) = built.resources("AWS::Lambda::Alias").values()
    assert alias["Properties"]["FunctionName"] == {"Ref": built.logical_id(built.worker.function)}
    (alarm,) = built.resources("AWS::CloudWatch::Alarm").values()
    assert alarm["Properties"]["MetricName"] == "Errors"
    assert alarm["Properties"]["Dimensions"] == [
        {"Name": "FunctionName", "Value": {"Ref": built.logical_id(built.worker.function)}}
    ]


def test_grant_invoke_goes_to_the_function(built: Built) -> None:
    role = str(built.stack.resolve(built.invoker.node.default_child.logical_id))
    (statement,) = _policy_statements(built, role)
    assert statement["Action"] == "lambda:InvokeFunction"
    worker_arn = {"Fn::GetAtt": [built.logical_id(built.worker.function), "Arn"]}
    assert statement["Resource"][0] == worker_arn


def test_connections_accept_the_secure_database(built: Built) -> None:
    database_sg = built.stack.resolve(
        built.database.connections.security_groups[0].security_group_id
    )
    api_sg = built.stack.resolve(built.in_vpc.connections.security_groups[0].security_group_id)
    ingress = [
        r["Properties"]
        for r in built.resources("AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"].get("Description") == "API to orders"
    ]
    assert ingress == [
        {
            "Description": "API to orders",
            "FromPort": 5432,
            "GroupId": database_sg,
            "IpProtocol": "tcp",
            "SourceSecurityGroupId": api_sg,
            "ToPort": 5432,
        }
    ]


def test_rest_of_the_database_api_reaches_the_cluster(built: Built) -> None:
    assert built.cpu.metric_name == "CPUUtilization"
    assert built.stack.resolve(built.cpu.dimensions) == {
        "DBClusterIdentifier": {"Ref": built.logical_id(built.database.cluster)}
    }


@pytest.mark.parametrize(
    ("construct", "interface", "delegate"),
    [
        (SecureBucket, s3.IBucket, "bucket"),
        (SecureFunction, lambda_.IFunction, "function"),
        (SecureDatabase, ec2.IConnectable, "_database"),
        (SecureQueue, sqs.IQueue, "queue"),
        (SecureTopic, sns.ITopic, "topic"),
        (SecureTable, dynamodb.ITable, "table"),
        (SecureVpc, ec2.IVpc, "vpc"),
        (SecureApi, apigateway.IRestApi, "api"),
        (SecureHttpApi, apigatewayv2.IHttpApi, "api"),
        (SecureDistribution, cloudfront.IDistribution, "distribution"),
    ],
)
def test_every_interface_member_is_on_the_construct_with_the_l2_signature(
    construct: type, interface: type, delegate: str
) -> None:
    # jsii only calls members defined on the class; a missing or renamed one would make
    # CDK read `undefined` or drop a keyword argument when it calls the construct.
    proxy = interface.__jsii_proxy_class__()  # type: ignore[attr-defined]
    for name, original in _members(interface).items():
        mine = construct.__dict__.get(name)
        assert mine is not None, f"{construct.__name__} lacks {name}"
        if inspect.isfunction(original):
            assert list(inspect.signature(mine).parameters) == list(
                inspect.signature(getattr(proxy, name)).parameters
            ), name
    assert construct._drop_in_delegate == delegate  # type: ignore[attr-defined]


def test_unknown_attribute_is_an_attribute_error_naming_it(built: Built) -> None:
    with pytest.raises(AttributeError, match="no_such_member"):
        _ = built.bucket.no_such_member
    with pytest.raises(AttributeError):
        _ = built.bucket._private_of_the_l2


def test_cdk_notifications_function_is_hardened_so_wiring_stays_clean(built: Built) -> None:
    functions = built.resources("AWS::Lambda::Function")
    (handler_id,) = [lid for lid in functions if lid.startswith("BucketNotificationsHandler")]
    props = functions[handler_id]["Properties"]
    (group_id,) = [
        lid
        for lid in built.resources("AWS::Logs::LogGroup")
        if lid.startswith("BucketNotificationsHandler")
    ]
    assert props["LoggingConfig"] == {"LogGroup": {"Ref": group_id}}
    assert props["TracingConfig"] == {"Mode": "Active"}
    group = built.resources("AWS::Logs::LogGroup")[group_id]
    assert group["DeletionPolicy"] == "Retain"
    assert "KmsKeyId" in group["Properties"]
    findings = {f.rule.id for f in check(built.app).findings if f.logical_id == handler_id}
    assert findings == set()
