"""Build and synthesize one generated app in this process; print one JSON line of figures.

    python -m benchmarks.synth_once --resources 2000 --variant guardrails --outdir /tmp/x

Variants: ``plain`` (no checks), ``aspect`` (``cdk.Aspects.of(app).add(SecurityGuardrails())``,
as the README shows it), ``apply`` (``SecurityGuardrails.apply(app)``),
``nag`` (cdk-nag's AwsSolutions pack), ``nag4`` (AwsSolutions, NIST 800-53 R5, HIPAA
Security, PCI DSS 3.2.1). Times exclude starting Python and loading aws_cdk (the same for
every variant); they cover building the construct tree and ``app.synth()``, validation
plugins included: wall time, and CPU time of Python plus Node (steadier on a shared
machine). Memory is the peak resident size of this process plus jsii's Node process.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from benchmarks.app import build

VARIANTS = ("plain", "aspect", "apply", "nag", "nag4")
LABELS = {
    "plain": "plain synth",
    "aspect": "+ `Aspects.of(app).add(SecurityGuardrails())`",
    "apply": "+ `SecurityGuardrails.apply(app)`",
    "nag": "+ cdk-nag AwsSolutions",
    "nag4": "+ cdk-nag 4 packs",
}


def _peak_kib(pid: int | str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: str = "self") -> list[str]:
    pids: list[str] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            pids += [child, *_descendants(child)]
    return pids


def _cpu_s() -> float:
    """CPU time (user + system) of this process and its live descendants (jsii's Node)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = sum(os.times()[:2])
    for pid in _descendants():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _add_checks(app: cdk.App, variant: str) -> dict[str, float]:
    """Register the checks of *variant*; returns a dict the guardrails plugin times into."""
    timing = {"plugin_s": 0.0}
    if variant in ("aspect", "apply"):
        from aspects import SecurityGuardrails
        from aspects.plugin import GuardrailsPlugin

        original = getattr(GuardrailsPlugin.validate, "__wrapped__", GuardrailsPlugin.validate)

        def timed(
            self: GuardrailsPlugin, context: cdk.IPolicyValidationContext
        ) -> cdk.PolicyValidationPluginReport:
            start = _cpu_s()  # Python and Node: the plugin reads the templates through jsii
            try:
                return original(self, context)
            finally:
                timing["plugin_s"] += _cpu_s() - start

        timed.__wrapped__ = original  # type: ignore[attr-defined]
        GuardrailsPlugin.validate = timed  # type: ignore[method-assign]
        if variant == "aspect":  # as the README shows it
            cdk.Aspects.of(app).add(SecurityGuardrails())
        else:
            SecurityGuardrails.apply(app)
    elif variant in ("nag", "nag4"):
        from cdk_nag import (
            AwsSolutionsChecks,
            HIPAASecurityChecks,
            NIST80053R5Checks,
            PCIDSS321Checks,
        )

        packs: list[Any] = [AwsSolutionsChecks]
        if variant == "nag4":
            packs += [NIST80053R5Checks, HIPAASecurityChecks, PCIDSS321Checks]
        cdk.Validations.of(app).add_plugins(*(pack(app) for pack in packs))
    return timing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, required=True)
    parser.add_argument("--variant", choices=VARIANTS, required=True)
    parser.add_argument("--outdir", required=True)
    args = parser.parse_args()
    # Start jsii's Node process before timing (the import cost is the same for all).
    cdk.App(outdir=os.path.join(args.outdir, "warmup"))
    cpu_start = _cpu_s()
    start = time.perf_counter()
    app = cdk.App(outdir=args.outdir)
    build(app, args.resources)
    timing = _add_checks(app, args.variant)
    built = time.perf_counter()
    failed = False
    try:
        app.synth()
    except RuntimeError as exc:  # a check failed synthesis: the cost still counts
        if "ValidationFailed" not in str(exc):
            raise
        failed = True
    done = time.perf_counter()
    cpu = _cpu_s() - cpu_start
    node_kib = sum(_peak_kib(pid) for pid in _descendants())
    print(
        json.dumps(
            {
                "variant": args.variant,
                "build_s": built - start,
                "synth_s": done - built,
                "total_s": done - start,
                "cpu_s": cpu,
                "plugin_s": timing["plugin_s"],
                "validation_failed": failed,
                "python_mib": _peak_kib("self") / 1024,
                "node_mib": node_kib / 1024,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
