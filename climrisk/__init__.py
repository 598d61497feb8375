"""climrisk: climate risk scenario assessment for a company's own portfolio."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("climrisk")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
