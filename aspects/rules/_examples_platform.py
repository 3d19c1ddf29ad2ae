"""Catalogue examples of the ecr, codebuild, cognito, eks rules."""

from __future__ import annotations

from aspects.rules._example_base import Example

PLATFORM_EXAMPLES: dict[str, Example] = {}
