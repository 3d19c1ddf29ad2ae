"""CDK's own functions: recognised from real L2 options, explained, and accepted in one way.

One app, synthesized once: stack ``Options`` uses every L2 option that makes CDK add a
function of its own (each entry of CDK_INTERNAL_FUNCTIONS must be recognised there),
``Remedies`` the fixes the messages suggest, ``Flag`` the useCdkManagedLogGroup flag the
old fix text suggested, and ``Accepted`` acknowledge_cdk_internal.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_synthetics as synthetics
from aws_cdk import custom_resources as cr
from aws_cdk import triggers
from constructs import Construct

from aspects import acknowledge_cdk_internal
from aspects.assembly import load_assembly
from aspects.cdk_internal import (
    CDK_INTERNAL_FUNCTIONS,
    GENERIC_PROVIDER,
    CdkInternalFunction,
    recognise_logical_id,
    recognise_path,
)
from aspects.engine import Evaluation
from aspects.errors import SecureConstructsError
from aspects.index import TemplateIndex
from aspects.model import Finding
from aspects.testing import check

REASON = "CDK deploy-time helpers: they handle no user data"
ENV = cdk.Environment(account="111111111111", region="eu-west-1")


def _function(scope: Construct, cid: str, **kwargs: object) -> lambda_.Function:
    return lambda_.Function(
        scope,
        cid,
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(e, c): pass"),
        **kwargs,  # type: ignore[arg-type]
    )


def _sdk_call() -> cr.AwsSdkCall:
    return cr.AwsSdkCall(
        service="SSM",
        action="getParameter",
        parameters={"Name": "x"},
        physical_resource_id=cr.PhysicalResourceId.of("x"),
    )


_POLICY = cr.AwsCustomResourcePolicy.from_sdk_calls(
    resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE
)


def _every_option(stack: cdk.Stack) -> None:
    """Each L2 option that makes CDK add a function of its own."""
    s3.Bucket(
        stack, "AutoDelete", auto_delete_objects=True, removal_policy=cdk.RemovalPolicy.DESTROY
    )
    notified = s3.Bucket(stack, "Notified")
    notified.add_event_notification(
        s3.EventType.OBJECT_CREATED, s3n.SnsDestination(sns.Topic(stack, "Topic"))
    )
    _function(stack, "WithRetention", log_retention=logs.RetentionDays.ONE_WEEK)
    ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=True)
    cr.AwsCustomResource(stack, "Sdk", on_create=_sdk_call(), policy=_POLICY)
    s3deploy.BucketDeployment(
        stack,
        "Deploy",
        sources=[s3deploy.Source.data("a.txt", "a")],
        destination_bucket=s3.Bucket(stack, "Destination"),
    )
    ecr.Repository(stack, "Repo", auto_delete_images=True, removal_policy=cdk.RemovalPolicy.DESTROY)
    iam.OpenIdConnectProvider(stack, "Oidc", url="https://example.com", client_ids=["a"])
    events.Rule(
        stack,
        "Schedule",
        schedule=events.Schedule.rate(cdk.Duration.hours(1)),
        targets=[targets.AwsApi(service="SSM", action="getParameter", parameters={"Name": "x"})],
    )
    ses.ReceiptRuleSet(stack, "RuleSet", drop_spam=True)
    triggers.TriggerFunction(
        stack,
        "Trigger",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(e, c): pass"),
    )
    zone = route53.PublicHostedZone(stack, "Zone", zone_name="example.com")
    route53.ARecord(
        stack,
        "Record",
        zone=zone,
        target=route53.RecordTarget.from_ip_addresses("192.0.2.1"),
        delete_existing=True,
    )
    route53.CrossAccountZoneDelegationRecord(
        stack,
        "Delegation",
        delegated_zone=zone,
        parent_hosted_zone_name="example.org",
        delegation_role=iam.Role.from_role_arn(
            stack, "DelegationRole", "arn:aws:iam::222222222222:role/delegate"
        ),
    )
    synthetics.Canary(
        stack,
        "Canary",
        runtime=synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_9_1,
        test=synthetics.Test.custom(
            code=synthetics.Code.from_inline("exports.handler = async () => {};"),
            handler="index.handler",
        ),
        cleanup=synthetics.Cleanup.LAMBDA,
    )
    cdk.CfnOutput(
        stack,
        "Json",
        value=cdk.Fn.to_json_string(
            cdk.CfnJson(stack, "CfnJson", value={cdk.Aws.REGION: "x"}).value
        ),
    )
    cloudfront.experimental.EdgeFunction(
        stack,
        "Edge",
        runtime=lambda_.Runtime.NODEJS_22_X,
        handler="index.handler",
        code=lambda_.Code.from_inline("exports.handler = async () => {};"),
    )
    # Functions of the user's own: never recognised.
    _function(stack, "Mine")
    lambda_.SingletonFunction(
        stack,
        "MySingleton",
        uuid="0b1c2d3e-0000-4000-8000-000000000000",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(e, c): pass"),
    )


def _remedies(stack: cdk.Stack) -> None:
    """What the messages suggest, each a real L2 option."""
    key = kms.Key(stack, "Key")

    def group(cid: str) -> logs.LogGroup:
        return logs.LogGroup(
            stack, cid, encryption_key=key, retention=logs.RetentionDays.THREE_MONTHS
        )

    cr.AwsCustomResource(
        stack, "SdkFirst", on_create=_sdk_call(), policy=_POLICY, log_group=group("SdkLogs")
    )
    cr.AwsCustomResource(stack, "SdkSecond", on_create=_sdk_call(), policy=_POLICY)
    destination = s3.Bucket(stack, "Destination")
    s3deploy.BucketDeployment(
        stack,
        "DeployFirst",
        sources=[s3deploy.Source.data("a.txt", "a")],
        destination_bucket=destination,
        log_group=group("DeployLogs"),
    )
    _function(stack, "WithLogGroup", log_group=group("FunctionLogs"))  # not log_retention=
    iam.OidcProviderNative(
        stack, "Oidc", url="https://example.com", client_ids=["a"], thumbprints=["a" * 40]
    )
    ecr.Repository(  # empty_on_delete instead of auto_delete_images
        stack, "Repo", empty_on_delete=True, removal_policy=cdk.RemovalPolicy.DESTROY
    )
    synthetics.Canary(  # provisioned_resource_cleanup instead of cleanup=
        stack,
        "Canary",
        runtime=synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_9_1,
        test=synthetics.Test.custom(
            code=synthetics.Code.from_inline("exports.handler = async () => {};"),
            handler="index.handler",
        ),
        provisioned_resource_cleanup=True,
    )


def _first_wins(stack: cdk.Stack) -> None:
    """A log group on the second AwsCustomResource of a stack is not used."""
    key = kms.Key(stack, "Key")
    cr.AwsCustomResource(stack, "SdkFirst", on_create=_sdk_call(), policy=_POLICY)
    cr.AwsCustomResource(
        stack,
        "SdkSecond",
        on_create=_sdk_call(),
        policy=_POLICY,
        log_group=logs.LogGroup(stack, "Logs", encryption_key=key),
    )


@dataclass(frozen=True)
class Built:
    evaluation: Evaluation
    stacks: dict[str, TemplateIndex]


@pytest.fixture(scope="module")
def built() -> Built:
    app = cdk.App()
    _every_option(cdk.Stack(app, "Options", env=ENV))
    _remedies(cdk.Stack(app, "Remedies", env=ENV))
    _first_wins(cdk.Stack(app, "FirstWins", env=ENV))
    east = cdk.Environment(account="111111111111", region="us-east-1")
    producer = cdk.Stack(app, "Producer", env=east, cross_region_references=True)
    consumer = cdk.Stack(app, "Consumer", env=ENV, cross_region_references=True)
    topic = sns.Topic(producer, "Topic")
    iam.Role(consumer, "Role", assumed_by=iam.ServicePrincipal("sns.amazonaws.com")).add_to_policy(
        iam.PolicyStatement(actions=["sns:Publish"], resources=[topic.topic_arn])
    )
    flag = cdk.Stack(app, "Flag", env=ENV)
    flag.node.set_context("@aws-cdk/aws-lambda:useCdkManagedLogGroup", True)
    s3.Bucket(
        flag, "AutoDelete", auto_delete_objects=True, removal_policy=cdk.RemovalPolicy.DESTROY
    )
    cr.AwsCustomResource(flag, "Sdk", on_create=_sdk_call(), policy=_POLICY)
    accepted = cdk.Stack(app, "Accepted", env=ENV)
    acknowledge_cdk_internal(accepted, REASON)  # before the functions exist
    s3.Bucket(
        accepted, "AutoDelete", auto_delete_objects=True, removal_policy=cdk.RemovalPolicy.DESTROY
    )
    cr.AwsCustomResource(accepted, "Sdk", on_create=_sdk_call(), policy=_POLICY)
    _function(accepted, "Mine")
    narrow = cdk.Stack(app, "Narrow", env=ENV)
    acknowledge_cdk_internal(narrow, REASON, rules=["SC-LAMBDA-6"])
    cr.AwsCustomResource(narrow, "Sdk", on_create=_sdk_call(), policy=_POLICY)
    evaluation = check(app)
    stacks = {s.stack_path: TemplateIndex(s) for s in load_assembly(app.outdir)}
    return Built(evaluation, stacks)


def _functions(built: Built, stack: str) -> dict[str, CdkInternalFunction | None]:
    """Construct path of each function of *stack* -> what it is recognised as."""
    index = built.stacks[stack]
    out = {}
    for logical_id in index.by_type["AWS::Lambda::Function"]:
        path = index.construct_path(logical_id)
        assert path is not None
        out[path] = recognise_path(index.stack.stack_path, path)
    return out


def _findings(built: Built, path: str, rule_id: str) -> list[Finding]:
    return [
        f for f in built.evaluation.findings if f.construct_path == path and f.rule.id == rule_id
    ]


def test_every_listed_function_is_recognised_from_its_real_l2_option(built: Built) -> None:
    # Cross-region references put a writer in Producer and a reader in Consumer.
    recognised = {
        known
        for stack in ("Options", "Producer", "Consumer")
        for known in _functions(built, stack).values()
        if known
    }
    assert recognised == set(CDK_INTERNAL_FUNCTIONS)


def test_functions_of_the_users_own_are_not_recognised(built: Built) -> None:
    found = _functions(built, "Options")
    assert found["Options/Mine/Resource"] is None
    assert found["Options/WithRetention/Resource"] is None
    assert found["Options/Trigger/Resource"] is None  # a TriggerFunction is the user's code
    singleton = next(p for p in found if p.startswith("Options/SingletonLambda0b1c2d3e"))
    assert found[singleton] is None


def test_logical_ids_alone_give_the_same_recognition(built: Built) -> None:
    index = built.stacks["Options"]
    for logical_id in index.by_type["AWS::Lambda::Function"]:
        path = index.construct_path(logical_id)
        assert path is not None
        assert recognise_logical_id(logical_id) == recognise_path("Options", path), logical_id


def test_an_unknown_custom_resource_provider_is_recognised_generically() -> None:
    assert recognise_path("S", "S/Custom::AcmeThingCustomResourceProvider/Handler") == (
        GENERIC_PROVIDER
    )
    assert recognise_logical_id("CustomAcmeThingCustomResourceProviderHandler1A2B3C4D") == (
        GENERIC_PROVIDER
    )
    assert (
        recognise_path("S", "S/Nested/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler")
        is None
    )


def test_findings_name_the_l2_option_and_the_accept_path(built: Built) -> None:
    (finding,) = _findings(
        built,
        "Options/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Resource",
        "SC-LAMBDA-7",
    )
    assert finding.message.endswith(
        "; this is CDK's own S3 bucket-notifications handler, added by "
        "s3.Bucket.add_event_notification(...) (and add_object_created_notification"
        "/add_object_removed_notification, or s3.Bucket(event_bridge_enabled=True)): no CDK "
        "option configures it for this: accept it with "
        "aspects.acknowledge_cdk_internal(stack, reason)"
    )
    (tracing,) = _findings(
        built, "Options/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler", "SC-LAMBDA-6"
    )
    assert "added by s3.Bucket(auto_delete_objects=True): no CDK option configures it" in (
        tracing.message
    )
    assert "drop auto_delete_objects=True" in tracing.message
    (logging,) = _findings(
        built, "Options/AWS679f53fac002430cb0da5b7982bd2287/Resource", "SC-LAMBDA-7"
    )
    assert "pass log_group=logs.LogGroup(" in logging.message
    assert "on the AwsCustomResource created first in the stack" in logging.message
    (environment,) = [
        f
        for f in built.evaluation.findings
        if f.rule.id == "SC-LAMBDA-1"
        and (f.construct_path or "").startswith("Options/Custom::CDKBucketDeployment")
    ]
    assert "CDK's own BucketDeployment handler" in environment.message


def test_the_users_own_functions_get_no_such_note(built: Built) -> None:
    for rule_id in ("SC-LAMBDA-6", "SC-LAMBDA-7"):
        (finding,) = _findings(built, "Options/Mine/Resource", rule_id)
        assert "CDK's own" not in finding.message


def test_suggested_remedies_work(built: Built) -> None:
    found = _functions(built, "Remedies")
    sdk = "Remedies/AWS679f53fac002430cb0da5b7982bd2287/Resource"
    deploy = next(p for p in found if p.startswith("Remedies/Custom::CDKBucketDeployment"))
    assert _findings(built, sdk, "SC-LAMBDA-7") == []
    assert _findings(built, deploy, "SC-LAMBDA-7") == []
    # log_group= instead of log_retention=: no log-retention function at all;
    # OidcProviderNative instead of OpenIdConnectProvider, and provisioned_resource_cleanup
    # instead of cleanup=: no provider function.
    assert {known.name for known in found.values() if known} == {
        "AwsCustomResource handler",
        "BucketDeployment handler",
    }


def test_only_the_first_aws_custom_resource_decides_its_log_group(built: Built) -> None:
    path = "FirstWins/AWS679f53fac002430cb0da5b7982bd2287/Resource"
    assert len(_findings(built, path, "SC-LAMBDA-7")) == 1


def test_the_managed_log_group_flag_is_no_fix(built: Built) -> None:
    provider = "Flag/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler"
    assert len(_findings(built, provider, "SC-LAMBDA-7")) == 1  # the flag skips providers
    groups = {
        f.construct_path
        for f in built.evaluation.findings
        if f.rule.id == "SC-LOGS-1" and (f.construct_path or "").startswith("Flag/")
    }
    assert groups == {"Flag/AWS679f53fac002430cb0da5b7982bd2287/LogGroup/Resource"}


def test_acknowledge_cdk_internal_accepts_only_cdk_functions_and_its_rules(built: Built) -> None:
    mine = [
        f
        for f in built.evaluation.findings
        if (f.construct_path or "").startswith("Accepted/Mine/")
    ]
    assert {f.rule.id for f in mine} >= {"SC-LAMBDA-6", "SC-LAMBDA-7"}
    assert not any(f.acknowledged for f in mine)
    cdk_own = [
        f
        for f in built.evaluation.findings
        if f.construct_path
        in (
            "Accepted/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler",
            "Accepted/AWS679f53fac002430cb0da5b7982bd2287/Resource",
        )
    ]
    assert {(f.rule.id, f.acknowledged_reason) for f in cdk_own} == {
        ("SC-LAMBDA-6", REASON),
        ("SC-LAMBDA-7", REASON),
    }
    assert len(cdk_own) == 4
    # Other rules on the same resources (the provider's role, say) are still judged.
    others = [
        f
        for f in built.evaluation.findings
        if (f.construct_path or "").startswith("Accepted/")
        and f.rule.id not in ("SC-LAMBDA-6", "SC-LAMBDA-7")
        and f.acknowledged
    ]
    assert others == []


def test_acknowledge_cdk_internal_can_be_narrowed_to_some_rules(built: Built) -> None:
    path = "Narrow/AWS679f53fac002430cb0da5b7982bd2287/Resource"
    (tracing,) = _findings(built, path, "SC-LAMBDA-6")
    (logging,) = _findings(built, path, "SC-LAMBDA-7")
    assert (tracing.acknowledged, logging.acknowledged) == (True, False)


@pytest.mark.parametrize(
    ("kwargs", "code", "text"),
    [
        ({"reason": "short"}, "SC-ACK-6", "'short' is too short"),
        ({"reason": REASON, "rules": ["SC-S3-1"]}, "SC-ACK-7", "'SC-S3-1' is not a rule"),
        ({"reason": REASON, "rules": []}, "SC-ACK-7", "is not a rule this accepts"),
    ],
)
def test_acknowledge_cdk_internal_refuses_bad_input(
    kwargs: dict[str, object], code: str, text: str
) -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(SecureConstructsError, match=text) as raised:
        acknowledge_cdk_internal(stack, **kwargs)  # type: ignore[arg-type]
    assert raised.value.codes == (code,)


def test_acknowledge_cdk_internal_refuses_a_non_construct() -> None:
    with pytest.raises(SecureConstructsError, match="is not a construct") as raised:
        acknowledge_cdk_internal("Stack", REASON)  # type: ignore[arg-type]
    assert raised.value.codes == ("SC-ACK-5",)
