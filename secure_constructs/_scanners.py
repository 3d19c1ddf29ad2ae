"""Acknowledging findings of other scanners (cdk-nag, checkov) inside our constructs.

Only for findings that are inherent to a secure design (e.g. SSE-S3 on an access-log
bucket, which log delivery requires), always scoped to the one resource and with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import aws_cdk as cdk
from constructs import IConstruct

#: The plugin names (``NagPack.name``) of cdk-nag 3's packs. A rule id is
#: ``<pack>-<rule>``, optionally followed by a granular ``[finding]``. Longest first, so a
#: pack whose name is a prefix of another's can never be picked by mistake.
CDK_NAG_PACKS: tuple[str, ...] = tuple(
    sorted(
        (
            "AwsSolutions",
            "HIPAA.Security",
            "NIST.800.53.R4",
            "NIST.800.53.R5",
            "PCI.DSS.321",
            "Serverless",
        ),
        key=len,
        reverse=True,
    )
)

_CHECKOV_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")

#: The cdk-nag packs whose rules of one name (``<pack>-LambdaInsideVPC``...) the constructs
#: accept together: the compliance packs beside AwsSolutions.
COMPLIANCE_PACKS = ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")


def cdk_nag_acknowledgment_id(rule_id: str) -> str:
    """The id CDK matches a cdk-nag 3 finding against: ``<Pack>::<RuleId>``.

    CDK's validation framework looks a plugin's violation up as
    ``<plugin name>::<ruleName>`` among the acknowledgments on the violating construct and
    its ancestors, and records the reason in ``validation-report.json``
    (``suppressedViolations``). cdk-nag 3.0.2 also drops a finding acknowledged with the
    bare rule id, but then nothing in the report shows that or why, so we always qualify.

    Raises
    ------
    ValueError
        If *rule_id* does not start with a known pack name and ``-``.
    """
    for pack in CDK_NAG_PACKS:
        if rule_id.startswith(f"{pack}-") and len(rule_id) > len(pack) + 1:
            return f"{pack}::{rule_id}"
    raise ValueError(
        f"{rule_id!r} is not a cdk-nag rule id: expected '<pack>-<rule>' with a pack in "
        f"{', '.join(sorted(CDK_NAG_PACKS))}."
    )


def accept_cdk_nag(scope: IConstruct, rule_ids: Iterable[str], reason: str) -> None:
    """Acknowledge cdk-nag 3 rules (e.g. ``NIST.800.53.R5-S3BucketReplicationEnabled``).

    Pass the one L1 resource the finding is about as *scope*: the acknowledgment covers
    *scope* and everything below it.
    """
    _require_reason(reason)
    for rule_id in rule_ids:
        cdk.Validations.of(scope).acknowledge(
            cdk.Acknowledgment(id=cdk_nag_acknowledgment_id(rule_id), reason=reason)
        )


def accept_checkov(resource: cdk.CfnResource, check_ids: Iterable[str], reason: str) -> None:
    """Record checkov skips in the resource's template metadata (checkov reads them there)."""
    _require_reason(reason)
    new = list(check_ids)
    bad = [check_id for check_id in new if not _CHECKOV_ID.match(check_id)]
    if bad:
        raise ValueError(f"not checkov check ids (e.g. 'CKV_AWS_18'): {bad!r}")
    existing = resource.get_metadata("checkov") or {}
    skips = list(existing.get("skip", []))
    skips.extend({"id": check_id, "comment": reason} for check_id in new)
    resource.add_metadata("checkov", {**existing, "skip": skips})


def ignore_cfn_lint(resource: cdk.CfnResource, check_ids: Iterable[str]) -> None:
    """Resource-level cfn-lint ignores (``Metadata.cfn-lint.config.ignore_checks``).

    For cfn-lint's informational checks only (W3005, a redundant DependsOn CDK adds):
    cfn-lint's metadata has no place for a reason, so the caller's comment gives it.
    """
    config = dict((resource.get_metadata("cfn-lint") or {}).get("config", {}))
    config["ignore_checks"] = [*config.get("ignore_checks", []), *check_ids]
    resource.add_metadata("cfn-lint", {"config": config})


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValueError("an acknowledgment needs a reason")
