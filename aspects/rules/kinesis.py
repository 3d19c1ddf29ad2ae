"""Kinesis Data Streams and Data Firehose guardrails: records under a customer-managed key.

A Kinesis stream without ``StreamEncryption`` stores its records unencrypted. A Firehose
stream fed directly (``DirectPut``, the default) buffers records under the key of
``DeliveryStreamEncryptionConfigurationInput``; one fed by a Kinesis stream
(``KinesisStreamAsSource``), MSK or a database cannot take that setting: its source
encrypts the records (the source stream is judged by SC-KINESIS-1). What Firehose writes to
S3 gets the bucket's default encryption (judged by the S3 rules) unless the destination
names a key of its own, which must then be a customer-managed one.
"""

from __future__ import annotations

from collections.abc import Iterator

from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import setting
from aspects.rules._common import Deferred, kms_key_problems
from aspects.values import intrinsic_name

STREAM = ("AWS::Kinesis::Stream",)
DELIVERY_STREAM = ("AWS::KinesisFirehose::DeliveryStream",)

#: Every S3 destination block of a delivery stream (the S3 destination itself, and the S3
#: backup of failed or all records of the other destinations).
FIREHOSE_S3_CONFIGURATIONS = (
    "S3DestinationConfiguration",
    "ExtendedS3DestinationConfiguration",
    "ExtendedS3DestinationConfiguration.S3BackupConfiguration",
    "RedshiftDestinationConfiguration.S3Configuration",
    "RedshiftDestinationConfiguration.S3BackupConfiguration",
    "AmazonOpenSearchServerlessDestinationConfiguration.S3Configuration",
    "AmazonopensearchserviceDestinationConfiguration.S3Configuration",
    "ElasticsearchDestinationConfiguration.S3Configuration",
    "HttpEndpointDestinationConfiguration.S3Configuration",
    "IcebergDestinationConfiguration.S3Configuration",
    "SnowflakeDestinationConfiguration.S3Configuration",
    "SplunkDestinationConfiguration.S3Configuration",
)


def _shown(value: object) -> str:
    return "not set" if value is None else repr(value)


# -- SC-KINESIS-1 ----------------------------------------------------------------------------


def _stream_encrypted(r: ResourceView) -> Iterator[Problem]:
    encryption = setting(r, "StreamEncryption")
    if encryption is None:
        yield Problem(
            "StreamEncryption is not set, so Kinesis stores the records unencrypted; "
            "encrypt them with a customer-managed KMS key",
            "Properties.StreamEncryption",
        )
        return
    kind = setting(r, "StreamEncryption.EncryptionType")
    chosen = None if kind is None else r.literal(kind, "StreamEncryption.EncryptionType")
    if chosen != "KMS":
        yield Problem(
            f"StreamEncryption.EncryptionType is {_shown(chosen)}, so Kinesis stores "
            "the records unencrypted; use KMS with a customer-managed key",
            "Properties.StreamEncryption.EncryptionType",
        )
        return
    yield from kms_key_problems(r, setting(r, "StreamEncryption.KeyId"), "StreamEncryption.KeyId")


# -- SC-FIREHOSE-1 ---------------------------------------------------------------------------


def _firehose_encrypted(r: ResourceView) -> Iterator[Problem]:
    source = r.props.get("DeliveryStreamType", "DirectPut")
    if intrinsic_name(source) is None and source != "DirectPut":
        return  # other sources encrypt the records; Firehose refuses the setting there
    found = list(_direct_put_encryption(r))
    if not found:
        return
    # A stream type from a parameter matters only when the encryption would not do.
    try:
        chosen = r.literal(source, "DeliveryStreamType")
    except CannotVerify as exc:
        raise CannotVerify(
            f"{found[0].message}, if the stream is DirectPut: {exc.message}", found[0].path
        ) from None
    if chosen == "DirectPut":
        yield from found


def _direct_put_encryption(r: ResourceView) -> Iterator[Problem]:
    what = "DeliveryStreamEncryptionConfigurationInput"
    if setting(r, what) is None:
        yield Problem(
            f"{what} is not set, so server-side encryption of this DirectPut stream is off "
            "and no key of yours protects the records Firehose holds before delivery",
            f"Properties.{what}",
        )
        return
    raw = setting(r, f"{what}.KeyType")
    kind = None if raw is None else r.literal(raw, f"{what}.KeyType")
    if kind != "CUSTOMER_MANAGED_CMK":
        why = (
            "an AWS owned key is not yours to control or audit"
            if kind == "AWS_OWNED_CMK"
            else "no customer-managed key is chosen"
        )
        yield Problem(
            f"{what}.KeyType is {_shown(kind)}: {why}; use CUSTOMER_MANAGED_CMK with KeyARN",
            f"Properties.{what}.KeyType",
        )
        return
    yield from kms_key_problems(r, setting(r, f"{what}.KeyARN"), f"{what}.KeyARN")


# -- SC-FIREHOSE-2 ---------------------------------------------------------------------------


def _s3_destination_keys(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    for block in FIREHOSE_S3_CONFIGURATIONS:
        with deferred:
            kms = setting(r, f"{block}.EncryptionConfiguration.KMSEncryptionConfig")
            if kms is None:
                continue  # NoEncryption or nothing: the bucket's default encryption applies
            what = f"{block}.EncryptionConfiguration.KMSEncryptionConfig"
            yield from kms_key_problems(
                r, setting(r, f"{what}.AWSKMSKeyARN"), f"{what}.AWSKMSKeyARN"
            )
    deferred.raise_first()


RULES = (
    Rule(
        id="SC-KINESIS-1",
        title="Kinesis data streams are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=STREAM,
        rationale="Without StreamEncryption Kinesis keeps records unencrypted for the whole "
        "retention period. With the AWS managed key alias/aws/kinesis every principal of the "
        "account allowed to read the stream also decrypts it; with a key you manage, reading "
        "needs kms:Decrypt on your key, so its key policy and CloudTrail control and record "
        "who reads. CDK's default (alias/aws/kinesis, none in China regions) is not enough.",
        fix="Set encryption=StreamEncryption.KMS and encryption_key=<kms.Key> on "
        "kinesis.Stream (StreamEncryption: EncryptionType KMS, KeyId your key).",
        check=_stream_encrypted,
        fsbp=("Kinesis.1",),
        nist_800_53=("SC-12", "SC-28"),
        cdk_nag=("AwsSolutions-KDS1",),
        checkov=("CKV_AWS_43",),
    ),
    Rule(
        id="SC-FIREHOSE-1",
        title="Firehose streams fed directly are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=DELIVERY_STREAM,
        rationale="A DirectPut stream (the default) buffers the records it receives until "
        "delivery; server-side encryption with a key you manage puts that data under your "
        "key policy and CloudTrail, where an AWS owned key (KeyType AWS_OWNED_CMK) or no "
        "encryption does not. Streams whose source is a Kinesis stream, MSK or a database "
        "are encrypted by their source and cannot take this setting, so they are not judged.",
        fix="Set encryption=StreamEncryption.customer_managed_key(<kms.Key>) on "
        "kinesisfirehose.DeliveryStream (DeliveryStreamEncryptionConfigurationInput: KeyType "
        "CUSTOMER_MANAGED_CMK, KeyARN your key).",
        check=_firehose_encrypted,
        fsbp=("DataFirehose.1",),
        nist_800_53=("SC-12", "SC-28"),
        cdk_nag=("AwsSolutions-KDF1",),
    ),
    Rule(
        id="SC-FIREHOSE-2",
        title="Firehose S3 destinations that name a KMS key name a customer-managed one",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=DELIVERY_STREAM,
        rationale="A key named in an S3 destination (EncryptionConfiguration."
        "KMSEncryptionConfig.AWSKMSKeyARN, for the destination or its backup) encrypts every "
        "object Firehose writes, overriding the bucket's default: an AWS managed key such as "
        "alias/aws/s3 there puts the delivered data outside your key policy. A destination "
        "without a key (or NoEncryption) gets the bucket's default encryption, which the S3 "
        "rules judge, so it is not reported here.",
        fix="Pass encryption_key=<kms.Key> (a customer-managed key) to "
        "kinesisfirehose.S3Bucket, or leave it out and encrypt the bucket with one.",
        check=_s3_destination_keys,
        nist_800_53=("SC-12", "SC-28"),
    ),
)
