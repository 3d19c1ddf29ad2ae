"""One index of the synthesized templates of an app, built once per check.

Rules never walk a template themselves: relations between resources (a bucket's policies,
which buckets receive logs, which VPCs have flow logs, cross-stack exports) are computed
here once, so checking is linear in the number of resources.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from aspects.constants import ACKNOWLEDGED_RULES_METADATA, MIN_REASON_LENGTH, PLUGIN_NAME
from aspects.model import CannotVerify, IgnoredAcknowledgment
from aspects.resolve import Context, Text, literal_text, possible_texts
from aspects.settings import DEFAULT, Thresholds
from aspects.values import (
    as_bool,
    as_int,
    as_list,
    conditions_used,
    describe_intrinsic,
    dig,
    intrinsic_name,
    literal,
    properties,
    variants,
)

ResourceKey = tuple[str, str]
"""``(template_path, logical_id)``: a resource's identity across the app."""


@dataclass(frozen=True)
class StackTemplate:
    """A synthesized stack as the engine sees it.

    Parameters
    ----------
    stack_path:
        The stack's construct path, e.g. ``"Prod/Api"``.
    template_path:
        Path of the ``*.template.json`` file.
    template:
        The parsed template.
    metadata:
        The construct metadata CDK writes beside the template (``*.metadata.json``):
        construct path -> entries. Gives logical id -> path and acknowledgments.
    unverifiable:
        Why part of the template cannot be judged (a ``Transform`` that could not be
        expanded: a macro, ``AWS::Include``, SAM that does not translate), one sentence
        each. Empty when everything that will be deployed is in ``template``. A scan
        reports each as an error-severity *cannot verify* finding
        (:func:`aspects.sam.unverifiable_findings`).
    partly_judged:
        What an AWS-published transform adds that no rule read (the rotation function the
        Secrets Manager transform builds), one sentence each: reported as warnings.
    plain:
        True when the template's text was read and names no ``Fn::If``, ``AWS::NoValue``
        or ``Fn::Transform`` (:func:`aspects.assembly.plain_text`): every resource is then
        its own only variant and nothing is embedded to transform, so neither is searched
        for value by value. False (the default) always gives the full search.
    """

    stack_path: str
    template_path: str
    template: Mapping[str, Any]
    metadata: Mapping[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    unverifiable: tuple[str, ...] = ()
    partly_judged: tuple[str, ...] = ()
    plain: bool = False

    @classmethod
    def load(cls, stack_path: str, template_path: str | Path) -> StackTemplate:
        """Read a template and, when present, its ``.metadata.json`` sibling."""
        from aspects.assembly import read_template_plain  # bounded, checked parsing

        path = Path(template_path)
        template, plain = read_template_plain(path)
        meta_path = path.with_name(path.name.removesuffix(".template.json") + ".metadata.json")
        metadata = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        return cls(stack_path, str(path), template, metadata, plain=plain)


class TemplateIndex:
    """Per-template lookups: resources by type, logical id -> construct path, acks."""

    def __init__(self, stack: StackTemplate) -> None:
        self.stack = stack
        self.resources: Mapping[str, Mapping[str, Any]] = _section(stack.template, "Resources")
        self.parameters: Mapping[str, Any] = _section(stack.template, "Parameters")
        self.mappings: Mapping[str, Any] = _section(stack.template, "Mappings")
        self.by_type: dict[str, list[str]] = defaultdict(list)
        for logical_id, resource in self.resources.items():
            if isinstance(resource, Mapping):
                self.by_type[str(resource.get("Type"))].append(logical_id)
        self._paths: dict[str, str] = {}
        self._acks: dict[str, dict[str, str]] = {}
        self._ignored: dict[str, dict[str, IgnoredAcknowledgment]] = {}
        for path, entries in stack.metadata.items():
            for entry in entries or ():
                if not isinstance(entry, Mapping):
                    continue
                kind = entry.get("type")
                if kind == "aws:cdk:logicalId" and isinstance(entry.get("data"), str):
                    self._paths[entry["data"]] = path.lstrip("/")
                elif kind == ACKNOWLEDGED_RULES_METADATA and isinstance(entry.get("data"), dict):
                    self._add_acknowledgments(path.lstrip("/"), entry["data"])

    def _add_acknowledgments(self, path: str, data: Mapping[Any, Any]) -> None:
        """Keep the acknowledgments with a written reason; remember the others as ignored."""
        for raw_id, reason in data.items():
            ack_id = normalise_ack_id(str(raw_id))
            if isinstance(reason, str) and len(reason.strip()) >= MIN_REASON_LENGTH:
                self._acks.setdefault(path, {})[ack_id] = reason.strip()
            else:
                self._ignored.setdefault(path, {})[ack_id] = IgnoredAcknowledgment(
                    path,
                    ack_id,
                    repr(reason),
                    f"an acknowledgment needs a written reason of at least {MIN_REASON_LENGTH} "
                    "characters, so the finding stays",
                )

    @property
    def ignored_acknowledgments(self) -> list[IgnoredAcknowledgment]:
        """Acknowledgments in this template's metadata that are not honoured."""
        return [ack for acks in self._ignored.values() for ack in acks.values()]

    @property
    def path(self) -> str:
        """The template file."""
        return self.stack.template_path

    def construct_path(self, logical_id: str) -> str | None:
        """The construct path of a resource, from CDK's metadata or ``aws:cdk:path``."""
        if logical_id in self._paths:
            return self._paths[logical_id]
        resource = self.resources.get(logical_id)
        meta = resource.get("Metadata") if isinstance(resource, Mapping) else None
        path = meta.get("aws:cdk:path") if isinstance(meta, Mapping) else None
        return path if isinstance(path, str) else None

    def acknowledgment(
        self, logical_id: str, ack_id: str
    ) -> tuple[str | None, IgnoredAcknowledgment | None]:
        """The reason of a valid acknowledgment of *ack_id* on the resource or an ancestor.

        Also returns the nearest ignored acknowledgment (no reason, too short) when no valid
        one covers the resource, so the report can say why the finding stays.
        """
        path = self.construct_path(logical_id)
        if path is None:
            return None, None
        parts = path.split("/")
        ignored: IgnoredAcknowledgment | None = None
        for end in range(len(parts), -1, -1):
            prefix = "/".join(parts[:end])
            reason = self._acks.get(prefix, {}).get(ack_id)
            if reason is not None:
                return reason, None
            ignored = ignored or self._ignored.get(prefix, {}).get(ack_id)
        return None, ignored


def _section(template: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """A top-level section of a template; empty if absent or not a mapping."""
    value = template.get(name) if isinstance(template, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def normalise_ack_id(ack_id: str) -> str:
    """An acknowledged id as CDK matches it: ``SC-S3-2`` means ``SecureConstructs::SC-S3-2``."""
    return ack_id if "::" in ack_id else f"{PLUGIN_NAME}::{ack_id}"


@dataclass(frozen=True)
class ResourceRef:
    """A reference that resolved to a resource of the app."""

    template: TemplateIndex
    logical_id: str
    attribute: str | None = None

    @property
    def key(self) -> ResourceKey:
        """The resource's identity across the app."""
        return (self.template.path, self.logical_id)

    @property
    def resource(self) -> Mapping[str, Any]:
        """The referenced resource's template entry."""
        return self.template.resources[self.logical_id]

    @property
    def type(self) -> str:
        """The referenced resource's CloudFormation type."""
        return str(self.resource.get("Type"))


@dataclass(frozen=True)
class ExternalRef:
    """A reference to something outside the app: a literal ARN/name or a foreign import."""

    description: str
    literal: str | None = None


class AppIndex:
    """Everything the rules need to know across the templates of one app."""

    def __init__(self, stacks: Iterable[StackTemplate], settings: Thresholds = DEFAULT) -> None:
        self.templates = [TemplateIndex(s) for s in stacks]
        self.settings = settings
        self.exports: dict[str, tuple[TemplateIndex, Any]] = {}
        self._contexts: dict[str, Context] = {}
        self._bucket_names: dict[str, ResourceKey] = {}
        self._variants: dict[ResourceKey, list[tuple[dict[str, bool], Mapping[str, Any]]]] = {}
        for tpl in self.templates:
            for output in _section(tpl.stack.template, "Outputs").values():
                export = output.get("Export") if isinstance(output, Mapping) else None
                name = export.get("Name") if isinstance(export, Mapping) else None
                if isinstance(name, str):
                    self.exports[name] = (tpl, output.get("Value"))
            for logical_id in tpl.by_type.get("AWS::S3::Bucket", ()):
                name = properties(tpl.resources[logical_id]).get("BucketName")
                if isinstance(name, str):
                    self._bucket_names[name] = (tpl.path, logical_id)

    def variants_of(
        self, template: TemplateIndex, logical_id: str
    ) -> list[tuple[dict[str, bool], Mapping[str, Any]]]:
        """The ``Fn::If`` variants of one resource, expanded once per check of the app.

        Relations read the same policy for every rule that asks (a bucket policy for each
        S3 rule); expanding it once is what keeps them cheap.
        """
        key = (template.path, logical_id)
        found = self._variants.get(key)
        if found is None:
            resource = template.resources[logical_id]
            found = [({}, resource)] if template.stack.plain else list(variants(resource))
            self._variants[key] = found
        return found

    def context(self, template: TemplateIndex) -> Context:
        """What :mod:`aspects.resolve` needs of a template, exports of the app included."""
        found = self._contexts.get(template.path)
        if found is None:
            found = Context(
                template.parameters, template.mappings, template.resources, self._export
            )
            self._contexts[template.path] = found
        return found

    def _export(self, name: str) -> tuple[Context, Any] | None:
        entry = self.exports.get(name)
        return None if entry is None else (self.context(entry[0]), entry[1])

    # -- references ----------------------------------------------------------------------

    def follow(self, value: Any, template: TemplateIndex, what: str) -> ResourceRef | ExternalRef:
        """Resolve a reference-valued property (a key, bucket, log group...).

        ``Ref``/``Fn::GetAtt`` give the resource; ``Fn::ImportValue`` of an export of
        another stack of the app is followed there; an import from outside the app and a
        literal string are :class:`ExternalRef`. A parameter, a pseudo parameter or an
        expression that mixes several resources raises :class:`CannotVerify`.
        """
        return self._follow(value, template, what, depth=0)

    def _follow(
        self, value: Any, template: TemplateIndex, what: str, depth: int
    ) -> ResourceRef | ExternalRef:
        if depth > 8:
            raise CannotVerify(f"{what}: the chain of imports is too deep to follow", what)
        if isinstance(value, str):
            return ExternalRef(f"the literal value {value!r}", value)
        name = intrinsic_name(value)
        if name == "Ref":
            target = value["Ref"]
            if target in template.resources:
                return ResourceRef(template, target)
            return self._unverifiable(value, template, what)
        if name == "Fn::GetAtt":
            args = value["Fn::GetAtt"]
            parts = args.split(".", 1) if isinstance(args, str) else list(args)
            if parts and parts[0] in template.resources:
                attribute = str(parts[1]) if len(parts) > 1 else None
                return ResourceRef(template, str(parts[0]), attribute)
            return self._unverifiable(value, template, what)
        if name == "Fn::ImportValue":
            export = value["Fn::ImportValue"]
            if isinstance(export, str) and export in self.exports:
                source, exported = self.exports[export]
                return self._follow(exported, source, what, depth + 1)
            label = export if isinstance(export, str) else describe_intrinsic(export)
            return ExternalRef(f"the import {label!r} from outside the app")
        if name is None:
            raise CannotVerify(f"{what} is {value!r}, which is not a reference", what)
        # Fn::Join / Fn::Sub / Fn::Select ...: judge by what the expression mentions.
        resources, unknown = self._mentions(value, template)
        if unknown:
            return self._unverifiable(unknown[0], template, what)
        if len(resources) == 1:
            return ResourceRef(template, resources[0])
        if not resources:
            return ExternalRef(f"a {name} expression without references")
        raise CannotVerify(
            f"{what} is a {name} expression that mentions several resources "
            f"({', '.join(resources)}), so it cannot be followed",
            what,
        )

    def _unverifiable(self, value: Any, template: TemplateIndex, what: str) -> ExternalRef:
        literal(value, what, parameters=template.parameters)  # raises with a good message
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _mentions(value: Any, template: TemplateIndex) -> tuple[list[str], list[Any]]:
        """Resources referenced inside an expression, and non-pseudo unknowns."""
        resources: list[str] = []
        unknown: list[Any] = []
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
                continue
            if not isinstance(item, Mapping):
                continue
            name = intrinsic_name(item)
            if name == "Ref":
                target = item["Ref"]
                if target in template.resources:
                    resources.append(target)
                elif not str(target).startswith("AWS::"):
                    unknown.append(item)
            elif name == "Fn::GetAtt":
                args = item["Fn::GetAtt"]
                head = args.split(".", 1)[0] if isinstance(args, str) else args[0]
                if head in template.resources:
                    resources.append(str(head))
                else:
                    unknown.append(item)
            elif name == "Fn::Sub":
                args = item["Fn::Sub"]
                text, names = (args, {}) if isinstance(args, str) else (args[0], args[1])
                stack.extend(names.values() if isinstance(names, Mapping) else [])
                for ref in _sub_references(str(text)):
                    head = ref.split(".", 1)[0]
                    if head in names or head.startswith("AWS::"):
                        continue
                    if head in template.resources:
                        resources.append(head)
                    else:
                        unknown.append({"Ref": head})
            elif name == "Fn::ImportValue":
                unknown.append(item)
            else:
                stack.extend(item.values())
        return sorted(set(resources)), unknown

    def resources_mentioned(self, value: Any, template: TemplateIndex) -> Iterator[ResourceRef]:
        """Every app resource a value refers to, following imports (never raises)."""
        for choice in _branches(value):
            try:
                ref = self.follow(choice, template, "reference")
            except CannotVerify:
                continue
            if isinstance(ref, ResourceRef):
                yield ref
            elif ref.literal is not None and ref.literal in self._bucket_names:
                path, logical_id = self._bucket_names[ref.literal]
                yield ResourceRef(self._template_at(path), logical_id)

    def _template_at(self, path: str) -> TemplateIndex:
        return next(t for t in self.templates if t.path == path)

    # -- relations, computed once ---------------------------------------------------------

    def _each(self, resource_type: str) -> Iterator[tuple[TemplateIndex, str, Mapping[str, Any]]]:
        for tpl in self.templates:
            for logical_id in tpl.by_type.get(resource_type, ()):
                yield tpl, logical_id, properties(tpl.resources[logical_id])

    @cached_property
    def bucket_policies(self) -> dict[ResourceKey, list[tuple[TemplateIndex, str]]]:
        """Bucket -> the ``AWS::S3::BucketPolicy`` resources attached to it."""
        out: dict[ResourceKey, list[tuple[TemplateIndex, str]]] = defaultdict(list)
        for tpl, logical_id, props in self._each("AWS::S3::BucketPolicy"):
            for ref in self.resources_mentioned(props.get("Bucket"), tpl):
                out[ref.key].append((tpl, logical_id))
        return out

    def _policies_of(
        self, sources: tuple[tuple[str, str], ...]
    ) -> dict[ResourceKey, list[tuple[TemplateIndex, str]]]:
        """Target -> the policy resources that name it in ``(policy type, property)``."""
        out: dict[ResourceKey, list[tuple[TemplateIndex, str]]] = defaultdict(list)
        for resource_type, prop in sources:
            for tpl, logical_id, props in self._each(resource_type):
                for value in _list_items(props.get(prop)):
                    for ref in self.resources_mentioned(value, tpl):
                        if (tpl, logical_id) not in out[ref.key]:
                            out[ref.key].append((tpl, logical_id))
        return out

    @cached_property
    def queue_policies(self) -> dict[ResourceKey, list[tuple[TemplateIndex, str]]]:
        """Queue -> the ``AWS::SQS::QueuePolicy``/``QueueInlinePolicy`` resources for it."""
        return self._policies_of(
            (("AWS::SQS::QueuePolicy", "Queues"), ("AWS::SQS::QueueInlinePolicy", "Queue"))
        )

    @cached_property
    def topic_policies(self) -> dict[ResourceKey, list[tuple[TemplateIndex, str]]]:
        """Topic -> the ``AWS::SNS::TopicPolicy``/``TopicInlinePolicy`` resources for it."""
        return self._policies_of(
            (("AWS::SNS::TopicPolicy", "Topics"), ("AWS::SNS::TopicInlinePolicy", "TopicArn"))
        )

    @cached_property
    def log_groups_by_name(self) -> dict[str, ResourceKey]:
        """Log groups of the app with a literal ``LogGroupName`` (and no ``Condition``)."""
        out: dict[str, ResourceKey] = {}
        for tpl, logical_id, props in self._each("AWS::Logs::LogGroup"):
            name = props.get("LogGroupName")
            if isinstance(name, str) and "Condition" not in tpl.resources[logical_id]:
                out.setdefault(name, (tpl.path, logical_id))
        return out

    @cached_property
    def lambda_log_groups(self) -> dict[ResourceKey, ResourceKey]:
        """Function -> the log group of the app named ``/aws/lambda/<function name>``.

        The name is either a literal matching the function's literal ``FunctionName`` or
        ``/aws/lambda/`` joined with a ``Ref`` to the function (what CDK writes). Fails
        closed: a log group with a ``Condition`` or an ``Fn::If`` in its name does not count.
        """
        prefix = "/aws/lambda/"
        named: dict[tuple[str, str], ResourceKey] = {}
        for tpl, logical_id, props in self._each("AWS::Lambda::Function"):
            name = props.get("FunctionName")
            if isinstance(name, str):
                named[(tpl.path, name)] = (tpl.path, logical_id)
        out: dict[ResourceKey, ResourceKey] = {}
        for tpl, logical_id, props in self._each("AWS::Logs::LogGroup"):
            raw = props.get("LogGroupName")
            if "Condition" in tpl.resources[logical_id] or conditions_used(raw):
                continue
            text = _joined_text(raw)
            if text is None or not text.startswith(prefix):
                continue
            rest = text.removeprefix(prefix)
            function: ResourceKey | None = named.get((tpl.path, rest))
            if rest.startswith("${") and rest.endswith("}"):
                target = rest[2:-1]
                resource = tpl.resources.get(target) or {}
                if resource.get("Type") == "AWS::Lambda::Function":
                    function = (tpl.path, target)
            if function is not None:
                out.setdefault(function, (tpl.path, logical_id))
        return out

    @cached_property
    def log_targets(self) -> dict[ResourceKey, str]:
        """Buckets that receive S3 server access logs or ALB logs in every case -> from whom.

        Fails closed: a bucket that receives logs only under some conditions (an ``Fn::If``
        or a ``Condition`` on the source) is not exempt from the data-bucket rules.
        """
        out: dict[ResourceKey, str] = {}
        for tpl, logical_id in self._each_id("AWS::S3::Bucket"):
            for key in self._always_mentioned(tpl, logical_id, _bucket_log_destinations):
                if key != (tpl.path, logical_id):
                    out.setdefault(key, f"S3 server access logs of {logical_id}")
        for tpl, logical_id in self._each_id("AWS::ElasticLoadBalancingV2::LoadBalancer"):
            for key in self._always_mentioned(tpl, logical_id, _load_balancer_log_destinations):
                out.setdefault(key, f"load balancer logs of {logical_id}")
        return out

    @cached_property
    def audit_log_stores(self) -> dict[ResourceKey, str]:
        """Log groups and buckets that receive audit logs (in any variant) -> from whom.

        Audit logs are VPC flow logs, WAF logs, CloudTrail and load balancer, distribution
        and S3 access logs: they keep the longer ``audit_log_retention_days``. A store that
        receives them only under some conditions still counts (the stricter minimum).
        """
        out: dict[ResourceKey, str] = {}
        sources = (
            ("AWS::EC2::FlowLog", ("LogGroupName", "LogDestination"), "VPC flow logs"),
            ("AWS::WAFv2::LoggingConfiguration", ("LogDestinationConfigs",), "WAF logs"),
            ("AWS::CloudTrail::Trail", ("CloudWatchLogsLogGroupArn", "S3BucketName"), "trail"),
        )
        for resource_type, names, what in sources:
            for tpl, logical_id, props in self._each(resource_type):
                for name in names:
                    for key in self._stores_named(props.get(name), tpl):
                        out.setdefault(key, f"{what} of {logical_id}")
        for tpl, logical_id, props in self._each("AWS::CloudFront::Distribution"):
            logging = dig(props, "DistributionConfig", "Logging", "Bucket")
            for ref in self.resources_mentioned(logging, tpl):
                out.setdefault(ref.key, f"access logs of {logical_id}")
        # CloudWatch vended logs (v2): DeliverySource (what) -> Delivery -> DeliveryDestination.
        for tpl, logical_id, props in self._each("AWS::Logs::DeliveryDestination"):
            for key in self._stores_named(props.get("DestinationResourceArn"), tpl):
                out.setdefault(key, f"vended logs delivered by {logical_id}")
        for key, what in self.log_targets.items():
            out.setdefault(key, what)
        return out

    def _stores_named(self, value: Any, tpl: TemplateIndex) -> set[ResourceKey]:
        """Resources a destination value names anywhere inside it (ARNs built by joins too).

        Every ``Ref``/``Fn::GetAtt`` to a resource of the template and every literal log
        group name (``LogGroupName``, ``...:log-group:NAME``) of the app is taken.
        """
        found: set[ResourceKey] = set()
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, Mapping):
                for ref in self.resources_mentioned(item, tpl):
                    found.add(ref.key)
                name = intrinsic_name(item)
                if name in ("Ref", "Fn::GetAtt"):
                    target = item[name] if name == "Ref" else as_list(item[name])[:1]
                    for logical_id in as_list(target):
                        if isinstance(logical_id, str) and logical_id in tpl.resources:
                            found.add((tpl.path, logical_id))
                stack.extend(item.values())
            elif isinstance(item, str):
                group = item.split(":log-group:", 1)[-1].split(":", 1)[0]
                if group in self.log_groups_by_name:
                    found.add(self.log_groups_by_name[group])
        return found

    def _each_id(self, resource_type: str) -> Iterator[tuple[TemplateIndex, str]]:
        for tpl in self.templates:
            for logical_id in tpl.by_type.get(resource_type, ()):
                yield tpl, logical_id

    def _always_mentioned(
        self,
        tpl: TemplateIndex,
        logical_id: str,
        values: Callable[[Mapping[str, Any]], Iterable[Any]],
    ) -> set[ResourceKey]:
        """Resources that ``values(properties)`` refers to in every variant of a resource."""
        resource = tpl.resources[logical_id]
        if "Condition" in resource:
            return set()
        try:
            expanded = [variant for _choice, variant in variants(resource)]
        except CannotVerify:
            return set()
        found = [
            {
                ref.key
                for value in values(properties(variant))
                for ref in self.resources_mentioned(value, tpl)
            }
            for variant in expanded
        ]
        return set.intersection(*found) if found else set()

    @cached_property
    def web_acl_associations(self) -> dict[ResourceKey, list[tuple[str, bool, bool]]]:
        """Protected resource -> its WebACLAssociations.

        Entries are ``(association logical id, only under a condition?, WebACL of the
        app?)``. The last is False when ``WebACLArn`` is a parameter, an import from
        outside the app or a literal ARN: that WebACL's rules cannot be judged.
        """
        out: dict[ResourceKey, list[tuple[str, bool, bool]]] = defaultdict(list)
        for tpl, logical_id in self._each_id("AWS::WAFv2::WebACLAssociation"):
            resource = tpl.resources[logical_id]
            always = self._always_mentioned(tpl, logical_id, lambda p: [p.get("ResourceArn")])
            props = properties(resource)
            acls = list(self.resources_mentioned(props.get("WebACLArn"), tpl))
            known = bool(acls) and all(acl.type == "AWS::WAFv2::WebACL" for acl in acls)
            for ref in self.resources_mentioned(props.get("ResourceArn"), tpl):
                out[ref.key].append((logical_id, ref.key not in always, known))
        return out

    @cached_property
    def associated_web_acls(self) -> set[ResourceKey]:
        """WebACLs that protect something: a WebACLAssociation or a distribution's WebACLId."""
        out: set[ResourceKey] = set()
        for tpl, _lid, props in self._each("AWS::WAFv2::WebACLAssociation"):
            out.update(ref.key for ref in self.resources_mentioned(props.get("WebACLArn"), tpl))
        for tpl, _lid, props in self._each("AWS::CloudFront::Distribution"):
            acl = dig(props, "DistributionConfig", "WebACLId")
            out.update(ref.key for ref in self.resources_mentioned(acl, tpl))
        return out

    @cached_property
    def waf_logging(self) -> dict[ResourceKey, list[tuple[TemplateIndex, str]]]:
        """WebACL -> the ``AWS::WAFv2::LoggingConfiguration`` resources for it."""
        out: dict[ResourceKey, list[tuple[TemplateIndex, str]]] = defaultdict(list)
        for tpl, logical_id, props in self._each("AWS::WAFv2::LoggingConfiguration"):
            for ref in self.resources_mentioned(props.get("ResourceArn"), tpl):
                out[ref.key].append((tpl, logical_id))
        return out

    @cached_property
    def flow_logged_vpcs(self) -> set[ResourceKey]:
        """VPCs that an ``AWS::EC2::FlowLog`` of the app covers whatever the conditions."""
        return self._flow_log_coverage[0]

    @cached_property
    def maybe_flow_logged_vpcs(self) -> dict[ResourceKey, str]:
        """VPCs a flow log covers only under some conditions or parameter values -> why."""
        return self._flow_log_coverage[1]

    @cached_property
    def _flow_log_coverage(self) -> tuple[set[ResourceKey], dict[ResourceKey, str]]:
        always: set[ResourceKey] = set()
        maybe: dict[ResourceKey, str] = {}
        for tpl in self.templates:
            for logical_id in tpl.by_type.get("AWS::EC2::FlowLog", ()):
                certain, possible, why = self._flow_log_targets(tpl, logical_id)
                always |= certain
                for key in possible - certain:
                    maybe.setdefault(key, why)
        return always, {k: v for k, v in maybe.items() if k not in always}

    def _flow_log_targets(
        self, tpl: TemplateIndex, logical_id: str
    ) -> tuple[set[ResourceKey], set[ResourceKey], str]:
        """VPCs a flow log covers in every case, in some case, and why only in some."""
        resource = tpl.resources[logical_id]
        why = f"the flow log {logical_id} covers it only under some Fn::If conditions"
        exact = "Condition" not in resource
        try:
            expanded: list[Mapping[str, Any]] = [variant for _c, variant in variants(resource)]
        except CannotVerify as exc:
            expanded, why, exact = [resource], f"the flow log {logical_id}: {exc.message}", False
        sure: list[set[ResourceKey]] = []
        possible: set[ResourceKey] = set()
        for variant in expanded:
            props = properties(variant)
            kind = props.get("ResourceType")
            mentioned = {
                ref.key
                for value in [props.get("ResourceId"), *as_list(props.get("ResourceIds"))]
                for ref in self.resources_mentioned(value, tpl)
            }
            sure.append(mentioned if kind == "VPC" else set())
            if intrinsic_name(kind) is not None:
                why = (
                    f"the ResourceType of the flow log {logical_id} is set by "
                    f"{describe_intrinsic(kind)}"
                )
            if kind == "VPC" or intrinsic_name(kind) is not None:
                possible |= mentioned
        if "Condition" in resource:
            why = f"the flow log {logical_id} exists only when {resource['Condition']} is true"
        certain = set.intersection(*sure) if exact else set()
        return certain, possible, why

    # -- relations of the RDS rules (aspects/rules/rds.py) ---------------------------------

    @cached_property
    def db_cluster_members(self) -> dict[ResourceKey, list[tuple[TemplateIndex, str]]]:
        """DB cluster -> the ``AWS::RDS::DBInstance`` resources that join it in every case.

        An instance joins by ``DBClusterIdentifier``: a ``Ref`` to the cluster, an import of
        it, or the cluster's literal identifier in the same template. Fails closed: an
        instance with a ``Condition``, or naming the cluster only under some ``Fn::If``
        conditions, is not counted.
        """
        names: dict[tuple[str, str], ResourceKey] = {}
        for tpl, logical_id, props in self._each("AWS::RDS::DBCluster"):
            name = props.get("DBClusterIdentifier")
            if isinstance(name, str):
                names.setdefault((tpl.path, name.lower()), (tpl.path, logical_id))
        out: dict[ResourceKey, list[tuple[TemplateIndex, str]]] = defaultdict(list)
        for tpl, logical_id in self._each_id("AWS::RDS::DBInstance"):
            resource = tpl.resources[logical_id]
            keys = self._always_mentioned(tpl, logical_id, _db_cluster_identifier)
            raw = properties(resource).get("DBClusterIdentifier")
            if isinstance(raw, str) and "Condition" not in resource:
                named = names.get((tpl.path, raw.lower()))
                keys |= {named} if named is not None else set()
            for key in keys:
                out[key].append((tpl, logical_id))
        return out

    @cached_property
    def db_master_secrets(self) -> dict[ResourceKey, str]:
        """Secrets that hold the master password of a DB instance or cluster -> whose.

        A secret counts when a DB's ``MasterUserPassword`` refers to it (the
        ``{{resolve:secretsmanager:...}}`` reference CDK writes) or a
        ``SecretTargetAttachment`` attaches it to a DB, in any ``Fn::If`` branch: the rules
        for master secrets apply to every secret that may be one.
        """
        out: dict[ResourceKey, str] = {}
        for db_type in _DB_TYPES:
            for tpl, logical_id, props in self._each(db_type):
                for ref in self.resources_mentioned(props.get("MasterUserPassword"), tpl):
                    if ref.type == "AWS::SecretsManager::Secret":
                        out.setdefault(ref.key, f"the master password of {logical_id}")
        for tpl, logical_id, props in self._each("AWS::SecretsManager::SecretTargetAttachment"):
            if props.get("TargetType") not in _DB_TYPES:
                continue
            for ref in self.resources_mentioned(props.get("SecretId"), tpl):
                if ref.type == "AWS::SecretsManager::Secret":
                    out.setdefault(ref.key, f"attached to a database by {logical_id}")
        return out

    @cached_property
    def secret_rotation_schedules(
        self,
    ) -> dict[ResourceKey, list[tuple[TemplateIndex, str, bool]]]:
        """Secret -> the rotation schedules that name it, directly or via its attachment.

        Entries are ``(template, schedule logical id, always)``. ``always`` is False when
        the schedule (or the ``SecretTargetAttachment`` it names) points at the secret only
        under some ``Fn::If`` conditions or has a ``Condition``: such a schedule cannot prove
        that the secret rotates.
        """
        attached: dict[ResourceKey, tuple[set[ResourceKey], set[ResourceKey]]] = {}
        for tpl, logical_id, props in self._each("AWS::SecretsManager::SecretTargetAttachment"):
            maybe = {ref.key for ref in self.resources_mentioned(props.get("SecretId"), tpl)}
            sure = self._always_mentioned(tpl, logical_id, _secret_id)
            attached[(tpl.path, logical_id)] = (sure, maybe)
        out: dict[ResourceKey, list[tuple[TemplateIndex, str, bool]]] = defaultdict(list)
        for tpl, logical_id, props in self._each("AWS::SecretsManager::RotationSchedule"):
            sure = self._always_mentioned(tpl, logical_id, _secret_id)
            for key in {ref.key for ref in self.resources_mentioned(props.get("SecretId"), tpl)}:
                if key in attached:
                    sure_secrets, maybe_secrets = attached[key]
                    for secret in maybe_secrets:
                        always = key in sure and secret in sure_secrets
                        out[secret].append((tpl, logical_id, always))
                else:
                    out[key].append((tpl, logical_id, key in sure))
        return out


_DB_TYPES = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")


def _db_cluster_identifier(props: Mapping[str, Any]) -> list[Any]:
    return [props.get("DBClusterIdentifier")]


def _secret_id(props: Mapping[str, Any]) -> list[Any]:
    return [props.get("SecretId")]


def _bucket_log_destinations(props: Mapping[str, Any]) -> list[Any]:
    logging = props.get("LoggingConfiguration")
    return [logging.get("DestinationBucketName")] if isinstance(logging, Mapping) else []


_LOG_BUCKET_ATTRIBUTES = (
    "access_logs.s3.bucket",
    "connection_logs.s3.bucket",
    "health_check_logs.s3.bucket",
)


def _load_balancer_log_destinations(props: Mapping[str, Any]) -> list[Any]:
    return [
        attribute.get("Value")
        for attribute in as_list(props.get("LoadBalancerAttributes"))
        if isinstance(attribute, Mapping) and attribute.get("Key") in _LOG_BUCKET_ATTRIBUTES
    ]


def _branches(value: Any) -> Iterator[Any]:
    """Both branches of any ``Fn::If`` at the top of a value, recursively."""
    if intrinsic_name(value) == "Fn::If" and isinstance(value["Fn::If"], list):
        args = value["Fn::If"]
        if len(args) == 3:
            yield from _branches(args[1])
            yield from _branches(args[2])
            return
    if value is not None:
        yield value


def _list_items(value: Any) -> Iterator[Any]:
    """The items of a list property, through ``Fn::If`` branches that are lists."""
    for branch in _branches(value):
        if isinstance(branch, list):
            for item in branch:
                yield from _list_items(item)
        else:
            yield branch


def _joined_text(value: Any) -> str | None:
    """A name built from literals and ``Ref``s (``Fn::Join``/``Fn::Sub``) as ``a/${Ref}``.

    None for anything else (an attribute, an import, a select...).
    """
    if isinstance(value, str):
        return value
    name = intrinsic_name(value)
    if name == "Ref" and isinstance(value["Ref"], str):
        return "${" + value["Ref"] + "}"
    if name == "Fn::Sub" and isinstance(value["Fn::Sub"], str):
        return str(value["Fn::Sub"])
    if name == "Fn::Join":
        args = value["Fn::Join"]
        if isinstance(args, list) and len(args) == 2 and isinstance(args[1], list):
            parts = [_joined_text(part) for part in args[1]]
            if all(part is not None for part in parts):
                return str(args[0]).join(p for p in parts if p is not None)
    return None


def _sub_references(text: str) -> Iterator[str]:
    """Variable names in an ``Fn::Sub`` string (``${Name}``, ``${Res.Attr}``; not ``${!x}``)."""
    start = 0
    while (begin := text.find("${", start)) != -1:
        end = text.find("}", begin)
        if end == -1:
            return
        name = text[begin + 2 : end]
        if not name.startswith("!"):
            yield name
        start = end + 1


@dataclass(frozen=True)
class ResourceView:
    """One resource (one ``Fn::If`` variant of it) as a rule sees it."""

    logical_id: str
    resource: Mapping[str, Any]
    template: TemplateIndex
    app: AppIndex
    conditions: Mapping[str, bool] = field(default_factory=dict)

    @property
    def type(self) -> str:
        """The CloudFormation type."""
        return str(self.resource.get("Type"))

    @cached_property
    def props(self) -> Mapping[str, Any]:
        """``Properties`` (empty if absent); read once per view, every rule asks for it."""
        props = properties(self.resource)
        return props if isinstance(props, Mapping) else {}

    @property
    def key(self) -> ResourceKey:
        """The resource's identity across the app."""
        return (self.template.path, self.logical_id)

    @property
    def settings(self) -> Thresholds:
        """The thresholds this check applies (:mod:`aspects.settings`)."""
        return self.app.settings

    def texts(self, value: Any) -> list[Text]:
        """Every string *value* may become at deploy time (:mod:`aspects.resolve`)."""
        return possible_texts(value, self.app.context(self.template))

    def literal(self, value: Any, what: str) -> Any:
        """The deployed value of a setting, or :class:`CannotVerify` naming *what*.

        A literal is returned as it is. An expression is evaluated as far as synthesis
        allows (``Fn::FindInMap``, ``Fn::Select``, ``Fn::Join``, ``Fn::Sub`` of literals...):
        if it always gives the same literal, that is the value; if it may give several, or
        depends on a parameter, an import or a resource, it cannot be verified.
        """
        if intrinsic_name(value) is None:
            return value
        texts = self.texts(value)
        values = {literal_text(text) for text in texts}
        if None not in values:
            if len(values) == 1:
                return values.pop()
            shown = ", ".join(repr(v) for v in sorted(v for v in values if v is not None))
            raise CannotVerify(
                f"{what} is set by {describe_intrinsic(value)} that may give any of "
                f"{shown} at deploy time, so its value cannot be verified",
                what,
            )
        return literal(value, what, parameters=self.template.parameters)

    def bool(self, value: Any, what: str) -> bool:
        """A CloudFormation boolean, or :class:`CannotVerify`."""
        return as_bool(self.literal(value, what), what)

    def int(self, value: Any, what: str) -> int:
        """A CloudFormation integer, or :class:`CannotVerify`."""
        return as_int(self.literal(value, what), what)

    def follow(self, value: Any, what: str) -> ResourceRef | ExternalRef:
        """Resolve a reference-valued property (see :meth:`AppIndex.follow`)."""
        return self.app.follow(value, self.template, what)
