"""The hardened Fargate task and service settings of SecureAlbService, as data."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from constructs import Construct

#: Unprivileged port the container listens on (a non-root process cannot bind below 1024).
CONTAINER_PORT = 8080
#: A non-root user and group. Images that create their own user (``USER app``) work with it
#: as long as their files are readable by others; pass ``user=None`` to keep the image's.
NON_ROOT_USER = "1000:1000"
#: Users that mean root inside the container.
ROOT_USERS = frozenset({"root", "0"})

#: 0.5 vCPU and 1 GiB: a small web service; Fargate accepts only its published pairs.
CPU = 512
MEMORY_LIMIT_MIB = 1024


def _mib(low_gib: int, high_gib: int, step_gib: int = 1) -> tuple[int, ...]:
    return tuple(gib * 1024 for gib in range(low_gib, high_gib + 1, step_gib))


#: The task sizes Fargate (Linux) runs: CPU units -> the memory (MiB) allowed with it, as
#: published in the ECS developer guide ("Task CPU and memory").
FARGATE_TASK_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: _mib(1, 4),
    1024: _mib(2, 8),
    2048: _mib(4, 16),
    4096: _mib(8, 30),
    8192: _mib(16, 60, 4),
    16384: _mib(32, 120, 8),
}
#: Two tasks, spread by ECS over the subnets' availability zones.
DESIRED_COUNT = 2
#: The ECS quota of tasks per service.
MAX_DESIRED_COUNT = 5000
#: Time a new task has to pass its first health checks before ECS replaces it.
HEALTH_CHECK_GRACE_PERIOD = cdk.Duration.seconds(60)
#: Name of the application container (and the log stream prefix).
CONTAINER_NAME = "app"


def service_props() -> dict[str, Any]:
    """What every Fargate service we create has.

    * No public IP (SC-ECS-2, FSBP ECS.2): tasks sit in private subnets behind the ALB.
    * The latest Fargate platform version (FSBP ECS.10): current kernel and agent patches.
    * The deployment circuit breaker rolls a failing deployment back on its own.
    * Full capacity kept during deployments (100 % minimum healthy).
    """
    return {
        "assign_public_ip": False,
        "platform_version": ecs.FargatePlatformVersion.LATEST,
        "circuit_breaker": ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
        "min_healthy_percent": 100,
        "max_healthy_percent": 200,
        "health_check_grace_period": HEALTH_CHECK_GRACE_PERIOD,
        "propagate_tags": ecs.PropagatedTagSource.SERVICE,
    }


class TaskRole(iam.Role):
    """The task role: no permission until one is granted, then only customer-managed ones.

    Like ``ManagedPolicyRole``, statements added by grants (``bucket.grant_read(role)``, ECS
    Exec's channel permissions...) go into a customer-managed policy attached to this role
    only, never an inline ``DefaultPolicy`` (cdk-nag ``IAMNoInlinePolicy``). The policy
    (child ``Policy``) is created with the first statement, because IAM rejects an empty
    managed policy and most web services need no AWS permission at all.
    """

    def __init__(self, scope: Construct, construct_id: str, *, description: str) -> None:
        super().__init__(
            scope,
            construct_id,
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description=description,
        )
        self.policy: iam.ManagedPolicy | None = None

    def add_to_principal_policy(
        self, statement: iam.PolicyStatement
    ) -> iam.AddToPrincipalPolicyResult:
        """Add *statement* to the role's customer-managed policy (called by CDK grants)."""
        if self.policy is None:
            self.policy = iam.ManagedPolicy(
                self, "Policy", description=f"Permissions of {self.node.path}", roles=[self]
            )
        self.policy.add_statements(statement)
        return iam.AddToPrincipalPolicyResult(statement_added=True, policy_dependable=self.policy)
