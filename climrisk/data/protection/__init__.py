"""Flood protection standards where the asset file gives none: FLOPROS, by country.

Where ``flood_protection_rp`` is missing, each flood hazard takes the location's default:

- ``riverine_flood``: FLOPROS merged riverine layer (``MerL_Riv``);
- ``coastal_flood``: FLOPROS coastal standard (``MerL_Co``: the FLOPROS design / policy
  coastal values, else the Tiggeloven et al. 2020 modelled layer);
- ``pluvial_flood``: none (FLOPROS covers river and coastal defences only; urban drainage is
  not in it), so every return period counts;

each the population-weighted national mean of Scussolini et al. (2016), table
``flopros_country.csv`` in this folder (see its ``SOURCES.md``). A standard of 0
(no information or no protection) and countries not in the table count as no protection.
Data centres keep their design standard, :data:`DATA_CENTRE_DESIGN_RP`, where it is higher.
A value given in the asset file applies to every flood hazard, as it is.

References
----------
Scussolini, P., Aerts, J. C. J. H., Jongman, B., Bouwer, L. M., Winsemius, H. C., de Moel, H.,
and Ward, P. J. (2016): FLOPROS: an evolving global database of flood protection standards,
Nat. Hazards Earth Syst. Sci. 16, 1049-1067, doi:10.5194/nhess-16-1049-2016.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DATA_CENTRE_DESIGN_RP",
    "DATA_CENTRE_DESIGN_SOURCE",
    "FLOPROS_SOURCE",
    "PROTECTED_HAZARDS",
    "default_protection",
    "flopros_table",
    "protection_assumptions",
]

DATA_CENTRE_DESIGN_RP: float = 100.0
DATA_CENTRE_DESIGN_SOURCE = (
    "GB 50174-2017 and ANSI/TIA-942 site data centres outside the 100-year flood plain "
    "(design assumption; override per site)"
)
FLOPROS_SOURCE = (
    "FLOPROS (Scussolini et al. 2016, doi:10.5194/nhess-16-1049-2016) national "
    "population-weighted standard, riverine and coastal; pluvial not covered"
)
PROTECTED_HAZARDS: dict[str, str | None] = {
    "riverine_flood": "riverine_rp",
    "coastal_flood": "coastal_rp",
    "pluvial_flood": None,
}
"""The FLOPROS column that gives each flood hazard its default (``None``: no default)."""

_NONE = 1.0  # a 1-year standard removes nothing


@lru_cache(maxsize=1)
def flopros_table() -> pd.DataFrame:
    """FLOPROS standards per country: index ISO 3166-1 alpha-2, ``riverine_rp``, ``coastal_rp``."""
    path = resources.files(__package__).joinpath("flopros_country.csv")
    with path.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(handle, keep_default_na=False, na_values=[""])
    return table.set_index("iso2")[["riverine_rp", "coastal_rp"]].astype(float)


def _codes(values: Any) -> tuple[np.ndarray, list[str]]:
    """Integer codes (-1 for missing) and the distinct strings of a text column."""
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, object))
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), [str(c) for c in series.cat.categories]
    codes, uniques = pd.factorize(series)
    return codes, [str(u) for u in uniques]


def default_protection(country: Any, asset_type: Any, hazard: str) -> np.ndarray:
    """The default protection standard of each asset for ``hazard`` [years].

    Parameters
    ----------
    country
        ISO 3166-1 alpha-2 code per asset (missing: no protection).
    asset_type
        Asset type per asset (data centres keep :data:`DATA_CENTRE_DESIGN_RP` where higher).
    hazard
        Flood hazard id (a non-flood hazard gets 1, no protection).

    Returns
    -------
    numpy.ndarray
        Protection standard per asset, at least 1. [years]
    """
    codes, names = _codes(country)
    column = PROTECTED_HAZARDS.get(hazard)
    if column is None:
        by_country = np.full(len(names) + 1, _NONE)
    else:
        table = flopros_table()[column]
        found = table.reindex([n.upper() for n in names]).to_numpy()
        by_country = np.append(np.where(found >= 1.0, found, _NONE), _NONE)  # last: missing
    out = by_country[np.where(codes < 0, len(names), codes)]
    if hazard in PROTECTED_HAZARDS:
        type_codes, types = _codes(asset_type)
        dc = types.index("data_center") if "data_center" in types else -2
        out = np.where(type_codes == dc, np.maximum(out, DATA_CENTRE_DESIGN_RP), out)
    return out


def protection_assumptions(assets: pd.DataFrame) -> list[tuple[str, str, str, int, str]]:
    """The defaults applied to assets without ``flood_protection_rp``, one per type and country.

    Returns ``(column, asset_type, value, count, source)`` tuples (the fields of
    :class:`climrisk.portfolio.Assumption`); the value names the country and the standard
    per flood hazard, e.g. ``"CN: riverine 29.4 y, coastal 28.7 y, pluvial none"``.
    """
    missing = assets["flood_protection_rp"].isna().to_numpy()
    if not missing.any():
        return []
    frame = pd.DataFrame(
        {
            "asset_type": assets["asset_type"].astype(str).to_numpy()[missing],
            "country": assets["country"].astype(object).to_numpy()[missing],
        }
    )
    frame["country"] = frame["country"].where(frame["country"].notna(), "")
    groups = frame.groupby(["asset_type", "country"], sort=True).size()
    kinds = groups.index.get_level_values(0).to_numpy()
    places = groups.index.get_level_values(1).to_numpy()
    rps = {
        hazard: default_protection(
            pd.Series(places).replace("", None), pd.Series(kinds), hazard
        )
        for hazard in PROTECTED_HAZARDS
    }
    out = []
    for j, (kind, place) in enumerate(zip(kinds, places, strict=True)):
        parts = []
        for hazard in PROTECTED_HAZARDS:
            rp = rps[hazard][j]
            label = hazard.removesuffix("_flood")
            parts.append(f"{label} {rp:g} y" if rp > _NONE else f"{label} none")
        source = FLOPROS_SOURCE
        if kind == "data_center":
            source += f"; data centres at least {DATA_CENTRE_DESIGN_RP:g} y: " + (
                DATA_CENTRE_DESIGN_SOURCE
            )
        value = f"{place or 'no country'}: " + ", ".join(parts)
        out.append(("flood_protection_rp", str(kind), value, int(groups.iloc[j]), source))
    return out
