"""Amazon ECS guardrails: unprivileged, private, logged containers without plaintext secrets."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import AppIndex, ExternalRef, ResourceRef, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import app_cache
from aspects.rules._common import kms_key_problems
from aspects.secrets_detection import variable_problems
from aspects.values import as_list, dig, intrinsic_name, properties

TASK_DEFINITION = ("AWS::ECS::TaskDefinition",)
CLUSTER = "AWS::ECS::Cluster"

#: The capabilities Docker (and so ECS) grants a container by default. Adding one of them
#: changes nothing; adding anything else (SYS_ADMIN, SYS_PTRACE, NET_ADMIN, ALL...) widens
#: what a compromised process may do to the kernel and its neighbours. The same list is
#: the Kubernetes Pod Security Standards' "baseline" allowance.
DEFAULT_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
#: User names that mean uid 0 inside a Linux container.
ROOT_USER_NAMES = frozenset({"root"})


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


def _linux(r: ResourceView) -> bool:
    """Whether the task runs Linux containers (``User`` and capabilities are Linux-only)."""
    family = dig(r.props, "RuntimePlatform", "OperatingSystemFamily")
    if family is None:
        return True
    return (
        not str(r.literal(family, "RuntimePlatform.OperatingSystemFamily"))
        .upper()
        .startswith("WINDOWS")
    )


def _is_root(user: str) -> bool:
    """``root``, ``0``, ``00``, ``+0``, ``0:1000``, ``root:app``: the uid part is 0."""
    uid = user.partition(":")[0].strip()
    try:
        return int(uid) == 0
    except ValueError:
        return uid in ROOT_USER_NAMES


def _non_root(r: ResourceView) -> Iterator[Problem]:
    problems: list[Problem] = []
    for name, container in _containers(r):
        value = container.get("User")
        user = None if value is None else str(r.literal(value, f"{name}.User"))
        if user is None or not user.strip():
            problems.append(
                Problem(
                    f"container {name!r} has no User, so it runs as the image's USER, which "
                    "is root unless the image says otherwise",
                    "Properties.ContainerDefinitions",
                )
            )
        elif _is_root(user):
            problems.append(
                Problem(
                    f"container {name!r} runs as User {user!r}, which is root (uid 0): a "
                    "flaw in the application gives the attacker root in the container, one "
                    "kernel bug away from the host",
                    "Properties.ContainerDefinitions",
                )
            )
    if problems and _linux(r):  # Windows users differ (FSBP ECS.21)
        yield from problems


def _capabilities(r: ResourceView) -> Iterator[Problem]:
    for name, container in _containers(r):
        raw = dig(container, "LinuxParameters", "Capabilities", "Add")
        if raw is None:
            continue
        what = f"{name}.LinuxParameters.Capabilities.Add"
        added = [
            str(r.literal(item, f"{what}[{i}]"))
            for i, item in enumerate(as_list(r.literal(raw, what)))
        ]
        extra = sorted(
            {c for c in added if c.strip().upper().removeprefix("CAP_") not in DEFAULT_CAPABILITIES}
        )
        if extra:
            yield Problem(
                f"container {name!r} adds the Linux capabilities {', '.join(extra)} "
                "(LinuxParameters.Capabilities.Add) beyond Docker's defaults: with them a "
                "compromised process can trace other processes, reconfigure the network or "
                "administer the kernel, and escape the container",
                "Properties.ContainerDefinitions",
            )


# -- ECS Exec ------------------------------------------------------------------------------

_EXEC = "Configuration.ExecuteCommandConfiguration"


def _clusters_by_name(app: AppIndex) -> dict[str, ResourceRef]:
    """Clusters of the app with a literal ``ClusterName`` (and no ``Condition``)."""
    out: dict[str, ResourceRef] = {}
    for template in app.templates:
        for lid in template.by_type.get(CLUSTER, ()):
            resource = template.resources[lid]
            name = properties(resource).get("ClusterName")
            if isinstance(name, str) and "Condition" not in resource:
                out.setdefault(name, ResourceRef(template, lid))
    return out


def _service_cluster(r: ResourceView) -> ResourceView:
    """The cluster the service runs in, or :class:`CannotVerify` when it is outside the app."""
    value = r.props.get("Cluster")
    if value is None:
        raise CannotVerify(
            "the service runs in the account's default cluster, whose ECS Exec configuration "
            "is not part of the app",
            "Properties.Cluster",
        )
    ref = r.follow(value, "Cluster")
    if isinstance(ref, ExternalRef) and ref.literal is not None:
        name = ref.literal.rsplit("/", 1)[-1]
        ref = app_cache(r.app, "ecs_clusters_by_name", _clusters_by_name).get(name, ref)
    if not isinstance(ref, ResourceRef) or ref.type != CLUSTER:
        if isinstance(ref, ExternalRef):
            shown = repr(ref.literal) if ref.literal is not None else ref.description
        else:
            shown = f"{ref.logical_id} (a {ref.type})"
        raise CannotVerify(
            f"the service runs in the cluster {shown}, which is not a cluster of the app, so "
            "whether its ECS Exec sessions are encrypted and logged cannot be verified",
            "Properties.Cluster",
        )
    return ResourceView(ref.logical_id, ref.resource, ref.template, r.app)


def _task_logs_with_awslogs(r: ResourceView) -> bool:
    """Whether every container of the service's task definition uses the awslogs driver."""
    ref = r.follow(r.props.get("TaskDefinition"), "TaskDefinition")
    if not isinstance(ref, ResourceRef) or ref.type != TASK_DEFINITION[0]:
        raise CannotVerify(
            "ECS Exec logs with the task definition's awslogs configuration (Logging DEFAULT), "
            "and the task definition is not part of the app",
            "Properties.TaskDefinition",
        )
    task = ResourceView(ref.logical_id, ref.resource, ref.template, r.app)
    drivers = [
        task.literal(dig(c, "LogConfiguration", "LogDriver"), f"{name}.LogConfiguration")
        for name, c in _containers(task)
    ]
    return bool(drivers) and all(driver == "awslogs" for driver in drivers)


def _exec_logging_problems(r: ResourceView, cluster: ResourceView) -> Iterator[str]:
    config = dig(cluster.props, "Configuration", "ExecuteCommandConfiguration") or {}
    logging = str(cluster.literal(dig(config, "Logging") or "DEFAULT", f"{_EXEC}.Logging"))
    if logging == "NONE":
        yield f"{_EXEC}.Logging is NONE, so nothing records what was run in the sessions"
        return
    if logging != "OVERRIDE":
        if not _task_logs_with_awslogs(r):
            yield (
                f"{_EXEC}.Logging is {logging} (the task definition's awslogs configuration) "
                "but not every container logs with awslogs, so sessions are not recorded"
            )
        return
    log = dig(config, "LogConfiguration") or {}
    destinations = [
        (dest, flag)
        for dest, flag in (
            ("CloudWatchLogGroupName", "CloudWatchEncryptionEnabled"),
            ("S3BucketName", "S3EncryptionEnabled"),
        )
        if dig(log, dest) not in (None, "")
    ]
    if not destinations:
        yield (
            f"{_EXEC}.Logging is OVERRIDE but LogConfiguration names neither a log group nor "
            "a bucket, so sessions are not recorded"
        )
    for dest, flag in destinations:
        value = dig(log, flag)
        if value is None or not cluster.bool(value, f"{_EXEC}.LogConfiguration.{flag}"):
            yield (
                f"{_EXEC}.LogConfiguration.{flag} is not true, so the session transcripts "
                f"written to {dest} may be stored unencrypted"
            )


def _exec_sessions(r: ResourceView) -> Iterator[Problem]:
    value = r.props.get("EnableExecuteCommand")
    if value is None or not r.bool(value, "EnableExecuteCommand"):
        return  # ECS Exec is off by default
    cluster = _service_cluster(r)
    config = dig(cluster.props, "Configuration", "ExecuteCommandConfiguration") or {}
    where = f"EnableExecuteCommand is true but the cluster {cluster.logical_id}"
    for problem in kms_key_problems(cluster, dig(config, "KmsKeyId"), f"{_EXEC}.KmsKeyId"):
        yield Problem(
            f"{where}: {problem.message} (the shell sessions into the tasks are not "
            "encrypted end to end with a key you control)",
            "Properties.EnableExecuteCommand",
        )
    for message in _exec_logging_problems(r, cluster):
        yield Problem(f"{where}: {message}", "Properties.EnableExecuteCommand")


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
    Rule(
        id="SC-ECS-7",
        title="ECS Linux containers run as a non-root user",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=TASK_DEFINITION,
        rationale="Without User a container runs as its image's USER, which is root for most "
        "images; root in a container owns its files, may use every capability it has and "
        "is one kernel or runtime flaw away from the host. Any spelling of uid 0 (root, 0, "
        "00, 0:1000) counts as root. Windows task definitions are not judged here.",
        fix="Set user='1000:1000' (a non-root uid:gid the image's files allow) on the "
        "container (SecureAlbService does by default).",
        check=_non_root,
        fsbp=("ECS.20",),
        nist_800_53=("AC-6",),
    ),
    Rule(
        id="SC-ECS-8",
        title="ECS containers add no Linux capabilities beyond Docker's defaults",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=TASK_DEFINITION,
        rationale="SYS_ADMIN, SYS_PTRACE, NET_ADMIN, SYS_MODULE, ALL and the other "
        "capabilities Docker does not grant by default let a compromised process mount file "
        "systems, read other processes' memory, reconfigure the network or load kernel "
        "modules: the usual container escapes. Adding a default capability (NET_BIND_SERVICE, "
        "CHOWN...) changes nothing and passes.",
        fix="Remove the capabilities from linux_parameters.add_capabilities(...); drop the "
        "defaults you do not need with drop_capabilities(ecs.Capability.ALL).",
        check=_capabilities,
        nist_800_53=("AC-6", "CM-7"),
    ),
    Rule(
        id="SC-ECS-9",
        title="ECS Exec sessions are encrypted with a customer-managed key and logged",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=("AWS::ECS::Service",),
        rationale="ECS Exec gives a shell in running tasks. When a service enables it, its "
        "cluster's ExecuteCommandConfiguration must encrypt the sessions with a "
        "customer-managed key (KmsKeyId) and record them: Logging OVERRIDE with an encrypted "
        "log group or bucket, or DEFAULT with every container logging through awslogs. A "
        "cluster outside the app (the default cluster, a name or ARN of another stack) "
        "cannot be verified.",
        fix="Give the cluster execute_command_configuration=ecs.ExecuteCommandConfiguration("
        "kms_key=key, logging=ecs.ExecuteCommandLogging.OVERRIDE, log_configuration="
        "ecs.ExecuteCommandLogConfiguration(cloud_watch_log_group=group, "
        "cloud_watch_encryption_enabled=True)), or leave enable_execute_command off.",
        check=_exec_sessions,
        nist_800_53=("AU-2", "AU-12", "SC-8"),
    ),
)
