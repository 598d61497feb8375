"""Errors a user can cause (exit 2) and errors the tool cannot recover from (exit 1).

Every user-facing error is one line: ``error: FILE, row R, column C: message``. Rows are
1-based data rows (the header is not counted), as the contracts require.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ClimriskError",
    "InputError",
    "InputErrors",
    "Issue",
    "format_issue",
    "format_warning",
]


@dataclass(frozen=True)
class Issue:
    """One problem found in an input file.

    Parameters
    ----------
    path
        The file the problem is in (printed by name).
    message
        What is wrong, and the fix when it is obvious.
    row
        1-based data row (header excluded), or ``None`` for a file-level problem.
    column
        Column name as the user wrote it, or ``None``.
    value
        The offending value as text, when there is one (used by the web view).
    kind
        What ``column`` names: ``"column"`` of a table, or ``"key"`` of a run file.
    """

    path: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    kind: str = "column"

    def __str__(self) -> str:
        return format_issue(self)


def format_issue(issue: Issue) -> str:
    """Format an issue as the contract's one-line error text."""
    parts = [Path(issue.path).name if issue.path else "<input>"]
    if issue.row is not None:
        parts.append(f"row {issue.row}")
    if issue.column is not None:
        parts.append(f"{issue.kind} {issue.column}")
    return "error: " + ", ".join(parts) + ": " + issue.message


def format_warning(issue: Issue) -> str:
    """Format an issue that does not stop the run: ``warning: FILE, row R, column C: ...``."""
    return "warning: " + format_issue(issue).removeprefix("error: ")


class ClimriskError(Exception):
    """An error the user did not cause directly; the command exits with status 1."""

    exit_status = 1


class InputError(ClimriskError):
    """A problem in something the user gave (file, option, configuration); exit status 2."""

    exit_status = 2

    def __init__(
        self,
        path: str | Path,
        message: str,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        kind: str = "column",
    ) -> None:
        self.issue = Issue(str(path), message, row, column, value, kind)
        super().__init__(str(self.issue))

    @property
    def issues(self) -> tuple[Issue, ...]:
        """The problems, as a tuple (always one for a single error)."""
        return (self.issue,)


class InputErrors(InputError):  # noqa: N818 (plural of InputError)
    """Several problems in one input, all reported together (exit status 2)."""

    def __init__(self, issues: Sequence[Issue] | Iterable[Issue]) -> None:
        self._issues = tuple(issues)
        if not self._issues:
            raise ValueError("InputErrors needs at least one issue")
        first = self._issues[0]
        super().__init__(
            first.path, first.message, first.row, first.column, first.value, first.kind
        )

    @property
    def issues(self) -> tuple[Issue, ...]:
        """Every problem found, in file order."""
        return self._issues

    def __str__(self) -> str:
        return "\n".join(format_issue(i) for i in self._issues)
