"""Amazon VPC / EC2 guardrails: no world-open ingress but HTTP(S), flow logs on every VPC."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ResourceRef, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.values import as_list, intrinsic_name, properties

SECURITY_GROUPS = ("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress")
_WEB_PORTS = (80, 443)


def _cidr(r: ResourceView, value: Any, what: str) -> str | None:
    """A literal CIDR, following ``GetAtt <Vpc>.CidrBlock`` to the VPC's own block."""
    if value is None or intrinsic_name(value) is None:
        return value if value is None else str(value)
    name = intrinsic_name(value)
    if name == "Fn::GetAtt":
        ref = r.follow(value, what)
        if (
            isinstance(ref, ResourceRef)
            and ref.type == "AWS::EC2::VPC"
            and ref.attribute == "CidrBlock"
        ):
            block = properties(ref.resource).get("CidrBlock")
            return str(r.literal(block, f"{ref.logical_id}.CidrBlock"))
    if name == "Fn::Select":
        args = value["Fn::Select"]
        source = args[1] if isinstance(args, list) and len(args) == 2 else None
        if intrinsic_name(source) == "Fn::GetAtt":
            ref = r.follow(source, what)
            if (
                isinstance(ref, ResourceRef)
                and ref.type == "AWS::EC2::VPC"
                and ref.attribute == "Ipv6CidrBlocks"
            ):
                return None  # the VPC's own IPv6 block, never ::/0
    return str(r.literal(value, what))


def _ingress_rules(r: ResourceView) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if r.type == "AWS::EC2::SecurityGroupIngress":
        yield "Properties", r.props
        return
    raw = r.props.get("SecurityGroupIngress")
    if intrinsic_name(raw) is not None:
        r.literal(raw, "SecurityGroupIngress")  # a list known only at deploy time
    for i, rule in enumerate(as_list(raw)):
        if intrinsic_name(rule) is not None or not isinstance(rule, Mapping):
            r.literal(rule, f"SecurityGroupIngress[{i}]")  # raises CannotVerify
        yield f"Properties.SecurityGroupIngress[{i}]", rule


#: Prefixes shorter than these span a large part of the internet (an IPv4 /7 is 33 million
#: addresses; no organisation's own range is that wide), so they count as "the internet":
#: ``0.0.0.0/1`` plus ``128.0.0.0/1`` must not slip past a check for ``0.0.0.0/0``.
_WORLD_PREFIX = {4: 8, 6: 16}


def _is_world(cidr: str, what: str) -> bool:
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        raise CannotVerify(f"{what} is {cidr!r}, which is not a CIDR", what) from None
    return network.prefixlen < _WORLD_PREFIX[network.version]


def _is_web_port(r: ResourceView, rule: Mapping[str, Any], path: str) -> bool:
    protocol = str(r.literal(rule.get("IpProtocol"), f"{path}.IpProtocol")).lower()
    if protocol not in ("tcp", "6"):
        return False
    low = r.int(rule.get("FromPort"), f"{path}.FromPort")
    high = r.int(rule.get("ToPort"), f"{path}.ToPort")
    return low == high and low in _WEB_PORTS


def _traffic(rule: Mapping[str, Any]) -> str:
    protocol = rule.get("IpProtocol")
    if str(protocol) == "-1":
        return "every protocol and port (IpProtocol -1)"
    return f"protocol {protocol!r} ports {rule.get('FromPort')!r}-{rule.get('ToPort')!r}"


def _no_world_ingress(r: ResourceView) -> Iterator[Problem]:
    for path, rule in _ingress_rules(r):
        for key in ("CidrIp", "CidrIpv6"):
            cidr = _cidr(r, rule.get(key), f"{path}.{key}")
            if cidr is None or not _is_world(cidr, f"{path}.{key}"):
                continue
            if _is_web_port(r, rule, path):
                continue
            yield Problem(
                f"{path} admits {cidr} on {_traffic(rule)}; only TCP 80 and 443 may be open "
                "to the internet",
                path,
            )


def _flow_logs(r: ResourceView) -> Iterator[Problem]:
    if r.key in r.app.flow_logged_vpcs:
        return
    maybe = r.app.maybe_flow_logged_vpcs.get(r.key)
    if maybe is not None:
        raise CannotVerify(
            f"{maybe}, so whether this VPC's traffic is recorded is only known at deploy time",
            "FlowLog",
        )
    yield Problem(
        "no AWS::EC2::FlowLog with ResourceType VPC covers this VPC, so its traffic is "
        "not recorded",
        "FlowLog",
    )


RULES = (
    Rule(
        id="SC-EC2-1",
        title="Security groups admit the internet only on TCP 80 and 443",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=SECURITY_GROUPS,
        rationale="SSH, RDP, databases and admin ports open to 0.0.0.0/0 or ::/0 are found "
        "and attacked within minutes.",
        fix="Admit a specific CIDR, prefix list or security group; put web traffic behind a "
        "load balancer that listens on 443 (and 80 only to redirect).",
        check=_no_world_ingress,
        fsbp=("EC2.18", "EC2.19"),
        nist_800_53=("SC-7", "AC-4"),
        cdk_nag=("AwsSolutions-EC23", "NIST.800.53.R5-EC2RestrictedCommonPorts"),
        checkov=("CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260"),
    ),
    Rule(
        id="SC-EC2-2",
        title="Every VPC has a flow log",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=("AWS::EC2::VPC",),
        rationale="Flow logs are the record of who talked to what, which GuardDuty and an "
        "investigation rely on.",
        fix="Call vpc.add_flow_log(...) or set flow_logs on the Vpc (to CloudWatch Logs with "
        "a KMS key, or to S3).",
        check=_flow_logs,
        fsbp=("EC2.6",),
        nist_800_53=("AU-12", "SI-4"),
        cdk_nag=("AwsSolutions-VPC7", "NIST.800.53.R5-VPCFlowLogsEnabled"),
    ),
)
