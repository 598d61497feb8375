"""The web page and JSON API: upload assets, see every problem, assess, download the report.

``climrisk serve`` starts it; :func:`create_app` builds the ASGI app for tests and embedding.
"""

from climrisk.web.app import create_app
from climrisk.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
