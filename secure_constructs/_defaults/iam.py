"""Execution roles whose permissions live in one customer-managed policy, never inline."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct


class ManagedPolicyRole(iam.Role):
    """A role that puts every statement added to it into its own customer-managed policy.

    CDK grants (``bucket.grant_read(role)``, a function's tracing and dead-letter queue...)
    call ``add_to_principal_policy``; a plain ``iam.Role`` collects those statements in an
    inline ``DefaultPolicy`` (``AWS::IAM::Policy``), which the NIST 800-53, HIPAA and
    PCI DSS packs of cdk-nag reject (``IAMNoInlinePolicy``). Here they go to the
    ``AWS::IAM::ManagedPolicy`` child ``Policy``, attached to this role only. No AWS managed
    policy is attached (cdk-nag ``AwsSolutions-IAM4``).

    A customer-managed policy holds at most 6,144 characters; a role that needs more
    permissions than that should be split by purpose.

    Parameters
    ----------
    scope, construct_id:
        As for any construct. The child ``Policy`` is the managed policy.
    assumed_by:
        Who may assume the role (e.g. ``lambda.amazonaws.com``).
    description:
        What the role is for.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        assumed_by: iam.IPrincipal,
        description: str,
    ) -> None:
        super().__init__(scope, construct_id, assumed_by=assumed_by, description=description)
        self.policy = iam.ManagedPolicy(
            self, "Policy", description=f"Permissions of {self.node.path}", roles=[self]
        )

    def add_to_principal_policy(
        self, statement: iam.PolicyStatement
    ) -> iam.AddToPrincipalPolicyResult:
        """Add *statement* to the role's customer-managed policy (called by CDK grants)."""
        self.policy.add_statements(statement)
        return iam.AddToPrincipalPolicyResult(statement_added=True, policy_dependable=self.policy)
