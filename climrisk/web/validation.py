"""Validate an uploaded asset file and run file with the same code as ``climrisk validate``."""

from __future__ import annotations

import logging
import math
import tomllib
from pathlib import Path
from typing import Any

from climrisk.config import load_config
from climrisk.errors import ClimriskError, InputError, Issue
from climrisk.portfolio import read_portfolio
from climrisk.web.safety import scrub_paths
from climrisk.web.uploads import count_rows

__all__ = ["SERVER_KEYS", "check_run_file", "issue_rows", "validate_upload"]

_LOG = logging.getLogger("climrisk.web")
# Keys of a run file that the server decides (files and folders on the server, how jobs are
# scheduled): never taken from a client's run file.
SERVER_KEYS = ("hazards", "pathways", "out", "portfolios", "portfolio", "cache_dir", "scheduler")


def issue_rows(issues: list[Issue] | tuple[Issue, ...], path: Path, name: str) -> list[dict]:
    """Issues as plain rows (row, column, value, message) with server paths replaced by ``name``."""
    replacements = [(str(path.resolve()), name), (str(path), name), (path.name, name)]
    return [
        {
            "row": issue.row,
            "column": issue.column,
            "value": issue.value,
            "message": scrub_paths(issue.message, replacements),
        }
        for issue in issues
    ]


def _file_issue(message: str) -> list[dict]:
    return [{"row": None, "column": None, "value": None, "message": message}]


def _clean(value: Any) -> Any:
    """JSON-safe copy of a summary (NaN as None, numpy scalars as Python numbers)."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def validate_upload(
    path: Path, name: str, *, max_rows: int, allow_multiple_currencies: bool = False
) -> tuple[list[dict], dict[str, Any] | None]:
    """Validate a stored asset file.

    Parameters
    ----------
    path
        The stored file (generated name).
    name
        The client's file name, shown in messages instead of the stored path.
    max_rows
        Most data rows accepted.
    allow_multiple_currencies
        As ``climrisk validate --allow-multiple-currencies`` (when the server has an FX table).

    Returns
    -------
    issues, summary
        Every problem as rows of row / column / value / message (empty when valid), and the
        portfolio summary of a valid file (``None`` otherwise).
    """
    rows = count_rows(path)
    if rows is not None and rows > max_rows:
        return _file_issue(
            f"the file has {rows:,} rows, more than the limit of {max_rows:,} on this server"
        ), None
    try:
        portfolio = read_portfolio(path, allow_multiple_currencies=allow_multiple_currencies)
    except InputError as exc:
        return issue_rows(exc.issues, path, name), None
    except ClimriskError as exc:
        return _file_issue(scrub_paths(str(exc), [(str(path), name), (path.name, name)])), None
    except Exception:
        _LOG.exception("reading the upload %s (%s) failed", path, name)
        return _file_issue(
            "the file could not be read (an internal error; the server log has the detail)"
        ), None
    if len(portfolio) > max_rows:
        return _file_issue(
            f"the file has {len(portfolio):,} assets, more than the limit of {max_rows:,} on "
            "this server"
        ), None
    return [], _clean(portfolio.summary())


def check_run_file(path: Path, name: str) -> list[dict]:
    """Check a client's TOML run file; return its problems (empty when usable).

    Keys the server decides (``hazards``, ``pathways``, ``out``, ``portfolios``, ``cache_dir``,
    ``scheduler``) are refused: the server decides where data and results live and how jobs
    run.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return _file_issue(f"{name} is not valid TOML: {exc}")
    refused = [key for key in SERVER_KEYS if key in data]
    if refused:
        return [
            {
                "row": None,
                "column": key,
                "value": None,
                "message": (
                    f"'{key}' is set by the server (how jobs are scheduled); remove it from "
                    "the run file"
                    if key == "scheduler"
                    else f"'{key}' names a file or folder on the server; remove it from the "
                    "run file (the server sets its own hazard data, pathways and folders)"
                ),
            }
            for key in refused
        ]
    try:
        load_config(path)
    except InputError as exc:
        return issue_rows(exc.issues, path, name)
    except Exception:
        _LOG.exception("reading the run file %s (%s) failed", path, name)
        return _file_issue(f"{name} could not be read (the server log has the detail)")
    return []
