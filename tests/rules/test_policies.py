"""SC-POLICY-1: resource policies of every service are not open to everyone.

One app for the module: stack ``Policies`` holds one construct per case (construct id =
case name); only SC-POLICY-1 findings are compared.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from aspects.model import Status
from aspects.rules.policies import RESOURCE_POLICIES

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

ORG = {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}}


def _statement(
    principal: Any, action: str, condition: dict[str, Any] | None = None
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": action,
        "Resource": "*",
    }
    if condition:
        statement["Condition"] = condition
    return statement


def _document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _build(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    switch = Switch(stack)
    parameter = cdk.CfnParameter(stack, "PolicyJson", default="{}").value_as_string

    def queue(construct_id: str) -> sqs.Queue:
        return sqs.Queue(stack, construct_id, encryption_master_key=key, enforce_ssl=True)

    # L2 call sites: the generated queue/topic/secret policies.
    queue("QueueAccount").add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.AccountPrincipal("111122223333")],
            actions=["sqs:SendMessage"],
            resources=["*"],
        )
    )
    queue("QueueOrg").add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.AnyPrincipal()],
            actions=["sqs:SendMessage"],
            resources=["*"],
            conditions=ORG,
        )
    )
    queue("QueueOpen").add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.AnyPrincipal()], actions=["sqs:SendMessage"], resources=["*"]
        )
    )
    topic = sns.Topic(stack, "TopicOpen", master_key=key, enforce_ssl=True)
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.StarPrincipal()], actions=["sns:Subscribe"], resources=["*"]
        )
    )
    secret = secretsmanager.Secret(stack, "SecretOpen", encryption_key=key)
    secret.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.AnyPrincipal()],
            actions=["secretsmanager:GetSecretValue"],
            resources=["*"],
        )
    )
    open_table = dynamodb.Table(
        stack,
        "TableOpen",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryption_key=key,
    )
    open_table.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.AnyPrincipal()], actions=["dynamodb:GetItem"], resources=["*"]
        )
    )

    # Raw L1s.
    sqs.CfnQueuePolicy(
        stack,
        "L1QueueService",
        queues=["https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"],
        policy_document=_document(
            _statement(
                {"Service": "sns.amazonaws.com"},
                "sqs:SendMessage",
                {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:t"}},
            )
        ),
    )
    sqs.CfnQueuePolicy(
        stack,
        "L1QueueDenyAll",
        queues=["https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"],
        policy_document=_document({**_statement("*", "sqs:*"), "Effect": "Deny"}),
    )
    sqs.CfnQueuePolicy(
        stack,
        "L1QueueNotPrincipal",
        queues=["https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"],
        policy_document=_document(
            {
                "Effect": "Allow",
                "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "sqs:SendMessage",
                "Resource": "*",
            }
        ),
    )
    logs.CfnResourcePolicy(
        stack,
        "L1LogsJsonOpen",
        policy_name="open",
        policy_document=json.dumps(_document(_statement({"AWS": "*"}, "logs:PutLogEvents"))),
    )
    logs.CfnResourcePolicy(
        stack,
        "L1LogsJsonService",
        policy_name="route53",
        policy_document=json.dumps(
            _document(
                _statement(
                    {"Service": "route53.amazonaws.com"},
                    "logs:PutLogEvents",
                    {"StringEquals": {"aws:SourceAccount": "111122223333"}},
                )
            )
        ),
    )
    logs.CfnResourcePolicy(stack, "L1LogsNotJson", policy_name="broken", policy_document="not json")
    dynamodb.CfnGlobalTable(
        stack,
        "L1GlobalTableReplicaOpen",
        attribute_definitions=[
            dynamodb.CfnGlobalTable.AttributeDefinitionProperty(
                attribute_name="pk", attribute_type="S"
            )
        ],
        key_schema=[
            dynamodb.CfnGlobalTable.KeySchemaProperty(attribute_name="pk", key_type="HASH")
        ],
        billing_mode="PAY_PER_REQUEST",
        replicas=[
            dynamodb.CfnGlobalTable.ReplicaSpecificationProperty(region="eu-west-1"),
            dynamodb.CfnGlobalTable.ReplicaSpecificationProperty(
                region="eu-central-1",
                resource_policy=dynamodb.CfnGlobalTable.ResourcePolicyProperty(
                    policy_document=_document(_statement("*", "dynamodb:Query"))
                ),
            ),
        ],
    )
    lambda_.CfnLayerVersionPermission(
        stack,
        "L1LayerPublic",
        action="lambda:GetLayerVersion",
        layer_version_arn="arn:aws:lambda:eu-west-1:111122223333:layer:tools:1",
        principal="*",
    )
    lambda_.CfnLayerVersionPermission(
        stack,
        "L1LayerOrg",
        action="lambda:GetLayerVersion",
        layer_version_arn="arn:aws:lambda:eu-west-1:111122223333:layer:tools:1",
        principal="*",
        organization_id="o-exampleorgid",
    )

    # CDK renders a logs.ResourcePolicy with references as a Fn::Join JSON string.
    group = logs.LogGroup(stack, "Group", encryption_key=key)
    logs.ResourcePolicy(
        stack,
        "L2LogsJoinService",
        policy_statements=[
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("delivery.logs.amazonaws.com")],
                actions=["logs:PutLogEvents"],
                resources=[group.log_group_arn],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        ],
    )
    logs.ResourcePolicy(
        stack,
        "L2LogsJoinOpen",
        policy_statements=[
            iam.PolicyStatement(
                principals=[iam.AnyPrincipal()],
                actions=["logs:PutLogEvents"],
                resources=[group.log_group_arn],
            )
        ],
    )
    logs.ResourcePolicy(
        stack,
        "L2LogsJoinParameter",
        policy_statements=[
            iam.PolicyStatement(
                principals=[iam.ArnPrincipal(parameter)],
                actions=["logs:PutLogEvents"],
                resources=[group.log_group_arn],
            )
        ],
    )

    # Escape hatches and deploy-time values.
    opened = queue("EscQueueOpened")
    opened.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.AccountPrincipal("111122223333")],
            actions=["sqs:SendMessage"],
            resources=["*"],
        )
    )
    # Statement 0 is enforce_ssl's Deny; 1 is the account's Allow, widened to everyone.
    cfn(opened.node.find_child("Policy")).add_property_override(
        "PolicyDocument.Statement.1.Principal", {"AWS": "*"}
    )
    logs.CfnResourcePolicy(
        stack, "ParamLogsDocument", policy_name="param", policy_document=parameter
    )
    sqs.CfnQueuePolicy(
        stack,
        "IfQueueOpen",
        queues=["https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"],
        policy_document=_document(
            _statement(
                switch.pick({"AWS": "arn:aws:iam::111122223333:root"}, "*"), "sqs:SendMessage"
            )
        ),
    )


@pytest.fixture(scope="module")
def policies() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Policies"))
    return check_app(app)


def mine(checked: Checked, name: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status)
        for f in findings_at(checked, f"Policies/{name}")
        if f.rule.id == "SC-POLICY-1"
    }


@pytest.mark.parametrize(
    "name",
    [
        "QueueAccount",
        "QueueOrg",
        "L1QueueService",
        "L1QueueDenyAll",
        "L1LogsJsonService",
        "L2LogsJoinService",
        "L1LayerOrg",
    ],
)
def test_policies_naming_principals_or_narrowed_have_no_finding(
    policies: Checked, name: str
) -> None:
    assert mine(policies, name) == set()


@pytest.mark.parametrize(
    "name",
    [
        "QueueOpen",
        "TopicOpen",
        "SecretOpen",
        "TableOpen",
        "L1QueueNotPrincipal",
        "L1LogsJsonOpen",
        "L1GlobalTableReplicaOpen",
        "L1LayerPublic",
        "EscQueueOpened",
        "L2LogsJoinOpen",
    ],
)
def test_policies_open_to_everyone_are_errors(policies: Checked, name: str) -> None:
    assert mine(policies, name) == {("SC-POLICY-1", NON_COMPLIANT)}


@pytest.mark.parametrize(
    "name", ["L1LogsNotJson", "ParamLogsDocument", "IfQueueOpen", "L2LogsJoinParameter"]
)
def test_policies_known_only_at_deploy_time_cannot_be_verified(
    policies: Checked, name: str
) -> None:
    assert mine(policies, name) == {("SC-POLICY-1", CANNOT_VERIFY)}


def test_findings_name_the_statement_and_the_replica(policies: Checked) -> None:
    (replica,) = [
        f
        for f in findings_at(policies, "Policies/L1GlobalTableReplicaOpen")
        if f.rule.id == "SC-POLICY-1"
    ]
    assert replica.property_path == (
        "Properties.Replicas[1].ResourcePolicy.PolicyDocument.Statement[0]"
    )
    (table,) = [
        f for f in findings_at(policies, "Policies/TableOpen") if f.rule.id == "SC-POLICY-1"
    ]
    assert table.property_path == "Properties.ResourcePolicy.PolicyDocument.Statement[0]"
    assert "allows everyone (Principal '*')" in table.message
    (layer,) = [
        f for f in findings_at(policies, "Policies/L1LayerPublic") if f.rule.id == "SC-POLICY-1"
    ]
    assert layer.property_path == "Properties.Principal"


def test_every_listed_type_is_a_cloudformation_type() -> None:
    import os

    import cfnlint

    providers = os.path.join(os.path.dirname(cfnlint.__file__), "data/schemas/providers")
    with open(os.path.join(providers, "us-east-1.json")) as handle:
        known = json.load(handle)
    assert sorted(set(RESOURCE_POLICIES) - set(known)) == []
