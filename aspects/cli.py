"""``secure-constructs``: scan cloud assemblies and CloudFormation templates from any CI.

``secure-constructs scan [PATH ...]`` runs the guardrail rules on a ``cdk.out`` directory
(of a CDK app in any language) or on template files, and prints a table, JSON, SARIF 2.1.0,
JUnit XML or a self-contained HTML page. ``secure-constructs rules`` lists the rule
catalogue (the table fits a 100-column terminal).

Every format states the coverage: how many resources a rule judged, and the resource types
none judged. ``--fail-on-unjudged`` makes each resource of such a type an error (a closed
world); ``--allow-unjudged TYPE=REASON`` accepts one type, with a reason.

Adopting on an existing app: ``--fail-on-pillar PILLAR=LEVEL`` sets a level per pillar,
``secure-constructs baseline create`` records today's findings and ``scan --baseline FILE``
fails only on findings not in it (``baseline prune`` drops the entries nothing matches any
more). Stale and expired acknowledgments are reported (:mod:`aspects.baseline`).

Exit codes: 0 nothing at or above ``--fail-on``; 1 violations at or above ``--fail-on``;
2 a usage error or input that cannot be read (one line on stderr naming file and problem),
and also any unexpected failure (``secure-constructs: internal error: <type>: <message>``):
exit code 1 means violations and nothing else, and no input produces a traceback.

This module imports neither ``aws_cdk`` nor ``jsii``: the command starts in a fraction of
a second and needs no Node.js.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

from aspects.assembly import InputError, NewerSchemaWarning, load_paths
from aspects.baseline import (
    BASELINE_FILE,
    AcknowledgmentAudit,
    Adoption,
    Baseline,
    FailOn,
    audit_acknowledgments,
    decide,
    fail_on_policy,
    mark_sarif,
)
from aspects.constants import MIN_REASON_LENGTH, VERSION
from aspects.coverage import check_allow_unjudged, with_unjudged
from aspects.custom_rules import RulesModuleError, load_rules_module, rule_issues
from aspects.engine import Evaluation, evaluate
from aspects.errors import SecureConstructsError
from aspects.formats import (
    FORMATS,
    SKIPPED_BY_OPTION,
    Scan,
    render_json,
    render_junit,
    render_rules,
    render_table,
    sarif_report,
)
from aspects.html_report import render_html
from aspects.index import StackTemplate
from aspects.model import Pillar, Rule
from aspects.report import add_adoption, coverage_line, write_atomically
from aspects.rules import ALL_RULES, RULES_BY_ID
from aspects.sam import with_unverifiable
from aspects.settings import DEFAULT, Thresholds

PROG = "secure-constructs"
EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2
FAIL_ON = ("error", "warning", "never")
_BY_SUFFIX = {".sarif": "sarif", ".xml": "junit", ".json": "json", ".html": "html", ".htm": "html"}


class UsageError(Exception):
    """A bad command line: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line instead of usage + error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Check CDK cloud assemblies and CloudFormation templates against the "
        "secure-constructs guardrails.",
        epilog="Exit codes: 0 clean (nothing at or above --fail-on), 1 violations at or above "
        "--fail-on, 2 usage error or unreadable input.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scan = commands.add_parser(
        "scan",
        help="scan cdk.out directories and template files",
        description="Scan a cloud assembly (all stacks, nested stages and nested stacks) or "
        "CloudFormation templates (JSON or YAML).",
        epilog="Exit codes: 0 clean, 1 violations at or above --fail-on, 2 usage error or "
        "unreadable input.",
    )
    scan.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a cdk.out directory, its manifest.json, or a template file (default: cdk.out)",
    )
    scan.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        help="output format (default: from the --output suffix .sarif/.xml/.json/.html, else "
        "table on a terminal and json otherwise)",
    )
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    scan.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="error",
        help="exit 1 if an unacknowledged finding has this severity or higher (default: error)",
    )
    scan.add_argument(
        "--fail-on-pillar",
        action="append",
        default=[],
        metavar="PILLAR=LEVEL",
        help="another --fail-on level for one pillar's findings (e.g. detection=never); "
        "repeat for more pillars",
    )
    scan.add_argument(
        "--baseline",
        metavar="FILE",
        help="a baseline (`baseline create`): its findings are reported as baselined and do "
        "not fail the scan; only new findings do",
    )
    scan.add_argument(
        "--pillar",
        action="append",
        default=[],
        metavar="PILLAR",
        help=f"run only the rules of this pillar ({', '.join(p.value for p in Pillar)}); "
        "repeat or comma-separate",
    )
    scan.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID",
        help="run only this rule; repeat or comma-separate",
    )
    scan.add_argument(
        "--skip-rule",
        action="append",
        default=[],
        metavar="ID",
        help="do not run this rule (reported as skipped); repeat or comma-separate",
    )
    scan.add_argument(
        "--settings",
        metavar="FILE",
        help="a JSON file of tighter thresholds (retention days, rate-limit ceiling, TLS "
        "policies...; see docs/guardrails.md); looser values than the baseline are refused",
    )
    scan.add_argument(
        "--fail-on-unjudged",
        action="store_true",
        help="make every resource of a type no rule run judges an error (a closed world; "
        "types with nothing to judge, see docs/coverage.md, never are)",
    )
    scan.add_argument(
        "--allow-unjudged",
        action="append",
        default=[],
        metavar="TYPE=REASON",
        help="accept resources of TYPE (e.g. AWS::EC2::EIP) as not judged, with why they "
        f"need no rule (at least {MIN_REASON_LENGTH} characters); repeat for more types",
    )
    scan.add_argument(
        "--rules-module",
        action="append",
        default=[],
        metavar="MODULE",
        help="also run your own rules: import MODULE (from the current directory or "
        "sys.path) and run its RULES, a list of aspects.Rule (docs/custom-rules.md); repeat "
        "for more modules",
    )
    scan.add_argument(
        "--allow-outside-assembly",
        action="store_true",
        help="read templates and metadata files that a manifest or template names outside "
        "the cloud assembly (absolute paths, '..', symbolic links pointing out); by default "
        "that is an error",
    )

    rules = commands.add_parser(
        "rules",
        help="list the rule catalogue",
        description="List every rule: id, pillar, severity, title and equivalent controls.",
    )
    rules.add_argument("-f", "--format", choices=("table", "json", "markdown"), default="table")
    rules.add_argument("--pillar", action="append", default=[], metavar="PILLAR")

    baseline = commands.add_parser(
        "baseline",
        help="record today's findings, or drop the entries nothing matches any more",
        description="A baseline lets an existing app adopt the guardrails: the findings it "
        "records are reported but do not block; new ones do.",
    )
    actions = baseline.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create",
        help="write a baseline of every unacknowledged finding",
        description="Scan like `scan` and write every unacknowledged finding (errors and "
        "warnings) to the baseline file.",
    )
    _selection(create)
    create.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=BASELINE_FILE,
        help=f"the baseline file to write (default: {BASELINE_FILE})",
    )
    prune = actions.add_parser(
        "prune",
        help="remove baseline entries that match no finding any more",
        description="Scan like `scan` and rewrite the baseline without the entries that "
        "match no finding (of a rule that ran, on a stack that was scanned).",
    )
    _selection(prune)
    prune.add_argument(
        "--baseline",
        metavar="FILE",
        default=BASELINE_FILE,
        help=f"the baseline file to prune (default: {BASELINE_FILE})",
    )
    prune.add_argument(
        "--check",
        action="store_true",
        help="do not rewrite the file; exit 1 if it has stale entries (for CI)",
    )
    return parser


def _selection(parser: argparse.ArgumentParser) -> None:
    """The options that decide what a baseline command scans (as for ``scan``)."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a cdk.out directory, its manifest.json, or a template file (default: cdk.out)",
    )
    for option, what in (
        ("--pillar", "run only the rules of this pillar"),
        ("--rule", "run only this rule"),
        ("--skip-rule", "do not run this rule"),
        ("--rules-module", "also run the RULES of this module (docs/custom-rules.md)"),
    ):
        parser.add_argument(option, action="append", default=[], help=f"{what}; repeatable")
    parser.add_argument("--settings", metavar="FILE", help="a JSON file of tighter thresholds")
    parser.add_argument(
        "--allow-outside-assembly",
        action="store_true",
        help="read files the manifest names outside the cloud assembly",
    )


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _pillars(values: Sequence[str]) -> set[Pillar]:
    chosen = set()
    for value in _split(values):
        try:
            chosen.add(Pillar(value))
        except ValueError:
            allowed = ", ".join(p.value for p in Pillar)
            raise UsageError(f"unknown pillar {value!r} (choose from {allowed})") from None
    return chosen


def _rule_ids(
    values: Sequence[str], option: str, known: Mapping[str, Rule] = RULES_BY_ID
) -> list[str]:
    ids = _split(values)
    unknown = [rid for rid in ids if rid not in known]
    if unknown:
        raise UsageError(
            f"{option}: unknown rule id {unknown[0]!r} (see `{PROG} rules` for the ids)"
        )
    return ids


def select_rules(
    pillars: set[Pillar],
    only: Sequence[str],
    skip: Sequence[str],
    catalogue: Sequence[Rule] = ALL_RULES,
) -> tuple[tuple[Rule, ...], dict[str, str]]:
    """The rules of *catalogue* to run and, for every other rule, why it is skipped."""
    run: list[Rule] = []
    skipped: dict[str, str] = {}
    for rule in catalogue:
        if rule.id in skip:
            skipped[rule.id] = SKIPPED_BY_OPTION
        elif only and rule.id not in only:
            skipped[rule.id] = "not selected by --rule"
        elif pillars and rule.pillar not in pillars:
            chosen = ", ".join(sorted(p.value for p in pillars))
            skipped[rule.id] = f"pillar {rule.pillar} not selected by --pillar {chosen}"
        else:
            run.append(rule)
    return tuple(run), skipped


def custom_catalogue(modules: Sequence[str]) -> tuple[Rule, ...]:
    """The built-in rules plus the RULES of each ``--rules-module`` (checked)."""
    custom = [rule for name in dict.fromkeys(modules) for rule in load_rules_module(name)]
    issues = rule_issues(custom)  # the same id in two modules
    if issues:
        raise UsageError(f"--rules-module: {'; '.join(map(str, issues))}")
    return (*ALL_RULES, *custom)


def allow_unjudged(values: Sequence[str]) -> dict[str, str]:
    """``--allow-unjudged TYPE=REASON`` values as ``{type: reason}``, checked."""
    entries: dict[str, str] = {}
    for value in values:
        name, equals, reason = value.partition("=")
        name = name.strip()
        if not equals or not name:
            raise UsageError(
                f"--allow-unjudged: {value!r} is not TYPE=REASON "
                "(e.g. 'AWS::EC2::EIP=addresses of the NAT gateways only')"
            )
        if name in entries:
            raise UsageError(f"--allow-unjudged: {name} is given twice")
        entries[name] = reason
    accepted, issues = check_allow_unjudged(entries)
    if issues:
        raise UsageError(f"--allow-unjudged: {issues[0].message} Fix: {issues[0].fix}")
    return accepted


def fail_on_pillars(values: Sequence[str]) -> dict[str, str]:
    """``--fail-on-pillar PILLAR=LEVEL`` values as ``{pillar: level}`` (checked later)."""
    entries: dict[str, str] = {}
    for value in _split(values):
        name, equals, level = value.partition("=")
        if not equals:
            raise UsageError(
                f"--fail-on-pillar: {value!r} is not PILLAR=LEVEL (e.g. 'detection=never')"
            )
        entries[name.strip()] = level.strip()
    return entries


def exit_code(scan: Scan, fail_on: str) -> int:
    """1 if an unacknowledged finding reaches *fail_on*, else 0."""
    evaluation = scan.evaluation
    if fail_on == "error" and evaluation.errors:
        return EXIT_VIOLATIONS
    if fail_on == "warning" and (evaluation.errors or evaluation.warnings):
        return EXIT_VIOLATIONS
    return EXIT_OK


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.output:
        name = Path(args.output).name.lower()
        for suffix, fmt in _BY_SUFFIX.items():
            if name.endswith(suffix) or name.endswith(suffix + ".json"):
                return fmt
        return "table"
    return "table" if sys.stdout.isatty() else "json"


Evaluated = tuple[
    tuple[StackTemplate, ...],
    tuple[Rule, ...],
    dict[str, str],
    Evaluation,
    AcknowledgmentAudit,
    tuple[Rule, ...],
]


def _evaluate(args: argparse.Namespace) -> Evaluated:
    """Load the paths and run the selected rules.

    Returns the stacks, the rules run, the skipped ids (and why), the evaluation, the
    acknowledgment audit and the skipped custom rules (the reports describe them).

    The evaluation has the acknowledgments' terms applied (``until``, ``property``;
    :func:`aspects.baseline.audit_acknowledgments`).
    """
    pillars = _pillars(args.pillar)
    catalogue = custom_catalogue(args.rules_module)  # --rules-module: built-in + custom
    known = {rule.id: rule for rule in catalogue}
    only = _rule_ids(args.rule, "--rule", known)
    skip = _rule_ids(args.skip_rule, "--skip-rule", known)
    rules, skipped = select_rules(pillars, only, skip, catalogue)
    settings = Thresholds.load(args.settings) if args.settings else DEFAULT
    accepted = allow_unjudged(getattr(args, "allow_unjudged", []))
    if not args.paths and not Path("cdk.out").exists():
        raise InputError("cdk.out", "no such directory: run `cdk synth` first, or name the paths")
    # detect_secrets routes Python warnings to logging when imported: catch ours here and
    # print them, or a newer cloud assembly would be read without a word.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NewerSchemaWarning)
        stacks = tuple(
            load_paths(
                args.paths or ["cdk.out"], allow_outside_assembly=args.allow_outside_assembly
            )
        )
    for warning in caught:
        if issubclass(warning.category, NewerSchemaWarning):
            print(f"secure-constructs: warning: {warning.message}", file=sys.stderr)
    # Templates the scan cannot judge in full (a transform it cannot expand) are findings.
    evaluation = with_unverifiable(
        evaluate(stacks, lambda _stack: rules, settings=settings), stacks
    )
    # --fail-on-unjudged: every resource no rule run judged is an error (unless accepted).
    evaluation = with_unjudged(
        evaluation,
        closed=[""] if getattr(args, "fail_on_unjudged", False) else [],
        allow_unjudged=accepted,
    )
    evaluation, audit = audit_acknowledgments(evaluation, stacks)
    skipped_custom = tuple(r for r in catalogue if r.id in skipped and r.id not in RULES_BY_ID)
    return stacks, rules, skipped, evaluation, audit, skipped_custom


def _policy(args: argparse.Namespace) -> FailOn:
    policy, issues = fail_on_policy(
        str(args.fail_on), fail_on_pillars(args.fail_on_pillar), option="--fail-on"
    )
    if issues:
        raise UsageError(f"--fail-on-pillar: {issues[0].message} Fix: {issues[0].fix}")
    return policy


def run_scan(args: argparse.Namespace) -> int:
    """The ``scan`` command."""
    policy = _policy(args)
    baseline = Baseline.load(args.baseline) if args.baseline else None
    stacks, rules, skipped, evaluation, audit, skipped_custom = _evaluate(args)
    adoption = decide(
        evaluation,
        level_of=lambda finding: policy.level(finding.rule.pillar),
        policy=policy.describe(),
        baseline=baseline,
        acknowledgments=audit,
        policy_data=policy.data(),
    )
    # Every format shows what blocks as the exit code decides it (a fail-on level per
    # pillar, a baseline), and baselined findings as accepted.
    source = adoption.baseline.source if adoption.baseline is not None else None
    scan = Scan(
        stacks,
        rules,
        skipped,
        evaluation,
        Path.cwd(),
        baselined=tuple((f, f"in the baseline {source}") for f in adoption.baselined),
        blocking=frozenset(adoption.blocking),
        skipped_custom=skipped_custom,
    )
    fmt = _format(args)
    fail_on = str(args.fail_on)

    def table(scan: Scan) -> str:
        return render_table(scan, fail_on=fail_on)

    def junit(scan: Scan) -> str:
        return render_junit(scan, fail_on=fail_on)

    def html(scan: Scan) -> str:
        return render_html(scan, fail_on=fail_on)

    def as_json(scan: Scan) -> str:
        report = json.loads(render_json(scan))
        add_adoption(report, scan.evaluation, adoption)
        return json.dumps(report, indent=2) + "\n"

    def sarif(scan: Scan) -> str:
        document = sarif_report(scan)
        mark_sarif(document, scan.evaluation.findings, adoption)
        return json.dumps(document) + "\n"  # one line: see render_sarif

    def table_with_adoption(scan: Scan) -> str:
        return table(scan) + adoption_text(adoption)

    renderers: dict[str, Callable[[Scan], str]] = {
        "json": as_json,
        "sarif": sarif,
        "junit": junit,
        "table": table_with_adoption,
        "html": html,
    }
    text = renderers[fmt](scan)
    code = EXIT_VIOLATIONS if adoption.blocking else EXIT_OK
    if args.output:
        try:
            write_atomically(Path(args.output), text)
        except OSError as exc:
            raise InputError(args.output, f"cannot be written ({exc.strerror or exc})") from None
        print(
            f"{PROG}: {len(evaluation.errors)} error(s), {len(evaluation.warnings)} warning(s), "
            f"{len(evaluation.acknowledged)} acknowledged in {len(stacks)} stack(s); "
            f"{len(adoption.blocking)} blocking, {len(adoption.baselined)} baselined; "
            f"{coverage_line(evaluation.coverage)}; {fmt} report written to {args.output}",
            file=sys.stderr,
        )
    else:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `secure-constructs scan | head`: the verdict still counts
            _quiet_stdout()
    return code


def adoption_text(adoption: Adoption) -> str:
    """What the table adds: baselined findings, stale entries and acknowledgments, verdict."""
    out: list[str] = []
    if adoption.baselined:
        out += ["", "Baselined (in the baseline, not failing the scan)"]
        out += [
            f"  {f.rule.id:<13}{f.location} [{f.logical_id}] {f.property_path}".rstrip()
            for f in adoption.baselined
        ]
    if adoption.stale_baseline:
        out += ["", "Stale baseline entries (match no finding; `baseline prune` drops them)"]
        out += [f"  {entry}" for entry in adoption.stale_baseline]
    if adoption.acknowledgments.stale:
        out += ["", "Stale acknowledgments (match no finding; remove them)"]
        out += [f"  {record}: {why}" for record, why in adoption.acknowledgments.stale]
    if adoption.acknowledgments.expired:
        out += ["", "Expired acknowledgments (their findings count again)"]
        out += [
            f"  {record}: {matched} finding(s)"
            for record, matched in adoption.acknowledgments.expired
        ]
    if not out and adoption.baseline is None and not adoption.policy_data.get("pillars"):
        return ""  # nothing beyond what the table's totals say
    verdict = (
        f"{len(adoption.blocking)} finding(s) fail the scan"
        if adoption.blocking
        else "nothing fails the scan"
    )
    extra = f", {len(adoption.baselined)} baselined" if adoption.baseline is not None else ""
    out += ["", f"{verdict} (--fail-on {adoption.policy}{extra})"]
    return "\n".join(out) + "\n"


def run_baseline(args: argparse.Namespace) -> int:
    """The ``baseline create`` and ``baseline prune`` commands."""
    _stacks, _rules, _skipped, evaluation, _audit, _custom = _evaluate(args)
    if args.action == "create":
        baseline = Baseline.of(evaluation)
        _write(args.output, baseline.dumps())
        print(
            f"{PROG}: baseline of {len(baseline.entries)} finding(s) in "
            f"{len(evaluation.stacks)} stack(s) written to {args.output}",
            file=sys.stderr,
        )
        return EXIT_OK
    baseline = Baseline.load(args.baseline)
    adoption = decide(evaluation, level_of=lambda _f: "error", policy="error", baseline=baseline)
    stale = adoption.stale_baseline
    for entry in stale:
        print(f"stale: {entry}")
    if args.check:
        print(f"{PROG}: {len(stale)} stale entr(ies) in {args.baseline}", file=sys.stderr)
        return EXIT_VIOLATIONS if stale else EXIT_OK
    if stale:
        _write(args.baseline, baseline.without(stale).dumps())
    print(
        f"{PROG}: removed {len(stale)} stale entr(ies) from {args.baseline}; "
        f"{len(baseline.entries) - len(stale)} kept "
        f"({len(adoption.unchecked_baseline)} not checked by this run)",
        file=sys.stderr,
    )
    return EXIT_OK


def _write(path: str, text: str) -> None:
    try:
        write_atomically(Path(path), text)
    except OSError as exc:
        raise InputError(path, f"cannot be written ({exc.strerror or exc})") from None


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so exiting does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def run_rules(args: argparse.Namespace) -> int:
    """The ``rules`` command."""
    pillars = _pillars(args.pillar)
    rules = tuple(r for r in ALL_RULES if not pillars or r.pillar in pillars)
    sys.stdout.write(render_rules(rules, args.format))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it).

    Parameters
    ----------
    argv:
        The arguments without the program name (default: ``sys.argv[1:]``).
    """
    try:
        args = _parser().parse_args(argv)
        if args.command == "scan":
            return run_scan(args)
        if args.command == "baseline":
            return run_baseline(args)
        return run_rules(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RulesModuleError as exc:
        print(f"{PROG}: error: --rules-module {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SecureConstructsError as exc:  # e.g. --settings that loosen the baseline
        print(f"{PROG}: error: {'; '.join(map(str, exc.issues))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `secure-constructs rules | head`: nothing was judged
        _quiet_stdout()
        return EXIT_OK
    except Exception as exc:  # the last line of defence: one line, exit 2, never exit 1
        detail = " ".join(str(exc).split())[:500]
        print(f"{PROG}: internal error: {type(exc).__name__}: {detail}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
