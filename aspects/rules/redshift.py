"""Amazon Redshift guardrails: encryption, exposure, TLS, audit logs, routing, snapshots.

Provisioned clusters (``AWS::Redshift::Cluster``) and Redshift Serverless (namespaces hold
the data and the logs, ``AWS::RedshiftServerless::Namespace``; workgroups the network and
the connection settings, ``AWS::RedshiftServerless::Workgroup``) are judged, each on the
resource that owns the setting. aws-cdk-lib has only the L1s (``redshift.CfnCluster``,
``redshiftserverless.CfnNamespace`` / ``CfnWorkgroup``); the fixes name their properties.

AWS defaults changed for resources created since January 2025, and the rules follow them:
a cluster or workgroup is not publicly accessible unless asked, a cluster without a key is
encrypted with an AWS owned key, and a cluster without a parameter group gets
``default.redshift-2.0``, whose ``require_ssl`` is true (``default.redshift-1.0`` keeps it
false). A custom group of the ``redshift-2.0`` family starts from those values too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import must_be_false, must_be_true, setting
from aspects.rules._common import kms_key_problems
from aspects.rules.docdb import group_parameter_problems, shown
from aspects.values import as_list, intrinsic_name

CLUSTER = "AWS::Redshift::Cluster"
PARAMETER_GROUP = "AWS::Redshift::ClusterParameterGroup"
NAMESPACE = "AWS::RedshiftServerless::Namespace"
WORKGROUP = "AWS::RedshiftServerless::Workgroup"

#: Log types an investigation needs: connections (who, from where) and user changes.
REQUIRED_LOG_EXPORTS = ("connectionlog", "userlog")


# -- SC-REDSHIFT-1 encryption ----------------------------------------------------------------


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    key = r.props.get("KmsKeyId")
    if r.type == NAMESPACE:
        if key is None:
            yield Problem(
                "KmsKeyId is not set, so the namespace is encrypted with an AWS owned key "
                "that no key policy of yours controls",
                "Properties.KmsKeyId",
            )
            return
        yield from kms_key_problems(r, key, "KmsKeyId")
        return
    encrypted = r.props.get("Encrypted")
    if encrypted is not None and not r.bool(encrypted, "Encrypted"):
        yield Problem(
            "Encrypted is false: the cluster, its snapshots and backups are at best "
            "encrypted with an AWS owned key; set Encrypted true with KmsKeyId",
            "Properties.Encrypted",
        )
        return
    if key is None:
        if r.props.get("SnapshotIdentifier") is not None:
            raise CannotVerify(
                "KmsKeyId is not set, so the cluster keeps the encryption of the snapshot it "
                "is restored from, which the template does not show",
                "Properties.KmsKeyId",
            )
        state = "true" if encrypted is not None else "not set"
        yield Problem(
            f"Encrypted is {state} but KmsKeyId is not set, so Redshift encrypts the "
            "cluster with an AWS owned key that no key policy of yours controls",
            "Properties.KmsKeyId",
        )
        return
    yield from kms_key_problems(r, key, "KmsKeyId")


# -- SC-REDSHIFT-2 not public ----------------------------------------------------------------


def _not_public(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_false(
        r,
        "PubliclyAccessible",
        "the endpoint gets a public IP address and is reachable from the internet",
    )


# -- SC-REDSHIFT-3 TLS -----------------------------------------------------------------------


def _list_parameter(items: Any, key: str, value_key: str, name: str, what: str) -> Any:
    """The value of the ``{key: name, value_key: ...}`` item of a parameter list, or None."""
    if intrinsic_name(items) is not None:
        raise CannotVerify(f"{what} is set by an expression", f"Properties.{what}")
    for item in as_list(items):
        if not isinstance(item, Mapping) or intrinsic_name(item) is not None:
            raise CannotVerify(f"an entry of {what} is set by an expression", f"Properties.{what}")
        if str(item.get(key, "")).lower() == name:
            return item.get(value_key)
    return None


def _ssl_off(value: Any) -> bool:
    return str(value).strip().lower() not in ("true", "1", "on")


def _tls_required(r: ResourceView) -> Iterator[Problem]:
    if r.type == WORKGROUP:
        raw = _list_parameter(
            r.props.get("ConfigParameters"),
            "ParameterKey",
            "ParameterValue",
            "require_ssl",
            "ConfigParameters",
        )
        if raw is not None and _ssl_off(r.literal(raw, "ConfigParameters[require_ssl]")):
            yield Problem(
                "ConfigParameters sets require_ssl to false: clients may connect without TLS",
                "Properties.ConfigParameters",
            )
        return

    def read(props: Mapping[str, Any]) -> Any:
        found = _list_parameter(
            props.get("Parameters"), "ParameterName", "ParameterValue", "require_ssl", "Parameters"
        )
        if found is None:
            family = props.get("ParameterGroupFamily")
            family_text = str(r.literal(family, "ParameterGroupFamily")) if family else ""
            return "true" if family_text.lower() == "redshift-2.0" else "false"
        return found

    def judge(value: Any, group: str) -> str | None:
        if value is not None and not _ssl_off(value):
            return None
        return f"{group} does not set require_ssl to true, so clients may connect without TLS"

    yield from group_parameter_problems(
        r,
        "ClusterParameterGroupName",
        PARAMETER_GROUP,
        read,
        judge,
        lambda name: "false" if name and name.lower() == "default.redshift-1.0" else "true",
    )


# -- SC-REDSHIFT-4 audit logs ----------------------------------------------------------------


def _log_exports_problems(r: ResourceView, path: str, why: str) -> Iterator[Problem]:
    raw = setting(r, path)
    if intrinsic_name(raw) is not None:
        r.literal(raw, path)  # raises CannotVerify
    exported = {str(r.literal(item, f"{path}[]")).lower() for item in as_list(raw)}
    missing = [kind for kind in REQUIRED_LOG_EXPORTS if kind not in exported]
    if missing:
        state = "is not set" if raw is None else f"lacks {', '.join(missing)}"
        yield Problem(f"{path} {state}: {why}", f"Properties.{path}")


def _audit_logged(r: ResourceView) -> Iterator[Problem]:
    why = "connections, sign-ins and changes to database users are not recorded"
    if r.type == NAMESPACE:
        yield from _log_exports_problems(r, "LogExports", why)
        return
    logging = r.props.get("LoggingProperties")
    if logging is None:
        yield Problem(
            f"LoggingProperties is not set, so audit logging is off: {why}",
            "Properties.LoggingProperties",
        )
        return
    destination = setting(r, "LoggingProperties.LogDestinationType")
    if destination is not None and str(r.literal(destination, "LogDestinationType")) == (
        "cloudwatch"
    ):
        yield from _log_exports_problems(r, "LoggingProperties.LogExports", why)
        return
    bucket = setting(r, "LoggingProperties.BucketName")
    if bucket is None or bucket == "":
        yield Problem(
            f"LoggingProperties.BucketName is not set for S3 delivery: {why}",
            "Properties.LoggingProperties.BucketName",
        )


# -- SC-REDSHIFT-5 enhanced VPC routing ------------------------------------------------------


def _vpc_routing(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r,
        "EnhancedVpcRouting",
        "COPY and UNLOAD traffic goes to S3 over the internet path, outside your security "
        "groups, endpoint policies and flow logs",
    )


# -- SC-REDSHIFT-6 automated snapshots -------------------------------------------------------


def _snapshots(r: ResourceView) -> Iterator[Problem]:
    least = r.settings.backup_retention_days
    raw = r.props.get("AutomatedSnapshotRetentionPeriod")
    days = 1 if raw is None else r.int(raw, "AutomatedSnapshotRetentionPeriod")
    if days < least:
        state = f"is {shown(raw)} (Redshift keeps 1 day)" if raw is None else f"is {days}"
        yield Problem(
            f"AutomatedSnapshotRetentionPeriod {state}"
            + (" (automated snapshots are off)" if days == 0 else "")
            + f"; keep automated snapshots at least {least} days",
            "Properties.AutomatedSnapshotRetentionPeriod",
        )


RULES = (
    Rule(
        id="SC-REDSHIFT-1",
        title="Redshift clusters and namespaces are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(CLUSTER, NAMESPACE),
        rationale="A data warehouse holds the most data an account has. Without KmsKeyId "
        "Redshift encrypts with an AWS owned key (since 2025; older clusters could be "
        "unencrypted): no key policy of yours decides who can read it or its snapshots, and "
        "CloudTrail records no use of the key.",
        fix="Set encrypted=True and kms_key_id=<a kms.Key>.key_id on redshift.CfnCluster; "
        "kms_key_id on redshiftserverless.CfnNamespace.",
        check=_encrypted,
        fsbp=("Redshift.10",),
        nist_800_53=("SC-28", "SC-12"),
        cdk_nag=("AwsSolutions-RS6", "NIST.800.53.R5-RedshiftClusterConfiguration"),
        checkov=("CKV_AWS_64",),
    ),
    Rule(
        id="SC-REDSHIFT-2",
        title="Redshift clusters and workgroups are not publicly accessible",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(CLUSTER, WORKGROUP),
        rationale="A publicly accessible cluster or workgroup resolves to a public IP "
        "address: its SQL endpoint is then one security-group rule away from the whole "
        "internet, and scanners find it within minutes.",
        fix="Leave publicly_accessible unset or False on redshift.CfnCluster and "
        "redshiftserverless.CfnWorkgroup; reach the warehouse through the VPC, a VPN or "
        "Redshift-managed VPC endpoints.",
        check=_not_public,
        fsbp=("Redshift.1", "RedshiftServerless.3"),
        nist_800_53=("AC-3", "SC-7"),
        cdk_nag=("AwsSolutions-RS8", "NIST.800.53.R5-RedshiftClusterPublicAccess"),
        checkov=("CKV_AWS_87",),
    ),
    Rule(
        id="SC-REDSHIFT-3",
        title="Redshift clusters and workgroups require TLS (require_ssl)",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(CLUSTER, WORKGROUP),
        rationale="Without require_ssl Redshift accepts plaintext connections, and query "
        "text, results and passwords cross the network readable. The default group "
        "default.redshift-2.0 (clusters created since 2025) and new workgroups require it; "
        "default.redshift-1.0 and custom groups of that family do not.",
        fix="Leave cluster_parameter_group_name unset (default.redshift-2.0) or point it at "
        "a redshift.CfnClusterParameterGroup with parameters=[{'parameterName': "
        "'require_ssl', 'parameterValue': 'true'}]; never set require_ssl false in a "
        "workgroup's config_parameters.",
        check=_tls_required,
        fsbp=("Redshift.2", "RedshiftServerless.2"),
        nist_800_53=("SC-8", "SC-8(1)"),
        cdk_nag=("AwsSolutions-RS1", "NIST.800.53.R5-RedshiftRequireTlsSSL"),
        checkov=("CKV_AWS_105",),
    ),
    Rule(
        id="SC-REDSHIFT-4",
        title="Redshift clusters and namespaces keep audit logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=(CLUSTER, NAMESPACE),
        rationale="Audit logging is off by default. The connection log (who connected, from "
        "where, how they authenticated) and the user log (changes to database users) are "
        "the evidence an investigation of a warehouse breach starts from.",
        fix="Set logging_properties on redshift.CfnCluster (bucket_name, or "
        "log_destination_type='cloudwatch' with log_exports=['connectionlog', 'userlog', "
        "'useractivitylog']); log_exports=['connectionlog', 'userlog', 'useractivitylog'] "
        "on redshiftserverless.CfnNamespace.",
        check=_audit_logged,
        fsbp=("Redshift.4", "RedshiftServerless.6"),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-RS5",),
        checkov=("CKV_AWS_71",),
    ),
    Rule(
        id="SC-REDSHIFT-5",
        title="Redshift clusters and workgroups use enhanced VPC routing",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=(CLUSTER, WORKGROUP),
        rationale="With enhanced VPC routing, COPY and UNLOAD traffic to S3 goes through "
        "your VPC, where endpoint policies can keep data from leaving for other buckets and "
        "flow logs record it. A warning: the VPC then needs a path to S3 (a gateway "
        "endpoint), which not every design has yet.",
        fix="Set enhanced_vpc_routing=True on redshift.CfnCluster or "
        "redshiftserverless.CfnWorkgroup, with an S3 gateway endpoint in the VPC.",
        check=_vpc_routing,
        fsbp=("Redshift.7", "RedshiftServerless.1"),
        nist_800_53=("SC-7", "AC-4"),
        cdk_nag=("NIST.800.53.R5-RedshiftEnhancedVPCRoutingEnabled",),
    ),
    Rule(
        id="SC-REDSHIFT-6",
        title="Redshift clusters keep automated snapshots long enough",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(CLUSTER,),
        rationale="Redshift keeps automated snapshots 1 day unless told otherwise (0 turns "
        "them off); the minimum is Thresholds.backup_retention_days (7).",
        fix="Set automated_snapshot_retention_period=7 (or more) on redshift.CfnCluster.",
        check=_snapshots,
        fsbp=("Redshift.3",),
        nist_800_53=("CP-9", "CP-10"),
        cdk_nag=("AwsSolutions-RS10", "NIST.800.53.R5-RedshiftBackupEnabled"),
    ),
)
