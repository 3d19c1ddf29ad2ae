"""SecureDistribution: each default, each weakening, each bad input, call sites, snapshots."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from syrupy.assertion import SnapshotAssertion

from aspects.testing import check
from secure_constructs import SecureBucket, SecureConstructsError, WafOptions
from secure_constructs.distribution import (
    WARN_DISTRIBUTION_DEFAULT_CERTIFICATE,
    WARN_DISTRIBUTION_DESTROY_ON_REMOVAL,
    WARN_DISTRIBUTION_WITHOUT_ACCESS_LOGS,
    SecureDistribution,
)
from tests.conftest import normalise

ACCOUNT = "111111111111"
EDGE = cdk.Environment(account=ACCOUNT, region="us-east-1")
REGIONAL = cdk.Environment(account=ACCOUNT, region="eu-west-1")
CERT_ARN = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555"
WEB_ACL_ARN = (
    f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/edge/a1b2c3d4-0000-1111-2222-333344445555"
)
ALB_ARN = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/api/0123456789abcdef"
DOMAINS = ["www.example.com"]


def _certificate(stack: cdk.Stack) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(stack, "Certificate", CERT_ARN)


class Built:
    """One app, one stack per configuration, synthesized once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App()
        # A bucket origin in us-east-1: everything created here.
        self.edge = cdk.Stack(self.app, "Edge", env=EDGE)
        self.site = SecureBucket(self.edge, "Site")
        self.cdn = SecureDistribution(
            self.edge,
            "Cdn",
            origin=self.site,
            certificate=_certificate(self.edge),
            domain_names=DOMAINS,
            content_security_policy="default-src 'self'",
        )
        # Outside us-east-1: WebACL and certificate passed, logs delivered elsewhere; the
        # origin is a plain s3.IBucket (SecureBucket's L2).
        self.regional = cdk.Stack(self.app, "Regional", env=REGIONAL)
        self.regional_site = SecureBucket(self.regional, "Site")
        self.regional_cdn = SecureDistribution(
            self.regional,
            "Cdn",
            origin=self.regional_site.bucket,
            certificate=_certificate(self.regional),
            domain_names=DOMAINS,
            web_acl_arn=WEB_ACL_ARN,
            allow_without_access_logs=True,
        )
        # No Region: HTTP origins (a load balancer, a domain name, an own behaviour).
        self.agnostic = cdk.Stack(self.app, "Agnostic")
        alb = elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
            self.agnostic,
            "Alb",
            load_balancer_arn=ALB_ARN,
            security_group_id="sg-0123456789abcdef0",
            load_balancer_dns_name="api-123.us-east-1.elb.amazonaws.com",
        )
        self.api_cdn = SecureDistribution(
            self.agnostic,
            "Api",
            origin=alb,
            certificate=_certificate(self.agnostic),
            domain_names=["api.example.com"],
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            default_root_object=None,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            geo_restriction=cloudfront.GeoRestriction.allowlist("DE", "FR"),
            additional_behaviors={
                "/legacy/*": "legacy.example.com",
                "/static/*": cloudfront.BehaviorOptions(
                    origin=origins.HttpOrigin(
                        "static.example.com",
                        protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                        origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
                    ),
                    cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                ),
            },
        )
        # Weakened: the default *.cloudfront.net certificate, DESTROY.
        self.weak = cdk.Stack(self.app, "Weak", env=EDGE)
        SecureDistribution(
            self.weak,
            "Cdn",
            origin=SecureBucket(self.weak, "Site"),
            allow_default_certificate=True,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        # Escape hatches undoing defaults.
        self.hatched = cdk.Stack(self.app, "Hatched", env=EDGE)
        hatched = SecureDistribution(
            self.hatched,
            "Cdn",
            origin=SecureBucket(self.hatched, "Site"),
            certificate=_certificate(self.hatched),
            domain_names=DOMAINS,
        )
        cfn = hatched.distribution.node.default_child
        assert isinstance(cfn, cdk.CfnResource)
        cfn.add_property_override(
            "DistributionConfig.ViewerCertificate.MinimumProtocolVersion", "TLSv1"
        )
        cfn.add_property_deletion_override(
            "DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId"
        )
        # Typical call sites of a plain cloudfront.Distribution, given the construct.
        self.calls = cdk.Stack(self.app, "CallSites", env=EDGE)
        self.calls_cdn = SecureDistribution(
            self.calls,
            "Cdn",
            origin=SecureBucket(self.calls, "Site"),
            certificate=_certificate(self.calls),
            domain_names=DOMAINS,
        )
        self.deployer = iam.Role(
            self.calls, "Deployer", assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com")
        )
        self.invalidation_grant = self.calls_cdn.grant_create_invalidation(self.deployer)
        zone = route53.HostedZone.from_hosted_zone_attributes(
            self.calls, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
        )
        route53.ARecord(
            self.calls,
            "Www",
            zone=zone,
            record_name="www",
            target=route53.RecordTarget.from_alias(targets.CloudFrontTarget(self.calls_cdn)),
        )
        self.requests_metric = self.calls_cdn.metric_requests()
        cdk.CfnOutput(self.calls, "DomainName", value=self.calls_cdn.distribution_domain_name)

        stacks = (self.edge, self.regional, self.agnostic, self.weak, self.hatched, self.calls)
        self.templates = {s.stack_name: assertions.Template.from_stack(s) for s in stacks}
        self.evaluation = check(self.app)

    def template(self, stack: str) -> assertions.Template:
        return self.templates[stack]

    def resources(self, stack: str, resource_type: str) -> dict[str, Any]:
        return self.templates[stack].find_resources(resource_type)

    def distribution(self, stack: str, name: str = "Cdn") -> dict[str, Any]:
        return _one(self.resources(stack, "AWS::CloudFront::Distribution"), name)["Properties"][
            "DistributionConfig"
        ]

    def findings(self, stack: str) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack
        }


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _one(resources: dict[str, Any], name_part: str) -> dict[str, Any]:
    (match,) = [r for lid, r in resources.items() if lid.startswith(name_part)]
    return match


def _lid(resources: dict[str, Any], name_part: str) -> str:
    (match,) = [lid for lid in resources if lid.startswith(name_part)]
    return match


def _warnings(stack: cdk.Stack) -> list[str]:
    annotations = assertions.Annotations.from_stack(stack)
    return [
        json.dumps(w.entry.data)
        for w in annotations.find_warning("*", assertions.Match.any_value())
    ]


# -- the defaults (us-east-1, a SecureBucket origin) --------------------------------------------


def test_default_distribution_passes_every_guardrail(built: Built) -> None:
    assert built.findings("Edge") == set()


def test_viewers_use_https_tls_1_2_2021_on_the_custom_certificate_http2_and_3(
    built: Built,
) -> None:
    config = built.distribution("Edge")
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["ViewerCertificate"] == {
        "AcmCertificateArn": CERT_ARN,
        "MinimumProtocolVersion": "TLSv1.2_2021",
        "SslSupportMethod": "sni-only",
    }
    assert config["Aliases"] == DOMAINS
    assert config["HttpVersion"] == "http2and3"
    assert config["IPV6Enabled"] is True
    assert config["DefaultRootObject"] == "index.html"
    assert config["PriceClass"] == "PriceClass_All"


def test_bucket_origin_uses_an_origin_access_control_that_signs(built: Built) -> None:
    config = built.distribution("Edge")
    (origin,) = config["Origins"]
    buckets = built.resources("Edge", "AWS::S3::Bucket")
    assert origin["DomainName"] == {
        "Fn::GetAtt": [_lid(buckets, "SiteBucket"), "RegionalDomainName"]
    }
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    controls = built.resources("Edge", "AWS::CloudFront::OriginAccessControl")
    (control_id,) = controls
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [control_id, "Id"]}
    oac = controls[control_id]["Properties"]["OriginAccessControlConfig"]
    assert (oac["SigningBehavior"], oac["SigningProtocol"]) == ("always", "sigv4")


def test_bucket_policy_lets_only_this_distribution_read(built: Built) -> None:
    policies = built.resources("Edge", "AWS::S3::BucketPolicy")
    statements = [
        s
        for p in policies.values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}
    ]
    (statement,) = statements
    assert statement["Action"] == "s3:GetObject"
    distribution_id = _lid(built.resources("Edge", "AWS::CloudFront::Distribution"), "Cdn")
    source = statement["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Join"][1]
    assert source[-1] == {"Ref": distribution_id}
    assert source[-2] == ":distribution/"


def test_bucket_key_lets_cloudfront_decrypt_for_distributions_of_this_account(
    built: Built,
) -> None:
    key = _one(built.resources("Edge", "AWS::KMS::Key"), "SiteKey")
    statements = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}
    ]
    (statement,) = statements
    assert statement["Action"] == "kms:Decrypt"
    arn = statement["Condition"]["ArnLike"]["AWS:SourceArn"]["Fn::Join"][1]
    assert arn[1:] == [
        {"Ref": "AWS::Partition"},
        ":cloudfront::",
        {"Ref": "AWS::AccountId"},
        ":distribution/*",
    ]


def test_cdk_wildcard_key_warning_is_answered_with_the_reason(built: Built) -> None:
    # CDK warns on the bucket's scope that its key statement names every distribution of
    # the account; the construct answers it (the bucket policy names this distribution).
    assert _warnings(built.edge) == []
    assert built.site.node.metadata == []


def test_response_headers_policy_sets_hsts_nosniff_deny_referrer_and_csp(built: Built) -> None:
    policies = built.resources("Edge", "AWS::CloudFront::ResponseHeadersPolicy")
    (policy_id,) = policies
    headers = policies[policy_id]["Properties"]["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"
    ]
    assert headers == {
        "ContentSecurityPolicy": {
            "ContentSecurityPolicy": "default-src 'self'",
            "Override": True,
        },
        "ContentTypeOptions": {"Override": True},
        "FrameOptions": {"FrameOption": "DENY", "Override": True},
        "ReferrerPolicy": {"ReferrerPolicy": "strict-origin-when-cross-origin", "Override": True},
        "StrictTransportSecurity": {
            "AccessControlMaxAgeSec": 63072000,
            "IncludeSubdomains": True,
            "Preload": True,
            "Override": True,
        },
    }
    behavior = built.distribution("Edge")["DefaultCacheBehavior"]
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": policy_id}


def test_web_acl_is_cloudfront_scoped_with_managed_groups_and_a_rate_rule(built: Built) -> None:
    acls = built.resources("Edge", "AWS::WAFv2::WebACL")
    (acl_id,) = acls
    props = acls[acl_id]["Properties"]
    assert props["Scope"] == "CLOUDFRONT"
    assert props["DefaultAction"] == {"Allow": {}}
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]: r["OverrideAction"]
        for r in props["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert managed == {
        "AWSManagedRulesAmazonIpReputationList": {"None": {}},
        "AWSManagedRulesCommonRuleSet": {"None": {}},
        "AWSManagedRulesKnownBadInputsRuleSet": {"None": {}},
        "AWSManagedRulesSQLiRuleSet": {"None": {}},
    }
    (rate,) = [r for r in props["Rules"] if "RateBasedStatement" in r["Statement"]]
    assert rate["Action"] == {"Block": {}}
    assert rate["Statement"]["RateBasedStatement"] == {
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
        "Limit": 2000,
    }
    assert built.distribution("Edge")["WebACLId"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert built.cdn.web_acl is not None
    assert built.cdn.web_acl_arn == built.cdn.web_acl.attr_arn


def test_waf_logs_go_redacted_to_an_encrypted_aws_waf_logs_group(built: Built) -> None:
    groups = built.resources("Edge", "AWS::Logs::LogGroup")
    waf_logs = _one(groups, "CdnWafLogs")["Properties"]
    assert waf_logs["LogGroupName"].startswith("aws-waf-logs-Edge-Cdn-")
    key_id = _lid(built.resources("Edge", "AWS::KMS::Key"), "CdnKey")
    assert waf_logs["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert waf_logs["RetentionInDays"] == 365
    (logging,) = built.resources("Edge", "AWS::WAFv2::LoggingConfiguration").values()
    assert logging["Properties"]["RedactedFields"] == [
        {"SingleHeader": {"Name": "authorization"}},
        {"SingleHeader": {"Name": "cookie"}},
    ]


def test_blocked_requests_alarm_notifies_an_encrypted_topic(built: Built) -> None:
    (alarm,) = built.resources("Edge", "AWS::CloudWatch::Alarm").values()
    props = alarm["Properties"]
    assert (props["Namespace"], props["MetricName"]) == ("AWS/WAFV2", "BlockedRequests")
    dimensions = {d["Name"]: d["Value"] for d in props["Dimensions"]}
    assert built.cdn.web_acl is not None
    assert dimensions == {"WebACL": built.cdn.web_acl.name, "Rule": "ALL"}
    topic_id = _lid(built.resources("Edge", "AWS::SNS::Topic"), "CdnAlarmTopic")
    assert props["AlarmActions"] == [{"Ref": topic_id}]
    assert props["ActionsEnabled"] is True
    topic = built.resources("Edge", "AWS::SNS::Topic")[topic_id]["Properties"]
    key_id = _lid(built.resources("Edge", "AWS::KMS::Key"), "CdnKey")
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_access_logs_are_delivered_by_standard_logging_v2_to_an_encrypted_group(
    built: Built,
) -> None:
    distribution_id = _lid(built.resources("Edge", "AWS::CloudFront::Distribution"), "Cdn")
    ((source_id, source),) = built.resources("Edge", "AWS::Logs::DeliverySource").items()
    assert source["Properties"]["LogType"] == "ACCESS_LOGS"
    assert source["Properties"]["ResourceArn"]["Fn::Join"][1][-1] == {"Ref": distribution_id}
    ((destination_id, destination),) = built.resources(
        "Edge", "AWS::Logs::DeliveryDestination"
    ).items()
    group_id = _lid(built.resources("Edge", "AWS::Logs::LogGroup"), "CdnAccessLogs")
    arn = destination["Properties"]["DestinationResourceArn"]["Fn::Join"][1]
    assert arn[-1] == {"Ref": group_id}
    assert not str(arn).endswith(":*")
    (delivery,) = built.resources("Edge", "AWS::Logs::Delivery").values()
    assert delivery["Properties"] == {
        "DeliverySourceName": {"Ref": source_id},
        "DeliveryDestinationArn": {"Fn::GetAtt": [destination_id, "Arn"]},
    }
    ((policy_id, policy),) = built.resources("Edge", "AWS::Logs::ResourcePolicy").items()
    assert policy_id in delivery["DependsOn"]
    # CloudFormation wants the document as a JSON string: CDK joins it with the references.
    document = "".join(
        part if isinstance(part, str) else "<ref>"
        for part in policy["Properties"]["PolicyDocument"]["Fn::Join"][1]
    )
    assert '"Principal":{"Service":"delivery.logs.amazonaws.com"}' in document
    assert f'"StringEquals":{{"aws:SourceAccount":"{ACCOUNT}"}}' in document
    assert ':delivery-source:*"' in document
    group = built.resources("Edge", "AWS::Logs::LogGroup")[group_id]
    assert group["Properties"]["RetentionInDays"] == 365
    assert group["DeletionPolicy"] == "Retain"


def test_no_legacy_logging_bucket_with_acls(built: Built) -> None:
    assert "Logging" not in built.distribution("Edge")
    for bucket in built.resources("Edge", "AWS::S3::Bucket").values():
        assert bucket["Properties"]["OwnershipControls"] == {
            "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
        }


def test_stateful_companions_are_retained(built: Built) -> None:
    for resource_type in ("AWS::KMS::Key", "AWS::Logs::LogGroup"):
        for resource in built.resources("Edge", resource_type).values():
            assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"


def test_construct_exposes_what_it_creates(built: Built) -> None:
    cdn = built.cdn
    assert isinstance(cdn.distribution, cloudfront.Distribution)
    assert isinstance(cdn.response_headers_policy, cloudfront.ResponseHeadersPolicy)
    assert cdn.log_group is not None
    assert cdn.log_delivery is not None
    assert cdn.log_delivery_source is not None
    assert cdn.log_delivery_destination is not None
    assert set(cdn.alarms) == {"WafBlockedRequests"}
    assert [c.node.id for c in cdn.node.children] == [
        "Key",
        "WebAcl",
        "WafLogs",
        "WebAclLogging",
        "ResponseHeadersPolicy",
        "Distribution",
        "AccessLogs",
        "AccessLogSource",
        "AccessLogDestination",
        "AccessLogDelivery",
        "AlarmTopic",
        "WafBlockedRequestsAlarm",
    ]


def test_settings_no_rule_guards_are_pinned(built: Built) -> None:
    metadata = _one(built.resources("Edge", "AWS::CloudFront::Distribution"), "Cdn")["Metadata"]
    guarantees = metadata["SecureConstructs::Guarantees"]
    assert guarantees["present"] == [
        "DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId",
        "DistributionConfig.WebACLId",
    ]
    assert guarantees["pinned"]["DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy"] == (
        "redirect-to-https"
    )
    (policy,) = built.resources("Edge", "AWS::CloudFront::ResponseHeadersPolicy").values()
    pinned = policy["Metadata"]["SecureConstructs::Guarantees"]["pinned"]
    base = "ResponseHeadersPolicyConfig.SecurityHeadersConfig"
    assert pinned[f"{base}.StrictTransportSecurity.AccessControlMaxAgeSec"] == 63072000


def test_edge_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.template("Edge").to_json()) == snapshot_json


# -- outside us-east-1: WebACL and certificate passed ----------------------------------------


def test_regional_stack_uses_the_given_web_acl_and_certificate(built: Built) -> None:
    config = built.distribution("Regional")
    assert config["WebACLId"] == WEB_ACL_ARN
    assert config["ViewerCertificate"]["AcmCertificateArn"] == CERT_ARN
    for resource_type in (
        "AWS::WAFv2::WebACL",
        "AWS::Logs::DeliverySource",
        "AWS::SNS::Topic",
        "AWS::CloudWatch::Alarm",
    ):
        assert built.resources("Regional", resource_type) == {}
    assert built.regional_cdn.web_acl is None
    assert built.regional_cdn.log_group is None
    assert [c.node.id for c in built.regional_cdn.node.children] == [
        "ResponseHeadersPolicy",
        "Distribution",
    ]


def test_plain_ibucket_origin_gets_the_same_origin_access_control(built: Built) -> None:
    (origin,) = built.distribution("Regional")["Origins"]
    assert "OriginAccessControlId" in origin
    key = _one(built.resources("Regional", "AWS::KMS::Key"), "SiteKey")
    principals = [s.get("Principal") for s in key["Properties"]["KeyPolicy"]["Statement"]]
    assert {"Service": "cloudfront.amazonaws.com"} in principals


def test_regional_stack_without_logs_warns_and_sc_cf_9_reports_it(built: Built) -> None:
    assert any(WARN_DISTRIBUTION_WITHOUT_ACCESS_LOGS in w for w in _warnings(built.regional))
    assert built.findings("Regional") == {("SC-CF-9", "Regional/Cdn/Distribution/Resource")}


def test_regional_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.template("Regional").to_json()) == snapshot_json


# -- no Region, HTTP origins ---------------------------------------------------------------


def test_agnostic_stack_refuses_to_deploy_outside_us_east_1(built: Built) -> None:
    rules = built.template("Agnostic").to_json()["Rules"]
    (rule,) = [r for name, r in rules.items() if name.startswith("ApiDeployInUsEast1")]
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
    assert "us-east-1" in assertion["AssertDescription"]


def test_http_origins_are_reached_over_https_with_tls_1_2(built: Built) -> None:
    config = built.distribution("Agnostic", "Api")
    by_domain = {o["DomainName"]: o["CustomOriginConfig"] for o in config["Origins"]}
    assert set(by_domain) == {
        "api-123.us-east-1.elb.amazonaws.com",
        "legacy.example.com",
        "static.example.com",
    }
    for custom in by_domain.values():
        assert custom["OriginProtocolPolicy"] == "https-only"
        assert custom["OriginSSLProtocols"] == ["TLSv1.2"]


def test_every_behaviour_is_https_only_with_the_security_headers(built: Built) -> None:
    config = built.distribution("Agnostic", "Api")
    policy_id = _lid(built.resources("Agnostic", "AWS::CloudFront::ResponseHeadersPolicy"), "Api")
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    assert [b.get("PathPattern") for b in behaviours] == [None, "/legacy/*", "/static/*"]
    for behaviour in behaviours:
        assert behaviour["ViewerProtocolPolicy"] == "https-only"
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": policy_id}
    assert "DefaultRootObject" not in config
    assert config["Restrictions"] == {
        "GeoRestriction": {"Locations": ["DE", "FR"], "RestrictionType": "whitelist"}
    }


def test_agnostic_api_passes_every_guardrail(built: Built) -> None:
    assert built.findings("Agnostic") == set()


def test_agnostic_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.template("Agnostic").to_json()) == snapshot_json


# -- weakening is explicit, warned about, and still reported ---------------------------------


def test_default_certificate_and_destroy_warn_and_the_guardrails_report_them(
    built: Built,
) -> None:
    warnings = _warnings(built.weak)
    assert len(warnings) == 2
    assert any(WARN_DISTRIBUTION_DEFAULT_CERTIFICATE in w for w in warnings)
    assert any(WARN_DISTRIBUTION_DESTROY_ON_REMOVAL in w for w in warnings)
    assert "AcmCertificateArn" not in json.dumps(built.distribution("Weak"))
    assert built.findings("Weak") == {
        ("SC-CF-3", "Weak/Cdn/Distribution/Resource"),
        ("SC-KMS-3", "Weak/Cdn/Key/Resource"),
        ("SC-LOGS-3", "Weak/Cdn/WafLogs/Resource"),
        ("SC-LOGS-3", "Weak/Cdn/AccessLogs/Resource"),
    }


def test_weak_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.template("Weak").to_json()) == snapshot_json


def test_escape_hatch_weakening_tls_is_reported(built: Built) -> None:
    assert ("SC-CF-2", "Hatched/Cdn/Distribution/Resource") in built.findings("Hatched")


# -- the plain Distribution's call sites, given the construct -------------------------------


def test_grant_create_invalidation_on_the_construct(built: Built) -> None:
    policies = built.resources("CallSites", "AWS::IAM::Policy")
    (policy,) = policies.values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "cloudfront:CreateInvalidation"
    distribution_id = _lid(built.resources("CallSites", "AWS::CloudFront::Distribution"), "Cdn")
    assert statement["Resource"]["Fn::Join"][1][-1] == {"Ref": distribution_id}
    assert built.invalidation_grant.success


def test_route53_alias_to_the_construct(built: Built) -> None:
    (record,) = built.resources("CallSites", "AWS::Route53::RecordSet").values()
    distribution_id = _lid(built.resources("CallSites", "AWS::CloudFront::Distribution"), "Cdn")
    assert record["Properties"]["AliasTarget"]["DNSName"] == {
        "Fn::GetAtt": [distribution_id, "DomainName"]
    }
    assert record["Properties"]["AliasTarget"]["HostedZoneId"] == {
        "Fn::FindInMap": [
            "AWSCloudFrontPartitionHostedZoneIdMap",
            {"Ref": "AWS::Partition"},
            "zoneId",
        ]
    }


def test_domain_name_and_metrics_of_the_construct(built: Built) -> None:
    distribution_id = _lid(built.resources("CallSites", "AWS::CloudFront::Distribution"), "Cdn")
    outputs = built.template("CallSites").to_json()["Outputs"]
    assert outputs["DomainName"]["Value"] == {"Fn::GetAtt": [distribution_id, "DomainName"]}
    metric = built.requests_metric
    assert (metric.namespace, metric.metric_name) == ("AWS/CloudFront", "Requests")
    assert built.calls.resolve(metric.dimensions)["DistributionId"] == {"Ref": distribution_id}


# -- bad input: one clear Python error naming the property and the fix -----------------------


def _build(env: cdk.Environment | None = EDGE, **kwargs: Any) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=env)
    kwargs.setdefault("origin", "origin.example.com")
    if "certificate" not in kwargs and not kwargs.get("allow_default_certificate"):
        kwargs["certificate"] = _certificate(stack)
        kwargs.setdefault("domain_names", DOMAINS)
    SecureDistribution(stack, "Cdn", **kwargs)


def test_missing_certificate_is_rejected_naming_the_opt_out() -> None:
    with pytest.raises(
        SecureConstructsError,
        match=r"SC-DIST-2\] certificate: is required.*allow_default_certificate",
    ):
        _build(certificate=None)


def test_certificate_outside_us_east_1_is_rejected() -> None:
    arn = CERT_ARN.replace("us-east-1", "eu-west-1")
    stack = cdk.Stack(cdk.App(), "S", env=EDGE)
    with pytest.raises(SecureConstructsError, match=r"SC-DIST-2\] certificate: is in eu-west-1"):
        SecureDistribution(
            stack,
            "Cdn",
            origin="origin.example.com",
            certificate=acm.Certificate.from_certificate_arn(stack, "C", arn),
            domain_names=DOMAINS,
        )


def test_allow_all_and_weak_tls_are_rejected() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.ALLOW_ALL,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2019,
        )
    message = str(raised.value)
    assert "minimum_protocol_version: TLS_V1_2_2019" in message
    assert "viewer_protocol_policy: ALLOW_ALL serves plain HTTP" in message
    assert raised.value.codes == ("SC-DIST-5", "SC-DIST-5")


def test_allow_all_in_an_additional_behaviour_is_rejected() -> None:
    behaviour = cloudfront.BehaviorOptions(
        origin=origins.HttpOrigin("x.example.com"),
        viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.ALLOW_ALL,
    )
    with pytest.raises(SecureConstructsError, match=r"SC-DIST-5\] additional_behaviors: '/x/\*'"):
        _build(additional_behaviors={"/x/*": behaviour})


def test_outside_us_east_1_web_acl_and_logs_are_both_reported_with_the_fix() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(env=REGIONAL)
    assert raised.value.codes == ("SC-DIST-3", "SC-DIST-4")
    message = str(raised.value)
    assert "web_acl_arn: is required in eu-west-1" in message
    assert "allow_without_access_logs" in message


def test_regional_web_acl_arn_is_rejected() -> None:
    arn = (
        f"arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/x/a1b2c3d4-0000-1111-2222-333344445555"
    )
    with pytest.raises(SecureConstructsError, match=r"SC-DIST-3\] web_acl_arn: .*CLOUDFRONT"):
        _build(web_acl_arn=arn)


def test_bad_waf_options_are_reported_under_the_distribution_code() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(waf=WafOptions(rate_limit=5, rate_window_seconds=30))
    assert raised.value.codes == ("SC-DIST-6", "SC-DIST-6")
    message = str(raised.value)
    assert "[SC-DIST-6] waf.rate_limit: 5 is outside WAF's 10 to 2,000,000,000 requests." in message
    assert "[SC-DIST-6] waf.rate_window_seconds: 30 is not a window WAF supports." in message


def test_wrong_types_are_reported_together() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(origin=42, enable_ipv6="yes", log_retention=30)
    message = str(raised.value)
    for prop in ("origin:", "enable_ipv6:", "log_retention:"):
        assert prop in message
    assert set(raised.value.codes) == {"SC-DIST-1"}


def test_short_log_retention_is_rejected() -> None:
    from aws_cdk import aws_logs as logs

    with pytest.raises(SecureConstructsError, match=r"SC-LOGS-RETENTION\] log_retention"):
        _build(log_retention=logs.RetentionDays.ONE_MONTH)
