"""A compliant and a non-compliant template per rule, for the catalogue (``docs/rules.md``).

Kept apart from the rule modules so the examples can grow without touching the rules. A
test runs the engine on every snippet (``tests/test_catalogue_examples.py``): the compliant
one must give no finding of its rule and the non-compliant one at least one, so the docs
cannot drift from what the rules decide. Snippets are CloudFormation YAML with short-form
tags, as people write them; ``secure-constructs scan`` reads them as they are.
"""

from __future__ import annotations

from aspects.rules._example_base import _KEY, _TLS_POLICY, _TLS_VERSION_STATEMENT, Example
from aspects.rules._examples_apigateway import APIGATEWAY_EXAMPLES
from aspects.rules._examples_cloudfront import CLOUDFRONT_EXAMPLES
from aspects.rules._examples_compute import COMPUTE_EXAMPLES
from aspects.rules._examples_data import DATA_EXAMPLES
from aspects.rules._examples_detection import DETECTION_EXAMPLES
from aspects.rules._examples_extra import EXTRA_EXAMPLES
from aspects.rules._examples_platform import PLATFORM_EXAMPLES
from aspects.rules._examples_rds import RDS_EXAMPLES
from aspects.rules._examples_serverless import SERVERLESS_EXAMPLES
from aspects.rules._examples_storage import STORAGE_EXAMPLES
from aspects.rules._examples_web import WEB_EXAMPLES
from aspects.rules._examples_wiring import WIRING_EXAMPLES

EXAMPLES: dict[str, Example] = {
    "SC-S3-1": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: !GetAtt DataKey.Arn
            BucketKeyEnabled: true
""",
        non_compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: AES256
""",
    ),
    "SC-S3-2": Example(
        compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
""",
        non_compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Suspended
""",
    ),
    "SC-S3-3": Example(
        compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
""",
        non_compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    DeletionPolicy: Delete
    UpdateReplacePolicy: Delete
""",
    ),
    "SC-S3-4": Example(
        compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
"""
        + _TLS_POLICY,
        non_compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
""",
    ),
    "SC-S3-5": Example(
        compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
"""
        + _TLS_POLICY
        + _TLS_VERSION_STATEMENT,
        non_compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
"""
        + _TLS_POLICY,
    ),
    "SC-S3-6": Example(
        compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
""",
        non_compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration:
        BlockPublicAcls: false
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
""",
    ),
    "SC-S3-7": Example(
        compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      OwnershipControls:
        Rules:
          - ObjectOwnership: BucketOwnerEnforced
""",
        non_compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
""",
    ),
    "SC-S3-8": Example(
        compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
  DataPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "${Data.Arn}/*"
            Condition:
              StringEquals: {aws:PrincipalOrgID: o-exampleorgid}
""",
        non_compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
  DataPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "${Data.Arn}/*"
""",
    ),
    "SC-S3-10": Example(
        compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      OwnershipControls:
        Rules:
          - ObjectOwnership: BucketOwnerEnforced
""",
        non_compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      OwnershipControls:
        Rules:
          - ObjectOwnership: ObjectWriter
""",
    ),
    "SC-S3-11": Example(
        compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
      LifecycleConfiguration:
        Rules:
          - Id: NoncurrentVersions
            Status: Enabled
            NoncurrentVersionExpiration:
              NoncurrentDays: 365
""",
        non_compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
      LifecycleConfiguration:
        Rules:
          - Id: NoncurrentVersions
            Status: Enabled
            NoncurrentVersionExpiration:
              NoncurrentDays: 1
""",
    ),
    "SC-S3-12": Example(
        compliant="""\
Resources:
  AccessLogs:
    Type: AWS::S3::Bucket
    Properties:
      LifecycleConfiguration:
        Rules:
          - Id: ExpireAccessLogs
            Status: Enabled
            ExpirationInDays: 365
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration:
        DestinationBucketName: !Ref AccessLogs
""",
        non_compliant="""\
Resources:
  AccessLogs:
    Type: AWS::S3::Bucket
    Properties:
      LifecycleConfiguration:
        Rules:
          - Id: ExpireAccessLogs
            Status: Enabled
            ExpirationInDays: 30
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration:
        DestinationBucketName: !Ref AccessLogs
""",
    ),
    "SC-S3-9": Example(
        compliant="""\
Resources:
  AccessLogs:
    Type: AWS::S3::Bucket
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration:
        DestinationBucketName: !Ref AccessLogs
        LogFilePrefix: data/
""",
        non_compliant="""\
Resources:
  Data:
    Type: AWS::S3::Bucket
""",
    ),
    "SC-KMS-1": Example(
        compliant="""\
Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
""",
        non_compliant="""\
Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: false
""",
    ),
    "SC-KMS-2": Example(
        compliant="""\
Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
            Action: kms:*
            Resource: "*"
""",
        non_compliant="""\
Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: "*"
            Action: kms:Decrypt
            Resource: "*"
""",
    ),
    "SC-KMS-3": Example(
        compliant="""\
Resources:
  DataKey:
    Type: AWS::KMS::Key
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
""",
        non_compliant="""\
Resources:
  DataKey:
    Type: AWS::KMS::Key
    DeletionPolicy: Delete
    UpdateReplacePolicy: Delete
""",
    ),
    "SC-LOGS-1": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  AppLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      KmsKeyId: !GetAtt DataKey.Arn
""",
        non_compliant="""\
Resources:
  AppLogs:
    Type: AWS::Logs::LogGroup
""",
    ),
    "SC-LOGS-2": Example(
        compliant="""\
Resources:
  AppLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 365
""",
        non_compliant="""\
Resources:
  AppLogs:
    Type: AWS::Logs::LogGroup
""",
    ),
    "SC-LOGS-3": Example(
        compliant="""\
Resources:
  AppLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 365
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
""",
        non_compliant="""\
Resources:
  AppLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 365
    DeletionPolicy: Delete
""",
    ),
    "SC-EC2-1": Example(
        compliant="""\
Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: HTTPS from the internet
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
""",
        non_compliant="""\
Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: SSH from the internet
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
""",
    ),
    "SC-EC2-2": Example(
        compliant="""\
Resources:
  Network:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  NetworkFlowLog:
    Type: AWS::EC2::FlowLog
    Properties:
      ResourceId: !Ref Network
      ResourceType: VPC
      TrafficType: ALL
      LogDestinationType: s3
      LogDestination: arn:aws:s3:::example-flow-logs
""",
        non_compliant="""\
Resources:
  Network:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
""",
    ),
    "SC-NET-1": Example(
        compliant="""\
Resources:
  Tasks:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      SecureConstructs::Guarantees:
        egress: {worldPorts: [443]}
    Properties:
      GroupDescription: tasks, HTTPS out only
      SecurityGroupEgress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
""",
        non_compliant="""\
Resources:
  Tasks:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      SecureConstructs::Guarantees:
        egress: {worldPorts: [443]}
    Properties:
      GroupDescription: tasks, HTTPS out only
      SecurityGroupEgress:
        - {IpProtocol: "-1", CidrIp: 0.0.0.0/0}
""",
    ),
    "SC-NET-2": Example(
        compliant="""\
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Metadata:
      SecureConstructs::Guarantees: {vpc: true}
    Properties:
      Role: arn:aws:iam::111122223333:role/worker
      Code: {ZipFile: "def handler(event, context): return event"}
      Handler: index.handler
      Runtime: python3.13
      VpcConfig:
        SubnetIds: [subnet-0123456789abcdef0]
        SecurityGroupIds: [sg-0123456789abcdef0]
""",
        non_compliant="""\
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Metadata:
      SecureConstructs::Guarantees: {vpc: true}
    Properties:
      Role: arn:aws:iam::111122223333:role/worker
      Code: {ZipFile: "def handler(event, context): return event"}
      Handler: index.handler
      Runtime: python3.13
""",
    ),
    "SC-IAM-1": Example(
        compliant="""\
Resources:
  ReadReports:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: [s3:GetObject]
            Resource: arn:aws:s3:::example-reports/*
""",
        non_compliant="""\
Resources:
  Everything:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: "*"
            Resource: "*"
""",
    ),
    "SC-IAM-3": Example(
        compliant="""\
Resources:
  ReadTheDbSecret:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: secretsmanager:GetSecretValue
            Resource: !Sub arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:db-*
""",
        non_compliant="""\
Resources:
  ReadEverySecret:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: secretsmanager:GetSecretValue
            Resource: "*"
""",
    ),
    "SC-IAM-4": Example(
        compliant="""\
Resources:
  Alerts:
    Type: AWS::SNS::Topic
  AlertsPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Alerts]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: EventBridgePublishes
            Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sns:Publish
            Resource: !Ref Alerts
            Condition:
              StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}
              ArnLike:
                aws:SourceArn: !Sub arn:${AWS::Partition}:events:*:${AWS::AccountId}:rule/*
""",
        non_compliant="""\
Resources:
  Alerts:
    Type: AWS::SNS::Topic
  AlertsPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Alerts]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: EventBridgePublishes
            Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sns:Publish
            Resource: !Ref Alerts
""",
    ),
    "SC-IAM-2": Example(
        compliant="""\
Resources:
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
""",
        non_compliant="""\
Resources:
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: sts:AssumeRole
""",
    ),
}

EXAMPLES.update(SERVERLESS_EXAMPLES)
EXAMPLES.update(RDS_EXAMPLES)
EXAMPLES.update(WEB_EXAMPLES)
EXAMPLES.update(APIGATEWAY_EXAMPLES)
EXAMPLES.update(CLOUDFRONT_EXAMPLES)
EXAMPLES.update(COMPUTE_EXAMPLES)
EXAMPLES.update(DATA_EXAMPLES)
EXAMPLES.update(PLATFORM_EXAMPLES)
EXAMPLES.update(STORAGE_EXAMPLES)
EXAMPLES.update(EXTRA_EXAMPLES)
EXAMPLES.update(DETECTION_EXAMPLES)
EXAMPLES.update(WIRING_EXAMPLES)

__all__ = ["EXAMPLES", "Example"]
