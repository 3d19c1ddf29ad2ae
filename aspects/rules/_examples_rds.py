"""Catalogue examples for the RDS and Aurora rules."""

from __future__ import annotations

from aspects.rules._example_base import Example

# A generated master secret: the snippet holds no password.
_GENERATED_MASTER_LOGIN = """\
  MasterSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString:
        SecretStringTemplate: '{"username": "dbadmin"}'
        GenerateStringKey: password
"""

RDS_EXAMPLES: dict[str, Example] = {
    "SC-RDS-1": Example(
        compliant="""\
Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      StorageEncrypted: true
      KmsKeyId: !GetAtt DataKey.Arn
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      StorageEncrypted: false
""",
    ),
    "SC-RDS-2": Example(
        compliant="Resources:\n"
        + _GENERATED_MASTER_LOGIN
        + """\
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      MasterUsername: dbadmin
      MasterUserPassword: !Sub "{{resolve:secretsmanager:${MasterSecret}:SecretString:password}}"
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      MasterUsername: dbadmin
      MasterUserPassword: correct-horse-battery-staple
""",
    ),
    "SC-RDS-3": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      BackupRetentionPeriod: 14
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      BackupRetentionPeriod: 1
""",
    ),
    "SC-RDS-4": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      DeletionProtection: true
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      DeletionProtection: false
""",
    ),
    "SC-RDS-5": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    DeletionPolicy: Snapshot
    UpdateReplacePolicy: Snapshot
    Properties:
      Engine: aurora-postgresql
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    DeletionPolicy: Delete
    UpdateReplacePolicy: Delete
    Properties:
      Engine: aurora-postgresql
""",
    ),
    "SC-RDS-6": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.r6g.large
      MultiAZ: true
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.r6g.large
      MultiAZ: false
""",
    ),
    "SC-RDS-7": Example(
        compliant="""\
Resources:
  TlsOnly:
    Type: AWS::RDS::DBClusterParameterGroup
    Properties:
      Family: aurora-postgresql17
      Description: TLS required
      Parameters:
        rds.force_ssl: "1"
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      DBClusterParameterGroupName: !Ref TlsOnly
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      DBClusterParameterGroupName: default.aurora-postgresql17
""",
    ),
    "SC-RDS-8": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.r6g.large
      PubliclyAccessible: false
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.r6g.large
      PubliclyAccessible: true
""",
    ),
    "SC-RDS-9": Example(
        compliant="Resources:\n"
        + _GENERATED_MASTER_LOGIN
        + """\
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      MasterUsername: dbadmin
      MasterUserPassword: !Sub "{{resolve:secretsmanager:${MasterSecret}:SecretString:password}}"
  Rotation:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref MasterSecret
      HostedRotationLambda:
        RotationType: PostgreSQLSingleUser
      RotationRules:
        AutomaticallyAfterDays: 30
""",
        non_compliant="Resources:\n"
        + _GENERATED_MASTER_LOGIN
        + """\
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      MasterUsername: dbadmin
      MasterUserPassword: !Sub "{{resolve:secretsmanager:${MasterSecret}:SecretString:password}}"
""",
    ),
    "SC-RDS-10": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.r6g.large
      AutoMinorVersionUpgrade: true
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.r6g.large
      AutoMinorVersionUpgrade: false
""",
    ),
    "SC-RDS-11": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      EnableCloudwatchLogsExports: [postgresql]
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
""",
    ),
    "SC-RDS-12": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.r6g.large
      MonitoringInterval: 60
      MonitoringRoleArn: arn:aws:iam::123456789012:role/rds-monitoring
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.r6g.large
      MonitoringInterval: 0
""",
    ),
}
