"""Catalogue examples of the ec2_compute, vpc_endpoints, elbv2_network rules."""

from __future__ import annotations

from aspects.rules._example_base import _KEY, Example


def _instance(extra: str = "", *, tokens: str = "required") -> str:
    return f"""\
  Server:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0123456789abcdef0
      InstanceType: t3.micro
      SubnetId: subnet-0123456789abcdef0
      MetadataOptions: {{HttpTokens: {tokens}}}
{extra}"""


_ENCRYPTED_ROOT = """\
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs: {Encrypted: true, KmsKeyId: !GetAtt DataKey.Arn, VolumeSize: 8}
"""

_PRIVATE_INTERFACE = """\
      NetworkInterfaces:
        - {DeviceIndex: "0", SubnetId: !Ref Private, AssociatePublicIpAddress: false}
"""


def _subnet(name: str, *, public: bool) -> str:
    return f"""\
  {name}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-0123456789abcdef0
      CidrBlock: 10.0.{1 if public else 2}.0/24
      MapPublicIpOnLaunch: {str(public).lower()}
"""


def _endpoint(policy: str, *, kind: str = "Gateway") -> str:
    return f"""\
  Tables:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: vpc-0123456789abcdef0
      VpcEndpointType: {kind}
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.dynamodb
      RouteTableIds: [rtb-0123456789abcdef0]
{policy}"""


def _endpoint_policy(action: str, resource: str) -> str:
    return f"""\
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: {action}
            Resource: {resource}
"""


_NLB = """\
  Edge:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: network
      Scheme: internet-facing
      Subnets: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
{attributes}"""

_NLB_LOGS = """\
      LoadBalancerAttributes:
        - {Key: access_logs.s3.enabled, Value: "true"}
        - {Key: access_logs.s3.bucket, Value: my-nlb-logs}
"""


def _nlb_listener(protocol: str, port: int) -> str:
    tls = (
        "      Certificates:\n"
        "        - CertificateArn: arn:aws:acm:eu-west-1:111111111111:certificate/example\n"
        "      SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06\n"
        if protocol == "TLS"
        else ""
    )
    return f"""\
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Edge
      Protocol: {protocol}
      Port: {port}
{tls}      DefaultActions:
        - Type: forward
          TargetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/app/1
"""


COMPUTE_EXAMPLES: dict[str, Example] = {
    "SC-NET-3": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      SecureConstructs::Guarantees:
        ingress: {ports: [5432]}
    Properties:
      GroupDescription: database, PostgreSQL from the VPC only
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.0.0.0/16}
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      SecureConstructs::Guarantees:
        ingress: {ports: [5432]}
    Properties:
      GroupDescription: database, PostgreSQL from the VPC only
      SecurityGroupIngress:
        - {IpProtocol: "-1", CidrIp: 10.0.0.0/16}
""",
    ),
    "SC-ELB-7": Example(
        compliant="""\
Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Metadata:
      SecureConstructs::Guarantees: {deletionProtection: true}
    Properties:
      Type: application
      Subnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
      LoadBalancerAttributes:
        - {Key: deletion_protection.enabled, Value: "true"}
""",
        non_compliant="""\
Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Metadata:
      SecureConstructs::Guarantees: {deletionProtection: true}
    Properties:
      Type: application
      Subnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
""",
    ),
    "SC-PIN-1": Example(
        compliant="""\
Resources:
  Targets:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Metadata:
      SecureConstructs::Guarantees:
        pinned: {Protocol: HTTPS, HealthCheckProtocol: HTTPS}
    Properties:
      Port: 8443
      Protocol: HTTPS
      HealthCheckProtocol: HTTPS
      TargetType: ip
      VpcId: vpc-0123456789abcdef0
""",
        non_compliant="""\
Resources:
  Targets:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Metadata:
      SecureConstructs::Guarantees:
        pinned: {Protocol: HTTPS, HealthCheckProtocol: HTTPS}
    Properties:
      Port: 8443
      Protocol: HTTP
      HealthCheckProtocol: HTTPS
      TargetType: ip
      VpcId: vpc-0123456789abcdef0
""",
    ),
    "SC-EC2-3": Example(
        compliant="Resources:\n" + _instance(),
        non_compliant="Resources:\n" + _instance(tokens="optional"),
    ),
    "SC-EC2-4": Example(
        compliant="Resources:\n" + _KEY + _instance(_ENCRYPTED_ROOT),
        non_compliant="Resources:\n"
        + _instance(
            """\
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs: {Encrypted: false, VolumeSize: 8}
"""
        ),
    ),
    "SC-EC2-5": Example(
        compliant="Resources:\n"
        + _subnet("Private", public=False)
        + _instance().replace("      SubnetId: subnet-0123456789abcdef0\n", _PRIVATE_INTERFACE),
        non_compliant="Resources:\n"
        + _subnet("Public", public=True)
        + _instance().replace("subnet-0123456789abcdef0", "!Ref Public"),
    ),
    "SC-EC2-6": Example(
        compliant="Resources:\n" + _subnet("Public", public=False),
        non_compliant="Resources:\n" + _subnet("Public", public=True),
    ),
    "SC-EC2-7": Example(
        compliant="Resources:\n" + _instance(),
        non_compliant="Resources:\n" + _instance("      KeyName: ops-team\n"),
    ),
    "SC-EC2-8": Example(
        compliant="Resources:\n" + _instance("      Monitoring: true\n"),
        non_compliant="Resources:\n" + _instance("      Monitoring: false\n"),
    ),
    "SC-VPCE-1": Example(
        compliant="Resources:\n"
        + _endpoint(
            _endpoint_policy(
                "[dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query]",
                "arn:aws:dynamodb:eu-west-1:111111111111:table/orders",
            )
        ),
        non_compliant="Resources:\n" + _endpoint(_endpoint_policy('"dynamodb:*"', '"*"')),
    ),
    "SC-VPCE-2": Example(
        compliant="Resources:\n"
        + _endpoint(
            _endpoint_policy(
                "[dynamodb:GetItem, dynamodb:PutItem]",
                "arn:aws:dynamodb:eu-west-1:111111111111:table/orders",
            )
        ),
        non_compliant="Resources:\n" + _endpoint(""),
    ),
    "SC-VPCE-3": Example(
        compliant="Resources:\n"
        + _endpoint(_endpoint_policy("dynamodb:GetItem", '"*"'))
        + """\
            Condition:
              StringEquals:
                aws:ResourceAccount: "111111111111"
""",
        non_compliant="Resources:\n" + _endpoint(_endpoint_policy("dynamodb:GetItem", '"*"')),
    ),
    "SC-NLB-1": Example(
        compliant="Resources:\n" + _NLB.format(attributes=_NLB_LOGS) + _nlb_listener("TLS", 443),
        non_compliant="Resources:\n" + _NLB.format(attributes="") + _nlb_listener("TCP", 80),
    ),
    "SC-NLB-2": Example(
        compliant="Resources:\n" + _NLB.format(attributes=_NLB_LOGS) + _nlb_listener("TLS", 443),
        non_compliant="Resources:\n" + _NLB.format(attributes="") + _nlb_listener("TCP", 443),
    ),
    "SC-NLB-3": Example(
        compliant="Resources:\n" + _NLB.format(attributes=_NLB_LOGS) + _nlb_listener("TLS", 443),
        non_compliant="Resources:\n" + _NLB.format(attributes="") + _nlb_listener("TLS", 443),
    ),
}
