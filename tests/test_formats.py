"""The report formats for CI: SARIF for GitHub code scanning, JUnit, HTML, the rules listing.

SARIF is validated against the OASIS 2.1.0 schema (tests/data/sarif-schema-2.1.0.json) and
against GitHub code scanning's documented requirements, written out as assertions. JUnit is
read back with junitparser. The HTML page is parsed with html.parser and, where Debian's
chromium is installed (tests/install_browser.sh), rendered in a headless browser.

No synthesis: the scans read hand-written templates (tests/data and ones written here).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import junitparser
import pytest

from aspects.assembly import load_paths
from aspects.cli import exit_code, main
from aspects.engine import evaluate
from aspects.formats import Scan, render_junit, render_rules, render_sarif
from aspects.html_report import render_html
from aspects.links import (
    DOCS_BASE_URL,
    FINGERPRINT_KEY,
    RULES_DOC_URL,
    SECURITY_SEVERITY,
    fingerprint,
    rule_doc_url,
)
from aspects.model import Finding, Pillar, Problem, Rule, Severity
from aspects.rules import ALL_RULES
from tests.conftest import REPO_ROOT

DATA = REPO_ROOT / "tests" / "data"
DOCS = REPO_ROOT / "docs"
OPEN = DATA / "open.template.json"
BUCKETS = DATA / "bucket.yaml"


# -- helpers ---------------------------------------------------------------------------------


def scan_of(
    paths: Sequence[Path], rules: Sequence[Rule] = ALL_RULES, *, base: Path, baseline: str = ""
) -> Scan:
    """A scan as the CLI makes it; findings of rule *baseline* are moved to the baseline."""
    stacks = tuple(load_paths(paths))
    evaluation = evaluate(stacks, lambda _stack: tuple(rules))
    kept = tuple(f for f in evaluation.findings if f.rule.id != baseline)
    moved = tuple(
        (f, "accepted in the 2024 review, ticket SEC-12")
        for f in evaluation.findings
        if f not in kept
    )
    evaluation = dataclasses.replace(evaluation, findings=kept)
    return Scan(stacks, tuple(rules), {}, evaluation, base, baselined=moved)


def github_anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation but - and _ dropped, spaces -> -."""
    anchors = set()
    for line in markdown.splitlines():
        if line.startswith("#"):
            text = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return anchors


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    return dict(json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")))


@pytest.fixture
def traced(tmp_path: Path) -> Path:
    """A CDK template whose metadata records stack traces, as a TypeScript app's would."""
    source = tmp_path / "lib" / "app-stack.ts"
    source.parent.mkdir()
    source.write_text("export class AppStack {}\n" * 20)
    template = {
        "Resources": {
            "Open1A2B3C": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {
                    "GroupDescription": "web",
                    "SecurityGroupIngress": [
                        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}
                    ],
                },
            }
        }
    }
    (tmp_path / "App.template.json").write_text(json.dumps(template, indent=1))
    frames = [
        "new SecurityGroup (/build/node_modules/aws-cdk-lib/aws-ec2/lib/security-group.js:1:2)",
        "node:internal/main/run_main_module:28:49",
        f"new AppStack ({source}:12:5)",
        f"Object.<anonymous> ({tmp_path / 'bin' / 'app.ts'}:7:1)",
    ]
    metadata = {
        "/App/Open/Resource": [
            {"type": "aws:cdk:logicalId", "data": "Open1A2B3C", "trace": frames},
        ]
    }
    (tmp_path / "App.metadata.json").write_text(json.dumps(metadata))
    return tmp_path / "App.template.json"


# -- SARIF -----------------------------------------------------------------------------------

#: GitHub code scanning's documented SARIF requirements and limits
#: (docs.github.com, "SARIF support for code scanning").
GITHUB_MAX_RESULTS_PER_RUN = 25_000
GITHUB_MAX_RULES_PER_RUN = 25_000
GITHUB_MAX_TAGS_PER_RULE = 20
GITHUB_MAX_LOCATIONS_PER_RESULT = 1_000
GITHUB_DESCRIPTION_LIMIT = 1_024
GITHUB_PRECISIONS = {"very-high", "high", "medium", "low"}
GITHUB_PROBLEM_SEVERITIES = {"error", "warning", "recommendation"}


def assert_github_code_scanning_accepts(sarif: dict[str, Any]) -> None:
    """What GitHub code scanning requires of an uploaded SARIF file, one assertion each."""
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    for run in sarif["runs"]:
        driver = run["tool"]["driver"]
        assert driver["name"]  # tool.driver.name is required
        rules = driver["rules"]
        assert len(rules) <= GITHUB_MAX_RULES_PER_RUN
        ids = [rule["id"] for rule in rules]
        assert len(ids) == len(set(ids)), "rule ids are unique"
        for rule in rules:
            assert len(rule["shortDescription"]["text"]) <= GITHUB_DESCRIPTION_LIMIT
            assert len(rule["fullDescription"]["text"]) <= GITHUB_DESCRIPTION_LIMIT
            assert rule["helpUri"].startswith("https://")
            assert rule["help"]["text"]
            assert rule["help"]["markdown"]
            props = rule["properties"]
            tags = props["tags"]
            assert len(tags) <= GITHUB_MAX_TAGS_PER_RULE
            assert all(isinstance(tag, str) for tag in tags)
            assert props["precision"] in GITHUB_PRECISIONS
            assert props["problem.severity"] in GITHUB_PROBLEM_SEVERITIES
            # security-severity: a number from 0.0 to 10.0, as a string.
            assert isinstance(props["security-severity"], str)
            assert 0.0 <= float(props["security-severity"]) <= 10.0
        results = run["results"]
        assert len(results) <= GITHUB_MAX_RESULTS_PER_RUN
        for result in results:
            assert result["ruleId"] in ids
            assert ids[result["ruleIndex"]] == result["ruleId"]
            assert result["level"] in {"error", "warning", "note", "none"}
            assert result["message"]["text"]
            locations = result["locations"]
            assert 1 <= len(locations) <= GITHUB_MAX_LOCATIONS_PER_RESULT
            physical = locations[0]["physicalLocation"]
            uri = physical["artifactLocation"]["uri"]
            # A relative URI is resolved against the repository root (SRCROOT), else file:.
            assert uri.startswith("file:///") or (
                not uri.startswith("/") and physical["artifactLocation"]["uriBaseId"] == "SRCROOT"
            )
            region = physical["region"]
            assert 1 <= region["startLine"] <= region["endLine"]
            if region["startLine"] == region["endLine"]:
                assert region["startColumn"] < region["endColumn"]
            fingerprints = result["partialFingerprints"]
            assert fingerprints
            assert all(isinstance(v, str) for v in fingerprints.values())
            for suppression in result.get("suppressions", []):
                assert suppression["kind"] in {"inSource", "external"}
                assert suppression["justification"]
            for related in result.get("relatedLocations", []):
                assert related["physicalLocation"]["artifactLocation"]["uri"]
                assert related["message"]["text"]


def test_sarif_is_schema_valid_and_meets_github_code_scanning_requirements(
    sarif_schema: dict[str, Any], traced: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(traced.parent)
    scan = scan_of([OPEN, BUCKETS, traced], base=traced.parent, baseline="SC-S3-4")
    sarif = json.loads(render_sarif(scan))
    jsonschema.validate(sarif, sarif_schema, format_checker=jsonschema.FormatChecker())
    assert_github_code_scanning_accepts(sarif)
    (run,) = sarif["runs"]
    assert {r["ruleId"] for r in run["results"]} >= {"SC-EC2-1", "SC-S3-1", "SC-S3-4"}


def test_sarif_rules_carry_help_uri_precision_and_the_documented_security_severity() -> None:
    assert SECURITY_SEVERITY[(Severity.ERROR, Pillar.PREVENTION)] == "8.5"
    assert SECURITY_SEVERITY[(Severity.WARNING, Pillar.DETECTION)] == "3.0"
    # Every (severity, pillar) has a score, and docs/ci.md's table says the same.
    table = (DOCS / "ci.md").read_text(encoding="utf-8")
    for severity in Severity:
        row = next(line for line in table.splitlines() if line.startswith(f"| {severity} |"))
        cells = [cell.split()[0] for cell in row.strip("|").split("|")[1:]]
        assert cells == [SECURITY_SEVERITY[(severity, pillar)] for pillar in Pillar]
    scan = scan_of([OPEN], base=DATA)
    rules = {
        r["id"]: r for r in json.loads(render_sarif(scan))["runs"][0]["tool"]["driver"]["rules"]
    }
    ec2 = rules["SC-EC2-1"]
    assert ec2["helpUri"] == f"{RULES_DOC_URL}#sc-ec2-1"
    assert (ec2["properties"]["precision"], ec2["properties"]["security-severity"]) == (
        "high",
        SECURITY_SEVERITY[(Severity.ERROR, Pillar.PREVENTION)],
    )


def test_every_rule_links_to_an_existing_anchor_of_the_docs() -> None:
    rules_anchors = github_anchors((DOCS / "rules.md").read_text(encoding="utf-8"))
    for rule in ALL_RULES:
        url = rule_doc_url(rule.id)
        assert url.startswith(RULES_DOC_URL + "#")
        assert url.split("#")[1] in rules_anchors, rule.id
    for rule_id in ("SC-COV-1", "SC-CFN-1", "SC-CFN-2", "SC-CFN-3"):
        page, anchor = rule_doc_url(rule_id).removeprefix(DOCS_BASE_URL).split("#")
        assert anchor in github_anchors((DOCS / page).read_text(encoding="utf-8")), rule_id
    # A custom rule links its own page or none (tests/test_custom_rules.py), never ours.
    assert rule_doc_url("ACME-S3-1") is None


def test_sarif_region_is_the_property_judged_with_its_snippet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(DATA)
    sarif = json.loads(render_sarif(scan_of([OPEN, BUCKETS], base=DATA)))
    regions = {
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"]): r["locations"][0][
            "physicalLocation"
        ]["region"]
        for r in sarif["runs"][0]["results"]
    }
    ssh = regions[("SC-EC2-1", "Ssh")]
    lines = OPEN.read_text().splitlines()
    assert (ssh["startLine"], ssh["endLine"]) == (13, 13)
    assert ssh["snippet"]["text"] == lines[12]
    assert '"CidrIp": "0.0.0.0/0"' in lines[12]
    assert '"FromPort": 22' in lines[12]
    # A YAML property: the line of the key, starting at its column.
    sse = regions[("SC-S3-1", "Data")]
    assert sse["snippet"]["text"] == "              SSEAlgorithm: !If [Encrypt, aws:kms, AES256]"
    assert (sse["startColumn"], sse["endColumn"]) == (15, 59)
    # A missing companion (the bucket policy): the whole resource, key to last line.
    logs = regions[("SC-S3-4", "Logs")]
    yaml_lines = BUCKETS.read_text().splitlines()
    assert logs["snippet"]["text"].splitlines()[0] == "  Logs:"
    assert logs["snippet"]["text"].splitlines()[-1] == "    UpdateReplacePolicy: Retain"
    assert logs["snippet"]["text"] == "\n".join(yaml_lines[logs["startLine"] - 1 : logs["endLine"]])


def test_partial_fingerprints_survive_moved_lines_and_differ_per_finding(tmp_path: Path) -> None:
    moved = tmp_path / "open.template.json"
    text = OPEN.read_text()
    moved.write_text(text.replace('"Resources": {', '"Resources": {\n\n\n', 1))
    before = json.loads(render_sarif(scan_of([OPEN], base=DATA)))["runs"][0]["results"]
    shutil.copy(OPEN, tmp_path / "same.json")
    after = json.loads(render_sarif(scan_of([moved], base=tmp_path)))["runs"][0]["results"]
    lines_before = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before]
    lines_after = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after]
    assert lines_after == [line + 3 for line in lines_before]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    keys = [r["partialFingerprints"][FINGERPRINT_KEY] for r in before]
    assert len(set(keys)) == len(keys)


def test_fingerprint_is_rule_stack_logical_id_and_property_path_only() -> None:
    rule = ALL_RULES[0]
    finding = Finding(rule, "non-compliant", "m", "S", "a.json", "B", "AWS::S3::Bucket")  # type: ignore[arg-type]
    assert fingerprint(finding) == fingerprint(
        dataclasses.replace(finding, message="another message", template_path="b.json")
    )
    for change in ({"stack_path": "T"}, {"logical_id": "C"}, {"property_path": "Properties.X"}):
        assert fingerprint(dataclasses.replace(finding, **change)) != fingerprint(finding)  # type: ignore[arg-type]


def test_acknowledged_and_baselined_findings_are_suppressions_not_open_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(DATA)
    scan = scan_of([OPEN], base=DATA, baseline="SC-IAM-1")
    results = json.loads(render_sarif(scan))["runs"][0]["results"]
    suppressions = {r["ruleId"]: r.get("suppressions") for r in results}
    assert suppressions == {
        "SC-EC2-1": None,
        "SC-EC2-2": [
            {
                "kind": "inSource",
                "status": "accepted",
                "justification": "the VPC is only a placeholder for an imported network",
            }
        ],
        "SC-IAM-1": [
            {
                "kind": "external",
                "status": "accepted",
                "justification": "accepted in the 2024 review, ticket SEC-12",
            }
        ],
    }


def test_sarif_relates_the_finding_to_the_apps_source_when_cdk_recorded_a_trace(
    traced: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(traced.parent)
    (result,) = json.loads(render_sarif(scan_of([traced], base=traced.parent)))["runs"][0][
        "results"
    ]
    (related,) = result["relatedLocations"]
    # node_modules and Node.js frames are passed over: the first frame of the app's code.
    assert related["physicalLocation"] == {
        "artifactLocation": {"uri": "lib/app-stack.ts", "uriBaseId": "SRCROOT"},
        "region": {"startLine": 12, "startColumn": 5},
    }
    assert related["message"]["text"] == "App/Open/Resource is created here (CDK stack trace)"
    # Without a trace (a Python app, or traces off) there is no related location.
    (plain,) = json.loads(render_sarif(scan_of([OPEN], base=DATA)))["runs"][0]["results"][:1]
    assert "relatedLocations" not in plain


def test_baselined_findings_kept_in_the_evaluation_are_suppressed_in_place(tmp_path: Path) -> None:
    """The baseline keeps its findings in the evaluation: no duplicate, still suppressed."""
    scan = scan_of([OPEN], base=DATA)
    admin = next(f for f in scan.evaluation.findings if f.rule.id == "SC-IAM-1")
    scan = dataclasses.replace(
        scan, baselined=((admin, "in the baseline .secure-constructs-baseline.json"),)
    )
    results = json.loads(render_sarif(scan))["runs"][0]["results"]
    assert len(results) == len(scan.evaluation.findings)
    (iam,) = [r for r in results if r["ruleId"] == "SC-IAM-1"]
    assert iam["suppressions"][0]["kind"] == "external"
    cases = _junit(scan, "error", tmp_path)
    assert [r.message for r in cases["SC-IAM-1 open/Admin"].result] == [
        "baselined: in the baseline .secure-constructs-baseline.json"
    ]
    page = render_html(scan)
    findings = page.split('id="findings"')[1].split('id="coverage"')[0]
    assert "SC-IAM-1" not in findings
    assert "SC-IAM-1" in page.split('id="accepted"')[1]
    # A caller that decided what blocks (a fail-on level per pillar) is followed.
    nothing = dataclasses.replace(scan, blocking=frozenset())
    assert all(_kinds(c) != ["Failure"] for c in _junit(nothing, "error", tmp_path).values())


# -- JUnit -----------------------------------------------------------------------------------


def _tag_rule(rule_id: str, severity: Severity) -> Rule:
    def check(view: Any) -> list[Problem]:
        tags = view.props.get("Tags") or []
        keys = {tag.get("Key") for tag in tags if isinstance(tag, dict)}
        return (
            []
            if rule_id in keys
            else [Problem(f"the bucket has no {rule_id} tag", "Properties.Tags")]
        )

    return Rule(
        id=rule_id,
        title=f"Buckets carry the {rule_id} tag",
        pillar=Pillar.DETECTION,
        severity=severity,
        resource_types=("AWS::S3::Bucket",),
        rationale="Test rule.",
        fix=f"Add the {rule_id} tag.",
        check=check,
    )


WARN = _tag_rule("T-WARN-1", Severity.WARNING)
ERROR = _tag_rule("T-ERR-1", Severity.ERROR)


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    template = {
        "Resources": {
            # Only the error rule's tag: the warning rule reports it.
            "Warned": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": [{"Key": "T-ERR-1"}]}},
            "Clean": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"Tags": [{"Key": "T-ERR-1"}, {"Key": "T-WARN-1"}]},
            },
            # Neither tag: the error rule and the warning rule report it.
            "Broken": {"Type": "AWS::S3::Bucket", "Properties": {}},
        }
    }
    path = tmp_path / "tagged.template.json"
    path.write_text(json.dumps(template, indent=1))
    return path


def _junit(scan: Scan, fail_on: str, tmp_path: Path) -> dict[str, junitparser.TestCase]:
    report = tmp_path / f"junit-{fail_on}.xml"
    report.write_text(render_junit(scan, fail_on=fail_on))
    xml = junitparser.JUnitXml.fromfile(str(report))
    return {case.name: case for suite in xml for case in suite}


def _kinds(case: junitparser.TestCase) -> list[str]:
    return [type(r).__name__ for r in case.result]


def test_junit_warnings_are_passed_cases_with_notes_and_only_blocking_findings_fail(
    tagged: Path, tmp_path: Path
) -> None:
    scan = scan_of([tagged], [WARN, ERROR], base=tmp_path)
    cases = _junit(scan, "error", tmp_path)
    warned = cases["T-WARN-1 tagged/Warned"]
    assert _kinds(warned) == []  # passed: the exit code is 0 for a warning
    assert warned.system_out is not None
    assert "warning (non-compliant): the bucket has no" in (warned.system_out)
    assert "Docs:" not in warned.system_out  # a custom rule without docs_url: no link
    assert _kinds(cases["T-ERR-1 tagged/Broken"]) == ["Failure"]
    assert _kinds(cases["T-WARN-1 tagged/Broken"]) == []
    assert _kinds(cases["T-ERR-1 tagged/Clean"]) == []
    xml = junitparser.JUnitXml.fromfile(str(tmp_path / "junit-error.xml"))
    (suite,) = list(xml)
    assert (suite.tests, suite.failures, suite.skipped) == (6, 1, 0)
    # The properties say what the note is.
    raw = (tmp_path / "junit-error.xml").read_text()
    assert '<property name="finding.severity" value="warning" />' in raw
    assert '<property name="finding.blocking" value="false" />' in raw


@pytest.mark.parametrize(("fail_on", "failures"), [("warning", 3), ("never", 0)])
def test_junit_failures_follow_fail_on_as_the_exit_code_does(
    tagged: Path, tmp_path: Path, fail_on: str, failures: int
) -> None:
    scan = scan_of([tagged], [WARN, ERROR], base=tmp_path)
    cases = _junit(scan, fail_on, tmp_path)
    assert sum(_kinds(c) == ["Failure"] for c in cases.values()) == failures
    # The XML and the exit code agree: failures exactly when the scan exits 1.
    assert exit_code(scan, fail_on) == (1 if failures else 0)


def test_junit_acknowledged_and_baselined_are_skipped_with_the_reason(tmp_path: Path) -> None:
    scan = scan_of([OPEN], base=DATA, baseline="SC-IAM-1")
    cases = _junit(scan, "error", tmp_path)
    assert _kinds(cases["SC-EC2-1 open/Ssh"]) == ["Failure"]
    network, admin = cases["SC-EC2-2 open/Network"], cases["SC-IAM-1 open/Admin"]
    assert [r.message for r in network.result] == [
        "acknowledged: the VPC is only a placeholder for an imported network"
    ]
    assert [r.message for r in admin.result] == [
        "baselined: accepted in the 2024 review, ticket SEC-12"
    ]
    failure = cases["SC-EC2-1 open/Ssh"].result[0]
    assert f"Docs: {RULES_DOC_URL}#sc-ec2-1" in (failure.text or "")


# -- every format links to the docs ----------------------------------------------------------


def test_every_finding_in_every_format_links_to_its_rule_docs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DATA)
    outputs = {}
    for fmt in ("table", "json", "sarif", "junit", "html"):
        main(["scan", str(OPEN), "-f", fmt])
        outputs[fmt] = capsys.readouterr().out
    findings = json.loads(outputs["json"])["findings"]
    assert findings
    for finding in findings:
        url = rule_doc_url(finding["ruleId"])
        assert finding["docs"] == url
        assert f"docs: {url}" in outputs["table"]
        assert f'href="{url}"' in outputs["html"]
        assert url in outputs["junit"] or finding["acknowledged"]
    sarif = json.loads(outputs["sarif"])["runs"][0]
    uris = {r["id"]: r["helpUri"] for r in sarif["tool"]["driver"]["rules"]}
    assert all(uris[r["ruleId"]] == r["properties"]["docs"] for r in sarif["results"])


# -- HTML ------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Collects section ids, links, external asset references and text."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.assets: list[tuple[str, str]] = []
        self.tags: set[str] = set()
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.add(tag)
        if tag == "section" and values.get("id"):
            self.ids.append(str(values["id"]))
            self.stack.append(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        for name in ("src", "srcset", "data"):
            if values.get(name):
                self.assets.append((tag, str(values[name])))
        if tag == "link":
            self.assets.append((tag, str(values.get("href"))))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and data.strip():
            self.text.setdefault(self.stack[-1], []).append(data.strip())


@pytest.fixture
def html_page(tmp_path: Path) -> tuple[str, Path]:
    hostile = tmp_path / "hostile.template.json"
    hostile.write_text(
        json.dumps(
            {
                "Resources": {
                    "Evil": {
                        "Type": "AWS::EC2::SecurityGroup",
                        "Metadata": {"aws:cdk:path": "App/<script>alert(1)</script>"},
                        "Properties": {
                            "GroupDescription": "x",
                            "SecurityGroupIngress": [
                                {
                                    "IpProtocol": "tcp",
                                    "FromPort": 22,
                                    "ToPort": 22,
                                    "CidrIp": "0.0.0.0/0",
                                }
                            ],
                        },
                    }
                }
            }
        )
    )
    scan = scan_of([OPEN, BUCKETS, hostile], base=tmp_path, baseline="SC-S3-4")
    return render_html(scan), tmp_path


def test_html_is_one_self_contained_page_with_every_section(html_page: tuple[str, Path]) -> None:
    page_text, _ = html_page
    page = _Page()
    page.feed(page_text)
    assert page.ids == ["summary", "pillars", "findings", "coverage", "accepted", "skipped"]
    assert page.assets == []  # no images, stylesheets, scripts or frames from anywhere
    assert "script" not in page.tags
    assert "iframe" not in page.tags
    assert "<script>alert(1)</script>" not in page_text
    assert "App/&lt;script&gt;alert(1)&lt;/script&gt;" in page_text
    assert all(link.startswith(DOCS_BASE_URL) for link in page.links)
    pillars = " ".join(page.text["pillars"])
    for pillar in Pillar:
        assert pillar.value in pillars
    findings = " ".join(page.text["findings"])
    assert "open" in findings
    assert "bucket" in findings
    assert "Fix" in findings
    assert "SC-EC2-1" in findings
    coverage = " ".join(page.text["coverage"])
    assert "judged" in coverage
    assert "Types no rule judged" in coverage
    accepted = " ".join(page.text["accepted"])
    assert "the VPC is only a placeholder for an imported network" in accepted
    assert "accepted in the 2024 review, ticket SEC-12" in accepted
    assert "Baselined" in accepted
    assert "Acknowledged" in accepted
    assert "FAIL" in " ".join(page.text["summary"])


def test_html_counts_per_pillar(tmp_path: Path) -> None:
    scan = scan_of([OPEN], base=DATA)
    page = render_html(scan)
    prevention = page.split('id="pillar-prevention"')[1].split("</div>")[0]
    errors = sum(
        f.blocks_synthesis and f.rule.pillar is Pillar.PREVENTION for f in scan.evaluation.findings
    )
    assert f'<dd class="errors">{errors}</dd>' in prevention
    assert errors >= 2  # SC-EC2-1 and SC-IAM-1


def test_cli_writes_html_by_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["scan", str(OPEN), "-o", str(out)]) == 1
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert capsys.readouterr().err.endswith(f"html report written to {out}\n")


def test_html_renders_in_a_headless_browser(html_page: tuple[str, Path]) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: run `bash tests/install_browser.sh` first")
        pytest.skip("chromium is not installed (bash tests/install_browser.sh installs it)")
    page_text, tmp_path = html_page
    page = tmp_path / "report.html"
    page.write_text(page_text)
    shot = tmp_path / "report.png"
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1280,1600",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 1600)
    # A blank page compresses to a few KB; the dashboard, tables and text do not.
    assert len(data) > 40_000, len(data)


# -- the rules listing -----------------------------------------------------------------------


def test_rules_table_fits_a_100_column_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 100
    firsts = [line.split()[0] for line in lines[1:] if not line.startswith(" ")]
    assert firsts == [rule.id for rule in ALL_RULES]
    # Nothing is cut: every title and every equivalent control is there, in order.
    text = " ".join(" ".join(line.split()) for line in lines)
    for rule in ALL_RULES:
        assert " ".join(rule.title.split()) in text
        for control in (*rule.fsbp, *rule.cdk_nag, *rule.checkov):
            assert control in text
    narrow = render_rules(tuple(ALL_RULES), "table", width=80)
    assert max(len(line) for line in narrow.splitlines()) <= 80


def test_rules_json_and_markdown_link_the_docs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "-f", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert all(r["docs"] == rule_doc_url(r["id"]) for r in listed)
    assert main(["rules", "-f", "markdown"]) == 0
    assert f"| [SC-S3-1]({RULES_DOC_URL}#sc-s3-1) |" in capsys.readouterr().out
