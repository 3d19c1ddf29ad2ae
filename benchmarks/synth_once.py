"""Build and synthesize one generated app in this process; print one JSON line of figures.

    python -m benchmarks.synth_once --resources 2000 --variant guardrails --outdir /tmp/x

Variants: ``plain`` (no checks), ``guardrails`` (``SecurityGuardrails`` on the app),
``guardrails_plugin`` (the same validation plugin registered without the Aspect),
``guardrails_proposed`` (that, plus the engine change proposed in docs/performance.md,
applied in-process),
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

VARIANTS = ("plain", "guardrails", "guardrails_plugin", "guardrails_proposed", "nag", "nag4")


_PATCHED: dict[str, Any] = {}


def _restore_engine() -> None:
    """Undo :func:`_no_copy_without_conditions` (paired runs share one process)."""
    import sys

    for name, original in _PATCHED.items():
        setattr(sys.modules[name], "variants", original)  # noqa: B010
    _PATCHED.clear()


def _no_copy_without_conditions() -> None:
    """Apply, in this process only, the engine change proposed in docs/performance.md.

    ``aspects.values.variants`` rebuilds every resource (and scans it for conditions) once
    per rule; a resource without ``Fn::If`` or ``AWS::NoValue`` has one variant, itself.
    """
    import sys

    from aspects import values

    if _PATCHED:
        return
    original = values.variants

    def expandable(value: object) -> bool:
        stack = [value]
        while stack:
            item = stack.pop()
            if type(item) is dict:
                if len(item) == 1:
                    ((key, arg),) = item.items()
                    if key == "Fn::If" or (key == "Ref" and arg == "AWS::NoValue"):
                        return True
                stack.extend(item.values())
            elif type(item) is list:
                stack.extend(item)
        return False

    def variants(resource: Any) -> Any:
        if expandable(resource):
            yield from original(resource)
        else:
            yield {}, resource

    for name, module in list(sys.modules.items()):
        if name.startswith("aspects") and getattr(module, "variants", None) is original:
            _PATCHED[name] = original
            setattr(module, "variants", variants)  # noqa: B010


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
    if variant == "guardrails_proposed":
        _no_copy_without_conditions()
    else:
        _restore_engine()
    if variant in ("guardrails", "guardrails_plugin", "guardrails_proposed"):
        from aspects import Pillar, SecurityGuardrails
        from aspects.plugin import GuardrailsPlugin, plugin_of

        original = GuardrailsPlugin.validate

        def timed(
            self: GuardrailsPlugin, context: cdk.IPolicyValidationContext
        ) -> cdk.PolicyValidationPluginReport:
            start = time.perf_counter()
            try:
                return original(self, context)
            finally:
                timing["plugin_s"] += time.perf_counter() - start

        GuardrailsPlugin.validate = timed  # type: ignore[method-assign]
        if variant == "guardrails":
            cdk.Aspects.of(app).add(SecurityGuardrails())
        else:  # the same plugin registered directly: no Aspect, no callback per construct
            plugin_of(app).add_scope("", frozenset(Pillar))
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
