"""The construct configurations the mutation suite weakens: each built once, in one app.

A configuration is one stack holding one Secure* construct (and the scaffolding the
construct needs but does not own, such as a VPC). Mutants are derived only from the
resources at or below the construct's path; the scaffolding belongs to the test.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from aspects.assembly import load_assembly
from aspects.index import StackTemplate
from secure_constructs import SecureBucket
from secure_constructs.alb_service import SecureAlbService
from secure_constructs.database import DatabaseEngine, SecureDatabase
from secure_constructs.function import SecureFunction
from tests.test_alb_service import DOMAIN, certificate, image, network
from tests.test_database import isolated_vpc

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
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


@dataclass(frozen=True)
class Configuration:
    """One construct in one configuration: ``construct`` names the row of the report."""

    construct: str
    variant: str
    build: Callable[[cdk.Stack], Construct]

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
)
CONSTRUCTS: tuple[str, ...] = tuple(dict.fromkeys(c.construct for c in CONFIGURATIONS))


def new_stack(app: cdk.App, configuration: Configuration) -> cdk.Stack:
    """An empty stack for *configuration* in *app* (same name and environment as the suite)."""
    return cdk.Stack(app, configuration.stack_name, env=ENV)


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
