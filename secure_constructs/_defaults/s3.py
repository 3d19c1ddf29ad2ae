"""The hardened settings of SecureBucket's buckets (data bucket and access-log bucket).

Each function returns fresh keyword arguments for ``aws_s3.Bucket``; SecureBucket adds
only what depends on its inputs (key, log target, removal policy).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3

from secure_constructs._defaults import declare_guarantee

#: TLS versions below this are denied by the bucket policy (SC-S3-5).
MINIMUM_TLS_VERSION = 1.2
#: Incomplete multipart uploads are invisible storage; abort them after this long.
ABORT_INCOMPLETE_UPLOADS_AFTER = cdk.Duration.days(7)


def common_bucket_props() -> dict[str, Any]:
    """What every bucket we create has: no public access, no ACLs, TLS 1.2+ only."""
    return {
        "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,  # SC-S3-6
        "object_ownership": s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,  # SC-S3-7: ACLs off
        "enforce_ssl": True,  # SC-S3-4
        "minimum_tls_version": MINIMUM_TLS_VERSION,  # SC-S3-5
        "public_read_access": False,
    }


def data_bucket_lifecycle(
    noncurrent_version_transition: cdk.Duration | None,
    noncurrent_version_expiration: cdk.Duration | None,
) -> list[s3.LifecycleRule]:
    """Old versions move to Glacier Instant Retrieval, then expire; stale uploads abort."""
    transitions = (
        [
            s3.NoncurrentVersionTransition(
                storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                transition_after=noncurrent_version_transition,
            )
        ]
        if noncurrent_version_transition is not None
        else None
    )
    return [
        s3.LifecycleRule(
            id="NoncurrentVersions",
            noncurrent_version_transitions=transitions,
            noncurrent_version_expiration=noncurrent_version_expiration,
            abort_incomplete_multipart_upload_after=ABORT_INCOMPLETE_UPLOADS_AFTER,
        )
    ]


def declare_acls_disabled(bucket: s3.Bucket) -> None:
    """Declare BucketOwnerEnforced: removing OwnershipControls later is then SC-S3-10's.

    S3 creates new buckets with ACLs off, so an absent setting passes on its own; on an
    existing bucket, deleting the setting turns ACLs back on.
    """
    declare_guarantee(bucket, "ownership", "BucketOwnerEnforced")


def access_log_bucket_props(log_retention: cdk.Duration) -> dict[str, Any]:
    """The access-log bucket: hardened like the data bucket, but SSE-S3.

    S3 server access log delivery only supports SSE-S3 on the target bucket, so this is
    the one bucket without a customer-managed key (acknowledged for the scanners that do
    not know log targets). It is versioned so deleting a log leaves a recoverable version.
    """
    return {
        **common_bucket_props(),
        "encryption": s3.BucketEncryption.S3_MANAGED,
        "versioned": True,
        "lifecycle_rules": [
            s3.LifecycleRule(
                id="ExpireAccessLogs",
                expiration=log_retention,
                noncurrent_version_expiration=cdk.Duration.days(30),
                abort_incomplete_multipart_upload_after=ABORT_INCOMPLETE_UPLOADS_AFTER,
            )
        ],
    }
