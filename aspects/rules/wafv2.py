"""AWS WAFv2 guardrails: managed rule groups, a rate limit, logging and metrics."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ExternalRef, ResourceView, TemplateIndex
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.values import as_list, literal, properties

WEB_ACL = ("AWS::WAFv2::WebACL",)

#: The AWS managed rule groups every WebACL in front of an application must run.
REQUIRED_MANAGED_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
)
LOG_NAME_PREFIX = "aws-waf-logs-"
_NAME_PROPERTIES = {
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::KinesisFirehose::DeliveryStream": "DeliveryStreamName",
}


def _rules(r: ResourceView) -> list[Mapping[str, Any]]:
    return [rule for rule in as_list(r.props.get("Rules")) if isinstance(rule, Mapping)]


def _counts_only(r: ResourceView, rule: Mapping[str, Any], what: str) -> bool:
    override = rule.get("OverrideAction") or {}
    action = rule.get("Action") or {}
    return "Count" in r.literal(override, f"{what}.OverrideAction") or "Count" in r.literal(
        action, f"{what}.Action"
    )


def _managed_groups(r: ResourceView) -> Iterator[Problem]:
    if r.key not in r.app.associated_web_acls:
        return
    enforced: set[str] = set()
    counted: set[str] = set()
    for i, rule in enumerate(_rules(r)):
        statement = (rule.get("Statement") or {}).get("ManagedRuleGroupStatement")
        if not isinstance(statement, Mapping):
            continue
        what = f"Rules[{i}]"
        vendor = r.literal(statement.get("VendorName"), f"{what}.VendorName")
        name = r.literal(statement.get("Name"), f"{what}.Name")
        if vendor != "AWS":
            continue
        (counted if _counts_only(r, rule, what) else enforced).add(str(name))
    missing = [g for g in REQUIRED_MANAGED_GROUPS if g not in enforced]
    if missing:
        only_counted = [g for g in missing if g in counted]
        detail = f" ({', '.join(only_counted)} only count)" if only_counted else ""
        yield Problem(
            f"the WebACL does not enforce the AWS managed rule groups {', '.join(missing)}"
            f"{detail}, so common exploits and known bad inputs pass",
            "Properties.Rules",
        )


def _rate_limit(r: ResourceView) -> Iterator[Problem]:
    if r.key not in r.app.associated_web_acls:
        return
    for i, rule in enumerate(_rules(r)):
        if "RateBasedStatement" in (rule.get("Statement") or {}) and not _counts_only(
            r, rule, f"Rules[{i}]"
        ):
            return
    yield Problem(
        "the WebACL has no blocking rate-based rule, so one client can flood the application",
        "Properties.Rules",
    )


def _destination_name(
    r: ResourceView, template: TemplateIndex, value: Any, what: str
) -> str | None:
    """The destination's name ("" if generated), or None if it is outside the app."""
    ref = r.app.follow(value, template, what)
    if isinstance(ref, ExternalRef):
        if ref.literal is None:
            return None  # an import from outside the app: cannot be judged here
        return ref.literal.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    prop = _NAME_PROPERTIES.get(ref.type)
    name = properties(ref.resource).get(prop) if prop else None
    if name is None:
        return ""  # a generated name never has the required prefix
    return str(literal(name, f"{ref.logical_id}.{prop}", parameters=ref.template.parameters))


def _logging(r: ResourceView) -> Iterator[Problem]:
    configs = r.app.waf_logging.get(r.key, [])
    if not configs:
        yield Problem(
            "no AWS::WAFv2::LoggingConfiguration records this WebACL's decisions, so blocked "
            "attacks and false positives cannot be investigated",
            "LoggingConfiguration",
        )
        return
    for template, logical_id in configs:
        resource = template.resources[logical_id]
        props = properties(resource)
        for i, destination in enumerate(as_list(props.get("LogDestinationConfigs"))):
            what = f"{logical_id}.LogDestinationConfigs[{i}]"
            name = _destination_name(r, template, destination, what)
            if name is not None and not name.startswith(LOG_NAME_PREFIX):
                yield Problem(
                    f"{what} is named {name or '(generated)'!r}; WAF only delivers logs to "
                    f"destinations whose name starts with {LOG_NAME_PREFIX!r}",
                    "LoggingConfiguration",
                )
        if "Condition" in resource:
            raise CannotVerify(
                f"the logging configuration {logical_id} exists only under a condition",
                "LoggingConfiguration",
            )


def _metrics(r: ResourceView) -> Iterator[Problem]:
    """CloudWatch metrics on for the WebACL and for every rule in it."""
    places = [("VisibilityConfig", r.props.get("VisibilityConfig"))]
    places += [
        (f"Rules[{i}].VisibilityConfig", rule.get("VisibilityConfig"))
        for i, rule in enumerate(_rules(r))
    ]
    for setting, consequence in (
        (
            "CloudWatchMetricsEnabled",
            "blocked and allowed requests are not counted and no alarm can page on an attack",
        ),
        (
            "SampledRequestsEnabled",
            "no sample of the requests a rule matched is kept for the investigation",
        ),
    ):
        off = []
        for what, config in places:
            raw = config.get(setting) if isinstance(config, Mapping) else None
            if raw is None or not r.bool(raw, f"{what}.{setting}"):
                off.append(what)
        if off:
            yield Problem(
                f"{setting} is not true in {', '.join(off)}, so {consequence}",
                f"Properties.{off[0]}.{setting}",
            )


RULES = (
    Rule(
        id="SC-WAF-1",
        title="WebACLs in front of applications enforce the AWS core and bad-input rule groups",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=WEB_ACL,
        rationale="AWSManagedRulesCommonRuleSet covers the OWASP top ten patterns and "
        "AWSManagedRulesKnownBadInputsRuleSet blocks known exploit payloads (Log4Shell and "
        "others); in Count mode they only watch.",
        fix="Add both as ManagedRuleGroupStatement rules with OverrideAction None "
        "(SecureAlbService does, with SQLi and Amazon IP reputation too).",
        check=_managed_groups,
        fsbp=("WAF.10",),
        nist_800_53=("SI-3", "SC-7"),
        checkov=("CKV_AWS_192",),
    ),
    Rule(
        id="SC-WAF-2",
        title="WebACLs in front of applications rate-limit clients",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=WEB_ACL,
        rationale="A rate-based rule blocks a single source that floods the application "
        "(credential stuffing, scraping, layer-7 denial of service).",
        fix="Add a RateBasedStatement rule with Action Block and a limit sized for your traffic.",
        check=_rate_limit,
        nist_800_53=("SC-5",),
    ),
    Rule(
        id="SC-WAF-3",
        title="WebACLs log to an aws-waf-logs- destination",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=WEB_ACL,
        rationale="WAF logs show which requests were blocked and why; WAF only writes to log "
        "groups, buckets or Firehose streams whose name starts with aws-waf-logs-.",
        fix="Create a KMS-encrypted log group named aws-waf-logs-<name> and a "
        "CfnLoggingConfiguration pointing the WebACL at it.",
        check=_logging,
        fsbp=("WAF.11",),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("NIST.800.53.R5-WAFv2LoggingEnabled",),
    ),
    Rule(
        id="SC-WAF-4",
        title="WebACLs publish metrics and sampled requests for the WebACL and every rule",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=WEB_ACL,
        rationale="Per-rule metrics are what alarms on blocked requests and dashboards read, "
        "and sampled requests show what a rule matched; with them off an attack the WAF "
        "stops is still invisible to whoever is on call.",
        fix="Set CloudWatchMetricsEnabled: true and SampledRequestsEnabled: true in the "
        "WebACL's VisibilityConfig and in the VisibilityConfig of each rule "
        "(SecureAlbService does both).",
        check=_metrics,
        fsbp=("WAF.12",),
        nist_800_53=("AU-12", "SI-4"),
    ),
)
