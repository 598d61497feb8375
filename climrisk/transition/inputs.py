"""Inputs of the transition assessment: scenarios, horizons, currencies and per-asset arrays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from climrisk.errors import InputError
from climrisk.portfolio.model import Portfolio
from climrisk.portfolio.schema import DATA_CENTER_IT_UTILISATION, DATA_CENTER_UTILISATION_SOURCE
from climrisk.transition import metrics as m
from climrisk.transition.pathway import TransitionPathway, normalise_scenario
from climrisk.transition.regions import (
    COUNTRY_REGIONS_FILE,
    FALLBACK_REGION,
    country_code,
    read_country_regions,
    regions_of,
)
from climrisk.transition.settings import TransitionSettings

__all__ = ["check_horizons", "check_scenarios", "currency_factors", "prepare_assets"]


def check_scenarios(
    scenarios: Sequence[str] | str, pathway: TransitionPathway, where: str
) -> list[str]:
    """Pathway ids of the requested scenarios; InputError listing the available ones."""
    if isinstance(scenarios, str):
        scenarios = [s for s in scenarios.split(",") if s.strip()]
    available = pathway.scenarios()
    out = []
    for name in scenarios:
        sid = normalise_scenario(name)
        if sid not in available:
            raise InputError(
                where,
                f"unknown pathway scenario {name!r}; available: {', '.join(available)}",
                column="scenario",
            )
        if sid not in out:
            out.append(sid)
    if not out:
        raise InputError(where, f"no pathway scenario requested; available: {', '.join(available)}")
    return out


def check_horizons(horizons: Mapping[str, int]) -> None:
    """Horizon name -> calendar year; InputError for anything that is not a year."""
    if not horizons:
        raise InputError("configuration", "no horizons given", column="horizons")
    for name, year in horizons.items():
        if (
            isinstance(year, bool)
            or not isinstance(year, (int, np.integer))
            or not (1900 <= int(year) <= 2300)
        ):
            raise InputError(
                "configuration",
                f"horizon {name!r}: {year!r} is not a year",
                column=f"horizons.{name}",
            )


def currency_factors(
    portfolio: Portfolio,
    settings: TransitionSettings,
    currency: str | None,
    notes: list[dict[str, object]],
) -> tuple[str, dict[str, float]]:
    """Report currency and conversion factors to it from USD, the portfolio and the settings."""
    pf_ccy = getattr(portfolio, "currency", None)
    report = (currency or pf_ccy or "USD").upper()
    if pf_ccy is None:
        pf_ccy = report
        notes.append(
            {
                "name": "transition.portfolio_currency",
                "value": report,
                "source": "no currency in the asset file: amounts taken to be in the report "
                "currency",
            }
        )
    rates = settings.fx_to_usd
    for code, what in (
        (report, "report"),
        (pf_ccy.upper(), "portfolio"),
        (settings.currency, "[transition] settings"),
    ):
        if code not in rates:
            raise InputError(
                getattr(portfolio, "source", "portfolio"),
                f"no FX rate for the {what} currency {code}; add it under [transition.fx_to_usd]",
                column="currency",
            )
    to_report = 1.0 / rates[report]
    return report, {
        "usd": to_report,
        "portfolio": rates[pf_ccy.upper()] * to_report,
        "settings": rates[settings.currency] * to_report,
    }


def _num(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _text(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, list[object]]:
    """Codes into a text column's distinct values, and those values.

    Code -1 marks a missing or blank cell; the values keep their original form (not stripped).
    The column is factorised once, so that per-asset work is integer indexing only.
    """
    if name not in frame.columns:
        return np.full(len(frame), -1, dtype=np.intp), []
    codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
    values = list(np.asarray(uniques, dtype=object))
    blank = np.array([str(v).strip() == "" for v in values] + [True], dtype=bool)
    remap = np.where(blank, -1, np.arange(blank.size))  # the last entry serves code -1
    return remap[codes].astype(np.intp), values


def _categorical(codes: np.ndarray, labels: list[object]) -> pd.Categorical:
    """``labels[codes]`` as a categorical with sorted text categories.

    Code -1 and ``None`` labels are missing; equal labels share one category; labels no asset
    has are not categories.
    """
    used = np.bincount(codes[codes >= 0], minlength=len(labels)) > 0
    text = [None if v is None or not u else str(v) for v, u in zip(labels, used, strict=True)]
    categories = sorted({t for t in text if t is not None})
    position = {t: i for i, t in enumerate(categories)}
    remap = np.array([-1 if t is None else position[t] for t in text] + [-1], dtype=np.intp)
    return pd.Categorical.from_codes(remap[codes], categories=categories, validate=False)


def prepare_assets(
    portfolio: Portfolio,
    settings: TransitionSettings,
    fx: dict[str, float],
    notes: list[dict[str, object]],
) -> pd.DataFrame:
    """Per-asset inputs (one row per asset) with every default recorded in ``notes``.

    Text columns (``asset_type``, ``business_unit``, ``country``, ``region``) are categoricals
    with sorted categories; ``country`` is missing where the asset has none. Text is handled
    once per distinct value, so the cost per asset is integer indexing.
    """
    src = portfolio.assets
    n = len(src)
    type_codes, type_values = _text(src, "asset_type")
    type_labels = [str(v) for v in type_values] + ["other"]
    type_codes = np.where(type_codes < 0, len(type_values), type_codes)
    is_dc = (np.array(type_labels, dtype=object) == "data_center")[type_codes]

    bu_codes, bu_values = _text(src, "business_unit")
    derived = bu_codes < 0

    def _unit_of(asset_type: str) -> str:
        unit = settings.business_unit_by_asset_type.get(asset_type)
        return "corporate" if unit is None or pd.isna(unit) else unit

    bu_labels = [str(v).strip() for v in bu_values] + [
        str(_unit_of(t)).strip() for t in type_labels
    ]
    bu_codes = np.where(derived, len(bu_values) + type_codes, bu_codes)
    if derived.any():
        notes.append(
            {
                "name": "transition.business_unit_from_asset_type",
                "value": dict(settings.business_unit_by_asset_type),
                "count": int(derived.sum()),
                "source": "business_unit missing: derived from asset_type",
            }
        )

    mapping = read_country_regions(
        settings.country_regions_file,
        settings.country_regions,
        where="[transition.country_regions]",
    )
    country_codes, country_values = _text(src, "country")
    region_labels, unmapped_u = regions_of([*country_values, None], mapping)
    country_codes = np.where(country_codes < 0, len(country_values), country_codes)
    unmapped = unmapped_u[country_codes]
    if unmapped.any():
        notes.append(
            {
                "name": "transition.region_fallback",
                "value": FALLBACK_REGION,
                "count": int(unmapped.sum()),
                "source": "country missing or not in the country map "
                f"({settings.country_regions_file or COUNTRY_REGIONS_FILE.name})",
            }
        )
    country_labels = [
        None if c is None else (country_code(c) or str(c)) for c in [*country_values, None]
    ]

    pue = _num(src, "pue")
    pue = np.where(is_dc, pue, np.nan)
    it_mw = _num(src, "it_load_mw")
    energy = _num(src, "annual_energy_mwh")
    from_it = np.isnan(energy) & is_dc & ~np.isnan(it_mw) & ~np.isnan(pue)
    energy = np.where(
        from_it,
        m.data_centre_energy_mwh(
            np.nan_to_num(it_mw), np.nan_to_num(pue, nan=1.0), DATA_CENTER_IT_UTILISATION
        ),
        energy,
    )
    if from_it.any():
        notes.append(
            {
                "name": "transition.energy_from_it_load",
                "value": f"it_load_mw x pue x 8760 x {DATA_CENTER_IT_UTILISATION}",
                "count": int(from_it.sum()),
                "source": DATA_CENTER_UTILISATION_SOURCE,
            }
        )
    need_it = is_dc & np.isnan(it_mw) & ~np.isnan(energy) & ~np.isnan(pue)
    it_mw = np.where(
        need_it,
        energy
        / (np.where(np.isnan(pue), 1.0, pue) * m.HOURS_PER_YEAR * DATA_CENTER_IT_UTILISATION),
        it_mw,
    )
    if need_it.any():
        notes.append(
            {
                "name": "transition.it_load_from_energy",
                "value": f"annual_energy_mwh / (pue x 8760 x {DATA_CENTER_IT_UTILISATION})",
                "count": int(need_it.sum()),
                "source": DATA_CENTER_UTILISATION_SOURCE,
            }
        )

    share = _num(src, "renewable_share")
    if np.isnan(share).any():
        notes.append(
            {
                "name": "transition.renewable_share_missing",
                "value": 0.0,
                "count": int(np.isnan(share).sum()),
                "source": "assumption: grid mix only unless stated",
            }
        )
    share = np.clip(np.nan_to_num(share), 0.0, 1.0)
    s1 = _num(src, "scope1_tco2e")
    if np.isnan(s1).any():
        notes.append(
            {
                "name": "transition.scope1_missing",
                "value": 0.0,
                "count": int(np.isnan(s1).sum()),
                "source": "no Scope 1 reported: taken as zero",
            }
        )
    value = np.nan_to_num(_num(src, "value")) * fx["portfolio"]
    revenue = np.nan_to_num(_num(src, "annual_revenue")) * fx["portfolio"]

    frame = pd.DataFrame(
        {
            "asset_id": src.index.astype(str).array,
            "asset_type": _categorical(type_codes, type_labels),
            "business_unit": _categorical(bu_codes, bu_labels),
            "country": _categorical(country_codes, country_labels),
            "region": _categorical(country_codes, list(region_labels)),
            "is_dc": is_dc,
            "pue": pue,
            "it_mw": np.nan_to_num(it_mw),
            "energy": energy,
            "s0": share,
            "s1": np.nan_to_num(s1),
            "s2_given": _num(src, "scope2_tco2e"),
            "value": value,
            "revenue": revenue,
        },
        index=pd.RangeIndex(n),
        copy=False,
    )
    frame["revenue"] = _apportion_revenue(frame, settings, fx, notes)
    return frame


def _apportion_revenue(
    frame: pd.DataFrame,
    settings: TransitionSettings,
    fx: dict[str, float],
    notes: list[dict[str, object]],
) -> np.ndarray:
    """Asset revenue; a business unit's configured revenue is spread over its assets."""
    revenue = frame["revenue"].to_numpy(dtype=float).copy()
    for unit, total in settings.revenue_by_business_unit.items():
        mask = (frame["business_unit"] == unit).to_numpy()
        if not mask.any():
            continue
        total = float(total) * fx["settings"]
        weights = None
        basis = ""
        for name, column in (
            ("annual_revenue", revenue),
            ("energy", np.nan_to_num(frame["energy"].to_numpy(dtype=float))),
            ("value", frame["value"].to_numpy()),
        ):
            w = np.where(mask, column, 0.0)
            if w.sum() > 0:
                weights, basis = w, name
                break
        if weights is None:
            weights, basis = mask.astype(float), "equal shares"
        revenue = np.where(mask, total * weights / weights.sum(), revenue)
        notes.append(
            {
                "name": f"transition.revenue_apportioned.{unit}",
                "value": f"{total:.6g} spread by {basis}",
                "count": int(mask.sum()),
                "source": "[transition.revenue_by_business_unit]",
            }
        )
    return revenue
