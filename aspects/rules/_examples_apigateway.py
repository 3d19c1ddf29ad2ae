"""Catalogue examples of the apigateway rules."""

from __future__ import annotations

from aspects.rules._example_base import Example

APIGATEWAY_EXAMPLES: dict[str, Example] = {}
