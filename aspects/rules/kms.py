"""AWS KMS guardrails: rotation, no public key policy, keys retained."""

from __future__ import annotations

from collections.abc import Iterator

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._common import (
    open_allows,
    retention_problems,
    statements,
)
from aspects.values import intrinsic_name

KEY = ("AWS::KMS::Key",)


def _rotation(r: ResourceView) -> Iterator[Problem]:
    # AWS KMS rotates only symmetric encryption keys; a KeySpec from a parameter matters
    # only when rotation is not enabled.
    enabled = r.props.get("EnableKeyRotation")
    spec = r.props.get("KeySpec")
    if intrinsic_name(spec) is None and spec not in (None, "SYMMETRIC_DEFAULT"):
        return
    if enabled is not None and r.bool(enabled, "EnableKeyRotation"):
        return
    if spec is not None and r.literal(spec, "KeySpec") != "SYMMETRIC_DEFAULT":
        return
    yield Problem(
        f"EnableKeyRotation is {'not set' if enabled is None else enabled}; a symmetric key "
        "must rotate its key material",
        "Properties.EnableKeyRotation",
    )


def _no_public_key_policy(r: ResourceView) -> Iterator[Problem]:
    for what, statement in open_allows(r, statements(r.props.get("KeyPolicy")), "KeyPolicy"):
        yield Problem(
            f"{what} allows {statement.get('Action')!r} to every principal without a "
            "restricting condition",
            f"Properties.{what}",
        )


def _retained(r: ResourceView) -> Iterator[Problem]:
    yield from retention_problems(r)


RULES = (
    Rule(
        id="SC-KMS-1",
        title="KMS keys rotate",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=KEY,
        rationale="Rotation limits how much data one version of key material protects and "
        "how long a leaked version stays useful.",
        fix="Set enable_key_rotation=True (EnableKeyRotation: true).",
        check=_rotation,
        fsbp=("KMS.4",),
        nist_800_53=("SC-12",),
        cdk_nag=("AwsSolutions-KMS5", "NIST.800.53.R5-KMSBackingKeyRotationEnabled"),
        checkov=("CKV_AWS_7",),
    ),
    Rule(
        id="SC-KMS-2",
        title="KMS key policies do not allow everyone",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=KEY,
        rationale="A key policy Allow to Principal '*' without a caller condition lets any "
        "AWS account use or manage the key.",
        fix="Grant to named principals (the account root, roles), or add a condition such as "
        "kms:CallerAccount or aws:PrincipalOrgID.",
        check=_no_public_key_policy,
        fsbp=("KMS.5",),
        nist_800_53=("AC-3", "AC-6"),
        checkov=("CKV_AWS_33",),
    ),
    Rule(
        id="SC-KMS-3",
        title="KMS keys are retained when removed from the stack",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=KEY,
        rationale="Deleting a key makes everything encrypted with it unreadable, forever.",
        fix="Use removal_policy=RemovalPolicy.RETAIN (CDK's default for kms.Key).",
        check=_retained,
        fsbp=("KMS.3",),
    ),
)
