"""The catalogue: contract checks per file, problems by name, require/select/describe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from climrisk.errors import InputError, InputErrors
from climrisk.hazard import HAZARD_SOURCES, HazardLayer, open_catalog
from climrisk.hazard.catalog import ENV_HAZARD_DATA, default_hazard_dir


def _problems_for(catalog, filename: str) -> list[str]:
    return [p.message for p in catalog.problems if Path(p.path).name == filename]


def _drop_attr(name):
    def mutate(ds):
        del ds.attrs[name]

    return mutate


def _set_units(units):
    def mutate(ds):
        var = ds.attrs["climrisk_indicator"]
        if units is None:
            del ds[var].attrs["units"]
        else:
            ds[var].attrs["units"] = units

    return mutate


BROKEN = {
    "no_hazard_attr.nc": dict(mutate=_drop_attr("climrisk_hazard"),
                              expect="missing global attribute climrisk_hazard"),
    "no_kind_attr.nc": dict(mutate=_drop_attr("climrisk_kind"),
                            expect="missing global attribute climrisk_kind"),
    "unknown_hazard.nc": dict(attrs={"climrisk_hazard": "volcano"},
                              expect="unknown hazard 'volcano'"),
    "no_units.nc": dict(mutate=_set_units(None), expect="has no units attribute"),
    "bad_units.nc": dict(mutate=_set_units("blargs per wibble"), expect="cannot be parsed"),
    "no_epoch_dim.nc": dict(mutate=lambda ds: ds.isel(epoch=0, drop=True),
                            expect="missing dimension(s) epoch"),
    "missing_2050.nc": dict(mutate=lambda ds: ds.sel(epoch=["baseline", "2030"]),
                            expect="missing epoch(s) 2050"),
    "no_scenarios.nc": dict(mutate=lambda ds: ds.isel(scenario=slice(0, 0)),
                            expect="dimension scenario is empty"),
    "lat_not_monotonic.nc": dict(lat=[10.5, 12.5, 11.5], expect="lat is not strictly monotonic"),
    "rp_descending.nc": dict(return_periods=[100.0, 10.0, 2.0],
                             expect="return_period must be positive and strictly ascending"),
    "acute_without_rp.nc": dict(return_periods=None,
                                expect="acute_return_period but there is no return_period"),
    "wrong_variable.nc": dict(mutate=lambda ds: ds.rename(flood_depth="depth"),
                              expect="no data variable named 'flood_depth'"),
    "extra_dim.nc": dict(mutate=lambda ds: ds.expand_dims(member=[1, 2]),
                         expect="unexpected dimension(s) member"),
}


def test_each_broken_form_is_a_named_problem_and_the_rest_stays_usable(layer_factory,
                                                                      hazard_folder):
    good = layer_factory("extreme_heat")
    for filename, spec in BROKEN.items():
        spec = dict(spec)
        spec.pop("expect")
        layer_factory("riverine_flood", name=filename, **spec)
    (hazard_folder / "garbage.nc").write_bytes(b"this is not a netCDF file")
    (hazard_folder / "notes.txt").write_text("ignored: not a layer suffix")
    catalog = open_catalog(hazard_folder)
    assert list(catalog) == [("extreme_heat", "days_above_35c")]
    assert catalog[("extreme_heat", "days_above_35c")].path == good
    for filename, spec in BROKEN.items():
        messages = _problems_for(catalog, filename)
        assert any(spec["expect"] in m for m in messages), (filename, messages)
        assert all(m.endswith("(layer skipped)") for m in messages)
    assert any("cannot be opened" in m for m in _problems_for(catalog, "garbage.nc"))
    assert not _problems_for(catalog, "notes.txt")
    assert "error: bad_units.nc: " in str(
        next(p for p in catalog.problems if Path(p.path).name == "bad_units.nc"))


def test_warnings_keep_the_layer(layer_factory, hazard_folder):
    def change_ssp370_baseline(ds):
        ds["flood_depth"].loc[{"scenario": "ssp370", "epoch": "baseline"}] += 1.0

    def drop_provenance(ds):
        del ds.attrs["license"]
        del ds.attrs["epoch_2030"]

    layer_factory("riverine_flood", mutate=change_ssp370_baseline)
    layer_factory("extreme_heat", mutate=drop_provenance)
    layer_factory("drought", name="dry.nc")
    layer_factory("coastal_flood", units="cm")
    catalog = open_catalog(hazard_folder)
    assert len(catalog) == 4
    assert any("units 'cm' differ from the standard 'm'" in m
               for m in _problems_for(catalog, "coastal_flood__flood_depth.nc"))
    flood = _problems_for(catalog, "riverine_flood__flood_depth.nc")
    assert any("baseline epoch differs between scenarios ssp126 and ssp370" in m for m in flood)
    heat = _problems_for(catalog, "extreme_heat__days_above_35c.nc")
    assert any("license is missing" in m for m in heat)
    assert any("epoch_2030 is missing" in m for m in heat)
    assert any("file name should be drought__consecutive_dry_days.nc" in m
               for m in _problems_for(catalog, "dry.nc"))


def test_duplicate_layers_keep_the_first(layer_factory, hazard_folder):
    layer_factory("extreme_heat", name="a.nc")
    layer_factory("extreme_heat", name="b.nc")
    catalog = open_catalog(hazard_folder)
    assert catalog[("extreme_heat", "days_above_35c")].path.name == "a.nc"
    assert any("already read from a.nc" in m for m in _problems_for(catalog, "b.nc"))


def test_missing_or_empty_folder_is_an_input_error(tmp_path, layer_factory, hazard_folder):
    with pytest.raises(InputError, match="hazard folder does not exist"):
        open_catalog(tmp_path / "nowhere")
    with pytest.raises(InputError, match="no usable hazard layer"):
        open_catalog(hazard_folder)
    layer_factory("riverine_flood", name="broken.nc", attrs={"climrisk_hazard": "volcano"})
    with pytest.raises(InputErrors) as info:
        open_catalog(hazard_folder)
    assert any("volcano" in i.message for i in info.value.issues)


def test_mapping_interface_and_metadata(hazard_dir):
    catalog = open_catalog(hazard_dir)
    assert catalog.hazards() == ("extreme_heat", "riverine_flood")
    assert catalog.scenarios() == ("ssp126", "ssp370")
    flood = catalog[("riverine_flood", "flood_depth")]
    assert flood.kind == "acute_return_period" and flood.is_acute
    assert flood.return_periods == (2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0)
    assert flood.quantiles == (0.1, 0.5, 0.9)
    assert flood.epochs == ("baseline", "2030", "2050")
    assert flood.resolution_deg == (1.0, 1.0)
    assert flood.extent == (100.0, 10.0, 104.0, 13.0)
    assert flood.illustrative is True
    assert flood.attrs["Conventions"] == "CF-1.8"
    assert flood.data.dims == ("scenario", "epoch", "return_period", "quantile", "lat", "lon")
    assert catalog.layers_for("riverine_flood") == [flood]
    assert catalog.layer("riverine_flood:flood_depth") is flood
    with pytest.raises(InputError, match="available: extreme_heat, riverine_flood"):
        catalog.layers_for("wildfire")


def test_require_names_what_is_missing(hazard_dir):
    catalog = open_catalog(hazard_dir)
    catalog.require(["ssp126", "ssp370"])
    with pytest.raises(InputErrors) as info:
        catalog.require(["ssp126", "ssp585"], hazards=["riverine_flood", "wildfire"])
    messages = [i.message for i in info.value.issues]
    assert any("riverine_flood:flood_depth has no scenario ssp585" in m for m in messages)
    assert any("no layer for hazard 'wildfire'" in m for m in messages)
    with pytest.raises(InputError, match="not a climrisk hazard id"):
        catalog.require(["ssp126"], hazards=["volcano"])


def test_select_and_describe(hazard_dir):
    catalog = open_catalog(hazard_dir)
    sub = catalog.select(["extreme_heat"])
    assert list(sub) == [("extreme_heat", "days_above_35c")]
    assert len(catalog.select()) == 2
    with pytest.raises(InputError, match="wildfire"):
        catalog.select(["wildfire"])
    text = catalog.describe("riverine_flood")
    for piece in ("riverine_flood:flood_depth", "units:           m",
                  "return periods:  2, 5, 10, 25, 50, 100, 250, 500, 1000", "references:",
                  "ILLUSTRATIVE", "baseline (1985-2014)", "not fit for decisions"):
        assert piece in text


def test_default_folder_and_environment_variable(monkeypatch, hazard_dir):
    monkeypatch.delenv(ENV_HAZARD_DATA, raising=False)
    assert default_hazard_dir().name == "hazard_data"
    assert default_hazard_dir().parent == Path(__file__).resolve().parents[2]
    monkeypatch.setenv(ENV_HAZARD_DATA, str(hazard_dir))
    assert open_catalog().directory == hazard_dir


def test_zarr_store_is_a_layer(tmp_path, layer_factory, hazard_folder):
    pytest.importorskip("zarr")
    layer_factory("extreme_cold", name="extreme_cold__days_below_minus_10c.zarr")
    catalog = open_catalog(hazard_folder)
    layer = catalog[("extreme_cold", "days_below_minus_10c")]
    assert layer.format == "zarr"
    assert "zarr" in HAZARD_SOURCES and "netcdf" in HAZARD_SOURCES


def test_from_path_raises_every_problem(tmp_path, layer_factory):
    path = layer_factory("riverine_flood", name="x.nc", attrs={"climrisk_hazard": "volcano"},
                         mutate=_set_units(None))
    with pytest.raises(InputErrors) as info:
        HazardLayer.from_path(path)
    assert len(info.value.issues) == 2
    with pytest.raises(InputErrors, match=r"no hazard source reads '\.tif'"):
        HazardLayer.from_path(tmp_path / "x.tif")


def test_integer_epoch_labels_are_read_as_text(layer_factory, hazard_folder):
    def numeric_epochs(ds):
        return ds.assign_coords(epoch=np.array([2000, 2030, 2050]))

    layer_factory("extreme_heat", mutate=numeric_epochs)
    layer_factory("drought")
    catalog = open_catalog(hazard_folder)
    messages = [p.message for p in catalog.problems]
    assert any("missing epoch(s) baseline" in m for m in messages)
