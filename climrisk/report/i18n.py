"""Report languages: messages from ``locales/<lang>.json`` and locale-aware number formats.

Every fixed string of the report is a message id in the three locale files (``en``,
``zh-Hant``, ``zh-Hans``). Hazard and category names follow the Chinese of the seed report's
Appendix 5 (極端高溫, 熱帶氣旋, 水壓力及乾旱, 政策和法規 ...), with Simplified equivalents.

Numbers: the decimal point and comma grouping are the same in the three languages; large
amounts are shortened with k / m / bn in English and with 萬 / 億 (万 / 亿) in Chinese, the
units Chinese financial reports use (10^4 and 10^8).
"""

from __future__ import annotations

import functools
import json
import math
from datetime import datetime
from importlib import resources
from typing import Any

from climrisk.errors import InputError

__all__ = ["LANGUAGES", "Translator", "load_messages"]

LANGUAGES: tuple[str, ...] = ("en", "zh-Hant", "zh-Hans")


@functools.lru_cache(maxsize=8)
def load_messages(lang: str) -> dict[str, Any]:
    """Return the message table of one language (``locales/<lang>.json``).

    Parameters
    ----------
    lang
        ``en``, ``zh-Hant`` or ``zh-Hans``.

    Raises
    ------
    climrisk.errors.InputError
        For any other language.
    """
    if lang not in LANGUAGES:
        raise InputError(
            "command line", f"unknown language '{lang}'; use one of {', '.join(LANGUAGES)}",
            column="lang",
        )
    text = resources.files("climrisk.report").joinpath("locales", f"{lang}.json").read_text(
        encoding="utf-8"
    )
    return json.loads(text)


def _significant(value: float, digits: int = 3, strip: bool = False) -> str:
    """``value`` with about ``digits`` significant figures, comma-grouped, never in exponent form.

    ``strip`` drops trailing zeros (axis ticks: ``2 m`` rather than ``2.00 m``).
    """
    if value == 0 or not math.isfinite(value):
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{value:,.{decimals}f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


class Translator:
    """Messages and number formats of one report language.

    Parameters
    ----------
    lang
        ``en``, ``zh-Hant`` or ``zh-Hans``.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages = load_messages(lang)
        self._fallback = load_messages("en")
        self.is_chinese = lang.startswith("zh")

    # -- messages ------------------------------------------------------------------------------

    def t(self, key: str, /, **values: Any) -> str:
        """The message ``key`` with ``{name}`` placeholders filled from ``values``."""
        text = self.messages.get(key)
        if text is None:
            text = self._fallback.get(key, key)
        if not isinstance(text, str):
            raise KeyError(f"message {key!r} is not a string")
        return text.format(**values) if values else text

    def lookup(self, table: str, key: str, default: str | None = None) -> str:
        """An entry of a named table (``hazards``, ``asset_types`` ...), else ``default``."""
        for source in (self.messages, self._fallback):
            entries = source.get(table)
            if isinstance(entries, dict) and key in entries:
                return str(entries[key])
        return default if default is not None else key.replace("_", " ")

    def has(self, table: str, key: str) -> bool:
        """True when ``table`` has an entry ``key`` in this language or in English."""
        return any(
            isinstance(source.get(table), dict) and key in source[table]
            for source in (self.messages, self._fallback)
        )

    def hazard(self, hazard: str) -> str:
        """Hazard name (極端高溫 ...)."""
        return self.lookup("hazards", hazard)

    def hazard_short(self, hazard: str) -> str:
        """Short hazard name for narrow table headers."""
        return self.lookup("hazards_short", hazard, self.hazard(hazard))

    def category(self, category: str) -> str:
        """Physical (acute/chronic) or transition (policy_and_legal ...) category name."""
        return self.lookup("categories", category)

    def scenario(self, scenario: str) -> str:
        """Scenario label with its short description, e.g. ``SSP1-2.6 (low carbon)``."""
        return self.lookup("scenarios", scenario, scenario.upper())

    def scenario_code(self, scenario: str) -> str:
        """Scenario code only, e.g. ``SSP1-2.6`` or ``NZE``."""
        return self.lookup("scenario_codes", scenario, scenario.upper())

    def horizon(self, horizon: str) -> str:
        """Horizon name (短期 / Short term ...)."""
        return self.lookup("horizons", horizon)

    def horizon_year(self, horizon: str, year: int | None) -> str:
        """Horizon with its year, e.g. ``Short term (2027)``."""
        name = self.horizon(horizon)
        return name if year is None else self.t("horizon_with_year", name=name, year=year)

    def asset_type(self, asset_type: str) -> str:
        """Asset type name (數據中心 ...)."""
        return self.lookup("asset_types", asset_type)

    def business_unit(self, unit: str) -> str:
        """Business unit name; unknown units are shown as given."""
        return self.lookup("business_units", unit, unit)

    def channel(self, channel: str) -> str:
        """Financial channel with its arrow, e.g. ``Opex ↑``."""
        return self.lookup("channels", channel)

    def driver(self, driver: str) -> str:
        """Transition driver title."""
        return self.lookup("drivers", driver)

    def country(self, code: str | None, names: dict[str, dict[str, str]] | None = None) -> str:
        """Country name in this language from a table ``{iso_a2: {lang: name}}``, else the code."""
        if not code:
            return self.t("unknown_country")
        if names and code in names:
            return names[code].get(self.lang) or names[code].get("en") or code
        return code

    # -- numbers -------------------------------------------------------------------------------

    def number(self, value: float | None, decimals: int = 0) -> str:
        """A plain number with comma grouping, or an en dash for a missing value."""
        if value is None or not math.isfinite(float(value)):
            return "–"
        return f"{float(value):,.{decimals}f}"

    def percent(self, share: float | None, decimals: int = 1) -> str:
        """A share (0.123) as a percentage (``12.3%``)."""
        if share is None or not math.isfinite(float(share)):
            return "–"
        return f"{100.0 * float(share):.{decimals}f}%"

    def tick(self, value: float | None) -> str:
        """An axis tick: like :meth:`compact` without trailing zeros."""
        return self.compact(value, strip=True)

    def compact(self, value: float | None, strip: bool = False) -> str:
        """A money amount shortened with the language's large-number units, no currency."""
        if value is None or not math.isfinite(float(value)):
            return "–"
        value = float(value)
        if value == 0:
            return "0"
        sign = "-" if value < 0 else ""
        size = abs(value)
        units = self.messages.get("number_units") or self._fallback["number_units"]
        for threshold, suffix in sorted(
            ((float(k), v) for k, v in units.items()), reverse=True
        ):
            if size >= threshold * 0.9995:
                return f"{sign}{_significant(size / threshold, strip=strip)}{suffix}"
        return f"{sign}{_significant(size, strip=strip)}" if size < 1 else f"{sign}{size:,.0f}"

    def money(self, value: float | None, currency: str | None) -> str:
        """An amount with its currency, in the language's order (``USD 1.23 m``, ``1.23億美元``)."""
        amount = self.compact(value)
        if amount == "–":
            return amount
        if not currency:
            return amount
        name = self.lookup("currency_names", currency, currency)
        return self.t("money_format", amount=amount, currency=name)

    def currency_label(self, currency: str | None) -> str:
        """The currency as shown in table headers (``USD`` / ``美元``)."""
        if not currency:
            return self.t("currency_unknown")
        return self.lookup("currency_names", currency, currency)

    def date(self, iso: str | None) -> str:
        """An ISO timestamp as a long date (``24 November 2026``, ``2026年11月24日``)."""
        if not iso:
            return "–"
        try:
            moment = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
        except ValueError:
            return str(iso)
        months = self.messages.get("months") or self._fallback["months"]
        return self.t(
            "date_format", day=moment.day, month=months[moment.month - 1], year=moment.year,
            month_number=moment.month,
        )

    def join(self, items: list[str]) -> str:
        """Items joined with the language's list separator (``, `` / ``、``)."""
        return self.t("list_separator").join(items)
