"""VPC endpoints guardrails."""

from __future__ import annotations

from aspects.model import Rule

RULES: tuple[Rule, ...] = ()
