"""SecureDistribution under the real external scanners: cdk-nag 3 (four packs), checkov, cfn-lint.

The default configuration (a SecureBucket origin, a certificate, everything created: the
harness's stack has no Region, so the template also refuses to deploy outside us-east-1),
and an HTTP-origin configuration with a geo restriction. A plain ``cloudfront.Distribution``
goes through the same harness to show the scanners do bite.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins

from aspects.testing import check
from secure_constructs import SecureBucket
from secure_constructs.distribution import SecureDistribution
from tests.scanner_harness import (
    Scanned,
    checkov_failures,
    scan,
    suppressed,
    violations,
)

pytestmark = pytest.mark.e2e

CERT_ARN = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
DISTRIBUTION = "Stack/Cdn/Distribution/Resource"


def _certificate(stack: cdk.Stack) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(stack, "Certificate", CERT_ARN)


def _build_default(stack: cdk.Stack) -> None:
    SecureDistribution(
        stack,
        "Cdn",
        origin=SecureBucket(stack, "Site"),
        certificate=_certificate(stack),
        domain_names=["www.example.com"],
    )


def _build_api(stack: cdk.Stack) -> None:
    SecureDistribution(
        stack,
        "Cdn",
        origin="origin.example.com",
        certificate=_certificate(stack),
        domain_names=["api.example.com"],
        default_root_object=None,
        geo_restriction=cloudfront.GeoRestriction.allowlist("DE"),
        cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
    )


def _build_plain(stack: cdk.Stack) -> None:
    cloudfront.Distribution(
        stack,
        "Plain",
        default_behavior=cloudfront.BehaviorOptions(
            origin=origins.HttpOrigin(
                "origin.example.com", protocol_policy=cloudfront.OriginProtocolPolicy.HTTP_ONLY
            ),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.ALLOW_ALL,
        ),
    )


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("default"), _build_default)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("api"), _build_api)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("plain"), _build_plain)


def _nag_acks(scanned: Scanned) -> set[tuple[str, str]]:
    acks = suppressed(scanned.report)
    for s in acks:
        assert s["acknowledgedId"] == f"{s['pluginName']}::{s['ruleName']}"
        assert s["acknowledgedAt"] == s["constructPath"]
        assert len(s["reason"]) > 20, s
    return {(s["ruleName"], s["constructPath"]) for s in acks}


def _checkov_skips(scanned: Scanned) -> set[tuple[str, str]]:
    skipped = scanned.checkov["results"]["skipped_checks"]
    assert all(len(c["check_result"]["suppress_comment"]) > 40 for c in skipped)
    return {(c["check_id"], c["resource"]) for c in skipped}


SITE_NAG_ACKS = frozenset(
    {
        (f"{pack}-S3BucketReplicationEnabled", f"Stack/Site/{b}/Resource")
        for pack in ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")
        for b in ("Bucket", "AccessLogs")
    }
    | {
        (f"{pack}-S3DefaultEncryptionKMS", "Stack/Site/AccessLogs/Resource")
        for pack in ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")
    }
)  # SecureBucket's own, with its reasons (tests/test_bucket.py)


# -- the defaults ----------------------------------------------------------------------------


def test_default_passes_every_cdk_nag_pack(default: Scanned) -> None:
    assert default.synth_error is None, default.synth_error
    assert violations(default.report) == []


def test_default_acknowledges_only_v2_logging_and_geo_restriction(default: Scanned) -> None:
    assert _nag_acks(default) - SITE_NAG_ACKS == {
        ("AwsSolutions-CFR1", DISTRIBUTION),
        ("AwsSolutions-CFR3", DISTRIBUTION),
    }


def test_default_passes_checkov_with_one_skip_of_ours(default: Scanned) -> None:
    assert checkov_failures(default.checkov) == []
    assert default.checkov["summary"]["parsing_errors"] == 0
    distribution = f"AWS::CloudFront::Distribution.{default.logical_id('Cdn/Distribution')}"
    site_logs = f"AWS::S3::Bucket.{default.logical_id('Site/AccessLogs')}"
    assert _checkov_skips(default) == {("CKV_AWS_86", distribution), ("CKV_AWS_18", site_logs)}
    passed = {(c["check_id"], c["resource"]) for c in default.checkov["results"]["passed_checks"]}
    # HTTPS viewers, TLS 1.2 viewers, WAF, TLS 1.2 to origins.
    for check_id in ("CKV_AWS_34", "CKV_AWS_174", "CKV_AWS_68", "CKV2_AWS_72"):
        assert (check_id, distribution) in passed, check_id
    (web_acl,) = [
        lid for lid, r in default.template["Resources"].items() if r["Type"] == "AWS::WAFv2::WebACL"
    ]
    assert ("CKV_AWS_192", f"AWS::WAFv2::WebACL.{web_acl}") in passed  # Log4Shell rules block


def test_default_passes_cfn_lint(default: Scanned) -> None:
    assert default.cfn_lint == [], json.dumps(default.cfn_lint, indent=1)


def test_default_passes_our_guardrails_without_acknowledgments(default: Scanned) -> None:
    evaluation = check(default.stack)
    assert list(evaluation.findings) == []
    assert "Rules" in default.template  # the us-east-1 assertion of the region-less stack


# -- an HTTP origin with a geo restriction -----------------------------------------------------


def test_api_configuration_passes_every_scanner_with_only_the_logging_acknowledgment(
    api: Scanned,
) -> None:
    assert api.synth_error is None, api.synth_error
    assert violations(api.report) == []
    assert _nag_acks(api) == {("AwsSolutions-CFR3", DISTRIBUTION)}
    assert checkov_failures(api.checkov) == []
    distribution = f"AWS::CloudFront::Distribution.{api.logical_id('Cdn/Distribution')}"
    assert _checkov_skips(api) == {("CKV_AWS_86", distribution)}
    assert api.cfn_lint == [], json.dumps(api.cfn_lint, indent=1)
    assert list(check(api.stack).findings) == []


# -- the scanners are not toothless ----------------------------------------------------------


def test_plain_distribution_fails_cdk_nag_checkov_and_our_guardrails(plain: Scanned) -> None:
    assert plain.synth_error is not None
    rules = {rule for _, rule, path in violations(plain.report) if path.startswith("Stack/Plain/")}
    assert {"AwsSolutions-CFR2", "AwsSolutions-CFR3", "AwsSolutions-CFR4"} <= rules
    failed = {c["check_id"] for c in plain.checkov["results"]["failed_checks"]}
    assert {"CKV_AWS_68", "CKV_AWS_86", "CKV_AWS_174"} <= failed
    ours = {f.rule.id for f in check(plain.stack).findings}
    assert {"SC-CF-1", "SC-CF-3", "SC-CF-4", "SC-CF-8", "SC-CF-9"} <= ours
