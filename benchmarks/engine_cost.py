"""Time the rule engine alone on one synthesized app: milliseconds per resource.

    python -m benchmarks.engine_cost --resources 2000 --outdir /tmp/bench-2000
    PYTHONPATH=/path/to/older/checkout python -m benchmarks.engine_cost --outdir /tmp/bench-2000

The first form synthesizes the generated app (``benchmarks/app.py``) into ``--outdir``
unless it is there already; every form then loads the cloud assembly and runs every rule
of the registry on it ``--rounds`` times, printing one Markdown row: the number of rules,
resources, resources checked, the median CPU time of reading the assembly, of the engine (and
its fastest round, the steadiest figure on a shared machine), and of the engine per
resource. The same assembly judged
by an older checkout's engine (point ``PYTHONPATH`` at it) gives the before/after figure
of ``docs/performance.md``: the part of the plugin's time that the rules cost, without
CDK's synthesis and without the noise of a second synthesis.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def _synthesize(resources: int, outdir: Path) -> None:
    import aws_cdk as cdk

    from benchmarks.app import build

    app = cdk.App(outdir=str(outdir))
    build(app, resources)
    app.synth()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--outdir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not (args.outdir / "manifest.json").exists():
        _synthesize(args.resources, args.outdir)

    from aspects.assembly import load_assembly
    from aspects.engine import evaluate
    from aspects.rules import ALL_RULES

    loads: list[float] = []
    times: list[float] = []
    resources = 0
    for _ in range(args.rounds):
        # CPU time of this process: on a shared machine wall time moves with the load.
        start = time.process_time()
        stacks = load_assembly(args.outdir)
        loaded = time.process_time()
        evaluation = evaluate(stacks, lambda _s: ALL_RULES)
        times.append(time.process_time() - loaded)
        loads.append(loaded - start)
        resources = sum(len(s.template.get("Resources", {})) for s in stacks)
    median = statistics.median(times)
    print(
        f"| {len(ALL_RULES)} | {resources} | {evaluation.resources_checked} | "
        f"{statistics.median(loads) * 1000:.0f} ms | "
        f"{median * 1000:.0f} ms (fastest {min(times) * 1000:.0f} ms) | "
        f"{median * 1000 / max(resources, 1):.3f} ms |"
    )


if __name__ == "__main__":
    main()
