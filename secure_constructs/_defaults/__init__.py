"""Hardened settings as plain functions returning fresh props: one place to read every default."""

from __future__ import annotations

import re
from typing import Any

import aws_cdk as cdk
from constructs import IConstruct

from aspects.constants import GUARANTEES_METADATA

_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def cfn_resource(construct: IConstruct) -> cdk.CfnResource:
    """The CloudFormation resource of *construct*: itself if it is one, else its default child.

    Metadata and acknowledgments go on the L1, which is what the template shows.
    """
    resource = construct if isinstance(construct, cdk.CfnResource) else construct.node.default_child
    if not isinstance(resource, cdk.CfnResource):  # pragma: no cover - a construct bug
        raise TypeError(f"{construct.node.path} has no CloudFormation resource")
    return resource


def physical_name(scope: IConstruct, prefix: str, max_length: int) -> str:
    """A deterministic name, unique in the account and region, for resources that need one.

    ``<prefix><stack name>-<construct id>-<hash of the construct path>``, shortened in the
    middle so the hash always survives (two constructs with long, alike paths still get
    different names); characters AWS names refuse become ``-``.
    """
    stack_name = cdk.Stack.of(scope).stack_name
    readable = scope.node.id
    if not cdk.Token.is_unresolved(stack_name):
        readable = f"{stack_name}-{readable}"
    suffix = f"-{scope.node.addr[-8:]}"
    readable = _NAME_UNSAFE.sub("-", readable)
    return prefix + readable[: max_length - len(prefix) - len(suffix)] + suffix


def declare_guarantee(construct: IConstruct, name: str, value: Any) -> None:
    """Record on the construct's CloudFormation resource what the construct guarantees.

    The SC-NET rules read the metadata and fail synthesis when the template no longer
    keeps the promise (an escape hatch, another library), see ``aspects.rules.network``.
    """
    resource = cfn_resource(construct)
    existing = resource.get_metadata(GUARANTEES_METADATA) or {}
    resource.add_metadata(GUARANTEES_METADATA, {**existing, name: value})


def pin(
    construct: IConstruct,
    *,
    pinned: dict[str, Any] | None = None,
    present: tuple[str, ...] = (),
    companions: dict[str, cdk.CfnResource] | None = None,
    companion_calls: dict[str, dict[str, Any]] | None = None,
    retained: bool = False,
) -> None:
    """Declare settings the construct built that must stay (guardrail SC-PIN-1).

    *pinned* maps dotted property paths to the value set; *present* names properties that
    must stay set (their absence falls back to an AWS default); *companions* names the
    resources the construct made with this one that must stay in the template (its alarms),
    recorded by logical id and type; *companion_calls* gives, for a companion that is a
    ``Custom::AWS`` resource (``AwsCustomResource``), the SDK call its ``Create`` and
    ``Update`` must keep making: ``{"service": ..., "action": ..., "parameters": {...}}``
    (parameters whose value is a token are left out: they cannot be compared here);
    *retained* that the resource stays retained on removal and replacement
    (``DeletionPolicy``/``UpdateReplacePolicy``), for types no retention rule covers.
    """
    resource = cfn_resource(construct)
    existing = resource.get_metadata(GUARANTEES_METADATA) or {}
    merged = {**existing}
    if pinned:
        merged["pinned"] = {**existing.get("pinned", {}), **pinned}
    if present:
        merged["present"] = list(dict.fromkeys([*existing.get("present", []), *present]))
    if retained:
        merged["retained"] = True
    calls = companion_calls or {}
    stray = sorted(set(calls) - set(companions or {}))
    if stray:  # pragma: no cover - a construct bug
        raise ValueError(f"companion_calls for no companion: {stray}")
    if companions:
        merged["companions"] = {
            **existing.get("companions", {}),
            **{
                name: {
                    "LogicalId": companion.logical_id,
                    "Type": companion.cfn_resource_type,
                    **({"Call": _literal_call(calls[name])} if name in calls else {}),
                }
                for name, companion in companions.items()
            },
        }
    resource.add_metadata(GUARANTEES_METADATA, merged)


def _literal_call(call: dict[str, Any]) -> dict[str, Any]:
    """*call* without the parameters that are tokens (an account id unknown at synthesis)."""
    parameters = {
        key: value
        for key, value in (call.get("parameters") or {}).items()
        if not cdk.Token.is_unresolved(value)
    }
    return {"service": call["service"], "action": call["action"], "parameters": parameters}


def enforce_rules(construct: IConstruct, *rule_ids: str) -> None:
    """Declare that the construct builds its resource(s) the way these warning rules ask.

    Every CloudFormation resource at or below *construct* gets the ids in its guarantees'
    ``enforce`` list: the engine then reports those rules as errors there, so undoing a
    hardened default with an escape hatch fails synthesis instead of warning.
    """
    for child in construct.node.find_all():
        if isinstance(child, cdk.CfnResource):
            existing = child.get_metadata(GUARANTEES_METADATA) or {}
            enforced = list(dict.fromkeys([*existing.get("enforce", []), *rule_ids]))
            child.add_metadata(GUARANTEES_METADATA, {**existing, "enforce": enforced})
