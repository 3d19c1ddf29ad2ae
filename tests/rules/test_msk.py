"""SC-MSK-1..6 on provisioned and serverless MSK clusters.

aws-cdk-lib has no MSK L2: cases are built from ``msk.CfnCluster`` and
``msk.CfnServerlessCluster``, escape hatches and tokens. One app is synthesized for the
module: stack ``Msk`` holds one cluster per case (construct id = case name). Only the
``SC-MSK-*`` findings are compared.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_msk as msk

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, check_app, findings_at

SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/kafka"
PRIVATE_CA = "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/example"
IAM_ONLY = {"sasl": {"iam": {"enabled": True}}}


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    group = logs.LogGroup(stack, "brokerLogs", retention=logs.RetentionDays.ONE_YEAR)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def cluster(construct_id: str, **overrides: Any) -> msk.CfnCluster:
        props: dict[str, Any] = {
            "cluster_name": construct_id.lower(),
            "kafka_version": "3.6.0",
            "number_of_broker_nodes": 2,
            "broker_node_group_info": {"instanceType": "kafka.m7g.large", "clientSubnets": SUBNETS},
            "encryption_info": {
                "encryptionAtRest": {"dataVolumeKmsKeyId": key.key_arn},
                "encryptionInTransit": {"clientBroker": "TLS", "inCluster": True},
            },
            "client_authentication": IAM_ONLY,
            "logging_info": {
                "brokerLogs": {
                    "cloudWatchLogs": {"enabled": True, "logGroup": group.log_group_name}
                }
            },
        }
        props.update(overrides)
        return msk.CfnCluster(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    def at_rest(key_id: Any) -> dict[str, Any]:
        return {"encryptionAtRest": {"dataVolumeKmsKeyId": key_id}}

    def in_transit(**values: Any) -> dict[str, Any]:
        return {**at_rest(key.key_arn), "encryptionInTransit": values}

    def serverless(construct_id: str, auth: Any) -> msk.CfnServerlessCluster:
        return msk.CfnServerlessCluster(
            stack,
            construct_id,
            cluster_name=construct_id.lower(),
            client_authentication=auth,
            vpc_configs=[{"subnetIds": SUBNETS}],
        )

    # Compliant references.
    cluster("Secure")
    cluster("SecureTransitDefaults", encryption_info=at_rest(key.key_arn))
    cluster(
        "SecureScramAndTls",
        client_authentication={
            "sasl": {"scram": {"enabled": True}},
            "tls": {"enabled": True, "certificateAuthorityArnList": [PRIVATE_CA]},
            "unauthenticated": {"enabled": False},
        },
    )
    cluster(
        "SecureS3Logs",
        logging_info={"brokerLogs": {"s3": {"enabled": True, "bucket": "broker-logs"}}},
    )
    cluster("SecurePrivate").add_property_override(
        "BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type", "DISABLED"
    )
    serverless("SecureServerless", IAM_ONLY)

    # SC-MSK-1 client TLS.
    cluster("Plaintext", encryption_info=in_transit(clientBroker="PLAINTEXT"))
    cluster("EscTlsPlaintext").add_property_override(
        "EncryptionInfo.EncryptionInTransit.ClientBroker", "TLS_PLAINTEXT"
    )
    cluster("ParamClientBroker", encryption_info=in_transit(clientBroker=setting))
    cluster("IfClientBroker").add_property_override(
        "EncryptionInfo.EncryptionInTransit.ClientBroker", switch.pick("TLS", "PLAINTEXT")
    )

    # SC-MSK-2 broker TLS.
    cluster("InClusterOff", encryption_info=in_transit(clientBroker="TLS", inCluster=False))
    cluster("EscInClusterOff").add_property_override(
        "EncryptionInfo.EncryptionInTransit.InCluster", False
    )
    cluster("ParamInCluster").add_property_override(
        "EncryptionInfo.EncryptionInTransit.InCluster", setting
    )

    # SC-MSK-3 customer key.
    cluster("NoKey", encryption_info=None)
    cluster("AwsManagedKey", encryption_info=at_rest(AWS_MANAGED_ALIAS_ARN))
    cluster("EscNoKey").add_property_deletion_override("EncryptionInfo.EncryptionAtRest")
    cluster("ParamKey", encryption_info=at_rest(setting))
    cluster("IfKey").add_property_override(
        "EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId",
        switch.pick(key.key_arn, AWS_MANAGED_ALIAS_ARN),
    )

    # SC-MSK-4 client authentication.
    cluster("NoAuth", client_authentication=None)
    cluster("UnauthenticatedToo").add_property_override(
        "ClientAuthentication.Unauthenticated.Enabled", True
    )
    cluster("AllMechanismsOff", client_authentication={"sasl": {"iam": {"enabled": False}}})
    cluster("EscNoAuth").add_property_deletion_override("ClientAuthentication")
    cluster("ParamAuth").add_property_override("ClientAuthentication.Sasl.Iam.Enabled", setting)
    cluster("IfUnauthenticated").add_property_override(
        "ClientAuthentication.Unauthenticated.Enabled", switch.pick(False, True)
    )
    serverless("ServerlessIamOff", {"sasl": {"iam": {"enabled": False}}})

    # SC-MSK-5 broker logs.
    cluster("NoLogs", logging_info=None)
    cluster("LogsOff", logging_info={"brokerLogs": {"cloudWatchLogs": {"enabled": False}}})
    cluster("EscNoLogs").add_property_deletion_override("LoggingInfo")
    cluster("ParamLogs").add_property_override(
        "LoggingInfo.BrokerLogs.CloudWatchLogs.Enabled", setting
    )

    # SC-MSK-6 public brokers.
    cluster("Public").add_property_override(
        "BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type", "SERVICE_PROVIDED_EIPS"
    )
    cluster("ParamPublic").add_property_override(
        "BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type", setting
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Msk"))
    return check_app(app)


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status)
        for f in findings_at(ev, f"Msk/{name}")
        if f.rule.id.startswith("SC-MSK-")
    }


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "SecureTransitDefaults",
        "SecureScramAndTls",
        "SecureS3Logs",
        "SecurePrivate",
        "SecureServerless",
    ],
)
def test_hardened_cluster_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("Plaintext", "SC-MSK-1"),
        ("EscTlsPlaintext", "SC-MSK-1"),
        ("InClusterOff", "SC-MSK-2"),
        ("EscInClusterOff", "SC-MSK-2"),
        ("NoKey", "SC-MSK-3"),
        ("AwsManagedKey", "SC-MSK-3"),
        ("EscNoKey", "SC-MSK-3"),
        ("NoAuth", "SC-MSK-4"),
        ("UnauthenticatedToo", "SC-MSK-4"),
        ("AllMechanismsOff", "SC-MSK-4"),
        ("EscNoAuth", "SC-MSK-4"),
        ("ServerlessIamOff", "SC-MSK-4"),
        ("NoLogs", "SC-MSK-5"),
        ("LogsOff", "SC-MSK-5"),
        ("EscNoLogs", "SC-MSK-5"),
        ("Public", "SC-MSK-6"),
    ],
)
def test_weakened_cluster_is_flagged(ev: Checked, name: str, rule: str) -> None:
    assert mine(ev, name) == {(rule, NON_COMPLIANT)}


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ParamClientBroker", "SC-MSK-1"),
        ("IfClientBroker", "SC-MSK-1"),
        ("ParamInCluster", "SC-MSK-2"),
        ("ParamKey", "SC-MSK-3"),
        ("IfKey", "SC-MSK-3"),
        ("ParamAuth", "SC-MSK-4"),
        ("IfUnauthenticated", "SC-MSK-4"),
        ("ParamLogs", "SC-MSK-5"),
        ("ParamPublic", "SC-MSK-6"),
    ],
)
def test_setting_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str, rule: str
) -> None:
    assert mine(ev, name) == {(rule, CANNOT_VERIFY)}


def test_plaintext_finding_names_the_property_and_value(ev: Checked) -> None:
    (finding,) = [f for f in findings_at(ev, "Msk/Plaintext") if f.rule.id == "SC-MSK-1"]
    assert finding.property_path == "Properties.EncryptionInfo.EncryptionInTransit.ClientBroker"
    assert "'PLAINTEXT'" in finding.message
