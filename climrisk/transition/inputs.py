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
    regions_for,
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


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    col = frame[name].astype(object)
    return col.where(col.notna() & (col.astype(str).str.strip() != ""), None)


def prepare_assets(
    portfolio: Portfolio,
    settings: TransitionSettings,
    fx: dict[str, float],
    notes: list[dict[str, object]],
) -> pd.DataFrame:
    """Per-asset inputs (one row per asset) with every default recorded in ``notes``."""
    src = portfolio.assets
    n = len(src)
    asset_type = _text(src, "asset_type").fillna("other").astype(str)
    is_dc = (asset_type == "data_center").to_numpy()

    bu = _text(src, "business_unit")
    derived = bu.isna()
    bu = bu.where(
        ~derived, asset_type.map(settings.business_unit_by_asset_type).fillna("corporate")
    )
    bu = bu.astype(str).str.strip()
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
    countries = _text(src, "country")
    region, unmapped = regions_for(countries, mapping)
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
            "asset_id": src.index.astype(str).to_numpy(),
            "asset_type": asset_type.to_numpy(),
            "business_unit": bu.to_numpy(),
            "country": countries.map(
                lambda c: country_code(c) or (None if c is None else str(c))
            ).to_numpy(dtype=object),
            "region": region,
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
