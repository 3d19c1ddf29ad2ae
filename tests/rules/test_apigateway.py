"""SC-APIGW-1..7 on REST, HTTP and WebSocket APIs from L2s, raw L1s, escape hatches, tokens.

One app is synthesized for the module: stack ``Apigw`` holds one API (or domain name, or
L1 resource) per case, named after the case; stack ``ApigwWaf`` holds a WebACL association
that protects a stage of ``Apigw`` through a cross-stack reference. The app is also judged
by the other rule families; assertions look at the SC-APIGW findings only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2

from aspects import acknowledge
from aspects.assembly import load_template
from aspects.engine import evaluate
from aspects.index import StackTemplate
from aspects.model import Finding, Status
from aspects.rules import apigateway
from aspects.settings import Thresholds
from aspects.testing import check

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

CERT_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
FOREIGN_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/0123abcd"
SAM_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(event, context): return 1"
      Events:
        Signed:
          Type: Api
          Properties: {Path: /orders, Method: get, RestApiId: !Ref Api}
        Open:
          Type: Api
          Properties: {Path: /open, Method: get}
        Keyed:
          Type: Api
          Properties:
            Path: /keyed
            Method: get
            RestApiId: !Ref CognitoApi
            Auth: {ApiKeyRequired: true}
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      TracingEnabled: true
      Auth:
        DefaultAuthorizer: AWS_IAM
  Users:
    Type: AWS::Cognito::UserPool
  CognitoApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: Users
        Authorizers:
          Users: {UserPoolArn: !GetAtt Users.Arn}
"""


@jsii.implements(apigwv2.IAccessLogSettings)
class AccessLogs:
    """Access log settings of an HTTP or WebSocket stage (CDK has only the interface)."""

    def __init__(self, group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat | None:
        return None


class Builder:
    """The cases of the ``Apigw`` stack and the neighbours they share."""

    def __init__(self, stack: cdk.Stack) -> None:
        self.stack = stack
        key = kms.Key(stack, "Key", enable_key_rotation=True)
        self.access_logs = logs.LogGroup(
            stack, "AccessLogs", encryption_key=key, retention=logs.RetentionDays.ONE_YEAR
        )
        self.handler = lambda_.Function(
            stack,
            "Handler",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
            tracing=lambda_.Tracing.ACTIVE,
        )
        self.acl = wafv2.CfnWebACL(
            stack,
            "Acl",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True, metric_name="api", sampled_requests_enabled=True
            ),
        )
        self.cert = acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)
        self.setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
        self.switch = Switch(stack)

    # -- REST APIs ------------------------------------------------------------------------

    def options(self, **overrides: Any) -> apigw.StageOptions:
        """The secure stage: access logs, execution logs, X-Ray."""
        props: dict[str, Any] = {
            "access_log_destination": apigw.LogGroupLogDestination(self.access_logs),
            "access_log_format": apigw.AccessLogFormat.json_with_standard_fields(
                caller=True,
                http_method=True,
                ip=True,
                protocol=True,
                request_time=True,
                resource_path=True,
                response_length=True,
                status=True,
                user=True,
            ),
            "logging_level": apigw.MethodLoggingLevel.INFO,
            "tracing_enabled": True,
        }
        props.update(overrides)
        return apigw.StageOptions(**{k: v for k, v in props.items() if v is not None})

    def protect(self, scope: Any, stage: apigw.Stage) -> wafv2.CfnWebACLAssociation:
        return wafv2.CfnWebACLAssociation(
            scope, "Waf", resource_arn=stage.stage_arn, web_acl_arn=self.acl.attr_arn
        )

    def rest(
        self, name: str, *, waf: bool = True, options: apigw.StageOptions | None = None, **kw: Any
    ) -> apigw.RestApi:
        """A RestApi whose root GET needs IAM, with the secure stage behind the WebACL."""
        kw.setdefault(
            "default_method_options",
            apigw.MethodOptions(authorization_type=apigw.AuthorizationType.IAM),
        )
        api = apigw.RestApi(self.stack, name, deploy_options=options or self.options(), **kw)
        api.root.add_method("GET", apigw.MockIntegration())
        if waf:
            self.protect(api, api.deployment_stage)
        return api

    def stage(self, api: apigw.RestApi) -> cdk.CfnResource:
        return cfn(api.deployment_stage)

    def root_get(self, api: apigw.RestApi) -> cdk.CfnResource:
        method = api.root.node.find_child("GET")
        assert isinstance(method, apigw.Method)
        return cfn(method)

    # -- HTTP and WebSocket APIs ----------------------------------------------------------

    def http(self, name: str, **kw: Any) -> apigwv2.HttpApi:
        """An HttpApi whose routes need IAM, with an access-logged stage."""
        kw.setdefault("default_authorizer", authorizers.HttpIamAuthorizer())
        api = apigwv2.HttpApi(
            self.stack,
            name,
            create_default_stage=False,
            default_integration=integrations.HttpLambdaIntegration("Backend", self.handler),
            **kw,
        )
        api.add_stage("Prod", stage_name="prod", auto_deploy=True, access_log_settings=self.v2_logs)
        return api

    @property
    def v2_logs(self) -> AccessLogs:
        return AccessLogs(self.access_logs)

    def websocket(self, name: str, *, authorized: bool = True, logs_on: bool = True) -> None:
        route = apigwv2.WebSocketRouteOptions(
            integration=integrations.WebSocketLambdaIntegration("Connect", self.handler),
            authorizer=authorizers.WebSocketIamAuthorizer() if authorized else None,
        )
        other = apigwv2.WebSocketRouteOptions(
            integration=integrations.WebSocketLambdaIntegration("Other", self.handler)
        )
        api = apigwv2.WebSocketApi(
            self.stack,
            name,
            connect_route_options=route,
            disconnect_route_options=other,
            default_route_options=other,
        )
        apigwv2.WebSocketStage(
            api,
            "Prod",
            web_socket_api=api,
            stage_name="prod",
            auto_deploy=True,
            access_log_settings=self.v2_logs if logs_on else None,
        )


def _build(b: Builder) -> apigw.RestApi:
    stack, setting, switch = b.stack, b.setting, b.switch

    # Compliant references.
    b.rest(
        "SecureRest",
        default_cors_preflight_options=apigw.CorsOptions(allow_origins=["https://example.com"]),
    )
    pool = cognito.UserPool(stack, "Users")
    lambda_api = apigw.LambdaRestApi(
        stack,
        "SecureCognito",
        handler=b.handler,
        deploy_options=b.options(),
        default_method_options=apigw.MethodOptions(
            authorization_type=apigw.AuthorizationType.COGNITO,
            authorizer=apigw.CognitoUserPoolsAuthorizer(
                stack, "UsersAuthorizer", cognito_user_pools=[pool]
            ),
        ),
    )
    b.protect(lambda_api, lambda_api.deployment_stage)
    b.rest(
        "SecureCached",
        options=b.options(
            cache_cluster_enabled=True, caching_enabled=True, cache_data_encrypted=True
        ),
    )
    http = b.http("SecureHttp")
    http.add_routes(
        path="/items",
        methods=[apigwv2.HttpMethod.OPTIONS],
        integration=integrations.HttpLambdaIntegration("Preflight", b.handler),
        authorizer=apigwv2.HttpNoneAuthorizer(),
    )
    b.websocket("SecureWebSocket")

    # SC-APIGW-1 authorizers: REST methods.
    open_api = apigw.LambdaRestApi(
        stack, "OpenLambdaRest", handler=b.handler, deploy_options=b.options()
    )
    b.protect(open_api, open_api.deployment_stage)
    api = b.rest("NoneMethod")
    api.root.add_resource("public").add_method(
        "GET", apigw.MockIntegration(), authorization_type=apigw.AuthorizationType.NONE
    )
    api = b.rest("Acknowledged")
    health = api.root.add_resource("health").add_method(
        "GET", apigw.MockIntegration(), authorization_type=apigw.AuthorizationType.NONE
    )
    acknowledge(health, "SC-APIGW-1", "the load balancer health probe calls it without credentials")
    base = b.rest("L1Base")
    assert base.latest_deployment is not None
    deployment_id = base.latest_deployment.deployment_id

    def l1_method(name: str, **props: Any) -> apigw.CfnMethod:
        props.setdefault("http_method", "POST")
        return apigw.CfnMethod(
            stack,
            name,
            rest_api_id=base.rest_api_id,
            resource_id=base.root.resource_id,
            integration=apigw.CfnMethod.IntegrationProperty(type="MOCK"),
            **props,
        )

    l1_method("L1MethodNone", authorization_type="NONE")
    l1_method("L1MethodNoType")
    l1_method("L1MethodNoneApiKey", authorization_type="NONE", api_key_required=True)
    l1_method("L1MethodOptions", authorization_type="NONE", http_method="OPTIONS")
    l1_method("L1MethodIam", authorization_type="AWS_IAM")
    l1_method("ParamMethodVerb", authorization_type="NONE", http_method=setting)
    b.root_get(b.rest("EscMethodNone")).add_property_override("AuthorizationType", "NONE")
    b.root_get(b.rest("ParamAuthorization")).add_property_override("AuthorizationType", setting)
    b.root_get(b.rest("IfAuthorizationBoth")).add_property_override(
        "AuthorizationType", switch.pick("AWS_IAM", "CUSTOM")
    )
    b.root_get(b.rest("IfAuthorizationNone")).add_property_override(
        "AuthorizationType", switch.pick("AWS_IAM", "NONE")
    )

    # SC-APIGW-1: OpenAPI definitions.
    def spec(name: str, operation: dict[str, Any], **kw: Any) -> apigw.SpecRestApi:
        definition = kw.pop("definition", None) or apigw.ApiDefinition.from_inline(
            {
                "openapi": "3.0.1",
                "info": {"title": name, "version": "1"},
                "components": {
                    "securitySchemes": {
                        "sigv4": {
                            "type": "apiKey",
                            "name": "Authorization",
                            "in": "header",
                            "x-amazon-apigateway-authtype": "awsSigv4",
                        },
                        "apiKey": {"type": "apiKey", "name": "x-api-key", "in": "header"},
                    }
                },
                "paths": {
                    "/orders": {
                        "get": {
                            **operation,
                            "x-amazon-apigateway-integration": {"type": "mock"},
                        },
                        "options": {"x-amazon-apigateway-integration": {"type": "mock"}},
                    }
                },
            }
        )
        api = apigw.SpecRestApi(stack, name, api_definition=definition, deploy_options=b.options())
        b.protect(api, api.deployment_stage)
        return api

    spec("SpecSecured", {"security": [{"sigv4": []}]})
    spec("SpecOpen", {})
    spec("SpecApiKeyOnly", {"security": [{"apiKey": []}]})
    spec("SpecApiKeyAndIam", {"security": [{"apiKey": []}, {"sigv4": []}]})
    spec(
        "SpecFromS3",
        {},
        definition=apigw.ApiDefinition.from_bucket(
            s3.Bucket.from_bucket_name(stack, "SpecBucket", "api-specs"), "orders.yaml"
        ),
    )

    # SC-APIGW-1: HTTP and WebSocket routes.
    b.http("OpenHttp", default_authorizer=None)
    escaped = b.http("EscRouteNone")
    (route,) = escaped.add_routes(
        path="/orders",
        methods=[apigwv2.HttpMethod.GET],
        integration=integrations.HttpLambdaIntegration("Orders", b.handler),
    )
    cfn(route).add_property_override("AuthorizationType", "NONE")
    routes = b.http("L1Routes")
    route_props: dict[str, dict[str, Any]] = {
        "L1RouteJwt": {"authorization_type": "JWT", "authorizer_id": "abc123"},
        "L1RouteOpen": {},
        "ParamRoute": {"authorization_type": setting},
    }
    for name, props in route_props.items():
        apigwv2.CfnRoute(
            stack, name, api_id=routes.api_id, route_key=f"GET /{name.lower()}", **props
        )
    b.websocket("OpenWebSocket", authorized=False)
    apigwv2.CfnApi(
        stack, "QuickCreate", name="quick", protocol_type="HTTP", target=b.handler.function_arn
    )

    # SC-APIGW-2 access logs.
    b.rest("NoAccessLogs", options=b.options(access_log_destination=None, access_log_format=None))
    b.stage(b.rest("EscNoAccessLogs")).add_property_deletion_override(
        "AccessLogSetting.DestinationArn"
    )
    b.stage(b.rest("EscNoFormat")).add_property_deletion_override("AccessLogSetting.Format")
    b.stage(b.rest("IfAccessLogs")).add_property_override(
        "AccessLogSetting.DestinationArn",
        switch.pick(b.access_logs.log_group_arn, cdk.Aws.NO_VALUE),
    )
    b.stage(b.rest("ParamAccessLogs")).add_property_override(
        "AccessLogSetting.DestinationArn", setting
    )
    apigwv2.HttpApi(
        stack,
        "DefaultHttpStage",
        default_authorizer=authorizers.HttpIamAuthorizer(),
        default_integration=integrations.HttpLambdaIntegration("Backend", b.handler),
    )
    b.websocket("WebSocketNoLogs", logs_on=False)
    l1_stage = apigw.CfnStage(
        stack,
        "L1Stage",
        rest_api_id=base.rest_api_id,
        deployment_id=deployment_id,
        stage_name="l1",
        tracing_enabled=True,
        access_log_setting=apigw.CfnStage.AccessLogSettingProperty(
            destination_arn=b.access_logs.log_group_arn, format="$context.requestId"
        ),
        method_settings=[
            apigw.CfnStage.MethodSettingProperty(
                resource_path="/*", http_method="*", logging_level="ERROR"
            )
        ],
    )
    wafv2.CfnWebACLAssociation(
        l1_stage,
        "Waf",
        resource_arn=cdk.Fn.sub(
            "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Api}/stages/l1",
            {"Api": base.rest_api_id},
        ),
        web_acl_arn=b.acl.attr_arn,
    )
    apigw.CfnStage(
        stack,
        "L1StageBare",
        rest_api_id=base.rest_api_id,
        deployment_id=deployment_id,
        stage_name="bare",
    )
    apigw.CfnDeployment(
        stack, "L1DeploymentStage", rest_api_id=base.rest_api_id, stage_name="Stage"
    )
    apigw.CfnDeployment(stack, "L1DeploymentNoStage", rest_api_id=base.rest_api_id)
    live = apigw.CfnDeployment(
        stack,
        "L1DeploymentSecure",
        rest_api_id=base.rest_api_id,
        stage_name="live",
        stage_description=apigw.CfnDeployment.StageDescriptionProperty(
            access_log_setting=apigw.CfnDeployment.AccessLogSettingProperty(
                destination_arn=b.access_logs.log_group_arn, format="$context.requestId"
            ),
            logging_level="ERROR",
            tracing_enabled=True,
        ),
    )
    wafv2.CfnWebACLAssociation(
        live,
        "Waf",
        resource_arn=cdk.Fn.join(
            "", ["arn:aws:apigateway:eu-west-1::/restapis/", base.rest_api_id, "/stages/live"]
        ),
        web_acl_arn=b.acl.attr_arn,
    )

    # SC-APIGW-3 execution logging.
    b.rest("NoExecutionLogs", options=b.options(logging_level=None))
    b.rest("ExecutionLogsOff", options=b.options(logging_level=apigw.MethodLoggingLevel.OFF))
    b.rest("ExecutionLogsError", options=b.options(logging_level=apigw.MethodLoggingLevel.ERROR))
    b.rest(
        "ExecutionOverrideOff",
        options=b.options(
            method_options={
                "/items/GET": apigw.MethodDeploymentOptions(
                    logging_level=apigw.MethodLoggingLevel.OFF
                )
            }
        ),
    )
    b.stage(b.rest("EscExecutionOff")).add_property_override("MethodSettings.0.LoggingLevel", "OFF")
    b.stage(b.rest("ParamExecutionLevel")).add_property_override(
        "MethodSettings.0.LoggingLevel", setting
    )

    # SC-APIGW-4 X-Ray.
    b.rest("NoTracing", options=b.options(tracing_enabled=False))
    b.stage(b.rest("EscNoTracing")).add_property_deletion_override("TracingEnabled")
    b.stage(b.rest("ParamTracing")).add_property_override("TracingEnabled", setting)
    b.stage(b.rest("IfTracing")).add_property_override("TracingEnabled", switch.pick(True, False))

    # SC-APIGW-5 WAF.
    b.rest("NoWaf", waf=False)
    b.rest("RegionalNoWaf", waf=False, endpoint_types=[apigw.EndpointType.REGIONAL])
    b.rest(
        "PrivateNoWaf",
        waf=False,
        endpoint_types=[apigw.EndpointType.PRIVATE],
        policy=iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    actions=["execute-api:Invoke"],
                    principals=[iam.AnyPrincipal()],
                    resources=["execute-api:/*"],
                    conditions={"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}},
                )
            ]
        ),
    )
    by_name = b.rest("WafByName", waf=False)
    wafv2.CfnWebACLAssociation(
        by_name,
        "Waf",
        resource_arn=cdk.Fn.sub(
            "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Api}/stages/prod",
            {"Api": by_name.rest_api_id},
        ),
        web_acl_arn=b.acl.attr_arn,
    )
    conditional = b.rest("WafConditional")
    association = conditional.node.find_child("Waf")
    assert isinstance(association, wafv2.CfnWebACLAssociation)
    association.cfn_options.condition = switch.condition
    foreign = b.rest("WafForeignAcl", waf=False)
    wafv2.CfnWebACLAssociation(
        foreign, "Waf", resource_arn=foreign.deployment_stage.stage_arn, web_acl_arn=FOREIGN_ACL
    )
    cfn(b.rest("ParamEndpoint", waf=False)).add_property_override(
        "EndpointConfiguration", {"Types": [setting]}
    )
    cross_stack = b.rest("CrossStackWaf", waf=False)

    # SC-APIGW-6 cache encryption.
    def cached(name: str, **overrides: Any) -> apigw.RestApi:
        props: dict[str, Any] = {
            "cache_cluster_enabled": True,
            "caching_enabled": True,
            "cache_data_encrypted": True,
        }
        props.update(overrides)
        return b.rest(name, options=b.options(**props))

    cached("CachedPlain", cache_data_encrypted=None)
    cached("ClusterOnly", caching_enabled=None, cache_data_encrypted=None)
    cached("ClusterCachingOff", caching_enabled=False, cache_data_encrypted=None)
    cached(
        "CacheOverridePlain",
        method_options={"/items/GET": apigw.MethodDeploymentOptions(caching_enabled=True)},
    )
    b.stage(cached("EscCachePlain")).add_property_override(
        "MethodSettings.0.CacheDataEncrypted", False
    )
    b.stage(cached("ParamCacheEncrypted")).add_property_override(
        "MethodSettings.0.CacheDataEncrypted", setting
    )
    b.stage(cached("ParamCluster", cache_data_encrypted=None)).add_property_override(
        "CacheClusterEnabled", setting
    )

    # SC-APIGW-7 TLS on custom domain names.
    def domain(name: str, **kw: Any) -> apigw.DomainName:
        return apigw.DomainName(
            stack, name, domain_name=f"{name.lower()}.example.com", certificate=b.cert, **kw
        )

    domain("SecureDomain", security_policy=apigw.SecurityPolicy.TLS_1_2)
    domain(
        "EnhancedDomain",
        security_policy=apigw.SecurityPolicy.TLS13_1_3_2025_09,
        endpoint_access_mode=apigw.EndpointAccessMode.STRICT,
    )
    domain("DefaultDomain")
    domain("Tls10Domain", security_policy=apigw.SecurityPolicy.TLS_1_0)
    cfn(
        domain("EscDomain", security_policy=apigw.SecurityPolicy.TLS_1_2)
    ).add_property_deletion_override("SecurityPolicy")
    cfn(domain("ParamDomain")).add_property_override("SecurityPolicy", setting)
    cfn(domain("IfDomainBoth")).add_property_override(
        "SecurityPolicy", switch.pick("TLS_1_2", "SecurityPolicy_TLS13_1_3_2025_09")
    )
    cfn(domain("IfDomainOld")).add_property_override(
        "SecurityPolicy", switch.pick("TLS_1_2", "TLS_1_0")
    )
    for name, policy in (("L1Domain", "TLS_1_2"), ("L1DomainNoPolicy", None)):
        apigw.CfnDomainName(
            stack,
            name,
            domain_name=f"{name.lower()}.example.com",
            regional_certificate_arn=CERT_ARN,
            endpoint_configuration=apigw.CfnDomainName.EndpointConfigurationProperty(
                types=["REGIONAL"]
            ),
            security_policy=policy,
        )

    def v2_domain(name: str, **kw: Any) -> apigwv2.DomainName:
        return apigwv2.DomainName(
            stack, name, domain_name=f"{name.lower()}.example.com", certificate=b.cert, **kw
        )

    v2_domain("V2Domain")
    v2_domain("V2DomainTls12", security_policy=apigwv2.SecurityPolicy.TLS_1_2)
    v2_domain("V2DomainTls10", security_policy=apigwv2.SecurityPolicy.TLS_1_0)
    cfn(v2_domain("V2ParamDomain")).add_property_override(
        "DomainNameConfigurations.0.SecurityPolicy", setting
    )
    return cross_stack


@pytest.fixture(scope="module")
def app() -> cdk.App:
    app = cdk.App()
    cross_stack = _build(Builder(cdk.Stack(app, "Apigw")))
    waf_stack = cdk.Stack(app, "ApigwWaf")
    acl = wafv2.CfnWebACL(
        waf_stack,
        "Acl",
        scope="REGIONAL",
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True, metric_name="shared", sampled_requests_enabled=True
        ),
    )
    wafv2.CfnWebACLAssociation(
        waf_stack,
        "CrossStackWaf",
        resource_arn=cross_stack.deployment_stage.stage_arn,
        web_acl_arn=acl.attr_arn,
    )
    return app


@pytest.fixture(scope="module")
def ev(app: cdk.App) -> Checked:
    return check_app(app)


def at(name: str) -> str:
    return f"Apigw/{name}"


def mine(ev: Checked, path: str) -> list[Finding]:
    return [f for f in findings_at(ev, path) if f.rule.id.startswith("SC-APIGW-")]


def outcomes(ev: Checked, path: str) -> set[tuple[str, Status]]:
    """``(rule id, status)`` of the SC-APIGW findings at *path*."""
    return {(f.rule.id, f.status) for f in mine(ev, path)}


def stage(name: str) -> str:
    return at(f"{name}/DeploymentStage.prod")


# -- compliant references ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "SecureRest",
        "SecureCognito",
        "SecureCached",
        "SecureHttp",
        "SecureWebSocket",
        "L1Base",
        "SpecSecured",
        "SpecApiKeyAndIam",
        "ExecutionLogsError",
        "ClusterCachingOff",
        "SecureDomain",
        "EnhancedDomain",
        "V2Domain",
        "V2DomainTls12",
    ],
)
def test_secure_l2_build_has_no_api_gateway_finding(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == set()


def test_cors_preflight_methods_are_not_judged(ev: Checked) -> None:
    resources = ev.templates["Apigw"]["Resources"]
    preflight = [
        v
        for k, v in resources.items()
        if k.startswith("SecureRestOPTIONS") and v["Type"] == apigateway.METHOD
    ]
    assert preflight
    assert preflight[0]["Properties"]["AuthorizationType"] == "NONE"
    assert outcomes(ev, at("SecureRest/Default/OPTIONS")) == set()


# -- SC-APIGW-1 authorizers ---------------------------------------------------------------------


def test_lambda_rest_api_without_authorizer_is_flagged_on_every_method(ev: Checked) -> None:
    found = mine(ev, at("OpenLambdaRest"))
    assert {(f.rule.id, f.status, f.construct_path) for f in found} == {
        ("SC-APIGW-1", NON_COMPLIANT, at("OpenLambdaRest/Default/ANY/Resource")),
        ("SC-APIGW-1", NON_COMPLIANT, at("OpenLambdaRest/Default/{proxy+}/ANY/Resource")),
    }
    assert all(f.property_path == "Properties.AuthorizationType" for f in found)
    assert "'NONE' on this ANY method" in found[0].message


def test_method_with_authorization_none_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("NoneMethod")) == {("SC-APIGW-1", NON_COMPLIANT)}
    assert outcomes(ev, at("NoneMethod/Default/public/GET")) == {("SC-APIGW-1", NON_COMPLIANT)}


def test_public_method_acknowledged_with_a_reason_does_not_block(ev: Checked) -> None:
    (finding,) = mine(ev, at("Acknowledged"))
    assert finding.rule.id == "SC-APIGW-1"
    assert finding.acknowledged
    assert not finding.blocks_synthesis


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("L1MethodNone", "'NONE'"),
        ("L1MethodNoType", "not set (AWS uses 'NONE')"),
        ("L1MethodNoneApiKey", "ApiKeyRequired only identifies a client"),
    ],
)
def test_l1_method_without_authorizer_is_flagged(ev: Checked, name: str, shown: str) -> None:
    (finding,) = mine(ev, at(name))
    assert (finding.rule.id, finding.status) == ("SC-APIGW-1", NON_COMPLIANT)
    assert shown in finding.message


@pytest.mark.parametrize("name", ["L1MethodOptions", "L1MethodIam"])
def test_l1_method_with_iam_or_options_is_compliant(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == set()


def test_authorization_removed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscMethodNone")) == {("SC-APIGW-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamAuthorization", "ParamMethodVerb", "IfAuthorizationNone"])
def test_authorization_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-APIGW-1", CANNOT_VERIFY)}


def test_authorizer_in_both_branches_is_compliant(ev: Checked) -> None:
    assert outcomes(ev, at("IfAuthorizationBoth")) == set()


@pytest.mark.parametrize("name", ["SpecOpen", "SpecApiKeyOnly"])
def test_openapi_operation_without_authorizer_is_flagged(ev: Checked, name: str) -> None:
    (finding,) = mine(ev, at(name))
    assert (finding.rule.id, finding.status, finding.resource_type) == (
        "SC-APIGW-1",
        NON_COMPLIANT,
        apigateway.REST_API,
    )
    assert "GET /orders" in finding.message
    assert "OPTIONS" not in finding.message


def test_openapi_definition_in_s3_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("SpecFromS3")) == {("SC-APIGW-1", CANNOT_VERIFY)}


def test_http_api_without_authorizer_is_flagged(ev: Checked) -> None:
    (finding,) = mine(ev, at("OpenHttp"))
    assert (finding.rule.id, finding.status, finding.resource_type) == (
        "SC-APIGW-1",
        NON_COMPLIANT,
        apigateway.V2_ROUTE,
    )
    assert "'$default'" in finding.message


def test_route_authorization_removed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscRouteNone")) == {("SC-APIGW-1", NON_COMPLIANT)}


def test_l1_routes(ev: Checked) -> None:
    assert outcomes(ev, at("L1RouteJwt")) == set()
    assert outcomes(ev, at("L1RouteOpen")) == {("SC-APIGW-1", NON_COMPLIANT)}
    assert outcomes(ev, at("ParamRoute")) == {("SC-APIGW-1", CANNOT_VERIFY)}


def test_websocket_api_is_judged_on_its_connect_route_only(ev: Checked) -> None:
    (finding,) = mine(ev, at("OpenWebSocket"))
    assert finding.rule.id == "SC-APIGW-1"
    assert finding.construct_path == at("OpenWebSocket/$connect-Route/Resource")
    assert "$connect route" in finding.message


def test_quick_create_http_api_has_neither_authorizer_nor_access_logs(ev: Checked) -> None:
    assert outcomes(ev, at("QuickCreate")) == {
        ("SC-APIGW-1", NON_COMPLIANT),
        ("SC-APIGW-2", NON_COMPLIANT),
    }


def test_sam_apis_are_judged_after_the_transform(tmp_path: Path) -> None:
    file = tmp_path / "sam.yaml"
    file.write_text(SAM_TEMPLATE, encoding="utf-8")
    evaluation = evaluate(load_template(file), lambda _s: apigateway.RULES)
    found = {(f.rule.id, f.logical_id) for f in evaluation.findings}
    # The implicit API of the Open event has no authorizer; Api's DefaultAuthorizer covers GET.
    assert ("SC-APIGW-1", "ServerlessRestApi") in found
    assert ("SC-APIGW-1", "Api") not in found
    # An API key on top of a Cognito authorizer: SAM lists both requirements.
    assert ("SC-APIGW-1", "CognitoApi") not in found
    # The stage a SAM Deployment creates ("Stage") is judged like any stage.
    deployments = {lid for rid, lid in found if rid == "SC-APIGW-2" and "Deployment" in lid}
    assert deployments
    (stage_finding,) = [
        f
        for f in evaluation.findings
        if f.rule.id == "SC-APIGW-4"
        and f.resource_type == apigateway.STAGE
        and f.logical_id.startswith("ServerlessRestApi")
    ]
    assert stage_finding.status is NON_COMPLIANT
    assert ("SC-APIGW-4", "ApiprodStage") not in found


# -- SC-APIGW-2 access logs ---------------------------------------------------------------------


def test_rest_stage_without_access_logs_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("NoAccessLogs")) == {("SC-APIGW-2", NON_COMPLIANT)}
    assert outcomes(ev, stage("NoAccessLogs")) == {("SC-APIGW-2", NON_COMPLIANT)}


def test_access_log_destination_removed_by_override_is_flagged(ev: Checked) -> None:
    (finding,) = mine(ev, at("EscNoAccessLogs"))
    assert (finding.rule.id, finding.status) == ("SC-APIGW-2", NON_COMPLIANT)
    assert finding.property_path == "Properties.AccessLogSetting.DestinationArn"


def test_access_log_format_removed_by_override_is_flagged(ev: Checked) -> None:
    (finding,) = mine(ev, at("EscNoFormat"))
    assert finding.property_path == "Properties.AccessLogSetting.Format"


def test_access_logs_removed_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfAccessLogs")) == {("SC-APIGW-2", CANNOT_VERIFY)}


def test_access_log_destination_from_a_parameter_is_a_destination(ev: Checked) -> None:
    assert outcomes(ev, at("ParamAccessLogs")) == set()


def test_http_api_default_stage_has_no_access_logs(ev: Checked) -> None:
    assert outcomes(ev, at("DefaultHttpStage")) == {("SC-APIGW-2", NON_COMPLIANT)}
    assert outcomes(ev, at("DefaultHttpStage/DefaultStage")) == {("SC-APIGW-2", NON_COMPLIANT)}


def test_websocket_stage_without_access_logs_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("WebSocketNoLogs")) == {("SC-APIGW-2", NON_COMPLIANT)}


def test_l1_stage_with_logs_tracing_and_a_waf_by_stage_name_is_compliant(ev: Checked) -> None:
    assert outcomes(ev, at("L1Stage")) == set()


def test_bare_l1_stage_is_flagged_by_every_stage_rule(ev: Checked) -> None:
    assert outcomes(ev, at("L1StageBare")) == {
        ("SC-APIGW-2", NON_COMPLIANT),
        ("SC-APIGW-3", NON_COMPLIANT),
        ("SC-APIGW-4", NON_COMPLIANT),
        ("SC-APIGW-5", NON_COMPLIANT),
    }


def test_stage_created_by_a_deployment_is_judged(ev: Checked) -> None:
    found = mine(ev, at("L1DeploymentStage"))
    assert {(f.rule.id, f.status) for f in found} == {
        ("SC-APIGW-2", NON_COMPLIANT),
        ("SC-APIGW-3", NON_COMPLIANT),
        ("SC-APIGW-4", NON_COMPLIANT),
        ("SC-APIGW-5", NON_COMPLIANT),
    }
    (access,) = [f for f in found if f.rule.id == "SC-APIGW-2"]
    assert access.property_path == "Properties.StageDescription.AccessLogSetting.DestinationArn"
    assert "StageName creates" in access.message


def test_deployment_with_a_secure_stage_description_is_compliant(ev: Checked) -> None:
    assert outcomes(ev, at("L1DeploymentSecure")) == set()
    assert outcomes(ev, at("L1DeploymentNoStage")) == set()


# -- SC-APIGW-3 execution logging -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["NoExecutionLogs", "ExecutionLogsOff", "ExecutionOverrideOff", "EscExecutionOff"]
)
def test_stage_without_execution_logs_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-APIGW-3", NON_COMPLIANT)}
    (finding,) = mine(ev, at(name))
    assert not finding.blocks_synthesis  # a warning


def test_method_override_that_turns_logging_off_is_named(ev: Checked) -> None:
    (finding,) = mine(ev, at("ExecutionOverrideOff"))
    assert "GET /~1items" in finding.message
    assert finding.property_path == "Properties.MethodSettings[1].LoggingLevel"


def test_logging_level_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamExecutionLevel")) == {("SC-APIGW-3", CANNOT_VERIFY)}


# -- SC-APIGW-4 X-Ray ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["NoTracing", "EscNoTracing"])
def test_stage_without_tracing_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-APIGW-4", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamTracing", "IfTracing"])
def test_tracing_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-APIGW-4", CANNOT_VERIFY)}


# -- SC-APIGW-5 WAF --------------------------------------------------------------------------------


def test_cdk_stage_arn_names_the_stage(ev: Checked) -> None:
    resources = ev.templates["Apigw"]["Resources"]
    (association,) = [
        v
        for k, v in resources.items()
        if k.startswith("SecureRestWaf") and v["Type"] == apigateway.WEB_ACL_ASSOCIATION
    ]
    joined = association["Properties"]["ResourceArn"]["Fn::Join"][1]
    refs = [p["Ref"] for p in joined if "Ref" in p and not p["Ref"].startswith("AWS::")]
    assert len(refs) == 2  # the RestApi and the stage: the app-wide relation cannot follow it
    assert outcomes(ev, stage("SecureRest")) == set()


@pytest.mark.parametrize("name", ["NoWaf", "RegionalNoWaf"])
def test_public_stage_without_waf_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-APIGW-5", NON_COMPLIANT)}


def test_private_api_needs_no_waf(ev: Checked) -> None:
    assert outcomes(ev, at("PrivateNoWaf")) == set()


def test_association_by_stage_name_counts(ev: Checked) -> None:
    assert outcomes(ev, at("WafByName")) == set()


@pytest.mark.parametrize("name", ["WafConditional", "WafForeignAcl", "ParamEndpoint"])
def test_waf_that_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, stage(name)) == {("SC-APIGW-5", CANNOT_VERIFY)}


def test_association_in_another_stack_is_followed_through_the_import(ev: Checked) -> None:
    arn = ev.templates["ApigwWaf"]["Resources"]["CrossStackWaf"]["Properties"]["ResourceArn"]
    assert "Fn::ImportValue" in str(arn)
    assert outcomes(ev, at("CrossStackWaf")) == set()


# -- SC-APIGW-6 cache encryption -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["CachedPlain", "ClusterOnly", "CacheOverridePlain", "EscCachePlain"]
)
def test_unencrypted_cache_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-APIGW-6", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamCacheEncrypted", "ParamCluster"])
def test_cache_settings_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-APIGW-6", CANNOT_VERIFY)}


# -- SC-APIGW-7 TLS on custom domain names -------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["DefaultDomain", "Tls10Domain", "EscDomain", "L1DomainNoPolicy", "V2DomainTls10"]
)
def test_domain_that_accepts_old_tls_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-APIGW-7", NON_COMPLIANT)}


def test_default_policy_is_named(ev: Checked) -> None:
    (finding,) = mine(ev, at("DefaultDomain"))
    assert "API Gateway uses 'TLS_1_0'" in finding.message
    assert finding.property_path == "Properties.SecurityPolicy"


@pytest.mark.parametrize("name", ["L1Domain", "IfDomainBoth"])
def test_domain_with_tls12_is_compliant(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == set()


@pytest.mark.parametrize("name", ["ParamDomain", "IfDomainOld", "V2ParamDomain"])
def test_domain_policy_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-APIGW-7", CANNOT_VERIFY)}


def test_tighter_thresholds_narrow_the_tls_policies(app: cdk.App) -> None:
    evaluation = check(
        app, settings=Thresholds(apigateway_tls_policy_prefixes=("SecurityPolicy_TLS13_",))
    )
    flagged = {
        f.construct_path.split("/")[1]
        for f in evaluation.findings
        if f.rule.id == "SC-APIGW-7" and f.construct_path
    }
    assert {"SecureDomain", "V2Domain", "L1Domain"} <= flagged
    assert "EnhancedDomain" not in flagged


# -- templates written by hand: odd shapes never crash, unknowns fail closed -----------------


def _judge(resources: dict[str, Any]) -> dict[str, set[tuple[str, Status]]]:
    stack = StackTemplate("Hand", "hand.template.json", {"Resources": resources})
    evaluation = evaluate([stack], lambda _s: apigateway.RULES)
    out: dict[str, set[tuple[str, Status]]] = {}
    for f in evaluation.findings:
        out.setdefault(f.logical_id, set()).add((f.rule.id, f.status))
    return out


def test_hand_written_shapes() -> None:
    open_body: dict[str, Any] = {"paths": {"/x": {"post": {}}}}
    found = _judge(
        {
            "JsonBody": {"Type": apigateway.REST_API, "Properties": {"Body": str(open_body)}},
            "RealJsonBody": {
                "Type": apigateway.REST_API,
                "Properties": {"Body": '{"paths": {"/x": {"post": {}}}}'},
            },
            "Stage": {
                "Type": apigateway.STAGE,
                "Properties": {
                    "RestApiId": "abc123",
                    "StageName": "prod",
                    "MethodSettings": "oops",
                    "TracingEnabled": True,
                    "AccessLogSetting": {"DestinationArn": "arn:aws:logs:x", "Format": "$x"},
                },
            },
            "OddAssociation": {
                "Type": apigateway.WEB_ACL_ASSOCIATION,
                "Properties": {"ResourceArn": {"Fn::GetAtt": 5}, "WebACLArn": [1]},
            },
            "ForeignDefault": {
                "Type": apigateway.V2_ROUTE,
                "Properties": {"ApiId": "abc123", "RouteKey": "$default"},
            },
            "ForeignGet": {
                "Type": apigateway.V2_ROUTE,
                "Properties": {"ApiId": "abc123", "RouteKey": "GET /x"},
            },
            "ForeignDisconnect": {
                "Type": apigateway.V2_ROUTE,
                "Properties": {"ApiId": "abc123", "RouteKey": "$disconnect"},
            },
        }
    )
    assert found["JsonBody"] == {("SC-APIGW-1", CANNOT_VERIFY)}  # a Python repr, not JSON
    assert found["RealJsonBody"] == {("SC-APIGW-1", NON_COMPLIANT)}
    # MethodSettings cannot be read; the API is outside the app, so the WAF cannot be judged.
    assert found["Stage"] == {("SC-APIGW-3", CANNOT_VERIFY), ("SC-APIGW-5", CANNOT_VERIFY)}
    assert found["ForeignDefault"] == {("SC-APIGW-1", CANNOT_VERIFY)}
    assert found["ForeignGet"] == {("SC-APIGW-1", NON_COMPLIANT)}
    assert "ForeignDisconnect" not in found
