"""The asset-file schema: columns, aliases, valid ranges and per-asset-type defaults.

One table, next to the data, rather than rules spread through code. The contract is in
``docs/portfolio.md`` (and ``contracts.md``): column names, aliases, asset types and cooling types
are public names that users and scripts rely on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from climrisk.vocabulary import VOCABULARY

__all__ = [
    "ASSET_TYPES",
    "ASSET_TYPE_ALIASES",
    "BUSINESS_UNITS",
    "COLUMNS",
    "COOLING_TYPES",
    "DEFAULTS",
    "Column",
    "Default",
    "canonical_header",
    "normalise_token",
]

ASSET_TYPES: tuple[str, ...] = VOCABULARY.asset_type_names
COOLING_TYPES: tuple[str, ...] = ("air", "evaporative", "liquid", "hybrid")
BUSINESS_UNITS: tuple[str, ...] = ("cloud", "logistics", "ecommerce", "retail", "corporate")
# Upper bounds that no single site reaches, so that sums over a million assets stay finite
# (1e15 in any currency is ~10 times the total assets of the largest companies): a larger
# number is a unit or typing mistake. Energy 1e9 MWh = 1,000 TWh, ~3 % of world electricity.
MAX_MONEY = 1e15
# Longest asset_id and text cell accepted (ids and names appear in file names and tables).
MAX_ID_LENGTH = 200
MAX_TEXT_LENGTH = 1000


@dataclass(frozen=True)
class Column:
    """One column of the asset file.

    Parameters
    ----------
    name
        Canonical name.
    kind
        ``text``, ``number``, ``asset_type``, ``cooling``, ``country``, ``currency`` or ``wkt``.
    required
        Whether the column must be present (latitude/longitude may be replaced by geometry).
    aliases
        Other header names accepted (compared after :func:`normalise_token`).
    minimum, maximum
        Inclusive valid range for numbers (``None`` = unbounded).
    exclusive_minimum
        Whether ``minimum`` itself is invalid.
    description
        One line for the docs and ``--help``.
    """

    name: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    description: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "asset_id",
        "text",
        True,
        ("id", "locnumber", "site_id", "asset"),
        description="unique identifier",
    ),
    Column(
        "asset_type",
        "asset_type",
        True,
        ("type", "occupancy", "category", "asset_class", "site_type"),
        description="data_center, campus, warehouse, office, retail or other",
    ),
    Column(
        "latitude", "number", False, ("lat", "y"), -90.0, 90.0, description="WGS84 degrees north"
    ),
    Column(
        "longitude",
        "number",
        False,
        ("lon", "lng", "long", "x"),
        -180.0,
        360.0,
        description="WGS84 degrees east; (180, 360] is normalised",
    ),
    Column(
        "geometry", "wkt", False, ("wkt", "footprint", "geom"), description="WKT polygon footprint"
    ),
    Column(
        "name", "text", False, ("site_name", "asset_name", "locname"), description="display name"
    ),
    Column(
        "country",
        "country",
        False,
        ("country_code", "iso", "iso2", "iso3", "countrycode"),
        description="ISO 3166-1 alpha-2 or alpha-3",
    ),
    Column(
        "business_unit",
        "text",
        False,
        ("bu", "segment", "business", "business_line"),
        description="cloud, logistics, ecommerce, retail, corporate, ...",
    ),
    Column(
        "value",
        "number",
        False,
        ("buildingtiv", "tiv", "replacement_value", "asset_value"),
        0.0,
        MAX_MONEY,
        description="replacement value",
    ),
    Column(
        "annual_revenue",
        "number",
        False,
        ("revenue", "bi_value", "bitiv"),
        0.0,
        MAX_MONEY,
        description="annual revenue that stops when the asset stops",
    ),
    Column(
        "gross_margin",
        "number",
        False,
        ("gross_margin_ratio", "gross_profit_margin"),
        0.0,
        1.0,
        description="gross profit as a share of revenue: the part of lost revenue that is lost "
        "profit (business interruption) [0-1]",
    ),
    Column("currency", "currency", False, ("ccy", "currency_code"), description="ISO 4217"),
    Column(
        "ground_floor_elevation_m",
        "number",
        False,
        ("floor_height_m", "first_floor_height", "ffh_m"),
        -10.0,
        100.0,
        description="critical floor above local ground [m]",
    ),
    Column(
        "flood_protection_rp",
        "number",
        False,
        ("protection_rp", "flood_protection"),
        1.0,
        100000.0,
        description="flood protection standard [years of return period]",
    ),
    Column(
        "cooling",
        "cooling",
        False,
        ("cooling_type",),
        description="air, evaporative, liquid or hybrid",
    ),
    Column(
        "it_load_mw",
        "number",
        False,
        ("it_capacity_mw", "it_mw"),
        0.0,
        5000.0,
        description="IT load [MW]",
    ),
    Column("pue", "number", False, (), 1.0, 5.0, description="power usage effectiveness [-]"),
    Column(
        "annual_energy_mwh",
        "number",
        False,
        ("energy_mwh", "electricity_mwh"),
        0.0,
        1e9,
        description="annual energy use [MWh]",
    ),
    Column(
        "renewable_share",
        "number",
        False,
        ("re_share", "clean_power_share"),
        0.0,
        1.0,
        description="share of energy from renewable / clean sources [0-1]",
    ),
    Column(
        "water_withdrawal_m3",
        "number",
        False,
        ("water_m3", "water_use_m3"),
        0.0,
        1e12,
        description="annual water withdrawal [m3]",
    ),
    Column(
        "scope1_tco2e",
        "number",
        False,
        ("scope1",),
        0.0,
        1e10,
        description="Scope 1 emissions [t CO2e/yr]",
    ),
    Column(
        "scope2_tco2e",
        "number",
        False,
        ("scope2",),
        0.0,
        1e10,
        description="Scope 2 emissions, market-based [t CO2e/yr]",
    ),
)

COLUMNS_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}


def normalise_token(text: str) -> str:
    """Fold a header or enum value for comparison: NFKC, lower case, separators to ``_``."""
    folded = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"[\s\-./]+", "_", folded).strip("_")


_HEADER_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    _HEADER_LOOKUP[normalise_token(_column.name)] = _column.name
    for _alias in _column.aliases:
        _HEADER_LOOKUP[normalise_token(_alias)] = _column.name


def canonical_header(header: str) -> str | None:
    """Return the canonical column for a user's header, or ``None`` for an unknown column."""
    return _HEADER_LOOKUP.get(normalise_token(header))


# Asset-type aliases in English and Chinese (Traditional and Simplified), folded by normalise_token.
ASSET_TYPE_ALIASES: dict[str, str] = {
    **{t: t for t in ASSET_TYPES},
    "data_centre": "data_center",
    "datacenter": "data_center",
    "datacentre": "data_center",
    "dc": "data_center",
    "idc": "data_center",
    "數據中心": "data_center",
    "数据中心": "data_center",
    "資料中心": "data_center",
    "机房": "data_center",
    "機房": "data_center",
    "park": "campus",
    "industrial_park": "campus",
    "office_park": "campus",
    "science_park": "campus",
    "園區": "campus",
    "园区": "campus",
    "產業園": "campus",
    "产业园": "campus",
    "warehouse": "warehouse",
    "logistics_hub": "warehouse",
    "logistics_center": "warehouse",
    "logistics_centre": "warehouse",
    "distribution_center": "warehouse",
    "distribution_centre": "warehouse",
    "fulfillment_center": "warehouse",
    "fulfilment_centre": "warehouse",
    "dc_warehouse": "warehouse",
    "倉庫": "warehouse",
    "仓库": "warehouse",
    "物流中心": "warehouse",
    "物流園": "warehouse",
    "物流园": "warehouse",
    "倉儲": "warehouse",
    "仓储": "warehouse",
    "offices": "office",
    "headquarters": "office",
    "hq": "office",
    "辦公室": "office",
    "办公室": "office",
    "辦公樓": "office",
    "办公楼": "office",
    "總部": "office",
    "总部": "office",
    "store": "retail",
    "shop": "retail",
    "mall": "retail",
    "supermarket": "retail",
    "門店": "retail",
    "门店": "retail",
    "零售": "retail",
    "商場": "retail",
    "商场": "retail",
    "其他": "other",
}

COOLING_ALIASES: dict[str, str] = {
    **{c: c for c in COOLING_TYPES},
    "air_cooled": "air",
    "aircooled": "air",
    "free_air": "air",
    "風冷": "air",
    "风冷": "air",
    "evaporative_cooled": "evaporative",
    "evap": "evaporative",
    "water": "evaporative",
    "water_cooled": "evaporative",
    "蒸發冷卻": "evaporative",
    "蒸发冷却": "evaporative",
    "水冷": "evaporative",
    "liquid_cooled": "liquid",
    "immersion": "liquid",
    "液冷": "liquid",
    "mixed": "hybrid",
    "混合": "hybrid",
}


@dataclass(frozen=True)
class Default:
    """A default for a missing optional value of one asset type, with its source."""

    column: str
    asset_type: str
    value: float | str
    source: str


# The one table of defaults (climrisk/data/vocabulary/asset_types.toml). Numbers without a
# publication are documented judgements and say so.
DEFAULTS: tuple[Default, ...] = tuple(
    Default(d.column, d.asset_type, d.value, d.source) for d in VOCABULARY.defaults
)

# Annual energy of a data centre from its IT load when not given:
# IT load x PUE x 8,760 h x utilisation.
DATA_CENTER_IT_UTILISATION = 0.6
DATA_CENTER_UTILISATION_SOURCE = (
    "assumption: 60 % average IT load utilisation of installed capacity (between the 40-70 % range "
    "reported by Masanet et al. 2020, Science 367:984, doi:10.1126/science.aba3758)"
)
