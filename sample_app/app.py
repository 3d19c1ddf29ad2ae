"""Entry point of the sample app: ``python -m sample_app.app`` (what cdk.json runs)."""

from __future__ import annotations

import sys

import aws_cdk as cdk

from aspects import SecurityGuardrails
from sample_app.stacks import REGION, DataStack, InsecureStack, StorageStack, WebStack


def build(app: cdk.App) -> cdk.App:
    """Add the sample stacks and the guardrails to *app*."""
    # One environment for all: ALB access logging needs the region at synthesis, and
    # stacks that share resources must share an environment.
    env = cdk.Environment(region=REGION)
    storage = StorageStack(app, "SecureStorage", env=env)
    data = DataStack(app, "SecureData", uploads=storage.uploads, env=env)
    web = WebStack(
        app,
        "SecureWeb",
        vpc=data.vpc,
        orders=data.orders,
        secrets_endpoint=data.secrets_endpoint,
        uploads=storage.uploads,
        env=env,
    )
    web.add_dependency(storage)  # imports the uploads bucket's ARN by its export name
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
