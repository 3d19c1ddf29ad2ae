"""The rule catalogue: an explicit tuple, so what runs is what you read here."""

from __future__ import annotations

from aspects.model import Pillar, Rule
from aspects.rules import (
    apigateway,
    appsync,
    awslambda,
    backup,
    cloudfront,
    cloudtrail,
    codebuild,
    cognito,
    detection,
    docdb,
    dynamodb,
    ec2,
    ec2_compute,
    ecr,
    ecs,
    efs,
    eks,
    elasticache,
    elbv2,
    elbv2_network,
    events,
    glue,
    guarantees,
    iam,
    kinesis,
    kms,
    logs,
    msk,
    neptune,
    network,
    opensearch,
    policies,
    rds,
    redshift,
    s3,
    sagemaker,
    secretsmanager,
    sns,
    sqs,
    ssm,
    stepfunctions,
    transfer,
    vpc_endpoints,
    wafv2,
    wiring,
)

ALL_RULES: tuple[Rule, ...] = (
    *s3.RULES,
    *kms.RULES,
    *logs.RULES,
    *ec2.RULES,
    *network.RULES,
    *guarantees.RULES,
    *iam.RULES,
    *policies.RULES,
    *awslambda.RULES,
    *sqs.RULES,
    *sns.RULES,
    *secretsmanager.RULES,
    *ssm.RULES,
    *rds.RULES,
    *elbv2.RULES,
    *wafv2.RULES,
    *ecs.RULES,
    *apigateway.RULES,
    *dynamodb.RULES,
    *kinesis.RULES,
    *stepfunctions.RULES,
    *ec2_compute.RULES,
    *vpc_endpoints.RULES,
    *elbv2_network.RULES,
    *cloudfront.RULES,
    *efs.RULES,
    *elasticache.RULES,
    *opensearch.RULES,
    *ecr.RULES,
    *codebuild.RULES,
    *cognito.RULES,
    *eks.RULES,
    *events.RULES,
    *msk.RULES,
    *redshift.RULES,
    *docdb.RULES,
    *backup.RULES,
    *appsync.RULES,
    *transfer.RULES,
    *sagemaker.RULES,
    *neptune.RULES,
    *glue.RULES,
    *cloudtrail.RULES,
    *detection.RULES,
    *wiring.RULES,
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in ALL_RULES}
if len(RULES_BY_ID) != len(ALL_RULES):  # pragma: no cover - guarded by the catalogue test
    raise RuntimeError("duplicate rule id in the catalogue")


def rules_for(pillars: frozenset[Pillar]) -> tuple[Rule, ...]:
    """The rules of the given pillars, in catalogue order."""
    return tuple(rule for rule in ALL_RULES if rule.pillar in pillars)


__all__ = ["ALL_RULES", "RULES_BY_ID", "rules_for"]
