"""The WAFv2 WebACL the constructs put in front of a load balancer, API or distribution.

Each function returns fresh ``CfnWebACL`` property objects; the construct only chooses the
names, the rate limit and the user's additions. :func:`log_web_acl` gives a WebACL its
encrypted, retained log group and redacting logging configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from secure_constructs._defaults import pin
from secure_constructs._defaults.logs import encrypted_log_group

#: The AWS managed rule groups every created WebACL enforces, in evaluation order, with the
#: priority of each. IP reputation first (cheapest, drops known-bad sources), then the core
#: rule set (OWASP top ten patterns), known bad inputs (Log4Shell and other exploit
#: payloads) and SQL injection. Together with the rate rule they use 1,127 of the 1,500
#: WebACL capacity units included in the base price.
BASELINE_MANAGED_GROUPS: tuple[tuple[str, int], ...] = (
    ("AWSManagedRulesAmazonIpReputationList", 10),
    ("AWSManagedRulesCommonRuleSet", 30),
    ("AWSManagedRulesKnownBadInputsRuleSet", 40),
    ("AWSManagedRulesSQLiRuleSet", 50),
)
#: The rate-based rule runs right after IP reputation, before the costlier inspections.
RATE_RULE_PRIORITY = 20
RATE_RULE_NAME = "RateLimitPerClientIp"
#: Extra managed groups the user asks for get priorities from here on, in steps of 10.
ADDITIONAL_GROUPS_FIRST_PRIORITY = 60
PRIORITY_STEP = 10

#: Requests one client IP may send per evaluation window before it is blocked. Sized for
#: a browser-facing application (a page with its assets is tens of requests); an API with
#: heavy machine clients may need more.
DEFAULT_RATE_LIMIT = 2000
#: Rate-based rules count over one of these windows (seconds); 300 is WAF's default.
RATE_WINDOWS_SECONDS = frozenset({60, 120, 300, 600})
DEFAULT_RATE_WINDOW_SECONDS = 300
#: WAF accepts rate limits in this range (inclusive).
RATE_LIMIT_RANGE = (10, 2_000_000_000)

#: Rules of AWSManagedRulesKnownBadInputsRuleSet that must keep blocking: they stop
#: Log4Shell (CVE-2021-44228), and checkov CKV_AWS_192 fails a WebACL that counts them.
PROTECTED_RULE_PREFIX = "Log4JRCE"
KNOWN_BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"

#: Request headers WAF logs must not store in clear: credentials and session cookies.
REDACTED_HEADERS = ("authorization", "cookie")


def visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    """CloudWatch metrics and sampled requests on (FSBP WAF.12)."""
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True,
        metric_name=metric_name,
        sampled_requests_enabled=True,
    )


def managed_group_rule(
    group: str, priority: int, count_only: Sequence[str] = ()
) -> wafv2.CfnWebACL.RuleProperty:
    """Enforce the AWS managed rule group *group*; rules in *count_only* only count."""
    overrides = [
        wafv2.CfnWebACL.RuleActionOverrideProperty(
            name=rule, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
        )
        for rule in count_only
    ]
    return wafv2.CfnWebACL.RuleProperty(
        name=f"AWS-{group}",
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS", name=group, rule_action_overrides=overrides or None
            )
        ),
        visibility_config=visibility(f"AWS-{group}"),
    )


def rate_rule(limit: int, window_seconds: int) -> wafv2.CfnWebACL.RuleProperty:
    """Block a client IP that sends more than *limit* requests per *window_seconds*."""
    return wafv2.CfnWebACL.RuleProperty(
        name=RATE_RULE_NAME,
        priority=RATE_RULE_PRIORITY,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                limit=limit, aggregate_key_type="IP", evaluation_window_sec=window_seconds
            )
        ),
        visibility_config=visibility(RATE_RULE_NAME),
    )


def managed_groups(additional: Sequence[str]) -> list[tuple[str, int]]:
    """The baseline groups and the user's extra groups, each with its priority."""
    extra = [
        (group, ADDITIONAL_GROUPS_FIRST_PRIORITY + i * PRIORITY_STEP)
        for i, group in enumerate(additional)
    ]
    return [*BASELINE_MANAGED_GROUPS, *extra]


def rules(
    *,
    rate_limit: int,
    rate_window_seconds: int,
    additional_groups: Sequence[str],
    count_only: Mapping[str, Sequence[str]],
    additional_rules: Sequence[wafv2.CfnWebACL.RuleProperty],
) -> list[wafv2.CfnWebACL.RuleProperty]:
    """Every rule of the created WebACL, ours first, then the user's own rules.

    SecureAlbService validates the inputs (priorities, names, protected rules) first.
    """
    ours = [
        managed_group_rule(group, priority, count_only.get(group, ()))
        for group, priority in managed_groups(additional_groups)
    ]
    ours.insert(1, rate_rule(rate_limit, rate_window_seconds))
    return [*ours, *additional_rules]


def reserved_priorities(additional_groups: Sequence[str]) -> set[int]:
    """The priorities the construct's own rules use (users' rules must avoid them)."""
    return {p for _, p in managed_groups(additional_groups)} | {RATE_RULE_PRIORITY}


def reserved_names(additional_groups: Sequence[str]) -> set[str]:
    """The rule names the construct's own rules use."""
    return {f"AWS-{g}" for g, _ in managed_groups(additional_groups)} | {RATE_RULE_NAME}


def redacted_fields() -> list[wafv2.CfnLoggingConfiguration.FieldToMatchProperty]:
    """Headers WAF logs keep out (credentials, session cookies)."""
    return [
        wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": header})
        for header in REDACTED_HEADERS
    ]


def log_web_acl(
    scope: Construct,
    web_acl: wafv2.CfnWebACL,
    *,
    encryption_key: kms.IKey,
    retention: logs.RetentionDays,
    removal_policy: cdk.RemovalPolicy,
    log_group_name: str,
) -> logs.LogGroup:
    """Log *web_acl* to a new encrypted group ``WafLogs`` of *scope*, credentials redacted.

    *log_group_name* must start with ``aws-waf-logs-`` (WAF refuses other names). The
    logging configuration ``WebAclLogging`` keeps its destination and WebACL (SC-PIN-1):
    repointing it to another group, one without encryption or retention, is an error.
    """
    log_group = encrypted_log_group(
        scope,
        "WafLogs",
        encryption_key=encryption_key,
        retention=retention,
        removal_policy=removal_policy,
        log_group_name=log_group_name,
    )
    # WAF wants the log group's ARN without the ':*' that CloudFormation's Arn adds.
    destination = cdk.Stack.of(scope).format_arn(
        service="logs",
        resource="log-group",
        resource_name=log_group.log_group_name,
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )
    logging = wafv2.CfnLoggingConfiguration(
        scope,
        "WebAclLogging",
        resource_arn=web_acl.attr_arn,
        log_destination_configs=[destination],
        redacted_fields=redacted_fields(),
    )
    pin(logging, pinned={"ResourceArn": web_acl.attr_arn, "LogDestinationConfigs": [destination]})
    return log_group
