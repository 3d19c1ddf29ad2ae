"""``secure-constructs``: the console script on a cdk.out made by the real CDK CLI, and on
hand-written templates; every output format, selection options, exit codes and bad input.

The app (``tests/data/nested_app.py``: a nested Stage, NestedStacks two deep, acknowledged
findings) is synthesized once for the module with the pinned ``cdk`` CLI. A few cases run
the installed console script in a subprocess; the rest call ``main(argv)`` in-process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aspects.cli import exit_code, main
from aspects.engine import Evaluation
from aspects.formats import Scan
from aspects.model import Finding, Pillar, Problem, Rule, Severity, Status
from aspects.rules import ALL_RULES
from tests.conftest import REPO_ROOT
from tests.data.nested_app import CEREMONY, SCRATCH

DATA = REPO_ROOT / "tests" / "data"
BIN = Path(sys.executable).parent
CDK = REPO_ROOT / "node_modules" / ".bin" / "cdk"
PINNED = ",".join(
    [
        *(f"SC-S3-{n}" for n in range(1, 10)),
        *("SC-KMS-1", "SC-KMS-2", "SC-KMS-3", "SC-LOGS-1", "SC-LOGS-2"),
        *("SC-EC2-1", "SC-EC2-2", "SC-IAM-1"),
    ]
)
PLAIN_BUCKET = ("SC-S3-1", "SC-S3-2", "SC-S3-4", "SC-S3-5", "SC-S3-9")
EXPECTED = {
    *(
        (rule, "Top/Plain/Resource", SCRATCH if rule == "SC-S3-2" else None)
        for rule in PLAIN_BUCKET
    ),
    *((rule, "Top/Inner/Plain/Resource", None) for rule in PLAIN_BUCKET),
    ("SC-LOGS-1", "Top/Inner/Deeper/Logs/Resource", None),
    ("SC-LOGS-2", "Top/Inner/Deeper/Logs/Resource", None),
    ("SC-KMS-1", "Prod/Api/Key/Resource", CEREMONY),
}
STACKS = ["Prod/Api", "Top", "Top/Inner", "Top/Inner/Deeper"]
NOT_PINNED = len(ALL_RULES) - len(PINNED.split(","))


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/nested_app.py synthesized by the pinned CDK CLI (path metadata included)."""
    if not CDK.exists():
        pytest.fail("the pinned CDK CLI is not installed: run `npm ci`")
    outdir = tmp_path_factory.mktemp("cli") / "cdk.out"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO_ROOT),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    result = subprocess.run(
        [str(CDK), "synth", "--quiet", "--no-notices", "--output", str(outdir)],
        cwd=DATA,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return outdir


@pytest.fixture(autouse=True)
def _beside_cdk_out(cdk_out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every command from the directory holding cdk.out (reports are relative to it)."""
    monkeypatch.chdir(cdk_out.parent)


def scan(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["scan", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def scan_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = scan(capsys, *argv, "--format", "json")
    return code, json.loads(out)


def rows(report: dict[str, Any]) -> set[tuple[str, str, str | None]]:
    return {
        (f["ruleId"], f["constructPath"], f["acknowledgmentReason"]) for f in report["findings"]
    }


def xml(text: str) -> ET.Element:
    """Parse XML this tool wrote (trusted: our own output)."""
    return ET.fromstring(text)  # noqa: S314


def run_console(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = BIN / "secure-constructs"
    if not script.exists():
        pytest.fail("the console script is not installed: run `pip install -e .`")
    return subprocess.run(
        [str(script), *argv], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


# -- the console script, end to end -------------------------------------------------------------


@pytest.mark.e2e
def test_console_script_scans_a_cli_synthesized_cdk_out(cdk_out: Path) -> None:
    result = run_console("scan", "--rule", PINNED, "--format", "json", cwd=cdk_out.parent)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert rows(report) == EXPECTED
    assert report["summary"]["stacks"] == STACKS
    assert (report["summary"]["errors"], report["summary"]["acknowledged"]) == (11, 2)


@pytest.mark.e2e
def test_console_script_default_path_is_cdk_out_and_clean_selection_exits_0(cdk_out: Path) -> None:
    result = run_console("scan", "--rule", "SC-S3-3,SC-S3-6", "-f", "json", cwd=cdk_out.parent)
    assert (result.returncode, json.loads(result.stdout)["findings"]) == (0, [])


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scan", "missing.out"], "missing.out: no such file or directory"),
        (["scan"], "cdk.out: no such directory: run `cdk synth` first, or name the paths"),
        (
            ["scan", str(DATA / "malformed.json")],
            f"{DATA / 'malformed.json'}: invalid JSON at line 4",
        ),
        (
            ["scan", str(DATA / "malformed.yaml")],
            f"{DATA / 'malformed.yaml'}: invalid YAML (line 4",
        ),
        (
            ["scan", str(DATA / "not-cloudformation.json")],
            f"{DATA / 'not-cloudformation.json'}: is not a CloudFormation template",
        ),
        (
            ["scan", str(DATA / "unknown-schema")],
            f"{DATA / 'unknown-schema' / 'manifest.json'}: has cloud assembly schema 99.0.0",
        ),
        (["scan", "--fail-on", "sometimes"], "argument --fail-on: invalid choice: 'sometimes'"),
        (["scan", "--rule", "SC-NOPE-1"], "--rule: unknown rule id 'SC-NOPE-1'"),
        (["scan", "--pillar", "vibes"], "unknown pillar 'vibes'"),
        (
            ["scan", "--allow-unjudged", "AWS::EC2::EIP=short"],
            "--allow-unjudged: the reason 'short' for AWS::EC2::EIP is too short",
        ),
        (["scan", "--allow-unjudged", "AWS::EC2::EIP"], "--allow-unjudged: 'AWS::EC2::EIP' is not"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(
    argv: list[str], message: str, tmp_path: Path
) -> None:
    result = run_console(*argv, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"secure-constructs: error: {message}")
    assert "Traceback" not in result.stderr


@pytest.mark.e2e
def test_importing_the_cli_loads_neither_aws_cdk_nor_jsii() -> None:
    probe = (
        "import sys, aspects.cli; print(sorted(m for m in ('aws_cdk', 'jsii') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


# -- nested stacks without construct metadata -----------------------------------------------------


def test_nested_stacks_are_found_from_asset_metadata_when_the_metadata_file_is_gone(
    cdk_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "bare.out"
    shutil.copytree(cdk_out, copy)
    (copy / "Top.metadata.json").unlink()
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["artifacts"]["Top"].pop("additionalMetadataFile")
    (copy / "manifest.json").write_text(json.dumps(manifest))
    code, report = scan_json(capsys, str(copy), "--rule", PINNED)
    assert code == 1
    assert report["summary"]["stacks"] == STACKS
    # Without the metadata file the acknowledgment on Top/Plain is gone; paths come from
    # the templates' aws:cdk:path.
    assert rows(report) == {
        (rule, path, None if path != "Prod/Api/Key/Resource" else reason)
        for rule, path, reason in EXPECTED
    }


# -- output formats ---------------------------------------------------------------------------


def test_table_groups_by_stack_then_pillar_and_shows_reasons(
    cdk_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = scan(capsys, str(cdk_out), "--rule", PINNED, "--format", "table")
    assert code == 1
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert headings[1:] == [
        "Prod/Api  (cdk.out/assembly-Prod/ProdApi2466CF1F.template.json)",
        "Top  (cdk.out/Top.template.json)",
        f"Top/Inner  (cdk.out/{next(cdk_out.glob('TopInner*.nested.template.json')).name})",
        f"Top/Inner/Deeper  (cdk.out/{next(cdk_out.glob('*Deeper*.nested.template.json')).name})",
        "Skipped rules (not run)",
        # CDK metadata and the two nested stack resources (their templates are judged).
        "Coverage: judged 4 of 10 resource(s), 6 with nothing to judge; nothing left unjudged",
        f"11 error(s), 0 warning(s), 2 acknowledged, {NOT_PINNED} rule(s) skipped "
        "(--fail-on error)",
    ]
    top = out.split("Top  (")[1].split("Top/Inner  (")[0]
    assert [
        line.strip()
        for line in top.splitlines()
        if line.startswith("  ") and not line.startswith("   ")
    ] == [
        "judged 1 of 3 resource(s), 2 with nothing to judge; nothing left unjudged",
        "in-transit",
        "at-rest",
        "detection",
    ]
    assert f"acknowledged: {SCRATCH}" in top
    assert f"acknowledged: {CEREMONY}" in out


def test_coverage_counts_types_only_the_rules_left_out_judge_as_not_judged(
    cdk_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = scan_json(capsys, str(cdk_out), "--rule", "SC-S3-1")
    coverage = report["coverage"]
    assert (code, coverage["resources"], coverage["judged"], coverage["nothingToJudge"]) == (
        1,
        10,
        2,
        6,
    )
    assert coverage["notJudgedTypes"] == [
        {"type": "AWS::KMS::Key", "count": 1, "accepted": None},
        {"type": "AWS::Logs::LogGroup", "count": 1, "accepted": None},
    ]
    nothing = {t["type"]: t["count"] for t in coverage["nothingToJudgeTypes"]}
    assert nothing == {"AWS::CDK::Metadata": 4, "AWS::CloudFormation::Stack": 2}
    assert [s["stack"] for s in coverage["stacks"]] == STACKS
    code, _, err = scan(capsys, str(cdk_out), "--rule", "SC-S3-1", "--fail-on-unjudged")
    assert (code, err) == (1, "")
    code, report = scan_json(capsys, str(cdk_out), "--rule", "SC-S3-1", "--fail-on-unjudged")
    assert {
        (f["ruleId"], f["constructPath"]) for f in report["findings"] if f["ruleId"] == "SC-COV-1"
    } == {
        ("SC-COV-1", "Prod/Api/Key/Resource"),
        ("SC-COV-1", "Top/Inner/Deeper/Logs/Resource"),
    }


def test_skipped_rules_are_shown_as_skipped_in_every_format(
    cdk_out: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = [str(cdk_out), "--rule", PINNED, "--skip-rule", "SC-S3-9"]
    code, report = scan_json(capsys, *base)
    assert code == 1
    assert {"id": "SC-S3-9", "reason": "skipped by --skip-rule"} in report["skippedRules"]
    assert "SC-S3-9" not in {f["ruleId"] for f in report["findings"]}

    _, table, _ = scan(capsys, *base, "--format", "table")
    assert "Skipped rules (not run)\n  SC-S3-9      skipped by --skip-rule\n" in table

    _, sarif_text, _ = scan(capsys, *base, "--format", "sarif")
    (run,) = json.loads(sarif_text)["runs"]
    overrides = run["invocations"][0]["ruleConfigurationOverrides"]
    disabled = {o["descriptor"]["id"]: o["properties"]["reason"] for o in overrides}
    assert disabled["SC-S3-9"] == "skipped by --skip-rule"
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert all(rules[o["descriptor"]["index"]] == o["descriptor"]["id"] for o in overrides)

    _, junit, _ = scan(capsys, *base, "--format", "junit")
    skipped = {
        case.get("name"): case.find("skipped").get("message")  # type: ignore[union-attr]
        for case in xml(junit).iter("testcase")
        if case.find("skipped") is not None
    }
    assert skipped["SC-S3-9 Top/Inner/Plain/Resource"] == "skipped by --skip-rule"


def test_pillar_selection_runs_only_that_pillar_and_lists_the_rest(
    cdk_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = scan_json(capsys, str(cdk_out), "--rule", PINNED, "--pillar", "detection")
    assert code == 1
    assert rows(report) == {
        ("SC-S3-9", "Top/Plain/Resource", None),
        ("SC-S3-9", "Top/Inner/Plain/Resource", None),
        ("SC-LOGS-2", "Top/Inner/Deeper/Logs/Resource", None),
    }
    reasons = {s["id"]: s["reason"] for s in report["skippedRules"]}
    assert reasons["SC-S3-1"] == "pillar at-rest not selected by --pillar detection"


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    return dict(json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")))


def test_sarif_is_valid_and_points_at_the_template_line_of_each_resource(
    cdk_out: Path, capsys: pytest.CaptureFixture[str], sarif_schema: dict[str, Any]
) -> None:
    code, out, _ = scan(
        capsys, str(cdk_out), "--rule", PINNED, "--skip-rule", "SC-S3-9", "-f", "sarif"
    )
    sarif = json.loads(out)
    jsonschema.validate(sarif, sarif_schema, format_checker=jsonschema.FormatChecker())
    (run,) = sarif["runs"]
    located = set()
    for result in run["results"]:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "SRCROOT"
        template = Path.cwd() / physical["artifactLocation"]["uri"]
        lines = template.read_text().splitlines()
        region = physical["region"]
        logical_id = result["locations"][0]["logicalLocations"][0]["name"]
        # The region lies inside the resource (its key, or the property the rule judged)
        # and its snippet is the text of those lines.
        key = next(i for i, line in enumerate(lines) if line.strip() == f'"{logical_id}": {{')
        assert key < region["startLine"] <= region["endLine"]
        assert region["snippet"]["text"] == "\n".join(
            lines[region["startLine"] - 1 : region["endLine"]]
        )
        located.add(
            (result["ruleId"], result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
        )
    assert located == {(rule, path) for rule, path, _ in EXPECTED if rule != "SC-S3-9"}
    suppressed = {r["ruleId"]: r["suppressions"] for r in run["results"] if "suppressions" in r}
    # Acknowledgments are written in the app: in-source suppressions.
    assert suppressed == {
        "SC-S3-2": [{"kind": "inSource", "status": "accepted", "justification": SCRATCH}],
        "SC-KMS-1": [{"kind": "inSource", "status": "accepted", "justification": CEREMONY}],
    }
    assert code == 1


def test_sarif_of_a_yaml_template_points_at_yaml_lines(
    capsys: pytest.CaptureFixture[str], sarif_schema: dict[str, Any]
) -> None:
    code, out, _ = scan(capsys, str(DATA / "bucket.yaml"), "--rule", PINNED, "-f", "sarif")
    sarif = json.loads(out)
    jsonschema.validate(sarif, sarif_schema, format_checker=jsonschema.FormatChecker())
    lines = (DATA / "bucket.yaml").read_text().splitlines()
    found = set()
    for result in sarif["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        # Outside the working directory: an absolute file URI without a base.
        assert physical["artifactLocation"] == {"uri": (DATA / "bucket.yaml").as_uri()}
        found.add((result["ruleId"], lines[physical["region"]["startLine"] - 1]))
    # The line of the property judged, else of the resource (a companion policy missing).
    assert found == {
        ("SC-S3-1", "    Properties:"),
        ("SC-S3-2", "    Properties:"),
        ("SC-S3-4", "  Logs:"),
        ("SC-S3-5", "  Logs:"),
        ("SC-S3-1", "              SSEAlgorithm: !If [Encrypt, aws:kms, AES256]"),
        ("SC-S3-2", "        Status: !Ref Versioning"),
    }
    assert code == 1


def test_junit_has_a_case_per_rule_and_resource_with_failures_and_skips(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = scan(capsys, str(DATA / "open.template.json"), "--rule", PINNED, "-f", "junit")
    root = xml(out)
    (suite,) = root.iter("testsuite")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert set(cases) == {"SC-EC2-1 open/Ssh", "SC-EC2-2 open/Network", "SC-IAM-1 open/Admin"}
    failure = cases["SC-EC2-1 open/Ssh"].find("failure")
    assert failure is not None
    assert "admits 0.0.0.0/0" in (failure.get("message") or "")
    skipped = cases["SC-EC2-2 open/Network"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == (
        "acknowledged: the VPC is only a placeholder for an imported network"
    )
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "2", "1")
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("3", "2", "1")
    assert code == 1


def test_junit_counts_passing_checks_of_a_clean_selection(
    cdk_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = scan(capsys, str(cdk_out), "--rule", "SC-S3-6,SC-KMS-3", "-f", "junit")
    root = xml(out)
    cases = {(c.get("classname"), c.get("name")) for c in root.iter("testcase")}
    assert cases == {
        ("Top.prevention", "SC-S3-6 Top/Plain/Resource"),
        ("Top/Inner.prevention", "SC-S3-6 Top/Inner/Plain/Resource"),
        ("Prod/Api.at-rest", "SC-KMS-3 Prod/Api/Key/Resource"),
    }
    assert (code, root.get("failures"), root.get("skipped")) == (0, "0", "0")


def test_output_file_format_follows_its_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    template = str(DATA / "open.template.json")
    for name, check in (
        ("report.sarif", lambda text: json.loads(text)["version"] == "2.1.0"),
        ("report.xml", lambda text: xml(text).tag == "testsuites"),
        ("report.json", lambda text: "findings" in json.loads(text)),
        ("report.txt", lambda text: text.startswith("SecureConstructs ")),
    ):
        code, out, err = scan(capsys, template, "--rule", PINNED, "--output", str(tmp_path / name))
        assert (code, out) == (1, "")
        assert err.endswith(f"report written to {tmp_path / name}\n")
        assert check((tmp_path / name).read_text()), name


# -- exit codes -----------------------------------------------------------------------------


def _scan_with(severity: Severity, acknowledged: bool = False) -> Scan:
    rule = Rule(
        id="SC-TEST-1",
        title="t",
        pillar=Pillar.DETECTION,
        severity=severity,
        resource_types=("AWS::S3::Bucket",),
        rationale="r",
        fix="f",
        check=lambda _view: [Problem("p")],
    )
    finding = Finding(
        rule,
        Status.NON_COMPLIANT,
        "p",
        "S",
        "S.template.json",
        "B",
        "AWS::S3::Bucket",
        acknowledged_reason="accepted for this test case" if acknowledged else None,
    )
    return Scan((), (rule,), {}, Evaluation((finding,), ("S",), 1, (rule,)))


@pytest.mark.parametrize(
    ("severity", "acknowledged", "fail_on", "expected"),
    [
        (Severity.ERROR, False, "error", 1),
        (Severity.ERROR, False, "warning", 1),
        (Severity.ERROR, False, "never", 0),
        (Severity.WARNING, False, "error", 0),
        (Severity.WARNING, False, "warning", 1),
        (Severity.ERROR, True, "error", 0),
        (Severity.WARNING, True, "warning", 0),
    ],
)
def test_exit_code_follows_fail_on(
    severity: Severity, acknowledged: bool, fail_on: str, expected: int
) -> None:
    assert exit_code(_scan_with(severity, acknowledged), fail_on) == expected


def test_fail_on_never_exits_0_despite_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = scan_json(capsys, str(DATA / "open.template.json"), "--fail-on", "never")
    assert (code, report["summary"]["errors"] > 0) == (0, True)


# -- the catalogue ----------------------------------------------------------------------------


def test_rules_lists_the_catalogue_in_three_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed] == [r.id for r in ALL_RULES]
    s3_1 = listed[0]
    assert (s3_1["fsbp"], s3_1["checkov"]) == (["S3.17"], ["CKV_AWS_19"])

    assert main(["rules", "--format", "markdown", "--pillar", "in-transit"]) == 0
    markdown = capsys.readouterr().out.splitlines()
    assert markdown[0] == "| ID | Pillar | Severity | Title | FSBP | cdk-nag | checkov |"
    assert {line.split(" | ")[1] for line in markdown[2:]} == {"in-transit"}
    assert (
        "| [SC-S3-4](https://github.com/secure-constructs/secure-constructs/blob/main/docs/"
        "rules.md#sc-s3-4) | in-transit | error | S3 bucket policies deny requests without TLS | "
        "S3.5 | AwsSolutions-S10, NIST.800.53.R5-S3BucketSSLRequestsOnly | - |"
    ) in markdown

    assert main(["rules"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["ID", "Pillar", "Severity", "Title", "/", "equivalent", "controls"]
    # One row per rule starting with its id (titles and equivalents wrap under the title).
    assert [line.split()[0] for line in table[1:] if not line.startswith(" ")] == [
        r.id for r in ALL_RULES
    ]
    assert max(map(len, table)) <= 100
