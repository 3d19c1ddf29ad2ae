"""SecureTable: each secure default, each weakening, each bad input, the call sites, snapshots."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from syrupy.assertion import SnapshotAssertion

from aspects import Severity
from aspects.testing import check
from secure_constructs import SecureConstructsError, SecureFunction
from secure_constructs.table import (
    WARN_TABLE_DELETION_PROTECTION_DISABLED,
    WARN_TABLE_DESTROY_ON_REMOVAL,
    SecureTable,
)
from tests.conftest import normalise

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
PK = dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)
SK = dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING)
CODE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
SNAPSHOTTED = ("Default", "Full", "BringYourOwnKey", "Provisioned", "Unprotected", "Destroy")

READ_ACTIONS = {
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:GetItem",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
}
WRITE_ACTIONS = {
    "dynamodb:BatchWriteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
}
DECRYPT = {"kms:Decrypt", "kms:DescribeKey"}
ENCRYPT_DECRYPT = DECRYPT | {"kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"}


def _function(scope: cdk.Stack, construct_id: str) -> SecureFunction:
    return SecureFunction(
        scope, construct_id, code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_14
    )


class Built:
    """One app, one stack per configuration, synthesized once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App()
        self.stacks: dict[str, cdk.Stack] = {}

        self.table = SecureTable(self._stack("Default"), "Data", partition_key=PK)

        self.full = SecureTable(
            self._stack("Full"),
            "Data",
            partition_key=PK,
            sort_key=SK,
            table_name="orders",
            table_class=dynamodb.TableClass.STANDARD_INFREQUENT_ACCESS,
            time_to_live_attribute="expires",
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            global_secondary_indexes=[
                dynamodb.GlobalSecondaryIndexProps(
                    index_name="byStatus",
                    partition_key=dynamodb.Attribute(
                        name="status", type=dynamodb.AttributeType.STRING
                    ),
                    projection_type=dynamodb.ProjectionType.KEYS_ONLY,
                )
            ],
            local_secondary_indexes=[
                dynamodb.LocalSecondaryIndexProps(
                    index_name="byDate",
                    sort_key=dynamodb.Attribute(name="date", type=dynamodb.AttributeType.STRING),
                )
            ],
            contributor_insights=True,
            point_in_time_recovery_days=14,
        )

        own = self._stack("BringYourOwnKey")
        self.own_key = kms.Key(own, "SharedKey", enable_key_rotation=True)
        self.own = SecureTable(own, "Data", partition_key=PK, encryption_key=self.own_key)

        self.provisioned = SecureTable(
            self._stack("Provisioned"),
            "Data",
            partition_key=PK,
            billing_mode=dynamodb.BillingMode.PROVISIONED,
            read_capacity=5,
            write_capacity=2,
        )
        # The rest of dynamodb.Table's API, reached on the construct (DropIn).
        self.provisioned.auto_scale_read_capacity(
            min_capacity=5, max_capacity=50
        ).scale_on_utilization(target_utilization_percent=70)

        SecureTable(self._stack("Unprotected"), "Data", partition_key=PK, deletion_protection=False)
        SecureTable(
            self._stack("Destroy"),
            "Data",
            partition_key=PK,
            deletion_protection=False,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self._escape_hatches(self._stack("EscapeHatch"))
        self._call_sites(self._stack("CallSites"))

        self.templates = {
            name: assertions.Template.from_stack(stack) for name, stack in self.stacks.items()
        }
        self.evaluation = check(self.app)

    def _stack(self, name: str) -> cdk.Stack:
        self.stacks[name] = cdk.Stack(self.app, name, env=ENV)
        return self.stacks[name]

    @staticmethod
    def _escape_hatches(stack: cdk.Stack) -> None:
        """Each hardened default undone on the L1 after the construct built it."""
        for construct_id, undo in (
            ("Unprotected", ("DeletionProtectionEnabled", False)),
            ("NoRecovery", ("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", False)),
            ("AwsOwnedKey", ("SSESpecification.SSEEnabled", False)),
            # Still above the 7-day minimum, but below the 35 days the construct set.
            ("ShortRecovery", ("PointInTimeRecoverySpecification.RecoveryPeriodInDays", 8)),
        ):
            table = SecureTable(stack, construct_id, partition_key=PK)
            table._cfn_table().add_property_override(*undo)

    def _call_sites(self, stack: cdk.Stack) -> None:
        """The plain table's typical call sites, with the construct passed directly."""
        self.orders = SecureTable(
            stack,
            "Orders",
            partition_key=PK,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            global_secondary_indexes=[
                dynamodb.GlobalSecondaryIndexProps(
                    index_name="byStatus",
                    partition_key=dynamodb.Attribute(
                        name="status", type=dynamodb.AttributeType.STRING
                    ),
                )
            ],
        )
        self.reader = _function(stack, "Reader")
        self.writer = _function(stack, "Writer")
        self.consumer = _function(stack, "Consumer")
        self.orders.grant_read_data(self.reader)
        self.orders.grant_read_write_data(self.writer)
        self.consumer.add_event_source(
            event_sources.DynamoEventSource(
                self.orders,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=10,
                retry_attempts=3,
                on_failure=event_sources.SqsDlq(self.consumer.dead_letter_queue),
            )
        )
        self.plain_role = iam.Role(
            stack, "PlainRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
        )
        self.orders.grant_write_data(self.plain_role)
        self.orders.grant_stream_read(self.plain_role)
        self.metric = self.orders.metric_consumed_read_capacity_units()
        self.backup_resource = backup.BackupResource.from_dynamo_db_table(self.orders)
        cdk.CfnOutput(stack, "TableName", value=self.orders.table_name)
        cdk.CfnOutput(stack, "TableArn", value=self.orders.table_arn)
        cdk.CfnOutput(stack, "StreamArn", value=self.orders.table_stream_arn or "")

    def template(self, stack: str) -> dict[str, Any]:
        return dict(self.templates[stack].to_json())

    def resources(self, stack: str, resource_type: str) -> dict[str, Any]:
        return dict(self.templates[stack].find_resources(resource_type))

    def table_of(self, stack: str, name_part: str = "DataTable") -> tuple[str, dict[str, Any]]:
        ((logical_id, table),) = [
            (lid, r)
            for lid, r in self.resources(stack, "AWS::DynamoDB::Table").items()
            if name_part in lid
        ]
        return logical_id, table

    def findings(self, stack: str) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack
        }


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _statements(built: Built, stack: str, policy_part: str) -> list[dict[str, Any]]:
    (policy,) = [
        p
        for lid, p in {
            **built.resources(stack, "AWS::IAM::ManagedPolicy"),
            **built.resources(stack, "AWS::IAM::Policy"),
        }.items()
        if policy_part in lid
    ]
    return list(policy["Properties"]["PolicyDocument"]["Statement"])


def _actions_on(statements: list[dict[str, Any]], resource: Any) -> set[str]:
    """Every action the statements allow on *resource* (alone or in a list)."""
    found: set[str] = set()
    for statement in statements:
        resources = statement["Resource"]
        if resource == resources or (isinstance(resources, list) and resource in resources):
            actions = statement["Action"]
            found |= {actions} if isinstance(actions, str) else set(actions)
    return found


def _key_arn(built: Built, stack: str, name_part: str) -> dict[str, Any]:
    (key_id,) = [k for k in built.resources(stack, "AWS::KMS::Key") if name_part in k]
    return {"Fn::GetAtt": [key_id, "Arn"]}


# -- the defaults ----------------------------------------------------------------------------


def test_default_table_passes_every_guardrail_without_acknowledgments(built: Built) -> None:
    assert built.findings("Default") == set()
    assert built.templates["Default"].find_resources("AWS::DynamoDB::GlobalTable") == {}


def test_default_table_is_encrypted_with_its_own_rotated_retained_key(built: Built) -> None:
    ((key_id, key),) = built.resources("Default", "AWS::KMS::Key").items()
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"
    _, table = built.table_of("Default")
    assert table["Properties"]["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]},
    }


def test_default_table_has_35_days_of_point_in_time_recovery(built: Built) -> None:
    _, table = built.table_of("Default")
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True,
        "RecoveryPeriodInDays": 35,
    }


def test_default_table_is_protected_retained_and_on_demand(built: Built) -> None:
    _, table = built.table_of("Default")
    props = table["Properties"]
    assert props["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in props
    assert props["TableClass"] == "STANDARD"
    for optional in ("StreamSpecification", "TimeToLiveSpecification", "TableName"):
        assert optional not in props
    assert "ContributorInsightsSpecification" not in props


def test_deletion_protection_is_enforced_on_the_table(built: Built) -> None:
    _, table = built.table_of("Default")
    assert table["Metadata"]["SecureConstructs::Guarantees"] == {
        "enforce": ["SC-DDB-3"],
        "recoveryPeriodDays": 35,
    }


def test_construct_exposes_what_it_creates(built: Built) -> None:
    assert isinstance(built.table.table, dynamodb.Table)
    assert isinstance(built.table.encryption_key, kms.Key)
    assert built.table.stream is None
    assert built.table.table_stream_arn is None
    assert [c.node.id for c in built.table.node.children] == ["Key", "Table"]


@pytest.mark.parametrize("stack", SNAPSHOTTED)
def test_template_snapshot(built: Built, stack: str, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.template(stack)) == snapshot_json


# -- every option -------------------------------------------------------------------------------


def test_full_configuration_sets_every_option_and_stays_clean(built: Built) -> None:
    assert built.findings("Full") == set()
    _, table = built.table_of("Full")
    props = table["Properties"]
    assert props["TableName"] == "orders"
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert props["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert props["ContributorInsightsSpecification"] == {"Enabled": True}
    assert props["PointInTimeRecoverySpecification"]["RecoveryPeriodInDays"] == 14
    (gsi,) = props["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == "byStatus"
    assert gsi["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    (lsi,) = props["LocalSecondaryIndexes"]
    assert lsi["IndexName"] == "byDate"
    assert lsi["KeySchema"][1] == {"AttributeName": "date", "KeyType": "RANGE"}


def test_given_key_is_used_and_no_key_is_created(built: Built) -> None:
    assert built.own.encryption_key is built.own_key
    assert [c.node.id for c in built.own.node.children] == ["Table"]
    _, table = built.table_of("BringYourOwnKey")
    assert table["Properties"]["SSESpecification"]["KMSMasterKeyId"] == _key_arn(
        built, "BringYourOwnKey", "SharedKey"
    )
    assert built.findings("BringYourOwnKey") == set()


def test_provisioned_table_gets_its_capacity_and_auto_scaling(built: Built) -> None:
    _, table = built.table_of("Provisioned")
    assert "BillingMode" not in table["Properties"]  # CloudFormation's default: PROVISIONED
    assert table["Properties"]["ProvisionedThroughput"] == {
        "ReadCapacityUnits": 5,
        "WriteCapacityUnits": 2,
    }
    (target,) = built.resources(
        "Provisioned", "AWS::ApplicationAutoScaling::ScalableTarget"
    ).values()
    assert target["Properties"]["ScalableDimension"] == "dynamodb:table:ReadCapacityUnits"
    assert built.findings("Provisioned") == set()


# -- weakening is explicit, warned about, and still reported -----------------------------------


def _warnings(stack: cdk.Stack) -> set[str]:
    annotations = assertions.Annotations.from_stack(stack)
    return {
        json.dumps(w.entry.data)
        for w in annotations.find_warning("*", assertions.Match.any_value())
    }


def test_no_deletion_protection_warns_and_the_guardrail_reports_it(built: Built) -> None:
    assert any(
        WARN_TABLE_DELETION_PROTECTION_DISABLED in w for w in _warnings(built.stacks["Unprotected"])
    )
    assert built.findings("Unprotected") == {("SC-DDB-3", "Unprotected/Data/Table/Resource")}
    (finding,) = [f for f in built.evaluation.findings if f.stack_path == "Unprotected"]
    assert finding.severity is Severity.WARNING  # asked for by name: not enforced
    _, table = built.table_of("Unprotected")
    assert table["Metadata"]["SecureConstructs::Guarantees"] == {"recoveryPeriodDays": 35}


def test_destroy_warns_and_the_guardrails_report_table_and_key(built: Built) -> None:
    warnings = _warnings(built.stacks["Destroy"])
    assert any(WARN_TABLE_DESTROY_ON_REMOVAL in w for w in warnings)
    assert any(WARN_TABLE_DELETION_PROTECTION_DISABLED in w for w in warnings)
    assert built.findings("Destroy") == {
        ("SC-DDB-3", "Destroy/Data/Table/Resource"),
        ("SC-DDB-4", "Destroy/Data/Table/Resource"),
        ("SC-KMS-3", "Destroy/Data/Key/Resource"),
    }


def test_default_table_emits_no_warning(built: Built) -> None:
    assert _warnings(built.stacks["Default"]) == set()


def test_escape_hatches_that_undo_a_default_are_errors(built: Built) -> None:
    assert built.findings("EscapeHatch") == {
        ("SC-DDB-3", "EscapeHatch/Unprotected/Table/Resource"),
        ("SC-DDB-2", "EscapeHatch/NoRecovery/Table/Resource"),
        ("SC-DDB-1", "EscapeHatch/AwsOwnedKey/Table/Resource"),
        ("SC-DDB-2", "EscapeHatch/ShortRecovery/Table/Resource"),
    }
    (short,) = [
        f
        for f in built.evaluation.findings
        if f.construct_path == "EscapeHatch/ShortRecovery/Table/Resource"
    ]
    assert short.message.startswith(
        "PointInTimeRecoverySpecification.RecoveryPeriodInDays is 8: the construct set 35 days"
    )
    severities = {
        f.rule.id: f.severity for f in built.evaluation.findings if f.stack_path == "EscapeHatch"
    }
    # SC-DDB-3 is a warning rule, enforced on the construct's table.
    assert severities == {
        "SC-DDB-1": Severity.ERROR,
        "SC-DDB-2": Severity.ERROR,
        "SC-DDB-3": Severity.ERROR,
    }


# -- the plain table's call sites, with the construct passed directly -------------------------


def test_call_sites_stay_clean(built: Built) -> None:
    assert built.findings("CallSites") == set()


def test_grant_read_data_includes_decrypting_with_the_key(built: Built) -> None:
    statements = _statements(built, "CallSites", "ReaderRolePolicy")
    table_id, _ = built.table_of("CallSites", "OrdersTable")
    assert _actions_on(statements, _key_arn(built, "CallSites", "OrdersKey")) == DECRYPT
    table_actions = _actions_on(statements, {"Fn::GetAtt": [table_id, "Arn"]})
    assert table_actions >= READ_ACTIONS
    assert not WRITE_ACTIONS & table_actions
    # The indexes are covered too.
    index_arn = {"Fn::Join": ["", [{"Fn::GetAtt": [table_id, "Arn"]}, "/index/*"]]}
    assert _actions_on(statements, index_arn) >= READ_ACTIONS


def test_grant_read_write_data_includes_encrypting_with_the_key(built: Built) -> None:
    statements = _statements(built, "CallSites", "WriterRolePolicy")
    table_id, _ = built.table_of("CallSites", "OrdersTable")
    assert _actions_on(statements, _key_arn(built, "CallSites", "OrdersKey")) == ENCRYPT_DECRYPT
    assert (
        _actions_on(statements, {"Fn::GetAtt": [table_id, "Arn"]}) >= READ_ACTIONS | WRITE_ACTIONS
    )


def test_dynamo_event_source_reads_the_stream_and_decrypts_it(built: Built) -> None:
    table_id, _ = built.table_of("CallSites", "OrdersTable")
    stream_arn = {"Fn::GetAtt": [table_id, "StreamArn"]}
    (mapping,) = built.resources("CallSites", "AWS::Lambda::EventSourceMapping").values()
    assert mapping["Properties"]["EventSourceArn"] == stream_arn
    assert mapping["Properties"]["StartingPosition"] == "TRIM_HORIZON"
    statements = _statements(built, "CallSites", "ConsumerRolePolicy")
    assert {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"} <= (
        _actions_on(statements, stream_arn)
    )
    assert _actions_on(statements, _key_arn(built, "CallSites", "OrdersKey")) == DECRYPT


def test_grants_to_a_plain_role_include_the_key(built: Built) -> None:
    statements = _statements(built, "CallSites", "PlainRoleDefaultPolicy")
    table_id, _ = built.table_of("CallSites", "OrdersTable")
    assert _actions_on(statements, {"Fn::GetAtt": [table_id, "Arn"]}) >= WRITE_ACTIONS
    assert {"dynamodb:GetRecords"} <= _actions_on(
        statements, {"Fn::GetAtt": [table_id, "StreamArn"]}
    )
    key_actions = _actions_on(statements, _key_arn(built, "CallSites", "OrdersKey"))
    assert {"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"} <= key_actions


def test_metrics_names_and_arns_point_at_the_table(built: Built) -> None:
    stack = built.stacks["CallSites"]
    table_id, _ = built.table_of("CallSites", "OrdersTable")
    assert built.metric.metric_name == "ConsumedReadCapacityUnits"
    assert built.metric.namespace == "AWS/DynamoDB"
    assert stack.resolve(built.metric.dimensions) == {"TableName": {"Ref": table_id}}
    outputs = built.template("CallSites")["Outputs"]
    assert outputs["TableName"]["Value"] == {"Ref": table_id}
    assert outputs["TableArn"]["Value"] == {"Fn::GetAtt": [table_id, "Arn"]}
    assert outputs["StreamArn"]["Value"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
    assert isinstance(built.backup_resource, backup.BackupResource)


def test_encryption_key_is_the_construct_s_own(built: Built) -> None:
    assert built.orders.encryption_key is built.orders.table.encryption_key


# -- bad input: one clear Python error naming the property and the fix ------------------------


def _build(**kwargs: Any) -> SecureTable:
    kwargs.setdefault("partition_key", PK)
    return SecureTable(cdk.Stack(cdk.App(), "S"), "Data", **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"partition_key": {"name": "pk"}}, r"SC-TABLE-1\] partition_key: .*dynamodb.Attribute"),
        ({"partition_key": None}, r"SC-TABLE-1\] partition_key: is required"),
        ({"sort_key": "sk"}, r"SC-TABLE-1\] sort_key: 'sk'"),
        ({"encryption_key": "arn:aws:kms:..."}, r"SC-TABLE-1\] encryption_key"),
        ({"billing_mode": "PROVISIONED"}, r"SC-TABLE-1\] billing_mode: .*BillingMode"),
        ({"stream": "NEW_IMAGE"}, r"SC-TABLE-1\] stream"),
        ({"deletion_protection": 0}, r"SC-TABLE-1\] deletion_protection"),
        ({"point_in_time_recovery_days": "35"}, r"SC-TABLE-1\] point_in_time_recovery_days"),
        ({"global_secondary_indexes": [{"index_name": "x"}]}, r"SC-TABLE-1\] global_secondary_"),
        ({"table_name": "a"}, r"SC-TABLE-2\] table_name: 'a'"),
        ({"table_name": "my table"}, r"SC-TABLE-2\] table_name"),
        ({"point_in_time_recovery_days": 3}, r"SC-TABLE-3\] .*shorter than the 7 days"),
        ({"point_in_time_recovery_days": 36}, r"SC-TABLE-3\] .*outside DynamoDB's 1 to 35"),
        ({"removal_policy": cdk.RemovalPolicy.SNAPSHOT}, r"SC-TABLE-4\] removal_policy"),
        (
            {"removal_policy": cdk.RemovalPolicy.DESTROY},
            r"SC-TABLE-5\] removal_policy: .*deletion_protection=False",
        ),
        (
            {
                "local_secondary_indexes": [
                    dynamodb.LocalSecondaryIndexProps(index_name="byDate", sort_key=SK)
                ]
            },
            r"SC-TABLE-6\] local_secondary_indexes: .*sort key",
        ),
        (
            {
                "global_secondary_indexes": [
                    dynamodb.GlobalSecondaryIndexProps(index_name="byStatus", partition_key=SK)
                    for _ in range(2)
                ]
            },
            r"SC-TABLE-6\] global_secondary_indexes: two indexes are named 'byStatus'",
        ),
        (
            {
                "global_secondary_indexes": [
                    dynamodb.GlobalSecondaryIndexProps(index_name=f"index{i}", partition_key=SK)
                    for i in range(21)
                ]
            },
            r"SC-TABLE-6\] global_secondary_indexes: 21 indexes",
        ),
        (
            {"time_to_live_attribute": "x" * 256},
            r"SC-TABLE-7\] time_to_live_attribute",
        ),
        ({"read_capacity": 5}, r"SC-TABLE-9\] read_capacity: .*PAY_PER_REQUEST"),
        (
            {"billing_mode": dynamodb.BillingMode.PROVISIONED, "write_capacity": 0},
            r"SC-TABLE-9\] write_capacity: 0 units",
        ),
    ],
)
def test_bad_input_is_rejected_naming_the_property(kwargs: dict[str, Any], pattern: str) -> None:
    with pytest.raises(SecureConstructsError, match=pattern):
        _build(**kwargs)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(
            table_name="x",
            point_in_time_recovery_days=0,
            removal_policy=cdk.RemovalPolicy.SNAPSHOT,
            read_capacity=1,
        )
    assert raised.value.codes == ("SC-TABLE-2", "SC-TABLE-3", "SC-TABLE-9", "SC-TABLE-4")
    assert "S/Data" in str(raised.value)


def test_a_bad_grantee_is_rejected_before_jsii() -> None:
    table = _build()
    with pytest.raises(SecureConstructsError, match=r"grant_read_data:\n.*SC-TABLE-8\] grantee"):
        table.grant_read_data("arn:aws:iam::111111111111:role/app")  # type: ignore[arg-type]


def test_a_resource_policy_statement_must_be_a_policy_statement() -> None:
    table = _build()
    with pytest.raises(SecureConstructsError, match=r"SC-TABLE-8\] statement: \{"):
        table.add_to_resource_policy({"Effect": "Allow"})  # type: ignore[arg-type]


def test_stream_grants_need_a_stream() -> None:
    table = _build()
    role = iam.Role(cdk.Stack.of(table), "R", assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(SecureConstructsError, match=r"SC-TABLE-8\] stream: grant_stream_read"):
        table.grant_stream_read(role)
