"""SC-KINESIS-1 and SC-FIREHOSE-1..2 on streams built from L2s, raw L1s, escape hatches
and tokens.

One app is synthesized for the module: stack ``Kinesis`` holds one data stream or delivery
stream per case (construct id = case name), stack ``KinesisKeys`` a key that ``Kinesis``
uses through a cross-stack reference. A delivery stream's L2 also creates a role and a log
group (judged by other rules), so the delivery-stream cases look at the rules of this
module only.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from aspects.model import Status

from ._helpers import (
    CANNOT_VERIFY,
    NON_COMPLIANT,
    Checked,
    Switch,
    cfn,
    check_app,
    findings_at,
    ids,
    outcomes,
)

LITERAL_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
S3_MANAGED_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/s3"
ROLE_ARN = "arn:aws:iam::123456789012:role/firehose"
SSE = "DeliveryStreamEncryptionConfigurationInput"
S3_KEY = "ExtendedS3DestinationConfiguration.EncryptionConfiguration.KMSEncryptionConfig"
MINE = ("SC-KINESIS-", "SC-FIREHOSE-")


def _build(stack: cdk.Stack, foreign_key: kms.IKey) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    bucket = s3.Bucket(stack, "Bucket", encryption=s3.BucketEncryption.KMS, encryption_key=key)

    def stream(construct_id: str, **overrides: Any) -> kinesis.Stream:
        props: dict[str, Any] = {
            "encryption": kinesis.StreamEncryption.KMS,
            "encryption_key": key,
        }
        props.update(overrides)
        return kinesis.Stream(stack, construct_id, **props)

    def l1_stream(construct_id: str, **overrides: Any) -> kinesis.CfnStream:
        props: dict[str, Any] = {
            "shard_count": 1,
            "stream_encryption": {"encryptionType": "KMS", "keyId": key.key_arn},
        }
        props.update(overrides)
        return kinesis.CfnStream(stack, construct_id, **props)

    def delivery(
        construct_id: str, destination_key: kms.IKey | None = key, **overrides: Any
    ) -> firehose.DeliveryStream:
        props: dict[str, Any] = {
            "destination": firehose.S3Bucket(bucket, encryption_key=destination_key),
            "encryption": firehose.StreamEncryption.customer_managed_key(key),
        }
        props.update(overrides)
        return firehose.DeliveryStream(stack, construct_id, **props)

    def l1_delivery(construct_id: str, **overrides: Any) -> firehose.CfnDeliveryStream:
        props: dict[str, Any] = {
            "delivery_stream_encryption_configuration_input": {
                "keyType": "CUSTOMER_MANAGED_CMK",
                "keyArn": key.key_arn,
            },
            "extended_s3_destination_configuration": {
                "bucketArn": bucket.bucket_arn,
                "roleArn": ROLE_ARN,
            },
        }
        props.update(overrides)
        return firehose.CfnDeliveryStream(stack, construct_id, **props)

    # SC-KINESIS-1: compliant references.
    stream("Secure")
    l1_stream("L1Secure")
    stream("ForeignKey", encryption_key=foreign_key)
    l1_stream("LiteralKey", stream_encryption={"encryptionType": "KMS", "keyId": LITERAL_KEY_ARN})
    cfn(stream("IfTwoKeys")).add_property_override(
        "StreamEncryption.KeyId", switch.pick(key.key_arn, other_key.key_arn)
    )

    # SC-KINESIS-1: findings.
    kinesis.Stream(stack, "CdkDefault")
    stream("AwsManaged", encryption=kinesis.StreamEncryption.MANAGED, encryption_key=None)
    stream("Unencrypted", encryption=kinesis.StreamEncryption.UNENCRYPTED, encryption_key=None)
    l1_stream("L1Unencrypted", stream_encryption=None)
    cfn(stream("EscUnencrypted")).add_property_deletion_override("StreamEncryption")
    cfn(stream("EscAwsManaged")).add_property_override(
        "StreamEncryption.KeyId", "alias/aws/kinesis"
    )
    cfn(stream("EscTypeNone")).add_property_override("StreamEncryption.EncryptionType", "NONE")
    cfn(stream("ParamKey")).add_property_override("StreamEncryption.KeyId", setting)
    cfn(stream("IfEncrypted")).add_property_override(
        "StreamEncryption",
        switch.pick({"EncryptionType": "KMS", "KeyId": key.key_arn}, cdk.Aws.NO_VALUE),
    )

    # SC-FIREHOSE-1: compliant references and streams fed by a Kinesis stream.
    delivery("SecureDelivery")
    l1_delivery("L1SecureDelivery")
    source = stream("SourceStream")
    delivery("FromStream", source=firehose.KinesisStreamSource(source), encryption=None)
    l1_delivery(
        "L1FromStream",
        delivery_stream_type="KinesisStreamAsSource",
        delivery_stream_encryption_configuration_input=None,
        kinesis_stream_source_configuration={
            "kinesisStreamArn": source.stream_arn,
            "roleArn": ROLE_ARN,
        },
    )
    l1_delivery("ParamTypeEncrypted").add_property_override("DeliveryStreamType", setting)
    l1_delivery("IfTwoDeliveryKeys").add_property_override(
        f"{SSE}.KeyARN", switch.pick(key.key_arn, other_key.key_arn)
    )

    # SC-FIREHOSE-1: findings.
    delivery("DeliveryDefault", encryption=None)
    delivery("DeliveryAwsOwned", encryption=firehose.StreamEncryption.aws_owned_key())
    l1_delivery("L1DeliveryNoSse", delivery_stream_encryption_configuration_input=None)
    cfn(delivery("EscSseRemoved")).add_property_deletion_override(SSE)
    l1_delivery("EscAwsManagedKey").add_property_override(
        f"{SSE}.KeyARN", "arn:aws:kms:eu-west-1:123456789012:alias/aws/firehose"
    )
    l1_delivery("ParamDeliveryKey").add_property_override(f"{SSE}.KeyARN", setting)
    l1_delivery(
        "ParamTypeUnencrypted", delivery_stream_encryption_configuration_input=None
    ).add_property_override("DeliveryStreamType", setting)
    l1_delivery("IfDeliverySse").add_property_override(
        SSE,
        switch.pick({"KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key.key_arn}, cdk.Aws.NO_VALUE),
    )

    # SC-FIREHOSE-2: S3 destinations.
    delivery("DestinationBucketDefault", destination_key=None)
    delivery(
        "DestinationAwsManagedKey",
        destination_key=kms.Alias.from_alias_name(stack, "S3ManagedAlias", "alias/aws/s3"),
    )
    l1_delivery(
        "L1BackupAwsManagedKey",
        extended_s3_destination_configuration={
            "bucketArn": bucket.bucket_arn,
            "roleArn": ROLE_ARN,
            "encryptionConfiguration": {"kmsEncryptionConfig": {"awskmsKeyArn": key.key_arn}},
            "s3BackupMode": "Enabled",
            "s3BackupConfiguration": {
                "bucketArn": bucket.bucket_arn,
                "roleArn": ROLE_ARN,
                "encryptionConfiguration": {
                    "kmsEncryptionConfig": {"awskmsKeyArn": S3_MANAGED_KEY_ARN}
                },
            },
        },
    )
    l1_delivery(
        "L1NoEncryptionDestination",
        extended_s3_destination_configuration={
            "bucketArn": bucket.bucket_arn,
            "roleArn": ROLE_ARN,
            "encryptionConfiguration": {"noEncryptionConfig": "NoEncryption"},
        },
    )
    l1_delivery("ParamDestinationKey").add_property_override(f"{S3_KEY}.AWSKMSKeyARN", setting)
    l1_delivery("IfDestinationKey").add_property_override(
        f"{S3_KEY}.AWSKMSKeyARN", switch.pick(key.key_arn, S3_MANAGED_KEY_ARN)
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    keys = cdk.Stack(app, "KinesisKeys")
    _build(cdk.Stack(app, "Kinesis"), kms.Key(keys, "SharedKey", enable_key_rotation=True))
    return check_app(app)


def at(name: str) -> str:
    return f"Kinesis/{name}"


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    """Outcomes of this module's rules at *name* (the L2s' log groups are judged elsewhere)."""
    return {o for o in outcomes(ev, at(name)) if o[0].startswith(MINE)}


def paths(ev: Checked, name: str, rule_id: str) -> set[str]:
    return {f.property_path for f in findings_at(ev, at(name)) if f.rule.id == rule_id}


# -- SC-KINESIS-1 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Secure", "L1Secure", "ForeignKey", "LiteralKey", "IfTwoKeys", "SourceStream"]
)
def test_stream_with_customer_key_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("Unencrypted", "Properties.StreamEncryption"),
        ("L1Unencrypted", "Properties.StreamEncryption"),
        ("EscUnencrypted", "Properties.StreamEncryption"),
        ("EscTypeNone", "Properties.StreamEncryption.EncryptionType"),
        ("AwsManaged", "Properties.StreamEncryption.KeyId"),
        ("EscAwsManaged", "Properties.StreamEncryption.KeyId"),
    ],
)
def test_stream_without_customer_key_is_flagged(ev: Checked, name: str, path: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-KINESIS-1", NON_COMPLIANT)}
    assert paths(ev, name, "SC-KINESIS-1") == {path}


def test_cdk_default_stream_is_flagged_in_every_region(ev: Checked) -> None:
    # CDK writes Fn::If(China region, no encryption, alias/aws/kinesis): both are reported.
    assert outcomes(ev, at("CdkDefault")) == {("SC-KINESIS-1", CANNOT_VERIFY)}
    messages = " ".join(f.message for f in findings_at(ev, at("CdkDefault")))
    assert "unencrypted" in messages
    assert "alias/aws/kinesis" in messages
    assert all(f.blocks_synthesis for f in findings_at(ev, at("CdkDefault")))


@pytest.mark.parametrize("name", ["ParamKey", "IfEncrypted"])
def test_stream_key_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-KINESIS-1", CANNOT_VERIFY)}


# -- SC-FIREHOSE-1 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "SecureDelivery",
        "L1SecureDelivery",
        "FromStream",
        "L1FromStream",
        "ParamTypeEncrypted",
        "IfTwoDeliveryKeys",
        "DestinationBucketDefault",
        "L1NoEncryptionDestination",
    ],
)
def test_delivery_stream_with_customer_key_or_encrypting_source_has_no_finding(
    ev: Checked, name: str
) -> None:
    assert mine(ev, name) == set()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("DeliveryDefault", f"Properties.{SSE}"),
        ("L1DeliveryNoSse", f"Properties.{SSE}"),
        ("EscSseRemoved", f"Properties.{SSE}"),
        ("DeliveryAwsOwned", f"Properties.{SSE}.KeyType"),
        ("EscAwsManagedKey", f"Properties.{SSE}.KeyARN"),
    ],
)
def test_direct_put_stream_without_customer_key_is_flagged(
    ev: Checked, name: str, path: str
) -> None:
    assert mine(ev, name) == {("SC-FIREHOSE-1", NON_COMPLIANT)}
    assert paths(ev, name, "SC-FIREHOSE-1") == {path}


@pytest.mark.parametrize("name", ["ParamDeliveryKey", "ParamTypeUnencrypted", "IfDeliverySse"])
def test_delivery_encryption_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert mine(ev, name) == {("SC-FIREHOSE-1", CANNOT_VERIFY)}


# -- SC-FIREHOSE-2 -----------------------------------------------------------------------


def test_destination_with_aws_managed_key_is_flagged(ev: Checked) -> None:
    assert mine(ev, "DestinationAwsManagedKey") == {("SC-FIREHOSE-2", NON_COMPLIANT)}
    assert paths(ev, "DestinationAwsManagedKey", "SC-FIREHOSE-2") == {
        f"Properties.{S3_KEY}.AWSKMSKeyARN"
    }


def test_backup_destination_with_aws_managed_key_is_flagged(ev: Checked) -> None:
    assert mine(ev, "L1BackupAwsManagedKey") == {("SC-FIREHOSE-2", NON_COMPLIANT)}
    assert paths(ev, "L1BackupAwsManagedKey", "SC-FIREHOSE-2") == {
        "Properties.ExtendedS3DestinationConfiguration.S3BackupConfiguration."
        "EncryptionConfiguration.KMSEncryptionConfig.AWSKMSKeyARN"
    }


@pytest.mark.parametrize("name", ["ParamDestinationKey", "IfDestinationKey"])
def test_destination_key_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert mine(ev, name) == {("SC-FIREHOSE-2", CANNOT_VERIFY)}
