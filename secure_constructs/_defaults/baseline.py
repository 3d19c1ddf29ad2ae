"""The hardened settings of SecurityBaseline, as data: alarms, protection plans, standards.

Every pattern and name here is the one AWS documents (Security Hub's CloudWatch.1-14
controls, which implement CIS AWS Foundations Benchmark section 4 / 3); the construct only
wires them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk


@dataclass(frozen=True)
class AccountAlarm:
    """One CIS metric filter on the trail's log group and the alarm on its metric."""

    id: str  # the construct id of the filter and the alarm, and the metric name
    pattern: str  # the CloudWatch Logs filter pattern, exactly as Security Hub documents it
    description: str
    control: str  # the Security Hub control (CIS AWS Foundations Benchmark in brackets)


def _any_event(*names: str) -> str:
    return " || ".join(f"($.eventName={name})" for name in names)


#: The namespace of the alarm metrics.
METRIC_NAMESPACE = "SecureConstructs/SecurityBaseline"

#: The CIS monitoring alarms, in Security Hub's order (CloudWatch.1 to CloudWatch.14).
ACCOUNT_ALARMS: tuple[AccountAlarm, ...] = (
    AccountAlarm(
        "RootAccountUsage",
        '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS '
        '&& $.eventType !="AwsServiceEvent"}',
        "The root user signed in or called an API.",
        "CloudWatch.1 (CIS 1.2 1.1/3.3, CIS 1.4 4.3)",
    ),
    AccountAlarm(
        "UnauthorizedApiCalls",
        '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
        "API calls were denied (probing, or a broken deployment).",
        "CloudWatch.2 (CIS 1.2 3.1, CIS 1.4 4.1)",
    ),
    AccountAlarm(
        "ConsoleSignInWithoutMfa",
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") '
        '&& ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
        "An IAM user signed in to the console without MFA.",
        "CloudWatch.3 (CIS 1.2 3.2, CIS 1.4 4.2)",
    ),
    AccountAlarm(
        "IamPolicyChanges",
        "{"
        + _any_event(
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        )
        + "}",
        "An IAM policy was created, changed, attached or detached.",
        "CloudWatch.4 (CIS 1.2 3.4, CIS 1.4 4.4)",
    ),
    AccountAlarm(
        "CloudTrailChanges",
        "{"
        + _any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")
        + "}",
        "A trail was created, changed, deleted, started or stopped.",
        "CloudWatch.5 (CIS 1.2 3.5, CIS 1.4 4.5)",
    ),
    AccountAlarm(
        "ConsoleAuthenticationFailures",
        '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
        "A console sign-in failed (password guessing).",
        "CloudWatch.6 (CIS 1.2 3.6, CIS 1.4 4.6)",
    ),
    AccountAlarm(
        "KmsKeyDisabledOrScheduledForDeletion",
        "{($.eventSource=kms.amazonaws.com) && "
        "(($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
        "A customer-managed KMS key was disabled or scheduled for deletion.",
        "CloudWatch.7 (CIS 1.2 3.7, CIS 1.4 4.7)",
    ),
    AccountAlarm(
        "S3BucketPolicyChanges",
        "{($.eventSource=s3.amazonaws.com) && ("
        + _any_event(
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        )
        + ")}",
        "A bucket policy, ACL, CORS, lifecycle or replication setting changed.",
        "CloudWatch.8 (CIS 1.2 3.8, CIS 1.4 4.8)",
    ),
    AccountAlarm(
        "ConfigChanges",
        "{($.eventSource=config.amazonaws.com) && ("
        + _any_event(
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        )
        + ")}",
        "AWS Config recording or delivery was stopped or changed.",
        "CloudWatch.9 (CIS 1.2 3.9, CIS 1.4 4.9)",
    ),
    AccountAlarm(
        "SecurityGroupChanges",
        "{"
        + _any_event(
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        )
        + "}",
        "A security group or one of its rules changed.",
        "CloudWatch.10 (CIS 1.2 3.10, CIS 1.4 4.10)",
    ),
    AccountAlarm(
        "NetworkAclChanges",
        "{"
        + _any_event(
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        )
        + "}",
        "A network ACL or one of its entries changed.",
        "CloudWatch.11 (CIS 1.2 3.11, CIS 1.4 4.11)",
    ),
    AccountAlarm(
        "NetworkGatewayChanges",
        "{"
        + _any_event(
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        )
        + "}",
        "An internet or customer gateway was created, attached, detached or deleted.",
        "CloudWatch.12 (CIS 1.2 3.12, CIS 1.4 4.12)",
    ),
    AccountAlarm(
        "RouteTableChanges",
        "{($.eventSource=ec2.amazonaws.com) && ("
        + _any_event(
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        )
        + ")}",
        "A route or route table changed.",
        "CloudWatch.13 (CIS 1.2 3.13, CIS 1.4 4.13)",
    ),
    AccountAlarm(
        "VpcChanges",
        "{"
        + _any_event(
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        )
        + "}",
        "A VPC or a peering connection was created, changed or deleted.",
        "CloudWatch.14 (CIS 1.2 3.14, CIS 1.4 4.14)",
    ),
)

#: GuardDuty protection plans (``CfnDetector`` feature names) by option name.
GUARDDUTY_FEATURES: dict[str, str] = {
    "s3_data_events": "S3_DATA_EVENTS",
    "eks_audit_logs": "EKS_AUDIT_LOGS",
    "rds_login_events": "RDS_LOGIN_EVENTS",
    "lambda_network_logs": "LAMBDA_NETWORK_LOGS",
    "ebs_malware_protection": "EBS_MALWARE_PROTECTION",
    "runtime_monitoring": "RUNTIME_MONITORING",
}
#: The agents GuardDuty manages when runtime monitoring is on.
RUNTIME_MONITORING_AGENTS = (
    "EKS_ADDON_MANAGEMENT",
    "ECS_FARGATE_AGENT_MANAGEMENT",
    "EC2_AGENT_MANAGEMENT",
)


def fsbp_standard_arn() -> str:
    """AWS Foundational Security Best Practices v1.0.0 in the stack's region."""
    return (
        f"arn:{cdk.Aws.PARTITION}:securityhub:{cdk.Aws.REGION}::"
        "standards/aws-foundational-security-best-practices/v/1.0.0"
    )


#: The CIS AWS Foundations Benchmark versions Security Hub offers.
CIS_VERSIONS = ("1.2.0", "1.4.0", "3.0.0", "5.0.0")


def cis_standard_arn(version: str) -> str:
    """The CIS AWS Foundations Benchmark standard (1.2.0 is a global "ruleset" ARN)."""
    if version == "1.2.0":
        return (
            f"arn:{cdk.Aws.PARTITION}:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
        )
    return (
        f"arn:{cdk.Aws.PARTITION}:securityhub:{cdk.Aws.REGION}::"
        f"standards/cis-aws-foundations-benchmark/v/{version}"
    )


#: GuardDuty severities from this value up are "High" (7.0-8.9) and "Critical" (9.0-10).
GUARDDUTY_HIGH_SEVERITY = 7

#: The EventBridge pattern of GuardDuty findings worth paging on.
GUARDDUTY_FINDINGS_PATTERN: dict[str, Any] = {
    "source": ["aws.guardduty"],
    "detail-type": ["GuardDuty Finding"],
    "detail": {"severity": [{"numeric": [">=", GUARDDUTY_HIGH_SEVERITY]}]},
}
#: The EventBridge pattern of new, active, critical or high Security Hub findings.
SECURITY_HUB_FINDINGS_PATTERN: dict[str, Any] = {
    "source": ["aws.securityhub"],
    "detail-type": ["Security Hub Findings - Imported"],
    "detail": {
        "findings": {
            "Severity": {"Label": ["CRITICAL", "HIGH"]},
            "Workflow": {"Status": ["NEW"]},
            "RecordState": ["ACTIVE"],
        }
    },
}

#: S3 Block Public Access, all four flags (account level, FSBP S3.1, CIS 2.1.4).
ACCOUNT_PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
