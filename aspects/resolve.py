"""What a CloudFormation value can be at deploy time: the one value-resolution layer.

A rule that needs the deployed value of a property asks here instead of guessing from the
expression. :func:`possible_texts` evaluates intrinsic functions as far as synthesis
allows and returns every string the value may become, each as a sequence of literal text
and *placeholders* for what only deployment knows:

* ``pseudo``: a pseudo parameter (``AWS::Region``, ``AWS::AccountId``...). Never ``*``,
  never empty, never an AWS managed key alias by itself.
* ``resource`` / ``attribute``: a ``Ref`` or ``Fn::GetAtt`` of a resource of the template
  (a name, id or ARN the resource gets). Never ``*``.
* ``unknown``: anything else, a parameter, an import from outside the app, a function that
  cannot be evaluated here (``Fn::Base64``, ``Fn::GetAZs``...). It may be *any* string.

``Fn::FindInMap`` and ``Fn::Select`` are evaluated: a key or index that is itself only known
at deploy time (``AWS::Region``, a parameter) yields every value the mapping or list holds.
A parameter with ``AllowedValues`` yields those values. ``Fn::If`` left in a value yields
both branches. Results are bounded (:data:`MAX_TEXTS` combinations, :data:`MAX_DEPTH`
nesting); past a bound the value is ``unknown``.

Nothing here raises: every caller gets texts, and decides what "might be" means for its
check (see ``docs/guardrails.md``, "Values known only at deploy time").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: More possible texts than this and the value is judged unknown.
MAX_TEXTS = 64
#: Deeper nesting of functions than this and the value is judged unknown.
MAX_DEPTH = 24

PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)


@dataclass(frozen=True)
class Placeholder:
    """A part of a value that only deployment knows.

    Parameters
    ----------
    kind:
        ``pseudo``, ``resource``, ``attribute`` or ``unknown`` (see the module docs).
    name:
        The pseudo parameter, logical id or ``Id.Attribute``; for ``unknown`` a short
        label of the source.
    source:
        For ``unknown``: where the value comes from, in words ("the CloudFormation
        parameter 'P'", "an import 'X' from outside the app").
    """

    kind: str
    name: str
    source: str = ""

    def render(self) -> str:
        """The placeholder as ``${Name}`` text."""
        return "${" + self.name + "}"


Text = tuple[str | Placeholder, ...]

#: Looks up an export of the app: name -> (template context, exported value), or None.
ExportLookup = Callable[[str], "tuple[Context, Any] | None"]


@dataclass(frozen=True)
class Context:
    """The parts of a template the resolver reads."""

    parameters: Mapping[str, Any]
    mappings: Mapping[str, Any]
    resources: Mapping[str, Any]
    exports: ExportLookup | None = None


def _unknown(source: str, name: str = "?") -> list[Text]:
    return [(Placeholder("unknown", name, source),)]


def possible_texts(value: Any, context: Context) -> list[Text]:
    """Every string *value* may become at deploy time (see the module docs)."""
    texts = _texts(value, context, 0)
    return [_merge(text) for text in texts]


def _merge(text: Text) -> Text:
    """Adjacent literal pieces joined, empty pieces dropped."""
    out: list[str | Placeholder] = []
    for part in text:
        if isinstance(part, str):
            if not part:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + part
                continue
        out.append(part)
    return tuple(out)


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return None


def _texts(value: Any, context: Context, depth: int) -> list[Text]:
    scalar = _scalar(value)
    if scalar is not None:
        return [(scalar,)]
    if depth > MAX_DEPTH:
        return _unknown("an expression nested too deeply to evaluate")
    if not isinstance(value, Mapping) or len(value) != 1:
        return _unknown(f"a {type(value).__name__} where a string belongs", "not-a-string")
    ((name, args),) = value.items()
    handler = _HANDLERS.get(str(name))
    if handler is None:
        return _unknown(f"a {name} expression", str(name))
    try:
        texts = handler(args, context, depth + 1)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return _unknown(f"a malformed {name} expression", str(name))
    return texts if len(texts) <= MAX_TEXTS else _unknown(f"a {name} with too many values")


def _ref(args: Any, context: Context, _depth: int) -> list[Text]:
    if not isinstance(args, str):
        return _unknown("a malformed Ref")
    if args in PSEUDO_PARAMETERS:
        return [(Placeholder("pseudo", args),)]
    if args in context.resources:
        return [(Placeholder("resource", args),)]
    parameter = context.parameters.get(args)
    if isinstance(parameter, Mapping):
        allowed = parameter.get("AllowedValues")
        if isinstance(allowed, list) and allowed and all(_scalar(v) is not None for v in allowed):
            return [(str(_scalar(v)),) for v in allowed]
        return _unknown(f"the CloudFormation parameter '{args}'", args)
    return _unknown(f"the reference {{Ref: {args}}}", args)


def _get_att(args: Any, context: Context, _depth: int) -> list[Text]:
    parts = args.split(".", 1) if isinstance(args, str) else list(args)
    if len(parts) == 2 and isinstance(parts[0], str) and parts[0] in context.resources:
        return [(Placeholder("attribute", f"{parts[0]}.{parts[1]}"),)]
    return _unknown(f"the attribute {parts!r} of something outside the template")


def _product(choices: list[list[Text]]) -> list[Text]:
    total = 1
    for options in choices:
        total *= max(len(options), 1)
        if total > MAX_TEXTS:
            return _unknown("an expression with too many possible values")
    return [tuple(part for text in combo for part in text) for combo in itertools.product(*choices)]


def _join(args: Any, context: Context, depth: int) -> list[Text]:
    separator, items = args
    if not isinstance(separator, str):
        return _unknown("an Fn::Join with a separator that is not a string")
    if not isinstance(items, list):
        return _unknown("an Fn::Join of a list known only at deploy time")
    choices: list[list[Text]] = []
    for i, item in enumerate(items):
        if i:
            choices.append([(separator,)])
        choices.append(_texts(item, context, depth))
    return _product(choices) if choices else [("",)]


_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def _sub(args: Any, context: Context, depth: int) -> list[Text]:
    if isinstance(args, str):
        text, variables = args, {}
    else:
        text, variables = args
    if not isinstance(text, str) or not isinstance(variables, Mapping):
        return _unknown("a malformed Fn::Sub")
    choices: list[list[Text]] = []
    position = 0
    for match in _SUB_VARIABLE.finditer(text):
        choices.append([(text[position : match.start()],)])
        position = match.end()
        name = match.group(1)
        if name.startswith("!"):
            choices.append([("${" + name[1:] + "}",)])
        elif name in variables:
            choices.append(_texts(variables[name], context, depth))
        elif "." in name:
            choices.append(_get_att(name, context, depth))
        else:
            choices.append(_ref(name, context, depth))
    choices.append([(text[position:],)])
    return _product(choices)


def _literal_int(texts: list[Text]) -> list[int] | None:
    out = []
    for text in texts:
        if len(text) != 1 or not isinstance(text[0], str) or not text[0].strip().isdigit():
            return None
        out.append(int(text[0]))
    return out


def _select(args: Any, context: Context, depth: int) -> list[Text]:
    index, items = args
    if not isinstance(items, list):
        return _unknown("an Fn::Select from a list known only at deploy time")
    indexes = _literal_int(_texts(index, context, depth))
    chosen = items if indexes is None else [items[i] for i in indexes if 0 <= i < len(items)]
    if not chosen:
        return _unknown("an Fn::Select whose index is outside its list")
    out: list[Text] = []
    for item in chosen:
        out.extend(_texts(item, context, depth))
    return out


def _keys(texts: list[Text], available: Mapping[str, Any]) -> list[str]:
    """The mapping keys a key expression may name (all of them where it is not literal)."""
    out: list[str] = []
    for text in texts:
        if len(text) == 1 and isinstance(text[0], str):
            out.append(text[0])
        else:
            return list(available)
    return out


def _find_in_map(args: Any, context: Context, depth: int) -> list[Text]:
    map_name, top, second = args[0], args[1], args[2]
    if not isinstance(map_name, str) or not isinstance(context.mappings.get(map_name), Mapping):
        return _unknown("an Fn::FindInMap of a mapping the template does not hold")
    mapping = context.mappings[map_name]
    out: list[Text] = []
    for top_key in _keys(_texts(top, context, depth), mapping):
        level = mapping.get(top_key)
        if not isinstance(level, Mapping):
            return _unknown(f"an Fn::FindInMap with no entry {top_key!r} in {map_name}")
        for second_key in _keys(_texts(second, context, depth), level):
            if second_key not in level:
                return _unknown(f"an Fn::FindInMap with no entry {second_key!r} in {map_name}")
            out.extend(_texts(level[second_key], context, depth))
    return out or _unknown(f"an Fn::FindInMap of the empty mapping {map_name}")


def _import_value(args: Any, context: Context, depth: int) -> list[Text]:
    names = _texts(args, context, depth)
    if context.exports is not None and len(names) == 1 and len(names[0]) == 1:
        name = names[0][0]
        found = context.exports(name) if isinstance(name, str) else None
        if found is not None:
            source, exported = found
            return _texts(exported, source, depth)
    label = names[0][0] if len(names) == 1 and len(names[0]) == 1 else "?"
    return _unknown(f"an import {label!r} from outside the app", f"import:{label}")


def _if(args: Any, context: Context, depth: int) -> list[Text]:
    _condition, when_true, when_false = args
    return _texts(when_true, context, depth) + _texts(when_false, context, depth)


_Handler = Callable[[Any, Context, int], list[Text]]
_HANDLERS: dict[str, _Handler] = {
    "Ref": _ref,
    "Fn::GetAtt": _get_att,
    "Fn::Join": _join,
    "Fn::Sub": _sub,
    "Fn::Select": _select,
    "Fn::FindInMap": _find_in_map,
    "Fn::ImportValue": _import_value,
    "Fn::If": _if,
}


# -- questions the rules ask -------------------------------------------------------------------


def literal_text(text: Text) -> str | None:
    """The text if it holds no placeholder at all."""
    if all(isinstance(part, str) for part in text):
        return "".join(part for part in text if isinstance(part, str))
    return None


def unknown_sources(texts: list[Text]) -> list[str]:
    """Where the unknown parts of some texts come from, in words (no duplicates)."""
    out: dict[str, None] = {}
    for text in texts:
        for part in text:
            if isinstance(part, Placeholder) and part.kind == "unknown":
                out[part.source or part.name] = None
    return list(out)


def render(text: Text, unknown: str = "\x00") -> str:
    """The text as one string: placeholders as ``${Name}``, unknown parts as *unknown*."""
    return "".join(
        part if isinstance(part, str) else (unknown if part.kind == "unknown" else part.render())
        for part in text
    )


def may_be_exactly(text: Text, wanted: str) -> bool | None:
    """Whether *text* is *wanted*: True (it is), False (it cannot be), None (it may be).

    Only ``unknown`` parts can stand for arbitrary text; a pseudo parameter or a
    resource's name or ARN is never empty and never a wildcard.
    """
    literal = literal_text(text)
    if literal is not None:
        return literal == wanted
    if any(isinstance(p, Placeholder) and p.kind != "unknown" for p in text):
        return False
    # Each unknown part may be any text, the empty string included.
    pattern = "".join(".*" if isinstance(p, Placeholder) else re.escape(p) for p in text)
    return None if re.fullmatch(pattern, wanted, re.DOTALL) else False
