"""Amazon OpenSearch Service / Elasticsearch guardrails: encryption, TLS, exposure, logs.

``AWS::OpenSearchService::Domain`` and the older ``AWS::Elasticsearch::Domain`` share the
properties these rules read. What a domain does when a property is absent: no encryption at
rest (``EncryptionAtRestOptions.Enabled`` false; enabled without ``KmsKeyId`` = the AWS
managed key ``aws/es``), no node-to-node encryption, HTTP allowed (``EnforceHTTPS`` false)
with ``Policy-Min-TLS-1-0-2019-07`` for HTTPS, a public endpoint (no ``VPCOptions``), no
fine-grained access control, no logs.

The access policy can come from two places: the ``AccessPolicies`` property, and the custom
resource CDK's ``opensearch.Domain(access_policies=...)`` (and ``aws-elasticsearch``)
writes instead (``Custom::OpenSearchAccessPolicy`` / ``Custom::ElasticsearchAccessPolicy``,
an ``updateDomainConfig`` call whose JSON names the domain). Both are judged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import AppIndex, ResourceKey, ResourceView, TemplateIndex
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import app_cache, must_be_one_of, must_be_set, must_be_true, setting
from aspects.rules._common import (
    Deferred,
    effect,
    flatten_text,
    has_restricting_condition,
    kms_key_problems,
    principal_is_everyone,
    statements,
)
from aspects.values import as_list, intrinsic_name, properties

DOMAINS = ("AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain")
#: The custom resources through which CDK sets a domain's access policy.
ACCESS_POLICY_RESOURCES = ("Custom::OpenSearchAccessPolicy", "Custom::ElasticsearchAccessPolicy")
#: What OpenSearch uses for HTTPS when ``TLSSecurityPolicy`` is not set (TLS 1.0 and 1.1).
DEFAULT_TLS_POLICY = "Policy-Min-TLS-1-0-2019-07"
#: ``aws:SourceIp`` values that let every address through.
WORLD_CIDRS = frozenset({"0.0.0.0/0", "::/0"})


def _shown(value: Any) -> str:
    """A property value as the template spells it (``false``, not ``False``)."""
    if value is None:
        return "not set"
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _fine_grained(r: ResourceView) -> bool:
    """Fine-grained access control on; :class:`CannotVerify` if it is not literal."""
    enabled = setting(r, "AdvancedSecurityOptions.Enabled")
    return enabled is not None and r.bool(enabled, "AdvancedSecurityOptions.Enabled")


# -- SC-OS-1 encryption at rest ----------------------------------------------------------------


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    enabled = setting(r, "EncryptionAtRestOptions.Enabled")
    if enabled is None or not r.bool(enabled, "EncryptionAtRestOptions.Enabled"):
        yield Problem(
            f"EncryptionAtRestOptions.Enabled is {_shown(enabled)}"
            + (" (the default is false)" if enabled is None else "")
            + ": indexes, logs, swap and automated snapshots are stored unencrypted, and "
            "encryption cannot be added to an existing domain",
            "Properties.EncryptionAtRestOptions.Enabled",
        )
        return
    key = setting(r, "EncryptionAtRestOptions.KmsKeyId")
    if key is None:
        yield Problem(
            "EncryptionAtRestOptions.KmsKeyId is not set, so the domain uses the AWS managed "
            "key aws/es, whose key policy you cannot restrict",
            "Properties.EncryptionAtRestOptions.KmsKeyId",
        )
        return
    yield from kms_key_problems(r, key, "EncryptionAtRestOptions.KmsKeyId")


# -- SC-OS-2 / SC-OS-3 in transit --------------------------------------------------------------


def _node_to_node(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r,
        "NodeToNodeEncryptionOptions.Enabled",
        "traffic between the domain's nodes (documents, queries, results) is plaintext",
    )


def _https_only(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r,
        "DomainEndpointOptions.EnforceHTTPS",
        "the endpoint also answers plain HTTP, so requests, results and credentials cross "
        "the network unencrypted",
    )
    yield from must_be_one_of(
        r,
        "DomainEndpointOptions.TLSSecurityPolicy",
        r.settings.opensearch_tls_policies,
        "the endpoint accepts TLS 1.0 and 1.1",
        default=DEFAULT_TLS_POLICY,
        case_sensitive=True,
    )


# -- SC-OS-4 network or fine-grained access control --------------------------------------------


def _in_vpc(r: ResourceView) -> bool:
    subnets = setting(r, "VPCOptions.SubnetIds")
    return subnets is not None and subnets != []


def _vpc_or_fine_grained(r: ResourceView) -> Iterator[Problem]:
    if _in_vpc(r) or _fine_grained(r):
        return
    yield Problem(
        "VPCOptions is not set and AdvancedSecurityOptions.Enabled (fine-grained access "
        "control) is not true: the endpoint is on the internet and only the access policy "
        "stands between it and every caller",
        "Properties.VPCOptions",
    )


# -- SC-OS-5 access policy not open ------------------------------------------------------------


def _custom_resource_policy(
    template: TemplateIndex, logical_id: str
) -> tuple[str | None, Any | CannotVerify]:
    """``(domain logical id, policy document)`` of one access-policy custom resource."""
    props = properties(template.resources[logical_id])
    call = props.get("Update") or props.get("Create")
    try:
        parameters = json.loads(flatten_text(call, template)).get("parameters", {})
        domain = str(parameters.get("DomainName", ""))
        target = domain[2:-1] if domain.startswith("${") and domain.endswith("}") else None
        document: Any | CannotVerify = json.loads(parameters["AccessPolicies"])
    except CannotVerify as exc:
        return _mentioned_domain(call, template), CannotVerify(
            f"the access policy set by {logical_id}: {exc.message}", "AccessPolicies"
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return _mentioned_domain(call, template), CannotVerify(
            f"the access policy set by {logical_id} cannot be read", "AccessPolicies"
        )
    return target, document


def _mentioned_domain(value: Any, template: TemplateIndex) -> str | None:
    """The one domain of the template an expression refers to (by ``Ref``), if any."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Mapping):
            if intrinsic_name(item) == "Ref":
                resource = template.resources.get(str(item["Ref"]))
                if isinstance(resource, Mapping) and resource.get("Type") in DOMAINS:
                    found.add(str(item["Ref"]))
            stack.extend(item.values())
    return found.pop() if len(found) == 1 else None


def _access_policy_resources(app: AppIndex) -> dict[ResourceKey, list[tuple[str, Any]]]:
    """Domain -> ``(custom resource logical id, document or CannotVerify)`` for it."""
    out: dict[ResourceKey, list[tuple[str, Any]]] = {}
    for template in app.templates:
        for resource_type in ACCESS_POLICY_RESOURCES:
            for logical_id in template.by_type.get(resource_type, ()):
                domain, document = _custom_resource_policy(template, logical_id)
                if domain is not None and domain in template.resources:
                    out.setdefault((template.path, domain), []).append((logical_id, document))
    return out


def _without_world_source_ip(statement: Mapping[str, Any]) -> Mapping[str, Any]:
    """The statement minus ``aws:SourceIp`` clauses that include ``0.0.0.0/0`` or ``::/0``."""
    conditions = statement.get("Condition")
    if not isinstance(conditions, Mapping):
        return statement
    kept: dict[str, Any] = {}
    for operator, clauses in conditions.items():
        if not isinstance(clauses, Mapping):
            kept[operator] = clauses
            continue
        kept[operator] = {
            key: value
            for key, value in clauses.items()
            if not (
                str(key).lower() == "aws:sourceip"
                and any(isinstance(v, str) and v.strip() in WORLD_CIDRS for v in as_list(value))
            )
        }
    return {**statement, "Condition": kept}


def _open_statements(
    r: ResourceView, found: list[Mapping[str, Any]], where: str
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Allows to everyone that no condition narrows (an IP list of the whole internet is none)."""
    deferred = Deferred()
    for i, statement in enumerate(found):
        what = f"{where}.Statement[{i}]"
        with deferred:
            if (
                effect(statement, r, what) == "Allow"
                and principal_is_everyone(statement, r, what)
                and not has_restricting_condition(_without_world_source_ip(statement), r, what)
            ):
                yield what, statement
    deferred.raise_first()


def _policy_sources(r: ResourceView) -> Iterator[tuple[str, Any]]:
    """``(where, document)`` of every access policy of the domain.

    *where* is ``AccessPolicies`` for the property and ``<custom resource>.AccessPolicies``
    for a policy CDK sets through a custom resource.
    """
    document = r.props.get("AccessPolicies")
    if document is not None:
        yield "AccessPolicies", document
    attached = app_cache(r.app, "opensearch_access_policies", _access_policy_resources)
    for logical_id, found in attached.get(r.key, ()):
        yield f"{logical_id}.AccessPolicies", found


def _anonymous_auth(r: ResourceView) -> bool:
    enabled = setting(r, "AdvancedSecurityOptions.AnonymousAuthEnabled")
    return enabled is not None and r.bool(enabled, "AdvancedSecurityOptions.AnonymousAuthEnabled")


def _policy_not_open(r: ResourceView) -> Iterator[Problem]:
    opened: list[Problem] = []
    deferred = Deferred()
    for where, document in _policy_sources(r):
        with deferred:
            if isinstance(document, CannotVerify):
                raise document
            for what, statement in _open_statements(r, statements(document), where):
                world = _without_world_source_ip(statement) != statement
                opened.append(
                    Problem(
                        f"{what} allows {statement.get('Action')!r} to every principal "
                        "without a restricting condition (source IP, VPC, account or "
                        "organization"
                        + (
                            "; an aws:SourceIp of 0.0.0.0/0 or ::/0 restricts nothing"
                            if world
                            else ""
                        )
                        + "), so anyone who reaches the endpoint may call it unsigned",
                        f"Properties.{what}" if where == "AccessPolicies" else "AccessPolicies",
                    )
                )
    if deferred.first is None and not opened:
        return
    # Fine-grained access control authenticates every request itself: an open domain access
    # policy is then what AWS recommends, unless anonymous authentication lets callers in.
    if _fine_grained(r) and not _anonymous_auth(r):
        return
    yield from opened
    deferred.raise_first()


# -- SC-OS-6/7/8 logs --------------------------------------------------------------------------


def _published(r: ResourceView, kind: str, why: str) -> Iterator[Problem]:
    enabled = list(must_be_true(r, f"LogPublishingOptions.{kind}.Enabled", why))
    yield from enabled
    if not enabled:
        yield from must_be_set(r, f"LogPublishingOptions.{kind}.CloudWatchLogsLogGroupArn", why)


def _application_logs(r: ResourceView) -> Iterator[Problem]:
    yield from _published(
        r,
        "ES_APPLICATION_LOGS",
        "errors and warnings of the domain (failed shards, rejected requests, security "
        "plugin errors) are not kept anywhere",
    )


def _audit_logs(r: ResourceView) -> Iterator[Problem]:
    enabled = setting(r, "AdvancedSecurityOptions.Enabled")
    if enabled is None or (
        intrinsic_name(enabled) is None and not r.bool(enabled, "AdvancedSecurityOptions")
    ):
        return  # no fine-grained access control: the domain cannot publish audit logs
    problems = list(
        _published(
            r,
            "AUDIT_LOGS",
            "with fine-grained access control on, audit logs are the record of who logged "
            "in, was refused and read or changed which index",
        )
    )
    if problems and _fine_grained(r):  # raises if the flag is only known at deploy time
        yield from problems


def _slow_logs(r: ResourceView) -> Iterator[Problem]:
    for kind in ("SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS"):
        yield from _published(
            r, kind, "slow queries and indexing (and abusive requests) leave no trace"
        )


_LOGGING_FIX = "Pass logging=opensearch.LoggingOptions({}) to opensearch.Domain."

RULES = (
    Rule(
        id="SC-OS-1",
        title="OpenSearch domains are encrypted at rest with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=DOMAINS,
        rationale="A domain holds the indexed documents themselves; encryption at rest can "
        "only be chosen when the domain is created. With a key you manage, your key policy "
        "and CloudTrail decide and record who can decrypt; the AWS managed key aws/es "
        "follows OpenSearch permissions alone.",
        fix="Pass encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True, "
        "kms_key=<a kms.Key>) to opensearch.Domain.",
        check=_encrypted,
        fsbp=("Opensearch.1", "ES.1"),
        nist_800_53=("SC-28", "SC-13"),
        cdk_nag=("AwsSolutions-OS8", "NIST.800.53.R5-OpenSearchEncryptedAtRest"),
        checkov=("CKV_AWS_5",),
    ),
    Rule(
        id="SC-OS-2",
        title="OpenSearch domains encrypt traffic between nodes",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=DOMAINS,
        rationale="Without node-to-node encryption, documents and queries travel between "
        "the nodes of the domain in plaintext inside the VPC. It is off by default and is "
        "also a prerequisite of fine-grained access control.",
        fix="Set node_to_node_encryption=True on opensearch.Domain.",
        check=_node_to_node,
        fsbp=("Opensearch.3", "ES.3"),
        nist_800_53=("SC-8", "SC-8(1)"),
        cdk_nag=("AwsSolutions-OS2", "NIST.800.53.R5-OpenSearchNodeToNodeEncryption"),
        checkov=("CKV_AWS_6",),
    ),
    Rule(
        id="SC-OS-3",
        title="OpenSearch domains require HTTPS with TLS 1.2 or newer",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=DOMAINS,
        rationale="EnforceHTTPS defaults to false, so the endpoint also serves plain HTTP; "
        "CloudFormation's default TLSSecurityPolicy, Policy-Min-TLS-1-0-2019-07, still "
        "accepts TLS 1.0 and 1.1. Only the policies in Thresholds.opensearch_tls_policies "
        "(TLS 1.2 and newer) are accepted.",
        fix="Set enforce_https=True and tls_security_policy=opensearch.TLSSecurityPolicy."
        "TLS_1_2_PFS (or TLS_1_2) on opensearch.Domain.",
        check=_https_only,
        fsbp=("Opensearch.8", "ES.8"),
        nist_800_53=("SC-8", "SC-23"),
        checkov=("CKV_AWS_83",),
    ),
    Rule(
        id="SC-OS-4",
        title="OpenSearch domains are in a VPC or use fine-grained access control",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=DOMAINS,
        rationale="A domain without VPCOptions has an internet-facing endpoint. Either keep "
        "it in a VPC (security groups decide who connects) or turn on fine-grained access "
        "control, so every request is authenticated and authorized per index.",
        fix="Pass vpc=<ec2.Vpc> (and vpc_subnets, security_groups) to opensearch.Domain, or "
        "fine_grained_access_control=opensearch.AdvancedSecurityOptions(master_user_arn="
        "<role ARN>) with enforce_https, node_to_node_encryption and encryption_at_rest.",
        check=_vpc_or_fine_grained,
        fsbp=("Opensearch.2", "ES.2", "Opensearch.7"),
        nist_800_53=("AC-3", "SC-7"),
        cdk_nag=("AwsSolutions-OS1", "NIST.800.53.R5-OpenSearchInVPCOnly"),
    ),
    Rule(
        id="SC-OS-5",
        title="OpenSearch access policies are not open to everyone",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=DOMAINS,
        rationale="An access policy statement that allows Principal '*' without a condition "
        "on the caller (aws:SourceIp other than 0.0.0.0/0, a VPC, an account or an "
        "organization) accepts unsigned requests from anyone who reaches the endpoint. "
        "Both the AccessPolicies property and the custom resource CDK uses for "
        "access_policies are read. With fine-grained access control on (and anonymous "
        "authentication off) an open policy is what AWS recommends, since every request is "
        "then authenticated by the domain itself, so it is not reported.",
        fix="Grant access_policies to specific principals (roles of your account), add an "
        "aws:SourceIp/aws:SourceVpc condition, or turn on fine_grained_access_control.",
        check=_policy_not_open,
        nist_800_53=("AC-3", "AC-6"),
        cdk_nag=("AwsSolutions-OS5", "AwsSolutions-OS3"),
    ),
    Rule(
        id="SC-OS-6",
        title="OpenSearch domains publish application (error) logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=DOMAINS,
        rationale="Without ES_APPLICATION_LOGS the domain's errors, including security "
        "plugin and authentication failures, are not kept anywhere you can search later.",
        fix=_LOGGING_FIX.format("app_log_enabled=True, app_log_group=<an encrypted LogGroup>"),
        check=_application_logs,
        fsbp=("Opensearch.4", "ES.4"),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("NIST.800.53.R5-OpenSearchErrorLogsToCloudWatch",),
        checkov=("CKV_AWS_84",),
    ),
    Rule(
        id="SC-OS-7",
        title="OpenSearch domains with fine-grained access control publish audit logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=DOMAINS,
        rationale="Audit logs record authentication successes and failures and index "
        "access per user; they exist only with fine-grained access control, so a domain "
        "without it is not judged here (SC-OS-4 asks for it or a VPC).",
        fix=_LOGGING_FIX.format("audit_log_enabled=True, audit_log_group=<an encrypted LogGroup>"),
        check=_audit_logs,
        fsbp=("Opensearch.5", "ES.5"),
        nist_800_53=("AU-2", "AU-3", "AU-12"),
        checkov=("CKV_AWS_317",),
    ),
    Rule(
        id="SC-OS-8",
        title="OpenSearch domains publish search and indexing slow logs",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=DOMAINS,
        rationale="Slow logs show expensive queries and indexing, including abusive ones. "
        "A warning: they also need thresholds in the index settings to record anything.",
        fix=_LOGGING_FIX.format("slow_search_log_enabled=True, slow_index_log_enabled=True"),
        check=_slow_logs,
        nist_800_53=("AU-12", "SI-4"),
        cdk_nag=("AwsSolutions-OS9",),
    ),
)
