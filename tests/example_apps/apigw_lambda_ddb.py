"""API Gateway + Lambda + DynamoDB: a CRUD REST API over one table.

The shape of aws-cdk-examples' ``api-cors-lambda-crud-dynamodb`` and
``apigw-http-api-lambda-dynamodb-python-cdk``: a ``dynamodb.Table`` destroyed with the
stack, one function per operation with the table name in its environment, and a
``RestApi`` whose resources call them through ``LambdaIntegration`` with CORS preflight.
No authorizer, no access logs, no WAF, the table with AWS-owned encryption and no
point-in-time recovery, the functions on a retired Python runtime.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_wafv2 as wafv2

from . import ENV, customer_key, encrypted_log_group, web_acl

#: The functions' code, inline so that the app needs no asset.
HANDLER = "def handler(event, context):\n    return {'statusCode': 200, 'body': '[]'}\n"
#: Operation -> (resource, HTTP method).
OPERATIONS = {
    "GetAll": ("items", "GET"),
    "Create": ("items", "POST"),
    "GetOne": ("item", "GET"),
    "Update": ("item", "PATCH"),
    "Delete": ("item", "DELETE"),
}


def insecure(app: cdk.App, construct_id: str = "ApiInsecure") -> cdk.Stack:
    """The example as it is usually written."""
    stack = cdk.Stack(app, construct_id, env=ENV)
    table = dynamodb.Table(
        stack,
        "Items",
        partition_key=dynamodb.Attribute(name="itemId", type=dynamodb.AttributeType.STRING),
        table_name="items",
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    api = apigw.RestApi(stack, "ItemsApi", rest_api_name="Items Service")
    resources = {"items": api.root.add_resource("items")}
    resources["item"] = resources["items"].add_resource("{id}")
    for resource in resources.values():
        resource.add_cors_preflight(allow_origins=apigw.Cors.ALL_ORIGINS)
    for name, (where, method) in OPERATIONS.items():
        function = lambda_.Function(
            stack,
            f"{name}Function",
            runtime=lambda_.Runtime.PYTHON_3_9,
            handler="index.handler",
            code=lambda_.Code.from_inline(HANDLER),
            environment={"TABLE_NAME": table.table_name, "PRIMARY_KEY": "itemId"},
        )
        table.grant_read_write_data(function)
        resources[where].add_method(method, apigw.LambdaIntegration(function))
    return stack


def fixed(app: cdk.App, construct_id: str = "ApiFixed") -> cdk.Stack:
    """The same API the secure way.

    The table (``TableV2``) is encrypted with a customer-managed key, has point-in-time
    recovery and deletion protection and is retained. The functions run a supported
    runtime, encrypt their environment with the key, trace with X-Ray, log to a declared
    log group and keep failed asynchronous events in an encrypted dead-letter queue. Every
    method requires IAM authorization; the stage writes access and execution logs, traces,
    and sits behind a WAF.
    """
    stack = cdk.Stack(app, construct_id, env=ENV)
    key = customer_key(stack, "Key")
    table = dynamodb.TableV2(
        stack,
        "Items",
        partition_key=dynamodb.Attribute(name="itemId", type=dynamodb.AttributeType.STRING),
        table_name="items",
        encryption=dynamodb.TableEncryptionV2.customer_managed_key(key),
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        deletion_protection=True,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    access_logs = encrypted_log_group(stack, "AccessLogs", key)
    api = apigw.RestApi(
        stack,
        "ItemsApi",
        rest_api_name="Items Service",
        cloud_watch_role=True,
        default_method_options=apigw.MethodOptions(authorization_type=apigw.AuthorizationType.IAM),
        deploy_options=apigw.StageOptions(
            access_log_destination=apigw.LogGroupLogDestination(access_logs),
            access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                caller=True,
                http_method=True,
                ip=True,
                protocol=True,
                request_time=True,
                resource_path=True,
                response_length=True,
                status=True,
                user=True,
            ),
            logging_level=apigw.MethodLoggingLevel.ERROR,
            tracing_enabled=True,
        ),
    )
    resources = {"items": api.root.add_resource("items")}
    resources["item"] = resources["items"].add_resource("{id}")
    for resource in resources.values():
        resource.add_cors_preflight(allow_origins=["https://app.example.com"])
    failed = sqs.Queue(
        stack,
        "FailedInvocations",
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        retention_period=cdk.Duration.days(14),
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    for name, (where, method) in OPERATIONS.items():
        function = _function(stack, name, key, table, failed)
        resources[where].add_method(method, apigw.LambdaIntegration(function))
    acl = web_acl(stack, "ApiAcl", key)
    wafv2.CfnWebACLAssociation(
        stack,
        "ApiAclAssociation",
        resource_arn=api.deployment_stage.stage_arn,
        web_acl_arn=acl.attr_arn,
    )
    return stack


def _function(
    stack: cdk.Stack, name: str, key: kms.IKey, table: dynamodb.TableV2, failed: sqs.IQueue
) -> lambda_.Function:
    function = lambda_.Function(
        stack,
        f"{name}Function",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline(HANDLER),
        environment={"TABLE_NAME": table.table_name, "PRIMARY_KEY": "itemId"},
        environment_encryption=key,
        tracing=lambda_.Tracing.ACTIVE,
        log_group=encrypted_log_group(stack, f"{name}Logs", key),
        dead_letter_queue=failed,
    )
    table.grant_read_write_data(function)
    return function
