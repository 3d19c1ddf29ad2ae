"""SC-GUARDDUTY-1, SC-SECURITYHUB-1, SC-CW-1, SC-CONFIG-1 on L2s, raw L1s, escape
hatches and tokens.

One app is synthesized for the module. Stack ``Detection`` holds one detector, alarm and
configuration recorder per case (construct id = case name). A hub looks for its standards
in its own stack (one account and region), so each Security Hub case is a stack of its
own, named ``Hub<Case>``, with the hub ``Hub`` and its standards.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_config as config
from aws_cdk import aws_guardduty as guardduty
from aws_cdk import aws_kms as kms
from aws_cdk import aws_securityhub as securityhub
from aws_cdk import aws_sns as sns

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, outcomes

MINE = ("SC-GUARDDUTY-1", "SC-SECURITYHUB-1", "SC-CW-1", "SC-CONFIG-1")
FSBP = (
    "arn:${AWS::Partition}:securityhub:${AWS::Region}::"
    "standards/aws-foundational-security-best-practices/v/1.0.0"
)
CIS = "arn:${AWS::Partition}:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
ROLE_ARN = (
    "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
)


def _detection(stack: cdk.Stack) -> None:
    flag = cdk.CfnParameter(stack, "Flag", default="true").value_as_string
    topics = cdk.CfnParameter(stack, "Topics", type="CommaDelimitedList", default="a")
    switch = Switch(stack)
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    topic = sns.Topic(stack, "Topic", master_key=key, enforce_ssl=True)

    # SC-GUARDDUTY-1.
    guardduty.CfnDetector(stack, "Detector", enable=True)
    guardduty.CfnDetector(stack, "DetectorDisabled", enable=False)
    guardduty.CfnDetector(stack, "EscDetectorDisabled", enable=True).add_property_override(
        "Enable", False
    )
    guardduty.CfnDetector(stack, "ParamDetector", enable=True).add_property_override("Enable", flag)
    guardduty.CfnDetector(stack, "IfDetector", enable=True).add_property_override(
        "Enable", switch.pick(True, False)
    )
    guardduty.CfnDetector(stack, "IfDetectorBoth", enable=True).add_property_override(
        "Enable", switch.pick(True, True)
    )

    # SC-CW-1.
    def alarm(construct_id: str, *, act: bool = True, **overrides: Any) -> cloudwatch.Alarm:
        props: dict[str, Any] = {
            "metric": cloudwatch.Metric(namespace="App", metric_name="Errors"),
            "threshold": 1,
            "evaluation_periods": 1,
        }
        props.update(overrides)
        made = cloudwatch.Alarm(stack, construct_id, **props)
        if act:
            made.add_alarm_action(cloudwatch_actions.SnsAction(topic))
        return made

    def l1_alarm(construct_id: str, **overrides: Any) -> cloudwatch.CfnAlarm:
        props: dict[str, Any] = {
            "namespace": "App",
            "metric_name": "Errors",
            "statistic": "Sum",
            "period": 300,
            "threshold": 1,
            "evaluation_periods": 1,
            "comparison_operator": "GreaterThanOrEqualToThreshold",
            "alarm_actions": [topic.topic_arn],
        }
        props.update(overrides)
        return cloudwatch.CfnAlarm(stack, construct_id, **props)

    alarm("Alarm")
    l1_alarm("L1Alarm")
    alarm("AlarmSilent", act=False)
    alarm("AlarmDisabled", actions_enabled=False)
    l1_alarm("L1AlarmSilent", alarm_actions=None, ok_actions=[topic.topic_arn])
    l1_alarm("L1AlarmEmpty", alarm_actions=[])
    cfn(alarm("EscAlarmSilent")).add_property_deletion_override("AlarmActions")
    cfn(alarm("EscAlarmDisabled")).add_property_override("ActionsEnabled", False)
    cfn(alarm("ParamAlarmEnabled")).add_property_override("ActionsEnabled", flag)
    l1_alarm("ParamAlarmActions", alarm_actions=topics.value_as_list)
    cfn(alarm("IfAlarmEnabled")).add_property_override("ActionsEnabled", switch.pick(True, False))
    cfn(alarm("IfAlarmEnabledBoth")).add_property_override(
        "ActionsEnabled", switch.pick(True, True)
    )

    # SC-CONFIG-1.
    everything = config.CfnConfigurationRecorder.RecordingGroupProperty(
        all_supported=True, include_global_resource_types=True
    )

    def recorder(construct_id: str, **overrides: Any) -> config.CfnConfigurationRecorder:
        props: dict[str, Any] = {"role_arn": ROLE_ARN, "recording_group": everything}
        props.update(overrides)
        return config.CfnConfigurationRecorder(stack, construct_id, **props)

    recorder("Recorder")
    recorder("RecorderDefault", recording_group=None)
    recorder(
        "RecorderSomeTypes",
        recording_group=config.CfnConfigurationRecorder.RecordingGroupProperty(
            all_supported=False,
            include_global_resource_types=True,
            resource_types=["AWS::S3::Bucket"],
        ),
    )
    recorder(
        "RecorderRegional",
        recording_group=config.CfnConfigurationRecorder.RecordingGroupProperty(all_supported=True),
    )
    recorder("EscRecorderRegional").add_property_override(
        "RecordingGroup.IncludeGlobalResourceTypes", False
    )
    recorder("ParamRecorder").add_property_override("RecordingGroup.AllSupported", flag)
    recorder("IfRecorder").add_property_override(
        "RecordingGroup.IncludeGlobalResourceTypes", switch.pick(True, False)
    )


def _hub(app: cdk.App, case: str, *, defaults: Any = None, standards: tuple[Any, ...] = ()) -> None:
    stack = cdk.Stack(app, f"Hub{case}")
    hub = securityhub.CfnHub(stack, "Hub")
    if defaults is not None:
        hub.add_property_override(
            "EnableDefaultStandards",
            defaults(stack) if callable(defaults) else defaults,
        )
    for i, arn in enumerate(standards):
        value = arn(stack) if callable(arn) else cdk.Fn.sub(arn)
        securityhub.CfnStandard(stack, f"Standard{i}", standards_arn=value).add_dependency(hub)


def _parameter(stack: cdk.Stack) -> str:
    return cdk.CfnParameter(stack, "Value", default="x").value_as_string


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _detection(cdk.Stack(app, "Detection"))
    _hub(app, "Default")
    _hub(app, "DefaultsOn", defaults=True)
    _hub(app, "Fsbp", defaults=False, standards=(FSBP, CIS))
    _hub(app, "NoStandards", defaults=False)
    _hub(app, "CisOnly", defaults=False, standards=(CIS,))
    _hub(app, "ParamStandard", defaults=False, standards=(_parameter,))
    _hub(app, "ParamDefaults", defaults=_parameter)
    return check_app(app)


def mine(ev: Checked, path: str) -> set[tuple[str, Status]]:
    """The outcomes of this module's rules at *path*."""
    return {o for o in outcomes(ev, path) if o[0] in MINE}


@pytest.mark.parametrize(
    "path",
    [
        "Detection/Detector",
        "Detection/IfDetectorBoth",
        "Detection/Alarm",
        "Detection/L1Alarm",
        "Detection/IfAlarmEnabledBoth",
        "Detection/Recorder",
        "HubDefault/Hub",
        "HubDefaultsOn/Hub",
        "HubFsbp/Hub",
    ],
)
def test_secure_resource_has_no_finding(ev: Checked, path: str) -> None:
    assert mine(ev, path) == set()


def test_secure_alarm_and_topic_have_no_finding_of_any_rule(ev: Checked) -> None:
    assert outcomes(ev, "Detection/Alarm") == set()


@pytest.mark.parametrize(
    ("path", "rule", "status"),
    [
        ("Detection/DetectorDisabled", "SC-GUARDDUTY-1", NON_COMPLIANT),
        ("Detection/EscDetectorDisabled", "SC-GUARDDUTY-1", NON_COMPLIANT),
        ("Detection/ParamDetector", "SC-GUARDDUTY-1", CANNOT_VERIFY),
        ("Detection/IfDetector", "SC-GUARDDUTY-1", CANNOT_VERIFY),
        ("HubNoStandards/Hub", "SC-SECURITYHUB-1", NON_COMPLIANT),
        ("HubCisOnly/Hub", "SC-SECURITYHUB-1", NON_COMPLIANT),
        ("HubParamStandard/Hub", "SC-SECURITYHUB-1", CANNOT_VERIFY),
        ("HubParamDefaults/Hub", "SC-SECURITYHUB-1", CANNOT_VERIFY),
        ("Detection/AlarmSilent", "SC-CW-1", NON_COMPLIANT),
        ("Detection/AlarmDisabled", "SC-CW-1", NON_COMPLIANT),
        ("Detection/L1AlarmSilent", "SC-CW-1", NON_COMPLIANT),
        ("Detection/L1AlarmEmpty", "SC-CW-1", NON_COMPLIANT),
        ("Detection/EscAlarmSilent", "SC-CW-1", NON_COMPLIANT),
        ("Detection/EscAlarmDisabled", "SC-CW-1", NON_COMPLIANT),
        ("Detection/ParamAlarmEnabled", "SC-CW-1", CANNOT_VERIFY),
        ("Detection/ParamAlarmActions", "SC-CW-1", CANNOT_VERIFY),
        ("Detection/IfAlarmEnabled", "SC-CW-1", CANNOT_VERIFY),
        ("Detection/RecorderDefault", "SC-CONFIG-1", NON_COMPLIANT),
        ("Detection/RecorderSomeTypes", "SC-CONFIG-1", NON_COMPLIANT),
        ("Detection/RecorderRegional", "SC-CONFIG-1", NON_COMPLIANT),
        ("Detection/EscRecorderRegional", "SC-CONFIG-1", NON_COMPLIANT),
        ("Detection/ParamRecorder", "SC-CONFIG-1", CANNOT_VERIFY),
        ("Detection/IfRecorder", "SC-CONFIG-1", CANNOT_VERIFY),
    ],
)
def test_each_weakened_setting_gives_exactly_its_rule(
    ev: Checked, path: str, rule: str, status: Status
) -> None:
    assert mine(ev, path) == {(rule, status)}


def test_alarm_findings_name_the_property(ev: Checked) -> None:
    def messages(name: str) -> dict[str, str]:
        return {
            f.property_path: f.message
            for f in ev.evaluation.findings
            if f.rule.id == "SC-CW-1" and f.construct_path == f"Detection/{name}/Resource"
        }

    assert set(messages("AlarmSilent")) == {"Properties.AlarmActions"}
    assert set(messages("AlarmDisabled")) == {"Properties.ActionsEnabled"}
