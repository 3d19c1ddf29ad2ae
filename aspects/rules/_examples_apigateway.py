"""Catalogue examples of the apigateway rules."""

from __future__ import annotations

from aspects.rules._example_base import Example

_API = """\
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders
"""


def _method(authorization: str, http_method: str = "GET") -> str:
    return (
        _API
        + f"""\
  GetOrders:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: {http_method}
      AuthorizationType: {authorization}
      Integration: {{Type: MOCK}}
"""
    )


def _stage(settings: str) -> str:
    return (
        _API
        + """\
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      DeploymentId: abc123
      StageName: prod
"""
        + settings
    )


_ACCESS_LOG = """\
      AccessLogSetting:
        DestinationArn: arn:aws:logs:eu-west-1:123456789012:log-group:api-access
        Format: '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp"}'
"""

_WEB_ACL = """\
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction: {Allow: {}}
      VisibilityConfig:
        {CloudWatchMetricsEnabled: true, MetricName: api, SampledRequestsEnabled: true}
  ProdAcl:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !Join
        - ""
        - [!Sub "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/", !Ref Api,
           /stages/, !Ref Prod]
      WebACLArn: !GetAtt Acl.Arn
"""

APIGATEWAY_EXAMPLES: dict[str, Example] = {
    "SC-APIGW-1": Example(
        compliant="Resources:\n" + _method("AWS_IAM"),
        non_compliant="Resources:\n" + _method("NONE"),
    ),
    "SC-APIGW-2": Example(
        compliant="Resources:\n" + _stage(_ACCESS_LOG),
        non_compliant="Resources:\n" + _stage("      TracingEnabled: true\n"),
    ),
    "SC-APIGW-3": Example(
        compliant="Resources:\n"
        + _stage(
            """\
      MethodSettings:
        - {ResourcePath: /*, HttpMethod: '*', LoggingLevel: ERROR}
"""
        ),
        non_compliant="Resources:\n"
        + _stage(
            """\
      MethodSettings:
        - {ResourcePath: /*, HttpMethod: '*', LoggingLevel: 'OFF'}
"""
        ),
    ),
    "SC-APIGW-4": Example(
        compliant="Resources:\n" + _stage("      TracingEnabled: true\n"),
        non_compliant="Resources:\n" + _stage("      TracingEnabled: false\n"),
    ),
    "SC-APIGW-5": Example(
        compliant="Resources:\n" + _stage("") + _WEB_ACL,
        non_compliant="Resources:\n" + _stage(""),
    ),
    "SC-APIGW-6": Example(
        compliant="Resources:\n"
        + _stage(
            """\
      CacheClusterEnabled: true
      CacheClusterSize: "0.5"
      MethodSettings:
        - {ResourcePath: /*, HttpMethod: '*', CachingEnabled: true, CacheDataEncrypted: true}
"""
        ),
        non_compliant="Resources:\n"
        + _stage(
            """\
      CacheClusterEnabled: true
      CacheClusterSize: "0.5"
      MethodSettings:
        - {ResourcePath: /*, HttpMethod: '*', CachingEnabled: true}
"""
        ),
    ),
    "SC-APIGW-7": Example(
        compliant="""\
Resources:
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.example.com
      RegionalCertificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/abc
      EndpointConfiguration: {Types: [REGIONAL]}
      SecurityPolicy: TLS_1_2
""",
        non_compliant="""\
Resources:
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.example.com
      RegionalCertificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/abc
      EndpointConfiguration: {Types: [REGIONAL]}
""",
    ),
}
