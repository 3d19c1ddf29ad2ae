"""The shared layer that every rule reads: caller restrictions, WebACLs in use, audit stores.

Templates as CloudFormation receives them; one rule per case, judged in-process.
"""

from __future__ import annotations

from typing import Any

import pytest

from aspects import evaluate
from aspects.index import AppIndex, StackTemplate
from aspects.model import Status
from aspects.rules import RULES_BY_ID

NC = Status.NON_COMPLIANT


def _findings(rule_id: str, resources: dict[str, Any]) -> set[tuple[str, Status]]:
    stack = StackTemplate("S", "s.json", {"Resources": resources})
    found = evaluate([stack], lambda _s: (RULES_BY_ID[rule_id],)).findings
    return {(f.logical_id, f.status) for f in found}


def _open_key(condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::KMS::Key",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": "kms:Decrypt",
                        "Resource": "*",
                        "Condition": condition,
                    }
                ],
            },
        },
    }


@pytest.mark.parametrize(
    "condition",
    [
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
        {"IpAddress": {"aws:SourceIp": ["::/0"]}},
        {"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::*:distribution/*"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}},
        {"ArnLike": {"aws:SourceArn": "arn:*"}},
        # Found while adding SC-IAM-4: these narrowed nothing but counted as restrictions.
        {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}},
        {"StringLike": {"aws:PrincipalOrgID": "o-*"}},
        {"StringLike": {"aws:SourceAccount": "1*"}},
        {"StringLike": {"aws:PrincipalOrgPaths": "o-*/r-ab12/*"}},
        {"ForAllValues:StringEquals": {"aws:SourceAccount": "111122223333"}},
        {"Null": {"aws:SourceAccount": "false"}},
    ],
)
def test_conditions_that_match_everyone_do_not_restrict(condition: dict[str, Any]) -> None:
    assert _findings("SC-KMS-2", {"Key": _open_key(condition)}) == {("Key", NC)}


@pytest.mark.parametrize(
    "condition",
    [
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/*"}},
        {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::audit-logs"}},
        {"StringEquals": {"aws:SourceAccount": "111122223333"}},
        {"StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/*"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/deploy-*"}},
    ],
)
def test_conditions_that_name_a_source_restrict(condition: dict[str, Any]) -> None:
    assert _findings("SC-KMS-2", {"Key": _open_key(condition)}) == set()


def test_a_webacl_used_only_by_a_distribution_is_in_use() -> None:
    resources = {
        "Acl": {"Type": "AWS::WAFv2::WebACL", "Properties": {"Scope": "CLOUDFRONT"}},
        "Cdn": {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {"DistributionConfig": {"WebACLId": {"Fn::GetAtt": ["Acl", "Arn"]}}},
        },
    }
    app = AppIndex([StackTemplate("S", "s.json", {"Resources": resources})])
    assert app.associated_web_acls == {("s.json", "Acl")}


def test_vended_log_destinations_are_audit_stores() -> None:
    resources = {
        "Logs": {"Type": "AWS::S3::Bucket"},
        "Destination": {
            "Type": "AWS::Logs::DeliveryDestination",
            "Properties": {"DestinationResourceArn": {"Fn::GetAtt": ["Logs", "Arn"]}},
        },
    }
    app = AppIndex([StackTemplate("S", "s.json", {"Resources": resources})])
    assert app.audit_log_stores == {("s.json", "Logs"): "vended logs delivered by Destination"}
