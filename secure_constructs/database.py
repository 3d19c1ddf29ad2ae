"""SecureDatabase: a relational database that requires TLS, hides its password, keeps data."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, IConstruct

from aspects.errors import Issue, SecureConstructsError
from aspects.settings import DEFAULT as DEFAULT_THRESHOLDS
from secure_constructs._defaults import enforce_rules, pin
from secure_constructs._defaults import rds as defaults
from secure_constructs._defaults.ec2 import declare_ingress_ports, declare_restricted_egress
from secure_constructs._defaults.kms import customer_managed_key
from secure_constructs._defaults.logs import DEFAULT_LOG_RETENTION, encrypted_log_group
from secure_constructs._defaults.rds import EngineKind
from secure_constructs._dropin import DropIn, drop_in
from secure_constructs._scanners import accept_cdk_nag
from secure_constructs._validation import (
    CONNECTABLE,
    Checks,
    is_token,
    literal_int,
    method_where,
    raise_if_any,
    select_subnets,
    where,
)

__all__ = [
    "ISOLATED_SUBNETS",
    "WARN_SINGLE_AZ",
    "DatabaseEngine",
    "EngineKind",
    "SecureDatabase",
]

#: Warning id of the one weakening SecureDatabase allows (``multi_az=False``).
WARN_SINGLE_AZ = "secure-constructs:SecureDatabase:single-az"

#: The default placement: subnets without any route to or from the internet.
ISOLATED_SUBNETS = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)

_T = TypeVar("_T")
_NO_PARAMETERS: Mapping[str, str] = MappingProxyType({})
_IDENTIFIER = re.compile(r"^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$")
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}$")
_MAX_BACKTRACK_HOURS = 72

EngineVersion = (
    rds.AuroraPostgresEngineVersion | rds.AuroraMysqlEngineVersion | rds.PostgresEngineVersion
)
_VERSION_TYPES: Mapping[EngineKind, type] = MappingProxyType(
    {
        EngineKind.AURORA_POSTGRESQL: rds.AuroraPostgresEngineVersion,
        EngineKind.AURORA_MYSQL: rds.AuroraMysqlEngineVersion,
        EngineKind.POSTGRES: rds.PostgresEngineVersion,
    }
)

_AURORA_BACKUP_PLAN_REASON = (
    "Aurora backs up the cluster volume, not its instances: automated cluster backups with "
    "point-in-time restore ({days} days), deletion protection and a final snapshot keep the "
    "data; AWS Backup selects Aurora by cluster, so a DB-instance backup selection does not "
    "apply."
)
_INSTANCE_BACKUP_PLAN_REASON = (
    "Automated backups with point-in-time restore ({days} days), deletion protection and a "
    "final snapshot on removal keep the data; AWS Backup plans are assigned centrally (tag- "
    "or organization-based backup policies), not by this construct."
)
_MONITORING_LOG_STREAM_REASON = (
    "RDS enhanced monitoring writes one log stream per DB instance, named by the instance's "
    "resource id, which is only known after creation: the role may write streams only in "
    "the RDSOSMetrics log group of this account and region."
)
_COMPLIANCE_PACKS = ("NIST.800.53.R5", "HIPAA.Security")


def _monitoring_stream_finding(scope: Construct) -> str:
    """The granular AwsSolutions-IAM5 finding id of the enhanced monitoring role's policy.

    cdk-nag writes the ARN as the template has it: a literal partition, region or account
    when the stack has one (an ``env``, ``@aws-cdk/core:enablePartitionLiterals``), else the
    pseudo parameter as ``<AWS::...>``.
    """
    stack = cdk.Stack.of(scope)

    def part(value: str, pseudo: str) -> str:
        return f"<{pseudo}>" if cdk.Token.is_unresolved(value) else value

    arn = (
        f"arn:{part(stack.partition, 'AWS::Partition')}:logs:"
        f"{part(stack.region, 'AWS::Region')}:{part(stack.account, 'AWS::AccountId')}"
        ":log-group:RDSOSMetrics:log-stream:*"
    )
    return f"AwsSolutions-IAM5[Resource::{arn}]"


@dataclass(frozen=True)
class DatabaseEngine:
    """Which engine SecureDatabase runs, with the settings that only that engine has.

    Build it with a factory: :meth:`aurora_postgresql` (the default), :meth:`aurora_mysql`
    or :meth:`postgres` (a single RDS for PostgreSQL instance, Multi-AZ).

    Parameters
    ----------
    kind:
        The engine.
    version:
        A version object of the same engine (e.g. ``rds.AuroraPostgresEngineVersion.VER_17_9``).
    backtrack_window:
        Aurora MySQL only: how far the cluster can be rewound in place. None turns
        backtracking off.
    allocated_storage_gib:
        RDS for PostgreSQL only: the gp3 storage to allocate.

    Raises
    ------
    SecureConstructsError
        If the version belongs to another engine or an option does not apply (SC-DATABASE-14).
    """

    kind: EngineKind
    version: EngineVersion
    backtrack_window: cdk.Duration | None = None
    allocated_storage_gib: int | None = None

    def __post_init__(self) -> None:
        checks = Checks("SC-DATABASE-14")
        if not checks.member("kind", self.kind, EngineKind):
            raise SecureConstructsError("DatabaseEngine", checks.issues)
        checks.duration("backtrack_window", self.backtrack_window, optional=True)
        checks.integer("allocated_storage_gib", self.allocated_storage_gib, optional=True)
        issues = checks.issues
        expected = _VERSION_TYPES[self.kind]
        if not isinstance(self.version, expected):
            issues.append(
                Issue(
                    "SC-DATABASE-14",
                    "version",
                    f"{type(self.version).__name__} is not a version of {self.kind}.",
                    f"pass an rds.{expected.__name__}, or use the DatabaseEngine factory "
                    "of the engine you want.",
                )
            )
        if isinstance(self.backtrack_window, cdk.Duration):
            hours = self.backtrack_window.to_hours(integral=False)
            if self.kind is not EngineKind.AURORA_MYSQL or not 0 < hours <= _MAX_BACKTRACK_HOURS:
                issues.append(
                    Issue(
                        "SC-DATABASE-14",
                        "backtrack_window",
                        f"{self.backtrack_window.to_human_string()} is not possible for "
                        f"{self.kind}.",
                        f"backtracking exists only for Aurora MySQL, up to "
                        f"{_MAX_BACKTRACK_HOURS} hours.",
                    )
                )
        storage = literal_int(self.allocated_storage_gib)
        if storage is not None and (
            self.kind is not EngineKind.POSTGRES or not 20 <= storage <= 65536
        ):
            issues.append(
                Issue(
                    "SC-DATABASE-14",
                    "allocated_storage_gib",
                    f"{self.allocated_storage_gib} GiB is not possible for {self.kind}.",
                    "only RDS for PostgreSQL allocates storage: 20 to 65536 GiB (Aurora "
                    "grows its volume by itself).",
                )
            )
        if issues:
            raise SecureConstructsError("DatabaseEngine", issues)

    @classmethod
    def aurora_postgresql(
        cls,
        version: rds.AuroraPostgresEngineVersion = defaults.AURORA_POSTGRESQL_VERSION,
    ) -> DatabaseEngine:
        """Aurora PostgreSQL: a writer and, with Multi-AZ, a reader in another zone."""
        return cls(EngineKind.AURORA_POSTGRESQL, version)

    @classmethod
    def aurora_mysql(
        cls,
        version: rds.AuroraMysqlEngineVersion = defaults.AURORA_MYSQL_VERSION,
        *,
        backtrack_window: cdk.Duration | None = defaults.BACKTRACK_WINDOW,
    ) -> DatabaseEngine:
        """Aurora MySQL, with backtracking (default 24 hours) and Advanced Auditing on."""
        return cls(EngineKind.AURORA_MYSQL, version, backtrack_window=backtrack_window)

    @classmethod
    def postgres(
        cls,
        version: rds.PostgresEngineVersion = defaults.POSTGRES_VERSION,
        *,
        allocated_storage_gib: int = defaults.ALLOCATED_STORAGE_GIB,
    ) -> DatabaseEngine:
        """A single RDS for PostgreSQL instance (a standby in another zone with Multi-AZ)."""
        return cls(EngineKind.POSTGRES, version, allocated_storage_gib=allocated_storage_gib)

    @property
    def is_cluster(self) -> bool:
        """Whether the engine runs as an Aurora cluster (else one RDS instance)."""
        return self.kind is not EngineKind.POSTGRES

    @property
    def settings(self) -> defaults.EngineSettings:
        """The hardened per-engine settings (TLS parameter, log exports, port...)."""
        return defaults.ENGINES[self.kind]

    def cluster_engine(self) -> rds.IClusterEngine:
        """The CDK cluster engine (Aurora kinds only)."""
        if isinstance(self.version, rds.AuroraPostgresEngineVersion):
            return rds.DatabaseClusterEngine.aurora_postgres(version=self.version)
        if isinstance(self.version, rds.AuroraMysqlEngineVersion):
            return rds.DatabaseClusterEngine.aurora_mysql(version=self.version)
        raise TypeError(f"{self.kind} is not an Aurora engine")

    def instance_engine(self) -> rds.IInstanceEngine:
        """The CDK instance engine (RDS for PostgreSQL only)."""
        if isinstance(self.version, rds.PostgresEngineVersion):
            return rds.DatabaseInstanceEngine.postgres(version=self.version)
        raise TypeError(f"{self.kind} is not an RDS instance engine")


#: What SecureDatabase runs unless told otherwise.
DEFAULT_ENGINE = DatabaseEngine.aurora_postgresql()


@drop_in(ec2.IConnectable, attr="_database")
class SecureDatabase(Construct, DropIn):
    """A database that requires TLS, hides its password, logs, and is neither public nor lost.

    Defaults (each implements a guardrail rule):

    * Storage, snapshots, Performance Insights, the master secret and the log groups
      encrypted with one customer-managed key with rotation (SC-RDS-1, SC-KMS-1).
    * A master password of 30 characters of every class generated into Secrets Manager
      (never in the template), rotated every 30 days by a Secrets Manager hosted rotation,
      retained on removal and protected from deletion by its resource policy (SC-RDS-2,
      SC-RDS-9, SC-RDS-16, SC-RDS-17, SC-RDS-18); IAM database authentication on
      (SC-RDS-14).
    * Automated backups kept 30 days, deletion protection, a final snapshot on removal or
      replacement, tags copied to snapshots, automated backups kept after deletion
      (SC-RDS-3, SC-RDS-4, SC-RDS-5, SC-RDS-15).
    * Multi-AZ: an Aurora reader pinned to a second zone, or an RDS Multi-AZ standby
      (SC-RDS-6).
    * A custom (cluster) parameter group that rejects connections without TLS
      (``rds.force_ssl=1`` / ``require_secure_transport=ON``) and logs every connection
      and disconnection (``log_connections`` / Advanced Auditing) (SC-RDS-7, SC-RDS-13).
    * Isolated subnets, never publicly accessible, a security group that admits only the
      peers you allow, a non-default port (SC-RDS-8).
    * The engine's logs exported to CloudWatch Logs groups created beforehand with a KMS key
      and a finite retention; enhanced monitoring every 60 s with a least-privilege role;
      automatic minor version upgrades (SC-RDS-10, SC-RDS-11, SC-RDS-12, SC-LOGS-1/2).

    The hosted rotation function runs in the database's subnets and calls the Secrets
    Manager API: give those subnets a NAT route, or pass ``secrets_manager_endpoint`` (an
    interface endpoint of the VPC), in which case the function may reach nothing else.

    Parameters
    ----------
    scope, construct_id:
        As for any construct. Children: ``Key``, ``SecurityGroup``,
        ``RotationSecurityGroup``, ``MonitoringRole``, ``Parameters``, one ``<Type>Logs``
        log group per exported log, ``Cluster`` or ``Instance``, ``Rotation``.
    vpc:
        The VPC to place the database in.
    engine:
        Default Aurora PostgreSQL 17 (:data:`DEFAULT_ENGINE`). See :class:`DatabaseEngine`.
    vpc_subnets:
        Default the VPC's isolated subnets. Public subnets are rejected; the subnets must
        span at least two availability zones.
    instance_type:
        Default ``r6g.large`` for every instance.
    multi_az:
        Default True. False (one Aurora instance, or no RDS standby) is a weakening for
        development databases: it emits the warning ``WARN_SINGLE_AZ`` and the guardrails
        report SC-RDS-6 (warning severity) on the database.
    port:
        Default None: 5433 for PostgreSQL, 3307 for MySQL (not the engine's well-known port).
    master_username:
        Default ``"dbadmin"``. The engine's default administrator names are rejected.
    credentials:
        Default None: a password generated into a new secret encrypted with the key. To
        bring your own secret (JSON with ``username`` and ``password``; its username wins
        over ``master_username``), pass ``rds.Credentials.from_secret(secret)``: it is
        attached, rotated and (a ``secretsmanager.Secret`` of the app) retained like the
        generated one (an imported secret encrypted with a key CDK does not know cannot be
        decrypted by the rotation). Credentials that carry a password are rejected.
    default_database_name:
        A database to create. Default: none (the engine's own only).
    parameters:
        Parameters merged into the parameter group after the hardened ones. Setting the TLS
        parameter to anything but on is rejected.
    encryption_key:
        Bring your own customer-managed key (its policy must let CloudWatch Logs use it).
        Default: a new key with rotation, always retained.
    backup_retention:
        Default 30 days; 7 to 35 days are accepted.
    preferred_backup_window, preferred_maintenance_window:
        ``hh24:mi-hh24:mi`` / ``ddd:hh24:mi-ddd:hh24:mi`` in UTC. Default: chosen by RDS.
    removal_policy:
        Default SNAPSHOT (a final snapshot when the database is removed or replaced);
        RETAIN and RETAIN_ON_UPDATE_OR_DELETE are accepted, DESTROY is rejected.
    log_retention:
        How long the exported logs are kept. Default one year; INFINITE is rejected.
    monitoring_interval:
        Enhanced monitoring granularity. Default 60 seconds (1, 5, 10, 15, 30 or 60).
    performance_insights:
        Default True, encrypted with the key, 7 days retention (the free tier).
    rotation_interval:
        How often the master password rotates. Default 30 days; 1 to 90 days are accepted.
    secrets_manager_endpoint:
        The VPC's Secrets Manager interface endpoint. When given, the rotation function
        reaches only it and the database; otherwise it may call HTTPS anywhere.
    identifier:
        The cluster or instance identifier (lowercase). Default: derived from the construct
        path, so the log groups can be created before the database.

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
        vpc: ec2.IVpc,
        engine: DatabaseEngine = DEFAULT_ENGINE,
        vpc_subnets: ec2.SubnetSelection = ISOLATED_SUBNETS,
        instance_type: ec2.InstanceType = defaults.INSTANCE_TYPE,
        multi_az: bool = True,
        port: int | None = None,
        master_username: str = defaults.MASTER_USERNAME,
        credentials: rds.Credentials | None = None,
        default_database_name: str | None = None,
        parameters: Mapping[str, str] = _NO_PARAMETERS,
        encryption_key: kms.IKey | None = None,
        backup_retention: cdk.Duration = defaults.BACKUP_RETENTION,
        preferred_backup_window: str | None = None,
        preferred_maintenance_window: str | None = None,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.SNAPSHOT,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        monitoring_interval: cdk.Duration = defaults.MONITORING_INTERVAL,
        performance_insights: bool = True,
        rotation_interval: cdk.Duration = defaults.ROTATION_INTERVAL,
        secrets_manager_endpoint: ec2.IInterfaceVpcEndpoint | None = None,
        identifier: str | None = None,
    ) -> None:
        checks = _input_checks(
            scope,
            construct_id,
            vpc=vpc,
            engine=engine,
            vpc_subnets=vpc_subnets,
            instance_type=instance_type,
            multi_az=multi_az,
            master_username=master_username,
            credentials=credentials,
            default_database_name=default_database_name,
            parameters=parameters,
            encryption_key=encryption_key,
            backup_retention=backup_retention,
            preferred_backup_window=preferred_backup_window,
            preferred_maintenance_window=preferred_maintenance_window,
            removal_policy=removal_policy,
            log_retention=log_retention,
            monitoring_interval=monitoring_interval,
            performance_insights=performance_insights,
            rotation_interval=rotation_interval,
            secrets_manager_endpoint=secrets_manager_endpoint,
            identifier=identifier,
        )
        range_issues = _range_issues(
            checks,
            scope=scope,
            engine=engine,
            vpc=vpc,
            vpc_subnets=vpc_subnets,
            port=port,
            master_username=master_username,
            credentials=credentials,
            parameters=parameters,
            backup_retention=backup_retention,
            removal_policy=removal_policy,
            log_retention=log_retention,
            monitoring_interval=monitoring_interval,
            rotation_interval=rotation_interval,
            identifier=identifier,
        )
        raise_if_any(where("SecureDatabase", scope, construct_id), [*checks.issues, *range_issues])
        super().__init__(scope, construct_id)
        settings = engine.settings
        self.engine = engine
        self.port: int = settings.port if port is None else port
        self.identifier: str = identifier if identifier is not None else self._derived_id()
        self.multi_az = multi_az

        self.encryption_key: kms.IKey = encryption_key or customer_managed_key(
            self,
            "Key",
            description=f"Encrypts the database {self.node.path}: storage, snapshots, "
            "Performance Insights, master secret and logs",
        )
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description=f"Database {self.node.path}: admits only the peers it is granted to",
            allow_all_outbound=False,
        )
        self.rotation_security_group = ec2.SecurityGroup(
            self,
            "RotationSecurityGroup",
            vpc=vpc,
            description=f"Master password rotation of {self.node.path}",
            allow_all_outbound=False,
        )
        # Neither group lets anything out to the internet but HTTPS to Secrets Manager
        # (guardrail SC-NET-1 holds the template to it).
        declare_restricted_egress(self.security_group, world_ports=())
        declare_restricted_egress(self.rotation_security_group, world_ports=(443,))
        declare_ingress_ports(self.security_group, self.port)  # SC-NET-3
        declare_ingress_ports(self.rotation_security_group)
        self.monitoring_role = defaults.enhanced_monitoring_role(self, "MonitoringRole")
        self.parameter_group = rds.ParameterGroup(
            self,
            "Parameters",
            engine=engine.cluster_engine() if engine.is_cluster else engine.instance_engine(),
            description=f"{self.node.path}: TLS required, connections logged",
            parameters=defaults.parameters(engine.kind, parameters),
        )
        self.log_groups: dict[str, logs.LogGroup] = {
            log_type: encrypted_log_group(
                self,
                f"{log_type.capitalize()}Logs",
                encryption_key=self.encryption_key,
                retention=log_retention,
                log_group_name=defaults.log_group_name(engine.kind, self.identifier, log_type),
            )
            for log_type in settings.log_exports
        }
        db_credentials = credentials or rds.Credentials.from_generated_secret(
            master_username, encryption_key=self.encryption_key
        )
        common: dict[str, Any] = {
            "vpc": vpc,
            "vpc_subnets": vpc_subnets,
            "security_groups": [self.security_group],
            "port": self.port,
            "credentials": db_credentials,
            "storage_encrypted": True,
            "storage_encryption_key": self.encryption_key,
            "parameter_group": self.parameter_group,
            "deletion_protection": True,
            "delete_automated_backups": False,
            "removal_policy": removal_policy,
            "copy_tags_to_snapshot": True,
            "iam_authentication": True,
            "cloudwatch_logs_exports": list(settings.log_exports),
            "monitoring_interval": monitoring_interval,
            "monitoring_role": self.monitoring_role,
            "preferred_maintenance_window": preferred_maintenance_window,
        }
        member: dict[str, Any] = {
            "instance_type": instance_type,
            "publicly_accessible": False,
            "auto_minor_version_upgrade": True,
            "ca_certificate": rds.CaCertificate.RDS_CA_RSA2048_G1,
            "enable_performance_insights": performance_insights,
            "performance_insight_encryption_key": (
                self.encryption_key if performance_insights else None
            ),
        }
        self.database_name = default_database_name
        self.cluster: rds.DatabaseCluster | None = None
        self.instance: rds.DatabaseInstance | None = None
        self._database: rds.DatabaseCluster | rds.DatabaseInstance
        if engine.is_cluster:
            zones = select_subnets(vpc, vpc_subnets).availability_zones
            self._database = self.cluster = rds.DatabaseCluster(
                self,
                "Cluster",
                engine=engine.cluster_engine(),
                cluster_identifier=self.identifier,
                writer=rds.ClusterInstance.provisioned(
                    "Writer", availability_zone=zones[0], **member
                ),
                readers=[
                    rds.ClusterInstance.provisioned("Reader", availability_zone=zones[1], **member)
                ]
                if multi_az
                else None,
                backup=rds.BackupProps(
                    retention=backup_retention, preferred_window=preferred_backup_window
                ),
                backtrack_window=engine.backtrack_window,
                default_database_name=default_database_name,
                **common,
            )
            self.endpoint: rds.Endpoint = self.cluster.cluster_endpoint
        else:
            self._database = self.instance = rds.DatabaseInstance(
                self,
                "Instance",
                engine=engine.instance_engine(),
                instance_identifier=self.identifier,
                multi_az=multi_az,
                storage_type=rds.StorageType.GP3,
                allocated_storage=engine.allocated_storage_gib,
                backup_retention=backup_retention,
                preferred_backup_window=preferred_backup_window,
                database_name=default_database_name,
                **member,
                **common,
            )
            self.endpoint = self.instance.instance_endpoint
        # Minor upgrades, enhanced monitoring and IAM authentication are what the construct
        # builds: undoing one by escape hatch is an error here, a warning elsewhere.
        enforce_rules(
            self._database,
            "SC-RDS-10",
            "SC-RDS-12",
            "SC-RDS-14",
            *(("SC-RDS-6",) if multi_az else ()),
        )
        # Its own security group, never the VPC's default one (guardrail SC-PIN-1).
        pin(
            self._database,
            present=("VpcSecurityGroupIds",) if engine.is_cluster else ("VPCSecurityGroups",),
        )
        for group in self.log_groups.values():
            # RDS would otherwise create the groups itself: unencrypted, never expiring.
            _l1(self._database).node.add_dependency(group)

        self.secret: secretsmanager.ISecret = _required(self._database.secret)
        master = (
            self._database.node.try_find_child("Secret")
            if credentials is None
            else credentials.secret
        )
        if isinstance(master, secretsmanager.Secret):
            # A snapshot is of little use without its password: keep the secret (generated
            # or given, when it is defined in the app) as long (guardrail SC-RDS-17).
            master.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        self.rotation = secretsmanager.RotationSchedule(
            self,
            "Rotation",
            secret=self.secret,
            hosted_rotation=settings.rotation(
                vpc=vpc,
                vpc_subnets=vpc_subnets,
                security_groups=[self.rotation_security_group],
            ),
            automatically_after=rotation_interval,
        )
        self._connect_rotation(secrets_manager_endpoint)
        self._accept_inherent_findings(backup_retention)
        if not multi_az:
            cdk.Annotations.of(self).add_warning_v2(
                WARN_SINGLE_AZ,
                "multi_az=False: an availability-zone outage stops the database and may lose "
                "the writes since the last backup (guardrail SC-RDS-6 reports it as a "
                "warning). Use it for development databases only.",
            )

    # -- wiring -----------------------------------------------------------------------------

    def _derived_id(self) -> str:
        """A lowercase identifier unique in the account and region (stack name + path)."""
        raw = cdk.Names.unique_resource_name(self, max_length=55, separator="-").lower()
        name = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", raw)).strip("-")
        return name if name[:1].isalpha() else f"db-{name}"[:55].rstrip("-")

    def _connect_rotation(self, endpoint: ec2.IInterfaceVpcEndpoint | None) -> None:
        """The rotation function may reach the database and the Secrets Manager API only."""
        self.connections.allow_from(
            self.rotation_security_group,
            ec2.Port.tcp(self.port),
            "Secrets Manager rotation of the master password",
        )
        if endpoint is not None:
            # From the rotation group's side: the rule then lands where CDK can reference
            # both groups without a cycle when the endpoint lives in another stack.
            self.rotation_security_group.connections.allow_to_default_port(
                endpoint, f"Secrets Manager API for {self.node.path} rotation"
            )
        else:
            self.rotation_security_group.add_egress_rule(
                ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "Secrets Manager API over HTTPS"
            )

    def _accept_inherent_findings(self, backup_retention: cdk.Duration) -> None:
        """What the external scanners report on a SecureDatabase, and why it stays.

        cdk-nag's IAM5 flags the monitoring role's ``log-stream:*`` (stream names are only
        known once the instances exist); NIST/HIPAA ``RDSInBackupPlan`` wants every DB
        instance in an AWS Backup selection (Aurora backs up clusters, not instances; plans
        are an account-level decision). Each is acknowledged on its one L1 resource.
        """
        policy = self.monitoring_role.node.find_child("Policy")
        accept_cdk_nag(
            _l1(policy), [_monitoring_stream_finding(self)], _MONITORING_LOG_STREAM_REASON
        )
        days = int(backup_retention.to_days(integral=False))
        reason = (
            _AURORA_BACKUP_PLAN_REASON if self.cluster is not None else _INSTANCE_BACKUP_PLAN_REASON
        ).format(days=days)
        members = [
            child
            for child in self._database.node.children
            if isinstance(child.node.default_child, rds.CfnDBInstance)
        ]
        instances = [_l1(m) for m in members] if self.cluster else [_l1(self._database)]
        for instance in instances:
            accept_cdk_nag(
                instance, [f"{pack}-RDSInBackupPlan" for pack in _COMPLIANCE_PACKS], reason
            )

    # -- what users need -------------------------------------------------------------------

    @property
    def connections(self) -> ec2.Connections:
        """The database's network connections (its security group, default port)."""
        return self._database.connections

    @property
    def hostname(self) -> str:
        """The writer endpoint's DNS name."""
        return self.endpoint.hostname

    def allow_from(self, peer: ec2.IConnectable, description: str | None = None) -> None:
        """Admit *peer* on the database port.

        *peer* is a security group, a construct with connections (a Lambda function in the
        VPC...), a private CIDR or a prefix list. A CIDR given as a token
        (``vpc.vpc_cidr_block``) cannot be checked here and is accepted; the guardrail
        SC-EC2-1 still judges the synthesized rule.

        Raises
        ------
        SecureConstructsError
            If *peer* is not an ``ec2.IConnectable`` or *description* not a str of at most
            255 characters (SC-DATABASE-17), or the peer is an address range that is not
            private (SC-DATABASE-13): the database is never reachable from the internet.
        """
        checks = Checks(_METHOD)
        checks.interface(
            "peer",
            peer,
            CONNECTABLE,
            "an ec2.IConnectable",
            "pass a security group, a construct with connections (a SecureFunction in the "
            "VPC...), or ec2.Peer.ipv4('10.0.0.0/16').",
        )
        if (
            checks.string("description", description, optional=True, empty=True)
            and isinstance(description, str)
            and not is_token(description)
            and len(description) > _MAX_RULE_DESCRIPTION
        ):
            checks.add(
                _METHOD,
                "description",
                f"a {len(description)}-character description is longer than the "
                f"{_MAX_RULE_DESCRIPTION} EC2 allows for a security group rule.",
                "shorten it.",
            )
        cidr = getattr(peer, "unique_id", None) if checks.ok("peer") else None
        if isinstance(cidr, str) and not cdk.Token.is_unresolved(cidr):
            try:
                network = ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                network = None  # a security group or prefix list id
            if network is not None and not network.is_private:
                checks.add(
                    "SC-DATABASE-13",
                    "peer",
                    f"{cidr} is not a private address range: the database must never "
                    "be reachable from the internet.",
                    "allow a security group (the client's), a private CIDR of the "
                    "VPC or a peered network, or a prefix list.",
                )
        raise_if_any(method_where("SecureDatabase", self, "allow_from"), checks.issues)
        self.connections.allow_from(
            peer, ec2.Port.tcp(self.port), description or f"Database clients of {self.node.path}"
        )

    def grant_connect(self, grantee: iam.IGrantable, db_user: str) -> iam.Grant:
        """Allow *grantee* to sign in as *db_user* with IAM database authentication.

        The database user must exist and be granted ``rds_iam`` (PostgreSQL) or be
        identified ``WITH AWSAuthenticationPlugin AS 'RDS'`` (MySQL).

        Raises
        ------
        SecureConstructsError
            If *grantee* is not an ``iam.IGrantable`` or *db_user* is not a non-empty str
            (SC-DATABASE-17).
        """
        checks = Checks(_METHOD)
        checks.grantee("grantee", grantee)
        checks.string("db_user", db_user)
        raise_if_any(method_where("SecureDatabase", self, "grant_connect"), checks.issues)
        if self.cluster is not None:
            return self.cluster.grant_connect(grantee, db_user)
        return _required(self.instance).grant_connect(grantee, db_user)

    def grant_secret_read(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow *grantee* to read the master secret (and decrypt it with the key).

        Raises
        ------
        SecureConstructsError
            If *grantee* is not an ``iam.IGrantable`` (SC-DATABASE-17).
        """
        checks = Checks(_METHOD)
        checks.grantee("grantee", grantee)
        raise_if_any(method_where("SecureDatabase", self, "grant_secret_read"), checks.issues)
        return self.secret.grant_read(grantee)

    def connection_environment(self, prefix: str = "DB_") -> dict[str, str]:
        """Environment variables a client needs: host, port, TLS mode, secret ARN (and name).

        No password: clients read it from the secret (:meth:`grant_secret_read`) or sign in
        with IAM (:meth:`grant_connect`). ``TLS_MODE`` is the client setting that verifies
        the server certificate and host name against the RDS CA bundle (libpq
        ``sslmode=verify-full``, MySQL ``--ssl-mode=VERIFY_IDENTITY``).

        Raises
        ------
        SecureConstructsError
            If *prefix* is not a str that starts an environment variable name: a letter,
            then letters, digits and underscores; it may be empty (SC-DATABASE-17).
        """
        checks = Checks(_METHOD)
        if (
            checks.string("prefix", prefix, empty=True)
            and isinstance(prefix, str)
            and not _ENV_PREFIX.match(prefix)
        ):
            checks.add(
                _METHOD,
                "prefix",
                f"{prefix!r} cannot start an environment variable name (a letter, then "
                "letters, digits and underscores).",
                "pass e.g. prefix='DB_' or prefix='ORDERS_DB_', or '' for no prefix.",
            )
        raise_if_any(method_where("SecureDatabase", self, "connection_environment"), checks.issues)
        env = {
            f"{prefix}HOST": self.endpoint.hostname,
            f"{prefix}PORT": str(self.port),
            f"{prefix}TLS_MODE": self.engine.settings.client_tls_mode,
            f"{prefix}SECRET_ARN": self.secret.secret_arn,
        }
        if self.database_name is not None:
            env[f"{prefix}NAME"] = self.database_name
        return env


def _required(value: _T | None) -> _T:
    if value is None:  # pragma: no cover - CDK always creates it
        raise TypeError("expected a value")
    return value


def _l1(construct: IConstruct) -> cdk.CfnResource:
    """The L1 resource of an L2 construct (acknowledgments are scoped to it)."""
    child = construct if isinstance(construct, cdk.CfnResource) else construct.node.default_child
    if not isinstance(child, cdk.CfnResource):  # pragma: no cover - CDK always creates it
        raise TypeError(f"{construct.node.path} has no CloudFormation resource")
    return child


def _range_issues(
    checks: Checks,
    *,
    scope: Construct,
    engine: object,
    vpc: object,
    vpc_subnets: object,
    port: object,
    master_username: object,
    credentials: object,
    parameters: object,
    backup_retention: object,
    removal_policy: object,
    log_retention: object,
    monitoring_interval: object,
    rotation_interval: object,
    identifier: object,
) -> list[Issue]:
    issues: list[Issue] = []
    engine_ok = isinstance(engine, DatabaseEngine)
    if checks.ok("vpc", "vpc_subnets") and isinstance(vpc_subnets, ec2.SubnetSelection):
        issues += _subnet_issues(vpc, vpc_subnets)  # type: ignore[arg-type]
    if engine_ok and checks.ok("parameters") and isinstance(parameters, Mapping):
        issues += _tls_issues(engine, parameters)  # type: ignore[arg-type]
    if checks.ok("scope", "credentials") and isinstance(credentials, rds.Credentials):
        issues += _credential_issues(scope, credentials)
    if isinstance(backup_retention, cdk.Duration):
        issues += _backup_issues(backup_retention)
    if removal_policy == cdk.RemovalPolicy.DESTROY:
        issues.append(
            Issue(
                "SC-DATABASE-6",
                "removal_policy",
                "RemovalPolicy.DESTROY deletes the database and its data without a final "
                "snapshot (guardrail SC-RDS-5).",
                "use RemovalPolicy.SNAPSHOT (default) or RETAIN.",
            )
        )
    if (
        credentials is None
        and isinstance(master_username, str)
        and checks.ok("master_username")
        and (
            not _USERNAME.match(master_username)
            or master_username.lower() in defaults.RESERVED_USERNAMES
        )
    ):
        issues.append(
            Issue(
                "SC-DATABASE-7",
                "master_username",
                f"{master_username!r} is a default, reserved or invalid administrator name.",
                "use 1-16 letters, digits and underscores starting with a letter, other "
                f"than {', '.join(sorted(defaults.RESERVED_USERNAMES))} (default "
                f"{defaults.MASTER_USERNAME!r}).",
            )
        )
    literal = literal_int(port)
    if port is not None and (
        literal is None or not defaults.MIN_PORT <= literal <= defaults.MAX_PORT
    ):
        default = engine.settings.port if isinstance(engine, DatabaseEngine) else "the default"
        issues.append(
            Issue(
                "SC-DATABASE-8",
                "port",
                f"{port!r} is not a port RDS accepts.",
                f"use {defaults.MIN_PORT}-{defaults.MAX_PORT}, or omit it for {default}.",
            )
        )
    if (
        isinstance(monitoring_interval, cdk.Duration)
        and monitoring_interval.to_seconds(integral=False)
        not in defaults.MONITORING_INTERVALS_SECONDS
    ):
        issues.append(
            Issue(
                "SC-DATABASE-9",
                "monitoring_interval",
                f"{monitoring_interval.to_human_string()} is not an enhanced monitoring interval.",
                "use 1, 5, 10, 15, 30 or 60 seconds (default 60).",
            )
        )
    rotation_days = (
        rotation_interval.to_days(integral=False)
        if isinstance(rotation_interval, cdk.Duration)
        else 1
    )
    if not 1 <= rotation_days <= defaults.MAX_ROTATION_DAYS or rotation_days != int(rotation_days):
        issues.append(
            Issue(
                "SC-DATABASE-10",
                "rotation_interval",
                f"rotating the master password every {_human(rotation_interval)} "
                f"is outside 1-{defaults.MAX_ROTATION_DAYS} days (guardrail SC-RDS-9).",
                "use a whole number of days up to 90 (default 30).",
            )
        )
    if (
        isinstance(identifier, str)
        and checks.ok("identifier")
        and not is_token(identifier)
        and not _IDENTIFIER.match(identifier)
    ):
        issues.append(
            Issue(
                "SC-DATABASE-11",
                "identifier",
                f"{identifier!r} is not a valid RDS identifier.",
                "use 1-63 lowercase letters, digits and single hyphens, starting with a "
                "letter and not ending with a hyphen, or omit it.",
            )
        )
    if log_retention == logs.RetentionDays.INFINITE:
        issues.append(
            Issue(
                "SC-DATABASE-12",
                "log_retention",
                "RetentionDays.INFINITE keeps the database logs forever (guardrail SC-LOGS-2).",
                "pick a finite RetentionDays value (default ONE_YEAR).",
            )
        )
    return issues


_TYPE = "SC-DATABASE-15"
#: The code of a wrong argument to a method (``allow_from``, ``grant_connect``...).
_METHOD = "SC-DATABASE-17"
_MAX_RULE_DESCRIPTION = 255
_ENV_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)?$")
_DATABASE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
_TIME = r"([01]\d|2[0-3]):[0-5]\d"
_DAY = r"(mon|tue|wed|thu|fri|sat|sun)"
_BACKUP_WINDOW = re.compile(rf"^{_TIME}-{_TIME}$")
_MAINTENANCE_WINDOW = re.compile(rf"^{_DAY}:{_TIME}-{_DAY}:{_TIME}$", re.IGNORECASE)


def _input_checks(
    scope: object,
    construct_id: object,
    *,
    vpc: object,
    engine: object,
    vpc_subnets: object,
    instance_type: object,
    multi_az: object,
    master_username: object,
    credentials: object,
    default_database_name: object,
    parameters: object,
    encryption_key: object,
    backup_retention: object,
    preferred_backup_window: object,
    preferred_maintenance_window: object,
    removal_policy: object,
    log_retention: object,
    monitoring_interval: object,
    performance_insights: object,
    rotation_interval: object,
    secrets_manager_endpoint: object,
    identifier: object,
) -> Checks:
    """The type of every option (SC-DATABASE-15), names and windows (SC-DATABASE-16)."""
    checks = Checks(_TYPE)
    checks.scope(scope, construct_id)
    checks.interface(
        "vpc",
        vpc,
        ("vpc_id", "select_subnets"),
        "an ec2.IVpc",
        "pass the ec2.Vpc (or ec2.Vpc.from_vpc_attributes(...)) to place the database in.",
    )
    checks.instance(
        "engine",
        engine,
        DatabaseEngine,
        "a DatabaseEngine",
        "pass DatabaseEngine.aurora_postgresql(), .aurora_mysql() or .postgres().",
    )
    checks.instance(
        "vpc_subnets",
        vpc_subnets,
        ec2.SubnetSelection,
        "an ec2.SubnetSelection",
        "pass ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED) (default).",
    )
    checks.instance(
        "instance_type",
        instance_type,
        ec2.InstanceType,
        "an ec2.InstanceType",
        "pass e.g. ec2.InstanceType('r6g.large') or InstanceType.of(...).",
    )
    checks.boolean("multi_az", multi_az)
    checks.boolean("performance_insights", performance_insights)
    checks.string("master_username", master_username)
    checks.instance(
        "credentials",
        credentials,
        rds.Credentials,
        "an rds.Credentials",
        "omit it, or pass rds.Credentials.from_secret(secret).",
        optional=True,
    )
    if (
        checks.string("default_database_name", default_database_name, optional=True)
        and isinstance(default_database_name, str)
        and not is_token(default_database_name)
        and not _DATABASE_NAME.match(default_database_name)
    ):
        checks.add(
            "SC-DATABASE-16",
            "default_database_name",
            f"{default_database_name!r} is not a database name RDS accepts.",
            "use 1-63 letters, digits and underscores starting with a letter, or omit it.",
        )
    if checks.mapping("parameters", parameters, optional=False):
        checks.strings("parameters", parameters)
    checks.kms_key("encryption_key", encryption_key)
    for name, value, pattern, example in (
        ("preferred_backup_window", preferred_backup_window, _BACKUP_WINDOW, "03:00-04:00"),
        (
            "preferred_maintenance_window",
            preferred_maintenance_window,
            _MAINTENANCE_WINDOW,
            "sun:04:30-sun:05:30",
        ),
    ):
        if (
            checks.string(name, value, optional=True)
            and isinstance(value, str)
            and not is_token(value)
            and not pattern.match(value)
        ):
            checks.add(
                "SC-DATABASE-16",
                name,
                f"{value!r} is not a window RDS accepts (UTC, 24-hour clock).",
                f"pass e.g. {example!r}, or omit it to let RDS choose.",
            )
    checks.member("removal_policy", removal_policy, cdk.RemovalPolicy)
    checks.log_retention(
        "log_retention", log_retention, DEFAULT_THRESHOLDS.log_retention_days, "the database logs"
    )
    for name, value in (
        ("backup_retention", backup_retention),
        ("monitoring_interval", monitoring_interval),
        ("rotation_interval", rotation_interval),
    ):
        checks.duration(name, value)
    checks.interface(
        "secrets_manager_endpoint",
        secrets_manager_endpoint,
        ("vpc_endpoint_id", "connections"),
        "an ec2.IInterfaceVpcEndpoint",
        "pass the VPC's Secrets Manager interface endpoint, or omit it.",
        optional=True,
    )
    checks.string("identifier", identifier, optional=True)
    return checks


def _human(duration: object) -> str:
    return duration.to_human_string() if isinstance(duration, cdk.Duration) else repr(duration)


def _backup_issues(backup_retention: cdk.Duration) -> list[Issue]:
    days = backup_retention.to_days(integral=False)
    low, high = defaults.MIN_BACKUP_RETENTION_DAYS, defaults.MAX_BACKUP_RETENTION_DAYS
    if low <= days <= high and days == int(days):
        return []
    return [
        Issue(
            "SC-DATABASE-5",
            "backup_retention",
            f"{backup_retention.to_human_string()} of automated backups is outside "
            f"{low}-{high} days, or not a whole number of days (guardrail SC-RDS-3).",
            "keep backups at least 7 days (default 30, RDS allows up to 35).",
        )
    ]


def _subnet_issues(vpc: ec2.IVpc, selection: ec2.SubnetSelection) -> list[Issue]:
    try:
        selected = select_subnets(vpc, selection)
    except RuntimeError as exc:  # jsii: no such subnet group in the VPC
        return [
            Issue(
                "SC-DATABASE-1",
                "vpc_subnets",
                f"the selection matches no subnets of the VPC ({exc}).",
                "give the VPC isolated (or private) subnets, or select existing ones.",
            )
        ]
    if selected.has_public:
        return [
            Issue(
                "SC-DATABASE-1",
                "vpc_subnets",
                "the selection includes public subnets (a route to an internet gateway).",
                "place the database in isolated subnets (default) or private subnets.",
            )
        ]
    zones = set(selected.availability_zones)
    if len(zones) < 2:
        return [
            Issue(
                "SC-DATABASE-2",
                "vpc_subnets",
                f"the selected subnets are in {len(zones)} availability zone(s); RDS needs "
                "subnets in at least two.",
                "select subnets in two or more availability zones.",
            )
        ]
    return []


def _tls_issues(engine: DatabaseEngine, parameters: Mapping[str, str]) -> list[Issue]:
    settings = engine.settings
    value = parameters.get(settings.tls_parameter)
    if value is None:
        return []
    if cdk.Token.is_unresolved(value) or not settings.tls_is_on(str(value)):
        return [
            Issue(
                "SC-DATABASE-3",
                f"parameters[{settings.tls_parameter!r}]",
                f"{value!r} would let clients connect without TLS (guardrail SC-RDS-7).",
                f"remove it (SecureDatabase sets {settings.tls_value!r}) or set it to "
                f"{settings.tls_value!r}.",
            )
        ]
    return []


def _credential_issues(scope: Construct, credentials: rds.Credentials | None) -> list[Issue]:
    if credentials is None or credentials.secret is not None:
        return []
    password = credentials.password
    resolved = cdk.Stack.of(scope).resolve(password) if password is not None else None
    literal = isinstance(resolved, str) and not resolved.startswith("{{resolve:")
    return [
        Issue(
            "SC-DATABASE-4",
            "credentials",
            "the credentials carry a literal password, readable by anyone who can read the "
            "template (guardrail SC-RDS-2)."
            if literal
            else "only a Secrets Manager secret that SecureDatabase can attach and rotate is "
            "accepted as credentials.",
            "omit credentials (a password is generated into an encrypted, rotated secret) or "
            "pass rds.Credentials.from_secret(secret).",
        )
    ]
