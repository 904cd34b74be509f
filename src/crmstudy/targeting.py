"""Finding the best customers before they spend: targeting rules judged on a holdout period.

The primer says a CRM system is there to find the 20% of customers who bring 80% of the revenue.
A rule that ranks customers (past spend, an RFM score, a model's CLV) is judged here the way the
field judges it: rank on the calibration period only, take the top ``fraction``, and measure what
share of the *holdout* revenue that group really brought. The yardstick is the oracle, the group
that in fact spent most in the holdout, and the floor is a random pick, which captures
``fraction`` of the revenue in expectation.

Conventions:

* ``k = fraction * n`` customers are targeted, not rounded: where ``k`` is not whole, the
  boundary customer counts in part, as in :func:`crmstudy.concentration.top_share`, so the
  oracle's capture equals ``top_share(holdout revenue, fraction)``.
* **Ties at the cut.** Customers with equal scores form a block. If the cut falls inside a block,
  every customer of the block is included with the same weight ``(k - n_above) / n_block``:
  the *expected* capture when the tie is broken at random (each ordering of the block equally
  likely), computed exactly instead of by drawing. A score with many ties (an RFM sum, a past
  spend of 0) is therefore neither helped nor hurt by the row order of the data.
* **Bootstrap.** The interval for a capture share resamples *customers* with replacement, with
  each customer's score held fixed (the scores are not re-estimated on the resample). It covers
  the sampling variation of the holdout outcome across customers, not the uncertainty of a
  fitted model's parameters; pass ``rescore=`` to refit inside each replicate instead. The same
  resamples serve every score, so differences between scores get paired intervals.

References: Malthouse & Blattberg (2005), "Can we predict customer lifetime value?", J.
Interactive Marketing 19(1), 2-16 (top-20% classification judged on later value); Fader, Hardie
& Lee (2005b), J. Marketing Research 42(4), 415-430 (RFM and model-based CLV).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from crmstudy._checks import as_generator, check_number, check_whole
from crmstudy.errors import DataError, ParameterError

__all__ = [
    "top_group_weights",
    "capture_share",
    "gains_curve",
    "rfm_scores",
    "compare_targeting",
    "capture_differences",
    "verdict_find_top_20",
    "past_spend",
    "model_scores",
    "BOOTSTRAP_METHOD",
]

#: How the capture intervals are computed, in words (for the verdict record).
BOOTSTRAP_METHOD = (
    "percentile bootstrap over customers, scores held fixed (not refitted); ties at the cut "
    "included fractionally (expected capture under random tie-breaking)"
)

#: Cells of the (replicates x customers) count matrix drawn at once.
_BOOT_CELLS = 4_000_000


def _as_values(values, name: str, *, n: int | None = None, nonnegative: bool = False):
    try:
        x = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise DataError(f"{name} must be numbers, one per customer; got {values!r:.80}") from None
    if x.size == 0:
        raise DataError(f"{name} is empty: give one value per customer")
    if n is not None and x.size != n:
        raise DataError(f"{name} has {x.size} values but there are {n} customers")
    bad = ~np.isfinite(x)
    if nonnegative:
        bad |= x < 0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        label = values.index[i] if isinstance(values, pd.Series) else i
        need = "finite and >= 0" if nonnegative else "finite"
        raise DataError(
            f"{name} must be {need}; {int(bad.sum())} values are not, first at customer "
            f"{label!r}: {x[i]!r}"
        )
    return x


def _check_fraction(fraction) -> float:
    return check_number(fraction, "fraction", low=0.0, high=1.0, low_open=True,
                        what="share of customers targeted")


def _blocks(score: np.ndarray):
    """Descending order of ``score`` and the start of each block of equal scores in it."""
    order = np.argsort(-score, kind="stable")
    s = score[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    return order, starts


def top_group_weights(score, fraction: float = 0.2) -> np.ndarray:
    """Inclusion weight of each customer in the top ``fraction`` by ``score`` (higher is better).

    1 above the cut, 0 below it, and ``(k - n_above) / n_block`` for each member of the block of
    tied scores the cut falls in, with ``k = fraction * n``: the probability that a customer of
    the block is targeted when the tie is broken at random. The weights sum to ``k``.

    >>> top_group_weights([5, 4, 4, 4, 1], 0.4).round(3).tolist()
    [1.0, 0.333, 0.333, 0.333, 0.0]
    """
    fraction = _check_fraction(fraction)
    x = _as_values(score, "score")
    n = x.size
    k = fraction * n
    order, starts = _blocks(x)
    ends = np.r_[starts[1:], n]
    # A block [a, b) above the cut gets (k - a) / (b - a) >= 1, one below it <= 0.
    per_block = np.clip((k - starts) / (ends - starts), 0.0, 1.0)
    out = np.empty(n)
    out[order] = np.repeat(per_block, ends - starts)
    return out


def capture_share(score, outcome, fraction: float = 0.2) -> float:
    """Share of the total ``outcome`` (e.g. holdout revenue) held by the top ``fraction`` by score.

    ``score`` and ``outcome`` are one value per customer, aligned; ``outcome`` is non-negative
    with a positive total. Ties at the cut as in :func:`top_group_weights`. A random pick
    captures ``fraction`` in expectation, so the lift over random is this divided by
    ``fraction``.
    """
    y = _as_values(outcome, "outcome", nonnegative=True)
    w = top_group_weights(_as_values(score, "score", n=y.size), fraction)
    total = y.sum()
    if total <= 0:
        raise DataError("outcome sums to 0: no holdout revenue to capture")
    return float(w @ y / total)


def gains_curve(scores, outcome, fractions=None) -> pd.DataFrame:
    """Capture share of each score at each targeted fraction (the gains, or capture, curve).

    ``scores``: a mapping name -> one score per customer, or a DataFrame of score columns.
    ``outcome``: holdout revenue (or transactions) per customer, aligned with the scores.
    ``fractions``: shares of customers targeted, default 5%, 10%, ..., 50%. Returns a DataFrame
    indexed by ``fraction`` with one column per score plus ``random`` (= the fraction).
    """
    if fractions is None:
        fractions = np.round(np.arange(1, 11) * 0.05, 10)
    fractions = [_check_fraction(float(f)) for f in np.atleast_1d(fractions)]
    items = dict(scores.items()) if isinstance(scores, Mapping | pd.DataFrame) else None
    if not items:
        raise DataError("scores must be a non-empty mapping name -> score per customer")
    y = _as_values(outcome, "outcome", nonnegative=True)
    out = pd.DataFrame(
        {
            str(name): [capture_share(s, y, f) for f in fractions]
            for name, s in items.items()
        },
        index=pd.Index(fractions, name="fraction"),
    )
    out["random"] = fractions
    return out


def _quintile(values: np.ndarray, q: int) -> np.ndarray:
    """1..q by mid-rank: ``ceil(q * midrank / n)``; tied customers share one score."""
    pct = pd.Series(values).rank(method="average", pct=True).to_numpy()
    return np.clip(np.ceil(q * pct - 1e-12), 1, q).astype(int)


def rfm_scores(summary: pd.DataFrame, quantiles: int = 5) -> pd.DataFrame:
    """The classic RFM score from a calibration summary: quintile scores 1-5 and their sum.

    ``summary`` has ``frequency`` (repeat purchases), ``recency`` (time of the last purchase from
    the first) and ``T`` (time from the first purchase to the end of calibration), in one period,
    and ``monetary_value`` (mean spend per repeat purchase, 0 without one), as from
    :func:`crmstudy.transactions.rfm_summary`.

    * R: quintile of the time *since* the last purchase, ``T - recency``, reversed (the most
      recent fifth scores 5);
    * F: quintile of ``frequency``; M: quintile of ``monetary_value``;
    * quintiles by mid-rank: ``ceil(5 * midrank / n)``, so customers with equal values share a
      score (the 60% of CDNOW customers with no repeat purchase all get the same F and M);
    * ``rfm`` = R + F + M (3 to 15, equal weights), and ``rfm_cell`` = 100 R + 10 F + M (the
      "555" cell code, which ranks by R first).

    Returns a DataFrame indexed like ``summary`` with ``recency_score``, ``frequency_score``,
    ``monetary_score``, ``rfm`` and ``rfm_cell``.
    """
    missing = [c for c in ("frequency", "recency", "T", "monetary_value") if c not in summary]
    if missing:
        raise DataError(
            f"summary is missing column(s) {missing}; RFM needs frequency, recency, T and "
            "monetary_value (see crmstudy.transactions.rfm_summary)"
        )
    q = check_whole(quantiles, "quantiles", minimum=2, what="number of score levels")
    since = _as_values(summary["T"] - summary["recency"], "T - recency", nonnegative=True)
    f = _as_values(summary["frequency"], "frequency", nonnegative=True)
    m = _as_values(summary["monetary_value"], "monetary_value", nonnegative=True)
    r_score = _quintile(-since, q)
    f_score = _quintile(f, q)
    m_score = _quintile(m, q)
    return pd.DataFrame(
        {
            "recency_score": r_score,
            "frequency_score": f_score,
            "monetary_score": m_score,
            "rfm": r_score + f_score + m_score,
            "rfm_cell": 100 * r_score + 10 * f_score + m_score,
        },
        index=summary.index,
    )


def past_spend(summary: pd.DataFrame) -> pd.Series:
    """Calibration spend on repeat purchases, ``frequency * monetary_value`` (currency units).

    The summary keeps the mean spend of the repeat purchases only (FHL 2005b), not the first
    purchase, which every customer made; so this is 0 for a customer without a repeat purchase.
    """
    missing = [c for c in ("frequency", "monetary_value") if c not in summary]
    if missing:
        raise DataError(f"summary is missing column(s) {missing} for past spend")
    return (summary["frequency"] * summary["monetary_value"]).rename("past_spend")


def model_scores(
    summary: pd.DataFrame,
    *,
    horizon: float,
    horizon_period: str,
    annual_discount_rate: float,
    margin: float = 1.0,
    step_period: str = "M",
) -> tuple[dict, dict, dict]:
    """Fit BG/NBD, Pareto/NBD and Gamma-Gamma on a calibration summary; score by CLV.

    The purchase models are fitted on ``frequency``, ``recency``, ``T`` (``summary.attrs
    ["period"]``), the Gamma-Gamma on the repeat buyers' ``monetary_value`` (zero-spend repeat
    buyers left out), and each customer's CLV over ``horizon`` (in ``horizon_period``) at
    ``annual_discount_rate`` (per year) and ``margin`` comes from
    :func:`crmstudy.clv.customer_lifetime_value`.

    Returns ``(scores, fits, failures)``: ``scores`` maps ``bgnbd_clv``/``paretonbd_clv`` to a
    CLV Series (currency units); ``fits`` maps ``bgnbd``, ``paretonbd``, ``gammagamma`` to the
    fitted models; ``failures`` maps the name of each fit or score that failed to its error
    message. A fit that fails is reported there, never dropped silently or raised.
    """
    from crmstudy.clv import customer_lifetime_value
    from crmstudy.models.bgnbd import BGNBD
    from crmstudy.models.gammagamma import GammaGamma
    from crmstudy.models.paretonbd import ParetoNBD

    fits: dict = {}
    failures: dict = {}
    makers = {
        "bgnbd": lambda: BGNBD().fit(summary),
        "paretonbd": lambda: ParetoNBD().fit(summary),
        "gammagamma": lambda: GammaGamma().fit(summary, drop_zero_spend=True),
    }
    for name, make in makers.items():
        try:
            fits[name] = make()
        except Exception as exc:  # reported to the reader, not hidden
            failures[name] = f"{type(exc).__name__}: {exc}"
    scores: dict = {}
    for name in ("bgnbd", "paretonbd"):
        key = f"{name}_clv"
        if name not in fits or "gammagamma" not in fits:
            failures.setdefault(key, "needs the " + " and ".join(
                n for n in (name, "gammagamma") if n not in fits) + " fit, which failed")
            continue
        try:
            scores[key] = customer_lifetime_value(
                fits[name],
                fits["gammagamma"],
                summary,
                horizon=horizon,
                horizon_period=horizon_period,
                discount_rate=annual_discount_rate,
                discount_period="Y",
                margin=margin,
                step_period=step_period,
            )
        except Exception as exc:
            failures[key] = f"{type(exc).__name__}: {exc}"
    return scores, fits, failures


def _captures_from_counts(counts: np.ndarray, order, starts, y: np.ndarray, fraction: float):
    """Capture share in each replicate (rows of ``counts``: how often each customer is drawn).

    Customers sorted by score are summed into blocks of equal scores; the cut at
    ``k = fraction * n`` takes every block above it and a share of the block it falls in (a
    customer drawn twice counts twice, and is tied with itself).
    """
    c = counts[:, order].astype(float)
    n_block = np.add.reduceat(c, starts, axis=1)
    y_block = np.add.reduceat(c * y[order], starts, axis=1)
    k = fraction * counts.sum(axis=1, keepdims=True)
    cum_n = np.cumsum(n_block, axis=1)
    cum_y = np.cumsum(y_block, axis=1)
    j = np.minimum((cum_n < k - 1e-9).sum(axis=1), n_block.shape[1] - 1)
    rows = np.arange(len(c))
    before_n = np.where(j > 0, cum_n[rows, j - 1], 0.0)
    before_y = np.where(j > 0, cum_y[rows, j - 1], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        part = (k[:, 0] - before_n) / n_block[rows, j]
        captured = before_y + np.where(n_block[rows, j] > 0, part, 0.0) * y_block[rows, j]
        return captured / cum_y[:, -1]


def compare_targeting(
    summary: pd.DataFrame,
    scores,
    *,
    fraction: float = 0.2,
    revenue_column: str = "amount_holdout",
    transactions_column: str = "frequency_holdout",
    oracle: bool = True,
    n_boot: int = 1000,
    level: float = 0.95,
    seed=0,
    rescore: Callable[[pd.DataFrame], Mapping[str, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """How much of the holdout each targeting rule's top ``fraction`` captures, with intervals.

    Parameters
    ----------
    summary : DataFrame
        One row per customer, as from :func:`crmstudy.transactions.calibration_holdout`: the
        calibration summary with the holdout outcome, ``revenue_column`` (holdout revenue,
        currency) and ``transactions_column`` (holdout transactions, a count).
    scores : mapping or DataFrame
        Name -> one score per customer (higher = target first), aligned with ``summary`` (a
        Series is aligned on the index). Computed from the calibration period only.
    fraction : float
        Share of customers targeted, in (0, 1]; ``k = fraction * n`` (see the module docstring
        for ties and a fractional boundary customer).
    oracle : bool
        Add the row ``oracle``: the top ``fraction`` by holdout revenue itself (the best any
        rule could do).
    n_boot, level, seed
        Bootstrap replicates (0 for none), interval level in (0, 1), and the seed.
    rescore : callable, optional
        ``rescore(resampled_summary) -> {name: scores}``, called once per replicate to refit
        the scores on the resample (the interval then also covers the estimation of the
        scores). Much slower; a replicate whose refit raises is counted in
        ``attrs["n_failed"]`` with the first message, never dropped silently.

    Returns
    -------
    DataFrame indexed by score name with ``capture`` (share of holdout revenue held by the top
    group), ``capture_lower``/``capture_upper`` (bootstrap percentile interval), ``lift`` (=
    capture / fraction, 1 for a random pick) with ``lift_lower``/``lift_upper``,
    ``transactions_capture`` (share of holdout transactions) and ``oracle_overlap`` (expected
    share of the top group that is also in the oracle's top group, ties broken at random
    independently). ``attrs``: ``fraction``, ``level``, ``n_boot``, ``n_customers``,
    ``n_failed``, ``method``, and ``draws`` (replicates x scores, for paired differences: see
    :func:`capture_differences`).
    """
    fraction = _check_fraction(fraction)
    level = check_number(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    n_boot = check_whole(n_boot, "n_boot", minimum=0, what="bootstrap replicates")
    for column in (revenue_column, transactions_column):
        if column not in summary.columns:
            raise DataError(
                f"summary has no column {column!r} (the holdout outcome); build it with "
                "crmstudy.transactions.calibration_holdout or name the column"
            )
    y = _as_values(summary[revenue_column], revenue_column, nonnegative=True)
    trans = _as_values(summary[transactions_column], transactions_column, nonnegative=True)
    if y.sum() <= 0:
        raise DataError(f"{revenue_column} sums to 0: nobody bought in the holdout")
    items = dict(scores.items()) if isinstance(scores, Mapping | pd.DataFrame) else None
    if not items:
        raise DataError("scores must be a non-empty mapping name -> score per customer")
    arrays = {}
    for name, s in items.items():
        if isinstance(s, pd.Series):
            if not s.index.equals(summary.index):
                if not summary.index.isin(s.index).all():
                    raise DataError(f"score {name!r} has no value for some customers of summary")
                s = s.reindex(summary.index)
        arrays[str(name)] = _as_values(s, f"score {name!r}", n=len(summary))
    if oracle:
        arrays["oracle"] = y
    n = y.size
    w_oracle = top_group_weights(y, fraction)
    k = fraction * n
    rows = {}
    for name, s in arrays.items():
        w = top_group_weights(s, fraction)
        rows[name] = {
            "capture": float(w @ y / y.sum()),
            "transactions_capture": float(w @ trans / trans.sum()) if trans.sum() > 0 else np.nan,
            "oracle_overlap": float(w @ w_oracle / k),
        }
    table = pd.DataFrame(rows).T
    table.index.name = "score"

    rng = as_generator(seed)
    draws = np.full((n_boot, len(arrays)), np.nan)
    n_failed, first_failure = 0, None
    if n_boot and rescore is None:
        prepared = [_blocks(s) for s in arrays.values()]
        chunk = max(1, _BOOT_CELLS // n)
        p = np.full(n, 1.0 / n)
        for start in range(0, n_boot, chunk):
            b = min(chunk, n_boot - start)
            counts = rng.multinomial(n, p, size=b)
            for j, (order, starts) in enumerate(prepared):
                draws[start : start + b, j] = _captures_from_counts(
                    counts, order, starts, y, fraction
                )
    elif n_boot:
        names = list(arrays)
        for i in range(n_boot):
            idx = rng.integers(0, n, n)
            sample = summary.iloc[idx].copy()
            sample.index = pd.Index([f"{summary.index[j]}#{r}" for r, j in enumerate(idx)],
                                    name=summary.index.name)
            sample.attrs = dict(summary.attrs)
            try:
                refit = dict(rescore(sample))
            except Exception as exc:  # a refit that fails is counted, not hidden
                n_failed += 1
                first_failure = first_failure or f"{type(exc).__name__}: {exc}"
                continue
            ys = y[idx]
            if ys.sum() <= 0:
                continue
            for j, name in enumerate(names):
                s = ys if name == "oracle" else _as_values(refit[name], f"score {name!r}", n=n)
                draws[i, j] = float(top_group_weights(s, fraction) @ ys / ys.sum())
    draws = pd.DataFrame(draws, columns=list(arrays))
    alpha = (1.0 - level) / 2.0
    if n_boot:
        table["capture_lower"] = draws.quantile(alpha).to_numpy()
        table["capture_upper"] = draws.quantile(1.0 - alpha).to_numpy()
    else:
        table["capture_lower"] = np.nan
        table["capture_upper"] = np.nan
    for col in ("", "_lower", "_upper"):
        table["lift" + col] = table["capture" + col] / fraction
    table = table[
        ["capture", "capture_lower", "capture_upper", "lift", "lift_lower", "lift_upper",
         "transactions_capture", "oracle_overlap"]
    ]
    table.attrs.update(
        fraction=fraction,
        level=level,
        n_boot=n_boot,
        n_customers=n,
        n_failed=n_failed,
        first_failure=first_failure,
        method=BOOTSTRAP_METHOD if rescore is None else BOOTSTRAP_METHOD.replace(
            "scores held fixed (not refitted)", "scores refitted in each replicate"
        ),
        draws=draws,
    )
    return table


def capture_differences(table: pd.DataFrame, pairs) -> pd.DataFrame:
    """Paired differences of capture shares between scores, with bootstrap intervals.

    ``table`` from :func:`compare_targeting` (its ``attrs["draws"]``); ``pairs`` is a list of
    ``(a, b)`` score names. Returns a DataFrame indexed ``"a - b"`` with ``difference`` (in
    share points: 0.05 = 5 percentage points), ``lower``, ``upper`` (percentile interval of the
    paired replicates, at ``table.attrs["level"]``) and ``share_above_zero`` (share of replicates
    where a captures more).
    """
    draws = table.attrs.get("draws")
    level = table.attrs.get("level", 0.95)
    alpha = (1.0 - level) / 2.0
    rows = {}
    for a, b in pairs:
        for name in (a, b):
            if name not in table.index:
                raise DataError(f"no score {name!r} in the table; have {list(table.index)}")
        diff = table.loc[a, "capture"] - table.loc[b, "capture"]
        if draws is not None and len(draws):
            d = (draws[a] - draws[b]).dropna()
            lo, hi, above = d.quantile(alpha), d.quantile(1 - alpha), float((d > 0).mean())
        else:
            lo = hi = above = np.nan
        rows[f"{a} - {b}"] = {"difference": float(diff), "lower": float(lo),
                              "upper": float(hi), "share_above_zero": above}
    return pd.DataFrame(rows).T


def verdict_find_top_20(
    table: pd.DataFrame, *, claimed_share: float = 0.8, exclude=("oracle",)
) -> dict:
    """Does a rule find, before the fact, the top group that brings ``claimed_share`` of revenue?

    ``table`` from :func:`compare_targeting` (capture shares with intervals; the targeted
    fraction is ``table.attrs["fraction"]``, 20% for the primer's claim). ``claimed_share`` is
    the revenue share the primer says the top 20% bring (80%). The rule, applied to the best
    rule by capture (scores in ``exclude`` - the oracle, which looks at the answer - are not
    candidates):

    * ``holds`` if the lower end of its capture interval is at least ``claimed_share``;
    * ``holds_if`` if it beats a random pick (lower end above ``fraction``) but not
      ``claimed_share``: the rule finds a better-than-random top group, not one that brings the
      share the primer states;
    * ``does_not_hold`` if its interval reaches down to a random pick's share.

    Returns a dict: ``class``, ``best``, ``runner_up``, ``ranking`` (candidate names, best
    first, by capture), ``ranking_text`` ("a > b > c"), ``best_capture``/``_lower``/``_upper``,
    ``margin`` (best minus runner-up, share points) with ``margin_lower``/``_upper`` (paired
    bootstrap) and ``distinguishable`` (the margin's interval excludes 0), ``oracle_capture``
    (if present), ``fraction`` and ``claimed_share``.
    """
    claimed_share = check_number(claimed_share, "claimed_share", low=0.0, high=1.0,
                                 low_open=True, what="share of holdout revenue")
    fraction = float(table.attrs.get("fraction", 0.2))
    candidates = table.drop(index=[e for e in exclude if e in table.index])
    if candidates.empty:
        raise DataError("no targeting rule to judge: the table holds only excluded scores")
    ranking = list(candidates.sort_values("capture", ascending=False, kind="stable").index)
    best = ranking[0]
    lo = float(table.loc[best, "capture_lower"])
    if math.isnan(lo):
        raise DataError("the table has no intervals: run compare_targeting with n_boot > 0")
    if lo >= claimed_share:
        cls = "holds"
    elif lo > fraction:
        cls = "holds_if"
    else:
        cls = "does_not_hold"
    out = {
        "class": cls,
        "best": best,
        "runner_up": ranking[1] if len(ranking) > 1 else None,
        "ranking": ranking,
        "ranking_text": " > ".join(ranking),
        "best_capture": float(table.loc[best, "capture"]),
        "best_lower": lo,
        "best_upper": float(table.loc[best, "capture_upper"]),
        "fraction": fraction,
        "claimed_share": claimed_share,
        "oracle_capture": float(table.loc["oracle", "capture"]) if "oracle" in table.index
        else None,
        "margin": None,
        "margin_lower": None,
        "margin_upper": None,
        "distinguishable": None,
    }
    if len(ranking) > 1:
        diff = capture_differences(table, [(best, ranking[1])]).iloc[0]
        out.update(
            margin=float(diff["difference"]),
            margin_lower=float(diff["lower"]),
            margin_upper=float(diff["upper"]),
            distinguishable=bool(diff["lower"] > 0),
        )
    return out


def top_customer_overlap(predicted, past, fraction: float = 0.2) -> dict[str, float]:
    """Deprecated (scores both groups on ``predicted``, which favours it by construction): use
    :func:`compare_targeting`, which judges each rule on what customers did in a holdout.

    Are tomorrow's best customers today's? Compare the top ``fraction`` by two measures.

    ``predicted`` (e.g. CLV) and ``past`` (e.g. calibration spend) are one value per customer,
    aligned (currency units, or any common unit: only ranks and ratios are used), with a positive
    total ``predicted``. ``fraction`` in (0, 1). Ties at the cut are broken by position (stable
    sort), so each top group has exactly ``ceil(fraction * n)`` customers. Returns:

    * ``overlap``: share of the top customers by ``predicted`` who are also top by ``past``;
    * ``predicted_share_of_top_predicted``: share of total ``predicted`` value they hold;
    * ``predicted_share_of_top_past``: share of total ``predicted`` value held by the top by
      ``past`` (what targeting on past spend would capture).
    """
    import warnings

    warnings.warn(
        "crmstudy.targeting.top_customer_overlap is deprecated; use "
        "crmstudy.targeting.compare_targeting (holdout capture, lift and oracle overlap)",
        DeprecationWarning,
        stacklevel=2,
    )
    pred = np.asarray(predicted, dtype=float).ravel()
    hist = np.asarray(past, dtype=float).ravel()
    if pred.shape != hist.shape or pred.size == 0:
        raise DataError(
            "predicted and past must be non-empty and of equal length (one value per customer); "
            f"got {pred.size} and {hist.size} values"
        )
    for name, values in (("predicted", pred), ("past", hist)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DataError(
                f"{name} has a NaN or infinite value at position {bad[0]} ({values[bad[0]]!r})"
            )
    if not (0 < fraction < 1):
        raise ParameterError(f"fraction must be in (0, 1), got {fraction!r}")
    k = math.ceil(fraction * pred.size)
    top_pred = np.argsort(-pred, kind="stable")[:k]
    top_past = np.argsort(-hist, kind="stable")[:k]
    total = pred.sum()
    return {
        "overlap": len(np.intersect1d(top_pred, top_past)) / k,
        "predicted_share_of_top_predicted": float(pred[top_pred].sum() / total),
        "predicted_share_of_top_past": float(pred[top_past].sum() / total),
    }
