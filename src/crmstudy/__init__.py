"""crmstudy: the classic claims of customer relationship management, put to the test.

The package holds the metric and model code; the notebooks under ``notebooks/`` hold the narrative
and call into it. Modules, one concept each: ``datasets``, ``transactions``, ``retention``, ``clv``,
``acquisition``, ``churn_profit``, ``concentration``, ``value``, ``satisfaction``, ``models``,
``plots``, ``reports``.
"""

from importlib.metadata import PackageNotFoundError, version

from crmstudy.errors import ConvergenceError, CrmstudyError, DataError, ParameterError
from crmstudy.record import read_results, record

try:
    __version__ = version("crmstudy")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = [
    "ConvergenceError",
    "CrmstudyError",
    "DataError",
    "ParameterError",
    "__version__",
    "read_results",
    "record",
]
