"""SecureHttpApi: each secure default, each weakening, each bad input, call sites and snapshots."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_route53 as route53
from constructs import Construct
from syrupy.assertion import SnapshotAssertion

from aspects import SecureConstructsError
from aspects.constants import ACKNOWLEDGED_RULES_METADATA
from aspects.testing import check
from secure_constructs.api import ApiDomain, Throttle
from secure_constructs.distribution import SecureDistribution
from secure_constructs.function import SecureFunction
from secure_constructs.http_api import (
    WARN_HTTP_API_DESTROY_ON_REMOVAL,
    WARN_HTTP_API_WITHOUT_WAF,
    WARN_PUBLIC_ROUTE,
    SecureHttpApi,
)
from tests.conftest import normalise

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
EDGE_ENV = cdk.Environment(account="111111111111", region="us-east-1")
INLINE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-12345678"
EDGE_CERTIFICATE_ARN = (
    "arn:aws:acm:us-east-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-12345678"
)
USER_POOL_ARN = "arn:aws:cognito-idp:eu-west-1:111111111111:userpool/eu-west-1_abcdefghi"
ISSUER = "https://login.example.com/"
PUBLIC_REASON = "load balancer health check, returns a constant and no data"
EDGE_REASON = "served only through the SecureDistribution Edge/Cdn and its CLOUDFRONT WebACL"
GET = apigatewayv2.HttpMethod.GET
POST = apigatewayv2.HttpMethod.POST


def _function(scope: Construct, construct_id: str = "Handler") -> lambda_.IFunction:
    return SecureFunction(
        scope,
        construct_id,
        code=INLINE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_14,
    ).function


def _lambda(scope: Construct, construct_id: str = "Handler") -> integrations.HttpLambdaIntegration:
    return integrations.HttpLambdaIntegration(
        f"{construct_id}Integration", _function(scope, construct_id)
    )


class Built:
    """One app, one stack per configuration, synthesized once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App()
        self.stacks: dict[str, cdk.Stack] = {}

        # A Lambda authorizer; one route added through the construct.
        stack = self._stack("Default")
        self.authorizer = authorizers.HttpLambdaAuthorizer(
            "Authorizer",
            _function(stack, "AuthorizerFunction"),
            response_types=[authorizers.HttpLambdaResponseType.SIMPLE],
        )
        self.default = SecureHttpApi(stack, "Api", authorizer=self.authorizer)
        self.default_routes = self.default.add_routes(
            path="/items", methods=[GET, POST], integration=_lambda(stack)
        )

        # A JWT authorizer with scopes by default, every option on, a route per authorizer.
        stack = self._stack("Full")
        user_pool = cognito.UserPool.from_user_pool_arn(stack, "Users", USER_POOL_ARN)
        client = cognito.UserPoolClient.from_user_pool_client_id(stack, "Client", "abc123")
        self.full = SecureHttpApi(
            stack,
            "Api",
            authorizer=authorizers.HttpJwtAuthorizer("Jwt", ISSUER, jwt_audience=["orders-api"]),
            authorization_scopes=["orders/read"],
            api_name="orders",
            description="Orders",
            throttle=Throttle(rate_limit=50, burst_limit=100),
            domain=ApiDomain(
                domain_name="api.example.com",
                certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN),
                hosted_zone=route53.HostedZone.from_hosted_zone_attributes(
                    stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
                ),
                base_path="v1",
            ),
            cors=apigatewayv2.CorsPreflightOptions(
                allow_origins=["https://app.example.com"],
                allow_methods=[apigatewayv2.CorsHttpMethod.GET],
                allow_headers=["authorization"],
            ),
        )
        orders = _lambda(stack, "Orders")
        self.full.add_routes(path="/orders", methods=[GET], integration=orders)
        self.full.add_routes(
            path="/orders",
            methods=[POST],
            integration=orders,
            authorizer=authorizers.HttpUserPoolAuthorizer(
                "UserPool", user_pool, user_pool_clients=[client]
            ),
            throttle=Throttle(rate_limit=5, burst_limit=10),
        )
        self.iam_routes = self.full.add_routes(
            path="/admin",
            methods=[apigatewayv2.HttpMethod.DELETE],
            integration=orders,
            authorizer=authorizers.HttpIamAuthorizer(),
        )

        # A public route, explicitly, with its reason; an OPTIONS route needs none.
        stack = self._stack("Public")
        self.public = SecureHttpApi(stack, "Api", authorizer=authorizers.HttpIamAuthorizer())
        health = _lambda(stack)
        self.public.add_routes(
            path="/health",
            methods=[GET],
            integration=health,
            authorizer=apigatewayv2.HttpNoneAuthorizer(),
            public_reason=PUBLIC_REASON,
        )
        self.public.add_routes(
            path="/health",
            methods=[apigatewayv2.HttpMethod.OPTIONS],
            integration=health,
            authorizer=apigatewayv2.HttpNoneAuthorizer(),
        )

        stack = self._stack("Destroy")
        self.destroy = SecureHttpApi(
            stack,
            "Api",
            authorizer=authorizers.HttpIamAuthorizer(),
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.destroy.add_routes(path="/", integration=_lambda(stack))

        # Escape hatches that undo the defaults: which ones the guardrails catch.
        stack = self._stack("Weakened")
        self.weakened = SecureHttpApi(
            stack,
            "Api",
            authorizer=authorizers.HttpIamAuthorizer(),
            domain=ApiDomain(
                domain_name="api.example.com",
                certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN),
            ),
        )
        (route,) = self.weakened.add_routes(
            path="/items", methods=[GET], integration=_lambda(stack)
        )
        route.node.default_child.add_property_override("AuthorizationType", "NONE")  # type: ignore[union-attr]
        cfn_stage = self.weakened.stage.node.default_child
        cfn_stage.add_deletion_override("Properties.AccessLogSettings")  # type: ignore[union-attr]
        cfn_stage.add_deletion_override("Properties.DefaultRouteSettings")  # type: ignore[union-attr]
        assert self.weakened.domain_name is not None
        cfn_domain = self.weakened.domain_name.node.default_child
        cfn_domain.add_property_override(  # type: ignore[union-attr]
            "DomainNameConfigurations.0.SecurityPolicy", "TLS_1_0"
        )
        self.weakened.api.node.default_child.add_property_override(  # type: ignore[union-attr]
            "DisableExecuteApiEndpoint", False
        )

        # The familiar call sites, with the construct passed directly.
        stack = self._stack("CallSites")
        self.calls = SecureHttpApi(stack, "Api", authorizer=authorizers.HttpIamAuthorizer())
        handler = _lambda(stack)
        (self.widget_route,) = self.calls.add_routes(
            path="/widgets", methods=[GET], integration=handler
        )
        self.raw_route = apigatewayv2.HttpRoute(  # the construct where IHttpApi is expected
            stack,
            "RawRoute",
            http_api=self.calls,
            route_key=apigatewayv2.HttpRouteKey.with_("/raw", POST),
            # CDK binds an integration to one API object: the construct is not its HttpApi.
            integration=_lambda(stack, "Raw"),
        )
        self.caller = iam.Role(stack, "Caller", assumed_by=iam.AccountPrincipal("111111111111"))
        self.widget_route.grant_invoke(self.caller)
        self.count_metric = self.calls.metric_count()
        self.client_errors = self.calls.metric_client_error()
        self.stage_latency = self.calls.stage.metric_latency()
        self.execute_arn = self.calls.arn_for_execute_api("GET", "/widgets", "$default")

        # CloudFront + WAF in front, as the docstring says; the warning acknowledged.
        stack = self._stack("Edge", EDGE_ENV)
        edge_cert = acm.Certificate.from_certificate_arn(stack, "Cert", EDGE_CERTIFICATE_ARN)
        self.edge = SecureHttpApi(
            stack,
            "Api",
            authorizer=authorizers.HttpIamAuthorizer(),
            domain=ApiDomain(domain_name="origin.example.com", certificate=edge_cert),
        )
        self.edge.add_routes(path="/{proxy+}", integration=_lambda(stack))
        cdk.Annotations.of(self.edge).acknowledge_warning(WARN_HTTP_API_WITHOUT_WAF, EDGE_REASON)
        self.cdn = SecureDistribution(
            stack,
            "Cdn",
            origin="origin.example.com",
            certificate=edge_cert,
            domain_names=["api.example.com"],
            default_root_object=None,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
        )

        self.templates = {
            name: assertions.Template.from_stack(stack) for name, stack in self.stacks.items()
        }
        self.evaluation = check(self.app)

    def _stack(self, name: str, env: cdk.Environment = ENV) -> cdk.Stack:
        self.stacks[name] = cdk.Stack(self.app, name, env=env)
        return self.stacks[name]

    def resources(self, stack: str, resource_type: str) -> dict[str, Any]:
        return self.templates[stack].find_resources(resource_type)

    def one(self, stack: str, resource_type: str) -> tuple[str, dict[str, Any]]:
        ((logical_id, resource),) = self.resources(stack, resource_type).items()
        return logical_id, resource

    def props(self, stack: str, resource_type: str) -> dict[str, Any]:
        return dict(self.one(stack, resource_type)[1]["Properties"])

    def routes(self, stack: str) -> dict[str, dict[str, Any]]:
        return {
            r["Properties"]["RouteKey"]: r["Properties"]
            for r in self.resources(stack, "AWS::ApiGatewayV2::Route").values()
        }

    def findings(
        self, stack: str, *, acknowledged: bool = False, prefix: str = ""
    ) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack
            and (f.acknowledged_reason is not None) == acknowledged
            and (f.construct_path or "").startswith(prefix)
        }


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _warnings(construct: Construct) -> list[str]:
    """Warning ids (as CDK records them) on *construct* and below."""
    return [
        str(entry.data)
        for node in construct.node.find_all()
        for entry in node.node.metadata
        if entry.type == "aws:cdk:warning"
    ]


def _stack_warnings(stack: cdk.Stack) -> str:
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


def test_default_passes_every_guardrail(built: Built) -> None:
    assert built.findings("Default") == set()
    assert built.findings("Default", acknowledged=True) == set()


def test_full_configuration_passes_every_guardrail(built: Built) -> None:
    assert built.findings("Full") == set()
    assert built.findings("Full", acknowledged=True) == set()


def test_construct_exposes_what_it_creates(built: Built) -> None:
    api = built.default
    assert isinstance(api.api, apigatewayv2.HttpApi)
    assert isinstance(api.stage, apigatewayv2.HttpStage)
    assert api.stage.node.path == "Default/Api/Api/DefaultStage"
    assert api.default_stage is api.stage
    assert api.api.default_stage is None  # the construct made the stage itself
    assert isinstance(api.access_log_group, cdk.aws_logs.LogGroup)
    assert isinstance(api.encryption_key, cdk.aws_kms.Key)
    assert api.domain_name is None
    assert api.alias_record is None
    assert [c.node.id for c in api.node.children] == ["Key", "AccessLogs", "Api"]


def test_every_route_gets_the_default_authorizer(built: Built) -> None:
    authorizer_id, authorizer = built.one("Default", "AWS::ApiGatewayV2::Authorizer")
    assert authorizer["Properties"]["AuthorizerType"] == "REQUEST"
    routes = built.routes("Default")
    assert set(routes) == {"GET /items", "POST /items"}
    for route in routes.values():
        assert route["AuthorizationType"] == "CUSTOM"
        assert route["AuthorizerId"] == {"Ref": authorizer_id}


def test_execute_api_endpoint_stays_without_a_domain_and_cors_is_off(built: Built) -> None:
    props = built.props("Default", "AWS::ApiGatewayV2::Api")
    assert props["ProtocolType"] == "HTTP"
    assert props["DisableExecuteApiEndpoint"] is False
    assert "CorsConfiguration" not in props


def test_default_stage_logs_json_throttles_and_has_detailed_metrics(built: Built) -> None:
    stage = built.props("Default", "AWS::ApiGatewayV2::Stage")
    access_id = _logical_id(built.default.access_log_group)
    assert stage["StageName"] == "$default"
    assert stage["AutoDeploy"] is True
    assert stage["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": [access_id, "Arn"]}
    fields = json.loads(stage["AccessLogSettings"]["Format"])
    assert {
        "requestId",
        "sourceIp",
        "caller",
        "userArn",
        "principalId",
        "jwtSubject",
        "routeKey",
        "status",
        "integrationError",
        "authorizerError",
        "errorMessage",
    } <= set(fields)
    assert fields["requestId"] == "$context.requestId"
    assert fields["sourceIp"] == "$context.identity.sourceIp"
    assert fields["routeKey"] == "$context.routeKey"
    assert not any("header" in v.lower() or "body" in v.lower() for v in fields.values())
    assert stage["DefaultRouteSettings"] == {
        "DetailedMetricsEnabled": True,
        "ThrottlingBurstLimit": 200,
        "ThrottlingRateLimit": 100,
    }
    assert "RouteSettings" not in stage


def test_log_group_is_encrypted_expiring_and_retained(built: Built) -> None:
    key_id = _logical_id(built.default.encryption_key)
    key = built.resources("Default", "AWS::KMS::Key")[key_id]
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"
    group = built.resources("Default", "AWS::Logs::LogGroup")[
        _logical_id(built.default.access_log_group)
    ]
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert group["Properties"]["RetentionInDays"] == 365
    assert group["DeletionPolicy"] == group["UpdateReplacePolicy"] == "Retain"


def test_every_instance_warns_that_no_waf_can_be_attached(built: Built) -> None:
    warnings = _warnings(built.default)
    assert any(
        "AWS WAF cannot be associated with an HTTP API" in w and "SecureDistribution" in w
        for w in warnings
    ), warnings
    assert WARN_HTTP_API_WITHOUT_WAF in _stack_warnings(built.stacks["Default"])


def test_no_scanner_finding_is_acknowledged_on_a_default_api(built: Built) -> None:
    for route in built.default_routes:
        assert _acknowledged(route) == set()
    assert _acknowledged(built.default.stage) == set()
    _, stage = built.one("Default", "AWS::ApiGatewayV2::Stage")
    assert _checkov_skips(stage) == set()


# -- every option -------------------------------------------------------------------------------


def test_custom_domain_is_tls12_regional_and_disables_execute_api(built: Built) -> None:
    domain_id, domain = built.one("Full", "AWS::ApiGatewayV2::DomainName")
    assert domain["Properties"]["DomainName"] == "api.example.com"
    assert domain["Properties"]["DomainNameConfigurations"] == [
        {
            "CertificateArn": CERTIFICATE_ARN,
            "EndpointType": "REGIONAL",
            "SecurityPolicy": "TLS_1_2",
        }
    ]
    assert built.props("Full", "AWS::ApiGatewayV2::Api")["DisableExecuteApiEndpoint"] is True
    mapping = built.props("Full", "AWS::ApiGatewayV2::ApiMapping")
    assert mapping["DomainName"] == {"Ref": domain_id}
    assert mapping["ApiMappingKey"] == "v1"
    assert mapping["Stage"] == "$default"
    stage_id, _ = built.one("Full", "AWS::ApiGatewayV2::Stage")
    (mapping_resource,) = built.resources("Full", "AWS::ApiGatewayV2::ApiMapping").values()
    assert stage_id in mapping_resource["DependsOn"]  # the stage exists before its mapping
    record = built.props("Full", "AWS::Route53::RecordSet")
    assert record["Name"] == "api.example.com."
    assert record["Type"] == "A"
    assert "RegionalDomainName" in json.dumps(record["AliasTarget"])
    url = cdk.Stack.of(built.full).resolve(built.full.url)
    assert url == "https://api.example.com/v1/"
    assert built.full.api_mapping is not None
    assert [c.node.id for c in built.full.node.children] == [
        "Key",
        "AccessLogs",
        "DomainName",
        "Api",
        "ApiMapping",
        "AliasRecord",
    ]


def test_routes_take_the_jwt_authorizer_with_scopes_unless_they_name_another(
    built: Built,
) -> None:
    authorizers_by_type = {
        a["Properties"]["AuthorizerType"]: (lid, a["Properties"])
        for lid, a in built.resources("Full", "AWS::ApiGatewayV2::Authorizer").items()
    }
    assert set(authorizers_by_type) == {"JWT"}  # the user pool authorizer is a JWT one too
    routes = built.routes("Full")
    assert routes["GET /orders"]["AuthorizationType"] == "JWT"
    assert routes["GET /orders"]["AuthorizationScopes"] == ["orders/read"]
    assert routes["POST /orders"]["AuthorizationType"] == "JWT"
    assert routes["POST /orders"]["AuthorizerId"] != routes["GET /orders"]["AuthorizerId"]
    assert routes["DELETE /admin"]["AuthorizationType"] == "AWS_IAM"
    assert "AuthorizerId" not in routes["DELETE /admin"]


def test_stage_and_route_throttles_apply(built: Built) -> None:
    _, stage = built.one("Full", "AWS::ApiGatewayV2::Stage")
    props = stage["Properties"]
    assert props["DefaultRouteSettings"] == {
        "DetailedMetricsEnabled": True,
        "ThrottlingBurstLimit": 100,
        "ThrottlingRateLimit": 50,
    }
    assert props["RouteSettings"] == {
        "POST /orders": {
            "DetailedMetricsEnabled": True,
            "ThrottlingBurstLimit": 10,
            "ThrottlingRateLimit": 5,
        }
    }
    # The route exists before the stage names it in RouteSettings.
    (post_id,) = (
        lid
        for lid, r in built.resources("Full", "AWS::ApiGatewayV2::Route").items()
        if r["Properties"]["RouteKey"] == "POST /orders"
    )
    assert post_id in stage["DependsOn"]


def test_cors_is_configured_only_when_asked(built: Built) -> None:
    props = built.props("Full", "AWS::ApiGatewayV2::Api")
    assert props["CorsConfiguration"] == {
        "AllowHeaders": ["authorization"],
        "AllowMethods": ["GET"],
        "AllowOrigins": ["https://app.example.com"],
    }
    assert props["Name"] == "orders"


# -- weakening is explicit, warned about, and still reported ----------------------------------


def test_public_route_warns_and_is_reported_as_acknowledged(built: Built) -> None:
    assert WARN_PUBLIC_ROUTE in _stack_warnings(built.stacks["Public"])
    assert built.findings("Public") == set()
    assert built.findings("Public", acknowledged=True) == {
        ("SC-APIGW-1", "Public/Api/Api/GET--health/Resource")
    }
    routes = built.routes("Public")
    assert routes["GET /health"]["AuthorizationType"] == "NONE"
    assert routes["OPTIONS /health"]["AuthorizationType"] == "NONE"
    route = built.public.api.node.find_child("GET--health")
    assert _acknowledged(route) == {"AwsSolutions::AwsSolutions-APIG4"}
    on_route = [e.data for e in route.node.metadata if e.type == ACKNOWLEDGED_RULES_METADATA]
    assert "SecureConstructs::SC-APIGW-1" in json.dumps(on_route)
    warned = _warnings(route)
    assert any("GET /health is public" in w and PUBLIC_REASON in w for w in warned), warned
    assert _warnings(built.public.api.node.find_child("OPTIONS--health")) == []


def test_destroy_policy_warns_and_the_guardrails_flag_key_and_logs(built: Built) -> None:
    assert WARN_HTTP_API_DESTROY_ON_REMOVAL in _stack_warnings(built.stacks["Destroy"])
    assert built.findings("Destroy") == {
        ("SC-KMS-3", "Destroy/Api/Key/Resource"),
        ("SC-LOGS-3", "Destroy/Api/AccessLogs/Resource"),
    }


def test_escape_hatches_on_authorizer_logs_and_tls_are_caught(built: Built) -> None:
    assert {
        ("SC-APIGW-1", "Weakened/Api/Api/GET--items/Resource"),
        ("SC-APIGW-2", "Weakened/Api/Api/DefaultStage/Resource"),
        ("SC-APIGW-7", "Weakened/Api/DomainName/Resource"),
    } <= built.findings("Weakened")
    severities = {
        f.rule.id: f.severity.value
        for f in built.evaluation.findings
        if f.stack_path == "Weakened" and f.rule.id.startswith("SC-APIGW")
    }
    assert severities == {f"SC-APIGW-{n}": "error" for n in (1, 2, 7)}


def test_escape_hatches_on_throttles_and_execute_api_are_caught(built: Built) -> None:
    assert {
        ("SC-PIN-1", "Weakened/Api/Api/DefaultStage/Resource"),
        ("SC-PIN-1", "Weakened/Api/Api/Resource"),
    } <= built.findings("Weakened")


def test_pinned_settings_are_declared_on_stage_and_api(built: Built) -> None:
    stage = built.props("Weakened", "AWS::ApiGatewayV2::Stage")
    assert "DefaultRouteSettings" not in stage  # the escape hatch removed it...
    _, resource = built.one("Weakened", "AWS::ApiGatewayV2::Stage")
    pinned = resource["Metadata"]["SecureConstructs::Guarantees"]["pinned"]
    assert pinned == {  # ...and the construct's promise is in the template for a rule to read
        "DefaultRouteSettings.ThrottlingRateLimit": 100,
        "DefaultRouteSettings.ThrottlingBurstLimit": 200,
        "DefaultRouteSettings.DetailedMetricsEnabled": True,
    }
    _, api = built.one("Weakened", "AWS::ApiGatewayV2::Api")
    assert api["Metadata"]["SecureConstructs::Guarantees"]["pinned"] == {
        "DisableExecuteApiEndpoint": True
    }


# -- the familiar call sites -------------------------------------------------------------------


def test_construct_is_accepted_where_an_http_api_is(built: Built) -> None:
    assert apigatewayv2.IHttpApi in type(built.calls).__jsii_ifaces__  # type: ignore[attr-defined]
    api_id, _ = built.one("CallSites", "AWS::ApiGatewayV2::Api")
    routes = built.routes("CallSites")
    assert routes["POST /raw"]["ApiId"] == {"Ref": api_id}
    # An HttpRoute made on the construct still gets the API's default authorizer.
    assert routes["POST /raw"]["AuthorizationType"] == "AWS_IAM"
    assert built.calls.api_id == built.calls.api.api_id
    assert built.calls.default_authorizer is built.calls.api.default_authorizer


def test_grant_invoke_names_the_iam_route(built: Built) -> None:
    policy = built.props("CallSites", "AWS::IAM::Policy")
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == "execute-api:Invoke"
    assert ":execute-api:eu-west-1:111111111111:" in json.dumps(statement["Resource"])
    assert "/*/GET/widgets" in json.dumps(statement["Resource"])
    assert policy["Roles"] == [{"Ref": _logical_id(built.caller)}]


def test_metrics_urls_and_execute_api_arns(built: Built) -> None:
    stack = built.stacks["CallSites"]
    api_id, _ = built.one("CallSites", "AWS::ApiGatewayV2::Api")
    assert isinstance(built.count_metric, cloudwatch.Metric)
    assert built.count_metric.metric_name == "Count"
    assert built.count_metric.namespace == "AWS/ApiGateway"
    assert stack.resolve(built.count_metric.dimensions) == {"ApiId": {"Ref": api_id}}
    assert built.client_errors.metric_name == "4xx"
    assert stack.resolve(built.stage_latency.dimensions) == {
        "ApiId": {"Ref": api_id},
        "Stage": "$default",
    }
    arn = json.dumps(stack.resolve(built.execute_arn))
    assert ":execute-api:eu-west-1:111111111111:" in arn
    assert "/$default/GET/widgets" in arn
    assert json.dumps(stack.resolve(built.calls.url)).count(".execute-api.eu-west-1.") == 1
    assert stack.resolve(built.calls.api_endpoint) == {"Fn::GetAtt": [api_id, "ApiEndpoint"]}


def test_call_sites_leave_the_construct_clean(built: Built) -> None:
    assert built.findings("CallSites", prefix="CallSites/Api/") == set()


def test_cloudfront_with_waf_in_front_and_the_warning_acknowledged(built: Built) -> None:
    assert built.findings("Edge") == set()
    distribution = built.props("Edge", "AWS::CloudFront::Distribution")["DistributionConfig"]
    (origin,) = distribution["Origins"]
    assert origin["DomainName"] == "origin.example.com"
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert "WebACLId" in distribution
    assert built.props("Edge", "AWS::ApiGatewayV2::Api")["DisableExecuteApiEndpoint"] is True
    assert WARN_HTTP_API_WITHOUT_WAF not in _stack_warnings(built.stacks["Edge"])


# -- snapshots ---------------------------------------------------------------------------------


def test_default_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates["Default"].to_json()) == snapshot_json


def test_full_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates["Full"].to_json()) == snapshot_json


def test_public_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates["Public"].to_json()) == snapshot_json


# -- bad input: one clear Python error naming the property and the fix ---------------------------


def _build(**kwargs: Any) -> SecureHttpApi:
    props: dict[str, Any] = {"authorizer": authorizers.HttpIamAuthorizer()}
    props.update(kwargs)
    return SecureHttpApi(cdk.Stack(cdk.App(), "S", env=ENV), "Api", **props)


def test_none_authorizer_is_rejected_with_the_public_route_way() -> None:
    with pytest.raises(
        SecureConstructsError,
        match=r"SC-HTTPAPI-2\] authorizer: HttpNoneAuthorizer.*public_reason",
    ):
        _build(authorizer=apigatewayv2.HttpNoneAuthorizer())


def test_every_bad_input_is_reported_at_once() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(
            authorizer="allow-all",
            authorization_scopes="orders/read",
            throttle=Throttle(rate_limit=0, burst_limit=0),
            domain=ApiDomain(domain_name="", certificate="arn"),  # type: ignore[arg-type]
            cors=apigatewayv2.CorsPreflightOptions(allow_origins=["*"], allow_credentials=True),
            log_retention=cdk.aws_logs.RetentionDays.INFINITE,
            removal_policy=cdk.RemovalPolicy.SNAPSHOT,
            encryption_key="alias/mine",
        )
    message = str(raised.value)
    for expected in (
        "[SC-HTTPAPI-1] authorizer: 'allow-all'",
        "[SC-HTTPAPI-1] authorization_scopes: 'orders/read'",
        "[SC-HTTPAPI-4] throttle: rate 0 and burst 0",
        "[SC-HTTPAPI-5] domain.domain_name: '' is empty",
        "[SC-HTTPAPI-5] domain.certificate: 'arn'",
        "[SC-HTTPAPI-6] cors.allow_origins: '*' with allow_credentials=True",
        "[SC-HTTPAPI-3] log_retention: RetentionDays.INFINITE",
        "[SC-HTTPAPI-3] removal_policy: KMS keys and log groups",
        "[SC-HTTPAPI-1] encryption_key: 'alias/mine'",
    ):
        assert expected in message, (expected, message)


def test_short_retention_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"log_retention: RetentionDays.ONE_WEEK"):
        _build(log_retention=cdk.aws_logs.RetentionDays.ONE_WEEK)


def test_unauthorized_route_is_refused_at_add_time() -> None:
    api = _build()
    integration = integrations.HttpUrlIntegration("Url", "https://backend.example.com")
    with pytest.raises(
        SecureConstructsError,
        match=r"SC-HTTPAPI-7\] authorizer: HttpNoneAuthorizer lets anyone.*GET /open",
    ):
        api.add_routes(
            path="/open",
            methods=[GET],
            integration=integration,
            authorizer=apigatewayv2.HttpNoneAuthorizer(),
        )
    assert api.api.node.try_find_child("GET--open") is None
    with pytest.raises(SecureConstructsError, match=r"HttpNoneAuthorizer lets anyone.*ANY /all"):
        api.add_routes(
            path="/all", integration=integration, authorizer=apigatewayv2.HttpNoneAuthorizer()
        )


def test_short_or_misplaced_public_reason_is_refused() -> None:
    api = _build()
    integration = integrations.HttpUrlIntegration("Url", "https://backend.example.com")
    with pytest.raises(SecureConstructsError, match=r"SC-HTTPAPI-7\] public_reason: 'why not'"):
        api.add_routes(
            path="/open",
            integration=integration,
            authorizer=apigatewayv2.HttpNoneAuthorizer(),
            public_reason="why not",
        )
    with pytest.raises(
        SecureConstructsError, match=r"SC-HTTPAPI-7\] public_reason: .*only applies"
    ):
        api.add_routes(path="/open", integration=integration, public_reason=PUBLIC_REASON)


def test_bad_route_arguments_are_reported_at_once() -> None:
    api = _build()
    with pytest.raises(SecureConstructsError) as raised:
        api.add_routes(
            path="items/",
            methods=["GET"],  # type: ignore[list-item]
            integration="lambda",  # type: ignore[arg-type]
            authorizer="iam",  # type: ignore[arg-type]
            throttle=Throttle(rate_limit=-1),
        )
    message = str(raised.value)
    assert "SecureHttpApi at 'S/Api'.add_routes" in message
    for expected in (
        "[SC-HTTPAPI-7] path: 'items/' is not a route path",
        "[SC-HTTPAPI-7] integration: 'lambda'",
        "[SC-HTTPAPI-7] methods: 'GET'",
        "[SC-HTTPAPI-7] authorizer: 'iam'",
        "[SC-HTTPAPI-7] throttle: rate -1",
    ):
        assert expected in message, (expected, message)
