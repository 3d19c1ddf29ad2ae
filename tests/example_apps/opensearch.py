"""OpenSearch: a small search domain for an application.

The shape of the OpenSearch domains in aws-cdk-examples and the blog posts that follow them:
a public ``opensearchservice.Domain`` on one small data node, destroyed with the stack, with
the defaults for encryption (none at rest, none between nodes, HTTPS not enforced), no fine-
grained access control, no logs, and an access policy that allows ``es:*`` to everyone so
that "it just works" from a laptop.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchservice as opensearch

from . import ACCOUNT, ENV, customer_key, encrypted_log_group, vpc_with_flow_logs

DOMAIN_NAME = "app-search"
#: The domain's ARN, spelled out so the access policy needs no reference to the domain.
DOMAIN_ARN = f"arn:aws:es:{ENV.region}:{ACCOUNT}:domain/{DOMAIN_NAME}"


def insecure(app: cdk.App, construct_id: str = "SearchInsecure") -> cdk.Stack:
    """The example as it is usually written."""
    stack = cdk.Stack(app, construct_id, env=ENV)
    opensearch.Domain(
        stack,
        "Domain",
        domain_name=DOMAIN_NAME,
        version=opensearch.EngineVersion.OPENSEARCH_2_11,
        capacity=opensearch.CapacityConfig(
            data_node_instance_type="t3.small.search",
            data_nodes=1,
            multi_az_with_standby_enabled=False,
        ),
        ebs=opensearch.EbsOptions(volume_size=10),
        removal_policy=cdk.RemovalPolicy.DESTROY,
        access_policies=[
            iam.PolicyStatement(
                actions=["es:*"],
                principals=[iam.AnyPrincipal()],
                resources=[f"{DOMAIN_ARN}/*"],
            )
        ],
    )
    return stack


def fixed(app: cdk.App, construct_id: str = "SearchFixed") -> cdk.Stack:
    """The same domain the secure way.

    In private subnets of a VPC with flow logs, encrypted at rest with a customer-managed
    key and between nodes, HTTPS only with TLS 1.2, fine-grained access control with an
    IAM master role, and application, audit and slow logs in an encrypted log group. No
    access policy: only IAM identities of the account that are granted ``es:ESHttp*`` can
    call it. The log group's resource policy for OpenSearch is declared here (instead of
    the custom resource the L2 would create) and is limited to this account's domain.
    """
    stack = cdk.Stack(app, construct_id, env=ENV)
    key = customer_key(stack, "Key")
    vpc = vpc_with_flow_logs(stack, "Vpc", key)
    domain_logs = encrypted_log_group(stack, "DomainLogs", key)
    logs.ResourcePolicy(
        stack,
        "DomainLogsPolicy",
        policy_statements=[
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("es.amazonaws.com")],
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[domain_logs.log_group_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {"aws:SourceArn": DOMAIN_ARN},
                },
            )
        ],
    )
    master = iam.Role(
        stack, "SearchAdmin", assumed_by=iam.AccountPrincipal(ACCOUNT), role_name="search-admin"
    )
    security_group = ec2.SecurityGroup(stack, "DomainSg", vpc=vpc, allow_all_outbound=False)
    security_group.add_ingress_rule(
        ec2.Peer.ipv4(vpc.vpc_cidr_block), ec2.Port.tcp(443), "HTTPS from the VPC"
    )
    opensearch.Domain(
        stack,
        "Domain",
        domain_name=DOMAIN_NAME,
        version=opensearch.EngineVersion.OPENSEARCH_2_11,
        capacity=opensearch.CapacityConfig(
            data_node_instance_type="t3.small.search",
            data_nodes=1,
            multi_az_with_standby_enabled=False,
        ),
        ebs=opensearch.EbsOptions(volume_size=10),
        vpc=vpc,
        vpc_subnets=[ec2.SubnetSelection(subnets=vpc.private_subnets[:1])],
        security_groups=[security_group],
        encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True, kms_key=key),
        node_to_node_encryption=True,
        enforce_https=True,
        tls_security_policy=opensearch.TLSSecurityPolicy.TLS_1_2,
        fine_grained_access_control=opensearch.AdvancedSecurityOptions(
            master_user_arn=master.role_arn
        ),
        logging=opensearch.LoggingOptions(
            app_log_enabled=True,
            app_log_group=domain_logs,
            audit_log_enabled=True,
            audit_log_group=domain_logs,
            slow_search_log_enabled=True,
            slow_search_log_group=domain_logs,
            slow_index_log_enabled=True,
            slow_index_log_group=domain_logs,
        ),
        suppress_logs_resource_policy=True,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    return stack
