"""SecureFunction: a Lambda function that answers the four questions by default."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from aspects.errors import Issue
from aspects.rules.awslambda import (
    DEPRECATED_RUNTIMES,
    RUNTIMES_REVIEWED,
    SUPPORTED_RUNTIMES,
    supported_in_family,
)
from aspects.settings import DEFAULT as DEFAULT_THRESHOLDS
from secure_constructs._defaults import awslambda as defaults
from secure_constructs._defaults import cfn_resource, declare_guarantee, enforce_rules
from secure_constructs._defaults.ec2 import egress_only_security_group
from secure_constructs._defaults.iam import ManagedPolicyRole
from secure_constructs._defaults.logs import (
    DEFAULT_LOG_RETENTION,
    key_and_log_group,
)
from secure_constructs._defaults.sqs import DEFAULT_DEAD_LETTER_RETENTION, encrypted_queue
from secure_constructs._dropin import DropIn, drop_in
from secure_constructs._scanners import (
    COMPLIANCE_PACKS,
    accept_cdk_nag,
    accept_checkov,
    ignore_cfn_lint,
)
from secure_constructs._validation import (
    PRINCIPAL,
    Checks,
    environment_leak,
    is_token,
    literal_int,
    method_where,
    missing_subnets,
    provides,
    raise_if_any,
    where,
)

#: Warning ids (acknowledge with ``Annotations.of(scope).acknowledge_warning(id)``).
WARN_PUBLIC_FUNCTION_URL = "secure-constructs:SecureFunction:public-function-url"
WARN_FUNCTION_DESTROY_ON_REMOVAL = "secure-constructs:SecureFunction:destroy-on-removal"

#: A secret passed by reference: a Secrets Manager secret or an SSM parameter.
SecretReference = secretsmanager.ISecret | ssm.IParameter

#: The cdk-nag 3 compliance packs whose Lambda rules the acknowledgments below answer.
_CONCURRENCY_PACKS = ("NIST.800.53.R5", "HIPAA.Security")  # PCI has no LambdaConcurrency

_NO_RESERVED_CONCURRENCY_REASON = (
    "Reserved concurrency is a capacity decision, not a default: it takes executions away "
    "from every other function of the account, and an account whose unreserved concurrency "
    "would drop below 100 (every new account) cannot deploy it. Pass "
    "reserved_concurrent_executions to cap this function."
)
_NO_VPC_REASON = (
    "No VPC was given: the function has no network listener and reaches AWS APIs over TLS "
    "with IAM authorisation, which a VPC without endpoints would not improve. Pass vpc= to "
    "place it in private subnets with a dedicated egress-only security group."
)
_TRACING_WILDCARD_REASON = (
    "Resource '*' is required by xray:PutTraceSegments and xray:PutTelemetryRecords, which "
    "support no resource-level permissions (X-Ray tracing is on by default). Every other "
    "statement names its resource."
)
_VPC_WILDCARD_REASON = (
    " The ec2 network-interface actions Lambda needs to attach the function to the VPC "
    "(ec2:Describe* supports no resource-level permissions; the interfaces do not exist "
    "before Lambda creates them) also need Resource '*'."
)

_ENV_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]+$")
_SUPPORTED = frozenset(SUPPORTED_RUNTIMES)


@drop_in(lambda_.IFunction, attr="function", own=("role",))
class SecureFunction(Construct, DropIn):
    """A Lambda function with an encrypted, secret-free environment, its own logs and a DLQ.

    Defaults (each implements a guardrail rule):

    * Environment variables encrypted with a customer-managed key with rotation
      (SC-LAMBDA-1, SC-KMS-1); the same key encrypts the log group and the dead-letter
      queue. Retained on stack deletion.
    * No secret in the environment (SC-LAMBDA-2): secrets are passed by reference with
      ``secrets=`` and read at run time; a literal under a secret-looking name, or a value
      that looks like a key or token, is rejected.
    * Its own log group, KMS-encrypted, kept one year, retained (SC-LAMBDA-7, SC-LOGS-1/2).
    * X-Ray tracing active (SC-LAMBDA-6); explicit timeout (30 s) and memory (256 MB).
    * Failed asynchronous events go to a KMS-encrypted, TLS-only dead-letter queue kept
      14 days (SC-SQS-1, SC-SQS-3).
    * An execution role whose statements live in one customer-managed policy: no AWS
      managed policy, no inline policy, no wildcard except those X-Ray (and VPC
      networking) require, acknowledged with their reasons.
    * Only supported runtimes (SC-LAMBDA-5); a function URL, if any, uses IAM auth
      (SC-LAMBDA-3).

    Parameters
    ----------
    scope, construct_id:
        As for any construct. The children are ``Key``, ``LogGroup``, ``DeadLetterQueue``,
        ``Role`` (with its managed policy ``Role/Policy``), ``SecurityGroup`` (in a VPC)
        and ``Function``.
    code:
        Any ``lambda.Code`` (inline, an asset folder, an image).
    handler:
        The handler, e.g. ``"index.handler"`` (``Handler.FROM_IMAGE`` for images).
    runtime:
        A runtime Lambda supports (see ``aspects.rules.awslambda.SUPPORTED_RUNTIMES``) or
        ``Runtime.FROM_IMAGE``; a deprecated or unknown runtime is rejected.
    environment:
        Plain settings for the function. Default: none. Names must not look like
        secrets unless the value is a reference (an ARN); see ``secrets``.
    secrets:
        Secrets by reference: ``{"DB_PASSWORD": secret}``. The function receives
        ``DB_PASSWORD_SECRET_ARN`` (a Secrets Manager secret) or
        ``DB_PASSWORD_PARAMETER_NAME`` (an SSM parameter, String or SecureString) and is
        granted read access to exactly those secrets (and their keys, when known).
        Default: none.
    description, function_name:
        As for ``lambda.Function``. Default: none, and a name generated by CloudFormation.
    timeout:
        Default 30 seconds; at most 15 minutes.
    memory_size:
        Default 256 MB (128 to 10,240).
    architecture:
        Default ``X86_64``.
    encryption_key:
        Bring your own customer-managed key for the environment, the log group and the
        created dead-letter queue. Its policy must let CloudWatch Logs use it (a key created
        in the same app gets that statement). Default: a new key with rotation.
    log_retention:
        How long the function's log group keeps logs. Default one year; ``INFINITE`` is
        rejected.
    dead_letter_queue:
        Send failed asynchronous events to this queue instead of creating one. The role
        gets ``sqs:SendMessage`` on it and the use of its key.
    dead_letter_queue_retention:
        How long the created dead-letter queue keeps events. Default 14 days (the maximum).
    reserved_concurrent_executions:
        Cap the function's concurrency. Default: not reserved (see the acknowledgments).
    vpc:
        Place the function in this VPC, in private subnets with egress, with a dedicated
        security group that admits nothing and allows HTTPS out. Default: no VPC.
    vpc_subnets:
        Which subnets of ``vpc``. Default ``PRIVATE_WITH_EGRESS``; public subnets are
        rejected.
    security_groups:
        Use these groups instead of creating one (needs ``vpc``).
    function_url_auth_type:
        Add a function URL with this auth type. Default: no URL. ``AWS_IAM`` is the secure
        choice; ``NONE`` also needs ``allow_public_function_url=True``.
    allow_public_function_url:
        Default False. True (with ``function_url_auth_type=NONE``) is a weakening: it
        emits ``WARN_PUBLIC_FUNCTION_URL`` and the guardrails report SC-LAMBDA-3 (the URL)
        and SC-LAMBDA-4 (its permissions) unless acknowledged with a reason.
    layers:
        Lambda layers. Default: none.
    removal_policy:
        For the key, the log group and the dead-letter queue. Default RETAIN. ``DESTROY`` is
        a weakening (warning ``WARN_FUNCTION_DESTROY_ON_REMOVAL``; SC-KMS-3 reports the key
        unless acknowledged).

    Raises
    ------
    SecureConstructsError
        Listing every invalid input with the property, the value and the fix.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: lambda_.Code,
        handler: str,
        runtime: lambda_.Runtime,
        environment: Mapping[str, str] | None = None,
        secrets: Mapping[str, SecretReference] | None = None,
        description: str | None = None,
        function_name: str | None = None,
        timeout: cdk.Duration = defaults.DEFAULT_TIMEOUT,
        memory_size: int = defaults.DEFAULT_MEMORY_SIZE,
        architecture: lambda_.Architecture = lambda_.Architecture.X86_64,
        encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        dead_letter_queue: sqs.IQueue | None = None,
        dead_letter_queue_retention: cdk.Duration = DEFAULT_DEAD_LETTER_RETENTION,
        reserved_concurrent_executions: int | None = None,
        vpc: ec2.IVpc | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] = (),
        function_url_auth_type: lambda_.FunctionUrlAuthType | None = None,
        allow_public_function_url: bool = False,
        layers: Sequence[lambda_.ILayerVersion] = (),
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
    ) -> None:
        checks = _input_checks(
            scope,
            construct_id,
            code=code,
            handler=handler,
            runtime=runtime,
            environment=environment,
            secrets=secrets,
            description=description,
            function_name=function_name,
            architecture=architecture,
            encryption_key=encryption_key,
            log_retention=log_retention,
            dead_letter_queue=dead_letter_queue,
            vpc=vpc,
            vpc_subnets=vpc_subnets,
            security_groups=security_groups,
            function_url_auth_type=function_url_auth_type,
            allow_public_function_url=allow_public_function_url,
            layers=layers,
            removal_policy=removal_policy,
        )
        environment = dict(environment or {}) if checks.ok("environment") else {}
        secrets = dict(secrets or {}) if checks.ok("secrets") else {}
        issues = [
            *(_runtime_issues(runtime) if checks.ok("runtime") else []),
            *(_environment_issues(scope, environment) if checks.ok("scope") else []),
            *_secret_issues(secrets, environment),
            *_limit_issues(checks, timeout, memory_size, dead_letter_queue_retention),
            *_option_issues(
                checks,
                log_retention=log_retention,
                removal_policy=removal_policy,
                reserved_concurrent_executions=reserved_concurrent_executions,
                vpc=vpc,
                vpc_subnets=vpc_subnets,
                security_groups=security_groups,
                function_url_auth_type=function_url_auth_type,
                allow_public_function_url=allow_public_function_url,
            ),
        ]
        raise_if_any(where("SecureFunction", scope, construct_id), [*checks.issues, *issues])
        super().__init__(scope, construct_id)

        self.encryption_key: kms.IKey
        self.log_group: logs.ILogGroup
        self.encryption_key, self.log_group = key_and_log_group(
            self,
            "LogGroup",
            encryption_key=encryption_key,
            key_description=f"Encrypts the environment, logs and dead letters of {self.node.path}",
            retention=log_retention,
            removal_policy=removal_policy,
        )
        self.dead_letter_queue: sqs.IQueue = dead_letter_queue or encrypted_queue(
            self,
            "DeadLetterQueue",
            encryption_key=self.encryption_key,
            retention_period=dead_letter_queue_retention,
            removal_policy=removal_policy,
        )
        self.role = ManagedPolicyRole(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Execution role of {self.node.path}",
        )
        self._grant_own_resources()

        self.security_group: ec2.SecurityGroup | None = None
        groups = list(security_groups)
        if vpc is not None:
            self.role.add_to_principal_policy(defaults.vpc_access_statement())
            if not groups:
                self.security_group = egress_only_security_group(
                    self,
                    "SecurityGroup",
                    vpc=vpc,
                    description=f"{self.node.path}: no ingress, HTTPS egress only",
                )
                groups = [self.security_group]

        for name, reference in secrets.items():
            environment.update(_secret_environment(name, reference))
            reference.grant_read(self.role)

        self.function = lambda_.Function(
            self,
            "Function",
            code=code,
            handler=handler,
            runtime=runtime,
            role=self.role,
            environment=environment or None,
            environment_encryption=self.encryption_key,
            log_group=self.log_group,
            dead_letter_queue=self.dead_letter_queue,
            description=description,
            function_name=function_name,
            timeout=timeout,
            memory_size=memory_size,
            architecture=architecture,
            reserved_concurrent_executions=reserved_concurrent_executions,
            vpc=vpc,
            vpc_subnets=(
                vpc_subnets or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
                if vpc is not None
                else None
            ),
            security_groups=groups or None,
            layers=list(layers) or None,
            **defaults.function_props(),
        )
        # Every permission (the VPC ones in particular, which Lambda checks when it creates
        # the function) exists before the function does.
        self.function.node.add_dependency(self.role.policy)
        if vpc is not None:
            declare_guarantee(self.function, "vpc", True)  # guardrail SC-NET-2
        # Traced, failures kept: undoing either by escape hatch is an error here.
        enforce_rules(self.function, "SC-LAMBDA-6", "SC-LAMBDA-8")
        if dead_letter_queue is None:
            enforce_rules(self.dead_letter_queue, "SC-SQS-3")

        self.function_url: lambda_.FunctionUrl | None = None
        if function_url_auth_type is not None:
            self.function_url = self.function.add_function_url(auth_type=function_url_auth_type)
            if function_url_auth_type == lambda_.FunctionUrlAuthType.NONE:
                cdk.Annotations.of(self).add_warning_v2(
                    WARN_PUBLIC_FUNCTION_URL,
                    "function_url_auth_type=NONE: anyone on the internet can invoke the "
                    "function (guardrails SC-LAMBDA-3 and SC-LAMBDA-4 report it unless "
                    "acknowledged with a reason).",
                )
        if removal_policy == cdk.RemovalPolicy.DESTROY:
            cdk.Annotations.of(self).add_warning_v2(
                WARN_FUNCTION_DESTROY_ON_REMOVAL,
                "removal_policy=DESTROY: removing the construct or the stack deletes the "
                "function's key, logs and dead letters (guardrail SC-KMS-3 reports the key "
                "unless acknowledged with a reason).",
            )
        self._accept_inherent_findings(
            reserved=reserved_concurrent_executions is not None, in_vpc=vpc is not None
        )

    def _grant_own_resources(self) -> None:
        """Exactly what the function needs of its key, log group and dead-letter queue.

        ``sqs:SendMessage`` on the queue is added by ``lambda.Function`` itself.
        """
        self.role.add_to_principal_policy(
            defaults.key_use_statement(self.encryption_key, sid="UseTheFunctionKey")
        )
        queue_key = self.dead_letter_queue.encryption_master_key
        if queue_key is not None and queue_key is not self.encryption_key:
            self.role.add_to_principal_policy(
                defaults.key_use_statement(queue_key, sid="UseTheDeadLetterQueueKey")
            )
        self.log_group.grant_write(self.role)

    def _accept_inherent_findings(self, *, reserved: bool, in_vpc: bool) -> None:
        """What the external scanners report on a default SecureFunction, and why it stays.

        Acknowledged on the one resource each finding is about, and only when the option
        that would remove the finding was not used.
        """
        function = cfn_resource(self.function)
        if not reserved:
            accept_cdk_nag(
                function,
                [f"{pack}-LambdaConcurrency" for pack in _CONCURRENCY_PACKS],
                _NO_RESERVED_CONCURRENCY_REASON,
            )
            accept_checkov(function, ["CKV_AWS_115"], _NO_RESERVED_CONCURRENCY_REASON)
        if not in_vpc:
            accept_cdk_nag(
                function, [f"{pack}-LambdaInsideVPC" for pack in COMPLIANCE_PACKS], _NO_VPC_REASON
            )
            accept_checkov(function, ["CKV_AWS_117"], _NO_VPC_REASON)
        policy = cfn_resource(self.role.policy)
        accept_cdk_nag(
            policy,
            ["AwsSolutions-IAM5[Resource::*]"],
            _TRACING_WILDCARD_REASON + (_VPC_WILDCARD_REASON if in_vpc else ""),
        )
        if in_vpc:
            # checkov counts ec2:CreateNetworkInterface & co. on '*' as unconstrained writes.
            accept_checkov(policy, ["CKV_AWS_111"], _VPC_WILDCARD_REASON.strip())
        # cfn-lint W3005 ("DependsOn already enforced by a GetAtt"): lambda.Function makes
        # its resource depend on the whole role construct (role and managed policy); that is
        # a redundant ordering, not a risk: the policy dependency is the one that matters.
        ignore_cfn_lint(function, ["W3005"])

    # -- the familiar function API -------------------------------------------------------------

    @property
    def grant_principal(self) -> iam.IPrincipal:
        """The execution role: pass the SecureFunction itself to ``grant_*`` methods."""
        return self.role

    @property
    def function_arn(self) -> str:
        """The function's ARN."""
        return self.function.function_arn

    @property
    def function_name(self) -> str:
        """The function's name."""
        return self.function.function_name

    @property
    def connections(self) -> ec2.Connections:
        """The function's security groups (only for a function in a VPC)."""
        return self.function.connections

    def add_environment(self, key: str, value: str) -> None:
        """Add a plain setting; the same checks as ``environment`` apply.

        Raises
        ------
        SecureConstructsError
            If *key* or *value* is not a str (SC-FUNCTION-20), the name is invalid or
            reserved, or the value is (or looks like) a secret.
        """
        checks = Checks(_METHOD)
        checks.string("key", key)
        checks.string("value", value, empty=True)
        where = method_where("SecureFunction", self, "add_environment")
        raise_if_any(where, checks.issues)
        raise_if_any(where, _environment_issues(self, {key: value}))
        self.function.add_environment(key, value)

    def add_to_role_policy(self, statement: iam.PolicyStatement) -> None:
        """Add a statement to the execution role's managed policy (the guardrails judge it).

        Raises
        ------
        SecureConstructsError
            If *statement* is not an ``iam.PolicyStatement`` (SC-FUNCTION-20).
        """
        checks = Checks(_METHOD)
        checks.statement("statement", statement)
        raise_if_any(method_where("SecureFunction", self, "add_to_role_policy"), checks.issues)
        self.role.add_to_principal_policy(statement)

    def add_permission(
        self,
        id: str,  # the name lambda.IFunction.add_permission uses
        *,
        principal: iam.IPrincipal,
        action: str | None = None,
        event_source_token: str | None = None,
        function_url_auth_type: lambda_.FunctionUrlAuthType | None = None,
        invoked_via_function_url: bool | None = None,
        organization_id: str | None = None,
        scope: Construct | None = None,
        source_account: str | None = None,
        source_arn: str | None = None,
    ) -> None:
        """Add a resource-policy permission, as ``lambda.Function.add_permission``.

        Give a service or ``AnyPrincipal`` a ``source_arn``, ``source_account`` or
        ``organization_id``: guardrail SC-LAMBDA-4 reports a permission without one. CDK's
        integrations (API Gateway, EventBridge, S3, SNS) call this with their own source
        and *scope*, so the permission lands where a plain function's would.

        Raises
        ------
        SecureConstructsError
            If an argument has the wrong type, a string is empty, or *source_account* is
            not a 12-digit account id (SC-FUNCTION-20).
        """
        checks = Checks(_METHOD)
        checks.identifier("id", id, example="InvokeFromS3")
        checks.interface(
            "principal",
            principal,
            PRINCIPAL,
            "an iam.IPrincipal",
            "pass e.g. iam.ServicePrincipal('s3.amazonaws.com') or iam.AccountPrincipal(...).",
        )
        checks.string("action", action, optional=True)
        checks.string("event_source_token", event_source_token, optional=True)
        checks.member(
            "function_url_auth_type",
            function_url_auth_type,
            lambda_.FunctionUrlAuthType,
            optional=True,
        )
        if invoked_via_function_url is not None:
            checks.boolean("invoked_via_function_url", invoked_via_function_url)
        checks.string("source_arn", source_arn, optional=True)
        if (
            checks.string("source_account", source_account, optional=True)
            and isinstance(source_account, str)
            and not is_token(source_account)
            and not _ACCOUNT.match(source_account)
        ):
            checks.add(
                _METHOD,
                "source_account",
                f"{source_account!r} is not an AWS account id (12 digits).",
                "pass the 12-digit account id, e.g. source_account=cdk.Aws.ACCOUNT_ID.",
            )
        checks.string("organization_id", organization_id, optional=True)
        if scope is not None:
            checks.instance(
                "scope", scope, Construct, "a construct", "pass a construct, or omit it."
            )
        raise_if_any(method_where("SecureFunction", self, "add_permission"), checks.issues)
        self.function.add_permission(
            id,
            principal=principal,
            action=action,
            event_source_token=event_source_token,
            function_url_auth_type=function_url_auth_type,
            invoked_via_function_url=invoked_via_function_url,
            organization_id=organization_id,
            scope=scope,
            source_account=source_account,
            source_arn=source_arn,
        )

    def add_event_source(self, source: lambda_.IEventSource) -> None:
        """Connect an event source (SQS, SNS, S3...), as ``lambda.Function.add_event_source``.

        Raises
        ------
        SecureConstructsError
            If *source* is not a ``lambda.IEventSource`` (SC-FUNCTION-20).
        """
        checks = Checks(_METHOD)
        checks.interface(
            "source",
            source,
            ("bind",),
            "a lambda.IEventSource",
            "pass an event source from aws_lambda_event_sources, e.g. SqsEventSource(queue) "
            "(not the queue or topic itself).",
        )
        raise_if_any(method_where("SecureFunction", self, "add_event_source"), checks.issues)
        self.function.add_event_source(source)

    def grant_invoke(self, identity: iam.IGrantable) -> iam.Grant:
        """Allow *identity* to invoke the function.

        Raises
        ------
        SecureConstructsError
            If *identity* is not an ``iam.IGrantable`` (SC-FUNCTION-20).
        """
        self._check_grantee("grant_invoke", identity)
        return self.function.grant_invoke(identity)

    def grant_invoke_url(self, identity: iam.IGrantable) -> iam.Grant:
        """Allow *identity* to invoke the function through its (IAM-authenticated) URL.

        Raises
        ------
        SecureConstructsError
            If *identity* is not an ``iam.IGrantable`` (SC-FUNCTION-20).
        """
        self._check_grantee("grant_invoke_url", identity)
        return self.function.grant_invoke_url(identity)

    def _check_grantee(self, method: str, identity: object) -> None:
        checks = Checks(_METHOD)
        checks.grantee("identity", identity)
        raise_if_any(method_where("SecureFunction", self, method), checks.issues)


# -- validation ----------------------------------------------------------------------------------

_TYPE = "SC-FUNCTION-16"
#: The code of a wrong argument to a method (``add_permission``, ``grant_invoke``...).
_METHOD = "SC-FUNCTION-20"
_ACCOUNT = re.compile(r"^\d{12}$")
_MAX_LAYERS = 5
_MAX_HANDLER = 128
_MAX_DESCRIPTION = 256
_FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_IMAGE_CODE = (lambda_.EcrImageCode, lambda_.AssetImageCode)
_PRIVATE_SUBNETS = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)


def _input_checks(
    scope: object,
    construct_id: object,
    *,
    code: object,
    handler: object,
    runtime: object,
    environment: object,
    secrets: object,
    description: object,
    function_name: object,
    architecture: object,
    encryption_key: object,
    log_retention: object,
    dead_letter_queue: object,
    vpc: object,
    vpc_subnets: object,
    security_groups: object,
    function_url_auth_type: object,
    allow_public_function_url: object,
    layers: object,
    removal_policy: object,
) -> Checks:
    """The type of every option (SC-FUNCTION-16) and the values CloudFormation rejects."""
    checks = Checks(_TYPE)
    checks.scope(scope, construct_id)
    checks.instance(
        "code",
        code,
        lambda_.Code,
        "a lambda.Code",
        "pass lambda.Code.from_asset('path'), Code.from_inline(...) or an image code.",
    )
    checks.interface(
        "runtime",
        runtime,
        ("name",),
        "a lambda.Runtime",
        "pass e.g. lambda.Runtime.PYTHON_3_13 (Runtime.FROM_IMAGE for container images).",
    )
    _handler_checks(checks, handler, runtime, code)
    checks.strings("environment", environment)
    checks.mapping("secrets", secrets)
    if (
        checks.string("description", description, optional=True)
        and isinstance(description, str)
        and not is_token(description)
        and len(description) > _MAX_DESCRIPTION
    ):
        checks.add(
            "SC-FUNCTION-18",
            "description",
            f"a {len(description)}-character description is longer than Lambda's "
            f"{_MAX_DESCRIPTION}.",
            "shorten it.",
        )
    if (
        checks.string("function_name", function_name, optional=True)
        and isinstance(function_name, str)
        and not is_token(function_name)
        and not _FUNCTION_NAME.match(function_name)
    ):
        checks.add(
            "SC-FUNCTION-18",
            "function_name",
            f"{function_name!r} is not a Lambda function name.",
            "use 1-64 letters, digits, hyphens and underscores, or omit it (recommended: "
            "CloudFormation then generates a unique name).",
        )
    checks.instance(
        "architecture",
        architecture,
        lambda_.Architecture,
        "a lambda.Architecture",
        "pass lambda.Architecture.X86_64 (default) or ARM_64.",
    )
    checks.kms_key("encryption_key", encryption_key)
    checks.log_retention(
        "log_retention", log_retention, DEFAULT_THRESHOLDS.log_retention_days, "the function logs"
    )
    checks.interface(
        "dead_letter_queue",
        dead_letter_queue,
        ("queue_arn", "grant_send_messages"),
        "an sqs.IQueue",
        "pass an sqs.Queue (or sqs.Queue.from_queue_arn(...)), or omit it.",
        optional=True,
    )
    checks.interface(
        "vpc",
        vpc,
        ("vpc_id", "select_subnets"),
        "an ec2.IVpc",
        "pass an ec2.Vpc (or ec2.Vpc.from_vpc_attributes(...)), or omit it.",
        optional=True,
    )
    checks.instance(
        "vpc_subnets",
        vpc_subnets,
        ec2.SubnetSelection,
        "an ec2.SubnetSelection",
        "pass ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS), or omit it.",
        optional=True,
    )
    if (
        checks.ok("vpc", "vpc_subnets")
        and vpc is not None
        and (
            reason := missing_subnets(
                vpc,
                vpc_subnets if isinstance(vpc_subnets, ec2.SubnetSelection) else _PRIVATE_SUBNETS,
            )
        )
        is not None
    ):
        checks.add(
            "SC-FUNCTION-14",
            "vpc_subnets",
            f"the selection matches no subnets of the VPC ({reason}).",
            "give the VPC private subnets with egress, or select existing ones.",
        )
    checks.items(
        "security_groups",
        security_groups,
        lambda group: provides(group, "security_group_id", "connections"),
        "ec2.ISecurityGroup",
        "pass a list of ec2.SecurityGroup, or omit it for a dedicated group.",
    )
    checks.member(
        "function_url_auth_type", function_url_auth_type, lambda_.FunctionUrlAuthType, optional=True
    )
    checks.boolean("allow_public_function_url", allow_public_function_url)
    if (
        checks.items(
            "layers",
            layers,
            lambda layer: provides(layer, "layer_version_arn"),
            "lambda.ILayerVersion",
            "pass a list of lambda.LayerVersion (or LayerVersion.from_layer_version_arn(...)).",
        )
        and isinstance(layers, Sequence)
        and len(layers) > _MAX_LAYERS
    ):
        checks.add(
            "SC-FUNCTION-19",
            "layers",
            f"{len(layers)} layers; Lambda allows at most {_MAX_LAYERS}.",
            "merge layers, or move dependencies into the code package.",
        )
    checks.member("removal_policy", removal_policy, cdk.RemovalPolicy)
    return checks


def _handler_checks(checks: Checks, handler: object, runtime: object, code: object) -> None:
    """A handler Lambda accepts, and image code exactly with the image runtime."""
    if not checks.string("handler", handler) or not isinstance(handler, str):
        return
    if not is_token(handler) and (len(handler) > _MAX_HANDLER or any(c.isspace() for c in handler)):
        checks.add(
            "SC-FUNCTION-17",
            "handler",
            f"{handler!r} is not a handler Lambda accepts.",
            f"pass at most {_MAX_HANDLER} characters without spaces, e.g. 'index.handler'.",
        )
        return
    if not isinstance(runtime, lambda_.Runtime) or not isinstance(code, lambda_.Code):
        return
    image_runtime = runtime.name == lambda_.Runtime.FROM_IMAGE.name
    image_code = isinstance(code, _IMAGE_CODE)
    if image_runtime != image_code or image_runtime != (handler == lambda_.Handler.FROM_IMAGE):
        checks.add(
            "SC-FUNCTION-17",
            "handler",
            f"handler {handler!r}, runtime {runtime.name!r} and a {type(code).__name__} do not "
            "fit together.",
            "container images need code=Code.from_ecr_image/from_asset_image, "
            "handler=Handler.FROM_IMAGE and runtime=Runtime.FROM_IMAGE; other code needs a "
            "real handler and runtime.",
        )


def _runtime_issues(runtime: lambda_.Runtime) -> list[Issue]:
    name = runtime.name
    if name == lambda_.Runtime.FROM_IMAGE.name or name in _SUPPORTED:
        return []
    supported = ", ".join(supported_in_family(name))
    if name in DEPRECATED_RUNTIMES:
        return [
            Issue(
                "SC-FUNCTION-1",
                "runtime",
                f"{name!r} reached end of support on {DEPRECATED_RUNTIMES[name]} and gets no "
                "security patches (guardrail SC-LAMBDA-5).",
                f"use one of: {supported}.",
            )
        ]
    return [
        Issue(
            "SC-FUNCTION-2",
            "runtime",
            f"{name!r} is not a runtime Lambda supported on {RUNTIMES_REVIEWED} (the list "
            "in aspects.rules.awslambda.SUPPORTED_RUNTIMES).",
            f"use one of: {supported}, or Runtime.FROM_IMAGE with container image code.",
        )
    ]


def _name_issues(prop: str, name: str) -> list[Issue]:
    if not _ENV_NAME.match(name):
        return [
            Issue(
                "SC-FUNCTION-5",
                prop,
                f"{name!r} is not a valid environment variable name.",
                "use at least two letters, digits or underscores, starting with a letter.",
            )
        ]
    if name in defaults.RESERVED_ENVIRONMENT_VARIABLES:
        return [
            Issue(
                "SC-FUNCTION-5",
                prop,
                f"{name!r} is reserved by Lambda.",
                "pick another name.",
            )
        ]
    return []


def _environment_issues(scope: Construct, environment: Mapping[str, str]) -> list[Issue]:
    """Names, and values that are (or look like) secrets. The value is never repeated."""
    issues: list[Issue] = []
    for name, value in environment.items():
        issues += _name_issues("environment", name)
        leak = environment_leak(scope, name, value)  # the judgement of guardrail SC-LAMBDA-2
        if leak is None:
            continue
        if leak.kind is not None:
            issues.append(
                Issue(
                    "SC-FUNCTION-4",
                    "environment",
                    f"the value of {name!r} holds {leak.kind} (guardrail SC-LAMBDA-2).",
                    f"keep it in Secrets Manager and pass secrets={{{name!r}: secret}}; the "
                    f"function then receives {name}{defaults.SECRET_ARN_SUFFIX}.",
                )
            )
        else:
            issues.append(
                Issue(
                    "SC-FUNCTION-3",
                    "environment",
                    f"{name!r} looks like a secret and has a literal value, which anyone who "
                    "can read the function's configuration sees (guardrail SC-LAMBDA-2).",
                    f"pass it by reference: secrets={{{name!r}: secretsmanager.Secret(...)}} or "
                    "an ssm.StringParameter; the function receives "
                    f"{name}{defaults.SECRET_ARN_SUFFIX} (or {name}"
                    f"{defaults.PARAMETER_NAME_SUFFIX}) and reads the value at run time. A "
                    "setting that is not a secret needs a name that does not look like one.",
                )
            )
    return issues


def _is_secret(reference: object) -> bool:
    return hasattr(reference, "secret_arn") and hasattr(reference, "grant_read")


def _is_parameter(reference: object) -> bool:
    return hasattr(reference, "parameter_name") and hasattr(reference, "grant_read")


def _secret_environment(name: str, reference: SecretReference) -> dict[str, str]:
    if _is_secret(reference):
        return {f"{name}{defaults.SECRET_ARN_SUFFIX}": reference.secret_arn}  # type: ignore[union-attr]
    return {f"{name}{defaults.PARAMETER_NAME_SUFFIX}": reference.parameter_name}  # type: ignore[union-attr]


def _secret_issues(secrets: Mapping[str, object], environment: Mapping[str, str]) -> list[Issue]:
    issues: list[Issue] = []
    for name, reference in secrets.items():
        issues += _name_issues("secrets", name)
        if not (_is_secret(reference) or _is_parameter(reference)):
            issues.append(
                Issue(
                    "SC-FUNCTION-6",
                    "secrets",
                    f"{name!r} is a {type(reference).__name__}, not a secret reference.",
                    "pass a secretsmanager.ISecret or an ssm.IParameter (e.g. "
                    "ssm.StringParameter.from_secure_string_parameter_attributes(...)); a "
                    "plain value belongs in environment only if it is not a secret.",
                )
            )
            continue
        derived = next(iter(_secret_environment(name, reference)))  # type: ignore[arg-type]
        if derived in environment:
            issues.append(
                Issue(
                    "SC-FUNCTION-6",
                    "secrets",
                    f"{name!r} becomes the variable {derived!r}, which environment also sets.",
                    f"remove {derived!r} from environment or rename the secret.",
                )
            )
    return issues


def _limit_issues(
    checks: Checks,
    timeout: object,
    memory_size: object,
    dead_letter_queue_retention: object,
) -> list[Issue]:
    issues: list[Issue] = []
    if checks.duration("timeout", timeout):
        assert isinstance(timeout, cdk.Duration)  # noqa: S101 - checked just above
        seconds = timeout.to_seconds(integral=False)
        if not 1 <= seconds <= defaults.MAX_TIMEOUT.to_seconds() or seconds != int(seconds):
            issues.append(
                Issue(
                    "SC-FUNCTION-9",
                    "timeout",
                    f"{timeout.to_human_string()} is outside Lambda's 1 second to 15 minutes, "
                    "or not a whole number of seconds.",
                    "pick a timeout just above the slowest expected invocation (default 30 s).",
                )
            )
    low, high = defaults.MEMORY_RANGE
    checks.integer("memory_size", memory_size, fix=f"pass a size in MB, e.g. {low * 2}.")
    memory = literal_int(memory_size)
    if memory is not None and not low <= memory <= high:
        issues.append(
            Issue(
                "SC-FUNCTION-10",
                "memory_size",
                f"{memory} MB is outside Lambda's {low} to {high} MB.",
                "pick a size in that range (default 256).",
            )
        )
    if not checks.duration("dead_letter_queue_retention", dead_letter_queue_retention):
        return issues
    assert isinstance(dead_letter_queue_retention, cdk.Duration)  # noqa: S101 - checked above
    retention = dead_letter_queue_retention.to_seconds(integral=False)
    if not 60 <= retention <= cdk.Duration.days(14).to_seconds():
        issues.append(
            Issue(
                "SC-FUNCTION-15",
                "dead_letter_queue_retention",
                f"{dead_letter_queue_retention.to_human_string()} is outside SQS's 1 minute "
                "to 14 days.",
                "keep failed events long enough to investigate them (default 14 days).",
            )
        )
    return issues


def _option_issues(
    checks: Checks,
    *,
    log_retention: object,
    removal_policy: object,
    reserved_concurrent_executions: object,
    vpc: object,
    vpc_subnets: object,
    security_groups: object,
    function_url_auth_type: object,
    allow_public_function_url: object,
) -> list[Issue]:
    issues: list[Issue] = []
    public_url = function_url_auth_type == lambda_.FunctionUrlAuthType.NONE
    allow_public_function_url = allow_public_function_url is True
    if public_url and not allow_public_function_url:
        issues.append(
            Issue(
                "SC-FUNCTION-7",
                "function_url_auth_type",
                "NONE makes the function URL public: anyone on the internet can invoke it.",
                "use FunctionUrlAuthType.AWS_IAM and grant_invoke_url(...) to the callers; "
                "if the endpoint must be public, also pass allow_public_function_url=True and "
                "acknowledge SC-LAMBDA-3 and SC-LAMBDA-4 with a reason.",
            )
        )
    if allow_public_function_url and not public_url:
        issues.append(
            Issue(
                "SC-FUNCTION-8",
                "allow_public_function_url",
                "allow_public_function_url=True has no effect without "
                "function_url_auth_type=FunctionUrlAuthType.NONE.",
                "drop allow_public_function_url (the secure default).",
            )
        )
    if log_retention == logs.RetentionDays.INFINITE:
        issues.append(
            Issue(
                "SC-FUNCTION-11",
                "log_retention",
                "RetentionDays.INFINITE keeps logs forever (guardrail SC-LOGS-2).",
                "pick a finite RetentionDays value (default ONE_YEAR).",
            )
        )
    if removal_policy == cdk.RemovalPolicy.SNAPSHOT:
        issues.append(
            Issue(
                "SC-FUNCTION-12",
                "removal_policy",
                "KMS keys, log groups and queues do not support RemovalPolicy.SNAPSHOT.",
                "use RemovalPolicy.RETAIN (default) or RETAIN_ON_UPDATE_OR_DELETE.",
            )
        )
    checks.integer("reserved_concurrent_executions", reserved_concurrent_executions, optional=True)
    reserved = literal_int(reserved_concurrent_executions)
    if reserved is not None and reserved < 0:
        issues.append(
            Issue(
                "SC-FUNCTION-13",
                "reserved_concurrent_executions",
                f"{reserved} is negative.",
                "pass a number of concurrent executions (0 stops the function), or None.",
            )
        )
    if vpc is None and (
        vpc_subnets is not None or (checks.ok("security_groups") and security_groups)
    ):
        issues.append(
            Issue(
                "SC-FUNCTION-14",
                "vpc_subnets" if vpc_subnets is not None else "security_groups",
                "subnets or security groups were given without a vpc.",
                "also pass vpc=..., or drop them.",
            )
        )
    if (
        isinstance(vpc_subnets, ec2.SubnetSelection)
        and vpc_subnets.subnet_type == ec2.SubnetType.PUBLIC
    ):
        issues.append(
            Issue(
                "SC-FUNCTION-14",
                "vpc_subnets",
                "a function in public subnets gets no public IP and so no internet access, "
                "and is one misconfiguration away from exposure.",
                "use PRIVATE_WITH_EGRESS (default) or PRIVATE_ISOLATED with VPC endpoints.",
            )
        )
    return issues
