"""Generated CDK apps of a given size, spread over realistic stacks, for the benchmarks.

``build(app, resources)`` fills *app* with stacks of buckets, functions, queues, databases,
load balancers and a mix of them until the templates hold about *resources* CloudFormation
resources (the driver counts the real number from the synthesized templates). Stacks stay
well under CloudFormation's 500-resource limit. Configurations are what a careful team
writes with the L2 constructs (KMS keys, TLS-only policies, access logs, retention), so
the checkers have real work: relations between buckets, policies, keys and log groups.
"""

from __future__ import annotations

from collections.abc import Callable

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs

#: Every stack is bound to one account and region (ALB access logs need a region).
ENV = cdk.Environment(account="111111111111", region="eu-west-1")
ZONES = ("eu-west-1a", "eu-west-1b")

POSTGRES = rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_16)

#: Findings of rules that would need more machinery than a benchmark wants (secret
#: rotation Lambdas, WAF web ACLs): acknowledged on the stacks that have them, as a team
#: would while adopting.
ACKNOWLEDGED = {
    "SC-RDS-9": "benchmark app: master secret rotation is out of scope of a synthesis benchmark",
    "SC-ELB-3": "benchmark app: the WAF web ACL is out of scope of a synthesis benchmark",
}
#: Stack kind -> the acknowledged rules its resources need.
ACKNOWLEDGED_BY_KIND = {"Databases": ("SC-RDS-9",), "LoadBalancers": ("SC-ELB-3",)}

#: Resources per stack, at most (CloudFormation allows 500).
STACK_BUDGET = 250

#: (kind, share of the resources): the mix of stacks in every generated app.
MIX = (
    ("Buckets", 0.25),
    ("Functions", 0.25),
    ("Queues", 0.15),
    ("Databases", 0.15),
    ("LoadBalancers", 0.10),
    ("Mixed", 0.10),
)


class _Shared:
    """What the units of one stack share: a key, an access-log bucket, a VPC."""

    def __init__(self, stack: cdk.Stack) -> None:
        self.stack = stack
        self._key: kms.Key | None = None
        self._logs: s3.Bucket | None = None
        self._vpc: ec2.Vpc | None = None
        self._parameters: rds.ParameterGroup | None = None
        self._monitoring: iam.Role | None = None

    @property
    def key(self) -> kms.Key:
        if self._key is None:
            self._key = kms.Key(self.stack, "Key", enable_key_rotation=True)
        return self._key

    @property
    def log_bucket(self) -> s3.Bucket:
        if self._logs is None:
            self._logs = s3.Bucket(
                self.stack,
                "AccessLogs",
                encryption=s3.BucketEncryption.S3_MANAGED,
                enforce_ssl=True,
                minimum_tls_version=1.2,
                block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                versioned=True,
                object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
                lifecycle_rules=[
                    s3.LifecycleRule(noncurrent_version_expiration=cdk.Duration.days(90))
                ],
            )
        return self._logs

    @property
    def tls_parameters(self) -> rds.ParameterGroup:
        if self._parameters is None:
            self._parameters = rds.ParameterGroup(
                self.stack,
                "TlsOnly",
                engine=POSTGRES,
                parameters={
                    "rds.force_ssl": "1",
                    "log_connections": "1",
                    "log_disconnections": "1",
                },
            )
        return self._parameters

    @property
    def monitoring_role(self) -> iam.Role:
        if self._monitoring is None:
            self._monitoring = iam.Role(
                self.stack,
                "Monitoring",
                assumed_by=iam.ServicePrincipal("monitoring.rds.amazonaws.com"),
                managed_policies=[
                    iam.ManagedPolicy.from_aws_managed_policy_name(
                        "service-role/AmazonRDSEnhancedMonitoringRole"
                    )
                ],
            )
        return self._monitoring

    @property
    def vpc(self) -> ec2.Vpc:
        if self._vpc is None:
            self._vpc = ec2.Vpc(self.stack, "Vpc", availability_zones=list(ZONES), nat_gateways=1)
            group = logs.LogGroup(
                self.stack,
                "FlowLogs",
                retention=logs.RetentionDays.ONE_YEAR,
                encryption_key=self.key,
            )
            self._vpc.add_flow_log(
                "FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(group)
            )
        return self._vpc


def _bucket(shared: _Shared, i: int) -> None:
    s3.Bucket(
        shared.stack,
        f"Bucket{i}",
        encryption=s3.BucketEncryption.KMS,
        encryption_key=shared.key,
        bucket_key_enabled=True,
        versioned=True,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        server_access_logs_bucket=shared.log_bucket,
        server_access_logs_prefix=f"bucket{i}/",
    )


def _function(shared: _Shared, i: int) -> None:
    group = logs.LogGroup(
        shared.stack,
        f"Logs{i}",
        retention=logs.RetentionDays.ONE_YEAR,
        encryption_key=shared.key,
    )
    lambda_.Function(
        shared.stack,
        f"Function{i}",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return event\n"),
        log_group=group,
        environment_encryption=shared.key,
        tracing=lambda_.Tracing.ACTIVE,
    )


def _queue(shared: _Shared, i: int) -> None:
    dead = sqs.Queue(
        shared.stack,
        f"Dead{i}",
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=shared.key,
        enforce_ssl=True,
        retention_period=cdk.Duration.days(14),
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    sqs.Queue(
        shared.stack,
        f"Queue{i}",
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=shared.key,
        enforce_ssl=True,
        dead_letter_queue=sqs.DeadLetterQueue(queue=dead, max_receive_count=5),
    )


def _database(shared: _Shared, i: int) -> None:
    # RDS publishes logs under the identifier: a named instance lets the app create the
    # (encrypted, expiring) group before RDS would create it plain.
    identifier = f"{shared.stack.stack_name.lower()}-db{i}"
    group = logs.LogGroup(
        shared.stack,
        f"DatabaseLogs{i}",
        log_group_name=f"/aws/rds/instance/{identifier}/postgresql",
        retention=logs.RetentionDays.ONE_YEAR,
        encryption_key=shared.key,
    )
    database = rds.DatabaseInstance(
        shared.stack,
        f"Database{i}",
        instance_identifier=identifier,
        engine=POSTGRES,
        vpc=shared.vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        storage_encrypted=True,
        storage_encryption_key=shared.key,
        multi_az=True,
        deletion_protection=True,
        iam_authentication=True,
        credentials=rds.Credentials.from_generated_secret("postgres", encryption_key=shared.key),
        parameter_group=shared.tls_parameters,
        cloudwatch_logs_exports=["postgresql"],
        monitoring_interval=cdk.Duration.seconds(60),
        monitoring_role=shared.monitoring_role,
        backup_retention=cdk.Duration.days(14),
        delete_automated_backups=False,
    )
    database.node.add_dependency(group)
    # The generated secret itself (database.secret is its target attachment).
    secret = database.node.find_child("Secret")
    assert isinstance(secret, rds.DatabaseSecret)  # noqa: S101 - from_generated_secret
    secret.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
    secret.deny_account_root_delete()


def _load_balancer(shared: _Shared, i: int) -> None:
    alb = elbv2.ApplicationLoadBalancer(
        shared.stack,
        f"Alb{i}",
        vpc=shared.vpc,
        internet_facing=True,
        drop_invalid_header_fields=True,
    )
    alb.log_access_logs(shared.log_bucket, prefix=f"alb{i}")
    alb.add_listener(
        f"Http{i}",
        port=80,
        default_action=elbv2.ListenerAction.redirect(protocol="HTTPS", port="443", permanent=True),
    )


def _mixed(shared: _Shared, i: int) -> None:
    _bucket(shared, i)
    _function(shared, i)
    _queue(shared, i)


#: Kind -> (unit builder, resources one unit adds, resources the stack's shared parts add).
UNITS: dict[str, tuple[Callable[[_Shared, int], None], int, int]] = {
    "Buckets": (_bucket, 2, 4),
    "Functions": (_function, 4, 1),
    "Queues": (_queue, 4, 1),
    "Databases": (_database, 7, 24),
    "LoadBalancers": (_load_balancer, 3, 27),
    "Mixed": (_mixed, 10, 4),
}


def build(app: cdk.App, resources: int) -> list[cdk.Stack]:
    """Add stacks holding about *resources* resources to *app*; return them.

    *app* must be empty: server access logs are delivered through the log bucket's policy
    (the feature flag new CDK apps set), so its ACLs can stay disabled.
    """
    app.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)
    stacks: list[cdk.Stack] = []
    for kind, share in MIX:
        unit, per_unit, fixed = UNITS[kind]
        remaining = max(int(resources * share), per_unit + fixed)
        number = 0
        while remaining >= per_unit + fixed or number == 0:
            number += 1
            stack = cdk.Stack(app, f"{kind}{number}", env=ENV)
            for rule_id in ACKNOWLEDGED_BY_KIND.get(kind, ()):
                cdk.Validations.of(stack).acknowledge(
                    cdk.Acknowledgment(
                        id=f"SecureConstructs::{rule_id}", reason=ACKNOWLEDGED[rule_id]
                    )
                )
            stacks.append(stack)
            shared = _Shared(stack)
            budget = min(STACK_BUDGET, remaining) - fixed
            for i in range(max(1, budget // per_unit)):
                unit(shared, i)
            remaining -= min(STACK_BUDGET, remaining)
    return stacks


def plain_buckets(app: cdk.App, buckets: int, stacks: int = 10) -> list[cdk.Stack]:
    """Add *stacks* stacks holding *buckets* plain ``s3.Bucket``s in all to *app*.

    No option is set, so every bucket fails the same six S3 rules with the same messages
    (about 6 findings per bucket): the many-findings case of ``benchmarks.many_findings``.
    """
    out: list[cdk.Stack] = []
    for number in range(stacks):
        stack = cdk.Stack(app, f"Buckets{number}", env=ENV)
        out.append(stack)
        for i in range(number, buckets, stacks):
            s3.Bucket(stack, f"Bucket{i}")
    return out
