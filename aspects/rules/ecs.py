"""Amazon ECS guardrails: unprivileged, private, logged containers without plaintext secrets."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.secrets_detection import variable_problems
from aspects.values import as_list, dig, intrinsic_name

TASK_DEFINITION = ("AWS::ECS::TaskDefinition",)


def _containers(r: ResourceView) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for i, container in enumerate(as_list(r.props.get("ContainerDefinitions"))):
        if isinstance(container, Mapping):
            name = container.get("Name")
            label = name if isinstance(name, str) else f"ContainerDefinitions[{i}]"
            yield label, container


def _not_privileged(r: ResourceView) -> Iterator[Problem]:
    for name, container in _containers(r):
        value = container.get("Privileged")
        if value is not None and r.bool(value, f"{name}.Privileged"):
            yield Problem(
                f"container {name!r} runs privileged: it has root on the host's kernel "
                "features and can escape its isolation",
                "Properties.ContainerDefinitions",
            )


def _no_public_ip(r: ResourceView) -> Iterator[Problem]:
    value = dig(r.props, "NetworkConfiguration", "AwsvpcConfiguration", "AssignPublicIp")
    if value is not None and r.literal(value, "AssignPublicIp") == "ENABLED":
        yield Problem(
            "AssignPublicIp is ENABLED: every task gets an address reachable from the "
            "internet; put tasks in private subnets behind a load balancer",
            "Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
        )


#: How to fix a secret in the environment (the end of every SC-ECS-3 message).
ENVIRONMENT_FIX = (
    "the task definition shows it to anyone with ecs:DescribeTaskDefinition; pass it in "
    "the container's Secrets (ecs.Secret.from_secrets_manager or from_ssm_parameter)"
)


def _no_plaintext_secrets(r: ResourceView) -> Iterator[Problem]:
    unknown: CannotVerify | None = None
    for name, container in _containers(r):
        for i, variable in enumerate(as_list(container.get("Environment"))):
            if not isinstance(variable, Mapping):
                continue
            key = variable.get("Name")
            if key is not None and not isinstance(key, str) and intrinsic_name(key) is None:
                continue
            known = key if isinstance(key, str) else None  # None: only known at deploy time
            problems, why = variable_problems(
                r,
                known,
                variable.get("Value"),
                f"container {name!r} environment variable {key if known else f'[{i}]'}",
                path="Properties.ContainerDefinitions",
            )
            for problem in problems:
                yield Problem(f"{problem.message}; {ENVIRONMENT_FIX}", problem.path)
            unknown = unknown or why
    if unknown is not None:
        raise unknown


def _logged(r: ResourceView) -> Iterator[Problem]:
    for name, container in _containers(r):
        if not dig(container, "LogConfiguration", "LogDriver"):
            yield Problem(
                f"container {name!r} has no LogConfiguration, so its output is lost",
                "Properties.ContainerDefinitions",
            )


def _container_insights(r: ResourceView) -> Iterator[Problem]:
    for setting in as_list(r.props.get("ClusterSettings")):
        if isinstance(setting, Mapping) and setting.get("Name") == "containerInsights":
            value = r.literal(setting.get("Value"), "ClusterSettings.containerInsights")
            if value in ("enabled", "enhanced"):
                return
    yield Problem(
        "Container Insights is not enabled, so task-level CPU, memory and network metrics "
        "are missing when something goes wrong",
        "Properties.ClusterSettings",
    )


def _read_only_root(r: ResourceView) -> Iterator[Problem]:
    for name, container in _containers(r):
        value = container.get("ReadonlyRootFilesystem")
        if value is None or not r.bool(value, f"{name}.ReadonlyRootFilesystem"):
            yield Problem(
                f"container {name!r} can write to its root filesystem, so an attacker can "
                "drop tools and persist changes",
                "Properties.ContainerDefinitions",
            )


RULES = (
    Rule(
        id="SC-ECS-1",
        title="ECS containers are not privileged",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=TASK_DEFINITION,
        rationale="A privileged container has nearly the host's powers; a compromise of the "
        "app becomes a compromise of the host.",
        fix="Remove privileged=True; grant specific Linux capabilities if truly needed.",
        check=_not_privileged,
        fsbp=("ECS.4",),
        nist_800_53=("AC-6",),
    ),
    Rule(
        id="SC-ECS-2",
        title="ECS services do not assign public IP addresses",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=("AWS::ECS::Service",),
        rationale="Tasks with public IPs are reachable from the internet around the load "
        "balancer and its WAF.",
        fix="Set assign_public_ip=False and place tasks in private subnets.",
        check=_no_public_ip,
        fsbp=("ECS.2",),
        nist_800_53=("SC-7",),
    ),
    Rule(
        id="SC-ECS-3",
        title="ECS containers keep secrets out of plain environment variables",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=TASK_DEFINITION,
        rationale="Environment values are stored in the task definition in clear text and "
        "shown to anyone with ecs:DescribeTaskDefinition. Each name/value pair is judged "
        "exactly as SC-LAMBDA-2 judges a function's environment: known credential formats, "
        "high-entropy values, dynamic references and secret attributes under any name, "
        "literals under secret-looking names; a secret-looking name whose value comes from "
        "a parameter or an import cannot be verified.",
        fix="Pass secrets with secrets={...: ecs.Secret.from_secrets_manager(...)} (or SSM "
        "parameters); keep only references (ARNs, names) in environment.",
        check=_no_plaintext_secrets,
        fsbp=("ECS.8",),
        nist_800_53=("IA-5", "SC-28"),
    ),
    Rule(
        id="SC-ECS-4",
        title="ECS containers send their logs somewhere",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=TASK_DEFINITION,
        rationale="Without a log configuration a container's output (errors, access logs, "
        "traces of an attack) is lost when the task stops.",
        fix="Set logging=ecs.LogDrivers.aws_logs(log_group=<encrypted log group>, ...).",
        check=_logged,
        fsbp=("ECS.9",),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-ECS7",),
    ),
    Rule(
        id="SC-ECS-5",
        title="ECS clusters have Container Insights",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=("AWS::ECS::Cluster",),
        rationale="Container Insights gives the per-task metrics needed to notice and "
        "investigate abnormal behaviour.",
        fix="Set container_insights_v2=ContainerInsights.ENABLED (or ENHANCED).",
        check=_container_insights,
        fsbp=("ECS.12",),
        cdk_nag=("AwsSolutions-ECS4",),
        checkov=("CKV_AWS_65",),
    ),
    Rule(
        id="SC-ECS-6",
        title="ECS containers have a read-only root filesystem",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=TASK_DEFINITION,
        rationale="A read-only root filesystem stops an attacker from dropping tools or "
        "changing the application; scratch space comes from a dedicated volume.",
        fix="Set readonly_root_filesystem=True and mount a volume for paths that must be writable.",
        check=_read_only_root,
        fsbp=("ECS.5",),
    ),
)
