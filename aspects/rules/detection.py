"""Account-level detection guardrails: GuardDuty, Security Hub, CloudWatch alarms, Config.

GuardDuty detectors on, Security Hub running the AWS Foundational Security Best Practices
standard, CloudWatch alarms that act, AWS Config recording every resource type.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from aspects.index import AppIndex, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.resolve import Placeholder, possible_texts, render
from aspects.rules._blocks import app_cache, must_be_true, setting
from aspects.values import properties

DETECTOR = ("AWS::GuardDuty::Detector",)
HUB = ("AWS::SecurityHub::Hub",)
ALARM = ("AWS::CloudWatch::Alarm",)
RECORDER = ("AWS::Config::ConfigurationRecorder",)

#: The part of a standards ARN that names FSBP (any version, any region).
FSBP_MARKER = "standards/aws-foundational-security-best-practices/"


def _detector_enabled(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r,
        "Enable",
        "the detector exists but GuardDuty analyses nothing (no CloudTrail, VPC flow or "
        "DNS findings)",
    )


@dataclass(frozen=True)
class _Standards:
    """What the AWS::SecurityHub::Standard resources of one stack say about FSBP."""

    fsbp: bool  # some standard certainly enables FSBP
    unknown: tuple[str, ...]  # logical ids of standards that may enable it (deploy time)


def _standards(app: AppIndex) -> dict[str, _Standards]:
    """Per template: the standards a hub of that template (account and region) runs."""
    found: dict[str, _Standards] = {}
    for template in app.templates:
        fsbp = False
        unknown: list[str] = []
        for logical_id in template.by_type.get("AWS::SecurityHub::Standard", ()):
            resource = template.resources[logical_id]
            props = properties(resource)
            arn = props.get("StandardsArn") if isinstance(props, Mapping) else None
            texts = possible_texts(arn, app.context(template)) if arn is not None else []
            matches = [FSBP_MARKER in render(text, unknown="") for text in texts]
            opaque = any(
                isinstance(part, Placeholder) and part.kind == "unknown"
                for text in texts
                for part in text
            )
            if texts and all(matches) and not opaque and "Condition" not in resource:
                fsbp = True
            elif any(matches) or opaque:
                unknown.append(logical_id)
        found[template.path] = _Standards(fsbp, tuple(unknown))
    return found


def _hub_standards(r: ResourceView) -> Iterator[Problem]:
    default = setting(r, "EnableDefaultStandards")
    if default is None or r.bool(default, "EnableDefaultStandards"):
        return  # AWS enables FSBP and CIS 1.2 with the hub
    found = app_cache(r.app, "securityhub_standards", _standards).get(
        r.template.path, _Standards(fsbp=False, unknown=())
    )
    if found.fsbp:
        return
    if found.unknown:
        raise CannotVerify(
            "EnableDefaultStandards is false and whether FSBP is enabled depends on the "
            f"AWS::SecurityHub::Standard {', '.join(found.unknown)}, whose StandardsArn or "
            "condition is only known at deploy time",
            "Properties.EnableDefaultStandards",
        )
    yield Problem(
        "EnableDefaultStandards is false and no AWS::SecurityHub::Standard of the stack "
        f"enables AWS Foundational Security Best Practices ({FSBP_MARKER}...): the hub "
        "runs no FSBP control",
        "Properties.EnableDefaultStandards",
    )


def _alarm_acts(r: ResourceView) -> Iterator[Problem]:
    enabled = setting(r, "ActionsEnabled")
    if enabled is not None and not r.bool(enabled, "ActionsEnabled"):
        yield Problem(
            "ActionsEnabled is false: the alarm changes state but notifies nobody and "
            "triggers nothing",
            "Properties.ActionsEnabled",
        )
    actions = setting(r, "AlarmActions")
    if actions is not None:
        actions = r.literal(actions, "AlarmActions")
    if not actions:
        yield Problem(
            "AlarmActions is empty: when the alarm fires, nobody is notified and nothing "
            "acts on it",
            "Properties.AlarmActions",
        )


def _records_everything(r: ResourceView) -> Iterator[Problem]:
    if setting(r, "RecordingGroup") is None:
        yield Problem(
            "RecordingGroup is not set: AWS Config records the regional resource types only, "
            "not the global IAM ones (users, groups, roles, customer managed policies)",
            "Properties.RecordingGroup",
        )
        return
    yield from must_be_true(
        r,
        "RecordingGroup.AllSupported",
        "only the listed resource types are recorded, so changes to any other type leave "
        "no configuration history",
    )
    yield from must_be_true(
        r,
        "RecordingGroup.IncludeGlobalResourceTypes",
        "changes to IAM users, groups, roles and customer managed policies are not recorded",
    )


RULES = (
    Rule(
        id="SC-GUARDDUTY-1",
        title="GuardDuty detectors are enabled",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=DETECTOR,
        rationale="GuardDuty turns CloudTrail, VPC flow and DNS logs into threat findings "
        "(credential misuse, crypto mining, calls from known bad addresses); a disabled "
        "detector finds nothing.",
        fix="Set enable=True on guardduty.CfnDetector.",
        check=_detector_enabled,
        fsbp=("GuardDuty.1",),
        nist_800_53=("SI-4", "IR-4"),
    ),
    Rule(
        id="SC-SECURITYHUB-1",
        title="Security Hub runs the AWS Foundational Security Best Practices standard",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=HUB,
        rationale="A hub without standards only collects other services' findings; FSBP "
        "(and CIS) evaluate the account's configuration continuously. The hub enables FSBP "
        "and CIS 1.2 itself unless EnableDefaultStandards is false; then an "
        "AWS::SecurityHub::Standard in the hub's stack must enable FSBP. Some organisations enable "
        "standards centrally, hence a warning.",
        fix="Keep enable_default_standards unset (or True) on securityhub.CfnHub, or add a "
        'securityhub.CfnStandard with standards_arn=f"arn:{Aws.PARTITION}:securityhub:'
        '{Aws.REGION}::standards/aws-foundational-security-best-practices/v/1.0.0" '
        "(and one for CIS).",
        check=_hub_standards,
        nist_800_53=("CA-7", "SI-4"),
    ),
    Rule(
        id="SC-CW-1",
        title="CloudWatch alarms have an alarm action",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=ALARM,
        rationale="An alarm nobody hears is a graph: with actions disabled or no "
        "AlarmActions, a breach changes the alarm's state and nothing else. Alarms that "
        "only feed a dashboard or a composite alarm are legitimate, hence a warning.",
        fix="Call alarm.add_alarm_action(cloudwatch_actions.SnsAction(topic)) on "
        "cloudwatch.Alarm and keep actions_enabled=True (its default).",
        check=_alarm_acts,
        nist_800_53=("SI-4", "IR-6"),
        cdk_nag=("NIST.800.53.R5-CloudWatchAlarmAction",),
    ),
    Rule(
        id="SC-CONFIG-1",
        title="AWS Config recorders record every resource type, global ones included",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=RECORDER,
        rationale="Configuration history is what shows when a security group opened or a "
        "policy widened; types left out leave no trace. By default the recorder skips the "
        "global IAM types. Accounts that record global types in one home region only may "
        "set IncludeGlobalResourceTypes false elsewhere, hence a warning.",
        fix="Set recording_group=config.CfnConfigurationRecorder.RecordingGroupProperty("
        "all_supported=True, include_global_resource_types=True) on "
        "config.CfnConfigurationRecorder.",
        check=_records_everything,
        fsbp=("Config.1",),
        nist_800_53=("CM-8", "CM-3"),
    ),
)
