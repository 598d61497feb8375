"""The one list of accepted asset-file suffixes and the format each is read as.

The command line reads every suffix listed here; the web page accepts the ones that are a
single file (a shapefile needs its sidecar files and cannot be one upload).
"""

from __future__ import annotations

__all__ = [
    "ASSET_SUFFIXES",
    "CSV_SUFFIXES",
    "EXCEL_SUFFIXES",
    "PARQUET_SUFFIXES",
    "SINGLE_FILE_ASSET_SUFFIXES",
    "VECTOR_SUFFIXES",
]

#: File suffix (lower case) -> canonical suffix of its format.
ASSET_SUFFIXES: dict[str, str] = {
    ".csv": ".csv",
    ".txt": ".csv",
    ".tsv": ".tsv",
    ".tab": ".tsv",
    ".xlsx": ".xlsx",
    ".xlsm": ".xlsx",
    ".parquet": ".parquet",
    ".pq": ".parquet",
    ".geoparquet": ".parquet",
    ".geojson": ".geojson",
    ".json": ".geojson",
    ".gpkg": ".gpkg",
    ".fgb": ".fgb",
    ".shp": ".shp",
}
_FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".xlsx": "excel", ".parquet": "parquet",
    ".geojson": "vector", ".gpkg": "vector", ".fgb": "vector", ".shp": "vector",
}


def _of(kind: str) -> frozenset[str]:
    return frozenset(s for s, canonical in ASSET_SUFFIXES.items() if _FORMATS[canonical] == kind)


CSV_SUFFIXES = _of("csv")
EXCEL_SUFFIXES = _of("excel")
PARQUET_SUFFIXES = _of("parquet")
VECTOR_SUFFIXES = _of("vector")
#: The suffixes of formats held in one file (everything but the shapefile).
SINGLE_FILE_ASSET_SUFFIXES: dict[str, str] = {
    s: canonical for s, canonical in ASSET_SUFFIXES.items() if canonical != ".shp"
}
