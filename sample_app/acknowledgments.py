"""How the sample app accepts a scanner finding: on the one resource, with a written reason.

Only CDK's public API: cdk-nag 3 findings (and ours) are CDK acknowledgments
(``Validations.of(scope).acknowledge``, recorded in the cloud assembly's metadata), checkov
skips and cfn-lint ignores are the template metadata those tools read. The reasons of
cfn-lint ignores, which cfn-lint has no field for, are in :data:`CFN_LINT_REASONS`;
``sample_app.report`` lists every acknowledgment of the app in docs/sample-app.md.
"""

from __future__ import annotations

from collections.abc import Iterable

import aws_cdk as cdk
from constructs import IConstruct

#: Why a cfn-lint check may be ignored where CDK (or a construct) ignores it.
CFN_LINT_REASONS = {
    "W3005": "CDK adds a DependsOn that a Ref or GetAtt of the same resource already "
    "implies: a redundant ordering, not a risk.",
}


def cdk_nag(scope: IConstruct, rule_ids: Iterable[str], reason: str) -> None:
    """Acknowledge cdk-nag rules (``<pack>-<rule>[finding]``) on *scope* and below."""
    for rule_id in rule_ids:
        pack = rule_id.split("-", 1)[0]
        cdk.Validations.of(scope).acknowledge(
            cdk.Acknowledgment(id=f"{pack}::{rule_id}", reason=reason)
        )


def checkov(resource: cdk.CfnResource, check_ids: Iterable[str], reason: str) -> None:
    """Record checkov skips in the resource's template metadata (checkov reads them)."""
    existing = resource.get_metadata("checkov") or {}
    skips = [*existing.get("skip", []), *({"id": c, "comment": reason} for c in check_ids)]
    resource.add_metadata("checkov", {**existing, "skip": skips})


def cfn_lint(resource: cdk.CfnResource, check_ids: Iterable[str]) -> None:
    """Ignore cfn-lint checks on *resource*; each needs a reason in CFN_LINT_REASONS."""
    new = list(check_ids)
    missing = [c for c in new if c not in CFN_LINT_REASONS]
    if missing:
        raise ValueError(f"give the reason for ignoring {missing} in CFN_LINT_REASONS")
    config = dict((resource.get_metadata("cfn-lint") or {}).get("config", {}))
    config["ignore_checks"] = [*config.get("ignore_checks", []), *new]
    resource.add_metadata("cfn-lint", {"config": config})
