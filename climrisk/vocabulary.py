"""The one vocabulary of climrisk: hazard indicators and asset types, read from data tables.

The tables are ``climrisk/data/vocabulary/indicators.toml`` (one row per hazard layer: units,
kind, report category, primary indicator, floor depth, return periods, default score
boundaries, label key) and ``climrisk/data/vocabulary/asset_types.toml`` (asset types, their
business unit and the defaults of missing optional values). Every module that needs a hazard
id, a category or an asset type derives it from here, in the style of xclim's YAML indicator
definitions.

Plugins add rows through the entry-point groups ``climrisk.indicators`` and
``climrisk.asset_types``. An entry point loads to a mapping shaped like the table file
(``{"indicator": [row, ...]}`` or ``{"asset_type": [...], "default": [...]}``), a callable
returning one, or the path of such a TOML file. :func:`check_vocabulary` is the conformance
check a vocabulary (with its plugins) must pass.
"""

from __future__ import annotations

import importlib.metadata
import itertools
import math
import re
import tomllib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from climrisk.errors import ClimriskError

__all__ = [
    "ACUTE",
    "ASSET_TYPES",
    "ASSET_TYPE_GROUP",
    "BUILTIN_ASSET_TYPES",
    "CATEGORIES",
    "CHRONIC",
    "HAZARDS",
    "INDICATORS",
    "INDICATOR_GROUP",
    "KINDS",
    "VOCABULARY",
    "AssetDefault",
    "AssetType",
    "Indicator",
    "Vocabulary",
    "VocabularyError",
    "check_vocabulary",
    "load_vocabulary",
]

ACUTE = "acute_return_period"
CHRONIC = "chronic_index"
KINDS: tuple[str, ...] = (ACUTE, CHRONIC)
CATEGORIES: tuple[str, ...] = ("acute", "chronic")

INDICATOR_GROUP = "climrisk.indicators"
ASSET_TYPE_GROUP = "climrisk.asset_types"

_DATA = Path(__file__).parent / "data" / "vocabulary"
_TOKEN = re.compile(r"^[a-z][a-z0-9_]*$")


class VocabularyError(ClimriskError):
    """A vocabulary table (or a plugin's rows) is malformed or inconsistent."""


@dataclass(frozen=True)
class Indicator:
    """One hazard indicator (one row of ``indicators.toml``; fields documented there)."""

    hazard: str
    indicator: str
    units: str
    kind: str
    category: str
    primary: bool
    uses_floor_depth: bool
    return_periods: tuple[float, ...] | None
    upper: float
    score_boundaries: tuple[float, float, float, float]
    score_source: str
    label_key: str
    long_name: str
    origin: str = "climrisk"

    @property
    def key(self) -> tuple[str, str]:
        """``(hazard, indicator)``."""
        return (self.hazard, self.indicator)


@dataclass(frozen=True)
class AssetType:
    """One asset type (one ``[[asset_type]]`` row of ``asset_types.toml``)."""

    name: str
    label_key: str
    business_unit: str
    building: bool
    origin: str = "climrisk"


@dataclass(frozen=True)
class AssetDefault:
    """A default for a missing optional value of one asset type, with its source."""

    column: str
    asset_type: str
    value: float | str
    source: str


_INDICATOR_FIELDS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    # name -> (accepted TOML types, required)
    "hazard": (str, True),
    "indicator": (str, True),
    "units": (str, True),
    "kind": (str, True),
    "category": (str, True),
    "primary": (bool, True),
    "uses_floor_depth": (bool, True),
    "return_periods": (list, False),
    "upper": ((int, float), True),
    "score_boundaries": (list, True),
    "score_source": (str, True),
    "label_key": (str, True),
    "long_name": (str, True),
}
_ASSET_TYPE_FIELDS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "name": (str, True),
    "label_key": (str, True),
    "business_unit": (str, True),
    "building": (bool, True),
}
_DEFAULT_FIELDS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "column": (str, True),
    "asset_types": (list, True),
    "value": ((int, float, str), True),
    "source": (str, True),
}


def _fields(
    row: Any, spec: Mapping[str, tuple[Any, bool]], where: str
) -> dict[str, Any]:
    """The fields of one table row, checked for unknown, missing and mistyped keys."""
    if not isinstance(row, Mapping):
        raise VocabularyError(f"{where}: a row must be a table of keys, not {type(row).__name__}")
    unknown = sorted(set(row) - set(spec))
    if unknown:
        raise VocabularyError(
            f"{where}, key {unknown[0]!r}: unknown key; known: {', '.join(spec)}"
        )
    for name, (types, required) in spec.items():
        if name not in row:
            if required:
                raise VocabularyError(f"{where}, key {name!r}: missing")
            continue
        value = row[name]
        accepted = _as_tuple(types)
        if not isinstance(value, accepted) or (isinstance(value, bool) and bool not in accepted):
            raise VocabularyError(
                f"{where}, key {name!r}: {value!r} is not of type "
                + " or ".join(t.__name__ for t in _as_tuple(types))
            )
    return dict(row)


def _as_tuple(types: Any) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _numbers(values: list[Any], where: str) -> tuple[Any, ...]:
    """A list of numbers as a tuple, keeping ints as ints (values are used exactly as written)."""
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise VocabularyError(f"{where}: {value!r} is not a number")
    return tuple(values)


def _indicator(row: Any, where: str, origin: str) -> Indicator:
    fields = _fields(row, _INDICATOR_FIELDS, where)
    rps = fields.get("return_periods")
    return Indicator(
        hazard=fields["hazard"],
        indicator=fields["indicator"],
        units=fields["units"],
        kind=fields["kind"],
        category=fields["category"],
        primary=fields["primary"],
        uses_floor_depth=fields["uses_floor_depth"],
        return_periods=None if rps is None else tuple(
            float(v) for v in _numbers(rps, f"{where}, key 'return_periods'")
        ),
        upper=float(fields["upper"]),
        score_boundaries=_numbers(  # type: ignore[arg-type]
            fields["score_boundaries"], f"{where}, key 'score_boundaries'"
        ),
        score_source=fields["score_source"],
        label_key=fields["label_key"],
        long_name=fields["long_name"],
        origin=origin,
    )


def _asset_type(row: Any, where: str, origin: str) -> AssetType:
    fields = _fields(row, _ASSET_TYPE_FIELDS, where)
    return AssetType(origin=origin, **fields)


def _defaults(row: Any, where: str, names: tuple[str, ...]) -> list[AssetDefault]:
    """One ``[[default]]`` row expanded to one default per asset type, in type order."""
    fields = _fields(row, _DEFAULT_FIELDS, where)
    chosen: list[str] = []
    for pattern in fields["asset_types"]:
        if not isinstance(pattern, str):
            raise VocabularyError(f"{where}, key 'asset_types': {pattern!r} is not text")
        if pattern == "*":
            chosen.extend(names)
        elif pattern.startswith("*-"):
            excluded = set(pattern[2:].split("-"))
            chosen.extend(n for n in names if n not in excluded)
        elif pattern in names:
            chosen.append(pattern)
        else:
            raise VocabularyError(
                f"{where}, key 'asset_types': unknown asset type {pattern!r}; "
                f"one of {', '.join(names)}"
            )
    return [
        AssetDefault(fields["column"], name, fields["value"], fields["source"])
        for name in dict.fromkeys(chosen)
    ]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"{path}: cannot read the vocabulary table: {exc}") from exc


def _plugin_tables(group: str) -> list[tuple[str, dict[str, Any]]]:
    """The table documents contributed by the entry points of ``group`` (name, document).

    A plugin that fails to load warns with its name and is left out, as in
    :class:`climrisk.registry.Registry`.
    """
    out: list[tuple[str, dict[str, Any]]] = []
    for entry_point in importlib.metadata.entry_points(group=group):
        try:
            obj: Any = entry_point.load()
            if callable(obj):
                obj = obj()
            if isinstance(obj, (str, Path)):
                obj = _read_toml(Path(obj))
            if not isinstance(obj, Mapping):
                raise VocabularyError(f"loaded {type(obj).__name__}, not a table document")
        except Exception as exc:  # a broken plugin must not break the tool
            warnings.warn(
                f"plugin {entry_point.name!r} in {group} failed to load: {exc}",
                RuntimeWarning,
                stacklevel=3,
            )
            continue
        out.append((f"plugin {entry_point.name!r} ({group})", dict(obj)))
    return out


def _rows(document: Mapping[str, Any], table: str, where: str, allowed: set[str]) -> list[Any]:
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise VocabularyError(f"{where}: unknown table {unknown[0]!r}; known: {sorted(allowed)}")
    rows = document.get(table, [])
    if not isinstance(rows, list):
        raise VocabularyError(f"{where}: {table!r} must be an array of tables")
    return rows


@dataclass(frozen=True)
class Vocabulary:
    """The indicators and asset types in force (built-in rows first, then plugins)."""

    indicators: tuple[Indicator, ...]
    asset_types: tuple[AssetType, ...]
    defaults: tuple[AssetDefault, ...]

    @property
    def hazards(self) -> tuple[str, ...]:
        """Hazard ids in table order."""
        return tuple(dict.fromkeys(i.hazard for i in self.indicators))

    @property
    def by_key(self) -> dict[tuple[str, str], Indicator]:
        """Indicators keyed by ``(hazard, indicator)``."""
        return {i.key: i for i in self.indicators}

    @property
    def hazard_category(self) -> dict[str, str]:
        """Report category (``acute`` / ``chronic``) of each hazard."""
        return {h: next(i.category for i in self.indicators if i.hazard == h)
                for h in self.hazards}

    @property
    def primary_indicator(self) -> dict[str, str]:
        """The indicator reported in ``intensity`` and scored, per hazard."""
        return {i.hazard: i.indicator for i in self.indicators if i.primary}

    @property
    def floor_depth_hazards(self) -> frozenset[str]:
        """Hazards whose depth is read above the critical floor (floods)."""
        return frozenset(i.hazard for i in self.indicators if i.uses_floor_depth)

    @property
    def asset_type_names(self) -> tuple[str, ...]:
        """Asset types in table order (built-in, then plugins)."""
        return tuple(t.name for t in self.asset_types)

    @property
    def business_unit_by_asset_type(self) -> dict[str, str]:
        """Business unit of an asset given without one, by asset type."""
        return {t.name: t.business_unit for t in self.asset_types}


def load_vocabulary(directory: Path | None = None, plugins: bool = True) -> Vocabulary:
    """Read the vocabulary tables, and the plugins' rows when ``plugins``.

    Parameters
    ----------
    directory
        Folder holding ``indicators.toml`` and ``asset_types.toml`` (default: the package's).
    plugins
        Add the rows of the ``climrisk.indicators`` and ``climrisk.asset_types`` entry points.

    Raises
    ------
    VocabularyError
        A row is malformed (the message names the file or plugin, the table row and the key).
    """
    folder = directory or _DATA
    sources: list[tuple[str, dict[str, Any]]] = [
        (str(folder / "indicators.toml"), _read_toml(folder / "indicators.toml"))
    ]
    types_sources: list[tuple[str, dict[str, Any]]] = [
        (str(folder / "asset_types.toml"), _read_toml(folder / "asset_types.toml"))
    ]
    if plugins:
        sources += _plugin_tables(INDICATOR_GROUP)
        types_sources += _plugin_tables(ASSET_TYPE_GROUP)
    indicators = []
    for n_source, (where, document) in enumerate(sources):
        origin = "climrisk" if n_source == 0 else where
        for n, row in enumerate(_rows(document, "indicator", where, {"indicator"}), start=1):
            indicators.append(_indicator(row, f"{where}, indicator {n}", origin))
    asset_types: list[AssetType] = []
    default_rows: list[tuple[str, Any]] = []
    for n_source, (where, document) in enumerate(types_sources):
        origin = "climrisk" if n_source == 0 else where
        rows = _rows(document, "asset_type", where, {"asset_type", "default"})
        for n, row in enumerate(rows, start=1):
            asset_types.append(_asset_type(row, f"{where}, asset_type {n}", origin))
        default_rows += [
            (f"{where}, default {n}", row)
            for n, row in enumerate(document.get("default", []), start=1)
        ]
    names = tuple(t.name for t in asset_types)
    defaults = [d for where, row in default_rows for d in _defaults(row, where, names)]
    return Vocabulary(tuple(indicators), tuple(asset_types), tuple(defaults))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_vocabulary(
    vocabulary: Vocabulary | None = None,
    locales: Mapping[str, Mapping[str, Any]] | None = None,
    units_parser: Callable[[str], Any] | None = None,
) -> None:
    """Check that a vocabulary (with its plugins) is complete and consistent.

    Like :func:`climrisk.vulnerability.check_vulnerability_model`, this is the conformance
    check a plugin's rows must pass.

    Parameters
    ----------
    vocabulary
        The vocabulary to check (default: :data:`VOCABULARY`).
    locales
        Locale documents by language; every built-in ``label_key`` must resolve in each of them
        (plugin rows may rely on the readable fallback of the identifier).
    units_parser
        Called with every ``units`` string; raises when the units are not understood
        (default: pint, through :func:`climrisk.units.convert`).

    Raises
    ------
    VocabularyError
        The first rule broken, naming the row and key.
    """
    vocab = vocabulary or VOCABULARY
    if units_parser is None:
        from climrisk.units import convert

        def units_parser(units: str) -> Any:
            return convert(1.0, units, units)

    seen: set[tuple[str, str]] = set()
    by_hazard: dict[str, list[Indicator]] = {}
    for ind in vocab.indicators:
        where = f"{ind.origin}, indicator {ind.hazard}.{ind.indicator}"
        if ind.key in seen:
            raise VocabularyError(f"{where}: listed twice")
        seen.add(ind.key)
        by_hazard.setdefault(ind.hazard, []).append(ind)
        for name in ("hazard", "indicator"):
            if not _TOKEN.match(getattr(ind, name)):
                raise VocabularyError(
                    f"{where}, key {name!r}: must be lower-case letters, digits and '_'"
                )
        if ind.kind not in KINDS:
            raise VocabularyError(f"{where}, key 'kind': {ind.kind!r}; one of {', '.join(KINDS)}")
        if ind.category not in CATEGORIES:
            raise VocabularyError(
                f"{where}, key 'category': {ind.category!r}; one of {', '.join(CATEGORIES)}"
            )
        try:
            units_parser(ind.units)
        except Exception as exc:
            raise VocabularyError(f"{where}, key 'units': {ind.units!r} not understood: {exc}"
                                  ) from None
        rps = ind.return_periods
        if ind.kind == ACUTE:
            if not rps or any(not _is_number(r) or r <= 1.0 for r in rps) or any(
                b <= a for a, b in itertools.pairwise(rps)
            ):
                raise VocabularyError(
                    f"{where}, key 'return_periods': an acute layer needs ascending return "
                    "periods above 1 year"
                )
        elif rps is not None:
            raise VocabularyError(f"{where}, key 'return_periods': a chronic index has none")
        bounds = ind.score_boundaries
        if len(bounds) != 4 or not all(map(_is_number, bounds)) or any(
            b <= a for a, b in itertools.pairwise(bounds)
        ):
            raise VocabularyError(
                f"{where}, key 'score_boundaries': four strictly ascending numbers"
            )
        if not (_is_number(ind.upper) and ind.upper > bounds[-1]):
            raise VocabularyError(f"{where}, key 'upper': must be above the last score boundary")
        if not ind.score_source.strip() or not ind.long_name.strip():
            raise VocabularyError(f"{where}: score_source and long_name must not be empty")
        table, _, entry = ind.label_key.partition(".")
        if not table or not entry:
            raise VocabularyError(
                f"{where}, key 'label_key': use table.key, e.g. hazards.{ind.hazard}"
            )
        if locales and ind.origin == "climrisk":
            for language, messages in locales.items():
                if entry not in dict(messages.get(table) or {}):
                    raise VocabularyError(
                        f"{where}, key 'label_key': {ind.label_key!r} missing in locale {language}"
                    )
    for hazard, rows in by_hazard.items():
        where = f"{rows[0].origin}, hazard {hazard}"
        if sum(r.primary for r in rows) != 1:
            raise VocabularyError(f"{where}, key 'primary': exactly one indicator must be primary")
        for name in ("category", "uses_floor_depth", "label_key"):
            if len({getattr(r, name) for r in rows}) != 1:
                raise VocabularyError(f"{where}, key {name!r}: differs between its indicators")
        if rows[0].uses_floor_depth and any(r.kind != ACUTE for r in rows):
            raise VocabularyError(
                f"{where}, key 'uses_floor_depth': only for return-period depth layers"
            )
    names: set[str] = set()
    for kind in vocab.asset_types:
        where = f"{kind.origin}, asset_type {kind.name}"
        if kind.name in names:
            raise VocabularyError(f"{where}: listed twice")
        names.add(kind.name)
        if not _TOKEN.match(kind.name):
            raise VocabularyError(
                f"{where}, key 'name': must be lower-case letters, digits and '_'"
            )
        if not _TOKEN.match(kind.business_unit):
            raise VocabularyError(f"{where}, key 'business_unit': {kind.business_unit!r}")
        table, _, entry = kind.label_key.partition(".")
        if locales and kind.origin == "climrisk":
            for language, messages in locales.items():
                if entry not in dict(messages.get(table) or {}):
                    raise VocabularyError(
                        f"{where}, key 'label_key': {kind.label_key!r} missing in locale {language}"
                    )
    seen_defaults: set[tuple[str, str]] = set()
    for default in vocab.defaults:
        key = (default.column, default.asset_type)
        if key in seen_defaults:
            raise VocabularyError(
                f"default {default.column} for {default.asset_type}: given twice"
            )
        seen_defaults.add(key)
        if not default.source.strip():
            raise VocabularyError(f"default {default.column} for {default.asset_type}: no source")


VOCABULARY: Vocabulary = load_vocabulary()
"""The vocabulary in force: the package's tables and every installed plugin's rows."""

#: Every indicator, keyed by ``(hazard, indicator)``, in table order.
INDICATORS: dict[tuple[str, str], Indicator] = VOCABULARY.by_key
#: Hazard ids in table order.
HAZARDS: tuple[str, ...] = VOCABULARY.hazards
#: Every asset type (built-in and plugins), in table order.
ASSET_TYPES: tuple[str, ...] = VOCABULARY.asset_type_names
#: The asset types shipped with climrisk (the ones the built-in models cover).
BUILTIN_ASSET_TYPES: tuple[str, ...] = tuple(
    t.name for t in VOCABULARY.asset_types if t.origin == "climrisk"
)
