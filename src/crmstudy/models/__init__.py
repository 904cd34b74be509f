"""Probability models of customer behaviour, fitted by maximum likelihood.

One module per model, each a subclass of :class:`crmstudy.models._base.LikelihoodModel`:

* :class:`~crmstudy.models.sbg.ShiftedBetaGeometric`: contractual retention (Fader & Hardie 2007).
* :class:`~crmstudy.models.bgnbd.BGNBD`: Fader, Hardie & Lee (2005a).
* :class:`~crmstudy.models.mbgnbd.MBGNBD`: Batislam, Denizel & Filiztekin (2007).
* :class:`~crmstudy.models.paretonbd.ParetoNBD`: Schmittlein, Morrison & Colombo (1987).
* :class:`~crmstudy.models.bgbb.BGBB`: Fader, Hardie & Shang (2010), discrete opportunities.
* :class:`~crmstudy.models.gammagamma.GammaGamma`: spend per transaction (Fader & Hardie 2013).

:mod:`crmstudy.models.diagnostics` builds the tables the validation plots draw. Customer lifetime
value, which combines a purchase model and Gamma-Gamma, lives in :mod:`crmstudy.clv`
(``crmstudy.models.customer_lifetime_value`` still works for one release, with a warning).
"""

from crmstudy._moved import moved
from crmstudy.models import diagnostics
from crmstudy.models.bgbb import BGBB
from crmstudy.models.bgnbd import BGNBD
from crmstudy.models.gammagamma import GammaGamma
from crmstudy.models.mbgnbd import MBGNBD
from crmstudy.models.paretonbd import ParetoNBD
from crmstudy.models.sbg import ShiftedBetaGeometric

__all__ = [
    "BGBB",
    "BGNBD",
    "MBGNBD",
    "GammaGamma",
    "ParetoNBD",
    "ShiftedBetaGeometric",
    "diagnostics",
]

__getattr__ = moved(
    __name__,
    {
        "customer_lifetime_value": "crmstudy.clv:customer_lifetime_value",
        "top_customer_overlap": "crmstudy.targeting:top_customer_overlap",
    },
)
