"""Guardrails for AWS CDK apps: Aspects that fail synthesis on insecure infrastructure.

>>> Aspects.of(app).add(SecurityGuardrails())

The names that need CDK (the Aspects and :func:`acknowledge`) are imported on first use, so
``import aspects`` and the ``secure-constructs`` command line never start jsii's Node
process unless those names are used.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from aspects.constants import PLUGIN_NAME, REPORT_JSON, REPORT_SARIF, VERSION
from aspects.coverage import NOTHING_TO_JUDGE, Coverage, StackCoverage
from aspects.engine import Evaluation, evaluate
from aspects.errors import Issue, SecureConstructsError
from aspects.index import ResourceView
from aspects.model import CannotVerify, Finding, Pillar, Problem, Rule, Severity, Status
from aspects.rules import ALL_RULES, RULES_BY_ID
from aspects.rules._blocks import (  # the building blocks of rules (docs/custom-rules.md)
    app_cache,
    declared,
    must_be_at_least,
    must_be_false,
    must_be_one_of,
    must_be_set,
    must_be_true,
    must_start_with,
    setting,
)
from aspects.rules._common import kms_key_problems, retention_problems
from aspects.settings import DEFAULT as DEFAULT_THRESHOLDS
from aspects.settings import Thresholds

if TYPE_CHECKING:
    from aspects.acknowledge import acknowledge
    from aspects.cdk_internal import acknowledge_cdk_internal
    from aspects.guardrails import (
        AtRestGuardrails,
        DetectionGuardrails,
        InTransitGuardrails,
        PreventionGuardrails,
        SecurityGuardrails,
    )

__version__ = VERSION

#: Public name -> the module that defines it; imported (with aws_cdk) on first access.
_LAZY = {
    "acknowledge": "aspects.acknowledge",
    "acknowledge_cdk_internal": "aspects.cdk_internal",
    "AtRestGuardrails": "aspects.guardrails",
    "DetectionGuardrails": "aspects.guardrails",
    "InTransitGuardrails": "aspects.guardrails",
    "PreventionGuardrails": "aspects.guardrails",
    "SecurityGuardrails": "aspects.guardrails",
}

__all__ = [
    "ALL_RULES",
    "DEFAULT_THRESHOLDS",
    "NOTHING_TO_JUDGE",
    "PLUGIN_NAME",
    "REPORT_JSON",
    "REPORT_SARIF",
    "RULES_BY_ID",
    "AtRestGuardrails",
    "CannotVerify",
    "Coverage",
    "DetectionGuardrails",
    "Evaluation",
    "Finding",
    "InTransitGuardrails",
    "Issue",
    "Pillar",
    "PreventionGuardrails",
    "Problem",
    "ResourceView",
    "Rule",
    "SecureConstructsError",
    "SecurityGuardrails",
    "Severity",
    "StackCoverage",
    "Status",
    "Thresholds",
    "__version__",
    "acknowledge",
    "acknowledge_cdk_internal",
    "app_cache",
    "declared",
    "evaluate",
    "kms_key_problems",
    "must_be_at_least",
    "must_be_false",
    "must_be_one_of",
    "must_be_set",
    "must_be_true",
    "must_start_with",
    "retention_problems",
    "setting",
]


def __getattr__(name: str) -> Any:
    """Import a CDK-dependent public name on first access (PEP 562)."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    setattr(sys.modules[__name__], name, value)
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """Keeps ``aspects.acknowledge`` the function when the submodule of that name loads.

    Importing a submodule sets it as an attribute of its package; for ``acknowledge`` (a
    function named like its module) that would replace the public function by the module.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
