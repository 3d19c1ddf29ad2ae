"""The hardened REST API stage SecureApi deploys, as data and pure functions."""

from __future__ import annotations

import json
from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam

#: The stage the API is deployed to unless told otherwise.
DEFAULT_STAGE_NAME = "prod"
#: Steady-state requests per second and burst the stage allows before answering 429.
#: API Gateway's account default (10,000 / 5,000) is shared by every API of the account
#: and region: one API without a limit can starve the others.
DEFAULT_RATE_LIMIT = 100.0
DEFAULT_BURST_LIMIT = 200
#: The stage cache, when turned on: the smallest size, five minutes.
DEFAULT_CACHE_SIZE = "0.5"
DEFAULT_CACHE_TTL = cdk.Duration.minutes(5)
CACHE_SIZES = ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237")
#: API Gateway writes a stage's execution logs to this log group (it creates it itself,
#: unencrypted and kept forever, unless it exists).
EXECUTION_LOG_GROUP_PREFIX = "API-Gateway-Execution-Logs_"
#: HTTP methods a per-method setting may name (``*`` is every method).
HTTP_METHODS = ("ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "*")


def access_log_format() -> apigateway.AccessLogFormat:
    """One JSON object per request: who called what, from where, with what result.

    No header, body or query string is logged (they may hold credentials); the caller
    appears as the authorizer's principal and the IAM identity.
    """
    f = apigateway.AccessLogField
    fields: Mapping[str, str] = {
        "requestId": f.context_request_id(),
        "extendedRequestId": f.context_extended_request_id(),
        "requestTime": f.context_request_time(),
        "requestTimeEpoch": f.context_request_time_epoch(),
        "sourceIp": f.context_identity_source_ip(),
        "userAgent": f.context_identity_user_agent(),
        "caller": f.context_identity_caller(),
        "user": f.context_identity_user(),
        "userArn": f.context_identity_user_arn(),
        "accountId": f.context_identity_account_id(),
        "principalId": f.context_authorizer_principal_id(),
        "cognitoIdentityId": f.context_identity_cognito_identity_id(),
        "httpMethod": f.context_http_method(),
        "resourcePath": f.context_resource_path(),
        "path": f.context_path(),
        "protocol": f.context_protocol(),
        "domainName": f.context_domain_name(),
        "stage": f.context_stage(),
        "status": f.context_status(),
        "responseLength": f.context_response_length(),
        "responseLatency": f.context_response_latency(),
        "integrationStatus": f.context_integration_status(),
        "integrationLatency": f.context_integration_latency(),
        "authorizerError": f.context_authorizer_error(),
        "authorizeStatus": f.context_authorize_status(),
        "wafStatus": f.context_waf_status(),
        "wafResponseCode": f.context_waf_response_code(),
        "errorMessage": f.context_error_message(),
        "errorType": f.context_error_response_type(),
        "xrayTraceId": f.context_xray_trace_id(),
    }
    return apigateway.AccessLogFormat.custom(json.dumps(fields, separators=(",", ":")))


def execution_log_group_name(rest_api_id: str, stage_name: str) -> str:
    """The name API Gateway writes the stage's execution logs under."""
    return f"{EXECUTION_LOG_GROUP_PREFIX}{rest_api_id}/{stage_name}"


def cloud_watch_role_statement(scope_arn: str) -> iam.PolicyStatement:
    """What the account-wide API Gateway logging role needs (AWS's managed policy, minus reads).

    ``AmazonAPIGatewayPushToCloudWatchLogs`` also allows reading every log of the
    account (``GetLogEvents``, ``FilterLogEvents``); API Gateway only writes.
    """
    return iam.PolicyStatement(
        sid="WriteApiGatewayLogs",
        actions=[
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:DescribeLogGroups",
            "logs:DescribeLogStreams",
            "logs:PutLogEvents",
        ],
        resources=[scope_arn],
    )
