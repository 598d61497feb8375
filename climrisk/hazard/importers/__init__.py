"""Importers: third-party hazard datasets converted into climrisk contract files.

``IMPORTERS`` maps the name used on the command line (``climrisk hazards import NAME``) to the
import function.
"""

from climrisk.hazard.importers.aqueduct import import_aqueduct_floods
from climrisk.hazard.importers.aqueduct_water import import_aqueduct_water
from climrisk.hazard.importers.cds_indices import import_cds_indices
from climrisk.hazard.importers.cmip6_daily import import_cmip6_daily
from climrisk.hazard.importers.fwi import import_fwi
from climrisk.hazard.importers.storm import import_storm

__all__ = [
    "IMPORTERS",
    "import_aqueduct_floods",
    "import_aqueduct_water",
    "import_cds_indices",
    "import_cmip6_daily",
    "import_fwi",
    "import_storm",
]

IMPORTERS = {
    "aqueduct-floods": import_aqueduct_floods,
    "cmip6-daily": import_cmip6_daily,
    "aqueduct-water": import_aqueduct_water,
    "storm": import_storm,
    "fwi": import_fwi,
    "cds-indices": import_cds_indices,
}
"""Importer name -> function(sources, out_dir, **options) -> list of written paths."""
