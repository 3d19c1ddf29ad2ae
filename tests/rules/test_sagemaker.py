"""SC-SAGEMAKER-1..5 on notebook instances, domains, endpoint configurations and models.

aws-cdk-lib has only the SageMaker L1s: cases are ``sagemaker.Cfn*`` resources, escape
hatches and tokens. One app is synthesized for the module: stack ``SageMaker`` holds one
resource per case (construct id = case name). Only the ``SC-SAGEMAKER-*`` findings are
compared.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, check_app, findings_at

ROLE = "arn:aws:iam::123456789012:role/sagemaker"
SUBNET = "subnet-0aaaaaaaaaaaaaaa1"
AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/sagemaker"


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def notebook(construct_id: str, **overrides: Any) -> sagemaker.CfnNotebookInstance:
        props: dict[str, Any] = {
            "instance_type": "ml.t3.medium",
            "role_arn": ROLE,
            "kms_key_id": key.key_id,
            "subnet_id": SUBNET,
            "security_group_ids": ["sg-0123456789abcdef0"],
            "direct_internet_access": "Disabled",
            "root_access": "Disabled",
        }
        props.update(overrides)
        return sagemaker.CfnNotebookInstance(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    def domain(construct_id: str, **overrides: Any) -> sagemaker.CfnDomain:
        props: dict[str, Any] = {
            "auth_mode": "IAM",
            "domain_name": construct_id.lower(),
            "default_user_settings": {"executionRole": ROLE},
            "subnet_ids": [SUBNET],
            "vpc_id": "vpc-0123456789abcdef0",
            "app_network_access_type": "VpcOnly",
            "kms_key_id": key.key_arn,
        }
        props.update(overrides)
        return sagemaker.CfnDomain(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    def endpoint_config(construct_id: str, **overrides: Any) -> sagemaker.CfnEndpointConfig:
        props: dict[str, Any] = {
            "production_variants": [
                {
                    "variantName": "main",
                    "modelName": "churn",
                    "initialInstanceCount": 2,
                    "instanceType": "ml.m5.large",
                }
            ],
            "kms_key_id": key.key_arn,
        }
        props.update(overrides)
        return sagemaker.CfnEndpointConfig(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    def model(construct_id: str, **overrides: Any) -> sagemaker.CfnModel:
        props: dict[str, Any] = {
            "execution_role_arn": ROLE,
            "primary_container": {"image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/m:1"},
            "enable_network_isolation": True,
        }
        props.update(overrides)
        return sagemaker.CfnModel(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    # Compliant references.
    notebook("SecureNotebook")
    domain("SecureDomain")
    endpoint_config("SecureEndpointConfig")
    endpoint_config(
        "SecureServerlessEndpoint",
        kms_key_id=None,
        production_variants=[
            {
                "variantName": "main",
                "modelName": "churn",
                "serverlessConfig": {"maxConcurrency": 5, "memorySizeInMb": 2048},
            }
        ],
    )
    model("SecureModel")

    # SC-SAGEMAKER-1 notebook and domain keys.
    notebook("NotebookNoKey", kms_key_id=None)
    notebook("NotebookAwsManagedKey", kms_key_id=AWS_MANAGED_ALIAS_ARN)
    domain("DomainNoKey", kms_key_id=None)
    notebook("EscNotebookNoKey").add_property_deletion_override("KmsKeyId")
    notebook("ParamNotebookKey", kms_key_id=setting)
    domain("IfDomainKey").add_property_override(
        "KmsKeyId", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )

    # SC-SAGEMAKER-2 endpoint configuration key.
    endpoint_config("EndpointNoKey", kms_key_id=None)
    endpoint_config("EscEndpointNoKey").add_property_deletion_override("KmsKeyId")
    endpoint_config("ParamEndpointKey", kms_key_id=setting)

    # SC-SAGEMAKER-3 direct internet access.
    notebook("DirectInternet", direct_internet_access=None)
    notebook("OutsideVpc", subnet_id=None, security_group_ids=None, direct_internet_access=None)
    notebook("EscDirectInternet").add_property_override("DirectInternetAccess", "Enabled")
    notebook("ParamInternet", direct_internet_access=setting)
    domain("PublicDomain", app_network_access_type=None)
    domain("IfDomainNetwork").add_property_override(
        "AppNetworkAccessType", switch.pick("VpcOnly", "PublicInternetOnly")
    )

    # SC-SAGEMAKER-4 root access.
    notebook("RootAccess", root_access=None)
    notebook("EscRootAccess").add_property_override("RootAccess", "Enabled")
    notebook("ParamRootAccess", root_access=setting)

    # SC-SAGEMAKER-5 model network isolation.
    model("ModelNotIsolated", enable_network_isolation=None)
    model("EscModelNotIsolated").add_property_override("EnableNetworkIsolation", False)
    model("ParamModelIsolation").add_property_override("EnableNetworkIsolation", setting)


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "SageMaker"))
    return check_app(app)


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status)
        for f in findings_at(ev, f"SageMaker/{name}")
        if f.rule.id.startswith("SC-SAGEMAKER-")
    }


@pytest.mark.parametrize(
    "name",
    [
        "SecureNotebook",
        "SecureDomain",
        "SecureEndpointConfig",
        "SecureServerlessEndpoint",
        "SecureModel",
    ],
)
def test_hardened_resource_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("NotebookNoKey", "SC-SAGEMAKER-1"),
        ("NotebookAwsManagedKey", "SC-SAGEMAKER-1"),
        ("DomainNoKey", "SC-SAGEMAKER-1"),
        ("EscNotebookNoKey", "SC-SAGEMAKER-1"),
        ("EndpointNoKey", "SC-SAGEMAKER-2"),
        ("EscEndpointNoKey", "SC-SAGEMAKER-2"),
        ("DirectInternet", "SC-SAGEMAKER-3"),
        ("OutsideVpc", "SC-SAGEMAKER-3"),
        ("EscDirectInternet", "SC-SAGEMAKER-3"),
        ("PublicDomain", "SC-SAGEMAKER-3"),
        ("RootAccess", "SC-SAGEMAKER-4"),
        ("EscRootAccess", "SC-SAGEMAKER-4"),
        ("ModelNotIsolated", "SC-SAGEMAKER-5"),
        ("EscModelNotIsolated", "SC-SAGEMAKER-5"),
    ],
)
def test_weakened_resource_is_flagged(ev: Checked, name: str, rule: str) -> None:
    assert mine(ev, name) == {(rule, NON_COMPLIANT)}


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ParamNotebookKey", "SC-SAGEMAKER-1"),
        ("IfDomainKey", "SC-SAGEMAKER-1"),
        ("ParamEndpointKey", "SC-SAGEMAKER-2"),
        ("ParamInternet", "SC-SAGEMAKER-3"),
        ("IfDomainNetwork", "SC-SAGEMAKER-3"),
        ("ParamRootAccess", "SC-SAGEMAKER-4"),
        ("ParamModelIsolation", "SC-SAGEMAKER-5"),
    ],
)
def test_setting_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str, rule: str
) -> None:
    assert mine(ev, name) == {(rule, CANNOT_VERIFY)}
