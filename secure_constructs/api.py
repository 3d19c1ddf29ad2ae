"""SecureApi: an API Gateway REST API that authorizes, logs, traces, throttles and filters."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from aspects.acknowledge import acknowledge
from aspects.errors import Issue
from aspects.settings import DEFAULT as DEFAULT_THRESHOLDS
from secure_constructs._defaults import apigateway as defaults
from secure_constructs._defaults import cfn_resource, enforce_rules, pin
from secure_constructs._defaults import waf as waf_defaults
from secure_constructs._defaults.iam import ManagedPolicyRole
from secure_constructs._defaults.logs import (
    DEFAULT_LOG_RETENTION,
    encrypted_log_group,
    key_and_log_group,
)
from secure_constructs._defaults.waf import DEFAULT_WAF, WafOptions
from secure_constructs._dropin import DropIn, drop_in
from secure_constructs._scanners import COMPLIANCE_PACKS, accept_cdk_nag, accept_checkov
from secure_constructs._validation import (
    Checks,
    is_token,
    method_where,
    raise_if_any,
    where,
)

__all__ = [
    "WARN_API_DESTROY_ON_REMOVAL",
    "WARN_PUBLIC_METHOD",
    "ApiDomain",
    "CacheOptions",
    "SecureApi",
    "SecureApiResource",
    "Throttle",
]

#: Warning ids (acknowledge with ``Annotations.of(scope).acknowledge_warning(id)``).
WARN_PUBLIC_METHOD = "secure-constructs:SecureApi:public-method"
WARN_API_DESTROY_ON_REMOVAL = "secure-constructs:SecureApi:destroy-on-removal"

#: The authorizer every method gets: an authorizer construct or ``AuthorizationType.IAM``.
Authorization = apigateway.IAuthorizer | apigateway.AuthorizationType

_MIN_REASON = 20
_METHOD_KEY = re.compile(r"^(/[^/]*)*/([A-Z]+|\*)$")
_METHOD_CODE = "SC-API-9"

_NO_CACHE_REASON = (
    "The stage cache is off by default: a cache keyed by path alone would serve one "
    "caller's authorized response to another. Pass cache=CacheOptions() for responses "
    "that are the same for every caller; it is then encrypted (SC-APIGW-6)."
)
_NO_CLIENT_CERTIFICATE_REASON = (
    "A client certificate authenticates API Gateway to an HTTP backend; the integrations "
    "here (Lambda, AWS services) are reached with IAM-signed requests over TLS. Pass "
    "client_certificate=True when an HTTP backend verifies it."
)
_NOT_COGNITO_REASON = (
    "The method is authorized by {kind}, which the API's owner chose instead of a Cognito "
    "user pool; SecureApi rejects methods without authorization (guardrail SC-APIGW-1)."
)
_LOG_ROLE_REASON = (
    "API Gateway's logging role is one setting per account and region, used by every API "
    "there to write its own execution and access log groups, whose names it chooses "
    "(API-Gateway-Execution-Logs_<api id>/<stage>): the statement names this account's and "
    "region's log groups, write actions only."
)


@dataclass(frozen=True)
class Throttle:
    """How many requests the stage (or one method) accepts before answering 429.

    Parameters
    ----------
    rate_limit:
        Steady-state requests per second. Default 100.
    burst_limit:
        Requests accepted at once above the steady rate. Default 200.
    """

    rate_limit: float = defaults.DEFAULT_RATE_LIMIT
    burst_limit: int = defaults.DEFAULT_BURST_LIMIT

    def issues(self, prop: str) -> list[Issue]:
        """What is wrong with these limits (empty when valid)."""
        checks = Checks("SC-API-5")
        checks.number(f"{prop}.rate_limit", self.rate_limit)
        checks.integer(f"{prop}.burst_limit", self.burst_limit)
        if checks.issues:
            return checks.issues
        if self.rate_limit <= 0 or self.burst_limit < 1:
            return [
                Issue(
                    "SC-API-5",
                    prop,
                    f"rate {self.rate_limit} and burst {self.burst_limit} would refuse every "
                    "request.",
                    "pass a positive rate_limit and a burst_limit of at least 1.",
                )
            ]
        return []


@dataclass(frozen=True)
class CacheOptions:
    """The stage cache: encrypted, for responses that are the same for every caller.

    API Gateway keys cached responses by path and the method's cache key parameters, not
    by caller: an authorized response is served to the next caller of the same path.
    Cache only public data, or add the identity (``method.request.header.Authorization``)
    to the method's ``cache_key_parameters``.

    Parameters
    ----------
    size:
        Cache size in GB: ``"0.5"`` (default), ``"1.6"``, ``"6.1"`` ... ``"237"``.
    ttl:
        How long a response stays cached. Default 5 minutes; at most one hour.
    """

    size: str = defaults.DEFAULT_CACHE_SIZE
    ttl: cdk.Duration = defaults.DEFAULT_CACHE_TTL

    def issues(self) -> list[Issue]:
        """What is wrong with these settings (empty when valid)."""
        checks = Checks("SC-API-6")
        checks.string("cache.size", self.size)
        checks.duration("cache.ttl", self.ttl)
        issues = list(checks.issues)
        if checks.ok("cache.size") and self.size not in defaults.CACHE_SIZES:
            issues.append(
                Issue(
                    "SC-API-6",
                    "cache.size",
                    f"{self.size!r} is not an API Gateway cache size.",
                    f"use one of {', '.join(defaults.CACHE_SIZES)} (GB).",
                )
            )
        if checks.ok("cache.ttl") and not 0 <= self.ttl.to_seconds() <= 3600:
            issues.append(
                Issue(
                    "SC-API-6",
                    "cache.ttl",
                    f"{self.ttl.to_human_string()} is outside API Gateway's 0 to 3600 seconds.",
                    "pass e.g. Duration.minutes(5) (default).",
                )
            )
        return issues


@dataclass(frozen=True)
class ApiDomain:
    """A custom domain name: TLS 1.2 at least, and the execute-api endpoint turned off.

    Parameters
    ----------
    domain_name:
        The name clients call, e.g. ``"api.example.com"``.
    certificate:
        An ACM certificate for it, in the stack's region (a regional endpoint).
    hosted_zone:
        Create an alias record for the name in this zone. Default: none (point your DNS
        at ``secure_api.domain_name.domain_name_alias_domain_name``).
    base_path:
        Map the stage under this path of the domain. Default: the root.
    """

    domain_name: str
    certificate: acm.ICertificate
    hosted_zone: route53.IHostedZone | None = None
    base_path: str | None = None

    def issues(self) -> list[Issue]:
        """What is wrong with these settings (empty when valid)."""
        checks = Checks("SC-API-7")
        checks.string("domain.domain_name", self.domain_name)
        checks.interface(
            "domain.certificate",
            self.certificate,
            ("certificate_arn",),
            "an acm.ICertificate",
            "pass acm.Certificate(...) or acm.Certificate.from_certificate_arn(...).",
        )
        checks.interface(
            "domain.hosted_zone",
            self.hosted_zone,
            ("hosted_zone_id", "zone_name"),
            "a route53.IHostedZone",
            "pass route53.HostedZone.from_lookup(...) (or from_hosted_zone_attributes), or "
            "omit it.",
            optional=True,
        )
        checks.string("domain.base_path", self.base_path, optional=True)
        return checks.issues


DEFAULT_THROTTLE = Throttle()
_NO_METHOD_THROTTLES: Mapping[str, Throttle] = MappingProxyType({})


@drop_in(apigateway.IResource, attr="resource")
class SecureApiResource(DropIn):
    """A resource (path) of a SecureApi whose ``add_method`` refuses unauthorized methods.

    Everything else of ``apigateway.IResource`` is the CDK resource's own. Methods added
    here also get the API's request validator unless they name another.
    """

    def __init__(self, owner: SecureApi, resource: apigateway.IResource) -> None:
        self._owner = owner
        self.resource = resource

    @property
    def node(self) -> Any:
        """The CDK resource's construct node."""
        return self.resource.node

    def add_resource(self, path_part: str, **options: Any) -> SecureApiResource:
        """Add a child resource (the arguments of ``IResource.add_resource``)."""
        return SecureApiResource(self._owner, self.resource.add_resource(path_part, **options))

    def get_resource(self, path_part: str) -> SecureApiResource | None:
        """The child resource at *path_part*, if any."""
        found = self.resource.get_resource(path_part)
        return None if found is None else SecureApiResource(self._owner, found)

    def resource_for_path(self, path: str) -> SecureApiResource:
        """The resource at *path* below this one, created where missing."""
        return SecureApiResource(self._owner, self.resource.resource_for_path(path))

    def add_proxy(self, **options: Any) -> apigateway.ProxyResource:
        """A greedy ``{proxy+}`` child; its ANY method gets the API's authorizer.

        Raises
        ------
        SecureConstructsError
            If ``default_method_options`` turns authorization off (SC-API-9).
        """
        method_options = options.get("default_method_options")
        if isinstance(method_options, apigateway.MethodOptions):
            self._check_authorization(
                "add_proxy",
                "ANY",
                method_options.authorizer,
                method_options.authorization_type,
                None,
            )
        return self.resource.add_proxy(**options)

    def add_method(
        self,
        http_method: str,
        integration: apigateway.Integration | None = None,
        *,
        public_reason: str | None = None,
        **options: Any,
    ) -> apigateway.Method:
        """Add a method; it is authorized by the API's authorizer unless it names another.

        Parameters
        ----------
        http_method, integration, options:
            As for ``IResource.add_method`` (``authorizer``, ``authorization_type``,
            ``request_models``, ``request_parameters``...).
        public_reason:
            Required with ``authorization_type=AuthorizationType.NONE``: why anyone on
            the internet may call this method (at least 20 characters). The method is
            then added with the warning ``WARN_PUBLIC_METHOD``, and SC-APIGW-1 (and the
            cdk-nag and checkov equivalents) acknowledged on it with that reason.

        Raises
        ------
        SecureConstructsError
            If the method would not be authorized and no *public_reason* is given, or a
            reason is given for an authorized method (SC-API-9).
        """
        self._check_authorization(
            "add_method",
            http_method,
            options.get("authorizer"),
            options.get("authorization_type"),
            public_reason,
        )
        authorizer = options.get("authorizer")
        if authorizer is not None and options.get("authorization_type") is None:
            # CDK compares the authorizer's type with the API's default (IAM): name it.
            options["authorization_type"] = authorizer.authorization_type
        validated = not {"request_validator", "request_validator_options"} & options.keys()
        if validated:
            options["request_validator"] = self._owner.request_validator
        method = self.resource.add_method(http_method, integration, **options)
        if validated:
            pin(method, present=("RequestValidatorId",))
        self._owner._accept_method_findings(method, options, public_reason)
        return method

    def _check_authorization(
        self,
        call: str,
        http_method: object,
        authorizer: object,
        authorization_type: object,
        public_reason: object,
    ) -> None:
        checks = Checks(_METHOD_CODE)
        checks.string("http_method", http_method)
        checks.interface(
            "authorizer",
            authorizer,
            ("authorizer_id",),
            "an apigateway.IAuthorizer",
            "pass a CognitoUserPoolsAuthorizer, TokenAuthorizer or RequestAuthorizer, or "
            "omit it for the API's authorizer.",
            optional=True,
        )
        checks.member(
            "authorization_type", authorization_type, apigateway.AuthorizationType, optional=True
        )
        checks.string("public_reason", public_reason, optional=True)
        public = (
            authorizer is None
            and authorization_type == apigateway.AuthorizationType.NONE
            and str(http_method).upper() != "OPTIONS"
        )
        if public and public_reason is None:
            checks.add(
                _METHOD_CODE,
                "authorization_type",
                f"AuthorizationType.NONE lets anyone on the internet call {http_method} "
                f"{self.resource.path} (guardrail SC-APIGW-1).",
                "omit authorization_type to use the API's authorizer, or pass another "
                "authorizer; if the method must be public, also pass public_reason='<why>'.",
            )
        elif (
            authorizer is None
            and authorization_type == apigateway.AuthorizationType.IAM
            and self._owner._default_kind != "IAM"
        ):
            checks.add(
                _METHOD_CODE,
                "authorization_type",
                "AuthorizationType.IAM on one method of an API whose default is an "
                "authorizer construct: CDK cannot replace a default authorizer with IAM.",
                "create the SecureApi with authorizer=AuthorizationType.IAM and pass "
                "authorizer=<your authorizer> to the methods that use it instead.",
            )
        elif not public and public_reason is not None:
            checks.add(
                _METHOD_CODE,
                "public_reason",
                "public_reason only applies to a method with AuthorizationType.NONE.",
                "drop public_reason (the method is authorized).",
            )
        elif isinstance(public_reason, str) and len(public_reason.strip()) < _MIN_REASON:
            checks.add(
                _METHOD_CODE,
                "public_reason",
                f"{public_reason!r} is too short to tell a reviewer why the method is public.",
                f"write at least {_MIN_REASON} characters, e.g. 'health check for the "
                "load balancer, returns no data'.",
            )
        raise_if_any(method_where("SecureApi", self._owner, f"root...{call}"), checks.issues)


@drop_in(apigateway.IRestApi, attr="api")
class SecureApi(Construct, DropIn):
    """A regional REST API behind a WAF, with an authorizer on every method and full logs.

    Defaults (each implements a guardrail rule):

    * **Prevention.** Every method is authorized by ``authorizer`` (Cognito user pool,
      Lambda token/request authorizer, or IAM) unless it names another (SC-APIGW-1);
      ``add_method`` on ``.root`` and its children refuses ``AuthorizationType.NONE``
      unless given a ``public_reason``. A regional WAFv2 WebACL with the AWS managed groups
      IP reputation, Common, Known bad inputs and SQL injection and a per-IP rate rule is
      associated with the stage (SC-APIGW-5, SC-WAF-1, SC-WAF-4, and SC-WAF-7/SC-WAF-10
      enforced as errors). Stage throttling (100 requests/s, burst 200) with per-method
      limits. A request validator (body and parameters) on every method added here: a
      method with ``request_models`` rejects bodies that do not match them.
    * **In transit.** A custom domain, when given, allows TLS 1.2 and newer only
      (SC-APIGW-7), and the default ``execute-api`` endpoint is then turned off, so the
      WAF-protected domain is the only way in.
    * **At rest.** Access, execution and WAF logs in log groups encrypted with a
      customer-managed key with rotation (SC-LOGS-1, SC-KMS-1), kept one year and retained
      (SC-LOGS-2, SC-LOGS-3). The execution log group API Gateway would otherwise create
      unencrypted and without expiry is created first. A stage cache, when turned on, is
      encrypted (SC-APIGW-6).
    * **Detection.** JSON access logs with the request id, source IP, caller identity,
      authorizer principal, method, path, status, latencies and WAF result (SC-APIGW-2);
      execution logs at ERROR without request/response data logging, so no bodies or
      headers with secrets reach the logs (SC-APIGW-3, enforced); X-Ray tracing
      (SC-APIGW-4, enforced); detailed CloudWatch metrics; WAF logs without the
      authorization and cookie headers to an ``aws-waf-logs-`` group (SC-WAF-3, SC-WAF-9);
      with ``alarm_topic``, an alarm on the WAF's blocked requests (SC-WAF-8).

    Parameters
    ----------
    scope, construct_id:
        As for any construct. The children are ``Key``, ``AccessLogs``, ``Api`` (the
        ``RestApi``, its stage ``Api/DeploymentStage.<stage>``), ``ExecutionLogs``,
        ``RequestValidator``, ``WebAcl``, ``WafLogs``, ``WebAclLogging``,
        ``WebAclAssociation`` and, with their options, ``ClientCertificate``,
        ``CloudWatchRole``, ``Account``, ``AliasRecord``, ``WafBlockedRequestsAlarm``.
    authorizer:
        What authorizes every method by default: a ``CognitoUserPoolsAuthorizer``, a
        ``TokenAuthorizer``/``RequestAuthorizer`` (Lambda), or
        ``apigateway.AuthorizationType.IAM``. Required; ``NONE`` is rejected (mark single
        methods public with ``public_reason``).
    rest_api_name, description:
        As for ``RestApi``. Default: the construct id, none.
    stage_name:
        Default ``"prod"``.
    throttle:
        The stage's limits. Default ``Throttle()`` (100 requests/s, burst 200).
    method_throttles:
        Per-method limits, keyed ``"/<resource path>/<HTTP method>"`` as in
        ``StageOptions.method_options``, e.g. ``{"/items/POST": Throttle(10, 20)}``.
    cache:
        Turn the stage cache on, encrypted. Default: off (see ``CacheOptions``).
    domain:
        A custom domain (TLS 1.2+); the ``execute-api`` endpoint is then disabled and
        ``url`` is the domain's. Default: none.
    waf:
        The WebACL's settings (the same ``WafOptions`` as SecureAlbService). Default
        ``WafOptions()``: 2,000 requests per client IP per 5 minutes. The baseline groups
        cannot be removed.
    client_certificate:
        Create a client certificate API Gateway presents to HTTP backends. Default False.
    cloud_watch_role:
        API Gateway writes logs with one IAM role per account and region (the
        ``AWS::ApiGateway::Account`` setting): a stage with logging fails to deploy where
        it is missing. Default False: the account already has it (set once, by a platform
        stack). True creates the role (a customer-managed policy, write actions on this
        account's log groups, no AWS managed policy) and the account setting, both
        RETAINED: deleting the stack must not leave the account's setting naming a
        deleted role, which would break the logs of every API there. Set it in one stack
        per account and region only.
    alarm_topic:
        Alarm on the WAF's blocked requests to this topic. Default: no alarm (SC-WAF-8
        then warns).
    waf_blocked_requests_threshold:
        Blocked requests in 5 minutes that raise the alarm. Default 500.
    encryption_key:
        Bring your own key for the log groups; its policy must let CloudWatch Logs use it.
        Default: a new key with rotation.
    log_retention:
        How long access, execution and WAF logs are kept. Default one year; ``INFINITE``
        and periods under the guardrails' minimum are rejected.
    binary_media_types, default_cors_preflight_options, policy:
        As for ``RestApi``. Default: none.
    removal_policy:
        For the key and the log groups. Default RETAIN. ``DESTROY`` is a weakening
        (warning ``WARN_API_DESTROY_ON_REMOVAL``; SC-KMS-3 and SC-LOGS-3 report it unless
        acknowledged).

    Attributes
    ----------
    api, stage, root:
        The ``RestApi``, its deployment stage, and its root resource wrapped in a
        :class:`SecureApiResource`.
    web_acl, web_acl_association, waf_log_group, access_log_group, execution_log_group:
        The WAF and the log groups.
    domain_name:
        The ``apigateway.DomainName``, or None.
    request_validator, client_certificate, cloud_watch_role, blocked_requests_alarm:
        The created companions (None when not created).

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
        authorizer: Authorization,
        rest_api_name: str | None = None,
        description: str | None = None,
        stage_name: str = defaults.DEFAULT_STAGE_NAME,
        throttle: Throttle = DEFAULT_THROTTLE,
        method_throttles: Mapping[str, Throttle] = _NO_METHOD_THROTTLES,
        cache: CacheOptions | None = None,
        domain: ApiDomain | None = None,
        waf: WafOptions = DEFAULT_WAF,
        client_certificate: bool = False,
        cloud_watch_role: bool = False,
        alarm_topic: sns.ITopic | None = None,
        waf_blocked_requests_threshold: int = 500,
        encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        binary_media_types: Sequence[str] = (),
        default_cors_preflight_options: apigateway.CorsOptions | None = None,
        policy: iam.PolicyDocument | None = None,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
    ) -> None:
        issues = _input_issues(
            scope,
            construct_id,
            authorizer=authorizer,
            rest_api_name=rest_api_name,
            description=description,
            stage_name=stage_name,
            throttle=throttle,
            method_throttles=method_throttles,
            cache=cache,
            domain=domain,
            waf=waf,
            client_certificate=client_certificate,
            cloud_watch_role=cloud_watch_role,
            alarm_topic=alarm_topic,
            waf_blocked_requests_threshold=waf_blocked_requests_threshold,
            encryption_key=encryption_key,
            log_retention=log_retention,
            binary_media_types=binary_media_types,
            default_cors_preflight_options=default_cors_preflight_options,
            policy=policy,
            removal_policy=removal_policy,
        )
        raise_if_any(where("SecureApi", scope, construct_id), issues)
        super().__init__(scope, construct_id)

        self.encryption_key: kms.IKey
        self.access_log_group: logs.ILogGroup
        self.encryption_key, self.access_log_group = key_and_log_group(
            self,
            "AccessLogs",
            encryption_key=encryption_key,
            key_description=f"Encrypts the access, execution and WAF logs of {self.node.path}",
            retention=log_retention,
            removal_policy=removal_policy,
        )
        self.client_certificate: apigateway.CfnClientCertificate | None = (
            apigateway.CfnClientCertificate(
                self, "ClientCertificate", description=f"Backend certificate of {self.node.path}"
            )
            if client_certificate
            else None
        )
        self._default_kind = (
            "IAM"
            if isinstance(authorizer, apigateway.AuthorizationType)
            else _authorizer_kind(authorizer)
        )
        self._base_path = domain.base_path if domain is not None else None
        default_method_options = (
            apigateway.MethodOptions(authorization_type=authorizer)
            if isinstance(authorizer, apigateway.AuthorizationType)
            else apigateway.MethodOptions(authorizer=authorizer)
        )
        self.api = apigateway.RestApi(
            self,
            "Api",
            rest_api_name=rest_api_name or construct_id,
            description=description,
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            default_method_options=default_method_options,
            default_cors_preflight_options=default_cors_preflight_options,
            binary_media_types=list(binary_media_types) or None,
            policy=policy,
            # The account setting is handled below, retained (CDK's role would carry the
            # AWS managed policy, which also reads every log of the account).
            cloud_watch_role=False,
            deploy=True,
            deploy_options=self._stage_options(
                stage_name, throttle, method_throttles, cache, self.client_certificate
            ),
            domain_name=(
                apigateway.DomainNameOptions(
                    domain_name=domain.domain_name,
                    certificate=domain.certificate,
                    base_path=domain.base_path,
                    endpoint_type=apigateway.EndpointType.REGIONAL,
                    security_policy=apigateway.SecurityPolicy.TLS_1_2,
                )
                if domain is not None
                else None
            ),
            disable_execute_api_endpoint=domain is not None,
        )
        self.stage: apigateway.Stage = self.api.deployment_stage
        self.domain_name: apigateway.DomainName | None = self.api.domain_name
        # SC-APIGW-3 and SC-APIGW-4 are warnings elsewhere; here they are the construct's
        # defaults, so undoing them with an escape hatch fails synthesis.
        enforce_rules(self.stage, "SC-APIGW-3", "SC-APIGW-4")
        # Stage-wide settings no rule can ask of every API (SC-PIN-1): no request and
        # response bodies in the logs, and the throttles the construct set. CDK renders the
        # stage-wide ("/*" "*") method setting first.
        pinned: dict[str, Any] = {
            "MethodSettings.0.ResourcePath": "/*",
            "MethodSettings.0.DataTraceEnabled": False,
            "MethodSettings.0.MetricsEnabled": True,
            "MethodSettings.0.ThrottlingRateLimit": throttle.rate_limit,
            "MethodSettings.0.ThrottlingBurstLimit": throttle.burst_limit,
        }
        # Then one setting per method throttle, in the order given.
        for i, limit in enumerate(method_throttles.values(), start=1):
            pinned[f"MethodSettings.{i}.DataTraceEnabled"] = False
            pinned[f"MethodSettings.{i}.ThrottlingRateLimit"] = limit.rate_limit
            pinned[f"MethodSettings.{i}.ThrottlingBurstLimit"] = limit.burst_limit
            if cache is not None:
                pinned[f"MethodSettings.{i}.CacheDataEncrypted"] = True
        pin(
            self.stage,
            pinned=pinned,
            # The backend certificate asked for stays attached.
            present=("ClientCertificateId",) if self.client_certificate is not None else (),
        )
        if domain is not None:
            # Callers reach the API only through the TLS 1.2 custom domain.
            pin(self.api, pinned={"DisableExecuteApiEndpoint": True})

        self.execution_log_group: logs.ILogGroup = encrypted_log_group(
            self,
            "ExecutionLogs",
            encryption_key=self.encryption_key,
            retention=log_retention,
            removal_policy=removal_policy,
            log_group_name=defaults.execution_log_group_name(self.api.rest_api_id, stage_name),
        )
        # The group exists before the stage can write (or API Gateway creates it, in clear).
        self.stage.node.add_dependency(self.execution_log_group)
        pin(self.stage, companions={"ExecutionLogs": cfn_resource(self.execution_log_group)})

        self.request_validator = self.api.add_request_validator(
            "RequestValidator",
            request_validator_name=f"{construct_id}-body-and-parameters"[:128],
            validate_request_body=True,
            validate_request_parameters=True,
        )
        # Every method the construct adds uses it (SecureApiResource.add_method).
        pin(
            self.request_validator,
            pinned={"ValidateRequestBody": True, "ValidateRequestParameters": True},
        )

        self.cloud_watch_role: iam.Role | None = None
        if cloud_watch_role:
            self._create_cloud_watch_role()

        self.alias_record: route53.ARecord | None = None
        if domain is not None and domain.hosted_zone is not None:
            self.alias_record = route53.ARecord(
                self,
                "AliasRecord",
                zone=domain.hosted_zone,
                record_name=domain.domain_name,
                target=route53.RecordTarget.from_alias(route53_targets.ApiGateway(self.api)),
            )

        self.web_acl, self.web_acl_association, self.waf_log_group = self._create_web_acl(
            waf, log_retention, removal_policy
        )
        self.blocked_requests_alarm: cloudwatch.Alarm | None = None
        if alarm_topic is not None:
            self._create_blocked_requests_alarm(alarm_topic, waf_blocked_requests_threshold)

        self._accept_inherent_findings(
            cached=cache is not None, client_certificate=client_certificate
        )
        if removal_policy == cdk.RemovalPolicy.DESTROY:
            cdk.Annotations.of(self).add_warning_v2(
                WARN_API_DESTROY_ON_REMOVAL,
                "removal_policy=DESTROY: removing the construct or the stack deletes the "
                "access, execution and WAF logs and their key (guardrails SC-LOGS-3 and "
                "SC-KMS-3 report it unless acknowledged with a reason).",
            )

    # -- the familiar API --------------------------------------------------------------

    @property
    def root(self) -> SecureApiResource:
        """The root resource (``/``); ``add_method`` there refuses unauthorized methods."""
        return SecureApiResource(self, self.api.root)

    @property
    def url(self) -> str:
        """The URL clients call: the custom domain's when there is one."""
        if self.domain_name is not None:
            base = self.domain_name.domain_name
            return f"https://{base}/{self._base_path}/" if self._base_path else f"https://{base}/"
        return self.api.url

    # -- wiring ------------------------------------------------------------------------

    def _stage_options(
        self,
        stage_name: str,
        throttle: Throttle,
        method_throttles: Mapping[str, Throttle],
        cache: CacheOptions | None,
        client_certificate: apigateway.CfnClientCertificate | None,
    ) -> apigateway.StageOptions:
        method_options = {
            key: apigateway.MethodDeploymentOptions(
                throttling_rate_limit=limit.rate_limit,
                throttling_burst_limit=limit.burst_limit,
                cache_data_encrypted=True if cache is not None else None,
            )
            for key, limit in method_throttles.items()
        }
        return apigateway.StageOptions(
            stage_name=stage_name,
            access_log_destination=apigateway.LogGroupLogDestination(self.access_log_group),
            access_log_format=defaults.access_log_format(),
            logging_level=apigateway.MethodLoggingLevel.ERROR,
            data_trace_enabled=False,
            metrics_enabled=True,
            tracing_enabled=True,
            throttling_rate_limit=throttle.rate_limit,
            throttling_burst_limit=throttle.burst_limit,
            method_options=method_options or None,
            cache_cluster_enabled=cache is not None,
            cache_cluster_size=cache.size if cache is not None else None,
            caching_enabled=cache is not None,
            cache_data_encrypted=True if cache is not None else None,
            cache_ttl=cache.ttl if cache is not None else None,
            client_certificate_id=(client_certificate.ref if client_certificate else None),
        )

    def _create_cloud_watch_role(self) -> None:
        stack = cdk.Stack.of(self)
        role = ManagedPolicyRole(
            self,
            "CloudWatchRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="API Gateway writes execution and access logs of this account and "
            "region with this role",
        )
        role.add_to_principal_policy(
            defaults.cloud_watch_role_statement(
                stack.format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name="*",
                    arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                )
            )
        )
        account = apigateway.CfnAccount(self, "Account", cloud_watch_role_arn=role.role_arn)
        for resource in (role, role.policy, account):
            resource.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        account.node.add_dependency(role.policy)
        self.stage.node.add_dependency(account)
        accept_cdk_nag(
            role.policy.node.default_child,  # type: ignore[arg-type]
            [
                "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:"
                "<AWS::AccountId>:log-group:*]"
            ],
            _LOG_ROLE_REASON,
        )
        self.cloud_watch_role = role

    def _create_web_acl(
        self, options: WafOptions, retention: logs.RetentionDays, removal_policy: cdk.RemovalPolicy
    ) -> tuple[wafv2.CfnWebACL, wafv2.CfnWebACLAssociation, logs.ILogGroup]:
        """The regional WebACL, its association with the stage and its logging."""
        web_acl = waf_defaults.create_web_acl(
            self,
            options,
            waf_scope="REGIONAL",
            description=f"Protects the stage of {self.node.path}",
            # In front of an API stage these two are warnings; this WebACL always has them.
            enforced=("SC-WAF-7", "SC-WAF-10"),
        )
        association = wafv2.CfnWebACLAssociation(
            self,
            "WebAclAssociation",
            resource_arn=self.stage.stage_arn,
            web_acl_arn=web_acl.attr_arn,
        )
        log_group = waf_defaults.log_web_acl(
            self,
            web_acl,
            encryption_key=self.encryption_key,
            retention=retention,
            removal_policy=removal_policy,
        )
        return web_acl, association, log_group

    def _create_blocked_requests_alarm(self, topic: sns.ITopic, threshold: int) -> None:
        alarm = waf_defaults.blocked_requests_alarm(
            self,
            waf_defaults.web_acl_name(self),
            threshold=threshold,
            period=cdk.Duration.minutes(5),
            regional=True,
        )
        alarm.add_alarm_action(cloudwatch_actions.SnsAction(topic))
        pin(alarm, pinned={"ActionsEnabled": True}, present=("AlarmActions",))
        # Deleting the alarm is reported on the WebACL it watches.
        pin(self.web_acl, companions={"BlockedRequestsAlarm": cfn_resource(alarm)})
        self.blocked_requests_alarm = alarm

    def _accept_inherent_findings(self, *, cached: bool, client_certificate: bool) -> None:
        """What the external scanners report on a default API, and why it stays."""
        stage = self.stage.node.default_child
        assert isinstance(stage, cdk.CfnResource)  # noqa: S101 - CDK always creates it
        if not cached:
            accept_cdk_nag(
                stage,
                [f"{pack}-APIGWCacheEnabledAndEncrypted" for pack in COMPLIANCE_PACKS],
                _NO_CACHE_REASON,
            )
            accept_checkov(stage, ["CKV_AWS_120"], _NO_CACHE_REASON)
        if not client_certificate:
            accept_cdk_nag(
                stage,
                [f"{pack}-APIGWSSLEnabled" for pack in COMPLIANCE_PACKS],
                _NO_CLIENT_CERTIFICATE_REASON,
            )

    def _accept_method_findings(
        self, method: apigateway.Method, options: Mapping[str, Any], public_reason: str | None
    ) -> None:
        """Per method: the public reason, or why it is not a Cognito authorizer."""
        cfn = method.node.default_child
        assert isinstance(cfn, cdk.CfnResource)  # noqa: S101 - CDK always creates it
        if public_reason is not None:
            acknowledge(method, "SC-APIGW-1", public_reason)
            accept_cdk_nag(cfn, ["AwsSolutions-APIG4", "AwsSolutions-COG4"], public_reason)
            accept_checkov(cfn, ["CKV_AWS_59"], public_reason)
            cdk.Annotations.of(method).add_warning_v2(
                WARN_PUBLIC_METHOD,
                f"{method.http_method} {method.resource.path} is public: anyone on the "
                f"internet can call it ({public_reason}). SC-APIGW-1 is acknowledged with "
                "that reason.",
            )
            return
        if str(method.http_method).upper() == "OPTIONS":
            return
        authorizer = options.get("authorizer")
        kind_type = options.get("authorization_type")
        if authorizer is not None:
            kind = _authorizer_kind(authorizer)
        elif kind_type is not None:
            kind = "IAM" if kind_type == apigateway.AuthorizationType.IAM else "its authorizer"
        else:
            kind = self._default_kind
        if kind != "a Cognito user pool":
            accept_cdk_nag(cfn, ["AwsSolutions-COG4"], _NOT_COGNITO_REASON.format(kind=kind))


def _authorizer_kind(authorizer: object) -> str:
    if isinstance(authorizer, apigateway.CognitoUserPoolsAuthorizer):
        return "a Cognito user pool"
    if isinstance(authorizer, (apigateway.TokenAuthorizer, apigateway.RequestAuthorizer)):
        return "a Lambda authorizer"
    return "its authorizer"


# -- validation ------------------------------------------------------------------------------


def _input_issues(
    scope: object,
    construct_id: object,
    *,
    authorizer: object,
    rest_api_name: object,
    description: object,
    stage_name: object,
    throttle: object,
    method_throttles: object,
    cache: object,
    domain: object,
    waf: object,
    client_certificate: object,
    cloud_watch_role: object,
    alarm_topic: object,
    waf_blocked_requests_threshold: object,
    encryption_key: object,
    log_retention: object,
    binary_media_types: object,
    default_cors_preflight_options: object,
    policy: object,
    removal_policy: object,
) -> list[Issue]:
    """Every input's type (SC-API-1), then the ranges and combinations."""
    checks = Checks("SC-API-1")
    checks.scope(scope, construct_id)
    issues: list[Issue] = []
    if isinstance(authorizer, apigateway.AuthorizationType):
        if authorizer != apigateway.AuthorizationType.IAM:
            fix = (
                "mark single public methods with add_method(..., authorization_type="
                "AuthorizationType.NONE, public_reason='<why>') instead."
                if authorizer == apigateway.AuthorizationType.NONE
                else "pass the authorizer itself (CognitoUserPoolsAuthorizer, TokenAuthorizer, "
                "RequestAuthorizer)."
            )
            issues.append(
                Issue(
                    "SC-API-2",
                    "authorizer",
                    f"AuthorizationType.{authorizer.name} is not an authorizer every method "
                    "can use (guardrail SC-APIGW-1).",
                    "pass AuthorizationType.IAM or an authorizer construct; " + fix,
                )
            )
    else:
        checks.interface(
            "authorizer",
            authorizer,
            ("authorizer_id", "authorization_type"),
            "an apigateway.IAuthorizer or AuthorizationType.IAM",
            "pass apigateway.CognitoUserPoolsAuthorizer(...), TokenAuthorizer(...), "
            "RequestAuthorizer(...) or apigateway.AuthorizationType.IAM.",
        )
    checks.string("rest_api_name", rest_api_name, optional=True)
    checks.string("description", description, optional=True)
    if (
        checks.string("stage_name", stage_name)
        and isinstance(stage_name, str)
        and not is_token(stage_name)
        and not re.match(r"^[A-Za-z0-9_-]{1,128}$", stage_name)
    ):
        checks.add(
            "SC-API-3",
            "stage_name",
            f"{stage_name!r} is not a stage name API Gateway accepts.",
            "use 1-128 letters, digits, '-' or '_', e.g. 'prod'.",
        )
    if checks.instance(
        "throttle",
        throttle,
        Throttle,
        "a Throttle",
        "pass Throttle(rate_limit=..., burst_limit=...).",
    ) and isinstance(throttle, Throttle):
        issues += throttle.issues("throttle")
    if checks.mapping("method_throttles", method_throttles) and isinstance(
        method_throttles, Mapping
    ):
        for key, limit in method_throttles.items():
            if not _METHOD_KEY.match(key) or key.rsplit("/", 1)[1] not in defaults.HTTP_METHODS:
                issues.append(
                    Issue(
                        "SC-API-4",
                        "method_throttles",
                        f"{key!r} does not name a method as '/<resource path>/<HTTP method>'.",
                        "use e.g. '/items/GET', '/items/{id}/DELETE' or '/*/*'.",
                    )
                )
            if isinstance(limit, Throttle):
                issues += limit.issues(f"method_throttles[{key!r}]")
            else:
                checks.wrong(
                    f"method_throttles[{key!r}]", limit, "a Throttle", "pass Throttle(...)."
                )
    if checks.instance(
        "cache",
        cache,
        CacheOptions,
        "a CacheOptions",
        "pass CacheOptions() or omit it.",
        optional=True,
    ) and isinstance(cache, CacheOptions):
        issues += cache.issues()
    if checks.instance(
        "domain",
        domain,
        ApiDomain,
        "an ApiDomain",
        "pass ApiDomain(domain_name=..., certificate=...) or omit it.",
        optional=True,
    ) and isinstance(domain, ApiDomain):
        issues += domain.issues()
    if checks.instance(
        "waf", waf, WafOptions, "a WafOptions", "pass WafOptions(...)."
    ) and isinstance(waf, WafOptions):
        issues += waf.issues(code="SC-API-8")
    checks.boolean("client_certificate", client_certificate)
    checks.boolean("cloud_watch_role", cloud_watch_role)
    checks.interface(
        "alarm_topic",
        alarm_topic,
        ("topic_arn",),
        "an sns.ITopic",
        "pass an sns.Topic (or sns.Topic.from_topic_arn(...)), or omit it.",
        optional=True,
    )
    if checks.integer("waf_blocked_requests_threshold", waf_blocked_requests_threshold) and (
        isinstance(waf_blocked_requests_threshold, int) and waf_blocked_requests_threshold < 1
    ):
        checks.add(
            "SC-API-8",
            "waf_blocked_requests_threshold",
            f"{waf_blocked_requests_threshold} is not a positive number of requests.",
            "pass at least 1 (default 500).",
        )
    checks.kms_key("encryption_key", encryption_key)
    checks.finite_log_retention(
        "log_retention",
        log_retention,
        DEFAULT_THRESHOLDS.log_retention_days,
        "the API logs",
        infinite_code="SC-API-3",
    )
    checks.items(
        "binary_media_types",
        binary_media_types,
        lambda t: isinstance(t, str),
        "str",
        "pass a list of media types, e.g. ['image/png'].",
    )
    checks.instance(
        "default_cors_preflight_options",
        default_cors_preflight_options,
        apigateway.CorsOptions,
        "an apigateway.CorsOptions",
        "pass apigateway.CorsOptions(allow_origins=[...]) or omit it.",
        optional=True,
    )
    checks.instance(
        "policy",
        policy,
        iam.PolicyDocument,
        "an iam.PolicyDocument",
        "pass iam.PolicyDocument(statements=[...]) or omit it.",
        optional=True,
    )
    checks.removal_policy(
        "removal_policy", removal_policy, snapshot_code="SC-API-3", kinds="KMS keys and log groups"
    )
    return [*checks.issues, *issues]
