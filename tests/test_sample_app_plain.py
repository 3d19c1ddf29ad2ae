"""The plain defaults twin (sample_app/plain.py) under our guardrails, cdk-nag and checkov.

One synthesis with cdk-nag's four packs; our guardrails judge the same app with
``aspects.testing.check``; checkov runs on every template. The twin must fail our
guardrails with one error per missing control, and docs/sample-app.md's plain-twin table
(the three scanners side by side) must match what they report.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest

from aspects.testing import check
from sample_app import report
from sample_app.diagram import Assembly
from sample_app.plain import STACKS, build_plain
from tests.conftest import REPO_ROOT
from tests.scanner_harness import PACKS, finish_checkov, start_checkov

pytestmark = pytest.mark.e2e

UPDATE = os.environ.get(report.UPDATE_ENV) == "1"


@dataclass(frozen=True)
class Twin:
    synth_error: str | None
    assembly: Assembly
    ours: list[tuple[str, str, str]]  # (rule, severity, construct path)
    cdk_nag: list[tuple[str, str]]
    checkov: list[tuple[str, str]]


@pytest.fixture(scope="module")
def twin(tmp_path_factory: pytest.TempPathFactory) -> Twin:
    outdir = tmp_path_factory.mktemp("plain")
    context = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    app = build_plain(cdk.App(outdir=str(outdir), context=context))
    cdk.Validations.of(app).add_plugins(*(pack(app) for pack in PACKS))
    error: str | None = None
    try:
        app.synth()
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc):
            raise
        error = str(exc)
    evaluation = check(app)
    templates = sorted(outdir.glob("*.template.json"))
    runs = {t.name: start_checkov(t) for t in templates}
    results: dict[str, dict[str, Any]] = {name: finish_checkov(p) for name, p in runs.items()}
    assembly = Assembly.read(outdir)
    validation = json.loads((outdir / "validation-report.json").read_text())
    return Twin(
        synth_error=error,
        assembly=assembly,
        ours=sorted(
            {
                (f.rule.id, str(f.severity.value), f.construct_path or "")
                for f in evaluation.findings
            }
        ),
        cdk_nag=report.cdk_nag_pairs(validation),
        checkov=report.checkov_pairs(assembly, results),
    )


def _ours(twin: Twin, severity: str = "error") -> set[tuple[str, str]]:
    return {(rule, path) for rule, sev, path in twin.ours if sev == severity}


def test_twin_has_the_same_stacks(twin: Twin) -> None:
    assert list(twin.assembly.templates) == sorted(STACKS)


def test_twin_fails_our_guardrails_once_per_missing_control(twin: Twin) -> None:
    errors = _ours(twin)
    # Each store, log group and front door of the plain twin misses what its Secure*
    # counterpart has: one error per missing control, on the resource that misses it.
    expected = {
        ("SC-S3-1", "PlainData/Uploads/Resource"),  # no customer-managed key
        ("SC-S3-2", "PlainData/Uploads/Resource"),  # no versioning
        ("SC-S3-4", "PlainData/Uploads/Resource"),  # TLS not required
        ("SC-S3-9", "PlainData/Uploads/Resource"),  # no access logs
        ("SC-SQS-1", "PlainData/UploadEvents/Resource"),  # SQS-managed encryption only
        ("SC-DDB-1", "PlainData/UploadIndex/Resource"),  # AWS-owned key
        ("SC-DDB-2", "PlainData/UploadIndex/Resource"),  # no point-in-time recovery
        ("SC-RDS-1", "PlainData/Orders/Resource"),  # storage not encrypted with a CMK
        ("SC-EC2-2", "PlainData/Vpc/Resource"),  # no flow logs
        ("SC-LAMBDA-1", "PlainWorker/Worker/Resource"),  # environment with AWS's key
        ("SC-ELB-3", "PlainWeb/Web/LB/Resource"),  # no WAF
        ("SC-CF-8", "PlainEdge/Cdn/Resource"),  # no WebACL
        ("SC-CF-9", "PlainEdge/Cdn/Resource"),  # no access logs
        ("SC-TRAIL-3", "PlainBaseline/Trail/Resource"),  # trail logs not KMS-encrypted
    }
    assert expected <= errors, expected - errors


def test_twin_fails_cdk_nag_and_checkov_too(twin: Twin) -> None:
    assert twin.synth_error is not None
    rules = {rule for rule, _ in twin.cdk_nag}
    assert {"AwsSolutions-S1", "AwsSolutions-SQS3", "AwsSolutions-SQS4"} <= rules
    failed = {check for check, _ in twin.checkov}
    assert {"CKV_AWS_18", "CKV_AWS_27"} <= failed


def plain_block(twin: Twin) -> str:
    return report.plain_twin_table(
        ((rule, path) for rule, _, path in twin.ours), twin.cdk_nag, twin.checkov
    )


def test_doc_plain_twin_block_is_up_to_date(twin: Twin) -> None:
    expected = plain_block(twin)
    assert report.check_or_update("plain-twin", expected, update=UPDATE) == expected, (
        "docs/sample-app.md's plain-twin block is stale: run `python -m sample_app.report`"
    )
