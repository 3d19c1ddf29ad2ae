"""Read the stacks of a synthesized cloud assembly (a ``cdk.out`` directory)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from aspects.index import StackTemplate


def load_assembly(directory: str | Path) -> list[StackTemplate]:
    """Every stack of the assembly, nested ``Stage`` assemblies included, via manifest.json."""
    return list(_stacks(Path(directory)))


def _stacks(directory: Path) -> Iterator[StackTemplate]:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    for artifact_id, artifact in (manifest.get("artifacts") or {}).items():
        kind = artifact.get("type")
        props = artifact.get("properties") or {}
        if kind == "aws:cloudformation:stack":
            path = artifact.get("displayName") or artifact_id
            yield StackTemplate.load(str(path), directory / props["templateFile"])
        elif kind == "cdk:cloud-assembly":
            yield from _stacks(directory / props["directoryName"])
