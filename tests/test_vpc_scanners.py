"""SecureVpc under the real external scanners: cdk-nag 3 (four packs), checkov, cfn-lint.

Two configurations: the defaults (no public subnet, flow logs to CloudWatch Logs), and
the options that add resources (NAT gateway and public subnets, interface endpoints, flow
logs to a SecureBucket). A plain ``ec2.Vpc`` goes through the same harness to show the
scanners do bite.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from aspects.testing import check
from secure_constructs import vpc as vpc_module
from secure_constructs.bucket import SecureBucket
from secure_constructs.vpc import SecureVpc
from tests.scanner_harness import (
    COMPLIANCE_PACKS,
    Scanned,
    checkov_failures,
    scan,
    suppressed,
    violations,
)

pytestmark = pytest.mark.e2e

HANDLER = "CustomVpcRestrictDefaultSGCustomResourceProviderHandlerDC833E5E"
#: checkov's Lambda checks on CDK's default-security-group handler, skipped with a reason.
PROVIDER_SKIPS = frozenset(
    (check_id, f"AWS::Lambda::Function.{HANDLER}")
    for check_id in ("CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117")
)
#: Public subnets are asked for in the full configuration: their default route is inherent.
PUBLIC_ROUTE_ACKS = frozenset(
    (f"{pack}-VPCNoUnrestrictedRouteToIGW", f"Stack/Net/Vpc/PublicSubnet{i}/DefaultRoute")
    for pack in COMPLIANCE_PACKS
    for i in (1, 2)
)


def _build_default(stack: cdk.Stack) -> None:
    SecureVpc(stack, "Net")


def _build_full(stack: cdk.Stack) -> None:
    SecureVpc(
        stack,
        "Net",
        nat_gateways=1,
        interface_endpoints=(
            ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
            ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
        ),
        flow_log_bucket=SecureBucket(stack, "FlowLogBucket"),
        flow_log_prefix="vpc",
    )


def _build_plain(stack: cdk.Stack) -> None:
    vpc = ec2.Vpc(stack, "Plain", restrict_default_security_group=False)
    vpc.add_flow_log("FlowLog")  # CDK's defaults: a log group without a KMS key


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("default"), _build_default)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("full"), _build_full)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("plain"), _build_plain)


def _nag_acks(scanned: Scanned, prefix: str = "Stack/") -> set[tuple[str, str]]:
    acks = suppressed(scanned.report)
    for s in acks:
        # Qualified id, on the one L1 resource (or its subnet), with a reason.
        assert s["acknowledgedId"] == f"{s['pluginName']}::{s['ruleName']}"
        assert len(s["reason"]) > 40, s
    return {
        (s["ruleName"], s["constructPath"]) for s in acks if s["constructPath"].startswith(prefix)
    }


def _checkov_skips(scanned: Scanned) -> set[tuple[str, str]]:
    skipped = scanned.checkov["results"]["skipped_checks"]
    assert all(len(c["check_result"]["suppress_comment"]) > 40 for c in skipped)
    return {(c["check_id"], c["resource"]) for c in skipped}


# -- the defaults ----------------------------------------------------------------------------


def test_default_passes_every_cdk_nag_pack_without_acknowledgments(default: Scanned) -> None:
    assert default.synth_error is None, default.synth_error
    assert violations(default.report) == []
    assert _nag_acks(default) == set()


def test_default_passes_checkov_skipping_only_the_cdk_handler_checks(default: Scanned) -> None:
    assert checkov_failures(default.checkov) == []
    assert default.checkov["summary"]["parsing_errors"] == 0
    assert _checkov_skips(default) == PROVIDER_SKIPS
    passed = {c["check_id"] for c in default.checkov["results"]["passed_checks"]}
    # Log group encrypted and retained a year, handler environment and tracing, IAM scoped.
    assert {"CKV_AWS_158", "CKV_AWS_66", "CKV_AWS_173", "CKV_AWS_111"} <= passed


def test_default_passes_cfn_lint(default: Scanned) -> None:
    assert default.cfn_lint == [], json.dumps(default.cfn_lint, indent=1)


def test_default_passes_our_guardrails(default: Scanned) -> None:
    evaluation = check(default.stack)
    assert evaluation.findings == ()


# -- the options that add resources ---------------------------------------------------------


def test_full_configuration_passes_every_scanner(full: Scanned) -> None:
    assert full.synth_error is None, full.synth_error
    assert violations(full.report) == []
    assert checkov_failures(full.checkov) == []
    assert full.cfn_lint == [], json.dumps(full.cfn_lint, indent=1)
    assert check(full.stack).findings == ()


def test_full_configuration_acknowledges_only_the_public_routes(full: Scanned) -> None:
    assert _nag_acks(full, "Stack/Net/") == PUBLIC_ROUTE_ACKS
    skips = {s for s in _checkov_skips(full) if "FlowLogBucket" not in s[1]}
    assert skips == PROVIDER_SKIPS


# -- the scanners are not toothless ----------------------------------------------------------


def test_plain_vpc_fails_cdk_nag_checkov_and_our_guardrails(plain: Scanned) -> None:
    assert plain.synth_error is not None
    rules = {rule for _, rule, path in violations(plain.report) if path.startswith("Stack/Plain")}
    assert {
        "NIST.800.53.R5-VPCDefaultSecurityGroupClosed",
        "NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled",
        "NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW",
    } <= rules
    failed = {c["check_id"] for c in plain.checkov["results"]["failed_checks"]}
    assert "CKV_AWS_158" in failed  # the flow log group has no KMS key
    ours = {f.rule.id for f in check(plain.stack).findings}
    assert {"SC-EC2-6", "SC-LOGS-1"} <= ours


def test_compliance_pack_names_match_the_harness() -> None:
    assert vpc_module.COMPLIANCE_PACKS == COMPLIANCE_PACKS
