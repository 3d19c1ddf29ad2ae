"""Run the real external scanners on a synthesized stack: cdk-nag 3 (four packs), checkov, cfn-lint.

Shared by the per-construct scanner tests. One synthesis per app; checkov and cfn-lint run
once per template, side by side, offline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks

PACKS = (AwsSolutionsChecks, NIST80053R5Checks, HIPAASecurityChecks, PCIDSS321Checks)
PACK_NAMES = frozenset({"AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"})
COMPLIANCE_PACKS = ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")

_BIN = Path(sys.executable).parent
# No network: no Prisma Cloud policy download/mapping, no PyPI version check.
_CHECKOV_ENV = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE"}


@dataclass(frozen=True)
class Scanned:
    """One app synthesized with the cdk-nag packs, and its template run through the CLIs."""

    stack: cdk.Stack
    synth_error: str | None
    report: dict[str, Any]
    template_path: Path
    template: dict[str, Any]
    checkov: dict[str, Any]
    cfn_lint: list[dict[str, Any]]

    def plugin_reports(self) -> dict[str, dict[str, Any]]:
        return {r["pluginName"]: r for r in self.report["pluginReports"]}

    def logical_id(self, path: str) -> str:
        """The logical id of the L1 at *path* below the stack (e.g. ``Data/Bucket``)."""
        node = self.stack.node.find_child(path.split("/")[0])
        for part in path.split("/")[1:]:
            node = node.node.find_child(part)
        cfn = node.node.default_child
        assert isinstance(cfn, cdk.CfnElement)
        return str(self.stack.resolve(cfn.logical_id))


def violations(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Unsuppressed (plugin, rule, construct path) triples, warnings included."""
    return [
        (r["pluginName"], v["ruleName"], c["constructPath"])
        for r in report["pluginReports"]
        for v in r["violations"]
        for c in v["violatingConstructs"]
    ]


def suppressed(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Acknowledged violations, one per violating construct, with id, place and reason."""
    return [
        {**v, "pluginName": r["pluginName"], "constructPath": c["constructPath"]}
        for r in report["pluginReports"]
        for v in r.get("suppressedViolations") or []
        for c in v["violatingConstructs"]
    ]


def start_checkov(template: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            str(_BIN / "checkov"),
            "--file",
            str(template),
            "--framework",
            "cloudformation",
            "--output",
            "json",
            "--skip-download",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_CHECKOV_ENV,
    )


def start_cfn_lint(*templates: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(_BIN / "cfn-lint"), "--format", "json", *map(str, templates)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_checkov(proc: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = proc.communicate(timeout=300)
    # Exit code 1 = failed checks (judged by the tests); anything else is a crash.
    assert proc.returncode in (0, 1), f"checkov crashed ({proc.returncode}):\n{err}"
    result = json.loads(out)
    if isinstance(result, list):  # one entry per framework when several ran
        (result,) = (r for r in result if r.get("check_type") == "cloudformation")
    assert result.get("check_type") == "cloudformation", f"checkov scanned nothing: {out}"
    return dict(result)


def finish_cfn_lint(proc: subprocess.Popen[str]) -> list[dict[str, Any]]:
    out, err = proc.communicate(timeout=300)
    # Exit code is a bit mask of error (2), warning (4), informational (8); 1 = crash.
    assert proc.returncode & 1 == 0, f"cfn-lint crashed ({proc.returncode}):\n{err}"
    return list(json.loads(out))


def scan(outdir: Path, build: Callable[[cdk.Stack], object]) -> Scanned:
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Stack")
    build(stack)
    cdk.Validations.of(app).add_plugins(*(pack(app) for pack in PACKS))
    synth_error: str | None = None
    try:
        app.synth()
    except RuntimeError as exc:  # cdk-nag violations fail synthesis
        if "ValidationFailed" not in str(exc):
            raise
        synth_error = str(exc)
    report = json.loads((outdir / "validation-report.json").read_text())
    template_path = outdir / "Stack.template.json"
    checkov = start_checkov(template_path)
    cfn_lint = start_cfn_lint(template_path)
    return Scanned(
        stack=stack,
        synth_error=synth_error,
        report=report,
        template_path=template_path,
        template=json.loads(template_path.read_text()),
        checkov=finish_checkov(checkov),
        cfn_lint=finish_cfn_lint(cfn_lint),
    )


def checkov_failures(result: dict[str, Any]) -> list[str]:
    return [
        f"{c['check_id']} {c['resource']}: {c['check_name']}"
        for c in result["results"]["failed_checks"]
    ]
