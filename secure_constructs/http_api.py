"""SecureHttpApi: an API Gateway HTTP API that authorizes every route, logs and throttles."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from constructs import Construct

from aspects.acknowledge import acknowledge
from aspects.errors import Issue
from aspects.settings import DEFAULT as DEFAULT_THRESHOLDS
from secure_constructs._defaults import apigatewayv2 as defaults
from secure_constructs._defaults import pin
from secure_constructs._defaults.logs import DEFAULT_LOG_RETENTION, key_and_log_group
from secure_constructs._dropin import DropIn, drop_in
from secure_constructs._scanners import accept_cdk_nag
from secure_constructs._validation import Checks, method_where, raise_if_any, where
from secure_constructs.api import DEFAULT_THROTTLE, ApiDomain, Throttle

__all__ = [
    "WARN_HTTP_API_DESTROY_ON_REMOVAL",
    "WARN_HTTP_API_WITHOUT_WAF",
    "WARN_PUBLIC_ROUTE",
    "SecureHttpApi",
]

#: Warning ids (acknowledge with ``Annotations.of(scope).acknowledge_warning(id, reason)``).
WARN_PUBLIC_ROUTE = "secure-constructs:SecureHttpApi:public-route"
WARN_HTTP_API_DESTROY_ON_REMOVAL = "secure-constructs:SecureHttpApi:destroy-on-removal"
WARN_HTTP_API_WITHOUT_WAF = "secure-constructs:SecureHttpApi:without-waf"

_TYPE_CODE = "SC-HTTPAPI-1"
_AUTHORIZER_CODE = "SC-HTTPAPI-2"
_SETTING_CODE = "SC-HTTPAPI-3"
_THROTTLE_CODE = "SC-HTTPAPI-4"
_DOMAIN_CODE = "SC-HTTPAPI-5"
_CORS_CODE = "SC-HTTPAPI-6"
_ROUTE_CODE = "SC-HTTPAPI-7"
_MIN_REASON = 20
#: What CDK's ``HttpRouteKey.with`` accepts: ``/`` or a path not ending in ``/``.
_ROUTE_PATH = re.compile(r"^/$|^/.*[^/]$")

_NO_WAF_MESSAGE = (
    "AWS WAF cannot be associated with an HTTP API: nothing filters common exploits, bad "
    "bots or floods before they reach the routes (throttling only caps the rate). Put a "
    "CloudFront distribution with a WebACL in front (SecureDistribution with the API's "
    "domain as its origin) and acknowledge this warning with that reason, or use SecureApi "
    "(a REST API with a regional WebACL)."
)


@drop_in(apigatewayv2.IHttpApi, attr="api", own=("default_stage",))
class SecureHttpApi(Construct, DropIn):
    """An HTTP API with an authorizer on every route, JSON access logs and stage throttling.

    Defaults (each implements a guardrail rule):

    * **Prevention.** Every route is authorized by ``authorizer`` (a JWT or Cognito user
      pool authorizer, a Lambda authorizer, or IAM) unless it names another (SC-APIGW-1).
      :meth:`add_routes` refuses ``HttpNoneAuthorizer`` unless given a ``public_reason``:
      the route is then added with the warning ``WARN_PUBLIC_ROUTE`` and SC-APIGW-1 (and
      cdk-nag's AwsSolutions-APIG4) acknowledged on it with that reason. OPTIONS
      routes (CORS preflight) need no reason. The ``$default`` stage throttles every route
      (100 requests/s, burst 200; pinned [1]) and single routes by ``throttle=``. CORS is
      off unless ``cors`` is given.
    * **In transit.** A custom domain, when given, is regional with the ``TLS_1_2`` policy
      (SC-APIGW-7), and the default ``execute-api`` endpoint is then disabled (pinned [1]),
      so the domain is the only way in.
    * **At rest.** Access logs in a log group encrypted with a customer-managed key with
      rotation (SC-LOGS-1, SC-KMS-1), kept one year and retained (SC-LOGS-2, SC-LOGS-3).
    * **Detection.** JSON access logs on the ``$default`` stage with the request id,
      source IP, caller identity, authorizer principal and JWT subject, route, status,
      latencies and authorizer and integration errors, never headers or bodies
      (SC-APIGW-2); detailed (per-route) CloudWatch metrics (pinned [1]).

    [1] Declared for SC-PIN-1 in the resource metadata. SC-PIN-1 does not judge
    ``AWS::ApiGatewayV2::Stage`` and ``::Api`` yet, so an escape hatch that removes these
    settings is not reported yet.

    **No WAF.** AWS WAF cannot be associated with HTTP (or WebSocket) APIs: it protects
    REST API stages, CloudFront, Application Load Balancers, AppSync, Cognito user pools,
    App Runner and Verified Access. The construct says so with the warning
    ``WARN_HTTP_API_WITHOUT_WAF`` on every instance. To filter requests, put CloudFront
    with a WebACL in front: give the API a ``domain`` (which also disables the
    ``execute-api`` endpoint) and make it the origin of a
    ``SecureDistribution`` (``origin="api.example.com"``, an ``HttpOrigin`` over HTTPS with
    TLS 1.2, its CLOUDFRONT WebACL with the AWS managed groups), then acknowledge the
    warning with ``Annotations.of(api).acknowledge_warning(WARN_HTTP_API_WITHOUT_WAF,
    "behind <distribution>")``. An HTTP API has no resource policy, so callers can still
    skip CloudFront by calling the domain directly: have the distribution add a secret
    origin header and check it in a Lambda authorizer if that matters. Or use
    :class:`~secure_constructs.api.SecureApi`, a REST API with a regional WebACL.

    HTTP APIs need no account-level CloudWatch role for access logs (unlike REST APIs):
    the identity that deploys needs ``logs:CreateLogDelivery`` and the related log
    delivery permissions (the CDK bootstrap's CloudFormation execution role has them).

    Parameters
    ----------
    scope, construct_id:
        As for any construct. The children are ``Key``, ``AccessLogs``, ``Api`` (the
        ``HttpApi``, its stage ``Api/DefaultStage``, its routes ``Api/<METHOD>--<path>``)
        and, with a domain, ``DomainName``, ``ApiMapping`` and ``AliasRecord``.
    authorizer:
        What authorizes every route by default: ``HttpJwtAuthorizer``,
        ``HttpUserPoolAuthorizer``, ``HttpLambdaAuthorizer`` or ``HttpIamAuthorizer`` (of
        ``aws_apigatewayv2_authorizers``). Required; ``HttpNoneAuthorizer`` is rejected
        (mark single routes public with ``public_reason``).
    authorization_scopes:
        OAuth scopes every JWT-authorized route requires by default. Default: none.
    api_name, description:
        As for ``HttpApi``. Default: the construct id, none.
    throttle:
        The stage's limits for every route. Default ``Throttle()`` (100 requests/s, burst
        200; the same ``Throttle`` as ``SecureApi``).
    domain:
        A custom domain (regional, TLS 1.2); the ``execute-api`` endpoint is then disabled
        and ``url`` is the domain's. ``base_path`` becomes the API mapping key. Default:
        none.
    cors:
        An ``apigatewayv2.CorsPreflightOptions``: API Gateway then answers preflight
        requests itself. Default: none (no CORS headers; browsers refuse cross-origin
        calls). ``allow_credentials`` with the ``*`` origin is rejected.
    encryption_key:
        Bring your own key for the access log group; its policy must let CloudWatch Logs
        use it. Default: a new key with rotation.
    log_retention:
        How long the access logs are kept. Default one year; ``INFINITE`` and periods under
        the guardrails' minimum are rejected.
    removal_policy:
        For the key and the log group. Default RETAIN. ``DESTROY`` is a weakening (warning
        ``WARN_HTTP_API_DESTROY_ON_REMOVAL``; SC-KMS-3 and SC-LOGS-3 report it unless
        acknowledged).

    Attributes
    ----------
    api, stage:
        The ``HttpApi`` and its ``$default`` ``HttpStage`` (also ``default_stage``: the
        construct creates the stage itself, so ``api.default_stage`` is None).
    access_log_group, encryption_key:
        The access log group and its key.
    domain_name, api_mapping, alias_record:
        The ``apigatewayv2.DomainName``, its mapping to the stage and its Route 53 alias, or
        None.

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
        authorizer: apigatewayv2.IHttpRouteAuthorizer,
        authorization_scopes: Sequence[str] = (),
        api_name: str | None = None,
        description: str | None = None,
        throttle: Throttle = DEFAULT_THROTTLE,
        domain: ApiDomain | None = None,
        cors: apigatewayv2.CorsPreflightOptions | None = None,
        encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
    ) -> None:
        issues = _input_issues(
            scope,
            construct_id,
            authorizer=authorizer,
            authorization_scopes=authorization_scopes,
            api_name=api_name,
            description=description,
            throttle=throttle,
            domain=domain,
            cors=cors,
            encryption_key=encryption_key,
            log_retention=log_retention,
            removal_policy=removal_policy,
        )
        raise_if_any(where("SecureHttpApi", scope, construct_id), issues)
        super().__init__(scope, construct_id)

        self.encryption_key: kms.IKey
        self.access_log_group: logs.ILogGroup
        self.encryption_key, self.access_log_group = key_and_log_group(
            self,
            "AccessLogs",
            encryption_key=encryption_key,
            key_description=f"Encrypts the access logs of {self.node.path}",
            retention=log_retention,
            removal_policy=removal_policy,
        )
        self.domain_name: apigatewayv2.DomainName | None = None
        if domain is not None:
            self.domain_name = apigatewayv2.DomainName(
                self,
                "DomainName",
                domain_name=domain.domain_name,
                certificate=domain.certificate,
                endpoint_type=apigatewayv2.EndpointType.REGIONAL,
                security_policy=apigatewayv2.SecurityPolicy.TLS_1_2,
            )
        self._domain = domain
        self.api = apigatewayv2.HttpApi(
            self,
            "Api",
            api_name=api_name or construct_id,
            description=description,
            default_authorizer=authorizer,
            default_authorization_scopes=list(authorization_scopes) or None,
            cors_preflight=cors,
            # The construct creates the $default stage itself, with access logs.
            create_default_stage=False,
            disable_execute_api_endpoint=domain is not None,
        )
        self.stage = apigatewayv2.HttpStage(
            self.api,
            "DefaultStage",
            http_api=self.api,
            stage_name=defaults.DEFAULT_STAGE_NAME,
            auto_deploy=True,
            access_log_settings=defaults.AccessLogSettings(self.access_log_group),
            detailed_metrics_enabled=True,
            throttle=apigatewayv2.ThrottleSettings(
                rate_limit=throttle.rate_limit, burst_limit=throttle.burst_limit
            ),
        )
        self.api_mapping: apigatewayv2.ApiMapping | None = None
        if self.domain_name is not None and domain is not None:
            # Not HttpStage(domain_mapping=...): that makes the mapping a child of the stage
            # that also depends on the domain it already references (cfn-lint W3005).
            self.api_mapping = apigatewayv2.ApiMapping(
                self,
                "ApiMapping",
                api=self.api,
                domain_name=self.domain_name,
                stage=self.stage,
                api_mapping_key=domain.base_path,
            )
        self.default_stage: apigatewayv2.IHttpStage = self.stage
        self._route_settings: dict[str, dict[str, Any]] = {}
        # Settings no rule can ask of every HTTP API (SC-PIN-1): the throttles and the
        # detailed metrics the construct set, and a closed execute-api endpoint.
        pin(
            self.stage,
            pinned={
                "DefaultRouteSettings.ThrottlingRateLimit": throttle.rate_limit,
                "DefaultRouteSettings.ThrottlingBurstLimit": throttle.burst_limit,
                "DefaultRouteSettings.DetailedMetricsEnabled": True,
            },
        )
        if domain is not None:
            pin(self.api, pinned={"DisableExecuteApiEndpoint": True})

        self.alias_record: route53.ARecord | None = None
        if domain is not None and domain.hosted_zone is not None:
            assert self.domain_name is not None  # noqa: S101 - created above
            self.alias_record = route53.ARecord(
                self,
                "AliasRecord",
                zone=domain.hosted_zone,
                record_name=domain.domain_name,
                target=route53.RecordTarget.from_alias(
                    route53_targets.ApiGatewayv2DomainProperties(
                        self.domain_name.regional_domain_name,
                        self.domain_name.regional_hosted_zone_id,
                    )
                ),
            )

        cdk.Annotations.of(self).add_warning_v2(WARN_HTTP_API_WITHOUT_WAF, _NO_WAF_MESSAGE)
        if removal_policy == cdk.RemovalPolicy.DESTROY:
            cdk.Annotations.of(self).add_warning_v2(
                WARN_HTTP_API_DESTROY_ON_REMOVAL,
                "removal_policy=DESTROY: removing the construct or the stack deletes the "
                "access logs and their key (guardrails SC-LOGS-3 and SC-KMS-3 report it "
                "unless acknowledged with a reason).",
            )

    # -- the familiar API --------------------------------------------------------------

    @property
    def url(self) -> str:
        """The URL clients call: the custom domain's when there is one."""
        if self._domain is not None:
            base, key = self._domain.domain_name, self._domain.base_path
            return f"https://{base}/{key}/" if key else f"https://{base}/"
        return str(self.stage.url)

    def add_routes(
        self,
        *,
        path: str,
        integration: apigatewayv2.HttpRouteIntegration,
        methods: Sequence[apigatewayv2.HttpMethod] | None = None,
        authorizer: apigatewayv2.IHttpRouteAuthorizer | None = None,
        authorization_scopes: Sequence[str] | None = None,
        throttle: Throttle | None = None,
        public_reason: str | None = None,
    ) -> list[apigatewayv2.HttpRoute]:
        """Add routes; they are authorized by the API's authorizer unless they name another.

        Parameters
        ----------
        path, integration, methods, authorizer, authorization_scopes:
            As for ``HttpApi.add_routes``. ``methods`` defaults to ``[HttpMethod.ANY]``.
        throttle:
            Limits for these routes, instead of the stage's (a ``RouteSettings`` entry
            per route, with detailed metrics). Default: the stage's.
        public_reason:
            Required with ``authorizer=HttpNoneAuthorizer()`` (except for OPTIONS routes):
            why anyone on the internet may call these routes (at least 20 characters).
            They are then added with the warning ``WARN_PUBLIC_ROUTE``, and SC-APIGW-1
            (and cdk-nag's AwsSolutions-APIG4) acknowledged on them with that reason.

        Raises
        ------
        SecureConstructsError
            If the routes would not be authorized and no *public_reason* is given, a reason
            is given for authorized routes, or an argument is invalid (SC-HTTPAPI-7).
        """
        chosen = list(methods) if methods is not None else [apigatewayv2.HttpMethod.ANY]
        public = self._check_route(
            path, integration, chosen, authorizer, authorization_scopes, throttle, public_reason
        )
        routes = self.api.add_routes(
            path=path,
            integration=integration,
            methods=chosen,
            authorizer=authorizer,
            authorization_scopes=(
                list(authorization_scopes) if authorization_scopes is not None else None
            ),
        )
        # HttpApi.add_routes makes one route per method, in order.
        for method, route in zip(chosen, routes, strict=True):
            key = f"{method.value} {path}"
            if public and public_reason is not None and method != apigatewayv2.HttpMethod.OPTIONS:
                self._accept_public_route(route, key, public_reason)
            if throttle is not None:
                self._throttle_route(route, key, throttle)
        return routes

    # -- wiring ------------------------------------------------------------------------

    def _throttle_route(self, route: apigatewayv2.HttpRoute, key: str, throttle: Throttle) -> None:
        self._route_settings[key] = defaults.route_setting(
            throttle.rate_limit, throttle.burst_limit
        )
        cfn_stage = self.stage.node.default_child
        assert isinstance(cfn_stage, apigatewayv2.CfnStage)  # noqa: S101 - CDK creates it
        cfn_stage.route_settings = dict(self._route_settings)
        # API Gateway refuses route settings for a route that does not exist yet.
        self.stage.node.add_dependency(route)

    def _accept_public_route(self, route: apigatewayv2.HttpRoute, key: str, reason: str) -> None:
        cfn = route.node.default_child
        assert isinstance(cfn, cdk.CfnResource)  # noqa: S101 - CDK creates it
        acknowledge(route, "SC-APIGW-1", reason)
        # checkov has no CloudFormation check of route authorization (CKV_AWS_309 is for
        # Terraform only), so there is nothing to skip there.
        accept_cdk_nag(cfn, ["AwsSolutions-APIG4"], reason)
        cdk.Annotations.of(route).add_warning_v2(
            WARN_PUBLIC_ROUTE,
            f"{key} is public: anyone on the internet can call it "
            f"({reason}). SC-APIGW-1 is acknowledged with that reason.",
        )

    def _check_route(
        self,
        path: object,
        integration: object,
        methods: list[Any],
        authorizer: object,
        authorization_scopes: object,
        throttle: object,
        public_reason: object,
    ) -> bool:
        """Validate an ``add_routes`` call; whether the routes are public."""
        checks = Checks(_ROUTE_CODE)
        if (
            checks.string("path", path)
            and isinstance(path, str)
            and not cdk.Token.is_unresolved(path)
            and not _ROUTE_PATH.match(path)
        ):
            checks.add(
                _ROUTE_CODE,
                "path",
                f"{path!r} is not a route path: it must start with '/' and not end with one.",
                "pass e.g. '/items', '/items/{id}' or '/{proxy+}'.",
            )
        checks.instance(
            "integration",
            integration,
            apigatewayv2.HttpRouteIntegration,
            "an apigatewayv2.HttpRouteIntegration",
            "pass e.g. HttpLambdaIntegration('Handler', function) or HttpUrlIntegration(...).",
        )
        checks.items(
            "methods",
            methods,
            lambda m: isinstance(m, apigatewayv2.HttpMethod),
            "apigatewayv2.HttpMethod",
            "pass e.g. methods=[HttpMethod.GET, HttpMethod.POST], or omit it for ANY.",
        )
        checks.interface(
            "authorizer",
            authorizer,
            ("bind",),
            "an apigatewayv2.IHttpRouteAuthorizer",
            "pass an HttpJwtAuthorizer, HttpUserPoolAuthorizer, HttpLambdaAuthorizer or "
            "HttpIamAuthorizer, or omit it for the API's authorizer.",
            optional=True,
        )
        if authorization_scopes is not None:
            checks.items(
                "authorization_scopes",
                authorization_scopes,
                lambda s: isinstance(s, str),
                "str",
                "pass OAuth scopes, e.g. ['orders/read'].",
            )
        if checks.instance(
            "throttle",
            throttle,
            Throttle,
            "a Throttle",
            "pass Throttle(rate_limit=..., burst_limit=...) or omit it.",
            optional=True,
        ) and isinstance(throttle, Throttle):
            checks.issues += [
                dataclasses.replace(i, code=_ROUTE_CODE) for i in throttle.issues("throttle")
            ]
        checks.string("public_reason", public_reason, optional=True)
        preflight_only = bool(methods) and all(
            m == apigatewayv2.HttpMethod.OPTIONS for m in methods
        )
        public = isinstance(authorizer, apigatewayv2.HttpNoneAuthorizer) and not preflight_only
        shown_route = f"{', '.join(str(getattr(m, 'value', m)) for m in methods)} {path}"
        if public and public_reason is None:
            checks.add(
                _ROUTE_CODE,
                "authorizer",
                f"HttpNoneAuthorizer lets anyone on the internet call {shown_route} "
                "(guardrail SC-APIGW-1).",
                "omit authorizer to use the API's authorizer, or pass another authorizer; "
                "if the route must be public, also pass public_reason='<why>'.",
            )
        elif not public and public_reason is not None:
            checks.add(
                _ROUTE_CODE,
                "public_reason",
                "public_reason only applies to routes with HttpNoneAuthorizer (OPTIONS "
                "routes need none).",
                "drop public_reason (the routes are authorized).",
            )
        elif isinstance(public_reason, str) and len(public_reason.strip()) < _MIN_REASON:
            checks.add(
                _ROUTE_CODE,
                "public_reason",
                f"{public_reason!r} is too short to tell a reviewer why the route is public.",
                f"write at least {_MIN_REASON} characters, e.g. 'health check for the "
                "load balancer, returns no data'.",
            )
        raise_if_any(method_where("SecureHttpApi", self, "add_routes"), checks.issues)
        return public


# -- validation ------------------------------------------------------------------------------


def _wildcard_with_credentials(cors: object) -> bool:
    """Whether CORS options allow credentials from every origin."""
    return (
        isinstance(cors, apigatewayv2.CorsPreflightOptions)
        and bool(cors.allow_credentials)
        and "*" in (cors.allow_origins or ())
    )


def _input_issues(
    scope: object,
    construct_id: object,
    *,
    authorizer: object,
    authorization_scopes: object,
    api_name: object,
    description: object,
    throttle: object,
    domain: object,
    cors: object,
    encryption_key: object,
    log_retention: object,
    removal_policy: object,
) -> list[Issue]:
    """Every input's type (SC-HTTPAPI-1), then the ranges and combinations."""
    checks = Checks(_TYPE_CODE)
    checks.scope(scope, construct_id)
    issues: list[Issue] = []
    if isinstance(authorizer, apigatewayv2.HttpNoneAuthorizer):
        issues.append(
            Issue(
                _AUTHORIZER_CODE,
                "authorizer",
                "HttpNoneAuthorizer is not an authorizer: every route would be callable by "
                "anyone on the internet (guardrail SC-APIGW-1).",
                "pass HttpJwtAuthorizer, HttpUserPoolAuthorizer, HttpLambdaAuthorizer or "
                "HttpIamAuthorizer; mark single public routes with add_routes(..., "
                "authorizer=HttpNoneAuthorizer(), public_reason='<why>') instead.",
            )
        )
    else:
        checks.interface(
            "authorizer",
            authorizer,
            ("bind",),
            "an apigatewayv2.IHttpRouteAuthorizer",
            "pass HttpJwtAuthorizer(...), HttpUserPoolAuthorizer(...), "
            "HttpLambdaAuthorizer(...) or HttpIamAuthorizer() from "
            "aws_cdk.aws_apigatewayv2_authorizers.",
        )
    checks.items(
        "authorization_scopes",
        authorization_scopes,
        lambda s: isinstance(s, str),
        "str",
        "pass OAuth scopes, e.g. ['orders/read'], or omit it.",
    )
    checks.string("api_name", api_name, optional=True)
    checks.string("description", description, optional=True)
    if checks.instance(
        "throttle",
        throttle,
        Throttle,
        "a Throttle",
        "pass Throttle(rate_limit=..., burst_limit=...).",
    ) and isinstance(throttle, Throttle):
        issues += [dataclasses.replace(i, code=_THROTTLE_CODE) for i in throttle.issues("throttle")]
    if checks.instance(
        "domain",
        domain,
        ApiDomain,
        "an ApiDomain",
        "pass ApiDomain(domain_name=..., certificate=...) or omit it.",
        optional=True,
    ) and isinstance(domain, ApiDomain):
        issues += [dataclasses.replace(i, code=_DOMAIN_CODE) for i in domain.issues()]
    if checks.instance(
        "cors",
        cors,
        apigatewayv2.CorsPreflightOptions,
        "an apigatewayv2.CorsPreflightOptions",
        "pass apigatewayv2.CorsPreflightOptions(allow_origins=[...]) or omit it.",
        optional=True,
    ) and _wildcard_with_credentials(cors):
        checks.add(
            _CORS_CODE,
            "cors.allow_origins",
            "'*' with allow_credentials=True would let every site call the API with the "
            "user's credentials (and API Gateway refuses it).",
            "list the origins that may call the API, e.g. ['https://app.example.com'].",
        )
    checks.kms_key("encryption_key", encryption_key)
    checks.finite_log_retention(
        "log_retention",
        log_retention,
        DEFAULT_THRESHOLDS.log_retention_days,
        "the API logs",
        infinite_code=_SETTING_CODE,
    )
    checks.removal_policy(
        "removal_policy",
        removal_policy,
        snapshot_code=_SETTING_CODE,
        kinds="KMS keys and log groups",
    )
    return [*checks.issues, *issues]
