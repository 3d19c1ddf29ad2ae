"""Findings reports: a JSON document, SARIF 2.1.0 for CI annotations, and a text summary."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from aspects.constants import PLUGIN_NAME, REPORT_JSON, REPORT_SARIF, VERSION
from aspects.engine import Evaluation
from aspects.model import Finding, Rule, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/secure-constructs/secure-constructs"


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


def _relative(path: str, base: Path) -> str:
    return Path(os.path.relpath(path, base)).as_posix()


def finding_data(finding: Finding, base: Path) -> dict[str, Any]:
    """A finding as plain data, with the template path relative to *base*."""
    return {
        "ruleId": finding.rule.id,
        "title": finding.rule.title,
        "pillar": str(finding.rule.pillar),
        "severity": str(finding.rule.severity),
        "status": str(finding.status),
        "message": finding.message,
        "fix": finding.rule.fix,
        "stack": finding.stack_path,
        "template": _relative(finding.template_path, base),
        "logicalId": finding.logical_id,
        "resourceType": finding.resource_type,
        "constructPath": finding.construct_path,
        "propertyPath": finding.property_path,
        "acknowledged": finding.acknowledged,
        "acknowledgmentReason": finding.acknowledged_reason,
    }


def to_json(evaluation: Evaluation, base: Path) -> dict[str, Any]:
    """The machine-readable findings report."""
    return {
        "tool": {"name": PLUGIN_NAME, "version": VERSION},
        "summary": {
            "stacks": list(evaluation.stacks),
            "resourcesChecked": evaluation.resources_checked,
            "rules": len(evaluation.rules),
            "errors": len(evaluation.errors),
            "warnings": len(evaluation.warnings),
            "acknowledged": len(evaluation.acknowledged),
        },
        "findings": [finding_data(f, base) for f in evaluation.findings],
        "rules": [rule_metadata(r) for r in evaluation.rules],
    }


@cache
def _template_lines(path: str) -> tuple[str, ...]:
    try:
        return tuple(Path(path).read_text(encoding="utf-8").splitlines())
    except OSError:
        return ()


def _line_of(finding: Finding) -> int:
    pattern = re.compile(r'^\s*"' + re.escape(finding.logical_id) + r'"\s*:\s*\{')
    for number, line in enumerate(_template_lines(finding.template_path), start=1):
        if pattern.match(line):
            return number
    return 1


def to_sarif(evaluation: Evaluation, base: Path) -> dict[str, Any]:
    """SARIF 2.1.0: one run, our rules as the driver's rules, acknowledgments as suppressions."""
    _template_lines.cache_clear()
    rules = list(evaluation.rules)
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = []
    for finding in evaluation.findings:
        result: dict[str, Any] = {
            "ruleId": finding.rule.id,
            "ruleIndex": index[finding.rule.id],
            "level": "error" if finding.rule.severity is Severity.ERROR else "warning",
            "message": {"text": f"{finding.message}. Fix: {finding.rule.fix}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": _relative(finding.template_path, base),
                            "uriBaseId": "CDK_OUT",
                        },
                        "region": {"startLine": _line_of(finding)},
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
        if finding.acknowledged:
            result["suppressions"] = [
                {"kind": "external", "justification": finding.acknowledged_reason}
            ]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": PLUGIN_NAME,
                        "version": VERSION,
                        "informationUri": INFORMATION_URI,
                        "rules": [_sarif_rule(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {
                    "CDK_OUT": {"description": {"text": "The cloud assembly directory."}}
                },
                "results": results,
            }
        ],
    }


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
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


def write_reports(evaluation: Evaluation, directory: Path) -> tuple[Path, Path]:
    """Write the JSON and SARIF reports into *directory* (the cloud assembly)."""
    json_path = directory / REPORT_JSON
    sarif_path = directory / REPORT_SARIF
    json_path.write_text(json.dumps(to_json(evaluation, directory), indent=2) + "\n", "utf-8")
    sarif_path.write_text(json.dumps(to_sarif(evaluation, directory), indent=2) + "\n", "utf-8")
    return json_path, sarif_path


def summary(evaluation: Evaluation, reports: Iterable[Path] = ()) -> str:
    """A few lines for the terminal: counts, then every acknowledgment with its reason."""
    lines = [
        f"{PLUGIN_NAME} guardrails: {len(evaluation.stacks)} stack(s), "
        f"{evaluation.resources_checked} resource(s), {len(evaluation.rules)} rule(s): "
        f"{len(evaluation.errors)} error(s), {len(evaluation.warnings)} warning(s), "
        f"{len(evaluation.acknowledged)} acknowledged"
    ]
    for finding in evaluation.acknowledged:
        lines.append(
            f"  acknowledged {finding.rule.id} on {finding.location}: {finding.acknowledged_reason}"
        )
    names = [str(p) for p in reports]
    if names:
        lines.append(f"  report: {', '.join(names)}")
    return "\n".join(lines)
