"""Hazard epochs to horizon years: linear interpolation between epoch centre years, clamped.

contracts.md, "Calculation conventions": the baseline epoch is centred on 2000, ``"2030"`` on
2030 and ``"2050"`` on 2050; a horizon year between two centres is a linear blend of the two
epochs, a year before the first or after the last centre takes that epoch unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import numpy as np
import xarray as xr

from climrisk.hazard.layer import EPOCH_CENTRE_YEARS
from climrisk.risk._jit import jit

__all__ = ["at_horizons", "blend_epochs", "epoch_centre_year", "horizon_weights"]

XarrayT = TypeVar("XarrayT", xr.DataArray, xr.Dataset)


def epoch_centre_year(epoch: str) -> int:
    """Centre year of an epoch label: ``baseline`` 2000, a year label (``"2030"``) that year.

    Raises
    ------
    ValueError
        The label is neither ``baseline`` nor a 4-digit year.
    """
    label = str(epoch)
    if label in EPOCH_CENTRE_YEARS:
        return EPOCH_CENTRE_YEARS[label]
    if label.isdigit() and len(label) == 4:
        return int(label)
    raise ValueError(f"epoch {label!r} has no centre year; use baseline or a 4-digit year")


def horizon_weights(epoch_years: Sequence[int], years: Sequence[int]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bracketing epochs and blend weight for each year.

    Parameters
    ----------
    epoch_years
        Centre year of each epoch, in the array's epoch order (need not be sorted).
    years
        Horizon years.

    Returns
    -------
    lower, upper, weight
        Epoch positions and the weight ``t`` of ``upper``: value = lower + t * (upper - lower),
        with ``t = 0`` (and ``upper == lower``) at an epoch centre and beyond either end.
    """
    centres = np.asarray(epoch_years, dtype=np.float64)
    if centres.size == 0:
        raise ValueError("no epochs to interpolate between")
    if np.unique(centres).size != centres.size:
        raise ValueError(f"two epochs share a centre year: {centres.tolist()}")
    order = np.argsort(centres)
    sorted_c = centres[order]
    y = np.clip(np.asarray(years, dtype=np.float64), sorted_c[0], sorted_c[-1])
    j = np.clip(np.searchsorted(sorted_c, y, side="right") - 1, 0, sorted_c.size - 1)
    k = np.minimum(j + 1, sorted_c.size - 1)
    span = sorted_c[k] - sorted_c[j]
    t = np.where(span > 0, (y - sorted_c[j]) / np.where(span > 0, span, 1.0), 0.0)
    at_centre = t == 0
    upper = np.where(at_centre, order[j], order[k])
    return order[j], upper, t


def _one(values: xr.DataArray, names: list[str], years: np.ndarray) -> xr.DataArray:
    epochs = [str(e) for e in values["epoch"].values]
    lower, upper, t = horizon_weights([epoch_centre_year(e) for e in epochs], years)
    dtype = values.dtype if values.dtype.kind == "f" else np.dtype(np.float64)
    v0 = values.isel(epoch=xr.DataArray(lower, dims="horizon"))
    v1 = values.isel(epoch=xr.DataArray(upper, dims="horizon"))
    weight = xr.DataArray(t.astype(dtype), dims="horizon")
    blended = xr.where(weight > 0, v0 + weight * (v1 - v0), v0, keep_attrs=True)
    blended = blended.drop_vars("epoch", errors="ignore")
    order = [("horizon" if d == "epoch" else d) for d in values.dims]
    blended = blended.transpose(*order).astype(dtype, copy=False)
    blended = blended.assign_coords(horizon=names, year=("horizon", years.astype(np.int64)))
    blended.attrs = dict(values.attrs)
    blended.name = values.name
    return blended


def at_horizons(values: XarrayT, horizons: Mapping[str, int]) -> XarrayT:
    """Replace the ``epoch`` dim by ``horizon``, interpolating linearly between epoch centres.

    Parameters
    ----------
    values
        DataArray with an ``epoch`` dim (labels ``baseline``, ``"2030"``, ``"2050"`` or other
        4-digit years), or a Dataset (variables without ``epoch`` are kept as they are), e.g.
        ``HazardSample.dataset``.
    horizons
        Horizon name -> year, e.g. ``{"short": 2027, "mid": 2031, "long": 2050}``.

    Returns
    -------
    same type as ``values``
        ``horizon`` in place of ``epoch``, coordinates ``horizon`` (names) and ``year``.
        Exact at epoch centre years; clamped before the first and after the last centre.
        Whole-array: one pair of vectorised selections and one blend per array.
    """
    if not horizons:
        raise ValueError("no horizons given")
    names = [str(k) for k in horizons]
    years = np.asarray([int(v) for v in horizons.values()], dtype=np.int64)
    if isinstance(values, xr.Dataset):
        out = {}
        for name, var in values.data_vars.items():
            out[name] = _one(var, names, years) if "epoch" in var.dims else var
        result = xr.Dataset(out, attrs=dict(values.attrs))
        return result.drop_vars("epoch", errors="ignore")
    if "epoch" not in values.dims:
        raise ValueError("the array has no epoch dimension")
    return _one(values, names, years)


def blend_epochs(values: np.ndarray, epoch_years: Sequence[int], years: Sequence[int]
                 ) -> np.ndarray:
    """:func:`at_horizons` on a plain array (asset, scenario, epoch, ...) -> float64 by year.

    The epoch axis (axis 2) is replaced by one entry per year. The blend is done in the
    array's float type and only then widened to float64, exactly as :func:`at_horizons` does
    (which the tests check), in one compiled pass without temporaries.
    """
    values = np.asarray(values)
    if values.ndim < 3:
        raise ValueError("values need (asset, scenario, epoch, ...) dims")
    if values.dtype.kind != "f":
        values = values.astype(np.float64)
    lower, upper, t = horizon_weights(epoch_years, years)
    n, n_scen, n_epoch = values.shape[:3]
    rest = values.shape[3:]
    flat = np.ascontiguousarray(values).reshape(n, n_scen, n_epoch, -1)
    out = np.empty((n, n_scen, lower.size, flat.shape[3]), dtype=np.float64)
    _blend(flat, lower.astype(np.int64), upper.astype(np.int64), t.astype(values.dtype), out)
    return out.reshape((n, n_scen, lower.size, *rest))


@jit()
def _blend(values, lower, upper, weight, out):
    n, n_scen, _, n_rest = values.shape
    for i in range(n):
        for s in range(n_scen):
            for h in range(lower.shape[0]):
                e0, e1, w = lower[h], upper[h], weight[h]
                for k in range(n_rest):
                    x = values[i, s, e0, k]
                    if w > 0:  # in the array's float type, as at_horizons
                        x = x + w * (values[i, s, e1, k] - x)
                    out[i, s, h, k] = x
