"""Chunking and Dask give the same results as one local pass."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from climrisk.config import RunConfig
from climrisk.engine import assess
from climrisk.portfolio import read_portfolio
from climrisk.testing.synthetic import write_synthetic_pack

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pack")
    write_synthetic_pack(folder, resolution_deg=3.0)
    portfolio = read_portfolio(REPO / "assets" / "sample_portfolio.csv")
    config = RunConfig(hazards=folder, pdf=False, pathway_scenarios=("steps",))
    return portfolio, config


def _results(portfolio, config, **kwargs) -> tuple[pd.DataFrame, pd.DataFrame]:
    result = assess(portfolio, config, keep_results=True, **kwargs)
    key = ["asset_id", "hazard", "scenario", "horizon"]
    rows = result.asset_results.astype({k: str for k in key}).sort_values(key)
    return rows.reset_index(drop=True), result.physical_matrix


def test_chunked_equals_unchunked(setup):
    portfolio, config = setup
    one_rows, one_matrix = _results(portfolio, config, chunk_assets=10_000)
    many_rows, many_matrix = _results(portfolio, config, chunk_assets=7)
    pd.testing.assert_frame_equal(one_rows.astype(str), many_rows.astype(str))
    pd.testing.assert_frame_equal(one_matrix, many_matrix)


@pytest.mark.parametrize("scheduler", ["threads", "processes"])
def test_dask_equals_local(setup, scheduler):
    portfolio, config = setup
    local_rows, local_matrix = _results(portfolio, config, chunk_assets=40)
    dask_config = config.with_overrides(scheduler=scheduler)
    dask_rows, dask_matrix = _results(portfolio, dask_config, chunk_assets=40)
    pd.testing.assert_frame_equal(local_rows.astype(str), dask_rows.astype(str))
    pd.testing.assert_frame_equal(local_matrix, dask_matrix)
