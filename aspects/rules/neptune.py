"""Amazon Neptune guardrails: encryption, IAM authentication, audit logs, backups, protection.

The rules read ``AWS::Neptune::DBCluster`` (``neptune.CfnDBCluster``; the
``aws_neptune_alpha.DatabaseCluster`` L2 synthesizes the same). Like DocumentDB, an audit log
export records nothing unless the cluster parameter group sets
``neptune_enable_audit_log`` to 1 (the default groups leave it 0), so SC-NEPTUNE-3 reads
both. Neptune requires TLS on every connection, so there is no in-transit rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules.docdb import (
    backup_retention_problems,
    deletion_protection_problems,
    exported_logs,
    group_parameter_problems,
    map_parameter,
    shown,
    storage_encryption_problems,
)

CLUSTER = ("AWS::Neptune::DBCluster",)
PARAMETER_GROUP = "AWS::Neptune::DBClusterParameterGroup"
_AUDIT_ON = frozenset({"1", "true"})


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    yield from storage_encryption_problems(r, ("SnapshotIdentifier", "SourceDBClusterIdentifier"))


def _iam_auth(r: ResourceView) -> Iterator[Problem]:
    value = r.props.get("IamAuthEnabled")
    if value is None or not r.bool(value, "IamAuthEnabled"):
        yield Problem(
            f"IamAuthEnabled is {shown(value)}"
            + (" (it defaults to false)" if value is None else "")
            + ": Neptune then has no "
            "authentication at all, so anything that reaches port 8182 can read and change "
            "the whole graph",
            "Properties.IamAuthEnabled",
        )


def _audited(r: ResourceView) -> Iterator[Problem]:
    if "audit" not in exported_logs(r):
        yield Problem(
            "EnableCloudwatchLogsExports does not include 'audit', so the queries sent to "
            "the cluster and who sent them are not kept in CloudWatch Logs",
            "Properties.EnableCloudwatchLogsExports",
        )
        return

    def judge(value: Any, group: str) -> str | None:
        setting = "0" if value is None else str(value).strip().lower()
        if setting in _AUDIT_ON:
            return None
        return (
            f"{group} leaves neptune_enable_audit_log {setting!r}: the exported audit log "
            "stays empty; set it to 1 in a custom cluster parameter group"
        )

    yield from group_parameter_problems(
        r,
        "DBClusterParameterGroupName",
        PARAMETER_GROUP,
        map_parameter("neptune_enable_audit_log"),
        judge,
        lambda _name: "0",
    )


def _backups(r: ResourceView) -> Iterator[Problem]:
    yield from backup_retention_problems(r)


def _deletion_protected(r: ResourceView) -> Iterator[Problem]:
    yield from deletion_protection_problems(r)


RULES = (
    Rule(
        id="SC-NEPTUNE-1",
        title="Neptune clusters are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="A Neptune cluster created from CloudFormation is unencrypted unless "
        "StorageEncrypted is set at creation (it cannot be changed later); without "
        "KmsKeyId the key is the AWS managed aws/rds key, whose policy you cannot restrict.",
        fix="Set storage_encrypted=True and kms_key_id=<a kms.Key>.key_arn on "
        "neptune.CfnDBCluster (kms_key on the neptune-alpha DatabaseCluster).",
        check=_encrypted,
        fsbp=("Neptune.1",),
        nist_800_53=("SC-28", "SC-12"),
        cdk_nag=("AwsSolutions-N4",),
        checkov=("CKV_AWS_44",),
    ),
    Rule(
        id="SC-NEPTUNE-2",
        title="Neptune clusters require IAM database authentication",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="Neptune has no database users or passwords: without IAM database "
        "authentication every request that reaches the endpoint is served, so the security "
        "group is the only control. With it, each request is signed (SigV4) and IAM "
        "policies decide who may read or write.",
        fix="Set iam_auth_enabled=True on neptune.CfnDBCluster (iam_authentication=True on "
        "the neptune-alpha DatabaseCluster) and grant neptune-db:* actions to the callers.",
        check=_iam_auth,
        fsbp=("Neptune.7",),
        nist_800_53=("IA-2", "AC-3"),
        cdk_nag=("AwsSolutions-N5",),
    ),
    Rule(
        id="SC-NEPTUNE-3",
        title="Neptune clusters record audit logs in CloudWatch Logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="The audit log records every query and who sent it: what an "
        "investigation needs. It takes both the 'audit' log export and "
        "neptune_enable_audit_log=1 in the cluster parameter group; either alone records "
        "nothing in CloudWatch Logs.",
        fix="Set enable_cloudwatch_logs_exports=['audit'] on neptune.CfnDBCluster and "
        "db_cluster_parameter_group_name to a neptune.CfnDBClusterParameterGroup with "
        "parameters={'neptune_enable_audit_log': 1}.",
        check=_audited,
        fsbp=("Neptune.2",),
        nist_800_53=("AU-2", "AU-12"),
        checkov=("CKV_AWS_101",),
    ),
    Rule(
        id="SC-NEPTUNE-4",
        title="Neptune clusters keep automated backups long enough",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="Neptune keeps automated backups 1 day unless told otherwise; the minimum "
        "is Thresholds.backup_retention_days (7).",
        fix="Set backup_retention_period=7 (or more) on neptune.CfnDBCluster "
        "(backup_retention=Duration.days(7) on the neptune-alpha DatabaseCluster).",
        check=_backups,
        fsbp=("Neptune.5",),
        nist_800_53=("CP-9", "CP-10"),
        cdk_nag=("AwsSolutions-N3",),
        checkov=("CKV_AWS_361",),
    ),
    Rule(
        id="SC-NEPTUNE-5",
        title="Neptune clusters have deletion protection",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="Without deletion protection one API call or stack change deletes the "
        "cluster and its automated backups.",
        fix="Set deletion_protection=True on neptune.CfnDBCluster (or the neptune-alpha "
        "DatabaseCluster).",
        check=_deletion_protected,
        fsbp=("Neptune.4",),
        nist_800_53=("CP-9", "SI-12"),
    ),
)
