"""The hardened settings of SecureFunction: limits, naming of secret references, policies.

SecureFunction adds only what depends on its inputs (code, key, log group, queue, VPC).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_

#: Explicit limits (cdk-nag Serverless-LambdaDefaultTimeout / -LambdaDefaultMemorySize):
#: a runaway invocation stops after 30 seconds.
DEFAULT_TIMEOUT = cdk.Duration.seconds(30)
DEFAULT_MEMORY_SIZE = 256
MAX_TIMEOUT = cdk.Duration.minutes(15)
MEMORY_RANGE = (128, 10240)

#: The function receives ``<NAME>_SECRET_ARN`` for a Secrets Manager secret passed as
#: ``secrets={"<NAME>": secret}``, and ``<NAME>_PARAMETER_NAME`` for an SSM parameter. Both
#: suffixes are reference names to the guardrails (SC-LAMBDA-2).
SECRET_ARN_SUFFIX = "_SECRET_ARN"  # noqa: S105 - a name suffix, not a secret
PARAMETER_NAME_SUFFIX = "_PARAMETER_NAME"

#: Environment variable names Lambda sets itself (and rejects).
RESERVED_ENVIRONMENT_VARIABLES = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "LAMBDA_RUNTIME_DIR",
        "LAMBDA_TASK_ROOT",
    }
)


def function_props() -> dict[str, Any]:
    """What every SecureFunction's ``lambda.Function`` has regardless of input."""
    return {
        "tracing": lambda_.Tracing.ACTIVE,  # SC-LAMBDA-6: every invocation is traced
        "allow_public_subnet": False,  # CDK refuses public subnets (they have no egress)
    }


def key_use_statement(key: kms.IKey, *, sid: str) -> iam.PolicyStatement:
    """What the execution role needs of a key, and nothing wider.

    ``kms:Decrypt`` for the environment variables, ``kms:GenerateDataKey`` (and
    ``kms:Decrypt``) for sending failed events to an encrypted dead-letter queue.
    """
    return iam.PolicyStatement(
        sid=sid,
        actions=["kms:Decrypt", "kms:GenerateDataKey"],
        resources=[key.key_arn],
    )


def vpc_access_statement() -> iam.PolicyStatement:
    """The network-interface permissions Lambda needs to place a function in a VPC.

    The same actions as the AWS managed policy AWSLambdaVPCAccessExecutionRole (which would
    be an ``AwsSolutions-IAM4`` finding). They apply to ``*``: Describe* actions support no
    resource-level permissions and the interfaces do not exist before Lambda creates them.
    """
    return iam.PolicyStatement(
        sid="ManageVpcNetworkInterfaces",
        actions=[
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
        ],
        resources=["*"],
    )
