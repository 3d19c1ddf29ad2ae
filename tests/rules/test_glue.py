"""SC-GLUE-1..3 on security configurations, jobs, crawlers and catalog encryption.

aws-cdk-lib has only the Glue L1s (the L2 is in ``aws_glue_alpha``): cases are
``glue.Cfn*`` resources, escape hatches and tokens. One app is synthesized for the module:
stack ``Glue`` holds one resource per case (construct id = case name). Only the
``SC-GLUE-*`` findings are compared.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_glue as glue
from aws_cdk import aws_kms as kms

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, check_app, findings_at

ROLE = "arn:aws:iam::123456789012:role/etl"
AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/glue"


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    with_key = {"kmsKeyArn": key.key_arn}

    def configuration(construct_id: str, **parts: Any) -> glue.CfnSecurityConfiguration:
        encryption: dict[str, Any] = {
            "s3Encryptions": [{"s3EncryptionMode": "SSE-KMS", "kmsKeyArn": key.key_arn}],
            "cloudWatchEncryption": {"cloudWatchEncryptionMode": "SSE-KMS", **with_key},
            "jobBookmarksEncryption": {"jobBookmarksEncryptionMode": "CSE-KMS", **with_key},
        }
        encryption.update(parts)
        return glue.CfnSecurityConfiguration(
            stack,
            construct_id,
            name=construct_id.lower(),
            encryption_configuration={k: v for k, v in encryption.items() if v is not None},
        )

    secure = configuration("SecureConfiguration")

    def job(construct_id: str, **overrides: Any) -> glue.CfnJob:
        props: dict[str, Any] = {
            "role": ROLE,
            "command": {"name": "glueetl", "scriptLocation": "s3://etl-scripts/job.py"},
            "security_configuration": secure.ref,
        }
        props.update(overrides)
        return glue.CfnJob(stack, construct_id, **{k: v for k, v in props.items() if v is not None})

    def crawler(construct_id: str, **overrides: Any) -> glue.CfnCrawler:
        props: dict[str, Any] = {
            "role": ROLE,
            "targets": {"s3Targets": [{"path": "s3://data-lake/raw/"}]},
            "crawler_security_configuration": secure.ref,
        }
        props.update(overrides)
        return glue.CfnCrawler(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    def catalog(construct_id: str, **overrides: Any) -> glue.CfnDataCatalogEncryptionSettings:
        settings: dict[str, Any] = {
            "encryptionAtRest": {"catalogEncryptionMode": "SSE-KMS", "sseAwsKmsKeyId": key.key_arn},
            "connectionPasswordEncryption": {
                "returnConnectionPasswordEncrypted": True,
                "kmsKeyId": key.key_arn,
            },
        }
        settings.update(overrides)
        return glue.CfnDataCatalogEncryptionSettings(
            stack,
            construct_id,
            catalog_id=cdk.Aws.ACCOUNT_ID,
            data_catalog_encryption_settings=settings,
        )

    # Compliant references.
    job("SecureJob")
    job("SecureJobByName", security_configuration="team-etl-encryption")
    crawler("SecureCrawler")
    catalog("SecureCatalog")

    # SC-GLUE-1 what a security configuration encrypts.
    configuration("NoBookmarks", jobBookmarksEncryption={"jobBookmarksEncryptionMode": "DISABLED"})
    configuration("S3Managed", s3Encryptions=[{"s3EncryptionMode": "SSE-S3"}])
    configuration("NoCloudWatch", cloudWatchEncryption=None)
    aws_managed = {"cloudWatchEncryptionMode": "SSE-KMS", "kmsKeyArn": AWS_MANAGED_ALIAS_ARN}
    configuration("AwsManagedKey", cloudWatchEncryption=aws_managed)
    configuration("EscNoS3").add_property_deletion_override("EncryptionConfiguration.S3Encryptions")
    configuration("ParamMode").add_property_override(
        "EncryptionConfiguration.JobBookmarksEncryption.JobBookmarksEncryptionMode", setting
    )
    configuration("IfKey").add_property_override(
        "EncryptionConfiguration.CloudWatchEncryption.KmsKeyArn",
        switch.pick(key.key_arn, cdk.Aws.NO_VALUE),
    )

    # SC-GLUE-2 jobs and crawlers use one.
    job("JobWithout", security_configuration=None)
    crawler("CrawlerWithout", crawler_security_configuration=None)
    job("EscJobWithout").add_property_deletion_override("SecurityConfiguration")
    job("ParamJob", security_configuration=setting)
    job("IfJob").add_property_override(
        "SecurityConfiguration", switch.pick(secure.ref, cdk.Aws.NO_VALUE)
    )

    # SC-GLUE-3 the Data Catalog.
    catalog("CatalogDisabled", encryptionAtRest={"catalogEncryptionMode": "DISABLED"})
    catalog("CatalogAwsManaged", encryptionAtRest={"catalogEncryptionMode": "SSE-KMS"})
    plain = {"returnConnectionPasswordEncrypted": False}
    catalog("PasswordsPlain", connectionPasswordEncryption=plain)
    catalog("EscCatalog").add_property_override(
        "DataCatalogEncryptionSettings.EncryptionAtRest.CatalogEncryptionMode", "DISABLED"
    )
    catalog("ParamCatalog").add_property_override(
        "DataCatalogEncryptionSettings.EncryptionAtRest.SseAwsKmsKeyId", setting
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Glue"))
    return check_app(app)


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status)
        for f in findings_at(ev, f"Glue/{name}")
        if f.rule.id.startswith("SC-GLUE-")
    }


@pytest.mark.parametrize(
    "name",
    ["SecureConfiguration", "SecureJob", "SecureJobByName", "SecureCrawler", "SecureCatalog"],
)
def test_hardened_resource_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("NoBookmarks", "SC-GLUE-1"),
        ("S3Managed", "SC-GLUE-1"),
        ("NoCloudWatch", "SC-GLUE-1"),
        ("AwsManagedKey", "SC-GLUE-1"),
        ("EscNoS3", "SC-GLUE-1"),
        ("JobWithout", "SC-GLUE-2"),
        ("CrawlerWithout", "SC-GLUE-2"),
        ("EscJobWithout", "SC-GLUE-2"),
        ("CatalogDisabled", "SC-GLUE-3"),
        ("CatalogAwsManaged", "SC-GLUE-3"),
        ("PasswordsPlain", "SC-GLUE-3"),
        ("EscCatalog", "SC-GLUE-3"),
    ],
)
def test_weakened_resource_is_flagged(ev: Checked, name: str, rule: str) -> None:
    assert mine(ev, name) == {(rule, NON_COMPLIANT)}


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ParamMode", "SC-GLUE-1"),
        ("IfKey", "SC-GLUE-1"),
        ("ParamJob", "SC-GLUE-2"),
        ("IfJob", "SC-GLUE-2"),
        ("ParamCatalog", "SC-GLUE-3"),
    ],
)
def test_setting_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str, rule: str
) -> None:
    assert mine(ev, name) == {(rule, CANNOT_VERIFY)}
