"""What the checks cost when nearly every resource fails them (issue 14).

    PATH=$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH python -m benchmarks.many_findings \\
        --buckets 1000 --rounds 3

The app is ``benchmarks.app.plain_buckets``: plain ``s3.Bucket``s in 10 stacks, each failing
the same six guardrail rules (about 6000 findings for 1000 buckets), so the per-finding
work (building the CDK violations, the reports, handing the violations back to Node)
dominates. Variants, each synthesized in a fresh child process (bounded by ``--timeout``),
interleaved and rotated from round to round:

* ``plain``: no checks;
* ``guardrails``: ``SecurityGuardrails.apply(app)``;
* ``nag``: cdk-nag's AwsSolutions pack (``Validations.of(app).add_plugins(...)``);
* ``guardrails-before`` (with ``--before DIR``): the guardrails of another checkout
  (``DIR/aspects``), e.g. ``git worktree add /tmp/before <commit>``.

Figures are CPU time (user + system) of Python plus jsii's live Node process, read from
/proc (a live child is not in ``RUSAGE_CHILDREN``): building the app plus ``app.synth()``,
and for the guardrails the part inside their plugin's ``validate`` (Python alone, and
Python plus Node) and the part after it returns (jsii handing the violations to Node,
CDK's report, and the CloudFormation validation plugin CDK runs after ours, which plain
synthesis runs too). Imports and Node's start are outside the timed part (the same for every
variant). Medians over rounds; "over plain" is the median of per-round differences.
Prints Markdown; nothing passes or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

VARIANTS = ("plain", "guardrails", "nag")
LABELS = {
    "plain": "plain synth",
    "guardrails": "+ SecurityGuardrails.apply(app)",
    "guardrails-before": "+ SecurityGuardrails.apply(app), --before checkout",
    "nag": "+ cdk-nag AwsSolutions",
}


def run_child(variant: str, buckets: int, stacks: int, outdir: str) -> dict[str, Any]:
    """In this process: build and synthesize the app once with *variant*'s checks."""
    import aws_cdk as cdk

    from benchmarks.app import plain_buckets
    from benchmarks.synth_once import _cpu_s

    timing: dict[str, float] = {}
    register: Any = None
    plugin: Any = None
    if variant.startswith("guardrails"):
        from aspects import SecurityGuardrails
        from aspects.plugin import PLUGIN_ATTRIBUTE, GuardrailsPlugin

        original = GuardrailsPlugin.validate

        def timed(self: Any, context: Any) -> Any:
            # Wraps the method in this benchmark process only, to time it.
            python, both = time.process_time(), _cpu_s()
            try:
                return original(self, context)
            finally:
                timing["validate_python_end"] = time.process_time()
                timing["validate_python_s"] = timing["validate_python_end"] - python
                timing["validate_end"] = _cpu_s()
                timing["validate_s"] = timing["validate_end"] - both

        GuardrailsPlugin.validate = timed  # type: ignore[method-assign]
        register = SecurityGuardrails.apply
    elif variant == "nag":
        from cdk_nag import AwsSolutionsChecks

        def register(app: Any) -> None:
            cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))

    cdk.App(outdir=os.path.join(outdir, "warmup"))  # start jsii's Node before timing
    start, wall = _cpu_s(), time.perf_counter()
    app = cdk.App(outdir=outdir)
    plain_buckets(app, buckets, stacks)
    if register is not None:
        register(app)
    before_synth = _cpu_s()
    failed = False
    try:
        app.synth()
    except RuntimeError as exc:  # the checks failed synthesis: their cost still counts
        if "ValidationFailed" not in str(exc):
            raise
        failed = True
    end, python_end = _cpu_s(), time.process_time()
    result: dict[str, Any] = {
        "variant": variant,
        "cpu_s": end - start,
        "synth_cpu_s": end - before_synth,
        "wall_s": time.perf_counter() - wall,
        "validation_failed": failed,
    }
    if variant.startswith("guardrails"):
        plugin = getattr(app, PLUGIN_ATTRIBUTE)
        result["findings"] = len(plugin.last_evaluation.findings)
        result["validate_s"] = timing["validate_s"]
        result["validate_python_s"] = timing["validate_python_s"]
        result["after_validate_s"] = end - timing["validate_end"]
        result["after_validate_python_s"] = python_end - timing["validate_python_end"]
    report_path = Path(outdir) / "validation-report.json"
    if report_path.exists():
        report = json.loads(report_path.read_text())
        ours = [r for r in report["pluginReports"] if r["pluginName"] != "CloudFormationValidate"]
        result["cdk_violations"] = sum(len(r["violations"]) for r in ours)
        result["cdk_violating_constructs"] = sum(
            len(v["violatingConstructs"]) for r in ours for v in r["violations"]
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buckets", type=int, default=1000)
    parser.add_argument("--stacks", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=240, help="seconds per child run")
    parser.add_argument("--before", help="a checkout whose aspects/ to measure as well")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # one run, in a child process
    parser.add_argument("--outdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child == "guardrails-before":
            sys.path.insert(0, str(Path(args.before).resolve()))
        print(json.dumps(run_child(args.child, args.buckets, args.stacks, args.outdir)))
        return

    variants = list(VARIANTS) + (["guardrails-before"] if args.before else [])
    rounds: list[dict[str, dict[str, Any]]] = []
    load = os.getloadavg()
    for number in range(args.rounds):
        shift = number % len(variants)
        row: dict[str, dict[str, Any]] = {}
        for variant in variants[shift:] + variants[:shift]:
            command = [sys.executable, "-m", "benchmarks.many_findings", "--child", variant]
            command += ["--buckets", str(args.buckets), "--stacks", str(args.stacks)]
            command += ["--outdir", tempfile.mkdtemp(prefix=f"sc-many-{variant}-")]
            if args.before:
                command += ["--before", args.before]
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=args.timeout, check=False
            )
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            if done.returncode != 0 or not lines:
                raise SystemExit(f"{variant} failed:\n{done.stderr[-3000:]}")
            row[variant] = json.loads(lines[-1])
        rounds.append(row)
        print(
            f"  round {number + 1}/{args.rounds}: "
            + ", ".join(f"{v} {row[v]['cpu_s']:.2f} s" for v in variants),
            file=sys.stderr,
            flush=True,
        )
    load_end = os.getloadavg()

    def median(variant: str, key: str) -> float:
        return float(statistics.median(r[variant][key] for r in rounds))

    def over(variant: str) -> float:
        return float(statistics.median(r[variant]["cpu_s"] - r["plain"]["cpu_s"] for r in rounds))

    plain = median("plain", "cpu_s")
    print(
        "| variant | findings | CDK violations (resources) | CPU build + synth "
        "| over plain | inside validate: Python | Python + Node "
        "| after validate: Python | Python + Node |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for variant in variants:
        first = rounds[0][variant]
        cells = [LABELS[variant], str(first.get("findings", ""))]
        if "cdk_violations" in first:
            cells.append(f"{first['cdk_violations']} ({first['cdk_violating_constructs']})")
        else:
            cells.append("")
        cells.append(f"{median(variant, 'cpu_s'):.2f} s")
        extra = over(variant)
        cells.append("" if variant == "plain" else f"{extra:+.2f} s ({100 * extra / plain:+.0f} %)")
        if "validate_s" in first:
            cells += [
                f"{1000 * median(variant, 'validate_python_s'):.0f} ms",
                f"{1000 * median(variant, 'validate_s'):.0f} ms",
                f"{1000 * median(variant, 'after_validate_python_s'):.0f} ms",
                f"{1000 * median(variant, 'after_validate_s'):.0f} ms",
            ]
        else:
            cells += ["", "", "", ""]
        print("| " + " | ".join(cells) + " |")
    print(
        f"\n({args.buckets} buckets in {args.stacks} stacks, {args.rounds} rounds, medians; "
        f"load average {load[0]:.1f} at the start, {load_end[0]:.1f} at the end)"
    )


if __name__ == "__main__":
    main()
