"""Compare two saved runs: assets added or removed, scores up or down, materiality changes.

Boards ask "what changed since last year"; this answers from the two results folders alone.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from climrisk.errors import InputError

__all__ = ["DIFF_COLUMNS", "diff_runs"]

DIFF_COLUMNS: tuple[str, ...] = (
    "change",
    "table",
    "asset_id",
    "kind",
    "category",
    "hazard",
    "driver",
    "asset_type",
    "business_unit",
    "scenario",
    "horizon",
    "old",
    "new",
)
_RESULT_KEYS = ["asset_id", "hazard", "scenario", "horizon"]
_PHYSICAL_KEYS = ["category", "hazard", "asset_type", "scenario", "horizon"]
_TRANSITION_KEYS = ["kind", "category", "driver", "business_unit", "scenario", "horizon"]


def _require(folder: Path, name: str) -> Path:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "results folder not found")
    path = folder / name
    if not path.is_file():
        raise InputError(folder, f"not a climrisk results folder: {name} is missing")
    return path


def _damaged(path: Path, exc: BaseException) -> InputError:
    text = str(exc).strip().splitlines()
    reason = text[0][:200] if text else type(exc).__name__
    return InputError(path, f"damaged or not written by climrisk ({reason}); run the assessment "
                      "again")


def _read_parquet(folder: Path, name: str, columns: list[str]) -> pd.DataFrame:
    path = _require(folder, name)
    try:
        return pd.read_parquet(path, columns=columns)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise _damaged(path, exc) from None


def _read_csv(folder: Path, name: str, columns: list[str]) -> pd.DataFrame:
    path = _require(folder, name)
    try:
        frame = pd.read_csv(path)
    except Exception as exc:  # empty, binary or ragged text
        raise _damaged(path, exc) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(path, f"column {missing[0]} is missing; not a climrisk result table",
                         column=missing[0])
    if not frame["material"].isin([True, False, "True", "False"]).all():
        raise InputError(path, "column material holds values other than True/False",
                         column="material")
    return frame


def _score_changes(old_dir: Path, new_dir: Path) -> pd.DataFrame:
    columns = [*_RESULT_KEYS, "asset_type", "score"]
    old = _read_parquet(old_dir, "asset_results.parquet", columns)
    new = _read_parquet(new_dir, "asset_results.parquet", columns)
    for frame in (old, new):
        for key in (*_RESULT_KEYS, "asset_type"):
            frame[key] = frame[key].astype(str)
    old_ids, new_ids = set(old["asset_id"]), set(new["asset_id"])
    added = sorted(new_ids - old_ids)
    removed = sorted(old_ids - new_ids)
    rows = [{"change": "asset_added", "table": "asset_results", "asset_id": a} for a in added]
    rows += [{"change": "asset_removed", "table": "asset_results", "asset_id": a} for a in removed]
    merged = old.merge(new, on=_RESULT_KEYS, suffixes=("_old", "_new"))
    before = merged["score_old"].astype("float64")
    after = merged["score_new"].astype("float64")
    changed = merged[(before != after) & ~(before.isna() & after.isna())].copy()
    changed["change"] = "score_changed"
    changed.loc[
        changed["score_new"].astype("float64") > changed["score_old"].astype("float64"), "change"
    ] = "score_up"
    changed.loc[
        changed["score_new"].astype("float64") < changed["score_old"].astype("float64"), "change"
    ] = "score_down"
    scores = pd.DataFrame(
        {
            "change": changed["change"],
            "table": "asset_results",
            "asset_id": changed["asset_id"],
            "hazard": changed["hazard"],
            "asset_type": changed["asset_type_new"],
            "scenario": changed["scenario"],
            "horizon": changed["horizon"],
            "old": changed["score_old"].astype("float64"),
            "new": changed["score_new"].astype("float64"),
        }
    )
    return pd.concat([pd.DataFrame(rows), scores], ignore_index=True)


def _materiality_changes(old_dir: Path, new_dir: Path, name: str, keys: list[str]) -> pd.DataFrame:
    old = _read_csv(old_dir, name, [*keys, "material"])
    new = _read_csv(new_dir, name, [*keys, "material"])
    for frame in (old, new):
        frame["material"] = frame["material"].map({True: True, False: False, "True": True,
                                                   "False": False})
    merged = old[[*keys, "material"]].merge(
        new[[*keys, "material"]], on=keys, how="outer", suffixes=("_old", "_new")
    )
    only_old = merged["material_new"].isna()
    only_new = merged["material_old"].isna()
    before = merged["material_old"].fillna(False).astype(bool)
    after = merged["material_new"].fillna(False).astype(bool)
    flipped = (before != after) & ~only_old & ~only_new
    changed = merged[flipped | only_old | only_new].copy()
    changed["change"] = "became_material"
    changed.loc[flipped & before, "change"] = "no_longer_material"
    changed.loc[only_old, "change"] = "cell_removed"
    changed.loc[only_new, "change"] = "cell_added"
    changed["table"] = name.removesuffix(".csv")
    changed["old"] = before[changed.index].astype(float).where(~only_new[changed.index])
    changed["new"] = after[changed.index].astype(float).where(~only_old[changed.index])
    return changed.drop(columns=["material_old", "material_new"])


def diff_runs(old_dir: str | Path, new_dir: str | Path) -> pd.DataFrame:
    """Every change from the old run to the new one, one row each (see :data:`DIFF_COLUMNS`).

    Parameters
    ----------
    old_dir, new_dir
        Results folders written by ``climrisk assess``.
    """
    old_dir, new_dir = Path(old_dir), Path(new_dir)
    parts = [
        _score_changes(old_dir, new_dir),
        _materiality_changes(old_dir, new_dir, "physical_matrix.csv", _PHYSICAL_KEYS),
    ]
    if (old_dir / "transition_matrix.csv").is_file() and (
        new_dir / "transition_matrix.csv"
    ).is_file():
        parts.append(
            _materiality_changes(old_dir, new_dir, "transition_matrix.csv", _TRANSITION_KEYS)
        )
    frame = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        if any(len(p) for p in parts)
        else pd.DataFrame(columns=list(DIFF_COLUMNS))
    )
    for column in DIFF_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    return frame[list(DIFF_COLUMNS)]
