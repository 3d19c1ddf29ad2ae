"""Catalogue examples for the load balancer, WAF and ECS rules."""

from __future__ import annotations

from aspects.rules._example_base import Example

_ALB = """\
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: application
      Scheme: {scheme}
      Subnets: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
      LoadBalancerAttributes:
{attributes}"""

_GOOD_ATTRIBUTES = """\
        - {Key: routing.http.drop_invalid_header_fields.enabled, Value: "true"}
        - {Key: routing.http.desync_mitigation_mode, Value: strictest}
        - {Key: access_logs.s3.enabled, Value: "true"}
        - {Key: access_logs.s3.bucket, Value: my-alb-logs}
"""


def _alb(attributes: str = _GOOD_ATTRIBUTES, *, scheme: str = "internal") -> str:
    return _ALB.format(scheme=scheme, attributes=attributes)


def _listener(protocol: str, extra: str, action: str) -> str:
    return f"""\
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Web
      Port: {443 if protocol == "HTTPS" else 80}
      Protocol: {protocol}
{extra}      DefaultActions:
        - {action}
"""


_REDIRECT = "{Type: redirect, RedirectConfig: {Protocol: HTTPS, Port: '443', StatusCode: HTTP_301}}"
_RESPOND = "{Type: fixed-response, FixedResponseConfig: {StatusCode: '200'}}"
_CERT = (
    "      Certificates:\n"
    "        - CertificateArn: arn:aws:acm:eu-west-1:111111111111:certificate/example\n"
)


def _acl(rules: str) -> str:
    return f"""\
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction: {{Allow: {{}}}}
      VisibilityConfig:
        {{CloudWatchMetricsEnabled: true, MetricName: acl, SampledRequestsEnabled: true}}
      Rules:
{rules}  Association:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/1
      WebACLArn: !GetAtt Acl.Arn
"""


def _managed(name: str, priority: int) -> str:
    return f"""\
        - Name: {name}
          Priority: {priority}
          Statement: {{ManagedRuleGroupStatement: {{VendorName: AWS, Name: {name}}}}}
          OverrideAction: {{None: {{}}}}
          VisibilityConfig:
            {{CloudWatchMetricsEnabled: true, MetricName: {name}, SampledRequestsEnabled: true}}
"""


_RATE = """\
        - Name: RateLimit
          Priority: 9
          Statement: {RateBasedStatement: {Limit: 1000, AggregateKeyType: IP}}
          Action: {Block: {}}
          VisibilityConfig:
            {CloudWatchMetricsEnabled: true, MetricName: rate, SampledRequestsEnabled: true}
"""
_CORE = _managed("AWSManagedRulesCommonRuleSet", 0)
_BAD_INPUTS = _managed("AWSManagedRulesKnownBadInputsRuleSet", 1)


def _task(container: str) -> str:
    return f"""\
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "256"
      Memory: "512"
      ContainerDefinitions:
        - Name: app
          Image: public.ecr.aws/nginx/nginx:1.27
{container}"""


def _service(assign_public_ip: str) -> str:
    return f"""\
  Service:
    Type: AWS::ECS::Service
    Properties:
      Cluster: app-cluster
      TaskDefinition: app-task
      LaunchType: FARGATE
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: {assign_public_ip}
          Subnets: [subnet-0123456789abcdef0]
"""


def _cluster(settings: str) -> str:
    return f"""\
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
{settings}"""


_LOGS = "          LogConfiguration: {LogDriver: awslogs, Options: {awslogs-group: app}}\n"

WEB_EXAMPLES: dict[str, Example] = {
    "SC-ELB-1": Example(
        compliant="Resources:\n" + _alb() + _listener("HTTP", "", _REDIRECT),
        non_compliant="Resources:\n" + _alb() + _listener("HTTP", "", _RESPOND),
    ),
    "SC-ELB-2": Example(
        compliant="Resources:\n"
        + _alb()
        + _listener(
            "HTTPS", _CERT + "      SslPolicy: ELBSecurityPolicy-TLS13-1-2-PQ-2025-09\n", _RESPOND
        ),
        non_compliant="Resources:\n" + _alb() + _listener("HTTPS", _CERT, _RESPOND),
    ),
    "SC-ELB-3": Example(
        compliant="Resources:\n"
        + _alb(scheme="internet-facing")
        + """\
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction: {Allow: {}}
      VisibilityConfig:
        {CloudWatchMetricsEnabled: true, MetricName: acl, SampledRequestsEnabled: true}
      Rules:
"""
        + _CORE
        + _BAD_INPUTS
        + _RATE
        + """  WebAcl:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !Ref Web
      WebACLArn: !GetAtt Acl.Arn
""",
        non_compliant="Resources:\n" + _alb(scheme="internet-facing"),
    ),
    "SC-ELB-4": Example(
        compliant="Resources:\n" + _alb(),
        non_compliant="Resources:\n"
        + _alb('        - {Key: access_logs.s3.enabled, Value: "true"}\n'),
    ),
    "SC-ELB-5": Example(
        compliant="Resources:\n" + _alb(),
        non_compliant="Resources:\n"
        + _alb("        - {Key: routing.http.desync_mitigation_mode, Value: monitor}\n"),
    ),
    "SC-ELB-6": Example(
        compliant="Resources:\n" + _alb(),
        non_compliant="Resources:\n"
        + _alb('        - {Key: access_logs.s3.enabled, Value: "false"}\n'),
    ),
    "SC-WAF-1": Example(
        compliant="Resources:\n" + _acl(_CORE + _BAD_INPUTS + _RATE),
        non_compliant="Resources:\n" + _acl(_CORE + _RATE),
    ),
    "SC-WAF-2": Example(
        compliant="Resources:\n" + _acl(_CORE + _BAD_INPUTS + _RATE),
        non_compliant="Resources:\n" + _acl(_CORE + _BAD_INPUTS),
    ),
    "SC-WAF-4": Example(
        compliant="Resources:\n" + _acl(_CORE + _BAD_INPUTS + _RATE),
        non_compliant="Resources:\n"
        + _acl(_CORE + _BAD_INPUTS + _RATE).replace(
            "{CloudWatchMetricsEnabled: true, MetricName: acl",
            "{CloudWatchMetricsEnabled: false, MetricName: acl",
        ),
    ),
    "SC-WAF-3": Example(
        compliant="Resources:\n"
        + _acl(_CORE + _BAD_INPUTS + _RATE)
        + """\
  WafLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: aws-waf-logs-app
      RetentionInDays: 365
  WafLogging:
    Type: AWS::WAFv2::LoggingConfiguration
    Properties:
      ResourceArn: !GetAtt Acl.Arn
      LogDestinationConfigs: [!GetAtt WafLogs.Arn]
""",
        non_compliant="Resources:\n" + _acl(_CORE + _BAD_INPUTS + _RATE),
    ),
    "SC-ECS-1": Example(
        compliant="Resources:\n" + _task("          Privileged: false\n"),
        non_compliant="Resources:\n" + _task("          Privileged: true\n"),
    ),
    "SC-ECS-2": Example(
        compliant="Resources:\n" + _service("DISABLED"),
        non_compliant="Resources:\n" + _service("ENABLED"),
    ),
    "SC-ECS-3": Example(
        compliant="Resources:\n"
        + _task(
            "          Environment: [{Name: MODE, Value: prod}]\n"
            "          Secrets: [{Name: DB_PASSWORD, ValueFrom: "
            "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db}]\n"
        ),
        non_compliant="Resources:\n"
        + _task("          Environment: [{Name: DB_PASSWORD, Value: correct-horse-battery}]\n"),
    ),
    "SC-ECS-4": Example(
        compliant="Resources:\n" + _task(_LOGS),
        non_compliant="Resources:\n" + _task("          Essential: true\n"),
    ),
    "SC-ECS-5": Example(
        compliant="Resources:\n"
        + _cluster("      ClusterSettings: [{Name: containerInsights, Value: enhanced}]\n"),
        non_compliant="Resources:\n" + _cluster("      ClusterName: app\n"),
    ),
    "SC-ECS-6": Example(
        compliant="Resources:\n" + _task("          ReadonlyRootFilesystem: true\n"),
        non_compliant="Resources:\n" + _task("          ReadonlyRootFilesystem: false\n"),
    ),
}
