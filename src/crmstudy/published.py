"""Published tables that crmstudy compares its results with (data with their source, not formulas).

Each function returns the numbers as the paper prints them, with the citation in its docstring and
in ``attrs["source"]``. Tests never use these as expectations for crmstudy's own formulas; the
notebooks show them beside our results.

:func:`crmstudy.datasets` should re-export these (the datasets module is the one home of the
published inputs; this module holds the published *results*).
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "GLS_2004_SOURCE",
    "GLS_2004_SUMMARY",
    "GLS_2004_WORKED_EXAMPLE",
    "gls_2004_firms",
]

GLS_2004_SOURCE = (
    'Gupta, S., Lehmann, D. R. and Stuart, J. A. (2004), "Valuing Customers", Journal of '
    "Marketing Research 41(1), 7-18: the table of customer value against market value (US$ "
    "billion, March 2002) and the table of the effect of a 1% improvement in retention, "
    "acquisition cost, margin and the discount rate on customer value; transcribed from the "
    "public reading notes `valuation/` reading summary (section 1.3-1.4), checked against the "
    "paper's abstract (5%, 1% and 0.1%; retention almost five times the discount rate)."
)

#: The paper's headline, from its abstract: a 1% improvement in retention, margin or acquisition
#: cost improves firm value by about 5%, 1% and 0.1%, and retention has almost five times the
#: impact of a 1% change in the discount rate.
GLS_2004_SUMMARY = {
    "retention_elasticity": 5.0,
    "margin_elasticity": 1.0,
    "acquisition_cost_elasticity": 0.1,
    "retention_to_discount_rate_ratio": 5.0,
}

#: GLS (2004)'s argument for an infinite horizon: a US$100 margin a year, 80% retention and a 12%
#: discount rate give a lifetime value of US$250, while reading 80% retention as a "5-year
#: expected life" and discounting five years of margin gives US$360, a 44% overestimate. (We
#: could not check whether Gupta & Lehmann 2003, "Customers as Assets", give it first.)
GLS_2004_WORKED_EXAMPLE = {
    "margin": 100.0,
    "retention": 0.80,
    "discount_rate": 0.12,
    "lifetime_value": 250.0,
    "expected_life_value": 360.0,
    "overstatement_pct": 44.0,
}


def gls_2004_firms() -> pd.DataFrame:
    """Per firm: GLS (2004)'s customer value, market value and the four elasticities.

    Source: :data:`GLS_2004_SOURCE`. Columns: ``customer_value_bn`` and ``market_value_bn`` (US$
    billion, March 2002; after tax, as the paper values them), ``market_value_low_bn`` and
    ``market_value_high_bn`` (the range the paper gives, where it gives one; else missing),
    ``retention_elasticity``, ``acquisition_cost_elasticity``, ``margin_elasticity`` and
    ``discount_rate_elasticity`` (% change in customer value per 1% improvement), and
    ``contractual`` (False for Amazon and eBay, where a repeat-buying rate stands in for
    retention). Index ``firm`` as in :func:`crmstudy.datasets.gupta_lehmann_stuart_2004`.
    """
    nan = float("nan")
    rows = [
        # firm, CV, MV, MV low, MV high, retention, acquisition cost, margin, discount, contractual
        ("Amazon", 0.82, 5.36, nan, nan, 2.45, 0.07, 1.07, 0.46, False),
        ("Ameritrade", 1.62, 1.40, 1.09, 1.49, 6.75, 0.03, 1.03, 1.17, True),
        ("Capital One", 11.00, 14.08, 9.48, 14.31, 5.12, 0.32, 1.32, 1.11, True),
        ("eBay", 1.89, 15.85, nan, nan, 3.42, 0.08, 1.08, 0.63, False),
        ("E*Trade", 2.69, 3.35, 2.71, 4.49, 6.67, 0.02, 1.02, 1.14, True),
    ]
    out = pd.DataFrame(
        rows,
        columns=[
            "firm",
            "customer_value_bn",
            "market_value_bn",
            "market_value_low_bn",
            "market_value_high_bn",
            "retention_elasticity",
            "acquisition_cost_elasticity",
            "margin_elasticity",
            "discount_rate_elasticity",
            "contractual",
        ],
    ).set_index("firm")
    out.attrs["source"] = GLS_2004_SOURCE
    return out
