"""The generated parts of docs/sample-app.md, and ``python -m sample_app.report`` to rewrite them.

Three blocks, each between ``<!-- BEGIN <name> -->`` and ``<!-- END <name> -->``:

* ``diagram``: the Mermaid flowchart of :mod:`sample_app.diagram`;
* ``acknowledgments``: every acknowledgment in the synthesized app (CDK acknowledgments of
  cdk-nag and guardrail findings, checkov skips, cfn-lint ignores), with where and why;
* ``plain-twin``: what our guardrails, cdk-nag's four packs and checkov report on the plain
  defaults twin (:mod:`sample_app.plain`), resource by resource.

tests/test_sample_app.py and tests/test_sample_app_plain.py fail when a block is stale.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sample_app.acknowledgments import CFN_LINT_REASONS
from sample_app.diagram import Assembly

DOC = Path(__file__).resolve().parent.parent / "docs" / "sample-app.md"
_CDK_NAG_PACKS = ("AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")


@dataclass(frozen=True, order=True)
class Acknowledgment:
    """One accepted finding: which scanner, which rule, on which construct, and why."""

    where: str
    scanner: str
    rule: str
    reason: str


def acknowledgments(outdir: Path) -> list[Acknowledgment]:
    """Every acknowledgment recorded in the cloud assembly in *outdir*, sorted."""
    assembly = Assembly.read(outdir)
    manifest = json.loads((outdir / "manifest.json").read_text())
    found: set[Acknowledgment] = set()
    for artifact in manifest["artifacts"].values():
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        metadata = dict(artifact.get("metadata", {}))
        if artifact.get("additionalMetadataFile"):
            metadata.update(json.loads((outdir / artifact["additionalMetadataFile"]).read_text()))
        for path, entries in metadata.items():
            for entry in entries:
                if entry["type"] != "aws:cdk:acknowledged-rules":
                    continue
                for ack_id, reason in entry["data"].items():
                    plugin, _, rule = ack_id.partition("::")
                    scanner = "cdk-nag" if plugin in _CDK_NAG_PACKS else plugin
                    found.add(Acknowledgment(path.strip("/"), scanner, rule, str(reason)))
    for stack, logical_id, resource in assembly.resources():
        where = assembly.paths.get((stack, logical_id), f"{stack}/{logical_id}")
        metadata = resource.get("Metadata", {})
        for skip in metadata.get("checkov", {}).get("skip", []):
            found.add(Acknowledgment(where, "checkov", skip["id"], skip.get("comment", "")))
        ignored = metadata.get("cfn-lint", {}).get("config", {}).get("ignore_checks", [])
        for check in ignored:
            found.add(Acknowledgment(where, "cfn-lint", check, CFN_LINT_REASONS.get(check, "")))
    return sorted(found)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def acknowledgments_table(acks: Iterable[Acknowledgment]) -> str:
    """One row per construct, scanner and reason; the rules it covers joined."""
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for ack in acks:
        grouped[(ack.where, ack.scanner, ack.reason)].append(ack.rule)
    rows = [
        (f"`{where}`", scanner, ", ".join(f"`{r}`" for r in sorted(rules)), reason)
        for (where, scanner, reason), rules in sorted(grouped.items())
    ]
    return table(("Where", "Scanner", "Finding", "Why it is inherent"), rows)


# -- the plain defaults twin ----------------------------------------------------------------


def _short(rule: str) -> str:
    """A cdk-nag rule without its granular part: ``AwsSolutions-IAM5[...]`` -> ``...-IAM5``."""
    return re.sub(r"\[.*\]$", "", rule)


def plain_twin_table(
    ours: Iterable[tuple[str, str]],
    cdk_nag: Iterable[tuple[str, str]],
    checkov: Iterable[tuple[str, str]],
) -> str:
    """Resource by resource: (rule, construct path) pairs of each scanner, side by side."""
    columns: list[dict[str, set[str]]] = [defaultdict(set) for _ in range(3)]
    for column, pairs in zip(columns, (ours, cdk_nag, checkov), strict=True):
        for rule, path in pairs:
            column[path or "(template)"].add(rule)
    paths = sorted(set().union(*columns))
    rows = [
        (f"`{path}`", *(", ".join(sorted(column.get(path, set()))) or "-" for column in columns))
        for path in paths
    ]
    totals = [sum(len(c) for c in column.values()) for column in columns]
    header = (
        f"Totals: our guardrails {totals[0]}, cdk-nag (four packs) {totals[1]}, "
        f"checkov {totals[2]} distinct findings.\n\n"
    )
    return header + table(("Resource", "Our guardrails", "cdk-nag (4 packs)", "checkov"), rows)


def checkov_pairs(
    assembly: Assembly, results: Mapping[str, Mapping[str, Any]]
) -> list[tuple[str, str]]:
    """(check id, construct path) of checkov's failed checks, per template file name."""
    pairs = []
    for template, result in results.items():
        stack = template.removesuffix(".template.json")
        for check in result["results"]["failed_checks"]:
            logical_id = check["resource"].split(".", 1)[1]
            pairs.append((check["check_id"], assembly.paths.get((stack, logical_id), logical_id)))
    return sorted(set(pairs))


def cdk_nag_pairs(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(rule, construct path) of cdk-nag's unsuppressed violations, granular part dropped."""
    return sorted(
        {
            (_short(v["ruleName"]), c["constructPath"])
            for r in report["pluginReports"]
            if r["pluginName"] in _CDK_NAG_PACKS
            for v in r["violations"]
            for c in v["violatingConstructs"]
        }
    )


# -- the document ------------------------------------------------------------------------------


def block(text: str, name: str) -> str:
    """The content between the block's markers in *text*."""
    begin, end = f"<!-- BEGIN {name} -->\n", f"<!-- END {name} -->"
    start = text.index(begin) + len(begin)
    return text[start : text.index(end, start)]


def replace_block(text: str, name: str, content: str) -> str:
    """*text* with the block *name* replaced by *content*."""
    begin, end = f"<!-- BEGIN {name} -->\n", f"<!-- END {name} -->"
    start = text.index(begin) + len(begin)
    return text[:start] + content + text[text.index(end, start) :]


def diagram_block(mermaid: str) -> str:
    """The diagram block: a fenced Mermaid flowchart."""
    return f"```mermaid\n{mermaid}```\n"


#: Set to 1 to make the doc tests rewrite their blocks instead of comparing them.
UPDATE_ENV = "SAMPLE_APP_UPDATE_DOCS"


def check_or_update(name: str, content: str, *, update: bool) -> str:
    """Compare block *name* of docs/sample-app.md with *content*, or rewrite it.

    Returns the block as it is in the document (after an update, *content*).
    """
    text = DOC.read_text()
    if update and block(text, name) != content:
        DOC.write_text(replace_block(text, name, content))
        return content
    return block(text, name)


def main() -> None:  # pragma: no cover - runs the doc tests in update mode
    """Rewrite docs/sample-app.md's generated blocks by running their tests in update mode."""
    import os

    tests = ["tests/test_sample_app.py", "tests/test_sample_app_plain.py"]
    env = {**os.environ, UPDATE_ENV: "1"}
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "doc", *tests]
    sys.exit(subprocess.run(args, env=env, check=False).returncode)  # noqa: S603


if __name__ == "__main__":  # pragma: no cover
    main()
