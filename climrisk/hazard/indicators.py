"""The fixed vocabulary of hazard layers: hazard ids, kinds, epochs and the standard indicators.

Hazards and indicators derive from the vocabulary table (:mod:`climrisk.vocabulary`); epochs
come from the project's hazard contract (``contracts.md``, "Hazard grid files" and
"Calculation conventions").
"""

from __future__ import annotations

from typing import Any

from climrisk import vocabulary

__all__ = [
    "ACUTE",
    "CHRONIC",
    "EPOCHS",
    "EPOCH_CENTRE_YEARS",
    "EPOCH_PERIODS",
    "HAZARDS",
    "KINDS",
    "LEADING_DIMS",
    "STANDARD_INDICATORS",
]

HAZARDS: tuple[str, ...] = vocabulary.HAZARDS
"""Hazard ids allowed in ``climrisk_hazard`` (contracts.md)."""

ACUTE = vocabulary.ACUTE
CHRONIC = vocabulary.CHRONIC
KINDS: tuple[str, ...] = vocabulary.KINDS

EPOCHS: tuple[str, ...] = ("baseline", "2030", "2050")
"""Epochs every layer must have."""

EPOCH_CENTRE_YEARS: dict[str, int] = {"baseline": 2000, "2030": 2030, "2050": 2050}
"""Centre years used for horizon interpolation (contracts.md, "Calculation conventions")."""

EPOCH_PERIODS: dict[str, str] = {"baseline": "1985-2014", "2030": "2015-2044", "2050": "2035-2064"}
"""The 30-year windows behind each epoch (global attributes ``epoch_<name>``)."""

STANDARD_INDICATORS: dict[tuple[str, str], dict[str, Any]] = {
    key: dict(units=i.units, kind=i.kind, return_periods=i.return_periods, long_name=i.long_name)
    for key, i in vocabulary.INDICATORS.items()
}
"""The standard layers (``climrisk/data/vocabulary/indicators.toml``): units, kind, RPs."""

LEADING_DIMS: tuple[str, ...] = ("scenario", "epoch", "return_period", "quantile")
"""Non-spatial dims of a layer, in the contract's order (the last two are optional)."""
