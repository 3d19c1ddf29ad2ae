"""SecureAlbService under the real external scanners: cdk-nag 3 (four packs), checkov, cfn-lint.

Two configurations, one synthesis and one checkov + cfn-lint run each:

* ``default``: a certificate by ARN, an image from ECR, everything else default.
* ``options``: the options that change the resources: a domain (created certificate and
  alias record), HTTPS to the containers, ECS Exec, environment and secrets, scratch
  volumes; synthesized with the feature flags of the repository's ``cdk.json``.

ALB access logging needs a stack with an explicit region, and ``scanner_harness.scan``
creates an environment-agnostic one, so :func:`_scan` repeats its few steps with
``env=ENV`` and reuses everything else of the harness.

The VPC is the test's fixture, not part of the construct: its own cdk-nag findings (public
subnets with routes to the internet gateway, which an internet-facing ALB needs; the
default security group, which the sample app closes with the
``restrictDefaultSecurityGroup`` flag) are acknowledged here, on the VPC only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_secretsmanager as secretsmanager

from aspects.testing import check
from secure_constructs import alb_service as alb_module
from secure_constructs._scanners import accept_cdk_nag
from secure_constructs.alb_service import WARN_ALB_EXECUTE_COMMAND, SecureAlbService
from tests.conftest import REPO_ROOT
from tests.scanner_harness import (
    COMPLIANCE_PACKS,
    PACKS,
    Scanned,
    checkov_failures,
    finish_cfn_lint,
    finish_checkov,
    start_cfn_lint,
    start_checkov,
    suppressed,
    violations,
)
from tests.test_alb_service import DOMAIN, ENV, certificate, image, network

pytestmark = pytest.mark.e2e

SG = "Stack/Web/LoadBalancerSecurityGroup/Resource"
LOGS = "Stack/Web/AccessLogs/Resource"
REDIRECT = "Stack/Web/LoadBalancer/HttpRedirect/Resource"
EXECUTION_POLICY = "Stack/Web/ExecutionRole/Policy/Resource"
TASK_POLICY = "Stack/Web/TaskRole/Policy/Resource"
TASK_DEFINITION = "Stack/Web/TaskDefinition/Resource"

# What SecureAlbService acknowledges on purpose, and nothing else: (rule, construct path).
DEFAULT_ACKS = frozenset(
    {
        ("AwsSolutions-EC23", SG),
        ("AwsSolutions-IAM5[Resource::*]", EXECUTION_POLICY),
        ("AwsSolutions-S1", LOGS),
    }
    | {
        (f"{pack}-{rule}", LOGS)
        for pack in COMPLIANCE_PACKS
        for rule in (
            "S3BucketLoggingEnabled",
            "S3BucketReplicationEnabled",
            "S3DefaultEncryptionKMS",
        )
    }
    | {(f"{pack}-ELBv2ACMCertificateRequired", REDIRECT) for pack in COMPLIANCE_PACKS}
)
OPTIONS_ACKS = DEFAULT_ACKS | {
    ("AwsSolutions-IAM5[Resource::*]", TASK_POLICY),
    (  # cdk.json's @aws-cdk/core:enablePartitionLiterals writes "aws" for the partition
        "AwsSolutions-IAM5[Resource::arn:aws:logs:eu-west-1:111111111111:"
        "log-group:<WebExecuteCommandLogs749604E7>:*]",
        TASK_POLICY,
    ),
    ("AwsSolutions-ECS2", TASK_DEFINITION),
}

# The fixture VPC's findings, acknowledged on the VPC by the test.
_FIXTURE_RULES = (
    "VPCDefaultSecurityGroupClosed",
    "VPCNoUnrestrictedRouteToIGW",
)
FIXTURE_ACKS = frozenset(
    {(f"{pack}-VPCDefaultSecurityGroupClosed", "Stack/Vpc/Resource") for pack in COMPLIANCE_PACKS}
    | {
        (f"{pack}-VPCNoUnrestrictedRouteToIGW", f"Stack/Vpc/PublicSubnet{i}/DefaultRoute")
        for pack in COMPLIANCE_PACKS
        for i in (1, 2)
    }
)
_FIXTURE_REASON = (
    "Test fixture, not part of SecureAlbService: an internet-facing load balancer needs "
    "public subnets routed to the internet gateway; the default security group is closed "
    "by the app's restrictDefaultSecurityGroup flag, left out of this fixture."
)


def _scan(outdir: Path, build: Any, context: dict[str, Any] | None = None) -> Scanned:
    """``scanner_harness.scan`` with a regional stack (ALB access logs need a region)."""
    app = cdk.App(outdir=str(outdir), context=context)
    stack = cdk.Stack(app, "Stack", env=ENV)
    build(stack)
    cdk.Validations.of(app).add_plugins(*(pack(app) for pack in PACKS))
    synth_error: str | None = None
    try:
        app.synth()
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc):
            raise
        synth_error = str(exc)
    report = json.loads((outdir / "validation-report.json").read_text())
    template_path = outdir / "Stack.template.json"
    checkov = start_checkov(template_path)
    cfn_lint = start_cfn_lint(template_path)
    return Scanned(
        stack=stack,
        synth_error=synth_error,
        report=report,
        template_path=template_path,
        template=json.loads(template_path.read_text()),
        checkov=finish_checkov(checkov),
        cfn_lint=finish_cfn_lint(cfn_lint),
    )


def _fixture_vpc(stack: cdk.Stack) -> Any:
    vpc = network(stack)
    accept_cdk_nag(
        vpc,
        [f"{pack}-{rule}" for pack in COMPLIANCE_PACKS for rule in _FIXTURE_RULES],
        _FIXTURE_REASON,
    )
    return vpc


def _build_default(stack: cdk.Stack) -> None:
    SecureAlbService(
        stack, "Web", vpc=_fixture_vpc(stack), image=image(stack), certificate=certificate(stack)
    )


def _build_options(stack: cdk.Stack) -> None:
    secret = secretsmanager.Secret.from_secret_complete_arn(
        stack, "ApiToken", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:api-AbCdEf"
    )
    service = SecureAlbService(
        stack,
        "Web",
        vpc=_fixture_vpc(stack),
        image=image(stack),
        domain=DOMAIN,
        end_to_end_tls=True,
        enable_execute_command=True,
        environment={"LOG_LEVEL": "info", "API_TOKEN_SECRET_ARN": secret.secret_arn},
        secrets={"API_TOKEN": ecs.Secret.from_secrets_manager(secret)},
        scratch_paths=("/run/app",),
    )
    cdk.Annotations.of(service).acknowledge_warning(
        WARN_ALB_EXECUTE_COMMAND, "ECS Exec is what this configuration tests"
    )


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return _scan(tmp_path_factory.mktemp("default"), _build_default)


@pytest.fixture(scope="module")
def options(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    # Under the feature flags the sample app uses (cdk.json): partition literals,
    # restricted default security groups and the rest must not change the outcome.
    context = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return _scan(tmp_path_factory.mktemp("options"), _build_options, context)


def _construct_acks(scanned: Scanned) -> set[tuple[str, str]]:
    return {
        (s["ruleName"], s["constructPath"])
        for s in suppressed(scanned.report)
        if s["constructPath"].startswith("Stack/Web/")
    }


def _fixture_acks(scanned: Scanned) -> set[tuple[str, str]]:
    return {
        (s["ruleName"], s["constructPath"])
        for s in suppressed(scanned.report)
        if not s["constructPath"].startswith("Stack/Web/")
    }


def _construct_ids(scanned: Scanned) -> set[str]:
    return {lid for lid in scanned.template["Resources"] if lid.startswith("Web")}


# -- cdk-nag -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["default", "options"])
def test_cdk_nag_packs_pass_synthesis(name: str, request: pytest.FixtureRequest) -> None:
    scanned: Scanned = request.getfixturevalue(name)
    assert scanned.synth_error is None, scanned.synth_error
    assert violations(scanned.report) == []
    assert all(r["conclusion"] == "success" for r in scanned.report["pluginReports"])


def test_default_acknowledgments_are_exactly_the_inherent_ones(default: Scanned) -> None:
    assert _construct_acks(default) == DEFAULT_ACKS


def test_options_add_exactly_the_acknowledgments_their_resources_need(options: Scanned) -> None:
    assert _construct_acks(options) == OPTIONS_ACKS


@pytest.mark.parametrize("name", ["default", "options"])
def test_acknowledgments_sit_on_the_resource_with_a_qualified_id_and_a_reason(
    name: str, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(name)
    for s in suppressed(scanned.report):
        assert s["acknowledgedId"] == f"{s['pluginName']}::{s['ruleName']}"
        if s["constructPath"].startswith("Stack/Web/"):
            assert s["acknowledgedAt"] == s["constructPath"], s
            assert len(s["reason"]) > 80, s
        else:
            assert s["acknowledgedAt"] == "Stack/Vpc"


@pytest.mark.parametrize("name", ["default", "options"])
def test_only_the_fixture_vpc_needs_the_tests_own_acknowledgments(
    name: str, request: pytest.FixtureRequest
) -> None:
    assert _fixture_acks(request.getfixturevalue(name)) == FIXTURE_ACKS


def test_pack_names_match_the_ones_the_construct_acknowledges() -> None:
    assert alb_module.COMPLIANCE_PACKS == COMPLIANCE_PACKS


# -- checkov -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["default", "options"])
def test_checkov_passes_and_skips_only_the_public_port_80_and_the_log_loop(
    name: str, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(name)
    assert checkov_failures(scanned.checkov) == []
    assert scanned.checkov["summary"]["parsing_errors"] == 0
    assert scanned.checkov["summary"]["resource_count"] == len(scanned.template["Resources"])
    skipped = {(c["check_id"], c["resource"]) for c in scanned.checkov["results"]["skipped_checks"]}
    assert skipped == {
        (
            "CKV_AWS_260",
            f"AWS::EC2::SecurityGroup.{scanned.logical_id('Web/LoadBalancerSecurityGroup')}",
        ),
        ("CKV_AWS_18", f"AWS::S3::Bucket.{scanned.logical_id('Web/AccessLogs')}"),
    }


def test_checkov_passes_the_load_balancer_waf_and_ecs_checks(default: Scanned) -> None:
    passed = {(c["check_id"], c["resource"]) for c in default.checkov["results"]["passed_checks"]}

    def at(path: str, resource_type: str) -> str:
        node: Any = default.stack
        for part in path.split("/"):
            node = node.node.find_child(part)
        cfn = node if isinstance(node, cdk.CfnElement) else node.node.default_child
        return f"{resource_type}.{default.stack.resolve(cfn.logical_id)}"

    lb = at("Web/LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer")
    https = at("Web/LoadBalancer/Https", "AWS::ElasticLoadBalancingV2::Listener")
    redirect = at("Web/LoadBalancer/HttpRedirect", "AWS::ElasticLoadBalancingV2::Listener")
    assert {
        ("CKV_AWS_91", lb),  # access logs
        ("CKV_AWS_131", lb),  # invalid headers dropped
        ("CKV_AWS_2", https),  # HTTPS
        ("CKV_AWS_103", https),  # TLS 1.2+
        ("CKV_AWS_2", redirect),  # HTTP only redirects
        ("CKV_AWS_192", at("Web/WebAcl", "AWS::WAFv2::WebACL")),  # Log4Shell rules on
        ("CKV_AWS_65", at("Web/Cluster", "AWS::ECS::Cluster")),  # Container Insights
        ("CKV_AWS_158", at("Web/ContainerLogs", "AWS::Logs::LogGroup")),  # KMS
        ("CKV_AWS_158", at("Web/WafLogs", "AWS::Logs::LogGroup")),
        ("CKV_AWS_26", at("Web/AlarmTopic", "AWS::SNS::Topic")),  # encrypted topic
        ("CKV_AWS_7", at("Web/Key", "AWS::KMS::Key")),  # rotation
    } <= passed


# -- cfn-lint and our guardrails ------------------------------------------------------------


@pytest.mark.parametrize("name", ["default", "options"])
def test_cfn_lint_reports_nothing_on_the_construct(
    name: str, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(name)
    mine = _construct_ids(scanned)
    on_construct = [m for m in scanned.cfn_lint if m["Location"]["Path"][1] in mine]
    assert on_construct == [], json.dumps(on_construct, indent=1)
    # The fixture's own note: availability zones hard-coded by an environment whose
    # account has no AZ context (the subnets are the test's, not the construct's).
    assert {m["Rule"]["Id"] for m in scanned.cfn_lint} <= {"W3010"}


@pytest.mark.parametrize("name", ["default", "options"])
def test_our_guardrails_pass_without_acknowledgments(
    name: str, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(name)
    evaluation = check(scanned.stack)
    assert not evaluation.findings, [(f.rule.id, f.logical_id) for f in evaluation.findings]
    assert evaluation.stacks == ("Stack",)
