"""Read what there is to scan: cloud assemblies (``cdk.out``) and CloudFormation templates.

Everything here is plain Python (no CDK, no jsii), so ``secure-constructs scan`` starts fast
and reads the output of a CDK app in any language, or templates written by hand.

* A cloud assembly is read through its ``manifest.json``: every stack artifact, the stacks
  of nested ``Stage`` assemblies, and the templates of ``NestedStack`` s (written as
  ``*.nested.template.json`` assets, which the manifest does not list: they are found
  through the stack's asset manifest and construct metadata, see :func:`with_nested`).
* Construct metadata comes from each stack's metadata file (``additionalMetadataFile``,
  cloud assembly schema 30+), from the artifact's ``metadata`` in older manifests, and from
  ``aws:cdk:acknowledged-rules`` written into a template's or a resource's ``Metadata``.
* A template file may be JSON or YAML with CloudFormation's short-form tags (``!Ref``,
  ``!GetAtt a.b``, ``!Sub``...), which become the long JSON form.
* A template with a ``Transform`` goes through :func:`aspects.sam.expand_transforms`: SAM is
  expanded offline, anything else is recorded in ``StackTemplate.unverifiable``.
* The manifest's schema version: any version of a major up to :data:`KNOWN_MANIFEST_MAJOR`
  is read silently. A newer major (a newer aws-cdk-lib than this release was tested with) is
  read with a :class:`NewerSchemaWarning` as long as reading it cannot skip a stack: every
  artifact is of a type schema :data:`KNOWN_MANIFEST_MAJOR` defines, and at least one is a
  stack or nested assembly. Otherwise it is refused (an :class:`InputError` saying to
  upgrade): an artifact type this reader does not know could hold stacks it would pass over,
  and a manifest with nothing it can read most likely lays its stacks out differently, so
  reading on would judge less than will deploy.

Bad input raises :class:`InputError`, whose text is one line naming the file and problem.
Hostile input is bounded: files larger than :data:`MAX_FILE_BYTES`, trees nested deeper
than :data:`~aspects.limits.MAX_DEPTH` (JSON and YAML), YAML aliases that expand too
far, ``NaN``/``Infinity`` in JSON, nested assemblies that lead back to themselves, and
file names in a manifest or a template that leave the assembly (absolute, ``..``, or a
symbolic link pointing outside; allowed with ``allow_outside_assembly=True``) are all an
:class:`InputError`. A problem inside one resource (its ``Properties`` is a list, say) is
left for the engine, which reports that resource as *cannot verify*.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from aspects.constants import ACKNOWLEDGED_RULES_METADATA, PLUGIN_NAME
from aspects.coverage import NESTED_STACK, nested_stack_path
from aspects.index import StackTemplate
from aspects.limits import MAX_DEPTH
from aspects.sam import expand_transforms

#: The newest cloud assembly schema major this reader was written and tested against
#: (aws-cdk-lib 2.275 writes 55). Newer majors are read with a :class:`NewerSchemaWarning`
#: when that is safe (see the module docstring).
KNOWN_MANIFEST_MAJOR = 55

#: Artifact types of cloud assembly schema 55 (``ArtifactType``): the two this reader
#: follows (:data:`_STACK_ARTIFACT`, :data:`_NESTED_ASSEMBLY`) and those that hold no template.
KNOWN_ARTIFACT_TYPES = frozenset(
    {
        "aws:cloudformation:stack",
        "cdk:cloud-assembly",
        "cdk:asset-manifest",
        "cdk:tree",
        "cdk:feature-flag-report",
        "none",
    }
)

#: The largest file (template, manifest, metadata) read: 50 MiB. CloudFormation itself
#: takes templates of at most 1 MB (from S3); CDK metadata files of large apps reach a few
#: MB.
MAX_FILE_BYTES = 50 * 1024 * 1024

#: Sections that hold a mapping when present (``null`` reads as empty).
_MAPPING_SECTIONS = (
    "Resources",
    "Parameters",
    "Mappings",
    "Conditions",
    "Outputs",
    "Metadata",
    "Rules",
    "Hooks",
    "Globals",
)

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
_ASSET_MANIFEST = "cdk:asset-manifest"
_TEMPLATE_FILE = "aws:cdk:templateFile"
_LOGICAL_ID = "aws:cdk:logicalId"
_NESTED_STACK_SUFFIX = ".NestedStack/"

Metadata = dict[str, list[Mapping[str, Any]]]


class NewerSchemaWarning(UserWarning):
    """A cloud assembly of a newer schema major than :data:`KNOWN_MANIFEST_MAJOR`, read anyway.

    Every artifact in it is of a known type, so no stack is skipped; what a newer schema
    changed inside a stack artifact is not known. Upgrade secure-constructs to be sure.
    """


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


def load_assembly(
    directory: str | Path, *, allow_outside_assembly: bool = False
) -> list[StackTemplate]:
    """Every stack of a cloud assembly: nested ``Stage`` s and ``NestedStack`` s included.

    Parameters
    ----------
    directory:
        The assembly directory (``cdk.out``), which holds ``manifest.json``.
    allow_outside_assembly:
        Read files the manifest or a template names outside *directory* (absolute paths,
        ``..``, symbolic links pointing out). By default that is an :class:`InputError`.

    Raises
    ------
    InputError
        When the manifest or a template is missing, unreadable or malformed, names a file
        outside the assembly, or has a newer schema major that cannot be read safely.

    Warns
    -----
    NewerSchemaWarning
        When a manifest has a newer schema major than :data:`KNOWN_MANIFEST_MAJOR` and is
        read anyway.
    """
    root = Path(directory)
    return list(_assembly_stacks(root, root, allow_outside_assembly, set()))


def load_template(
    path: str | Path, stack_path: str | None = None, *, allow_outside_assembly: bool = False
) -> list[StackTemplate]:
    """A template file (JSON or YAML) and the templates of its nested stacks.

    Parameters
    ----------
    path:
        The template file. A CDK ``X.template.json`` picks up ``X.metadata.json`` beside it.
    stack_path:
        The name to report the stack under; by default the file name without
        ``.template.json`` / ``.json`` / ``.yaml`` / ``.yml``.
    allow_outside_assembly:
        Read nested stack templates outside the template's directory.
    """
    file = Path(path)
    template, plain = read_template_plain(file)
    name = stack_path or _stack_name(file)
    metadata: Metadata = {}
    sibling = file.with_name(file.name.removesuffix(".template.json") + ".metadata.json")
    if file.name.endswith(".template.json") and sibling.is_file():
        metadata = _read_metadata(sibling)
    return with_nested(
        StackTemplate(name, str(file), template, metadata, plain=plain),
        allow_outside_assembly=allow_outside_assembly,
    )


def load_paths(
    paths: Iterable[str | Path], *, allow_outside_assembly: bool = False
) -> list[StackTemplate]:
    """Stacks from cloud assembly directories, ``manifest.json`` files and template files.

    A template reached twice (the same file given twice, or inside two inputs) is read once.
    A cloud assembly without any stack is an :class:`InputError` (a scan of it would pass
    while judging nothing); a template file without resources is not.
    """
    stacks: list[StackTemplate] = []
    seen: set[Path] = set()
    outside = allow_outside_assembly
    for raw in paths:
        path = Path(raw)
        assembly: Path | None = None
        if path.is_dir():
            if not (path / "manifest.json").is_file():
                raise InputError(
                    path, "is a directory without manifest.json, so not a cloud assembly"
                )
            assembly = path
        elif path.is_file():
            if path.name == "manifest.json":
                assembly = path.parent
        elif path.exists():
            raise InputError(path, "is neither a file nor a directory")
        else:
            raise InputError(path, "no such file or directory")
        if assembly is None:
            found = load_template(path, allow_outside_assembly=outside)
        else:
            found = load_assembly(assembly, allow_outside_assembly=outside)
            if not found:
                raise InputError(
                    assembly / "manifest.json",
                    "no stacks found (the cloud assembly has no stack artifacts, so there is "
                    "nothing to scan)",
                )
        for stack in found:
            key = Path(stack.template_path).resolve()
            if key not in seen:
                seen.add(key)
                stacks.append(stack)
    return stacks


def with_nested(
    stack: StackTemplate,
    *,
    allow_outside_assembly: bool = False,
    asset_manifests: Sequence[Path] | None = None,
) -> list[StackTemplate]:
    """*stack* followed by the stacks of its ``NestedStack`` s (at any depth).

    A nested template is found, for each ``AWS::CloudFormation::Stack`` resource, through
    the first of:

    * the resource's ``aws:asset:path`` metadata (``cdk synth``: the CLI asks for asset
      metadata);
    * the nested stack's ``aws:cdk:templateFile`` construct metadata (aws-cdk-lib 2.274 and
      newer write it, for ``app.synth()`` too);
    * the stack's asset manifest (``<Stack>.assets.json``, written by every release): the
      file asset whose object key the resource's ``TemplateURL`` names. Older releases'
      ``app.synth()`` leave no other trace of a nested template.

    A template a source names but that is missing is an :class:`InputError`. A nested stack
    resource no source names is not passed over: its template is not loaded, and the
    coverage of its parent reports the resource, which
    :func:`aspects.coverage.with_unjudged` turns into an error (``SC-CFN-3``).

    Each nested stack is named by its construct path (``Parent/Child``) and gets the
    metadata of the constructs it holds, plus every acknowledgment (they apply to
    descendants). Every template, *stack*'s included, has its transforms expanded
    (:func:`aspects.sam.expand_transforms`). A nested template (and an asset manifest
    found beside the template) must lie in *stack*'s directory (or below it) unless
    *allow_outside_assembly*.

    Parameters
    ----------
    asset_manifests:
        The stack's asset manifest files (the ``cdk:asset-manifest`` artifacts its stack
        artifact depends on). Default: looked up in the ``manifest.json`` beside the
        template, else ``<name>.assets.json`` beside ``<name>.template.json``; read only
        when a nested stack resource is not found otherwise.
    """
    stack = expand_transforms(stack)
    template_file = Path(stack.template_path)
    directory = template_file.parent
    own_path = stack.stack_path.strip("/")
    nested: dict[str, str] = {}  # template file name -> construct path
    for path, entries in stack.metadata.items():
        for entry in entries or ():
            data = entry.get("data")
            if entry.get("type") != _TEMPLATE_FILE or not isinstance(data, str):
                continue
            if path.strip("/") != own_path:
                nested.setdefault(data, path.strip("/"))
    # Every stack the construct tree holds below *stack*, from the metadata: the logical id
    # of a nested stack resource is only unique within its parent's template.
    owners = {own_path, *nested.values()}
    owners.update(
        p.split(_NESTED_STACK_SUFFIX, 1)[0].strip("/")
        for p in stack.metadata
        if _NESTED_STACK_SUFFIX in p
    )
    paths_by_id = _logical_id_paths(stack.metadata)
    assets: dict[str, str] | None = None  # object key -> template file (read when needed)
    children: dict[str, StackTemplate] = {}
    queue = [(own_path, stack.template)]
    while queue:
        parent_path, template = queue.pop()
        for logical_id, resource in _stack_resources(template):
            construct_path = _nested_stack_path(
                parent_path, logical_id, resource, paths_by_id, owners
            )
            name = _asset_path(resource)
            if name is None and construct_path in nested.values():
                continue  # found through aws:cdk:templateFile
            if name is None:
                if assets is None:
                    files = asset_manifests
                    if files is None:
                        files = _asset_manifests_beside(template_file, allow_outside_assembly)
                    assets = _nested_template_assets(files)
                name = _template_named(resource, assets)
            if name is not None:
                nested.setdefault(name, construct_path)
        for name, construct_path in list(nested.items()):
            if name not in children:
                file = _inside(
                    directory,
                    directory,
                    name,
                    allow_outside_assembly,
                    f"the template of nested stack {construct_path}",
                    Path(stack.template_path),
                )
                if not file.is_file():
                    raise InputError(
                        file, f"the template of nested stack {construct_path} is missing"
                    )
                child, plain = read_template_plain(file)
                children[name] = expand_transforms(
                    StackTemplate(construct_path, str(file), child, stack.metadata, plain=plain)
                )
                queue.append((construct_path, children[name].template))
    if not nested:
        return [_with_template_acknowledgments(stack)]
    all_owners = [own_path, *nested.values()]
    out = [_restrict(stack, own_path, all_owners)]
    for name, construct_path in nested.items():
        out.append(_restrict(children[name], construct_path, all_owners))
    return out


# -- templates -------------------------------------------------------------------------------


def read_template(path: Path) -> dict[str, Any]:
    """Parse a JSON or YAML template file and check that it is CloudFormation.

    The template is returned as written; :func:`with_nested` (the path every loader takes)
    expands its transforms.
    """
    return read_template_plain(path)[0]


def read_template_plain(path: Path) -> tuple[dict[str, Any], bool]:
    """:func:`read_template`, and whether the template is *plain* (:func:`plain_text`)."""
    text = _read_text(path)
    if not text.strip():
        raise InputError(path, "is empty, not a CloudFormation template")
    if text.lstrip().startswith("{"):
        data = _parse_json(text, path)
        plain = plain_text(text)
    else:
        from aspects.cfn_yaml import YamlError, parse_yaml  # the YAML parser, on use

        try:
            data = parse_yaml(text)
        except YamlError as exc:
            raise InputError(path, f"invalid YAML ({exc})") from None
        plain = False  # YAML's short forms (!If) do not spell the names out
    return check_template(data, path), plain


#: What the JSON text of a template must not contain for it to be *plain*. A ``\u``
#: escape could spell any of the names, so text with one is never plain.
_NOT_PLAIN = ("Fn::If", "AWS::NoValue", "Fn::Transform", "\\u")


def plain_text(text: str) -> bool:
    """Whether JSON *text* names none of ``Fn::If``, ``AWS::NoValue`` and ``Fn::Transform``.

    Then no value in it depends on a condition (every resource is its only variant) and no
    transform is embedded in it, which the loader and the engine would otherwise learn by
    walking every value of the template. A substring search of the text answers both at
    C speed; it can only err towards walking (a name inside a string).
    """
    return not any(marker in text for marker in _NOT_PLAIN)


def check_template(data: Any, path: str | Path) -> dict[str, Any]:
    """*data* if it looks like a CloudFormation template, else :class:`InputError`.

    Checked here: the sections are known and of the right kind, every resource is a
    mapping with a string ``Type`` (and a mapping ``Metadata``, which the loader reads),
    every logical id is a string, and ``Transform`` names its transforms. What a resource's
    ``Properties`` hold is the rules' business.
    """
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
    for section in _MAPPING_SECTIONS:
        value = data.get(section)
        if value is not None and not isinstance(value, dict):
            raise InputError(
                path,
                f"is not a CloudFormation template ({section} is a {type(value).__name__}, "
                "not a mapping)",
            )
        bad = next((k for k in value or () if not isinstance(k, str)), None)
        if bad is not None and section in ("Resources", "Parameters", "Conditions", "Outputs"):
            raise InputError(path, f"{section} has a name that is not a string: {bad!r}")
    _check_transform(data.get("Transform"), path)
    for logical_id, resource in (data.get("Resources") or {}).items():
        if not isinstance(resource, dict):
            raise InputError(
                path, f"resource {logical_id!r} is a {type(resource).__name__}, not a mapping"
            )
        kind = resource.get("Type")
        if kind is None:
            raise InputError(path, f"resource {logical_id!r} has no Type")
        if not isinstance(kind, str):
            raise InputError(
                path, f"resource {logical_id!r} has a Type that is not a string: {kind!r:.80}"
            )
        meta = resource.get("Metadata")
        if meta is not None and not isinstance(meta, dict):
            raise InputError(
                path,
                f"resource {logical_id!r} has Metadata that is a {type(meta).__name__}, "
                "not a mapping",
            )
    return data


def _check_transform(value: Any, path: str | Path) -> None:
    """``Transform`` is a name, a ``{Name, Parameters}`` mapping, or a list of them."""
    for item in value if isinstance(value, list) else [] if value is None else [value]:
        name = item.get("Name") if isinstance(item, dict) else item
        if not isinstance(name, str):
            raise InputError(
                path,
                f"is not a CloudFormation template (Transform holds {item!r:.80}, not a "
                "transform name)",
            )


def _stack_name(file: Path) -> str:
    name = file.name
    for suffix in (".template.json", ".json", ".template.yaml", ".template.yml", ".yaml", ".yml"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


#: Read in pieces of this size where the size is not known in advance (a pipe, /proc).
_CHUNK_BYTES = 1024 * 1024


def _read_at_most(stream: BinaryIO, limit: int) -> bytes:
    """At most *limit* + 1 bytes of *stream*, allocating about what the file holds.

    ``stream.read(limit + 1)`` allocates the whole limit (50 MiB) for every file, however
    small. A regular file is read in one piece of its size (and one byte more, to notice a
    file that grew); a file whose size is not known (a pipe, ``/proc``), or that grew, is
    read on a piece at a time up to the limit.
    """
    size = os.fstat(stream.fileno()).st_size
    data = stream.read(min(size, limit) + 1) if size > 0 else b""
    if size > 0 and len(data) <= size:
        return data  # the whole file, or limit + 1 bytes of a file larger than the limit
    parts = [data]
    left = limit + 1 - len(data)
    while left > 0 and (part := stream.read(min(left, _CHUNK_BYTES))):
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _read_text(path: Path) -> str:
    """The file's text; at most :data:`MAX_FILE_BYTES` (read no further than that)."""
    try:
        with path.open("rb") as stream:
            data = _read_at_most(stream, MAX_FILE_BYTES)
        if len(data) > MAX_FILE_BYTES:
            raise InputError(
                path,
                f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, the most "
                "secure-constructs reads",
            )
        return data.decode("utf-8")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except UnicodeDecodeError:
        raise InputError(path, "is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parse_json(text: str, path: Path) -> Any:
    """Parse JSON: no ``NaN``/``Infinity``, nesting at most :data:`MAX_DEPTH` deep."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise InputError(path, f"invalid JSON: {exc}") from None
    except RecursionError:
        raise InputError(path, f"invalid JSON: nested deeper than {MAX_DEPTH} levels") from None
    if _depth_exceeds(data, MAX_DEPTH):
        raise InputError(path, f"invalid JSON: nested deeper than {MAX_DEPTH} levels")
    return data


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Whether mappings and lists nest more than *limit* deep (walked without recursion).

    Level by level, testing exact types: ``json.loads`` makes only ``dict`` and ``list``
    containers, and this walk runs over every template a synthesis reads.
    """
    level = [data] if type(data) is dict or type(data) is list else []
    depth = 1
    while level:
        if depth > limit:
            return True
        deeper = []
        for node in level:
            for child in node.values() if type(node) is dict else node:
                kind = type(child)
                if kind is dict or kind is list:
                    deeper.append(child)
        level = deeper
        depth += 1
    return False


# -- cloud assemblies --------------------------------------------------------------------------


def _assembly_stacks(
    directory: Path, root: Path, outside: bool, visited: set[Path]
) -> Iterator[StackTemplate]:
    """The stacks of the assembly in *directory*; *root* is the outermost assembly.

    *visited* holds the assemblies read so far (resolved), so a nested assembly that
    names itself or an ancestor is an error instead of endless recursion.
    """
    manifest_path = directory / "manifest.json"
    visited.add(directory.resolve())
    manifest = _parse_json(_read_text(manifest_path), manifest_path)
    _check_manifest(manifest, manifest_path)
    artifacts = manifest.get("artifacts") or {}
    for artifact_id, artifact in artifacts.items():
        if not isinstance(artifact, Mapping):
            raise InputError(manifest_path, f"artifact {artifact_id!r} is not a mapping")
        kind = artifact.get("type")
        props = artifact.get("properties")
        props = {} if props is None else props
        if kind in (_STACK_ARTIFACT, _NESTED_ASSEMBLY) and not isinstance(props, Mapping):
            raise InputError(
                manifest_path,
                f"artifact {artifact_id!r} has properties that are a {type(props).__name__}, "
                "not a mapping",
            )
        if kind == _STACK_ARTIFACT:
            template_file = props.get("templateFile")
            if not isinstance(template_file, str):
                raise InputError(
                    manifest_path, f"stack artifact {artifact_id!r} has no templateFile"
                )
            what = f"the templateFile of stack artifact {artifact_id!r}"
            file = _inside(root, directory, template_file, outside, what, manifest_path)
            if not file.is_file():
                raise InputError(file, f"is listed in {manifest_path} but missing")
            path = str(artifact.get("displayName") or artifact_id)
            metadata = _artifact_metadata(directory, root, outside, artifact, file)
            template, plain = read_template_plain(file)
            stack = StackTemplate(path, str(file), template, metadata, plain=plain)
            assets = _artifact_asset_manifests(
                directory, root, outside, artifacts, artifact, manifest_path
            )
            yield from with_nested(stack, allow_outside_assembly=outside, asset_manifests=assets)
        elif kind == _NESTED_ASSEMBLY:
            name = props.get("directoryName")
            if not isinstance(name, str):
                raise InputError(
                    manifest_path, f"nested assembly {artifact_id!r} has no directoryName"
                )
            what = f"the directoryName of nested assembly {artifact_id!r}"
            nested = _inside(root, directory, name, outside, what, manifest_path)
            if not (nested / "manifest.json").is_file():
                raise InputError(
                    manifest_path, f"nested assembly {artifact_id!r} has no manifest.json"
                )
            if nested.resolve() in visited:
                raise InputError(
                    manifest_path,
                    f"nested assembly {artifact_id!r} ({name}) leads back to an assembly "
                    "already being read (a cycle)",
                )
            yield from _assembly_stacks(nested, root, outside, visited)


def _inside(root: Path, base: Path, name: str, outside: bool, what: str, source: Path) -> Path:
    """``base / name``, if it stays inside *root* (symbolic links followed) or *outside*.

    Raises
    ------
    InputError
        Naming *source* (the file that names the path) when the path is absolute or
        leads out of *root*.
    """
    file = base / name
    if outside:
        return file
    if Path(name).is_absolute():
        problem = "is an absolute path"
    else:
        try:
            file.resolve().relative_to(root.resolve())
        except ValueError:
            problem = "leads outside it (through '..' or a symbolic link)"
        except (OSError, RuntimeError) as exc:  # a symlink loop
            problem = f"cannot be resolved ({exc})"
        else:
            return file
    raise InputError(
        source,
        f"{what} {name!r} {problem}, but only files inside {root} are read; pass "
        "--allow-outside-assembly to read it",
    )


def _check_manifest(manifest: Any, path: Path) -> None:
    """Refuse what is not a manifest, or a newer schema that cannot be read safely.

    Warns (:class:`NewerSchemaWarning`) for a newer major that can; see the module docstring.
    """
    if not isinstance(manifest, Mapping) or not isinstance(manifest.get("version"), str):
        raise InputError(path, "is not a cloud assembly manifest (no version)")
    version = manifest["version"]
    try:
        major = int(version.split(".", 1)[0])
    except ValueError:
        raise InputError(path, f"has an unknown schema version {version!r}") from None
    if major < 1:
        raise InputError(path, f"has an unknown schema version {version!r}")
    artifacts = manifest.get("artifacts", {})
    if not isinstance(artifacts, Mapping):
        raise InputError(path, "is not a cloud assembly manifest (artifacts is not a mapping)")
    if major <= KNOWN_MANIFEST_MAJOR:
        return
    newer = (
        f"has cloud assembly schema {version}, newer than {KNOWN_MANIFEST_MAJOR}.x (the newest "
        "this secure-constructs knows)"
    )
    kinds = [a.get("type") if isinstance(a, Mapping) else None for a in artifacts.values()]
    unknown = sorted({repr(k) for k in kinds if k not in KNOWN_ARTIFACT_TYPES})
    if unknown:
        raise InputError(
            path,
            f"{newer}, with artifact type(s) it does not know ({', '.join(unknown)}) that could "
            "hold stacks it would skip; upgrade secure-constructs",
        )
    if not any(k in (_STACK_ARTIFACT, _NESTED_ASSEMBLY) for k in kinds):
        raise InputError(
            path,
            f"{newer}, without a stack or nested assembly artifact it can read (the stacks may "
            "be laid out differently); upgrade secure-constructs",
        )
    warnings.warn(
        NewerSchemaWarning(
            f"{path}: {newer}; read as schema {KNOWN_MANIFEST_MAJOR} lays out its stacks (every "
            "artifact is of a known type); upgrade secure-constructs to be sure"
        ),
        stacklevel=2,
    )


def _artifact_metadata(
    directory: Path, root: Path, outside: bool, artifact: Mapping[str, Any], template: Path
) -> Metadata:
    """Construct metadata of a stack: the manifest's, then its metadata file's."""
    merged: Metadata = {}
    manifest = directory / "manifest.json"
    _merge(merged, artifact.get("metadata"), manifest)
    name = artifact.get("additionalMetadataFile")
    if isinstance(name, str):
        what = "additionalMetadataFile"
        file = _inside(root, directory, name, outside, what, manifest)
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
            into.setdefault(str(path), []).extend(
                e for e in entries if isinstance(e, Mapping) and isinstance(e.get("type"), str)
            )


# -- nested stacks and acknowledgments ---------------------------------------------------------


def _stack_resources(template: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(logical id, resource) of the nested stack resources of *template*."""
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") == NESTED_STACK:
            yield logical_id, resource


def _resource_metadata(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = resource.get("Metadata")
    return meta if isinstance(meta, Mapping) else {}


def _asset_path(resource: Mapping[str, Any]) -> str | None:
    """The template file named by the resource's ``aws:asset:path`` (``cdk synth``)."""
    asset = _resource_metadata(resource).get("aws:asset:path")
    return asset if isinstance(asset, str) and asset.endswith(".json") else None


def _logical_id_paths(metadata: Mapping[str, list[Mapping[str, Any]]]) -> dict[str, list[str]]:
    """Logical id -> the construct paths (no leading ``/``) whose metadata records it."""
    out: dict[str, list[str]] = {}
    for path, entries in metadata.items():
        for entry in entries or ():
            data = entry.get("data")
            if entry.get("type") == _LOGICAL_ID and isinstance(data, str):
                out.setdefault(data, []).append(path.strip("/"))
    return out


def _nested_stack_path(
    parent_path: str,
    logical_id: str,
    resource: Mapping[str, Any],
    paths_by_id: Mapping[str, list[str]],
    owners: set[str],
) -> str:
    """The construct path the nested stack of a resource in *parent_path* is named by.

    From the resource's ``aws:cdk:path`` (``cdk synth``), else from the construct metadata
    (the path of *parent_path*'s construct with this logical id), else
    ``parent/logicalId``; the same naming as :func:`aspects.coverage.nested_stack_path`,
    which matches a nested stack resource to its loaded template.
    """
    cdk_path = _resource_metadata(resource).get("aws:cdk:path")
    if not isinstance(cdk_path, str):
        candidates = paths_by_id.get(logical_id, [])
        cdk_path = next(
            (p for p in candidates if _owner(p, list(owners)) == parent_path.strip("/")), None
        )
    return nested_stack_path(parent_path.strip("/"), logical_id, cdk_path)


def _asset_manifests_beside(template: Path, outside: bool) -> list[Path]:
    """The asset manifests of the stack whose template is *template* (no manifest given).

    The ``cdk:asset-manifest`` artifacts its stack artifact depends on in the
    ``manifest.json`` beside it, else ``<name>.assets.json`` beside ``<name>.template.json``.
    """
    directory = template.parent
    manifest_path = directory / "manifest.json"
    if manifest_path.is_file():
        manifest = _parse_json(_read_text(manifest_path), manifest_path)
        artifacts = manifest.get("artifacts") if isinstance(manifest, Mapping) else None
        if not isinstance(artifacts, Mapping):
            artifacts = {}
        for artifact in artifacts.values():
            props = artifact.get("properties") if isinstance(artifact, Mapping) else None
            if (
                isinstance(props, Mapping)  # so *artifact* is a mapping too
                and artifact.get("type") == _STACK_ARTIFACT
                and props.get("templateFile") == template.name
            ):
                return _artifact_asset_manifests(
                    directory, directory, outside, artifacts, artifact, manifest_path
                )
    sibling = template.with_name(template.name.removesuffix(".template.json") + ".assets.json")
    if template.name.endswith(".template.json") and sibling.is_file():
        return [sibling]
    return []


def _artifact_asset_manifests(
    directory: Path,
    root: Path,
    outside: bool,
    artifacts: Mapping[str, Any],
    artifact: Mapping[str, Any],
    manifest_path: Path,
) -> list[Path]:
    """The files of the ``cdk:asset-manifest`` artifacts a stack artifact depends on."""
    out: list[Path] = []
    dependencies = artifact.get("dependencies")
    for dependency in dependencies if isinstance(dependencies, list) else ():
        other = artifacts.get(dependency) if isinstance(dependency, str) else None
        if not isinstance(other, Mapping) or other.get("type") != _ASSET_MANIFEST:
            continue
        props = other.get("properties")
        name = props.get("file") if isinstance(props, Mapping) else None
        if not isinstance(name, str):
            raise InputError(manifest_path, f"asset manifest artifact {dependency!r} has no file")
        what = f"the file of asset manifest artifact {dependency!r}"
        out.append(_inside(root, directory, name, outside, what, manifest_path))
    return out


def _nested_template_assets(files: Iterable[Path]) -> dict[str, str]:
    """Object key -> source file of the file assets in these asset manifests.

    A nested stack resource's ``TemplateURL`` names the object key its template is
    uploaded under; the source file is the template in the cloud assembly.
    """
    out: dict[str, str] = {}
    for file in files:
        if not file.is_file():
            raise InputError(file, "is listed in manifest.json but missing")
        data = _parse_json(_read_text(file), file)
        assets = data.get("files") if isinstance(data, Mapping) else None
        if not isinstance(assets, Mapping):
            raise InputError(file, "is not an asset manifest (no files mapping)")
        for asset in assets.values():
            source = asset.get("source") if isinstance(asset, Mapping) else None
            path = source.get("path") if isinstance(source, Mapping) else None
            destinations = asset.get("destinations") if isinstance(asset, Mapping) else None
            if not isinstance(path, str) or not isinstance(destinations, Mapping):
                continue
            for destination in destinations.values():
                key = destination.get("objectKey") if isinstance(destination, Mapping) else None
                if isinstance(key, str) and key:
                    out.setdefault(key, path)
    return out


def _template_named(resource: Mapping[str, Any], assets: Mapping[str, str]) -> str | None:
    """The asset file whose object key ends the resource's ``TemplateURL``, if any."""
    if not assets:
        return None
    props = resource.get("Properties")
    url = props.get("TemplateURL") if isinstance(props, Mapping) else None
    texts = [t for t in _strings(url) if t.endswith(".json")]
    for key, path in assets.items():
        if any(t == key or t.endswith("/" + key) for t in texts):
            return path
    return None


def _strings(value: Any) -> Iterator[str]:
    """Every string in *value* (``Fn::Join`` parts, ``Fn::Sub`` text...), depth first."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


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
    return _with_template_acknowledgments(replace(stack, metadata=metadata))


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
    return replace(stack, metadata=metadata)
