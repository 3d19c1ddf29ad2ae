"""The sample app's stacks: the whole mission, from the account baseline to the edge.

Five stacks in one account and region (``REGION``, us-east-1: CloudFront's WebACL, viewer
certificate and access-log delivery exist only there, so the edge stack lives beside the
others without cross-region references):

* ``SecureBaseline``: SecurityBaseline (trail, GuardDuty, Security Hub, Config, alarms);
* ``SecureData``: SecureVpc and the stores (uploads SecureBucket notifying a SecureQueue,
  a SecureTable index, the orders SecureDatabase);
* ``SecureWeb``: the SecureAlbService web tier; ``SecureWorker``: a SecureFunction fed by
  the queue; ``SecureEdge``: a SecureDistribution in front of the web tier.

Every permission is granted on the consumer's side (web and worker stacks) with exactly
the actions used, so the data stack never depends on its clients. Only the public API is
used: ``from secure_constructs import ...``. See docs/sample-app.md.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from constructs import Construct

from sample_app import acknowledgments as ack
from secure_constructs import (
    DomainOptions,
    SecureAlbService,
    SecureBucket,
    SecureDatabase,
    SecureDistribution,
    SecureFunction,
    SecureQueue,
    SecureTable,
    SecureVpc,
    SecurityBaseline,
    WafOptions,
)

#: Where the sample app deploys. us-east-1 because CloudFront accepts its WebACL, its
#: viewer certificate and its access-log delivery only there.
REGION = "us-east-1"
#: The public name viewers use (CloudFront) and the name CloudFront reaches the load
#: balancer by (the ALB's certificate must cover it, so it cannot be the ELB DNS name).
APP_DOMAIN = "app.example.com"
ORIGIN_DOMAIN = "origin.example.com"
ZONE_NAME = "example.com"
HOSTED_ZONE_ID = "Z0123456789ABCDEFGHIJ"
#: A clearly fake us-east-1 certificate covering both names, so the sample synthesizes
#: offline and never waits on DNS validation; deploying needs a real one.
CERTIFICATE_ARN = (
    "arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
)
#: The web tier's image: a private ECR repository of the account, pinned by tag.
WEB_REPOSITORY = "secure-constructs-sample-web"
WEB_IMAGE_TAG = "1.0.0"
#: Where users' uploads go in the uploads bucket; the only prefix that notifies the queue.
UPLOADS_PREFIX = "uploads/"
#: The database users the tiers sign in as with IAM authentication (no password).
WEB_DB_USER = "web"

#: The worker, inline so the sample needs no build step: for every uploaded object the
#: queue delivers, read its size and record it in the table.
WORKER_CODE = """
import json
import os
import urllib.parse

import boto3

_s3 = boto3.client("s3")
_table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    for message in event["Records"]:
        for record in json.loads(message["body"]).get("Records", []):
            bucket = record["s3"]["bucket"]["name"]
            key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
            head = _s3.head_object(Bucket=bucket, Key=key)
            _table.put_item(Item={"key": key, "size": head["ContentLength"]})
"""

#: cdk-nag's packs that ask for what a public subnet is defined by (a route to the IGW).
COMPLIANCE_PACKS = ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")


class BaselineStack(cdk.Stack):
    """The account and region baseline: CloudTrail, GuardDuty, Security Hub, Config, alarms."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.baseline = SecurityBaseline(self, "Baseline")
        # SecurityBaseline acknowledges this finding as cdk-nag renders it in a stack
        # without a region; with one, cdk-nag renders the partition and region literally.
        role, log_group = self.baseline.trail_logs_role, self.baseline.trail_log_group
        if role is None or log_group is None:  # pragma: no cover - the trail is on
            raise TypeError("expected the baseline's trail")
        policy = role.node.find_child("Policy").node.default_child
        group = log_group.node.default_child
        if not isinstance(policy, cdk.CfnResource) or not isinstance(group, cdk.CfnElement):
            raise TypeError("unexpected shape of the baseline's trail logs")  # pragma: no cover
        account = "<AWS::AccountId>"
        ack.cdk_nag(
            policy,
            [
                f"AwsSolutions-IAM5[Resource::arn:{self.partition}:logs:{self.region}:{account}"
                f":log-group:<{self.get_logical_id(group)}>:log-stream:"
                f"{account}_CloudTrail_*]"
            ],
            "CloudTrail names one log stream per source region (<account>_CloudTrail_<region>) "
            "and the trail is multi-region: the streams cannot be listed in advance.",
        )


class DataStack(cdk.Stack):
    """The three-tier VPC and where data lives: uploads, their queue, the index, the orders db.

    Public subnets hold only the web tier's load balancer and the NAT gateway, private
    subnets the web tasks and the worker, isolated subnets the database, whose password
    rotation reaches Secrets Manager through an interface endpoint. An object written under
    ``uploads/`` notifies the queue (S3 event notification); the queue's key policy lets S3
    of this account encrypt for this bucket only.

    The VPC lives here, with the database, because SecureDatabase connects its rotation
    function to the endpoint with a rule on the endpoint's security group: with the VPC in
    a stack of its own, that rule would make the two stacks depend on each other.
    """

    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.vpc = SecureVpc(
            self,
            "Vpc",
            nat_gateways=1,  # the tasks pull images and ship logs through it
        )
        for subnet in self.vpc.public_subnets:
            ack.cdk_nag(
                subnet,
                [f"{pack}-VPCNoUnrestrictedRouteToIGW" for pack in COMPLIANCE_PACKS],
                "A public subnet is defined by its default route to the internet gateway; "
                "only the web tier's load balancer and the NAT gateway live here.",
            )
        secrets_endpoint = self.vpc.add_interface_endpoint(
            "SecretsManager", service=ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER
        )
        self.uploads = SecureBucket(self, "Uploads")
        # A consumer needs at least 6x its function's timeout (30 s) of visibility.
        self.upload_events = SecureQueue(
            self, "UploadEvents", visibility_timeout=cdk.Duration.minutes(3)
        )
        self.uploads.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.SqsDestination(self.upload_events),
            s3.NotificationKeyFilter(prefix=UPLOADS_PREFIX),
        )
        # (SecureBucket gives CDK's notifications function its encrypted logs and tracing.)
        self.index = SecureTable(
            self,
            "UploadIndex",
            partition_key=dynamodb.Attribute(name="key", type=dynamodb.AttributeType.STRING),
        )
        self.orders = SecureDatabase(
            self,
            "Orders",
            vpc=self.vpc,  # type: ignore[arg-type]  # SecureVpc is an ec2.IVpc (see report)
            default_database_name="orders",
            secrets_manager_endpoint=secrets_endpoint,
        )


class WebStack(cdk.Stack):
    """The web tier: HTTPS-only Fargate service behind a WAF, in the private subnets.

    It may put objects under ``uploads/`` (nothing else of the bucket), read the index
    table and sign in to the orders database with IAM authentication over TLS.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        data: DataStack,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        repository = ecr.Repository.from_repository_name(self, "Repository", WEB_REPOSITORY)
        self.web = SecureAlbService(
            self,
            "Web",
            vpc=data.vpc,  # type: ignore[arg-type]  # SecureVpc is an ec2.IVpc (see report)
            image=ecs.ContainerImage.from_ecr_repository(repository, WEB_IMAGE_TAG),
            certificate=acm.Certificate.from_certificate_arn(self, "Certificate", CERTIFICATE_ARN),
            domain=DomainOptions(
                domain_name=ORIGIN_DOMAIN, hosted_zone_id=HOSTED_ZONE_ID, zone_name=ZONE_NAME
            ),
            environment={
                "UPLOADS_BUCKET": data.uploads.bucket_name,
                "UPLOADS_PREFIX": UPLOADS_PREFIX,
                "TABLE_NAME": data.index.table_name,
                "DB_USER": WEB_DB_USER,
                **data.orders.connection_environment(),
            },
            # Uploads are request bodies beyond the core rule set's 8 KB limit: that one
            # rule only counts; every other rule of the group still blocks.
            waf=WafOptions(
                count_only_rules={"AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",)}
            ),
        )
        # Least privilege, each grant on this side: the drop-ins are passed directly.
        # Exactly the actions the tier calls (CDK's grant_put/grant_read_data would add
        # s3:Abort*, kms:ReEncrypt*, kms:GenerateDataKey*, dynamodb:Scan...).
        grant(self.web, ["s3:PutObject"], [data.uploads.arn_for_objects(f"{UPLOADS_PREFIX}*")])
        grant(self.web, ["kms:GenerateDataKey"], [data.uploads.encryption_key.key_arn])
        grant(self.web, ["dynamodb:GetItem", "dynamodb:Query"], [data.index.table_arn])
        grant(self.web, ["kms:Decrypt"], [data.index.encryption_key.key_arn])
        accept_object_wildcard(self.web.task_role.policy, data.uploads, "put")
        # The rule is made from the web side (SecureDatabase.allow_from would put it in the
        # data stack, which would then depend on this one).
        self.web.connections.allow_to(
            data.orders, ec2.Port.tcp(data.orders.port), "Web tier to the orders database"
        )
        data.orders.grant_connect(self.web, db_user=WEB_DB_USER)
        cdk.CfnOutput(self, "OriginUrl", value=self.web.url)


class WorkerStack(cdk.Stack):
    """The worker: a SecureFunction fed by the upload queue, recording each upload."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        data: DataStack,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.worker = SecureFunction(
            self,
            "Worker",
            code=lambda_.Code.from_inline(WORKER_CODE),
            handler="index.handler",
            runtime=lambda_.Runtime.PYTHON_3_14,
            # The private tier: S3 and DynamoDB through the gateway endpoints.
            vpc=data.vpc,  # type: ignore[arg-type]  # SecureVpc is an ec2.IVpc (see report)
            environment={"TABLE_NAME": data.index.table_name},
        )
        # The event source grants receive/delete and the queue key's decrypt.
        self.worker.add_event_source(
            event_sources.SqsEventSource(data.upload_events, batch_size=10)
        )
        grant(self.worker, ["s3:GetObject"], [data.uploads.arn_for_objects(f"{UPLOADS_PREFIX}*")])
        grant(self.worker, ["kms:Decrypt"], [data.uploads.encryption_key.key_arn])
        grant(self.worker, ["dynamodb:PutItem"], [data.index.table_arn])
        grant(
            self.worker, ["kms:Decrypt", "kms:GenerateDataKey"], [data.index.encryption_key.key_arn]
        )
        accept_object_wildcard(self.worker.role.policy, data.uploads, "read")


class EdgeStack(cdk.Stack):
    """CloudFront in front of the web tier: HTTPS, TLS 1.2+, a CLOUDFRONT WebACL, logs."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.distribution = SecureDistribution(
            self,
            "Cdn",
            origin=ORIGIN_DOMAIN,  # the web tier's alias record (its certificate covers it)
            certificate=acm.Certificate.from_certificate_arn(self, "Certificate", CERTIFICATE_ARN),
            domain_names=[APP_DOMAIN],
            default_root_object=None,  # an application, not a static site
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            content_security_policy="default-src 'self'",
        )
        cdk.CfnOutput(self, "Url", value=f"https://{APP_DOMAIN}")


def grant(grantee: iam.IGrantable, actions: list[str], resources: list[str]) -> iam.Grant:
    """Allow *actions* on *resources* to *grantee* (a Secure* construct passed directly)."""
    return iam.Grant.add_to_principal(grantee=grantee, actions=actions, resource_arns=resources)


def accept_object_wildcard(
    policy: iam.IManagedPolicy | None, uploads: SecureBucket, verb: str
) -> None:
    """The one wildcard of a tier's policy: users name their uploads, so ``uploads/*``.

    cdk-nag names the resource by the export the tier's stack imports the bucket's ARN
    from, so the acknowledgment asks the bucket's stack for that export's name.
    """
    resource = policy.node.default_child if isinstance(policy, iam.ManagedPolicy) else None
    if not isinstance(resource, cdk.CfnResource):
        raise TypeError("expected the role's managed policy")  # pragma: no cover
    owner = cdk.Stack.of(uploads)
    export = owner.resolve(owner.export_value(uploads.bucket_arn))["Fn::ImportValue"]
    ack.cdk_nag(
        resource,
        [f"AwsSolutions-IAM5[Resource::{export}/{UPLOADS_PREFIX}*]"],
        f"Users name their uploads, so this tier may {verb} any object under {UPLOADS_PREFIX} "
        "(and nothing else of the bucket); the names cannot be listed in advance.",
    )


class InsecureStack(cdk.Stack):
    """A deliberately weakened bucket, added with ``-c insecure=true`` to watch synth fail.

    It is weakened three ways, each one a guardrail must catch: an L2 prop (no
    versioning), a raw L1 value (SSE-S3) and escape-hatch overrides that remove the
    access logging and turn a Block Public Access flag off.
    """

    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        bucket = s3.Bucket(
            self,
            "Weakened",
            versioned=False,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        cfn = bucket.node.default_child
        if not isinstance(cfn, s3.CfnBucket):  # pragma: no cover - CDK always creates it
            raise TypeError("expected the bucket's CfnBucket")
        cfn.add_property_override("PublicAccessBlockConfiguration.BlockPublicAcls", False)
        cfn.add_property_deletion_override("LoggingConfiguration")
