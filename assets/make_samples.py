"""Write the two illustrative sample portfolios of the fictional Harbour Cloud Group.

Run ``python assets/make_samples.py`` from the repository root; the output is deterministic
(no random numbers), so the CSV files in ``assets/`` can always be rebuilt byte for byte.

The group, its sites and every number are fictional and illustrative. They are shaped like the
cloud + e-commerce + logistics group whose 2026 ESG report the project is modelled on
(seed facts in ``assets/README.md``): data-centre PUE, WUE by cooling type, clean-power share.

Derived columns
---------------
- Data centres: ``annual_energy_mwh`` = IT load x PUE x 8,760 h x utilisation (0.55-0.68 per
  site; 0.6 where the cell is left blank, matching the engine's default); water = IT energy x
  WUE of the cooling type; Scope 2 (market-based) = energy x (1 - renewable share) x grid factor;
  Scope 1 = IT load x 10 t CO2e/MW (diesel back-up tests and refrigerant top-ups, illustrative).
- Other sites: energy = gross floor area x an energy-use intensity per asset type; water and
  Scope 1 per square metre likewise (illustrative benchmarks, see ``_INTENSITY``).

References
----------
- WUE 0.205 (air) and 1.799 (evaporative) L/kWh, PUE 1.187: the seed company's FY2026 ESG report.
- China grid factor 0.5703 t CO2/MWh: Ministry of Ecology and Environment, 环办气候函〔2023〕43号.
- Other grid factors: Ember yearly electricity data (2024, Hong Kong and Indonesia 2023), CC BY-SA
  4.0, as republished in thegreenwebfoundation/co2.js ``data/output/average-intensities.json``.
- Data-centre replacement cost per MW of IT load: Cushman & Wakefield, *Data Center Development
  Cost Guide 2025* (19 US markets, USD 9.3-15.0 M/MW, average 11.7); Turner & Townsend, *Data
  Centre Construction Cost Index* 2023 and 2025-2026 (USD per watt by market).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

__all__ = ["COLUMNS", "SMALL_IDS", "build_rows", "main", "write_csv"]

COLUMNS: tuple[str, ...] = (
    "asset_id",
    "name",
    "asset_type",
    "latitude",
    "longitude",
    "geometry",
    "country",
    "business_unit",
    "value",
    "annual_revenue",
    "currency",
    "ground_floor_elevation_m",
    "flood_protection_rp",
    "cooling",
    "it_load_mw",
    "pue",
    "annual_energy_mwh",
    "renewable_share",
    "water_withdrawal_m3",
    "scope1_tco2e",
    "scope2_tco2e",
)

# Grid emission factors [t CO2/MWh].
# CN: MEE 环办气候函〔2023〕43号, national grid average 0.5703 (the report uses MEE factors
# for China).
# Others: Ember 2024 generation intensity (HK and ID: 2023) via co2.js average-intensities.json,
# standing in for the IEA 2024 factors the report uses (IEA data are licensed).
GRID_T_PER_MWH: dict[str, float] = {
    "CN": 0.5703,
    "HK": 0.682,
    "SG": 0.499,
    "MY": 0.604,
    "ID": 0.682,
    "PH": 0.613,
    "TH": 0.555,
    "PK": 0.399,
    "BD": 0.695,
    "TR": 0.470,
    "SA": 0.692,
    "AE": 0.468,
    "DE": 0.342,
    "BE": 0.118,
    "NL": 0.253,
    "US": 0.384,
    "MX": 0.483,
    "BR": 0.106,
}

# Water usage effectiveness [L/kWh of IT energy = m3/MWh]. Air and evaporative: seed report
# FY2026. Liquid (closed loop with dry coolers) is taken as air; hybrid as a midpoint (assumptions).
WUE_M3_PER_MWH_IT: dict[str, float] = {
    "air": 0.205,
    "evaporative": 1.799,
    "liquid": 0.205,
    "hybrid": 1.0,
}

# Replacement value of a data centre [million USD per MW of IT load], shell and M&E plant,
# excluding IT equipment and land. US: Cushman & Wakefield Data Center Development Cost Guide 2025
# (Northern Virginia close to the 19-market average of 11.7). DE 11.6, SG 14.5 (capped at 12 for
# a mature owned site): Turner & Townsend Data Centre Construction Cost Index 2025-2026. MY 10.0,
# ID 10.5, SA 10.0: the same index, 2023 edition. Other markets: judgement by analogy
# (illustrative).
DC_COST_MUSD_PER_MW: dict[str, float] = {
    "CN": 8.0,
    "CN_metro": 8.5,
    "HK": 11.5,
    "SG": 12.0,
    "MY": 10.0,
    "ID": 10.5,
    "PH": 9.5,
    "TH": 9.5,
    "SA": 10.0,
    "AE": 10.0,
    "DE": 11.6,
    "NL": 11.0,
    "US": 11.7,
    "US_LA": 12.0,
    "MX": 9.5,
    "BR": 10.0,
}

# Cloud revenue per unit of data-centre replacement value [1/yr]: about USD 4-6 M per MW-year.
DC_REVENUE_PER_VALUE = 0.5
# Logistics revenue handled by a warehouse per unit of its value [1/yr] (illustrative).
WAREHOUSE_REVENUE_PER_VALUE = 0.8
# Scope 1 of a data centre [t CO2e per MW of IT load per year]: diesel generator tests and
# refrigerant top-ups (illustrative).
DC_SCOPE1_T_PER_MW = 10.0

# Per-square-metre intensities of non-data-centre sites (illustrative, in the range of CIBSE TM46
# (2008) operational-rating benchmarks for the building types): electricity [kWh/m2/yr],
# water [m3/m2/yr], Scope 1 [t CO2e/m2/yr] (forklifts and heating, gas, refrigerant leaks).
_INTENSITY: dict[str, tuple[float, float, float]] = {
    "warehouse": (90.0, 0.15, 0.008),
    "warehouse_cold": (140.0, 0.2, 0.012),
    "office": (170.0, 0.8, 0.004),
    "campus": (150.0, 0.9, 0.005),
    "logistics_park": (80.0, 0.15, 0.008),
    "retail": (450.0, 1.2, 0.025),
}

_M_PER_DEG_LAT = 111_320.0
_HOURS = 8760.0
_DEFAULT_UTILISATION = 0.6
CURRENCY = "USD"


@dataclass(frozen=True)
class _Footprint:
    """A site footprint: one or more chamfered rectangles around the site point.

    Parameters
    ----------
    parts
        ``(dx_m, dy_m, width_m, height_m)`` per parcel: centre offset east and north of the
        site point and size [m].
    angle_deg
        Rotation of the whole footprint, counter-clockwise [degrees].
    """

    parts: tuple[tuple[float, float, float, float], ...]
    angle_deg: float = 0.0


@dataclass(frozen=True)
class _DataCentre:
    asset_id: str
    name: str
    lat: float
    lon: float
    country: str
    cooling: str
    it_mw: float
    pue: float | None
    utilisation: float
    re_share: float
    market: str
    elevation_m: float | None = None
    protection_rp: float | None = None
    energy_blank: bool = False
    country_blank: bool = False
    footprint: _Footprint | None = None


@dataclass(frozen=True)
class _Site:
    asset_id: str
    name: str
    asset_type: str
    lat: float | None
    lon: float | None
    country: str
    business_unit: str
    value_musd: float
    revenue_musd: float | None
    floor_m2: float
    intensity: str
    re_share: float | None
    elevation_m: float | None = None
    protection_rp: float | None = None
    water: bool = True
    energy_blank: bool = False
    country_blank: bool = False
    footprint: _Footprint | None = None


_DC = _DataCentre

# Data centres: air cooling in dry places (Hebei/Inner Mongolia/Gansu/Xinjiang/Gulf/Querétaro/LA),
# evaporative where water is plentiful. Renewable shares average about 0.7 (seed: 73.6 %).
DATA_CENTRES: tuple[_DataCentre, ...] = (
    _DC("DC-CN-001", "Zhangbei North Data Centre 1", 41.1500, 114.7300, "CN", "air", 60, 1.15,
        0.62, 0.90, "CN", 0.8, 100),
    _DC("DC-CN-002", "Zhangbei North Data Centre 2", 41.1700, 114.6900, "CN", "air", 30, 1.16,
        0.58, 0.88, "CN", 0.8),
    _DC("DC-CN-003", "Ulanqab Jining Data Centre", 40.9900, 113.0900, "CN", "air", 120, 1.15,
        0.64, 0.92, "CN", 1.0, 100,
        footprint=_Footprint(((0.0, 0.0, 460.0, 340.0),), angle_deg=12.0)),
    _DC("DC-CN-004", "Ulanqab Chahar Data Centre", 41.0200, 113.1800, "CN", "air", 30, 1.15,
        0.55, 0.90, "CN"),
    _DC("DC-CN-005", "Hangzhou Renhe Immersion-Cooled Data Centre", 30.4540, 120.0790, "CN",
        "liquid", 20, 1.15, 0.66, 0.70, "CN_metro", 1.2, 200),
    _DC("DC-CN-006", "Qiandao Lake Data Centre", 29.6100, 119.0420, "CN", "hybrid", 15, 1.18,
        0.60, 0.65, "CN_metro", 1.5, 100),
    _DC("DC-CN-007", "Shanghai Lingang Data Centre", 30.9000, 121.9300, "CN", "evaporative", 16,
        1.24, 0.65, 0.45, "CN_metro", 1.2, 200),
    _DC("DC-CN-008", "深圳坪山数据中心", 22.6900, 114.3500, "CN", "evaporative", 10, 1.25, 0.63,
        0.40, "CN_metro", 0.9, 200),
    _DC("DC-CN-009", "Guangzhou Huangpu Data Centre", 23.1060, 113.4590, "CN", "evaporative", 12,
        1.24, 0.60, 0.45, "CN_metro", 0.6),
    _DC("DC-CN-010", "Chengdu Tianfu Data Centre", 30.4100, 104.0700, "CN", "evaporative", 14,
        1.20, 0.60, 0.80, "CN_metro"),
    _DC("DC-CN-011", "Chongqing Liangjiang Data Centre", 29.7280, 106.6300, "CN", "evaporative", 8,
        1.22, 0.58, 0.60, "CN"),
    _DC("DC-CN-012", "Guiyang Gui'an Data Centre", 26.3800, 106.3400, "CN", "evaporative", 30,
        1.18, 0.62, 0.75, "CN", 1.0, 100),
    _DC("DC-CN-013", "Beijing Shunyi Data Centre", 40.1300, 116.6540, "CN", "hybrid", 10, 1.22,
        0.66, 0.50, "CN_metro"),
    _DC("DC-CN-014", "武汉经开数据中心", 30.5000, 114.1600, "CN", "evaporative", 10, 1.23, 0.60,
        0.45, "CN_metro", 0.8, 50),
    _DC("DC-CN-015", "Lanzhou New Area Data Centre", 36.5100, 103.6600, "CN", "air", 20, 1.16,
        0.57, 0.80, "CN"),
    _DC("DC-CN-016", "Urumqi Data Centre", 43.8256, 87.6168, "CN", "air", 6, 1.18, 0.60, 0.55,
        "CN", energy_blank=True),
    _DC("DC-CN-017", "Harbin Data Centre", 45.7500, 126.6500, "CN", "air", 6, 1.17, 0.60, 0.45,
        "CN", energy_blank=True),
    _DC("DC-CN-018", "Zhengzhou Zhengdong Data Centre", 34.7600, 113.7600, "CN", "evaporative", 8,
        1.24, 0.58, 0.40, "CN_metro"),
    _DC("DC-CN-019", "Tianjin Wuqing Data Centre", 39.3830, 117.0440, "CN", "evaporative", 6,
        1.25, 0.56, 0.40, "CN_metro"),
    _DC("DC-CN-020", "海口江东数据中心", 20.0200, 110.4300, "CN", "evaporative", 5, 1.30, 0.55,
        0.35, "CN_metro", 1.0, 50),
    _DC("DC-HK-001", "將軍澳數據中心", 22.2880, 114.2720, "HK", "evaporative", 10, 1.30, 0.64,
        0.20, "HK", 1.5, 200),
    _DC("DC-SG-001", "Singapore Loyang Data Centre", 1.3720, 103.9660, "SG", "evaporative", 16,
        1.28, 0.66, 0.35, "SG", 1.0, 100),
    _DC("DC-SG-002", "Singapore Jurong West Data Centre", 1.3404, 103.7090, "SG", "evaporative",
        8, 1.30, 0.60, 0.30, "SG"),
    _DC("DC-MY-001", "Johor Sedenak Data Centre", 1.6570, 103.5960, "MY", "evaporative", 24, 1.27,
        0.58, 0.40, "MY", 0.8),
    _DC("DC-MY-002", "Cyberjaya Data Centre", 2.9213, 101.6559, "MY", "evaporative", 6, 1.32, 0.60,
        0.20, "MY", energy_blank=True),
    _DC("DC-ID-001", "Jakarta Cikarang Data Centre", -6.3100, 107.1400, "ID", "evaporative", 10,
        1.35, 0.60, 0.10, "ID", 0.6, 25),
    _DC("DC-PH-001", "Manila Quezon City Data Centre", 14.6760, 121.0437, "PH", "evaporative", 5,
        1.38, 0.58, 0.10, "PH", 0.8, 25),
    _DC("DC-TH-001", "Bangkok Bang Na Colocation Suite", 13.6680, 100.6410, "TH", "", 6, None,
        0.60, 0.0, "TH", energy_blank=True),
    _DC("DC-SA-001", "Riyadh Data Centre", 24.7000, 46.7400, "SA", "air", 12, 1.36, 0.60, 0.15,
        "SA"),
    _DC("DC-AE-001", "Dubai Silicon Oasis Data Centre", 25.1200, 55.3800, "AE", "air", 6, 1.40,
        0.58, 0.20, "AE"),
    _DC("DC-DE-001", "Frankfurt Fechenheim Data Centre", 50.1190, 8.7380, "DE", "evaporative", 16,
        1.22, 0.62, 0.90, "DE", 0.5),
    _DC("DC-NL-001", "Amsterdam Schiphol-Rijk Data Centre", 52.2850, 4.7700, "NL", "air", 8, 1.20,
        0.60, 1.0, "NL"),
    _DC("DC-US-001", "Ashburn Virginia Data Centre", 39.0438, -77.4874, "US", "evaporative", 30,
        1.22, 0.65, 0.60, "US", 0.6, 500),
    _DC("DC-US-002", "Los Angeles El Segundo Data Centre", 33.9192, -118.4165, "US", "air", 5,
        1.32, 0.60, 0.45, "US_LA"),
    _DC("DC-MX-001", "Querétaro Data Centre", 20.5888, -100.3899, "MX", "air", 6, 1.35, 0.55,
        0.30, "MX"),
    _DC("DC-BR-001", "São Paulo Barueri Data Centre", -23.5110, -46.8760, "BR", "evaporative", 6,
        1.32, 0.60, 0.80, "BR", energy_blank=True),
)

_S = _Site

# Campuses (several with footprints), warehouses, offices and retail. value/revenue in million USD.
SITES: tuple[_Site, ...] = (
    # Campuses
    _S("CP-CN-001", "Hangzhou Xixi Headquarters Campus", "campus", 30.2790, 120.0250, "CN",
       "ecommerce", 1200, 360, 600_000, "campus", 0.45, 0.5, 50,
       footprint=_Footprint(((-320.0, 0.0, 700.0, 600.0), (330.0, 60.0, 460.0, 500.0)), 8.0)),
    _S("CP-CN-002", "Beijing Wangjing Campus", "campus", 39.9950, 116.4800, "CN", "corporate",
       650, 150, 300_000, "campus", 0.30, 0.3,
       footprint=_Footprint(((0.0, 0.0, 600.0, 500.0),), -20.0)),
    _S("CP-CN-003", "Shanghai Zhangjiang Cloud R&D Campus", "campus", 31.2040, 121.5900, "CN",
       "cloud", 520, 120, 250_000, "campus", 0.35, 0.5, 200,
       footprint=_Footprint(((0.0, 0.0, 800.0, 600.0),), 5.0)),
    _S("CP-CN-004", "深圳前海跨境电商园区", "campus", None, None, "CN", "ecommerce", 700, 250,
       280_000, "campus", 0.30, 0.8, 200,
       footprint=_Footprint(((0.0, 0.0, 700.0, 500.0),), 30.0)),
    _S("CP-CN-005", "武汉智慧物流园", "campus", 30.6300, 114.1000, "CN", "logistics", 380, 300,
       400_000, "logistics_park", 0.25, 1.2, 50,
       footprint=_Footprint(((0.0, 0.0, 1800.0, 1200.0),), -10.0)),
    _S("CP-CN-006", "Chengdu Tianfu Software Park Campus", "campus", 30.5500, 104.0600, "CN",
       "corporate", 260, 60, 150_000, "campus", 0.40, None, None,
       footprint=_Footprint(((0.0, 0.0, 650.0, 550.0),), 0.0)),
    _S("CP-CN-007", "Guangzhou Pazhou E-commerce Campus", "campus", 23.1000, 113.3700, "CN",
       "ecommerce", 300, 110, 160_000, "campus", 0.30, 0.5, 200,
       footprint=_Footprint(((0.0, 0.0, 900.0, 450.0),), 15.0)),
    _S("CP-SG-001", "Singapore one-north Regional Campus", "campus", 1.2990, 103.7870, "SG",
       "corporate", 450, 90, 90_000, "campus", 0.20, 0.5, 100,
       footprint=_Footprint(((0.0, 0.0, 500.0, 400.0),), -25.0)),
    # Warehouses and logistics hubs, mainland China
    _S("WH-CN-001", "杭州萧山物流中心", "warehouse", 30.2100, 120.4100, "CN", "logistics", 140,
       None, 220_000, "warehouse_cold", 0.35, 1.2, 50),
    _S("WH-CN-002", "上海青浦仓库", "warehouse", 31.1500, 121.1240, "CN", "logistics", 120, None,
       180_000, "warehouse", 0.30, 1.2, 100),
    _S("WH-CN-003", "广州花都物流园", "warehouse", 23.4040, 113.2200, "CN", "logistics", 95, None,
       160_000, "warehouse", 0.25),
    _S("WH-CN-004", "深圳机场物流中心", "warehouse", 22.6400, 113.8200, "CN", "logistics", 110,
       None, 120_000, "warehouse_cold", 0.20, 1.2, 100),
    _S("WH-CN-005", "Wuhan Dongxihu Fulfilment Centre", "warehouse", 30.6800, 114.2000, "CN",
       "ecommerce", 60, None, 110_000, "warehouse", 0.25, 1.2),
    _S("WH-CN-006", "成都双流仓库", "warehouse", 30.5750, 103.9230, "CN", "logistics", 65, None,
       110_000, "warehouse", 0.30),
    _S("WH-CN-007", "Chongqing Shapingba Fulfilment Centre", "warehouse", 29.6000, 106.4000, "CN",
       "ecommerce", 45, None, 80_000, "warehouse", 0.20, water=False),
    _S("WH-CN-008", "天津港保税物流中心", "warehouse", 39.0200, 117.6900, "CN", "logistics", 80,
       None, 130_000, "warehouse", 0.20, 1.0, 100),
    _S("WH-CN-009", "郑州航空港物流中心", "warehouse", 34.5260, 113.8410, "CN", "logistics", 70,
       None, 120_000, "warehouse", 0.25, country_blank=True),
    _S("WH-CN-010", "Xiamen Huli Logistics Hub", "warehouse", 24.5300, 118.1200, "CN",
       "logistics", 40, None, 60_000, "warehouse", 0.15, 1.2, 50),
    _S("WH-CN-011", "北京亦庄仓库", "warehouse", 39.7800, 116.5600, "CN", "ecommerce", 100, None,
       140_000, "warehouse_cold", 0.30),
    _S("WH-CN-012", "Harbin Cold-Chain Warehouse", "warehouse", 45.7200, 126.6000, "CN",
       "logistics", 30, None, 60_000, "warehouse_cold", 0.10, energy_blank=True),
    _S("WH-CN-013", "乌鲁木齐仓库", "warehouse", 43.8900, 87.5600, "CN", "logistics", 25, None,
       50_000, "warehouse", 0.15, water=False),
    _S("WH-CN-014", "Lanzhou Logistics Hub", "warehouse", 36.1000, 103.7000, "CN", "logistics",
       22, None, 45_000, "warehouse", 0.20, water=False),
    _S("WH-CN-015", "海口仓库", "warehouse", 19.9800, 110.3300, "CN", "logistics", 28, None,
       40_000, "warehouse", 0.10, 0.6, 20),
    # Warehouses and logistics hubs, elsewhere
    _S("WH-HK-001", "香港機場物流中心", "warehouse", 22.3100, 113.9150, "HK", "logistics", 130,
       None, 80_000, "warehouse", 0.0, 1.2, 200),
    _S("WH-SG-001", "Singapore Tuas Logistics Hub", "warehouse", 1.3200, 103.6500, "SG",
       "logistics", 85, None, 70_000, "warehouse", 0.10, 1.2, 100),
    _S("WH-MY-001", "Shah Alam Fulfilment Centre", "warehouse", 3.0733, 101.5185, "MY",
       "ecommerce", 35, None, 60_000, "warehouse", 0.05),
    _S("WH-ID-001", "Jakarta Cakung Fulfilment Centre", "warehouse", -6.1800, 106.9400, "ID",
       "ecommerce", 30, None, 55_000, "warehouse", 0.0, 0.5, 10),
    _S("WH-PH-001", "Parañaque Fulfilment Centre", "warehouse", 14.4793, 121.0198, "PH",
       "ecommerce", 25, None, 40_000, "warehouse", 0.0, 0.5, 10),
    _S("WH-TH-001", "Bang Phli Fulfilment Centre", "warehouse", 13.6100, 100.7100, "TH",
       "ecommerce", 32, None, 60_000, "warehouse", 0.05, 0.8),
    _S("WH-PK-001", "Karachi Korangi Fulfilment Centre", "warehouse", 24.8300, 67.1300, "PK",
       "ecommerce", 20, None, 35_000, "warehouse", 0.0, 0.3, 20),
    _S("WH-BD-001", "Dhaka Tejgaon Fulfilment Centre", "warehouse", 23.7640, 90.3930, "BD",
       "ecommerce", 20, None, 30_000, "warehouse", 0.0, 0.5, 10),
    _S("WH-TR-001", "Istanbul Arnavutköy Logistics Hub", "warehouse", 41.2300, 28.7400, "TR",
       "logistics", 55, None, 80_000, "warehouse", 0.10),
    _S("WH-SA-001", "Riyadh Logistics Hub", "warehouse", 24.5500, 46.8600, "SA", "logistics", 50,
       None, 60_000, "warehouse", 0.05, water=False),
    _S("WH-AE-001", "Dubai Jebel Ali Logistics Hub", "warehouse", 25.0100, 55.1100, "AE",
       "logistics", 65, None, 70_000, "warehouse", 0.10, 1.0),
    _S("WH-BE-001", "Liège Airport eHub", "warehouse", 50.6374, 5.4432, "BE", "logistics", 150,
       None, 120_000, "warehouse", 0.80, 1.2, 100,
       footprint=_Footprint(((0.0, 0.0, 600.0, 260.0),), 48.0)),
    _S("WH-NL-001", "Rotterdam Botlek Distribution Centre", "warehouse", 51.8900, 4.3000, "NL",
       "logistics", 90, None, 80_000, "warehouse", 0.90, 1.0, 1000),
    _S("WH-US-001", "Houston Distribution Centre", "warehouse", 29.8200, -95.2500, "US",
       "logistics", 75, None, 90_000, "warehouse", 0.30, 0.9, country_blank=True),
    _S("WH-US-002", "Miami Doral Distribution Centre", "warehouse", 25.8195, -80.3553, "US",
       "logistics", 70, None, 60_000, "warehouse", 0.20, 1.2, 100),
    _S("WH-US-003", "Los Angeles Carson Distribution Centre", "warehouse", 33.8317, -118.2820,
       "US", "logistics", 110, None, 90_000, "warehouse", 0.40, 1.2),
    _S("WH-MX-001", "Mexico City Cuautitlán Distribution Centre", "warehouse", 19.6800, -99.2100,
       "MX", "ecommerce", 40, None, 70_000, "warehouse", 0.10),
    _S("WH-BR-001", "São Paulo Guarulhos Distribution Centre", "warehouse", -23.4400, -46.4900,
       "BR", "ecommerce", 45, None, 65_000, "warehouse", 0.30),
    # Offices
    _S("OF-CN-001", "北京朝阳办公楼", "office", 39.9080, 116.4600, "CN", "corporate", 280, None,
       80_000, "office", 0.30, 0.3),
    _S("OF-CN-002", "Shanghai Lujiazui Office", "office", 31.2397, 121.4998, "CN", "cloud", 250,
       80, 60_000, "office", 0.30, 0.3, 200),
    _S("OF-CN-003", "Shenzhen Nanshan Office", "office", 22.5333, 113.9300, "CN", "ecommerce",
       150, 60, 45_000, "office", 0.25),
    _S("OF-HK-001", "香港銅鑼灣辦公室", "office", 22.2800, 114.1840, "HK", "corporate", 220, None,
       25_000, "office", 0.0, 0.3, 200),
    _S("OF-DE-001", "Frankfurt Office", "office", 50.1109, 8.6821, "DE", "cloud", 60, 20,
       15_000, "office", 1.0, country_blank=True),
    _S("OF-NL-001", "Amsterdam Zuidas Office", "office", 52.3380, 4.8720, "NL", "ecommerce", 45,
       15, 12_000, "office", 1.0),
    _S("OF-TR-001", "Istanbul Levent Office", "office", 41.0766, 29.0112, "TR", "ecommerce", 40,
       25, 20_000, "office", 0.0),
    _S("OF-AE-001", "Dubai Internet City Office", "office", 25.0950, 55.1560, "AE", "cloud", 35,
       10, 10_000, "office", 0.0),
    _S("OF-ID-001", "Jakarta Kuningan Office", "office", -6.2297, 106.8295, "ID", "ecommerce", 45,
       40, 20_000, "office", 0.0),
    _S("OF-PH-001", "Makati Office", "office", 14.5547, 121.0244, "PH", "ecommerce", 25, 15,
       12_000, "office", 0.0),
    _S("OF-PK-001", "Karachi Clifton Office", "office", 24.8138, 67.0300, "PK", "ecommerce", 20,
       15, 12_000, "office", 0.0, water=False),
    _S("OF-BD-001", "Dhaka Gulshan Office", "office", 23.7925, 90.4078, "BD", "ecommerce", 20, 12,
       10_000, "office", 0.0, water=False),
    _S("OF-MY-001", "Kuala Lumpur Office", "office", 3.1390, 101.6869, "MY", "cloud", 30, 10,
       12_000, "office", 0.0),
    _S("OF-US-001", "Los Angeles Office", "office", 34.0522, -118.2437, "US", "corporate", 90,
       None, 15_000, "office", 0.50),
    _S("OF-MX-001", "Mexico City Polanco Office", "office", 19.4326, -99.1952, "MX", "ecommerce",
       30, 20, 10_000, "office", 0.0),
    _S("OF-BR-001", "São Paulo Faria Lima Office", "office", -23.5870, -46.6820, "BR",
       "ecommerce", 35, 25, 12_000, "office", 0.50),
    # Retail (fresh-food stores and one pick-up point)
    _S("RT-CN-001", "港湾鲜生 上海徐汇店", "retail", 31.1880, 121.4370, "CN", "retail", 12, 30,
       6_000, "retail", 0.10, 0.2),
    _S("RT-CN-002", "港湾鲜生 北京朝阳店", "retail", 39.9219, 116.4430, "CN", "retail", 14, 32,
       6_500, "retail", 0.10),
    _S("RT-CN-003", "港湾鲜生 杭州西湖店", "retail", 30.2750, 120.1600, "CN", "retail", 10, 26,
       5_000, "retail", 0.10, 0.2),
    _S("RT-CN-004", "港湾鲜生 深圳福田店", "retail", 22.5431, 114.0579, "CN", "retail", 10, 28,
       5_000, "retail", 0.10, water=False),
    _S("RT-CN-005", "港湾鲜生 成都锦江店", "retail", 30.6570, 104.0810, "CN", "retail", 8, 20,
       4_500, "retail", 0.05, water=False, country_blank=True),
    _S("RT-CN-006", "港湾鲜生 武汉江汉店", "retail", 30.6010, 114.2700, "CN", "retail", 7, 18,
       4_000, "retail", 0.05, water=False),
    _S("RT-CN-007", "港湾鲜生 厦门思明店", "retail", 24.4530, 118.0820, "CN", "retail", 6, 15,
       3_500, "retail", 0.05, water=False),
    _S("RT-CN-008", "港湾鲜生 广州天河店", "retail", 23.1350, 113.3280, "CN", "retail", 9, 24,
       5_000, "retail", 0.05, water=False),
    _S("RT-CN-009", "港湾鲜生 海口龙华店", "retail", 20.0300, 110.3300, "CN", "retail", 5, 12,
       3_000, "retail", 0.0, 0.0, 20, water=False),
    _S("RT-CN-010", "港湾鲜生 重庆渝中店", "retail", 29.5570, 106.5770, "CN", "retail", 6, 16,
       3_500, "retail", 0.05, water=False, energy_blank=True),
    _S("RT-BD-001", "Harbour Express Pick-up Point Dhaka", "retail", 23.7800, 90.4000, "BD",
       "retail", 2, 4, 800, "retail", None, water=False),
)

# The quick first run: 3 data centres (air, evaporative x 2), a footprint campus, two warehouses,
# an office and a retail site, across six countries and territories.
SMALL_IDS: tuple[str, ...] = (
    "DC-CN-003",
    "DC-CN-007",
    "DC-SG-001",
    "DC-SA-001",
    "CP-CN-001",
    "WH-CN-004",
    "WH-US-002",
    "WH-BD-001",
    "OF-HK-001",
    "RT-CN-001",
)


def _ring(lat0: float, lon0: float, part: tuple[float, float, float, float], angle: float) -> str:
    """Return the WKT ring of one chamfered, rotated rectangle around (lat0, lon0)."""
    dx, dy, width, height = part
    half_w, half_h = width / 2.0, height / 2.0
    cut = 0.15 * min(width, height)
    # Counter-clockwise, two opposite corners chamfered so the footprint is not a plain box.
    local = [
        (-half_w, -half_h),
        (half_w - cut, -half_h),
        (half_w, -half_h + cut),
        (half_w, half_h),
        (-half_w + cut, half_h),
        (-half_w, half_h - cut),
    ]
    theta = math.radians(angle)
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    m_per_deg_lon = _M_PER_DEG_LAT * math.cos(math.radians(lat0))
    coords = []
    for x, y in local:
        # rotate the parcel's own corners, then its offset, about the site point
        xr = (x + dx) * cos_t - (y + dy) * sin_t
        yr = (x + dx) * sin_t + (y + dy) * cos_t
        coords.append((lon0 + xr / m_per_deg_lon, lat0 + yr / _M_PER_DEG_LAT))
    coords.append(coords[0])
    return "(" + ", ".join(f"{x:.5f} {y:.5f}" for x, y in coords) + ")"


def _wkt(lat0: float, lon0: float, footprint: _Footprint) -> str:
    """Return a WKT POLYGON (one parcel) or MULTIPOLYGON (several) in lon/lat order."""
    rings = [_ring(lat0, lon0, part, footprint.angle_deg) for part in footprint.parts]
    if len(rings) == 1:
        return f"POLYGON ({rings[0]})"
    return "MULTIPOLYGON (" + ", ".join(f"({ring})" for ring in rings) + ")"


# Footprint centres for sites whose row gives no latitude/longitude (geometry only).
_FOOTPRINT_CENTRE: dict[str, tuple[float, float]] = {"CP-CN-004": (22.5300, 113.8950)}


def _fmt(value: float | None, digits: int = 0) -> str:
    """Format a number for the CSV; ``None`` is an empty cell."""
    if value is None:
        return ""
    if digits == 0:
        return str(round(value))
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def _round_to(value: float, step: float) -> float:
    return round(value / step) * step


def _data_centre_row(dc: _DataCentre) -> dict[str, str]:
    grid = GRID_T_PER_MWH[dc.country]
    value = dc.it_mw * DC_COST_MUSD_PER_MW[dc.market] * 1e6
    row = {
        "asset_id": dc.asset_id,
        "name": dc.name,
        "asset_type": "data_center",
        "latitude": f"{dc.lat:.4f}",
        "longitude": f"{dc.lon:.4f}",
        "geometry": _wkt(dc.lat, dc.lon, dc.footprint) if dc.footprint else "",
        "country": "" if dc.country_blank else dc.country,
        "business_unit": "cloud",
        "value": _fmt(_round_to(value, 1e5)),
        "annual_revenue": _fmt(_round_to(value * DC_REVENUE_PER_VALUE, 1e5)),
        "currency": CURRENCY,
        "ground_floor_elevation_m": _fmt(dc.elevation_m, 1),
        "flood_protection_rp": _fmt(dc.protection_rp),
        "cooling": dc.cooling,
        "it_load_mw": _fmt(dc.it_mw, 1),
        "pue": _fmt(dc.pue, 2),
        "renewable_share": _fmt(dc.re_share, 2),
        "scope1_tco2e": _fmt(dc.it_mw * DC_SCOPE1_T_PER_MW),
    }
    if dc.pue is None:
        # Leased suite with unknown PUE and cooling: leave energy, water and Scope 2 to defaults.
        row.update(annual_energy_mwh="", water_withdrawal_m3="", scope2_tco2e="")
        return row
    utilisation = _DEFAULT_UTILISATION if dc.energy_blank else dc.utilisation
    energy = dc.it_mw * dc.pue * _HOURS * utilisation
    it_energy = energy / dc.pue
    row["annual_energy_mwh"] = "" if dc.energy_blank else _fmt(_round_to(energy, 10))
    row["water_withdrawal_m3"] = _fmt(_round_to(it_energy * WUE_M3_PER_MWH_IT[dc.cooling], 10))
    row["scope2_tco2e"] = _fmt(energy * (1.0 - dc.re_share) * grid)
    return row


def _site_row(site: _Site) -> dict[str, str]:
    eui, water_per_m2, scope1_per_m2 = _INTENSITY[site.intensity]
    energy = site.floor_m2 * eui / 1000.0
    revenue = site.revenue_musd
    if revenue is None and site.asset_type == "warehouse":
        revenue = site.value_musd * WAREHOUSE_REVENUE_PER_VALUE
    lat, lon = (site.lat, site.lon)
    geometry = ""
    if site.footprint is not None:
        centre = (lat, lon) if lat is not None and lon is not None else None
        lat0, lon0 = centre or _FOOTPRINT_CENTRE[site.asset_id]
        geometry = _wkt(lat0, lon0, site.footprint)
    re_share = site.re_share if site.re_share is not None else 0.0
    return {
        "asset_id": site.asset_id,
        "name": site.name,
        "asset_type": site.asset_type,
        "latitude": "" if lat is None else f"{lat:.4f}",
        "longitude": "" if lon is None else f"{lon:.4f}",
        "geometry": geometry,
        "country": "" if site.country_blank else site.country,
        "business_unit": site.business_unit,
        "value": _fmt(site.value_musd * 1e6),
        "annual_revenue": _fmt(None if revenue is None else revenue * 1e6),
        "currency": CURRENCY,
        "ground_floor_elevation_m": _fmt(site.elevation_m, 1),
        "flood_protection_rp": _fmt(site.protection_rp),
        "cooling": "",
        "it_load_mw": "",
        "pue": "",
        "annual_energy_mwh": "" if site.energy_blank else _fmt(_round_to(energy, 10)),
        "renewable_share": _fmt(site.re_share, 2),
        "water_withdrawal_m3": _fmt(_round_to(site.floor_m2 * water_per_m2, 10))
        if site.water
        else "",
        "scope1_tco2e": _fmt(site.floor_m2 * scope1_per_m2),
        "scope2_tco2e": ""
        if site.energy_blank
        else _fmt(energy * (1.0 - re_share) * GRID_T_PER_MWH[site.country]),
    }


def build_rows() -> list[dict[str, str]]:
    """Return every row of the large sample portfolio, as CSV cell text keyed by column."""
    rows = [_data_centre_row(dc) for dc in DATA_CENTRES]
    rows += [_site_row(site) for site in SITES]
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    """Write rows as UTF-8 CSV with the canonical header, LF line endings."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    """Write ``sample_portfolio.csv`` and ``sample_portfolio_small.csv`` beside this script."""
    folder = Path(__file__).resolve().parent
    rows = build_rows()
    ids = [row["asset_id"] for row in rows]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate asset_id in the sample definitions")
    write_csv(folder / "sample_portfolio.csv", rows)
    by_id = {row["asset_id"]: row for row in rows}
    write_csv(folder / "sample_portfolio_small.csv", [by_id[i] for i in SMALL_IDS])


if __name__ == "__main__":
    main()
