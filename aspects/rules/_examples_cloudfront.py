"""Catalogue examples of the cloudfront rules."""

from __future__ import annotations

from aspects.rules._example_base import Example

CLOUDFRONT_EXAMPLES: dict[str, Example] = {}
