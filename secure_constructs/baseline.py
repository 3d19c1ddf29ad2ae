"""SecurityBaseline: the account/region detection and prevention settings, in one construct."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_accessanalyzer as accessanalyzer
from aws_cdk import aws_chatbot as chatbot
from aws_cdk import aws_cloudtrail, aws_config, aws_guardduty
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_securityhub as securityhub
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import custom_resources as cr
from constructs import Construct

from aspects.constants import DISABLED_PARTS_METADATA as _DISABLED_PARTS_METADATA
from aspects.errors import Issue
from aspects.settings import DEFAULT as DEFAULT_THRESHOLDS
from secure_constructs._defaults import baseline as defaults
from secure_constructs._defaults import cfn_resource, enforce_rules, pin
from secure_constructs._defaults.iam import ManagedPolicyRole
from secure_constructs._defaults.kms import customer_managed_key
from secure_constructs._defaults.logs import encrypted_log_group
from secure_constructs._scanners import (
    COMPLIANCE_PACKS,
    accept_cdk_nag,
    accept_checkov,
    ignore_cfn_lint,
)
from secure_constructs._validation import (
    RETENTION_DAYS,
    Checks,
    is_token,
    literal_int,
    raise_if_any,
    where,
)
from secure_constructs.bucket import SecureBucket

#: Warning ids (acknowledge with ``Annotations.of(scope).acknowledge_warning(id)``).
WARN_BASELINE_DESTROY_ON_REMOVAL = "secure-constructs:SecurityBaseline:destroy-on-removal"

#: The construct metadata entry listing the parts switched off (in the cloud assembly).
# Re-exported: reports read it from aspects.constants.
DISABLED_PARTS_METADATA = _DISABLED_PARTS_METADATA

#: Every part, in the order the construct builds them.
PARTS = (
    "cloudtrail",
    "guardduty",
    "security_hub",
    "access_analyzer",
    "config",
    "account_public_access_block",
    "ebs_default_encryption",
    "password_policy",
    "findings_to_topic",
)

_TYPE = "SC-BASELINE-1"
_RANGE = "SC-BASELINE-2"
_COMBINATION = "SC-BASELINE-3"
_TRAIL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_OBJECT_LOCK_MODES = ("GOVERNANCE", "COMPLIANCE")

#: The cdk-nag 3 compliance packs whose rules the acknowledgments below answer.
_CONCURRENCY_PACKS = ("NIST.800.53.R5", "HIPAA.Security")

_ACCOUNT_API_WILDCARD_REASON = (
    "s3:PutAccountPublicAccessBlock, ec2:EnableEbsEncryptionByDefault, "
    "iam:UpdateAccountPasswordPolicy and xray:PutTraceSegments/PutTelemetryRecords act on "
    "the account, not on a resource, and support no resource-level permissions: Resource "
    "'*' is the only value IAM accepts. No other action is granted."
)
_PROVIDER_CONCURRENCY_REASON = (
    "CDK's AwsCustomResource provider runs only when CloudFormation creates or updates the "
    "account settings; reserving concurrency for it would take executions away from every "
    "other function of the account."
)
_PROVIDER_VPC_REASON = (
    "CDK's AwsCustomResource provider only calls the S3 Control, EC2 and IAM APIs over TLS "
    "with IAM authorisation; it has no listener and handles no data, so a VPC adds nothing."
)
_PROVIDER_DLQ_REASON = (
    "CloudFormation invokes the provider for custom resources and fails the stack "
    "operation when it fails: there is no asynchronous event to keep in a queue."
)
_TRAIL_STREAMS_REASON = (
    "A multi-region trail writes one log stream per source region, named by CloudTrail "
    "<account>_CloudTrail_<region>: the policy names the trail's log group and that prefix, "
    "which is as narrow as the stream names CloudTrail documents."
)


# -- options -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrailOptions:
    """The trail: multi-region, validated, KMS-encrypted, in S3 and CloudWatch Logs.

    Attributes
    ----------
    trail_name:
        The trail's name (part of the key policy's ``aws:SourceArn``). Default: generated
        from the construct path.
    s3_data_events, lambda_data_events:
        Record object-level S3 / Lambda invoke data events of every bucket / function.
        Default False (data events are billed per event).
    insights:
        Record API call rate and error rate insight events. Default False (billed).
    log_retention:
        How long the CloudWatch Logs copy is kept. Default ``ONE_YEAR`` (at least 365 days,
        ``Thresholds.audit_log_retention_days``).
    log_file_retention:
        Expire log files in S3 after this long. Default None: kept. At least 365 days.
    object_lock_mode, object_lock_retention:
        Put the log bucket under S3 Object Lock with this default retention
        (``"GOVERNANCE"`` or ``"COMPLIANCE"``, whole days). Default: no object lock.
        Object Lock can only be turned on when the bucket is created.
    alarms:
        The CIS metric filters and alarms on the log group. Default True.
    """

    trail_name: str | None = None
    s3_data_events: bool = False
    lambda_data_events: bool = False
    insights: bool = False
    log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR
    log_file_retention: cdk.Duration | None = None
    object_lock_mode: str | None = None
    object_lock_retention: cdk.Duration | None = None
    alarms: bool = True


@dataclass(frozen=True)
class GuardDutyOptions:
    """The GuardDuty detector's protection plans (``True`` = enabled).

    The defaults are the plans GuardDuty offers a new account, except runtime monitoring,
    which deploys an agent to EKS, ECS Fargate and EC2 and so is opted into.
    """

    s3_data_events: bool = True
    eks_audit_logs: bool = True
    rds_login_events: bool = True
    lambda_network_logs: bool = True
    ebs_malware_protection: bool = True
    runtime_monitoring: bool = False
    finding_publishing_frequency: str = "FIFTEEN_MINUTES"


@dataclass(frozen=True)
class SecurityHubOptions:
    """The Security Hub standards: FSBP by default, CIS as an option."""

    fsbp: bool = True
    cis: bool = False
    cis_version: str = "3.0.0"


@dataclass(frozen=True)
class ConfigOptions:
    """AWS Config: every supported resource type, global IAM types included.

    Attributes
    ----------
    delivery_bucket:
        Deliver to this bucket (an organization's central Config bucket; its policy must
        admit ``config.amazonaws.com``). Default: a new SecureBucket.
    delivery_prefix:
        Key prefix in the bucket. Default none.
    create_service_linked_role:
        Create ``AWSServiceRoleForConfig``. Default True; pass False where the account
        already has it (creating it again fails the deployment).
    """

    delivery_bucket: s3.IBucket | None = None
    delivery_prefix: str | None = None
    create_service_linked_role: bool = True


_SLACK_WORKSPACE = re.compile(r"^[0-9A-Z]{1,255}$")
_SLACK_CHANNEL = re.compile(r"^[A-Za-z0-9]{1,255}$")
_CHATBOT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


@dataclass(frozen=True)
class SlackChannel:
    """A Slack channel that receives the baseline's alarms and findings (AWS Chatbot).

    The workspace must have been authorized for AWS Chatbot in the console once (an OAuth
    step CloudFormation cannot do). Members of the channel can read notifications only:
    the channel's guardrail policy denies every action, so no command run from Slack can
    change the account (without a guardrail policy AWS applies AdministratorAccess).

    Parameters
    ----------
    workspace_id:
        The Slack workspace (team) id, e.g. ``"T0123ABCD"``.
    channel_id:
        The channel id, e.g. ``"C0456EFGH"`` (the channel's "Copy link" ends with it).
    name:
        The Chatbot configuration's name. Default: derived from the construct path.
    """

    workspace_id: str
    channel_id: str
    name: str | None = None


@dataclass(frozen=True)
class PasswordPolicyOptions:
    """The account's IAM password policy (CIS 1.8/1.9, FSBP IAM.7, IAM.15, IAM.16)."""

    minimum_password_length: int = 14
    require_symbols: bool = True
    require_numbers: bool = True
    require_uppercase_characters: bool = True
    require_lowercase_characters: bool = True
    allow_users_to_change_password: bool = True
    max_password_age: int = 90
    password_reuse_prevention: int = 24
    hard_expiry: bool = False


@dataclass(frozen=True)
class _Parts:
    """The options of every part that is on (None = switched off)."""

    trail: TrailOptions | None
    guardduty: GuardDutyOptions | None
    security_hub: SecurityHubOptions | None
    config: ConfigOptions | None
    password_policy: PasswordPolicyOptions | None
    flags: dict[str, bool] = field(default_factory=dict)


# -- the construct -------------------------------------------------------------------------------


class SecurityBaseline(Construct):
    """The account and region baseline: audit trail, threat detection, posture, alarms.

    Drop one into one stack per account and region. Every part is on by default and can be
    switched off where the organization already provides it (``cloudtrail=False``,
    ``guardduty=False``...); switched-off parts are listed in ``disabled_parts``, in the
    construct metadata ``DISABLED_PARTS_METADATA`` and in an info annotation, so reports
    can say what the baseline does not cover. In a second region of the same account, pass
    ``cloudtrail=False`` and ``password_policy=False`` (the multi-region trail and the
    account's password policy are already there).

    Defaults (each implements a guardrail rule or a Security Hub control):

    * **CloudTrail** (``.trail``): multi-region with global service events (SC-TRAIL-1,
      CloudTrail.1), log file validation (SC-TRAIL-2, CloudTrail.4), management events
      read and write, logging (SC-TRAIL-5), log files encrypted with ``.trail_key`` - a
      customer-managed key with rotation (SC-TRAIL-3, SC-KMS-1) whose policy lets
      ``cloudtrail.amazonaws.com`` call ``kms:GenerateDataKey*`` only for this trail
      (``aws:SourceArn``) and ``kms:EncryptionContext:aws:cloudtrail:arn`` of this account,
      and ``kms:DescribeKey`` for this trail. Delivered to ``.trail_bucket`` (a
      SecureBucket: versioned, TLS-only, access-logged, retained; its policy admits
      CloudTrail for this trail's ``aws:SourceArn`` only, SC-IAM-4) and to
      ``.trail_log_group`` (encrypted with the same key, kept a year, SC-TRAIL-4,
      SC-LOGS-1/2/3, CloudTrail.5) through a role whose permissions live in one
      customer-managed policy.
    * **CIS alarms** (``.alarms``): the fourteen metric filters of Security Hub's
      CloudWatch.1-14 on the trail's log group, each with an alarm (1 event in 5 minutes)
      that notifies ``.alarm_topic`` (SC-CW-1, enforced as an error here).
    * **Alarm topic** (``.alarm_topic``, a SecureTopic: KMS-encrypted, TLS-only,
      SC-SNS-1/3), with e-mail and HTTPS subscriptions as options; an EventBridge rule
      (``.findings_rule``) forwards GuardDuty findings of severity 7 or more and new, active
      CRITICAL/HIGH Security Hub findings to it.
    * **GuardDuty** (``.detector``): enabled (SC-GUARDDUTY-1, GuardDuty.1), findings every
      15 minutes, S3, EKS audit log, RDS login, Lambda network and EBS malware protection
      plans on, runtime monitoring as an option; plans that are off are written as
      ``DISABLED`` so the template says so.
    * **Security Hub** (``.security_hub``): the hub with consolidated control findings and
      its standards explicit: FSBP (SC-SECURITYHUB-1), CIS as an option.
    * **IAM Access Analyzer** (``.analyzer``): an account analyzer (IAM.21-style external
      access findings).
    * **AWS Config** (``.config_recorder``): all supported resource types plus global IAM
      types (SC-CONFIG-1, Config.1), continuous, delivered daily to ``.config_bucket`` (a
      SecureBucket) with the service-linked role. On by default: most Security Hub controls
      are Config rules and evaluate nothing without a recorder.
    * **Account settings** through CDK's ``AwsCustomResource`` (CloudFormation has no
      resource type for them): S3 Block Public Access for the account (S3.1),
      EBS encryption by default (EC2.7) and the IAM password policy (IAM.7, CIS 1.8/1.9).
      One provider function with its own role (one customer-managed policy with exactly
      those three actions), an encrypted log group and X-Ray tracing. Deleting the stack
      leaves the settings in place: a removed baseline never weakens the account.

    Parameters
    ----------
    scope, construct_id:
        As for any construct. Children: ``Key``, ``TrailBucket``, ``TrailLogGroup``,
        ``TrailLogsRole``, ``Trail``, ``AlarmTopic``, ``Alarms/<name>``, ``Detector``,
        ``SecurityHub``, ``AccessAnalyzer``, ``Config``, ``AccountSettings``.
    cloudtrail, guardduty, security_hub, config, password_policy:
        ``True`` (default) for the defaults, an options object to change them, ``False``
        to switch the part off.
    access_analyzer, account_public_access_block, ebs_default_encryption:
        Default True; False switches the part off.
    findings_to_topic:
        The EventBridge rule for GuardDuty and Security Hub findings. Default True.
    alarm_emails:
        E-mail addresses subscribed to the alarm topic. Default none.
    alarm_https_endpoints:
        HTTPS endpoints subscribed to the alarm topic (a chat relay, an incident tool).
        Default none; ``http://`` is rejected.
    alarm_slack_channels:
        Slack channels (:class:`SlackChannel`) that receive the same notifications through
        AWS Chatbot, read-only for their members. Default none.
    encryption_key:
        Bring your own customer-managed key for the trail, its logs and buckets. Default:
        a new key with rotation, retained.
    removal_policy:
        For the key, buckets and log groups. Default RETAIN; ``DESTROY`` is a weakening
        (warning ``WARN_BASELINE_DESTROY_ON_REMOVAL``, and SC-KMS-3/SC-S3-3 report it).

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
        cloudtrail: bool | TrailOptions = True,
        guardduty: bool | GuardDutyOptions = True,
        security_hub: bool | SecurityHubOptions = True,
        access_analyzer: bool = True,
        config: bool | ConfigOptions = True,
        account_public_access_block: bool = True,
        ebs_default_encryption: bool = True,
        password_policy: bool | PasswordPolicyOptions = True,
        findings_to_topic: bool = True,
        alarm_emails: Sequence[str] = (),
        alarm_https_endpoints: Sequence[str] = (),
        alarm_slack_channels: Sequence[SlackChannel] = (),
        encryption_key: kms.IKey | None = None,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
    ) -> None:
        parts = _validate(
            scope,
            construct_id,
            cloudtrail=cloudtrail,
            guardduty=guardduty,
            security_hub=security_hub,
            access_analyzer=access_analyzer,
            config=config,
            account_public_access_block=account_public_access_block,
            ebs_default_encryption=ebs_default_encryption,
            password_policy=password_policy,
            findings_to_topic=findings_to_topic,
            alarm_emails=alarm_emails,
            alarm_https_endpoints=alarm_https_endpoints,
            alarm_slack_channels=alarm_slack_channels,
            encryption_key=encryption_key,
            removal_policy=removal_policy,
        )
        super().__init__(scope, construct_id)
        self._removal_policy = removal_policy

        self.disabled_parts: tuple[str, ...] = tuple(
            part
            for part in PARTS
            if not (
                parts.flags[part]
                if part in parts.flags
                else getattr(parts, "trail" if part == "cloudtrail" else part) is not None
            )
        )
        if parts.trail is not None and not parts.trail.alarms:
            self.disabled_parts += ("cis_alarms",)

        self.encryption_key: kms.IKey = encryption_key or customer_managed_key(
            self,
            "Key",
            description=f"Encrypts the audit trail, its logs and the buckets of {self.node.path}",
            removal_policy=removal_policy,
        )

        # The topic first: the alarms and the findings rule publish to it.
        self.alarm_topic: sns.ITopic = self._topic(alarm_emails, alarm_https_endpoints)
        self.slack_channels: list[chatbot.SlackChannelConfiguration] = [
            self._slack(i, channel) for i, channel in enumerate(alarm_slack_channels)
        ]

        self.trail: aws_cloudtrail.Trail | None = None
        self.trail_key: kms.IKey | None = None
        self.trail_bucket: SecureBucket | None = None
        self.trail_log_group: logs.LogGroup | None = None
        self.trail_logs_role: ManagedPolicyRole | None = None
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        self.metric_filters: dict[str, logs.MetricFilter] = {}
        if parts.trail is not None:
            self._build_trail(parts.trail)

        self.detector: aws_guardduty.CfnDetector | None = (
            self._build_detector(parts.guardduty) if parts.guardduty is not None else None
        )
        self.security_hub: securityhub.CfnHub | None = None
        self.standards: dict[str, securityhub.CfnStandard] = {}
        if parts.security_hub is not None:
            self._build_security_hub(parts.security_hub)
        self.analyzer: accessanalyzer.CfnAnalyzer | None = (
            accessanalyzer.CfnAnalyzer(self, "AccessAnalyzer", type="ACCOUNT")
            if access_analyzer
            else None
        )

        self.config_recorder: aws_config.CfnConfigurationRecorder | None = None
        self.config_delivery_channel: aws_config.CfnDeliveryChannel | None = None
        self.config_bucket: SecureBucket | None = None
        if parts.config is not None:
            self._build_config(parts.config)

        self.findings_rules: dict[str, events.Rule] = (
            self._build_findings_rules() if findings_to_topic else {}
        )

        self.account_settings_role: ManagedPolicyRole | None = None
        self.account_settings_log_group: logs.LogGroup | None = None
        self.account_public_access_block: cr.AwsCustomResource | None = None
        self.ebs_default_encryption: cr.AwsCustomResource | None = None
        self.password_policy: cr.AwsCustomResource | None = None
        #: Construct id of each account setting -> the SDK call it makes (SC-PIN-1).
        self._account_calls: dict[str, dict[str, Any]] = {}
        self._build_account_settings(
            public_access_block=account_public_access_block,
            ebs_default_encryption=ebs_default_encryption,
            password_policy=parts.password_policy,
        )

        self._pin_parts(parts.trail)
        self._pin_account_parts()
        self._record_disabled_parts()
        if removal_policy == cdk.RemovalPolicy.DESTROY:
            cdk.Annotations.of(self).add_warning_v2(
                WARN_BASELINE_DESTROY_ON_REMOVAL,
                "removal_policy=DESTROY: removing the construct or the stack deletes the "
                "audit trail's key, buckets and logs (guardrails SC-KMS-3, SC-S3-3 and "
                "SC-LOGS-3 report it unless acknowledged with a reason).",
            )

    # -- the parts ---------------------------------------------------------------------------

    def _topic(self, emails: Sequence[str], endpoints: Sequence[str]) -> sns.ITopic:
        from secure_constructs.topic import SecureTopic

        self.alarm_secure_topic = SecureTopic(
            self,
            "AlarmTopic",
            display_name="Security baseline alarms",
            removal_policy=self._removal_policy,
        )
        topic = self.alarm_secure_topic.topic
        made = [
            *(topic.add_subscription(subscriptions.EmailSubscription(e)) for e in emails),
            *(topic.add_subscription(subscriptions.UrlSubscription(e)) for e in endpoints),
        ]
        # Whoever is paged stays subscribed, over the protocol given (an https endpoint
        # does not fall back to http).
        for subscription in made:
            cfn = cfn_resource(subscription)
            assert isinstance(cfn, sns.CfnSubscription)  # noqa: S101 - CDK always makes it
            pin(cfn, pinned={"Protocol": cfn.protocol})
        if made:
            pin(
                topic,
                companions={
                    f"Subscription{i}": cfn_resource(subscription)
                    for i, subscription in enumerate(made)
                },
            )
        return topic

    def _slack(self, index: int, channel: SlackChannel) -> chatbot.SlackChannelConfiguration:
        """The alarm topic to one Slack channel, read-only for the channel's members."""
        if index == 0:
            self._chatbot_guardrail = iam.ManagedPolicy(
                self,
                "ChatbotGuardrail",
                description="Slack channels of the security baseline may run no command",
                statements=[
                    iam.PolicyStatement(effect=iam.Effect.DENY, actions=["*"], resources=["*"])
                ],
            )
        name = (
            channel.name
            or cdk.Names.unique_resource_name(self, max_length=120, separator="-") + f"-{index}"
        )
        configuration = chatbot.SlackChannelConfiguration(
            self,
            f"Slack{index}",
            slack_channel_configuration_name=name,
            slack_workspace_id=channel.workspace_id,
            slack_channel_id=channel.channel_id,
            notification_topics=[self.alarm_topic],
            logging_level=chatbot.LoggingLevel.ERROR,
            guardrail_policies=[self._chatbot_guardrail],
        )
        # Whoever is paged stays subscribed, and the deny-all guardrail stays (SC-PIN-1).
        pin(
            configuration,
            present=("GuardrailPolicies", "SnsTopicArns"),
        )
        return configuration

    def _build_trail(self, options: TrailOptions) -> None:
        stack = cdk.Stack.of(self)
        key = self.encryption_key
        self.trail_key = key
        name = options.trail_name or _generated_trail_name(self)
        # The ARN the trail will have: the key and bucket policies cannot reference the
        # trail itself (the trail references both, which would be a cycle).
        trail_arn = stack.format_arn(service="cloudtrail", resource="trail", resource_name=name)
        _allow_cloudtrail(key, trail_arn)

        lifecycle = (
            [s3.LifecycleRule(id="ExpireTrailLogFiles", expiration=options.log_file_retention)]
            if options.log_file_retention is not None
            else []
        )
        self.trail_bucket = SecureBucket(
            self,
            "TrailBucket",
            encryption_key=key,
            lifecycle_rules=lifecycle,
            removal_policy=self._removal_policy,
        )
        bucket = self.trail_bucket.bucket
        if options.object_lock_mode is not None and options.object_lock_retention is not None:
            _object_lock(bucket, options.object_lock_mode, options.object_lock_retention)

        self.trail_log_group = encrypted_log_group(
            self,
            "TrailLogGroup",
            encryption_key=key,
            retention=options.log_retention,
            removal_policy=self._removal_policy,
        )
        self.trail_logs_role = ManagedPolicyRole(
            self,
            "TrailLogsRole",
            assumed_by=iam.ServicePrincipal(
                "cloudtrail.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceArn": trail_arn}},
            ),
            description=f"Lets the trail of {self.node.path} write to its log group",
        )
        # Only this trail may assume it: the aws:SourceArn condition stays (SC-PIN-1).
        pin(self.trail_logs_role, present=("AssumeRolePolicyDocument.Statement.0.Condition",))
        self.trail_logs_role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="DeliverTrailEvents",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                # CloudTrail names one stream per source region: <account>_CloudTrail_<region>.
                resources=[
                    stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name=f"{self.trail_log_group.log_group_name}:log-stream:"
                        f"{stack.account}_CloudTrail_*",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            )
        )
        # cdk-nag renders the finding with pseudo parameters in angle brackets.
        account = "<AWS::AccountId>" if is_token(stack.account) else stack.account
        region = "<AWS::Region>" if is_token(stack.region) else stack.region
        accept_cdk_nag(
            cfn_resource(self.trail_logs_role.policy),
            [
                f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:{region}:"
                f"{account}:log-group:<{stack.get_logical_id(cfn_resource(self.trail_log_group))}>"
                f":log-stream:{account}_CloudTrail_*]"
            ],
            _TRAIL_STREAMS_REASON,
        )

        _allow_cloudtrail_delivery(bucket, trail_arn)
        self.trail = aws_cloudtrail.Trail(
            self,
            "Trail",
            trail_name=name,
            # A reference, not the bucket: the L2 would add its own statements to the
            # bucket policy, without aws:SourceArn (a reference has no policy to change).
            bucket=s3.Bucket.from_bucket_attributes(
                self,
                "TrailBucketReference",
                bucket_arn=bucket.bucket_arn,
                bucket_name=bucket.bucket_name,
            ),
            encryption_key=key,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_file_validation=True,
            management_events=aws_cloudtrail.ReadWriteType.ALL,
            send_to_cloud_watch_logs=False,
            insight_types=(
                [
                    aws_cloudtrail.InsightType.API_CALL_RATE,
                    aws_cloudtrail.InsightType.API_ERROR_RATE,
                ]
                if options.insights
                else None
            ),
        )
        if options.s3_data_events:
            self.trail.log_all_s3_data_events()
        if options.lambda_data_events:
            self.trail.log_all_lambda_data_events()
        cfn_trail = self.trail.node.default_child
        assert isinstance(cfn_trail, aws_cloudtrail.CfnTrail)  # noqa: S101 - CDK always makes it
        # CloudWatch Logs delivery through our role (one customer-managed policy), not the
        # L2's LogsRole with an inline policy.
        cfn_trail.cloud_watch_logs_log_group_arn = self.trail_log_group.log_group_arn
        cfn_trail.cloud_watch_logs_role_arn = self.trail_logs_role.role_arn
        cfn_trail.add_resource_dependency(cfn_resource(self.trail_logs_role.policy))
        if self.trail_bucket.bucket.policy is not None:
            cfn_trail.add_resource_dependency(cfn_resource(self.trail_bucket.bucket.policy))
            enforce_rules(self.trail_bucket.bucket.policy, "SC-IAM-4")

        if options.alarms:
            self._build_alarms(self.trail_log_group)

    def _build_alarms(self, log_group: logs.ILogGroup) -> None:
        action = cloudwatch_actions.SnsAction(self.alarm_topic)
        scope = Construct(self, "Alarms")
        for spec in defaults.ACCOUNT_ALARMS:
            metric_filter = logs.MetricFilter(
                scope,
                f"{spec.id}Filter",
                log_group=log_group,
                filter_name=None,
                filter_pattern=logs.FilterPattern.literal(spec.pattern),
                metric_namespace=defaults.METRIC_NAMESPACE,
                metric_name=spec.id,
                metric_value="1",
                default_value=0,
            )
            alarm = cloudwatch.Alarm(
                scope,
                spec.id,
                alarm_description=f"{spec.description} Security Hub {spec.control}.",
                metric=metric_filter.metric(statistic="Sum", period=cdk.Duration.minutes(5)),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                actions_enabled=True,
            )
            alarm.add_alarm_action(action)
            enforce_rules(alarm, "SC-CW-1")
            pin(alarm, pinned={"ActionsEnabled": True}, present=("AlarmActions",))
            self.metric_filters[spec.id] = metric_filter
            self.alarms[spec.id] = alarm

    def _build_detector(self, options: GuardDutyOptions) -> aws_guardduty.CfnDetector:
        features = []
        for option, name in defaults.GUARDDUTY_FEATURES.items():
            on = getattr(options, option)
            extra = (
                [
                    aws_guardduty.CfnDetector.CFNFeatureAdditionalConfigurationProperty(
                        name=agent, status="ENABLED" if on else "DISABLED"
                    )
                    for agent in defaults.RUNTIME_MONITORING_AGENTS
                ]
                if name == "RUNTIME_MONITORING"
                else None
            )
            features.append(
                aws_guardduty.CfnDetector.CFNFeatureConfigurationProperty(
                    name=name,
                    status="ENABLED" if on else "DISABLED",
                    additional_configuration=extra,
                )
            )
        detector = aws_guardduty.CfnDetector(
            self,
            "Detector",
            enable=True,
            finding_publishing_frequency=options.finding_publishing_frequency,
            features=features,
        )
        # The protection plans chosen stay as chosen (SC-GUARDDUTY-1 only asks for Enable),
        # and findings are published as often as asked.
        pinned: dict[str, Any] = {
            path: value
            for i, feature in enumerate(features)
            if feature.status == "ENABLED"
            for path, value in (
                (f"Features.{i}.Name", feature.name),
                (f"Features.{i}.Status", "ENABLED"),
                # With the feature on, so is each of its agents (RUNTIME_MONITORING).
                *(
                    (f"Features.{i}.AdditionalConfiguration.{j}.Status", "ENABLED")
                    for j in range(
                        len(defaults.RUNTIME_MONITORING_AGENTS)
                        if feature.name == "RUNTIME_MONITORING"
                        else 0
                    )
                ),
            )
        }
        if options.finding_publishing_frequency is not None:
            pinned["FindingPublishingFrequency"] = options.finding_publishing_frequency
        pin(detector, pinned=pinned)
        return detector

    def _build_security_hub(self, options: SecurityHubOptions) -> None:
        hub = securityhub.CfnHub(
            self,
            "SecurityHub",
            # Standards are explicit below (the default would add CIS 1.2, superseded).
            enable_default_standards=False,
            control_finding_generator="SECURITY_CONTROL",
            auto_enable_controls=True,
        )
        self.security_hub = hub
        wanted = []
        if options.fsbp:
            wanted.append(("Fsbp", defaults.fsbp_standard_arn()))
        if options.cis:
            wanted.append(("Cis", defaults.cis_standard_arn(options.cis_version)))
        for name, arn in wanted:
            standard = securityhub.CfnStandard(self, f"{name}Standard", standards_arn=arn)
            standard.add_resource_dependency(hub)
            self.standards[name.lower()] = standard

    def _build_config(self, options: ConfigOptions) -> None:
        stack = cdk.Stack.of(self)
        scope = Construct(self, "Config")
        slr_arn = stack.format_arn(
            service="iam",
            region="",
            resource="role",
            resource_name="aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
        )
        recorder = aws_config.CfnConfigurationRecorder(
            scope,
            "Recorder",
            role_arn=slr_arn,
            recording_group=aws_config.CfnConfigurationRecorder.RecordingGroupProperty(
                all_supported=True, include_global_resource_types=True
            ),
            recording_mode=aws_config.CfnConfigurationRecorder.RecordingModeProperty(
                recording_frequency="CONTINUOUS"
            ),
        )
        if options.create_service_linked_role:
            slr = iam.CfnServiceLinkedRole(
                scope, "ServiceLinkedRole", aws_service_name="config.amazonaws.com"
            )
            recorder.add_resource_dependency(slr)
        self.config_recorder = recorder

        bucket: s3.IBucket
        key_arn: str | None = None
        if options.delivery_bucket is None:
            self.config_bucket = SecureBucket(
                scope,
                "Bucket",
                encryption_key=self.encryption_key,
                removal_policy=self._removal_policy,
            )
            bucket = self.config_bucket.bucket
            key_arn = self.encryption_key.key_arn
            _allow_config(self.encryption_key, bucket, options.delivery_prefix)
            if bucket.policy is not None:
                enforce_rules(bucket.policy, "SC-IAM-4")
        else:
            bucket = options.delivery_bucket
        channel = aws_config.CfnDeliveryChannel(
            scope,
            "DeliveryChannel",
            s3_bucket_name=bucket.bucket_name,
            s3_key_prefix=options.delivery_prefix,
            s3_kms_key_arn=key_arn,
            config_snapshot_delivery_properties=aws_config.CfnDeliveryChannel.ConfigSnapshotDeliveryPropertiesProperty(
                delivery_frequency="TwentyFour_Hours"
            ),
        )
        if bucket.policy is not None and options.delivery_bucket is None:
            channel.add_resource_dependency(cfn_resource(bucket.policy))
        # CloudFormation starts the recorder once the channel exists.
        channel.add_resource_dependency(recorder)
        self.config_delivery_channel = channel

    def _build_findings_rules(self) -> dict[str, events.Rule]:
        """GuardDuty (severity 7+) and Security Hub (new CRITICAL/HIGH) findings to the topic."""
        made = {}
        for name, spec, what in (
            (
                "GuardDutyFindings",
                defaults.GUARDDUTY_FINDINGS_PATTERN,
                "GuardDuty findings of severity 7 (high) or more",
            ),
            (
                "SecurityHubFindings",
                defaults.SECURITY_HUB_FINDINGS_PATTERN,
                "New, active CRITICAL and HIGH Security Hub findings",
            ),
        ):
            rule = events.Rule(
                self,
                f"{name}Rule",
                description=f"{what} to the security baseline's alarm topic",
                event_pattern=events.EventPattern(
                    source=spec["source"],
                    detail_type=spec["detail-type"],
                    detail=spec["detail"],
                ),
            )
            rule.add_target(targets.SnsTopic(self.alarm_topic))
            made[name] = rule
        return made

    def _build_account_settings(
        self,
        *,
        public_access_block: bool,
        ebs_default_encryption: bool,
        password_policy: PasswordPolicyOptions | None,
    ) -> None:
        calls: list[tuple[str, str, str, str, dict[str, object]]] = []
        account = cdk.Stack.of(self).account
        if public_access_block:
            calls.append(
                (
                    "AccountPublicAccessBlock",
                    "S3Control",
                    "putPublicAccessBlock",
                    "s3:PutAccountPublicAccessBlock",
                    {
                        "AccountId": account,
                        "PublicAccessBlockConfiguration": dict(
                            defaults.ACCOUNT_PUBLIC_ACCESS_BLOCK
                        ),
                    },
                )
            )
        if ebs_default_encryption:
            calls.append(
                (
                    "EbsDefaultEncryption",
                    "EC2",
                    "enableEbsEncryptionByDefault",
                    "ec2:EnableEbsEncryptionByDefault",
                    {},
                )
            )
        if password_policy is not None:
            calls.append(
                (
                    "PasswordPolicy",
                    "IAM",
                    "updateAccountPasswordPolicy",
                    "iam:UpdateAccountPasswordPolicy",
                    _password_policy_parameters(password_policy),
                )
            )
        if not calls:
            return
        stack = cdk.Stack.of(self)
        if stack.node.try_find_child(_PROVIDER_ID) is not None:
            raise_if_any(
                where("SecurityBaseline", self.node.scope, self.node.id),
                [
                    Issue(
                        _COMBINATION,
                        "account_public_access_block",
                        "the stack already has CDK's AwsCustomResource provider function, "
                        "which would run the account settings with another construct's role.",
                        "create the SecurityBaseline before any other AwsCustomResource of "
                        "the stack, or put it in a stack of its own.",
                    )
                ],
            )
        scope = Construct(self, "AccountSettings")
        role = ManagedPolicyRole(
            scope,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Applies the account settings of {self.node.path}",
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="ApplyAccountSettings",
                actions=[permission for _, _, _, permission, _ in calls],
                resources=["*"],
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="Tracing",
                actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                resources=["*"],
            )
        )
        log_group = encrypted_log_group(
            scope,
            "LogGroup",
            encryption_key=self.encryption_key,
            removal_policy=self._removal_policy,
        )
        log_group.grant_write(role)
        self.account_settings_role = role
        self.account_settings_log_group = log_group
        made: dict[str, cr.AwsCustomResource] = {}
        for construct_id, service, action, _permission, parameters in calls:
            self._account_calls[construct_id] = {
                "service": service,
                "action": action,
                "parameters": parameters,
            }
            call = cr.AwsSdkCall(
                service=service,
                action=action,
                parameters=parameters or None,
                physical_resource_id=cr.PhysicalResourceId.of(f"{construct_id}-{account}"),
            )
            resource = cr.AwsCustomResource(
                scope,
                construct_id,
                on_create=call,
                on_update=call,
                role=role,
                log_group=log_group,
                install_latest_aws_sdk=False,
                timeout=cdk.Duration.minutes(2),
            )
            resource.node.add_dependency(role.policy)
            made[construct_id] = resource
        self.account_public_access_block = made.get("AccountPublicAccessBlock")
        self.ebs_default_encryption = made.get("EbsDefaultEncryption")
        self.password_policy = made.get("PasswordPolicy")
        self._harden_provider(role)

    def _harden_provider(self, role: ManagedPolicyRole) -> None:
        """Trace CDK's provider function and say why the scanners' other asks do not apply."""
        provider = cdk.Stack.of(self).node.find_child(_PROVIDER_ID)
        assert isinstance(provider, lambda_.Function)  # noqa: S101 - CDK's SingletonFunction
        function = cfn_resource(provider)
        assert isinstance(function, lambda_.CfnFunction)  # noqa: S101
        function.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")
        enforce_rules(provider, "SC-LAMBDA-6")
        accept_cdk_nag(
            function,
            [f"{pack}-LambdaConcurrency" for pack in _CONCURRENCY_PACKS],
            _PROVIDER_CONCURRENCY_REASON,
        )
        accept_cdk_nag(
            function,
            [f"{pack}-LambdaInsideVPC" for pack in COMPLIANCE_PACKS],
            _PROVIDER_VPC_REASON,
        )
        accept_cdk_nag(
            function, [f"{pack}-LambdaDLQ" for pack in _CONCURRENCY_PACKS], _PROVIDER_DLQ_REASON
        )
        accept_checkov(function, ["CKV_AWS_115"], _PROVIDER_CONCURRENCY_REASON)
        accept_checkov(function, ["CKV_AWS_117"], _PROVIDER_VPC_REASON)
        accept_checkov(function, ["CKV_AWS_116"], _PROVIDER_DLQ_REASON)
        # cfn-lint W3005: CDK makes the provider depend on its role, which the Role GetAtt
        # already orders; a redundant ordering, not a risk.
        ignore_cfn_lint(function, ["W3005"])
        accept_cdk_nag(
            cfn_resource(role.policy),
            ["AwsSolutions-IAM5[Resource::*]"],
            _ACCOUNT_API_WILDCARD_REASON,
        )

    def _pin_parts(self, trail: TrailOptions | None) -> None:
        """What no general rule guards (SC-PIN-1): each part stays as built, and together.

        The trail keeps recording global, read and write management events (and the data
        events and insights asked for) and its CIS metric filters and alarms; the detector
        its publishing frequency and findings rule; Security Hub its controls, standards
        and findings rule; the Config recorder every resource type continuously, and its
        delivery channel encrypted. Deleting a companion is reported on the part it served.
        """
        rules = {name: cfn_resource(rule) for name, rule in self.findings_rules.items()}
        if self.trail is not None and trail is not None:
            selectors: dict[str, Any] = {
                "IncludeGlobalServiceEvents": True,
                "EventSelectors.0.IncludeManagementEvents": True,
                "EventSelectors.0.ReadWriteType": "All",
            }
            # CDK appends the data-event selectors after the management one, in call order.
            data = [
                kind
                for kind, wanted in (
                    ("AWS::S3::Object", trail.s3_data_events),
                    ("AWS::Lambda::Function", trail.lambda_data_events),
                )
                if wanted
            ]
            for i, kind in enumerate(data, start=1):
                selectors[f"EventSelectors.{i}.DataResources.0.Type"] = kind
            companions: dict[str, cdk.CfnResource] = {}
            for name, metric_filter in self.metric_filters.items():
                companions[f"{name}Filter"] = cfn_resource(metric_filter)
                companions[f"{name}Alarm"] = cfn_resource(self.alarms[name])
            pin(
                self.trail,
                pinned=selectors,
                present=("InsightSelectors",) if trail.insights else (),
                companions=companions,
            )
            for spec in defaults.ACCOUNT_ALARMS:
                if spec.id in self.metric_filters:
                    pin(self.metric_filters[spec.id], pinned={"FilterPattern": spec.pattern})
        if self.detector is not None and rules:
            pin(self.detector, companions={"FindingsRule": rules["GuardDutyFindings"]})
            pin(rules["GuardDutyFindings"], companions={"Detector": self.detector})
        if self.security_hub is not None:
            hub_companions: dict[str, cdk.CfnResource] = {
                f"{name.capitalize()}Standard": standard
                for name, standard in self.standards.items()
            }
            if rules:
                hub_companions["FindingsRule"] = rules["SecurityHubFindings"]
                pin(rules["SecurityHubFindings"], companions={"SecurityHub": self.security_hub})
            pin(
                self.security_hub,
                pinned={"AutoEnableControls": True},
                companions=hub_companions,
            )
            # A warning rule elsewhere; here the construct enabled FSBP (or chose not to).
            if "fsbp" in self.standards:
                enforce_rules(self.security_hub, "SC-SECURITYHUB-1")
        for rule in rules.values():
            pin(rule, pinned={"State": "ENABLED"}, present=("Targets",))
        if self.config_recorder is not None and self.config_delivery_channel is not None:
            pin(
                self.config_recorder,
                pinned={
                    "RecordingGroup.AllSupported": True,
                    "RecordingGroup.IncludeGlobalResourceTypes": True,
                    "RecordingMode.RecordingFrequency": "CONTINUOUS",
                },
                companions={"DeliveryChannel": self.config_delivery_channel},
            )
            enforce_rules(self.config_recorder, "SC-CONFIG-1")
            pin(
                self.config_delivery_channel,
                present=("S3KmsKeyArn",) if self.config_bucket is not None else (),
                companions={"Recorder": self.config_recorder},
            )

    def _pin_account_parts(self) -> None:
        """Every part built stays in the template, each account setting making its call.

        The analyzer and the account settings protect no resource of the baseline, so they
        are companions of its alarm topic, the one resource every baseline has; the trail,
        detector, hub and recorder too (each is also pinned above). Deleting one, or
        rewriting an account setting's SDK call, is an SC-PIN-1 error on the topic; parts
        switched off by option are not built and not listed (``disabled_parts``).
        """
        built: dict[str, Construct | None] = {
            "Trail": self.trail,
            "GuardDutyDetector": self.detector,
            "SecurityHub": self.security_hub,
            "AccessAnalyzer": self.analyzer,
            "ConfigRecorder": self.config_recorder,
            "ConfigDeliveryChannel": self.config_delivery_channel,
            "AccountPublicAccessBlock": self.account_public_access_block,
            "EbsDefaultEncryption": self.ebs_default_encryption,
            "PasswordPolicy": self.password_policy,
        }
        parts = {
            name: cfn_resource(
                part.node.find_child("Resource") if name in self._account_calls else part
            )
            for name, part in built.items()
            if part is not None
        }
        pin(self.alarm_secure_topic.topic, companions=parts, companion_calls=self._account_calls)

    def _record_disabled_parts(self) -> None:
        self.node.add_metadata(DISABLED_PARTS_METADATA, list(self.disabled_parts))
        if self.disabled_parts:
            cdk.Annotations.of(self).add_info(
                "SecurityBaseline parts switched off (provided elsewhere, or not wanted): "
                + ", ".join(self.disabled_parts)
                + ". The baseline does not cover them."
            )


# -- helpers -------------------------------------------------------------------------------------

#: The construct id of CDK's AwsCustomResource provider (a SingletonFunction, one per stack).
_PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287"


def _generated_trail_name(scope: Construct) -> str:
    return cdk.Names.unique_resource_name(scope, max_length=120, separator="-") + "-trail"


def _allow_cloudtrail(key: kms.IKey, trail_arn: str) -> None:
    """The key policy statements CloudTrail documents, pinned to this trail and account."""
    stack = cdk.Stack.of(key)
    principal = iam.ServicePrincipal("cloudtrail.amazonaws.com")
    context = f"arn:{cdk.Aws.PARTITION}:cloudtrail:*:{stack.account}:trail/*"
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudTrailToEncryptLogs",
            principals=[principal],
            actions=["kms:GenerateDataKey*"],
            resources=["*"],
            conditions={
                "StringEquals": {"aws:SourceArn": trail_arn},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": context},
            },
        ),
        allow_no_op=True,
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudTrailToDescribeKey",
            principals=[principal],
            actions=["kms:DescribeKey"],
            resources=["*"],
            conditions={"StringEquals": {"aws:SourceArn": trail_arn}},
        ),
        allow_no_op=True,
    )


def _allow_cloudtrail_delivery(bucket: s3.IBucket, trail_arn: str) -> None:
    """The bucket policy statements CloudTrail documents, for this trail only."""
    stack = cdk.Stack.of(bucket)
    principal = iam.ServicePrincipal("cloudtrail.amazonaws.com")
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AWSCloudTrailAclCheck",
            principals=[principal],
            actions=["s3:GetBucketAcl"],
            resources=[bucket.bucket_arn],
            conditions={"StringEquals": {"aws:SourceArn": trail_arn}},
        )
    )
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AWSCloudTrailWrite",
            principals=[principal],
            actions=["s3:PutObject"],
            resources=[bucket.arn_for_objects(f"AWSLogs/{stack.account}/*")],
            conditions={
                "StringEquals": {
                    "aws:SourceArn": trail_arn,
                    "s3:x-amz-acl": "bucket-owner-full-control",
                }
            },
        )
    )


def _allow_config(key: kms.IKey, bucket: s3.IBucket, prefix: str | None) -> None:
    """The bucket and key policy statements AWS Config documents, for this account."""
    stack = cdk.Stack.of(bucket)
    principal = iam.ServicePrincipal("config.amazonaws.com")
    source = {"StringEquals": {"aws:SourceAccount": stack.account}}
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AWSConfigBucketPermissionsCheck",
            principals=[principal],
            actions=["s3:GetBucketAcl", "s3:ListBucket"],
            resources=[bucket.bucket_arn],
            conditions=source,
        )
    )
    path = f"{prefix}/" if prefix else ""
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AWSConfigBucketDelivery",
            principals=[principal],
            actions=["s3:PutObject"],
            resources=[bucket.arn_for_objects(f"{path}AWSLogs/{stack.account}/Config/*")],
            conditions={
                "StringEquals": {
                    "aws:SourceAccount": stack.account,
                    "s3:x-amz-acl": "bucket-owner-full-control",
                }
            },
        )
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowConfigToEncryptSnapshots",
            principals=[principal],
            actions=["kms:Decrypt", "kms:GenerateDataKey"],
            resources=["*"],
            conditions=source,
        ),
        allow_no_op=True,
    )


def _object_lock(bucket: s3.Bucket, mode: str, retention: cdk.Duration) -> None:
    cfn = cfn_resource(bucket)
    assert isinstance(cfn, s3.CfnBucket)  # noqa: S101
    cfn.object_lock_enabled = True
    cfn.object_lock_configuration = s3.CfnBucket.ObjectLockConfigurationProperty(
        object_lock_enabled="Enabled",
        rule=s3.CfnBucket.ObjectLockRuleProperty(
            default_retention=s3.CfnBucket.DefaultRetentionProperty(
                mode=mode, days=int(retention.to_days())
            )
        ),
    )


def _password_policy_parameters(options: PasswordPolicyOptions) -> dict[str, object]:
    return {
        "MinimumPasswordLength": options.minimum_password_length,
        "RequireSymbols": options.require_symbols,
        "RequireNumbers": options.require_numbers,
        "RequireUppercaseCharacters": options.require_uppercase_characters,
        "RequireLowercaseCharacters": options.require_lowercase_characters,
        "AllowUsersToChangePassword": options.allow_users_to_change_password,
        "MaxPasswordAge": options.max_password_age,
        "PasswordReusePrevention": options.password_reuse_prevention,
        "HardExpiry": options.hard_expiry,
    }


# -- validation ----------------------------------------------------------------------------------


def _part(checks: Checks, prop: str, value: object, kind: type, default: object) -> object | None:
    """``True`` -> the default options, an options object -> itself, ``False`` -> None."""
    if value is True:
        return default
    if value is False:
        return None
    if isinstance(value, kind):
        return value
    checks.wrong(
        prop,
        value,
        f"True, False or a {kind.__name__}",
        f"pass {prop}=True (the defaults), {prop}=False (switched off: the organization "
        f"provides it) or {prop}={kind.__name__}(...).",
    )
    return None


def _slack_channel_ok(channel: SlackChannel) -> bool:
    def fits(value: object, pattern: re.Pattern[str]) -> bool:
        return isinstance(value, str) and (is_token(value) or bool(pattern.match(value)))

    return (
        fits(channel.workspace_id, _SLACK_WORKSPACE)
        and fits(channel.channel_id, _SLACK_CHANNEL)
        and (channel.name is None or fits(channel.name, _CHATBOT_NAME))
    )


def _validate(
    scope: object,
    construct_id: object,
    *,
    cloudtrail: object,
    guardduty: object,
    security_hub: object,
    access_analyzer: object,
    config: object,
    account_public_access_block: object,
    ebs_default_encryption: object,
    password_policy: object,
    findings_to_topic: object,
    alarm_emails: object,
    alarm_https_endpoints: object,
    alarm_slack_channels: object,
    encryption_key: object,
    removal_policy: object,
) -> _Parts:
    checks = Checks(_TYPE)
    checks.scope(scope, construct_id)
    trail = _part(checks, "cloudtrail", cloudtrail, TrailOptions, TrailOptions())
    detector = _part(checks, "guardduty", guardduty, GuardDutyOptions, GuardDutyOptions())
    hub = _part(checks, "security_hub", security_hub, SecurityHubOptions, SecurityHubOptions())
    recorder = _part(checks, "config", config, ConfigOptions, ConfigOptions())
    passwords = _part(
        checks, "password_policy", password_policy, PasswordPolicyOptions, PasswordPolicyOptions()
    )
    flags: dict[str, bool] = {}
    for name, value in (
        ("access_analyzer", access_analyzer),
        ("account_public_access_block", account_public_access_block),
        ("ebs_default_encryption", ebs_default_encryption),
        ("findings_to_topic", findings_to_topic),
    ):
        if checks.boolean(name, value):
            flags[name] = bool(value)
    checks.items(
        "alarm_emails",
        alarm_emails,
        lambda e: isinstance(e, str) and (is_token(e) or bool(_EMAIL.match(e))),
        "e-mail addresses (str)",
        "pass e.g. alarm_emails=['security@example.com'].",
    )
    checks.items(
        "alarm_https_endpoints",
        alarm_https_endpoints,
        lambda u: isinstance(u, str) and (is_token(u) or u.startswith("https://")),
        "https:// URLs (str)",
        "pass HTTPS endpoints only (SNS would deliver alarms in clear text over http://).",
    )
    checks.items(
        "alarm_slack_channels",
        alarm_slack_channels,
        lambda c: isinstance(c, SlackChannel) and _slack_channel_ok(c),
        "SlackChannel(workspace_id='T...', channel_id='C...')",
        "pass e.g. alarm_slack_channels=[SlackChannel(workspace_id='T0123ABCD', "
        "channel_id='C0456EFGH')] (upper-case Slack ids; a name of letters, digits, - and _).",
    )
    checks.kms_key("encryption_key", encryption_key)
    checks.removal_policy(
        "removal_policy",
        removal_policy,
        snapshot_code=_RANGE,
        kinds="KMS keys, buckets and log groups",
    )
    if isinstance(trail, TrailOptions):
        _trail_checks(checks, trail)
    if isinstance(detector, GuardDutyOptions):
        _detector_checks(checks, detector)
    if isinstance(hub, SecurityHubOptions):
        _hub_checks(checks, hub)
    if isinstance(recorder, ConfigOptions):
        _config_checks(checks, recorder)
    if isinstance(passwords, PasswordPolicyOptions):
        _password_checks(checks, passwords)
    raise_if_any(where("SecurityBaseline", scope, construct_id), checks.issues)
    return _Parts(
        trail=trail if isinstance(trail, TrailOptions) else None,
        guardduty=detector if isinstance(detector, GuardDutyOptions) else None,
        security_hub=hub if isinstance(hub, SecurityHubOptions) else None,
        config=recorder if isinstance(recorder, ConfigOptions) else None,
        password_policy=passwords if isinstance(passwords, PasswordPolicyOptions) else None,
        flags=flags,
    )


def _trail_checks(checks: Checks, options: TrailOptions) -> None:
    prop = "cloudtrail"
    name = options.trail_name
    if name is not None and (
        not isinstance(name, str) or (not is_token(name) and not _TRAIL_NAME.match(name))
    ):
        checks.add(
            _RANGE,
            f"{prop}.trail_name",
            f"{name!r} is not a CloudTrail trail name.",
            "use 3-128 letters, digits, '.', '_' and '-', starting with a letter or digit, "
            "or omit it.",
        )
    for flag in ("s3_data_events", "lambda_data_events", "insights", "alarms"):
        checks.boolean(f"{prop}.{flag}", getattr(options, flag))
    least = DEFAULT_THRESHOLDS.audit_log_retention_days
    retention = options.log_retention
    if checks.member(f"{prop}.log_retention", retention, logs.RetentionDays):
        days = RETENTION_DAYS.get(retention.name)
        if days is None or days < least:
            checks.add(
                _RANGE,
                f"{prop}.log_retention",
                f"RetentionDays.{retention.name} "
                + (
                    "keeps the trail's logs forever (guardrail SC-LOGS-2)"
                    if days is None
                    else f"keeps the trail's logs {days} days, fewer than the {least} days "
                    "audit logs are kept"
                )
                + ".",
                f"pick at least {least} days, e.g. RetentionDays.ONE_YEAR (default).",
            )
    expiry = options.log_file_retention
    if checks.duration(f"{prop}.log_file_retention", expiry, optional=True) and expiry is not None:
        days_f = expiry.to_days(integral=False)
        if days_f < least or days_f != int(days_f):
            checks.add(
                _RANGE,
                f"{prop}.log_file_retention",
                f"{expiry.to_human_string()} is not a whole number of days of at least {least} "
                "(guardrail SC-S3-12).",
                f"pass at least Duration.days({least}), or None to keep the log files.",
            )
    mode, lock = options.object_lock_mode, options.object_lock_retention
    if (mode is None) != (lock is None):
        checks.add(
            _COMBINATION,
            f"{prop}.object_lock_mode",
            "object_lock_mode and object_lock_retention go together; only one was given.",
            "pass both (e.g. 'GOVERNANCE' and Duration.days(365)), or neither.",
        )
    if mode is not None and mode not in _OBJECT_LOCK_MODES:
        checks.add(
            _RANGE,
            f"{prop}.object_lock_mode",
            f"{mode!r} is not an S3 Object Lock mode.",
            "pass 'GOVERNANCE' or 'COMPLIANCE'.",
        )
    if lock is not None:
        if not isinstance(lock, cdk.Duration):
            checks.wrong(
                f"{prop}.object_lock_retention",
                lock,
                "a cdk.Duration",
                "pass e.g. Duration.days(365).",
            )
        else:
            days_f = lock.to_days(integral=False)
            if days_f < 1 or days_f != int(days_f):
                checks.add(
                    _RANGE,
                    f"{prop}.object_lock_retention",
                    f"{lock.to_human_string()} is not a whole number of days of at least 1.",
                    "pass e.g. Duration.days(365).",
                )


def _detector_checks(checks: Checks, options: GuardDutyOptions) -> None:
    for option in defaults.GUARDDUTY_FEATURES:
        checks.boolean(f"guardduty.{option}", getattr(options, option))
    frequency = options.finding_publishing_frequency
    if frequency not in ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"):
        checks.add(
            _RANGE,
            "guardduty.finding_publishing_frequency",
            f"{frequency!r} is not a GuardDuty publishing frequency.",
            "pass 'FIFTEEN_MINUTES' (default), 'ONE_HOUR' or 'SIX_HOURS'.",
        )


def _hub_checks(checks: Checks, options: SecurityHubOptions) -> None:
    checks.boolean("security_hub.fsbp", options.fsbp)
    checks.boolean("security_hub.cis", options.cis)
    if options.cis_version not in defaults.CIS_VERSIONS:
        checks.add(
            _RANGE,
            "security_hub.cis_version",
            f"{options.cis_version!r} is not a CIS AWS Foundations Benchmark version "
            "Security Hub offers.",
            f"pass one of {', '.join(defaults.CIS_VERSIONS)}.",
        )
    if options.fsbp is False and options.cis is False:
        checks.add(
            _COMBINATION,
            "security_hub",
            "SecurityHubOptions(fsbp=False, cis=False) runs a hub without any standard.",
            "keep fsbp=True, or pass security_hub=False if the organization runs Security Hub.",
        )


def _config_checks(checks: Checks, options: ConfigOptions) -> None:
    checks.interface(
        "config.delivery_bucket",
        options.delivery_bucket,
        ("bucket_name", "add_to_resource_policy"),
        "an s3.IBucket",
        "pass an s3.Bucket (or s3.Bucket.from_bucket_name(...)), or omit it.",
        optional=True,
    )
    prefix = options.delivery_prefix
    if (
        checks.string("config.delivery_prefix", prefix, optional=True)
        and isinstance(prefix, str)
        and not is_token(prefix)
        and (prefix.startswith("/") or prefix.endswith("/") or "AWSLogs" in prefix)
    ):
        checks.add(
            _RANGE,
            "config.delivery_prefix",
            f"{prefix!r} starts or ends with '/' or contains 'AWSLogs', which AWS Config rejects.",
            "pass e.g. 'config', or omit it.",
        )
    checks.boolean("config.create_service_linked_role", options.create_service_linked_role)


def _password_checks(checks: Checks, options: PasswordPolicyOptions) -> None:
    for flag in (
        "require_symbols",
        "require_numbers",
        "require_uppercase_characters",
        "require_lowercase_characters",
        "allow_users_to_change_password",
        "hard_expiry",
    ):
        checks.boolean(f"password_policy.{flag}", getattr(options, flag))
    for name, low, high, why in (
        ("minimum_password_length", 14, 128, "CIS 1.8 and FSBP IAM.15 ask for 14 or more"),
        ("max_password_age", 1, 1095, "IAM allows 1 to 1095 days"),
        ("password_reuse_prevention", 24, 24, "CIS 1.9 and FSBP IAM.16 ask for 24, IAM's maximum"),
    ):
        value = getattr(options, name)
        prop = f"password_policy.{name}"
        if not checks.integer(prop, value):
            continue
        number = literal_int(value)
        if number is not None and not low <= number <= high:
            checks.add(
                _RANGE,
                prop,
                f"{number} is outside {low} to {high} ({why}).",
                f"pass a value from {low} to {high}.",
            )
