"""Adopting the guardrails on an existing app (issue 13).

Report-only and per-pillar modes, baselines (``baseline create`` / ``scan --baseline`` /
``SecurityGuardrails(baseline=...)`` / ``baseline prune``), acknowledgments that expire,
cover one property or match nothing (stale), and registering the guardrails as a CDK
validation plugin. Every scenario is a real ``app.synth()``, one per module fixture.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3

import aspects
from aspects import REPORT_JSON, REPORT_SARIF, Pillar, SecureConstructsError, acknowledge
from aspects.baseline import Baseline, FailOn, decide
from aspects.cli import main
from aspects.guardrails import AtRestGuardrails, SecurityGuardrails
from aspects.plugin import (
    NO_REPORTS_AS_PLUGIN,
    PLUGIN_ATTRIBUTE,
    GuardrailsPlugin,
    plugins_only_add_files,
)
from aspects.report import to_json
from aspects.testing import check
from secure_constructs import SecureBucket

REASON = "Scratch data for load tests; recreated from fixtures on every run."
PLAIN = {"SC-S3-1", "SC-S3-2", "SC-S3-4", "SC-S3-5", "SC-S3-9"}
AT_REST = {"SC-S3-1", "SC-S3-2"}


@dataclass
class Synth:
    app: cdk.App
    outdir: Path
    error: str | None

    @property
    def plugin(self) -> GuardrailsPlugin:
        plugin = getattr(self.app, PLUGIN_ATTRIBUTE, None)
        assert isinstance(plugin, GuardrailsPlugin)
        return plugin

    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.outdir / REPORT_JSON).read_text())
        return data

    def rows(self) -> set[tuple[str, str, bool]]:
        """(rule, construct path, blocking) of every finding in the JSON report."""
        return {(f["ruleId"], f["constructPath"], f["blocking"]) for f in self.report()["findings"]}


def synth(app: cdk.App, outdir: Path) -> Synth:
    try:
        app.synth()
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc):
            raise
        return Synth(app, outdir, str(exc))
    return Synth(app, outdir, None)


def gate(run: Synth) -> str:
    """The text of the SC-GATE violation (CDK prints it first)."""
    assert run.error is not None
    return run.error.split("Rule SecureConstructs::SC-GATE", 1)[0]


def plain_bucket(scope: cdk.Stack, construct_id: str) -> s3.Bucket:
    return s3.Bucket(scope, construct_id, block_public_access=s3.BlockPublicAccess.BLOCK_ALL)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- report-only: everything reported, nothing blocks ----------------------------------------


@pytest.fixture(scope="module")
def report_only(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("report_only")
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Legacy")
    plain_bucket(stack, "Plain")
    # An acknowledgment anywhere in the app makes CDK fail on every *error* violation, so
    # report-only must hand CDK the findings as warnings.
    acknowledge(SecureBucket(stack, "Scratch", versioned=False), "SC-S3-2", REASON)
    cdk.Aspects.of(app).add(SecurityGuardrails(fail_on="never"))
    return synth(app, outdir)


def test_report_only_does_not_fail_synthesis(report_only: Synth) -> None:
    assert report_only.error is None


def test_report_only_reports_every_finding_as_not_blocking(report_only: Synth) -> None:
    assert report_only.rows() == {
        *((rule, "Legacy/Plain/Resource", False) for rule in PLAIN),
        ("SC-S3-2", "Legacy/Scratch/Bucket/Resource", False),  # acknowledged
    }
    adoption = report_only.report()["adoption"]
    assert (adoption["blocked"], adoption["blocking"], adoption["failOn"]["summary"]) == (
        False,
        0,
        "never",
    )
    assert {f["ruleId"] for f in adoption["notBlocking"]} == PLAIN
    assert report_only.report()["summary"]["errors"] == 5  # still errors, just not blocking


def test_report_only_tells_cdk_the_findings_do_not_block(report_only: Synth) -> None:
    cdk_report = json.loads((report_only.outdir / "validation-report.json").read_text())
    ours = next(r for r in cdk_report["pluginReports"] if r["pluginName"] == "SecureConstructs")
    assert ours["conclusion"] == "success"
    assert {v["severity"] for v in ours["violations"]} == {"warning"}
    assert all(
        "(error, does not block: below fail_on)" in v["description"] for v in ours["violations"]
    )


def test_report_only_summary_says_nothing_blocked(report_only: Synth) -> None:
    adoption = report_only.plugin.last_adoption
    assert adoption is not None
    assert adoption.lines()[0] == (
        "  report-only (fail_on never): 5 unacknowledged finding(s) reported, none blocks"
    )


# -- one pillar at a time ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def per_pillar(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("per_pillar")
    app = cdk.App(outdir=str(outdir))
    plain_bucket(cdk.Stack(app, "Legacy"), "Plain")
    cdk.Aspects.of(app).add(
        SecurityGuardrails(fail_on="never", fail_on_pillars={"at-rest": "error"})
    )
    return synth(app, outdir)


def test_fail_on_pillars_blocks_only_that_pillar(per_pillar: Synth) -> None:
    assert per_pillar.error is not None
    assert per_pillar.rows() == {(rule, "Legacy/Plain/Resource", rule in AT_REST) for rule in PLAIN}
    text = gate(per_pillar)
    assert "2 unacknowledged guardrail error(s)" in text
    assert "SC-S3-1 Legacy/Plain/Resource" in text
    assert "SC-S3-9 Legacy" not in text
    assert per_pillar.report()["adoption"]["failOn"] == {
        "summary": "never (at-rest: error)",
        "default": "never",
        "pillars": {"at-rest": "error"},
    }


def test_overlapping_scopes_take_the_stricter_level() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    plugin = GuardrailsPlugin()
    plugin.add_scope("", frozenset(Pillar), fail_on=FailOn("never"))
    plugin.add_scope("S", frozenset({Pillar.AT_REST}), fail_on=FailOn("error"))
    finding = _finding("SC-S3-2", "S/B/Resource")
    other = _finding("SC-S3-9", "S/B/Resource")
    elsewhere = _finding("SC-S3-2", "T/B/Resource", stack="T")
    assert (plugin.level_of(finding), plugin.level_of(other), plugin.level_of(elsewhere)) == (
        "error",
        "never",
        "never",
    )
    assert stack.node.path == "S"


def test_bad_fail_on_options_are_refused_all_at_once() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        SecurityGuardrails(fail_on="none", fail_on_pillars={"secrets": "never", "detection": "off"})
    assert raised.value.codes == ("SC-GUARD-6",) * 3
    assert "'none' is not a fail-on level" in str(raised.value)
    assert "'secrets' is not a pillar" in str(raised.value)


# -- baselines ---------------------------------------------------------------------------------


@dataclass
class Adopted:
    file: Path
    before: Synth
    new_finding: Synth  # one bucket added since the baseline, one removed
    unchanged: Synth  # one removed, nothing new


def _legacy(outdir: Path, buckets: list[str], **options: Any) -> Synth:
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Legacy")
    for name in buckets:
        plain_bucket(stack, name)
    cdk.Aspects.of(app).add(SecurityGuardrails(**options))
    return synth(app, outdir)


@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory) -> Adopted:
    root = tmp_path_factory.mktemp("adopted")
    before = _legacy(root / "before", ["Old", "Gone"], fail_on="never")
    file = root / ".secure-constructs-baseline.json"
    assert main(["baseline", "create", str(before.outdir), "--output", str(file)]) == 0
    new = _legacy(root / "new", ["Old", "New"], baseline=str(file))
    unchanged = _legacy(root / "unchanged", ["Old"], baseline=str(file))
    return Adopted(file, before, new, unchanged)


def test_baseline_create_records_every_unacknowledged_finding_by_identity(adopted: Adopted) -> None:
    data = json.loads(adopted.file.read_text())
    assert data["format"] == 1
    assert {(e["ruleId"], e["stack"], e["constructPath"]) for e in data["findings"]} == {
        (rule, "Legacy", f"Legacy/{name}/Resource") for rule in PLAIN for name in ("Old", "Gone")
    }
    entry = next(e for e in data["findings"] if e["ruleId"] == "SC-S3-2")
    assert entry["propertyPath"] == "Properties.VersioningConfiguration"
    assert entry["logicalId"].startswith("Gone")


def test_only_findings_outside_the_baseline_fail_synthesis(adopted: Adopted) -> None:
    assert adopted.new_finding.error is not None
    assert adopted.new_finding.rows() == {
        *((rule, "Legacy/Old/Resource", False) for rule in PLAIN),
        *((rule, "Legacy/New/Resource", True) for rule in PLAIN),
    }
    text = gate(adopted.new_finding)
    assert "Legacy/New/Resource" in text
    assert "Legacy/Old/Resource" not in text


def test_baselined_findings_do_not_fail_synthesis(adopted: Adopted) -> None:
    assert adopted.unchanged.error is None
    assert {(f["baselined"], f["blocking"]) for f in adopted.unchanged.report()["findings"]} == {
        (True, False)
    }


def test_reports_list_baselined_findings_and_stale_entries(adopted: Adopted) -> None:
    section = adopted.unchanged.report()["adoption"]["baseline"]
    assert section["file"] == str(adopted.file)
    assert section["entries"] == 10
    assert {(f["ruleId"], f["constructPath"]) for f in section["baselined"]} == {
        (rule, "Legacy/Old/Resource") for rule in PLAIN
    }
    assert {(e["ruleId"], e["constructPath"]) for e in section["stale"]} == {
        (rule, "Legacy/Gone/Resource") for rule in PLAIN
    }
    sarif = json.loads((adopted.new_finding.outdir / REPORT_SARIF).read_text())
    states = {
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]): (
            r["baselineState"],
            r["properties"]["blocking"],
        )
        for r in sarif["runs"][0]["results"]
    }
    assert states[("SC-S3-2", "Legacy/Old/Resource")] == ("unchanged", False)
    assert states[("SC-S3-2", "Legacy/New/Resource")] == ("new", True)


def test_baseline_identity_ignores_messages(adopted: Adopted) -> None:
    data = json.loads(adopted.file.read_text())
    for entry in data["findings"]:
        entry["message"], entry["severity"] = "reworded", ""
    edited = adopted.file.with_name("reworded.json")
    edited.write_text(json.dumps(data))
    evaluation = adopted.unchanged.plugin.last_evaluation
    assert evaluation is not None
    outcome = decide(
        evaluation, level_of=lambda _f: "error", policy="error", baseline=Baseline.load(edited)
    )
    assert (len(outcome.blocking), len(outcome.baselined)) == (0, 5)
    other_property = data["findings"][0] | {"propertyPath": "Properties.Other"}
    edited.write_text(json.dumps({"format": 1, "findings": [other_property]}))
    assert Baseline.load(edited).matching(evaluation.findings[0]) is None


def test_scan_with_baseline_exits_1_only_on_new_findings(
    adopted: Adopted, capsys: pytest.CaptureFixture[str]
) -> None:
    new = str(adopted.new_finding.outdir)
    unchanged = str(adopted.unchanged.outdir)
    assert cli(capsys, "scan", new, "--format", "json")[0] == 1
    assert cli(capsys, "scan", unchanged, "--format", "json")[0] == 1  # no baseline
    code, out, _ = cli(capsys, "scan", unchanged, "--baseline", str(adopted.file), "-f", "json")
    assert code == 0
    report = json.loads(out)
    assert (
        report["adoption"]["baseline"]["stale"]
        == adopted.unchanged.report()["adoption"]["baseline"]["stale"]
    )
    code, out, _ = cli(capsys, "scan", new, "--baseline", str(adopted.file), "-f", "table")
    assert code == 1
    assert "Baselined (in the baseline, not failing the scan)" in out
    assert "Stale baseline entries" in out
    assert "SC-S3-2 Legacy/Gone/Resource" in out
    assert out.rstrip().endswith("5 finding(s) fail the scan (--fail-on error, 5 baselined)")


def test_every_format_agrees_with_the_exit_code_on_baselined_findings(
    adopted: Adopted, capsys: pytest.CaptureFixture[str]
) -> None:
    unchanged = str(adopted.unchanged.outdir)
    code, out, _ = cli(capsys, "scan", unchanged, "--baseline", str(adopted.file), "-f", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert code == 0
    assert results
    assert all(
        [s["kind"] for s in r.get("suppressions", [])] in (["external"], ["inSource"])
        for r in results
    )
    assert {r["suppressions"][0]["kind"] for r in results if r.get("baselineState")} == {"external"}
    code, out, _ = cli(capsys, "scan", unchanged, "--baseline", str(adopted.file), "-f", "junit")
    assert code == 0
    assert '<testsuites name="SecureConstructs"' in out
    assert 'failures="0"' in out
    assert "in the baseline" in out


def test_scan_fail_on_pillar(adopted: Adopted, capsys: pytest.CaptureFixture[str]) -> None:
    outdir = str(adopted.before.outdir)
    code, out, _ = cli(capsys, "scan", outdir, "-f", "json", "--fail-on-pillar", "at-rest=never")
    assert code == 1
    report = json.loads(out)
    assert {f["ruleId"] for f in report["findings"] if f["blocking"]} == PLAIN - AT_REST
    args = ("--fail-on", "never", "--fail-on-pillar", "detection=error")
    assert cli(capsys, "scan", outdir, "-f", "json", *args)[0] == 1
    code, _out, err = cli(capsys, "scan", outdir, "--fail-on-pillar", "detection")
    assert (code, "is not PILLAR=LEVEL" in err) == (2, True)
    code, _out, err = cli(capsys, "scan", outdir, "--fail-on-pillar", "secrets=never")
    assert (code, "'secrets' is not a pillar" in err) == (2, True)


def test_baseline_prune_drops_entries_nothing_matches(
    adopted: Adopted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "baseline.json"
    shutil.copy(adopted.file, file)
    unchanged = str(adopted.unchanged.outdir)
    code, out, _ = cli(capsys, "baseline", "prune", unchanged, "--baseline", str(file), "--check")
    assert (code, out.count("stale: ")) == (1, 5)
    assert json.loads(file.read_text()) == json.loads(adopted.file.read_text())  # untouched
    code, _out, err = cli(capsys, "baseline", "prune", unchanged, "--baseline", str(file))
    assert code == 0
    assert "removed 5 stale entr(ies)" in err
    kept = {e["constructPath"] for e in json.loads(file.read_text())["findings"]}
    assert kept == {"Legacy/Old/Resource"}
    assert cli(capsys, "baseline", "prune", unchanged, "--baseline", str(file), "--check")[0] == 0


def test_prune_keeps_entries_of_rules_that_did_not_run(
    adopted: Adopted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "baseline.json"
    shutil.copy(adopted.file, file)
    args = ("--baseline", str(file), "--pillar", "in-transit")
    code, out, _ = cli(capsys, "baseline", "prune", str(adopted.unchanged.outdir), *args)
    assert code == 0
    assert {line.split()[1] for line in out.splitlines()} == {"SC-S3-4", "SC-S3-5"}
    assert len(json.loads(file.read_text())["findings"]) == 8


def test_bad_baselines_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(SecureConstructsError, match=r"SC-GUARD-9.*no such baseline file"):
        SecurityGuardrails(baseline=str(missing))
    broken = tmp_path / "broken.json"
    broken.write_text('{"findings": []}')
    with pytest.raises(SecureConstructsError, match="is not a secure-constructs baseline"):
        SecurityGuardrails(baseline=broken)
    code, _out, err = cli(capsys, "scan", str(tmp_path), "--baseline", str(broken))
    assert code == 2
    assert "is not a secure-constructs baseline" in err
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    cdk.Aspects.of(app).add(SecurityGuardrails(baseline=Baseline((), "a.json")))
    cdk.Aspects.of(stack).add(SecurityGuardrails(baseline=Baseline((), "b.json")))
    with pytest.raises(RuntimeError, match="SC-GUARD-7"):  # raised in the Aspect, via jsii
        app.synth()


# -- acknowledgments that stay honest ---------------------------------------------------------


@pytest.fixture(scope="module")
def acks(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("acks")
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Acks")
    fine = SecureBucket(stack, "Fine")
    acknowledge(fine, "SC-S3-9", REASON)  # SecureBucket logs: nothing to acknowledge
    cdk.Validations.of(fine).acknowledge(  # the native path, stale too
        cdk.Acknowledgment(id="SecureConstructs::SC-S3-1", reason=REASON)
    )
    acknowledge(
        SecureBucket(stack, "Expired", versioned=False), "SC-S3-2", REASON, until="2020-01-01"
    )
    acknowledge(
        SecureBucket(stack, "Current", versioned=False), "SC-S3-2", REASON, until="2999-12-31"
    )
    group = ec2.CfnSecurityGroup(
        stack,
        "Admin",
        group_description="admin access",
        security_group_ingress=[
            ec2.CfnSecurityGroup.IngressProperty(
                ip_protocol="tcp", from_port=port, to_port=port, cidr_ip="0.0.0.0/0"
            )
            for port in (22, 3389)
        ],
    )
    acknowledge(group, "SC-EC2-1", REASON, property="Properties.SecurityGroupIngress[1]")
    cdk.Aspects.of(app).add(SecurityGuardrails())
    return synth(app, outdir)


def _by_rule_and_path(synth: Synth) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {
        (f["ruleId"], f["constructPath"], f["propertyPath"]): f for f in synth.report()["findings"]
    }


def test_expired_acknowledgment_blocks_again_and_says_so(acks: Synth) -> None:
    assert acks.error is not None
    finding = _by_rule_and_path(acks)[
        ("SC-S3-2", "Acks/Expired/Bucket/Resource", "Properties.VersioningConfiguration")
    ]
    assert (finding["acknowledged"], finding["blocking"]) == (False, True)
    assert "it expired after 2020-01-01" in finding["ignoredAcknowledgment"]
    expired = acks.report()["adoption"]["acknowledgments"]["expired"]
    assert expired == [
        {
            "ruleId": "SC-S3-2",
            "at": "Acks/Expired",
            "reason": REASON,
            "until": "2020-01-01",
            "property": None,
            "findingsBlockingAgain": 1,
        }
    ]
    text = gate(acks)
    assert "SC-S3-2 Acks/Expired/Bucket/Resource" in text
    assert "expired after 2020-01-01" in text


def test_acknowledgment_before_its_expiry_holds(acks: Synth) -> None:
    finding = _by_rule_and_path(acks)[
        ("SC-S3-2", "Acks/Current/Bucket/Resource", "Properties.VersioningConfiguration")
    ]
    assert (finding["acknowledged"], finding["acknowledgmentReason"]) == (True, REASON)


def test_acknowledgment_of_one_property_leaves_the_others_blocking(acks: Synth) -> None:
    found = _by_rule_and_path(acks)
    first = found[("SC-EC2-1", "Acks/Admin", "Properties.SecurityGroupIngress[0]")]
    second = found[("SC-EC2-1", "Acks/Admin", "Properties.SecurityGroupIngress[1]")]
    assert (second["acknowledged"], second["blocking"]) == (True, False)
    assert (first["acknowledged"], first["blocking"]) == (False, True)
    assert "it covers only Properties.SecurityGroupIngress[1]" in first["ignoredAcknowledgment"]
    assert "SC-EC2-1 Acks/Admin" in gate(acks)


def test_acknowledgments_that_match_nothing_are_reported_stale(acks: Synth) -> None:
    stale = acks.report()["adoption"]["acknowledgments"]["stale"]
    assert {(s["ruleId"], s["at"], s["reason"]) for s in stale} == {
        ("SC-S3-9", "Acks/Fine", REASON),
        ("SC-S3-1", "Acks/Fine", REASON),
    }
    adoption = acks.plugin.last_adoption
    assert adoption is not None
    assert (
        "  stale acknowledgment: SecureConstructs::SC-S3-9 at Acks/Fine: it matches no "
        in "\n".join(adoption.lines())
    )


def test_scan_reads_the_same_acknowledgment_terms(
    acks: Synth, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "scan", str(acks.outdir), "-f", "json")
    assert code == 1
    report = json.loads(out)
    assert report["adoption"]["acknowledgments"] == acks.report()["adoption"]["acknowledgments"]
    assert {
        (f["ruleId"], f["constructPath"], f["propertyPath"], f["blocking"])
        for f in report["findings"]
    } == {
        (f["ruleId"], f["constructPath"], f["propertyPath"], f["blocking"])
        for f in acks.report()["findings"]
    }


def test_check_applies_expiry_like_synthesis() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Expiring")
    acknowledge(
        SecureBucket(stack, "Expired", versioned=False), "SC-S3-2", REASON, until="2020-01-01"
    )
    acknowledge(
        SecureBucket(stack, "Current", versioned=False), "SC-S3-2", REASON, until="2999-12-31"
    )
    by_path = {
        f.construct_path: f.acknowledged for f in check(app).findings if f.rule.id == "SC-S3-2"
    }
    assert by_path == {
        "Expiring/Expired/Bucket/Resource": False,
        "Expiring/Current/Bucket/Resource": True,
    }


def test_acknowledge_checks_until_and_property() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(SecureConstructsError) as raised:
        acknowledge(stack, "SC-S3-2", REASON, until="next spring", property="not a path")
    assert raised.value.codes == ("SC-ACK-5", "SC-ACK-6")
    assert "'next spring' is not a date" in str(raised.value)


# -- registered as a CDK validation plugin, the cdk-nag 3 way --------------------------------


def _app_with_findings(outdir: Path, **props: Any) -> cdk.App:
    app = cdk.App(outdir=str(outdir), **props)
    plain_bucket(cdk.Stack(app, "Top"), "Plain")
    stage = cdk.Stage(app, "Prod")
    plain_bucket(cdk.Stack(stage, "Inner"), "Plain")
    acknowledge(SecureBucket(cdk.Stack(app, "Scratch"), "Data", versioned=False), "SC-S3-2", REASON)
    return app


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synth]:
    root = tmp_path_factory.mktemp("registered")
    aspect = _app_with_findings(root / "aspect")
    cdk.Aspects.of(aspect).add(SecurityGuardrails())
    plugins = _app_with_findings(root / "add_plugins")
    cdk.Validations.of(plugins).add_plugins(SecurityGuardrails())
    beta = _app_with_findings(root / "beta1", policy_validation_beta1=[SecurityGuardrails()])
    return {
        "aspect": synth(aspect, root / "aspect"),
        "add_plugins": synth(plugins, root / "add_plugins"),
        "policy_validation_beta1": synth(beta, root / "beta1"),
    }


def _comparable(synth: Synth) -> dict[str, Any]:
    """The JSON report of the run: what it wrote, or would have written."""
    plugin = synth.plugin
    assert plugin.last_evaluation is not None
    report = to_json(plugin.last_evaluation, synth.outdir, adoption=plugin.last_adoption)
    if _writes_reports(synth):
        assert synth.report() == json.loads(json.dumps(report))
    else:
        assert not (synth.outdir / REPORT_JSON).exists()
    report.pop("tool")
    return json.loads(json.dumps(report))


def _writes_reports(synth: Synth) -> bool:
    """Whether the run wrote report files: not as a plugin where CDK lets plugins only add."""
    return synth.plugin.registered_by is None or not plugins_only_add_files()


def test_every_registration_blocks(registered: dict[str, Synth]) -> None:
    for name, run in registered.items():
        assert run.error is not None, name
        assert "10 unacknowledged guardrail error(s) in 3 stack(s)" in run.error, name


def test_every_registration_reports_identically(registered: dict[str, Synth]) -> None:
    expected = _comparable(registered["aspect"])
    assert {f["constructPath"] for f in expected["findings"]} == {
        "Top/Plain/Resource",
        "Prod/Inner/Plain/Resource",
        "Scratch/Data/Bucket/Resource",
    }
    for name in ("add_plugins", "policy_validation_beta1"):
        assert _comparable(registered[name]) == expected, name
        assert gate(registered[name]) == gate(registered["aspect"]), name
    assert _writes_reports(registered["aspect"])


def test_a_plugin_registration_that_writes_no_reports_says_so(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    app = _app_with_findings(tmp_path, policy_validation_beta1=[SecurityGuardrails()])
    run = synth(app, tmp_path)
    assert run.error is not None
    err = capfd.readouterr().err
    if plugins_only_add_files():
        assert NO_REPORTS_AS_PLUGIN in err.splitlines()
        assert sorted(p.name for p in tmp_path.glob("secure-constructs-report.*")) == []
    else:
        assert NO_REPORTS_AS_PLUGIN not in err
        assert f"  report: {tmp_path / REPORT_JSON}, {tmp_path / REPORT_SARIF}" in err


def test_plugin_registration_in_report_only_mode_passes(tmp_path: Path) -> None:
    app = _app_with_findings(
        tmp_path, policy_validation_beta1=[SecurityGuardrails(fail_on="never")]
    )
    run = synth(app, tmp_path)
    assert run.error is None
    report = _comparable(run)
    assert report["adoption"]["blocked"] is False
    assert len(report["adoption"]["notBlocking"]) == 10


def test_guardrails_registered_twice_refuse_to_run(tmp_path: Path) -> None:
    app = _app_with_findings(tmp_path)
    cdk.Aspects.of(app).add(SecurityGuardrails())
    cdk.Validations.of(app).add_plugins(SecurityGuardrails())
    run = synth(app, tmp_path)
    assert run.error is not None
    assert "SC-GUARD-8" in run.error


# -- the import paths --------------------------------------------------------------------------


def test_secure_constructs_re_exports_the_guardrails_and_acknowledge() -> None:
    import secure_constructs

    assert secure_constructs.SecurityGuardrails is aspects.SecurityGuardrails
    assert secure_constructs.acknowledge is aspects.acknowledge
    assert {"SecurityGuardrails", "acknowledge"} <= set(secure_constructs.__all__)
    assert issubclass(AtRestGuardrails, secure_constructs.SecurityGuardrails)


# -- helpers -----------------------------------------------------------------------------------


def _finding(rule_id: str, path: str, stack: str = "S") -> aspects.Finding:
    from aspects.model import Status
    from aspects.rules import RULES_BY_ID

    return aspects.Finding(
        RULES_BY_ID[rule_id],
        Status.NON_COMPLIANT,
        "m",
        stack,
        "t.json",
        "L",
        "AWS::S3::Bucket",
        path,
    )


def test_fail_on_warning_blocks_warnings_and_never_blocks_nothing() -> None:
    from dataclasses import replace

    from aspects.engine import Evaluation
    from aspects.model import Severity
    from aspects.rules import RULES_BY_ID

    warning_rule = next(r for r in RULES_BY_ID.values() if r.severity is Severity.WARNING)
    warning = replace(_finding("SC-S3-2", "S/B/Resource"), rule=warning_rule)
    error = _finding("SC-S3-2", "S/B/Resource")
    evaluation = Evaluation((warning, error), ("S",), 1, (warning_rule, error.rule))
    blocked = {
        level: decide(evaluation, level_of=lambda _f, lv=level: lv, policy=level).blocking
        for level in ("error", "warning", "never")
    }
    assert blocked == {"error": (error,), "warning": (warning, error), "never": ()}


def test_scan_table_lists_stale_and_expired_acknowledgments(
    acks: Synth, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "scan", str(acks.outdir), "-f", "table")
    assert code == 1
    assert "Stale acknowledgments (match no finding; remove them)" in out
    assert "  SecureConstructs::SC-S3-9 at Acks/Fine: it matches no finding" in out
    assert "  SecureConstructs::SC-S3-2 at Acks/Expired until 2020-01-01: 1 finding(s)" in out
