"""Catalogue examples of the efs, elasticache, opensearch rules."""

from __future__ import annotations

from aspects.rules._example_base import _KEY, Example

_LOGS = """\
  DomainLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 365
"""

STORAGE_EXAMPLES: dict[str, Example] = {
    # -- EFS -------------------------------------------------------------------------------
    "SC-EFS-1": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  Files:
    Type: AWS::EFS::FileSystem
    Properties:
      Encrypted: true
      KmsKeyId: !GetAtt DataKey.Arn
""",
        non_compliant="""\
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    Properties:
      Encrypted: true
""",
    ),
    "SC-EFS-2": Example(
        compliant="""\
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    Properties:
      BackupPolicy:
        Status: ENABLED
""",
        non_compliant="""\
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    Properties:
      BackupPolicy:
        Status: DISABLED
""",
    ),
    "SC-EFS-3": Example(
        compliant="""\
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
""",
        non_compliant="""\
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    DeletionPolicy: Delete
    UpdateReplacePolicy: Delete
""",
    ),
    "SC-EFS-4": Example(
        compliant="""\
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    Properties:
      FileSystemPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: {AWS: "*"}
            Action: "*"
            Condition:
              Bool: {aws:SecureTransport: "false"}
""",
        non_compliant="""\
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    Properties:
      FileSystemPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: [elasticfilesystem:ClientMount, elasticfilesystem:ClientWrite]
            Condition:
              Bool: {elasticfilesystem:AccessedViaMountTarget: "true"}
""",
    ),
    "SC-EFS-5": Example(
        compliant="""\
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    Properties:
      FileSystemPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: [elasticfilesystem:ClientWrite, elasticfilesystem:ClientRootAccess]
            Condition:
              Bool: {elasticfilesystem:AccessedViaMountTarget: "true"}
""",
        non_compliant="""\
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    Properties:
      FileSystemPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: elasticfilesystem:*
""",
    ),
    # -- ElastiCache -----------------------------------------------------------------------
    "SC-CACHE-1": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      Engine: valkey
      CacheNodeType: cache.t4g.micro
      NumCacheClusters: 2
      AtRestEncryptionEnabled: true
      KmsKeyId: !GetAtt DataKey.Arn
""",
        non_compliant="""\
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      Engine: valkey
      CacheNodeType: cache.t4g.micro
      NumCacheClusters: 2
      AtRestEncryptionEnabled: false
""",
    ),
    "SC-CACHE-2": Example(
        compliant="""\
Resources:
  CacheToken:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString:
        PasswordLength: 64
        ExcludePunctuation: true
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      CacheNodeType: cache.t4g.micro
      TransitEncryptionEnabled: true
      AuthToken: !Sub "{{resolve:secretsmanager:${CacheToken}:SecretString}}"
""",
        non_compliant="""\
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      CacheNodeType: cache.t4g.micro
      TransitEncryptionEnabled: true
      AuthToken: correct-horse-battery-staple
""",
    ),
    "SC-CACHE-3": Example(
        compliant="""\
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      CacheNodeType: cache.t4g.micro
      SnapshotRetentionLimit: 7
      SnapshotWindow: "03:00-04:00"
""",
        non_compliant="""\
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      CacheNodeType: cache.t4g.micro
""",
    ),
    "SC-CACHE-4": Example(
        compliant="""\
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      CacheNodeType: cache.t4g.micro
      TransitEncryptionEnabled: true
""",
        non_compliant="""\
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      CacheNodeType: cache.t4g.micro
      TransitEncryptionEnabled: true
      TransitEncryptionMode: preferred
""",
    ),
    "SC-CACHE-5": Example(
        compliant="""\
Resources:
  CacheUsers:
    Type: AWS::ElastiCache::UserGroup
    Properties:
      UserGroupId: sessions
      Engine: valkey
      UserIds: [default-disabled, app-user]
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      Engine: valkey
      CacheNodeType: cache.t4g.micro
      TransitEncryptionEnabled: true
      UserGroupIds: [!Ref CacheUsers]
""",
        non_compliant="""\
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      Engine: valkey
      CacheNodeType: cache.t4g.micro
      TransitEncryptionEnabled: true
""",
    ),
    # -- OpenSearch ------------------------------------------------------------------------
    "SC-OS-1": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EncryptionAtRestOptions:
        Enabled: true
        KmsKeyId: !Ref DataKey
""",
        non_compliant="""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EncryptionAtRestOptions:
        Enabled: true
""",
    ),
    "SC-OS-2": Example(
        compliant="""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      NodeToNodeEncryptionOptions:
        Enabled: true
""",
        non_compliant="""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      NodeToNodeEncryptionOptions:
        Enabled: false
""",
    ),
    "SC-OS-3": Example(
        compliant="""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainEndpointOptions:
        EnforceHTTPS: true
        TLSSecurityPolicy: Policy-Min-TLS-1-2-PFS-2023-10
""",
        non_compliant="""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainEndpointOptions:
        EnforceHTTPS: true
""",
    ),
    "SC-OS-4": Example(
        compliant="""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      VPCOptions:
        SubnetIds: [subnet-0123456789abcdef0]
        SecurityGroupIds: [sg-0123456789abcdef0]
""",
        non_compliant="""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EngineVersion: OpenSearch_2.11
""",
    ),
    "SC-OS-5": Example(
        compliant="""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      AccessPolicies:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/search"}
            Action: es:ESHttp*
            Resource: "*"
""",
        non_compliant="""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      AccessPolicies:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: es:*
            Resource: "*"
""",
    ),
    "SC-OS-6": Example(
        compliant="Resources:\n"
        + _LOGS
        + """\
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      LogPublishingOptions:
        ES_APPLICATION_LOGS:
          Enabled: true
          CloudWatchLogsLogGroupArn: !GetAtt DomainLogs.Arn
""",
        non_compliant="""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      LogPublishingOptions: {}
""",
    ),
    "SC-OS-7": Example(
        compliant="Resources:\n"
        + _LOGS
        + """\
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      AdvancedSecurityOptions:
        Enabled: true
        MasterUserOptions:
          MasterUserARN: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/admin"
      LogPublishingOptions:
        AUDIT_LOGS:
          Enabled: true
          CloudWatchLogsLogGroupArn: !GetAtt DomainLogs.Arn
""",
        non_compliant="""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      AdvancedSecurityOptions:
        Enabled: true
        MasterUserOptions:
          MasterUserARN: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/admin"
""",
    ),
    "SC-OS-8": Example(
        compliant="Resources:\n"
        + _LOGS
        + """\
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      LogPublishingOptions:
        SEARCH_SLOW_LOGS:
          Enabled: true
          CloudWatchLogsLogGroupArn: !GetAtt DomainLogs.Arn
        INDEX_SLOW_LOGS:
          Enabled: true
          CloudWatchLogsLogGroupArn: !GetAtt DomainLogs.Arn
""",
        non_compliant="Resources:\n"
        + _LOGS
        + """\
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      LogPublishingOptions:
        SEARCH_SLOW_LOGS:
          Enabled: true
          CloudWatchLogsLogGroupArn: !GetAtt DomainLogs.Arn
""",
    ),
}
