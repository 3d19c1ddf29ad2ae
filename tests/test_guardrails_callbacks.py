"""SecurityGuardrails as an Aspect makes a fixed number of Python callbacks (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii._kernel
import pytest
from constructs import Construct

from aspects import SecurityGuardrails


def callbacks_of_synth(
    tmp_path: Path, constructs: int, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    app = cdk.App(outdir=str(tmp_path / f"out{constructs}"))
    stack = cdk.Stack(app, "Stack")
    cdk.CfnWaitConditionHandle(stack, "Handle")
    for number in range(constructs):
        Construct(stack, f"C{number}")
    cdk.Aspects.of(app).add(SecurityGuardrails())
    seen: list[str] = []
    original = jsii._kernel._handle_callback

    def counting(kernel: Any, callback: Any) -> Any:
        seen.append(str(callback.cookie))
        return original(kernel, callback)

    monkeypatch.setattr(jsii._kernel, "_handle_callback", counting)
    app.synth()
    monkeypatch.undo()
    return seen


def test_guardrails_aspect_callbacks_do_not_grow_with_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = callbacks_of_synth(tmp_path, 10, monkeypatch)
    large = callbacks_of_synth(tmp_path, 1000, monkeypatch)
    assert small == large
    assert small.count("_on_scope") == 1
    assert "visit" not in small


def test_one_instance_checks_every_app_it_is_added_to(tmp_path: Path) -> None:
    # Every App's path is "": a guardrails object that remembered scopes by path checked
    # only the first App it was added to.
    guardrails = SecurityGuardrails()
    for name in ("first", "second"):
        app = cdk.App(outdir=str(tmp_path / name))
        stack = cdk.Stack(app, "Stack")
        cdk.CfnResource(stack, "Open", type="AWS::S3::Bucket")
        cdk.Aspects.of(app).add(guardrails)
        with pytest.raises(RuntimeError, match=r"ValidationFailed|guardrail"):
            app.synth()
