"""Writing results: atomic output folders and the run manifest."""
