"""cdk-nag's verdict on the mutants: the committed results are current, and reproducible.

The fast tests check that ``tests/mutation/cdk_nag_results.json`` covers exactly today's
mutants, was made from today's templates and the installed cdk-nag (regenerate with
``python -m tests.mutation.cdk_nag_rate``). The ``cdk_nag_mutation`` tests re-run cdk-nag
on a sample of the mutants, and check in real apps what cdk-nag sees of an escape hatch.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
import pytest
from constructs import Construct

from aspects.assembly import load_assembly
from aspects.index import StackTemplate, TemplateIndex
from tests.mutation.builds import CONFIGURATIONS, Configuration, new_stack, synthesize
from tests.mutation.cdk_nag_rate import (
    SAMPLE_EVERY,
    SEEN_IN_APP,
    NagResults,
    digest,
    installed_versions,
    load,
    nag_app,
    read_report,
    reimport_only,
    run,
)
from tests.mutation.harness import mutants_of, mutate
from tests.mutation.operators import Mutant, neighbourhood
from tests.mutation.test_mutation import SAMPLES, Hatch

REGENERATE = "regenerate with: python -m tests.mutation.cdk_nag_rate"


@pytest.fixture(scope="module")
def templates() -> dict[str, StackTemplate]:
    return synthesize()


@pytest.fixture(scope="module")
def results() -> NagResults:
    return load()


def _mutants(templates: dict[str, StackTemplate]) -> dict[str, Mutant]:
    return {m.id: m for c in CONFIGURATIONS for m in mutants_of(templates[c.stack_name], c)}


def test_results_cover_exactly_the_current_mutants(
    templates: dict[str, StackTemplate], results: NagResults
) -> None:
    current = set(_mutants(templates))
    missing = sorted(current - set(results.outcomes))
    gone = sorted(set(results.outcomes) - current)
    assert not missing, f"mutants without a cdk-nag result ({REGENERATE}):\n" + "\n".join(missing)
    assert not gone, f"results for mutants that no longer exist ({REGENERATE}):\n" + "\n".join(gone)


def test_results_were_made_from_the_current_templates_and_cdk_nag(
    templates: dict[str, StackTemplate], results: NagResults
) -> None:
    current = {c.stack_name: digest(templates[c.stack_name].template) for c in CONFIGURATIONS}
    changed = sorted(k for k in current if results.templates.get(k) != current[k])
    assert not changed, f"the constructs synthesize differently now ({REGENERATE}): {changed}"
    assert (results.cdk_nag, results.aws_cdk_lib) == installed_versions(), REGENERATE


def test_unmutated_constructs_have_no_cdk_nag_error_of_their_own(
    templates: dict[str, StackTemplate], results: NagResults
) -> None:
    # What cdk-nag reports before mutation is on the tests' scaffolding (the VPCs), so
    # every finding on the construct's resources after a mutation is the mutant's doing.
    for configuration in CONFIGURATIONS:
        index = TemplateIndex(templates[configuration.stack_name])
        own = [
            finding
            for finding in results.baselines[configuration.stack_name]
            if finding.endswith(" error")
            and (index.construct_path(finding.rsplit(" ", 2)[1]) or "").startswith(
                configuration.scope + "/"
            )
        ]
        assert not own, (configuration.stack_name, own)


@pytest.mark.cdk_nag_mutation
def test_a_sample_rerun_of_cdk_nag_matches_the_results(
    templates: dict[str, StackTemplate], results: NagResults
) -> None:
    sample = run(templates, every=SAMPLE_EVERY)
    assert len(sample.outcomes) >= len(results.outcomes) // SAMPLE_EVERY
    assert sample.baselines == results.baselines
    differ = {
        mutant_id: (results.outcomes[mutant_id], outcome)
        for mutant_id, outcome in sample.outcomes.items()
        if results.outcomes[mutant_id] != outcome
    }
    assert not differ, differ
    assert any(o.killed for o in sample.outcomes.values()), "the sample kills nothing"


# -- what cdk-nag sees of an escape hatch in a real app --------------------------------------


@dataclass(frozen=True)
class InApp:
    """A configuration built in a real app with cdk-nag's packs registered, synthesized."""

    stack: StackTemplate
    findings: frozenset[tuple[str, str, str]]  # (rule id, logical id, severity)


def _in_app(configuration: Configuration, hatch: Hatch | None) -> InApp:
    outdir = Path(tempfile.mkdtemp(prefix="nag-in-app-"))
    app = nag_app(outdir)
    construct = configuration.build(new_stack(app, configuration))
    if hatch is not None:
        hatch(construct)
    app.synth()
    (stack,) = load_assembly(outdir)
    index = TemplateIndex(stack)
    logical_ids = {index.construct_path(lid): lid for lid in stack.template["Resources"]}
    findings = frozenset(
        (rule, logical_ids[path], severity) for rule, path, severity in read_report(outdir)
    )
    return InApp(stack, findings)


def _add_world_open_ssh(construct: Construct) -> None:
    group = construct.node.find_child("SecurityGroup").node.default_child
    assert isinstance(group, cdk.CfnResource)
    group.add_property_override(
        "SecurityGroupIngress",
        [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}],
    )


# The escape-hatch samples of test_mutation.py, and one that opens SSH to the world (a
# weakening cdk-nag catches every time it is shown the template).
HATCHES: list[tuple[str, tuple[str, ...], Hatch]] = [
    *SAMPLES,
    (
        "SecureFunction-url-vpc-environment",
        ("SecureFunction/url-vpc-environment SecurityGroup world-open-ingress IPv4 TCP 22",),
        _add_world_open_ssh,
    ),
]


@pytest.fixture(scope="module")
def unmutated_in_app() -> dict[str, InApp]:
    """Configuration name -> the construct built in an app without a hatch (filled lazily)."""
    return {}


def _unmutated(cache: dict[str, InApp], configuration: Configuration) -> InApp:
    if configuration.stack_name not in cache:
        cache[configuration.stack_name] = _in_app(configuration, None)
    return cache[configuration.stack_name]


@pytest.mark.cdk_nag_mutation
@pytest.mark.parametrize(
    "configuration", CONFIGURATIONS, ids=[c.stack_name for c in CONFIGURATIONS]
)
def test_reimporting_the_template_shows_cdk_nag_what_the_app_shows_it(
    results: NagResults, unmutated_in_app: dict[str, InApp], configuration: Configuration
) -> None:
    # Unmutated, the re-imported template (with the replayed acknowledgments) gets exactly
    # the unacknowledged findings the construct gets in its own app, and those cdk-nag
    # can only give a re-imported template (REIMPORT_ONLY, on both sides of every mutant).
    in_app = _unmutated(unmutated_in_app, configuration)
    reimported = set(results.baselines[configuration.stack_name])
    seen = {" ".join(f) for f in in_app.findings}
    assert seen <= reimported
    extra = sorted(f for f in reimported - seen if not reimport_only(*f.rsplit(" ", 2)[:2]))
    assert not extra, extra


@pytest.mark.cdk_nag_mutation
@pytest.mark.parametrize(
    ("stack_name", "mutant_ids", "hatch"), HATCHES, ids=[h[1][0] for h in HATCHES]
)
def test_in_an_app_cdk_nag_sees_removed_constructs_but_not_escape_hatches(
    templates: dict[str, StackTemplate],
    results: NagResults,
    unmutated_in_app: dict[str, InApp],
    stack_name: str,
    mutant_ids: tuple[str, ...],
    hatch: Callable[[Construct], None],
) -> None:
    (configuration,) = [c for c in CONFIGURATIONS if c.stack_name == stack_name]
    baseline = _unmutated(unmutated_in_app, configuration)
    hatched = _in_app(configuration, hatch)
    mutants = _mutants(templates)
    # The app deploys exactly the mutated template the results were computed from...
    mutated = templates[stack_name]
    for mutant_id in mutant_ids:
        mutated = mutate(mutated, mutants[mutant_id])
    assert hatched.stack.template["Resources"] == mutated.template["Resources"]
    # ...but cdk-nag in the app reports only what removing a construct or setting a
    # removal policy changes; an override reaches the template and never the L1 it reads.
    targets = set().union(
        *(neighbourhood(templates[stack_name].template, mutants[m].logical_id) for m in mutant_ids)
    )
    in_app = {
        rule
        for rule, lid, severity in hatched.findings - baseline.findings
        if severity == "error" and lid in targets
    }
    reimported = {rule for m in mutant_ids for rule in results.outcomes[m].killed_by}
    visible = all(mutants[m].operator in SEEN_IN_APP for m in mutant_ids)
    assert in_app == (reimported if visible else set())


def test_the_hatch_samples_hold_weakenings_cdk_nag_reports_when_reimported(
    templates: dict[str, StackTemplate], results: NagResults
) -> None:
    # Otherwise the in-app test above would show nothing: both kinds of hatch include
    # weakenings cdk-nag reports when it is shown the mutated template.
    mutants = _mutants(templates)
    reported = [ids for _n, ids, _h in HATCHES if any(results.outcomes[m].killed for m in ids)]
    seen = [ids for ids in reported if all(mutants[m].operator in SEEN_IN_APP for m in ids)]
    assert seen, "no removed construct or removal policy that cdk-nag reports"
    assert len(reported) - len(seen) >= 3, "too few overrides that cdk-nag reports re-imported"
