"""CloudWatch Logs guardrails: encrypted with a KMS key, minimum finite retention, retained."""

from __future__ import annotations

from collections.abc import Iterator

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._common import kms_key_problems, retention_problems

LOG_GROUP = ("AWS::Logs::LogGroup",)


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    yield from kms_key_problems(r, r.props.get("KmsKeyId"), "KmsKeyId")


def _retention_days(r: ResourceView) -> Iterator[Problem]:
    audit = r.app.audit_log_stores.get(r.key)
    least = r.settings.audit_log_retention_days if audit else r.settings.log_retention_days
    kind = f"it receives {audit}, so it is an audit log" if audit else "an application log"
    days = r.props.get("RetentionInDays")
    if days is None:
        yield Problem(
            "RetentionInDays is not set, so the logs are never expired: choose how long "
            f"they are needed ({kind}: at least {least} days)",
            "Properties.RetentionInDays",
        )
        return
    kept = r.int(days, "RetentionInDays")
    if kept < least:
        yield Problem(
            f"RetentionInDays is {kept}; {kind}, kept at least {least} days so an "
            "investigation still finds it",
            "Properties.RetentionInDays",
        )


def _retained(r: ResourceView) -> Iterator[Problem]:
    yield from retention_problems(r)


RULES = (
    Rule(
        id="SC-LOGS-1",
        title="Log groups are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=LOG_GROUP,
        rationale="Logs hold request data, identifiers and sometimes secrets; a key you "
        "control decides who can read them.",
        fix="Set encryption_key on the LogGroup (its key policy must allow the regional "
        "logs service principal).",
        check=_encrypted,
        nist_800_53=("AU-9", "SC-28"),
        cdk_nag=("NIST.800.53.R5-CloudWatchLogGroupEncrypted",),
        checkov=("CKV_AWS_158",),
    ),
    Rule(
        id="SC-LOGS-2",
        title="Log groups have a finite retention, long enough for investigations",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=LOG_GROUP,
        rationale="An explicit retention keeps logs long enough for investigations and no "
        "longer than policy allows: application logs at least 90 days, audit logs (flow "
        "logs, WAF logs, CloudTrail) at least 365 (Thresholds.log_retention_days and "
        "audit_log_retention_days).",
        fix="Set retention to a RetentionDays value of at least THREE_MONTHS (ONE_YEAR for "
        "flow, WAF and trail logs), not INFINITE.",
        check=_retention_days,
        nist_800_53=("AU-11",),
        cdk_nag=("NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod",),
        checkov=("CKV_AWS_66",),
    ),
    Rule(
        id="SC-LOGS-3",
        title="Log groups are retained when removed from the stack",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=LOG_GROUP,
        rationale="Logs are the record an investigation needs after the fact: deleting the "
        "stack, renaming the log group or a replacement must not delete them with it. "
        "CDK's LogGroup retains by default; an escape hatch, a raw CfnLogGroup or "
        "removal_policy=DESTROY does not.",
        fix="Keep removal_policy=RemovalPolicy.RETAIN on the LogGroup (DeletionPolicy and "
        "UpdateReplacePolicy Retain); expire old events with retention instead.",
        check=_retained,
        nist_800_53=("AU-9", "AU-11"),
    ),
)
