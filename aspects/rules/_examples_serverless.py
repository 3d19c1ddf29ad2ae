"""Catalogue examples for the Lambda, SQS, SNS, Secrets Manager and SSM rules."""

from __future__ import annotations

from aspects.rules._example_base import _KEY, Example

_FN_ROLE = """\
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
"""

_FN_LOGS = """\
  FnLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      KmsKeyId: !GetAtt DataKey.Arn
      RetentionInDays: 365
"""


def _function(extra: str = "", *, runtime: str = "python3.14") -> str:
    return f"""\
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: {runtime}
      Handler: index.handler
      Role: !GetAtt FnRole.Arn
      Code: {{ZipFile: "def handler(event, context): return None"}}
{extra}"""


_QUEUE_TLS = """\
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: sqs:*
            Resource: !GetAtt Queue.Arn
            Condition:
              Bool: {aws:SecureTransport: "false"}
"""

_TOPIC_TLS = """\
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: sns:Publish
            Resource: !Ref Topic
            Condition:
              Bool: {aws:SecureTransport: "false"}
"""

SERVERLESS_EXAMPLES: dict[str, Example] = {
    "SC-LAMBDA-1": Example(
        compliant="Resources:\n"
        + _KEY
        + _FN_ROLE
        + _function(
            "      Environment: {Variables: {STAGE: prod}}\n      KmsKeyArn: !GetAtt DataKey.Arn\n"
        ),
        non_compliant="Resources:\n"
        + _FN_ROLE
        + _function("      Environment: {Variables: {STAGE: prod}}\n"),
    ),
    "SC-LAMBDA-2": Example(
        compliant="Resources:\n"
        + _KEY
        + _FN_ROLE
        + """\
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      KmsKeyId: !GetAtt DataKey.Arn
      GenerateSecretString: {PasswordLength: 32}
"""
        + _function("      Environment: {Variables: {DB_PASSWORD_SECRET_ARN: !Ref DbSecret}}\n"),
        non_compliant="Resources:\n"
        + _FN_ROLE
        + _function("      Environment: {Variables: {DB_PASSWORD: correct-horse-battery}}\n"),
    ),
    "SC-LAMBDA-3": Example(
        compliant="Resources:\n"
        + _FN_ROLE
        + _function()
        + """\
  FnUrl:
    Type: AWS::Lambda::Url
    Properties:
      AuthType: AWS_IAM
      TargetFunctionArn: !GetAtt Fn.Arn
""",
        non_compliant="Resources:\n"
        + _FN_ROLE
        + _function()
        + """\
  FnUrl:
    Type: AWS::Lambda::Url
    Properties:
      AuthType: NONE
      TargetFunctionArn: !GetAtt Fn.Arn
""",
    ),
    "SC-LAMBDA-4": Example(
        compliant="Resources:\n"
        + _FN_ROLE
        + _function()
        + """\
  Uploads:
    Type: AWS::S3::Bucket
  FromUploads:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: s3.amazonaws.com
      SourceArn: !GetAtt Uploads.Arn
      SourceAccount: !Ref AWS::AccountId
""",
        non_compliant="Resources:\n"
        + _FN_ROLE
        + _function()
        + """\
  Public:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: "*"
""",
    ),
    "SC-LAMBDA-5": Example(
        compliant="Resources:\n" + _FN_ROLE + _function(),
        non_compliant="Resources:\n" + _FN_ROLE + _function(runtime="python3.8"),
    ),
    "SC-LAMBDA-6": Example(
        compliant="Resources:\n" + _FN_ROLE + _function("      TracingConfig: {Mode: Active}\n"),
        non_compliant="Resources:\n"
        + _FN_ROLE
        + _function("      TracingConfig: {Mode: PassThrough}\n"),
    ),
    "SC-LAMBDA-7": Example(
        compliant="Resources:\n"
        + _KEY
        + _FN_ROLE
        + _FN_LOGS
        + _function("      LoggingConfig: {LogGroup: !Ref FnLogs}\n"),
        non_compliant="Resources:\n" + _FN_ROLE + _function(),
    ),
    "SC-LAMBDA-8": Example(
        compliant="Resources:\n"
        + _FN_ROLE
        + """\
  FailedEvents:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
"""
        + _function("      DeadLetterConfig: {TargetArn: !GetAtt FailedEvents.Arn}\n"),
        non_compliant="Resources:\n"
        + _FN_ROLE
        + _function()
        + """\
  Uploads:
    Type: AWS::SNS::Subscription
    Properties:
      Protocol: lambda
      Endpoint: !GetAtt Fn.Arn
      TopicArn: arn:aws:sns:eu-west-1:123456789012:uploads
""",
    ),
    "SC-SQS-1": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt DataKey.Arn
""",
        non_compliant="""\
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: true
""",
    ),
    "SC-SQS-2": Example(
        compliant="""\
Resources:
  Queue:
    Type: AWS::SQS::Queue
"""
        + _QUEUE_TLS,
        non_compliant="""\
Resources:
  Queue:
    Type: AWS::SQS::Queue
""",
    ),
    "SC-SQS-4": Example(
        compliant="""\
Resources:
  Failures:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
  Work:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Failures.Arn
        maxReceiveCount: 3
""",
        non_compliant="""\
Resources:
  Failures:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
    DeletionPolicy: Delete
  Work:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Failures.Arn
        maxReceiveCount: 3
""",
    ),
    "SC-SQS-5": Example(
        compliant="""\
Resources:
  Failures:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
  Work:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Failures.Arn
        maxReceiveCount: 3
""",
        non_compliant="""\
Resources:
  Failures:
    Type: AWS::SQS::Queue
  Work:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Failures.Arn
        maxReceiveCount: 3
""",
    ),
    "SC-SQS-3": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt DataKey.Arn
"""
        + _QUEUE_TLS,
        non_compliant="Resources:\n"
        + _KEY
        + """\
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt DataKey.Arn
""",
    ),
    "SC-SNS-1": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: !GetAtt DataKey.Arn
""",
        non_compliant="""\
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: alias/aws/sns
""",
    ),
    "SC-SNS-2": Example(
        compliant="""\
Resources:
  Topic:
    Type: AWS::SNS::Topic
"""
        + _TOPIC_TLS,
        non_compliant="""\
Resources:
  Topic:
    Type: AWS::SNS::Topic
""",
    ),
    "SC-SNS-3": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: !GetAtt DataKey.Arn
"""
        + _TOPIC_TLS,
        non_compliant="Resources:\n"
        + _KEY
        + """\
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: !GetAtt DataKey.Arn
""",
    ),
    "SC-SECRETS-1": Example(
        compliant="Resources:\n"
        + _KEY
        + """\
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      KmsKeyId: !GetAtt DataKey.Arn
      GenerateSecretString: {PasswordLength: 32}
""",
        non_compliant="""\
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString: {PasswordLength: 32}
""",
    ),
    "SC-SECRETS-2": Example(
        compliant="""\
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString: {PasswordLength: 32}
""",
        non_compliant="""\
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: correct-horse-battery
""",
    ),
    "SC-SSM-1": Example(
        compliant="""\
Resources:
  DbPasswordArn:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/db/password-secret-arn
      Type: String
      Value: arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf
""",
        non_compliant="""\
Resources:
  DbPassword:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/db/password
      Type: String
      Value: correct-horse-battery
""",
    ),
}
