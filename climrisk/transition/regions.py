"""Country to pathway-region map and country grid-intensity baselines.

The map (``climrisk/data/pathways/country_regions.csv``) gives every ISO 3166-1 alpha-2 country a
region of the default pathway table, following the IEA's regional definitions (World Energy
Outlook 2023, Annex C): China includes Hong Kong and Macao; "Other advanced economies" are the
OECD members outside the European Union, the United States and Japan; "Rest of world" takes the
rest of Eurasia and Asia. It can be replaced by a user's CSV (``country, region``) and single
countries overridden from the run configuration (``[transition.country_regions]``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from climrisk.errors import InputError, InputErrors, Issue

__all__ = [
    "CARBON_PRICE_GROUPS_FILE",
    "COUNTRY_GRID_INTENSITY_FILE",
    "COUNTRY_REGIONS_FILE",
    "FALLBACK_REGION",
    "country_code",
    "read_carbon_price_groups",
    "read_country_grid_intensity",
    "read_country_regions",
    "regions_for",
    "regions_of",
]

_DATA = Path(__file__).resolve().parent.parent / "data" / "pathways"
COUNTRY_REGIONS_FILE = _DATA / "country_regions.csv"
COUNTRY_GRID_INTENSITY_FILE = _DATA / "country_grid_intensity.csv"
CARBON_PRICE_GROUPS_FILE = _DATA / "carbon_price_groups.csv"
FALLBACK_REGION = "Rest of world"


def country_code(text: object) -> str | None:
    """ISO 3166-1 alpha-2 code for an alpha-2 or alpha-3 code (``None`` when unknown)."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or pd.isna(text):
        return None
    code = str(text).strip().upper()
    if len(code) == 2:
        return code if pycountry.countries.get(alpha_2=code) is not None else None
    if len(code) == 3:
        found = pycountry.countries.get(alpha_3=code)
        return None if found is None else str(found.alpha_2)
    return None


def read_country_regions(
    path: str | Path | None = None, overrides: Mapping[str, str] | None = None, *, where: str = ""
) -> dict[str, str]:
    """Read the country -> region map and apply overrides.

    Parameters
    ----------
    path
        CSV with columns ``country`` (ISO alpha-2 or alpha-3) and ``region``; ``None`` reads the
        embedded map. A user's file may list only some countries: the others keep the embedded
        region.
    overrides
        ``{country: region}`` from the run configuration, applied last.
    where
        Name of the configuration for messages about ``overrides``.

    Returns
    -------
    dict
        ISO alpha-2 code -> region name.
    """
    base = pd.read_csv(COUNTRY_REGIONS_FILE, dtype=str, keep_default_na=False)
    mapping = dict(zip(base["country"], base["region"], strict=True))
    if path is not None:
        file = Path(path)
        if not file.exists():
            raise InputError(file, "file not found")
        user = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        cols = {c.strip().casefold(): c for c in user.columns}
        missing = [c for c in ("country", "region") if c not in cols]
        if missing:
            raise InputError(file, f"missing column(s) {', '.join(missing)}")
        issues = []
        for i, (country, region) in enumerate(
            zip(user[cols["country"]], user[cols["region"]], strict=True), start=1
        ):
            code = country_code(country)
            if code is None:
                issues.append(
                    Issue(
                        str(file),
                        f"{country!r} is not an ISO 3166-1 country code",
                        i,
                        cols["country"],
                        str(country),
                    )
                )
            elif not str(region).strip():
                issues.append(Issue(str(file), "region is empty", i, cols["region"]))
            else:
                mapping[code] = str(region).strip()
        if issues:
            raise InputErrors(issues)
    for country, region in (overrides or {}).items():
        code = country_code(country)
        if code is None:
            raise InputError(
                where or "configuration",
                f"[transition.country_regions]: {country!r} is not an ISO 3166-1 country code",
                column=str(country),
            )
        mapping[code] = str(region)
    return mapping


def regions_of(
    countries: Sequence[object], mapping: Mapping[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Pathway region of each of a few country values (e.g. the distinct ones of a column).

    Parameters
    ----------
    countries
        ISO 3166-1 alpha-2 or alpha-3 codes; ``None``, NaN or blank for a missing country.
    mapping
        ISO alpha-2 code -> region (:func:`read_country_regions`).

    Returns
    -------
    regions : numpy.ndarray of str
    unmapped : numpy.ndarray of bool
        True where the country is missing or not in the map (region :data:`FALLBACK_REGION`).
    """
    found = []
    for country in countries:
        key = "" if country is None or pd.isna(country) else str(country)
        code = country_code(key) if key else None
        found.append(mapping.get(code) if code is not None else None)
    unmapped = np.array([f is None for f in found], dtype=bool)
    regions = np.array([FALLBACK_REGION if f is None else f for f in found], dtype=object)
    return regions, unmapped


def regions_for(countries: pd.Series, mapping: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Pathway region per asset (vectorised over distinct countries).

    Returns
    -------
    regions : numpy.ndarray of str
    unmapped : numpy.ndarray of bool
        True where the country is missing or not in the map (region :data:`FALLBACK_REGION`).
    """
    codes, uniques = pd.factorize(countries, use_na_sentinel=True)
    regions, unmapped = regions_of([*np.asarray(uniques, dtype=object), None], mapping)
    return regions[codes], unmapped[codes]


def read_country_grid_intensity() -> dict[str, float]:
    """Ember grid CO2 intensity per ISO alpha-2 country [g CO2/kWh], latest year in the source.

    References
    ----------
    .. [1] Ember, Yearly Electricity Data, via thegreenwebfoundation/co2.js
       (data/output/average-intensities.json), CC BY-SA 4.0.
    """
    table = pd.read_csv(COUNTRY_GRID_INTENSITY_FILE, keep_default_na=False)
    return dict(
        zip(
            table["country"].astype(str),
            table["intensity_g_co2_per_kwh"].astype(float),
            strict=True,
        )
    )


def read_carbon_price_groups() -> dict[str, dict[str, str]]:
    """IEA WEO carbon-price group of every country, per pathway id.

    Returns
    -------
    dict
        Pathway id (``steps``, ``nze``) -> ISO alpha-2 code -> region name of the carbon-price
        rows (``Price|Carbon``) in the default pathway table. Countries without a group in a
        pathway are absent (they take their pathway region's price).

    References
    ----------
    .. [1] IEA, World Energy Outlook 2022/2023, Table B.2 "CO2 prices for electricity, industry
       and energy production in selected regions by scenario" (groups as recorded in
       ``climrisk/data/pathways/sources/climrisk_reference/iea_weo_pathways.csv``).
    """
    table = pd.read_csv(CARBON_PRICE_GROUPS_FILE, dtype=str, keep_default_na=False)
    out: dict[str, dict[str, str]] = {}
    for scenario in (c for c in table.columns if c not in ("country", "name")):
        out[scenario] = {
            c: g for c, g in zip(table["country"], table[scenario], strict=True) if g.strip()
        }
    return out
