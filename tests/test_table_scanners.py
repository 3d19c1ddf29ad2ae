"""SecureTable under the real external scanners: cdk-nag 3 (four packs), checkov, cfn-lint.

Three configurations: the defaults; every option (sort key, stream, TTL, indexes,
Contributor Insights, infrequent-access class); provisioned billing with auto scaling. A
plain ``dynamodb.Table`` and ``dynamodb.TableV2`` go through the same harness to show the
scanners bite, and which of them judge a ``TableV2`` at all. The harness's stack is
region-agnostic, which is also the proof that SecureTable works there.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb

from aspects.testing import check
from secure_constructs import table as table_module
from secure_constructs.table import SecureTable
from tests.scanner_harness import (
    COMPLIANCE_PACKS,
    Scanned,
    checkov_failures,
    scan,
    suppressed,
    violations,
)

pytestmark = pytest.mark.e2e

PK = dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)
TABLE = "Stack/Data/Table/Resource"
NAG_ACKS = frozenset(
    (f"{pack}-DynamoDBInBackupPlan", TABLE) for pack in ("NIST.800.53.R5", "HIPAA.Security")
)


def _build_default(stack: cdk.Stack) -> None:
    SecureTable(stack, "Data", partition_key=PK)


def _build_full(stack: cdk.Stack) -> None:
    SecureTable(
        stack,
        "Data",
        partition_key=PK,
        sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        time_to_live_attribute="expires",
        contributor_insights=True,
        table_class=dynamodb.TableClass.STANDARD_INFREQUENT_ACCESS,
        global_secondary_indexes=[
            dynamodb.GlobalSecondaryIndexProps(
                index_name="byStatus",
                partition_key=dynamodb.Attribute(name="status", type=dynamodb.AttributeType.STRING),
            )
        ],
        local_secondary_indexes=[
            dynamodb.LocalSecondaryIndexProps(
                index_name="byDate",
                sort_key=dynamodb.Attribute(name="date", type=dynamodb.AttributeType.STRING),
            )
        ],
    )


def _build_provisioned(stack: cdk.Stack) -> None:
    table = SecureTable(
        stack,
        "Data",
        partition_key=PK,
        billing_mode=dynamodb.BillingMode.PROVISIONED,
        read_capacity=5,
        write_capacity=5,
    )
    for scaling in (
        table.auto_scale_read_capacity(min_capacity=5, max_capacity=50),
        table.auto_scale_write_capacity(min_capacity=5, max_capacity=50),
    ):
        scaling.scale_on_utilization(target_utilization_percent=70)


def _build_plain(stack: cdk.Stack) -> None:
    dynamodb.Table(stack, "Plain", partition_key=PK)
    dynamodb.TableV2(stack, "PlainV2", partition_key=PK)


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("default"), _build_default)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("full"), _build_full)


@pytest.fixture(scope="module")
def provisioned(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("provisioned"), _build_provisioned)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scan(tmp_path_factory.mktemp("plain"), _build_plain)


def _nag_acks(scanned: Scanned) -> set[tuple[str, str]]:
    acks = suppressed(scanned.report)
    for s in acks:
        # Qualified id, on the one L1 resource, with a reason.
        assert s["acknowledgedId"] == f"{s['pluginName']}::{s['ruleName']}"
        assert s["acknowledgedAt"] == s["constructPath"]
        assert len(s["reason"]) > 20, s
    return {(s["ruleName"], s["constructPath"]) for s in acks}


# -- every configuration passes every scanner --------------------------------------------------


@pytest.mark.parametrize("name", ["default", "full", "provisioned"])
def test_passes_cdk_nag_with_only_the_backup_plan_acknowledged(
    name: str, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(name)
    assert scanned.synth_error is None, scanned.synth_error
    assert violations(scanned.report) == []
    assert _nag_acks(scanned) == NAG_ACKS


@pytest.mark.parametrize("name", ["default", "full", "provisioned"])
def test_passes_checkov_without_skips(name: str, request: pytest.FixtureRequest) -> None:
    scanned: Scanned = request.getfixturevalue(name)
    assert checkov_failures(scanned.checkov) == []
    assert scanned.checkov["summary"]["parsing_errors"] == 0
    assert scanned.checkov["results"]["skipped_checks"] == []
    table = f"AWS::DynamoDB::Table.{scanned.logical_id('Data/Table')}"
    passed = {(c["check_id"], c["resource"]) for c in scanned.checkov["results"]["passed_checks"]}
    # Customer-managed key, point-in-time recovery; the key rotates.
    assert {("CKV_AWS_119", table), ("CKV_AWS_28", table)} <= passed
    assert "CKV_AWS_7" in {c for c, _ in passed}


@pytest.mark.parametrize("name", ["default", "full", "provisioned"])
def test_passes_cfn_lint(name: str, request: pytest.FixtureRequest) -> None:
    scanned: Scanned = request.getfixturevalue(name)
    assert scanned.cfn_lint == [], json.dumps(scanned.cfn_lint, indent=1)


@pytest.mark.parametrize("name", ["default", "full", "provisioned"])
def test_passes_our_guardrails_without_acknowledgments(
    name: str, request: pytest.FixtureRequest
) -> None:
    scanned: Scanned = request.getfixturevalue(name)
    evaluation = check(scanned.stack)
    assert evaluation.findings == ()


# -- the scanners are not toothless ----------------------------------------------------------


def test_plain_table_fails_cdk_nag_checkov_and_our_guardrails(plain: Scanned) -> None:
    assert plain.synth_error is not None
    rules = {rule for _, rule, path in violations(plain.report) if path == "Stack/Plain/Resource"}
    assert {
        "AwsSolutions-DDB3",
        *(f"{pack}-DynamoDBPITREnabled" for pack in ("NIST.800.53.R5", "HIPAA.Security")),
        *(f"{pack}-DynamoDBInBackupPlan" for pack in ("NIST.800.53.R5", "HIPAA.Security")),
    } <= rules
    failed = {
        (c["check_id"], c["resource"].split(".")[0])
        for c in plain.checkov["results"]["failed_checks"]
    }
    assert {
        ("CKV_AWS_119", "AWS::DynamoDB::Table"),
        ("CKV_AWS_28", "AWS::DynamoDB::Table"),
        ("CKV_AWS_165", "AWS::DynamoDB::GlobalTable"),
    } <= failed
    ours = {(f.rule.id, f.construct_path) for f in check(plain.stack).findings}
    assert {
        (rule, path)
        for rule in ("SC-DDB-1", "SC-DDB-2", "SC-DDB-3")
        for path in ("Stack/Plain/Resource", "Stack/PlainV2/Resource")
    } <= ours


def test_cdk_nag_does_not_judge_a_table_v2(plain: Scanned) -> None:
    """Why SecureTable is built on dynamodb.Table: no cdk-nag pack reads a GlobalTable."""
    assert [v for v in violations(plain.report) if v[2].startswith("Stack/PlainV2/")] == []


def test_compliance_pack_names_match_the_harness() -> None:
    assert set(table_module._BACKUP_PLAN_PACKS) < set(COMPLIANCE_PACKS)
