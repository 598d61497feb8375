"""Summaries of the transition matrix that keep the three kinds of number apart.

Expected cost (risks), cost at risk (a range) and opportunity value are totalled separately and
never added together or netted; sensitivity rows (company target not met) are shown beside the
expected cost they replace. Used by the report (executive summary, section 7).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["target_sensitivity", "top_transition_items", "transition_summary"]

_SUMMARY_COLUMNS = [
    "scenario",
    "horizon",
    "year",
    "expected_cost",
    "cost_at_risk_low",
    "cost_at_risk_high",
    "opportunity",
]


def _basis(matrix: pd.DataFrame) -> pd.Series:
    if "basis" in matrix.columns:
        return matrix["basis"].astype(str)
    # older results without the column: the volatility band was the only range
    risk = matrix["kind"].astype(str) == "risk"
    band = matrix["driver"].astype(str) == "energy_price_volatility"
    return pd.Series(
        [
            "at_risk" if b else ("expected" if r else "opportunity")
            for r, b in zip(risk, band, strict=True)
        ],
        index=matrix.index,
    )


def transition_summary(matrix: pd.DataFrame) -> pd.DataFrame:
    """The three totals per pathway and horizon, in the report currency per year.

    Returns
    -------
    pandas.DataFrame
        ``scenario, horizon, year, expected_cost, cost_at_risk_low, cost_at_risk_high,
        opportunity``: the sum of expected risk costs, the range of the cost at risk (low is a
        saving when negative), and the sum of opportunity benefits. None includes another.
    """
    if matrix is None or matrix.empty:
        return pd.DataFrame(columns=_SUMMARY_COLUMNS)
    frame = matrix.assign(_basis=_basis(matrix))
    low = frame["financial_low"] if "financial_low" in frame else frame["financial_impact"]
    high = frame["financial_high"] if "financial_high" in frame else frame["financial_impact"]
    frame = frame.assign(
        expected_cost=frame["financial_impact"].where(frame["_basis"] == "expected", 0.0),
        cost_at_risk_low=low.where(frame["_basis"] == "at_risk", 0.0),
        cost_at_risk_high=high.where(frame["_basis"] == "at_risk", 0.0),
        opportunity=frame["financial_impact"].where(frame["_basis"] == "opportunity", 0.0),
    )
    out = frame.groupby(["scenario", "horizon", "year"], sort=False)[_SUMMARY_COLUMNS[3:]].sum()
    return out.reset_index()[_SUMMARY_COLUMNS]


def top_transition_items(matrix: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The largest expected transition costs per pathway and horizon (drivers summed over units).

    Returns
    -------
    pandas.DataFrame
        ``scenario, horizon, year, category, driver, financial_impact, material``, at most ``n``
        rows per pathway x horizon, largest first; cost-at-risk, opportunity and sensitivity rows
        are not included.
    """
    cols = ["scenario", "horizon", "year", "category", "driver", "financial_impact", "material"]
    if matrix is None or matrix.empty:
        return pd.DataFrame(columns=cols)
    part = matrix[_basis(matrix) == "expected"]
    out = (
        part.groupby(["scenario", "horizon", "year", "category", "driver"], sort=False)
        .agg(financial_impact=("financial_impact", "sum"), material=("material", "any"))
        .reset_index()
    )
    out = out.sort_values("financial_impact", ascending=False, kind="stable")
    out = out.groupby(["scenario", "horizon"], sort=False).head(n)
    return out[cols].reset_index(drop=True)


def target_sensitivity(matrix: pd.DataFrame) -> pd.DataFrame:
    """Carbon cost with and without the clean-power target met, per pathway and horizon.

    Returns
    -------
    pandas.DataFrame
        ``scenario, horizon, year, target_met, target_missed, certificates`` (annual, report
        currency) for the business units with a target; empty when no unit has one.
    """
    cols = ["scenario", "horizon", "year", "target_met", "target_missed", "certificates"]
    if matrix is None or matrix.empty or "carbon_price_target_missed" not in set(matrix["driver"]):
        return pd.DataFrame(columns=cols)
    missed = matrix[matrix["driver"] == "carbon_price_target_missed"]
    units = set(missed["business_unit"])
    keys = ["scenario", "horizon", "year"]

    def total(driver: str) -> pd.Series:
        rows = matrix[(matrix["driver"] == driver) & matrix["business_unit"].isin(units)]
        return rows.groupby(keys, sort=False)["financial_impact"].sum()

    out = pd.DataFrame(
        {
            "target_met": total("carbon_price"),
            "target_missed": total("carbon_price_target_missed"),
            "certificates": total("green_power_premium"),
        }
    ).fillna(0.0)
    return out.reset_index()[cols]
