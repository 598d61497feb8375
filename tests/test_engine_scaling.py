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


def test_threads_equal_one_thread(setup):
    portfolio, config = setup
    one_rows, one_matrix = _results(portfolio, config.with_overrides(workers=1), chunk_assets=9)
    two_rows, two_matrix = _results(portfolio, config.with_overrides(workers=3), chunk_assets=9)
    pd.testing.assert_frame_equal(one_rows.astype(str), two_rows.astype(str))
    pd.testing.assert_frame_equal(one_matrix, two_matrix)


def test_preloaded_layers_sample_the_same(setup):
    portfolio, config = setup
    from climrisk.hazard import LayerPreloader, open_catalog

    plain_rows, _ = _results(portfolio, config, catalog=open_catalog(config.hazards))
    catalog = open_catalog(config.hazards)
    preloader = LayerPreloader(catalog)
    preloader.decide(10**6)  # as for a large portfolio: cell-major copies too
    preloader.join()
    assert all("cell_major" in layer._cache["memory"][2] for layer in catalog.values())
    loaded_rows, _ = _results(portfolio, config, catalog=catalog)
    pd.testing.assert_frame_equal(plain_rows.astype(str), loaded_rows.astype(str))


def test_planned_layers_sample_the_same(setup):
    """Told the portfolio's points, the preloader copies only their cells; rows unchanged."""
    portfolio, config = setup
    from climrisk.hazard import LayerPreloader, open_catalog

    plain_rows, _ = _results(portfolio, config, catalog=open_catalog(config.hazards))
    catalog = open_catalog(config.hazards)
    preloader = LayerPreloader(catalog)
    points = portfolio.assets
    preloader.decide(len(points), points["longitude"].to_numpy(),
                     points["latitude"].to_numpy(), config.sampling.fallback_radius_cells)
    preloader.join()
    for layer in catalog.values():
        shared = layer._cache["memory"][2]
        assert "compact" in shared and "cell_major" not in shared
    planned_rows, _ = _results(portfolio, config, catalog=catalog)
    pd.testing.assert_frame_equal(plain_rows.astype(str), planned_rows.astype(str))


def test_packed_rows_round_trip(setup):
    from climrisk.engine import _pack, _unpack

    portfolio, config = setup
    table = assess(portfolio, config, keep_results=True).asset_table
    packed = _pack(table)
    assert isinstance(packed, bytes) and len(packed) < table.nbytes
    back = _unpack(packed)
    assert back.schema == table.schema
    pd.testing.assert_frame_equal(back.to_pandas(), table.to_pandas())  # NaN equal to NaN


@pytest.mark.parametrize("scheduler", ["threads", "processes"])
def test_dask_equals_local(setup, scheduler):
    portfolio, config = setup
    local_rows, local_matrix = _results(portfolio, config, chunk_assets=40)
    dask_config = config.with_overrides(scheduler=scheduler)
    dask_rows, dask_matrix = _results(portfolio, dask_config, chunk_assets=40)
    pd.testing.assert_frame_equal(local_rows.astype(str), dask_rows.astype(str))
    pd.testing.assert_frame_equal(local_matrix, dask_matrix)


def _cache_note(result) -> str:
    # the cache is a fact of the run (manifest "cache", run.log), never a report warning
    assert not any("sample cache" in w for w in result.manifest.warnings)
    cache = result.manifest.cache
    return f"{cache['hits']} chunks reused, {cache['misses']} new"


def test_sample_cache_hit_and_invalidation(tmp_path):
    pack = tmp_path / "pack"
    write_synthetic_pack(pack, resolution_deg=3.0)
    portfolio = read_portfolio(REPO / "assets" / "sample_portfolio_small.csv")
    config = RunConfig(
        hazards=pack, pdf=False, pathway_scenarios=("steps",), cache_dir=tmp_path / "cache"
    )
    first = assess(portfolio, config, keep_results=True)
    assert "0 chunks reused, 1 new" in _cache_note(first)
    second = assess(portfolio, config, keep_results=True)
    assert "1 chunks reused, 0 new" in _cache_note(second)
    pd.testing.assert_frame_equal(first.asset_results, second.asset_results)
    # a changed hazard file must miss the cache
    import xarray as xr

    path = next(pack.glob("riverine_flood__*.nc"))
    with xr.open_dataset(path) as ds:
        changed = ds.load()
    changed["flood_depth"] = changed["flood_depth"] * 2
    path.unlink()
    changed.to_netcdf(path)
    third = assess(portfolio, config, keep_results=True)
    assert "0 chunks reused, 1 new" in _cache_note(third)
    assert not third.asset_results["intensity"].equals(first.asset_results["intensity"])
    off = assess(portfolio, config.with_overrides(cache=False), keep_results=True)
    assert off.manifest.cache == {}


def test_chunk_size_follows_the_memory_budget():
    from climrisk.engine import chunk_size_for_memory

    gib = 2**30
    assert chunk_size_for_memory(1 * gib, available_bytes=64 * gib) == 16_384
    # capped at a quarter of what is available
    assert chunk_size_for_memory(8 * gib, available_bytes=2 * gib) == 8_192
    # never below 1,000 or above 100,000 assets
    assert chunk_size_for_memory(1, available_bytes=64 * gib) == 1_000
    assert chunk_size_for_memory(1_000 * gib, available_bytes=10_000 * gib) == 100_000


def test_chunk_settings_from_the_run_file(tmp_path):
    from climrisk.config import load_config
    from climrisk.errors import InputError

    path = tmp_path / "run.toml"
    path.write_text("chunk_assets = 500\nmemory_budget_gb = 0.5\n")
    config = load_config(path)
    assert (config.chunk_assets, config.memory_budget_gb) == (500, 0.5)
    path.write_text("chunk_assets = 0\n")
    with pytest.raises(InputError, match="chunk_assets"):
        load_config(path)
