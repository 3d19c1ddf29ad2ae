"""Plain templates: the text search that lets the loader and the engine skip two walks.

A JSON template whose text names no ``Fn::If``, ``AWS::NoValue`` or ``Fn::Transform`` is
*plain* (``aspects.assembly.plain_text``): every resource is its own only variant and
nothing is embedded to transform. The shortcut must never change a finding: a name spelled
with a JSON ``\\u`` escape, YAML's short forms and templates built in memory all take the
full walk, and give the same findings as the spelled-out name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aspects.assembly import load_template, plain_text
from aspects.engine import evaluate
from aspects.rules import RULES_BY_ID
from aspects.sam import TRANSFORM_RULE, unverifiable_findings


def _bucket(encryption: Any) -> dict[str, Any]:
    return {
        "Conditions": {"UseKms": {"Fn::Equals": [{"Ref": "Mode"}, "kms"]}},
        "Parameters": {"Mode": {"Type": "String"}},
        "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": encryption}},
    }


#: Default encryption that is KMS only when the condition holds.
_CONDITIONAL = {
    "BucketEncryption": {
        "Fn::If": [
            "UseKms",
            {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}
                ]
            },
            {"Ref": "AWS::NoValue"},
        ]
    }
}


def _findings(path: Path) -> list[tuple[str, str, str, str]]:
    stacks = load_template(path)
    evaluation = evaluate(stacks, lambda _s: (RULES_BY_ID["SC-S3-1"],))
    return sorted((f.rule.id, f.logical_id, f.status.value, f.message) for f in evaluation.findings)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ('{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}', True),
        ('{"A": {"Fn::If": ["C", 1, 2]}}', False),
        ('{"A": {"Ref": "AWS::NoValue"}}', False),
        ('{"A": {"Fn::Transform": {"Name": "AWS::Include"}}}', False),
        ('{"A": "Fn::If inside a string errs towards the walk"}', False),
        ('{"A": {"Fn::\\u0049f": ["C", 1, 2]}}', False),
        ('{"A": "caf\\u00e9"}', False),
    ],
)
def test_plain_text_names_none_of_the_three_and_no_escape(text: str, plain: bool) -> None:
    json.loads(text)  # every case is valid JSON
    assert plain_text(text) is plain


def test_a_template_file_without_the_names_loads_as_plain(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}), "utf-8")
    yaml = tmp_path / "t.yaml"
    yaml.write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n", "utf-8")
    assert [s.plain for s in load_template(path)] == [True]
    assert [s.plain for s in load_template(yaml)] == [False]


def test_an_escaped_fn_if_is_expanded_like_the_spelled_out_one(tmp_path: Path) -> None:
    spelled = tmp_path / "spelled.json"
    spelled.write_text(json.dumps(_bucket(_CONDITIONAL)), "utf-8")
    escaped = tmp_path / "escaped.json"
    text = json.dumps(_bucket(_CONDITIONAL))
    escaped.write_text(
        text.replace('"Fn::If"', '"Fn::\\u0049f"').replace("AWS::NoValue", "AWS::\\u004eoValue"),
        "utf-8",
    )
    assert json.loads(escaped.read_text("utf-8")) == json.loads(text)
    found = _findings(spelled)
    assert found == [
        (
            "SC-S3-1",
            "B",
            "cannot-verify",
            "depends on conditions; when UseKms is false: BucketEncryption is not set; default "
            "encryption must be SSE-KMS with a key you manage",
        ),
        (
            "SC-S3-1",
            "B",
            "cannot-verify",
            "depends on conditions; when UseKms is true: BucketEncryption."
            "ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID "
            "is not set, so no customer-managed KMS key protects it",
        ),
    ]
    assert _findings(escaped) == found


def test_an_escaped_embedded_transform_is_still_unverifiable(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "B": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"Fn::\\u0054ransform": {"Name": "AWS::Include"}},
            }
        }
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template).replace("\\\\u", "\\u"), "utf-8")
    (stack,) = load_template(path)
    assert stack.plain is False
    findings = unverifiable_findings([stack])
    assert [(f.rule.id, f.logical_id) for f in findings] == [(TRANSFORM_RULE.id, "Transform")]
    assert findings[0].message.startswith(
        "an embedded Fn::Transform (e.g. AWS::Include) is expanded only at deploy time"
    )
