"""Mass customisation: when does building to order cost less than building to stock?

The primer's fourth shift (standard service to customisation, 定制营销, 大规模定制; Pine 1993,
*Mass Customization*) claims that making a product after the customer asks for it costs much less
than making it before. Operations research judges the claim by comparing two costs, both measured
against the profit a seller with perfect foresight would make (``mean * (price - unit_cost)`` per
period):

- **Make-to-stock** (build to stock) loses the newsvendor's mismatch cost: units short cost the
  margin (underage cost ``c_u = price - unit_cost``), units left over cost what they do not recover
  (overage cost ``c_o = unit_cost - salvage_value``). The best stock is the critical fractile
  ``c_u / (c_u + c_o)`` of demand, and for normal demand the expected mismatch cost at that stock is
  ``(c_u + c_o) * sd * phi(z*)`` (e.g. Porteus 2002, ch. 1; Cachon & Terwiesch, ch. 14).
- **Make-to-order** (build to order) has no leftovers, but the customer waits: a share
  ``walk_away_share`` of the demand walks away (their margin is lost), and each unit served costs a
  ``waiting_cost`` (a discount or delay penalty) and the premium of flexible production
  (``flexible_premium``, a share of the unit cost).
- **Postponement and risk pooling**: stock a common base and customise late (Lee & Tang 1997). The
  safety stock of a pooled demand grows with the standard deviation of the sum: for ``n``
  independent, identical demands it is ``sqrt(n)`` times one demand's, not ``n`` times (Eppen
  1979); for demands with equal correlation ``rho`` it is ``sqrt(n * (1 + (n - 1) * rho))`` times.

All money is per unit in the caller's currency (any one currency, used throughout) and demand is in
units per period (the period of the demand data: a day, a week); costs returned are per period.
Functions return pandas objects with documented fields and never print.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import optimize, stats

from crmstudy._checks import as_generator
from crmstudy.errors import DataError, ParameterError

__all__ = [
    "breakeven",
    "bootstrap_periods",
    "breakeven_cv",
    "breakeven_cv_range",
    "breakeven_waiting_cost",
    "censoring_effect",
    "compare_by_group",
    "compare_by_item",
    "compare_make_to_order",
    "cost_by_cv",
    "demand_matrix",
    "equicorrelated_pooling_ratio",
    "make_to_order_cost",
    "newsvendor_cost",
    "newsvendor_cost_empirical",
    "pooled_sd",
    "pooling_gain",
    "pooling_gain_empirical",
    "postponement_cost",
    "saving_grid",
    "verdict_customisation",
    "weighted_share",
]

_FIELDS = [
    "critical_fractile",
    "stock",
    "z",
    "expected_cost",
    "expected_shortage",
    "expected_leftover",
    "fill_rate",
    "in_stock_probability",
]


# --- checks -----------------------------------------------------------------------------------


def _positive(value: float, name: str, *, allow_zero: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={value!r} is not a number") from None
    if not math.isfinite(x) or x < 0 or (x == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ParameterError(f"{name}={value!r} must be a finite number {bound}")
    return x


def _share(value: float, name: str) -> float:
    x = _positive(value, name, allow_zero=True)
    if x >= 1:
        raise ParameterError(f"{name}={value!r} is a share and must be in [0, 1)")
    return x


def _costs(price: float, unit_cost: float, salvage_value: float) -> tuple[float, float]:
    """``(c_u, c_o)`` from a price, a unit cost and a salvage value (currency per unit)."""
    p = _positive(price, "price")
    c = _positive(unit_cost, "unit_cost")
    s = _positive(salvage_value, "salvage_value", allow_zero=True)
    if not s < c < p:
        raise ParameterError(
            f"need salvage_value < unit_cost < price; got salvage_value={s}, unit_cost={c}, "
            f"price={p} (currency per unit)"
        )
    return p - c, c - s


# --- the newsvendor ---------------------------------------------------------------------------


def newsvendor_cost(
    mean: float,
    sd: float,
    underage_cost: float,
    overage_cost: float,
    *,
    stock: float | None = None,
) -> pd.Series:
    """The newsvendor with normal demand: the best stock and its expected mismatch cost.

    Parameters
    ----------
    mean, sd : float
        Mean and standard deviation of demand in one period, units per period (``sd >= 0``;
        with ``sd == 0`` the stock is the mean and the cost 0).
    underage_cost : float
        Cost of one unit of demand not met (the margin lost), currency per unit.
    overage_cost : float
        Cost of one unit left over (unit cost minus salvage value), currency per unit.
    stock : float, optional
        Evaluate this stock level (units) instead of the optimal one.

    Returns
    -------
    Series with ``critical_fractile`` (``c_u / (c_u + c_o)``, share), ``stock`` (units; at the
    optimum ``mean + sd * z*`` with ``z* = Phi^-1(critical fractile)``), ``z`` (stock in standard
    deviations above the mean), ``expected_cost`` (currency per period:
    ``c_u * E[(D - Q)+] + c_o * E[(Q - D)+]``, which at the optimum equals
    ``(c_u + c_o) * sd * phi(z*)``), ``expected_shortage`` and ``expected_leftover`` (units per
    period), ``fill_rate`` (expected share of demand served, ``1 - E[(D - Q)+] / mean``) and
    ``in_stock_probability`` (``P(D <= Q)``). The normal allows negative demand, so use it where
    ``sd`` is small next to ``mean`` (CV below about 0.3); otherwise use
    :func:`newsvendor_cost_empirical` on a sample of the demand.
    """
    mu = float(mean)
    sigma = _positive(sd, "sd", allow_zero=True)
    cu = _positive(underage_cost, "underage_cost")
    co = _positive(overage_cost, "overage_cost")
    if not math.isfinite(mu):
        raise ParameterError(f"mean={mean!r} must be a finite number (units per period)")
    fractile = cu / (cu + co)
    if sigma == 0:  # demand known for certain: stock the mean, no mismatch
        q = mu if stock is None else float(stock)
        short, left = max(mu - q, 0.0), max(q - mu, 0.0)
        values = [fractile, q, float("nan"), cu * short + co * left, short, left]
        values += [1 - short / mu if mu > 0 else float("nan"), float(q >= mu)]
        return pd.Series(values, index=_FIELDS, name="newsvendor_normal")
    z = stats.norm.ppf(fractile) if stock is None else (float(stock) - mu) / sigma
    loss = stats.norm.pdf(z) - z * stats.norm.sf(z)  # standard normal loss E[(Z - z)+]
    shortage = sigma * loss
    leftover = sigma * (z + loss)
    return pd.Series(
        [
            fractile,
            mu + sigma * z,
            z,
            cu * shortage + co * leftover,
            shortage,
            leftover,
            1 - shortage / mu if mu > 0 else float("nan"),
            stats.norm.cdf(z),
        ],
        index=_FIELDS,
        name="newsvendor_normal",
    )


def newsvendor_cost_empirical(
    demand: Sequence[float] | np.ndarray | pd.Series,
    underage_cost: float,
    overage_cost: float,
    *,
    stock: float | None = None,
) -> pd.Series:
    """The newsvendor on an empirical demand distribution (a sample of demand per period).

    ``demand`` holds one value per period (units; a period with no demand is a 0, not missing).
    The optimal stock is the smallest sample value ``q`` with ``F(q) >= c_u / (c_u + c_o)``, the
    inverted empirical CDF, which minimises the average mismatch cost over the sample. Returns the
    same fields as :func:`newsvendor_cost`, averaged over the sample, with ``z`` the stock's
    distance from the sample mean in sample standard deviations (NaN when the sample is constant).
    On a large normal sample the cost converges to the closed form ``(c_u + c_o) * sd * phi(z*)``.
    """
    d = np.asarray(demand, dtype=float)
    if d.ndim != 1 or d.size == 0:
        raise DataError("demand must be a non-empty one-dimensional sample (units per period)")
    bad = ~np.isfinite(d)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataError(f"demand has {int(bad.sum())} values that are not finite, first at {first}")
    cu = _positive(underage_cost, "underage_cost")
    co = _positive(overage_cost, "overage_cost")
    fractile = cu / (cu + co)
    q = float(np.quantile(d, fractile, method="inverted_cdf")) if stock is None else float(stock)
    shortage = float(np.mean(np.maximum(d - q, 0.0)))
    leftover = float(np.mean(np.maximum(q - d, 0.0)))
    mu, sigma = float(d.mean()), float(d.std(ddof=1)) if d.size > 1 else 0.0
    return pd.Series(
        [
            fractile,
            q,
            (q - mu) / sigma if sigma > 0 else float("nan"),
            cu * shortage + co * leftover,
            shortage,
            leftover,
            1 - shortage / mu if mu > 0 else float("nan"),
            float(np.mean(d <= q)),
        ],
        index=_FIELDS,
        name="newsvendor_empirical",
    )


# --- make-to-order and the comparison ---------------------------------------------------------


def make_to_order_cost(
    mean: float,
    price: float,
    unit_cost: float,
    *,
    flexible_premium: float = 0.0,
    waiting_cost: float = 0.0,
    walk_away_share: float = 0.0,
) -> pd.Series:
    """Expected cost per period of building to order, against the perfect-foresight profit.

    Parameters
    ----------
    mean : float
        Mean demand, units per period.
    price, unit_cost : float
        Currency per unit; the margin is ``price - unit_cost``.
    flexible_premium : float
        Extra cost of producing to order, a share of ``unit_cost`` (``>= 0``).
    waiting_cost : float
        Cost per unit served after a wait (a discount or delay penalty), currency per unit.
    walk_away_share : float
        Share of the customers who walk away rather than wait, in [0, 1); their margin is lost.

    Returns
    -------
    Series with ``lost_margin`` (``mean * a * (price - unit_cost)``), ``premium_cost``
    (``mean * (1 - a) * unit_cost * flexible_premium``), ``waiting_cost`` (``mean * (1 - a) * w``),
    ``expected_cost`` (their sum, currency per period) and ``fill_rate`` (``1 - a``).
    """
    mu = _positive(mean, "mean", allow_zero=True)
    if not unit_cost < price:
        raise ParameterError(f"need unit_cost < price; got unit_cost={unit_cost}, price={price}")
    margin = _positive(price, "price") - _positive(unit_cost, "unit_cost")
    premium = _positive(flexible_premium, "flexible_premium", allow_zero=True)
    wait = _positive(waiting_cost, "waiting_cost", allow_zero=True)
    a = _share(walk_away_share, "walk_away_share")
    lost = mu * a * margin
    prem = mu * (1 - a) * unit_cost * premium
    waiting = mu * (1 - a) * wait
    return pd.Series(
        [lost, prem, waiting, lost + prem + waiting, 1 - a],
        index=["lost_margin", "premium_cost", "waiting_cost", "expected_cost", "fill_rate"],
        name="make_to_order",
    )


def compare_make_to_order(
    mean: float,
    sd: float,
    price: float,
    unit_cost: float,
    salvage_value: float,
    *,
    flexible_premium: float = 0.0,
    waiting_cost: float = 0.0,
    walk_away_share: float = 0.0,
) -> pd.Series:
    """Make-to-stock (normal newsvendor) against make-to-order for one demand.

    Arguments as in :func:`newsvendor_cost` and :func:`make_to_order_cost` (demand in units per
    period, money in currency per unit). Returns a Series with ``make_to_stock_cost`` and
    ``make_to_order_cost`` (currency per period), ``saving`` (make-to-stock minus make-to-order:
    positive when building to order is cheaper), ``saving_per_unit`` (per unit of mean demand),
    ``cv`` and ``breakeven_cv`` (:func:`breakeven_cv`).
    """
    cu, co = _costs(price, unit_cost, salvage_value)
    mts = newsvendor_cost(mean, sd, cu, co)["expected_cost"]
    mto = make_to_order_cost(
        mean,
        price,
        unit_cost,
        flexible_premium=flexible_premium,
        waiting_cost=waiting_cost,
        walk_away_share=walk_away_share,
    )["expected_cost"]
    mu = float(mean)
    return pd.Series(
        {
            "make_to_stock_cost": mts,
            "make_to_order_cost": mto,
            "saving": mts - mto,
            "saving_per_unit": (mts - mto) / mu if mu > 0 else float("nan"),
            "cv": float(sd) / mu if mu > 0 else float("nan"),
            "breakeven_cv": breakeven_cv(
                price,
                unit_cost,
                salvage_value,
                flexible_premium=flexible_premium,
                waiting_cost=waiting_cost,
                walk_away_share=walk_away_share,
            ),
        },
        name="make_to_stock_vs_make_to_order",
    )


def _make_to_order_per_unit(
    price, unit_cost, flexible_premium, waiting_cost, walk_away_share
) -> float:
    """:func:`make_to_order_cost` per unit of mean demand (currency per unit), checked."""
    return make_to_order_cost(
        1.0,
        price,
        unit_cost,
        flexible_premium=flexible_premium,
        waiting_cost=waiting_cost,
        walk_away_share=walk_away_share,
    )["expected_cost"]


def _mto_cost_per_unit(price, unit_cost, flexible_premium, waiting_cost, walk_away_share) -> float:
    a = walk_away_share
    return a * (price - unit_cost) + (1 - a) * (unit_cost * flexible_premium + waiting_cost)


def breakeven_cv(
    price: float,
    unit_cost: float,
    salvage_value: float,
    *,
    flexible_premium: float = 0.0,
    waiting_cost: float = 0.0,
    walk_away_share: float = 0.0,
) -> float:
    """The coefficient of variation of demand above which building to order is cheaper.

    With normal demand, make-to-stock costs ``(p - s) * phi(z*) * CV`` per unit of mean demand
    (``c_u + c_o = p - s``, ``z* = Phi^-1((p - c) / (p - s))``), and make-to-order costs
    ``a * (p - c) + (1 - a) * (c * premium + w)``, independent of CV. They are equal at::

        CV* = [a (p - c) + (1 - a) (c * premium + w)] / [(p - s) * phi(z*)]

    Money in currency per unit; the CV is sd / mean of demand per period (a share).
    """
    cu, co = _costs(price, unit_cost, salvage_value)
    _positive(flexible_premium, "flexible_premium", allow_zero=True)
    _positive(waiting_cost, "waiting_cost", allow_zero=True)
    _share(walk_away_share, "walk_away_share")
    z = stats.norm.ppf(cu / (cu + co))
    mto = _mto_cost_per_unit(price, unit_cost, flexible_premium, waiting_cost, walk_away_share)
    return float(mto / ((cu + co) * stats.norm.pdf(z)))


def breakeven_waiting_cost(
    cv: float,
    price: float,
    unit_cost: float,
    salvage_value: float,
    *,
    flexible_premium: float = 0.0,
    walk_away_share: float = 0.0,
) -> float:
    """The waiting cost per unit (currency) below which building to order is cheaper at this CV.

    Solves ``(p - s) phi(z*) CV = a (p - c) + (1 - a) (c * premium + w)`` for ``w``; a negative
    result means make-to-stock is cheaper even with no waiting cost at all.
    """
    cu, co = _costs(price, unit_cost, salvage_value)
    _positive(cv, "cv", allow_zero=True)
    a = _share(walk_away_share, "walk_away_share")
    z = stats.norm.ppf(cu / (cu + co))
    mts = (cu + co) * stats.norm.pdf(z) * float(cv)
    return float((mts - a * cu) / (1 - a) - unit_cost * flexible_premium)


_BREAKEVEN_INPUTS = (
    "cv",
    "price",
    "unit_cost",
    "salvage_value",
    "flexible_premium",
    "waiting_cost",
    "walk_away_share",
)


def _saving_per_unit(inputs: dict) -> float:
    """Make-to-stock cost minus make-to-order cost, per unit of mean demand (normal demand):
    ``(p - s) phi(z*) CV`` minus :func:`make_to_order_cost` per unit, as in :func:`breakeven_cv`."""
    cu, co = _costs(inputs["price"], inputs["unit_cost"], inputs["salvage_value"])
    mts = (cu + co) * stats.norm.pdf(stats.norm.ppf(cu / (cu + co))) * inputs["cv"]
    mto = _make_to_order_per_unit(
        inputs["price"],
        inputs["unit_cost"],
        inputs["flexible_premium"],
        inputs["waiting_cost"],
        inputs["walk_away_share"],
    )
    return float(mts - mto)


def breakeven(
    parameter: str, lower: float, upper: float, *, points: int = 201, **inputs: float
) -> float:
    """The value of one input in ``[lower, upper]`` at which the two ways cost the same.

    ``parameter`` is one of ``cv``, ``price``, ``unit_cost``, ``salvage_value``,
    ``flexible_premium``, ``waiting_cost``, ``walk_away_share``; ``inputs`` give the others (as in
    :func:`compare_make_to_order`, with demand per unit of mean). For the margin and the salvage
    value there is no closed form (the critical fractile moves with them), so the saving is
    evaluated on a grid of ``points`` values, and the first sign change is refined with Brent's
    method. Returns NaN when the sign does not change on ``[lower, upper]``.
    """
    if parameter not in _BREAKEVEN_INPUTS:
        raise ParameterError(
            f"breakeven parameter '{parameter}' is not one of: {', '.join(_BREAKEVEN_INPUTS)}"
        )
    missing = [k for k in _BREAKEVEN_INPUTS if k != parameter and k not in inputs]
    if missing:
        raise ParameterError(f"breakeven needs {', '.join(missing)}")

    def saving(x: float) -> float:
        return _saving_per_unit({**inputs, parameter: x})

    grid = np.linspace(float(lower), float(upper), int(points))
    values = np.array([saving(x) for x in grid])
    exact = np.flatnonzero(values == 0)
    if exact.size:
        return float(grid[exact[0]])
    change = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))
    if not change.size:
        return float("nan")
    i = int(change[0])
    return float(optimize.brentq(saving, grid[i], grid[i + 1], xtol=1e-12))


def cost_by_cv(
    cvs: Sequence[float],
    price: float,
    unit_cost: float,
    salvage_value: float,
    *,
    flexible_premium: float = 0.0,
    waiting_cost: float = 0.0,
    walk_away_share: float = 0.0,
) -> pd.DataFrame:
    """Both costs per unit of mean demand (currency per unit) for each CV in ``cvs``: columns
    ``cv``, ``make_to_stock_cost`` (normal newsvendor), ``make_to_order_cost``, ``saving``."""
    rows = []
    for cv in cvs:
        out = compare_make_to_order(
            1.0,
            cv,
            price,
            unit_cost,
            salvage_value,
            flexible_premium=flexible_premium,
            waiting_cost=waiting_cost,
            walk_away_share=walk_away_share,
        )
        rows.append((float(cv), out["make_to_stock_cost"], out["make_to_order_cost"]))
    table = pd.DataFrame(rows, columns=["cv", "make_to_stock_cost", "make_to_order_cost"])
    table["saving"] = table["make_to_stock_cost"] - table["make_to_order_cost"]
    return table


def saving_grid(
    x: str, x_values: Sequence[float], y: str, y_values: Sequence[float], **inputs: float
) -> pd.DataFrame:
    """The saving of building to order per unit of mean demand over a grid of two inputs.

    ``x`` and ``y`` are two of ``cv``, ``price``, ``unit_cost``, ``salvage_value``,
    ``flexible_premium``, ``waiting_cost``, ``walk_away_share``; ``inputs`` fix the others.
    Returns a long table with columns ``x``, ``y`` (named after the inputs) and ``saving``
    (currency per unit; positive where make-to-order is cheaper).
    """
    for name in (x, y):
        if name not in _BREAKEVEN_INPUTS:
            raise ParameterError(f"'{name}' is not one of: {', '.join(_BREAKEVEN_INPUTS)}")
    rows = [
        (xv, yv, _saving_per_unit({**inputs, x: float(xv), y: float(yv)}))
        for yv in y_values
        for xv in x_values
    ]
    return pd.DataFrame(rows, columns=[x, y, "saving"])


# --- risk pooling and postponement ------------------------------------------------------------


def pooled_sd(sds: Sequence[float], corr: np.ndarray | float | None = None) -> float:
    """Standard deviation of the sum of demands with standard deviations ``sds``.

    ``corr`` is the correlation matrix, or one number for equal correlation between every pair,
    or ``None`` for independent demands. ``sqrt(s' R s)``, in the units of ``sds``.
    """
    s = np.asarray(sds, dtype=float)
    n = s.size
    if corr is None:
        r = np.eye(n)
    elif np.ndim(corr) == 0:
        rho = float(corr)
        if not -1 / max(n - 1, 1) <= rho <= 1:
            raise ParameterError(
                f"corr={rho} is not a valid equal correlation for {n} demands "
                f"(needs -1/(n-1) <= corr <= 1)"
            )
        r = np.full((n, n), rho)
        np.fill_diagonal(r, 1.0)
    else:
        r = np.asarray(corr, dtype=float)
        if r.shape != (n, n):
            raise ParameterError(f"corr has shape {r.shape}; need ({n}, {n}) for {n} demands")
    variance = float(s @ r @ s)
    return math.sqrt(max(variance, 0.0))


def equicorrelated_pooling_ratio(n: int, rho: float = 0.0) -> float:
    """Pooled over separate safety stock for ``n`` identical demands with correlation ``rho``.

    ``sqrt(n * (1 + (n - 1) * rho)) / n``: ``1 / sqrt(n)`` for independent demands (Eppen 1979),
    1 for perfectly correlated ones. For the normal newsvendor the mismatch cost scales with the
    standard deviation, so this is also the ratio of the expected costs.
    """
    if int(n) != n or n < 1:
        raise ParameterError(f"n={n!r} must be a whole number >= 1")
    return math.sqrt(n * (1 + (n - 1) * float(rho))) / n


def pooling_gain(sds: Sequence[float], corr: np.ndarray | float | None = None) -> pd.Series:
    """How much of the demand uncertainty pooling removes (normal demands).

    Returns a Series with ``separate_sd`` (the sum of the separate standard deviations),
    ``pooled_sd`` (:func:`pooled_sd`), ``ratio`` (pooled / separate) and ``reduction``
    (``1 - ratio``, the share of safety stock and of newsvendor mismatch cost that pooling saves).
    """
    separate = float(np.sum(np.asarray(sds, dtype=float)))
    pooled = pooled_sd(sds, corr)
    ratio = pooled / separate if separate > 0 else float("nan")
    return pd.Series(
        {"separate_sd": separate, "pooled_sd": pooled, "ratio": ratio, "reduction": 1 - ratio},
        name="pooling",
    )


def pooling_gain_empirical(
    demand: pd.DataFrame, underage_cost: float, overage_cost: float
) -> pd.Series:
    """Pooling on observed demand: periods in rows, the demands pooled (e.g. products) in columns.

    Returns a Series with ``separate_sd``, ``pooled_sd`` (sample sd of the row sums), ``sd_ratio``,
    ``separate_cost`` (sum of each column's :func:`newsvendor_cost_empirical` cost, currency per
    period), ``pooled_cost`` (the cost of the summed demand), ``cost_ratio`` and ``reduction``
    (``1 - cost_ratio``). The correlation between the columns is whatever the data hold.
    """
    if not isinstance(demand, pd.DataFrame) or demand.empty:
        raise DataError("demand must be a non-empty DataFrame: periods in rows, items in columns")
    sds = demand.std(ddof=1)
    total = demand.sum(axis=1)
    separate_cost = sum(
        newsvendor_cost_empirical(demand[c].to_numpy(), underage_cost, overage_cost)[
            "expected_cost"
        ]
        for c in demand.columns
    )
    pooled_cost = newsvendor_cost_empirical(total.to_numpy(), underage_cost, overage_cost)[
        "expected_cost"
    ]
    cost_ratio = pooled_cost / separate_cost if separate_cost > 0 else float("nan")
    return pd.Series(
        {
            "separate_sd": float(sds.sum()),
            "pooled_sd": float(total.std(ddof=1)),
            "sd_ratio": float(total.std(ddof=1) / sds.sum()) if sds.sum() > 0 else float("nan"),
            "separate_cost": float(separate_cost),
            "pooled_cost": float(pooled_cost),
            "cost_ratio": float(cost_ratio),
            "reduction": float(1 - cost_ratio),
        },
        name="pooling_empirical",
    )


def postponement_cost(
    means: Sequence[float],
    sds: Sequence[float],
    underage_cost: float,
    overage_cost: float,
    *,
    customisation_cost: float = 0.0,
    corr: np.ndarray | float | None = None,
) -> pd.Series:
    """Stock each variant (make-to-stock) or stock a common base and customise late.

    The simplest form of Lee & Tang's (1997) delayed differentiation: the variants share one base
    whose stock covers their summed demand (normal, with :func:`pooled_sd`), and each unit is
    customised after the order at ``customisation_cost`` (currency per unit) more. Under- and
    overage costs are per unit (currency). Returns a Series with ``separate_cost``,
    ``pooled_mismatch_cost``, ``customisation_cost``, ``postponement_cost`` (pooled mismatch plus
    customisation, currency per period) and ``saving`` (separate minus postponement).
    """
    mu = np.asarray(means, dtype=float)
    s = np.asarray(sds, dtype=float)
    if mu.shape != s.shape:
        raise ParameterError(f"means ({mu.size}) and sds ({s.size}) differ in length")
    separate = sum(
        newsvendor_cost(m, sd, underage_cost, overage_cost)["expected_cost"]
        for m, sd in zip(mu, s, strict=True)
    )
    pooled = newsvendor_cost(mu.sum(), pooled_sd(s, corr), underage_cost, overage_cost)[
        "expected_cost"
    ]
    late = float(mu.sum()) * _positive(customisation_cost, "customisation_cost", allow_zero=True)
    return pd.Series(
        {
            "separate_cost": float(separate),
            "pooled_mismatch_cost": float(pooled),
            "customisation_cost": late,
            "postponement_cost": float(pooled + late),
            "saving": float(separate - pooled - late),
        },
        name="postponement",
    )


# --- real demand: from a log of sales lines ---------------------------------------------------


def demand_matrix(
    lines: pd.DataFrame,
    item_column: str,
    *,
    quantity_column: str = "quantity",
    date_column: str = "date",
    period: str = "D",
) -> pd.DataFrame:
    """Units sold per period and item: periods in rows (every period, zeros included), items in
    columns.

    ``lines`` is a log of sales lines (one row per item bought, with a date and a quantity in
    units). ``period`` is ``D`` (days) or ``W`` (weeks of seven days counted from the log's first
    day; a last, incomplete week is dropped so that every row covers the same time). These are
    sales, not demand: a stock-out or an item not yet listed shows as a low or zero sale.
    """
    for column in (item_column, quantity_column, date_column):
        if column not in lines.columns:
            raise DataError(f"the log has no column '{column}'; its columns: {list(lines.columns)}")
    if period not in ("D", "W"):
        raise ParameterError(f"period={period!r}: choose 'D' (days) or 'W' (weeks)")
    days = pd.to_datetime(lines[date_column]).dt.normalize()
    start, end = days.min(), days.max()
    offset = (days - start).dt.days.to_numpy()
    n_days = int((end - start).days) + 1
    if period == "W":
        bucket = offset // 7
        n_periods = n_days // 7
        if n_periods == 0:
            raise DataError("the log covers less than one full week")
    else:
        bucket, n_periods = offset, n_days
    keep = bucket < n_periods
    items, codes = np.unique(lines[item_column].to_numpy()[keep].astype(str), return_inverse=True)
    matrix = np.zeros((n_periods, items.size))
    np.add.at(matrix, (bucket[keep], codes), lines[quantity_column].to_numpy(dtype=float)[keep])
    step = pd.Timedelta(days=7 if period == "W" else 1)
    index = pd.DatetimeIndex([start + i * step for i in range(n_periods)], name="period_start")
    out = pd.DataFrame(matrix, index=index, columns=pd.Index(items, name=item_column))
    out.attrs["period"] = period
    return out


def compare_by_item(
    demand: pd.DataFrame,
    price: float,
    unit_cost: float,
    salvage_value: float,
    *,
    flexible_premium: float = 0.0,
    waiting_cost: float = 0.0,
    walk_away_share: float = 0.0,
) -> pd.DataFrame:
    """Make-to-stock (empirical newsvendor) against make-to-order for every item of a demand matrix.

    ``demand`` as from :func:`demand_matrix` (periods in rows, items in columns, units). Money per
    unit in one currency, the same cost structure for every item (express it as shares of the
    price with ``price=1`` to apply it to items of different prices). Returns one row per item:
    ``mean``, ``sd`` (units per period), ``cv``, ``zero_share`` (share of periods with no sale),
    ``make_to_stock_cost`` and ``make_to_order_cost`` (per period), ``saving`` (positive when
    building to order is cheaper) and ``make_to_order_cheaper`` (bool). Items with no sale at all
    are dropped.
    """
    cu, co = _costs(price, unit_cost, salvage_value)
    per_unit = _make_to_order_per_unit(
        price, unit_cost, flexible_premium, waiting_cost, walk_away_share
    )
    d = demand.loc[:, demand.sum() > 0].to_numpy(dtype=float)
    fractile = cu / (cu + co)
    # The inverted-CDF quantile of each column, then the average mismatch cost: the same rule as
    # newsvendor_cost_empirical, vectorised over items.
    q = np.quantile(d, fractile, axis=0, method="inverted_cdf")
    mts = (cu * np.maximum(d - q, 0) + co * np.maximum(q - d, 0)).mean(axis=0)
    mean = d.mean(axis=0)
    sd = d.std(axis=0, ddof=1)
    mto = mean * per_unit
    out = pd.DataFrame(
        {
            "mean": mean,
            "sd": sd,
            "cv": sd / mean,
            "zero_share": (d == 0).mean(axis=0),
            "make_to_stock_cost": mts,
            "make_to_order_cost": mto,
            "saving": mts - mto,
        },
        index=demand.columns[demand.sum() > 0],
    )
    out["make_to_order_cheaper"] = out["saving"] > 0
    return out


def compare_by_group(
    demand: pd.DataFrame,
    groups: pd.Series,
    price: float,
    unit_cost: float,
    salvage_value: float,
    *,
    customisation_cost: float = 0.0,
    flexible_premium: float = 0.0,
    waiting_cost: float = 0.0,
    walk_away_share: float = 0.0,
) -> pd.DataFrame:
    """Pooling on observed demand: stock each item, or a common base per group and customise late.

    ``demand`` has periods in rows and items in columns (units, as from :func:`demand_matrix`);
    ``groups`` maps each item to its group (e.g. product to product subclass). Per group, with
    the empirical newsvendor: ``separate_cost`` (the items stocked one by one), ``pooled_cost``
    (one stock for the group's summed demand), ``postponement_cost`` (pooled plus
    ``customisation_cost`` per unit, currency), ``make_to_order_cost``; ``separate_sd`` and
    ``pooled_sd`` (units per period), ``pooled_cv``, ``cost_reduction`` (``1 - pooled_cost /
    separate_cost``) and ``make_to_order_cheaper`` (make-to-order below postponement). Money per
    unit as in :func:`compare_by_item`.
    """
    kept = demand.loc[:, demand.sum() > 0]
    missing = kept.columns.difference(groups.index)
    if len(missing):
        raise DataError(f"{len(missing)} items have no group, first {missing[0]!r}")
    costs = {
        "flexible_premium": flexible_premium,
        "waiting_cost": waiting_cost,
        "walk_away_share": walk_away_share,
    }
    items = compare_by_item(kept, price, unit_cost, salvage_value, **costs)
    group_of = groups.reindex(kept.columns).to_numpy()
    summed = kept.T.groupby(group_of).sum().T
    pooled = compare_by_item(summed, price, unit_cost, salvage_value, **costs)
    by = items.groupby(group_of)
    extra = pooled["mean"] * _positive(customisation_cost, "customisation_cost", allow_zero=True)
    out = pd.DataFrame(
        {
            "n_items": by.size(),
            "separate_sd": by["sd"].sum(),
            "independent_sd": np.sqrt((items["sd"] ** 2).groupby(group_of).sum()),
            "pooled_sd": pooled["sd"],
            "pooled_cv": pooled["cv"],
            "separate_cost": by["make_to_stock_cost"].sum(),
            "pooled_cost": pooled["make_to_stock_cost"],
            "postponement_cost": pooled["make_to_stock_cost"] + extra,
            "make_to_order_cost": pooled["make_to_order_cost"],
        }
    )
    out.index.name = groups.name
    out["cost_reduction"] = 1 - out["pooled_cost"] / out["separate_cost"]
    out["make_to_order_cheaper"] = out["make_to_order_cost"] < out["postponement_cost"]
    return out


def weighted_share(flags: pd.Series, weights: pd.Series) -> float:
    """The share of ``weights`` (e.g. revenue per item) carried by the items where ``flags`` is
    True; items missing from ``weights`` count 0."""
    w = weights.reindex(flags.index).fillna(0.0).to_numpy(dtype=float)
    if w.sum() <= 0:
        raise DataError("the weights of these items sum to 0")
    return float(w[flags.to_numpy(dtype=bool)].sum() / w.sum())


def bootstrap_periods(
    demand: pd.DataFrame,
    statistic,
    *,
    n_boot: int = 200,
    level: float = 0.95,
    seed: int | np.random.Generator = 0,
) -> pd.Series:
    """A percentile bootstrap over periods: resample the rows of ``demand`` with replacement.

    ``statistic`` maps a demand matrix (periods in rows) to a number. Treats periods as
    independent (it ignores weekday patterns and runs of stock-outs, so the interval is, if
    anything, too narrow). Returns a Series with ``estimate`` (on the data as given), ``lower``,
    ``upper``, ``level`` and ``n_boot``.
    """
    if int(n_boot) != n_boot or n_boot < 2:
        raise ParameterError(f"n_boot={n_boot!r} must be a whole number >= 2")
    if not 0 < level < 1:
        raise ParameterError(f"level={level!r} must be in (0, 1)")
    rng = as_generator(seed)
    n = len(demand)
    draws = np.array(
        [
            statistic(demand.iloc[rng.integers(0, n, n)].reset_index(drop=True))
            for _ in range(int(n_boot))
        ]
    )
    tail = (1 - level) / 2
    return pd.Series(
        {
            "estimate": float(statistic(demand)),
            "lower": float(np.quantile(draws, tail)),
            "upper": float(np.quantile(draws, 1 - tail)),
            "level": float(level),
            "n_boot": float(n_boot),
        },
        name="bootstrap",
    )


def breakeven_cv_range(
    price: float,
    unit_cost: float,
    salvage_value: float,
    *,
    flexible_premium: float = 0.0,
    waiting_cost: float = 0.0,
    walk_away_share: float = 0.0,
    factors: Sequence[float] = (0.5, 2.0),
) -> pd.Series:
    """The range of :func:`breakeven_cv` when the salvage value, flexible premium, waiting cost and
    walk-away share are each multiplied by every one of ``factors`` (and 1), in all combinations
    that stay valid (salvage below unit cost, walk-away share below 1). Returns ``lower``,
    ``upper`` and ``n_combinations``."""
    import itertools

    scales = sorted({1.0, *map(float, factors)})
    values = []
    for fs, fp, fw, fa in itertools.product(scales, repeat=4):
        s, a = salvage_value * fs, walk_away_share * fa
        if not (s < unit_cost and a < 1):
            continue
        values.append(
            breakeven_cv(
                price,
                unit_cost,
                s,
                flexible_premium=flexible_premium * fp,
                waiting_cost=waiting_cost * fw,
                walk_away_share=a,
            )
        )
    return pd.Series(
        {"lower": min(values), "upper": max(values), "n_combinations": float(len(values))},
        name="breakeven_cv_range",
    )


def censoring_effect(
    mean: float,
    sd: float,
    underage_cost: float,
    overage_cost: float,
    *,
    in_stock_probability: float,
    n: int = 200_000,
    seed: int | np.random.Generator = 0,
) -> pd.Series:
    """What recording sales instead of demand does to the empirical newsvendor (a simulation).

    Draws ``n`` periods of gamma demand with this ``mean`` and ``sd`` (units per period; gamma,
    so that demand is never negative), caps each at the stock the store held (its
    ``in_stock_probability`` quantile of demand: a stock-out hides the rest), and runs
    :func:`newsvendor_cost_empirical` on the true demand and on the capped sales. Returns a Series
    with ``cv_demand``, ``cv_sales``, ``cost_demand``, ``cost_sales`` (currency per period),
    ``cost_ratio`` (sales / demand: below 1 when censoring understates the cost of stocking) and
    ``stockout_share`` (share of periods that hit the cap).
    """
    mu = _positive(mean, "mean")
    sigma = _positive(sd, "sd")
    p = _share(in_stock_probability, "in_stock_probability")
    if p == 0:
        raise ParameterError("in_stock_probability must be above 0")
    rng = as_generator(seed)
    shape = (mu / sigma) ** 2
    demand = rng.gamma(shape, mu / shape, size=int(n))
    cap = float(np.quantile(demand, p))
    sales = np.minimum(demand, cap)
    true = newsvendor_cost_empirical(demand, underage_cost, overage_cost)
    seen = newsvendor_cost_empirical(sales, underage_cost, overage_cost)
    return pd.Series(
        {
            "cv_demand": float(demand.std(ddof=1) / demand.mean()),
            "cv_sales": float(sales.std(ddof=1) / sales.mean()),
            "cost_demand": float(true["expected_cost"]),
            "cost_sales": float(seen["expected_cost"]),
            "cost_ratio": float(seen["expected_cost"] / true["expected_cost"]),
            "stockout_share": float(np.mean(demand >= cap)),
        },
        name="censoring",
    )


# --- the verdict ------------------------------------------------------------------------------


def verdict_customisation(
    share_cheaper: float,
    lower: float,
    upper: float,
    *,
    holds_at: float = 2 / 3,
    fails_at: float = 1 / 3,
) -> tuple[str, dict[str, float]]:
    """The verdict class on "building to order costs less than building to stock".

    ``share_cheaper`` is the share of demand (e.g. of revenue) in items for which building to
    order is cheaper, with its interval ``[lower, upper]``. The claim ``holds`` when even the
    interval's lower end reaches ``holds_at`` (most demand is better built to order);
    ``does_not_hold`` when even its upper end stays at or below ``fails_at``; otherwise
    ``holds_if`` (it holds for the items whose demand is uncertain enough, and not for the others).
    Returns ``(class, values)`` with the numbers compared.
    """
    for name, x in (("share_cheaper", share_cheaper), ("lower", lower), ("upper", upper)):
        if not 0 <= x <= 1:
            raise ParameterError(f"{name}={x!r} is a share and must be in [0, 1]")
    if not lower <= share_cheaper <= upper:
        raise ParameterError(
            f"need lower <= share_cheaper <= upper; got {lower}, {share_cheaper}, {upper}"
        )
    if not 0 <= fails_at < holds_at <= 1:
        raise ParameterError(f"need 0 <= fails_at < holds_at <= 1; got {fails_at}, {holds_at}")
    if lower >= holds_at:
        cls = "holds"
    elif upper <= fails_at:
        cls = "does_not_hold"
    else:
        cls = "holds_if"
    values = {
        "share_cheaper": float(share_cheaper),
        "lower": float(lower),
        "upper": float(upper),
        "holds_at": float(holds_at),
        "fails_at": float(fails_at),
    }
    return cls, values
