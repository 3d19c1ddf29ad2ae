"""SC-EKS-1..3 on clusters: the aws_eks_v2 L2, raw L1s, escape hatches, tokens.

One app is synthesized for the module: stack ``Eks`` holds one cluster per case (construct
id = case name). ``aws_eks_v2.Cluster`` synthesizes ``AWS::EKS::Cluster`` offline; the older
``aws_eks.Cluster`` needs a kubectl layer and creates ``Custom::AWSCDK-EKS-Cluster``, which
these rules do not read.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_eks as eks
from aws_cdk import aws_eks_v2 as eks2
from aws_cdk import aws_kms as kms

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, outcomes

LITERAL_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/eks"
ALL_LOGS = [
    eks2.ClusterLoggingTypes.API,
    eks2.ClusterLoggingTypes.AUDIT,
    eks2.ClusterLoggingTypes.AUTHENTICATOR,
]
VERSION = eks2.KubernetesVersion.V1_32


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    cidrs = cdk.CfnParameter(
        stack, "Cidrs", type="CommaDelimitedList", default="203.0.113.0/24"
    ).value_as_list
    switch = Switch(stack)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)

    def v2(construct_id: str, **overrides: Any) -> eks2.Cluster:
        props: dict[str, Any] = {
            "version": VERSION,
            "vpc": vpc,
            "endpoint_access": eks2.EndpointAccess.PRIVATE,
            "secrets_encryption_key": key,
            "cluster_logging": ALL_LOGS,
        }
        props.update(overrides)
        return eks2.Cluster(stack, construct_id, **props)

    def l1(construct_id: str, **overrides: Any) -> eks.CfnCluster:
        vpc_config = {
            "subnetIds": ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
            "endpointPublicAccess": False,
            "endpointPrivateAccess": True,
        }
        vpc_config.update(overrides.pop("vpc_config", {}))
        props: dict[str, Any] = {
            "role_arn": "arn:aws:iam::123456789012:role/eks-cluster",
            "resources_vpc_config": vpc_config,
            "encryption_config": [{"resources": ["secrets"], "provider": {"keyArn": key.key_arn}}],
            "logging": {
                "clusterLogging": {
                    "enabledTypes": [{"type": "api"}, {"type": "audit"}, {"type": "authenticator"}]
                }
            },
        }
        props.update(overrides)
        return eks.CfnCluster(stack, construct_id, **props)

    # Compliant references.
    v2("Secure")
    v2(
        "RestrictedPublic",
        endpoint_access=eks2.EndpointAccess.PUBLIC_AND_PRIVATE.only_from("203.0.113.0/24"),
    )
    l1("L1Secure")
    l1(
        "L1RestrictedPublic",
        vpc_config={"endpointPublicAccess": True, "publicAccessCidrs": ["198.51.100.0/24"]},
    )
    l1(
        "L1LiteralKey",
        encryption_config=[{"resources": ["secrets"], "provider": {"keyArn": LITERAL_KEY_ARN}}],
    )
    v2("Default", endpoint_access=None, secrets_encryption_key=None, cluster_logging=None)

    # SC-EKS-1 endpoint.
    v2("PublicEndpoint", endpoint_access=eks2.EndpointAccess.PUBLIC)
    l1("L1PublicByDefault", vpc_config={"endpointPublicAccess": None})
    l1("L1OpenCidr", vpc_config={"endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]})
    l1(
        "L1OpenIpv6Cidr",
        vpc_config={"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24", "::/0"]},
    )
    l1("EscPublic").add_property_override("ResourcesVpcConfig.EndpointPublicAccess", True)
    l1("ParamPublic").add_property_override("ResourcesVpcConfig.EndpointPublicAccess", setting)
    l1("ParamCidrs", vpc_config={"endpointPublicAccess": True, "publicAccessCidrs": cidrs})
    l1("IfPublic").add_property_override(
        "ResourcesVpcConfig.EndpointPublicAccess", switch.pick(False, True)
    )
    l1("IfCidrsBoth", vpc_config={"endpointPublicAccess": True}).add_property_override(
        "ResourcesVpcConfig.PublicAccessCidrs",
        switch.pick(["203.0.113.0/24"], ["198.51.100.0/24"]),
    )
    cfn(v2("EscPublicV2")).add_property_override("ResourcesVpcConfig.EndpointPublicAccess", True)

    # SC-EKS-2 secrets encryption.
    l1("L1NoEncryption", encryption_config=None)
    l1(
        "L1AwsManagedKey",
        encryption_config=[
            {"resources": ["secrets"], "provider": {"keyArn": AWS_MANAGED_ALIAS_ARN}}
        ],
    )
    cfn(v2("EscNoEncryption")).add_property_deletion_override("EncryptionConfig")
    l1("ParamKey").add_property_override("EncryptionConfig.0.Provider.KeyArn", setting)
    encrypted = [{"Resources": ["secrets"], "Provider": {"KeyArn": key.key_arn}}]
    l1("IfKey").add_property_override("EncryptionConfig", switch.pick(encrypted, cdk.Aws.NO_VALUE))

    # SC-EKS-3 control-plane logs.
    l1("L1NoLogging", logging=None)
    l1("L1ApiOnly", logging={"clusterLogging": {"enabledTypes": [{"type": "api"}]}})
    v2("AuditOnly", cluster_logging=[eks2.ClusterLoggingTypes.AUDIT])
    cfn(v2("EscNoAudit")).add_property_override(
        "Logging.ClusterLogging.EnabledTypes", [{"Type": "api"}, {"Type": "authenticator"}]
    )
    l1("ParamLogType").add_property_override("Logging.ClusterLogging.EnabledTypes.1.Type", setting)
    l1("IfLogging").add_property_override(
        "Logging.ClusterLogging.EnabledTypes.1.Type", switch.pick("audit", "scheduler")
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Eks"))
    return check_app(app)


def at(name: str) -> str:
    return f"Eks/{name}"


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    """Outcomes of the EKS rules at a case (roles and security groups are judged elsewhere)."""
    return {(rule, status) for rule, status in outcomes(ev, at(name)) if rule.startswith("SC-EKS")}


def messages(ev: Checked, name: str, rule_id: str) -> list[str]:
    return [
        f.message
        for f in ev.evaluation.findings
        if f.rule.id == rule_id
        and f.construct_path is not None
        and f.construct_path.startswith(at(name))
    ]


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Secure", "RestrictedPublic", "L1Secure", "L1RestrictedPublic", "L1LiteralKey", "IfCidrsBoth"],
)
def test_hardened_cluster_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


def test_default_cluster_is_public_unencrypted_and_unlogged(ev: Checked) -> None:
    assert mine(ev, "Default") == {
        ("SC-EKS-1", NON_COMPLIANT),
        ("SC-EKS-2", NON_COMPLIANT),
        ("SC-EKS-3", NON_COMPLIANT),
    }


# -- SC-EKS-1 endpoint -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "PublicEndpoint",
        "L1PublicByDefault",
        "L1OpenCidr",
        "L1OpenIpv6Cidr",
        "EscPublic",
        "EscPublicV2",
    ],
)
def test_endpoint_open_to_the_internet_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EKS-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamPublic", "ParamCidrs", "IfPublic"])
def test_endpoint_access_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert mine(ev, name) == {("SC-EKS-1", CANNOT_VERIFY)}


def test_open_cidr_is_named(ev: Checked) -> None:
    (text,) = messages(ev, "L1OpenIpv6Cidr", "SC-EKS-1")
    assert "'::/0'" in text


# -- SC-EKS-2 secrets encryption ---------------------------------------------------------


@pytest.mark.parametrize("name", ["L1NoEncryption", "L1AwsManagedKey", "EscNoEncryption"])
def test_secrets_without_customer_key_are_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EKS-2", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamKey", "IfKey"])
def test_key_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EKS-2", CANNOT_VERIFY)}


# -- SC-EKS-3 control-plane logs ---------------------------------------------------------


@pytest.mark.parametrize("name", ["L1NoLogging", "L1ApiOnly", "AuditOnly", "EscNoAudit"])
def test_missing_control_plane_logs_are_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EKS-3", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamLogType", "IfLogging"])
def test_log_types_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EKS-3", CANNOT_VERIFY)}


def test_missing_log_types_are_named(ev: Checked) -> None:
    (text,) = messages(ev, "L1ApiOnly", "SC-EKS-3")
    assert "without audit, authenticator" in text
