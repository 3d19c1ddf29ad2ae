"""The hardened settings of SecureVpc: subnets, endpoints, flow-log access, default group.

Each function returns fresh values (or wires one thing); SecureVpc only validates and
connects them.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from secure_constructs._defaults import declare_guarantee, enforce_rules
from secure_constructs._defaults.ec2 import declare_ingress_ports, declare_restricted_egress
from secure_constructs._defaults.iam import ManagedPolicyRole
from secure_constructs._defaults.logs import encrypted_log_group

#: Port every AWS interface endpoint listens on.
ENDPOINT_PORT = 443
#: The construct id CDK gives the stack-wide provider that closes default security groups.
RESTRICT_DEFAULT_SG_PROVIDER = "Custom::VpcRestrictDefaultSGCustomResourceProvider"
#: The subnet group names (``vpc.select_subnets(subnet_group_name=...)``).
PUBLIC_GROUP = "Public"
PRIVATE_GROUP = "Private"
ISOLATED_GROUP = "Isolated"

FLOW_LOGS_SERVICE = "vpc-flow-logs.amazonaws.com"
LOG_DELIVERY_SERVICE = "delivery.logs.amazonaws.com"


def subnet_configuration(*, public: bool, nat_gateways: int) -> list[ec2.SubnetConfiguration]:
    """The subnet groups: public only when asked, an application tier and a data tier.

    The application tier (``Private``) has a route to the internet through the NAT
    gateways when there are any (``PRIVATE_WITH_EGRESS``); without NAT gateways it is
    ``PRIVATE_ISOLATED`` and reaches AWS through the VPC endpoints only. The data tier
    (``Isolated``) never has a route out. No subnet maps public IPs on launch (SC-EC2-6):
    load balancers and NAT gateways get their addresses regardless.
    """
    groups = []
    if public:
        groups.append(
            ec2.SubnetConfiguration(
                name=PUBLIC_GROUP,
                subnet_type=ec2.SubnetType.PUBLIC,
                map_public_ip_on_launch=False,
            )
        )
    groups += [
        ec2.SubnetConfiguration(
            name=PRIVATE_GROUP,
            subnet_type=(
                ec2.SubnetType.PRIVATE_WITH_EGRESS
                if nat_gateways
                else ec2.SubnetType.PRIVATE_ISOLATED
            ),
        ),
        ec2.SubnetConfiguration(name=ISOLATED_GROUP, subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
    ]
    return groups


def declare_no_public_ips(subnets: Sequence[ec2.ISubnet]) -> None:
    """``MapPublicIpOnLaunch`` false stays false: SC-EC2-6 is an error on these subnets."""
    for subnet in subnets:
        resource = subnet.node.default_child
        assert isinstance(resource, ec2.CfnSubnet)  # noqa: S101 - a subnet of ec2.Vpc
        enforce_rules(resource, "SC-EC2-6")


def restrict_gateway_endpoint(
    scope: Construct,
    endpoint: ec2.GatewayVpcEndpoint,
    service: ec2.GatewayVpcEndpointAwsService,
) -> None:
    """Give *endpoint* its policy; deleting it or leaving the resource perimeter is an error.

    SC-VPCE-2 (no policy) and SC-VPCE-3 (a statement on every resource without an
    ``aws:ResourceAccount`` condition) are warnings elsewhere, errors on these endpoints.
    """
    for statement in gateway_endpoint_statements(scope, service):
        endpoint.add_to_policy(statement)
    enforce_rules(endpoint, "SC-VPCE-2", "SC-VPCE-3")


def gateway_endpoint_statements(
    scope: Construct, service: ec2.GatewayVpcEndpointAwsService
) -> list[iam.PolicyStatement]:
    """The endpoint policy of a gateway endpoint: this account's buckets or tables only.

    ``aws:ResourceAccount`` stops the endpoint from being the way out to another account's
    bucket or table (SC-VPCE-1, SC-VPCE-3). The S3 policy also lets images be pulled from
    ECR, whose layers are objects of an AWS-owned bucket (``prod-<region>-starport-layer-
    bucket``); add statements for other AWS-owned buckets (package repositories, SSM agent
    updates) with ``endpoint.add_to_policy(...)``.
    """
    stack = cdk.Stack.of(scope)
    prefix = "s3" if is_s3(service) else "dynamodb"
    statements = [
        iam.PolicyStatement(
            sid="OwnAccountResourcesOnly",
            principals=[iam.AnyPrincipal()],
            actions=[f"{prefix}:*"],
            resources=["*"],
            conditions={"StringEquals": {"aws:ResourceAccount": stack.account}},
        )
    ]
    if prefix == "s3":
        statements.append(
            iam.PolicyStatement(
                sid="EcrImageLayers",
                principals=[iam.AnyPrincipal()],
                actions=["s3:GetObject"],
                resources=[
                    f"arn:{stack.partition}:s3:::prod-{stack.region}-starport-layer-bucket/*"
                ],
            )
        )
    return statements


def is_s3(service: ec2.GatewayVpcEndpointAwsService) -> bool:
    """Whether *service* is the S3 gateway service (the other one is DynamoDB)."""
    return service.name.endswith(".s3")


def endpoint_security_group(
    scope: Construct, construct_id: str, vpc: ec2.IVpc, cidr: str
) -> ec2.SecurityGroup:
    """The interface endpoints' group: HTTPS from the VPC's own range in, nothing out.

    *cidr* is the VPC's range, a literal where known (scanners cannot read a GetAtt).
    Declared (SC-NET-3: TCP 443 only; SC-NET-1: nothing to the internet), so widening it
    with an escape hatch fails synthesis.
    """
    group = ec2.SecurityGroup(
        scope,
        construct_id,
        vpc=vpc,
        description="Interface VPC endpoints: HTTPS from the VPC only",
        allow_all_outbound=False,
    )
    group.add_ingress_rule(
        ec2.Peer.ipv4(cidr),
        ec2.Port.tcp(ENDPOINT_PORT),
        "HTTPS to the AWS APIs from inside the VPC",
    )
    declare_ingress_ports(group, ENDPOINT_PORT)
    declare_restricted_egress(group, world_ports=())
    return group


def flow_log_role(scope: Construct, construct_id: str) -> ManagedPolicyRole:
    """The role VPC Flow Logs assumes, for this account's flow logs only (confused deputy)."""
    stack = cdk.Stack.of(scope)
    return ManagedPolicyRole(
        scope,
        construct_id,
        assumed_by=iam.ServicePrincipal(
            FLOW_LOGS_SERVICE,
            conditions={
                "StringEquals": {"aws:SourceAccount": stack.account},
                "ArnLike": {
                    "aws:SourceArn": stack.format_arn(
                        service="ec2", resource="vpc-flow-log", resource_name="*"
                    )
                },
            },
        ),
        description=f"Writes the flow logs of {scope.node.path} to its log group",
    )


def allow_bucket_delivery(bucket: s3.IBucket, prefix: str | None) -> bool:
    """Let log delivery of this account write flow logs into *bucket* (bucket policy).

    VPC Flow Logs adds these statements itself when the flow log is created, but the
    stack's ``AWS::S3::BucketPolicy`` replaces them on its next update and delivery stops;
    so they are part of the template, scoped by ``aws:SourceAccount`` and
    ``aws:SourceArn`` (SC-IAM-4). Returns whether they were added (an imported bucket's
    policy is not ours).
    """
    stack = cdk.Stack.of(bucket)
    folder = f"{prefix.rstrip('/')}/" if prefix else ""
    conditions = {
        "StringEquals": {"aws:SourceAccount": stack.account},
        "ArnLike": {"aws:SourceArn": stack.format_arn(service="logs", resource="*")},
    }
    principal = iam.ServicePrincipal(LOG_DELIVERY_SERVICE)
    write = bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AWSLogDeliveryWrite",
            principals=[principal],
            actions=["s3:PutObject"],
            resources=[bucket.arn_for_objects(f"{folder}AWSLogs/{stack.account}/*")],
            conditions={
                **conditions,
                "StringEquals": {
                    **conditions["StringEquals"],
                    "s3:x-amz-acl": "bucket-owner-full-control",
                },
            },
        )
    )
    check = bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AWSLogDeliveryAclCheck",
            principals=[principal],
            actions=["s3:GetBucketAcl", "s3:ListBucket"],
            resources=[bucket.bucket_arn],
            conditions=conditions,
        )
    )
    return bool(write.statement_added and check.statement_added)


def allow_log_delivery(key: kms.IKey) -> bool:
    """Let log delivery encrypt flow logs into an S3 bucket with *key*, for this account.

    S3 flow logs are written by ``delivery.logs.amazonaws.com``, which needs the bucket's
    key in the key policy (an IAM grant cannot reach a service principal). Returns
    whether the statement was added (an imported key's policy is not ours).
    """
    stack = cdk.Stack.of(key)
    result = key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowVpcFlowLogDeliveryOfThisAccount",
            principals=[iam.ServicePrincipal(LOG_DELIVERY_SERVICE)],
            actions=[
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:DescribeKey",
            ],
            resources=["*"],
            conditions={
                "StringEquals": {"aws:SourceAccount": stack.account},
                "ArnLike": {"aws:SourceArn": stack.format_arn(service="logs", resource="*")},
            },
        ),
        allow_no_op=True,
    )
    return bool(result.statement_added)


def declare_default_security_group_closed(vpc: ec2.Vpc) -> None:
    """Record that the VPC's default security group is emptied by CDK's custom resource.

    No rule reads this yet (see the SecureVpc report); it names the promise so a rule can
    hold the template to it.
    """
    declare_guarantee(vpc, "defaultSecurityGroupClosed", True)


def harden_default_sg_provider(
    stack: cdk.Stack, *, encryption_key: kms.IKey, removal_policy: cdk.RemovalPolicy
) -> Construct | None:
    """Give CDK's default-security-group handler a log group and tracing, once per stack.

    ``restrict_default_security_group=True`` deploys one CDK provider function per stack;
    as CDK builds it, Lambda would create ``/aws/lambda/<name>`` unencrypted and kept
    forever (SC-LAMBDA-7) and trace nothing (SC-LAMBDA-6). The first SecureVpc of the stack
    adds an encrypted, expiring log group (``<provider>/LogGroup``) and active tracing
    with the X-Ray permissions it needs. Returns the provider, or None if there is none.
    """
    provider = stack.node.try_find_child(RESTRICT_DEFAULT_SG_PROVIDER)
    if not isinstance(provider, Construct):
        return None
    if provider.node.try_find_child("LogGroup") is not None:
        return provider
    handler = provider.node.find_child("Handler")
    assert isinstance(handler, cdk.CfnResource)  # noqa: S101 - CDK builds it so
    group = encrypted_log_group(
        provider, "LogGroup", encryption_key=encryption_key, removal_policy=removal_policy
    )
    handler.add_property_override("LoggingConfig.LogGroup", group.log_group_name)
    handler.add_property_override("TracingConfig.Mode", "Active")
    role = provider.node.find_child("Role")
    assert isinstance(role, cdk.CfnResource)  # noqa: S101 - CDK builds it so
    # CDK also writes DependsOn the role, which the GetAtt of its ARN already implies
    # (cfn-lint W3005).
    handler.remove_resource_dependency(role)
    provider.add_to_role_policy(  # type: ignore[attr-defined]
        {
            "Effect": "Allow",
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "Resource": "*",
        }
    )
    return provider


def literal_cidr(ip_addresses: ec2.IIpAddresses | None) -> str | None:
    """The VPC's IPv4 range as a literal, or None when only the deployment knows it (IPAM)."""
    if ip_addresses is None:
        return str(ec2.Vpc.DEFAULT_CIDR_RANGE)
    cidr = ip_addresses.allocate_vpc_cidr().cidr_block
    return cidr if isinstance(cidr, str) and not cdk.Token.is_unresolved(cidr) else None
