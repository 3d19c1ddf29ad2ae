"""Catalogue examples of the dynamodb, kinesis, stepfunctions rules."""

from __future__ import annotations

from aspects.rules._example_base import Example

DATA_EXAMPLES: dict[str, Example] = {}
