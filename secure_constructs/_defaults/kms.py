"""Customer-managed keys and their grants to AWS services, shared by every construct."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from secure_constructs._defaults import enforce_rules
from secure_constructs._validation import (
    HELPER_RANGE_CODE,
    HELPER_TYPE_CODE,
    Checks,
    raise_if_any,
    where,
)

_MAX_DESCRIPTION = 8192


def customer_managed_key(
    scope: Construct,
    construct_id: str,
    *,
    description: str,
    removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
) -> kms.Key:
    """A symmetric key with yearly rotation, retained by default (SC-KMS-1, SC-KMS-3).

    CDK's default key policy gives the account root full control, so IAM policies decide
    who uses it; construct grants add exactly the actions a grantee needs.
    """
    return new_key(
        "customer_managed_key",
        kms.Key,
        scope,
        construct_id,
        description=description,
        removal_policy=removal_policy,
    )


def new_key(
    helper: str,
    key_type: type[kms.Key],
    scope: Construct,
    construct_id: str,
    *,
    description: str,
    removal_policy: cdk.RemovalPolicy,
) -> kms.Key:
    """A *key_type* (``kms.Key`` or a subclass) with yearly rotation, SC-IAM-4 enforced.

    What :func:`customer_managed_key` and ``_defaults.sns.service_publisher_key`` (whose
    key pins service grants) share; a wrong argument is reported as *helper*'s.
    """
    checks = Checks(HELPER_TYPE_CODE)
    checks.scope(scope, construct_id)
    if checks.string("description", description) and len(description) > _MAX_DESCRIPTION:
        checks.add(
            HELPER_RANGE_CODE,
            "description",
            f"a {len(description)}-character description is longer than KMS's {_MAX_DESCRIPTION}.",
            "shorten it.",
        )
    checks.member("removal_policy", removal_policy, cdk.RemovalPolicy)
    raise_if_any(where(helper, scope, construct_id), checks.issues)
    key = key_type(
        scope,
        construct_id,
        description=description,
        enable_key_rotation=True,
        removal_policy=removal_policy,
    )
    # Every service this key is shared with is pinned to the account (logs by encryption
    # context, alarms by source ARN): dropping such a condition is an error here.
    enforce_rules(key, "SC-IAM-4")
    return key


def allow_cloudwatch_logs(key: kms.IKey) -> None:
    """Let CloudWatch Logs in the key's region use *key* for log groups of this account.

    Scoped by the ``kms:EncryptionContext:aws:logs:arn`` condition to log groups of the
    stack's account and region (an imported key is left unchanged: its policy is not ours).
    """
    stack = cdk.Stack.of(key)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchLogsOfThisAccount",
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=[
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name="*",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                }
            },
        ),
        allow_no_op=True,
    )
