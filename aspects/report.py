"""Findings reports: a JSON document, SARIF 2.1.0 for CI annotations, and a text summary.

Every report states the coverage (:mod:`aspects.coverage`): how many resources a rule
judged, and the resource types no rule judged with their counts; text keeps to the most
frequent types, JSON and SARIF list them all.

Reports are written atomically (:func:`write_atomically`): a temporary file beside the
report, then a rename, so a reader never sees half a report. The JSON and SARIF reports are
made from the same findings. SARIF artifact URIs are RFC 3986 URI references: each path
segment percent-encoded (a ``%``, space, ``#``, ``[`` or non-ASCII character in a file
name), absolute ones as ``file://`` URIs.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aspects.constants import INFORMATION_URI, PLUGIN_NAME, REPORT_JSON, REPORT_SARIF, VERSION
from aspects.coverage import Coverage, StackCoverage, reason_for
from aspects.engine import Evaluation
from aspects.links import fingerprint, rule_doc_url, sarif_result_extras, sarif_rule_extras
from aspects.model import Finding, Rule, Severity
from aspects.rules import RULES_BY_ID

if TYPE_CHECKING:
    from aspects.baseline import Adoption

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: How many not-judged types a line of text names before "and N more type(s)".
COVERAGE_LISTED = 5


def rule_metadata(rule: Rule) -> dict[str, Any]:
    """A rule as plain data (reports, docs, the catalogue test)."""
    return {
        "id": rule.id,
        "title": rule.title,
        "pillar": str(rule.pillar),
        "severity": str(rule.severity),
        "resourceTypes": list(rule.resource_types),
        "rationale": rule.rationale,
        "fix": rule.fix,
        "acknowledgmentId": rule.acknowledgment_id,
        "fsbp": list(rule.fsbp),
        "nist80053": list(rule.nist_800_53),
        "cdkNag": list(rule.cdk_nag),
        "checkov": list(rule.checkov),
    }


def relative_path(path: str, base: Path) -> str:
    """*path* relative to *base*, with forward slashes (``../`` when outside it).

    Reports call this once per finding with a few distinct templates, and
    ``os.path.relpath`` normalises both paths every time: the answers are cached (keyed by
    the working directory too, against which relative paths are resolved).
    """
    return _relative_path(path, str(base), os.getcwd())


@lru_cache(maxsize=4096)
def _relative_path(path: str, base: str, cwd: str) -> str:
    del cwd  # part of the cache key only: relpath resolves relative paths against it
    return Path(os.path.relpath(path, base)).as_posix()


def finding_data(finding: Finding, base: Path) -> dict[str, Any]:
    """A finding as plain data, with the template path relative to *base*."""
    return {
        "ruleId": finding.rule.id,
        "title": finding.rule.title,
        "pillar": str(finding.rule.pillar),
        "severity": str(finding.severity),
        "enforcedByConstruct": finding.enforced,
        "status": str(finding.status),
        "message": finding.message,
        "fix": finding.rule.fix,
        "stack": finding.stack_path,
        "template": relative_path(finding.template_path, base),
        "logicalId": finding.logical_id,
        "resourceType": finding.resource_type,
        "constructPath": finding.construct_path,
        "propertyPath": finding.property_path,
        "acknowledged": finding.acknowledged,
        "acknowledgmentReason": finding.acknowledged_reason,
        "ignoredAcknowledgment": (
            str(finding.ignored_acknowledgment) if finding.ignored_acknowledgment else None
        ),
        "docs": rule_doc_url(finding.rule),
        "fingerprint": fingerprint(finding),
    }


def coverage_line(
    coverage: Coverage | StackCoverage,
    listed: int = COVERAGE_LISTED,
    accepted: Mapping[str, str] | None = None,
) -> str:
    """Coverage in one line, naming at most *listed* types not judged (most frequent first).

    E.g. ``judged 41 of 52 resource(s), 8 with nothing to judge; not judged:
    AWS::EC2::Subnet x2 and 1 more type(s)``. Types accepted by ``allow_unjudged`` are
    marked ``(accepted)`` (for a stack, pass the evaluation's ``coverage.accepted``).
    """
    if accepted is None:
        accepted = coverage.accepted if isinstance(coverage, Coverage) else {}
    nothing = sum(coverage.nothing_to_judge_counts.values())
    text = f"judged {coverage.judged} of {coverage.resources} resource(s)"
    if nothing:
        text += f", {nothing} with nothing to judge"
    off = "".join(
        f"; switched off at {path}: {', '.join(parts)}" for path, parts in coverage.switched_off
    )
    counts = coverage.unjudged_counts
    if not counts:
        return text + "; nothing left unjudged" + off
    named = [
        f"{name} x{count}" + (" (accepted)" if name in accepted else "")
        for name, count in list(counts.items())[:listed]
    ]
    more = f" and {len(counts) - listed} more type(s)" if len(counts) > listed else ""
    return f"{text}; not judged: {', '.join(named)}{more}{off}"


def coverage_data(coverage: Coverage, base: Path) -> dict[str, Any]:
    """Coverage as plain data: totals, every type not judged, and the same per stack."""
    accepted = coverage.accepted
    return {
        "resources": coverage.resources,
        "judged": coverage.judged,
        "nothingToJudge": coverage.nothing_to_judge,
        "notJudged": coverage.not_judged,
        "failOnUnjudged": coverage.fail_on_unjudged,
        "notJudgedTypes": [
            {"type": name, "count": count, "accepted": accepted.get(name)}
            for name, count in coverage.unjudged_counts.items()
        ],
        "nothingToJudgeTypes": _nothing_data(coverage.nothing_to_judge_counts),
        "allowUnjudged": [{"type": t, "reason": r} for t, r in coverage.allow_unjudged],
        # Parts a construct did not build because the organization provides them.
        "switchedOff": [
            {"construct": path, "parts": list(parts)} for path, parts in coverage.switched_off
        ],
        "stacks": [
            {
                "stack": stack.stack_path,
                "template": relative_path(stack.template_path, base),
                "resources": stack.resources,
                "judged": stack.judged,
                "nothingToJudge": sum(n for _, n in stack.nothing_to_judge),
                "notJudged": stack.not_judged,
                "notJudgedTypes": [
                    {
                        "type": name,
                        "count": len(resources),
                        "logicalIds": [r.logical_id for r in resources],
                    }
                    for name, resources in sorted(
                        stack.unjudged, key=lambda pair: (-len(pair[1]), pair[0])
                    )
                ],
                "nothingToJudgeTypes": _nothing_data(stack.nothing_to_judge_counts),
            }
            for stack in coverage.stacks
        ],
    }


def _nothing_data(counts: Mapping[str, int]) -> list[dict[str, Any]]:
    return [
        {"type": name, "count": count, "reason": reason_for(name)} for name, count in counts.items()
    ]


def to_json(
    evaluation: Evaluation,
    base: Path,
    *,
    skipped: Mapping[str, str] | None = None,
    adoption: Adoption | None = None,
) -> dict[str, Any]:
    """The machine-readable findings report.

    *skipped* (rule id -> why it did not run) adds ``skippedRules``, so a rule left out of a
    scan is visible in the report rather than silently absent. ``coverage`` is
    :func:`coverage_data`; the summary repeats its counts. *adoption* adds what blocked
    (:func:`add_adoption`).
    """
    coverage = evaluation.coverage
    report: dict[str, Any] = {
        "tool": {"name": PLUGIN_NAME, "version": VERSION},
        "summary": {
            "stacks": list(evaluation.stacks),
            "resourcesChecked": evaluation.resources_checked,
            "resources": coverage.resources,
            "resourcesJudged": coverage.judged,
            "resourcesNotJudged": coverage.not_judged,
            "typesNotJudged": len(coverage.unjudged_counts),
            "rules": len(evaluation.rules),
            "errors": len(evaluation.errors),
            "warnings": len(evaluation.warnings),
            "acknowledged": len(evaluation.acknowledged),
        },
        "coverage": coverage_data(coverage, base),
        "findings": [finding_data(f, base) for f in evaluation.findings],
        "rules": [rule_metadata(r) for r in evaluation.rules],
        "ignoredAcknowledgments": [
            {"id": a.ack_id, "at": a.where, "reason": a.reason, "why": a.why}
            for a in evaluation.ignored_acknowledgments
        ],
    }
    if skipped is not None:
        report["skippedRules"] = [{"id": rid, "reason": why} for rid, why in skipped.items()]
    if adoption is not None:
        add_adoption(report, evaluation, adoption)
    return report


def add_adoption(report: dict[str, Any], evaluation: Evaluation, adoption: Adoption) -> None:
    """Add what blocked to a JSON report of *evaluation* (findings in the same order).

    Each finding gets ``blocking`` and ``baselined``; the ``adoption`` section holds the
    fail-on policy, the findings that did not block, the baseline (baselined findings,
    stale entries) and the stale and expired acknowledgments
    (:func:`aspects.baseline.adoption_data`).
    """
    from aspects.baseline import adoption_data, finding_states

    states = finding_states(adoption)
    for row, finding in zip(report["findings"], evaluation.findings, strict=True):
        state = states.get(id(finding))
        row["blocking"] = state == "blocking"
        row["baselined"] = state == "baselined"
    report["adoption"] = adoption_data(adoption)


@cache
def _template_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


_NAME = r"""(?:"([^"\n]+)"|'([^'\n]+)'|([\w:.-]+))"""
_RESOURCES = re.compile(r"""^([ \t]*)["']?Resources["']?[ \t]*:""", re.MULTILINE)
_FIRST_KEY = re.compile(rf"^([ \t]*){_NAME}[ \t]*:", re.MULTILINE)


def resource_key_offsets(text: str) -> dict[str, int]:
    """Logical id -> offset of its key under ``Resources`` in a JSON or YAML template's text.

    The first key after ``Resources`` sets the indentation of resource keys; the section
    ends at the next key indented no deeper than ``Resources``. Only keys at exactly that
    indentation are matched (by a regular expression over the whole text, so the cost is
    the size of the file, not one Python step per line). Empty when the text is not laid
    out one key per line (minified JSON, YAML flow style).
    """
    start = _RESOURCES.search(text)
    if start is None:
        return {}
    top = len(start.group(1))
    first = _FIRST_KEY.search(text, start.end())
    if first is None or len(first.group(1)) <= top:
        return {}
    depth = len(first.group(1))
    # Each pattern starts with the newline before a key's line rather than ``^``: a literal
    # first character lets the regular expression engine jump from newline to newline
    # instead of trying every position (half the time on a large template).
    section_end = re.compile(rf"\n[ \t]{{0,{top}}}{_NAME}[ \t]*:")
    end = section_end.search(text, first.end())
    keys = re.compile(rf"\n[ \t]{{{depth}}}{_NAME}[ \t]*:")
    out: dict[str, int] = {}
    for match in keys.finditer(text, first.start() - 1, end.start() if end else len(text)):
        name = match.group(1) or match.group(2) or match.group(3)
        out.setdefault(name, match.start() + 1 + depth)  # after the newline and indentation
    return out


@cache
def _resource_lines(path: str) -> dict[str, int]:
    """Logical id -> line of its key under ``Resources`` (:func:`resource_key_offsets`)."""
    text = _template_text(path)
    out: dict[str, int] = {}
    line, last = 1, 0
    for name, offset in resource_key_offsets(text).items():  # in the order of the text
        line += text.count("\n", last, offset)
        last = offset
        out[name] = line
    return out


def template_line(finding: Finding) -> int:
    """The line of the resource's key in its template, JSON or YAML (1 if not found)."""
    return _resource_lines(finding.template_path).get(finding.logical_id, 1)


def uri_reference(relative: str) -> str:
    """A relative POSIX path as an RFC 3986 relative reference (each segment encoded)."""
    return "/".join(urllib.parse.quote(segment, safe="") for segment in relative.split("/"))


@cache
def _artifact_location(path: str, base: Path, base_id: str) -> dict[str, str]:
    """A template's location: relative to the base if inside it, else an absolute URI."""
    relative = relative_path(path, base)
    if relative.startswith("../") or relative == "..":
        return {"uri": Path(path).resolve().as_uri()}
    return {"uri": uri_reference(relative), "uriBaseId": base_id}


def to_sarif(
    evaluation: Evaluation,
    base: Path,
    *,
    rules: Sequence[Rule] | None = None,
    skipped: Mapping[str, str] | None = None,
    base_id: str = "CDK_OUT",
    base_description: str = "The cloud assembly directory.",
) -> dict[str, Any]:
    """SARIF 2.1.0: one run, our rules as the driver's rules, acknowledgments as suppressions.

    Parameters
    ----------
    evaluation:
        What the engine found.
    base:
        Template locations are given relative to this directory (``uriBaseId`` *base_id*).
    rules:
        The rules to describe (default: those of the evaluation). Rules in *skipped* are
        added when missing.
    skipped:
        Rule id -> why it did not run. Each becomes a ``ruleConfigurationOverrides`` entry
        that disables the rule, with the reason, so a skipped rule stays visible.
    base_id, base_description:
        The name and meaning of the base directory in ``originalUriBaseIds``.

    The run's ``properties`` hold ``coverage`` (:func:`coverage_data`) and its one-line
    summary ``coverageSummary``.
    """
    _template_text.cache_clear()
    _resource_lines.cache_clear()
    _artifact_location.cache_clear()
    described = list(evaluation.rules if rules is None else rules)
    skipped = dict(skipped or {})
    if skipped:
        known = {rule.id for rule in described}
        described += [RULES_BY_ID[rid] for rid in skipped if rid not in known]
    # Every rule a result names is described (e.g. SC-CFN-1, outside the catalogue).
    known = {rule.id for rule in described}
    for finding in evaluation.findings:
        if finding.rule.id not in known:
            known.add(finding.rule.id)
            described.append(finding.rule)
    index = {rule.id: i for i, rule in enumerate(described)}
    results = []
    for finding in evaluation.findings:
        result: dict[str, Any] = {
            "ruleId": finding.rule.id,
            "ruleIndex": index[finding.rule.id],
            "level": "error" if finding.severity is Severity.ERROR else "warning",
            "message": {"text": f"{finding.message}. Fix: {finding.rule.fix}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": dict(
                            _artifact_location(finding.template_path, base, base_id)
                        ),
                        "region": {"startLine": template_line(finding)},
                    },
                    "logicalLocations": [
                        {
                            "name": finding.logical_id,
                            "fullyQualifiedName": finding.location,
                            "kind": "resource",
                        }
                    ],
                }
            ],
            "properties": {"status": str(finding.status), "stack": finding.stack_path},
        }
        sarif_result_extras(result, finding)
        if finding.acknowledged:  # written in the app or the template
            result["suppressions"] = [
                {
                    "kind": "inSource",
                    "status": "accepted",
                    "justification": finding.acknowledged_reason,
                }
            ]
        results.append(result)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": PLUGIN_NAME,
                "version": VERSION,
                "informationUri": INFORMATION_URI,
                "rules": [_sarif_rule(rule) for rule in described],
            }
        },
        "originalUriBaseIds": {base_id: {"description": {"text": base_description}}},
        "results": results,
        "properties": {
            "coverageSummary": coverage_line(evaluation.coverage),
            "coverage": coverage_data(evaluation.coverage, base),
        },
    }
    if skipped:
        run["invocations"] = [
            {
                "executionSuccessful": True,
                "ruleConfigurationOverrides": [
                    {
                        "descriptor": {"id": rid, "index": index[rid]},
                        "configuration": {"enabled": False},
                        "properties": {"skipped": True, "reason": reason},
                    }
                    for rid, reason in skipped.items()
                ],
            }
        ]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    descriptor = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in re.split(r"\W+", rule.title) if part),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": rule.fix},
        "defaultConfiguration": {
            "level": "error" if rule.severity is Severity.ERROR else "warning"
        },
        "properties": {
            "pillar": str(rule.pillar),
            "tags": ["security", str(rule.pillar)],
            "fsbp": list(rule.fsbp),
            "cdkNag": list(rule.cdk_nag),
            "checkov": list(rule.checkov),
        },
    }
    sarif_rule_extras(rule, descriptor)
    return descriptor


def render_reports(
    evaluation: Evaluation, directory: Path, *, adoption: Adoption | None = None
) -> dict[Path, str]:
    """The text of the JSON and SARIF reports for *directory* (the cloud assembly), by path.

    One JSON document per line (no indentation): Python's C encoder only runs without
    indentation, which keeps writing the reports of a large app off the synthesis time.
    *adoption* (what blocked) adds the JSON ``adoption`` section and, in SARIF, each
    result's ``properties.blocking`` and, with a baseline, its ``baselineState``. The text
    is the same for the same findings (no time stamps), so a report can be compared with
    the one already on disk.
    """
    report = to_json(evaluation, directory, adoption=adoption)
    sarif = to_sarif(evaluation, directory)
    if adoption is not None:
        from aspects.baseline import mark_sarif

        mark_sarif(sarif, evaluation.findings, adoption)
    return {
        directory / REPORT_JSON: json.dumps(report) + "\n",
        directory / REPORT_SARIF: json.dumps(sarif) + "\n",
    }


def write_reports(
    evaluation: Evaluation, directory: Path, *, adoption: Adoption | None = None
) -> tuple[Path, Path]:
    """Write the JSON and SARIF reports (:func:`render_reports`) into *directory*."""
    rendered = render_reports(evaluation, directory, adoption=adoption)
    for path, text in rendered.items():
        write_atomically(path, text)
    json_path, sarif_path = rendered
    return json_path, sarif_path


def existing_reports(directory: Path) -> list[Path]:
    """The reports :func:`write_reports` would write that are in *directory* already."""
    return [path for name in (REPORT_JSON, REPORT_SARIF) if (path := directory / name).exists()]


def remove_reports(directory: Path) -> list[Path]:
    """Delete the reports :func:`write_reports` left in *directory*; returns those removed.

    Call before a new validation, so a report of an earlier run is never mistaken for this
    run's when this one stops before writing its own.
    """
    removed = []
    for name in (REPORT_JSON, REPORT_SARIF):
        path = directory / name
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed


def write_atomically(path: Path, text: str) -> None:
    """Write *text* (UTF-8) to *path* through a temporary file in the same directory.

    The temporary file is renamed over *path* (:func:`os.replace`), so a reader sees the
    old file or the new one, never part of one; it is removed if writing fails.
    """
    # mkstemp makes the file private (0600); a report keeps the usual 0644 (or the mode of
    # the report it replaces).
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def summary(
    evaluation: Evaluation, reports: Iterable[Path] = (), listed: Sequence[Finding] = ()
) -> str:
    """A few lines for the terminal: counts, coverage, acknowledgments, what CDK may not show.

    The first line ends with the coverage (:func:`coverage_line`). Then every
    acknowledgment with its reason, every acknowledgment not honoured, and the findings in
    *listed* (those the CDK CLI may not show itself: in nested Stages, or suppressed by an
    acknowledgment CDK accepts).
    """
    lines = [
        f"{PLUGIN_NAME} guardrails: {len(evaluation.stacks)} stack(s), "
        f"{len(evaluation.rules)} rule(s): "
        f"{len(evaluation.errors)} error(s), {len(evaluation.warnings)} warning(s), "
        f"{len(evaluation.acknowledged)} acknowledged; {coverage_line(evaluation.coverage)}"
    ]
    for finding in evaluation.acknowledged:
        lines.append(
            f"  acknowledged {finding.rule.id} on {finding.location}: {finding.acknowledged_reason}"
        )
    for ack in evaluation.ignored_acknowledgments:
        lines.append(f"  acknowledgment not honoured: {ack}")
    counts = evaluation.coverage.unjudged_counts
    for name, reason in evaluation.coverage.allow_unjudged:
        if name in counts:
            lines.append(f"  not judged, accepted: {name} x{counts[name]}: {reason}")
    for finding in listed[:25]:
        lines.append(
            f"  error {finding.rule.id} on {finding.location} ({finding.logical_id}): "
            f"{finding.message}. Fix: {finding.rule.fix}"
        )
    if len(listed) > 25:
        lines.append(f"  ... and {len(listed) - 25} more errors (see the report)")
    names = [str(p) for p in reports]
    if names:
        lines.append(f"  report: {', '.join(names)}")
    return "\n".join(lines)
