"""The one guard against spreadsheet formulas in written text cells (OWASP "CSV Injection").

A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is one a
spreadsheet may run as a formula; it gets a leading apostrophe. Plain decimal numbers such as
``-3.5`` or ``+1e5`` are left alone (no spreadsheet runs them); anything else with such a
start is quoted, including ``-inf`` and ``-nan``, which are not numbers a person typed.

References
----------
OWASP Foundation, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported only when a column is checked
    import pandas as pd

__all__ = ["FORMULA_PREFIXES", "FORMULA_START", "formula_cells", "neutralise_cell"]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: A regular expression matching the start of a risky cell (for Arrow's string kernels).
FORMULA_START = r"^[=+\-@\t\r]"
_NUMBER = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
_NUMBER_RE = re.compile(_NUMBER)


def neutralise_cell(value: Any) -> Any:
    """Quote one text cell a spreadsheet would run as a formula; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        if not _NUMBER_RE.fullmatch(value):
            return "'" + value
    return value


def formula_cells(values: pd.Series) -> pd.Series:
    """Boolean mask of the cells :func:`neutralise_cell` would quote, for a whole column."""
    text = values.astype("string")
    risky = text.str.startswith(FORMULA_PREFIXES).fillna(False)
    number = text.str.fullmatch(_NUMBER).fillna(False)
    return (risky & ~number).astype(bool)
