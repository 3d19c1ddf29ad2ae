"""DynamoDB tables as every construct creates them: customer key, continuous backups, protected."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms

#: How far back point-in-time recovery reaches by default (DynamoDB's maximum and default).
DEFAULT_RECOVERY_PERIOD_DAYS = 35
#: The recovery periods DynamoDB accepts (``RecoveryPeriodInDays``).
RECOVERY_PERIOD_RANGE = (1, 35)
#: DynamoDB's limits on secondary indexes per table.
MAX_GLOBAL_SECONDARY_INDEXES = 20
MAX_LOCAL_SECONDARY_INDEXES = 5


def table_props(
    *,
    encryption_key: kms.IKey,
    recovery_period_days: int = DEFAULT_RECOVERY_PERIOD_DAYS,
    deletion_protection: bool = True,
    contributor_insights: bool = False,
) -> dict[str, Any]:
    """The hardened settings of a ``dynamodb.Table`` (fresh objects on every call).

    * ``SSESpecification`` KMS with *encryption_key* (SC-DDB-1);
    * point-in-time recovery reaching back *recovery_period_days* (SC-DDB-2);
    * deletion protection (SC-DDB-3);
    * CloudWatch Contributor Insights only when asked for (it is billed per event).
    """
    return {
        "encryption": dynamodb.TableEncryption.CUSTOMER_MANAGED,
        "encryption_key": encryption_key,
        "point_in_time_recovery_specification": dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True, recovery_period_in_days=recovery_period_days
        ),
        "deletion_protection": deletion_protection,
        "contributor_insights_specification": (
            dynamodb.ContributorInsightsSpecification(enabled=True)
            if contributor_insights
            else None
        ),
    }
