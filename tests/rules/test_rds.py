"""SC-RDS-1..20 on databases built from L2s, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Rds`` holds one case per construct id (an L2
``DatabaseInstance``/``DatabaseCluster``, or a scope holding raw L1s: the DB, its members,
its secret). Only SC-RDS findings are compared: other rule families judge the keys, secrets
and security groups on their own. Every hardened case names its database after its construct
id (lower-cased) and declares the log group of each export before it (SC-RDS-20).
"""

from __future__ import annotations

import string
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

PG = rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_9)
AURORA_MYSQL = rds.DatabaseClusterEngine.aurora_mysql(
    version=rds.AuroraMysqlEngineVersion.VER_3_10_3
)
MYSQL = rds.DatabaseInstanceEngine.mysql(version=rds.MysqlEngineVersion.VER_8_0_40)
INSTANCE_CLASS = "db.r6g.large"
#: The parameters that log every connection (SC-RDS-13).
PG_LOGGING = {"log_connections": "1", "log_disconnections": "1"}
ADVANCED_AUDITING = {"server_audit_logging": "1", "server_audit_events": "CONNECT,QUERY_DCL"}
ISOLATED = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
USERNAME_TEMPLATE = '{"username":"dbadmin"}'
SSM_SECURE_PASSWORD = "{{resolve:ssm-secure:/db/password:1}}"  # noqa: S105 - a reference
HOSTED = secretsmanager.CfnRotationSchedule.HostedRotationLambdaProperty
LITERAL_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - the insecure input under test
ACCOUNT_ROOT = "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
#: What CDK adds to a rotated secret: nobody of the account may delete it (SC-RDS-18).
DENY_DELETE = {
    "Effect": "Deny",
    "Principal": {"AWS": {"Fn::Sub": ACCOUNT_ROOT}},
    "Action": "secretsmanager:DeleteSecret",
    "Resource": "*",
}


#: Case name -> the stack that holds it.
_WHERE: dict[str, str] = {}


class Case:
    """What every case of a stack shares: a key, a VPC, a monitoring role, TLS groups."""

    def __init__(self, stack: cdk.Stack) -> None:
        self.stack = stack
        self.key = kms.Key(stack, "Key", enable_key_rotation=True)
        self.setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
        self.number = cdk.CfnParameter(stack, "Number", type="Number", default=7).value_as_number
        self.switch = Switch(stack)
        self.vpc = ec2.Vpc(
            stack,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="db", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
            ],
        )
        self.security_group = ec2.SecurityGroup(stack, "DbSecurityGroup", vpc=self.vpc)
        self.subnet_group = rds.SubnetGroup(
            stack, "DbSubnets", vpc=self.vpc, description="db", vpc_subnets=ISOLATED
        )
        self.role = iam.Role(
            stack, "Monitoring", assumed_by=iam.ServicePrincipal("monitoring.rds.amazonaws.com")
        )
        self.pg_group = rds.ParameterGroup(
            stack, "PgTls", engine=PG, parameters={"rds.force_ssl": "1", **PG_LOGGING}
        )
        self.pg_l1_group = rds.CfnDBParameterGroup(
            stack,
            "PgL1Tls",
            family="postgres17",
            description="tls",
            parameters={"rds.force_ssl": "1", **PG_LOGGING},
        )
        self.aurora_pg_group = rds.CfnDBClusterParameterGroup(
            stack,
            "AuroraPgTls",
            family="aurora-postgresql17",
            description="tls",
            parameters={"rds.force_ssl": 1, "log_connections": 1, "log_disconnections": "on"},
        )
        self.mysql_cluster_group = rds.ParameterGroup(
            stack,
            "AuroraMysqlTls",
            engine=AURORA_MYSQL,
            parameters={"require_secure_transport": "ON", **ADVANCED_AUDITING},
        )
        self.mysql_audit = rds.OptionGroup(
            stack,
            "MysqlAudit",
            engine=MYSQL,
            configurations=[rds.OptionConfiguration(name="MARIADB_AUDIT_PLUGIN")],
        )
        self.mariadb_audit = rds.CfnOptionGroup(
            stack,
            "MariadbAudit",
            engine_name="mariadb",
            major_engine_version="10.11",
            option_group_description="audit",
            option_configurations=[
                rds.CfnOptionGroup.OptionConfigurationProperty(
                    option_name="MARIADB_AUDIT_PLUGIN",
                    option_settings=[
                        rds.CfnOptionGroup.OptionSettingProperty(
                            name="SERVER_AUDIT_EVENTS", value="CONNECT,QUERY_DDL"
                        )
                    ],
                )
            ],
        )
        self.secret = self.rotated_secret(stack, "MasterSecret")

    def register(self, construct_id: str, *, shared: bool = False) -> str:
        """Record which stack holds a case (a shared resource: the first stack's)."""
        if shared:
            _WHERE.setdefault(construct_id, self.stack.stack_name)
        else:
            assert construct_id not in _WHERE, construct_id
            _WHERE[construct_id] = self.stack.stack_name
        return construct_id

    # -- secrets ---------------------------------------------------------------------------

    def rotated_secret(
        self, scope: Construct, construct_id: str, *, rotate: bool = True, guard: bool = True
    ) -> secretsmanager.Secret:
        if scope is self.stack:
            self.register(construct_id, shared=construct_id == "MasterSecret")
        secret = secretsmanager.Secret(
            scope,
            construct_id,
            encryption_key=self.key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=USERNAME_TEMPLATE, generate_string_key="password"
            ),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        if rotate:
            # CDK's rotation schedule also denies secretsmanager:DeleteSecret (SC-RDS-18).
            secret.add_rotation_schedule(
                "Rotation",
                hosted_rotation=secretsmanager.HostedRotation.postgre_sql_single_user(),
                automatically_after=cdk.Duration.days(30),
            )
        elif guard:
            secret.deny_account_root_delete()
        return secret

    @staticmethod
    def retain_secret(db: Construct) -> None:
        """Keep a DB's generated secret on removal (SC-RDS-17), as SecureDatabase does."""
        secret = db.node.try_find_child("Secret")
        if isinstance(secret, secretsmanager.Secret):
            secret.apply_removal_policy(cdk.RemovalPolicy.RETAIN)

    @staticmethod
    def password(secret: secretsmanager.ISecret, field: str = "password") -> str:
        return secret.secret_value_from_json(field).unsafe_unwrap()

    # -- log groups (SC-RDS-20) -------------------------------------------------------------

    def log_groups(
        self,
        scope: Construct,
        db: cdk.CfnResource,
        kind: str,
        identifier: object,
        exports: object,
        which: bool | tuple[str, ...] = True,
        *,
        l2: bool = False,
    ) -> list[Construct]:
        """The log group of each export, named as RDS names it, created before the DB.

        *which*: True for every export, False for none, or the log types to declare.
        """
        if which is False or not isinstance(identifier, str) or not isinstance(exports, list):
            return []
        groups: list[Construct] = []
        for log in exports if which is True else which:
            name = f"/aws/rds/{kind}/{identifier.lower()}/{log}"
            group: Construct
            if l2:
                group = logs.LogGroup(
                    scope,
                    f"{log.capitalize()}Logs",
                    log_group_name=name,
                    encryption_key=self.key,
                    retention=logs.RetentionDays.ONE_YEAR,
                )
            else:
                raw = logs.CfnLogGroup(
                    scope,
                    f"{log.capitalize()}Logs",
                    log_group_name=name,
                    kms_key_id=self.key.key_arn,
                    retention_in_days=365,
                )
                raw.cfn_options.deletion_policy = cdk.CfnDeletionPolicy.RETAIN
                raw.cfn_options.update_replace_policy = cdk.CfnDeletionPolicy.RETAIN
                group = raw
            db.node.add_dependency(group)
            groups.append(group)
        return groups

    # -- L2 --------------------------------------------------------------------------------

    def instance(
        self,
        construct_id: str,
        *,
        rotation: cdk.Duration | None = cdk.Duration.days(30),  # noqa: B008
        retain: bool = True,
        guard: bool = True,
        log_groups: bool | tuple[str, ...] = True,
        **overrides: Any,
    ) -> rds.DatabaseInstance:
        """A hardened L2 RDS for PostgreSQL instance, its generated secret rotated."""
        props: dict[str, Any] = {
            "engine": PG,
            "instance_identifier": construct_id.lower(),
            "vpc": self.vpc,
            "subnet_group": self.subnet_group,
            "security_groups": [self.security_group],
            "credentials": rds.Credentials.from_generated_secret(
                "dbadmin", encryption_key=self.key
            ),
            "storage_encrypted": True,
            "storage_encryption_key": self.key,
            "parameter_group": self.pg_group,
            "backup_retention": cdk.Duration.days(14),
            "deletion_protection": True,
            "removal_policy": cdk.RemovalPolicy.SNAPSHOT,
            "multi_az": True,
            "publicly_accessible": False,
            "cloudwatch_logs_exports": ["postgresql", "upgrade"],
            "monitoring_interval": cdk.Duration.seconds(60),
            "monitoring_role": self.role,
            "auto_minor_version_upgrade": True,
            "iam_authentication": True,
            "delete_automated_backups": False,
        }
        props.update(overrides)
        db = rds.DatabaseInstance(self.stack, self.register(construct_id), **props)
        self.log_groups(
            db,
            cfn(db),
            "instance",
            props.get("instance_identifier"),
            props.get("cloudwatch_logs_exports"),
            log_groups,
            l2=True,
        )
        if retain:
            self.retain_secret(db)
        if db.secret is not None and rotation is not None:
            db.secret.add_rotation_schedule(
                "Rotation",
                hosted_rotation=secretsmanager.HostedRotation.postgre_sql_single_user(),
                automatically_after=rotation,
            )
        elif db.secret is not None and guard:
            db.secret.deny_account_root_delete()
        return db

    def cluster(
        self, construct_id: str, *, log_groups: bool | tuple[str, ...] = True, **overrides: Any
    ) -> rds.DatabaseCluster:
        """A hardened L2 Aurora MySQL cluster (writer + reader), its secret rotated."""
        member: dict[str, Any] = {
            "publicly_accessible": False,
            "instance_type": ec2.InstanceType("r6g.large"),
        }
        props: dict[str, Any] = {
            "engine": AURORA_MYSQL,
            "cluster_identifier": construct_id.lower(),
            "vpc": self.vpc,
            "subnet_group": self.subnet_group,
            "security_groups": [self.security_group],
            "writer": rds.ClusterInstance.provisioned("Writer", **member),
            "readers": [rds.ClusterInstance.provisioned("Reader", **member)],
            "credentials": rds.Credentials.from_generated_secret(
                "dbadmin", encryption_key=self.key
            ),
            "storage_encrypted": True,
            "storage_encryption_key": self.key,
            "parameter_group": self.mysql_cluster_group,
            "backup": rds.BackupProps(retention=cdk.Duration.days(14)),
            "deletion_protection": True,
            "removal_policy": cdk.RemovalPolicy.SNAPSHOT,
            "cloudwatch_logs_exports": ["audit", "error", "general", "slowquery"],
            "monitoring_interval": cdk.Duration.seconds(60),
            "monitoring_role": self.role,
            "iam_authentication": True,
            "delete_automated_backups": False,
        }
        props.update(overrides)
        db = rds.DatabaseCluster(self.stack, self.register(construct_id), **props)
        self.log_groups(
            db,
            cfn(db),
            "cluster",
            props.get("cluster_identifier"),
            props.get("cloudwatch_logs_exports"),
            log_groups,
            l2=True,
        )
        self.retain_secret(db)
        assert db.secret is not None
        db.secret.add_rotation_schedule(
            "Rotation",
            hosted_rotation=secretsmanager.HostedRotation.mysql_single_user(),
            automatically_after=cdk.Duration.days(30),
        )
        return db

    # -- L1 --------------------------------------------------------------------------------

    def l1_instance(
        self,
        construct_id: str,
        *,
        password: Any = None,
        log_groups: bool | tuple[str, ...] = True,
        **overrides: Any,
    ) -> rds.CfnDBInstance:
        """A hardened raw RDS for PostgreSQL instance in its own scope."""
        scope = Construct(self.stack, self.register(construct_id))
        props: dict[str, Any] = {
            "engine": "postgres",
            "db_instance_identifier": construct_id.lower(),
            "db_instance_class": INSTANCE_CLASS,
            "allocated_storage": "100",
            "storage_encrypted": True,
            "kms_key_id": self.key.key_arn,
            "master_username": "dbadmin",
            "master_user_password": password or self.password(self.secret),
            "backup_retention_period": 14,
            "deletion_protection": True,
            "db_parameter_group_name": self.pg_l1_group.ref,
            "enable_cloudwatch_logs_exports": ["postgresql", "upgrade"],
            "publicly_accessible": False,
            "multi_az": True,
            "monitoring_interval": 60,
            "monitoring_role_arn": self.role.role_arn,
            "enable_iam_database_authentication": True,
            "delete_automated_backups": False,
        }
        props.update(overrides)
        db = rds.CfnDBInstance(scope, "Db", **props)
        db.cfn_options.deletion_policy = cdk.CfnDeletionPolicy.SNAPSHOT
        db.cfn_options.update_replace_policy = cdk.CfnDeletionPolicy.SNAPSHOT
        self.log_groups(
            scope,
            db,
            "instance",
            props.get("db_instance_identifier"),
            props.get("enable_cloudwatch_logs_exports"),
            log_groups,
        )
        return db

    def l1_cluster(
        self,
        construct_id: str,
        *,
        zones: tuple[str | None, ...] = ("eu-west-1a", "eu-west-1b"),
        member: dict[str, Any] | None = None,
        log_groups: bool | tuple[str, ...] = True,
        **overrides: Any,
    ) -> tuple[Construct, rds.CfnDBCluster, list[rds.CfnDBInstance]]:
        """A hardened raw Aurora PostgreSQL cluster with one member per zone, in a scope."""
        scope = Construct(self.stack, self.register(construct_id))
        props: dict[str, Any] = {
            "engine": "aurora-postgresql",
            "db_cluster_identifier": construct_id.lower(),
            "storage_encrypted": True,
            "kms_key_id": self.key.key_arn,
            "master_username": "dbadmin",
            "master_user_password": self.password(self.secret),
            "backup_retention_period": 14,
            "deletion_protection": True,
            "db_cluster_parameter_group_name": self.aurora_pg_group.ref,
            "enable_cloudwatch_logs_exports": ["postgresql"],
            "enable_iam_database_authentication": True,
            "delete_automated_backups": False,
        }
        props.update(overrides)
        cluster = rds.CfnDBCluster(scope, "Cluster", **props)
        cluster.cfn_options.deletion_policy = cdk.CfnDeletionPolicy.SNAPSHOT
        cluster.cfn_options.update_replace_policy = cdk.CfnDeletionPolicy.SNAPSHOT
        self.log_groups(
            scope,
            cluster,
            "cluster",
            props.get("db_cluster_identifier"),
            props.get("enable_cloudwatch_logs_exports"),
            log_groups,
        )
        members = []
        for i, zone in enumerate(zones):
            member_props: dict[str, Any] = {
                "engine": "aurora-postgresql",
                "db_cluster_identifier": cluster.ref,
                "db_instance_class": INSTANCE_CLASS,
                "availability_zone": zone,
                "publicly_accessible": False,
                "monitoring_interval": 60,
                "monitoring_role_arn": self.role.role_arn,
            }
            member_props.update(member or {})
            members.append(rds.CfnDBInstance(scope, f"Member{i}", **member_props))
        return scope, cluster, members

    def l1_schedule(
        self, scope: Construct, secret: secretsmanager.ISecret, **overrides: Any
    ) -> secretsmanager.CfnRotationSchedule:
        props: dict[str, Any] = {
            "secret_id": secret.secret_arn,
            "hosted_rotation_lambda": HOSTED(rotation_type="PostgreSQLSingleUser"),
            "rotation_rules": secretsmanager.CfnRotationSchedule.RotationRulesProperty(
                automatically_after_days=30
            ),
        }
        props.update(overrides)
        return secretsmanager.CfnRotationSchedule(scope, "Schedule", **props)

    def secret_case(
        self, construct_id: str, *, guard: bool = True, **schedule: Any
    ) -> tuple[Construct, secretsmanager.CfnRotationSchedule]:
        """A raw instance whose own (CDK) secret has a raw rotation schedule."""
        db = self.l1_instance(construct_id)
        scope = db.node.scope
        assert isinstance(scope, Construct)
        secret = self.rotated_secret(scope, "Secret", rotate=False, guard=guard)
        db.master_user_password = self.password(secret)
        return scope, self.l1_schedule(scope, secret, **schedule)

    def raw_secret_case(
        self,
        construct_id: str,
        *,
        generator: dict[str, Any] | None = None,
        statement: Any = None,
        hosted: dict[str, Any] | None = None,
    ) -> tuple[secretsmanager.CfnSecret, secretsmanager.CfnResourcePolicy]:
        """A raw instance with a raw master secret: retained, guarded, rotated monthly."""
        db = self.l1_instance(construct_id)
        scope = db.node.scope
        assert isinstance(scope, Construct)
        secret = secretsmanager.CfnSecret(
            scope,
            "Secret",
            kms_key_id=self.key.key_arn,
            generate_secret_string=secretsmanager.CfnSecret.GenerateSecretStringProperty(
                secret_string_template=USERNAME_TEMPLATE,
                generate_string_key="password",
                **(generator or {}),
            ),
        )
        secret.cfn_options.deletion_policy = cdk.CfnDeletionPolicy.RETAIN
        secret.cfn_options.update_replace_policy = cdk.CfnDeletionPolicy.RETAIN
        policy = secretsmanager.CfnResourcePolicy(
            scope,
            "Policy",
            secret_id=secret.ref,
            resource_policy={
                "Version": "2012-10-17",
                "Statement": [DENY_DELETE if statement is None else statement],
            },
        )
        db.master_user_password = cdk.Fn.join(
            "", ["{{resolve:secretsmanager:", secret.ref, ":SecretString:password::}}"]
        )
        secretsmanager.CfnRotationSchedule(
            scope,
            "Schedule",
            secret_id=secret.ref,
            hosted_rotation_lambda=HOSTED(rotation_type="PostgreSQLSingleUser", **(hosted or {})),
            rotation_rules=secretsmanager.CfnRotationSchedule.RotationRulesProperty(
                automatically_after_days=30
            ),
        )
        return secret, policy


def _build_at_rest(c: Case) -> None:
    s, setting, number, switch = c.stack, c.setting, c.number, c.switch

    # Compliant references.
    c.instance("Secure")
    c.cluster("SecureCluster")
    c.l1_instance("L1Instance")
    c.l1_cluster("L1Cluster")
    c.l1_cluster("L1ClusterByName", db_cluster_identifier="named-cluster")
    named = s.node.find_child("L1ClusterByName")
    for member in named.node.children:
        if isinstance(member, rds.CfnDBInstance):
            member.db_cluster_identifier = "Named-Cluster"
    c.l1_instance(
        "L1Replica",
        source_db_instance_identifier=cfn_ref(s, "L1Instance"),
        backup_retention_period=None,
        multi_az=None,
        master_user_password=None,
        master_username=None,
    )
    mysql_group = rds.CfnDBParameterGroup(
        s,
        "MysqlTls",
        family="mysql8.0",
        description="tls",
        parameters={"require_secure_transport": "1"},
    )
    c.l1_instance(
        "L1Mysql",
        engine="mysql",
        db_parameter_group_name=mysql_group.ref,
        option_group_name=c.mysql_audit.option_group_name,
        enable_cloudwatch_logs_exports=["audit", "error", "general", "slowquery"],
    )

    # SC-RDS-1 encryption.
    c.instance("L2Unencrypted", storage_encrypted=False, storage_encryption_key=None)
    c.instance("L2AwsManagedKey", storage_encryption_key=None)
    c.l1_cluster("L1ClusterUnencrypted", storage_encrypted=None)
    c.l1_instance("L1PerformanceInsightsAwsKey", enable_performance_insights=True)
    c.l1_instance(
        "L1PerformanceInsightsKey",
        enable_performance_insights=True,
        performance_insights_kms_key_id=c.key.key_arn,
    )
    c.l1_instance(
        "L1Restored",
        db_snapshot_identifier="arn:aws:rds:eu-west-1:123456789012:snapshot:s",
        storage_encrypted=None,
        kms_key_id=None,
        master_user_password=None,
    )
    cfn(c.instance("EscUnencrypted")).add_property_override("StorageEncrypted", False)
    cfn(c.instance("ParamEncrypted")).add_property_override("StorageEncrypted", setting)
    cfn(c.instance("IfEncrypted")).add_property_override(
        "StorageEncrypted", switch.pick(True, False)
    )
    cfn(c.instance("IfEncryptedBoth")).add_property_override(
        "StorageEncrypted", switch.pick(True, "true")
    )

    # SC-RDS-2 master password.
    c.instance(
        "L2LiteralPassword",
        credentials=rds.Credentials.from_password(
            "dbadmin", cdk.SecretValue.unsafe_plain_text(LITERAL_PASSWORD)
        ),
    )
    c.l1_instance("L1LiteralPassword", password=LITERAL_PASSWORD)
    c.l1_instance("L1SsmSecurePassword", password=SSM_SECURE_PASSWORD)
    c.l1_instance(
        "L1Managed",
        master_user_password=None,
        manage_master_user_password=True,
        master_user_secret=rds.CfnDBInstance.MasterUserSecretProperty(kms_key_id=c.key.key_arn),
    )
    c.l1_instance("L1ManagedAwsKey", master_user_password=None, manage_master_user_password=True)
    cfn(c.instance("EscLiteralPassword")).add_property_override(
        "MasterUserPassword", LITERAL_PASSWORD
    )
    cfn(c.instance("ParamPassword")).add_property_override(
        "MasterUserPassword", cdk.Fn.ref("Setting")
    )
    cfn(c.instance("IfPassword")).add_property_override(
        "MasterUserPassword", switch.pick(c.password(c.secret), LITERAL_PASSWORD)
    )
    cfn(c.instance("IfPasswordBoth")).add_property_override(
        "MasterUserPassword",
        switch.pick(c.password(c.secret), c.password(c.secret, "previous")),
    )

    # SC-RDS-3 backups.
    c.instance("L2ShortBackups", backup_retention=cdk.Duration.days(1))
    c.l1_instance("L1NoBackups", backup_retention_period=0)
    c.l1_cluster("L1ClusterDefaultBackups", backup_retention_period=None)
    cfn(c.instance("EscBackups")).add_property_override("BackupRetentionPeriod", 3)
    cfn(c.instance("ParamBackups")).add_property_override("BackupRetentionPeriod", number)
    cfn(c.instance("IfBackups")).add_property_override("BackupRetentionPeriod", switch.pick(14, 1))
    cfn(c.instance("IfBackupsBoth")).add_property_override(
        "BackupRetentionPeriod", switch.pick(7, 35)
    )

    # SC-RDS-4 deletion protection.
    c.instance("L2Unprotected", deletion_protection=False)
    c.l1_cluster("L1ClusterUnprotected", deletion_protection=None)
    cfn(c.instance("EscUnprotected")).add_property_override("DeletionProtection", False)
    cfn(c.instance("ParamProtection")).add_property_override("DeletionProtection", setting)
    cfn(c.instance("IfProtection")).add_property_override(
        "DeletionProtection", switch.pick(True, False)
    )
    cfn(c.instance("IfProtectionBoth")).add_property_override(
        "DeletionProtection", switch.pick(True, "true")
    )

    # SC-RDS-5 removal.
    c.instance("L2Destroy", removal_policy=cdk.RemovalPolicy.DESTROY)
    c.l1_instance("L1NoDeletionPolicy").cfn_options.deletion_policy = None
    cfn(c.instance("EscDelete")).add_override("DeletionPolicy", "Delete")
    cfn(c.instance("ParamDeletion")).add_override("DeletionPolicy", setting)
    cfn(c.instance("IfDeletion")).add_override("DeletionPolicy", switch.pick("Snapshot", "Delete"))
    cfn(c.instance("IfDeletionBoth")).add_override(
        "DeletionPolicy", switch.pick("Snapshot", "Retain")
    )

    # SC-RDS-6 Multi-AZ.
    c.instance("L2SingleAz", multi_az=False)
    c.cluster("L2ClusterWriterOnly", readers=None)
    c.l1_cluster("L1ClusterOneMember", zones=("eu-west-1a",))
    c.l1_cluster("L1ClusterSameZone", zones=("eu-west-1a", "eu-west-1a"))
    _, _, members = c.l1_cluster("L1ClusterConditionalReader")
    members[1].cfn_options.condition = switch.condition
    cfn(c.instance("EscSingleAz")).add_property_override("MultiAZ", False)
    cfn(c.instance("ParamMultiAz")).add_property_override("MultiAZ", setting)
    cfn(c.instance("IfMultiAz")).add_property_override("MultiAZ", switch.pick(True, False))
    cfn(c.instance("IfMultiAzBoth")).add_property_override("MultiAZ", switch.pick(True, "true"))


def _build_in_transit_and_prevention(c: Case) -> None:
    s, setting, number, switch = c.stack, c.setting, c.number, c.switch

    # SC-RDS-7 TLS.
    c.instance("L2NoParameterGroup", parameter_group=None)
    c.instance(
        "L2TlsOff",
        parameter_group=rds.ParameterGroup(
            s, "PgNoTls", engine=PG, parameters={"rds.force_ssl": "0", **PG_LOGGING}
        ),
    )
    c.l1_instance(
        "L1MariadbNoTls",
        engine="mariadb",
        option_group_name=c.mariadb_audit.ref,
        db_parameter_group_name=rds.CfnDBParameterGroup(
            s,
            "MariadbNoTls",
            family="mariadb10.11",
            description="no tls",
            parameters={"max_connections": "100"},
        ).ref,
        enable_cloudwatch_logs_exports=["audit", "error"],
    )
    c.l1_cluster(
        "L1ClusterDefaultGroup", db_cluster_parameter_group_name="default.aurora-postgresql17"
    )
    c.l1_cluster("L1ClusterExternalGroup", db_cluster_parameter_group_name="shared-tls-group")
    c.l1_instance("L1WrongGroupType", db_parameter_group_name=c.aurora_pg_group.ref)
    c.l1_instance("L1Oracle", engine="oracle-ee", enable_cloudwatch_logs_exports=["alert"])
    c.l1_instance("ParamEngine", engine=setting)
    esc_group = rds.CfnDBParameterGroup(
        s,
        "EscTlsGroup",
        family="postgres17",
        description="tls",
        parameters={"rds.force_ssl": "1", **PG_LOGGING},
    )
    esc_group.add_property_override("Parameters.rds\\.force_ssl", "0")
    c.l1_instance("EscTlsOff", db_parameter_group_name=esc_group.ref)
    cfn(c.instance("EscNoParameterGroup")).add_property_deletion_override("DBParameterGroupName")
    param_group = rds.CfnDBParameterGroup(
        s,
        "ParamTlsGroup",
        family="postgres17",
        description="tls",
        parameters={"rds.force_ssl": setting, **PG_LOGGING},
    )
    c.l1_instance("ParamTls", db_parameter_group_name=param_group.ref)
    c.l1_instance("ParamParameterGroupName", db_parameter_group_name=setting)
    if_group = rds.CfnDBParameterGroup(
        s,
        "IfTlsGroup",
        family="postgres17",
        description="tls",
        parameters={"rds.force_ssl": switch.pick("1", "0"), **PG_LOGGING},
    )
    c.l1_instance("IfTls", db_parameter_group_name=if_group.ref)
    if_both_group = rds.CfnDBParameterGroup(
        s,
        "IfTlsBothGroup",
        family="postgres17",
        description="tls",
        parameters={"rds.force_ssl": switch.pick("1", 1), **PG_LOGGING},
    )
    c.l1_instance("IfTlsBoth", db_parameter_group_name=if_both_group.ref)

    # SC-RDS-8 public access.
    multi_az_group = rds.CfnDBClusterParameterGroup(
        s,
        "MultiAzTls",
        family="postgres17",
        description="tls",
        parameters={"rds.force_ssl": "1", **PG_LOGGING},
    )
    c.l1_cluster(
        "L1MultiAzDbCluster",
        zones=(),
        engine="postgres",
        db_cluster_instance_class="db.m6gd.large",
        db_cluster_parameter_group_name=multi_az_group.ref,
    )
    c.instance("L2Public", publicly_accessible=True)
    c.l1_instance("L1PublicUnset", publicly_accessible=None)
    c.l1_cluster("L1ClusterPublicMember", member={"publicly_accessible": True})
    cfn(c.instance("EscPublic")).add_property_override("PubliclyAccessible", True)
    cfn(c.instance("ParamPublic")).add_property_override("PubliclyAccessible", setting)
    cfn(c.instance("IfPublic")).add_property_override(
        "PubliclyAccessible", switch.pick(False, True)
    )
    cfn(c.instance("IfPublicBoth")).add_property_override(
        "PubliclyAccessible", switch.pick(False, "false")
    )

    # SC-RDS-9 master secret rotation.
    c.instance("L2NotRotated", rotation=None)
    c.instance("L2RotatedYearly", rotation=cdk.Duration.days(365))
    c.rotated_secret(s, "UnusedSecret", rotate=False)
    l1_unrotated = c.l1_instance("L1SecretNotRotated")
    l1_scope = l1_unrotated.node.scope
    assert isinstance(l1_scope, Construct)
    l1_secret = c.rotated_secret(l1_scope, "Secret", rotate=False)
    l1_unrotated.master_user_password = c.password(l1_secret)
    c.secret_case("L1ScheduleWithoutFunction", hosted_rotation_lambda=None)
    rules = secretsmanager.CfnRotationSchedule.RotationRulesProperty
    c.secret_case("L1MonthlyCron", rotation_rules=rules(schedule_expression="cron(0 4 1 * ? *)"))
    c.secret_case("L1YearlyCron", rotation_rules=rules(schedule_expression="cron(0 4 1 1 ? *)"))
    _, esc_schedule = c.secret_case("EscRotation")
    esc_schedule.add_property_override("RotationRules.AutomaticallyAfterDays", 365)
    c.secret_case("ParamRotation", rotation_rules=rules(automatically_after_days=number))
    c.secret_case(
        "IfRotation",
        rotation_rules=rules(
            schedule_expression=cdk.Token.as_string(switch.pick("rate(30 days)", "rate(365 days)"))
        ),
    )
    c.secret_case(
        "IfRotationBoth",
        rotation_rules=rules(
            schedule_expression=cdk.Token.as_string(switch.pick("rate(30 days)", "rate(7 days)"))
        ),
    )
    _, conditional = c.secret_case("ConditionalRotation")
    conditional.cfn_options.condition = switch.condition


def _build_patching_and_detection(c: Case) -> None:
    setting, number, switch = c.setting, c.number, c.switch
    mysql_group = rds.CfnDBParameterGroup(
        c.stack,
        "MysqlTls",
        family="mysql8.0",
        description="tls",
        parameters={"require_secure_transport": "ON"},
    )

    # SC-RDS-10 minor version upgrades.
    c.instance("L2NoMinorUpgrades", auto_minor_version_upgrade=False)
    c.l1_cluster("L1ClusterMemberNoUpgrades", member={"auto_minor_version_upgrade": False})
    cfn(c.instance("EscNoMinorUpgrades")).add_property_override("AutoMinorVersionUpgrade", False)
    cfn(c.instance("ParamMinorUpgrades")).add_property_override("AutoMinorVersionUpgrade", setting)
    cfn(c.instance("IfMinorUpgrades")).add_property_override(
        "AutoMinorVersionUpgrade", switch.pick(True, False)
    )
    cfn(c.instance("IfMinorUpgradesBoth")).add_property_override(
        "AutoMinorVersionUpgrade", switch.pick(True, "true")
    )

    # SC-RDS-11 log exports.
    c.instance("L2UpgradeLogOnly", cloudwatch_logs_exports=["upgrade"])
    c.l1_cluster("L1ClusterNoLogs", enable_cloudwatch_logs_exports=None)
    c.l1_instance(
        "L1MysqlErrorLogOnly",
        engine="mysql",
        db_parameter_group_name=mysql_group.ref,
        option_group_name=c.mysql_audit.option_group_name,
        enable_cloudwatch_logs_exports=["error"],
    )
    cfn(c.instance("EscNoLogs")).add_property_deletion_override("EnableCloudwatchLogsExports")
    cfn(c.instance("ParamLogs")).add_property_override("EnableCloudwatchLogsExports", [setting])
    cfn(c.instance("IfLogs")).add_property_override(
        "EnableCloudwatchLogsExports", switch.pick(["postgresql"], ["upgrade"])
    )
    cfn(c.instance("IfLogsBoth")).add_property_override(
        "EnableCloudwatchLogsExports", switch.pick(["postgresql"], ["postgresql", "upgrade"])
    )

    # SC-RDS-12 enhanced monitoring.
    c.instance("L2Unmonitored", monitoring_interval=None, monitoring_role=None)
    c.l1_cluster(
        "L1ClusterMemberUnmonitored",
        member={"monitoring_interval": None, "monitoring_role_arn": None},
    )
    c.l1_cluster(
        "L1ClusterLevelMonitoring",
        monitoring_interval=30,
        monitoring_role_arn=c.role.role_arn,
        member={"monitoring_interval": None, "monitoring_role_arn": None},
    )
    cfn(c.instance("EscUnmonitored")).add_property_override("MonitoringInterval", 0)
    cfn(c.instance("ParamMonitoring")).add_property_override("MonitoringInterval", number)
    cfn(c.instance("IfMonitoring")).add_property_override("MonitoringInterval", switch.pick(60, 0))
    cfn(c.instance("IfMonitoringBoth")).add_property_override(
        "MonitoringInterval", switch.pick(60, 30)
    )


def _build_backups_kept(c: Case) -> None:
    setting, switch = c.setting, c.switch

    # SC-RDS-15 automated backups kept after deletion.
    c.instance("L2BackupsDeletedWithDb", delete_automated_backups=True)
    c.instance("L2BackupsDefault", delete_automated_backups=None)
    c.l1_cluster("L1ClusterBackupsDeleted", delete_automated_backups=None)
    cfn(c.instance("EscBackupsDeleted")).add_property_override("DeleteAutomatedBackups", True)
    cfn(c.instance("ParamBackupsDeleted")).add_property_override("DeleteAutomatedBackups", setting)
    cfn(c.instance("IfBackupsDeleted")).add_property_override(
        "DeleteAutomatedBackups", switch.pick(False, True)
    )
    cfn(c.instance("IfBackupsKeptBoth")).add_property_override(
        "DeleteAutomatedBackups", switch.pick(False, "false")
    )


def _aurora_mysql_group(c: Case, construct_id: str, **audit: Any) -> str:
    """A raw Aurora MySQL cluster parameter group with TLS and the given audit settings."""
    return rds.CfnDBClusterParameterGroup(
        c.stack,
        construct_id,
        family="aurora-mysql8.0",
        description="audit",
        parameters={"require_secure_transport": "ON", **audit},
    ).ref


def _pg_group(c: Case, construct_id: str, **logging: Any) -> str:
    """A raw PostgreSQL parameter group with TLS and the given logging settings."""
    return rds.CfnDBParameterGroup(
        c.stack,
        construct_id,
        family="postgres17",
        description="logging",
        parameters={"rds.force_ssl": "1", **logging},
    ).ref


def _mysql_options(c: Case, construct_id: str, *options: Any) -> str:
    return rds.CfnOptionGroup(
        c.stack,
        construct_id,
        engine_name="mysql",
        major_engine_version="8.0",
        option_group_description="audit",
        option_configurations=list(options),
    ).ref


def _audit_plugin(**settings: str) -> rds.CfnOptionGroup.OptionConfigurationProperty:
    return rds.CfnOptionGroup.OptionConfigurationProperty(
        option_name="MARIADB_AUDIT_PLUGIN",
        option_settings=[
            rds.CfnOptionGroup.OptionSettingProperty(name=name, value=value)
            for name, value in settings.items()
        ],
    )


def _build_logging_and_authentication(c: Case) -> None:
    s, setting, switch = c.stack, c.setting, c.switch
    mysql_tls = rds.CfnDBParameterGroup(
        s,
        "MysqlTlsOnly",
        family="mysql8.0",
        description="tls",
        parameters={"require_secure_transport": "ON"},
    ).ref
    mysql_logs = ["audit", "error", "general", "slowquery"]

    def aurora_mysql(construct_id: str, group: str) -> None:
        c.l1_cluster(
            construct_id,
            engine="aurora-mysql",
            db_cluster_parameter_group_name=group,
            enable_cloudwatch_logs_exports=mysql_logs,
            member={"engine": "aurora-mysql"},
        )

    def mysql(construct_id: str, option_group_name: str | None) -> None:
        c.l1_instance(
            construct_id,
            engine="mysql",
            db_parameter_group_name=mysql_tls,
            option_group_name=option_group_name,
            enable_cloudwatch_logs_exports=mysql_logs,
        )

    # SC-RDS-13 connection logging.
    stages = "receipt,authentication,authorization"
    c.l1_instance(
        "PgStagesLogged",
        db_parameter_group_name=_pg_group(
            c, "PgStages", log_connections=stages, log_disconnections="on"
        ),
    )
    c.instance(
        "L2ConnectionsNotLogged",
        parameter_group=rds.ParameterGroup(
            s, "PgTlsOnly", engine=PG, parameters={"rds.force_ssl": "1"}
        ),
    )
    c.l1_instance(
        "L1DisconnectionsNotLogged",
        db_parameter_group_name=_pg_group(
            c, "PgNoDisconnections", log_connections="1", log_disconnections="0"
        ),
    )
    aurora_mysql("L1AuroraMysqlAudited", _aurora_mysql_group(c, "Audited", **ADVANCED_AUDITING))
    aurora_mysql(
        "L1AuroraMysqlRdsadminExcluded",
        _aurora_mysql_group(
            c, "RdsadminExcluded", **ADVANCED_AUDITING, server_audit_excl_users="rdsadmin"
        ),
    )
    aurora_mysql(
        "L1AuroraMysqlNoConnect",
        _aurora_mysql_group(
            c, "NoConnect", server_audit_logging="1", server_audit_events="QUERY_DML"
        ),
    )
    aurora_mysql(
        "L1AuroraMysqlSomeUsers",
        _aurora_mysql_group(c, "SomeUsers", **ADVANCED_AUDITING, server_audit_incl_users="app"),
    )
    aurora_mysql("L1AuroraMysqlNotAudited", _aurora_mysql_group(c, "NotAudited"))
    mysql("L1MysqlAudited", _mysql_options(c, "MysqlPlugin", _audit_plugin()))
    mysql("L1MysqlNoOptionGroup", None)
    mysql("L1MysqlDefaultOptionGroup", "default:mysql-8-0")
    mysql("L1MysqlExternalOptionGroup", "shared-audit-options")
    mysql(
        "L1MysqlWithoutPlugin",
        _mysql_options(
            c,
            "MysqlMemcached",
            rds.CfnOptionGroup.OptionConfigurationProperty(option_name="MEMCACHED"),
        ),
    )
    mysql(
        "L1MysqlQueriesOnly",
        _mysql_options(c, "MysqlQueries", _audit_plugin(SERVER_AUDIT_EVENTS="QUERY")),
    )
    member_group = rds.CfnDBParameterGroup(
        s,
        "MemberLoggingOff",
        family="aurora-postgresql17",
        description="member",
        parameters={"log_connections": "0"},
    )
    c.l1_cluster("L1MemberLoggingOff", member={"db_parameter_group_name": member_group.ref})
    tuning = rds.CfnDBParameterGroup(
        s,
        "MemberTuning",
        family="aurora-postgresql17",
        description="member",
        parameters={"work_mem": "65536"},
    )
    c.l1_cluster("L1MemberOwnGroup", member={"db_parameter_group_name": tuning.ref})
    c.l1_cluster(
        "L1MysqlMultiAzCluster",
        zones=(),
        engine="mysql",
        db_cluster_instance_class="db.m6gd.large",
        db_cluster_parameter_group_name=rds.CfnDBClusterParameterGroup(
            s,
            "MysqlMultiAzTls",
            family="mysql8.0",
            description="tls",
            parameters={"require_secure_transport": "ON"},
        ).ref,
        enable_cloudwatch_logs_exports=mysql_logs,
    )
    esc_group = rds.CfnDBParameterGroup(
        s, "EscLoggingGroup", family="postgres17", description="logging", parameters=PG_LOGGING
    )
    esc_group.add_property_override("Parameters.log_connections", "0")
    esc_group.add_property_override("Parameters.rds\\.force_ssl", "1")
    c.l1_instance("EscLoggingOff", db_parameter_group_name=esc_group.ref)
    c.l1_instance(
        "ParamLogging",
        db_parameter_group_name=_pg_group(
            c, "ParamLoggingGroup", log_connections="1", log_disconnections=setting
        ),
    )
    c.l1_instance(
        "IfLogging",
        db_parameter_group_name=_pg_group(
            c,
            "IfLoggingGroup",
            log_connections=switch.pick("1", "0"),
            log_disconnections="1",
        ),
    )
    c.l1_instance(
        "IfLoggingBoth",
        db_parameter_group_name=_pg_group(
            c,
            "IfLoggingBothGroup",
            log_connections=switch.pick("1", "all"),
            log_disconnections=switch.pick("on", 1),
        ),
    )

    # SC-RDS-14 IAM database authentication.
    c.instance("L2NoIamAuth", iam_authentication=False)
    c.l1_cluster("L1ClusterNoIamAuth", enable_iam_database_authentication=None)
    cfn(c.instance("EscNoIamAuth")).add_property_deletion_override(
        "EnableIAMDatabaseAuthentication"
    )
    cfn(c.instance("ParamIamAuth")).add_property_override(
        "EnableIAMDatabaseAuthentication", setting
    )
    cfn(c.instance("IfIamAuth")).add_property_override(
        "EnableIAMDatabaseAuthentication", switch.pick(True, False)
    )
    cfn(c.instance("IfIamAuthBoth")).add_property_override(
        "EnableIAMDatabaseAuthentication", switch.pick(True, "true")
    )
    c.l1_instance(
        "L1SqlServerNoIamAuth",
        engine="sqlserver-se",
        enable_iam_database_authentication=None,
        db_parameter_group_name=None,
    )


def _deny(**statement: Any) -> dict[str, Any]:
    return {**DENY_DELETE, **statement}


def _build_master_secrets(c: Case) -> None:
    s, setting, number, switch = c.stack, c.setting, c.number, c.switch

    def own_secret(construct_id: str, **generator: Any) -> secretsmanager.Secret:
        return secretsmanager.Secret(
            s,
            construct_id,
            encryption_key=c.key,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=USERNAME_TEMPLATE,
                generate_string_key="password",
                **generator,
            ),
        )

    def with_secret(construct_id: str, **generator: Any) -> rds.DatabaseInstance:
        """A DB whose own secret sits beside it, at ``<construct_id>Secret``."""
        secret = own_secret(c.register(f"{construct_id}Secret"), **generator)
        return c.instance(construct_id, credentials=rds.Credentials.from_secret(secret))

    def secret_of(db: Construct) -> cdk.CfnResource:
        found = db.node.find_child("Secret")
        assert isinstance(found, Construct)
        return cfn(found)

    # SC-RDS-16 generated master passwords.
    c.raw_secret_case("L1RawSecret")
    with_secret("L2LongOwnSecret", password_length=40, exclude_characters='"@/\\\\')
    with_secret("L2ShortPassword", password_length=12)
    with_secret("L2NoDigits", exclude_numbers=True)
    c.instance(
        "L2NoPunctuation",
        credentials=rds.Credentials.from_generated_secret(
            "dbadmin", encryption_key=c.key, exclude_characters=string.punctuation
        ),
    )
    c.raw_secret_case("L1ShortPassword", generator={"password_length": 8})
    c.raw_secret_case("L1NoUppercase", generator={"exclude_uppercase": True})
    c.raw_secret_case("L1RotationDropsDigits", hosted={"exclude_characters": string.digits + "@"})
    esc, _ = c.raw_secret_case("EscShortPassword")
    esc.add_property_override("GenerateSecretString.PasswordLength", 8)
    param, _ = c.raw_secret_case("ParamPasswordLength")
    param.add_property_override("GenerateSecretString.PasswordLength", number)
    if_length, _ = c.raw_secret_case("IfPasswordLength")
    if_length.add_property_override("GenerateSecretString.PasswordLength", switch.pick(32, 8))
    if_both, _ = c.raw_secret_case("IfPasswordLengthBoth")
    if_both.add_property_override("GenerateSecretString.PasswordLength", switch.pick(32, 64))
    typed, _ = c.raw_secret_case("NotGenerated")
    typed.add_property_deletion_override("GenerateSecretString")
    typed.add_property_override("SecretString", cdk.Fn.ref("Setting"))
    secretsmanager.CfnSecret(
        s,
        "ShortApiToken",
        kms_key_id=c.key.key_arn,
        generate_secret_string=secretsmanager.CfnSecret.GenerateSecretStringProperty(
            password_length=8, exclude_punctuation=True
        ),
    )
    c.register("ShortApiToken")

    # SC-RDS-17 master secrets retained.
    c.instance("L2SecretDeleted", retain=False)
    raw, _ = c.raw_secret_case("L1SecretNoRetention")
    raw.cfn_options.deletion_policy = None
    raw.cfn_options.update_replace_policy = None
    secret_of(c.instance("EscSecretDeleted")).add_override("DeletionPolicy", "Delete")
    secret_of(c.instance("ParamSecretDeletion")).add_override("DeletionPolicy", setting)
    secret_of(c.instance("IfSecretDeletion")).add_override(
        "DeletionPolicy", switch.pick("Retain", "Delete")
    )
    secret_of(c.instance("IfSecretDeletionBoth")).add_override(
        "DeletionPolicy", switch.pick("Retain", "RetainExceptOnCreate")
    )

    # SC-RDS-18 the resource policy denies deletion.
    c.secret_case("L1SecretNotGuarded", guard=False)
    c.raw_secret_case("L1DenyToEveryone", statement=_deny(Principal="*"))
    c.raw_secret_case("L1DenyAllActions", statement=_deny(Action="secretsmanager:*"))
    c.raw_secret_case(
        "L1DenyWithCondition",
        statement=_deny(Condition={"StringNotLike": {"aws:PrincipalArn": "*BreakGlass*"}}),
    )
    c.raw_secret_case("L1DenyOtherAction", statement=_deny(Action="secretsmanager:PutSecretValue"))
    c.raw_secret_case(
        "L1DenyOneRole",
        statement=_deny(Principal={"AWS": "arn:aws:iam::123456789012:role/cleanup"}),
    )
    c.raw_secret_case("ParamDenyPrincipal", statement=_deny(Principal={"AWS": setting}))
    c.raw_secret_case("IfDenyEffect", statement=_deny(Effect=switch.pick("Deny", "Allow")))
    _, conditional = c.raw_secret_case("ConditionalDenyPolicy")
    conditional.cfn_options.condition = switch.condition
    dropped = c.instance("EscDenyDropped")
    (policy,) = [
        child
        for child in dropped.node.find_all()
        if isinstance(child, secretsmanager.CfnResourcePolicy)
    ]
    policy.add_property_override("ResourcePolicy.Statement", [])


def _scope_of(db: rds.CfnDBInstance) -> Construct:
    """The scope of an L1 case: where its log groups go."""
    scope = db.node.scope
    assert isinstance(scope, Construct)
    return scope


def _raw_log_group(
    scope: Construct, construct_id: str, name: Any, key: kms.IKey
) -> logs.CfnLogGroup:
    group = logs.CfnLogGroup(
        scope, construct_id, log_group_name=name, kms_key_id=key.key_arn, retention_in_days=365
    )
    group.cfn_options.deletion_policy = cdk.CfnDeletionPolicy.RETAIN
    group.cfn_options.update_replace_policy = cdk.CfnDeletionPolicy.RETAIN
    return group


def _build_certificates_and_log_groups(c: Case) -> None:
    s, setting, switch = c.stack, c.setting, c.switch
    retired = rds.CaCertificate.of("rds-ca-2019")

    # SC-RDS-19 certificate authority.
    c.instance("L2CurrentCa", ca_certificate=rds.CaCertificate.RDS_CA_RSA4096_G1)
    c.instance("L2RetiredCa", ca_certificate=retired)
    member: dict[str, Any] = {
        "publicly_accessible": False,
        "instance_type": ec2.InstanceType("r6g.large"),
    }
    c.cluster(
        "L2ClusterRetiredCa",
        writer=rds.ClusterInstance.provisioned("Writer", ca_certificate=retired, **member),
        readers=[rds.ClusterInstance.provisioned("Reader", **member)],
    )
    c.l1_instance("L1RetiredCa", ca_certificate_identifier="rds-ca-2015")
    c.l1_instance("L1UnknownCa", ca_certificate_identifier="rds-ca-rsa2048-g9")
    c.l1_cluster("L1MemberRetiredCa", member={"ca_certificate_identifier": "rds-ca-2019"})
    cfn(c.instance("EscRetiredCa")).add_property_override("CACertificateIdentifier", "rds-ca-2019")
    cfn(c.instance("ParamCa")).add_property_override("CACertificateIdentifier", setting)
    cfn(c.instance("IfCa")).add_property_override(
        "CACertificateIdentifier", switch.pick("rds-ca-rsa2048-g1", "rds-ca-2019")
    )
    cfn(c.instance("IfCaBoth")).add_property_override(
        "CACertificateIdentifier", switch.pick("rds-ca-rsa2048-g1", "rds-ca-ecc384-g1")
    )

    # SC-RDS-20 log groups declared in the app.
    c.l1_instance("L1MixedCaseIdentifier", db_instance_identifier="Orders-Mixed-Case")
    c.l1_cluster(
        "L1MultiAzClusterLogs",
        zones=(),
        engine="postgres",
        db_cluster_instance_class="db.m6gd.large",
        publicly_accessible=False,
        monitoring_interval=60,
        monitoring_role_arn=c.role.role_arn,
        db_cluster_parameter_group_name=rds.CfnDBClusterParameterGroup(
            s,
            "MultiAzLogsTls",
            family="postgres17",
            description="tls",
            parameters={"rds.force_ssl": "1", **PG_LOGGING},
        ).ref,
    )
    c.instance("L2LogGroupsUndeclared", log_groups=False)
    c.cluster("L2ClusterLogGroupsUndeclared", log_groups=False)
    c.instance(
        "L2LogRetentionOnly",
        log_groups=False,
        cloudwatch_logs_retention=logs.RetentionDays.ONE_YEAR,
    )
    c.l1_instance("L1UpgradeLogUndeclared", log_groups=("postgresql",))
    wrong_case = c.l1_instance(
        "L1LogGroupWrongCase", db_instance_identifier="Orders-Wrong-Case", log_groups=False
    )
    for log in ("postgresql", "upgrade"):
        _raw_log_group(
            _scope_of(wrong_case),
            f"{log}Logs",
            f"/aws/rds/instance/Orders-Wrong-Case/{log}",
            c.key,
        )
    c.l1_instance("L1GeneratedIdentifier", db_instance_identifier=None)
    c.l1_cluster("L1ClusterGeneratedIdentifier", db_cluster_identifier=None)
    for name, identifier in (
        ("L1GroupsNamedAfterRef", None),
        ("L1GroupsNamedAfterRefWithIdentifier", "orders-by-ref"),
    ):
        db = c.l1_instance(name, db_instance_identifier=identifier, log_groups=False)
        scope = _scope_of(db)
        _raw_log_group(
            scope,
            "PostgresqlLogs",
            cdk.Fn.join("", ["/aws/rds/instance/", db.ref, "/postgresql"]),
            c.key,
        )
        _raw_log_group(scope, "UpgradeLogs", f"/aws/rds/instance/{db.ref}/upgrade", c.key)
    after = c.l1_instance("L1GroupDependsOnDb", log_groups=False)
    for log in ("postgresql", "upgrade"):
        group = _raw_log_group(
            _scope_of(after),
            f"{log}Logs",
            f"/aws/rds/instance/l1groupdependsondb/{log}",
            c.key,
        )
        group.add_dependency(after)
    conditional = c.l1_instance("L1ConditionalLogGroup")
    conditional_group = _scope_of(conditional).node.find_child("UpgradeLogs")
    assert isinstance(conditional_group, logs.CfnLogGroup)
    conditional_group.cfn_options.condition = switch.condition
    cfn(c.instance("EscIdentifierRenamed")).add_property_override(
        "DBInstanceIdentifier", "renamed-db"
    )
    cfn(c.instance("EscIdentifierRemoved")).add_property_deletion_override("DBInstanceIdentifier")
    cfn(c.instance("EscExportAdded")).add_property_override(
        "EnableCloudwatchLogsExports", ["postgresql", "upgrade", "iam-db-auth-error"]
    )
    cfn(c.instance("ParamIdentifier")).add_property_override("DBInstanceIdentifier", setting)
    cfn(c.instance("IfIdentifier")).add_property_override(
        "DBInstanceIdentifier", switch.pick("ifidentifier", "other-db")
    )
    both = c.instance("IfIdentifierBoth")
    cfn(both).add_property_override(
        "DBInstanceIdentifier", switch.pick("ifidentifierboth", "ifidentifierboth-b")
    )
    for log in ("postgresql", "upgrade"):
        _raw_log_group(both, f"B{log}Logs", f"/aws/rds/instance/ifidentifierboth-b/{log}", c.key)


def cfn_ref(stack: cdk.Stack, case: str) -> str:
    """The ``Ref`` of the raw DB of an L1 case."""
    db = stack.node.find_child(case).node.find_child("Db")
    assert isinstance(db, rds.CfnDBInstance)
    return db.ref


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    # CloudFormation allows 500 resources per stack: one stack per group of rules.
    at_rest = Case(cdk.Stack(app, "RdsAtRest"))
    _build_at_rest(at_rest)
    _build_backups_kept(at_rest)
    _build_in_transit_and_prevention(Case(cdk.Stack(app, "RdsTransit")))
    detection = Case(cdk.Stack(app, "RdsDetection"))
    _build_patching_and_detection(detection)
    _build_logging_and_authentication(detection)
    _build_master_secrets(Case(cdk.Stack(app, "RdsSecrets")))
    _build_certificates_and_log_groups(Case(cdk.Stack(app, "RdsCaAndLogs")))
    return check_app(app)


def at(name: str) -> str:
    return f"{_WHERE[name]}/{name}"


def rds_ids(checked: Checked, path: str) -> set[str]:
    """The SC-RDS rule ids violated at *path* (other families judge other resources)."""
    return {f.rule.id for f in findings_at(checked, path) if f.rule.id.startswith("SC-RDS-")}


def rds_outcomes(checked: Checked, path: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status) for f in findings_at(checked, path) if f.rule.id.startswith("SC-RDS-")
    }


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "SecureCluster",
        "L1Instance",
        "L1Cluster",
        "L1ClusterByName",
        "L1Mysql",
        "MasterSecret",
    ],
)
def test_hardened_databases_have_no_finding(ev: Checked, name: str) -> None:
    assert rds_ids(ev, at(name)) == set()


def test_read_replica_needs_no_backups_multi_az_or_password(ev: Checked) -> None:
    assert rds_ids(ev, at("L1Replica")) == set()


# -- SC-RDS-1 encryption -----------------------------------------------------------------


def test_unencrypted_l2_instance_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L2Unencrypted")) == {"SC-RDS-1"}


def test_storage_encrypted_with_the_aws_managed_key_is_flagged(ev: Checked) -> None:
    (finding,) = findings_at(ev, f"{at('L2AwsManagedKey')}/Resource")
    assert (finding.rule.id, finding.property_path) == ("SC-RDS-1", "Properties.KmsKeyId")


def test_l1_cluster_without_storage_encryption_is_flagged(ev: Checked) -> None:
    assert {(f.rule.id, f.construct_path) for f in findings_at(ev, at("L1ClusterUnencrypted"))} == {
        ("SC-RDS-1", "RdsAtRest/L1ClusterUnencrypted/Cluster")
    }


def test_performance_insights_without_a_customer_key_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L1PerformanceInsightsAwsKey")) == {"SC-RDS-1"}
    assert rds_ids(ev, at("L1PerformanceInsightsKey")) == set()


def test_restore_that_inherits_encryption_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1Restored")) == {("SC-RDS-1", CANNOT_VERIFY)}


def test_encryption_turned_off_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscUnencrypted")) == {("SC-RDS-1", NON_COMPLIANT)}


def test_encryption_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamEncrypted")) == {("SC-RDS-1", CANNOT_VERIFY)}


def test_encryption_off_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfEncrypted")) == {("SC-RDS-1", CANNOT_VERIFY)}


def test_encryption_on_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfEncryptedBoth")) == set()


# -- SC-RDS-2 master password ------------------------------------------------------------


@pytest.mark.parametrize("name", ["L2LiteralPassword", "L1LiteralPassword"])
def test_literal_master_password_is_flagged_without_repeating_it(ev: Checked, name: str) -> None:
    (finding,) = (f for f in findings_at(ev, at(name)) if f.rule.id.startswith("SC-RDS-"))
    assert finding.rule.id == "SC-RDS-2"
    assert "literal" in finding.message
    assert LITERAL_PASSWORD not in finding.message


def test_ssm_secure_string_password_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L1SsmSecurePassword")) == {"SC-RDS-2"}


def test_rds_managed_password_needs_a_customer_key(ev: Checked) -> None:
    assert rds_ids(ev, at("L1Managed")) == set()
    assert rds_ids(ev, at("L1ManagedAwsKey")) == {"SC-RDS-2"}


def test_literal_password_set_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscLiteralPassword")) == {("SC-RDS-2", NON_COMPLIANT)}


def test_password_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamPassword")) == {("SC-RDS-2", CANNOT_VERIFY)}


def test_literal_password_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfPassword")) == {("SC-RDS-2", CANNOT_VERIFY)}


def test_secret_references_in_both_branches_are_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfPasswordBoth")) == set()


# -- SC-RDS-3 backups --------------------------------------------------------------------


def test_one_day_of_backups_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L2ShortBackups")) == {"SC-RDS-3"}


def test_backups_turned_off_are_flagged(ev: Checked) -> None:
    (finding,) = (f for f in findings_at(ev, at("L1NoBackups")) if f.rule.id == "SC-RDS-3")
    assert "0 turns them off" in finding.message
    assert rds_ids(ev, at("L1NoBackups")) == {"SC-RDS-3"}


def test_cluster_with_the_one_day_default_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L1ClusterDefaultBackups")) == {"SC-RDS-3"}


def test_backups_shortened_by_override_are_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscBackups")) == {("SC-RDS-3", NON_COMPLIANT)}


def test_backup_retention_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamBackups")) == {("SC-RDS-3", CANNOT_VERIFY)}


def test_short_backups_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfBackups")) == {("SC-RDS-3", CANNOT_VERIFY)}


def test_enough_backups_in_both_branches_are_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfBackupsBoth")) == set()


# -- SC-RDS-4 deletion protection --------------------------------------------------------


def test_unprotected_l2_instance_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L2Unprotected")) == {"SC-RDS-4"}


def test_l1_cluster_without_deletion_protection_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L1ClusterUnprotected")) == {"SC-RDS-4"}


def test_deletion_protection_turned_off_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscUnprotected")) == {("SC-RDS-4", NON_COMPLIANT)}


def test_deletion_protection_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamProtection")) == {("SC-RDS-4", CANNOT_VERIFY)}


def test_deletion_protection_off_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfProtection")) == {("SC-RDS-4", CANNOT_VERIFY)}


def test_deletion_protection_on_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfProtectionBoth")) == set()


# -- SC-RDS-5 removal --------------------------------------------------------------------


def test_destroy_removal_policy_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L2Destroy")) == {"SC-RDS-5"}


def test_l1_instance_without_deletion_policy_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L1NoDeletionPolicy")) == {"SC-RDS-5"}


def test_deletion_policy_overridden_to_delete_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscDelete")) == {("SC-RDS-5", NON_COMPLIANT)}


def test_deletion_policy_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamDeletion")) == {("SC-RDS-5", CANNOT_VERIFY)}


def test_deletion_policy_delete_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfDeletion")) == {("SC-RDS-5", CANNOT_VERIFY)}


def test_snapshot_or_retain_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfDeletionBoth")) == set()


def test_aurora_members_deleted_with_the_stack_are_not_flagged(ev: Checked) -> None:
    resources = ev.templates["RdsAtRest"]["Resources"]
    (writer,) = (
        r
        for lid, r in resources.items()
        if lid.startswith("SecureClusterWriter") and r["Type"] == "AWS::RDS::DBInstance"
    )
    assert writer["DeletionPolicy"] == "Delete"  # the data lives in the cluster volume
    assert rds_ids(ev, f"{at('SecureCluster')}/Writer") == set()


# -- SC-RDS-6 Multi-AZ (warning) ---------------------------------------------------------


def test_single_az_l2_instance_is_a_warning(ev: Checked) -> None:
    (finding,) = (f for f in findings_at(ev, at("L2SingleAz")) if f.rule.id.startswith("SC-RDS-"))
    assert finding.rule.id == "SC-RDS-6"
    assert not finding.blocks_synthesis


def test_aurora_cluster_without_reader_is_flagged(ev: Checked) -> None:
    assert {
        (f.rule.id, f.construct_path)
        for f in findings_at(ev, at("L2ClusterWriterOnly"))
        if f.rule.id.startswith("SC-RDS-")
    } == {("SC-RDS-6", "RdsAtRest/L2ClusterWriterOnly/Resource")}


def test_l1_cluster_with_one_member_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L1ClusterOneMember")) == {"SC-RDS-6"}


def test_l1_cluster_with_every_member_in_one_zone_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L1ClusterSameZone")) == {"SC-RDS-6"}


def test_conditional_reader_does_not_count(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1ClusterConditionalReader")) == {("SC-RDS-6", NON_COMPLIANT)}


def test_multi_az_turned_off_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscSingleAz")) == {("SC-RDS-6", NON_COMPLIANT)}


def test_multi_az_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamMultiAz")) == {("SC-RDS-6", CANNOT_VERIFY)}


def test_single_az_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfMultiAz")) == {("SC-RDS-6", CANNOT_VERIFY)}


def test_multi_az_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfMultiAzBoth")) == set()


# -- SC-RDS-7 TLS ------------------------------------------------------------------------


def test_instance_without_parameter_group_is_flagged(ev: Checked) -> None:
    # The default group neither requires TLS nor logs connections (SC-RDS-13).
    assert rds_ids(ev, at("L2NoParameterGroup")) == {"SC-RDS-7", "SC-RDS-13"}


@pytest.mark.parametrize("name", ["L2TlsOff", "L1MariadbNoTls"])
def test_parameter_group_without_tls_is_flagged(ev: Checked, name: str) -> None:
    assert rds_ids(ev, at(name)) == {"SC-RDS-7"}


def test_default_cluster_parameter_group_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1ClusterDefaultGroup")) == {
        ("SC-RDS-7", NON_COMPLIANT),
        ("SC-RDS-13", NON_COMPLIANT),
    }


def test_parameter_group_outside_the_app_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1ClusterExternalGroup")) == {
        ("SC-RDS-7", CANNOT_VERIFY),
        ("SC-RDS-13", CANNOT_VERIFY),
    }


def test_cluster_parameter_group_on_an_instance_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1WrongGroupType")) == {
        ("SC-RDS-7", NON_COMPLIANT),
        ("SC-RDS-13", NON_COMPLIANT),
    }


@pytest.mark.parametrize("name", ["L1Oracle", "ParamEngine"])
def test_unknown_engine_cannot_be_verified_for_tls_and_logs(ev: Checked, name: str) -> None:
    assert rds_outcomes(ev, at(name)) == {
        ("SC-RDS-7", CANNOT_VERIFY),
        ("SC-RDS-11", CANNOT_VERIFY),
        ("SC-RDS-13", CANNOT_VERIFY),
    }


def test_tls_turned_off_by_override_on_the_group_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscTlsOff")) == {("SC-RDS-7", NON_COMPLIANT)}


def test_parameter_group_removed_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscNoParameterGroup")) == {
        ("SC-RDS-7", NON_COMPLIANT),
        ("SC-RDS-13", NON_COMPLIANT),
    }


def test_tls_setting_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamTls")) == {("SC-RDS-7", CANNOT_VERIFY)}


def test_parameter_group_name_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamParameterGroupName")) == {
        ("SC-RDS-7", CANNOT_VERIFY),
        ("SC-RDS-13", CANNOT_VERIFY),
    }


def test_tls_off_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfTls")) == {("SC-RDS-7", CANNOT_VERIFY)}


def test_tls_on_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfTlsBoth")) == set()


# -- SC-RDS-8 public access --------------------------------------------------------------


def test_publicly_accessible_l2_instance_is_flagged(ev: Checked) -> None:
    (finding,) = (f for f in findings_at(ev, at("L2Public")) if f.rule.id.startswith("SC-RDS-"))
    assert (finding.rule.id, finding.blocks_synthesis) == ("SC-RDS-8", True)
    assert "PubliclyAccessible is true" in finding.message


def test_public_access_left_to_rds_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L1PublicUnset")) == {"SC-RDS-8"}


def test_public_aurora_member_is_flagged(ev: Checked) -> None:
    assert {
        (f.rule.id, f.construct_path) for f in findings_at(ev, at("L1ClusterPublicMember"))
    } == {
        ("SC-RDS-8", "RdsTransit/L1ClusterPublicMember/Member0"),
        ("SC-RDS-8", "RdsTransit/L1ClusterPublicMember/Member1"),
    }


def test_multi_az_db_cluster_is_judged_like_an_instance(ev: Checked) -> None:
    """A Multi-AZ DB cluster (RDS, not Aurora) has no member instances in the template."""
    assert rds_ids(ev, at("L1MultiAzDbCluster")) == {"SC-RDS-8", "SC-RDS-12"}


def test_public_access_turned_on_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscPublic")) == {("SC-RDS-8", NON_COMPLIANT)}


def test_public_access_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamPublic")) == {("SC-RDS-8", CANNOT_VERIFY)}


def test_public_access_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfPublic")) == {("SC-RDS-8", CANNOT_VERIFY)}


def test_private_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfPublicBoth")) == set()


# -- SC-RDS-9 master secret rotation -----------------------------------------------------


def test_unrotated_master_secret_is_flagged_on_the_secret(ev: Checked) -> None:
    assert {
        (f.rule.id, f.construct_path)
        for f in findings_at(ev, at("L2NotRotated"))
        if f.rule.id.startswith("SC-RDS-")
    } == {("SC-RDS-9", "RdsTransit/L2NotRotated/Secret/Resource")}


def test_yearly_rotation_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L2RotatedYearly")) == {"SC-RDS-9"}


def test_secret_no_database_uses_is_not_judged(ev: Checked) -> None:
    assert rds_ids(ev, at("UnusedSecret")) == set()


def test_l1_master_secret_without_schedule_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L1SecretNotRotated")) == {"SC-RDS-9"}


def test_schedule_without_rotation_function_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1ScheduleWithoutFunction")) == {("SC-RDS-9", NON_COMPLIANT)}


def test_monthly_cron_rotation_is_compliant_and_yearly_cannot_be_verified(ev: Checked) -> None:
    assert rds_ids(ev, at("L1MonthlyCron")) == set()
    assert rds_outcomes(ev, at("L1YearlyCron")) == {("SC-RDS-9", CANNOT_VERIFY)}


def test_rotation_lengthened_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscRotation")) == {("SC-RDS-9", NON_COMPLIANT)}


def test_rotation_interval_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamRotation")) == {("SC-RDS-9", CANNOT_VERIFY)}


def test_yearly_rotation_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfRotation")) == {("SC-RDS-9", CANNOT_VERIFY)}


def test_frequent_rotation_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfRotationBoth")) == set()


def test_schedule_that_may_not_exist_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ConditionalRotation")) == {("SC-RDS-9", CANNOT_VERIFY)}


# -- SC-RDS-10 minor version upgrades (warning) ------------------------------------------


def test_minor_upgrades_off_is_a_warning(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("L2NoMinorUpgrades")) if f.rule.id.startswith("SC-RDS-")
    )
    assert (finding.rule.id, finding.blocks_synthesis) == ("SC-RDS-10", False)


def test_aurora_member_without_minor_upgrades_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L1ClusterMemberNoUpgrades")) == {"SC-RDS-10"}


def test_minor_upgrades_turned_off_by_override_are_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscNoMinorUpgrades")) == {("SC-RDS-10", NON_COMPLIANT)}


def test_minor_upgrades_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamMinorUpgrades")) == {("SC-RDS-10", CANNOT_VERIFY)}


def test_minor_upgrades_off_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfMinorUpgrades")) == {("SC-RDS-10", CANNOT_VERIFY)}


def test_minor_upgrades_on_in_both_branches_are_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfMinorUpgradesBoth")) == set()


# -- SC-RDS-11 log exports ---------------------------------------------------------------


def test_postgres_without_the_postgresql_log_is_flagged(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("L2UpgradeLogOnly")) if f.rule.id.startswith("SC-RDS-")
    )
    assert finding.rule.id == "SC-RDS-11"
    assert "does not export postgresql" in finding.message


def test_cluster_without_log_exports_is_flagged(ev: Checked) -> None:
    assert rds_ids(ev, at("L1ClusterNoLogs")) == {"SC-RDS-11"}


def test_mysql_without_the_audit_log_is_flagged(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("L1MysqlErrorLogOnly")) if f.rule.id.startswith("SC-RDS-")
    )
    assert finding.rule.id == "SC-RDS-11"
    assert "does not export audit" in finding.message


def test_log_exports_removed_by_override_are_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscNoLogs")) == {("SC-RDS-11", NON_COMPLIANT)}


def test_log_export_from_parameter_cannot_be_verified(ev: Checked) -> None:
    # Which log groups it publishes to is unknown too (SC-RDS-20).
    assert rds_outcomes(ev, at("ParamLogs")) == {
        ("SC-RDS-11", CANNOT_VERIFY),
        ("SC-RDS-20", CANNOT_VERIFY),
    }


def test_missing_log_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfLogs")) == {("SC-RDS-11", CANNOT_VERIFY)}


def test_engine_log_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfLogsBoth")) == set()


# -- SC-RDS-12 enhanced monitoring (warning) ---------------------------------------------


def test_unmonitored_instance_is_a_warning(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("L2Unmonitored")) if f.rule.id.startswith("SC-RDS-")
    )
    assert (finding.rule.id, finding.blocks_synthesis) == ("SC-RDS-12", False)


def test_unmonitored_aurora_members_are_flagged(ev: Checked) -> None:
    assert {
        (f.rule.id, f.construct_path) for f in findings_at(ev, at("L1ClusterMemberUnmonitored"))
    } == {
        ("SC-RDS-12", "RdsDetection/L1ClusterMemberUnmonitored/Member0"),
        ("SC-RDS-12", "RdsDetection/L1ClusterMemberUnmonitored/Member1"),
    }


def test_cluster_level_monitoring_covers_the_members(ev: Checked) -> None:
    assert rds_ids(ev, at("L1ClusterLevelMonitoring")) == set()


def test_monitoring_turned_off_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscUnmonitored")) == {("SC-RDS-12", NON_COMPLIANT)}


def test_monitoring_interval_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamMonitoring")) == {("SC-RDS-12", CANNOT_VERIFY)}


def test_monitoring_off_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfMonitoring")) == {("SC-RDS-12", CANNOT_VERIFY)}


def test_monitoring_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfMonitoringBoth")) == set()


# -- SC-RDS-13 connection logging ---------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["PgStagesLogged", "L1AuroraMysqlAudited", "L1AuroraMysqlRdsadminExcluded", "L1MysqlAudited"],
)
def test_connection_logging_in_every_engine_form_is_compliant(ev: Checked, name: str) -> None:
    assert rds_ids(ev, at(name)) == set()


def test_l2_parameter_group_without_connection_logging_is_flagged(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("L2ConnectionsNotLogged")) if f.rule.id.startswith("SC-RDS-")
    )
    assert (finding.rule.id, finding.status, finding.blocks_synthesis) == (
        "SC-RDS-13",
        NON_COMPLIANT,
        True,
    )
    assert finding.property_path == "Properties.DBParameterGroupName"
    assert "log_connections is not set" in finding.message
    assert "log_disconnections is not set" in finding.message


def test_disconnections_not_logged_are_flagged(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("L1DisconnectionsNotLogged")) if f.rule.id == "SC-RDS-13"
    )
    assert "log_disconnections is '0'" in finding.message
    assert "log_connections" not in finding.message.replace("log_disconnections", "")
    assert rds_ids(ev, at("L1DisconnectionsNotLogged")) == {"SC-RDS-13"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("L1AuroraMysqlNoConnect", "server_audit_events is 'QUERY_DML'"),
        ("L1AuroraMysqlSomeUsers", "server_audit_incl_users is 'app'"),
        ("L1AuroraMysqlNotAudited", "server_audit_logging is not set"),
    ],
)
def test_aurora_mysql_without_connection_auditing_is_flagged(
    ev: Checked, name: str, expected: str
) -> None:
    findings = [f for f in findings_at(ev, at(name)) if f.rule.id.startswith("SC-RDS-")]
    assert {(f.rule.id, f.construct_path) for f in findings} == {
        ("SC-RDS-13", f"RdsDetection/{name}/Cluster")
    }
    assert expected in findings[0].message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("L1MysqlNoOptionGroup", "OptionGroupName is not set"),
        ("L1MysqlDefaultOptionGroup", "the default group 'default:mysql-8-0'"),
        ("L1MysqlWithoutPlugin", "no MARIADB_AUDIT_PLUGIN option"),
        ("L1MysqlQueriesOnly", "SERVER_AUDIT_EVENTS is 'QUERY'"),
    ],
)
def test_mysql_without_the_audit_plugin_logging_connections_is_flagged(
    ev: Checked, name: str, expected: str
) -> None:
    (finding,) = (f for f in findings_at(ev, at(name)) if f.rule.id.startswith("SC-RDS-"))
    assert (finding.rule.id, finding.status) == ("SC-RDS-13", NON_COMPLIANT)
    assert expected in finding.message


def test_option_group_outside_the_app_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1MysqlExternalOptionGroup")) == {("SC-RDS-13", CANNOT_VERIFY)}


def test_aurora_member_group_that_turns_logging_off_is_flagged(ev: Checked) -> None:
    assert {(f.rule.id, f.construct_path) for f in findings_at(ev, at("L1MemberLoggingOff"))} == {
        ("SC-RDS-13", "RdsDetection/L1MemberLoggingOff/Member0"),
        ("SC-RDS-13", "RdsDetection/L1MemberLoggingOff/Member1"),
    }
    assert rds_ids(ev, at("L1MemberOwnGroup")) == set()


def test_multi_az_mysql_cluster_cannot_be_verified(ev: Checked) -> None:
    logging = {o for o in rds_outcomes(ev, at("L1MysqlMultiAzCluster")) if o[0] == "SC-RDS-13"}
    assert logging == {("SC-RDS-13", CANNOT_VERIFY)}


def test_connection_logging_turned_off_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscLoggingOff")) == {("SC-RDS-13", NON_COMPLIANT)}


def test_logging_parameter_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamLogging")) == {("SC-RDS-13", CANNOT_VERIFY)}


def test_logging_off_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfLogging")) == {("SC-RDS-13", CANNOT_VERIFY)}


def test_logging_on_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfLoggingBoth")) == set()


# -- SC-RDS-14 IAM database authentication (warning) --------------------------------------


def test_instance_without_iam_authentication_is_a_warning(ev: Checked) -> None:
    (finding,) = (f for f in findings_at(ev, at("L2NoIamAuth")) if f.rule.id.startswith("SC-RDS-"))
    assert (finding.rule.id, finding.status, finding.blocks_synthesis) == (
        "SC-RDS-14",
        NON_COMPLIANT,
        False,
    )
    assert "EnableIAMDatabaseAuthentication is false" in finding.message


def test_aurora_cluster_without_iam_authentication_is_flagged_on_the_cluster(ev: Checked) -> None:
    assert {(f.rule.id, f.construct_path) for f in findings_at(ev, at("L1ClusterNoIamAuth"))} == {
        ("SC-RDS-14", "RdsDetection/L1ClusterNoIamAuth/Cluster")
    }


def test_iam_authentication_removed_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscNoIamAuth")) == {("SC-RDS-14", NON_COMPLIANT)}


def test_iam_authentication_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamIamAuth")) == {("SC-RDS-14", CANNOT_VERIFY)}


def test_iam_authentication_off_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfIamAuth")) == {("SC-RDS-14", CANNOT_VERIFY)}


def test_iam_authentication_on_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfIamAuthBoth")) == set()


def test_engine_without_iam_authentication_is_not_judged(ev: Checked) -> None:
    assert "SC-RDS-14" not in rds_ids(ev, at("L1SqlServerNoIamAuth"))


# -- SC-RDS-15 automated backups kept after deletion -------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("L2BackupsDeletedWithDb", "DeleteAutomatedBackups is true"),
        ("L2BackupsDefault", "DeleteAutomatedBackups is not set"),
    ],
)
def test_automated_backups_deleted_with_the_database_are_flagged(
    ev: Checked, name: str, expected: str
) -> None:
    (finding,) = (f for f in findings_at(ev, at(name)) if f.rule.id.startswith("SC-RDS-"))
    assert (finding.rule.id, finding.blocks_synthesis) == ("SC-RDS-15", True)
    assert expected in finding.message


def test_l1_cluster_judged_on_the_cluster_not_its_members(ev: Checked) -> None:
    assert {
        (f.rule.id, f.construct_path) for f in findings_at(ev, at("L1ClusterBackupsDeleted"))
    } == {("SC-RDS-15", "RdsAtRest/L1ClusterBackupsDeleted/Cluster")}


def test_backup_deletion_turned_on_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscBackupsDeleted")) == {("SC-RDS-15", NON_COMPLIANT)}


def test_backup_deletion_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamBackupsDeleted")) == {("SC-RDS-15", CANNOT_VERIFY)}


def test_backup_deletion_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfBackupsDeleted")) == {("SC-RDS-15", CANNOT_VERIFY)}


def test_backups_kept_in_both_branches_are_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfBackupsKeptBoth")) == set()


# -- SC-RDS-16 generated master passwords -------------------------------------------------


@pytest.mark.parametrize(
    "name", ["L1RawSecret", "L2LongOwnSecret", "L2LongOwnSecretSecret", "IfPasswordLengthBoth"]
)
def test_long_passwords_of_every_class_are_compliant(ev: Checked, name: str) -> None:
    assert rds_ids(ev, at(name)) == set()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("L2ShortPasswordSecret", "GenerateSecretString.PasswordLength is 12"),
        ("L2NoDigitsSecret", "GenerateSecretString.ExcludeNumbers is true"),
        ("L1ShortPassword", "GenerateSecretString.PasswordLength is 8"),
        ("L1NoUppercase", "GenerateSecretString.ExcludeUppercase is true"),
    ],
)
def test_weakened_password_generator_is_flagged(ev: Checked, name: str, expected: str) -> None:
    (finding,) = (f for f in findings_at(ev, at(name)) if f.rule.id.startswith("SC-RDS-"))
    assert (finding.rule.id, finding.status, finding.blocks_synthesis) == (
        "SC-RDS-16",
        NON_COMPLIANT,
        True,
    )
    assert finding.resource_type == "AWS::SecretsManager::Secret"
    assert expected in finding.message


def test_excluding_every_punctuation_character_is_flagged(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("L2NoPunctuation")) if f.rule.id.startswith("SC-RDS-")
    )
    assert finding.rule.id == "SC-RDS-16"
    assert "ExcludeCharacters excludes every one of the punctuation" in finding.message


def test_rotation_that_drops_a_class_is_flagged(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("L1RotationDropsDigits")) if f.rule.id == "SC-RDS-16"
    )
    assert "excludes every one of the digits" in finding.message
    assert rds_ids(ev, at("L1RotationDropsDigits")) == {"SC-RDS-16"}


def test_password_shortened_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscShortPassword")) == {("SC-RDS-16", NON_COMPLIANT)}


def test_password_length_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamPasswordLength")) == {("SC-RDS-16", CANNOT_VERIFY)}


def test_short_password_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfPasswordLength")) == {("SC-RDS-16", CANNOT_VERIFY)}


def test_master_secret_that_is_not_generated_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("NotGenerated")) == {("SC-RDS-16", CANNOT_VERIFY)}


def test_generated_secret_no_database_uses_is_not_judged(ev: Checked) -> None:
    assert rds_ids(ev, at("ShortApiToken")) == set()


# -- SC-RDS-17 master secrets retained ----------------------------------------------------


def test_master_secret_deleted_with_the_stack_is_flagged_on_the_secret(ev: Checked) -> None:
    findings = [
        f for f in findings_at(ev, at("L2SecretDeleted")) if f.rule.id.startswith("SC-RDS-")
    ]
    assert {(f.rule.id, f.construct_path, f.property_path) for f in findings} == {
        ("SC-RDS-17", "RdsSecrets/L2SecretDeleted/Secret/Resource", "DeletionPolicy"),
    }
    assert all("holds the master password of" in f.message for f in findings)
    assert all("DeletionPolicy and UpdateReplacePolicy are 'Delete'" in f.message for f in findings)


def test_raw_master_secret_without_deletion_policy_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1SecretNoRetention")) == {("SC-RDS-17", NON_COMPLIANT)}


def test_master_secret_deletion_policy_overridden_to_delete_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscSecretDeleted")) == {("SC-RDS-17", NON_COMPLIANT)}


def test_master_secret_deletion_policy_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamSecretDeletion")) == {("SC-RDS-17", CANNOT_VERIFY)}


def test_master_secret_deleted_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfSecretDeletion")) == {("SC-RDS-17", CANNOT_VERIFY)}


def test_master_secret_retained_in_both_branches_is_compliant(ev: Checked) -> None:
    assert rds_ids(ev, at("IfSecretDeletionBoth")) == set()


# -- SC-RDS-18 master secrets deny their deletion ----------------------------------------


@pytest.mark.parametrize("name", ["L1DenyToEveryone", "L1DenyAllActions"])
def test_denial_to_everyone_or_of_every_action_is_compliant(ev: Checked, name: str) -> None:
    assert rds_ids(ev, at(name)) == set()


def test_secret_without_resource_policy_is_flagged(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("L1SecretNotGuarded")) if f.rule.id.startswith("SC-RDS-")
    )
    assert (finding.rule.id, finding.construct_path) == (
        "SC-RDS-18",
        "RdsSecrets/L1SecretNotGuarded/Secret/Resource",
    )
    assert "no resource policy is attached" in finding.message


@pytest.mark.parametrize(
    "name", ["L1DenyWithCondition", "L1DenyOtherAction", "L1DenyOneRole", "EscDenyDropped"]
)
def test_policy_that_does_not_deny_everyone_deletion_is_flagged(ev: Checked, name: str) -> None:
    assert rds_outcomes(ev, at(name)) == {("SC-RDS-18", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamDenyPrincipal", "IfDenyEffect", "ConditionalDenyPolicy"])
def test_denial_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert rds_outcomes(ev, at(name)) == {("SC-RDS-18", CANNOT_VERIFY)}


def test_l2_rotation_guards_the_secret_through_its_attachment(ev: Checked) -> None:
    """CDK's policy names the SecretTargetAttachment, which stands for the secret."""
    resources = ev.templates["RdsAtRest"]["Resources"]
    policies = [
        r
        for lid, r in resources.items()
        if lid.startswith("Secure") and r["Type"] == "AWS::SecretsManager::ResourcePolicy"
    ]
    assert policies
    assert all(
        resources[p["Properties"]["SecretId"]["Ref"]]["Type"]
        == "AWS::SecretsManager::SecretTargetAttachment"
        for p in policies
    )
    assert rds_ids(ev, at("Secure")) == rds_ids(ev, at("SecureCluster")) == set()


# -- SC-RDS-19 certificate authority -----------------------------------------------------


@pytest.mark.parametrize("name", ["L2CurrentCa", "IfCaBoth", "Secure", "SecureCluster"])
def test_default_or_current_certificate_authority_is_compliant(ev: Checked, name: str) -> None:
    assert rds_ids(ev, at(name)) == set()


def test_retired_certificate_authority_on_l2_instance_is_flagged(ev: Checked) -> None:
    (finding,) = (f for f in findings_at(ev, at("L2RetiredCa")) if f.rule.id.startswith("SC-RDS-"))
    assert (finding.rule.id, finding.status, finding.blocks_synthesis) == (
        "SC-RDS-19",
        NON_COMPLIANT,
        True,
    )
    assert finding.property_path == "Properties.CACertificateIdentifier"
    assert "'rds-ca-2019', a retired certificate authority (expired in August 2024)" in (
        finding.message
    )


def test_retired_certificate_authority_is_flagged_on_the_aurora_member(ev: Checked) -> None:
    assert {
        (f.rule.id, f.construct_path)
        for f in findings_at(ev, at("L2ClusterRetiredCa"))
        if f.rule.id.startswith("SC-RDS-")
    } == {("SC-RDS-19", "RdsCaAndLogs/L2ClusterRetiredCa/Writer/Resource")}
    assert {(f.rule.id, f.construct_path) for f in findings_at(ev, at("L1MemberRetiredCa"))} == {
        ("SC-RDS-19", "RdsCaAndLogs/L1MemberRetiredCa/Member0"),
        ("SC-RDS-19", "RdsCaAndLogs/L1MemberRetiredCa/Member1"),
    }


def test_retired_certificate_authority_on_l1_instance_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1RetiredCa")) == {("SC-RDS-19", NON_COMPLIANT)}


def test_unknown_certificate_authority_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1UnknownCa")) == {("SC-RDS-19", CANNOT_VERIFY)}


def test_retired_certificate_authority_set_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscRetiredCa")) == {("SC-RDS-19", NON_COMPLIANT)}


def test_certificate_authority_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamCa")) == {("SC-RDS-19", CANNOT_VERIFY)}


def test_retired_certificate_authority_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfCa")) == {("SC-RDS-19", CANNOT_VERIFY)}


# -- SC-RDS-20 log groups declared in the app --------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "SecureCluster",
        "L1Instance",
        "L1Cluster",
        "L1MultiAzClusterLogs",
        "L1MixedCaseIdentifier",
        "IfIdentifierBoth",
    ],
)
def test_exports_to_declared_log_groups_are_compliant(ev: Checked, name: str) -> None:
    assert rds_ids(ev, at(name)) == set()


def test_l2_instance_without_its_log_groups_is_flagged(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("L2LogGroupsUndeclared")) if f.rule.id.startswith("SC-RDS-")
    )
    assert (finding.rule.id, finding.status, finding.blocks_synthesis) == (
        "SC-RDS-20",
        NON_COMPLIANT,
        True,
    )
    assert finding.property_path == "Properties.EnableCloudwatchLogsExports"
    assert "/aws/rds/instance/l2loggroupsundeclared/postgresql" in finding.message
    assert "/aws/rds/instance/l2loggroupsundeclared/upgrade" in finding.message


def test_l2_cluster_without_its_log_groups_is_flagged_on_the_cluster(ev: Checked) -> None:
    findings = [
        f
        for f in findings_at(ev, at("L2ClusterLogGroupsUndeclared"))
        if f.rule.id.startswith("SC-RDS-")
    ]
    assert {(f.rule.id, f.construct_path) for f in findings} == {
        ("SC-RDS-20", "RdsCaAndLogs/L2ClusterLogGroupsUndeclared/Resource")
    }
    assert "/aws/rds/cluster/l2clusterloggroupsundeclared/slowquery" in findings[0].message


def test_cdk_log_retention_does_not_declare_the_log_group(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L2LogRetentionOnly")) == {("SC-RDS-20", NON_COMPLIANT)}


def test_one_undeclared_log_group_is_named(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("L1UpgradeLogUndeclared")) if f.rule.id == "SC-RDS-20"
    )
    assert "/aws/rds/instance/l1upgradelogundeclared/upgrade" in finding.message
    assert "postgresql" not in finding.message
    assert rds_ids(ev, at("L1UpgradeLogUndeclared")) == {"SC-RDS-20"}


def test_log_group_named_with_the_identifier_as_typed_is_flagged(ev: Checked) -> None:
    (finding,) = (f for f in findings_at(ev, at("L1LogGroupWrongCase")) if f.rule.id == "SC-RDS-20")
    assert "/aws/rds/instance/orders-wrong-case/postgresql" in finding.message
    assert "RDS lower-cases DBInstanceIdentifier" in finding.message


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("L1GeneratedIdentifier", "RdsCaAndLogs/L1GeneratedIdentifier/Db"),
        ("L1ClusterGeneratedIdentifier", "RdsCaAndLogs/L1ClusterGeneratedIdentifier/Cluster"),
        ("L1GroupsNamedAfterRef", "RdsCaAndLogs/L1GroupsNamedAfterRef/Db"),
    ],
)
def test_generated_identifier_cannot_be_verified(ev: Checked, name: str, path: str) -> None:
    (finding,) = (f for f in findings_at(ev, at(name)) if f.rule.id.startswith("SC-RDS-"))
    assert (finding.rule.id, finding.status, finding.construct_path) == (
        "SC-RDS-20",
        CANNOT_VERIFY,
        path,
    )
    assert "Identifier is not set" in finding.message
    assert finding.property_path.endswith("Identifier")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("L1GroupsNamedAfterRefWithIdentifier", "CloudFormation creates it after the database"),
        ("L1GroupDependsOnDb", "CloudFormation creates it after the database"),
        ("L1ConditionalLogGroup", "exists only when FlavourIsA is true"),
    ],
)
def test_log_group_that_may_come_too_late_cannot_be_verified(
    ev: Checked, name: str, expected: str
) -> None:
    (finding,) = (f for f in findings_at(ev, at(name)) if f.rule.id.startswith("SC-RDS-"))
    assert (finding.rule.id, finding.status) == ("SC-RDS-20", CANNOT_VERIFY)
    assert expected in finding.message


def test_identifier_renamed_by_override_is_flagged(ev: Checked) -> None:
    (finding,) = (
        f for f in findings_at(ev, at("EscIdentifierRenamed")) if f.rule.id == "SC-RDS-20"
    )
    assert finding.status == NON_COMPLIANT
    assert "/aws/rds/instance/renamed-db/postgresql" in finding.message


def test_identifier_removed_by_override_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscIdentifierRemoved")) == {("SC-RDS-20", CANNOT_VERIFY)}


def test_export_added_by_override_without_its_log_group_is_flagged(ev: Checked) -> None:
    (finding,) = (f for f in findings_at(ev, at("EscExportAdded")) if f.rule.id == "SC-RDS-20")
    assert finding.status == NON_COMPLIANT
    assert "/aws/rds/instance/escexportadded/iam-db-auth-error" in finding.message
    assert "/upgrade" not in finding.message


def test_identifier_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("ParamIdentifier")) == {("SC-RDS-20", CANNOT_VERIFY)}


def test_identifier_without_log_groups_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("IfIdentifier")) == {("SC-RDS-20", CANNOT_VERIFY)}
