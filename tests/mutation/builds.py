"""The construct configurations the mutation suite weakens: each built once, in one app.

A configuration is one stack holding one Secure* construct (and the scaffolding the
construct needs but does not own, such as a VPC, an origin bucket or an imported topic).
Mutants are derived only from the resources at or below the construct's path; the
scaffolding belongs to the test.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from constructs import Construct

from aspects.assembly import load_assembly
from aspects.index import StackTemplate
from secure_constructs import SecureBucket
from secure_constructs.alb_service import SecureAlbService, WafOptions
from secure_constructs.api import ApiDomain, CacheOptions, SecureApi, Throttle
from secure_constructs.baseline import (
    ConfigOptions,
    GuardDutyOptions,
    PasswordPolicyOptions,
    SecurityBaseline,
    SecurityHubOptions,
    TrailOptions,
)
from secure_constructs.database import DatabaseEngine, SecureDatabase
from secure_constructs.distribution import SecureDistribution
from secure_constructs.function import SecureFunction
from secure_constructs.queue import SecureQueue
from secure_constructs.table import SecureTable
from secure_constructs.topic import SecureTopic
from secure_constructs.vpc import SecureVpc
from tests.test_alb_service import DOMAIN, certificate, image, network
from tests.test_database import isolated_vpc

ACCOUNT = "111111111111"
REGION = "eu-west-1"
ENV = cdk.Environment(account=ACCOUNT, region=REGION)
INLINE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
PRIVATE_SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
#: The construct id every configuration uses: its resources sit below ``<stack>/<ID>``.
CONSTRUCT_ID = "Subject"


def _function(scope: Construct, **kwargs: object) -> SecureFunction:
    return SecureFunction(
        scope,
        CONSTRUCT_ID,
        code=INLINE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_14,
        **kwargs,
    )


def _function_full(stack: cdk.Stack) -> Construct:
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0a1b2c3d4e5f60000",
        availability_zones=["eu-west-1a", "eu-west-1b"],
        private_subnet_ids=PRIVATE_SUBNETS,
    )
    return _function(
        stack,
        vpc=vpc,
        environment={"STAGE": "prod", "REPORT_PREFIX": "reports/"},
        function_url_auth_type=lambda_.FunctionUrlAuthType.AWS_IAM,
        reserved_concurrent_executions=10,
    )


def _database(engine: DatabaseEngine | None) -> Callable[[cdk.Stack], Construct]:
    def build(stack: cdk.Stack) -> Construct:
        extra = {} if engine is None else {"engine": engine}
        return SecureDatabase(stack, CONSTRUCT_ID, vpc=isolated_vpc(stack), **extra)

    return build


def _alb(**kwargs: object) -> Callable[[cdk.Stack], Construct]:
    def build(stack: cdk.Stack) -> Construct:
        if "domain" not in kwargs:
            kwargs.setdefault("certificate", certificate(stack))
        return SecureAlbService(
            stack,
            CONSTRUCT_ID,
            vpc=network(stack),
            image=image(stack),
            **kwargs,
        )

    return build


def _queue(**kwargs: object) -> Callable[[cdk.Stack], Construct]:
    return lambda stack: SecureQueue(stack, CONSTRUCT_ID, **kwargs)


def _topic(**kwargs: object) -> Callable[[cdk.Stack], Construct]:
    return lambda stack: SecureTopic(stack, CONSTRUCT_ID, **kwargs)


PK = dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)


def _table(**kwargs: object) -> Callable[[cdk.Stack], Construct]:
    return lambda stack: SecureTable(stack, CONSTRUCT_ID, partition_key=PK, **kwargs)


def _vpc_full(stack: cdk.Stack) -> Construct:
    return SecureVpc(
        stack,
        CONSTRUCT_ID,
        public_subnets=True,
        nat_gateways=1,
        interface_endpoints=(
            ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
            ec2.InterfaceVpcEndpointAwsService.SSM,
        ),
    )


def _vpc_s3(stack: cdk.Stack) -> Construct:
    # The destination bucket is the test's (SecureBucket is mutated on its own).
    bucket = SecureBucket(stack, "FlowLogBucket")
    return SecureVpc(stack, CONSTRUCT_ID, flow_log_bucket=bucket, flow_log_prefix="vpc/")


API_CERTIFICATE = f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/1234abcd-12ab-34cd-56ef-12345678"
ALARM_TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:on-call"


def _api(full: bool) -> Callable[[cdk.Stack], Construct]:
    def build(stack: cdk.Stack) -> Construct:
        # Without an alarm topic SC-WAF-8 warns (nobody is paged): the default build names one.
        options: dict[str, object] = {
            "alarm_topic": sns.Topic.from_topic_arn(stack, "Alarms", ALARM_TOPIC)
        }
        if full:
            options |= {
                "stage_name": "v1",
                "throttle": Throttle(rate_limit=50, burst_limit=100),
                "method_throttles": {"/orders/POST": Throttle(rate_limit=5, burst_limit=10)},
                "cache": CacheOptions(size="1.6", ttl=cdk.Duration.minutes(10)),
                "domain": ApiDomain(
                    domain_name="api.example.com",
                    certificate=acm.Certificate.from_certificate_arn(
                        stack, "Certificate", API_CERTIFICATE
                    ),
                    hosted_zone=route53.HostedZone.from_hosted_zone_attributes(
                        stack,
                        "Zone",
                        hosted_zone_id="Z0123456789ABCDEFGHIJ",
                        zone_name="example.com",
                    ),
                ),
                "waf": WafOptions(rate_limit=1000),
                "client_certificate": True,
            }
        api = SecureApi(stack, CONSTRUCT_ID, authorizer=apigateway.AuthorizationType.IAM, **options)
        orders = api.root.add_resource("orders")
        orders.add_method("GET", apigateway.MockIntegration())
        orders.add_method("POST", apigateway.MockIntegration())
        return api

    return build


CDN_CERTIFICATE = (
    f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555"
)
ALB_ARN = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/api/0123456789abcdef"


def _distribution_s3(stack: cdk.Stack) -> Construct:
    return SecureDistribution(
        stack,
        CONSTRUCT_ID,
        origin=SecureBucket(stack, "Site"),
        certificate=acm.Certificate.from_certificate_arn(stack, "Certificate", CDN_CERTIFICATE),
        domain_names=["www.example.com"],
        content_security_policy="default-src 'self'",
    )


def _distribution_alb(stack: cdk.Stack) -> Construct:
    alb = elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
        stack,
        "Alb",
        load_balancer_arn=ALB_ARN,
        security_group_id="sg-0123456789abcdef0",
        load_balancer_dns_name="api-123.us-east-1.elb.amazonaws.com",
    )
    return SecureDistribution(
        stack,
        CONSTRUCT_ID,
        origin=alb,
        certificate=acm.Certificate.from_certificate_arn(stack, "Certificate", CDN_CERTIFICATE),
        domain_names=["api.example.com"],
        default_root_object=None,
        additional_behaviors={"/legacy/*": "legacy.example.com"},
    )


def _baseline_full(stack: cdk.Stack) -> Construct:
    return SecurityBaseline(
        stack,
        CONSTRUCT_ID,
        cloudtrail=TrailOptions(
            s3_data_events=True,
            lambda_data_events=True,
            insights=True,
            object_lock_mode="GOVERNANCE",
            object_lock_retention=cdk.Duration.days(365),
        ),
        guardduty=GuardDutyOptions(runtime_monitoring=True),
        security_hub=SecurityHubOptions(cis=True, cis_version="3.0.0"),
        config=ConfigOptions(delivery_prefix="config"),
        password_policy=PasswordPolicyOptions(minimum_password_length=20),
        alarm_emails=["security@example.com"],
        alarm_https_endpoints=["https://hooks.example.com/alarms"],
    )


@dataclass(frozen=True)
class Configuration:
    """One construct in one configuration: ``construct`` names the row of the report."""

    construct: str
    variant: str
    build: Callable[[cdk.Stack], Construct]
    #: The stack's Region (CloudFront's WebACLs and log delivery exist in us-east-1 only).
    region: str = REGION

    @property
    def env(self) -> cdk.Environment:
        return cdk.Environment(account=ACCOUNT, region=self.region)

    @property
    def stack_name(self) -> str:
        return f"{self.construct}-{self.variant}"

    @property
    def scope(self) -> str:
        """The construct path every mutated resource lies at or below."""
        return f"{self.stack_name}/{CONSTRUCT_ID}"


CONFIGURATIONS: tuple[Configuration, ...] = (
    Configuration("SecureBucket", "default", lambda s: SecureBucket(s, CONSTRUCT_ID)),
    Configuration("SecureFunction", "default", _function),
    Configuration("SecureFunction", "url-vpc-environment", _function_full),
    Configuration("SecureDatabase", "aurora-postgresql", _database(None)),
    Configuration("SecureDatabase", "aurora-mysql", _database(DatabaseEngine.aurora_mysql())),
    Configuration("SecureDatabase", "postgres", _database(DatabaseEngine.postgres())),
    Configuration("SecureAlbService", "internet-facing", _alb()),
    Configuration("SecureAlbService", "end-to-end-tls", _alb(domain=DOMAIN, end_to_end_tls=True)),
    Configuration("SecureAlbService", "internal", _alb(internet_facing=False)),
    Configuration("SecureQueue", "default", _queue()),
    Configuration(
        "SecureQueue",
        "fifo",
        _queue(fifo=True, queue_name="orders.fifo", content_based_deduplication=True),
    ),
    Configuration("SecureTopic", "default", _topic()),
    Configuration(
        "SecureTopic",
        "fifo",
        _topic(fifo=True, topic_name="orders.fifo", content_based_deduplication=True),
    ),
    Configuration("SecureTable", "default", _table()),
    Configuration(
        "SecureTable",
        "stream",
        _table(stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES, contributor_insights=True),
    ),
    Configuration("SecureVpc", "default", lambda s: SecureVpc(s, CONSTRUCT_ID)),
    Configuration("SecureVpc", "nat-interface-endpoints", _vpc_full),
    Configuration("SecureVpc", "s3-flow-logs", _vpc_s3),
    Configuration("SecureApi", "default", _api(full=False)),
    Configuration("SecureApi", "domain-cache", _api(full=True)),
    Configuration("SecureDistribution", "s3-origin", _distribution_s3, "us-east-1"),
    Configuration("SecureDistribution", "alb-origin", _distribution_alb, "us-east-1"),
    Configuration("SecurityBaseline", "default", lambda s: SecurityBaseline(s, CONSTRUCT_ID)),
    Configuration("SecurityBaseline", "everything-on", _baseline_full),
)
CONSTRUCTS: tuple[str, ...] = tuple(dict.fromkeys(c.construct for c in CONFIGURATIONS))


def new_stack(app: cdk.App, configuration: Configuration) -> cdk.Stack:
    """An empty stack for *configuration* in *app* (same name and environment as the suite)."""
    return cdk.Stack(app, configuration.stack_name, env=configuration.env)


def synthesize(
    configurations: tuple[Configuration, ...] = CONFIGURATIONS,
    customize: Callable[[Configuration, Construct], None] | None = None,
) -> dict[str, StackTemplate]:
    """Build every configuration in one fresh app, synthesize once, load the templates.

    *customize* runs on each built construct before synthesis (the escape-hatch tests use
    it). No guardrail Aspect is added: the suite judges the templates itself.
    """
    outdir = tempfile.mkdtemp(prefix="mutation-")
    app = cdk.App(outdir=outdir)
    for configuration in configurations:
        construct = configuration.build(new_stack(app, configuration))
        if customize is not None:
            customize(configuration, construct)
    app.synth()
    return {stack.stack_path: stack for stack in load_assembly(outdir)}
