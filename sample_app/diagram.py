"""The sample app's architecture as a Mermaid flowchart, generated from what it synthesizes.

Nodes are the Secure* constructs at the top of each stack (one subgraph per stack);
edges are read from the templates, never drawn by hand:

* an identity policy of one construct naming another's resource: ``IAM`` and the actions;
* a Lambda event source mapping: the queue feeds the function;
* CDK's ``Custom::S3BucketNotifications``: the bucket notifies the queue or topic;
* a security group ingress rule between two constructs' groups: the port;
* a CloudFront origin whose domain name is a Route 53 record of the app: HTTPS.

References are followed through ``Ref``, ``Fn::GetAtt`` and ``Fn::ImportValue`` (by the
exporting stack's outputs), so edges cross stacks. docs/sample-app.md holds the output;
a test fails when it is stale (regenerate with ``python -m sample_app.report``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk

#: The construct classes drawn as nodes (their module's top-level package).
_NODE_PACKAGE = "secure_constructs"
_IDENTITY_POLICIES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")

#: (stack name, logical id) of a resource.
Resource = tuple[str, str]


def construct_kinds(app: cdk.App) -> dict[str, str]:
    """``"<stack>/<id>"`` -> class name of each Secure* construct at the top of a stack."""
    kinds: dict[str, str] = {}
    for stack in app.node.children:
        if not isinstance(stack, cdk.Stack):
            continue
        for child in stack.node.children:
            cls = type(child)
            if cls.__module__.split(".")[0] == _NODE_PACKAGE:
                kinds[f"{stack.stack_name}/{child.node.id}"] = cls.__name__
    return kinds


@dataclass(frozen=True)
class Assembly:
    """The templates of a cloud assembly and who owns each resource."""

    templates: dict[str, dict[str, Any]]
    #: (stack, logical id) -> "<stack>/<top-level construct id>"
    owners: dict[Resource, str]
    #: export name -> the resource whose value it exports
    exports: dict[str, Resource]
    #: (stack, logical id) -> the resource's construct path
    paths: dict[Resource, str]

    @classmethod
    def read(cls, outdir: Path) -> Assembly:
        """Read the stacks of the assembly in *outdir* (``cdk.out``)."""
        manifest = json.loads((outdir / "manifest.json").read_text())
        templates: dict[str, dict[str, Any]] = {}
        owners: dict[Resource, str] = {}
        paths: dict[Resource, str] = {}
        for name, artifact in sorted(manifest["artifacts"].items()):
            if artifact["type"] != "aws:cloudformation:stack":
                continue
            props = artifact["properties"]
            templates[name] = json.loads((outdir / props["templateFile"]).read_text())
            for path, entries in _metadata(outdir, artifact).items():
                for entry in entries:
                    if entry["type"] == "aws:cdk:logicalId":
                        parts = path.strip("/").split("/")
                        owners[(name, entry["data"])] = "/".join(parts[:2])
                        paths[(name, entry["data"])] = "/".join(parts)
        exports: dict[str, Resource] = {}
        for name, template in templates.items():
            for output in template.get("Outputs", {}).values():
                export = output.get("Export", {}).get("Name")
                refs = list(_refs(output["Value"], name, {}))
                if isinstance(export, str) and refs:
                    exports[export] = refs[0]
        return cls(templates, owners, exports, paths)

    def resources(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(stack, logical id, resource) of every resource, in a stable order."""
        for stack, template in self.templates.items():
            for logical_id, resource in sorted(template.get("Resources", {}).items()):
                yield stack, logical_id, resource

    def owners_of(self, value: Any, stack: str) -> list[str]:
        """The owners of every resource *value* refers to, in order, without repeats."""
        found: list[str] = []
        for ref in _refs(value, stack, self.exports):
            owner = self.owners.get(ref)
            if owner is not None and owner not in found:
                found.append(owner)
        return found


def _metadata(outdir: Path, artifact: Mapping[str, Any]) -> dict[str, Any]:
    metadata = dict(artifact.get("metadata", {}))
    extra = artifact.get("additionalMetadataFile")
    if extra:
        metadata.update(json.loads((outdir / extra).read_text()))
    return metadata


def _refs(value: Any, stack: str, exports: Mapping[str, Resource]) -> Iterator[Resource]:
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str) and not value["Ref"].startswith("AWS::"):
            yield (stack, value["Ref"])
            return
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            name = target[0] if isinstance(target, list) else str(target).split(".")[0]
            yield (stack, name)
            return
        if isinstance(value.get("Fn::ImportValue"), str):
            ref = exports.get(value["Fn::ImportValue"])
            if ref is not None:
                yield ref
            return
        for item in value.values():
            yield from _refs(item, stack, exports)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item, stack, exports)


def edges(assembly: Assembly, kinds: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(from, to, label) between drawn constructs, sorted."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(source: str, target: str, label: str) -> None:
        wanted = source != target and source in kinds and target in kinds
        if wanted and label not in found[(source, target)]:
            found[(source, target)].append(label)

    records = {
        str(r["Properties"]["Name"]).rstrip("."): assembly.owners[(stack, logical_id)]
        for stack, logical_id, r in assembly.resources()
        if r["Type"] == "AWS::Route53::RecordSet" and (stack, logical_id) in assembly.owners
    }
    for stack, logical_id, resource in assembly.resources():
        owner = assembly.owners.get((stack, logical_id))
        props = resource.get("Properties", {})
        kind = resource["Type"]
        if owner is None:
            continue
        if kind in _IDENTITY_POLICIES:
            for statement in props["PolicyDocument"]["Statement"]:
                actions = statement.get("Action", [])
                actions = [actions] if isinstance(actions, str) else actions
                for target in assembly.owners_of(statement.get("Resource"), stack):
                    for action in actions:
                        add(owner, target, action)
        elif kind == "AWS::Lambda::EventSourceMapping":
            for source in assembly.owners_of(props.get("EventSourceArn"), stack):
                add(source, owner, "event source")
        elif kind == "Custom::S3BucketNotifications":
            for target in assembly.owners_of(props.get("NotificationConfiguration"), stack):
                add(owner, target, "S3 event")
        elif kind == "AWS::EC2::SecurityGroupIngress":
            port = f"TCP {props.get('FromPort')}"
            for target in assembly.owners_of(props.get("GroupId"), stack):
                for source in assembly.owners_of(props.get("SourceSecurityGroupId"), stack):
                    add(source, target, port)
        elif kind == "AWS::CloudFront::Distribution":
            for origin in props["DistributionConfig"].get("Origins", []):
                domain = origin.get("DomainName")
                if isinstance(domain, str) and domain in records:
                    add(owner, records[domain], "HTTPS")
    return sorted((s, t, ", ".join(labels)) for (s, t), labels in found.items())


def _node_id(path: str) -> str:
    return path.replace("/", "_").replace("-", "_")


def mermaid(assembly: Assembly, kinds: Mapping[str, str]) -> str:
    """The flowchart: one subgraph per stack, viewers in front of each distribution."""
    lines = ["flowchart LR", "  viewers((Viewers))"]
    by_stack: dict[str, list[str]] = defaultdict(list)
    for path in kinds:
        by_stack[path.split("/")[0]].append(path)
    for stack in assembly.templates:
        lines.append(f"  subgraph {stack}")
        for path in sorted(by_stack.get(stack, [])):
            name = path.split("/")[1]
            lines.append(f'    {_node_id(path)}["{name}<br/><i>{kinds[path]}</i>"]')
        lines.append("  end")
    for path, kind in sorted(kinds.items()):
        if kind == "SecureDistribution":
            lines.append(f"  viewers -->|HTTPS| {_node_id(path)}")
    for source, target, label in edges(assembly, kinds):
        lines.append(f'  {_node_id(source)} -->|"{label}"| {_node_id(target)}')
    return "\n".join(lines) + "\n"
