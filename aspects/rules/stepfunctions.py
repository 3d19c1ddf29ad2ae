"""AWS Step Functions guardrails: execution logs, every event, X-Ray, a customer key.

``LoggingConfiguration.Level`` defaults to ``OFF``: a state machine without it leaves no
log (an Express workflow then leaves no record of its executions at all). ``ERROR`` and
``FATAL`` log only failures. ``IncludeExecutionData`` is not required: inputs and outputs
may carry personal data and secrets, and whether to copy them into logs is a design choice.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ExternalRef, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import must_be_true, setting
from aspects.rules._common import Deferred, kms_key_problems
from aspects.values import intrinsic_name

STATE_MACHINE = ("AWS::StepFunctions::StateMachine",)
_LEVEL = "LoggingConfiguration.Level"
_DESTINATIONS = "LoggingConfiguration.Destinations"


def _level(r: ResourceView) -> str | None:
    """The literal logging level (None when not set, which means OFF)."""
    raw = setting(r, _LEVEL)
    return None if raw is None else str(r.literal(raw, _LEVEL))


# -- SC-SFN-1 logs to a log group of the app -------------------------------------------------


def _logs_to_app_log_group(r: ResourceView) -> Iterator[Problem]:
    level = _level(r)
    if level is None or level == "OFF":
        shown = "not set (Step Functions defaults to OFF)" if level is None else "'OFF'"
        yield Problem(
            f"{_LEVEL} is {shown}, so executions leave no log to investigate a failure or "
            "an unexpected run with",
            f"Properties.{_LEVEL}",
        )
        return
    destinations = setting(r, _DESTINATIONS)
    if intrinsic_name(destinations) is not None:
        raise CannotVerify(
            f"{_DESTINATIONS} is set by an expression, so where the logs go is only known "
            "at deploy time",
            f"Properties.{_DESTINATIONS}",
        )
    entries = destinations if isinstance(destinations, list) else []
    arns = [(i, _log_group_arn(entry)) for i, entry in enumerate(entries)]
    named = [(i, arn) for i, arn in arns if not (arn is None or _blank(arn))]
    if not named:
        yield Problem(
            f"{_DESTINATIONS} names no CloudWatch Logs log group "
            "(CloudWatchLogsLogGroup.LogGroupArn), so the execution logs go nowhere",
            f"Properties.{_DESTINATIONS}",
        )
        return
    deferred = Deferred()
    for i, arn in named:
        with deferred:
            yield from _declared_log_group(r, arn, f"{_DESTINATIONS}[{i}]")
    deferred.raise_first()


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def _log_group_arn(entry: Any) -> Any:
    if intrinsic_name(entry) is not None or not isinstance(entry, Mapping):
        return entry  # judged (as an expression) by _declared_log_group
    group = entry.get("CloudWatchLogsLogGroup")
    return group.get("LogGroupArn") if isinstance(group, Mapping) else group


def _declared_log_group(r: ResourceView, arn: Any, where: str) -> Iterator[Problem]:
    what = f"{where}.CloudWatchLogsLogGroup.LogGroupArn"
    ref = r.follow(arn, what)
    if isinstance(ref, ExternalRef):
        name = ref.literal.split(":log-group:", 1)[-1].split(":", 1)[0] if ref.literal else None
        if name is not None and name in r.app.log_groups_by_name:
            return
        raise CannotVerify(
            f"{what} is {ref.description}, a log group not declared in the app, so whether "
            "the logs are encrypted and kept long enough cannot be verified",
            f"Properties.{what}",
        )
    if ref.type != "AWS::Logs::LogGroup":
        yield Problem(
            f"{what} refers to {ref.logical_id} ({ref.type}), not a log group",
            f"Properties.{what}",
        )


# -- SC-SFN-2 every event --------------------------------------------------------------------


def _logs_all_events(r: ResourceView) -> Iterator[Problem]:
    level = _level(r)
    if level is None or level in ("OFF", "ALL"):
        return  # OFF is SC-SFN-1's finding
    yield Problem(
        f"{_LEVEL} is {level!r}: only failed executions are logged, so what successful "
        "executions did (which states ran, which services they called) leaves no log; use ALL",
        f"Properties.{_LEVEL}",
    )


# -- SC-SFN-3 X-Ray --------------------------------------------------------------------------


def _tracing(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r,
        "TracingConfiguration.Enabled",
        "X-Ray does not trace the executions and the calls they make to other services",
    )


# -- SC-SFN-4 customer-managed key -----------------------------------------------------------


def _customer_key(r: ResourceView) -> Iterator[Problem]:
    raw = setting(r, "EncryptionConfiguration.Type")
    kind = None if raw is None else str(r.literal(raw, "EncryptionConfiguration.Type"))
    if kind != "CUSTOMER_MANAGED_KMS_KEY":
        shown = "not set (Step Functions uses AWS_OWNED_KEY)" if kind is None else repr(kind)
        yield Problem(
            f"EncryptionConfiguration.Type is {shown}, so the definition and the execution "
            "history (inputs, outputs, errors) are encrypted with an AWS owned key that no "
            "key policy of yours governs",
            "Properties.EncryptionConfiguration.Type",
        )
        return
    yield from kms_key_problems(
        r, setting(r, "EncryptionConfiguration.KmsKeyId"), "EncryptionConfiguration.KmsKeyId"
    )


RULES = (
    Rule(
        id="SC-SFN-1",
        title="State machines log executions to a log group declared in the app",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=STATE_MACHINE,
        rationale="Logging is OFF unless LoggingConfiguration sets a level and a CloudWatch "
        "Logs destination; without it failures and unexpected runs cannot be investigated, "
        "and an Express workflow leaves no record of its executions at all. The log group "
        "must be one the app declares, so the log-group rules judge its encryption and "
        "retention; a log group named outside the app cannot be verified.",
        fix="Set logs=sfn.LogOptions(destination=<logs.LogGroup>, level=sfn.LogLevel.ALL) "
        "on sfn.StateMachine, with an encrypted log group that expires.",
        check=_logs_to_app_log_group,
        fsbp=("StepFunctions.1",),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-SF1",),
    ),
    Rule(
        id="SC-SFN-2",
        title="State machines log every event, not only errors",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=STATE_MACHINE,
        rationale="Level ERROR or FATAL records failed executions only: a successful run "
        "that did something it should not leaves no log (for Express workflows, no trace at "
        "all). ALL records every state transition. It is a warning because a Standard "
        "workflow keeps its execution history in Step Functions for 90 days anyway, and ALL "
        "costs more on busy workflows. Execution data (IncludeExecutionData) is not "
        "required: inputs and outputs may hold personal data or secrets.",
        fix="Set level=sfn.LogLevel.ALL in sfn.LogOptions (CDK's default level is ERROR).",
        check=_logs_all_events,
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-SF1",),
    ),
    Rule(
        id="SC-SFN-3",
        title="State machines trace executions with X-Ray",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=STATE_MACHINE,
        rationale="Active tracing records every execution and the service calls it makes, "
        "which an investigation of unexpected access or behaviour across the workflow relies "
        "on. It is off by default.",
        fix="Set tracing_enabled=True on sfn.StateMachine (TracingConfiguration.Enabled).",
        check=_tracing,
        nist_800_53=("AU-12",),
        cdk_nag=("AwsSolutions-SF2", "Serverless-StepFunctionStateMachineXray"),
    ),
    Rule(
        id="SC-SFN-4",
        title="State machines encrypt their data with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.WARNING,
        resource_types=STATE_MACHINE,
        rationale="Step Functions keeps the definition and each execution's inputs, outputs "
        "and errors (90 days for Standard workflows). By default an AWS owned key encrypts "
        "them; with a key you manage, reading execution data also needs kms:Decrypt on your "
        "key, under its key policy and CloudTrail. A warning: the data is encrypted either "
        "way, and the key must also be granted to the log delivery and every caller.",
        fix="Set encryption_configuration=sfn.CustomerManagedEncryptionConfiguration(<kms.Key>) "
        "on sfn.StateMachine (EncryptionConfiguration Type CUSTOMER_MANAGED_KMS_KEY, KmsKeyId).",
        check=_customer_key,
        nist_800_53=("SC-12", "SC-28"),
    ),
)
