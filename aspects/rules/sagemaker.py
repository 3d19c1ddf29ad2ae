"""Amazon SageMaker guardrails: your keys, no direct internet, no root, isolated models.

The rules read the L1 resources aws-cdk-lib offers (``sagemaker.CfnNotebookInstance``,
``CfnDomain``, ``CfnEndpointConfig``, ``CfnModel``). CloudFormation's defaults are the
open ones: a notebook instance has direct internet access and root access, a Studio domain
uses ``PublicInternetOnly`` networking, a model may call out, and without ``KmsKeyId`` the
ML storage volumes use the AWS managed key ``aws/sagemaker``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._blocks import must_be_one_of, must_be_true
from aspects.rules._common import kms_key_problems
from aspects.values import as_list, intrinsic_name

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
DOMAIN = "AWS::SageMaker::Domain"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
MODEL = "AWS::SageMaker::Model"


def _key(r: ResourceView, what: str, note: str = "") -> Iterator[Problem]:
    key = r.props.get("KmsKeyId")
    if key is None:
        yield Problem(
            f"KmsKeyId is not set, so {what} is encrypted with the AWS managed key "
            f"aws/sagemaker, whose key policy you cannot restrict{note}",
            "Properties.KmsKeyId",
        )
        return
    yield from kms_key_problems(r, key, "KmsKeyId")


def _storage_encrypted(r: ResourceView) -> Iterator[Problem]:
    what = "the notebook's ML storage volume" if r.type == NOTEBOOK else "the domain's EFS volume"
    yield from _key(r, what)


def _serverless_only(r: ResourceView) -> bool:
    """Every production variant is serverless (no ML storage volume to encrypt)."""
    raw = r.props.get("ProductionVariants")
    if intrinsic_name(raw) is not None:
        return False
    found = [v for v in as_list(raw) if isinstance(v, Mapping)]
    return bool(found) and all(v.get("ServerlessConfig") is not None for v in found)


def _endpoint_encrypted(r: ResourceView) -> Iterator[Problem]:
    if _serverless_only(r):
        return
    yield from _key(
        r,
        "the ML storage volume of every endpoint instance",
        " (instance types with local NVMe storage cannot take a key: acknowledge those "
        "with a reason)",
    )


def _no_direct_internet(r: ResourceView) -> Iterator[Problem]:
    if r.type == DOMAIN:
        yield from must_be_one_of(
            r,
            "AppNetworkAccessType",
            ("VpcOnly",),
            "Studio apps reach the internet through a SageMaker-managed network, outside "
            "your security groups, endpoint policies and flow logs",
            default="PublicInternetOnly",
            case_sensitive=True,
        )
        return
    if r.props.get("SubnetId") is None:
        yield Problem(
            "SubnetId is not set, so the notebook instance runs outside your VPC with "
            "direct internet access",
            "Properties.SubnetId",
        )
        return
    yield from must_be_one_of(
        r,
        "DirectInternetAccess",
        ("Disabled",),
        "the notebook reaches the internet directly, so data can leave without passing "
        "your VPC's controls",
        default="Enabled",
        case_sensitive=True,
    )


def _no_root(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_one_of(
        r,
        "RootAccess",
        ("Disabled",),
        "notebook users can become root, change the instance and read every credential on it",
        default="Enabled",
        case_sensitive=True,
    )


def _isolated(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r,
        "EnableNetworkIsolation",
        "the model container can make outbound network calls, e.g. send inference data anywhere",
    )


RULES = (
    Rule(
        id="SC-SAGEMAKER-1",
        title="SageMaker notebooks and domains are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(NOTEBOOK, DOMAIN),
        rationale="Notebook volumes and a domain's EFS home directories hold datasets, "
        "credentials and model code. Without KmsKeyId they use the AWS managed key "
        "aws/sagemaker: its policy cannot be restricted, so any principal of the account "
        "allowed to use the service can decrypt.",
        fix="Set kms_key_id=<a kms.Key>.key_arn on sagemaker.CfnNotebookInstance and "
        "sagemaker.CfnDomain.",
        check=_storage_encrypted,
        nist_800_53=("SC-28", "SC-12"),
        cdk_nag=(
            "AwsSolutions-SM2",
            "NIST.800.53.R5-SageMakerNotebookInstanceKMSKeyConfigured",
        ),
        checkov=("CKV_AWS_187",),
    ),
    Rule(
        id="SC-SAGEMAKER-2",
        title="SageMaker endpoint configurations encrypt volumes with a customer-managed key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(ENDPOINT_CONFIG,),
        rationale="The ML storage volume of each endpoint instance holds the model and, for "
        "some containers, request data; without KmsKeyId the AWS managed key protects it. "
        "Serverless-only configurations have no such volume and are not judged.",
        fix="Set kms_key_id=<a kms.Key>.key_arn on sagemaker.CfnEndpointConfig.",
        check=_endpoint_encrypted,
        nist_800_53=("SC-28", "SC-12"),
        cdk_nag=("NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured",),
    ),
    Rule(
        id="SC-SAGEMAKER-3",
        title="SageMaker notebooks and domains reach the internet only through your VPC",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(NOTEBOOK, DOMAIN),
        rationale="By default a notebook instance and a Studio domain's apps have direct "
        "internet access through a network SageMaker manages: code run in them can send "
        "data anywhere, and no security group, endpoint policy or flow log of yours sees "
        "it. In your VPC with direct access off, traffic goes through your NAT and "
        "endpoints.",
        fix="Set subnet_id, security_group_ids and direct_internet_access='Disabled' on "
        "sagemaker.CfnNotebookInstance; app_network_access_type='VpcOnly' (with "
        "subnet_ids and vpc_id) on sagemaker.CfnDomain.",
        check=_no_direct_internet,
        fsbp=("SageMaker.1", "SageMaker.2"),
        nist_800_53=("SC-7", "AC-4"),
        cdk_nag=(
            "AwsSolutions-SM1",
            "AwsSolutions-SM3",
            "NIST.800.53.R5-SageMakerNotebookNoDirectInternetAccess",
        ),
    ),
    Rule(
        id="SC-SAGEMAKER-4",
        title="SageMaker notebook users do not have root access",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=(NOTEBOOK,),
        rationale="With root access a notebook user can change the instance, install "
        "anything and read every credential on it. A warning: some workflows install "
        "system packages; lifecycle configurations run as root and can do that instead.",
        fix="Set root_access='Disabled' on sagemaker.CfnNotebookInstance (install system "
        "packages in a lifecycle configuration).",
        check=_no_root,
        fsbp=("SageMaker.3",),
        nist_800_53=("AC-6", "AC-6(2)"),
    ),
    Rule(
        id="SC-SAGEMAKER-5",
        title="SageMaker models run with network isolation",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=(MODEL,),
        rationale="With network isolation the model container cannot make outbound calls: "
        "a compromised or malicious model cannot send inference data away. A warning: "
        "containers that must call other services need a VPC configuration instead.",
        fix="Set enable_network_isolation=True on sagemaker.CfnModel.",
        check=_isolated,
        fsbp=("SageMaker.5",),
        nist_800_53=("SC-7", "AC-4"),
        checkov=("CKV_AWS_370",),
    ),
)
