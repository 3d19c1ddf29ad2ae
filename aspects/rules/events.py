"""Amazon EventBridge guardrails: bus policies not open to everyone, keys you control.

A bus's resource policy is either its ``Policy`` property (``AWS::Events::EventBus``) or one
``AWS::Events::EventBusPolicy`` per statement, written as a ``Statement`` (what
``EventBus.add_to_resource_policy`` synthesizes) or in the legacy form ``Principal`` /
``Action`` / ``Condition {Type, Key, Value}``. Both forms are judged by the one test of
"open to the world" (:func:`aspects.rules._common.open_allows`): an ``Allow`` to everyone
without a condition that narrows the caller (``aws:PrincipalOrgID``, ``aws:SourceAccount``...).

Archives (``AWS::Events::Archive``) keep events for replay, for months or forever: they are a
store, so they need a customer-managed key. A bus only holds events while it delivers
them (retries up to 24 hours), so its key is a warning.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ResourceView
from aspects.model import Pillar, Problem, Rule, Severity
from aspects.rules._common import kms_key_problems, open_allows, statements
from aspects.values import intrinsic_name

EVENT_BUS = "AWS::Events::EventBus"
BUS_POLICY = "AWS::Events::EventBusPolicy"
ARCHIVE = "AWS::Events::Archive"


def _legacy_statement(r: ResourceView) -> Mapping[str, Any]:
    """The legacy ``Principal``/``Action``/``Condition`` form as a policy statement."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": r.props.get("Principal"),
        "Action": r.props.get("Action"),
    }
    condition = r.props.get("Condition")
    if intrinsic_name(condition) is not None:
        r.literal(condition, "Condition")  # raises CannotVerify
    if isinstance(condition, Mapping):
        kind = r.literal(condition.get("Type", "StringEquals"), "Condition.Type")
        key = r.literal(condition.get("Key"), "Condition.Key")
        statement["Condition"] = {str(kind): {str(key): condition.get("Value")}}
    return statement


def _policy_document(r: ResourceView) -> tuple[list[Mapping[str, Any]], str]:
    """The statements this resource grants, and the property that holds them."""
    if r.type == BUS_POLICY:
        statement = r.props.get("Statement")
        if statement is None:
            return [_legacy_statement(r)], "Principal"
        return statements({"Statement": statement}), "Statement"
    document = r.props.get("Policy")
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return [{"Effect": {"Fn::NotAStatement": [document]}}], "Policy"
    return statements(document), "Policy"


def _not_open(r: ResourceView) -> Iterator[Problem]:
    if r.type == EVENT_BUS and r.props.get("Policy") is None:
        return
    found, where = _policy_document(r)
    for what, statement in open_allows(r, found, where):
        what = where if r.type == BUS_POLICY else what  # one statement per resource
        actions = statement.get("Action") or "events:PutEvents"
        yield Problem(
            f"{what} allows {actions!r} to everyone without a condition on the caller's "
            "account or organization: anyone can put events on the bus (and trigger every "
            "rule and target behind it)",
            f"Properties.{where}",
        )


def _archive_encrypted(r: ResourceView) -> Iterator[Problem]:
    key = r.props.get("KmsKeyIdentifier")
    if key is None:
        yield Problem(
            "KmsKeyIdentifier is not set, so the archived events are encrypted with an AWS "
            "owned key that no key policy of yours controls",
            "Properties.KmsKeyIdentifier",
        )
        return
    yield from kms_key_problems(r, key, "KmsKeyIdentifier")


def _bus_encrypted(r: ResourceView) -> Iterator[Problem]:
    key = r.props.get("KmsKeyIdentifier")
    if key is None:
        yield Problem(
            "KmsKeyIdentifier is not set, so events on the bus are encrypted with an AWS "
            "owned key that no key policy of yours controls",
            "Properties.KmsKeyIdentifier",
        )
        return
    yield from kms_key_problems(r, key, "KmsKeyIdentifier")


RULES = (
    Rule(
        id="SC-EVENTS-1",
        title="EventBridge bus policies are not open to everyone",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(EVENT_BUS, BUS_POLICY),
        rationale="A bus policy that allows Principal '*' without a condition on the caller "
        "lets any AWS account put events on the bus: forged events then trigger every rule "
        "and reach every target (functions, queues, workflows) as if they were yours.",
        fix="Grant named accounts (events.EventBus.grant_put_events_to(AccountPrincipal("
        "...))) or add a condition such as aws:PrincipalOrgID to the statement passed to "
        "add_to_resource_policy / events.CfnEventBusPolicy.",
        check=_not_open,
        nist_800_53=("AC-3", "AC-6"),
        cdk_nag=("AwsSolutions-EVB1",),
    ),
    Rule(
        id="SC-EVENTS-2",
        title="EventBridge archives are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(ARCHIVE,),
        rationale="An archive keeps copies of events (often personal or business data) for "
        "replay, for months or forever. Without KmsKeyIdentifier they are encrypted with an "
        "AWS owned key: no key policy of yours decides who can replay or read them.",
        fix="Create the archive with events.Archive(..., kms_key=<a kms.Key>) "
        "(EventBus.archive() in aws-cdk-lib 2.275 drops kms_key: use events.Archive).",
        check=_archive_encrypted,
        nist_800_53=("SC-28", "SC-12"),
    ),
    Rule(
        id="SC-EVENTS-3",
        title="EventBridge buses are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.WARNING,
        resource_types=(EVENT_BUS,),
        rationale="With a key you manage, reading events on the bus also needs kms:Decrypt "
        "on your key, and CloudTrail records its use. A warning: the bus holds events only "
        "while it delivers them, and a customer-managed key turns off schema discovery.",
        fix="Set kms_key=<a kms.Key> on events.EventBus (its key policy must allow "
        "events.amazonaws.com).",
        check=_bus_encrypted,
        nist_800_53=("SC-28", "SC-12"),
    ),
)
