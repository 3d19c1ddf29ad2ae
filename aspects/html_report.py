"""``secure-constructs scan --format html``: one self-contained page for people.

The page has no external assets (the style is inline; no scripts, fonts or images), so it
can be attached to a CI run or mailed and opens anywhere offline. The links it holds are
to the rules' documentation only. Sections, each an element with a stable ``id``:

* ``summary``: the counts and the verdict under ``--fail-on``;
* ``pillars``: the four pillars as a dashboard (errors, warnings, acknowledged, rules run);
* ``findings``: by stack, then resource, each with its rule, message, fix and docs link;
* ``coverage``: resources judged and the types no rule judged, per stack and in total;
* ``accepted``: acknowledged and baselined findings with their reasons;
* ``skipped``: the rules left out and why.

Every text from a template (logical ids, messages, paths) is HTML-escaped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from html import escape

from aspects.constants import PLUGIN_NAME, VERSION
from aspects.formats import Scan
from aspects.links import rule_doc_url
from aspects.model import Finding, Pillar, Severity, Status
from aspects.report import coverage_line, relative_path, template_line

_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
 color:#1d2433;background:#f5f6f8}
header{background:#1d2433;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#c9cfdb}
main{padding:8px 28px 40px;max-width:1200px}
section{margin-top:26px}
h2{font-size:18px;border-bottom:2px solid #d5d9e1;padding-bottom:4px}
h3{font-size:16px;margin:18px 0 6px}
h4{font-size:14px;margin:12px 0 4px;font-family:ui-monospace,monospace}
.verdict{display:inline-block;padding:4px 12px;border-radius:4px;font-weight:600}
.verdict.fail{background:#b42318;color:#fff}.verdict.pass{background:#067647;color:#fff}
.dashboard{display:grid;grid-template-columns:repeat(4,1fr);gap:14px}
.pillar{background:#fff;border-radius:6px;padding:14px;border-top:5px solid #067647;
 box-shadow:0 1px 2px rgba(0,0,0,.08)}
.pillar.has-errors{border-top-color:#b42318}.pillar.has-warnings{border-top-color:#dc6803}
.pillar h3{margin:0 0 8px}
.pillar dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0}
.pillar dd{margin:0;font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0 12px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e4e7ec;vertical-align:top}
th{background:#eef0f4;font-size:13px}
code{font-family:ui-monospace,monospace;font-size:13px}
.sev{font-weight:600;white-space:nowrap}
.sev.error{color:#b42318}.sev.warning{color:#b54708}.sev.accepted{color:#475467}
.none{color:#475467;font-style:italic}
"""


def render_html(scan: Scan, *, fail_on: str = "error") -> str:
    """The scan as one HTML page (see the module docstring for its sections)."""
    evaluation = scan.evaluation
    failing = any(scan.is_blocking(f, fail_on) for f in evaluation.findings)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(PLUGIN_NAME)} scan report</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(PLUGIN_NAME)} scan report</h1>",
        f"<p>{escape(PLUGIN_NAME)} {escape(VERSION)}: {len(scan.stacks)} stack(s), "
        f"{evaluation.resources_checked} resource(s) checked, {len(scan.rules)} rule(s) run, "
        f"{len(scan.skipped)} skipped</p>",
        "</header>",
        "<main>",
        *_summary(scan, fail_on, failing),
        *_pillars(scan),
        *_findings(scan, fail_on),
        *_coverage(scan),
        *_accepted(scan),
        *_skipped(scan),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _summary(scan: Scan, fail_on: str, failing: bool) -> list[str]:
    evaluation = scan.evaluation
    baselined = dict(scan.baselined)
    live = [f for f in evaluation.findings if not f.acknowledged and f not in baselined]
    blocking = sum(1 for f in live if scan.is_blocking(f, fail_on))
    verdict = (
        '<span class="verdict fail">FAIL</span>'
        if failing
        else '<span class="verdict pass">PASS</span>'
    )
    return [
        '<section id="summary">',
        "<h2>Summary</h2>",
        f"<p>{verdict} with <code>--fail-on {escape(fail_on)}</code>: "
        f"{blocking} blocking, {len(live) - blocking} not blocking, "
        f"{len(evaluation.acknowledged)} acknowledged, {len(scan.baselined)} baselined.</p>",
        "</section>",
    ]


def _pillars(scan: Scan) -> list[str]:
    out = ['<section id="pillars">', "<h2>The four pillars</h2>", '<div class="dashboard">']
    accepted = dict(scan.baselined)
    for pillar in Pillar:
        findings = [f for f in scan.evaluation.findings if f.rule.pillar is pillar]
        live = [f for f in findings if not f.acknowledged and f not in accepted]
        errors = sum(1 for f in live if f.severity is Severity.ERROR)
        warnings = len(live) - errors
        acknowledged = sum(1 for f in findings if f.acknowledged)
        baselined = sum(1 for f, _ in scan.baselined if f.rule.pillar is pillar)
        rules = sum(1 for r in scan.rules if r.pillar is pillar)
        state = "has-errors" if errors else "has-warnings" if warnings else "clean"
        out += [
            f'<div class="pillar {state}" id="pillar-{pillar.value}">',
            f"<h3>{escape(str(pillar))}</h3>",
            "<dl>",
            f'<dt>errors</dt><dd class="errors">{errors}</dd>',
            f'<dt>warnings</dt><dd class="warnings">{warnings}</dd>',
            f'<dt>acknowledged</dt><dd class="acknowledged">{acknowledged}</dd>',
            f'<dt>baselined</dt><dd class="baselined">{baselined}</dd>',
            f'<dt>rules run</dt><dd class="rules">{rules}</dd>',
            "</dl>",
            "</div>",
        ]
    return [*out, "</div>", "</section>"]


def _severity(scan: Scan, finding: Finding, fail_on: str) -> str:
    label = str(finding.severity) + ("?" if finding.status is Status.CANNOT_VERIFY else "")
    kind = "error" if finding.severity is Severity.ERROR else "warning"
    blocking = " (blocking)" if scan.is_blocking(finding, fail_on) else ""
    return f'<span class="sev {kind}">{escape(label)}{blocking}</span>'


def _docs(finding: Finding) -> str:
    """The link to the rule's documentation ("" for a custom rule without ``docs_url``)."""
    url = rule_doc_url(finding.rule)
    if url is None:
        return ""
    return f'<a class="docs" href="{escape(url)}">{escape(finding.rule.id)} docs</a>'


def _findings(scan: Scan, fail_on: str) -> list[str]:
    out = ['<section id="findings">', "<h2>Findings by stack and resource</h2>"]
    accepted = dict(scan.baselined)
    open_findings = [
        f for f in scan.evaluation.findings if not f.acknowledged and f not in accepted
    ]
    if not open_findings:
        out.append('<p class="none">No open findings.</p>')
    by_stack: dict[str, list[Finding]] = defaultdict(list)
    for finding in open_findings:
        by_stack[finding.template_path].append(finding)
    for stack in scan.stacks:
        findings = by_stack.get(stack.template_path)
        if not findings:
            continue
        out += [
            f'<div class="stack" data-stack="{escape(stack.stack_path)}">',
            f"<h3>{escape(stack.stack_path)} "
            f"<small><code>{escape(relative_path(stack.template_path, scan.base))}</code>"
            "</small></h3>",
        ]
        by_resource: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            by_resource[finding.logical_id].append(finding)
        for logical_id, own in by_resource.items():
            first = own[0]
            out += [
                f'<div class="resource" data-logical-id="{escape(logical_id)}">',
                f"<h4>{escape(first.location)} [{escape(logical_id)}] "
                f"{escape(first.resource_type)}, line {template_line(first)}</h4>",
                "<table><thead><tr><th>Severity</th><th>Rule</th><th>Pillar</th>"
                "<th>Problem</th><th>Fix</th><th>Docs</th></tr></thead><tbody>",
            ]
            out += [
                '<tr class="finding">'
                f"<td>{_severity(scan, f, fail_on)}</td>"
                f"<td><code>{escape(f.rule.id)}</code> {escape(f.rule.title)}</td>"
                f"<td>{escape(str(f.rule.pillar))}</td>"
                f"<td>{escape(f.message)}"
                + (f" <code>{escape(f.property_path)}</code>" if f.property_path else "")
                + "</td>"
                f'<td class="fix">{escape(f.rule.fix)}</td>'
                f"<td>{_docs(f)}</td></tr>"
                for f in own
            ]
            out += ["</tbody></table>", "</div>"]
        out.append("</div>")
    return [*out, "</section>"]


def _types_table(rows: Iterable[tuple[str, int, str]]) -> list[str]:
    listed = list(rows)
    if not listed:
        return ['<p class="none">Nothing left unjudged.</p>']
    out = ["<table><thead><tr><th>Type</th><th>Count</th><th>Note</th></tr></thead><tbody>"]
    out += [
        f'<tr class="unjudged"><td><code>{escape(name)}</code></td><td>{count}</td>'
        f"<td>{escape(note)}</td></tr>"
        for name, count, note in listed
    ]
    return [*out, "</tbody></table>"]


def _coverage(scan: Scan) -> list[str]:
    coverage = scan.evaluation.coverage
    accepted = coverage.accepted
    out = [
        '<section id="coverage">',
        "<h2>Coverage</h2>",
        f'<p class="total">{escape(coverage_line(coverage))}</p>',
        "<h3>Types no rule judged</h3>",
        *_types_table(
            (name, count, f"accepted: {accepted[name]}" if name in accepted else "")
            for name, count in coverage.unjudged_counts.items()
        ),
        "<h3>Judged, per stack</h3>",
        "<table><thead><tr><th>Stack</th><th>Resources</th><th>Judged</th>"
        "<th>Nothing to judge</th><th>Not judged</th></tr></thead><tbody>",
    ]
    for stack in coverage.stacks:
        nothing = sum(stack.nothing_to_judge_counts.values())
        out.append(
            f'<tr class="stack-coverage"><td>{escape(stack.stack_path)}</td>'
            f"<td>{stack.resources}</td><td>{stack.judged}</td><td>{nothing}</td>"
            f"<td>{stack.not_judged}</td></tr>"
        )
    return [*out, "</tbody></table>", "</section>"]


def _accepted_rows(rows: Sequence[tuple[Finding, str, str]]) -> list[str]:
    if not rows:
        return ['<p class="none">None.</p>']
    out = [
        "<table><thead><tr><th>Rule</th><th>Resource</th><th>Stack</th><th>Reason</th>"
        "<th>Docs</th></tr></thead><tbody>"
    ]
    out += [
        f'<tr class="{kind}"><td><code>{escape(f.rule.id)}</code></td>'
        f"<td>{escape(f.location)} [{escape(f.logical_id)}]</td>"
        f"<td>{escape(f.stack_path)}</td><td>{escape(reason)}</td><td>{_docs(f)}</td></tr>"
        for f, kind, reason in rows
    ]
    return [*out, "</tbody></table>"]


def _accepted(scan: Scan) -> list[str]:
    acknowledged = [
        (f, "acknowledged", f.acknowledged_reason or "") for f in scan.evaluation.acknowledged
    ]
    baselined = [(f, "baselined", reason) for f, reason in scan.baselined]
    return [
        '<section id="accepted">',
        "<h2>Accepted findings</h2>",
        '<h3 id="acknowledged">Acknowledged</h3>',
        *_accepted_rows(acknowledged),
        '<h3 id="baselined">Baselined</h3>',
        *_accepted_rows(baselined),
        "</section>",
    ]


def _skipped(scan: Scan) -> list[str]:
    out = ['<section id="skipped">', "<h2>Rules not run</h2>"]
    if not scan.skipped:
        return [*out, '<p class="none">Every selected rule ran.</p>', "</section>"]
    out.append("<table><thead><tr><th>Rule</th><th>Why</th></tr></thead><tbody>")
    out += [
        f'<tr class="skipped-rule"><td><code>{escape(rid)}</code></td><td>{escape(why)}</td></tr>'
        for rid, why in scan.skipped.items()
    ]
    return [*out, "</tbody></table>", "</section>"]
