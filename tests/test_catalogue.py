"""The rule catalogue is pinned: ids, pillars, severities, metadata and the generated docs."""

from __future__ import annotations

import importlib

from aspects import ALL_RULES, PLUGIN_NAME, Pillar, Severity
from aspects.catalogue import render_markdown
from aspects.plugin import GuardrailsPlugin
from tests.conftest import REPO_ROOT

E = Severity.ERROR
W = Severity.WARNING
# One pinned list per rule module, in registry order. Adding, removing or changing a rule's
# id, pillar or severity must change this file in the same commit.
EXPECTED: dict[str, list[tuple[str, Pillar, Severity]]] = {
    "s3": [
        ("SC-S3-1", Pillar.AT_REST, E),
        ("SC-S3-2", Pillar.AT_REST, E),
        ("SC-S3-3", Pillar.AT_REST, E),
        ("SC-S3-4", Pillar.IN_TRANSIT, E),
        ("SC-S3-5", Pillar.IN_TRANSIT, E),
        ("SC-S3-6", Pillar.PREVENTION, E),
        ("SC-S3-7", Pillar.PREVENTION, E),
        ("SC-S3-8", Pillar.PREVENTION, E),
        ("SC-S3-9", Pillar.DETECTION, E),
        ("SC-S3-10", Pillar.PREVENTION, E),
        ("SC-S3-11", Pillar.AT_REST, E),
        ("SC-S3-12", Pillar.DETECTION, E),
    ],
    "kms": [
        ("SC-KMS-1", Pillar.AT_REST, E),
        ("SC-KMS-2", Pillar.PREVENTION, E),
        ("SC-KMS-3", Pillar.AT_REST, E),
    ],
    "logs": [
        ("SC-LOGS-1", Pillar.AT_REST, E),
        ("SC-LOGS-2", Pillar.DETECTION, E),
        ("SC-LOGS-3", Pillar.DETECTION, E),
    ],
    "ec2": [
        ("SC-EC2-1", Pillar.PREVENTION, E),
        ("SC-EC2-2", Pillar.DETECTION, E),
    ],
    "network": [
        ("SC-NET-1", Pillar.PREVENTION, E),
        ("SC-NET-2", Pillar.PREVENTION, E),
        ("SC-NET-3", Pillar.PREVENTION, E),
    ],
    "guarantees": [
        ("SC-PIN-1", Pillar.PREVENTION, E),
    ],
    "iam": [
        ("SC-IAM-1", Pillar.PREVENTION, E),
        ("SC-IAM-2", Pillar.PREVENTION, E),
        ("SC-IAM-3", Pillar.PREVENTION, E),
        ("SC-IAM-4", Pillar.PREVENTION, W),
    ],
    "policies": [
        ("SC-POLICY-1", Pillar.PREVENTION, E),
    ],
    "awslambda": [
        ("SC-LAMBDA-1", Pillar.AT_REST, E),
        ("SC-LAMBDA-2", Pillar.AT_REST, E),
        ("SC-LAMBDA-3", Pillar.PREVENTION, E),
        ("SC-LAMBDA-4", Pillar.PREVENTION, E),
        ("SC-LAMBDA-5", Pillar.PREVENTION, E),
        ("SC-LAMBDA-6", Pillar.DETECTION, W),
        ("SC-LAMBDA-7", Pillar.DETECTION, E),
        ("SC-LAMBDA-8", Pillar.DETECTION, W),
    ],
    "sqs": [
        ("SC-SQS-1", Pillar.AT_REST, E),
        ("SC-SQS-2", Pillar.IN_TRANSIT, E),
        ("SC-SQS-3", Pillar.IN_TRANSIT, W),
        ("SC-SQS-4", Pillar.DETECTION, E),
        ("SC-SQS-5", Pillar.DETECTION, E),
    ],
    "sns": [
        ("SC-SNS-1", Pillar.AT_REST, E),
        ("SC-SNS-2", Pillar.IN_TRANSIT, E),
        ("SC-SNS-3", Pillar.IN_TRANSIT, W),
    ],
    "secretsmanager": [
        ("SC-SECRETS-1", Pillar.AT_REST, E),
        ("SC-SECRETS-2", Pillar.AT_REST, E),
    ],
    "ssm": [
        ("SC-SSM-1", Pillar.AT_REST, E),
    ],
    "rds": [
        ("SC-RDS-1", Pillar.AT_REST, E),
        ("SC-RDS-2", Pillar.AT_REST, E),
        ("SC-RDS-3", Pillar.AT_REST, E),
        ("SC-RDS-4", Pillar.AT_REST, E),
        ("SC-RDS-5", Pillar.AT_REST, E),
        ("SC-RDS-6", Pillar.AT_REST, W),
        ("SC-RDS-7", Pillar.IN_TRANSIT, E),
        ("SC-RDS-8", Pillar.PREVENTION, E),
        ("SC-RDS-9", Pillar.PREVENTION, E),
        ("SC-RDS-10", Pillar.PREVENTION, W),
        ("SC-RDS-11", Pillar.DETECTION, E),
        ("SC-RDS-12", Pillar.DETECTION, W),
        ("SC-RDS-13", Pillar.DETECTION, E),
        ("SC-RDS-14", Pillar.PREVENTION, W),
        ("SC-RDS-15", Pillar.AT_REST, E),
        ("SC-RDS-16", Pillar.PREVENTION, E),
        ("SC-RDS-17", Pillar.AT_REST, E),
        ("SC-RDS-18", Pillar.AT_REST, E),
        ("SC-RDS-19", Pillar.IN_TRANSIT, E),
        ("SC-RDS-20", Pillar.DETECTION, E),
    ],
    "elbv2": [
        ("SC-ELB-1", Pillar.IN_TRANSIT, E),
        ("SC-ELB-2", Pillar.IN_TRANSIT, E),
        ("SC-ELB-3", Pillar.PREVENTION, E),
        ("SC-ELB-4", Pillar.PREVENTION, E),
        ("SC-ELB-5", Pillar.PREVENTION, W),
        ("SC-ELB-6", Pillar.DETECTION, E),
        ("SC-ELB-7", Pillar.PREVENTION, E),
    ],
    "wafv2": [
        ("SC-WAF-1", Pillar.PREVENTION, E),
        ("SC-WAF-2", Pillar.PREVENTION, E),
        ("SC-WAF-3", Pillar.DETECTION, E),
        ("SC-WAF-4", Pillar.DETECTION, E),
        ("SC-WAF-5", Pillar.PREVENTION, E),
        ("SC-WAF-6", Pillar.PREVENTION, E),
        ("SC-WAF-7", Pillar.PREVENTION, W),
        ("SC-WAF-8", Pillar.DETECTION, W),
        ("SC-WAF-9", Pillar.DETECTION, E),
        ("SC-WAF-10", Pillar.PREVENTION, W),
    ],
    "ecs": [
        ("SC-ECS-1", Pillar.PREVENTION, E),
        ("SC-ECS-2", Pillar.PREVENTION, E),
        ("SC-ECS-3", Pillar.AT_REST, E),
        ("SC-ECS-4", Pillar.DETECTION, E),
        ("SC-ECS-5", Pillar.DETECTION, W),
        ("SC-ECS-6", Pillar.PREVENTION, W),
        ("SC-ECS-7", Pillar.PREVENTION, E),
        ("SC-ECS-8", Pillar.PREVENTION, E),
        ("SC-ECS-9", Pillar.DETECTION, E),
    ],
    "apigateway": [
        ("SC-APIGW-1", Pillar.PREVENTION, E),
        ("SC-APIGW-2", Pillar.DETECTION, E),
        ("SC-APIGW-3", Pillar.DETECTION, W),
        ("SC-APIGW-4", Pillar.DETECTION, W),
        ("SC-APIGW-5", Pillar.PREVENTION, E),
        ("SC-APIGW-6", Pillar.AT_REST, E),
        ("SC-APIGW-7", Pillar.IN_TRANSIT, E),
    ],
    "dynamodb": [
        ("SC-DDB-1", Pillar.AT_REST, E),
        ("SC-DDB-2", Pillar.AT_REST, E),
        ("SC-DDB-3", Pillar.AT_REST, W),
        ("SC-DDB-4", Pillar.AT_REST, E),
    ],
    "kinesis": [
        ("SC-KINESIS-1", Pillar.AT_REST, E),
        ("SC-FIREHOSE-1", Pillar.AT_REST, E),
        ("SC-FIREHOSE-2", Pillar.AT_REST, E),
    ],
    "stepfunctions": [
        ("SC-SFN-1", Pillar.DETECTION, E),
        ("SC-SFN-2", Pillar.DETECTION, W),
        ("SC-SFN-3", Pillar.DETECTION, W),
        ("SC-SFN-4", Pillar.AT_REST, W),
    ],
    "ec2_compute": [
        ("SC-EC2-3", Pillar.PREVENTION, E),
        ("SC-EC2-4", Pillar.AT_REST, E),
        ("SC-EC2-5", Pillar.PREVENTION, E),
        ("SC-EC2-6", Pillar.PREVENTION, W),
        ("SC-EC2-7", Pillar.PREVENTION, W),
        ("SC-EC2-8", Pillar.DETECTION, W),
    ],
    "vpc_endpoints": [
        ("SC-VPCE-1", Pillar.PREVENTION, E),
        ("SC-VPCE-2", Pillar.PREVENTION, W),
        ("SC-VPCE-3", Pillar.PREVENTION, W),
    ],
    "elbv2_network": [
        ("SC-NLB-1", Pillar.IN_TRANSIT, E),
        ("SC-NLB-2", Pillar.IN_TRANSIT, W),
        ("SC-NLB-3", Pillar.DETECTION, E),
    ],
    "cloudfront": [
        ("SC-CF-1", Pillar.IN_TRANSIT, E),
        ("SC-CF-2", Pillar.IN_TRANSIT, E),
        ("SC-CF-3", Pillar.IN_TRANSIT, W),
        ("SC-CF-4", Pillar.IN_TRANSIT, E),
        ("SC-CF-5", Pillar.PREVENTION, E),
        ("SC-CF-6", Pillar.PREVENTION, W),
        ("SC-CF-7", Pillar.PREVENTION, E),
        ("SC-CF-8", Pillar.PREVENTION, E),
        ("SC-CF-9", Pillar.DETECTION, E),
    ],
    "efs": [
        ("SC-EFS-1", Pillar.AT_REST, E),
        ("SC-EFS-2", Pillar.AT_REST, E),
        ("SC-EFS-3", Pillar.AT_REST, E),
        ("SC-EFS-4", Pillar.IN_TRANSIT, E),
        ("SC-EFS-5", Pillar.PREVENTION, E),
    ],
    "elasticache": [
        ("SC-CACHE-1", Pillar.AT_REST, E),
        ("SC-CACHE-2", Pillar.AT_REST, E),
        ("SC-CACHE-3", Pillar.AT_REST, W),
        ("SC-CACHE-4", Pillar.IN_TRANSIT, E),
        ("SC-CACHE-5", Pillar.PREVENTION, E),
    ],
    "opensearch": [
        ("SC-OS-1", Pillar.AT_REST, E),
        ("SC-OS-2", Pillar.IN_TRANSIT, E),
        ("SC-OS-3", Pillar.IN_TRANSIT, E),
        ("SC-OS-4", Pillar.PREVENTION, E),
        ("SC-OS-5", Pillar.PREVENTION, E),
        ("SC-OS-6", Pillar.DETECTION, E),
        ("SC-OS-7", Pillar.DETECTION, E),
        ("SC-OS-8", Pillar.DETECTION, W),
    ],
    "ecr": [
        ("SC-ECR-1", Pillar.DETECTION, W),
        ("SC-ECR-2", Pillar.PREVENTION, W),
        ("SC-ECR-3", Pillar.AT_REST, E),
        ("SC-ECR-4", Pillar.PREVENTION, E),
    ],
    "codebuild": [
        ("SC-CODEBUILD-1", Pillar.PREVENTION, E),
        ("SC-CODEBUILD-2", Pillar.AT_REST, E),
        ("SC-CODEBUILD-3", Pillar.AT_REST, E),
        ("SC-CODEBUILD-4", Pillar.DETECTION, E),
    ],
    "cognito": [
        ("SC-COGNITO-1", Pillar.PREVENTION, E),
        ("SC-COGNITO-2", Pillar.PREVENTION, W),
        ("SC-COGNITO-3", Pillar.PREVENTION, W),
        ("SC-COGNITO-4", Pillar.PREVENTION, E),
    ],
    "eks": [
        ("SC-EKS-1", Pillar.PREVENTION, E),
        ("SC-EKS-2", Pillar.AT_REST, E),
        ("SC-EKS-3", Pillar.DETECTION, E),
    ],
    "events": [
        ("SC-EVENTS-1", Pillar.PREVENTION, E),
        ("SC-EVENTS-2", Pillar.AT_REST, E),
        ("SC-EVENTS-3", Pillar.AT_REST, W),
    ],
    "msk": [
        ("SC-MSK-1", Pillar.IN_TRANSIT, E),
        ("SC-MSK-2", Pillar.IN_TRANSIT, E),
        ("SC-MSK-3", Pillar.AT_REST, E),
        ("SC-MSK-4", Pillar.PREVENTION, E),
        ("SC-MSK-5", Pillar.DETECTION, E),
        ("SC-MSK-6", Pillar.PREVENTION, E),
    ],
    "redshift": [
        ("SC-REDSHIFT-1", Pillar.AT_REST, E),
        ("SC-REDSHIFT-2", Pillar.PREVENTION, E),
        ("SC-REDSHIFT-3", Pillar.IN_TRANSIT, E),
        ("SC-REDSHIFT-4", Pillar.DETECTION, E),
        ("SC-REDSHIFT-5", Pillar.PREVENTION, W),
        ("SC-REDSHIFT-6", Pillar.AT_REST, E),
    ],
    "docdb": [
        ("SC-DOCDB-1", Pillar.AT_REST, E),
        ("SC-DOCDB-2", Pillar.IN_TRANSIT, E),
        ("SC-DOCDB-3", Pillar.IN_TRANSIT, W),
        ("SC-DOCDB-4", Pillar.DETECTION, E),
        ("SC-DOCDB-5", Pillar.AT_REST, E),
        ("SC-DOCDB-6", Pillar.AT_REST, E),
    ],
    "backup": [
        ("SC-BACKUP-1", Pillar.AT_REST, E),
        ("SC-BACKUP-2", Pillar.PREVENTION, E),
        ("SC-BACKUP-3", Pillar.PREVENTION, W),
        ("SC-BACKUP-4", Pillar.PREVENTION, W),
        ("SC-BACKUP-5", Pillar.AT_REST, E),
    ],
    "appsync": [
        ("SC-APPSYNC-1", Pillar.DETECTION, E),
        ("SC-APPSYNC-2", Pillar.PREVENTION, W),
        ("SC-APPSYNC-3", Pillar.PREVENTION, E),
        ("SC-APPSYNC-4", Pillar.DETECTION, W),
        ("SC-APPSYNC-5", Pillar.AT_REST, E),
        ("SC-APPSYNC-6", Pillar.IN_TRANSIT, E),
    ],
    "transfer": [
        ("SC-TRANSFER-1", Pillar.IN_TRANSIT, E),
        ("SC-TRANSFER-2", Pillar.IN_TRANSIT, E),
        ("SC-TRANSFER-3", Pillar.DETECTION, E),
        ("SC-TRANSFER-4", Pillar.PREVENTION, W),
    ],
    "sagemaker": [
        ("SC-SAGEMAKER-1", Pillar.AT_REST, E),
        ("SC-SAGEMAKER-2", Pillar.AT_REST, E),
        ("SC-SAGEMAKER-3", Pillar.PREVENTION, E),
        ("SC-SAGEMAKER-4", Pillar.PREVENTION, W),
        ("SC-SAGEMAKER-5", Pillar.PREVENTION, W),
    ],
    "neptune": [
        ("SC-NEPTUNE-1", Pillar.AT_REST, E),
        ("SC-NEPTUNE-2", Pillar.PREVENTION, E),
        ("SC-NEPTUNE-3", Pillar.DETECTION, E),
        ("SC-NEPTUNE-4", Pillar.AT_REST, E),
        ("SC-NEPTUNE-5", Pillar.AT_REST, E),
    ],
    "glue": [
        ("SC-GLUE-1", Pillar.AT_REST, E),
        ("SC-GLUE-2", Pillar.AT_REST, E),
        ("SC-GLUE-3", Pillar.AT_REST, E),
    ],
    "cloudtrail": [
        ("SC-TRAIL-1", Pillar.DETECTION, E),
        ("SC-TRAIL-2", Pillar.DETECTION, E),
        ("SC-TRAIL-3", Pillar.AT_REST, E),
        ("SC-TRAIL-4", Pillar.DETECTION, E),
        ("SC-TRAIL-5", Pillar.DETECTION, E),
    ],
    "detection": [
        ("SC-GUARDDUTY-1", Pillar.DETECTION, E),
        ("SC-SECURITYHUB-1", Pillar.DETECTION, W),
        ("SC-CW-1", Pillar.DETECTION, W),
        ("SC-CONFIG-1", Pillar.DETECTION, W),
    ],
    "wiring": [
        ("SC-WIRE-1", Pillar.DETECTION, E),
        ("SC-WIRE-2", Pillar.DETECTION, E),
        ("SC-WIRE-3", Pillar.DETECTION, W),
    ],
}


def test_each_rule_module_holds_exactly_its_pinned_rules() -> None:
    for name, expected in EXPECTED.items():
        module = importlib.import_module(f"aspects.rules.{name}")
        assert [(r.id, r.pillar, r.severity) for r in module.RULES] == expected, name


def test_registry_is_every_module_in_order_with_unique_ids() -> None:
    expected = [row for rows in EXPECTED.values() for row in rows]
    assert [(r.id, r.pillar, r.severity) for r in ALL_RULES] == expected
    assert len({r.id for r in ALL_RULES}) == len(ALL_RULES)


def test_every_rule_explains_itself_and_maps_to_controls() -> None:
    for rule in ALL_RULES:
        assert rule.title, rule.id
        assert rule.rationale, rule.id
        assert rule.fix, rule.id
        assert rule.resource_types, rule.id
        assert all(t.startswith("AWS::") for t in rule.resource_types), rule.id
        assert rule.acknowledgment_id == f"{PLUGIN_NAME}::{rule.id}"
        # Every rule names at least one outside anchor (FSBP, NIST, cdk-nag or checkov)
        # except the retention rules, which no anchor checks.
        anchors = rule.fsbp + rule.nist_800_53 + rule.cdk_nag + rule.checkov
        assert anchors or rule.id == "SC-S3-3", rule.id


def test_plugin_declares_every_rule_id() -> None:
    assert GuardrailsPlugin().rule_ids == [r.id for r in ALL_RULES]


def test_docs_rule_catalogue_is_generated_and_current() -> None:
    committed = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "run: python -m aspects.catalogue > docs/rules.md"
    for rule in ALL_RULES:
        assert f"### {rule.id}\n" in committed
