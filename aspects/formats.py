"""What ``secure-constructs scan`` prints: a table, JSON, SARIF 2.1.0 or JUnit XML.

A :class:`Scan` is one run of the engine over some stacks plus what the command line
decided (the rules left out and why), so every format can show skipped rules as skipped.
Every format states the coverage (resources judged, types no rule judged): the table per
stack and in total, JSON in ``coverage``, SARIF in the run's ``properties``, JUnit as
properties and a ``system-out`` line of each suite.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aspects.constants import PLUGIN_NAME, VERSION
from aspects.coverage import StackCoverage
from aspects.engine import Evaluation
from aspects.index import StackTemplate, TemplateIndex
from aspects.model import Finding, Pillar, Rule, Severity, Status
from aspects.report import (
    coverage_line,
    relative_path,
    rule_metadata,
    template_line,
    to_json,
    to_sarif,
)
from aspects.rules import RULES_BY_ID

FORMATS = ("table", "json", "sarif", "junit")

#: Why a rule left out with ``--skip-rule`` did not run. Such rules keep a JUnit test case
#: per resource (skipped); rules merely not selected (``--rule``, ``--pillar``) are listed
#: in every format's skipped section but get no test cases.
SKIPPED_BY_OPTION = "skipped by --skip-rule"


@dataclass(frozen=True)
class Scan:
    """One scan: the stacks, the rules that ran, the rules left out, and the findings.

    Parameters
    ----------
    stacks:
        Every stack read (nested stacks included).
    rules:
        The rules that ran, in catalogue order.
    skipped:
        Rule id -> why it did not run (``--skip-rule``, ``--rule``, ``--pillar``).
    evaluation:
        The engine's findings.
    base:
        File paths in reports are relative to this directory (the working directory).
    """

    stacks: tuple[StackTemplate, ...]
    rules: tuple[Rule, ...]
    skipped: Mapping[str, str]
    evaluation: Evaluation
    base: Path = field(default_factory=Path.cwd)

    def coverage_of(self, stack: StackTemplate) -> StackCoverage | None:
        """The coverage of a stack (None if no rule ran on it)."""
        for entry in self.evaluation.coverage.stacks:
            if entry.template_path == stack.template_path:
                return entry
        return None

    def checks(self, rule: Rule) -> Iterator[tuple[StackTemplate, str]]:
        """Every (stack, logical id) a rule applies to (ran or skipped)."""
        types = set(rule.resource_types)
        for stack in self.stacks:
            for logical_id, resource in (stack.template.get("Resources") or {}).items():
                if resource.get("Type") in types:
                    yield stack, logical_id


# -- JSON and SARIF ----------------------------------------------------------------------------


def render_json(scan: Scan) -> str:
    """The findings report (see :func:`aspects.report.to_json`) with ``skippedRules``."""
    report = to_json(scan.evaluation, scan.base, skipped=scan.skipped)
    report["summary"]["stacks"] = [s.stack_path for s in scan.stacks]
    report["summary"]["skippedRules"] = len(scan.skipped)
    return json.dumps(report, indent=2) + "\n"


def render_sarif(scan: Scan) -> str:
    """SARIF 2.1.0; template URIs are relative to the working directory (``SRCROOT``)."""
    sarif = to_sarif(
        scan.evaluation,
        scan.base,
        rules=scan.rules,
        skipped=scan.skipped,
        base_id="SRCROOT",
        base_description="The directory secure-constructs scan ran in.",
    )
    return json.dumps(sarif, indent=2) + "\n"


# -- the table ---------------------------------------------------------------------------------


def _label(finding: Finding) -> str:
    if finding.acknowledged:
        return "ACK"
    level = "ERROR" if finding.severity is Severity.ERROR else "WARN"
    return level + ("?" if finding.status is Status.CANNOT_VERIFY else "")


def render_table(scan: Scan, *, fail_on: str = "error") -> str:
    """Findings grouped by stack, then pillar; then skipped rules, coverage and the totals.

    ``ERROR?``/``WARN?`` mark *cannot verify* findings (a value known only at deploy time).
    Each stack starts with its coverage line; the total coverage precedes the totals.
    """
    evaluation = scan.evaluation
    by_stack: dict[str, list[Finding]] = defaultdict(list)
    for finding in evaluation.findings:
        by_stack[finding.template_path].append(finding)
    out = [
        f"{PLUGIN_NAME} {VERSION}: {len(scan.stacks)} stack(s), "
        f"{evaluation.resources_checked} resource(s) checked, {len(scan.rules)} rule(s) run, "
        f"{len(scan.skipped)} skipped",
    ]
    for stack in scan.stacks:
        findings = by_stack.get(stack.template_path, [])
        out += ["", f"{stack.stack_path}  ({relative_path(stack.template_path, scan.base)})"]
        covered = scan.coverage_of(stack)
        if covered is not None:
            out.append(f"  {coverage_line(covered, accepted=evaluation.coverage.accepted)}")
        if not findings:
            out.append("  no findings")
            continue
        for pillar in Pillar:
            rows = [f for f in findings if f.rule.pillar is pillar]
            if not rows:
                continue
            out.append(f"  {pillar}")
            for finding in rows:
                where = f"{finding.location} [{finding.logical_id}] line {template_line(finding)}"
                out.append(f"    {_label(finding):<7}{finding.rule.id:<13}{where}")
                out.append(f"           {finding.message}")
                if finding.acknowledged:
                    out.append(f"           acknowledged: {finding.acknowledged_reason}")
                else:
                    out.append(f"           fix: {finding.rule.fix}")
    if scan.skipped:
        out += ["", "Skipped rules (not run)"]
        out += [f"  {rid:<13}{why}" for rid, why in scan.skipped.items()]
    coverage = evaluation.coverage
    counts = coverage.unjudged_counts
    accepted = [(name, why) for name, why in coverage.allow_unjudged if name in counts]
    if accepted:
        out += ["", "Not judged, accepted (--allow-unjudged)"]
        out += [f"  {name} x{counts[name]}: {why}" for name, why in accepted]
    out += [
        "",
        f"Coverage: {coverage_line(coverage)}",
        f"{len(evaluation.errors)} error(s), {len(evaluation.warnings)} warning(s), "
        f"{len(evaluation.acknowledged)} acknowledged, {len(scan.skipped)} rule(s) skipped "
        f"(--fail-on {fail_on})",
    ]
    return "\n".join(out) + "\n"


# -- JUnit XML ---------------------------------------------------------------------------------


#: Characters XML 1.0 cannot hold (C0 controls but tab, newline and carriage return; lone
#: surrogates; U+FFFE and U+FFFF).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    r"""*text* with every character XML cannot hold written as ``\xNN`` / ``\uNNNN``."""
    return _NOT_XML.sub(lambda m: repr(m.group())[1:-1], text)


def render_junit(scan: Scan, *, fail_on: str = "error") -> str:
    r"""JUnit XML: a suite per stack, a test case per (rule, resource) checked.

    An error is a ``<failure>``. A warning is a ``<failure>`` only with ``--fail-on
    warning``; otherwise it is ``<skipped message="warning: ...">`` (the check found
    something, but it does not fail the build, and CI tools count a skipped case as
    neither passed nor failed, which is what the exit code 0 says). An acknowledged finding
    and every check of a rule left out with ``--skip-rule`` are ``<skipped>`` with the
    reason; a passed check is an empty test case. Findings not about a checked resource
    (``SC-CFN-1``: a template that cannot be judged in full) get a case of their own.
    Characters XML cannot hold (control characters in a name or message) are written
    escaped, as ``\x00``.
    """
    found: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for finding in scan.evaluation.findings:
        found[(finding.template_path, finding.logical_id, finding.rule.id)].append(finding)
    skipped = [RULES_BY_ID[rid] for rid, why in scan.skipped.items() if why == SKIPPED_BY_OPTION]
    everything = [*scan.rules, *skipped]
    indexes = {stack.template_path: TemplateIndex(stack) for stack in scan.stacks}
    by_template = {stack.template_path: stack for stack in scan.stacks}
    cases: dict[str, list[ET.Element]] = defaultdict(list)
    placed: set[tuple[str, str, str]] = set()
    for rule in everything:
        for stack, logical_id in scan.checks(rule):
            where = indexes[stack.template_path].construct_path(logical_id)
            check = (stack.template_path, logical_id, rule.id)
            placed.add(check)
            own = found.get(check, [])
            cases[stack.template_path].append(
                _case(scan, stack, logical_id, where, rule, own, fail_on)
            )
    for check, own in found.items():
        holder = by_template.get(check[0])
        if check not in placed and holder is not None:
            first = own[0]
            where = first.construct_path
            cases[check[0]].append(
                _case(scan, holder, first.logical_id, where, first.rule, own, fail_on)
            )
    root = ET.Element("testsuites", name=PLUGIN_NAME)
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for stack in scan.stacks:
        suite_cases = cases.get(stack.template_path, [])
        counts = {
            "tests": len(suite_cases),
            "failures": sum(1 for c in suite_cases if c.find("failure") is not None),
            "skipped": sum(1 for c in suite_cases if c.find("skipped") is not None),
        }
        suite = ET.SubElement(
            root,
            "testsuite",
            name=stack.stack_path,
            file=relative_path(stack.template_path, scan.base),
        )
        for key, value in counts.items():
            suite.set(key, str(value))
        suite.set("errors", "0")
        suite.set("time", "0")
        covered = scan.coverage_of(stack)
        if covered is not None:
            line = coverage_line(covered, accepted=scan.evaluation.coverage.accepted)
            _coverage_properties(suite, covered, line)
        suite.extend(suite_cases)
        if covered is not None:
            ET.SubElement(suite, "system-out").text = f"coverage: {line}"
        for key, value in counts.items():
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    for element in root.iter():
        for name, text in element.attrib.items():
            element.set(name, _xml_text(text))
        if element.text:
            element.text = _xml_text(element.text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _coverage_properties(suite: ET.Element, covered: StackCoverage, line: str) -> None:
    """The stack's coverage as JUnit ``<properties>`` (the first child of a suite)."""
    properties = ET.SubElement(suite, "properties")
    values = {
        "coverage": line,
        "coverage.resources": str(covered.resources),
        "coverage.judged": str(covered.judged),
        "coverage.nothingToJudge": str(sum(covered.nothing_to_judge_counts.values())),
        "coverage.notJudged": str(covered.not_judged),
        "coverage.notJudgedTypes": ", ".join(
            f"{name} x{count}" for name, count in covered.unjudged_counts.items()
        ),
    }
    for name, value in values.items():
        ET.SubElement(properties, "property", name=name, value=value)


def _case(
    scan: Scan,
    stack: StackTemplate,
    logical_id: str,
    construct_path: str | None,
    rule: Rule,
    findings: list[Finding],
    fail_on: str = "error",
) -> ET.Element:
    where = construct_path or f"{stack.stack_path}/{logical_id}"
    case = ET.Element(
        "testcase",
        classname=f"{stack.stack_path}.{rule.pillar}",
        name=f"{rule.id} {where}",
        file=relative_path(stack.template_path, scan.base),
        time="0",
    )
    if findings:
        case.set("line", str(template_line(findings[0])))
    if rule.id in scan.skipped:
        ET.SubElement(case, "skipped", message=scan.skipped[rule.id])
    elif findings and all(f.acknowledged for f in findings):
        ET.SubElement(case, "skipped", message=f"acknowledged: {findings[0].acknowledged_reason}")
    elif findings:
        messages = [f"{f.status}: {f.message}" for f in findings if not f.acknowledged]
        if all(f.severity is Severity.WARNING for f in findings) and fail_on != "warning":
            warning = ET.SubElement(case, "skipped", message="warning: " + "; ".join(messages))
            warning.text = "\n".join([*messages, f"Fix: {rule.fix}"])
            return case
        failure = ET.SubElement(
            case,
            "failure",
            message="; ".join(messages),
            type=f"{rule.id} ({_worst(findings)})",
        )
        failure.text = "\n".join([*messages, f"Fix: {rule.fix}"])
    return case


def _worst(findings: Sequence[Finding]) -> Severity:
    """ERROR if an unacknowledged finding is an error (a construct may enforce a warning)."""
    live = [f for f in findings if not f.acknowledged]
    return Severity.ERROR if any(f.severity is Severity.ERROR for f in live) else Severity.WARNING


# -- the catalogue -----------------------------------------------------------------------------


def _cell(values: tuple[str, ...]) -> str:
    return ", ".join(values) if values else "-"


def render_rules(rules: tuple[Rule, ...], fmt: str) -> str:
    """The rule catalogue as a table, JSON or a Markdown table."""
    if fmt == "json":
        return json.dumps([rule_metadata(r) for r in rules], indent=2) + "\n"
    header = ("ID", "Pillar", "Severity", "Title", "FSBP", "cdk-nag", "checkov")
    rows = [
        (
            r.id,
            str(r.pillar),
            str(r.severity),
            r.title,
            _cell(r.fsbp),
            _cell(r.cdk_nag),
            _cell(r.checkov),
        )
        for r in rules
    ]
    if fmt == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return (
        "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]
        )
        + "\n"
    )
