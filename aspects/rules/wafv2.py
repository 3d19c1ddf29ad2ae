"""AWS WAFv2 guardrails: enforced managed rule groups, a rate limit, logging, metrics, alarms.

What a WebACL must hold depends on what it protects. Every associated WebACL enforces the
core and known-bad-inputs groups (SC-WAF-1). One in front of an internet-facing
application load balancer also blocks known-bad IP addresses and SQL injection (SC-WAF-5)
and must rate-limit each client under the ceiling of the thresholds (SC-WAF-2, an error);
in front of anything else the rate limit is a warning (SC-WAF-7). A load balancer whose
scheme cannot be known (one outside the app, given by ARN or import) is judged like an
internet-facing one, as *cannot verify*.

The logs themselves are judged on each ``AWS::WAFv2::LoggingConfiguration`` (SC-WAF-9): they
must not store credentials or session cookies in clear, and a ``LoggingFilter`` must still
keep the records of the requests the WebACL blocks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from aspects.index import (
    AppIndex,
    ExternalRef,
    ResourceKey,
    ResourceRef,
    ResourceView,
    TemplateIndex,
)
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import app_cache
from aspects.values import as_list, dig, intrinsic_name, literal, properties

WEB_ACL = ("AWS::WAFv2::WebACL",)
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
ASSOCIATION = "AWS::WAFv2::WebACLAssociation"

COMMON = "AWSManagedRulesCommonRuleSet"
KNOWN_BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"
IP_REPUTATION = "AWSManagedRulesAmazonIpReputationList"
SQL_INJECTION = "AWSManagedRulesSQLiRuleSet"

#: The AWS managed rule groups every WebACL in front of an application must enforce.
REQUIRED_MANAGED_GROUPS = (COMMON, KNOWN_BAD_INPUTS)
#: What a WebACL in front of an internet-facing load balancer enforces on top (SC-WAF-5).
INTERNET_FACING_GROUPS = (IP_REPUTATION, SQL_INJECTION)
#: Rules of a managed group that must keep blocking, by name prefix: overriding them to
#: Count (or Allow) or excluding them means the group no longer does its job. The Log4JRCE
#: rules stop Log4Shell (CVE-2021-44228), as checkov CKV_AWS_192 also requires.
PROTECTED_RULES: Mapping[str, tuple[str, ...]] = {KNOWN_BAD_INPUTS: ("Log4JRCE",)}
#: Rule actions that let a matching request through.
_PASSING_ACTIONS = ("Count", "Allow")
#: Rate-based rule actions that stop the client (Captcha and Challenge answer for the app).
_STOPPING_ACTIONS = ("Block", "Captcha", "Challenge")
#: ``AggregateKeyType`` values that count per client; ``CUSTOM_KEYS`` counts per client when
#: one of its keys is the address (``IP``/``ForwardedIP``).
_PER_CLIENT_KEYS = ("IP", "FORWARDED_IP")
_CLIENT_CUSTOM_KEYS = ("IP", "ForwardedIP")
#: The window the rate-limit ceiling is expressed in (seconds), WAF's default window.
CEILING_WINDOW_SECONDS = 300
FAIL_OPEN_ATTRIBUTE = "waf.fail_open.enabled"

LOG_NAME_PREFIX = "aws-waf-logs-"
LOGGING_CONFIGURATION = ("AWS::WAFv2::LoggingConfiguration",)
#: Request headers that carry credentials and session tokens: WAF logs must redact them
#: (``RedactedFields`` ``SingleHeader``, or the WebACL's ``DataProtectionConfig``). WAF
#: matches header names case-insensitively. Cookies have no field of their own in
#: ``RedactedFields`` (it accepts only Method, QueryString, SingleHeader and UriPath), and
#: data protection masks cookie values only when the ``cookie`` header is protected.
REDACTED_HEADERS: Mapping[str, str] = {
    "authorization": "credentials (bearer tokens, basic-auth passwords)",
    "cookie": "session cookies",
}
#: The LoggingFilter behaviour that writes a record; anything else (DROP) discards it.
_KEEP = "KEEP"
#: The action a request the WebACL blocks carries in its log record.
_BLOCK = "BLOCK"
_NAME_PROPERTIES = {
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::KinesisFirehose::DeliveryStream": "DeliveryStreamName",
}


# -- what a WebACL protects ----------------------------------------------------------------


@dataclass
class Exposure:
    """What the associations of one WebACL attach it to.

    ``internet`` names the internet-facing application load balancers of the app;
    ``unknown`` says, per association, why whether the target is an internet-facing load
    balancer cannot be known (a load balancer outside the app, a parameter, an import, a
    scheme set by an expression). Anything else (internal load balancers, API stages...)
    is neither.
    """

    internet: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def requires(self, what: str) -> None:
        """Raise :class:`CannotVerify` when only unknown targets make *what* required."""
        if not self.internet and self.unknown:
            raise CannotVerify(
                f"{what}, which a WebACL in front of an internet-facing load balancer "
                f"needs; {self.unknown[0]}",
                "Properties.Rules",
            )

    @property
    def applies(self) -> bool:
        """Whether the internet-facing requirements apply (surely or maybe)."""
        return bool(self.internet or self.unknown)


def _branches(value: Any) -> Iterator[Any]:
    """Both branches of every ``Fn::If`` at the top of *value*, recursively."""
    args = value.get("Fn::If") if intrinsic_name(value) == "Fn::If" else None
    if isinstance(args, list) and len(args) == 3:
        yield from _branches(args[1])
        yield from _branches(args[2])
    elif value is not None:
        yield value


def _target_kind(app: AppIndex, template: TemplateIndex, value: Any, lid: str) -> tuple[str, str]:
    """``("internet" | "unknown" | "other", description)`` of one association target."""
    try:
        ref = app.follow(value, template, f"{lid}.ResourceArn")
    except CannotVerify as exc:
        return "unknown", exc.message
    if isinstance(ref, ExternalRef):
        arn = ref.literal
        if arn is None:
            return "unknown", f"{lid} protects {ref.description}, which may be any load balancer"
        if ":elasticloadbalancing:" in arn and ":loadbalancer/app/" in arn:
            return "unknown", (
                f"{lid} protects the load balancer {arn}, which is outside the app, so "
                "whether it is internet-facing cannot be verified"
            )
        return "other", arn
    return _load_balancer_kind(ref, lid)


def _load_balancer_kind(ref: ResourceRef, lid: str) -> tuple[str, str]:
    if ref.type != LOAD_BALANCER:
        return "other", ref.logical_id
    props = properties(ref.resource)
    kind = props.get("Type", "application")
    scheme = props.get("Scheme", "internet-facing")  # CloudFormation's default
    if intrinsic_name(kind) is not None or intrinsic_name(scheme) is not None:
        return "unknown", (
            f"the Type or Scheme of the load balancer {ref.logical_id} that {lid} protects "
            "is set by an expression"
        )
    if kind != "application" or scheme == "internal":
        return "other", ref.logical_id
    return "internet", ref.logical_id


def _exposures(app: AppIndex) -> dict[ResourceKey, Exposure]:
    out: dict[ResourceKey, Exposure] = defaultdict(Exposure)
    for template in app.templates:
        for lid in template.by_type.get(ASSOCIATION, ()):
            props = properties(template.resources[lid])
            acls = {ref.key for ref in app.resources_mentioned(props.get("WebACLArn"), template)}
            for target in _branches(props.get("ResourceArn")):
                kind, what = _target_kind(app, template, target, lid)
                for acl in acls:
                    if kind == "internet":
                        out[acl].internet.append(what)
                    elif kind == "unknown":
                        out[acl].unknown.append(what)
    return out


def _exposure(r: ResourceView) -> Exposure:
    return app_cache(r.app, "wafv2_exposures", _exposures).get(r.key) or Exposure()


# -- rules of the WebACL -----------------------------------------------------------------


def _rules(r: ResourceView) -> list[Mapping[str, Any]]:
    return [rule for rule in as_list(r.props.get("Rules")) if isinstance(rule, Mapping)]


def _statement(rule: Mapping[str, Any], kind: str) -> Mapping[str, Any] | None:
    found = dig(rule, "Statement", kind)
    return found if isinstance(found, Mapping) else None


def _action_names(r: ResourceView, value: Any, what: str) -> set[str]:
    """The keys of an action object (``{"Count": {}}`` -> ``{"Count"}``)."""
    action = r.literal(value, what)
    return {str(k) for k in action} if isinstance(action, Mapping) else set()


def _weakened_rules(
    r: ResourceView, group: str, statement: Mapping[str, Any], what: str
) -> list[str]:
    """Protected rules of *group* that the statement counts, allows or excludes."""
    prefixes = PROTECTED_RULES.get(group, ())
    if not prefixes:
        return []
    weakened: list[str] = []
    for i, override in enumerate(as_list(statement.get("RuleActionOverrides"))):
        where = f"{what}.RuleActionOverrides[{i}]"
        name = r.literal(dig(override, "Name"), f"{where}.Name")
        if not str(name).startswith(prefixes):
            continue
        passing = _action_names(r, dig(override, "ActionToUse"), f"{where}.ActionToUse")
        if passing & set(_PASSING_ACTIONS):
            weakened.append(f"{name} is overridden to {'/'.join(sorted(passing))}")
    for i, excluded in enumerate(as_list(statement.get("ExcludedRules"))):
        name = r.literal(dig(excluded, "Name"), f"{what}.ExcludedRules[{i}].Name")
        if str(name).startswith(prefixes):
            weakened.append(f"{name} is excluded (it only counts)")
    return weakened


@dataclass
class _Groups:
    """The AWS managed groups of a WebACL as far as synthesis tells."""

    enforced: set[str] = field(default_factory=set)
    weakened: dict[str, str] = field(default_factory=dict)  # group -> why it is not enforced
    unknown: CannotVerify | None = None  # a managed-group rule that cannot be read


def _managed_groups(r: ResourceView) -> _Groups:
    """AWS managed groups the WebACL enforces, why each other one does not, what is unknown."""
    groups = _Groups()
    for i, rule in enumerate(_rules(r)):
        statement = _statement(rule, "ManagedRuleGroupStatement")
        if statement is None:
            continue
        what = f"Rules[{i}]"
        try:
            vendor = r.literal(statement.get("VendorName"), f"{what}.VendorName")
            name = str(r.literal(statement.get("Name"), f"{what}.Name"))
            if vendor != "AWS":
                continue
            override = _action_names(r, rule.get("OverrideAction") or {}, f"{what}.OverrideAction")
            protected = _weakened_rules(r, name, statement, f"{what}.Statement")
        except CannotVerify as exc:  # matters only if a required group is missing
            groups.unknown = groups.unknown or exc
            continue
        if "Count" in override:
            groups.weakened.setdefault(name, f"{name} only counts (OverrideAction Count)")
        elif protected:
            groups.weakened.setdefault(name, f"in {name}, {'; '.join(protected)}")
        else:
            groups.enforced.add(name)
    return groups


def _missing_groups(r: ResourceView, required: tuple[str, ...], consequence: str) -> str | None:
    """Why the WebACL does not enforce all of *required*; None when it does."""
    groups = _managed_groups(r)
    missing = [g for g in required if g not in groups.enforced]
    if not missing:
        return None
    if groups.unknown is not None:
        raise groups.unknown
    reasons = [groups.weakened[g] for g in missing if g in groups.weakened]
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    return (
        f"the WebACL does not enforce the AWS managed rule groups {', '.join(missing)}"
        f"{detail}, so {consequence}"
    )


def _baseline_groups(r: ResourceView) -> Iterator[Problem]:
    if r.key not in r.app.associated_web_acls:
        return
    message = _missing_groups(
        r, REQUIRED_MANAGED_GROUPS, "common exploits and known bad inputs (Log4Shell) pass"
    )
    if message is not None:
        yield Problem(message, "Properties.Rules")


def _internet_groups(r: ResourceView) -> Iterator[Problem]:
    exposure = _exposure(r)
    if not exposure.applies:
        return
    message = _missing_groups(
        r,
        INTERNET_FACING_GROUPS,
        "requests from known malicious addresses and SQL injection reach the application",
    )
    if message is None:
        return
    exposure.requires(message)
    yield Problem(f"{message} (it protects {exposure.internet[0]})", "Properties.Rules")


# -- the rate limit --------------------------------------------------------------------------


def _per_client(r: ResourceView, statement: Mapping[str, Any], what: str) -> bool:
    key = r.literal(statement.get("AggregateKeyType", "IP"), f"{what}.AggregateKeyType")
    if key in _PER_CLIENT_KEYS:
        return True
    if key != "CUSTOM_KEYS":
        return False
    keys = r.literal(statement.get("CustomKeys"), f"{what}.CustomKeys")
    return any(isinstance(k, Mapping) and set(k) & set(_CLIENT_CUSTOM_KEYS) for k in as_list(keys))


def _rate_rule_problem(r: ResourceView, rule: Mapping[str, Any], what: str) -> str | None:
    """Why a rate-based rule does not limit each client under the ceiling; None if it does."""
    statement = _statement(rule, "RateBasedStatement") or {}
    name = rule.get("Name") if isinstance(rule.get("Name"), str) else what
    actions = _action_names(r, rule.get("Action") or {}, f"{what}.Action")
    if not actions & set(_STOPPING_ACTIONS):
        return f"{name} does not block ({'/'.join(sorted(actions)) or 'no Action'})"
    if not _per_client(r, statement, f"{what}.Statement.RateBasedStatement"):
        return f"{name} does not count per client address (AggregateKeyType)"
    limit = r.int(statement.get("Limit"), f"{what}.Statement.RateBasedStatement.Limit")
    window = r.int(
        statement.get("EvaluationWindowSec", CEILING_WINDOW_SECONDS),
        f"{what}.Statement.RateBasedStatement.EvaluationWindowSec",
    )
    ceiling = r.settings.waf_rate_limit_ceiling
    if window <= 0 or limit * CEILING_WINDOW_SECONDS > ceiling * window:
        return (
            f"{name} allows {limit} requests per {window} seconds, above the ceiling of "
            f"{ceiling} per {CEILING_WINDOW_SECONDS} seconds"
        )
    return None


def _rate_limit_problem(r: ResourceView) -> str | None:
    """Why no rule limits each client under the ceiling; None when one does."""
    reasons: list[str] = []
    unknown: CannotVerify | None = None
    for i, rule in enumerate(_rules(r)):
        if _statement(rule, "RateBasedStatement") is None:
            continue
        try:
            reason = _rate_rule_problem(r, rule, f"Rules[{i}]")
        except CannotVerify as exc:  # decided below, unless another rule qualifies
            unknown = unknown or exc
            continue
        if reason is None:
            return None
        reasons.append(reason)
    if unknown is not None:
        raise unknown
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    return (
        "the WebACL has no rate-based rule that blocks a client above "
        f"{r.settings.waf_rate_limit_ceiling} requests per {CEILING_WINDOW_SECONDS} seconds"
        f"{detail}, so one client can flood the application"
    )


def _rate_limit_internet(r: ResourceView) -> Iterator[Problem]:
    exposure = _exposure(r)
    if not exposure.applies:
        return
    message = _rate_limit_problem(r)
    if message is None:
        return
    exposure.requires(message)
    yield Problem(f"{message} (it protects {exposure.internet[0]})", "Properties.Rules")


def _rate_limit_other(r: ResourceView) -> Iterator[Problem]:
    if r.key not in r.app.associated_web_acls or _exposure(r).applies:
        return
    message = _rate_limit_problem(r)
    if message is not None:
        yield Problem(message, "Properties.Rules")


def _groups_other(r: ResourceView) -> Iterator[Problem]:
    if r.key not in r.app.associated_web_acls or _exposure(r).applies:
        return
    message = _missing_groups(
        r,
        INTERNET_FACING_GROUPS,
        "requests from known malicious addresses and SQL injection reach the application",
    )
    if message is not None:
        yield Problem(message, "Properties.Rules")


# -- logging and metrics ----------------------------------------------------------------------


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


def _redacted_headers(r: ResourceView) -> tuple[set[str], CannotVerify | None]:
    """Header names (lower case) that ``RedactedFields`` redacts, and what cannot be read."""
    names: set[str] = set()
    unknown: CannotVerify | None = None
    fields = r.literal(r.props.get("RedactedFields"), "RedactedFields")
    for i, raw in enumerate(as_list(fields)):
        what = f"RedactedFields[{i}]"
        try:
            field = r.literal(raw, what)
            header = r.literal(dig(field, "SingleHeader"), f"{what}.SingleHeader")
            name = r.literal(dig(header, "Name"), f"{what}.SingleHeader.Name")
        except CannotVerify as exc:  # matters only if a required header is missing
            unknown = unknown or exc
            continue
        if isinstance(name, str):
            names.add(name.lower())
    return names, unknown


def _protected_headers(r: ResourceView) -> set[str]:
    """Headers the logged WebACL's ``DataProtectionConfig`` masks in everything WAF stores.

    A protection counts when it covers ``SINGLE_HEADER`` (no ``FieldKeys`` means every
    header) and excludes neither rule-match nor rate-based details, which would show the
    value again. Raises :class:`CannotVerify` when the WebACL is outside the app.
    """
    ref = r.follow(r.props.get("ResourceArn"), "ResourceArn")
    if isinstance(ref, ExternalRef):
        raise CannotVerify(
            f"the logged WebACL is {ref.description}, outside the app, so whether its "
            "DataProtectionConfig masks the headers cannot be verified",
            "Properties.RedactedFields",
        )
    if ref.type != "AWS::WAFv2::WebACL":
        return set()
    acl = ResourceView(ref.logical_id, ref.resource, ref.template, r.app)
    where = f"{ref.logical_id}.DataProtectionConfig"
    config = acl.literal(acl.props.get("DataProtectionConfig"), where)
    protections = acl.literal(dig(config, "DataProtections"), f"{where}.DataProtections")
    names: set[str] = set()
    for i, raw in enumerate(as_list(protections)):
        what = f"{where}.DataProtections[{i}]"
        protection = acl.literal(raw, what)
        if not isinstance(protection, Mapping):
            continue
        field_ = acl.literal(protection.get("Field"), f"{what}.Field")
        kind = acl.literal(dig(field_, "FieldType"), f"{what}.Field.FieldType")
        if kind != "SINGLE_HEADER" or any(
            acl.bool(protection[flag], f"{what}.{flag}")
            for flag in ("ExcludeRuleMatchDetails", "ExcludeRateBasedDetails")
            if protection.get(flag) is not None
        ):
            continue
        keys = as_list(acl.literal(dig(field_, "FieldKeys"), f"{what}.Field.FieldKeys"))
        if not keys:
            return set(REDACTED_HEADERS)  # no keys: every header is protected
        names.update(str(acl.literal(k, f"{what}.Field.FieldKeys")).lower() for k in keys)
    return names


def _redaction(r: ResourceView) -> Iterator[Problem]:
    redacted, unknown = _redacted_headers(r)
    missing = [h for h in REDACTED_HEADERS if h not in redacted]
    if not missing:
        return
    missing = [h for h in missing if h not in _protected_headers(r)]
    if not missing:
        return
    if unknown is not None:
        raise unknown
    if r.props.get("RedactedFields") is None:
        shown = "RedactedFields is not set"
    else:
        shown = f"RedactedFields redacts {', '.join(sorted(redacted)) or 'no header'}"
    carried = " and ".join(REDACTED_HEADERS[h] for h in missing)
    yield Problem(
        f"{shown}, not the {' and '.join(missing)} header"
        f"{'s' if len(missing) > 1 else ''} (SingleHeader), so WAF writes the {carried} "
        "of every logged request in clear to the logs, where whoever reads them can "
        "replay them",
        "Properties.RedactedFields",
    )


def _filter_matches_block(r: ResourceView, item: Mapping[str, Any], what: str) -> bool:
    """Whether a filter matches a blocked request with no labels and no other rule action."""
    requirement = r.literal(item.get("Requirement"), f"{what}.Requirement")
    hits: list[bool] = []
    for j, raw in enumerate(as_list(r.literal(item.get("Conditions"), f"{what}.Conditions"))):
        where = f"{what}.Conditions[{j}]"
        condition = r.literal(raw, where)
        matched = r.literal(dig(condition, "ActionCondition"), f"{where}.ActionCondition")
        action = r.literal(dig(matched, "Action"), f"{where}.ActionCondition.Action")
        hits.append(action == _BLOCK)  # a label condition never holds for the plain record
    return all(hits) if requirement == "MEETS_ALL" else any(hits)


def _log_filter(r: ResourceView) -> Iterator[Problem]:
    raw = r.props.get("LoggingFilter")
    if raw is None:
        return  # no filter: every request is logged
    config = r.literal(raw, "LoggingFilter")
    default: Any = None
    unknown: CannotVerify | None = None  # DefaultBehavior matters only if no filter decides
    try:
        default = r.literal(dig(config, "DefaultBehavior"), "LoggingFilter.DefaultBehavior")
    except CannotVerify as exc:
        unknown = exc
    filters = [
        (i, r.literal(item, f"LoggingFilter.Filters[{i}]"))
        for i, item in enumerate(
            as_list(r.literal(dig(config, "Filters"), "LoggingFilter.Filters"))
        )
    ]
    behaviours = [
        r.literal(dig(item, "Behavior"), f"LoggingFilter.Filters[{i}].Behavior")
        for i, item in filters
    ]
    if unknown is not None and _KEEP not in behaviours:
        raise unknown
    if default != _KEEP and _KEEP not in behaviours:
        yield Problem(
            f"LoggingFilter has DefaultBehavior {default!r} and no filter with Behavior "
            f"{_KEEP!r}, so WAF logs nothing: no attack or false positive can be investigated",
            "Properties.LoggingFilter",
        )
        return
    # A request the WebACL blocks, as its plainest log record: action BLOCK, no labels,
    # no counted rule. The first filter it matches decides; none, the default does.
    decided, why = default, f"no filter matches the action BLOCK and DefaultBehavior is {default!r}"
    for (i, item), behaviour in zip(filters, behaviours, strict=True):
        what = f"LoggingFilter.Filters[{i}]"
        if isinstance(item, Mapping) and _filter_matches_block(r, item, what):
            decided, why = behaviour, f"{what} matches them with Behavior {behaviour!r}"
            break
    else:
        if unknown is not None:
            raise unknown
    if decided != _KEEP:
        yield Problem(
            f"LoggingFilter drops the records of requests the WebACL blocks ({why}; a "
            "filter that keeps them only with a label or another rule action keeps "
            "almost none), so the attacks the WAF stops leave no trace",
            "Properties.LoggingFilter",
        )


def _log_contents(r: ResourceView) -> Iterator[Problem]:
    """Both halves of SC-WAF-9; a half that cannot be read does not hide the other's problem."""
    unknown: CannotVerify | None = None
    for half in (_redaction, _log_filter):
        try:
            yield from half(r)
        except CannotVerify as exc:
            unknown = unknown or exc
    if unknown is not None:
        raise unknown


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


# -- the alarm on blocked requests ---------------------------------------------------------


@dataclass(frozen=True)
class _BlockedAlarm:
    """An ``AWS::CloudWatch::Alarm`` on ``AWS/WAFV2`` ``BlockedRequests`` (raw values)."""

    alarm: ResourceView
    web_acl: Any  # the value of the WebACL dimension
    rule: Any  # the value of the Rule dimension


def _blocked_metrics(props: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The ``AWS/WAFV2`` ``BlockedRequests`` metrics an alarm reads (plain or in math)."""
    metrics = [props] + [
        dig(query, "MetricStat", "Metric")
        for query in as_list(props.get("Metrics"))
        if isinstance(query, Mapping)
    ]
    for metric in metrics:
        if (
            isinstance(metric, Mapping)
            and metric.get("Namespace") == "AWS/WAFV2"
            and metric.get("MetricName") == "BlockedRequests"
        ):
            yield metric


def _blocked_alarms(app: AppIndex) -> list[_BlockedAlarm]:
    out: list[_BlockedAlarm] = []
    for template in app.templates:
        for lid in template.by_type.get("AWS::CloudWatch::Alarm", ()):
            view = ResourceView(lid, template.resources[lid], template, app)
            for metric in _blocked_metrics(view.props):
                dimensions = {
                    d.get("Name"): d.get("Value")
                    for d in as_list(metric.get("Dimensions"))
                    if isinstance(d, Mapping)
                }
                out.append(_BlockedAlarm(view, dimensions.get("WebACL"), dimensions.get("Rule")))
    return out


def _watches(r: ResourceView, found: _BlockedAlarm, metric: Any) -> bool:
    """Whether the alarm reads this WebACL's total (``CannotVerify`` if only maybe)."""
    alarm = found.alarm
    mentioned: set[ResourceKey] = set()
    if intrinsic_name(found.web_acl) is not None:
        mentioned = {ref.key for ref in r.app.resources_mentioned(found.web_acl, alarm.template)}
    if mentioned:
        ours = r.key in mentioned  # a name taken from this WebACL, or from another resource
    else:
        what = f"the WebACL dimension of the alarm {alarm.logical_id}"
        ours = alarm.literal(found.web_acl, what) == metric
    if not ours:
        return False
    rule = alarm.literal(found.rule, f"the Rule dimension of the alarm {alarm.logical_id}")
    # WAF publishes the WebACL's total with Rule=ALL; a single rule's metric is not it.
    return bool(rule == "ALL")


def _pages(found: _BlockedAlarm) -> bool:
    """Whether the alarm notifies someone (``CannotVerify`` when only known at deploy)."""
    alarm = found.alarm
    if "Condition" in alarm.resource:
        raise CannotVerify(f"the alarm {alarm.logical_id} exists only under a condition")
    actions = alarm.literal(alarm.props.get("AlarmActions"), f"{alarm.logical_id}.AlarmActions")
    enabled = alarm.props.get("ActionsEnabled")
    on = enabled is None or alarm.bool(enabled, f"{alarm.logical_id}.ActionsEnabled")
    return on and bool(as_list(actions))


def _blocked_alarm(r: ResourceView) -> Iterator[Problem]:
    if r.key not in r.app.associated_web_acls:
        return
    metric = r.literal(
        dig(r.props, "VisibilityConfig", "MetricName"), "VisibilityConfig.MetricName"
    )
    unknown: CannotVerify | None = None
    for found in app_cache(r.app, "wafv2_blocked_alarms", _blocked_alarms):
        try:
            if _watches(r, found, metric) and _pages(found):
                return
        except CannotVerify as exc:  # decided below, unless another alarm qualifies
            unknown = unknown or exc
    if unknown is not None:
        raise CannotVerify(
            f"no alarm surely pages on this WebACL's blocked requests: {unknown.message}",
            "BlockedRequestsAlarm",
        )
    yield Problem(
        f"no CloudWatch alarm with actions watches BlockedRequests of this WebACL (dimensions "
        f"WebACL={metric!r}, Rule='ALL'), so an attack the WAF is fighting, or a rule that "
        "blocks real users, pages no one",
        "BlockedRequestsAlarm",
    )


# -- the load balancer's side ---------------------------------------------------------------


def _fail_open(r: ResourceView) -> Iterator[Problem]:
    if r.literal(r.props.get("Type", "application"), "Type") != "application":
        return
    value: Any = None
    for item in as_list(r.props.get("LoadBalancerAttributes")):
        if isinstance(item, Mapping):
            key = r.literal(item.get("Key"), "LoadBalancerAttributes[].Key")
            if key == FAIL_OPEN_ATTRIBUTE:
                value = item.get("Value")  # later entries win, as in ELB
    if value is not None and r.bool(value, f"LoadBalancerAttributes[{FAIL_OPEN_ATTRIBUTE}]"):
        yield Problem(
            f"{FAIL_OPEN_ATTRIBUTE} is true: when the load balancer cannot reach AWS WAF it "
            "forwards requests to the targets uninspected, so an outage or a throttled WebACL "
            "switches the WAF off",
            "Properties.LoadBalancerAttributes",
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
        "others). A group whose OverrideAction is Count only watches, and one whose Log4JRCE "
        "rules are overridden to Count or Allow (RuleActionOverrides) or excluded "
        "(ExcludedRules) lets Log4Shell through: neither counts as enforced.",
        fix="Add both as ManagedRuleGroupStatement rules with OverrideAction None, and keep "
        "the Log4JRCE rules out of rule_action_overrides (SecureAlbService does, with SQLi and "
        "Amazon IP reputation too).",
        check=_baseline_groups,
        fsbp=("WAF.10",),
        nist_800_53=("SI-3", "SC-7"),
        checkov=("CKV_AWS_192",),
    ),
    Rule(
        id="SC-WAF-2",
        title="WebACLs in front of internet-facing load balancers rate-limit each client "
        "under the ceiling",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=WEB_ACL,
        rationale="A rate-based rule blocks a single source that floods an internet-facing "
        "application (credential stuffing, scraping, layer-7 denial of service). It must "
        "block (or challenge), count per client address and allow no more than the "
        "waf_rate_limit_ceiling threshold per 5 minutes (2,000 by default; a limit over a "
        "shorter window is scaled). A WebACL attached to a load balancer outside the app "
        "cannot be judged by its scheme and is reported as cannot verify.",
        fix="Add a RateBasedStatement rule with Action Block, AggregateKeyType IP and a limit "
        "within the ceiling (SecureAlbService: WafOptions(rate_limit=...)).",
        check=_rate_limit_internet,
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
    Rule(
        id="SC-WAF-5",
        title="WebACLs in front of internet-facing load balancers block known-bad IP "
        "addresses and SQL injection",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=WEB_ACL,
        rationale="The core rule set has no SQL injection rules: AWSManagedRulesSQLiRuleSet "
        "holds them. AWSManagedRulesAmazonIpReputationList drops sources Amazon threat "
        "intelligence saw attacking, scanning or running bots before any other rule runs. "
        "Both must be enforced (not Count) on a WebACL that an internet-facing application "
        "load balancer uses; one attached to a load balancer outside the app is reported as "
        "cannot verify.",
        fix="Add ManagedRuleGroupStatement rules for AWSManagedRulesAmazonIpReputationList "
        "and AWSManagedRulesSQLiRuleSet with OverrideAction None (SecureAlbService always "
        "does).",
        check=_internet_groups,
        fsbp=("WAF.10",),
        nist_800_53=("SI-10", "SC-7"),
    ),
    Rule(
        id="SC-WAF-6",
        title="Application load balancers do not fail open when AWS WAF is unreachable",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(LOAD_BALANCER,),
        rationale="With waf.fail_open.enabled true an ALB forwards requests it could not "
        "have inspected by its WebACL, so the protection disappears exactly when WAF is "
        "under pressure. The default (false) fails closed.",
        fix="Remove the waf.fail_open.enabled attribute or set it to false "
        "(load_balancer.set_attribute('waf.fail_open.enabled', 'false')).",
        check=_fail_open,
        nist_800_53=("SC-7(18)", "SC-24"),
    ),
    Rule(
        id="SC-WAF-7",
        title="WebACLs in front of other resources rate-limit each client under the ceiling",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=WEB_ACL,
        rationale="Behind an internal load balancer or in front of an API stage, a rate-based "
        "rule still stops one client (or one compromised host) from flooding the service; "
        "internal traffic patterns differ, so this is a warning (SC-WAF-2 is the error for "
        "internet-facing load balancers).",
        fix="Add a RateBasedStatement rule with Action Block, AggregateKeyType IP and a limit "
        "within the waf_rate_limit_ceiling threshold.",
        check=_rate_limit_other,
        nist_800_53=("SC-5",),
    ),
    Rule(
        id="SC-WAF-8",
        title="WebACLs in front of applications have an alarm with actions on blocked requests",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=WEB_ACL,
        rationale="A surge of blocked requests is an attack in progress or a rule blocking "
        "real users; either needs a person. The alarm must watch AWS/WAFV2 BlockedRequests "
        "with the WebACL's metric name and Rule ALL (the dimensions WAF publishes) and have "
        "alarm actions. A warning: the paging may live outside the app (a central "
        "monitoring account, Firewall Manager).",
        fix="Create a cloudwatch.Alarm on Metric(namespace='AWS/WAFV2', metric_name="
        "'BlockedRequests', dimensions_map={'WebACL': <metric name>, 'Rule': 'ALL', "
        "'Region': <region>}) with an alarm action (SecureAlbService creates one).",
        check=_blocked_alarm,
        nist_800_53=("SI-4", "IR-6"),
    ),
    Rule(
        id="SC-WAF-9",
        title="WAF logs redact the authorization and cookie headers and keep blocked requests",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=LOGGING_CONFIGURATION,
        rationale="WAF logs every header of a request unless told otherwise, so bearer "
        "tokens, basic-auth passwords and session cookies land in clear in a log store many "
        "more people can read than the application. RedactedFields accepts only Method, "
        "QueryString, SingleHeader and UriPath, so both are redacted as SingleHeader "
        "(names are case-insensitive); the WebACL's DataProtectionConfig protecting them as "
        "SINGLE_HEADER, without excluding rule-match or rate-based details, is accepted "
        "instead. A LoggingFilter must keep the records of blocked requests: a filter with "
        "DefaultBehavior DROP and no KEEP filter logs nothing, and one that drops a request "
        "whose record has the action BLOCK and no label or counted rule (the first matching "
        "filter decides, otherwise DefaultBehavior) loses the attacks the WAF stops.",
        fix="Set redacted_fields=[wafv2.CfnLoggingConfiguration.FieldToMatchProperty("
        "single_header={'Name': 'authorization'}), wafv2.CfnLoggingConfiguration."
        "FieldToMatchProperty(single_header={'Name': 'cookie'})] on "
        "wafv2.CfnLoggingConfiguration (SecureAlbService does), and either leave "
        "logging_filter unset or keep blocked requests in it (default_behavior='KEEP', or a "
        "filter with behavior='KEEP' on ActionCondition BLOCK).",
        check=_log_contents,
        nist_800_53=("AU-9", "AU-12", "IA-5"),
    ),
    Rule(
        id="SC-WAF-10",
        title="WebACLs in front of other resources block known-bad IP addresses and SQL injection",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=WEB_ACL,
        rationale="Behind an internal load balancer or in front of an API stage, the "
        "IP-reputation and SQLi groups still stop a compromised neighbour and injected "
        "input; whether they fit internal traffic is a design choice, so this is a warning "
        "(SC-WAF-5 is the error for internet-facing load balancers, and SecureAlbService "
        "enforces this one on the WebACL it creates).",
        fix="Add ManagedRuleGroupStatement rules for AWSManagedRulesAmazonIpReputationList "
        "and AWSManagedRulesSQLiRuleSet with OverrideAction None.",
        check=_groups_other,
        nist_800_53=("SI-10", "SC-7"),
    ),
)
