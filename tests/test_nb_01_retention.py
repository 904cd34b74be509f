"""Notebook 01_retention under papermill: the recorded numbers against the paper and direct sums.

One run, with the Regular segment and the CDNOW 1/10 sample passed as the reader's own CSV log
(exercising ``transactions_path``). Reference values: Fader & Hardie (2007) estimates
(alpha = 0.704, beta = 1.182) and their finding that the exponential curve misses year-12
survival by 54%; Table 1's year-12 actual (17.3%); a direct truncated sum for the DEL.
"""

from __future__ import annotations

import numpy as np
import pytest

from crmstudy.datasets import load_cdnow

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    from conftest import execute_notebook

    out = tmp_path_factory.mktemp("nb01")
    log_path = out / "cdnow_sample.csv"
    load_cdnow(sample=True).to_csv(log_path, index=False)
    return execute_notebook(
        "01_retention",
        out,
        segment="regular",
        fit_years=7,
        horizon=12,
        discount_rate=0.1,
        period="M",
        transactions_path=str(log_path),
    )


def test_fit_matches_published_estimates(results):
    assert results["segment"] == "regular"
    assert round(results["alpha"], 3) == 0.704
    assert round(results["beta"], 3) == 1.182
    assert results["bse"]["alpha"] > 0 and results["bse"]["beta"] > 0


def test_year_12_projections_and_errors(results):
    assert results["eval_year"] == 12
    errors = results["projection_errors"].set_index("model")
    assert set(errors.index) == {"sBG", "linear", "quadratic", "exponential"}
    assert (errors["actual"] == 17.3).all()  # FH 2007 Table 1, Regular, year 12
    assert results["best_model"] == "sBG"
    # The sBG projection from the published parameters, by a product of retention rates.
    a, b = 0.704, 1.182
    s12 = 100 * np.prod([(b + t - 1) / (a + b + t - 1) for t in range(1, 13)])
    assert results["sbg_projection"] == pytest.approx(s12, abs=0.05)
    assert abs(results["sbg_pct_error"]) < 5
    assert round(results["exponential_pct_error"]) == -54  # FH 2007


def test_discounted_lifetimes(results):
    a, b, d = results["alpha"], results["beta"], 0.1
    s = np.cumprod([1.0] + [(b + t - 1) / (a + b + t - 1) for t in range(1, 5_000)])
    direct = float(np.sum(s * (1 / (1 + d)) ** np.arange(len(s))))
    assert results["del_sbg"] == pytest.approx(direct, rel=1e-6)
    # A single first-year retention rate undervalues the cohort.
    assert results["del_aggregate"] < results["del_sbg"]
    table = results["derl_table"]
    assert np.all(np.diff(table["DERL_sbg"]) > 0)
    assert (table["DERL_sbg"] > table["DERL_aggregate"]).all()
    assert (table["elasticity_sbg"] > table["elasticity_aggregate"]).all()
    assert results["retention_at_horizon"] > results["retention_year_1"]


def test_retention_definitions_on_the_log(results):
    # CDNOW sample, monthly: the primer's ratio exceeds 1, also in months without acquisition;
    # period retention stays below one half.
    assert results["max_simple_ratio"] > 1
    assert results["periods_ratio_above_one_without_acquisition"] >= 1
    assert results["max_period_retention"] < 0.5
