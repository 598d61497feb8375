"""One pint unit registry for climrisk: parse, compare and convert the ``units`` of arrays.

Hazard layers carry their units as a CF-style text attribute (``"m"``, ``"day/year"``,
``"K*day/year"``, ``"m/s"``, ``"1/year"``, ``"1"``). Everything that reads or converts such a
text goes through :data:`ureg` so that spellings such as ``"days/yr"`` and ``"day/year"`` are
recognised as the same unit.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pint

__all__ = ["UnitError", "convert", "format_units", "parse_units", "same_units", "ureg"]

ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
"""The shared unit registry (pint)."""


class UnitError(ValueError):
    """A units text that pint cannot parse, or two units that cannot be converted."""


@functools.lru_cache(maxsize=256)
def parse_units(text: str) -> pint.Unit:
    """Parse a units text such as ``"K*day/year"``.

    Parameters
    ----------
    text
        Units as written in a file's ``units`` attribute. ``"1"`` means dimensionless.

    Returns
    -------
    pint.Unit
        The parsed unit.

    Raises
    ------
    UnitError
        The text is empty or names a unit pint does not know.
    """
    if not isinstance(text, str) or not text.strip():
        raise UnitError("units are empty")
    try:
        return ureg.parse_units(text.strip())
    except Exception as exc:  # pint raises many types (even AssertionError) for bad text
        reason = str(exc) or type(exc).__name__
        raise UnitError(f"units {text!r} cannot be parsed: {reason}") from None


def format_units(text: str) -> str:
    """Return the canonical short spelling of a units text (``"days/yr"`` -> ``"d / a"``)."""
    return f"{parse_units(text):~}"


def same_units(a: str, b: str) -> bool:
    """Whether two units texts denote the same unit (not merely the same dimension)."""
    try:
        ua, ub = parse_units(a), parse_units(b)
    except UnitError:
        return False
    if ua.dimensionality != ub.dimensionality:
        return False
    return bool(np.isclose(ureg.Quantity(1.0, ua).to(ub).magnitude, 1.0))


def convert(values: Any, from_units: str, to_units: str) -> Any:
    """Convert numbers from one unit to another.

    Parameters
    ----------
    values
        Scalar, numpy array or xarray object holding magnitudes in ``from_units``.
    from_units, to_units
        Units texts (pint-parseable).

    Returns
    -------
    same type as ``values``
        The magnitudes in ``to_units``. xarray objects get their ``units`` attribute updated.

    Raises
    ------
    UnitError
        A units text cannot be parsed or the units have different dimensions.
    """
    source, target = parse_units(from_units), parse_units(to_units)
    try:
        if source.dimensionality != target.dimensionality:
            raise pint.errors.DimensionalityError(source, target)
        zero = ureg.Quantity(0.0, source).to(target).magnitude
        factor = ureg.Quantity(1.0, source).to(target).magnitude - zero
    except pint.errors.PintError as exc:
        raise UnitError(f"cannot convert {from_units!r} to {to_units!r}: {exc}") from None
    out = values * factor + zero if zero else values * factor
    if hasattr(out, "attrs"):
        out.attrs = {**getattr(values, "attrs", {}), "units": to_units}
    return out
