"""The Pareto/NBD model: Schmittlein, Morrison & Colombo (1987), as formulated by Fader, Hardie & Lee.

Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987), "Counting Your Customers: Who Are They
and What Will They Do Next?", Management Science 33(1), 1-24. Likelihood and predictions follow
Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "A Note on Deriving the Pareto/NBD Model and
Related Expressions" (brucehardie.com/notes/009), and Fader, Hardie & Lee (2005b), "RFM and CLV:
Using Iso-Value Curves for Customer Base Analysis", J. Marketing Research 42(4), 415-430.

While alive, a customer buys at Poisson rate lambda; their unobserved lifetime is exponential with
rate mu. Across customers lambda ~ Gamma(r, alpha) and mu ~ Gamma(s, beta) (shapes r, s; rates
alpha, beta in the model's period). On Hardie's CDNOW sample summary (2,357 customers, weeks) FHL
report r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9594.98 (the likelihood is
flat in beta there: its maximum, with the analytic gradient, is at beta = 11.6679).

The likelihood's integral over the unobserved death time is evaluated two ways. Predictions
(P(alive), expectations) use the closed form in log space,
:func:`crmstudy.models._special.log_paretonbd_tail` (the difference of two tails, as in
:func:`~crmstudy.models._special.log_paretonbd_death_integral`), so heavy buyers (frequency in the
thousands) and recency = T stay finite. The fit uses the same integral on a grid of times shared
by all rows of one frequency (:class:`_DeathGrid`), with the analytic gradient: every distinct row
costs a few array operations instead of hypergeometric series (equal to the closed form to
~1e-13, tests/test_paretonbd.py). Large fits start next to the optimum
(:meth:`ParetoNBD._initial_params`).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import special, stats

from crmstudy.errors import ConvergenceError, ParameterError
from crmstudy.models._base import _row_groups, _same_frozen
from crmstudy.models._btyd import TransactionModel
from crmstudy.models._special import log1mexp, log_paretonbd_tail, paretonbd_segment_moments

__all__ = ["ParetoNBD"]


def _one_minus_power_over(s_minus_1, log_ratio):
    """``(1 - exp(-(s-1) L)) / (s-1)``, with its limit ``L`` at s = 1 (L = log ratio >= 0)."""
    small = np.abs(s_minus_1) < 1e-10
    safe = np.where(small, 1.0, s_minus_1)
    return np.where(small, log_ratio, -np.expm1(-safe * log_ratio) / safe)


#: A segment with ``h * (|d log g/d tau| + 4/(c + tau)) <=`` this takes the corrected trapezoid
#: rule (relative error about that^4 / 720 < 6e-14, ``c + tau`` being the distance to the
#: nearest pole of the integrand); the others Gauss rules.
_TRAPEZOID_DROP = 2.5e-3
#: A frequency whose integrand spans more than this (log scale) between its first and last time
#: cannot share one floating-point scale: its rows are integrated one by one.
_GROUP_RANGE = 1300.0


def _rising(r, xs, longest: int = 100_000):
    """``log Gamma(r+x) - log Gamma(r)`` and ``psi(r+x) - psi(r)`` for the whole numbers ``xs``.

    As sums of ``log(r+j)`` and ``1/(r+j)`` over ``j < x`` (one cumulative sum up to the largest
    x): no cancellation between two large values when r is large, as it is where an optimiser
    follows a flat ridge; through the special functions beyond ``longest``.
    """
    top = int(xs[-1]) if xs.size else 0
    if top > longest:
        return (
            special.gammaln(r + xs) - special.gammaln(r),
            special.digamma(r + xs) - special.digamma(r),
        )
    j = r + np.arange(top)
    at = xs.astype(np.int64)
    log_sum = np.concatenate([[0.0], np.cumsum(np.log(j))])[at]
    inv_sum = np.concatenate([[0.0], np.cumsum(1.0 / j)])[at]
    return log_sum, inv_sum


class _DeathGrid:
    """The times at which a fit needs the death integral, grouped by frequency and sorted.

    The death integral of a row, ``integral_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1)
    dtau``, depends on the row's frequency through the exponent only. All rows of one frequency
    share one sorted list of times (every recency and every T of that frequency); the integral
    between consecutive times ("segments") is computed once, and a row's integral is the sum of
    the segments between its two times: a difference of two cumulative sums taken from the
    latest time down (the integrand decreases in tau, so the later part of a sum is the small
    part and the difference loses nothing that matters; see ``_moments``). On a base where every
    row is distinct, consecutive times are close, and most segments need only the end-point
    values (corrected trapezoid rule); the others take Gauss pieces
    (:func:`crmstudy.models._special.paretonbd_segment_moments`).
    """

    def __init__(self, x, t_x, T):
        n = x.size
        self.xs, self.row_group = np.unique(x, return_inverse=True)
        group = np.concatenate([self.row_group, self.row_group])
        member, inverse = _row_groups([group.astype(float), np.concatenate([t_x, T])])
        self.point_group = group[member]
        self.y = np.concatenate([t_x, T])[member]
        # Rows are taken in the order of their T on the grid, so that the many per-row reads at
        # T run through memory in order; ``order`` maps back.
        self.order = np.argsort(inverse[n:], kind="stable")
        self.i_tx, self.i_T = inverse[:n][self.order], inverse[n:][self.order]
        self.row_group = self.row_group[self.order]
        counts = np.bincount(self.point_group, minlength=self.xs.size)
        self.ends = np.cumsum(counts)
        self.starts = self.ends - counts
        self.point_x = self.xs[self.point_group]
        # Segment k runs from point k to point k + 1 (the last point of a group has none).
        self.h = np.zeros(self.y.size)
        self.h[:-1] = np.diff(self.y)
        self.h[self.ends - 1] = 0.0
        self.half_h = 0.5 * self.h
        self.h2_12 = self.h * self.h / 12.0
        self.row_x = self.xs[self.row_group]
        self.bounds = list(zip(self.starts.tolist(), self.ends.tolist(), strict=True))

    def point_buffer(self, name, rows=None):
        """A scratch array of one value per time (``rows`` of them), kept for the next call."""
        return self._buffer(("p", name), self.y.size, rows)

    def row_buffer(self, name, rows=None):
        """A scratch array of one value per data row (``rows`` of them), kept likewise."""
        return self._buffer(("r", name), self.i_T.size, rows)

    def _buffer(self, key, n, rows):
        buffers = self.__dict__.setdefault("_buffers", {})
        out = buffers.get(key)
        if out is None:
            out = buffers[key] = np.empty(n if rows is None else (rows, n))
        return out

    def unsort(self, values):
        """Per-row ``values`` (first axis) from the grid's row order back to the data's."""
        out = np.empty_like(values)
        out[self.order] = values
        return out


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

    #: Above this many distinct rows a fit starts from the optimum of a coarse copy of the data
    #: (:meth:`_initial_params`); below it (every published fit) from the generic start.
    coarse_start_rows: ClassVar[int] = 20_000
    #: The coarse copy rounds times to this fraction of the longest T.
    coarse_resolution: ClassVar[float] = 0.01
    _is_coarse: bool = False

    def _initial_params(self, data, weights):
        """A start next to the optimum, for fits on many distinct rows.

        The optimiser (L-BFGS-B) needs 25-30 evaluations of the likelihood from the generic
        start, and still about 20 from 1% off the optimum. On a large base the start is found
        instead by (1) fitting a copy with recency and T rounded to 1% of the longest T (a few
        thousand distinct rows: ~0.1 s), then (2) a few steps ``theta + H^-1 grad LL`` on the
        full data with that fit's Hessian ``H`` (a preconditioned fixed-point iteration: it
        converges by the factor by which the two Hessians differ, a few percent, per step).
        The optimiser then starts at the optimum and stops within a few evaluations; the
        estimate is the full data's maximum either way (the same convergence test applies).
        Any failure falls back to the generic start.
        """
        start = super()._initial_params(data, weights)
        if self._is_coarse or len(weights) <= self.coarse_start_rows:
            return start
        try:
            with np.errstate(all="ignore"):
                return self._coarse_start(data, weights, start)
        except (
            ConvergenceError,
            np.linalg.LinAlgError,
            ValueError,
            ZeroDivisionError,
            FloatingPointError,
        ):
            return start

    def _coarse_start(self, data, weights, start):
        x, t_x, T = (np.asarray(data[c], dtype=float) for c in ("x", "t_x", "T"))
        step = self.coarse_resolution * float(T.max())
        if not step > 0:
            return start
        buyer = x > 0
        T_c = np.maximum(np.round(T / step) * step, np.where(buyer, step, 0.0))
        t_c = np.where(buyer, np.clip(np.round(t_x / step) * step, step, T_c), 0.0)
        coarse = type(self)()
        coarse._is_coarse = True
        coarse.period = self.period
        coarse._fit_mle({"x": x, "t_x": t_c, "T": T_c}, weights, initial_params=start)
        theta = coarse.params.to_numpy()
        # The Hessian of -LL on the coarse data, scaled to the full data's weight.
        hess = np.linalg.inv(coarse._cov.to_numpy())
        ll, grad = self._loglik_and_grad_total(theta, data, weights)
        for _ in range(12):
            move = np.linalg.solve(hess, grad)
            shrink = 1.0
            while True:
                trial = theta + shrink * move
                if np.all(trial > 0):
                    ll_t, grad_t = self._loglik_and_grad_total(trial, data, weights)
                    if np.isfinite(ll_t) and ll_t >= ll - 1e-9 * abs(ll):
                        break
                shrink *= 0.5
                if shrink < 1e-3:
                    return theta
            # BFGS update of the Hessian of -LL with the step and the change of gradient: the
            # iteration turns superlinear once the first steps have measured the difference.
            moved, turned = trial - theta, grad - grad_t
            curvature = turned @ moved
            if curvature > 0:
                h_moved = hess @ moved
                hess = (
                    hess
                    + np.outer(turned, turned) / curvature
                    - np.outer(h_moved, h_moved) / (moved @ h_moved)
                )
            theta, ll, grad = trial, ll_t, grad_t
            if np.max(np.abs(moved / theta)) < 1e-7:
                break
        return theta

    # --- the likelihood for fitting: the death integral on a shared grid, with its gradient ---
    def _loglik_rows(self, params, data):
        """Row log-likelihoods (FHL note eq. 18) from the death-time grid (:class:`_DeathGrid`).

        Equal to :meth:`_log_branches` (the hypergeometric closed form, used by the
        predictions) to ~1e-13 (tests/test_paretonbd.py), and far cheaper when many rows share
        a frequency, as in every customer base. Parameters that differ by row (the covariate
        models, :mod:`crmstudy.models.covariates`) take the closed form.
        """
        if any(np.ndim(v) for v in params):
            return super()._loglik_rows(params, data)
        return self._grid_terms(params, data, "value")[0]

    def _loglik_grad_rows(self, params, data):
        """Gradient of each row's log-likelihood in (r, alpha, s, beta); see below."""
        return self._grid_terms(params, data, "rows")[1]

    def _loglik_and_grad_rows(self, params, data):
        """Row log-likelihoods and their gradient, shape ``(n_rows, 4)`` (natural scale).

        With ``A`` (alive at T) and ``D`` (died in (t_x, T]) the two branches, ``p = D/(A+D)``,
        ``a = r + x`` and ``E[.]`` the mean over the death time tau with density proportional to
        ``g(tau) = (alpha+tau)^-a (beta+tau)^-(s+1)`` on ``[t_x, T]``,
        ``d LL = (1-p) d log A + p d log D`` gives

        * d/dr: ``psi(a) - psi(r) + log alpha - (1-p) log(alpha+T) - p E[log(alpha+tau)]``;
        * d/dalpha: ``r/alpha - a [(1-p)/(alpha+T) + p E[1/(alpha+tau)]]``;
        * d/ds: ``log beta - (1-p) log(beta+T) + p/s - p E[log(beta+tau)]``;
        * d/dbeta: ``s/beta - s (1-p)/(beta+T) - p (s+1) E[1/(beta+tau)]``,

        where ``a E[1/(alpha+tau)] + (s+1) E[1/(beta+tau)] = (g(t_x) - g(T)) / integral g`` (the
        integral of ``-g'``), so three moments of the death time suffice; the grid gives them as
        it gives the integral.
        """
        return self._grid_terms(params, data, "rows")

    def _loglik_and_grad_total(self, params, data, w):
        """``(sum w ll, sum w grad)`` of :meth:`_loglik_and_grad_rows`, summed on the grid.

        The moment terms of the gradient are sums over rows of a coefficient times a difference
        of two cumulative sums over segments; exchanging the sums turns them into one cumulative
        sum of the coefficients (taken forward) against the segment integrals, instead of three
        cumulative sums and six gathers. Equal to the row-wise sums to rounding (a test).
        """
        return self._grid_terms(params, data, "total", w)

    def _after_fit(self) -> None:
        """Drop the fit's grid and its scratch buffers (tens of MB per 10^5 rows): a cache only."""
        super()._after_fit()
        self.__dict__.pop("_grid_cache", None)

    def _death_grid(self, data) -> _DeathGrid:
        """The :class:`_DeathGrid` of ``data``, cached while the optimiser calls with it."""
        columns = [np.asarray(data[c], dtype=float).ravel() for c in ("x", "t_x", "T")]
        hit = self.__dict__.get("_grid_cache")
        if hit is not None and all(
            _same_frozen(a, c) or (a.shape == c.shape and np.array_equal(a, c))
            for a, c in zip(hit[0], columns, strict=True)
        ):
            return hit[1]
        grid = _DeathGrid(*columns)
        self._grid_cache = ([c if not c.flags.writeable else c.copy() for c in columns], grid)
        return grid

    def _grid_terms(self, params, data, mode, w=None):
        """Log-likelihood (per row, or the weighted total) and, unless ``mode == "value"``, its
        gradient (per row for ``"rows"``, the weighted total for ``"total"``).

        The point- and row-sized arrays are written into the grid's scratch buffers
        (``out=``): a fit calls this 20-40 times with the same shapes, and fresh arrays of this
        size cost page faults on every call (a third of the time, measured on 10^5 rows).
        """
        r, alpha, s, beta = (float(v) for v in params)
        b = s + 1.0
        grid = self._death_grid(data)
        P, R = grid.point_buffer, grid.row_buffer
        y, group, h = grid.y, grid.point_group, grid.h
        a_p = np.add(grid.point_x, r, out=P("a_p"))
        # Logs relative to tau = 0: log g = -a la - (s+1) lb up to a constant per frequency.
        la = np.log1p(np.divide(y, alpha, out=P("la")), out=P("la"))
        lb = np.log1p(np.divide(y, beta, out=P("lb")), out=P("lb"))
        ia = np.divide(1.0, np.add(y, alpha, out=P("ia")), out=P("ia"))
        ib = np.divide(1.0, np.add(y, beta, out=P("ib")), out=P("ib"))
        tmp = P("tmp")
        phi = np.multiply(a_p, la, out=P("phi"))
        phi += np.multiply(lb, b, out=tmp)
        np.negative(phi, out=phi)
        # One scale per frequency, mid-way in log g: every value within exp(+-_GROUP_RANGE/2).
        top, bottom = phi[grid.ends - 1], phi[grid.starts]
        ref = 0.5 * (top + bottom)
        wide = bottom - top > _GROUP_RANGE
        any_wide = bool(wide.any())
        scaled = np.subtract(phi, np.take(ref, group, out=P("scaled")), out=P("scaled"))
        if any_wide:
            scaled[wide[group]] = 0.0
        G = np.exp(scaled, out=P("G"))
        dphi = np.multiply(a_p, ia, out=P("dphi"))
        dphi += np.multiply(ib, b, out=tmp)
        np.negative(dphi, out=dphi)
        dG = np.multiply(dphi, G, out=P("dG"))
        # The corrected trapezoid rule h/2 (f0 + f1) + h^2/12 (f0' - f1') (Euler-Maclaurin; error
        # -h^5/720 f^(4)) for the short segments, Gauss rules for the others.
        drop = np.maximum(ia, ib, out=P("drop"))
        drop *= 4.0
        drop -= dphi
        drop *= h
        gauss = np.flatnonzero(drop > _TRAPEZOID_DROP)
        if any_wide:
            gauss = gauss[~wide[group[gauss]]]
        hh, h2 = P("hh"), P("h2")
        np.copyto(hh, grid.half_h)
        np.copyto(h2, grid.h2_12)
        n_mom = 1 if mode == "value" else 4
        exact = None
        if gauss.size:
            exact = paretonbd_segment_moments(
                y[gauss], y[gauss + 1], a_p[gauss], s, alpha, beta, ref[group[gauss]], n_mom
            )
            # Those segments leave the trapezoid sums.
            hh[gauss] = 0.0
            h2[gauss] = 0.0
        if any_wide:
            hh[wide[group]] = 0.0
            h2[wide[group]] = 0.0

        def segments(f, fd, out):
            np.add(f[:-1], f[1:], out=out[:-1])
            out[:-1] *= hh[:-1]
            part = np.subtract(fd[:-1], fd[1:], out=tmp[:-1])
            part *= h2[:-1]
            out[:-1] += part
            out[-1] = 0.0
            return out

        def cumulate(seg, out):
            # Per frequency, from the latest time down: C[i] = sum of segments k >= i.
            for start, end in grid.bounds:
                np.cumsum(seg[start:end][::-1], out=out[start:end][::-1])
            return out

        seg1 = segments(G, dG, P("seg1"))
        if exact is not None:
            seg1[gauss] = exact[0]
        cum1 = cumulate(seg1, P("cum1"))
        i_tx, i_T = grid.i_tx, grid.i_T
        d1 = np.take(cum1, i_tx, out=R("d1"))
        d1 -= np.take(cum1, i_T, out=R("tmp"))
        np.maximum(d1, 0.0, out=d1)
        G_T = np.take(G, i_T, out=R("G_T"))
        log_G_T = np.take(scaled, i_T, out=R("log_G_T"))
        G_tx = np.take(G, i_tx, out=R("G_tx"))
        rows_wide = np.flatnonzero(wide[grid.row_group]) if any_wide else np.empty(0, int)
        if rows_wide.size:
            # Each row of a very wide frequency on its own scale, log g(t_x).
            w_tx, w_T = i_tx[rows_wide], i_T[rows_wide]
            ref_w = phi[w_tx]
            direct = paretonbd_segment_moments(
                y[w_tx], y[w_T], a_p[w_T], s, alpha, beta, ref_w, n_mom
            )
            d1[rows_wide] = direct[0]
            log_G_T[rows_wide] = phi[w_T] - ref_w
            with np.errstate(under="ignore"):
                G_T[rows_wide] = np.exp(log_G_T[rows_wide])
            G_tx[rows_wide] = 1.0

        row_group = grid.row_group
        a = np.add(grid.row_x, r, out=R("a"))
        la_T = np.take(la, i_T, out=R("la_T"))
        lb_T = np.take(lb, i_T, out=R("lb_T"))
        ib_T = np.take(ib, i_T, out=R("ib_T"))
        rtmp = R("tmp")
        # p / (1 - p) = s * integral / (g(T) (beta+T)): the death branch over the alive one.
        log_odds = np.multiply(d1, ib_T, out=R("log_odds"))
        with np.errstate(divide="ignore"):
            np.log(log_odds, out=log_odds)
        log_odds += np.log(s)
        log_odds -= log_G_T
        log_rising, rising_psi = _rising(r, grid.xs)
        common_x = log_rising - grid.xs * np.log(alpha)
        soft = np.logaddexp(0.0, log_odds, out=R("soft"))
        ll = np.take(common_x, row_group, out=R("ll"))
        ll -= np.multiply(a, la_T, out=rtmp)
        ll -= np.multiply(lb_T, s, out=rtmp)
        ll += soft
        if w is not None:
            w = np.take(w, grid.order, out=R("w"))
        if mode == "value":
            return (grid.unsort(ll), None) if w is None else (float(w @ ll), None)

        # 1 - p to full relative precision, and q = p / integral = s (1-p) / ((beta+T) g(T))
        # without dividing by an integral that may be 0 (t_x = T) or by a g(T) that may be.
        stay = np.exp(np.negative(soft, out=R("stay")), out=R("stay"))
        p = np.subtract(1.0, stay, out=R("p"))
        q = np.add(soft, log_G_T, out=R("q"))
        np.negative(q, out=q)
        np.exp(q, out=q)
        q *= ib_T
        q *= s
        base = grid.row_buffer("base", 4)
        np.take(rising_psi, row_group, out=base[0])
        base[0] -= np.multiply(stay, la_T, out=rtmp)
        np.take(ia, i_T, out=base[1])
        base[1] *= stay
        base[1] *= a
        np.subtract(r / alpha, base[1], out=base[1])
        np.multiply(p, 1.0 / s, out=base[2])
        base[2] -= np.multiply(stay, lb_T, out=rtmp)
        np.multiply(stay, ib_T, out=base[3])
        base[3] *= -s
        base[3] += s / beta
        np.subtract(G_tx, G_T, out=rtmp)
        rtmp *= q
        base[3] -= rtmp
        if mode == "rows":
            Gia = G * ia
            moments = []
            for j, (f, fd) in enumerate(
                [(G * la, dG * la + Gia), (Gia, (dG - Gia) * ia), (G * lb, dG * lb + G * ib)]
            ):
                seg = segments(f, fd, np.empty_like(f))
                if exact is not None:
                    seg[gauss] = exact[j + 1]
                cum = cumulate(seg, np.empty_like(seg))
                moment = cum[i_tx] - cum[i_T]
                if rows_wide.size:
                    moment[rows_wide] = direct[j + 1]
                moments.append(q * moment)
            base[0] -= moments[0]
            base[1] -= a * moments[1]
            base[2] -= moments[2]
            base[3] += a * moments[1]
            return grid.unsort(ll), grid.unsort(base.T)
        # "total": sum_rows c (C[i_tx] - C[i_T]) = sum_k seg[k] A[k], with A the forward
        # cumulative sum, per frequency, of the coefficients c added at i_tx and taken away at
        # i_T; and sum_k seg[k] A[k] over trapezoid segments = sum_i f[i] u[i] + f'[i] v[i].
        c = np.multiply(w, q, out=R("c"))
        if rows_wide.size:
            c_wide = c[rows_wide]
            c[rows_wide] = 0.0
        adj = np.bincount(i_tx, weights=c, minlength=y.size)
        adj -= np.bincount(i_T, weights=c, minlength=y.size)
        for start, end in grid.bounds:
            np.cumsum(adj[start:end], out=adj[start:end])
        u = np.multiply(hh, adj, out=P("u"))
        u[1:] += u[:-1].copy()
        v = np.multiply(h2, adj, out=P("v"))
        v[1:] -= v[:-1].copy()
        # f = G m, f' = dG m + G m' for m = la, 1/at, lb: sum f u + f' v = (G u + dG v) . m + ...
        Gu_dGv = np.multiply(G, u, out=P("Gu_dGv"))
        Gu_dGv += np.multiply(dG, v, out=tmp)
        Gv = np.multiply(G, v, out=P("Gv"))
        moment = np.array(
            [
                Gu_dGv @ la + Gv @ ia,
                np.multiply(Gu_dGv, a_p, out=tmp) @ ia
                - np.multiply(Gv, a_p, out=P("Gv_a")) @ np.multiply(ia, ia, out=P("ia2")),
                Gu_dGv @ lb + Gv @ ib,
            ]
        )
        if exact is not None:
            ag = adj[gauss]
            moment += [exact[1] @ ag, (a_p[gauss] * exact[2]) @ ag, exact[3] @ ag]
        if rows_wide.size:
            moment += [
                direct[1] @ c_wide,
                (a[rows_wide] * direct[2]) @ c_wide,
                direct[3] @ c_wide,
            ]
        total = base @ w
        total -= [moment[0], moment[1], moment[2], -moment[1]]
        return float(w @ ll), total

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
