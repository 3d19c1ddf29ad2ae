"""Synthesis overhead measured in pairs: every variant in the same process, seconds apart.

    PATH=$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH python -m benchmarks.synth_paired \\
        --resources 2000 --rounds 5

On a shared machine, separate processes minutes apart see different loads; here each round
is one process that builds and synthesizes the app once per variant (plain, the Aspect,
``SecurityGuardrails.apply``, AwsSolutions, four packs) in a rotated order, so
every variant runs first, last and in between equally often. The overhead of a variant is
the median over rounds of its time minus plain's time in the same round; below the table,
the differences of each variant's fastest round. The time inside the guardrails' plugin is
its CPU time (Python and Node). Prints a Markdown table; nothing passes or fails.
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

import aws_cdk as cdk

from benchmarks.synth_once import LABELS, VARIANTS


def one_round(resources: int, order: list[str]) -> dict[str, dict[str, float]]:
    """In this process: build + synthesize once per variant, in *order*."""
    from benchmarks.app import build
    from benchmarks.synth_once import _add_checks, _cpu_s

    # Warm up: start jsii's Node, load every CDK module the app uses (Node loads
    # aws-cdk-lib's service modules on first use) and each checker's modules, so no variant
    # pays for it in the timed runs. The first-load cost of each checker is reported apart.
    loads: dict[str, float] = {}
    for variant in VARIANTS:
        start = time.perf_counter()
        warm = cdk.App(outdir=tempfile.mkdtemp(prefix="sc-warm-"))
        build(warm, 50)
        _add_checks(warm, variant)
        try:
            warm.synth()
        except RuntimeError as exc:
            if "ValidationFailed" not in str(exc):
                raise
        loads[variant] = time.perf_counter() - start
    out: dict[str, dict[str, float]] = {"first_load": loads}
    for variant in order:
        cpu = _cpu_s()
        start = time.perf_counter()
        app = cdk.App(outdir=tempfile.mkdtemp(prefix=f"sc-{variant}-"))
        build(app, resources)
        timing = _add_checks(app, variant)
        try:
            app.synth()
        except RuntimeError as exc:
            if "ValidationFailed" not in str(exc):
                raise
        out[variant] = {
            "wall_s": time.perf_counter() - start,
            "cpu_s": _cpu_s() - cpu,
            "plugin_s": timing["plugin_s"],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--order", help=argparse.SUPPRESS)  # one round, in a child process
    args = parser.parse_args()
    if args.order:
        print(json.dumps(one_round(args.resources, args.order.split(","))), flush=True)
        return
    rounds = []
    for number in range(args.rounds):
        shift = number % len(VARIANTS)
        order = list(VARIANTS[shift:] + VARIANTS[:shift])
        command = [sys.executable, "-m", "benchmarks.synth_paired"]
        command += ["--resources", str(args.resources), "--order", ",".join(order)]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=3600,
            env=os.environ,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        if result.returncode != 0 or not lines:
            raise SystemExit(result.stderr[-3000:])
        rounds.append(json.loads(lines[-1]))
        print(
            f"  round {number + 1}: "
            + ", ".join(f"{v} {rounds[-1][v]['wall_s']:.2f}s" for v in VARIANTS),
            file=sys.stderr,
            flush=True,
        )

    def median(variant: str, key: str) -> float:
        return float(statistics.median(r[variant][key] for r in rounds))

    def over(variant: str, key: str) -> float:
        return float(statistics.median(r[variant][key] - r["plain"][key] for r in rounds))

    plain = median("plain", "cpu_s")
    print("| " + " | ".join(LABELS[v] for v in VARIANTS) + " | time inside the guardrails plugin |")
    print("|---|" + "---:|" * len(VARIANTS))
    cells = [f"{plain:.2f} s"]
    for variant in VARIANTS[1:]:
        extra = over(variant, "cpu_s")
        cells.append(f"{extra:+.2f} s ({100 * extra / plain:+.1f} %)")
    inside = [median(v, "plugin_s") for v in ("aspect", "apply")]
    cells.append(
        " / ".join(f"{t:.3f} s ({100 * t / plain:.1f} %)" for t in inside) + " (Aspect / apply)"
    )
    print("| " + " | ".join(cells) + " |")
    guard, nag = over("aspect", "cpu_s"), over("nag", "cpu_s")
    ratio = f"{nag / guard:.1f}x" if guard > 0 else "n/a (the Aspect's overhead is within noise)"
    print(
        "\nCPU time of Python + Node: medians of the per-round differences to plain "
        f"synthesis. AwsSolutions' overhead / the Aspect's: {ratio}"
    )
    # Interference from other work on a shared machine only ever adds CPU time (cache and
    # memory contention), so each variant's fastest round is a second, steadier estimate.
    fastest = {v: min(r[v]["cpu_s"] for r in rounds) for v in VARIANTS}
    plugin_fastest = min(r["aspect"]["plugin_s"] for r in rounds)
    print(
        "\nFastest rounds: plain "
        f"{fastest['plain']:.2f} s, "
        + ", ".join(f"{LABELS[v]} {fastest[v] - fastest['plain']:+.2f} s" for v in VARIANTS[1:])
        + f"; inside the plugin (Aspect) {plugin_fastest:.3f} s "
        f"({100 * plugin_fastest / fastest['plain']:.1f} % of the fastest plain synthesis)"
    )
    print(f"\n({args.rounds} rounds of {args.resources} requested resources)")


if __name__ == "__main__":
    main()
