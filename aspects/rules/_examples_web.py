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


_LB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/1"


def _acl(rules: str, protects: str = _LB_ARN) -> str:
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
      ResourceArn: {protects}
      WebACLArn: !GetAtt Acl.Arn
"""


def _acl_on_alb(rules: str, *, scheme: str = "internet-facing") -> str:
    """A WebACL associated with a load balancer of the template (its scheme is known)."""
    return _alb(scheme=scheme) + _acl(rules, protects="!Ref Web")


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
_IP_REPUTATION = _managed("AWSManagedRulesAmazonIpReputationList", 2)
_SQLI = _managed("AWSManagedRulesSQLiRuleSet", 3)
_INTERNET_BASELINE = _IP_REPUTATION + _CORE + _BAD_INPUTS + _SQLI + _RATE
_LOG4J_COUNTED = _BAD_INPUTS.replace(
    "Name: AWSManagedRulesKnownBadInputsRuleSet}}",
    "Name: AWSManagedRulesKnownBadInputsRuleSet,\n"
    "            RuleActionOverrides: [{Name: Log4JRCE_HEADER, ActionToUse: {Count: {}}}]}}",
)
_ALARM_ACTIONS = "      AlarmActions: [arn:aws:sns:eu-west-1:111111111111:on-call]\n"
_BLOCKED_ALARM = (
    """\
  BlockedAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/WAFV2
      MetricName: BlockedRequests
      Dimensions:
        - {Name: WebACL, Value: acl}
        - {Name: Rule, Value: ALL}
        - {Name: Region, Value: eu-west-1}
      Statistic: Sum
      Period: 300
      EvaluationPeriods: 1
      Threshold: 500
      ComparisonOperator: GreaterThanOrEqualToThreshold
"""
    + _ALARM_ACTIONS
)


def _waf_logging(
    extra: str = "", *, redacted: tuple[str, ...] = ("authorization", "cookie")
) -> str:
    """An aws-waf-logs- log group and the logging configuration of the WebACL ``Acl``."""
    fields = ", ".join(f"{{SingleHeader: {{Name: {name}}}}}" for name in redacted)
    return f"""\
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
      RedactedFields: [{fields}]
{extra}"""


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

_EXEC_CONFIGURATION = """\
      Configuration:
        ExecuteCommandConfiguration:
          KmsKeyId: arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab
          Logging: OVERRIDE
          LogConfiguration:
            CloudWatchLogGroupName: ecs-exec-sessions
            CloudWatchEncryptionEnabled: true
"""


def _exec_cluster(configuration: str) -> str:
    return _cluster("      ClusterName: app\n" + configuration)


def _exec_service() -> str:
    return """\
  Service:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      TaskDefinition: app-task
      LaunchType: FARGATE
      EnableExecuteCommand: true
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: DISABLED
          Subnets: [subnet-0123456789abcdef0]
"""


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
        non_compliant="Resources:\n" + _acl(_CORE + _LOG4J_COUNTED + _RATE),
    ),
    "SC-WAF-2": Example(
        compliant="Resources:\n" + _acl_on_alb(_CORE + _BAD_INPUTS + _RATE),
        non_compliant="Resources:\n"
        + _acl_on_alb(_CORE + _BAD_INPUTS + _RATE.replace("Limit: 1000", "Limit: 100000")),
    ),
    "SC-WAF-5": Example(
        compliant="Resources:\n" + _acl_on_alb(_INTERNET_BASELINE),
        non_compliant="Resources:\n" + _acl_on_alb(_CORE + _BAD_INPUTS + _RATE),
    ),
    "SC-WAF-6": Example(
        compliant="Resources:\n"
        + _alb(_GOOD_ATTRIBUTES + '        - {Key: waf.fail_open.enabled, Value: "false"}\n'),
        non_compliant="Resources:\n"
        + _alb(_GOOD_ATTRIBUTES + '        - {Key: waf.fail_open.enabled, Value: "true"}\n'),
    ),
    "SC-WAF-7": Example(
        compliant="Resources:\n" + _acl_on_alb(_CORE + _BAD_INPUTS + _RATE, scheme="internal"),
        non_compliant="Resources:\n" + _acl_on_alb(_CORE + _BAD_INPUTS, scheme="internal"),
    ),
    "SC-WAF-10": Example(
        compliant="Resources:\n" + _acl_on_alb(_INTERNET_BASELINE, scheme="internal"),
        non_compliant="Resources:\n" + _acl_on_alb(_CORE + _BAD_INPUTS + _RATE, scheme="internal"),
    ),
    "SC-WAF-8": Example(
        compliant="Resources:\n" + _acl(_CORE + _BAD_INPUTS + _RATE) + _BLOCKED_ALARM,
        non_compliant="Resources:\n"
        + _acl(_CORE + _BAD_INPUTS + _RATE)
        + _BLOCKED_ALARM.replace(
            "      AlarmActions: [arn:aws:sns:eu-west-1:111111111111:on-call]\n", ""
        ),
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
        compliant="Resources:\n" + _acl(_CORE + _BAD_INPUTS + _RATE) + _waf_logging(),
        non_compliant="Resources:\n" + _acl(_CORE + _BAD_INPUTS + _RATE),
    ),
    "SC-WAF-9": Example(
        compliant="Resources:\n"
        + _acl(_CORE + _BAD_INPUTS + _RATE)
        + _waf_logging(
            "      LoggingFilter:\n"
            "        DefaultBehavior: DROP\n"
            "        Filters:\n"
            "          - Behavior: KEEP\n"
            "            Requirement: MEETS_ANY\n"
            "            Conditions:\n"
            "              - {ActionCondition: {Action: BLOCK}}\n"
            "              - {ActionCondition: {Action: COUNT}}\n"
        ),
        non_compliant="Resources:\n"
        + _acl(_CORE + _BAD_INPUTS + _RATE)
        + _waf_logging(
            "      LoggingFilter:\n"
            "        DefaultBehavior: DROP\n"
            "        Filters:\n"
            "          - Behavior: KEEP\n"
            "            Requirement: MEETS_ALL\n"
            "            Conditions: [{ActionCondition: {Action: EXCLUDED_AS_COUNT}}]\n",
            redacted=("Authorization",),
        ),
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
    "SC-ECS-7": Example(
        compliant="Resources:\n" + _task('          User: "1000:1000"\n'),
        non_compliant="Resources:\n" + _task("          User: root\n"),
    ),
    "SC-ECS-8": Example(
        compliant="Resources:\n"
        + _task(
            "          LinuxParameters:\n"
            "            Capabilities: {Add: [NET_BIND_SERVICE], Drop: [ALL]}\n"
        ),
        non_compliant="Resources:\n"
        + _task("          LinuxParameters:\n            Capabilities: {Add: [SYS_ADMIN]}\n"),
    ),
    "SC-ECS-9": Example(
        compliant="Resources:\n" + _exec_cluster(_EXEC_CONFIGURATION) + _exec_service(),
        non_compliant="Resources:\n"
        + _exec_cluster(
            "      Configuration:\n        ExecuteCommandConfiguration: {Logging: NONE}\n"
        )
        + _exec_service(),
    ),
}
