"""SC-CODEBUILD-1..4 on build projects: L2s, raw L1s, escape hatches, tokens.

One app is synthesized for the module: stack ``Builds`` holds one project per case
(construct id = case name).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, outcomes

AWS_KEY_ID = "AKIA" + "Q3EGRIJ5EXAMPLE1"  # the shape of an access key id, not a real one
SPEC = codebuild.BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": []}}})
PLAIN = codebuild.BuildEnvironmentVariableType.PLAINTEXT
SECRET = codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER
PARAMETER = codebuild.BuildEnvironmentVariableType.PARAMETER_STORE


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    no_echo = cdk.CfnParameter(stack, "DbPassword", no_echo=True).value_as_string
    switch = Switch(stack)
    logs_bucket = s3.Bucket.from_bucket_name(stack, "LogsBucket", "build-logs-outside-the-app")

    def variables(**pairs: tuple[str, codebuild.BuildEnvironmentVariableType]) -> Any:
        return {
            name: codebuild.BuildEnvironmentVariable(value=value, type=kind)
            for name, (value, kind) in pairs.items()
        }

    def project(
        construct_id: str,
        *,
        privileged: bool = False,
        environment_variables: Any = None,
        **overrides: Any,
    ) -> codebuild.Project:
        props: dict[str, Any] = {
            "build_spec": SPEC,
            "encryption_key": key,
            "environment": codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.STANDARD_7_0,
                privileged=privileged,
                environment_variables=environment_variables,
            ),
        }
        props.update(overrides)
        return codebuild.Project(stack, construct_id, **props)

    def l1(construct_id: str, **overrides: Any) -> codebuild.CfnProject:
        environment = {
            "type": "LINUX_CONTAINER",
            "computeType": "BUILD_GENERAL1_SMALL",
            "image": "aws/codebuild/standard:7.0",
        }
        environment.update(overrides.pop("environment", {}))
        props: dict[str, Any] = {
            "artifacts": {"type": "NO_ARTIFACTS"},
            "source": {"type": "NO_SOURCE", "buildSpec": "version: 0.2"},
            "service_role": "arn:aws:iam::123456789012:role/build",
            "encryption_key": key.key_arn,
            "environment": environment,
        }
        props.update(overrides)
        return codebuild.CfnProject(stack, construct_id, **props)

    # Compliant references.
    project(
        "Secure",
        environment_variables=variables(
            STAGE=("prod", PLAIN),
            DB_PASSWORD=("app/db-password", SECRET),
            API_KEY=("/app/api-key", PARAMETER),
        ),
    )
    codebuild.PipelineProject(stack, "SecurePipelineProject", encryption_key=key)
    l1("L1Secure")
    codebuild.Project(stack, "Default", build_spec=SPEC)

    # SC-CODEBUILD-1 privileged mode.
    project("Privileged", privileged=True)
    l1("L1Privileged", environment={"privilegedMode": True})
    cfn(project("EscPrivileged")).add_property_override("Environment.PrivilegedMode", True)
    cfn(project("ParamPrivileged")).add_property_override("Environment.PrivilegedMode", setting)
    cfn(project("IfPrivileged")).add_property_override(
        "Environment.PrivilegedMode", switch.pick(False, True)
    )
    cfn(project("IfUnprivileged")).add_property_override(
        "Environment.PrivilegedMode", switch.pick(False, "false")
    )

    # SC-CODEBUILD-2 customer-managed key.
    l1("L1NoKey", encryption_key=None)
    l1("L1AwsManagedKey", encryption_key="alias/aws/s3")
    cfn(project("EscNoKey")).add_property_deletion_override("EncryptionKey")
    cfn(project("ParamKey")).add_property_override("EncryptionKey", setting)
    cfn(project("IfKey")).add_property_override(
        "EncryptionKey", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )
    project(
        "S3LogsUnencrypted",
        logging=codebuild.LoggingOptions(
            s3=codebuild.S3LoggingOptions(bucket=logs_bucket, encrypted=False)
        ),
    )
    l1(
        "L1ArtifactsUnencrypted",
        artifacts={"type": "S3", "location": "artifacts-bucket", "encryptionDisabled": True},
    )

    # SC-CODEBUILD-3 clear-text credentials.
    project(
        "PasswordEnv", environment_variables=variables(DB_PASSWORD=("correct-horse-battery", PLAIN))
    )
    project("AccessKeyEnv", environment_variables=variables(UPSTREAM=(AWS_KEY_ID, PLAIN)))
    project("NoEchoPasswordEnv", environment_variables=variables(DB_PASSWORD=(no_echo, PLAIN)))
    l1(
        "L1UntypedPassword",
        environment={"environmentVariables": [{"name": "DB_PASS", "value": "hunter2"}]},
    )
    cfn(project("EscPasswordEnv")).add_property_override(
        "Environment.EnvironmentVariables",
        [{"Name": "DB_PASSWORD", "Type": "PLAINTEXT", "Value": "correct-horse-battery"}],
    )
    cfn(project("ParamTypePassword")).add_property_override(
        "Environment.EnvironmentVariables",
        [{"Name": "DB_PASSWORD", "Type": setting, "Value": "correct-horse-battery"}],
    )
    cfn(project("ParamTypeNoEchoPassword")).add_property_override(
        "Environment.EnvironmentVariables",
        [{"Name": "DB_PASSWORD", "Type": setting, "Value": no_echo}],
    )
    cfn(project("ParamTypeStage")).add_property_override(
        "Environment.EnvironmentVariables", [{"Name": "STAGE", "Type": setting, "Value": "prod"}]
    )
    cfn(project("IfTypePassword")).add_property_override(
        "Environment.EnvironmentVariables",
        [
            {
                "Name": "DB_PASSWORD",
                "Type": switch.pick("SECRETS_MANAGER", "PLAINTEXT"),
                "Value": "correct-horse-battery",
            }
        ],
    )
    l1(
        "L1SourceUrlPassword",
        source={
            "type": "BITBUCKET",
            "location": "https://builder:correct-horse-battery@bitbucket.org/team/app.git",
        },
    )
    l1("L1SourceUrlPlain", source={"type": "GITHUB", "location": "https://github.com/org/app.git"})

    # SC-CODEBUILD-4 logs.
    project(
        "NoLogs",
        logging=codebuild.LoggingOptions(
            cloud_watch=codebuild.CloudWatchLoggingOptions(enabled=False)
        ),
    )
    project(
        "S3LogsOnly",
        logging=codebuild.LoggingOptions(
            cloud_watch=codebuild.CloudWatchLoggingOptions(enabled=False),
            s3=codebuild.S3LoggingOptions(bucket=logs_bucket),
        ),
    )
    l1("L1NoLogs", logs_config={"cloudWatchLogs": {"status": "DISABLED"}})
    l1(
        "L1BothLogsDisabled",
        logs_config={
            "cloudWatchLogs": {"status": "DISABLED"},
            "s3Logs": {"status": "DISABLED"},
        },
    )
    cfn(project("EscNoLogs")).add_property_override("LogsConfig.CloudWatchLogs.Status", "DISABLED")
    cfn(project("ParamLogs")).add_property_override("LogsConfig.CloudWatchLogs.Status", setting)
    cfn(project("IfLogs")).add_property_override(
        "LogsConfig.CloudWatchLogs.Status", switch.pick("ENABLED", "DISABLED")
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Builds"))
    return check_app(app)


def at(name: str) -> str:
    return f"Builds/{name}"


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    """Outcomes of the CodeBuild rules at a case (the roles CDK adds are judged elsewhere)."""
    return {
        (rule, status) for rule, status in outcomes(ev, at(name)) if rule.startswith("SC-CODEBUILD")
    }


def message(ev: Checked, name: str, rule_id: str) -> str:
    (finding,) = [
        f
        for f in ev.evaluation.findings
        if f.rule.id == rule_id
        and f.construct_path is not None
        and f.construct_path.startswith(at(name))
    ]
    return finding.message


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "SecurePipelineProject",
        "L1Secure",
        "IfUnprivileged",
        "ParamTypeStage",
        "L1SourceUrlPlain",
        "S3LogsOnly",
    ],
)
def test_hardened_project_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


def test_default_project_uses_the_aws_managed_s3_key(ev: Checked) -> None:
    assert mine(ev, "Default") == {("SC-CODEBUILD-2", NON_COMPLIANT)}
    assert "'alias/aws/s3'" in message(ev, "Default", "SC-CODEBUILD-2")


# -- SC-CODEBUILD-1 privileged mode ------------------------------------------------------


@pytest.mark.parametrize("name", ["Privileged", "L1Privileged", "EscPrivileged"])
def test_privileged_project_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-CODEBUILD-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamPrivileged", "IfPrivileged"])
def test_privilege_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-CODEBUILD-1", CANNOT_VERIFY)}


def test_privileged_message_says_how_to_acknowledge(ev: Checked) -> None:
    assert "acknowledge SC-CODEBUILD-1" in message(ev, "Privileged", "SC-CODEBUILD-1")


# -- SC-CODEBUILD-2 customer-managed key -------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["L1NoKey", "L1AwsManagedKey", "EscNoKey", "S3LogsUnencrypted", "L1ArtifactsUnencrypted"],
)
def test_project_without_customer_key_or_encryption_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-CODEBUILD-2", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamKey", "IfKey"])
def test_key_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-CODEBUILD-2", CANNOT_VERIFY)}


def test_unencrypted_s3_logs_name_the_flag(ev: Checked) -> None:
    text = message(ev, "S3LogsUnencrypted", "SC-CODEBUILD-2")
    assert "LogsConfig.S3Logs.EncryptionDisabled is true" in text


# -- SC-CODEBUILD-3 clear-text credentials -----------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["PasswordEnv", "AccessKeyEnv", "L1UntypedPassword", "EscPasswordEnv", "L1SourceUrlPassword"],
)
def test_clear_text_credentials_are_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-CODEBUILD-3", NON_COMPLIANT)}


@pytest.mark.parametrize(
    "name",
    ["NoEchoPasswordEnv", "ParamTypePassword", "ParamTypeNoEchoPassword", "IfTypePassword"],
)
def test_credentials_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-CODEBUILD-3", CANNOT_VERIFY)}


def test_secret_message_names_the_variable_and_the_fix(ev: Checked) -> None:
    text = message(ev, "PasswordEnv", "SC-CODEBUILD-3")
    assert "DB_PASSWORD" in text
    assert "SECRETS_MANAGER" in text


# -- SC-CODEBUILD-4 logs -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["NoLogs", "L1NoLogs", "L1BothLogsDisabled", "EscNoLogs"])
def test_project_without_logs_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-CODEBUILD-4", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamLogs", "IfLogs"])
def test_logging_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-CODEBUILD-4", CANNOT_VERIFY)}
