"""What one Python Aspect costs per construct: jsii calls back into Python for every visit.

    PATH=$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH python -m benchmarks.aspect_cost

Builds the same app twice per round in one process, once with an Aspect whose ``visit``
does nothing, and synthesizes both; the difference divided by the number of visits is the
price of one Node -> Python callback. ``SecurityGuardrails`` pays it for every construct
of its scope (its own work happens once, in the validation plugin).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import aws_cdk as cdk
import jsii
from constructs import IConstruct

from benchmarks.app import build


@jsii.implements(cdk.IAspect)
class Counting:
    """An Aspect that only counts its visits."""

    def __init__(self) -> None:
        self.visits = 0

    def visit(self, node: IConstruct) -> None:
        """Count, nothing else."""
        self.visits += 1


def synth(resources: int, with_aspect: bool) -> tuple[float, int]:
    app = cdk.App(outdir=tempfile.mkdtemp(prefix="sc-aspect-"))
    build(app, resources)
    aspect = Counting()
    if with_aspect:
        cdk.Aspects.of(app).add(aspect)
    start = time.perf_counter()
    app.synth()
    return time.perf_counter() - start, aspect.visits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    synth(100, True)  # warm up Node and the module caches
    plain: list[float] = []
    aspect: list[float] = []
    visits = 0
    for _ in range(args.runs):
        plain.append(synth(args.resources, False)[0])
        seconds, visits = synth(args.resources, True)
        aspect.append(seconds)
    diffs = [a - p for a, p in zip(aspect, plain, strict=True)]
    cost = statistics.median(diffs)
    print("| resources | visits | synth | synth + no-op Aspect | difference | per visit |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.resources} | {visits} | {statistics.median(plain):.2f} s | "
        f"{statistics.median(aspect):.2f} s | {cost:+.2f} s | {1e6 * cost / visits:.0f} µs |"
    )


if __name__ == "__main__":
    main()
