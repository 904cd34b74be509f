"""The MBG/NBD model: Batislam, Denizel & Filiztekin (2007).

Batislam, E. P., Denizel, M. and Filiztekin, A. (2007), "Empirical validation and comparison of
models for customer base analysis", International Journal of Research in Marketing 24(3),
201-209.

As BG/NBD (:mod:`crmstudy.models.bgnbd`), but a customer may also drop out at time 0, right after
the first purchase, so a customer without repeat purchases is no longer certainly alive. Every
formula is the BG/NBD one with the Beta posterior of the drop-out probability moved by one death
opportunity (``b + x`` becomes ``b + x + 1``); the shared implementation lives in
:class:`crmstudy.models.bgnbd.BGNBD` behind ``_shift = 1``.

Validation: no published MLE on Hardie's CDNOW summary was found to reproduce, so the tests check
the likelihood against direct numerical integration over (lambda, p), the predictions against
quadrature and against Monte Carlo simulation (:func:`crmstudy.simulate.simulate_mbgnbd`), and
the fit against the parameters a simulated base was drawn from.
"""

from __future__ import annotations

from crmstudy.models.bgnbd import BGNBD

__all__ = ["MBGNBD"]


class MBGNBD(BGNBD):
    """MBG/NBD model fitted by maximum likelihood: parameters ``r``, ``alpha``, ``a``, ``b``.

    Likelihood (Batislam et al. 2007, eq. 4): ``B(a, b+x+1)/B(a,b) * A(T) + B(a+1, b+x)/B(a,b) *
    A(t_x)`` with ``A(t) = Gamma(r+x) alpha^r / (Gamma(r) (alpha+t)^(r+x))``, for every x >= 0.
    """

    model_name = "MBG/NBD (Batislam, Denizel & Filiztekin 2007)"
    _shift = 1
