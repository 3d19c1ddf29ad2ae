"""Amazon S3 guardrails: encryption, versioning, retention, TLS-only policy, public access, logs."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from aspects.index import ResourceRef, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import declared
from aspects.rules._common import (
    PolicyVariant,
    actions,
    condition_values,
    covers,
    effect,
    flatten,
    kms_key_problems,
    open_allows,
    policy_variants,
    principal_is_everyone,
    required_denial,
    retention_problems,
    statements,
)
from aspects.values import as_list, describe_intrinsic, dig

BUCKET = ("AWS::S3::Bucket",)
_ENCRYPTION = "BucketEncryption.ServerSideEncryptionConfiguration"
_PUBLIC_ACLS = ("PublicRead", "PublicReadWrite", "AuthenticatedRead")
_BPA_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


def _encryption(r: ResourceView) -> Iterator[Problem]:
    log_source = r.app.log_targets.get(r.key)
    rules = dig(r.props, "BucketEncryption", "ServerSideEncryptionConfiguration")
    if not rules:
        allowed = "SSE-S3 (AES256) or SSE-KMS" if log_source else "SSE-KMS with a key you manage"
        yield Problem(
            f"BucketEncryption is not set; default encryption must be {allowed}",
            "Properties.BucketEncryption",
        )
        return
    for i, rule in enumerate(as_list(rules)):
        what = f"{_ENCRYPTION}[{i}].ServerSideEncryptionByDefault"
        default = dig(rule, "ServerSideEncryptionByDefault") or {}
        algorithm = r.literal(default.get("SSEAlgorithm"), f"{what}.SSEAlgorithm")
        if algorithm in ("aws:kms", "aws:kms:dsse"):
            yield from kms_key_problems(r, default.get("KMSMasterKeyID"), f"{what}.KMSMasterKeyID")
        elif algorithm == "AES256" and log_source:
            continue  # log delivery (ALB in particular) cannot write with a KMS key
        else:
            yield Problem(
                f"{what}.SSEAlgorithm is {algorithm!r}; use 'aws:kms' with a customer-managed "
                "key (only buckets that receive access logs may use 'AES256')",
                f"Properties.{what}.SSEAlgorithm",
            )


def _versioning(r: ResourceView) -> Iterator[Problem]:
    status = dig(r.props, "VersioningConfiguration", "Status")
    if status is None or r.literal(status, "VersioningConfiguration.Status") != "Enabled":
        yield Problem(
            f"VersioningConfiguration.Status is {status or 'not set'}; overwritten or "
            "deleted objects cannot be recovered",
            "Properties.VersioningConfiguration",
        )


def _retained(r: ResourceView) -> Iterator[Problem]:
    yield from retention_problems(r)


#: Which property of a policy resource names the bucket it is attached to.
_POLICY_TARGETS = {"AWS::S3::BucketPolicy": "Bucket"}


def _policy_variants(r: ResourceView) -> list[PolicyVariant]:
    """Every ``Fn::If`` variant of the bucket policies attached to this bucket."""
    return policy_variants(r, r.app.bucket_policies.get(r.key, ()), _POLICY_TARGETS)


def _bucket_resource_forms(r: ResourceView) -> tuple[set[str], set[str]]:
    """The strings a policy ``Resource`` may use for this bucket and for its objects."""
    lid = r.logical_id
    buckets = {f"${{{lid}.Arn}}", f"arn:${{AWS::Partition}}:s3:::${{{lid}}}"}
    buckets.add(f"arn:aws:s3:::${{{lid}}}")
    name = r.props.get("BucketName")
    if isinstance(name, str):
        buckets |= {f"arn:aws:s3:::{name}", f"arn:${{AWS::Partition}}:s3:::{name}"}
    return buckets, {b + "/*" for b in buckets}


def _deny_statement(
    r: ResourceView, matches_condition: Callable[[ResourceView, Mapping[str, Any]], bool]
) -> Callable[[Mapping[str, Any]], bool]:
    bucket_forms, object_forms = _bucket_resource_forms(r)

    def matches(statement: Mapping[str, Any]) -> bool:
        if effect(statement, r, "PolicyDocument.Statement") != "Deny":
            return False
        if not principal_is_everyone(statement, r, "PolicyDocument.Statement"):
            return False
        if not {"*", "s3:*"} & set(actions(statement, r, "PolicyDocument.Statement")):
            return False
        resources = [flatten(x) for x in as_list(statement.get("Resource"))]
        if not (covers(resources, bucket_forms) and covers(resources, object_forms)):
            return False
        return matches_condition(r, statement)

    return matches


def _conditions_text(choice: Mapping[str, bool]) -> str:
    return ", ".join(f"{name} is {str(value).lower()}" for name, value in choice.items())


def _secure_transport_false(r: ResourceView, statement: Mapping[str, Any]) -> bool:
    values = condition_values(r, statement, "Bool", "aws:SecureTransport")
    return any(str(v).lower() == "false" for v in values)


def _tls_below_1_2(r: ResourceView, statement: Mapping[str, Any]) -> bool:
    for value in condition_values(r, statement, "NumericLessThan", "s3:TlsVersion"):
        try:
            if float(value) >= 1.2:
                return True
        except (TypeError, ValueError):
            continue
    return False


def _tls_only(r: ResourceView) -> Iterator[Problem]:
    yield from required_denial(
        _policy_variants(r),
        _deny_statement(r, _secure_transport_false),
        "requests over plain HTTP (aws:SecureTransport=false) to the bucket and its objects "
        "are not denied",
        "bucket policy",
    )


def _tls_version(r: ResourceView) -> Iterator[Problem]:
    yield from required_denial(
        _policy_variants(r),
        _deny_statement(r, _tls_below_1_2),
        "requests with TLS below 1.2 (NumericLessThan s3:TlsVersion 1.2) to the bucket and "
        "its objects are not denied",
        "bucket policy",
    )


def _block_public_access(r: ResourceView) -> Iterator[Problem]:
    config = r.props.get("PublicAccessBlockConfiguration")
    if not isinstance(config, Mapping):
        yield Problem(
            "PublicAccessBlockConfiguration is not set; all four Block Public Access flags "
            "must be true. S3 turns them on for buckets created since April 2023, but a "
            "template without them does not keep them on: an older bucket keeps whatever it "
            "has, and removing the setting later is an update nobody notices",
            "Properties.PublicAccessBlockConfiguration",
        )
        return
    off = [
        flag
        for flag in _BPA_FLAGS
        if not r.bool(config.get(flag, False), f"PublicAccessBlockConfiguration.{flag}")
    ]
    if off:
        yield Problem(
            f"Block Public Access flags not true: {', '.join(off)}",
            "Properties.PublicAccessBlockConfiguration",
        )


def _no_public_acl(r: ResourceView) -> Iterator[Problem]:
    acl = r.props.get("AccessControl")
    if acl is not None and r.literal(acl, "AccessControl") in _PUBLIC_ACLS:
        yield Problem(
            f"AccessControl is {acl!r}, a canned ACL that grants access to everyone",
            "Properties.AccessControl",
        )


def _public_statements(r: ResourceView, lid: str, stmts: list[Mapping[str, Any]]) -> set[str]:
    return {
        f"bucket policy {what} allows {statement.get('Action')!r} to every principal "
        "without a restricting condition"
        for what, statement in open_allows(r, stmts, f"{lid}.PolicyDocument")
    }


def _unattached_policy(r: ResourceView) -> Iterator[Problem]:
    """A bucket policy judged on its own when it names no bucket of the app.

    A policy for a bucket of the app is judged from that bucket (with its other
    policies). One whose ``Bucket`` is a parameter, an import or a literal name from
    outside the app may make *any* bucket public: it must not go unread.
    """
    bucket = r.props.get("Bucket")
    if any(ref.type == "AWS::S3::Bucket" for ref in r.app.resources_mentioned(bucket, r.template)):
        return
    stmts = statements(r.props.get("PolicyDocument"))
    for message in sorted(_public_statements(r, r.logical_id, stmts)):
        yield Problem(
            f"{message}, and its Bucket ({describe_intrinsic(bucket)}) is no bucket of the app",
            "Properties.PolicyDocument",
        )


def _no_public_policy(r: ResourceView) -> Iterator[Problem]:
    """A public Allow in every variant of a policy is a problem; in only some, unverifiable."""
    if r.type == "AWS::S3::BucketPolicy":
        yield from _unattached_policy(r)
        return
    by_policy: dict[str, list[tuple[dict[str, bool], set[str]]]] = {}
    for lid, choice, stmts in _policy_variants(r):
        public = _public_statements(r, lid, stmts)
        by_policy.setdefault(lid, []).append((choice, public))
    unverifiable: CannotVerify | None = None
    for found in by_policy.values():
        everywhere = set.intersection(*(public for _, public in found))
        for message in sorted(everywhere):
            yield Problem(message, "BucketPolicy")
        for choice, public in found:
            if unverifiable is None and public - everywhere:
                message = sorted(public - everywhere)[0]
                unverifiable = CannotVerify(
                    f"{message} when {_conditions_text(choice)}", "BucketPolicy"
                )
    if unverifiable is not None:
        raise unverifiable


def _acls_disabled(r: ResourceView) -> Iterator[Problem]:
    """Object ownership, where set, is BucketOwnerEnforced (ACLs off).

    Absent is compliant: S3 creates buckets with BucketOwnerEnforced by default (since
    April 2023), so the template then asks for nothing else.
    """
    controls = r.props.get("OwnershipControls")
    if controls is None:
        if declared(r, "ownership") == "BucketOwnerEnforced":
            yield Problem(
                "OwnershipControls is not set although the construct set BucketOwnerEnforced: "
                "removing the setting from an existing bucket turns its ACLs back on",
                "Properties.OwnershipControls",
            )
        return
    rules = r.literal(controls, "OwnershipControls")
    raw = rules.get("Rules") if isinstance(rules, Mapping) else None
    for i, rule in enumerate(as_list(r.literal(raw, "OwnershipControls.Rules"))):
        what = f"OwnershipControls.Rules[{i}].ObjectOwnership"
        value = r.literal(rule.get("ObjectOwnership") if isinstance(rule, Mapping) else rule, what)
        if value != "BucketOwnerEnforced":
            yield Problem(
                f"{what} is {value!r}, so object ACLs stay in force and can grant access that "
                "no bucket policy shows; use BucketOwnerEnforced",
                f"Properties.{what}",
            )


def _enabled_lifecycle_rules(r: ResourceView) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """``(path, rule)`` of each lifecycle rule that is (or may be) enabled."""
    rules = r.literal(dig(r.props, "LifecycleConfiguration", "Rules"), "LifecycleConfiguration")
    for i, rule in enumerate(as_list(rules)):
        what = f"LifecycleConfiguration.Rules[{i}]"
        if not isinstance(rule, Mapping):
            raise CannotVerify(f"{what} is not a lifecycle rule", f"Properties.{what}")
        if r.literal(rule.get("Status"), f"{what}.Status") != "Disabled":
            yield what, rule


def _scope(rule: Mapping[str, Any]) -> str:
    """How much of the bucket a lifecycle rule covers, for messages."""
    if rule.get("Prefix") or rule.get("TagFilters") or rule.get("ObjectSizeGreaterThan"):
        return " (for the objects its filter selects)"
    return ""


def _noncurrent_kept(r: ResourceView) -> Iterator[Problem]:
    least = r.settings.noncurrent_version_expiration_days
    for what, rule in _enabled_lifecycle_rules(r):
        for key, value in (
            (
                "NoncurrentVersionExpiration.NoncurrentDays",
                dig(rule, "NoncurrentVersionExpiration", "NoncurrentDays"),
            ),
            ("NoncurrentVersionExpirationInDays", rule.get("NoncurrentVersionExpirationInDays")),
        ):
            if value is None:
                continue
            days = r.int(value, f"{what}.{key}")
            if days < least:
                yield Problem(
                    f"{what}.{key} is {days}: an overwritten or deleted object is gone for good "
                    f"after {days} day(s){_scope(rule)}; keep old versions at least {least} days",
                    f"Properties.{what}.{key}",
                )


def _audit_logs_kept(r: ResourceView) -> Iterator[Problem]:
    source = r.app.audit_log_stores.get(r.key)
    if source is None:
        return
    least = r.settings.audit_log_retention_days
    for what, rule in _enabled_lifecycle_rules(r):
        value = rule.get("ExpirationInDays")
        if value is not None and (days := r.int(value, f"{what}.ExpirationInDays")) < least:
            yield Problem(
                f"{what}.ExpirationInDays is {days}: the bucket receives {source}, audit logs "
                f"that must stay at least {least} days{_scope(rule)}",
                f"Properties.{what}.ExpirationInDays",
            )
        if rule.get("ExpirationDate") is not None:
            yield Problem(
                f"{what}.ExpirationDate deletes the {source} on a fixed date; expire audit "
                f"logs by age (at least {least} days) instead",
                f"Properties.{what}.ExpirationDate",
            )


def _access_logging(r: ResourceView) -> Iterator[Problem]:
    if r.key in r.app.log_targets:
        return
    destination = dig(r.props, "LoggingConfiguration", "DestinationBucketName")
    if destination is None and "LoggingConfiguration" in r.props:
        yield Problem(
            "LoggingConfiguration has no DestinationBucketName, so the bucket writes its "
            "access logs into itself, which makes a log loop; use a separate log bucket",
            "Properties.LoggingConfiguration",
        )
        return
    if destination is None:
        yield Problem(
            "LoggingConfiguration is not set, so requests to the bucket leave no access log",
            "Properties.LoggingConfiguration",
        )
        return
    target = r.follow(destination, "LoggingConfiguration.DestinationBucketName")
    if isinstance(target, ResourceRef) and target.key == r.key:
        yield Problem(
            "the bucket writes its access logs into itself, which makes a log loop; use a "
            "separate log bucket",
            "Properties.LoggingConfiguration",
        )


RULES = (
    Rule(
        id="SC-S3-1",
        title="S3 buckets encrypt with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=BUCKET,
        rationale="With SSE-KMS and a key you manage, reading an object needs kms:Decrypt on "
        "your key, so key policy and CloudTrail control and record every read. Buckets that "
        "receive server access logs or load balancer logs may use SSE-S3 because log delivery "
        "cannot use (ALB) or is fragile with (S3) KMS keys.",
        fix="Use SecureBucket, or set BucketEncryption to aws:kms (or aws:kms:dsse) with "
        "KMSMasterKeyID pointing at a customer-managed key (bucket key enabled).",
        check=_encryption,
        fsbp=("S3.17",),
        nist_800_53=("SC-13", "SC-28"),
        cdk_nag=("NIST.800.53.R5-S3DefaultEncryptionKMS",),
        checkov=("CKV_AWS_19",),
    ),
    Rule(
        id="SC-S3-2",
        title="S3 buckets keep object versions",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=BUCKET,
        rationale="Versioning lets you recover from overwrites, deletions and ransomware. "
        "Log buckets too: an intruder who deletes the access logs that show the intrusion "
        "leaves recoverable versions behind.",
        fix="Set VersioningConfiguration.Status to Enabled (versioned=True), log buckets "
        "included; expire old versions with a lifecycle rule (SC-S3-11).",
        check=_versioning,
        fsbp=("S3.14",),
        nist_800_53=("CP-10", "SI-12"),
        cdk_nag=("NIST.800.53.R5-S3BucketVersioningEnabled",),
        checkov=("CKV_AWS_21",),
    ),
    Rule(
        id="SC-S3-3",
        title="S3 buckets are retained when removed from the stack",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=BUCKET,
        rationale="A DeletionPolicy of Delete lets a refactoring or a stack deletion destroy "
        "data; destroying data must be asked for explicitly.",
        fix="Use removal_policy=RemovalPolicy.RETAIN (the default of SecureBucket), or "
        "acknowledge the rule for a scratch bucket with a reason.",
        check=_retained,
    ),
    Rule(
        id="SC-S3-4",
        title="S3 bucket policies deny requests without TLS",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=BUCKET,
        rationale="Only a Deny on aws:SecureTransport=false for the bucket and its objects "
        "guarantees no client reads or writes over plain HTTP.",
        fix="Set enforce_ssl=True, or add a Deny statement for Principal '*', Action 's3:*', "
        "Resource [bucket ARN, bucket ARN/*], Condition Bool aws:SecureTransport false.",
        check=_tls_only,
        fsbp=("S3.5",),
        nist_800_53=("SC-8", "SC-23"),
        cdk_nag=("AwsSolutions-S10", "NIST.800.53.R5-S3BucketSSLRequestsOnly"),
    ),
    Rule(
        id="SC-S3-5",
        title="S3 bucket policies deny TLS versions below 1.2",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=BUCKET,
        rationale="TLS 1.0 and 1.1 have known weaknesses; S3 still accepts them unless the "
        "bucket policy denies them.",
        fix="Set minimum_tls_version=1.2 with enforce_ssl=True, or add a Deny statement with "
        "Condition NumericLessThan s3:TlsVersion 1.2.",
        check=_tls_version,
        nist_800_53=("SC-8",),
    ),
    Rule(
        id="SC-S3-6",
        title="S3 buckets block all public access",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=BUCKET,
        rationale="Block Public Access is the backstop that keeps a mistaken ACL or policy "
        "from exposing data.",
        fix="Set block_public_access=BlockPublicAccess.BLOCK_ALL (all four flags true).",
        check=_block_public_access,
        fsbp=("S3.8",),
        nist_800_53=("AC-3", "AC-21"),
        cdk_nag=("AwsSolutions-S2", "NIST.800.53.R5-S3BucketLevelPublicAccessProhibited"),
        checkov=("CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"),
    ),
    Rule(
        id="SC-S3-7",
        title="S3 buckets have no public canned ACL",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=BUCKET,
        rationale="PublicRead, PublicReadWrite and AuthenticatedRead grant every (AWS) user "
        "access to the bucket.",
        fix="Remove AccessControl and enforce object ownership (ObjectOwnership "
        "BucketOwnerEnforced disables ACLs).",
        check=_no_public_acl,
        fsbp=("S3.2", "S3.3", "S3.12"),
        nist_800_53=("AC-3",),
        cdk_nag=(
            "NIST.800.53.R5-S3BucketPublicReadProhibited",
            "NIST.800.53.R5-S3BucketPublicWriteProhibited",
        ),
        checkov=("CKV_AWS_20", "CKV_AWS_57"),
    ),
    Rule(
        id="SC-S3-8",
        title="S3 bucket policies do not allow everyone",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(*BUCKET, "AWS::S3::BucketPolicy"),
        rationale="An Allow to Principal '*' without a condition on the caller's account, "
        "organization, VPC or source makes the bucket public.",
        fix="Name the principals, or restrict with aws:PrincipalOrgID, aws:SourceAccount, "
        "aws:SourceArn, aws:SourceVpce or a similar condition.",
        check=_no_public_policy,
        fsbp=("S3.6",),
        nist_800_53=("AC-3", "AC-6"),
    ),
    Rule(
        id="SC-S3-9",
        title="S3 buckets write server access logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=BUCKET,
        rationale="Access logs show who read or changed what, which an investigation needs. "
        "Buckets that receive logs are exempt (logging them would loop).",
        fix="Use SecureBucket (it creates a hardened log bucket), or set "
        "server_access_logs_bucket to a separate log bucket.",
        check=_access_logging,
        fsbp=("S3.9",),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-S1", "NIST.800.53.R5-S3BucketLoggingEnabled"),
        checkov=("CKV_AWS_18",),
    ),
    Rule(
        id="SC-S3-10",
        title="S3 buckets keep ACLs disabled (BucketOwnerEnforced)",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=BUCKET,
        rationale="With ObjectWriter or BucketOwnerPreferred, ACLs on objects and the bucket "
        "still grant access, beside the bucket policy and invisible to it; "
        "BucketOwnerEnforced turns every ACL off. S3's default for new buckets, so an "
        "absent setting passes.",
        fix="Set object_ownership=ObjectOwnership.BUCKET_OWNER_ENFORCED (or leave "
        "OwnershipControls out); deliver access logs through a bucket policy (feature flag "
        "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy), not the log-delivery ACL.",
        check=_acls_disabled,
        fsbp=("S3.12",),
        nist_800_53=("AC-3",),
    ),
    Rule(
        id="SC-S3-11",
        title="S3 buckets keep noncurrent object versions long enough to recover them",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=BUCKET,
        rationale="Versioning only helps while old versions exist: a lifecycle rule that "
        "expires noncurrent versions after a day or two undoes it, and an overwrite or a "
        "ransomware deletion noticed next week cannot be rolled back "
        "(Thresholds.noncurrent_version_expiration_days, default 30).",
        fix="Set noncurrent_version_expiration=Duration.days(30) or more on the lifecycle rule "
        "(SecureBucket keeps them 365 days), or leave it out to keep old versions.",
        check=_noncurrent_kept,
        nist_800_53=("CP-9", "SI-12"),
    ),
    Rule(
        id="SC-S3-12",
        title="Buckets that receive audit logs keep them at least a year",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=BUCKET,
        rationale="Access logs of load balancers, distributions and buckets, flow logs, WAF "
        "logs and trails are the record of an attack; a lifecycle rule that expires them "
        "sooner than investigations and audits look back loses it "
        "(Thresholds.audit_log_retention_days, default 365).",
        fix="Set the log bucket's lifecycle expiration to Duration.days(365) or more "
        "(SecureBucket's and SecureAlbService's access_log_retention default).",
        check=_audit_logs_kept,
        nist_800_53=("AU-11",),
    ),
)
