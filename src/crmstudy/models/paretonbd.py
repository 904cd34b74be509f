"""The Pareto/NBD model: Schmittlein, Morrison & Colombo (1987), as formulated by Fader, Hardie & Lee.

Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987), "Counting Your Customers: Who Are They
and What Will They Do Next?", Management Science 33(1), 1-24. Likelihood and predictions follow
Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "A Note on Deriving the Pareto/NBD Model and
Related Expressions" (brucehardie.com/notes/009), and Fader, Hardie & Lee (2005b), "RFM and CLV:
Using Iso-Value Curves for Customer Base Analysis", J. Marketing Research 42(4), 415-430.

While alive, a customer buys at Poisson rate lambda; their unobserved lifetime is exponential with
rate mu. Across customers lambda ~ Gamma(r, alpha) and mu ~ Gamma(s, beta) (shapes r, s; rates
alpha, beta in the model's period). On Hardie's CDNOW sample summary (2,357 customers, weeks) FHL
report r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9594.98.

The likelihood's integral over the unobserved death time is evaluated in log space by
:func:`crmstudy.models._special.log_paretonbd_tail` (the difference of two tails, as in
:func:`~crmstudy.models._special.log_paretonbd_death_integral`), so heavy buyers (frequency in the
thousands) and recency = T stay finite.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from crmstudy.errors import ParameterError
from crmstudy.models._btyd import TransactionModel
from crmstudy.models._special import log1mexp, log_paretonbd_tail

__all__ = ["ParetoNBD"]


def _one_minus_power_over(s_minus_1, log_ratio):
    """``(1 - exp(-(s-1) L)) / (s-1)``, with its limit ``L`` at s = 1 (L = log ratio >= 0)."""
    small = np.abs(s_minus_1) < 1e-10
    safe = np.where(small, 1.0, s_minus_1)
    return np.where(small, log_ratio, -np.expm1(-safe * log_ratio) / safe)


class ParetoNBD(TransactionModel):
    """Pareto/NBD model fitted by maximum likelihood.

    Parameters after ``fit``: ``r``, ``alpha`` (purchase-rate heterogeneity: shape, rate per
    period) and ``s``, ``beta`` (death-rate heterogeneity: shape, rate per period).
    """

    param_names = ("r", "alpha", "s", "beta")
    model_name = "Pareto/NBD (Schmittlein, Morrison & Colombo 1987)"

    def _log_branches(self, params, x, t_x, T):
        """Log-likelihood of (alive at T) and of (died unobserved in (t_x, T]); FHL note eq. 18."""
        r, alpha, s, beta = params
        x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, t_x, T)))
        # Every term but the last difference depends on (x, T) or (x, t_x) only, which repeat
        # across rows (about 4,000 and 13,000 distinct pairs for 216,000 distinct rows of a
        # 10^6-customer base): evaluate each once per distinct pair. The death integral is
        # F(t_x) - F(T) (see _special.log_paretonbd_death_integral).
        (xu, tu), inv_u = self._distinct("x,t_x", x, t_x)
        (xl, tl), inv_l = self._distinct("x,T", x, T)
        common = special.gammaln(r + xl) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        alive = (common - (r + xl) * np.log(alpha + tl) - s * np.log(beta + tl))[inv_l]
        lower = log_paretonbd_tail(r, alpha, s, beta, xl, tl)[inv_l]
        upper = log_paretonbd_tail(r, alpha, s, beta, xu, tu)[inv_u]
        integral = upper + log1mexp(np.minimum(lower - upper, 0.0))
        dead = (common + np.log(s))[inv_l] + integral
        return alive.reshape(x.shape), dead.reshape(x.shape)

    def _conditional_expected(self, params, t, x, t_x, T):
        """FHL note eq. 25 (SMC 1987 eq. 22):

        ``E[Y(t)|x,t_x,T] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
        * P(alive)``.
        """
        r, alpha, s, beta = params
        p_alive = np.exp(self._log_p_alive(params, x, t_x, T))
        log_ratio = np.log(beta + T + t) - np.log(beta + T)
        return (
            (r + x) * (beta + T) / (alpha + T) * _one_minus_power_over(s - 1.0, log_ratio) * p_alive
        )

    def _simulate_future_alive(self, params, x, t_x, T, t, rng):
        """Alive at T: lambda ~ Gamma(r+x, alpha+T), mu ~ Gamma(s, beta+T); the remaining
        lifetime is Exp(mu) (memoryless), and purchases Poisson(lambda min(lifetime, t))."""
        r, alpha, s, beta = params
        lam = rng.gamma(r + x, 1.0 / (alpha + T))
        mu = rng.gamma(s, 1.0 / (beta + T))
        life = rng.exponential(1.0 / mu)
        return rng.poisson(lam * np.minimum(life, t))

    def _new_customer_expected(self, params, t):
        """FHL note eq. 17: ``E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]``."""
        r, alpha, s, beta = params
        log_ratio = np.log(beta + t) - np.log(beta)
        return r * beta / alpha * _one_minus_power_over(s - 1.0, log_ratio)

    def _pmf(self, params, n, t):
        """P(X(t) = x) for a new customer (FHL note, section 3, before integration over tau).

        ``NBD(x; t) (beta/(beta+t))^s + integral_0^t NBD(x; tau) dG(tau)``: alive throughout, or
        died at tau ~ G after buying x times, where ``G(tau) = 1 - (beta/(beta+tau))^s`` is the
        Pareto (II) distribution of the death time. Substituting ``u = G(tau)`` makes the integrand
        bounded and smooth; it is evaluated with 128-point Gauss-Legendre quadrature (checked
        against adaptive quadrature in the tests).
        """
        r, alpha, s, beta = params
        n, t = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(t, dtype=float))
        nodes, weights = np.polynomial.legendre.leggauss(128)
        # u = G(t): probability of death before the horizon.
        upper = -np.expm1(s * (np.log(beta) - np.log(beta + t)))
        u = 0.5 * upper[..., None] * (nodes + 1.0)
        tau = beta * np.expm1(-np.log1p(-u) / s)
        died = (
            0.5
            * upper
            * np.sum(weights * stats.nbinom.pmf(n[..., None], r, alpha / (alpha + tau)), axis=-1)
        )
        alive = stats.nbinom.pmf(n, r, alpha / (alpha + t)) * (1.0 - upper)
        return alive + died

    def discounted_expected_residual_transactions(
        self,
        summary=None,
        *,
        continuous_discount_rate,
        frequency=None,
        recency=None,
        T=None,
        interval=None,
        method="asymptotic",
        n_draws=1000,
        seed=None,
    ):
        """DERT: the present value of a customer's future purchases, FHL (2005b) eq. 2.

        ``DERT = integral_0^inf e^{-delta t} (d/dt) E[Y(t) | x, t_x, T] dt``
        ``= P(alive) * (r+x)/(alpha+T) * (beta+T)^s delta^(s-1) Psi(s, s; delta (beta+T))``,
        with Psi Tricomi's confluent hypergeometric function (``scipy.special.hyperu``).

        ``continuous_discount_rate`` (delta) is the continuously compounded discount rate **per
        model period** (``model.period``): a 15% annual rate on a weekly model is
        ``log(1.15) / 52.18 = 0.00268`` (FHL 2005b use 15% a year; convert with
        ``numpy.log1p(crmstudy.units.convert_rate(0.15, "Y", model.period))``). The result is in
        purchases (multiply by margin x expected spend for the CLV of FHL 2005b eq. 1).
        ``summary`` or arrays by keyword, as for :meth:`expected_purchases`; ``interval`` etc.
        give an interval over parameter draws.
        """
        delta = continuous_discount_rate
        if not (isinstance(delta, int | float | np.floating) and np.isfinite(delta) and delta > 0):
            raise ParameterError(
                f"continuous_discount_rate must be a number > 0 (continuously compounded, per "
                f"model period {self.period!r}), got {delta!r}"
            )
        data, _ = self._prediction_data(
            "discounted_expected_residual_transactions",
            summary,
            (),
            {"frequency": frequency, "recency": recency, "T": T},
        )

        def compute(params, x, tx, tt):
            r, alpha, s, beta = params
            p_alive = np.exp(self._log_p_alive(params, x, tx, tt))
            z = delta * (beta + tt)
            # (beta+T)^s delta^(s-1) Psi(s, s; z) = (beta+T) z^(s-1) Psi(s, s; z).
            mean_discount = (beta + tt) * np.exp((s - 1.0) * np.log(z)) * special.hyperu(s, s, z)
            return p_alive * (r + x) / (alpha + tt) * mean_discount

        return self._predict(
            "discounted_expected_residual_transactions",
            data,
            compute,
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )

    def discounted_expected_transactions(
        self, discount_rate: float, discount_period: str, frequency, recency=None, T=None
    ):
        """Deprecated: use :meth:`discounted_expected_residual_transactions`.

        ``discount_rate`` d per ``discount_period`` (in (0, 1)) becomes the continuous rate per
        model period ``log(1 + convert_rate(d, discount_period, model.period))``.
        """
        from crmstudy.models._data import warn_old_call
        from crmstudy.units import convert_rate

        self._check_fitted()
        if not (isinstance(discount_rate, int | float) and 0 < discount_rate < 1):
            raise ParameterError(
                f"discount_rate (per {discount_period}) must be in (0, 1) for an infinite "
                f"horizon, got {discount_rate!r}"
            )
        warn_old_call(
            "discounted_expected_transactions(discount_rate, discount_period, ...)",
            "discounted_expected_residual_transactions(summary, continuous_discount_rate=...) "
            "with the continuously compounded rate per model period",
        )
        delta = float(np.log1p(convert_rate(float(discount_rate), discount_period, self.period)))
        if isinstance(frequency, pd.DataFrame):
            out = self.discounted_expected_residual_transactions(
                frequency, continuous_discount_rate=delta
            )
            return out.rename("discounted_expected_transactions")
        return self.discounted_expected_residual_transactions(
            continuous_discount_rate=delta, frequency=frequency, recency=recency, T=T
        )
