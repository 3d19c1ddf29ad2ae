"""Reading what there is to scan: cloud assemblies with nested stages and nested stacks,
acknowledgments wherever CDK or a person writes them, YAML short forms, and bad input.

One app (``tests/data/nested_app.py``) synthesized in-process once for the module; the same
app through the real CDK CLI is in ``tests/test_cli.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path

import aws_cdk as cdk
import pytest

from aspects import SecurityGuardrails
from aspects.assembly import (
    KNOWN_MANIFEST_MAJOR,
    InputError,
    NewerSchemaWarning,
    load_assembly,
    load_paths,
    load_template,
)
from aspects.cfn_yaml import parse_yaml
from aspects.coverage import NESTED_TEMPLATE_RULE, with_unjudged
from aspects.engine import Evaluation, evaluate
from aspects.index import TemplateIndex
from aspects.model import Status
from aspects.plugin import GuardrailsPlugin
from aspects.rules import RULES_BY_ID
from tests.conftest import REPO_ROOT
from tests.data.nested_app import CEREMONY, SCRATCH, build

DATA = REPO_ROOT / "tests" / "data"
# The rules these tests pin (other rule families may grow without changing them).
PINNED = tuple(
    RULES_BY_ID[i]
    for i in (
        *(f"SC-S3-{n}" for n in range(1, 10)),
        "SC-KMS-1",
        "SC-KMS-2",
        "SC-KMS-3",
        "SC-LOGS-1",
        "SC-LOGS-2",
        "SC-EC2-1",
        "SC-EC2-2",
        "SC-IAM-1",
    )
)
PLAIN_BUCKET = ("SC-S3-1", "SC-S3-2", "SC-S3-4", "SC-S3-5", "SC-S3-9")
# (rule, construct path, acknowledgment reason) of everything the nested app violates.
EXPECTED = {
    *(
        (rule, "Top/Plain/Resource", SCRATCH if rule == "SC-S3-2" else None)
        for rule in PLAIN_BUCKET
    ),
    *((rule, "Top/Inner/Plain/Resource", None) for rule in PLAIN_BUCKET),
    ("SC-LOGS-1", "Top/Inner/Deeper/Logs/Resource", None),
    ("SC-LOGS-2", "Top/Inner/Deeper/Logs/Resource", None),
    ("SC-KMS-1", "Prod/Api/Key/Resource", CEREMONY),
}


def outcome(evaluation: Evaluation) -> set[tuple[str, str | None, str | None]]:
    return {(f.rule.id, f.construct_path, f.acknowledged_reason) for f in evaluation.findings}


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("nested")
    build(cdk.App(outdir=str(outdir))).synth()
    return outdir


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> GuardrailsPlugin:
    """The same app with SecurityGuardrails: what the validation plugin saw."""
    app = build(cdk.App(outdir=str(tmp_path_factory.mktemp("guarded"))))
    cdk.Aspects.of(app).add(SecurityGuardrails())
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    plugin = getattr(app, "_secure_constructs_guardrails_plugin", None)
    assert isinstance(plugin, GuardrailsPlugin)
    return plugin


# -- cloud assemblies --------------------------------------------------------------------------


def test_assembly_holds_stage_stacks_and_nested_stacks_at_any_depth(assembly: Path) -> None:
    stacks = load_assembly(assembly)
    assert sorted(s.stack_path for s in stacks) == [
        "Prod/Api",
        "Top",
        "Top/Inner",
        "Top/Inner/Deeper",
    ]
    nested = {s.stack_path: Path(s.template_path).name for s in stacks}
    assert nested["Top/Inner"].endswith(".nested.template.json")
    assert nested["Top/Inner/Deeper"].endswith(".nested.template.json")


def test_same_logical_id_in_parent_and_nested_stack_keeps_its_own_construct_path(
    assembly: Path,
) -> None:
    stacks = {s.stack_path: TemplateIndex(s) for s in load_assembly(assembly)}
    assert stacks["Top"].construct_path("Plain295EB121") == "Top/Plain/Resource"
    assert stacks["Top/Inner"].construct_path("Plain295EB121") == "Top/Inner/Plain/Resource"


def test_findings_of_nested_stacks_and_acknowledgments_with_reasons(assembly: Path) -> None:
    evaluation = evaluate(load_assembly(assembly), lambda _: PINNED)
    assert outcome(evaluation) == EXPECTED


def test_acknowledgment_on_a_construct_does_not_cover_a_namesake_in_a_nested_stack(
    assembly: Path,
) -> None:
    evaluation = evaluate(load_assembly(assembly), lambda _: PINNED)
    versioning = {
        f.construct_path: f.acknowledged for f in evaluation.findings if f.rule.id == "SC-S3-2"
    }
    assert versioning == {"Top/Plain/Resource": True, "Top/Inner/Plain/Resource": False}


def test_validation_plugin_also_checks_nested_stacks(guarded: GuardrailsPlugin) -> None:
    evaluation = guarded.last_evaluation
    assert evaluation is not None
    assert set(evaluation.stacks) == {"Top", "Top/Inner", "Top/Inner/Deeper", "Prod/Api"}
    pinned = {p.id for p in PINNED}
    found = {(f.rule.id, f.construct_path, f.acknowledged_reason) for f in evaluation.findings}
    assert {row for row in found if row[0] in pinned} == EXPECTED


def test_acknowledgments_in_an_old_manifest_are_honoured(tmp_path: Path) -> None:
    (tmp_path / "Old.template.json").write_text(
        json.dumps({"Resources": {"Key1": {"Type": "AWS::KMS::Key"}}})
    )
    manifest = {
        "version": "21.0.0",
        "artifacts": {
            "Old": {
                "type": "aws:cloudformation:stack",
                "properties": {"templateFile": "Old.template.json"},
                "metadata": {
                    "/Old/Key": [
                        {
                            "type": "aws:cdk:acknowledged-rules",
                            "data": {"SecureConstructs::SC-KMS-1": CEREMONY},
                        }
                    ],
                    "/Old/Key/Resource": [{"type": "aws:cdk:logicalId", "data": "Key1"}],
                },
            }
        },
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    evaluation = evaluate(load_assembly(tmp_path), lambda _: (RULES_BY_ID["SC-KMS-1"],))
    assert outcome(evaluation) == {("SC-KMS-1", "Old/Key/Resource", CEREMONY)}


def test_an_assembly_reached_twice_is_read_once(assembly: Path) -> None:
    stacks = load_paths([assembly, assembly / "manifest.json"])
    assert len(stacks) == 4


# -- nested stacks as aws-cdk-lib 2.273 and older write them ------------------------------------

NESTED_TEMPLATE = "aws:cdk:templateFile"
NESTED_RESOURCE = "Top/Inner.NestedStack/Inner.NestedStackResource"
STACK_TYPE_REASON = "the child stacks are deployed and scanned by the platform team"


def as_older_releases_write_it(assembly: Path, copy: Path) -> Path:
    """A copy of *assembly* without ``aws:cdk:templateFile`` metadata.

    ``app.synth()`` of aws-cdk-lib 2.273 and older writes none (and, without the CLI, no
    ``aws:asset:path`` either): only the stack's asset manifest names the nested templates.
    """
    shutil.copytree(assembly, copy)
    for file in copy.rglob("*.metadata.json"):
        data = json.loads(file.read_text())
        file.write_text(
            json.dumps(
                {
                    path: [e for e in entries if e.get("type") != NESTED_TEMPLATE]
                    for path, entries in data.items()
                }
            )
        )
    assert not [f for f in copy.rglob("*.json") if NESTED_TEMPLATE in f.read_text()]
    assert "aws:asset:path" not in (copy / "Top.template.json").read_text()
    return copy


def test_nested_stacks_without_template_file_metadata_are_found_through_the_asset_manifest(
    assembly: Path, tmp_path: Path
) -> None:
    stacks = load_assembly(as_older_releases_write_it(assembly, tmp_path / "cdk.out"))
    assert sorted(s.stack_path for s in stacks) == [
        "Prod/Api",
        "Top",
        "Top/Inner",
        "Top/Inner/Deeper",
    ]
    assert outcome(evaluate(stacks, lambda _: PINNED)) == EXPECTED


@pytest.mark.parametrize("manifest", ["kept", "removed"])
def test_a_template_scanned_alone_finds_its_nested_stacks_through_the_asset_manifest(
    assembly: Path, tmp_path: Path, manifest: str
) -> None:
    copy = as_older_releases_write_it(assembly, tmp_path / "cdk.out")
    if manifest == "removed":  # then Top.assets.json beside Top.template.json is read
        (copy / "manifest.json").unlink()
    stacks = load_template(copy / "Top.template.json")
    assert [s.stack_path for s in stacks] == ["Top", "Top/Inner", "Top/Inner/Deeper"]
    assert outcome(evaluate(stacks, lambda _: PINNED)) == {
        row for row in EXPECTED if row[1].startswith("Top/")
    }


def test_a_nested_stack_that_no_source_names_is_an_error_not_a_silent_pass(
    assembly: Path, tmp_path: Path
) -> None:
    copy = as_older_releases_write_it(assembly, tmp_path / "cdk.out")
    assets = json.loads((copy / "Top.assets.json").read_text())
    assets["files"] = {
        key: asset
        for key, asset in assets["files"].items()
        if not asset["source"]["path"].startswith("TopInnerB4")
    }
    (copy / "Top.assets.json").write_text(json.dumps(assets))
    stacks = load_assembly(copy)
    # Deeper is named by Inner's template, which was never read.
    assert sorted(s.stack_path for s in stacks) == ["Prod/Api", "Top"]
    evaluation = with_unjudged(evaluate(stacks, lambda _: PINNED))
    (missing,) = [f for f in evaluation.findings if f.rule is NESTED_TEMPLATE_RULE]
    assert (missing.construct_path, missing.status, missing.blocks_synthesis) == (
        NESTED_RESOURCE,
        Status.CANNOT_VERIFY,
        True,
    )
    assert missing.message == (
        "the template of nested stack Top/Inner was not found (no aws:asset:path or "
        "aws:cdk:templateFile metadata and no asset manifest entry names it), so none of its "
        "resources was judged"
    )
    accepted = with_unjudged(
        evaluate(stacks, lambda _: PINNED),
        allow_unjudged={"AWS::CloudFormation::Stack": STACK_TYPE_REASON},
    )
    assert NESTED_TEMPLATE_RULE not in {f.rule for f in accepted.findings}


def test_an_asset_manifest_the_manifest_lists_but_that_is_missing_is_named(
    assembly: Path, tmp_path: Path
) -> None:
    copy = as_older_releases_write_it(assembly, tmp_path / "cdk.out")
    (copy / "Top.assets.json").unlink()
    with pytest.raises(
        InputError, match=r"Top\.assets\.json: is listed in manifest\.json but missing$"
    ):
        load_assembly(copy)


# -- template files ----------------------------------------------------------------------------


def test_yaml_template_with_short_forms_and_acknowledgment_in_resource_metadata() -> None:
    (stack,) = load_template(DATA / "bucket.yaml")
    assert stack.stack_path == "bucket"
    evaluation = evaluate([stack], lambda _: PINNED)
    found = {
        (f.rule.id, f.logical_id, f.status, f.acknowledged_reason) for f in evaluation.findings
    }
    assert found == {
        ("SC-S3-1", "Logs", Status.NON_COMPLIANT, None),
        ("SC-S3-2", "Logs", Status.NON_COMPLIANT, None),
        ("SC-S3-4", "Logs", Status.NON_COMPLIANT, None),
        ("SC-S3-5", "Logs", Status.NON_COMPLIANT, None),
        ("SC-S3-1", "Data", Status.CANNOT_VERIFY, None),
        (
            "SC-S3-2",
            "Data",
            Status.CANNOT_VERIFY,
            "versions are kept by the nightly replication job",
        ),
    }


def test_template_level_acknowledgment_covers_every_resource_of_a_plain_template() -> None:
    (stack,) = load_template(DATA / "open.template.json")
    evaluation = evaluate([stack], lambda _: PINNED)
    assert outcome(evaluation) == {
        ("SC-EC2-1", "open/Ssh", None),
        ("SC-EC2-2", "open/Network", "the VPC is only a placeholder for an imported network"),
        ("SC-IAM-1", "open/Admin", None),
    }


def test_yaml_short_forms_become_the_json_long_forms() -> None:
    text = """
Date: 2010-09-09
Values:
  - !Ref Bucket
  - !GetAtt Bucket.Arn
  - !GetAtt [Bucket, Arn]
  - !GetAtt Endpoint.Address.Port
  - !Sub "arn:${AWS::Partition}:s3:::${Bucket}"
  - !Sub ["${Name}-x", {Name: !Ref Bucket}]
  - !If [IsProd, !ImportValue shared-key, !Ref "AWS::NoValue"]
  - !Select [0, !GetAZs ""]
  - !GetAZs
  - !Join ["", [a, !Base64 b]]
  - !Equals [!Condition IsProd, true]
  - !FindInMap [Map, !Ref "AWS::Region", Ami]
"""
    assert parse_yaml(text) == {
        "Date": "2010-09-09",
        "Values": [
            {"Ref": "Bucket"},
            {"Fn::GetAtt": ["Bucket", "Arn"]},
            {"Fn::GetAtt": ["Bucket", "Arn"]},
            {"Fn::GetAtt": ["Endpoint", "Address.Port"]},
            {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}"},
            {"Fn::Sub": ["${Name}-x", {"Name": {"Ref": "Bucket"}}]},
            {"Fn::If": ["IsProd", {"Fn::ImportValue": "shared-key"}, {"Ref": "AWS::NoValue"}]},
            {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
            {"Fn::GetAZs": ""},
            {"Fn::Join": ["", ["a", {"Fn::Base64": "b"}]]},
            {"Fn::Equals": [{"Condition": "IsProd"}, True]},
            {"Fn::FindInMap": ["Map", {"Ref": "AWS::Region"}, "Ami"]},
        ],
    }


# -- bad input: one line naming the file and the problem ----------------------------------------


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        (
            "malformed.json",
            r"invalid JSON at line 4 column 3: Expecting property name enclosed in double quotes",
        ),
        # libyaml and PyYAML's pure-Python parser word this one differently.
        ("malformed.yaml", r"invalid YAML \(line 4 column 4: [^()]+\)"),
        (
            "unknown-tag.yaml",
            r"invalid YAML \(line 5 column 19: could not determine a constructor for the tag "
            r"'!Unknown'\)",
        ),
        (
            "not-cloudformation.json",
            r"is not a CloudFormation template \(unexpected top-level key 'name'; expected "
            r"Resources, Parameters\.\.\.\)",
        ),
        (
            "unknown-schema",
            r"has cloud assembly schema 99\.0\.0, newer than 55\.x \(the newest this "
            r"secure-constructs knows\), without a stack or nested assembly artifact it can "
            r"read \(the stacks may be laid out differently\); upgrade secure-constructs",
        ),
        ("nowhere", r"no such file or directory"),
        (".", r"is a directory without manifest\.json, so not a cloud assembly"),
    ],
)
def test_bad_input_is_one_line_naming_the_file_and_problem(name: str, problem: str) -> None:
    path = DATA / name
    shown = path / "manifest.json" if name == "unknown-schema" else path
    with pytest.raises(InputError) as caught:
        load_paths([path])
    assert re.fullmatch(re.escape(f"{shown}: ") + problem, str(caught.value))


def test_a_template_the_manifest_lists_but_that_is_missing_is_named(
    assembly: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "cdk.out"
    shutil.copytree(assembly, copy)
    (copy / "Top.template.json").unlink()
    with pytest.raises(
        InputError, match=r"Top\.template\.json: is listed in .*manifest\.json but missing$"
    ):
        load_assembly(copy)


def test_a_missing_nested_stack_template_is_named(assembly: Path, tmp_path: Path) -> None:
    copy = tmp_path / "cdk.out"
    shutil.copytree(assembly, copy)
    (nested,) = [p for p in copy.glob("*.nested.template.json") if "Deeper" in p.name]
    nested.unlink()
    with pytest.raises(
        InputError, match="the template of nested stack Top/Inner/Deeper is missing"
    ):
        load_assembly(copy)


# -- cloud assembly schema versions ----------------------------------------------------------


def with_schema(assembly: Path, copy: Path, version: str, **extra: dict[str, object]) -> Path:
    """A copy of *assembly* whose manifests (nested ones too) say *version*, plus *extra*
    artifacts in the top manifest."""
    shutil.copytree(assembly, copy)
    for manifest in copy.rglob("manifest.json"):
        data = json.loads(manifest.read_text())
        data["version"] = version
        if manifest.parent == copy:
            data["artifacts"].update(extra)
        manifest.write_text(json.dumps(data))
    return copy


def test_the_installed_aws_cdk_lib_writes_a_known_major(assembly: Path) -> None:
    # When the pinned aws-cdk-lib writes a newer major, check what that schema changed and
    # raise KNOWN_MANIFEST_MAJOR (docs/releasing.md). Older floors write older majors.
    version = json.loads((assembly / "manifest.json").read_text())["version"]
    assert 1 <= int(version.split(".")[0]) <= KNOWN_MANIFEST_MAJOR


def test_a_newer_minor_of_the_known_major_is_read_without_a_warning(
    assembly: Path, tmp_path: Path
) -> None:
    copy = with_schema(assembly, tmp_path / "cdk.out", f"{KNOWN_MANIFEST_MAJOR}.99.1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stacks = load_assembly(copy)
    assert outcome(evaluate(stacks, lambda _: PINNED)) == EXPECTED


def test_a_newer_major_is_read_with_a_warning_and_judged_the_same(
    assembly: Path, tmp_path: Path
) -> None:
    newer = f"{KNOWN_MANIFEST_MAJOR + 1}.0.0"
    copy = with_schema(assembly, tmp_path / "cdk.out", newer)
    with pytest.warns(NewerSchemaWarning) as caught:
        stacks = load_assembly(copy)
    # One warning per manifest read: the top one and the Stage's nested assembly.
    assert sorted(str(w.message).split(": ", 1)[0] for w in caught) == sorted(
        str(m) for m in (copy / "manifest.json", *copy.glob("assembly-*/manifest.json"))
    )
    assert str(caught[0].message).split(": ", 1)[1] == (
        f"has cloud assembly schema {newer}, newer than {KNOWN_MANIFEST_MAJOR}.x (the newest "
        f"this secure-constructs knows); read as schema {KNOWN_MANIFEST_MAJOR} lays out its "
        "stacks (every artifact is of a known type); upgrade secure-constructs to be sure"
    )
    assert sorted(s.stack_path for s in stacks) == [
        "Prod/Api",
        "Top",
        "Top/Inner",
        "Top/Inner/Deeper",
    ]
    assert outcome(evaluate(stacks, lambda _: PINNED)) == EXPECTED


def test_scan_prints_the_newer_schema_warning(
    assembly: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aspects.cli import main

    newer = f"{KNOWN_MANIFEST_MAJOR + 1}.0.0"
    copy = with_schema(assembly, tmp_path / "cdk.out", newer)
    main(["scan", str(copy), "--format", "json"])
    err = capsys.readouterr().err
    assert (
        f"secure-constructs: warning: {copy / 'manifest.json'}: has cloud assembly schema " in err
    )


def test_a_newer_major_with_an_unknown_artifact_type_is_refused(
    assembly: Path, tmp_path: Path
) -> None:
    # An artifact type this reader does not know might hold stacks: skipping it would pass
    # them unjudged, so the newer schema is refused instead of read.
    hologram = {"type": "cdk:stack-set", "properties": {"templateFile": "Set.template.json"}}
    copy = with_schema(assembly, tmp_path / "cdk.out", "56.1.0", Set=hologram)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # refused before any warning
        with pytest.raises(InputError) as caught:
            load_assembly(copy)
    assert str(caught.value) == (
        f"{copy / 'manifest.json'}: has cloud assembly schema 56.1.0, newer than 55.x (the "
        "newest this secure-constructs knows), with artifact type(s) it does not know "
        "('cdk:stack-set') that could hold stacks it would skip; upgrade secure-constructs"
    )


def test_a_newer_major_artifact_without_a_type_is_refused(assembly: Path, tmp_path: Path) -> None:
    copy = with_schema(assembly, tmp_path / "cdk.out", "57.0.0", Odd={"properties": {}})
    with pytest.raises(InputError, match=r"artifact type\(s\) it does not know \(None\)"):
        load_assembly(copy)


def test_an_unknown_artifact_type_in_the_known_major_is_skipped_as_before(
    assembly: Path, tmp_path: Path
) -> None:
    extra = {"type": "cdk:something-else", "properties": {}}
    copy = with_schema(assembly, tmp_path / "cdk.out", "55.0.0", Extra=extra)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stacks = load_assembly(copy)
    assert len(stacks) == 4


@pytest.mark.parametrize("version", ["0.1.0", "-3.0.0", "fifty-six", ""])
def test_a_version_that_is_not_a_schema_major_is_refused(
    version: str, assembly: Path, tmp_path: Path
) -> None:
    copy = with_schema(assembly, tmp_path / "cdk.out", version)
    with pytest.raises(InputError) as caught:
        load_assembly(copy)
    assert str(caught.value) == (
        f"{copy / 'manifest.json'}: has an unknown schema version {version!r}"
    )
