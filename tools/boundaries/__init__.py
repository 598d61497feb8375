"""Build the country-boundaries file and its cell table (``climrisk/data/boundaries``)."""
