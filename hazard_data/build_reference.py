"""Build the illustrative climrisk reference hazard pack (wraps ``python -m hazard_data.build``).

Kept so that ``python hazard_data/build_reference.py [--only HAZARD ...] [--check] [--out DIR]``
still works; the builder itself is the package :mod:`hazard_data.build` (one module per hazard,
one shared writer in :mod:`hazard_data.build.common`).
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from hazard_data.build import build, main  # noqa: E402
from hazard_data.build.common import (  # noqa: E402
    _expected_positive_part,
    sea_level_rise,
    warming_levels,
)

__all__ = ["_expected_positive_part", "build", "main", "sea_level_rise", "warming_levels"]

if __name__ == "__main__":
    raise SystemExit(main())
