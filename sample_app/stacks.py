"""The sample app's stacks. It grows as constructs land (function, database, ALB service)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from constructs import Construct

from secure_constructs import SecureBucket


class StorageStack(cdk.Stack):
    """Uploads land in a SecureBucket."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.uploads = SecureBucket(self, "Uploads")
        cdk.CfnOutput(self, "UploadsBucketName", value=self.uploads.bucket_name)


class InsecureStack(cdk.Stack):
    """A deliberately weakened bucket, added with ``-c insecure=true`` to watch synth fail.

    It is weakened three ways, each one a guardrail must catch: an L2 prop (no
    versioning), a raw L1 value (SSE-S3) and escape-hatch overrides that remove the
    access logging and turn a Block Public Access flag off.
    """

    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        bucket = s3.Bucket(
            self,
            "Weakened",
            versioned=False,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        cfn = bucket.node.default_child
        if not isinstance(cfn, s3.CfnBucket):  # pragma: no cover - CDK always creates it
            raise TypeError("expected the bucket's CfnBucket")
        cfn.add_property_override("PublicAccessBlockConfiguration.BlockPublicAcls", False)
        cfn.add_property_deletion_override("LoggingConfiguration")
