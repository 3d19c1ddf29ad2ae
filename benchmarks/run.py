"""Benchmarks of the guardrails: synthesis overhead against cdk-nag, scan speed against checkov.

    PATH=$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH python -m benchmarks.run

Prints Markdown tables (``docs/performance.md`` holds a copy). Every figure is the median of
``--runs`` runs; synthesis variants run interleaved (plain, guardrails, AwsSolutions, four
packs, then again) so a slow moment of the machine hits all of them alike, and overheads
are medians of the per-round differences to plain synthesis. Nothing here passes or fails.

1. Synthesis of generated apps (``benchmarks/app.py``) in a fresh process per run: plain,
   with ``SecurityGuardrails``, with cdk-nag AwsSolutions, with all four cdk-nag packs.
   Wall time of building the tree plus ``app.synth()``; peak memory of Python plus Node.
2. ``secure-constructs scan`` of the plain cloud assembly against
   ``checkov -d cdk.out --framework cloudformation`` and ``cfn-lint`` on the same
   templates: whole-command wall time, process start included.
3. Growth: time per resource at each size and a least-squares line through the points.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aspects.assembly import load_assembly

BIN = Path(sys.executable).parent
VARIANTS = ("plain", "guardrails", "guardrails_plugin", "guardrails_proposed", "nag", "nag4")
LABELS = {
    "plain": "plain synth",
    "guardrails": "+ SecurityGuardrails",
    "guardrails_plugin": "+ guardrails plugin, no Aspect",
    "guardrails_proposed": "+ plugin, no Aspect, proposed engine change",
    "nag": "+ cdk-nag AwsSolutions",
    "nag4": "+ cdk-nag, 4 packs",
}
# No network for checkov: no policy download, no version check.
CHECKOV_ENV = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE"}


def synth(resources: int, variant: str, outdir: Path) -> dict[str, Any]:
    """One synthesis in a fresh process (``benchmarks.synth_once``)."""
    shutil.rmtree(outdir, ignore_errors=True)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.synth_once",
            "--resources",
            str(resources),
            "--variant",
            variant,
            "--outdir",
            str(outdir),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"synthesis failed ({variant}, {resources}):\n{result.stderr[-3000:]}")
    return dict(json.loads(lines[-1]))


def timed(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Wall time of a command (its exit code is ignored: scanners exit 1 on findings)."""
    start = time.perf_counter()
    subprocess.run(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        check=False,
        timeout=3600,
    )
    return time.perf_counter() - start


def count(outdir: Path) -> tuple[int, int]:
    """(stacks, resources) of a cloud assembly."""
    stacks = load_assembly(outdir)
    return len(stacks), sum(len(s.template.get("Resources") or {}) for s in stacks)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float]:
    """Least squares ``y = a + b x``: (a, b, r squared)."""
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    ss_tot = sum((y - mean_y) ** 2 for y in ys)
    ss_res = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return intercept, slope, (1 - ss_res / ss_tot) if ss_tot else 1.0


def run_synth(sizes: Sequence[int], runs: int, work: Path) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for size in sizes:
        rounds: list[dict[str, dict[str, Any]]] = []
        for number in range(runs):
            row = {v: synth(size, v, work / str(size) / v) for v in VARIANTS}
            rounds.append(row)
            print(
                f"  synth {size:>5} run {number + 1}/{runs}: "
                + ", ".join(f"{v} {row[v]['total_s']:.2f}s" for v in VARIANTS),
                file=sys.stderr,
                flush=True,
            )
        stacks, resources = count(work / str(size) / "plain")
        out[size] = {"rounds": rounds, "stacks": stacks, "resources": resources}
    return out


def run_scan(sizes: Sequence[int], runs: int, work: Path) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for size in sizes:
        outdir = work / str(size) / "plain"
        if not (outdir / "manifest.json").is_file():
            synth(size, "plain", outdir)
        templates = sorted(str(p) for p in outdir.rglob("*.template.json"))
        commands = {
            "scan": ([str(BIN / "secure-constructs"), "scan", str(outdir), "-f", "json"], None),
            "checkov": (
                [
                    str(BIN / "checkov"),
                    "-d",
                    str(outdir),
                    "--framework",
                    "cloudformation",
                    "--quiet",
                    "-o",
                    "json",
                ],
                CHECKOV_ENV,
            ),
            "cfn-lint": ([str(BIN / "cfn-lint"), "--format", "json", *templates], None),
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for number in range(runs):
            for name, (command, env) in commands.items():
                times[name].append(timed(command, env))
            print(
                f"  scan  {size:>5} run {number + 1}/{runs}: "
                + ", ".join(f"{n} {t[-1]:.2f}s" for n, t in times.items()),
                file=sys.stderr,
                flush=True,
            )
        # In-process cost of reading, checking and reporting (no interpreter start-up).
        from aspects.cli import main as scan_main

        inproc = []
        for _ in range(max(runs, 5)):
            start = time.perf_counter()
            with open(os.devnull, "w") as sink:
                saved, sys.stdout = sys.stdout, sink
                try:
                    scan_main(["scan", str(outdir), "-f", "sarif"])
                finally:
                    sys.stdout = saved
            inproc.append(time.perf_counter() - start)
        stacks, resources = count(outdir)
        out[size] = {"times": times, "inproc": inproc, "stacks": stacks, "resources": resources}
    return out


def synth_tables(results: dict[int, dict[str, Any]]) -> list[str]:
    lines = [
        "### Synthesis wall time (median, s) and peak memory (Python + Node, MiB)",
        "",
        "| resources (stacks) | " + " | ".join(LABELS[v] for v in VARIANTS) + " |",
        "|---|" + "---|" * len(VARIANTS),
    ]
    for data in results.values():
        cells = []
        for v in VARIANTS:
            secs = median([r[v]["total_s"] for r in data["rounds"]])
            mem = median([r[v]["python_mib"] + r[v]["node_mib"] for r in data["rounds"]])
            failed = any(r[v]["validation_failed"] for r in data["rounds"])
            cells.append(f"{secs:.2f} s, {mem:.0f} MiB" + (" (fails)" if failed else ""))
        lines.append(f"| {data['resources']} ({data['stacks']}) | " + " | ".join(cells) + " |")
    for key, what in (("total_s", "wall time"), ("cpu_s", "CPU time, Python + Node")):
        lines += ["", *overhead_table(results, key, what)]
    return lines


def overhead_table(results: dict[int, dict[str, Any]], key: str, what: str) -> list[str]:
    """Overhead over plain synthesis: medians of the per-round differences."""
    lines = [
        f"### Overhead over plain synthesis ({what}; median of per-round differences)",
        "",
        "| resources | plain | SecurityGuardrails (Aspect) | plugin without Aspect "
        "| time inside the plugin | plugin, proposed engine change (inside) "
        "| AwsSolutions | 4 packs | AwsSolutions / SecurityGuardrails |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for data in results.values():
        rounds = data["rounds"]
        plain = median([r["plain"][key] for r in rounds])

        def over(variant: str, rounds: list[dict[str, Any]] = rounds) -> float:
            return median([r[variant][key] - r["plain"][key] for r in rounds])

        guard, direct = over("guardrails"), over("guardrails_plugin")
        nag, nag4 = over("nag"), over("nag4")
        plugin = median([r["guardrails"]["plugin_s"] for r in rounds])
        proposed = over("guardrails_proposed")
        inside = median([r["guardrails_proposed"]["plugin_s"] for r in rounds])
        ratio = f"{nag / guard:.1f}x" if guard > 0 else "n/a (overhead within noise)"
        lines.append(
            f"| {data['resources']} | {plain:.2f} s "
            f"| {guard:+.2f} s ({100 * guard / plain:+.1f} %) "
            f"| {direct:+.2f} s ({100 * direct / plain:+.1f} %) | {plugin:.3f} s "
            f"({100 * plugin / plain:.1f} %) | {proposed:+.2f} s ({inside:.3f} s) "
            f"| {nag:+.2f} s | {nag4:+.2f} s | {ratio} |"
        )
    return lines


def scan_tables(results: dict[int, dict[str, Any]]) -> list[str]:
    lines = [
        "### Scanning the cloud assembly (median wall time of the whole command, s)",
        "",
        "| resources (stacks) | secure-constructs scan | in-process (read + check + SARIF) "
        "| checkov -d | cfn-lint | checkov / scan | cfn-lint / scan |",
        "|---|---|---|---|---|---|---|",
    ]
    for data in results.values():
        scan = median(data["times"]["scan"])
        checkov = median(data["times"]["checkov"])
        lint = median(data["times"]["cfn-lint"])
        lines.append(
            f"| {data['resources']} ({data['stacks']}) | {scan:.2f} | "
            f"{median(data['inproc']):.3f} | {checkov:.2f} | {lint:.2f} | "
            f"{checkov / scan:.0f}x | {lint / scan:.0f}x |"
        )
    return lines


def growth_table(
    synth_results: dict[int, dict[str, Any]], scan_results: dict[int, dict[str, Any]]
) -> list[str]:
    series: dict[str, list[tuple[float, float]]] = {}
    for data in synth_results.values():
        for v in VARIANTS:
            series.setdefault(LABELS[v], []).append(
                (data["resources"], median([r[v]["total_s"] for r in data["rounds"]]))
            )
        series.setdefault("guardrails plugin", []).append(
            (data["resources"], median([r["guardrails"]["plugin_s"] for r in data["rounds"]]))
        )
    for data in scan_results.values():
        series.setdefault("scan (in-process)", []).append(
            (data["resources"], median(data["inproc"]))
        )
        for name in ("scan", "checkov", "cfn-lint"):
            series.setdefault(f"{name} (command)", []).append(
                (data["resources"], median(data["times"][name]))
            )
    lines = [
        "### Growth with size (least-squares line through the medians)",
        "",
        "| measure | ms per resource at each size | fixed cost | ms per resource (slope) | R² |",
        "|---|---|---|---|---|",
    ]
    for name, points in series.items():
        per = ", ".join(f"{1000 * y / x:.2f} @{x:.0f}" for x, y in points)
        if len(points) >= 2:
            a, b, r2 = fit([x for x, _ in points], [y for _, y in points])
            lines.append(f"| {name} | {per} | {a:.2f} s | {1000 * b:.3f} | {r2:.3f} |")
        else:
            lines.append(f"| {name} | {per} | - | - | - |")
    return lines


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    return (
        f"{os.cpu_count()} CPU(s) ({cpu}), {memory} RAM, Python {sys.version.split()[0]}, "
        f"Node {node.stdout.strip() or '?'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument(
        "--scan-sizes",
        type=int,
        nargs="+",
        default=[100, 500, 2000, 4000],
        help="sizes for the scan comparison (plain synthesis once where not synthesized)",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-synth", action="store_true")
    parser.add_argument("--skip-scan", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the cloud assemblies here")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sc-bench-"))
    print(f"machine: {machine()}\nworkdir: {work}", file=sys.stderr, flush=True)
    synth_results = {} if args.skip_synth else run_synth(args.sizes, args.runs, work)
    scan_results = {} if args.skip_scan else run_scan(args.scan_sizes, args.runs, work)
    lines = [f"Machine: {machine()}", ""]
    if synth_results:
        lines += [*synth_tables(synth_results), ""]
    if scan_results:
        lines += [*scan_tables(scan_results), ""]
    lines += growth_table(synth_results, scan_results)
    print("\n".join(lines))
    (work / "results.json").write_text(
        json.dumps({"synth": synth_results, "scan": scan_results}, indent=1), "utf-8"
    )


if __name__ == "__main__":
    main()
