"""Property-based tests of the engine (hypothesis, seeded and bounded for CI).

1. Fail closed: take any rule's non-compliant catalogue example and hide one value of it
   behind something only deployment knows (a parameter, a foreign import, an ``Fn::Sub``,
   ``Fn::Join`` or ``Fn::Select`` of a parameter, an ``Fn::If`` with an unknown branch).
   The rule must still report the template: what cannot be known is never compliant.
2. Robust: random resources of every type a rule reads, with intrinsic functions and
   malformed shapes anywhere, never make the engine raise, and it answers the same twice.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aspects.assembly import check_template
from aspects.cfn_yaml import parse_yaml
from aspects.engine import evaluate
from aspects.index import StackTemplate
from aspects.model import Status
from aspects.rules import ALL_RULES, RULES_BY_ID
from aspects.rules._examples import EXAMPLES

BUDGET = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

UNKNOWN = "UnknownAtDeploy"

#: Ways to hide a value so that synthesis cannot know it (the original may be kept in one
#: branch: then the other branch is the unknown one).
HIDERS = (
    lambda _old: {"Ref": UNKNOWN},
    lambda _old: {"Fn::ImportValue": "SomethingOutsideTheApp"},
    lambda _old: {"Fn::Sub": "${" + UNKNOWN + "}"},
    lambda _old: {"Fn::Join": ["", [{"Ref": UNKNOWN}]]},
    lambda _old: {"Fn::Select": [0, [{"Ref": UNKNOWN}]]},
    lambda old: {"Fn::If": ["UnknownCondition", old, {"Ref": UNKNOWN}]},
)


def _template(text: str) -> dict[str, Any]:
    return check_template(parse_yaml(text), "example")


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every scalar (and every intrinsic call, taken whole) below *value*."""
    if isinstance(value, dict) and not (len(value) == 1 and _is_intrinsic(next(iter(value)))):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path


def _is_intrinsic(key: str) -> bool:
    return key == "Ref" or str(key).startswith("Fn::")


def _hideable(template: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every value of every resource a user or a library could set."""
    out = []
    for logical_id, resource in template.get("Resources", {}).items():
        for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
            if attribute in resource:
                out.append(("Resources", logical_id, attribute))
        for leaf in _leaves(resource.get("Properties", {})):
            out.append(("Resources", logical_id, "Properties", *leaf))
    return out


def _replace(template: dict[str, Any], path: tuple[Any, ...], hide: Any) -> dict[str, Any]:
    mutated = copy.deepcopy(template)
    target = mutated
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = hide(target[path[-1]])
    mutated.setdefault("Parameters", {})[UNKNOWN] = {"Type": "String"}
    mutated.setdefault("Conditions", {})["UnknownCondition"] = {
        "Fn::Equals": [{"Ref": UNKNOWN}, "yes"]
    }
    return mutated


def _findings(rule_id: str, template: dict[str, Any]) -> list[Any]:
    stack = StackTemplate("Example", f"{rule_id}.json", template)
    return list(evaluate([stack], lambda _s: (RULES_BY_ID[rule_id],)).findings)


def _still_reported(rule_id: str, template: dict[str, Any], hidden_in: str) -> bool:
    """The rule still reports, or another rule reports the resource whose value was hidden.

    Hiding a value can move the judgement to another rule by design: a queue key from a
    parameter takes SC-SQS-3 (the warning for encrypted queues) out of play while SC-SQS-1
    and SC-SQS-2 say *cannot verify* on the queue; a master password from a parameter is
    SC-RDS-2's to judge on the database (non-compliant: not a Secrets Manager reference).
    What may never happen is silence on the resource whose value was hidden.
    """
    if _findings(rule_id, template):
        return True
    stack = StackTemplate("Example", f"{rule_id}.json", template)
    everything = evaluate([stack], lambda _s: ALL_RULES)
    return any(f.logical_id == hidden_in for f in everything.findings)


#: Reviewed exceptions: (rule id, hidden property) -> why hiding it rightly passes.
EXCEPTIONS = {
    ("SC-SECRETS-2", "SecretString"): "SC-SECRETS-2 forbids secret values written into the "
    "template; a SecretString from a parameter is supplied at deploy time, not written here "
    "(SC-SECRETS-1 still judges the secret's key).",
    **dict.fromkeys(
        (("SC-WIRE-1", "AlarmActions"), ("SC-WIRE-2", "Endpoint"), ("SC-WIRE-3", "Bucket")),
        "the hidden value is which destination is wired, not a setting of it: a destination "
        "outside the app, or one known only at deploy time, is not judged (its own stack's "
        "guardrails judge its key)",
    ),
}


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_hiding_a_value_never_makes_a_non_compliant_example_pass(rule_id: str) -> None:
    template = _template(EXAMPLES[rule_id].non_compliant)
    found = _findings(rule_id, template)
    assert found, "the example itself must be non-compliant"
    # A list item's last step is its index: an exception names the property above it.
    paths = [
        p for p in _hideable(template) if not any((rule_id, step) in EXCEPTIONS for step in p[3:])
    ]
    if not paths:
        # Nothing to hide: the example is non-compliant by what it leaves out.
        assert {f.status for f in found} == {Status.NON_COMPLIANT}
        return

    @BUDGET
    @given(st.sampled_from(paths), st.sampled_from(HIDERS))
    def hidden_value_still_reported(path: tuple[Any, ...], hide: Any) -> None:
        mutated = _replace(template, path, hide)
        assert _still_reported(rule_id, mutated, str(path[1])), (
            f"{rule_id} passed with {path} = {hide('<old>')}"
        )

    hidden_value_still_reported()


# -- robustness: random resources, intrinsics and malformed shapes everywhere ------------------

RESOURCE_TYPES = sorted({t for rule in ALL_RULES for t in rule.resource_types})
NAMES = ("A", "B", "Key", "Bucket", "Param", "AWS::Region", "AWS::NoValue", "Missing")
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["*", "", "true", "false", "Allow", "Deny", "alias/aws/s3", "0.0.0.0/0"]),
    st.text(max_size=12),
)


def _intrinsics(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(lambda n: {"Ref": n}, st.sampled_from(NAMES)),
        st.builds(lambda n, a: {"Fn::GetAtt": [n, a]}, st.sampled_from(NAMES), st.text(max_size=5)),
        st.builds(
            lambda c, a, b: {"Fn::If": [c, a, b]},
            st.sampled_from(["C", 3, None]),
            children,
            children,
        ),
        st.builds(lambda s, xs: {"Fn::Join": [s, xs]}, children, st.lists(children, max_size=3)),
        st.builds(
            lambda s: {"Fn::Sub": s},
            st.sampled_from(["${A}", "${A.Arn}", "${!x}", "${", "x${Param}y"]),
        ),
        st.builds(lambda s, m: {"Fn::Sub": [s, m]}, st.text(max_size=6), children),
        st.builds(lambda i, xs: {"Fn::Select": [i, xs]}, children, children),
        st.builds(lambda a, b, c: {"Fn::FindInMap": [a, b, c]}, children, children, children),
        st.builds(lambda n: {"Fn::ImportValue": n}, children),
        st.builds(lambda x: {"Fn::Base64": x}, children),
        st.builds(lambda x: {"Condition": x}, children),
    )


values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "Effect",
                    "Principal",
                    "Action",
                    "Resource",
                    "Statement",
                    "Key",
                    "Value",
                    "Name",
                    "Status",
                ]
            ),
            children,
            max_size=3,
        ),
        _intrinsics(children),
    ),
    max_leaves=12,
)

resources = st.fixed_dictionaries(
    {"Type": st.sampled_from(RESOURCE_TYPES)},
    optional={
        "Properties": st.one_of(st.dictionaries(st.text(max_size=10), values, max_size=4), values),
        "DeletionPolicy": values,
        "UpdateReplacePolicy": values,
        "Condition": values,
        "Metadata": values,
    },
)

templates = st.fixed_dictionaries(
    {
        "Resources": st.dictionaries(
            st.sampled_from(["A", "B", "Key", "Bucket", "R1", "R2"]),
            resources,
            min_size=1,
            max_size=4,
        )
    },
    optional={
        "Parameters": st.one_of(st.just({"Param": {"Type": "String"}}), values),
        "Mappings": values,
        "Conditions": values,
        "Outputs": values,
        "Metadata": values,
    },
)


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(templates)
def test_the_engine_never_raises_and_answers_the_same_twice(template: dict[str, Any]) -> None:
    first = evaluate([StackTemplate("S", "s.json", template)], lambda _s: ALL_RULES)
    again = evaluate([StackTemplate("S", "s.json", copy.deepcopy(template))], lambda _s: ALL_RULES)
    assert [(f.rule.id, f.logical_id, f.status, f.message) for f in first.findings] == [
        (f.rule.id, f.logical_id, f.status, f.message) for f in again.findings
    ]
