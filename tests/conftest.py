"""Shared test fixtures: a seeded random generator and synthetic hazard layers on disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from climrisk.testing.synthetic import synthetic_layer, write_layer


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded random generator (the same numbers on every run)."""
    return np.random.default_rng(20251124)


@pytest.fixture
def hazard_folder(tmp_path: Path) -> Path:
    """An empty folder for hazard layers inside the test's tmp_path."""
    folder = tmp_path / "hazards"
    folder.mkdir()
    return folder


@pytest.fixture
def layer_factory(hazard_folder: Path) -> Callable[..., Path]:
    """Write a synthetic layer into ``hazard_folder``: ``layer_factory("riverine_flood", ...)``.

    Keyword arguments go to :func:`climrisk.testing.synthetic_layer`; ``name`` sets the file
    name and ``mutate`` (a function of the Dataset) breaks the layer on purpose.
    """

    def make(hazard: str = "riverine_flood", *, name: str | None = None,
             mutate: Callable[[Any], Any] | None = None, **kwargs: Any) -> Path:
        ds = synthetic_layer(hazard, **kwargs)
        if mutate is not None:
            ds = mutate(ds) or ds
        return write_layer(ds, hazard_folder, name)

    return make


@pytest.fixture
def hazard_dir(layer_factory: Callable[..., Path], hazard_folder: Path) -> Path:
    """A folder with a riverine flood layer (with quantiles) and an extreme heat layer."""
    layer_factory("riverine_flood", quantiles=(0.1, 0.5, 0.9))
    layer_factory("extreme_heat")
    return hazard_folder


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites the golden result files under ``tests/golden/``."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current results (review the diff)",
    )


_SLOW_MODULES = (
    "tests/golden/", "tests/report/", "tests/web/test_web_browser.py",
    "tests/test_engine_scaling.py", "tests/portfolio/test_large_files.py",
    "tests/properties/test_read_fuzz.py", "tests/cli/test_reliability.py",
)


def pytest_collection_modifyitems(config, items):
    """Mark the whole-pipeline, PDF, browser and large-file modules ``slow``."""
    for item in items:
        path = item.nodeid.replace("\\", "/")
        if path.startswith(_SLOW_MODULES):
            item.add_marker(pytest.mark.slow)
