"""SC-NLB-1..3 on network load balancers and their listeners.

One app for the module: stack ``Nlb`` holds one network load balancer per case (construct
id = case name, its listener ``Listener``), plus raw L1 load balancers and listeners.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, ids, outcomes

ENV = cdk.Environment(account="123456789012", region="eu-west-1")
CERT_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
CERT = elbv2.ListenerCertificate.from_arn(CERT_ARN)
GOOD_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
MY_RULES = ("SC-NLB-1", "SC-NLB-2", "SC-NLB-3")


def _build(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    port = cdk.CfnParameter(stack, "Port", type="Number", default=80).value_as_number
    switch = Switch(stack)
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(
                name="Public", subnet_type=ec2.SubnetType.PUBLIC, map_public_ip_on_launch=False
            ),
            ec2.SubnetConfiguration(name="Data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        ],
    )
    logs = s3.Bucket(stack, "NlbLogs", encryption=s3.BucketEncryption.S3_MANAGED)

    def nlb(
        name: str,
        *,
        protocol: elbv2.Protocol = elbv2.Protocol.TLS,
        port: int = 443,
        internet_facing: bool = True,
        access_logs: bool = True,
    ) -> elbv2.NetworkListener:
        lb = elbv2.NetworkLoadBalancer(stack, name, vpc=vpc, internet_facing=internet_facing)
        if access_logs:
            lb.log_access_logs(logs, name.lower())
        tls: dict[str, Any] = (
            {"certificates": [CERT], "ssl_policy": elbv2.SslPolicy.RECOMMENDED_TLS}
            if protocol == elbv2.Protocol.TLS
            else {}
        )
        listener = lb.add_listener("Listener", port=port, protocol=protocol, **tls)
        listener.add_targets(
            "Targets",
            port=8443,
            protocol=elbv2.Protocol.TCP if protocol == elbv2.Protocol.TLS else protocol,
        )
        return listener

    def lb_of(name: str) -> elbv2.NetworkLoadBalancer:
        found = stack.node.find_child(name)
        assert isinstance(found, elbv2.NetworkLoadBalancer)
        return found

    def l1_lb(name: str, **props: Any) -> elbv2.CfnLoadBalancer:
        return elbv2.CfnLoadBalancer(
            stack, name, type="network", subnets=vpc.select_subnets().subnet_ids, **props
        )

    def l1_listener(name: str, lb: Any, protocol: str, port: Any, **props: Any) -> None:
        elbv2.CfnListener(
            stack,
            name,
            load_balancer_arn=lb,
            protocol=protocol,
            port=port,
            default_actions=[
                elbv2.CfnListener.ActionProperty(
                    type="forward",
                    target_group_arn="arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
                    "targetgroup/app/0123456789abcdef",
                )
            ],
            **props,
        )

    # Compliant references.
    nlb("SecureNlb")
    nlb(
        "InternalTcp",
        protocol=elbv2.Protocol.TCP,
        port=5432,
        internet_facing=False,
        access_logs=False,
    )

    # SC-NLB-1 plaintext TCP on the internet.
    nlb("PlainTcp", protocol=elbv2.Protocol.TCP, port=80, access_logs=False)
    nlb("PlainTcpUdp", protocol=elbv2.Protocol.TCP_UDP, port=5000, access_logs=False)
    opted_out = nlb("AcknowledgedTcp", protocol=elbv2.Protocol.TCP, port=25, access_logs=False)
    cdk.Validations.of(opted_out).acknowledge(
        cdk.Acknowledgment(
            id="SecureConstructs::SC-NLB-1",
            reason="Public SMTP relay: port 25 upgrades with STARTTLS, which the MTA enforces.",
        )
    )
    l1_plain = l1_lb("L1PlainLb")
    l1_listener("L1PlainListener", l1_plain.ref, "TCP", 8080)
    escaped = cfn(nlb("EscTcp"))
    escaped.add_property_override("Protocol", "TCP")
    escaped.add_property_override("Port", 80)
    cfn(nlb("ParamPort", protocol=elbv2.Protocol.TCP)).add_property_override("Port", port)
    cfn(nlb("IfProtocol", port=80)).add_property_override("Protocol", switch.pick("TLS", "TCP"))
    nlb("ParamScheme", protocol=elbv2.Protocol.TCP, port=80, access_logs=False)
    cfn(lb_of("ParamScheme")).add_property_override("Scheme", setting)
    l1_listener(
        "ForeignLbListener",
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/other/0123456789abcdef",
        "TCP",
        80,
    )

    # SC-NLB-2 pass-through TLS and UDP.
    nlb("PassThrough", protocol=elbv2.Protocol.TCP, port=443, access_logs=False)
    nlb("Udp", protocol=elbv2.Protocol.UDP, port=53, access_logs=False)
    nlb(
        "InternalUdp",
        protocol=elbv2.Protocol.UDP,
        port=53,
        internet_facing=False,
        access_logs=False,
    )

    # SC-NLB-3 access logs on NLBs with TLS listeners (a TCP-only NLB has nothing to log).
    nlb("TcpOnlyWithoutLogs", protocol=elbv2.Protocol.TCP, port=80, access_logs=False)
    nlb("NoLogsTls", access_logs=False)
    nlb("InternalNoLogsTls", internet_facing=False, access_logs=False)
    l1_logless = l1_lb("L1NoLogsLb", scheme="internal")
    l1_listener(
        "L1TlsListener",
        l1_logless.ref,
        "TLS",
        443,
        certificates=[elbv2.CfnListener.CertificateProperty(certificate_arn=CERT_ARN)],
        ssl_policy=GOOD_POLICY,
    )
    nlb("EscLogsOff")
    cfn(lb_of("EscLogsOff")).add_property_override(
        "LoadBalancerAttributes", [{"Key": "access_logs.s3.enabled", "Value": "false"}]
    )
    nlb("ParamLogs")
    cfn(lb_of("ParamLogs")).add_property_override(
        "LoadBalancerAttributes",
        [
            {"Key": "access_logs.s3.enabled", "Value": setting},
            {"Key": "access_logs.s3.bucket", "Value": logs.bucket_name},
        ],
    )
    nlb("LogsWithoutBucket")
    cfn(lb_of("LogsWithoutBucket")).add_property_override(
        "LoadBalancerAttributes", [{"Key": "access_logs.s3.enabled", "Value": "true"}]
    )
    cfn(nlb("ParamProtocolNoLogs", access_logs=False)).add_property_override("Protocol", setting)
    l1_listener(
        "ForeignTlsListener",
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/other/0123456789abcdef",
        "TLS",
        443,
        certificates=[elbv2.CfnListener.CertificateProperty(certificate_arn=CERT_ARN)],
        ssl_policy=GOOD_POLICY,
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Nlb", env=ENV))
    return check_app(app)


def at(name: str) -> str:
    return f"Nlb/{name}"


def mine(ev: Checked, name: str) -> set[tuple[str, Any]]:
    return {o for o in outcomes(ev, at(name)) if o[0] in MY_RULES}


# -- compliant references ----------------------------------------------------------------------


def test_tls_nlb_with_access_logs_has_no_finding(ev: Checked) -> None:
    assert ids(ev, at("SecureNlb")) == set()


def test_internal_tcp_is_not_judged_as_internet_traffic(ev: Checked) -> None:
    assert mine(ev, "InternalTcp") == set()


def test_nlb_without_tls_listener_needs_no_access_logs(ev: Checked) -> None:
    assert mine(ev, "TcpOnlyWithoutLogs/Resource") == set()


# -- SC-NLB-1 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["PlainTcp", "PlainTcpUdp", "EscTcp", "L1PlainListener"])
def test_plaintext_tcp_listener_on_the_internet_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-NLB-1", NON_COMPLIANT)}


def test_plaintext_listener_message_names_protocol_port_and_load_balancer(ev: Checked) -> None:
    (found,) = [
        f for f in ev.evaluation.findings if f.construct_path == at("PlainTcp/Listener/Resource")
    ]
    assert found.property_path == "Properties.Protocol"
    assert "'TCP' on port 80 of the internet-facing network load balancer PlainTcp" in (
        found.message
    )


def test_plaintext_listener_opted_out_with_a_reason_is_acknowledged(ev: Checked) -> None:
    (found,) = [f for f in ev.evaluation.findings if f.location.startswith(at("AcknowledgedTcp/"))]
    assert found.rule.id == "SC-NLB-1"
    assert found.acknowledged
    assert not found.blocks_synthesis


@pytest.mark.parametrize("name", ["ParamPort", "IfProtocol", "ParamScheme", "ForeignLbListener"])
def test_deploy_time_listener_cannot_be_verified(ev: Checked, name: str) -> None:
    assert ("SC-NLB-1", CANNOT_VERIFY) in mine(ev, name)
    assert {rule for rule, status in mine(ev, name) if status is NON_COMPLIANT} == set()


def test_deploy_time_port_is_not_also_a_pass_through_warning(ev: Checked) -> None:
    assert mine(ev, "ParamPort") == {("SC-NLB-1", CANNOT_VERIFY)}


# -- SC-NLB-2 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["PassThrough", "Udp"])
def test_pass_through_on_the_internet_is_warned_about(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-NLB-2", NON_COMPLIANT)}


def test_internal_udp_is_not_warned_about(ev: Checked) -> None:
    assert mine(ev, "InternalUdp") == set()


# -- SC-NLB-3 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["NoLogsTls", "InternalNoLogsTls", "L1NoLogsLb", "EscLogsOff", "LogsWithoutBucket"]
)
def test_nlb_with_tls_listener_without_access_logs_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-NLB-3", NON_COMPLIANT)}


def test_access_logs_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "ParamLogs") == {("SC-NLB-3", CANNOT_VERIFY)}


def test_listener_protocol_from_parameter_leaves_access_logs_unverifiable(ev: Checked) -> None:
    assert mine(ev, "ParamProtocolNoLogs/Resource") == {("SC-NLB-3", CANNOT_VERIFY)}


def test_tls_listener_of_a_load_balancer_outside_the_app_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "ForeignTlsListener") == {("SC-NLB-3", CANNOT_VERIFY)}
