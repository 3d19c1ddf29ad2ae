"""A small CDK app for the scan tests: a nested Stage, nested stacks two deep, acknowledgments.

``python tests/data/nested_app.py`` (what the CDK CLI runs, see ``cdk.json`` beside it) or
``build(cdk.App(outdir=...)).synth()`` in a test.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3

from aspects import acknowledge

SCRATCH = "scratch data, rebuilt every night from the warehouse"
CEREMONY = "key material is rotated by the yearly external key ceremony"


def build(app: cdk.App) -> cdk.App:
    """Top (bucket, acknowledged SC-S3-2) > Inner (bucket) > Deeper (log group); Prod/Api (key)."""
    top = cdk.Stack(app, "Top")
    plain = s3.Bucket(top, "Plain", block_public_access=s3.BlockPublicAccess.BLOCK_ALL)
    acknowledge(plain, "SC-S3-2", SCRATCH)
    inner = cdk.NestedStack(top, "Inner")
    # The same construct id as in the parent: the same logical id in another template.
    s3.Bucket(inner, "Plain", block_public_access=s3.BlockPublicAccess.BLOCK_ALL)
    deeper = cdk.NestedStack(inner, "Deeper")
    logs.LogGroup(deeper, "Logs", retention=logs.RetentionDays.INFINITE)
    api = cdk.Stack(cdk.Stage(app, "Prod"), "Api")
    kms.Key(api, "Key")
    acknowledge(api, "SC-KMS-1", CEREMONY)
    return app


if __name__ == "__main__":
    build(cdk.App()).synth()
