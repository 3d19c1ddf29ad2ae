"""The WAFv2 WebACL the constructs put in front of a load balancer, API or distribution.

SecureAlbService, SecureApi and SecureDistribution create the same WebACL, so everything
about it lives here: the options users tune it with (:class:`WafOptions`), the rules as
fresh ``CfnWebACL`` property objects, :func:`create_web_acl` (the WebACL itself),
:func:`log_web_acl` (its encrypted, retained log group and redacting logging
configuration) and :func:`blocked_requests_alarm`. Each construct only chooses the WAF
scope, the description, the rules enforced as errors and what the WebACL is associated
with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from aspects.errors import Issue
from aspects.rules.wafv2 import LOG_NAME_PREFIX
from secure_constructs._defaults import enforce_rules, physical_name, pin
from secure_constructs._defaults.logs import encrypted_log_group
from secure_constructs._validation import Checks

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

#: What WAF accepts as a rule name.
_RULE_NAME = re.compile(r"^[\w-]{1,128}$")
_NO_COUNT_ONLY: Mapping[str, Sequence[str]] = MappingProxyType({})


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

    :meth:`WafOptions.issues` validates the inputs (priorities, names, protected rules) first.
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


@dataclass(frozen=True)
class WafOptions:
    """Settings of the WAFv2 WebACL SecureAlbService, SecureApi and SecureDistribution create.

    The WebACL always enforces the AWS managed rule groups Amazon IP reputation, Common
    (core rule set), Known bad inputs and SQL injection, and a rate-based rule per client
    IP, each with CloudWatch metrics and sampled requests; requests no rule blocks are
    allowed. These options add to that baseline; they cannot remove from it.

    Parameters
    ----------
    rate_limit:
        Requests one client IP may send per window before WAF blocks it. Default 2,000
        (per 5 minutes). WAF accepts 10 to 2,000,000,000.
    rate_window_seconds:
        The rate rule's window: 60, 120, 300 (default) or 600 seconds.
    additional_managed_rule_groups:
        More AWS managed rule groups by name (e.g. ``"AWSManagedRulesLinuxRuleSet"``,
        ``"AWSManagedRulesAnonymousIpList"``), evaluated after the baseline. Mind the WebACL
        capacity: the baseline uses 1,127 of the 1,500 units in the base price. Default: none.
    count_only_rules:
        Rules of an enabled managed group that only count instead of blocking, for a
        known false positive, e.g. ``{"AWSManagedRulesCommonRuleSet":
        ("SizeRestrictions_BODY",)}`` for uploads larger than 8 KB. The Log4Shell rules
        (``Log4JRCE*``) of the known-bad-inputs group always block. Default: none.
    additional_rules:
        Your own rules, e.g. an IP allow list or a geo match. Priorities 10, 20, 30, ...
        used by the baseline and the additional groups (see
        ``secure_constructs._defaults.waf``) are reserved; use others (0-9 run first).
        Default: none.
    """

    rate_limit: int = DEFAULT_RATE_LIMIT
    rate_window_seconds: int = DEFAULT_RATE_WINDOW_SECONDS
    additional_managed_rule_groups: tuple[str, ...] = ()
    count_only_rules: Mapping[str, Sequence[str]] = field(default_factory=lambda: _NO_COUNT_ONLY)
    additional_rules: tuple[wafv2.CfnWebACL.RuleProperty, ...] = ()

    def issues(self, *, code: str = "SC-ALB-11") -> list[Issue]:
        """What is wrong with these settings (empty when valid), under *code*.

        Each construct that takes the options passes its own code (SecureApi SC-API-8,
        SecureDistribution SC-DIST-6), so the error names the construct that was given
        them; the default is SecureAlbService's, which took them first.
        """
        type_issues = self._type_issues(code)
        if type_issues:
            return type_issues
        issues: list[Issue] = []
        low, high = RATE_LIMIT_RANGE
        if not low <= self.rate_limit <= high:
            issues.append(
                Issue(
                    code,
                    "waf.rate_limit",
                    f"{self.rate_limit} is outside WAF's {low} to {high:,} requests.",
                    f"size it for your busiest legitimate client (default {DEFAULT_RATE_LIMIT}).",
                )
            )
        if self.rate_window_seconds not in RATE_WINDOWS_SECONDS:
            issues.append(
                Issue(
                    code,
                    "waf.rate_window_seconds",
                    f"{self.rate_window_seconds} is not a window WAF supports.",
                    f"use one of {sorted(RATE_WINDOWS_SECONDS)} seconds.",
                )
            )
        enabled = [g for g, _ in managed_groups(self.additional_managed_rule_groups)]
        for group in self.additional_managed_rule_groups:
            if not group.startswith("AWSManagedRules") or enabled.count(group) > 1:
                issues.append(
                    Issue(
                        code,
                        "waf.additional_managed_rule_groups",
                        f"{group!r} is not an AWS managed rule group name, or is already enabled.",
                        "name a group that is not in the baseline, e.g. "
                        "'AWSManagedRulesLinuxRuleSet'.",
                    )
                )
        for group, rules in self.count_only_rules.items():
            if group not in enabled:
                issues.append(
                    Issue(
                        code,
                        "waf.count_only_rules",
                        f"{group!r} is not one of the enabled managed groups.",
                        f"use one of: {', '.join(enabled)}.",
                    )
                )
            protected = [r for r in rules if r.startswith(PROTECTED_RULE_PREFIX)]
            if group == KNOWN_BAD_INPUTS and protected:
                issues.append(
                    Issue(
                        code,
                        "waf.count_only_rules",
                        f"{', '.join(protected)} stop Log4Shell (CVE-2021-44228) and must "
                        "keep blocking (checkov CKV_AWS_192).",
                        "fix the false positive in the application or with a narrower "
                        "scope-down rule of your own.",
                    )
                )
        issues += self._rule_issues(code)
        return issues

    def _type_issues(self, code: str) -> list[Issue]:
        checks = Checks(code)
        checks.integer("waf.rate_limit", self.rate_limit)
        checks.integer("waf.rate_window_seconds", self.rate_window_seconds)
        checks.items(
            "waf.additional_managed_rule_groups",
            self.additional_managed_rule_groups,
            lambda group: isinstance(group, str),
            "str",
            "pass a tuple of group names, e.g. ('AWSManagedRulesLinuxRuleSet',).",
        )
        if checks.mapping("waf.count_only_rules", self.count_only_rules, optional=False):
            for rules in self.count_only_rules.values():
                if not checks.items(
                    "waf.count_only_rules",
                    rules,
                    lambda rule: isinstance(rule, str),
                    "str",
                    "map each group to a tuple of rule names, e.g. "
                    "{'AWSManagedRulesCommonRuleSet': ('SizeRestrictions_BODY',)}.",
                ):
                    break
        checks.items(
            "waf.additional_rules",
            self.additional_rules,
            lambda rule: isinstance(rule, wafv2.CfnWebACL.RuleProperty),
            "wafv2.CfnWebACL.RuleProperty",
            "pass a tuple of wafv2.CfnWebACL.RuleProperty(...).",
        )
        return checks.issues

    def _rule_issues(self, code: str) -> list[Issue]:
        ours = reserved_priorities(self.additional_managed_rule_groups)
        names = set(reserved_names(self.additional_managed_rule_groups))
        issues: list[Issue] = []
        priorities: set[int] = set()
        for rule in self.additional_rules:
            priority, name = rule.priority, rule.name
            if isinstance(priority, (int, float)) and (priority in ours or priority in priorities):
                issues.append(
                    Issue(
                        code,
                        "waf.additional_rules",
                        f"rule {name!r} has priority {priority}, which another rule uses "
                        f"(the construct's rules use {sorted(ours)}).",
                        "give every rule its own priority.",
                    )
                )
            if isinstance(name, str) and (name in names or not _RULE_NAME.match(name)):
                issues.append(
                    Issue(
                        code,
                        "waf.additional_rules",
                        f"rule name {name!r} is used twice or is not 1-128 letters, digits, "
                        "'_' or '-'.",
                        "give every rule its own valid name.",
                    )
                )
            if isinstance(priority, (int, float)):
                priorities.add(int(priority))
            if isinstance(name, str):
                names.add(name)
        return issues


#: The WebACL the constructs create unless told otherwise.
DEFAULT_WAF = WafOptions()


def web_acl_name(scope: Construct) -> str:
    """The name of the WebACL :func:`create_web_acl` gives *scope*, also its metric name."""
    return physical_name(scope, "", 128)


#: The longest WebACL description WAF accepts.
MAX_DESCRIPTION_LENGTH = 256


def create_web_acl(
    scope: Construct,
    options: WafOptions,
    *,
    waf_scope: str,
    description: str,
    enforced: Sequence[str],
) -> wafv2.CfnWebACL:
    """The WebACL ``WebAcl`` of *scope*: the baseline rules and *options*, anything else allowed.

    *waf_scope* is ``REGIONAL`` (a load balancer, an API stage) or ``CLOUDFRONT``;
    *enforced* names the warning rules that are errors on this WebACL, because the
    construct sets what they ask (which ones depends on what the WebACL protects). The
    caller associates it and logs it (:func:`log_web_acl`).
    """
    name = web_acl_name(scope)
    web_acl = wafv2.CfnWebACL(
        scope,
        "WebAcl",
        name=name,
        # WAF refuses a longer description at deploy time; it usually names a construct
        # path, which can be longer.
        description=description[:MAX_DESCRIPTION_LENGTH],
        scope=waf_scope,
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=visibility(name),
        rules=rules(
            rate_limit=options.rate_limit,
            rate_window_seconds=options.rate_window_seconds,
            additional_groups=options.additional_managed_rule_groups,
            count_only=options.count_only_rules,
            additional_rules=options.additional_rules,
        ),
    )
    enforce_rules(web_acl, *enforced)
    return web_acl


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
) -> logs.LogGroup:
    """Log *web_acl* to a new encrypted group ``WafLogs`` of *scope*, credentials redacted.

    The group is named ``aws-waf-logs-<stack>-<id>-<hash>`` (WAF refuses names without
    that prefix). The logging configuration ``WebAclLogging`` keeps its destination and
    WebACL (SC-PIN-1): repointing it to another group, one without encryption or
    retention, is an error.
    """
    log_group = encrypted_log_group(
        scope,
        "WafLogs",
        encryption_key=encryption_key,
        retention=retention,
        removal_policy=removal_policy,
        log_group_name=physical_name(scope, LOG_NAME_PREFIX, 512),
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


def blocked_requests_alarm(
    scope: Construct,
    metric_name: str,
    *,
    threshold: int,
    period: cdk.Duration,
    regional: bool,
) -> cloudwatch.Alarm:
    """An alarm ``WafBlockedRequestsAlarm`` of *scope*: WAF blocked *threshold* requests or more.

    *metric_name* is the WebACL's visibility metric name. Regional WebACLs publish their
    metrics per ``Region``; CLOUDFRONT ones (*regional* False) without that dimension. A
    period with no blocked request is not breaching. The caller adds the alarm's actions
    and pins them.
    """
    dimensions = {"WebACL": metric_name, "Rule": "ALL"}
    if regional:
        dimensions["Region"] = cdk.Stack.of(scope).region
    blocked = cloudwatch.Metric(
        namespace="AWS/WAFV2",
        metric_name="BlockedRequests",
        dimensions_map=dimensions,
        period=period,
        statistic="Sum",
    )
    return blocked.create_alarm(
        scope,
        "WafBlockedRequestsAlarm",
        actions_enabled=True,
        threshold=threshold,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluation_periods=1,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=f"{scope.node.path}: WAF blocked at least {threshold} requests in "
        f"{period.to_human_string()} (an attack, or a rule blocking real users)",
    )
