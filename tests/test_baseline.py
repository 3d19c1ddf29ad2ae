"""SecurityBaseline: each part, each part switched off, the alarms exactly, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from syrupy.assertion import SnapshotAssertion

from aspects.report import coverage_data, coverage_line
from aspects.testing import check
from secure_constructs import SecureConstructsError
from secure_constructs._defaults import baseline as defaults
from secure_constructs.baseline import (
    DISABLED_PARTS_METADATA,
    WARN_BASELINE_DESTROY_ON_REMOVAL,
    ConfigOptions,
    GuardDutyOptions,
    PasswordPolicyOptions,
    SecurityBaseline,
    SecurityHubOptions,
    SlackChannel,
    TrailOptions,
)
from tests.conftest import normalise

ENV = cdk.Environment(account="111111111111", region="eu-west-1")

#: One stack per switched-off part: (stack name, keyword arguments, disabled parts).
SWITCHED_OFF: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "NoTrail": ({"cloudtrail": False}, ("cloudtrail",)),
    "NoAlarms": ({"cloudtrail": TrailOptions(alarms=False)}, ("cis_alarms",)),
    "NoGuardDuty": ({"guardduty": False}, ("guardduty",)),
    "NoSecurityHub": ({"security_hub": False}, ("security_hub",)),
    "NoAccessAnalyzer": ({"access_analyzer": False}, ("access_analyzer",)),
    "NoConfig": ({"config": False}, ("config",)),
    "NoPublicAccessBlock": (
        {"account_public_access_block": False},
        ("account_public_access_block",),
    ),
    "NoEbsEncryption": ({"ebs_default_encryption": False}, ("ebs_default_encryption",)),
    "NoPasswordPolicy": ({"password_policy": False}, ("password_policy",)),
    "NoFindingsRule": ({"findings_to_topic": False}, ("findings_to_topic",)),
    "NoAccountSettings": (
        {
            "account_public_access_block": False,
            "ebs_default_encryption": False,
            "password_policy": False,
        },
        ("account_public_access_block", "ebs_default_encryption", "password_policy"),
    ),
}


class Built:
    """One app, one stack per configuration, synthesized once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App()
        self.stacks: dict[str, cdk.Stack] = {}
        self.baselines: dict[str, SecurityBaseline] = {}
        self._add("Default")
        self._add(
            "Full",
            cloudtrail=TrailOptions(
                trail_name="org-audit",
                s3_data_events=True,
                lambda_data_events=True,
                insights=True,
                log_file_retention=cdk.Duration.days(2557),
                object_lock_mode="GOVERNANCE",
                object_lock_retention=cdk.Duration.days(365),
            ),
            guardduty=GuardDutyOptions(runtime_monitoring=True),
            security_hub=SecurityHubOptions(cis=True, cis_version="3.0.0"),
            config=ConfigOptions(delivery_prefix="config", create_service_linked_role=False),
            password_policy=PasswordPolicyOptions(minimum_password_length=20),
            alarm_emails=["security@example.com", "oncall@example.com"],
            alarm_https_endpoints=["https://hooks.example.com/alarms"],
        )
        for name, (kwargs, _) in SWITCHED_OFF.items():
            self._add(name, **kwargs)
        self._add("Destroy", removal_policy=cdk.RemovalPolicy.DESTROY)
        self.assembly = self.app.synth()
        self.templates = {
            name: self.assembly.get_stack_by_name(name).template for name in self.stacks
        }
        self.evaluation = check(self.app)

    def _add(self, name: str, **kwargs: Any) -> None:
        stack = cdk.Stack(self.app, name, env=ENV)
        self.stacks[name] = stack
        self.baselines[name] = SecurityBaseline(stack, "Baseline", **kwargs)

    def resources(self, stack: str, resource_type: str) -> dict[str, Any]:
        return {
            lid: r
            for lid, r in self.templates[stack]["Resources"].items()
            if r["Type"] == resource_type
        }

    def one(self, stack: str, resource_type: str) -> dict[str, Any]:
        (resource,) = self.resources(stack, resource_type).values()
        return resource

    def logical_id(self, stack: str, construct: Any) -> str:
        """The logical id of *construct* (an L1, or an L2 and its default child)."""
        cfn = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
        return str(self.stacks[stack].resolve(cfn.logical_id))

    def resource(self, stack: str, construct: Any) -> dict[str, Any]:
        return dict(self.templates[stack]["Resources"][self.logical_id(stack, construct)])

    def findings(self, stack: str) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack
        }


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _types(built: Built, stack: str) -> set[str]:
    return {r["Type"] for r in built.templates[stack]["Resources"].values()}


# -- the defaults ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["Default", "Full", *SWITCHED_OFF])
def test_every_configuration_passes_every_guardrail(built: Built, stack: str) -> None:
    assert built.findings(stack) == set()


def test_default_builds_every_part(built: Built) -> None:
    assert _types(built, "Default") == {
        "AWS::AccessAnalyzer::Analyzer",
        "AWS::CloudTrail::Trail",
        "AWS::CloudWatch::Alarm",
        "AWS::Config::ConfigurationRecorder",
        "AWS::Config::DeliveryChannel",
        "AWS::Events::Rule",
        "AWS::GuardDuty::Detector",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::Role",
        "AWS::IAM::ServiceLinkedRole",
        "AWS::KMS::Key",
        "AWS::Lambda::Function",
        "AWS::Logs::LogGroup",
        "AWS::Logs::MetricFilter",
        "AWS::S3::Bucket",
        "AWS::S3::BucketPolicy",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
        "AWS::SecurityHub::Hub",
        "AWS::SecurityHub::Standard",
        "Custom::AWS",
    }
    baseline = built.baselines["Default"]
    assert baseline.disabled_parts == ()
    for attr in (
        "trail",
        "trail_bucket",
        "trail_log_group",
        "trail_key",
        "detector",
        "security_hub",
        "analyzer",
        "alarm_topic",
        "config_recorder",
        "config_bucket",
        "account_public_access_block",
        "ebs_default_encryption",
        "password_policy",
    ):
        assert getattr(baseline, attr) is not None, attr
    assert sorted(baseline.alarms) == sorted(a.id for a in defaults.ACCOUNT_ALARMS)
    assert sorted(baseline.findings_rules) == ["GuardDutyFindings", "SecurityHubFindings"]


def test_trail_is_multi_region_validated_encrypted_and_in_cloudwatch_logs(built: Built) -> None:
    props = built.one("Default", "AWS::CloudTrail::Trail")["Properties"]
    (key_id,) = built.resources("Default", "AWS::KMS::Key").keys() - {
        lid for lid in built.resources("Default", "AWS::KMS::Key") if "AlarmTopic" in lid
    }
    assert props["IsMultiRegionTrail"] is True
    assert props["IncludeGlobalServiceEvents"] is True
    assert props["EnableLogFileValidation"] is True
    assert props["IsLogging"] is True
    assert props["KMSKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert props["EventSelectors"] == [{"IncludeManagementEvents": True, "ReadWriteType": "All"}]
    assert "InsightSelectors" not in props
    (group_id,) = [
        lid for lid in built.resources("Default", "AWS::Logs::LogGroup") if "TrailLogGroup" in lid
    ]
    assert props["CloudWatchLogsLogGroupArn"] == {"Fn::GetAtt": [group_id, "Arn"]}
    (role_id,) = [lid for lid in built.resources("Default", "AWS::IAM::Role") if "TrailLogs" in lid]
    assert props["CloudWatchLogsRoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}
    group = built.resources("Default", "AWS::Logs::LogGroup")[group_id]
    assert group["Properties"]["RetentionInDays"] == 365
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert group["DeletionPolicy"] == "Retain"


def _statement(statements: list[dict[str, Any]], sid: str) -> dict[str, Any]:
    (found,) = [s for s in statements if s.get("Sid") == sid]
    return found


TRAIL_ARN = {
    "Fn::Join": [
        "",
        [
            "arn:",
            {"Ref": "AWS::Partition"},
            ":cloudtrail:eu-west-1:111111111111:trail/org-audit",
        ],
    ]
}


def test_key_policy_has_the_documented_cloudtrail_conditions(built: Built) -> None:
    keys = built.resources("Full", "AWS::KMS::Key")
    (key,) = [k for lid, k in keys.items() if "AlarmTopic" not in lid]
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    encrypt = _statement(statements, "AllowCloudTrailToEncryptLogs")
    assert encrypt["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert encrypt["Action"] == "kms:GenerateDataKey*"
    assert encrypt["Condition"] == {
        "StringEquals": {"aws:SourceArn": TRAIL_ARN},
        "StringLike": {
            "kms:EncryptionContext:aws:cloudtrail:arn": {
                "Fn::Join": [
                    "",
                    ["arn:", {"Ref": "AWS::Partition"}, ":cloudtrail:*:111111111111:trail/*"],
                ]
            }
        },
    }
    describe = _statement(statements, "AllowCloudTrailToDescribeKey")
    assert describe["Action"] == "kms:DescribeKey"
    assert describe["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"


def test_trail_bucket_admits_cloudtrail_for_this_trail_only(built: Built) -> None:
    trail_bucket = built.baselines["Full"].trail_bucket
    assert trail_bucket is not None
    assert trail_bucket.bucket.policy is not None
    policy = built.resource("Full", trail_bucket.bucket.policy)
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    acl = _statement(statements, "AWSCloudTrailAclCheck")
    assert acl["Action"] == "s3:GetBucketAcl"
    assert acl["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}
    write = _statement(statements, "AWSCloudTrailWrite")
    assert write["Action"] == "s3:PutObject"
    assert write["Condition"] == {
        "StringEquals": {"aws:SourceArn": TRAIL_ARN, "s3:x-amz-acl": "bucket-owner-full-control"}
    }
    cloudtrail_statements = [
        s for s in statements if s.get("Principal") == {"Service": "cloudtrail.amazonaws.com"}
    ]
    assert len(cloudtrail_statements) == 2  # the L2's unconditioned statements are absent


def test_full_trail_records_data_and_insight_events_with_object_lock(built: Built) -> None:
    props = built.one("Full", "AWS::CloudTrail::Trail")["Properties"]
    assert props["TrailName"] == "org-audit"
    assert props["InsightSelectors"] == [
        {"InsightType": "ApiCallRateInsight"},
        {"InsightType": "ApiErrorRateInsight"},
    ]
    selectors = props["EventSelectors"]
    data = [r["Type"] for s in selectors for r in s.get("DataResources", [])]
    assert sorted(data) == ["AWS::Lambda::Function", "AWS::S3::Object"]
    trail_bucket = built.baselines["Full"].trail_bucket
    assert trail_bucket is not None
    bucket = built.resource("Full", trail_bucket.bucket)
    assert bucket["Properties"]["ObjectLockEnabled"] is True
    assert bucket["Properties"]["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Days": 365, "Mode": "GOVERNANCE"}},
    }
    rules = {r["Id"]: r for r in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}
    assert rules["ExpireTrailLogFiles"]["ExpirationInDays"] == 2557


# -- alarms ---------------------------------------------------------------------------------------

EXPECTED_PATTERNS = {
    "RootAccountUsage": '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS '
    '&& $.eventType !="AwsServiceEvent"}',
    "UnauthorizedApiCalls": '{($.errorCode="*UnauthorizedOperation") || '
    '($.errorCode="AccessDenied*")}',
    "ConsoleSignInWithoutMfa": '{ ($.eventName = "ConsoleLogin") && '
    '($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && '
    '($.responseElements.ConsoleLogin = "Success") }',
    "IamPolicyChanges": "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || "
    "($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || "
    "($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || "
    "($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || "
    "($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || "
    "($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || "
    "($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || "
    "($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
    "CloudTrailChanges": "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || "
    "($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    "ConsoleAuthenticationFailures": "{($.eventName=ConsoleLogin) && "
    '($.errorMessage="Failed authentication")}',
    "KmsKeyDisabledOrScheduledForDeletion": "{($.eventSource=kms.amazonaws.com) && "
    "(($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    "S3BucketPolicyChanges": "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) "
    "|| ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || "
    "($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || "
    "($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || "
    "($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
    "ConfigChanges": "{($.eventSource=config.amazonaws.com) && "
    "(($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || "
    "($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
    "SecurityGroupChanges": "{($.eventName=AuthorizeSecurityGroupIngress) || "
    "($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || "
    "($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || "
    "($.eventName=DeleteSecurityGroup)}",
    "NetworkAclChanges": "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) "
    "|| ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || "
    "($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
    "NetworkGatewayChanges": "{($.eventName=CreateCustomerGateway) || "
    "($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || "
    "($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || "
    "($.eventName=DetachInternetGateway)}",
    "RouteTableChanges": "{($.eventSource=ec2.amazonaws.com) && (($.eventName=CreateRoute) || "
    "($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || "
    "($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || "
    "($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}",
    "VpcChanges": "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || "
    "($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || "
    "($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || "
    "($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || "
    "($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || "
    "($.eventName=EnableVpcClassicLink)}",
}


def test_metric_filters_have_exactly_the_documented_patterns(built: Built) -> None:
    filters = built.resources("Default", "AWS::Logs::MetricFilter")
    (group_id,) = [
        lid for lid in built.resources("Default", "AWS::Logs::LogGroup") if "TrailLogGroup" in lid
    ]
    found = {}
    for resource in filters.values():
        props = resource["Properties"]
        assert props["LogGroupName"] == {"Ref": group_id}
        (transformation,) = props["MetricTransformations"]
        assert transformation["MetricNamespace"] == "SecureConstructs/SecurityBaseline"
        assert transformation["MetricValue"] == "1"
        assert transformation["DefaultValue"] == 0
        found[transformation["MetricName"]] = props["FilterPattern"]
    assert found == EXPECTED_PATTERNS


def test_each_alarm_pages_the_topic_on_one_event(built: Built) -> None:
    alarms = built.resources("Default", "AWS::CloudWatch::Alarm")
    (topic_id,) = built.resources("Default", "AWS::SNS::Topic")
    names = set()
    for alarm in alarms.values():
        props = alarm["Properties"]
        names.add(props["MetricName"])
        assert props["AlarmActions"] == [{"Ref": topic_id}]
        assert props["ActionsEnabled"] is True
        assert props["Namespace"] == "SecureConstructs/SecurityBaseline"
        assert props["Statistic"] == "Sum"
        assert props["Period"] == 300
        assert props["Threshold"] == 1
        assert props["EvaluationPeriods"] == 1
        assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert props["TreatMissingData"] == "notBreaching"
        assert "Security Hub CloudWatch." in props["AlarmDescription"]
    assert names == set(EXPECTED_PATTERNS)


def test_alarm_topic_is_encrypted_tls_only_and_admits_alarms_and_eventbridge(
    built: Built,
) -> None:
    topic = built.one("Default", "AWS::SNS::Topic")
    assert "KmsMasterKeyId" in topic["Properties"]
    policy = built.one("Default", "AWS::SNS::TopicPolicy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    principals = {json.dumps(s.get("Principal"), sort_keys=True) for s in statements}
    assert json.dumps({"Service": "events.amazonaws.com"}) in principals
    assert json.dumps({"Service": "cloudwatch.amazonaws.com"}) in principals
    assert any(
        s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )


def test_full_subscribes_emails_and_https_endpoints(built: Built) -> None:
    subscriptions = built.resources("Full", "AWS::SNS::Subscription")
    assert sorted(
        (s["Properties"]["Protocol"], s["Properties"]["Endpoint"]) for s in subscriptions.values()
    ) == [
        ("email", "oncall@example.com"),
        ("email", "security@example.com"),
        ("https", "https://hooks.example.com/alarms"),
    ]


def test_findings_rules_forward_high_guardduty_and_critical_security_hub_findings(
    built: Built,
) -> None:
    rules = built.resources("Default", "AWS::Events::Rule")
    (topic_id,) = built.resources("Default", "AWS::SNS::Topic")
    patterns = sorted(
        json.dumps(r["Properties"]["EventPattern"], sort_keys=True) for r in rules.values()
    )
    assert patterns == sorted(
        [
            json.dumps(
                {
                    "source": ["aws.guardduty"],
                    "detail-type": ["GuardDuty Finding"],
                    "detail": {"severity": [{"numeric": [">=", 7]}]},
                },
                sort_keys=True,
            ),
            json.dumps(
                {
                    "source": ["aws.securityhub"],
                    "detail-type": ["Security Hub Findings - Imported"],
                    "detail": {
                        "findings": {
                            "Severity": {"Label": ["CRITICAL", "HIGH"]},
                            "Workflow": {"Status": ["NEW"]},
                            "RecordState": ["ACTIVE"],
                        }
                    },
                },
                sort_keys=True,
            ),
        ]
    )
    for rule in rules.values():
        ((target),) = rule["Properties"]["Targets"]
        assert target["Arn"] == {"Ref": topic_id}


# -- GuardDuty, Security Hub, Access Analyzer, Config ---------------------------------------------


def _features(built: Built, stack: str) -> dict[str, Any]:
    props = built.one(stack, "AWS::GuardDuty::Detector")["Properties"]
    assert props["Enable"] is True
    assert props["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
    return {f["Name"]: f for f in props["Features"]}


def test_detector_enables_the_protection_plans_and_writes_the_others_disabled(
    built: Built,
) -> None:
    features = _features(built, "Default")
    assert {name: f["Status"] for name, f in features.items()} == {
        "S3_DATA_EVENTS": "ENABLED",
        "EKS_AUDIT_LOGS": "ENABLED",
        "RDS_LOGIN_EVENTS": "ENABLED",
        "LAMBDA_NETWORK_LOGS": "ENABLED",
        "EBS_MALWARE_PROTECTION": "ENABLED",
        "RUNTIME_MONITORING": "DISABLED",
    }
    full = _features(built, "Full")["RUNTIME_MONITORING"]
    assert full["Status"] == "ENABLED"
    assert full["AdditionalConfiguration"] == [
        {"Name": "EKS_ADDON_MANAGEMENT", "Status": "ENABLED"},
        {"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "ENABLED"},
        {"Name": "EC2_AGENT_MANAGEMENT", "Status": "ENABLED"},
    ]


FSBP = {
    "Fn::Join": [
        "",
        [
            "arn:",
            {"Ref": "AWS::Partition"},
            ":securityhub:",
            {"Ref": "AWS::Region"},
            "::standards/aws-foundational-security-best-practices/v/1.0.0",
        ],
    ]
}
CIS = {
    "Fn::Join": [
        "",
        [
            "arn:",
            {"Ref": "AWS::Partition"},
            ":securityhub:",
            {"Ref": "AWS::Region"},
            "::standards/cis-aws-foundations-benchmark/v/3.0.0",
        ],
    ]
}


def test_security_hub_runs_fsbp_by_default_and_cis_as_an_option(built: Built) -> None:
    (hub_id,) = built.resources("Default", "AWS::SecurityHub::Hub")
    hub = built.resources("Default", "AWS::SecurityHub::Hub")[hub_id]["Properties"]
    assert hub == {
        "AutoEnableControls": True,
        "ControlFindingGenerator": "SECURITY_CONTROL",
        "EnableDefaultStandards": False,
    }
    (standard,) = built.resources("Default", "AWS::SecurityHub::Standard").values()
    assert standard["Properties"] == {"StandardsArn": FSBP}
    assert standard["DependsOn"] == [hub_id]
    full = sorted(
        json.dumps(s["Properties"]["StandardsArn"])
        for s in built.resources("Full", "AWS::SecurityHub::Standard").values()
    )
    assert full == sorted([json.dumps(FSBP), json.dumps(CIS)])


def test_access_analyzer_is_an_account_analyzer(built: Built) -> None:
    assert built.one("Default", "AWS::AccessAnalyzer::Analyzer")["Properties"] == {
        "Type": "ACCOUNT"
    }


def test_config_records_everything_and_delivers_to_a_secure_bucket(built: Built) -> None:
    recorder = built.one("Default", "AWS::Config::ConfigurationRecorder")
    props = recorder["Properties"]
    assert props["RecordingGroup"] == {"AllSupported": True, "IncludeGlobalResourceTypes": True}
    assert props["RecordingMode"] == {"RecordingFrequency": "CONTINUOUS"}
    assert props["RoleARN"] == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":iam::111111111111:role/aws-service-role/config.amazonaws.com/"
                "AWSServiceRoleForConfig",
            ],
        ]
    }
    (slr_id,) = built.resources("Default", "AWS::IAM::ServiceLinkedRole")
    assert recorder["DependsOn"] == [slr_id]
    channel = built.one("Default", "AWS::Config::DeliveryChannel")["Properties"]
    assert channel["ConfigSnapshotDeliveryProperties"] == {"DeliveryFrequency": "TwentyFour_Hours"}
    config_bucket = built.baselines["Default"].config_bucket
    assert config_bucket is not None
    bucket_id = built.logical_id("Default", config_bucket.bucket)
    assert channel["S3BucketName"] == {"Ref": bucket_id}
    assert "S3KmsKeyArn" in channel
    assert "AWS::IAM::ServiceLinkedRole" not in _types(built, "Full")
    full = built.one("Full", "AWS::Config::DeliveryChannel")["Properties"]
    assert full["S3KeyPrefix"] == "config"


def test_config_bucket_policy_is_pinned_to_the_account(built: Built) -> None:
    config_bucket = built.baselines["Full"].config_bucket
    assert config_bucket is not None
    assert config_bucket.bucket.policy is not None
    policy = built.resource("Full", config_bucket.bucket.policy)
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    write = _statement(statements, "AWSConfigBucketDelivery")
    assert write["Condition"] == {
        "StringEquals": {
            "aws:SourceAccount": "111111111111",
            "s3:x-amz-acl": "bucket-owner-full-control",
        }
    }
    assert write["Resource"]["Fn::Join"][1][1] == "/config/AWSLogs/111111111111/Config/*"


# -- account settings -----------------------------------------------------------------------------


def _calls(built: Built, stack: str) -> dict[str, dict[str, Any]]:
    found = {}
    for resource in built.resources(stack, "Custom::AWS").values():
        call = json.loads(resource["Properties"]["Create"])
        found[call["action"]] = call
        assert resource["Properties"]["Update"] == resource["Properties"]["Create"]
        assert "Delete" not in resource["Properties"]  # removing the baseline weakens nothing
    return found


def test_account_settings_call_the_exact_apis(built: Built) -> None:
    calls = _calls(built, "Default")
    assert calls["putPublicAccessBlock"]["service"] == "S3Control"
    assert calls["putPublicAccessBlock"]["parameters"] == {
        "AccountId": "111111111111",
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    }
    assert calls["enableEbsEncryptionByDefault"]["service"] == "EC2"
    assert calls["updateAccountPasswordPolicy"]["service"] == "IAM"
    assert calls["updateAccountPasswordPolicy"]["parameters"] == {
        "MinimumPasswordLength": 14,
        "RequireSymbols": True,
        "RequireNumbers": True,
        "RequireUppercaseCharacters": True,
        "RequireLowercaseCharacters": True,
        "AllowUsersToChangePassword": True,
        "MaxPasswordAge": 90,
        "PasswordReusePrevention": 24,
        "HardExpiry": False,
    }


def test_account_settings_role_has_exactly_the_three_actions(built: Built) -> None:
    policies = built.resources("Default", "AWS::IAM::ManagedPolicy")
    (policy,) = [p for lid, p in policies.items() if "AccountSettings" in lid]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    apply = _statement(statements, "ApplyAccountSettings")
    assert apply["Action"] == [
        "s3:PutAccountPublicAccessBlock",
        "ec2:EnableEbsEncryptionByDefault",
        "iam:UpdateAccountPasswordPolicy",
    ]
    assert apply["Resource"] == "*"
    assert "AWS::IAM::Policy" not in _types(built, "Default")  # no inline policy anywhere


def test_provider_function_is_traced_and_logs_to_an_encrypted_group(built: Built) -> None:
    function = built.one("Default", "AWS::Lambda::Function")["Properties"]
    assert function["TracingConfig"] == {"Mode": "Active"}
    (group_id,) = [
        lid
        for lid in built.resources("Default", "AWS::Logs::LogGroup")
        if "AccountSettingsLogGroup" in lid
    ]
    assert function["LoggingConfig"] == {"LogGroup": {"Ref": group_id}}


# -- parts switched off ---------------------------------------------------------------------------


@pytest.mark.parametrize("stack", list(SWITCHED_OFF))
def test_switched_off_parts_are_recorded(built: Built, stack: str) -> None:
    expected = SWITCHED_OFF[stack][1]
    baseline = built.baselines[stack]
    assert baseline.disabled_parts == expected
    artifact = built.assembly.get_stack_by_name(stack)
    recorded = [(e.path, e.data) for e in artifact.find_metadata_by_type(DISABLED_PARTS_METADATA)]
    assert recorded == [(f"/{stack}/Baseline", list(expected))]
    infos = [str(e.data) for e in artifact.find_metadata_by_type("aws:cdk:info")]
    assert any(", ".join(expected) in info for info in infos), infos


@pytest.mark.parametrize("stack", list(SWITCHED_OFF))
def test_reports_say_which_parts_were_switched_off(built: Built, stack: str) -> None:
    expected = SWITCHED_OFF[stack][1]
    (covered,) = [s for s in built.evaluation.coverage.stacks if s.stack_path == stack]
    assert covered.switched_off == ((f"{stack}/Baseline", expected),)
    line = coverage_line(covered)
    assert line.endswith(f"; switched off at {stack}/Baseline: {', '.join(expected)}")
    data = coverage_data(built.evaluation.coverage, Path("."))
    assert {"construct": f"{stack}/Baseline", "parts": list(expected)} in data["switchedOff"]


def test_nothing_is_reported_switched_off_by_default(built: Built) -> None:
    (covered,) = [s for s in built.evaluation.coverage.stacks if s.stack_path == "Default"]
    assert covered.switched_off == ()


@pytest.mark.parametrize(
    ("stack", "absent"),
    [
        (
            "NoTrail",
            {"AWS::CloudTrail::Trail", "AWS::CloudWatch::Alarm", "AWS::Logs::MetricFilter"},
        ),
        ("NoAlarms", {"AWS::CloudWatch::Alarm", "AWS::Logs::MetricFilter"}),
        ("NoGuardDuty", {"AWS::GuardDuty::Detector"}),
        ("NoSecurityHub", {"AWS::SecurityHub::Hub", "AWS::SecurityHub::Standard"}),
        ("NoAccessAnalyzer", {"AWS::AccessAnalyzer::Analyzer"}),
        (
            "NoConfig",
            {
                "AWS::Config::ConfigurationRecorder",
                "AWS::Config::DeliveryChannel",
                "AWS::IAM::ServiceLinkedRole",
            },
        ),
        ("NoFindingsRule", {"AWS::Events::Rule"}),
        ("NoAccountSettings", {"Custom::AWS", "AWS::Lambda::Function"}),
    ],
)
def test_switched_off_part_builds_none_of_its_resources(
    built: Built, stack: str, absent: set[str]
) -> None:
    assert _types(built, stack) & absent == set()
    assert _types(built, "Default") >= absent


@pytest.mark.parametrize(
    ("stack", "action"),
    [
        ("NoPublicAccessBlock", "putPublicAccessBlock"),
        ("NoEbsEncryption", "enableEbsEncryptionByDefault"),
        ("NoPasswordPolicy", "updateAccountPasswordPolicy"),
    ],
)
def test_one_account_setting_switched_off(built: Built, stack: str, action: str) -> None:
    calls = _calls(built, stack)
    assert action not in calls
    assert len(calls) == 2


def test_no_trail_leaves_the_trail_attributes_empty(built: Built) -> None:
    baseline = built.baselines["NoTrail"]
    assert (baseline.trail, baseline.trail_bucket, baseline.trail_log_group) == (None, None, None)
    assert baseline.alarms == {}


# -- weakenings and escape hatches ----------------------------------------------------------------


def test_destroy_warns_and_the_guardrails_report_it(built: Built) -> None:
    messages = assertions.Annotations.from_stack(built.stacks["Destroy"]).find_warning(
        "/Destroy/Baseline", assertions.Match.string_like_regexp(".*destroy-on-removal.*")
    )
    assert messages, WARN_BASELINE_DESTROY_ON_REMOVAL
    rules = {rule for rule, _ in built.findings("Destroy")}
    assert {"SC-KMS-3", "SC-S3-3", "SC-LOGS-3"} <= rules


def test_escape_hatches_undoing_the_trail_and_alarms_fail_the_guardrails() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Hatched", env=ENV)
    baseline = SecurityBaseline(stack, "Baseline", config=False)
    assert baseline.trail is not None
    trail = baseline.trail.node.default_child
    assert isinstance(trail, cdk.CfnResource)
    trail.add_property_override("IsMultiRegionTrail", False)
    trail.add_property_override("EnableLogFileValidation", False)
    trail.add_property_deletion_override("CloudWatchLogsLogGroupArn")
    alarm = baseline.alarms["RootAccountUsage"].node.default_child
    assert isinstance(alarm, cdk.CfnResource)
    alarm.add_property_deletion_override("AlarmActions")
    assert baseline.detector is not None
    baseline.detector.add_property_override("Enable", False)
    errors = {
        (f.rule.id, f.severity.name) for f in check(app).findings if f.rule.id not in {"SC-PIN-1"}
    }
    assert {
        ("SC-TRAIL-1", "ERROR"),
        ("SC-TRAIL-2", "ERROR"),
        ("SC-TRAIL-4", "ERROR"),
        ("SC-CW-1", "ERROR"),
        ("SC-GUARDDUTY-1", "ERROR"),
    } <= errors


def _account_setting(part: Any) -> cdk.CfnResource:
    """The ``Custom::AWS`` resource of an account setting (an ``AwsCustomResource``)."""
    resource = part.node.find_child("Resource").node.default_child
    assert isinstance(resource, cdk.CfnResource)
    return resource


def _weakened_parts(
    env: cdk.Environment | None,
) -> tuple[set[tuple[str, str, str]], dict[str, str]]:
    """SC-PIN-1 findings when parts are removed and account settings rewritten, and the
    logical ids of the parts."""
    app = cdk.App()
    stack = cdk.Stack(app, "Parts", env=env)
    baseline = SecurityBaseline(stack, "Baseline")
    assert baseline.analyzer is not None
    ids = {
        name: str(stack.resolve(resource.logical_id))
        for name, resource in (
            ("AccessAnalyzer", baseline.analyzer),
            ("PublicAccessBlock", _account_setting(baseline.account_public_access_block)),
            ("PasswordPolicy", _account_setting(baseline.password_policy)),
            ("Ebs", _account_setting(baseline.ebs_default_encryption)),
        )
    }
    baseline.node.try_remove_child("AccessAnalyzer")
    weak = {
        "service": "S3Control",
        "action": "putPublicAccessBlock",
        "parameters": {
            "AccountId": stack.account,
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": False,
                "RestrictPublicBuckets": False,
            },
        },
        "physicalResourceId": {"id": "AccountPublicAccessBlock"},
    }
    _account_setting(baseline.account_public_access_block).add_property_override(
        "Create", stack.to_json_string(weak)
    )
    _account_setting(baseline.password_policy).add_property_deletion_override("Update")
    ebs = _account_setting(baseline.ebs_default_encryption)
    ebs.add_property_override(
        "Update", json.dumps({"service": "STS", "action": "getCallerIdentity"})
    )
    topic = stack.resolve(baseline.alarm_secure_topic.topic.node.default_child.logical_id)
    found = set()
    for f in check(app).findings:
        if f.rule.id == "SC-PIN-1":
            assert f.logical_id == topic
            assert f.severity.name == "ERROR"
            found.add((f.property_path, f.message.split(": the construct")[0], str(f.status)))
    return found, ids


PARTS = "Metadata.SecureConstructs::Guarantees.companions"


@pytest.mark.parametrize("env", [ENV, None], ids=["account", "agnostic"])
def test_removed_parts_and_rewritten_account_settings_are_errors_on_the_topic(
    env: cdk.Environment | None,
) -> None:
    found, ids = _weakened_parts(env)
    assert found == {
        (
            f"{PARTS}.AccessAnalyzer",
            f"the AccessAnalyzer (AWS::AccessAnalyzer::Analyzer {ids['AccessAnalyzer']}) "
            "the construct made with this resource is no longer in the template",
            "non-compliant",
        ),
        (
            f"{PARTS}.AccountPublicAccessBlock.Call",
            f"AccountPublicAccessBlock ({ids['PublicAccessBlock']}) "
            "Create changed parameters.PublicAccessBlockConfiguration",
            "non-compliant",
        ),
        (
            f"{PARTS}.PasswordPolicy.Call",
            f"PasswordPolicy ({ids['PasswordPolicy']}) has no Update, so CloudFormation no "
            "longer applies IAM.updateAccountPasswordPolicy when it updates it",
            "non-compliant",
        ),
        (
            f"{PARTS}.EbsDefaultEncryption.Call",
            f"EbsDefaultEncryption ({ids['Ebs']}) Update changed service, action",
            "non-compliant",
        ),
    }


def test_the_topic_lists_every_part_built_and_no_part_switched_off(built: Built) -> None:
    def parts(stack: str) -> set[str]:
        topic = built.one(stack, "AWS::SNS::Topic")
        companions = topic["Metadata"]["SecureConstructs::Guarantees"]["companions"]
        return {name for name in companions if not name.startswith("Subscription")}

    every = {
        "Trail",
        "GuardDutyDetector",
        "SecurityHub",
        "AccessAnalyzer",
        "ConfigRecorder",
        "ConfigDeliveryChannel",
        "AccountPublicAccessBlock",
        "EbsDefaultEncryption",
        "PasswordPolicy",
    }
    assert parts("Default") == every
    assert parts("NoAccessAnalyzer") == every - {"AccessAnalyzer"}
    assert parts("NoConfig") == every - {"ConfigRecorder", "ConfigDeliveryChannel"}
    assert parts("NoAccountSettings") == every - {
        "AccountPublicAccessBlock",
        "EbsDefaultEncryption",
        "PasswordPolicy",
    }
    assert ("SC-PIN-1", "Default/Baseline/AlarmTopic/Resource") not in built.findings("Default")


# -- snapshots ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["Default", "Full", *SWITCHED_OFF])
def test_snapshot(built: Built, stack: str, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates[stack]) == snapshot_json


# -- bad input ------------------------------------------------------------------------------------


def _raises(**kwargs: Any) -> str:
    app = cdk.App()
    stack = cdk.Stack(app, "Bad", env=ENV)
    with pytest.raises(SecureConstructsError) as caught:
        SecurityBaseline(stack, "Baseline", **kwargs)
    return str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "needles"),
    [
        ({"cloudtrail": "yes"}, ["cloudtrail", "'yes'", "TrailOptions"]),
        ({"guardduty": 1}, ["guardduty", "GuardDutyOptions"]),
        ({"access_analyzer": "no"}, ["access_analyzer", "a bool"]),
        ({"alarm_emails": "a@example.com"}, ["alarm_emails"]),
        ({"alarm_emails": ["not-an-email"]}, ["alarm_emails", "not-an-email"]),
        ({"alarm_https_endpoints": ["http://hooks.example.com"]}, ["alarm_https_endpoints"]),
        ({"removal_policy": cdk.RemovalPolicy.SNAPSHOT}, ["removal_policy", "SNAPSHOT"]),
        (
            {"cloudtrail": TrailOptions(log_retention=cdk.aws_logs.RetentionDays.SIX_MONTHS)},
            ["cloudtrail.log_retention", "180 days", "365"],
        ),
        (
            {"cloudtrail": TrailOptions(log_file_retention=cdk.Duration.days(30))},
            ["cloudtrail.log_file_retention", "SC-S3-12"],
        ),
        (
            {"cloudtrail": TrailOptions(object_lock_mode="GOVERNANCE")},
            ["cloudtrail.object_lock_mode", "go together"],
        ),
        (
            {
                "cloudtrail": TrailOptions(
                    object_lock_mode="STRICT", object_lock_retention=cdk.Duration.days(1)
                )
            },
            ["'STRICT'", "GOVERNANCE"],
        ),
        ({"cloudtrail": TrailOptions(trail_name="a b")}, ["cloudtrail.trail_name", "'a b'"]),
        (
            {"guardduty": GuardDutyOptions(finding_publishing_frequency="DAILY")},
            ["guardduty.finding_publishing_frequency", "'DAILY'"],
        ),
        (
            {"security_hub": SecurityHubOptions(fsbp=False)},
            ["security_hub", "without any standard"],
        ),
        (
            {"security_hub": SecurityHubOptions(cis=True, cis_version="9.9.9")},
            ["security_hub.cis_version", "'9.9.9'"],
        ),
        (
            {"config": ConfigOptions(delivery_prefix="/config/")},
            ["config.delivery_prefix"],
        ),
        (
            {"password_policy": PasswordPolicyOptions(minimum_password_length=8)},
            ["password_policy.minimum_password_length", "8", "CIS 1.8"],
        ),
        (
            {"password_policy": PasswordPolicyOptions(password_reuse_prevention=5)},
            ["password_policy.password_reuse_prevention", "CIS 1.9"],
        ),
    ],
)
def test_bad_input_names_the_property(kwargs: dict[str, Any], needles: list[str]) -> None:
    message = _raises(**kwargs)
    for needle in needles:
        assert needle in message, (needle, message)


def test_every_bad_input_is_reported_at_once() -> None:
    message = _raises(
        guardduty="on", access_analyzer=None, alarm_emails=["x"], encryption_key="alias/x"
    )
    for prop in ("guardduty", "access_analyzer", "alarm_emails", "encryption_key"):
        assert prop in message


def test_an_earlier_custom_resource_provider_is_refused() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Shared", env=ENV)
    cdk.custom_resources.AwsCustomResource(
        stack,
        "Other",
        on_create=cdk.custom_resources.AwsSdkCall(
            service="STS",
            action="getCallerIdentity",
            physical_resource_id=cdk.custom_resources.PhysicalResourceId.of("x"),
        ),
        policy=cdk.custom_resources.AwsCustomResourcePolicy.from_sdk_calls(
            resources=cdk.custom_resources.AwsCustomResourcePolicy.ANY_RESOURCE
        ),
    )
    with pytest.raises(SecureConstructsError, match="AwsCustomResource provider"):
        SecurityBaseline(stack, "Baseline")


def test_slack_channels_get_the_alarms_read_only() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Chat", env=ENV)
    baseline = SecurityBaseline(
        stack,
        "Baseline",
        alarm_slack_channels=[SlackChannel(workspace_id="T0123ABCD", channel_id="C0456EFGH")],
    )
    template = assertions.Template.from_stack(stack)
    (configuration,) = template.find_resources("AWS::Chatbot::SlackChannelConfiguration").values()
    props = configuration["Properties"]
    topic = stack.resolve(baseline.alarm_topic.topic_arn)
    (guardrail_id,) = [
        lid
        for lid in template.find_resources("AWS::IAM::ManagedPolicy")
        if lid.startswith("BaselineChatbotGuardrail")
    ]
    assert (props["SlackWorkspaceId"], props["SlackChannelId"]) == ("T0123ABCD", "C0456EFGH")
    assert props["SnsTopicArns"] == [topic]
    assert props["LoggingLevel"] == "ERROR"
    assert props["GuardrailPolicies"] == [{"Ref": guardrail_id}]
    guardrail = template.find_resources("AWS::IAM::ManagedPolicy")[guardrail_id]
    assert guardrail["Properties"]["PolicyDocument"]["Statement"] == [
        {"Action": "*", "Effect": "Deny", "Resource": "*"}
    ]
    assert configuration["Metadata"]["SecureConstructs::Guarantees"]["present"] == [
        "GuardrailPolicies",
        "SnsTopicArns",
    ]
    findings = {(f.rule.id, f.construct_path) for f in check(app).findings}
    assert findings == set()


@pytest.mark.parametrize(
    ("channel", "problem"),
    [
        (SlackChannel(workspace_id="t0123", channel_id="C1"), "alarm_slack_channels"),
        (SlackChannel(workspace_id="T1", channel_id="C 1"), "alarm_slack_channels"),
        (
            SlackChannel(workspace_id="T1", channel_id="C1", name="has space"),
            "alarm_slack_channels",
        ),
        ("T1/C1", "alarm_slack_channels"),
    ],
)
def test_bad_slack_channels_are_one_error(channel: object, problem: str) -> None:
    stack = cdk.Stack(cdk.App(), "Chat", env=ENV)
    with pytest.raises(SecureConstructsError, match=rf"\[SC-BASELINE-1\] {problem}:"):
        SecurityBaseline(stack, "Baseline", alarm_slack_channels=[channel])  # type: ignore[list-item]
