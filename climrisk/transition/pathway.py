"""Transition pathways: IAMC tables of carbon prices, grid intensities and prices by scenario.

A pathway file is the table IEA, NGFS and IIASA scenario explorers export: columns ``model``,
``scenario``, ``region``, ``variable``, ``unit`` and one column per year (wide), or ``year`` and
``value`` (long); CSV or XLSX; header names case-insensitive. :func:`read_pathways` reads and
validates one (or the embedded default table) into a :class:`TransitionPathway`: a tidy table
``pathway, region, variable, year, value, unit, source, confidence, model`` with values in the
canonical unit of each variable, and linear interpolation between its points, clamped at the
ends (contracts.md, "Calculation conventions").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from climrisk.io.hashing import file_sha256

__all__ = [
    "CARBON_PRICE",
    "DATA_CENTRE_DEMAND",
    "DEFAULT_PATHWAY_FILE",
    "ELECTRICITY_PRICE",
    "GREEN_POWER_PREMIUM",
    "GRID_INTENSITY",
    "PUE_LIMIT",
    "RENEWABLE_SHARE",
    "REQUIRED_VARIABLES",
    "VARIABLES",
    "TransitionPathway",
    "VariableSpec",
    "canonical_variable",
    "normalise_scenario",
    "unit_key",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "pathways"
DEFAULT_PATHWAY_FILE = DATA_DIR / "iea_steps_nze_default.csv"

CARBON_PRICE = "Price|Carbon"
GRID_INTENSITY = "Emissions Intensity|Electricity"
ELECTRICITY_PRICE = "Price|Secondary Energy|Electricity"
RENEWABLE_SHARE = "Secondary Energy|Electricity|Share|Renewables"
GREEN_POWER_PREMIUM = "Price|Green Power Premium"
PUE_LIMIT = "Efficiency|Data Centre|PUE Limit"
DATA_CENTRE_DEMAND = "Demand|Electricity|Data Centres"

# A file must cover this span (first point at or before, last at or after) with points no
# more than 10 years apart (checked in climrisk.transition.read): 5-year tables, NGFS snapshots
# and WEO extended tables (2023, 2030, 2035, 2040, 2050) all pass.
COVER_FIRST_YEAR = 2025
COVER_LAST_YEAR = 2050


@dataclass(frozen=True)
class VariableSpec:
    """One pathway variable: canonical name and unit, accepted units and valid range.

    Parameters
    ----------
    name
        IAMC-style variable name.
    unit
        Canonical unit; values are stored in it.
    description
        One line for the docs.
    conversions
        Accepted unit spellings (after :func:`_unit_key`) and the factor to the canonical unit.
    minimum, maximum
        Inclusive valid range in the canonical unit.
    required
        Whether every pathway file must give it (the others fall back to the default table).
    """

    name: str
    unit: str
    description: str
    conversions: dict[str, float]
    minimum: float | None = 0.0
    maximum: float | None = None
    required: bool = False


_MONEY_PER_ENERGY = {"us$/mwh": 1.0, "us$/gj": 3.6, "us$/kwh": 1000.0}
VARIABLES: dict[str, VariableSpec] = {
    spec.name: spec
    for spec in (
        VariableSpec(
            CARBON_PRICE,
            "US$/t CO2",
            "explicit carbon price (ETS or tax) on emissions",
            {"us$/tco2": 1.0, "us$/t": 1.0},
            required=True,
        ),
        VariableSpec(
            GRID_INTENSITY,
            "g CO2/kWh",
            "average CO2 intensity of electricity generation",
            {
                "gco2/kwh": 1.0,
                "g/kwh": 1.0,
                "kgco2/mwh": 1.0,
                "tco2/gwh": 1.0,
                "tco2/mwh": 1000.0,
                "kgco2/kwh": 1000.0,
                "mtco2/twh": 1000.0,
            },
            required=True,
        ),
        VariableSpec(
            ELECTRICITY_PRICE,
            "US$/MWh",
            "electricity price for large non-household consumers (excluding carbon pass-through)",
            dict(_MONEY_PER_ENERGY),
        ),
        VariableSpec(
            RENEWABLE_SHARE,
            "share",
            "renewables share of electricity generation (0-1)",
            {"share": 1.0, "fraction": 1.0, "1": 1.0, "-": 1.0, "": 1.0, "ratio": 1.0, "%": 0.01},
            maximum=1.0,
        ),
        VariableSpec(
            GREEN_POWER_PREMIUM,
            "US$/MWh",
            "premium for renewable attributes (certificates, green tariffs) over grid power",
            dict(_MONEY_PER_ENERGY),
        ),
        VariableSpec(
            PUE_LIMIT,
            "PUE",
            "regulatory limit or best-practice trajectory of data-centre PUE",
            {"pue": 1.0, "1": 1.0, "-": 1.0, "": 1.0, "ratio": 1.0},
            minimum=1.0,
        ),
        VariableSpec(
            DATA_CENTRE_DEMAND,
            "TWh",
            "electricity consumption of data centres",
            {"twh": 1.0, "gwh": 1e-3, "mwh": 1e-6, "pj": 1 / 3.6, "ej": 1000 / 3.6},
        ),
    )
}
REQUIRED_VARIABLES: tuple[str, ...] = tuple(n for n, s in VARIABLES.items() if s.required)
_VARIABLE_LOOKUP = {re.sub(r"\s*\|\s*", "|", n.strip()).casefold(): n for n in VARIABLES}

_SCENARIO_ALIASES = {
    "steps": "steps",
    "stated_policies": "steps",
    "stated_policies_scenario": "steps",
    "nze": "nze",
    "nze2050": "nze",
    "nze_2050": "nze",
    "net_zero_emissions_by_2050": "nze",
    "net_zero_emissions_by_2050_scenario": "nze",
    "aps": "aps",
    "announced_pledges": "aps",
    "announced_pledges_scenario": "aps",
}


def normalise_scenario(name: str) -> str:
    """Return the pathway id of a scenario name: lower-case slug, IEA names folded.

    ``Stated Policies Scenario`` and ``STEPS`` become ``steps``; ``Net Zero Emissions by 2050
    Scenario`` and ``NZE`` become ``nze``; ``Announced Pledges Scenario`` becomes ``aps``. Other
    names (for example NGFS ``Net Zero 2050``) keep their own slug (``net_zero_2050``): scenarios
    of different publishers are never merged silently.
    """
    slug = re.sub(r"[^0-9a-z]+", "_", str(name).strip().casefold()).strip("_")
    return _SCENARIO_ALIASES.get(slug, slug)


def unit_key(unit: str) -> str:
    """Fold a unit spelling: lower case, no spaces, ``USD``/``US$2010`` to ``us$``, CO2e to CO2."""
    key = str(unit).strip().casefold().replace(" ", "").replace("_", "")
    key = key.replace("usd", "us$").replace("dollars", "$")
    key = re.sub(r"us\$(\d{4})?", "us$", key)
    key = key.replace("co2e", "co2").replace("co₂", "co2").replace("/tonne", "/t")
    key = key.replace("percent", "%").replace("dimensionless", "1")
    return key


def canonical_variable(name: str) -> str | None:
    """The name in :data:`VARIABLES` a user's variable name stands for (case, spaces folded)."""
    return _VARIABLE_LOOKUP.get(re.sub(r"\s*\|\s*", "|", str(name).strip()).casefold())


@dataclass(frozen=True)
class TransitionPathway:
    """A validated transition pathway table with interpolation in time.

    Attributes
    ----------
    data
        Tidy table: ``pathway`` (scenario id, e.g. ``steps``), ``region``, ``variable``, ``year``,
        ``value`` (in ``unit``, the variable's canonical unit), ``unit``, ``source``,
        ``confidence``, ``model``.
    path
        The file it was read from (``None`` for a table built in memory).
    label
        Short name for messages and the manifest.
    supplemented
        ``(pathway, variable)`` pairs filled from another table by :meth:`supplemented_from`.
    """

    data: pd.DataFrame
    path: Path | None = None
    label: str = "pathways"
    supplemented: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    # -- description -------------------------------------------------------------------------
    def scenarios(self) -> list[str]:
        """Pathway ids (``steps``, ``nze``, ...) in file order."""
        return list(dict.fromkeys(self.data["pathway"].tolist()))

    def variables(self) -> list[str]:
        """Variables present, in the order of :data:`VARIABLES`."""
        present = set(self.data["variable"].tolist())
        return [v for v in VARIABLES if v in present]

    def regions(self) -> list[str]:
        """Regions present, in file order."""
        return list(dict.fromkeys(self.data["region"].tolist()))

    def years(self) -> list[int]:
        """All years with a point, sorted."""
        return sorted({int(y) for y in self.data["year"].tolist()})

    def has(self, pathway: str, variable: str) -> bool:
        """Whether the table holds ``variable`` for ``pathway`` (any region)."""
        return (pathway, variable) in self._grids

    def regions_of(self, pathway: str, variable: str) -> list[str]:
        """Regions with rows of ``variable`` for ``pathway`` (empty when there are none)."""
        grid = self._grids.get((pathway, variable))
        return [] if grid is None else list(grid[1])

    def years_of(self, pathway: str, variable: str) -> list[float]:
        """Years with a point of ``variable`` for ``pathway`` in any region, sorted."""
        grid = self._grids.get((pathway, variable))
        return [] if grid is None else [float(y) for y in grid[2]]

    @property
    def sha256(self) -> str | None:
        """SHA-256 of the file read (``None`` when built in memory)."""
        if self.path is None or not self.path.exists():
            return None
        return file_sha256(self.path)

    # -- interpolation -----------------------------------------------------------------------
    @cached_property
    def _grids(
        self,
    ) -> dict[tuple[str, str], tuple[dict[str, int], list[str], np.ndarray, np.ndarray]]:
        """Per (pathway, variable): region index, region names, union year grid, values on it."""
        grids = {}
        frame = self.data.assign(_rf=self.data["region"].astype(str).str.casefold())
        for (pathway, variable), part in frame.groupby(["pathway", "variable"], sort=False):
            years = np.unique(part["year"].to_numpy(dtype=float))
            groups = list(part.groupby("_rf", sort=False))
            values = np.empty((len(groups), len(years)))
            names = []
            for i, (_, series) in enumerate(groups):
                series = series.sort_values("year")
                names.append(str(series["region"].iloc[0]))
                values[i] = np.interp(
                    years,
                    series["year"].to_numpy(dtype=float),
                    series["value"].to_numpy(dtype=float),
                )
            index = {str(rf): i for i, (rf, _) in enumerate(groups)}
            grids[(str(pathway), str(variable))] = (index, names, years, values)
        return grids

    def lookup(
        self, pathway: str, variable: str, year: float, regions: Sequence[str] | np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Values of one variable at one year for an array of regions (vectorised).

        Linear between the table's points, clamped at its first and last year. A region the
        table does not have falls back to ``World`` when the table has it.

        Parameters
        ----------
        pathway
            Pathway id (``steps``, ``nze``, ...).
        variable
            A name from :data:`VARIABLES`.
        year
            Calendar year (fractional allowed).
        regions
            Region name per element (case-insensitive).

        Returns
        -------
        values : numpy.ndarray
            In the variable's canonical unit; NaN where neither the region nor ``World`` is there.
        fell_back : numpy.ndarray of bool
            True where the ``World`` value was used.
        """
        regions = np.asarray(regions, dtype=object)
        grid = self._grids.get((pathway, variable))
        if grid is None:
            return np.full(regions.shape, np.nan), np.zeros(regions.shape, dtype=bool)
        index, _, years, values = grid
        at_year = np.array([np.interp(float(year), years, row) for row in values])
        uniq, inverse = np.unique(regions.astype(str), return_inverse=True)
        folded = [u.casefold() for u in uniq]
        world = index.get("world")
        rows = np.array([index.get(f, -1) for f in folded], dtype=int)
        fell = (rows < 0) & (world is not None)
        rows = np.where(fell, -1 if world is None else world, rows)
        out_u = np.where(rows >= 0, at_year[np.maximum(rows, 0)], np.nan)
        return out_u[inverse].reshape(regions.shape), fell[inverse].reshape(regions.shape)

    def at(self, year: float | Iterable[float]) -> pd.DataFrame:
        """Every series at one year or several years (linear, clamped).

        Returns
        -------
        pandas.DataFrame
            Columns ``pathway, region, variable, year, value, unit``.
        """
        years = np.atleast_1d(
            np.asarray(list(year) if isinstance(year, Iterable) else [year], float)
        )
        frames = []
        for (pathway, variable), (_, names, grid_years, values) in self._grids.items():
            unit = VARIABLES[variable].unit if variable in VARIABLES else ""
            for name, row in zip(names, values, strict=True):
                frames.append(
                    pd.DataFrame(
                        {
                            "pathway": pathway,
                            "region": name,
                            "variable": variable,
                            "year": years,
                            "value": np.interp(years, grid_years, row),
                            "unit": unit,
                        }
                    )
                )
        if not frames:
            return pd.DataFrame(columns=["pathway", "region", "variable", "year", "value", "unit"])
        return pd.concat(frames, ignore_index=True)

    # -- combination -------------------------------------------------------------------------
    def supplemented_from(self, other: TransitionPathway) -> TransitionPathway:
        """Add, from ``other``, the variables this table lacks for a pathway id both share.

        Used to complete a user's file (e.g. an NGFS snapshot with carbon prices and grid
        intensities only) with the default table's green-power premium, PUE limits and
        data-centre demand. The pairs added are listed in :attr:`supplemented`.
        """
        mine = set(self._grids)
        add = [key for key in other._grids if key not in mine and key[0] in set(self.scenarios())]
        if not add:
            return self
        mask = pd.Series(False, index=other.data.index)
        for pathway, variable in add:
            mask |= (other.data["pathway"] == pathway) & (other.data["variable"] == variable)
        data = pd.concat([self.data, other.data[mask]], ignore_index=True)
        return TransitionPathway(data, self.path, self.label, tuple(self.supplemented) + tuple(add))

    def sources(self) -> list[dict[str, object]]:
        """Distinct source strings with their row counts and confidence levels."""
        out = []
        for source, part in self.data.groupby("source", sort=False):
            out.append(
                {
                    "source": str(source),
                    "rows": len(part),
                    "confidence": sorted({str(c) for c in part["confidence"]}),
                    "variables": [v for v in VARIABLES if v in set(part["variable"])],
                }
            )
        return out
