"""Satisfaction and loyalty: do only *completely* satisfied customers stay?

Jones & Sasser (1995, "Why Satisfied Customers Defect", HBR 73(6)) claim that only completely
satisfied customers are reliably loyal, so firms must tell them from the merely satisfied. Each
part of the claim is a function here:

* the satisfaction-loyalty curve and its top step: :func:`retention_by_satisfaction`,
  :func:`top_gap`, :func:`predicted_retention`;
* the primer's three segments (completely satisfied, satisfied but unstable, dissatisfied):
  :func:`label_satisfaction`, :func:`satisfaction_segments`;
* loyalty is not linear in satisfaction: logits of defection (:func:`fit_defection_models`) or of
  loyalty (:func:`fit_loyalty_models`) on satisfaction as categories against a straight line,
  with a likelihood-ratio test;
* what a one-point satisfaction gain is worth (:func:`satisfaction_gain_value`, with Gupta &
  Lehmann's 2003 retention multiple);
* the satisfaction rating itself as an ordered logit on the value drivers
  (:func:`fit_satisfaction_model`, McCullagh 1980) and the recovery of known parameters
  (:func:`parameter_recovery`);
* on a real survey (the corporate-reputation survey of Hair, Hult, Ringle & Sarstedt):
  :func:`loyal_by_satisfaction` with Wilson (1927) intervals, the top-two gap with Newcombe's
  (1998) interval by switching-cost group (:func:`top_gap_by_group`, :func:`fit_gap_moderation`),
  and the verdict :func:`verdict_satisfaction_loyalty`.

Customer perceived value, the value chain and the value disciplines are in :mod:`crmstudy.value`
(this module uses its value drivers and rating checks); the survey simulation is in
:mod:`crmstudy.survey`.

Units: ratings are on a 1-5 scale on the simulated survey (1-7 on the corporate-reputation
survey), 5 = best; profit is in currency units per period; defection and retention refer to the
one period after the survey (``attrs["period"]``, a year by default); switching cost is an index
in [0, 1] (0 = free to switch, 1 = locked in).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from crmstudy._checks import check_number
from crmstudy.clv import margin_multiple
from crmstudy.errors import ConvergenceError, DataError, ParameterError
from crmstudy.value import (
    DRIVERS,
    _check_binary,
    _check_finite,
    _check_rating_values,
    _require_columns,
)

__all__ = [
    "SEGMENT_LABELS",
    "DefectionFit",
    "top_gap",
    "retention_by_satisfaction",
    "fit_satisfaction_model",
    "satisfaction_thresholds",
    "parameter_recovery",
    "fit_defection_models",
    "predicted_retention",
    "satisfaction_gain_value",
    "label_satisfaction",
    "satisfaction_segments",
    "wilson_interval",
    "difference_interval",
    "loyal_by_satisfaction",
    "LoyaltyFit",
    "fit_loyalty_models",
    "switching_cost_index",
    "top_gap_by_group",
    "fit_gap_moderation",
    "verdict_satisfaction_loyalty",
]

#: The primer's three satisfaction segments, top first.
SEGMENT_LABELS: tuple[str, ...] = (
    "completely satisfied",
    "satisfied but unstable",
    "dissatisfied",
)
LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)


def _check_unit_interval(name: str, value: float) -> float:
    return check_number(value, name, low=0.0, high=1.0)


def top_gap(curves: pd.DataFrame, column: str = "retention") -> pd.DataFrame:
    """Retention at levels 4 and 5 of each loyalty curve, their gap and their ratio.

    ``curves`` is :func:`crmstudy.survey.loyalty_curves` (or any long table with ``competition``,
    ``satisfaction`` and ``column``). ``gap = r_5 - r_4`` is the extra loyalty of a completely
    satisfied over a merely satisfied customer, and ``ratio = r_5 / r_4`` how many times as likely
    the completely satisfied are to stay (Jones & Sasser 1995, the Xerox "six times").

    Returns:
        DataFrame indexed by ``competition`` with ``retention_4``, ``retention_5``, ``gap``
        (retention per period) and ``ratio``.
    """
    _require_columns(curves, ["competition", "satisfaction", column], "curves")
    wide = curves.pivot(index="competition", columns="satisfaction", values=column)
    lacking = [k for k in (4, 5) if k not in wide.columns]
    if lacking:
        raise DataError(f"curves has no rows at satisfaction level(s) {lacking}")
    out = pd.DataFrame({"retention_4": wide[4], "retention_5": wide[5]})
    out["gap"] = out["retention_5"] - out["retention_4"]
    out["ratio"] = out["retention_5"] / out["retention_4"]
    return out


# ---------------------------------------------------------------------------------------------
# The satisfaction-loyalty curve, the segments and the fitted models
# ---------------------------------------------------------------------------------------------
def _survey_arrays(survey: pd.DataFrame, switching: bool = True) -> tuple[np.ndarray, ...]:
    cols = ["satisfaction", "defected"] + (["switching_cost"] if switching else [])
    _require_columns(survey, cols, "survey")
    sat = _check_rating_values(survey["satisfaction"], "satisfaction", "survey", integer=True)
    d = _check_binary(survey["defected"], "defected")
    out = [sat.astype(int), d]
    if switching:
        out.append(_check_finite(survey["switching_cost"], "switching_cost"))
    return tuple(out)


def retention_by_satisfaction(survey: pd.DataFrame) -> pd.DataFrame:
    """Observed retention at each satisfaction level: the sample's satisfaction-loyalty curve.

    The empirical curve of Jones & Sasser (1995). Retention at level ``k`` is the share of
    customers rating ``k`` who did not defect over the
    next period, with its binomial standard error ``sqrt(r (1 - r) / n_k)``.

    Args:
        survey: one row per customer with ``satisfaction`` (int 1..5) and ``defected`` (0/1).

    Returns:
        DataFrame indexed by ``satisfaction`` (levels present) with ``customers``, ``retention``
        and ``se``.
    """
    sat, d = _survey_arrays(survey, switching=False)
    rows = []
    for k in LEVELS:
        m = sat == k
        if m.any():
            r = 1.0 - d[m].mean()
            rows.append((k, int(m.sum()), r, np.sqrt(r * (1 - r) / m.sum())))
    out = pd.DataFrame(rows, columns=["satisfaction", "customers", "retention", "se"])
    return out.set_index("satisfaction")


def fit_satisfaction_model(survey: pd.DataFrame, drivers: tuple[str, ...] | list[str] = DRIVERS):
    """Ordered logit of the 1-5 satisfaction rating on the value drivers (McCullagh 1980).

    ``P(rating <= k | x) = logistic(tau_k - x' beta)``, fitted by maximum likelihood with
    ``statsmodels.miscmodels.ordinal_model.OrderedModel`` (``distr="logit"``, no constant: the
    thresholds play its role). statsmodels parameterises the thresholds as ``tau_1`` (named
    ``"1/2"``) and the logs of the increments ``log(tau_k - tau_{k-1})`` (named ``"2/3"``, ...);
    :func:`satisfaction_thresholds` turns them back into cut points.

    Args:
        survey: one row per customer with ``satisfaction`` (int 1..5) and the ``drivers`` columns
            (attribute ratings or any numeric covariates).
        drivers: the explanatory columns.

    Returns:
        The statsmodels results object (``params``, ``bse``, ``llf``, ``aic``, ``summary()``).

    Raises:
        DataError: missing columns, a rating outside 1..5, a non-finite driver value, or fewer
            than two satisfaction levels observed.
        ConvergenceError: the optimiser did not converge.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    drivers = list(drivers)
    _require_columns(survey, ["satisfaction", *drivers], "survey")
    sat = _check_rating_values(survey["satisfaction"], "satisfaction", "survey", integer=True)
    exog = pd.DataFrame({j: _check_finite(survey[j], j) for j in drivers}, index=survey.index)
    levels = sorted(set(sat.astype(int)))
    if len(levels) < 2:
        raise DataError(
            f"column 'satisfaction' takes only the value {levels[0]}; an ordered logit needs at "
            "least two levels"
        )
    endog = pd.Series(
        pd.Categorical(sat.astype(int), categories=levels, ordered=True),
        index=survey.index,
        name="satisfaction",
    )
    model = OrderedModel(endog, exog, distr="logit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # non-convergence becomes a ConvergenceError below
        res = model.fit(method="bfgs", disp=False, maxiter=2000)
    if not res.mle_retvals.get("converged", False):
        raise ConvergenceError(
            "the ordered logit of satisfaction did not converge; try fewer or rescaled drivers, "
            "or check that every satisfaction level has customers"
        )
    return res


def satisfaction_thresholds(result) -> pd.Series:
    """The cut points ``tau_1..tau_{K-1}`` of a fitted :func:`fit_satisfaction_model`.

    Undoes statsmodels' parameterisation (first cut point, then log increments):
    ``tau_k = tau_1 + sum_{m=2..k} exp(theta_m)``.
    """
    th = result.model.transform_threshold_params(result.params)[1:-1]
    # statsmodels names the k-th cut point after the two levels it separates ("1/2", "2/3", ...)
    names = [str(n) for n in result.params.index[-len(th) :]]
    return pd.Series(th, index=names, name="threshold")


def parameter_recovery(result, truth: pd.Series) -> pd.DataFrame:
    """Set fitted parameters beside known true values: estimate, standard error and z-score.

    ``z = (estimate - true) / se``; with a correctly specified model and a large sample, ``z`` is
    approximately standard normal, so ``|z| <= 3`` for nearly every parameter.

    Args:
        result: a statsmodels results object with ``params`` and ``bse`` (named Series).
        truth: true values keyed by parameter name (:func:`crmstudy.survey.true_parameters`);
            only parameters present in both are compared.

    Returns:
        DataFrame indexed by ``parameter`` with ``true``, ``estimate``, ``se``, ``z`` and
        ``within_3se`` (bool).
    """
    names = [n for n in result.params.index if n in truth.index]
    if not names:
        raise DataError(
            "no fitted parameter name matches the true parameters; fitted: "
            f"{list(result.params.index)}, true: {list(truth.index)}"
        )
    out = pd.DataFrame(
        {
            "true": truth[names].to_numpy(dtype=float),
            "estimate": result.params[names].to_numpy(dtype=float),
            "se": result.bse[names].to_numpy(dtype=float),
        },
        index=pd.Index(names, name="parameter"),
    )
    out["z"] = (out["estimate"] - out["true"]) / out["se"]
    out["within_3se"] = out["z"].abs() <= 3.0
    return out


@dataclass
class DefectionFit:
    """Two logits of defection on satisfaction, and the test between them.

    Attributes:
        categorical: statsmodels Logit results, ``logit P(defect) = alpha_k - delta c`` with one
            parameter per satisfaction level (named ``sat_1`` .. ``sat_5``, no constant) and
            ``switching_cost`` when included.
        linear: statsmodels Logit results, ``logit P(defect) = a + b k - delta c`` (``const``,
            ``satisfaction``, ``switching_cost``).
        levels: the satisfaction levels present in the data.
        lr_stat, lr_df, lr_pvalue: likelihood-ratio test of the linear model (nested: it forces
            the level effects onto a straight line) against the categorical one.
        comparison: table of both models' parameters, log-likelihood, AIC and BIC.
    """

    categorical: Any
    linear: Any
    levels: list[int]
    lr_stat: float
    lr_df: int
    lr_pvalue: float
    comparison: pd.DataFrame
    switching_cost: np.ndarray | None


def _fit_logit(y: np.ndarray, X: pd.DataFrame, what: str, outcome: str = "defection"):
    import statsmodels.api as sm

    try:
        # Non-convergence is turned into a ConvergenceError below, so statsmodels' own warning
        # would only repeat it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.Logit(y, X).fit(disp=False, method="newton", maxiter=100)
    except Exception as exc:  # statsmodels raises PerfectSeparationError or LinAlgError
        raise ConvergenceError(
            f"the {what} logit of {outcome} failed ({exc}); with few customers some satisfaction "
            f"level may have all or none with {outcome}: use more customers or merge sparse levels"
        ) from exc
    if not res.mle_retvals.get("converged", False) or not np.all(np.isfinite(res.bse)):
        raise ConvergenceError(
            f"the {what} logit of {outcome} did not converge; some satisfaction level may have all "
            f"or none with {outcome}: use more customers or merge sparse levels (pool_below=)"
        )
    return res


def _defection_design(
    sat: np.ndarray, levels: list[int], c: np.ndarray | None, index
) -> tuple[pd.DataFrame, pd.DataFrame]:
    cat = pd.DataFrame({f"sat_{k}": (sat == k).astype(float) for k in levels}, index=index)
    lin = pd.DataFrame({"const": 1.0, "satisfaction": sat.astype(float)}, index=index)
    if c is not None:
        cat["switching_cost"] = c
        lin["switching_cost"] = c
    return cat, lin


def fit_defection_models(survey: pd.DataFrame, switching_cost: bool = True) -> DefectionFit:
    """Logits of defection on satisfaction as categories and as a straight line.

    The test of Jones & Sasser's (1995, "Why Satisfied Customers Defect", HBR 73(6)) claim that
    loyalty is not linear in satisfaction.

    Categorical: ``logit P(D_i = 1) = alpha_{k(i)} - delta c_i``, one free log-odds per level, so
    any shape of the satisfaction-loyalty curve can show. Linear: ``logit P(D_i = 1) = a + b k(i)
    - delta c_i``, the usual "satisfaction as a number" regression. The linear model is the
    categorical one with the ``alpha_k`` constrained to a line, so ``LR = 2 (llf_cat - llf_lin)``
    is chi-squared with ``K - 2`` degrees of freedom under linearity (``K`` levels present); a
    small p-value says loyalty is not linear in satisfaction, Jones & Sasser's point. Fitted by
    maximum likelihood with ``statsmodels.api.Logit``. The sign convention matches
    :func:`crmstudy.survey.simulate_survey`: the fitted ``switching_cost`` coefficient estimates
    ``-delta``.

    Args:
        survey: one row per customer with ``satisfaction`` (int 1..5), ``defected`` (0/1, over the
            next period) and, if ``switching_cost`` is true, ``switching_cost`` (index in [0, 1]).
        switching_cost: include the switching-cost index as a control.

    Returns:
        :class:`DefectionFit`.

    Raises:
        DataError: missing columns or bad values (named with the first bad row).
        ConvergenceError: a level where every customer (or none) defected, or too few customers.
    """
    arrays = _survey_arrays(survey, switching=switching_cost)
    sat, d = arrays[0], arrays[1]
    c = arrays[2] if switching_cost else None
    levels = [k for k in LEVELS if (sat == k).any()]
    if len(levels) < 3:
        raise DataError(
            f"column 'satisfaction' has only levels {levels}; comparing categorical with linear "
            "needs at least three levels"
        )
    X_cat, X_lin = _defection_design(sat, levels, c, survey.index)
    cat = _fit_logit(d, X_cat, "categorical")
    lin = _fit_logit(d, X_lin, "linear")
    lr = max(0.0, 2.0 * (cat.llf - lin.llf))
    df = len(levels) - 2
    comparison = pd.DataFrame(
        {
            "parameters": [len(cat.params), len(lin.params)],
            "loglik": [cat.llf, lin.llf],
            "aic": [cat.aic, lin.aic],
            "bic": [cat.bic, lin.bic],
        },
        index=pd.Index(["categorical", "linear"], name="satisfaction as"),
    )
    return DefectionFit(
        categorical=cat,
        linear=lin,
        levels=levels,
        lr_stat=float(lr),
        lr_df=int(df),
        lr_pvalue=float(stats.chi2.sf(lr, df)),
        comparison=comparison,
        switching_cost=c,
    )


def predicted_retention(fit: DefectionFit, switching_cost: float | None = None) -> pd.DataFrame:
    """Model-implied retention at each satisfaction level, from both fitted logits.

    With ``switching_cost=None`` each level's retention is the average over the sample's customers
    of ``1 - P(defect | level k, their own c_i)`` (a predictive margin: "retention if every
    customer rated k"); with a number, every customer is given that switching cost.

    Returns:
        DataFrame indexed by ``satisfaction`` with ``categorical`` and ``linear`` retention (per
        period, in [0, 1)).
    """
    if fit.switching_cost is None:
        if switching_cost is not None:
            raise ParameterError(
                f"switching_cost={switching_cost!r} was given, but the models were fitted without "
                "switching cost; refit with fit_defection_models(survey, switching_cost=True)"
            )
        c = np.zeros(1)
    elif switching_cost is None:
        c = np.asarray(fit.switching_cost, dtype=float)
    else:
        c = np.array([_check_unit_interval("switching_cost", switching_cost)])
    pc, pl = fit.categorical.params, fit.linear.params
    # Without a switching-cost term its coefficient is 0, and c (all zero) drops out.
    gc, gl = pc.get("switching_cost", 0.0), pl.get("switching_cost", 0.0)
    rows = []
    for k in fit.levels:
        p_cat = special.expit(pc[f"sat_{k}"] + gc * c)
        p_lin = special.expit(pl["const"] + pl["satisfaction"] * k + gl * c)
        rows.append((k, 1.0 - float(p_cat.mean()), 1.0 - float(p_lin.mean())))
    out = pd.DataFrame(rows, columns=["satisfaction", "categorical", "linear"])
    return out.set_index("satisfaction")


def satisfaction_gain_value(
    fit: DefectionFit,
    profit_per_period: float,
    discount_rate: float | None = None,
    switching_cost: float | None = None,
) -> pd.DataFrame:
    """What a one-point satisfaction gain is worth at each level of the scale.

    From the categorical logit (:func:`fit_defection_models`), retention ``r_k`` at each level
    (:func:`predicted_retention`). Moving a customer from ``k`` to ``k + 1`` changes retention by
    ``r_{k+1} - r_k`` and the customer's value by ``V(r_{k+1}) - V(r_k)`` where, with profit ``m``
    per period:

    * ``discount_rate=None``: ``V(r) = m r``, the expected profit of the next period;
    * otherwise ``V(r) = m r / (1 + d - r)``, the discounted value of all future periods'
      profit of a customer retained with constant probability ``r`` (Gupta & Lehmann 2003,
      "Customers as assets", J. Interactive Marketing 17(1), eq. 3, with margins from next
      period on).

    Only the retention channel is counted: spend is held at ``profit_per_period`` at every level.
    So this is a lower bound when satisfied customers also spend more (as in
    :func:`crmstudy.survey.simulate_survey`).

    Args:
        fit: a :class:`DefectionFit`.
        profit_per_period: profit ``m`` of a retained customer, currency units per period (> 0).
        discount_rate: ``d`` per period (same period as retention), in [0, 1), or None.
        switching_cost: as in :func:`predicted_retention`.

    Returns:
        DataFrame with one row per step present, columns ``from_level``, ``to_level``,
        ``retention_from``, ``retention_to``, ``retention_gain``, ``value_from``, ``value_to``,
        ``value_gain`` (currency per customer) and ``share_of_total_gain``.
    """
    m = check_number(profit_per_period, "profit_per_period", low=0.0, low_open=True)
    if discount_rate is not None:
        check_number(discount_rate, "discount_rate", low=0.0, high=1.0, high_open=True)
    r = predicted_retention(fit, switching_cost)["categorical"]

    def value(x: float) -> float:
        if discount_rate is None:
            return m * x
        return m * margin_multiple(x, discount_rate, timing="end")

    rows = []
    levels = list(r.index)
    for lo, hi in zip(levels[:-1], levels[1:], strict=True):
        rows.append(
            {
                "from_level": lo,
                "to_level": hi,
                "retention_from": r[lo],
                "retention_to": r[hi],
                "retention_gain": r[hi] - r[lo],
                "value_from": value(r[lo]),
                "value_to": value(r[hi]),
                "value_gain": value(r[hi]) - value(r[lo]),
            }
        )
    out = pd.DataFrame(rows)
    total = out["value_gain"].sum()
    out["share_of_total_gain"] = out["value_gain"] / total if total != 0 else np.nan
    return out


def label_satisfaction(
    ratings: pd.Series | np.ndarray | list,
    completely_satisfied_min: int = 5,
    dissatisfied_max: int = 2,
) -> pd.Series:
    """Label each customer with the primer's satisfaction segment.

    On the 1-5 scale: ``rating >= completely_satisfied_min`` -> "completely satisfied";
    ``rating <= dissatisfied_max`` -> "dissatisfied"; anything between -> "satisfied but unstable"
    (Jones & Sasser 1995: customers who say they are satisfied, 4, or neutral, 3, yet defect
    readily). Defaults: 5 / 3-4 / 1-2.

    Returns:
        A Series of ordered categoricals (categories :data:`SEGMENT_LABELS`), indexed like
        ``ratings`` (or 0..n-1 for an array).
    """
    if isinstance(completely_satisfied_min, bool) or completely_satisfied_min not in LEVELS:
        raise ParameterError(
            f"completely_satisfied_min={completely_satisfied_min!r} must be a level in 1..5"
        )
    if isinstance(dissatisfied_max, bool) or not (
        isinstance(dissatisfied_max, int | np.integer) and 0 <= dissatisfied_max < 5
    ):
        raise ParameterError(f"dissatisfied_max={dissatisfied_max!r} must be a level in 0..4")
    if dissatisfied_max >= completely_satisfied_min:
        raise ParameterError(
            f"dissatisfied_max={dissatisfied_max} must be below "
            f"completely_satisfied_min={completely_satisfied_min}"
        )
    s = ratings if isinstance(ratings, pd.Series) else pd.Series(np.asarray(ratings))
    if len(s) == 0:
        raise DataError("ratings is empty")
    name = str(s.name) if s.name is not None else "ratings"
    r = _check_rating_values(s, name, "ratings", integer=True)
    codes = np.where(r >= completely_satisfied_min, 0, np.where(r <= dissatisfied_max, 2, 1))
    cat = pd.Categorical.from_codes(codes, categories=list(SEGMENT_LABELS), ordered=True)
    return pd.Series(cat, index=s.index, name="satisfaction_segment")


def satisfaction_segments(
    ratings: pd.Series | np.ndarray | list,
    defected: pd.Series | np.ndarray | list | None = None,
    value: pd.Series | np.ndarray | list | None = None,
    *,
    completely_satisfied_min: int = 5,
    dissatisfied_max: int = 2,
) -> pd.DataFrame:
    """The primer's split: completely satisfied, satisfied but unstable, dissatisfied.

    Jones & Sasser (1995) and the primer. Segments are defined by :func:`label_satisfaction`
    (defaults: 5 / 3-4 / 1-2 on the 1-5 scale)
    and partition the customers: every customer is in exactly one segment.

    Args:
        ratings: satisfaction rating per customer (int 1..5).
        defected: 0/1 per customer (1 = defected over the next period), same length/order; gives
            each segment's retention.
        value: per customer value (e.g. profit, currency per period), same length/order; gives
            each segment's value per customer and share of total value.
        completely_satisfied_min, dissatisfied_max: the segment thresholds.

    Returns:
        DataFrame indexed by ``segment`` (top first) with ``min_rating``, ``max_rating`` (the
        rule), ``customers``, ``share``; plus ``retention`` if ``defected`` is given; plus
        ``value_per_customer``, ``total_value`` and ``value_share`` if ``value`` is given. Empty
        segments have 0 customers and NaN means.
    """
    labels = label_satisfaction(ratings, completely_satisfied_min, dissatisfied_max)
    n = len(labels)
    frame = pd.DataFrame({"segment": labels.to_numpy()})
    for name, arr in (("defected", defected), ("value", value)):
        if arr is None:
            continue
        s = arr if isinstance(arr, pd.Series) else pd.Series(np.asarray(arr))
        if len(s) != n:
            raise DataError(f"ratings has {n} customers but {name} has {len(s)}; they must match")
        if isinstance(arr, pd.Series) and isinstance(ratings, pd.Series):
            if not s.index.equals(labels.index):
                raise DataError(
                    f"{name} and ratings must have the same index (same customers, same order)"
                )
        s = s.set_axis(labels.index)
        frame[name] = _check_binary(s, name) if name == "defected" else _check_finite(s, name)
    bounds = {
        SEGMENT_LABELS[0]: (completely_satisfied_min, 5),
        SEGMENT_LABELS[1]: (dissatisfied_max + 1, completely_satisfied_min - 1),
        SEGMENT_LABELS[2]: (1, dissatisfied_max),
    }
    g = frame.groupby("segment", observed=False)
    out = pd.DataFrame(
        {
            "min_rating": [bounds[s][0] for s in SEGMENT_LABELS],
            "max_rating": [bounds[s][1] for s in SEGMENT_LABELS],
        },
        index=pd.Index(list(SEGMENT_LABELS), name="segment"),
    )
    out["customers"] = g.size().reindex(out.index).fillna(0).astype(int)
    out["share"] = out["customers"] / n
    if defected is not None:
        out["retention"] = 1.0 - g["defected"].mean().reindex(out.index)
    if value is not None:
        total = g["value"].sum().reindex(out.index)
        out["value_per_customer"] = g["value"].mean().reindex(out.index)
        out["total_value"] = total
        grand = frame["value"].sum()
        out["value_share"] = total / grand if grand != 0 else np.nan
    return out


# ---------------------------------------------------------------------------------------------
# Real surveys: Jones & Sasser on the corporate-reputation survey
# ---------------------------------------------------------------------------------------------
def wilson_interval(successes, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson (1927) score interval for a proportion ``successes / n`` (arrays allowed)."""
    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / m
        centre = (p + z**2 / (2 * m)) / (1 + z**2 / m)
        half = z * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2)) / (1 + z**2 / m)
    return centre - half, centre + half


def difference_interval(k1, n1, k2, n2, level: float = 0.95) -> tuple[float, float, float]:
    """``p1 - p2`` with Newcombe's (1998, method 10) hybrid score interval from Wilson limits."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, level)
    l2, u2 = wilson_interval(k2, n2, level)
    d = p1 - p2
    return (float(d), float(d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)),
            float(d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)))  # fmt: skip


def _rating_column(frame: pd.DataFrame, column: str, low: int, high: int) -> pd.Series:
    _require_columns(frame, [column], "survey")
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.notna() & ((values < low) | (values > high) | (values != values.round()))
    if bad.any():
        row = frame.index[np.flatnonzero(bad.to_numpy())[0]]
        raise DataError(
            f"column {column!r}, row {row}: value {frame.loc[row, column]} is not a whole rating "
            f"in {low}-{high}"
        )
    return values


def _pooled_loyalty(survey, satisfaction, loyalty, loyal_at, scale, pool_below, also=None):
    """The respondents with both ratings (and ``also`` true, e.g. controls present).

    Returns ``(code, loyal, rating, keep)`` on those rows: the satisfaction code (levels up to
    ``pool_below`` pooled into ``pool_below``), loyal (the loyalty rating at least ``loyal_at``),
    the loyalty rating itself, and ``keep``, the mask of the rows used over the whole survey.
    """
    lo, hi = scale
    sat = _rating_column(survey, satisfaction, lo, hi)
    loy = _rating_column(survey, loyalty, lo, hi)
    keep = sat.notna() & loy.notna()
    if also is not None:
        keep = keep & also
    code = sat[keep].clip(lower=pool_below).astype(int)
    return code, loy[keep] >= loyal_at, loy[keep], keep


def loyal_by_satisfaction(
    survey: pd.DataFrame,
    *,
    satisfaction: str = "cusa",
    loyalty: str = "cusl_3",
    loyal_at: int = 7,
    scale: tuple[int, int] = (1, 7),
    pool_below: int = 3,
    level: float = 0.95,
) -> pd.DataFrame:
    """Jones & Sasser's (1995) table: the share of loyal customers at each satisfaction level.

    A respondent is *loyal* when the ``loyalty`` rating is at least ``loyal_at`` (the top box, 7,
    by default: "completely loyal"); respondents missing either rating are left out (never
    counted as 0). Levels up to ``pool_below`` are pooled into one row (too few respondents to
    estimate separately; on the corporate-reputation survey 21 of 344 rate 1-3), coded
    ``pool_below``.

    Returns a DataFrame indexed by ``level`` (int code, the pooled row at ``pool_below``) with
    ``label`` ("1-3", "4", ...), ``respondents``, ``loyal`` (count), ``loyal_share`` with its
    Wilson interval ``lower``/``upper`` at ``level``, and ``mean_loyalty`` (mean rating).
    """
    lo = scale[0]
    code, loyal, rating, keep = _pooled_loyalty(
        survey, satisfaction, loyalty, loyal_at, scale, pool_below
    )
    frame = pd.DataFrame({"level": code, "loyal": loyal.astype(int), "rating": rating})
    grouped = frame.groupby("level")
    out = pd.DataFrame(
        {"respondents": grouped.size(), "loyal": grouped["loyal"].sum(),
         "mean_loyalty": grouped["rating"].mean()}
    )  # fmt: skip
    out["loyal_share"] = out["loyal"] / out["respondents"]
    out["lower"], out["upper"] = wilson_interval(out["loyal"], out["respondents"], level)
    out.insert(0, "label", [f"{lo}-{k}" if k == pool_below and lo < k else str(k)
                            for k in out.index])  # fmt: skip
    out.attrs.update(satisfaction=satisfaction, loyalty=loyalty, loyal_at=loyal_at,
                     level=level, dropped_missing=int((~keep).sum()))  # fmt: skip
    return out[["label", "respondents", "loyal", "loyal_share", "lower", "upper", "mean_loyalty"]]


@dataclass
class LoyaltyFit:
    """Binary logits of loyalty on satisfaction as categories and as a line, and the LR test.

    ``categorical``/``linear`` are statsmodels Logit results; ``lr_stat``, ``lr_df``,
    ``lr_pvalue`` the likelihood-ratio test of the line against the categories; ``comparison``
    the log-likelihoods, AIC and BIC; ``levels`` the satisfaction codes; ``n`` respondents used.
    """

    categorical: Any
    linear: Any
    levels: list[int]
    lr_stat: float
    lr_df: int
    lr_pvalue: float
    comparison: pd.DataFrame
    n: int


def fit_loyalty_models(
    survey: pd.DataFrame,
    *,
    satisfaction: str = "cusa",
    loyalty: str = "cusl_3",
    loyal_at: int = 7,
    scale: tuple[int, int] = (1, 7),
    pool_below: int = 3,
    controls: tuple[str, ...] | list[str] = (),
) -> LoyaltyFit:
    """``logit P(loyal)`` with one log-odds per satisfaction level against a straight line.

    The satisfaction code is the rating with levels up to ``pool_below`` pooled (as in
    :func:`loyal_by_satisfaction`), so the linear model ``a + b * code`` is the categorical one
    with its level effects forced onto a line and ``LR = 2 (llf_cat - llf_lin)`` is chi-squared
    with ``K - 2`` degrees of freedom (``K`` levels). ``controls`` are extra columns entered in
    both models (rows missing any of them are left out). Fitted by maximum likelihood with
    ``statsmodels.api.Logit``.
    """
    extra = pd.DataFrame({c: pd.to_numeric(survey[c], errors="coerce") for c in controls},
                         index=survey.index)  # fmt: skip
    code, loyal, _, keep = _pooled_loyalty(
        survey, satisfaction, loyalty, loyal_at, scale, pool_below, extra.notna().all(axis=1)
    )
    code = code.to_numpy()
    y = loyal.astype(float).to_numpy()
    levels = sorted(set(code.tolist()))
    if len(levels) < 3:
        raise DataError(f"column {satisfaction!r} has only levels {levels}; need at least three")
    idx = survey.index[keep.to_numpy()]
    X_cat = pd.DataFrame({f"sat_{k}": (code == k).astype(float) for k in levels}, index=idx)
    X_lin = pd.DataFrame({"const": 1.0, "satisfaction": code.astype(float)}, index=idx)
    for c in controls:
        X_cat[c] = extra.loc[keep, c].to_numpy()
        X_lin[c] = extra.loc[keep, c].to_numpy()
    cat = _fit_logit(y, X_cat, "categorical", "loyalty")
    lin = _fit_logit(y, X_lin, "linear", "loyalty")
    lr = max(0.0, 2.0 * (cat.llf - lin.llf))
    df = len(levels) - 2
    comparison = pd.DataFrame(
        {"parameters": [len(cat.params), len(lin.params)], "loglik": [cat.llf, lin.llf],
         "aic": [cat.aic, lin.aic], "bic": [cat.bic, lin.bic]},
        index=pd.Index(["categorical", "linear"], name="satisfaction as"),
    )  # fmt: skip
    return LoyaltyFit(cat, lin, levels, float(lr), int(df), float(stats.chi2.sf(lr, df)),
                      comparison, int(keep.sum()))  # fmt: skip


def switching_cost_index(survey: pd.DataFrame, items: tuple[str, ...] | list[str]) -> pd.Series:
    """Mean of the switching-cost items per respondent (missing if any item is missing)."""
    _require_columns(survey, list(items), "survey")
    block = survey[list(items)].apply(pd.to_numeric, errors="coerce")
    return block.mean(axis=1, skipna=False).rename("switching_cost")


def top_gap_by_group(
    survey: pd.DataFrame,
    group: pd.Series,
    *,
    satisfaction: str = "cusa",
    loyalty: str = "cusl_3",
    loyal_at: int = 7,
    top: int = 7,
    level: float = 0.95,
) -> pd.DataFrame:
    """The loyal share at the top satisfaction level and the one below, and their gap, by group.

    ``group`` labels each respondent (e.g. "low"/"high" switching costs; missing labels are left
    out). Jones & Sasser (1995) predict the gap ``share(top) - share(top - 1)`` is widest where
    switching is cheap. Returns one row per group with ``respondents_top``, ``share_top``,
    ``respondents_below``, ``share_below``, ``gap`` and its Newcombe interval ``lower``/``upper``.
    """
    sat = _rating_column(survey, satisfaction, 1, max(top, 7))
    loy = _rating_column(survey, loyalty, 1, max(top, 7))
    rows = []
    for name in [g for g in pd.unique(group.dropna())]:
        mask = (group == name) & sat.notna() & loy.notna()
        at_top = mask & (sat == top)
        below = mask & (sat == top - 1)
        k1, n1 = int((loy[at_top] >= loyal_at).sum()), int(at_top.sum())
        k2, n2 = int((loy[below] >= loyal_at).sum()), int(below.sum())
        if n1 == 0 or n2 == 0:
            raise DataError(f"group {name!r} has no respondents at satisfaction {top} or {top - 1}")
        d, dl, du = difference_interval(k1, n1, k2, n2, level)
        rows.append({"group": name, "respondents_top": n1, "share_top": k1 / n1,
                     "respondents_below": n2, "share_below": k2 / n2, "gap": d,
                     "lower": dl, "upper": du})  # fmt: skip
    return pd.DataFrame(rows).set_index("group")


def fit_gap_moderation(
    survey: pd.DataFrame,
    moderator: pd.Series,
    *,
    satisfaction: str = "cusa",
    loyalty: str = "cusl_3",
    loyal_at: int = 7,
    top: int = 7,
):
    """Logit of loyalty among respondents at the top two levels: ``top``, the moderator, and
    their product. A negative ``top:moderator`` coefficient says the top-two gap (in log-odds)
    narrows as the moderator (e.g. the switching-cost index, centred at its mean) rises.

    Returns the statsmodels Logit results (parameters ``const``, ``top``, ``moderator``,
    ``top:moderator``).
    """
    sat = _rating_column(survey, satisfaction, 1, max(top, 7))
    loy = _rating_column(survey, loyalty, 1, max(top, 7))
    m = pd.to_numeric(moderator, errors="coerce")
    keep = sat.isin([top, top - 1]) & loy.notna() & m.notna()
    centred = m[keep] - m[keep].mean()
    is_top = (sat[keep] == top).astype(float)
    X = pd.DataFrame({"const": 1.0, "top": is_top, "moderator": centred,
                      "top:moderator": is_top * centred})  # fmt: skip
    y = (loy[keep] >= loyal_at).astype(float).to_numpy()
    return _fit_logit(y, X, "moderation", "loyalty")


def verdict_satisfaction_loyalty(
    gap: float, gap_lower: float, gap_upper: float, lr_pvalue: float, *, alpha: float = 0.05
) -> tuple[str, dict[str, float]]:
    """The verdict class on "completely satisfied customers are far more loyal than satisfied".

    ``gap`` is the loyal share at the top satisfaction level minus the level below, with its
    interval; ``lr_pvalue`` the likelihood-ratio test of a linear against a categorical logit.

    - ``holds``: the gap's interval is above 0 **and** linearity is rejected at ``alpha`` (the
      top step is special, Jones & Sasser's shape);
    - ``holds_if``: the gap is above 0 but a straight line fits (loyalty rises with every step,
      the top one no more than the others): it holds only in the weak form "more satisfied,
      more loyal";
    - ``does_not_hold``: the interval of the gap reaches 0 or below.
    """
    check_number(alpha, "alpha", low=0.0, high=1.0)
    if not gap_lower <= gap <= gap_upper:
        raise ParameterError(f"gap={gap} must lie in its interval [{gap_lower}, {gap_upper}]")
    values = {"gap": float(gap), "gap_lower": float(gap_lower), "gap_upper": float(gap_upper),
              "lr_pvalue": float(lr_pvalue), "alpha": float(alpha)}  # fmt: skip
    if gap_lower <= 0:
        return "does_not_hold", values
    return ("holds" if lr_pvalue < alpha else "holds_if"), values
