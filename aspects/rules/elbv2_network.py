"""Network Load Balancer guardrails: no plaintext TCP from the internet, access logs.

What ELB does (CloudFormation, not the console):

* A listener belongs to the load balancer its ``LoadBalancerArn`` names; ``Scheme`` defaults
  to ``internet-facing`` and ``Type`` to ``application`` (``network`` for an NLB).
* ``TCP``, ``UDP`` and ``TCP_UDP`` listeners pass bytes through as they come: the load
  balancer encrypts nothing. Only a ``TLS`` listener terminates TLS with a certificate and
  an ``SslPolicy`` (judged by SC-ELB-2, like HTTPS listeners).
* ``TCP`` on a port whose protocol is TLS from the first byte (443, 465, 636, 853, 993,
  995, 5061, 5671, 6514, 8443, 8883...) is usually TLS passed through to targets that
  terminate it themselves (mutual TLS, end-to-end encryption): encrypted, but the load
  balancer cannot enforce the TLS version, so it is a warning, not an error. ``UDP`` cannot
  be terminated by an NLB at all (QUIC, DTLS and WireGuard encrypt themselves; DNS, syslog
  and game protocols do not): a warning too.
* NLB access logs (``access_logs.s3.enabled``) record TLS connections only; an NLB without a
  TLS listener has nothing to log there (VPC flow logs, SC-EC2-2, record its flows).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import AppIndex, ResourceKey, ResourceRef, ResourceView, TemplateIndex
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import app_cache
from aspects.values import as_list, properties, variants

LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"

#: Ports of protocols that are TLS from the first byte (IANA): HTTPS, SMTPS, LDAPS, DNS over
#: TLS, FTPS data and control, IMAPS, POP3S, SIPS, AMQPS, syslog over TLS, MQTTS; and 8443,
#: HTTPS by convention.
TLS_PORTS = frozenset({443, 465, 636, 853, 989, 990, 993, 995, 5061, 5671, 6514, 8443, 8883})
_PASS_THROUGH = ("TCP", "TCP_UDP", "UDP")


def _load_balancer(r: ResourceView) -> ResourceRef:
    """The load balancer of a listener; fails closed when it is not part of the app."""
    ref = r.follow(r.props.get("LoadBalancerArn"), "LoadBalancerArn")
    if isinstance(ref, ResourceRef) and ref.type == LOAD_BALANCER:
        return ref
    shown = ref.logical_id if isinstance(ref, ResourceRef) else ref.description
    raise CannotVerify(
        f"LoadBalancerArn is {shown}, not a load balancer of the app, so whether this "
        "listener faces the internet cannot be verified",
        "Properties.LoadBalancerArn",
    )


def _pass_through_listener(r: ResourceView) -> tuple[str, int | None] | None:
    """``(protocol, port)`` of a TCP/UDP/TCP_UDP listener; the port None if deploy-time."""
    raw = r.props.get("Protocol")
    if raw is None:
        return None
    protocol = str(r.literal(raw, "Protocol")).upper()
    if protocol not in _PASS_THROUGH:
        return None
    try:
        return protocol, r.int(r.props.get("Port"), "Port")
    except CannotVerify:
        return protocol, None


def _facing_internet(r: ResourceView) -> str | None:
    """The listener's load balancer if it is internet-facing, else None."""
    lb = _load_balancer(r)
    scheme = properties(lb.resource).get("Scheme", "internet-facing")  # CloudFormation's default
    internal = r.literal(scheme, f"{lb.logical_id}.Scheme") == "internal"
    return None if internal else lb.logical_id


def _plaintext_tcp(r: ResourceView) -> Iterator[Problem]:
    listener = _pass_through_listener(r)
    if listener is None:
        return
    protocol, port = listener
    if protocol == "UDP" or port in TLS_PORTS:
        return  # SC-NLB-2
    lb = _facing_internet(r)
    if lb is None:
        return
    if port is None:
        r.int(r.props.get("Port"), "Port")  # raises: a deploy-time port may be plaintext
    yield Problem(
        f"Protocol is {protocol!r} on port {port} of the internet-facing network load "
        f"balancer {lb}: the load balancer passes the traffic through unencrypted, so "
        "whatever the clients send crosses the internet in clear text; use a TLS listener "
        "with a certificate and a TLS 1.2+ SslPolicy",
        "Properties.Protocol",
    )


def _pass_through(r: ResourceView) -> Iterator[Problem]:
    listener = _pass_through_listener(r)
    if listener is None:
        return
    protocol, port = listener
    if protocol != "UDP" and port not in TLS_PORTS:
        return  # SC-NLB-1 (a deploy-time port too)
    lb = _facing_internet(r)
    if lb is None:
        return
    if protocol == "UDP":
        yield Problem(
            f"Protocol is 'UDP' on port {port if port is not None else 'unknown'} of the "
            f"internet-facing network load balancer {lb}: an NLB cannot encrypt UDP, so the "
            "traffic is only as private as the protocol makes it (QUIC, DTLS, WireGuard "
            "encrypt; DNS, syslog, most game protocols do not)",
            "Properties.Protocol",
        )
    else:
        yield Problem(
            f"Protocol is {protocol!r} on port {port} of the internet-facing network load "
            f"balancer {lb}: TLS passes through to the targets, which alone decide the TLS "
            "versions and ciphers; the load balancer cannot refuse TLS 1.0 or plaintext",
            "Properties.Protocol",
        )


# -- SC-NLB-3 access logs ----------------------------------------------------------------------


def _listeners(app: AppIndex) -> dict[ResourceKey, list[tuple[TemplateIndex, str]]]:
    """Load balancer -> the listeners of the app that name it (in any variant)."""
    out: dict[ResourceKey, list[tuple[TemplateIndex, str]]] = defaultdict(list)
    for tpl in app.templates:
        for logical_id in tpl.by_type.get(LISTENER, ()):
            value = properties(tpl.resources[logical_id]).get("LoadBalancerArn")
            for ref in app.resources_mentioned(value, tpl):
                if (tpl, logical_id) not in out[ref.key]:
                    out[ref.key].append((tpl, logical_id))
    return out


def _tls_listener(r: ResourceView) -> tuple[bool, CannotVerify | None]:
    """Whether a TLS listener of the app may serve this load balancer, and what is unknown."""
    unknown: CannotVerify | None = None
    for tpl, logical_id in app_cache(r.app, "elbv2_network_listeners", _listeners).get(r.key, []):
        try:
            expanded = list(variants(tpl.resources[logical_id]))
        except CannotVerify as exc:
            unknown = unknown or exc
            continue
        for choice, variant in expanded:
            view = ResourceView(logical_id, variant, tpl, r.app, choice)
            raw = view.props.get("Protocol")
            try:
                protocol = str(view.literal(raw, f"{logical_id}.Protocol")).upper()
            except CannotVerify as exc:
                unknown = unknown or exc
                continue
            if protocol == "TLS":
                return True, None
    return False, unknown


def _attributes(r: ResourceView) -> dict[str, Any]:
    """``LoadBalancerAttributes`` as key -> value (later entries win, as in ELB)."""
    out: dict[str, Any] = {}
    for i, item in enumerate(as_list(r.props.get("LoadBalancerAttributes"))):
        if isinstance(item, Mapping):
            key = r.literal(item.get("Key"), f"LoadBalancerAttributes[{i}].Key")
            out[str(key)] = item.get("Value")
    return out


def _listener_of_another_load_balancer(r: ResourceView) -> None:
    """Raise for a TLS listener whose load balancer is not in the app: no logs to see."""
    raw = r.props.get("Protocol")
    if raw is None:
        return
    try:
        protocol: str | None = str(r.literal(raw, "Protocol")).upper()
    except CannotVerify:
        protocol = None  # may be TLS
    if protocol not in (None, "TLS"):
        return
    try:
        ref = r.follow(r.props.get("LoadBalancerArn"), "LoadBalancerArn")
    except CannotVerify as exc:
        shown = exc.message
    else:
        if isinstance(ref, ResourceRef) and ref.type == LOAD_BALANCER:
            return  # the load balancer itself is judged
        shown = ref.logical_id if isinstance(ref, ResourceRef) else ref.description
        shown = f"LoadBalancerArn is {shown}, not a load balancer of the app"
    kind = "this TLS listener" if protocol else "this listener (which may be TLS)"
    raise CannotVerify(
        f"{shown}, so whether the load balancer of {kind} writes access logs cannot be verified",
        "Properties.LoadBalancerArn",
    )


def _access_logs(r: ResourceView) -> Iterator[Problem]:
    if r.type == LISTENER:
        _listener_of_another_load_balancer(r)
        return
    kind = r.props.get("Type", "application")
    if str(r.literal(kind, "Type")) != "network":
        return
    attributes = _attributes(r)
    enabled = attributes.get("access_logs.s3.enabled")
    if enabled is not None and r.bool(enabled, "LoadBalancerAttributes[access_logs.s3.enabled]"):
        if attributes.get("access_logs.s3.bucket") is None:
            yield Problem(
                "access_logs.s3.enabled is true but access_logs.s3.bucket is not set",
                "Properties.LoadBalancerAttributes",
            )
        return
    tls, unknown = _tls_listener(r)
    problem = (
        "access_logs.s3.enabled is not true, so the TLS connections to this network load "
        "balancer (client, TLS version, cipher, certificate) leave no access log"
    )
    if tls:
        yield Problem(problem, "Properties.LoadBalancerAttributes")
    elif unknown is not None:
        raise CannotVerify(
            f"access_logs.s3.enabled is not true and {unknown.message}: if that listener is "
            "TLS, its connections leave no access log",
            "Properties.LoadBalancerAttributes",
        )


_TLS_FIX = (
    "On elbv2.NetworkLoadBalancer, add_listener(..., protocol=elbv2.Protocol.TLS, "
    "certificates=[elbv2.ListenerCertificate.from_arn(...)], ssl_policy=elbv2.SslPolicy."
    "RECOMMENDED_TLS); a listener that must stay plaintext or pass-through (a protocol "
    "without a TLS form, targets that terminate TLS themselves) is an explicit opt-out: "
    "acknowledge the rule on that listener with the reason, e.g. "
    "cdk.Validations.of(listener).acknowledge(cdk.Acknowledgment("
    "id='SecureConstructs::SC-NLB-1', reason='...'))."
)

RULES = (
    Rule(
        id="SC-NLB-1",
        title="Internet-facing network load balancers do not accept plaintext TCP",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(LISTENER,),
        rationale="A TCP or TCP_UDP listener passes bytes through unencrypted: on an "
        "internet-facing NLB, anything the application protocol sends on a port that is not "
        "TLS by definition (HTTP on 80, databases, custom protocols) crosses the internet in "
        "clear text. A TLS listener terminates TLS 1.2+ at the load balancer. TLS ports "
        "(443, 8443...) passed through and UDP are SC-NLB-2.",
        fix=_TLS_FIX,
        check=_plaintext_tcp,
        fsbp=("ELB.18",),
        nist_800_53=("SC-8",),
    ),
    Rule(
        id="SC-NLB-2",
        title="Internet-facing network load balancers terminate TLS instead of passing it on",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.WARNING,
        resource_types=(LISTENER,),
        rationale="TCP on a TLS port (443, 8443, 993...) is TLS passed through to the "
        "targets: encrypted end to end, but the load balancer cannot refuse TLS 1.0 or a "
        "plaintext client, so the targets' TLS setup alone decides. UDP cannot be terminated "
        "by an NLB, so the protocol itself must encrypt. Both are legitimate designs, hence a "
        "warning.",
        fix=_TLS_FIX,
        check=_pass_through,
        fsbp=("ELB.18",),
        nist_800_53=("SC-8",),
    ),
    Rule(
        id="SC-NLB-3",
        title="Network load balancers with TLS listeners write access logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=(LOAD_BALANCER, LISTENER),
        rationale="NLB access logs record each TLS connection: client, listener, TLS version "
        "and cipher, certificate, handshake errors. They cover TLS listeners only, so an NLB "
        "without one is not asked for them (its flows are in the VPC flow logs). A TLS "
        "listener on a load balancer outside the app cannot be verified (acknowledge it "
        "where the other stack or account logs).",
        fix="Call network_load_balancer.log_access_logs(bucket) (an S3 bucket with SSE-S3 or a "
        "customer-managed KMS key whose policy lets delivery.logs.amazonaws.com use it).",
        check=_access_logs,
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-ELB2", "NIST.800.53.R5-ELBLoggingEnabled"),
        checkov=("CKV_AWS_91",),
    ),
)
