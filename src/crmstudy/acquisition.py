"""Acquisition versus retention spending: the customer equity test and the "5x" maxim.

The maxim says that winning a customer costs five times as much as keeping one, so firms should
favour retention. This module turns the claim into the model of Blattberg & Deighton (1996),
"Manage Marketing by the Customer Equity Test", Harvard Business Review 74(4), 136-144, and checks
the answer of Pfeifer (2005), "The optimal ratio of acquisition and retention costs", J. Targeting,
Measurement and Analysis for Marketing 13(2): a ratio of *average* costs says nothing
about where the next dollar should go; at the optimum the *marginal* costs are equal.

Units
-----
One period (say a year) for everything: ``margin`` is currency per customer per period,
``discount_rate`` per period, acquisition spend ``A`` is currency per *prospect* (spent once),
retention spend ``R`` is currency per *customer* per period. Response rates are shares in [0, 1).

The model (Blattberg & Deighton 1996)
-------------------------------------
Response curves with a ceiling and an efficiency::

    a(A) = a_max (1 - exp(-k_a A))      share of prospects acquired
    r(R) = r_max (1 - exp(-k_r R))      share of customers retained each period

Timing, per prospect: spend ``A`` now; an acquired customer (probability ``a``) pays the margin
``m`` now. In each later period t >= 1 the firm spends ``R`` on each customer it had in period t-1;
each stays with probability ``r`` and pays ``m``. As in Blattberg & Deighton, the retention spend
of a period is booked with the margin it secures, both discounted by ``(1 + d)**t``::

    CE(A, R) = a m - A + a sum_{t>=1} (m r**t - R r**(t-1)) / (1 + d)**t
             = a m - A + a (m - R/r) r / (1 + d - r)                             (B&D 1996)

``r / (1 + d - r)`` is the margin multiple of :func:`crmstudy.clv.margin_multiple` (margins at
period ends). ``R / r`` is the average retention cost per retained customer.

The value of a customer
-----------------------
Factor the test as ``CE(A, R) = a(A) V(R) - A`` with ::

    V(R) = m + (m - R/r) r / (1 + d - r) = (m (1 + d) - R) / (1 + d - r)          (1)

``V`` is what a customer is worth at the moment they are acquired, or retained: the current
margin plus the discounted future margins, net of all future retention spending. It is the
expected customer lifetime value Pfeifer (2005) refers to, before acquisition cost.

The optimum (derivation)
------------------------
``CE`` is separable: ``dCE/dR = a(A) V'(R)``, so for any ``A`` with ``a > 0`` the best ``R``
maximises ``V`` alone; the acquisition curve does not move the optimal retention spend. With
``r' = dr/dR``::

    V'(R) = g(R) / (1 + d - r)**2,   g(R) = r'(R) (m (1 + d) - R) - (1 + d - r(R))

``g'(R) = r''(R) (m (1 + d) - R) < 0`` on ``[0, m (1 + d))`` (``r`` is concave) and ``g < 0`` beyond,
so ``V`` rises then falls: ``R*`` is the unique root of ``g`` when ``g(0) = (1 + d)(r_max k_r m - 1)
> 0``, and ``R* = 0`` otherwise (the first retention dollar does not pay). Then ``A`` solves
``a'(A) V(R*) = 1``::

    A* = ln(a_max k_a V*) / k_a   if a_max k_a V* > 1, else 0.

Pfeifer's identity (derivation)
-------------------------------
The marginal cost of acquiring a customer is ``MC_a = dA/da = 1 / a'(A) = exp(k_a A) / (a_max
k_a)``; of retaining one, ``MC_r = 1 / r'(R) = exp(k_r R) / (r_max k_r)`` (spend per extra customer
kept). The first-order condition in ``A`` reads ``MC_a = V``. The one in ``R``, ``g(R) = 0``, reads
``1 / r' = (m (1 + d) - R) / (1 + d - r)``, which by (1) is ``V``. Hence at an interior optimum,
exactly::

    MC_a(A*) = MC_r(R*) = V(R*).

Average costs are another matter: a concave curve through the origin has ``a(A) > A a'(A)``, so
the average cost ``A / a`` is below the marginal cost, and likewise ``R / r < MC_r``. Both average
costs are below ``V`` at the optimum, and their ratio depends on the curvature of each curve: it
can be 1, 3 or 8 at optima where the marginal ratio is exactly 1.

At the optimum, with ``x = a_max k_a V*`` (> 1 when acquisition pays), ``a* = a_max (1 - 1/x)``
and ``A* / a* = V* ln(x) / (x - 1)``. ``ln(x) / (x - 1)`` falls with ``x`` towards 0 and rises
to 1 as ``x`` falls to 1, so a dearer acquisition curve (smaller ``k_a``, hence ``x``) always
raises the average acquisition cost at the optimum, and it never exceeds ``V*``. As ``R*`` does
not depend on the acquisition curve, the average cost ratio at any optimum where acquisition
pays is bounded by ``V* / (R*/r*) = V* r* / R*`` (:func:`average_cost_ratio_bound`).

The next dollar
---------------
Away from the optimum, a dollar more of acquisition spend per prospect earns
``dCE/dA = V / MC_a - 1``. A dollar more of retention spend, counted in the present value of the
retention budget per prospect ``B_R = a R / (1 + d - r)`` (``= a (R/r) r/(1+d-r)``), earns ::

    (dCE/dR) / (dB_R/dR) = (V - MC_r) (1 + d - r) / (MC_r (1 + d - r) + R)

(from ``dCE/dR = a r' (V - MC_r) / (1 + d - r)``). The next dollar belongs where this return is
higher, if it is positive; :func:`marginal_dollar_map` reports it.

Keep or replace?
----------------
Whether keeping a customer beats letting them go and acquiring a replacement is a different
question; it lives in :mod:`crmstudy.keep_or_replace` (``acquisition.break_even_cost_ratio`` is a
deprecated alias there).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize

from crmstudy._checks import (
    as_float_array,
    bad_values_error,
    check_discount_rate,
    check_number,
    check_range,
    check_share,
    numeric_values,
)
from crmstudy._checks import scalar_or_array as _out
from crmstudy._moved import moved
from crmstudy.clv import lifetime_value, margin_multiple
from crmstudy.errors import ConvergenceError, DataError

__all__ = [
    "acquisition_response",
    "retention_response",
    "customer_value",
    "customer_value_breakdown",
    "customer_equity_test",
    "retention_budget",
    "average_cost_per_acquired",
    "average_cost_per_retained",
    "marginal_costs",
    "MarginalCosts",
    "optimal_spend",
    "average_cost_ratio_bound",
    "first_customer_cost_ratio",
    "acquisition_efficiency_for_ratio",
    "cost_ratio_sweep",
    "response_curves",
    "marginal_dollar_map",
    "next_dollar_shares",
    "under_acquisition_check",
    "value_by_repeat_status",
    "QUOTED_COST_RATIOS",
]

#: Ratios of acquisition to retention cost quoted in the trade literature, as collected by Sterne
#: and cited by Pfeifer (2005, introduction): "three, five, six, ten, 11, 12 and 20".
QUOTED_COST_RATIOS: tuple[int, ...] = (3, 5, 6, 10, 11, 12, 20)

# Relative tolerance on the first-order conditions, as a share of the customer value.
_FOC_RTOL = 1e-7


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------


def _rate(value, name: str, what: str = "a share per period") -> np.ndarray:
    return check_share(value, name, what)


def _discount_rate(value) -> np.ndarray:
    # The one range of a discount rate (crmstudy._checks.RATE_RANGES): [0, 1) per period.
    return check_discount_rate(value)


def _ceiling(value, name: str) -> np.ndarray:
    return check_range(value, name, low=0.0, low_open=True, high=1.0, high_open=True)


def _efficiency(value, name: str) -> np.ndarray:
    return check_range(value, name, low=0.0, low_open=True, what="response per currency unit spent")


def _spend(value, name: str, *, positive: bool = False) -> np.ndarray:
    return check_range(value, name, low=0.0, low_open=positive, what="currency spent")


def _margin(value) -> np.ndarray:
    return check_range(
        value, "margin", low=0.0, low_open=True, what="currency per customer per period"
    )


def _positive_ratio(value, name: str) -> np.ndarray:
    return check_range(value, name, low=0.0, low_open=True)


# --------------------------------------------------------------------------------------------
# response curves and the customer equity test
# --------------------------------------------------------------------------------------------


def acquisition_response(acquisition_spend, a_max, k_a):
    """Share of prospects acquired for a spend per prospect: ``a_max (1 - exp(-k_a A))``.

    Blattberg & Deighton (1996): a ceiling ``a_max`` (share in [0, 1)) that no spending exceeds and
    an efficiency ``k_a`` (> 0, per currency unit spent per prospect). ``acquisition_spend`` is
    currency per prospect, >= 0. Scalars or arrays.
    """
    A = _spend(acquisition_spend, "acquisition_spend")
    a_max = _rate(a_max, "a_max")
    k_a = _efficiency(k_a, "k_a")
    return _out(a_max * -np.expm1(-k_a * A))


def retention_response(retention_spend, r_max, k_r):
    """Share of customers retained per period for a spend per customer: ``r_max (1 - exp(-k_r R))``.

    Blattberg & Deighton (1996): ceiling ``r_max`` (share in [0, 1)), efficiency ``k_r`` (> 0, per
    currency unit spent per customer per period). ``retention_spend`` is currency per customer per
    period, >= 0. With no spend nobody is retained, as in the original model.
    """
    R = _spend(retention_spend, "retention_spend")
    r_max = _rate(r_max, "r_max")
    k_r = _efficiency(k_r, "k_r")
    return _out(r_max * -np.expm1(-k_r * R))


def _value_from_rate(R, r, margin, discount_rate):
    """Equation (1): ``m + (m - R/r) r/(1+d-r)``; the future term is 0 when nobody is retained."""
    with np.errstate(divide="ignore", invalid="ignore"):
        per_retained = np.where(r > 0, R / np.where(r > 0, r, 1.0), 0.0)
    return margin + (margin - per_retained) * margin_multiple(r, discount_rate, timing="end")


def customer_value(retention_spend, margin, discount_rate, r_max, k_r):
    """Value of a customer when acquired or retained: ``V = m + (m - R/r) r/(1+d-r)``.

    The current period's margin plus the discounted margins of later periods, net of the retention
    spend that keeps the customer (equation (1) of the module notes; the bracket of Blattberg &
    Deighton's 1996 customer equity test, and Pfeifer's 2005 expected customer lifetime value).
    Equals ``(m (1 + d) - R) / (1 + d - r)``.

    Parameters
    ----------
    retention_spend : float or array
        ``R``, currency per customer per period, >= 0.
    margin : float or array
        ``m``, currency per customer per period, > 0.
    discount_rate : float or array
        ``d``, per period, in [0, 1).
    r_max, k_r : float
        Retention ceiling (share per period, [0, 1)) and efficiency (> 0, per currency unit).

    Returns
    -------
    float or array, currency per customer.
    """
    m = _margin(margin)
    d = _discount_rate(discount_rate)
    R = _spend(retention_spend, "retention_spend")
    r = np.asarray(retention_response(R, r_max, k_r))
    return _out(_value_from_rate(R, r, m, d))


def customer_value_breakdown(retention_spend, margin, discount_rate, r_max, k_r) -> pd.Series:
    """The customer value ``V`` as gross lifetime value minus the retention spending it takes.

    ``V = m (1 + d) / (1 + d - r) - R / (1 + d - r)``: the first term is
    :func:`crmstudy.clv.lifetime_value` with margins at the start of each period (the current
    margin included, Gupta & Lehmann 2003), the second the present value of spending ``R`` in
    each later period on a customer still there (Blattberg & Deighton 1996 timing). Arguments
    and units as in :func:`customer_value` (scalars). Returns a Series with
    ``gross_lifetime_value``, ``retention_spending`` and ``customer_value`` (currency per
    customer).
    """
    R = check_number(retention_spend, "retention_spend", low=0.0, what="currency spent")
    value = float(customer_value(R, margin, discount_rate, r_max, k_r))
    r = float(retention_response(R, r_max, k_r))
    gross = float(lifetime_value(margin, r, discount_rate, timing="start"))
    return pd.Series(
        {
            "gross_lifetime_value": gross,
            "retention_spending": gross - value,
            "customer_value": value,
        },
        name="customer_value",
    )


def customer_equity_test(
    acquisition_spend, retention_spend, margin, discount_rate, a_max, k_a, r_max, k_r
):
    """Customer equity per prospect, Blattberg & Deighton (1996)::

        CE = a m - A + a (m - R/r) r / (1 + d - r)

    with ``a = a(A)`` and ``r = r(R)`` from the response curves.

    Parameters
    ----------
    acquisition_spend : float or array
        ``A``, currency per prospect, spent once, >= 0.
    retention_spend : float or array
        ``R``, currency per customer per period, >= 0.
    margin : float
        ``m``, currency per customer per period, > 0.
    discount_rate : float
        ``d``, per period, in [0, 1).
    a_max, k_a : float
        Acquisition ceiling (share of prospects, [0, 1)) and efficiency (> 0, per currency unit).
    r_max, k_r : float
        Retention ceiling (share per period, [0, 1)) and efficiency (> 0, per currency unit).

    Returns
    -------
    float or array (broadcast of ``A`` and ``R``), currency per prospect.
    """
    a = np.asarray(acquisition_response(acquisition_spend, a_max, k_a))
    V = np.asarray(customer_value(retention_spend, margin, discount_rate, r_max, k_r))
    return _out(a * V - as_float_array(acquisition_spend, "acquisition_spend"))


def retention_budget(acquisition_spend, retention_spend, discount_rate, a_max, k_a, r_max, k_r):
    """Present value of the retention spending per prospect: ``a R / (1 + d - r)``.

    Blattberg & Deighton (1996) timing (module notes): the sum over t >= 1 of
    ``a r**(t-1) R / (1 + d)**t``: spend ``R`` on each of the ``a r**(t-1)``
    customers left from each prospect, discounted with the B&D timing; equals
    ``a (R/r) r/(1+d-r)``. Currency per prospect, comparable with the acquisition spend ``A``.
    Arguments and units as in :func:`customer_equity_test`.
    """
    d = _discount_rate(discount_rate)
    a = np.asarray(acquisition_response(acquisition_spend, a_max, k_a))
    R = _spend(retention_spend, "retention_spend")
    r = np.asarray(retention_response(R, r_max, k_r))
    return _out(a * R / (1.0 + d - r))


# --------------------------------------------------------------------------------------------
# average and marginal costs
# --------------------------------------------------------------------------------------------


def _ratio_or_nan(spend: np.ndarray, rate: np.ndarray):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(rate > 0, spend / np.where(rate > 0, rate, 1.0), np.nan)
    out = np.where((rate == 0) & (spend > 0), np.inf, out)
    return _out(out)


def average_cost_per_acquired(acquisition_spend, acquisition_rate):
    """Average cost of an acquired customer: ``A / a`` (currency per customer acquired).

    ``acquisition_spend`` is currency per prospect (>= 0), ``acquisition_rate`` the share of
    prospects acquired ([0, 1)). ``inf`` when money is spent and nobody is acquired; ``nan`` when
    nothing is spent and nobody is acquired (no cost to average).
    """
    return _ratio_or_nan(
        _spend(acquisition_spend, "acquisition_spend"), _rate(acquisition_rate, "acquisition_rate")
    )


def average_cost_per_retained(retention_spend, retention_rate):
    """Average cost of a retained customer: ``R / r`` (currency per customer retained).

    ``retention_spend`` is currency per customer per period (>= 0), ``retention_rate`` the share
    retained per period ([0, 1)). ``inf``/``nan`` as in :func:`average_cost_per_acquired`.
    """
    return _ratio_or_nan(
        _spend(retention_spend, "retention_spend"), _rate(retention_rate, "retention_rate")
    )


class MarginalCosts(tuple):
    """``(acquisition, retention)``: marginal cost of one more customer acquired / retained."""

    __slots__ = ()

    def __new__(cls, acquisition, retention):
        return super().__new__(cls, (acquisition, retention))

    @property
    def acquisition(self):
        """``1 / a'(A)``: currency per extra customer acquired."""
        return self[0]

    @property
    def retention(self):
        """``1 / r'(R)``: currency per extra customer retained."""
        return self[1]

    def __repr__(self) -> str:
        return f"MarginalCosts(acquisition={self[0]!r}, retention={self[1]!r})"


def marginal_costs(acquisition_spend, retention_spend, a_max, k_a, r_max, k_r) -> MarginalCosts:
    """Marginal costs of a customer: ``1 / a'(A) = exp(k_a A) / (a_max k_a)`` and ``1 / r'(R)``.

    ``1 / a'(A)`` is the extra acquisition spend per prospect that wins one more customer per
    prospect (currency per customer acquired); ``1 / r'(R) = exp(k_r R) / (r_max k_r)`` the extra
    retention spend that keeps one more customer (currency per customer retained), Pfeifer (2005).
    Arguments as in :func:`customer_equity_test`. Returns :class:`MarginalCosts`
    ``(acquisition, retention)``; ``inf`` when a ceiling is 0.
    """
    A = _spend(acquisition_spend, "acquisition_spend")
    R = _spend(retention_spend, "retention_spend")
    a_max, r_max = _rate(a_max, "a_max"), _rate(r_max, "r_max")
    k_a, k_r = _efficiency(k_a, "k_a"), _efficiency(k_r, "k_r")
    with np.errstate(divide="ignore"):
        mc_a = np.exp(k_a * A) / (a_max * k_a)
        mc_r = np.exp(k_r * R) / (r_max * k_r)
    return MarginalCosts(_out(mc_a), _out(mc_r))


# --------------------------------------------------------------------------------------------
# the optimum
# --------------------------------------------------------------------------------------------


def _model_args(margin, discount_rate, a_max, k_a, r_max, k_r) -> tuple[float, ...]:
    positive = {"low": 0.0, "low_open": True}
    share = {"low": 0.0, "high": 1.0, "high_open": True}
    return (
        check_number(margin, "margin", **positive, what="currency per customer per period"),
        float(check_discount_rate(check_number(discount_rate, "discount_rate"))),
        check_number(a_max, "a_max", **share, what="a share of prospects"),
        check_number(k_a, "k_a", **positive, what="response per currency unit spent"),
        check_number(r_max, "r_max", **share, what="a share per period"),
        check_number(k_r, "k_r", **positive, what="response per currency unit spent"),
    )


def _optimal_retention_spend(m: float, d: float, r_max: float, k_r: float) -> float:
    """Root of ``g(R) = r'(R) (m (1 + d) - R) - (1 + d - r(R))`` (see the module notes)."""

    def g(R: float) -> float:
        return r_max * k_r * np.exp(-k_r * R) * (m * (1 + d) - R) - (
            1 + d + r_max * np.expm1(-k_r * R)
        )

    if g(0.0) <= 0:
        return 0.0
    upper = m * (1 + d)  # g < 0 there: g(upper) = -(1 + d - r) < 0
    root, info = optimize.brentq(g, 0.0, upper, xtol=1e-12, rtol=1e-14, full_output=True)
    if not info.converged:  # pragma: no cover - brentq on a bracketed monotone function
        raise ConvergenceError(
            f"the retention first-order condition did not converge ({info.flag}); "
            "check that margin, r_max and k_r are on sensible scales"
        )
    return float(root)


def optimal_spend(margin, discount_rate, a_max, k_a, r_max, k_r) -> pd.Series:
    """The spending that maximises the customer equity test, with its average and marginal costs.

    Solves the first-order conditions of Blattberg & Deighton's (1996) customer equity test (see
    the module notes): ``R*`` is the root of ``g`` found with :func:`scipy.optimize.brentq` (unique
    because ``g`` decreases), and ``A* = ln(a_max k_a V*) / k_a``, with corner solutions at 0. The
    gradient of the customer equity is then checked against 0 at an interior optimum.

    Parameters
    ----------
    margin : float
        Currency per customer per period, > 0.
    discount_rate : float
        Per period, in [0, 1).
    a_max, k_a : float
        Acquisition ceiling (share of prospects, [0, 1)) and efficiency (> 0, per currency unit).
    r_max, k_r : float
        Retention ceiling (share per period, [0, 1)) and efficiency (> 0, per currency unit).

    Returns
    -------
    pandas.Series of floats:
        ``acquisition_spend`` (A*, per prospect), ``retention_spend`` (R*, per customer per
        period), ``acquisition_rate``, ``retention_rate``, ``customer_value`` (V*, eq. 1),
        ``customer_equity`` (per prospect), ``average_cost_acquired`` (A*/a*),
        ``average_cost_retained`` (R*/r*), ``average_cost_ratio`` (their ratio),
        ``marginal_cost_acquired``, ``marginal_cost_retained``, ``marginal_cost_ratio``,
        ``retention_budget`` (present value of retention spend per prospect) and
        ``retention_budget_share`` (``retention_budget / (A* + retention_budget)``). Costs are
        ``nan`` where nothing is spent; the share is ``nan`` when the firm should spend nothing.

    Raises
    ------
    ConvergenceError
        If the first-order conditions are not met at the solution found.
    """
    m, d, a_max, k_a, r_max, k_r = _model_args(margin, discount_rate, a_max, k_a, r_max, k_r)
    R = _optimal_retention_spend(m, d, r_max, k_r)
    r = float(retention_response(R, r_max, k_r))
    V = float(_value_from_rate(R, r, m, d))
    # a'(A) V = 1 has a closed-form root; below zero the first dollar does not pay.
    A = max(0.0, float(np.log(a_max * k_a * V) / k_a)) if a_max > 0 else 0.0
    a = float(acquisition_response(A, a_max, k_a))
    mc = marginal_costs(A, R, a_max, k_a, r_max, k_r)

    # First-order conditions: dCE/dA = a'(A) V - 1 and dCE/dR = a r'(V - MC_r)/(1+d-r), both 0 at
    # an interior optimum. Checked as shares of V so the test does not depend on the currency.
    if A > 0 and abs(V / mc.acquisition - 1.0) > _FOC_RTOL:
        raise ConvergenceError(
            f"acquisition first-order condition fails at A={A!r}: marginal cost "
            f"{mc.acquisition!r} vs customer value {V!r}; report this with the parameters"
        )
    if R > 0 and abs(mc.retention - V) > _FOC_RTOL * V:
        raise ConvergenceError(
            f"retention first-order condition fails at R={R!r}: marginal cost "
            f"{mc.retention!r} vs customer value {V!r}; report this with the parameters"
        )

    budget = float(a * R / (1.0 + d - r))
    total = A + budget
    avg_a = float(average_cost_per_acquired(A, a))
    avg_r = float(average_cost_per_retained(R, r))
    return pd.Series(
        {
            "acquisition_spend": A,
            "retention_spend": R,
            "acquisition_rate": a,
            "retention_rate": r,
            "customer_value": V,
            "customer_equity": a * V - A,
            "average_cost_acquired": avg_a,
            "average_cost_retained": avg_r,
            "average_cost_ratio": avg_a / avg_r if avg_r > 0 else np.nan,
            "marginal_cost_acquired": float(mc.acquisition),
            "marginal_cost_retained": float(mc.retention),
            "marginal_cost_ratio": float(mc.acquisition / mc.retention),
            "retention_budget": budget,
            "retention_budget_share": budget / total if total > 0 else np.nan,
        },
        name="optimum",
    )


def average_cost_ratio_bound(margin, discount_rate, r_max, k_r) -> float:
    """The largest average cost ratio an optimum can show, whatever the acquisition curve.

    ``V* r* / R*`` (module notes, "Pfeifer's identity"): the optimal average acquisition cost is
    ``V* ln(x) / (x - 1) < V*`` with ``x = a_max k_a V*``, and the optimal retention spend ``R*``
    does not depend on the acquisition curve, so ``(A*/a*) / (R*/r*) < V* / (R*/r*)``. The bound
    is approached as acquisition becomes barely worth doing (``x -> 1``). ``nan`` when no
    retention spending pays (``R* = 0``). Arguments and units as in :func:`optimal_spend`.
    """
    m, d, _, _, r_max, k_r = _model_args(margin, discount_rate, 0.5, 1.0, r_max, k_r)
    R = _optimal_retention_spend(m, d, r_max, k_r)
    if R <= 0:
        return float("nan")
    r = float(retention_response(R, r_max, k_r))
    return float(_value_from_rate(R, r, m, d)) * r / R


# --------------------------------------------------------------------------------------------
# the cost ratio as a parameter
# --------------------------------------------------------------------------------------------


def first_customer_cost_ratio(a_max, k_a, r_max, k_r):
    """Cost of the first customer acquired over the cost of the first one retained.

    At zero spend the average and the marginal cost of a customer coincide: ``A / a(A)`` and
    ``1 / a'(A)`` both tend to ``1 / (a_max k_a)``, and likewise ``1 / (r_max k_r)`` for
    retention. Their ratio, ``(r_max k_r) / (a_max k_a)``, is the acquisition-to-retention cost
    ratio of a firm that has not started spending: the reading of "acquiring costs 5x keeping"
    that fixes the response curves without fixing the spend. Ceilings in (0, 1), efficiencies
    > 0 per currency unit.
    """
    a_max, r_max = _ceiling(a_max, "a_max"), _ceiling(r_max, "r_max")
    return _out((r_max * _efficiency(k_r, "k_r")) / (a_max * _efficiency(k_a, "k_a")))


def acquisition_efficiency_for_ratio(cost_ratio, a_max, r_max, k_r):
    """The acquisition efficiency ``k_a`` that makes :func:`first_customer_cost_ratio` equal
    ``cost_ratio``: ``k_a = r_max k_r / (a_max cost_ratio)``.

    ``cost_ratio`` > 0 (dimensionless), ceilings in (0, 1), ``k_r`` > 0 per currency unit spent
    per customer; returns ``k_a`` per currency unit spent per prospect.
    """
    c = _positive_ratio(cost_ratio, "cost_ratio")
    a_max, r_max = _ceiling(a_max, "a_max"), _ceiling(r_max, "r_max")
    return _out(r_max * _efficiency(k_r, "k_r") / (a_max * c))


def cost_ratio_sweep(cost_ratios, margins, discount_rate, a_max, r_max, k_r) -> pd.DataFrame:
    """The optimum for every pair of first-customer cost ratio and margin.

    For each ``cost_ratio`` the acquisition efficiency is set with
    :func:`acquisition_efficiency_for_ratio`, then :func:`optimal_spend` is solved.

    Parameters
    ----------
    cost_ratios : sequence of float
        First-customer acquisition-to-retention cost ratios (> 0, dimensionless).
    margins : sequence of float
        Margins, currency per customer per period (> 0).
    discount_rate : float
        Per period, in [0, 1).
    a_max, r_max, k_r : float
        Ceilings (shares in (0, 1)) and the retention efficiency (> 0, per currency unit).

    Returns
    -------
    Tidy DataFrame, one row per (margin, cost_ratio): columns ``margin``, ``cost_ratio``, ``k_a``
    and every field of :func:`optimal_spend`.
    """
    ratios = _positive_ratio(np.atleast_1d(cost_ratios), "cost_ratios")
    ms = _margin(np.atleast_1d(margins))
    rows = []
    for m in ms:
        for c in ratios:
            k_a = acquisition_efficiency_for_ratio(float(c), a_max, r_max, k_r)
            opt = optimal_spend(float(m), discount_rate, a_max, k_a, r_max, k_r)
            rows.append({"margin": float(m), "cost_ratio": float(c), "k_a": k_a, **opt.to_dict()})
    return pd.DataFrame(rows)


def response_curves(spend, a_max, k_a, r_max, k_r) -> pd.DataFrame:
    """Response rates and costs along a grid of spend levels, for plotting the two curves.

    ``spend`` (currency; per prospect for acquisition, per customer per period for retention,
    >= 0). Returns a DataFrame with ``spend``, ``acquisition_rate``, ``retention_rate``,
    ``average_cost_acquired``, ``average_cost_retained``, ``marginal_cost_acquired`` and
    ``marginal_cost_retained`` (currency per customer).
    """
    s = _spend(np.atleast_1d(spend), "spend")
    a = np.asarray(acquisition_response(s, a_max, k_a))
    r = np.asarray(retention_response(s, r_max, k_r))
    mc = marginal_costs(s, s, a_max, k_a, r_max, k_r)
    return pd.DataFrame(
        {
            "spend": s,
            "acquisition_rate": a,
            "retention_rate": r,
            "average_cost_acquired": average_cost_per_acquired(s, a),
            "average_cost_retained": average_cost_per_retained(s, r),
            "marginal_cost_acquired": mc.acquisition,
            "marginal_cost_retained": mc.retention,
        }
    )


def marginal_dollar_map(
    acquisition_spend,
    retention_spend,
    margin,
    discount_rate,
    a_max,
    k_a,
    r_max,
    k_r,
    claimed_ratio: float = 5.0,
) -> pd.DataFrame:
    """Where the next dollar belongs, at each current (A, R), against the average-cost rule.

    For every pair of current spends (the outer product of the two grids), the return of one
    more dollar of acquisition spend per prospect, ``V / MC_a - 1``, and of one more dollar of
    present-value retention budget per prospect, ``(V - MC_r)(1 + d - r) / (MC_r (1 + d - r) +
    R)`` (module notes, "The next dollar"). The next dollar goes to the higher return if it is
    positive, else nowhere.

    The average-cost rule of the maxim says "favour retention" wherever the average cost ratio
    ``(A/a) / (R/r)`` is at least ``claimed_ratio``. It is wrong where that holds and yet the next
    dollar earns more in acquisition, or earns nothing in retention (Pfeifer 2005).

    Parameters
    ----------
    acquisition_spend, retention_spend : sequence of float
        Grids of current spend: per prospect, and per customer per period (currency, > 0).
    margin, discount_rate, a_max, k_a, r_max, k_r :
        As in :func:`customer_equity_test`.
    claimed_ratio : float
        The average cost ratio that the maxim quotes (dimensionless, > 0), 5 by default.

    Returns
    -------
    DataFrame with one row per pair: ``acquisition_spend``, ``retention_spend``,
    ``average_cost_ratio``, ``marginal_cost_acquired``, ``marginal_cost_retained``,
    ``customer_value``, ``return_acquisition``, ``return_retention`` (currency of customer equity
    per extra currency unit spent), ``next_dollar`` ("acquisition", "retention" or "neither") and
    ``favour_retention_wrong`` (bool).
    """
    m, d, a_max, k_a, r_max, k_r = _model_args(margin, discount_rate, a_max, k_a, r_max, k_r)
    claimed = float(_positive_ratio(claimed_ratio, "claimed_ratio"))
    A0 = _spend(np.atleast_1d(acquisition_spend), "acquisition_spend", positive=True)
    R0 = _spend(np.atleast_1d(retention_spend), "retention_spend", positive=True)
    A, R = (x.ravel() for x in np.meshgrid(A0, R0, indexing="ij"))
    a = np.asarray(acquisition_response(A, a_max, k_a))
    r = np.asarray(retention_response(R, r_max, k_r))
    V = _value_from_rate(R, r, m, d)
    mc = marginal_costs(A, R, a_max, k_a, r_max, k_r)
    ret_a = V / mc.acquisition - 1.0
    q = 1.0 + d - r
    ret_r = (V - mc.retention) * q / (mc.retention * q + R)
    next_dollar = np.where(
        np.maximum(ret_a, ret_r) <= 0,
        "neither",
        np.where(ret_a > ret_r, "acquisition", "retention"),
    )
    avg_ratio = (A / a) / (R / r)
    return pd.DataFrame(
        {
            "acquisition_spend": A,
            "retention_spend": R,
            "average_cost_ratio": avg_ratio,
            "marginal_cost_acquired": mc.acquisition,
            "marginal_cost_retained": mc.retention,
            "customer_value": V,
            "return_acquisition": ret_a,
            "return_retention": ret_r,
            "next_dollar": next_dollar,
            "favour_retention_wrong": (avg_ratio >= claimed) & (next_dollar != "retention"),
        }
    )


def next_dollar_shares(grid: pd.DataFrame, claimed_ratio: float = 5.0) -> pd.Series:
    """Where the next dollar belongs, among the spends where retention looks cheap enough.

    ``grid`` is :func:`marginal_dollar_map`. Among its rows whose average cost ratio is at least
    ``claimed_ratio`` (where the maxim says "favour retention"), the share whose next dollar
    belongs in ``retention``, ``acquisition`` or ``neither`` (shares summing to 1; all NaN when
    no row qualifies). ``attrs["favour_retention_wrong"]`` is the share of those rows where the
    rule is wrong, ``attrs["rows"]`` their number.
    """
    claimed = float(_positive_ratio(claimed_ratio, "claimed_ratio"))
    missing = {"average_cost_ratio", "next_dollar", "favour_retention_wrong"} - set(grid.columns)
    if missing:
        raise DataError(
            f"grid lacks column(s) {sorted(missing)}; pass the output of marginal_dollar_map"
        )
    cheap = grid[grid["average_cost_ratio"] >= claimed]
    labels = ["retention", "acquisition", "neither"]
    if cheap.empty:
        shares = pd.Series(np.nan, index=labels)
    else:
        counts = cheap["next_dollar"].value_counts().reindex(labels, fill_value=0)
        shares = counts / len(cheap)
    shares = shares.rename("share").rename_axis("next_dollar")
    shares.attrs.update(
        rows=len(cheap),
        favour_retention_wrong=float(cheap["favour_retention_wrong"].mean())
        if len(cheap)
        else np.nan,
        claimed_ratio=claimed,
    )
    return shares


def under_acquisition_check(
    cost_ratios,
    margin,
    discount_rate,
    a_max,
    r_max,
    k_r,
    acquisition_fraction: float = 0.5,
    claimed_ratio: float = 5.0,
) -> pd.DataFrame:
    """For firms with different cost ratios, the next dollar when acquisition is under-funded.

    For each first-customer cost ratio (see :func:`acquisition_efficiency_for_ratio`), the firm
    spends ``acquisition_fraction`` of its optimal acquisition spend and exactly its optimal
    retention spend; :func:`marginal_dollar_map` then says where its next dollar belongs. The rows
    where ``favour_retention_wrong`` is true are firms for which retention is at least
    ``claimed_ratio`` times cheaper on average and yet the next dollar belongs in acquisition.

    Parameters
    ----------
    cost_ratios : sequence of float
        First-customer cost ratios (> 0).
    margin, discount_rate, a_max, r_max, k_r :
        As in :func:`cost_ratio_sweep`.
    acquisition_fraction : float
        Share of the optimal acquisition spend the firm actually spends, in (0, 1].
    claimed_ratio : float
        The average cost ratio of the maxim (> 0), 5 by default.

    Returns
    -------
    DataFrame, one row per cost ratio whose optimum acquires customers (ratios at which no
    acquisition pays are left out): ``cost_ratio``, ``k_a`` and the columns of
    :func:`marginal_dollar_map`.
    """
    frac = check_number(
        acquisition_fraction, "acquisition_fraction", low=0.0, low_open=True, high=1.0
    )
    rows = []
    for c in _positive_ratio(np.atleast_1d(cost_ratios), "cost_ratios"):
        k_a = acquisition_efficiency_for_ratio(float(c), a_max, r_max, k_r)
        best = optimal_spend(margin, discount_rate, a_max, k_a, r_max, k_r)
        if best["acquisition_spend"] <= 0 or best["retention_spend"] <= 0:
            continue
        here = marginal_dollar_map(
            [float(frac) * best["acquisition_spend"]],
            [best["retention_spend"]],
            margin,
            discount_rate,
            a_max,
            k_a,
            r_max,
            k_r,
            claimed_ratio=claimed_ratio,
        )
        rows.append(here.assign(cost_ratio=float(c), k_a=k_a))
    columns = ["cost_ratio", "k_a"]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.concat(rows, ignore_index=True)
    return out[columns + [c for c in out.columns if c not in columns]]


# --------------------------------------------------------------------------------------------
# the value of real customers
# --------------------------------------------------------------------------------------------

#: Labels of :func:`value_by_repeat_status`.
REPEAT_STATUS = ("repeat buyers", "one purchase so far")


def value_by_repeat_status(values: pd.Series, frequency: pd.Series) -> pd.DataFrame:
    """Customer values summarised by whether the customer has come back since the first purchase.

    A customer with at least one repeat purchase (``frequency > 0`` in the RFM summary of Fader,
    Hardie & Lee 2005) is a *repeat buyer*. In a non-contractual business (CDNOW) nobody is
    "retained" in the contractual sense: a repeat buyer has come back, and may or may not still
    be a customer. ``values`` are per-customer values (currency, e.g. the CLV of
    :func:`crmstudy.clv.customer_lifetime_value`), ``frequency`` the repeat
    purchases, both indexed by customer (the same customers). Returns a DataFrame indexed by
    ``status`` (:data:`REPEAT_STATUS`) with ``count``, ``mean`` and ``median`` (currency).
    """
    if not isinstance(values, pd.Series) or not isinstance(frequency, pd.Series):
        raise DataError("values and frequency must be pandas Series indexed by customer")
    if not values.index.equals(frequency.index):
        raise DataError(
            "values and frequency must be indexed by the same customers in the same order"
        )
    freq = numeric_values(frequency)
    bad = ~np.isfinite(freq) | (freq < 0)
    if bad.any():
        raise bad_values_error(frequency, bad, "frequency", "value(s) that are not counts >= 0")
    status = pd.Series(
        np.where(freq > 0, REPEAT_STATUS[0], REPEAT_STATUS[1]), index=values.index, name="status"
    )
    table = values.groupby(status).agg(["count", "mean", "median"])
    return table.reindex(list(REPEAT_STATUS)).rename_axis("status")


__getattr__ = moved(
    __name__, {"break_even_cost_ratio": "crmstudy.keep_or_replace:break_even_cost_ratio"}
)
