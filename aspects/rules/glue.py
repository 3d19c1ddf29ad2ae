"""AWS Glue guardrails: encryption with your keys for jobs, crawlers and the Data Catalog.

A security configuration (``AWS::Glue::SecurityConfiguration``) decides how a job or
crawler encrypts what it writes to S3, its CloudWatch logs and its job bookmarks; each
part is off unless set. Jobs (``AWS::Glue::Job``) and crawlers (``AWS::Glue::Crawler``)
name one (``SecurityConfiguration`` / ``CrawlerSecurityConfiguration``); without it they
use none. The Data Catalog's encryption is an account setting
(``AWS::Glue::DataCatalogEncryptionSettings``). aws-cdk-lib has only the L1s
(``glue.CfnSecurityConfiguration``, ``CfnJob``, ``CfnCrawler``,
``CfnDataCatalogEncryptionSettings``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ResourceRef, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import setting
from aspects.rules._common import Deferred, kms_key_problems
from aspects.values import as_list, intrinsic_name

SECURITY_CONFIGURATION = "AWS::Glue::SecurityConfiguration"
JOB = "AWS::Glue::Job"
CRAWLER = "AWS::Glue::Crawler"
CATALOG_ENCRYPTION = "AWS::Glue::DataCatalogEncryptionSettings"

#: (block under EncryptionConfiguration, its mode property, the KMS mode, what it covers).
_PARTS = (
    ("CloudWatchEncryption", "CloudWatchEncryptionMode", "SSE-KMS", "the job's CloudWatch logs"),
    (
        "JobBookmarksEncryption",
        "JobBookmarksEncryptionMode",
        "CSE-KMS",
        "job bookmarks (what was processed, where)",
    ),
)


def _mode_problems(
    r: ResourceView, block: Any, base: str, mode_name: str, wanted: str, what: str
) -> Iterator[Problem]:
    if not isinstance(block, Mapping) or intrinsic_name(block) is not None:
        if block is not None:
            r.literal(block, base)  # raises CannotVerify
        yield Problem(
            f"{base} is not set, so {what} are not encrypted by Glue", f"Properties.{base}"
        )
        return
    raw = block.get(mode_name)
    mode = "DISABLED" if raw is None else str(r.literal(raw, f"{base}.{mode_name}"))
    if mode.upper() != wanted:
        yield Problem(
            f"{base}.{mode_name} is {mode!r}: {what} are not encrypted with a KMS key of "
            f"yours; use {wanted} with KmsKeyArn",
            f"Properties.{base}.{mode_name}",
        )
        return
    yield from kms_key_problems(r, block.get("KmsKeyArn"), f"{base}.KmsKeyArn")


def _configuration_encrypts(r: ResourceView) -> Iterator[Problem]:
    base = "EncryptionConfiguration"
    config = setting(r, base)
    if config is None:
        yield Problem(f"{base} is not set, so nothing is encrypted", f"Properties.{base}")
        return
    deferred = Deferred()
    s3 = setting(r, f"{base}.S3Encryptions")
    if intrinsic_name(s3) is not None:
        r.literal(s3, f"{base}.S3Encryptions")  # raises CannotVerify
    entries = as_list(s3)
    if not entries:
        yield Problem(
            f"{base}.S3Encryptions is not set, so the data jobs write to S3 is not encrypted "
            "with a key of yours",
            f"Properties.{base}.S3Encryptions",
        )
    for i, entry in enumerate(entries):
        with deferred:
            yield from _mode_problems(
                r,
                entry,
                f"{base}.S3Encryptions[{i}]",
                "S3EncryptionMode",
                "SSE-KMS",
                "the data jobs write to S3",
            )
    for block, mode, wanted, what in _PARTS:
        with deferred:
            yield from _mode_problems(
                r, setting(r, f"{base}.{block}"), f"{base}.{block}", mode, wanted, what
            )
    deferred.raise_first()


def _uses_configuration(r: ResourceView) -> Iterator[Problem]:
    name = "SecurityConfiguration" if r.type == JOB else "CrawlerSecurityConfiguration"
    raw = r.props.get(name)
    if raw is None or raw == "":
        yield Problem(
            f"{name} is not set, so the {'job' if r.type == JOB else 'crawler'} encrypts "
            "neither its S3 output, its logs nor its bookmarks with a key of yours",
            f"Properties.{name}",
        )
        return
    if isinstance(raw, str):
        return  # a configuration named here is judged where it is defined (SC-GLUE-1)
    target = r.follow(raw, name)
    if isinstance(target, ResourceRef):
        if target.type != SECURITY_CONFIGURATION:
            yield Problem(
                f"{name} refers to {target.logical_id} ({target.type}), not a "
                "security configuration",
                f"Properties.{name}",
            )
        return
    raise CannotVerify(
        f"{name} is {target.description}, so whether a security configuration applies "
        "is only known at deploy time",
        f"Properties.{name}",
    )


def _catalog_encrypted(r: ResourceView) -> Iterator[Problem]:
    base = "DataCatalogEncryptionSettings"
    mode_path = f"{base}.EncryptionAtRest.CatalogEncryptionMode"
    raw = setting(r, mode_path)
    mode = "DISABLED" if raw is None else str(r.literal(raw, mode_path))
    deferred = Deferred()
    if mode.upper() not in ("SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"):
        yield Problem(
            f"{mode_path} is {mode!r}: table definitions, schemas and connection details in "
            "the Data Catalog are not encrypted with a KMS key of yours; use SSE-KMS",
            f"Properties.{mode_path}",
        )
    else:
        with deferred:
            key_path = f"{base}.EncryptionAtRest.SseAwsKmsKeyId"
            key = setting(r, key_path)
            if key is None:
                yield Problem(
                    f"{key_path} is not set, so the catalog uses the AWS managed key aws/glue",
                    f"Properties.{key_path}",
                )
            else:
                yield from kms_key_problems(r, key, key_path)
    password_path = f"{base}.ConnectionPasswordEncryption"
    flag = setting(r, f"{password_path}.ReturnConnectionPasswordEncrypted")
    if flag is None or not r.bool(flag, f"{password_path}.ReturnConnectionPasswordEncrypted"):
        yield Problem(
            f"{password_path}.ReturnConnectionPasswordEncrypted is not true: connection "
            "passwords are returned in plaintext to anyone allowed glue:GetConnection",
            f"Properties.{password_path}",
        )
    else:
        yield from kms_key_problems(
            r, setting(r, f"{password_path}.KmsKeyId"), f"{password_path}.KmsKeyId"
        )
    deferred.raise_first()


RULES = (
    Rule(
        id="SC-GLUE-1",
        title="Glue security configurations encrypt S3 data, logs and bookmarks with your keys",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(SECURITY_CONFIGURATION,),
        rationale="Each part of a security configuration is off unless set: the data a job "
        "writes to S3, its CloudWatch logs (which can echo records) and its job bookmarks. "
        "SSE-S3 and the AWS managed keys leave access to the service's own permissions; a "
        "customer-managed key's policy decides who can read them.",
        fix="Set encryption_configuration on glue.CfnSecurityConfiguration with "
        "s3_encryptions=[{s3EncryptionMode: 'SSE-KMS', kmsKeyArn}], cloud_watch_encryption="
        "{cloudWatchEncryptionMode: 'SSE-KMS', kmsKeyArn} and job_bookmarks_encryption="
        "{jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn}.",
        check=_configuration_encrypts,
        nist_800_53=("SC-28", "SC-12"),
        checkov=("CKV_AWS_99",),
    ),
    Rule(
        id="SC-GLUE-2",
        title="Glue jobs and crawlers use a security configuration",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(JOB, CRAWLER),
        rationale="A job or crawler without a security configuration encrypts neither its "
        "S3 output, its CloudWatch logs nor its bookmarks with a key you control.",
        fix="Set security_configuration=<a glue.CfnSecurityConfiguration>.ref on glue.CfnJob "
        "(crawler_security_configuration on glue.CfnCrawler).",
        check=_uses_configuration,
        nist_800_53=("SC-28",),
        cdk_nag=("AwsSolutions-GL1", "AwsSolutions-GL3"),
        checkov=("CKV_AWS_195",),
    ),
    Rule(
        id="SC-GLUE-3",
        title="The Glue Data Catalog is encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(CATALOG_ENCRYPTION,),
        rationale="The Data Catalog holds table definitions, schemas and connection "
        "details; connection passwords are returned in plaintext unless encrypted. A key "
        "you manage decides who can read both.",
        fix="Set data_catalog_encryption_settings on glue.CfnDataCatalogEncryptionSettings "
        "with encryption_at_rest={catalogEncryptionMode: 'SSE-KMS', sseAwsKmsKeyId} and "
        "connection_password_encryption={returnConnectionPasswordEncrypted: True, kmsKeyId}.",
        check=_catalog_encrypted,
        nist_800_53=("SC-28", "SC-12"),
        checkov=("CKV_AWS_94",),
    ),
)
