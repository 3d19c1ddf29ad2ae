"""The kill-rate table of the mutation suite, as markdown for ``docs/mutation.md``.

``python -m tests.mutation.report`` synthesizes the configurations, runs every mutant and
writes ``docs/mutation.md`` (``--check`` only compares; ``--print`` writes to stdout).
cdk-nag's verdict beside ours comes from the committed ``cdk_nag_results.json``
(:mod:`tests.mutation.cdk_nag_rate`), so rendering never runs cdk-nag.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from pathlib import Path

from aspects.model import Pillar
from tests.mutation.builds import CONFIGURATIONS, CONSTRUCTS
from tests.mutation.cdk_nag_rate import (
    REIMPORT_ONLY,
    SAMPLE_EVERY,
    SEEN_IN_APP,
    NagResults,
    load,
)
from tests.mutation.harness import Outcome
from tests.mutation.known_survivors import known_survivors

DOC = Path(__file__).resolve().parents[2] / "docs" / "mutation.md"
PILLARS = tuple(Pillar)


def _rate(killed: int, total: int) -> str:
    return f"{100 * killed / total:.0f} %" if total else "-"


@dataclass(frozen=True)
class Row:
    """One row of the kill-rate table: ours and cdk-nag's counts for the same mutants."""

    construct: str
    pillar: str
    mutants: int
    killed: int
    warned: int  # survivors a warning of ours saw
    nag_killed: int  # killed by cdk-nag on the re-imported template
    nag_in_app: int  # of those, what cdk-nag also sees when the weakening is an escape hatch

    @property
    def survived(self) -> int:
        return self.mutants - self.killed


@dataclass(frozen=True)
class _Counts:
    mutants: int = 0
    killed: int = 0
    warned: int = 0
    nag_killed: int = 0
    nag_in_app: int = 0

    def plus(self, o: Outcome, nag: NagResults) -> _Counts:
        nag_killed = nag_kills(o, nag)
        return _Counts(
            self.mutants + 1,
            self.killed + o.killed,
            self.warned + (not o.killed and bool(o.warned_by)),
            self.nag_killed + nag_killed,
            self.nag_in_app + (nag_killed and o.mutant.operator in SEEN_IN_APP),
        )


def nag_kills(o: Outcome, nag: NagResults) -> bool:
    """Whether cdk-nag killed the mutant (re-imported); no result counts as not killed."""
    verdict = nag.outcomes.get(o.mutant.id)
    return verdict is not None and verdict.killed


def summary_rows(outcomes: Iterable[Outcome], nag: NagResults) -> list[Row]:
    """One row per construct and pillar, per construct, per pillar and overall."""
    counts: dict[tuple[str, str], _Counts] = defaultdict(_Counts)
    for o in outcomes:
        for construct in (o.mutant.construct, "all"):
            for pillar in (o.mutant.pillar.value, "all"):
                counts[construct, pillar] = counts[construct, pillar].plus(o, nag)
    rows = []
    for construct in (*CONSTRUCTS, "all"):
        for pillar in (*(p.value for p in PILLARS), "all"):
            c = counts.get((construct, pillar))
            if c is not None:
                rows.append(Row(construct, pillar, *astuple(c)))
    return rows


def _nag_method(outcomes: list[Outcome], nag: NagResults) -> list[str]:
    refused = sum(1 for o in outcomes if (v := nag.outcomes.get(o.mutant.id)) and v.refused)
    missing = sum(1 for o in outcomes if o.mutant.id not in nag.outcomes)
    scaffolding = sum(
        1 for findings in nag.baselines.values() for f in findings if f.endswith(" error")
    )
    seen = " and ".join(f"`{op}`" for op in sorted(SEEN_IN_APP))
    lines = [
        "## How cdk-nag was judged",
        "",
        f"The same mutants, judged by cdk-nag {nag.cdk_nag}'s four packs (AwsSolutions,",
        "NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1) on aws-cdk-lib",
        f"{nag.aws_cdk_lib}. The verdicts are committed in",
        "`tests/mutation/cdk_nag_results.json`; `python -m tests.mutation.cdk_nag_rate`",
        "regenerates them (about two minutes) and `tests/mutation/test_cdk_nag_rate.py`",
        f"re-runs every {SAMPLE_EVERY}th mutant and fails when the file is stale.",
        "",
        "- **cdk-nag rate** is the most generous setting for cdk-nag. cdk-nag 3 is a CDK",
        "  validation plugin that walks the construct tree and reads each L1's properties, so",
        "  every mutated template is re-imported into a fresh app with",
        "  `cloudformation_include.CfnInclude` (each L1 then holds exactly the mutated",
        "  properties) and the packs run as CDK runs them, after synthesis. The construct's",
        "  own cdk-nag acknowledgments (recorded in the cloud assembly's metadata, not in the",
        "  template) are replayed onto the re-imported resources. A mutant is killed when a",
        "  new, unacknowledged error-level finding (warnings do not fail synthesis) names the",
        "  mutated resource or a neighbour of it, the same relation as for our rules.",
        "  Findings already on the unmutated template kill nothing (there are "
        f"{scaffolding}, none on",
        "  a construct's own resources: on the tests' VPC scaffolding and on CDK's",
        "  stack-level custom-resource providers). A few findings cdk-nag can only give a",
        "  re-imported template are among them (`REIMPORT_ONLY`: "
        + "; ".join(why for _p, _s, why in REIMPORT_ONLY)
        + ").",
    ]
    if refused:
        lines += [
            f"  {refused} mutant(s) CfnInclude refuses to import (a property CloudFormation",
            "  requires is deleted, so it would refuse the template too) count as not killed.",
        ]
    lines += [
        "- **cdk-nag rate in an app** is what cdk-nag catches when the weakening is made the",
        "  way the mutants model it, with escape hatches in the app. An override",
        "  (`add_property_override`, `add_property_deletion_override`, `add_override`) is",
        "  merged into the template only when the template is written; cdk-nag reads the",
        "  L1's attributes, which an override never changes, so it sees the secure value.",
        "  It does see a construct removed with `node.try_remove_child` and a removal policy",
        f"  set with `apply_removal_policy`; this column counts the kills of {seen} mutants",
        "  only. Checked in real apps: overrides that cdk-nag reports on the re-imported",
        "  template (a bucket's `BlockPublicAcls` set to false, its `LoggingConfiguration`",
        "  deleted, SSH opened to the world) give no finding in the app, and a removed",
        "  WebACL association gives the same findings in both",
        "  (`test_in_an_app_cdk_nag_sees_removed_constructs_but_not_escape_hatches`). An",
        "  ingress rule added through the L2 (`add_ingress_rule`) rather than an override",
        "  would be visible to cdk-nag too.",
    ]
    if missing:
        lines += [
            "",
            f"**{missing} mutants have no cdk-nag result** (they count as not killed by",
            "cdk-nag): run `python -m tests.mutation.cdk_nag_rate`.",
        ]
    return lines


def render(outcomes: list[Outcome], nag: NagResults | None = None) -> str:
    """The whole of ``docs/mutation.md``; *nag* defaults to the committed cdk-nag results."""
    nag = load() if nag is None else nag
    reasons = known_survivors()
    rows = summary_rows(outcomes, nag)
    total = next(
        (r for r in rows if r.construct == r.pillar == "all"), Row("all", "all", 0, 0, 0, 0, 0)
    )
    lines = [
        "# Mutation testing: does every weakening fail synthesis?",
        "",
        "<!-- Generated by `python -m tests.mutation.report`; "
        "tests/mutation/test_mutation.py fails when it is stale. -->",
        "",
        "The suite (`tests/mutation/`) builds each Secure* construct once per configuration,",
        "derives weakenings (*mutants*) from its synthesized template and a declarative model",
        "of what is security-relevant per resource type (`tests/mutation/security_model.py`),",
        "applies each to a copy of the template and runs every guardrail rule. A mutant is",
        "**killed** when an unacknowledged error-severity finding (non-compliant or cannot",
        "verify) names the mutated resource or a resource it references or that references",
        "it (a bucket policy's weakening is reported on its bucket, a removed log group's on",
        "its function). A warning does not kill: *warned* counts survivors a warning saw.",
        "",
        "Operators: delete a property; downgrade it to an insecure value; set `DeletionPolicy`",
        "/ `UpdateReplacePolicy` to Delete or delete them; remove a companion resource (and",
        "the references to it); widen an Allow statement (`Principal` to `*` or",
        '`{"AWS":"*"}`, `Resource` to `*`, drop `Condition`); drop a Deny statement; add a',
        "world-open ingress rule. Equivalence with real escape hatches",
        "(`add_property_override`, `add_property_deletion_override`, `apply_removal_policy`,",
        "`node.try_remove_child`) is checked on a sample.",
        "",
        "Configurations: "
        + ", ".join(f"{c.construct} *{c.variant}*" for c in CONFIGURATIONS)
        + ".",
        "",
        f"Overall our guardrails kill {_rate(total.killed, total.mutants)} of the "
        f"{total.mutants} mutants; cdk-nag's four packs kill "
        f"{_rate(total.nag_killed, total.mutants)} when shown the mutated template and "
        f"{_rate(total.nag_in_app, total.mutants)} when the weakening is an escape hatch in "
        "the app (see *How cdk-nag was judged*).",
        "",
        "## Kill rate by construct and pillar",
        "",
        "| Construct | Pillar | Mutants | Killed | Survived | Warned | Kill rate "
        "| cdk-nag killed | cdk-nag rate | cdk-nag rate in an app |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        b = "**" if row.pillar == "all" else ""
        lines.append(
            f"| {b}{row.construct}{b} | {b}{row.pillar}{b} | {row.mutants} | {row.killed} "
            f"| {row.survived} | {row.warned} | {b}{_rate(row.killed, row.mutants)}{b} "
            f"| {row.nag_killed} | {b}{_rate(row.nag_killed, row.mutants)}{b} "
            f"| {b}{_rate(row.nag_in_app, row.mutants)}{b} |"
        )
    lines += ["", *_nag_method(outcomes, nag)]
    by_operator: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_operator[o.mutant.operator].append(o)
    lines += [
        "",
        "## Kill rate by operator",
        "",
        "| Operator | Mutants | Killed | Kill rate | cdk-nag killed | cdk-nag rate "
        "| cdk-nag rate in an app |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for operator, items in sorted(by_operator.items()):
        k = sum(o.killed for o in items)
        nk = sum(nag_kills(o, nag) for o in items)
        in_app = nk if operator in SEEN_IN_APP else 0
        lines.append(
            f"| {operator} | {len(items)} | {k} | {_rate(k, len(items))} | {nk} "
            f"| {_rate(nk, len(items))} | {_rate(in_app, len(items))} |"
        )
    only_nag = [o for o in outcomes if not o.killed and nag_kills(o, nag)]
    lines += [
        "",
        f"## Killed by cdk-nag, not by our guardrails ({len(only_nag)})",
        "",
        "Mutants cdk-nag reports on the re-imported template and our rules let through",
        "(each is also listed below among the survivors, with its reason).",
    ]
    if only_nag:
        lines += [
            "",
            "| Construct | Variant | Resource | Operator | Change | cdk-nag rules |",
            "|---|---|---|---|---|---|",
        ]
        for o in only_nag:
            m = o.mutant
            rules = ", ".join(nag.outcomes[m.id].killed_by)
            lines.append(
                f"| {m.construct} | {m.variant} | `{m.where}` | {m.operator} "
                f"| `{_cell(m.target)}` | {rules} |"
            )
    survivors = [o for o in outcomes if not o.killed]
    grouped: dict[str, list[Outcome]] = defaultdict(list)
    for o in survivors:
        grouped[reasons.get(o.mutant.id, "NOT IN KNOWN_SURVIVORS")].append(o)
    lines += [
        "",
        f"## Surviving mutants ({len(survivors)})",
        "",
        "Grouped by the reason in `tests/mutation/known_survivors.py`; a reason starting",
        "`rule missing` is a rule to add or strengthen (issue 10).",
    ]
    for reason in sorted(grouped):
        items = grouped[reason]
        lines += [
            "",
            f"### {reason} ({len(items)})",
            "",
            "| Construct | Variant | Resource type | Resource | Operator | Change |",
            "|---|---|---|---|---|---|",
        ]
        for o in items:
            m = o.mutant
            lines.append(
                f"| {m.construct} | {m.variant} | `{m.resource_type}` | `{m.where}` "
                f"| {m.operator} | `{_cell(m.target)}` |"
            )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def main(argv: list[str] | None = None) -> int:
    from tests.mutation.builds import synthesize
    from tests.mutation.harness import run

    parser = argparse.ArgumentParser(prog="python -m tests.mutation.report")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="fail if docs/mutation.md is stale")
    group.add_argument("--print", action="store_true", help="write to stdout instead")
    args = parser.parse_args(argv)
    text = render(run(synthesize()))
    if args.print:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
        if current != text:
            sys.stderr.write("docs/mutation.md is stale: run python -m tests.mutation.report\n")
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
