"""Public testing tools: synthetic hazard layers, the model conformance check, strategies.

``climrisk.testing.strategies`` holds the hypothesis strategies; ``check_vulnerability_model``
is the conformance suite every built-in and plug-in vulnerability model must pass.
"""

from climrisk.testing.synthetic import (
    default_indicator,
    synthetic_layer,
    write_layer,
    write_synthetic_layer,
    write_synthetic_pack,
)
from climrisk.vulnerability.checks import check_vulnerability_model

__all__ = [
    "check_vulnerability_model",
    "default_indicator",
    "synthetic_layer",
    "write_layer",
    "write_synthetic_layer",
    "write_synthetic_pack",
]
