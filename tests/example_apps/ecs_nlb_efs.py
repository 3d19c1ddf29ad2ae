"""ECS on Fargate behind a network load balancer, with an EFS file system for uploads.

The shape of aws-cdk-examples' ``ecs/fargate-service-with-efs`` and
``ecs/fargate-load-balanced-service``: the default VPC and cluster, an ``efs.FileSystem``
with the AWS managed key, no backups and a policy letting anyone mount through a mount
target, a Fargate task that mounts it without TLS and runs as root without logs, ECS Exec
turned on without logging, and ``NetworkLoadBalancedFargateService`` with its internet-
facing NLB on plain TCP 80.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ecs_patterns as ecs_patterns
from aws_cdk import aws_efs as efs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam

from . import (
    CERTIFICATE_ARN,
    ENV,
    access_log_bucket,
    customer_key,
    encrypted_log_group,
    vpc_with_flow_logs,
)

#: An image that serves on 8080 as the unprivileged user 101.
IMAGE = "public.ecr.aws/nginx/nginx-unprivileged:1.27"
CONTAINER_PORT = 8080


def insecure(app: cdk.App, construct_id: str = "EcsInsecure") -> cdk.Stack:
    """The example as it is usually written."""
    stack = cdk.Stack(app, construct_id, env=ENV)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
    cluster = ecs.Cluster(stack, "EcsCluster", vpc=vpc)
    file_system = efs.FileSystem(
        stack,
        "MyEfsFileSystem",
        vpc=vpc,
        encrypted=True,
        lifecycle_policy=efs.LifecyclePolicy.AFTER_14_DAYS,
        performance_mode=efs.PerformanceMode.GENERAL_PURPOSE,
        throughput_mode=efs.ThroughputMode.BURSTING,
    )
    file_system.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["elasticfilesystem:ClientMount"],
            principals=[iam.AnyPrincipal()],
            conditions={"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
        )
    )
    task = ecs.FargateTaskDefinition(stack, "MyTaskDefinition", memory_limit_mib=512, cpu=256)
    task.add_volume(
        name="uploads",
        efs_volume_configuration=ecs.EfsVolumeConfiguration(
            file_system_id=file_system.file_system_id
        ),
    )
    container = task.add_container(
        "web",
        image=ecs.ContainerImage.from_registry(IMAGE),
        port_mappings=[ecs.PortMapping(container_port=CONTAINER_PORT)],
    )
    container.add_mount_points(
        ecs.MountPoint(source_volume="uploads", container_path="/uploads", read_only=False)
    )
    service = ecs_patterns.NetworkLoadBalancedFargateService(
        stack,
        "Service",
        cluster=cluster,
        task_definition=task,
        desired_count=2,
        listener_port=80,
        public_load_balancer=True,
        enable_execute_command=True,
    )
    service.service.connections.allow_from_any_ipv4(ec2.Port.tcp(CONTAINER_PORT))
    file_system.grant_root_access(task.task_role.grant_principal)
    file_system.connections.allow_default_port_from(service.service.connections)
    return stack


def fixed(app: cdk.App, construct_id: str = "EcsFixed") -> cdk.Stack:
    """The same service the secure way.

    A VPC with flow logs; a cluster with Container Insights and ECS Exec sessions
    encrypted with a customer-managed key and logged; an EFS file system with the key,
    backups, and a policy that denies access without TLS; a task that mounts it over TLS
    with IAM authorization through an access point, runs as a non-root user on a read-only
    root filesystem and logs to an encrypted log group; the service in private subnets
    behind an internet-facing NLB whose only listener is TLS 443 with a TLS 1.2+ policy and
    access logs.
    """
    stack = cdk.Stack(app, construct_id, env=ENV)
    key = customer_key(stack, "Key")
    vpc = vpc_with_flow_logs(stack, "Vpc", key)
    exec_logs = encrypted_log_group(stack, "ExecLogs", key)
    cluster = ecs.Cluster(
        stack,
        "EcsCluster",
        vpc=vpc,
        container_insights_v2=ecs.ContainerInsights.ENABLED,
        execute_command_configuration=ecs.ExecuteCommandConfiguration(
            kms_key=key,
            logging=ecs.ExecuteCommandLogging.OVERRIDE,
            log_configuration=ecs.ExecuteCommandLogConfiguration(
                cloud_watch_log_group=exec_logs, cloud_watch_encryption_enabled=True
            ),
        ),
    )
    file_system = efs.FileSystem(
        stack,
        "MyEfsFileSystem",
        vpc=vpc,
        encrypted=True,
        kms_key=key,
        enable_automatic_backups=True,
        lifecycle_policy=efs.LifecyclePolicy.AFTER_14_DAYS,
        performance_mode=efs.PerformanceMode.GENERAL_PURPOSE,
        throughput_mode=efs.ThroughputMode.BURSTING,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    file_system.add_to_resource_policy(
        iam.PolicyStatement(
            effect=iam.Effect.DENY,
            actions=["*"],
            principals=[iam.AnyPrincipal()],
            conditions={"Bool": {"aws:SecureTransport": "false"}},
        )
    )
    uploads = file_system.add_access_point(
        "Uploads",
        path="/uploads",
        create_acl=efs.Acl(owner_uid="101", owner_gid="101", permissions="750"),
        posix_user=efs.PosixUser(uid="101", gid="101"),
    )
    task = ecs.FargateTaskDefinition(stack, "MyTaskDefinition", memory_limit_mib=512, cpu=256)
    task.add_volume(
        name="uploads",
        efs_volume_configuration=ecs.EfsVolumeConfiguration(
            file_system_id=file_system.file_system_id,
            transit_encryption="ENABLED",
            authorization_config=ecs.AuthorizationConfig(
                access_point_id=uploads.access_point_id, iam="ENABLED"
            ),
        ),
    )
    container = task.add_container(
        "web",
        image=ecs.ContainerImage.from_registry(IMAGE),
        port_mappings=[ecs.PortMapping(container_port=CONTAINER_PORT)],
        user="101",
        readonly_root_filesystem=True,
        logging=ecs.LogDrivers.aws_logs(
            stream_prefix="web", log_group=encrypted_log_group(stack, "WebLogs", key)
        ),
    )
    container.add_mount_points(
        ecs.MountPoint(source_volume="uploads", container_path="/uploads", read_only=False)
    )
    file_system.grant_read_write(task.task_role)
    service = ecs.FargateService(
        stack,
        "Service",
        cluster=cluster,
        task_definition=task,
        desired_count=2,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        enable_execute_command=True,
    )
    file_system.connections.allow_default_port_from(service.connections)
    lb_security_group = ec2.SecurityGroup(stack, "LbSg", vpc=vpc, allow_all_outbound=False)
    lb_security_group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS clients")
    lb = elbv2.NetworkLoadBalancer(
        stack,
        "Lb",
        vpc=vpc,
        internet_facing=True,
        security_groups=[lb_security_group],
    )
    lb.log_access_logs(access_log_bucket(stack, "AccessLogBucket"), prefix="nlb")
    listener = lb.add_listener(
        "Tls",
        port=443,
        protocol=elbv2.Protocol.TLS,
        certificates=[
            elbv2.ListenerCertificate.from_certificate_manager(
                acm.Certificate.from_certificate_arn(stack, "Certificate", CERTIFICATE_ARN)
            )
        ],
        ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
    )
    listener.add_targets("Web", port=CONTAINER_PORT, protocol=elbv2.Protocol.TCP, targets=[service])
    service.connections.allow_from(lb_security_group, ec2.Port.tcp(CONTAINER_PORT))
    return stack
