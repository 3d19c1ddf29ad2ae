"""The hardened settings of SecureDatabase, per engine, as data and small pure functions.

SecureDatabase only validates its inputs and wires these together; every secure default of
the database (TLS parameter, log exports, ports, rotation, monitoring role) is read here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct


class EngineKind(enum.StrEnum):
    """The database engines SecureDatabase builds (the CloudFormation ``Engine`` value)."""

    AURORA_POSTGRESQL = "aurora-postgresql"
    AURORA_MYSQL = "aurora-mysql"
    POSTGRES = "postgres"


#: Current engine versions (cfn-lint 1.58 knows them; Aurora MySQL 3.10 is a long-term
#: support release).
AURORA_POSTGRESQL_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9
AURORA_MYSQL_VERSION = rds.AuroraMysqlEngineVersion.VER_3_10_3
POSTGRES_VERSION = rds.PostgresEngineVersion.VER_17_9

#: Memory-optimised Graviton: supported by all three engines, Performance Insights included.
INSTANCE_TYPE = ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE)
#: Storage of a single RDS instance (gp3) unless told otherwise.
ALLOCATED_STORAGE_GIB = 100

#: Automated backups: the default, the floor the guardrail SC-RDS-3 enforces and RDS's cap.
BACKUP_RETENTION = cdk.Duration.days(30)
MIN_BACKUP_RETENTION_DAYS = 7
MAX_BACKUP_RETENTION_DAYS = 35

#: Aurora MySQL can rewind the cluster in place to undo a bad statement (AwsSolutions-RDS14).
BACKTRACK_WINDOW = cdk.Duration.hours(24)

#: Enhanced monitoring granularity; RDS accepts exactly these intervals (seconds).
MONITORING_INTERVAL = cdk.Duration.seconds(60)
MONITORING_INTERVALS_SECONDS = frozenset({1, 5, 10, 15, 30, 60})

#: Master password rotation: default and the longest interval SC-RDS-9 accepts.
ROTATION_INTERVAL = cdk.Duration.days(30)
MAX_ROTATION_DAYS = 90

#: Not the engine's own default (``postgres``/``admin``), which scanners flag (FSBP RDS.24).
MASTER_USERNAME = "dbadmin"
#: Default, reserved or well-known administrator names that RDS rejects or attackers guess.
RESERVED_USERNAMES = frozenset({"admin", "administrator", "master", "postgres", "rdsadmin", "root"})

#: RDS accepts these ports for Aurora and RDS for PostgreSQL.
MIN_PORT, MAX_PORT = 1150, 65535

#: Only the PostgreSQL/MySQL values that turn TLS enforcement on (compared lower-case).
_TLS_ON = frozenset({"1", "on", "true"})


@dataclass(frozen=True)
class EngineSettings:
    """Everything SecureDatabase hardens differently per engine.

    Parameters
    ----------
    tls_parameter, tls_value:
        The (cluster) parameter that rejects connections without TLS, and its value.
    parameters:
        The parameter group's other hardened values (connection and audit logging).
    log_exports:
        The logs exported to CloudWatch Logs (what cdk-nag ``RDSLoggingEnabled`` expects).
    port:
        The listener port: not the engine's well-known port (FSBP RDS.23, AwsSolutions-RDS11).
    well_known_port:
        The engine's default port, for the docs and the warning.
    log_group_kind:
        ``"cluster"`` or ``"instance"``: where RDS publishes the logs
        (``/aws/rds/<kind>/<identifier>/<log type>``).
    rotation:
        Factory of the Secrets Manager hosted rotation for the engine.
    client_tls_mode:
        The client setting that verifies the server certificate and host name (libpq
        ``sslmode`` / MySQL ``--ssl-mode``), for connection helpers.
    """

    tls_parameter: str
    tls_value: str
    parameters: Mapping[str, str]
    log_exports: tuple[str, ...]
    port: int
    well_known_port: int
    log_group_kind: str
    rotation: Callable[..., secretsmanager.HostedRotation]
    client_tls_mode: str

    def tls_is_on(self, value: str) -> bool:
        """Whether *value* of :attr:`tls_parameter` keeps TLS required."""
        return value.strip().lower() in _TLS_ON


_POSTGRES_LOGGING = MappingProxyType({"log_connections": "1", "log_disconnections": "1"})

ENGINES: Mapping[EngineKind, EngineSettings] = MappingProxyType(
    {
        EngineKind.AURORA_POSTGRESQL: EngineSettings(
            tls_parameter="rds.force_ssl",
            tls_value="1",
            parameters=_POSTGRES_LOGGING,
            log_exports=("postgresql",),
            port=5433,
            well_known_port=5432,
            log_group_kind="cluster",
            rotation=secretsmanager.HostedRotation.postgre_sql_single_user,
            client_tls_mode="verify-full",
        ),
        EngineKind.AURORA_MYSQL: EngineSettings(
            tls_parameter="require_secure_transport",
            tls_value="ON",
            # Advanced Auditing: logins and changes to users, grants and schema.
            parameters=MappingProxyType(
                {
                    "server_audit_logging": "1",
                    "server_audit_events": "CONNECT,QUERY_DCL,QUERY_DDL",
                    "slow_query_log": "1",
                    "log_output": "FILE",
                }
            ),
            log_exports=("audit", "error", "general", "slowquery"),
            port=3307,
            well_known_port=3306,
            log_group_kind="cluster",
            rotation=secretsmanager.HostedRotation.mysql_single_user,
            client_tls_mode="VERIFY_IDENTITY",
        ),
        EngineKind.POSTGRES: EngineSettings(
            tls_parameter="rds.force_ssl",
            tls_value="1",
            parameters=_POSTGRES_LOGGING,
            log_exports=("postgresql", "upgrade"),
            port=5433,
            well_known_port=5432,
            log_group_kind="instance",
            rotation=secretsmanager.HostedRotation.postgre_sql_single_user,
            client_tls_mode="verify-full",
        ),
    }
)


def parameters(kind: EngineKind, overrides: Mapping[str, str]) -> dict[str, str]:
    """The parameter group: TLS required and logging on, then the user's values merged in.

    SecureDatabase rejects overrides that turn the TLS parameter off before calling this.
    """
    settings = ENGINES[kind]
    return {settings.tls_parameter: settings.tls_value, **settings.parameters, **overrides}


def log_group_name(kind: EngineKind, identifier: str, log_type: str) -> str:
    """The log group RDS publishes *log_type* to; created beforehand, encrypted and expiring."""
    return f"/aws/rds/{ENGINES[kind].log_group_kind}/{identifier}/{log_type}"


def enhanced_monitoring_role(scope: Construct, construct_id: str) -> iam.Role:
    """The role RDS enhanced monitoring assumes, limited to its own log group.

    The AWS managed ``AmazonRDSEnhancedMonitoringRole`` policy allows every ``RDS*`` log
    group in every region; this customer-managed policy (child ``Policy``; not inline, which
    the NIST/HIPAA/PCI packs reject) allows only ``RDSOSMetrics``, the group the monitoring
    agent writes to, in the stack's account and region.
    """
    stack = cdk.Stack.of(scope)
    group = stack.format_arn(
        service="logs",
        resource="log-group",
        resource_name="RDSOSMetrics",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )
    role = iam.Role(
        scope,
        construct_id,
        assumed_by=iam.ServicePrincipal("monitoring.rds.amazonaws.com"),
        description="RDS enhanced monitoring: writes OS metrics to the RDSOSMetrics log group",
    )
    policy = iam.ManagedPolicy(
        role,
        "Policy",
        description="RDS enhanced monitoring: the RDSOSMetrics log group only",
        statements=[
            iam.PolicyStatement(
                sid="CreateAndExpireTheMetricsLogGroup",
                actions=["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
                resources=[group],
            ),
            iam.PolicyStatement(
                sid="WriteTheMetricsLogStreams",
                actions=[
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                    "logs:GetLogEvents",
                ],
                resources=[f"{group}:log-stream:*"],
            ),
        ],
    )
    role.add_managed_policy(policy)
    return role
