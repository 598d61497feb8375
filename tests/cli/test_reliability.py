"""Command-line reliability: the output folder is never a user's own, input problems exit 2 with
one clean line each, nothing is left behind, and nothing is silently left unassessed."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from climrisk.cli.main import main
from climrisk.cli.text import one_line
from climrisk.config import check_run_file, load_config
from climrisk.errors import InputError
from climrisk.io.outdir import check_output_dir, clean_stale_staging, output_lock
from climrisk.portfolio import read_portfolio

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "assets" / "sample_portfolio_small.csv"


def cli(*args: str) -> tuple[int, str]:
    """Run the command in this process; return the exit status and stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(list(args))
        except SystemExit as exit_:
            return int(exit_.code or 0), err.getvalue()
    return 0, err.getvalue()


# -- 1. --out never replaces a user's folder ---------------------------------------------------
def test_out_folder_holding_the_portfolio_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    (data / "sites.csv").write_bytes(SMALL.read_bytes())
    (data / "notes.txt").write_text("mine")
    code, err = cli("assess", "data/sites.csv", "--no-pdf", "--out", "data")
    assert code == 2 and err.count("\n") == 1, err
    assert "holds the input sites.csv" in err
    assert sorted(p.name for p in data.iterdir()) == ["notes.txt", "sites.csv"]


@pytest.mark.parametrize("out", [".", ""])
def test_working_folder_is_refused_before_any_work(tmp_path, monkeypatch, out):
    monkeypatch.chdir(tmp_path)
    code, err = cli("assess", str(SMALL), "--no-pdf", "--out", out)
    assert code == 2 and "not an output folder" in err
    assert not any(tmp_path.iterdir())  # no staging folder, no cache


def test_non_empty_folder_without_manifest_is_refused(tmp_path):
    folder = tmp_path / "Documents"
    folder.mkdir()
    (folder / "letter.docx").write_text("x")
    with pytest.raises(InputError, match="not a climrisk result"):
        check_output_dir(folder)
    (tmp_path / "empty").mkdir()
    check_output_dir(tmp_path / "empty")
    check_output_dir(tmp_path / "new")
    result = tmp_path / "result"
    result.mkdir()
    (result / "manifest.json").write_text(json.dumps({"climrisk_manifest": 1}))
    check_output_dir(result)


def test_run_file_out_empty_is_refused_at_load(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('out = ""\n')
    assert [i.column for i in check_run_file(path)] == ["out"]


# -- 7. locks and leftovers --------------------------------------------------------------------
def test_second_run_to_one_folder_is_refused_while_the_first_holds_it(tmp_path):
    target = tmp_path / "out"
    with output_lock(target):
        code, err = cli("assess", str(SMALL), "--no-pdf", "--out", str(target))
        assert code == 1 and "another climrisk run is writing" in err
    assert not (tmp_path / ".out.lock").exists()


def test_stale_staging_is_cleaned_and_a_moved_aside_result_restored(tmp_path):
    target = tmp_path / "out"
    (tmp_path / ".out.abc123.tmp").mkdir()
    (tmp_path / ".out.abc123.tmp" / "asset_results.parquet").write_bytes(b"x" * 1000)
    old = tmp_path / ".out.old-999999999"
    old.mkdir()
    (old / "manifest.json").write_text(json.dumps({"climrisk_manifest": 1}))
    handled = clean_stale_staging(target)
    assert len(handled) == 2
    assert (target / "manifest.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_sigterm_removes_the_staging_folder(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "climrisk", "assess", str(SMALL), "--no-pdf", "--no-cache",
         "--out", str(out)],
        cwd=tmp_path, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    deadline = time.time() + 60
    while time.time() < deadline and not list(tmp_path.glob(".out.*.tmp")):
        time.sleep(0.05)
    time.sleep(0.5)  # inside the run, not between creating the staging folder and using it
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "interrupted" in err
    assert not list(tmp_path.glob(".out*")), (list(tmp_path.iterdir()), err)


# -- 3 and 4. run-file problems at load, all at once, naming the key ---------------------------
def test_bogus_sub_table_keys_fail_at_load_with_suggestions(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("[transition]\nbogus_key = 1\nbase_yeer = 2020\n[scoring]\nbogus = 2\n")
    with pytest.raises(InputError) as error:
        load_config(path)
    lines = [str(i) for i in error.value.issues]
    assert lines[0].startswith("error: run.toml, key scoring.bogus: unknown key 'bogus'")
    assert any("key transition.bogus_key: unknown key" in line for line in lines)
    assert any("did you mean 'base_year'?" in line for line in lines)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("sampling = 5", "sampling"),
        ('memory_budget_gb = "abc"', "memory_budget_gb"),
        ("scheduler = 5", "scheduler"),
        ('pdf = "false"', "pdf"),
        ('cache = "no"', "cache"),
        ("chunk_assets = true", "chunk_assets"),
        ('report_currency = "XYZ"', "report_currency"),
        ("[fx]\nEUR = true", "fx.EUR"),
        ("[scoring.materiality]\nvalue_share = -1", "scoring.materiality.value_share"),
        ("[horizons]\nshort = 2050\nlong = 2030", "horizons"),
        ('[transition]\nannuity_years = "x"', "transition.annuity_years"),
    ],
)
def test_wrong_types_and_ranges_are_named(tmp_path, text, key):
    path = tmp_path / "run.toml"
    path.write_text(text + "\n")
    issues = check_run_file(path)
    assert [i.column for i in issues] == [key]
    code, err = cli("assess", str(SMALL), "--config", str(path), "--no-pdf",
                    "--out", str(tmp_path / "out"))
    assert code == 2 and err.count("\n") == 1 and f"key {key}:" in err
    assert not (tmp_path / "out").exists() and not (tmp_path / ".climrisk-cache").exists()


def test_new_transition_fields_are_accepted_without_a_second_list(tmp_path):
    import dataclasses

    from climrisk.transition import TransitionSettings

    path = tmp_path / "run.toml"
    for field in dataclasses.fields(TransitionSettings):
        path.write_text(f"[transition]\n{field.name} = []\n")
        assert all("unknown key" not in i.message for i in check_run_file(path)), field.name


def test_manifest_without_input_paths_is_an_input_error(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"configuration": {"scenarios": ["ssp126"]},
                                "inputs": [{"role": "portfolio"}]}))
    code, err = cli("assess", "--config", str(path), "--no-pdf")
    assert code == 2 and "has no path" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"model,scenario,region,variable,unit,2025,2030\n", "no data rows"),
        ("model,scenario\nx,steps\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_broken_pathway_files_stop_before_sampling(tmp_path, content, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "pathways.csv"
    path.write_bytes(content)
    code, err = cli("assess", str(SMALL), "--no-pdf", "--pathways", str(path), "--out", "out")
    assert code == 2 and message in err and err.count("\n") == 1
    assert not (tmp_path / ".climrisk-cache").exists()  # nothing sampled


# -- 3 (files). asset-file problems exit 2 -----------------------------------------------------
def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "assets.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("asset_id,asset_id,asset_type,latitude,longitude\nA,A,office,1,2\n", "appears twice"),
        ("asset_id,asset_type,geometry\nA,office,POLYGON EMPTY\n", "geometry is empty"),
        ("asset_id,asset_type,latitude,longitude,value\nA,office,1,2,1.7e308\n",
         "1.7e308 is outside [0, 1e+15]"),
        (f"asset_id,asset_type,latitude,longitude\n{'A' * 300},office,1,2\n",
         "longer than 200 characters"),
        (f"asset_id,asset_type,latitude,longitude,name\nA,office,1,2,{'n' * 2000}\n",
         "longer than 1,000 characters"),
    ],
)
def test_input_faults_exit_2(tmp_path, text, message):
    code, err = cli("validate", str(_csv(tmp_path, text)))
    assert code == 2 and message in err, err


def test_missing_required_column_still_reports_row_errors(tmp_path):
    path = _csv(tmp_path, "asset_id,latitude,longitude\nA,100,2\n,1,2\n")
    with pytest.raises(InputError) as error:
        read_portfolio(path)
    messages = [str(i) for i in error.value.issues]
    assert any("required column 'asset_type' is missing" in m for m in messages)
    assert any("row 1, column latitude" in m for m in messages)
    assert any("row 2, column asset_id: asset_id is blank" in m for m in messages)


# -- 2. antimeridian footprints ----------------------------------------------------------------
def test_footprint_across_180_is_split_and_placed_near_it(tmp_path):
    polygon = "POLYGON((179.9 -17.0, -179.9 -17.0, -179.9 -16.9, 179.9 -16.9, 179.9 -17.0))"
    header = "asset_id,asset_type,latitude,longitude,geometry"
    path = _csv(tmp_path, f'{header}\nA,office,,,"{polygon}"\n')
    assets = read_portfolio(path).assets
    geometry = assets.geometry.iloc[0]
    assert geometry.geom_type == "MultiPolygon"
    assert geometry.area == pytest.approx(0.2 * 0.1)
    assert abs(assets["longitude"].iloc[0]) > 179.8  # not at longitude 0


# -- 6. warnings -------------------------------------------------------------------------------
def test_location_warnings_do_not_fail(tmp_path):
    path = _csv(tmp_path, "asset_id,asset_type,latitude,longitude,country\n"
                          "NY,office,40.7,-74.0,CN\nZ,office,0,0,\nS,office,-30,-20,\n"
                          "L,office,51.5,-0.13,GB\nB,office,47.56,7.59,CH\n")
    portfolio = read_portfolio(path)
    lines = [str(w) for w in portfolio.warnings]
    assert len(lines) == 3, lines
    assert "row 1, column country: country CN disagrees with the location, which is in US" in \
        lines[0]
    assert "(0, 0)" in lines[1] and "at sea" in lines[2]
    code, err = cli("validate", str(path))
    assert code == 0 and err.count("warning: ") == 3


# -- 5. hazard layers --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("hazard", "mutate", "message"),
    [
        ("riverine_flood", lambda ds: ds["flood_depth"].values.fill(np.nan), "no value anywhere"),
        ("riverine_flood", lambda ds: ds["flood_depth"].values.__setitem__((..., 0, 0), np.inf),
         "infinite values"),
        ("landslide", lambda ds: ds["annual_probability"].values.__setitem__((..., 0, 0), -0.5),
         "probability cannot be negative"),
    ],
)
def test_bad_layer_values_exit_2_naming_the_variable(layer_factory, hazard_folder, tmp_path,
                                                     hazard, mutate, message):
    layer_factory("extreme_heat")
    layer_factory(hazard, mutate=mutate)
    code, err = cli("assess", str(SMALL), "--no-pdf", "--hazards", str(hazard_folder),
                    "--out", str(tmp_path / "out"))
    assert code == 2 and message in err and ", variable " in err, err


def test_unassessed_assets_are_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _csv(tmp_path, "asset_id,asset_type,latitude,longitude\nSEA,office,-30,-20\n"
                          "LON,office,51.5,-0.13\n")
    code, err = cli("assess", str(path), "--no-pdf", "--out", "out")
    assert code == 0, err
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert any("1 of 2 assets not assessed" in w and "SEA" in w for w in manifest["warnings"])
    # 9. the cache is recorded as a fact of the run, never as a warning the report prints
    assert manifest["cache"]["misses"] == 1
    assert not any("cache" in w for w in manifest["warnings"])
    assert "sample cache" in (tmp_path / "out" / "run.log").read_text()


# -- 3 and 7. diff ---------------------------------------------------------------------------
def test_diff_on_missing_or_damaged_folders_exits_2(tmp_path):
    code, err = cli("diff", str(tmp_path / "nope"), str(tmp_path / "nope2"))
    assert code == 2 and "not found" in err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "asset_results.parquet").write_bytes(b"PAR1 not really")
    code, err = cli("diff", str(broken), str(broken), "--out", str(tmp_path / "d.csv"))
    assert code == 2 and "damaged" in err
    assert not (tmp_path / "d.csv").exists()


# -- 8. one clean line ------------------------------------------------------------------------
def test_messages_are_one_printable_bounded_line(tmp_path):
    assert one_line("a\nb\u2028c\x1b[31m") == "a\\nb\\u2028c\\x1b[31m"
    assert len(one_line("x" * 1_000_147)) <= 400
    path = _csv(tmp_path, 'asset_id,asset_type,latitude,longitude\nA,"off\nice\x1b[2J",1,2\n'
                          f"B,office,{'9' * 100000},2\n")
    code, err = cli("validate", str(path))
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 2 and all(len(line) <= 400 for line in lines)
    assert "\x1b" not in err and all(line.isprintable() for line in lines)


def test_no_library_warnings_on_stderr(tmp_path):
    result = subprocess.run([sys.executable, "-m", "climrisk", "validate", str(SMALL)],
                            capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert result.returncode == 0 and result.stderr == ""


def test_pandas_is_used(tmp_path):  # keep the import honest for the helpers above
    assert pd.__version__


def test_file_level_warnings_say_what_was_read(tmp_path):
    import geopandas as gpd
    import openpyxl
    import shapely

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "sites"
    sheet.append(["asset_id", "asset_type", "latitude", "longitude", "value"])
    sheet.append(["A", "office", 51.5, -0.13, "=1000*2"])
    book.create_sheet("notes")
    book.save(tmp_path / "f.xlsx")
    lines = [str(w) for w in read_portfolio(tmp_path / "f.xlsx").warnings]
    assert "2 sheets (sites, notes); read the first, 'sites'" in lines[0]
    assert "row 1, column value: a formula saved without its value" in lines[1]

    frame = gpd.GeoDataFrame({"asset_id": ["A"], "asset_type": ["office"]},
                             geometry=[shapely.Point(-0.13, 51.5)], crs=4326)
    frame.to_file(tmp_path / "two.gpkg", layer="sites")
    frame.to_file(tmp_path / "two.gpkg", layer="old")
    lines = [str(w) for w in read_portfolio(tmp_path / "two.gpkg").warnings]
    assert lines == ["error: two.gpkg: the file has 2 layers (sites, old); read the first, "
                     "'sites'"]

    collection = {"type": "FeatureCollection",
                  "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
                  "features": [{"type": "Feature",
                                "properties": {"asset_id": "A", "asset_type": "office"},
                                "geometry": {"type": "Point", "coordinates": [-0.13, 51.5]}}]}
    (tmp_path / "c.geojson").write_text(json.dumps(collection))
    lines = [str(w) for w in read_portfolio(tmp_path / "c.geojson").warnings]
    assert "declares the projected CRS EPSG:3857, but its coordinates look like degrees" in \
        lines[0]
