"""Small safety helpers: generated identifiers, spreadsheet formula neutralisation, clean text."""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Iterable

from climrisk.io.formula import FORMULA_PREFIXES, neutralise_cell

__all__ = [
    "FORMULA_PREFIXES",
    "display_name",
    "host_allowed",
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


def _host_name(header: str) -> str:
    """The name part of a ``Host`` header (no port, no IPv6 brackets), lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else ""
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def host_allowed(header: str | None, allowed: Iterable[str]) -> bool:
    """Whether a request's ``Host`` header names this server (the DNS-rebinding guard).

    IP literals and ``localhost`` always pass (no DNS name an attacker controls is involved);
    any other name must be one of ``allowed`` (case-insensitive).

    References
    ----------
    OWASP, "DNS Rebinding"; W3C Private Network Access, section 1 (the DNS rebinding threat).
    """
    if not header:
        return False
    name = _host_name(header).rstrip(".")
    if not name:
        return False
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return name in {h.strip().lower().rstrip(".") for h in allowed}
    return True
