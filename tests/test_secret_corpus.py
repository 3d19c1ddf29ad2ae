"""The secret detector on a corpus of real-world settings and hard-coded credentials.

The rules judge the corpus through the engine (one Lambda function and one ECS task
definition per pair, in one template each); the constructs must accept and reject exactly
the same pairs at construction time (``SecureFunction`` and ``SecureAlbService`` are
built, never synthesized).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_lambda as lambda_

from aspects.engine import evaluate
from aspects.errors import SecureConstructsError
from aspects.index import StackTemplate
from aspects.rules import RULES_BY_ID
from aspects.secrets_detection import variable_leak
from secure_constructs import SecureAlbService, SecureFunction
from tests.data.secret_corpus import CREDENTIALS, KNOWN_FALSE_ALARMS, ORDINARY

Pair = tuple[str, str]


def _function(logical_id: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Runtime": "python3.13", "Environment": {"Variables": dict(variables)}},
    }


def _task(logical_id: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    environment = [{"Name": k, "Value": v} for k, v in variables.items()]
    return {
        "Type": "AWS::ECS::TaskDefinition",
        "Properties": {"ContainerDefinitions": [{"Name": "app", "Environment": environment}]},
    }


def flagged_by_rules(pairs: Sequence[Pair]) -> dict[str, set[int]]:
    """Rule id -> indexes of the pairs it reports (one resource per pair)."""
    out: dict[str, set[int]] = {}
    for rule_id, build in (("SC-LAMBDA-2", _function), ("SC-ECS-3", _task)):
        resources = {
            f"R{i}": build(f"R{i}", {name: value}) for i, (name, value) in enumerate(pairs)
        }
        stack = StackTemplate("Corpus", "corpus.json", {"Resources": resources})
        found = evaluate([stack], lambda _, r=rule_id: (RULES_BY_ID[r],)).findings
        out[rule_id] = {int(f.logical_id[1:]) for f in found}
    return out


def test_corpus_is_large_enough_and_distinct() -> None:
    assert len(ORDINARY) >= 150
    assert len(CREDENTIALS) >= 60
    assert not set(ORDINARY) & set(CREDENTIALS)


def test_no_credential_is_missed_and_no_setting_is_flagged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pairs = [*ORDINARY, *CREDENTIALS]
    flagged = flagged_by_rules(pairs)
    credentials = set(range(len(ORDINARY), len(pairs)))
    with capsys.disabled():
        for rule_id, indexes in flagged.items():
            print(
                f"\n{rule_id}: {len(credentials & indexes)}/{len(CREDENTIALS)} credentials "
                f"caught, {len(indexes - credentials)}/{len(ORDINARY)} settings flagged"
            )
    for indexes in flagged.values():
        assert [pairs[i][0] for i in sorted(indexes - credentials)] == []  # false alarms
        assert [pairs[i][0] for i in sorted(credentials - indexes)] == []  # misses
    assert flagged["SC-LAMBDA-2"] == flagged["SC-ECS-3"]


def test_known_false_alarms_are_still_flagged() -> None:
    flagged = flagged_by_rules(KNOWN_FALSE_ALARMS)
    assert flagged["SC-LAMBDA-2"] == flagged["SC-ECS-3"] == set(range(len(KNOWN_FALSE_ALARMS)))


def test_messages_never_repeat_the_value() -> None:
    for name, value in CREDENTIALS:
        leak = variable_leak(name, value)
        assert leak is not None
        assert value not in leak.predicate


# -- the constructs accept exactly what the rules accept ------------------------------------

#: The whole corpus: construction costs per construct, not per variable.
SAMPLE: tuple[Pair, ...] = (*ORDINARY, *CREDENTIALS, *KNOWN_FALSE_ALARMS)
_SECRET_CODES = {
    "SC-FUNCTION-3",
    "SC-FUNCTION-4",
    "SC-ALB-3",
    "SC-ALB-4",
}


def _rejected(error: SecureConstructsError, names: Sequence[str]) -> set[str]:
    return {
        name
        for issue in error.issues
        if issue.code in _SECRET_CODES
        for name in names
        if f"{name!r}" in issue.message
    }


def _construction_rejects(build: Any, environment: dict[str, str]) -> set[str]:
    try:
        build(environment)
    except SecureConstructsError as error:
        return _rejected(error, list(environment))
    return set()


def _secure_function(environment: dict[str, str]) -> None:
    SecureFunction(
        cdk.Stack(cdk.App(), "S"),
        "Fn",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        environment=environment,
    )


def _secure_alb_service(environment: dict[str, str]) -> None:
    stack = cdk.Stack(
        cdk.App(), "S", env=cdk.Environment(account="123456789012", region="eu-west-1")
    )
    vpc = ec2.Vpc.from_vpc_attributes(
        stack, "Vpc", vpc_id="vpc-12345678", availability_zones=["eu-west-1a", "eu-west-1b"]
    )
    SecureAlbService(
        stack,
        "Web",
        vpc=vpc,
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx-unprivileged:1.27"),
        certificate=acm.Certificate.from_certificate_arn(
            stack,
            "Certificate",
            "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012",
        ),
        environment=environment,
    )


@pytest.mark.parametrize("build", [_secure_function, _secure_alb_service])
def test_constructs_reject_exactly_what_the_rules_reject(build: Any) -> None:
    # Names repeat in the corpus: one construct per distinct name keeps the messages apart.
    batches: list[dict[str, str]] = []
    for name, value in SAMPLE:
        batch = next((b for b in batches if name not in b), None)
        if batch is None:
            batch = {}
            batches.append(batch)
        batch[name] = value
    rejected = 0
    for environment in batches:
        pairs = list(environment.items())
        by_rules = flagged_by_rules(pairs)
        expected = {pairs[i][0] for i in by_rules["SC-LAMBDA-2"]}
        assert _construction_rejects(build, environment) == expected
        rejected += len(expected)
    assert rejected == len(CREDENTIALS) + len(KNOWN_FALSE_ALARMS)
