"""A measure as a change to the asset attributes (for wind: the damage curve) the engine reads."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from climrisk.adaptation.catalogue import Measure

__all__ = ["WIND_GRID_M_S", "applies_to", "apply_measure", "shifted_wind_curve"]

#: Wind speeds at which a hardened cyclone curve is tabulated. [m/s]
WIND_GRID_M_S = np.arange(0.0, 121.0, 1.0)


def applies_to(measure: Measure, assets: pd.DataFrame) -> np.ndarray:
    """Boolean per asset: the measure fits the asset type (and, for cooling, its design)."""
    fits = assets["asset_type"].astype(str).isin(measure.asset_types).to_numpy().copy()
    if measure.effect == "cooling":
        cooling = assets.get("cooling", pd.Series("air", index=assets.index))
        current = cooling.astype(object).where(cooling.notna(), "air").astype(str)
        fits &= current.ne(str(measure.parameter)).to_numpy()
        if measure.from_cooling:
            fits &= current.isin(measure.from_cooling).to_numpy()
    return fits


def apply_measure(assets: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """A copy of ``assets`` with the measure's attribute change (whole columns at once).

    ``protection_rp`` raises ``flood_protection_rp`` to the standard (never lowers it);
    ``floor_offset`` adds to ``ground_floor_elevation_m``; ``cooling`` sets ``cooling``.
    ``wind_shift`` changes no attribute: see :func:`shifted_wind_curve`.
    """
    out = assets.copy()
    if measure.effect == "protection_rp":
        current = pd.to_numeric(out["flood_protection_rp"], errors="coerce").fillna(0.0)
        out["flood_protection_rp"] = np.maximum(current.to_numpy(), float(measure.parameter))
    elif measure.effect == "floor_offset":
        current = pd.to_numeric(out["ground_floor_elevation_m"], errors="coerce").fillna(0.0)
        out["ground_floor_elevation_m"] = current.to_numpy() + float(measure.parameter)
    elif measure.effect == "cooling":
        cooling = out["cooling"].astype(object)
        out["cooling"] = pd.Categorical(
            np.full(len(out), str(measure.parameter), dtype=object),
            categories=sorted({*map(str, cooling.dropna()), str(measure.parameter), "air"}),
        )
    return out


def shifted_wind_curve(
    asset: pd.DataFrame, factor: float, model: Any, prices: Any
) -> dict[str, Any]:
    """A ``[[vulnerability.curves]]`` entry: the asset's cyclone curve reached at ``factor`` x wind.

    ``d_new(v) = d_old(v / factor)``, with ``d_old`` the built-in model of the asset's type
    evaluated for this one asset (its region's calibration), tabulated on
    :data:`WIND_GRID_M_S`.
    """
    if len(asset) != 1:
        raise ValueError("a shifted wind curve is made for one asset at a time")
    grid = WIND_GRID_M_S / float(factor)
    damage = np.asarray(model.evaluate(grid[None, :], asset, prices)["damage_ratio"])[0]
    damage = np.maximum.accumulate(np.clip(np.nan_to_num(damage), 0.0, 1.0))
    return {
        "hazard": "tropical_cyclone",
        "asset_type": str(asset["asset_type"].iloc[0]),
        "intensity": WIND_GRID_M_S.tolist(),
        "damage": damage.tolist(),
        "source": f"cyclone hardening: built-in curve at {factor:g} x wind speed",
    }
