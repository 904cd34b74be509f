"""crmstudy.targeting: capture shares, ties, the bootstrap, RFM quintiles and the verdict rule.

Reference values are computed by hand (the tied example), by brute force over every tie-breaking
order and every bootstrap resample of a tiny base, and by the delta method for the bootstrap's
spread when the score carries no information.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from crmstudy.concentration import top_share
from crmstudy.errors import DataError, ParameterError
from crmstudy.targeting import (
    capture_differences,
    capture_share,
    compare_targeting,
    gains_curve,
    model_scores,
    past_spend,
    rfm_scores,
    top_group_weights,
    verdict_find_top_20,
)

# Ten customers; the top 20% is k = 2. Customer 0 is alone at the top; customers 1-3 tie at 4,
# so the cut falls inside their block and each counts 1/3.
SCORE = np.array([5, 4, 4, 4, 1, 0, 0, 0, 0, 0], dtype=float)
REVENUE = np.array([10, 6, 0, 3, 1, 0, 0, 0, 0, 0], dtype=float)


def frame(score=SCORE, revenue=REVENUE, transactions=None):
    n = len(revenue)
    transactions = (revenue > 0).astype(int) if transactions is None else transactions
    return pd.DataFrame(
        {"amount_holdout": revenue, "frequency_holdout": transactions, "score": score},
        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"),
    )


def test_hand_computed_example_with_ties():
    w = top_group_weights(SCORE, 0.2)
    assert w.tolist() == pytest.approx([1, 1 / 3, 1 / 3, 1 / 3, 0, 0, 0, 0, 0, 0])
    assert w.sum() == pytest.approx(2.0)
    # (10 + (6 + 0 + 3) / 3) / 20 = 13 / 20.
    assert capture_share(SCORE, REVENUE, 0.2) == pytest.approx(0.65)
    table = compare_targeting(frame(), {"score": SCORE}, n_boot=0)
    assert table.loc["score", "capture"] == pytest.approx(0.65)
    assert table.loc["score", "lift"] == pytest.approx(0.65 / 0.2)
    # The oracle's top 2 are customers 0 and 1: 16 / 20.
    assert table.loc["oracle", "capture"] == pytest.approx(0.8)
    # Expected overlap: customer 0 surely (1 x 1) and customer 1 with weight 1/3, over k = 2.
    assert table.loc["score", "oracle_overlap"] == pytest.approx((1 + 1 / 3) / 2)
    # Holdout transactions: buyers 0, 1, 3, 4 -> (1 + 1/3 + 1/3) / 4.
    assert table.loc["score", "transactions_capture"] == pytest.approx((1 + 2 / 3) / 4)
    # A fractional k: 25% of 10 = 2.5 customers; the block of three counts 1.5 / 3 each.
    assert capture_share(SCORE, REVENUE, 0.25) == pytest.approx((10 + 0.5 * 9) / 20)


def test_fractional_inclusion_is_the_mean_over_every_tie_breaking_order():
    # Brute force: break ties by each permutation of the customers, take the top 3 exactly.
    rng = np.random.default_rng(4)
    score = rng.integers(0, 3, 7).astype(float)
    revenue = rng.integers(0, 5, 7).astype(float) + (score == 2)
    shares = []
    for perm in itertools.permutations(range(7)):
        order = sorted(range(7), key=lambda i: (-score[i], perm[i]))
        shares.append(revenue[order[:3]].sum() / revenue.sum())
    assert capture_share(score, revenue, 3 / 7) == pytest.approx(np.mean(shares))


def test_ties_do_not_depend_on_row_order_and_the_oracle_is_top_share():
    rng = np.random.default_rng(0)
    revenue = rng.gamma(0.3, 50, 500) * (rng.random(500) < 0.3)
    score = np.round(revenue + rng.normal(0, 20, 500), -1)  # coarse: many ties
    perm = rng.permutation(500)
    for f in (0.05, 0.2, 0.33):
        assert capture_share(score, revenue, f) == pytest.approx(
            capture_share(score[perm], revenue[perm], f)
        )
        assert capture_share(revenue, revenue, f) == pytest.approx(top_share(revenue, f))
    curve = gains_curve({"score": score, "oracle": revenue}, revenue)
    assert list(curve.index) == pytest.approx(np.arange(1, 11) * 0.05)
    assert (curve["oracle"] >= curve["score"] - 1e-12).all()
    assert curve["random"].tolist() == pytest.approx(list(curve.index))
    assert curve["score"].is_monotonic_increasing


def test_bootstrap_matches_the_exact_distribution_over_every_resample():
    # Four customers, top half (k = 2). Enumerate all 4^4 equally likely resamples; in each the
    # capture is the expected share under random tie-breaking, by brute force over orders.
    score = np.array([3.0, 2.0, 2.0, 1.0])
    revenue = np.array([4.0, 1.0, 3.0, 2.0])
    exact = []
    for idx in itertools.product(range(4), repeat=4):
        s, y = score[list(idx)], revenue[list(idx)]
        vals = []
        for perm in itertools.permutations(range(4)):
            order = sorted(range(4), key=lambda i: (-s[i], perm[i]))
            vals.append(y[order[:2]].sum() / y.sum())
        exact.append(np.mean(vals))
    exact = np.array(exact)
    summary = frame(score, revenue, np.ones(4, dtype=int))
    table = compare_targeting(summary, {"score": score}, fraction=0.5, n_boot=20_000, seed=1)
    draws = table.attrs["draws"]["score"].to_numpy()
    # Same support, same probabilities (within Monte Carlo error), same mean and quantiles.
    values, counts = np.unique(np.round(exact, 9), return_counts=True)
    drawn = pd.Series(np.round(draws, 9)).value_counts(normalize=True)
    assert set(drawn.index) <= set(values)
    for v, c in zip(values, counts, strict=True):
        p = c / exact.size
        assert drawn.get(v, 0.0) == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / 20_000) + 1e-9)
    assert draws.mean() == pytest.approx(exact.mean(), abs=0.005)


def test_bootstrap_spread_matches_the_delta_method_for_an_uninformative_score():
    # Score independent of revenue: the top k = f n customers are a random set, so the capture is
    # A / (A + B) with A, B sums of f n and (1 - f) n revenues; its sd is
    # sqrt(f (1 - f) / n) * cv (delta method), cv = sd / mean of revenue.
    rng = np.random.default_rng(7)
    n, f = 4000, 0.2
    revenue = rng.gamma(2.0, 10.0, n)
    score = rng.random(n)
    summary = frame(score, revenue, np.ones(n, dtype=int))
    table = compare_targeting(summary, {"score": score}, fraction=f, n_boot=2000, seed=2)
    sd = table.attrs["draws"]["score"].std()
    cv = revenue.std() / revenue.mean()
    expected = np.sqrt(f * (1 - f) / n) * cv
    assert sd == pytest.approx(expected, rel=0.1)
    row = table.loc["score"]
    assert row["capture_upper"] - row["capture_lower"] == pytest.approx(
        2 * 1.96 * expected, rel=0.12
    )
    assert row["capture_lower"] < row["capture"] < row["capture_upper"]
    # The oracle and a random pick are separated; the interval of the random score covers f.
    assert row["capture_lower"] < f < row["capture_upper"]


def test_paired_differences_and_the_verdict_rule():
    rng = np.random.default_rng(3)
    n = 3000
    revenue = rng.gamma(0.5, 40, n) * (rng.random(n) < 0.4)
    good = revenue + rng.normal(0, 5, n)
    weak = revenue + rng.normal(0, 60, n)
    noise = rng.random(n)
    summary = frame(good, revenue, (revenue > 0).astype(int))
    table = compare_targeting(summary, {"good": good, "weak": weak, "noise": noise},
                              n_boot=400, seed=5)
    diff = capture_differences(table, [("good", "weak")])
    assert diff.loc["good - weak", "difference"] == pytest.approx(
        table.loc["good", "capture"] - table.loc["weak", "capture"]
    )
    assert diff.loc["good - weak", "lower"] > 0
    v = verdict_find_top_20(table, claimed_share=0.8)
    assert v["ranking"] == ["good", "weak", "noise"] and v["best"] == "good"
    assert v["ranking_text"] == "good > weak > noise"
    # The good score captures nearly all of the oracle's share; flip the class with the claim.
    best_lo = table.loc["good", "capture_lower"]
    assert v["class"] == ("holds" if best_lo >= 0.8 else "holds_if")
    assert verdict_find_top_20(table, claimed_share=best_lo - 0.01)["class"] == "holds"
    assert verdict_find_top_20(table, claimed_share=min(best_lo + 0.01, 1.0))["class"] == "holds_if"
    assert v["distinguishable"] is True and v["margin"] > 0
    # Only the uninformative score: its interval covers a random pick's 20%.
    only_noise = verdict_find_top_20(table.drop(index=["good", "weak"]))
    assert only_noise["class"] == "does_not_hold" and only_noise["best"] == "noise"


def test_rfm_quintiles_by_hand():
    summary = pd.DataFrame(
        {
            "frequency": [0, 0, 0, 1, 2, 3, 5, 8, 0, 4],
            "recency": [0, 0, 0, 10, 20, 30, 35, 38, 0, 5],
            "T": [40, 39, 38, 40, 40, 39, 38, 40, 10, 40],
            "monetary_value": [0, 0, 0, 10, 20, 15, 30, 25, 0, 40],
        },
        index=[f"c{i}" for i in range(10)],
    )
    out = rfm_scores(summary)
    # F: four zeros share mid-rank 2.5 of 10 -> ceil(5 * 0.25) = 2; then 1, 2, 3, 4, 5, 8 at
    # ranks 5..10 -> ceil(2.5), ceil(3), ceil(3.5), ceil(4), ceil(4.5), ceil(5).
    assert out["frequency_score"].tolist() == [2, 2, 2, 3, 3, 4, 5, 5, 2, 4]
    # R: time since last purchase 40, 39, 38, 30, 20, 9, 3, 2, 10, 35; shortest scores 5.
    assert out["recency_score"].tolist() == [1, 1, 2, 3, 3, 4, 5, 5, 4, 2]
    assert (out["rfm"] == out[["recency_score", "frequency_score", "monetary_score"]].sum(axis=1)).all()
    assert out.loc["c7", "rfm_cell"] == 100 * 5 + 10 * 5 + out.loc["c7", "monetary_score"]
    with pytest.raises(DataError, match="monetary_value"):
        rfm_scores(summary.drop(columns="monetary_value"))


def test_refitting_inside_the_bootstrap_counts_failures():
    summary = frame()
    calls = {"n": 0}

    def rescore(sample):
        calls["n"] += 1
        if calls["n"] % 4 == 0:
            raise RuntimeError("no convergence")
        return {"score": sample["score"].to_numpy()}

    table = compare_targeting(summary, {"score": SCORE}, n_boot=20, seed=0, rescore=rescore)
    assert table.attrs["n_failed"] == 5 and "no convergence" in table.attrs["first_failure"]
    assert table.attrs["draws"]["score"].isna().sum() >= 5
    assert "refitted" in table.attrs["method"]


def test_bad_inputs_name_what_is_wrong():
    with pytest.raises(DataError, match="amount_holdout"):
        compare_targeting(frame().drop(columns="amount_holdout"), {"s": SCORE})
    bad = REVENUE.copy()
    bad[3] = -1
    with pytest.raises(DataError, match="c3"):
        compare_targeting(frame(revenue=bad), {"s": SCORE}, n_boot=0)
    with pytest.raises(DataError, match="10 customers"):
        compare_targeting(frame(), {"s": SCORE[:5]}, n_boot=0)
    with pytest.raises(ParameterError, match="fraction"):
        capture_share(SCORE, REVENUE, 0.0)
    with pytest.raises(DataError, match="sums to 0"):
        capture_share(SCORE, np.zeros(10), 0.2)


def test_model_scores_reports_a_failed_fit_instead_of_raising():
    from crmstudy.simulate import simulate_bgnbd, simulate_spend

    base = simulate_bgnbd(800, (0.5, 5.0, 1.2, 3.0), T=30.0, seed=1)
    base["monetary_value"] = simulate_spend(base["frequency"], (6.0, 4.0, 15.0), seed=2)
    base.attrs["period"] = "W"
    scores, fits, failures = model_scores(base, horizon=1.0, horizon_period="Y",
                                          annual_discount_rate=0.1)
    assert set(fits) == {"bgnbd", "paretonbd", "gammagamma"} and not failures
    assert (scores["bgnbd_clv"] > 0).all() and scores["bgnbd_clv"].index.equals(base.index)
    # Nobody repeats: the spend model has nothing to fit, so both CLV scores fail, by name.
    none = base.assign(frequency=0, recency=0.0, monetary_value=0.0)
    scores, fits, failures = model_scores(none, horizon=1.0, horizon_period="Y",
                                          annual_discount_rate=0.1)
    assert "gammagamma" in failures and not scores
    assert "bgnbd_clv" in failures and "gammagamma" in failures["bgnbd_clv"]
    assert past_spend(base).tolist() == (base["frequency"] * base["monetary_value"]).tolist()


def test_deprecated_top_customer_overlap_by_hand_and_from_its_old_homes():
    # Kept one release for users; compare_targeting replaces it (see the tests above).
    from crmstudy.models import gammagamma

    predicted = np.array([10.0, 9.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 5.0])
    past = np.array([10.0, 0.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    with (
        pytest.warns(DeprecationWarning, match="use crmstudy.targeting.top_customer_overlap"),
        pytest.warns(DeprecationWarning, match="compare_targeting"),
    ):
        out = gammagamma.top_customer_overlap(predicted, past, fraction=0.2)
    # Top 2 by predicted: customers 0, 1; by past: 0, 2. Overlap 1 of 2.
    assert out["overlap"] == 0.5
    assert out["predicted_share_of_top_predicted"] == pytest.approx(19 / 31)
    assert out["predicted_share_of_top_past"] == pytest.approx(11 / 31)
    with pytest.raises(ParameterError, match="fraction"), pytest.warns(DeprecationWarning):
        gammagamma.top_customer_overlap(predicted, past, fraction=1.0)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_deprecated_top_customer_overlap_names_bad_input():
    # The by-hand values of top_customer_overlap are tested in test_gammagamma.py.
    from crmstudy.targeting import top_customer_overlap

    with pytest.raises(DataError, match="got 3 and 2 values"):
        top_customer_overlap([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(DataError, match="predicted has a NaN or infinite value at position 1"):
        top_customer_overlap([1.0, float("nan"), 3.0], [1.0, 2.0, 3.0])
