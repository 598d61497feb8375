"""The layer preloader: opens the catalogue on its thread, reports its errors, plans, stops."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from climrisk.errors import InputError
from climrisk.hazard import LayerPreloader, open_catalog
from climrisk.testing.synthetic import write_synthetic_pack


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pack")
    write_synthetic_pack(folder, resolution_deg=3.0)
    return folder


def test_opens_the_catalogue_on_its_thread_and_plans_the_points(pack):
    preloader = LayerPreloader(lambda: open_catalog(pack))
    catalog = preloader.catalog()
    assert len(catalog) == 12
    lon, lat = np.array([0.0, 100.0, -70.0]), np.array([50.0, 20.0, -30.0])
    preloader.decide(3, lon, lat, halo=1)
    preloader.join()
    for layer in catalog.values():
        position, rows, _ = layer._cache["memory"][2]["compact"]
        assert rows.shape[0] == np.count_nonzero(position >= 0) <= 3 * 9


def test_an_error_opening_the_catalogue_is_raised_to_the_caller(tmp_path):
    preloader = LayerPreloader(lambda: open_catalog(tmp_path / "missing"))
    with pytest.raises(InputError, match="does not exist"):
        preloader.catalog()
    preloader.join()  # the thread has ended; joining does not hang


def test_cancel_stops_before_the_layers_are_loaded(pack):
    release = threading.Event()

    def slow_open():
        release.wait(10)  # opened only once the test has cancelled
        return open_catalog(pack)

    preloader = LayerPreloader(slow_open)
    preloader.cancel()
    release.set()
    catalog = preloader.catalog()
    preloader.join()
    assert not any("memory" in layer._cache for layer in catalog.values())
