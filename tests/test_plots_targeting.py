"""plots.targeting: the figures draw exactly the numbers of the targeting tables."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmstudy.plots.targeting import plot_capture_intervals, plot_gains_curve  # noqa: E402


def test_gains_curve_draws_each_score_in_percent():
    curve = pd.DataFrame(
        {"past_spend": [0.2, 0.35, 0.5], "oracle": [0.5, 0.8, 0.95], "random": [0.1, 0.2, 0.3]},
        index=pd.Index([0.1, 0.2, 0.3], name="fraction"),
    )
    fig = plot_gains_curve(curve, labels={"past_spend": "past spend"})
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"past spend", "oracle", "random"}
    assert lines["past spend"].get_xdata() == pytest.approx([10, 20, 30])
    assert lines["oracle"].get_ydata() == pytest.approx([50, 80, 95])
    assert lines["random"].get_linestyle() == "--"
    assert "holdout revenue" in ax.get_ylabel()
    plt.close(fig)


def test_capture_intervals_draw_estimates_and_whiskers():
    table = pd.DataFrame(
        {"capture": [0.5, 0.6, 0.9], "capture_lower": [0.45, 0.55, 0.88],
         "capture_upper": [0.55, 0.66, 0.92]},
        index=["past_spend", "model", "oracle"],
    )
    table.attrs.update(fraction=0.2, level=0.95)
    fig = plot_capture_intervals(table, claimed_share=0.8)
    ax = fig.axes[0]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx([50, 60, 90])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["past_spend", "model", "oracle"]  # ascending capture, bottom to top
    refs = {line.get_label(): line.get_xdata()[0] for line in ax.get_lines()
            if not line.get_label().startswith("_")}
    assert refs == pytest.approx({"random pick": 20, "share claimed": 80})
    assert "95% interval" in ax.get_xlabel() and "top 20%" in ax.get_xlabel()
    # Whisker ends: 45-55, 55-66, 88-92.
    segs = np.concatenate([c.get_segments() for c in ax.collections])
    spans = sorted((round(s[0][0], 6), round(s[1][0], 6)) for s in segs if s[0][1] == s[1][1])
    assert spans == [(45, 55), (55, 66), (88, 92)]
    plt.close(fig)
