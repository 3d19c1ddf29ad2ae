"""The example type and snippets shared by the per-family example modules.

Kept apart from the rule modules so the examples can grow without touching the rules. A
test runs the engine on every snippet (``tests/test_catalogue_examples.py``): the compliant
one must give no finding of its rule and the non-compliant one at least one, so the docs
cannot drift from what the rules decide. Snippets are CloudFormation YAML with short-form
tags, as people write them; ``secure-constructs scan`` reads them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """Two small templates: one the rule accepts, one it reports."""

    compliant: str
    non_compliant: str


_KEY = """\
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
"""

_TLS_POLICY = """\
  DataPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: s3:*
            Resource: [!GetAtt Data.Arn, !Sub "${Data.Arn}/*"]
            Condition:
              Bool: {aws:SecureTransport: "false"}
"""

_TLS_VERSION_STATEMENT = """\
          - Effect: Deny
            Principal: "*"
            Action: s3:*
            Resource: [!GetAtt Data.Arn, !Sub "${Data.Arn}/*"]
            Condition:
              NumericLessThan: {s3:TlsVersion: "1.2"}
"""
