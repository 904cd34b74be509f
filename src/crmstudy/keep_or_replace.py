"""Keep or replace? Up to what cost per retained customer does keeping a customer pay?

A customer slot of the customer-equity model of :mod:`crmstudy.acquisition` (Blattberg & Deighton
1996, "Manage Marketing by the Customer Equity Test", Harvard Business Review 74(4)): the same
units (one period for everything; ``margin`` currency per customer per period, ``discount_rate``
per period, costs in currency per customer).

Derivation of :func:`break_even_cost_ratio`
-------------------------------------------
A customer slot is up for renewal at the end of each period. Spending ``S`` on the customer keeps
them with probability ``r`` instead of the baseline ``r0`` (0 in Blattberg & Deighton: nobody stays
unasked); the cost per retained customer is ``c_R = S / r``. A lost customer can be replaced by a
newly acquired one at ``c_A`` each, who pays the period's margin ``m`` (as an acquired customer
does in the customer equity test), or not replaced. Present values at time 0 of the flows from
period 1 on, per slot, with the same policy every period:

=========================  ===========================================
keep and replace           ``(m - S - (1 - r) c_A) / d``
keep, do not replace       ``(r m - S) / (1 + d - r)``
do not keep, replace       ``(m - (1 - r0) c_A) / d``
do not keep or replace     ``r0 m / (1 + d - r0)``
=========================  ===========================================

Keeping pays while the better keeping policy beats the better non-keeping one, ``N*``. Both keeping
values fall linearly in ``S``, so the break-even spend is the larger of their roots::

    S* = max(m - (1 - r) c_A - d N*,  r m - (1 + d - r) N*),   c_R* = S* / r.

With ``r0 = 0`` this reduces to ``c_R* = min(c_A, m)``: when replacing pays (``c_A < m``) keeping
beats replacing exactly while a retained customer costs less than an acquired one -- a break-even
cost ratio of 1, whatever the retention and discount rates -- and when it does not, keeping pays
while it costs less than the margin it secures. With a baseline ``r0 > 0`` (customers who would
stay anyway) and replacing paying, the break-even falls to ``c_R* = c_A (r - r0) / r`` (the cost
per *incrementally* retained customer equals ``c_A``); when replacing does not pay, the discount
rate enters too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmstudy._checks import check_number, check_rate
from crmstudy.errors import ParameterError

__all__ = ["break_even_cost_ratio"]


def break_even_cost_ratio(
    margin, retention, discount_rate, acquisition_cost, baseline_retention: float = 0.0
) -> pd.Series:
    """Up to what cost per retained customer does keeping a customer beat replacing them?

    The derivation is in the module notes ("Keep or replace?"): with four stationary policies for
    a customer slot (keep or not, replace lost customers or not), the break-even retention spend
    per customer is ``S* = max(m - (1 - r) c_A - d N*, r m - (1 + d - r) N*)``, where ``N*`` is
    the value of the better non-keeping policy, ``max((m - (1 - r0) c_A) / d, r0 m / (1 + d - r0))``,
    and the break-even cost per retained customer is ``c_R* = S* / r``. With no baseline retention
    (``r0 = 0``, Blattberg & Deighton 1996) it is ``min(c_A, m)``: retention and the discount rate
    cancel, and the break-even ratio of acquisition to retention cost is 1 whenever replacing a
    customer pays at all.

    Parameters
    ----------
    margin : float
        ``m``, currency per customer per period, > 0.
    retention : float
        ``r``, the share of customers kept per period when the firm spends on keeping them, in
        (r0, 1).
    discount_rate : float
        ``d``, per period, > 0 (a zero rate makes the perpetual policies' values infinite).
    acquisition_cost : float
        ``c_A``, currency per customer acquired, > 0.
    baseline_retention : float
        ``r0``, the share who stay without any retention spend, in [0, r); 0 by default.

    Returns
    -------
    pandas.Series with ``max_cost_per_retained`` (``c_R*``, currency per retained customer) and
    ``break_even_ratio`` (``c_A / c_R*``: the smallest acquisition-to-retention cost ratio at which
    keeping pays; ``inf`` when keeping never pays).
    """
    m = check_number(margin, "margin", low=0.0, low_open=True, what="currency per period")
    r0 = check_number(baseline_retention, "baseline_retention", low=0.0, high=1.0, high_open=True)
    r = check_number(
        retention,
        "retention",
        low=r0,
        low_open=True,
        high=1.0,
        high_open=True,
        what="above baseline_retention",
    )
    d = float(check_rate(check_number(discount_rate, "discount_rate"), "discount_rate"))
    if d == 0:
        raise ParameterError(
            "discount_rate=0.0 is not allowed here: the perpetual policies' values are infinite "
            "without discounting; give a positive rate per period"
        )
    c_a = check_number(acquisition_cost, "acquisition_cost", low=0.0, low_open=True)

    no_keep = max((m - (1.0 - r0) * c_a) / d, r0 * m / (1.0 + d - r0))
    spend = max(m - (1.0 - r) * c_a - d * no_keep, r * m - (1.0 + d - r) * no_keep)
    cost = max(spend, 0.0) / r
    return pd.Series(
        {
            "max_cost_per_retained": cost,
            "break_even_ratio": c_a / cost if cost > 0 else np.inf,
        },
        name="break_even",
    )
