"""Optional compilation of the kernels (pvlib's optional-jit pattern).

The kernels are plain Python over numpy arrays and scalars, so they run uncompiled as well;
:func:`jit` compiles them with numba when it is importable and ``CLIMRISK_NUMBA`` is not ``0``.
Compiled code is cached across processes (``cache=True``) in a writable folder:
``NUMBA_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/climrisk/numba`` (``~/.cache/climrisk/numba``),
so an installed package in a read-only site-packages still caches.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["COMPILED", "cache_dir", "jit"]

F = TypeVar("F", bound=Callable[..., Any])


def cache_dir() -> Path:
    """The folder where compiled kernels are cached."""
    given = os.environ.get("NUMBA_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "climrisk" / "numba"


try:
    if os.environ.get("CLIMRISK_NUMBA", "1").strip() == "0":
        raise ImportError("compilation switched off with CLIMRISK_NUMBA=0")
    import numba
    from numba.core import config as _numba_config
except ImportError:  # pragma: no cover - the uncompiled path is tested through .py_func
    numba = None

COMPILED: bool = numba is not None
"""Whether the kernels are compiled."""

if numba is not None and not _numba_config.CACHE_DIR:
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            _numba_config.CACHE_DIR = str(folder)
    except OSError:  # pragma: no cover - numba then falls back to its own locations
        pass


def jit(inline: bool = False) -> Callable[[F], F]:
    """Compile ``function`` (no Python objects, no GIL, cached), or leave it as it is."""

    def decorate(function: F) -> F:
        if numba is None:
            return function
        options: dict[str, Any] = {"cache": True, "nogil": True}
        if inline:
            options["inline"] = "always"
        return numba.njit(**options)(function)

    return decorate
