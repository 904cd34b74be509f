"""Tests of crmstudy.models.diagnostics and the figures of crmstudy.plots.customer_base."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from crmstudy.datasets import load_cdnow
from crmstudy.errors import DataError, ParameterError
from crmstudy.models.bgnbd import BGNBD
from crmstudy.models.diagnostics import (
    frequency_histogram,
    frequency_recency_grid,
    holdout_by_frequency,
    holdout_totals,
    spend_frequency_correlation,
    tracking,
    tracking_totals,
)
from crmstudy.models.paretonbd import ParetoNBD
from crmstudy.plots import customer_base as plots
from crmstudy.simulate import simulate_bgnbd, simulate_bgnbd_log
from crmstudy.transactions import calibration_holdout

BG = (0.243, 4.414, 0.793, 2.426)  # FHL (2005a)


def fixed(cls=BGNBD, params=BG):
    return cls.from_params(params, period="W")


@pytest.fixture(scope="module")
def cdnow():
    log = load_cdnow(sample=True)
    return log, calibration_holdout(log, "1997-09-30", "1998-06-30", period="W")


def test_frequency_histogram_counts_every_customer(cdnow):
    _, summary = cdnow
    table = frequency_histogram(fixed(), summary, max_frequency=7)
    assert table["actual"].sum() == len(summary) == pytest.approx(table["model"].sum())
    assert table.loc["0", "actual"] == (summary["frequency"] == 0).sum()


def test_holdout_by_frequency_agrees_with_simulation():
    # Simulated from the model itself, each group's actual mean is within 4 standard errors.
    base = simulate_bgnbd(20_000, BG, T=np.linspace(27, 39, 20_000), holdout=39.0, seed=4)
    base.attrs.update(period="W", holdout_duration=39.0)
    table = holdout_by_frequency(fixed(), base, max_frequency=4)
    assert table["customers"].sum() == 20_000
    bucket = np.minimum(base["frequency"], 4)
    se = base.groupby(bucket)["frequency_holdout"].std().to_numpy() / np.sqrt(table["customers"])
    assert np.all(np.abs(table["actual"] - table["model"]) < 4 * se)


def test_tracking_counts_repeat_days_and_sums_model_over_the_cohort(cdnow):
    log, summary = cdnow
    table = tracking(fixed(), log, "1997-09-30", "1998-06-30")
    # All repeat purchase days of the cohort, counted by calibration_holdout (independent code).
    total = summary["frequency"].sum() + summary["frequency_holdout"].sum()
    assert table["actual_cumulative"].iloc[-1] == total
    assert table["actual"].sum() == total
    assert table.attrs["calibration_time"] == pytest.approx(272 / 7)  # 1997-01-01 to 1997-09-30
    # Model: with everyone acquired on one day, cumulative = n * E[X(t)].
    one_day = pd.DataFrame({"customer_id": ["a", "b"], "date": pd.to_datetime(["2020-01-01"] * 2)})
    small = tracking(fixed(), one_day, "2020-01-01", "2020-03-01")
    assert small["model_cumulative"].iloc[-1] == pytest.approx(
        2 * fixed().expected_purchases_new_customer(60 / 7)
    )


def test_holdout_totals_sum_actual_and_conditional_expectations(cdnow):
    _, summary = cdnow
    totals = holdout_totals(fixed(), summary)
    # 1,882 repeat purchase days in the holdout, counted directly from the log (issue 9 review).
    assert totals["actual"] == 1882 == summary["frequency_holdout"].sum()
    by_group = holdout_by_frequency(fixed(), summary, max_frequency=7)
    assert totals["predicted"] == pytest.approx((by_group["customers"] * by_group["model"]).sum())
    assert totals["relative_error"] == pytest.approx(totals["predicted"] / 1882 - 1)
    no_attrs = summary.copy()
    no_attrs.attrs.clear()
    with pytest.raises(ParameterError, match="holdout_duration"):
        holdout_totals(fixed(), no_attrs)


def test_spend_frequency_correlation_by_hand():
    summary = pd.DataFrame({"frequency": [0, 1, 2, 3], "monetary_value": [0.0, 10.0, 30.0, 20.0]})
    # Repeat buyers only: x = 1, 2, 3 and m = 10, 30, 20; deviations (-1, 0, 1), (-10, 10, 0):
    # covariance sum 10, sums of squares 2 and 200, so r = 10 / sqrt(400) = 0.5.
    assert spend_frequency_correlation(summary) == pytest.approx(0.5)
    with pytest.raises(DataError, match="two repeat buyers"):
        spend_frequency_correlation(summary.iloc[:2])


def test_tracking_totals_read_calibration_and_end():
    table = pd.DataFrame(
        {
            "time": [1.0, 2.0, 3.0, 4.0],
            "actual_cumulative": [1.0, 3.0, 6.0, 10.0],
            "model_cumulative": [2.0, 4.0, 5.0, 7.0],
        }
    )
    table.attrs["calibration_time"] = 2.5
    totals = tracking_totals(table)
    assert totals == {
        "time_calibration": 2.0,
        "time_end": 4.0,
        "actual_calibration": 3.0,
        "model_calibration": 4.0,
        "actual_end": 10.0,
        "model_end": 7.0,
        "actual_holdout": 7.0,
        "model_holdout": 3.0,
    }
    table.attrs.clear()
    with pytest.raises(DataError, match="calibration_time"):
        tracking_totals(table)


def test_tracking_matches_a_simulated_log():
    log = simulate_bgnbd_log(8000, BG, T=np.linspace(27, 39, 8000), seed=6)
    end = log.attrs["observation_end"]
    table = tracking(fixed(), log, end, end)
    # The cumulative count is a sum of independent customers' counts: compare within 4 SE,
    # with the SE taken from the per-customer spread in the simulated log.
    per_customer = log.groupby("customer_id").size() - 1
    se = per_customer.std() * np.sqrt(len(per_customer))
    assert abs(table["actual_cumulative"].iloc[-1] - table["model_cumulative"].iloc[-1]) < 4 * se


def test_frequency_recency_grid_values_and_impossible_cells():
    model = fixed(ParetoNBD, (0.553, 10.578, 0.606, 11.669))
    grid = frequency_recency_grid(model, 39.0, "probability_alive", max_frequency=5, n_recency=3)
    assert grid.shape == (6, 4)
    assert np.isnan(grid.loc[0].iloc[1:]).all() and np.isnan(grid.loc[1:, 0.0]).all()
    assert grid.loc[3, 13.0] == pytest.approx(
        model.probability_alive(frequency=3, recency=13.0, T=39.0)
    )
    future = frequency_recency_grid(
        model, 39.0, "expected_purchases", horizon=52.0, max_frequency=2
    )
    assert future.loc[2, 39.0] == pytest.approx(
        model.expected_purchases(t=52.0, frequency=2, recency=39.0, T=39.0)
    )


def test_figures_draw_the_tables(cdnow):
    log, summary = cdnow
    models = {"BG/NBD": fixed(), "Pareto/NBD": fixed(ParetoNBD, (0.553, 10.578, 0.606, 11.669))}
    figs = [
        plots.plot_frequency_histogram(
            {k: frequency_histogram(m, summary) for k, m in models.items()}
        ),
        plots.plot_holdout_by_frequency(
            {k: holdout_by_frequency(m, summary) for k, m in models.items()}
        ),
        plots.plot_tracking(
            {k: tracking(m, log, "1997-09-30", "1998-06-30") for k, m in models.items()}
        ),
        plots.plot_frequency_recency_heatmap(frequency_recency_grid(models["BG/NBD"], 39.0)),
        plots.plot_clv_distribution(pd.Series(np.linspace(0, 300, 50))),
    ]
    assert all(isinstance(f, Figure) for f in figs)
    # The histogram shows actual + two models for 8 frequency buckets.
    assert len(figs[0].axes[0].patches) >= 3 * 8
    import matplotlib.pyplot as plt

    plt.close("all")
