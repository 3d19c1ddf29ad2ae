"""Thresholds: the defaults, tightening them, refusing to loosen them, and where they apply."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

from aspects import SecureConstructsError, SecurityGuardrails, Thresholds
from aspects.cli import main
from aspects.plugin import plugin_of
from aspects.settings import DEFAULT


def test_defaults_are_the_values_the_constructs_build_with() -> None:
    assert DEFAULT.log_retention_days == 90
    assert DEFAULT.audit_log_retention_days == 365
    assert DEFAULT.backup_retention_days == 7
    assert DEFAULT.secret_rotation_days == 90
    assert DEFAULT.waf_rate_limit_ceiling == 2000


def test_tighter_values_are_accepted() -> None:
    tight = Thresholds(
        log_retention_days=400,
        waf_rate_limit_ceiling=500,
        elb_tls_policy_prefixes=("ELBSecurityPolicy-TLS13-1-3-",),
    )
    assert tight.log_retention_days == 400
    assert tight.elb_tls_policy_prefixes == ("ELBSecurityPolicy-TLS13-1-3-",)


def test_looser_values_are_refused_with_one_issue_each() -> None:
    with pytest.raises(SecureConstructsError) as caught:
        Thresholds(
            log_retention_days=30,
            secret_rotation_days=365,
            waf_rate_limit_ceiling=0,
            cloudfront_tls_protocols=("TLSv1",),
            opensearch_tls_policies=(),
        )
    assert caught.value.codes == ("SC-SETTINGS-1",) * 5
    text = str(caught.value)
    assert "log_retention_days: 30 is looser than the baseline (at least 90)" in text
    assert "secret_rotation_days: 365 is looser than the baseline (at most 90)" in text
    assert "['TLSv1'] is not in the baseline" in text
    assert "opensearch_tls_policies: allows no policy at all" in text


def test_from_mapping_rejects_unknown_names_and_wrong_types() -> None:
    with pytest.raises(SecureConstructsError) as caught:
        Thresholds.from_mapping(
            {
                "log_retention": 365,
                "audit_log_retention_days": "365",
                "elb_tls_policy_prefixes": "x",
            }
        )
    assert caught.value.codes == ("SC-SETTINGS-2", "SC-SETTINGS-3", "SC-SETTINGS-3")
    with pytest.raises(SecureConstructsError, match=r"SC-SETTINGS-3.*is a list"):
        Thresholds.from_mapping([])  # type: ignore[arg-type]


def _app_with_a_quarter_log(outdir: Path) -> None:
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "S")
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    logs.LogGroup(stack, "Quarter", encryption_key=key, retention=logs.RetentionDays.THREE_MONTHS)
    app.synth()


def test_scan_applies_a_settings_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _app_with_a_quarter_log(tmp_path / "cdk.out")
    tight = tmp_path / "tight.json"
    tight.write_text(json.dumps({"log_retention_days": 365}))
    assert main(["scan", str(tmp_path / "cdk.out"), "-f", "json"]) == 0
    capsys.readouterr()
    assert main(["scan", str(tmp_path / "cdk.out"), "-f", "json", "--settings", str(tight)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [f["ruleId"] for f in report["findings"]] == ["SC-LOGS-2"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"log_retention_days": 7}', "SC-SETTINGS-1"),
        ('{"nope": 1}', "SC-SETTINGS-2"),
        ("{not json", "SC-SETTINGS-4"),
    ],
)
def test_scan_refuses_bad_settings_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (tmp_path / "cdk.out").mkdir()
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert main(["scan", str(tmp_path / "cdk.out"), "--settings", str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_aspect_thresholds_reach_the_plugin_and_fail_synthesis() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    logs.LogGroup(stack, "Quarter", encryption_key=key, retention=logs.RetentionDays.THREE_MONTHS)
    cdk.Aspects.of(app).add(SecurityGuardrails(settings=Thresholds(log_retention_days=180)))
    with pytest.raises(RuntimeError, match=r"ValidationFailed|SC-LOGS-2"):
        app.synth()
    evaluation = plugin_of(app).last_evaluation
    assert evaluation is not None
    assert {f.rule.id for f in evaluation.errors} == {"SC-LOGS-2"}


def test_two_guardrails_with_different_thresholds_are_refused() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    SecurityGuardrails.apply(app, settings=Thresholds(log_retention_days=180))
    with pytest.raises(SecureConstructsError, match="SC-GUARD-3"):
        SecurityGuardrails.apply(stack, settings=Thresholds(log_retention_days=365))


def test_settings_that_are_not_thresholds_are_refused() -> None:
    with pytest.raises(SecureConstructsError, match="SC-GUARD-4"):
        SecurityGuardrails(settings={"log_retention_days": 365})  # type: ignore[arg-type]
