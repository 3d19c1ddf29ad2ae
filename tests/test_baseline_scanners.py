"""SecurityBaseline under the real external scanners: cdk-nag 3 (four packs), checkov, cfn-lint.

Two configurations: the defaults, and every option on (data and insight events, object
lock, CIS, runtime monitoring, subscriptions). Only the inherent findings are acknowledged.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest

from aspects.testing import check
from secure_constructs.baseline import (
    GuardDutyOptions,
    SecurityBaseline,
    SecurityHubOptions,
    TrailOptions,
)
from tests.scanner_harness import (
    COMPLIANCE_PACKS,
    Scanned,
    checkov_failures,
    scan,
    suppressed,
    violations,
)

pytestmark = pytest.mark.e2e

PROVIDER = "Stack/AWS679f53fac002430cb0da5b7982bd2287/Resource"
BUCKETS = ("Stack/Baseline/TrailBucket", "Stack/Baseline/Config/Bucket")
NAG_ACKS = frozenset(
    {
        (
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:"
            "<AWS::AccountId>:log-group:<BaselineTrailLogGroup4C426608>:log-stream:"
            "<AWS::AccountId>_CloudTrail_*]",
            "Stack/Baseline/TrailLogsRole/Policy/Resource",
        ),
        ("AwsSolutions-IAM5[Resource::*]", "Stack/Baseline/AccountSettings/Role/Policy/Resource"),
    }
    | {(f"{p}-LambdaInsideVPC", PROVIDER) for p in COMPLIANCE_PACKS}
    | {
        (f"{p}-{r}", PROVIDER)
        for p in COMPLIANCE_PACKS[:2]
        for r in ("LambdaConcurrency", "LambdaDLQ")
    }
    # SecureBucket's own (replication; SSE-S3 on its access-log bucket).
    | {
        (f"{p}-S3BucketReplicationEnabled", f"{b}/{c}/Resource")
        for p in COMPLIANCE_PACKS
        for b in BUCKETS
        for c in ("Bucket", "AccessLogs")
    }
    | {
        (f"{p}-S3DefaultEncryptionKMS", f"{b}/AccessLogs/Resource")
        for p in COMPLIANCE_PACKS
        for b in BUCKETS
    }
)


def _build_default(stack: cdk.Stack) -> None:
    SecurityBaseline(stack, "Baseline")


def _build_full(stack: cdk.Stack) -> None:
    SecurityBaseline(
        stack,
        "Baseline",
        cloudtrail=TrailOptions(
            s3_data_events=True,
            lambda_data_events=True,
            insights=True,
            object_lock_mode="GOVERNANCE",
            object_lock_retention=cdk.Duration.days(365),
        ),
        guardduty=GuardDutyOptions(runtime_monitoring=True),
        security_hub=SecurityHubOptions(cis=True),
        alarm_emails=["security@example.com"],
        alarm_https_endpoints=["https://hooks.example.com/alarms"],
    )


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("default"), _build_default)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("full"), _build_full)


def _nag_acks(scanned: Scanned) -> set[tuple[str, str]]:
    acks = suppressed(scanned.report)
    for s in acks:
        assert s["acknowledgedId"] == f"{s['pluginName']}::{s['ruleName']}"
        assert s["acknowledgedAt"] == s["constructPath"]
        assert len(s["reason"]) > 40, s
    return {(s["ruleName"], s["constructPath"]) for s in acks}


def _checkov_skips(scanned: Scanned) -> set[tuple[str, str]]:
    skipped = scanned.checkov["results"]["skipped_checks"]
    assert all(len(c["check_result"]["suppress_comment"]) > 40 for c in skipped)
    return {(c["check_id"], c["resource"]) for c in skipped}


@pytest.mark.parametrize("which", ["default", "full"])
def test_passes_every_scanner(which: str, request: pytest.FixtureRequest) -> None:
    scanned: Scanned = request.getfixturevalue(which)
    assert scanned.synth_error is None, scanned.synth_error
    assert violations(scanned.report) == []
    assert checkov_failures(scanned.checkov) == []
    assert scanned.checkov["summary"]["parsing_errors"] == 0
    assert scanned.cfn_lint == [], json.dumps(scanned.cfn_lint, indent=1)
    assert check(scanned.stack).findings == ()


@pytest.mark.parametrize("which", ["default", "full"])
def test_acknowledges_only_the_inherent_findings(
    which: str, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(which)
    assert _nag_acks(scanned) == NAG_ACKS
    provider = "AWS::Lambda::Function.AWS679f53fac002430cb0da5b7982bd22872D164C4C"
    logs = {
        f"AWS::S3::Bucket.{scanned.logical_id('Baseline/TrailBucket/AccessLogs')}",
        f"AWS::S3::Bucket.{scanned.logical_id('Baseline/Config/Bucket/AccessLogs')}",
    }
    assert _checkov_skips(scanned) == {
        ("CKV_AWS_115", provider),
        ("CKV_AWS_116", provider),
        ("CKV_AWS_117", provider),
        *(("CKV_AWS_18", bucket) for bucket in logs),
    }


def test_checkov_passes_the_trail_checks(default: Scanned) -> None:
    passed = {c["check_id"] for c in default.checkov["results"]["passed_checks"]}
    # multi-region, encrypted, validated; the detector; the hub's KMS-encrypted topic.
    assert {"CKV_AWS_67", "CKV_AWS_35", "CKV_AWS_36", "CKV_AWS_26"} <= passed
