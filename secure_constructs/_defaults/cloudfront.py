"""The hardened settings of SecureDistribution, as data and plain functions.

Each function returns fresh CDK objects or keyword arguments; the construct only wires them
to its inputs (origins, certificate, names).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_iam as iam

from aspects.settings import CLOUDFRONT_TLS_PROTOCOLS

#: CloudFront accepts CLOUDFRONT-scoped WebACLs, viewer certificates and standard logging
#: v2 delivery sources only in this Region.
EDGE_REGION = "us-east-1"

#: The oldest viewer security policy we allow (SC-CF-2): TLS 1.2 without CBC/SHA-1 suites.
DEFAULT_MINIMUM_PROTOCOL = cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021
#: The viewer security policies the guardrails accept (SC-CF-2), CDK member -> template value.
_TEMPLATE_VALUES = {
    cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021: "TLSv1.2_2021",
    cloudfront.SecurityPolicyProtocol.TLS_V1_2_2025: "TLSv1.2_2025",
    cloudfront.SecurityPolicyProtocol.TLS_V1_3_2025: "TLSv1.3_2025",
}
ALLOWED_MINIMUM_PROTOCOLS = frozenset(
    member for member, value in _TEMPLATE_VALUES.items() if value in CLOUDFRONT_TLS_PROTOCOLS
)
#: Viewer protocol policies that never serve plain HTTP (SC-CF-1).
HTTPS_VIEWER_POLICIES = frozenset(
    {
        cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
    }
)
#: Their template values.
VIEWER_POLICY_VALUES = {
    cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS: "redirect-to-https",
    cloudfront.ViewerProtocolPolicy.HTTPS_ONLY: "https-only",
}
#: What CloudFront speaks to custom origins (SC-CF-4).
ORIGIN_PROTOCOL_POLICY = cloudfront.OriginProtocolPolicy.HTTPS_ONLY
ORIGIN_SSL_PROTOCOLS = (cloudfront.OriginSslPolicy.TLS_V1_2,)

#: Strict-Transport-Security max-age: two years, the preload list's recommendation.
HSTS_MAX_AGE = cdk.Duration.days(730)
DEFAULT_ROOT_OBJECT = "index.html"


def security_headers(
    content_security_policy: str | None,
) -> cloudfront.ResponseSecurityHeadersBehavior:
    """HSTS (2 years, subdomains, preload), nosniff, DENY framing, a strict referrer policy.

    Every header overrides what the origin sends, so an origin cannot weaken them; the
    Content-Security-Policy is added only when given (it is application specific).
    """
    csp = (
        cloudfront.ResponseHeadersContentSecurityPolicy(
            content_security_policy=content_security_policy, override=True
        )
        if content_security_policy is not None
        else None
    )
    return cloudfront.ResponseSecurityHeadersBehavior(
        strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
            access_control_max_age=HSTS_MAX_AGE,
            include_subdomains=True,
            preload=True,
            override=True,
        ),
        content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
        frame_options=cloudfront.ResponseHeadersFrameOptions(
            frame_option=cloudfront.HeadersFrameOption.DENY, override=True
        ),
        referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
            referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
            override=True,
        ),
        content_security_policy=csp,
    )


def pinned_security_headers(content_security_policy: str | None) -> dict[str, Any]:
    """The template paths and values of :func:`security_headers` (guardrail SC-PIN-1)."""
    base = "ResponseHeadersPolicyConfig.SecurityHeadersConfig"
    pinned: dict[str, Any] = {
        f"{base}.StrictTransportSecurity.AccessControlMaxAgeSec": int(HSTS_MAX_AGE.to_seconds()),
        f"{base}.StrictTransportSecurity.IncludeSubdomains": True,
        f"{base}.StrictTransportSecurity.Preload": True,
        f"{base}.StrictTransportSecurity.Override": True,
        f"{base}.ContentTypeOptions.Override": True,
        f"{base}.FrameOptions.FrameOption": "DENY",
        f"{base}.ReferrerPolicy.ReferrerPolicy": "strict-origin-when-cross-origin",
    }
    if content_security_policy is not None:
        pinned[f"{base}.ContentSecurityPolicy.ContentSecurityPolicy"] = content_security_policy
    return pinned


def log_delivery_statement(log_group_arn: str, stack: cdk.Stack) -> iam.PolicyStatement:
    """Let CloudWatch vended-log delivery write this account's deliveries to the log group.

    The documented resource policy of standard logging v2 to CloudWatch Logs, pinned to the
    account (``aws:SourceAccount``) and to this Region's delivery sources (``aws:SourceArn``).
    """
    return iam.PolicyStatement(
        sid="AllowCloudFrontStandardLoggingV2",
        principals=[iam.ServicePrincipal("delivery.logs.amazonaws.com")],
        actions=["logs:CreateLogStream", "logs:PutLogEvents"],
        resources=[f"{log_group_arn}:log-stream:*"],
        conditions={
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {
                "aws:SourceArn": stack.format_arn(
                    service="logs",
                    resource="delivery-source",
                    resource_name="*",
                    arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                )
            },
        },
    )
