"""The sample app, synthesized once as `cdk synth` builds it (cdk.json's context).

Guardrails and CDK's own CloudFormation validation clean, the wiring and grants exact, the
public API only, and the generated parts of docs/sample-app.md (architecture diagram,
acknowledgments table) up to date. Regenerate the doc with ``python -m sample_app.report``.
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from syrupy.assertion import SnapshotAssertion

from aspects import REPORT_JSON
from sample_app import report
from sample_app.app import STACKS, build
from sample_app.diagram import Assembly, construct_kinds, edges, mermaid
from tests.conftest import REPO_ROOT, normalise

UPDATE = os.environ.get(report.UPDATE_ENV) == "1"
CFN_VALIDATE = "CloudFormation Validate"
VALIDATE_FLAG = "@aws-cdk/core:validateAgainstDefaultRules"


@dataclass(frozen=True)
class Built:
    app: cdk.App
    outdir: Path
    assembly: Assembly
    kinds: dict[str, str]

    def template(self, stack: str) -> dict[str, Any]:
        return self.assembly.templates[stack]

    def resources(self, stack: str, kind: str) -> dict[str, dict[str, Any]]:
        return {k: r for k, r in self.template(stack)["Resources"].items() if r["Type"] == kind}

    def logical_id(self, stack: str, path: str) -> str:
        (found,) = [
            logical
            for (name, logical), where in self.assembly.paths.items()
            if name == stack and where == path
        ]
        return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    outdir = tmp_path_factory.mktemp("sample")
    context = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    app = build(cdk.App(outdir=str(outdir), context=context))
    app.synth()
    return Built(app, outdir, Assembly.read(outdir), construct_kinds(app))


def test_the_app_has_the_stacks_and_constructs_of_the_mission(built: Built) -> None:
    assert list(built.assembly.templates) == sorted(STACKS)
    assert built.kinds == {
        "SecureBaseline/Baseline": "SecurityBaseline",
        "SecureData/Vpc": "SecureVpc",
        "SecureData/Uploads": "SecureBucket",
        "SecureData/UploadEvents": "SecureQueue",
        "SecureData/UploadIndex": "SecureTable",
        "SecureData/Orders": "SecureDatabase",
        "SecureWeb/Web": "SecureAlbService",
        "SecureWorker/Worker": "SecureFunction",
        "SecureEdge/Cdn": "SecureDistribution",
    }


def test_every_stack_deploys_to_us_east_1(built: Built) -> None:
    manifest = json.loads((built.outdir / "manifest.json").read_text())
    stacks = {
        name: artifact["environment"]
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    assert stacks == dict.fromkeys(STACKS, "aws://unknown-account/us-east-1")


def test_our_guardrails_report_only_the_hosted_rotation_warning(built: Built) -> None:
    ours = json.loads((built.outdir / REPORT_JSON).read_text())
    assert sorted(ours["summary"]["stacks"]) == sorted(STACKS)
    assert [(f["ruleId"], f["stack"], f["severity"]) for f in ours["findings"]] == [
        ("SC-CFN-2", "SecureData", "warning")
    ]
    assert "HostedRotationLambda of" in ours["findings"][0]["message"]


def test_cdk_cloudformation_validation_runs_as_errors_and_finds_nothing(built: Built) -> None:
    # The flag makes CloudFormation Validate findings errors (unset, they are warnings); the
    # plugin runs on every synthesis unless the App turns builtin validation off.
    manifest = json.loads((built.outdir / "manifest.json").read_text())
    flags = json.dumps(manifest)
    assert f'"{VALIDATE_FLAG}": {{"userValue": true' in flags
    validation = json.loads((built.outdir / "validation-report.json").read_text())
    cfn_validate = [r for r in validation["pluginReports"] if r["pluginName"] == CFN_VALIDATE]
    assert [v for r in cfn_validate for v in r["violations"]] == []


def test_sample_app_imports_only_the_public_api() -> None:
    for path in sorted((REPO_ROOT / "sample_app").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            modules = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for module in modules:
                top = module.split(".")[0]
                if top in ("secure_constructs", "aspects"):
                    assert module in ("secure_constructs", "aspects", "aspects.testing"), (
                        f"{path.name} imports {module}"
                    )


def _statements(built: Built, stack: str, policy_path: str) -> list[dict[str, Any]]:
    policy = built.template(stack)["Resources"][built.logical_id(stack, policy_path)]
    return list(policy["Properties"]["PolicyDocument"]["Statement"])


def _import(stack_export: str) -> dict[str, str]:
    return {"Fn::ImportValue": stack_export}


def _exported(built: Built, path: str, attribute: str = "Arn") -> dict[str, str]:
    """The import of the SecureData export of *path*'s attribute (by the exporting output)."""
    logical = built.logical_id("SecureData", path)
    for output in built.template("SecureData")["Outputs"].values():
        if output["Value"] == {"Fn::GetAtt": [logical, attribute]}:
            return _import(output["Export"]["Name"])
    raise AssertionError(f"no export of {path}.{attribute}")


def test_web_tier_has_exactly_the_grants_it_uses(built: Built) -> None:
    bucket = _exported(built, "SecureData/Uploads/Bucket/Resource")
    statements = _statements(built, "SecureWeb", "SecureWeb/Web/TaskRole/Policy/Resource")
    granted = [(s["Action"], s["Resource"]) for s in statements]
    assert granted[:4] == [
        ("s3:PutObject", {"Fn::Join": ["", [bucket, "/uploads/*"]]}),
        ("kms:GenerateDataKey", _exported(built, "SecureData/Uploads/Key/Resource")),
        (
            ["dynamodb:GetItem", "dynamodb:Query"],
            _exported(built, "SecureData/UploadIndex/Table/Resource"),
        ),
        ("kms:Decrypt", _exported(built, "SecureData/UploadIndex/Key/Resource")),
    ]
    (connect,) = [s for s in statements if s["Action"] == "rds-db:connect"]
    assert json.dumps(connect["Resource"]).endswith('/web"]]}')
    assert len(statements) == 5


def test_worker_has_exactly_the_grants_it_uses(built: Built) -> None:
    statements = _statements(built, "SecureWorker", "SecureWorker/Worker/Role/Policy/Resource")
    queue = _exported(built, "SecureData/UploadEvents/Queue/Resource")
    cross_stack = [s for s in statements if "Fn::ImportValue" in json.dumps(s["Resource"])]
    assert [(s["Action"], s["Resource"]) for s in cross_stack] == [
        (
            [
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
                "sqs:ReceiveMessage",
            ],
            queue,
        ),
        (
            "kms:Decrypt",
            [
                _exported(built, "SecureData/UploadEvents/Key/Resource"),
                _exported(built, "SecureData/Uploads/Key/Resource"),
            ],
        ),
        (
            "s3:GetObject",
            {
                "Fn::Join": [
                    "",
                    [_exported(built, "SecureData/Uploads/Bucket/Resource"), "/uploads/*"],
                ]
            },
        ),
        ("dynamodb:PutItem", _exported(built, "SecureData/UploadIndex/Table/Resource")),
        (
            ["kms:Decrypt", "kms:GenerateDataKey"],
            _exported(built, "SecureData/UploadIndex/Key/Resource"),
        ),
    ]
    (mapping,) = built.resources("SecureWorker", "AWS::Lambda::EventSourceMapping").values()
    assert mapping["Properties"]["EventSourceArn"] == queue


def test_uploads_notify_the_queue_end_to_end_with_the_key(built: Built) -> None:
    bucket = built.logical_id("SecureData", "SecureData/Uploads/Bucket/Resource")
    queue = built.logical_id("SecureData", "SecureData/UploadEvents/Queue/Resource")
    key = built.logical_id("SecureData", "SecureData/UploadEvents/Key/Resource")
    (notifications,) = built.resources("SecureData", "Custom::S3BucketNotifications").values()
    assert notifications["Properties"]["BucketName"] == {"Ref": bucket}
    assert notifications["Properties"]["NotificationConfiguration"] == {
        "QueueConfigurations": [
            {
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "uploads/"}]}},
                "QueueArn": {"Fn::GetAtt": [queue, "Arn"]},
            }
        ]
    }
    policies = built.resources("SecureData", "AWS::SQS::QueuePolicy").values()
    (policy,) = [p for p in policies if p["Properties"]["Queues"] == [{"Ref": queue}]]
    (send,) = [
        s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"
    ]
    assert send["Principal"] == {"Service": "s3.amazonaws.com"}
    assert "sqs:SendMessage" in send["Action"]
    assert send["Condition"] == {"ArnLike": {"aws:SourceArn": {"Fn::GetAtt": [bucket, "Arn"]}}}
    key_statements = built.template("SecureData")["Resources"][key]["Properties"]["KeyPolicy"][
        "Statement"
    ]
    s3_uses = [s for s in key_statements if s.get("Principal") == {"Service": "s3.amazonaws.com"}]
    assert s3_uses
    assert all({"kms:GenerateDataKey*", "kms:Decrypt"} <= set(s["Action"]) for s in s3_uses[:1])
    assert all(
        "aws:SourceArn" in json.dumps(s) or "aws:SourceAccount" in json.dumps(s) for s in s3_uses
    )


def test_cdk_bucket_notifications_function_logs_encrypted_and_traces(built: Built) -> None:
    functions = built.resources("SecureData", "AWS::Lambda::Function")
    (handler,) = [f for k, f in functions.items() if k.startswith("BucketNotificationsHandler")]
    props = handler["Properties"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    group = built.logical_id(
        "SecureData",
        "SecureData/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/LogGroup/Resource",
    )
    assert props["LoggingConfig"] == {"LogGroup": {"Ref": group}}
    log_group = built.template("SecureData")["Resources"][group]["Properties"]
    assert log_group["RetentionInDays"] == 365
    # SecureBucket gave it a key of its own when the uploads were wired to the queue.
    handler_key = "SecureData/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/LogKey"
    assert log_group["KmsKeyId"] == {
        "Fn::GetAtt": [built.logical_id("SecureData", f"{handler_key}/Resource"), "Arn"]
    }


def test_the_web_tier_reaches_the_database_on_its_port_only(built: Built) -> None:
    (rule,) = [
        r["Properties"]
        for r in built.resources("SecureWeb", "AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"].get("Description") == "Web tier to the orders database"
    ]
    assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", 5433, 5433)
    assert rule["GroupId"] == _exported(
        built, "SecureData/Orders/SecurityGroup/Resource", "GroupId"
    )


def test_cloudfront_reaches_the_web_tier_by_its_alias_record(built: Built) -> None:
    (distribution,) = built.resources("SecureEdge", "AWS::CloudFront::Distribution").values()
    (origin,) = distribution["Properties"]["DistributionConfig"]["Origins"]
    assert origin["DomainName"] == "origin.example.com"
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    (record,) = built.resources("SecureWeb", "AWS::Route53::RecordSet").values()
    assert record["Properties"]["Name"] == "origin.example.com."


def test_diagram_edges_are_the_grants_and_flows(built: Built) -> None:
    found = {(s, t): label for s, t, label in edges(built.assembly, built.kinds)}
    assert found == {
        ("SecureData/Orders", "SecureData/Vpc"): "TCP 443",
        ("SecureData/UploadEvents", "SecureWorker/Worker"): "event source",
        ("SecureData/Uploads", "SecureData/UploadEvents"): "S3 event",
        ("SecureEdge/Cdn", "SecureWeb/Web"): "HTTPS",
        ("SecureWeb/Web", "SecureData/Orders"): "TCP 5433, rds-db:connect",
        (
            "SecureWeb/Web",
            "SecureData/UploadIndex",
        ): "dynamodb:GetItem, dynamodb:Query, kms:Decrypt",
        ("SecureWeb/Web", "SecureData/Uploads"): "s3:PutObject, kms:GenerateDataKey",
        ("SecureWorker/Worker", "SecureData/UploadEvents"): (
            "sqs:ChangeMessageVisibility, sqs:DeleteMessage, sqs:GetQueueAttributes, "
            "sqs:GetQueueUrl, sqs:ReceiveMessage, kms:Decrypt"
        ),
        ("SecureWorker/Worker", "SecureData/UploadIndex"): (
            "dynamodb:PutItem, kms:Decrypt, kms:GenerateDataKey"
        ),
        ("SecureWorker/Worker", "SecureData/Uploads"): "kms:Decrypt, s3:GetObject",
    }


def generated_blocks(built: Built) -> dict[str, str]:
    return {
        "diagram": report.diagram_block(mermaid(built.assembly, built.kinds)),
        "acknowledgments": report.acknowledgments_table(report.acknowledgments(built.outdir)),
    }


@pytest.mark.parametrize("name", ["diagram", "acknowledgments"])
def test_doc_block_is_up_to_date(built: Built, name: str) -> None:
    expected = generated_blocks(built)[name]
    assert report.check_or_update(name, expected, update=UPDATE) == expected, (
        f"docs/sample-app.md's {name} block is stale: run `python -m sample_app.report`"
    )


def test_every_acknowledgment_has_a_reason_and_a_place(built: Built) -> None:
    acks = report.acknowledgments(built.outdir)
    assert len(acks) > 20
    assert [a for a in acks if len(a.reason.strip()) < 20] == []
    paths = {p for (_, _), p in built.assembly.paths.items()}
    for ack in acks:
        assert any(p == ack.where or p.startswith(ack.where + "/") for p in paths), ack
    # The app's own acknowledgments are among them.
    assert {(a.scanner, a.rule) for a in acks if "BucketNotificationsHandler" in a.where} >= {
        ("checkov", "CKV_AWS_115"),
        ("cfn-lint", "W3005"),
        ("cdk-nag", "AwsSolutions-IAM5[Resource::*]"),
    }


def test_rule_ids_named_in_the_doc_exist() -> None:
    import re

    text = (REPO_ROOT / "docs" / "sample-app.md").read_text()
    for name in ("diagram", "acknowledgments", "plain-twin"):  # generated from the app
        text = report.replace_block(text, name, "")
    named = set(re.findall(r"\bSC-[A-Z0-9]+-\d+\b", text))
    catalogue = (REPO_ROOT / "docs" / "rules.md").read_text()
    assert len(named) > 10
    # SC-CFN-* are the engine's own "cannot verify" findings (docs/guardrails.md).
    unknown = [r for r in sorted(named) if f"### {r}\n" not in catalogue and "CFN" not in r]
    assert unknown == []


def test_templates_snapshot(built: Built, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.assembly.templates) == snapshot_json
