"""SecureApi under the real external scanners: cdk-nag 3 (four packs), checkov, cfn-lint.

Two configurations: the defaults (a Lambda token authorizer), and every option (IAM by
default, a Cognito authorizer, custom domain, cache, client certificate, CloudWatch role,
alarm). A plain ``RestApi`` goes through the same harness to show the scanners do bite.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns

from aspects.testing import check
from secure_constructs import api as api_module
from secure_constructs.api import ApiDomain, CacheOptions, SecureApi
from secure_constructs.function import SecureFunction
from tests.scanner_harness import (
    COMPLIANCE_PACKS,
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
TOPIC_ARN = "arn:aws:sns:eu-west-1:111111111111:on-call"
STAGE = "Stack/Api/Api/DeploymentStage.prod/Resource"


def _function(stack: cdk.Stack, construct_id: str) -> lambda_.IFunction:
    return SecureFunction(
        stack, construct_id, code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_14
    ).function


def _build_default(stack: cdk.Stack) -> None:
    handler = _function(stack, "Handler")
    authorizer = apigateway.TokenAuthorizer(
        stack, "Authorizer", handler=_function(stack, "AuthorizerFunction")
    )
    api = SecureApi(stack, "Api", authorizer=authorizer)
    api.root.add_resource("items").add_method("GET", apigateway.LambdaIntegration(handler))


def _build_full(stack: cdk.Stack) -> None:
    pool = cognito.UserPool.from_user_pool_arn(stack, "Users", USER_POOL_ARN)
    users = apigateway.CognitoUserPoolsAuthorizer(stack, "UserPool", cognito_user_pools=[pool])
    api = SecureApi(
        stack,
        "Api",
        authorizer=apigateway.AuthorizationType.IAM,
        cache=CacheOptions(),
        domain=ApiDomain(
            domain_name="api.example.com",
            certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN),
        ),
        client_certificate=True,
        cloud_watch_role=True,
        alarm_topic=sns.Topic.from_topic_arn(stack, "OnCall", TOPIC_ARN),
    )
    orders = api.root.add_resource("orders")
    orders.add_method("GET", apigateway.MockIntegration())
    orders.add_method("POST", apigateway.MockIntegration(), authorizer=users)


def _build_plain(stack: cdk.Stack) -> None:
    api = apigateway.RestApi(stack, "Plain", cloud_watch_role=False)
    api.root.add_method("GET", apigateway.MockIntegration())


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
        assert s["acknowledgedAt"] == s["constructPath"]
        assert len(s["reason"]) > 20, s
    return {
        (s["ruleName"], s["constructPath"]) for s in acks if s["constructPath"].startswith(prefix)
    }


def _checkov_skips(scanned: Scanned) -> set[tuple[str, str]]:
    skipped = scanned.checkov["results"]["skipped_checks"]
    assert all(len(c["check_result"]["suppress_comment"]) > 40 for c in skipped)
    return {(c["check_id"], c["resource"]) for c in skipped}


def test_default_passes_every_cdk_nag_pack(default: Scanned) -> None:
    assert default.synth_error is None, default.synth_error
    assert violations(default.report) == []


def test_default_passes_checkov_and_cfn_lint(default: Scanned) -> None:
    assert checkov_failures(default.checkov) == []
    assert default.checkov["summary"]["parsing_errors"] == 0
    assert default.cfn_lint == [], json.dumps(default.cfn_lint, indent=1)


def test_default_passes_our_guardrails_but_the_alarm_it_cannot_page(default: Scanned) -> None:
    findings = {(f.rule.id, f.construct_path) for f in check(default.stack).findings}
    assert findings == {("SC-WAF-8", "Stack/Api/WebAcl")}


def test_full_configuration_passes_every_scanner(full: Scanned) -> None:
    assert full.synth_error is None, full.synth_error
    assert violations(full.report) == []
    assert checkov_failures(full.checkov) == []
    assert full.cfn_lint == [], json.dumps(full.cfn_lint, indent=1)
    assert check(full.stack).findings == ()


def test_plain_rest_api_fails_cdk_nag_checkov_and_our_guardrails(plain: Scanned) -> None:
    assert plain.synth_error is not None
    rules = {rule for _, rule, path in violations(plain.report) if path.startswith("Stack/Plain/")}
    assert {"AwsSolutions-APIG1", "AwsSolutions-APIG3", "AwsSolutions-APIG4"} <= rules
    failed = {c["check_id"] for c in plain.checkov["results"]["failed_checks"]}
    assert {"CKV_AWS_59", "CKV_AWS_76"} <= failed
    ours = {f.rule.id for f in check(plain.stack).findings}
    assert {"SC-APIGW-1", "SC-APIGW-2", "SC-APIGW-3", "SC-APIGW-4", "SC-APIGW-5"} <= ours


def test_compliance_pack_names_match_the_harness() -> None:
    assert api_module.COMPLIANCE_PACKS == COMPLIANCE_PACKS


def test_default_acknowledges_only_the_inherent_findings(default: Scanned) -> None:
    method = "Stack/Api/Api/Default/items/GET/Resource"
    assert _nag_acks(default) == {
        ("AwsSolutions-COG4", method),
        *((f"{p}-APIGWCacheEnabledAndEncrypted", STAGE) for p in COMPLIANCE_PACKS),
        *((f"{p}-APIGWSSLEnabled", STAGE) for p in COMPLIANCE_PACKS),
    }
    stage = f"AWS::ApiGateway::Stage.{default.logical_id('Api/Api/DeploymentStage.prod')}"
    ours = {(c, r) for c, r in _checkov_skips(default) if "Lambda::Function" not in r}
    assert ours == {("CKV_AWS_120", stage)}


def test_full_configuration_keeps_only_the_log_role_and_iam_method_acknowledgments(
    full: Scanned,
) -> None:
    assert _nag_acks(full) == {
        ("AwsSolutions-COG4", "Stack/Api/Api/Default/orders/GET/Resource"),
        (
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:"
            "<AWS::AccountId>:log-group:*]",
            "Stack/Api/CloudWatchRole/Policy/Resource",
        ),
    }
    assert {(c, r) for c, r in _checkov_skips(full) if "Lambda::Function" not in r} == set()
