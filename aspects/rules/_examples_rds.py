"""Catalogue examples for the RDS and Aurora rules."""

from __future__ import annotations

from aspects.rules._example_base import _KEY, Example

# A generated master secret: the snippet holds no password.
_GENERATED_MASTER_LOGIN = """\
  MasterSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString:
        SecretStringTemplate: '{"username": "dbadmin"}'
        GenerateStringKey: password
"""

# A database whose master password is the secret MasterSecret (SC-RDS-16..18 judge it).
_DB_WITH_MASTER_LOGIN = """\
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      MasterUsername: dbadmin
      MasterUserPassword: !Sub "{{resolve:secretsmanager:${MasterSecret}:SecretString:password}}"
"""

# What CDK adds to a rotated secret: nobody of the account may delete it.
_DENY_DELETE = """\
  MasterSecretPolicy:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: !Ref MasterSecret
      ResourcePolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: secretsmanager:DeleteSecret
            Resource: "*"
"""


def _master_secret(extra: str = "", *, policies: str = "Retain") -> str:
    return f"""\
  MasterSecret:
    Type: AWS::SecretsManager::Secret
    DeletionPolicy: {policies}
    UpdateReplacePolicy: {policies}
    Properties:
      GenerateSecretString:
        SecretStringTemplate: '{{"username": "dbadmin"}}'
        GenerateStringKey: password
{extra}"""


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
    "SC-RDS-13": Example(
        compliant="""\
Resources:
  Logging:
    Type: AWS::RDS::DBClusterParameterGroup
    Properties:
      Family: aurora-postgresql17
      Description: TLS required, connections logged
      Parameters:
        rds.force_ssl: "1"
        log_connections: "1"
        log_disconnections: "1"
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      DBClusterParameterGroupName: !Ref Logging
""",
        non_compliant="""\
Resources:
  Logging:
    Type: AWS::RDS::DBClusterParameterGroup
    Properties:
      Family: aurora-postgresql17
      Description: TLS required, connections not logged
      Parameters:
        rds.force_ssl: "1"
        log_connections: "0"
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      DBClusterParameterGroupName: !Ref Logging
""",
    ),
    "SC-RDS-14": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      EnableIAMDatabaseAuthentication: true
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      EnableIAMDatabaseAuthentication: false
""",
    ),
    "SC-RDS-15": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      DeleteAutomatedBackups: false
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      DeleteAutomatedBackups: true
""",
    ),
    "SC-RDS-16": Example(
        compliant="Resources:\n"
        + _master_secret("        PasswordLength: 32\n        ExcludeCharacters: '\"@/\\\\'\n")
        + _DB_WITH_MASTER_LOGIN,
        non_compliant="Resources:\n"
        + _master_secret("        PasswordLength: 8\n        ExcludePunctuation: true\n")
        + _DB_WITH_MASTER_LOGIN,
    ),
    "SC-RDS-17": Example(
        compliant="Resources:\n" + _master_secret() + _DB_WITH_MASTER_LOGIN,
        non_compliant="Resources:\n" + _master_secret(policies="Delete") + _DB_WITH_MASTER_LOGIN,
    ),
    "SC-RDS-18": Example(
        compliant="Resources:\n" + _master_secret() + _DENY_DELETE + _DB_WITH_MASTER_LOGIN,
        non_compliant="Resources:\n" + _master_secret() + _DB_WITH_MASTER_LOGIN,
    ),
    "SC-RDS-19": Example(
        compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.r6g.large
      CACertificateIdentifier: rds-ca-rsa4096-g1
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.r6g.large
      CACertificateIdentifier: rds-ca-2019
""",
    ),
    "SC-RDS-20": Example(
        compliant="""\
Resources:
"""
        + _KEY
        + """\
  DatabaseLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /aws/rds/cluster/orders/postgresql
      KmsKeyId: !GetAtt DataKey.Arn
      RetentionInDays: 365
  Database:
    Type: AWS::RDS::DBCluster
    DependsOn: DatabaseLogs
    Properties:
      Engine: aurora-postgresql
      DBClusterIdentifier: orders
      EnableCloudwatchLogsExports: [postgresql]
""",
        non_compliant="""\
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      DBClusterIdentifier: orders
      EnableCloudwatchLogsExports: [postgresql]
""",
    ),
}
