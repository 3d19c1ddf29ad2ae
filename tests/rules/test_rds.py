"""SC-RDS-1..12 on databases built from L2s, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Rds`` holds one case per construct id (an L2
``DatabaseInstance``/``DatabaseCluster``, or a scope holding raw L1s: the DB, its members,
its secret). Only SC-RDS findings are compared: other rule families judge the keys, secrets
and security groups on their own.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

PG = rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_9)
AURORA_MYSQL = rds.DatabaseClusterEngine.aurora_mysql(
    version=rds.AuroraMysqlEngineVersion.VER_3_10_3
)
INSTANCE_CLASS = "db.r6g.large"
ISOLATED = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
USERNAME_TEMPLATE = '{"username":"dbadmin"}'
SSM_SECURE_PASSWORD = "{{resolve:ssm-secure:/db/password:1}}"  # noqa: S105 - a reference
HOSTED = secretsmanager.CfnRotationSchedule.HostedRotationLambdaProperty
LITERAL_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - the insecure input under test


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
            stack, "PgTls", engine=PG, parameters={"rds.force_ssl": "1"}
        )
        self.pg_l1_group = rds.CfnDBParameterGroup(
            stack,
            "PgL1Tls",
            family="postgres17",
            description="tls",
            parameters={"rds.force_ssl": "1"},
        )
        self.aurora_pg_group = rds.CfnDBClusterParameterGroup(
            stack,
            "AuroraPgTls",
            family="aurora-postgresql17",
            description="tls",
            parameters={"rds.force_ssl": 1},
        )
        self.mysql_cluster_group = rds.ParameterGroup(
            stack,
            "AuroraMysqlTls",
            engine=AURORA_MYSQL,
            parameters={"require_secure_transport": "ON"},
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
        self, scope: Construct, construct_id: str, *, rotate: bool = True
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
        )
        if rotate:
            secret.add_rotation_schedule(
                "Rotation",
                hosted_rotation=secretsmanager.HostedRotation.postgre_sql_single_user(),
                automatically_after=cdk.Duration.days(30),
            )
        return secret

    @staticmethod
    def password(secret: secretsmanager.ISecret, field: str = "password") -> str:
        return secret.secret_value_from_json(field).unsafe_unwrap()

    # -- L2 --------------------------------------------------------------------------------

    def instance(
        self,
        construct_id: str,
        *,
        rotation: cdk.Duration | None = cdk.Duration.days(30),  # noqa: B008
        **overrides: Any,
    ) -> rds.DatabaseInstance:
        """A hardened L2 RDS for PostgreSQL instance, its generated secret rotated."""
        props: dict[str, Any] = {
            "engine": PG,
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
        }
        props.update(overrides)
        db = rds.DatabaseInstance(self.stack, self.register(construct_id), **props)
        if db.secret is not None and rotation is not None:
            db.secret.add_rotation_schedule(
                "Rotation",
                hosted_rotation=secretsmanager.HostedRotation.postgre_sql_single_user(),
                automatically_after=rotation,
            )
        return db

    def cluster(self, construct_id: str, **overrides: Any) -> rds.DatabaseCluster:
        """A hardened L2 Aurora MySQL cluster (writer + reader), its secret rotated."""
        member = {
            "publicly_accessible": False,
            "instance_type": ec2.InstanceType("r6g.large"),
        }
        props: dict[str, Any] = {
            "engine": AURORA_MYSQL,
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
        }
        props.update(overrides)
        db = rds.DatabaseCluster(self.stack, self.register(construct_id), **props)
        assert db.secret is not None
        db.secret.add_rotation_schedule(
            "Rotation",
            hosted_rotation=secretsmanager.HostedRotation.mysql_single_user(),
            automatically_after=cdk.Duration.days(30),
        )
        return db

    # -- L1 --------------------------------------------------------------------------------

    def l1_instance(
        self, construct_id: str, *, password: Any = None, **overrides: Any
    ) -> rds.CfnDBInstance:
        """A hardened raw RDS for PostgreSQL instance in its own scope."""
        scope = Construct(self.stack, self.register(construct_id))
        props: dict[str, Any] = {
            "engine": "postgres",
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
        }
        props.update(overrides)
        db = rds.CfnDBInstance(scope, "Db", **props)
        db.cfn_options.deletion_policy = cdk.CfnDeletionPolicy.SNAPSHOT
        db.cfn_options.update_replace_policy = cdk.CfnDeletionPolicy.SNAPSHOT
        return db

    def l1_cluster(
        self,
        construct_id: str,
        *,
        zones: tuple[str | None, ...] = ("eu-west-1a", "eu-west-1b"),
        member: dict[str, Any] | None = None,
        **overrides: Any,
    ) -> tuple[Construct, rds.CfnDBCluster, list[rds.CfnDBInstance]]:
        """A hardened raw Aurora PostgreSQL cluster with one member per zone, in a scope."""
        scope = Construct(self.stack, self.register(construct_id))
        props: dict[str, Any] = {
            "engine": "aurora-postgresql",
            "storage_encrypted": True,
            "kms_key_id": self.key.key_arn,
            "master_username": "dbadmin",
            "master_user_password": self.password(self.secret),
            "backup_retention_period": 14,
            "deletion_protection": True,
            "db_cluster_parameter_group_name": self.aurora_pg_group.ref,
            "enable_cloudwatch_logs_exports": ["postgresql"],
        }
        props.update(overrides)
        cluster = rds.CfnDBCluster(scope, "Cluster", **props)
        cluster.cfn_options.deletion_policy = cdk.CfnDeletionPolicy.SNAPSHOT
        cluster.cfn_options.update_replace_policy = cdk.CfnDeletionPolicy.SNAPSHOT
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
        self, construct_id: str, **schedule: Any
    ) -> tuple[Construct, secretsmanager.CfnRotationSchedule]:
        """A raw instance whose own (CDK) secret has a raw rotation schedule."""
        db = self.l1_instance(construct_id)
        scope = db.node.scope
        assert isinstance(scope, Construct)
        secret = self.rotated_secret(scope, "Secret", rotate=False)
        db.master_user_password = self.password(secret)
        return scope, self.l1_schedule(scope, secret, **schedule)


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
            s, "PgNoTls", engine=PG, parameters={"rds.force_ssl": "0"}
        ),
    )
    c.l1_instance(
        "L1MariadbNoTls",
        engine="mariadb",
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
        s, "EscTlsGroup", family="postgres17", description="tls", parameters={"rds.force_ssl": "1"}
    )
    esc_group.add_property_override("Parameters.rds\\.force_ssl", "0")
    c.l1_instance("EscTlsOff", db_parameter_group_name=esc_group.ref)
    cfn(c.instance("EscNoParameterGroup")).add_property_deletion_override("DBParameterGroupName")
    param_group = rds.CfnDBParameterGroup(
        s,
        "ParamTlsGroup",
        family="postgres17",
        description="tls",
        parameters={"rds.force_ssl": setting},
    )
    c.l1_instance("ParamTls", db_parameter_group_name=param_group.ref)
    c.l1_instance("ParamParameterGroupName", db_parameter_group_name=setting)
    if_group = rds.CfnDBParameterGroup(
        s,
        "IfTlsGroup",
        family="postgres17",
        description="tls",
        parameters={"rds.force_ssl": switch.pick("1", "0")},
    )
    c.l1_instance("IfTls", db_parameter_group_name=if_group.ref)
    if_both_group = rds.CfnDBParameterGroup(
        s,
        "IfTlsBothGroup",
        family="postgres17",
        description="tls",
        parameters={"rds.force_ssl": switch.pick("1", 1)},
    )
    c.l1_instance("IfTlsBoth", db_parameter_group_name=if_both_group.ref)

    # SC-RDS-8 public access.
    multi_az_group = rds.CfnDBClusterParameterGroup(
        s, "MultiAzTls", family="postgres17", description="tls", parameters={"rds.force_ssl": "1"}
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


def cfn_ref(stack: cdk.Stack, case: str) -> str:
    """The ``Ref`` of the raw DB of an L1 case."""
    db = stack.node.find_child(case).node.find_child("Db")
    assert isinstance(db, rds.CfnDBInstance)
    return db.ref


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    # CloudFormation allows 500 resources per stack: one stack per group of rules.
    _build_at_rest(Case(cdk.Stack(app, "RdsAtRest")))
    _build_in_transit_and_prevention(Case(cdk.Stack(app, "RdsTransit")))
    _build_patching_and_detection(Case(cdk.Stack(app, "RdsDetection")))
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
    assert rds_ids(ev, at("L2NoParameterGroup")) == {"SC-RDS-7"}


@pytest.mark.parametrize("name", ["L2TlsOff", "L1MariadbNoTls"])
def test_parameter_group_without_tls_is_flagged(ev: Checked, name: str) -> None:
    assert rds_ids(ev, at(name)) == {"SC-RDS-7"}


def test_default_cluster_parameter_group_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1ClusterDefaultGroup")) == {("SC-RDS-7", NON_COMPLIANT)}


def test_parameter_group_outside_the_app_cannot_be_verified(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1ClusterExternalGroup")) == {("SC-RDS-7", CANNOT_VERIFY)}


def test_cluster_parameter_group_on_an_instance_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("L1WrongGroupType")) == {("SC-RDS-7", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["L1Oracle", "ParamEngine"])
def test_unknown_engine_cannot_be_verified_for_tls_and_logs(ev: Checked, name: str) -> None:
    assert rds_outcomes(ev, at(name)) == {
        ("SC-RDS-7", CANNOT_VERIFY),
        ("SC-RDS-11", CANNOT_VERIFY),
    }


def test_tls_turned_off_by_override_on_the_group_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscTlsOff")) == {("SC-RDS-7", NON_COMPLIANT)}


def test_parameter_group_removed_by_override_is_flagged(ev: Checked) -> None:
    assert rds_outcomes(ev, at("EscNoParameterGroup")) == {("SC-RDS-7", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamTls", "ParamParameterGroupName"])
def test_tls_setting_from_parameter_cannot_be_verified(ev: Checked, name: str) -> None:
    assert rds_outcomes(ev, at(name)) == {("SC-RDS-7", CANNOT_VERIFY)}


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
    assert rds_outcomes(ev, at("ParamLogs")) == {("SC-RDS-11", CANNOT_VERIFY)}


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
