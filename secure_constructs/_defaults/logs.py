"""Log groups as every construct creates them: KMS-encrypted, finite retention, retained."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from secure_constructs._defaults.kms import allow_cloudwatch_logs, customer_managed_key
from secure_constructs._validation import HELPER_TYPE_CODE, Checks, raise_if_any, where

#: How long construct-created log groups keep logs unless told otherwise (SC-LOGS-2).
DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_YEAR


def encrypted_log_group(
    scope: Construct,
    construct_id: str,
    *,
    encryption_key: kms.IKey,
    retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
    removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
    log_group_name: str | None = None,
) -> logs.LogGroup:
    """A log group encrypted with *encryption_key* (SC-LOGS-1), finite retention (SC-LOGS-2).

    The key policy is extended so CloudWatch Logs can use the key; without that the log
    group fails to create. The group's ``KmsKeyId`` reference orders creation after the key.
    """
    checks = Checks(HELPER_TYPE_CODE)
    checks.scope(scope, construct_id)
    checks.interface(
        "encryption_key",
        encryption_key,
        ("key_arn", "add_to_resource_policy"),
        "a kms.IKey",
        "pass the construct's kms.Key.",
    )
    checks.member("retention", retention, logs.RetentionDays)
    checks.member("removal_policy", removal_policy, cdk.RemovalPolicy)
    checks.string("log_group_name", log_group_name, optional=True)
    if retention == logs.RetentionDays.INFINITE:
        checks.add(
            "SC-LOGS-RETENTION",
            "retention",
            "RetentionDays.INFINITE keeps logs forever (guardrail SC-LOGS-2).",
            "pick a finite RetentionDays value, e.g. ONE_YEAR.",
        )
    raise_if_any(where("encrypted_log_group", scope, construct_id), checks.issues)
    allow_cloudwatch_logs(encryption_key)
    # No explicit dependency on the key: the KmsKeyId reference already makes CloudFormation
    # create the key (and its policy, part of the same resource) first.
    return logs.LogGroup(
        scope,
        construct_id,
        encryption_key=encryption_key,
        retention=retention,
        removal_policy=removal_policy,
        log_group_name=log_group_name,
    )


def key_and_log_group(
    scope: Construct,
    log_group_id: str,
    *,
    encryption_key: kms.IKey | None,
    key_description: str,
    retention: logs.RetentionDays,
    removal_policy: cdk.RemovalPolicy,
) -> tuple[kms.IKey, logs.LogGroup]:
    """The construct's key and its first log group, encrypted with it.

    The key is *encryption_key* when the user brings one, else a new customer-managed key
    ``Key`` of *scope* (:func:`~secure_constructs._defaults.kms.customer_managed_key`);
    SecureApi, SecureHttpApi, SecureAlbService and SecureFunction start this way and
    encrypt what they create later with the same key.
    """
    key = encryption_key or customer_managed_key(
        scope, "Key", description=key_description, removal_policy=removal_policy
    )
    log_group = encrypted_log_group(
        scope,
        log_group_id,
        encryption_key=key,
        retention=retention,
        removal_policy=removal_policy,
    )
    return key, log_group
