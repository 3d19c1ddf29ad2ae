"""CloudFront + S3: a static website served from a bucket through a distribution.

The shape of aws-cdk-examples' ``static-site`` and ``cloudfront-*`` examples: a bucket
destroyed with the stack and a ``cloudfront.Distribution`` whose default behaviour reads it
through a legacy origin access identity, with the defaults for the rest -- viewers allowed
over plain HTTP, the ``*.cloudfront.net`` certificate (TLS 1.0 viewers), no WAF, no access
logs, and a bucket with S3-managed encryption, no versioning, no TLS-only policy and no
access logs.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3

from . import (
    EDGE_CERTIFICATE_ARN,
    EDGE_ENV,
    access_log_bucket,
    customer_key,
    encrypted_log_group,
    web_acl,
)


def insecure(app: cdk.App, construct_id: str = "CdnInsecure") -> cdk.Stack:
    """The example as it is usually written."""
    stack = cdk.Stack(app, construct_id, env=EDGE_ENV)
    site = s3.Bucket(
        stack,
        "SiteBucket",
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    cloudfront.Distribution(
        stack,
        "SiteDistribution",
        default_root_object="index.html",
        default_behavior=cloudfront.BehaviorOptions(
            origin=origins.S3BucketOrigin.with_origin_access_identity(site),
        ),
        error_responses=[
            cloudfront.ErrorResponse(
                http_status=403, response_http_status=403, response_page_path="/error.html"
            )
        ],
    )
    return stack


def fixed(app: cdk.App, construct_id: str = "CdnFixed") -> cdk.Stack:
    """The same site the secure way.

    The bucket is encrypted with a customer-managed key, versioned, TLS 1.2 only,
    private behind origin access control, retained, and writes server access logs. The
    distribution redirects viewers to HTTPS on its own certificate with TLS 1.2, sits
    behind a CloudFront WebACL and writes access logs (standard logging v2) to an
    encrypted log group.
    """
    stack = cdk.Stack(app, construct_id, env=EDGE_ENV)
    key = customer_key(stack, "Key")
    site = s3.Bucket(
        stack,
        "SiteBucket",
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        bucket_key_enabled=True,
        versioned=True,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        server_access_logs_bucket=access_log_bucket(stack, "AccessLogBucket"),
        server_access_logs_prefix="site/",
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    acl = web_acl(stack, "EdgeAcl", key, scope_name="CLOUDFRONT")
    distribution = cloudfront.Distribution(
        stack,
        "SiteDistribution",
        default_root_object="index.html",
        default_behavior=cloudfront.BehaviorOptions(
            origin=origins.S3BucketOrigin.with_origin_access_control(site),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        ),
        error_responses=[
            cloudfront.ErrorResponse(
                http_status=403, response_http_status=403, response_page_path="/error.html"
            )
        ],
        domain_names=["www.example.com"],
        certificate=acm.Certificate.from_certificate_arn(
            stack, "Certificate", EDGE_CERTIFICATE_ARN
        ),
        minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        web_acl_id=acl.attr_arn,
    )
    # Standard logging v2: the distribution's access logs into an encrypted log group.
    access_logs = encrypted_log_group(stack, "DistributionLogs", key)
    source = logs.CfnDeliverySource(
        stack,
        "DistributionLogSource",
        name="site-distribution-access-logs",
        log_type="ACCESS_LOGS",
        resource_arn=distribution.distribution_arn,
    )
    destination = logs.CfnDeliveryDestination(
        stack,
        "DistributionLogDestination",
        name="site-distribution-access-logs",
        destination_resource_arn=access_logs.log_group_arn,
    )
    delivery = logs.CfnDelivery(
        stack,
        "DistributionLogDelivery",
        delivery_source_name=source.ref,
        delivery_destination_arn=destination.attr_arn,
    )
    delivery.add_dependency(source)
    return stack
