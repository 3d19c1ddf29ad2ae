"""One JSON value of a template's text as PyYAML nodes, with the position of every part.

SARIF regions need the line and column of a finding's property. Composing a whole JSON
template with PyYAML gives them, but builds a node for every value of every resource: at
2000 resources it took longer than checking the templates. A report needs the positions
of the resources with findings only, so :func:`compose_value` reads just one resource's
value, token by token from a given offset, and returns the nodes PyYAML's composer would
(same classes, values and marks; scalar tags other than ``str`` are not kept, nothing
reads them), which :class:`aspects.formats.TemplateMap` walks as before.

Only JSON is read here; anything unexpected raises :class:`ValueError` and the caller
composes the whole text with PyYAML instead.
"""

from __future__ import annotations

import bisect
import json
import re

import yaml  # type: ignore[import-untyped, unused-ignore]

#: A JSON token: a string, a structural character, or a run of anything else (a number,
#: ``true``, ``false``, ``null``; their spelling is checked when the scalar is built).
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = {"true": "tag:yaml.org,2002:bool", "false": "tag:yaml.org,2002:bool"}


class Lines:
    """Offsets of a text's line starts, for the line and column of an offset."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def mark(self, offset: int) -> yaml.Mark:
        """A PyYAML mark (0-based line and column) of *offset*."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return yaml.Mark("<template>", offset, line, offset - self.starts[line], None, None)


def compose_value(text: str, offset: int, lines: Lines) -> tuple[yaml.Node, yaml.Node]:
    """(key node, value node) of the ``"key": value`` pair that starts at *offset*.

    Raises :class:`ValueError` if the text there is not such a pair of JSON.
    """
    tokens = _TOKEN.finditer(text, offset)
    key = _scalar(_next(tokens), lines)
    if key.tag != _STR_TAG or _next(tokens).group() != ":":
        raise ValueError(f"no JSON key at offset {offset}")
    return key, _value(_next(tokens), tokens, lines)


def _next(tokens: object) -> re.Match[str]:
    token = next(tokens, None)  # type: ignore[call-overload]
    if token is None:
        raise ValueError("the JSON text ends inside a value")
    return token  # type: ignore[no-any-return]


def _value(first: re.Match[str], tokens: object, lines: Lines) -> yaml.Node:
    """The node of the value that starts with token *first*.

    Recursive: a template is at most :data:`aspects.cfn_yaml.MAX_DEPTH` deep once loaded.
    """
    kind = first.group()
    if kind == "{":
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        token = _next(tokens)
        while token.group() != "}":
            if pairs:
                if token.group() != ",":
                    raise ValueError(f"expected ',' at offset {token.start()}")
                token = _next(tokens)
            key = _scalar(token, lines)
            if key.tag != _STR_TAG or _next(tokens).group() != ":":
                raise ValueError(f"expected a key at offset {token.start()}")
            pairs.append((key, _value(_next(tokens), tokens, lines)))
            token = _next(tokens)
        return yaml.MappingNode(
            _MAP_TAG, pairs, lines.mark(first.start()), lines.mark(token.end()), flow_style=True
        )
    if kind == "[":
        items: list[yaml.Node] = []
        token = _next(tokens)
        while token.group() != "]":
            if items:
                if token.group() != ",":
                    raise ValueError(f"expected ',' at offset {token.start()}")
                token = _next(tokens)
            items.append(_value(token, tokens, lines))
            token = _next(tokens)
        return yaml.SequenceNode(
            _SEQ_TAG, items, lines.mark(first.start()), lines.mark(token.end()), flow_style=True
        )
    return _scalar(first, lines)


def _scalar(token: re.Match[str], lines: Lines) -> yaml.ScalarNode:
    text = token.group()
    if text.startswith('"'):
        value, tag = json.loads(text), _STR_TAG
    elif _SCALAR.fullmatch(text):
        value, tag = text, _SCALAR_TAGS.get(text, "tag:yaml.org,2002:scalar")
    else:
        raise ValueError(f"not a JSON value at offset {token.start()}: {text[:20]!r}")
    return yaml.ScalarNode(tag, value, lines.mark(token.start()), lines.mark(token.end()))
