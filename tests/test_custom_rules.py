"""Custom rules: the documented example runs, validation names the rule, bugs fail closed.

Also the shared retention layer (one finding for DeletionPolicy and UpdateReplacePolicy),
through check_template with the built-in rule.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import aws_cdk as cdk
import jsonschema
import pytest
from aws_cdk import aws_s3 as s3

import aspects
from aspects import (
    DetectionGuardrails,
    Pillar,
    Problem,
    ResourceView,
    Rule,
    SecureConstructsError,
    SecurityGuardrails,
    Severity,
)
from aspects.cli import main
from aspects.index import StackTemplate
from aspects.model import Status
from aspects.plugin import GuardrailsPlugin, plugin_of
from aspects.rules import RULES_BY_ID
from aspects.testing import check, check_template

DOC = Path(__file__).resolve().parent.parent / "docs" / "custom-rules.md"
DATA = Path(__file__).resolve().parent / "data"
REASON = "scratch bucket, deleted nightly by the sandbox job"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def my_rules(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The documented ``my_rules.py`` (the first python block), importable as my_rules."""
    folder = tmp_path_factory.mktemp("rules")
    (folder / "my_rules.py").write_text(_blocks()[0], encoding="utf-8")
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("my_rules")
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("my_rules", None)


def _template() -> dict[str, Any]:
    return {
        "Parameters": {"Owner": {"Type": "String"}},
        "Resources": {
            "Untagged": {"Type": "AWS::S3::Bucket", "Properties": {}},
            "Blank": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"Tags": [{"Key": "owner", "Value": " "}]},
            },
            "FromParameter": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {"Tags": [{"Key": "owner", "Value": {"Ref": "Owner"}}]},
            },
            "Owned": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"Tags": [{"Key": "owner", "Value": "payments"}]},
            },
            "ShortLogs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}},
            "LongLogs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 400}},
        },
    }


# -- the documented example ---------------------------------------------------------------


def test_documented_rules_judge_a_template(my_rules: ModuleType) -> None:
    evaluation = check_template(_template(), rules=my_rules.RULES)
    assert {(f.rule.id, f.logical_id, f.status) for f in evaluation.findings} == {
        ("ACME-TAG-1", "Untagged", Status.NON_COMPLIANT),
        ("ACME-TAG-1", "Blank", Status.NON_COMPLIANT),
        ("ACME-TAG-1", "FromParameter", Status.CANNOT_VERIFY),
        ("ACME-LOGS-1", "ShortLogs", Status.NON_COMPLIANT),
    }
    (short,) = [f for f in evaluation.findings if f.logical_id == "ShortLogs"]
    assert short.message == (
        "RetentionInDays is 30: ACME keeps application logs for 13 months; set at least 400"
    )
    assert {f.logical_id for f in evaluation.errors} == {"Untagged", "Blank", "FromParameter"}


def test_documented_check_template_snippet_runs(my_rules: ModuleType) -> None:
    snippet = next(block for block in _blocks() if "check_template(" in block)
    exec(compile(snippet, str(DOC), "exec"), {})  # noqa: S102 - the doc's own example


def test_documented_acknowledgment_of_a_custom_rule_holds_until_its_day(
    my_rules: ModuleType,
) -> None:
    snippet = next(block for block in _blocks() if "acknowledge(" in block)
    namespace: dict[str, Any] = {}
    exec(compile(snippet, str(DOC), "exec"), namespace)  # noqa: S102 - the doc's own example
    evaluation = check(namespace["stack"], extra_rules=my_rules.RULES)
    (finding,) = [f for f in evaluation.findings if f.rule.id == "ACME-TAG-1"]
    holds = dt.date.today() <= dt.date(2027, 3, 31)  # the example's until=
    assert (finding.construct_path, finding.acknowledged) == ("Sandbox/Scratch/Resource", holds)


def test_documented_rules_are_valid_for_the_guardrails(my_rules: ModuleType) -> None:
    SecurityGuardrails(extra_rules=my_rules.RULES)  # raises if a rule were invalid


def test_scan_runs_a_rules_module(
    my_rules: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "my_rules.py").write_text(_blocks()[0], encoding="utf-8")
    (tmp_path / "t.json").write_text(json.dumps(_template()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(
        ["scan", "t.json", "--rules-module", "my_rules", "--rule", "ACME-TAG-1", "-f", "json"]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    found = {(f["ruleId"], f["logicalId"]) for f in report["findings"]}
    assert found == {
        ("ACME-TAG-1", "Untagged"),
        ("ACME-TAG-1", "Blank"),
        ("ACME-TAG-1", "FromParameter"),
    }


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (None, "--rules-module nowhere_rules: cannot be imported (ModuleNotFoundError"),
        ("X = 1\n", "--rules-module nowhere_rules: has no RULES"),
        ("RULES = [1]\n", "[SC-RULE-1] rules[0]: 1 is not an aspects.Rule."),
        (
            "from aspects import RULES_BY_ID\nfrom dataclasses import replace\n"
            "RULES = [replace(RULES_BY_ID['SC-S3-1'], title='mine')]\n",
            "[SC-RULE-2] rule SC-S3-1.id: 'SC-S3-1' is the id of a built-in rule",
        ),
    ],
)
def test_a_bad_rules_module_is_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: str | None,
    expected: str,
) -> None:
    if source is not None:
        (tmp_path / "nowhere_rules.py").write_text(source, encoding="utf-8")
    (tmp_path / "t.json").write_text(json.dumps(_template()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    sys.modules.pop("nowhere_rules", None)
    try:
        code = main(["scan", "t.json", "--rules-module", "nowhere_rules", "-f", "json"])
    finally:
        sys.modules.pop("nowhere_rules", None)
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert expected in err


# -- validation: one line per problem, naming the rule --------------------------------------


def _rule(**changes: Any) -> Rule:
    fields: dict[str, Any] = {
        "id": "ACME-1",
        "title": "A title",
        "pillar": Pillar.PREVENTION,
        "severity": Severity.ERROR,
        "resource_types": ("AWS::S3::Bucket",),
        "rationale": "Why it matters.",
        "fix": "How to fix it.",
        "check": lambda r: iter(()),
    }
    fields.update(changes)
    return Rule(**fields)


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        (
            {"pillar": "secrecy"},
            "[SC-RULE-5] rule ACME-1.pillar: 'secrecy' is not a Pillar. Fix: use one of "
            "Pillar.IN_TRANSIT, Pillar.AT_REST, Pillar.PREVENTION, Pillar.DETECTION.",
        ),
        ({"severity": "error"}, "[SC-RULE-5] rule ACME-1.severity: 'error' is not a Severity."),
        (
            {"resource_types": "AWS::S3::Bucket"},
            "[SC-RULE-5] rule ACME-1.resource_types: 'AWS::S3::Bucket' is not a tuple",
        ),
        ({"check": None}, "[SC-RULE-5] rule ACME-1.check: None is not callable."),
    ],
)
def test_a_rule_of_the_wrong_kind_is_refused_naming_it(changes: dict[str, Any], line: str) -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _rule(**changes)
    assert raised.value.codes == ("SC-RULE-5",)
    assert line in str(raised.value)


@pytest.mark.parametrize(
    ("rules", "code", "line"),
    [
        (
            [_rule(), _rule(title="Another")],
            "SC-RULE-2",
            "rule ACME-1.id: 'ACME-1' is the id of two different custom rules.",
        ),
        (
            [_rule(id="SC-S3-1")],
            "SC-RULE-2",
            "rule SC-S3-1.id: 'SC-S3-1' is the id of a built-in rule",
        ),
        ([_rule(id="SC-ACME-1")], "SC-RULE-3", "rule SC-ACME-1.id: 'SC-ACME-1' is not a custom"),
        ([_rule(id="sc-acme-1")], "SC-RULE-3", "rule sc-acme-1.id: 'sc-acme-1' is not a custom"),
        ([_rule(id="acme 1")], "SC-RULE-3", "rule acme 1.id: 'acme 1' is not a custom rule id."),
        ([_rule(resource_types=())], "SC-RULE-3", "rule ACME-1.resource_types: () names no"),
        (["ACME-1"], "SC-RULE-1", "rules[0]: 'ACME-1' is not an aspects.Rule."),
    ],
)
def test_invalid_custom_rules_are_refused_by_the_guardrails(
    rules: list[Any], code: str, line: str
) -> None:
    with pytest.raises(SecureConstructsError) as raised:
        SecurityGuardrails(extra_rules=rules)
    assert raised.value.codes == (code,)
    assert line in str(raised.value)


def test_a_single_rule_instead_of_a_list_is_refused() -> None:
    with pytest.raises(SecureConstructsError, match="is not a list of rules") as raised:
        SecurityGuardrails(extra_rules=_rule())  # type: ignore[arg-type]
    assert raised.value.codes == ("SC-RULE-1",)


def test_a_rule_of_a_pillar_the_guardrails_do_not_run_is_refused() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        DetectionGuardrails(extra_rules=[_rule()])
    assert raised.value.codes == ("SC-RULE-4",)
    assert "rule ACME-1.pillar: prevention is not among the pillars these guardrails run" in str(
        raised.value
    )


def test_built_in_rules_may_be_passed_as_they_are() -> None:
    evaluation = check_template(
        {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}, rules=[RULES_BY_ID["SC-S3-1"]]
    )
    assert {f.rule.id for f in evaluation.findings} == {"SC-S3-1"}


# -- a check with a bug ---------------------------------------------------------------------


def _raises(r: ResourceView) -> Iterator[Problem]:
    yield from ()
    raise KeyError("Tags")


def test_a_check_that_raises_fails_the_test_naming_the_rule() -> None:
    with pytest.raises(AssertionError) as raised:
        check_template(
            {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}, rules=[_rule(check=_raises)]
        )
    assert str(raised.value).startswith(
        "rule ACME-1 raised on B: KeyError: 'Tags' (test_custom_rules.py:"
    )
    assert isinstance(raised.value.__cause__, KeyError)


@pytest.mark.parametrize(
    ("check", "said"),
    [
        (_raises, "raised KeyError: 'Tags' (test_custom_rules.py:"),
        (lambda r: None, "raised TypeError: the check returned None; it must yield Problem"),
        (lambda r: ["oops"], "raised TypeError: the check yielded 'oops', not an aspects.Problem"),
    ],
)
def test_a_check_with_a_bug_is_cannot_verify_of_its_severity(check: Any, said: str) -> None:
    evaluation = check_template(
        {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}},
        rules=[_rule(check=check)],
        raise_rule_errors=False,
    )
    (finding,) = evaluation.findings
    assert (finding.rule.id, finding.status, finding.blocks_synthesis) == (
        "ACME-1",
        Status.CANNOT_VERIFY,
        True,
    )
    assert finding.message.startswith(f"the check of custom rule ACME-1 {said}")
    assert finding.message.endswith("so this resource is not verified until the rule is fixed")


# -- through the guardrails of a CDK app ----------------------------------------------------


def test_guardrails_run_custom_rules_and_honour_acknowledgments(my_rules: ModuleType) -> None:
    app = cdk.App()
    tagged = cdk.Stack(app, "Tagged")
    cdk.Tags.of(s3.Bucket(tagged, "Bucket")).add("owner", "payments")
    untagged = cdk.Stack(app, "Untagged")
    s3.Bucket(untagged, "Plain")
    waived = s3.Bucket(untagged, "Waived")
    cdk.Validations.of(waived).acknowledge(
        cdk.Acknowledgment(id="SecureConstructs::ACME-TAG-1", reason=REASON)
    )
    scoped = cdk.Stack(app, "Scoped")
    inner = s3.Bucket(scoped, "Inner")
    s3.Bucket(scoped, "Outer")
    cdk.Aspects.of(app).add(SecurityGuardrails(extra_rules=my_rules.RULES))
    SecurityGuardrails.apply(inner, extra_rules=[_rule(id="ACME-INNER-1", check=_always)])
    with pytest.raises(RuntimeError, match="ACME-TAG-1"):
        app.synth()
    evaluation = plugin_of(app).last_evaluation
    assert evaluation is not None
    found = {
        (f.rule.id, f.construct_path, f.acknowledged_reason)
        for f in evaluation.findings
        if f.rule.id.startswith("ACME-")
    }
    assert found == {
        ("ACME-TAG-1", "Untagged/Plain/Resource", None),
        ("ACME-TAG-1", "Untagged/Waived/Resource", REASON),
        ("ACME-TAG-1", "Scoped/Inner/Resource", None),
        ("ACME-TAG-1", "Scoped/Outer/Resource", None),
        ("ACME-INNER-1", "Scoped/Inner/Resource", None),  # only at the scope it was given
    }
    report = json.loads(Path(app.outdir, aspects.REPORT_JSON).read_text(encoding="utf-8"))
    assert "ACME-TAG-1" in json.dumps(report)


def _always(r: ResourceView) -> Iterator[Problem]:
    yield Problem("always wrong", "Properties")


def _other_check(r: ResourceView) -> Iterator[Problem]:
    yield Problem("wrong in another way", "Properties")


@pytest.mark.parametrize(
    "other",
    [
        _rule(title="Other"),
        # The same fields but another check: still another rule.
        _rule(check=_other_check),
    ],
    ids=["other-fields", "other-check"],
)
def test_two_different_rules_of_one_id_in_one_app_are_refused_naming_both_scopes(
    other: Rule,
) -> None:
    app = cdk.App()
    SecurityGuardrails.apply(app, extra_rules=[_rule(check=_always)])
    with pytest.raises(SecureConstructsError) as raised:
        SecurityGuardrails.apply(cdk.Stack(app, "S"), extra_rules=[other])
    assert raised.value.codes == ("SC-RULE-2",)
    assert raised.value.issues[0].message == (
        "the guardrails at 'S' bring another rule 'ACME-1' than the guardrails at '<app>'."
    )
    assert "\n" not in str(raised.value.issues[0])


def test_one_rule_given_to_two_scopes_runs_at_both() -> None:
    rule = _rule(check=_always)
    app = cdk.App()
    first, second, third = (cdk.Stack(app, name) for name in ("First", "Second", "Third"))
    for stack in (first, second, third):
        s3.Bucket(stack, "B")
    SecurityGuardrails.apply(first, extra_rules=[rule])
    cdk.Aspects.of(second).add(SecurityGuardrails(extra_rules=[rule]))
    SecurityGuardrails.apply(third)  # without the rule
    with pytest.raises(RuntimeError, match="ACME-1"):
        app.synth()
    evaluation = plugin_of(app).last_evaluation
    assert evaluation is not None
    assert {f.construct_path for f in evaluation.findings if f.rule.id == "ACME-1"} == {
        "First/B/Resource",
        "Second/B/Resource",
    }


def test_the_plugin_takes_custom_rules_per_scope_as_a_parameter() -> None:
    inner = _rule(id="ACME-INNER-1", check=_always)
    plugin = GuardrailsPlugin()
    plugin.add_scope("S", frozenset(Pillar))
    plugin.add_scope("S/Inner", frozenset(Pillar), extra_rules=(inner,))
    plugin.add_scope("T", frozenset({Pillar.DETECTION}), extra_rules=(_rule(id="ACME-T-1"),))
    selection = plugin.rules_for(StackTemplate("S", "S.template.json", {}, {}))
    assert inner in selection.rules_at("S/Inner/Bucket/Resource")
    assert inner not in selection.rules_at("S/Outer/Resource")
    assert "ACME-T-1" not in {r.id for r in selection.rules_at("S/Inner/Bucket/Resource")}
    assert {"ACME-INNER-1", "ACME-T-1"} <= set(plugin.rule_ids)
    assert "rules_for" not in vars(plugin)  # a method of the class, not patched in


def test_guardrails_list_their_custom_rule_ids() -> None:
    guardrails = DetectionGuardrails(extra_rules=[_rule(pillar=Pillar.DETECTION)])
    assert "ACME-1" in guardrails.rule_ids
    assert all(RULES_BY_ID[i].pillar is Pillar.DETECTION for i in guardrails.rule_ids[:-1])


def test_custom_rules_run_when_the_guardrails_are_a_validation_plugin(tmp_path: Path) -> None:
    app = cdk.App(
        outdir=str(tmp_path),
        policy_validation_beta1=[SecurityGuardrails(extra_rules=[_rule(check=_always)])],
    )
    s3.Bucket(cdk.Stack(app, "S"), "B")
    with pytest.raises(RuntimeError, match="ACME-1"):
        app.synth()
    report = json.loads((tmp_path / aspects.REPORT_JSON).read_text(encoding="utf-8"))
    assert {(f["ruleId"], f["constructPath"]) for f in report["findings"]} >= {
        ("ACME-1", "S/B/Resource")
    }


# -- in every report format ------------------------------------------------------------------

DOCS_URL = "https://wiki.acme.example/guardrails/ACME-DOC-1"
# A rules module: one rule with its own documentation, one without.
DOCUMENTED_RULES = f"""
from aspects import Pillar, Problem, Rule, Severity


def _always(r):
    yield Problem("always wrong", "Properties")


def _rule(rule_id, **extra):
    return Rule(
        id=rule_id,
        title="Always wrong",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=("AWS::Route53::HostedZone",),
        rationale="Why it matters.",
        fix="How to fix it.",
        check=_always,
        **extra,
    )


RULES = [_rule("ACME-DOC-1", docs_url={DOCS_URL!r}), _rule("ACME-NODOC-1")]
"""


@pytest.fixture
def documented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """``scan`` arguments for a template with one hosted zone and the module above."""
    (tmp_path / "documented_rules.py").write_text(DOCUMENTED_RULES, encoding="utf-8")
    zone = {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "acme.example"}}
    (tmp_path / "t.json").write_text(json.dumps({"Resources": {"Zone": zone}}), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    sys.modules.pop("documented_rules", None)
    yield ["scan", "t.json", "--rules-module", "documented_rules"]
    sys.modules.pop("documented_rules", None)


def _render(capsys: pytest.CaptureFixture[str], argv: list[str], fmt: str) -> str:
    code = main([*argv, "-f", fmt])
    out, err = capsys.readouterr()
    assert code == 1, err
    return out


def test_a_custom_rule_links_its_own_docs_or_none_in_every_format(
    documented: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    report = json.loads(_render(capsys, documented, "json"))
    assert {f["ruleId"]: f["docs"] for f in report["findings"]} == {
        "ACME-DOC-1": DOCS_URL,
        "ACME-NODOC-1": None,
    }
    sarif = json.loads(_render(capsys, documented, "sarif"))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema, format_checker=jsonschema.FormatChecker())
    (run,) = sarif["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["ACME-DOC-1"]["helpUri"] == DOCS_URL
    assert rules["ACME-DOC-1"]["help"] == {
        "text": f"How to fix it. Documentation: {DOCS_URL}",
        "markdown": f"**Fix:** How to fix it.\n\n[ACME-DOC-1 documentation]({DOCS_URL})",
    }
    assert "helpUri" not in rules["ACME-NODOC-1"]
    assert rules["ACME-NODOC-1"]["help"] == {
        "text": "How to fix it.",
        "markdown": "**Fix:** How to fix it.",
    }
    docs = {r["ruleId"]: r["properties"].get("docs") for r in run["results"]}
    assert docs == {"ACME-DOC-1": DOCS_URL, "ACME-NODOC-1": None}
    junit = _render(capsys, documented, "junit")
    assert f"Docs: {DOCS_URL}" in junit
    assert junit.count("Docs:") == 1
    html = _render(capsys, documented, "html")
    assert re.findall(r'<a class="docs" href="([^"]*)"', html) == [DOCS_URL]
    table = _render(capsys, documented, "table")
    assert f"docs: {DOCS_URL}" in table
    assert table.count("docs:") == 1


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "html", "table"])
def test_skipping_a_custom_rule_works_in_every_format(
    documented: list[str], capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = _render(capsys, [*documented, "--skip-rule", "ACME-NODOC-1"], fmt)
    assert "ACME-NODOC-1" in out
    if fmt == "sarif":
        (invocation,) = json.loads(out)["runs"][0]["invocations"]
        skipped = {
            o["descriptor"]["id"]: o["properties"]["reason"]
            for o in invocation["ruleConfigurationOverrides"]
        }
        assert skipped == {"ACME-NODOC-1": "skipped by --skip-rule"}
    if fmt == "junit":
        assert re.search(r'name="ACME-NODOC-1 t/Zone"[^>]*>\s*<skipped message="skipped by', out)


def test_a_docs_url_that_is_not_a_web_address_is_refused() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _rule(docs_url="wiki/ACME-1")
    assert raised.value.codes == ("SC-RULE-5",)
    assert "[SC-RULE-5] rule ACME-1.docs_url: 'wiki/ACME-1' is not an http(s) URL." in str(
        raised.value
    )


# -- one finding for DeletionPolicy and UpdateReplacePolicy (the shared layer) --------------


def _retention(**attributes: Any) -> list[tuple[str, Status, str, str]]:
    resource: dict[str, Any] = {"Type": "AWS::Logs::LogGroup", **attributes}
    template = {"Parameters": {"P": {"Type": "String"}}, "Resources": {"G": resource}}
    evaluation = check_template(template, rules=[RULES_BY_ID["SC-LOGS-3"]])
    return [(f.rule.id, f.status, f.property_path, f.message) for f in evaluation.findings]


def test_both_policies_missing_is_one_finding() -> None:
    assert _retention() == [
        (
            "SC-LOGS-3",
            Status.NON_COMPLIANT,
            "DeletionPolicy",
            "DeletionPolicy and UpdateReplacePolicy are not set, so CloudFormation deletes the "
            "AWS::Logs::LogGroup and its data when it is removed or replaced; set both to "
            "Retain or RetainExceptOnCreate",
        )
    ]


def test_different_problems_of_both_policies_are_one_finding() -> None:
    ((_rid, status, path, message),) = _retention(DeletionPolicy="Delete")
    assert (status, path) == (Status.NON_COMPLIANT, "DeletionPolicy")
    assert message.startswith("DeletionPolicy is 'Delete' and UpdateReplacePolicy is not set")


def test_one_policy_wrong_names_only_it() -> None:
    assert _retention(DeletionPolicy="Retain", UpdateReplacePolicy="Delete") == [
        (
            "SC-LOGS-3",
            Status.NON_COMPLIANT,
            "UpdateReplacePolicy",
            "UpdateReplacePolicy is 'Delete', so CloudFormation deletes the AWS::Logs::LogGroup "
            "and its data when it is replaced by an update; set UpdateReplacePolicy to Retain or "
            "RetainExceptOnCreate",
        )
    ]


def test_a_wrong_policy_beside_an_unknown_one_is_one_plain_finding() -> None:
    ((_rid, status, _path, message),) = _retention(
        DeletionPolicy="Delete", UpdateReplacePolicy={"Ref": "P"}
    )
    assert status is Status.NON_COMPLIANT
    assert "DeletionPolicy is 'Delete' (UpdateReplacePolicy is only known at deploy time)" in (
        message
    )


def test_unknown_policies_alone_are_one_cannot_verify() -> None:
    ((_rid, status, path, _message),) = _retention(
        DeletionPolicy={"Ref": "P"}, UpdateReplacePolicy={"Ref": "P"}
    )
    assert (status, path) == (Status.CANNOT_VERIFY, "DeletionPolicy")


def test_retained_policies_pass() -> None:
    assert _retention(DeletionPolicy="Retain", UpdateReplacePolicy="Retain") == []
