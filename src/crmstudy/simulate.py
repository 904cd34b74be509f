"""Seeded synthetic customer bases drawn from the buy-till-you-die models.

Each simulator draws every customer's latent traits from the model's mixing distributions, then
their purchases, so its output is an independent check of the model's closed-form predictions
(the Monte Carlo tests in ``tests/test_simulate.py``) and a benchmark input of any size.

* :func:`simulate_bgnbd`, :func:`simulate_mbgnbd`, :func:`simulate_paretonbd`: a customer summary
  (``frequency``, ``recency``, ``T`` in ``period``), plus the repeat purchases in a holdout window
  after T and whether the customer was alive at T.
* :func:`simulate_bgbb`: the discrete-opportunity BG/BB panel.
* :func:`simulate_spend`: Gamma-Gamma spend for a summary.
* :func:`simulate_bgnbd_log`, :func:`simulate_paretonbd_log`: a transaction log with columns
  ``customer_id``, ``date``, ``amount`` (the first purchase included), for benchmarks and for
  end-to-end tests of :mod:`crmstudy.transactions`.

Parameters are given in the order (and unit) of the model classes: BG/NBD ``(r, alpha, a, b)``,
Pareto/NBD ``(r, alpha, s, beta)``, BG/BB ``(alpha, beta, gamma, delta)``, Gamma-Gamma
``(p, q, gamma)``; rates are per ``period``. A mapping with those names works too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmstudy._checks import as_generator
from crmstudy.errors import ParameterError
from crmstudy.units import DAYS_PER_PERIOD, check_period

__all__ = [
    "simulate_bgnbd",
    "simulate_mbgnbd",
    "simulate_paretonbd",
    "simulate_bgbb",
    "simulate_spend",
    "simulate_bgnbd_log",
    "simulate_paretonbd_log",
]


def _params(params, names: Sequence[str]) -> list[float]:
    if isinstance(params, Mapping) or isinstance(params, pd.Series):
        try:
            values = [float(params[k]) for k in names]
        except KeyError as err:
            raise ParameterError(f"params must name {', '.join(names)}; missing {err}") from None
    else:
        values = [float(v) for v in params]
    if len(values) != len(names) or not all(np.isfinite(v) and v > 0 for v in values):
        raise ParameterError(
            f"params must be {len(names)} positive numbers ({', '.join(names)}), got {params!r}"
        )
    return values


def _ages(n_customers: int, T) -> np.ndarray:
    if not isinstance(n_customers, int | np.integer) or n_customers < 1:
        raise ParameterError(f"n_customers must be a positive integer, got {n_customers!r}")
    ages = np.broadcast_to(np.asarray(T, dtype=float), (n_customers,)).copy()
    if not np.all(np.isfinite(ages)) or np.any(ages <= 0):
        raise ParameterError("T (each customer's time since first purchase) must be > 0")
    return ages


def _poisson_times(rng, lam, horizon):
    """All event times of Poisson processes with rates ``lam`` on ``(0, horizon]``, per customer.

    Returns ``(owner, time, rank)``: sorted by customer then time; ``rank`` is 1 for a customer's
    first event. Given N ~ Poisson(lam H), the N times are iid uniform on (0, H].
    """
    counts = rng.poisson(lam * horizon)
    owner = np.repeat(np.arange(len(lam)), counts)
    time = rng.uniform(0.0, 1.0, size=owner.size) * horizon[owner]
    order = np.lexsort((time, owner))
    owner, time = owner[order], time[order]
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    rank = np.arange(owner.size) - starts + 1
    return owner, time, rank


def _summarise(n, owner, time, ages, holdout, alive):
    in_cal = time <= ages[owner]
    frequency = np.bincount(owner[in_cal], minlength=n)
    recency = np.zeros(n)
    np.maximum.at(recency, owner[in_cal], time[in_cal])
    in_hold = ~in_cal & (time <= ages[owner] + holdout)
    frame = pd.DataFrame(
        {
            "frequency": frequency.astype("int64"),
            "recency": recency,
            "T": ages,
            "frequency_holdout": np.bincount(owner[in_hold], minlength=n).astype("int64"),
            "alive": alive,
        },
        index=pd.Index([str(i + 1) for i in range(n)], name="customer_id"),
    )
    return frame


def _bg_events(rng, n_customers, params, T, holdout, shift):
    r, alpha, a, b = _params(params, ("r", "alpha", "a", "b"))
    ages = _ages(n_customers, T)
    lam = rng.gamma(r, 1.0 / alpha, size=n_customers)
    p = rng.beta(a, b, size=n_customers)
    # Purchases a customer makes before dying: geometric on {1, 2, ...} (death after the K-th
    # repeat purchase); MBG/NBD can also die at time 0, which shifts K to {0, 1, ...}.
    k_max = rng.geometric(p) - shift
    owner, time, rank = _poisson_times(rng, lam, ages + holdout)
    keep = rank <= k_max[owner]
    return ages, owner[keep], time[keep], k_max


def simulate_bgnbd(n_customers: int, params, T, holdout: float = 0.0, seed=0) -> pd.DataFrame:
    """A BG/NBD customer base (Fader, Hardie & Lee 2005a, section 2).

    ``T`` is each customer's time from first purchase to the end of calibration (scalar or array,
    in the unit of the rates), ``holdout`` the length of the window after T whose repeat purchases
    are counted in ``frequency_holdout``. Returns columns ``frequency``, ``recency``, ``T``,
    ``frequency_holdout`` and ``alive`` (not yet dropped out at T), indexed by ``customer_id``.
    """
    rng = as_generator(seed)
    ages, owner, time, k_max = _bg_events(rng, n_customers, params, T, holdout, shift=0)
    frame = _summarise(n_customers, owner, time, ages, holdout, alive=np.zeros(n_customers, bool))
    frame["alive"] = frame["frequency"].to_numpy() < k_max
    return frame


def simulate_mbgnbd(n_customers: int, params, T, holdout: float = 0.0, seed=0) -> pd.DataFrame:
    """An MBG/NBD customer base (Batislam, Denizel & Filiztekin 2007): as :func:`simulate_bgnbd`,
    but a customer may also drop out at time 0, right after the first purchase."""
    rng = as_generator(seed)
    ages, owner, time, k_max = _bg_events(rng, n_customers, params, T, holdout, shift=1)
    frame = _summarise(n_customers, owner, time, ages, holdout, alive=np.zeros(n_customers, bool))
    frame["alive"] = frame["frequency"].to_numpy() < k_max
    return frame


def _pareto_events(rng, n_customers, params, T, holdout):
    r, alpha, s, beta = _params(params, ("r", "alpha", "s", "beta"))
    ages = _ages(n_customers, T)
    lam = rng.gamma(r, 1.0 / alpha, size=n_customers)
    mu = rng.gamma(s, 1.0 / beta, size=n_customers)
    lifetime = rng.exponential(1.0 / mu)
    owner, time, _ = _poisson_times(rng, lam, ages + holdout)
    keep = time < lifetime[owner]
    return ages, owner[keep], time[keep], lifetime


def simulate_paretonbd(n_customers: int, params, T, holdout: float = 0.0, seed=0) -> pd.DataFrame:
    """A Pareto/NBD customer base (Schmittlein, Morrison & Colombo 1987): same columns as
    :func:`simulate_bgnbd`; a customer is alive at T if their exponential lifetime exceeds T."""
    rng = as_generator(seed)
    ages, owner, time, lifetime = _pareto_events(rng, n_customers, params, T, holdout)
    return _summarise(n_customers, owner, time, ages, holdout, alive=lifetime > ages)


def simulate_bgbb(
    n_customers: int, params, n_periods: int, n_future: int = 0, seed=0
) -> pd.DataFrame:
    """A BG/BB panel (Fader, Hardie & Shang 2010, section 2), one row per customer.

    Opportunities 1..``n_periods`` form the calibration; ``frequency_holdout`` counts transactions
    in the next ``n_future``. A customer alive at an opportunity transacts with probability p; at
    the start of every opportunity they first die with probability theta. ``alive`` is whether the
    customer is alive at opportunity ``n_periods + 1``.
    """
    alpha, beta, gamma, delta = _params(params, ("alpha", "beta", "gamma", "delta"))
    rng = as_generator(seed)
    p = rng.beta(alpha, beta, size=n_customers)
    theta = rng.beta(gamma, delta, size=n_customers)
    # Death before opportunity k (k = 1, 2, ...) happens at the geometric first "failure".
    death = rng.geometric(theta)  # the customer is alive at opportunities 1..death-1
    horizon = n_periods + n_future
    opportunity = np.arange(1, horizon + 1)[None, :]
    buys = (rng.uniform(size=(n_customers, horizon)) < p[:, None]) & (opportunity < death[:, None])
    cal = buys[:, :n_periods]
    frequency = cal.sum(axis=1)
    last = np.where(frequency > 0, n_periods - np.argmax(cal[:, ::-1], axis=1), 0)
    return pd.DataFrame(
        {
            "frequency": frequency.astype("int64"),
            "recency": last.astype("int64"),
            "n_periods": np.full(n_customers, n_periods, dtype="int64"),
            "frequency_holdout": buys[:, n_periods:].sum(axis=1).astype("int64"),
            "alive": death > n_periods + 1,
        }
    )


def simulate_spend(frequency, spend_params, seed=0) -> np.ndarray:
    """Gamma-Gamma mean spend per customer (Fader & Hardie 2013): ``monetary_value`` column.

    Each customer draws nu ~ Gamma(q, rate gamma), then the mean of ``frequency`` transactions
    z ~ Gamma(p, rate nu), i.e. Gamma(p x, rate x nu). 0 where frequency is 0.
    """
    p, q, g = _params(spend_params, ("p", "q", "gamma"))
    rng = as_generator(seed)
    x = np.asarray(frequency, dtype=float)
    nu = rng.gamma(q, 1.0 / g, size=x.shape)
    shape = np.where(x > 0, p * x, 1.0)
    mean = rng.gamma(shape, 1.0 / (np.where(x > 0, x, 1.0) * nu))
    return np.where(x > 0, mean, 0.0)


def _to_log(rng, n, owner, time, ages, period, spend_params, start):
    period = check_period(period)
    day = DAYS_PER_PERIOD[period]
    birth = ages.max() - ages  # everyone is observed until the same calendar date
    all_owner = np.concatenate([np.arange(n), owner])
    all_time = np.concatenate([birth, birth[owner] + time])
    order = np.lexsort((all_time, all_owner))
    all_owner, all_time = all_owner[order], all_time[order]
    if spend_params is None:
        amount = np.ones(all_owner.size)
    else:
        p, q, g = _params(spend_params, ("p", "q", "gamma"))
        nu = rng.gamma(q, 1.0 / g, size=n)
        amount = rng.gamma(p, 1.0 / nu[all_owner])
    dates = pd.Timestamp(start) + pd.to_timedelta(all_time * day, unit="D")
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(all_owner + 1).astype(str).to_numpy(),
            "date": dates,
            "amount": np.round(amount, 2),
        }
    )
    frame.attrs.update(
        period=period,
        observation_end=str(pd.Timestamp(start) + pd.to_timedelta(ages.max() * day, unit="D")),
        source="crmstudy.simulate",
    )
    return frame


def simulate_bgnbd_log(
    n_customers: int,
    params,
    T,
    period: str = "W",
    spend_params=None,
    start: str = "2020-01-01",
    seed=0,
) -> pd.DataFrame:
    """A BG/NBD transaction log: columns ``customer_id`` (str), ``date``, ``amount``.

    Customer i makes the first purchase ``max(T) - T_i`` periods after ``start`` and is observed
    until ``start + max(T)`` (``attrs["observation_end"]``). Times are continuous (timestamps
    keep the time of day); two purchases on one day are merged by
    :func:`crmstudy.transactions.rfm_summary`, so its summary can differ slightly from the
    simulated process when rates are high. ``amount`` is Gamma-Gamma spend with ``spend_params``
    ``(p, q, gamma)``, or 1.0 when None.
    """
    rng = as_generator(seed)
    ages, owner, time, _ = _bg_events(rng, n_customers, params, T, 0.0, shift=0)
    return _to_log(rng, n_customers, owner, time, ages, period, spend_params, start)


def simulate_paretonbd_log(
    n_customers: int,
    params,
    T,
    period: str = "W",
    spend_params=None,
    start: str = "2020-01-01",
    seed=0,
) -> pd.DataFrame:
    """A Pareto/NBD transaction log; see :func:`simulate_bgnbd_log` for the columns and dates."""
    rng = as_generator(seed)
    ages, owner, time, _ = _pareto_events(rng, n_customers, params, T, 0.0)
    return _to_log(rng, n_customers, owner, time, ages, period, spend_params, start)
