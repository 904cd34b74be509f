"""Customer equity: the value of today's customers and of every cohort a firm will acquire.

Gupta, Lehmann & Stuart (2004), "Valuing Customers", J. Marketing Research 41(1), 7-18 (GLS).
Their discrete-time cohort sum (eq. 7) values cohort k, acquired ``n_k`` strong at cost ``c``,
from its acquisition on, the first margin *at acquisition*::

    Value = sum_{k>=0} n_k / (1+i)^k * sum_{t>=k} m r^(t-k) / (1+i)^(t-k)  -  sum_k n_k c / (1+i)^k

so that the per-customer multiple is ``(1 + i) / (1 + i - r)`` (``timing="start"`` below). The
results they report use the continuous-time version, whose per-customer multiple is the margin
multiple ``r / (1 + i - r)`` of Gupta & Lehmann (2003), margins from one period after acquisition
(``timing="end"``, the default). Both are in :func:`customer_equity`.

Rates travel with their periods: ``retention`` per ``retention_period`` and ``discount_rate`` per
``discount_period`` (default: the model's ``period``); both are converted to ``period`` as GLS
do, the discount rate by compounding (:func:`crmstudy.units.convert_rate`: 12% a year is 2.874%
a quarter) and retention as a survival probability (:func:`crmstudy.clv.retention_per_period`:
0.70 a year is 0.9147 a quarter). Values are before tax unless ``tax_rate`` is given.

Elasticities (:func:`customer_equity_elasticities`) are GLS's: the % change in customer equity for
a 1% *improvement* in one driver (retention and margin up, acquisition cost and the discount rate
down), the future cohorts held fixed. Not to be confused with
:func:`crmstudy.clv.simple_retention_elasticity` (one cohort's margin multiple) or
:func:`crmstudy.churn_profit.steady_state_profit_elasticity` (a mature base's profit per period).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from crmstudy._checks import (
    check_choice,
    check_discount_rate,
    check_number,
    check_range,
    check_retention,
    check_whole,
    scalar_or_array,
)
from crmstudy.clv import lifetime_value, retention_per_period, simple_retention_elasticity
from crmstudy.errors import ParameterError
from crmstudy.units import check_period, convert_rate

__all__ = [
    "logistic_customers",
    "logistic_through",
    "logistic_new_customers",
    "customer_equity",
    "customer_equity_elasticities",
    "firm_inputs",
    "gls_valuation",
    "gls_summary",
    "shortcut_comparison",
    "calibrated_discounted_arrivals",
    "gls_firm_comparison",
    "verdict_clv_equity",
    "firm_key",
]


# --------------------------------------------------------------------------------------------
# growth of the customer base (Gupta, Lehmann & Stuart 2004: logistic curve and its derivative)
# --------------------------------------------------------------------------------------------


def _check_logistic(alpha, gamma) -> None:
    check_number(alpha, "alpha", low=0.0, low_open=True, what="the ceiling of customers")
    check_number(gamma, "gamma", low=0.0, low_open=True, what="the growth rate, per period")


def logistic_customers(t, alpha: float, beta: float, gamma: float):
    """Cumulative number of customers acquired by time ``t``: ``alpha / (1 + exp(-beta - gamma t))``.

    The logistic growth curve Gupta, Lehmann & Stuart (2004) fit to each firm's customer counts.
    ``t`` in periods (any real numbers; 0 is the valuation date), ``alpha`` the ceiling
    (customers), ``beta`` the position of the curve (dimensionless) and ``gamma`` its speed
    (per period).
    """
    _check_logistic(alpha, gamma)
    t = np.asarray(t, dtype=float)
    return scalar_or_array(alpha / (1.0 + np.exp(-beta - gamma * t)))


def logistic_through(current_customers: float, ceiling: float, gamma: float):
    """The logistic curve ``(alpha, beta, gamma)`` with ``N(0) = current_customers``.

    A way to state a growth assumption in plain terms: the firm will end with ``ceiling``
    customers (``alpha``), grows at ``gamma`` per period, and has ``current_customers`` today.
    Solving ``N(0) = alpha / (1 + exp(-beta))`` gives ``beta = -ln(alpha / N0 - 1)``.
    Requires ``ceiling > current_customers > 0``. The curve is the logistic growth model of
    Gupta, Lehmann & Stuart (2004); ``ceiling`` and ``current_customers`` in customers (any count
    unit), ``gamma`` per period.
    """
    check_number(current_customers, "current_customers", low=0.0, low_open=True)
    if not ceiling > current_customers:
        raise ParameterError(
            f"ceiling={ceiling!r} must exceed current_customers={current_customers!r}: a "
            "logistic curve through today's count needs room to grow"
        )
    _check_logistic(ceiling, gamma)
    beta = -np.log(ceiling / current_customers - 1.0)
    return float(ceiling), float(beta), float(gamma)


def logistic_new_customers(alpha: float, beta: float, gamma: float, periods: int) -> np.ndarray:
    """Customers newly acquired in each of the next ``periods`` periods, from the logistic curve.

    Element ``k - 1`` is ``N(k) - N(k - 1)`` for k = 1..``periods``: the discrete counterpart of
    the acquisition rate ``n_t = dN/dt = alpha gamma exp(-beta - gamma t) /
    (1 + exp(-beta - gamma t))**2`` of Gupta, Lehmann & Stuart (2004), integrated over each
    period so that the counts add up exactly to the growth of ``N``. ``N`` counts every customer
    ever acquired (as the firms' reported cumulative accounts do), so no churn is added back.
    """
    horizon = check_whole(periods, "periods")
    _check_logistic(alpha, gamma)
    x = beta + gamma * np.arange(horizon + 1, dtype=float)
    # N(k) - N(k-1) as a difference of the logistic's lower tail where the curve is below half
    # way and of its upper tail above it, so that neither difference loses its digits.
    lower = np.diff(expit(x))
    upper = -np.diff(expit(-x))
    return alpha * np.where(x[1:] + x[:-1] < 0, lower, upper)


# --------------------------------------------------------------------------------------------
# customer equity (Gupta, Lehmann & Stuart 2004)
# --------------------------------------------------------------------------------------------


def customer_equity(
    margin,
    retention,
    discount_rate,
    acquisition_cost=0.0,
    current_customers=0.0,
    new_customers=None,
    *,
    period: str = "Q",
    retention_period: str | None = None,
    discount_period: str | None = None,
    horizon: int | None = None,
    timing: str = "end",
    tax_rate: float = 0.0,
    rate_period: str | None = None,
) -> pd.Series:
    """Value of the current customers plus every future cohort, net of acquisition costs.

    Gupta, Lehmann & Stuart (2004), "Valuing Customers", J. Marketing Research 41(1), 7-18,
    the discrete-time value of current and future customers::

        CE = N0 * m * M(r, i)  +  sum_k n_k / (1 + i)**k * (m * M(r, i) - c)

    where ``M`` is the margin multiple (:func:`margin_multiple`, or the finite-horizon sum of
    :func:`lifetime_value` when ``horizon`` is given), ``N0`` today's customers and ``n_k`` the
    customers acquired in period k = 1, 2, ..., each costing ``c`` when acquired. The continuous
    form the paper then uses integrates the same terms; with margins at period ends (the default)
    the per-customer multiple is the paper's ``r / (1 + i - r)``.

    Parameters
    ----------
    margin : float
        Margin per customer per ``period`` (currency).
    retention : float
        Share of customers kept per ``retention_period`` (default ``period``), in [0, 1);
        converted to ``period`` as a survival probability (:func:`retention_per_period`;
        0.70 a year = 0.9147 a quarter).
    discount_rate : float
        Per ``discount_period`` (default ``period``), > -1; converted to ``period`` by
        compounding (:func:`crmstudy.units.convert_rate`; 12% a year = 2.874% a quarter).
    acquisition_cost : float
        Cost per newly acquired customer (currency), paid when the customer is acquired.
    current_customers : float
        Customers today (any count unit, e.g. millions; the result is in currency times that
        unit). They are valued from the next margin on, with no acquisition cost.
    new_customers : None, float or sequence of float
        Customers acquired in each future ``period``: a sequence (element k-1 for period k, e.g.
        :func:`logistic_new_customers`), a number (the same count every period forever; needs a
        positive discount rate), or None (no future customers).
    period : str
        The model's period: the period of ``margin``, of ``new_customers`` and of the
        horizon ("Q" in the paper, and the default).
    retention_period, discount_period : str, optional
        The periods of ``retention`` and ``discount_rate`` when they differ from ``period``
        (e.g. "Y" for GLS's annual rates). ``rate_period=`` (deprecated) sets both.
    horizon : int or None
        Periods of margin counted per customer; None (default) is the paper's infinite horizon.
    timing : {"end", "start"}
        When each period's margin is received (see :func:`margin_multiple`).
    tax_rate : float
        Share of the value paid as tax, in [0, 1); GLS (2004) report post-tax values.

    Returns
    -------
    Series with ``current_value`` (N0 times the lifetime value of a current customer),
    ``future_value`` (discounted value of future cohorts, net of their acquisition cost),
    ``acquisition_spend`` (discounted acquisition spending included in ``future_value``),
    ``pre_tax`` (the sum) and ``customer_equity`` (after tax), plus the per-period
    ``retention_per_period`` and ``discount_rate_per_period`` used. Currency times the unit of
    the customer counts.
    """
    period = check_period(period)
    if rate_period is not None:
        import warnings

        warnings.warn(
            "customer_equity(rate_period=...) is deprecated; give retention_period= and "
            "discount_period= (each rate travels with its own period)",
            DeprecationWarning,
            stacklevel=2,
        )
        if retention_period is not None or discount_period is not None:
            raise ParameterError("give rate_period or retention_period/discount_period, not both")
        retention_period = discount_period = rate_period
    retention_period = period if retention_period is None else check_period(retention_period)
    discount_period = period if discount_period is None else check_period(discount_period)
    check_number(margin, "margin")
    check_number(acquisition_cost, "acquisition_cost")
    check_number(current_customers, "current_customers", low=0.0)
    check_number(tax_rate, "tax_rate", low=0.0, high=1.0, high_open=True)
    r_in = float(check_retention(retention))
    i_in = float(check_discount_rate(discount_rate))
    r = float(retention_per_period(r_in, retention_period, period))
    i = convert_rate(i_in, discount_period, period)

    per_customer = lifetime_value(margin, r, i, horizon=horizon, timing=timing)
    current_value = current_customers * per_customer

    if new_customers is None:
        discounted_arrivals = 0.0
    elif np.ndim(new_customers) == 0:
        n = float(check_range(new_customers, "new_customers", low=0.0))
        if n > 0 and i <= 0:
            raise ParameterError(
                f"a constant flow of new_customers={n!r} forever needs a positive discount rate, "
                f"got {i!r} per period; pass a finite sequence instead"
            )
        # sum_{k>=1} n / (1 + i)**k = n / i
        discounted_arrivals = 0.0 if n == 0 else n / i
    else:
        n_k = check_range(new_customers, "new_customers", low=0.0, what="customers per period")
        if n_k.ndim != 1:
            raise ParameterError(
                f"new_customers has shape {n_k.shape}: give a 1-d sequence of counts >= 0, one "
                "per future period"
            )
        k = np.arange(1, n_k.size + 1)
        discounted_arrivals = float(np.sum(n_k / (1.0 + i) ** k))

    future_value = discounted_arrivals * (per_customer - acquisition_cost)
    pre_tax = current_value + future_value
    return pd.Series(
        {
            "current_value": current_value,
            "future_value": future_value,
            "acquisition_spend": discounted_arrivals * acquisition_cost,
            "pre_tax": pre_tax,
            "customer_equity": pre_tax * (1.0 - tax_rate),
            "retention_per_period": r,
            "discount_rate_per_period": i,
        },
        name="customer_equity",
    )


#: The four drivers whose elasticities Gupta, Lehmann & Stuart (2004) report, and the direction
#: of a 1% *improvement* in each.
_IMPROVEMENT = {
    "retention": +1,
    "margin": +1,
    "acquisition_cost": -1,
    "discount_rate": -1,
}


def customer_equity_elasticities(step: float = 0.01, **ce_kwargs) -> pd.Series:
    """% change in customer equity for a 1% improvement in each driver, one at a time.

    As in Gupta, Lehmann & Stuart (2004): retention and margin go up by ``step`` (1%,
    relative: 0.70 becomes 0.707), acquisition cost and the discount rate go down by 1%
    (12% becomes 11.88%). Each change is applied to the inputs *as given* (so with
    ``retention_period="Y"`` it is annual retention that rises 1%), with the future
    cohorts ``new_customers`` held fixed. The result is a finite difference, not a derivative.

    Parameters
    ----------
    step : float
        The relative improvement, in (0, 0.5); 0.01 by default.
    **ce_kwargs
        The arguments of :func:`customer_equity` (``margin``, ``retention``, ``discount_rate``,
        ``acquisition_cost``, ``current_customers``, ``new_customers``, ...).

    Returns
    -------
    Series indexed by ``retention``, ``margin``, ``acquisition_cost``, ``discount_rate``: the %
    change in ``customer_equity`` (percent, positive = value rises).
    """
    check_number(step, "step", low=0.0, low_open=True, high=0.5, high_open=True)
    base = customer_equity(**ce_kwargs)["customer_equity"]
    if base == 0:
        raise ParameterError("customer equity is 0 at the given inputs: an elasticity is undefined")
    out = {}
    for name, sign in _IMPROVEMENT.items():
        changed = dict(ce_kwargs)
        changed[name] = ce_kwargs.get(name, 0.0) * (1.0 + sign * step)
        if name == "retention" and changed[name] >= 1.0:
            raise ParameterError(
                f"retention={ce_kwargs[name]!r} improved by {step:.0%} reaches 1 or more; use a "
                "smaller step or a retention below 1 / (1 + step)"
            )
        value = customer_equity(**changed)["customer_equity"]
        out[name] = 100.0 * (value - base) / abs(base)
    return pd.Series(out, name="pct_change_in_customer_equity")


def firm_inputs(firm: str, table: pd.DataFrame | None = None) -> dict:
    """The :func:`customer_equity` arguments for one firm of Gupta, Lehmann & Stuart (2004).

    Reads :func:`crmstudy.datasets.gupta_lehmann_stuart_2004` (or ``table``, with the same
    columns) and returns ``margin`` (quarterly, US$), ``retention`` (annual),
    ``discount_rate`` (annual, 0.12), ``acquisition_cost`` (US$), ``current_customers``
    (millions) with ``period="Q"``, ``retention_period="Y"`` and ``discount_period="Y"``: the model runs in quarters, and the
    annual rates are converted as the paper does (see :func:`customer_equity`). The result is in
    US$ millions. No future customers are included: add ``new_customers``.
    """
    if table is None:
        from crmstudy.datasets import gupta_lehmann_stuart_2004

        table = gupta_lehmann_stuart_2004()
    if firm not in table.index:
        raise ParameterError(
            f"firm={firm!r} is not in the table; choices: {', '.join(map(str, table.index))}"
        )
    row = table.loc[firm]
    return {
        "margin": float(row["quarterly_margin"]),
        "retention": float(row["annual_retention"]),
        "discount_rate": float(row["annual_discount_rate"]),
        "acquisition_cost": float(row["acquisition_cost"]),
        "current_customers": float(row["customers_millions"]),
        "period": "Q",
        "retention_period": "Y",
        "discount_period": "Y",
    }


_GROWTH = ("none", "replacement", "logistic")


def gls_valuation(
    growth: str = "logistic",
    ceiling_multiple: float = 2.0,
    growth_rate: float = 0.1,
    periods: int = 400,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Customer equity and the four elasticities of the five firms of GLS (2004), side by side.

    Each firm's inputs come from :func:`firm_inputs` (quarterly model, annual retention and
    discount rate converted as the paper does). The published logistic growth parameters are not
    reproduced here, so the future customers follow one of three *stated* assumptions:

    * ``"none"``: no future customers; the value of today's base only.
    * ``"replacement"``: the firm acquires exactly the customers it loses, ``N0 (1 - r_q)`` every
      quarter forever, so the base stays at ``N0``.
    * ``"logistic"``: cumulative customers follow GLS's logistic curve through today's count,
      rising to ``ceiling_multiple * N0`` at ``growth_rate`` (gamma) per quarter
      (:func:`logistic_through`, :func:`logistic_new_customers`, ``periods`` quarters).

    Future cohorts are held fixed when a driver changes (see :func:`customer_equity_elasticities`).

    Returns
    -------
    DataFrame indexed by ``firm`` with ``current_value``, ``future_value``, ``customer_equity``
    (US$ millions, pre-tax), ``retention``, ``margin``, ``acquisition_cost``, ``discount_rate``
    (the % change in customer equity per 1% improvement) and two single-cohort shortcuts:
    ``simple_annual`` = (1 + i) / (1 + i - r) on the annual rates, and ``simple_quarterly`` =
    (1/4) (1 + i_q) / (1 + i_q - r_q), the same derivative taken in the quarterly model (a 1%
    rise in annual retention is a 1/4% rise in quarterly retention).
    """
    check_choice(growth, "growth", _GROWTH)
    if table is None:
        from crmstudy.datasets import gupta_lehmann_stuart_2004

        table = gupta_lehmann_stuart_2004()
    rows = {}
    for firm in table.index:
        args = firm_inputs(firm, table)
        n0 = args["current_customers"]
        r_q = retention_per_period(args["retention"], "Y", "Q")
        i_q = convert_rate(args["discount_rate"], "Y", "Q")
        if growth == "replacement":
            args["new_customers"] = n0 * (1.0 - r_q)
        elif growth == "logistic":
            curve = logistic_through(n0, ceiling_multiple * n0, growth_rate)
            args["new_customers"] = logistic_new_customers(*curve, periods)
        ce = customer_equity(**args)
        row = {name: ce[name] for name in ("current_value", "future_value", "customer_equity")}
        row.update(customer_equity_elasticities(**args).to_dict())
        row["simple_annual"] = simple_retention_elasticity(args["retention"], args["discount_rate"])
        row["simple_quarterly"] = 0.25 * simple_retention_elasticity(r_q, i_q)
        rows[firm] = row
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("firm")
    out.attrs.update(
        growth=growth,
        ceiling_multiple=ceiling_multiple,
        growth_rate=growth_rate,
        unit="US$ millions; elasticities in % per 1%",
    )
    return out


def gls_summary(valuations) -> pd.DataFrame:
    """The statistics of GLS (2004) that a valuation of the five firms can be compared with.

    ``valuations`` maps a growth assumption to a :func:`gls_valuation` result. Rows: the lowest
    and highest retention elasticity across firms, the mean margin elasticity, the lowest and
    highest acquisition-cost elasticity, and the median ratio of the retention to the
    discount-rate elasticity (GLS: 3 to 7, about 1, 0.02 to 0.3, "almost five"). Columns: the
    growth assumptions. Elasticities in % per 1%.
    """
    rows = {}
    for growth, v in valuations.items():
        rows[growth] = {
            "retention, lowest": v["retention"].min(),
            "retention, highest": v["retention"].max(),
            "margin, mean": v["margin"].mean(),
            "acquisition cost, lowest": v["acquisition_cost"].min(),
            "acquisition cost, highest": v["acquisition_cost"].max(),
            "retention / discount rate, median": (v["retention"] / v["discount_rate"]).median(),
        }
    return pd.DataFrame(rows).rename_axis("statistic")


def shortcut_comparison(valuations) -> pd.DataFrame:
    """The full model's retention elasticity against the single-cohort shortcut, by firm.

    ``valuations`` maps ``"none"``, ``"replacement"`` and ``"logistic"`` to :func:`gls_valuation`
    results. Columns: the retention elasticity of the full model under each growth assumption,
    the shortcuts ``simple_annual`` and ``simple_quarterly`` (:func:`simple_retention_elasticity`,
    GLS 2004), and ``logistic_vs_quarterly_pct``: by how much (%) the full logistic-growth model
    exceeds the quarterly shortcut.
    """
    missing = {"none", "replacement", "logistic"} - set(valuations)
    if missing:
        raise ParameterError(
            f"valuations lacks the growth assumption(s) {sorted(missing)}; give gls_valuation "
            "results for none, replacement and logistic"
        )
    out = pd.DataFrame(
        {
            "full, no growth": valuations["none"]["retention"],
            "full, replacement": valuations["replacement"]["retention"],
            "full, logistic": valuations["logistic"]["retention"],
            "simple_annual": valuations["none"]["simple_annual"],
            "simple_quarterly": valuations["none"]["simple_quarterly"],
        }
    )
    out["logistic_vs_quarterly_pct"] = 100.0 * (out["full, logistic"] / out["simple_quarterly"] - 1)
    return out


# --------------------------------------------------------------------------------------------
# calibrating future acquisition to GLS's published elasticities, and ours against theirs
# --------------------------------------------------------------------------------------------


def calibrated_discounted_arrivals(
    acquisition_elasticity: float,
    margin_elasticity: float,
    lifetime_value_per_customer: float,
    current_customers: float,
    acquisition_cost: float,
) -> float:
    """Discounted future acquisitions ``A = sum_k n_k / (1+i)^k`` implied by two elasticities.

    With ``CE = (N0 + A) L - A c`` (``L`` the lifetime value of one customer, :func:`customer_equity`
    with the future cohorts held fixed), the elasticities of GLS (2004) are ``e_c = A c / CE``
    (acquisition cost) and ``e_m = (N0 + A) L / CE`` (margin). Their ratio does not involve CE:
    ``e_c / e_m = A c / ((N0 + A) L)``, so

        A = e_c L N0 / (e_m c - e_c L).

    ``acquisition_elasticity`` and ``margin_elasticity`` in % per 1% (e.g. GLS's 0.32 and 1.32 for
    Capital One), ``lifetime_value_per_customer`` and ``acquisition_cost`` in one currency,
    ``current_customers`` in any count unit (``A`` comes back in the same unit). The two
    elasticities are then *calibrated*, not predictions. Raises :class:`ParameterError` when no
    positive ``A`` fits (``e_m c <= e_c L``).
    """
    e_c = check_number(acquisition_elasticity, "acquisition_elasticity", low=0.0)
    e_m = check_number(margin_elasticity, "margin_elasticity", low=0.0, low_open=True)
    lv = check_number(lifetime_value_per_customer, "lifetime_value_per_customer")
    n0 = check_number(current_customers, "current_customers", low=0.0)
    c = check_number(acquisition_cost, "acquisition_cost", low=0.0)
    denominator = e_m * c - e_c * lv
    if denominator <= 0:
        raise ParameterError(
            f"with acquisition_elasticity={e_c!r}, margin_elasticity={e_m!r}, a lifetime value of "
            f"{lv!r} and an acquisition cost of {c!r}, no positive future acquisition fits "
            "(e_m c must exceed e_c L)"
        )
    return e_c * lv * n0 / denominator


def gls_firm_comparison(
    published: pd.DataFrame | None = None,
    table: pd.DataFrame | None = None,
    *,
    timing: str = "end",
    tax_rate: float = 0.0,
    step: float = 0.01,
) -> pd.DataFrame:
    """Ours against GLS (2004), firm by firm: customer value and the four elasticities.

    Each firm's inputs are GLS's (:func:`firm_inputs`). Future acquisition is *calibrated*: the
    discounted number of future customers ``A`` follows from the published acquisition-cost and
    margin elasticities (:func:`calibrated_discounted_arrivals`), arriving as a constant flow
    ``A i_q`` per quarter forever (so that they sum to ``A`` when discounted). Those two published
    elasticities are therefore not scored; customer value and the retention and discount-rate
    elasticities are predictions. ``timing="end"`` uses the multiple ``r / (1 + i - r)`` of the
    results GLS report; ``"start"`` their eq. 7 with a margin at acquisition. Values are before
    tax unless ``tax_rate`` (in [0, 1)) is given; GLS's are after tax.

    ``published`` is :func:`crmstudy.published.gls_2004_firms` (default), ``table`` the inputs
    (:func:`crmstudy.datasets.gupta_lehmann_stuart_2004`, default).

    Returns
    -------
    DataFrame indexed by ``firm`` with ``customer_value_bn`` (ours, US$ billion),
    ``published_customer_value_bn``, ``market_value_bn``, ``customer_value_gap_pct`` (ours vs
    theirs, %), ``implied_tax_rate`` (the tax rate at which our pre-tax value equals theirs;
    calibrated), ``discounted_arrivals_m`` (A, millions), ``new_customers_per_quarter_m``, and for
    each driver ``<driver>`` (ours, % per 1%) and ``published_<driver>``, plus ``contractual``.
    """
    if published is None:
        from crmstudy.published import gls_2004_firms

        published = gls_2004_firms()
    if table is None:
        from crmstudy.datasets import gupta_lehmann_stuart_2004

        table = gupta_lehmann_stuart_2004()
    check_choice(timing, "timing", ("end", "start"))
    tax = check_number(tax_rate, "tax_rate", low=0.0, high=1.0, high_open=True)
    rows = {}
    for firm in table.index:
        if firm not in published.index:
            continue
        pub = published.loc[firm]
        args = firm_inputs(firm, table)
        r_q = float(retention_per_period(args["retention"], "Y", "Q"))
        i_q = convert_rate(args["discount_rate"], "Y", "Q")
        lv = float(lifetime_value(args["margin"], r_q, i_q, timing=timing))
        arrivals = calibrated_discounted_arrivals(
            pub["acquisition_cost_elasticity"],
            pub["margin_elasticity"],
            lv,
            args["current_customers"],
            args["acquisition_cost"],
        )
        flow = arrivals * i_q
        full = dict(args, new_customers=flow, timing=timing)
        ce = customer_equity(**full, tax_rate=tax)
        e = customer_equity_elasticities(step=step, **full)
        ours_bn = ce["customer_equity"] / 1000.0
        pre_tax_bn = ce["pre_tax"] / 1000.0
        row = {
            "customer_value_bn": ours_bn,
            "published_customer_value_bn": float(pub["customer_value_bn"]),
            "market_value_bn": float(pub["market_value_bn"]),
            "customer_value_gap_pct": 100.0 * (ours_bn / float(pub["customer_value_bn"]) - 1.0),
            "implied_tax_rate": 1.0 - float(pub["customer_value_bn"]) / pre_tax_bn,
            "discounted_arrivals_m": arrivals,
            "new_customers_per_quarter_m": flow,
            "contractual": bool(pub["contractual"]),
        }
        for driver, column in (
            ("retention", "retention_elasticity"),
            ("margin", "margin_elasticity"),
            ("acquisition_cost", "acquisition_cost_elasticity"),
            ("discount_rate", "discount_rate_elasticity"),
        ):
            row[driver] = float(e[driver])
            row[f"published_{driver}"] = float(pub[column])
        rows[firm] = row
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("firm")
    out.attrs.update(
        timing=timing,
        tax_rate=tax,
        calibrated=("margin", "acquisition_cost"),
        unit="US$ billion; elasticities in % per 1% improvement",
    )
    return out


def verdict_clv_equity(comparison: pd.DataFrame, agreement_factor: float = 1.5) -> dict:
    """The verdict rule for "customer equity values the firm", from :func:`gls_firm_comparison`.

    A firm *agrees* when its customer value (``customer_value_bn``, after the comparison's tax
    rate) is within a factor ``agreement_factor`` (> 1) of its market value
    (``market_value_bn``): ``1/f <= CV/MV <= f``. The claim ``holds`` if every firm agrees,
    ``holds_if`` if every contractual firm agrees but not every non-contractual one (where a
    repeat-buying rate stands in for retention), ``does_not_hold`` otherwise. Returns ``{"class",
    "agree", "disagree", "values", "condition_en", "condition_zh"}``; ``values`` holds each
    firm's ratio CV/MV and the factor, so a test can re-derive the class.
    """
    f = check_number(agreement_factor, "agreement_factor", low=1.0, low_open=True)
    ratio = comparison["customer_value_bn"] / comparison["market_value_bn"]
    agrees = (ratio >= 1.0 / f) & (ratio <= f)
    contractual = comparison["contractual"].astype(bool)
    agree = [str(firm) for firm in comparison.index[agrees]]
    disagree = [str(firm) for firm in comparison.index[~agrees]]
    if agrees.all():
        verdict_class = "holds"
    elif agrees[contractual].all() and contractual.any():
        verdict_class = "holds_if"
    else:
        verdict_class = "does_not_hold"
    values = {f"ratio_{firm_key(firm)}": float(v) for firm, v in ratio.items()}
    values["agreement_factor"] = f
    if verdict_class == "holds":
        en = f"Customer equity is within a factor {f:g} of market value for all five firms."
        zh = f"五家公司的顾客权益都在市值的 {f:g} 倍范围之内。"
    elif verdict_class == "holds_if":
        en = (
            f"Customer equity is within a factor {f:g} of market value where retention is observed "
            f"(contractual firms: {', '.join(comparison.index[contractual])}), not where a "
            f"repeat-buying rate stands in for it ({', '.join(disagree)})."
        )
        zh = (
            f"在能观察到保留率的契约型公司，顾客权益与市值相差不超过 {f:g} 倍；在用重复购买率代替"
            f"保留率的公司（{', '.join(disagree)}）则不然。"
        )
    else:
        en = (
            f"Customer equity is not within a factor {f:g} of market value even for the "
            f"contractual firms ({', '.join(d for d in disagree if contractual[d])})."
        )
        zh = f"即使是契约型公司，顾客权益与市值的差距也超过 {f:g} 倍。"
    return {
        "class": verdict_class,
        "agree": agree,
        "disagree": disagree,
        "values": values,
        "condition_en": en,
        "condition_zh": zh,
    }


def firm_key(firm: str) -> str:
    """A firm's name as a record key: lower case, letters and digits joined by underscores."""
    import re

    return re.sub(r"[^0-9a-z]+", "_", firm.lower()).strip("_")
