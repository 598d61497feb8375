"""climrisk: climate risk scenario assessment for a company's own portfolio.

Public API (imported on first use, so the command line starts quickly)::

    from climrisk import read_portfolio, open_catalog, assess, render_pdf
    portfolio = read_portfolio("assets/sample_portfolio.csv")
    result = assess(portfolio)                  # physical + transition, in memory
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "read_portfolio": "climrisk.portfolio",
    "Portfolio": "climrisk.portfolio",
    "open_catalog": "climrisk.hazard",
    "assess": "climrisk.engine",
    "Assessment": "climrisk.engine",
    "RunConfig": "climrisk.config",
    "load_config": "climrisk.config",
    "render_pdf": "climrisk.report.pdf",
    "write_tables": "climrisk.report.tables",
    "run_assessment": "climrisk.run",
}

__all__ = ["__version__", *_LAZY]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("climrisk")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562); ``__version__`` likewise."""
    if name == "__version__":
        globals()["__version__"] = value = _version()
        return value
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'climrisk' has no attribute {name!r}")
