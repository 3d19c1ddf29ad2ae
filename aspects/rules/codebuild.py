"""AWS CodeBuild guardrails: privilege, encryption, clear-text credentials, build logs.

Projects run unprivileged unless a reason is given, encrypt what they store with a
customer-managed key, hold no credentials in clear text and keep their build logs.

Environment variables are judged by the secret detector of the Lambda and ECS rules
(:func:`aspects.secrets_detection.variable_problems`); a variable of type
``PARAMETER_STORE`` or ``SECRETS_MANAGER`` holds the name of a parameter or secret that
CodeBuild reads at build time, so it is not judged. Not judged: credentials written into
an inline buildspec (``Source.BuildSpec``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import setting
from aspects.rules._common import Deferred, kms_key_problems
from aspects.secrets_detection import variable_problems
from aspects.values import as_list, intrinsic_name

PROJECT = ("AWS::CodeBuild::Project",)

#: Variable types whose value names a parameter or secret instead of holding the value.
REFERENCE_TYPES = frozenset({"PARAMETER_STORE", "SECRETS_MANAGER"})


# -- SC-CODEBUILD-1 privileged mode ----------------------------------------------------------


def _not_privileged(r: ResourceView) -> Iterator[Problem]:
    path = "Environment.PrivilegedMode"
    value = setting(r, path)
    if value is not None and r.bool(value, path):
        yield Problem(
            f"{path} is true: the build container runs its own Docker daemon with access to "
            "all devices of the build host, so a malicious dependency or build step has the "
            "host's powers; if the project builds container images, acknowledge "
            "SC-CODEBUILD-1 with that reason",
            f"Properties.{path}",
        )


# -- SC-CODEBUILD-2 customer-managed key -----------------------------------------------------


def _encryption_disabled(r: ResourceView) -> list[tuple[str, object]]:
    """``(path, raw value)`` of every ``EncryptionDisabled`` flag that may turn it off."""
    flags = [("Artifacts.EncryptionDisabled", setting(r, "Artifacts.EncryptionDisabled"))]
    secondary = r.props.get("SecondaryArtifacts")
    for i, artifact in enumerate(as_list(secondary)):
        where = f"SecondaryArtifacts[{i}].EncryptionDisabled"
        if intrinsic_name(artifact) is not None:  # r.bool fails closed on it
            flags.append((where, artifact))
        elif isinstance(artifact, Mapping):
            flags.append((where, artifact.get("EncryptionDisabled")))
    flags.append(("LogsConfig.S3Logs.EncryptionDisabled", _s3_logs(r, "EncryptionDisabled")))
    return [(path, value) for path, value in flags if value is not None]


def _s3_logs(r: ResourceView, key: str) -> object:
    return setting(r, f"LogsConfig.S3Logs.{key}")


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    key = r.props.get("EncryptionKey")
    if key is None:
        yield Problem(
            "EncryptionKey is not set, so CodeBuild encrypts build output, caches and S3 logs "
            "with the AWS managed key aws/s3, whose key policy lets every principal of the "
            "account that may use S3 decrypt through it",
            "Properties.EncryptionKey",
        )
    else:
        yield from kms_key_problems(r, key, "EncryptionKey")
    deferred = Deferred()
    for path, value in _encryption_disabled(r):
        with deferred:
            if r.bool(value, path):
                yield Problem(
                    f"{path} is true: this output is stored in S3 without encryption",
                    f"Properties.{path}",
                )
    deferred.raise_first()


# -- SC-CODEBUILD-3 clear-text credentials ---------------------------------------------------

#: How to fix a secret in the environment (the end of every SC-CODEBUILD-3 message).
ENVIRONMENT_FIX = (
    "codebuild:BatchGetProjects shows it; use a BuildEnvironmentVariable of type "
    "SECRETS_MANAGER or PARAMETER_STORE whose value names the secret or parameter"
)


def _variables(r: ResourceView) -> list[object]:
    raw = setting(r, "Environment.EnvironmentVariables")
    if intrinsic_name(raw) is not None:
        raise CannotVerify(
            "Environment.EnvironmentVariables is set by an expression, so whether it holds "
            "clear-text credentials is only known at deploy time",
            "Properties.Environment.EnvironmentVariables",
        )
    return as_list(raw)


def _variable_problems(
    r: ResourceView, i: int, variable: Mapping[str, object]
) -> Iterator[Problem]:
    """One variable: judged as clear text unless its type names a parameter or secret."""
    raw_name = variable.get("Name")
    name = raw_name if isinstance(raw_name, str) else None
    what = f"Environment.EnvironmentVariables {name if name else f'[{i}]'}"
    kind = variable.get("Type")
    kind_unknown: CannotVerify | None = None
    if kind is not None:
        try:
            chosen = r.literal(kind, f"Environment.EnvironmentVariables[{i}].Type")
        except CannotVerify as exc:  # decided below: only matters if the value is a secret
            kind_unknown, chosen = exc, None
        if chosen in REFERENCE_TYPES:
            return
    problems, why = variable_problems(
        r, name, variable.get("Value"), what, path="Properties.Environment.EnvironmentVariables"
    )
    if kind_unknown is not None:
        if problems:
            raise CannotVerify(
                f"Environment.EnvironmentVariables[{i}].Type is only known at deploy time, and "
                f"as PLAINTEXT: {problems[0].message}",
                problems[0].path,
            )
        if why is not None:
            raise why
        return
    for problem in problems:
        yield Problem(f"{problem.message}; {ENVIRONMENT_FIX}", problem.path)
    if why is not None:
        raise why


def _sources(r: ResourceView) -> list[tuple[str, object]]:
    out = [("Source.Location", setting(r, "Source.Location"))]
    for i, source in enumerate(as_list(r.props.get("SecondarySources"))):
        if isinstance(source, Mapping):
            out.append((f"SecondarySources[{i}].Location", source.get("Location")))
    return [(path, value) for path, value in out if value is not None]


def _no_clear_text_credentials(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    for i, variable in enumerate(_variables(r)):
        if isinstance(variable, Mapping) and intrinsic_name(variable) is None:
            with deferred:
                yield from _variable_problems(r, i, variable)
    for path, value in _sources(r):
        problems, why = variable_problems(r, "Location", value, path)
        for problem in problems:
            yield Problem(
                f"{problem.message}; connect the repository with source credentials "
                "(codebuild.GitHubSourceCredentials, a CodeConnections connection) instead of "
                "a URL that carries them",
                problem.path,
            )
        with deferred:
            if why is not None:
                raise why
    deferred.raise_first()


# -- SC-CODEBUILD-4 logs ---------------------------------------------------------------------


def _enabled(r: ResourceView, path: str, *, default: bool) -> bool:
    value = setting(r, path)
    if value is None:
        return default
    return bool(r.literal(value, path) == "ENABLED")


def _logged(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    found: list[bool] = []
    for path, default in (
        ("LogsConfig.CloudWatchLogs.Status", True),
        ("LogsConfig.S3Logs.Status", False),
    ):
        with deferred:
            found.append(_enabled(r, path, default=default))
    if any(found):
        return
    deferred.raise_first()
    s3 = "not configured" if _s3_logs(r, "Status") is None else "DISABLED"
    yield Problem(
        f"LogsConfig.CloudWatchLogs.Status is DISABLED and S3 logs are {s3}: builds leave no "
        "record of what ran, which dependencies were fetched and what was deployed",
        "Properties.LogsConfig",
    )


RULES = (
    Rule(
        id="SC-CODEBUILD-1",
        title="CodeBuild projects do not run privileged without a reason",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=PROJECT,
        rationale="Privileged mode gives the build container access to every device of the "
        "host so it can run a Docker daemon; any code the build runs (a dependency, a test, "
        "a pull request) then runs with the host's powers. Building container images needs "
        "it: acknowledge SC-CODEBUILD-1 on such projects with that reason, so every other "
        "project stays unprivileged.",
        fix="Keep privileged=False in codebuild.BuildEnvironment (the default); for Docker "
        "image builds set privileged=True and acknowledge SC-CODEBUILD-1 on the project with "
        "the reason.",
        check=_not_privileged,
        fsbp=("CodeBuild.5",),
        nist_800_53=("AC-6",),
    ),
    Rule(
        id="SC-CODEBUILD-2",
        title="CodeBuild projects encrypt what they store with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=PROJECT,
        rationale="Build output, caches, S3 logs and reports hold the code, its dependencies "
        "and often secrets printed by a build. Without EncryptionKey CodeBuild uses the AWS "
        "managed key aws/s3, which any principal allowed to use S3 in the account can "
        "decrypt through; EncryptionDisabled stores them without encryption at all.",
        fix="Set encryption_key to a customer-managed kms.Key on codebuild.Project / "
        "PipelineProject, and keep artifacts and S3 logs encrypted (encrypted=True in "
        "S3LoggingOptions, no EncryptionDisabled).",
        check=_encrypted,
        fsbp=("CodeBuild.3",),
        nist_800_53=("SC-28", "SC-12"),
        cdk_nag=("AwsSolutions-CB4",),
        checkov=("CKV_AWS_78",),
    ),
    Rule(
        id="SC-CODEBUILD-3",
        title="CodeBuild projects hold no credentials in clear text",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=PROJECT,
        rationale="PLAINTEXT environment variables (the default type) and source URLs are "
        "part of the project's configuration: the console, the CLI and anyone with "
        "codebuild:BatchGetProjects show them. Credentials belong in Secrets Manager or "
        "Parameter Store, named by a SECRETS_MANAGER or PARAMETER_STORE variable.",
        fix="Use codebuild.BuildEnvironmentVariable(type=BuildEnvironmentVariableType."
        "SECRETS_MANAGER, value=secret.secret_name) (or PARAMETER_STORE with the parameter "
        "name) for secrets, and source credentials instead of user:password URLs.",
        check=_no_clear_text_credentials,
        fsbp=("CodeBuild.1", "CodeBuild.2"),
        nist_800_53=("IA-5(7)", "SC-28"),
        cdk_nag=(
            "HIPAA.Security-CodeBuildProjectEnvVarAwsCred",
            "NIST.800.53.R4-CodeBuildProjectEnvVarAwsCred",
            "PCI.DSS.321-CodeBuildProjectEnvVarAwsCred",
        ),
    ),
    Rule(
        id="SC-CODEBUILD-4",
        title="CodeBuild projects keep build logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=PROJECT,
        rationale="The build log is often the only record of what a build ran, fetched and "
        "deployed: what an investigation of a compromised dependency or deployment needs. "
        "CloudWatch Logs are on unless disabled; S3 logs also count.",
        fix="Leave logging to CloudWatch Logs on (the default) or set logging="
        "codebuild.LoggingOptions(cloud_watch=codebuild.CloudWatchLoggingOptions("
        "log_group=...)) or s3=codebuild.S3LoggingOptions(bucket=...); do not set "
        "enabled=False on both.",
        check=_logged,
        fsbp=("CodeBuild.4",),
        nist_800_53=("AU-2", "AU-12"),
    ),
)
