"""The CI integrations: the pre-commit hooks, the composite GitHub Action, the GitLab snippet.

Each definition is parsed and its contract asserted; the commands they run are run for real
on fixture templates with the installed console script (the hook's entry with its args and
file names, as pre-commit would; the Action's scan and verdict steps with the inputs as
environment variables, as the runner would).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from aspects.cli import _parser
from tests.conftest import REPO_ROOT

DATA = REPO_ROOT / "tests" / "data"
BIN = Path(sys.executable).parent
OPEN = DATA / "open.template.json"
CLEAN = {
    "Resources": {
        "Key": {
            "Type": "AWS::KMS::Key",
            "Properties": {"EnableKeyRotation": True},
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        }
    }
}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def env() -> dict[str, str]:
    """The environment of a CI step: the installed console script first on PATH."""
    if not (BIN / "secure-constructs").exists():
        pytest.fail("the console script is not installed: run `pip install -e .`")
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def assembly(directory: Path, template: dict[str, Any]) -> Path:
    """A minimal cloud assembly holding one stack."""
    out = directory / "cdk.out"
    out.mkdir()
    (out / "App.template.json").write_text(json.dumps(template, indent=1))
    manifest = {
        "version": "36.0.0",
        "artifacts": {
            "App": {
                "type": "aws:cloudformation:stack",
                "environment": "aws://unknown-account/unknown-region",
                "properties": {"templateFile": "App.template.json"},
            }
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def parses_as_scan(command: str) -> None:
    """A `secure-constructs scan ...` command line is accepted by the real parser."""
    argv = shlex.split(command)
    assert argv[:2] == ["secure-constructs", "scan"], command
    args = _parser().parse_args(argv[1:])
    assert args.command == "scan"


# -- pre-commit ------------------------------------------------------------------------------

#: pre-commit's manifest schema (pre_commit.clientlib MANIFEST_HOOK_DICT): required keys and
#: the keys it knows.
HOOK_REQUIRED = {"id", "name", "entry", "language"}
HOOK_KEYS = HOOK_REQUIRED | {
    "alias", "files", "exclude", "types", "types_or", "exclude_types", "additional_dependencies",
    "args", "always_run", "fail_fast", "pass_filenames", "description", "language_version",
    "log_file", "minimum_pre_commit_version", "require_serial", "stages", "verbose",
}  # fmt: skip


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict[str, Any]]:
    manifest = load(REPO_ROOT / ".pre-commit-hooks.yaml")
    assert isinstance(manifest, list)
    return {hook["id"]: hook for hook in manifest}


def test_pre_commit_manifest_follows_pre_commits_schema(hooks: dict[str, dict[str, Any]]) -> None:
    assert set(hooks) == {"secure-constructs", "secure-constructs-cdk-out"}
    for hook in hooks.values():
        assert HOOK_REQUIRED <= set(hook) <= HOOK_KEYS
        # language python: pre-commit installs this repository (the package) for the hook.
        assert hook["language"] == "python"
        assert shlex.split(hook["entry"])[:2] == ["secure-constructs", "scan"]
        assert hook["require_serial"] is True
        re.compile(hook.get("files", ""))
    cdk_out = hooks["secure-constructs-cdk-out"]
    assert (cdk_out["pass_filenames"], cdk_out["always_run"], cdk_out["args"]) == (
        False,
        True,
        ["cdk.out"],
    )
    # The entry is our own console script, declared in pyproject.toml.
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    assert 'secure-constructs = "aspects.cli:main"' in pyproject


@pytest.mark.parametrize(
    ("name", "matches"),
    [
        ("App.template.json", True),
        ("infra/network.template.yaml", True),
        ("stacks/template.yml", True),
        ("cfn/db-cfn.json", True),
        ("package.json", False),
        ("cdk.json", False),
        ("templates/readme.md", False),
    ],
)
def test_pre_commit_template_hook_picks_template_files(
    hooks: dict[str, dict[str, Any]], name: str, matches: bool
) -> None:
    assert bool(re.search(hooks["secure-constructs"]["files"], name)) is matches


def run_hook(hook: dict[str, Any], files: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a hook as pre-commit does: entry, then args, then the file names (if passed)."""
    argv = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    if hook.get("pass_filenames", True):
        argv += files
    return subprocess.run(
        argv, cwd=cwd, env=env(), capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.e2e
def test_pre_commit_template_hook_runs_for_real(
    hooks: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    hook = hooks["secure-constructs"]
    shutil.copy(OPEN, tmp_path / "open.template.json")
    (tmp_path / "clean.template.json").write_text(json.dumps(CLEAN))
    staged = ["open.template.json", "clean.template.json", "package.json"]
    picked = [n for n in staged if re.search(hook["files"], n)]
    assert picked == ["open.template.json", "clean.template.json"]
    failing = run_hook(hook, picked, tmp_path)
    assert failing.returncode == 1, failing.stderr
    assert "ERROR  SC-EC2-1     open/Ssh [Ssh]" in failing.stdout
    assert "docs: https://" in failing.stdout
    passing = run_hook(hook, ["clean.template.json"], tmp_path)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "0 error(s)" in passing.stdout


@pytest.mark.e2e
def test_pre_commit_cdk_out_hook_runs_for_real(
    hooks: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    hook = hooks["secure-constructs-cdk-out"]
    assembly(tmp_path, json.loads(OPEN.read_text()))
    result = run_hook(hook, ["ignored.txt"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "App  (cdk.out/App.template.json)" in result.stdout
    missing = run_hook(hook, [], tmp_path / "cdk.out")
    assert missing.returncode == 2
    assert "cdk.out: no such file or directory" in missing.stderr


# -- the GitHub Action -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data = load(REPO_ROOT / "action.yml")
    assert isinstance(data, dict)
    return data


def test_action_is_a_composite_with_the_documented_inputs(action: dict[str, Any]) -> None:
    assert action["name"]
    assert action["description"]
    inputs = action["inputs"]
    assert {name: spec.get("default") for name, spec in inputs.items()} == {
        "path": "cdk.out",
        "fail-on": "error",
        "sarif-output": "secure-constructs.sarif",
        "upload-sarif": "true",
        "python-version": "3.12",
    }
    assert all(spec["description"] for spec in inputs.values())
    assert set(action["outputs"]) == {"exit-code", "sarif-file"}
    runs = action["runs"]
    assert runs["using"] == "composite"
    steps = runs["steps"]
    for step in steps:
        assert ("run" in step) != ("uses" in step)
        if "run" in step:
            # A composite's run steps must name their shell; inputs reach scripts only as
            # environment variables (no ${{ }} pasted into a script: no injection).
            assert step["shell"] == "bash"
            assert "${{" not in step["run"]
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@v")
    assert upload["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif-file }}"
    assert "always()" in upload["if"]
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    # The verdict comes last, after the upload: the alerts are uploaded when the scan fails.
    names = [s.get("id") or s["name"] for s in steps]
    assert names.index("scan") < steps.index(upload) < len(steps) - 1
    assert steps[-1]["env"] == {"SC_EXIT": "${{ steps.scan.outputs.exit-code }}"}
    install = next(s for s in steps if s.get("name") == "Install secure-constructs")
    assert install["env"] == {"SC_SOURCE": "${{ github.action_path }}"}


_EXPRESSION = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")


def run_step(
    step: dict[str, Any], inputs: dict[str, str], cwd: Path, outputs: Path
) -> subprocess.CompletedProcess[str]:
    """Run a composite step's script as the runner does: bash -e, env from the inputs."""
    step_env = {
        name: _EXPRESSION.sub(lambda m: inputs[m.group(1)], value)
        for name, value in step.get("env", {}).items()
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env={**env(), **step_env, "GITHUB_OUTPUT": str(outputs)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


@pytest.mark.e2e
def test_action_scan_and_verdict_steps_run_for_real(action: dict[str, Any], tmp_path: Path) -> None:
    steps = {step.get("id") or step["name"]: step for step in action["runs"]["steps"]}
    defaults = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    shutil.copy(OPEN, tmp_path / "open.template.json")
    (tmp_path / "clean.template.json").write_text(json.dumps(CLEAN))

    outputs = tmp_path / "out1"
    inputs = {**defaults, "path": "open.template.json\nclean.template.json"}
    result = run_step(steps["scan"], inputs, tmp_path, outputs)
    assert result.returncode == 0, result.stderr  # the step records; the verdict fails
    assert "SC-EC2-1" in result.stdout  # the table, in the job log
    assert read_outputs(outputs) == {"exit-code": "1", "sarif-file": "secure-constructs.sarif"}
    sarif = json.loads((tmp_path / "secure-constructs.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"SC-EC2-1", "SC-IAM-1"}
    # The verdict step, with SC_EXIT from the scan step's output, fails the job.
    verdict = subprocess.run(
        ["bash", "-c", steps["Verdict"]["run"]],
        env={**env(), "SC_EXIT": read_outputs(outputs)["exit-code"]},
        check=False,
    )
    assert verdict.returncode == 1

    outputs = tmp_path / "out2"
    inputs = {**defaults, "path": "clean.template.json", "sarif-output": "", "fail-on": "warning"}
    result = run_step(steps["scan"], inputs, tmp_path, outputs)
    assert result.returncode == 0, result.stderr
    assert read_outputs(outputs) == {"exit-code": "0", "sarif-file": ""}


# -- documented snippets ---------------------------------------------------------------------


def yaml_blocks(markdown: Path) -> list[Any]:
    text = markdown.read_text(encoding="utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def test_gitlab_ci_snippet_is_a_valid_job_with_a_junit_report() -> None:
    blocks = yaml_blocks(REPO_ROOT / "docs" / "ci.md")
    (gitlab,) = [b for b in blocks if isinstance(b, dict) and "secure-constructs" in b]
    job = gitlab["secure-constructs"]
    assert set(job) <= {"stage", "image", "before_script", "script", "artifacts", "needs"}
    assert job["image"].startswith("python:3.")
    scans = [line for line in job["script"] if line.startswith("secure-constructs scan")]
    assert len(scans) == 3
    for line in scans:
        parses_as_scan(line)
    outputs = {
        _parser().parse_args(shlex.split(line)[1:]).format: _parser()
        .parse_args(shlex.split(line)[1:])
        .output
        for line in scans
    }
    artifacts = job["artifacts"]
    assert artifacts["when"] == "always"
    assert artifacts["reports"]["junit"] == outputs["junit"]
    assert set(artifacts["paths"]) == {outputs["sarif"], outputs["html"]}
    # Only the JUnit run decides the job (--fail-on error); the others never fail it.
    junit_line = next(line for line in scans if "--format junit" in line)
    assert "--fail-on never" not in junit_line


def test_github_workflow_snippets_use_the_action_and_real_options() -> None:
    blocks = yaml_blocks(REPO_ROOT / "docs" / "ci.md")
    workflow = next(b for b in blocks if isinstance(b, dict) and "jobs" in b)
    steps = workflow["jobs"]["guardrails"]["steps"]
    uses = next(s for s in steps if "secure-constructs/secure-constructs@" in s.get("uses", ""))
    action = load(REPO_ROOT / "action.yml")
    assert set(uses["with"]) <= set(action["inputs"])
    assert workflow["jobs"]["guardrails"]["permissions"]["security-events"] == "write"
    hooks_config = next(b for b in blocks if isinstance(b, dict) and "repos" in b)
    ids = {hook["id"] for repo in hooks_config["repos"] for hook in repo["hooks"]}
    manifest = {hook["id"] for hook in load(REPO_ROOT / ".pre-commit-hooks.yaml")}
    assert ids == manifest
    # docs/cli.md's workflow snippet parses and its scan command is accepted.
    (cli_workflow,) = yaml_blocks(REPO_ROOT / "docs" / "cli.md")
    for step in cli_workflow:
        for command in str(step.get("run", "")).split("&&"):
            if command.strip().startswith("secure-constructs scan"):
                parses_as_scan(command.strip())
