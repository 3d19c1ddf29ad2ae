"""What ``secure-constructs scan`` prints: a table, JSON, SARIF 2.1.0, JUnit XML or HTML.

A :class:`Scan` is one run of the engine over some stacks plus what the command line
decided (the rules left out and why), so every format can show skipped rules as skipped.
Every format states the coverage (resources judged, types no rule judged): the table per
stack and in total, JSON in ``coverage``, SARIF in the run's ``properties``, JUnit as
properties and a ``system-out`` line of each suite, HTML in its coverage section.

Every finding in every format links to its rule's documentation (:func:`rule_doc_url`; a
custom rule to its own ``docs_url``, or nowhere when it has none).
Findings a baseline accepted (:attr:`Scan.baselined`) are shown as accepted, never as open:
SARIF ``suppressions`` of kind ``external``, JUnit ``<skipped>``, their own table and HTML
sections. Acknowledged findings are SARIF suppressions of kind ``inSource`` (the
acknowledgment is written in the app or the template).

SARIF for GitHub code scanning (:func:`render_sarif`): each rule has ``helpUri``,
``properties.precision`` and ``properties.security-severity`` (:data:`SECURITY_SEVERITY`);
each result a full ``region`` with a snippet (:class:`TemplateMap`), ``partialFingerprints``
that do not change when lines move (:func:`fingerprint`) and, when CDK recorded a stack
trace for the resource, a related location in the app's source (:func:`creation_site`).
"""

from __future__ import annotations

import dataclasses
import json
import re
import textwrap
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aspects.constants import PLUGIN_NAME, VERSION
from aspects.coverage import StackCoverage
from aspects.engine import Evaluation
from aspects.index import StackTemplate, TemplateIndex
from aspects.links import (
    rule_doc_url,
)
from aspects.model import Finding, Pillar, Rule, Severity, Status
from aspects.report import (
    coverage_line,
    finding_data,
    relative_path,
    resource_key_offsets,
    rule_metadata,
    template_line,
    to_json,
    to_sarif,
    uri_reference,
)
from aspects.rules import RULES_BY_ID

if TYPE_CHECKING:  # the YAML parser is imported where regions are computed, not at start
    import yaml  # type: ignore[import-untyped, unused-ignore]

    from aspects.json_nodes import Lines

FORMATS = ("table", "json", "sarif", "junit", "html")

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
    #: Findings a baseline accepted, each with the reason shown (e.g. ``in the baseline
    #: FILE``). They may be in ``evaluation.findings`` or not; either way they never block,
    #: and every format shows them as accepted (SARIF: a suppression of kind ``external``).
    baselined: tuple[tuple[Finding, str], ...] = ()
    #: The findings that make the scan exit 1, when the caller decided it (a fail-on level
    #: per pillar, a baseline); ``None``: every unacknowledged, not baselined finding at or
    #: above ``--fail-on`` (:func:`blocks`).
    blocking: frozenset[Finding] | None = None
    #: The rules of ``skipped`` that are not in the catalogue (custom rules left out with
    #: ``--skip-rule``, ``--rule`` or ``--pillar``): the reports still describe them.
    skipped_custom: tuple[Rule, ...] = ()

    def skipped_rule(self, rule_id: str) -> Rule:
        """The rule of a skipped id: a custom one of ``skipped_custom``, or the catalogue's."""
        for rule in self.skipped_custom:
            if rule.id == rule_id:
                return rule
        return RULES_BY_ID[rule_id]

    def is_blocking(self, finding: Finding, fail_on: str) -> bool:
        """Whether *finding* makes this scan exit 1 (JUnit failures and HTML follow it)."""
        if finding.acknowledged or finding in dict(self.baselined):
            return False
        if self.blocking is not None:
            return finding in self.blocking
        return blocks(finding, fail_on)

    def extra_baselined(self) -> tuple[tuple[Finding, str], ...]:
        """The baselined findings that are not in ``evaluation.findings``."""
        present = set(self.evaluation.findings)
        return tuple((f, why) for f, why in self.baselined if f not in present)

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


# -- documentation links ------------------------------------------------------------------------


# -- JSON --------------------------------------------------------------------------------------


def render_json(scan: Scan) -> str:
    """The findings report (see :func:`aspects.report.to_json`) with ``skippedRules``.

    Each finding has ``docs`` (:func:`rule_doc_url`) and ``fingerprint``; ``baselined``
    lists the findings a baseline accepted, each with its ``baselineReason``.
    """
    report = to_json(scan.evaluation, scan.base, skipped=scan.skipped)
    report["summary"]["stacks"] = [s.stack_path for s in scan.stacks]
    report["summary"]["skippedRules"] = len(scan.skipped)
    report["summary"]["baselined"] = len(scan.baselined)
    report["baselined"] = [
        {**finding_data(finding, scan.base), "baselineReason": reason}
        for finding, reason in scan.baselined
    ]
    return json.dumps(report, indent=2) + "\n"


# -- SARIF -------------------------------------------------------------------------------------

#: A region longer than this many lines (a large resource whose property is missing) is
#: narrowed to its first line, so annotations stay readable.
MAX_REGION_LINES = 30


@dataclass(frozen=True)
class Region:
    """Where a finding is in its template file: 1-based lines and columns, and the text.

    ``end_column`` is one past the last character (SARIF's convention). ``snippet`` is the
    exact text of the lines ``start_line`` to ``end_line``.
    """

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    snippet: str

    def sarif(self) -> dict[str, Any]:
        """The region as a SARIF ``region`` object."""
        return {
            "startLine": self.start_line,
            "startColumn": self.start_column,
            "endLine": self.end_line,
            "endColumn": self.end_column,
            "snippet": {"text": self.snippet},
        }


_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path_segments(path: str) -> list[str | int]:
    """``Properties.A[0].B`` -> ``["Properties", "A", 0, "B"]``."""
    return [int(index) if index else name for name, index in _SEGMENT.findall(path)]


class TemplateMap:
    """The positions of a template's resources and properties, read from its text.

    YAML (with CloudFormation's short forms) is composed by the YAML parser, which keeps
    the line and column of every node without building values. JSON laid out one key per
    line (as CDK and most tools write it) is read one resource at a time, only for the
    resources asked about (:mod:`aspects.json_nodes`: the same nodes); other JSON is
    composed whole like YAML. A template that does not compose (JSON the YAML parser
    refuses) falls back to the line of the resource's key.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self.lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self.lines = []
        self.resources: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        text = "\n".join(self.lines)
        #: JSON read per resource: (text, logical id -> offset of its key, line starts).
        self._json: tuple[str, dict[str, int], Lines] | None = None
        if text.lstrip().startswith("{"):
            offsets = resource_key_offsets(text)
            if offsets:
                from aspects.json_nodes import Lines

                self._json = (text, offsets, Lines(text))
                return
        self._compose(text)

    def _compose(self, text: str) -> None:
        import yaml  # type: ignore[import-untyped, unused-ignore]

        self._json = None
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            root = yaml.compose(text, Loader=loader)
        except yaml.YAMLError:
            return
        section = _child(root, "Resources")
        if isinstance(section, yaml.MappingNode):
            for key, value in section.value:
                if isinstance(key, yaml.ScalarNode):
                    self.resources.setdefault(str(key.value), (key, value))

    def _resource(self, logical_id: str) -> tuple[yaml.Node, yaml.Node] | None:
        if logical_id not in self.resources and self._json is not None:
            from aspects.json_nodes import compose_value

            text, offsets, lines = self._json
            try:
                if logical_id not in offsets:
                    raise ValueError(f"{logical_id} is not where resource keys are")
                self.resources[logical_id] = compose_value(text, offsets[logical_id], lines)
            except ValueError:  # laid out otherwise than expected: compose it all
                self._compose(text)
        return self.resources.get(logical_id)

    def region(self, logical_id: str, property_path: str = "") -> Region | None:
        """The region of the deepest part of *property_path* found in the resource.

        Paths are the engine's (``Properties.SecurityGroupIngress[0]``); a path that does
        not start at the resource is looked for under ``Properties``. A property that is
        missing gives the part of the path that exists (at least the resource).
        """
        found = self._resource(logical_id)
        if found is None:
            return None
        key, value = found
        start: yaml.Node = key
        segments = _path_segments(property_path)
        if (
            segments
            and isinstance(segments[0], str)
            and _child(value, segments[0]) is None
            and _child(_child(value, "Properties"), segments[0]) is not None
        ):
            segments.insert(0, "Properties")
        for segment in segments:
            found = _entry(value, segment)
            if found is None:
                break
            start, value = found
        return self._region(start, value)

    def _region(self, start: yaml.Node, end: yaml.Node) -> Region | None:
        if not self.lines:
            return None
        first = start.start_mark.line
        last, last_column = end.end_mark.line, end.end_mark.column
        last = min(last, len(self.lines) - 1)
        # A YAML block ends where the next token starts (the next key's line): step back
        # over that line's indentation and over blank or comment lines.
        while last > first and _blank(self.lines[last][:last_column]):
            last -= 1
            last_column = len(self.lines[last].rstrip())
        if last - first + 1 > MAX_REGION_LINES:
            last, last_column = first, len(self.lines[first])
        return Region(
            start_line=first + 1,
            start_column=start.start_mark.column + 1,
            end_line=last + 1,
            end_column=last_column + 1,
            snippet="\n".join(self.lines[first : last + 1]),
        )


def _blank(text: str) -> bool:
    """Whether a line (or the start of one) holds no YAML/JSON content."""
    stripped = text.strip()
    return not stripped or stripped.startswith("#")


def _child(node: yaml.Node | None, name: str) -> yaml.Node | None:
    found = _entry(node, name)
    return found[1] if found else None


def _entry(node: yaml.Node | None, segment: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """(where the entry starts, its value) for a mapping key or a sequence index."""
    import yaml  # type: ignore[import-untyped, unused-ignore]

    if isinstance(node, yaml.MappingNode) and isinstance(segment, str):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == segment:
                return key, value
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(segment, int)
        and 0 <= segment < len(node.value)
    ):
        item = node.value[segment]
        return item, item
    return None


@cache
def template_map(path: str) -> TemplateMap:
    """The :class:`TemplateMap` of a template file (cached for one report)."""
    return TemplateMap(path)


#: A JavaScript stack frame: ``at new AppStack (/src/lib/app-stack.ts:12:5)`` or
#: ``Object.<anonymous> (/src/bin/app.ts:7:1)`` or a bare ``/src/bin/app.ts:7:1``.
_FRAME = re.compile(r"\(?((?:file://)?(?:[A-Za-z]:)?[^\s():]+):(\d+):(\d+)\)?\s*$")
_NOT_USER_CODE = ("node_modules", "node:", "jsii-kernel", "jsii-runtime", "/jsii/", "internal/")


@dataclass(frozen=True)
class SourceSite:
    """Where the app created a construct: a file (as CDK recorded it), line and column."""

    file: str
    line: int
    column: int


def creation_site(stack: StackTemplate, logical_id: str) -> SourceSite | None:
    """The first frame of the app's own code that created a resource, if CDK recorded one.

    CDK records a stack trace when stack traces are enabled: as the ``trace`` of the
    resource's ``aws:cdk:logicalId`` metadata entry, or as an ``aws:cdk:creationStack``
    entry of the same construct. Frames inside ``node_modules``, Node.js and the jsii
    runtime are passed over, so a Python app (whose frames are all jsii's) has none.
    """
    return creation_sites(stack).get(logical_id)


def creation_sites(stack: StackTemplate) -> dict[str, SourceSite]:
    """Logical id -> :func:`creation_site` for every resource of a stack, in one pass."""
    sites: dict[str, SourceSite] = {}
    for entries in stack.metadata.values():
        entries = [e for e in entries or () if isinstance(e, Mapping)]
        ids = [
            e["data"]
            for e in entries
            if e.get("type") == "aws:cdk:logicalId" and isinstance(e.get("data"), str)
        ]
        if not ids:
            continue
        site = None
        for entry in entries:
            frames: Any = None
            if entry.get("type") == "aws:cdk:logicalId":
                frames = entry.get("trace")
            elif entry.get("type") == "aws:cdk:creationStack":
                frames = entry.get("data")
            for frame in frames if isinstance(frames, list) else ():
                site = _user_frame(frame)
                if site is not None:
                    break
            if site is not None:
                break
        if site is not None:
            for logical_id in ids:
                sites.setdefault(logical_id, site)
    return sites


def _user_frame(frame: object) -> SourceSite | None:
    if not isinstance(frame, str) or any(part in frame for part in _NOT_USER_CODE):
        return None
    match = _FRAME.search(frame.strip())
    if match is None:
        return None
    file = match.group(1).removeprefix("file://")
    return SourceSite(file, int(match.group(2)), int(match.group(3)))


def _source_location(site: SourceSite, base: Path, base_id: str) -> dict[str, Any]:
    path = Path(site.file)
    if not path.is_absolute():
        return {"uri": uri_reference(path.as_posix()), "uriBaseId": base_id}
    relative = relative_path(str(path), base)
    if relative.startswith("../") or relative == "..":
        return {"uri": path.as_uri()}
    return {"uri": uri_reference(relative), "uriBaseId": base_id}


def render_sarif(scan: Scan) -> str:
    """SARIF 2.1.0; template URIs are relative to the working directory (``SRCROOT``).

    On top of :func:`aspects.report.to_sarif`: the rules' ``helpUri``, ``precision`` and
    ``security-severity``; each result's full ``region`` with a snippet, its
    ``partialFingerprints`` (``secureConstructsFinding/v1`` and ``primaryLocationLineHash``,
    both from :func:`fingerprint`, so GitHub matches an alert by what it is rather than by
    the text of its line), the resource's creation site in the app's source as a related
    location (when CDK recorded one), acknowledgments as ``inSource`` suppressions and the
    baselined findings as ``external`` suppressions.

    One line of JSON, like the reports the plugin writes: Python's JSON encoder runs in C
    only without indentation, and at 2000 resources indenting the document took longer
    than checking the templates. SARIF viewers and GitHub read it the same.
    """
    return json.dumps(sarif_report(scan)) + "\n"


def sarif_report(scan: Scan, base_id: str = "SRCROOT") -> dict[str, Any]:
    """The SARIF document :func:`render_sarif` writes, as data."""
    template_map.cache_clear()
    extra = scan.extra_baselined()
    why = dict(scan.baselined)
    findings = [*scan.evaluation.findings, *(finding for finding, _ in extra)]
    reasons: list[str | None] = [why.get(finding) for finding in findings]
    everything = dataclasses.replace(scan.evaluation, findings=tuple(findings))
    run_ids = {rule.id for rule in scan.rules}
    sarif = to_sarif(
        everything,
        scan.base,
        # Skipped rules are described too (disabled): custom ones are not in the catalogue.
        rules=(*scan.rules, *(scan.skipped_rule(i) for i in scan.skipped if i not in run_ids)),
        skipped=scan.skipped,
        base_id=base_id,
        base_description="The directory secure-constructs scan ran in.",
    )
    (run,) = sarif["runs"]
    sites = {stack.template_path: creation_sites(stack) for stack in scan.stacks}
    for result, finding, baseline_reason in zip(run["results"], findings, reasons, strict=True):
        physical = result["locations"][0]["physicalLocation"]
        region = template_map(finding.template_path).region(
            finding.logical_id, finding.property_path
        )
        if region is not None:
            physical["region"] = region.sarif()
        site = sites.get(finding.template_path, {}).get(finding.logical_id)
        if site is not None:
            result["relatedLocations"] = [
                {
                    "id": 1,
                    "message": {"text": f"{finding.location} is created here (CDK stack trace)"},
                    "physicalLocation": {
                        "artifactLocation": _source_location(site, scan.base, base_id),
                        "region": {"startLine": site.line, "startColumn": site.column},
                    },
                }
            ]
        if baseline_reason is not None and not finding.acknowledged:
            result["suppressions"] = [
                {"kind": "external", "status": "accepted", "justification": baseline_reason}
            ]
    return sarif


# -- the table ---------------------------------------------------------------------------------


def _label(finding: Finding) -> str:
    if finding.acknowledged:
        return "ACK"
    level = "ERROR" if finding.severity is Severity.ERROR else "WARN"
    return level + ("?" if finding.status is Status.CANNOT_VERIFY else "")


def render_table(scan: Scan, *, fail_on: str = "error") -> str:
    """Findings grouped by stack, then pillar; then skipped rules, coverage and the totals.

    ``ERROR?``/``WARN?`` mark *cannot verify* findings (a value known only at deploy time).
    Each stack starts with its coverage line; the total coverage precedes the totals. Each
    finding ends with a ``docs:`` link; baselined findings have their own section.
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
                out += _docs_line(finding.rule)
    # Baselined findings outside the evaluation (the CLI lists the others after the table).
    extra = scan.extra_baselined()
    if extra:
        out += ["", "Baselined (accepted by the baseline, not counted)"]
        for finding, reason in extra:
            out.append(f"  {finding.rule.id:<13}{finding.location} [{finding.logical_id}]")
            out.append(f"           baselined: {reason}")
            out += _docs_line(finding.rule)
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
        f"{len(evaluation.acknowledged)} acknowledged, "
        + (f"{len(extra)} baselined, " if extra else "")
        + f"{len(scan.skipped)} rule(s) skipped (--fail-on {fail_on})",
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

    Only a *blocking* finding is a ``<failure>``: one that makes the scan exit 1 under
    *fail_on* (an unacknowledged error with ``--fail-on error``, any unacknowledged
    finding with ``--fail-on warning``, none with ``--fail-on never``), so the XML and the
    exit code always agree. A finding that does not block (a warning, by default) leaves
    its test case passed, with notes: ``<properties>`` (``finding.severity``,
    ``finding.status``, ``finding.blocking`` = ``false``, ``finding.docs``) and a
    ``<system-out>`` with each message, the fix and the documentation link. An
    acknowledged or baselined finding and every check of a rule left out with
    ``--skip-rule`` are ``<skipped>`` with the reason (``acknowledged: ...``,
    ``baselined: ...``); a passed check is an empty test case. Findings not about a
    checked resource (``SC-CFN-1``: a template that cannot be judged in full) get a case of
    their own. Characters XML cannot hold (control characters in a name or message) are
    written escaped, as ``\x00``.
    """
    baselined = dict(scan.baselined)
    found: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for finding in (*scan.evaluation.findings, *dict(scan.extra_baselined())):
        found[(finding.template_path, finding.logical_id, finding.rule.id)].append(finding)
    skipped = [scan.skipped_rule(i) for i, why in scan.skipped.items() if why == SKIPPED_BY_OPTION]
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
                _case(scan, stack, logical_id, where, rule, own, fail_on, baselined)
            )
    for check, own in found.items():
        holder = by_template.get(check[0])
        if check not in placed and holder is not None:
            first = own[0]
            where = first.construct_path
            cases[check[0]].append(
                _case(scan, holder, first.logical_id, where, first.rule, own, fail_on, baselined)
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


def blocks(finding: Finding, fail_on: str) -> bool:
    """Whether an (unacknowledged, not baselined) finding makes the scan exit 1."""
    if finding.acknowledged:
        return False
    return fail_on == "warning" or (fail_on == "error" and finding.severity is Severity.ERROR)


def _case(
    scan: Scan,
    stack: StackTemplate,
    logical_id: str,
    construct_path: str | None,
    rule: Rule,
    findings: list[Finding],
    fail_on: str = "error",
    baselined: Mapping[Finding, str] | None = None,
) -> ET.Element:
    baselined = baselined or {}
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
        return case
    live = [f for f in findings if not f.acknowledged and f not in baselined]
    docs = rule_doc_url(rule)
    notes = [f"{f.severity} ({f.status}): {f.message}" for f in live]
    detail = "\n".join([*notes, f"Fix: {rule.fix}", *([f"Docs: {docs}"] if docs else [])])
    failing = [f for f in live if scan.is_blocking(f, fail_on)]
    if failing:
        failure = ET.SubElement(
            case,
            "failure",
            message="; ".join(f"{f.status}: {f.message}" for f in failing),
            type=f"{rule.id} ({_worst(failing)})",
        )
        failure.text = detail
    elif live:
        properties = ET.SubElement(case, "properties")
        for name, value in (
            ("finding.severity", str(_worst(live))),
            ("finding.status", ", ".join(dict.fromkeys(str(f.status) for f in live))),
            ("finding.blocking", "false"),
            ("finding.docs", docs),
        ):
            if value is not None:
                ET.SubElement(properties, "property", name=name, value=value)
        ET.SubElement(case, "system-out").text = detail
    elif findings:
        first = findings[0]
        reason = (
            f"acknowledged: {first.acknowledged_reason}"
            if first.acknowledged
            else f"baselined: {baselined[first]}"
        )
        ET.SubElement(case, "skipped", message=reason)
    return case


def _docs_line(rule: Rule) -> list[str]:
    """The table's ``docs:`` line of a finding's rule (none for a custom rule without docs)."""
    url = rule_doc_url(rule)
    return [] if url is None else [f"           docs: {url}"]


def _linked(rule: Rule) -> str:
    url = rule_doc_url(rule)
    return rule.id if url is None else f"[{rule.id}]({url})"


def _worst(findings: Sequence[Finding]) -> Severity:
    """ERROR if an unacknowledged finding is an error (a construct may enforce a warning)."""
    live = [f for f in findings if not f.acknowledged]
    return Severity.ERROR if any(f.severity is Severity.ERROR for f in live) else Severity.WARNING


# -- the catalogue -----------------------------------------------------------------------------


def _cell(values: tuple[str, ...]) -> str:
    return ", ".join(values) if values else "-"


#: The width the ``rules`` table fits: a 100-column terminal.
RULES_WIDTH = 100


def render_rules(rules: tuple[Rule, ...], fmt: str, width: int = RULES_WIDTH) -> str:
    """The rule catalogue as a table, JSON or a Markdown table, each linking the docs.

    The table fits *width* columns: id, pillar, severity and the title (wrapped), then the
    equivalent controls (FSBP, cdk-nag, checkov) on indented lines of their own.
    JSON adds ``docs`` to each rule; Markdown links each id to its documentation.
    """
    if fmt == "json":
        return (
            json.dumps([{**rule_metadata(r), "docs": rule_doc_url(r)} for r in rules], indent=2)
            + "\n"
        )
    if fmt == "markdown":
        header = ("ID", "Pillar", "Severity", "Title", "FSBP", "cdk-nag", "checkov")
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += [
            f"| {_linked(r)} | {r.pillar} | {r.severity} | {r.title} | "
            f"{_cell(r.fsbp)} | {_cell(r.cdk_nag)} | {_cell(r.checkov)} |"
            for r in rules
        ]
        return "\n".join(lines) + "\n"
    heading = ("ID", "Pillar", "Severity")
    cells = [(r.id, str(r.pillar), str(r.severity)) for r in rules]
    widths = [max(len(row[i]) for row in [heading, *cells]) for i in range(3)]
    indent = sum(widths) + 2 * len(widths)
    room = max(width - indent, 20)
    pad = " " * indent

    def first(row: tuple[str, str, str]) -> str:
        return "".join(cell.ljust(w + 2) for cell, w in zip(row, widths, strict=True))

    out = [(first(heading) + "Title / equivalent controls").rstrip()]
    for rule, row in zip(rules, cells, strict=True):
        title = textwrap.wrap(rule.title, room, break_on_hyphens=False) or [""]
        out.append(first(row) + title[0])
        out += [pad + line for line in title[1:]]
        equivalents = "; ".join(
            f"{name} {', '.join(values)}"
            for name, values in (
                ("FSBP", rule.fsbp),
                ("cdk-nag", rule.cdk_nag),
                ("checkov", rule.checkov),
            )
            if values
        )
        if equivalents:
            # Under the row, indented less than the title: the longest cdk-nag id fits.
            out += [
                "    " + line
                for line in textwrap.wrap(
                    equivalents, width - 4, break_on_hyphens=False, break_long_words=False
                )
            ]
    return "\n".join(line.rstrip() for line in out) + "\n"
