"""Read what there is to scan: cloud assemblies (``cdk.out``) and CloudFormation templates.

Everything here is plain Python (no CDK, no jsii), so ``secure-constructs scan`` starts fast
and reads the output of a CDK app in any language, or templates written by hand.

* A cloud assembly is read through its ``manifest.json``: every stack artifact, the stacks
  of nested ``Stage`` assemblies, and the templates of ``NestedStack`` s (written as
  ``*.nested.template.json`` assets, which the manifest does not list).
* Construct metadata comes from each stack's metadata file (``additionalMetadataFile``,
  cloud assembly schema 30+), from the artifact's ``metadata`` in older manifests, and from
  ``aws:cdk:acknowledged-rules`` written into a template's or a resource's ``Metadata``.
* A template file may be JSON or YAML with CloudFormation's short-form tags (``!Ref``,
  ``!GetAtt a.b``, ``!Sub``...), which become the long JSON form.

Bad input raises :class:`InputError`, whose text is one line naming the file and problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from aspects.constants import ACKNOWLEDGED_RULES_METADATA, PLUGIN_NAME
from aspects.index import StackTemplate

#: Cloud assembly schema major versions this reader understands (aws-cdk-lib 2.275 writes 55).
MAX_MANIFEST_MAJOR = 55

#: Top-level sections of a CloudFormation template (anything else is not CloudFormation).
TEMPLATE_SECTIONS = frozenset(
    {
        "AWSTemplateFormatVersion",
        "Description",
        "Metadata",
        "Parameters",
        "Rules",
        "Mappings",
        "Conditions",
        "Transform",
        "Resources",
        "Outputs",
        "Hooks",
        "Globals",
    }
)

_STACK_ARTIFACT = "aws:cloudformation:stack"
_NESTED_ASSEMBLY = "cdk:cloud-assembly"
_TEMPLATE_FILE = "aws:cdk:templateFile"
_LOGICAL_ID = "aws:cdk:logicalId"
_NESTED_STACK_SUFFIX = ".NestedStack/"

Metadata = dict[str, list[Mapping[str, Any]]]


class InputError(Exception):
    """Input that cannot be scanned.

    Parameters
    ----------
    path:
        The file or directory at fault.
    problem:
        What is wrong with it, in a few words (no newline).
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = " ".join(problem.split())
        super().__init__(f"{self.path}: {self.problem}")


# -- entry points ----------------------------------------------------------------------------


def load_assembly(directory: str | Path) -> list[StackTemplate]:
    """Every stack of a cloud assembly: nested ``Stage`` s and ``NestedStack`` s included.

    Parameters
    ----------
    directory:
        The assembly directory (``cdk.out``), which holds ``manifest.json``.

    Raises
    ------
    InputError
        When the manifest or a template is missing, unreadable, malformed or of a schema
        version this reader does not know.
    """
    return list(_assembly_stacks(Path(directory)))


def load_template(path: str | Path, stack_path: str | None = None) -> list[StackTemplate]:
    """A template file (JSON or YAML) and the templates of its nested stacks.

    Parameters
    ----------
    path:
        The template file. A CDK ``X.template.json`` picks up ``X.metadata.json`` beside it.
    stack_path:
        The name to report the stack under; by default the file name without
        ``.template.json`` / ``.json`` / ``.yaml`` / ``.yml``.
    """
    file = Path(path)
    template = read_template(file)
    name = stack_path or _stack_name(file)
    metadata: Metadata = {}
    sibling = file.with_name(file.name.removesuffix(".template.json") + ".metadata.json")
    if file.name.endswith(".template.json") and sibling.is_file():
        metadata = _read_metadata(sibling)
    return with_nested(StackTemplate(name, str(file), template, metadata))


def load_paths(paths: Iterable[str | Path]) -> list[StackTemplate]:
    """Stacks from cloud assembly directories, ``manifest.json`` files and template files.

    A template reached twice (the same file given twice, or inside two inputs) is read once.
    """
    stacks: list[StackTemplate] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            if not (path / "manifest.json").is_file():
                raise InputError(
                    path, "is a directory without manifest.json, so not a cloud assembly"
                )
            found = load_assembly(path)
        elif path.is_file():
            found = (
                load_assembly(path.parent) if path.name == "manifest.json" else load_template(path)
            )
        elif path.exists():
            raise InputError(path, "is neither a file nor a directory")
        else:
            raise InputError(path, "no such file or directory")
        for stack in found:
            key = Path(stack.template_path).resolve()
            if key not in seen:
                seen.add(key)
                stacks.append(stack)
    return stacks


def with_nested(stack: StackTemplate) -> list[StackTemplate]:
    """*stack* followed by the stacks of its ``NestedStack`` s (at any depth).

    Nested templates are found through the ``aws:cdk:templateFile`` construct metadata
    (what ``app.synth()`` and ``cdk synth`` both write) and through the ``aws:asset:path``
    metadata of ``AWS::CloudFormation::Stack`` resources (``cdk synth``). Each nested stack
    is named by its construct path (``Parent/Child``) and gets the metadata of the
    constructs it holds, plus every acknowledgment (they apply to descendants).
    """
    directory = Path(stack.template_path).parent
    own_path = stack.stack_path.strip("/")
    nested: dict[str, str] = {}  # template file name -> construct path
    for path, entries in stack.metadata.items():
        for entry in entries or ():
            data = entry.get("data")
            if entry.get("type") != _TEMPLATE_FILE or not isinstance(data, str):
                continue
            if path.strip("/") != own_path:
                nested.setdefault(data, path.strip("/"))
    templates: dict[str, Mapping[str, Any]] = {}
    queue = [(own_path, stack.template)]
    while queue:
        parent_path, template = queue.pop()
        for name, construct_path in _nested_resources(template, parent_path):
            nested.setdefault(name, construct_path)
        for name, construct_path in nested.items():
            if name not in templates:
                file = directory / name
                if not file.is_file():
                    raise InputError(
                        file, f"the template of nested stack {construct_path} is missing"
                    )
                templates[name] = read_template(file)
                queue.append((construct_path, templates[name]))
    if not nested:
        return [_with_template_acknowledgments(stack)]
    owners = [own_path, *nested.values()]
    out = [_restrict(stack, own_path, owners)]
    for name, construct_path in nested.items():
        child = StackTemplate(
            construct_path, str(directory / name), templates[name], stack.metadata
        )
        out.append(_restrict(child, construct_path, owners))
    return out


# -- templates -------------------------------------------------------------------------------


def read_template(path: Path) -> dict[str, Any]:
    """Parse a JSON or YAML template file and check that it is CloudFormation."""
    text = _read_text(path)
    if not text.strip():
        raise InputError(path, "is empty, not a CloudFormation template")
    if text.lstrip().startswith("{"):
        data = _parse_json(text, path)
    else:
        from aspects.cfn_yaml import YamlError, parse_yaml

        try:
            data = parse_yaml(text)
        except YamlError as exc:
            raise InputError(path, f"invalid YAML ({exc})") from None
    return check_template(data, path)


def check_template(data: Any, path: str | Path) -> dict[str, Any]:
    """*data* if it looks like a CloudFormation template, else :class:`InputError`."""
    if not isinstance(data, dict):
        raise InputError(
            path, f"is not a CloudFormation template (a {type(data).__name__}, not a mapping)"
        )
    unknown = sorted(str(k) for k in data if k not in TEMPLATE_SECTIONS)
    if unknown or not data:
        found = f"unexpected top-level key {unknown[0]!r}" if unknown else "no sections"
        raise InputError(
            path, f"is not a CloudFormation template ({found}; expected Resources, Parameters...)"
        )
    resources = data.get("Resources", {})
    if not isinstance(resources, dict):
        raise InputError(path, "is not a CloudFormation template (Resources is not a mapping)")
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise InputError(path, f"resource {logical_id!r} has no Type")
    return data


def _stack_name(file: Path) -> str:
    name = file.name
    for suffix in (".template.json", ".json", ".template.yaml", ".template.yml", ".yaml", ".yml"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except UnicodeDecodeError:
        raise InputError(path, "is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None


def _parse_json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


# -- cloud assemblies --------------------------------------------------------------------------


def _assembly_stacks(directory: Path) -> Iterator[StackTemplate]:
    manifest_path = directory / "manifest.json"
    manifest = _parse_json(_read_text(manifest_path), manifest_path)
    _check_manifest(manifest, manifest_path)
    for artifact_id, artifact in (manifest.get("artifacts") or {}).items():
        if not isinstance(artifact, Mapping):
            raise InputError(manifest_path, f"artifact {artifact_id!r} is not a mapping")
        kind = artifact.get("type")
        props = artifact.get("properties") or {}
        if kind == _STACK_ARTIFACT:
            template_file = props.get("templateFile")
            if not isinstance(template_file, str):
                raise InputError(
                    manifest_path, f"stack artifact {artifact_id!r} has no templateFile"
                )
            file = directory / template_file
            if not file.is_file():
                raise InputError(file, f"is listed in {manifest_path} but missing")
            path = str(artifact.get("displayName") or artifact_id)
            metadata = _artifact_metadata(directory, artifact, file)
            yield from with_nested(StackTemplate(path, str(file), read_template(file), metadata))
        elif kind == _NESTED_ASSEMBLY:
            name = props.get("directoryName")
            if not isinstance(name, str) or not (directory / name / "manifest.json").is_file():
                raise InputError(
                    manifest_path, f"nested assembly {artifact_id!r} has no manifest.json"
                )
            yield from _assembly_stacks(directory / name)


def _check_manifest(manifest: Any, path: Path) -> None:
    if not isinstance(manifest, Mapping) or not isinstance(manifest.get("version"), str):
        raise InputError(path, "is not a cloud assembly manifest (no version)")
    version = manifest["version"]
    try:
        major = int(version.split(".", 1)[0])
    except ValueError:
        raise InputError(path, f"has an unknown schema version {version!r}") from None
    if not 1 <= major <= MAX_MANIFEST_MAJOR:
        raise InputError(
            path,
            f"has cloud assembly schema {version}, which this secure-constructs does not know "
            f"(it reads versions up to {MAX_MANIFEST_MAJOR}.x); upgrade secure-constructs",
        )
    if not isinstance(manifest.get("artifacts", {}), Mapping):
        raise InputError(path, "is not a cloud assembly manifest (artifacts is not a mapping)")


def _artifact_metadata(directory: Path, artifact: Mapping[str, Any], template: Path) -> Metadata:
    """Construct metadata of a stack: the manifest's, then its metadata file's."""
    merged: Metadata = {}
    _merge(merged, artifact.get("metadata"), directory / "manifest.json")
    name = artifact.get("additionalMetadataFile")
    if isinstance(name, str):
        file = directory / name
        if not file.is_file():
            raise InputError(file, "is listed in manifest.json but missing")
    else:
        file = template.with_name(template.name.removesuffix(".template.json") + ".metadata.json")
    if file.is_file():
        _merge(merged, _read_metadata(file), file)
    return merged


def _read_metadata(file: Path) -> Metadata:
    merged: Metadata = {}
    _merge(merged, _parse_json(_read_text(file), file), file)
    return merged


def _merge(into: Metadata, data: Any, source: Path) -> None:
    if data is None:
        return
    if not isinstance(data, Mapping):
        raise InputError(source, "construct metadata is not a mapping")
    for path, entries in data.items():
        if isinstance(entries, list):
            into.setdefault(str(path), []).extend(e for e in entries if isinstance(e, Mapping))


# -- nested stacks and acknowledgments ---------------------------------------------------------


def _nested_resources(template: Mapping[str, Any], parent_path: str) -> Iterator[tuple[str, str]]:
    """(template file, construct path) of nested stack resources that name their asset."""
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") != "AWS::CloudFormation::Stack":
            continue
        meta = resource.get("Metadata") or {}
        asset = meta.get("aws:asset:path") if isinstance(meta, Mapping) else None
        if not isinstance(asset, str) or not asset.endswith(".json"):
            continue
        cdk_path = meta.get("aws:cdk:path")
        if isinstance(cdk_path, str) and _NESTED_STACK_SUFFIX in cdk_path:
            yield asset, cdk_path.split(_NESTED_STACK_SUFFIX, 1)[0].strip("/")
        else:
            yield asset, f"{parent_path}/{logical_id}"


def _owner(path: str, owners: list[str]) -> str | None:
    """The deepest stack (construct path) that holds the construct at *path*."""
    best: str | None = None
    for owner in owners:
        if (path == owner or path.startswith(owner + "/")) and (
            best is None or len(owner) > len(best)
        ):
            best = owner
    return best


def _restrict(stack: StackTemplate, own_path: str, owners: list[str]) -> StackTemplate:
    """*stack* with the metadata of its own constructs and every acknowledgment.

    Logical ids are only unique within one template, so a nested stack must not see the
    logical ids of its parent (or siblings), but an acknowledgment on an ancestor (the
    parent stack, the nested stack construct) covers everything below it.
    """
    metadata: Metadata = {}
    for path, entries in stack.metadata.items():
        if _owner(path.strip("/"), owners) == own_path:
            kept = list(entries)
        else:
            kept = [e for e in entries if e.get("type") == ACKNOWLEDGED_RULES_METADATA]
        if kept:
            metadata[path] = kept
    return _with_template_acknowledgments(
        StackTemplate(stack.stack_path, stack.template_path, stack.template, metadata)
    )


def _ack_data(meta: Any) -> dict[str, Any] | None:
    # Reasons are kept as written: the index judges them (a null, 0 or blank reason is not
    # a reason, and str() would turn it into one).
    data = meta.get(ACKNOWLEDGED_RULES_METADATA) if isinstance(meta, Mapping) else None
    if not isinstance(data, Mapping):
        return None
    return {(str(k) if "::" in str(k) else f"{PLUGIN_NAME}::{k}"): v for k, v in data.items()}


def _with_template_acknowledgments(stack: StackTemplate) -> StackTemplate:
    """Add acknowledgments written in the template's or resources' ``Metadata``.

    Hand-written templates may acknowledge a rule for the whole template
    (``Metadata: {aws:cdk:acknowledged-rules: {SC-S3-2: reason}}``) or for one resource (the
    same under the resource's ``Metadata``); the ``SecureConstructs::`` prefix is optional.
    Resources without a construct path get ``<stack>/<logical id>`` so the lookup works.
    """
    template = stack.template
    stack_acks = _ack_data(template.get("Metadata"))
    resources = template.get("Resources") or {}
    resource_acks = {
        lid: acks for lid, r in resources.items() if (acks := _ack_data(r.get("Metadata")))
    }
    if not stack_acks and not resource_acks:
        return stack
    metadata: Metadata = {path: list(entries) for path, entries in stack.metadata.items()}
    known = {
        e.get("data")
        for entries in metadata.values()
        for e in entries
        if e.get("type") == _LOGICAL_ID
    }
    root = "/" + stack.stack_path.strip("/")
    if stack_acks:
        metadata.setdefault(root, []).append(
            {"type": ACKNOWLEDGED_RULES_METADATA, "data": stack_acks}
        )
    for lid, resource in resources.items():
        meta = resource.get("Metadata")
        cdk_path = meta.get("aws:cdk:path") if isinstance(meta, Mapping) else None
        path = f"/{cdk_path}" if isinstance(cdk_path, str) else f"{root}/{lid}"
        if lid not in known and not isinstance(cdk_path, str):
            metadata.setdefault(path, []).append({"type": _LOGICAL_ID, "data": lid})
        if lid in resource_acks:
            metadata.setdefault(path, []).append(
                {"type": ACKNOWLEDGED_RULES_METADATA, "data": resource_acks[lid]}
            )
    return StackTemplate(stack.stack_path, stack.template_path, stack.template, metadata)
