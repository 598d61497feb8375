"""climrisk: climate risk scenario assessment for a company's own portfolio.

Public API (imported on first use, so the command line starts quickly)::

    from climrisk import read_portfolio, open_catalog, assess, render_pdf
    portfolio = read_portfolio("assets/sample_portfolio.csv")
    result = assess(portfolio)                  # physical + transition, in memory
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("climrisk")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

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


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'climrisk' has no attribute {name!r}")
