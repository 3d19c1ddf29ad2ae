"""Acknowledging findings of other scanners (cdk-nag, checkov) inside our constructs.

Only for findings that are inherent to a secure design (e.g. SSE-S3 on an access-log
bucket, which log delivery requires), always scoped to the one resource and with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable

import aws_cdk as cdk
from constructs import IConstruct


def accept_cdk_nag(scope: IConstruct, rule_ids: Iterable[str], reason: str) -> None:
    """Acknowledge cdk-nag 3 rules (e.g. ``NIST.800.53.R5-S3BucketReplicationEnabled``).

    cdk-nag 3 reports as a CDK validation plugin named after its pack, so the native
    acknowledgment id is ``<Pack>::<RuleId>``.
    """
    for rule_id in rule_ids:
        pack = rule_id.split("-", 1)[0]
        cdk.Validations.of(scope).acknowledge(
            cdk.Acknowledgment(id=f"{pack}::{rule_id}", reason=reason)
        )


def accept_checkov(resource: cdk.CfnResource, check_ids: Iterable[str], reason: str) -> None:
    """Record checkov skips in the resource's template metadata (checkov reads them there)."""
    existing = resource.get_metadata("checkov") or {}
    skips = list(existing.get("skip", []))
    skips.extend({"id": check_id, "comment": reason} for check_id in check_ids)
    resource.add_metadata("checkov", {**existing, "skip": skips})
