"""Catalogue examples of the ec2_compute, vpc_endpoints, elbv2_network rules."""

from __future__ import annotations

from aspects.rules._example_base import Example

COMPUTE_EXAMPLES: dict[str, Example] = {}
