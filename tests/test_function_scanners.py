"""SecureFunction under the real external scanners: cdk-nag 3 (four packs), checkov, cfn-lint.

Two configurations: the defaults, and every option that removes an acknowledgment (a VPC,
reserved concurrency) plus an IAM-authenticated URL and secrets by reference. A plain
``lambda.Function`` goes through the same harness to show the scanners do bite.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager

from aspects.testing import check
from secure_constructs import function as function_module
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
FUNCTION = "Stack/Worker/Function/Resource"
POLICY = "Stack/Worker/Role/Policy/Resource"
WILDCARD = ("AwsSolutions-IAM5[Resource::*]", POLICY)
DEFAULT_NAG_ACKS = frozenset(
    {WILDCARD}
    | {(f"{pack}-LambdaInsideVPC", FUNCTION) for pack in COMPLIANCE_PACKS}
    | {(f"{pack}-LambdaConcurrency", FUNCTION) for pack in ("NIST.800.53.R5", "HIPAA.Security")}
)
FAKE_ACCESS_KEY_ID = "AKIA" + "ABCDEFGHIJKLMNOP"  # split so no scanner flags this file


def _worker(stack: cdk.Stack, **kwargs: object) -> SecureFunction:
    return SecureFunction(
        stack,
        "Worker",
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_14,
        **kwargs,  # type: ignore[arg-type]
    )


def _build_default(stack: cdk.Stack) -> None:
    _worker(stack)


def _build_full(stack: cdk.Stack) -> None:
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0a1b2c3d4e5f60000",
        availability_zones=["eu-west-1a", "eu-west-1b"],
        private_subnet_ids=["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    )
    key = kms.Key(stack, "SecretKey", enable_key_rotation=True)
    token = secretsmanager.Secret(stack, "ApiToken", encryption_key=key)
    for pack_rule in (
        "AwsSolutions::AwsSolutions-SMG4",
        *(
            f"{pack}::{pack}-SecretsManagerRotationEnabled"
            for pack in ("NIST.800.53.R5", "HIPAA.Security")
        ),
    ):  # the test secret, not the construct: it has no rotation function
        cdk.Validations.of(token.node.default_child).acknowledge(  # type: ignore[arg-type]
            cdk.Acknowledgment(id=pack_rule, reason="test fixture secret without rotation")
        )
    _worker(
        stack,
        vpc=vpc,
        reserved_concurrent_executions=5,
        function_url_auth_type=lambda_.FunctionUrlAuthType.AWS_IAM,
        environment={"STAGE": "prod"},
        secrets={"API_TOKEN": token},
    )


def _build_plain(stack: cdk.Stack) -> None:
    lambda_.Function(
        stack,
        "Plain",
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_14,
        environment={"UPSTREAM_ACCESS_KEY_ID": FAKE_ACCESS_KEY_ID},
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


def _nag_acks(scanned: Scanned) -> set[tuple[str, str]]:
    acks = suppressed(scanned.report)
    for s in acks:
        # Qualified id, on the one L1 resource, with a reason.
        assert s["acknowledgedId"] == f"{s['pluginName']}::{s['ruleName']}"
        assert s["acknowledgedAt"] == s["constructPath"]
        assert len(s["reason"]) > 20, s
    return {(s["ruleName"], s["constructPath"]) for s in acks}


def _checkov_skips(scanned: Scanned) -> set[tuple[str, str]]:
    skipped = scanned.checkov["results"]["skipped_checks"]
    assert all(len(c["check_result"]["suppress_comment"]) > 40 for c in skipped)
    return {(c["check_id"], c["resource"]) for c in skipped}


# -- the defaults ----------------------------------------------------------------------------


def test_default_passes_every_cdk_nag_pack(default: Scanned) -> None:
    assert default.synth_error is None, default.synth_error
    assert violations(default.report) == []


def test_default_acknowledges_only_the_inherent_cdk_nag_findings(default: Scanned) -> None:
    assert _nag_acks(default) == DEFAULT_NAG_ACKS


def test_default_passes_checkov_with_two_reasoned_skips(default: Scanned) -> None:
    assert checkov_failures(default.checkov) == []
    assert default.checkov["summary"]["parsing_errors"] == 0
    function = f"AWS::Lambda::Function.{default.logical_id('Worker/Function')}"
    assert _checkov_skips(default) == {("CKV_AWS_115", function), ("CKV_AWS_117", function)}
    passed = {(c["check_id"], c["resource"]) for c in default.checkov["results"]["passed_checks"]}
    # Environment encrypted, no secrets, DLQ, supported runtime.
    for check_id in ("CKV_AWS_45", "CKV_AWS_116", "CKV_AWS_173", "CKV_AWS_363"):
        assert (check_id, function) in passed, check_id
    assert {"CKV_AWS_7", "CKV_AWS_27", "CKV_AWS_66", "CKV_AWS_158"} <= {c for c, _ in passed}


def test_default_passes_cfn_lint(default: Scanned) -> None:
    assert default.cfn_lint == [], json.dumps(default.cfn_lint, indent=1)


def test_default_passes_our_guardrails_without_acknowledgments(default: Scanned) -> None:
    evaluation = check(default.stack)
    assert evaluation.findings == ()
    # key, log group, queue, queue policy, role, policy, function
    assert evaluation.resources_checked == 7


# -- every option that removes an acknowledgment --------------------------------------------------


def test_full_configuration_passes_every_scanner(full: Scanned) -> None:
    assert full.synth_error is None, full.synth_error
    assert violations(full.report) == []
    assert checkov_failures(full.checkov) == []
    assert full.cfn_lint == [], json.dumps(full.cfn_lint, indent=1)
    assert check(full.stack).findings == ()


def test_full_configuration_keeps_only_the_wildcard_acknowledgments(full: Scanned) -> None:
    assert {a for a in _nag_acks(full) if a[1].startswith("Stack/Worker/")} == {WILDCARD}
    policy = f"AWS::IAM::ManagedPolicy.{full.logical_id('Worker/Role/Policy')}"
    assert _checkov_skips(full) == {("CKV_AWS_111", policy)}


# -- the scanners are not toothless ----------------------------------------------------------


def test_plain_function_fails_cdk_nag_checkov_and_our_guardrails(plain: Scanned) -> None:
    assert plain.synth_error is not None
    rules = {rule for _, rule, path in violations(plain.report) if path.startswith("Stack/Plain/")}
    assert {
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AWSLambdaBasicExecutionRole]",
        "NIST.800.53.R5-LambdaDLQ",
    } <= rules
    failed = {c["check_id"] for c in plain.checkov["results"]["failed_checks"]}
    assert {"CKV_AWS_45", "CKV_AWS_116", "CKV_AWS_173"} <= failed
    ours = {f.rule.id for f in check(plain.stack).findings}
    assert ours == {"SC-LAMBDA-1", "SC-LAMBDA-2", "SC-LAMBDA-6", "SC-LAMBDA-7", "SC-LAMBDA-8"}


def test_compliance_pack_names_match_the_harness() -> None:
    assert function_module.COMPLIANCE_PACKS == COMPLIANCE_PACKS
    assert set(function_module._CONCURRENCY_PACKS) < set(COMPLIANCE_PACKS)
