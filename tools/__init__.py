"""Build scripts of the packaged data files (run from a source checkout, not installed)."""
