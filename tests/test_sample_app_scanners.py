"""The whole sample app under the external scanners: cdk-nag's four packs, checkov, cfn-lint.

The app is built as `cdk synth` builds it (cdk.json's context: CDK's own CloudFormation
validation with findings as errors), with our guardrails applied, synthesized once;
checkov and cfn-lint then run on every template, side by side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from aspects import REPORT_JSON
from sample_app.app import STACKS, build
from sample_app.report import acknowledgments
from tests.conftest import REPO_ROOT
from tests.scanner_harness import (
    PACKS,
    checkov_failures,
    finish_cfn_lint,
    finish_checkov,
    start_cfn_lint,
    start_checkov,
    suppressed,
    violations,
)

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Scanned:
    synth_error: str | None
    outdir: Path
    templates: list[Path]
    checkov: dict[Path, dict[str, Any]]
    cfn_lint: list[dict[str, Any]]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    outdir = tmp_path_factory.mktemp("sample")
    context = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    app = cdk.App(outdir=str(outdir), context=context)
    build(app)
    cdk.Validations.of(app).add_plugins(*(pack(app) for pack in PACKS))
    error: str | None = None
    try:
        app.synth()
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc):
            raise
        error = str(exc)
    templates = sorted(outdir.glob("*.template.json"))
    checkov_runs = {t: start_checkov(t) for t in templates}
    lint = start_cfn_lint(*templates)
    return Scanned(
        synth_error=error,
        outdir=outdir,
        templates=templates,
        checkov={t: finish_checkov(p) for t, p in checkov_runs.items()},
        cfn_lint=finish_cfn_lint(lint),
    )


def test_sample_app_has_the_stacks_we_expect(scanned: Scanned) -> None:
    assert [t.name for t in scanned.templates] == [f"{s}.template.json" for s in sorted(STACKS)]


def test_sample_app_passes_our_guardrails_and_the_four_cdk_nag_packs(scanned: Scanned) -> None:
    assert scanned.synth_error is None, scanned.synth_error
    report = json.loads((scanned.outdir / "validation-report.json").read_text())
    # The one open entry is a warning that names what no rule read: the rotation function
    # AWS's Secrets Manager transform builds for the database's hosted rotation.
    assert violations(report) == [("SecureConstructs", "SC-CFN-2", "")]
    ours = json.loads((scanned.outdir / REPORT_JSON).read_text())
    assert [(f["ruleId"], f["stack"], f["severity"]) for f in ours["findings"]] == [
        ("SC-CFN-2", "SecureData", "warning")
    ]
    assert "HostedRotationLambda of" in ours["findings"][0]["message"]


def test_every_suppressed_finding_carries_a_reason(scanned: Scanned) -> None:
    report = json.loads((scanned.outdir / "validation-report.json").read_text())
    accepted = suppressed(report)
    assert {a["pluginName"] for a in accepted} == {
        "AwsSolutions",
        "NIST.800.53.R5",
        "HIPAA.Security",
        "PCI.DSS.321",
    }
    without = [
        a
        for a in accepted
        if len((a.get("reason") or a.get("suppressionReason") or "").strip()) < 20
    ]
    assert without == []


def test_cdk_cloudformation_validation_finds_nothing(scanned: Scanned) -> None:
    report = json.loads((scanned.outdir / "validation-report.json").read_text())
    assert [
        r for r in report["pluginReports"] if r["pluginName"] == "CloudFormation Validate"
    ] == []


def test_sample_app_passes_checkov(scanned: Scanned) -> None:
    for template, result in scanned.checkov.items():
        assert checkov_failures(result) == [], template.name
        assert result["summary"]["passed"] > 0, template.name
        assert result["summary"]["parsing_errors"] == 0, template.name
    # checkov's JSON drops the skip comments: every skip must be an acknowledgment with a
    # reason in the template metadata (the docs table lists them).
    acknowledged = {a.rule for a in acknowledgments(scanned.outdir) if a.scanner == "checkov"}
    skipped = {
        c["check_id"]
        for result in scanned.checkov.values()
        for c in result["results"]["skipped_checks"]
    }
    assert skipped
    assert skipped <= acknowledged


def test_sample_app_passes_cfn_lint(scanned: Scanned) -> None:
    assert scanned.cfn_lint == [], json.dumps(scanned.cfn_lint, indent=1)
