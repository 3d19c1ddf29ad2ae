"""The hardened HTTP API stage SecureHttpApi deploys, as data and pure functions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import jsii
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_logs as logs

#: The one stage of the API: ``$default`` is served at the root of the endpoint.
DEFAULT_STAGE_NAME = "$default"
#: HTTP methods a route may name (``ANY`` is every method).
HTTP_METHODS = tuple(m.value for m in apigatewayv2.HttpMethod)

#: One JSON object per request. HTTP APIs have their own ``$context`` variables (no WAF, no
#: X-Ray fields, ``routeKey`` instead of the resource path). No header, body or query string
#: is logged (they may hold credentials); the caller appears as the authorizer's principal,
#: the JWT subject and the IAM identity.
ACCESS_LOG_FIELDS: Mapping[str, str] = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "requestTime": "$context.requestTime",
    "requestTimeEpoch": "$context.requestTimeEpoch",
    "sourceIp": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "caller": "$context.identity.caller",
    "user": "$context.identity.user",
    "userArn": "$context.identity.userArn",
    "accountId": "$context.identity.accountId",
    "principalId": "$context.authorizer.principalId",
    "jwtSubject": "$context.authorizer.claims.sub",
    "cognitoIdentityId": "$context.identity.cognitoIdentityId",
    "httpMethod": "$context.httpMethod",
    "routeKey": "$context.routeKey",
    "path": "$context.path",
    "protocol": "$context.protocol",
    "domainName": "$context.domainName",
    "stage": "$context.stage",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationStatus": "$context.integrationStatus",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
    "authorizerError": "$context.authorizer.error",
    "errorMessage": "$context.error.message",
    "errorType": "$context.error.responseType",
    "dataProcessed": "$context.dataProcessed",
}


def access_log_format() -> apigateway.AccessLogFormat:
    """The stage's access log format: :data:`ACCESS_LOG_FIELDS` as one JSON line."""
    return apigateway.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":")))


@jsii.implements(apigatewayv2.IAccessLogSettings)
class AccessLogSettings:
    """Access logs of an HTTP stage to *log_group*, in :func:`access_log_format`."""

    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigatewayv2.LogGroupLogDestination(log_group)
        self._format = access_log_format()

    @property
    def destination(self) -> apigatewayv2.IAccessLogDestination:
        """Where the entries go: the log group."""
        return self._destination

    @property
    def format(self) -> apigateway.AccessLogFormat:
        """One JSON object per request."""
        return self._format


def route_setting(rate_limit: float, burst_limit: int) -> dict[str, Any]:
    """A stage ``RouteSettings`` entry: the route's throttle, detailed metrics kept on."""
    return {
        "ThrottlingRateLimit": rate_limit,
        "ThrottlingBurstLimit": burst_limit,
        "DetailedMetricsEnabled": True,
    }
