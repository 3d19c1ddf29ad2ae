"""Reading CloudFormation values that may be intrinsic functions.

The policy (see ``docs/guardrails.md``):

* ``Fn::If`` is expanded: a resource is judged once per combination of the conditions it
  uses, and a problem that appears only under some combinations is reported as
  *cannot verify* naming the condition. ``{"Ref": "AWS::NoValue"}`` removes the key.
* A security *setting* (a flag, an algorithm, a CIDR, a policy name, a number) that comes
  from a parameter, a pseudo parameter, an import or any other function is not known at
  synthesis: the helpers here raise :class:`~aspects.model.CannotVerify`.
* *References* (a key, bucket or log group given by ``Ref``/``Fn::GetAtt``/an import) are
  followed by :mod:`aspects.index`, not here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from aspects.model import CannotVerify

#: More conditions than this in one resource is judged as "cannot verify" rather than
#: expanded (2**6 = 64 variants).
MAX_CONDITIONS = 6

_NO_VALUE = {"Ref": "AWS::NoValue"}


def intrinsic_name(value: Any) -> str | None:
    """Return ``"Ref"``/``"Fn::X"`` if *value* is an intrinsic function call, else None."""
    # ``type(...) is`` first: templates are JSON dicts and strings, and the ABC check of
    # ``isinstance(value, Mapping)`` on every string leaf dominated the engine's profile.
    kind = type(value)
    if kind is str or kind is list or kind is bool or kind is int or value is None:
        return None
    if (kind is dict or isinstance(value, Mapping)) and len(value) == 1:
        (key,) = value.keys()
        if key == "Ref" or key == "Condition" or str(key).startswith("Fn::"):
            return str(key)
    return None


def conditions_used(value: Any) -> set[str]:
    """Every condition name that an ``Fn::If`` inside *value* depends on."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if intrinsic_name(item) == "Fn::If":
                args = item["Fn::If"]
                if isinstance(args, list) and len(args) == 3 and isinstance(args[0], str):
                    found.add(args[0])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


class _Removed:
    """Marker for a value removed by ``AWS::NoValue``."""


_REMOVED = _Removed()


def _substitute(value: Any, choice: Mapping[str, bool]) -> Any:
    if isinstance(value, Mapping):
        if value == _NO_VALUE:
            return _REMOVED
        if intrinsic_name(value) == "Fn::If":
            args = value["Fn::If"]
            if isinstance(args, list) and len(args) == 3 and args[0] in choice:
                return _substitute(args[1] if choice[args[0]] else args[2], choice)
        out = {}
        for key, item in value.items():
            sub = _substitute(item, choice)
            if sub is not _REMOVED:
                out[key] = sub
        return out
    if isinstance(value, list):
        return [s for s in (_substitute(v, choice) for v in value) if s is not _REMOVED]
    return value


def _expandable(value: Any) -> bool:
    """Whether *value* holds an ``Fn::If`` or ``{"Ref": "AWS::NoValue"}`` anywhere."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            continue
        if kind is dict or (kind is not list and isinstance(item, Mapping)):
            if len(item) == 1:
                ((key, arg),) = item.items()
                if key == "Fn::If" or (key == "Ref" and arg == "AWS::NoValue"):
                    return True
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return False


def variants(
    resource: Mapping[str, Any],
) -> Iterator[tuple[dict[str, bool], Mapping[str, Any]]]:
    """Yield ``(condition choice, resource)`` for every combination of its conditions.

    A resource without ``Fn::If`` yields itself once (with ``AWS::NoValue`` removed); one
    with neither is yielded as it is, without a copy (rules only read it).
    Raises :class:`CannotVerify` when it uses more than :data:`MAX_CONDITIONS` conditions.
    """
    if not _expandable(resource):
        yield {}, resource
        return
    names = sorted(conditions_used(resource))
    if len(names) > MAX_CONDITIONS:
        raise CannotVerify(
            f"the resource depends on {len(names)} conditions ({', '.join(names)}); "
            f"more than {MAX_CONDITIONS} are not expanded"
        )
    for values in itertools.product((True, False), repeat=len(names)):
        choice = dict(zip(names, values, strict=True))
        yield choice, _substitute(resource, choice)


def describe_intrinsic(value: Any) -> str:
    """Say in words where a non-literal value comes from."""
    name = intrinsic_name(value)
    if name == "Ref":
        target = value["Ref"]
        if isinstance(target, str) and target.startswith("AWS::"):
            return f"the pseudo parameter {target}"
        return f"the reference {{Ref: {target}}} (a parameter or resource)"
    if name == "Fn::ImportValue":
        return f"an import (Fn::ImportValue {_short(value['Fn::ImportValue'])})"
    if name == "Fn::GetAtt":
        return f"an attribute (Fn::GetAtt {_short(value['Fn::GetAtt'])})"
    if name is not None:
        return f"a {name} expression"
    return repr(value)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def literal(value: Any, what: str, *, parameters: Mapping[str, Any] | None = None) -> Any:
    """Return *value* if it is a literal, else raise :class:`CannotVerify` naming *what*.

    ``what`` names the property, e.g. ``"VersioningConfiguration.Status"``.
    ``parameters`` (the template's ``Parameters``) improves the message for ``Ref``.
    """
    if intrinsic_name(value) is None:
        return value
    if intrinsic_name(value) == "Ref" and parameters and value["Ref"] in parameters:
        raise CannotVerify(
            f"{what} comes from the CloudFormation parameter '{value['Ref']}', so its "
            "value is only known at deploy time",
            what,
        )
    raise CannotVerify(
        f"{what} is set by {describe_intrinsic(value)}, so its value cannot be verified "
        "at synthesis",
        what,
    )


def as_bool(value: Any, what: str, *, parameters: Mapping[str, Any] | None = None) -> bool:
    """A CloudFormation boolean (``true``, ``"true"``, ``"false"``...) as a Python bool."""
    raw = literal(value, what, parameters=parameters)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise CannotVerify(f"{what} is {raw!r}, which is not a boolean", what)


def as_int(value: Any, what: str, *, parameters: Mapping[str, Any] | None = None) -> int:
    """A CloudFormation integer (``7`` or ``"7"``) as a Python int."""
    raw = literal(value, what, parameters=parameters)
    if isinstance(raw, bool):
        raise CannotVerify(f"{what} is {raw!r}, which is not a number", what)
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise CannotVerify(f"{what} is {raw!r}, which is not a number", what) from None


def as_list(value: Any) -> list[Any]:
    """A value CloudFormation accepts as one item or a list, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def dig(value: Any, *keys: str | int) -> Any:
    """Follow keys through dicts/lists; None where a step is missing."""
    current = value
    for key in keys:
        if isinstance(key, int):
            if not isinstance(current, list) or key >= len(current):
                return None
        elif not isinstance(current, Mapping):
            return None
        current = current[key] if isinstance(key, int) else current.get(key)
    return current


def properties(resource: Any) -> Mapping[str, Any]:
    """A resource's ``Properties``: empty when absent or not a mapping (malformed input)."""
    props = (
        resource.get("Properties")
        if type(resource) is dict or isinstance(resource, Mapping)
        else None
    )
    return props if type(props) is dict or isinstance(props, Mapping) else {}
