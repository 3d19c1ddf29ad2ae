"""Entry point of the sample app: ``python -m sample_app.app`` (what cdk.json runs)."""

from __future__ import annotations

import sys

import aws_cdk as cdk

from aspects import SecurityGuardrails
from sample_app.stacks import (
    REGION,
    BaselineStack,
    DataStack,
    EdgeStack,
    InsecureStack,
    WebStack,
    WorkerStack,
)

#: The stacks of the app, in deployment order.
STACKS = (
    "SecureBaseline",
    "SecureData",
    "SecureWeb",
    "SecureWorker",
    "SecureEdge",
)


def build(app: cdk.App) -> cdk.App:
    """Add the sample stacks and the guardrails to *app*."""
    # One environment for all: ALB access logging needs the region at synthesis, CloudFront's
    # WebACL and logs need us-east-1, and stacks that share resources share an environment.
    env = cdk.Environment(region=REGION)
    BaselineStack(app, "SecureBaseline", env=env)
    data = DataStack(app, "SecureData", env=env)
    WebStack(app, "SecureWeb", data=data, env=env)
    WorkerStack(app, "SecureWorker", data=data, env=env)
    EdgeStack(app, "SecureEdge", env=env)
    if str(app.node.try_get_context("insecure")).lower() == "true":
        InsecureStack(app, "InsecureStorage")
    cdk.Aspects.of(app).add(SecurityGuardrails())
    return app


def main() -> None:
    """Synthesize the app; guardrail errors make this exit non-zero."""
    try:
        build(cdk.App()).synth()
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc):
            raise
        # CDK has printed every violation above; a traceback would only hide them.
        sys.exit("synthesis failed: fix or acknowledge the violations listed above")


if __name__ == "__main__":
    main()
