"""Reference data shipped with climrisk; each folder has a ``SOURCES.md`` (source, licence)."""

__all__: list[str] = []
