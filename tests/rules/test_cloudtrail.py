"""SC-TRAIL-1..5 on trails built from the L2, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Trails`` holds one trail per case
(construct id = case name). The L2 trail creates its bucket, log group and role below
it, which other rule families judge; the assertions look at SC-TRAIL findings only.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_kms as kms

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, outcomes

AWS_MANAGED_KEY = "alias/aws/cloudtrail"
LOG_GROUP_ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:trail"
ROLE_ARN = "arn:aws:iam::123456789012:role/trail-to-logs"


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    flag = cdk.CfnParameter(stack, "Flag", default="true").value_as_string
    text = cdk.CfnParameter(stack, "Text", default="x").value_as_string
    switch = Switch(stack)

    def trail(construct_id: str, **overrides: Any) -> cloudtrail.Trail:
        props: dict[str, Any] = {"encryption_key": key, "send_to_cloud_watch_logs": True}
        props.update(overrides)
        return cloudtrail.Trail(stack, construct_id, **props)

    def l1(construct_id: str, **overrides: Any) -> cloudtrail.CfnTrail:
        props: dict[str, Any] = {
            "is_logging": True,
            "s3_bucket_name": "audit-bucket-outside-the-app",
            "is_multi_region_trail": True,
            "enable_log_file_validation": True,
            "kms_key_id": key.key_arn,
            "cloud_watch_logs_log_group_arn": LOG_GROUP_ARN,
            "cloud_watch_logs_role_arn": ROLE_ARN,
        }
        props.update(overrides)
        return cloudtrail.CfnTrail(stack, construct_id, **props)

    # Compliant references.
    trail("Secure")
    l1("L1Secure")

    # The plain L2: multi-region, validated and logging by default; no key, no CloudWatch.
    cloudtrail.Trail(stack, "Plain")
    l1(
        "L1Bare",
        is_multi_region_trail=None,
        enable_log_file_validation=None,
        kms_key_id=None,
        cloud_watch_logs_log_group_arn=None,
        cloud_watch_logs_role_arn=None,
    )

    # SC-TRAIL-1 multi-region.
    trail("SingleRegion", is_multi_region_trail=False)
    l1("L1SingleRegion", is_multi_region_trail=False)
    cfn(trail("EscSingleRegion")).add_property_deletion_override("IsMultiRegionTrail")
    cfn(trail("ParamRegions")).add_property_override("IsMultiRegionTrail", flag)
    cfn(trail("IfRegions")).add_property_override("IsMultiRegionTrail", switch.pick(True, False))
    cfn(trail("IfRegionsBoth")).add_property_override("IsMultiRegionTrail", switch.pick(True, True))

    # SC-TRAIL-2 log file validation.
    trail("NoValidation", enable_file_validation=False)
    l1("L1NoValidation", enable_log_file_validation=False)
    cfn(trail("EscNoValidation")).add_property_override("EnableLogFileValidation", False)
    cfn(trail("ParamValidation")).add_property_override("EnableLogFileValidation", flag)

    # SC-TRAIL-3 customer-managed key.
    l1("L1AwsManagedKey", kms_key_id=AWS_MANAGED_KEY)
    cfn(trail("EscNoKey")).add_property_deletion_override("KMSKeyId")
    cfn(trail("ParamKey")).add_property_override("KMSKeyId", text)
    cfn(trail("IfKey")).add_property_override(
        "KMSKeyId", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )

    # SC-TRAIL-4 CloudWatch Logs delivery.
    trail("NoCloudWatch", send_to_cloud_watch_logs=False)
    l1("L1NoRole", cloud_watch_logs_role_arn=None)
    l1("L1EmptyGroup", cloud_watch_logs_log_group_arn="")
    cfn(trail("EscNoGroup")).add_property_deletion_override("CloudWatchLogsLogGroupArn")
    l1("ParamGroup", cloud_watch_logs_log_group_arn=text)

    # SC-TRAIL-5 logging on.
    l1("L1NotLogging", is_logging=False)
    cfn(trail("EscNotLogging")).add_property_override("IsLogging", False)
    cfn(trail("ParamLogging")).add_property_override("IsLogging", flag)
    cfn(trail("IfLogging")).add_property_override("IsLogging", switch.pick(True, False))
    cfn(trail("IfLoggingBoth")).add_property_override("IsLogging", switch.pick(True, True))


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Trails"))
    return check_app(app)


def trail(ev: Checked, name: str) -> set[tuple[str, Status]]:
    """The SC-TRAIL outcomes of the trail *name* (its bucket, role, log group aside)."""
    return {o for o in outcomes(ev, f"Trails/{name}") if o[0].startswith("SC-TRAIL-")}


def test_l2_trail_defaults_are_multi_region_validated_and_logging(ev: Checked) -> None:
    resources = ev.templates["Trails"]["Resources"]
    (secure,) = (
        v["Properties"]
        for k, v in resources.items()
        if k.startswith("Secure") and v["Type"] == "AWS::CloudTrail::Trail"
    )
    assert secure["IsMultiRegionTrail"] is True
    assert secure["EnableLogFileValidation"] is True
    assert secure["IsLogging"] is True


@pytest.mark.parametrize("name", ["Secure", "L1Secure", "IfRegionsBoth", "IfLoggingBoth"])
def test_hardened_trail_has_no_finding(ev: Checked, name: str) -> None:
    assert trail(ev, name) == set()


def test_plain_l2_trail_lacks_key_and_cloudwatch_logs(ev: Checked) -> None:
    assert trail(ev, "Plain") == {("SC-TRAIL-3", NON_COMPLIANT), ("SC-TRAIL-4", NON_COMPLIANT)}


def test_bare_l1_trail_fails_all_but_logging(ev: Checked) -> None:
    assert trail(ev, "L1Bare") == {
        ("SC-TRAIL-1", NON_COMPLIANT),
        ("SC-TRAIL-2", NON_COMPLIANT),
        ("SC-TRAIL-3", NON_COMPLIANT),
        ("SC-TRAIL-4", NON_COMPLIANT),
    }


@pytest.mark.parametrize(
    ("name", "rule", "status"),
    [
        ("SingleRegion", "SC-TRAIL-1", NON_COMPLIANT),
        ("L1SingleRegion", "SC-TRAIL-1", NON_COMPLIANT),
        ("EscSingleRegion", "SC-TRAIL-1", NON_COMPLIANT),
        ("ParamRegions", "SC-TRAIL-1", CANNOT_VERIFY),
        ("IfRegions", "SC-TRAIL-1", CANNOT_VERIFY),
        ("NoValidation", "SC-TRAIL-2", NON_COMPLIANT),
        ("L1NoValidation", "SC-TRAIL-2", NON_COMPLIANT),
        ("EscNoValidation", "SC-TRAIL-2", NON_COMPLIANT),
        ("ParamValidation", "SC-TRAIL-2", CANNOT_VERIFY),
        ("L1AwsManagedKey", "SC-TRAIL-3", NON_COMPLIANT),
        ("EscNoKey", "SC-TRAIL-3", NON_COMPLIANT),
        ("ParamKey", "SC-TRAIL-3", CANNOT_VERIFY),
        ("IfKey", "SC-TRAIL-3", CANNOT_VERIFY),
        ("NoCloudWatch", "SC-TRAIL-4", NON_COMPLIANT),
        ("L1NoRole", "SC-TRAIL-4", NON_COMPLIANT),
        ("L1EmptyGroup", "SC-TRAIL-4", NON_COMPLIANT),
        ("EscNoGroup", "SC-TRAIL-4", NON_COMPLIANT),
        ("ParamGroup", "SC-TRAIL-4", CANNOT_VERIFY),
        ("L1NotLogging", "SC-TRAIL-5", NON_COMPLIANT),
        ("EscNotLogging", "SC-TRAIL-5", NON_COMPLIANT),
        ("ParamLogging", "SC-TRAIL-5", CANNOT_VERIFY),
        ("IfLogging", "SC-TRAIL-5", CANNOT_VERIFY),
    ],
)
def test_each_weakened_setting_gives_exactly_its_rule(
    ev: Checked, name: str, rule: str, status: Status
) -> None:
    assert trail(ev, name) == {(rule, status)}


def test_findings_name_the_property(ev: Checked) -> None:
    paths = {
        f.rule.id: f.property_path
        for f in ev.evaluation.findings
        if f.construct_path is not None and f.construct_path.startswith("Trails/L1Bare")
    }
    assert paths["SC-TRAIL-1"] == "Properties.IsMultiRegionTrail"
    assert paths["SC-TRAIL-3"] == "Properties.KMSKeyId"
