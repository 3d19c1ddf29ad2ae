"""Guardrails for AWS CDK apps: Aspects that fail synthesis on insecure infrastructure.

>>> Aspects.of(app).add(SecurityGuardrails())
"""

from __future__ import annotations

from aspects.acknowledge import acknowledge
from aspects.constants import PLUGIN_NAME, REPORT_JSON, REPORT_SARIF, VERSION
from aspects.engine import Evaluation, evaluate
from aspects.errors import Issue, SecureConstructsError
from aspects.guardrails import (
    AtRestGuardrails,
    DetectionGuardrails,
    InTransitGuardrails,
    PreventionGuardrails,
    SecurityGuardrails,
)
from aspects.model import Finding, Pillar, Rule, Severity, Status
from aspects.rules import ALL_RULES, RULES_BY_ID

__version__ = VERSION

__all__ = [
    "ALL_RULES",
    "PLUGIN_NAME",
    "REPORT_JSON",
    "REPORT_SARIF",
    "RULES_BY_ID",
    "AtRestGuardrails",
    "DetectionGuardrails",
    "Evaluation",
    "Finding",
    "InTransitGuardrails",
    "Issue",
    "Pillar",
    "PreventionGuardrails",
    "Rule",
    "SecureConstructsError",
    "SecurityGuardrails",
    "Severity",
    "Status",
    "__version__",
    "acknowledge",
    "evaluate",
]
