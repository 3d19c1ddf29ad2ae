"""SC-CF-1..9 on CloudFront distributions and the bucket policies behind them.

One app for the module: stack ``Cf`` holds one distribution per case (construct id = case
name), built secure by ``secure()`` (L2) or ``l1()`` (raw ``CfnDistribution``) and weakened
the way the case says; stack ``CfEdge`` holds a WebACL that ``Cf`` uses across stacks, and
stack ``CfPolicies`` bucket policies on buckets outside the app. The app sets no feature
flags, so CDK's own defaults (``allow-all`` viewers) are what is judged
where a case leaves them out (aws-cdk-lib 2.275 picks ``TLSv1.2_2021`` with a certificate,
since that flag is on in CDK v2).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cf
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from aspects.model import Status
from aspects.settings import Thresholds
from aspects.testing import check

from ._helpers import (
    CANNOT_VERIFY,
    NON_COMPLIANT,
    Checked,
    Switch,
    cfn,
    check_app,
    findings_at,
    outcomes,
)

CERT_ARN = "arn:aws:acm:us-east-1:111111111111:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
GLOBAL_ACL = "arn:aws:wafv2:us-east-1:111111111111:global/webacl/edge/a1b2c3d4-5678-90ab-cdef"
REGIONAL_ACL = "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/app/a1b2c3d4-5678-90ab"
ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/web/0123456789"
ALB_DNS = "internal-web-0123456789.us-east-1.elb.amazonaws.com"
LOG_BUCKET_DOMAIN = "cdn-logs-111111111111.s3.us-east-1.amazonaws.com"
DISTRIBUTION_ARN = "arn:aws:cloudfront::111111111111:distribution/E1A2B3C4D5E6F7"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ORIGIN = "DistributionConfig.Origins"


def _acl(scope: Construct, construct_id: str, scope_name: str) -> wafv2.CfnWebACL:
    return wafv2.CfnWebACL(
        scope,
        construct_id,
        scope=scope_name,
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True,
            metric_name=construct_id,
            sampled_requests_enabled=True,
        ),
    )


class _Build:
    """The shared pieces of stack ``Cf`` and the two ways to build a secure distribution."""

    def __init__(self, stack: cdk.Stack, edge_acl: wafv2.CfnWebACL) -> None:
        self.stack = stack
        self.edge_acl = edge_acl
        self.site = s3.Bucket(stack, "SiteBucket")
        self.logs = s3.Bucket(stack, "LogBucket", object_ownership=s3.ObjectOwnership.OBJECT_WRITER)
        self.certificate = acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)
        self.acl = _acl(stack, "EdgeAcl", "CLOUDFRONT")
        self.access = cf.CfnOriginAccessControl(
            stack,
            "L1Access",
            origin_access_control_config=cf.CfnOriginAccessControl.OriginAccessControlConfigProperty(
                name="l1-access",
                origin_access_control_origin_type="s3",
                signing_behavior="always",
                signing_protocol="sigv4",
            ),
        )
        self.setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
        self.switch = Switch(stack)

    def behaviour(self, origin: cf.IOrigin, **overrides: Any) -> cf.BehaviorOptions:
        props: dict[str, Any] = {
            "origin": origin,
            "viewer_protocol_policy": cf.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        }
        props.update(overrides)
        return cf.BehaviorOptions(**props)

    def secure(
        self,
        construct_id: str,
        *,
        api: cf.BehaviorOptions | None = None,
        **overrides: Any,
    ) -> cf.Distribution:
        """The secure L2: OAC S3 origin, HTTPS API origin, custom cert, TLS 1.2, logs, WAF."""
        props: dict[str, Any] = {
            "default_behavior": self.behaviour(
                origins.S3BucketOrigin.with_origin_access_control(self.site)
            ),
            "additional_behaviors": {
                "/api/*": api
                or self.behaviour(
                    origins.HttpOrigin("api.example.com"),
                    viewer_protocol_policy=cf.ViewerProtocolPolicy.HTTPS_ONLY,
                )
            },
            "certificate": self.certificate,
            "domain_names": [f"{construct_id.lower()}.example.com"],
            "minimum_protocol_version": cf.SecurityPolicyProtocol.TLS_V1_2_2021,
            "enable_logging": True,
            "log_bucket": self.logs,
            "web_acl_id": self.acl.attr_arn,
        }
        props.update(overrides)
        return cf.Distribution(self.stack, construct_id, **props)

    def l1(
        self,
        construct_id: str,
        *,
        viewer: str = "redirect-to-https",
        minimum_tls: str = "TLSv1.2_2021",
        origin_policy: str = "https-only",
        origin_protocols: list[str] | None = None,
        logging: bool = True,
        waf: str | None = GLOBAL_ACL,
        custom_certificate: bool = True,
    ) -> cf.CfnDistribution:
        """The secure raw L1, with the typed property classes."""
        config = cf.CfnDistribution.DistributionConfigProperty(
            enabled=True,
            aliases=[f"{construct_id.lower()}.example.com"] if custom_certificate else None,
            default_cache_behavior=cf.CfnDistribution.DefaultCacheBehaviorProperty(
                target_origin_id="site",
                viewer_protocol_policy=viewer,
                cache_policy_id=CACHING_OPTIMIZED,
            ),
            cache_behaviors=[
                cf.CfnDistribution.CacheBehaviorProperty(
                    path_pattern="/api/*",
                    target_origin_id="api",
                    viewer_protocol_policy="https-only",
                    cache_policy_id=CACHING_OPTIMIZED,
                )
            ],
            origins=[
                cf.CfnDistribution.OriginProperty(
                    id="site",
                    domain_name=self.site.bucket_regional_domain_name,
                    origin_access_control_id=self.access.attr_id,
                    s3_origin_config=cf.CfnDistribution.S3OriginConfigProperty(
                        origin_access_identity=""
                    ),
                ),
                cf.CfnDistribution.OriginProperty(
                    id="api",
                    domain_name="api.example.com",
                    custom_origin_config=cf.CfnDistribution.CustomOriginConfigProperty(
                        origin_protocol_policy=origin_policy,
                        origin_ssl_protocols=origin_protocols,
                    ),
                ),
            ],
            viewer_certificate=cf.CfnDistribution.ViewerCertificateProperty(
                acm_certificate_arn=CERT_ARN,
                ssl_support_method="sni-only",
                minimum_protocol_version=minimum_tls,
            )
            if custom_certificate
            else cf.CfnDistribution.ViewerCertificateProperty(cloud_front_default_certificate=True),
            logging=cf.CfnDistribution.LoggingProperty(bucket=LOG_BUCKET_DOMAIN)
            if logging
            else None,
            web_acl_id=waf,
        )
        return cf.CfnDistribution(self.stack, construct_id, distribution_config=config)


def _build(stack: cdk.Stack, edge_acl: wafv2.CfnWebACL) -> None:
    b = _Build(stack, edge_acl)
    setting, switch = b.setting, b.switch
    tls12 = [cf.OriginSslPolicy.TLS_V1_2]

    # Compliant references.
    b.secure("Secure")
    b.l1("L1Secure", origin_protocols=["TLSv1.2"])
    b.secure("CrossStackWaf", web_acl_id=edge_acl.attr_arn)
    b.secure(
        "MatchViewerSafe",
        api=b.behaviour(
            origins.HttpOrigin(
                "api.example.com", protocol_policy=cf.OriginProtocolPolicy.MATCH_VIEWER
            )
        ),
    )
    alb = elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
        stack,
        "InternalAlb",
        load_balancer_arn=ALB_ARN,
        security_group_id="sg-0123456789abcdef0",
        load_balancer_dns_name=ALB_DNS,
    )
    vpc_origin = cf.VpcOrigin(
        stack, "AppVpcOrigin", endpoint=cf.VpcOriginEndpoint.application_load_balancer(alb)
    )
    b.secure(
        "VpcOriginSafe",
        api=b.behaviour(origins.VpcOrigin.with_vpc_origin(vpc_origin, domain_name=ALB_DNS)),
    )

    # SC-CF-1 viewers over HTTPS.
    b.secure(
        "DefaultAllowAll",
        default_behavior=cf.BehaviorOptions(
            origin=origins.S3BucketOrigin.with_origin_access_control(b.site)
        ),
    )
    b.secure(
        "ApiAllowAll",
        api=b.behaviour(
            origins.HttpOrigin("api.example.com"),
            viewer_protocol_policy=cf.ViewerProtocolPolicy.ALLOW_ALL,
        ),
    )
    b.l1("L1AllowAll", viewer="allow-all", origin_protocols=["TLSv1.2"])
    viewer = "DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy"
    cfn(b.secure("EscAllowAll")).add_property_override(viewer, "allow-all")
    cfn(b.secure("EscNoViewerPolicy")).add_property_deletion_override(viewer)
    cfn(b.secure("ParamViewer")).add_property_override(viewer, setting)
    cfn(b.secure("IfViewerBoth")).add_property_override(
        viewer, switch.pick("https-only", "redirect-to-https")
    )
    cfn(b.secure("IfViewerHttp")).add_property_override(
        viewer, switch.pick("https-only", "allow-all")
    )

    # SC-CF-2 TLS policy of a custom certificate.
    b.secure("CdkDefaultTls", minimum_protocol_version=None)
    b.secure("Tls11", minimum_protocol_version=cf.SecurityPolicyProtocol.TLS_V1_1_2016)
    b.secure("Tls13", minimum_protocol_version=cf.SecurityPolicyProtocol.TLS_V1_3_2025)
    b.l1("L1Tls1", minimum_tls="TLSv1", origin_protocols=["TLSv1.2"])
    minimum = "DistributionConfig.ViewerCertificate.MinimumProtocolVersion"
    cfn(b.secure("EscNoMinimumTls")).add_property_deletion_override(minimum)
    cfn(b.secure("EscTls1")).add_property_override(minimum, "TLSv1")
    cfn(b.secure("ParamTls")).add_property_override(minimum, setting)
    cfn(b.secure("IfTlsBoth")).add_property_override(
        minimum, switch.pick("TLSv1.2_2021", "TLSv1.2_2025")
    )
    cfn(b.secure("IfTlsOld")).add_property_override(minimum, switch.pick("TLSv1.2_2021", "TLSv1"))
    cfn(b.secure("ParamCertificate")).add_property_override(
        "DistributionConfig.ViewerCertificate.AcmCertificateArn", setting
    )

    # SC-CF-3 the default *.cloudfront.net certificate.
    b.secure("NoDomain", certificate=None, domain_names=None, minimum_protocol_version=None)
    b.secure(
        "NoDomainTls12",
        certificate=None,
        domain_names=None,
        minimum_protocol_version=cf.SecurityPolicyProtocol.TLS_V1_2_2021,
    )
    default_cert = cfn(b.secure("EscDefaultCert"))
    default_cert.add_property_deletion_override(
        "DistributionConfig.ViewerCertificate.AcmCertificateArn"
    )
    default_cert.add_property_deletion_override("DistributionConfig.Aliases")
    default_cert.add_property_override(
        "DistributionConfig.ViewerCertificate.CloudFrontDefaultCertificate", True
    )
    b.l1("L1DefaultCert", origin_protocols=["TLSv1.2"], custom_certificate=False)
    cfn(b.secure("IfDefaultCert")).add_property_override(
        "DistributionConfig.ViewerCertificate",
        switch.pick(
            {
                "AcmCertificateArn": CERT_ARN,
                "SslSupportMethod": "sni-only",
                "MinimumProtocolVersion": "TLSv1.2_2021",
            },
            {"CloudFrontDefaultCertificate": True},
        ),
    )
    cfn(b.secure("ParamDefaultCert")).add_property_override(
        "DistributionConfig.ViewerCertificate.CloudFrontDefaultCertificate", setting
    )

    # SC-CF-4 origins over HTTPS with TLS 1.2.
    b.secure(
        "HttpOnlyOrigin",
        api=b.behaviour(
            origins.HttpOrigin(
                "api.example.com", protocol_policy=cf.OriginProtocolPolicy.HTTP_ONLY
            ),
            viewer_protocol_policy=cf.ViewerProtocolPolicy.HTTPS_ONLY,
        ),
    )
    b.secure(
        "MatchViewerPlain",
        api=b.behaviour(
            origins.HttpOrigin(
                "api.example.com", protocol_policy=cf.OriginProtocolPolicy.MATCH_VIEWER
            ),
            viewer_protocol_policy=cf.ViewerProtocolPolicy.ALLOW_ALL,
        ),
    )
    b.secure(
        "OldOriginTls",
        api=b.behaviour(
            origins.HttpOrigin(
                "api.example.com", origin_ssl_protocols=[*tls12, cf.OriginSslPolicy.TLS_V1]
            )
        ),
    )
    b.l1("L1NoOriginProtocols")
    b.l1("L1HttpOrigin", origin_policy="http-only", origin_protocols=["TLSv1.2"])
    origin_policy = f"{ORIGIN}.1.CustomOriginConfig.OriginProtocolPolicy"
    cfn(b.secure("EscHttpOrigin")).add_property_override(origin_policy, "http-only")
    cfn(b.secure("EscNoOriginProtocols")).add_property_deletion_override(
        f"{ORIGIN}.1.CustomOriginConfig.OriginSSLProtocols"
    )
    cfn(b.secure("ParamOriginPolicy")).add_property_override(origin_policy, setting)
    cfn(b.secure("IfOriginPolicy")).add_property_override(
        origin_policy, switch.pick("https-only", "http-only")
    )
    cfn(b.secure("IfOriginBoth")).add_property_override(
        origin_policy, switch.pick("https-only", "match-viewer")
    )
    plain_vpc = cf.CfnVpcOrigin(
        stack,
        "PlainVpcOrigin",
        vpc_origin_endpoint_config=cf.CfnVpcOrigin.VpcOriginEndpointConfigProperty(
            arn=ALB_ARN, name="plain", origin_protocol_policy="http-only"
        ),
    )
    cfn(b.secure("VpcOriginHttp")).add_property_override(
        f"{ORIGIN}.1",
        {"Id": "vpc", "DomainName": ALB_DNS, "VpcOriginConfig": {"VpcOriginId": plain_vpc.attr_id}},
    )
    vpc_plain_viewer = b.secure(
        "VpcOriginPlainViewer",
        api=b.behaviour(
            origins.VpcOrigin.with_vpc_origin(vpc_origin, domain_name=ALB_DNS),
            viewer_protocol_policy=cf.ViewerProtocolPolicy.ALLOW_ALL,
        ),
    )
    del vpc_plain_viewer
    b.secure(
        "VpcOriginExternal",
        api=b.behaviour(
            origins.VpcOrigin.with_vpc_origin(
                cf.VpcOrigin.from_vpc_origin_id(stack, "ForeignVpcOrigin", "vo_0123456789"),
                domain_name=ALB_DNS,
            )
        ),
    )

    # SC-CF-5 S3 origins behind origin access control.
    b.secure(
        "PublicBucketOrigin",
        default_behavior=b.behaviour(origins.S3BucketOrigin.with_bucket_defaults(b.site)),
    )
    website = s3.Bucket(
        stack,
        "WebsiteBucket",
        website_index_document="index.html",
        public_read_access=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
    )
    b.secure("WebsiteOrigin", default_behavior=b.behaviour(origins.S3StaticWebsiteOrigin(website)))
    b.secure(
        "WebsiteLiteral",
        default_behavior=b.behaviour(origins.HttpOrigin("site.s3-website-us-east-1.amazonaws.com")),
    )
    b.secure(
        "RestAsCustomOrigin",
        default_behavior=b.behaviour(origins.HttpOrigin("site.s3.us-east-1.amazonaws.com")),
    )
    never = cf.S3OriginAccessControl(stack, "NeverSigns", signing=cf.Signing.NEVER)
    b.secure(
        "OacNeverSigns",
        default_behavior=b.behaviour(
            origins.S3BucketOrigin.with_origin_access_control(b.site, origin_access_control=never)
        ),
    )
    l1_public = b.l1("L1PublicBucket", origin_protocols=["TLSv1.2"])
    l1_public.add_property_deletion_override(f"{ORIGIN}.0.OriginAccessControlId")
    oac = f"{ORIGIN}.0.OriginAccessControlId"
    cfn(b.secure("EscNoOac")).add_property_deletion_override(oac)
    cfn(b.secure("ParamOac")).add_property_override(oac, setting)
    cfn(b.secure("IfOac")).add_property_override(
        oac, switch.pick(b.access.attr_id, cdk.Aws.NO_VALUE)
    )
    cfn(b.secure("ForeignOac")).add_property_override(oac, "E2QWRUHEXAMPLE")

    # SC-CF-6 legacy origin access identity.
    b.secure(
        "OaiOrigin",
        default_behavior=b.behaviour(origins.S3BucketOrigin.with_origin_access_identity(b.site)),
    )
    legacy = b.l1("L1LegacyS3Origin", origin_protocols=["TLSv1.2"])
    legacy.add_property_deletion_override(f"{ORIGIN}.0")
    legacy.add_property_override(
        "DistributionConfig.S3Origin",
        {
            "DNSName": "site.s3.amazonaws.com",
            "OriginAccessIdentity": "origin-access-identity/cloudfront/E2QWRUHEXAMPLE",
        },
    )
    esc_oai = cfn(b.secure("EscOai"))
    esc_oai.add_property_deletion_override(oac)
    esc_oai.add_property_override(
        f"{ORIGIN}.0.S3OriginConfig.OriginAccessIdentity",
        "origin-access-identity/cloudfront/E2QWRUHEXAMPLE",
    )
    param_oai = cfn(b.secure("ParamOai"))
    param_oai.add_property_deletion_override(oac)
    param_oai.add_property_override(f"{ORIGIN}.0.S3OriginConfig.OriginAccessIdentity", setting)

    # SC-CF-8 WAF.
    b.secure("NoWaf", web_acl_id=None)
    b.l1("L1NoWaf", origin_protocols=["TLSv1.2"], waf=None)
    b.secure("RegionalWaf", web_acl_id=_acl(stack, "RegionalAcl", "REGIONAL").attr_arn)
    waf = "DistributionConfig.WebACLId"
    cfn(b.secure("EscNoWaf")).add_property_deletion_override(waf)
    cfn(b.secure("EscRegionalWaf")).add_property_override(waf, REGIONAL_ACL)
    cfn(b.secure("EscEmptyWaf")).add_property_override(waf, "")
    b.secure("LiteralWaf", web_acl_id=GLOBAL_ACL)
    b.secure(
        "SubWaf",
        web_acl_id=cdk.Fn.sub(
            "arn:${AWS::Partition}:wafv2:us-east-1:${AWS::AccountId}:global/webacl/edge/0123"
        ),
    )
    b.secure("ParamWaf", web_acl_id=setting)
    b.secure("ImportWaf", web_acl_id=cdk.Fn.import_value("shared-edge-acl-arn"))
    cfn(b.secure("IfWaf")).add_property_override(waf, switch.pick(b.acl.attr_arn, cdk.Aws.NO_VALUE))
    scoped = _acl(stack, "ParamScopeAcl", "CLOUDFRONT")
    scoped.add_property_override("Scope", setting)
    b.secure("ParamScopeWaf", web_acl_id=scoped.attr_arn)
    b.secure("NotAWaf", web_acl_id=b.logs.bucket_arn)

    # SC-CF-9 access logs.
    b.secure("NoLogs", enable_logging=None, log_bucket=None)
    b.l1("L1NoLogs", origin_protocols=["TLSv1.2"], logging=False)
    cfn(b.secure("EscNoLogs")).add_property_deletion_override("DistributionConfig.Logging")
    cfn(b.secure("ParamLogBucket")).add_property_override(
        "DistributionConfig.Logging.Bucket", setting
    )
    cfn(b.secure("IfLogs")).add_property_override(
        "DistributionConfig.Logging",
        switch.pick({"Bucket": b.logs.bucket_regional_domain_name}, cdk.Aws.NO_VALUE),
    )
    destination = logs.CfnDeliveryDestination(
        stack,
        "LogDestination",
        name="cdn-logs",
        destination_resource_arn=b.logs.bucket_arn,
    )

    def v2(
        construct_id: str, *, delivered: bool = True, by_name: bool = False
    ) -> logs.CfnDeliverySource:
        distribution = b.secure(construct_id, enable_logging=None, log_bucket=None)
        source = logs.CfnDeliverySource(
            stack,
            f"{construct_id}Source",
            name=f"{construct_id.lower()}-access",
            log_type="ACCESS_LOGS",
            resource_arn=distribution.distribution_arn,
        )
        if delivered:
            delivery = logs.CfnDelivery(
                stack,
                f"{construct_id}Delivery",
                delivery_source_name=source.name if by_name else source.ref,
                delivery_destination_arn=destination.attr_arn,
            )
            delivery.add_dependency(source)
        return source

    v2("V2Logs")
    v2("V2LogsByName", by_name=True)
    v2("V2SourceOnly", delivered=False)
    v2("V2Conditional").cfn_options.condition = switch.condition
    v2("V2OtherLogType").add_property_override("LogType", "CONNECTION_LOGS")


def _policies(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def statement(**overrides: Any) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::outside-site/*",
            "Condition": {"StringEquals": {"AWS:SourceArn": DISTRIBUTION_ARN}},
        }
        out.update(overrides)
        return {k: v for k, v in out.items() if v is not None}

    def policy(construct_id: str, *statements: dict[str, Any]) -> s3.CfnBucketPolicy:
        return s3.CfnBucketPolicy(
            stack,
            construct_id,
            bucket="outside-site",
            policy_document={"Version": "2012-10-17", "Statement": list(statements)},
        )

    policy("PolicyScoped", statement())
    policy(
        "PolicySourceAccount",
        statement(Condition={"StringEquals": {"AWS:SourceAccount": "111111111111"}}),
    )
    policy("PolicyOpen", statement(Condition=None))
    policy(
        "PolicyOpenList",
        statement(
            Condition=None,
            Principal={"Service": ["lambda.amazonaws.com", "cloudfront.amazonaws.com"]},
        ),
    )
    policy(
        "PolicyOtherService",
        statement(Condition=None, Principal={"Service": "lambda.amazonaws.com"}),
    )
    policy("PolicyDenyOpen", statement(Condition=None, Effect="Deny"))
    cfn_policy = policy("EscPolicyOpen", statement())
    cfn_policy.add_property_deletion_override("PolicyDocument.Statement.0.Condition")
    policy(
        "ParamSourceArn",
        statement(Condition={"StringEquals": {"AWS:SourceArn": setting}}),
    )
    policy("ParamService", statement(Condition=None, Principal={"Service": setting}))
    policy(
        "IfPolicyCondition",
        statement(
            Condition=switch.pick(
                {"StringEquals": {"AWS:SourceArn": DISTRIBUTION_ARN}}, cdk.Aws.NO_VALUE
            )
        ),
    )
    bucket = s3.Bucket(stack, "L2PolicyOpen")
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("cloudfront.amazonaws.com")],
            actions=["s3:GetObject"],
            resources=[bucket.arn_for_objects("*")],
        )
    )


@pytest.fixture(scope="module")
def app() -> cdk.App:
    app = cdk.App()
    edge = cdk.Stack(app, "CfEdge")
    _build(cdk.Stack(app, "Cf"), _acl(edge, "SharedEdgeAcl", "CLOUDFRONT"))
    _policies(cdk.Stack(app, "CfPolicies"))
    return app


@pytest.fixture(scope="module")
def ev(app: cdk.App) -> Checked:
    return check_app(app)


def at(name: str) -> str:
    return f"Cf/{name}"


def cf_outcomes(ev: Checked, path: str) -> set[tuple[str, Status]]:
    """The outcomes of the cloudfront rules only (buckets also meet the S3 rules)."""
    return {o for o in outcomes(ev, path) if o[0].startswith("SC-CF-")}


def messages(ev: Checked, path: str, rule_id: str) -> list[str]:
    return [f.message for f in findings_at(ev, path) if f.rule.id == rule_id]


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "L1Secure",
        "CrossStackWaf",
        "MatchViewerSafe",
        "VpcOriginSafe",
        "CdkDefaultTls",
        "Tls13",
        "ParamCertificate",
        "IfViewerBoth",
        "IfTlsBoth",
        "LiteralWaf",
        "SubWaf",
        "ForeignOac",
        "V2Logs",
        "V2LogsByName",
    ],
)
def test_secure_distribution_has_no_finding(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == set()


def test_the_site_bucket_policy_written_by_the_oac_origin_is_scoped(ev: Checked) -> None:
    assert cf_outcomes(ev, at("SiteBucket")) == set()


# -- SC-CF-1 viewers over HTTPS ----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["DefaultAllowAll", "ApiAllowAll", "L1AllowAll", "EscAllowAll", "EscNoViewerPolicy"]
)
def test_behaviour_serving_plain_http_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-1", NON_COMPLIANT)}


def test_cdk_default_viewer_policy_is_allow_all_and_flagged(ev: Checked) -> None:
    (message,) = messages(ev, at("DefaultAllowAll"), "SC-CF-1")
    assert "DefaultCacheBehavior.ViewerProtocolPolicy is 'allow-all'" in message
    assert "the default behaviour" in message


def test_message_names_the_path_pattern(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("ApiAllowAll"))
    assert "the behaviour for '/api/*'" in finding.message
    assert finding.property_path == (
        "Properties.DistributionConfig.CacheBehaviors[0].ViewerProtocolPolicy"
    )


@pytest.mark.parametrize("name", ["ParamViewer", "IfViewerHttp"])
def test_viewer_policy_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-1", CANNOT_VERIFY)}


# -- SC-CF-2 TLS policy of a custom certificate ------------------------------------------


@pytest.mark.parametrize("name", ["Tls11", "L1Tls1", "EscNoMinimumTls", "EscTls1"])
def test_custom_certificate_below_tls12_2021_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-2", NON_COMPLIANT)}


def test_message_names_the_policy_and_the_allowed_ones(ev: Checked) -> None:
    (message,) = messages(ev, at("Tls11"), "SC-CF-2")
    assert "MinimumProtocolVersion is 'TLSv1.1_2016'" in message
    assert "TLSv1.2_2021 or TLSv1.2_2025 or TLSv1.3_2025" in message


@pytest.mark.parametrize("name", ["ParamTls", "IfTlsOld"])
def test_tls_policy_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-2", CANNOT_VERIFY)}


def test_tighter_thresholds_narrow_the_tls_policies(app: cdk.App) -> None:
    evaluation = check(
        app.node.find_child("Cf").node.find_child("Secure"),
        settings=Thresholds(cloudfront_tls_protocols=("TLSv1.3_2025",)),
    )
    assert {(f.rule.id, f.status) for f in evaluation.findings} == {("SC-CF-2", NON_COMPLIANT)}


# -- SC-CF-3 the default *.cloudfront.net certificate ------------------------------------


@pytest.mark.parametrize("name", ["NoDomain", "NoDomainTls12", "L1DefaultCert", "EscDefaultCert"])
def test_default_certificate_is_a_warning(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-3", NON_COMPLIANT)}
    (finding,) = findings_at(ev, at(name))
    assert not finding.blocks_synthesis


@pytest.mark.parametrize("name", ["IfDefaultCert", "ParamDefaultCert"])
def test_default_certificate_under_a_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-3", CANNOT_VERIFY)} | (
        {("SC-CF-2", CANNOT_VERIFY)} if name == "ParamDefaultCert" else set()
    )


# -- SC-CF-4 origins over HTTPS with TLS 1.2 ---------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "HttpOnlyOrigin",
        "OldOriginTls",
        "L1NoOriginProtocols",
        "L1HttpOrigin",
        "EscHttpOrigin",
        "EscNoOriginProtocols",
        "VpcOriginHttp",
    ],
)
def test_origin_reached_without_tls12_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-4", NON_COMPLIANT)}


def test_missing_origin_protocols_mean_sslv3_and_tls1(ev: Checked) -> None:
    (message,) = messages(ev, at("L1NoOriginProtocols"), "SC-CF-4")
    assert "['TLSv1', 'SSLv3']" in message


@pytest.mark.parametrize("name", ["MatchViewerPlain", "VpcOriginPlainViewer"])
def test_match_viewer_behind_an_http_behaviour_is_plaintext(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-1", NON_COMPLIANT), ("SC-CF-4", NON_COMPLIANT)}
    (message,) = messages(ev, at(name), "SC-CF-4")
    assert "the behaviour for '/api/*' allows plain HTTP" in message


@pytest.mark.parametrize("name", ["ParamOriginPolicy", "IfOriginPolicy", "VpcOriginExternal"])
def test_origin_protocol_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-4", CANNOT_VERIFY)}


def test_match_viewer_behind_https_behaviours_in_both_branches_passes(ev: Checked) -> None:
    assert outcomes(ev, at("IfOriginBoth")) == set()


# -- SC-CF-5 S3 origins behind origin access control -------------------------------------


@pytest.mark.parametrize(
    "name",
    ["PublicBucketOrigin", "RestAsCustomOrigin", "OacNeverSigns", "L1PublicBucket", "EscNoOac"],
)
def test_s3_origin_read_anonymously_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-5", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["WebsiteOrigin", "WebsiteLiteral"])
def test_s3_website_endpoint_is_a_public_bucket(ev: Checked, name: str) -> None:
    found = outcomes(ev, at(name))
    assert ("SC-CF-5", NON_COMPLIANT) in found
    # The website endpoint speaks HTTP only (the L2) or is given as an HTTPS origin.
    assert found - {("SC-CF-5", NON_COMPLIANT)} <= {("SC-CF-4", NON_COMPLIANT)}
    (message,) = messages(ev, at(name), "SC-CF-5")
    assert "S3 website endpoint" in message


def test_l2_website_origin_is_also_plaintext_to_the_origin(ev: Checked) -> None:
    assert ("SC-CF-4", NON_COMPLIANT) in outcomes(ev, at("WebsiteOrigin"))


@pytest.mark.parametrize("name", ["ParamOac", "IfOac"])
def test_origin_access_control_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-5", CANNOT_VERIFY)}


# -- SC-CF-6 legacy origin access identity -----------------------------------------------


@pytest.mark.parametrize("name", ["OaiOrigin", "L1LegacyS3Origin", "EscOai"])
def test_origin_access_identity_is_a_warning(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-6", NON_COMPLIANT)}
    assert not any(f.blocks_synthesis for f in findings_at(ev, at(name)))


def test_identity_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamOai")) == {
        ("SC-CF-5", CANNOT_VERIFY),
        ("SC-CF-6", CANNOT_VERIFY),
    }


# -- SC-CF-7 bucket policies that let CloudFront read ------------------------------------


def policy_at(name: str) -> str:
    return f"CfPolicies/{name}"


@pytest.mark.parametrize(
    "name", ["PolicyScoped", "PolicySourceAccount", "PolicyOtherService", "PolicyDenyOpen"]
)
def test_scoped_cloudfront_grant_has_no_finding(ev: Checked, name: str) -> None:
    # Other services are SC-IAM-4's (a warning): PolicyOtherService grants Lambda openly.
    assert cf_outcomes(ev, policy_at(name)) == set()


@pytest.mark.parametrize("name", ["PolicyOpen", "PolicyOpenList", "EscPolicyOpen"])
def test_cloudfront_grant_for_every_distribution_is_flagged(ev: Checked, name: str) -> None:
    assert cf_outcomes(ev, policy_at(name)) == {("SC-CF-7", NON_COMPLIANT)}


def test_l2_bucket_policy_for_cloudfront_without_condition_is_flagged(ev: Checked) -> None:
    assert cf_outcomes(ev, policy_at("L2PolicyOpen")) == {("SC-CF-7", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamSourceArn", "ParamService", "IfPolicyCondition"])
def test_cloudfront_grant_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    # A service principal from a parameter may also be '*' for the S3 rules: keep to ours.
    assert cf_outcomes(ev, policy_at(name)) == {("SC-CF-7", CANNOT_VERIFY)}


# -- SC-CF-8 WAF -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["NoWaf", "L1NoWaf", "RegionalWaf", "EscNoWaf", "EscRegionalWaf", "EscEmptyWaf", "NotAWaf"],
)
def test_distribution_without_a_cloudfront_webacl_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-8", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamWaf", "ImportWaf", "IfWaf", "ParamScopeWaf"])
def test_webacl_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-8", CANNOT_VERIFY)}


# -- SC-CF-9 access logs -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["NoLogs", "L1NoLogs", "EscNoLogs", "V2SourceOnly", "V2OtherLogType"]
)
def test_distribution_without_access_logs_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-9", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamLogBucket", "IfLogs", "V2Conditional"])
def test_access_logs_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-CF-9", CANNOT_VERIFY)}
