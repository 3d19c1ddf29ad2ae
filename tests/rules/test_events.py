"""SC-EVENTS-1..3 on event buses, bus policies and archives.

One app is synthesized for the module: stack ``Events`` holds one construct per case
(construct id = case name). Only the ``SC-EVENTS-*`` findings are compared (the keys and
roles around them are judged by their own rules).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

ACCOUNT = "111122223333"
AWS_MANAGED_ALIAS_ARN = "arn:aws:kms:eu-west-1:123456789012:alias/aws/events"


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    pattern = events.EventPattern(source=["orders"])

    def bus(construct_id: str, **overrides: Any) -> events.EventBus:
        props: dict[str, Any] = {"kms_key": key}
        props.update(overrides)
        return events.EventBus(stack, construct_id, **props)

    def allow(principal: iam.IPrincipal, **conditions: Any) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            sid="PutEvents",
            principals=[principal],
            actions=["events:PutEvents"],
            resources=["*"],
            conditions=conditions or None,
        )

    def policy(construct_id: str, **overrides: Any) -> events.CfnEventBusPolicy:
        props: dict[str, Any] = {
            "event_bus_name": "orders",
            "statement_id": construct_id,
            "statement": {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "events:PutEvents",
                "Resource": "*",
            },
        }
        props.update(overrides)
        return events.CfnEventBusPolicy(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    def archive(construct_id: str, **overrides: Any) -> events.CfnArchive:
        props: dict[str, Any] = {
            "source_arn": "arn:aws:events:eu-west-1:123456789012:event-bus/orders",
            "kms_key_identifier": key.key_arn,
            "retention_days": 90,
        }
        props.update(overrides)
        return events.CfnArchive(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    # Compliant references.
    bus("Secure").add_to_resource_policy(allow(iam.AccountPrincipal(ACCOUNT)))
    bus("SecureOrgOnly").add_to_resource_policy(
        allow(iam.AnyPrincipal(), StringEquals={"aws:PrincipalOrgID": "o-exampleorgid"})
    )
    policy("L1Secure")
    policy(
        "L1LegacyOrg",
        statement=None,
        principal="*",
        action="events:PutEvents",
        condition=events.CfnEventBusPolicy.ConditionProperty(
            type="StringEquals", key="aws:PrincipalOrgID", value="o-exampleorgid"
        ),
    )
    policy("L1LegacyAccount", statement=None, principal=ACCOUNT, action="events:PutEvents")
    events.Archive(
        stack,
        "SecureArchive",
        source_event_bus=bus("ArchivedBus"),
        event_pattern=pattern,
        kms_key=key,
    )
    archive("L1SecureArchive")
    policy("IfTwoAccounts").add_property_override(
        "Statement.Principal.AWS",
        switch.pick(f"arn:aws:iam::{ACCOUNT}:root", "arn:aws:iam::210987654321:root"),
    )

    # SC-EVENTS-1 open bus policies.
    bus("OpenBus").add_to_resource_policy(allow(iam.AnyPrincipal()))
    policy("L1Open", statement={"Effect": "Allow", "Principal": "*", "Action": "events:*"})
    policy("L1LegacyOpen", statement=None, principal="*", action="events:PutEvents")
    policy("EscOpen").add_property_override("Statement.Principal", "*")
    events.CfnEventBus(
        stack,
        "L1BusPolicyProperty",
        name="inline",
        kms_key_identifier=key.key_arn,
        policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "events:*"}],
        },
    )
    policy("ParamPrincipal", statement=None, principal=setting, action="events:PutEvents")
    policy("IfOpen").add_property_override(
        "Statement.Principal", switch.pick({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "*")
    )

    # SC-EVENTS-2 archives.
    events.Archive(
        stack, "ArchiveNoKey", source_event_bus=bus("ArchivedBus2"), event_pattern=pattern
    )
    archive("L1ArchiveNoKey", kms_key_identifier=None)
    archive("ArchiveAwsManagedKey", kms_key_identifier=AWS_MANAGED_ALIAS_ARN)
    archive("EscArchiveNoKey").add_property_deletion_override("KmsKeyIdentifier")
    archive("ParamArchiveKey", kms_key_identifier=setting)
    archive("IfArchiveKey").add_property_override(
        "KmsKeyIdentifier", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )

    # SC-EVENTS-3 bus keys.
    bus("BusNoKey", kms_key=None)
    events.CfnEventBus(stack, "L1BusNoKey", name="plain")
    cfn(bus("EscBusNoKey")).add_property_deletion_override("KmsKeyIdentifier")
    cfn(bus("ParamBusKey")).add_property_override("KmsKeyIdentifier", setting)
    cfn(bus("IfBusKey")).add_property_override(
        "KmsKeyIdentifier", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Events"))
    return check_app(app)


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status)
        for f in findings_at(ev, f"Events/{name}")
        if f.rule.id.startswith("SC-EVENTS-")
    }


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "SecureOrgOnly",
        "L1Secure",
        "L1LegacyOrg",
        "L1LegacyAccount",
        "SecureArchive",
        "L1SecureArchive",
        "IfTwoAccounts",
    ],
)
def test_hardened_buses_policies_and_archives_have_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


# -- SC-EVENTS-1 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["OpenBus", "L1Open", "L1LegacyOpen", "EscOpen", "L1BusPolicyProperty"]
)
def test_bus_policy_open_to_everyone_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EVENTS-1", NON_COMPLIANT)}


def test_open_statement_names_the_property(ev: Checked) -> None:
    (finding,) = [f for f in findings_at(ev, "Events/L1LegacyOpen") if f.rule.id == "SC-EVENTS-1"]
    assert finding.property_path == "Properties.Principal"
    assert "events:PutEvents" in finding.message


@pytest.mark.parametrize("name", ["ParamPrincipal", "IfOpen"])
def test_principal_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EVENTS-1", CANNOT_VERIFY)}


# -- SC-EVENTS-2 ---------------------------------------------------------------------------


def test_archive_without_key_is_flagged(ev: Checked) -> None:
    # events.Archive without kms_key writes KmsKeyIdentifier "" (no key at all).
    resources = ev.templates["Events"]["Resources"]
    (archive,) = (v for k, v in resources.items() if k.startswith("ArchiveNoKey"))
    assert archive["Properties"]["KmsKeyIdentifier"] == ""
    assert mine(ev, "ArchiveNoKey") == {("SC-EVENTS-2", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["L1ArchiveNoKey", "ArchiveAwsManagedKey", "EscArchiveNoKey"])
def test_archive_without_customer_key_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EVENTS-2", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamArchiveKey", "IfArchiveKey"])
def test_archive_key_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EVENTS-2", CANNOT_VERIFY)}


# -- SC-EVENTS-3 ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["BusNoKey", "L1BusNoKey", "EscBusNoKey"])
def test_bus_without_customer_key_is_a_warning(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EVENTS-3", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamBusKey", "IfBusKey"])
def test_bus_key_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EVENTS-3", CANNOT_VERIFY)}
