"""SC-S3-1..9 on buckets built from L2s, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``S3`` holds one bucket per case (construct
id = case name), stack ``S3Keys`` a key that ``S3`` uses through a cross-stack reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from aspects.model import Status

from ._helpers import (
    CANNOT_VERIFY,
    NON_COMPLIANT,
    Checked,
    Switch,
    cfn,
    check_app,
    findings_at,
    ids,
    outcomes,
)

L1 = s3.CfnBucket
LITERAL_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
READER = "arn:aws:iam::123456789012:role/reader"
AUDITOR = "arn:aws:iam::123456789012:role/auditor"
SSE_DEFAULT = "BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault"
# Statement order of an L2 bucket policy with enforce_ssl and minimum_tls_version:
NO_HTTP_STMT = "PolicyDocument.Statement.0"
TLS_VERSION_STMT = "PolicyDocument.Statement.1"
ADDED_STMT = "PolicyDocument.Statement.2"  # the first add_to_resource_policy

PLAIN_HTTP = {"Bool": {"aws:SecureTransport": "false"}}
TLS_BELOW_1_2 = {"NumericLessThan": {"s3:TlsVersion": "1.2"}}


def deny_all(bucket_arn: str, condition: dict[str, Any], action: Any = "s3:*") -> dict[str, Any]:
    """A policy statement denying *action* on the bucket and its objects under *condition*."""
    return {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": action,
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": condition,
    }


def allow_get(bucket: s3.Bucket, principal: iam.IPrincipal, **condition: Any) -> None:
    """Add an ``Allow s3:GetObject`` for *principal* to the bucket policy."""
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["s3:GetObject"],
            principals=[principal],
            resources=[bucket.arn_for_objects("*")],
            conditions=condition or None,
        )
    )


def _build(stack: cdk.Stack, foreign_key: kms.IKey) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    logs = s3.Bucket(
        stack,
        "AccessLogs",
        encryption=s3.BucketEncryption.S3_MANAGED,
        versioned=True,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )

    def bucket(construct_id: str, **overrides: Any) -> s3.Bucket:
        props: dict[str, Any] = {
            "encryption": s3.BucketEncryption.KMS,
            "encryption_key": key,
            "bucket_key_enabled": True,
            "versioned": True,
            "enforce_ssl": True,
            "minimum_tls_version": 1.2,
            "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
            "server_access_logs_bucket": logs,
            "removal_policy": cdk.RemovalPolicy.RETAIN,
        }
        props.update(overrides)
        return s3.Bucket(stack, construct_id, **props)

    def l1(
        construct_id: str,
        *,
        key_arn: str = key.key_arn,
        logs_name: str = logs.bucket_name,
        conditions: tuple[dict[str, Any], ...] = (PLAIN_HTTP, TLS_BELOW_1_2),
        first: Callable[[str], list[dict[str, Any]]] | None = None,
        **overrides: Any,
    ) -> s3.CfnBucket:
        props: dict[str, Any] = {
            "bucket_encryption": L1.BucketEncryptionProperty(
                server_side_encryption_configuration=[
                    L1.ServerSideEncryptionRuleProperty(
                        bucket_key_enabled=True,
                        server_side_encryption_by_default=L1.ServerSideEncryptionByDefaultProperty(
                            sse_algorithm="aws:kms", kms_master_key_id=key_arn
                        ),
                    )
                ]
            ),
            "versioning_configuration": L1.VersioningConfigurationProperty(status="Enabled"),
            "public_access_block_configuration": L1.PublicAccessBlockConfigurationProperty(
                block_public_acls=True,
                block_public_policy=True,
                ignore_public_acls=True,
                restrict_public_buckets=True,
            ),
            "logging_configuration": L1.LoggingConfigurationProperty(
                destination_bucket_name=logs_name
            ),
        }
        props.update(overrides)
        resource = s3.CfnBucket(stack, construct_id, **props)
        resource.cfn_options.deletion_policy = cdk.CfnDeletionPolicy.RETAIN
        resource.cfn_options.update_replace_policy = cdk.CfnDeletionPolicy.RETAIN
        document = [
            *(first(resource.attr_arn) if first else []),
            *(deny_all(resource.attr_arn, c) for c in conditions),
        ]
        s3.CfnBucketPolicy(
            stack,
            f"{construct_id}Policy",
            bucket=resource.ref,
            policy_document={"Version": "2012-10-17", "Statement": document},
        )
        return resource

    # Compliant references.
    bucket("Secure")
    l1("L1Secure")
    alb_logs = s3.Bucket(
        stack,
        "AlbLogs",
        encryption=s3.BucketEncryption.S3_MANAGED,
        versioned=True,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    )
    elbv2.CfnLoadBalancer(
        stack,
        "Alb",
        subnets=["subnet-0a", "subnet-0b"],
        load_balancer_attributes=[
            elbv2.CfnLoadBalancer.LoadBalancerAttributeProperty(
                key="access_logs.s3.enabled", value="true"
            ),
            elbv2.CfnLoadBalancer.LoadBalancerAttributeProperty(
                key="access_logs.s3.bucket", value=alb_logs.bucket_name
            ),
        ],
    )

    # SC-S3-1 encryption and the key reference policy.
    no_kms = {"encryption_key": None, "bucket_key_enabled": None}
    bucket("SseS3", encryption=s3.BucketEncryption.S3_MANAGED, **no_kms)
    bucket("AwsManagedKey", encryption=s3.BucketEncryption.KMS_MANAGED, **no_kms)
    bucket("AwsS3AliasL2", encryption_key=kms.Alias.from_alias_name(stack, "Aws", "alias/aws/s3"))
    l1("AwsS3AliasL1", key_arn="alias/aws/s3")
    l1("L1Unencrypted", bucket_encryption=None)
    l1("L1KeyIsABucket", key_arn=logs.bucket_arn)
    cfn(bucket("EscSseS3")).add_property_override(SSE_DEFAULT, {"SSEAlgorithm": "AES256"})
    cfn(bucket("ParamAlgorithm")).add_property_override(f"{SSE_DEFAULT}.SSEAlgorithm", setting)
    l1("ParamKey", key_arn=setting)
    cfn(bucket("IfSseS3")).add_property_override(
        SSE_DEFAULT,
        switch.pick(
            {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key.key_arn}, {"SSEAlgorithm": "AES256"}
        ),
    )
    cfn(bucket("IfTwoKeys")).add_property_override(
        f"{SSE_DEFAULT}.KMSMasterKeyID", switch.pick(key.key_arn, other_key.key_arn)
    )
    bucket("ForeignKey", encryption_key=foreign_key)
    bucket("LiteralKey", encryption_key=kms.Key.from_key_arn(stack, "Lit", LITERAL_KEY_ARN))
    alias = kms.Alias(stack, "DataAlias", alias_name="alias/app/data", target_key=key)
    bucket("AppAlias", encryption_key=alias)
    unencrypted_logs = l1(
        "L1UnencryptedLogs",
        bucket_encryption=None,
        versioning_configuration=None,
        logging_configuration=None,
    )
    l1("L1LogsToUnencrypted", logs_name=unencrypted_logs.ref)

    # SC-S3-11 noncurrent versions, SC-S3-12 audit logs kept a year.
    def expiring(construct_id: str, **rule: Any) -> s3.Bucket:
        return bucket(construct_id, lifecycle_rules=[s3.LifecycleRule(**rule)])

    expiring("OldVersionsYear", noncurrent_version_expiration=cdk.Duration.days(365))
    expiring("OldVersionsMonth", noncurrent_version_expiration=cdk.Duration.days(30))
    expiring("OldVersionsDay", noncurrent_version_expiration=cdk.Duration.days(1))
    expiring(
        "OldVersionsDayDisabled", noncurrent_version_expiration=cdk.Duration.days(1), enabled=False
    )
    expiring(
        "OldVersionsDayPrefix", noncurrent_version_expiration=cdk.Duration.days(2), prefix="tmp/"
    )
    cfn(
        expiring("EscOldVersions", noncurrent_version_expiration=cdk.Duration.days(90))
    ).add_property_override(
        "LifecycleConfiguration.Rules.0.NoncurrentVersionExpiration.NoncurrentDays", 3
    )
    cfn(
        expiring("ParamOldVersions", noncurrent_version_expiration=cdk.Duration.days(90))
    ).add_property_override(
        "LifecycleConfiguration.Rules.0.NoncurrentVersionExpiration.NoncurrentDays",
        cdk.CfnParameter(stack, "OldDays", type="Number", default=90).value_as_number,
    )
    l1("L1OldVersionsLegacy").add_property_override(
        "LifecycleConfiguration",
        {"Rules": [{"Status": "Enabled", "NoncurrentVersionExpirationInDays": 7}]},
    )
    for name, days in (("LogsKeptYear", 365), ("LogsKeptMonth", 30)):
        kept = s3.Bucket(
            stack,
            name,
            encryption=s3.BucketEncryption.S3_MANAGED,
            versioned=True,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(days))],
        )
        bucket(f"{name}Source", server_access_logs_bucket=kept)
    unlogged = s3.Bucket(
        stack,
        "NotALogBucketMonth",
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        versioned=True,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        server_access_logs_bucket=logs,
        lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(30))],
    )
    assert unlogged

    # SC-S3-2 versioning.
    bucket("Unversioned", versioned=False)
    l1(
        "L1Suspended",
        versioning_configuration=L1.VersioningConfigurationProperty(status="Suspended"),
    )
    cfn(bucket("EscUnversioned")).add_property_override(
        "VersioningConfiguration.Status", "Suspended"
    )
    cfn(bucket("ParamVersioning")).add_property_override("VersioningConfiguration.Status", setting)
    cfn(bucket("IfVersioning")).add_property_override(
        "VersioningConfiguration.Status", switch.pick("Enabled", "Suspended")
    )
    cfn(bucket("IfVersioningBoth")).add_property_override(
        "VersioningConfiguration.Status", switch.pick("Enabled", "Enabled")
    )

    # SC-S3-3 retention.
    bucket("Destroyed", removal_policy=cdk.RemovalPolicy.DESTROY)
    l1("L1NoPolicy").cfn_options.deletion_policy = None
    cfn(bucket("EscDelete")).add_override("DeletionPolicy", "Delete")
    cfn(bucket("ParamDeletion")).add_override("DeletionPolicy", setting)
    cfn(bucket("IfDeletion")).add_override("DeletionPolicy", switch.pick("Retain", "Delete"))
    cfn(bucket("IfDeletionBoth")).add_override(
        "DeletionPolicy", switch.pick("Retain", "RetainExceptOnCreate")
    )

    # SC-S3-4 TLS only.
    plain = bucket("HttpAllowed", enforce_ssl=False, minimum_tls_version=None)
    plain.add_to_resource_policy(
        iam.PolicyStatement.from_json(deny_all(plain.bucket_arn, TLS_BELOW_1_2))
    )
    bucket("NoPolicy", enforce_ssl=False, minimum_tls_version=None)
    l1("L1HttpAllowed", conditions=(TLS_BELOW_1_2,))
    cfn(bucket("EscHttpAllowed").policy).add_property_override(
        f"{NO_HTTP_STMT}.Action", "s3:GetObject"
    )
    cfn(bucket("ParamTlsAction").policy).add_property_override(f"{NO_HTTP_STMT}.Action", setting)
    cfn(bucket("ParamSecureTransport").policy).add_property_override(
        f"{NO_HTTP_STMT}.Condition.Bool.aws:SecureTransport", setting
    )
    cfn(bucket("IfHttpAllowed").policy).add_property_override(
        f"{NO_HTTP_STMT}.Condition.Bool.aws:SecureTransport", switch.pick("false", "true")
    )
    cfn(bucket("IfHttpDeniedBoth").policy).add_property_override(
        f"{NO_HTTP_STMT}.Principal", switch.pick("*", {"AWS": "*"})
    )
    l1(
        "UnverifiableThenDenied",
        first=lambda arn: [
            deny_all(arn, PLAIN_HTTP, action=setting),
            deny_all(arn, TLS_BELOW_1_2, action=setting),
        ],
    )

    # SC-S3-5 TLS version.
    bucket("AnyTlsVersion", minimum_tls_version=None)
    l1("L1AnyTlsVersion", conditions=(PLAIN_HTTP,))
    tls_version = f"{TLS_VERSION_STMT}.Condition.NumericLessThan.s3:TlsVersion"
    cfn(bucket("EscTls10").policy).add_property_override(tls_version, "1.0")
    cfn(bucket("ParamTlsVersion").policy).add_property_override(tls_version, setting)
    cfn(bucket("IfTlsVersion").policy).add_property_override(tls_version, switch.pick("1.2", "1.0"))
    cfn(bucket("IfTlsVersionBoth").policy).add_property_override(
        tls_version, switch.pick("1.2", "1.3")
    )

    # SC-S3-6 Block Public Access.
    bucket("AclsBlockedOnly", block_public_access=s3.BlockPublicAccess.BLOCK_ACLS)
    l1("L1NoBpa", public_access_block_configuration=None)
    bpa = "PublicAccessBlockConfiguration"
    cfn(bucket("EscBpaOff")).add_property_override(f"{bpa}.BlockPublicAcls", False)
    cfn(bucket("ParamBpa")).add_property_override(f"{bpa}.BlockPublicPolicy", setting)
    cfn(bucket("IfBpa")).add_property_override(f"{bpa}.BlockPublicAcls", switch.pick(True, False))
    cfn(bucket("IfBpaBoth")).add_property_override(
        f"{bpa}.BlockPublicAcls", switch.pick(True, "true")
    )

    # SC-S3-7 canned ACLs.
    bucket("PublicReadAcl", access_control=s3.BucketAccessControl.PUBLIC_READ)
    l1("L1PublicReadWriteAcl", access_control="PublicReadWrite")
    cfn(bucket("EscPublicAcl")).add_property_override("AccessControl", "AuthenticatedRead")
    cfn(bucket("ParamAcl")).add_property_override("AccessControl", setting)
    cfn(bucket("IfAcl")).add_property_override(
        "AccessControl", switch.pick("Private", "PublicRead")
    )
    cfn(bucket("IfAclBoth")).add_property_override(
        "AccessControl", switch.pick("Private", "BucketOwnerFullControl")
    )

    # SC-S3-8 public bucket policy.
    allow_get(bucket("PublicPolicy"), iam.AnyPrincipal())
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    allow_get(bucket("OrgOnlyPolicy"), iam.AnyPrincipal(), **org)
    allow_get(
        bucket("NegatedOrgPolicy"),
        iam.AnyPrincipal(),
        StringNotEquals={"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
    )
    everyone = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    l1("L1PublicPolicy", first=lambda _arn: [everyone])
    cases = {
        "EscPublicPolicy": "*",
        "ParamPrincipal": {"AWS": setting},
        "IfPrincipal": switch.pick("*", {"AWS": READER}),
        "IfPrincipalBoth": switch.pick({"AWS": READER}, {"AWS": AUDITOR}),
    }
    for construct_id, principal in cases.items():
        case = bucket(construct_id)
        allow_get(case, iam.ArnPrincipal(READER))
        cfn(case.policy).add_property_override(f"{ADDED_STMT}.Principal", principal)

    # SC-S3-9 server access logs.
    bucket("NotLogged", server_access_logs_bucket=None)
    bucket("LogsIntoItself", server_access_logs_bucket=None, server_access_logs_prefix="self/")
    l1("L1NotLogged", logging_configuration=None)
    cfn(bucket("EscNotLogged")).add_property_deletion_override("LoggingConfiguration")
    destination = "LoggingConfiguration.DestinationBucketName"
    cfn(bucket("ParamLogDestination")).add_property_override(destination, setting)
    cfn(bucket("IfLogged")).add_property_override(
        destination, switch.pick(logs.bucket_name, cdk.Aws.NO_VALUE)
    )
    cfn(bucket("IfLoggedBoth")).add_property_override(
        destination, switch.pick(logs.bucket_name, "central-access-logs-123456789012")
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    keys = cdk.Stack(app, "S3Keys")
    _build(cdk.Stack(app, "S3"), kms.Key(keys, "SharedKey", enable_key_rotation=True))
    return check_app(app)


def at(name: str) -> str:
    return f"S3/{name}"


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["Secure", "L1Secure"])
def test_hardened_bucket_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


def test_access_log_bucket_may_use_sse_s3_without_logging(ev: Checked) -> None:
    # Without @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy (not set in this app) CDK
    # delivers access logs through the LogDeliveryWrite ACL and turns ACLs on: SC-S3-10.
    assert ids(ev, at("AccessLogs")) == {"SC-S3-10"}


def test_alb_access_log_bucket_may_use_sse_s3_without_logging(ev: Checked) -> None:
    assert ids(ev, at("AlbLogs")) == set()


def test_keys_of_the_hardened_buckets_have_no_finding(ev: Checked) -> None:
    assert ids(ev, at("Key")) | ids(ev, "S3Keys/SharedKey") == set()


# -- SC-S3-1 encryption ------------------------------------------------------------------


def test_bucket_encrypted_with_sse_s3_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("SseS3")) == {"SC-S3-1"}


def test_bucket_encrypted_with_aws_managed_key_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("AwsManagedKey")) == {"SC-S3-1"}


@pytest.mark.parametrize("name", ["AwsS3AliasL2", "AwsS3AliasL1"])
def test_bucket_encrypted_with_alias_aws_s3_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-S3-1"}


def test_l1_bucket_without_encryption_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1Unencrypted")) == {"SC-S3-1"}


def test_kms_key_id_naming_a_bucket_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1KeyIsABucket")) == {"SC-S3-1"}


def test_encryption_overridden_to_sse_s3_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscSseS3")) == {("SC-S3-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamAlgorithm", "ParamKey"])
def test_encryption_from_parameter_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-S3-1", CANNOT_VERIFY)}


def test_encryption_with_sse_s3_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfSseS3")) == {("SC-S3-1", CANNOT_VERIFY)}


def test_encryption_choosing_between_two_keys_of_the_app_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfTwoKeys")) == set()


def test_key_of_another_stack_is_followed_through_the_import(ev: Checked) -> None:
    (props,) = (
        v["Properties"]
        for k, v in ev.templates["S3"]["Resources"].items()
        if k.startswith("ForeignKey") and v["Type"] == "AWS::S3::Bucket"
    )
    key_id = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"
    ]["KMSMasterKeyID"]
    assert set(key_id) == {"Fn::ImportValue"}
    assert ids(ev, at("ForeignKey")) == set()


@pytest.mark.parametrize("name", ["LiteralKey", "AppAlias"])
def test_literal_key_arn_or_customer_alias_is_compliant(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


def test_log_target_bucket_still_needs_encryption(ev: Checked) -> None:
    assert ids(ev, at("L1UnencryptedLogs")) == {"SC-S3-1", "SC-S3-2"}
    assert ids(ev, at("L1LogsToUnencrypted")) == set()


# -- SC-S3-2 versioning ------------------------------------------------------------------


def test_bucket_without_versioning_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("Unversioned")) == {"SC-S3-2"}


def test_l1_bucket_with_suspended_versioning_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1Suspended")) == {"SC-S3-2"}


def test_versioning_suspended_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscUnversioned")) == {("SC-S3-2", NON_COMPLIANT)}


def test_versioning_status_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamVersioning")) == {("SC-S3-2", CANNOT_VERIFY)}


def test_versioning_suspended_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfVersioning")) == {("SC-S3-2", CANNOT_VERIFY)}


def test_versioning_enabled_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfVersioningBoth")) == set()


# -- SC-S3-3 retention -------------------------------------------------------------------


def test_bucket_with_destroy_removal_policy_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("Destroyed")) == {"SC-S3-3"}


def test_l1_bucket_without_deletion_policy_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1NoPolicy")) == {"SC-S3-3"}


def test_deletion_policy_overridden_to_delete_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscDelete")) == {("SC-S3-3", NON_COMPLIANT)}


def test_deletion_policy_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamDeletion")) == {("SC-S3-3", CANNOT_VERIFY)}


def test_deletion_policy_delete_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfDeletion")) == {("SC-S3-3", CANNOT_VERIFY)}


def test_deletion_policy_retaining_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfDeletionBoth")) == set()


# -- SC-S3-4 TLS only --------------------------------------------------------------------


def test_bucket_policy_without_tls_denial_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("HttpAllowed")) == {"SC-S3-4"}


def test_bucket_without_policy_is_flagged_for_both_tls_rules(ev: Checked) -> None:
    assert ids(ev, at("NoPolicy")) == {"SC-S3-4", "SC-S3-5"}


def test_l1_bucket_policy_without_tls_denial_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1HttpAllowed")) == {"SC-S3-4"}


def test_tls_denial_narrowed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscHttpAllowed")) == {("SC-S3-4", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamTlsAction", "ParamSecureTransport"])
def test_tls_denial_from_parameter_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-S3-4", CANNOT_VERIFY)}


def test_tls_denial_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfHttpAllowed")) == {("SC-S3-4", CANNOT_VERIFY)}


def test_tls_denial_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfHttpDeniedBoth")) == set()


def test_unverifiable_statement_before_the_tls_denials_does_not_hide_them(
    ev: Checked,
) -> None:
    assert ids(ev, at("UnverifiableThenDenied")) == set()


# -- SC-S3-5 TLS version -----------------------------------------------------------------


def test_bucket_policy_without_tls_version_denial_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("AnyTlsVersion")) == {"SC-S3-5"}


def test_l1_bucket_policy_without_tls_version_denial_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1AnyTlsVersion")) == {"SC-S3-5"}


def test_tls_version_lowered_to_1_0_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscTls10")) == {("SC-S3-5", NON_COMPLIANT)}


def test_tls_version_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamTlsVersion")) == {("SC-S3-5", CANNOT_VERIFY)}


def test_tls_version_1_0_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfTlsVersion")) == {("SC-S3-5", CANNOT_VERIFY)}


def test_tls_version_of_at_least_1_2_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfTlsVersionBoth")) == set()


# -- SC-S3-6 Block Public Access ---------------------------------------------------------


def test_bucket_blocking_only_acls_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("AclsBlockedOnly")) == {"SC-S3-6"}


def test_l1_bucket_without_block_public_access_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1NoBpa")) == {"SC-S3-6"}


def test_block_public_acls_overridden_to_false_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscBpaOff")) == {("SC-S3-6", NON_COMPLIANT)}


def test_block_public_access_flag_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamBpa")) == {("SC-S3-6", CANNOT_VERIFY)}


def test_block_public_access_off_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfBpa")) == {("SC-S3-6", CANNOT_VERIFY)}


def test_block_public_access_on_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfBpaBoth")) == set()


# -- SC-S3-7 canned ACLs -----------------------------------------------------------------


def test_bucket_with_public_read_acl_is_flagged(ev: Checked) -> None:
    # CDK sets ObjectOwnership ObjectWriter so the canned ACL can apply: ACLs on (SC-S3-10).
    assert ids(ev, at("PublicReadAcl")) == {"SC-S3-7", "SC-S3-10"}


def test_l1_bucket_with_public_read_write_acl_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1PublicReadWriteAcl")) == {"SC-S3-7"}


def test_acl_overridden_to_authenticated_read_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscPublicAcl")) == {("SC-S3-7", NON_COMPLIANT)}


def test_acl_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamAcl")) == {("SC-S3-7", CANNOT_VERIFY)}


def test_public_acl_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfAcl")) == {("SC-S3-7", CANNOT_VERIFY)}


def test_private_acls_in_both_branches_are_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfAclBoth")) == set()


# -- SC-S3-8 public bucket policy --------------------------------------------------------


def test_bucket_policy_allowing_everyone_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("PublicPolicy")) == {"SC-S3-8"}


def test_bucket_policy_allowing_everyone_in_the_organization_is_compliant(
    ev: Checked,
) -> None:
    assert ids(ev, at("OrgOnlyPolicy")) == set()


def test_bucket_policy_allowing_everyone_outside_the_organization_is_flagged(
    ev: Checked,
) -> None:
    assert ids(ev, at("NegatedOrgPolicy")) == {"SC-S3-8"}


def test_l1_bucket_policy_allowing_everyone_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1PublicPolicy")) == {"SC-S3-8"}


def test_principal_overridden_to_everyone_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscPublicPolicy")) == {("SC-S3-8", NON_COMPLIANT)}


def test_principal_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamPrincipal")) == {("SC-S3-8", CANNOT_VERIFY)}


def test_everyone_allowed_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfPrincipal")) == {("SC-S3-8", CANNOT_VERIFY)}


def test_named_principals_in_both_branches_are_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfPrincipalBoth")) == set()


# -- SC-S3-9 server access logs ----------------------------------------------------------


def test_bucket_without_access_logs_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("NotLogged")) == {"SC-S3-9"}


def test_bucket_logging_into_itself_is_flagged(ev: Checked) -> None:
    (finding,) = [f for f in findings_at(ev, at("LogsIntoItself")) if f.rule.id == "SC-S3-9"]
    assert "into itself" in finding.message
    # The log-delivery ACL CDK adds without the bucket-policy feature flag: SC-S3-10.
    assert ids(ev, at("LogsIntoItself")) == {"SC-S3-9", "SC-S3-10"}


def test_l1_bucket_without_access_logs_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1NotLogged")) == {"SC-S3-9"}


def test_logging_configuration_removed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscNotLogged")) == {("SC-S3-9", NON_COMPLIANT)}


def test_log_destination_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamLogDestination")) == {("SC-S3-9", CANNOT_VERIFY)}


def test_logging_removed_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfLogged")) == {("SC-S3-9", CANNOT_VERIFY)}


def test_log_destinations_in_both_branches_are_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfLoggedBoth")) == set()


# -- SC-S3-10 ACLs disabled ------------------------------------------------------------------


def _ownership_bucket(ownership: Any) -> dict[str, Any]:
    props = (
        {}
        if ownership is None
        else {"OwnershipControls": {"Rules": [{"ObjectOwnership": ownership}]}}
    )
    return {"Type": "AWS::S3::Bucket", "Properties": props}


@pytest.mark.parametrize(
    ("ownership", "expected"),
    [
        (None, set()),  # S3's default for new buckets is BucketOwnerEnforced
        ("BucketOwnerEnforced", set()),
        ("BucketOwnerPreferred", {NON_COMPLIANT}),
        ("ObjectWriter", {NON_COMPLIANT}),
        ({"Ref": "Ownership"}, {CANNOT_VERIFY}),
    ],
)
def test_object_ownership_keeps_acls_disabled(ownership: Any, expected: set[Any]) -> None:
    from aspects import evaluate
    from aspects.index import StackTemplate
    from aspects.rules import RULES_BY_ID

    template = {
        "Parameters": {"Ownership": {"Type": "String"}},
        "Resources": {"Data": _ownership_bucket(ownership)},
    }
    evaluation = evaluate(
        [StackTemplate("S", "s.json", template)], lambda _s: (RULES_BY_ID["SC-S3-10"],)
    )
    assert {f.status for f in evaluation.findings} == expected


def test_l2_bucket_with_acls_enabled_by_override_is_flagged() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Own")
    bucket = s3.Bucket(stack, "Data", object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED)
    cfn(bucket).add_property_override(
        "OwnershipControls.Rules.0.ObjectOwnership", "BucketOwnerPreferred"
    )
    checked = check_app(app)
    assert ("SC-S3-10", NON_COMPLIANT) in outcomes(checked, "Own/Data")


# -- SC-S3-11 noncurrent versions kept, SC-S3-12 audit logs kept a year ----------------------


def _of(ev: Checked, name: str, *rule_ids: str) -> set[tuple[str, Status]]:
    return {(r, s) for r, s in outcomes(ev, at(name)) if r in rule_ids}


@pytest.mark.parametrize(
    "name", ["OldVersionsYear", "OldVersionsMonth", "OldVersionsDayDisabled", "Secure"]
)
def test_noncurrent_versions_kept_long_enough_pass(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


@pytest.mark.parametrize(
    ("name", "days"),
    [("OldVersionsDay", 1), ("OldVersionsDayPrefix", 2), ("EscOldVersions", 3)],
)
def test_noncurrent_versions_expired_too_soon_are_flagged(
    ev: Checked, name: str, days: int
) -> None:
    assert outcomes(ev, at(name)) == {("SC-S3-11", NON_COMPLIANT)}
    (finding,) = findings_at(ev, at(name))
    assert finding.property_path == (
        "Properties.LifecycleConfiguration.Rules[0].NoncurrentVersionExpiration.NoncurrentDays"
    )
    assert f"is {days}:" in finding.message
    assert "at least 30 days" in finding.message


def test_legacy_noncurrent_expiration_in_days_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("L1OldVersionsLegacy")) == {("SC-S3-11", NON_COMPLIANT)}


def test_noncurrent_days_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamOldVersions")) == {("SC-S3-11", CANNOT_VERIFY)}


def test_access_log_bucket_kept_a_year_passes(ev: Checked) -> None:
    assert _of(ev, "LogsKeptYear", "SC-S3-11", "SC-S3-12", "SC-S3-2") == set()


def test_access_log_bucket_expiring_in_a_month_is_flagged(ev: Checked) -> None:
    assert _of(ev, "LogsKeptMonth", "SC-S3-11", "SC-S3-12", "SC-S3-2") == {
        ("SC-S3-12", NON_COMPLIANT)
    }
    (finding,) = [f for f in findings_at(ev, at("LogsKeptMonth")) if f.rule.id == "SC-S3-12"]
    assert "S3 server access logs of LogsKeptMonthSource" in finding.message


def test_data_bucket_may_expire_objects_early(ev: Checked) -> None:
    assert ids(ev, at("NotALogBucketMonth")) == set()
