"""Tests of crmstudy.models._special against direct numerical integration (scipy.integrate.quad).

mpmath is not installed in the project's environment, so the independent reference is adaptive
quadrature of the defining integrals, scaled by their maximum so they stay in floating range.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, special, stats

from crmstudy.models._special import (
    bg_future_factor,
    log1mexp,
    log_hyp2f1_one,
    log_paretonbd_death_integral,
    paretonbd_segment_moments,
)


def quad_log_death_integral(r, alpha, s, beta, x, t_x, T):
    """log of integral_{t_x}^T (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau, by quadrature."""

    def g(tau):
        return -(r + x) * np.log(alpha + tau) - (s + 1) * np.log(beta + tau)

    peak = g(t_x)  # the integrand decreases in tau
    value, _ = integrate.quad(
        lambda tau: np.exp(g(tau) - peak), t_x, T, epsabs=0, epsrel=1e-12, limit=500
    )
    return peak + np.log(value)


@pytest.mark.parametrize(
    ("r", "alpha", "s", "beta"),
    [
        (0.553, 10.578, 0.606, 11.669),  # FHL CDNOW estimates: alpha < beta
        (0.553, 11.669, 0.606, 10.578),  # alpha > beta
        (2.0, 50.0, 1.5, 0.5),  # alpha >> beta: z close to 1
        (0.3, 0.2, 3.0, 40.0),  # alpha << beta
        (1.0, 5.0, 1.0, 5.0),  # alpha == beta: z = 0
    ],
)
@pytest.mark.parametrize(
    ("x", "t_x", "T"), [(0, 0.0, 38.86), (1, 1.71, 38.86), (29, 35.0, 38.86), (200, 20.0, 39.0)]
)
def test_death_integral_matches_quadrature(r, alpha, s, beta, x, t_x, T):
    ours = log_paretonbd_death_integral(r, alpha, s, beta, x, t_x, T)
    ref = quad_log_death_integral(r, alpha, s, beta, x, t_x, T)
    assert ours == pytest.approx(ref, rel=1e-9, abs=1e-9)


def test_death_integral_heavy_buyer_where_the_note_formula_overflows():
    # FHL's eq. 19-20 evaluated as written needs 2F1(r+s+x, r+x; r+s+x+1; z), which grows like
    # (1-z)^-(r+x): for x = 10,000 and recency 1 it overflows to inf, and inf - inf is the NaN the
    # peer library returns. The Euler-transformed log-space version stays finite and exact.
    r, alpha, s, beta = 0.553, 10.578, 0.606, 11.669
    x, t_x, T = 10_000, 1.0, 38.86
    n = r + s + x
    assert not np.isfinite(special.hyp2f1(n, r + x, n + 1, (beta - alpha) / (beta + t_x)))
    ours = log_paretonbd_death_integral(r, alpha, s, beta, x, t_x, T)
    assert np.isfinite(ours)
    assert ours == pytest.approx(quad_log_death_integral(r, alpha, s, beta, x, t_x, T), rel=1e-9)


def test_death_integral_is_minus_infinity_at_recency_equal_T():
    value = log_paretonbd_death_integral(0.5, 10.0, 0.6, 12.0, np.array([3, 3000]), 38.86, 38.86)
    assert np.all(np.isneginf(value))


# Near z = 1 the reference quadrature reports round-off at its 1e-12 target; the assertion
# below checks 1e-8, which it meets.
@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
@pytest.mark.parametrize(("b", "c"), [(0.3, 0.5), (5.0, 7.6), (500.0, 501.2), (5000.0, 5030.0)])
@pytest.mark.parametrize("z", [0.0, 0.3, 0.9, 0.999, 1 - 1e-6])
def test_log_hyp2f1_one_matches_euler_integral(b, c, z):
    # 2F1(1, b; c; z) = E[1 / (1 - z U)] with U ~ Beta(b, c - b) (A&S 15.3.1), computed as a
    # ratio of two integrals of the Beta kernel scaled by its value at the mode (no underflow for
    # b in the thousands); quad's algebraic weight handles endpoint singularities when b < 1.
    if b < 1 or c - b < 1:
        kw = dict(weight="alg", wvar=(b - 1, c - b - 1), epsabs=0, epsrel=1e-12, limit=500)
        num, _ = integrate.quad(lambda u: 1 / (1 - z * u), 0, 1, **kw)
        den, _ = integrate.quad(lambda u: 1.0, 0, 1, **kw)
    else:
        mode = (b - 1) / (c - 2)

        def kernel(u):
            return np.exp((b - 1) * np.log(u / mode) + (c - b - 1) * np.log((1 - u) / (1 - mode)))

        kw = dict(epsabs=0, epsrel=1e-13, limit=500, points=[mode])
        num, _ = integrate.quad(lambda u: kernel(u) / (1 - z * u), 0, 1, **kw)
        den, _ = integrate.quad(kernel, 0, 1, **kw)
    assert log_hyp2f1_one(b, c, z) == pytest.approx(np.log(num / den), rel=1e-8, abs=1e-11)


def quad_bg_future(rx, alpha_T, a, b_post, t):
    """E[(1 - ((alpha+T)/(alpha+T+p t))^(r+x)) / p] over p ~ Beta(a, b_post), by quadrature."""

    def integrand(p):
        return (-np.expm1(-rx * np.log1p(p * t / alpha_T)) / p) * stats.beta.pdf(p, a, b_post)

    value, _ = integrate.quad(integrand, 0, 1, epsabs=1e-13, epsrel=1e-11, limit=500)
    return value


@pytest.mark.parametrize("a", [0.793, 1.0, 1.0 + 1e-7, 2.5])
@pytest.mark.parametrize(
    ("rx", "alpha_T", "b_post", "t"),
    [
        (0.243, 4.4, 2.4, 39.0),
        (2.243, 43.3, 4.4, 10.0),
        (3000.2, 43.3, 3002.4, 52.0),
        (0.5, 1.0, 3.0, 1000.0),
    ],
)
def test_bg_future_factor_matches_quadrature(a, rx, alpha_T, b_post, t):
    ours = bg_future_factor(rx, alpha_T, a, b_post, t)
    assert ours == pytest.approx(quad_bg_future(rx, alpha_T, a, b_post, t), rel=1e-7)


def test_bg_future_factor_is_zero_at_zero_horizon():
    assert bg_future_factor(1.0, 10.0, 0.8, 2.0, 0.0) == 0.0


def test_log1mexp_accuracy_at_both_ends():
    a = np.array([-1e-20, -1e-8, -0.5, -50.0])
    expected = np.array(
        [np.log(1e-20), np.log(-np.expm1(-1e-8)), np.log(1 - np.exp(-0.5)), -np.exp(-50.0)]
    )
    assert np.allclose(log1mexp(a), expected, rtol=1e-12)
    assert np.isneginf(log1mexp(0.0))


@pytest.mark.parametrize(
    ("y0", "y1", "a", "s", "alpha", "beta"),
    [
        (0.0, 66.0, 0.5, 0.8, 11.0, 28.0),  # long, light buyer: log-time pieces
        (5.0, 70.0, 20.5, 0.8, 11.0, 28.0),
        (1.0, 38.86, 10_000.5, 0.6, 10.578, 11.669),  # heavy buyer: cut where negligible
        (0.0, 78.0, 0.2, 0.3, 0.01, 50.0),  # alpha << beta
        (0.0, 78.0, 3.5, 2.0, 50.0, 0.01),  # alpha >> beta
        (30.0, 30.001, 3.0, 1.0, 10.0, 12.0),  # short: one 4-point rule
        (30.0, 30.9, 20.0, 0.8, 11.0, 28.0),  # short, at the rule's limit
        (0.0, 500.0, 1.5, 1.0, 80.0, 230.0),
        (2.0, 3.0, 300.0, 0.6, 1.0, 1.0),
    ],
)
def test_segment_moments_match_quadrature(y0, y1, a, s, alpha, beta):
    # The integral of g = (1+tau/alpha)^-a (1+tau/beta)^-(s+1) over [y0, y1] and of g times
    # log(1+tau/alpha), 1/(alpha+tau), log(1+tau/beta), scaled by g(y0), by adaptive quadrature.
    def log_g(tau):
        return -a * np.log1p(tau / alpha) - (s + 1) * np.log1p(tau / beta)

    ref = log_g(y0)
    factors = [
        lambda t: 1.0,
        lambda t: np.log1p(t / alpha),
        lambda t: 1.0 / (alpha + t),
        lambda t: np.log1p(t / beta),
    ]
    # Tell quad where a heavy buyer's integrand lives (it falls by e over (alpha+y0)/a).
    scale = (alpha + y0) / a
    points = [y0 + k * scale for k in (1, 4, 16, 64) if k * scale < y1 - y0] or None
    expected = [
        integrate.quad(
            lambda t, f=f: np.exp(log_g(t) - ref) * f(t),
            y0,
            y1,
            epsabs=0,
            epsrel=1e-13,
            limit=500,
            points=points,
        )[0]
        for f in factors
    ]
    ours = paretonbd_segment_moments(y0, y1, a, s, alpha, beta, ref)[:, 0]
    # 1e-12: the heavy buyer's log g (-4e4 at tau = 38.86) carries rounding ~1e-12 itself.
    np.testing.assert_allclose(ours, expected, rtol=1e-12)
