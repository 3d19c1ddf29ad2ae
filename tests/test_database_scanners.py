"""SecureDatabase under the real external scanners: cdk-nag 3 (four packs), checkov, cfn-lint.

One synthesis per engine; checkov and cfn-lint run once per template, side by side, offline.
The VPC around the database is test scaffolding: findings on it are listed, not judged here.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest

from aspects.testing import check
from secure_constructs.database import DatabaseEngine, SecureDatabase
from tests.scanner_harness import (
    COMPLIANCE_PACKS,
    Scanned,
    checkov_failures,
    scan,
    suppressed,
    violations,
)
from tests.test_database import isolated_vpc

pytestmark = pytest.mark.e2e

DB = "Stack/Db/"
MONITORING_POLICY = "Stack/Db/MonitoringRole/Policy/Resource"
MONITORING_STREAMS = (
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:"
    "<AWS::AccountId>:log-group:RDSOSMetrics:log-stream:*]"
)
BACKUP_PLAN_PACKS = tuple(p for p in COMPLIANCE_PACKS if p != "PCI.DSS.321")
INSTANCES = {
    "aurora_postgresql": ("Stack/Db/Cluster/Writer/Resource", "Stack/Db/Cluster/Reader/Resource"),
    "aurora_mysql": ("Stack/Db/Cluster/Writer/Resource", "Stack/Db/Cluster/Reader/Resource"),
    "postgres": ("Stack/Db/Instance/Resource",),
}


def expected_acks(engine: str) -> frozenset[tuple[str, str]]:
    """What SecureDatabase acknowledges on purpose, and nothing else: (rule, path)."""
    return frozenset(
        {(MONITORING_STREAMS, MONITORING_POLICY)}
        | {
            (f"{pack}-RDSInBackupPlan", path)
            for pack in BACKUP_PLAN_PACKS
            for path in INSTANCES[engine]
        }
    )


@pytest.fixture(scope="module", params=sorted(INSTANCES))
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def scanned(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    def build(stack: cdk.Stack) -> None:
        SecureDatabase(
            stack, "Db", vpc=isolated_vpc(stack), engine=getattr(DatabaseEngine, engine)()
        )

    return scan(tmp_path_factory.mktemp(engine), build)


def test_cdk_nag_finds_nothing_on_the_database(scanned: Scanned) -> None:
    found = violations(scanned.report)
    assert [v for v in found if v[2].startswith(DB)] == []
    # Only the VPC scaffolding of this test has findings (its flow-log role's inline
    # policy and its default security group), none of which SecureDatabase creates.
    assert {path.split("/")[1] for _, _, path in found} <= {"Vpc"}


def test_cdk_nag_acknowledgments_are_exactly_the_inherent_ones(
    scanned: Scanned, engine: str
) -> None:
    acks = suppressed(scanned.report)
    assert {(s["ruleName"], s["constructPath"]) for s in acks} == expected_acks(engine)
    for s in acks:
        # Qualified id, recorded on the one L1 resource (never the stack), with a reason.
        assert s["acknowledgedId"] == f"{s['pluginName']}::{s['ruleName']}"
        assert s["acknowledgedAt"] == s["constructPath"]
        assert len(s["reason"]) > 80, s


def test_checkov_passes_every_check_without_skips(scanned: Scanned, engine: str) -> None:
    assert checkov_failures(scanned.checkov) == []
    assert scanned.checkov["results"]["skipped_checks"] == []
    summary = scanned.checkov["summary"]
    assert summary["parsing_errors"] == 0
    assert summary["resource_count"] == len(scanned.template["Resources"])
    passed = {c["check_id"] for c in scanned.checkov["results"]["passed_checks"]}
    # Encryption at rest, private, enhanced monitoring, IAM auth, secret on a CMK.
    expected = {"CKV_AWS_118", "CKV_AWS_149", "CKV_AWS_158", "CKV_AWS_66", "CKV_AWS_7"}
    if engine == "postgres":
        expected |= {"CKV_AWS_16", "CKV_AWS_17", "CKV_AWS_157", "CKV_AWS_161", "CKV2_AWS_69"}
    else:
        expected |= {"CKV_AWS_96", "CKV_AWS_162"}
    assert expected <= passed, expected - passed


def test_cfn_lint_is_clean(scanned: Scanned) -> None:
    assert scanned.cfn_lint == [], json.dumps(scanned.cfn_lint, indent=1)


def test_our_guardrails_pass_without_acknowledgments(scanned: Scanned) -> None:
    evaluation = check(scanned.stack)
    assert not evaluation.findings, [(f.rule.id, f.logical_id) for f in evaluation.findings]
    assert evaluation.stacks == ("Stack",)
    metadata = scanned.template_path.with_name("Stack.metadata.json").read_text()
    assert "aws:cdk:acknowledged-rules" in metadata  # the cdk-nag ones are recorded here
    assert "SecureConstructs::" not in metadata  # and none of ours
