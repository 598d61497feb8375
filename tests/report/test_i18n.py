"""Locale files and number formats."""

from __future__ import annotations

import string

import pytest

from climrisk.errors import InputError
from climrisk.report.i18n import LANGUAGES, Translator, load_messages

# Tables whose keys differ by language on purpose (large-number units, currency names).
_FREE_TABLES = {"number_units", "currency_names"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _flatten(messages: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in messages.items():
        if isinstance(value, dict) and key not in _FREE_TABLES:
            out.update(_flatten(value, f"{prefix}{key}."))
        elif key not in _FREE_TABLES:
            out[f"{prefix}{key}"] = value
    return out


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_same_messages_and_placeholders_as_english(lang: str) -> None:
    english = _flatten(load_messages("en"))
    other = _flatten(load_messages(lang))
    assert set(other) == set(english)
    for key, text in english.items():
        if key == "date_format":  # each language picks from the date parts it is given
            assert _fields(other[key]) <= {"day", "month", "month_number", "year"}
        elif isinstance(text, str):
            assert _fields(other[key]) == _fields(text), key
    assert len(other["months"]) == 12


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_chinese_messages_are_translated(lang: str) -> None:
    english = _flatten(load_messages("en"))
    other = _flatten(load_messages(lang))
    same = [k for k, v in english.items()
            if isinstance(v, str) and any(c.isalpha() for c in v) and other[k] == v
            and not k.startswith(("scenario_codes.", "col_country_code", "driver_share",
                                  "range_format"))]
    assert same == []


def test_seed_report_terms() -> None:
    hant, hans = Translator("zh-Hant"), Translator("zh-Hans")
    assert hant.hazard("extreme_heat") == "極端高溫"
    assert hant.hazard("tropical_cyclone") == "熱帶氣旋"
    assert hant.category("policy_and_legal") == "政策和法規"
    assert hant.category("products_and_services") == "產品與服務"
    assert hans.hazard("drought") == "干旱"
    assert hans.category("policy_and_legal") == "政策和法规"
    assert hant.horizon("long") == "長期" and hans.horizon("long") == "长期"


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [
        ("en", 1_234_567, "1.23 m"),
        ("en", 987_654, "988 k"),
        ("en", 5_000_000_000, "5.00 bn"),
        ("en", 950, "950"),
        ("en", -12_345, "-12.3 k"),
        ("zh-Hant", 12_345_678, "1,235萬"),
        ("zh-Hant", 123_456_789, "1.23億"),
        ("zh-Hans", 45_600, "4.56万"),
        ("zh-Hans", 0, "0"),
    ],
)
def test_compact_numbers(lang: str, value: float, expected: str) -> None:
    assert Translator(lang).compact(value) == expected


def test_money_dates_and_ticks() -> None:
    assert Translator("en").money(2_500_000, "USD") == "USD 2.50 m"
    assert Translator("zh-Hant").money(2_500_000, "USD") == "250萬美元"
    assert Translator("zh-Hans").money(2_500_000, "CNY") == "250万人民币"
    assert Translator("zh-Hans").money(2_500_000, "SEK") == "250万SEK"
    assert Translator("en").date("2026-11-24T09:30:00+00:00") == "24 November 2026"
    assert Translator("zh-Hant").date("2026-03-01T00:00:00Z") == "2026年3月1日"
    assert Translator("en").tick(2_000_000) == "2 m"
    assert Translator("en").percent(0.1234) == "12.3%"
    assert Translator("en").number(float("nan")) == "–"


def test_unknown_language_is_input_error() -> None:
    with pytest.raises(InputError, match="unknown language"):
        load_messages("de")
    assert set(LANGUAGES) == {"en", "zh-Hant", "zh-Hans"}
