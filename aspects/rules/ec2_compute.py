"""EC2 instances, launch templates and EBS volumes guardrails."""

from __future__ import annotations

from aspects.model import Rule

RULES: tuple[Rule, ...] = ()
