"""Transition risks and opportunities on IEA STEPS / NZE (or user) pathways.

Public API: :func:`read_pathways`, :class:`TransitionPathway`, :class:`TransitionSettings`,
:func:`assess_transition`, :class:`TransitionResult`, and the country -> region map
(:func:`read_country_regions`); summaries that keep expected cost, cost at risk and opportunity
apart (:func:`transition_summary`, :func:`top_transition_items`, :func:`target_sensitivity`).
See ``docs/transition.md``.
"""

from climrisk.transition.assess import TransitionResult, assess_transition
from climrisk.transition.drivers import (
    BASES,
    CHANNELS,
    DEFAULT_HORIZONS,
    DRIVERS,
    EXTRA_COLUMNS,
    MATRIX_COLUMNS,
    Driver,
)
from climrisk.transition.pathway import (
    DEFAULT_PATHWAY_FILE,
    REQUIRED_VARIABLES,
    VARIABLES,
    TransitionPathway,
    normalise_scenario,
)
from climrisk.transition.read import read_pathways
from climrisk.transition.regions import read_country_regions
from climrisk.transition.settings import (
    DEFAULT_FX_TO_USD,
    TransitionSettings,
    default_usd_per_unit,
)
from climrisk.transition.summary import (
    target_sensitivity,
    top_transition_items,
    transition_summary,
)

__all__ = [
    "BASES",
    "CHANNELS",
    "DEFAULT_FX_TO_USD",
    "DEFAULT_HORIZONS",
    "DEFAULT_PATHWAY_FILE",
    "DRIVERS",
    "EXTRA_COLUMNS",
    "MATRIX_COLUMNS",
    "REQUIRED_VARIABLES",
    "VARIABLES",
    "Driver",
    "TransitionPathway",
    "TransitionResult",
    "TransitionSettings",
    "assess_transition",
    "default_usd_per_unit",
    "normalise_scenario",
    "read_country_regions",
    "read_pathways",
    "target_sensitivity",
    "top_transition_items",
    "transition_summary",
]
