"""CloudTrail guardrails: every region, validated, encrypted, in CloudWatch Logs, logging.

Trails must be multi-region, validate their log files, use a customer-managed KMS key,
deliver to CloudWatch Logs and have logging turned on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aspects.index import ExternalRef, ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._blocks import must_be_true
from aspects.rules._common import kms_key_problems

TRAIL = ("AWS::CloudTrail::Trail",)


def _multi_region(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r,
        "IsMultiRegionTrail",
        "the trail records API calls of its own region only, so activity in any other "
        "region goes unrecorded",
    )


def _file_validation(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r,
        "EnableLogFileValidation",
        "without digest files nobody can prove that a log file was not changed or deleted "
        "after CloudTrail delivered it",
    )


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    yield from kms_key_problems(r, r.props.get("KMSKeyId"), "KMSKeyId")


def _missing(r: ResourceView, value: Any, what: str) -> bool:
    """Whether a reference-valued property is absent or empty (deploy-time: cannot verify)."""
    if value is None or value == "":
        return True
    ref = r.follow(value, what)
    return isinstance(ref, ExternalRef) and ref.literal is not None and not ref.literal.strip()


def _cloudwatch_logs(r: ResourceView) -> Iterator[Problem]:
    group = r.props.get("CloudWatchLogsLogGroupArn")
    role = r.props.get("CloudWatchLogsRoleArn")
    if _missing(r, group, "CloudWatchLogsLogGroupArn"):
        yield Problem(
            "CloudWatchLogsLogGroupArn is not set: the trail is not delivered to CloudWatch "
            "Logs, so no metric filter or alarm can react to what it records",
            "Properties.CloudWatchLogsLogGroupArn",
        )
    if _missing(r, role, "CloudWatchLogsRoleArn"):
        yield Problem(
            "CloudWatchLogsRoleArn is not set: CloudTrail needs a role to write to the log "
            "group, without one no event reaches CloudWatch Logs",
            "Properties.CloudWatchLogsRoleArn",
        )


def _logging(r: ResourceView) -> Iterator[Problem]:
    value = r.props.get("IsLogging")
    if value is None:
        yield Problem(
            "IsLogging is not set (CloudFormation requires it): the trail may not record anything",
            "Properties.IsLogging",
        )
    elif not r.bool(value, "IsLogging"):
        yield Problem(
            "IsLogging is false: the trail exists but records nothing", "Properties.IsLogging"
        )


RULES = (
    Rule(
        id="SC-TRAIL-1",
        title="CloudTrail trails record every region",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=TRAIL,
        rationale="An attacker works in the region nobody watches; a multi-region trail "
        "records management events of every region, including ones enabled later. "
        "CloudFormation's default is a single-region trail.",
        fix="Keep is_multi_region_trail=True on cloudtrail.Trail (its default).",
        check=_multi_region,
        fsbp=("CloudTrail.1",),
        nist_800_53=("AU-2", "AU-12"),
        checkov=("CKV_AWS_67",),
    ),
    Rule(
        id="SC-TRAIL-2",
        title="CloudTrail trails validate their log files",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=TRAIL,
        rationale="Digest files let an investigation prove that the logs it reads are the "
        "ones CloudTrail delivered; CloudFormation's default is no validation.",
        fix="Keep enable_file_validation=True on cloudtrail.Trail (its default).",
        check=_file_validation,
        fsbp=("CloudTrail.4",),
        nist_800_53=("AU-9",),
        cdk_nag=("NIST.800.53.R5-CloudTrailLogFileValidationEnabled",),
        checkov=("CKV_AWS_36",),
    ),
    Rule(
        id="SC-TRAIL-3",
        title="CloudTrail trails are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=TRAIL,
        rationale="Trail logs map the whole account: who did what, from where. With a key "
        "you control, reading them needs kms:Decrypt as well as s3:GetObject. Without "
        "KMSKeyId the log files only get the bucket's default encryption.",
        fix="Set encryption_key on cloudtrail.Trail (the key policy must allow "
        "cloudtrail.amazonaws.com to use it).",
        check=_encrypted,
        fsbp=("CloudTrail.2",),
        nist_800_53=("AU-9", "SC-28"),
        cdk_nag=("NIST.800.53.R5-CloudTrailEncryptionEnabled",),
        checkov=("CKV_AWS_35",),
    ),
    Rule(
        id="SC-TRAIL-4",
        title="CloudTrail trails deliver to CloudWatch Logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=TRAIL,
        rationale="Files in S3 are read after the fact; delivered to CloudWatch Logs the "
        "events can drive metric filters and alarms (root sign-in, policy changes) "
        "while it happens. Both the log group and the role that writes to it are needed.",
        fix="Set send_to_cloud_watch_logs=True on cloudtrail.Trail (optionally "
        "cloud_watch_log_group and cloud_watch_logs_retention).",
        check=_cloudwatch_logs,
        fsbp=("CloudTrail.5",),
        nist_800_53=("AU-6", "SI-4"),
        cdk_nag=("NIST.800.53.R5-CloudTrailCloudWatchLogsEnabled",),
    ),
    Rule(
        id="SC-TRAIL-5",
        title="CloudTrail trails are logging",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=TRAIL,
        rationale="A trail with IsLogging false looks like coverage and records nothing.",
        fix="Do not override IsLogging on cloudtrail.Trail (it renders IsLogging: true).",
        check=_logging,
        nist_800_53=("AU-2", "AU-12"),
    ),
)
