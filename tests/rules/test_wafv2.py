"""SC-WAF-1..4 on WebACLs: managed rule groups, rate limits, logging and metrics.

One app for the module: stack ``Waf`` holds one WebACL per case (construct id = case
name), each associated with a load balancer ARN unless the case says otherwise.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, check_app, ids, outcomes

LB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/0123456789"
COMMON = "AWSManagedRulesCommonRuleSet"
BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"


def managed(name: str, priority: int, *, count: bool = False) -> dict[str, Any]:
    return {
        "Name": name,
        "Priority": priority,
        "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": name}},
        "OverrideAction": {"Count": {}} if count else {"None": {}},
        "VisibilityConfig": _visibility(name),
    }


def rate_limit(priority: int = 9) -> dict[str, Any]:
    return {
        "Name": "RateLimit",
        "Priority": priority,
        "Statement": {"RateBasedStatement": {"Limit": 1000, "AggregateKeyType": "IP"}},
        "Action": {"Block": {}},
        "VisibilityConfig": _visibility("RateLimit"),
    }


def _visibility(name: str) -> dict[str, Any]:
    return {"CloudWatchMetricsEnabled": True, "MetricName": name, "SampledRequestsEnabled": True}


GOOD_RULES = [managed(COMMON, 0), managed(BAD_INPUTS, 1), rate_limit()]


def _build(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def acl(
        name: str,
        rules: list[dict[str, Any]],
        *,
        associate: bool = True,
        log_name: str | None = "aws-waf-logs-{}",
    ) -> wafv2.CfnWebACL:
        web_acl = wafv2.CfnWebACL(
            stack,
            name,
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
            ),
        )
        web_acl.add_property_override("Rules", rules)
        if associate:
            wafv2.CfnWebACLAssociation(
                stack, f"{name}Association", resource_arn=LB_ARN, web_acl_arn=web_acl.attr_arn
            )
        if log_name is not None:
            group = logs.LogGroup(
                stack,
                f"{name}Logs",
                log_group_name=log_name.format(name.lower()),
                retention=logs.RetentionDays.ONE_YEAR,
            )
            wafv2.CfnLoggingConfiguration(
                stack,
                f"{name}Logging",
                resource_arn=web_acl.attr_arn,
                log_destination_configs=[group.log_group_arn],
            )
        return web_acl

    acl("GoodAcl", GOOD_RULES)
    quiet_rule = {**rate_limit(), "VisibilityConfig": {**_visibility("RateLimit")}}
    quiet_rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] = False
    acl("QuietRuleAcl", [managed(COMMON, 0), managed(BAD_INPUTS, 1), quiet_rule])
    acl("QuietAcl", GOOD_RULES).add_property_override(
        "VisibilityConfig.CloudWatchMetricsEnabled", False
    )
    acl("ParamMetricsAcl", GOOD_RULES).add_property_override(
        "VisibilityConfig.CloudWatchMetricsEnabled", setting
    )
    acl("UnassociatedBareAcl", [], associate=False)
    acl("NoBadInputsAcl", [managed(COMMON, 0), rate_limit()])
    acl("CountOnlyAcl", [managed(COMMON, 0, count=True), managed(BAD_INPUTS, 1), rate_limit()])
    acl("NoRateLimitAcl", [managed(COMMON, 0), managed(BAD_INPUTS, 1)])
    acl("NoLoggingAcl", GOOD_RULES, log_name=None)
    acl("BadLogNameAcl", GOOD_RULES, log_name="waf-{}")
    acl("GeneratedLogNameAcl", GOOD_RULES, log_name=None)
    cfn_group = logs.CfnLogGroup(stack, "GeneratedName", retention_in_days=365)
    wafv2.CfnLoggingConfiguration(
        stack,
        "GeneratedLogNameAclLogging",
        resource_arn=stack.node.find_child("GeneratedLogNameAcl").attr_arn,  # type: ignore[attr-defined]
        log_destination_configs=[cfn_group.attr_arn],
    )
    acl("ExternalLogAcl", GOOD_RULES, log_name=None)
    wafv2.CfnLoggingConfiguration(
        stack,
        "ExternalLogAclLogging",
        resource_arn=stack.node.find_child("ExternalLogAcl").attr_arn,  # type: ignore[attr-defined]
        log_destination_configs=[
            "arn:aws:logs:eu-west-1:111111111111:log-group:aws-waf-logs-central"
        ],
    )
    acl("EscLogNameAcl", GOOD_RULES)
    logging = stack.node.find_child("EscLogNameAclLogging")
    assert isinstance(logging, wafv2.CfnLoggingConfiguration)
    logging.add_property_override(
        "LogDestinationConfigs", ["arn:aws:logs:eu-west-1:111111111111:log-group:app-logs"]
    )
    escaped = acl("EscRulesAcl", GOOD_RULES)
    escaped.add_property_override("Rules", [])
    acl(
        "ParamGroupAcl",
        [
            {
                **managed(COMMON, 0),
                "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": setting}},
            },
            managed(BAD_INPUTS, 1),
            rate_limit(),
        ],
    )
    acl(
        "IfGroupAcl",
        [
            switch.pick(managed(BAD_INPUTS, 1), managed("AWSManagedRulesSQLiRuleSet", 1)),
            managed(COMMON, 0),
            rate_limit(),
        ],
    )
    acl(
        "IfTwoRateLimitsAcl",
        [managed(COMMON, 0), managed(BAD_INPUTS, 1), switch.pick(rate_limit(7), rate_limit(8))],
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Waf"))
    return check_app(app)


def at(name: str) -> str:
    return f"Waf/{name}"


def test_acl_with_managed_groups_rate_limit_and_logs_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("GoodAcl")) == set()


def test_unassociated_acl_needs_only_logging(ev: Checked) -> None:
    assert ids(ev, at("UnassociatedBareAcl")) == set()


def test_acl_without_known_bad_inputs_group_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("NoBadInputsAcl")) == {("SC-WAF-1", NON_COMPLIANT)}


def test_acl_whose_core_group_only_counts_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("CountOnlyAcl")) == {("SC-WAF-1", NON_COMPLIANT)}


def test_acl_without_rate_limit_gets_a_warning(ev: Checked) -> None:
    assert ids(ev, at("NoRateLimitAcl")) == {"SC-WAF-2"}


def test_acl_without_logging_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("NoLoggingAcl")) == {"SC-WAF-3"}


@pytest.mark.parametrize("name", ["BadLogNameAcl", "GeneratedLogNameAcl"])
def test_logging_to_a_destination_without_the_prefix_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-WAF-3"}


def test_logging_to_a_literal_aws_waf_logs_arn_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("ExternalLogAcl")) == set()


def test_rules_removed_by_override_are_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscRulesAcl")) == {
        ("SC-WAF-1", NON_COMPLIANT),
        ("SC-WAF-2", NON_COMPLIANT),
    }


def test_managed_group_name_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamGroupAcl")) == {("SC-WAF-1", CANNOT_VERIFY)}


def test_managed_group_chosen_by_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfGroupAcl")) == {("SC-WAF-1", CANNOT_VERIFY)}


def test_rate_limit_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfTwoRateLimitsAcl")) == set()


def test_log_destination_renamed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscLogNameAcl")) == {("SC-WAF-3", NON_COMPLIANT)}


# -- SC-WAF-4 metrics ------------------------------------------------------------------------


def test_acl_with_a_rule_that_publishes_no_metrics_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("QuietRuleAcl")) == {("SC-WAF-4", NON_COMPLIANT)}


def test_acl_metrics_turned_off_by_override_are_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("QuietAcl")) == {("SC-WAF-4", NON_COMPLIANT)}


def test_acl_metrics_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamMetricsAcl")) == {("SC-WAF-4", CANNOT_VERIFY)}
