"""SC-ECS-1..9 on task definitions, services and clusters.

One app for the module: stack ``Ecs`` holds one task definition, service or cluster per
case (construct id = case name). Images come from a registry name: no Docker needed.
Containers run as ``1000:1000`` unless the case is about the user.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, ids, outcomes

IMAGE = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")
AWS_KEY_ID = "AKIA" + "Q3EGRIJ5EXAMPLE1"  # the shape of an access key id, not a real one
NON_ROOT = "1000:1000"


def _build(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    group = logs.LogGroup(stack, "AppLogs", retention=logs.RetentionDays.ONE_MONTH)

    def task(
        name: str,
        *,
        logging: bool = True,
        read_only: bool = True,
        privileged: bool | None = None,
        environment: dict[str, str] | None = None,
        user: str | None = NON_ROOT,
        capabilities: tuple[ecs.Capability, ...] = (),
        drop: tuple[ecs.Capability, ...] = (),
        **definition_props: Any,
    ) -> ecs.FargateTaskDefinition:
        definition = ecs.FargateTaskDefinition(stack, name, **definition_props)
        options: dict[str, Any] = {
            "image": IMAGE,
            "readonly_root_filesystem": read_only,
            "environment": environment,
            "user": user,
        }
        if logging:
            options["logging"] = ecs.LogDrivers.aws_logs(stream_prefix="app", log_group=group)
        if privileged is not None:
            options["privileged"] = privileged
        if capabilities or drop:
            linux = ecs.LinuxParameters(stack, f"{name}Linux")
            linux.add_capabilities(*capabilities)
            linux.drop_capabilities(*drop)
            options["linux_parameters"] = linux
        definition.add_container("app", **options)
        return definition

    good = task(
        "GoodTask",
        environment={
            "DB_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:db",
            "MODE": "prod",
        },
    )
    task("PrivilegedTask", privileged=True)
    task("UnloggedTask", logging=False)
    task("WritableRootTask", read_only=False)
    task("PasswordEnvTask", environment={"DB_PASSWORD": "correct-horse-battery"})
    task("AccessKeyEnvTask", environment={"UPSTREAM": AWS_KEY_ID})
    task(
        "ReferencesEnvTask",
        environment={"API_KEY_PARAMETER_NAME": "/app/api-key", "TOKEN_TABLE_NAME": "tokens"},
    )
    ecs.CfnTaskDefinition(
        stack,
        "L1Task",
        requires_compatibilities=["FARGATE"],
        network_mode="awsvpc",
        cpu="256",
        memory="512",
        container_definitions=[
            ecs.CfnTaskDefinition.ContainerDefinitionProperty(
                name="app", image="public.ecr.aws/nginx/nginx:1.27", privileged=True
            )
        ],
    )
    ecs.CfnTaskDefinition(
        stack,
        "L1CapsTask",
        requires_compatibilities=["FARGATE"],
        network_mode="awsvpc",
        cpu="256",
        memory="512",
        container_definitions=[
            ecs.CfnTaskDefinition.ContainerDefinitionProperty(
                name="app",
                image="public.ecr.aws/nginx/nginx:1.27",
                user="app",
                readonly_root_filesystem=True,
                log_configuration=ecs.CfnTaskDefinition.LogConfigurationProperty(
                    log_driver="awslogs", options={"awslogs-group": "app"}
                ),
                linux_parameters=ecs.CfnTaskDefinition.LinuxParametersProperty(
                    capabilities=ecs.CfnTaskDefinition.KernelCapabilitiesProperty(add=["ALL"])
                ),
            )
        ],
    )

    # SC-ECS-7: the user.
    task("NoUserTask", user=None)
    task("RootUserTask", user="root")
    task("ZeroUidTask", user="00:1000")
    task("NamedUserTask", user="app:app")
    task(
        "WindowsTask",
        user=None,
        cpu=1024,
        memory_limit_mib=2048,
        runtime_platform=ecs.RuntimePlatform(
            operating_system_family=ecs.OperatingSystemFamily.WINDOWS_SERVER_2022_CORE,
            cpu_architecture=ecs.CpuArchitecture.X86_64,
        ),
    )
    cfn(task("EscRootTask")).add_property_override("ContainerDefinitions.0.User", "0")
    cfn(task("EscNoUserTask")).add_property_deletion_override("ContainerDefinitions.0.User")
    cfn(task("ParamUserTask")).add_property_override("ContainerDefinitions.0.User", setting)
    cfn(task("IfUserTask")).add_property_override(
        "ContainerDefinitions.0.User", switch.pick("1000", "root")
    )

    # SC-ECS-8: added capabilities.
    task("PtraceTask", capabilities=(ecs.Capability.SYS_PTRACE,))
    task(
        "DefaultCapsTask",
        capabilities=(ecs.Capability.NET_BIND_SERVICE,),
        drop=(ecs.Capability.ALL,),
    )
    caps = "ContainerDefinitions.0.LinuxParameters.Capabilities.Add"
    cfn(task("EscCapsTask")).add_property_override(caps, ["SYS_ADMIN", "CHOWN"])
    cfn(task("ParamCapsTask")).add_property_override(caps, [setting])
    cfn(task("IfCapsTask")).add_property_override(
        caps, switch.pick(["NET_BIND_SERVICE"], ["NET_ADMIN"])
    )
    cfn(task("EscPrivilegedTask")).add_property_override("ContainerDefinitions.0.Privileged", True)
    cfn(task("EscSecretEnvTask")).add_property_override(
        "ContainerDefinitions.0.Environment",
        [{"Name": "DB_PASSWORD", "Value": "correct-horse-battery"}],
    )
    # SC-ECS-3 beyond plain-text literals: the same judgement as SC-LAMBDA-2.
    no_echo = cdk.CfnParameter(stack, "DbPassword", no_echo=True).value_as_string
    access_key = iam.CfnAccessKey(stack, "AccessKey", user_name=iam.CfnUser(stack, "User").ref)
    task("NoEchoPasswordTask", environment={"DB_PASSWORD": no_echo})
    task("ImportedPasswordTask", environment={"DB_PASSWORD": cdk.Fn.import_value("shared-db")})
    task("SubPasswordTask", environment={"DB_PASSWORD": cdk.Fn.sub("${DbPassword}")})
    task("AccessKeySecretTask", environment={"UPSTREAM": access_key.attr_secret_access_key})
    task("ShortPassTask", environment={"DB_PASS": "hunter2"})
    task("NotAnArnTask", environment={"DB_PASSWORD": "arn:hunter2"})
    task(
        "SettingsTask",
        environment={
            "MAX_TOKENS": "1024",
            "DISABLE_TOKEN_CACHE": "true",
            "SECRET_ROTATION_DAYS": "30",
            "PASSTHROUGH": "headers",
            "LOG_LEVEL": setting,
        },
    )
    cfn(task("EscJoinedPasswordTask")).add_property_override(
        "ContainerDefinitions.0.Environment",
        [{"Name": "DB_PASSWORD", "Value": {"Fn::Join": ["", ["hunter", "2-longer"]]}}],
    )
    cfn(task("EscNoLogsTask")).add_property_deletion_override(
        "ContainerDefinitions.0.LogConfiguration"
    )
    cfn(task("EscWritableTask")).add_property_override(
        "ContainerDefinitions.0.ReadonlyRootFilesystem", False
    )
    cfn(task("ParamPrivilegedTask")).add_property_override(
        "ContainerDefinitions.0.Privileged", setting
    )
    cfn(task("IfReadOnlyTask")).add_property_override(
        "ContainerDefinitions.0.ReadonlyRootFilesystem", switch.pick(True, False)
    )

    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="App", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        ],
    )
    cluster = ecs.Cluster(
        stack, "InsightsCluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENHANCED
    )
    ecs.Cluster(stack, "PlainCluster", vpc=vpc)
    cfn(
        ecs.Cluster(
            stack,
            "EscInsightsCluster",
            vpc=vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
        )
    ).add_property_override("ClusterSettings", [{"Name": "containerInsights", "Value": "disabled"}])

    def service(name: str, *, on: ecs.ICluster = cluster, **props: Any) -> ecs.FargateService:
        return ecs.FargateService(stack, name, cluster=on, task_definition=good, **props)

    service("PrivateService")
    service(
        "PublicIpService",
        assign_public_ip=True,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
    )
    cfn(service("EscPublicIpService")).add_property_override(
        "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp", "ENABLED"
    )
    cfn(service("ParamPublicIpService")).add_property_override(
        "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp", setting
    )
    cfn(service("IfPublicIpService")).add_property_override(
        "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
        switch.pick("DISABLED", "ENABLED"),
    )

    # SC-ECS-9: ECS Exec sessions encrypted and logged.
    exec_key = kms.Key(stack, "ExecKey", enable_key_rotation=True)
    exec_logs = logs.LogGroup(stack, "ExecLogs", encryption_key=exec_key)

    def exec_cluster(
        name: str,
        *,
        logging: ecs.ExecuteCommandLogging = ecs.ExecuteCommandLogging.OVERRIDE,
        encrypted_logs: bool = True,
        **props: Any,
    ) -> ecs.Cluster:
        log_configuration = (
            ecs.ExecuteCommandLogConfiguration(
                cloud_watch_log_group=exec_logs, cloud_watch_encryption_enabled=encrypted_logs
            )
            if logging == ecs.ExecuteCommandLogging.OVERRIDE
            else None
        )
        return ecs.Cluster(
            stack,
            name,
            vpc=vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
            execute_command_configuration=ecs.ExecuteCommandConfiguration(
                kms_key=exec_key, logging=logging, log_configuration=log_configuration
            ),
            **props,
        )

    protected = exec_cluster("ExecCluster", cluster_name="exec-cluster")
    service("ExecService", on=protected, enable_execute_command=True)
    service("ExecPlainClusterService", enable_execute_command=True)
    service(
        "ExecDefaultLoggingService",
        on=exec_cluster("DefaultLoggingCluster", logging=ecs.ExecuteCommandLogging.DEFAULT),
        enable_execute_command=True,
    )
    service(
        "ExecNoLoggingService",
        on=exec_cluster("NoLoggingCluster", logging=ecs.ExecuteCommandLogging.NONE),
        enable_execute_command=True,
    )
    service(
        "ExecClearLogsService",
        on=exec_cluster("ClearLogsCluster", encrypted_logs=False),
        enable_execute_command=True,
    )
    param_key = exec_cluster("ParamKeyCluster")
    cfn(param_key).add_property_override(
        "Configuration.ExecuteCommandConfiguration.KmsKeyId", setting
    )
    service("ExecParamKeyService", on=param_key, enable_execute_command=True)
    cfn(service("EscExecService")).add_property_override("EnableExecuteCommand", True)
    cfn(service("ParamExecService")).add_property_override("EnableExecuteCommand", setting)
    cfn(service("IfExecService")).add_property_override(
        "EnableExecuteCommand", switch.pick(False, True)
    )
    cfn(service("IfExecProtectedService", on=protected)).add_property_override(
        "EnableExecuteCommand", switch.pick(False, True)
    )

    def l1_service(name: str, cluster_name: str | None) -> ecs.CfnService:
        return ecs.CfnService(
            stack,
            name,
            cluster=cluster_name,
            task_definition=good.task_definition_arn,
            launch_type="FARGATE",
            enable_execute_command=True,
            network_configuration=ecs.CfnService.NetworkConfigurationProperty(
                awsvpc_configuration=ecs.CfnService.AwsVpcConfigurationProperty(
                    subnets=vpc.select_subnets(subnet_group_name="App").subnet_ids,
                    assign_public_ip="DISABLED",
                )
            ),
        )

    l1_service("L1NamedClusterExecService", "exec-cluster")
    l1_service("L1OtherClusterExecService", "shared-cluster")
    l1_service("L1DefaultClusterExecService", None)


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Ecs"))
    return check_app(app)


def at(name: str) -> str:
    return f"Ecs/{name}/Resource"


# -- task definitions -----------------------------------------------------------------------


def test_logged_read_only_task_with_references_in_environment_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("GoodTask")) == set()


def test_reference_names_that_mention_keys_and_tokens_are_not_secrets(ev: Checked) -> None:
    assert ids(ev, at("ReferencesEnvTask")) == set()


def test_privileged_container_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("PrivilegedTask")) == {"SC-ECS-1"}


def test_container_without_logs_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("UnloggedTask")) == {"SC-ECS-4"}


def test_writable_root_filesystem_gets_a_warning(ev: Checked) -> None:
    assert ids(ev, at("WritableRootTask")) == {"SC-ECS-6"}


@pytest.mark.parametrize("name", ["PasswordEnvTask", "AccessKeyEnvTask"])
def test_plaintext_secret_in_environment_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-ECS-3"}


@pytest.mark.parametrize(
    "name", ["AccessKeySecretTask", "ShortPassTask", "NotAnArnTask", "EscJoinedPasswordTask"]
)
def test_secret_attribute_short_name_fake_arn_or_joined_literal_is_flagged(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-ECS-3", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["NoEchoPasswordTask", "ImportedPasswordTask", "SubPasswordTask"])
def test_secret_name_from_parameter_or_import_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-ECS-3", CANNOT_VERIFY)}


def test_settings_named_with_secret_words_are_compliant(ev: Checked) -> None:
    assert ids(ev, at("SettingsTask")) == set()


def test_l1_privileged_container_without_logs_user_or_read_only_root_is_flagged(
    ev: Checked,
) -> None:
    assert ids(ev, "Ecs/L1Task") == {"SC-ECS-1", "SC-ECS-4", "SC-ECS-6", "SC-ECS-7"}


def test_privilege_added_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscPrivilegedTask")) == {("SC-ECS-1", NON_COMPLIANT)}


def test_privilege_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamPrivilegedTask")) == {("SC-ECS-1", CANNOT_VERIFY)}


def test_read_only_root_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfReadOnlyTask")) == {("SC-ECS-6", CANNOT_VERIFY)}


# -- services and clusters ----------------------------------------------------------------


def test_service_in_private_subnets_is_compliant(ev: Checked) -> None:
    assert ids(ev, "Ecs/PrivateService/Service") == set()


def test_service_with_public_ips_is_flagged(ev: Checked) -> None:
    assert ids(ev, "Ecs/PublicIpService/Service") == {"SC-ECS-2"}


def test_public_ip_enabled_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, "Ecs/EscPublicIpService/Service") == {("SC-ECS-2", NON_COMPLIANT)}


def test_public_ip_setting_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, "Ecs/ParamPublicIpService/Service") == {("SC-ECS-2", CANNOT_VERIFY)}


def test_public_ip_chosen_by_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, "Ecs/IfPublicIpService/Service") == {("SC-ECS-2", CANNOT_VERIFY)}


def test_cluster_with_container_insights_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("InsightsCluster")) == set()


def test_cluster_without_container_insights_gets_a_warning(ev: Checked) -> None:
    assert ids(ev, at("PlainCluster")) == {"SC-ECS-5"}


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("EscSecretEnvTask", "SC-ECS-3"),
        ("EscNoLogsTask", "SC-ECS-4"),
        ("EscWritableTask", "SC-ECS-6"),
        ("EscInsightsCluster", "SC-ECS-5"),
    ],
)
def test_weakening_by_override_is_flagged(ev: Checked, name: str, rule: str) -> None:
    assert outcomes(ev, at(name)) == {(rule, NON_COMPLIANT)}


# -- SC-ECS-7: the user ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["NoUserTask", "RootUserTask", "ZeroUidTask", "EscRootTask", "EscNoUserTask"]
)
def test_container_as_root_or_as_the_image_user_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-ECS-7", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["NamedUserTask", "WindowsTask"])
def test_named_user_and_windows_task_are_compliant(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


@pytest.mark.parametrize("name", ["ParamUserTask", "IfUserTask"])
def test_user_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-ECS-7", CANNOT_VERIFY)}


# -- SC-ECS-8: capabilities --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["PtraceTask", "EscCapsTask"])
def test_capability_beyond_the_defaults_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-ECS-8", NON_COMPLIANT)}


def test_l1_container_with_all_capabilities_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, "Ecs/L1CapsTask") == {("SC-ECS-8", NON_COMPLIANT)}


def test_default_capability_with_the_rest_dropped_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("DefaultCapsTask")) == set()


@pytest.mark.parametrize("name", ["ParamCapsTask", "IfCapsTask"])
def test_capabilities_from_parameter_or_condition_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-ECS-8", CANNOT_VERIFY)}


# -- SC-ECS-9: ECS Exec ----------------------------------------------------------------------


def svc(name: str) -> str:
    return f"Ecs/{name}/Service"


@pytest.mark.parametrize(
    "path", [svc("ExecService"), svc("ExecDefaultLoggingService"), "Ecs/L1NamedClusterExecService"]
)
def test_exec_with_encrypted_logged_sessions_is_compliant(ev: Checked, path: str) -> None:
    assert ids(ev, path) == set()


@pytest.mark.parametrize(
    "name",
    [
        "ExecPlainClusterService",
        "ExecNoLoggingService",
        "ExecClearLogsService",
        "EscExecService",
    ],
)
def test_exec_without_key_or_logs_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, svc(name)) == {("SC-ECS-9", NON_COMPLIANT)}


@pytest.mark.parametrize(
    "path",
    [
        svc("ExecParamKeyService"),
        svc("ParamExecService"),
        svc("IfExecService"),
        "Ecs/L1OtherClusterExecService",
        "Ecs/L1DefaultClusterExecService",
    ],
)
def test_exec_setting_key_or_cluster_unknown_at_synthesis_cannot_be_verified(
    ev: Checked, path: str
) -> None:
    assert outcomes(ev, path) == {("SC-ECS-9", CANNOT_VERIFY)}


def test_exec_switched_by_condition_on_a_protected_cluster_is_compliant(ev: Checked) -> None:
    assert ids(ev, svc("IfExecProtectedService")) == set()
