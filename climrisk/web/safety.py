"""Small safety helpers: generated identifiers, spreadsheet formula neutralisation, clean text."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from climrisk.io.formula import FORMULA_PREFIXES, neutralise_cell

__all__ = [
    "FORMULA_PREFIXES",
    "display_name",
    "is_id",
    "neutralise_cell",
    "new_id",
    "scrub_paths",
]

_ID = re.compile(r"[0-9a-f]{32}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def new_id() -> str:
    """A fresh random identifier (32 hexadecimal characters) for an upload or a job."""
    return secrets.token_hex(16)


def is_id(value: str) -> bool:
    """Whether ``value`` has the exact shape of an identifier made by :func:`new_id`."""
    return bool(_ID.fullmatch(value))


def display_name(name: str | None, limit: int = 120) -> str:
    """A client's file name for display only: last path part, no control characters, capped."""
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = _CONTROL.sub("", text).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text or "upload"


def scrub_paths(message: str, replacements: Iterable[tuple[str, str]]) -> str:
    """Replace server paths in a message by the names the user knows."""
    for old, new in replacements:
        if old:
            message = message.replace(old, new)
    return message
