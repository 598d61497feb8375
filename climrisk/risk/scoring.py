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
DEFAULT_HAZARD_BOUNDARIES: dict[tuple[str, str], Boundaries] = {
    ("extreme_heat", "days_above_35c"): Boundaries(
        (5, 20, 45, 90),
        "day/year",
        "climrisk classes; cf. ETCCDI SU35-type counts (Zhang et al. 2011, doi:10.1002/wcc.147)",
    ),
    ("extreme_heat", "cooling_degree_days"): Boundaries(
        (500, 1500, 2500, 3500),
        "K*day/year",
        "climrisk classes for base-18 °C cooling degree days",
    ),
    ("extreme_cold", "days_below_minus_10c"): Boundaries(
        (5, 20, 45, 90),
        "day/year",
        "climrisk classes, symmetric with the heat-day classes",
    ),
    ("extreme_cold", "heating_degree_days"): Boundaries(
        (1000, 2500, 4000, 5500),
        "K*day/year",
        "climrisk classes for base-18 °C heating degree days",
    ),
    ("riverine_flood", "flood_depth"): Boundaries(
        (0.05, 0.5, 1.0, 2.0),
        "m",
        "100-year depth classes; 0.5 m and 2 m are steps of the JRC curves (Huizinga et al. 2017, "
        "EUR 28552 EN, doi:10.2760/16510)",
    ),
    ("pluvial_flood", "flood_depth"): Boundaries(
        (0.05, 0.3, 0.5, 1.0),
        "m",
        "100-year depth classes for surface water flooding",
    ),
    ("coastal_flood", "flood_depth"): Boundaries(
        (0.05, 0.5, 1.0, 2.0),
        "m",
        "100-year depth classes, as for riverine flooding",
    ),
    ("tropical_cyclone", "max_wind_speed"): Boundaries(
        (25.7, 33.0, 43.0, 58.0),
        "m/s",
        "100-year 1-min wind: 25.7 m/s damage threshold (Emanuel 2011, "
        "doi:10.1175/WCAS-D-11-00007.1); "
        "33, 43, 58 m/s Saffir-Simpson categories 1, 2 and 4",
    ),
    ("landslide", "annual_probability"): Boundaries(
        (1e-4, 1e-3, 3e-3, 1e-2),
        "1/year",
        "climrisk classes of annual landslide probability",
    ),
    ("wildfire", "days_fwi_above_30"): Boundaries(
        (5, 15, 30, 60),
        "day/year",
        "climrisk classes of high fire-danger days (FWI > 30)",
    ),
    ("water_stress", "water_stress_ratio"): Boundaries(
        (0.1, 0.2, 0.4, 0.8),
        "1",
        "WRI Aqueduct 4.0 baseline water stress categories (Kuzma et al. 2023, WRI technical note)",
    ),
    ("drought", "consecutive_dry_days"): Boundaries(
        (20, 40, 60, 100),
        "day",
        "climrisk classes of the ETCCDI CDD index",
    ),
}

# Annual impact as a share of value (or revenue): boundaries between scores 1|2|3|4|5.
DEFAULT_FINANCIAL_BOUNDARIES: tuple[float, float, float, float] = (0.0005, 0.002, 0.005, 0.01)


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
