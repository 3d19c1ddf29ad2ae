"""SecureHttpApi under the real external scanners: cdk-nag 3 (four packs), checkov, cfn-lint.

Two configurations: the defaults (a Lambda authorizer), and every option (JWT by default,
a Cognito and an IAM route, a public route, custom domain, CORS, route throttle). A plain
``HttpApi`` goes through the same harness to show the scanners do bite.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_

from aspects.testing import check
from secure_constructs.api import ApiDomain, Throttle
from secure_constructs.function import SecureFunction
from secure_constructs.http_api import SecureHttpApi
from tests.scanner_harness import (
    Scanned,
    checkov_failures,
    scan,
    suppressed,
    violations,
)

pytestmark = pytest.mark.e2e

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:111111111111:certificate/1234abcd-12ab-34cd-56ef-12345678"
USER_POOL_ARN = "arn:aws:cognito-idp:eu-west-1:111111111111:userpool/eu-west-1_abcdefghi"
PUBLIC_REASON = "load balancer health check, returns a constant and no data"
GET = apigatewayv2.HttpMethod.GET
POST = apigatewayv2.HttpMethod.POST


def _function(stack: cdk.Stack, construct_id: str) -> lambda_.IFunction:
    return SecureFunction(
        stack, construct_id, code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_14
    ).function


def _build_default(stack: cdk.Stack) -> None:
    authorizer = authorizers.HttpLambdaAuthorizer(
        "Authorizer",
        _function(stack, "AuthorizerFunction"),
        response_types=[authorizers.HttpLambdaResponseType.SIMPLE],
    )
    api = SecureHttpApi(stack, "Api", authorizer=authorizer)
    api.add_routes(
        path="/items",
        methods=[GET],
        integration=integrations.HttpLambdaIntegration("Items", _function(stack, "Handler")),
    )


def _build_full(stack: cdk.Stack) -> None:
    pool = cognito.UserPool.from_user_pool_arn(stack, "Users", USER_POOL_ARN)
    client = cognito.UserPoolClient.from_user_pool_client_id(stack, "Client", "abc123")
    api = SecureHttpApi(
        stack,
        "Api",
        authorizer=authorizers.HttpJwtAuthorizer(
            "Jwt", "https://login.example.com/", jwt_audience=["orders-api"]
        ),
        authorization_scopes=["orders/read"],
        domain=ApiDomain(
            domain_name="api.example.com",
            certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN),
        ),
        cors=apigatewayv2.CorsPreflightOptions(allow_origins=["https://app.example.com"]),
    )
    orders = integrations.HttpLambdaIntegration("Orders", _function(stack, "Handler"))
    api.add_routes(path="/orders", methods=[GET], integration=orders)
    api.add_routes(
        path="/orders",
        methods=[POST],
        integration=orders,
        authorizer=authorizers.HttpUserPoolAuthorizer("Pool", pool, user_pool_clients=[client]),
        throttle=Throttle(rate_limit=5, burst_limit=10),
    )
    api.add_routes(
        path="/admin",
        methods=[apigatewayv2.HttpMethod.DELETE],
        integration=orders,
        authorizer=authorizers.HttpIamAuthorizer(),
    )
    api.add_routes(
        path="/health",
        methods=[GET],
        integration=orders,
        authorizer=apigatewayv2.HttpNoneAuthorizer(),
        public_reason=PUBLIC_REASON,
    )


def _build_plain(stack: cdk.Stack) -> None:
    api = apigatewayv2.HttpApi(stack, "Plain")
    api.add_routes(
        path="/items",
        methods=[GET],
        integration=integrations.HttpUrlIntegration("Url", "https://backend.example.com"),
    )


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("default"), _build_default)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("full"), _build_full)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("plain"), _build_plain)


def _nag_acks(scanned: Scanned, prefix: str = "Stack/Api/") -> set[tuple[str, str]]:
    acks = suppressed(scanned.report)
    for s in acks:
        assert s["acknowledgedId"] == f"{s['pluginName']}::{s['ruleName']}"
        assert len(s["reason"]) > 20, s
    return {
        (s["ruleName"], s["constructPath"]) for s in acks if s["constructPath"].startswith(prefix)
    }


def _checkov_skips(scanned: Scanned) -> set[tuple[str, str]]:
    skipped = scanned.checkov["results"]["skipped_checks"]
    assert all(len(c["check_result"]["suppress_comment"]) > 40 for c in skipped)
    return {
        (c["check_id"], c["resource"])
        for c in skipped
        if c["resource"].startswith("AWS::ApiGatewayV2::")
    }


def test_default_passes_every_cdk_nag_pack(default: Scanned) -> None:
    assert default.synth_error is None, default.synth_error
    assert violations(default.report) == []


def test_default_passes_checkov_and_cfn_lint(default: Scanned) -> None:
    assert checkov_failures(default.checkov) == []
    assert default.checkov["summary"]["parsing_errors"] == 0
    assert default.cfn_lint == [], json.dumps(default.cfn_lint, indent=1)


def test_default_passes_our_guardrails(default: Scanned) -> None:
    assert check(default.stack).findings == ()


def test_default_acknowledges_nothing(default: Scanned) -> None:
    assert _nag_acks(default) == set()
    assert _checkov_skips(default) == set()


def test_full_configuration_passes_every_scanner(full: Scanned) -> None:
    assert full.synth_error is None, full.synth_error
    assert violations(full.report) == []
    assert checkov_failures(full.checkov) == []
    assert full.cfn_lint == [], json.dumps(full.cfn_lint, indent=1)
    findings = {
        (f.rule.id, f.construct_path, f.acknowledged_reason) for f in check(full.stack).findings
    }
    assert findings == {("SC-APIGW-1", "Stack/Api/Api/GET--health/Resource", PUBLIC_REASON)}


def test_full_configuration_acknowledges_only_the_public_route(full: Scanned) -> None:
    route = "Stack/Api/Api/GET--health/Resource"
    assert _nag_acks(full) == {("AwsSolutions-APIG4", route)}
    # checkov judges no CloudFormation route authorization (CKV_AWS_309 is Terraform only).
    assert _checkov_skips(full) == set()


def test_plain_http_api_fails_cdk_nag_checkov_and_our_guardrails(plain: Scanned) -> None:
    assert plain.synth_error is not None
    rules = {rule for _, rule, path in violations(plain.report) if path.startswith("Stack/Plain/")}
    assert {"AwsSolutions-APIG1", "AwsSolutions-APIG4"} <= rules
    failed = {c["check_id"] for c in plain.checkov["results"]["failed_checks"]}
    assert "CKV_AWS_95" in failed  # no access logs; checkov judges no CFN route authorizer
    ours = {f.rule.id for f in check(plain.stack).findings}
    assert {"SC-APIGW-1", "SC-APIGW-2"} <= ours
