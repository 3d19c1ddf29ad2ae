"""Checks shared by several services: IAM policy documents, KMS key references, retention."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from aspects.index import ExternalRef, ResourceView, TemplateIndex
from aspects.model import CannotVerify, Problem
from aspects.values import as_list, intrinsic_name, variants

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


# -- resource policies that must deny something ----------------------------------------------

PolicyVariant = tuple[str, dict[str, bool], list[Mapping[str, Any]]]
"""(policy logical id, condition choice, statements) of one variant of an attached policy."""


def policy_variants(
    view: ResourceView,
    attached: Iterable[tuple[TemplateIndex, str]],
    target_properties: Mapping[str, str],
) -> list[PolicyVariant]:
    """Every ``Fn::If`` variant of the policies attached to *view*'s resource.

    *attached* comes from an :class:`~aspects.index.AppIndex` relation (e.g.
    ``queue_policies``); *target_properties* maps each policy type to its property that
    names the targets (``{"AWS::SQS::QueuePolicy": "Queues", ...}``). Fails closed: a
    variant in which the policy does not name this resource, and a policy with a
    resource-level ``Condition`` (as the variant where it is not deployed), count as a
    policy without statements.
    """
    out: list[PolicyVariant] = []
    for template, logical_id in attached:
        resource = template.resources[logical_id]
        target_property = target_properties.get(str(resource.get("Type")), "")
        for choice, variant in variants(resource):
            props = variant.get("Properties") or {}
            targets = {
                ref.key
                for value in as_list(props.get(target_property))
                for ref in view.app.resources_mentioned(value, template)
            }
            document = props.get("PolicyDocument") if view.key in targets else None
            out.append((logical_id, choice, statements(document)))
        condition = resource.get("Condition")
        if isinstance(condition, str):
            out.append((logical_id, {condition: False}, []))
    return out


def _any_statement(
    found: list[Mapping[str, Any]], matches: Callable[[Mapping[str, Any]], bool]
) -> bool | CannotVerify:
    """Whether a statement matches; if none does but one could not be judged, why not."""
    unknown: CannotVerify | None = None
    for statement in found:
        try:
            if matches(statement):
                return True
        except CannotVerify as exc:
            unknown = unknown or exc
    return unknown or False


def required_denial(
    found: list[PolicyVariant],
    matches: Callable[[Mapping[str, Any]], bool],
    missing: str,
    noun: str = "resource policy",
) -> Iterator[Problem]:
    """Some attached policy must hold a statement that *matches* in every variant.

    A statement that cannot be judged (an action or condition value from a parameter) does
    not hide another statement that matches; if none matches, the rule cannot verify.
    *missing* says what is not denied, *noun* names the policy (``queue policy``); the
    problems' path is the noun in CamelCase (``QueuePolicy``).
    """
    path = noun.title().replace(" ", "")
    by_policy: dict[str, list[tuple[dict[str, bool], bool | CannotVerify]]] = {}
    for logical_id, choice, stmts in found:
        by_policy.setdefault(logical_id, []).append((choice, _any_statement(stmts, matches)))
    if not by_policy:
        yield Problem(f"no {noun} is attached, so {missing}", path)
        return
    if any(all(ok is True for _, ok in results) for results in by_policy.values()):
        return
    for results in by_policy.values():
        for _choice, ok in results:
            if isinstance(ok, CannotVerify):
                raise ok
    for logical_id, results in by_policy.items():
        if any(ok is True for _, ok in results):
            choice = next(choice for choice, ok in results if ok is not True)
            when = ", ".join(f"{k} is {str(v).lower()}" for k, v in choice.items())
            raise CannotVerify(
                f"the {noun} {logical_id} has the required denial only under some conditions "
                f"(not when {when}), so {missing}",
                path,
            )
    yield Problem(f"the {noun} does not deny them: {missing}", path)


def condition_values(
    view: ResourceView, statement: Mapping[str, Any], operator: str, key: str
) -> list[Any]:
    """The literal values of ``Condition[operator][key]`` (case-insensitive names).

    A value from a parameter raises :class:`CannotVerify`.
    """
    clause = _lower_keys(_lower_keys(statement.get("Condition")).get(operator.lower()))
    what = f"PolicyDocument.Statement.Condition.{operator}.{key}"
    return [view.literal(v, what) for v in as_list(clause.get(key.lower()))]


def denies_plain_http(view: ResourceView, statement: Mapping[str, Any]) -> bool:
    """A ``Deny`` to everyone under ``Bool aws:SecureTransport false`` (actions not judged)."""
    if statement.get("Effect") != "Deny":
        return False
    if not principal_is_everyone(statement, view, "PolicyDocument.Statement"):
        return False
    values = condition_values(view, statement, "Bool", "aws:SecureTransport")
    return any(str(v).lower() == "false" for v in values)


def covers(patterns: Iterable[str], forms: Iterable[str]) -> bool:
    """Whether a ``Resource`` list (flattened) covers one of *forms* of a resource's ARN.

    ``*`` covers everything; ``prefix*`` covers forms that start with the prefix.
    """
    wanted = list(forms)
    for pattern in patterns:
        if pattern == "*" or pattern in wanted:
            return True
        if pattern.endswith("*") and any(f.startswith(pattern[:-1]) for f in wanted):
            return True
    return False


def action_covers(granted: Iterable[str], action: str) -> bool:
    """Whether lower-cased ``Action`` entries include *action* (wildcards ``*``/``?``)."""
    target = action.lower()
    for pattern in granted:
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        if re.fullmatch(regex, target):
            return True
    return False
