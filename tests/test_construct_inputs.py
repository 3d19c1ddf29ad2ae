"""Bad input to every construct is one SecureConstructsError, never a raw or jsii error.

One case per bad input: the wrong type of every public parameter, and the values that
CDK accepts but CloudFormation or the container runtime rejects at deploy time. Each case
asserts the exact issue codes. Nothing here is synthesized: construction fails before any
resource is created, in a fresh stack per case. The public methods are called on one
construct per section (a module-scoped fixture): a bad call fails before any jsii call, so
it changes nothing and the construct serves every case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds

from aspects.errors import SecureConstructsError
from secure_constructs import (
    AlarmOptions,
    DatabaseEngine,
    DomainOptions,
    SecureAlbService,
    SecureBucket,
    SecureDatabase,
    SecureFunction,
    WafOptions,
)
from secure_constructs._defaults.kms import customer_managed_key
from secure_constructs._defaults.logs import encrypted_log_group
from secure_constructs._defaults.rds import EngineKind
from secure_constructs._defaults.sqs import encrypted_queue

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
CERT_ARN = "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
WEB_ACL_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
INLINE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
ISOLATED = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)

Make = Callable[[cdk.Stack], Any]


def _stack(env: cdk.Environment | None = ENV) -> cdk.Stack:
    return cdk.Stack(cdk.App(), "S", env=env)


def _vpc(stack: cdk.Stack) -> ec2.IVpc:
    return ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-12345678",
        availability_zones=["eu-west-1a", "eu-west-1b"],
        isolated_subnet_ids=["subnet-1", "subnet-2"],
        private_subnet_ids=["subnet-3", "subnet-4"],
        public_subnet_ids=["subnet-5", "subnet-6"],
    )


def _isolated_only_vpc(stack: cdk.Stack) -> ec2.IVpc:
    return ec2.Vpc.from_vpc_attributes(
        stack,
        "IsolatedVpc",
        vpc_id="vpc-87654321",
        availability_zones=["eu-west-1a", "eu-west-1b"],
        isolated_subnet_ids=["subnet-7", "subnet-8"],
    )


def _codes(build: Callable[[], object], match: str) -> tuple[str, ...]:
    with pytest.raises(SecureConstructsError, match=match) as raised:
        build()
    return raised.value.codes


# -- SecureBucket --------------------------------------------------------------------------

BUCKET_CASES: list[tuple[str, dict[str, Any], tuple[str, ...], str]] = [
    ("scope-none", {"scope": None}, ("SC-BUCKET-6",), r"scope: is required"),
    ("id-empty", {"construct_id": ""}, ("SC-BUCKET-6",), r"construct_id: '' is empty"),
    ("id-slash", {"construct_id": "a/b"}, ("SC-BUCKET-6",), r"contains '/'"),
    ("key-str", {"encryption_key": "arn:aws:kms:x"}, ("SC-BUCKET-6",), r"not a kms.IKey"),
    ("name-int", {"bucket_name": 5}, ("SC-BUCKET-6",), r"bucket_name: 5 \(a int\)"),
    ("name-empty", {"bucket_name": ""}, ("SC-BUCKET-6",), r"bucket_name: '' is empty"),
    ("versioned-str", {"versioned": "no"}, ("SC-BUCKET-6",), r"versioned: 'no'.*bool"),
    ("versioned-none", {"versioned": None}, ("SC-BUCKET-6",), r"versioned: is required"),
    ("logs-bucket-str", {"server_access_logs_bucket": "b"}, ("SC-BUCKET-6",), r"s3.IBucket"),
    ("prefix-int", {"server_access_logs_prefix": 1}, ("SC-BUCKET-6",), r"prefix: 1"),
    ("prefix-long", {"server_access_logs_prefix": "p" * 1025}, ("SC-BUCKET-7",), r"1025"),
    ("retention-int", {"access_log_retention": 365}, ("SC-BUCKET-6",), r"cdk.Duration"),
    (
        "retention-fraction",
        {"access_log_retention": cdk.Duration.hours(365 * 24 + 12)},
        ("SC-BUCKET-4",),
        r"not a whole number of days",
    ),
    ("transition-int", {"noncurrent_version_transition": 90}, ("SC-BUCKET-6",), r"Duration"),
    (
        "retention-short",
        {"access_log_retention": cdk.Duration.days(30)},
        ("SC-BUCKET-4",),
        r"30 days is shorter than the 365 days audit logs are kept",
    ),
    (
        "noncurrent-short",
        {
            "noncurrent_version_expiration": cdk.Duration.days(7),
            "noncurrent_version_transition": None,
        },
        ("SC-BUCKET-9",),
        r"7 days deletes old versions before the 30 days",
    ),
    (
        "transition-zero",
        {"noncurrent_version_transition": cdk.Duration.hours(12)},
        ("SC-BUCKET-7",),
        r"noncurrent_version_transition: 12 hours",
    ),
    (
        "expiration-fraction",
        {"noncurrent_version_expiration": cdk.Duration.hours(400 * 24 + 1)},
        ("SC-BUCKET-7",),
        r"noncurrent_version_expiration",
    ),
    ("rules-none", {"lifecycle_rules": None}, ("SC-BUCKET-6",), r"a list of s3.LifecycleRule"),
    ("rules-dict", {"lifecycle_rules": [{"id": "x"}]}, ("SC-BUCKET-6",), r"LifecycleRule"),
    ("removal-str", {"removal_policy": "destroy"}, ("SC-BUCKET-6",), r"RemovalPolicy"),
    ("auto-delete-int", {"auto_delete_objects": 1}, ("SC-BUCKET-6",), r"auto_delete_objects"),
    ("events-none", {"event_bridge_enabled": None}, ("SC-BUCKET-6",), r"event_bridge_enabled"),
]


@pytest.mark.parametrize(
    ("overrides", "codes", "match"),
    [case[1:] for case in BUCKET_CASES],
    ids=[case[0] for case in BUCKET_CASES],
)
def test_bad_bucket_input_is_one_error_with_its_code(
    overrides: dict[str, Any], codes: tuple[str, ...], match: str
) -> None:
    props: dict[str, Any] = {"scope": _stack(), "construct_id": "Data", **overrides}
    assert (
        _codes(lambda: SecureBucket(props.pop("scope"), props.pop("construct_id"), **props), match)
        == codes
    )


# -- SecureFunction ------------------------------------------------------------------------


def _layers(stack: cdk.Stack, count: int) -> list[lambda_.ILayerVersion]:
    return [
        lambda_.LayerVersion.from_layer_version_arn(
            stack, f"Layer{i}", f"arn:aws:lambda:eu-west-1:111111111111:layer:l{i}:1"
        )
        for i in range(count)
    ]


F = "SC-FUNCTION-16"
FUNCTION_CASES: list[tuple[str, Any, tuple[str, ...], str]] = [
    ("scope-str", {"scope": "stack"}, (F,), r"scope: 'stack' \(a str\) is not a construct"),
    ("code-str", {"code": "print(1)"}, (F,), r"code: 'print\(1\)'.*lambda.Code"),
    ("code-none", {"code": None}, (F,), r"code: is required"),
    ("handler-empty", {"handler": ""}, (F,), r"handler: '' is empty"),
    ("handler-int", {"handler": 1}, (F,), r"handler: 1"),
    ("handler-space", {"handler": "index handler"}, ("SC-FUNCTION-17",), r"not a handler"),
    ("handler-long", {"handler": "h" * 129}, ("SC-FUNCTION-17",), r"at most 128"),
    (
        "handler-image-for-zip",
        {"handler": lambda_.Handler.FROM_IMAGE},
        ("SC-FUNCTION-17",),
        r"do not fit together",
    ),
    ("runtime-none", {"runtime": None}, (F,), r"runtime: is required"),
    ("runtime-str", {"runtime": "python3.13"}, (F,), r"runtime: 'python3.13'"),
    ("environment-list", {"environment": ["A=1"]}, (F,), r"environment: \['A=1'\]"),
    ("environment-int-value", {"environment": {"PORT": 8080}}, (F,), r"'PORT': 8080"),
    ("secrets-str", {"secrets": "DB_PASSWORD"}, (F,), r"secrets: 'DB_PASSWORD'"),
    ("description-int", {"description": 5}, (F,), r"description: 5"),
    ("description-long", {"description": "d" * 257}, ("SC-FUNCTION-18",), r"257-character"),
    ("name-empty", {"function_name": ""}, (F,), r"function_name: '' is empty"),
    ("name-charset", {"function_name": "my function"}, ("SC-FUNCTION-18",), r"'my function'"),
    ("name-long", {"function_name": "f" * 65}, ("SC-FUNCTION-18",), r"function name"),
    ("timeout-int", {"timeout": 30}, (F,), r"timeout: 30 \(a int\)"),
    (
        "timeout-fraction",
        {"timeout": cdk.Duration.millis(1500)},
        ("SC-FUNCTION-9",),
        r"whole number of seconds",
    ),
    ("memory-str", {"memory_size": "256"}, (F,), r"memory_size: '256'"),
    ("memory-bool", {"memory_size": True}, (F,), r"memory_size: True"),
    ("memory-float", {"memory_size": 256.0}, (F,), r"memory_size: 256.0"),
    ("architecture-str", {"architecture": "arm64"}, (F,), r"lambda.Architecture"),
    ("key-str", {"encryption_key": "alias/app"}, (F,), r"encryption_key: 'alias/app'"),
    ("log-retention-int", {"log_retention": 365}, (F,), r"RetentionDays"),
    (
        "log-retention-short",
        {"log_retention": logs.RetentionDays.ONE_MONTH},
        ("SC-LOGS-RETENTION",),
        r"ONE_MONTH keeps the function logs 30 days, fewer than the 90 days",
    ),
    ("dlq-str", {"dead_letter_queue": "arn:aws:sqs:x"}, (F,), r"sqs.IQueue"),
    ("dlq-retention-int", {"dead_letter_queue_retention": 14}, (F,), r"Duration"),
    ("reserved-str", {"reserved_concurrent_executions": "5"}, (F,), r"'5'"),
    ("reserved-bool", {"reserved_concurrent_executions": False}, (F,), r"False"),
    ("vpc-str", {"vpc": "vpc-123"}, (F,), r"vpc: 'vpc-123'.*ec2.IVpc"),
    ("subnets-str", {"vpc": "VPC", "vpc_subnets": "private"}, (F,), r"SubnetSelection"),
    ("groups-str", {"vpc": "VPC", "security_groups": "sg-1"}, (F,), r"security_groups"),
    ("groups-items", {"vpc": "VPC", "security_groups": ["sg-1"]}, (F,), r"ISecurityGroup"),
    (
        "vpc-without-private-subnets",
        {"vpc": "ISOLATED_VPC"},
        ("SC-FUNCTION-14",),
        r"vpc_subnets: the selection matches no subnets",
    ),
    ("url-auth-str", {"function_url_auth_type": "AWS_IAM"}, (F,), r"FunctionUrlAuthType"),
    ("allow-public-int", {"allow_public_function_url": 0}, (F,), r"allow_public_function_url"),
    ("layers-none", {"layers": None}, (F,), r"layers: is required"),
    ("layers-str", {"layers": ["arn:aws:lambda:x"]}, (F,), r"ILayerVersion"),
    ("layers-six", {"layers": "SIX"}, ("SC-FUNCTION-19",), r"6 layers"),
    ("removal-str", {"removal_policy": "RETAIN"}, (F,), r"removal_policy"),
]


def _function(stack: cdk.Stack, overrides: dict[str, Any]) -> SecureFunction:
    props: dict[str, Any] = {
        "code": INLINE,
        "handler": "index.handler",
        "runtime": lambda_.Runtime.PYTHON_3_14,
        **overrides,
    }
    if props.get("vpc") == "VPC":
        props["vpc"] = _vpc(stack)
    if props.get("vpc") == "ISOLATED_VPC":
        props["vpc"] = _isolated_only_vpc(stack)
    if props.get("layers") == "SIX":
        props["layers"] = _layers(stack, 6)
    scope = props.pop("scope", stack)
    return SecureFunction(scope, "Worker", **props)


@pytest.mark.parametrize(
    ("overrides", "codes", "match"),
    [case[1:] for case in FUNCTION_CASES],
    ids=[case[0] for case in FUNCTION_CASES],
)
def test_bad_function_input_is_one_error_with_its_code(
    overrides: dict[str, Any], codes: tuple[str, ...], match: str
) -> None:
    assert _codes(lambda: _function(_stack(), overrides), match) == codes


# -- SecureDatabase ------------------------------------------------------------------------

D = "SC-DATABASE-15"
DATABASE_CASES: list[tuple[str, dict[str, Any], tuple[str, ...], str]] = [
    ("vpc-none", {"vpc": None}, (D,), r"vpc: is required, but got None"),
    ("vpc-str", {"vpc": "vpc-1"}, (D,), r"vpc: 'vpc-1'"),
    ("engine-str", {"engine": "postgres"}, (D,), r"engine: 'postgres'.*DatabaseEngine"),
    ("subnets-str", {"vpc_subnets": "isolated"}, (D,), r"vpc_subnets: 'isolated'"),
    ("instance-type-str", {"instance_type": "r6g.large"}, (D,), r"ec2.InstanceType"),
    ("multi-az-str", {"multi_az": "yes"}, (D,), r"multi_az: 'yes'"),
    ("username-none", {"master_username": None}, (D,), r"master_username: is required"),
    ("username-empty", {"master_username": ""}, (D,), r"master_username: '' is empty"),
    ("credentials-str", {"credentials": "secret"}, (D,), r"rds.Credentials"),
    ("db-name-int", {"default_database_name": 5}, (D,), r"default_database_name: 5"),
    ("db-name-empty", {"default_database_name": ""}, (D,), r"default_database_name: ''"),
    ("db-name-digit", {"default_database_name": "1app"}, ("SC-DATABASE-16",), r"'1app'"),
    ("parameters-none", {"parameters": None}, (D,), r"parameters: is required"),
    ("parameters-int-value", {"parameters": {"work_mem": 64}}, (D,), r"'work_mem': 64"),
    ("key-str", {"encryption_key": "alias/db"}, (D,), r"kms.IKey"),
    ("backup-int", {"backup_retention": 30}, (D,), r"backup_retention: 30"),
    (
        "backup-fraction",
        {"backup_retention": cdk.Duration.hours(200)},
        ("SC-DATABASE-5",),
        r"not a whole number of days",
    ),
    ("backup-window-text", {"preferred_backup_window": "3am"}, ("SC-DATABASE-16",), r"'3am'"),
    (
        "backup-window-hours",
        {"preferred_backup_window": "25:00-26:00"},
        ("SC-DATABASE-16",),
        r"'25:00-26:00' is not a window",
    ),
    ("backup-window-empty", {"preferred_backup_window": ""}, (D,), r"is empty"),
    (
        "maintenance-window",
        {"preferred_maintenance_window": "sun:04:30"},
        ("SC-DATABASE-16",),
        r"preferred_maintenance_window",
    ),
    ("removal-str", {"removal_policy": "snapshot"}, (D,), r"RemovalPolicy"),
    ("log-retention-int", {"log_retention": 30}, (D,), r"RetentionDays"),
    (
        "log-retention-short",
        {"log_retention": logs.RetentionDays.TWO_MONTHS},
        ("SC-LOGS-RETENTION",),
        r"TWO_MONTHS keeps the database logs 60 days",
    ),
    ("monitoring-int", {"monitoring_interval": 60}, (D,), r"monitoring_interval: 60"),
    (
        "monitoring-fraction",
        {"monitoring_interval": cdk.Duration.millis(1500)},
        ("SC-DATABASE-9",),
        r"monitoring_interval",
    ),
    ("insights-none", {"performance_insights": None}, (D,), r"performance_insights"),
    ("rotation-int", {"rotation_interval": 30}, (D,), r"rotation_interval: 30"),
    (
        "rotation-fraction",
        {"rotation_interval": cdk.Duration.hours(36)},
        ("SC-DATABASE-10",),
        r"rotation_interval",
    ),
    ("endpoint-str", {"secrets_manager_endpoint": "vpce-1"}, (D,), r"IInterfaceVpcEndpoint"),
    ("identifier-int", {"identifier": 5}, (D,), r"identifier: 5"),
]


def _database(stack: cdk.Stack, overrides: dict[str, Any]) -> SecureDatabase:
    props: dict[str, Any] = {"vpc": _vpc(stack), "vpc_subnets": ISOLATED, **overrides}
    return SecureDatabase(stack, "Db", **props)


@pytest.mark.parametrize(
    ("overrides", "codes", "match"),
    [case[1:] for case in DATABASE_CASES],
    ids=[case[0] for case in DATABASE_CASES],
)
def test_bad_database_input_is_one_error_with_its_code(
    overrides: dict[str, Any], codes: tuple[str, ...], match: str
) -> None:
    assert _codes(lambda: _database(_stack(), overrides), match) == codes


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: DatabaseEngine("postgres", rds.PostgresEngineVersion.VER_17), r"kind: 'postgres'"),  # type: ignore[arg-type]
        (
            lambda: DatabaseEngine.postgres(allocated_storage_gib="100"),  # type: ignore[arg-type]
            r"allocated_storage_gib: '100'",
        ),
        (
            lambda: DatabaseEngine.aurora_mysql(backtrack_window=24),  # type: ignore[arg-type]
            r"backtrack_window: 24",
        ),
        (
            lambda: DatabaseEngine(
                EngineKind.POSTGRES, rds.PostgresEngineVersion.VER_17, None, 100.0
            ),
            r"allocated_storage_gib: 100.0",
        ),
    ],
    ids=["kind-str", "storage-str", "backtrack-int", "storage-float"],
)
def test_bad_engine_input_is_one_error_with_its_code(
    build: Callable[[], object], match: str
) -> None:
    assert _codes(build, match) == ("SC-DATABASE-14",)


# -- SecureAlbService ----------------------------------------------------------------------

A = "SC-ALB-18"
_WAF_ARN = f"arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/edge/{WEB_ACL_ID}"
ALB_CASES: list[tuple[str, dict[str, Any], tuple[str, ...], str]] = [
    ("vpc-none", {"vpc": None}, (A,), r"vpc: is required, but got None"),
    (
        "vpc-without-public-subnets",
        {"vpc": "ISOLATED_VPC"},
        ("SC-ALB-22", "SC-ALB-22"),
        r"task_subnets: the selection(.|\n)*load_balancer_subnets: the selection",
    ),
    ("image-str", {"image": "nginx:1.27"}, (A,), r"image: 'nginx:1.27'.*ContainerImage"),
    (
        "certificate-arn-str",
        {"certificate": CERT_ARN},
        (A,),
        r"certificate: 'arn:aws:acm.*from_certificate_arn",
    ),
    ("domain-dict", {"domain": {"domain_name": "a.example.com"}}, (A,), r"DomainOptions"),
    (
        "domain-field-none",
        {"domain": DomainOptions(None, "Z123", "example.com")},  # type: ignore[arg-type]
        ("SC-ALB-10",),
        r"domain.domain_name: is required",
    ),
    ("ssl-policy-str", {"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}, (A,), r"SslPolicy"),
    ("e2e-str", {"end_to_end_tls": "yes"}, (A,), r"end_to_end_tls: 'yes'"),
    ("port-str", {"container_port": "8080"}, (A,), r"container_port: '8080'"),
    ("health-path-none", {"health_check_path": None}, (A,), r"health_check_path: is required"),
    ("health-path-long", {"health_check_path": "/" + "h" * 1024}, ("SC-ALB-14",), r"at most"),
    ("environment-int", {"environment": {"PORT": 8080}}, (A,), r"'PORT': 8080"),
    ("secrets-list", {"secrets": ["DB"]}, (A,), r"secrets: \['DB'\]"),
    ("cpu-str", {"cpu": "512"}, (A,), r"cpu: '512'"),
    ("cpu-size", {"cpu": 300}, ("SC-ALB-20",), r"300 is not a Fargate CPU size"),
    ("memory-str", {"memory_limit_mib": "1GB"}, (A,), r"memory_limit_mib: '1GB'"),
    ("memory-pair", {"memory_limit_mib": 3000}, ("SC-ALB-20",), r"3000 MiB.*512 CPU"),
    (
        "memory-pair-small-cpu",
        {"cpu": 256, "memory_limit_mib": 4096},
        ("SC-ALB-20",),
        r"with cpu=256 use 512 to 2048",
    ),
    ("count-negative", {"desired_count": -1}, ("SC-ALB-21",), r"-1 is outside 0"),
    ("count-float", {"desired_count": 2.5}, (A,), r"desired_count: 2.5"),
    ("count-bool", {"desired_count": True}, (A,), r"desired_count: True"),
    ("architecture-str", {"architecture": "ARM64"}, (A,), r"CpuArchitecture"),
    ("user-00", {"user": "00"}, ("SC-ALB-9",), r"'00' runs the container as root"),
    ("user-plus-0", {"user": "+0"}, ("SC-ALB-9",), r"'\+0' runs the container as root"),
    ("user-0000-1000", {"user": "0000:1000"}, ("SC-ALB-9",), r"'0000:1000' runs"),
    ("user-empty", {"user": ""}, (A,), r"user: '' is empty"),
    ("user-int", {"user": 1000}, (A,), r"user: 1000"),
    ("user-empty-group", {"user": "1000:"}, ("SC-ALB-9",), r"not a user"),
    ("user-negative", {"user": "-1"}, ("SC-ALB-9",), r"not a user"),
    ("read-only-int", {"read_only_root_filesystem": 0}, (A,), r"read_only_root_filesystem"),
    ("scratch-str", {"scratch_paths": "/run/app"}, (A,), r"scratch_paths: '/run/app'"),
    ("privileged-str", {"privileged": "no"}, (A,), r"privileged: 'no'"),
    ("exec-none", {"enable_execute_command": None}, (A,), r"enable_execute_command"),
    ("cluster-str", {"cluster": "default"}, (A,), r"ecs.ICluster"),
    ("task-subnets-str", {"task_subnets": "private"}, (A,), r"task_subnets"),
    ("internet-facing-str", {"internet_facing": "true"}, (A,), r"internet_facing"),
    ("clients-str", {"allowed_clients": "0.0.0.0/0"}, (A,), r"allowed_clients: '0.0.0.0/0'"),
    ("clients-items", {"allowed_clients": ["10.0.0.0/8"]}, (A,), r"ec2.IPeer"),
    ("lb-subnets-dict", {"load_balancer_subnets": {}}, (A,), r"load_balancer_subnets"),
    ("deletion-protection-none", {"deletion_protection": None}, (A,), r"deletion_protection"),
    ("waf-str", {"waf": "default"}, (A,), r"waf: 'default'.*WafOptions"),
    ("waf-rate-str", {"waf": WafOptions(rate_limit="100")}, ("SC-ALB-11",), r"rate_limit"),  # type: ignore[arg-type]
    (
        "waf-groups-str",
        {"waf": WafOptions(additional_managed_rule_groups="AWSManagedRulesLinuxRuleSet")},  # type: ignore[arg-type]
        ("SC-ALB-11",),
        r"additional_managed_rule_groups: 'AWSManaged",
    ),
    ("web-acl-int", {"web_acl": 5}, (A,), r"web_acl: 5"),
    (
        "web-acl-other-service",
        {"web_acl": "arn:aws:s3:::my-bucket"},
        ("SC-ALB-7",),
        r"not the ARN of a regional WAFv2 WebACL",
    ),
    (
        "web-acl-global",
        {"web_acl": _WAF_ARN.replace("regional", "global")},
        ("SC-ALB-7",),
        r"web_acl",
    ),
    ("allow-without-waf-str", {"allow_without_waf": "yes"}, (A,), r"allow_without_waf"),
    ("log-bucket-str", {"access_log_bucket": "logs"}, (A,), r"s3.IBucket"),
    ("log-prefix-int", {"access_log_prefix": 5}, (A,), r"access_log_prefix: 5"),
    ("log-prefix-slash", {"access_log_prefix": "/web"}, ("SC-ALB-12",), r"'/web'"),
    ("log-prefix-awslogs", {"access_log_prefix": "AWSLogs"}, ("SC-ALB-12",), r"'AWSLogs'"),
    ("log-retention-dur-int", {"access_log_retention": 365}, (A,), r"access_log_retention"),
    (
        "log-retention-fraction",
        {"access_log_retention": cdk.Duration.hours(365 * 24 + 12)},
        ("SC-ALB-12",),
        r"whole number of days",
    ),
    ("key-str", {"encryption_key": "alias/web"}, (A,), r"kms.IKey"),
    ("log-retention-str", {"log_retention": "1y"}, (A,), r"RetentionDays"),
    (
        "log-retention-short",
        {"log_retention": logs.RetentionDays.SIX_MONTHS},
        ("SC-LOGS-RETENTION",),
        r"SIX_MONTHS keeps the container and WAF logs 180 days, fewer than the 365",
    ),
    (
        "access-log-retention-short",
        {"access_log_retention": cdk.Duration.days(90)},
        ("SC-ALB-12",),
        r"90 days is shorter than the 365 days access logs are kept \(guardrail SC-S3-12\)",
    ),
    ("alarms-str", {"alarms": "on"}, (A,), r"AlarmOptions"),
    (
        "alarms-field-str",
        {"alarms": AlarmOptions(minimum_requests="20")},  # type: ignore[arg-type]
        ("SC-ALB-17",),
        r"alarms.minimum_requests: '20'",
    ),
    ("topic-str", {"alarm_topic": "arn:aws:sns:x"}, (A,), r"sns.ITopic"),
    ("removal-str", {"removal_policy": "retain"}, (A,), r"RemovalPolicy"),
]


def _service(stack: cdk.Stack, overrides: dict[str, Any]) -> SecureAlbService:
    props: dict[str, Any] = {
        "vpc": _vpc(stack),
        "image": ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx-unprivileged:1.27"),
        "certificate": acm.Certificate.from_certificate_arn(stack, "Certificate", CERT_ARN),
        **overrides,
    }
    if props["vpc"] == "ISOLATED_VPC":
        props["vpc"] = _isolated_only_vpc(stack)
    return SecureAlbService(stack, "Web", **props)


@pytest.mark.parametrize(
    ("overrides", "codes", "match"),
    [case[1:] for case in ALB_CASES],
    ids=[case[0] for case in ALB_CASES],
)
def test_bad_alb_service_input_is_one_error_with_its_code(
    overrides: dict[str, Any], codes: tuple[str, ...], match: str
) -> None:
    assert _codes(lambda: _service(_stack(), overrides), match) == codes


@pytest.mark.parametrize("user", ["1000:1000", "1000", "app", "app:app", "65534:0"])
def test_non_root_users_are_accepted(user: str) -> None:
    from secure_constructs.alb_service import _user_issues

    assert _user_issues(user) == []


@pytest.mark.parametrize("user", [" 0", "0:0", "root"])
def test_root_spellings_rejected_before_stay_rejected(user: str) -> None:
    match = rf"SC-ALB-9\] user: '{user}' runs the container as root"
    assert _codes(lambda: _service(_stack(), {"user": user}), match) == ("SC-ALB-9",)


def test_alb_service_in_a_stack_without_a_region_names_the_env_fix() -> None:
    stack = _stack(env=None)
    match = r"SC-ALB-19\] scope: the stack has no region.*env=cdk.Environment\("
    assert _codes(lambda: _service(stack, {}), match) == ("SC-ALB-19",)


# -- the shared helpers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "codes", "match"),
    [
        (
            lambda s: customer_managed_key(s, "Key", description=None),
            ("SC-DEFAULTS-1",),
            r"description: is required",
        ),
        (
            lambda s: customer_managed_key(s, "Key", description="k" * 8193),
            ("SC-DEFAULTS-2",),
            r"8193-character",
        ),
        (
            lambda s: encrypted_log_group(s, "Logs", encryption_key="k"),
            ("SC-DEFAULTS-1",),
            r"encryption_key: 'k'",
        ),
        (
            lambda s: encrypted_log_group(
                s,
                "Logs",
                encryption_key=customer_managed_key(s, "Key", description="d"),
                retention=365,
            ),
            ("SC-DEFAULTS-1",),
            r"retention: 365",
        ),
        (
            lambda s: encrypted_queue(
                s,
                "Queue",
                encryption_key=customer_managed_key(s, "Key", description="d"),
                retention_period=cdk.Duration.days(15),
            ),
            ("SC-DEFAULTS-2",),
            r"15 days is outside SQS",
        ),
        (
            lambda s: encrypted_queue(s, "Queue", encryption_key=None),
            ("SC-DEFAULTS-1",),
            r"encryption_key: is required",
        ),
    ],
    ids=[
        "key-description-none",
        "key-description-long",
        "logs-key-str",
        "logs-retention-int",
        "queue-retention-long",
        "queue-key-none",
    ],
)
def test_bad_helper_input_is_one_error_with_its_code(
    build: Make, codes: tuple[str, ...], match: str
) -> None:
    assert _codes(lambda: build(_stack()), match) == codes


# -- every problem at once -----------------------------------------------------------------


def test_every_bad_bucket_input_is_reported_in_one_error() -> None:
    codes = _codes(
        lambda: SecureBucket(
            _stack(),
            "Data",
            versioned="yes",  # type: ignore[arg-type]
            bucket_name="Not_Valid",
            removal_policy=cdk.RemovalPolicy.SNAPSHOT,
            access_log_retention=365,  # type: ignore[arg-type]
            noncurrent_version_transition=cdk.Duration.hours(1),
        ),
        r"versioned(.|\n)*access_log_retention(.|\n)*noncurrent_version_transition",
    )
    assert codes == ("SC-BUCKET-6", "SC-BUCKET-6", "SC-BUCKET-7", "SC-BUCKET-2", "SC-BUCKET-3")


def test_every_bad_function_input_is_reported_in_one_error() -> None:
    codes = _codes(
        lambda: _function(
            _stack(),
            {
                "runtime": None,
                "layers": None,
                "memory_size": "256",
                "handler": "",
                "function_name": "",
                "timeout": cdk.Duration.minutes(20),
                "reserved_concurrent_executions": -1,
            },
        ),
        r"runtime(.|\n)*handler(.|\n)*function_name(.|\n)*layers(.|\n)*timeout",
    )
    assert codes == (F, F, F, F, F, "SC-FUNCTION-9", "SC-FUNCTION-13")


def test_every_bad_database_input_is_reported_in_one_error() -> None:
    codes = _codes(
        lambda: _database(
            _stack(),
            {
                "vpc": None,
                "multi_az": "no",
                "preferred_backup_window": "noon",
                "backup_retention": cdk.Duration.days(3),
                "removal_policy": cdk.RemovalPolicy.DESTROY,
            },
        ),
        r"vpc(.|\n)*multi_az(.|\n)*preferred_backup_window(.|\n)*backup_retention",
    )
    assert codes == (D, D, "SC-DATABASE-16", "SC-DATABASE-5", "SC-DATABASE-6")


def test_every_bad_alb_service_input_is_reported_in_one_error() -> None:
    stack = _stack(env=None)
    codes = _codes(
        lambda: _service(
            stack,
            {
                "vpc": None,
                "certificate": CERT_ARN,
                "cpu": 512,
                "memory_limit_mib": 512,
                "desired_count": -1,
                "web_acl": "arn:aws:s3:::bucket",
                "user": "00",
                "privileged": True,
            },
        ),
        r"region(.|\n)*vpc(.|\n)*certificate(.|\n)*memory_limit_mib(.|\n)*desired_count",
    )
    assert codes == (
        "SC-ALB-19",
        A,
        A,
        "SC-ALB-20",
        "SC-ALB-21",
        "SC-ALB-5",
        "SC-ALB-9",
        "SC-ALB-7",
    )


# -- public methods ------------------------------------------------------------------------

ROLE_ARN = "arn:aws:iam::111111111111:role/app"
S3 = iam.ServicePrincipal("s3.amazonaws.com")
STATEMENT = iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"])
STATEMENT_DICT = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}

#: (id, method, positional arguments, keyword arguments, codes, match); "ROLE" stands for
#: a valid grantee of the fixture's stack.
MethodCase = tuple[str, str, tuple[Any, ...], dict[str, Any], tuple[str, ...], str]


@pytest.fixture(scope="module")
def methods_stack() -> cdk.Stack:
    stack = _stack()
    iam.Role.from_role_arn(stack, "Role", ROLE_ARN)
    return stack


def _call(construct: Any, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> object:
    role = cdk.Stack.of(construct).node.find_child("Role")
    args = tuple(role if a == "ROLE" else a for a in args)
    kwargs = {k: role if v == "ROLE" else v for k, v in kwargs.items()}
    return getattr(construct, method)(*args, **kwargs)


def _method_error(
    construct: Any, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], match: str
) -> SecureConstructsError:
    with pytest.raises(SecureConstructsError, match=match) as raised:
        _call(construct, method, args, kwargs)
    return raised.value


def _grant_cases(method: str, code: str) -> list[MethodCase]:
    return [
        (f"{method}-grantee-str", method, (ROLE_ARN,), {}, (code,), r"identity: 'arn:aws:iam"),
        (f"{method}-grantee-none", method, (None,), {}, (code,), r"identity: is required"),
        (
            f"{method}-pattern-int",
            method,
            ("ROLE",),
            {"objects_key_pattern": 1},
            (code,),
            r"objects_key_pattern: 1 \(a int\) is not a str",
        ),
        (
            f"{method}-pattern-empty",
            method,
            ("ROLE", ""),
            {},
            (code,),
            r"objects_key_pattern: '' is empty",
        ),
    ]


B = "SC-BUCKET-8"
BUCKET_METHOD_CASES: list[MethodCase] = [
    *(
        case
        for method in ("grant_read", "grant_write", "grant_read_write", "grant_put", "grant_delete")
        for case in _grant_cases(method, B)
    ),
    (
        "policy-dict",
        "add_to_resource_policy",
        (STATEMENT_DICT,),
        {},
        (B,),
        r"permission: .*\(a dict\) is not an iam.PolicyStatement",
    ),
    ("policy-none", "add_to_resource_policy", (None,), {}, (B,), r"permission: is required"),
]


@pytest.fixture(scope="module")
def bucket(methods_stack: cdk.Stack) -> SecureBucket:
    return SecureBucket(methods_stack, "Data")


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "codes", "match"),
    [case[1:] for case in BUCKET_METHOD_CASES],
    ids=[case[0] for case in BUCKET_METHOD_CASES],
)
def test_bad_bucket_method_argument_is_one_error_with_its_code(
    bucket: SecureBucket,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    codes: tuple[str, ...],
    match: str,
) -> None:
    error = _method_error(bucket, method, args, kwargs, match)
    assert error.codes == codes
    assert error.where == f"SecureBucket at 'S/Data'.{method}"


M = "SC-FUNCTION-20"
FUNCTION_METHOD_CASES: list[MethodCase] = [
    ("env-key-int", "add_environment", (1, "x"), {}, (M,), r"key: 1 \(a int\) is not a str"),
    ("env-key-empty", "add_environment", ("", "x"), {}, (M,), r"key: '' is empty"),
    ("env-value-int", "add_environment", ("PORT", 8080), {}, (M,), r"value: 8080 \(a int\)"),
    ("env-value-none", "add_environment", ("PORT", None), {}, (M,), r"value: is required"),
    ("env-both-wrong", "add_environment", (None, 1), {}, (M, M), r"key: (.|\n)*value: 1"),
    (
        "role-policy-dict",
        "add_to_role_policy",
        (STATEMENT_DICT,),
        {},
        (M,),
        r"statement: .*iam.PolicyStatement",
    ),
    ("permission-id-int", "add_permission", (1,), {"principal": S3}, (M,), r"id: 1"),
    (
        "permission-id-slash",
        "add_permission",
        ("a/b",),
        {"principal": S3},
        (M,),
        r"id: 'a/b' is empty or contains '/'",
    ),
    (
        "permission-principal-str",
        "add_permission",
        ("P",),
        {"principal": "s3.amazonaws.com"},
        (M,),
        r"principal: 's3.amazonaws.com' \(a str\) is not an iam.IPrincipal",
    ),
    (
        "permission-principal-none",
        "add_permission",
        ("P",),
        {"principal": None},
        (M,),
        r"principal: is required",
    ),
    (
        "permission-action-list",
        "add_permission",
        ("P",),
        {"principal": S3, "action": ["lambda:InvokeFunction"]},
        (M,),
        r"action: \['lambda:InvokeFunction'\]",
    ),
    (
        "permission-action-empty",
        "add_permission",
        ("P",),
        {"principal": S3, "action": ""},
        (M,),
        r"action: '' is empty",
    ),
    (
        "permission-source-arn-int",
        "add_permission",
        ("P",),
        {"principal": S3, "source_arn": 5},
        (M,),
        r"source_arn: 5",
    ),
    (
        "permission-source-account-int",
        "add_permission",
        ("P",),
        {"principal": S3, "source_account": 111111111111},
        (M,),
        r"source_account: 111111111111 \(a int\) is not a str",
    ),
    (
        "permission-source-account-short",
        "add_permission",
        ("P",),
        {"principal": S3, "source_account": "1111"},
        (M,),
        r"source_account: '1111' is not an AWS account id \(12 digits\)",
    ),
    (
        "permission-organization-int",
        "add_permission",
        ("P",),
        {"principal": S3, "organization_id": 7},
        (M,),
        r"organization_id: 7",
    ),
    (
        "event-source-str",
        "add_event_source",
        ("arn:aws:sqs:eu-west-1:111111111111:q",),
        {},
        (M,),
        r"source: 'arn:aws:sqs.*lambda.IEventSource",
    ),
    ("invoke-grantee-str", "grant_invoke", (ROLE_ARN,), {}, (M,), r"identity: .*iam.IGrantable"),
    ("invoke-url-grantee-none", "grant_invoke_url", (None,), {}, (M,), r"identity: is required"),
]


@pytest.fixture(scope="module")
def function(methods_stack: cdk.Stack) -> SecureFunction:
    return _function(methods_stack, {})


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "codes", "match"),
    [case[1:] for case in FUNCTION_METHOD_CASES],
    ids=[case[0] for case in FUNCTION_METHOD_CASES],
)
def test_bad_function_method_argument_is_one_error_with_its_code(
    function: SecureFunction,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    codes: tuple[str, ...],
    match: str,
) -> None:
    error = _method_error(function, method, args, kwargs, match)
    assert error.codes == codes
    assert error.where == f"SecureFunction at 'S/Worker'.{method}"


DM = "SC-DATABASE-17"
DATABASE_METHOD_CASES: list[MethodCase] = [
    (
        "allow-peer-str",
        "allow_from",
        ("10.0.0.0/16",),
        {},
        (DM,),
        r"peer: '10.0.0.0/16' \(a str\) is not an ec2.IConnectable",
    ),
    ("allow-peer-none", "allow_from", (None,), {}, (DM,), r"peer: is required"),
    (
        "allow-description-int",
        "allow_from",
        (ec2.Peer.ipv4("10.0.0.0/16"), 5),
        {},
        (DM,),
        r"description: 5 \(a int\) is not a str",
    ),
    (
        "allow-description-long",
        "allow_from",
        (ec2.Peer.ipv4("10.0.0.0/16"), "d" * 256),
        {},
        (DM,),
        r"description: a 256-character description",
    ),
    (
        "allow-public-peer-and-bad-description",
        "allow_from",
        (ec2.Peer.any_ipv4(), 5),
        {},
        (DM, "SC-DATABASE-13"),
        r"description: 5(.|\n)*0.0.0.0/0 is not a private",
    ),
    ("connect-grantee-str", "grant_connect", (ROLE_ARN, "app"), {}, (DM,), r"grantee: 'arn"),
    ("connect-user-none", "grant_connect", ("ROLE", None), {}, (DM,), r"db_user: is required"),
    ("connect-user-empty", "grant_connect", ("ROLE", " "), {}, (DM,), r"db_user: ' ' is empty"),
    ("secret-grantee-none", "grant_secret_read", (None,), {}, (DM,), r"grantee: is required"),
    ("secret-grantee-str", "grant_secret_read", ("app",), {}, (DM,), r"iam.IGrantable"),
    ("env-prefix-int", "connection_environment", (1,), {}, (DM,), r"prefix: 1 \(a int\)"),
    ("env-prefix-none", "connection_environment", (None,), {}, (DM,), r"prefix: is required"),
    (
        "env-prefix-dash",
        "connection_environment",
        ("DB-",),
        {},
        (DM,),
        r"prefix: 'DB-' cannot start an environment variable name",
    ),
    ("env-prefix-digit", "connection_environment", ("1DB_",), {}, (DM,), r"prefix: '1DB_'"),
]


@pytest.fixture(scope="module")
def database(methods_stack: cdk.Stack) -> SecureDatabase:
    return _database(methods_stack, {})


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "codes", "match"),
    [case[1:] for case in DATABASE_METHOD_CASES],
    ids=[case[0] for case in DATABASE_METHOD_CASES],
)
def test_bad_database_method_argument_is_one_error_with_its_code(
    database: SecureDatabase,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    codes: tuple[str, ...],
    match: str,
) -> None:
    error = _method_error(database, method, args, kwargs, match)
    assert error.codes == codes
    assert error.where == f"SecureDatabase at 'S/Db'.{method}"


def test_an_empty_prefix_is_accepted(database: SecureDatabase) -> None:
    assert "HOST" in database.connection_environment("")
