"""Asset portfolios: the schema, reading and validation of a risk team's asset file."""

from climrisk.portfolio.model import Assumption, Portfolio
from climrisk.portfolio.read import read_portfolio

__all__ = ["Assumption", "Portfolio", "read_portfolio"]
