"""Amazon MSK guardrails: TLS to and between brokers, your key, client authentication, logs.

The rules read ``AWS::MSK::Cluster`` (provisioned; ``msk.CfnCluster``, and what the
``aws_msk_alpha.Cluster`` L2 synthesizes) and, for authentication,
``AWS::MSK::ServerlessCluster`` (which always uses TLS and AWS-owned encryption, and
authenticates only with IAM). CloudFormation's defaults: ``ClientBroker`` is ``TLS``,
``InCluster`` is true, a cluster without ``EncryptionAtRest`` uses the AWS managed key
``aws/kafka``, and one without ``ClientAuthentication`` accepts unauthenticated clients.
"""

from __future__ import annotations

from collections.abc import Iterator

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._blocks import must_be_one_of, must_be_true, setting
from aspects.rules._common import Deferred, kms_key_problems

CLUSTER = "AWS::MSK::Cluster"
SERVERLESS_CLUSTER = "AWS::MSK::ServerlessCluster"

#: Where broker logs can go: (property under LoggingInfo.BrokerLogs, destination property).
LOG_DESTINATIONS = (
    ("CloudWatchLogs", "LogGroup"),
    ("Firehose", "DeliveryStream"),
    ("S3", "Bucket"),
)
#: Client authentication mechanisms: (path under ClientAuthentication, what it is).
AUTH_MECHANISMS = (
    ("Sasl.Iam.Enabled", "IAM"),
    ("Sasl.Scram.Enabled", "SASL/SCRAM"),
    ("Tls.Enabled", "mutual TLS"),
)


def _client_tls(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_one_of(
        r,
        "EncryptionInfo.EncryptionInTransit.ClientBroker",
        ("TLS",),
        "clients may send and read records and SASL/SCRAM passwords in plaintext",
        default="TLS",
        case_sensitive=True,
    )


def _broker_tls(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r,
        "EncryptionInfo.EncryptionInTransit.InCluster",
        "replication traffic between brokers crosses the network in plaintext",
        default=True,
    )


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    path = "EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId"
    key = setting(r, path)
    if key is None:
        yield Problem(
            f"{path} is not set, so the broker volumes are encrypted with the AWS managed "
            "key aws/kafka, whose key policy you cannot restrict",
            f"Properties.{path}",
        )
        return
    yield from kms_key_problems(r, key, path)


def _enabled(r: ResourceView, path: str) -> bool:
    value = setting(r, path)
    return value is not None and r.bool(value, path)


def _authenticated(r: ResourceView) -> Iterator[Problem]:
    if r.type == SERVERLESS_CLUSTER:
        if not _enabled(r, "ClientAuthentication.Sasl.Iam.Enabled"):
            yield Problem(
                "ClientAuthentication.Sasl.Iam.Enabled is not true: a serverless cluster "
                "authenticates clients only with IAM",
                "Properties.ClientAuthentication.Sasl.Iam.Enabled",
            )
        return
    path = "ClientAuthentication.Unauthenticated.Enabled"
    if setting(r, "ClientAuthentication") is None:
        yield Problem(
            "ClientAuthentication is not set, so the cluster accepts unauthenticated "
            "clients: anything that reaches a broker can read and write every topic",
            "Properties.ClientAuthentication",
        )
        return
    deferred = Deferred()
    found = False
    for mechanism, _name in AUTH_MECHANISMS:
        with deferred:
            found = found or _enabled(r, f"ClientAuthentication.{mechanism}")
    if _enabled(r, path):
        yield Problem(
            f"{path} is true: clients that present no identity are still let in, whatever "
            "other mechanism is enabled",
            f"Properties.{path}",
        )
        return
    if not found:
        deferred.raise_first()
        yield Problem(
            "ClientAuthentication enables none of IAM, SASL/SCRAM or mutual TLS, so "
            "clients are not authenticated",
            "Properties.ClientAuthentication",
        )


def _logged(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    for name, destination in LOG_DESTINATIONS:
        base = f"LoggingInfo.BrokerLogs.{name}"
        with deferred:
            if _enabled(r, f"{base}.Enabled") and setting(r, f"{base}.{destination}"):
                return
    deferred.raise_first()
    yield Problem(
        "LoggingInfo.BrokerLogs delivers to no CloudWatch Logs group, Firehose stream or S3 "
        "bucket, so broker logs (connections, authentication failures, errors) are lost",
        "Properties.LoggingInfo",
    )


def _private(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_one_of(
        r,
        "BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type",
        ("DISABLED",),
        "the brokers get public IP addresses and are reachable from the internet",
        default="DISABLED",
        case_sensitive=True,
    )


_IN_TRANSIT_FIX = (
    "Set encryption_info=msk.CfnCluster.EncryptionInfoProperty(encryption_in_transit="
    "msk.CfnCluster.EncryptionInTransitProperty(client_broker='TLS', in_cluster=True)) "
    "on msk.CfnCluster, or leave both unset (the defaults are TLS and true)."
)

RULES = (
    Rule(
        id="SC-MSK-1",
        title="MSK clusters accept only TLS connections from clients",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(CLUSTER,),
        rationale="ClientBroker PLAINTEXT or TLS_PLAINTEXT opens a plaintext listener: "
        "records, and SASL/SCRAM passwords with them, cross the network readable by anyone "
        "on the path.",
        fix=_IN_TRANSIT_FIX,
        check=_client_tls,
        nist_800_53=("SC-8", "SC-8(1)"),
        cdk_nag=("AwsSolutions-MSK2",),
        checkov=("CKV_AWS_81",),
    ),
    Rule(
        id="SC-MSK-2",
        title="MSK brokers encrypt the traffic between them",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(CLUSTER,),
        rationale="With InCluster false, replication between brokers (every record, on "
        "every replica) is plaintext on the network.",
        fix=_IN_TRANSIT_FIX,
        check=_broker_tls,
        fsbp=("MSK.1",),
        nist_800_53=("SC-8",),
        cdk_nag=("AwsSolutions-MSK3",),
        checkov=("CKV_AWS_81",),
    ),
    Rule(
        id="SC-MSK-3",
        title="MSK broker volumes are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(CLUSTER,),
        rationale="Without DataVolumeKMSKeyId the broker volumes use the AWS managed key "
        "aws/kafka: its policy cannot be restricted, so the key adds no control of its own "
        "over who can read the retained records.",
        fix="Set encryption_info=msk.CfnCluster.EncryptionInfoProperty(encryption_at_rest="
        "msk.CfnCluster.EncryptionAtRestProperty(data_volume_kms_key_id=<a kms.Key>.key_arn"
        ")) on msk.CfnCluster (encryption_at_rest on the msk-alpha Cluster).",
        check=_encrypted,
        nist_800_53=("SC-28", "SC-12"),
    ),
    Rule(
        id="SC-MSK-4",
        title="MSK clusters authenticate every client",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(CLUSTER, SERVERLESS_CLUSTER),
        rationale="A cluster without ClientAuthentication, or with unauthenticated access "
        "enabled next to another mechanism, lets any client that reaches a broker produce "
        "and consume every topic: the security group is the only control. IAM, SASL/SCRAM "
        "or mutual TLS give each client an identity that Kafka ACLs or IAM policies judge.",
        fix="Set client_authentication=msk.CfnCluster.ClientAuthenticationProperty(sasl="
        "msk.CfnCluster.SaslProperty(iam=msk.CfnCluster.IamProperty(enabled=True))) on "
        "msk.CfnCluster, without unauthenticated=...(enabled=True).",
        check=_authenticated,
        fsbp=("MSK.6",),
        nist_800_53=("IA-2", "AC-3"),
    ),
    Rule(
        id="SC-MSK-5",
        title="MSK clusters deliver broker logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=(CLUSTER,),
        rationale="Broker logs record connections, authentication and authorization "
        "failures and errors; without a destination they are not kept anywhere you can "
        "read them.",
        fix="Set logging_info=msk.CfnCluster.LoggingInfoProperty(broker_logs="
        "msk.CfnCluster.BrokerLogsProperty(cloud_watch_logs=msk.CfnCluster."
        "CloudWatchLogsProperty(enabled=True, log_group=<a logs.LogGroup>.log_group_name))).",
        check=_logged,
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-MSK6",),
        checkov=("CKV_AWS_80",),
    ),
    Rule(
        id="SC-MSK-6",
        title="MSK brokers are not publicly accessible",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(CLUSTER,),
        rationale="PublicAccess SERVICE_PROVIDED_EIPS gives every broker a public IP address: "
        "the cluster is one security-group rule away from the internet. Keep clients in "
        "the VPC, or use multi-VPC private connectivity.",
        fix="Leave broker_node_group_info.connectivity_info.public_access unset or "
        "type='DISABLED' on msk.CfnCluster.",
        check=_private,
        fsbp=("MSK.4",),
        nist_800_53=("AC-3", "SC-7"),
        checkov=("CKV_AWS_291",),
    ),
)
