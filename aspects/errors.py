"""The one place for the errors secure-constructs raises on bad input.

Every problem has a stable code, names the property and the bad value, and says the fix.
Constructs collect all problems and raise once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One bad input: a stable code, the property, what is wrong and the fix."""

    code: str
    property: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.property}: {self.message} Fix: {self.fix}"


class SecureConstructsError(ValueError):
    """Bad input to a secure-constructs construct or helper.

    Parameters
    ----------
    where:
        The construct path (or helper name) that received the input.
    issues:
        Every problem found, so a user fixes them in one pass.
    """

    def __init__(self, where: str, issues: Sequence[Issue]) -> None:
        self.where = where
        self.issues = tuple(issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        super().__init__(f"invalid configuration of {where}:\n{lines}")

    @property
    def codes(self) -> tuple[str, ...]:
        """The stable codes of the problems, for tests and tooling."""
        return tuple(issue.code for issue in self.issues)
