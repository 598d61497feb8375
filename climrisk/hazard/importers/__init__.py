"""Importers: third-party hazard datasets converted into climrisk contract files.

``IMPORTERS`` maps the name used on the command line (``climrisk hazards import NAME``) to the
import function.
"""

from climrisk.hazard.importers.aqueduct import import_aqueduct_floods

__all__ = ["IMPORTERS", "import_aqueduct_floods"]

IMPORTERS = {"aqueduct-floods": import_aqueduct_floods}
"""Importer name -> function(sources, out_dir, **options) -> list of written paths."""
