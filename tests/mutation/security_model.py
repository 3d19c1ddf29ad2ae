"""What is security-relevant per CloudFormation resource type, as data.

The mutation suite derives its weakenings from this description and each construct's
synthesized template; nothing here is written per construct. For each type:

* ``properties``: the property paths that matter, each with its pillar and the insecure
  values it may be downgraded to (deleting it is always tried too, unless ``deletable`` is
  false). Paths are ``/``-separated below ``Properties``: ``*`` is every element of a
  list, ``[Key=value]`` the element of a list whose ``Key`` is ``value`` (attribute lists
  such as ``LoadBalancerAttributes``).
* ``policies``: the paths that hold an IAM policy document (widened statement by statement).
* ``stateful``: the type holds data, so ``DeletionPolicy`` / ``UpdateReplacePolicy`` matter.
* ``companion``: the resource exists to protect another (a bucket policy, a WebACL
  association, a rotation schedule, a log group...); removing it is a weakening whose
  finding should name the resource it protected. ``companion`` is that removal's pillar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aspects.model import Pillar

AT_REST = Pillar.AT_REST
IN_TRANSIT = Pillar.IN_TRANSIT
PREVENTION = Pillar.PREVENTION
DETECTION = Pillar.DETECTION

#: A literal password (what a leaked secret in a template looks like).
LITERAL_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - the insecure value under test
WORLD_V4 = "0.0.0.0/0"
#: An AwsCustomResource call that changes nothing (an account setting rewritten away).
NO_OP_CALL = '{"service":"STS","action":"getCallerIdentity","physicalResourceId":{"id":"x"}}'


@dataclass(frozen=True)
class Downgrade:
    """An insecure value for a property; ``also_delete`` are sibling keys it replaces."""

    value: Any
    also_delete: tuple[str, ...] = ()
    label: str = ""

    def describe(self) -> str:
        return self.label or _short(self.value)


@dataclass(frozen=True)
class SecurityProperty:
    """A property path that matters, its pillar and how it is weakened."""

    path: str
    pillar: Pillar
    downgrades: tuple[Downgrade, ...] = ()
    deletable: bool = True
    #: Downgrades also apply when the property is absent (e.g. ``PubliclyAccessible``).
    when_absent: bool = False


@dataclass(frozen=True)
class ResourceModel:
    """Everything the suite knows about one resource type."""

    properties: tuple[SecurityProperty, ...] = ()
    policies: tuple[tuple[str, Pillar], ...] = ()
    stateful: bool = False
    companion: Pillar | None = None
    world_open_ingress: bool = False
    notes: str = field(default="", compare=False)


def prop(
    path: str,
    pillar: Pillar,
    *values: Any,
    deletable: bool = True,
    when_absent: bool = False,
) -> SecurityProperty:
    """A property with plain downgrade values (wrap one in :class:`Downgrade` for more)."""
    downgrades = tuple(v if isinstance(v, Downgrade) else Downgrade(v) for v in values)
    return SecurityProperty(path, pillar, downgrades, deletable, when_absent)


def _short(value: Any) -> str:
    import json

    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 40 else text[:37] + "..."


COUNT = {"Count": {}}
_DB_PARAMETERS = (
    # TLS
    prop("Parameters/rds.force_ssl", IN_TRANSIT, "0"),
    prop("Parameters/require_secure_transport", IN_TRANSIT, "OFF"),
    # Connection and audit logging
    prop("Parameters/log_connections", DETECTION, "0"),
    prop("Parameters/log_disconnections", DETECTION, "0"),
    prop("Parameters/server_audit_logging", DETECTION, "0"),
    prop("Parameters/server_audit_events", DETECTION, "QUERY_DML"),
    prop("Parameters/pgaudit.log", DETECTION, "none"),
)
_RDS_COMMON = (
    prop("StorageEncrypted", AT_REST, False),
    prop("KmsKeyId", AT_REST),
    prop("DeletionProtection", AT_REST, False),
    prop("BackupRetentionPeriod", AT_REST, 1),
    prop("DeleteAutomatedBackups", AT_REST, True, deletable=False),
    prop("EnableCloudwatchLogsExports", DETECTION, []),
    prop("EnableIAMDatabaseAuthentication", PREVENTION, False),
    prop(
        "MasterUserPassword",
        AT_REST,
        Downgrade(LITERAL_PASSWORD, label="a literal password"),
        deletable=False,
    ),
    prop("MasterUsername", PREVENTION, "admin", deletable=False),
)
_SG_RULE = (
    prop(
        "SourceSecurityGroupId",
        PREVENTION,
        Downgrade(WORLD_V4, label="CidrIp 0.0.0.0/0"),
        deletable=False,
    ),
    prop("IpProtocol", PREVENTION, "-1", deletable=False),
)
_POLICY_DOCUMENT = (("PolicyDocument", PREVENTION),)

MODEL: Mapping[str, ResourceModel] = {
    # -- S3 -----------------------------------------------------------------------------
    "AWS::S3::Bucket": ResourceModel(
        stateful=True,
        properties=(
            prop(
                "BucketEncryption/ServerSideEncryptionConfiguration/*/ServerSideEncryptionByDefault/SSEAlgorithm",
                AT_REST,
                "AES256",
                deletable=False,
            ),
            prop("BucketEncryption", AT_REST),
            prop("VersioningConfiguration/Status", AT_REST, "Suspended", deletable=False),
            prop("VersioningConfiguration", AT_REST),
            prop("PublicAccessBlockConfiguration", PREVENTION),
            prop("PublicAccessBlockConfiguration/BlockPublicAcls", PREVENTION, False),
            prop("PublicAccessBlockConfiguration/BlockPublicPolicy", PREVENTION, False),
            prop("PublicAccessBlockConfiguration/IgnorePublicAcls", PREVENTION, False),
            prop("PublicAccessBlockConfiguration/RestrictPublicBuckets", PREVENTION, False),
            prop("OwnershipControls", PREVENTION),
            prop(
                "OwnershipControls/Rules/*/ObjectOwnership",
                PREVENTION,
                "ObjectWriter",
                "BucketOwnerPreferred",
                deletable=False,
            ),
            prop(
                "AccessControl",
                PREVENTION,
                "PublicRead",
                "PublicReadWrite",
                "AuthenticatedRead",
                when_absent=True,
            ),
            prop("LoggingConfiguration", DETECTION),
            prop("LifecycleConfiguration/Rules/*/ExpirationInDays", DETECTION, 1, deletable=False),
            prop(
                "LifecycleConfiguration/Rules/*/NoncurrentVersionExpiration/NoncurrentDays",
                DETECTION,
                1,
                deletable=False,
            ),
        ),
    ),
    "AWS::S3::BucketPolicy": ResourceModel(policies=_POLICY_DOCUMENT, companion=IN_TRANSIT),
    # -- KMS, logs, secrets ---------------------------------------------------------------
    "AWS::KMS::Key": ResourceModel(
        stateful=True,
        properties=(prop("EnableKeyRotation", AT_REST, False),),
        policies=(("KeyPolicy", PREVENTION),),
    ),
    "AWS::Logs::LogGroup": ResourceModel(
        stateful=True,
        companion=DETECTION,
        properties=(
            prop("KmsKeyId", AT_REST),
            prop("RetentionInDays", DETECTION, 1, 7),
        ),
    ),
    "AWS::SecretsManager::Secret": ResourceModel(
        stateful=True,
        properties=(
            prop("KmsKeyId", AT_REST),
            prop("GenerateSecretString/PasswordLength", AT_REST, 8, deletable=False),
        ),
    ),
    "AWS::SecretsManager::RotationSchedule": ResourceModel(
        companion=AT_REST,
        properties=(
            prop("RotationRules/ScheduleExpression", AT_REST, "rate(365 days)", deletable=False),
            prop("HostedRotationLambda/KmsKeyArn", AT_REST),
        ),
    ),
    "AWS::SecretsManager::ResourcePolicy": ResourceModel(
        companion=PREVENTION, policies=(("ResourcePolicy", PREVENTION),)
    ),
    # -- Lambda ---------------------------------------------------------------------------
    "AWS::Lambda::Function": ResourceModel(
        properties=(
            prop("KmsKeyArn", AT_REST),
            prop(
                "Environment/Variables/DB_PASSWORD",
                AT_REST,
                Downgrade(LITERAL_PASSWORD, label="a literal password"),
                deletable=False,
                when_absent=True,
            ),
            prop("TracingConfig", DETECTION),
            prop("TracingConfig/Mode", DETECTION, "PassThrough", deletable=False),
            prop("LoggingConfig", DETECTION),
            prop("DeadLetterConfig", DETECTION),
            prop("VpcConfig", PREVENTION),
            prop("Runtime", PREVENTION, "python3.7", "nodejs14.x", deletable=False),
        ),
    ),
    "AWS::Lambda::Url": ResourceModel(properties=(prop("AuthType", PREVENTION, "NONE"),)),
    "AWS::Lambda::Permission": ResourceModel(
        properties=(
            prop("Principal", PREVENTION, "*", deletable=False),
            prop("SourceArn", PREVENTION),
            prop("SourceAccount", PREVENTION),
            prop("FunctionUrlAuthType", PREVENTION, "NONE"),
        )
    ),
    # -- SQS, SNS -------------------------------------------------------------------------
    "AWS::SQS::Queue": ResourceModel(
        stateful=True,
        properties=(
            prop("KmsMasterKeyId", AT_REST),
            prop("SqsManagedSseEnabled", AT_REST, False, when_absent=True, deletable=False),
            prop("MessageRetentionPeriod", DETECTION, 60),
            prop("RedrivePolicy", DETECTION),
        ),
    ),
    "AWS::SQS::QueuePolicy": ResourceModel(policies=_POLICY_DOCUMENT, companion=IN_TRANSIT),
    "AWS::SNS::Topic": ResourceModel(properties=(prop("KmsMasterKeyId", AT_REST),)),
    "AWS::SNS::TopicPolicy": ResourceModel(policies=_POLICY_DOCUMENT, companion=IN_TRANSIT),
    "AWS::SNS::Subscription": ResourceModel(
        companion=DETECTION,
        properties=(prop("Protocol", IN_TRANSIT, "http", deletable=False),),
    ),
    # -- DynamoDB -------------------------------------------------------------------------
    "AWS::DynamoDB::Table": ResourceModel(
        stateful=True,
        properties=(
            prop("SSESpecification", AT_REST),
            # Required in SSESpecification: only its value can change.
            prop("SSESpecification/SSEEnabled", AT_REST, False, deletable=False),
            prop("SSESpecification/KMSMasterKeyId", AT_REST),
            prop("PointInTimeRecoverySpecification", AT_REST),
            prop("PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled", AT_REST, False),
            prop("PointInTimeRecoverySpecification/RecoveryPeriodInDays", AT_REST, 1),
            prop("DeletionProtectionEnabled", AT_REST, False),
        ),
        policies=(("ResourcePolicy/PolicyDocument", PREVENTION),),
    ),
    # -- IAM ------------------------------------------------------------------------------
    "AWS::IAM::Role": ResourceModel(
        policies=(
            ("AssumeRolePolicyDocument", PREVENTION),
            ("Policies/*/PolicyDocument", PREVENTION),
        ),
        properties=(
            prop(
                "ManagedPolicyArns",
                PREVENTION,
                Downgrade(
                    ["arn:aws:iam::aws:policy/AdministratorAccess"], label="AdministratorAccess"
                ),
                deletable=False,
                when_absent=True,
            ),
            prop("PermissionsBoundary", PREVENTION),
        ),
    ),
    "AWS::IAM::Policy": ResourceModel(policies=_POLICY_DOCUMENT),
    "AWS::IAM::ManagedPolicy": ResourceModel(policies=_POLICY_DOCUMENT),
    # -- RDS ------------------------------------------------------------------------------
    "AWS::RDS::DBCluster": ResourceModel(
        stateful=True,
        properties=(
            *_RDS_COMMON,
            prop("DBClusterParameterGroupName", IN_TRANSIT),
            prop("VpcSecurityGroupIds", PREVENTION),
            prop("BacktrackWindow", AT_REST, 0),
        ),
    ),
    "AWS::RDS::DBInstance": ResourceModel(
        stateful=True,
        properties=(
            *_RDS_COMMON,
            prop("PubliclyAccessible", PREVENTION, True, when_absent=True, deletable=False),
            prop("MultiAZ", AT_REST, False),
            prop("AutoMinorVersionUpgrade", PREVENTION, False),
            prop("MonitoringInterval", DETECTION, 0),
            prop("PerformanceInsightsKMSKeyId", AT_REST),
            prop("DBParameterGroupName", IN_TRANSIT),
            prop("VPCSecurityGroups", PREVENTION),
            prop("CACertificateIdentifier", IN_TRANSIT, "rds-ca-2019", deletable=False),
        ),
    ),
    "AWS::RDS::DBClusterParameterGroup": ResourceModel(properties=_DB_PARAMETERS),
    "AWS::RDS::DBParameterGroup": ResourceModel(properties=_DB_PARAMETERS),
    # -- Network --------------------------------------------------------------------------
    "AWS::EC2::SecurityGroup": ResourceModel(
        world_open_ingress=True,
        properties=(
            prop("SecurityGroupEgress", PREVENTION),
            prop("SecurityGroupIngress/*/FromPort", PREVENTION, 0, deletable=False),
        ),
    ),
    "AWS::EC2::SecurityGroupIngress": ResourceModel(properties=_SG_RULE),
    "AWS::EC2::SecurityGroupEgress": ResourceModel(
        properties=(
            prop(
                "DestinationSecurityGroupId",
                PREVENTION,
                Downgrade(WORLD_V4, label="CidrIp 0.0.0.0/0"),
                deletable=False,
            ),
            prop("IpProtocol", PREVENTION, "-1", deletable=False),
        )
    ),
    "AWS::EC2::VPC": ResourceModel(),
    "AWS::EC2::FlowLog": ResourceModel(
        companion=DETECTION,
        properties=(
            prop("TrafficType", DETECTION, "ACCEPT", "REJECT", deletable=False),
            prop("LogGroupName", DETECTION),
            prop("LogDestination", DETECTION),
        ),
    ),
    "AWS::EC2::Subnet": ResourceModel(
        properties=(prop("MapPublicIpOnLaunch", PREVENTION, True, deletable=False),),
    ),
    "AWS::EC2::VPCEndpoint": ResourceModel(
        policies=_POLICY_DOCUMENT,
        properties=(
            prop("PolicyDocument", PREVENTION),
            prop("PrivateDnsEnabled", PREVENTION, False),
            prop("SecurityGroupIds", PREVENTION),
        ),
    ),
    #: The custom resource that removes every rule of the VPC's default security group.
    "Custom::VpcRestrictDefaultSG": ResourceModel(companion=PREVENTION),
    # -- Load balancing -------------------------------------------------------------------
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ResourceModel(
        properties=(
            prop("Scheme", PREVENTION, "internet-facing"),
            prop("SecurityGroups", PREVENTION),
            prop(
                "LoadBalancerAttributes/[Key=deletion_protection.enabled]/Value", AT_REST, "false"
            ),
            prop(
                "LoadBalancerAttributes/[Key=routing.http.drop_invalid_header_fields.enabled]/Value",
                PREVENTION,
                "false",
            ),
            prop(
                "LoadBalancerAttributes/[Key=routing.http.desync_mitigation_mode]/Value",
                PREVENTION,
                "monitor",
            ),
            prop("LoadBalancerAttributes/[Key=waf.fail_open.enabled]/Value", PREVENTION, "true"),
            prop("LoadBalancerAttributes/[Key=access_logs.s3.enabled]/Value", DETECTION, "false"),
        ),
    ),
    "AWS::ElasticLoadBalancingV2::Listener": ResourceModel(
        properties=(
            prop(
                "SslPolicy",
                IN_TRANSIT,
                "ELBSecurityPolicy-2016-08",
                "ELBSecurityPolicy-TLS-1-0-2015-04",
            ),
            prop(
                "Protocol",
                IN_TRANSIT,
                Downgrade("HTTP", also_delete=("Certificates", "SslPolicy"), label="HTTP"),
                deletable=False,
            ),
        ),
    ),
    "AWS::ElasticLoadBalancingV2::TargetGroup": ResourceModel(
        properties=(
            prop("Protocol", IN_TRANSIT, "HTTP", deletable=False),
            prop("HealthCheckProtocol", IN_TRANSIT, "HTTP", deletable=False),
        ),
    ),
    # -- WAF ------------------------------------------------------------------------------
    "AWS::WAFv2::WebACL": ResourceModel(
        properties=(
            prop("Rules/*", PREVENTION),
            prop("Rules/*/OverrideAction", PREVENTION, COUNT, deletable=False),
            prop("Rules/*/Action", PREVENTION, COUNT, deletable=False),
            prop(
                "Rules/*/Statement/RateBasedStatement/Limit",
                PREVENTION,
                2_000_000_000,
                deletable=False,
            ),
            prop(
                "Rules/*/VisibilityConfig/CloudWatchMetricsEnabled",
                DETECTION,
                False,
                deletable=False,
            ),
            prop("VisibilityConfig/CloudWatchMetricsEnabled", DETECTION, False, deletable=False),
            prop("VisibilityConfig/SampledRequestsEnabled", DETECTION, False, deletable=False),
        ),
    ),
    "AWS::WAFv2::WebACLAssociation": ResourceModel(companion=PREVENTION),
    "AWS::WAFv2::LoggingConfiguration": ResourceModel(
        companion=DETECTION,
        properties=(
            prop("RedactedFields", DETECTION),
            prop(
                "LogDestinationConfigs",
                DETECTION,
                Downgrade(
                    ["arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-elsewhere"],
                    label="another account's log group",
                ),
                deletable=False,
            ),
            prop(
                "LoggingFilter",
                DETECTION,
                Downgrade(
                    {
                        "DefaultBehavior": "DROP",
                        "Filters": [
                            {
                                "Behavior": "KEEP",
                                "Requirement": "MEETS_ALL",
                                "Conditions": [
                                    {"ActionCondition": {"Action": "EXCLUDED_AS_COUNT"}}
                                ],
                            }
                        ],
                    },
                    label="a filter that drops almost everything",
                ),
                when_absent=True,
                deletable=False,
            ),
        ),
    ),
    # -- API Gateway ----------------------------------------------------------------------
    "AWS::ApiGateway::RestApi": ResourceModel(
        properties=(prop("DisableExecuteApiEndpoint", PREVENTION, False),),
        policies=(("Policy", PREVENTION),),
    ),
    "AWS::ApiGateway::Stage": ResourceModel(
        properties=(
            prop("AccessLogSetting", DETECTION),
            prop("TracingEnabled", DETECTION, False),
            prop("MethodSettings", DETECTION),
            prop("MethodSettings/*/LoggingLevel", DETECTION, "OFF"),
            prop("MethodSettings/*/MetricsEnabled", DETECTION, False),
            prop("MethodSettings/*/DataTraceEnabled", AT_REST, True),
            prop("MethodSettings/*/CacheDataEncrypted", AT_REST, False),
            prop("MethodSettings/*/ThrottlingRateLimit", PREVENTION, 10000),
            prop("MethodSettings/*/ThrottlingBurstLimit", PREVENTION, 5000),
            prop("ClientCertificateId", IN_TRANSIT),
        ),
    ),
    "AWS::ApiGateway::Method": ResourceModel(
        properties=(
            prop("AuthorizationType", PREVENTION, "NONE", deletable=False),
            prop("AuthorizerId", PREVENTION),
            prop("RequestValidatorId", PREVENTION),
        ),
    ),
    "AWS::ApiGateway::RequestValidator": ResourceModel(
        companion=PREVENTION,
        properties=(
            prop("ValidateRequestBody", PREVENTION, False),
            prop("ValidateRequestParameters", PREVENTION, False),
        ),
    ),
    "AWS::ApiGateway::DomainName": ResourceModel(
        properties=(prop("SecurityPolicy", IN_TRANSIT, "TLS_1_0"),),
    ),
    "AWS::ApiGateway::ClientCertificate": ResourceModel(companion=IN_TRANSIT),
    # -- CloudFront -----------------------------------------------------------------------
    "AWS::CloudFront::Distribution": ResourceModel(
        properties=(
            prop(
                "DistributionConfig/DefaultCacheBehavior/ViewerProtocolPolicy",
                IN_TRANSIT,
                "allow-all",
                deletable=False,
            ),
            prop(
                "DistributionConfig/CacheBehaviors/*/ViewerProtocolPolicy",
                IN_TRANSIT,
                "allow-all",
                deletable=False,
            ),
            prop("DistributionConfig/ViewerCertificate", IN_TRANSIT),
            prop(
                "DistributionConfig/ViewerCertificate/MinimumProtocolVersion",
                IN_TRANSIT,
                "TLSv1",
                "TLSv1_2016",
            ),
            prop(
                "DistributionConfig/Origins/*/CustomOriginConfig/OriginProtocolPolicy",
                IN_TRANSIT,
                "http-only",
                "match-viewer",
                deletable=False,
            ),
            prop(
                "DistributionConfig/Origins/*/CustomOriginConfig/OriginSSLProtocols",
                IN_TRANSIT,
                ["TLSv1", "TLSv1.1", "TLSv1.2"],
            ),
            prop("DistributionConfig/Origins/*/OriginAccessControlId", PREVENTION),
            prop("DistributionConfig/WebACLId", PREVENTION),
            prop("DistributionConfig/DefaultCacheBehavior/ResponseHeadersPolicyId", PREVENTION),
            prop("DistributionConfig/CacheBehaviors/*/ResponseHeadersPolicyId", PREVENTION),
        ),
    ),
    "AWS::CloudFront::ResponseHeadersPolicy": ResourceModel(
        companion=PREVENTION,
        properties=(
            prop("ResponseHeadersPolicyConfig/SecurityHeadersConfig", PREVENTION),
            prop(
                "ResponseHeadersPolicyConfig/SecurityHeadersConfig/StrictTransportSecurity",
                IN_TRANSIT,
            ),
            prop(
                "ResponseHeadersPolicyConfig/SecurityHeadersConfig/StrictTransportSecurity/AccessControlMaxAgeSec",
                IN_TRANSIT,
                0,
                deletable=False,
            ),
            prop(
                "ResponseHeadersPolicyConfig/SecurityHeadersConfig/ContentSecurityPolicy",
                PREVENTION,
            ),
            prop(
                "ResponseHeadersPolicyConfig/SecurityHeadersConfig/ContentTypeOptions",
                PREVENTION,
            ),
            prop("ResponseHeadersPolicyConfig/SecurityHeadersConfig/FrameOptions", PREVENTION),
            prop(
                "ResponseHeadersPolicyConfig/SecurityHeadersConfig/ReferrerPolicy/ReferrerPolicy",
                PREVENTION,
                "unsafe-url",
                deletable=False,
            ),
        ),
    ),
    "AWS::CloudFront::OriginAccessControl": ResourceModel(
        companion=PREVENTION,
        properties=(
            prop("OriginAccessControlConfig/SigningBehavior", PREVENTION, "never", deletable=False),
        ),
    ),
    # -- Logs delivery --------------------------------------------------------------------
    #: A log group's resource policy: its document is a JSON string (no statement to widen).
    "AWS::Logs::ResourcePolicy": ResourceModel(companion=DETECTION),
    "AWS::Logs::DeliverySource": ResourceModel(companion=DETECTION),
    "AWS::Logs::DeliveryDestination": ResourceModel(companion=DETECTION),
    "AWS::Logs::Delivery": ResourceModel(companion=DETECTION),
    "AWS::Logs::MetricFilter": ResourceModel(
        companion=DETECTION,
        properties=(
            prop(
                "FilterPattern",
                DETECTION,
                Downgrade('{ $.eventName = "NoSuchEvent" }', label="a pattern matching nothing"),
                deletable=False,
            ),
        ),
    ),
    # -- Account detection (SecurityBaseline) ---------------------------------------------
    "AWS::CloudTrail::Trail": ResourceModel(
        companion=DETECTION,
        properties=(
            prop("IsMultiRegionTrail", DETECTION, False),
            prop("IncludeGlobalServiceEvents", DETECTION, False),
            prop("EnableLogFileValidation", DETECTION, False),
            prop("IsLogging", DETECTION, False, deletable=False),
            prop("KMSKeyId", AT_REST),
            prop("CloudWatchLogsLogGroupArn", DETECTION),
            prop("EventSelectors", DETECTION),
            prop("EventSelectors/*/IncludeManagementEvents", DETECTION, False),
            prop("EventSelectors/*/ReadWriteType", DETECTION, "WriteOnly"),
            prop("EventSelectors/*/DataResources", DETECTION),
            prop("InsightSelectors", DETECTION),
        ),
    ),
    "AWS::GuardDuty::Detector": ResourceModel(
        companion=DETECTION,
        properties=(
            prop("Enable", DETECTION, False, deletable=False),
            prop("Features", DETECTION),
            prop("Features/*/Status", DETECTION, "DISABLED", deletable=False),
            prop("Features/*/AdditionalConfiguration/*/Status", DETECTION, "DISABLED"),
            prop("FindingPublishingFrequency", DETECTION, "SIX_HOURS"),
        ),
    ),
    "AWS::SecurityHub::Hub": ResourceModel(
        companion=DETECTION,
        properties=(prop("AutoEnableControls", DETECTION, False),),
    ),
    "AWS::SecurityHub::Standard": ResourceModel(companion=DETECTION),
    "AWS::AccessAnalyzer::Analyzer": ResourceModel(companion=DETECTION),
    "AWS::Config::ConfigurationRecorder": ResourceModel(
        companion=DETECTION,
        properties=(
            prop("RecordingGroup", DETECTION),
            prop("RecordingGroup/AllSupported", DETECTION, False),
            prop("RecordingGroup/IncludeGlobalResourceTypes", DETECTION, False),
            prop("RecordingMode/RecordingFrequency", DETECTION, "DAILY", deletable=False),
        ),
    ),
    "AWS::Config::DeliveryChannel": ResourceModel(
        companion=DETECTION,
        properties=(prop("S3KmsKeyArn", AT_REST),),
    ),
    "AWS::Events::Rule": ResourceModel(
        companion=DETECTION,
        properties=(
            prop("State", DETECTION, "DISABLED"),
            prop("Targets", DETECTION),
        ),
    ),
    #: The account settings SecurityBaseline makes through AwsCustomResource calls: the
    #: call rewritten to one that changes nothing, or dropped for a phase.
    "Custom::AWS": ResourceModel(
        companion=PREVENTION,
        properties=(
            prop("Create", PREVENTION, Downgrade(NO_OP_CALL, label="a no-op SDK call")),
            prop("Update", PREVENTION, Downgrade(NO_OP_CALL, label="a no-op SDK call")),
        ),
    ),
    # -- ECS ------------------------------------------------------------------------------
    "AWS::ECS::TaskDefinition": ResourceModel(
        properties=(
            prop("ContainerDefinitions/*/Privileged", PREVENTION, True),
            prop("ContainerDefinitions/*/ReadonlyRootFilesystem", PREVENTION, False),
            prop("ContainerDefinitions/*/User", PREVENTION, "root", "0"),
            prop("ContainerDefinitions/*/LogConfiguration", DETECTION),
            prop(
                "ContainerDefinitions/*/LinuxParameters/Capabilities/Add",
                PREVENTION,
                ["SYS_ADMIN"],
                ["SYS_PTRACE"],
                ["NET_ADMIN"],
                when_absent=True,
                deletable=False,
            ),
            prop(
                "ContainerDefinitions/*/Environment",
                AT_REST,
                Downgrade(
                    [{"Name": "DB_PASSWORD", "Value": LITERAL_PASSWORD}], label="a literal password"
                ),
                when_absent=True,
                deletable=False,
            ),
        ),
    ),
    "AWS::ECS::Service": ResourceModel(
        properties=(
            prop(
                "NetworkConfiguration/AwsvpcConfiguration/AssignPublicIp",
                PREVENTION,
                "ENABLED",
                deletable=False,
            ),
            prop("NetworkConfiguration/AwsvpcConfiguration/SecurityGroups", PREVENTION),
            prop("EnableExecuteCommand", PREVENTION, True, deletable=False),
        ),
    ),
    "AWS::ECS::Cluster": ResourceModel(
        properties=(prop("ClusterSettings/[Name=containerInsights]/Value", DETECTION, "disabled"),),
    ),
    # -- Monitoring -----------------------------------------------------------------------
    "AWS::CloudWatch::Alarm": ResourceModel(
        companion=DETECTION,
        properties=(
            prop("AlarmActions", DETECTION),
            prop("ActionsEnabled", DETECTION, False, when_absent=True, deletable=False),
        ),
    ),
}
"""Types a construct synthesizes that are not listed (subnet groups, certificates, records,
secret attachments, route tables, NAT gateways, API deployments and base path mappings)
carry no setting the guardrails judge: they yield no mutant."""

STATEFUL: frozenset[str] = frozenset(t for t, m in MODEL.items() if m.stateful)
COMPANIONS: frozenset[str] = frozenset(t for t, m in MODEL.items() if m.companion)
