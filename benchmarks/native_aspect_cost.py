"""What an Aspect costs when its ``visit`` runs in Node instead of Python (issue 14).

    PATH=$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH python -m benchmarks.native_aspect_cost \\
        --sizes 500,2000 --rounds 5

Each round is one child process that builds and synthesizes the same generated app
(``benchmarks/app.py``) once per variant, in an order rotated from round to round, after a
warm-up synthesis of every variant (Node started, CDK's modules and the guardrails loaded):

* ``plain``: no Aspect;
* ``python_noop``: a Python Aspect whose ``visit`` does nothing (one jsii callback per
  construct);
* ``native_noop``: ``ScopeOnceAspect()`` with nothing to report (``visit`` in Node only);
* ``native_scope``: ``native_aspect(callback)``: the native Aspect calling Python once;
* ``guardrails_native``: what ``SecurityGuardrails`` becomes with the native Aspect (a
  ``ScopeOnceAspect`` subclass whose ``_on_scope`` registers the guardrails plugin), so it
  includes the rules and reports;
* ``guardrails``: ``SecurityGuardrails()`` as it is in this checkout;
* ``guardrails_apply``: ``SecurityGuardrails.apply(app)`` (no Aspect at all).

Figures are medians over rounds of the difference to ``plain`` in the same process: CPU
time (user + system) of Python plus jsii's live Node process (read from /proc: a live
child is not in ``RUSAGE_CHILDREN``), for building the app plus ``app.synth()`` and for
``app.synth()`` alone (where Aspects run; building the tree is the noisier part), and wall
time. The Node -> Python callbacks of each variant are counted (jsii's
``_handle_callback``): on a shared machine they are the steady figure. Prints Markdown;
nothing passes or fails.
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
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import jsii
import jsii._kernel
from constructs import IConstruct

VARIANTS = (
    "plain",
    "python_noop",
    "native_noop",
    "native_scope",
    "guardrails_native",
    "guardrails",
    "guardrails_apply",
)
LABELS = {
    "plain": "plain synth",
    "python_noop": "+ Python no-op Aspect",
    "native_noop": "+ native no-op Aspect",
    "native_scope": "+ native Aspect, one Python callback",
    "guardrails_native": "+ SecurityGuardrails on the native Aspect",
    "guardrails": "+ SecurityGuardrails (this checkout)",
    "guardrails_apply": "+ SecurityGuardrails.apply (no Aspect)",
}

CALLBACKS = [0]
_original = jsii._kernel._handle_callback


def _counting(kernel: Any, callback: Any) -> Any:
    CALLBACKS[0] += 1
    return _original(kernel, callback)


jsii._kernel._handle_callback = _counting  # type: ignore[attr-defined]


@jsii.implements(cdk.IAspect)
class PythonNoop:
    """A Python Aspect that does nothing: the price of the callbacks alone."""

    def visit(self, node: IConstruct) -> None:
        return None


def _add(app: cdk.App, variant: str) -> None:
    from aspects import Pillar, SecurityGuardrails
    from aspects.native_aspect import ScopeOnceAspect, native_aspect
    from aspects.plugin import plugin_of

    class GuardrailsNative(ScopeOnceAspect):
        """The registration of SecurityGuardrails, on the native Aspect."""

        def _on_scope(self, scope: IConstruct) -> None:
            plugin_of(scope).add_scope(scope.node.path, frozenset(Pillar))

    factories: dict[str, Callable[[], Any]] = {
        "python_noop": PythonNoop,
        "native_noop": ScopeOnceAspect,
        "native_scope": lambda: native_aspect(lambda scope: None),
        "guardrails_native": GuardrailsNative,
        "guardrails": SecurityGuardrails,
    }
    if variant == "guardrails_apply":
        SecurityGuardrails.apply(app)
    elif variant in factories:
        cdk.Aspects.of(app).add(factories[variant]())


def _synth(resources: int, variant: str) -> dict[str, float]:
    from benchmarks.app import build
    from benchmarks.synth_once import _cpu_s

    cpu, start, callbacks = _cpu_s(), time.perf_counter(), CALLBACKS[0]
    app = cdk.App(outdir=tempfile.mkdtemp(prefix=f"sc-native-{variant}-"))
    build(app, resources)
    _add(app, variant)
    synth_cpu = _cpu_s()
    try:
        app.synth()
    except RuntimeError as exc:  # a failing check still did its work
        if "ValidationFailed" not in str(exc):
            raise
    end = _cpu_s()
    return {
        "cpu_s": end - cpu,
        "synth_cpu_s": end - synth_cpu,
        "wall_s": time.perf_counter() - start,
        "callbacks": CALLBACKS[0] - callbacks,
    }


def one_round(resources: int, order: list[str]) -> dict[str, dict[str, float]]:
    for variant in VARIANTS:  # warm up: Node, CDK's modules, the guardrails' imports
        _synth(50, variant)
    return {variant: _synth(resources, variant) for variant in order}


def count_resources(resources: int) -> tuple[int, int]:
    """(stacks, resources) of the plain app, from its synthesized templates."""
    from aspects.assembly import load_assembly
    from benchmarks.app import build

    outdir = tempfile.mkdtemp(prefix="sc-native-count-")
    app = cdk.App(outdir=outdir)
    build(app, resources)
    app.synth()
    stacks = load_assembly(outdir)
    return len(stacks), sum(len(s.template.get("Resources") or {}) for s in stacks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,2000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--order", help=argparse.SUPPRESS)  # one round, in a child process
    parser.add_argument("--resources", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count:
        print(json.dumps(count_resources(args.resources)), flush=True)
        return
    if args.order:
        print(json.dumps(one_round(args.resources, args.order.split(","))), flush=True)
        return

    def child(*extra: str) -> Any:
        command = [sys.executable, "-m", "benchmarks.native_aspect_cost", *extra]
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=3600, env=os.environ
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith(("{", "["))]
        if result.returncode != 0 or not lines:
            raise SystemExit(result.stderr[-3000:])
        return json.loads(lines[-1])

    sizes = [int(size) for size in args.sizes.split(",")]
    results: dict[int, list[dict[str, dict[str, float]]]] = {}
    counts: dict[int, tuple[int, int]] = {}
    for size in sizes:
        counts[size] = tuple(child("--count", "--resources", str(size)))  # type: ignore[assignment]
        results[size] = []
        for number in range(args.rounds):
            shift = number % len(VARIANTS)
            order = list(VARIANTS[shift:] + VARIANTS[:shift])
            results[size].append(child("--resources", str(size), "--order", ",".join(order)))
            row = results[size][-1]
            print(
                f"  {size} round {number + 1}/{args.rounds}: "
                + ", ".join(f"{v} {row[v]['cpu_s']:.2f}s" for v in VARIANTS),
                file=sys.stderr,
                flush=True,
            )

    print(
        "| resources (stacks) | variant | Node -> Python callbacks | CPU time | CPU over plain "
        "| of which in app.synth() | wall time | wall over plain |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        rounds = results[size]
        stacks, resources = counts[size]

        def median(variant: str, key: str, rounds: list[Any] = rounds) -> float:
            return float(statistics.median(r[variant][key] for r in rounds))

        def over(variant: str, key: str, rounds: list[Any] = rounds) -> float:
            return float(statistics.median(r[variant][key] - r["plain"][key] for r in rounds))

        plain_cpu, plain_wall = median("plain", "cpu_s"), median("plain", "wall_s")
        for variant in VARIANTS:
            cells = [
                f"{resources} ({stacks})",
                LABELS[variant],
                f"{median(variant, 'callbacks'):.0f}",
            ]
            cells.append(f"{median(variant, 'cpu_s'):.2f} s")
            if variant == "plain":
                cells.append("")
            else:
                extra = over(variant, "cpu_s")
                cells.append(f"{extra:+.2f} s ({100 * extra / plain_cpu:+.1f} %)")
            if variant == "plain":
                cells.append(f"{median(variant, 'synth_cpu_s'):.2f} s")
            else:
                cells.append(f"{over(variant, 'synth_cpu_s'):+.2f} s")
            cells.append(f"{median(variant, 'wall_s'):.2f} s")
            if variant == "plain":
                cells.append("")
            else:
                extra = over(variant, "wall_s")
                cells.append(f"{extra:+.2f} s ({100 * extra / plain_wall:+.1f} %)")
            print("| " + " | ".join(cells) + " |")
    print(f"\n({args.rounds} rounds per size; medians of per-round differences to plain)")


if __name__ == "__main__":
    main()
