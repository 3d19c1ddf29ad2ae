"""AWS Secrets Manager guardrails: customer-managed keys, no secret value in the template."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._common import flatten, kms_key_problems
from aspects.secrets_detection import secret_in_text
from aspects.values import as_list, intrinsic_name

SECRET = ("AWS::SecretsManager::Secret",)


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    key = r.props.get("KmsKeyId")
    if key is None:
        yield Problem(
            "KmsKeyId is not set, so the secret is encrypted with the AWS managed key "
            "aws/secretsmanager, whose policy lets every principal of the account with "
            "secretsmanager:GetSecretValue decrypt it",
            "Properties.KmsKeyId",
        )
    else:
        yield from kms_key_problems(r, key, "KmsKeyId")
    for i, replica in enumerate(as_list(r.props.get("ReplicaRegions"))):
        if not isinstance(replica, Mapping):
            continue
        what = f"ReplicaRegions[{i}].KmsKeyId"
        if replica.get("KmsKeyId") is None:
            yield Problem(
                f"{what} is not set, so the replica in {replica.get('Region')!r} uses the "
                "AWS managed key",
                f"Properties.{what}",
            )
        else:
            yield from kms_key_problems(r, replica["KmsKeyId"], what)


def _no_value_in_template(r: ResourceView) -> Iterator[Problem]:
    value = r.props.get("SecretString")
    if value is None:
        return
    if intrinsic_name(value) is None:
        if str(value).strip():
            yield Problem(
                "SecretString is a literal: the secret value is written in the template "
                "(and in the cloud assembly, source control and CloudFormation's copy)",
                "Properties.SecretString",
            )
        return
    # A parameter (NoEcho), a dynamic reference or an attribute is resolved at deploy
    # time; only literal text that looks like a secret gives the value away.
    kind = secret_in_text(flatten(value), dynamic_references=False)
    if kind is not None:
        yield Problem(f"SecretString contains {kind} in the template", "Properties.SecretString")


RULES = (
    Rule(
        id="SC-SECRETS-1",
        title="Secrets Manager secrets are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=SECRET,
        rationale="Reading a secret encrypted with a key you manage needs kms:Decrypt on "
        "that key as well as secretsmanager:GetSecretValue, so the key policy is a second, "
        "independent gate and CloudTrail records every decryption. The AWS managed key "
        "aws/secretsmanager admits every principal of the account and cannot be shared "
        "across accounts. Replicas are held to the same rule.",
        fix="Set encryption_key on the Secret (KmsKeyId, and KmsKeyId on every replica "
        "region) to a customer-managed key.",
        check=_encrypted,
        nist_800_53=("SC-28", "SC-12", "SC-13"),
        cdk_nag=(
            "NIST.800.53.R5-SecretsManagerUsingKMSKey",
            "HIPAA.Security-SecretsManagerUsingKMSKey",
            "PCI.DSS.321-SecretsManagerUsingKMSKey",
        ),
        checkov=("CKV_AWS_149",),
    ),
    Rule(
        id="SC-SECRETS-2",
        title="Secret values are not written into the template",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=SECRET,
        rationale="A literal SecretString is stored in the synthesized template, the cloud "
        "assembly, source control and CloudFormation's template history, where the secret's "
        "key policy does not protect it.",
        fix="Let Secrets Manager generate the value (generate_secret_string), or set it out "
        "of band after deployment; never SecretValue.unsafe_plain_text(...).",
        check=_no_value_in_template,
        nist_800_53=("IA-5(7)",),
    ),
)
