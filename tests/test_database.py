"""SecureDatabase: each secure default, each engine, the single-AZ weakening, each bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from syrupy.assertion import SnapshotAssertion

from aspects import SecurityGuardrails
from aspects.errors import SecureConstructsError
from aspects.testing import check
from secure_constructs._defaults.kms import customer_managed_key
from secure_constructs._defaults.logs import encrypted_log_group
from secure_constructs.database import (
    WARN_SINGLE_AZ,
    DatabaseEngine,
    EngineKind,
    SecureDatabase,
)
from secure_constructs.function import SecureFunction
from secure_constructs.vpc import SecureVpc
from tests.conftest import normalise

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
LITERAL_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - the insecure input under test
ISOLATED = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)


def isolated_vpc(scope: cdk.Stack, construct_id: str = "Vpc", *, max_azs: int = 2) -> ec2.Vpc:
    """A VPC the guardrails accept: isolated subnets only, flow logs to an encrypted group."""
    vpc = ec2.Vpc(
        scope,
        construct_id,
        max_azs=max_azs,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    key = customer_managed_key(scope, f"{construct_id}FlowLogKey", description="VPC flow logs")
    group = encrypted_log_group(scope, f"{construct_id}FlowLogs", encryption_key=key)
    vpc.add_flow_log("FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(group))
    return vpc


class Built:
    """One app, one stack per configuration, synthesized once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App()
        self.stacks: dict[str, cdk.Stack] = {}
        self.aurora_postgres = self._db("AuroraPostgres")
        self.aurora_mysql = self._db("AuroraMysql", engine=DatabaseEngine.aurora_mysql())
        self.postgres = self._db("Postgres", engine=DatabaseEngine.postgres())
        self.single_az = self._db("SingleAz", multi_az=False)
        self._options()
        weakened = self._db("Weakened")
        assert weakened.cluster is not None
        cfn_cluster = weakened.cluster.node.default_child
        assert isinstance(cfn_cluster, rds.CfnDBCluster)
        cfn_cluster.add_property_override("StorageEncrypted", False)
        self.templates = {
            name: assertions.Template.from_stack(stack) for name, stack in self.stacks.items()
        }
        self.evaluation = check(self.app)

    def _stack(self, name: str) -> cdk.Stack:
        self.stacks[name] = cdk.Stack(self.app, name, env=ENV)
        return self.stacks[name]

    def _db(self, name: str, **kwargs: Any) -> SecureDatabase:
        stack = self._stack(name)
        return SecureDatabase(stack, "Db", vpc=isolated_vpc(stack), **kwargs)

    def _options(self) -> None:
        stack = self._stack("Options")
        vpc = isolated_vpc(stack)
        self.own_key = kms.Key(stack, "SharedKey", enable_key_rotation=True)
        self.endpoint = vpc.add_interface_endpoint(
            "SecretsManager",
            service=ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
            subnets=ISOLATED,
            open=False,
        )
        self.own_secret = secretsmanager.Secret(
            stack,
            "OwnSecret",
            encryption_key=self.own_key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({"username": "appadmin"}),
                generate_string_key="password",
            ),
        )
        self.client = ec2.SecurityGroup(stack, "Client", vpc=vpc, allow_all_outbound=False)
        self.reader = iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal())
        self.options = SecureDatabase(
            stack,
            "Db",
            vpc=vpc,
            engine=DatabaseEngine.postgres(allocated_storage_gib=50),
            encryption_key=self.own_key,
            credentials=rds.Credentials.from_secret(self.own_secret),
            secrets_manager_endpoint=self.endpoint,
            port=6543,
            parameters={"log_min_duration_statement": "2000", "rds.force_ssl": "1"},
            identifier="orders-db",
            log_retention=logs.RetentionDays.THREE_MONTHS,
            performance_insights=False,
            backup_retention=cdk.Duration.days(7),
            rotation_interval=cdk.Duration.days(7),
        )
        self.options.allow_from(self.client)
        self.options.allow_from(ec2.Peer.ipv4("10.20.0.0/16"), "the on-premises network")
        self.options.grant_connect(self.reader, "reporting")
        self.options.grant_secret_read(self.reader)

    # -- lookups --------------------------------------------------------------------------

    def resources(self, stack: str, resource_type: str) -> dict[str, Any]:
        return self.templates[stack].find_resources(resource_type)

    def one(self, stack: str, resource_type: str, name_part: str = "") -> dict[str, Any]:
        (match,) = [
            r for lid, r in self.resources(stack, resource_type).items() if name_part in lid
        ]
        return match

    def logical_id(self, stack: str, resource_type: str, name_part: str) -> str:
        (lid,) = [lid for lid in self.resources(stack, resource_type) if name_part in lid]
        return lid

    def findings(self, stack: str) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack
        }


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _key_arn(built: Built, stack: str, name_part: str = "DbKey") -> dict[str, Any]:
    return {"Fn::GetAtt": [built.logical_id(stack, "AWS::KMS::Key", name_part), "Arn"]}


ENGINES = ("AuroraPostgres", "AuroraMysql", "Postgres")
CLUSTERS = ("AuroraPostgres", "AuroraMysql")


# -- guardrails --------------------------------------------------------------------------


@pytest.mark.parametrize("stack", [*ENGINES, "Options"])
def test_database_passes_every_guardrail_without_acknowledgments(built: Built, stack: str) -> None:
    assert built.findings(stack) == set()
    metadata = (Path(built.app.outdir) / f"{stack}.metadata.json").read_text()
    assert "aws:cdk:acknowledged-rules" in metadata  # the inherent cdk-nag findings...
    assert "SecureConstructs::" not in metadata  # ...but nothing of ours is acknowledged


def test_single_az_is_visible_as_a_warning_and_nothing_else(built: Built) -> None:
    assert built.findings("SingleAz") == {("SC-RDS-6", "SingleAz/Db/Cluster/Resource")}
    (finding,) = (f for f in built.evaluation.findings if f.stack_path == "SingleAz")
    assert not finding.blocks_synthesis
    warnings = assertions.Annotations.from_stack(built.stacks["SingleAz"]).find_warning(
        "*", assertions.Match.string_like_regexp(".*multi_az=False.*")
    )
    assert [w.entry.data for w in warnings]
    assert any(WARN_SINGLE_AZ in json.dumps(w.entry.data) for w in warnings)
    assert len(built.resources("SingleAz", "AWS::RDS::DBInstance")) == 1


def test_storage_encryption_removed_by_override_is_flagged(built: Built) -> None:
    assert built.findings("Weakened") == {("SC-RDS-1", "Weakened/Db/Cluster/Resource")}


# -- at rest -----------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ENGINES)
def test_storage_and_performance_insights_use_the_rotating_retained_key(
    built: Built, stack: str
) -> None:
    key = built.one(stack, "AWS::KMS::Key", "DbKey")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"
    kind = "AWS::RDS::DBCluster" if stack in CLUSTERS else "AWS::RDS::DBInstance"
    props = built.one(stack, kind)["Properties"]
    assert props["StorageEncrypted"] is True
    assert props["KmsKeyId"] == _key_arn(built, stack)
    for instance in built.resources(stack, "AWS::RDS::DBInstance").values():
        assert instance["Properties"]["EnablePerformanceInsights"] is True
        assert instance["Properties"]["PerformanceInsightsKMSKeyId"] == _key_arn(built, stack)


@pytest.mark.parametrize("stack", ENGINES)
def test_master_password_is_generated_into_an_encrypted_retained_secret(
    built: Built, stack: str
) -> None:
    (secret_id,) = built.resources(stack, "AWS::SecretsManager::Secret")
    secret = built.resources(stack, "AWS::SecretsManager::Secret")[secret_id]
    assert secret["Properties"]["KmsKeyId"] == _key_arn(built, stack)
    assert secret["Properties"]["GenerateSecretString"]["GenerateStringKey"] == "password"
    assert json.loads(secret["Properties"]["GenerateSecretString"]["SecretStringTemplate"]) == {
        "username": "dbadmin"
    }
    assert secret["DeletionPolicy"] == secret["UpdateReplacePolicy"] == "Retain"
    kind = "AWS::RDS::DBCluster" if stack in CLUSTERS else "AWS::RDS::DBInstance"
    props = built.one(stack, kind)["Properties"]
    assert props["MasterUserPassword"] == {
        "Fn::Join": [
            "",
            ["{{resolve:secretsmanager:", {"Ref": secret_id}, ":SecretString:password::}}"],
        ]
    }
    assert props["EnableIAMDatabaseAuthentication"] is True


@pytest.mark.parametrize(
    ("stack", "rotation_type"),
    [
        ("AuroraPostgres", "PostgreSQLSingleUser"),
        ("AuroraMysql", "MySQLSingleUser"),
        ("Postgres", "PostgreSQLSingleUser"),
    ],
)
def test_master_password_rotates_every_30_days_by_hosted_rotation(
    built: Built, stack: str, rotation_type: str
) -> None:
    schedule = built.one(stack, "AWS::SecretsManager::RotationSchedule")["Properties"]
    assert schedule["RotationRules"] == {"ScheduleExpression": "rate(30 days)"}
    hosted = schedule["HostedRotationLambda"]
    assert hosted["RotationType"] == rotation_type
    assert hosted["KmsKeyArn"] == _key_arn(built, stack)
    rotation_sg = built.logical_id(stack, "AWS::EC2::SecurityGroup", "RotationSecurityGroup")
    assert hosted["VpcSecurityGroupIds"] == {"Fn::GetAtt": [rotation_sg, "GroupId"]}
    attachment = built.logical_id(stack, "AWS::SecretsManager::SecretTargetAttachment", "Db")
    assert schedule["SecretId"] == {"Ref": attachment}
    assert built.templates[stack].to_json()["Transform"].startswith("AWS::SecretsManager-")


@pytest.mark.parametrize("stack", ENGINES)
def test_nothing_is_lost_backups_protection_snapshot(built: Built, stack: str) -> None:
    kind = "AWS::RDS::DBCluster" if stack in CLUSTERS else "AWS::RDS::DBInstance"
    db = built.one(stack, kind)
    props = db["Properties"]
    assert props["DeletionProtection"] is True
    assert props["BackupRetentionPeriod"] == 30
    assert props["CopyTagsToSnapshot"] is True
    assert props["DeleteAutomatedBackups"] is False
    assert db["DeletionPolicy"] == db["UpdateReplacePolicy"] == "Snapshot"


@pytest.mark.parametrize("stack", CLUSTERS)
def test_aurora_has_a_writer_and_a_reader_in_two_zones(built: Built, stack: str) -> None:
    zones = [
        i["Properties"]["AvailabilityZone"]
        for i in built.resources(stack, "AWS::RDS::DBInstance").values()
    ]
    assert len(zones) == 2
    assert zones[0] != zones[1]


def test_postgres_instance_is_multi_az_on_gp3(built: Built) -> None:
    props = built.one("Postgres", "AWS::RDS::DBInstance")["Properties"]
    assert props["MultiAZ"] is True
    assert props["StorageType"] == "gp3"
    assert props["AllocatedStorage"] == "100"


def test_aurora_mysql_can_backtrack_a_day(built: Built) -> None:
    props = built.one("AuroraMysql", "AWS::RDS::DBCluster")["Properties"]
    assert props["BacktrackWindow"] == 86400


# -- in transit --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "group_type", "attribute", "family", "tls"),
    [
        (
            "AuroraPostgres",
            "AWS::RDS::DBClusterParameterGroup",
            "DBClusterParameterGroupName",
            "aurora-postgresql17",
            {"rds.force_ssl": "1"},
        ),
        (
            "AuroraMysql",
            "AWS::RDS::DBClusterParameterGroup",
            "DBClusterParameterGroupName",
            "aurora-mysql8.0",
            {"require_secure_transport": "ON"},
        ),
        (
            "Postgres",
            "AWS::RDS::DBParameterGroup",
            "DBParameterGroupName",
            "postgres17",
            {"rds.force_ssl": "1"},
        ),
    ],
)
def test_parameter_group_requires_tls(
    built: Built, stack: str, group_type: str, attribute: str, family: str, tls: dict[str, str]
) -> None:
    group_id = built.logical_id(stack, group_type, "DbParameters")
    group = built.resources(stack, group_type)[group_id]["Properties"]
    assert group["Family"] == family
    assert tls.items() <= group["Parameters"].items()
    kind = "AWS::RDS::DBCluster" if stack in CLUSTERS else "AWS::RDS::DBInstance"
    assert built.one(stack, kind)["Properties"][attribute] == {"Ref": group_id}


def test_aurora_mysql_audits_connections_and_privilege_changes(built: Built) -> None:
    group = built.one("AuroraMysql", "AWS::RDS::DBClusterParameterGroup")["Properties"]
    assert group["Parameters"]["server_audit_logging"] == "1"
    assert group["Parameters"]["server_audit_events"] == "CONNECT,QUERY_DCL,QUERY_DDL"


# -- prevention --------------------------------------------------------------------------


@pytest.mark.parametrize(("stack", "port"), [("AuroraPostgres", 5433), ("AuroraMysql", 3307)])
def test_database_listens_on_a_non_default_port(built: Built, stack: str, port: int) -> None:
    assert built.one(stack, "AWS::RDS::DBCluster")["Properties"]["Port"] == port


@pytest.mark.parametrize("stack", ENGINES)
def test_database_is_private_and_admits_only_its_rotation_function(
    built: Built, stack: str
) -> None:
    for instance in built.resources(stack, "AWS::RDS::DBInstance").values():
        assert instance["Properties"]["PubliclyAccessible"] is False
    subnets = built.one(stack, "AWS::RDS::DBSubnetGroup")["Properties"]["SubnetIds"]
    isolated = {lid for lid in built.resources(stack, "AWS::EC2::Subnet") if "dataSubnet" in lid}
    assert {s["Ref"] for s in subnets} == isolated
    db_sg = built.logical_id(stack, "AWS::EC2::SecurityGroup", "DbSecurityGroup")
    sg = built.resources(stack, "AWS::EC2::SecurityGroup")[db_sg]["Properties"]
    assert "SecurityGroupIngress" not in sg
    assert sg["SecurityGroupEgress"][0]["Description"] == "Disallow all traffic"
    (ingress,) = built.resources(stack, "AWS::EC2::SecurityGroupIngress").values()
    rotation_sg = built.logical_id(stack, "AWS::EC2::SecurityGroup", "RotationSecurityGroup")
    assert ingress["Properties"]["GroupId"] == {"Fn::GetAtt": [db_sg, "GroupId"]}
    assert ingress["Properties"]["SourceSecurityGroupId"] == {
        "Fn::GetAtt": [rotation_sg, "GroupId"]
    }


# -- detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "kind", "exports"),
    [
        ("AuroraPostgres", "cluster", ["postgresql"]),
        ("AuroraMysql", "cluster", ["audit", "error", "general", "slowquery"]),
        ("Postgres", "instance", ["postgresql", "upgrade"]),
    ],
)
def test_logs_go_to_encrypted_expiring_groups_created_first(
    built: Built, stack: str, kind: str, exports: list[str]
) -> None:
    db_type = "AWS::RDS::DBCluster" if stack in CLUSTERS else "AWS::RDS::DBInstance"
    db = built.one(stack, db_type)
    assert db["Properties"]["EnableCloudwatchLogsExports"] == exports
    identifier = db["Properties"][
        "DBClusterIdentifier" if stack in CLUSTERS else "DBInstanceIdentifier"
    ]
    groups = {
        lid: g
        for lid, g in built.resources(stack, "AWS::Logs::LogGroup").items()
        if lid.startswith("Db")
    }
    assert sorted(g["Properties"]["LogGroupName"] for g in groups.values()) == [
        f"/aws/rds/{kind}/{identifier}/{log}" for log in exports
    ]
    for group in groups.values():
        assert group["Properties"]["KmsKeyId"] == _key_arn(built, stack)
        assert group["Properties"]["RetentionInDays"] == 365
        assert group["DeletionPolicy"] == "Retain"
    assert set(groups) <= set(db["DependsOn"])


@pytest.mark.parametrize("stack", ENGINES)
def test_instances_have_enhanced_monitoring_and_minor_upgrades(built: Built, stack: str) -> None:
    role = built.logical_id(stack, "AWS::IAM::Role", "DbMonitoringRole")
    for instance in built.resources(stack, "AWS::RDS::DBInstance").values():
        props = instance["Properties"]
        assert props["MonitoringInterval"] == 60
        assert props["MonitoringRoleArn"] == {"Fn::GetAtt": [role, "Arn"]}
        assert props["AutoMinorVersionUpgrade"] is True
        assert props["CACertificateIdentifier"] == "rds-ca-rsa2048-g1"


def test_monitoring_role_may_write_only_the_rdsosmetrics_group(built: Built) -> None:
    role = built.one("AuroraPostgres", "AWS::IAM::Role", "DbMonitoringRole")["Properties"]
    assert "Policies" not in role  # no inline policy (NIST/HIPAA/PCI IAMNoInlinePolicy)
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "monitoring.rds.amazonaws.com"
    }
    policy = built.one("AuroraPostgres", "AWS::IAM::ManagedPolicy", "DbMonitoringRole")
    resources = [
        "".join(p if isinstance(p, str) else "${" + next(iter(p.values())) + "}" for p in parts)
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        for parts in [s["Resource"]["Fn::Join"][1]]
    ]
    assert resources == [
        "arn:${AWS::Partition}:logs:eu-west-1:111111111111:log-group:RDSOSMetrics",
        "arn:${AWS::Partition}:logs:eu-west-1:111111111111:log-group:RDSOSMetrics:log-stream:*",
    ]


# -- what it exposes -----------------------------------------------------------------------


def test_construct_exposes_what_it_creates(built: Built) -> None:
    db = built.aurora_postgres
    assert isinstance(db.cluster, rds.DatabaseCluster)
    assert db.instance is None
    assert isinstance(db.encryption_key, kms.Key)
    assert isinstance(db.security_group, ec2.SecurityGroup)
    assert isinstance(db.parameter_group, rds.ParameterGroup)
    assert isinstance(db.rotation, secretsmanager.RotationSchedule)
    assert db.cluster.secret is not None
    assert db.secret.node.path == db.cluster.secret.node.path
    stack = built.stacks["AuroraPostgres"]
    assert stack.resolve(db.endpoint.hostname) == stack.resolve(
        db.cluster.cluster_endpoint.hostname
    )
    assert set(db.log_groups) == {"postgresql"}
    assert db.engine.kind is EngineKind.AURORA_POSTGRESQL
    assert [c.node.id for c in db.node.children] == [
        "Key",
        "SecurityGroup",
        "RotationSecurityGroup",
        "MonitoringRole",
        "Parameters",
        "PostgresqlLogs",
        "Cluster",
        "Rotation",
    ]
    assert isinstance(built.postgres.instance, rds.DatabaseInstance)
    assert built.postgres.cluster is None


def test_connection_environment_names_host_port_tls_and_secret_but_no_password(
    built: Built,
) -> None:
    assert built.aurora_mysql.connection_environment()["DB_TLS_MODE"] == "VERIFY_IDENTITY"
    stack = built.stacks["AuroraPostgres"]
    env = stack.resolve(built.aurora_postgres.connection_environment())
    cluster = built.logical_id("AuroraPostgres", "AWS::RDS::DBCluster", "DbCluster")
    attachment = built.logical_id(
        "AuroraPostgres", "AWS::SecretsManager::SecretTargetAttachment", "Db"
    )
    assert env == {
        "DB_HOST": {"Fn::GetAtt": [cluster, "Endpoint.Address"]},
        "DB_PORT": "5433",
        "DB_TLS_MODE": "verify-full",
        "DB_SECRET_ARN": {"Ref": attachment},
    }


@pytest.mark.parametrize("stack", ENGINES)
def test_template_snapshot(built: Built, stack: str, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates[stack].to_json()) == snapshot_json


# -- bring your own key, secret and endpoint; grants ---------------------------------------


def test_given_key_and_secret_are_used_and_nothing_extra_is_created(built: Built) -> None:
    db = built.options
    assert db.encryption_key is built.own_key
    assert "Key" not in [c.node.id for c in db.node.children]
    (secret_id,) = built.resources("Options", "AWS::SecretsManager::Secret")
    assert "OwnSecret" in secret_id
    # The given secret is kept as long as the database's snapshots (SC-RDS-17).
    secret = built.resources("Options", "AWS::SecretsManager::Secret")[secret_id]
    assert secret["DeletionPolicy"] == secret["UpdateReplacePolicy"] == "Retain"
    props = built.one("Options", "AWS::RDS::DBInstance")["Properties"]
    assert props["KmsKeyId"] == _key_arn(built, "Options", "SharedKey")
    assert props["Port"] == "6543"
    assert props["DBInstanceIdentifier"] == "orders-db"
    assert props["AllocatedStorage"] == "50"
    assert props["BackupRetentionPeriod"] == 7
    assert props.get("EnablePerformanceInsights") in (None, False)
    schedule = built.one("Options", "AWS::SecretsManager::RotationSchedule")["Properties"]
    assert schedule["RotationRules"] == {"ScheduleExpression": "rate(7 days)"}


def test_user_parameters_are_merged_with_tls_kept(built: Built) -> None:
    group = built.one("Options", "AWS::RDS::DBParameterGroup")["Properties"]
    assert group["Parameters"]["log_min_duration_statement"] == "2000"
    assert group["Parameters"]["rds.force_ssl"] == "1"


def test_log_groups_follow_the_identifier_and_retention(built: Built) -> None:
    groups = [
        g["Properties"]
        for lid, g in built.resources("Options", "AWS::Logs::LogGroup").items()
        if lid.startswith("Db")
    ]
    assert sorted(g["LogGroupName"] for g in groups) == [
        "/aws/rds/instance/orders-db/postgresql",
        "/aws/rds/instance/orders-db/upgrade",
    ]
    assert {g["RetentionInDays"] for g in groups} == {90}


def test_with_an_endpoint_rotation_reaches_only_the_endpoint_and_the_database(
    built: Built,
) -> None:
    rotation_sg = built.logical_id("Options", "AWS::EC2::SecurityGroup", "RotationSecurityGroup")
    sg = built.resources("Options", "AWS::EC2::SecurityGroup")[rotation_sg]["Properties"]
    assert "SecurityGroupEgress" not in sg  # no 0.0.0.0/0: only the two rules below
    egress = [
        e["Properties"]
        for e in built.resources("Options", "AWS::EC2::SecurityGroupEgress").values()
        if e["Properties"]["GroupId"] == {"Fn::GetAtt": [rotation_sg, "GroupId"]}
    ]
    endpoint_sg = built.logical_id("Options", "AWS::EC2::SecurityGroup", "SecretsManager")
    db_sg = built.logical_id("Options", "AWS::EC2::SecurityGroup", "DbSecurityGroup")
    assert {(e["DestinationSecurityGroupId"]["Fn::GetAtt"][0], e["FromPort"]) for e in egress} == {
        (endpoint_sg, 443),
        (db_sg, 6543),
    }


def test_allow_from_admits_granted_peers_on_the_database_port(built: Built) -> None:
    db_sg = built.logical_id("Options", "AWS::EC2::SecurityGroup", "DbSecurityGroup")
    client = built.logical_id("Options", "AWS::EC2::SecurityGroup", "Client")
    inline = built.resources("Options", "AWS::EC2::SecurityGroup")[db_sg]["Properties"]
    ingress = inline["SecurityGroupIngress"] + [
        i["Properties"]
        for i in built.resources("Options", "AWS::EC2::SecurityGroupIngress").values()
        if i["Properties"]["GroupId"] == {"Fn::GetAtt": [db_sg, "GroupId"]}
    ]
    sources = {
        (i.get("CidrIp") or i["SourceSecurityGroupId"]["Fn::GetAtt"][0], i["FromPort"], i["ToPort"])
        for i in ingress
    }
    assert (client, 6543, 6543) in sources
    assert ("10.20.0.0/16", 6543, 6543) in sources


def test_grants_allow_iam_sign_in_and_reading_the_secret(built: Built) -> None:
    (statements,) = (
        p["Properties"]["PolicyDocument"]["Statement"]
        for lid, p in built.resources("Options", "AWS::IAM::Policy").items()
        if lid.startswith("ReaderDefaultPolicy")
    )
    connect, read = statements
    assert connect["Action"] == "rds-db:connect"
    assert connect["Resource"]["Fn::Join"][1][-1] == "/reporting"
    assert read["Action"] == ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    reader = built.logical_id("Options", "AWS::IAM::Role", "Reader")
    key_policy = built.one("Options", "AWS::KMS::Key", "SharedKey")["Properties"]["KeyPolicy"]
    assert any(
        s["Action"] == "kms:Decrypt"
        and s["Principal"] == {"AWS": {"Fn::GetAtt": [reader, "Arn"]}}
        and "kms:ViaService" in s["Condition"]["StringEquals"]
        for s in key_policy["Statement"]
    )


# -- the guardrails stop weakened databases at synthesis -----------------------------------


def test_public_instance_and_weakened_cluster_fail_synthesis() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Bad", env=ENV)
    vpc = isolated_vpc(stack)
    rds.DatabaseInstance(
        stack,
        "Plain",
        engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_9),
        vpc=vpc,
        vpc_subnets=ISOLATED,
        publicly_accessible=True,
    )
    db = SecureDatabase(stack, "Db", vpc=vpc)
    assert db.cluster is not None
    cfn_cluster = db.cluster.node.default_child
    assert isinstance(cfn_cluster, rds.CfnDBCluster)
    cfn_cluster.add_property_override("DBClusterParameterGroupName", "default.aurora-postgresql17")
    cdk.Aspects.of(app).add(SecurityGuardrails())
    with pytest.raises(RuntimeError, match="ValidationFailed") as raised:
        app.synth()
    report = str(raised.value)
    assert (
        "[SC-RDS-8] RDS databases are not publicly accessible: PubliclyAccessible is true" in report
    )
    assert "[SC-RDS-7]" in report
    assert "default group 'default.aurora-postgresql17'" in report


# -- bad input: one clear Python error naming the property and the fix --------------------


def _build(*, vpc_kwargs: dict[str, Any] | None = None, **kwargs: Any) -> SecureDatabase:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0, **(vpc_kwargs or {}))
    return SecureDatabase(stack, "Db", vpc=vpc, **{"vpc_subnets": ISOLATED, **kwargs})


_ISOLATED_ONLY = {
    "subnet_configuration": [
        ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
    ]
}
_PUBLIC_AND_ISOLATED = {
    "subnet_configuration": [
        ec2.SubnetConfiguration(name="web", subnet_type=ec2.SubnetType.PUBLIC),
        ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
    ]
}


def test_public_subnets_are_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-1\] vpc_subnets:.*public"):
        _build(
            vpc_kwargs=_PUBLIC_AND_ISOLATED,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
        )


def test_selection_without_subnets_is_rejected() -> None:
    web_only = {
        "subnet_configuration": [
            ec2.SubnetConfiguration(name="web", subnet_type=ec2.SubnetType.PUBLIC)
        ]
    }
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-1\] vpc_subnets:.*no subnets"):
        _build(vpc_kwargs=web_only)


def test_one_availability_zone_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-2\] vpc_subnets:.*1 avail"):
        _build(vpc_kwargs={**_ISOLATED_ONLY, "max_azs": 1})


@pytest.mark.parametrize(
    ("engine", "parameters"),
    [
        (DatabaseEngine.aurora_postgresql(), {"rds.force_ssl": "0"}),
        (DatabaseEngine.postgres(), {"rds.force_ssl": "false"}),
        (DatabaseEngine.aurora_mysql(), {"require_secure_transport": "OFF"}),
    ],
)
def test_turning_tls_off_is_rejected(engine: DatabaseEngine, parameters: dict[str, str]) -> None:
    (name,) = parameters
    with pytest.raises(
        SecureConstructsError, match=rf"SC-DATABASE-3\] parameters\['{name}'\]:.*without TLS"
    ):
        _build(vpc_kwargs=_ISOLATED_ONLY, engine=engine, parameters=parameters)


def test_literal_password_is_rejected_without_repeating_it() -> None:
    credentials = rds.Credentials.from_password(
        "dbadmin", cdk.SecretValue.unsafe_plain_text(LITERAL_PASSWORD)
    )
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-4\] credentials:.*literal") as e:
        _build(vpc_kwargs=_ISOLATED_ONLY, credentials=credentials)
    assert LITERAL_PASSWORD not in str(e.value)


def test_credentials_without_a_secret_are_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-4\] credentials:.*from_secret"):
        _build(
            vpc_kwargs=_ISOLATED_ONLY,
            credentials=rds.Credentials.from_generated_secret("dbadmin"),
        )


@pytest.mark.parametrize("days", [0, 1, 6, 36])
def test_backup_retention_outside_7_to_35_days_is_rejected(days: int) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-5\] backup_retention"):
        _build(vpc_kwargs=_ISOLATED_ONLY, backup_retention=cdk.Duration.days(days))


def test_destroy_removal_policy_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-6\] removal_policy"):
        _build(vpc_kwargs=_ISOLATED_ONLY, removal_policy=cdk.RemovalPolicy.DESTROY)


@pytest.mark.parametrize("username", ["postgres", "admin", "Root", "1st", "x" * 17])
def test_default_or_invalid_master_username_is_rejected(username: str) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-7\] master_username"):
        _build(vpc_kwargs=_ISOLATED_ONLY, master_username=username)


def test_port_outside_the_rds_range_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-8\] port: 80 "):
        _build(vpc_kwargs=_ISOLATED_ONLY, port=80)


def test_unsupported_monitoring_interval_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-9\] monitoring_interval"):
        _build(vpc_kwargs=_ISOLATED_ONLY, monitoring_interval=cdk.Duration.seconds(45))


def test_rotation_rarer_than_90_days_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-10\] rotation_interval"):
        _build(vpc_kwargs=_ISOLATED_ONLY, rotation_interval=cdk.Duration.days(365))


@pytest.mark.parametrize("identifier", ["My_DB", "1db", "db--x", "db-", "d" * 64])
def test_invalid_identifier_is_rejected(identifier: str) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-11\] identifier"):
        _build(vpc_kwargs=_ISOLATED_ONLY, identifier=identifier)


def test_infinite_log_retention_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-12\] log_retention"):
        _build(vpc_kwargs=_ISOLATED_ONLY, log_retention=logs.RetentionDays.INFINITE)


@pytest.mark.parametrize(
    "peer", [ec2.Peer.any_ipv4(), ec2.Peer.any_ipv6(), ec2.Peer.ipv4("52.94.0.0/16")]
)
def test_allowing_a_public_address_range_is_rejected(peer: ec2.IPeer) -> None:
    db = _build(vpc_kwargs=_ISOLATED_ONLY)
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-13\] peer:.*not a private"):
        db.allow_from(peer)


def test_engine_with_a_version_of_another_engine_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-14\] version"):
        DatabaseEngine(EngineKind.AURORA_MYSQL, rds.AuroraPostgresEngineVersion.VER_17_9)


def test_engine_option_of_another_engine_is_rejected() -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-DATABASE-14\] backtrack_window"):
        DatabaseEngine(
            EngineKind.AURORA_POSTGRESQL,
            rds.AuroraPostgresEngineVersion.VER_17_9,
            backtrack_window=cdk.Duration.hours(1),
        )


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(
            vpc_kwargs=_PUBLIC_AND_ISOLATED,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            parameters={"rds.force_ssl": "0"},
            backup_retention=cdk.Duration.days(1),
            removal_policy=cdk.RemovalPolicy.DESTROY,
            master_username="postgres",
        )
    assert raised.value.codes == (
        "SC-DATABASE-1",
        "SC-DATABASE-3",
        "SC-DATABASE-5",
        "SC-DATABASE-6",
        "SC-DATABASE-7",
    )
    assert "S/Db" in str(raised.value)


def test_database_wires_across_stacks_without_a_dependency_cycle() -> None:
    # The VPC and its Secrets Manager endpoint in one stack, the database in a second, a
    # client function in a third: the rotation's rule to the endpoint and the client's
    # rule to the database must not make the network stack depend on the data stack.
    app = cdk.App()
    net = cdk.Stack(app, "Net", env=ENV)
    vpc = SecureVpc(net, "Vpc", nat_gateways=1)
    endpoint = vpc.add_interface_endpoint(
        "SecretsManager", service=ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER
    )
    data = cdk.Stack(app, "Data", env=ENV)
    database = SecureDatabase(data, "Db", vpc=vpc, secrets_manager_endpoint=endpoint)
    work = cdk.Stack(app, "Work", env=ENV)
    client = SecureFunction(
        work,
        "Client",
        vpc=vpc,
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_14,
    )
    database.allow_from(client)
    assembly = app.synth()  # raises DependencyCycle if a rule lands on the wrong side
    assert sorted(s.stack_name for s in assembly.stacks) == ["Data", "Net", "Work"]
    ingress = [
        r["Properties"]
        for r in assembly.get_stack_by_name("Data").template["Resources"].values()
        if r["Type"] == "AWS::EC2::SecurityGroupIngress"
        and "Secrets Manager API" in r["Properties"].get("Description", "")
    ]
    assert [(i["FromPort"], i["ToPort"]) for i in ingress] == [(443, 443)]
