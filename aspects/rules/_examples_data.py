"""Catalogue examples of the dynamodb, kinesis, stepfunctions rules."""

from __future__ import annotations

from aspects.rules._example_base import _KEY, Example


def _table(extra: str = "", *, retained: bool = True) -> str:
    policies = "    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n" if retained else ""
    return f"""\
  Table:
    Type: AWS::DynamoDB::Table
{policies}    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{{AttributeName: pk, KeyType: HASH}}]
      AttributeDefinitions: [{{AttributeName: pk, AttributeType: S}}]
{extra}"""


def _global_table(replica: str) -> str:
    return f"""\
  Table:
    Type: AWS::DynamoDB::GlobalTable
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{{AttributeName: pk, KeyType: HASH}}]
      AttributeDefinitions: [{{AttributeName: pk, AttributeType: S}}]
      Replicas:
        - Region: eu-west-1
{replica}"""


_S3_DESTINATION = """\
      ExtendedS3DestinationConfiguration:
        BucketARN: arn:aws:s3:::delivered-records
        RoleARN: arn:aws:iam::123456789012:role/firehose-delivery
"""

_MACHINE_LOGS = """\
  MachineLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      KmsKeyId: !GetAtt DataKey.Arn
      RetentionInDays: 365
"""


def _machine(extra: str) -> str:
    return f"""\
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/workflow
      DefinitionString: '{{"StartAt": "Done", "States": {{"Done": {{"Type": "Succeed"}}}}}}'
{extra}"""


def _logging(level: str) -> str:
    return f"""\
      LoggingConfiguration:
        Level: {level}
        Destinations:
          - CloudWatchLogsLogGroup: {{LogGroupArn: !GetAtt MachineLogs.Arn}}
"""


DATA_EXAMPLES: dict[str, Example] = {
    "SC-DDB-1": Example(
        compliant="Resources:\n"
        + _KEY
        + _table(
            "      SSESpecification:\n"
            "        SSEEnabled: true\n"
            "        SSEType: KMS\n"
            "        KMSMasterKeyId: !GetAtt DataKey.Arn\n"
        ),
        non_compliant="Resources:\n" + _table("      SSESpecification: {SSEEnabled: true}\n"),
    ),
    "SC-DDB-2": Example(
        compliant="Resources:\n"
        + _global_table(
            "          PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}\n"
        ),
        non_compliant="Resources:\n"
        + _table("      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: false}\n"),
    ),
    "SC-DDB-3": Example(
        compliant="Resources:\n" + _table("      DeletionProtectionEnabled: true\n"),
        non_compliant="Resources:\n"
        + _global_table("          DeletionProtectionEnabled: false\n"),
    ),
    "SC-DDB-4": Example(
        compliant="Resources:\n" + _table(),
        non_compliant="Resources:\n" + _table(retained=False),
    ),
    "SC-KINESIS-1": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      StreamModeDetails: {StreamMode: ON_DEMAND}
      StreamEncryption:
        EncryptionType: KMS
        KeyId: !GetAtt DataKey.Arn
""",
        non_compliant="""\
Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      StreamModeDetails: {StreamMode: ON_DEMAND}
      StreamEncryption:
        EncryptionType: KMS
        KeyId: alias/aws/kinesis
""",
    ),
    "SC-FIREHOSE-1": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  Delivery:
    Type: AWS::KinesisFirehose::DeliveryStream
    Properties:
      DeliveryStreamType: DirectPut
      DeliveryStreamEncryptionConfigurationInput:
        KeyType: CUSTOMER_MANAGED_CMK
        KeyARN: !GetAtt DataKey.Arn
"""
        + _S3_DESTINATION,
        non_compliant="""\
Resources:
  Delivery:
    Type: AWS::KinesisFirehose::DeliveryStream
    Properties:
      DeliveryStreamType: DirectPut
      DeliveryStreamEncryptionConfigurationInput:
        KeyType: AWS_OWNED_CMK
"""
        + _S3_DESTINATION,
    ),
    "SC-FIREHOSE-2": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  Delivery:
    Type: AWS::KinesisFirehose::DeliveryStream
    Properties:
"""
        + _S3_DESTINATION
        + """\
        EncryptionConfiguration:
          KMSEncryptionConfig: {AWSKMSKeyARN: !GetAtt DataKey.Arn}
""",
        non_compliant="""\
Resources:
  Delivery:
    Type: AWS::KinesisFirehose::DeliveryStream
    Properties:
"""
        + _S3_DESTINATION
        + """\
        EncryptionConfiguration:
          KMSEncryptionConfig:
            AWSKMSKeyARN: arn:aws:kms:eu-west-1:123456789012:alias/aws/s3
""",
    ),
    "SC-SFN-1": Example(
        compliant="Resources:\n" + _KEY + _MACHINE_LOGS + _machine(_logging("ALL")),
        non_compliant="Resources:\n" + _machine("      LoggingConfiguration: {Level: 'OFF'}\n"),
    ),
    "SC-SFN-2": Example(
        compliant="Resources:\n" + _KEY + _MACHINE_LOGS + _machine(_logging("ALL")),
        non_compliant="Resources:\n" + _KEY + _MACHINE_LOGS + _machine(_logging("ERROR")),
    ),
    "SC-SFN-3": Example(
        compliant="Resources:\n" + _machine("      TracingConfiguration: {Enabled: true}\n"),
        non_compliant="Resources:\n" + _machine("      TracingConfiguration: {Enabled: false}\n"),
    ),
    "SC-SFN-4": Example(
        compliant="Resources:\n"
        + _KEY
        + _machine(
            "      EncryptionConfiguration:\n"
            "        Type: CUSTOMER_MANAGED_KMS_KEY\n"
            "        KmsKeyId: !GetAtt DataKey.Arn\n"
            "        KmsDataKeyReusePeriodSeconds: 300\n"
        ),
        non_compliant="Resources:\n"
        + _machine("      EncryptionConfiguration: {Type: AWS_OWNED_KEY}\n"),
    ),
}
