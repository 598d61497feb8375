"""Scores 1-5 from hazard level and financial materiality; the one table of thresholds.

A score is the higher of two classifications (documented in ``docs/scoring.md``):

* the hazard level: the indicator at the horizon against fixed class boundaries per indicator
  (return-period layers at the 100-year return period);
* the financial materiality: annual impact (``ead + bi_loss + opex_delta``) as a share of the
  asset's value (or of its revenue when no value is given).

"No data" and "no vulnerability model" are states in ``status``, never a score.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from climrisk.errors import InputError
from climrisk.vocabulary import INDICATORS

__all__ = [
    "DEFAULT_FINANCIAL_BOUNDARIES",
    "DEFAULT_HAZARD_BOUNDARIES",
    "SCORE_LABELS",
    "Materiality",
    "ScoringTable",
    "classify",
]

SCORE_LABELS: dict[int, str] = {1: "very low", 2: "low", 3: "medium", 4: "high", 5: "very high"}


@dataclass(frozen=True)
class Boundaries:
    """Four ascending class boundaries: below the first is score 1, at or above the last is 5."""

    values: tuple[float, float, float, float]
    units: str
    source: str


# (hazard, indicator) -> boundaries between scores 1|2|3|4|5.
# The values and sources are in climrisk/data/vocabulary/indicators.toml.
DEFAULT_HAZARD_BOUNDARIES: dict[tuple[str, str], Boundaries] = {
    key: Boundaries(i.score_boundaries, i.units, i.score_source)
    for key, i in INDICATORS.items()
}

# Annual impact as a share of value (or revenue): boundaries between scores 1|2|3|4|5.
DEFAULT_FINANCIAL_BOUNDARIES: tuple[float, float, float, float] = (0.0001, 0.0005, 0.0025, 0.01)
"""Annual impact as a share of value between scores 1|2|3|4|5: 0.01 %, 0.05 %, 0.25 %, 1 %.

Anchored on the average annual loss (AAL) that catastrophe models give commercial property,
about 0.01-0.5 % of insured value a year, the loss-cost basis of property cat pricing (e.g.
Grossi & Kunreuther 2005, *Catastrophe Modeling*, Springer, ch. 2 and 5): below 0.01 % (1) is
under the cat-model range, 0.01-0.05 % (2) and 0.05-0.25 % (3) its lower and middle part,
0.25-1 % (4) its top (high-hazard coastal and flood-plain sites), 1 % and more (5) beyond it,
a loss cost at which standard cover is hard to place. The band edges inside that range are
climrisk's choice."""


@dataclass(frozen=True)
class Materiality:
    """When a matrix cell (category x hazard x asset type x scenario x horizon) is material.

    Material when the share of exposed value at score >= ``score_at_least`` reaches
    ``value_share``, or when the value-weighted score reaches ``weighted_score``.
    """

    score_at_least: int = 3
    value_share: float = 0.25
    weighted_score: float = 3.0


@dataclass(frozen=True)
class ScoringTable:
    """All thresholds used to score one run (printed in the report's methodology)."""

    hazard: dict[tuple[str, str], Boundaries] = field(
        default_factory=lambda: dict(DEFAULT_HAZARD_BOUNDARIES)
    )
    financial: tuple[float, float, float, float] = DEFAULT_FINANCIAL_BOUNDARIES
    materiality: Materiality = field(default_factory=Materiality)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], path: str = "configuration") -> ScoringTable:
        """Read the ``[scoring]`` table of a run file; unknown keys are errors.

        ``[scoring.hazard]`` maps ``"hazard.indicator"`` to four boundaries;
        ``financial`` is four shares; ``[scoring.materiality]`` sets :class:`Materiality`.
        """
        known = {"hazard", "financial", "materiality"}
        for key in mapping:
            if key not in known:
                raise InputError(
                    path,
                    f"unknown key 'scoring.{key}'; known: {', '.join(sorted(known))}",
                    column=f"scoring.{key}",
                )
        hazard = dict(DEFAULT_HAZARD_BOUNDARIES)
        for name, values in dict(mapping.get("hazard", {})).items():
            hazard_id, _, indicator = name.partition(".")
            key = (hazard_id, indicator)
            if key not in hazard:
                raise InputError(
                    path,
                    f"unknown indicator 'scoring.hazard.{name}'; use hazard.indicator, "
                    "e.g. riverine_flood.flood_depth",
                    column=f"scoring.hazard.{name}",
                )
            hazard[key] = Boundaries(
                _four(values, path, f"scoring.hazard.{name}"),
                hazard[key].units,
                "run configuration",
            )
        financial = DEFAULT_FINANCIAL_BOUNDARIES
        if "financial" in mapping:
            financial = _four(mapping["financial"], path, "scoring.financial")
        materiality_raw = dict(mapping.get("materiality", {}))
        allowed = set(Materiality.__dataclass_fields__)
        for key in materiality_raw:
            if key not in allowed:
                raise InputError(
                    path,
                    f"unknown key 'scoring.materiality.{key}'; known: {', '.join(sorted(allowed))}",
                    column=f"scoring.materiality.{key}",
                )
        return cls(hazard=hazard, financial=financial, materiality=Materiality(**materiality_raw))

    def as_records(self) -> list[dict[str, Any]]:
        """The table as rows, for the manifest and the report's methodology section."""
        rows: list[dict[str, Any]] = [
            {
                "hazard": hazard,
                "indicator": indicator,
                "units": b.units,
                "boundaries": list(b.values),
                "source": b.source,
            }
            for (hazard, indicator), b in sorted(self.hazard.items())
        ]
        rows.append(
            {
                "hazard": "financial",
                "indicator": "annual impact / value",
                "units": "1",
                "boundaries": list(self.financial),
                "source": "climrisk classes (0.05 %, 0.2 %, 0.5 %, 1 % of value per year)",
            }
        )
        return rows


def _four(values: Any, path: str, key: str) -> tuple[float, float, float, float]:
    try:
        numbers = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise InputError(path, f"'{key}' must be four numbers", column=key) from None
    if len(numbers) != 4 or any(b <= a for a, b in itertools.pairwise(numbers)):
        raise InputError(path, f"'{key}' must be four strictly ascending numbers", column=key)
    return numbers  # type: ignore[return-value]


def classify(values: np.ndarray, boundaries: tuple[float, ...]) -> np.ndarray:
    """Scores 1-5 for values against four ascending boundaries; NaN stays NaN (float array).

    A value equal to a boundary falls in the higher class.
    """
    values = np.asarray(values, dtype=float)
    scores = (
        np.searchsorted(np.asarray(boundaries, dtype=float), values, side="right") + 1
    ).astype(float)
    scores[np.isnan(values)] = np.nan
    return scores
