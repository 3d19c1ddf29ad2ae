"""cdk-nag's verdict on the mutation suite's mutants, to publish beside ours.

``python -m tests.mutation.cdk_nag_rate`` synthesizes the configurations, derives the same
mutants as :mod:`tests.mutation.harness`, judges each mutated template under cdk-nag 3's
four packs and writes :data:`DATA` (``--every N`` judges every N-th mutant and prints a
summary instead). ``docs/mutation.md`` is rendered from that file, so generating the docs
never runs cdk-nag.

Method, chosen to be as generous to cdk-nag as it can be:

* cdk-nag 3 is a CDK validation plugin that walks the *construct tree* and reads each L1's
  properties through its attributes. To show it a mutated template, the template is
  re-imported into a fresh app with ``cloudformation_include.CfnInclude``: every resource
  becomes an L1 holding exactly the mutated properties. (In a real app an escape hatch -
  ``add_property_override``, ``add_property_deletion_override``, ``add_override`` - is only
  applied when the template is written; cdk-nag reads the L1's attributes, which never
  change, so it sees the unweakened value. Only removed constructs and removal policies
  set through ``apply_removal_policy`` reach it. See :data:`SEEN_IN_APP`.)
* The four packs run as CDK runs them: registered with ``Validations.of(app)``, after
  ``app.synth()``, read back from ``validation-report.json``. The acknowledgments the
  construct made (``accept_cdk_nag``, recorded as ``aws:cdk:acknowledged-rules`` in the
  cloud assembly's metadata, not in the template) are replayed onto the re-imported L1s
  with ``Validations.of(l1).acknowledge``, so CDK suppresses the same findings it does in
  the construct's own app.
* A mutant is **killed** by cdk-nag when an unacknowledged error-severity cdk-nag finding
  (``NagMessageLevel.ERROR``; warnings do not fail synthesis) that is not on the unmutated
  template names the mutated resource or a neighbour of it (the same relation the harness
  uses, :func:`~tests.mutation.operators.neighbourhood`). A finding on the unmutated
  template (e.g. on the test's VPC scaffolding) is there before and after and kills
  nothing.

Several mutants share one app (each in its own stack) to amortize the cost of an app and a
synthesis; results never depend on the batch.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import cloudformation_include as cfn_include

from aspects.index import StackTemplate, TemplateIndex
from tests.mutation.builds import CONFIGURATIONS, Configuration, synthesize
from tests.mutation.harness import mutants_of
from tests.mutation.operators import Mutant, neighbourhood
from tests.scanner_harness import PACK_NAMES, PACKS

#: The committed results ``docs/mutation.md`` is rendered from.
DATA = Path(__file__).with_name("cdk_nag_results.json")
#: Mutants per app: large enough to amortize an app, small enough to keep memory flat.
BATCH = 60
#: What the sample test re-runs: every N-th mutant, in derivation order.
SAMPLE_EVERY = 25
#: Operators whose weakening reaches cdk-nag in a real app: ``node.try_remove_child``
#: removes the construct cdk-nag walks, ``apply_removal_policy`` sets the L1's
#: ``cfn_options``. Every other operator is what an escape hatch does to the written
#: template, which cdk-nag never reads.
SEEN_IN_APP = frozenset({"remove-companion", "removal-policy"})
#: CDK's metadata type for acknowledgments (``Validations.ACKNOWLEDGED_RULES_METADATA_KEY``).
ACKNOWLEDGED = "aws:cdk:acknowledged-rules"
#: With this context false CDK writes ``validation-report.json`` but neither prints nor raises.
_FAIL_SYNTH = "@aws-cdk/core:failSynthOnValidationErrors"
#: cdk-nag's description of a finding whose rule threw instead of answering.
_THREW = "Rule threw an error during validation"
#: Appended to the rule id of such a finding.
NOT_EVALUATED = " (not evaluated)"
_STACK = "Mutant"
_INCLUDE = "Template"

#: (cdk-nag rule id, logical id, severity) of one unacknowledged finding.
NagFinding = tuple[str, str, str]

#: What cdk-nag reports on a re-imported template and never in the app, by construction:
#: (logical-id prefix or "", rule-id suffix or "", why). Such findings are on the
#: unmutated template too, so they kill nothing.
REIMPORT_ONLY: tuple[tuple[str, str, str], ...] = (
    (
        "CustomVpcRestrictDefaultSGCustomResourceProvider",
        "",
        "CDK's custom-resource providers are plain CfnResources in the app, which cdk-nag's "
        "rules (written against CfnRole, CfnFunction...) skip; re-imported they are typed L1s",
    ),
    (
        "",
        "-VPCDefaultSecurityGroupClosed",
        "the rule looks for the L2 VPC's RestrictDefaultSecurityGroupCustomResource child in "
        "the construct tree, which a re-imported template does not have",
    ),
)


def reimport_only(rule: str, logical_id: str) -> bool:
    """Whether a finding is one cdk-nag gives only the re-imported template."""
    return any(
        (not prefix or logical_id.startswith(prefix)) and (not suffix or rule.endswith(suffix))
        for prefix, suffix, _why in REIMPORT_ONLY
    )


@dataclass(frozen=True)
class NagOutcome:
    """What cdk-nag said about one mutant."""

    killed_by: tuple[str, ...]  # rule ids of new error findings naming a target
    warned_by: tuple[str, ...]  # rule ids of new warnings naming a target
    elsewhere: tuple[str, ...]  # new error findings on other resources ("rule logicalId")
    refused: str | None = None  # why CfnInclude could not import the mutated template

    @property
    def killed(self) -> bool:
        return bool(self.killed_by)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "killed_by": list(self.killed_by),
            "warned_by": list(self.warned_by),
            "elsewhere": list(self.elsewhere),
        }
        if self.refused is not None:
            out["refused"] = self.refused
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NagOutcome:
        return cls(
            tuple(data["killed_by"]),
            tuple(data["warned_by"]),
            tuple(data["elsewhere"]),
            data.get("refused"),
        )


@dataclass(frozen=True)
class NagResults:
    """cdk-nag's verdict per mutant id, with what it was computed from."""

    cdk_nag: str
    aws_cdk_lib: str
    templates: dict[str, str]  # stack name -> digest of the unmutated template
    baselines: dict[str, tuple[str, ...]]  # stack name -> findings before mutation
    outcomes: dict[str, NagOutcome]  # mutant id -> verdict

    def to_json(self) -> dict[str, Any]:
        return {
            "cdk_nag": self.cdk_nag,
            "aws_cdk_lib": self.aws_cdk_lib,
            "packs": sorted(PACK_NAMES),
            "templates": dict(sorted(self.templates.items())),
            "baselines": {k: list(v) for k, v in sorted(self.baselines.items())},
            "outcomes": {k: v.to_json() for k, v in sorted(self.outcomes.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NagResults:
        return cls(
            cdk_nag=data["cdk_nag"],
            aws_cdk_lib=data["aws_cdk_lib"],
            templates=dict(data["templates"]),
            baselines={k: tuple(v) for k, v in data["baselines"].items()},
            outcomes={k: NagOutcome.from_json(v) for k, v in data["outcomes"].items()},
        )


def load(path: Path = DATA) -> NagResults:
    """The committed results."""
    return NagResults.from_json(json.loads(path.read_text(encoding="utf-8")))


def save(results: NagResults, path: Path = DATA) -> None:
    path.write_text(json.dumps(results.to_json(), indent=1) + "\n", encoding="utf-8")


def installed_versions() -> tuple[str, str]:
    """(cdk-nag, aws-cdk-lib) as installed."""
    return version("cdk-nag"), version("aws-cdk-lib")


def digest(template: Mapping[str, Any]) -> str:
    """A digest of a template, to notice that the results were made from another one."""
    text = json.dumps(template, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# -- acknowledgments --------------------------------------------------------------------


def acknowledgments(stack: StackTemplate) -> dict[str, dict[str, str]]:
    """Logical id -> {acknowledged id: reason} that CDK applies to that resource.

    CDK looks a violation up at the violating construct's path and then at each ancestor,
    so an acknowledgment made on a construct covers every L1 below it.
    """
    namespaces = tuple(f"{pack}::" for pack in PACK_NAMES)
    by_path: dict[str, dict[str, str]] = {}
    for path, entries in stack.metadata.items():
        for entry in entries:
            data = entry.get("data")
            if entry.get("type") == ACKNOWLEDGED and isinstance(data, dict):
                ours = {k: str(v) for k, v in data.items() if str(k).startswith(namespaces)}
                by_path.setdefault(path.strip("/"), {}).update(ours)
    index = TemplateIndex(stack)
    out: dict[str, dict[str, str]] = {}
    for logical_id in stack.template["Resources"]:
        path = index.construct_path(logical_id) or ""
        acks: dict[str, str] = {}
        for ack_path, data in by_path.items():
            if path == ack_path or path.startswith(ack_path + "/"):
                acks.update(data)
        if acks:
            out[logical_id] = acks
    return out


# -- running cdk-nag on templates -------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """One template to judge (a mutant's, or the unmutated one when ``mutant`` is None)."""

    configuration: Configuration
    mutant: Mutant | None
    template: dict[str, Any]
    acks: dict[str, dict[str, str]]


@dataclass(frozen=True)
class _Judged:
    findings: frozenset[NagFinding]
    refused: str | None


def nag_app(outdir: Path) -> cdk.App:
    """An app whose synthesis runs cdk-nag's four packs and only writes their report.

    CDK's own CloudFormation validation is off (only cdk-nag judges), and with
    ``@aws-cdk/core:failSynthOnValidationErrors`` false CDK writes
    ``validation-report.json`` but neither prints nor raises. Neither setting changes
    what the packs report or which findings CDK suppresses.
    """
    app = cdk.App(
        outdir=str(outdir),
        builtin_cloud_formation_validation=False,
        context={_FAIL_SYNTH: False},
        stack_traces=False,
    )
    cdk.Validations.of(app).add_plugins(*(pack() for pack in PACKS))
    return app


def read_report(outdir: Path) -> list[tuple[str, str, str]]:
    """(rule id, construct path, severity) of every unacknowledged cdk-nag finding.

    A finding cdk-nag could not evaluate (its rule threw, e.g. on an intrinsic function)
    fails synthesis like any other; its rule id gets :data:`NOT_EVALUATED` appended.
    """
    report = json.loads((outdir / "validation-report.json").read_text(encoding="utf-8"))
    out: list[tuple[str, str, str]] = []
    for plugin in report["pluginReports"]:
        if plugin["pluginName"] not in PACK_NAMES or (
            plugin["conclusion"] == "failure" and not plugin["violations"]
        ):
            raise AssertionError(f"unexpected plugin report: {plugin}")
        for violation in plugin["violations"]:
            rule = violation["ruleName"]
            if str(violation.get("description", "")).startswith(_THREW):
                rule += NOT_EVALUATED
            out.extend(
                (rule, construct["constructPath"], violation["severity"])
                for construct in violation["violatingConstructs"]
            )
    return out


def _nag_findings(jobs: Sequence[_Job], workdir: Path) -> list[_Judged]:
    """Each job's unacknowledged cdk-nag findings, all jobs in one app (one stack each).

    A template CfnInclude refuses (a mutant deleted a property CloudFormation requires)
    gets no findings and the first line of the refusal.
    """
    refused: dict[int, str] = {}
    outdir = Path(tempfile.mkdtemp(prefix="nag-", dir=workdir))
    app = nag_app(outdir / "cdk.out")
    for i, job in enumerate(jobs):
        template_file = outdir / f"{i}.json"
        template_file.write_text(json.dumps(job.template), encoding="utf-8")
        # The template brings its own BootstrapVersion parameter and rule.
        synthesizer = cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False)
        stack = cdk.Stack(app, f"{_STACK}{i}", env=job.configuration.env, synthesizer=synthesizer)
        try:
            included = cfn_include.CfnInclude(stack, _INCLUDE, template_file=str(template_file))
        except RuntimeError as exc:  # e.g. "... is missing required property: authType"
            app.node.try_remove_child(stack.node.id)
            message = str(exc).split("\n", 1)[0]
            refused[i] = message.replace(f"{stack.node.path}/{_INCLUDE}/", "")
            continue
        for logical_id, acks in job.acks.items():
            if logical_id not in job.template["Resources"]:
                continue  # the mutant removed it
            resource = included.get_resource(logical_id)
            for ack_id, reason in acks.items():
                cdk.Validations.of(resource).acknowledge(
                    cdk.Acknowledgment(id=ack_id, reason=reason)
                )
    app.synth()
    found: list[set[NagFinding]] = [set() for _ in jobs]
    for rule, path, severity in read_report(outdir / "cdk.out"):
        stack_name, include, logical_id = path.split("/")
        if include != _INCLUDE or not stack_name.startswith(_STACK):
            raise AssertionError(f"unexpected construct {path}")
        found[int(stack_name.removeprefix(_STACK))].add((rule, logical_id, severity))
    return [_Judged(frozenset(f), refused.get(i)) for i, f in enumerate(found)]


def _batches(jobs: Sequence[_Job], size: int) -> Iterator[Sequence[_Job]]:
    for start in range(0, len(jobs), size):
        yield jobs[start : start + size]


def _verdict(
    stack: StackTemplate, mutant: Mutant, judged: _Judged, baseline: frozenset[NagFinding]
) -> NagOutcome:
    targets = neighbourhood(stack.template, mutant.logical_id)
    new = judged.findings - baseline
    errors = {f for f in new if f[2] == "error"}
    return NagOutcome(
        killed_by=tuple(sorted({rule for rule, lid, _ in errors if lid in targets})),
        warned_by=tuple(sorted({rule for rule, lid, severity in new - errors if lid in targets})),
        elsewhere=tuple(sorted({f"{rule} {lid}" for rule, lid, _ in errors if lid not in targets})),
        refused=judged.refused,
    )


def run(
    templates: Mapping[str, StackTemplate],
    configurations: Iterable[Configuration] = CONFIGURATIONS,
    *,
    every: int = 1,
    batch: int = BATCH,
    progress: bool = False,
) -> NagResults:
    """cdk-nag's verdict on every *every*-th mutant (in derivation order), and baselines.

    The counterpart of :func:`tests.mutation.harness.run`, over the same mutants.
    """
    configurations = tuple(configurations)
    jobs: list[_Job] = []
    position = 0
    for configuration in configurations:
        stack = templates[configuration.stack_name]
        acks = acknowledgments(stack)
        jobs.append(_Job(configuration, None, copy.deepcopy(dict(stack.template)), acks))
        for mutant in mutants_of(stack, configuration):
            if position % every == 0:
                template = copy.deepcopy(dict(stack.template))
                mutant.apply(template)
                jobs.append(_Job(configuration, mutant, template, acks))
            position += 1
    found: list[_Judged] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cdk-nag-rate-") as workdir:
        for chunk in _batches(jobs, batch):
            found.extend(_nag_findings(chunk, Path(workdir)))
            if progress:
                elapsed = time.monotonic() - started
                sys.stderr.write(f"{len(found)}/{len(jobs)} templates, {elapsed:.0f} s\n")
    baselines: dict[str, frozenset[NagFinding]] = {}
    outcomes: dict[str, NagOutcome] = {}
    for job, judged in zip(jobs, found, strict=True):
        name = job.configuration.stack_name
        if job.mutant is None:
            if judged.refused is not None:
                raise AssertionError(f"{name}: CfnInclude refused it: {judged.refused}")
            baselines[name] = judged.findings
        else:
            outcomes[job.mutant.id] = _verdict(templates[name], job.mutant, judged, baselines[name])
    cdk_nag, aws_cdk_lib = installed_versions()
    return NagResults(
        cdk_nag=cdk_nag,
        aws_cdk_lib=aws_cdk_lib,
        templates={c.stack_name: digest(templates[c.stack_name].template) for c in configurations},
        baselines={
            name: tuple(sorted(f"{rule} {lid} {severity}" for rule, lid, severity in findings))
            for name, findings in baselines.items()
        },
        outcomes=outcomes,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation.cdk_nag_rate")
    parser.add_argument(
        "--every", type=int, default=1, help="judge every N-th mutant and only print a summary"
    )
    parser.add_argument("--batch", type=int, default=BATCH, help="mutants per app")
    args = parser.parse_args(argv)
    started = time.monotonic()
    templates = synthesize()
    synthesized = time.monotonic()
    results = run(templates, every=args.every, batch=args.batch, progress=True)
    done = time.monotonic()
    killed = sum(o.killed for o in results.outcomes.values())
    sys.stdout.write(
        f"cdk-nag {results.cdk_nag}: {killed}/{len(results.outcomes)} mutants killed; "
        f"synthesis {synthesized - started:.0f} s, cdk-nag {done - synthesized:.0f} s\n"
    )
    if args.every == 1:
        save(results)
        sys.stdout.write(f"wrote {DATA}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
