"""Hostile and malformed input: bounded parsing, no traceback, exit 1 only for violations.

Every hostile file is generated here in ``tmp_path``. Cases that could hang or crash the
interpreter (alias bombs, very deep nesting) run the command in a subprocess with a
timeout, so the suite itself can never hang.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from aspects import cli, report
from aspects.assembly import (
    MAX_FILE_BYTES,
    InputError,
    _read_at_most,
    load_paths,
    load_template,
)
from aspects.cfn_yaml import MAX_ALIAS_NODES, MAX_DEPTH
from aspects.cli import main
from aspects.constants import REPORT_JSON, REPORT_SARIF
from aspects.engine import Evaluation
from aspects.report import remove_reports, write_atomically, write_reports
from tests.conftest import REPO_ROOT

PROG = "secure-constructs"


def run_scan(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m aspects.cli scan ARGV`` in a subprocess that cannot outlive 30 s."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "aspects.cli", "scan", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a refused input (exit 2, nothing on stdout)."""
    assert "Traceback" not in result.stderr
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    (line,) = result.stderr.splitlines()
    return line


def write(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


BUCKET = {"Type": "AWS::S3::Bucket"}
NOT_CFN = "is not a CloudFormation template ({}, not a mapping)"


# -- bounded parsing ---------------------------------------------------------------------------


def test_yaml_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["Resources:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(8):
        prev, name = chr(97 + i), chr(98 + i)
        lines.append(f"  {name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    file = write(tmp_path / "laughs.yaml", "\n".join(lines) + "\n")
    assert file.stat().st_size < 700
    line = one_error_line(run_scan(file.name, cwd=tmp_path))
    assert re.fullmatch(
        rf"{PROG}: error: laughs\.yaml: invalid YAML \(line \d+ column \d+: aliases expand to "
        rf"more than {MAX_ALIAS_NODES} nodes\)",
        line,
    )


def test_a_recursive_yaml_alias_is_refused(tmp_path: Path) -> None:
    file = write(tmp_path / "loop.yaml", "Resources: &r\n  A: *r\n")
    line = one_error_line(run_scan(file.name, cwd=tmp_path))
    assert line == f"{PROG}: error: loop.yaml: invalid YAML (line 2 column 6: a recursive alias *r)"


@pytest.mark.parametrize("style", ["flow", "block"])
def test_yaml_30000_deep_is_refused_not_a_segfault(tmp_path: Path, style: str) -> None:
    depth = 30_000
    if style == "flow":
        text = "Resources: " + "[" * depth + "]" * depth + "\n"
    else:
        text = "Resources:\n  A:\n    " + "- " * depth + "x\n"  # compact nested sequences
    file = write(tmp_path / "deep.yaml", text)
    line = one_error_line(run_scan(file.name, cwd=tmp_path))
    assert re.fullmatch(
        rf"{PROG}: error: deep\.yaml: invalid YAML \(line \d+ column \d+: nested deeper than "
        rf"{MAX_DEPTH} levels\)",
        line,
    )


@pytest.mark.parametrize("depth", [MAX_DEPTH, 990, 100_000])
def test_deep_json_is_refused_without_a_traceback(tmp_path: Path, depth: int) -> None:
    inner = "[" * depth + "]" * depth
    file = write(
        tmp_path / "deep.json",
        f'{{"Resources": {{"B": {{"Type": "AWS::S3::Bucket", '
        f'"Properties": {{"Tags": {inner}}}}}}}}}',
    )
    line = one_error_line(run_scan(file.name, cwd=tmp_path))
    assert line == f"{PROG}: error: deep.json: invalid JSON: nested deeper than {MAX_DEPTH} levels"


def test_json_and_yaml_at_the_depth_limit_are_read(tmp_path: Path) -> None:
    # Resources > B > Properties > Tags = 4 levels; the rest are lists.
    inner = "[" * (MAX_DEPTH - 4) + "]" * (MAX_DEPTH - 4)
    bucket = f'{{"Type": "AWS::S3::Bucket", "Properties": {{"Tags": {inner}}}}}'
    text = f'{{"Resources": {{"B": {bucket}}}}}'
    (stack,) = load_template(write(tmp_path / "ok.json", text))
    (yaml_stack,) = load_template(write(tmp_path / "ok.yaml", text))
    assert stack.template == yaml_stack.template


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    file = tmp_path / "huge.json"
    with file.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk space used
    with pytest.raises(InputError) as caught:
        load_paths([file])
    assert str(caught.value) == f"{file}: is larger than 50 MiB, the most secure-constructs reads"


def test_a_small_file_is_read_without_allocating_the_limit(tmp_path: Path) -> None:
    # Reading with read(limit + 1) allocated 50 MiB for every file, however small.
    file = write(tmp_path / "small.json", '{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}')
    tracemalloc.start()
    try:
        load_template(file)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


def test_a_pipe_is_read_to_its_end_and_no_further_than_the_limit() -> None:
    for payload, limit, expected in [(b'{"a": 1}', 100, b'{"a": 1}'), (b"x" * 50, 10, b"x" * 11)]:
        read_end, write_end = os.pipe()
        os.write(write_end, payload)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as stream:
            assert _read_at_most(stream, limit) == expected


# -- malformed but parseable: never a traceback, never exit 1 for it ----------------------------


def test_nan_in_json_is_refused(tmp_path: Path) -> None:
    file = write(
        tmp_path / "nan.json",
        '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"X": NaN}}}}',
    )
    line = one_error_line(run_scan(file.name, cwd=tmp_path))
    assert line == f"{PROG}: error: nan.json: invalid JSON: NaN is not a JSON number"


def test_yaml_inf_and_nan_stay_text_and_the_port_cannot_be_verified(tmp_path: Path) -> None:
    file = write(
        tmp_path / "sg.yaml",
        "Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
        "      GroupDescription: x\n      SecurityGroupIngress:\n"
        "        - {IpProtocol: tcp, FromPort: .inf, ToPort: .NaN, CidrIp: 0.0.0.0/0}\n",
    )
    (stack,) = load_template(file)
    rule = stack.template["Resources"]["Sg"]["Properties"]["SecurityGroupIngress"][0]
    assert (rule["FromPort"], rule["ToPort"]) == (".inf", ".NaN")
    result = run_scan(str(file), "--rule", "SC-EC2-1", "-f", "json", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "")
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["ruleId"], finding["logicalId"]) == ("SC-EC2-1", "Sg")


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ({"Resources": [BUCKET]}, NOT_CFN.format("Resources is a list")),
        ({"Resources": {}, "Outputs": [1]}, NOT_CFN.format("Outputs is a list")),
        ({"Parameters": "x", "Resources": {}}, NOT_CFN.format("Parameters is a str")),
        ({"Conditions": [], "Resources": {}}, NOT_CFN.format("Conditions is a list")),
        ({"Mappings": 1, "Resources": {}}, NOT_CFN.format("Mappings is a int")),
        ({"Metadata": [], "Resources": {}}, NOT_CFN.format("Metadata is a list")),
        (
            {"Transform": 5, "Resources": {}},
            "is not a CloudFormation template (Transform holds 5, not a transform name)",
        ),
        ({"Resources": {"B": {"Type": 5}}}, "resource 'B' has a Type that is not a string: 5"),
        (
            {"Resources": {"B": {"Type": ["AWS::S3::Bucket"]}}},
            "resource 'B' has a Type that is not a string: ['AWS::S3::Bucket']",
        ),
        ({"Resources": {"B": [BUCKET]}}, "resource 'B' is a list, not a mapping"),
        (
            {"Resources": {"B": {**BUCKET, "Metadata": ["x"]}}},
            "resource 'B' has Metadata that is a list, not a mapping",
        ),
    ],
)
def test_a_template_of_the_wrong_shape_is_one_line_naming_the_problem(
    tmp_path: Path, template: dict[str, Any], problem: str
) -> None:
    file = write(tmp_path / "t.json", template)
    with pytest.raises(InputError) as caught:
        load_paths([file])
    assert str(caught.value) == f"{file}: {problem}"


def test_yaml_keys_that_are_not_strings_are_refused(tmp_path: Path) -> None:
    file = write(tmp_path / "t.yaml", "Resources:\n  1:\n    Type: AWS::S3::Bucket\n")
    with pytest.raises(InputError, match=r"t\.yaml: Resources has a name that is not a string: 1$"):
        load_paths([file])


@pytest.mark.parametrize(
    "resource",
    [
        {**BUCKET, "Properties": [1, 2]},
        {**BUCKET, "Properties": "encrypted"},
        {**BUCKET, "Properties": {"BucketEncryption": {"Fn::If": [5, {}, {}]}}},
        {**BUCKET, "Properties": {"BucketEncryption": {"Fn::If": [["C"], {}]}}},
        {**BUCKET, "Properties": {"BucketName": {"Fn::Sub": [1, 2, 3]}, "Tags": {"Fn::Sub": "${"}}},
        {**BUCKET, "Condition": ["x"], "DependsOn": {"a": 1}},
    ],
)
def test_a_malformed_resource_reaches_the_rules_without_a_traceback(
    tmp_path: Path, resource: dict[str, Any]
) -> None:
    file = write(tmp_path / "t.json", {"Resources": {"B": resource}})
    result = run_scan(str(file), "--rule", "SC-S3-1,SC-S3-2", "-f", "json", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "")
    found = {(f["ruleId"], f["logicalId"]) for f in json.loads(result.stdout)["findings"]}
    assert found == {("SC-S3-1", "B"), ("SC-S3-2", "B")}


def test_an_unexpected_failure_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise KeyError("surprise\nsecond line")

    monkeypatch.setattr(cli, "load_paths", boom)
    assert main(["scan", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        f"{PROG}: internal error: KeyError: 'surprise\\nsecond line'\n",
    )


# -- cloud assemblies: manifests, cycles, paths that leave the assembly ---------------------------


def assembly(directory: Path, artifacts: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    write(directory / "manifest.json", {"version": "36.0.0", "artifacts": artifacts})
    return directory


def stack_artifact(template_file: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "aws:cloudformation:stack",
        "properties": {"templateFile": template_file},
        **extra,
    }


def test_artifact_properties_that_are_a_list_are_named(tmp_path: Path) -> None:
    out = assembly(
        tmp_path / "cdk.out", {"S": {"type": "aws:cloudformation:stack", "properties": []}}
    )
    with pytest.raises(InputError) as caught:
        load_paths([out])
    assert str(caught.value) == (
        f"{out / 'manifest.json'}: artifact 'S' has properties that are a list, not a mapping"
    )


@pytest.mark.parametrize("target", [".", "..", "inner/.."])
def test_a_nested_assembly_that_leads_back_is_a_cycle(tmp_path: Path, target: str) -> None:
    out = tmp_path / "cdk.out"
    nested = {"type": "cdk:cloud-assembly", "properties": {"directoryName": target}}
    assembly(out, {"Loop": nested})
    assembly(
        out / "inner",
        {"Back": {"type": "cdk:cloud-assembly", "properties": {"directoryName": ".."}}},
    )
    if target == "..":
        # The parent directory is outside the assembly: refused before it could loop.
        with pytest.raises(InputError, match="leads outside it"):
            load_paths([out])
        return
    with pytest.raises(
        InputError, match=r"leads back to an assembly already being read \(a cycle\)$"
    ):
        load_paths([out])


def test_an_assembly_without_stacks_is_not_clean(tmp_path: Path) -> None:
    out = assembly(
        tmp_path / "cdk.out", {"Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}}}
    )
    line = one_error_line(run_scan(str(out), cwd=tmp_path))
    assert line == (
        f"{PROG}: error: {out / 'manifest.json'}: no stacks found (the cloud assembly has no "
        "stack artifacts, so there is nothing to scan)"
    )


def test_a_template_without_resources_given_by_name_is_zero_resources(tmp_path: Path) -> None:
    file = write(tmp_path / "empty.json", {"Resources": {}})
    result = run_scan(str(file), "-f", "json", cwd=tmp_path)
    assert (result.returncode, json.loads(result.stdout)["summary"]["resourcesChecked"]) == (0, 0)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A template outside the assembly, with a violation."""
    (tmp_path / "elsewhere").mkdir()
    return write(tmp_path / "elsewhere" / "Evil.template.json", {"Resources": {"B": BUCKET}})


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink"])
def test_a_template_file_outside_the_assembly_is_refused_unless_allowed(
    tmp_path: Path, outside: Path, how: str
) -> None:
    out = tmp_path / "cdk.out"
    out.mkdir()
    name = {"absolute": str(outside), "dotdot": "../elsewhere/Evil.template.json"}.get(
        how, "Link.template.json"
    )
    if how == "symlink":
        (out / name).symlink_to(outside)
    assembly(out, {"S": stack_artifact(name)})
    line = one_error_line(run_scan(str(out), cwd=tmp_path))
    problem = (
        "is an absolute path"
        if how == "absolute"
        else "leads outside it (through '..' or a symbolic link)"
    )
    assert line == (
        f"{PROG}: error: {out / 'manifest.json'}: the templateFile of stack artifact 'S' "
        f"{name!r} {problem}, but only files inside {out} are read; pass "
        "--allow-outside-assembly to read it"
    )
    allowed = run_scan(
        str(out), "--allow-outside-assembly", "--rule", "SC-S3-1", "-f", "json", cwd=tmp_path
    )
    assert allowed.returncode == 1, allowed.stderr
    assert [f["logicalId"] for f in json.loads(allowed.stdout)["findings"]] == ["B"]


def test_metadata_file_and_nested_stack_outside_the_assembly_are_refused(
    tmp_path: Path, outside: Path
) -> None:
    out = tmp_path / "cdk.out"
    out.mkdir()
    write(out / "S.template.json", {"Resources": {"B": BUCKET}})
    assembly(out, {"S": stack_artifact("S.template.json", additionalMetadataFile="/etc/passwd")})
    with pytest.raises(
        InputError, match=r"additionalMetadataFile '/etc/passwd' is an absolute path"
    ):
        load_paths([out])

    nested = {
        "Type": "AWS::CloudFormation::Stack",
        "Metadata": {"aws:asset:path": "../elsewhere/Evil.template.json"},
    }
    write(out / "S.template.json", {"Resources": {"Child": nested}})
    assembly(out, {"S": stack_artifact("S.template.json")})
    with pytest.raises(
        InputError,
        match=r"S\.template\.json: the template of nested stack S/Child "
        r"'\.\./elsewhere/Evil\.template\.json' leads outside it",
    ):
        load_paths([out])
    stacks = load_paths([out], allow_outside_assembly=True)
    assert [s.stack_path for s in stacks] == ["S", "S/Child"]


# -- reports ----------------------------------------------------------------------------------


def test_reports_are_replaced_atomically_and_can_be_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluation = Evaluation((), ("S",), 0)
    json_path, sarif_path = write_reports(evaluation, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([REPORT_JSON, REPORT_SARIF])
    assert oct(json_path.stat().st_mode & 0o777) == oct(0o644)
    before = json_path.read_text()

    def broken(*_args: object, **_kwargs: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report.os, "replace", broken)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(json_path, "half a rep")
    # The old report is intact and no temporary file is left behind.
    assert json_path.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([REPORT_JSON, REPORT_SARIF])
    monkeypatch.undo()

    assert remove_reports(tmp_path) == [json_path, sarif_path]
    assert list(tmp_path.iterdir()) == []
    assert remove_reports(tmp_path) == []


def test_sarif_uris_are_percent_encoded(tmp_path: Path) -> None:
    folder = tmp_path / "in put"
    folder.mkdir()
    file = write(folder / "my 100% #1 [x] é.json", {"Resources": {"B": BUCKET}})
    result = run_scan(
        str(file.relative_to(tmp_path)), "--rule", "SC-S3-1", "-f", "sarif", cwd=tmp_path
    )
    (run,) = json.loads(result.stdout)["runs"]
    (found,) = run["results"]
    assert found["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "in%20put/my%20100%25%20%231%20%5Bx%5D%20%C3%A9.json",
        "uriBaseId": "SRCROOT",
    }
    elsewhere = run_scan(str(file), "--rule", "SC-S3-1", "-f", "sarif", cwd=REPO_ROOT / "docs")
    (run,) = json.loads(elsewhere.stdout)["runs"]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == file.resolve().as_uri()
    assert "%20" in uri
    assert "%25" in uri


def test_junit_stays_valid_xml_with_control_characters(tmp_path: Path) -> None:
    file = write(tmp_path / "t.json", {"Resources": {"B\x01\x1f\x0b": BUCKET}})
    result = run_scan(str(file), "--rule", "SC-S3-1", "-f", "junit", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    root = ET.fromstring(result.stdout)  # noqa: S314 - our own output
    (case,) = root.iter("testcase")
    assert case.get("name") == "SC-S3-1 t/B\\x01\\x1f\\x0b"


def test_junit_warnings_are_not_failures_unless_fail_on_warning(tmp_path: Path) -> None:
    function = {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Runtime": "python3.12", "Handler": "i.h", "Role": "arn:aws:iam::1:role/r"},
    }
    file = write(tmp_path / "fn.json", {"Resources": {"Fn": function}})
    passing = run_scan(str(file), "--rule", "SC-LAMBDA-6", "-f", "junit", cwd=tmp_path)
    root = ET.fromstring(passing.stdout)  # noqa: S314 - our own output
    (case,) = root.iter("testcase")
    # A warning passes (as the exit code says) and carries the finding as output.
    assert (case.find("skipped"), case.find("failure")) == (None, None)
    assert (case.findtext("system-out") or "").startswith(
        "warning (non-compliant): TracingConfig.Mode is not set"
    )
    assert (passing.returncode, root.get("failures"), root.get("skipped")) == (0, "0", "0")

    failing = run_scan(
        str(file), "--rule", "SC-LAMBDA-6", "-f", "junit", "--fail-on", "warning", cwd=tmp_path
    )
    root = ET.fromstring(failing.stdout)  # noqa: S314 - our own output
    assert (failing.returncode, root.get("failures"), root.get("skipped")) == (1, "1", "0")


def test_a_closed_pipe_keeps_the_verdict(tmp_path: Path) -> None:
    """`scan | head` must not turn violations into exit 0 (nor print a traceback)."""
    buckets = {f"B{i}": {"Type": "AWS::S3::Bucket"} for i in range(400)}  # > a pipe buffer
    template = write(tmp_path / "many.json", {"Resources": buckets})
    scan = subprocess.Popen(
        [sys.executable, "-m", "aspects.cli", "scan", str(template), "--format", "table"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert scan.stdout is not None
    scan.stdout.readline()
    scan.stdout.close()  # the reader goes away, as `head -1` does
    _out, err = scan.communicate(timeout=60)
    assert scan.returncode == 1
    assert "Traceback" not in err
