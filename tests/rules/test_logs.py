"""SC-LOGS-1..3 on log groups built from L2s, raw L1s, escape hatches and tokens.

SC-LOGS-2 applies the thresholds: at least 90 days for application logs, 365 for the
log groups that receive flow logs, WAF logs or a trail (``aspects.settings``).

One app is synthesized for the module: stack ``Logs`` holds one log group per case
(construct id = case name), stack ``LogsKeys`` a key that ``Logs`` uses through a
cross-stack reference.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

from aspects.settings import Thresholds
from aspects.testing import check

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, ids, outcomes

LITERAL_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/logs"


def _build(stack: cdk.Stack, foreign_key: kms.IKey) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    days = cdk.CfnParameter(stack, "Days", type="Number", default=30).value_as_number
    switch = Switch(stack)

    def group(construct_id: str, **overrides: Any) -> logs.LogGroup:
        props: dict[str, Any] = {
            "encryption_key": key,
            "retention": logs.RetentionDays.ONE_YEAR,
        }
        props.update(overrides)
        return logs.LogGroup(stack, construct_id, **props)

    def l1(construct_id: str, **overrides: Any) -> logs.CfnLogGroup:
        props: dict[str, Any] = {"kms_key_id": key.key_arn, "retention_in_days": 90}
        retained = overrides.pop("retained", True)
        props.update(overrides)
        resource = logs.CfnLogGroup(stack, construct_id, **props)
        if retained:
            resource.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        return resource

    # Compliant references.
    group("Secure")
    l1("L1Secure")

    # SC-LOGS-1 encryption and the key reference policy.
    group("Unencrypted", encryption_key=None)
    l1("L1Unencrypted", kms_key_id=None)
    cfn(group("EscUnencrypted")).add_property_deletion_override("KmsKeyId")
    cfn(group("ParamKey")).add_property_override("KmsKeyId", setting)
    cfn(group("IfKey")).add_property_override(
        "KmsKeyId", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )
    cfn(group("IfTwoKeys")).add_property_override(
        "KmsKeyId", switch.pick(key.key_arn, other_key.key_arn)
    )
    group("ForeignKey", encryption_key=foreign_key)
    l1("LiteralKey", kms_key_id=LITERAL_KEY_ARN)
    l1("AwsManagedKey", kms_key_id=AWS_MANAGED_ALIAS_ARN)

    # SC-LOGS-2 retention.
    group("KeptForever", retention=logs.RetentionDays.INFINITE)
    l1("L1KeptForever", retention_in_days=None)
    cfn(group("EscKeptForever")).add_property_deletion_override("RetentionInDays")
    cfn(group("ParamRetention")).add_property_override("RetentionInDays", days)
    cfn(group("IfRetention")).add_property_override(
        "RetentionInDays", switch.pick(90, cdk.Aws.NO_VALUE)
    )
    cfn(group("IfRetentionBoth")).add_property_override("RetentionInDays", switch.pick(90, 365))
    cfn(group("IfRetentionShort")).add_property_override("RetentionInDays", switch.pick(90, 30))
    group("OneMonth", retention=logs.RetentionDays.ONE_MONTH)
    group("ThreeMonths", retention=logs.RetentionDays.THREE_MONTHS)
    l1("L1OneWeek", retention_in_days=7)
    cfn(group("EscOneDay")).add_property_override("RetentionInDays", 1)
    # Audit logs: a flow log's and a trail's log groups need a year.
    vpc_logs = group("FlowLogsThreeMonths", retention=logs.RetentionDays.THREE_MONTHS)
    group("FlowLogsOneYear", retention=logs.RetentionDays.ONE_YEAR)
    for name, target in (("FlowToShort", vpc_logs), ("FlowToYear", None)):
        ec2.CfnFlowLog(
            stack,
            name,
            resource_id="vpc-0123456789abcdef0",
            resource_type="VPC",
            traffic_type="ALL",
            log_destination=(target or stack.node.find_child("FlowLogsOneYear")).log_group_arn,
            deliver_logs_permission_arn="arn:aws:iam::123456789012:role/flow-logs",
        )
    trail_logs = l1("TrailLogsByName", retention_in_days=180, log_group_name="trail-logs")
    cloudtrail.CfnTrail(
        stack,
        "Trail",
        is_logging=True,
        s3_bucket_name="audit-bucket-outside-the-app",
        cloud_watch_logs_log_group_arn=f"arn:aws:logs:eu-west-1:123456789012:log-group:{trail_logs.log_group_name}",
        cloud_watch_logs_role_arn="arn:aws:iam::123456789012:role/trail",
    )

    # SC-LOGS-3 retained when removed from the stack.
    group("Destroyed", removal_policy=cdk.RemovalPolicy.DESTROY)
    l1("L1NoPolicy", retained=False)
    cfn(group("EscNoDeletionPolicy")).add_deletion_override("DeletionPolicy")
    cfn(group("EscReplaceDeletes")).add_override("UpdateReplacePolicy", "Delete")
    cfn(group("Snapshot")).apply_removal_policy(cdk.RemovalPolicy.SNAPSHOT)


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    keys = cdk.Stack(app, "LogsKeys")
    _build(cdk.Stack(app, "Logs"), kms.Key(keys, "SharedKey", enable_key_rotation=True))
    return check_app(app)


def at(name: str) -> str:
    return f"Logs/{name}"


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["Secure", "L1Secure"])
def test_hardened_log_group_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


# -- SC-LOGS-1 encryption ----------------------------------------------------------------


def test_log_group_without_key_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("Unencrypted")) == {"SC-LOGS-1"}


def test_l1_log_group_without_key_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1Unencrypted")) == {"SC-LOGS-1"}


def test_key_removed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscUnencrypted")) == {("SC-LOGS-1", NON_COMPLIANT)}


def test_key_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamKey")) == {("SC-LOGS-1", CANNOT_VERIFY)}


def test_key_removed_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfKey")) == {("SC-LOGS-1", CANNOT_VERIFY)}


def test_choosing_between_two_keys_of_the_app_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfTwoKeys")) == set()


def test_key_of_another_stack_is_followed_through_the_import(ev: Checked) -> None:
    resources = ev.templates["Logs"]["Resources"]
    (group,) = (v for k, v in resources.items() if k.startswith("ForeignKey"))
    assert set(group["Properties"]["KmsKeyId"]) == {"Fn::ImportValue"}
    assert ids(ev, at("ForeignKey")) == set()


def test_literal_key_arn_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("LiteralKey")) == set()


def test_aws_managed_key_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("AwsManagedKey")) == {"SC-LOGS-1"}


def test_keys_of_the_app_have_no_finding(ev: Checked) -> None:
    assert ids(ev, at("Key")) | ids(ev, at("OtherKey")) | ids(ev, "LogsKeys") == set()


# -- SC-LOGS-2 retention -----------------------------------------------------------------


def test_log_group_kept_forever_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("KeptForever")) == {"SC-LOGS-2"}


def test_l1_log_group_without_retention_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1KeptForever")) == {"SC-LOGS-2"}


def test_retention_removed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscKeptForever")) == {("SC-LOGS-2", NON_COMPLIANT)}


def test_retention_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamRetention")) == {("SC-LOGS-2", CANNOT_VERIFY)}


def test_retention_removed_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfRetention")) == {("SC-LOGS-2", CANNOT_VERIFY)}


def test_finite_retention_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfRetentionBoth")) == set()


def test_retention_too_short_in_one_branch_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfRetentionShort")) == {("SC-LOGS-2", CANNOT_VERIFY)}


@pytest.mark.parametrize("name", ["OneMonth", "L1OneWeek", "EscOneDay"])
def test_retention_below_the_minimum_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-LOGS-2", NON_COMPLIANT)}
    (finding,) = [
        f
        for f in ev.evaluation.findings
        if f.rule.id == "SC-LOGS-2" and f.construct_path and f.construct_path.startswith(at(name))
    ]
    assert "at least 90 days" in finding.message
    assert finding.property_path == "Properties.RetentionInDays"


def test_three_months_is_enough_for_application_logs(ev: Checked) -> None:
    assert ids(ev, at("ThreeMonths")) == set()


def test_flow_log_destination_needs_a_year(ev: Checked) -> None:
    (finding,) = [
        f for f in ev.evaluation.findings if f.construct_path == at("FlowLogsThreeMonths/Resource")
    ]
    assert finding.rule.id == "SC-LOGS-2"
    assert "VPC flow logs of FlowToShort" in finding.message
    assert "at least 365 days" in finding.message
    assert ids(ev, at("FlowLogsOneYear")) == set()


def test_trail_log_group_found_by_name_in_an_arn_needs_a_year(ev: Checked) -> None:
    assert ids(ev, at("TrailLogsByName")) == {"SC-LOGS-2"}


def test_tighter_thresholds_raise_the_minimum() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Tight")
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    logs.LogGroup(stack, "Quarter", encryption_key=key, retention=logs.RetentionDays.THREE_MONTHS)
    logs.LogGroup(stack, "Year", encryption_key=key, retention=logs.RetentionDays.ONE_YEAR)
    evaluation = check(app, settings=Thresholds(log_retention_days=365))
    assert {(f.rule.id, f.construct_path) for f in evaluation.findings} == {
        ("SC-LOGS-2", "Tight/Quarter/Resource")
    }


# -- SC-LOGS-3 retained when removed from the stack ------------------------------------------


def test_log_group_destroyed_with_the_stack_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("Destroyed")) == {("SC-LOGS-3", NON_COMPLIANT)}


def test_l1_log_group_without_removal_policy_is_flagged(ev: Checked) -> None:
    findings = [f for f in ev.evaluation.findings if f.construct_path == at("L1NoPolicy")]
    # Both attributes missing is one problem with one finding, naming both.
    assert [(f.rule.id, f.property_path) for f in findings] == [("SC-LOGS-3", "DeletionPolicy")]
    assert findings[0].message.startswith(
        "DeletionPolicy and UpdateReplacePolicy are not set, so CloudFormation deletes the "
        "AWS::Logs::LogGroup and its data when it is removed or replaced; set both to Retain"
    )


def test_deletion_policy_removed_by_override_is_flagged(ev: Checked) -> None:
    findings = [
        f for f in ev.evaluation.findings if f.construct_path == at("EscNoDeletionPolicy/Resource")
    ]
    assert {(f.rule.id, f.property_path) for f in findings} == {("SC-LOGS-3", "DeletionPolicy")}


def test_replacement_that_deletes_is_flagged(ev: Checked) -> None:
    findings = [
        f for f in ev.evaluation.findings if f.construct_path == at("EscReplaceDeletes/Resource")
    ]
    assert {(f.rule.id, f.property_path) for f in findings} == {
        ("SC-LOGS-3", "UpdateReplacePolicy")
    }


def test_snapshot_is_not_a_removal_policy_for_log_groups(ev: Checked) -> None:
    assert ids(ev, at("Snapshot")) == {"SC-LOGS-3"}
