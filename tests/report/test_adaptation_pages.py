"""Recommendation pages: measures per top-risk site, ranked by benefit-cost ratio."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from climrisk.report.i18n import load_messages

LANGS = ("en", "zh-Hant", "zh-Hans")


def _flat(path: Path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in pypdf.PdfReader(path).pages))


@pytest.mark.parametrize("lang", LANGS)
def test_measures_are_listed_with_their_ratios(rendered: dict[str, Path], lang: str) -> None:
    text = _flat(rendered[lang])
    messages = load_messages(lang)
    assert re.sub(r"\s+", "", messages["section_adaptation"]) in text
    name = messages["measures"]["flood_protection"].replace("{parameter}", "100")
    assert re.sub(r"\s+", "", name) in text
    # WH-CN-002, flood protection under SSP3-7.0: 13.2 m / (1.9 m + 16 x 19 k) = 5.99
    assert "6.0" in text and "WH-CN-002" in text and "DC-HK-001" in text
    assert "…" not in text.split(re.sub(r"\s+", "", messages["adaptation_sources"]))[-1][:3000]


def test_the_best_measure_comes_first(rendered: dict[str, Path]) -> None:
    text = _flat(rendered["en"])
    start = text.index("WH-CN-002·")
    flood = text.index("Raiseflood", start)
    wet = text.index("Wetflood", start)
    assert flood < wet
