"""The catalogue of adaptation measures (``data/measures.toml``): effects with sources, costs.

A measure is a change to asset attributes that the vulnerability models already read, so the
engine itself tells what it avoids (:mod:`climrisk.adaptation.apply`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["CATALOGUE_PATH", "EFFECTS", "Measure", "load_catalogue"]

CATALOGUE_PATH = Path(__file__).with_name("data") / "measures.toml"
#: Effect kinds and the parameter each one needs.
EFFECTS: dict[str, str] = {
    "protection_rp": "standard_rp",
    "floor_offset": "offset_m",
    "wind_shift": "wind_factor",
    "cooling": "cooling",
}


@dataclass(frozen=True)
class Measure:
    """One adaptation measure of the catalogue.

    Attributes
    ----------
    id
        Identifier used in ``[[adaptation.measures]]`` and ``adaptation.csv``.
    effect
        One of :data:`EFFECTS`; ``parameter`` is the value of its parameter.
    hazards, asset_types
        What it acts on and which asset types it applies to.
    capex_share, opex_share
        One-off cost as a share of the asset's value; yearly cost as a share of capex.
    lifetime_years
        Years of benefit counted at most.
    from_cooling
        For the ``cooling`` effect: the cooling designs it replaces (empty = any).
    """

    id: str
    effect: str
    parameter: Any
    hazards: tuple[str, ...]
    asset_types: tuple[str, ...]
    capex_share: float
    opex_share: float
    lifetime_years: int
    effect_source: str
    cost_source: str
    from_cooling: tuple[str, ...] = field(default=())

    def with_parameter(self, value: Any) -> Measure:
        """The same measure with another effect parameter (e.g. a 200-year standard)."""
        from dataclasses import replace

        return replace(self, parameter=value)


def _measure(entry: dict[str, Any], where: str) -> Measure:
    effect = entry.get("effect")
    if effect not in EFFECTS:
        raise ValueError(f"{where}: unknown effect {effect!r}")
    return Measure(
        id=str(entry["id"]),
        effect=effect,
        parameter=entry[EFFECTS[effect]],
        hazards=tuple(entry["hazards"]),
        asset_types=tuple(entry["asset_types"]),
        capex_share=float(entry["capex_share"]),
        opex_share=float(entry["opex_share"]),
        lifetime_years=int(entry["lifetime_years"]),
        effect_source=str(entry["effect_source"]),
        cost_source=str(entry["cost_source"]),
        from_cooling=tuple(entry.get("from_cooling", ())),
    )


@cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> dict[str, Measure]:
    """The measures of a catalogue file, by id, in file order."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    measures = [_measure(e, f"{path} measure {i}") for i, e in enumerate(data["measure"], 1)]
    return {m.id: m for m in measures}
