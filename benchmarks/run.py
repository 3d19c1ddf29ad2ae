"""Benchmarks of the guardrails: synthesis overhead against cdk-nag, scan cost against checkov.

    PATH=$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH python -m benchmarks.run   # make bench

Prints Markdown tables (``docs/performance.md`` holds a copy) and writes a plot of the growth
curve (``--plot``, SVG). Every figure is CPU time (user + system) unless it says otherwise:
on a shared machine wall time moves with the neighbours' load, CPU time much less. Each is
the median of ``--runs`` runs; synthesis variants run interleaved (plain, the Aspect,
``apply()``, AwsSolutions, four packs, then again) so a slow moment hits all of them alike,
and overheads are medians of the per-round differences to plain synthesis. Nothing here
passes or fails.

1. Synthesis of generated apps (``benchmarks/app.py``) in a fresh process per run: CPU of
   Python plus jsii's Node process for building the tree and ``app.synth()``, the time
   inside the guardrails' validation plugin, and peak memory of both processes.
2. ``secure-constructs scan`` of the plain cloud assembly against
   ``checkov -d cdk.out --framework cloudformation`` and ``cfn-lint`` on the same
   templates: CPU and peak memory of the whole command, process start included; and the
   scan in this process (read, check, SARIF) with the peak of the memory it allocates.
3. Growth: CPU per resource at each size and a least-squares line through the points.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aspects.assembly import load_assembly
from benchmarks.synth_once import LABELS, VARIANTS

BIN = Path(sys.executable).parent
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


def measured(command: Sequence[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """CPU (user + system, its waited-for children included) and peak RSS of a command.

    Through :mod:`benchmarks.measure`, a small process of its own (see there why).
    """
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure", "--", *command],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=3600,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


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
    # An installed package has its bytecode compiled (pip does it at install time); a
    # checkout run with PYTHONDONTWRITEBYTECODE would compile every module at each start,
    # which doubled the scan command's CPU on the machine of docs/performance.md.
    import aspects

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(aspects.__file__).parent)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
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
        runs_of: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
        for number in range(runs):
            for name, (command, env) in commands.items():
                runs_of[name].append(measured(command, env))
            print(
                f"  scan  {size:>5} run {number + 1}/{runs}: "
                + ", ".join(f"{n} {t[-1]['cpu_s']:.2f}s" for n, t in runs_of.items()),
                file=sys.stderr,
                flush=True,
            )
        # In this process: reading, checking and the SARIF report, without interpreter
        # start-up and imports; the peak is what that work allocates (tracemalloc).
        from aspects.cli import main as scan_main

        def scan_once(outdir: Path = outdir) -> None:
            with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
                scan_main(["scan", str(outdir), "-f", "sarif"])

        scan_once()  # warm-up: the first run imports what the scan needs
        tracemalloc.start()  # tracing slows Python down: one run for the memory
        scan_once()
        peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        inproc = []
        for _ in range(max(runs, 5)):
            start = time.process_time()
            scan_once()
            inproc.append(time.process_time() - start)
        stacks, resources = count(outdir)
        out[size] = {
            "runs": runs_of,
            "inproc": inproc,
            "inproc_peak_mib": peak_mib,
            "stacks": stacks,
            "resources": resources,
        }
    return out


def synth_tables(results: dict[int, dict[str, Any]]) -> list[str]:
    cpu = [
        "### Synthesis: CPU over plain synthesis (Python + Node; median of per-round differences)",
        "",
        "| resources (stacks) | "
        + " | ".join(LABELS[v] for v in VARIANTS)
        + " | time inside the plugin (Aspect) | AwsSolutions / Aspect |",
        "|---|" + "---:|" * (len(VARIANTS) + 2),
    ]
    memory = [
        "### Synthesis: peak memory (Python + Node, MiB, median)",
        "",
        "| resources | " + " | ".join(LABELS[v] for v in VARIANTS) + " |",
        "|---|" + "---:|" * len(VARIANTS),
    ]
    for data in results.values():
        rounds = data["rounds"]
        plain = median([r["plain"]["cpu_s"] for r in rounds])
        cells = [f"{plain:.2f} s"]
        for v in VARIANTS[1:]:
            extra = median([r[v]["cpu_s"] - r["plain"]["cpu_s"] for r in rounds])
            failed = any(r[v]["validation_failed"] for r in rounds)
            cells.append(
                f"{extra:+.2f} s ({100 * extra / plain:+.1f} %)" + (" (fails)" if failed else "")
            )
        inside = median([r["aspect"]["plugin_s"] for r in rounds])
        guard = median([r["aspect"]["cpu_s"] - r["plain"]["cpu_s"] for r in rounds])
        nag = median([r["nag"]["cpu_s"] - r["plain"]["cpu_s"] for r in rounds])
        ratio = f"{nag / guard:.1f}x" if guard > 0 else "n/a (within noise)"
        cells += [f"{inside:.3f} s ({100 * inside / plain:.1f} %)", ratio]
        cpu.append(f"| {data['resources']} ({data['stacks']}) | " + " | ".join(cells) + " |")
        mems = [median([r[v]["python_mib"] + r[v]["node_mib"] for r in rounds]) for v in VARIANTS]
        memory.append(f"| {data['resources']} | " + " | ".join(f"{m:.0f}" for m in mems) + " |")
    return [*cpu, "", *memory]


def scan_tables(results: dict[int, dict[str, Any]]) -> list[str]:
    lines = [
        "### Scanning the cloud assembly (whole command, process start included; median)",
        "",
        "| resources (stacks) | scan CPU | scan peak RSS | in-process CPU (read + check + SARIF) "
        "| in-process peak allocated | checkov CPU | checkov peak RSS | cfn-lint CPU "
        "| checkov / scan (CPU) | cfn-lint / scan (CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for data in results.values():
        runs_of = data["runs"]
        scan = median([r["cpu_s"] for r in runs_of["scan"]])
        checkov = median([r["cpu_s"] for r in runs_of["checkov"]])
        lint = median([r["cpu_s"] for r in runs_of["cfn-lint"]])
        lines.append(
            f"| {data['resources']} ({data['stacks']}) | {scan:.2f} s "
            f"| {median([r['mib'] for r in runs_of['scan']]):.0f} MiB "
            f"| {median(data['inproc']):.3f} s | {data['inproc_peak_mib']:.1f} MiB "
            f"| {checkov:.2f} s | {median([r['mib'] for r in runs_of['checkov']]):.0f} MiB "
            f"| {lint:.2f} s | {checkov / scan:.0f}x | {lint / scan:.0f}x |"
        )
    return lines


def growth_series(
    synth_results: dict[int, dict[str, Any]], scan_results: dict[int, dict[str, Any]]
) -> dict[str, list[tuple[float, float]]]:
    """Name -> (resources, median CPU seconds) at each size."""
    series: dict[str, list[tuple[float, float]]] = {}
    for data in synth_results.values():
        for v in VARIANTS:
            series.setdefault(LABELS[v].replace("`", ""), []).append(
                (data["resources"], median([r[v]["cpu_s"] for r in data["rounds"]]))
            )
        series.setdefault("time inside the guardrails plugin", []).append(
            (data["resources"], median([r["aspect"]["plugin_s"] for r in data["rounds"]]))
        )
    for data in scan_results.values():
        series.setdefault("scan in-process", []).append((data["resources"], median(data["inproc"])))
        for name in ("scan", "checkov", "cfn-lint"):
            series.setdefault(f"{name} command", []).append(
                (data["resources"], median([r["cpu_s"] for r in data["runs"][name]]))
            )
    return series


def growth_table(series: dict[str, list[tuple[float, float]]]) -> list[str]:
    lines = [
        "### Growth with size (CPU; least-squares line through the medians)",
        "",
        "| measure | ms per resource at each size | fixed cost | ms per resource (slope) | R² |",
        "|---|---|---:|---:|---:|",
    ]
    for name, points in series.items():
        per = ", ".join(f"{1000 * y / x:.2f} @{x:.0f}" for x, y in points)
        if len(points) >= 2:
            a, b, r2 = fit([x for x, _ in points], [y for _, y in points])
            lines.append(f"| {name} | {per} | {a:.2f} s | {1000 * b:.3f} | {r2:.3f} |")
        else:
            lines.append(f"| {name} | {per} | - | - | - |")
    return lines


_COLOURS = ("#1b6ac9", "#d1495b", "#00798c", "#edae49", "#66a182", "#8d6a9f", "#2e4057")


def growth_svg(series: dict[str, list[tuple[float, float]]], title: str) -> str:
    """A line chart of the series (log-scaled seconds), as a standalone SVG document."""
    import math

    width, height, left, right, top, bottom = 860, 460, 70, 300, 40, 50
    points = [p for values in series.values() for p in values if p[1] > 0]
    if not points:
        return ""
    x_max = max(x for x, _ in points) * 1.05
    y_lo = math.floor(math.log10(min(y for _, y in points)))
    y_hi = math.ceil(math.log10(max(y for _, y in points)))
    y_hi = max(y_hi, y_lo + 1)

    def px(x: float) -> float:
        return left + (width - left - right) * x / x_max

    def py(y: float) -> float:
        span = (math.log10(y) - y_lo) / (y_hi - y_lo)
        return height - bottom - (height - top - bottom) * span

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="22" font-size="14">{title}</text>',
    ]
    for exp in range(y_lo, y_hi + 1):
        y = py(10.0**exp)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{10.0**exp:g} s</text>')
    step = 500 if x_max <= 3000 else 1000
    for tick in range(0, int(x_max) + 1, step):
        x = px(tick)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - bottom}" stroke="#eee"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">{tick}</text>'
        )
    out.append(
        f'<text x="{(left + width - right) / 2:.0f}" y="{height - 12}" text-anchor="middle">'
        "resources in the app</text>"
    )
    for number, (name, values) in enumerate(series.items()):
        colour = _COLOURS[number % len(_COLOURS)]
        dash = ' stroke-dasharray="5,3"' if number >= len(_COLOURS) else ""
        shown = [(x, y) for x, y in values if y > 0]
        if not shown:
            continue
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in shown)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        out += [
            f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in shown
        ]
        y_legend = top + 18 * number
        out.append(
            f'<line x1="{width - right + 15}" x2="{width - right + 40}" y1="{y_legend}" '
            f'y2="{y_legend}" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        label = name.replace("&", "&amp;").replace("<", "&lt;")
        out.append(f'<text x="{width - right + 46}" y="{y_legend + 4}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


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
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000, 2000, 4000])
    parser.add_argument(
        "--scan-sizes",
        type=int,
        nargs="+",
        default=[100, 500, 2000, 4000],
        help="sizes for the scan comparison (plain synthesis once where not synthesized)",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--plot", type=Path, default=None, help="write the growth curve here (an SVG file)"
    )
    parser.add_argument("--skip-synth", action="store_true")
    parser.add_argument(
        "--synth-from",
        type=Path,
        default=None,
        help="take the synthesis figures from an earlier run's results.json",
    )
    parser.add_argument("--skip-scan", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the cloud assemblies here")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sc-bench-"))
    print(f"machine: {machine()}\nworkdir: {work}", file=sys.stderr, flush=True)
    if args.synth_from:  # the synthesis part of an earlier run (its results.json)
        earlier = json.loads(args.synth_from.read_text("utf-8"))["synth"]
        synth_results = {int(size): data for size, data in earlier.items()}
    else:
        synth_results = {} if args.skip_synth else run_synth(args.sizes, args.runs, work)
    scan_results = {} if args.skip_scan else run_scan(args.scan_sizes, args.runs, work)
    lines = [f"Machine: {machine()}", ""]
    if synth_results:
        lines += [*synth_tables(synth_results), ""]
    if scan_results:
        lines += [*scan_tables(scan_results), ""]
    series = growth_series(synth_results, scan_results)
    lines += growth_table(series)
    print("\n".join(lines))
    if args.plot:
        args.plot.write_text(
            growth_svg(series, "CPU time (Python + Node) against app size, medians"), "utf-8"
        )
        print(f"\nplot: {args.plot}", file=sys.stderr)
    (work / "results.json").write_text(
        json.dumps({"synth": synth_results, "scan": scan_results}, indent=1), "utf-8"
    )


if __name__ == "__main__":
    main()
