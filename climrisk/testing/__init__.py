"""Public testing tools: synthetic hazard layers (and, in ``strategies``, hypothesis strategies)."""

from climrisk.testing.synthetic import (
    default_indicator,
    synthetic_layer,
    write_layer,
    write_synthetic_layer,
    write_synthetic_pack,
)

__all__ = [
    "default_indicator",
    "synthetic_layer",
    "write_layer",
    "write_synthetic_layer",
    "write_synthetic_pack",
]
