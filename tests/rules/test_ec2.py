"""SC-EC2-1..2 on security groups and VPCs built from L2s, raw L1s, escape hatches, tokens.

One app is synthesized for the module: stack ``Ec2`` holds one security group or VPC per
case (construct id = case name).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, ids, outcomes

FOREIGN_VPC = "vpc-0123456789abcdef0"
INGRESS = "SecurityGroupIngress.0"


def _build(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    port = cdk.CfnParameter(stack, "Port", type="Number", default=22).value_as_number
    switch = Switch(stack)
    imported = ec2.Vpc.from_vpc_attributes(
        stack, "Imported", vpc_id=FOREIGN_VPC, availability_zones=["eu-west-1a"]
    )
    flow_bucket = s3.Bucket.from_bucket_name(stack, "FlowBucket", "flow-logs-123456789012")

    def group(construct_id: str, peer: ec2.IPeer, port_: ec2.Port) -> ec2.SecurityGroup:
        sg = ec2.SecurityGroup(stack, construct_id, vpc=imported)
        sg.add_ingress_rule(peer, port_)
        return sg

    def l1_vpc(construct_id: str, *, flow_log: bool = True, **overrides: Any) -> ec2.CfnVPC:
        props: dict[str, Any] = {"cidr_block": "10.0.0.0/16"}
        props.update(overrides)
        vpc = ec2.CfnVPC(stack, construct_id, **props)
        if flow_log:
            ec2.CfnFlowLog(
                stack,
                f"{construct_id}FlowLog",
                resource_id=vpc.ref,
                resource_type="VPC",
                traffic_type="ALL",
                log_destination_type="s3",
                log_destination=flow_bucket.bucket_arn,
            )
        return vpc

    def vpc(construct_id: str, *, flow_log: bool = True) -> ec2.Vpc:
        flow_logs = {
            "ToS3": ec2.FlowLogOptions(destination=ec2.FlowLogDestination.to_s3(flow_bucket))
        }
        return ec2.Vpc(
            stack,
            construct_id,
            max_azs=1,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="public", subnet_type=ec2.SubnetType.PUBLIC, map_public_ip_on_launch=False
                )
            ],
            flow_logs=flow_logs if flow_log else None,
        )

    def ingress(construct_id: str, **props: Any) -> ec2.CfnSecurityGroupIngress:
        base: dict[str, Any] = {
            "group_id": "sg-0123456789abcdef0",
            "ip_protocol": "tcp",
            "from_port": 22,
            "to_port": 22,
        }
        base.update(props)
        return ec2.CfnSecurityGroupIngress(stack, construct_id, **base)

    # SC-EC2-1 world-open ingress; compliant references first.
    group("Https", ec2.Peer.any_ipv4(), ec2.Port.tcp(443))
    group("HttpIpv6", ec2.Peer.any_ipv6(), ec2.Port.tcp(80))
    group("SshFromCorp", ec2.Peer.ipv4("10.0.0.0/8"), ec2.Port.tcp(22))
    own = l1_vpc("Vpc")
    ingress("SshFromVpcCidr", cidr_ip=own.attr_cidr_block)
    ingress("SshFromVpcIpv6", cidr_ipv6=cdk.Fn.select(0, own.attr_ipv6_cidr_blocks))
    param_vpc = l1_vpc("ParamCidrVpc", cidr_block=setting)
    ingress("SshFromParamVpcCidr", cidr_ip=param_vpc.attr_cidr_block)

    group("SshFromAnywhere", ec2.Peer.any_ipv4(), ec2.Port.tcp(22))
    group("SshFromIpv6", ec2.Peer.any_ipv6(), ec2.Port.tcp(22))
    group("SshFromHalfTheInternet", ec2.Peer.ipv4("0.0.0.0/1"), ec2.Port.tcp(22))
    group("SshFromGlobalIpv6", ec2.Peer.ipv6("2000::/3"), ec2.Port.tcp(22))
    group("SshFromOneSlash16", ec2.Peer.ipv4("198.51.0.0/16"), ec2.Port.tcp(22))
    group("AllTcpFromAnywhere", ec2.Peer.any_ipv4(), ec2.Port.all_tcp())
    group("AllTrafficFromIpv6", ec2.Peer.any_ipv6(), ec2.Port.all_traffic())
    group("UdpHttpsFromAnywhere", ec2.Peer.any_ipv4(), ec2.Port.udp(443))
    ec2.CfnSecurityGroup(
        stack,
        "L1AllTraffic",
        group_description="all traffic from the internet",
        vpc_id=FOREIGN_VPC,
        security_group_ingress=[
            ec2.CfnSecurityGroup.IngressProperty(ip_protocol="-1", cidr_ip="0.0.0.0/0")
        ],
    )
    ingress("L1RdpFromIpv6", from_port=3389, to_port=3389, cidr_ipv6="::/0")
    escaped = cfn(group("EscSsh", ec2.Peer.any_ipv4(), ec2.Port.tcp(443)))
    escaped.add_property_override(f"{INGRESS}.FromPort", 22)
    escaped.add_property_override(f"{INGRESS}.ToPort", 22)
    cfn(group("EscPortRange", ec2.Peer.any_ipv4(), ec2.Port.tcp(443))).add_property_override(
        f"{INGRESS}.ToPort", 65535
    )
    ingress("ParamCidr", cidr_ip=setting)
    from_param = cfn(group("ParamPort", ec2.Peer.any_ipv4(), ec2.Port.tcp(443)))
    from_param.add_property_override(f"{INGRESS}.FromPort", port)
    from_param.add_property_override(f"{INGRESS}.ToPort", port)
    cfn(group("IfCidr", ec2.Peer.ipv4("10.0.0.0/8"), ec2.Port.tcp(22))).add_property_override(
        f"{INGRESS}.CidrIp", switch.pick("0.0.0.0/0", "10.0.0.0/8")
    )
    cfn(group("IfCidrBoth", ec2.Peer.ipv4("10.0.0.0/8"), ec2.Port.tcp(22))).add_property_override(
        f"{INGRESS}.CidrIp", switch.pick("10.0.0.0/8", "192.168.0.0/16")
    )

    # SC-EC2-2 flow logs.
    vpc("L2Vpc")
    vpc("L2Unlogged", flow_log=False)
    l1_vpc("L1Unlogged", flow_log=False)
    escaped_vpc = vpc("EscUnlogged")
    flow_log = escaped_vpc.node.find_child("ToS3").node.find_child("FlowLog")
    assert isinstance(flow_log, cdk.CfnResource)
    flow_log.add_property_override("ResourceId", FOREIGN_VPC)
    l1_vpc("ParamFlowLogType")
    flow_log = stack.node.find_child("ParamFlowLogTypeFlowLog")
    assert isinstance(flow_log, cdk.CfnResource)
    flow_log.add_property_override("ResourceType", setting)
    logged_if = l1_vpc("IfFlowLog", flow_log=False)
    ec2.CfnFlowLog(
        stack,
        "ConditionalFlowLog",
        resource_id=cdk.Token.as_string(switch.pick(logged_if.ref, FOREIGN_VPC)),
        resource_type="VPC",
        traffic_type="ALL",
        log_destination_type="s3",
        log_destination=flow_bucket.bucket_arn,
    )
    l1_vpc("OnlyIfFlowLog")
    conditional = stack.node.find_child("OnlyIfFlowLogFlowLog")
    assert isinstance(conditional, cdk.CfnResource)
    conditional.cfn_options.condition = switch.condition
    left, right = l1_vpc("IfFlowLogLeft", flow_log=False), l1_vpc("IfFlowLogRight", flow_log=False)
    ec2.CfnFlowLog(
        stack,
        "EitherFlowLog",
        resource_id=cdk.Token.as_string(switch.pick(left.ref, right.ref)),
        resource_type="VPC",
        traffic_type="ALL",
        log_destination_type="s3",
        log_destination=flow_bucket.bucket_arn,
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Ec2"))
    return check_app(app)


def at(name: str) -> str:
    return f"Ec2/{name}"


# -- SC-EC2-1 ingress from the internet --------------------------------------------------


@pytest.mark.parametrize("name", ["Https", "HttpIpv6"])
def test_tcp_web_ports_open_to_the_internet_are_compliant(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


def test_ssh_from_one_organisation_sized_range_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("SshFromOneSlash16")) == set()


def test_ssh_from_a_private_range_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("SshFromCorp")) == set()


def test_cidr_of_the_vpc_is_followed_to_its_literal_block(ev: Checked) -> None:
    assert ids(ev, at("SshFromVpcCidr")) == set()


def test_ipv6_block_of_the_vpc_is_not_the_internet(ev: Checked) -> None:
    assert ids(ev, at("SshFromVpcIpv6")) == set()


def test_cidr_of_a_vpc_whose_block_is_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("SshFromParamVpcCidr")) == {("SC-EC2-1", CANNOT_VERIFY)}


@pytest.mark.parametrize(
    "name",
    [
        "SshFromAnywhere",
        "SshFromIpv6",
        "SshFromHalfTheInternet",
        "SshFromGlobalIpv6",
        "AllTcpFromAnywhere",
        "AllTrafficFromIpv6",
        "UdpHttpsFromAnywhere",
    ],
)
def test_non_web_ingress_from_the_internet_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-EC2-1"}


@pytest.mark.parametrize("name", ["L1AllTraffic", "L1RdpFromIpv6"])
def test_l1_ingress_from_the_internet_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-EC2-1"}


@pytest.mark.parametrize("name", ["EscSsh", "EscPortRange"])
def test_https_rule_widened_by_override_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-EC2-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamCidr", "ParamPort"])
def test_cidr_or_port_from_parameter_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-EC2-1", CANNOT_VERIFY)}


def test_world_cidr_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfCidr")) == {("SC-EC2-1", CANNOT_VERIFY)}


def test_private_cidrs_in_both_branches_are_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfCidrBoth")) == set()


# -- SC-EC2-2 flow logs ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Vpc", "L2Vpc"])
def test_vpc_with_flow_log_is_compliant(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


def test_vpc_without_flow_log_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L2Unlogged")) == {"SC-EC2-2"}


def test_l1_vpc_without_flow_log_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1Unlogged")) == {"SC-EC2-2"}


def test_flow_log_pointed_elsewhere_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscUnlogged")) == {("SC-EC2-2", NON_COMPLIANT)}


def test_flow_log_resource_type_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamFlowLogType")) == {("SC-EC2-2", CANNOT_VERIFY)}


def test_flow_log_covering_the_vpc_under_a_condition_cannot_be_verified(
    ev: Checked,
) -> None:
    assert outcomes(ev, at("IfFlowLog")) == {("SC-EC2-2", CANNOT_VERIFY)}


def test_flow_log_existing_only_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("OnlyIfFlowLog")) == {("SC-EC2-2", CANNOT_VERIFY)}


@pytest.mark.parametrize("name", ["IfFlowLogLeft", "IfFlowLogRight"])
def test_flow_log_choosing_between_two_vpcs_leaves_each_unverifiable(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-EC2-2", CANNOT_VERIFY)}
