"""Hazard layers: catalogue, sampling at assets and horizon interpolation.

Data flow: :func:`open_catalog` reads a folder of contract files (metadata only) into a
:class:`HazardCatalog`; :func:`sample_assets` gathers every layer at every asset in one
whole-array pass per layer (a :class:`HazardSample`); :func:`at_horizons` turns the hazard
epochs into the run's horizon years.
"""

from climrisk.hazard.catalog import HazardCatalog, open_catalog
from climrisk.hazard.layer import (
    ACUTE,
    CHRONIC,
    EPOCH_CENTRE_YEARS,
    EPOCHS,
    HAZARDS,
    HazardLayer,
)
from climrisk.hazard.sample import (
    FLAG_FILLED,
    FLAG_NO_DATA,
    FLAG_OK,
    HazardSample,
    LayerPreloader,
    SampledLayer,
    sample_assets,
    sample_footprints,
    sample_points,
)
from climrisk.hazard.sources import HAZARD_SOURCES
from climrisk.hazard.time import at_horizons

__all__ = [
    "ACUTE",
    "CHRONIC",
    "EPOCHS",
    "EPOCH_CENTRE_YEARS",
    "FLAG_FILLED",
    "FLAG_NO_DATA",
    "FLAG_OK",
    "HAZARDS",
    "HAZARD_SOURCES",
    "HazardCatalog",
    "HazardLayer",
    "HazardSample",
    "LayerPreloader",
    "SampledLayer",
    "at_horizons",
    "open_catalog",
    "sample_assets",
    "sample_footprints",
    "sample_points",
]
