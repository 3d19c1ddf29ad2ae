"""AWS Lambda guardrails: secret-free encrypted environments, no public invocation, logs.

Also: failed asynchronous invocations are kept (a dead-letter queue or an OnFailure
destination).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aspects import cdk_internal
from aspects.index import AppIndex, ExternalRef, ResourceKey, ResourceView, TemplateIndex
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.resolve import may_be_exactly, render
from aspects.rules._blocks import app_cache
from aspects.rules._common import Deferred, flatten, kms_key_problems, may_be_wildcard
from aspects.secrets_detection import variable_problems
from aspects.values import as_list, dig, intrinsic_name, properties, variants

FUNCTION = ("AWS::Lambda::Function",)

#: When the runtime tables were last compared with Lambda's published runtime schedule
#: (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). The tables change
#: with releases of this library, never with the clock, so a template's findings are
#: reproducible.
RUNTIMES_REVIEWED = "2026-11-22"

#: Runtime identifier -> the day its end of support (deprecation phase 1: no more patches,
#: no new functions) began, for every runtime whose end of support had begun on
#: :data:`RUNTIMES_REVIEWED`.
DEPRECATED_RUNTIMES: Mapping[str, str] = {
    "nodejs": "2016-10-31",
    "nodejs4.3": "2020-03-05",
    "nodejs4.3-edge": "2019-04-30",
    "nodejs6.10": "2019-08-12",
    "nodejs8.10": "2020-03-06",
    "nodejs10.x": "2021-07-30",
    "nodejs12.x": "2023-03-31",
    "nodejs14.x": "2023-12-04",
    "nodejs16.x": "2024-06-12",
    "nodejs18.x": "2025-09-01",
    "nodejs20.x": "2026-04-30",
    "python2.7": "2021-07-15",
    "python3.6": "2022-07-18",
    "python3.7": "2023-12-04",
    "python3.8": "2024-10-14",
    "python3.9": "2025-12-15",
    "java8": "2024-01-08",
    "dotnetcore1.0": "2019-06-27",
    "dotnetcore2.0": "2019-05-30",
    "dotnetcore2.1": "2022-01-05",
    "dotnetcore3.1": "2023-04-03",
    "dotnet5.0": "2022-05-10",
    "dotnet6": "2024-11-12",
    "dotnet7": "2024-05-14",
    "dotnet8": "2026-11-10",
    "dotnet9": "2026-11-10",
    "go1.x": "2024-01-08",
    "provided": "2024-01-08",
    "provided.al2": "2026-07-31",
    "ruby2.5": "2021-07-30",
    "ruby2.7": "2023-12-07",
    "ruby3.2": "2026-03-31",
}

#: Runtimes Lambda supports for .zip packages on :data:`RUNTIMES_REVIEWED`, newest first
#: in each family. SecureFunction accepts only these (or a container image).
SUPPORTED_RUNTIMES: tuple[str, ...] = (
    "nodejs24.x",
    "nodejs22.x",
    "python3.14",
    "python3.13",
    "python3.12",
    "python3.11",
    "python3.10",
    "java25",
    "java21",
    "java17.al2023",
    "java17",
    "java11.al2023",
    "java11",
    "java8.al2023",
    "java8.al2",
    "dotnet10",
    "ruby4.0",
    "ruby3.4",
    "ruby3.3",
    "provided.al2023",
)

_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9.-]+\.amazonaws\.com(\.cn)?")
_NARROWING = ("SourceArn", "SourceAccount", "PrincipalOrgID")


def family(runtime: str) -> str:
    """``python3.9`` -> ``python``, ``provided.al2`` -> ``provided``, ``go1.x`` -> ``go``."""
    match = re.match(r"[a-z]+", runtime)
    return match.group(0) if match else runtime


def supported_in_family(runtime: str) -> list[str]:
    """The supported runtimes of *runtime*'s family (all of them if the family is unknown)."""
    same = [r for r in SUPPORTED_RUNTIMES if family(r) == family(runtime)]
    return same or list(SUPPORTED_RUNTIMES)


# -- at rest ----------------------------------------------------------------------------------


def _variables(r: ResourceView) -> Mapping[str, object]:
    variables = dig(r.props, "Environment", "Variables")
    return variables if isinstance(variables, Mapping) else {}


def _environment_encrypted(r: ResourceView) -> Iterator[Problem]:
    variables = dig(r.props, "Environment", "Variables")
    if not variables:
        return
    if r.props.get("KmsKeyArn") is None:
        yield Problem(
            "the function has environment variables but no KmsKeyArn, so they are encrypted "
            "with a key you do not control and anyone with lambda:GetFunctionConfiguration "
            "reads them",
            "Properties.KmsKeyArn",
        )
        return
    yield from kms_key_problems(r, r.props["KmsKeyArn"], "KmsKeyArn")


#: How to fix a secret in the environment (the end of every SC-LAMBDA-2 message).
ENVIRONMENT_FIX = (
    "pass a Secrets Manager secret or SSM parameter by ARN or name (e.g. DB_SECRET_ARN) "
    "and read it at run time"
)


def _no_secret_in_environment(r: ResourceView) -> Iterator[Problem]:
    unknown: CannotVerify | None = None
    for name, value in _variables(r).items():
        problems, why = variable_problems(r, str(name), value, f"Environment.Variables.{name}")
        for problem in problems:
            yield Problem(f"{problem.message}; {ENVIRONMENT_FIX}", problem.path)
        unknown = unknown or why
    if unknown is not None:
        raise unknown


# -- prevention ------------------------------------------------------------------------------


def _url_uses_iam(r: ResourceView) -> Iterator[Problem]:
    auth = r.literal(r.props.get("AuthType"), "AuthType")
    if auth != "AWS_IAM":
        yield Problem(
            f"AuthType is {auth!r}: anyone on the internet who finds the URL can invoke the "
            "function",
            "Properties.AuthType",
        )


def _principal_text(r: ResourceView) -> str:
    """The principal as text; '*' if it is or may be everyone (then fails closed)."""
    principal = r.props.get("Principal")
    if may_be_wildcard(r, principal, "Principal"):
        return "*"
    if intrinsic_name(principal) is None:
        return str(principal)
    texts = r.texts(principal)
    services = {render(t) for t in texts if _SERVICE_PRINCIPAL.fullmatch(render(t))}
    if services and len(services) < len(texts):
        raise CannotVerify(
            f"Principal may be the service {sorted(services)[0]} at deploy time",
            "Properties.Principal",
        )
    return sorted(services)[0] if services else flatten(principal)


def _narrowed(r: ResourceView) -> bool:
    """Whether SourceArn, SourceAccount or PrincipalOrgID narrows the caller.

    A value that may be empty or ``*`` at deploy time does not narrow: if nothing else
    does, the rule cannot verify.
    """
    deferred = Deferred()
    for key in _NARROWING:
        value = r.props.get(key)
        if value is None:
            continue
        with deferred:
            texts = r.texts(value)
            if any(may_be_exactly(t, "") is not False for t in texts):
                r.literal(value, key)  # raises when it is not simply a blank literal
                continue
            if not may_be_wildcard(r, value, key):
                return True
    deferred.raise_first()
    return False


def _permission_narrowed(r: ResourceView) -> Iterator[Problem]:
    if _narrowed(r):
        return
    principal = _principal_text(r)
    if principal == "*":
        via_url = r.props.get("FunctionUrlAuthType") == "NONE" or r.props.get(
            "InvokedViaFunctionUrl"
        ) in (True, "true")
        whom = "everyone on the internet through the function URL" if via_url else "everyone"
    elif _SERVICE_PRINCIPAL.fullmatch(principal):
        whom = (
            f"the service {principal} on behalf of any account (a confused deputy can make it "
            "invoke the function)"
        )
    else:
        return
    yield Problem(
        f"the permission lets {whom}: Principal {principal!r} without SourceArn, "
        "SourceAccount or PrincipalOrgID",
        "Properties.Principal",
    )


def _supported_runtime(r: ResourceView) -> Iterator[Problem]:
    raw = r.props.get("Runtime")
    if raw is None:
        return  # a container image: its runtime is chosen in the image
    runtime = str(r.literal(raw, "Runtime"))
    since = DEPRECATED_RUNTIMES.get(runtime)
    if since is not None:
        yield Problem(
            f"Runtime {runtime!r} reached end of support on {since}: it gets no security "
            f"patches; use one of {', '.join(supported_in_family(runtime))}",
            "Properties.Runtime",
        )


# -- detection -------------------------------------------------------------------------------


def _tracing(r: ResourceView) -> Iterator[Problem]:
    mode = dig(r.props, "TracingConfig", "Mode")
    if mode is None or r.literal(mode, "TracingConfig.Mode") != "Active":
        yield Problem(
            f"TracingConfig.Mode is {mode or 'not set'}, so requests are not traced with X-Ray",
            "Properties.TracingConfig",
        )


def _log_group_declared(r: ResourceView) -> Iterator[Problem]:
    configured = dig(r.props, "LoggingConfig", "LogGroup")
    what = "LoggingConfig.LogGroup"
    if configured is not None:
        if isinstance(configured, str):
            if configured in r.app.log_groups_by_name:
                return
            raise CannotVerify(
                f"{what} is {configured!r}, a log group not declared in the app, so whether "
                "it is encrypted and expires cannot be verified",
                what,
            )
        ref = r.follow(configured, what)
        if isinstance(ref, ExternalRef):
            raise CannotVerify(
                f"{what} is {ref.description}, a log group not declared in the app, so "
                "whether it is encrypted and expires cannot be verified",
                what,
            )
        if ref.type != "AWS::Logs::LogGroup":
            yield Problem(
                f"{what} refers to {ref.logical_id} ({ref.type}), not a log group",
                f"Properties.{what}",
            )
        return
    if r.key in r.app.lambda_log_groups:
        return
    yield Problem(
        "no log group is declared for the function (LoggingConfig.LogGroup, or a log group "
        "named /aws/lambda/<function name>), so Lambda creates one on first invocation "
        "without encryption and keeps the logs forever",
        "Properties.LoggingConfig",
    )


# -- SC-LAMBDA-8 failed asynchronous invocations ----------------------------------------------

#: Where other resources name a function they invoke asynchronously: (type, path to the
#: list of entries or None, path inside an entry to the function, who).
_ASYNC_INVOKERS: tuple[tuple[str, tuple[str, ...] | None, tuple[str, ...], str], ...] = (
    ("AWS::SNS::Subscription", None, ("Endpoint",), "the SNS subscription"),
    (
        "AWS::S3::Bucket",
        ("NotificationConfiguration", "LambdaConfigurations"),
        ("Function",),
        "the S3 notifications of",
    ),
    (
        "Custom::S3BucketNotifications",
        ("NotificationConfiguration", "LambdaFunctionConfigurations"),
        ("LambdaFunctionArn",),
        "the S3 notifications of",
    ),
    ("AWS::Events::Rule", ("Targets",), ("Arn",), "the EventBridge rule"),
    ("AWS::Scheduler::Schedule", None, ("Target", "Arn"), "the EventBridge schedule"),
    ("AWS::Logs::SubscriptionFilter", None, ("DestinationArn",), "the log subscription"),
    ("AWS::Lambda::EventInvokeConfig", None, ("FunctionName",), "the EventInvokeConfig"),
)
#: Service principals whose invocations are asynchronous (a permission for one of them is
#: evidence of asynchronous use). Regional forms (``logs.<region>.amazonaws.com``) count.
_ASYNC_SERVICES = frozenset({"s3", "sns", "events", "logs", "ses", "iot", "config", "codecommit"})
#: Invokers that call synchronously or manage failures themselves: CloudFormation custom
#: resources (a failure fails the stack operation) and event source mappings (the queue's
#: redrive policy or the mapping's own OnFailure destination keeps the records).
_CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"


@dataclass(frozen=True)
class _AsyncUse:
    """What the app says about how its functions are invoked."""

    invoked_by: Mapping[ResourceKey, list[str]]
    handled_elsewhere: frozenset[ResourceKey]
    #: function -> (EventInvokeConfig logical id, OnFailure destination in every case?) for
    #: each config that gives it one in some case
    on_failure: Mapping[ResourceKey, list[tuple[str, bool]]]


def _functions_named(app: AppIndex, template: TemplateIndex, value: Any) -> set[ResourceKey]:
    """Functions a value names: references, or a literal ``FunctionName`` of the template."""
    found = {
        ref.key
        for ref in app.resources_mentioned(value, template)
        if ref.type == "AWS::Lambda::Function"
    }
    if isinstance(value, str):
        name = value.rsplit(":function:", 1)[-1].split(":", 1)[0]
        found |= {
            (template.path, logical_id)
            for logical_id in template.by_type.get("AWS::Lambda::Function", ())
            if properties(template.resources[logical_id]).get("FunctionName") == name
        }
    return found


def _destinations(
    app: AppIndex, template: TemplateIndex, logical_id: str
) -> tuple[set[ResourceKey], set[ResourceKey]]:
    """Functions an EventInvokeConfig gives an OnFailure destination: always, and maybe.

    *Maybe* is some ``Fn::If`` variant, a ``Condition`` on the config, or a destination
    from a parameter (which may be blank).
    """
    resource = template.resources[logical_id]
    try:
        expanded = [variant for _choice, variant in variants(resource)]
    except CannotVerify:
        expanded = [resource]
    always: list[set[ResourceKey]] = []
    maybe: set[ResourceKey] = set()
    for variant in expanded:
        props = properties(variant)
        named = _functions_named(app, template, props.get("FunctionName"))
        destination = dig(props, "DestinationConfig", "OnFailure", "Destination")
        if destination in (None, ""):
            always.append(set())
            continue
        maybe |= named
        from_parameter = intrinsic_name(destination) == "Ref" and (
            destination["Ref"] in template.parameters
        )
        always.append(set() if from_parameter else named)
    sure = set.intersection(*always) if always and "Condition" not in resource else set()
    return sure, maybe - sure


def _async_use(app: AppIndex) -> _AsyncUse:
    invoked_by: dict[ResourceKey, list[str]] = defaultdict(list)
    handled: set[ResourceKey] = set()
    on_failure: dict[ResourceKey, list[tuple[str, bool]]] = defaultdict(list)
    for tpl in app.templates:
        for resource_type, entries, inner, who in _ASYNC_INVOKERS:
            for logical_id in tpl.by_type.get(resource_type, ()):
                props = properties(tpl.resources[logical_id])
                items = as_list(dig(props, *entries)) if entries else [props]
                for item in items:
                    for key in _functions_named(app, tpl, dig(item, *inner)):
                        invoked_by[key].append(f"{who} {logical_id}")
        for logical_id in tpl.by_type.get("AWS::Lambda::Permission", ()):
            props = properties(tpl.resources[logical_id])
            principal = props.get("Principal")
            service = principal.split(".", 1)[0] if isinstance(principal, str) else ""
            if principal != service and service in _ASYNC_SERVICES:
                for key in _functions_named(app, tpl, props.get("FunctionName")):
                    invoked_by[key].append(f"the permission {logical_id} for {principal}")
        for resource_type, resources in tpl.by_type.items():
            if resource_type == _CUSTOM_RESOURCE or resource_type.startswith("Custom::"):
                for logical_id in resources:
                    token = properties(tpl.resources[logical_id]).get("ServiceToken")
                    handled |= _functions_named(app, tpl, token)
        for logical_id in tpl.by_type.get("AWS::Lambda::EventSourceMapping", ()):
            name = properties(tpl.resources[logical_id]).get("FunctionName")
            handled |= _functions_named(app, tpl, name)
        for logical_id in tpl.by_type.get("AWS::Lambda::EventInvokeConfig", ()):
            always, maybe = _destinations(app, tpl, logical_id)
            for key in always | maybe:
                on_failure[key].append((logical_id, key in always))
    return _AsyncUse(dict(invoked_by), frozenset(handled), dict(on_failure))


def _named_target(r: ResourceView, value: Any, what: str) -> bool:
    """Whether a destination ARN is set (not blank); a parameter that may be blank fails."""
    if isinstance(value, str):
        return bool(value.strip())
    if any(may_be_exactly(text, "") is not False for text in r.texts(value)):
        return bool(str(r.literal(value, what)).strip())  # raises unless a literal
    return True


def _failed_events_kept(r: ResourceView) -> Iterator[Problem]:
    target = dig(r.props, "DeadLetterConfig", "TargetArn")
    if target is not None and _named_target(r, target, "DeadLetterConfig.TargetArn"):
        return
    use = app_cache(r.app, "lambda_async_use", _async_use)
    configs = use.on_failure.get(r.key, [])
    if any(always for _lid, always in configs):
        return
    invokers = use.invoked_by.get(r.key, [])
    if not invokers and r.key in use.handled_elsewhere:
        return
    if configs:
        raise CannotVerify(
            f"the EventInvokeConfig {configs[0][0]} sends failed invocations to an OnFailure "
            "destination only under some conditions (or one from a parameter)",
            "EventInvokeConfig",
        )
    shown = ", ".join(dict.fromkeys(invokers[:3]))
    how = f"; it is invoked asynchronously by {shown}" if shown else ""
    yield Problem(
        "DeadLetterConfig is not set and no EventInvokeConfig has an OnFailure destination, "
        f"so an asynchronous invocation that fails every retry is dropped{how}",
        "Properties.DeadLetterConfig",
    )


def _noted(rule_id: str, check: Callable[[ResourceView], Iterable[Problem]]) -> Any:
    """*check*, whose findings on a CDK-internal function say so and what works.

    CDK's own functions (:mod:`aspects.cdk_internal`) carry hash-like names the user never
    wrote; the message names the L2 option that created the function and the remedy, or
    the one way to accept it (:func:`aspects.acknowledge_cdk_internal`).
    """

    def noted(r: ResourceView) -> Iterator[Problem]:
        try:
            problems = list(check(r))
        except CannotVerify as exc:
            raise CannotVerify(exc.message + cdk_internal.note(r, rule_id), exc.path) from None
        if problems:
            extra = cdk_internal.note(r, rule_id)
            yield from (Problem(p.message + extra, p.path) for p in problems)

    noted.__doc__ = check.__doc__
    return noted


RULES = (
    Rule(
        id="SC-LAMBDA-1",
        title="Lambda environment variables are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=FUNCTION,
        rationale="Without KmsKeyArn, Lambda encrypts environment variables with a key you "
        "do not control; with a key you manage, reading the configuration in clear also "
        "needs kms:Decrypt on it and is recorded by CloudTrail.",
        fix="Use SecureFunction, or set environment_encryption to a customer-managed key "
        "(KmsKeyArn).",
        check=_noted("SC-LAMBDA-1", _environment_encrypted),
        nist_800_53=("SC-28", "SC-12"),
        checkov=("CKV_AWS_173",),
    ),
    Rule(
        id="SC-LAMBDA-2",
        title="Lambda environment variables hold no secret values",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=FUNCTION,
        rationale="Environment variables are shown to anyone who can read the function's "
        "configuration and are written in the template. Reported: a value in a known "
        "credential format or of high entropy under any name (detect-secrets plugins: AWS, "
        "GitHub, Slack, Stripe... keys, private keys, JWTs, user:password@ URLs), a "
        "{{resolve:secretsmanager}} reference (CloudFormation writes the plaintext), a "
        "secret attribute (an access key's SecretAccessKey), and a literal under a "
        "secret-looking name (PASSWORD, DB_PASS, SECRET, TOKEN, API_KEY...). Names ending "
        "in _ARN, _NAME, _PARAMETER, _ID, _TTL, _DAYS, _ENABLED... and MAX_*/DISABLE_* are "
        "references or settings; numbers, booleans, durations, ARNs and paths are never "
        "secrets. A secret-looking name whose value comes from a parameter or an import "
        "cannot be verified. SC-ECS-3 judges container environments the same way.",
        fix="Keep the secret in Secrets Manager or SSM Parameter Store, pass its ARN or name "
        "(SecureFunction's secrets= does this and grants read access), and fetch it at run "
        "time.",
        check=_no_secret_in_environment,
        nist_800_53=("IA-5(7)", "SC-28"),
        checkov=("CKV_AWS_45",),
    ),
    Rule(
        id="SC-LAMBDA-3",
        title="Lambda function URLs require IAM authentication",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=("AWS::Lambda::Url",),
        rationale="AuthType NONE makes the function a public, unauthenticated HTTPS "
        "endpoint; abuse costs money and reaches whatever the function can reach.",
        fix="Use AuthType AWS_IAM (SecureFunction's default); a public endpoint belongs "
        "behind API Gateway or CloudFront with WAF, or acknowledge with a reason.",
        check=_url_uses_iam,
        nist_800_53=("AC-3", "IA-2"),
        checkov=("CKV_AWS_258",),
    ),
    Rule(
        id="SC-LAMBDA-4",
        title="Lambda permissions for everyone or a service are narrowed to a source",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=("AWS::Lambda::Permission",),
        rationale="Principal '*' without a condition lets any AWS account (or the internet, "
        "through a function URL) invoke the function; a service principal without "
        "SourceArn or SourceAccount lets the service invoke it on behalf of any account "
        "(confused deputy).",
        fix="Set SourceArn (the triggering resource), SourceAccount or PrincipalOrgID; CDK "
        "event sources and grant_invoke with a resource do this for you.",
        check=_permission_narrowed,
        fsbp=("Lambda.1",),
        nist_800_53=("AC-3", "AC-6"),
        cdk_nag=(
            "NIST.800.53.R5-LambdaFunctionPublicAccessProhibited",
            "HIPAA.Security-LambdaFunctionPublicAccessProhibited",
            "PCI.DSS.321-LambdaFunctionPublicAccessProhibited",
        ),
        checkov=("CKV_AWS_364",),
    ),
    Rule(
        id="SC-LAMBDA-5",
        title="Lambda functions use a runtime that is still supported",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=FUNCTION,
        rationale="A deprecated runtime gets no security patches to its language runtime "
        "or operating system. The list of deprecated runtimes is data in this module, "
        f"reviewed on {RUNTIMES_REVIEWED}; container images are not judged.",
        fix="Move to a supported runtime of the same language (the message names them).",
        check=_supported_runtime,
        fsbp=("Lambda.2",),
        nist_800_53=("SI-2",),
        cdk_nag=("AwsSolutions-L1",),
        checkov=("CKV_AWS_363",),
    ),
    Rule(
        id="SC-LAMBDA-6",
        title="Lambda functions trace requests with X-Ray",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=FUNCTION,
        rationale="Active tracing records every invocation and its downstream calls, which "
        "an investigation of unexpected access or behaviour relies on.",
        fix="Set tracing=Tracing.ACTIVE (SecureFunction's default).",
        check=_noted("SC-LAMBDA-6", _tracing),
        nist_800_53=("AU-12",),
        cdk_nag=("Serverless-LambdaTracing",),
    ),
    Rule(
        id="SC-LAMBDA-7",
        title="Lambda functions log to a log group declared in the app",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=FUNCTION,
        rationale="A log group the app declares is judged by the log-group rules (KMS "
        "encryption SC-LOGS-1, finite retention SC-LOGS-2); without one Lambda creates "
        "/aws/lambda/<name> on first invocation, unencrypted and kept forever. A log group "
        "named outside the app cannot be verified.",
        fix="Pass log_group= (LoggingConfig.LogGroup) with an encrypted log group that "
        "expires (SecureFunction does). The flag @aws-cdk/aws-lambda:useCdkManagedLogGroup "
        "is no fix: the log group it adds has no KMS key (SC-LOGS-1), and it skips "
        "cdk.CustomResourceProvider handlers. On CDK's own functions the message names the "
        "L2 option that works, or aspects.acknowledge_cdk_internal(stack, reason).",
        check=_noted("SC-LAMBDA-7", _log_group_declared),
        nist_800_53=("AU-9", "AU-11"),
    ),
    Rule(
        id="SC-LAMBDA-8",
        title="Lambda functions keep the events of failed asynchronous invocations",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=FUNCTION,
        rationale="After its retries, Lambda drops an asynchronous event (from S3, SNS, "
        "EventBridge, CloudWatch Logs or any caller with InvocationType Event) unless "
        "DeadLetterConfig or an EventInvokeConfig OnFailure destination keeps it, so a "
        "failure leaves no trace to replay or investigate. A template cannot prove a "
        "function is never invoked asynchronously, so every function is judged except "
        "custom-resource handlers and event-source-mapping targets that nothing else invokes "
        "(their failures are handled by CloudFormation, the queue or the mapping). A warning: "
        "synchronous-only functions need none. The queue's retention is SC-SQS-5's.",
        fix="Set dead_letter_queue=sqs.Queue(...) (or dead_letter_queue_enabled=True), or "
        "on_failure=destinations.SqsDestination(queue) on the function or in "
        "configure_async_invoke(...); SecureFunction does the first.",
        check=_noted("SC-LAMBDA-8", _failed_events_kept),
        nist_800_53=("AU-12", "CA-7", "SI-11"),
        cdk_nag=(
            "Serverless-LambdaDLQ",
            "Serverless-LambdaAsyncFailureDestination",
            "NIST.800.53.R5-LambdaDLQ",
            "HIPAA.Security-LambdaDLQ",
        ),
        checkov=("CKV_AWS_116",),
    ),
)
