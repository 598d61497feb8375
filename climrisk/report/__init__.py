"""Renderers of an assessment: result tables (CSV, Parquet), the PDF report, locales."""
