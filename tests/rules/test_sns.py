"""SC-SNS-1..3 on topics built from L2s, raw L1s, escape hatches and tokens.

One app is synthesized for the module: stack ``Sns`` holds one topic per case (construct id
= case name), stack ``SnsKeys`` a key that ``Sns`` uses through a cross-stack reference.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns

from aspects import Severity

from ._helpers import (
    CANNOT_VERIFY,
    NON_COMPLIANT,
    Checked,
    Switch,
    cfn,
    check_app,
    findings_at,
    ids,
    outcomes,
)

AWS_MANAGED_ALIAS = "alias/aws/sns"
NO_TLS_STMT = "PolicyDocument.Statement.0"  # the enforce_ssl statement of an L2 topic policy


def deny_plain_http(topic_arn: Any, action: Any = "sns:Publish") -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": topic_arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def topic_policy(topic: sns.Topic) -> cdk.CfnResource:
    """The L1 policy that ``enforce_ssl`` created."""
    return cfn(topic.node.find_child("Policy"))


def _build(stack: cdk.Stack, foreign_key: kms.IKey) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def topic(construct_id: str, **overrides: Any) -> sns.Topic:
        props: dict[str, Any] = {"master_key": key, "enforce_ssl": True}
        props.update(overrides)
        return sns.Topic(stack, construct_id, **props)

    def l1(construct_id: str, *, statement: Any = None, **overrides: Any) -> sns.CfnTopic:
        props: dict[str, Any] = {"kms_master_key_id": key.key_arn}
        props.update(overrides)
        resource = sns.CfnTopic(stack, construct_id, **props)
        if statement is not False:
            sns.CfnTopicPolicy(
                stack,
                f"{construct_id}Policy",
                topics=[resource.ref],
                policy_document={
                    "Version": "2012-10-17",
                    "Statement": [statement or deny_plain_http(resource.ref)],
                },
            )
        return resource

    def policy(construct_id: str) -> cdk.CfnResource:
        return topic_policy(topic(construct_id))

    # Compliant references.
    topic("Secure")
    secure_l1 = l1("L1Secure")
    l1("L1DeniesEverything", statement=deny_plain_http("*", action="sns:*"))
    named = l1("L1NamedTopic", topic_name="alarms", statement=False)
    sns.CfnTopicPolicy(
        stack,
        "L1NamedTopicPolicy",
        topics=[named.ref],
        policy_document={
            "Version": "2012-10-17",
            "Statement": [
                deny_plain_http(
                    cdk.Fn.sub("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:alarms")
                )
            ],
        },
    )
    inline = l1("InlinePolicyTopic", statement=False)
    sns.CfnTopicInlinePolicy(
        stack,
        "InlinePolicyTopicPolicy",
        topic_arn=inline.ref,
        policy_document={"Version": "2012-10-17", "Statement": [deny_plain_http(inline.ref)]},
    )
    topic("ForeignKey", master_key=foreign_key)

    # SC-SNS-1 encryption.
    topic("Unencrypted", master_key=None)
    topic("AwsManagedKey", master_key=kms.Alias.from_alias_name(stack, "Aws", AWS_MANAGED_ALIAS))
    l1("L1AwsManagedKey", kms_master_key_id=AWS_MANAGED_ALIAS)
    cfn(topic("EscNoKey")).add_property_deletion_override("KmsMasterKeyId")
    cfn(topic("ParamKey")).add_property_override("KmsMasterKeyId", setting)
    cfn(topic("IfKey")).add_property_override(
        "KmsMasterKeyId", switch.pick(key.key_arn, cdk.Aws.NO_VALUE)
    )
    cfn(topic("IfTwoKeys")).add_property_override(
        "KmsMasterKeyId", switch.pick(key.key_arn, other_key.key_arn)
    )

    # SC-SNS-2 (unencrypted) and SC-SNS-3 (encrypted) TLS-only publishing.
    topic("UnencryptedHttp", master_key=None, enforce_ssl=False)
    l1("L1UnencryptedHttp", kms_master_key_id=None, statement=False)
    topic("EncryptedHttp", enforce_ssl=False)
    l1("L1DeniesSubscribeOnly", statement={**deny_plain_http("*", action="sns:Subscribe")})
    policy("EscTlsAction").add_property_override(f"{NO_TLS_STMT}.Action", "sns:Subscribe")
    policy("ParamSecureTransport").add_property_override(
        f"{NO_TLS_STMT}.Condition.Bool.aws:SecureTransport", setting
    )
    policy("IfSecureTransport").add_property_override(
        f"{NO_TLS_STMT}.Condition.Bool.aws:SecureTransport", switch.pick("false", "true")
    )
    policy("IfActionBoth").add_property_override(
        f"{NO_TLS_STMT}.Action", switch.pick("sns:Publish", "sns:*")
    )
    policy("ConditionalPolicy").cfn_options.condition = switch.condition
    detached = topic("IfDetached")
    topic_policy(detached).add_property_override(
        "Topics", switch.pick([detached.topic_arn], [secure_l1.ref])
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    keys = cdk.Stack(app, "SnsKeys")
    _build(cdk.Stack(app, "Sns"), kms.Key(keys, "SharedKey", enable_key_rotation=True))
    return check_app(app)


def at(name: str) -> str:
    return f"Sns/{name}"


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "L1Secure",
        "L1DeniesEverything",
        "L1NamedTopic",
        "InlinePolicyTopic",
        "ForeignKey",
    ],
)
def test_hardened_topic_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


# -- SC-SNS-1 encryption -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["Unencrypted", "AwsManagedKey", "L1AwsManagedKey"])
def test_topic_without_customer_managed_key_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-SNS-1"}


def test_key_removed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscNoKey")) == {("SC-SNS-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamKey", "IfKey"])
def test_key_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SNS-1", CANNOT_VERIFY)}


def test_two_keys_of_the_app_are_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfTwoKeys")) == set()


# -- SC-SNS-2 / SC-SNS-3 TLS-only publishing -----------------------------------------------


@pytest.mark.parametrize("name", ["UnencryptedHttp", "L1UnencryptedHttp"])
def test_unencrypted_topic_without_tls_denial_is_an_error(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-SNS-1", "SC-SNS-2"}


def test_encrypted_topic_without_tls_denial_is_a_warning(ev: Checked) -> None:
    (finding,) = findings_at(ev, at("EncryptedHttp"))
    assert finding.rule.id == "SC-SNS-3"
    assert finding.rule.severity is Severity.WARNING
    assert not finding.blocks_synthesis


def test_denial_that_misses_publish_is_not_enough(ev: Checked) -> None:
    assert ids(ev, at("L1DeniesSubscribeOnly")) == {"SC-SNS-3"}


def test_tls_denial_narrowed_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscTlsAction")) == {("SC-SNS-3", NON_COMPLIANT)}


@pytest.mark.parametrize(
    "name", ["ParamSecureTransport", "IfSecureTransport", "ConditionalPolicy", "IfDetached"]
)
def test_tls_denial_from_parameter_or_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-SNS-3", CANNOT_VERIFY)}


def test_tls_denial_covering_publish_in_both_branches_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfActionBoth")) == set()
