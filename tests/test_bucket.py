"""SecureBucket: each secure default, each weakening, each bad input, and a snapshot."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from syrupy.assertion import SnapshotAssertion

from aspects.testing import check
from secure_constructs import (
    WARN_DESTROY_ON_REMOVAL,
    WARN_VERSIONING_DISABLED,
    SecureBucket,
    SecureConstructsError,
)
from tests.conftest import normalise

ENV = cdk.Environment(account="111111111111", region="eu-west-1")


class Built:
    """One app, one stack per configuration, synthesized once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App()
        self.default = cdk.Stack(self.app, "Default", env=ENV)
        self.bucket = SecureBucket(self.default, "Data")
        self.unversioned = cdk.Stack(self.app, "Unversioned", env=ENV)
        SecureBucket(self.unversioned, "Data", versioned=False)
        self.destroy = cdk.Stack(self.app, "Destroy", env=ENV)
        SecureBucket(
            self.destroy, "Data", removal_policy=cdk.RemovalPolicy.DESTROY, auto_delete_objects=True
        )
        self.own = cdk.Stack(self.app, "BringYourOwn", env=ENV)
        self.own_key = kms.Key(self.own, "SharedKey", enable_key_rotation=True)
        self.own_logs = s3.Bucket(
            self.own,
            "SharedLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        )
        self.own_bucket = SecureBucket(
            self.own,
            "Data",
            encryption_key=self.own_key,
            server_access_logs_bucket=self.own_logs,
            server_access_logs_prefix="data/",
        )
        self.templates = {
            s.stack_name: assertions.Template.from_stack(s)
            for s in (self.default, self.unversioned, self.destroy, self.own)
        }
        self.evaluation = check(self.app)

    def template(self, stack: str) -> assertions.Template:
        return self.templates[stack]

    def resources(self, stack: str, resource_type: str) -> dict[str, Any]:
        return self.templates[stack].find_resources(resource_type)

    def findings(self, stack: str) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack
        }


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _one(resources: dict[str, Any], name_part: str) -> dict[str, Any]:
    (match,) = [r for lid, r in resources.items() if name_part in lid]
    return match


# -- the defaults ----------------------------------------------------------------------------


def test_default_bucket_passes_every_guardrail_without_acknowledgments(built: Built) -> None:
    assert built.findings("Default") == set()


def test_default_key_rotates_and_is_retained(built: Built) -> None:
    key = _one(built.resources("Default", "AWS::KMS::Key"), "DataKey")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"


def test_data_bucket_encrypts_with_the_key_and_a_bucket_key(built: Built) -> None:
    bucket = _one(built.resources("Default", "AWS::S3::Bucket"), "DataBucket")
    (rule,) = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["BucketKeyEnabled"] is True
    default = rule["ServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    (key_id,) = built.resources("Default", "AWS::KMS::Key")
    assert default["KMSMasterKeyID"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_data_bucket_is_versioned_with_a_noncurrent_version_lifecycle(built: Built) -> None:
    props = _one(built.resources("Default", "AWS::S3::Bucket"), "DataBucket")["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 365}
    assert rule["NoncurrentVersionTransitions"] == [
        {"StorageClass": "GLACIER_IR", "TransitionInDays": 90}
    ]
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}


@pytest.mark.parametrize("name_part", ["DataBucket", "DataAccessLogs"])
def test_both_buckets_block_public_access_and_disable_acls(built: Built, name_part: str) -> None:
    props = _one(built.resources("Default", "AWS::S3::Bucket"), name_part)["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert "AccessControl" not in props


@pytest.mark.parametrize("name_part", ["DataBucket", "DataAccessLogs"])
def test_both_buckets_deny_plain_http_and_tls_below_1_2(built: Built, name_part: str) -> None:
    buckets = built.resources("Default", "AWS::S3::Bucket")
    (bucket_id,) = [lid for lid in buckets if name_part in lid and "Policy" not in lid]
    (policy,) = [
        p
        for p in built.resources("Default", "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    denies = [
        s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"
    ]
    conditions = [s["Condition"] for s in denies]
    assert {"Bool": {"aws:SecureTransport": "false"}} in conditions
    assert {"NumericLessThan": {"s3:TlsVersion": 1.2}} in conditions
    for statement in denies:
        assert statement["Principal"] == {"AWS": "*"}
        assert statement["Action"] == "s3:*"


def test_access_logs_go_to_a_dedicated_sse_s3_versioned_log_bucket(built: Built) -> None:
    buckets = built.resources("Default", "AWS::S3::Bucket")
    (log_id,) = [lid for lid in buckets if "AccessLogs" in lid]
    data = _one(buckets, "DataBucket")["Properties"]
    assert data["LoggingConfiguration"] == {"DestinationBucketName": {"Ref": log_id}}
    logs = buckets[log_id]["Properties"]
    (rule,) = logs["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert logs["VersioningConfiguration"] == {"Status": "Enabled"}
    (expiry,) = logs["LifecycleConfiguration"]["Rules"]
    assert expiry["ExpirationInDays"] == 365


def test_log_delivery_is_allowed_only_for_the_data_bucket_by_policy(built: Built) -> None:
    statements = [
        s
        for p in built.resources("Default", "AWS::S3::BucketPolicy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Sid") == "AllowS3ServerAccessLogDelivery"
    ]
    (statement,) = statements
    assert statement["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert statement["Action"] == "s3:PutObject"
    (data_id,) = [
        lid for lid in built.resources("Default", "AWS::S3::Bucket") if "DataBucket" in lid
    ]
    assert statement["Condition"] == {
        "ArnLike": {"aws:SourceArn": {"Fn::GetAtt": [data_id, "Arn"]}},
        "StringEquals": {"aws:SourceAccount": "111111111111"},
    }


def test_every_stateful_resource_is_retained_by_default(built: Built) -> None:
    for resource_type in ("AWS::S3::Bucket", "AWS::KMS::Key"):
        for resource in built.resources("Default", resource_type).values():
            assert resource["DeletionPolicy"] == "Retain"
            assert resource["UpdateReplacePolicy"] == "Retain"


def test_construct_exposes_what_it_creates(built: Built) -> None:
    assert isinstance(built.bucket.bucket, s3.Bucket)
    assert isinstance(built.bucket.encryption_key, kms.Key)
    assert isinstance(built.bucket.access_log_bucket, s3.Bucket)
    assert [c.node.id for c in built.bucket.node.children] == ["Key", "AccessLogs", "Bucket"]


def test_default_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.template("Default").to_json()) == snapshot_json


# -- bring your own key and log bucket ---------------------------------------------------------


def test_given_key_and_log_bucket_are_used_and_nothing_extra_is_created(built: Built) -> None:
    assert built.own_bucket.encryption_key is built.own_key
    assert built.own_bucket.access_log_bucket is built.own_logs
    assert [c.node.id for c in built.own_bucket.node.children] == ["Bucket"]
    data = _one(built.resources("BringYourOwn", "AWS::S3::Bucket"), "DataBucket")["Properties"]
    assert data["LoggingConfiguration"]["LogFilePrefix"] == "data/"
    assert built.findings("BringYourOwn") == set()


# -- weakening is explicit, warned about, and still reported -----------------------------------


def _warnings(built: Built, stack: cdk.Stack) -> set[str]:
    annotations = assertions.Annotations.from_stack(stack)
    return {
        json.dumps(w.entry.data)
        for w in annotations.find_warning("*", assertions.Match.any_value())
    }


def test_unversioned_bucket_warns_with_an_id_and_the_guardrail_still_flags_it(built: Built) -> None:
    warnings = _warnings(built, built.unversioned)
    assert any(WARN_VERSIONING_DISABLED in w for w in warnings)
    assert built.findings("Unversioned") == {("SC-S3-2", "Unversioned/Data/Bucket/Resource")}


def test_destroy_policy_warns_and_the_guardrails_flag_bucket_key_and_logs(built: Built) -> None:
    assert any(WARN_DESTROY_ON_REMOVAL in w for w in _warnings(built, built.destroy))
    provider = "Destroy/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler"
    assert built.findings("Destroy") == {
        ("SC-S3-3", "Destroy/Data/Bucket/Resource"),
        ("SC-S3-3", "Destroy/Data/AccessLogs/Resource"),
        ("SC-KMS-3", "Destroy/Data/Key/Resource"),
        # auto_delete_objects deploys CDK's provider function, judged like any function:
        # no log group of the app, no tracing.
        ("SC-LAMBDA-6", provider),
        ("SC-LAMBDA-7", provider),
    }


# -- bad input: one clear Python error naming the property and the fix ------------------------


def _build(**kwargs: Any) -> None:
    SecureBucket(cdk.Stack(cdk.App(), "S"), "Data", **kwargs)


def test_auto_delete_without_destroy_policy_is_rejected() -> None:
    with pytest.raises(
        SecureConstructsError,
        match=r"SC-BUCKET-1\] auto_delete_objects:.*"
        r"removal_policy=RemovalPolicy.DESTROY",
    ):
        _build(auto_delete_objects=True)


def test_snapshot_removal_policy_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-BUCKET-2\] removal_policy"):
        _build(removal_policy=cdk.RemovalPolicy.SNAPSHOT)


def test_invalid_bucket_name_is_rejected_with_the_naming_rule() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-BUCKET-3\] bucket_name: 'My_Bucket'"):
        _build(bucket_name="My_Bucket")


def test_noncurrent_transition_after_expiration_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-BUCKET-5\] noncurrent_version_transition"):
        _build(
            noncurrent_version_transition=cdk.Duration.days(400),
            noncurrent_version_expiration=cdk.Duration.days(365),
        )


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(
            auto_delete_objects=True,
            bucket_name="x",
            access_log_retention=cdk.Duration.hours(1),
        )
    assert raised.value.codes == ("SC-BUCKET-1", "SC-BUCKET-3", "SC-BUCKET-4")
    assert "S/Data" in str(raised.value)
