"""Cross-resource facts that hold only under a condition must not exempt or satisfy a rule."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

from aspects.model import Status
from aspects.testing import check


def _log_bucket(stack: cdk.Stack, construct_id: str) -> s3.Bucket:
    return s3.Bucket(
        stack,
        construct_id,
        encryption=s3.BucketEncryption.S3_MANAGED,
        versioned=True,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    )


@pytest.fixture(scope="module")
def findings() -> dict[tuple[str, str], set[tuple[str, Status]]]:
    app = cdk.App()
    stack = cdk.Stack(app, "Relations")
    flag = cdk.CfnCondition(
        stack, "UseLogs", expression=cdk.Fn.condition_equals(cdk.Aws.REGION, "eu-west-1")
    )
    always = _log_bucket(stack, "AlwaysLogs")
    sometimes = _log_bucket(stack, "SometimesLogs")
    for name, target, conditional in (("A", always, False), ("B", sometimes, True)):
        source = s3.CfnBucket(stack, f"Source{name}")
        destination = {"DestinationBucketName": target.bucket_name}
        source.add_property_override(
            "LoggingConfiguration",
            cdk.Fn.condition_if(flag.logical_id, destination, cdk.Aws.NO_VALUE)
            if conditional
            else destination,
        )
    guarded = s3.Bucket(stack, "GuardedPolicy", enforce_ssl=True, minimum_tls_version=1.2)
    policy = guarded.policy
    assert policy is not None
    cfn_policy = policy.node.default_child
    assert isinstance(cfn_policy, cdk.CfnResource)
    cfn_policy.cfn_options.condition = flag
    evaluation = check(stack)
    out: dict[tuple[str, str], set[tuple[str, Status]]] = {}
    for f in evaluation.findings:
        out.setdefault((f.construct_path or "", f.rule.id), set()).add((f.rule.id, f.status))
    return out


def _rules(findings: dict, construct: str) -> set[str]:
    return {rule for (path, rule) in findings if path == f"Relations/{construct}/Resource"}


def test_unconditional_log_target_keeps_its_exemptions(findings: dict) -> None:
    assert _rules(findings, "AlwaysLogs") == set()


def test_conditional_log_target_is_judged_like_a_data_bucket(findings: dict) -> None:
    assert _rules(findings, "SometimesLogs") == {"SC-S3-1", "SC-S3-9"}


def test_bucket_policy_under_a_condition_cannot_prove_tls_denial(findings: dict) -> None:
    path = "Relations/GuardedPolicy/Resource"
    assert findings[(path, "SC-S3-4")] == {("SC-S3-4", Status.CANNOT_VERIFY)}
    assert findings[(path, "SC-S3-5")] == {("SC-S3-5", Status.CANNOT_VERIFY)}
