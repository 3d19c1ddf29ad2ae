"""SC-SFN-1..4 on state machines built from L2s, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Sfn`` holds one state machine per case
(construct id = case name), stack ``SfnShared`` a key and a log group that ``Sfn`` uses
through cross-stack references. Every case is the secure state machine with one thing
changed, so each expects the findings of one rule.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn

from aspects import Severity

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

LITERAL_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE_ARN = "arn:aws:iam::123456789012:role/workflow"
DEFINITION = '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}'
LEVEL = "LoggingConfiguration.Level"
DESTINATION = "LoggingConfiguration.Destinations.0.CloudWatchLogsLogGroup.LogGroupArn"
NAMED_GROUP = "/aws/vendedlogs/states/named"
OUTSIDE_GROUP_ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/other:*"


def _build(stack: cdk.Stack, shared_key: kms.IKey, shared_logs: logs.ILogGroup) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    log_group = logs.LogGroup(stack, "Logs", encryption_key=key)
    named = logs.LogGroup(stack, "NamedLogs", encryption_key=key, log_group_name=NAMED_GROUP)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def machine(construct_id: str, **overrides: Any) -> sfn.StateMachine:
        props: dict[str, Any] = {
            "definition_body": sfn.DefinitionBody.from_string(DEFINITION),
            "logs": sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL),
            "tracing_enabled": True,
            "encryption_configuration": sfn.CustomerManagedEncryptionConfiguration(key),
        }
        props.update(overrides)
        return sfn.StateMachine(stack, construct_id, **props)

    def l1(construct_id: str, **overrides: Any) -> sfn.CfnStateMachine:
        props: dict[str, Any] = {
            "role_arn": ROLE_ARN,
            "definition_string": DEFINITION,
            "logging_configuration": {
                "level": "ALL",
                "destinations": [
                    {"cloudWatchLogsLogGroup": {"logGroupArn": log_group.log_group_arn}}
                ],
            },
            "tracing_configuration": {"enabled": True},
            "encryption_configuration": {
                "type": "CUSTOMER_MANAGED_KMS_KEY",
                "kmsKeyId": key.key_arn,
            },
        }
        props.update(overrides)
        return sfn.CfnStateMachine(stack, construct_id, **props)

    def logging(arn: Any, level: str = "ALL") -> dict[str, Any]:
        return {
            "level": level,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": arn}}],
        }

    # Compliant references.
    machine("Secure")
    l1("L1Secure")
    machine(
        "SecureExpress",
        state_machine_type=sfn.StateMachineType.EXPRESS,
        logs=sfn.LogOptions(
            destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=True
        ),
    )
    machine(
        "SharedLogsAndKey",
        logs=sfn.LogOptions(destination=shared_logs, level=sfn.LogLevel.ALL),
        encryption_configuration=sfn.CustomerManagedEncryptionConfiguration(shared_key),
    )
    l1(
        "LogGroupByName",
        logging_configuration=logging(
            f"arn:aws:logs:eu-west-1:123456789012:log-group:{NAMED_GROUP}:*"
        ),
    )
    l1(
        "LiteralKey",
        encryption_configuration={"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": LITERAL_KEY_ARN},
    )
    cfn(machine("IfTwoLevels")).add_property_override(LEVEL, switch.pick("ALL", "ALL"))
    cfn(machine("IfTwoLogGroups")).add_property_override(
        DESTINATION, switch.pick(log_group.log_group_arn, named.log_group_arn)
    )

    # SC-SFN-1 logs to a log group of the app.
    machine("NoLogs", logs=None)
    machine("LogsOff", logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.OFF))
    l1("L1NoLogging", logging_configuration=None)
    l1("L1NoDestination", logging_configuration={"level": "ALL"})
    cfn(machine("EscDestinationsRemoved")).add_property_deletion_override(
        "LoggingConfiguration.Destinations"
    )
    cfn(machine("EscLevelOff")).add_property_override(LEVEL, "OFF")
    cfn(machine("EscLoggingRemoved")).add_property_deletion_override("LoggingConfiguration")
    l1("OutsideLogGroup", logging_configuration=logging(OUTSIDE_GROUP_ARN))
    machine(
        "ImportedLogGroup",
        logs=sfn.LogOptions(
            destination=logs.LogGroup.from_log_group_arn(stack, "Imported", OUTSIDE_GROUP_ARN),
            level=sfn.LogLevel.ALL,
        ),
    )
    cfn(machine("ParamLogGroup")).add_property_override(DESTINATION, setting)
    l1("DestinationNotLogGroup", logging_configuration=logging(key.key_arn))
    cfn(machine("IfLoggingOff")).add_property_override(LEVEL, switch.pick("ALL", "OFF"))

    # SC-SFN-2 every event.
    machine("ErrorLevel", logs=sfn.LogOptions(destination=log_group))
    machine("FatalLevel", logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.FATAL))
    l1("L1ErrorLevel", logging_configuration=logging(log_group.log_group_arn, "ERROR"))
    cfn(machine("EscLevelError")).add_property_override(LEVEL, "ERROR")
    cfn(machine("IfLevelError")).add_property_override(LEVEL, switch.pick("ALL", "ERROR"))
    cfn(machine("ParamLevel")).add_property_override(LEVEL, setting)

    # SC-SFN-3 X-Ray.
    machine("NoTracing", tracing_enabled=None)
    l1("L1NoTracing", tracing_configuration=None)
    cfn(machine("EscTracingOff")).add_property_override("TracingConfiguration.Enabled", False)
    cfn(machine("ParamTracing")).add_property_override("TracingConfiguration.Enabled", setting)

    # SC-SFN-4 customer-managed key.
    machine("AwsOwnedKey", encryption_configuration=sfn.AwsOwnedEncryptionConfiguration())
    machine("DefaultKey", encryption_configuration=None)
    l1(
        "L1AwsManagedKey",
        encryption_configuration={
            "type": "CUSTOMER_MANAGED_KMS_KEY",
            "kmsKeyId": "alias/aws/states",
        },
    )
    cfn(machine("EscKeyRemoved")).add_property_deletion_override("EncryptionConfiguration")
    cfn(machine("ParamKey")).add_property_override("EncryptionConfiguration.KmsKeyId", setting)
    cfn(machine("IfKey")).add_property_override(
        "EncryptionConfiguration.Type", switch.pick("CUSTOMER_MANAGED_KMS_KEY", "AWS_OWNED_KEY")
    )

    # Everything CDK leaves at its default.
    sfn.StateMachine(
        stack, "CdkDefault", definition_body=sfn.DefinitionBody.from_string(DEFINITION)
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    shared = cdk.Stack(app, "SfnShared")
    shared_key = kms.Key(shared, "SharedKey", enable_key_rotation=True)
    shared_logs = logs.LogGroup(shared, "SharedLogs", encryption_key=shared_key)
    _build(cdk.Stack(app, "Sfn"), shared_key, shared_logs)
    return check_app(app)


def at(name: str) -> str:
    return f"Sfn/{name}"


def paths(ev: Checked, name: str, rule_id: str) -> set[str]:
    return {f.property_path for f in findings_at(ev, at(name)) if f.rule.id == rule_id}


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "L1Secure",
        "SecureExpress",
        "SharedLogsAndKey",
        "LogGroupByName",
        "LiteralKey",
        "IfTwoLevels",
        "IfTwoLogGroups",
    ],
)
def test_hardened_state_machine_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


def test_log_groups_and_keys_of_the_app_have_no_finding(ev: Checked) -> None:
    # CDK's own grant of the key to delivery.logs.amazonaws.com (state machine logging)
    # names no source account: the SC-IAM-4 warning is true of the template.
    assert ids(ev, at("Key")) | ids(ev, "SfnShared") == {"SC-IAM-4"}


def test_cdk_default_state_machine_is_flagged_for_logs_tracing_and_key(ev: Checked) -> None:
    assert outcomes(ev, at("CdkDefault")) == {
        ("SC-SFN-1", NON_COMPLIANT),
        ("SC-SFN-3", NON_COMPLIANT),
        ("SC-SFN-4", NON_COMPLIANT),
    }


# -- SC-SFN-1 logs to a log group of the app ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("NoLogs", f"Properties.{LEVEL}"),
        ("LogsOff", f"Properties.{LEVEL}"),
        ("L1NoLogging", f"Properties.{LEVEL}"),
        ("EscLevelOff", f"Properties.{LEVEL}"),
        ("EscLoggingRemoved", f"Properties.{LEVEL}"),
        ("L1NoDestination", "Properties.LoggingConfiguration.Destinations"),
        ("EscDestinationsRemoved", "Properties.LoggingConfiguration.Destinations"),
        (
            "DestinationNotLogGroup",
            "Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn",
        ),
    ],
)
def test_state_machine_without_logs_is_flagged(ev: Checked, name: str, path: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SFN-1", NON_COMPLIANT)}
    assert paths(ev, name, "SC-SFN-1") == {path}
    assert all(f.blocks_synthesis for f in findings_at(ev, at(name)))


@pytest.mark.parametrize(
    "name", ["OutsideLogGroup", "ImportedLogGroup", "ParamLogGroup", "IfLoggingOff"]
)
def test_log_destination_that_cannot_be_judged_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SFN-1", CANNOT_VERIFY)}


def test_log_group_outside_the_app_is_named(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("OutsideLogGroup"))
    assert "not declared in the app" in finding.message


# -- SC-SFN-2 every event ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["ErrorLevel", "FatalLevel", "L1ErrorLevel", "EscLevelError"])
def test_state_machine_logging_only_errors_is_warned(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SFN-2", NON_COMPLIANT)}
    assert paths(ev, name, "SC-SFN-2") == {f"Properties.{LEVEL}"}
    assert all(f.rule.severity is Severity.WARNING for f in findings_at(ev, at(name)))


def test_level_error_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfLevelError")) == {("SC-SFN-2", CANNOT_VERIFY)}


def test_level_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamLevel")) == {
        ("SC-SFN-1", CANNOT_VERIFY),
        ("SC-SFN-2", CANNOT_VERIFY),
    }


# -- SC-SFN-3 X-Ray ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["NoTracing", "L1NoTracing", "EscTracingOff"])
def test_state_machine_without_tracing_is_warned(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SFN-3", NON_COMPLIANT)}
    assert paths(ev, name, "SC-SFN-3") == {"Properties.TracingConfiguration.Enabled"}


def test_tracing_from_a_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamTracing")) == {("SC-SFN-3", CANNOT_VERIFY)}


# -- SC-SFN-4 customer-managed key -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("AwsOwnedKey", "Properties.EncryptionConfiguration.Type"),
        ("DefaultKey", "Properties.EncryptionConfiguration.Type"),
        ("EscKeyRemoved", "Properties.EncryptionConfiguration.Type"),
        ("L1AwsManagedKey", "Properties.EncryptionConfiguration.KmsKeyId"),
    ],
)
def test_state_machine_without_customer_key_is_warned(ev: Checked, name: str, path: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SFN-4", NON_COMPLIANT)}
    assert paths(ev, name, "SC-SFN-4") == {path}
    assert not any(f.blocks_synthesis for f in findings_at(ev, at(name)))


@pytest.mark.parametrize("name", ["ParamKey", "IfKey"])
def test_key_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SFN-4", CANNOT_VERIFY)}
