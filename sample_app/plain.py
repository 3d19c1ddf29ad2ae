"""The plain defaults twin: the sample app's architecture with aws-cdk-lib's L2 defaults.

Not part of the app ``cdk synth`` builds. The same stacks and wiring as
:mod:`sample_app.stacks`, each Secure* construct replaced by the L2 a user would write
with no option beyond what the wiring needs. docs/sample-app.md compares what our
guardrails, cdk-nag's four packs and checkov report on it (``sample_app.report``).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ecs_patterns as ecs_patterns
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sqs as sqs

from sample_app.stacks import (
    APP_DOMAIN,
    CERTIFICATE_ARN,
    ORIGIN_DOMAIN,
    REGION,
    UPLOADS_PREFIX,
    WEB_IMAGE_TAG,
    WEB_REPOSITORY,
    WORKER_CODE,
)

#: The twin's stacks, one per stack of the sample app.
STACKS = ("PlainBaseline", "PlainData", "PlainWeb", "PlainWorker", "PlainEdge")


def build_plain(app: cdk.App) -> cdk.App:
    """Add the twin's stacks to *app* (no guardrails: the caller judges them)."""
    env = cdk.Environment(region=REGION)
    baseline = cdk.Stack(app, "PlainBaseline", env=env)
    cloudtrail.Trail(baseline, "Trail")

    data = cdk.Stack(app, "PlainData", env=env)
    vpc = ec2.Vpc(data, "Vpc", nat_gateways=1)
    uploads = s3.Bucket(data, "Uploads")
    upload_events = sqs.Queue(data, "UploadEvents", visibility_timeout=cdk.Duration.minutes(3))
    uploads.add_event_notification(
        s3.EventType.OBJECT_CREATED,
        s3n.SqsDestination(upload_events),
        s3.NotificationKeyFilter(prefix=UPLOADS_PREFIX),
    )
    index = dynamodb.Table(
        data,
        "UploadIndex",
        partition_key=dynamodb.Attribute(name="key", type=dynamodb.AttributeType.STRING),
    )
    orders = rds.DatabaseCluster(
        data,
        "Orders",
        engine=rds.DatabaseClusterEngine.aurora_postgres(
            version=rds.AuroraPostgresEngineVersion.VER_17_9
        ),
        writer=rds.ClusterInstance.provisioned("Writer"),
        vpc=vpc,
        default_database_name="orders",
    )

    web_stack = cdk.Stack(app, "PlainWeb", env=env)
    repository = ecr.Repository.from_repository_name(web_stack, "Repository", WEB_REPOSITORY)
    web = ecs_patterns.ApplicationLoadBalancedFargateService(
        web_stack,
        "Web",
        vpc=vpc,
        certificate=acm.Certificate.from_certificate_arn(web_stack, "Certificate", CERTIFICATE_ARN),
        task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
            image=ecs.ContainerImage.from_ecr_repository(repository, WEB_IMAGE_TAG),
            container_port=8080,
        ),
    )
    uploads.grant_put(web.task_definition.task_role, f"{UPLOADS_PREFIX}*")
    index.grant_read_data(web.task_definition.task_role)
    web.service.connections.allow_to(orders, ec2.Port.tcp(5432), "Web tier to the orders db")
    orders.grant_connect(web.task_definition.task_role, "web")

    worker_stack = cdk.Stack(app, "PlainWorker", env=env)
    worker = lambda_.Function(
        worker_stack,
        "Worker",
        code=lambda_.Code.from_inline(WORKER_CODE),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_14,
        vpc=vpc,
        environment={"TABLE_NAME": index.table_name},
    )
    worker.add_event_source(event_sources.SqsEventSource(upload_events, batch_size=10))
    uploads.grant_read(worker, f"{UPLOADS_PREFIX}*")
    index.grant_write_data(worker)

    edge = cdk.Stack(app, "PlainEdge", env=env)
    cloudfront.Distribution(
        edge,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(origin=origins.HttpOrigin(ORIGIN_DOMAIN)),
        certificate=acm.Certificate.from_certificate_arn(edge, "Certificate", CERTIFICATE_ARN),
        domain_names=[APP_DOMAIN],
    )
    return app
