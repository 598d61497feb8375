"""Arbitrary bytes or CSV text never make the reader raise anything but its own input error."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from climrisk.errors import InputError
from climrisk.portfolio import read_portfolio

HEADER = "asset_id,asset_type,latitude,longitude,value,country,geometry\n"
cell = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        ["data_center", "DC", "倉庫", "CN", "POLYGON((0 0, 1 0, 1 1, 0 0))", '"', ",", ""]
    ),
)
row = st.lists(cell, min_size=0, max_size=9).map(lambda cells: ",".join(cells))


def _read(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(content)
        try:
            read_portfolio(path)
        except InputError:
            pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes(content):
    _read(content)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, max_size=6))
def test_arbitrary_csv_text(rows):
    _read((HEADER + "\n".join(rows)).encode("utf-8"))


# -- the command line: random CSV bytes and random run files exit 0 or 2, one line a problem --
import contextlib  # noqa: E402
import io  # noqa: E402

from climrisk.cli.main import main  # noqa: E402

_PRINTABLE_LINE = 400


def _cli(*args: str) -> tuple[int, list[str]]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(list(args))
        except SystemExit as exit_:
            return int(exit_.code or 0), err.getvalue().splitlines()
    return 0, err.getvalue().splitlines()


def _one_line_each(lines: list[str]) -> None:
    for line in lines:
        assert line.startswith(("error: ", "warning: ")), line
        assert line.isprintable() and len(line) <= _PRINTABLE_LINE, line


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300),
                 st.lists(row, max_size=5).map(lambda r: (HEADER + "\n".join(r)).encode())))
def test_validate_exits_0_or_2_with_one_line_per_problem(content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(content)
        code, lines = _cli("validate", str(path))
    assert code in (0, 2), lines
    _one_line_each(lines)
    if code == 2:
        assert any(line.startswith("error: fuzz.csv") for line in lines)


_KEYS = st.sampled_from([
    "scenarios", "pathway_scenarios", "lang", "pdf", "csv", "company", "report_currency",
    "scheduler", "cache", "chunk_assets", "memory_budget_gb", "workers", "scenaros", "bogus",
])
_TABLES = st.sampled_from(["horizons", "sampling", "scoring", "transition", "fx",
                           "scoring.materiality", "vulnerability", "nonsense"])
_SUB_KEYS = st.sampled_from([
    "short", "long", "method", "fallback_radius_cells", "financial", "value_share",
    "score_at_least", "base_year", "annuity_years", "scope1_coverage", "EUR", "bogus_key",
    "curves", "currency",
])
_VALUES = st.one_of(
    st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, width=32),
    st.text(max_size=8), st.lists(st.integers(0, 3000), max_size=4),
    st.sampled_from(['"threads"', '"nearest"', '"ssp126"', "2030", "0.5", '"USD"']),
)


def _toml_value(value: object) -> str:
    if isinstance(value, str) and value[:1] in '"0123456789':
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else "1.0"
    return json.dumps(value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_KEYS, _VALUES), max_size=4, unique_by=lambda kv: kv[0]),
       st.lists(st.tuples(_TABLES, st.lists(st.tuples(_SUB_KEYS, _VALUES), max_size=3,
                                            unique_by=lambda kv: kv[0])),
                max_size=3, unique_by=lambda t: t[0]))
def test_random_run_files_exit_2_naming_the_key_never_1(top, tables):
    lines = [f"{key} = {_toml_value(value)}" for key, value in top]
    for table, items in tables:
        lines.append(f"[{table}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in items)
    with tempfile.TemporaryDirectory() as folder:
        run = Path(folder) / "run.toml"
        run.write_text("\n".join(lines) + "\n", encoding="utf-8")
        empty = Path(folder) / "no_hazards"
        empty.mkdir()
        # an empty hazard folder: a valid run file still stops (exit 2) before any work
        code, err = _cli("assess", str(REPO_SMALL), "--config", str(run), "--no-pdf",
                         "--hazards", str(empty), "--out", str(Path(folder) / "out"))
    assert code == 2, err
    _one_line_each(err)


REPO_SMALL = Path(__file__).resolve().parents[2] / "assets" / "sample_portfolio_small.csv"
