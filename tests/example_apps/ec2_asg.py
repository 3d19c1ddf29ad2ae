"""EC2 + Auto Scaling: web servers in an Auto Scaling group behind an application load balancer.

The shape of aws-cdk-examples' ``application-load-balancer`` and ``ec2-instance`` examples:
the default ``ec2.Vpc`` (no flow logs, public subnets that hand out public IPs), a launch
template with an SSH key pair and a security group open to SSH from anywhere, a root volume
declared without encryption and no IMDSv2, the group in the public subnets, and an
internet-facing ALB with a plain-HTTP listener on port 80 -- no WAF, no access logs.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_wafv2 as wafv2

from . import (
    AMI,
    CERTIFICATE_ARN,
    ENV,
    access_log_bucket,
    customer_key,
    vpc_with_flow_logs,
    web_acl,
)

USER_DATA = (
    "yum install -y httpd",
    "systemctl enable --now httpd",
    "echo '<h1>Hello from the Auto Scaling group</h1>' > /var/www/html/index.html",
)


def _user_data() -> ec2.UserData:
    user_data = ec2.UserData.for_linux()
    user_data.add_commands(*USER_DATA)
    return user_data


def insecure(app: cdk.App, construct_id: str = "AsgInsecure") -> cdk.Stack:
    """The example as it is usually written."""
    stack = cdk.Stack(app, construct_id, env=ENV)
    vpc = ec2.Vpc(stack, "VPC", max_azs=2)
    web = ec2.SecurityGroup(stack, "WebServerSg", vpc=vpc, allow_all_outbound=True)
    web.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22), "SSH from anywhere")
    template = ec2.LaunchTemplate(
        stack,
        "LaunchTemplate",
        instance_type=ec2.InstanceType("t3.micro"),
        machine_image=ec2.MachineImage.generic_linux(AMI),
        user_data=_user_data(),
        key_pair=ec2.KeyPair.from_key_pair_name(stack, "KeyPair", "my-key-pair"),
        security_group=web,
        role=iam.Role(stack, "InstanceRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com")),
        block_devices=[
            ec2.BlockDevice(device_name="/dev/xvda", volume=ec2.BlockDeviceVolume.ebs(8))
        ],
    )
    group = autoscaling.AutoScalingGroup(
        stack,
        "ASG",
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
        launch_template=template,
        min_capacity=1,
        max_capacity=3,
    )
    lb = elbv2.ApplicationLoadBalancer(stack, "LB", vpc=vpc, internet_facing=True)
    listener = lb.add_listener("Listener", port=80)
    listener.add_targets("Target", port=80, targets=[group])
    listener.connections.allow_default_port_from_any_ipv4("Open to the world")
    group.scale_on_request_count("AModestLoad", target_requests_per_minute=60)
    return stack


def fixed(app: cdk.App, construct_id: str = "AsgFixed") -> cdk.Stack:
    """The same web tier the secure way.

    A VPC with flow logs whose public subnets assign no public IPs; the group in the
    private subnets; a launch template that requires IMDSv2, encrypts the root volume with
    a customer-managed key, has no key pair (Session Manager instead of SSH) and detailed
    monitoring; an ALB that redirects HTTP to an HTTPS listener with a TLS 1.2+ policy,
    drops invalid headers, writes access logs and sits behind a WAF.
    """
    stack = cdk.Stack(app, construct_id, env=ENV)
    key = customer_key(stack, "Key")
    _let_auto_scaling_use(key)
    vpc = vpc_with_flow_logs(stack, "VPC", key)
    role = iam.Role(stack, "InstanceRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    role.add_managed_policy(
        iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
    )
    template = ec2.LaunchTemplate(
        stack,
        "LaunchTemplate",
        instance_type=ec2.InstanceType("t3.micro"),
        machine_image=ec2.MachineImage.generic_linux(AMI),
        user_data=_user_data(),
        role=role,
        security_group=ec2.SecurityGroup(stack, "WebServerSg", vpc=vpc),
        require_imdsv2=True,
        detailed_monitoring=True,
        block_devices=[
            ec2.BlockDevice(
                device_name="/dev/xvda",
                volume=ec2.BlockDeviceVolume.ebs(8, encrypted=True, kms_key=key),
            )
        ],
    )
    group = autoscaling.AutoScalingGroup(
        stack,
        "ASG",
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        launch_template=template,
        min_capacity=1,
        max_capacity=3,
    )
    lb = elbv2.ApplicationLoadBalancer(
        stack,
        "LB",
        vpc=vpc,
        internet_facing=True,
        drop_invalid_header_fields=True,
    )
    lb.log_access_logs(access_log_bucket(stack, "AccessLogBucket"), prefix="alb")
    lb.add_redirect()
    listener = lb.add_listener(
        "Listener",
        port=443,
        certificates=[
            elbv2.ListenerCertificate.from_certificate_manager(
                acm.Certificate.from_certificate_arn(stack, "Certificate", CERTIFICATE_ARN)
            )
        ],
        ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
    )
    listener.add_targets("Target", port=80, targets=[group])
    group.scale_on_request_count("AModestLoad", target_requests_per_minute=60)
    acl = web_acl(stack, "WebAcl", key)
    wafv2.CfnWebACLAssociation(
        stack, "WebAclAssociation", resource_arn=lb.load_balancer_arn, web_acl_arn=acl.attr_arn
    )
    return stack


def _let_auto_scaling_use(key: kms.Key) -> None:
    """Auto Scaling's service-linked role launches the instances: it needs the volume key."""
    stack = cdk.Stack.of(key)
    service_role = iam.ArnPrincipal(
        f"arn:aws:iam::{stack.account}:role/aws-service-role/autoscaling.amazonaws.com/"
        "AWSServiceRoleForAutoScaling"
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[service_role],
            actions=[
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:DescribeKey",
            ],
            resources=["*"],
        )
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[service_role],
            actions=["kms:CreateGrant"],
            resources=["*"],
            conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        )
    )
