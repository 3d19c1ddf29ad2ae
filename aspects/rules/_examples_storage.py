"""Catalogue examples of the efs, elasticache, opensearch rules."""

from __future__ import annotations

from aspects.rules._example_base import Example

STORAGE_EXAMPLES: dict[str, Example] = {}
