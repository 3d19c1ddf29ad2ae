"""Catalogue examples of the rules of the services added for issue 11.

EventBridge, MSK, Redshift, DocumentDB, Backup, AppSync, Transfer Family, SageMaker,
Neptune and Glue.
"""

from __future__ import annotations

from aspects.rules._example_base import _KEY, Example


def _with_key(body: str) -> str:
    return "Resources:\n" + _KEY + body


# -- EventBridge -------------------------------------------------------------------------------

_BUS = """\
  Bus:
    Type: AWS::Events::EventBus
    Properties:
      Name: orders
"""


def _bus_policy(condition: str) -> str:
    return (
        "Resources:\n"
        + _BUS
        + """\
  BusPolicy:
    Type: AWS::Events::EventBusPolicy
    Properties:
      EventBusName: !Ref Bus
      StatementId: partners
      Statement:
        Effect: Allow
        Principal: "*"
        Action: events:PutEvents
        Resource: !GetAtt Bus.Arn
"""
        + condition
    )


def _queue_policy(condition: str) -> str:
    return (
        """\
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  JobsPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Jobs]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
        - Effect: Allow
          Principal: "*"
          Action: sqs:SendMessage
          Resource: !GetAtt Jobs.Arn
"""
        + condition
    )


def _archive(key: str) -> str:
    return _with_key(
        _BUS
        + f"""\
  Archive:
    Type: AWS::Events::Archive
    Properties:
      SourceArn: !GetAtt Bus.Arn
      RetentionDays: 90
{key}"""
    )


# -- MSK ---------------------------------------------------------------------------------------


def _msk(extra: str) -> str:
    return _with_key(
        f"""\
  Kafka:
    Type: AWS::MSK::Cluster
    Properties:
      ClusterName: orders
      KafkaVersion: 3.6.0
      NumberOfBrokerNodes: 3
      BrokerNodeGroupInfo:
        InstanceType: kafka.m7g.large
        ClientSubnets: [subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2]
{extra}"""
    )


# -- Redshift ----------------------------------------------------------------------------------


def _redshift(extra: str, groups: str = "") -> str:
    return _with_key(
        groups
        + f"""\
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      ClusterType: multi-node
      NumberOfNodes: 2
      NodeType: ra3.xlplus
      DBName: analytics
      MasterUsername: warehouse_admin
      ManageMasterPassword: true
{extra}"""
    )


_REDSHIFT_GROUP = """\
  WarehouseParameters:
    Type: AWS::Redshift::ClusterParameterGroup
    Properties:
      Description: TLS only
      ParameterGroupFamily: redshift-1.0
      Parameters:
        - ParameterName: require_ssl
          ParameterValue: "{value}"
"""

# -- DocumentDB / Neptune ----------------------------------------------------------------------


def _docdb(extra: str, group: str = "") -> str:
    return _with_key(
        group
        + f"""\
  Documents:
    Type: AWS::DocDB::DBCluster
    Properties:
      MasterUsername: docadmin
      MasterUserPassword: "{{{{resolve:secretsmanager:docdb-master:SecretString:password}}}}"
{extra}"""
    )


def _docdb_group(parameters: str) -> str:
    return f"""\
  DocumentsParameters:
    Type: AWS::DocDB::DBClusterParameterGroup
    Properties:
      Description: hardened
      Family: docdb5.0
      Parameters:
{parameters}"""


def _neptune(extra: str, group: str = "") -> str:
    return _with_key(
        group
        + f"""\
  Graph:
    Type: AWS::Neptune::DBCluster
    Properties:
      EngineVersion: 1.3.2.1
{extra}"""
    )


_NEPTUNE_GROUP = """\
  GraphParameters:
    Type: AWS::Neptune::DBClusterParameterGroup
    Properties:
      Description: audit
      Family: neptune1.3
      Parameters:
        neptune_enable_audit_log: {value}
"""

# -- Backup ------------------------------------------------------------------------------------


def _vault(extra: str) -> str:
    return f"""\
Resources:
  Vault:
    Type: AWS::Backup::BackupVault
    Properties:
      BackupVaultName: app-backups
{extra}"""


def _plan(days: int) -> str:
    return f"""\
Resources:
  Plan:
    Type: AWS::Backup::BackupPlan
    Properties:
      BackupPlan:
        BackupPlanName: daily
        BackupPlanRule:
          - RuleName: daily
            TargetBackupVault: app-backups
            ScheduleExpression: cron(0 5 * * ? *)
            Lifecycle:
              DeleteAfterDays: {days}
"""


# -- AppSync -----------------------------------------------------------------------------------


def _api(extra: str, auth: str = "AWS_IAM") -> str:
    return f"""\
Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties:
      Name: orders
      AuthenticationType: {auth}
{extra}"""


_WAF = """\
  Waf:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction: {Allow: {}}
      VisibilityConfig:
        SampledRequestsEnabled: true
        CloudWatchMetricsEnabled: true
        MetricName: api
      Rules: []
  ApiWaf:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !GetAtt Api.Arn
      WebACLArn: !GetAtt Waf.Arn
"""


def _cache(extra: str) -> str:
    return f"""\
Resources:
  Cache:
    Type: AWS::AppSync::ApiCache
    Properties:
      ApiId: abcdefghijklmnopqrstuvwxyz
      ApiCachingBehavior: FULL_REQUEST_CACHING
      Ttl: 300
      Type: SMALL
{extra}"""


# -- Transfer ----------------------------------------------------------------------------------


def _server(extra: str) -> str:
    return f"""\
Resources:
  Sftp:
    Type: AWS::Transfer::Server
    Properties:
      IdentityProviderType: SERVICE_MANAGED
{extra}"""


# -- SageMaker ---------------------------------------------------------------------------------


def _notebook(extra: str) -> str:
    return _with_key(
        f"""\
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/notebook
{extra}"""
    )


def _endpoint_config(extra: str) -> str:
    return _with_key(
        f"""\
  Serving:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: main
          ModelName: churn
          InitialInstanceCount: 2
          InstanceType: ml.m5.large
{extra}"""
    )


def _model(extra: str) -> str:
    return f"""\
Resources:
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::123456789012:role/model
      PrimaryContainer:
        Image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn:1
{extra}"""


# -- Glue --------------------------------------------------------------------------------------


def _security_configuration(bookmarks: str) -> str:
    return _with_key(
        f"""\
  Encryption:
    Type: AWS::Glue::SecurityConfiguration
    Properties:
      Name: etl-encryption
      EncryptionConfiguration:
        S3Encryptions:
          - S3EncryptionMode: SSE-KMS
            KmsKeyArn: !GetAtt DataKey.Arn
        CloudWatchEncryption:
          CloudWatchEncryptionMode: SSE-KMS
          KmsKeyArn: !GetAtt DataKey.Arn
        JobBookmarksEncryption:
          JobBookmarksEncryptionMode: {bookmarks}
          KmsKeyArn: !GetAtt DataKey.Arn
"""
    )


def _job(extra: str) -> str:
    return f"""\
Resources:
  Etl:
    Type: AWS::Glue::Job
    Properties:
      Role: arn:aws:iam::123456789012:role/etl
      Command:
        Name: glueetl
        ScriptLocation: s3://etl-scripts/job.py
{extra}"""


def _catalog(mode: str) -> str:
    return _with_key(
        f"""\
  Catalog:
    Type: AWS::Glue::DataCatalogEncryptionSettings
    Properties:
      CatalogId: !Ref AWS::AccountId
      DataCatalogEncryptionSettings:
        EncryptionAtRest:
          CatalogEncryptionMode: {mode}
          SseAwsKmsKeyId: !GetAtt DataKey.Arn
        ConnectionPasswordEncryption:
          ReturnConnectionPasswordEncrypted: true
          KmsKeyId: !GetAtt DataKey.Arn
"""
    )


EXTRA_EXAMPLES: dict[str, Example] = {
    "SC-EVENTS-1": Example(
        compliant=_bus_policy(
            "        Condition:\n          StringEquals: {aws:PrincipalOrgID: o-exampleorgid}\n"
        ),
        non_compliant=_bus_policy(""),
    ),
    "SC-EVENTS-2": Example(
        compliant=_archive("      KmsKeyIdentifier: !GetAtt DataKey.Arn\n"),
        non_compliant=_archive(""),
    ),
    "SC-EVENTS-3": Example(
        compliant=_with_key(_BUS + "      KmsKeyIdentifier: !GetAtt DataKey.Arn\n"),
        non_compliant="Resources:\n" + _BUS,
    ),
    "SC-MSK-1": Example(
        compliant=_msk(
            "      EncryptionInfo:\n"
            "        EncryptionInTransit: {ClientBroker: TLS, InCluster: true}\n"
        ),
        non_compliant=_msk(
            "      EncryptionInfo:\n        EncryptionInTransit: {ClientBroker: TLS_PLAINTEXT}\n"
        ),
    ),
    "SC-MSK-2": Example(
        compliant=_msk(""),
        non_compliant=_msk(
            "      EncryptionInfo:\n        EncryptionInTransit: {InCluster: false}\n"
        ),
    ),
    "SC-MSK-3": Example(
        compliant=_msk(
            "      EncryptionInfo:\n        EncryptionAtRest:\n"
            "          DataVolumeKMSKeyId: !GetAtt DataKey.Arn\n"
        ),
        non_compliant=_msk(""),
    ),
    "SC-MSK-4": Example(
        compliant=_msk("      ClientAuthentication:\n        Sasl: {Iam: {Enabled: true}}\n"),
        non_compliant=_msk(
            "      ClientAuthentication:\n        Sasl: {Iam: {Enabled: true}}\n"
            "        Unauthenticated: {Enabled: true}\n"
        ),
    ),
    "SC-MSK-5": Example(
        compliant=_msk(
            "      LoggingInfo:\n        BrokerLogs:\n"
            "          CloudWatchLogs: {Enabled: true, LogGroup: /msk/orders}\n"
        ),
        non_compliant=_msk(
            "      LoggingInfo:\n        BrokerLogs:\n          CloudWatchLogs: {Enabled: false}\n"
        ),
    ),
    "SC-MSK-6": Example(
        compliant=_msk(""),
        non_compliant=_msk("").replace(
            "        ClientSubnets:",
            "        ConnectivityInfo:\n          PublicAccess: {Type: SERVICE_PROVIDED_EIPS}\n"
            "        ClientSubnets:",
        ),
    ),
    "SC-REDSHIFT-1": Example(
        compliant=_redshift("      Encrypted: true\n      KmsKeyId: !Ref DataKey\n"),
        non_compliant=_redshift("      Encrypted: true\n"),
    ),
    "SC-REDSHIFT-2": Example(
        compliant=_redshift("      PubliclyAccessible: false\n"),
        non_compliant=_redshift("      PubliclyAccessible: true\n"),
    ),
    "SC-REDSHIFT-3": Example(
        compliant=_redshift(
            "      ClusterParameterGroupName: !Ref WarehouseParameters\n",
            _REDSHIFT_GROUP.format(value="true"),
        ),
        non_compliant=_redshift(
            "      ClusterParameterGroupName: !Ref WarehouseParameters\n",
            _REDSHIFT_GROUP.format(value="false"),
        ),
    ),
    "SC-REDSHIFT-4": Example(
        compliant=_redshift(
            "      LoggingProperties:\n        LogDestinationType: cloudwatch\n"
            "        LogExports: [connectionlog, userlog, useractivitylog]\n"
        ),
        non_compliant=_redshift(""),
    ),
    "SC-REDSHIFT-5": Example(
        compliant=_redshift("      EnhancedVpcRouting: true\n"),
        non_compliant=_redshift(""),
    ),
    "SC-REDSHIFT-6": Example(
        compliant=_redshift("      AutomatedSnapshotRetentionPeriod: 14\n"),
        non_compliant=_redshift("      AutomatedSnapshotRetentionPeriod: 1\n"),
    ),
    "SC-DOCDB-1": Example(
        compliant=_docdb("      StorageEncrypted: true\n      KmsKeyId: !GetAtt DataKey.Arn\n"),
        non_compliant=_docdb("      StorageEncrypted: true\n"),
    ),
    "SC-DOCDB-2": Example(
        compliant=_docdb(""),
        non_compliant=_docdb(
            "      DBClusterParameterGroupName: !Ref DocumentsParameters\n",
            _docdb_group("        tls: disabled\n"),
        ),
    ),
    "SC-DOCDB-3": Example(
        compliant=_docdb(
            "      DBClusterParameterGroupName: !Ref DocumentsParameters\n",
            _docdb_group("        tls: tls1.2+\n"),
        ),
        non_compliant=_docdb(""),
    ),
    "SC-DOCDB-4": Example(
        compliant=_docdb(
            "      EnableCloudwatchLogsExports: [audit]\n"
            "      DBClusterParameterGroupName: !Ref DocumentsParameters\n",
            _docdb_group("        audit_logs: enabled\n"),
        ),
        non_compliant=_docdb("      EnableCloudwatchLogsExports: [audit]\n"),
    ),
    "SC-DOCDB-5": Example(
        compliant=_docdb("      BackupRetentionPeriod: 14\n"),
        non_compliant=_docdb(""),
    ),
    "SC-DOCDB-6": Example(
        compliant=_docdb("      DeletionProtection: true\n"),
        non_compliant=_docdb("      DeletionProtection: false\n"),
    ),
    "SC-BACKUP-1": Example(
        compliant=_with_key(
            _vault("      EncryptionKeyArn: !GetAtt DataKey.Arn\n").removeprefix("Resources:\n")
        ),
        non_compliant=_vault(""),
    ),
    "SC-BACKUP-2": Example(
        compliant=_vault(
            """\
      AccessPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: arn:aws:iam::210987654321:root}
            Action: backup:CopyIntoBackupVault
            Resource: "*"
"""
        ),
        non_compliant=_vault(
            """\
      AccessPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: backup:CopyIntoBackupVault
            Resource: "*"
"""
        ),
    ),
    "SC-BACKUP-3": Example(
        compliant=_vault(
            """\
      AccessPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: {AWS: "*"}
            Action: [backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle]
            Resource: "*"
            Condition:
              ArnNotLike: {aws:PrincipalArn: arn:aws:iam::123456789012:role/break-glass}
"""
        ),
        non_compliant=_vault(""),
    ),
    "SC-BACKUP-4": Example(
        compliant=_vault("      LockConfiguration:\n        MinRetentionDays: 7\n"),
        non_compliant=_vault(""),
    ),
    "SC-BACKUP-5": Example(compliant=_plan(35), non_compliant=_plan(3)),
    "SC-APPSYNC-1": Example(
        compliant=_api(
            "      LogConfig:\n"
            "        CloudWatchLogsRoleArn: arn:aws:iam::123456789012:role/appsync-logs\n"
            "        FieldLogLevel: ERROR\n"
        ),
        non_compliant=_api(
            "      LogConfig:\n"
            "        CloudWatchLogsRoleArn: arn:aws:iam::123456789012:role/appsync-logs\n"
            "        FieldLogLevel: NONE\n"
        ),
    ),
    "SC-APPSYNC-2": Example(
        compliant=_api("", auth="AMAZON_COGNITO_USER_POOLS"),
        non_compliant=_api("", auth="API_KEY"),
    ),
    "SC-APPSYNC-3": Example(compliant=_api("") + _WAF, non_compliant=_api("")),
    "SC-APPSYNC-4": Example(compliant=_api("      XrayEnabled: true\n"), non_compliant=_api("")),
    "SC-APPSYNC-5": Example(
        compliant=_cache("      AtRestEncryptionEnabled: true\n"), non_compliant=_cache("")
    ),
    "SC-APPSYNC-6": Example(
        compliant=_cache("      TransitEncryptionEnabled: true\n"),
        non_compliant=_cache("      TransitEncryptionEnabled: false\n"),
    ),
    "SC-TRANSFER-1": Example(
        compliant=_server("      Protocols: [SFTP]\n"),
        non_compliant=_server("      Protocols: [SFTP, FTP]\n"),
    ),
    "SC-TRANSFER-2": Example(
        compliant=_server("      SecurityPolicyName: TransferSecurityPolicy-2024-01\n"),
        non_compliant=_server(""),
    ),
    "SC-TRANSFER-3": Example(
        compliant=_server(
            "      StructuredLogDestinations:\n"
            "        - arn:aws:logs:eu-west-1:123456789012:log-group:/aws/transfer/sftp\n"
        ),
        non_compliant=_server(""),
    ),
    "SC-TRANSFER-4": Example(
        compliant=_server(
            "      EndpointType: VPC\n      EndpointDetails:\n"
            "        VpcId: vpc-0123456789abcdef0\n"
            "        SubnetIds: [subnet-0aaaaaaaaaaaaaaa1]\n"
        ),
        non_compliant=_server("      EndpointType: PUBLIC\n"),
    ),
    "SC-SAGEMAKER-1": Example(
        compliant=_notebook("      KmsKeyId: !Ref DataKey\n"),
        non_compliant=_notebook(""),
    ),
    "SC-SAGEMAKER-2": Example(
        compliant=_endpoint_config("      KmsKeyId: !Ref DataKey\n"),
        non_compliant=_endpoint_config(""),
    ),
    "SC-SAGEMAKER-3": Example(
        compliant=_notebook(
            "      SubnetId: subnet-0aaaaaaaaaaaaaaa1\n"
            "      SecurityGroupIds: [sg-0123456789abcdef0]\n"
            "      DirectInternetAccess: Disabled\n"
        ),
        non_compliant=_notebook("      SubnetId: subnet-0aaaaaaaaaaaaaaa1\n"),
    ),
    "SC-SAGEMAKER-4": Example(
        compliant=_notebook("      RootAccess: Disabled\n"),
        non_compliant=_notebook("      RootAccess: Enabled\n"),
    ),
    "SC-SAGEMAKER-5": Example(
        compliant=_model("      EnableNetworkIsolation: true\n"), non_compliant=_model("")
    ),
    "SC-NEPTUNE-1": Example(
        compliant=_neptune("      StorageEncrypted: true\n      KmsKeyId: !GetAtt DataKey.Arn\n"),
        non_compliant=_neptune(""),
    ),
    "SC-NEPTUNE-2": Example(
        compliant=_neptune("      IamAuthEnabled: true\n"),
        non_compliant=_neptune("      IamAuthEnabled: false\n"),
    ),
    "SC-NEPTUNE-3": Example(
        compliant=_neptune(
            "      EnableCloudwatchLogsExports: [audit]\n"
            "      DBClusterParameterGroupName: !Ref GraphParameters\n",
            _NEPTUNE_GROUP.format(value=1),
        ),
        non_compliant=_neptune(
            "      EnableCloudwatchLogsExports: [audit]\n"
            "      DBClusterParameterGroupName: !Ref GraphParameters\n",
            _NEPTUNE_GROUP.format(value=0),
        ),
    ),
    "SC-NEPTUNE-4": Example(
        compliant=_neptune("      BackupRetentionPeriod: 7\n"),
        non_compliant=_neptune("      BackupRetentionPeriod: 1\n"),
    ),
    "SC-NEPTUNE-5": Example(
        compliant=_neptune("      DeletionProtection: true\n"), non_compliant=_neptune("")
    ),
    "SC-GLUE-1": Example(
        compliant=_security_configuration("CSE-KMS"),
        non_compliant=_security_configuration("DISABLED"),
    ),
    "SC-GLUE-2": Example(
        compliant=_job("      SecurityConfiguration: etl-encryption\n"), non_compliant=_job("")
    ),
    "SC-GLUE-3": Example(compliant=_catalog("SSE-KMS"), non_compliant=_catalog("DISABLED")),
    "SC-POLICY-1": Example(
        compliant=_queue_policy(
            "          Condition:\n            StringEquals: {aws:PrincipalOrgID: o-exampleorgid}\n"
        ),
        non_compliant=_queue_policy(""),
    ),
}

__all__ = ["EXTRA_EXAMPLES"]
