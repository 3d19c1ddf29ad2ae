"""Coverage in every report, the nothing-to-judge table, and the closed world.

One app, synthesized once for the module (``app.synth()`` with the guardrails plugin):

* ``Mixed``: one judged resource (an SSM parameter), 3 + 1 ``AWS::Test::Widget`` (a type no
  rule will ever judge), one ``Custom::Gadget``, types with nothing to judge (2 route
  tables, a CDK bucket deployment with its hashed type, the nested stack resource) and a
  nested stack ``Mixed/Inner`` (a widget and a dashboard). ``Mixed/Zone`` is a construct the
  guardrails close (``fail_on_unjudged`` on that construct only).
* ``Closed/Strict`` (a stack in a Stage closed with ``fail_on_unjudged``): a parameter, 2
  widgets, a gadget (accepted with ``allow_unjudged``) and a route table.

The command line scans the same cloud assembly.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsonschema
import pytest
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from aspects import (
    NOTHING_TO_JUDGE,
    Coverage,
    InTransitGuardrails,
    Pillar,
    Rule,
    SecureConstructsError,
    SecurityGuardrails,
    Severity,
    Thresholds,
    evaluate,
)
from aspects.assembly import load_assembly
from aspects.cli import main
from aspects.constants import MIN_REASON_LENGTH, REPORT_JSON, REPORT_SARIF
from aspects.coverage import (
    NESTED_STACK,
    NOTHING_TO_JUDGE_PREFIXES,
    UNJUDGED_RULE,
    check_allow_unjudged,
    nothing_to_judge,
    nothing_to_judge_markdown,
    with_unjudged,
)
from aspects.engine import Evaluation
from aspects.plugin import GuardrailsPlugin, selection_for
from aspects.report import coverage_line, summary
from aspects.rules import ALL_RULES
from tests.conftest import REPO_ROOT

WIDGET = "AWS::Test::Widget"
GADGET = "Custom::Gadget"
DEPLOYMENT = "Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C"
GADGET_REASON = "gadgets are inert test fixtures without any settings"
WIDGET_REASON = "widgets are inert test fixtures without any settings"
BIN = Path(sys.executable).parent
VPC = {"VpcId": "vpc-0123456789abcdef0"}


@dataclass
class Synth:
    app: cdk.App
    outdir: Path
    error: str
    stderr: str

    @property
    def evaluation(self) -> Evaluation:
        plugin = getattr(self.app, "_secure_constructs_guardrails_plugin", None)
        assert isinstance(plugin, GuardrailsPlugin)
        assert plugin.last_evaluation is not None
        return plugin.last_evaluation


def _resources(scope: Construct, resource_type: str, *names: str) -> None:
    for name in names:
        cdk.CfnResource(scope, name, type=resource_type)


def _parameter(scope: Construct) -> None:
    ssm.CfnParameter(scope, "Region", type="String", value="eu-west-1")


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("coverage")
    app = cdk.App(outdir=str(outdir))
    mixed = cdk.Stack(app, "Mixed")
    _parameter(mixed)
    _resources(mixed, WIDGET, "Widget0", "Widget1", "Widget2")
    _resources(mixed, GADGET, "Gadget")
    for name in ("Routes0", "Routes1"):
        cdk.CfnResource(mixed, name, type="AWS::EC2::RouteTable", properties=VPC)
    _resources(mixed, DEPLOYMENT, "Deploy")
    zone = Construct(mixed, "Zone")
    _resources(zone, WIDGET, "Widget")
    inner = cdk.NestedStack(mixed, "Inner")
    _resources(inner, WIDGET, "Widget")
    _resources(inner, "AWS::CloudWatch::Dashboard", "Dashboard")
    closed = cdk.Stage(app, "Closed")
    strict = cdk.Stack(closed, "Strict")
    _parameter(strict)
    _resources(strict, WIDGET, "Widget0", "Widget1")
    _resources(strict, GADGET, "Gadget")
    cdk.CfnResource(strict, "Routes", type="AWS::EC2::RouteTable", properties=VPC)

    cdk.Aspects.of(app).add(SecurityGuardrails())
    SecurityGuardrails.apply(closed, fail_on_unjudged=True, allow_unjudged={GADGET: GADGET_REASON})
    SecurityGuardrails.apply(zone, fail_on_unjudged=True)
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), pytest.raises(RuntimeError) as raised:
        app.synth()
    assert "ValidationFailed" in str(raised.value)
    return Synth(app, outdir, str(raised.value), stderr.getvalue())


# -- the coverage model --------------------------------------------------------------------


def test_coverage_counts_are_exact_per_stack_and_in_total(synth: Synth) -> None:
    coverage = synth.evaluation.coverage
    per_stack = {
        s.stack_path: (s.resources, s.judged, s.nothing_to_judge_counts, s.unjudged_counts)
        for s in coverage.stacks
    }
    assert per_stack == {
        "Mixed": (
            10,
            1,
            {"AWS::EC2::RouteTable": 2, NESTED_STACK: 1, DEPLOYMENT: 1},
            {WIDGET: 4, GADGET: 1},
        ),
        "Mixed/Inner": (2, 0, {"AWS::CloudWatch::Dashboard": 1}, {WIDGET: 1}),
        "Closed/Strict": (5, 1, {"AWS::EC2::RouteTable": 1}, {WIDGET: 2, GADGET: 1}),
    }
    assert (coverage.resources, coverage.judged, coverage.nothing_to_judge) == (17, 2, 6)
    assert (coverage.not_judged, coverage.unjudged_counts) == (9, {WIDGET: 7, GADGET: 2})
    assert synth.evaluation.resources_checked == coverage.judged
    assert coverage.fail_on_unjudged
    assert coverage.accepted == {GADGET: GADGET_REASON}


def test_judged_types_are_derived_from_the_selected_rules(synth: Synth) -> None:
    stacks = load_assembly(synth.outdir)
    widget_rule = Rule(
        id="SC-TEST-1",
        title="t",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=(WIDGET,),
        rationale="r",
        fix="f",
        check=lambda _view: (),
    )
    coverage = evaluate(stacks, lambda _s: (widget_rule,)).coverage
    assert (coverage.judged, coverage.unjudged_counts) == (7, {"AWS::SSM::Parameter": 2, GADGET: 2})
    # No rule about a pillar's types: under one pillar the others' types are not judged.
    in_transit = evaluate(stacks, lambda s: selection_for(s.stack_path, {"": {Pillar.IN_TRANSIT}}))
    assert "AWS::SSM::Parameter" in in_transit.coverage.unjudged_counts


def test_guardrails_on_a_construct_count_only_the_resources_below_it(synth: Synth) -> None:
    stacks = load_assembly(synth.outdir)
    scoped = evaluate(
        stacks, lambda s: selection_for(s.stack_path, {"Mixed/Zone": frozenset(Pillar)})
    )
    (mixed,) = scoped.coverage.stacks
    assert (mixed.stack_path, mixed.resources, mixed.judged, mixed.unjudged_counts) == (
        "Mixed",
        1,
        0,
        {WIDGET: 1},
    )


def test_the_nothing_to_judge_table_is_respected_and_apart_from_judged_types() -> None:
    judged = {t for rule in ALL_RULES for t in rule.resource_types}
    assert not judged & set(NOTHING_TO_JUDGE), "a rule judges a type the table says has nothing"
    assert not {t for t in judged for p in NOTHING_TO_JUDGE_PREFIXES if t.startswith(p)}
    for name, reason in {**NOTHING_TO_JUDGE, **NOTHING_TO_JUDGE_PREFIXES}.items():
        assert re.fullmatch(r"[A-Za-z0-9]+(::[A-Za-z0-9]+){1,2}", name), name
        assert len(reason) >= MIN_REASON_LENGTH, name
        assert "\n" not in reason, name
    # Types that may matter stay out, however often they appear.
    for relevant in (
        "AWS::EC2::Subnet",
        "AWS::EC2::EIP",
        "AWS::Lambda::Permission",
        "AWS::IAM::Policy",
        "AWS::CloudFormation::CustomResource",
        "Custom::AWS",
        NESTED_STACK,
    ):
        assert nothing_to_judge(relevant) is None, relevant
    assert nothing_to_judge(DEPLOYMENT) == NOTHING_TO_JUDGE_PREFIXES["Custom::CDKBucketDeployment"]


def test_docs_hold_the_generated_table_and_the_options() -> None:
    coverage_md = (REPO_ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert nothing_to_judge_markdown() in coverage_md, "run python -m aspects.coverage"
    for option in ("fail_on_unjudged", "allow_unjudged", "--fail-on-unjudged", "SC-COV-1"):
        assert option in coverage_md
    cli_md = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "`--fail-on-unjudged`" in cli_md
    assert "`--allow-unjudged TYPE=REASON`" in cli_md


# -- every report states it ------------------------------------------------------------------


LINE = (
    "judged 2 of 17 resource(s), 6 with nothing to judge; not judged: "
    f"{WIDGET} x7, {GADGET} x2 (accepted)"
)


def test_synth_summary_states_coverage_and_accepted_types(synth: Synth) -> None:
    first, *rest = summary(synth.evaluation).splitlines()
    assert first.endswith(f"acknowledged; {LINE}")
    assert f"  not judged, accepted: {GADGET} x2: {GADGET_REASON}" in rest
    printed = [line for line in synth.stderr.splitlines() if "guardrails:" in line]
    assert printed == [first]


def test_text_names_the_most_frequent_types_then_how_many_more() -> None:
    coverage = Coverage()
    assert coverage_line(coverage) == "judged 0 of 0 resource(s); nothing left unjudged"
    stacks = load_template_stack({f"AWS::T::T{i}": i + 1 for i in range(8)})
    line = coverage_line(evaluate([stacks], lambda _s: ALL_RULES).coverage, listed=3)
    assert line == (
        "judged 0 of 36 resource(s); not judged: AWS::T::T7 x8, AWS::T::T6 x7, AWS::T::T5 x6 "
        "and 5 more type(s)"
    )


def load_template_stack(counts: dict[str, int]) -> Any:
    from aspects.index import StackTemplate

    resources = {
        f"R{name.rsplit(':', 1)[1]}N{n}": {"Type": name}
        for name, count in counts.items()
        for n in range(count)
    }
    return StackTemplate("S", "S.template.json", {"Resources": resources})


def test_json_report_in_the_assembly_carries_coverage(synth: Synth) -> None:
    report = json.loads((synth.outdir / REPORT_JSON).read_text())
    summary_ = report["summary"]
    assert (summary_["resources"], summary_["resourcesJudged"]) == (17, 2)
    assert (summary_["resourcesNotJudged"], summary_["typesNotJudged"]) == (9, 2)
    coverage = report["coverage"]
    assert coverage["notJudgedTypes"] == [
        {"type": WIDGET, "count": 7, "accepted": None},
        {"type": GADGET, "count": 2, "accepted": GADGET_REASON},
    ]
    assert coverage["allowUnjudged"] == [{"type": GADGET, "reason": GADGET_REASON}]
    assert coverage["failOnUnjudged"] is True
    reasons = {t["type"]: t["reason"] for t in coverage["nothingToJudgeTypes"]}
    assert reasons["AWS::EC2::RouteTable"] == NOTHING_TO_JUDGE["AWS::EC2::RouteTable"]
    assert "judged as a stack of its own" in reasons[NESTED_STACK]
    strict = next(s for s in coverage["stacks"] if s["stack"] == "Closed/Strict")
    assert strict["notJudgedTypes"][0] == {
        "type": WIDGET,
        "count": 2,
        "logicalIds": ["Widget0", "Widget1"],
    }


def test_sarif_run_properties_carry_coverage(synth: Synth) -> None:
    schema = json.loads((REPO_ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    sarif = json.loads((synth.outdir / REPORT_SARIF).read_text())
    jsonschema.validate(sarif, schema)
    properties = sarif["runs"][0]["properties"]
    assert properties["coverageSummary"] == LINE
    report = json.loads((synth.outdir / REPORT_JSON).read_text())
    assert properties["coverage"] == report["coverage"]


def scan(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["scan", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def scan_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = scan(capsys, *argv, "--format", "json")
    return code, json.loads(out)


def test_scan_json_and_table_state_coverage(
    synth: Synth, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = scan(capsys, str(synth.outdir), "-f", "json")
    assert code == 0  # nothing but coverage to report, and no closed world
    report = json.loads(out)
    assert report["coverage"]["notJudgedTypes"] == [
        {"type": WIDGET, "count": 7, "accepted": None},
        {"type": GADGET, "count": 2, "accepted": None},
    ]
    assert report["coverage"]["failOnUnjudged"] is False

    code, table, _ = scan(capsys, str(synth.outdir), "-f", "table")
    lines = table.splitlines()
    mixed = lines.index(next(line for line in lines if line.startswith("Mixed  (")))
    assert lines[mixed + 1] == (
        "  judged 1 of 10 resource(s), 4 with nothing to judge; not judged: "
        f"{WIDGET} x4, {GADGET} x1"
    )
    assert lines[-2] == (
        "Coverage: judged 2 of 17 resource(s), 6 with nothing to judge; not judged: "
        f"{WIDGET} x7, {GADGET} x2"
    )


def test_scan_junit_states_coverage_per_suite(
    synth: Synth, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = scan(capsys, str(synth.outdir), "-f", "junit")
    suites = {s.get("name"): s for s in ET.fromstring(out).iter("testsuite")}  # noqa: S314
    inner = suites["Mixed/Inner"]
    assert next(iter(inner)).tag == "properties"
    properties = {p.get("name"): p.get("value") for p in inner.iter("property")}
    assert properties["coverage.resources"] == "2"
    assert properties["coverage.judged"] == "0"
    assert properties["coverage.notJudgedTypes"] == f"{WIDGET} x1"
    assert inner.findtext("system-out") == (
        f"coverage: judged 0 of 2 resource(s), 1 with nothing to judge; not judged: {WIDGET} x1"
    )


def test_scan_output_file_prints_coverage_on_stderr(
    synth: Synth, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = scan(capsys, str(synth.outdir), "-o", str(tmp_path / "r.sarif"))
    assert code == 0
    assert "; judged 2 of 17 resource(s), 6 with nothing to judge; not judged: " in err


# -- the closed world ----------------------------------------------------------------------


def test_fail_on_unjudged_fails_synthesis_naming_the_types(synth: Synth) -> None:
    errors = synth.evaluation.errors
    assert {(f.rule.id, f.location) for f in errors} == {
        ("SC-COV-1", "Closed/Strict/Widget0"),
        ("SC-COV-1", "Closed/Strict/Widget1"),
        ("SC-COV-1", "Mixed/Zone/Widget"),
    }
    assert all(f.resource_type == WIDGET and not f.acknowledged for f in errors)
    # Through the fatal gate: CDK cannot suppress it; the message names the type.
    assert "FATAL 3 unacknowledged guardrail error(s) in 3 stack(s)" in synth.error
    assert f"Not judged by any rule (fail_on_unjudged): {WIDGET} x3." in synth.error


def test_gate_violation_is_fatal_and_in_the_validation_report(synth: Synth) -> None:
    report = json.loads((synth.outdir / "validation-report.json").read_text())
    (ours,) = [p for p in report["pluginReports"] if p["pluginName"] == "SecureConstructs"]
    (gate,) = [v for v in ours["violations"] if v["ruleName"] == "SC-GATE"]
    assert gate["severity"] == "fatal"
    assert WIDGET in gate["description"]


def test_accepted_types_and_types_with_nothing_to_judge_never_fail(synth: Synth) -> None:
    evaluation = synth.evaluation
    assert {f.resource_type for f in evaluation.findings} == {WIDGET}
    assert UNJUDGED_RULE in evaluation.rules
    allowed = with_unjudged(
        evaluate(load_assembly(synth.outdir), lambda _s: ALL_RULES),
        closed=[""],
        allow_unjudged={WIDGET: WIDGET_REASON, GADGET: GADGET_REASON},
    )
    assert (allowed.errors, allowed.findings) == ((), ())


def test_scan_fail_on_unjudged_exits_1_naming_the_type(
    synth: Synth, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = scan(capsys, str(synth.outdir), "--fail-on-unjudged", "-f", "json")
    assert code == 1
    unjudged = [(f["ruleId"], f["resourceType"]) for f in json.loads(out)["findings"]]
    assert sorted(unjudged) == [("SC-COV-1", WIDGET)] * 7 + [("SC-COV-1", GADGET)] * 2
    code, table, _ = scan(capsys, str(synth.outdir), "--fail-on-unjudged", "-f", "table")
    assert code == 1
    assert f"{WIDGET} is not judged" in table


def test_scan_allow_unjudged_accepts_types_with_a_reason(
    synth: Synth, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(synth.outdir), "--fail-on-unjudged", "-f", "table"]
    code, table, _ = scan(capsys, *argv, "--allow-unjudged", f"{GADGET}={GADGET_REASON}")
    assert code == 1
    assert f"{GADGET} is not judged" not in table
    assert (
        f"  judged 1 of 10 resource(s), 4 with nothing to judge; not judged: {WIDGET} x4, " in table
    )
    assert f"{GADGET} x1 (accepted)\n" in table
    assert f"Not judged, accepted (--allow-unjudged)\n  {GADGET} x2: {GADGET_REASON}\n" in table
    code, _, _ = scan(
        capsys,
        *argv,
        "--allow-unjudged",
        f"{GADGET}={GADGET_REASON}",
        "--allow-unjudged",
        f" {WIDGET} = {WIDGET_REASON}",
    )
    assert code == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (f"{WIDGET}=too short", f"the reason 'too short' for {WIDGET} is too short"),
        (WIDGET, f"'{WIDGET}' is not TYPE=REASON"),
        (f"=  {WIDGET_REASON}", "is not TYPE=REASON"),
        (f"not a type={WIDGET_REASON}", "'not a type' is not a CloudFormation resource type"),
    ],
)
def test_bad_allow_unjudged_is_one_line_and_exit_2(
    synth: Synth, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    code, out, err = scan(capsys, str(synth.outdir), "--allow-unjudged", value)
    assert (code, out) == (2, "")
    (line,) = err.splitlines()
    assert line.startswith("secure-constructs: error: --allow-unjudged: ")
    assert message in line


def test_allow_unjudged_given_twice_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = scan(
        capsys,
        "--allow-unjudged",
        f"{WIDGET}={WIDGET_REASON}",
        "--allow-unjudged",
        f"{WIDGET}={GADGET_REASON}",
    )
    assert code == 2
    assert err == f"secure-constructs: error: --allow-unjudged: {WIDGET} is given twice\n"


CHILD_URL = "https://s3.amazonaws.com/templates-bucket/child.json"
CHILD_REASON = "the child stack is scanned in the platform team's own pipeline"


def test_a_nested_stack_whose_template_is_elsewhere_fails_the_scan_unless_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "parent.json"
    child = {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": CHILD_URL}}
    template.write_text(json.dumps({"Resources": {"Child": child}}))
    code, report = scan_json(capsys, str(template))
    assert code == 1
    assert [
        (f["ruleId"], f["logicalId"], f["status"], f["severity"]) for f in report["findings"]
    ] == [("SC-CFN-3", "Child", "cannot-verify", "error")]
    assert report["findings"][0]["message"].startswith(
        "the template of nested stack parent/Child was not found"
    )
    # Not a finding to acknowledge: accepted as a type nobody judged, with the reason.
    code, report = scan_json(
        capsys, str(template), "--allow-unjudged", f"AWS::CloudFormation::Stack={CHILD_REASON}"
    )
    assert (code, report["findings"]) == (0, [])
    assert report["coverage"]["notJudgedTypes"] == [
        {"type": "AWS::CloudFormation::Stack", "count": 1, "accepted": CHILD_REASON}
    ]


def test_a_nested_stack_not_loaded_is_one_error_under_fail_on_unjudged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "parent.json"
    child = {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": CHILD_URL}}
    template.write_text(json.dumps({"Resources": {"Child": child}}))
    code, report = scan_json(capsys, str(template), "--fail-on-unjudged")
    assert code == 1
    assert [f["ruleId"] for f in report["findings"]] == ["SC-CFN-3"]


@pytest.mark.e2e
def test_console_script_fail_on_unjudged_names_the_type(synth: Synth, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(BIN / "secure-constructs"), "scan", str(synth.outdir), "--fail-on-unjudged"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (1, "")
    assert f"{WIDGET} is not judged" in result.stdout


# -- the options of the Aspect -----------------------------------------------------------------


def test_allow_unjudged_needs_a_type_name_and_a_reason() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        SecurityGuardrails(allow_unjudged={WIDGET: "short", "widget": WIDGET_REASON})
    assert raised.value.codes == ("SC-GUARD-7", "SC-GUARD-6")
    with pytest.raises(SecureConstructsError, match=r"SC-GUARD-6.*not a mapping"):
        SecurityGuardrails(allow_unjudged=[WIDGET])  # type: ignore[arg-type]
    with pytest.raises(SecureConstructsError) as both:
        InTransitGuardrails(settings="tight", fail_on_unjudged="yes")  # type: ignore[arg-type]
    assert both.value.codes == ("SC-GUARD-4", "SC-GUARD-5")
    assert check_allow_unjudged({WIDGET: f"  {WIDGET_REASON}  "}) == ({WIDGET: WIDGET_REASON}, [])


def test_new_options_coexist_with_settings() -> None:
    guardrails = SecurityGuardrails(Thresholds(), fail_on_unjudged=True)
    assert guardrails._settings == Thresholds()
    app = cdk.App()
    SecurityGuardrails.apply(app, Thresholds(), fail_on_unjudged=True, allow_unjudged=None)
    plugin = getattr(app, "_secure_constructs_guardrails_plugin", None)
    assert isinstance(plugin, GuardrailsPlugin)
    assert plugin._closed == {""}
