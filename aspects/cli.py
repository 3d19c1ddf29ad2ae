"""``secure-constructs``: scan cloud assemblies and CloudFormation templates from any CI.

``secure-constructs scan [PATH ...]`` runs the guardrail rules on a ``cdk.out`` directory
(of a CDK app in any language) or on template files, and prints a table, JSON, SARIF 2.1.0
or JUnit XML. ``secure-constructs rules`` lists the rule catalogue.

Every format states the coverage: how many resources a rule judged, and the resource types
none judged. ``--fail-on-unjudged`` makes each resource of such a type an error (a closed
world); ``--allow-unjudged TYPE=REASON`` accepts one type, with a reason.

Exit codes: 0 nothing at or above ``--fail-on``; 1 violations at or above ``--fail-on``;
2 a usage error or input that cannot be read (one line on stderr naming file and problem),
and also any unexpected failure (``secure-constructs: internal error: <type>: <message>``):
exit code 1 means violations and nothing else, and no input produces a traceback.

This module imports neither ``aws_cdk`` nor ``jsii``: the command starts in a fraction of
a second and needs no Node.js.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from aspects.assembly import InputError, load_paths
from aspects.constants import MIN_REASON_LENGTH, VERSION
from aspects.coverage import check_allow_unjudged, with_unjudged
from aspects.engine import evaluate
from aspects.errors import SecureConstructsError
from aspects.formats import (
    FORMATS,
    SKIPPED_BY_OPTION,
    Scan,
    render_json,
    render_junit,
    render_rules,
    render_sarif,
    render_table,
)
from aspects.model import Pillar, Rule
from aspects.report import coverage_line, write_atomically
from aspects.rules import ALL_RULES, RULES_BY_ID
from aspects.sam import with_unverifiable
from aspects.settings import DEFAULT, Thresholds

PROG = "secure-constructs"
EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2
FAIL_ON = ("error", "warning", "never")
_BY_SUFFIX = {".sarif": "sarif", ".xml": "junit", ".json": "json"}


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
        help="output format (default: from the --output suffix .sarif/.xml/.json, else table "
        "on a terminal and json otherwise)",
    )
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    scan.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="error",
        help="exit 1 if an unacknowledged finding has this severity or higher (default: error)",
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
    return parser


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


def _rule_ids(values: Sequence[str], option: str) -> list[str]:
    ids = _split(values)
    unknown = [rid for rid in ids if rid not in RULES_BY_ID]
    if unknown:
        raise UsageError(
            f"{option}: unknown rule id {unknown[0]!r} (see `{PROG} rules` for the ids)"
        )
    return ids


def select_rules(
    pillars: set[Pillar], only: Sequence[str], skip: Sequence[str]
) -> tuple[tuple[Rule, ...], dict[str, str]]:
    """The rules to run and, for every other rule, why it is skipped."""
    run: list[Rule] = []
    skipped: dict[str, str] = {}
    for rule in ALL_RULES:
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


def run_scan(args: argparse.Namespace) -> int:
    """The ``scan`` command."""
    pillars = _pillars(args.pillar)
    only = _rule_ids(args.rule, "--rule")
    skip = _rule_ids(args.skip_rule, "--skip-rule")
    rules, skipped = select_rules(pillars, only, skip)
    settings = Thresholds.load(args.settings) if args.settings else DEFAULT
    accepted = allow_unjudged(args.allow_unjudged)
    if not args.paths and not Path("cdk.out").exists():
        raise InputError("cdk.out", "no such directory: run `cdk synth` first, or name the paths")
    stacks = tuple(
        load_paths(args.paths or ["cdk.out"], allow_outside_assembly=args.allow_outside_assembly)
    )
    # Templates the scan cannot judge in full (a transform it cannot expand) are findings.
    evaluation = with_unverifiable(
        evaluate(stacks, lambda _stack: rules, settings=settings), stacks
    )
    # --fail-on-unjudged: every resource no rule run judged is an error (unless accepted).
    evaluation = with_unjudged(
        evaluation, closed=[""] if args.fail_on_unjudged else [], allow_unjudged=accepted
    )
    scan = Scan(stacks, rules, skipped, evaluation, Path.cwd())
    fmt = _format(args)
    fail_on = str(args.fail_on)

    def table(scan: Scan) -> str:
        return render_table(scan, fail_on=fail_on)

    def junit(scan: Scan) -> str:
        return render_junit(scan, fail_on=fail_on)

    renderers: dict[str, Callable[[Scan], str]] = {
        "json": render_json,
        "sarif": render_sarif,
        "junit": junit,
        "table": table,
    }
    text = renderers[fmt](scan)
    code = exit_code(scan, args.fail_on)
    if args.output:
        try:
            write_atomically(Path(args.output), text)
        except OSError as exc:
            raise InputError(args.output, f"cannot be written ({exc.strerror or exc})") from None
        print(
            f"{PROG}: {len(evaluation.errors)} error(s), {len(evaluation.warnings)} warning(s), "
            f"{len(evaluation.acknowledged)} acknowledged in {len(stacks)} stack(s); "
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
        return run_scan(args) if args.command == "scan" else run_rules(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
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
