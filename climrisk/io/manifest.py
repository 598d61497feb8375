"""``manifest.json``: inputs with their SHA-256, assumptions, software and timings of a run."""

from __future__ import annotations

import json
import platform
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from climrisk.io.hashing import file_sha256

__all__ = ["Manifest", "file_sha256", "software_versions"]

_PACKAGES = (
    "climrisk",
    "numpy",
    "pandas",
    "xarray",
    "geopandas",
    "shapely",
    "pyproj",
    "dask",
    "netCDF4",
    "pyarrow",
    "numba",
    "reportlab",
)


def software_versions(packages: Iterable[str] = _PACKAGES) -> dict[str, str]:
    """Installed versions of the packages that shape the results."""
    found = {"python": platform.python_version()}
    for name in packages:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


@dataclass
class Manifest:
    """Everything needed to understand and reproduce a run."""

    created: str = field(
        default_factory=lambda: datetime.now(UTC).replace(microsecond=0).isoformat()
    )
    inputs: list[dict[str, Any]] = field(default_factory=list)
    hazard_layers: list[dict[str, Any]] = field(default_factory=list)
    pathways: dict[str, Any] = field(default_factory=dict)
    configuration: dict[str, Any] = field(default_factory=dict)
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    scoring: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    software: dict[str, str] = field(default_factory=software_versions)
    timings_s: dict[str, float] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)

    def add_input(self, role: str, path: Path) -> None:
        """Record an input file with its SHA-256."""
        self.inputs.append(
            {"role": role, "path": str(Path(path).resolve()), "sha256": file_sha256(Path(path))}
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "climrisk_manifest": 1,
            "created": self.created,
            "inputs": self.inputs,
            "hazard_layers": self.hazard_layers,
            "pathways": self.pathways,
            "configuration": self.configuration,
            "assumptions": self.assumptions,
            "scoring": self.scoring,
            "missing": self.missing,
            "warnings": self.warnings,
            "cache": self.cache,
            "software": self.software,
            "timings_s": self.timings_s,
            "outputs": self.outputs,
        }

    def write(self, path: Path) -> None:
        """Write as indented UTF-8 JSON (stable key order)."""
        path.write_text(
            json.dumps(self.as_dict(), indent=2, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Read a manifest written by :meth:`write`."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data.pop("climrisk_manifest", None)
        return cls(**data)
