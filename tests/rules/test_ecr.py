"""SC-ECR-1..4 on repositories and registry policies: L2s, raw L1s, escape hatches, tokens.

One app is synthesized for the module: stack ``Ecr`` holds one repository (or registry
policy) per case (construct id = case name). It has no registry scanning configuration,
since one would apply to every repository of the app: the registry cases are small
templates checked by the engine directly, without synthesis.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from aspects.engine import evaluate
from aspects.index import StackTemplate
from aspects.model import Status
from aspects.rules import ecr as ecr_rules

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, outcomes

LITERAL_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/ecr"
PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def repo(construct_id: str, **overrides: Any) -> ecr.Repository:
        props: dict[str, Any] = {
            "image_scan_on_push": True,
            "image_tag_mutability": ecr.TagMutability.IMMUTABLE,
            "encryption": ecr.RepositoryEncryption.KMS,
            "encryption_key": key,
        }
        props.update(overrides)
        return ecr.Repository(stack, construct_id, **props)

    def l1(construct_id: str, **overrides: Any) -> ecr.CfnRepository:
        props: dict[str, Any] = {
            "image_scanning_configuration": {"scanOnPush": True},
            "image_tag_mutability": "IMMUTABLE",
            "encryption_configuration": {"encryptionType": "KMS", "kmsKey": key.key_arn},
        }
        props.update(overrides)
        return ecr.CfnRepository(stack, construct_id, **props)

    # Compliant references.
    secure = repo("Secure")
    secure.grant_pull(iam.AccountPrincipal("123456789012"))
    l1("L1Secure")
    ecr.Repository(stack, "Default")

    # SC-ECR-1 scan on push.
    repo("NoScan", image_scan_on_push=False)
    l1("L1NoScan", image_scanning_configuration=None)
    cfn(repo("EscNoScan")).add_property_deletion_override("ImageScanningConfiguration")
    cfn(repo("ParamScan")).add_property_override("ImageScanningConfiguration.ScanOnPush", setting)
    cfn(repo("IfScan")).add_property_override(
        "ImageScanningConfiguration.ScanOnPush", switch.pick(True, False)
    )
    cfn(repo("IfScanBoth")).add_property_override(
        "ImageScanningConfiguration.ScanOnPush", switch.pick(True, "true")
    )

    # SC-ECR-2 immutable tags.
    repo("Mutable", image_tag_mutability=ecr.TagMutability.MUTABLE)
    l1("L1Mutable", image_tag_mutability=None)
    cfn(repo("EscMutable")).add_property_override("ImageTagMutability", "MUTABLE")
    cfn(repo("ParamMutability")).add_property_override("ImageTagMutability", setting)
    cfn(repo("IfMutability")).add_property_override(
        "ImageTagMutability", switch.pick("IMMUTABLE", "MUTABLE")
    )
    repo(
        "ExcludesLatest",
        image_tag_mutability=ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION,
        image_tag_mutability_exclusion_filters=[
            ecr.ImageTagMutabilityExclusionFilter.wildcard("latest")
        ],
    )
    l1(
        "L1ExcludesAll",
        image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
        image_tag_mutability_exclusion_filters=[
            {
                "imageTagMutabilityExclusionFilterType": "WILDCARD",
                "imageTagMutabilityExclusionFilterValue": "*",
            }
        ],
    )

    # SC-ECR-3 customer-managed key.
    repo("AwsManagedKey", encryption_key=None)
    repo("Aes256", encryption=ecr.RepositoryEncryption.AES_256, encryption_key=None)
    l1("L1Unencrypted", encryption_configuration=None)
    cfn(repo("EscUnencrypted")).add_property_deletion_override("EncryptionConfiguration")
    cfn(repo("EscAwsManagedAlias")).add_property_override(
        "EncryptionConfiguration.KmsKey", AWS_MANAGED_ALIAS_ARN
    )
    cfn(repo("ParamKey")).add_property_override("EncryptionConfiguration.KmsKey", setting)
    cfn(repo("IfKey")).add_property_override(
        "EncryptionConfiguration.KmsKey", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )
    l1(
        "LiteralKeyDsse",
        encryption_configuration={"encryptionType": "KMS_DSSE", "kmsKey": LITERAL_KEY_ARN},
    )

    # SC-ECR-4 not open to everyone.
    repo("PublicPolicy").add_to_resource_policy(
        iam.PolicyStatement(principals=[iam.AnyPrincipal()], actions=PULL)
    )
    repo("OrgPolicy").add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.AnyPrincipal()],
            actions=PULL,
            conditions={"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}},
        )
    )
    open_statement = {"Effect": "Allow", "Principal": "*", "Action": PULL}
    # CloudFormation also takes the policy as a JSON string (CDK's L1 only as an object).
    l1("L1PublicPolicyString").add_property_override(
        "RepositoryPolicyText",
        json.dumps({"Version": "2012-10-17", "Statement": [open_statement]}),
    )
    l1("L1PolicyNotJson").add_property_override("RepositoryPolicyText", "{not json")
    cfn(repo("EscPublicPolicy")).add_property_override(
        "RepositoryPolicyText", {"Version": "2012-10-17", "Statement": [open_statement]}
    )
    cfn(repo("ParamPrincipal")).add_property_override(
        "RepositoryPolicyText",
        {"Version": "2012-10-17", "Statement": [{**open_statement, "Principal": setting}]},
    )
    ecr.CfnRegistryPolicy(
        stack,
        "OpenRegistryPolicy",
        policy_text={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:ReplicateImage"}
            ],
        },
    )
    ecr.CfnRegistryPolicy(
        stack,
        "AccountRegistryPolicy",
        policy_text={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                    "Action": "ecr:ReplicateImage",
                }
            ],
        },
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Ecr"))
    return check_app(app)


def at(name: str) -> str:
    return f"Ecr/{name}"


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    """Outcomes of the ECR rules at a case (other services' rules are tested elsewhere)."""
    return {(rule, status) for rule, status in outcomes(ev, at(name)) if rule.startswith("SC-ECR")}


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Secure", "L1Secure", "IfScanBoth", "ExcludesLatest", "LiteralKeyDsse", "OrgPolicy"],
)
def test_hardened_repository_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


def test_account_registry_policy_has_no_finding(ev: Checked) -> None:
    assert mine(ev, "AccountRegistryPolicy") == set()


def test_default_repository_is_unscanned_mutable_and_aes256(ev: Checked) -> None:
    assert mine(ev, "Default") == {
        ("SC-ECR-1", NON_COMPLIANT),
        ("SC-ECR-2", NON_COMPLIANT),
        ("SC-ECR-3", NON_COMPLIANT),
    }


# -- SC-ECR-1 scan on push ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["NoScan", "L1NoScan", "EscNoScan"])
def test_repository_without_scan_on_push_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-ECR-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamScan", "IfScan"])
def test_scan_on_push_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-ECR-1", CANNOT_VERIFY)}


# -- SC-ECR-2 immutable tags -------------------------------------------------------------


@pytest.mark.parametrize("name", ["Mutable", "L1Mutable", "EscMutable", "L1ExcludesAll"])
def test_mutable_tags_are_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-ECR-2", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamMutability", "IfMutability"])
def test_mutability_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-ECR-2", CANNOT_VERIFY)}


# -- SC-ECR-3 customer-managed key -------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["AwsManagedKey", "Aes256", "L1Unencrypted", "EscUnencrypted", "EscAwsManagedAlias"]
)
def test_repository_without_customer_key_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-ECR-3", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamKey", "IfKey"])
def test_key_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-ECR-3", CANNOT_VERIFY)}


def test_aws_managed_key_message_names_aws_ecr(ev: Checked) -> None:
    (finding,) = [
        f
        for f in ev.evaluation.findings
        if f.rule.id == "SC-ECR-3" and f.construct_path == at("AwsManagedKey/Resource")
    ]
    assert "aws/ecr" in finding.message
    assert finding.property_path == "Properties.EncryptionConfiguration.KmsKey"


# -- SC-ECR-4 not open to everyone -------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["PublicPolicy", "L1PublicPolicyString", "EscPublicPolicy", "OpenRegistryPolicy"]
)
def test_policy_open_to_everyone_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-ECR-4", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamPrincipal", "L1PolicyNotJson"])
def test_policy_that_cannot_be_read_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-ECR-4", CANNOT_VERIFY)}


# -- SC-ECR-1 with registry scanning (templates, no synthesis) ---------------------------


def _registry(filters: list[Any], frequency: Any = "SCAN_ON_PUSH", **extra: Any) -> dict[str, Any]:
    rule = {
        "ScanFrequency": frequency,
        "RepositoryFilters": [{"Filter": f, "FilterType": "WILDCARD"} for f in filters],
    }
    return {
        "Type": "AWS::ECR::RegistryScanningConfiguration",
        "Properties": {"ScanType": "ENHANCED", "Rules": [rule]},
        **extra,
    }


def _scan_outcomes(registry: dict[str, Any], **repository: Any) -> set[Status]:
    template: dict[str, Any] = {
        "Parameters": {"Filter": {"Type": "String", "Default": "*"}},
        "Conditions": {"Scan": {"Fn::Equals": [{"Ref": "Filter"}, "*"]}},
        "Resources": {
            "Scanning": registry,
            "Repo": {"Type": "AWS::ECR::Repository", "Properties": repository},
        },
    }
    rule = next(r for r in ecr_rules.RULES if r.id == "SC-ECR-1")
    evaluation = evaluate([StackTemplate("Registry", "registry.json", template)], lambda _: [rule])
    return {f.status for f in evaluation.findings}


def test_registry_scanning_of_every_repository_covers_an_unscanned_repository() -> None:
    assert _scan_outcomes(_registry(["*"])) == set()
    assert _scan_outcomes(_registry(["*"], "CONTINUOUS_SCAN"), RepositoryName="api") == set()


def test_registry_scanning_that_only_scans_manually_does_not_count() -> None:
    assert _scan_outcomes(_registry(["*"], "MANUAL")) == {NON_COMPLIANT}


def test_registry_filter_matching_the_repository_name_covers_it() -> None:
    assert _scan_outcomes(_registry(["prod-*"]), RepositoryName="prod-api") == set()
    assert _scan_outcomes(_registry(["prod-*"]), RepositoryName="dev-api") == {NON_COMPLIANT}


def test_registry_filter_and_a_generated_repository_name_cannot_be_verified() -> None:
    assert _scan_outcomes(_registry(["prod-*"])) == {CANNOT_VERIFY}


def test_registry_filter_from_a_parameter_cannot_be_verified() -> None:
    assert _scan_outcomes(_registry([{"Ref": "Filter"}])) == {CANNOT_VERIFY}


def test_registry_scanning_under_a_condition_cannot_be_verified() -> None:
    assert _scan_outcomes(_registry(["*"], Condition="Scan")) == {CANNOT_VERIFY}
    branches = {"Fn::If": ["Scan", "SCAN_ON_PUSH", "MANUAL"]}
    assert _scan_outcomes(_registry(["*"], branches)) == {CANNOT_VERIFY}


def test_repository_scan_on_push_needs_no_registry_scanning() -> None:
    scanned = {"ImageScanningConfiguration": {"ScanOnPush": True}}
    assert _scan_outcomes(_registry(["*"], "MANUAL"), **scanned) == set()
