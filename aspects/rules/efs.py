"""Amazon EFS guardrails: a customer-managed key, backups, retention, TLS-only, not public.

What EFS does when a property is absent (CloudFormation, not the console):

* ``Encrypted`` defaults to false; ``Encrypted: true`` without ``KmsKeyId`` uses the AWS
  managed key ``aws/elasticfilesystem``. Encryption cannot be added later.
* ``BackupPolicy`` defaults to ``DISABLED`` (the console turns backups on, the API and
  CloudFormation do not; CDK's ``enable_automatic_backups`` defaults to false).
* Without ``FileSystemPolicy`` the *default file system policy* applies: every client that
  reaches a mount target gets full access, with or without TLS. Only a policy statement that
  denies ``aws:SecureTransport = false`` makes TLS mandatory; CDK adds no such statement by
  itself (``allow_anonymous_access=False`` / ``@aws-cdk/aws-efs:denyAnonymousAccess`` adds
  an *Allow* of ClientWrite/ClientRootAccess to ``*`` via mount targets, nothing about TLS).
* A policy statement that allows ``*`` is public unless a condition narrows it; besides the
  usual keys (:data:`~aspects.rules._common.RESTRICTING_CONDITION_KEYS`) EFS itself counts
  ``Bool elasticfilesystem:AccessedViaMountTarget = true`` as non-public (EFS "Blocking
  public access"), which is the statement CDK writes to deny anonymous access.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import AppIndex, ResourceKey, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import app_cache, setting
from aspects.rules._common import (
    Deferred,
    action_covers,
    actions,
    condition_values,
    denies_plain_http,
    flatten,
    kms_key_problems,
    open_allows,
    retention_problems,
    statements,
)
from aspects.values import as_list, intrinsic_name, properties, variants

FILE_SYSTEM = ("AWS::EFS::FileSystem",)

#: The client actions a TLS denial must cover: mounting (read), writing and root access.
CLIENT_ACTIONS = (
    "elasticfilesystem:ClientMount",
    "elasticfilesystem:ClientWrite",
    "elasticfilesystem:ClientRootAccess",
)
#: A policy ``Resource`` or backup selection entry that names every EFS file system.
_EVERY_FILE_SYSTEM = re.compile(r"^(\*|arn:[^:]*:elasticfilesystem:[^:]*:[^:]*:file-system/\*)$")


def _shown(value: Any) -> str:
    """A property value as the template spells it (``false``, not ``False``)."""
    if value is None:
        return "not set"
    return str(value).lower() if isinstance(value, bool) else repr(value)


# -- SC-EFS-1 customer-managed key -------------------------------------------------------------


def _destinations(r: ResourceView) -> list[Any]:
    raw = setting(r, "ReplicationConfiguration.Destinations")
    if intrinsic_name(raw) is not None:
        r.literal(raw, "ReplicationConfiguration.Destinations")  # raises CannotVerify
    return as_list(raw)


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    encrypted = r.props.get("Encrypted")
    if encrypted is None or not r.bool(encrypted, "Encrypted"):
        yield Problem(
            f"Encrypted is {_shown(encrypted)}"
            + (" (EFS defaults to false)" if encrypted is None else "")
            + ": the files and their metadata are stored unencrypted, and encryption cannot "
            "be turned on later",
            "Properties.Encrypted",
        )
    else:
        key = r.props.get("KmsKeyId")
        if key is None:
            yield Problem(
                "Encrypted is true but KmsKeyId is not set, so EFS uses the AWS managed key "
                "aws/elasticfilesystem, whose key policy you cannot restrict; name a "
                "customer-managed key",
                "Properties.KmsKeyId",
            )
        else:
            yield from kms_key_problems(r, key, "KmsKeyId")
    deferred = Deferred()
    for i, destination in enumerate(_destinations(r)):
        what = f"ReplicationConfiguration.Destinations[{i}]"
        with deferred:
            if intrinsic_name(destination) is not None or not isinstance(destination, Mapping):
                r.literal(destination, what)
                continue
            if destination.get("FileSystemId") is not None:
                continue  # an existing file system: its own encryption is judged where it is
            key = destination.get("KmsKeyId")
            if key is None:
                yield Problem(
                    f"{what}.KmsKeyId is not set, so the replica EFS creates is encrypted "
                    "with the AWS managed key aws/elasticfilesystem of its region",
                    f"Properties.{what}.KmsKeyId",
                )
            else:
                yield from kms_key_problems(r, key, f"{what}.KmsKeyId")
    deferred.raise_first()


# -- SC-EFS-2 backups --------------------------------------------------------------------------


def _backup_selections(app: AppIndex) -> dict[ResourceKey, str]:
    """File systems an ``AWS::Backup::BackupSelection`` selects in every case -> which one.

    A selection counts when every ``Fn::If`` variant of its ``BackupSelection.Resources``
    refers to the file system (the ARN CDK's ``BackupResource.from_efs_file_system`` builds
    around a ``Ref``), or selects every file system (``*``,
    ``arn:...:elasticfilesystem:*:*:file-system/*``) with no tag, condition or exclusion that
    narrows it (then it covers the file systems of its own template). Fails closed: a
    selection with a ``Condition``, or one that selects by tags only, does not count.
    """
    out: dict[ResourceKey, str] = {}
    for template in app.templates:
        every: str | None = None
        for logical_id in template.by_type.get("AWS::Backup::BackupSelection", ()):
            resource = template.resources[logical_id]
            if "Condition" in resource:
                continue
            try:
                expanded = [variant for _choice, variant in variants(resource)]
            except CannotVerify:
                continue
            sure: set[ResourceKey] | None = None
            selects_all = True
            for variant in expanded:
                selection = properties(variant).get("BackupSelection")
                selection = selection if isinstance(selection, Mapping) else {}
                found = {
                    ref.key
                    for item in as_list(selection.get("Resources"))
                    for ref in app.resources_mentioned(item, template)
                    if ref.type == "AWS::EFS::FileSystem"
                }
                sure = found if sure is None else sure & found
                narrowed = any(
                    selection.get(k) for k in ("ListOfTags", "Conditions", "NotResources")
                )
                selects_all = (
                    selects_all
                    and not narrowed
                    and any(
                        isinstance(item, str) and _EVERY_FILE_SYSTEM.match(item)
                        for item in as_list(selection.get("Resources"))
                    )
                )
            for key in sure or set():
                out.setdefault(key, f"the backup selection {logical_id}")
            if selects_all and expanded and every is None:
                every = f"the backup selection {logical_id}, which selects every file system"
        if every is not None:
            for logical_id in template.by_type.get("AWS::EFS::FileSystem", ()):
                out.setdefault((template.path, logical_id), every)
    return out


def _backups(r: ResourceView) -> Iterator[Problem]:
    if r.key in app_cache(r.app, "efs_backup_selections", _backup_selections):
        return
    status = setting(r, "BackupPolicy.Status")
    if status is not None and str(r.literal(status, "BackupPolicy.Status")).upper() == "ENABLED":
        return
    shown = "not set (EFS defaults to DISABLED)" if status is None else _shown(status)
    yield Problem(
        f"BackupPolicy.Status is {shown} and no AWS Backup selection of the app names the "
        "file system, so a deleted or overwritten file cannot be restored",
        "Properties.BackupPolicy.Status",
    )


# -- SC-EFS-3 retained -------------------------------------------------------------------------


def _retained(r: ResourceView) -> Iterator[Problem]:
    yield from retention_problems(r)


# -- SC-EFS-4 TLS only -------------------------------------------------------------------------


def _names_this_file_system(r: ResourceView, statement: Mapping[str, Any]) -> bool:
    """Whether a statement's ``Resource`` (absent = the file system) covers this one."""
    if "Resource" not in statement:
        return True
    for item in as_list(statement.get("Resource")):
        text = flatten(item)
        own = (f"${{{r.logical_id}}}", f"${{{r.logical_id}.")
        if _EVERY_FILE_SYSTEM.match(text) or any(form in text for form in own):
            return True
    return False


def _denies_plain_nfs(r: ResourceView, statement: Mapping[str, Any]) -> bool:
    if not denies_plain_http(r, statement):
        return False
    granted = actions(statement, r, "FileSystemPolicy.Statement")
    if not all(action_covers(granted, action) for action in CLIENT_ACTIONS):
        return False
    return _names_this_file_system(r, statement)


def _tls_only(r: ResourceView) -> Iterator[Problem]:
    document = r.props.get("FileSystemPolicy")
    missing = (
        "a statement Effect Deny, Principal '*', Action '*' (or every client action), "
        "Condition Bool aws:SecureTransport false"
    )
    if document is None:
        yield Problem(
            "FileSystemPolicy is not set: EFS's default policy lets every client that "
            f"reaches a mount target connect without TLS; add {missing}",
            "Properties.FileSystemPolicy",
        )
        return
    unknown: CannotVerify | None = None
    for statement in statements(document):
        try:
            if _denies_plain_nfs(r, statement):
                return
        except CannotVerify as exc:  # another statement may still deny: decide after all
            unknown = unknown or exc
    if unknown is not None:
        raise unknown
    yield Problem(
        "FileSystemPolicy does not deny connections without TLS for ClientMount, ClientWrite "
        f"and ClientRootAccess, so a client that mounts without TLS reads in plaintext; add "
        f"{missing}",
        "Properties.FileSystemPolicy",
    )


# -- SC-EFS-5 not public -----------------------------------------------------------------------


def _via_mount_target_only(r: ResourceView, statement: Mapping[str, Any]) -> bool:
    """``Bool elasticfilesystem:AccessedViaMountTarget = true``: EFS's own non-public mark."""
    values = condition_values(r, statement, "Bool", "elasticfilesystem:AccessedViaMountTarget")
    return any(str(v).lower() == "true" for v in values)


def _not_public(r: ResourceView) -> Iterator[Problem]:
    document = r.props.get("FileSystemPolicy")
    deferred = Deferred()
    for what, statement in open_allows(r, statements(document), "FileSystemPolicy"):
        with deferred:
            if _via_mount_target_only(r, statement):
                continue
            yield Problem(
                f"{what} allows {statement.get('Action')!r} to every principal without a "
                "restricting condition (an account, organization, VPC, source IP or "
                "elasticfilesystem:AccessedViaMountTarget)",
                f"Properties.{what}",
            )
    deferred.raise_first()


_TLS_FIX = (
    "Add to the FileSystem: file_system.add_to_resource_policy(iam.PolicyStatement("
    "effect=iam.Effect.DENY, principals=[iam.AnyPrincipal()], actions=['*'], conditions="
    "{'Bool': {'aws:SecureTransport': 'false'}})) (or pass it in file_system_policy), and "
    "mount with the EFS mount helper's -o tls."
)

RULES = (
    Rule(
        id="SC-EFS-1",
        title="EFS file systems are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=FILE_SYSTEM,
        rationale="Encryption at rest can only be chosen when the file system is created. "
        "With a key you manage, reading the data also needs your key policy's consent and "
        "leaves a CloudTrail record; the AWS managed key aws/elasticfilesystem lets anyone "
        "with EFS permissions in the account use it. Replicas EFS creates are covered too.",
        fix="Pass kms_key=<a kms.Key> to efs.FileSystem (encrypted stays True); give "
        "ReplicationConfiguration destinations a kms_key as well.",
        check=_encrypted,
        fsbp=("EFS.1",),
        nist_800_53=("SC-28", "SC-13"),
        cdk_nag=("AwsSolutions-EFS1", "NIST.800.53.R5-EFSEncrypted"),
        checkov=("CKV_AWS_42",),
    ),
    Rule(
        id="SC-EFS-2",
        title="EFS file systems are backed up",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=FILE_SYSTEM,
        rationale="A file system is often the only copy of what an application writes: "
        "without backups, a deleted directory or ransomware is final. EFS turns automatic "
        "backups on only from the console; CloudFormation and CDK leave them off. A backup "
        "plan of the app that selects the file system (by ARN, or every file system) "
        "counts too; a plan outside the app or one selecting by tags cannot be seen here, "
        "so acknowledge the finding with that reason.",
        fix="Set enable_automatic_backups=True on efs.FileSystem (BackupPolicy ENABLED), or "
        "add it to a backup.BackupPlan with BackupResource.from_efs_file_system(fs).",
        check=_backups,
        fsbp=("EFS.2",),
        nist_800_53=("CP-9", "CP-10"),
        cdk_nag=("NIST.800.53.R5-EFSInBackupPlan",),
    ),
    Rule(
        id="SC-EFS-3",
        title="EFS file systems are retained when removed from the stack",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=FILE_SYSTEM,
        rationale="Removing the resource, renaming it or a replacing update must not delete "
        "the files with it. efs.FileSystem retains by default; removal_policy=DESTROY, a raw "
        "CfnFileSystem or an escape hatch does not.",
        fix="Keep removal_policy=RemovalPolicy.RETAIN on efs.FileSystem (DeletionPolicy and "
        "UpdateReplacePolicy Retain).",
        check=_retained,
        nist_800_53=("CP-9",),
    ),
    Rule(
        id="SC-EFS-4",
        title="EFS file systems deny access without TLS",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=FILE_SYSTEM,
        rationale="NFS traffic is plaintext unless the client mounts with TLS, and EFS "
        "accepts either: only a file system policy that denies aws:SecureTransport=false "
        "for mounting, writing and root access makes encryption in transit mandatory. "
        "CDK's efs.FileSystem adds no such statement (allow_anonymous_access=False and the "
        "@aws-cdk/aws-efs:denyAnonymousAccess flag deal with IAM, not TLS).",
        fix=_TLS_FIX,
        check=_tls_only,
        nist_800_53=("SC-8", "SC-8(1)"),
    ),
    Rule(
        id="SC-EFS-5",
        title="EFS file system policies are not open to everyone",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=FILE_SYSTEM,
        rationale="A statement that allows '*' without a condition on the caller makes the "
        "file system public in EFS's own sense: any principal, from any account, that can "
        "reach a mount target gets the actions it lists. EFS counts a condition on an "
        "account, organization, VPC, source IP or elasticfilesystem:AccessedViaMountTarget "
        "= true as narrowing it (that last is the statement CDK writes for "
        "allow_anonymous_access=False).",
        fix="Grant access with file_system.grant_read/grant_read_write/grant_root_access to "
        "roles, or add a condition (aws:PrincipalOrgID, aws:SourceVpc, Bool "
        "elasticfilesystem:AccessedViaMountTarget true) to statements that allow "
        "AnyPrincipal.",
        check=_not_public,
        nist_800_53=("AC-3", "AC-6"),
    ),
)
