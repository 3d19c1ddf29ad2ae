"""CloudFormation YAML: short-form tags (``!Ref``, ``!GetAtt a.b``, ``!Sub``...) to JSON form.

The rules read templates in CloudFormation's JSON form, so ``!GetAtt Bucket.Arn`` must become
``{"Fn::GetAtt": ["Bucket", "Arn"]}`` and ``!If [C, a, b]`` ``{"Fn::If": ["C", "a", "b"]}``.
Dates stay strings (``AWSTemplateFormatVersion: 2010-09-09`` is not a ``datetime``), as
CloudFormation reads them.
"""

from __future__ import annotations

from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Tags whose long form is not ``Fn::<Tag>``.
_SPECIAL = {"Ref": "Ref", "Condition": "Condition"}

#: Every short form CloudFormation documents (intrinsic and condition functions).
SHORT_FORMS = (
    "Ref",
    "Condition",
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
)


class YamlError(ValueError):
    """A YAML document that cannot be parsed; the text gives line and column."""


class _Loader(_BASE):  # type: ignore[misc, valid-type, unused-ignore]
    """A safe loader that knows CloudFormation's tags and keeps dates as text."""


def _construct(loader: yaml.SafeLoader, tag: str, node: yaml.Node) -> dict[str, Any]:
    name = tag.lstrip("!")
    key = _SPECIAL.get(name, f"Fn::{name}")
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "GetAtt":
            # `!GetAtt Resource.Attribute` (the attribute itself may hold dots).
            value = str(value).split(".", 1)
        elif name == "GetAZs" and value is None:
            value = ""
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type, unused-ignore]
    return {key: value}


def _text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type, unused-ignore]


for _name in SHORT_FORMS:
    _Loader.add_constructor(
        f"!{_name}", lambda loader, node, _t=_name: _construct(loader, _t, node)
    )
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _text)


def parse_yaml(text: str) -> Any:
    """Parse one YAML document in CloudFormation's dialect.

    Raises
    ------
    YamlError
        With the line and column of the problem (an unknown ``!Tag`` included).
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        raise YamlError(f"{where}{exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc)) from None
