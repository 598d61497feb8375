"""Adaptation measures: a sourced catalogue, each re-run through the engine, benefit-cost."""

from climrisk.adaptation.assess import (
    ADAPTATION_COLUMNS,
    AdaptationSettings,
    Plan,
    assess_adaptation,
    default_plans,
    plans_from_settings,
    settings_from_mapping,
)
from climrisk.adaptation.catalogue import Measure, load_catalogue

__all__ = [
    "ADAPTATION_COLUMNS",
    "AdaptationSettings",
    "Measure",
    "Plan",
    "assess_adaptation",
    "default_plans",
    "load_catalogue",
    "plans_from_settings",
    "settings_from_mapping",
]
