"""Network guarantees a construct declares: egress stays restricted, functions stay in the VPC.

A template cannot say that a security group's egress *used to be* restricted, so the Secure*
constructs declare it on the resource (metadata :data:`~aspects.constants.
GUARANTEES_METADATA`) and these rules hold any template to what it declares:

* ``{"egress": {"worldPorts": [443]}}`` on an ``AWS::EC2::SecurityGroup``: the group has
  egress rules of its own, inline or as ``AWS::EC2::SecurityGroupEgress`` resources
  (without any, AWS allows everything out), and
  no rule, inline or a separate ``AWS::EC2::SecurityGroupEgress``, lets traffic out to the
  whole internet (``0.0.0.0/0``, ``::/0``) other than TCP on the listed ports.
* ``{"ingress": {"ports": [443, 80]}}`` on an ``AWS::EC2::SecurityGroup``: every ingress
  rule, inline or a separate ``AWS::EC2::SecurityGroupIngress``, is TCP on one listed port.
* ``{"vpc": true}`` on an ``AWS::Lambda::Function``: ``VpcConfig`` keeps subnets and
  security groups, so the function does not leave its network for the Lambda service VPC.

Opening more on purpose (``connections.allow_to_any_ipv4(Port.tcp(80))``) is a weakening of
what the construct promised: acknowledge the finding with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import AppIndex, ResourceKey, ResourceRef, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import app_cache, declared
from aspects.rules._common import Deferred
from aspects.values import as_list, intrinsic_name, properties

_WORLD = frozenset({"0.0.0.0/0", "::/0"})


def _separate_egress(app: AppIndex) -> dict[ResourceKey, list[tuple[str, Mapping[str, Any]]]]:
    """Security group -> its ``AWS::EC2::SecurityGroupEgress`` resources (any variant)."""
    out: dict[ResourceKey, list[tuple[str, Mapping[str, Any]]]] = {}
    for tpl in app.templates:
        for logical_id in tpl.by_type.get("AWS::EC2::SecurityGroupEgress", ()):
            props = properties(tpl.resources[logical_id])
            for ref in app.resources_mentioned(props.get("GroupId"), tpl):
                out.setdefault(ref.key, []).append((logical_id, props))
    return out


#: Resources whose CIDR attributes are a network's own range, never the whole internet.
_NETWORKS = frozenset({"AWS::EC2::VPC", "AWS::EC2::VPCCidrBlock", "AWS::EC2::Subnet"})


def _cidr(r: ResourceView, value: Any, what: str) -> str:
    """A destination CIDR as text; a VPC's or subnet's own range is never the internet."""
    if intrinsic_name(value) in ("Fn::GetAtt", "Fn::Select", "Fn::ImportValue"):
        try:
            ref = r.follow(value, what)
        except CannotVerify:
            ref = None
        if isinstance(ref, ResourceRef) and ref.type in _NETWORKS:
            return f"the range of {ref.logical_id}"
    return str(r.literal(value, what))


def _world_problem(
    r: ResourceView, rule: Mapping[str, Any], what: str, ports: frozenset[int]
) -> str | None:
    """Why an egress rule breaks the declared restriction, or None."""
    destinations = [
        _cidr(r, rule[key], f"{what}.{key}") for key in ("CidrIp", "CidrIpv6") if key in rule
    ]
    world = [d for d in destinations if d.strip() in _WORLD]
    protocol = str(r.literal(rule.get("IpProtocol", "-1"), f"{what}.IpProtocol")).lower()
    if protocol in ("-1", "all"):
        target = world[0] if world else _destination(rule)
        return f"{what} allows all traffic to {target}; the construct allowed named ports only"
    if not world:
        return None
    low = r.int(rule.get("FromPort", 0), f"{what}.FromPort")
    high = r.int(rule.get("ToPort", 65535), f"{what}.ToPort")
    if protocol not in ("tcp", "6") or low != high or low not in ports:
        allowed = ", ".join(f"TCP {p}" for p in sorted(ports)) or "nothing"
        return (
            f"{what} allows {protocol} {low}-{high} to {world[0]}; the construct restricted "
            f"egress to the internet to {allowed}"
        )
    return None


def _destination(rule: Mapping[str, Any]) -> str:
    for key in ("DestinationSecurityGroupId", "SourceSecurityGroupId", "DestinationPrefixListId"):
        if key in rule:
            return f"the {key[:-2].replace('SecurityGroup', ' security group')} it names"
    return "its destination"


def _separate_ingress(app: AppIndex) -> dict[ResourceKey, list[tuple[str, Mapping[str, Any]]]]:
    """Security group -> its ``AWS::EC2::SecurityGroupIngress`` resources (any variant)."""
    out: dict[ResourceKey, list[tuple[str, Mapping[str, Any]]]] = {}
    for tpl in app.templates:
        for logical_id in tpl.by_type.get("AWS::EC2::SecurityGroupIngress", ()):
            props = properties(tpl.resources[logical_id])
            for ref in app.resources_mentioned(props.get("GroupId"), tpl):
                out.setdefault(ref.key, []).append((logical_id, props))
    return out


def _ingress_kept(r: ResourceView) -> Iterator[Problem]:
    guarantee = declared(r, "ingress")
    if not isinstance(guarantee, Mapping):
        return
    ports = frozenset(int(p) for p in as_list(guarantee.get("ports")) if isinstance(p, int))
    allowed = ", ".join(f"TCP {p}" for p in sorted(ports)) or "nothing"
    inline = r.literal(r.props.get("SecurityGroupIngress"), "SecurityGroupIngress")
    rules = [
        (f"SecurityGroupIngress[{i}]", rule, f"Properties.SecurityGroupIngress[{i}]")
        for i, rule in enumerate(as_list(inline))
    ]
    separate = app_cache(r.app, "network_separate_ingress", _separate_ingress).get(r.key, [])
    rules += [(lid, props, lid) for lid, props in separate]
    deferred = Deferred()
    for what, rule, path in rules:
        with deferred:
            if not isinstance(rule, Mapping):
                raise CannotVerify(f"{what} is not an ingress rule", path)
            protocol = str(r.literal(rule.get("IpProtocol", "-1"), f"{what}.IpProtocol")).lower()
            low = r.int(rule.get("FromPort", 0), f"{what}.FromPort") if protocol != "-1" else 0
            high = r.int(rule.get("ToPort", 65535), f"{what}.ToPort") if protocol != "-1" else 65535
            if protocol not in ("tcp", "6") or low != high or low not in ports:
                shown = "all traffic" if protocol in ("-1", "all") else f"{protocol} {low}-{high}"
                yield Problem(
                    f"{what} admits {shown}; the construct admitted {allowed} only",
                    path,
                )
    deferred.raise_first()


def _egress_kept(r: ResourceView) -> Iterator[Problem]:
    guarantee = declared(r, "egress")
    if not isinstance(guarantee, Mapping):
        return
    ports = frozenset(int(p) for p in as_list(guarantee.get("worldPorts")) if isinstance(p, int))
    inline = r.props.get("SecurityGroupEgress")
    separate = app_cache(r.app, "network_separate_egress", _separate_egress).get(r.key, [])
    if inline is None and not separate:
        # Egress rules of their own (inline or AWS::EC2::SecurityGroupEgress) replace the
        # default; without any, AWS adds "all traffic to 0.0.0.0/0 and ::/0".
        yield Problem(
            "SecurityGroupEgress is not set and no SecurityGroupEgress resource names this "
            "group, so AWS allows all traffic out to anywhere; the construct that made this "
            "group restricted its egress",
            "Properties.SecurityGroupEgress",
        )
    deferred = Deferred()
    rules = [
        (f"SecurityGroupEgress[{i}]", rule, f"Properties.SecurityGroupEgress[{i}]")
        for i, rule in enumerate(as_list(r.literal(inline, "SecurityGroupEgress")))
    ]
    rules += [(lid, props, lid) for lid, props in separate]
    for what, rule, path in rules:
        with deferred:
            if not isinstance(rule, Mapping):
                raise CannotVerify(f"{what} is not an egress rule", path)
            problem = _world_problem(r, rule, what, ports)
            if problem:
                yield Problem(problem, path)
    deferred.raise_first()


def _stays_in_vpc(r: ResourceView) -> Iterator[Problem]:
    if declared(r, "vpc") is not True:
        return
    config = r.props.get("VpcConfig")
    if config is None:
        yield Problem(
            "VpcConfig is not set: the function runs outside the VPC the construct placed "
            "it in, beyond its security groups and the VPC's flow logs",
            "Properties.VpcConfig",
        )
        return
    config = r.literal(config, "VpcConfig")
    for key in ("SubnetIds", "SecurityGroupIds"):
        value = config.get(key) if isinstance(config, Mapping) else None
        if not as_list(r.literal(value, f"VpcConfig.{key}")):
            yield Problem(
                f"VpcConfig.{key} is empty: the function is no longer attached to its VPC",
                f"Properties.VpcConfig.{key}",
            )


RULES = (
    Rule(
        id="SC-NET-1",
        title="Security groups keep the egress restriction their construct declared",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=("AWS::EC2::SecurityGroup",),
        rationale="Restricted egress stops a compromised workload from reaching an "
        "attacker's server or exfiltrating data on any port. The Secure* constructs create "
        "their groups with allow_all_outbound=False and HTTPS out only, and declare it in "
        "the group's metadata; deleting SecurityGroupEgress (AWS then allows everything) "
        "or widening a rule to the internet undoes it without any property looking wrong.",
        fix="Open what the workload needs to named peers (connections.allow_to(db, "
        "Port.tcp(5432))) instead of the internet; if the internet on another port is "
        "really needed, acknowledge SC-NET-1 on the construct with the reason.",
        check=_egress_kept,
        nist_800_53=("SC-7", "SC-7(5)"),
    ),
    Rule(
        id="SC-NET-2",
        title="Functions placed in a VPC by their construct stay in it",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=("AWS::Lambda::Function",),
        rationale="A function in a VPC reaches the network only through its security "
        "groups and the VPC's routes and flow logs; removing VpcConfig moves it to the "
        "Lambda service network with unrestricted internet access.",
        fix="Keep the vpc (and vpc_subnets) of the SecureFunction; do not delete VpcConfig "
        "with an escape hatch.",
        check=_stays_in_vpc,
        fsbp=("Lambda.3",),
        nist_800_53=("SC-7",),
        cdk_nag=("NIST.800.53.R5-LambdaInsideVPC",),
        checkov=("CKV_AWS_117",),
    ),
    Rule(
        id="SC-NET-3",
        title="Security groups admit only the ports their construct declared",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=("AWS::EC2::SecurityGroup",),
        rationale="A construct's group admits exactly its listener or database port from "
        "named peers; an ingress rule widened to all ports or all protocols (inline or as "
        "an AWS::EC2::SecurityGroupIngress) opens every other service on the hosts to "
        "whoever the peer is. World-open ingress is also SC-EC2-1's.",
        fix="Admit the declared port only (connections.allow_from(peer, Port.tcp(port))); "
        "acknowledge SC-NET-3 on the construct with the reason for any other port.",
        check=_ingress_kept,
        nist_800_53=("SC-7", "CM-7"),
    ),
)
