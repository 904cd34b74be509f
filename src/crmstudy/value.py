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


def _fit_logit(y: np.ndarray, X: pd.DataFrame, what: str):
    import statsmodels.api as sm

    try:
        # Non-convergence is turned into a ConvergenceError below, so statsmodels' own warning
        # would only repeat it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.Logit(y, X).fit(disp=False, method="newton", maxiter=100)
    except Exception as exc:  # statsmodels raises PerfectSeparationError or LinAlgError
        raise ConvergenceError(
            f"the {what} logit of defection failed ({exc}); with few customers some satisfaction "
            "level may have all or no defectors: use more customers or merge sparse levels"
        ) from exc
    if not res.mle_retvals.get("converged", False) or not np.all(np.isfinite(res.bse)):
        raise ConvergenceError(
            f"the {what} logit of defection did not converge; some satisfaction level may have all "
            "or no defectors: use more customers or merge sparse levels"
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
