"""SC-WAF-1..9 on WebACLs, their logging configurations and load balancers: managed groups,
rate limits, logs (destination, redaction, filters), metrics, alarms and fail-open.

One app for the module: stack ``Waf`` holds one WebACL per case (construct id = case
name), each associated with the internet-facing load balancer ``PublicLb`` of the stack,
logged to an ``aws-waf-logs-`` group (logging configuration ``<case>Logging``, redacting
the authorization and cookie headers) and watched by an alarm on its blocked requests,
unless the case says otherwise. The load balancers of the fail-open cases are in the same
stack. Only the alarm whose WebACL dimension is a parameter lives in a second, tiny app:
such an alarm might watch any WebACL of its app.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_wafv2 as wafv2

from aspects.model import Finding, Status
from aspects.settings import Thresholds
from aspects.testing import check

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, check_app, outcomes

LB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/0123456789"
STAGE_ARN = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod"
COMMON = "AWSManagedRulesCommonRuleSet"
BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"
IP_REPUTATION = "AWSManagedRulesAmazonIpReputationList"
SQLI = "AWSManagedRulesSQLiRuleSet"
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
SECRET_HEADERS = ("authorization", "cookie")
EXTERNAL_ACL_ARN = "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/{}/a1b2c3d4-5678-90ab"


def managed(name: str, priority: int, *, count: bool = False, **statement: Any) -> dict[str, Any]:
    return {
        "Name": name,
        "Priority": priority,
        "Statement": {
            "ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": name, **statement}
        },
        "OverrideAction": {"Count": {}} if count else {"None": {}},
        "VisibilityConfig": _visibility(name),
    }


def rate_limit(
    priority: int = 9, *, limit: Any = 1000, action: str = "Block", **statement: Any
) -> dict[str, Any]:
    return {
        "Name": "RateLimit",
        "Priority": priority,
        "Statement": {
            "RateBasedStatement": {"Limit": limit, "AggregateKeyType": "IP", **statement}
        },
        "Action": {action: {}},
        "VisibilityConfig": _visibility("RateLimit"),
    }


def _visibility(name: str) -> dict[str, Any]:
    return {"CloudWatchMetricsEnabled": True, "MetricName": name, "SampledRequestsEnabled": True}


def redact(*names: Any) -> list[wafv2.CfnLoggingConfiguration.FieldToMatchProperty]:
    return [
        wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": name})
        for name in names
    ]


def keep_if(
    behavior: str, *actions: str, labels: tuple[str, ...] = (), all_: bool = False
) -> dict[str, Any]:
    """One LoggingFilter filter (KEEP or DROP) on actions and labels."""
    conditions: list[dict[str, Any]] = [{"ActionCondition": {"Action": a}} for a in actions]
    conditions += [{"LabelNameCondition": {"LabelName": label}} for label in labels]
    return {
        "Behavior": behavior,
        "Requirement": "MEETS_ALL" if all_ else "MEETS_ANY",
        "Conditions": conditions,
    }


BASELINE = [managed(COMMON, 0), managed(BAD_INPUTS, 1)]
INTERNET = [managed(IP_REPUTATION, 2), managed(SQLI, 3)]
GOOD_RULES = [*BASELINE, *INTERNET, rate_limit()]


class _Acls:
    """Builds the cases of one stack."""

    def __init__(self, stack: cdk.Stack) -> None:
        self.stack = stack
        self.topic = sns.Topic(stack, "OnCall")
        self.public_lb = elbv2.CfnLoadBalancer(stack, "PublicLb", subnets=SUBNETS)
        self.internal_lb = elbv2.CfnLoadBalancer(
            stack, "InternalLb", subnets=SUBNETS, scheme="internal"
        )

    def acl(
        self,
        name: str,
        rules: list[Any],
        *,
        protects: Any = None,
        associate: bool = True,
        log_name: str | None = "aws-waf-logs-{}",
        alarm: bool = True,
        redacted: Any = SECRET_HEADERS,
        log_filter: Any = None,
    ) -> wafv2.CfnWebACL:
        stack = self.stack
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
                stack,
                f"{name}Association",
                resource_arn=protects if protects is not None else self.public_lb.ref,
                web_acl_arn=web_acl.attr_arn,
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
                redacted_fields=redact(*redacted) if isinstance(redacted, tuple) else redacted,
                logging_filter=log_filter,
            )
        if alarm:
            self.alarm(f"{name}Blocked", name)
        return web_acl

    def alarm(self, construct_id: str, web_acl: str, *, rule: str = "ALL") -> cloudwatch.Alarm:
        metric = cloudwatch.Metric(
            namespace="AWS/WAFV2",
            metric_name="BlockedRequests",
            dimensions_map={"WebACL": web_acl, "Rule": rule, "Region": "eu-west-1"},
            statistic="Sum",
        )
        made = metric.create_alarm(self.stack, construct_id, threshold=500, evaluation_periods=1)
        made.add_alarm_action(cloudwatch_actions.SnsAction(self.topic))
        return made


def _build(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    cases = _Acls(stack)
    acl = cases.acl

    acl("GoodAcl", GOOD_RULES)
    acl("UnassociatedBareAcl", [], associate=False, alarm=False)

    # SC-WAF-1: the core and bad-input groups, enforced.
    acl("NoBadInputsAcl", [managed(COMMON, 0), *INTERNET, rate_limit()])
    acl("CountOnlyAcl", [managed(COMMON, 0, count=True), managed(BAD_INPUTS, 1), *INTERNET,
                         rate_limit()])  # fmt: skip
    log4j_counted = managed(
        BAD_INPUTS,
        1,
        RuleActionOverrides=[{"Name": "Log4JRCE_BODY", "ActionToUse": {"Count": {}}}],
    )
    acl("Log4jCountedAcl", [managed(COMMON, 0), log4j_counted, *INTERNET, rate_limit()])
    log4j_excluded = managed(BAD_INPUTS, 1, ExcludedRules=[{"Name": "Log4JRCE_HEADER"}])
    acl("Log4jExcludedAcl", [managed(COMMON, 0), log4j_excluded, *INTERNET, rate_limit()])
    size_counted = managed(
        COMMON,
        0,
        RuleActionOverrides=[{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}],
    )
    acl("OtherRuleCountedAcl", [size_counted, managed(BAD_INPUTS, 1), *INTERNET, rate_limit()])
    acl(
        "ParamGroupAcl",
        [
            {
                **managed(COMMON, 0),
                "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": setting}},
            },
            managed(BAD_INPUTS, 1),
            *INTERNET,
            rate_limit(),
        ],
    )
    acl(
        "IfGroupAcl",
        [
            switch.pick(managed(BAD_INPUTS, 1), managed(SQLI, 3)),
            managed(COMMON, 0),
            managed(IP_REPUTATION, 2),
            rate_limit(),
        ],
    )
    acl("EscRulesAcl", GOOD_RULES).add_property_override("Rules", [])

    # SC-WAF-5: IP reputation and SQL injection in front of internet-facing load balancers.
    acl("NoSqliAcl", [*BASELINE, managed(IP_REPUTATION, 2), rate_limit()])
    acl("IpReputationCountsAcl", [*BASELINE, managed(IP_REPUTATION, 2, count=True),
                                  managed(SQLI, 3), rate_limit()])  # fmt: skip
    acl("InternalLbAcl", [*BASELINE, rate_limit()], protects=cases.internal_lb.ref)
    acl("ExternalLbAcl", [*BASELINE, rate_limit()], protects=LB_ARN)
    acl("ExternalLbGoodAcl", GOOD_RULES, protects=LB_ARN)
    acl("StageAcl", [*BASELINE, rate_limit()], protects=STAGE_ARN)
    cfn_lb = elbv2.CfnLoadBalancer(stack, "EscSchemeLb", subnets=SUBNETS, scheme="internal")
    cfn_lb.add_property_override("Scheme", "internet-facing")
    acl("EscSchemeAcl", [*BASELINE, rate_limit()], protects=cfn_lb.ref)

    # SC-WAF-2 (internet-facing) and SC-WAF-7 (anything else): a blocking per-client limit.
    acl("NoRateLimitAcl", [*BASELINE, *INTERNET])
    acl("CountingRateAcl", [*BASELINE, *INTERNET, rate_limit(action="Count")])
    acl("ChallengeRateAcl", [*BASELINE, *INTERNET, rate_limit(action="Challenge")])
    acl("HighRateAcl", [*BASELINE, *INTERNET, rate_limit(limit=10000)])
    acl("ShortWindowAcl", [*BASELINE, *INTERNET, rate_limit(EvaluationWindowSec=60)])
    acl("LongWindowAcl", [*BASELINE, *INTERNET, rate_limit(limit=4000, EvaluationWindowSec=600)])
    header_key = rate_limit(
        AggregateKeyType="CUSTOM_KEYS",
        CustomKeys=[
            {
                "Header": {
                    "Name": "x-client",
                    "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                }
            }
        ],
    )
    acl("HeaderKeyRateAcl", [*BASELINE, *INTERNET, header_key])
    ip_key = rate_limit(AggregateKeyType="CUSTOM_KEYS", CustomKeys=[{"IP": {}}, {"HTTPMethod": {}}])
    acl("IpKeyRateAcl", [*BASELINE, *INTERNET, ip_key])
    acl("ParamRateAcl", [*BASELINE, *INTERNET, rate_limit(limit=setting)])
    acl(
        "ParamAndGoodRateAcl",
        [*BASELINE, *INTERNET, rate_limit(7, limit=setting), rate_limit(8)],
    )
    acl(
        "IfTwoRateLimitsAcl",
        [*BASELINE, *INTERNET, switch.pick(rate_limit(7), rate_limit(8))],
    )
    acl(
        "IfRateLimitAcl",
        [*BASELINE, *INTERNET, switch.pick(rate_limit(), rate_limit(limit=100000))],
    )
    acl("ImportedTargetAcl", [*BASELINE, *INTERNET], protects=cdk.Fn.import_value("shared-lb"))
    acl("InternalNoRateAcl", BASELINE, protects=cases.internal_lb.ref)
    acl("StageNoRateAcl", BASELINE, protects=STAGE_ARN)

    # SC-WAF-3: logging.
    acl("NoLoggingAcl", GOOD_RULES, log_name=None)
    acl("BadLogNameAcl", GOOD_RULES, log_name="waf-{}")
    acl("GeneratedLogNameAcl", GOOD_RULES, log_name=None)
    cfn_group = logs.CfnLogGroup(stack, "GeneratedName", retention_in_days=365)
    wafv2.CfnLoggingConfiguration(
        stack,
        "GeneratedLogNameAclLogging",
        resource_arn=stack.node.find_child("GeneratedLogNameAcl").attr_arn,  # type: ignore[attr-defined]
        log_destination_configs=[cfn_group.attr_arn],
        redacted_fields=redact(*SECRET_HEADERS),
    )
    acl("ExternalLogAcl", GOOD_RULES, log_name=None)
    wafv2.CfnLoggingConfiguration(
        stack,
        "ExternalLogAclLogging",
        resource_arn=stack.node.find_child("ExternalLogAcl").attr_arn,  # type: ignore[attr-defined]
        log_destination_configs=[
            "arn:aws:logs:eu-west-1:111111111111:log-group:aws-waf-logs-central"
        ],
        redacted_fields=redact(*SECRET_HEADERS),
    )
    acl("EscLogNameAcl", GOOD_RULES)
    logging = stack.node.find_child("EscLogNameAclLogging")
    assert isinstance(logging, wafv2.CfnLoggingConfiguration)
    logging.add_property_override(
        "LogDestinationConfigs", ["arn:aws:logs:eu-west-1:111111111111:log-group:app-logs"]
    )

    # SC-WAF-4: metrics.
    quiet_rule = {**rate_limit(), "VisibilityConfig": {**_visibility("RateLimit")}}
    quiet_rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] = False
    acl("QuietRuleAcl", [*BASELINE, *INTERNET, quiet_rule])
    acl("QuietAcl", GOOD_RULES).add_property_override(
        "VisibilityConfig.CloudWatchMetricsEnabled", False
    )
    acl("ParamMetricsAcl", GOOD_RULES).add_property_override(
        "VisibilityConfig.CloudWatchMetricsEnabled", setting
    )

    # SC-WAF-8: an alarm with actions on the WebACL's blocked requests.
    acl("NoAlarmAcl", GOOD_RULES, alarm=False)
    acl("PerRuleAlarmAcl", GOOD_RULES, alarm=False)
    cases.alarm("PerRuleAlarmAclBlocked", "PerRuleAlarmAcl", rule="RateLimit")
    acl("SilencedAlarmAcl", GOOD_RULES, alarm=False)
    silenced = cases.alarm("SilencedAlarmAclBlocked", "SilencedAlarmAcl")
    cfn_alarm = silenced.node.default_child
    assert isinstance(cfn_alarm, cloudwatch.CfnAlarm)
    cfn_alarm.add_property_override("ActionsEnabled", False)
    acl("NoActionsAlarmAcl", GOOD_RULES, alarm=False)
    bare = cases.alarm("NoActionsAlarmAclBlocked", "NoActionsAlarmAcl").node.default_child
    assert isinstance(bare, cloudwatch.CfnAlarm)
    bare.add_property_deletion_override("AlarmActions")
    acl("ConditionalAlarmAcl", GOOD_RULES, alarm=False)
    conditional = cases.alarm("ConditionalAlarmAclBlocked", "ConditionalAlarmAcl").node
    assert isinstance(conditional.default_child, cloudwatch.CfnAlarm)
    conditional.default_child.cfn_options.condition = switch.condition
    named = acl("RefNamedAlarmAcl", GOOD_RULES, alarm=False)
    cases.alarm("RefNamedAlarmAclBlocked", cdk.Fn.select(0, cdk.Fn.split("|", named.ref)))

    # SC-WAF-9: what the logs hold. Redaction of the authorization and cookie headers...
    acl("UpperCaseRedactedAcl", GOOD_RULES, redacted=("Authorization", "COOKIE"))
    acl("CookieNotRedactedAcl", GOOD_RULES, redacted=("authorization",))
    acl("NotRedactedAcl", GOOD_RULES, redacted=None)
    other_fields = [
        wafv2.CfnLoggingConfiguration.FieldToMatchProperty(uri_path={}),
        wafv2.CfnLoggingConfiguration.FieldToMatchProperty(query_string={}),
    ]
    acl("OtherFieldsRedactedAcl", GOOD_RULES, redacted=other_fields)
    acl("ParamHeaderAcl", GOOD_RULES, redacted=("authorization", setting))
    acl("ParamExtraHeaderAcl", GOOD_RULES, redacted=("authorization", "cookie", setting))
    # Inside Fn::If CDK does not convert structs: the fields as CloudFormation spells them.
    both = [{"SingleHeader": {"Name": n}} for n in SECRET_HEADERS]
    reversed_ = both[::-1]
    acl("IfRedactedBothAcl", GOOD_RULES, redacted=switch.pick(both, reversed_))
    acl("IfRedactedOneAcl", GOOD_RULES, redacted=switch.pick(both, both[:1]))
    acl("EscRedactionRemovedAcl", GOOD_RULES)
    escaped = stack.node.find_child("EscRedactionRemovedAclLogging")
    assert isinstance(escaped, wafv2.CfnLoggingConfiguration)
    escaped.add_property_deletion_override("RedactedFields")
    acl("EscRedactionRenamedAcl", GOOD_RULES)
    renamed = stack.node.find_child("EscRedactionRenamedAclLogging")
    assert isinstance(renamed, wafv2.CfnLoggingConfiguration)
    renamed.add_property_override("RedactedFields.1.SingleHeader.Name", "x-cookie")

    # ... or the WebACL's data protection, which masks them everywhere WAF stores requests.
    def protect(name: str, *keys: str, **flags: bool) -> None:
        made = acl(name, GOOD_RULES, redacted=None)
        made.add_property_override(
            "DataProtectionConfig",
            {
                "DataProtections": [
                    {
                        "Field": {
                            "FieldType": "SINGLE_HEADER",
                            **({"FieldKeys": list(keys)} if keys else {}),
                        },
                        "Action": "SUBSTITUTION",
                        **flags,
                    }
                ]
            },
        )

    protect("ProtectedHeadersAcl", "Authorization", "cookie")
    protect("ProtectedAllHeadersAcl")
    protect("ProtectedExceptMatchesAcl", ExcludeRuleMatchDetails=True)
    cookie_only = acl("ProtectedCookiesOnlyAcl", GOOD_RULES, redacted=("authorization",))
    cookie_only.add_property_override(
        "DataProtectionConfig",
        {"DataProtections": [{"Field": {"FieldType": "SINGLE_COOKIE"}, "Action": "HASH"}]},
    )
    for name, fields in (
        ("ExternalAclLogging", None),
        ("ExternalAclRedactedLogging", SECRET_HEADERS),
    ):
        wafv2.CfnLoggingConfiguration(
            stack,
            name,
            resource_arn=EXTERNAL_ACL_ARN.format(name.lower()),
            log_destination_configs=[
                "arn:aws:logs:eu-west-1:111111111111:log-group:aws-waf-logs-central"
            ],
            redacted_fields=redact(*fields) if fields else None,
        )

    # ... and a LoggingFilter that still keeps the records of blocked requests.
    def filtered(name: str, default: Any, *filters: Any, **extra: Any) -> None:
        log_filter = {"DefaultBehavior": default, **({"Filters": list(filters)} if filters else {})}
        acl(name, GOOD_RULES, log_filter=log_filter, **extra)

    filtered("KeepBlockedAcl", "DROP", keep_if("KEEP", "BLOCK", "COUNT"))
    filtered("DropAllowedAcl", "KEEP", keep_if("DROP", "ALLOW"))
    filtered(
        "DropLabelledBlocksAcl", "KEEP", keep_if("DROP", "BLOCK", labels=("app:noise",), all_=True)
    )
    filtered("DropEverythingAcl", "DROP", keep_if("DROP", "BLOCK"))
    filtered("OnlyDropFiltersAcl", "DROP", keep_if("DROP", "BLOCK"), keep_if("DROP", "ALLOW"))
    filtered("KeepExcludedOnlyAcl", "DROP", keep_if("KEEP", "EXCLUDED_AS_COUNT", all_=True))
    filtered("KeepLabelOnlyAcl", "DROP", keep_if("KEEP", labels=("app:login",)))
    filtered("DropBlockedAcl", "KEEP", keep_if("DROP", "BLOCK"))
    filtered("KeepImpossibleAcl", "DROP", keep_if("KEEP", "BLOCK", "ALLOW", all_=True))
    filtered("DropBeforeKeepAcl", "KEEP", keep_if("DROP", "BLOCK"), keep_if("KEEP", "BLOCK"))
    behaviour = cdk.CfnParameter(stack, "Behaviour", default="KEEP").value_as_string
    filtered("ParamDefaultKeepFilterAcl", behaviour, keep_if("KEEP", "BLOCK"))
    filtered("ParamDefaultAcl", behaviour, keep_if("KEEP", "COUNT"))
    filtered("IfDefaultAcl", switch.pick("KEEP", "DROP"), keep_if("KEEP", "COUNT"))
    filtered(
        "IfFilterKeepsAcl",
        "DROP",
        switch.pick(keep_if("KEEP", "BLOCK"), keep_if("KEEP", "BLOCK", "CAPTCHA")),
    )
    filtered("BothWrongAcl", "DROP", keep_if("DROP", "ALLOW"), redacted=None)
    filtered("ParamHeaderAndDropAllAcl", "DROP", keep_if("DROP", "ALLOW"),
             redacted=("authorization", setting))  # fmt: skip
    acl("EscFilterAcl", GOOD_RULES,
        log_filter={"DefaultBehavior": "DROP", "Filters": [keep_if("KEEP", "BLOCK")]})  # fmt: skip
    esc_filter = stack.node.find_child("EscFilterAclLogging")
    assert isinstance(esc_filter, wafv2.CfnLoggingConfiguration)
    esc_filter.add_property_override("LoggingFilter.Filters.0.Behavior", "DROP")

    # SC-WAF-6: load balancers that fail open.
    def lb(name: str, fail_open: Any) -> elbv2.CfnLoadBalancer:
        made = elbv2.CfnLoadBalancer(stack, name, subnets=SUBNETS)
        made.add_property_override(
            "LoadBalancerAttributes", [{"Key": "waf.fail_open.enabled", "Value": fail_open}]
        )
        return made

    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC)
        ],
    )
    elbv2.ApplicationLoadBalancer(stack, "L2Lb", vpc=vpc, internet_facing=True)
    elbv2.ApplicationLoadBalancer(
        stack, "L2FailOpenLb", vpc=vpc, internet_facing=True
    ).set_attribute("waf.fail_open.enabled", "true")
    lb("FailClosedLb", "false")
    lb("FailOpenLb", "true")
    lb("NetworkFailOpenLb", "true").add_property_override("Type", "network")
    elbv2.CfnLoadBalancer(
        stack,
        "EscFailOpenLb",
        subnets=SUBNETS,
        load_balancer_attributes=[
            elbv2.CfnLoadBalancer.LoadBalancerAttributeProperty(
                key="waf.fail_open.enabled", value="false"
            )
        ],
    ).add_property_override(
        "LoadBalancerAttributes", [{"Key": "waf.fail_open.enabled", "Value": "true"}]
    )
    lb("ParamFailOpenLb", setting)
    lb("IfFailOpenLb", switch.pick("false", "true"))
    lb("IfNeverFailOpenLb", switch.pick("false", "False"))


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Waf"))
    return check_app(app)


def waf(checked: Checked, name: str) -> set[tuple[str, Status]]:
    """The SC-WAF findings at ``Waf/<name>`` (the load balancers also meet SC-ELB rules)."""
    return {o for o in outcomes(checked, f"Waf/{name}") if o[0].startswith("SC-WAF-")}


def test_acl_with_all_groups_a_rate_limit_logs_and_an_alarm_is_compliant(ev: Checked) -> None:
    assert outcomes(ev, "Waf/GoodAcl") == set()


def test_unassociated_acl_needs_only_logging(ev: Checked) -> None:
    assert outcomes(ev, "Waf/UnassociatedBareAcl") == set()


# -- SC-WAF-1 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["NoBadInputsAcl", "CountOnlyAcl", "Log4jCountedAcl", "Log4jExcludedAcl"]
)
def test_core_or_bad_input_group_missing_counting_or_without_log4j_is_flagged(
    ev: Checked, name: str
) -> None:
    assert waf(ev, name) == {("SC-WAF-1", NON_COMPLIANT)}


def test_log4j_rule_overridden_to_count_is_named(ev: Checked) -> None:
    (finding,) = [f for f in ev.evaluation.findings if f.construct_path == "Waf/Log4jCountedAcl"]
    assert "Log4JRCE_BODY is overridden to Count" in finding.message


def test_other_rules_of_a_group_may_only_count(ev: Checked) -> None:
    assert waf(ev, "OtherRuleCountedAcl") == set()


def test_managed_group_name_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert waf(ev, "ParamGroupAcl") == {("SC-WAF-1", CANNOT_VERIFY)}


def test_managed_group_chosen_by_condition_cannot_be_verified(ev: Checked) -> None:
    assert waf(ev, "IfGroupAcl") == {("SC-WAF-1", CANNOT_VERIFY), ("SC-WAF-5", CANNOT_VERIFY)}


def test_rules_removed_by_override_are_flagged(ev: Checked) -> None:
    assert waf(ev, "EscRulesAcl") == {
        ("SC-WAF-1", NON_COMPLIANT),
        ("SC-WAF-2", NON_COMPLIANT),
        ("SC-WAF-5", NON_COMPLIANT),
    }


# -- SC-WAF-5 --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["NoSqliAcl", "IpReputationCountsAcl", "EscSchemeAcl"])
def test_internet_facing_acl_without_enforced_sqli_and_ip_reputation_is_flagged(
    ev: Checked, name: str
) -> None:
    assert waf(ev, name) == {("SC-WAF-5", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["InternalLbAcl", "StageAcl"])
def test_internal_and_non_load_balancer_targets_only_warn_without_sqli_and_ip_reputation(
    ev: Checked, name: str
) -> None:
    assert waf(ev, name) == {("SC-WAF-10", NON_COMPLIANT)}
    (finding,) = [
        f
        for f in ev.evaluation.findings
        if f.rule.id == "SC-WAF-10" and f.construct_path == f"Waf/{name}"
    ]
    assert finding.severity.value == "warning"


def test_load_balancer_outside_the_app_with_every_group_passes(ev: Checked) -> None:
    assert waf(ev, "ExternalLbGoodAcl") == set()


def test_load_balancer_outside_the_app_cannot_be_verified(ev: Checked) -> None:
    assert waf(ev, "ExternalLbAcl") == {("SC-WAF-5", CANNOT_VERIFY)}


# -- SC-WAF-2 and SC-WAF-7 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["NoRateLimitAcl", "CountingRateAcl", "HighRateAcl", "ShortWindowAcl", "HeaderKeyRateAcl"],
)
def test_internet_facing_acl_without_a_blocking_per_client_limit_under_the_ceiling_fails(
    ev: Checked, name: str
) -> None:
    assert waf(ev, name) == {("SC-WAF-2", NON_COMPLIANT)}


@pytest.mark.parametrize(
    "name", ["ChallengeRateAcl", "LongWindowAcl", "IpKeyRateAcl", "ParamAndGoodRateAcl"]
)
def test_challenge_scaled_window_ip_custom_key_or_one_good_rule_is_compliant(
    ev: Checked, name: str
) -> None:
    assert waf(ev, name) == set()


def test_rate_limit_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert waf(ev, "ParamRateAcl") == {("SC-WAF-2", CANNOT_VERIFY)}


def test_rate_limit_in_both_branches_is_compliant(ev: Checked) -> None:
    assert waf(ev, "IfTwoRateLimitsAcl") == set()


def test_rate_limit_above_the_ceiling_in_one_branch_cannot_be_verified(ev: Checked) -> None:
    assert waf(ev, "IfRateLimitAcl") == {("SC-WAF-2", CANNOT_VERIFY)}


def test_imported_target_without_rate_limit_cannot_be_verified(ev: Checked) -> None:
    assert waf(ev, "ImportedTargetAcl") == {("SC-WAF-2", CANNOT_VERIFY)}


@pytest.mark.parametrize("name", ["InternalNoRateAcl", "StageNoRateAcl"])
def test_other_targets_without_rate_limit_get_a_warning(ev: Checked, name: str) -> None:
    assert waf(ev, name) == {("SC-WAF-7", NON_COMPLIANT), ("SC-WAF-10", NON_COMPLIANT)}


def test_ceiling_follows_the_thresholds() -> None:
    app = cdk.App()
    _Acls(cdk.Stack(app, "Strict")).acl("Acl", GOOD_RULES)  # a limit of 1000
    strict = check(app, settings=Thresholds(waf_rate_limit_ceiling=500))
    found = {(f.rule.id, f.construct_path) for f in strict.findings}
    assert {(rule, path) for rule, path in found if rule.startswith("SC-WAF-")} == {
        ("SC-WAF-2", "Strict/Acl")
    }


# -- SC-WAF-3 and SC-WAF-4 -----------------------------------------------------------------


def test_acl_without_logging_is_flagged(ev: Checked) -> None:
    assert waf(ev, "NoLoggingAcl") == {("SC-WAF-3", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["BadLogNameAcl", "GeneratedLogNameAcl", "EscLogNameAcl"])
def test_logging_to_a_destination_without_the_prefix_is_flagged(ev: Checked, name: str) -> None:
    assert waf(ev, name) == {("SC-WAF-3", NON_COMPLIANT)}


def test_logging_to_a_literal_aws_waf_logs_arn_is_compliant(ev: Checked) -> None:
    assert waf(ev, "ExternalLogAcl") == set()


@pytest.mark.parametrize("name", ["QuietRuleAcl", "QuietAcl"])
def test_metrics_turned_off_are_flagged(ev: Checked, name: str) -> None:
    assert waf(ev, name) == {("SC-WAF-4", NON_COMPLIANT)}


def test_acl_metrics_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert waf(ev, "ParamMetricsAcl") == {("SC-WAF-4", CANNOT_VERIFY)}


# -- SC-WAF-8 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["NoAlarmAcl", "PerRuleAlarmAcl", "SilencedAlarmAcl", "NoActionsAlarmAcl"]
)
def test_acl_without_a_paging_alarm_on_all_blocked_requests_gets_a_warning(
    ev: Checked, name: str
) -> None:
    assert waf(ev, name) == {("SC-WAF-8", NON_COMPLIANT)}


def test_alarm_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert waf(ev, "ConditionalAlarmAcl") == {("SC-WAF-8", CANNOT_VERIFY)}


def test_alarm_naming_the_acl_by_reference_counts(ev: Checked) -> None:
    assert waf(ev, "RefNamedAlarmAcl") == set()


def test_alarm_whose_web_acl_is_a_parameter_may_watch_any_acl() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Unknown")
    cases = _Acls(stack)
    cases.acl("Acl", GOOD_RULES, alarm=False)
    cases.alarm("Any", cdk.CfnParameter(stack, "AclName").value_as_string)
    found = check_app(app)
    assert waf_in(found, "Unknown/Acl") == {("SC-WAF-8", CANNOT_VERIFY)}


def waf_in(checked: Checked, path: str) -> set[tuple[str, Status]]:
    return {o for o in outcomes(checked, path) if o[0].startswith("SC-WAF-")}


# -- SC-WAF-9 --------------------------------------------------------------------------------


def logging_of(checked: Checked, name: str) -> set[tuple[str, Status]]:
    """The SC-WAF findings of the logging configuration of the case *name*."""
    return waf(checked, f"{name}Logging")


def messages(checked: Checked, name: str) -> list[str]:
    """The SC-WAF-9 messages on the logging configuration of the case *name*."""
    path = f"Waf/{name}Logging"
    found: tuple[Finding, ...] = checked.evaluation.findings
    return sorted(f.message for f in found if f.construct_path == path and f.rule.id == "SC-WAF-9")


@pytest.mark.parametrize(
    "name",
    [
        "GoodAcl",
        "UpperCaseRedactedAcl",
        "ParamExtraHeaderAcl",
        "IfRedactedBothAcl",
        "ProtectedHeadersAcl",
        "ProtectedAllHeadersAcl",
        "KeepBlockedAcl",
        "DropAllowedAcl",
        "DropLabelledBlocksAcl",
        "ParamDefaultKeepFilterAcl",
        "IfFilterKeepsAcl",
    ],
)
def test_logs_that_redact_secrets_and_keep_blocked_requests_are_compliant(
    ev: Checked, name: str
) -> None:
    assert logging_of(ev, name) == set()


@pytest.mark.parametrize(
    "name",
    [
        "CookieNotRedactedAcl",
        "NotRedactedAcl",
        "OtherFieldsRedactedAcl",
        "EscRedactionRemovedAcl",
        "EscRedactionRenamedAcl",
        "ProtectedExceptMatchesAcl",
        "ProtectedCookiesOnlyAcl",
    ],
)
def test_logs_with_the_authorization_or_cookie_header_in_clear_are_flagged(
    ev: Checked, name: str
) -> None:
    assert logging_of(ev, name) == {("SC-WAF-9", NON_COMPLIANT)}


def test_the_missing_header_and_what_it_carries_are_named(ev: Checked) -> None:
    (message,) = messages(ev, "CookieNotRedactedAcl")
    assert message.startswith("RedactedFields redacts authorization, not the cookie header")
    assert "session cookies" in message
    (message,) = messages(ev, "NotRedactedAcl")
    assert message.startswith("RedactedFields is not set, not the authorization and cookie headers")


def test_a_header_name_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert logging_of(ev, "ParamHeaderAcl") == {("SC-WAF-9", CANNOT_VERIFY)}


def test_redaction_missing_in_one_branch_cannot_be_verified(ev: Checked) -> None:
    assert logging_of(ev, "IfRedactedOneAcl") == {("SC-WAF-9", CANNOT_VERIFY)}


def test_logging_a_webacl_outside_the_app_needs_its_own_redaction(ev: Checked) -> None:
    assert waf(ev, "ExternalAclLogging") == {("SC-WAF-9", CANNOT_VERIFY)}
    assert waf(ev, "ExternalAclRedactedLogging") == set()


@pytest.mark.parametrize(
    "name",
    [
        "DropEverythingAcl",
        "OnlyDropFiltersAcl",
        "KeepExcludedOnlyAcl",
        "KeepLabelOnlyAcl",
        "DropBlockedAcl",
        "KeepImpossibleAcl",
        "DropBeforeKeepAcl",
        "EscFilterAcl",
    ],
)
def test_a_filter_that_drops_blocked_requests_is_flagged(ev: Checked, name: str) -> None:
    assert logging_of(ev, name) == {("SC-WAF-9", NON_COMPLIANT)}


def test_a_filter_that_keeps_nothing_says_so(ev: Checked) -> None:
    for name in ("DropEverythingAcl", "OnlyDropFiltersAcl"):
        (message,) = messages(ev, name)
        assert "so WAF logs nothing" in message
    (message,) = messages(ev, "DropBeforeKeepAcl")
    assert "LoggingFilter.Filters[0] matches them with Behavior 'DROP'" in message


@pytest.mark.parametrize("name", ["ParamDefaultAcl", "IfDefaultAcl"])
def test_a_default_behavior_that_decides_and_is_unknown_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert logging_of(ev, name) == {("SC-WAF-9", CANNOT_VERIFY)}


def test_redaction_and_filter_are_both_reported(ev: Checked) -> None:
    assert len(messages(ev, "BothWrongAcl")) == 2
    assert logging_of(ev, "ParamHeaderAndDropAllAcl") == {
        ("SC-WAF-9", NON_COMPLIANT),
        ("SC-WAF-9", CANNOT_VERIFY),
    }


# -- SC-WAF-6 --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["L2Lb", "FailClosedLb", "NetworkFailOpenLb", "IfNeverFailOpenLb"])
def test_load_balancer_failing_closed_is_compliant(ev: Checked, name: str) -> None:
    assert waf(ev, name) == set()


@pytest.mark.parametrize("name", ["L2FailOpenLb", "FailOpenLb", "EscFailOpenLb"])
def test_load_balancer_failing_open_is_flagged(ev: Checked, name: str) -> None:
    assert waf(ev, name) == {("SC-WAF-6", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamFailOpenLb", "IfFailOpenLb"])
def test_fail_open_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert waf(ev, name) == {("SC-WAF-6", CANNOT_VERIFY)}


def test_the_public_load_balancer_of_the_cases_fails_closed_by_default(ev: Checked) -> None:
    assert waf(ev, "PublicLb") == set()
