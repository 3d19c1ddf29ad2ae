"""Queues as every construct creates them: customer-managed key, TLS only, retained."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from secure_constructs._validation import (
    HELPER_RANGE_CODE,
    HELPER_TYPE_CODE,
    Checks,
    raise_if_any,
    where,
)

#: How long a dead-letter queue keeps a failed event (the SQS maximum).
DEFAULT_DEAD_LETTER_RETENTION = cdk.Duration.days(14)
MAX_RETENTION = cdk.Duration.days(14)


def encrypted_queue(
    scope: Construct,
    construct_id: str,
    *,
    encryption_key: kms.IKey,
    retention_period: cdk.Duration = DEFAULT_DEAD_LETTER_RETENTION,
    removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
) -> sqs.Queue:
    """A queue encrypted with *encryption_key* (SC-SQS-1) whose policy denies plain HTTP.

    The TLS denial (SC-SQS-2/3, cdk-nag ``AwsSolutions-SQS4``) covers every action. Kept on
    stack deletion by default: its messages are the record of what failed.
    """
    checks = Checks(HELPER_TYPE_CODE)
    checks.scope(scope, construct_id)
    checks.interface(
        "encryption_key", encryption_key, ("key_arn",), "a kms.IKey", "pass a kms.Key."
    )
    checks.member("removal_policy", removal_policy, cdk.RemovalPolicy)
    if checks.duration("retention_period", retention_period) and not (
        60 <= retention_period.to_seconds(integral=False) <= MAX_RETENTION.to_seconds()
    ):
        checks.add(
            HELPER_RANGE_CODE,
            "retention_period",
            f"{retention_period.to_human_string()} is outside SQS's 1 minute to 14 days.",
            "pass a retention in that range (default 14 days).",
        )
    raise_if_any(where("encrypted_queue", scope, construct_id), checks.issues)
    return sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=encryption_key,
        enforce_ssl=True,
        retention_period=retention_period,
        removal_policy=removal_policy,
    )
