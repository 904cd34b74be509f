"""From defection rate to profit: when does "5% less churn" mean "+100% profit"?

Reichheld & Sasser (1990), "Zero Defections: Quality Comes to Services", Harvard Business Review
68(5), 105-111, report that "companies can boost profits by almost 100% by retaining just 5% more
of their customers". Their mechanism: a customer's profit grows with tenure (base profit, growing
purchases, lower cost to serve, referrals, a price premium), so a lower defection rate lengthens
lifetimes *and* shifts the base towards the profitable long-tenure customers.

The model here is the smallest one that carries that mechanism:

* ``N`` new customers arrive every period, each costing ``c`` to acquire;
* a customer in their t-th period of tenure (t = 1 in the period of acquisition) yields profit
  ``p_t``, built from Reichheld & Sasser's five sources (:func:`tenure_profile`);
* every customer defects at the end of a period with probability ``d`` (retention ``r = 1 - d``);
* the firm may carry a fixed cost ``F`` per period; money is discounted at ``i`` per period.

In the mature (steady-state) base there are ``N r**(t-1)`` customers of tenure t, so the profit per
period is ``N * G(d) - N c - F`` with ``G(d) = sum_t p_t r**(t-1)``: the undiscounted profit a new
customer brings over their life. A defection cut from ``d`` to ``d'`` raises profit by
``N (G(d') - G(d))``, a relative uplift of

    uplift = (G(d') / G(d) - 1) / mu,    mu = profit / (N G(d))

where ``mu`` is the base's **net margin**: steady-state profit after acquisition and fixed costs as
a share of the profit the customers generate before them. Profit at least doubles when the relative
rise in lifetime profit is at least the net margin, ``G(d')/G(d) - 1 >= mu``.

**Reichheld & Sasser's own metric** is not this steady-state profit. The footnote of their exhibit
"Reducing defections 5% boosts profits 25% to 85%" compares the net present value of the profit
stream of the *average* customer over the *average customer life*, ``1/d`` years, at the current
defection rate and at a rate 5 points lower (:func:`rs_customer_npv`, :func:`rs_npv_change`).
The two are linked by an identity (:func:`steady_state_identity`): undiscounted steady-state profit
is ``N`` times a new customer's expected lifetime profit net of ``c`` (minus ``F``), where the
lifetime is geometric with mean ``1/d``; R&S's metric replaces that random lifetime by a fixed one
of ``1/d`` years and may discount. With a flat profile and no discounting the two per-customer
figures coincide; a rising profile and discounting pull them apart.

Discounted sums reuse :func:`crmstudy.clv.lifetime_value`: ``G(d)`` is the lifetime value with a
zero discount rate, margins from the first period on (``timing="start"``) and the tenure profile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmstudy._checks import (
    as_float_array,
    check_choice,
    check_number,
    check_range,
    check_rate,
    check_whole,
)
from crmstudy.clv import fixed_life_value, lifetime_value
from crmstudy.errors import ParameterError
from crmstudy.units import check_period

__all__ = [
    "PROFIT_SOURCES",
    "CustomerBase",
    "tenure_profile",
    "lifetime_profit",
    "steady_state_profit",
    "defection_after_cut",
    "profit_change",
    "uplift_map",
    "doubling_threshold",
    "retention_elasticity",
    "steady_state_profit_elasticity",
    "transition_path",
    "average_life",
    "rs_customer_npv",
    "rs_npv_change",
    "rs_credit_card_base",
    "RS_CREDIT_CARD_PROFITS",
    "steady_state_identity",
    "rs_required_defection",
    "claim_readings",
    "verdict_churn_5pct",
]

#: Reichheld & Sasser's (1990) sources of profit from a customer, in the order of their exhibit.
PROFIT_SOURCES = ("base_profit", "purchase_growth", "cost_savings", "referrals", "price_premium")

_KINDS = ("points", "relative")


def _check_defection(value, name: str = "defection") -> float:
    """Defection per period in (0, 1] (:data:`crmstudy._checks.RATE_RANGES`)."""
    return float(check_rate(check_number(value, name), "defection", name))


@dataclass(frozen=True)
class CustomerBase:
    """The customer-base model's inputs, all per ``period`` and in one currency.

    Attributes
    ----------
    new_customers : float
        Customers acquired every period (N), > 0.
    acquisition_cost : float
        Cost of acquiring one customer (c), >= 0, paid in the period of acquisition.
    base_profit : float
        Profit of a customer in every period of tenure, before the tenure effects (any sign).
    purchase_growth, cost_savings, referrals, price_premium : float
        Reichheld & Sasser's (1990) tenure effects, each >= 0: the profit *added per period of
        tenure* by growing purchases, lower cost to serve, referrals and a price premium. A
        customer in tenure t gains ``(t - 1) * effect`` for t up to ``ramp_periods + 1``, and no
        more after (the profile flattens).
    ramp_periods : int
        Periods of tenure over which the effects keep growing, >= 0.
    fixed_cost : float
        Cost per period that does not depend on the number of customers (F), >= 0.
    discount_rate : float
        Per period, > 0 (used for lifetime values and the value of a transition).
    period : str
        The period of every rate and flow (a :mod:`crmstudy.units` code; default "Y").
    """

    new_customers: float = 1000.0
    acquisition_cost: float = 51.0
    base_profit: float = 30.0
    purchase_growth: float = 3.0
    cost_savings: float = 1.5
    referrals: float = 1.0
    price_premium: float = 0.75
    ramp_periods: int = 4
    fixed_cost: float = 0.0
    discount_rate: float = 0.10
    period: str = "Y"

    def __post_init__(self) -> None:
        check_number(self.new_customers, "new_customers", low=0.0, low_open=True)
        check_number(self.acquisition_cost, "acquisition_cost", low=0.0)
        check_number(self.base_profit, "base_profit")
        for name in PROFIT_SOURCES[1:]:
            check_number(getattr(self, name), name, low=0.0)
        # A whole-valued float (4.0, e.g. from a notebook parameter) is stored as the int 4.
        ramp = check_whole(self.ramp_periods, "ramp_periods", what="periods")
        object.__setattr__(self, "ramp_periods", ramp)
        check_number(self.fixed_cost, "fixed_cost", low=0.0)
        check_rate(
            check_number(self.discount_rate, "discount_rate"), "discount_rate", period=self.period
        )
        if self.discount_rate == 0:
            # The value of a transition capitalises the steady gain as a perpetuity, gain / i.
            raise ParameterError(
                "CustomerBase needs a positive discount_rate: the value of a change in defection "
                "is a perpetuity, which a zero rate makes infinite"
            )
        check_period(self.period)


def tenure_profile(base: CustomerBase, periods: int | None = None) -> pd.DataFrame:
    """Profit of one customer by period of tenure, split into Reichheld & Sasser's five sources.

    Row t (t = 1, 2, ..., ``periods``; default ``ramp_periods + 1``, after which the profile is
    flat) has one column per source in :data:`PROFIT_SOURCES` and ``profit`` (their sum, p_t), in
    currency per period. The shape follows the exhibit "Why customers are more profitable over
    time" of Reichheld & Sasser (1990); the amounts are parameters.
    """
    n = base.ramp_periods + 1 if periods is None else check_whole(periods, "periods", minimum=1)
    tenure = np.arange(1, n + 1)
    steps = np.minimum(tenure - 1, base.ramp_periods)
    frame = pd.DataFrame({"tenure": tenure, "base_profit": np.full(n, float(base.base_profit))})
    for name in PROFIT_SOURCES[1:]:
        frame[name] = steps * float(getattr(base, name))
    frame["profit"] = frame[list(PROFIT_SOURCES)].sum(axis=1)
    frame.attrs["period"] = base.period
    return frame.set_index("tenure")


def _profile(base: CustomerBase) -> np.ndarray:
    return tenure_profile(base)["profit"].to_numpy()


def lifetime_profit(defection: float, base: CustomerBase, discount_rate: float = 0.0) -> float:
    """Expected profit of one new customer over their life, before the acquisition cost.

    ``sum_t p_t (1 - d)**(t-1) / (1 + i)**(t-1)``, t >= 1: the first period's profit is earned for
    sure and undiscounted. With ``discount_rate=0`` this is ``G(d)``, the steady-state profit per
    new customer; with the base's rate it is the (gross) customer lifetime value. Computed by
    :func:`crmstudy.clv.lifetime_value` with the tenure profile and ``timing="start"``.
    ``defection`` per period in (0, 1].
    """
    d = _check_defection(defection)
    return float(
        lifetime_value(1.0, 1.0 - d, discount_rate, timing="start", margin_profile=_profile(base))
    )


def steady_state_profit(defection: float, base: CustomerBase | None = None) -> pd.Series:
    """Profit per period of the mature customer base at defection rate ``defection``.

    With ``N r**(t-1)`` customers of tenure t (r = 1 - d), the profit is
    ``N G(d) - N c - F`` (see the module docstring). Returns a Series with ``customers`` (size of
    the base, ``N / d``), ``gross_profit`` (``N G(d)``), ``acquisition_spend`` (``N c``),
    ``fixed_cost``, ``profit``, ``net_margin`` (profit / gross profit) and ``customer_value``
    (discounted lifetime value of a new customer, net of the acquisition cost). Currency per
    period, except ``customer_value`` (currency) and ``net_margin`` (a share).
    """
    base = CustomerBase() if base is None else base
    d = _check_defection(defection)
    gross = base.new_customers * lifetime_profit(d, base)
    spend = base.new_customers * base.acquisition_cost
    profit = gross - spend - base.fixed_cost
    clv = lifetime_profit(d, base, base.discount_rate) - base.acquisition_cost
    return pd.Series(
        {
            "customers": base.new_customers / d,
            "gross_profit": gross,
            "acquisition_spend": spend,
            "fixed_cost": float(base.fixed_cost),
            "profit": profit,
            "net_margin": profit / gross if gross != 0 else math.nan,
            "customer_value": clv,
        },
        name=f"defection={d:g}",
    )


def defection_after_cut(defection_before: float, cut: float = 0.05, kind: str = "points") -> float:
    """The defection rate after "a 5% cut", read as percentage points or as a share of the rate.

    ``kind="points"``: ``d - cut`` (10% becomes 5%); ``kind="relative"``: ``d * (1 - cut)``
    (10% becomes 9.5%). Both rates per period. Raises :class:`ParameterError` if the result is not
    above 0.
    """
    d = _check_defection(defection_before, "defection_before")
    cut = check_number(cut, "cut", low=0.0, low_open=True, high=1.0, what="a share per period")
    check_choice(kind, "kind", _KINDS)
    after = d - cut if kind == "points" else d * (1.0 - cut)
    if after <= 0:
        raise ParameterError(
            f"a cut of {cut:g} percentage points from defection_before={d:g} leaves no defection "
            "at all; use a smaller cut or kind='relative'"
        )
    return after


def profit_change(
    defection_before: float,
    defection_after: float | None = None,
    kind: str = "points",
    *,
    cut: float | None = None,
    base: CustomerBase | None = None,
) -> pd.Series:
    """% change in steady-state profit and in customer lifetime value when defection falls.

    Give the new rate either directly (``defection_after``) or as a ``cut`` read according to
    ``kind`` (:func:`defection_after_cut`: "points" or "relative"); ``kind`` is ignored when
    ``defection_after`` is given. Rates per period of ``base``.

    Returns a Series: ``defection_before``, ``defection_after``, ``profit_before``,
    ``profit_after`` (currency per period), ``profit_change_pct`` (% change of steady-state
    profit), ``clv_before``, ``clv_after`` (discounted value of a new customer net of acquisition
    cost), ``clv_change_pct``, ``lifetime_profit_change_pct`` (% change of ``G``), and
    ``net_margin`` (before). The profit change equals
    ``lifetime_profit_change_pct / net_margin`` (module docstring).
    """
    base = CustomerBase() if base is None else base
    d0 = _check_defection(defection_before, "defection_before")
    if (defection_after is None) == (cut is None):
        raise ParameterError("give exactly one of defection_after and cut")
    if defection_after is None:
        d1 = defection_after_cut(d0, cut, kind)
    else:
        d1 = _check_defection(defection_after, "defection_after")
    before = steady_state_profit(d0, base)
    after = steady_state_profit(d1, base)

    def pct(new, old):
        return 100.0 * (new - old) / abs(old) if old != 0 else math.nan

    g0 = before["gross_profit"]
    return pd.Series(
        {
            "defection_before": d0,
            "defection_after": d1,
            "profit_before": before["profit"],
            "profit_after": after["profit"],
            "profit_change_pct": pct(after["profit"], before["profit"]),
            "clv_before": before["customer_value"],
            "clv_after": after["customer_value"],
            "clv_change_pct": pct(after["customer_value"], before["customer_value"]),
            "lifetime_profit_change_pct": pct(after["gross_profit"], g0),
            "net_margin": before["net_margin"],
        },
        name="profit_change",
    )


def uplift_map(
    defections,
    net_margins,
    cut: float = 0.05,
    kind: str = "points",
    base: CustomerBase | None = None,
) -> pd.DataFrame:
    """% profit uplift of a defection cut, over baseline defection rates and net margins.

    The uplift formula of the module docstring (the Reichheld & Sasser 1990 mechanism in the
    steady state). For each baseline ``d`` the cut raises lifetime profit per customer by
    ``G(d')/G(d) - 1``
    (from the tenure profile of ``base``; its acquisition and fixed costs do not enter); a base
    with net margin ``mu`` then gains ``100 (G(d')/G(d) - 1) / mu`` % in profit. Rows are
    ``net_margin`` (shares in (0, 1]), columns ``defection`` (per period); cells where the cut would
    leave no defection are NaN.
    """
    base = CustomerBase() if base is None else base
    mus = np.ravel(check_range(net_margins, "net_margins", low=0.0, low_open=True, high=1.0))
    ds = [_check_defection(float(d)) for d in np.ravel(as_float_array(defections, "defections"))]
    gain = []
    for d in ds:
        try:
            d1 = defection_after_cut(d, cut, kind)
        except ParameterError:
            gain.append(math.nan)
            continue
        gain.append(lifetime_profit(d1, base) / lifetime_profit(d, base) - 1.0)
    values = 100.0 * np.asarray(gain)[None, :] / mus[:, None]
    return pd.DataFrame(
        values,
        index=pd.Index(mus, name="net_margin"),
        columns=pd.Index(ds, name="defection"),
    )


def doubling_threshold(
    defection_before: float,
    cut: float = 0.05,
    kind: str = "points",
    base: CustomerBase | None = None,
) -> float:
    """The highest net margin at which the cut still (at least) doubles steady-state profit.

    ``mu* = G(d') / G(d) - 1`` (module docstring; the "+100%" of Reichheld & Sasser 1990):
    profit rises by >= 100% exactly when the base's net margin is at
    most ``mu*``. For a flat profile (no tenure effects) and a cut in points this is
    ``cut / (d - cut)``; for a relative cut it is ``cut / (1 - cut)`` whatever ``d``.
    """
    base = CustomerBase() if base is None else base
    d0 = _check_defection(defection_before, "defection_before")
    d1 = defection_after_cut(d0, cut, kind)
    return lifetime_profit(d1, base) / lifetime_profit(d0, base) - 1.0


def retention_elasticity(defection: float, base: CustomerBase | None = None, step: float = 0.01):
    """Deprecated name of :func:`steady_state_profit_elasticity`.

    "Retention elasticity" named three different quantities in crmstudy; this one is the % change
    in *steady-state profit* (and in a new customer's CLV) per 1% more retention.
    """
    import warnings

    warnings.warn(
        "churn_profit.retention_elasticity is deprecated; use "
        "churn_profit.steady_state_profit_elasticity",
        DeprecationWarning,
        stacklevel=2,
    )
    return steady_state_profit_elasticity(defection, base, step)


def steady_state_profit_elasticity(
    defection: float, base: CustomerBase | None = None, step: float = 0.01
):
    """% change in steady-state profit and in CLV for a 1% (relative) rise in retention.

    Retention ``r = 1 - d`` becomes ``r (1 + step)``; compare with the ~5% of Gupta, Lehmann &
    Stuart (2004), whose elasticity is of customer equity, not of steady-state profit. A finite
    difference over ``step`` (relative), not a derivative. Returns a Series with ``profit`` and
    ``clv`` (percent per ``100 * step`` %).
    """
    d = _check_defection(defection)
    step = check_number(step, "step", low=0.0, low_open=True, high=0.5)
    after = 1.0 - (1.0 - d) * (1.0 + step)
    if after <= 0:
        raise ParameterError(
            f"a {step:.0%} rise in retention 1 - {d:g} would exceed 1; use a smaller step"
        )
    change = profit_change(d, after, base=base)
    scale = 100.0 * step
    return pd.Series(
        {
            "profit": change["profit_change_pct"] / scale,
            "clv": change["clv_change_pct"] / scale,
        },
        name="steady_state_profit_elasticity",
    )


def transition_path(
    defection_before: float,
    defection_after: float,
    horizon: int | None = None,
    base: CustomerBase | None = None,
    *,
    periods: int | None = None,
) -> pd.DataFrame:
    """Period-by-period profit after the defection rate falls from one steady state to another.

    The customer-base model of the module docstring, followed period by period (a cohort
    simulation in expectation; Reichheld & Sasser 1990 compare steady states only). Both rates per
    ``base.period``. The base starts in the steady state of ``defection_before``; from period 1 on
    every customer
    (old and new) defects at ``defection_after``. Customers are tracked by tenure, with the flat
    part of the profile (tenure > ``ramp_periods``) in one group, which is exact.

    ``horizon`` is the number of periods returned (in ``base.period``; default 30);
    ``periods=`` is its deprecated old name.

    Returns a DataFrame indexed by ``period`` (0 = the old steady state, then 1..``horizon``) with
    ``customers``, ``profit`` (currency per period), ``gain`` (profit minus the old steady-state
    profit), ``share_of_gain`` (gain / the steady-state gain) and ``discounted_gain`` (cumulative
    present value of the gains at the base's discount rate). ``attrs`` holds
    ``steady_state_gain``, ``periods_to_90pct`` (first period with 90% of the gain reached, also
    beyond ``horizon``) and ``value_of_change``: the present value of all future gains, simulated
    until the old base has gone (the gap shrinks like ``(1 - defection_after)**s``) and continued
    as the perpetuity ``steady gain / i`` after that, and ``naive_value_of_change``: the
    perpetuity ``steady gain / i`` as if the whole gain came from period 1 on (the value the
    steady-state comparison implies).
    """
    base = CustomerBase() if base is None else base
    d0 = _check_defection(defection_before, "defection_before")
    d1 = _check_defection(defection_after, "defection_after")
    if periods is not None:
        import warnings

        warnings.warn(
            "transition_path(periods=...) is deprecated; use horizon= (periods of base.period)",
            DeprecationWarning,
            stacklevel=2,
        )
        if horizon is not None:
            raise ParameterError("give horizon or periods (deprecated), not both")
        horizon = periods
    periods = check_whole(30 if horizon is None else horizon, "horizon", minimum=1)
    profile = _profile(base)
    k = profile.size  # tenures 1..k-1 tracked one by one; group k holds tenure >= k
    n = base.new_customers
    r0, r1 = 1.0 - d0, 1.0 - d1
    counts = n * r0 ** np.arange(k, dtype=float)
    counts[-1] = n * r0 ** (k - 1) / d0
    old = steady_state_profit(d0, base)["profit"]
    new = steady_state_profit(d1, base)["profit"]

    def profit_of(c):
        return float(c @ profile) - n * base.acquisition_cost - base.fixed_cost

    # Simulate on until the old base has (numerically) gone, so that the value of the change is
    # exact; only the first `periods` rows are returned.
    settle = 0 if r1 == 0 else int(math.ceil(math.log(1e-12) / math.log(r1)))
    total = max(periods, min(settle, 100_000))
    rows = [(0, counts.sum(), profit_of(counts))]
    for s in range(1, total + 1):
        survivors = counts * r1
        counts = np.concatenate(([n], survivors[:-1]))
        counts[-1] += survivors[-1]  # the last group keeps its own survivors
        rows.append((s, counts.sum(), profit_of(counts)))
    full = pd.DataFrame(rows, columns=["period", "customers", "profit"]).set_index("period")
    full["gain"] = full["profit"] - old
    steady_gain = new - old
    full["share_of_gain"] = full["gain"] / steady_gain if steady_gain != 0 else math.nan
    i = base.discount_rate
    disc = (1.0 + i) ** -full.index.to_numpy(dtype=float)
    full["discounted_gain"] = np.cumsum(full["gain"].to_numpy() * disc)
    reached = full.index[full["share_of_gain"] >= 0.9]
    tail = steady_gain / i * (1.0 + i) ** -total
    path = full.loc[:periods].copy()
    path.attrs.update(
        period=base.period,
        steady_state_gain=steady_gain,
        periods_to_90pct=int(reached[0]) if len(reached) else None,
        value_of_change=float(full["discounted_gain"].iloc[-1] + tail),
        naive_value_of_change=float(steady_gain / i),
    )
    return path


# --------------------------------------------------------------------------------------------
# Reichheld & Sasser's (1990) own metric: NPV of the average customer over the average life
# --------------------------------------------------------------------------------------------

#: The credit-card example of Reichheld & Sasser (1990), exhibit "Why customers are more
#: profitable over time": acquisition cost US$51 (year 0), then profit US$30, 42, 44, 49, 55 in
#: years 1-5 of tenure, flat at US$55 afterwards. MBNA's defection went from 10% to 5%.
RS_CREDIT_CARD_PROFITS = (30.0, 42.0, 44.0, 49.0, 55.0)
RS_CREDIT_CARD_ACQUISITION_COST = 51.0


def rs_credit_card_base(discount_rate: float = 0.10) -> CustomerBase:
    """The :class:`CustomerBase` whose tenure profile is R&S's credit-card example, exactly.

    Base profit US$30 and tenure effects that add US$12, 2, 5, 6 in years 2-5 cannot be written as
    constant per-year effects, so the profile is carried by :func:`rs_customer_npv`'s ``profits``
    argument; this base gives the acquisition cost (US$51) and the yearly period. Its own
    linear profile (30 rising by 6.25 a year to 55 in year 5) has the same first and fifth year.
    """
    return CustomerBase(
        acquisition_cost=RS_CREDIT_CARD_ACQUISITION_COST,
        base_profit=30.0,
        purchase_growth=6.25,
        cost_savings=0.0,
        referrals=0.0,
        price_premium=0.0,
        ramp_periods=4,
        discount_rate=discount_rate,
        period="Y",
    )


def average_life(defection: float) -> float:
    """The average customer life of Reichheld & Sasser (1990): ``1 / d`` periods.

    It is also the mean of the geometric lifetime (a customer stays ``T`` periods with
    ``P(T = t) = d (1 - d)**(t - 1)``, t >= 1). ``defection`` per period in (0, 1].
    """
    return 1.0 / _check_defection(defection)


def rs_customer_npv(
    defection: float,
    base: CustomerBase | None = None,
    discount_rate: float = 0.0,
    profits=None,
) -> float:
    """Net present value of the average customer's profit over the average life of ``1/d`` periods.

    Reichheld & Sasser (1990), footnote of the exhibit "Reducing defections 5% boosts profits 25%
    to 85%": ``NPV(d) = -c + sum_{t=1}^{L} p_t / (1 + i)**t``, ``L = 1/d``. The acquisition cost
    ``c`` is paid now (year 0) and the profit of tenure year t at the end of that year.

    **Fractional life**: when ``1/d`` is not a whole number (d = 15% gives 6.67 years), the whole
    years count in full and the last, partial year counts pro rata: ``(L - floor(L)) * p_{floor(L)+1}``,
    discounted from the end of that year. So the NPV is continuous in ``d``.

    Parameters
    ----------
    defection : float
        Defection per period of ``base``, in (0, 1].
    base : CustomerBase
        Gives ``c`` (``acquisition_cost``) and, unless ``profits`` is given, the tenure profile
        (:func:`tenure_profile`).
    discount_rate : float
        Per period, >= 0; 0 (default) is the undiscounted NPV.
    profits : sequence of float, optional
        Profit by year of tenure (element 0 for year 1), the last value holding for every later
        year; e.g. :data:`RS_CREDIT_CARD_PROFITS`.

    Returns
    -------
    float, in the currency of ``base``.
    """
    base = CustomerBase() if base is None else base
    life = average_life(defection)
    i = float(check_rate(check_number(discount_rate, "discount_rate"), "discount_rate"))
    profile = _profile(base) if profits is None else profits
    return float(-base.acquisition_cost + fixed_life_value(profile, life, i))


def rs_npv_change(
    defection_before: float,
    defection_after: float,
    base: CustomerBase | None = None,
    discount_rate: float = 0.0,
    profits=None,
) -> pd.Series:
    """R&S's metric at two defection rates and its % change (:func:`rs_customer_npv`).

    Returns a Series: ``life_before``, ``life_after`` (periods), ``npv_before``, ``npv_after``
    (currency) and ``rs_customer_npv_change_pct`` (percent; NaN if ``npv_before`` is 0).
    """
    before = rs_customer_npv(defection_before, base, discount_rate, profits)
    after = rs_customer_npv(defection_after, base, discount_rate, profits)
    return pd.Series(
        {
            "life_before": average_life(defection_before),
            "life_after": average_life(defection_after),
            "npv_before": before,
            "npv_after": after,
            "rs_customer_npv_change_pct": (
                100.0 * (after - before) / abs(before) if before != 0 else math.nan
            ),
        },
        name="rs_npv_change",
    )


def steady_state_identity(defection: float, base: CustomerBase | None = None) -> pd.Series:
    """Both sides of the identity between steady-state profit and one customer's lifetime profit.

    In the mature base, profit per period ``Pi(d) = N (G(d) - c) - F``, where ``G(d)`` is the
    *expected* undiscounted profit of a new customer over a geometric lifetime of mean ``1/d``
    (:func:`lifetime_profit`). Returns ``steady_state_profit`` (from the cohort sum of
    :func:`steady_state_profit`), ``inflow_times_lifetime_profit`` (``N (G(d) - c) - F``),
    ``rs_undiscounted_npv`` (R&S's fixed life of ``1/d``, :func:`rs_customer_npv`) and
    ``expected_lifetime_profit_net`` (``G(d) - c``): R&S's metric differs from the last only by the
    fixed instead of the geometric life (and, when discounted, by discounting).
    """
    base = CustomerBase() if base is None else base
    d = _check_defection(defection)
    gross = lifetime_profit(d, base)
    return pd.Series(
        {
            "steady_state_profit": steady_state_profit(d, base)["profit"],
            "inflow_times_lifetime_profit": base.new_customers * (gross - base.acquisition_cost)
            - base.fixed_cost,
            "expected_lifetime_profit_net": gross - base.acquisition_cost,
            "rs_undiscounted_npv": rs_customer_npv(d, base),
        },
        name=f"defection={d:g}",
    )


def rs_required_defection(
    target_pct: float,
    base: CustomerBase | None = None,
    cut: float = 0.05,
    discount_rate: float = 0.0,
    profits=None,
) -> float:
    """The baseline defection at which a ``cut``-point cut raises R&S's metric by ``target_pct``.

    Inverts :func:`rs_npv_change` in the baseline ``d`` (the new rate is ``d - cut``): searches
    ``d`` in (``cut``, 1] on a grid of 0.5-point steps for a sign change of
    ``change(d) - target_pct`` and refines it with Brent's method, among baselines where the
    customer's NPV before the cut is positive (a % change of a loss means nothing). Returns the
    smallest such ``d`` (a rate per period), or NaN when no baseline gives the target. The change
    need not be monotone in ``d`` (discounted, it can rise again near break-even), hence "smallest".
    ``target_pct`` in percent.
    """
    from scipy.optimize import brentq

    target = check_number(target_pct, "target_pct", what="percent")
    cut = check_number(cut, "cut", low=0.0, low_open=True, high=1.0, high_open=True)

    def gap(d):
        return (
            rs_npv_change(d, d - cut, base, discount_rate, profits)["rs_customer_npv_change_pct"]
            - target
        )

    grid = np.arange(cut + 0.005, 1.0 + 1e-9, 0.005)
    previous = None
    for d in map(float, grid):
        if rs_customer_npv(d, base, discount_rate, profits) <= 0:
            # A customer who does not pay back their acquisition cost has no meaningful % change.
            previous = None
            continue
        g = gap(d)
        if g == 0:
            return d
        if previous is not None and np.sign(previous[1]) != np.sign(g):
            return float(brentq(gap, previous[0], d, xtol=1e-12))
        previous = (d, g)
    return math.nan


def claim_readings(
    defection_before: float,
    base: CustomerBase | None = None,
    discount_rate: float | None = None,
    cut: float = 0.05,
) -> pd.DataFrame:
    """The readings of "5% less churn raises profit 100%" at one baseline defection rate.

    Rows: the cut read as ``points`` (``d - cut``) or ``relative`` (``d (1 - cut)``),
    :func:`defection_after_cut`. Columns: ``defection_after``; ``firm_profit_pct`` (% change of
    steady-state firm profit, :func:`profit_change`); ``rs_npv_undiscounted_pct`` and
    ``rs_npv_discounted_pct`` (R&S's per-customer metric, :func:`rs_npv_change`, undiscounted and
    at ``discount_rate``, default the base's). A reading whose cut leaves no defection is NaN.
    """
    base = CustomerBase() if base is None else base
    i = base.discount_rate if discount_rate is None else discount_rate
    rows = {}
    for kind in _KINDS:
        try:
            d1 = defection_after_cut(defection_before, cut, kind)
        except ParameterError:
            rows[kind] = dict.fromkeys(
                (
                    "defection_after",
                    "firm_profit_pct",
                    "rs_npv_undiscounted_pct",
                    "rs_npv_discounted_pct",
                ),
                math.nan,
            )
            continue
        rows[kind] = {
            "defection_after": d1,
            "firm_profit_pct": profit_change(defection_before, d1, base=base)["profit_change_pct"],
            "rs_npv_undiscounted_pct": rs_npv_change(defection_before, d1, base)[
                "rs_customer_npv_change_pct"
            ],
            "rs_npv_discounted_pct": rs_npv_change(defection_before, d1, base, i)[
                "rs_customer_npv_change_pct"
            ],
        }
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("cut")
    out.attrs.update(defection_before=float(defection_before), cut=float(cut), discount_rate=i)
    return out


_READING_LABELS = {
    "firm_profit_pct": ("steady-state firm profit", "稳态公司利润"),
    "rs_npv_undiscounted_pct": ("R&S customer NPV, undiscounted", "R&S 客户净现值（不贴现）"),
    "rs_npv_discounted_pct": ("R&S customer NPV, discounted", "R&S 客户净现值（贴现）"),
}
_CUT_LABELS = {
    "points": ("a 5-point cut", "下降 5 个百分点"),
    "relative": ("a 5% relative cut", "相对下降 5%"),
}


def verdict_churn_5pct(readings: pd.DataFrame, threshold_pct: float = 100.0) -> dict:
    """The verdict rule for "cut churn 5%, raise profit 100%", from :func:`claim_readings`.

    Rule: a reading *holds* when its % change is at least ``threshold_pct`` (100). The claim
    ``holds`` if every reading holds, ``holds_if`` if some but not all do (the condition names
    them), ``does_not_hold`` if none does. Returns ``{"class", "holding", "failing", "values",
    "condition_en", "condition_zh"}``; ``values`` are the readings by ``<cut>__<metric>`` and the
    threshold, so a test can re-derive the class.
    """
    threshold = check_number(threshold_pct, "threshold_pct")
    values = {"threshold_pct": threshold}
    holding, failing = [], []
    for kind in readings.index:
        for metric in _READING_LABELS:
            v = float(readings.loc[kind, metric])
            key = f"{kind}__{metric}"
            if math.isnan(v):
                continue
            values[key] = v
            (holding if v >= threshold else failing).append((kind, metric))
    if holding and not failing:
        verdict_class = "holds"
    elif holding:
        verdict_class = "holds_if"
    else:
        verdict_class = "does_not_hold"

    def describe(pairs, lang):
        k = 0 if lang == "en" else 1
        sep = "; " if lang == "en" else "；"
        return sep.join(f"{_CUT_LABELS[c][k]}, {_READING_LABELS[m][k]}" for c, m in pairs)

    d0 = readings.attrs.get("defection_before", math.nan)
    if verdict_class == "holds_if":
        condition_en = (
            f"From {d0:.0%} defection, profit rises by {threshold:.0f}% or more only when the claim "
            f"is read as: {describe(holding, 'en')}."
        )
        condition_zh = (
            f"在 {d0:.0%} 的流失率下，只有按以下方式理解时利润才增加 {threshold:.0f}% 以上："
            f"{describe(holding, 'zh')}。"
        )
    elif verdict_class == "holds":
        condition_en = (
            f"From {d0:.0%} defection, every reading of the cut gives {threshold:.0f}% or more."
        )
        condition_zh = f"在 {d0:.0%} 的流失率下，每种理解都使利润增加 {threshold:.0f}% 以上。"
    else:
        condition_en = (
            f"From {d0:.0%} defection, no reading of the cut raises profit by {threshold:.0f}%."
        )
        condition_zh = f"在 {d0:.0%} 的流失率下，任何理解都达不到利润增加 {threshold:.0f}%。"
    return {
        "class": verdict_class,
        "holding": holding,
        "failing": failing,
        "values": values,
        "condition_en": condition_en,
        "condition_zh": condition_zh,
    }
