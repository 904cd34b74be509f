"""Notebook 06 (value, satisfaction, loyalty) runs under both competition settings and records
numbers with the Jones & Sasser (1995) shape.

The reference values are the simulation's known parameters and the shape it was built to have:
retention at "completely satisfied" far above "satisfied" under high competition, a flat curve
under low competition. Small samples keep the runs fast; the assertions allow for their noise.
"""

from __future__ import annotations

import numpy as np
import pytest

N = 4000

pytestmark = pytest.mark.notebook


@pytest.mark.parametrize("competition", ["high", "low"])
def test_notebook_06_records_the_jones_sasser_shape(run_notebook, competition):
    r = run_notebook(
        "06_value_satisfaction_loyalty",
        n_customers=N,
        seed=7,
        competition=competition,
        switching_cost=0.3,
    )
    # The primer's segments partition the customers.
    assert r["segments_customers_total"] == N
    assert r["segments"]["customers"].sum() == N
    np.testing.assert_allclose(r["segments"]["share"].sum(), 1.0)

    # The fitted models recover the simulation's parameters (|z| within 4 over ~20 estimates).
    assert r["satisfaction_model_max_abs_z"] < 4
    assert r["defection_model_max_abs_z"] < 4
    assert r["spend_model_max_abs_z"] < 4
    rec = r["defection_model_recovery"]
    assert len(rec) == 6

    # Both curves are drawn in every run: the top gap is far wider under high competition, and
    # the sample follows the simulation's true curve.
    assert r["top_gap_high"] > 0.5
    assert r["top_gap_high"] > 4 * r["top_gap_low"]
    curves = r["loyalty_curves"]
    z = (curves["retention"] - curves["true_retention"]) / curves["se"]
    assert z.abs().max() < 4
    assert len(curves) == 10

    gain = r["gain_table"]
    assert list(gain["from_level"]) == [1, 2, 3, 4]
    retention_gain = gain["retention_gain"].to_numpy()
    if competition == "high":
        # Loyalty jumps only at the top: the 4 -> 5 step carries most of the value ...
        assert r["best_step"] == "4->5"
        assert r["best_retention_step"] == "4->5"
        assert r["top_step_share"] > 0.8
        assert retention_gain[3] > 5 * retention_gain[:3].max()
        assert r["retention_at_5"] > 2.5 * r["retention_at_4"]
        assert r["retention_completely_satisfied"] > 2.5 * r["retention_satisfied_unstable"]
        # ... and a linear logit cannot capture that.
        assert r["lr_pvalue"] < 1e-6
        assert r["aic_categorical"] < r["aic_linear"]
    else:
        # Flat, linear curve: the top step adds the least retention, and linearity is not
        # rejected (the simulation's log-odds are linear here).
        assert r["best_retention_step"] != "4->5"
        assert retention_gain[3] < retention_gain[0]
        assert r["retention_at_5"] - r["retention_at_4"] < 0.15
        assert r["lr_pvalue"] > 0.001
        assert r["lr_df"] == 3
