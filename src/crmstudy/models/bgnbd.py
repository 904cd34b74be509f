"""The BG/NBD model: Fader, Hardie & Lee (2005a), "Counting your customers the easy way".

Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "'Counting Your Customers' the Easy Way: An
Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284.

While alive, a customer buys at Poisson rate lambda; after each repeat purchase they die (become
inactive for good) with probability p. Across customers lambda ~ Gamma(r, alpha) (shape r, rate
alpha) and p ~ Beta(a, b). Data per customer: ``frequency`` x (repeat purchases), ``recency`` t_x
(time of the last one, from the first purchase) and ``T`` (time from first purchase to the end of
calibration), all times in the summary's period. On Hardie's CDNOW sample summary (2,357
customers, weeks) the paper reports r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.

The modified model MBG/NBD (:mod:`crmstudy.models.mbgnbd`) differs only in letting customers die
at time 0 too; both share this implementation through ``_shift`` (0 here, 1 there), which moves
the beta posterior by one death opportunity.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from scipy import special, stats

from crmstudy.models._bg_totals import BGRows, bg_totals
from crmstudy.models._btyd import TransactionModel
from crmstudy.models._special import bg_future_factor

__all__ = ["BGNBD"]


class BGNBD(TransactionModel):
    """BG/NBD (beta-geometric / negative binomial distribution) model, fitted by ML.

    Parameters after ``fit``: ``r``, ``alpha`` (Gamma heterogeneity of the purchase rate: shape, and
    rate in the model's period, so the mean rate is r/alpha purchases per period), ``a``, ``b``
    (Beta heterogeneity of the drop-out probability after each purchase).

    Examples
    --------
    >>> from crmstudy.datasets import load_cdnow_summary
    >>> model = BGNBD().fit(load_cdnow_summary())   # doctest: +SKIP
    >>> model.expected_purchases(39, frequency=2, recency=30.43, T=38.86)  # doctest: +SKIP
    """

    param_names = ("r", "alpha", "a", "b")
    model_name = "BG/NBD (Fader, Hardie & Lee 2005a)"
    #: 0 for BG/NBD (death only after a repeat purchase), 1 for MBG/NBD (also at time 0).
    _shift: int = 0
    #: Every row is fitted, uncompressed: an evaluation with the Hessian costs ~20 ns per row
    #: (:mod:`crmstudy.models._bg_totals`), so a Newton fit on 10^6 customers (a subsample's
    #: fit, then 3-4 passes over every row: 0.15-0.25 s) takes less time than grouping the rows
    #: alone would (0.35-0.55 s), whether or not they repeat.
    compress_fit_rows = False

    def _death_possible(self, x):
        """Whether the 'died after the last purchase' branch exists (x > 0 for BG/NBD)."""
        return (x > 0) | (self._shift > 0)

    def _log_branches(self, params, x, t_x, T):
        """Log-likelihood of (alive at T) and of (died right after the last purchase).

        FHL (2005a) eq. 6 (BG/NBD); Batislam et al. (2007) eq. 4 (MBG/NBD with _shift = 1).
        """
        r, alpha, a, b = params
        k = self._shift
        x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, t_x, T)))
        # The gamma and beta functions depend on x alone, which takes few distinct values (tens,
        # against thousands of rows): evaluate them once per value.
        (xs,), inverse = self._distinct("x", x)
        common = (
            special.gammaln(r + xs) - special.gammaln(r) + r * np.log(alpha) - special.betaln(a, b)
        )
        possible_xs = self._death_possible(xs)
        # b + x + k - 1 > 0 wherever the branch exists; guard the others before betaln.
        b_dead = np.where(possible_xs, b + xs + k - 1.0, 1.0)
        alive_x = (common + special.betaln(a, b + xs + k))[inverse].reshape(x.shape)
        dead_x = np.where(possible_xs, common + special.betaln(a + 1.0, b_dead), -np.inf)
        dead_x = dead_x[inverse].reshape(x.shape)
        alive = alive_x - (r + x) * np.log(alpha + T)
        possible = self._death_possible(x)
        dead = dead_x - (r + x) * np.log(alpha + t_x)
        return alive, np.where(possible, dead, -np.inf)

    def _loglik_grad_rows(self, params, data):
        """Gradient of each row's log-likelihood in (r, alpha, a, b); see _loglik_and_grad_rows."""
        return self._loglik_and_grad_rows(params, data)[1]

    def _loglik_and_grad_rows(self, params, data):
        """Row log-likelihoods (FHL 2005a eq. 6) and their gradient, shape ``(n_rows, 4)``.

        With ``A`` and ``D`` the logs of the two branches of :meth:`_log_branches` and
        ``pD = D / (A + D)`` on the natural scale, d LL = (1 - pD) dA + pD dD. Writing
        ``psi`` for the digamma function and ``n = x + _shift``:

        * d/dr: ``psi(r+x) - psi(r) + log(alpha) - log(alpha+T) + pD log((alpha+T)/(alpha+t_x))``;
        * d/dalpha: ``r/alpha - (r+x) [(1-pD)/(alpha+T) + pD/(alpha+t_x)]``;
        * d/da: ``psi(a+b) - psi(a+b+n) + pD/a`` (B(a+1, .) = B(a, .) a/(a+b+n-1));
        * d/db: ``psi(a+b) - psi(b) + psi(b+n) - psi(a+b+n) - pD/(b+n-1)``.
        """
        t = self._pair_terms(params, data)
        a = params[2]
        inv_a, inv_d = t.inv_a, t.inv_d
        grad = np.empty((inv_a.size, 4))
        grad[:, 0] = t.alive_r[inv_a] + t.p_dead * (t.log_ta[inv_a] - t.log_td[inv_d])
        a_alpha = t.alive_alpha[inv_a]
        grad[:, 1] = a_alpha + t.p_dead * (t.dead_alpha[inv_d] - a_alpha)
        grad[:, 2] = t.alive_a[inv_a] + t.p_dead / a
        grad[:, 3] = t.alive_b[inv_a] - t.p_dead / t.b_dead[inv_d]
        return t.ll, grad

    def _pair_terms(self, params, data):
        """What the likelihood and its gradient need, per distinct pair and per row.

        The alive branch depends on (x, T) only and the dead one on (x, t_x) only; both take far
        fewer distinct values than there are rows (about 4,000 and 13,000 against 216,000 rows
        for 10^6 customers): each branch and its derivatives are evaluated once per pair, and
        the gamma, beta and digamma terms once per distinct x (about a hundred values). Per row:
        the log-likelihood ``ll`` and the drop-out share ``p_dead``.
        """
        r, alpha, a, b = params
        k = self._shift
        x, t_x, T = (np.asarray(data[c], dtype=float) for c in ("x", "t_x", "T"))
        (xa, ta), inv_a = self._distinct("x,T", x, T)
        (xd, td), inv_d = self._distinct("x,t_x", x, t_x)
        (xs,), _ = self._distinct("x", x)
        at_a, at_d = np.searchsorted(xs, xa), np.searchsorted(xs, xd)
        log_alpha = np.log(alpha)
        psi_ab = special.digamma(a + b)
        common = special.gammaln(r + xs) - special.gammaln(r) + r * log_alpha - special.betaln(a, b)
        possible = self._death_possible(xs)
        b_dead_x = np.where(possible, b + xs + k - 1.0, 1.0)
        alive_x = common + special.betaln(a, b + xs + k)
        dead_x = np.where(possible, common + special.betaln(a + 1.0, b_dead_x), -np.inf)
        alive_a_x = psi_ab - special.digamma(a + b + xs + k)
        alive_b_x = alive_a_x - special.digamma(b) + special.digamma(b + xs + k)
        alive_r_x = special.digamma(r + xs) - special.digamma(r) + log_alpha
        log_ta = np.log(alpha + ta)
        log_td = np.log(alpha + td)
        alive_p = alive_x[at_a] - (r + xa) * log_ta
        dead_p = dead_x[at_d] - (r + xd) * log_td
        alive, dead = alive_p[inv_a], dead_p[inv_d]
        diff = dead - alive
        # log(e^A + e^D) = max + log1p(e^-|A-D|); pD = e^D / (e^A + e^D) = expit(D - A).
        return SimpleNamespace(
            inv_a=inv_a,
            inv_d=inv_d,
            ll=np.maximum(alive, dead) + np.log1p(np.exp(-np.abs(diff))),
            p_dead=special.expit(diff),
            alive_r=alive_r_x[at_a] - log_ta,
            log_ta=log_ta,
            log_td=log_td,
            alive_alpha=r / alpha - (r + xa) / (alpha + ta),
            dead_alpha=r / alpha - (r + xd) / (alpha + td),
            alive_a=alive_a_x[at_a],
            alive_b=alive_b_x[at_a],
            b_dead=b_dead_x[at_d],
        )

    def _bg_rows(self, data, w) -> BGRows:
        """The fit's rows arranged for :func:`crmstudy.models._bg_totals.bg_totals`, built once."""
        # No ravel: it would copy the strided columns of a subsample on every call.
        columns = [np.asarray(data[c], dtype=float) for c in ("x", "t_x", "T")]
        weights = np.asarray(w, dtype=float)
        return self._cached(
            "bg_rows", [*columns, weights], lambda: BGRows.build(*columns, weights, self._shift)
        )

    def _loglik_grad_hess_total(self, params, data, weights, order=2):
        """Weighted totals of the log-likelihood, gradient and exact Hessian (one pass).

        See :mod:`crmstudy.models._bg_totals`: x-only terms are tables over the distinct x, and
        the per-row work is two logarithms, two reciprocals, one exponential and one log1p,
        in cache-sized blocks. The fit uses it for Newton's method (any number of rows).
        """
        return bg_totals(params, self._bg_rows(data, weights), order)

    def _loglik_and_grad_total(self, params, data, w):
        """The weighted total of :meth:`_loglik_and_grad_rows`: ``(sum w ll, sum w grad)``.

        The same sums as the row-wise arrays (to rounding: a test), from the one-pass totals.
        """
        ll, grad, _ = self._loglik_grad_hess_total(params, data, w, 1)
        return ll, grad

    def _conditional_expected(self, params, t, x, t_x, T):
        """FHL (2005a) eq. 10: E[Y(t) | x, t_x, T] = P(alive) * E[(1-e^{-lambda p t})/p | alive]."""
        r, alpha, a, b = params
        p_alive = np.exp(self._log_p_alive(params, x, t_x, T))
        return p_alive * bg_future_factor(r + x, alpha + T, a, b + x + self._shift, t)

    def _simulate_future_alive(self, params, x, t_x, T, t, rng):
        """Alive at T: lambda ~ Gamma(r+x, alpha+T), p ~ Beta(a, b+x+shift); after each of the
        Poisson(lambda t) purchases the customer dies with probability p, so the count is
        ``min(N, K)`` with ``K ~ Geometric(p)`` on 1, 2, ... (FHL 2005a, section 2)."""
        r, alpha, a, b = params
        lam = rng.gamma(r + x, 1.0 / (alpha + T))
        p = rng.beta(a, b + x + self._shift)
        return np.minimum(rng.poisson(lam * t), rng.geometric(p))

    def _new_customer_expected(self, params, t):
        """FHL (2005a) eq. 9: E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r,b;a+b-1;t/(alpha+t))].

        For MBG/NBD a new customer is alive after time 0 with probability b/(a+b) and then
        behaves like a BG/NBD customer with p ~ Beta(a, b+1) (Batislam et al. 2007, eq. 8).
        """
        r, alpha, a, b = params
        if self._shift == 0:
            return bg_future_factor(r, alpha, a, b, t)
        return b / (a + b) * bg_future_factor(r, alpha, a, b + 1.0, t)

    def _pmf(self, params, n, t):
        """FHL (2005a) eq. 8: P(X(t) = x) for a new customer; MBG/NBD: Batislam et al. eq. 7.

        ``sf`` is the NBD probability of at least x purchases in t (the customer made x and then
        died): ``1 - sum_{j<x} NBD(j)``.
        """
        r, alpha, a, b = params
        n, t = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(t, dtype=float))
        k = self._shift
        prob = alpha / (alpha + t)
        log_nbd = stats.nbinom.logpmf(n, r, prob)
        keep = special.betaln(a, b + n + k) - special.betaln(a, b) + log_nbd
        possible = self._death_possible(n)
        b_dead = np.where(possible, b + n + k - 1.0, 1.0)
        log_sf = stats.nbinom.logsf(n - 1.0, r, prob)
        died = special.betaln(a + 1.0, b_dead) - special.betaln(a, b) + log_sf
        return np.exp(np.logaddexp(keep, np.where(possible, died, -np.inf)))
