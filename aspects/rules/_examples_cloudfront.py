"""Catalogue examples of the cloudfront rules."""

from __future__ import annotations

from aspects.rules._example_base import Example

_SITE_BUCKET = """\
  Site:
    Type: AWS::S3::Bucket
  SiteAccess:
    Type: AWS::CloudFront::OriginAccessControl
    Properties:
      OriginAccessControlConfig:
        Name: site
        OriginAccessControlOriginType: s3
        SigningBehavior: always
        SigningProtocol: sigv4
"""


def _distribution(config: str) -> str:
    """A template with one distribution whose ``DistributionConfig`` is *config*."""
    return (
        "Resources:\n"
        "  Cdn:\n"
        "    Type: AWS::CloudFront::Distribution\n"
        "    Properties:\n"
        "      DistributionConfig:\n"
        "        Enabled: true\n" + config
    )


_CERTIFICATE = "arn:aws:acm:us-east-1:111111111111:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"


def _custom_certificate(policy: str) -> str:
    """An alias served with an ACM certificate and the security policy *policy*."""
    return (
        "        Aliases: [www.example.com]\n"
        "        ViewerCertificate:\n"
        f"          AcmCertificateArn: {_CERTIFICATE}\n"
        "          SslSupportMethod: sni-only\n"
        f"          MinimumProtocolVersion: {policy}\n"
    )


_S3_ORIGIN = """\
        Origins:
          - Id: site
            DomainName: !GetAtt Site.RegionalDomainName
            OriginAccessControlId: !GetAtt SiteAccess.Id
            S3OriginConfig:
              OriginAccessIdentity: ""
"""

CLOUDFRONT_EXAMPLES: dict[str, Example] = {
    "SC-CF-1": Example(
        compliant=_distribution(
            """\
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
        CacheBehaviors:
          - PathPattern: /api/*
            TargetOriginId: site
            ViewerProtocolPolicy: https-only
"""
        ),
        non_compliant=_distribution(
            """\
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
        CacheBehaviors:
          - PathPattern: /api/*
            TargetOriginId: site
            ViewerProtocolPolicy: allow-all
"""
        ),
    ),
    "SC-CF-2": Example(
        compliant=_distribution(_custom_certificate("TLSv1.2_2021")),
        non_compliant=_distribution(_custom_certificate("TLSv1.2_2019")),
    ),
    "SC-CF-3": Example(
        compliant=_distribution(_custom_certificate("TLSv1.2_2021")),
        non_compliant=_distribution(
            """\
        ViewerCertificate:
          CloudFrontDefaultCertificate: true
          MinimumProtocolVersion: TLSv1.2_2021
"""
        ),
    ),
    "SC-CF-4": Example(
        compliant=_distribution(
            """\
        DefaultCacheBehavior:
          TargetOriginId: api
          ViewerProtocolPolicy: redirect-to-https
        Origins:
          - Id: api
            DomainName: api.example.com
            CustomOriginConfig:
              OriginProtocolPolicy: https-only
              OriginSSLProtocols: [TLSv1.2]
"""
        ),
        non_compliant=_distribution(
            """\
        DefaultCacheBehavior:
          TargetOriginId: api
          ViewerProtocolPolicy: redirect-to-https
        Origins:
          - Id: api
            DomainName: api.example.com
            CustomOriginConfig:
              OriginProtocolPolicy: http-only
"""
        ),
    ),
    "SC-CF-5": Example(
        compliant=_distribution(
            """\
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
"""
            + _S3_ORIGIN
        )
        + _SITE_BUCKET,
        non_compliant=_distribution(
            """\
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
        Origins:
          - Id: site
            DomainName: !GetAtt Site.RegionalDomainName
            S3OriginConfig: {}
"""
        )
        + _SITE_BUCKET,
    ),
    "SC-CF-6": Example(
        compliant=_distribution(
            """\
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
"""
            + _S3_ORIGIN
        )
        + _SITE_BUCKET,
        non_compliant=_distribution(
            """\
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
        Origins:
          - Id: site
            DomainName: !GetAtt Site.RegionalDomainName
            S3OriginConfig:
              OriginAccessIdentity: !Sub origin-access-identity/cloudfront/${SiteIdentity}
"""
        )
        + """\
  Site:
    Type: AWS::S3::Bucket
  SiteIdentity:
    Type: AWS::CloudFront::CloudFrontOriginAccessIdentity
    Properties:
      CloudFrontOriginAccessIdentityConfig:
        Comment: site
""",
    ),
    "SC-CF-7": Example(
        compliant="""\
Resources:
  Site:
    Type: AWS::S3::Bucket
  SitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Site
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: cloudfront.amazonaws.com}
            Action: s3:GetObject
            Resource: !Sub "${Site.Arn}/*"
            Condition:
              StringEquals:
                AWS:SourceArn: arn:aws:cloudfront::111111111111:distribution/E1A2B3C4D5E6F7
""",
        non_compliant="""\
Resources:
  Site:
    Type: AWS::S3::Bucket
  SitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Site
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: cloudfront.amazonaws.com}
            Action: s3:GetObject
            Resource: !Sub "${Site.Arn}/*"
""",
    ),
    "SC-CF-8": Example(
        compliant=_distribution(
            """\
        WebACLId: !GetAtt EdgeAcl.Arn
"""
        )
        + """\
  EdgeAcl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: CLOUDFRONT
      DefaultAction: {Allow: {}}
      VisibilityConfig:
        CloudWatchMetricsEnabled: true
        MetricName: edge
        SampledRequestsEnabled: true
""",
        non_compliant=_distribution(
            """\
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
"""
        ),
    ),
    "SC-CF-9": Example(
        compliant=_distribution(
            """\
        Logging:
          Bucket: !GetAtt CdnLogs.RegionalDomainName
          Prefix: cdn/
"""
        )
        + """\
  CdnLogs:
    Type: AWS::S3::Bucket
    Properties:
      OwnershipControls:
        Rules: [{ObjectOwnership: ObjectWriter}]
""",
        non_compliant=_distribution(
            """\
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
"""
        ),
    ),
}
