"""The sample app's stacks. It grows as constructs land (function, database, ALB service)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from secure_constructs import (
    SecureAlbService,
    SecureBucket,
    SecureDatabase,
    SecureFunction,
    WafOptions,
)
from secure_constructs._defaults.kms import customer_managed_key
from secure_constructs._defaults.logs import encrypted_log_group
from secure_constructs._scanners import accept_cdk_nag

#: The worker writes one report object; the bucket is versioned, so every run is kept.
REPORT_KEY = "reports/latest.json"

#: The worker's code, inline so the sample needs no build step. It reads the partner token
#: at run time (the function only ever sees the secret's ARN) and writes the report.
WORKER_CODE = """
import json
import os
import time

import boto3

_secrets = boto3.client("secretsmanager")
_s3 = boto3.client("s3")


def handler(event, context):
    token = _secrets.get_secret_value(SecretId=os.environ["API_TOKEN_SECRET_ARN"])
    report = {"generated_at": int(time.time()), "token_set": bool(token["SecretString"])}
    _s3.put_object(
        Bucket=os.environ["UPLOADS_BUCKET_NAME"],
        Key=os.environ["REPORT_KEY"],
        Body=json.dumps(report).encode(),
    )
    return report
"""

#: The cdk-nag 3 compliance packs the sample app is also checked with.
_COMPLIANCE_PACKS = ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")

#: Where the sample app deploys. ALB access logging needs the region at synthesis, and
#: stacks that share resources must share an environment. Change it to your region.
REGION = "eu-west-1"
#: A clearly fake certificate, so the sample synthesizes offline and never waits on DNS
#: validation; deploying needs the ARN of a real certificate of the account and region.
CERTIFICATE_ARN = (
    "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
)
#: The web tier's image: a private ECR repository of the account, pinned by tag.
WEB_REPOSITORY = "secure-constructs-sample-web"
WEB_IMAGE_TAG = "1.0.0"
#: Where the web tier may put and read user uploads in the uploads bucket.
UPLOADS_PREFIX = "uploads/"
#: The uploads bucket's ARN, exported by the storage stack under this name for the web
#: stack; the name is also how cdk-nag names the web tier's one wildcard (see WebStack).
UPLOADS_BUCKET_ARN_EXPORT = "SecureStorage-UploadsBucketArn"

_ROTATION_REASON = (
    "The partner issues and rotates this API token; the new value is written to the "
    "secret out of band, so no rotation function can produce it."
)


class StorageStack(cdk.Stack):
    """Uploads land in a SecureBucket."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.uploads = SecureBucket(self, "Uploads")
        cdk.CfnOutput(self, "UploadsBucketName", value=self.uploads.bucket_name)
        cdk.CfnOutput(
            self,
            "UploadsBucketArn",
            value=self.uploads.bucket_arn,
            export_name=UPLOADS_BUCKET_ARN_EXPORT,
        )


class DataStack(cdk.Stack):
    """The three-tier VPC; the orders database and its worker in the isolated subnets.

    Public subnets hold only the web tier's load balancer and the NAT gateway, private
    subnets the web tier's tasks (see WebStack). Nothing in the isolated subnets routes to
    or from the internet: the database, the rotation of its master password and the worker
    reach AWS only through VPC endpoints (Secrets Manager interface endpoint, S3 gateway
    endpoint).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        uploads: SecureBucket,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        isolated = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            # One NAT gateway for the web tier's tasks (image pulls, logs); the isolated
            # subnets have no route to it.
            nat_gateways=1,
            # CDK closes the default group with a custom-resource Lambda that the SC-LAMBDA
            # guardrails reject; nothing here uses the default group (see below).
            restrict_default_security_group=False,
            subnet_configuration=[
                # The web tier's load balancer and the NAT gateway. Neither needs the subnet
                # to hand out public IPs (ELB and the NAT's Elastic IP bring their own).
                ec2.SubnetConfiguration(
                    name="public",
                    subnet_type=ec2.SubnetType.PUBLIC,
                    cidr_mask=24,
                    map_public_ip_on_launch=False,
                ),
                # The web tier's tasks: outbound through the NAT gateway only.
                ec2.SubnetConfiguration(
                    name="app", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=24
                ),
                ec2.SubnetConfiguration(
                    name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ],
        )
        for subnet in self.vpc.public_subnets:
            accept_cdk_nag(
                subnet,
                [f"{pack}-VPCNoUnrestrictedRouteToIGW" for pack in _COMPLIANCE_PACKS],
                "A public subnet is defined by its default route to the internet gateway; "
                "only the web tier's load balancer and the NAT gateway live here.",
            )
        self._add_flow_log()
        for pack in _COMPLIANCE_PACKS:
            cdk.Validations.of(self.vpc).acknowledge(
                cdk.Acknowledgment(
                    id=f"{pack}::{pack}-VPCDefaultSecurityGroupClosed",
                    reason="Nothing in this VPC uses its default security group: the "
                    "database, its rotation function and the Secrets Manager endpoint each "
                    "have a group that admits only named peers.",
                )
            )
        self.secrets_endpoint = self.vpc.add_interface_endpoint(
            "SecretsManager",
            service=ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
            subnets=isolated,
            open=False,  # no VPC-wide ingress: each client is allowed by security group
        )
        self.orders = SecureDatabase(
            self,
            "Orders",
            vpc=self.vpc,
            default_database_name="orders",
            secrets_manager_endpoint=self.secrets_endpoint,
        )
        cdk.CfnOutput(self, "OrdersHost", value=self.orders.hostname)
        cdk.CfnOutput(self, "OrdersSecretArn", value=self.orders.secret.secret_arn)
        s3_endpoint = self.vpc.add_gateway_endpoint(
            "S3", service=ec2.GatewayVpcEndpointAwsService.S3, subnets=[isolated]
        )
        # Only this account's buckets through the endpoint (guardrail SC-VPCE-2): a stolen
        # credential cannot copy data out to a bucket of another account.
        s3_endpoint.add_to_policy(
            iam.PolicyStatement(
                principals=[iam.AnyPrincipal()],
                actions=["s3:*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:ResourceAccount": cdk.Aws.ACCOUNT_ID}},
            )
        )
        self._add_worker(uploads, isolated)

    def _add_worker(self, uploads: SecureBucket, isolated: ec2.SubnetSelection) -> None:
        """The worker: reads the partner token, writes a report, may connect to the database."""
        # The one secret: generated by Secrets Manager, replaced out of band with the real
        # token, encrypted with its own customer-managed key (SC-SECRETS-1/2).
        api_token = secretsmanager.Secret(
            self,
            "ApiToken",
            description="Partner API token used by the worker",
            encryption_key=customer_managed_key(
                self, "ApiTokenKey", description="Encrypts the partner API token"
            ),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        token_resource = api_token.node.default_child
        if not isinstance(token_resource, cdk.CfnResource):  # pragma: no cover
            raise TypeError("expected the secret's CfnSecret")
        for rule in (
            "AwsSolutions::AwsSolutions-SMG4",
            "NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled",
            "HIPAA.Security::HIPAA.Security-SecretsManagerRotationEnabled",
        ):  # cdk-nag's rotation rules, for when the app is also scanned with cdk-nag
            cdk.Validations.of(token_resource).acknowledge(
                cdk.Acknowledgment(id=rule, reason=_ROTATION_REASON)
            )

        self.worker = SecureFunction(
            self,
            "Worker",
            vpc=self.vpc,
            vpc_subnets=isolated,
            code=lambda_.Code.from_inline(WORKER_CODE),
            handler="index.handler",
            runtime=lambda_.Runtime.PYTHON_3_14,
            environment={
                "UPLOADS_BUCKET_NAME": uploads.bucket_name,
                "REPORT_KEY": REPORT_KEY,
                # host, port, TLS mode and the secret's ARN: never a password
                **self.orders.connection_environment(),
            },
            secrets={"API_TOKEN": api_token},  # the function gets API_TOKEN_SECRET_ARN
        )
        # Exactly the one object and the one key operation the worker needs: no wildcard.
        self.worker.add_to_role_policy(
            iam.PolicyStatement(
                sid="WriteTheReport",
                actions=["s3:PutObject"],
                resources=[uploads.bucket.arn_for_objects(REPORT_KEY)],
            )
        )
        self.worker.add_to_role_policy(
            iam.PolicyStatement(
                sid="EncryptTheReport",
                actions=["kms:GenerateDataKey"],
                resources=[uploads.encryption_key.key_arn],
            )
        )
        # The worker may reach the database (TLS, IAM auth as "worker") and the endpoint.
        self.orders.allow_from(self.worker.function)
        self.orders.grant_connect(self.worker.function, db_user="worker")
        self.secrets_endpoint.connections.allow_default_port_from(self.worker.function)

    def _add_flow_log(self) -> None:
        """Flow logs to a KMS-encrypted, expiring log group.

        The role's permissions are a customer-managed policy, not an inline one (which the
        NIST/HIPAA/PCI packs reject).
        """
        key = customer_managed_key(self, "FlowLogKey", description="Encrypts the VPC flow logs")
        group = encrypted_log_group(self, "FlowLogs", encryption_key=key)
        role = iam.Role(
            self,
            "FlowLogRole",
            assumed_by=iam.ServicePrincipal(
                "vpc-flow-logs.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": self.account}},
            ),
        )
        role.add_managed_policy(
            iam.ManagedPolicy(
                self,
                "FlowLogPolicy",
                statements=[
                    iam.PolicyStatement(
                        actions=[
                            "logs:CreateLogStream",
                            "logs:PutLogEvents",
                            "logs:DescribeLogStreams",
                        ],
                        resources=[group.log_group_arn],
                    )
                ],
            )
        )
        self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(
                group, role.without_policy_updates()
            ),
        )


class WebStack(cdk.Stack):
    """The web tier: a SecureAlbService in front of the orders database and the uploads.

    HTTPS only behind a WAF; the tasks run in the data stack's VPC (private subnets), read
    the database's secret at run time (so password rotation needs no redeploy) and may put
    and read objects under ``uploads/`` only. Every permission and security group rule is
    created here, on the web side, so the data and storage stacks never depend on this one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        orders: SecureDatabase,
        secrets_endpoint: ec2.InterfaceVpcEndpoint,
        uploads: SecureBucket,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        repository = ecr.Repository.from_repository_name(self, "Repository", WEB_REPOSITORY)
        self.web = SecureAlbService(
            self,
            "Web",
            vpc=vpc,
            image=ecs.ContainerImage.from_ecr_repository(repository, WEB_IMAGE_TAG),
            certificate=acm.Certificate.from_certificate_arn(self, "Certificate", CERTIFICATE_ARN),
            health_check_path="/healthz",
            scratch_paths=("/run/app",),
            # Host, port, TLS mode and the secret's ARN: references, never the password.
            environment={
                **orders.connection_environment(),
                "UPLOADS_BUCKET_NAME": uploads.bucket_name,
                "UPLOADS_PREFIX": UPLOADS_PREFIX,
            },
            # Uploads are request bodies beyond the core rule set's 8 KB limit: that one
            # rule only counts; every other rule of the group still blocks.
            waf=WafOptions(
                count_only_rules={"AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",)}
            ),
        )
        # The database's port, and the Secrets Manager endpoint (its private DNS name
        # serves the whole VPC, so the tasks' secret reads go there too).
        self.web.connections.allow_to(
            orders.connections, ec2.Port.tcp(orders.port), "Web tier to the orders database"
        )
        self.web.connections.allow_to(
            secrets_endpoint.connections, ec2.Port.tcp(443), "Web tier to Secrets Manager"
        )
        self._grant_database_secret(orders)
        self._grant_uploads(uploads)
        cdk.CfnOutput(self, "Url", value=self.web.url)

    def _grant_database_secret(self, orders: SecureDatabase) -> None:
        """Read the master secret, decrypted only through Secrets Manager.

        Statements of the task role rather than ``orders.grant_secret_read(self.web)``,
        which would also write the web role into the data stack's key policy (a cycle).
        """
        self.web.task_role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="ReadTheDatabaseSecret",
                actions=["secretsmanager:GetSecretValue"],
                resources=[orders.secret.secret_arn],
            )
        )
        self.web.task_role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="DecryptTheDatabaseSecret",
                actions=["kms:Decrypt"],
                resources=[orders.encryption_key.key_arn],
                conditions={
                    "StringEquals": {
                        "kms:ViaService": f"secretsmanager.{self.region}.amazonaws.com"
                    }
                },
            )
        )

    def _grant_uploads(self, uploads: SecureBucket) -> None:
        """Put and read objects under ``uploads/``, with the key operations that takes."""
        bucket_arn = cdk.Fn.import_value(UPLOADS_BUCKET_ARN_EXPORT)
        self.web.task_role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="PutAndReadUploads",
                actions=["s3:PutObject", "s3:GetObject"],
                resources=[f"{bucket_arn}/{UPLOADS_PREFIX}*"],
            )
        )
        self.web.task_role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="EncryptAndDecryptUploads",
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=[uploads.encryption_key.key_arn],
            )
        )
        policy = self.web.task_role.policy
        if policy is None or not isinstance(policy.node.default_child, cdk.CfnResource):
            raise TypeError("expected the task role's managed policy")  # pragma: no cover
        accept_cdk_nag(
            policy.node.default_child,
            [f"AwsSolutions-IAM5[Resource::{UPLOADS_BUCKET_ARN_EXPORT}/{UPLOADS_PREFIX}*]"],
            "Users name their uploads, so the web tier may put and read any object under "
            "uploads/ (and nothing else of the bucket); the names cannot be listed in advance.",
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
