"""Security groups as every construct creates them: no ingress, explicit egress only."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from secure_constructs._defaults import declare_guarantee

#: What a workload in private subnets needs by default: HTTPS to AWS APIs (through VPC
#: endpoints or a NAT gateway) and to the services it calls.
DEFAULT_EGRESS_PORT = 443


def egress_only_security_group(
    scope: Construct,
    construct_id: str,
    *,
    vpc: ec2.IVpc,
    description: str,
) -> ec2.SecurityGroup:
    """A dedicated group that admits nothing and allows only HTTPS out.

    ``allow_all_outbound`` is off, so every further destination (a database port...) must
    be opened explicitly, e.g. ``construct.connections.allow_to(db, ec2.Port.tcp(5432))``.
    """
    group = ec2.SecurityGroup(
        scope, construct_id, vpc=vpc, description=description, allow_all_outbound=False
    )
    group.add_egress_rule(
        ec2.Peer.any_ipv4(),
        ec2.Port.tcp(DEFAULT_EGRESS_PORT),
        "HTTPS to AWS APIs and the services the workload calls",
    )
    declare_restricted_egress(group, world_ports=(DEFAULT_EGRESS_PORT,))
    declare_ingress_ports(group)
    return group


def declare_ingress_ports(group: ec2.SecurityGroup, *ports: int) -> None:
    """Declare that *group* admits TCP on *ports* only (none: nothing); guardrail SC-NET-3."""
    declare_guarantee(group, "ingress", {"ports": list(ports)})


def declare_restricted_egress(group: ec2.SecurityGroup, *, world_ports: tuple[int, ...]) -> None:
    """Declare that *group* lets nothing out to the internet but TCP on *world_ports*.

    Guardrail SC-NET-1 holds the synthesized template to it.
    """
    declare_guarantee(group, "egress", {"worldPorts": list(world_ports)})
