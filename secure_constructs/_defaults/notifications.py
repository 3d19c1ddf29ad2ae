"""CDK's bucket-notifications function, given the logs and tracing every function gets.

``add_event_notification`` (and the event sources built on it) deploys one CDK function per
stack that writes the bucket's notification configuration. As CDK builds it, it logs to a
group nobody declared and traces nothing: guardrails SC-LAMBDA-7 (an error) and SC-LAMBDA-6.
A SecureBucket used as the drop-in it is must not fail synthesis the first time it is wired
to a queue, so the construct hardens that function once per stack: a customer-managed key
and an encrypted, retained, one-year log group of its own, active tracing, and the
acknowledgments for what the external scanners ask of a function whose design is CDK's.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from secure_constructs._defaults.kms import allow_cloudwatch_logs, customer_managed_key
from secure_constructs._defaults.logs import encrypted_log_group
from secure_constructs._scanners import (
    COMPLIANCE_PACKS,
    accept_cdk_nag,
    accept_checkov,
    ignore_cfn_lint,
)

#: The id CDK gives its singleton notifications function below the stack.
HANDLER_ID = "BucketNotificationsHandler050a0587b7544547bf325f094a3db834"

_XRAY_REASON = (
    "CDK's bucket notifications function: X-Ray's PutTraceSegments and PutTelemetryRecords "
    "support no resource-level permissions; CDK attaches statements to the singleton's role "
    "as its inline default policy."
)
_BASIC_ROLE_REASON = (
    "CDK's bucket notifications function ships with AWSLambdaBasicExecutionRole (log writes "
    "only); its logs go to the encrypted group declared beside it."
)
_HANDLER_POLICY_REASON = (
    "CDK writes the bucket's s3:PutBucketNotification permission as an inline policy of its "
    "notifications function; the call has no resource-level scope beyond the bucket."
)
_RUNS_REASON = (
    "CDK's bucket notifications function runs only while CloudFormation deploys the stack; "
    "reserving concurrency for it would take executions from every other function."
)
_SYNC_REASON = (
    "CloudFormation invokes CDK's bucket notifications function synchronously and fails the "
    "deployment when it fails: there is no asynchronous event to keep in a queue."
)
_VPC_REASON = (
    "CDK's bucket notifications function only calls the S3 API over TLS with IAM "
    "authorisation; it has no listener and handles no data, so a VPC adds nothing."
)


def harden_notifications_handler(
    stack: cdk.Stack, removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN
) -> bool:
    """Harden the stack's bucket-notifications function, once; False if there is none.

    Idempotent: a stack whose function already has the ``LogGroup`` child is left as it is.
    """
    handler = stack.node.try_find_child(HANDLER_ID)
    if not isinstance(handler, Construct) or handler.node.try_find_child("LogGroup"):
        return False
    function = handler.node.try_find_child("Resource")
    role = handler.node.try_find_child("Role")
    if not isinstance(function, cdk.CfnResource) or not isinstance(role, iam.Role):
        raise TypeError(  # pragma: no cover - CDK's shape of the singleton
            f"unexpected shape of CDK's bucket notifications function at {handler.node.path}"
        )
    key = customer_managed_key(
        handler,
        "LogKey",
        description="Encrypts the logs of CDK's bucket notifications function in "
        f"{stack.node.path}",
        removal_policy=removal_policy,
    )
    allow_cloudwatch_logs(key)
    group = encrypted_log_group(
        handler, "LogGroup", encryption_key=key, removal_policy=removal_policy
    )
    function.add_property_override("LoggingConfig.LogGroup", group.log_group_name)
    function.add_property_override("TracingConfig.Mode", "Active")
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]
        )
    )
    _accept_inherent_findings(stack, function, role)
    return True


def _accept_inherent_findings(stack: cdk.Stack, function: cdk.CfnResource, role: iam.Role) -> None:
    """What the scanners ask of CDK's notifications function that its design rules out."""
    inline = [f"{pack}-IAMNoInlinePolicy" for pack in COMPLIANCE_PACKS]
    default_policy = role.node.find_child("DefaultPolicy").node.default_child
    if isinstance(default_policy, cdk.CfnResource):
        accept_cdk_nag(default_policy, ["AwsSolutions-IAM5[Resource::*]", *inline], _XRAY_REASON)
    accept_cdk_nag(
        role,
        [
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]"
        ],
        _BASIC_ROLE_REASON,
    )
    for construct in stack.node.find_all():
        if construct.node.id == "HandlerPolicy" and isinstance(construct, iam.Policy):
            accept_cdk_nag(construct, inline, _HANDLER_POLICY_REASON)
        if (
            isinstance(construct, cdk.CfnResource)
            and construct.cfn_resource_type == "Custom::S3BucketNotifications"
        ):
            ignore_cfn_lint(construct, ["W3005"])
    accept_checkov(function, ["CKV_AWS_115"], _RUNS_REASON)
    accept_checkov(function, ["CKV_AWS_116"], _SYNC_REASON)
    accept_checkov(function, ["CKV_AWS_117"], _VPC_REASON)
    ignore_cfn_lint(function, ["W3005"])
