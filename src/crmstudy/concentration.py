"""Customer concentration: the Lorenz curve, the Gini, the top-20% share, and the whale curve.

The primer's "80% of revenue comes from 20% of customers" is a statement about one point of the
*concentration curve*: rank customers from the most to the least valuable and read off the share of
the total held by the top 20%. This module measures that point and the whole curve properly:

* :func:`lorenz_curve` -- the Lorenz (1905) curve, or the same curve read from the top;
* :func:`gini` -- the sample Gini coefficient (Gini 1912), from the area under the Lorenz curve;
* :func:`top_share` -- the share of the total held by the top ``fraction`` of customers;
* :func:`customers_for_share` -- the fraction of customers needed to reach ``share`` of the total;
* :func:`bootstrap_concentration` -- percentile bootstrap intervals for all three (Efron 1979),
  resampling customers;
* :func:`window_concentration` -- the top share over observation windows of 3, 6, 12, 18 months;
* :func:`top_persistence` -- do this period's top 20% stay on top next period?
* :func:`customer_profit`, :func:`whale_curve`, :func:`whale_summary` -- Kaplan & Narayanan's
  (2001) cumulative-profit "whale curve";
* :func:`pareto_top_share`, :func:`pareto_shape`, :func:`pareto_gini` -- the closed forms of
  Pareto's (1896) distribution, where "80/20" comes from;
* :data:`PUBLISHED_ANCHORS` / :func:`published_anchors` -- published top-20% shares to compare with.

Conventions
-----------
``values`` is one number per customer (revenue in the log's currency, or purchases, or any other
non-negative quantity), as a 1-D array, list or Series. Customers with value 0 are kept: a customer
who bought once and spent $0 is still a customer and sits at the bottom of the curve. Negative
values are refused everywhere except in the whale curve, where losses are the point. Empty input,
NaN or infinite values raise :class:`~crmstudy.errors.DataError` naming the first bad position.

All measures are computed on the piecewise-linear Lorenz curve through the points
``(k/n, L_k)``, ``L_k`` = share of the total held by the ``k`` smallest customers. Reading the curve
between its points is the same as splitting the boundary customer: with n = 2,357 customers, the
top 20% is 471.4 customers, i.e. the 471 largest plus 0.4 of the 472nd. Everything is vectorised
(one sort, one cumulative sum); nothing loops over customers in Python, so millions are fine.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmstudy._checks import as_generator
from crmstudy.errors import DataError, ParameterError

__all__ = [
    "PUBLISHED_ANCHORS",
    "published_anchors",
    "lorenz_curve",
    "gini",
    "top_share",
    "customers_for_share",
    "bootstrap_concentration",
    "customer_totals",
    "window_concentration",
    "summarise_windows",
    "top_persistence",
    "customer_profit",
    "whale_curve",
    "whale_summary",
    "bootstrap_whale",
    "pareto_top_share",
    "pareto_shape",
    "pareto_gini",
    "verdict_pareto_80_20",
    "PARETO_CLAIM",
    "PARETO_TOLERANCE",
]

#: Published shares of sales from the top 20% of customers, to compare a measurement with.
#: ``top20_share`` is a fraction of sales (revenue or units as the source measured it).
PUBLISHED_ANCHORS: tuple[dict, ...] = (
    {
        "source": "Pareto rule (primer)",
        "setting": "rule of thumb quoted in CRM primers",
        "top20_share": 0.80,
        "citation": (
            "Juran, J. M. (1951), Quality Control Handbook, McGraw-Hill ('vital few, trivial "
            "many'), after Pareto, V. (1896), Cours d'economie politique, on incomes."
        ),
    },
    {
        "source": "Kim, Singh & Winer (2017)",
        "setting": "brand sales, 22 packaged-goods categories, Nielsen household panel",
        "top20_share": 0.73,
        "citation": (
            "Kim, B. J., Singh, V. and Winer, R. S. (2017), 'The Pareto rule for frequently "
            "purchased packaged goods: an empirical generalization', Marketing Letters 28(4), "
            "491-507 (mean brand-level Pareto ratio across categories)."
        ),
    },
    {
        "source": "McCarthy & Winer (2019)",
        "setting": "339 publicly traded non-CPG firms, all",
        "top20_share": 0.67,
        "citation": (
            "McCarthy, D. M. and Winer, R. S. (2019), 'The Pareto rule in marketing revisited: "
            "is it 80/20 or 70/20?', Marketing Letters 30(2), 139-150."
        ),
    },
    {
        "source": "McCarthy & Winer (2019)",
        "setting": "339 publicly traded non-CPG firms, subscription businesses",
        "top20_share": 0.59,
        "citation": (
            "McCarthy, D. M. and Winer, R. S. (2019), Marketing Letters 30(2), 139-150 "
            "(non-subscription firms: 0.68)."
        ),
    },
    {
        "source": "Sharp & Romaniuk (2007)",
        "setting": "Ehrenberg-Bass '60/20': brand buyers over a year, many categories",
        "top20_share": 0.60,
        "citation": (
            "Sharp, B. and Romaniuk, J. (2007), 'There is a Pareto law, but not as you know it', "
            "Ehrenberg-Bass Institute for Marketing Science, report for corporate sponsors, "
            "University of South Australia: the top 20% of a brand's buyers bring about 60% of "
            "its sales; restated as 'Marketing's 60/20 Pareto law' by Sharp, Romaniuk & Graham "
            "(2019), SSRN 3498097."
        ),
    },
    {
        "source": "Sharp (2010)",
        "setting": "brand buyers over one year; lower over shorter windows",
        "top20_share": 0.50,
        "citation": (
            "Sharp, B. (2010), How Brands Grow, Oxford University Press, ch. 4; see also Sharp, "
            "B., Romaniuk, J. and Graham, C. (2019), 'Marketing's 60/20 Pareto law', SSRN 3498097."
        ),
    },
)


def published_anchors() -> pd.DataFrame:
    """:data:`PUBLISHED_ANCHORS` as a table: columns ``source, setting, top20_share, citation``."""
    return pd.DataFrame(list(PUBLISHED_ANCHORS))


# --------------------------------------------------------------------------------------------
# Validation


def _as_values(values, *, name: str = "values", allow_negative: bool = False) -> np.ndarray:
    """One float per customer, checked: 1-D, non-empty, finite, (non-negative), positive total."""
    if isinstance(values, pd.DataFrame):
        raise DataError(f"{name} must be one column of per-customer values, got a DataFrame")
    labels = values.index if isinstance(values, pd.Series) else None
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name} must be numbers, one per customer: {exc}") from None
    if x.ndim != 1:
        raise DataError(f"{name} must be one-dimensional (one value per customer), got {x.shape}")
    if x.size == 0:
        raise DataError(f"{name} is empty: concentration needs at least one customer")

    def where(mask: np.ndarray) -> str:
        i = int(np.argmax(mask))
        label = f" (customer {labels[i]!r})" if labels is not None else ""
        return f"{int(mask.sum())} of {x.size}, first at position {i}{label}: {float(x[i])!r}"

    bad = ~np.isfinite(x)
    if bad.any():
        raise DataError(f"{name} has values that are NaN or infinite, {where(bad)}")
    if not allow_negative:
        neg = x < 0
        if neg.any():
            raise DataError(
                f"{name} has negative values, {where(neg)}. Concentration shares need "
                "non-negative values; use whale_curve for profits that can be negative"
            )
    if not x.sum() > 0:
        raise DataError(
            f"{name} sum to {float(x.sum())!r}: shares of the total are undefined unless it is positive"
        )
    return x


def _check_share(value, name: str) -> float:
    if not (isinstance(value, int | float | np.floating) and 0 < value <= 1):
        raise ParameterError(f"{name}={value!r} must be a number in the range (0, 1]")
    return float(value)


#: ``rng=`` not given (its new name is ``seed=``).
_NO_RNG = object()


def _seed(seed, rng, verb: str) -> np.random.Generator:
    """The generator of ``seed=``, or of its old name ``rng=`` (one more release, with a
    DeprecationWarning naming ``seed=``)."""
    if rng is not _NO_RNG:
        if not (isinstance(seed, int | np.integer) and seed == 0):
            raise ParameterError(f"{verb}: give seed= (rng= is its old name), not both")
        warnings.warn(
            f"{verb}(rng=...) is deprecated and goes in the next release; use {verb}(seed=...)",
            DeprecationWarning,
            stacklevel=3,
        )
        return as_generator(rng, "rng")
    return as_generator(seed)


# --------------------------------------------------------------------------------------------
# The curve from the top, and the three measures read from it. Rows are replicates: row r of
# ``counts`` says how many times each customer (in descending order of value) is in sample r.


def _cumulative_shares(x: np.ndarray, counts: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative customer share ``C`` and value share ``T`` along ``x``, shape (rows, n + 1).

    ``x`` is sorted: descending gives the curve from the top (used by every measure), ascending
    the classic Lorenz curve. With ``counts`` (rows, n) each customer carries a weight (a
    bootstrap multiplicity). A block of ``w`` copies of the same value is a straight segment of
    the curve, so the weighted curve through the block ends is exactly the curve of the expanded
    sample.
    """
    if counts is None:  # one customer each: no weights to multiply by
        cum_v = np.concatenate([[0.0], np.cumsum(x)])
        return (np.arange(x.size + 1) / x.size)[None, :], (cum_v / cum_v[-1])[None, :]
    zero = np.zeros((counts.shape[0], 1))
    cum_n = np.concatenate([zero, np.cumsum(counts, axis=1, dtype=np.float64)], axis=1)
    cum_v = np.concatenate([zero, np.cumsum(counts * x, axis=1)], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Dividing by the last cumulative value makes the end of the curve exactly 1.
        return cum_n / cum_n[:, -1:], cum_v / cum_v[:, -1:]


def _gini_rows(C: np.ndarray, T: np.ndarray) -> np.ndarray:
    # Trapezoids under the top curve; Gini = 1 - 2 * (area under Lorenz) = 2 * (area under T) - 1.
    area = np.sum(np.diff(C, axis=1) * (T[:, 1:] + T[:, :-1]), axis=1) / 2.0
    return 2.0 * area - 1.0


def _interp_rows(x_grid: np.ndarray, y_grid: np.ndarray, target: float) -> np.ndarray:
    """For each row, y at the first crossing of ``x_grid == target`` on the polyline (x, y).

    ``x_grid`` is non-decreasing along each row, from 0 to 1, and ``0 < target <= 1``.
    """
    k = np.sum(x_grid[:, 1:] < target, axis=1)  # segment k spans points k .. k + 1
    rows = np.arange(x_grid.shape[0])
    x0, x1 = x_grid[rows, k], x_grid[rows, k + 1]
    y0, y1 = y_grid[rows, k], y_grid[rows, k + 1]
    return y0 + (target - x0) * (y1 - y0) / (x1 - x0)


def _measures(x_desc, counts, fraction: float, share: float) -> np.ndarray:
    C, T = _cumulative_shares(x_desc, counts)
    return np.column_stack(
        [_gini_rows(C, T), _interp_rows(C, T, fraction), _interp_rows(T, C, share)]
    )


def _on_grid(C: np.ndarray, T: np.ndarray, grid: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The curve (C, T) at every customer, or at ``grid + 1`` evenly spaced customer shares."""
    if grid is None:
        return C, T
    if not (isinstance(grid, int | np.integer) and grid >= 1):
        raise ParameterError(f"grid={grid!r} must be a positive integer (number of steps)")
    p = np.linspace(0.0, 1.0, int(grid) + 1)
    return p, np.interp(p, C, T)


def _descending(values, **kwargs) -> np.ndarray:
    return np.sort(_as_values(values, **kwargs))[::-1]


# --------------------------------------------------------------------------------------------
# Public measures


def lorenz_curve(values, *, from_top: bool = False, grid: int | None = None) -> pd.DataFrame:
    """The Lorenz curve of per-customer ``values`` (Lorenz 1905).

    Parameters
    ----------
    values : array-like or Series
        One non-negative value per customer (e.g. revenue in the log's currency over the
        observation window). Zeros are kept.
    from_top : bool
        False (default): the classic Lorenz curve, customers ranked from the smallest, so
        ``value_share`` = L(p), the share held by the bottom ``p``. True: the concentration
        ("Pareto") curve, customers ranked from the largest, ``value_share`` = 1 - L(1 - p), the
        share held by the top ``p``; the 80/20 claim is the point p = 0.2 of this curve.
    grid : int, optional
        Evaluate the (piecewise-linear) curve at ``grid + 1`` evenly spaced customer shares
        instead of at every customer: for plotting millions of customers, or comparing bases of
        different sizes.

    Returns
    -------
    DataFrame with columns ``customer_share`` (fraction of customers, 0..1) and ``value_share``
    (fraction of the total, 0..1), starting at (0, 0) and ending at (1, 1): n + 1 rows, or
    ``grid + 1``.
    """
    x = np.sort(_as_values(values))
    C, T = _cumulative_shares(x[::-1] if from_top else x, None)
    p, share = _on_grid(C[0], T[0], grid)
    return pd.DataFrame({"customer_share": p, "value_share": share})


def gini(values) -> float:
    """The sample Gini coefficient of per-customer ``values``, in [0, 1).

    Defined as one minus twice the area under the piecewise-linear Lorenz curve (Gini 1912):

        G = 1 - sum_k (1/n) (L_k + L_{k-1}),   L_k = share held by the k smallest customers,

    which equals ``sum_i (2i - n - 1) x_(i) / (n * sum x)`` with ``x_(i)`` sorted ascending. A
    constant vector gives 0; one customer holding everything gives (n - 1)/n (not 1: this is the
    plug-in estimator of the population Gini, not the "n/(n-1)"-corrected one). For a large sample
    from a distribution it converges to that distribution's Gini: 1/3 for the uniform, 1/2 for
    the exponential, 1/(2a - 1) for the Pareto with shape a > 1.

    ``values`` : one non-negative value per customer (any unit; the Gini is unit-free).
    """
    return float(_measures(_descending(values), None, 0.5, 0.5)[0, 0])


def top_share(values, fraction: float = 0.2) -> float:
    """Share of the total held by the top ``fraction`` of customers: 1 - L(1 - fraction).

    ``values`` : one non-negative value per customer. ``fraction`` : share of customers, in
    (0, 1]. When ``fraction * n`` is not a whole number the boundary customer counts in part
    (linear interpolation on the Lorenz curve): with n = 10 and fraction = 0.25 the result is the
    top 2 customers plus half of the 3rd. The primer's claim is ``top_share(revenue, 0.2) == 0.8``.
    For a distribution, the limit is 0.2 ** (1 - 1/a) for the Pareto with shape a (0.8 when
    a = log(5)/log(4) = 1.16), 0.2 * (1 - log 0.2) = 0.522 for the exponential, 0.36 for the
    uniform.
    """
    fraction = _check_share(fraction, "fraction")
    return float(_measures(_descending(values), None, fraction, 0.5)[0, 1])


def customers_for_share(values, share: float = 0.8) -> float:
    """Fraction of customers, taken from the top, needed to reach ``share`` of the total.

    The inverse of :func:`top_share` (interpolated the same way): 0.2 when the 80/20 rule holds
    exactly. ``share`` in (0, 1]; with ``share = 1`` it is the fraction of customers with a
    positive value (zeros add nothing). ``values`` : one non-negative value per customer.
    """
    share = _check_share(share, "share")
    return float(_measures(_descending(values), None, 0.5, share)[0, 2])


#: Cells of the (replicates x customers) bootstrap matrices held in memory at once.
_BOOT_CELLS = 2_000_000


def _check_bootstrap(n_boot, level) -> None:
    if not (isinstance(n_boot, int | np.integer) and n_boot >= 10):
        raise ParameterError(f"n_boot={n_boot!r} must be an integer >= 10")
    if not (isinstance(level, int | float) and 0 < level < 1):
        raise ParameterError(f"level={level!r} must be in the range (0, 1)")


def _percentile_table(estimate, draws: np.ndarray, level: float, measures) -> pd.DataFrame:
    """``estimate``, bootstrap ``se`` and the equal-tailed percentile interval of each column
    of ``draws`` (one row per replicate; NaN replicates left out), indexed by ``measure``."""
    alpha = (1.0 - level) / 2.0
    lower, upper = np.nanquantile(draws, [alpha, 1.0 - alpha], axis=0)
    return pd.DataFrame(
        {
            "estimate": estimate,
            "se": np.nanstd(draws, axis=0, ddof=1),
            "lower": lower,
            "upper": upper,
        },
        index=pd.Index(measures, name="measure"),
    )


def _resample_counts(gen: np.random.Generator, n: int, n_boot: int):
    """The bootstrap replicates of ``n`` customers as multiplicities, a block at a time.

    Yields ``(rows, counts)``: ``rows`` the slice of replicates in this block, ``counts[r, i]``
    how many times customer i is drawn (with replacement) into replicate r. Blocks keep
    ``counts`` near :data:`_BOOT_CELLS` cells.
    """
    block = max(1, _BOOT_CELLS // n)
    for start in range(0, n_boot, block):
        b = min(block, n_boot - start)
        picks = gen.integers(0, n, size=(b, n))
        # One bincount over all rows at once: offset each row's picks into its own range.
        offsets = (np.arange(b, dtype=np.int64) * n)[:, None]
        counts = np.bincount((picks + offsets).ravel(), minlength=b * n).reshape(b, n)
        yield slice(start, start + b), counts


def bootstrap_concentration(
    values,
    *,
    fraction: float = 0.2,
    share: float = 0.8,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: np.random.Generator | int | None = 0,
    rng=_NO_RNG,
) -> pd.DataFrame:
    """Gini, top share and customers-for-share, with percentile bootstrap intervals.

    Customers are resampled with replacement (the nonparametric bootstrap of Efron 1979; Efron &
    Tibshirani 1993, ch. 13 for percentile intervals): each replicate is a base of n customers
    drawn from the observed ones, and the three measures are recomputed on it. The values are
    sorted once; a replicate is a vector of multiplicities, so each costs one cumulative sum
    (O(n)), computed for blocks of replicates at a time. The whole call costs O(n_boot * n).

    Parameters
    ----------
    values : one non-negative value per customer (zeros kept).
    fraction : share of customers for :func:`top_share`, in (0, 1].
    share : share of the total for :func:`customers_for_share`, in (0, 1].
    n_boot : number of bootstrap replicates (>= 10).
    level : coverage of the intervals, in (0, 1).
    seed : an int or a numpy Generator. The default 0 makes a report reproducible; pass another
        seed to see the Monte Carlo variation. ``rng=`` is its old name (deprecated).

    Returns
    -------
    DataFrame indexed by ``measure`` (``gini``, ``top_share``, ``customers_for_share``) with
    columns ``estimate`` (on the data), ``se`` (bootstrap standard deviation), ``lower`` and
    ``upper`` (percentile interval). ``attrs``: ``fraction``, ``share``, ``n_boot``, ``level``,
    ``n_customers``.
    """
    fraction = _check_share(fraction, "fraction")
    share = _check_share(share, "share")
    _check_bootstrap(n_boot, level)
    x_desc = _descending(values)
    n = x_desc.size
    gen = _seed(seed, rng, "bootstrap_concentration")
    estimate = _measures(x_desc, None, fraction, share)[0]
    draws = np.empty((int(n_boot), 3))
    for rows, counts in _resample_counts(gen, n, int(n_boot)):
        with np.errstate(invalid="ignore", divide="ignore"):
            draws[rows] = _measures(x_desc, counts, fraction, share)
    # A replicate of only zero-value customers has no shares (NaN); it is left out.
    out = _percentile_table(estimate, draws, level, ["gini", "top_share", "customers_for_share"])
    out.attrs.update(
        fraction=fraction, share=share, n_boot=int(n_boot), level=float(level), n_customers=n
    )
    return out


# --------------------------------------------------------------------------------------------
# From a transaction log


def _validated(transactions: pd.DataFrame) -> pd.DataFrame:
    from crmstudy.transactions import validate_transactions

    observation_end = transactions.attrs.get("observation_end")
    out = validate_transactions(transactions, observation_end=observation_end)
    out.attrs.setdefault("observation_end", observation_end)
    return out


def _revenue(part: pd.DataFrame) -> pd.Series:
    """Revenue per customer (sum of ``amount``) in a slice of a validated log."""
    return part.groupby("customer_id")["amount"].sum()


def _log_bounds(log: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day of the log and the (exclusive) end: the day after observation_end or last date."""
    first = pd.Timestamp(log["date"].min()).normalize()
    end = log.attrs.get("observation_end")
    last = pd.Timestamp(end) if end is not None else pd.Timestamp(log["date"].max())
    return first, last.normalize() + pd.Timedelta(days=1)


def customer_totals(
    transactions: pd.DataFrame, *, start=None, months: int | None = None
) -> pd.DataFrame:
    """Revenue and orders per customer over a window of the log.

    Parameters
    ----------
    transactions : a transaction log (``customer_id``, ``date``, ``amount``), validated by
        :func:`crmstudy.transactions.validate_transactions`.
    start : date, optional
        First day of the window; default the first day of the log.
    months : int, optional
        Window length in calendar months (``pd.DateOffset(months=months)``: 3 months from
        1997-01-01 end before 1997-04-01). Default: to the end of the log (``attrs
        ["observation_end"]`` if set, else the last date).

    Returns
    -------
    DataFrame indexed by ``customer_id`` with ``revenue`` (sum of ``amount``, the log's
    currency) and ``orders`` (distinct purchase days: several records on one day are one order,
    as in Fader, Hardie & Lee 2005a), one row per customer who bought in the window. When the log
    has a ``cost`` column (the cost of goods of each record, same currency; Ta Feng's ASSET taken
    as cost), two more columns: ``cost`` (its sum) and ``gross_profit`` (``revenue - cost``, which
    can be negative). ``attrs``: ``window_start``, ``window_end`` (exclusive).
    """
    log = _validated(transactions)
    first, end = _log_bounds(log)
    begin = first if start is None else pd.Timestamp(start)
    if months is not None:
        if not (isinstance(months, int | np.integer) and months >= 1):
            raise ParameterError(f"months={months!r} must be a whole number of months >= 1")
        window_end = begin + pd.DateOffset(months=int(months))
        if window_end > end:
            raise ParameterError(
                f"months={months!r}: a window from {begin.date()} would end on "
                f"{window_end.date()}, after the log ends ({end.date()}, exclusive); "
                "use a shorter window"
            )
        end = window_end
    part = log.loc[(log["date"] >= begin) & (log["date"] < end)]
    if part.empty:
        raise DataError(f"no transactions between {begin.date()} and {end.date()} (exclusive)")
    days = part[["customer_id"]].assign(day=part["date"].dt.normalize()).drop_duplicates()
    out = pd.DataFrame(
        {
            "revenue": _revenue(part),
            "orders": days.groupby("customer_id").size(),
        }
    )
    if "cost" in part.columns:
        cost = pd.to_numeric(part["cost"], errors="coerce")
        bad = ~np.isfinite(cost.to_numpy(dtype=float)) | (cost.to_numpy(dtype=float) < 0)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"column 'cost', row {row}: value {part['cost'].iloc[row]} is not a finite "
                "cost >= 0 (currency of the log)"
            )
        out["cost"] = cost.groupby(part["customer_id"]).sum()
        out["gross_profit"] = out["revenue"] - out["cost"]
    out.attrs.update(window_start=begin, window_end=end)
    return out


def window_concentration(
    transactions: pd.DataFrame,
    window_months: int | Sequence[int] = (3, 6, 12, 18),
    *,
    fraction: float = 0.2,
    step_months: int | None = None,
    start=None,
    population: str = "buyers",
) -> pd.DataFrame:
    """The top-``fraction`` share of revenue measured over observation windows of several lengths.

    Concentration is not a fixed property of a customer base: it depends on how long you watch.
    Over a short window most buyers buy once and look alike; over a long one heavy buyers pull
    away (Sharp 2010, ch. 4; Sharp, Romaniuk & Graham 2019).

    Windows are calendar months (``pd.DateOffset``), laid out from ``start`` (default the first
    day of the log):
    window k of length m covers ``[start + k*step, start + k*step + m)``. With the default
    ``step_months=None`` the step equals the window, so the windows tile the log without overlap
    (CDNOW, 18 months: six 3-month windows, three 6-month, one 12-month, one 18-month; the
    incomplete tail is dropped). ``step_months=1`` gives every rolling window.

    Parameters
    ----------
    transactions : a transaction log (``customer_id``, ``date``, ``amount``), validated by
        :func:`crmstudy.transactions.validate_transactions`. The log ends at
        ``attrs["observation_end"]`` if set (CDNOW: 1998-06-30), else at its last date.
    window_months : window length(s), in months.
    fraction : the top share measured, in (0, 1].
    step_months : months between the starts of successive windows; default the window length.
    start : date, optional. Start of the first window; default the first day of the log.
    population : ``"buyers"`` (default): customers who bought in the window, as in Sharp's and
        Kim, Singh & Winer's measures. ``"cohort"``: every customer acquired before the window
        ends, with revenue 0 if they did not buy in it (a firm's view of its whole base).

    Returns
    -------
    DataFrame, one row per window: ``window_months``, ``window_start``, ``window_end``
    (exclusive), ``customers`` (in the population), ``buyers``, ``revenue`` (currency of the
    log), ``top_share`` and ``gini``.
    """
    fraction = _check_share(fraction, "fraction")
    if population not in ("buyers", "cohort"):
        raise ParameterError(f"population={population!r}; choices: 'buyers', 'cohort'")
    lengths = [window_months] if isinstance(window_months, int | np.integer) else window_months
    lengths = [int(m) for m in lengths]
    if not lengths or any(m < 1 for m in lengths):
        raise ParameterError(f"window_months={window_months!r} must be whole months >= 1")
    if step_months is not None and not (
        isinstance(step_months, int | np.integer) and step_months >= 1
    ):
        raise ParameterError(f"step_months={step_months!r} must be a whole number >= 1")
    log = _validated(transactions)
    first, end = _log_bounds(log)
    if start is not None:
        first = pd.Timestamp(start)
    acquired = log.groupby("customer_id")["date"].min()
    rows = []
    for m in lengths:
        step = m if step_months is None else int(step_months)
        k = 0
        while (w_end := first + pd.DateOffset(months=k * step + m)) <= end:
            w_start = first + pd.DateOffset(months=k * step)
            part = log.loc[(log["date"] >= w_start) & (log["date"] < w_end)]
            revenue = _revenue(part)
            if population == "cohort":
                base = acquired.index[acquired < w_end]
                revenue = revenue.reindex(base, fill_value=0.0)
            x_desc = np.sort(revenue.to_numpy(dtype=np.float64))[::-1]
            if x_desc.size and x_desc.sum() > 0:
                g, top, _ = _measures(x_desc, None, fraction, 0.5)[0]
            else:
                g = top = np.nan
            rows.append(
                {
                    "window_months": m,
                    "window_start": w_start,
                    "window_end": w_end,
                    "customers": int(revenue.size),
                    "buyers": int(part["customer_id"].nunique()),
                    "revenue": float(revenue.sum()),
                    "top_share": float(top),
                    "gini": float(g),
                }
            )
            k += 1
    if not rows:
        span = f"{first.date()} to {end.date()}"
        raise ParameterError(
            f"window_months={window_months!r}: no window fits in the log ({span}, exclusive end)"
        )
    out = pd.DataFrame(rows)
    out.attrs.update(fraction=fraction, population=population, period="M")
    return out


def summarise_windows(table: pd.DataFrame) -> pd.DataFrame:
    """Per window length: number of windows and the mean, min and max of ``top_share``.

    ``table`` is the output of :func:`window_concentration`. Returns a DataFrame indexed by
    ``window_months`` with columns ``windows``, ``mean_top_share``, ``min_top_share``,
    ``max_top_share``, ``mean_gini``.
    """
    grouped = table.groupby("window_months")
    return pd.DataFrame(
        {
            "windows": grouped.size(),
            "mean_top_share": grouped["top_share"].mean(),
            "min_top_share": grouped["top_share"].min(),
            "max_top_share": grouped["top_share"].max(),
            "mean_gini": grouped["gini"].mean(),
        }
    )


def _top_membership(values: np.ndarray, fraction: float) -> np.ndarray:
    """How much of each customer belongs to the top ``fraction`` (weights in [0, 1]).

    Customers above the boundary value are in (1), below it out (0). Customers tied at the
    boundary value share the remaining places equally, so the result does not depend on an
    arbitrary order among equals; the weights sum to ``fraction * n``.
    """
    slots = fraction * values.size
    x_desc = np.sort(values)[::-1]
    boundary = x_desc[int(np.ceil(slots)) - 1]
    above = values > boundary
    tied = values == boundary
    weights = above.astype(np.float64)
    weights[tied] = (slots - above.sum()) / tied.sum()
    return weights


def top_persistence(
    transactions: pd.DataFrame, months: int | None = None, *, fraction: float = 0.2, start=None
) -> pd.Series:
    """Do the top customers of one period stay on top in the next? (Sharp 2010, ch. 4.)

    The log is cut into two consecutive windows of ``months`` calendar months from ``start``
    (default the first day of the log). The customers are those who bought in the first window;
    a customer who buys nothing in the second has revenue 0 there. The top ``fraction`` is
    taken in each window separately; customers tied at the boundary count in part (see
    :func:`top_share`), so nothing depends on an arbitrary order among equals.

    Parameters
    ----------
    transactions : a transaction log (``customer_id``, ``date``, ``amount``), validated by
        :func:`crmstudy.transactions.validate_transactions`.
    months : length of each window, in calendar months (both windows must fit in the log).
        Default: the longest that fits, half the log in whole months (CDNOW: 9).
    fraction : the top share of customers, in (0, 1].
    start : date, optional. Start of the first window.

    Returns
    -------
    Series: ``customers`` (buyers of the first window), ``top_share_first`` (the top's share of
    first-window revenue), ``same_customers_share_second`` (the share of *second*-window revenue
    from the customers who were on top in the first: what a firm that "looks after its top 20%"
    actually covers next period), ``top_share_second`` (the second window's own top, among the
    same customers), ``still_on_top`` (fraction of the first window's top that is in the second
    window's top) and ``buyers_second`` (fraction of the customers who buy again in the second).
    """
    fraction = _check_share(fraction, "fraction")
    log = _validated(transactions)
    first, end = _log_bounds(log)
    begin = first if start is None else pd.Timestamp(start)
    if months is None:
        months = 1
        while begin + pd.DateOffset(months=2 * (months + 1)) <= end:
            months += 1
    if not (isinstance(months, int | np.integer) and months >= 1):
        raise ParameterError(f"months={months!r} must be a whole number of months >= 1")
    middle = begin + pd.DateOffset(months=int(months))
    stop = begin + pd.DateOffset(months=2 * int(months))
    if stop > end:
        raise ParameterError(
            f"months={months!r}: two windows from {begin.date()} end on {stop.date()}, after the "
            f"log ends ({end.date()}, exclusive); use at most half the log's length"
        )
    one = _revenue(log.loc[(log["date"] >= begin) & (log["date"] < middle)])
    two = _revenue(log.loc[(log["date"] >= middle) & (log["date"] < stop)])
    two = two.reindex(one.index, fill_value=0.0)
    r1 = _as_values(one, name="first-window revenue")
    r2 = two.to_numpy(dtype=np.float64)
    w1 = _top_membership(r1, fraction)
    has_second = r2.sum() > 0
    w2 = _top_membership(r2, fraction) if has_second else np.zeros_like(r2)
    out = pd.Series(
        {
            "customers": float(r1.size),
            "top_share_first": float(w1 @ r1 / r1.sum()),
            "same_customers_share_second": float(w1 @ r2 / r2.sum()) if has_second else np.nan,
            "top_share_second": float(w2 @ r2 / r2.sum()) if has_second else np.nan,
            "still_on_top": float(w1 @ w2 / w1.sum()),
            "buyers_second": float(np.mean(r2 > 0)),
        },
        name="persistence",
    )
    out.attrs.update(fraction=fraction, months=int(months), first=begin, middle=middle, end=stop)
    return out


# --------------------------------------------------------------------------------------------
# The whale curve


def customer_profit(
    revenue,
    orders,
    *,
    margin: float | None = None,
    cost=None,
    cost_per_order: float = 0.0,
    cost_per_customer: float = 0.0,
):
    """Profit per customer after the cost to serve (Kaplan & Narayanan 2001).

    With an assumed gross ``margin``::

        profit = revenue * margin - cost_per_customer - cost_per_order * orders

    or, when the log records each customer's cost of goods (``cost``; Ta Feng's ASSET taken as
    cost)::

        profit = revenue - cost - cost_per_customer - cost_per_order * orders

    Give exactly one of ``margin`` and ``cost``.

    Parameters
    ----------
    revenue : revenue per customer over the window (currency).
    orders : orders per customer over the same window (count).
    margin : gross margin, a fraction of revenue in [0, 1].
    cost : cost of goods per customer over the window (currency, >= 0), aligned with ``revenue``.
    cost_per_order : cost to serve one order (currency per order), >= 0: picking, shipping,
        payment handling.
    cost_per_customer : cost of keeping one customer on the books over the window (currency per
        customer), >= 0: account management, mailings.

    Returns a Series (index of ``revenue`` if it is a Series) or a numpy array, in currency.
    """
    if (margin is None) == (cost is None):
        raise ParameterError("give exactly one of margin= (an assumed share) and cost= (per customer)")
    checks = [
        ("cost_per_order", cost_per_order, np.inf),
        ("cost_per_customer", cost_per_customer, np.inf),
    ]
    if margin is not None:
        checks.insert(0, ("margin", margin, 1.0))
    for name, value, upper in checks:
        if not (isinstance(value, int | float | np.floating) and 0 <= value <= upper):
            allowed = "[0, 1]" if upper == 1.0 else "[0, inf)"
            raise ParameterError(f"{name}={value!r} must be a number in the range {allowed}")
    rev = _as_values(revenue, name="revenue", allow_negative=True)
    n_orders = _as_values(orders, name="orders")
    if rev.size != n_orders.size:
        raise DataError(f"revenue has {rev.size} customers but orders has {n_orders.size}")
    if cost is not None:
        goods = _as_values(cost, name="cost")
        if goods.size != rev.size:
            raise DataError(f"revenue has {rev.size} customers but cost has {goods.size}")
        gross = rev - goods
    else:
        gross = rev * margin
    profit = gross - cost_per_customer - cost_per_order * n_orders
    if isinstance(revenue, pd.Series):
        return pd.Series(profit, index=revenue.index, name="profit")
    return profit


def _profit_curve(profit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p_desc = np.sort(_as_values(profit, name="profit", allow_negative=True))[::-1]
    C, T = _cumulative_shares(p_desc, None)
    return p_desc, C[0], T[0]


def whale_curve(profit, *, grid: int | None = None) -> pd.DataFrame:
    """Cumulative share of total profit, customers ranked from the most to the least profitable.

    Kaplan, R. S. and Narayanan, V. G. (2001), "Measuring and managing customer profitability",
    Journal of Cost Management 15(5), 5-15. When some customers lose money the curve rises above
    1 (100% of total profit), peaks where the last profitable customer is reached, and falls back
    to exactly 1: the shape of a whale breaching.

    ``profit`` : profit per customer (currency), negative values allowed; the total must be
    positive (shares of a non-positive total mean nothing). ``grid`` : evaluate at ``grid + 1``
    evenly spaced customer shares (as in :func:`lorenz_curve`).

    Returns a DataFrame with ``customer_share`` (0..1) and ``profit_share`` (share of total
    profit, can exceed 1), starting at (0, 0) and ending at (1, 1).
    """
    _, C, T = _profit_curve(profit)
    p, share = _on_grid(C, T, grid)
    return pd.DataFrame({"customer_share": p, "profit_share": share})


def whale_summary(profit, *, fraction: float = 0.2) -> pd.Series:
    """The headline numbers of the whale curve.

    Returns a Series: ``total_profit`` (currency), ``peak_profit_share`` (the top of the whale:
    profit of all profitable customers / total profit, >= 1), ``peak_customer_share`` (fraction
    of customers with positive profit, where the peak is), ``unprofitable_share`` (fraction of
    customers with negative profit), ``top_profit_share`` (share of total profit from the most
    profitable ``fraction`` of customers, interpolated as in :func:`top_share`).
    """
    fraction = _check_share(fraction, "fraction")
    p_desc, C, T = _profit_curve(profit)
    return pd.Series(
        {
            "total_profit": float(p_desc.sum()),
            "peak_profit_share": float(T.max()),
            "peak_customer_share": float(np.mean(p_desc > 0)),
            "unprofitable_share": float(np.mean(p_desc < 0)),
            "top_profit_share": float(_interp_rows(C[None, :], T[None, :], fraction)[0]),
        },
        name="whale",
    )


def bootstrap_whale(
    profit,
    *,
    fraction: float = 0.2,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: np.random.Generator | int | None = 0,
    rng=_NO_RNG,
) -> pd.DataFrame:
    """The whale curve's headline numbers with percentile bootstrap intervals over customers.

    Resamples customers with replacement, as :func:`bootstrap_concentration` does, and recomputes
    on each replicate the share of customers who lose money (``unprofitable_share``), the peak of
    the cumulative profit curve (``peak_profit_share``, profit of the profitable customers over
    total profit) and the share of profit from the top ``fraction`` by profit
    (``top_profit_share``). ``profit`` is profit per customer (currency), negatives allowed, with a
    positive total.

    ``seed`` (an int or a numpy Generator) as for :func:`bootstrap_concentration` (``rng=`` is its
    old name, deprecated). Returns a DataFrame indexed by ``measure`` with columns ``estimate``,
    ``se``, ``lower``, ``upper``; ``attrs``: ``fraction``, ``n_boot``, ``level``, ``n_customers``.
    """
    fraction = _check_share(fraction, "fraction")
    _check_bootstrap(n_boot, level)
    p_desc = np.sort(_as_values(profit, name="profit", allow_negative=True))[::-1]
    if p_desc.sum() <= 0:
        raise DataError(f"total profit is {p_desc.sum()}: a whale curve needs a positive total")
    n = p_desc.size
    losing = (p_desc < 0).astype(np.float64)
    summary = whale_summary(p_desc, fraction=fraction)
    estimate = [summary["unprofitable_share"], summary["peak_profit_share"],
                summary["top_profit_share"]]  # fmt: skip
    gen = _seed(seed, rng, "bootstrap_whale")
    draws = np.empty((int(n_boot), 3))
    for rows, counts in _resample_counts(gen, n, int(n_boot)):
        with np.errstate(invalid="ignore", divide="ignore"):
            C, T = _cumulative_shares(p_desc, counts)
            total = (counts * p_desc).sum(axis=1)
            T = np.where(total[:, None] > 0, T, np.nan)
            draws[rows, 0] = (counts * losing).sum(axis=1) / n
            draws[rows, 1] = np.nanmax(T, axis=1)
            draws[rows, 2] = _interp_rows(C, T, fraction)
    out = _percentile_table(
        estimate, draws, level, ["unprofitable_share", "peak_profit_share", "top_profit_share"]
    )
    out.attrs.update(fraction=fraction, n_boot=int(n_boot), level=float(level), n_customers=n)
    return out


# --------------------------------------------------------------------------------------------
# Pareto's distribution: where "80/20" comes from


def _check_shape(shape) -> float:
    if not (isinstance(shape, int | float | np.floating) and shape > 1):
        raise ParameterError(
            f"shape={shape!r} must be a number > 1 (the Pareto mean is infinite for shape <= 1)"
        )
    return float(shape)


def pareto_top_share(shape: float, fraction: float = 0.2) -> float:
    """Share of the total held by the top ``fraction`` under a Pareto distribution.

    For the Pareto (type I) distribution with shape ``a > 1`` (Pareto 1896), the Lorenz curve is
    L(p) = 1 - (1 - p)^(1 - 1/a), so the top q hold q^(1 - 1/a), whatever the scale x_m
    (Kleiber & Kotz 2003, Statistical Size Distributions in Economics and Actuarial Sciences,
    sec. 3.1). ``shape`` is unit-free; ``fraction`` in (0, 1].
    """
    a = _check_shape(shape)
    q = _check_share(fraction, "fraction")
    return float(q ** (1.0 - 1.0 / a))


def pareto_shape(top_share: float, fraction: float = 0.2) -> float:
    """The Pareto shape ``a`` whose top ``fraction`` holds ``top_share``: the inverse of
    :func:`pareto_top_share`, a = 1 / (1 - ln(top_share) / ln(fraction)).

    80/20 gives a = ln 5 / ln 4 = 1.161. Requires ``fraction < top_share < 1`` (a share no larger
    than the fraction is no concentration at all).
    """
    q = _check_share(fraction, "fraction")
    s = _check_share(top_share, "top_share")
    if not q < s < 1:
        raise ParameterError(
            f"top_share={top_share!r} must lie in ({q!r}, 1): the top {q:.0%} always hold at "
            "least their own share"
        )
    return float(1.0 / (1.0 - np.log(s) / np.log(q)))


def pareto_gini(shape: float) -> float:
    """Gini coefficient of the Pareto distribution with shape ``a > 1``: 1 / (2a - 1)
    (Kleiber & Kotz 2003, sec. 3.1). 80/20 (a = 1.161) gives 0.76."""
    a = _check_shape(shape)
    return float(1.0 / (2.0 * a - 1.0))


# --------------------------------------------------------------------------------------------
# The verdict on "80% of revenue from 20% of customers"

#: The primer's claim: the top 20% of customers bring 80% of revenue.
PARETO_CLAIM = 0.80
#: How far from 0.80 a top-20% share may be and still count as "80/20" (a rule of thumb is not
#: read to the percentage point): the band [0.75, 0.85].
PARETO_TOLERANCE = 0.05


def verdict_pareto_80_20(
    top_share: float,
    lower: float,
    upper: float,
    *,
    claimed: float = PARETO_CLAIM,
    tolerance: float = PARETO_TOLERANCE,
) -> tuple[str, dict[str, float]]:
    """The verdict class on the 80/20 claim from a measured top-20% share and its interval.

    The claim counts as holding when the interval ``[lower, upper]`` (of the share of revenue
    from the top 20% of customers) reaches the band ``claimed +- tolerance``; when the whole
    interval lies below the band (or above it) the claim does not hold as stated. (``holds_if``
    is not used here: the notebook reports how the share moves with the window separately.)

    Returns ``(class, values)`` with ``values`` the numbers compared: ``top_share``, ``lower``,
    ``upper``, ``band_lower``, ``band_upper``.
    """
    for name, v in (("top_share", top_share), ("lower", lower), ("upper", upper)):
        if not (isinstance(v, int | float | np.floating) and 0 <= v <= 1):
            raise ParameterError(f"{name}={v!r} must be a share in [0, 1]")
    if not lower <= top_share <= upper:
        raise ParameterError(
            f"the interval [{lower}, {upper}] must contain the estimate top_share={top_share}"
        )
    if not (0 < tolerance < 0.5 and 0 < claimed < 1):
        raise ParameterError(f"claimed={claimed!r} and tolerance={tolerance!r} must be shares")
    band = (claimed - tolerance, claimed + tolerance)
    holds = upper >= band[0] and lower <= band[1]
    values = {
        "top_share": float(top_share),
        "lower": float(lower),
        "upper": float(upper),
        "band_lower": float(band[0]),
        "band_upper": float(band[1]),
    }
    return ("holds" if holds else "does_not_hold"), values
