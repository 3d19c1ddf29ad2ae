"""Checks shared by several services: IAM policy documents, KMS key references, retention."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aspects.index import ExternalRef, ResourceView
from aspects.model import Problem
from aspects.values import as_list, intrinsic_name

#: Condition keys that narrow who can use an ``Allow`` to ``*`` (compared lower-case).
RESTRICTING_CONDITION_KEYS = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceip",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "kms:calleraccount",
    }
)


# -- policy documents ----------------------------------------------------------------------


def statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document (``Statement`` may be one or a list)."""
    if not isinstance(document, Mapping):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, Mapping)]


def _lower_keys(value: Any) -> Any:
    return {str(k).lower(): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def principal_is_everyone(statement: Mapping[str, Any], view: ResourceView, what: str) -> bool:
    """Whether ``Principal`` is ``*`` / ``{AWS: "*"}`` (or ``NotPrincipal`` is used).

    A principal that comes from a parameter cannot be verified and raises.
    """
    if "NotPrincipal" in statement:
        return True
    stack = [statement.get("Principal")]
    while stack:
        item = stack.pop()
        if item == "*":
            return True
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Mapping):
            name = intrinsic_name(item)
            if name == "Ref" and item["Ref"] in view.template.parameters:
                view.literal(item, f"{what}.Principal")  # raises CannotVerify
            elif name is None:
                stack.extend(item.values())
    return False


def has_restricting_condition(statement: Mapping[str, Any]) -> bool:
    """A positive condition on a key that narrows the caller (account, org, source...).

    Negated operators (``StringNotEquals``...) and ``...IfExists`` do not count: they let
    a caller without the key through.
    """
    for operator, clauses in _lower_keys(statement.get("Condition")).items():
        if "not" in operator or operator.endswith("ifexists"):
            continue
        for key, value in _lower_keys(clauses).items():
            if key in RESTRICTING_CONDITION_KEYS and "*" not in as_list(value):
                return True
    return False


def actions(statement: Mapping[str, Any], view: ResourceView, what: str) -> list[str]:
    """The ``Action`` list, lower-cased; raises if it is not literal."""
    return [
        str(view.literal(a, f"{what}.Action")).lower() for a in as_list(statement.get("Action"))
    ]


def flatten(value: Any) -> str:
    """An ARN-like expression as one comparable string.

    ``{"Fn::GetAtt": ["B", "Arn"]}`` -> ``${B.Arn}``, ``{"Ref": "B"}`` -> ``${B}``,
    ``Fn::Join`` is joined, ``Fn::Sub`` keeps its text; anything else -> ``${?}``.
    """
    if isinstance(value, str):
        return value
    name = intrinsic_name(value)
    if name == "Ref":
        return "${" + str(value["Ref"]) + "}"
    if name == "Fn::GetAtt":
        args = value["Fn::GetAtt"]
        return "${" + (args if isinstance(args, str) else ".".join(map(str, args))) + "}"
    if name == "Fn::Join":
        args = value["Fn::Join"]
        if isinstance(args, list) and len(args) == 2 and isinstance(args[1], list):
            return str(args[0]).join(flatten(part) for part in args[1])
    if name == "Fn::Sub":
        args = value["Fn::Sub"]
        return str(args if isinstance(args, str) else args[0])
    return "${?}"


# -- KMS key references --------------------------------------------------------------------


def _aws_managed(text: str) -> bool:
    return "alias/aws/" in text


def kms_key_problems(view: ResourceView, value: Any, what: str) -> Iterator[Problem]:
    """Problems with a property that must name a customer-managed KMS key.

    A key of the app (``Ref``/``GetAtt``/an import of another stack) passes here and is
    judged by the KMS rules; an alias of the app is followed to its target key. A literal
    ARN or a foreign import passes, except an AWS managed key (``alias/aws/...``), whose
    policy and rotation you cannot control.
    """
    path = f"Properties.{what}"
    if value is None:
        yield Problem(f"{what} is not set, so no customer-managed KMS key protects it", path)
        return
    ref = view.follow(value, what)
    if isinstance(ref, ExternalRef):
        # An alias ARN built from pseudo parameters (kms.Alias.from_alias_name) is a
        # Fn::Join without a literal: judge its text.
        text = ref.literal if ref.literal is not None else flatten(value)
        if _aws_managed(text):
            yield Problem(
                f"{what} is the AWS managed key {text!r}: its key policy and rotation "
                "are not yours to control; use a customer-managed key",
                path,
            )
        return
    if ref.type == "AWS::KMS::Key":
        return
    if ref.type == "AWS::KMS::Alias":
        alias_props = ref.resource.get("Properties") or {}
        name = alias_props.get("AliasName")
        if isinstance(name, str) and _aws_managed(name):
            yield Problem(
                f"{what} is the AWS managed key {name!r}; use a customer-managed key", path
            )
            return
        target = view.app.follow(alias_props.get("TargetKeyId"), ref.template, "TargetKeyId")
        if isinstance(target, ExternalRef) or target.type == "AWS::KMS::Key":
            return
    yield Problem(f"{what} refers to {ref.logical_id} ({ref.type}), which is not a KMS key", path)


# -- retention -------------------------------------------------------------------------------


def retention_problems(
    view: ResourceView, allowed: tuple[str, ...] = ("Retain", "RetainExceptOnCreate")
) -> Iterator[Problem]:
    """``DeletionPolicy`` and ``UpdateReplacePolicy`` must keep the data."""
    for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
        raw = view.resource.get(attribute)
        if raw is None:
            yield Problem(
                f"{attribute} is not set, so CloudFormation deletes the {view.type} and its "
                f"data when it is removed or replaced; set it to {' or '.join(allowed)}",
                attribute,
            )
            continue
        value = view.literal(raw, attribute)
        if value not in allowed:
            yield Problem(
                f"{attribute} is {value!r}; set it to {' or '.join(allowed)} so the data "
                "survives removal or replacement",
                attribute,
            )
