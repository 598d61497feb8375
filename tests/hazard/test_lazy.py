"""Laziness: opening a catalogue reads no data; sampling a large layer reads only the blocks
that hold assets (plus the fallback halo), never the whole array."""

from __future__ import annotations

import threading

import dask.array as dsa
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from climrisk.hazard import HazardLayer, _gather, open_catalog, sample_points
from climrisk.testing import synthetic_layer


class BlockCounter:
    """Counts the blocks of a dask array that are computed (an assert_lazy-style probe)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, block: np.ndarray) -> np.ndarray:
        with self._lock:
            self.count += 1
        return block


def _counted_layer(counter: BlockCounter) -> HazardLayer:
    lat = np.arange(0.5, 40.0, 1.0)  # 40 rows
    lon = np.arange(0.5, 80.0, 1.0)  # 80 columns
    ds = synthetic_layer("extreme_heat", lat=lat, lon=lon)
    var = ds["days_above_35c"]
    blocks = dsa.from_array(var.values, chunks=(-1, -1, 10, 20))  # 4 x 4 = 16 blocks
    ds["days_above_35c"] = (var.dims, dsa.map_blocks(counter, blocks, dtype=var.dtype),
                            var.attrs)
    return HazardLayer.from_dataset(ds)


def test_sampling_a_large_layer_reads_only_the_needed_blocks(monkeypatch):
    monkeypatch.setattr(_gather, "CACHE_BYTES", 0)  # treat the layer as larger than memory
    counter = BlockCounter()
    layer = _counted_layer(counter)
    counter.count = 0  # the contract check reads a few rows; start counting at sampling
    # 500 assets inside one block (rows 10-19, columns 20-39), away from its edges
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(24, 36, 500), rng.uniform(14, 16, 500)
    out = sample_points(layer, lon, lat, fallback_radius_cells=0)
    assert counter.count == 1, f"{counter.count} blocks computed for assets in one block"
    expected = synthetic_layer("extreme_heat", lat=np.arange(0.5, 40, 1.0),
                               lon=np.arange(0.5, 80, 1.0))["days_above_35c"]
    ref = expected.isel(scenario=0, epoch=0).values[np.floor(lat).astype(int),
                                                   np.floor(lon).astype(int)]
    assert_array_equal(out.values.isel(scenario=0, epoch=0).values, ref)
    # with a fallback radius the halo reaches into the neighbouring blocks, but not all 16
    counter.count = 0
    sample_points(layer, lon, lat, fallback_radius_cells=2)
    assert 1 < counter.count <= 9


def test_small_layers_are_loaded_once_and_cached():
    counter = BlockCounter()
    layer = _counted_layer(counter)
    counter.count = 0
    lon, lat = np.array([5.0, 70.0]), np.array([5.0, 35.0])
    first = sample_points(layer, lon, lat)
    assert counter.count == 16  # the whole (small) layer, once
    second = sample_points(layer, lon, lat, method="bilinear")
    assert counter.count == 16  # served from the cache
    assert_array_equal(first.flags, second.flags)
    _gather.clear_cache(layer)
    sample_points(layer, lon, lat)
    assert counter.count == 32


def test_open_catalog_reads_metadata_only(hazard_dir):
    catalog = open_catalog(hazard_dir)
    for layer in catalog.values():
        assert layer.data.chunks is not None  # dask-backed
        assert "memory" not in layer._cache


@pytest.mark.parametrize("scheduler", ["threads", "synchronous"])
def test_sampling_works_under_any_dask_scheduler(scheduler, hazard_dir):
    import dask

    catalog = open_catalog(hazard_dir)
    layer = catalog[("riverine_flood", "flood_depth")]
    with dask.config.set(scheduler=scheduler):
        out = sample_points(layer, np.array([101.5]), np.array([11.5]), in_memory=False)
    assert out.flags[0] == 0
