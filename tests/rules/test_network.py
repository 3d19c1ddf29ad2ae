"""SC-NET-1/2: the egress and VPC guarantees a construct declares hold on the template.

One app for the module: stack ``Net`` holds one security group or function per case; the
guarantee is declared the way the Secure* constructs declare it (resource metadata), and
the template is then weakened through escape hatches.
"""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_

from aspects.constants import GUARANTEES_METADATA
from secure_constructs import SecureFunction
from secure_constructs._defaults.ec2 import (
    declare_ingress_ports,
    declare_restricted_egress,
    egress_only_security_group,
)

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, cfn, check_app, findings_at, ids


def _build(stack: cdk.Stack) -> None:
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    setting = cdk.CfnParameter(stack, "Cidr", default="10.0.0.0/8").value_as_string

    def group(construct_id: str) -> ec2.SecurityGroup:
        return egress_only_security_group(stack, construct_id, vpc=vpc, description=construct_id)

    group("Kept")
    database = ec2.SecurityGroup(stack, "Database", vpc=vpc, allow_all_outbound=False)
    group("ToDatabase").connections.allow_to(database, ec2.Port.tcp(5432))
    group("ToVpcRange").add_egress_rule(ec2.Peer.ipv4(vpc.vpc_cidr_block), ec2.Port.tcp(8080))
    cfn(group("EgressDeleted")).add_property_deletion_override("SecurityGroupEgress")
    cfn(group("AllTraffic")).add_property_override(
        "SecurityGroupEgress", [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]
    )
    group("HttpToInternet").add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(80))
    cfn(group("ParamCidr")).add_property_override("SecurityGroupEgress.0.CidrIp", setting)
    # A separate egress resource (what connections.allow_to writes) widened to the internet.
    lb = ec2.SecurityGroup(stack, "LoadBalancer", vpc=vpc, allow_all_outbound=False)
    declare_restricted_egress(lb, world_ports=())
    target = ec2.SecurityGroup(stack, "Tasks", vpc=vpc, allow_all_outbound=False)
    lb.connections.allow_to(target, ec2.Port.tcp(8080))
    egress = lb.node.find_child(
        "to NetTasks" + cdk.Names.node_unique_id(target.node)[-8:] + ":8080"
    )
    assert isinstance(egress, ec2.CfnSecurityGroupEgress)
    egress.add_property_deletion_override("DestinationSecurityGroupId")
    egress.add_property_override("CidrIp", "0.0.0.0/0")
    # Raw L1 with the declaration written by hand, IPv6.
    l1 = ec2.CfnSecurityGroup(
        stack,
        "L1Ipv6",
        group_description="l1",
        vpc_id=vpc.vpc_id,
        security_group_egress=[
            ec2.CfnSecurityGroup.EgressProperty(
                ip_protocol="tcp", from_port=0, to_port=65535, cidr_ipv6="::/0"
            )
        ],
    )
    l1.add_metadata(GUARANTEES_METADATA, {"egress": {"worldPorts": [443]}})
    # All traffic to a named peer widens the declared port to every port.
    wide = group("AllTrafficToPeer")
    wide.connections.allow_to(database, ec2.Port.all_traffic())
    # SC-NET-3 declared ingress.
    web = ec2.SecurityGroup(stack, "Web", vpc=vpc, allow_all_outbound=False)
    declare_ingress_ports(web, 443, 80)
    web.add_ingress_rule(ec2.Peer.ipv4("10.0.0.0/16"), ec2.Port.tcp(443))
    web.add_ingress_rule(ec2.Peer.ipv4("10.0.0.0/16"), ec2.Port.tcp(80))
    wide_in = ec2.SecurityGroup(stack, "WideIngress", vpc=vpc, allow_all_outbound=False)
    declare_ingress_ports(wide_in, 8080)
    wide_in.add_ingress_rule(ec2.Peer.ipv4("10.0.0.0/16"), ec2.Port.tcp_range(0, 65535))
    peer_in = ec2.SecurityGroup(stack, "PeerAllTraffic", vpc=vpc, allow_all_outbound=False)
    declare_ingress_ports(peer_in, 5432)
    client = ec2.SecurityGroup(stack, "Client", vpc=vpc, allow_all_outbound=False)
    peer_in.connections.allow_from(client, ec2.Port.all_traffic())
    # No declaration: a group that allows everything out is not this rule's business.
    ec2.SecurityGroup(stack, "Undeclared", vpc=vpc, allow_all_outbound=True)

    # SC-NET-2 functions.
    code = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")

    def function(construct_id: str, **kwargs: object) -> SecureFunction:
        return SecureFunction(
            stack,
            construct_id,
            code=code,
            handler="index.handler",
            runtime=lambda_.Runtime.PYTHON_3_13,
            **kwargs,  # type: ignore[arg-type]
        )

    function("InVpc", vpc=vpc)
    cfn(function("LeftVpc", vpc=vpc).function).add_property_deletion_override("VpcConfig")
    cfn(function("NoSubnets", vpc=vpc).function).add_property_override("VpcConfig.SubnetIds", [])
    function("NoVpc")


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Net"))
    return check_app(app)


def at(name: str) -> str:
    return f"Net/{name}"


def _net(ev: Checked, name: str) -> set[tuple[str, object, str]]:
    return {
        (f.rule.id, f.status, f.property_path)
        for f in findings_at(ev, at(name))
        if f.rule.id.startswith("SC-NET-")
    }


@pytest.mark.parametrize("name", ["Kept", "ToDatabase", "ToVpcRange", "Undeclared", "Database"])
def test_restricted_or_undeclared_groups_pass(ev: Checked, name: str) -> None:
    assert _net(ev, name) == set()


def test_deleted_egress_means_everything_out(ev: Checked) -> None:
    assert _net(ev, "EgressDeleted") == {
        ("SC-NET-1", NON_COMPLIANT, "Properties.SecurityGroupEgress")
    }


def test_all_traffic_to_the_internet_is_flagged(ev: Checked) -> None:
    (finding,) = [f for f in findings_at(ev, at("AllTraffic")) if f.rule.id == "SC-NET-1"]
    assert finding.message == (
        "SecurityGroupEgress[0] allows all traffic to 0.0.0.0/0; the construct allowed named "
        "ports only"
    )


def test_another_port_to_the_internet_is_flagged(ev: Checked) -> None:
    (finding,) = [f for f in findings_at(ev, at("HttpToInternet")) if f.rule.id == "SC-NET-1"]
    assert "allows tcp 80-80 to 0.0.0.0/0" in finding.message
    assert "restricted egress to the internet to TCP 443" in finding.message


def test_egress_destination_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert {s for _, s, _ in _net(ev, "ParamCidr")} == {CANNOT_VERIFY}


def test_separate_egress_resource_widened_to_the_internet_is_flagged(ev: Checked) -> None:
    found = _net(ev, "LoadBalancer")
    assert len(found) == 1
    ((rule, status, path),) = found
    assert (rule, status) == ("SC-NET-1", NON_COMPLIANT)
    assert path.startswith("LoadBalancerto")


def test_l1_with_a_hand_written_declaration_is_judged(ev: Checked) -> None:
    assert _net(ev, "L1Ipv6") == {("SC-NET-1", NON_COMPLIANT, "Properties.SecurityGroupEgress[0]")}


def test_function_in_its_vpc_passes(ev: Checked) -> None:
    assert "SC-NET-2" not in ids(ev, at("InVpc")) | ids(ev, at("NoVpc"))


def test_function_that_leaves_its_vpc_is_flagged(ev: Checked) -> None:
    assert _net(ev, "LeftVpc") == {("SC-NET-2", NON_COMPLIANT, "Properties.VpcConfig")}


def test_function_without_subnets_is_flagged(ev: Checked) -> None:
    assert _net(ev, "NoSubnets") == {("SC-NET-2", NON_COMPLIANT, "Properties.VpcConfig.SubnetIds")}


def test_all_traffic_to_a_named_peer_is_flagged(ev: Checked) -> None:
    found = [f for f in findings_at(ev, at("AllTrafficToPeer")) if f.rule.id == "SC-NET-1"]
    assert [f.status for f in found] == [NON_COMPLIANT]
    assert "allows all traffic to the Destination security group it names" in found[0].message


def test_declared_ingress_ports_pass(ev: Checked) -> None:
    assert _net(ev, "Web") == set()


def test_ingress_widened_to_every_port_is_flagged(ev: Checked) -> None:
    (finding,) = [f for f in findings_at(ev, at("WideIngress")) if f.rule.id == "SC-NET-3"]
    assert finding.message == (
        "SecurityGroupIngress[0] admits tcp 0-65535; the construct admitted TCP 8080 only"
    )


def test_separate_ingress_with_all_traffic_is_flagged(ev: Checked) -> None:
    found = [f for f in findings_at(ev, at("PeerAllTraffic")) if f.rule.id == "SC-NET-3"]
    assert len(found) == 1
    assert "admits all traffic; the construct admitted TCP 5432 only" in found[0].message
