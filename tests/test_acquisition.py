"""Tests for crmstudy.acquisition: Blattberg & Deighton (1996) and Pfeifer (2005).

Reference values come from independent computations written here: the customer equity test as a
direct sum of period cash flows, a brute-force grid search for the optimum, finite differences for
the marginal costs and returns, and a period-by-period simulation of a customer base for the
keep-or-replace break-even.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from crmstudy import acquisition as acq
from crmstudy import keep_or_replace
from crmstudy.errors import DataError, ParameterError

# A firm whose optimum is interior for every quoted ratio (the notebook's defaults).
BASE = dict(margin=100.0, discount_rate=0.10, a_max=0.4, k_a=0.032, r_max=0.8, k_r=0.2)


def ce_reference(A, R, margin, discount_rate, a_max, k_a, r_max, k_r):
    """The B&D customer equity test written out independently of the module."""
    a = a_max * (1 - np.exp(-k_a * A))
    r = r_max * (1 - np.exp(-k_r * R))
    d = discount_rate
    return a * margin - A + a * (margin - R / r) * r / (1 + d - r)


def ce_direct_sum(A, R, margin, discount_rate, a_max, k_a, r_max, k_r, periods=3000):
    """Per prospect: spend A, win a customer with prob. a who pays m now; each later period spend
    R per remaining customer, keep each with prob. r, who pays m. Summed period by period."""
    a = a_max * (1 - np.exp(-k_a * A))
    r = r_max * (1 - np.exp(-k_r * R))
    total = a * margin - A
    alive = a  # expected customers per prospect at the end of period 0
    for t in range(1, periods):
        spend = alive * R
        alive = alive * r
        total += (alive * margin - spend) / (1 + discount_rate) ** t
    return total


# --------------------------------------------------------------------------------------------
# response curves, value and equity
# --------------------------------------------------------------------------------------------


def test_response_curves_shape():
    assert acq.acquisition_response(0.0, 0.4, 0.05) == 0.0
    # a(A) at A = ln 2 / k_a is half the ceiling.
    assert acq.acquisition_response(np.log(2) / 0.05, 0.4, 0.05) == pytest.approx(0.2, rel=1e-12)
    assert acq.retention_response(1e4, 0.8, 0.2) == pytest.approx(0.8, rel=1e-12)
    out = acq.retention_response(np.array([0.0, 5.0, 10.0]), 0.8, 0.2)
    np.testing.assert_allclose(out, 0.8 * (1 - np.exp(-0.2 * np.array([0.0, 5.0, 10.0]))))


@pytest.mark.parametrize("A,R", [(0.0, 0.0), (10.0, 5.0), (40.0, 25.0), (3.0, 60.0)])
def test_customer_equity_test_matches_direct_sum(A, R):
    expected = ce_direct_sum(A, R, **BASE)
    assert acq.customer_equity_test(A, R, **BASE) == pytest.approx(expected, rel=1e-10, abs=1e-10)


def test_customer_value_closed_form():
    # V = (m (1 + d) - R) / (1 + d - r), the rewritten bracket (module notes, eq. 1).
    R = np.array([0.0, 1.0, 19.0, 80.0])
    r = 0.8 * (1 - np.exp(-0.2 * R))
    expected = (100 * 1.1 - R) / (1.1 - r)
    got = acq.customer_value(R, 100.0, 0.10, 0.8, 0.2)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_retention_budget_is_discounted_spend():
    A, R = 30.0, 20.0
    a = 0.4 * (1 - np.exp(-0.032 * A))
    r = 0.8 * (1 - np.exp(-0.2 * R))
    direct = sum(a * r ** (t - 1) * R / 1.1**t for t in range(1, 3000))
    got = acq.retention_budget(A, R, 0.10, 0.4, 0.032, 0.8, 0.2)
    assert got == pytest.approx(direct, rel=1e-10)


def test_average_costs():
    assert acq.average_cost_per_acquired(30.0, 0.25) == pytest.approx(120.0)
    assert acq.average_cost_per_retained(20.0, 0.8) == pytest.approx(25.0)
    assert np.isnan(acq.average_cost_per_retained(0.0, 0.0))
    assert acq.average_cost_per_acquired(5.0, 0.0) == np.inf


def test_marginal_costs_match_finite_differences():
    A, R, h = 23.0, 11.0, 1e-5
    mc = acq.marginal_costs(A, R, 0.4, 0.032, 0.8, 0.2)
    da = acq.acquisition_response(A + h, 0.4, 0.032) - acq.acquisition_response(A - h, 0.4, 0.032)
    dr = acq.retention_response(R + h, 0.8, 0.2) - acq.retention_response(R - h, 0.8, 0.2)
    assert mc.acquisition == pytest.approx(2 * h / da, rel=1e-7)
    assert mc.retention == pytest.approx(2 * h / dr, rel=1e-7)


def test_average_cost_tends_to_first_customer_cost():
    # At vanishing spend, A / a(A) -> 1 / (a_max k_a): the calibration point of cost_ratio.
    a_max, r_max, k_r = 0.4, 0.8, 0.2
    k_a = acq.acquisition_efficiency_for_ratio(5.0, a_max, r_max, k_r)
    eps = 1e-7
    avg_a = eps / acq.acquisition_response(eps, a_max, k_a)
    avg_r = eps / acq.retention_response(eps, r_max, k_r)
    assert avg_a / avg_r == pytest.approx(5.0, rel=1e-6)
    assert acq.first_customer_cost_ratio(a_max, k_a, r_max, k_r) == pytest.approx(5.0)


# --------------------------------------------------------------------------------------------
# the optimum
# --------------------------------------------------------------------------------------------


def brute_force_optimum(params, A_max=150.0, R_max=100.0):
    """Grid search over (A, R): a coarse grid, then a fine grid around its best cell."""
    A = np.linspace(0.0, A_max, 601)
    R = np.linspace(0.0, R_max, 401)[1:]  # R = 0 has r = 0: handled by the corner tests
    ce = ce_reference(A[:, None], R[None, :], **params)
    i, j = np.unravel_index(np.argmax(ce), ce.shape)
    step_a, step_r = A[1] - A[0], R[1] - R[0]
    A2 = np.clip(np.linspace(A[i] - step_a, A[i] + step_a, 2001), 0.0, None)
    R2 = np.clip(np.linspace(R[j] - step_r, R[j] + step_r, 2001), 1e-12, None)
    ce2 = ce_reference(A2[:, None], R2[None, :], **params)
    i2, j2 = np.unravel_index(np.argmax(ce2), ce2.shape)
    return A2[i2], R2[j2], ce2[i2, j2], (A2[1] - A2[0], R2[1] - R2[0])


@pytest.mark.parametrize(
    "params",
    [
        BASE,
        {**BASE, "k_a": 0.08, "discount_rate": 0.2},
        {**BASE, "margin": 40.0, "a_max": 0.2, "k_a": 0.3, "r_max": 0.6, "k_r": 0.1},
        {**BASE, "margin": 250.0, "k_a": 0.01, "r_max": 0.9, "k_r": 0.05},
    ],
)
def test_optimal_spend_matches_brute_force_grid(params):
    opt = acq.optimal_spend(**params)
    A, R, ce, (da, dr) = brute_force_optimum(params)
    assert 0 < A < 150 and 0 < R < 100  # interior cases
    assert opt["acquisition_spend"] == pytest.approx(A, abs=2 * da)
    assert opt["retention_spend"] == pytest.approx(R, abs=2 * dr)
    # The optimiser is at least as good as the best grid point, and not better than possible.
    assert opt["customer_equity"] >= ce - 1e-9
    assert opt["customer_equity"] == pytest.approx(ce, abs=1e-6)
    assert opt["customer_equity"] == pytest.approx(
        ce_reference(opt["acquisition_spend"], opt["retention_spend"], **params), rel=1e-12
    )


def test_optimal_spend_agrees_with_generic_scipy_maximiser():
    # A second, derivative-free route: Nelder-Mead on the negative customer equity.
    res = optimize.minimize(
        lambda x: -ce_reference(abs(x[0]), abs(x[1]), **BASE),
        x0=[10.0, 10.0],
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000},
    )
    opt = acq.optimal_spend(**BASE)
    assert opt["acquisition_spend"] == pytest.approx(abs(res.x[0]), rel=1e-5)
    assert opt["retention_spend"] == pytest.approx(abs(res.x[1]), rel=1e-5)


def test_first_order_conditions_and_pfeifer_identity_by_finite_differences():
    """At the optimum, MC_a = MC_r = V (Pfeifer 2005), derived in the module notes.

    Every quantity is recomputed here from its definition: marginal costs as inverse slopes of the
    response curves, V as the direct sum of one customer's discounted margins net of retention
    spend, and the gradient of the customer equity by central differences.
    """
    p = BASE
    opt = acq.optimal_spend(**p)
    A, R = opt["acquisition_spend"], opt["retention_spend"]
    h = 1e-4
    a = lambda x: p["a_max"] * (1 - np.exp(-p["k_a"] * x))  # noqa: E731
    r = lambda x: p["r_max"] * (1 - np.exp(-p["k_r"] * x))  # noqa: E731
    mc_a = 2 * h / (a(A + h) - a(A - h))
    mc_r = 2 * h / (r(R + h) - r(R - h))
    rr, d, m = r(R), p["discount_rate"], p["margin"]
    value = m + sum((m * rr**t - R * rr ** (t - 1)) / (1 + d) ** t for t in range(1, 3000))
    assert mc_a == pytest.approx(value, rel=1e-7)
    assert mc_r == pytest.approx(value, rel=1e-7)
    assert opt["customer_value"] == pytest.approx(value, rel=1e-10)
    assert opt["marginal_cost_acquired"] == pytest.approx(value, rel=1e-9)
    assert opt["marginal_cost_retained"] == pytest.approx(value, rel=1e-9)
    assert opt["marginal_cost_ratio"] == pytest.approx(1.0, rel=1e-9)
    # Gradient of the customer equity is zero.
    dce_da = (ce_reference(A + h, R, **p) - ce_reference(A - h, R, **p)) / (2 * h)
    dce_dr = (ce_reference(A, R + h, **p) - ce_reference(A, R - h, **p)) / (2 * h)
    assert abs(dce_da) < 1e-7 and abs(dce_dr) < 1e-7


def test_average_costs_below_marginal_at_optimum_and_ratio_is_not_one():
    opt = acq.optimal_spend(**BASE)
    v = opt["customer_value"]
    assert opt["average_cost_acquired"] < v and opt["average_cost_retained"] < v
    assert opt["average_cost_acquired"] == pytest.approx(
        opt["acquisition_spend"] / opt["acquisition_rate"]
    )
    assert opt["average_cost_ratio"] > 2  # acquisition dearer on average, marginal ratio is 1


def test_equal_first_customer_costs_give_average_ratio_one():
    # With a_max k_a = r_max k_r the FOCs give k_a A* = k_r R*, hence A*/a* = R*/r* exactly.
    k_a = acq.acquisition_efficiency_for_ratio(1.0, 0.4, 0.8, 0.2)
    opt = acq.optimal_spend(100.0, 0.1, 0.4, k_a, 0.8, 0.2)
    assert opt["average_cost_ratio"] == pytest.approx(1.0, rel=1e-10)


def test_corner_no_retention_spend_when_first_dollar_does_not_pay():
    # r_max k_r m = 0.8 * 0.01 * 100 = 0.8 < 1: V(R) falls from R = 0.
    p = {**BASE, "k_r": 0.01}
    opt = acq.optimal_spend(**p)
    assert opt["retention_spend"] == 0.0
    assert opt["customer_value"] == pytest.approx(p["margin"])
    R = np.linspace(0.0, 200.0, 2001)
    r = 0.8 * (1 - np.exp(-0.01 * R))
    v = np.where(R > 0, 100.0 + (100.0 * r - R) / (1.1 - r), 100.0)
    assert np.argmax(v) == 0
    # Acquisition still pays: A* = ln(a_max k_a m) / k_a.
    assert opt["acquisition_spend"] == pytest.approx(np.log(0.4 * 0.032 * 100) / 0.032)


def test_corner_no_acquisition_when_first_customer_costs_more_than_value():
    p = {**BASE, "k_a": 0.005}  # 1 / (a_max k_a) = 500 > V* = 286
    opt = acq.optimal_spend(**p)
    assert opt["acquisition_spend"] == 0.0 and opt["customer_equity"] == 0.0
    A = np.linspace(0.0, 200.0, 2001)
    assert np.all(ce_reference(A, opt["retention_spend"], **p) <= 1e-12)
    assert np.isnan(opt["retention_budget_share"])


def test_retention_budget_share_definition():
    opt = acq.optimal_spend(**BASE)
    budget = acq.retention_budget(
        opt["acquisition_spend"], opt["retention_spend"], 0.10, 0.4, 0.032, 0.8, 0.2
    )
    assert opt["retention_budget"] == pytest.approx(budget)
    assert opt["retention_budget_share"] == pytest.approx(
        budget / (budget + opt["acquisition_spend"])
    )


def test_cost_ratio_sweep():
    sweep = acq.cost_ratio_sweep([1, 5, 25], [50.0, 100.0], 0.1, 0.4, 0.8, 0.2)
    assert len(sweep) == 6 and set(sweep["margin"]) == {50.0, 100.0}
    row = sweep[(sweep.margin == 100.0) & (sweep.cost_ratio == 5)].iloc[0]
    opt = acq.optimal_spend(100.0, 0.1, 0.4, row["k_a"], 0.8, 0.2)
    assert row["acquisition_spend"] == pytest.approx(opt["acquisition_spend"])
    assert row["k_a"] == pytest.approx(0.8 * 0.2 / (0.4 * 5))
    # R* does not depend on the acquisition curve (separability, module notes).
    assert sweep.groupby("margin")["retention_spend"].nunique().eq(1).all()


def test_response_curves_table():
    table = acq.response_curves(np.array([0.0, 10.0]), 0.4, 0.032, 0.8, 0.2)
    assert list(table.columns[:3]) == ["spend", "acquisition_rate", "retention_rate"]
    assert table.loc[1, "average_cost_retained"] == pytest.approx(10.0 / (0.8 * (1 - np.exp(-2.0))))


# --------------------------------------------------------------------------------------------
# the next dollar
# --------------------------------------------------------------------------------------------


def test_marginal_dollar_returns_match_finite_differences():
    p = BASE
    A, R, h = 12.0, 35.0, 1e-5
    out = acq.marginal_dollar_map([A], [R], **p).iloc[0]
    dce_da = (ce_reference(A + h, R, **p) - ce_reference(A - h, R, **p)) / (2 * h)
    args = (p["discount_rate"], p["a_max"], p["k_a"], p["r_max"], p["k_r"])
    dce_dr = (ce_reference(A, R + h, **p) - ce_reference(A, R - h, **p)) / (2 * h)
    db_dr = (acq.retention_budget(A, R + h, *args) - acq.retention_budget(A, R - h, *args)) / (
        2 * h
    )
    assert out["return_acquisition"] == pytest.approx(dce_da, rel=1e-6)
    assert out["return_retention"] == pytest.approx(dce_dr / db_dr, rel=1e-6)


def test_favour_retention_is_wrong_somewhere_and_right_elsewhere():
    grid = acq.marginal_dollar_map(
        np.linspace(1, 80, 40), np.linspace(1, 80, 40), **BASE, claimed_ratio=5.0
    )
    cheap = grid[grid.average_cost_ratio >= 5]
    assert (cheap.next_dollar == "acquisition").any()  # retention 5x cheaper, dollar to acquisition
    assert (cheap.next_dollar == "retention").any()
    wrong = grid.favour_retention_wrong
    assert wrong.equals((grid.average_cost_ratio >= 5) & (grid.next_dollar != "retention"))


def test_marginal_dollar_is_neutral_at_the_optimum():
    opt = acq.optimal_spend(**BASE)
    out = acq.marginal_dollar_map(
        [opt["acquisition_spend"]], [opt["retention_spend"]], **BASE
    ).iloc[0]
    assert abs(out["return_acquisition"]) < 1e-8 and abs(out["return_retention"]) < 1e-8


# --------------------------------------------------------------------------------------------
# keep or replace: the break-even against a simulated customer base
# --------------------------------------------------------------------------------------------


def simulate_policy(keep, replace, spend, m, r, r0, c_a, d, n_slots=20000, periods=220, seed=1):
    """Monte Carlo of ``n_slots`` customer slots: discounted profit per slot from period 1 on.

    Each period every current customer is up for renewal: with ``keep`` the firm spends ``spend``
    on them and they stay with probability ``r`` (else ``r0``). A customer who stays pays ``m``.
    A lost customer is, with ``replace``, replaced at cost ``c_a`` by a new one who pays ``m``;
    without, the slot stays empty. The same random numbers serve every policy.
    """
    rng = np.random.default_rng(seed)
    filled = np.ones(n_slots, dtype=bool)
    total = 0.0
    for t in range(1, periods):
        u = rng.random(n_slots)
        cost = filled * spend if keep else 0.0
        stays = filled & (u < (r if keep else r0))
        lost = filled & ~stays
        cash = stays * m - cost
        if replace:
            cash = cash + lost * (m - c_a)
            filled = stays | lost
        else:
            filled = stays
        total += cash.sum() / (1 + d) ** t
    return total / n_slots


def expected_policy(keep, replace, spend, m, r, r0, c_a, d, periods=600):
    """The same policy with expected counts instead of draws (a deterministic recursion)."""
    filled, total = 1.0, 0.0
    for t in range(1, periods):
        stay = r if keep else r0
        cash = filled * (stay * m - (spend if keep else 0.0))
        if replace:
            cash += filled * (1 - stay) * (m - c_a)
        else:
            filled *= stay
        total += cash / (1 + d) ** t
    return total


def keep_advantage(policy, cost_per_retained, m, r, r0, c_a, d):
    spend = r * cost_per_retained
    keep = max(policy(True, rep, spend, m, r, r0, c_a, d) for rep in (True, False))
    no_keep = max(policy(False, rep, spend, m, r, r0, c_a, d) for rep in (True, False))
    return keep - no_keep


CASES = [
    # (margin, retention, discount_rate, acquisition_cost, baseline_retention)
    (100.0, 0.7, 0.10, 60.0, 0.0),  # replacing pays: break-even c_R = c_A
    (100.0, 0.7, 0.10, 160.0, 0.0),  # replacing does not pay: break-even c_R = m
    (100.0, 0.8, 0.15, 60.0, 0.4),  # baseline retention, replacing pays
    (50.0, 0.85, 0.08, 120.0, 0.5),  # baseline retention, letting go: discount rate matters
]


@pytest.mark.parametrize("case", CASES)
def test_break_even_against_simulated_customer_base(case):
    m, r, d, c_a, r0 = case
    be = keep_or_replace.break_even_cost_ratio(m, r, d, c_a, baseline_retention=r0)
    c_star = be["max_cost_per_retained"]
    assert be["break_even_ratio"] == pytest.approx(c_a / c_star)
    # Monte Carlo: 15% cheaper retention -> keeping wins; 15% dearer -> it loses.
    assert keep_advantage(simulate_policy, 0.85 * c_star, m, r, r0, c_a, d) > 0
    assert keep_advantage(simulate_policy, 1.15 * c_star, m, r, r0, c_a, d) < 0
    # Expected-value recursion: the root of the keep advantage is the closed form.
    root = optimize.brentq(
        lambda c: keep_advantage(expected_policy, c, m, r, r0, c_a, d), 0.01, 3 * c_star
    )
    assert root == pytest.approx(c_star, rel=1e-8)


def test_break_even_without_baseline_is_min_of_acquisition_cost_and_margin():
    for r in (0.3, 0.6, 0.95):
        for d in (0.01, 0.1, 0.5):
            assert (
                keep_or_replace.break_even_cost_ratio(100.0, r, d, 60.0)["break_even_ratio"] == 1.0
            )
            got = keep_or_replace.break_even_cost_ratio(100.0, r, d, 150.0)["max_cost_per_retained"]
            assert got == pytest.approx(100.0)


def test_break_even_with_baseline_depends_on_discount_rate_when_letting_go():
    low = keep_or_replace.break_even_cost_ratio(50.0, 0.85, 0.02, 120.0, baseline_retention=0.5)
    high = keep_or_replace.break_even_cost_ratio(50.0, 0.85, 0.30, 120.0, baseline_retention=0.5)
    assert low["max_cost_per_retained"] != pytest.approx(high["max_cost_per_retained"])


# --------------------------------------------------------------------------------------------
# validation: errors name the parameter
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change,name",
    [
        ({"a_max": 1.0}, "a_max"),
        ({"r_max": -0.1}, "r_max"),
        ({"k_a": 0.0}, "k_a"),
        ({"k_r": -1.0}, "k_r"),
        ({"margin": 0.0}, "margin"),
        ({"discount_rate": -0.1}, "discount_rate"),
        ({"k_r": float("nan")}, "k_r"),
    ],
)
def test_optimal_spend_rejects_bad_parameters(change, name):
    with pytest.raises(ParameterError, match=name):
        acq.optimal_spend(**{**BASE, **change})


def test_spend_and_rate_validation_names_the_argument():
    with pytest.raises(ParameterError, match="acquisition_spend"):
        acq.customer_equity_test(-1.0, 5.0, **BASE)
    with pytest.raises(ParameterError, match="retention_spend"):
        acq.customer_equity_test(1.0, np.array([5.0, -2.0]), **BASE)
    with pytest.raises(ParameterError, match="retention_rate"):
        acq.average_cost_per_retained(5.0, 1.0)
    with pytest.raises(ParameterError, match="cost_ratio"):
        acq.acquisition_efficiency_for_ratio(0.0, 0.4, 0.8, 0.2)
    with pytest.raises(ParameterError, match="retention"):
        keep_or_replace.break_even_cost_ratio(100.0, 0.3, 0.1, 50.0, baseline_retention=0.4)
    with pytest.raises(ParameterError, match="discount_rate"):
        keep_or_replace.break_even_cost_ratio(100.0, 0.7, 0.0, 50.0)


def test_quoted_ratios_are_pfeifers():
    # Pfeifer (2005, introduction), citing Sterne: "three, five, six, ten, 11, 12 and 20".
    assert acq.QUOTED_COST_RATIOS == (3, 5, 6, 10, 11, 12, 20)
    assert isinstance(
        acq.cost_ratio_sweep(acq.QUOTED_COST_RATIOS, [100.0], **_sweep()), pd.DataFrame
    )


def _sweep():
    return dict(discount_rate=0.1, a_max=0.4, r_max=0.8, k_r=0.2)


def test_under_acquisition_check_finds_the_maxim_wrong_for_dear_acquisition():
    table = acq.under_acquisition_check([3, 20], **_sweep(), margin=100.0)
    assert list(table.cost_ratio) == [3.0, 20.0]
    # Both firms under-spend on acquisition, so the next dollar belongs there ...
    assert (table.next_dollar == "acquisition").all()
    # ... and it earns V / MC_a - 1 > 0, recomputed here from the curve's slope at A*/2.
    row = table.iloc[1]
    k_a = 0.8 * 0.2 / (0.4 * 20)
    opt = acq.optimal_spend(100.0, 0.1, 0.4, k_a, 0.8, 0.2)
    A = opt["acquisition_spend"] / 2
    assert row["acquisition_spend"] == pytest.approx(A)
    slope = 0.4 * k_a * np.exp(-k_a * A)
    assert row["return_acquisition"] == pytest.approx(opt["customer_value"] * slope - 1)
    # For the 20x firm retention is still more than 5x cheaper on average: the maxim misleads.
    assert row["average_cost_ratio"] > 5 and row["favour_retention_wrong"]
    assert not table.iloc[0]["favour_retention_wrong"]


def test_under_acquisition_check_skips_firms_that_should_not_acquire():
    table = acq.under_acquisition_check([1000.0], **_sweep(), margin=100.0)
    assert table.empty


def test_average_cost_ratio_at_optimum_rises_to_its_bound_and_budget_share_falls():
    # Dearer acquisition (larger first-customer ratio): the average acquisition cost at the
    # optimum rises, so the average cost ratio rises and the retention budget share falls, and
    # the ratio stays below V* r* / R* (module notes), approached as acquisition stops paying.
    p = _sweep()
    bound = acq.average_cost_ratio_bound(100.0, p["discount_rate"], p["r_max"], p["k_r"])
    opt = acq.optimal_spend(100.0, 0.1, 0.4, 0.1, 0.8, 0.2)  # any acquisition curve
    v, r, R = opt["customer_value"], opt["retention_rate"], opt["retention_spend"]
    assert bound == pytest.approx(v * r / R)
    # The ratio at which acquisition stops paying: a_max k_a V* = 1.
    c_max = p["r_max"] * p["k_r"] * v
    ratios = np.concatenate([np.linspace(1, 40, 40), [c_max * (1 - 1e-6)]])
    sweep = acq.cost_ratio_sweep(ratios, [100.0], **p)
    assert np.all(np.diff(sweep["average_cost_ratio"]) > 0)
    assert np.all(np.diff(sweep["retention_budget_share"]) < 0)
    assert np.all(sweep["average_cost_ratio"] < bound)
    assert sweep["average_cost_ratio"].iloc[-1] == pytest.approx(bound, rel=1e-4)
    assert np.isnan(acq.average_cost_ratio_bound(100.0, 0.1, 0.8, 0.001))


def test_customer_value_breakdown_by_hand():
    # R = 5: r = 0.8 (1 - e^-1); gross = m (1 + d) / (1 + d - r); spending = R / (1 + d - r).
    m, d = BASE["margin"], BASE["discount_rate"]
    r = 0.8 * (1 - np.exp(-1.0))
    got = acq.customer_value_breakdown(5.0, m, d, BASE["r_max"], BASE["k_r"])
    assert got["gross_lifetime_value"] == pytest.approx(m * (1 + d) / (1 + d - r))
    assert got["retention_spending"] == pytest.approx(5.0 / (1 + d - r))
    # The direct sum of discounted spending on the customers left: sum_t R r^(t-1) / (1 + d)^t.
    direct = sum(5.0 * r ** (t - 1) / (1 + d) ** t for t in range(1, 2000))
    assert got["retention_spending"] == pytest.approx(direct)
    assert got["customer_value"] == pytest.approx(acq.customer_value(5.0, m, d, 0.8, 0.2))


def test_next_dollar_shares_counts_the_cheap_rows():
    grid = pd.DataFrame(
        {
            "average_cost_ratio": [6.0, 5.0, 7.0, 2.0, 9.0],
            "next_dollar": ["retention", "acquisition", "acquisition", "retention", "neither"],
            "favour_retention_wrong": [False, True, True, False, True],
        }
    )
    shares = acq.next_dollar_shares(grid, claimed_ratio=5.0)
    # Four rows at >= 5x: one retention, two acquisition, one neither.
    assert shares.to_dict() == pytest.approx(
        {"retention": 0.25, "acquisition": 0.5, "neither": 0.25}
    )
    assert shares.attrs["rows"] == 4
    assert shares.attrs["favour_retention_wrong"] == pytest.approx(0.75)
    none = acq.next_dollar_shares(grid, claimed_ratio=100.0)
    assert none.isna().all() and none.attrs["rows"] == 0
    with pytest.raises(DataError, match="marginal_dollar_map"):
        acq.next_dollar_shares(grid.drop(columns="next_dollar"))


def test_value_by_repeat_status_by_hand():
    ids = pd.Index([1, 2, 3, 4, 5], name="customer_id")
    values = pd.Series([10.0, 30.0, 2.0, 4.0, 50.0], index=ids)
    frequency = pd.Series([1, 3, 0, 0, 2], index=ids)
    got = acq.value_by_repeat_status(values, frequency)
    came_back = got.loc["repeat buyers"]
    assert (came_back["count"], came_back["mean"], came_back["median"]) == (3, 30.0, 30.0)
    once = got.loc["one purchase so far"]
    assert (once["count"], once["mean"], once["median"]) == (2, 3.0, 3.0)
    with pytest.raises(DataError, match="same customers"):
        acq.value_by_repeat_status(values, frequency.iloc[::-1])
    with pytest.raises(DataError, match=r"frequency has 1 value\(s\).*row 3: -1"):
        acq.value_by_repeat_status(values, frequency.where(ids != 3, -1))


def test_break_even_moved_to_keep_or_replace():
    with pytest.warns(DeprecationWarning, match="crmstudy.keep_or_replace.break_even_cost_ratio"):
        old = acq.break_even_cost_ratio
    assert old is keep_or_replace.break_even_cost_ratio
