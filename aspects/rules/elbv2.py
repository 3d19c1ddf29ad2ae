"""Elastic Load Balancing v2 guardrails: HTTPS only, TLS 1.2+, WAF, header hygiene, access logs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ResourceRef, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import declared
from aspects.settings import ELB_TLS12_POLICY_PREFIXES
from aspects.values import as_list, properties

LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
LISTENER_RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"

#: The baseline TLS 1.2+ policy families (the thresholds may narrow them per app).
TLS12_POLICY_PREFIXES = ELB_TLS12_POLICY_PREFIXES
_SECURE_PROTOCOLS = ("HTTPS", "TLS")


def _attributes(r: ResourceView) -> dict[str, Any]:
    """``LoadBalancerAttributes`` as key -> value (later entries win, as in ELB)."""
    out: dict[str, Any] = {}
    for item in as_list(r.props.get("LoadBalancerAttributes")):
        if isinstance(item, Mapping):
            key = r.literal(item.get("Key"), "LoadBalancerAttributes[].Key")
            out[str(key)] = item.get("Value")
    return out


def _is_application(r: ResourceView) -> bool:
    kind = r.props.get("Type", "application")
    return bool(r.literal(kind, "Type") == "application")


def _is_internet_facing(r: ResourceView) -> bool:
    scheme = r.props.get("Scheme", "internet-facing")  # CloudFormation's default
    return bool(r.literal(scheme, "Scheme") != "internal")


def _redirects_to_https(r: ResourceView, action: Any, what: str) -> bool:
    if not isinstance(action, Mapping):
        return False
    if r.literal(action.get("Type"), f"{what}.Type") != "redirect":
        return False
    config = action.get("RedirectConfig") or {}
    protocol = r.literal(config.get("Protocol"), f"{what}.RedirectConfig.Protocol")
    return bool(protocol == "HTTPS")


def _http_only_redirects(r: ResourceView) -> Iterator[Problem]:
    if r.type == LISTENER:
        protocol = r.literal(r.props.get("Protocol"), "Protocol")
        if protocol != "HTTP":
            return
        actions, key = r.props.get("DefaultActions"), "DefaultActions"
    else:
        target = r.follow(r.props.get("ListenerArn"), "ListenerArn")
        if not isinstance(target, ResourceRef) or target.type != LISTENER:
            return
        listener_props = properties(target.resource)
        protocol = r.literal(listener_props.get("Protocol"), f"{target.logical_id}.Protocol")
        if protocol != "HTTP":
            return
        actions, key = r.props.get("Actions"), "Actions"
    for i, action in enumerate(as_list(actions)):
        if not _redirects_to_https(r, action, f"{key}[{i}]"):
            kind = action.get("Type") if isinstance(action, Mapping) else action
            yield Problem(
                f"{key}[{i}] of a plain-HTTP listener is {kind!r}: HTTP may only redirect to "
                "HTTPS, otherwise requests and cookies cross the network in clear text",
                f"Properties.{key}[{i}]",
            )


def _tls_policy(r: ResourceView) -> Iterator[Problem]:
    protocol = r.literal(r.props.get("Protocol"), "Protocol")
    if protocol not in _SECURE_PROTOCOLS:
        return
    policy = r.props.get("SslPolicy")
    if policy is None:
        yield Problem(
            f"SslPolicy is not set on this {protocol} listener, so ELB applies "
            "ELBSecurityPolicy-2016-08, which still accepts TLS 1.0 and 1.1",
            "Properties.SslPolicy",
        )
        return
    name = str(r.literal(policy, "SslPolicy"))
    if not name.startswith(r.settings.elb_tls_policy_prefixes):
        yield Problem(
            f"SslPolicy is {name!r}, which allows TLS versions below 1.2",
            "Properties.SslPolicy",
        )


def _waf_attached(r: ResourceView) -> Iterator[Problem]:
    # An internal load balancer needs a WAF only where its construct attached one and
    # declared it (metadata SecureConstructs::Guarantees webAcl).
    declared_acl = declared(r, "webAcl") is True
    if not _is_application(r) or not (declared_acl or _is_internet_facing(r)):
        return
    associations = r.app.web_acl_associations.get(r.key, [])
    if not associations:
        kind = "internet-facing" if _is_internet_facing(r) else "internal"
        yield Problem(
            f"this {kind} load balancer has no AWS::WAFv2::WebACLAssociation"
            + (" although its construct attached one" if declared_acl else "")
            + ", so nothing filters common exploits, bad bots or floods before they reach "
            "the app",
            "WebACLAssociation",
        )
        return
    if any(not conditional and known for _lid, conditional, known in associations):
        return
    lid, conditional, _known = associations[0]
    if conditional:
        raise CannotVerify(
            f"the WebACL association {lid} exists only under a condition", "WebACLAssociation"
        )
    raise CannotVerify(
        f"the WebACL association {lid} attaches a WebACL that is not part of the app (a "
        "parameter, an import or a literal ARN), so whether its rules stop common exploits "
        "cannot be verified",
        "WebACLAssociation",
    )


def _attribute_is_true(r: ResourceView, key: str) -> bool:
    value = _attributes(r).get(key)
    return value is not None and r.bool(value, f"LoadBalancerAttributes[{key}]")


def _drop_invalid_headers(r: ResourceView) -> Iterator[Problem]:
    key = "routing.http.drop_invalid_header_fields.enabled"
    if _is_application(r) and not _attribute_is_true(r, key):
        yield Problem(
            f"{key} is not true, so headers that are not valid HTTP reach the targets "
            "(a request-smuggling and injection vector)",
            "Properties.LoadBalancerAttributes",
        )


def _desync_mitigation(r: ResourceView) -> Iterator[Problem]:
    key = "routing.http.desync_mitigation_mode"
    value = _attributes(r).get(key)
    if not _is_application(r) or value is None:
        return  # the ELB default is "defensive"
    if r.literal(value, f"LoadBalancerAttributes[{key}]") == "monitor":
        yield Problem(
            f"{key} is 'monitor', so requests that could desynchronise the load balancer "
            "and its targets (HTTP request smuggling) are let through",
            "Properties.LoadBalancerAttributes",
        )


def _deletion_protection(r: ResourceView) -> Iterator[Problem]:
    if declared(r, "deletionProtection") is not True:
        return
    if not _attribute_is_true(r, "deletion_protection.enabled"):
        yield Problem(
            "LoadBalancerAttributes deletion_protection.enabled is not true although the "
            "construct turned it on, so a stack update or deletion removes the load balancer "
            "(and its DNS name) without a second step",
            "Properties.LoadBalancerAttributes",
        )


def _access_logs(r: ResourceView) -> Iterator[Problem]:
    if not _is_application(r):
        return
    if not _attribute_is_true(r, "access_logs.s3.enabled"):
        yield Problem(
            "access_logs.s3.enabled is not true, so requests to the load balancer leave no "
            "access log",
            "Properties.LoadBalancerAttributes",
        )
        return
    if _attributes(r).get("access_logs.s3.bucket") is None:
        yield Problem(
            "access_logs.s3.enabled is true but access_logs.s3.bucket is not set",
            "Properties.LoadBalancerAttributes",
        )


RULES = (
    Rule(
        id="SC-ELB-1",
        title="Plain-HTTP listeners only redirect to HTTPS",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(LISTENER, LISTENER_RULE),
        rationale="A listener on port 80 that forwards or answers exposes requests, cookies "
        "and tokens to anyone on the path; it may only send clients to HTTPS.",
        fix="Use an HTTPS listener and make the HTTP listener a redirect "
        "(ListenerAction.redirect(protocol='HTTPS', port='443', permanent=True)).",
        check=_http_only_redirects,
        fsbp=("ELB.1",),
        nist_800_53=("SC-8", "SC-23"),
        cdk_nag=("NIST.800.53.R5-ALBHttpToHttpsRedirection",),
        checkov=("CKV_AWS_2",),
    ),
    Rule(
        id="SC-ELB-2",
        title="HTTPS and TLS listeners allow only TLS 1.2 and newer",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(LISTENER,),
        rationale="Without an explicit security policy ELB uses ELBSecurityPolicy-2016-08, "
        "which accepts TLS 1.0 and 1.1 and their weak ciphers.",
        fix="Set ssl_policy to a TLS 1.3 policy, e.g. SslPolicy.RECOMMENDED_TLS_PQ "
        "(ELBSecurityPolicy-TLS13-1-2-PQ-2025-09) or RECOMMENDED_TLS.",
        check=_tls_policy,
        fsbp=("ELB.17",),
        nist_800_53=("SC-8", "SC-13"),
        checkov=("CKV_AWS_103",),
    ),
    Rule(
        id="SC-ELB-3",
        title="Internet-facing application load balancers have a WAF",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(LOAD_BALANCER,),
        rationale="A WAFv2 WebACL with managed rule groups stops common exploits (OWASP top "
        "ten), known bad inputs and floods before they reach the application. Internal load "
        "balancers are judged where their construct attached a WebACL and declared it "
        "(SecureConstructs::Guarantees webAcl), so detaching it is seen there too.",
        fix="Use SecureAlbService, or associate a WAFv2 WebACL (CfnWebACLAssociation with "
        "resource_arn=load_balancer.load_balancer_arn).",
        check=_waf_attached,
        fsbp=("ELB.16",),
        nist_800_53=("SC-7", "SI-4"),
        cdk_nag=("NIST.800.53.R5-ALBWAFEnabled",),
    ),
    Rule(
        id="SC-ELB-4",
        title="Application load balancers drop invalid header fields",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(LOAD_BALANCER,),
        rationale="Header fields that are not valid HTTP are a request-smuggling and "
        "injection vector; the ALB can drop them before they reach the targets.",
        fix="Set drop_invalid_header_fields=True "
        "(routing.http.drop_invalid_header_fields.enabled = true).",
        check=_drop_invalid_headers,
        fsbp=("ELB.4",),
        cdk_nag=("HIPAA.Security-ALBHttpDropInvalidHeaderEnabled",),
        checkov=("CKV_AWS_131",),
    ),
    Rule(
        id="SC-ELB-5",
        title="Application load balancers do not only monitor desync attacks",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=(LOAD_BALANCER,),
        rationale="In 'monitor' mode the ALB lets through requests that can desynchronise it "
        "from its targets (HTTP request smuggling); 'defensive' or 'strictest' blocks them.",
        fix="Set desync_mitigation_mode=DesyncMitigationMode.STRICTEST (or DEFENSIVE).",
        check=_desync_mitigation,
        fsbp=("ELB.12",),
    ),
    Rule(
        id="SC-ELB-6",
        title="Application load balancers write access logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=(LOAD_BALANCER,),
        rationale="Access logs record every request (client, path, status, TLS details): the "
        "evidence an investigation starts from.",
        fix="Call load_balancer.log_access_logs(bucket) with an SSE-S3 log bucket (ALB log "
        "delivery cannot use KMS keys).",
        check=_access_logs,
        fsbp=("ELB.5",),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-ELB2", "NIST.800.53.R5-ELBLoggingEnabled"),
        checkov=("CKV_AWS_91",),
    ),
    Rule(
        id="SC-ELB-7",
        title="Load balancers keep the deletion protection their construct turned on",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(LOAD_BALANCER,),
        rationale="Deleting the load balancer takes the application off the internet and "
        "gives its DNS name away; deletion protection makes that a deliberate second step. "
        "Short-lived environments legitimately go without it, so this judges the load "
        "balancers whose construct turned it on and declared it (metadata "
        "SecureConstructs::Guarantees deletionProtection).",
        fix="Pass deletion_protection=True to the ApplicationLoadBalancer (SecureAlbService's "
        "default).",
        check=_deletion_protection,
        fsbp=("ELB.6",),
        nist_800_53=("CP-10", "SC-5"),
        cdk_nag=("NIST.800.53.R5-ELBDeletionProtectionEnabled",),
        checkov=("CKV_AWS_150",),
    ),
)
