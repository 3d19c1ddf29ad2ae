"""SARIF regions of JSON templates read one resource at a time equal PyYAML's whole-text ones.

:class:`aspects.formats.TemplateMap` reads a JSON template laid out one key per line
resource by resource (:mod:`aspects.json_nodes`); every region it gives must be the one
composing the whole text with PyYAML gives, for every resource and every property path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aspects.formats import TemplateMap
from aspects.json_nodes import Lines, compose_value
from tests.conftest import REPO_ROOT

TRICKY: dict[str, Any] = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketName": 'quote " backslash \\ newline \n tab \t unicode \u00e9 \u2028',
                "Tags": [{"Key": "n", "Value": -1.5e3}, {"Key": "b", "Value": True}],
                "Empty": {},
                "None": [],
                "Null": None,
                "Nested": [[1, [2, {"Deep": [False, "x"]}]], "y"],
            },
        },
        "Key{with}:brackets": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": 0}},
        "Queue": {"Type": "AWS::SQS::Queue"},
    },
    "Outputs": {"Out": {"Value": {"Ref": "Bucket"}}},
}


def _paths(value: Any, prefix: str = "") -> list[str]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, f"{prefix}[{index}]")
    return out


def _composed(path: Path) -> TemplateMap:
    """The map as PyYAML composes the whole text (the reference)."""
    whole = TemplateMap.__new__(TemplateMap)
    whole.path = str(path)
    whole.lines = path.read_text(encoding="utf-8").splitlines()
    whole.resources = {}
    whole._compose("\n".join(whole.lines))
    return whole


def _assert_same_regions(path: Path) -> TemplateMap:
    data = json.loads(path.read_text(encoding="utf-8"))
    fast, whole = TemplateMap(str(path)), _composed(path)
    assert fast._json is not None  # read per resource, not composed whole
    for logical_id, resource in data["Resources"].items():
        for prop in [*_paths(resource), "Properties.Missing", "Missing.Deeper", "Tags[9]"]:
            assert fast.region(logical_id, prop) == whole.region(logical_id, prop), (
                logical_id,
                prop,
            )
    assert fast.region("NotThere") is None
    return fast


@pytest.mark.parametrize("indent", [1, 2, 4, "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_every_region_equals_the_composed_one(tmp_path: Path, indent: Any, newline: str) -> None:
    path = tmp_path / "t.template.json"
    text = json.dumps(TRICKY, indent=indent, ensure_ascii=indent == 2)
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    _assert_same_regions(path)


def test_the_repository_json_templates_give_the_composed_regions() -> None:
    path = REPO_ROOT / "tests" / "data" / "open.template.json"
    _assert_same_regions(path)


def test_minified_json_is_composed_whole(tmp_path: Path) -> None:
    path = tmp_path / "min.json"
    path.write_text(json.dumps(TRICKY, separators=(",", ":")), encoding="utf-8")
    fast = TemplateMap(str(path))
    assert fast._json is None
    region = fast.region("Bucket", "Properties.Tags[1]")
    assert region is not None
    assert region.start_line == 1


def test_a_resource_laid_out_otherwise_falls_back_to_composing(tmp_path: Path) -> None:
    # Keys one per line, but one resource's value is not JSON where it is read (a YAML
    # flow mapping PyYAML accepts): the map composes the whole text and still answers.
    text = (
        '{\n "Resources": {\n  "A": {"Type": \'AWS::SQS::Queue\'},\n  "B": {"Type": "X"}\n }\n}\n'
    )
    path = tmp_path / "odd.json"
    path.write_text(text, encoding="utf-8")
    fast = TemplateMap(str(path))
    region = fast.region("A", "Type")
    assert fast._json is None
    assert region is not None
    assert (region.start_line, region.start_column) == (3, 9)


@pytest.mark.parametrize(
    ("text", "offset"),
    [('"A": {"B": 1', 0), ('"A" 1', 0), ("{}", 0), ('"A": {"B": nope}', 0), ('"A": [1 2]', 0)],
)
def test_compose_value_refuses_what_is_not_a_json_pair(text: str, offset: int) -> None:
    with pytest.raises(ValueError, match=r"offset|ends inside"):
        compose_value(text, offset, Lines(text))
