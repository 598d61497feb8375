"""Transition risks and opportunities per asset, business unit, pathway and horizon.

:func:`assess_transition` evaluates thirteen drivers in the four risk categories (policy and
legal, technology, market, reputation) and four opportunity categories (resource efficiency,
energy source, products and services, markets) of TCFD / IFRS S2, vectorised over assets, for
each pathway (IEA STEPS / NZE by default) and horizon year, and builds the contract's
``transition_matrix.csv`` (contracts.md, "Results"). Formulas and defaults are in
``docs/transition.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from climrisk.portfolio.model import Portfolio
from climrisk.transition.drivers import DEFAULT_HORIZONS
from climrisk.transition.evaluate import DriverEvaluator
from climrisk.transition.inputs import (
    check_horizons,
    check_scenarios,
    currency_factors,
    prepare_assets,
)
from climrisk.transition.matrix import RowCollector, transition_sources
from climrisk.transition.pathway import DEFAULT_PATHWAY_FILE, TransitionPathway
from climrisk.transition.read import read_pathways
from climrisk.transition.settings import TransitionSettings

__all__ = ["TransitionResult", "assess_transition"]


@dataclass(frozen=True)
class TransitionResult:
    """The transition assessment.

    Attributes
    ----------
    matrix
        ``transition_matrix.csv``: the contract's columns in order (:data:`MATRIX_COLUMNS`),
        then the channel columns (:data:`CHANNELS`) as amounts in the report currency per year
        whose sum is ``financial_impact``.
    asset_rows
        One row per asset x driver x scenario x horizon (where the driver applies): ``asset_id,
        asset_type, business_unit, country, region`` then the matrix columns without ``score`` and
        ``material``, then the channels. ``None`` when the assessment was run with
        ``asset_rows=False``.
    assumptions
        Every default and assumption used, with its source (for the manifest).
    sources
        Pathway and reference data sources with their licences.
    currency
        Report currency of every amount.
    """

    matrix: pd.DataFrame
    asset_rows: pd.DataFrame | None
    assumptions: list[dict[str, object]] = field(default_factory=list)
    sources: list[dict[str, object]] = field(default_factory=list)
    currency: str = "USD"


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------
def assess_transition(
    portfolio: Portfolio,
    pathway: TransitionPathway | None = None,
    settings: TransitionSettings | None = None,
    scenarios: Sequence[str] = ("steps", "nze"),
    horizons: Mapping[str, int] | None = None,
    currency: str | None = None,
    asset_rows: bool = True,
) -> TransitionResult:
    """Assess transition risks and opportunities of a portfolio on pathway scenarios.

    Parameters
    ----------
    portfolio : climrisk.portfolio.Portfolio
        Validated assets (``assets`` GeoDataFrame indexed by ``asset_id``).
    pathway
        Pathway table; ``None`` reads the embedded default (IEA STEPS / NZE). Variables a user's
        table lacks (green-power premium, PUE limits, data-centre demand) are taken from the
        default table for the same pathway id and listed in the assumptions.
    settings
        Company-level inputs and assumptions; ``None`` uses the documented defaults.
    scenarios
        Pathway ids (or names such as ``Stated Policies Scenario``) to assess.
    horizons
        Horizon name -> year; default short 2027, mid 2031, long 2050 (contracts.md).
    currency
        Report currency (ISO 4217); default the portfolio's, else USD.
    asset_rows
        Keep one row per asset x driver x scenario x horizon (``TransitionResult.asset_rows``).
        ``False`` aggregates each driver x scenario x horizon into the matrix as it is produced
        and keeps no per-asset rows, so memory grows with the assets only (for large
        portfolios); the matrix is the same.

    Returns
    -------
    TransitionResult

    Raises
    ------
    climrisk.errors.InputError
        Unknown scenario (listing the available ones), a region the pathway cannot serve, a
        currency without an FX rate, or invalid horizons.
    """
    settings = settings or TransitionSettings()
    default_used = pathway is None
    if pathway is None:
        pathway = read_pathways()
    elif pathway.path is None or Path(pathway.path).resolve() != DEFAULT_PATHWAY_FILE.resolve():
        pathway = pathway.supplemented_from(read_pathways())
        default_used = False
    else:
        default_used = True
    horizons = dict(DEFAULT_HORIZONS if horizons is None else horizons)
    where = str(pathway.path) if pathway.path is not None else pathway.label
    scen = check_scenarios(scenarios, pathway, where)
    check_horizons(horizons)

    notes: list[dict[str, object]] = []
    report_ccy, fx = currency_factors(portfolio, settings, currency, notes)
    assets = prepare_assets(portfolio, settings, fx, notes)
    ctx = DriverEvaluator(assets, pathway, settings, fx, where, notes)
    ctx.check_regions(scen)

    rows = RowCollector(ctx, report_ccy, keep_rows=asset_rows)
    for scenario in scen:
        for horizon, year in horizons.items():
            for driver, values in ctx.drivers(scenario, float(year)):
                rows.add(driver, values, scenario, horizon, int(year))
    table = rows.asset_rows() if asset_rows else None
    matrix = rows.matrix(scen, list(horizons), settings)

    assumptions = [*settings.assumptions(), *notes, *ctx.pathway_notes()]
    sources = transition_sources(pathway, default_used, settings)
    return TransitionResult(matrix, table, assumptions, sources, report_ccy)
