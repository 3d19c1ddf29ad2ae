"""SAM templates are judged after the SAM transform, offline; other transforms are not silent.

The console runs in a subprocess without AWS credentials, region, profile or config files,
so a test passes only if the transform needs none of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aspects.assembly import load_template
from aspects.sam import SAM_TRANSFORM, TRANSFORM_RULE
from tests.conftest import REPO_ROOT

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SAM = """\
Transform: {transform}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Metadata:
      aws:cdk:acknowledged-rules:
        SC-LAMBDA-6: tracing is sampled by the platform team's collector
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(event, context): return 1"
      Policies: [AmazonS3ReadOnlyAccess]
      Environment:
        Variables:
          UPSTREAM_KEY_ID: {key_id}
      Events:
        Get:
          Type: Api
          Properties: {{Path: /, Method: get, RestApiId: !Ref Api}}
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
  Table:
    Type: AWS::Serverless::SimpleTable
"""


def offline_scan(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The scan with no AWS credentials, region, profile or config to fall back on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {
        "PYTHONPATH": str(REPO_ROOT),
        "AWS_CONFIG_FILE": str(cwd / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(cwd / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    return subprocess.run(
        [sys.executable, "-m", "aspects.cli", "scan", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def sam_file(tmp_path: Path, transform: str = SAM_TRANSFORM) -> Path:
    file = tmp_path / "app.yaml"
    file.write_text(SAM.format(transform=transform, key_id=KEY_ID), encoding="utf-8")
    return file


@pytest.mark.parametrize("transform", [SAM_TRANSFORM, f"[{SAM_TRANSFORM}]"])
def test_a_hard_coded_access_key_in_a_sam_function_is_found_offline(
    tmp_path: Path, transform: str
) -> None:
    file = sam_file(tmp_path, transform)
    result = offline_scan(
        file.name, "--rule", "SC-LAMBDA-2,SC-LAMBDA-6", "-f", "json", cwd=tmp_path
    )
    assert (result.returncode, result.stderr) == (1, "")
    findings = json.loads(result.stdout)["findings"]
    found = {(f["ruleId"], f["logicalId"], f["resourceType"], f["acknowledged"]) for f in findings}
    assert found == {
        ("SC-LAMBDA-2", "Fn", "AWS::Lambda::Function", False),
        # The acknowledgment on the SAM resource covers the function it becomes.
        ("SC-LAMBDA-6", "Fn", "AWS::Lambda::Function", True),
    }
    (secret,) = [f for f in findings if f["ruleId"] == "SC-LAMBDA-2"]
    assert "UPSTREAM_KEY_ID" in secret["message"]


def test_sam_function_api_and_table_become_cloudformation_resources(tmp_path: Path) -> None:
    (stack,) = load_template(sam_file(tmp_path))
    types = {r["Type"] for r in stack.template["Resources"].values()}
    assert {
        "AWS::Lambda::Function",
        "AWS::IAM::Role",
        "AWS::Lambda::Permission",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
        "AWS::DynamoDB::Table",
    } <= types
    assert not {t for t in types if t.startswith("AWS::Serverless::")}
    assert "Transform" not in stack.template
    assert stack.unverifiable == ()
    role = next(r for r in stack.template["Resources"].values() if r["Type"] == "AWS::IAM::Role")
    # The managed policy name resolves from the map bundled with the translator (no IAM call).
    assert role["Properties"]["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ]


def scan_report(tmp_path: Path, text: str, fmt: str = "json") -> tuple[int, dict[str, Any]]:
    file = tmp_path / "t.yaml"
    file.write_text(text, encoding="utf-8")
    result = offline_scan(file.name, "--rule", "SC-S3-1", "-f", fmt, cwd=tmp_path)
    assert result.stderr == ""
    return result.returncode, json.loads(result.stdout)


def test_sam_that_does_not_translate_is_not_clean(tmp_path: Path) -> None:
    code, report = scan_report(
        tmp_path,
        f"Transform: {SAM_TRANSFORM}\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      Handler: i.h\n      Events: {Get: {Type: Nonsense}}\n",
    )
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["ruleId"], finding["status"], finding["severity"]) == (
        TRANSFORM_RULE.id,
        "cannot-verify",
        "error",
    )
    assert finding["message"].startswith(
        f"the SAM transform {SAM_TRANSFORM} could not be expanded offline (Invalid Serverless "
        "Application Specification document."
    )
    assert "Event Type is: Nonsense" in finding["message"]
    assert finding["message"].endswith("so the resources it produces (Fn) are not judged")
    assert report["summary"]["errors"] == 1


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        ("MyMacro", ["the template's Transform MyMacro is expanded only at deploy time"]),
        (
            "[AWS::LanguageExtensions, AWS::Serverless-2016-10-31]",
            ["the template's Transform AWS::LanguageExtensions is expanded only at deploy time"],
        ),
        (
            "{Name: AWS::Include, Parameters: {Location: s3://bucket/part.yaml}}",
            ["the template's Transform AWS::Include is expanded only at deploy time"],
        ),
    ],
)
def test_other_transforms_are_reported_as_unverifiable(
    tmp_path: Path, transform: str, expected: list[str]
) -> None:
    code, report = scan_report(
        tmp_path,
        f"Transform: {transform}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
        "    Properties:\n      BucketEncryption: {ServerSideEncryptionConfiguration: "
        "[{ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms, KMSMasterKeyID: k}}]}\n",
    )
    assert code == 1
    messages = [f["message"] for f in report["findings"] if f["ruleId"] == TRANSFORM_RULE.id]
    assert [m.split(",")[0] for m in messages] == expected


def test_an_embedded_include_is_reported_and_sarif_stays_valid(tmp_path: Path) -> None:
    code, sarif = scan_report(
        tmp_path,
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Fn::Transform:\n"
        "        Name: AWS::Include\n        Parameters: {Location: s3://bucket/props.yaml}\n",
        fmt="sarif",
    )
    assert code == 1
    schema = json.loads((REPO_ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(sarif, schema)
    (run,) = sarif["runs"]
    results = [r for r in run["results"] if r["ruleId"] == TRANSFORM_RULE.id]
    assert [r["message"]["text"].split(",")[0] for r in results] == [
        "an embedded Fn::Transform (e.g. AWS::Include) is expanded only at deploy time"
    ]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules[results[0]["ruleIndex"]] == TRANSFORM_RULE.id


def test_a_serverless_repository_application_is_unverifiable_without_calling_aws(
    tmp_path: Path,
) -> None:
    code, report = scan_report(
        tmp_path,
        f"Transform: {SAM_TRANSFORM}\nResources:\n  App:\n    Type: AWS::Serverless::Application\n"
        "    Properties:\n      Location:\n"
        "        ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/x\n"
        "        SemanticVersion: 1.0.0\n",
    )
    assert code == 1
    (finding,) = report["findings"]
    assert finding["ruleId"] == TRANSFORM_RULE.id
    assert "needs a call to AWS, which secure-constructs does not make" in finding["message"]
