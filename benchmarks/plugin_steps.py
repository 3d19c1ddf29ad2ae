"""Time each step of the guardrails' validation plugin inside a real synthesis.

    python -m benchmarks.plugin_steps --resources 2000 --rounds 4

Synthesizes the generated app (``benchmarks/app.py``) with ``SecurityGuardrails.apply``
``--rounds`` times in this process and times, around every call, the steps
``GuardrailsPlugin.validate`` takes (reading the templates, the rules, the reports, CDK's
violations...) and each rule's own checks. The first round is a warm-up. Prints Markdown
tables of the medians per validation; nothing passes or fails.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk

#: The module-level functions of aspects.plugin that validate calls, timed one by one.
STEPS = (
    "with_nested",
    "acknowledgments_above_stacks",
    "evaluate",
    "with_unverifiable",
    "with_unjudged",
    "audit_acknowledgments",
    "decide",
    "render_reports",
    "write_atomically",
    "summary",
    "_violations",
    "gate_violation",
)


def _timed(
    name: str, function: Callable[..., Any], into: defaultdict[str, float]
) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            into[name] += time.process_time() - start

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    import aspects.plugin as plugin
    from aspects import SecurityGuardrails
    from aspects.index import StackTemplate
    from aspects.rules import ALL_RULES
    from benchmarks.app import build

    rounds: list[dict[str, float]] = []
    steps: defaultdict[str, float] = defaultdict(float)
    rules: defaultdict[str, float] = defaultdict(float)
    for name in STEPS:
        setattr(plugin, name, _timed(name, getattr(plugin, name), steps))
    load = StackTemplate.load.__func__  # type: ignore[attr-defined]
    timed_load = _timed("read the templates (StackTemplate.load)", load, steps)
    StackTemplate.load = classmethod(timed_load)  # type: ignore[method-assign,assignment]
    for rule in ALL_RULES:  # frozen dataclasses: the check is replaced in place
        check = rule.check

        def counted(view: Any, check: Any = check, rule_id: str = rule.id) -> list[Any]:
            start = time.process_time()
            try:
                return list(check(view))
            finally:
                rules[rule_id] += time.process_time() - start

        object.__setattr__(rule, "check", counted)
    validate = plugin.GuardrailsPlugin.validate
    plugin.GuardrailsPlugin.validate = _timed("all of validate", validate, steps)  # type: ignore[method-assign]
    per_rule: list[dict[str, float]] = []
    for number in range(args.rounds):
        steps.clear()
        rules.clear()
        app = cdk.App(outdir=tempfile.mkdtemp(prefix="sc-steps-"))
        build(app, args.resources)
        SecurityGuardrails.apply(app)
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            app.synth()  # CDK's and the guardrails' reports are not what is measured
        if number:  # the first round loads modules and warms caches
            rounds.append(dict(steps))
            per_rule.append(dict(rules))
    names = sorted({n for r in rounds for n in r}, key=lambda n: -rounds[-1].get(n, 0.0))
    print("| step | median |\n|---|---:|")
    for name in names:
        print(f"| {name} | {1000 * statistics.median(r.get(name, 0.0) for r in rounds):.1f} ms |")
    total = statistics.median(sum(r.values()) for r in per_rule)
    print(f"\nThe rules' own checks: {1000 * total:.1f} ms; the costliest:\n")
    print("| rule | median |\n|---|---:|")
    costly = sorted(per_rule[-1], key=lambda n: -per_rule[-1][n])[:8]
    for name in costly:
        print(f"| {name} | {1000 * statistics.median(r.get(name, 0.0) for r in per_rule):.1f} ms |")
    print(f"\n({args.rounds - 1} timed rounds of {args.resources} requested resources)")


if __name__ == "__main__":
    main()
