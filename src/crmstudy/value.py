"""Customer value, satisfaction and loyalty: the primer's second half as testable models.

The primer makes three claims, each turned here into a function:

* customer perceived value is benefits minus costs (Treacy & Wiersema 1993; Kotler's "customer
  delivered value"): :func:`perceived_value`;
* only *completely* satisfied customers are reliably loyal, so firms must tell them from the merely
  satisfied (Jones & Sasser 1995, "Why Satisfied Customers Defect", HBR 73(6)):
  :func:`satisfaction_segments`, :func:`fit_defection_models`, :func:`satisfaction_gain_value`;
* firms compete through one value discipline: product leadership, operational excellence or customer
  intimacy (Treacy & Wiersema 1993, 1995): :func:`segment_profitability`.

The analyses (statsmodels ordered logit, logits, OLS, segment tables) work on any survey with the
documented columns. No public survey with satisfaction, value drivers, defection and spend for the
same customers is available, so :mod:`crmstudy.survey` draws one from a fully written-out
generative model whose parameters are known, and the tests check that these analyses recover them.

Module split: the survey simulation and its true curves (``simulate_survey``,
``true_retention_curve``, ``top_gap_by_switching_cost``, ``loyalty_curves``, ``true_parameters``)
live in :mod:`crmstudy.survey`; this module keeps perceived value, the satisfaction segments and
the fitted models.

Units: ratings are on a 1-5 scale (5 = best for benefits and satisfaction, 5 = most burdensome for
costs); spend and profit are in currency units per period; defection and retention refer to the one
period after the survey (``attrs["period"]``, a year by default); switching cost is an index in
[0, 1] (0 = free to switch, 1 = locked in).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from crmstudy._checks import (
    as_generator,
    bad_values_error,
    check_choice,
    check_number,
    numeric_values,
)
from crmstudy.clv import margin_multiple
from crmstudy.errors import ConvergenceError, DataError, ParameterError

__all__ = [
    "BENEFIT_DRIVERS",
    "COST_DRIVERS",
    "DRIVERS",
    "DISCIPLINES",
    "SEGMENT_LABELS",
    "DefectionFit",
    "perceived_value",
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
    "fit_spend_model",
    "segment_profitability",
    "wilson_interval",
    "difference_interval",
    "loyal_by_satisfaction",
    "LoyaltyFit",
    "fit_loyalty_models",
    "switching_cost_index",
    "top_gap_by_group",
    "fit_gap_moderation",
    "verdict_satisfaction_loyalty",
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
#: The primer's three satisfaction segments, top first.
SEGMENT_LABELS: tuple[str, ...] = (
    "completely satisfied",
    "satisfied but unstable",
    "dissatisfied",
)
LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)


# ---------------------------------------------------------------------------------------------
# Validation helpers
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


def _check_unit_interval(name: str, value: float) -> float:
    return check_number(value, name, low=0.0, high=1.0)


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
# Analyses
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
# Real surveys: Jones & Sasser on the corporate-reputation survey, the value chain on ECSI
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
