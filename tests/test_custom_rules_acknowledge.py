"""Acknowledging findings of custom rules with ``aspects.acknowledge`` (issue 13).

A custom rule's id is accepted at call time when it has the shape of a custom rule id (the
guardrails that will run the rule may not exist yet); an id that no rule given to the
guardrails of that stack has is reported as stale when the rules run, naming the nearest
id. Ids with the reserved ``SC-`` prefix are still checked against the catalogue at call
time. Expiry (``until=``) and ``property=`` work as for the built-in rules, in ``cdk synth``
(Aspect and ``apply()``), in ``scan --rules-module`` and in ``aspects.testing.check``.
One synthesized app serves the module.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_route53 as route53

from aspects import (
    REPORT_JSON,
    Pillar,
    Problem,
    ResourceView,
    Rule,
    SecureConstructsError,
    SecurityGuardrails,
    Severity,
    acknowledge,
)
from aspects.baseline import ACKNOWLEDGMENT_METADATA
from aspects.cli import main
from aspects.plugin import plugin_of
from aspects.testing import check, check_template

REASON = "scratch zone, deleted nightly by the sandbox job"
NO_MATCH = "it matches no finding: the resource was fixed, removed or renamed"
RULES_MODULE = "acme_ack_rules"
# The rules module the scan imports: the same rule as TAG below.
RULES_SOURCE = """
from aspects import Pillar, Problem, Rule, Severity


def _owner(r):
    if not any(t.get("Key") == "owner" for t in r.props.get("HostedZoneTags") or []):
        yield Problem("the hosted zone has no 'owner' tag", "Properties.HostedZoneTags")


RULES = [
    Rule(
        id="ACME-TAG-1",
        title="Hosted zones have an owner",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=("AWS::Route53::HostedZone",),
        rationale="A zone without an owner is never reviewed.",
        fix="Tag it: Tags.of(zone).add('owner', 'team').",
        check=_owner,
    )
]
"""


def _owner(r: ResourceView) -> Iterator[Problem]:
    if not any(t.get("Key") == "owner" for t in r.props.get("HostedZoneTags") or []):
        yield Problem("the hosted zone has no 'owner' tag", "Properties.HostedZoneTags")


# Hosted zones: no built-in rule judges them, so the gate lists only this rule's findings.
TAG = Rule(
    id="ACME-TAG-1",
    title="Hosted zones have an owner",
    pillar=Pillar.PREVENTION,
    severity=Severity.ERROR,
    resource_types=("AWS::Route53::HostedZone",),
    rationale="A zone without an owner is never reviewed.",
    fix="Tag it: Tags.of(zone).add('owner', 'team').",
    check=_owner,
)


# -- at call time -----------------------------------------------------------------------------


def test_a_custom_rule_id_is_acknowledged_with_its_terms() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    zone = _zone(stack, "Zone")
    acknowledge(zone, "ACME-TAG-1", REASON, until="2999-12-31", property="Properties.X")
    terms = [m.data for m in zone.node.metadata if m.type == ACKNOWLEDGMENT_METADATA]
    assert terms == [
        {
            "ruleId": "ACME-TAG-1",
            "reason": REASON,
            "until": "2999-12-31",
            "property": "Properties.X",
        }
    ]
    native = [m.data for m in zone.node.metadata if m.type == "aws:cdk:acknowledged-rules"]
    assert native == [{"SecureConstructs::ACME-TAG-1": REASON}]


@pytest.mark.parametrize(
    ("rule_id", "said"),
    [
        # The reserved prefix is the catalogue's: checked now, whatever the case.
        ("SC-S3-99", "'SC-S3-99' is not a guardrail rule id (did you mean 'SC-S3-9'?)."),
        ("sc-s3-2", "'sc-s3-2' is not a guardrail rule id (did you mean 'SC-S3-2'?)."),
        ("acme tag 1", "'acme tag 1' is not a rule id."),
        ("", "'' is not a rule id."),
        (12, "12 is not a rule id."),
    ],
)
def test_ids_no_rule_can_have_are_refused_at_call_time(rule_id: Any, said: str) -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(SecureConstructsError) as raised:
        acknowledge(stack, rule_id, REASON)
    assert raised.value.codes == ("SC-ACK-1",)
    assert f"[SC-ACK-1] rule_id: {said}" in str(raised.value)


# -- in cdk synth: one app, the Aspect and apply() -------------------------------------------


@dataclass
class Synth:
    app: cdk.App
    outdir: Path
    error: str

    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.outdir / REPORT_JSON).read_text())
        return data

    def acme(self) -> dict[str, tuple[bool, bool, str | None]]:
        """Construct path -> (acknowledged, blocking, ignoredAcknowledgment) of ACME-TAG-1."""
        return {
            f["constructPath"]: (f["acknowledged"], f["blocking"], f["ignoredAcknowledgment"])
            for f in self.report()["findings"]
            if f["ruleId"] == "ACME-TAG-1"
        }


def _zone(scope: cdk.Stack, construct_id: str) -> route53.HostedZone:
    return route53.HostedZone(scope, construct_id, zone_name=f"{construct_id.lower()}.example")


def _owned(scope: cdk.Stack, construct_id: str) -> route53.HostedZone:
    zone = _zone(scope, construct_id)
    cdk.Tags.of(zone).add("owner", "payments")
    return zone


@pytest.fixture(scope="module")
def acked(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("custom-acks")
    app = cdk.App(outdir=str(outdir))
    by_aspect = cdk.Stack(app, "ByAspect")
    _zone(by_aspect, "Plain")
    acknowledge(_zone(by_aspect, "Waived"), "ACME-TAG-1", REASON)
    acknowledge(_zone(by_aspect, "Expired"), "ACME-TAG-1", REASON, until="2020-01-01")
    acknowledge(_zone(by_aspect, "Current"), "ACME-TAG-1", REASON, until="2999-12-31")
    acknowledge(_zone(by_aspect, "Narrow"), "ACME-TAG-1", REASON, property="Properties.Name")
    acknowledge(_owned(by_aspect, "Fine"), "ACME-TAG-1", REASON)  # nothing to acknowledge
    acknowledge(_zone(by_aspect, "Typo"), "ACME-TAG1", REASON)  # a typo: stale
    cdk.Aspects.of(by_aspect).add(SecurityGuardrails(extra_rules=[TAG]))
    by_apply = cdk.Stack(app, "ByApply")
    acknowledge(_zone(by_apply, "Waived"), "ACME-TAG-1", REASON)
    SecurityGuardrails.apply(by_apply, extra_rules=[TAG])
    without = cdk.Stack(app, "Without")  # guardrails without the custom rule
    acknowledge(_zone(without, "Waived"), "ACME-TAG-1", REASON)
    SecurityGuardrails.apply(without)
    with pytest.raises(RuntimeError, match="ValidationFailed") as raised:
        app.synth()
    return Synth(app, outdir, str(raised.value))


def test_custom_acknowledgments_hold_expire_and_narrow_in_synthesis(acked: Synth) -> None:
    assert acked.acme() == {
        "ByAspect/Plain/Resource": (False, True, None),
        "ByAspect/Waived/Resource": (True, False, None),
        "ByAspect/Expired/Resource": (
            False,
            True,
            "SecureConstructs::ACME-TAG-1 at ByAspect/Expired (reason "
            f"{REASON!r}): it expired after 2020-01-01",
        ),
        "ByAspect/Current/Resource": (True, False, None),
        "ByAspect/Narrow/Resource": (
            False,
            True,
            "SecureConstructs::ACME-TAG-1 at ByAspect/Narrow (reason "
            f"{REASON!r}): it covers only Properties.Name of this construct",
        ),
        "ByAspect/Typo/Resource": (False, True, None),
        "ByApply/Waived/Resource": (True, False, None),
    }
    gate = acked.error.split("Rule SecureConstructs::SC-GATE", 1)[0]
    for blocked in ("Plain", "Expired", "Narrow", "Typo"):
        assert f"ACME-TAG-1 ByAspect/{blocked}/Resource" in gate
    assert "Waived" not in gate
    assert "ByAspect/Current" not in gate


def test_custom_acknowledgments_that_match_no_rule_here_are_stale(acked: Synth) -> None:
    stale = acked.report()["adoption"]["acknowledgments"]["stale"]
    assert {(s["ruleId"], s["at"], s["why"]) for s in stale} == {
        ("ACME-TAG-1", "ByAspect/Fine", NO_MATCH),
        ("ACME-TAG-1", "ByAspect/Narrow", NO_MATCH),  # as for a built-in rule
        (
            "ACME-TAG1",
            "ByAspect/Typo",
            "no rule of this id ran: it is not a built-in rule, and no custom rule of this "
            "id was given to the guardrails (extra_rules=, scan --rules-module); did you "
            "mean ACME-TAG-1?",
        ),
        (
            "ACME-TAG-1",
            "Without/Waived",
            "rule ACME-TAG-1 does not run on this stack: the guardrails here were not given "
            "it (extra_rules=)",
        ),
    }
    expired = acked.report()["adoption"]["acknowledgments"]["expired"]
    assert [(e["ruleId"], e["at"], e["findingsBlockingAgain"]) for e in expired] == [
        ("ACME-TAG-1", "ByAspect/Expired", 1)
    ]
    adoption = plugin_of(acked.app).last_adoption
    assert adoption is not None
    assert (
        "  stale acknowledgment: SecureConstructs::ACME-TAG1 at ByAspect/Typo: no rule of "
        "this id ran" in "\n".join(adoption.lines())
    )


# -- in scan and in the testing helpers -------------------------------------------------------


@pytest.fixture
def rules_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    (tmp_path / f"{RULES_MODULE}.py").write_text(RULES_SOURCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    sys.modules.pop(RULES_MODULE, None)
    yield RULES_MODULE
    sys.modules.pop(RULES_MODULE, None)


def _scan(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["scan", *argv, "-f", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_scan_honours_custom_acknowledgments_like_synthesis(
    acked: Synth, rules_module: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _scan(capsys, str(acked.outdir), "--rules-module", rules_module)
    assert code == 1
    found = {
        f["constructPath"]: (f["acknowledged"], f["blocking"])
        for f in report["findings"]
        if f["ruleId"] == "ACME-TAG-1"
    }
    synthesized = {path: state[:2] for path, state in acked.acme().items()}
    # scan runs the module's rules on every stack: the stack without them is judged too.
    assert found == {**synthesized, "Without/Waived/Resource": (True, False)}
    acks = report["adoption"]["acknowledgments"]
    assert {(s["ruleId"], s["at"]) for s in acks["stale"]} == {
        ("ACME-TAG-1", "ByAspect/Fine"),
        ("ACME-TAG-1", "ByAspect/Narrow"),
        ("ACME-TAG1", "ByAspect/Typo"),
    }
    assert acks["expired"] == acked.report()["adoption"]["acknowledgments"]["expired"]


def test_scan_without_the_rules_module_says_so(
    acked: Synth, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, report = _scan(capsys, str(acked.outdir))
    stale = report["adoption"]["acknowledgments"]["stale"]
    unknown = {s["at"] for s in stale if s["why"].startswith("no rule of this id ran")}
    assert unknown == {
        "ByAspect/Waived",
        "ByAspect/Expired",
        "ByAspect/Current",
        "ByAspect/Narrow",
        "ByAspect/Fine",
        "ByAspect/Typo",
        "ByApply/Waived",
        "Without/Waived",
    }


def test_check_applies_custom_acknowledgments_like_synthesis(acked: Synth) -> None:
    stack = acked.app.node.find_child("ByAspect")
    assert isinstance(stack, cdk.Stack)
    evaluation = check(stack, extra_rules=[TAG])
    found = {
        f.construct_path: f.acknowledged for f in evaluation.findings if f.rule.id == "ACME-TAG-1"
    }
    assert found == {
        path: state[0] for path, state in acked.acme().items() if path.startswith("ByAspect/")
    }


def test_coverage_counts_what_a_custom_rule_judges(acked: Synth) -> None:
    stacks = {s["stack"]: s for s in acked.report()["coverage"]["stacks"]}
    judged = {name: (s["resources"], s["judged"]) for name, s in stacks.items()}
    # No built-in rule judges a hosted zone: the custom rule does, where it was given.
    assert judged == {"ByAspect": (7, 7), "ByApply": (1, 1), "Without": (1, 0)}
    assert [t["type"] for t in stacks["Without"]["notJudgedTypes"]] == ["AWS::Route53::HostedZone"]


@pytest.mark.parametrize(
    ("terms", "acknowledged"),
    [
        ({}, True),
        ({"until": "2020-01-01"}, False),
        ({"property": "Properties.Name"}, False),
        ({"property": "Properties.HostedZoneTags"}, True),
    ],
)
def test_check_template_applies_the_terms_of_acknowledgments(
    terms: dict[str, str], acknowledged: bool
) -> None:
    zone = {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "a.example"}}
    metadata = {
        "/Stack/Zone": [
            {
                "type": "aws:cdk:acknowledged-rules",
                "data": {"SecureConstructs::ACME-TAG-1": REASON},
            },
            {
                "type": ACKNOWLEDGMENT_METADATA,
                "data": {"ruleId": "ACME-TAG-1", "reason": REASON, **terms},
            },
        ],
        "/Stack/Zone/Resource": [{"type": "aws:cdk:logicalId", "data": "Zone"}],
    }
    evaluation = check_template({"Resources": {"Zone": zone}}, rules=[TAG], metadata=metadata)
    (finding,) = evaluation.findings
    assert (finding.construct_path, finding.acknowledged) == ("Stack/Zone/Resource", acknowledged)
