"""SecureBucket under the real external scanners: cdk-nag 3 (four packs), checkov, cfn-lint.

One synthesis per app; checkov and cfn-lint run once per template, side by side, offline.
A plain ``s3.Bucket`` goes through the same harness to show the scanners do bite.
"""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks

from aspects.testing import check
from secure_constructs import bucket as bucket_module
from secure_constructs._scanners import accept_cdk_nag, cdk_nag_acknowledgment_id
from secure_constructs.bucket import SecureBucket
from tests.scanner_harness import (
    COMPLIANCE_PACKS,
    PACK_NAMES,
    PACKS,
    Scanned,
    checkov_failures,
    finish_cfn_lint,
    scan,
    start_cfn_lint,
    suppressed,
    violations,
)

pytestmark = pytest.mark.e2e

# What SecureBucket acknowledges on purpose, and nothing else: (rule, construct path).
DATA = "Stack/Data/Bucket/Resource"
LOGS = "Stack/Data/AccessLogs/Resource"
EXPECTED_NAG_ACKS = frozenset(
    {
        (f"{pack}-S3BucketReplicationEnabled", path)
        for pack in COMPLIANCE_PACKS
        for path in (DATA, LOGS)
    }
    | {(f"{pack}-S3DefaultEncryptionKMS", LOGS) for pack in COMPLIANCE_PACKS}
)


def _build_secure(stack: cdk.Stack) -> None:
    SecureBucket(stack, "Data")


def _build_plain(stack: cdk.Stack) -> None:
    s3.Bucket(stack, "Plain")


@pytest.fixture(scope="module")
def secure(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("secure"), _build_secure)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("plain"), _build_plain)


# -- SecureBucket with default props ----------------------------------------------------


def test_cdk_nag_packs_pass_synthesis(secure: Scanned) -> None:
    assert secure.synth_error is None, secure.synth_error
    assert violations(secure.report) == []
    assert all(r["conclusion"] == "success" for r in secure.report["pluginReports"])


def test_cdk_nag_acknowledgments_are_exactly_the_inherent_ones(secure: Scanned) -> None:
    acks = suppressed(secure.report)
    assert {(s["ruleName"], s["constructPath"]) for s in acks} == EXPECTED_NAG_ACKS
    for s in acks:
        # Qualified id, recorded on the one L1 resource (never the stack), with a reason.
        assert s["acknowledgedId"] == f"{s['pluginName']}::{s['ruleName']}"
        assert s["acknowledgedAt"] == s["constructPath"]
        assert len(s["reason"]) > 40, s


def test_checkov_passes_every_check(secure: Scanned) -> None:
    summary = secure.checkov["summary"]
    assert checkov_failures(secure.checkov) == []
    assert summary["parsing_errors"] == 0
    assert summary["resource_count"] == len(secure.template["Resources"])
    assert summary["passed"] >= 15, summary
    passed = {(c["check_id"], c["resource"]) for c in secure.checkov["results"]["passed_checks"]}
    data_bucket = f"AWS::S3::Bucket.{secure.logical_id('Data/Bucket')}"
    # Encryption, versioning, access logs, all four public access flags on the data bucket.
    for check_id in (
        "CKV_AWS_18",
        "CKV_AWS_19",
        "CKV_AWS_21",
        *(f"CKV_AWS_{n}" for n in range(53, 57)),
    ):
        assert (check_id, data_bucket) in passed, check_id
    # The customer-managed key: rotation on, no wildcard principal in its policy.
    assert {"CKV_AWS_7", "CKV_AWS_33"} <= {check_id for check_id, _ in passed}


def test_checkov_skips_only_the_log_loop(secure: Scanned) -> None:
    skipped = secure.checkov["results"]["skipped_checks"]
    logs_bucket = f"AWS::S3::Bucket.{secure.logical_id('Data/AccessLogs')}"
    assert [(c["check_id"], c["resource"]) for c in skipped] == [("CKV_AWS_18", logs_bucket)]
    assert "log loop" in skipped[0]["check_result"]["suppress_comment"]


def test_cfn_lint_is_clean(secure: Scanned) -> None:
    assert secure.cfn_lint == [], json.dumps(secure.cfn_lint, indent=1)


def test_our_guardrails_pass_without_acknowledgments(secure: Scanned) -> None:
    evaluation = check(secure.stack)
    assert not evaluation.findings, [(f.rule.id, f.logical_id) for f in evaluation.findings]
    assert evaluation.stacks == ("Stack",)
    assert evaluation.resources_checked > 0
    assert evaluation.rules


def test_secure_bucket_leaves_nothing_unjudged_in_a_closed_world(secure: Scanned) -> None:
    evaluation = check(secure.stack, fail_on_unjudged=True)
    assert not evaluation.findings, [(f.rule.id, f.logical_id) for f in evaluation.findings]
    coverage = evaluation.coverage
    # The data and log buckets, their policies and the key: every one judged.
    assert (coverage.resources, coverage.judged, coverage.unjudged_counts) == (5, 5, {})


# -- the scanners are not toothless -----------------------------------------------------


def test_plain_bucket_fails_every_cdk_nag_pack(plain: Scanned) -> None:
    assert plain.synth_error is not None
    assert "ValidationFailed" in plain.synth_error
    reports = plain.plugin_reports()
    assert PACK_NAMES.issubset(reports), set(reports)
    for name in PACK_NAMES:
        assert reports[name]["conclusion"] == "failure"
        assert reports[name]["violations"], name
    rules = {rule for _, rule, path in violations(plain.report) if path == "Stack/Plain/Resource"}
    assert {"AwsSolutions-S1", "AwsSolutions-S10"} <= rules
    for pack in COMPLIANCE_PACKS:
        assert {
            f"{pack}-S3BucketLoggingEnabled",
            f"{pack}-S3DefaultEncryptionKMS",
            f"{pack}-S3BucketVersioningEnabled",
        } <= rules
    assert suppressed(plain.report) == []


def test_plain_bucket_fails_checkov(plain: Scanned) -> None:
    failed = {c["check_id"] for c in plain.checkov["results"]["failed_checks"]}
    assert {"CKV_AWS_18", "CKV_AWS_21"} <= failed, checkov_failures(plain.checkov)
    assert plain.checkov["summary"]["failed"] == len(plain.checkov["results"]["failed_checks"])


def test_cfn_lint_reports_an_invalid_template(plain: Scanned) -> None:
    """Schema errors surface through the same invocation (the plain bucket itself is valid)."""
    assert plain.cfn_lint == []
    broken = json.loads(plain.template_path.read_text())
    (bucket,) = (r for r in broken["Resources"].values() if r["Type"] == "AWS::S3::Bucket")
    bucket.setdefault("Properties", {})["VersioningConfiguration"] = {"Status": "On"}
    broken_path = plain.template_path.with_name("Broken.template.json")
    broken_path.write_text(json.dumps(broken))
    matches = finish_cfn_lint(start_cfn_lint(broken_path))
    assert any(m["Level"] == "Error" for m in matches), matches


# -- which acknowledgment id cdk-nag 3 + CDK honour ---------------------------------------


def test_ack_id_is_qualified_by_the_pack_name() -> None:
    assert (
        cdk_nag_acknowledgment_id("NIST.800.53.R5-S3BucketReplicationEnabled")
        == "NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled"
    )
    assert cdk_nag_acknowledgment_id("AwsSolutions-S1") == "AwsSolutions::AwsSolutions-S1"
    assert (
        cdk_nag_acknowledgment_id("AwsSolutions-IAM5[Resource::*]")
        == "AwsSolutions::AwsSolutions-IAM5[Resource::*]"
    )
    for bad in ("S1", "NIST-S3BucketReplicationEnabled", "AwsSolutions-"):
        with pytest.raises(ValueError, match="not a cdk-nag rule id"):
            cdk_nag_acknowledgment_id(bad)


def test_pack_names_match_the_installed_cdk_nag() -> None:
    assert {pack().name for pack in PACKS} == PACK_NAMES
    assert bucket_module.COMPLIANCE_PACKS == COMPLIANCE_PACKS


def test_accept_cdk_nag_suppresses_one_resource_with_its_reason(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Stack")
    acked = s3.Bucket(stack, "Acked")
    s3.Bucket(stack, "Other")
    cfn = acked.node.default_child
    assert isinstance(cfn, cdk.CfnResource)
    accept_cdk_nag(cfn, ["AwsSolutions-S1", "NIST.800.53.R5-S3BucketLoggingEnabled"], "test reason")
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), NIST80053R5Checks(app))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()  # everything else still fails
    report = json.loads((tmp_path / "validation-report.json").read_text())
    acked_path, other_path = "Stack/Acked/Resource", "Stack/Other/Resource"
    acks = {(s["ruleName"], s["constructPath"], s["reason"]) for s in suppressed(report)}
    assert acks == {
        ("AwsSolutions-S1", acked_path, "test reason"),
        ("NIST.800.53.R5-S3BucketLoggingEnabled", acked_path, "test reason"),
    }
    open_findings = {(rule, path) for _, rule, path in violations(report)}
    assert ("AwsSolutions-S1", acked_path) not in open_findings
    assert ("AwsSolutions-S1", other_path) in open_findings  # scoped to the one resource
    assert ("AwsSolutions-S10", acked_path) in open_findings  # only the named rules
