"""SecureFunction: each secure default, each weakening, each bad input, and snapshots."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from constructs import Construct
from syrupy.assertion import SnapshotAssertion

from aspects import SecureConstructsError
from aspects.constants import ACKNOWLEDGED_RULES_METADATA
from aspects.testing import check
from secure_constructs import SecureBucket
from secure_constructs.function import (
    WARN_FUNCTION_DESTROY_ON_REMOVAL,
    WARN_PUBLIC_FUNCTION_URL,
    SecureFunction,
)
from tests.conftest import REPO_ROOT, normalise

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
INLINE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
ASSET = str(REPO_ROOT / "tests" / "assets" / "function")
PARAMETER_KEY_ARN = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PRIVATE_SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
LEAKED = "hunter2-but-longer"  # the value the bad-input tests try to put in the environment


def _function(scope: Construct, **kwargs: Any) -> SecureFunction:
    props: dict[str, Any] = {
        "code": INLINE,
        "handler": "index.handler",
        "runtime": lambda_.Runtime.PYTHON_3_14,
    }
    props.update(kwargs)
    return SecureFunction(scope, "Worker", **props)


class Built:
    """One app, one stack per configuration, synthesized once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App()
        self.stacks: dict[str, cdk.Stack] = {}
        self.default = _function(self._stack("Default"))

        stack = self._stack("Secrets")
        self.secret_key = kms.Key(stack, "SecretKey", enable_key_rotation=True)
        self.secret = secretsmanager.Secret(stack, "ApiToken", encryption_key=self.secret_key)
        self.parameter = ssm.StringParameter.from_secure_string_parameter_attributes(
            stack,
            "DbPassword",
            parameter_name="/app/db-password",
            encryption_key=kms.Key.from_key_arn(stack, "ParameterKey", PARAMETER_KEY_ARN),
        )
        self.with_secrets = _function(
            stack,
            environment={"STAGE": "prod"},
            secrets={"API_TOKEN": self.secret, "DB_PASSWORD": self.parameter},
        )
        self.uploads = SecureBucket(stack, "Uploads")
        self.uploads.grant_read(self.with_secrets)  # SecureFunction is an IGrantable
        self.with_secrets.add_permission(
            "FromUploads",
            principal=iam.ServicePrincipal("s3.amazonaws.com"),
            source_arn=self.uploads.bucket_arn,
            source_account="111111111111",
        )
        self.with_secrets.add_environment("REPORT_PREFIX", "reports/")

        stack = self._stack("Full")
        vpc = ec2.Vpc.from_vpc_attributes(
            stack,
            "Vpc",
            vpc_id="vpc-0a1b2c3d4e5f60000",
            availability_zones=["eu-west-1a", "eu-west-1b"],
            private_subnet_ids=PRIVATE_SUBNETS,
        )
        self.full = _function(
            stack,
            code=lambda_.Code.from_asset(ASSET),
            vpc=vpc,
            reserved_concurrent_executions=10,
            function_url_auth_type=lambda_.FunctionUrlAuthType.AWS_IAM,
            timeout=cdk.Duration.minutes(2),
            memory_size=1024,
            architecture=lambda_.Architecture.ARM_64,
            log_retention=logs.RetentionDays.THREE_MONTHS,
            description="Processes uploads",
        )

        self.public = _function(
            self._stack("Public"),
            function_url_auth_type=lambda_.FunctionUrlAuthType.NONE,
            allow_public_function_url=True,
        )
        self.destroy = _function(self._stack("Destroy"), removal_policy=cdk.RemovalPolicy.DESTROY)

        stack = self._stack("BringYourOwn")
        self.own_key = kms.Key(stack, "SharedKey", enable_key_rotation=True)
        self.queue_key = kms.Key(stack, "QueueKey", enable_key_rotation=True)
        self.own_queue = sqs.Queue(
            stack,
            "SharedDeadLetters",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.queue_key,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.own = _function(stack, encryption_key=self.own_key, dead_letter_queue=self.own_queue)

        self.templates = {
            name: assertions.Template.from_stack(stack) for name, stack in self.stacks.items()
        }
        self.evaluation = check(self.app)

    def _stack(self, name: str) -> cdk.Stack:
        self.stacks[name] = cdk.Stack(self.app, name, env=ENV)
        return self.stacks[name]

    def resources(self, stack: str, resource_type: str) -> dict[str, Any]:
        return self.templates[stack].find_resources(resource_type)

    def one(self, stack: str, resource_type: str) -> tuple[str, dict[str, Any]]:
        ((logical_id, resource),) = self.resources(stack, resource_type).items()
        return logical_id, resource

    def function(self, stack: str) -> dict[str, Any]:
        return self.one(stack, "AWS::Lambda::Function")[1]

    def statements(self, stack: str) -> list[dict[str, Any]]:
        policy = self.one(stack, "AWS::IAM::ManagedPolicy")[1]
        return list(policy["Properties"]["PolicyDocument"]["Statement"])

    def findings(self, stack: str) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack
        }


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _acknowledged(construct: Construct) -> set[str]:
    node = construct.node.default_child
    assert node is not None
    return {
        rule
        for entry in node.node.metadata
        if entry.type == ACKNOWLEDGED_RULES_METADATA
        for rule in entry.data
    }


def _checkov_skips(resource: dict[str, Any]) -> set[str]:
    return {s["id"] for s in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])}


def _get_att(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


# -- the defaults ----------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["Default", "Secrets", "Full", "BringYourOwn"])
def test_secure_configurations_pass_every_guardrail_without_acknowledgments(
    built: Built, stack: str
) -> None:
    assert built.findings(stack) == set()


def test_construct_exposes_what_it_creates(built: Built) -> None:
    fn = built.default
    assert isinstance(fn.function, lambda_.Function)
    assert isinstance(fn.encryption_key, kms.Key)
    assert isinstance(fn.log_group, logs.LogGroup)
    assert isinstance(fn.dead_letter_queue, sqs.Queue)
    assert fn.security_group is None
    assert fn.function_url is None
    assert fn.grant_principal is fn.role
    assert [c.node.id for c in fn.node.children] == [
        "Key",
        "LogGroup",
        "DeadLetterQueue",
        "Role",
        "Function",
    ]


def test_key_rotates_and_is_retained(built: Built) -> None:
    _, key = built.one("Default", "AWS::KMS::Key")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"


def test_environment_is_encrypted_with_the_key(built: Built) -> None:
    key_id, _ = built.one("Default", "AWS::KMS::Key")
    assert built.function("Default")["Properties"]["KmsKeyArn"] == _get_att(key_id)


def test_function_logs_to_its_own_encrypted_expiring_retained_log_group(built: Built) -> None:
    key_id, key = built.one("Default", "AWS::KMS::Key")
    group_id, group = built.one("Default", "AWS::Logs::LogGroup")
    assert group["Properties"]["KmsKeyId"] == _get_att(key_id)
    assert group["Properties"]["RetentionInDays"] == 365
    assert group["DeletionPolicy"] == "Retain"
    props = built.function("Default")["Properties"]
    assert props["LoggingConfig"] == {"LogGroup": {"Ref": group_id}}
    services = [
        s.get("Principal", {}).get("Service") for s in key["Properties"]["KeyPolicy"]["Statement"]
    ]
    assert "logs.eu-west-1.amazonaws.com" in services


def test_failed_events_go_to_an_encrypted_tls_only_retained_queue(built: Built) -> None:
    key_id, _ = built.one("Default", "AWS::KMS::Key")
    queue_id, queue = built.one("Default", "AWS::SQS::Queue")
    assert queue["Properties"]["KmsMasterKeyId"] == _get_att(key_id)
    assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["DeletionPolicy"] == "Retain"
    _, policy = built.one("Default", "AWS::SQS::QueuePolicy")
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Action"] == "sqs:*"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    props = built.function("Default")["Properties"]
    assert props["DeadLetterConfig"] == {"TargetArn": _get_att(queue_id)}


def test_tracing_timeout_and_memory_are_explicit(built: Built) -> None:
    props = built.function("Default")["Properties"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["Timeout"] == 30
    assert props["MemorySize"] == 256
    assert props["Runtime"] == "python3.14"
    assert "ReservedConcurrentExecutions" not in props
    assert "VpcConfig" not in props
    assert "Environment" not in props  # nothing to encrypt, nothing leaked


def test_role_has_one_customer_managed_policy_and_nothing_else(built: Built) -> None:
    role_id, role = built.one("Default", "AWS::IAM::Role")
    assert set(role["Properties"]) == {"AssumeRolePolicyDocument", "Description"}
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    policy_id, policy = built.one("Default", "AWS::IAM::ManagedPolicy")
    assert policy["Properties"]["Roles"] == [{"Ref": role_id}]
    assert built.resources("Default", "AWS::IAM::Policy") == {}
    assert policy_id in built.function("Default")["DependsOn"]


def test_execution_role_statements_are_exactly_what_the_function_needs(built: Built) -> None:
    key_id, _ = built.one("Default", "AWS::KMS::Key")
    group_id, _ = built.one("Default", "AWS::Logs::LogGroup")
    queue_id, _ = built.one("Default", "AWS::SQS::Queue")
    found = {
        (
            tuple(sorted(s["Action"])) if isinstance(s["Action"], list) else (s["Action"],),
            json.dumps(s["Resource"], sort_keys=True),
        )
        for s in built.statements("Default")
    }
    assert found == {
        (("kms:Decrypt", "kms:GenerateDataKey"), json.dumps(_get_att(key_id), sort_keys=True)),
        (
            ("logs:CreateLogStream", "logs:PutLogEvents"),
            json.dumps(_get_att(group_id), sort_keys=True),
        ),
        (("sqs:SendMessage",), json.dumps(_get_att(queue_id), sort_keys=True)),
        (("xray:PutTelemetryRecords", "xray:PutTraceSegments"), '"*"'),
    }


def test_only_the_inherent_scanner_findings_are_acknowledged(built: Built) -> None:
    assert _acknowledged(built.default.function) == {
        "NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency",
        "HIPAA.Security::HIPAA.Security-LambdaConcurrency",
        "NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC",
        "HIPAA.Security::HIPAA.Security-LambdaInsideVPC",
        "PCI.DSS.321::PCI.DSS.321-LambdaInsideVPC",
    }
    assert _acknowledged(built.default.role.policy) == {
        "AwsSolutions::AwsSolutions-IAM5[Resource::*]"
    }
    assert _checkov_skips(built.function("Default")) == {"CKV_AWS_115", "CKV_AWS_117"}


# -- secrets by reference ------------------------------------------------------------------------


def test_secrets_reach_the_function_only_as_references(built: Built) -> None:
    secret_id, _ = built.one("Secrets", "AWS::SecretsManager::Secret")
    variables = built.function("Secrets")["Properties"]["Environment"]["Variables"]
    assert variables == {
        "STAGE": "prod",
        "API_TOKEN_SECRET_ARN": {"Ref": secret_id},
        "DB_PASSWORD_PARAMETER_NAME": "/app/db-password",
        "REPORT_PREFIX": "reports/",
    }


def test_read_access_is_granted_to_exactly_the_given_secrets(built: Built) -> None:
    secret_id, _ = built.one("Secrets", "AWS::SecretsManager::Secret")
    by_action = {
        action: s["Resource"]
        for s in built.statements("Secrets")
        for action in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    }
    assert by_action["secretsmanager:GetSecretValue"] == {"Ref": secret_id}
    parameter_arn = by_action["ssm:GetParameter"]
    assert json.dumps(parameter_arn).endswith(
        ':ssm:eu-west-1:111111111111:parameter/app/db-password"]]}'
    )
    decrypt = [s["Resource"] for s in built.statements("Secrets") if s["Action"] == "kms:Decrypt"]
    assert decrypt == [PARAMETER_KEY_ARN]  # the SecureString's key, nothing wider
    assert "s3:GetObject*" in by_action  # SecureBucket.grant_read(SecureFunction)


def test_permissions_added_with_a_source_pass_the_guardrails(built: Built) -> None:
    (permission,) = built.resources("Secrets", "AWS::Lambda::Permission").values()
    assert permission["Properties"]["Principal"] == "s3.amazonaws.com"
    assert permission["Properties"]["SourceAccount"] == "111111111111"
    assert not {rule for rule, _ in built.findings("Secrets")}


# -- options -------------------------------------------------------------------------------------


def test_vpc_placement_uses_private_subnets_and_an_egress_only_group(built: Built) -> None:
    props = built.function("Full")["Properties"]
    group_id, group = built.one("Full", "AWS::EC2::SecurityGroup")
    assert props["VpcConfig"] == {
        "SecurityGroupIds": [{"Fn::GetAtt": [group_id, "GroupId"]}],
        "SubnetIds": PRIVATE_SUBNETS,
    }
    assert "SecurityGroupIngress" not in group["Properties"]
    assert group["Properties"]["SecurityGroupEgress"] == [
        {
            "CidrIp": "0.0.0.0/0",
            "Description": "HTTPS to AWS APIs and the services the workload calls",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    (eni,) = [s for s in built.statements("Full") if s.get("Sid") == "ManageVpcNetworkInterfaces"]
    assert eni["Resource"] == "*"
    assert built.full.security_group is not None
    assert built.full.connections.security_groups == [built.full.security_group]


def test_options_reach_the_function(built: Built) -> None:
    props = built.function("Full")["Properties"]
    assert props["ReservedConcurrentExecutions"] == 10
    assert props["Timeout"] == 120
    assert props["MemorySize"] == 1024
    assert props["Architectures"] == ["arm64"]
    assert props["Description"] == "Processes uploads"
    _, group = built.one("Full", "AWS::Logs::LogGroup")
    assert group["Properties"]["RetentionInDays"] == 90
    _, url = built.one("Full", "AWS::Lambda::Url")
    assert url["Properties"]["AuthType"] == "AWS_IAM"
    assert built.resources("Full", "AWS::Lambda::Permission") == {}


def test_acknowledgments_disappear_when_the_option_is_used(built: Built) -> None:
    assert _acknowledged(built.full.function) == set()
    assert _checkov_skips(built.function("Full")) == set()
    _, policy = built.one("Full", "AWS::IAM::ManagedPolicy")
    assert _checkov_skips(policy) == {"CKV_AWS_111"}  # the ENI actions on '*'


def test_given_key_and_queue_are_used_and_nothing_extra_is_created(built: Built) -> None:
    assert built.own.encryption_key is built.own_key
    assert built.own.dead_letter_queue is built.own_queue
    assert [c.node.id for c in built.own.node.children] == ["LogGroup", "Role", "Function"]
    sids = {s.get("Sid") for s in built.statements("BringYourOwn")}
    assert {"UseTheFunctionKey", "UseTheDeadLetterQueueKey"} <= sids


# -- weakening is explicit, warned about, and still reported -------------------------------------


def _warnings(stack: cdk.Stack) -> str:
    found = assertions.Annotations.from_stack(stack).find_warning("*", assertions.Match.any_value())
    return json.dumps([w.entry.data for w in found])


def test_public_url_warns_and_the_guardrails_flag_url_and_permissions(built: Built) -> None:
    assert WARN_PUBLIC_FUNCTION_URL in _warnings(built.stacks["Public"])
    assert built.findings("Public") == {
        ("SC-LAMBDA-3", "Public/Worker/Function/FunctionUrl/Resource"),
        ("SC-LAMBDA-4", "Public/Worker/Function/invoke-function-url"),
        ("SC-LAMBDA-4", "Public/Worker/Function/invoke-function"),
    }


def test_destroy_policy_warns_and_the_guardrails_flag_the_key(built: Built) -> None:
    assert WARN_FUNCTION_DESTROY_ON_REMOVAL in _warnings(built.stacks["Destroy"])
    assert built.findings("Destroy") == {
        ("SC-KMS-3", "Destroy/Worker/Key/Resource"),
        ("SC-LOGS-3", "Destroy/Worker/LogGroup/Resource"),
        ("SC-SQS-4", "Destroy/Worker/DeadLetterQueue/Resource"),
    }
    for resource_type in ("AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::SQS::Queue"):
        assert built.one("Destroy", resource_type)[1]["DeletionPolicy"] == "Delete"


# -- snapshots ------------------------------------------------------------------------------------


def test_default_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates["Default"].to_json()) == snapshot_json


def test_full_template_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates["Full"].to_json()) == snapshot_json


# -- bad input: one clear Python error naming the property and the fix -----------------------------


def _build(**kwargs: Any) -> SecureFunction:
    return _function(cdk.Stack(cdk.App(), "S"), **kwargs)


def test_deprecated_runtime_is_rejected_naming_the_supported_ones() -> None:
    with pytest.raises(
        SecureConstructsError,
        match=r"SC-FUNCTION-1\] runtime: 'python3.9' reached end of support.*"
        r"use one of: python3.14, python3.13",
    ):
        _build(runtime=lambda_.Runtime.PYTHON_3_9)


class _UnknownRuntime:
    """Stands in for ``lambda_.Runtime("python3.99", ...)``, which would join ``Runtime.ALL``
    for the whole jsii process and make cdk-nag's AwsSolutions-L1 (latest runtime) fail
    every python3.14 function synthesized after it."""

    name = "python3.99"


def test_unknown_runtime_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-FUNCTION-2\] runtime: 'python3.99'"):
        _build(runtime=_UnknownRuntime())


def test_literal_secret_under_a_secret_looking_name_is_rejected_with_the_fix() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(environment={"DB_PASSWORD": LEAKED})
    message = str(raised.value)
    assert "[SC-FUNCTION-3] environment: 'DB_PASSWORD' looks like a secret" in message
    assert "secrets={'DB_PASSWORD': secretsmanager.Secret(...)}" in message
    assert "DB_PASSWORD_SECRET_ARN" in message
    assert LEAKED not in message


@pytest.mark.parametrize(
    "value",
    [
        "AKIA" + "ABCDEFGHIJKLMNOP",
        "-----BEGIN EC " + "PRIVATE KEY-----\nabc",
        "postgres://app:s3cret@db/app",
    ],
)
def test_value_that_looks_like_a_key_or_token_is_rejected(value: str) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-FUNCTION-4\] environment") as raised:
        _build(environment={"UPSTREAM": value})
    assert value not in str(raised.value)


def test_dynamic_reference_to_a_secret_is_rejected() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    secret = secretsmanager.Secret(stack, "Secret")
    with pytest.raises(SecureConstructsError, match=r"SC-FUNCTION-4\].*dynamic reference"):
        _function(stack, environment={"DB": secret.secret_value.unsafe_unwrap()})


def test_references_under_secret_looking_names_are_accepted() -> None:
    fn = _build(
        environment={
            "DB_PASSWORD": "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf",
            "API_KEY_PARAMETER_NAME": "/app/api-key",
            "TOKEN_TABLE_NAME": "tokens",
        }
    )
    assert fn.function.node.id == "Function"


@pytest.mark.parametrize("name", ["1ST", "X", "AWS_REGION", "with-dash"])
def test_invalid_or_reserved_environment_names_are_rejected(name: str) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-FUNCTION-5\] environment"):
        _build(environment={name: "x"})


def test_secret_that_is_not_a_reference_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-FUNCTION-6\] secrets: 'TOKEN' is a str"):
        _build(secrets={"TOKEN": LEAKED})


def test_secret_variable_that_collides_with_environment_is_rejected() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    secret = secretsmanager.Secret(stack, "Secret")
    with pytest.raises(SecureConstructsError, match=r"SC-FUNCTION-6\].*'API_SECRET_ARN'"):
        _function(stack, environment={"API_SECRET_ARN": "x"}, secrets={"API": secret})


def test_public_function_url_needs_the_explicit_keyword() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-FUNCTION-7\] function_url_auth_type"):
        _build(function_url_auth_type=lambda_.FunctionUrlAuthType.NONE)


def test_allowing_a_public_url_without_asking_for_one_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-FUNCTION-8\] allow_public_function_url"):
        _build(allow_public_function_url=True)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"timeout": cdk.Duration.minutes(16)}, "SC-FUNCTION-9] timeout"),
        ({"memory_size": 64}, "SC-FUNCTION-10] memory_size"),
        ({"log_retention": logs.RetentionDays.INFINITE}, "SC-FUNCTION-11] log_retention"),
        ({"removal_policy": cdk.RemovalPolicy.SNAPSHOT}, "SC-FUNCTION-12] removal_policy"),
        ({"reserved_concurrent_executions": -1}, "SC-FUNCTION-13] reserved_concurrent"),
        (
            {"vpc_subnets": ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)},
            "SC-FUNCTION-14] vpc_subnets",
        ),
        (
            {"dead_letter_queue_retention": cdk.Duration.days(15)},
            "SC-FUNCTION-15] dead_letter_queue_retention",
        ),
    ],
)
def test_out_of_range_or_inconsistent_options_are_rejected(
    kwargs: dict[str, Any], code: str
) -> None:
    with pytest.raises(SecureConstructsError, match=code.replace("[", r"\[").replace("]", r"\]")):
        _build(**kwargs)


def test_public_subnets_are_rejected() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    vpc = ec2.Vpc.from_vpc_attributes(
        stack, "Vpc", vpc_id="vpc-1", availability_zones=["eu-west-1a"], public_subnet_ids=["s-1"]
    )
    with pytest.raises(
        SecureConstructsError, match=r"SC-FUNCTION-14\] vpc_subnets: a function in public"
    ):
        _function(
            stack, vpc=vpc, vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)
        )


def test_add_environment_applies_the_same_checks(built: Built) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-FUNCTION-3\] environment: 'GITHUB_TOKEN'"):
        built.default.add_environment("GITHUB_TOKEN", LEAKED)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(
            runtime=lambda_.Runtime.NODEJS_18_X,
            environment={"API_KEY": LEAKED},
            memory_size=1,
            function_url_auth_type=lambda_.FunctionUrlAuthType.NONE,
        )
    assert raised.value.codes == (
        "SC-FUNCTION-1",
        "SC-FUNCTION-3",
        "SC-FUNCTION-10",
        "SC-FUNCTION-7",
    )
    assert "S/Worker" in str(raised.value)
    assert "nodejs24.x, nodejs22.x" in str(raised.value)
