"""Issue 9, items 1-4: no path lets an insecure app synthesize.

* Errors in stacks inside a ``Stage`` fail the real ``cdk synth`` (the CLI only fails for
  violations of the stacks it selected, and never selects a nested Stage's stacks).
* Guardrails added to a construct inside a stack judge exactly that construct's subtree.
* An acknowledgment without a written reason is not one: the finding stays and the
  acknowledgment is reported as not honoured, wherever it was written.
* Acknowledgments on an App or Stage are not honoured (CDK would suppress, our report
  would not): synthesis fails and both say why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_s3 as s3
from constructs import Construct, IValidation, RootConstruct

from aspects import (
    REPORT_JSON,
    REPORT_SARIF,
    SecureConstructsError,
    SecurityGuardrails,
    acknowledge,
    evaluate,
)
from aspects.index import StackTemplate
from aspects.plugin import GuardrailsPlugin, plugins_only_add_files
from aspects.rules import ALL_RULES
from secure_constructs import SecureBucket
from tests.conftest import REPO_ROOT

CDK = REPO_ROOT / "node_modules" / ".bin" / "cdk"
REASON = "Scratch data for load tests; recreated from fixtures on every run."
# What a default s3.Bucket with all public access blocked violates.
PLAIN_BUCKET_IDS = {"SC-S3-1", "SC-S3-2", "SC-S3-4", "SC-S3-5", "SC-S3-9"}


def plain_bucket(scope: Construct, construct_id: str = "Plain") -> s3.Bucket:
    return s3.Bucket(scope, construct_id, block_public_access=s3.BlockPublicAccess.BLOCK_ALL)


def synth_error(app: cdk.App) -> str | None:
    try:
        app.synth()
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc):
            raise
        return str(exc)
    return None


def evaluation_of(app: cdk.App) -> Any:
    plugin = getattr(app, "_secure_constructs_guardrails_plugin", None)
    assert isinstance(plugin, GuardrailsPlugin)
    assert plugin.last_evaluation is not None
    return plugin.last_evaluation


# -- 1. the real CLI fails on errors inside a Stage ------------------------------------------

APP = textwrap.dedent(
    """
    import aws_cdk as cdk
    from aws_cdk import aws_s3 as s3
    from aspects import SecurityGuardrails
    from secure_constructs import SecureBucket

    app = cdk.App()
    layout = app.node.try_get_context("layout")
    if layout == "mixed":
        SecureBucket(cdk.Stack(app, "Top"), "Data")
    inner = cdk.Stack(cdk.Stage(app, "Prod"), "Inner")
    if layout != "clean":
        s3.Bucket(inner, "Plain", block_public_access=s3.BlockPublicAccess.BLOCK_ALL)
    else:
        SecureBucket(inner, "Data")
    cdk.Aspects.of(app).add(SecurityGuardrails())
    app.synth()
    """
)


def run_cdk(app_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if not CDK.exists():
        pytest.fail("the pinned CDK CLI is not installed: run `make test` (it runs npm ci)")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO_ROOT),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    return subprocess.run(
        [str(CDK), *args, "--no-notices", "--app", f"{sys.executable} app.py"],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("stage_app")
    (directory / "app.py").write_text(APP)
    return directory


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("layout", "args"),
    [
        ("stage-only", ("synth", "--quiet")),
        ("stage-only", ("synth", "--all", "--quiet")),
        ("mixed", ("synth", "--quiet")),
        ("mixed", ("synth", "Top", "--quiet")),  # a clean stack selected: still fails
    ],
)
def test_cli_synth_fails_on_errors_in_a_nested_stage(
    app_dir: Path, layout: str, args: tuple[str, ...]
) -> None:
    result = run_cdk(app_dir, *args, "--context", f"layout={layout}")
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Successfully synthesized" not in result.stdout + result.stderr
    # The findings are printed even though the CLI's own report filters them out.
    assert "error SC-S3-2 on Prod/Inner/Plain/Resource" in result.stderr


@pytest.mark.e2e
def test_cli_synth_of_a_clean_staged_app_succeeds(app_dir: Path) -> None:
    result = run_cdk(app_dir, "synth", "--quiet", "--context", "layout=clean")
    assert result.returncode == 0, result.stderr


def test_app_synth_raises_for_a_stage_only_app(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    plain_bucket(cdk.Stack(cdk.Stage(app, "Prod"), "Inner"))
    cdk.Aspects.of(app).add(SecurityGuardrails())
    error = synth_error(app)
    assert error is not None
    assert {f.rule.id for f in evaluation_of(app).errors} == PLAIN_BUCKET_IDS
    # The report sits at the top of the cloud assembly, not inside the Stage's folder.
    assert json.loads((tmp_path / REPORT_JSON).read_text())["summary"]["errors"] == 5


def test_stale_reports_are_removed_before_the_run(tmp_path: Path) -> None:
    (tmp_path / REPORT_JSON).write_text('{"summary": {"errors": 0}}')
    app = cdk.App(outdir=str(tmp_path))
    cdk.Stack(app, "Empty")
    SecurityGuardrails.apply(app)
    assert synth_error(app) is None
    assert json.loads((tmp_path / REPORT_JSON).read_text())["summary"]["stacks"] == ["Empty"]


# -- 1b. reports of earlier runs: the plugin only adds files ---------------------------------

STALE = '{"summary": {"errors": 0}}'


def strict_app(outdir: Path, **props: Any) -> cdk.App:
    """An App whose synthesis fails if a validation plugin changes a file that was in *outdir*.

    Every aws-cdk-lib before 2.275 checks that (``IllegalPluginOperation``); from 2.275 an
    App asks for it with ``confirm_validation_plugins_do_not_mutate``.
    """
    if not plugins_only_add_files():
        props["confirm_validation_plugins_do_not_mutate"] = True
    return cdk.App(outdir=str(outdir), **props)


def register(app: cdk.App, how: str) -> None:
    if how == "aspect":
        cdk.Aspects.of(app).add(SecurityGuardrails())
    else:
        SecurityGuardrails.apply(app)


def report_of(outdir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((outdir / REPORT_JSON).read_text())
    return data


@pytest.mark.parametrize("how", ["aspect", "apply"])
def test_a_second_synthesis_into_the_same_outdir_replaces_the_report(
    tmp_path: Path, how: str
) -> None:
    first = strict_app(tmp_path)
    plain_bucket(cdk.Stack(first, "Insecure"))
    register(first, how)
    assert synth_error(first) is not None
    assert report_of(tmp_path)["summary"]["errors"] == len(PLAIN_BUCKET_IDS)
    second = strict_app(tmp_path)
    cdk.Stack(second, "Empty")
    register(second, how)
    assert synth_error(second) is None
    assert report_of(tmp_path)["summary"]["stacks"] == ["Empty"]
    assert report_of(tmp_path)["summary"]["errors"] == 0


@jsii.implements(IValidation)
class _Broken:
    """A construct validation that fails, so synthesis stops before the plugins run."""

    def validate(self) -> list[str]:
        return ["broken on purpose"]


@pytest.mark.parametrize("how", ["aspect", "apply"])
def test_a_synthesis_that_stops_before_validation_leaves_no_earlier_report(
    tmp_path: Path, how: str
) -> None:
    (tmp_path / REPORT_JSON).write_text(STALE)
    (tmp_path / REPORT_SARIF).write_text("{}")
    app = strict_app(tmp_path)
    stack = cdk.Stack(app, "Stack")
    stack.node.add_validation(_Broken())
    register(app, how)
    with pytest.raises(RuntimeError, match="broken on purpose"):
        app.synth()
    assert sorted(p.name for p in tmp_path.glob("secure-constructs-report.*")) == []


def test_a_forced_second_synthesis_of_one_app_keeps_an_identical_report(tmp_path: Path) -> None:
    app = strict_app(tmp_path)
    SecureBucket(cdk.Stack(app, "Stack"), "Data")
    SecurityGuardrails.apply(app)
    assert synth_error(app) is None
    before = report_of(tmp_path)
    app.synth(force=True)
    assert report_of(tmp_path) == before


def test_a_forced_second_synthesis_with_another_verdict_fails_without_a_stale_report(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    app = strict_app(tmp_path)
    stack = cdk.Stack(app, "Stack")
    SecurityGuardrails.apply(app)
    assert synth_error(app) is None
    plain_bucket(stack)
    with pytest.raises(RuntimeError, match="IllegalPluginOperation"):
        app.synth(force=True)
    if plugins_only_add_files():
        # Removed before CDK's check, which then fails synthesis: SC-GUARD-10 says why.
        assert "[SC-GUARD-10] reports:" in capfd.readouterr().err
        assert not (tmp_path / REPORT_JSON).exists()
    else:
        # 2.275+ asked to check: removed and written anew, so CDK fails synthesis, and the
        # report beside the failure is this synthesis' own.
        assert report_of(tmp_path)["summary"]["errors"] == len(PLAIN_BUCKET_IDS)


@pytest.mark.parametrize("how", ["add_plugins", "policy_validation_beta1"])
def test_registered_as_a_plugin_a_second_synthesis_works(tmp_path: Path, how: str) -> None:
    def build(construct_id: str) -> cdk.App:
        if how == "add_plugins":
            app = cdk.App(outdir=str(tmp_path))
            cdk.Validations.of(app).add_plugins(SecurityGuardrails())
        else:
            app = cdk.App(outdir=str(tmp_path), policy_validation_beta1=[SecurityGuardrails()])
        plain_bucket(cdk.Stack(app, construct_id))
        return app

    assert synth_error(build("First")) is not None
    error = synth_error(build("Second"))
    assert error is not None
    assert "Second/Plain/Resource" in error
    if plugins_only_add_files():
        # Nothing removes reports before a plugin runs, and it may not replace them: none.
        assert not (tmp_path / REPORT_JSON).exists()
    else:
        assert report_of(tmp_path)["summary"]["stacks"] == ["Second"]


def test_registered_as_a_plugin_an_earlier_report_never_stays(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / REPORT_JSON).write_text(STALE)
    app = cdk.App(outdir=str(tmp_path))
    cdk.Validations.of(app).add_plugins(SecurityGuardrails())
    cdk.Stack(app, "Empty")
    if plugins_only_add_files():
        # It cannot be replaced: removed, and this synthesis fails once, saying why.
        with pytest.raises(RuntimeError, match="IllegalPluginOperation"):
            app.synth()
        assert "[SC-GUARD-10] reports:" in capfd.readouterr().err
        assert not (tmp_path / REPORT_JSON).exists()
        again = cdk.App(outdir=str(tmp_path))
        cdk.Validations.of(again).add_plugins(SecurityGuardrails())
        cdk.Stack(again, "Empty")
        assert synth_error(again) is None
    else:
        assert synth_error(app) is None
        assert report_of(tmp_path)["summary"]["stacks"] == ["Empty"]


# -- 2. a scope below a stack judges exactly its subtree ---------------------------------------


@pytest.fixture(scope="module")
def subtree(tmp_path_factory: pytest.TempPathFactory) -> cdk.App:
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("subtree")))
    stack = cdk.Stack(app, "Stack")
    group = Construct(stack, "Group")
    plain_bucket(group, "Inside")
    plain_bucket(stack, "Outside")
    cdk.Aspects.of(group).add(SecurityGuardrails())
    synth_error(app)
    return app


def test_aspect_on_a_construct_judges_its_subtree(subtree: cdk.App) -> None:
    evaluation = evaluation_of(subtree)
    assert {(f.rule.id, f.location) for f in evaluation.findings} == {
        (rule, "Stack/Group/Inside/Resource") for rule in PLAIN_BUCKET_IDS
    }
    assert evaluation.resources_checked == 1


def test_aspect_on_a_construct_fails_synthesis(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    group = Construct(cdk.Stack(app, "Stack"), "Group")
    plain_bucket(group)
    SecurityGuardrails.apply(group)
    assert synth_error(app) is not None
    assert {f.location for f in evaluation_of(app).errors} == {"Stack/Group/Plain/Resource"}


@pytest.mark.parametrize("scope", [None, "Stack", 42])
def test_guardrails_on_something_that_is_not_a_construct_raise(scope: Any) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-GUARD-1.*is not a construct"):
        SecurityGuardrails.apply(scope)


def test_guardrails_on_a_tree_without_an_app_raise() -> None:
    orphan = Construct(RootConstruct("Root"), "Orphan")
    with pytest.raises(SecureConstructsError, match=r"SC-GUARD-2.*not inside a cdk.App"):
        SecurityGuardrails.apply(orphan)


# -- 3. acknowledgments without a written reason ---------------------------------------------


@pytest.fixture(scope="module")
def empty_reason(tmp_path_factory: pytest.TempPathFactory) -> tuple[cdk.App, str | None]:
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("empty_reason")))
    stack = cdk.Stack(app, "Stack")
    bucket = plain_bucket(stack)
    cdk.Validations.of(bucket).acknowledge(
        cdk.Acknowledgment(id="SecureConstructs::SC-S3-2", reason="")
    )
    cdk.Validations.of(stack).acknowledge(
        cdk.Acknowledgment(id="SecureConstructs::SC-S3-9", reason="ok")
    )
    cdk.Aspects.of(app).add(SecurityGuardrails())
    return app, synth_error(app)


def test_native_acknowledgment_without_reason_does_not_silence(
    empty_reason: tuple[cdk.App, str | None],
) -> None:
    app, error = empty_reason
    assert error is not None
    evaluation = evaluation_of(app)
    assert {f.rule.id for f in evaluation.errors} == PLAIN_BUCKET_IDS
    ignored = {(a.where, a.ack_id, a.reason) for a in evaluation.ignored_acknowledgments}
    assert ignored == {
        ("Stack/Plain", "SecureConstructs::SC-S3-2", "''"),
        ("Stack", "SecureConstructs::SC-S3-9", "'ok'"),
    }
    by_rule = {f.rule.id: f for f in evaluation.errors}
    assert by_rule["SC-S3-2"].ignored_acknowledgment is not None
    assert by_rule["SC-S3-1"].ignored_acknowledgment is None


def test_report_lists_the_acknowledgments_not_honoured(
    empty_reason: tuple[cdk.App, str | None],
) -> None:
    app, error = empty_reason
    assert error is not None
    assert "Acknowledgments not honoured:" in error
    report = json.loads((Path(app.outdir) / REPORT_JSON).read_text())
    assert report["summary"]["errors"] == 5
    assert {a["id"] for a in report["ignoredAcknowledgments"]} == {
        "SecureConstructs::SC-S3-2",
        "SecureConstructs::SC-S3-9",
    }


def _template(reason: Any, where: str) -> StackTemplate:
    ack = {"aws:cdk:acknowledged-rules": {"SC-KMS-1": reason}}
    resource: dict[str, Any] = {"Type": "AWS::KMS::Key", "Properties": {}}
    template: dict[str, Any] = {"Resources": {"Key": resource}}
    if where == "resource":
        resource["Metadata"] = ack
    else:
        template["Metadata"] = ack
    from aspects.assembly import _with_template_acknowledgments

    return _with_template_acknowledgments(StackTemplate("Hand", "hand.json", template))


@pytest.mark.parametrize("where", ["resource", "template"])
@pytest.mark.parametrize("reason", ["", " ", None, 0, False, "short", ["a list"], {"a": 1}])
def test_template_acknowledgment_without_reason_does_not_silence(reason: Any, where: str) -> None:
    evaluation = evaluate([_template(reason, where)], lambda _s: ALL_RULES)
    assert {f.rule.id for f in evaluation.errors} == {"SC-KMS-1", "SC-KMS-3"}
    ((ack),) = evaluation.ignored_acknowledgments
    assert ack.ack_id == "SecureConstructs::SC-KMS-1"
    assert ack.reason == repr(reason)


def test_template_acknowledgment_with_a_reason_is_honoured() -> None:
    evaluation = evaluate([_template(REASON, "resource")], lambda _s: ALL_RULES)
    assert {f.rule.id for f in evaluation.errors} == {"SC-KMS-3"}
    assert {f.rule.id for f in evaluation.acknowledged} == {"SC-KMS-1"}


@pytest.mark.parametrize("reason", [None, "", "too short", 42])
def test_acknowledge_helper_rejects_a_missing_reason(reason: Any) -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(SecureConstructsError) as raised:
        acknowledge(stack, "SC-S3-2", reason)
    assert raised.value.codes == ("SC-ACK-2",)


# -- 4. acknowledgments above a stack ----------------------------------------------------------


@pytest.mark.parametrize("level", ["app", "stage"])
def test_app_or_stage_acknowledgment_is_reported_and_does_not_pass(
    tmp_path: Path, level: str
) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stage = cdk.Stage(app, "Prod")
    plain_bucket(cdk.Stack(stage, "Inner"))
    target = app if level == "app" else stage
    for rule in PLAIN_BUCKET_IDS:
        cdk.Validations.of(target).acknowledge(
            cdk.Acknowledgment(id=f"SecureConstructs::{rule}", reason=REASON)
        )
    cdk.Aspects.of(app).add(SecurityGuardrails())
    error = synth_error(app)
    assert error is not None, "CDK suppressed every violation but the gate must still fail"
    evaluation = evaluation_of(app)
    assert {f.rule.id for f in evaluation.errors} == PLAIN_BUCKET_IDS
    where = "" if level == "app" else "Prod"
    assert {(a.where, a.ack_id) for a in evaluation.ignored_acknowledgments} == {
        (where, f"SecureConstructs::{rule}") for rule in PLAIN_BUCKET_IDS
    }
    report = json.loads((tmp_path / REPORT_JSON).read_text())
    assert report["summary"]["errors"] == len(PLAIN_BUCKET_IDS)


@pytest.mark.parametrize("level", ["app", "stage"])
def test_acknowledge_helper_refuses_an_app_or_stage(level: str) -> None:
    app = cdk.App()
    target = app if level == "app" else cdk.Stage(app, "Prod")
    with pytest.raises(SecureConstructsError) as raised:
        acknowledge(target, "SC-S3-2", REASON)
    assert raised.value.codes == ("SC-ACK-4",)


def test_testing_check_on_a_construct_judges_its_subtree() -> None:
    from aspects.testing import check

    app = cdk.App()
    stack = cdk.Stack(app, "Stack")
    group = Construct(stack, "Group")
    plain_bucket(group, "Inside")
    plain_bucket(stack, "Outside")
    assert {f.location for f in check(group).findings} == {"Stack/Group/Inside/Resource"}


# -- issue 9, item 9: transforms in a CDK app are expanded or fail -----------------------------

FAKE_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"


def _serverless_function(stack: cdk.Stack) -> None:
    cdk.CfnResource(
        stack,
        "Fn",
        type="AWS::Serverless::Function",
        properties={
            "Runtime": "python3.12",
            "Handler": "index.handler",
            "InlineCode": "def handler(e, c): return e",
            "Environment": {"Variables": {"UPSTREAM_KEY_ID": FAKE_KEY_ID}},
        },
    )


def test_sam_resources_in_a_cdk_app_are_judged_after_the_transform(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Sam")
    stack.add_transform("AWS::Serverless-2016-10-31")
    _serverless_function(stack)
    SecurityGuardrails.apply(app)
    assert synth_error(app) is not None
    lambda_two = [f for f in evaluation_of(app).errors if f.rule.id == "SC-LAMBDA-2"]
    assert [f.resource_type for f in lambda_two] == ["AWS::Lambda::Function"]
    assert "an AWS access key id" in lambda_two[0].message


def test_a_macro_transform_in_a_cdk_app_fails_as_cannot_verify(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Macro")
    stack.add_transform("MyCompany::Macro")
    cdk.CfnResource(stack, "Thing", type="MyCompany::Thing")
    SecurityGuardrails.apply(app)
    assert synth_error(app) is not None
    assert {f.rule.id for f in evaluation_of(app).errors} == {"SC-CFN-1"}
