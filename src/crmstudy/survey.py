"""A documented simulation of a customer survey: the data behind :mod:`crmstudy.value`
and :mod:`crmstudy.satisfaction`.

No public survey with satisfaction, value drivers, defection and spend for the same customers is
available, so :func:`simulate_survey` draws one from a fully written-out generative model whose
parameters are known (every equation is in its docstring). It is built to reproduce the shape
Jones & Sasser (1995, "Why Satisfied Customers Defect", HBR 73(6)) report: loyalty rises steeply
only at the top of the satisfaction scale, more so where competition is intense and switching is
cheap. Everything here is a **simulation**, not real survey data.

Beside the simulator: the population curves it implies (:func:`true_retention_curve`,
:func:`top_gap_by_switching_cost`), the sample-versus-population curves of both competition
settings (:func:`loyalty_curves`), and the true parameters named as the fitted statsmodels
parameters of :mod:`crmstudy.value` and :mod:`crmstudy.satisfaction` (:func:`true_parameters`),
so a test or a notebook can check that the analyses recover them.

Units: ratings on the 1-5 scale; spend and profit in currency units per period; defection over
the one period after the survey (``attrs["period"]``, a year by default); switching cost an index
in [0, 1] (0 = free to switch, 1 = locked in).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import integrate, special, stats

from crmstudy._checks import as_generator, check_choice, check_number, check_whole
from crmstudy.errors import ParameterError
from crmstudy.satisfaction import LEVELS, retention_by_satisfaction
from crmstudy.units import check_period
from crmstudy.value import (
    BENEFIT_DRIVERS,
    COST_DRIVERS,
    DISCIPLINES,
    DRIVERS,
    perceived_value,
)

__all__ = [
    "XEROX_RATIO",
    "XEROX_REFERENCE_SWITCHING_COST",
    "simulate_survey",
    "true_retention_curve",
    "top_gap_by_switching_cost",
    "loyalty_curves",
    "true_parameters",
]

# ---------------------------------------------------------------------------------------------
# Default parameters of the generative model (see simulate_survey's docstring for the equations).
# ---------------------------------------------------------------------------------------------
_SEGMENT_SHARES = {
    "product_leadership": 0.3,
    "operational_excellence": 0.4,
    "customer_intimacy": 0.3,
}
# Mean attribute rating by discipline: leaders sell the best product at a premium, operationally
# excellent firms the cheapest and least effort, intimate firms the best service and relationship.
_DRIVER_MEANS = {
    "product_leadership": {
        "quality": 4.2,
        "service": 3.3,
        "relationship": 3.0,
        "price": 3.8,
        "effort": 2.8,
    },
    "operational_excellence": {
        "quality": 3.3,
        "service": 3.2,
        "relationship": 2.8,
        "price": 2.2,
        "effort": 2.0,
    },
    "customer_intimacy": {
        "quality": 3.5,
        "service": 4.0,
        "relationship": 4.2,
        "price": 3.2,
        "effort": 2.6,
    },
}
_DRIVER_SD = 0.9
_SATISFACTION_COEF = {
    "quality": 0.9,
    "service": 0.7,
    "relationship": 0.5,
    "price": -0.8,
    "effort": -0.5,
}
_THRESHOLDS = (-0.5, 1.5, 3.5, 5.5)
# Log-odds of defecting at satisfaction level k for a customer with zero switching cost. High
# competition: defection stays likely up to "satisfied" (4) and falls only at "completely
# satisfied" (5), the Jones & Sasser shape; low competition: a flat, mostly loyal curve that is
# exactly linear in the log-odds, so there the linear logit is the true model.
# alpha_4 (high) is calibrated to Jones & Sasser's (1995) Xerox figure: at the reference mean
# switching cost 0.3, completely satisfied customers (5) are six times as likely to stay as merely
# satisfied ones (4): r_5 / r_4 = 6 (solved by root finding on true_retention_curve).
XEROX_RATIO = 6.0
XEROX_REFERENCE_SWITCHING_COST = 0.3
_DEFECTION_LOGITS = {
    "high": {1: 3.6, 2: 3.1, 3: 2.7, 4: 2.2955, 5: -2.4},
    "low": {1: 0.2, 2: -0.45, 3: -1.1, 4: -1.75, 5: -2.4},
}
_SWITCHING_COST_EFFECT = 2.0
_SWITCHING_COST_CONCENTRATION = 10.0
_MARGINS = {"product_leadership": 0.40, "operational_excellence": 0.12, "customer_intimacy": 0.30}
_LOG_SPEND_MEAN = {
    "product_leadership": float(np.log(300.0)),
    "operational_excellence": float(np.log(450.0)),
    "customer_intimacy": float(np.log(350.0)),
}
_SPEND_SATISFACTION_EFFECT = 0.10
_SPEND_SIGMA = 0.6


# ---------------------------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------------------------
def _share(name: str, value) -> float:
    return check_number(value, name, low=0.0, high=1.0)


def _merge(defaults: Mapping, override: Mapping | None, name: str) -> dict:
    out = dict(defaults)
    if override is not None:
        unknown = set(override) - set(defaults)
        if unknown:
            raise ParameterError(
                f"{name} has unknown key(s) {sorted(map(str, unknown))}; allowed: "
                f"{sorted(map(str, defaults))}"
            )
        out.update({k: float(v) for k, v in override.items()})
    return out


def _beta_shape(mean: float, concentration: float) -> tuple[float, float]:
    return mean * concentration, (1.0 - mean) * concentration


def simulate_survey(
    n: int,
    seed: int | None = 0,
    competition: str = "high",
    switching_cost: float = 0.3,
    *,
    segment_shares: Mapping[str, float] | None = None,
    satisfaction_coef: Mapping[str, float] | None = None,
    thresholds: tuple[float, float, float, float] = _THRESHOLDS,
    defection_logits: Mapping[int, float] | None = None,
    switching_cost_effect: float = _SWITCHING_COST_EFFECT,
    switching_cost_concentration: float = _SWITCHING_COST_CONCENTRATION,
    margins: Mapping[str, float] | None = None,
    spend_satisfaction_effect: float = _SPEND_SATISFACTION_EFFECT,
    spend_sigma: float = _SPEND_SIGMA,
    period: str = "Y",
) -> pd.DataFrame:
    """Draw a customer survey from a documented generative model (a simulation, not real data).

    The model turns the primer's verbal claims into equations. For customer ``i``:

    1. **Value discipline** of the firm the customer buys from (Treacy & Wiersema 1993):
       ``s_i ~ Categorical(pi)``, ``pi`` = ``segment_shares`` (default product_leadership 0.3,
       operational_excellence 0.4, customer_intimacy 0.3).
    2. **Value drivers**, five attribute ratings on the 1-5 scale, three benefits
       (``quality``, ``service``, ``relationship``; 5 = excellent) and two costs (``price``,
       ``effort``; 5 = very burdensome): ``x_ij = clip(round(m_sj + 0.9 z_ij), 1, 5)``,
       ``z_ij ~ N(0, 1)``, with discipline means ``m_sj`` (quality, service, relationship, price,
       effort): product leadership (4.2, 3.3, 3.0, 3.8, 2.8), operational excellence
       (3.3, 3.2, 2.8, 2.2, 2.0), customer intimacy (3.5, 4.0, 4.2, 3.2, 2.6).
       ``perceived_value`` is :func:`crmstudy.value.perceived_value` of these (difference form,
       equal weights).
    3. **Satisfaction**, an ordered logit (McCullagh 1980): latent
       ``S*_i = sum_j beta_j x_ij + e_i``, ``e_i ~ Logistic(0, 1)``, and the 1-5 rating is
       ``k`` when ``tau_{k-1} < S*_i <= tau_k`` (``tau_0 = -inf``, ``tau_5 = +inf``). Defaults
       ``beta`` = (quality 0.9, service 0.7, relationship 0.5, price -0.8, effort -0.5),
       ``tau`` = (-0.5, 1.5, 3.5, 5.5). So ``P(rating <= k) = logistic(tau_k - sum_j beta_j x_ij)``.
    4. **Switching cost** index ``c_i ~ Beta(mu kappa, (1 - mu) kappa)`` with mean
       ``mu = switching_cost`` and concentration ``kappa = 10`` (``c_i = mu`` exactly when mu is 0
       or 1).
    5. **Defection** over the next period (Jones & Sasser 1995): ``D_i ~ Bernoulli(p_i)``,
       ``logit p_i = alpha_{k(i)} - delta c_i``, with one log-odds ``alpha_k`` per satisfaction
       level (``defection_logits``) and ``delta = 2`` (``switching_cost_effect``). Defaults, at zero
       switching cost, levels 1..5:

       - ``competition="high"``: alpha = (3.6, 3.1, 2.7, 2.2955, -2.4): defection stays likely up
         to "satisfied" (4) and drops only at "completely satisfied" (5). This is the shape Jones &
         Sasser report for autos and personal computers; ``alpha_4`` is calibrated to their Xerox
         figure, completely satisfied customers six times as likely to repurchase as merely
         satisfied ones: ``r_5 / r_4 = 6`` at the reference mean switching cost 0.3
         (:data:`XEROX_RATIO`). The simulation is *set* to this ratio; it illustrates how to
         measure it and cannot confirm it.
       - ``competition="low"``: alpha = (0.2, -0.45, -1.1, -1.75, -2.4), a straight line
         ``0.2 - 0.65 (k - 1)``: customers mostly stay whatever their satisfaction, as in the
         regulated monopolies and hospitals of Jones & Sasser's "less competitive zone". Here the
         linear logit is the true model, so a test of linearity should not reject.

       Higher switching cost lowers every level's defection odds. Because the defaults have
       ``alpha_4 + alpha_5 <= 0`` (level 5 sits further below even odds than level 4 above them),
       the retention gap between levels 4 and 5 shrinks steadily as switching cost rises from 0
       to 1: it is widest where switching is cheap. At the default mean switching cost 0.3, high
       competition gives retention of about 0.05, 0.08, 0.11, 0.16, 0.95 at levels 1..5 and low
       competition about 0.60, 0.74, 0.85, 0.91, 0.95 (:func:`true_retention_curve`).
    6. **Spend** this period, in currency units: ``log y_i = lambda_s + eta (k(i) - 3) + sigma u_i``,
       ``u_i ~ N(0, 1)``, ``lambda_s = log`` (300, 450, 350) for (product leadership, operational
       excellence, customer intimacy), ``eta = 0.10`` (``spend_satisfaction_effect``), ``sigma = 0.6``
       (``spend_sigma``). **Profit** ``= margin_s * y_i`` with ``margin_s`` = (0.40, 0.12, 0.30)
       (``margins``): the leader's premium, the operator's thin margin on volume.

    Args:
        n: number of customers (>= 1).
        seed: seed of ``numpy.random.default_rng``; the same seed gives the same survey.
        competition: ``"high"`` or ``"low"``; chooses the default ``defection_logits``.
        switching_cost: mean switching-cost index ``mu`` in [0, 1] (0 = free to switch).
        segment_shares: override of ``pi``, keyed by discipline (normalised to sum to one).
        satisfaction_coef: override of ``beta``, keyed by driver name.
        thresholds: the four cut points ``tau_1 < ... < tau_4`` on the latent scale.
        defection_logits: override of ``alpha_k``, keyed by level 1..5.
        switching_cost_effect: ``delta``, log-odds of defection per unit of switching cost (>= 0).
        switching_cost_concentration: ``kappa`` (> 0); larger = customers more alike.
        margins: override of ``margin_s`` in [0, 1], keyed by discipline.
        spend_satisfaction_effect: ``eta``, log-spend per satisfaction point.
        spend_sigma: ``sigma`` (> 0), sd of log spend.
        period: the period that spend and defection refer to (``crmstudy.units`` code).

    Returns:
        DataFrame indexed by ``customer_id`` (1..n) with columns ``segment`` (value discipline),
        ``quality, service, relationship, price, effort`` (int ratings 1..5), ``perceived_value``
        (rating points), ``satisfaction`` (int 1..5), ``switching_cost`` ([0, 1]), ``defected``
        (0/1, over the next period), ``spend`` and ``profit`` (currency per period) and ``margin``.
        ``attrs["true_params"]`` holds every parameter used (plain dicts/floats), ``attrs["period"]``
        the period and ``attrs["competition"]`` the setting.

    Raises:
        ParameterError: a parameter outside its range (named with its allowed range).
    """
    n = check_whole(n, "n", minimum=1, what="customers")
    check_choice(competition, "competition", tuple(_DEFECTION_LOGITS))
    mu = _share("switching_cost", switching_cost)
    check_period(period)
    shares = _merge(_SEGMENT_SHARES, segment_shares, "segment_shares")
    if any(v < 0 for v in shares.values()) or sum(shares.values()) <= 0:
        raise ParameterError(f"segment_shares={shares} must be >= 0 and not all zero")
    beta = _merge(_SATISFACTION_COEF, satisfaction_coef, "satisfaction_coef")
    tau = np.asarray(thresholds, dtype=float)
    if tau.shape != (4,) or not np.all(np.isfinite(tau)) or np.any(np.diff(tau) <= 0):
        raise ParameterError(
            f"thresholds={tuple(thresholds)!r} must be four finite, strictly increasing cut points"
        )
    alpha = {int(k): v for k, v in _DEFECTION_LOGITS[competition].items()}
    alpha = _merge(alpha, None if defection_logits is None else dict(defection_logits), "alpha")
    marg = _merge(_MARGINS, margins, "margins")
    for k, v in marg.items():
        _share(f"margins['{k}']", v)
    check_number(switching_cost_effect, "switching_cost_effect", low=0.0)
    check_number(
        switching_cost_concentration, "switching_cost_concentration", low=0.0, low_open=True
    )
    check_number(spend_sigma, "spend_sigma", low=0.0, low_open=True)

    rng = as_generator(seed)
    p = np.array([shares[d] for d in DISCIPLINES])
    seg = rng.choice(len(DISCIPLINES), size=n, p=p / p.sum())
    means = np.array([[_DRIVER_MEANS[d][j] for j in DRIVERS] for d in DISCIPLINES])
    x = np.clip(np.round(means[seg] + _DRIVER_SD * rng.standard_normal((n, len(DRIVERS)))), 1, 5)
    x = x.astype(int)
    eta_lin = x @ np.array([beta[j] for j in DRIVERS])
    latent = eta_lin + rng.logistic(size=n)
    sat = 1 + np.searchsorted(tau, latent, side="left")
    if mu in (0.0, 1.0):
        c = np.full(n, mu)
    else:
        c = rng.beta(*_beta_shape(mu, switching_cost_concentration), size=n)
    a = np.array([alpha[k] for k in LEVELS])
    p_def = special.expit(a[sat - 1] - switching_cost_effect * c)
    defected = (rng.random(n) < p_def).astype(int)
    lam = np.array([_LOG_SPEND_MEAN[d] for d in DISCIPLINES])
    spend = np.exp(
        lam[seg] + spend_satisfaction_effect * (sat - 3) + spend_sigma * rng.standard_normal(n)
    )
    margin = np.array([marg[d] for d in DISCIPLINES])[seg]

    df = pd.DataFrame(x, columns=list(DRIVERS))
    df.insert(0, "segment", pd.Categorical.from_codes(seg, categories=list(DISCIPLINES)))
    df["perceived_value"] = perceived_value(df[list(BENEFIT_DRIVERS)], df[list(COST_DRIVERS)])
    df["satisfaction"] = sat.astype(int)
    df["switching_cost"] = c
    df["defected"] = defected
    df["spend"] = spend
    df["margin"] = margin
    df["profit"] = margin * spend
    df.index = pd.RangeIndex(1, n + 1, name="customer_id")
    df.attrs["period"] = period
    df.attrs["competition"] = competition
    df.attrs["true_params"] = {
        "segment_shares": {d: shares[d] / sum(shares.values()) for d in DISCIPLINES},
        "satisfaction_coef": {j: float(beta[j]) for j in DRIVERS},
        "thresholds": [float(t) for t in tau],
        "defection_logits": {k: float(alpha[k]) for k in LEVELS},
        "switching_cost_effect": float(switching_cost_effect),
        "switching_cost_mean": mu,
        "switching_cost_concentration": float(switching_cost_concentration),
        "margins": {d: float(marg[d]) for d in DISCIPLINES},
        "log_spend_mean": dict(_LOG_SPEND_MEAN),
        "spend_satisfaction_effect": float(spend_satisfaction_effect),
        "spend_sigma": float(spend_sigma),
    }
    return df


def true_retention_curve(
    competition: str = "high",
    switching_cost: float = 0.3,
    *,
    defection_logits: Mapping[int, float] | None = None,
    switching_cost_effect: float = _SWITCHING_COST_EFFECT,
    switching_cost_concentration: float = _SWITCHING_COST_CONCENTRATION,
) -> pd.Series:
    """Retention by satisfaction level implied by :func:`simulate_survey`'s defection model.

    ``r_k = 1 - E_c[logistic(alpha_k - delta c)]``, the expectation over the switching-cost
    distribution ``c ~ Beta(mu kappa, (1 - mu) kappa)`` taken by numerical quadrature (a point
    mass at ``mu`` when ``mu`` is 0 or 1). This is the population satisfaction-loyalty curve of
    Jones & Sasser (1995), against which a sample's curve can be checked.

    Args:
        competition: ``"high"`` or ``"low"`` (chooses the default ``alpha``).
        switching_cost: mean switching-cost index ``mu`` in [0, 1].
        defection_logits, switching_cost_effect, switching_cost_concentration: as in
            :func:`simulate_survey`.

    Returns:
        Series ``retention`` (per period, in [0, 1)) indexed by satisfaction level 1..5.
    """
    check_choice(competition, "competition", tuple(_DEFECTION_LOGITS))
    mu = _share("switching_cost", switching_cost)
    alpha = _merge(
        {int(k): v for k, v in _DEFECTION_LOGITS[competition].items()},
        None if defection_logits is None else dict(defection_logits),
        "defection_logits",
    )
    dist = stats.beta(*_beta_shape(mu, switching_cost_concentration)) if 0 < mu < 1 else None
    out = {}
    for k in LEVELS:
        if dist is None:
            p = special.expit(alpha[k] - switching_cost_effect * mu)
        else:
            p, _ = integrate.quad(
                lambda c, a=alpha[k]: special.expit(a - switching_cost_effect * c) * dist.pdf(c),
                0.0,
                1.0,
            )
        out[k] = 1.0 - p
    s = pd.Series(out, name="retention")
    s.index.name = "satisfaction"
    return s


def top_gap_by_switching_cost(
    switching_costs: np.ndarray | list[float], competitions: tuple[str, ...] = ("low", "high")
) -> pd.DataFrame:
    """Retention at levels 4 and 5, and the gap between them, as switching cost varies.

    Uses :func:`true_retention_curve` at each mean switching cost; the gap
    ``r_5 - r_4`` is the extra loyalty of a completely satisfied over a merely satisfied customer,
    Jones & Sasser's (1995) central quantity.

    Args:
        switching_costs: mean switching-cost indices in [0, 1].
        competitions: the settings to compute.

    Returns:
        Long DataFrame with ``competition``, ``switching_cost``, ``retention_4``, ``retention_5``,
        ``gap`` (retention per period).
    """
    rows = []
    for comp in competitions:
        for c in np.asarray(switching_costs, dtype=float):
            r = true_retention_curve(comp, float(c))
            rows.append((comp, float(c), r[4], r[5], r[5] - r[4]))
    cols = ["competition", "switching_cost", "retention_4", "retention_5", "gap"]
    return pd.DataFrame(rows, columns=cols)


def loyalty_curves(
    n: int,
    seed: int | None = 0,
    switching_cost: float = 0.3,
    competitions: tuple[str, ...] = ("low", "high"),
) -> pd.DataFrame:
    """The satisfaction-loyalty curve of a simulated sample under each competition setting.

    Draws one :func:`simulate_survey` per setting with the same ``n``, ``seed`` and
    ``switching_cost`` (so the customers and their ratings are identical and only the defection
    model differs), and sets the sample's retention by level
    (:func:`crmstudy.satisfaction.retention_by_satisfaction`) beside the population curve
    (:func:`true_retention_curve`).

    Returns:
        Long DataFrame with ``competition``, ``satisfaction``, ``customers``, ``retention``,
        ``se`` (binomial) and ``true_retention`` (per period).
    """
    frames = []
    for comp in competitions:
        survey = simulate_survey(n, seed=seed, competition=comp, switching_cost=switching_cost)
        obs = retention_by_satisfaction(survey)
        obs["true_retention"] = true_retention_curve(comp, switching_cost)[obs.index]
        frames.append(obs.reset_index().assign(competition=comp))
    out = pd.concat(frames, ignore_index=True)
    return out[["competition", "satisfaction", "customers", "retention", "se", "true_retention"]]


def true_parameters(true_params: Mapping[str, Any], model: str) -> pd.Series:
    """The simulation's true parameters, named and scaled as the fitted statsmodels parameters.

    Args:
        true_params: ``survey.attrs["true_params"]`` from :func:`simulate_survey`.
        model: ``"satisfaction"`` (:func:`crmstudy.satisfaction.fit_satisfaction_model`: the
            ``beta`` by driver, then ``tau_1`` named ``"1/2"`` and ``log(tau_k - tau_{k-1})`` named
            ``"2/3"``, ...), ``"defection"`` (the categorical logit of
            :func:`crmstudy.satisfaction.fit_defection_models`: ``sat_k`` = ``alpha_k`` and
            ``switching_cost`` = ``-delta``) or ``"spend"`` (:func:`crmstudy.value.fit_spend_model`:
            ``segment[s]`` = ``lambda_s`` and ``satisfaction_minus_3`` = ``eta``).
    """
    if model == "satisfaction":
        tau = np.asarray(true_params["thresholds"], dtype=float)
        coef = dict(true_params["satisfaction_coef"])
        names = [f"{k}/{k + 1}" for k in range(1, len(tau) + 1)]
        coef.update(zip(names, np.r_[tau[0], np.log(np.diff(tau))], strict=True))
    elif model == "defection":
        coef = {f"sat_{int(k)}": v for k, v in true_params["defection_logits"].items()}
        coef["switching_cost"] = -float(true_params["switching_cost_effect"])
    elif model == "spend":
        coef = {f"segment[{s}]": v for s, v in true_params["log_spend_mean"].items()}
        coef["satisfaction_minus_3"] = float(true_params["spend_satisfaction_effect"])
    else:
        check_choice(model, "model", ("satisfaction", "defection", "spend"))
    return pd.Series(coef, dtype=float, name="true")
