"""CloudFormation YAML: short-form tags (``!Ref``, ``!GetAtt a.b``, ``!Sub``...) to JSON form.

The rules read templates in CloudFormation's JSON form, so ``!GetAtt Bucket.Arn`` must become
``{"Fn::GetAtt": ["Bucket", "Arn"]}`` and ``!If [C, a, b]`` ``{"Fn::If": ["C", "a", "b"]}``.
Dates stay strings (``AWSTemplateFormatVersion: 2010-09-09`` is not a ``datetime``), as
CloudFormation reads them, and so do ``.inf`` / ``.nan`` (a template tree holds only finite
numbers, so every report can be written as JSON).

Hostile input is bounded before the document is built: the event stream is scanned first
(libyaml's parser is not recursive; its composer is, and a 30,000-deep document overflows
the C stack), refusing nesting deeper than :data:`MAX_DEPTH`, aliases that expand to more
than :data:`MAX_ALIAS_NODES` nodes in all (a 700-byte "billion laughs" file), and recursive
aliases. Only then does the fast C loader build the document.
"""

from __future__ import annotations

import math
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

from aspects.limits import MAX_ALIAS_NODES, MAX_DEPTH

__all__ = ["MAX_ALIAS_NODES", "MAX_DEPTH", "SHORT_FORMS", "YamlError", "parse_yaml"]

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


def _float(loader: yaml.SafeLoader, node: yaml.Node) -> float | str:
    value = loader.construct_yaml_float(node)  # type: ignore[arg-type, unused-ignore]
    return value if math.isfinite(value) else _text(loader, node)


for _name in SHORT_FORMS:
    _Loader.add_constructor(
        f"!{_name}", lambda loader, node, _t=_name: _construct(loader, _t, node)
    )
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _text)
_Loader.add_constructor("tag:yaml.org,2002:float", _float)


def _check_shape(text: str) -> None:
    """Refuse documents too deep or with aliases that expand too far, from the events alone.

    Each open collection is ``[expanded size, height, anchor]``; a closed anchored node
    remembers its expanded size and height, so an alias costs what it expands to.
    """
    open_nodes: list[list[Any]] = []
    anchors: dict[str, tuple[int, int]] = {}
    aliased = 0
    for event in yaml.parse(text, Loader=_BASE):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_nodes) >= MAX_DEPTH:
                raise YamlError(_too_deep(event))
            open_nodes.append([1, 1, event.anchor])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            size, height, anchor = open_nodes.pop()
        elif isinstance(event, yaml.ScalarEvent):
            size, height, anchor = 1, 0, event.anchor
        elif isinstance(event, yaml.AliasEvent):
            anchor = None
            if event.anchor not in anchors:
                recursive = any(node[2] == event.anchor for node in open_nodes)
                what = "a recursive alias" if recursive else "an undefined alias"
                raise YamlError(f"{_where(event)}{what} *{event.anchor}")
            size, height = anchors[event.anchor]
            aliased += size
            if aliased > MAX_ALIAS_NODES:
                raise YamlError(
                    f"{_where(event)}aliases expand to more than {MAX_ALIAS_NODES} nodes"
                )
            if len(open_nodes) + height > MAX_DEPTH:
                raise YamlError(_too_deep(event))
        else:
            continue
        if anchor is not None:
            anchors[anchor] = (size, height)
        if open_nodes:
            parent = open_nodes[-1]
            parent[0] += size
            parent[1] = max(parent[1], height + 1)


def _where(event: yaml.Event) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""


def _too_deep(event: yaml.Event) -> str:
    return f"{_where(event)}nested deeper than {MAX_DEPTH} levels"


def parse_yaml(text: str) -> Any:
    """Parse one YAML document in CloudFormation's dialect.

    Raises
    ------
    YamlError
        With the line and column of the problem (an unknown ``!Tag`` included), also for
        nesting deeper than :data:`MAX_DEPTH` and aliases past :data:`MAX_ALIAS_NODES`.
    """
    try:
        _check_shape(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        raise YamlError(f"{where}{exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc)) from None
