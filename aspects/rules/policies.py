"""Resource policies of every service are not open to everyone: one check, shared by all.

A resource policy that allows ``Principal: "*"`` (or ``{"AWS": "*"}``, or uses
``NotPrincipal``) without a condition that narrows the caller (``aws:SourceArn``,
``aws:PrincipalOrgID``, ``aws:SourceAccount``...) lets any AWS account, and for most
services anonymous callers, use the resource. The test of "open" is the shared one
(:func:`aspects.rules._common.open_allows`) that key, trust and the per-service policy rules
use; this module only says where each service keeps its policy document.

S3 bucket policies (SC-S3-8), KMS keys (SC-KMS-2), EFS (SC-EFS-5), OpenSearch (SC-OS-5),
ECR (SC-ECR-4), EventBridge buses (SC-EVENTS-1), Backup vaults (SC-BACKUP-2) and Lambda
permissions (SC-LAMBDA-4) have their own rules with service-specific fixes and are not
repeated here. API Gateway REST API policies are left out on purpose: ``Allow *
execute-api:Invoke`` is how a public API is written, and SC-APIGW-1 judges its
authorizers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import setting
from aspects.rules._common import Deferred, json_document, open_allows, statements
from aspects.values import as_list, intrinsic_name

#: Where each resource type keeps its policy document(s): dotted paths below
#: ``Properties``; ``[]`` steps through every item of a list (a global table's replicas).
#: A document may be an object or a JSON string (CloudFormation accepts both).
RESOURCE_POLICIES: dict[str, tuple[str, ...]] = {
    "AWS::SQS::QueuePolicy": ("PolicyDocument",),
    "AWS::SQS::QueueInlinePolicy": ("PolicyDocument",),
    "AWS::SNS::TopicPolicy": ("PolicyDocument",),
    "AWS::SNS::TopicInlinePolicy": ("PolicyDocument",),
    "AWS::SecretsManager::ResourcePolicy": ("ResourcePolicy",),
    "AWS::DynamoDB::Table": (
        "ResourcePolicy.PolicyDocument",
        "StreamSpecification.ResourcePolicy.PolicyDocument",
    ),
    "AWS::DynamoDB::GlobalTable": (
        "Replicas[].ResourcePolicy.PolicyDocument",
        "Replicas[].ReplicaStreamSpecification.ResourcePolicy.PolicyDocument",
    ),
    "AWS::Logs::ResourcePolicy": ("PolicyDocument",),
    "AWS::Logs::Destination": ("DestinationPolicy",),
    "AWS::Kinesis::ResourcePolicy": ("ResourcePolicy",),
    "AWS::S3::AccessPoint": ("Policy",),
    "AWS::S3::MultiRegionAccessPointPolicy": ("Policy",),
    "AWS::S3ObjectLambda::AccessPointPolicy": ("PolicyDocument",),
    "AWS::S3Express::BucketPolicy": ("PolicyDocument",),
    "AWS::S3Outposts::BucketPolicy": ("PolicyDocument",),
    "AWS::S3Tables::TableBucketPolicy": ("ResourcePolicy",),
    "AWS::S3Tables::TablePolicy": ("ResourcePolicy",),
    "AWS::CodeArtifact::Domain": ("PermissionsPolicyDocument",),
    "AWS::CodeArtifact::Repository": ("PermissionsPolicyDocument",),
    "AWS::SSM::ResourcePolicy": ("Policy",),
    "AWS::EventSchemas::RegistryPolicy": ("Policy",),
    "AWS::EventsV2::ResourcePolicy": ("PolicyDocument",),
    "AWS::VpcLattice::AuthPolicy": ("Policy",),
    "AWS::VpcLattice::ResourcePolicy": ("Policy",),
    "AWS::CloudTrail::ResourcePolicy": ("ResourcePolicy",),
    "AWS::Lambda::ResourcePolicy": ("PolicyDocument",),
    "AWS::MSK::ClusterPolicy": ("Policy",),
    "AWS::XRay::ResourcePolicy": ("PolicyDocument",),
    "AWS::APS::ResourcePolicy": ("PolicyDocument",),
    "AWS::Bedrock::ResourcePolicy": ("PolicyDocument",),
    "AWS::BedrockAgentCore::ResourcePolicy": ("Policy",),
}
_LAYER_PERMISSION = "AWS::Lambda::LayerVersionPermission"


def _documents(r: ResourceView, path: str) -> Iterator[tuple[str, Any]]:
    """``(where, document)`` for each document at *path* (one per replica for ``[]``)."""
    head, _, rest = path.partition("[].")
    if not rest:
        value = setting(r, path)
        if value is not None:
            yield path, value
        return
    items = setting(r, head)
    if items is None:
        return
    if intrinsic_name(items) is not None:
        raise CannotVerify(
            f"{head} is set by an expression, so its policies are only known at deploy time",
            f"Properties.{head}",
        )
    for i, item in enumerate(as_list(items)):
        current: Any = item
        for step in rest.split("."):
            current = current.get(step) if isinstance(current, Mapping) else None
        if current is not None:
            yield f"{head}[{i}].{rest}", current


def _open_documents(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    for path in RESOURCE_POLICIES.get(r.type, ()):
        with deferred:
            for where, document in _documents(r, path):
                with deferred:
                    parsed = json_document(r, document, where)
                    for what, _statement in open_allows(r, statements(parsed), where):
                        yield Problem(
                            f"{what} allows everyone (Principal '*') without a condition "
                            "that narrows the caller to your accounts, organization or a "
                            "source resource",
                            f"Properties.{what}",
                        )
    deferred.raise_first()


def _public_layer(r: ResourceView) -> Iterator[Problem]:
    principal = r.props.get("Principal")
    if principal is None:
        return
    if r.literal(principal, "Principal") == "*" and r.props.get("OrganizationId") is None:
        yield Problem(
            "Principal is '*' without an OrganizationId: every AWS account can use this "
            "layer version",
            "Properties.Principal",
        )


def _open(r: ResourceView) -> Iterator[Problem]:
    if r.type == _LAYER_PERMISSION:
        yield from _public_layer(r)
    else:
        yield from _open_documents(r)


RULES = (
    Rule(
        id="SC-POLICY-1",
        title="Resource policies do not allow everyone",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(*RESOURCE_POLICIES, _LAYER_PERMISSION),
        rationale="A resource policy that allows Principal '*' without a condition on the "
        "caller's account, organization or source lets any AWS account (and for most "
        "services anonymous callers) read, write or use the resource: queues, topics, "
        "secrets, tables, log destinations, streams, access points, repositories. One "
        "check for every service's policy, the same test as for key and bucket policies.",
        fix="Name the principals (iam.AccountPrincipal, iam.ServicePrincipal, a role ARN) "
        "instead of iam.AnyPrincipal(), or keep '*' and add a condition that narrows it, "
        "e.g. conditions={'StringEquals': {'aws:PrincipalOrgID': 'o-...'}} or "
        "{'ArnLike': {'aws:SourceArn': source.arn}} for a service.",
        check=_open,
        nist_800_53=("AC-3", "AC-6", "AC-21"),
        fsbp=("SQS.3", "SNS.4"),
    ),
)
