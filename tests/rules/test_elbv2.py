"""SC-ELB-1..6 on listeners, listener rules and load balancers.

One app for the module: stack ``Elb`` holds one load balancer or listener per case
(construct id = case name).
"""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2

from aspects.rules.elbv2 import TLS12_POLICY_PREFIXES

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, ids, outcomes

CERT = elbv2.ListenerCertificate.from_arn(
    "arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
)
GOOD_POLICY = "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09"
OLD_POLICY = "ELBSecurityPolicy-TLS-1-1-2017-01"
ENV = cdk.Environment(account="111111111111", region="eu-west-1")


def _build(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC)
        ],
    )
    logs = s3.Bucket(stack, "AlbLogs", encryption=s3.BucketEncryption.S3_MANAGED)
    acl = wafv2.CfnWebACL(
        stack,
        "Acl",
        scope="REGIONAL",
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True, metric_name="acl", sampled_requests_enabled=True
        ),
    )

    def alb(
        name: str,
        *,
        internet_facing: bool = True,
        drop: bool = True,
        desync: elbv2.DesyncMitigationMode | None = None,
        access_logs: bool = True,
        waf: bool = True,
    ) -> elbv2.ApplicationLoadBalancer:
        lb = elbv2.ApplicationLoadBalancer(
            stack,
            name,
            vpc=vpc,
            internet_facing=internet_facing,
            drop_invalid_header_fields=drop,
            desync_mitigation_mode=desync,
        )
        if access_logs:
            lb.log_access_logs(logs, name.lower())
        if waf:
            wafv2.CfnWebACLAssociation(
                stack, f"{name}Waf", resource_arn=lb.load_balancer_arn, web_acl_arn=acl.attr_arn
            )
        return lb

    # Load balancers.
    alb("GoodLb")
    alb("InternalLb", internet_facing=False, waf=False)
    alb("NoWafLb", waf=False)
    alb("KeepsBadHeadersLb", drop=False)
    alb("MonitorOnlyLb", desync=elbv2.DesyncMitigationMode.MONITOR)
    alb("NoLogsLb", access_logs=False)
    elbv2.NetworkLoadBalancer(stack, "PublicNlb", vpc=vpc, internet_facing=True)
    elbv2.CfnLoadBalancer(stack, "L1Lb", subnets=vpc.select_subnets().subnet_ids)
    cfn(alb("EscAttributesLb")).add_property_override(
        "LoadBalancerAttributes",
        [{"Key": "deletion_protection.enabled", "Value": "true"}],
    )
    cfn(alb("ParamHeadersLb", drop=False)).add_property_override(
        "LoadBalancerAttributes",
        [
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": setting},
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": logs.bucket_name},
        ],
    )
    cfn(alb("EscMonitorLb", desync=elbv2.DesyncMitigationMode.STRICTEST)).add_property_override(
        "LoadBalancerAttributes",
        [
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
            {"Key": "routing.http.desync_mitigation_mode", "Value": "monitor"},
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": logs.bucket_name},
        ],
    )
    elsewhere = alb("EscWafElsewhereLb", waf=False)
    wafv2.CfnWebACLAssociation(
        stack,
        "EscWafElsewhereLbWaf",
        resource_arn=elsewhere.load_balancer_arn,
        web_acl_arn=acl.attr_arn,
    ).add_property_override(
        "ResourceArn",
        "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/other/1",
    )
    conditional = alb("ConditionalWafLb", waf=False)
    association = wafv2.CfnWebACLAssociation(
        stack,
        "ConditionalWafLbWaf",
        resource_arn=conditional.load_balancer_arn,
        web_acl_arn=acl.attr_arn,
    )
    association.cfn_options.condition = switch.condition

    # Listeners, all on one load balancer.
    host = alb("ListenerHost")
    ok = elbv2.ListenerAction.fixed_response(200)

    def https(name: str, **props: object) -> elbv2.ApplicationListener:
        return host.add_listener(
            name,
            port=443,
            certificates=[CERT],
            default_action=ok,
            open=False,
            **props,  # type: ignore[arg-type]
        )

    https("HttpsGood", ssl_policy=elbv2.SslPolicy.TLS13_12_PQ)
    https("HttpsLegacyPolicy", ssl_policy=elbv2.SslPolicy.RECOMMENDED)
    cfn(https("EscHttpsPolicy", ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS)).add_property_override(
        "SslPolicy", OLD_POLICY
    )
    cfn(
        https("ParamHttpsPolicy", ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS)
    ).add_property_override("SslPolicy", setting)
    cfn(https("IfHttpsPolicy", ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS)).add_property_override(
        "SslPolicy", switch.pick(GOOD_POLICY, OLD_POLICY)
    )
    cfn(
        https("IfTwoGoodPolicies", ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS)
    ).add_property_override(
        "SslPolicy", switch.pick(GOOD_POLICY, "ELBSecurityPolicy-TLS13-1-3-2021-06")
    )
    elbv2.CfnListener(
        stack,
        "L1HttpsNoPolicy",
        load_balancer_arn=host.load_balancer_arn,
        port=8443,
        protocol="HTTPS",
        certificates=[elbv2.CfnListener.CertificateProperty(certificate_arn=CERT.certificate_arn)],
        default_actions=[
            elbv2.CfnListener.ActionProperty(
                type="fixed-response",
                fixed_response_config=elbv2.CfnListener.FixedResponseConfigProperty(
                    status_code="200"
                ),
            )
        ],
    )
    redirect = elbv2.ListenerAction.redirect(protocol="HTTPS", port="443", permanent=True)
    host.add_listener("HttpRedirect", port=80, default_action=redirect, open=False)
    http = elbv2.ApplicationProtocol.HTTP
    plain = host.add_listener("HttpServes", port=8080, protocol=http, default_action=ok, open=False)
    plain.add_action(
        "ForwardRule",
        priority=1,
        conditions=[elbv2.ListenerCondition.path_patterns(["/a"])],
        action=ok,
    )
    cfn(
        host.add_listener(
            "EscHttpRedirect", port=81, protocol=http, default_action=redirect, open=False
        )
    ).add_property_override("DefaultActions.0.RedirectConfig.Protocol", "HTTP")
    cfn(
        host.add_listener(
            "ParamHttpRedirect", port=82, protocol=http, default_action=redirect, open=False
        )
    ).add_property_override("DefaultActions.0.RedirectConfig.Protocol", setting)


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Elb", env=ENV))
    return check_app(app)


def lb(name: str) -> str:
    return f"Elb/{name}/Resource"


def listener(name: str) -> str:
    return f"Elb/ListenerHost/{name}/Resource"


# -- SC-ELB-1 / SC-ELB-2: listeners ---------------------------------------------------------


def test_https_listener_with_a_tls13_policy_is_compliant(ev: Checked) -> None:
    assert ids(ev, listener("HttpsGood")) == set()


def test_http_listener_that_redirects_to_https_is_compliant(ev: Checked) -> None:
    assert ids(ev, listener("HttpRedirect")) == set()


def test_http_listener_that_serves_content_is_flagged(ev: Checked) -> None:
    assert ids(ev, listener("HttpServes")) == {"SC-ELB-1"}


def test_rule_on_a_plain_http_listener_that_does_not_redirect_is_flagged(ev: Checked) -> None:
    assert ids(ev, "Elb/ListenerHost/HttpServes/ForwardRuleRule") == {"SC-ELB-1"}


def test_redirect_to_http_made_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, listener("EscHttpRedirect")) == {("SC-ELB-1", NON_COMPLIANT)}


def test_redirect_protocol_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, listener("ParamHttpRedirect")) == {("SC-ELB-1", CANNOT_VERIFY)}


def test_legacy_tls_policy_is_flagged(ev: Checked) -> None:
    assert ids(ev, listener("HttpsLegacyPolicy")) == {"SC-ELB-2"}


def test_l1_https_listener_without_policy_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, "Elb/L1HttpsNoPolicy") == {("SC-ELB-2", NON_COMPLIANT)}


def test_tls11_policy_set_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, listener("EscHttpsPolicy")) == {("SC-ELB-2", NON_COMPLIANT)}


def test_tls_policy_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, listener("ParamHttpsPolicy")) == {("SC-ELB-2", CANNOT_VERIFY)}


def test_tls_policy_with_an_old_branch_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, listener("IfHttpsPolicy")) == {("SC-ELB-2", CANNOT_VERIFY)}


def test_tls_policy_with_two_modern_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, listener("IfTwoGoodPolicies")) == set()


# -- SC-ELB-3..6: load balancers --------------------------------------------------------------


@pytest.mark.parametrize("name", ["GoodLb", "InternalLb", "ListenerHost"])
def test_hardened_or_internal_load_balancer_is_compliant(ev: Checked, name: str) -> None:
    assert ids(ev, lb(name)) == set()


def test_network_load_balancer_is_not_judged_by_alb_rules(ev: Checked) -> None:
    assert ids(ev, lb("PublicNlb")) == set()


def test_internet_facing_alb_without_waf_is_flagged(ev: Checked) -> None:
    assert ids(ev, lb("NoWafLb")) == {"SC-ELB-3"}


def test_alb_keeping_invalid_headers_is_flagged(ev: Checked) -> None:
    assert ids(ev, lb("KeepsBadHeadersLb")) == {"SC-ELB-4"}


def test_alb_that_only_monitors_desync_gets_a_warning(ev: Checked) -> None:
    assert ids(ev, lb("MonitorOnlyLb")) == {"SC-ELB-5"}


def test_alb_without_access_logs_is_flagged(ev: Checked) -> None:
    assert ids(ev, lb("NoLogsLb")) == {"SC-ELB-6"}


def test_l1_alb_with_cloudformation_defaults_is_flagged(ev: Checked) -> None:
    assert ids(ev, "Elb/L1Lb") == {"SC-ELB-3", "SC-ELB-4", "SC-ELB-6"}


def test_attributes_replaced_by_override_are_flagged(ev: Checked) -> None:
    assert outcomes(ev, lb("EscAttributesLb")) == {
        ("SC-ELB-4", NON_COMPLIANT),
        ("SC-ELB-6", NON_COMPLIANT),
    }


def test_header_setting_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, lb("ParamHeadersLb")) == {("SC-ELB-4", CANNOT_VERIFY)}


def test_waf_association_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, lb("ConditionalWafLb")) == {("SC-ELB-3", CANNOT_VERIFY)}


# Every policy CDK 2.275 knows, as ELB names it, and whether it allows only TLS 1.2+.
PUBLISHED_POLICIES = {
    "ELBSecurityPolicy-TLS13-1-2-2021-06": True,
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09": True,
    "ELBSecurityPolicy-2016-08": False,
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": True,
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": True,
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": True,
    "ELBSecurityPolicy-TLS13-1-0-2021-06": False,
    "ELBSecurityPolicy-TLS13-1-1-2021-06": False,
    "ELBSecurityPolicy-TLS13-1-3-2021-06": True,
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09": True,
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09": True,
    "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09": False,
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04": True,
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04": True,
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04": True,
    "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04": False,
    "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04": False,
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09": True,
    "ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09": False,
    "ELBSecurityPolicy-FS-1-2-Res-2020-10": True,
    "ELBSecurityPolicy-FS-1-2-2019-08": True,
    "ELBSecurityPolicy-FS-1-1-2019-08": False,
    "ELBSecurityPolicy-FS-2018-06": False,
    "ELBSecurityPolicy-TLS-1-2-2017-01": True,
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": True,
    "ELBSecurityPolicy-TLS-1-1-2017-01": False,
    "ELBSecurityPolicy-TLS-1-0-2015-04": False,
}


@pytest.mark.parametrize(("policy", "tls12_only"), sorted(PUBLISHED_POLICIES.items()))
def test_tls_policy_allow_list_classifies_published_policies(policy: str, tls12_only: bool) -> None:
    assert policy.startswith(TLS12_POLICY_PREFIXES) is tls12_only


def test_desync_mode_set_to_monitor_by_override_gets_a_warning(ev: Checked) -> None:
    assert outcomes(ev, lb("EscMonitorLb")) == {("SC-ELB-5", NON_COMPLIANT)}


def test_waf_association_pointed_elsewhere_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, lb("EscWafElsewhereLb")) == {("SC-ELB-3", NON_COMPLIANT)}
