"""What "retention rate" measures: the primer's ratio next to the definitions researchers use.

Four definitions, each with its unit:

* :func:`simple_retention_rate`: the primer's ratio, customers next period / customers this
  period. It counts newly acquired (and returning) customers as "retained", so it can exceed 1.
* :func:`cohort_retention`: for each acquisition cohort, the share of its customers buying k
  periods after acquisition (built on :func:`crmstudy.transactions.cohort_table`).
* :func:`period_retention`: of the customers active in period t, the share active again in t + 1,
  with the decomposition that shows exactly how the primer's ratio departs from it.
* :func:`kaplan_meier`: the survival curve of subscription-style durations with right censoring
  (``statsmodels.duration.SurvfuncRight``), with pointwise intervals and simultaneous bands.

Plus the curve-fitting projections Fader & Hardie (2007) warn against
(:func:`regression_projection`), so a notebook can compare them with the sBG model
(:mod:`crmstudy.models.sbg`) without re-implementing anything. Nothing here prints.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from crmstudy._checks import (
    as_generator,
    bad_values_error,
    check_cohort_counts,
    check_number,
    check_whole,
)
from crmstudy.errors import DataError, ParameterError
from crmstudy.units import check_period

__all__ = [
    "simple_retention_rate",
    "cohort_retention",
    "average_cohort_retention",
    "period_retention",
    "ratio_above_one",
    "ratio_gap",
    "ratio_gap_interval",
    "verdict_retention_ratio",
    "RATIO_GAP_TOLERANCE_PP",
    "observed_retention_rates",
    "durations_from_alive",
    "kaplan_meier",
    "regression_projection",
    "projection_errors",
    "projection_shapes",
    "REGRESSION_KINDS",
]

#: The three curve-fitting models of Fader & Hardie (2007), Figure 3: survival as a linear,
#: quadratic or exponential function of time, fitted by ordinary least squares.
REGRESSION_KINDS = ("linear", "quadratic", "exponential")

# pandas calendar periods matching crmstudy.transactions' cohorts (weeks start on Monday, i.e.
# end on Sunday), so the labels here are the labels of cohort_table.
_PANDAS_FREQ = {"D": "D", "W": "W-SUN", "M": "M", "Q": "Q", "Y": "Y"}


# --- the primer's ratio ------------------------------------------------------------------------
def simple_retention_rate(customers_this_period, customers_next_period):
    """The primer's retention rate: customers next period / customers this period.

    Definition: N(t + 1) / N(t), where N counts *all* customers in a period. Dimensionless, per
    period of the counts. It is not a retention probability: N(t + 1) includes customers acquired
    (or won back) during t + 1, so the ratio mixes acquisition into "retention" and exceeds 1
    whenever a business grows by more than it loses (e.g. 1,000 customers, 200 lost, 300 won:
    ratio 1.1, while 80% were retained). Compare :func:`period_retention`.

    Scalars give a float; arrays or Series give the element-wise ratio.
    """
    this = np.asarray(customers_this_period, dtype=float)
    nxt = np.asarray(customers_next_period, dtype=float)
    for name, arr in (("customers_this_period", this), ("customers_next_period", nxt)):
        bad = ~np.isfinite(arr) | (arr < 0)
        if bad.any():
            raise bad_values_error(arr, bad, name, "value(s) that are not counts >= 0")
    if (this == 0).any():
        raise DataError(
            "customers_this_period is 0, so the ratio is undefined (no customers to retain)"
        )
    ratio = nxt / this
    if isinstance(customers_next_period, pd.Series):
        return pd.Series(ratio, index=customers_next_period.index, name="simple_retention_rate")
    if isinstance(customers_this_period, pd.Series):
        return pd.Series(ratio, index=customers_this_period.index, name="simple_retention_rate")
    return float(ratio) if ratio.ndim == 0 else ratio


# --- cohort and period retention ---------------------------------------------------------------
def cohort_retention(
    transactions, period: str = "M", *, min_cohort_size: int = 1, skip_first: bool = False
) -> pd.DataFrame:
    """Share of each acquisition cohort buying k periods after acquisition (tidy).

    Definition: for the cohort acquired in calendar period c (first purchase in c), the share of
    its customers who buy in period c + k, k = 0, 1, ... (``share``; 1 at k = 0). Cohorts come
    from :func:`crmstudy.transactions.cohort_table`, so the calendar periods are the same
    (``period`` "D", "W" (weeks starting Monday), "M", "Q", "Y"). In a contractual business with
    no reactivation this is the cohort's survival curve; in a non-contractual one (CDNOW) a
    customer can skip a period and come back, so it is a share *active*, not alive.

    ``skip_first=True`` leaves out the cohort of the log's first period. Use it when the log
    starts in the middle of the customers' history (left censoring, e.g. Ta Feng from
    2000-11-01): the "new" customers of its first period include long-standing ones, so its
    cohort is not an acquisition cohort.

    Returns the columns of ``cohort_table`` (``cohort``, ``age`` in periods, ``cohort_size``,
    ``active``, ``share``) for cohorts with at least ``min_cohort_size`` customers;
    ``attrs["period"]`` and ``attrs["skipped_cohort"]`` (the label left out, or None).
    """
    from crmstudy.transactions import cohort_table

    check_period(period)
    check_whole(min_cohort_size, "min_cohort_size", minimum=1, what="customers")
    table = cohort_table(transactions, period=period)
    keep = table["cohort_size"] >= min_cohort_size
    skipped = None
    if skip_first and len(table):
        skipped = str(table["cohort"].min())
        keep &= table["cohort"] != skipped
    kept = table[keep].reset_index(drop=True)
    kept.attrs.update(table.attrs)
    kept.attrs["skipped_cohort"] = skipped
    return kept


def average_cohort_retention(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Pool the cohorts of :func:`cohort_retention` into one curve by age.

    Definition: at age k, the customers active at k summed over the cohorts that have reached age
    k, divided by those cohorts' total size (a size-weighted mean of the cohorts' shares). Returns
    columns ``age`` (periods since acquisition), ``cohorts`` (number of cohorts observed at that
    age), ``customers`` (their total size), ``active`` and ``share``; ``attrs["period"]``.
    """
    missing = {"age", "cohort", "cohort_size", "active"} - set(cohorts.columns)
    if missing:
        raise DataError(
            f"cohorts lacks column(s) {sorted(missing)}; pass the output of cohort_retention"
        )
    pooled = (
        cohorts.groupby("age")
        .agg(
            cohorts=("cohort", "size"),
            customers=("cohort_size", "sum"),
            active=("active", "sum"),
        )
        .reset_index()
    )
    pooled["share"] = pooled["active"] / pooled["customers"]
    pooled.attrs.update(cohorts.attrs)
    return pooled


def _period_label(periods: pd.PeriodIndex, period: str) -> list[str]:
    """Labels in the format of crmstudy.transactions.cohort_table."""
    if period in ("D", "W"):
        return [p.start_time.strftime("%Y-%m-%d") for p in periods]
    if period == "M":
        return [p.strftime("%Y-%m") for p in periods]
    if period == "Q":
        return [f"{p.year:04d}Q{p.quarter}" for p in periods]
    return [f"{p.year:04d}" for p in periods]


def _activity(transactions, period: str):
    """Customer-period activity of a log: (pairs, labels, new customers per period).

    ``pairs`` has one row per customer and calendar period with a purchase (``customer_id``,
    ``p`` = index of the period from the log's first, 0-based); ``labels`` are the period labels
    of ``cohort_table``; ``new`` counts the customers whose first purchase falls in each period.
    """
    from crmstudy.transactions import cohort_table, validate_transactions

    check_period(period)
    log = validate_transactions(transactions)
    if log.empty:
        raise DataError("the transaction log is empty: there are no periods to compare")
    stamp = log["date"].dt.to_period(_PANDAS_FREQ[period])
    first, last = stamp.min(), stamp.max()
    n_periods = (last - first).n + 1
    if n_periods < 2:
        raise DataError(
            f"the log spans a single period ({period!r}); period retention needs two or more"
        )
    index = np.asarray(stamp.array.asi8, dtype=np.int64) - first.ordinal
    activity = pd.DataFrame({"customer_id": log["customer_id"].to_numpy(), "p": index})
    activity = activity.drop_duplicates()
    labels = _period_label(pd.period_range(first, last, freq=_PANDAS_FREQ[period]), period)
    cohorts = cohort_table(log, period=period)
    sizes = cohorts.loc[cohorts["age"] == 0].set_index("cohort")["cohort_size"]
    new = pd.Series(labels).map(sizes).fillna(0).astype(np.int64).to_numpy()
    return activity, labels, new


def period_retention(transactions, period: str = "M") -> pd.DataFrame:
    """Of the customers active in period t, the share active again in t + 1, and why the
    primer's ratio differs.

    Definition: retention(t) = |A(t) and A(t + 1)| / |A(t)|, where A(t) is the set of customers who
    buy in calendar period t ("active"). Dimensionless, per ``period`` ("D", "W" (weeks starting
    Monday), "M", "Q", "Y"). The customers active in t + 1 split into three groups,
    ``active_next = retained + new_next + reactivated_next``, so the primer's ratio (see
    :func:`simple_retention_rate`) is

        simple_ratio = active_next / active = retention + (new_next + reactivated_next) / active,

    which exceeds the retention rate by the acquisition and win-back rates and can exceed 1.
    New customers are the cohort sizes of :func:`crmstudy.transactions.cohort_table`.

    Parameters
    ----------
    transactions : DataFrame
        A transaction log (``customer_id``, ``date``, ``amount``), validated with
        :func:`crmstudy.transactions.validate_transactions`.
    period : str
        Calendar period code.

    Returns
    -------
    One row per period t from the first to the second-to-last period of the log: ``period``
    (label of t, as in ``cohort_table``), ``active`` (customers buying in t), ``retained`` (of
    those, buying in t + 1), ``retention`` (retained / active; NaN if nobody bought in t),
    ``active_next`` (customers buying in t + 1), ``new_next`` (first purchase in t + 1),
    ``reactivated_next`` (bought before t, not in t, and in t + 1) and ``simple_ratio``
    (active_next / active). ``attrs["period"]``.
    """
    activity, labels, new = _activity(transactions, period)
    n_periods = len(labels)
    active = np.bincount(activity["p"], minlength=n_periods)
    # Retained in t: the customer is active in t and in t + 1 (a self-join on the next period).
    next_period = activity.assign(p=activity["p"] - 1)
    both = activity.merge(next_period, on=["customer_id", "p"], how="inner")
    retained = np.bincount(both["p"], minlength=n_periods)

    out = pd.DataFrame(
        {
            "period": labels[:-1],
            "active": active[:-1],
            "retained": retained[:-1],
            "active_next": active[1:],
            "new_next": new[1:],
        }
    )
    out["reactivated_next"] = out["active_next"] - out["retained"] - out["new_next"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["retention"] = np.where(out["active"] > 0, out["retained"] / out["active"], np.nan)
        out["simple_ratio"] = np.where(
            out["active"] > 0, out["active_next"] / out["active"], np.nan
        )
    out = out[
        [
            "period",
            "active",
            "retained",
            "retention",
            "active_next",
            "new_next",
            "reactivated_next",
            "simple_ratio",
        ]
    ]
    out.attrs.update(period=period)
    return out


def ratio_above_one(by_period: pd.DataFrame) -> pd.DataFrame:
    """The periods in which the primer's ratio exceeds 1, and whether acquisition explains it.

    ``by_period`` is the output of :func:`period_retention`. Returns its rows with
    ``simple_ratio > 1`` plus a bool column ``without_acquisition`` (no newly acquired customer in
    t + 1, so the ratio exceeds 1 through win-backs alone). ``attrs``: ``periods`` (rows of
    ``by_period``), ``above_one`` and ``above_one_without_acquisition`` (counts), ``period``.
    """
    missing = {"simple_ratio", "new_next"} - set(by_period.columns)
    if missing:
        raise DataError(
            f"by_period lacks column(s) {sorted(missing)}; pass the output of period_retention"
        )
    above = by_period[by_period["simple_ratio"] > 1].copy()
    above["without_acquisition"] = above["new_next"] == 0
    above.attrs.update(
        period=by_period.attrs.get("period"),
        periods=len(by_period),
        above_one=len(above),
        above_one_without_acquisition=int(above["without_acquisition"].sum()),
    )
    return above



def ratio_gap(by_period: pd.DataFrame) -> float:
    """How far the primer's ratio overstates period retention, on average, in percentage points.

    The mean over periods (with customers) of ``simple_ratio - retention`` =
    ``(new_next + reactivated_next) / active``: the share of this period's customer count that
    the ratio adds for customers who were not retained (acquired or won back). ``by_period`` is
    the output of :func:`period_retention`. 0 for a closed cohort observed in consecutive periods.
    """
    missing = {"simple_ratio", "retention"} - set(by_period.columns)
    if missing:
        raise DataError(
            f"by_period lacks column(s) {sorted(missing)}; pass the output of period_retention"
        )
    gap = (by_period["simple_ratio"] - by_period["retention"]).dropna()
    if gap.empty:
        raise DataError("no period has active customers: the gap is undefined")
    return float(100.0 * gap.mean())


def ratio_gap_interval(
    transactions, period: str = "M", *, level: float = 0.95, n_draws: int = 500, seed=0
) -> pd.Series:
    """Bootstrap interval over customers for :func:`ratio_gap` (percentage points).

    Customers are resampled with replacement (``n_draws`` resamples, seeded); each resample's
    period counts are the weighted sums of the customers' activity, so the gap is recomputed
    without rebuilding the log. The interval covers sampling variation in which customers the
    business happened to have, treating them as a sample of the customers it could have had; it
    is the percentile interval at ``level``. Returns ``estimate``, ``lower``, ``upper``, ``level``,
    ``n_draws`` and ``failed`` (resamples in which no period had customers, left out and counted).
    """
    check_number(level, "level", low=0.0, low_open=True, high=1.0, high_open=True,
                 what="0.95 for a 95% interval")
    check_whole(n_draws, "n_draws", minimum=20, what="bootstrap resamples")
    activity, labels, _ = _activity(transactions, period)
    n_periods = len(labels)
    codes, customers = pd.factorize(activity["customer_id"])
    n = len(customers)
    matrix = np.zeros((n, n_periods))
    matrix[codes, activity["p"].to_numpy()] = 1.0
    # Per customer and period t: active in t, active in t + 1, active in both.
    now, nxt = matrix[:, :-1], matrix[:, 1:]
    both = now * nxt
    rng = as_generator(seed)
    draws, failed, chunk = [], 0, 50
    for start in range(0, int(n_draws), chunk):
        size = min(chunk, int(n_draws) - start)
        weights = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(size)])
        active, active_next, retained = weights @ now, weights @ nxt, weights @ both
        with np.errstate(divide="ignore", invalid="ignore"):
            gap = np.where(active > 0, (active_next - retained) / active, np.nan)
        ok = np.isfinite(gap).any(axis=1)
        failed += int((~ok).sum())
        draws.extend(100.0 * np.nanmean(gap[ok], axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        full = np.where(now.sum(0) > 0, (nxt.sum(0) - both.sum(0)) / now.sum(0), np.nan)
    tail = (1.0 - level) / 2.0
    lower, upper = np.quantile(draws, [tail, 1.0 - tail])
    return pd.Series(
        {
            "estimate": float(100.0 * np.nanmean(full)),
            "lower": float(lower),
            "upper": float(upper),
            "level": float(level),
            "n_draws": int(n_draws),
            "failed": failed,
        },
        name="ratio_gap_pp",
    )


#: Verdict rule of the retention-ratio claim: the primer's ratio agrees with period retention
#: within this many percentage points on average (a closed cohort gives 0).
RATIO_GAP_TOLERANCE_PP = 1.0


def verdict_retention_ratio(by_period: pd.DataFrame, *,
                            tolerance_pp: float = RATIO_GAP_TOLERANCE_PP) -> dict:
    """Verdict on "retention rate = customers next period / customers this period" as a measure.

    The rule, on the output of :func:`period_retention`:

    * ``does_not_hold`` if the ratio exceeds 1 in some period (no share of customers retained can)
      or if it overstates period retention by more than ``tolerance_pp`` percentage points on
      average (:func:`ratio_gap`): it counts acquired and won-back customers as "retained";
    * ``holds_if`` otherwise: the ratio then equals the retained share, which happens only when no
      customer is acquired or won back between the periods compared (a closed cohort), the
      condition of the verdict.

    Returns ``{"class", "condition_en", "condition_zh", "values"}``: the class, the condition in
    one sentence in English and Chinese (stated from the numbers), and the numbers compared:
    ``periods``,
    ``above_one``, ``above_one_without_acquisition``, ``max_simple_ratio``,
    ``max_period_retention``, ``gap_pp``, ``tolerance_pp``, ``new_or_returning_share`` (new plus
    reactivated customers over all customers counted in the later periods).
    """
    check_number(tolerance_pp, "tolerance_pp", low=0.0, what="percentage points")
    above = ratio_above_one(by_period)
    gap = ratio_gap(by_period)
    counted = float(by_period["active_next"].sum())
    added = float((by_period["new_next"] + by_period["reactivated_next"]).sum())
    values = {
        "periods": int(above.attrs["periods"]),
        "above_one": int(above.attrs["above_one"]),
        "above_one_without_acquisition": int(above.attrs["above_one_without_acquisition"]),
        "max_simple_ratio": float(by_period["simple_ratio"].max()),
        "max_period_retention": float(by_period["retention"].max()),
        "gap_pp": gap,
        "tolerance_pp": float(tolerance_pp),
        "new_or_returning_share": added / counted if counted > 0 else 0.0,
    }
    fails = values["above_one"] > 0 or gap > tolerance_pp
    gap_text = f"{gap:.1f}"
    if fails:
        above_en = above_zh = ""
        if values["above_one"]:
            k = values["above_one_without_acquisition"]
            above_en = f"; it exceeds 1 in {values['above_one']} of {values['periods']} periods"
            above_zh = f"；在 {values['periods']} 期中有 {values['above_one']} 期超过 1"
            if k:
                above_en += f", {k} of them with no new customer (win-backs alone)"
                above_zh += f"，其中 {k} 期没有任何新顾客（仅靠回流的顾客）"
        condition_en = (
            "The ratio is not a retention rate: it counts customers acquired or won back as "
            f"retained, and overstates the share actually retained by {gap_text} "
            f"percentage points per period on average{above_en}."
        )
        condition_zh = (
            "该比值不是保留率：它把新获得和回流的顾客也算作“保留”，平均每期比实际"
            f"保留的顾客比例高 {gap_text} 个百分点{above_zh}。"
        )
    else:
        condition_en = (
            "It equals the share of customers retained only when no customer is acquired or won "
            f"back between the periods compared (a closed cohort); here it is within {gap_text} "
            "percentage points of period retention."
        )
        condition_zh = (
            "只有当比较的两期之间没有新获得或回流的顾客（封闭的顾客群）时，它才等于实际保留的顾客"
            f"比例；本数据中它与期间保留率相差 {gap_text} 个百分点。"
        )
    return {
        "class": "does_not_hold" if fails else "holds_if",
        "condition_en": condition_en,
        "condition_zh": condition_zh,
        "values": values,
    }


def observed_retention_rates(survival, periods=None) -> pd.Series:
    """A cohort's observed retention rate r(t) = S(t) / S(t - 1) from its survival curve.

    The empirical counterpart of the sBG's r(t) (Fader & Hardie 2007, eq. 8): the share of the
    customers active at t - 1 who are still active at t. ``survival`` holds S(t) (a share, a
    percentage or a count: the ratio has no unit) at t = 0, 1, ..., k, as a sequence or a Series
    indexed by t in periods. Returns a Series ``observed_retention`` indexed by ``t``; with
    ``periods`` (t values), reindexed to them, NaN where S(t) or S(t - 1) is not observed.
    """
    s = survival if isinstance(survival, pd.Series) else pd.Series(np.asarray(survival, float))
    values = s.to_numpy(dtype=float)
    if values.ndim != 1 or (~np.isfinite(values) | (values < 0)).any():
        raise DataError("survival must be a 1-d sequence of finite values >= 0 (S(t), t = 0..k)")
    if (values[:-1] == 0).any():
        raise DataError("survival reaches 0 before its last value: r(t) is undefined after that")
    rates = pd.Series(values, index=s.index) / pd.Series(values, index=s.index).shift(1)
    rates = rates.iloc[1:].rename("observed_retention").rename_axis("t")
    return rates if periods is None else rates.reindex(periods)


# --- survival of subscription durations --------------------------------------------------------
def durations_from_alive(alive) -> pd.DataFrame:
    """Turn one cohort's survivor counts (t = 0..k) into right-censored durations with counts.

    ``alive[t]`` customers are still active at t (as fitted by
    :class:`crmstudy.models.sbg.ShiftedBetaGeometric`). Returns columns ``duration`` (periods
    until churn, 1..k; k for the survivors), ``churned`` (1 = churned, 0 = still active at k, i.e.
    right-censored) and ``count`` (customers), for :func:`kaplan_meier` with ``weights=``.
    """
    values = check_cohort_counts(alive, "alive")
    k = len(values) - 1
    return pd.DataFrame(
        {
            "duration": np.concatenate((np.arange(1, k + 1), [k])).astype(np.int64),
            "churned": np.concatenate((np.ones(k), [0])).astype(np.int64),
            "count": np.concatenate((values[:-1] - values[1:], [values[-1]])).astype(np.int64),
        }
    )


def kaplan_meier(
    durations,
    churned,
    *,
    weights=None,
    alpha: float = 0.05,
    period: str | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier survival curve of customer lifetimes with right censoring, with intervals.

    Definition: S(t) = prod over event times u <= t of (1 - d_u / n_u), where d_u customers
    churn at u out of n_u still at risk (Kaplan & Meier 1958), computed by
    ``statsmodels.duration.SurvfuncRight``. Standard errors by Greenwood's formula.

    Parameters
    ----------
    durations : array-like of float
        Time from acquisition to churn, or to the end of observation for customers still active,
        in ``period`` units (e.g. months of subscription).
    churned : array-like of 0/1 (or bool)
        1 if the duration ended with churn, 0 if the customer was still active (right-censored).
    weights : array-like of int, optional
        Number of customers on each row (e.g. the ``count`` of :func:`durations_from_alive`).
        Rows are expanded, because ``SurvfuncRight`` with ``freq_weights`` reports the Tsiatis
        standard error of the cumulative hazard instead of Greenwood's of S(t).
    alpha : float
        1 - confidence level of the intervals, in (0, 1).
    period : str, optional
        Unit of ``durations``, stored in ``attrs["period"]``.

    Returns
    -------
    One row per distinct churn time, preceded by t = 0: ``time`` (in ``period``), ``at_risk``,
    ``churned`` (events at that time), ``survival``, ``std_err`` (Greenwood), ``lower`` /
    ``upper`` (pointwise interval on the log(-log) scale, Kalbfleisch & Prentice 2002, which
    stays in [0, 1]) and ``band_lower`` / ``band_upper`` (Hall-Wellner simultaneous band of
    ``SurvfuncRight.simultaneous_cb`` with the log transform: covers the whole curve with
    probability 1 - alpha). Intervals are NaN where S(t) = 0. ``attrs``: ``period``, ``alpha``.
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    time = np.asarray(durations, dtype=float)
    status = np.asarray(churned, dtype=float)
    if time.ndim != 1 or status.shape != time.shape:
        raise DataError(
            f"durations and churned must be 1-d and of equal length; got shapes {time.shape} "
            f"and {status.shape}"
        )
    if len(time) == 0:
        raise DataError("durations is empty: there are no customers")
    bad = ~np.isfinite(time) | (time < 0)
    if bad.any():
        raise bad_values_error(time, bad, "durations", "value(s) that are not finite and >= 0")
    bad = ~np.isin(status, (0.0, 1.0))
    if bad.any():
        raise bad_values_error(status, bad, "churned", "value(s) that are not 0 or 1")
    check_number(
        alpha,
        "alpha",
        low=0.0,
        low_open=True,
        high=1.0,
        high_open=True,
        what="0.05 for 95% intervals",
    )
    if period is not None:
        check_period(period)
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        if w.shape != time.shape:
            raise DataError(
                f"weights has shape {w.shape} but durations {time.shape}: give one weight per row"
            )
        bad = ~np.isfinite(w) | (w < 0) | (w != np.round(w))
        if bad.any():
            raise bad_values_error(w, bad, "weights", "value(s) that are not whole numbers >= 0")
        counts = w.astype(np.int64)
        time, status = np.repeat(time, counts), np.repeat(status, counts)
    if status.sum() == 0:
        raise DataError("no customer churned, so the survival curve is flat at 1 (no events)")

    fit = SurvfuncRight(time, status)
    surv = np.asarray(fit.surv_prob, dtype=float)
    se = np.asarray(fit.surv_prob_se, dtype=float)
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(surv)
        se_loglog = se / (surv * np.abs(log_s))
        lower = surv ** np.exp(z * se_loglog)
        upper = surv ** np.exp(-z * se_loglog)
        band_lower, band_upper = fit.simultaneous_cb(alpha=alpha, method="hw", transform="log")
    zero = surv <= 0
    for arr in (lower, upper, band_lower, band_upper, se):
        arr[zero] = np.nan
    frame = pd.DataFrame(
        {
            "time": np.concatenate(([0.0], fit.surv_times)),
            "at_risk": np.concatenate(([len(time)], fit.n_risk)).astype(np.int64),
            "churned": np.concatenate(([0], fit.n_events)).astype(np.int64),
            "survival": np.concatenate(([1.0], surv)),
            "std_err": np.concatenate(([0.0], se)),
            "lower": np.concatenate(([1.0], lower)),
            "upper": np.concatenate(([1.0], upper)),
            "band_lower": np.concatenate(([1.0], band_lower)),
            "band_upper": np.concatenate(([1.0], band_upper)),
        }
    )
    frame.attrs.update(period=period, alpha=alpha)
    return frame


# --- curve-fitting projections (what not to do) ------------------------------------------------
def _design(t: np.ndarray, kind: str) -> np.ndarray:
    columns = [np.ones_like(t), t]
    if kind == "quadratic":
        columns.append(t**2)
    return np.column_stack(columns)


def regression_projection(survival, horizon: int, kinds=REGRESSION_KINDS) -> pd.DataFrame:
    """Project survival with the regressions Fader & Hardie (2007) criticise.

    Fits, by ordinary least squares (``statsmodels.api.OLS``) on t = 0..k (the points the
    paper's Figure 3 curves are fitted to, year 0 included):

    * ``linear``: S(t) = a + b t;
    * ``quadratic``: S(t) = a + b t + c t^2;
    * ``exponential``: ln S(t) = a + b t, i.e. S(t) = exp(a) exp(b t) (constant retention exp(b)).

    and evaluates each at t = 0..horizon. With FH 2007 Table 1, years 0..7, the exponential
    curve underestimates year-12 survival by 54% (Regular) and 30% (High End), as the paper
    reports; the linear one goes negative and the quadratic turns back up.

    Parameters
    ----------
    survival : sequence of float
        Observed survival at t = 0, 1, ..., k (a share, a percentage or a count: the projection
        is in the same unit). t in periods of the data. Must be > 0 for ``exponential``.
    horizon : int
        Last period to project to (>= k).
    kinds : sequence of str
        Any of ``REGRESSION_KINDS``.

    Returns
    -------
    Tidy frame with ``model`` (the kind), ``t``, ``projected`` and ``rsquared`` (of the fit, on
    the fitted scale: ln S for the exponential), one row per model and t.
    """
    import statsmodels.api as sm

    y = np.asarray(survival, dtype=float)
    if y.ndim != 1 or len(y) < 3:
        raise DataError("survival must be a 1-d sequence of at least 3 values (t = 0, 1, 2, ...)")
    if (~np.isfinite(y)).any():
        raise DataError("survival must hold finite numbers")
    k = len(y) - 1
    check_whole(horizon, "horizon", minimum=k, what="periods; at least the last observed t")
    horizon = int(horizon)
    unknown = [kind for kind in kinds if kind not in REGRESSION_KINDS]
    if unknown:
        raise ParameterError(
            f"kinds={list(kinds)!r} has unknown regression kind(s) {unknown}; choices: "
            f"{', '.join(REGRESSION_KINDS)}"
        )
    t_fit = np.arange(k + 1, dtype=float)
    t_all = np.arange(horizon + 1, dtype=float)
    frames = []
    for kind in kinds:
        if kind == "exponential":
            if (y <= 0).any():
                raise DataError("the exponential regression needs survival > 0 at every t")
            result = sm.OLS(np.log(y), _design(t_fit, kind)).fit()
            projected = np.exp(result.predict(_design(t_all, kind)))
        else:
            result = sm.OLS(y, _design(t_fit, kind)).fit()
            projected = result.predict(_design(t_all, kind))
        frames.append(
            pd.DataFrame(
                {
                    "model": kind,
                    "t": t_all.astype(np.int64),
                    "projected": projected,
                    "rsquared": float(result.rsquared),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def projection_errors(projections: pd.DataFrame, actual, t: int) -> pd.DataFrame:
    """Tabulate each model's projection at period ``t`` against the actual value.

    ``projections`` is tidy with columns ``model``, ``t``, ``projected`` (as from
    :func:`regression_projection`, with sBG rows appended); ``actual`` maps t to the observed
    value (a Series indexed by t, or a sequence indexed 0..). Returns one row per model:
    ``model``, ``projected``, ``actual``, ``error`` (projected - actual, in the unit of the
    data) and ``pct_error`` (100 * error / actual), sorted by absolute error.
    """
    missing = {"model", "t", "projected"} - set(projections.columns)
    if missing:
        raise DataError(f"projections lacks column(s) {sorted(missing)}")
    observed = actual if isinstance(actual, pd.Series) else pd.Series(np.asarray(actual, float))
    if t not in observed.index:
        raise DataError(f"actual has no value at t = {t}")
    at = projections[projections["t"] == t]
    if at.empty:
        raise DataError(f"projections have no rows at t = {t}; project further")
    value = float(observed.loc[t])
    out = pd.DataFrame(
        {
            "model": at["model"].to_numpy(),
            "projected": at["projected"].to_numpy(dtype=float),
            "actual": value,
        }
    )
    out["error"] = out["projected"] - value
    out["pct_error"] = 100 * out["error"] / value
    order = np.argsort(np.abs(out["error"].to_numpy()), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def projection_shapes(projections: pd.DataFrame) -> pd.DataFrame:
    """Where each projected curve goes wrong in shape, so prose about it can follow the numbers.

    ``projections`` is tidy (``model``, ``t``, ``projected``), as from
    :func:`regression_projection`. Returns one row per model: ``model``, ``crosses_zero_at`` (the
    first t with a negative projection, or None: a survival curve cannot go below 0),
    ``turns_up_at`` (the first t after which the projection rises, or None: a survival curve
    never rises) and ``last`` (the projection at the last t).
    """
    missing = {"model", "t", "projected"} - set(projections.columns)
    if missing:
        raise DataError(f"projections lacks column(s) {sorted(missing)}")
    rows = []
    for model, group in projections.groupby("model", sort=False):
        group = group.sort_values("t")
        t = group["t"].to_numpy()
        y = group["projected"].to_numpy(dtype=float)
        negative = np.flatnonzero(y < 0)
        rising = np.flatnonzero(np.diff(y) > 1e-12)
        rows.append(
            {
                "model": model,
                "crosses_zero_at": int(t[negative[0]]) if len(negative) else None,
                "turns_up_at": int(t[rising[0]]) if len(rising) else None,
                "last": float(y[-1]),
            }
        )
    out = pd.DataFrame(rows)
    for col in ("crosses_zero_at", "turns_up_at"):
        # Keep "does not happen" as None (not NaN) and the periods as ints.
        out[col] = pd.Series([r[col] for r in rows], dtype=object)
    return out
