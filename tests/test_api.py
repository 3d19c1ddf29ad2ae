"""SecureApi: each secure default, each weakening, each bad input, call sites and snapshots."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from constructs import Construct
from syrupy.assertion import SnapshotAssertion

from aspects import SecureConstructsError
from aspects.constants import ACKNOWLEDGED_RULES_METADATA
from aspects.testing import check
from secure_constructs.alb_service import WafOptions
from secure_constructs.api import (
    WARN_API_DESTROY_ON_REMOVAL,
    WARN_PUBLIC_METHOD,
    ApiDomain,
    CacheOptions,
    SecureApi,
    SecureApiResource,
    Throttle,
)
from secure_constructs.function import SecureFunction
from tests.conftest import normalise

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
INLINE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-12345678"
USER_POOL_ARN = "arn:aws:cognito-idp:eu-west-1:111111111111:userpool/eu-west-1_abcdefghi"
TOPIC_ARN = "arn:aws:sns:eu-west-1:111111111111:on-call"
PUBLIC_REASON = "load balancer health check, returns a constant and no data"
MANAGED_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
)


def _function(scope: Construct, construct_id: str = "Handler") -> lambda_.IFunction:
    return SecureFunction(
        scope,
        construct_id,
        code=INLINE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_14,
    ).function


class Built:
    """One app, one stack per configuration, synthesized once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App()
        self.stacks: dict[str, cdk.Stack] = {}

        # A Lambda token authorizer; methods added through .root, one with a model.
        stack = self._stack("Default")
        self.handler = _function(stack)
        self.authorizer = apigateway.TokenAuthorizer(
            stack, "Authorizer", handler=_function(stack, "AuthorizerFunction")
        )
        self.default = SecureApi(stack, "Api", authorizer=self.authorizer)
        self.items = self.default.root.add_resource("items")
        self.items.add_method("GET", apigateway.LambdaIntegration(self.handler))
        self.item_model = apigateway.Model(  # the construct passed where IRestApi is expected
            stack,
            "ItemModel",
            rest_api=self.default,
            content_type="application/json",
            schema=apigateway.JsonSchema(
                type=apigateway.JsonSchemaType.OBJECT,
                required=["name"],
                properties={"name": apigateway.JsonSchema(type=apigateway.JsonSchemaType.STRING)},
            ),
        )
        self.items.add_method(
            "POST",
            apigateway.LambdaIntegration(self.handler),
            request_models={"application/json": self.item_model},
        )

        # IAM by default, a Cognito authorizer on one method, every option on.
        stack = self._stack("Full")
        user_pool = cognito.UserPool.from_user_pool_arn(stack, "Users", USER_POOL_ARN)
        self.cognito = apigateway.CognitoUserPoolsAuthorizer(
            stack, "UserPoolAuthorizer", cognito_user_pools=[user_pool]
        )
        self.topic = sns.Topic.from_topic_arn(stack, "Alarms", TOPIC_ARN)
        self.full = SecureApi(
            stack,
            "Api",
            authorizer=apigateway.AuthorizationType.IAM,
            stage_name="v1",
            throttle=Throttle(rate_limit=50, burst_limit=100),
            method_throttles={"/orders/POST": Throttle(rate_limit=5, burst_limit=10)},
            cache=CacheOptions(size="1.6", ttl=cdk.Duration.minutes(10)),
            domain=ApiDomain(
                domain_name="api.example.com",
                certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN),
                hosted_zone=route53.HostedZone.from_hosted_zone_attributes(
                    stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
                ),
            ),
            waf=WafOptions(rate_limit=1000),
            client_certificate=True,
            cloud_watch_role=True,
            alarm_topic=self.topic,
        )
        orders = self.full.root.add_resource("orders")
        orders.add_method("GET", apigateway.MockIntegration())
        orders.add_method("POST", apigateway.MockIntegration(), authorizer=self.cognito)

        # A public method, explicitly, with its reason.
        stack = self._stack("Public")
        self.public = SecureApi(stack, "Api", authorizer=apigateway.AuthorizationType.IAM)
        self.public.root.add_resource("health").add_method(
            "GET",
            apigateway.MockIntegration(),
            authorization_type=apigateway.AuthorizationType.NONE,
            public_reason=PUBLIC_REASON,
        )

        stack = self._stack("Destroy")
        self.destroy = SecureApi(
            stack,
            "Api",
            authorizer=apigateway.AuthorizationType.IAM,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.destroy.root.add_method("GET", apigateway.MockIntegration())

        # Escape hatches that undo the defaults: the guardrails catch every one.
        stack = self._stack("Weakened")
        self.weakened = SecureApi(stack, "Api", authorizer=apigateway.AuthorizationType.IAM)
        raw = self.weakened.api.root.add_method("GET", apigateway.MockIntegration())
        raw.node.default_child.add_property_override("AuthorizationType", "NONE")  # type: ignore[union-attr]
        cfn_stage = self.weakened.stage.node.default_child
        cfn_stage.add_property_override("TracingEnabled", False)  # type: ignore[union-attr]
        cfn_stage.add_property_override("MethodSettings.0.LoggingLevel", "OFF")  # type: ignore[union-attr]
        self.weakened.node.try_remove_child("WebAclAssociation")

        # The familiar call sites, with the construct passed directly.
        stack = self._stack("CallSites")
        self.calls = SecureApi(stack, "Api", authorizer=apigateway.AuthorizationType.IAM)
        self.widgets = self.calls.root.add_resource("widgets")
        self.widgets.add_method("PUT", apigateway.MockIntegration())
        self.raw_child = apigateway.Resource(  # a SecureApiResource where IResource is expected
            stack, "Raw", parent=self.calls.root, path_part="raw"
        )
        self.gateway_response = self.calls.add_gateway_response(
            "Unauthorized", type=apigateway.ResponseType.UNAUTHORIZED, status_code="401"
        )
        self.rule = events.Rule(
            stack, "Nightly", schedule=events.Schedule.cron(minute="0", hour="3")
        )
        self.rule.add_target(
            targets.ApiGateway(self.calls.api, path="/widgets", method="PUT", stage="prod")
        )
        self.usage_plan = apigateway.UsagePlan(stack, "Plan")
        self.usage_plan.add_api_stage(api=self.calls, stage=self.calls.stage)
        self.count_metric = self.calls.metric_count()
        self.client_errors = self.calls.metric_client_error()
        self.execute_arn = self.calls.arn_for_execute_api("PUT", "/widgets", "prod")

        self.templates = {
            name: assertions.Template.from_stack(stack) for name, stack in self.stacks.items()
        }
        self.evaluation = check(self.app)

    def _stack(self, name: str) -> cdk.Stack:
        self.stacks[name] = cdk.Stack(self.app, name, env=ENV)
        return self.stacks[name]

    def resources(self, stack: str, resource_type: str) -> dict[str, Any]:
        return self.templates[stack].find_resources(resource_type)

    def one(self, stack: str, resource_type: str) -> tuple[str, dict[str, Any]]:
        ((logical_id, resource),) = self.resources(stack, resource_type).items()
        return logical_id, resource

    def props(self, stack: str, resource_type: str) -> dict[str, Any]:
        return dict(self.one(stack, resource_type)[1]["Properties"])

    def findings(self, stack: str, *, acknowledged: bool = False) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack and (f.acknowledged_reason is not None) == acknowledged
        }

    def log_group(self, stack: str, construct_id: str) -> tuple[str, dict[str, Any]]:
        api = self.stacks[stack].node.find_child("Api")
        logical_id = _logical_id(api.node.find_child(construct_id))
        return logical_id, self.resources(stack, "AWS::Logs::LogGroup")[logical_id]


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _warnings(stack: cdk.Stack) -> str:
    found = assertions.Annotations.from_stack(stack).find_warning("*", assertions.Match.any_value())
    return json.dumps([w.entry.data for w in found])


def _logical_id(construct: Construct) -> str:
    cfn = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
    assert isinstance(cfn, cdk.CfnElement)
    return str(cdk.Stack.of(cfn).resolve(cfn.logical_id))


def _acknowledged(construct: Construct) -> set[str]:
    node = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
    assert node is not None
    return {
        rule
        for entry in node.node.metadata
        if entry.type == ACKNOWLEDGED_RULES_METADATA
        for rule in entry.data
    }


def _checkov_skips(resource: dict[str, Any]) -> set[str]:
    return {s["id"] for s in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])}


# -- the defaults ------------------------------------------------------------------------------


def test_default_passes_every_guardrail_but_the_alarm_it_cannot_page(built: Built) -> None:
    # Without alarm_topic nobody can be paged: SC-WAF-8 is a warning, by design.
    assert built.findings("Default") == {("SC-WAF-8", "Default/Api/WebAcl")}


def test_full_configuration_passes_every_guardrail(built: Built) -> None:
    assert built.findings("Full") == set()
    assert built.findings("Full", acknowledged=True) == set()


def test_construct_exposes_what_it_creates(built: Built) -> None:
    api = built.default
    assert isinstance(api.api, apigateway.RestApi)
    assert (
        api.stage.node.path
        == api.api.deployment_stage.node.path
        == "Default/Api/Api/DeploymentStage.prod"
    )
    assert isinstance(api.web_acl, cdk.aws_wafv2.CfnWebACL)
    assert isinstance(api.access_log_group, cdk.aws_logs.LogGroup)
    assert api.domain_name is None
    assert api.alias_record is None
    assert api.cloud_watch_role is None
    assert api.client_certificate is None
    assert api.blocked_requests_alarm is None
    assert isinstance(api.root, SecureApiResource)
    assert [c.node.id for c in api.node.children] == [
        "Key",
        "AccessLogs",
        "Api",
        "ExecutionLogs",
        "WebAcl",
        "WebAclAssociation",
        "WafLogs",
        "WebAclLogging",
    ]


def test_every_method_gets_the_authorizer_and_the_request_validator(built: Built) -> None:
    authorizer_id, _ = built.one("Default", "AWS::ApiGateway::Authorizer")
    validator_id, validator = built.one("Default", "AWS::ApiGateway::RequestValidator")
    assert validator["Properties"]["ValidateRequestBody"] is True
    assert validator["Properties"]["ValidateRequestParameters"] is True
    methods = built.resources("Default", "AWS::ApiGateway::Method")
    assert {m["Properties"]["HttpMethod"] for m in methods.values()} == {"GET", "POST"}
    for method in methods.values():
        assert method["Properties"]["AuthorizationType"] == "CUSTOM"
        assert method["Properties"]["AuthorizerId"] == {"Ref": authorizer_id}
        assert method["Properties"]["RequestValidatorId"] == {"Ref": validator_id}
    (post,) = (m for m in methods.values() if m["Properties"]["HttpMethod"] == "POST")
    model_id, _ = built.one("Default", "AWS::ApiGateway::Model")
    assert post["Properties"]["RequestModels"] == {"application/json": {"Ref": model_id}}


def test_api_is_regional_and_keeps_its_execute_api_endpoint_without_a_domain(built: Built) -> None:
    props = built.props("Default", "AWS::ApiGateway::RestApi")
    assert props["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert props["DisableExecuteApiEndpoint"] is False
    # CDK's CloudWatch role (AWS managed policy) and account setting are not created.
    assert built.resources("Default", "AWS::ApiGateway::Account") == {}
    assert all(
        "apigateway.amazonaws.com" not in json.dumps(r)
        for r in built.resources("Default", "AWS::IAM::Role").values()
    )


def test_stage_logs_traces_and_throttles(built: Built) -> None:
    stage = built.props("Default", "AWS::ApiGateway::Stage")
    access_id, _ = built.log_group("Default", "AccessLogs")
    assert stage["StageName"] == "prod"
    assert stage["TracingEnabled"] is True
    assert stage["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": [access_id, "Arn"]}
    fields = json.loads(stage["AccessLogSetting"]["Format"])
    assert {
        "requestId",
        "sourceIp",
        "caller",
        "user",
        "userArn",
        "principalId",
        "httpMethod",
        "resourcePath",
        "status",
        "integrationLatency",
        "wafStatus",
        "errorMessage",
    } <= set(fields)
    assert fields["requestId"] == "$context.requestId"
    assert fields["sourceIp"] == "$context.identity.sourceIp"
    assert stage["MethodSettings"] == [
        {
            "CachingEnabled": False,
            "DataTraceEnabled": False,
            "HttpMethod": "*",
            "LoggingLevel": "ERROR",
            "MetricsEnabled": True,
            "ResourcePath": "/*",
            "ThrottlingBurstLimit": 200,
            "ThrottlingRateLimit": 100,
        }
    ]
    assert "CacheClusterEnabled" not in stage or stage["CacheClusterEnabled"] is False


def test_log_groups_are_encrypted_expiring_and_retained(built: Built) -> None:
    key_id = _logical_id(built.default.encryption_key)
    key = built.resources("Default", "AWS::KMS::Key")[key_id]
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"
    ours = [
        built.log_group("Default", name)[1] for name in ("AccessLogs", "ExecutionLogs", "WafLogs")
    ]
    for group in ours:
        assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
        assert group["Properties"]["RetentionInDays"] == 365
        assert group["DeletionPolicy"] == group["UpdateReplacePolicy"] == "Retain"


def test_execution_log_group_exists_before_the_stage(built: Built) -> None:
    api_id, _ = built.one("Default", "AWS::ApiGateway::RestApi")
    group_id, group = built.log_group("Default", "ExecutionLogs")
    assert group["Properties"]["LogGroupName"] == {
        "Fn::Join": ["", ["API-Gateway-Execution-Logs_", {"Ref": api_id}, "/prod"]]
    }
    _, stage = built.one("Default", "AWS::ApiGateway::Stage")
    assert group_id in stage["DependsOn"]


def test_regional_web_acl_with_the_managed_groups_and_rate_rule_guards_the_stage(
    built: Built,
) -> None:
    acl_id, acl = built.one("Default", "AWS::WAFv2::WebACL")
    props = acl["Properties"]
    assert props["Scope"] == "REGIONAL"
    assert props["DefaultAction"] == {"Allow": {}}
    groups = [
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in props["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    ]
    assert tuple(groups) == MANAGED_GROUPS
    (rate,) = (r for r in props["Rules"] if "RateBasedStatement" in r["Statement"])
    assert rate["Action"] == {"Block": {}}
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == 2000
    stage_id, _ = built.one("Default", "AWS::ApiGateway::Stage")
    api_id, _ = built.one("Default", "AWS::ApiGateway::RestApi")
    association = built.props("Default", "AWS::WAFv2::WebACLAssociation")
    assert association["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    arn = json.dumps(association["ResourceArn"])
    assert f'{{"Ref": "{api_id}"}}, "/stages/", {{"Ref": "{stage_id}"}}' in arn
    logging = built.props("Default", "AWS::WAFv2::LoggingConfiguration")
    assert logging["RedactedFields"] == [
        {"SingleHeader": {"Name": "authorization"}},
        {"SingleHeader": {"Name": "cookie"}},
    ]
    _, waf_logs = built.log_group("Default", "WafLogs")
    assert waf_logs["Properties"]["LogGroupName"].startswith("aws-waf-logs-Default-Api-")


def test_only_the_inherent_scanner_findings_are_acknowledged(built: Built) -> None:
    _, stage = built.one("Default", "AWS::ApiGateway::Stage")
    assert _acknowledged(built.default.stage) == {
        *(
            f"{p}::{p}-{rule}"
            for p in ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")
            for rule in ("APIGWCacheEnabledAndEncrypted", "APIGWSSLEnabled")
        )
    }
    assert _checkov_skips(stage) == {"CKV_AWS_120"}
    for verb in ("GET", "POST"):
        method = built.items.node.find_child(verb)
        assert _acknowledged(method) == {"AwsSolutions::AwsSolutions-COG4"}


# -- every option -------------------------------------------------------------------------------


def test_custom_domain_allows_tls12_only_and_disables_execute_api(built: Built) -> None:
    domain = built.props("Full", "AWS::ApiGateway::DomainName")
    assert domain["SecurityPolicy"] == "TLS_1_2"
    assert domain["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert domain["RegionalCertificateArn"] == CERTIFICATE_ARN
    assert built.props("Full", "AWS::ApiGateway::RestApi")["DisableExecuteApiEndpoint"] is True
    record = built.props("Full", "AWS::Route53::RecordSet")
    assert record["Name"] == "api.example.com."
    assert record["Type"] == "A"
    assert built.full.url.startswith("https://")
    assert "execute-api" not in str(cdk.Stack.of(built.full).resolve(built.full.url))


def test_cache_is_encrypted_and_method_throttles_apply(built: Built) -> None:
    stage = built.props("Full", "AWS::ApiGateway::Stage")
    assert stage["StageName"] == "v1"
    assert stage["CacheClusterEnabled"] is True
    assert stage["CacheClusterSize"] == "1.6"
    by_path = {(m["ResourcePath"], m["HttpMethod"]): m for m in stage["MethodSettings"]}
    wide = by_path[("/*", "*")]
    assert wide["CachingEnabled"] is True
    assert wide["CacheDataEncrypted"] is True
    assert wide["CacheTtlInSeconds"] == 600
    assert (wide["ThrottlingRateLimit"], wide["ThrottlingBurstLimit"]) == (50, 100)
    orders = by_path[("/~1orders", "POST")]
    assert (orders["ThrottlingRateLimit"], orders["ThrottlingBurstLimit"]) == (5, 10)
    assert orders["CacheDataEncrypted"] is True
    cert_id, _ = built.one("Full", "AWS::ApiGateway::ClientCertificate")
    assert stage["ClientCertificateId"] == {"Ref": cert_id}


def test_methods_take_iam_by_default_and_a_cognito_authorizer_when_named(built: Built) -> None:
    methods = {
        m["Properties"]["HttpMethod"]: m
        for m in built.resources("Full", "AWS::ApiGateway::Method").values()
    }
    assert methods["GET"]["Properties"]["AuthorizationType"] == "AWS_IAM"
    assert methods["POST"]["Properties"]["AuthorizationType"] == "COGNITO_USER_POOLS"
    orders = built.full.root.get_resource("orders")
    assert orders is not None
    assert _acknowledged(orders.node.find_child("GET")) == {"AwsSolutions::AwsSolutions-COG4"}
    assert _acknowledged(orders.node.find_child("POST")) == set()


def test_cloud_watch_role_is_retained_and_writes_logs_only(built: Built) -> None:
    roles = {
        lid: r
        for lid, r in built.resources("Full", "AWS::IAM::Role").items()
        if "apigateway.amazonaws.com" in json.dumps(r["Properties"]["AssumeRolePolicyDocument"])
    }
    ((role_id, role),) = roles.items()
    assert role["DeletionPolicy"] == "Retain"
    assert "ManagedPolicyArns" not in role["Properties"]  # no AWS managed policy
    account_id, account = built.one("Full", "AWS::ApiGateway::Account")
    assert account["Properties"]["CloudWatchRoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}
    assert account["DeletionPolicy"] == "Retain"
    policies = built.resources("Full", "AWS::IAM::ManagedPolicy")
    (policy,) = (p for p in policies.values() if p["Properties"]["Roles"] == [{"Ref": role_id}])
    assert policy["DeletionPolicy"] == "Retain"
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert sorted(statement["Action"]) == [
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:DescribeLogGroups",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    ]
    assert ":logs:eu-west-1:111111111111:log-group:*" in json.dumps(statement["Resource"])
    _, stage = built.one("Full", "AWS::ApiGateway::Stage")
    assert account_id in stage["DependsOn"]


def test_blocked_requests_alarm_pages_the_topic(built: Built) -> None:
    alarm = built.props("Full", "AWS::CloudWatch::Alarm")
    assert alarm["AlarmActions"] == [TOPIC_ARN]
    assert alarm["MetricName"] == "BlockedRequests"
    assert alarm["Namespace"] == "AWS/WAFV2"
    rate = next(
        r
        for r in built.props("Full", "AWS::WAFv2::WebACL")["Rules"]
        if "RateBasedStatement" in r["Statement"]
    )
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == 1000


# -- weakening is explicit, warned about, and still reported ----------------------------------


def test_public_method_warns_and_is_reported_as_acknowledged(built: Built) -> None:
    assert WARN_PUBLIC_METHOD in _warnings(built.stacks["Public"])
    path = "Public/Api/Api/Default/health/GET/Resource"
    assert built.findings("Public") == {("SC-WAF-8", "Public/Api/WebAcl")}
    assert built.findings("Public", acknowledged=True) == {("SC-APIGW-1", path)}
    (method,) = built.resources("Public", "AWS::ApiGateway::Method").values()
    assert method["Properties"]["AuthorizationType"] == "NONE"
    health = built.public.root.get_resource("health")
    assert health is not None
    method_construct = health.node.find_child("GET")
    on_method = [
        e.data for e in method_construct.node.metadata if e.type == ACKNOWLEDGED_RULES_METADATA
    ]
    assert "SecureConstructs::SC-APIGW-1" in json.dumps(on_method)
    assert _acknowledged(method_construct) == {
        "AwsSolutions::AwsSolutions-APIG4",
        "AwsSolutions::AwsSolutions-COG4",
    }
    assert _checkov_skips(method) == {"CKV_AWS_59"}


def test_destroy_policy_warns_and_the_guardrails_flag_key_and_logs(built: Built) -> None:
    assert WARN_API_DESTROY_ON_REMOVAL in _warnings(built.stacks["Destroy"])
    assert built.findings("Destroy") == {
        ("SC-WAF-8", "Destroy/Api/WebAcl"),
        ("SC-KMS-3", "Destroy/Api/Key/Resource"),
        ("SC-LOGS-3", "Destroy/Api/AccessLogs/Resource"),
        ("SC-LOGS-3", "Destroy/Api/ExecutionLogs/Resource"),
        ("SC-LOGS-3", "Destroy/Api/WafLogs/Resource"),
    }


def test_escape_hatches_that_undo_the_defaults_are_caught(built: Built) -> None:
    stage = "Weakened/Api/Api/DeploymentStage.prod/Resource"
    # The WebACL is no longer associated, so its alarm (SC-WAF-8) is not asked for.
    assert built.findings("Weakened") == {
        ("SC-APIGW-1", "Weakened/Api/Api/Default/GET/Resource"),
        ("SC-APIGW-3", stage),
        ("SC-APIGW-4", stage),
        ("SC-APIGW-5", stage),
    }
    severities = {
        f.rule.id: f.severity.value
        for f in built.evaluation.findings
        if f.stack_path == "Weakened" and f.rule.id.startswith("SC-APIGW")
    }
    # Warning rules elsewhere; errors here because the construct enforces them.
    assert severities == {f"SC-APIGW-{n}": "error" for n in (1, 3, 4, 5)}


# -- the familiar call sites -------------------------------------------------------------------


def test_construct_is_accepted_where_a_rest_api_is(built: Built) -> None:
    assert apigateway.IRestApi in type(built.calls).__jsii_ifaces__  # type: ignore[attr-defined]
    api_id, _ = built.one("Default", "AWS::ApiGateway::RestApi")
    assert built.props("Default", "AWS::ApiGateway::Model")["RestApiId"] == {"Ref": api_id}
    calls_api, _ = built.one("CallSites", "AWS::ApiGateway::RestApi")
    assert built.props("CallSites", "AWS::ApiGateway::GatewayResponse")["RestApiId"] == {
        "Ref": calls_api
    }
    plan = built.props("CallSites", "AWS::ApiGateway::UsagePlan")
    assert plan["ApiStages"][0]["ApiId"] == {"Ref": calls_api}
    assert built.calls.rest_api_id == built.calls.api.rest_api_id
    assert built.calls.deployment_stage.node.path == built.calls.stage.node.path


def test_root_is_accepted_where_a_resource_is(built: Built) -> None:
    calls_api, _ = built.one("CallSites", "AWS::ApiGateway::RestApi")
    by_part = {
        r["Properties"]["PathPart"]: r["Properties"]
        for r in built.resources("CallSites", "AWS::ApiGateway::Resource").values()
    }
    assert by_part["raw"]["ParentId"] == {"Fn::GetAtt": [calls_api, "RootResourceId"]}
    assert built.widgets.path == "/widgets"
    assert built.calls.root.get_resource("widgets") is not None
    assert built.calls.root.resource_for_path("/widgets").path == "/widgets"


def test_events_target_metrics_and_urls(built: Built) -> None:
    stack = built.stacks["CallSites"]
    rule = built.props("CallSites", "AWS::Events::Rule")
    (target,) = rule["Targets"]
    assert ":execute-api:eu-west-1:111111111111:" in json.dumps(target["Arn"])
    assert "/prod/PUT/widgets" in json.dumps(target["Arn"])
    assert isinstance(built.count_metric, cloudwatch.Metric)
    assert built.count_metric.metric_name == "Count"
    assert built.client_errors.metric_name == "4XXError"
    assert ":execute-api:eu-west-1:111111111111:" in json.dumps(stack.resolve(built.execute_arn))
    assert "/prod/PUT/widgets" in json.dumps(stack.resolve(built.execute_arn))
    assert ".execute-api.eu-west-1." in json.dumps(stack.resolve(built.calls.url))


def test_call_sites_leave_the_construct_clean(built: Built) -> None:
    ours = {f for f in built.findings("CallSites") if f[1].startswith("CallSites/Api/")}
    assert ours == {("SC-WAF-8", "CallSites/Api/WebAcl")}


# -- snapshots ---------------------------------------------------------------------------------


def test_default_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates["Default"].to_json()) == snapshot_json


def test_full_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates["Full"].to_json()) == snapshot_json


# -- bad input: one clear Python error naming the property and the fix ---------------------------


def _build(**kwargs: Any) -> SecureApi:
    props: dict[str, Any] = {"authorizer": apigateway.AuthorizationType.IAM}
    props.update(kwargs)
    return SecureApi(cdk.Stack(cdk.App(), "S", env=ENV), "Api", **props)


def test_no_authorizer_is_rejected_with_the_public_method_route() -> None:
    with pytest.raises(
        SecureConstructsError,
        match=r"SC-API-2\] authorizer: AuthorizationType.NONE.*public_reason",
    ):
        _build(authorizer=apigateway.AuthorizationType.NONE)


def test_cognito_type_without_the_authorizer_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-API-2\] authorizer:.*COGNITO"):
        _build(authorizer=apigateway.AuthorizationType.COGNITO)


def test_every_bad_input_is_reported_at_once() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(
            authorizer="allow-all",
            stage_name="my stage",
            throttle=Throttle(rate_limit=0, burst_limit=0),
            method_throttles={"items/GET": Throttle()},
            cache=CacheOptions(size="2"),
            log_retention=cdk.aws_logs.RetentionDays.INFINITE,
            waf=WafOptions(rate_limit=1),
            cloud_watch_role="yes",
        )
    message = str(raised.value)
    for expected in (
        "[SC-API-1] authorizer: 'allow-all'",
        "[SC-API-3] stage_name: 'my stage'",
        "[SC-API-5] throttle:",
        "[SC-API-4] method_throttles: 'items/GET'",
        "[SC-API-6] cache.size: '2'",
        "[SC-API-3] log_retention: RetentionDays.INFINITE",
        "[SC-API-8] waf.rate_limit: 1 is outside",
        "[SC-API-1] cloud_watch_role:",
    ):
        assert expected in message, (expected, message)


def test_unauthorized_method_is_refused_at_add_time() -> None:
    api = _build()
    with pytest.raises(
        SecureConstructsError,
        match=r"SC-API-9\] authorization_type: AuthorizationType.NONE lets anyone.*GET /open",
    ):
        api.root.add_resource("open").add_method(
            "GET",
            apigateway.MockIntegration(),
            authorization_type=apigateway.AuthorizationType.NONE,
        )
    assert api.api.root.get_resource("open").node.try_find_child("GET") is None  # type: ignore[union-attr]


def test_short_or_misplaced_public_reason_is_refused() -> None:
    api = _build()
    with pytest.raises(SecureConstructsError, match=r"SC-API-9\] public_reason: 'why not'"):
        api.root.add_method(
            "GET",
            apigateway.MockIntegration(),
            authorization_type=apigateway.AuthorizationType.NONE,
            public_reason="why not",
        )
    with pytest.raises(SecureConstructsError, match=r"SC-API-9\] public_reason: .*only applies"):
        api.root.add_method("GET", apigateway.MockIntegration(), public_reason=PUBLIC_REASON)


def test_options_preflight_needs_no_reason() -> None:
    api = _build()
    method = api.root.add_method(
        "OPTIONS",
        apigateway.MockIntegration(),
        authorization_type=apigateway.AuthorizationType.NONE,
    )
    assert method.http_method == "OPTIONS"


def test_proxy_without_authorization_is_refused() -> None:
    api = _build()
    with pytest.raises(SecureConstructsError, match=r"SC-API-9\] authorization_type"):
        api.root.add_proxy(
            default_method_options=apigateway.MethodOptions(
                authorization_type=apigateway.AuthorizationType.NONE
            )
        )
