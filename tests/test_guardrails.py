"""The Aspects, the validation plugin and CDK's validation framework working together.

Each scenario is one app synthesized once (module-scoped fixtures).
"""

from __future__ import annotations

import importlib.metadata
import json
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

from aspects import (
    REPORT_JSON,
    REPORT_SARIF,
    InTransitGuardrails,
    Pillar,
    Rule,
    SecureConstructsError,
    SecurityGuardrails,
    Severity,
    acknowledge,
    evaluate,
)
from aspects.index import StackTemplate
from aspects.links import rule_doc_url
from aspects.model import Problem
from aspects.plugin import GuardrailsPlugin, _violations
from aspects.rules import ALL_RULES
from aspects.testing import assert_clean, check
from secure_constructs import SecureBucket

ALL_S3_IDS = {f"SC-S3-{n}" for n in range(1, 13)}
# What a default s3.Bucket (CDK 2.275, no feature flags; CDK retains buckets) violates.
PLAIN_BUCKET_IDS = {"SC-S3-1", "SC-S3-2", "SC-S3-4", "SC-S3-5", "SC-S3-9"}


@dataclass
class Synth:
    app: cdk.App
    outdir: Path
    error: str | None

    @property
    def plugin(self) -> GuardrailsPlugin:
        plugin = getattr(self.app, "_secure_constructs_guardrails_plugin", None)
        assert isinstance(plugin, GuardrailsPlugin)
        return plugin

    def found(self) -> set[tuple[str, str]]:
        evaluation = self.plugin.last_evaluation
        assert evaluation is not None
        return {(f.rule.id, f.location) for f in evaluation.findings}

    def report(self) -> dict:
        return json.loads((self.outdir / REPORT_JSON).read_text())


def synth(app: cdk.App, outdir: Path) -> Synth:
    try:
        app.synth()
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc):
            raise
        return Synth(app, outdir, str(exc))
    return Synth(app, outdir, None)


def plain_bucket(scope: cdk.Stack, construct_id: str = "Plain") -> s3.Bucket:
    return s3.Bucket(scope, construct_id, block_public_access=s3.BlockPublicAccess.BLOCK_ALL)


# -- an App-level aspect covers nested Stages, and failures carry the whole story ------------


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("staged")
    app = cdk.App(outdir=str(outdir))
    SecureBucket(cdk.Stack(app, "Good"), "Data")
    inner = cdk.Stack(cdk.Stage(app, "Prod"), "Inner")
    plain_bucket(inner)
    cdk.Aspects.of(app).add(SecurityGuardrails())
    return synth(app, outdir)


def test_app_level_guardrails_check_stacks_inside_nested_stages(staged: Synth) -> None:
    assert staged.found() == {(rule, "Prod/Inner/Plain/Resource") for rule in PLAIN_BUCKET_IDS}


def test_error_findings_make_app_synth_raise(staged: Synth) -> None:
    assert staged.error is not None


def test_failure_message_names_rule_path_logical_id_problem_and_fix(staged: Synth) -> None:
    message = staged.error or ""
    assert "[SC-S3-2] S3 buckets keep object versions" in message
    assert "Prod/Inner/Plain/Resource" in message
    assert "Plain295EB121" in message  # logical id
    assert "VersioningConfiguration.Status is not set" in message
    assert "Set VersioningConfiguration.Status to Enabled" in message
    assert "SecureConstructs::SC-S3-2" in message  # how to acknowledge


def test_violations_appear_in_cdk_validation_report(staged: Synth) -> None:
    report = json.loads((staged.outdir / "validation-report.json").read_text())
    (ours,) = [p for p in report["pluginReports"] if p["pluginName"] == "SecureConstructs"]
    assert ours["conclusion"] == "failure"
    rules = {v["ruleName"] for v in ours["violations"]}
    assert rules == PLAIN_BUCKET_IDS | {"SC-GATE"}
    (gate,) = [v for v in ours["violations"] if v["ruleName"] == "SC-GATE"]
    # Fatal and naming no construct: CDK never suppresses it and the CLI never filters it.
    assert gate["severity"] == "fatal"
    assert [bool(c.get("constructPath")) for c in gate["violatingConstructs"]] == [False]


def test_findings_report_lists_every_violation(staged: Synth) -> None:
    report = staged.report()
    assert report["summary"]["errors"] == len(PLAIN_BUCKET_IDS)
    assert set(report["summary"]["stacks"]) == {"Good", "Prod/Inner"}
    rows = {(f["ruleId"], f["stack"], f["logicalId"]) for f in report["findings"]}
    assert rows == {(rule, "Prod/Inner", "Plain295EB121") for rule in PLAIN_BUCKET_IDS}
    assert all(
        f["template"] == "assembly-Prod/ProdInner6AE3BBF4.template.json" for f in report["findings"]
    )


def test_sarif_report_points_at_the_template_line_of_the_resource(staged: Synth) -> None:
    sarif = json.loads((staged.outdir / REPORT_SARIF).read_text())
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == [r.id for r in ALL_RULES]
    results = run["results"]
    assert {r["ruleId"] for r in results} == PLAIN_BUCKET_IDS
    for result in results:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] == "error"
        location = result["locations"][0]["physicalLocation"]
        template = staged.outdir / location["artifactLocation"]["uri"]
        line = template.read_text().splitlines()[location["region"]["startLine"] - 1]
        assert '"Plain295EB121": {' in line


# -- an aspect on one stack checks only that stack; pillar aspects only their pillar ----------


@pytest.fixture(scope="module")
def scoped(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("scoped")
    app = cdk.App(outdir=str(outdir))
    unchecked = cdk.Stack(app, "Unchecked")
    plain_bucket(unchecked)
    transit_only = cdk.Stack(app, "TransitOnly")
    plain_bucket(transit_only)
    cdk.Aspects.of(transit_only).add(InTransitGuardrails())
    return synth(app, outdir)


def test_stack_level_aspect_checks_only_its_stack(scoped: Synth) -> None:
    evaluation = scoped.plugin.last_evaluation
    assert evaluation is not None
    assert evaluation.stacks == ("TransitOnly",)


def test_pillar_aspect_runs_only_that_pillars_rules(scoped: Synth) -> None:
    assert scoped.found() == {
        ("SC-S3-4", "TransitOnly/Plain/Resource"),
        ("SC-S3-5", "TransitOnly/Plain/Resource"),
    }
    evaluation = scoped.plugin.last_evaluation
    assert evaluation is not None
    assert {r.pillar for r in evaluation.rules} == {Pillar.IN_TRANSIT}


# -- acknowledgments: synthesis passes, the report keeps finding and reason -----------------

REASON = "Scratch data for load tests; recreated from fixtures on every run."


@pytest.fixture(scope="module")
def acknowledged(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("acknowledged")
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Scratch")
    bucket = SecureBucket(stack, "Data", versioned=False)
    acknowledge(bucket, "SC-S3-2", REASON)  # on the construct: covers its children
    whole = cdk.Stack(app, "WholeStack")
    SecureBucket(whole, "Data", versioned=False)
    acknowledge(whole, "SC-S3-2", REASON)  # on a stack: covers everything in it
    cdk.Aspects.of(app).add(SecurityGuardrails())
    return synth(app, outdir)


def test_acknowledged_errors_do_not_fail_synthesis(acknowledged: Synth) -> None:
    assert acknowledged.error is None


def test_acknowledged_findings_stay_in_the_report_with_their_reason(acknowledged: Synth) -> None:
    report = acknowledged.report()
    rows = {
        (f["ruleId"], f["constructPath"], f["acknowledged"], f["acknowledgmentReason"])
        for f in report["findings"]
    }
    assert rows == {
        ("SC-S3-2", "Scratch/Data/Bucket/Resource", True, REASON),
        ("SC-S3-2", "WholeStack/Data/Bucket/Resource", True, REASON),
    }
    assert report["summary"] == {
        "stacks": ["Scratch", "WholeStack"],
        "resourcesChecked": 10,  # buckets, keys and the bucket policies (SC-S3-8)
        "resources": 10,  # all of them judged: SecureBucket leaves nothing unjudged
        "resourcesJudged": 10,
        "resourcesNotJudged": 0,
        "typesNotJudged": 0,
        "rules": len(ALL_RULES),
        "errors": 0,
        "warnings": 0,
        "acknowledged": 2,
    }


def test_sarif_records_acknowledgments_as_suppressions(acknowledged: Synth) -> None:
    sarif = json.loads((acknowledged.outdir / REPORT_SARIF).read_text())
    suppressions = [r["suppressions"] for r in sarif["runs"][0]["results"]]
    # Written in the app: inSource, as `scan` reports it.
    assert (
        suppressions == [[{"kind": "inSource", "status": "accepted", "justification": REASON}]] * 2
    )


def test_synth_reports_carry_what_code_scanning_reads(acknowledged: Synth) -> None:
    """The reports in cdk.out link and score each rule and fingerprint each finding."""
    (run,) = json.loads((acknowledged.outdir / REPORT_SARIF).read_text())["runs"]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    s3_2 = rules["SC-S3-2"]
    assert s3_2["helpUri"] == rule_doc_url("SC-S3-2")
    assert s3_2["help"]["text"].endswith(f"Documentation: {rule_doc_url('SC-S3-2')}")
    assert s3_2["properties"]["security-severity"] == "7.0"  # an error of the at-rest pillar
    assert s3_2["properties"]["precision"] == "high"
    assert all(len(rule["fullDescription"]["text"]) <= 1024 for rule in rules.values())
    for result in run["results"]:
        identity = result["partialFingerprints"]["secureConstructsFinding/v1"]
        assert len(identity) == 32
        assert result["partialFingerprints"]["primaryLocationLineHash"] == f"{identity[:16]}:1"
        assert result["properties"]["docs"] == rule_doc_url(result["ruleId"])
    report = json.loads((acknowledged.outdir / REPORT_JSON).read_text())
    assert [(f["docs"], len(f["fingerprint"])) for f in report["findings"]] == [
        (rule_doc_url(f["ruleId"]), 32) for f in report["findings"]
    ]


def test_acknowledge_rejects_unknown_rule_and_empty_reason() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    with pytest.raises(SecureConstructsError, match=r"SC-ACK-1.*'SC-S3-99' is not a guardrail"):
        acknowledge(stack, "SC-S3-99", REASON)
    with pytest.raises(SecureConstructsError) as raised:
        acknowledge(stack, "SC-NOPE", "ok")  # a custom id may not take the SC- prefix
    assert raised.value.codes == ("SC-ACK-1", "SC-ACK-2")


# -- warnings are reported without failing ---------------------------------------------------


def _always_warn(_view: object) -> list[Problem]:
    return [Problem("just a warning", "Properties")]


WARNING_RULE = Rule(
    id="SC-TEST-1",
    title="test warning",
    pillar=Pillar.DETECTION,
    severity=Severity.WARNING,
    resource_types=("AWS::S3::Bucket",),
    rationale="test",
    fix="test",
    check=_always_warn,
)


def test_warning_findings_neither_block_nor_count_as_errors(staged: Synth) -> None:
    template = next(staged.outdir.glob("Good.template.json"))
    stack = StackTemplate.load("Good", template)
    evaluation = evaluate([stack], lambda _s: (WARNING_RULE,))
    assert evaluation.errors == ()
    assert {f.logical_id for f in evaluation.warnings} == {
        lid for lid, r in stack.template["Resources"].items() if r["Type"] == "AWS::S3::Bucket"
    }
    assert {v.severity for v in _violations(evaluation.findings)} == {"warning"}


def test_every_s3_rule_is_in_the_catalogue() -> None:
    assert {r.id for r in ALL_RULES if r.id.startswith("SC-S3-")} == ALL_S3_IDS


# -- an aspect on a nested Stage checks that Stage's stacks only -----------------------------


@pytest.fixture(scope="module")
def stage_scoped(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("stage_scoped")
    app = cdk.App(outdir=str(outdir))
    plain_bucket(cdk.Stack(app, "Outside"))
    stage = cdk.Stage(app, "Dev")
    plain_bucket(cdk.Stack(stage, "Api"))
    cdk.Aspects.of(stage).add(SecurityGuardrails())
    return synth(app, outdir)


def test_stage_level_aspect_checks_only_the_stacks_of_that_stage(stage_scoped: Synth) -> None:
    assert stage_scoped.error is not None
    assert stage_scoped.found() == {(rule, "Dev/Api/Plain/Resource") for rule in PLAIN_BUCKET_IDS}


# -- the testing helpers for users' own suites ----------------------------------------------


def test_assert_clean_passes_a_secure_stack_and_lists_findings_of_an_insecure_one() -> None:
    app = cdk.App()
    good = cdk.Stack(app, "Good")
    SecureBucket(good, "Data")
    bad = cdk.Stack(app, "Bad")
    plain_bucket(bad)
    assert assert_clean(good).findings == ()
    with pytest.raises(AssertionError, match=r"5 guardrail finding\(s\):\n  SC-S3-1 Bad/Plain"):
        assert_clean(bad)
    assert {f.rule.id for f in check(bad).findings} == PLAIN_BUCKET_IDS


# -- the fast path without an Aspect -----------------------------------------------------------


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("applied")
    app = cdk.App(outdir=str(outdir))
    SecureBucket(cdk.Stack(app, "Good"), "Data")
    SecurityGuardrails.apply(app)  # before the Stage exists: it is covered all the same
    inner = cdk.Stack(cdk.Stage(app, "Prod"), "Inner")
    plain_bucket(inner)
    return synth(app, outdir)


def test_apply_checks_the_same_as_the_aspect(applied: Synth, staged: Synth) -> None:
    assert applied.error is not None
    assert applied.found() == staged.found()


def test_pillar_apply_registers_only_its_pillar(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "OnlyTransit")
    plain_bucket(stack)
    InTransitGuardrails.apply(stack)
    result = synth(app, tmp_path)
    assert result.found() == {
        ("SC-S3-4", "OnlyTransit/Plain/Resource"),
        ("SC-S3-5", "OnlyTransit/Plain/Resource"),
    }


# -- CDK's report: findings grouped per rule, severity and text, nothing lost ----------------

#: Where each rule a plain bucket fails points (CDK's ``propertyPaths``).
PLAIN_BUCKET_PATHS = {
    "SC-S3-1": "Properties.BucketEncryption",
    "SC-S3-2": "Properties.VersioningConfiguration",
    "SC-S3-4": "BucketPolicy",
    "SC-S3-5": "BucketPolicy",
    "SC-S3-9": "Properties.LoggingConfiguration",
}
#: (template, logical id, construct path) of each plain bucket -> the severity CDK shows.
GROUPED_BUCKETS = {
    ("Blocking.template.json", "One8A44B909", "Blocking/One/Resource"): "error",
    ("Blocking.template.json", "Two20CDA8F5", "Blocking/Two/Resource"): "error",
    # fail_on="never": errors that do not block reach CDK as warnings.
    ("ReportOnly.template.json", "Three24D302E9", "ReportOnly/Three/Resource"): "warning",
}
NOT_BLOCKING = "(error, does not block: below fail_on) "


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("grouped")
    app = cdk.App(outdir=str(outdir))
    blocking = cdk.Stack(app, "Blocking")
    plain_bucket(blocking, "One")
    acknowledge(plain_bucket(blocking, "Two"), "SC-S3-2", REASON)
    report_only = cdk.Stack(app, "ReportOnly")
    plain_bucket(report_only, "Three")
    SecurityGuardrails.apply(blocking)
    SecurityGuardrails.apply(report_only, fail_on="never")
    return synth(app, outdir)


def _ours(synth: Synth) -> dict:
    report = json.loads((synth.outdir / "validation-report.json").read_text())
    (ours,) = [p for p in report["pluginReports"] if p["pluginName"] == "SecureConstructs"]
    return ours


def _entries(violations: list[dict]) -> list[tuple[str, str, str, str, str, tuple[str, ...]]]:
    """One (rule, severity, template, logical id, construct path, property paths) per resource."""
    return sorted(
        (
            v["ruleName"],
            v["severity"],
            c["cloudFormationResource"]["templatePath"],
            c["cloudFormationResource"]["logicalId"],
            c["constructPath"],
            tuple(c["cloudFormationResource"]["propertyPaths"]),
        )
        for v in violations
        for c in v["violatingConstructs"]
    )


#: aws-cdk-lib 2.275 suppresses an acknowledged rule per violating resource (the nearest
#: acknowledgment of each construct path); older releases (collectSuppressions read in
#: 2.269) suppress every violation of the rule once it is acknowledged anywhere in the app,
#: whatever the resource, so their report hides findings the gate still fails on.
CDK_SUPPRESSES_PER_RESOURCE = tuple(
    int(part) for part in importlib.metadata.version("aws-cdk-lib").split(".")[:2]
) >= (2, 275)


def test_cdk_report_keeps_every_finding_with_its_severity_one_violation_per_group(
    grouped: Synth,
) -> None:
    ours = _ours(grouped)
    violations = [v for v in ours["violations"] if v["ruleName"] != "SC-GATE"]
    # Every finding is one resource entry (the acknowledged one among the suppressed).
    assert _entries(violations + ours["suppressedViolations"]) == sorted(
        (rule, severity, template, logical_id, path, (PLAIN_BUCKET_PATHS[rule],))
        for rule in PLAIN_BUCKET_IDS
        for (template, logical_id, path), severity in GROUPED_BUCKETS.items()
    )
    # ... in one violation per rule and severity here (the messages of a rule are equal),
    # where one violation per finding made 15.
    groups = sorted(
        (rule, severity) for rule in PLAIN_BUCKET_IDS for severity in ("error", "warning")
    )
    if CDK_SUPPRESSES_PER_RESOURCE:
        assert sorted((v["ruleName"], v["severity"]) for v in violations) == groups
    else:  # the acknowledged rule's groups are suppressed whole
        everything = violations + ours["suppressedViolations"]
        assert sorted((v["ruleName"], v["severity"]) for v in everything) == groups
        violations = everything
    by_rule = {(v["ruleName"], v["severity"]): v for v in violations}
    assert by_rule["SC-S3-2", "warning"]["description"] == (
        f"[SC-S3-2] S3 buckets keep object versions: {NOT_BLOCKING}VersioningConfiguration"
        ".Status is not set; overwritten or deleted objects cannot be recovered"
    )
    # Each description is the exact text of every finding it holds.
    evaluation = grouped.plugin.last_evaluation
    assert evaluation is not None
    for v in violations:
        prefix = NOT_BLOCKING if v["severity"] == "warning" else ""
        texts = {
            f"[{f.rule.id}] {f.rule.title}: {prefix}{f.message}"
            for f in evaluation.findings
            if f.rule.id == v["ruleName"]
            and f.logical_id
            in {c["cloudFormationResource"]["logicalId"] for c in v["violatingConstructs"]}
        }
        assert texts == {v["description"]}


def test_cdk_still_suppresses_per_resource_and_fails_through_the_gate(grouped: Synth) -> None:
    ours = _ours(grouped)
    assert ours["conclusion"] == "failure"
    (gate,) = [v for v in ours["violations"] if v["ruleName"] == "SC-GATE"]
    assert gate["severity"] == "fatal"
    assert gate["description"].startswith("9 unacknowledged guardrail error(s) in 2 stack(s)")
    if not CDK_SUPPRESSES_PER_RESOURCE:
        # CDK before 2.275 hides every SC-S3-2 violation, One's too, as it did with one
        # violation per finding; the gate still fails synthesis and our report lists One.
        assert {v["ruleName"] for v in ours["suppressedViolations"]} == {"SC-S3-2"}
        assert not [v for v in ours["violations"] if v["ruleName"] == "SC-S3-2"]
        return
    (suppressed,) = ours["suppressedViolations"]
    assert (suppressed["acknowledgedId"], suppressed["reason"]) == (
        "SecureConstructs::SC-S3-2",
        REASON,
    )
    assert [c["constructPath"] for c in suppressed["violatingConstructs"]] == [
        "Blocking/Two/Resource"
    ]
    # The acknowledged resource left its group; the rest of the group still fails.
    kept = [v for v in ours["violations"] if (v["ruleName"], v["severity"]) == ("SC-S3-2", "error")]
    assert [c["constructPath"] for v in kept for c in v["violatingConstructs"]] == [
        "Blocking/One/Resource"
    ]
    # CDK's text report still prints one block per finding (5 rules for each bucket).
    message = grouped.error or ""
    assert message.count("Blocking/One/Resource (One8A44B909)") == 5
    assert message.count("ReportOnly/Three/Resource (Three24D302E9)") == 5
