"""The one atomic writer, hash helper, formula guard and suffix list."""

from __future__ import annotations

import hashlib
import os
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from climrisk.io import suffixes
from climrisk.io.atomic import atomic_file
from climrisk.io.formula import FORMULA_PREFIXES, FORMULA_START, formula_cells, neutralise_cell
from climrisk.io.hashing import file_sha256


def test_atomic_file_replaces_the_target_with_ordinary_permissions(tmp_path):
    target = tmp_path / "sub" / "report.pdf"
    with atomic_file(target) as tmp:
        assert tmp.parent == target.parent and tmp != target and tmp.exists()
        tmp.write_bytes(b"new")
        assert not target.exists()
    assert target.read_bytes() == b"new"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in target.parent.iterdir()] == ["report.pdf"]


def test_atomic_file_leaves_the_old_target_on_failure(tmp_path):
    target = tmp_path / "layer.nc"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_file(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["layer.nc"]


def test_file_sha256_is_the_digest_of_the_bytes(tmp_path):
    data = os.urandom(3 * (1 << 20) + 17)  # more than one block
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()
    assert file_sha256(str(path), chunk_size=1000) == hashlib.sha256(data).hexdigest()
    store = tmp_path / "store.zarr"
    (store / "b").mkdir(parents=True)
    (store / "a").write_bytes(b"1")
    (store / "b" / "c").write_bytes(b"2")
    assert file_sha256(store) == hashlib.sha256(b"12").hexdigest()


@pytest.mark.parametrize(
    ("cell", "quoted"),
    [
        ("=1+1", True), ("+cmd|' /C calc'!A0", True), ("-2+3", True), ("@SUM(A1)", True),
        ("\tx", True), ("\rx", True), ("-inf", True), ("-nan", True), ("+Infinity", True),
        ("- 5", True), ("-5", False), ("+3.25", False), ("-.5", False), ("-1e5", False),
        ("Data centre", False), ("a=b", False), ("", False),
    ],
)
def test_formula_guard_quotes_all_but_plain_numbers(cell, quoted):
    expected = "'" + cell if quoted else cell
    assert neutralise_cell(cell) == expected
    assert bool(formula_cells(pd.Series([cell]))[0]) is quoted


def test_formula_guard_leaves_non_text_alone():
    assert neutralise_cell(-5) == -5
    assert neutralise_cell(None) is None
    mask = formula_cells(pd.Series(["=x", None, "y"], dtype="object"))
    assert mask.tolist() == [True, False, False]


@given(st.text(alphabet=st.sampled_from(list("=+-@\t\r0123456789.eEab ")), max_size=8))
def test_column_guard_agrees_with_the_cell_guard(text):
    assert bool(formula_cells(pd.Series([text]))[0]) == (neutralise_cell(text) != text)
    assert bool(re.match(FORMULA_START, text)) == text.startswith(FORMULA_PREFIXES)


def test_one_suffix_list_for_the_reader_and_the_web():
    from climrisk.portfolio import read
    from climrisk.web.uploads import ASSET_SUFFIXES

    kinds = (suffixes.CSV_SUFFIXES, suffixes.EXCEL_SUFFIXES, suffixes.PARQUET_SUFFIXES,
             suffixes.VECTOR_SUFFIXES)
    assert set().union(*kinds) == set(suffixes.ASSET_SUFFIXES)
    assert sum(map(len, kinds)) == len(suffixes.ASSET_SUFFIXES)  # each suffix one format
    assert read._CSV_SUFFIXES == suffixes.CSV_SUFFIXES
    assert read._VECTOR_SUFFIXES == suffixes.VECTOR_SUFFIXES
    assert set(ASSET_SUFFIXES) == set(suffixes.ASSET_SUFFIXES) - {".shp"}
    assert set(ASSET_SUFFIXES.values()) <= set(suffixes.ASSET_SUFFIXES)
