"""SC-LAMBDA-1..8 on functions, URLs and permissions from L2s, raw L1s, escape hatches, tokens.

One app is synthesized for the module: stack ``Lambda`` holds one case per construct id.
A second, tiny app checks that the guardrail plugin fails synthesis on the classic mistakes.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from aspects import SecurityGuardrails, Severity
from aspects.rules.awslambda import DEPRECATED_RUNTIMES, SUPPORTED_RUNTIMES, supported_in_family

from ._helpers import (
    CANNOT_VERIFY,
    NON_COMPLIANT,
    Checked,
    Switch,
    cfn,
    check_app,
    findings_at,
    ids,
    outcomes,
)

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
LITERAL_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/lambda"
FAKE_ACCESS_KEY_ID = "AKIA" + "ABCDEFGHIJKLMNOP"  # split so no scanner flags this file
FAKE_PRIVATE_KEY = (
    "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----"
)
MANAGED_LOG_GROUP = "@aws-cdk/aws-lambda:useCdkManagedLogGroup"


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    group = logs.LogGroup(stack, "Logs", encryption_key=key, retention=logs.RetentionDays.ONE_YEAR)
    secret = secretsmanager.Secret(stack, "Secret", encryption_key=key)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    bucket = s3.Bucket(stack, "Bucket")
    dead_letters, other_dead_letters = (
        sqs.Queue(
            stack,
            name,
            encryption_master_key=key,
            retention_period=cdk.Duration.days(14),
            removal_policy=cdk.RemovalPolicy.RETAIN,
            enforce_ssl=True,
        )
        for name in ("DeadLetters", "OtherDeadLetters")
    )

    def function(construct_id: str, scope: Construct = stack, **overrides: Any) -> lambda_.Function:
        props: dict[str, Any] = {
            "runtime": lambda_.Runtime.PYTHON_3_14,
            "handler": "index.handler",
            "code": CODE,
            "environment": {"STAGE": "prod"},
            "environment_encryption": key,
            "tracing": lambda_.Tracing.ACTIVE,
            "log_group": group,
            "dead_letter_queue": dead_letters,
        }
        props.update(overrides)
        return lambda_.Function(scope, construct_id, **props)

    def l1(construct_id: str, **overrides: Any) -> lambda_.CfnFunction:
        role = iam.Role(
            stack, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
        )
        props: dict[str, Any] = {
            "code": lambda_.CfnFunction.CodeProperty(zip_file="def handler(e, c): pass"),
            "role": role.role_arn,
            "handler": "index.handler",
            "runtime": "python3.13",
            "environment": lambda_.CfnFunction.EnvironmentProperty(variables={"STAGE": "prod"}),
            "kms_key_arn": key.key_arn,
            "tracing_config": lambda_.CfnFunction.TracingConfigProperty(mode="Active"),
            "logging_config": lambda_.CfnFunction.LoggingConfigProperty(
                log_group=group.log_group_name
            ),
            "dead_letter_config": lambda_.CfnFunction.DeadLetterConfigProperty(
                target_arn=dead_letters.queue_arn
            ),
        }
        props.update(overrides)
        return lambda_.CfnFunction(stack, construct_id, **props)

    # Compliant references.
    function("Secure")
    l1("L1Secure")
    function("NoEnvironmentNoKey", environment=None, environment_encryption=None)
    image = l1("ContainerImage", runtime=None, handler=None, package_type="Image")
    image.code = lambda_.CfnFunction.CodeProperty(
        image_uri="123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"
    )

    # SC-LAMBDA-1 environment encryption.
    function("NoKey", environment_encryption=None)
    l1("L1NoKey", kms_key_arn=None)
    cfn(function("EscNoKey")).add_property_deletion_override("KmsKeyArn")
    cfn(function("ParamKey")).add_property_override("KmsKeyArn", setting)
    cfn(function("IfKey")).add_property_override(
        "KmsKeyArn", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )
    cfn(function("IfTwoKeys")).add_property_override(
        "KmsKeyArn", switch.pick(key.key_arn, other_key.key_arn)
    )
    l1("LiteralKey", kms_key_arn=LITERAL_KEY_ARN)
    l1("AwsManagedKey", kms_key_arn=AWS_MANAGED_ALIAS_ARN)

    # SC-LAMBDA-2 secrets in the environment.
    table = cdk.CfnResource(stack, "TokenTable", type="AWS::DynamoDB::Table")
    function(
        "References",
        environment={
            "DB_SECRET_ARN": secret.secret_arn,
            "API_KEY_PARAMETER_NAME": "/app/api-key",
            "TOKEN_TABLE_NAME": table.ref,
            "PASSWORD_MIN_LENGTH": "12",
            "DB_PASSWORD": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        },
    )
    function("LiteralPassword", environment={"DB_PASSWORD": "hunter2-but-longer"})
    function("AccessKeyValue", environment={"UPSTREAM": FAKE_ACCESS_KEY_ID})
    function("PrivateKeyValue", environment={"CERTIFICATE": FAKE_PRIVATE_KEY})
    function("UrlWithPassword", environment={"DATABASE_URL": "postgres://app:s3cr3t@db:5432/app"})
    function("DynamicReference", environment={"DB_PASSWORD": secret.secret_value.unsafe_unwrap()})
    user = iam.CfnUser(stack, "User")
    access_key = iam.CfnAccessKey(stack, "AccessKey", user_name=user.ref)
    function(
        "SecretAttribute", environment={"UPSTREAM_CREDENTIALS": access_key.attr_secret_access_key}
    )
    l1(
        "L1LiteralToken",
        environment=lambda_.CfnFunction.EnvironmentProperty(variables={"API_TOKEN": "abc123def"}),
    )
    cfn(function("EscLiteralToken")).add_property_override(
        "Environment.Variables.GITHUB_TOKEN", "not-a-real-token-value"
    )
    cfn(function("EscJoinedLiteral")).add_property_override(
        "Environment.Variables.DB_PASSWORD", {"Fn::Join": ["", ["hunter2", "-longer"]]}
    )
    function("ShortPass", environment={"DB_PASS": "hunter2"})
    function("NotAnArn", environment={"DB_PASSWORD": "arn:hunter2"})
    function(
        "SecretWordSettings",
        environment={
            "MAX_TOKENS": "1024",
            "DISABLE_TOKEN_CACHE": "true",
            "SECRET_ROTATION_DAYS": "30",
            "TOKEN_CACHE_MODE": "lru",
            "BYPASS_CACHE": "false",
        },
    )
    function("ParamPassword", environment={"DB_PASSWORD": setting})
    function("ParamSetting", environment={"LOG_LEVEL": setting})
    function("JoinedParamPassword", environment={"DB_PASSWORD": cdk.Fn.join("-", ["x", setting])})
    cfn(function("IfPassword")).add_property_override(
        "Environment.Variables.DB_PASSWORD", switch.pick(secret.secret_arn, "hunter2-longer")
    )
    cfn(function("IfPasswordBoth")).add_property_override(
        "Environment.Variables.DB_PASSWORD", switch.pick(secret.secret_arn, bucket.bucket_arn)
    )

    # SC-LAMBDA-3 function URLs.
    function("IamUrl").add_function_url(auth_type=lambda_.FunctionUrlAuthType.AWS_IAM)
    function("PublicUrl").add_function_url(auth_type=lambda_.FunctionUrlAuthType.NONE)
    target = function("UrlTarget")
    lambda_.CfnUrl(stack, "L1PublicUrl", auth_type="NONE", target_function_arn=target.function_arn)
    url_auth = "AuthType"

    def url(construct_id: str) -> cdk.CfnResource:
        created = function(construct_id).add_function_url(
            auth_type=lambda_.FunctionUrlAuthType.AWS_IAM
        )
        return cfn(created)

    url("EscPublicUrl").add_property_override(url_auth, "NONE")
    url("ParamUrlAuth").add_property_override(url_auth, setting)
    url("IfUrlAuth").add_property_override(url_auth, switch.pick("AWS_IAM", "NONE"))
    url("IfUrlAuthBoth").add_property_override(url_auth, switch.pick("AWS_IAM", "AWS_IAM"))

    # SC-LAMBDA-4 permissions.
    function("PublicInvoke").grant_invoke(iam.AnyPrincipal())
    org = function("OrgInvoke")
    org.add_permission("Org", principal=iam.AnyPrincipal(), organization_id="o-a1b2c3d4e5")
    function("ServiceNoSource").add_permission(
        "FromS3", principal=iam.ServicePrincipal("s3.amazonaws.com")
    )
    function("ServiceWithSource").add_permission(
        "FromS3",
        principal=iam.ServicePrincipal("s3.amazonaws.com"),
        source_arn=bucket.bucket_arn,
        source_account=cdk.Aws.ACCOUNT_ID,
    )
    function("AccountInvoke").grant_invoke(iam.AccountPrincipal("123456789012"))
    invoked = function("PermissionTarget")
    lambda_.CfnPermission(
        stack,
        "L1Public",
        action="lambda:InvokeFunction",
        function_name=invoked.function_name,
        principal="*",
    )

    def permission(construct_id: str) -> cdk.CfnResource:
        narrowed = function(construct_id)
        narrowed.add_permission(
            "Invoke",
            principal=iam.ServicePrincipal("events.amazonaws.com"),
            source_arn=bucket.bucket_arn,
        )
        found = narrowed.node.find_child("Invoke")
        assert isinstance(found, cdk.CfnResource)
        return found

    esc = permission("EscPublicInvoke")
    esc.add_property_override("Principal", "*")
    esc.add_property_deletion_override("SourceArn")
    for construct_id, principal in (
        ("ParamPrincipal", setting),
        ("IfPrincipal", switch.pick("123456789012", "*")),
        ("ParamPrincipalNarrowed", None),
    ):
        case = permission(construct_id)
        if principal is None:  # narrowed by SourceArn: the principal does not matter
            case.add_property_override("Principal", setting)
        else:
            case.add_property_override("Principal", principal)
            case.add_property_deletion_override("SourceArn")
    permission("IfSourceArn").add_property_override(
        "SourceArn", switch.pick(bucket.bucket_arn, cdk.Aws.NO_VALUE)
    )

    # SC-LAMBDA-5 runtimes.
    function("DeprecatedRuntime", runtime=lambda_.Runtime.PYTHON_3_8)
    l1("L1DeprecatedRuntime", runtime="nodejs16.x")
    cfn(function("EscDeprecatedRuntime")).add_property_override("Runtime", "python3.9")
    cfn(function("ParamRuntime")).add_property_override("Runtime", setting)
    cfn(function("IfRuntime")).add_property_override(
        "Runtime", switch.pick("python3.14", "python3.9")
    )
    cfn(function("IfRuntimeBoth")).add_property_override(
        "Runtime", switch.pick("python3.14", "python3.13")
    )
    l1("FutureRuntime", runtime="python3.99")

    # SC-LAMBDA-6 tracing.
    function("NotTraced", tracing=None)
    l1("L1NotTraced", tracing_config=None)
    cfn(function("EscPassThrough")).add_property_override("TracingConfig.Mode", "PassThrough")
    cfn(function("ParamTracing")).add_property_override("TracingConfig.Mode", setting)
    cfn(function("IfTracing")).add_property_override(
        "TracingConfig.Mode", switch.pick("Active", "PassThrough")
    )
    cfn(function("IfTracingBoth")).add_property_override(
        "TracingConfig.Mode", switch.pick("Active", "Active")
    )

    # SC-LAMBDA-7 log groups.
    function("NoLogGroup", log_group=None)
    managed = Construct(stack, "Managed")
    managed.node.set_context(MANAGED_LOG_GROUP, True)
    function("Function", scope=managed, log_group=None)
    named = l1("NamedFunction", logging_config=None, function_name="orders-worker")
    logs.CfnLogGroup(
        stack,
        "NamedFunctionLogs",
        log_group_name="/aws/lambda/orders-worker",
        kms_key_id=key.key_arn,
        retention_in_days=30,
    )
    assert named.function_name == "orders-worker"
    l1(
        "ExternalLogGroup",
        logging_config=lambda_.CfnFunction.LoggingConfigProperty(log_group="/central/lambda"),
    )
    l1(
        "LogGroupIsABucket",
        logging_config=lambda_.CfnFunction.LoggingConfigProperty(log_group=bucket.bucket_name),
    )
    cfn(function("EscNoLogGroup")).add_property_deletion_override("LoggingConfig")
    cfn(function("ParamLogGroup")).add_property_override("LoggingConfig.LogGroup", setting)
    cfn(function("IfLogGroup")).add_property_override(
        "LoggingConfig.LogGroup", switch.pick(group.log_group_name, cdk.Aws.NO_VALUE)
    )
    conditional = l1("ConditionalLogGroup", logging_config=None, function_name="maybe-logged")
    maybe = logs.CfnLogGroup(
        stack,
        "ConditionalLogGroupLogs",
        log_group_name="/aws/lambda/maybe-logged",
        kms_key_id=key.key_arn,
        retention_in_days=30,
    )
    maybe.cfn_options.condition = switch.condition
    assert conditional.function_name == "maybe-logged"

    # SC-LAMBDA-8 failed asynchronous invocations.
    function(
        "OnFailureDestination",
        dead_letter_queue=None,
        on_failure=destinations.SqsDestination(dead_letters),
    )
    function("ConfiguredAsync", dead_letter_queue=None).configure_async_invoke(
        on_failure=destinations.SqsDestination(dead_letters), retry_attempts=1
    )
    function("NoDeadLetters", dead_letter_queue=None)
    sns.Topic(stack, "Orders", master_key=key).add_subscription(
        subscriptions.LambdaSubscription(function("SnsTriggered", dead_letter_queue=None))
    )
    function("RetriesOnly", dead_letter_queue=None).configure_async_invoke(retry_attempts=0)
    l1("L1NoDeadLetters", dead_letter_config=None)
    cfn(function("EscNoDeadLetters")).add_property_deletion_override("DeadLetterConfig")
    cfn(function("ParamDeadLetters")).add_property_override("DeadLetterConfig.TargetArn", setting)
    cfn(function("IfDeadLetters")).add_property_override(
        "DeadLetterConfig",
        switch.pick({"TargetArn": dead_letters.queue_arn}, cdk.Aws.NO_VALUE),
    )
    cfn(function("IfDeadLettersBoth")).add_property_override(
        "DeadLetterConfig.TargetArn",
        switch.pick(dead_letters.queue_arn, other_dead_letters.queue_arn),
    )
    maybe_async = function("ConditionalDestination", dead_letter_queue=None)
    maybe_async.configure_async_invoke(on_failure=destinations.SqsDestination(dead_letters))
    config = maybe_async.node.find_child("EventInvokeConfig").node.default_child
    assert isinstance(config, cdk.CfnResource)
    config.cfn_options.condition = switch.condition
    handler = l1("CustomResourceHandler", dead_letter_config=None)
    cdk.CfnCustomResource(stack, "CustomResourceHandlerUse", service_token=handler.attr_arn)
    function("QueueConsumer", dead_letter_queue=None).add_event_source(
        event_sources.SqsEventSource(sqs.Queue(stack, "Work", encryption_master_key=key))
    )
    l1("LiteralNameConfig", dead_letter_config=None, function_name="orders-async")
    lambda_.CfnEventInvokeConfig(
        stack,
        "LiteralNameConfigAsync",
        function_name="orders-async",
        qualifier="$LATEST",
        destination_config=lambda_.CfnEventInvokeConfig.DestinationConfigProperty(
            on_failure=lambda_.CfnEventInvokeConfig.OnFailureProperty(
                destination=dead_letters.queue_arn
            )
        ),
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Lambda"))
    return check_app(app)


def at(name: str) -> str:
    return f"Lambda/{name}"


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Secure", "L1Secure", "NoEnvironmentNoKey", "ContainerImage", "References"]
)
def test_hardened_function_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


# -- SC-LAMBDA-1 environment encryption --------------------------------------------------


@pytest.mark.parametrize("name", ["NoKey", "L1NoKey", "AwsManagedKey"])
def test_environment_without_customer_managed_key_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-LAMBDA-1"}


def test_key_removed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscNoKey")) == {("SC-LAMBDA-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamKey", "IfKey"])
def test_key_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-LAMBDA-1", CANNOT_VERIFY)}


@pytest.mark.parametrize("name", ["IfTwoKeys", "LiteralKey"])
def test_two_app_keys_or_a_literal_key_arn_are_compliant(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


# -- SC-LAMBDA-2 secrets in the environment ------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "LiteralPassword",
        "AccessKeyValue",
        "PrivateKeyValue",
        "UrlWithPassword",
        "DynamicReference",
        "SecretAttribute",
        "L1LiteralToken",
    ],
)
def test_secret_value_in_environment_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-LAMBDA-2", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ShortPass", "NotAnArn"])
def test_abbreviated_password_name_or_fake_arn_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-LAMBDA-2", NON_COMPLIANT)}


def test_settings_named_with_secret_words_are_compliant(ev: Checked) -> None:
    assert ids(ev, at("SecretWordSettings")) == set()


@pytest.mark.parametrize("name", ["EscLiteralToken", "EscJoinedLiteral"])
def test_literal_secret_added_by_override_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-LAMBDA-2", NON_COMPLIANT)}


def test_message_names_the_variable_and_never_repeats_the_value(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("LiteralPassword"))
    assert "Environment.Variables.DB_PASSWORD" in finding.message
    assert "hunter2" not in finding.message
    assert "DB_SECRET_ARN" in finding.message  # says how to pass it instead


def test_dynamic_reference_is_explained(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("DynamicReference"))
    assert "dynamic reference" in finding.message


@pytest.mark.parametrize("name", ["ParamPassword", "JoinedParamPassword", "IfPassword"])
def test_secret_name_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-LAMBDA-2", CANNOT_VERIFY)}


@pytest.mark.parametrize("name", ["ParamSetting", "IfPasswordBoth"])
def test_setting_from_parameter_or_two_references_are_compliant(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


# -- SC-LAMBDA-3 function URLs -------------------------------------------------------------


def test_function_url_with_iam_auth_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IamUrl")) == set()


def test_public_function_url_is_flagged_with_its_permissions(ev: Checked) -> None:
    found = {(f.rule.id, f.construct_path) for f in findings_at(ev, at("PublicUrl"))}
    assert found == {
        ("SC-LAMBDA-3", "Lambda/PublicUrl/FunctionUrl/Resource"),
        ("SC-LAMBDA-4", "Lambda/PublicUrl/invoke-function-url"),
        ("SC-LAMBDA-4", "Lambda/PublicUrl/invoke-function"),
    }


def test_l1_public_function_url_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("L1PublicUrl")) == {"SC-LAMBDA-3"}


def test_url_auth_overridden_to_none_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscPublicUrl")) == {("SC-LAMBDA-3", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamUrlAuth", "IfUrlAuth"])
def test_url_auth_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-LAMBDA-3", CANNOT_VERIFY)}


def test_url_auth_iam_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfUrlAuthBoth")) == set()


# -- SC-LAMBDA-4 permissions --------------------------------------------------------------


@pytest.mark.parametrize("name", ["PublicInvoke", "ServiceNoSource", "L1Public"])
def test_permission_for_everyone_or_a_service_without_source_is_flagged(
    ev: Checked, name: str
) -> None:
    assert ids(ev, at(name)) == {"SC-LAMBDA-4"}


@pytest.mark.parametrize(
    "name", ["OrgInvoke", "ServiceWithSource", "AccountInvoke", "ParamPrincipalNarrowed"]
)
def test_permission_narrowed_or_for_an_account_is_compliant(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


def test_permission_opened_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscPublicInvoke")) == {("SC-LAMBDA-4", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamPrincipal", "IfPrincipal", "IfSourceArn"])
def test_permission_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-LAMBDA-4", CANNOT_VERIFY)}


# -- SC-LAMBDA-5 runtimes -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["DeprecatedRuntime", "L1DeprecatedRuntime"])
def test_deprecated_runtime_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-LAMBDA-5"}


def test_deprecated_runtime_message_names_the_supported_ones(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("DeprecatedRuntime"))
    assert "'python3.8' reached end of support on 2024-10-14" in finding.message
    assert "python3.14, python3.13" in finding.message


def test_runtime_overridden_to_a_deprecated_one_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscDeprecatedRuntime")) == {("SC-LAMBDA-5", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamRuntime", "IfRuntime"])
def test_runtime_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-LAMBDA-5", CANNOT_VERIFY)}


@pytest.mark.parametrize("name", ["IfRuntimeBoth", "FutureRuntime"])
def test_supported_or_unknown_newer_runtime_is_compliant(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


def test_runtime_tables_are_disjoint_and_families_resolve() -> None:
    assert not set(DEPRECATED_RUNTIMES) & set(SUPPORTED_RUNTIMES)
    assert supported_in_family("nodejs18.x") == ["nodejs24.x", "nodejs22.x"]
    assert supported_in_family("go1.x") == list(SUPPORTED_RUNTIMES)


# -- SC-LAMBDA-6 tracing (warning) ---------------------------------------------------------


@pytest.mark.parametrize("name", ["NotTraced", "L1NotTraced"])
def test_function_without_active_tracing_gets_a_warning(ev: Checked, name: str) -> None:
    (finding,) = findings_at(ev, at(name))
    assert finding.rule.id == "SC-LAMBDA-6"
    assert finding.rule.severity is Severity.WARNING
    assert not finding.blocks_synthesis


def test_tracing_overridden_to_pass_through_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscPassThrough")) == {("SC-LAMBDA-6", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamTracing", "IfTracing"])
def test_tracing_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-LAMBDA-6", CANNOT_VERIFY)}


def test_tracing_active_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfTracingBoth")) == set()


# -- SC-LAMBDA-7 log groups ----------------------------------------------------------------


def test_function_without_a_declared_log_group_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("NoLogGroup")) == {"SC-LAMBDA-7"}


def test_cdk_managed_log_group_satisfies_the_function_but_is_judged_itself(ev: Checked) -> None:
    found = {(f.rule.id, f.construct_path) for f in findings_at(ev, at("Managed"))}
    # The flag's log group has no KMS key: the log-group rule reports it, not the function.
    assert found == {("SC-LOGS-1", "Lambda/Managed/Function/LogGroup/Resource")}


def test_log_group_named_after_a_literal_function_name_counts(ev: Checked) -> None:
    assert ids(ev, at("NamedFunction")) == set()


def test_log_group_outside_the_app_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ExternalLogGroup")) == {("SC-LAMBDA-7", CANNOT_VERIFY)}


def test_log_group_reference_to_a_bucket_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("LogGroupIsABucket")) == {("SC-LAMBDA-7", NON_COMPLIANT)}


def test_logging_config_removed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscNoLogGroup")) == {("SC-LAMBDA-7", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamLogGroup", "IfLogGroup"])
def test_log_group_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-LAMBDA-7", CANNOT_VERIFY)}


def test_conditional_log_group_does_not_count(ev: Checked) -> None:
    assert outcomes(ev, at("ConditionalLogGroup")) == {("SC-LAMBDA-7", NON_COMPLIANT)}


# -- the guardrails fail synthesis on the classic mistakes --------------------------------------


def test_password_public_url_and_public_invoke_fail_synthesis_with_clear_messages() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Mistakes")
    plain = lambda_.Function(
        stack,
        "Plain",
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=CODE,
        environment={"DB_PASSWORD": "hunter2-longer"},
    )
    plain.add_function_url(auth_type=lambda_.FunctionUrlAuthType.NONE)
    plain.grant_invoke(iam.AnyPrincipal())
    cdk.Aspects.of(app).add(SecurityGuardrails())
    with pytest.raises(RuntimeError, match="ValidationFailed") as raised:
        app.synth()
    report = str(raised.value)
    for expected in (
        "SC-LAMBDA-2",
        "Environment.Variables.DB_PASSWORD has a secret-looking name",
        "SC-LAMBDA-3",
        "AuthType is 'NONE'",
        "SC-LAMBDA-4",
        "Principal '*' without SourceArn",
    ):
        assert expected in report
    assert "hunter2" not in report


# -- SC-LAMBDA-8 failed asynchronous invocations (warning) ---------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "OnFailureDestination",
        "ConfiguredAsync",
        "IfDeadLettersBoth",
        "CustomResourceHandler",
        "QueueConsumer",
        "LiteralNameConfig",
    ],
)
def test_failed_events_kept_or_handled_by_the_invoker_are_compliant(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


def test_function_without_dead_letter_queue_gets_a_warning(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("NoDeadLetters"))
    assert (finding.rule.id, finding.status) == ("SC-LAMBDA-8", NON_COMPLIANT)
    assert finding.rule.severity is Severity.WARNING
    assert not finding.blocks_synthesis
    assert finding.property_path == "Properties.DeadLetterConfig"


def test_warning_names_the_asynchronous_invokers(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("SnsTriggered"))
    assert finding.rule.id == "SC-LAMBDA-8"
    assert "invoked asynchronously by the SNS subscription" in finding.message
    assert "for sns.amazonaws.com" in finding.message


def test_async_configuration_without_on_failure_destination_is_flagged(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("RetriesOnly"))
    assert (finding.rule.id, finding.status) == ("SC-LAMBDA-8", NON_COMPLIANT)
    assert "invoked asynchronously by the EventInvokeConfig" in finding.message


def test_l1_function_without_dead_letter_config_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("L1NoDeadLetters")) == {("SC-LAMBDA-8", NON_COMPLIANT)}


def test_dead_letter_config_removed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscNoDeadLetters")) == {("SC-LAMBDA-8", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamDeadLetters", "IfDeadLetters", "ConditionalDestination"])
def test_dead_letters_from_parameter_or_condition_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-LAMBDA-8", CANNOT_VERIFY)}
