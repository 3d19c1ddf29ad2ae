"""Catalogue examples of the wiring rules (SC-WIRE-*): encrypted destinations and their keys."""

from __future__ import annotations

from aspects.rules._example_base import Example


def _key(grant: str = "") -> str:
    """A customer-managed key whose policy lets the account manage it, plus *grant*."""
    return f"""\
  DeliveryKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{AWS: !Sub "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:root"}}
            Action: kms:*
            Resource: "*"
{grant}    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
"""


def _grant(service: str, condition: str) -> str:
    return f"""\
          - Effect: Allow
            Principal: {{Service: {service}}}
            Action: [kms:GenerateDataKey*, kms:Decrypt]
            Resource: "*"
            Condition:
{condition}"""


_OWN_ACCOUNT = "              StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}\n"

_ALARM_TO_TOPIC = """\
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: !Ref DeliveryKey
  Errors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: App
      MetricName: Errors
      Statistic: Sum
      Period: 300
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
      AlarmActions: [!Ref Alerts]
"""

_SUBSCRIBED_QUEUE = """\
  Orders:
    Type: AWS::SNS::Topic
  OrderQueue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt DeliveryKey.Arn
  OrderQueueSubscription:
    Type: AWS::SNS::Subscription
    Properties:
      Protocol: sqs
      TopicArn: !Ref Orders
      Endpoint: !GetAtt OrderQueue.Arn
"""

_LOG_BUCKET = """\
  FlowLogs:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: !GetAtt DeliveryKey.Arn
  FlowLogsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref FlowLogs
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: delivery.logs.amazonaws.com}
            Action: s3:PutObject
            Resource: !Sub "${FlowLogs.Arn}/AWSLogs/${AWS::AccountId}/*"
            Condition:
              StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}
"""

WIRING_EXAMPLES: dict[str, Example] = {
    "SC-WIRE-1": Example(
        compliant="Resources:\n"
        + _key(_grant("cloudwatch.amazonaws.com", _OWN_ACCOUNT))
        + _ALARM_TO_TOPIC,
        non_compliant="Resources:\n" + _key() + _ALARM_TO_TOPIC,
    ),
    "SC-WIRE-2": Example(
        compliant="Resources:\n"
        + _key(
            _grant("sns.amazonaws.com", "              ArnEquals: {aws:SourceArn: !Ref Orders}\n")
        )
        + _SUBSCRIBED_QUEUE,
        non_compliant="Resources:\n" + _key() + _SUBSCRIBED_QUEUE,
    ),
    "SC-WIRE-3": Example(
        compliant="Resources:\n"
        + _key(_grant("delivery.logs.amazonaws.com", _OWN_ACCOUNT))
        + _LOG_BUCKET,
        non_compliant="Resources:\n" + _key() + _LOG_BUCKET,
    ),
}
