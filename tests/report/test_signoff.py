"""``[report]`` company / preparer / version: run-file keys, cover, headers, approval block."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdf
import pytest

from climrisk.config import config_from_mapping
from climrisk.errors import InputError
from climrisk.report.pdf import render_pdf
from tests.report.conftest import build_results_folder


def test_report_keys_are_read_and_checked(tmp_path: Path) -> None:
    config = config_from_mapping({"report": {"company": "Acme", "version": 2}},
                                 tmp_path / "run.toml")
    assert config.report == {"company": "Acme", "version": "2"}
    assert config.as_dict()["report"] == {"company": "Acme", "version": "2"}
    with pytest.raises(InputError) as info:
        config_from_mapping({"report": {"author": "x"}}, tmp_path / "run.toml")
    assert info.value.issues[0].column == "report.author"


def test_cover_and_headers_name_the_company(tmp_path: Path) -> None:
    folder = build_results_folder(tmp_path / "run")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["configuration"]["report"] = {"company": "Acme Data Holdings",
                                           "preparer": "Group Risk", "version": "1.2"}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    pages = [p.extract_text() or "" for p in pypdf.PdfReader(render_pdf(folder)).pages]
    cover = re.sub(r"\s+", " ", pages[0])
    assert "Acme Data Holdings" in cover and "Group Risk" in cover and "1.2" in cover
    assert "Approved (board risk committee)" in cover
    assert all("Acme Data Holdings · version 1.2" in re.sub(r"\s+", " ", p) for p in pages[2:])
