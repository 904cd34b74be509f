"""Customer perceived value: value = benefits - costs, the value chain and the value disciplines.

The primer's value claims, each turned here into a function:

* customer perceived value is benefits minus costs (Treacy & Wiersema 1993; Kotler's "customer
  delivered value"): :func:`perceived_value`, tested on a survey by :func:`fit_value_equation`
  and judged by :func:`verdict_value_benefits_costs`;
* value feeds satisfaction and satisfaction feeds loyalty (the ECSI value chain, Tenenhaus et al.
  2005, Computational Statistics & Data Analysis 48(1)): :func:`construct_scores`,
  :func:`fit_value_chain`;
* firms compete through one value discipline: product leadership, operational excellence or customer
  intimacy (Treacy & Wiersema 1993, 1995): :func:`segment_profitability`, :func:`fit_spend_model`,
  judged by :func:`verdict_value_disciplines`.

The analyses (statsmodels OLS, segment tables) work on any survey with the documented columns. No
public survey with value drivers, satisfaction, defection and spend for the same customers is
available, so :mod:`crmstudy.survey` draws one from a fully written-out generative model whose
parameters are known, and the tests check that these analyses recover them.

Module split: satisfaction and loyalty (Jones & Sasser 1995: the satisfaction segments, the
defection and loyalty logits, the top-two gap and its verdict) live in
:mod:`crmstudy.satisfaction`, which builds on the value drivers and the rating checks here; the
survey simulation and its true curves live in :mod:`crmstudy.survey`. The names that moved still
resolve from this module for one release, with a DeprecationWarning naming their new home.

Units: ratings are on a 1-5 scale (5 = best for benefits and satisfaction, 5 = most burdensome for
costs); spend and profit are in currency units per period; defection and retention refer to the one
period after the survey (``attrs["period"]``, a year by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from crmstudy._checks import as_generator, bad_values_error, check_choice, numeric_values
from crmstudy._moved import moved
from crmstudy.errors import DataError, ParameterError

__all__ = [
    "BENEFIT_DRIVERS",
    "COST_DRIVERS",
    "DRIVERS",
    "DISCIPLINES",
    "perceived_value",
    "fit_spend_model",
    "segment_profitability",
    "ECSI_CONSTRUCTS",
    "VALUE_CHAIN",
    "construct_scores",
    "ValueChainFit",
    "fit_value_chain",
    "VALUE_COST_MISSING",
    "fit_value_equation",
    "verdict_value_benefits_costs",
    "DISCIPLINE_MISSING",
    "verdict_value_disciplines",
]

# Names that moved to crmstudy.satisfaction resolve here for one release, with a warning.
__getattr__ = moved(
    __name__,
    {
        "SEGMENT_LABELS": "crmstudy.satisfaction:SEGMENT_LABELS",
        "LEVELS": "crmstudy.satisfaction:LEVELS",
        "DefectionFit": "crmstudy.satisfaction:DefectionFit",
        "top_gap": "crmstudy.satisfaction:top_gap",
        "retention_by_satisfaction": "crmstudy.satisfaction:retention_by_satisfaction",
        "fit_satisfaction_model": "crmstudy.satisfaction:fit_satisfaction_model",
        "satisfaction_thresholds": "crmstudy.satisfaction:satisfaction_thresholds",
        "parameter_recovery": "crmstudy.satisfaction:parameter_recovery",
        "fit_defection_models": "crmstudy.satisfaction:fit_defection_models",
        "predicted_retention": "crmstudy.satisfaction:predicted_retention",
        "satisfaction_gain_value": "crmstudy.satisfaction:satisfaction_gain_value",
        "label_satisfaction": "crmstudy.satisfaction:label_satisfaction",
        "satisfaction_segments": "crmstudy.satisfaction:satisfaction_segments",
        "wilson_interval": "crmstudy.satisfaction:wilson_interval",
        "difference_interval": "crmstudy.satisfaction:difference_interval",
        "loyal_by_satisfaction": "crmstudy.satisfaction:loyal_by_satisfaction",
        "LoyaltyFit": "crmstudy.satisfaction:LoyaltyFit",
        "fit_loyalty_models": "crmstudy.satisfaction:fit_loyalty_models",
        "switching_cost_index": "crmstudy.satisfaction:switching_cost_index",
        "top_gap_by_group": "crmstudy.satisfaction:top_gap_by_group",
        "fit_gap_moderation": "crmstudy.satisfaction:fit_gap_moderation",
        "verdict_satisfaction_loyalty": "crmstudy.satisfaction:verdict_satisfaction_loyalty",
    },
)

#: Benefit attributes of the simulated survey (1 = poor, 5 = excellent).
BENEFIT_DRIVERS: tuple[str, ...] = ("quality", "service", "relationship")
#: Cost attributes of the simulated survey (1 = negligible, 5 = very burdensome).
COST_DRIVERS: tuple[str, ...] = ("price", "effort")
DRIVERS: tuple[str, ...] = BENEFIT_DRIVERS + COST_DRIVERS
#: Treacy & Wiersema's (1993) three value disciplines.
DISCIPLINES: tuple[str, ...] = (
    "product_leadership",
    "operational_excellence",
    "customer_intimacy",
)


# ---------------------------------------------------------------------------------------------
# Validation helpers (crmstudy.satisfaction checks its surveys with these too)
# ---------------------------------------------------------------------------------------------
def _as_ratings_frame(x: Any, name: str) -> tuple[pd.DataFrame, bool]:
    """Return ``x`` as a customers x attributes DataFrame, and whether it was one customer."""
    if isinstance(x, pd.DataFrame):
        frame, single = x, False
    elif isinstance(x, pd.Series):
        frame, single = x.to_frame().T, True
    elif isinstance(x, Mapping):
        frame, single = pd.DataFrame([dict(x)]), True
    else:
        raise DataError(
            f"{name} must be a DataFrame (rows = customers, columns = attributes), a Series or a "
            f"dict of attribute ratings; got {type(x).__name__}"
        )
    if frame.shape[1] == 0:
        raise DataError(f"{name} has no attribute columns")
    if frame.shape[0] == 0:
        raise DataError(f"{name} has no rows (customers)")
    return frame, single


def _check_rating_values(values: pd.Series, column: str, what: str, integer: bool) -> np.ndarray:
    """Check that ``values`` are ratings on the 1-5 scale; name the first bad row and value."""
    arr = numeric_values(values)
    name = f"{what} column '{column}'"
    bad = np.isnan(arr)
    if bad.any():
        raise bad_values_error(
            values, bad, name, "missing or non-numeric value(s)", hint="ratings are numbers 1..5"
        )
    bad = (arr < 1) | (arr > 5)
    if integer:
        bad |= arr != np.round(arr)
    if bad.any():
        kind = "whole numbers 1..5" if integer else "on the 1..5 scale"
        raise bad_values_error(values, bad, name, f"value(s) not {kind}")
    return arr


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...] | list[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{what} lacks column(s) {', '.join(repr(c) for c in missing)}; it has "
            f"{', '.join(repr(c) for c in frame.columns)}"
        )


def _check_column(values: pd.Series, column: str, bad_of, problem: str) -> np.ndarray:
    """``values`` as floats; DataError naming the column where ``bad_of(array)`` is true."""
    arr = numeric_values(values)
    bad = bad_of(arr)
    if bad.any():
        raise bad_values_error(values, bad, f"column '{column}'", problem)
    return arr


def _check_binary(values: pd.Series, column: str) -> np.ndarray:
    return _check_column(
        values, column, lambda a: ~np.isin(a, (0.0, 1.0)), "value(s) not 0/1 (1 = defected)"
    )


def _check_finite(values: pd.Series, column: str) -> np.ndarray:
    return _check_column(
        values, column, lambda a: ~np.isfinite(a), "missing or non-finite value(s)"
    )


# ---------------------------------------------------------------------------------------------
# Perceived value
# ---------------------------------------------------------------------------------------------
def perceived_value(
    benefits: pd.DataFrame | pd.Series | Mapping[str, float],
    costs: pd.DataFrame | pd.Series | Mapping[str, float],
    weights: Mapping[str, float] | pd.Series | None = None,
    form: str = "difference",
) -> pd.Series | float:
    """Customer perceived value from attribute ratings: benefits minus (or over) costs.

    Treacy & Wiersema (1993, "Customer intimacy and other value disciplines", HBR 71(1)) and the
    primer define value as what the customer gets minus what it costs them; Kotler's "customer
    delivered value" is the same difference, and the ratio form is the "value = benefits / costs"
    variant (Kotler & Keller, *Marketing Management*, ch. 5). With benefit ratings ``b_j`` and cost
    ratings ``c_l`` of one customer and importance weights normalised to sum to one on each side
    (``w_j / sum w``, ``v_l / sum v``)::

        B = sum_j w_j b_j / sum_j w_j        C = sum_l v_l c_l / sum_l v_l
        difference:  V = B - C                (in rating points, in [-4, 4])
        ratio:       V = B / C                (dimensionless, in [1/5, 5]; 1 = break-even)

    Args:
        benefits: rows = customers, columns = benefit attributes (e.g. ``quality``, ``service``),
            each rated on the 1-5 scale (5 = best). A Series or dict is one customer.
        costs: rows = the same customers (same index, same order), columns = cost attributes
            (e.g. ``price``, ``effort``) rated 1-5 (5 = most burdensome). A Series or dict is one
            customer. Column names must differ from those of ``benefits``.
        weights: importance weight (>= 0) of each attribute, keyed by column name, covering every
            column of ``benefits`` and ``costs``. ``None`` weighs attributes equally. Weights are
            normalised within each side, so only their relative size matters.
        form: ``"difference"`` (benefits minus costs) or ``"ratio"`` (benefits over costs).

    Returns:
        A Series ``perceived_value`` indexed like ``benefits`` (one value per customer), or a float
        when one customer was given as a Series or dict.

    Raises:
        DataError: a rating outside 1..5 or missing (naming the column, row and value), costs for
            other customers than benefits, or a column on both sides.
        ParameterError: an unknown ``form``, a missing, negative or all-zero weight.
    """
    check_choice(form, "form", ("difference", "ratio"))
    b, single_b = _as_ratings_frame(benefits, "benefits")
    c, single_c = _as_ratings_frame(costs, "costs")
    if single_b != single_c:
        raise DataError(
            "benefits and costs must both be one customer (Series/dict) or both be DataFrames"
        )
    if single_b:
        c.index = b.index
    if len(b) != len(c):
        raise DataError(
            f"benefits has {len(b)} rows but costs has {len(c)}; both need one row per customer"
        )
    if not b.index.equals(c.index):
        pos = int(np.flatnonzero(b.index.to_numpy() != c.index.to_numpy())[0])
        raise DataError(
            "benefits and costs must describe the same customers in the same order; first "
            f"mismatch at position {pos}: benefits row {b.index[pos]!r}, costs row {c.index[pos]!r}"
        )
    both = set(map(str, b.columns)) & set(map(str, c.columns))
    if both:
        raise DataError(
            f"column(s) {', '.join(sorted(both))} appear in both benefits and costs; an attribute "
            "is either a benefit or a cost"
        )

    def side(frame: pd.DataFrame, what: str) -> np.ndarray:
        ratings = np.column_stack(
            [_check_rating_values(frame[col], str(col), what, integer=False) for col in frame]
        )
        if weights is None:
            w = np.ones(frame.shape[1])
        else:
            w = np.empty(frame.shape[1])
            for j, col in enumerate(frame.columns):
                if col not in weights:
                    raise ParameterError(
                        f"weights has no entry for {what} column '{col}'; give a weight for every "
                        "benefit and cost column, or weights=None for equal weights"
                    )
                w[j] = float(weights[col])
                if not np.isfinite(w[j]) or w[j] < 0:
                    raise ParameterError(
                        f"weights['{col}']={weights[col]!r} is outside the allowed range [0, inf)"
                    )
            if w.sum() == 0:
                raise ParameterError(f"the weights of the {what} columns are all zero")
        return ratings @ (w / w.sum())

    bb, cc = side(b, "benefits"), side(c, "costs")
    value = bb - cc if form == "difference" else bb / cc
    if single_b:
        return float(value[0])
    return pd.Series(value, index=b.index, name="perceived_value")


# ---------------------------------------------------------------------------------------------
# Value disciplines: profitability and spend by discipline (Treacy & Wiersema 1993)
# ---------------------------------------------------------------------------------------------
def fit_spend_model(survey: pd.DataFrame):
    """OLS of log spend on the value discipline and satisfaction.

    ``log y_i = lambda_{s(i)} + eta (k(i) - 3) + error``, one intercept per discipline (no common
    constant), so the coefficients estimate the ``lambda_s`` of
    :func:`crmstudy.survey.simulate_survey` (named
    ``segment[product_leadership]`` ...) and ``eta`` (``satisfaction_minus_3``); heteroskedasticity
    -robust (HC1) standard errors.

    Args:
        survey: one row per customer with ``segment``, ``satisfaction`` (int 1..5) and ``spend``
            (currency per period, > 0).

    Returns:
        statsmodels OLS results.
    """
    import statsmodels.api as sm

    _require_columns(survey, ["segment", "satisfaction", "spend"], "survey")
    sat = _check_rating_values(survey["satisfaction"], "satisfaction", "survey", integer=True)
    y = _check_finite(survey["spend"], "spend")
    if (y <= 0).any():
        i = int(np.flatnonzero(y <= 0)[0])
        raise DataError(
            f"column 'spend' must be > 0 for a log model; row {survey.index[i]!r} has {y[i]!r}"
        )
    seg = survey["segment"].astype(str)
    X = pd.get_dummies(seg, prefix="segment", prefix_sep="[", dtype=float)
    X.columns = [f"{c}]" for c in X.columns]
    X["satisfaction_minus_3"] = sat - 3.0
    return sm.OLS(np.log(y), X).fit(cov_type="HC1")


def segment_profitability(survey: pd.DataFrame) -> pd.DataFrame:
    """Profitability by value discipline (Treacy & Wiersema 1993), with OLS standard errors.

    Per discipline: customers and share; mean spend; margin (= total profit / total spend); profit
    per customer (currency per period) with its heteroskedasticity-robust (HC1) standard error and
    95% interval from ``statsmodels`` OLS of profit on discipline dummies (no constant, so each
    coefficient is that discipline's mean); share of total profit; retention over the next period;
    and ``retained_profit_per_customer`` = profit per customer x retention, the next-period profit a
    customer of that discipline is expected to bring.

    Args:
        survey: one row per customer with ``segment``, ``spend``, ``profit`` and ``defected``.

    Returns:
        DataFrame indexed by ``segment``.
    """
    import statsmodels.api as sm

    _require_columns(survey, ["segment", "spend", "profit", "defected"], "survey")
    spend = _check_finite(survey["spend"], "spend")
    profit = _check_finite(survey["profit"], "profit")
    d = _check_binary(survey["defected"], "defected")
    seg = survey["segment"].astype(str).to_numpy()
    present = [s for s in DISCIPLINES if (seg == s).any()] + sorted(set(seg) - set(DISCIPLINES))
    X = pd.DataFrame({s: (seg == s).astype(float) for s in present})
    ols = sm.OLS(profit, X).fit(cov_type="HC1")
    ci = ols.conf_int()
    rows = []
    for j, s in enumerate(present):
        m = seg == s
        rows.append(
            {
                "segment": s,
                "customers": int(m.sum()),
                "share": m.mean(),
                "mean_spend": spend[m].mean(),
                "margin": profit[m].sum() / spend[m].sum(),
                "profit_per_customer": ols.params.iloc[j],
                "profit_se": ols.bse.iloc[j],
                "profit_ci_low": ci.iloc[j, 0],
                "profit_ci_high": ci.iloc[j, 1],
                "profit_share": profit[m].sum() / profit.sum(),
                "retention": 1.0 - d[m].mean(),
            }
        )
    out = pd.DataFrame(rows).set_index("segment")
    out["retained_profit_per_customer"] = out["profit_per_customer"] * out["retention"]
    return out


# ---------------------------------------------------------------------------------------------
# Real surveys: the value chain on ECSI, value = benefits - costs, the disciplines
# ---------------------------------------------------------------------------------------------
#: The ECSI constructs as means of their items (Tenenhaus et al. 2005). CUSL2 (price tolerance)
#: is left out of loyalty: it barely correlates with the other loyalty items in this file.
ECSI_CONSTRUCTS: dict[str, tuple[str, ...]] = {
    "image": ("IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"),
    "expectations": ("CUEX1", "CUEX2", "CUEX3"),
    "quality": ("PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7"),
    "value": ("PERV1", "PERV2"),
    "satisfaction": ("CUSA1", "CUSA2", "CUSA3"),
    "complaints": ("CUSCO",),
    "loyalty": ("CUSL1", "CUSL3"),
}

#: The three equations of the value chain: outcome -> predictors.
VALUE_CHAIN: dict[str, tuple[str, ...]] = {
    "value": ("quality", "expectations"),
    "satisfaction": ("value", "quality", "expectations", "image"),
    "loyalty": ("satisfaction", "value", "image"),
}


def construct_scores(survey: pd.DataFrame, constructs: Mapping[str, tuple[str, ...]] | None = None,
                     *, standardise: bool = True) -> pd.DataFrame:
    """Each construct as the mean of its items (``ECSI_CONSTRUCTS`` by default), optionally
    standardised to mean 0 and standard deviation 1 (so path coefficients are in SD units)."""
    constructs = ECSI_CONSTRUCTS if constructs is None else constructs
    out = {}
    for name, items in constructs.items():
        _require_columns(survey, list(items), "survey")
        out[name] = survey[list(items)].apply(pd.to_numeric, errors="coerce").mean(axis=1)
    scores = pd.DataFrame(out, index=survey.index)
    if standardise:
        scores = (scores - scores.mean()) / scores.std(ddof=1)
    return scores


@dataclass
class ValueChainFit:
    """The value -> satisfaction -> loyalty regressions: ``fits`` (equation -> statsmodels OLS
    results), ``paths`` (one row per coefficient: ``equation``, ``predictor``, ``coef``, ``se``,
    ``lower``, ``upper``, ``p``), ``r2`` per equation and the ``indirect`` effect of value on
    loyalty through satisfaction (``estimate``, ``lower``, ``upper``, bootstrap)."""

    fits: dict
    paths: pd.DataFrame
    r2: pd.Series
    indirect: pd.Series


def fit_value_chain(
    scores: pd.DataFrame,
    equations: Mapping[str, tuple[str, ...]] | None = None,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int | np.random.Generator | None = 0,
) -> ValueChainFit:
    """OLS of each equation of :data:`VALUE_CHAIN` on construct scores (statsmodels), and the
    indirect effect value -> satisfaction -> loyalty ``a * b`` (``a``: value in the satisfaction
    equation, ``b``: satisfaction in the loyalty equation) with a percentile bootstrap over
    respondents (Preacher & Hayes 2008)."""
    import statsmodels.api as sm

    equations = VALUE_CHAIN if equations is None else equations
    needed = sorted({c for k, v in equations.items() for c in (k, *v)})
    _require_columns(scores, needed, "scores")
    data = scores[needed].dropna()
    fits, rows = {}, []
    for outcome, predictors in equations.items():
        res = sm.OLS(data[outcome], sm.add_constant(data[list(predictors)])).fit()
        fits[outcome] = res
        ci = res.conf_int(alpha=1 - level)
        for p in predictors:
            rows.append({"equation": outcome, "predictor": p, "coef": res.params[p],
                         "se": res.bse[p], "lower": ci.loc[p, 0], "upper": ci.loc[p, 1],
                         "p": res.pvalues[p]})  # fmt: skip
    paths = pd.DataFrame(rows)
    r2 = pd.Series({k: v.rsquared for k, v in fits.items()}, name="r2")
    rng = as_generator(seed)
    sat_X = np.column_stack([np.ones(len(data)), data[list(equations["satisfaction"])]])
    loy_X = np.column_stack([np.ones(len(data)), data[list(equations["loyalty"])]])
    a_pos = 1 + list(equations["satisfaction"]).index("value")
    b_pos = 1 + list(equations["loyalty"]).index("satisfaction")
    ys, yl = data["satisfaction"].to_numpy(), data["loyalty"].to_numpy()
    draws = np.empty(int(n_boot))
    for b in range(int(n_boot)):
        i = rng.integers(0, len(data), len(data))
        a = np.linalg.lstsq(sat_X[i], ys[i], rcond=None)[0][a_pos]
        bb = np.linalg.lstsq(loy_X[i], yl[i], rcond=None)[0][b_pos]
        draws[b] = a * bb
    est = fits["satisfaction"].params["value"] * fits["loyalty"].params["satisfaction"]
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    indirect = pd.Series({"estimate": est, "lower": lo, "upper": hi}, name="indirect")
    return ValueChainFit(fits, paths, r2, indirect)


def fit_value_equation(
    survey: pd.DataFrame,
    *,
    value: str = "value",
    benefits: tuple[str, ...] | list[str] = ("quality",),
    costs: tuple[str, ...] | list[str] = ("cost",),
    level: float = 0.95,
) -> pd.DataFrame:
    """OLS of perceived value on benefit and cost ratings, all standardised (statsmodels).

    ``value = b_0 + sum_j b_j benefit_j + sum_k c_k cost_k + e`` on z-scores, so each coefficient
    is in SD of value per SD of the rating. "Value = benefits - costs" predicts ``b_j > 0`` and
    ``c_k < 0`` (a cost rating is higher when the cost is more burdensome). Rows with a missing
    rating are left out. Returns one row per predictor: ``predictor``, ``kind`` ("benefit" or
    "cost"), ``coef``, ``se``, ``lower``, ``upper``, ``p``; ``attrs["n"]`` respondents used.
    """
    import statsmodels.api as sm

    names = [value, *benefits, *costs]
    _require_columns(survey, names, "survey")
    data = survey[names].apply(pd.to_numeric, errors="coerce").dropna()
    if len(data) < len(names) + 2:
        raise DataError(f"only {len(data)} complete rows for {names}: too few to fit")
    z = (data - data.mean()) / data.std(ddof=1)
    res = sm.OLS(z[value], sm.add_constant(z[[*benefits, *costs]])).fit()
    ci = res.conf_int(alpha=1 - level)
    out = pd.DataFrame(
        {"predictor": [*benefits, *costs],
         "kind": ["benefit"] * len(benefits) + ["cost"] * len(costs),
         "coef": [res.params[c] for c in (*benefits, *costs)],
         "se": [res.bse[c] for c in (*benefits, *costs)],
         "lower": [ci.loc[c, 0] for c in (*benefits, *costs)],
         "upper": [ci.loc[c, 1] for c in (*benefits, *costs)],
         "p": [res.pvalues[c] for c in (*benefits, *costs)]}
    )  # fmt: skip
    out.attrs["n"] = int(len(data))
    return out


#: What the public surveys lack for "value = benefits - costs" (named by the verdict).
VALUE_COST_MISSING: tuple[str, ...] = (
    "price paid (monetary cost) rated or recorded apart from quality",
    "non-monetary costs (time, effort, risk) of buying and using",
)


def verdict_value_benefits_costs(
    benefit: float,
    benefit_interval: tuple[float, float],
    cost: float | None = None,
    cost_interval: tuple[float, float] | None = None,
    *,
    missing: tuple[str, ...] | list[str] = VALUE_COST_MISSING,
) -> tuple[str, dict[str, float], list[str]]:
    """The verdict class on "perceived value = benefits - costs".

    ``benefit`` is the effect of a benefit measure (perceived quality) on perceived value, with
    its interval; ``cost`` the effect of a cost measure, if the data have one. Without a cost
    measure the claim is ``untestable`` and the missing variables are named (the benefits half
    is still reported). With both: ``holds`` if the benefit effect is above 0 and the cost effect
    below 0 (both intervals exclude 0); ``does_not_hold`` if either interval lies wholly on the
    wrong side; otherwise ``holds_if`` (the signs are right but one effect is not told from 0).

    Returns ``(class, values, missing)``.
    """
    values = {"benefit": float(benefit), "benefit_lower": float(benefit_interval[0]),
              "benefit_upper": float(benefit_interval[1])}  # fmt: skip
    if cost is None:
        return "untestable", values, list(missing)
    if cost_interval is None:
        raise ParameterError("cost_interval is required with cost")
    values.update(cost=float(cost), cost_lower=float(cost_interval[0]),
                  cost_upper=float(cost_interval[1]))  # fmt: skip
    if benefit_interval[1] < 0 or cost_interval[0] > 0:
        return "does_not_hold", values, []
    if benefit_interval[0] > 0 and cost_interval[1] < 0:
        return "holds", values, []
    return "holds_if", values, []


#: What a test of the value disciplines needs and no public data set here has.
DISCIPLINE_MISSING: tuple[str, ...] = (
    "each firm's value discipline (product leadership, operational excellence, customer intimacy)",
    "firm-level performance (profit or growth) for many firms of each discipline",
)


def verdict_value_disciplines(
    firms: pd.DataFrame | None = None,
    *,
    discipline: str = "discipline",
    focused: str = "focused",
    performance: str = "performance",
    level: float = 0.95,
) -> tuple[str, dict[str, float], list[str]]:
    """The verdict class on "firms win by excelling at one value discipline".

    ``firms`` has one row per firm: ``discipline`` (its main discipline), ``focused`` (1 if it
    leads in one discipline and meets the market's threshold in the others, 0 if it straddles)
    and ``performance`` (e.g. profit margin). Without such data (``None``, or columns missing)
    the claim is ``untestable`` and the missing variables are named. With it: Welch's
    difference in mean performance, focused minus straddling, with its interval: ``holds`` if
    above 0, ``does_not_hold`` if below 0, ``holds_if`` if the interval contains 0 (no evidence
    either way at this sample size).
    """
    if firms is None:
        return "untestable", {}, list(DISCIPLINE_MISSING)
    lacking = [c for c in (discipline, focused, performance) if c not in firms.columns]
    if lacking:
        return "untestable", {}, [f"column {c!r}" for c in lacking] + list(DISCIPLINE_MISSING)
    f = firms[focused].astype(bool)
    y = pd.to_numeric(firms[performance], errors="coerce")
    a, b = y[f].dropna().to_numpy(), y[~f].dropna().to_numpy()
    if len(a) < 2 or len(b) < 2:
        raise DataError("need at least two focused and two straddling firms")
    diff = a.mean() - b.mean()
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(va + vb)
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    t = stats.t.ppf(0.5 + level / 2, dof)
    lo, hi = diff - t * se, diff + t * se
    values = {"difference": float(diff), "lower": float(lo), "upper": float(hi)}
    if lo > 0:
        return "holds", values, []
    if hi < 0:
        return "does_not_hold", values, []
    return "holds_if", values, []
