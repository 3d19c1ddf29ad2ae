"""Bounds on what a template may hold, shared by the JSON and the YAML reader.

A module of its own so that reading JSON does not import the YAML parser.
"""

from __future__ import annotations

#: Deepest nesting of mappings and sequences accepted (YAML aliases expanded);
#: CloudFormation templates rarely pass 20.
MAX_DEPTH = 100

#: Most nodes that YAML aliases may add to a document, all aliases together (each counted
#: as the size of what it expands to). Hand-written templates use a few small anchors.
MAX_ALIAS_NODES = 100_000
