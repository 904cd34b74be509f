# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # "Acquiring a customer costs 5x keeping one"
#
# Does a 5x cost ratio mean a firm should spend more on retention? The customer equity test of Blattberg & Deighton (1996), and Pfeifer's (2005) answer: average costs say nothing about the next dollar.
#
# The primer repeats a maxim: winning a new customer costs five times as much as keeping one, so
# firms should favour retention. Pfeifer (2005, *J. Targeting, Measurement and Analysis for
# Marketing* 13(2)) notes that the quoted ratio is not even agreed on (3, 5, 6, 10, 11, 12 and 20
# are all in print) and asks the sharper question: *which* cost? In the model of Blattberg &
# Deighton (1996, "Manage Marketing by the Customer Equity Test", *Harvard Business Review*) a firm
# chooses how much to spend per prospect on acquisition, `A`, and per customer per period on
# retention, `R`. Each buys customers with diminishing returns:
#
# $$a(A) = a_{max}\,(1 - e^{-k_a A}), \qquad r(R) = r_{max}\,(1 - e^{-k_r R}),$$
#
# and the customer equity per prospect is
#
# $$CE(A, R) = a\,m - A + a\,\Big(m - \frac{R}{r}\Big)\,\frac{r}{1 + d - r},$$
#
# with `m` the margin per customer per period and `d` the discount rate per period. `A/a` is the
# *average* cost of an acquired customer and `R/r` of a retained one; their ratio is what the
# maxim quotes. The *marginal* costs, `1/a'(A)` and `1/r'(R)`, are what the next dollar buys.
#
# **How `cost_ratio` enters.** The ratio of average costs changes with spending, so it cannot pin
# down the curves by itself. We read the claim at the one point where average and marginal costs
# agree: the *first* customer. With no spend, acquiring the first customer costs `1/(a_max k_a)`
# and keeping the first one `1/(r_max k_r)`. With `k_a = 0` (the default) the notebook sets
# `k_a = r_max k_r / (a_max cost_ratio)`, so that acquiring the first customer costs exactly
# `cost_ratio` times keeping the first one: the maxim holds where the firm starts. Give `k_a > 0`
# to use your own acquisition curve instead; the first-customer ratio it implies is then reported.
# In both cases the maxim's own threshold, 5x, is used to test the rule "favour retention".
#
# All formulas, and their derivations, live in `crmstudy.acquisition`; the notebook only calls
# them. The period is whatever your margin is per (a year by default). Section 8 puts a value on
# real customers: CDNOW's, from a BG/NBD and Gamma-Gamma fit.

# %% tags=["parameters"]
margin: float = 100.0  # margin per customer per period (US$ per year); range: (0, 100000]
discount_rate: float = 0.10  # discount rate per period (per year); range: (0, 1)
a_max: float = 0.40  # acquisition ceiling, most prospects any spend wins (share); range: (0, 1)
k_a: float = 0.0  # acquisition efficiency per US$ per prospect; 0 uses cost_ratio; range: [0, 10]
r_max: float = 0.80  # retention ceiling per period (share); range: (0, 1)
k_r: float = 0.20  # retention efficiency per US$ per customer per period; range: (0, 10]
cost_ratio: float = 5.0  # cost of first customer won / first kept, used if k_a is 0; range: [1, 25]
cdnow_margin_share: float = 0.30  # share of CDNOW spend kept as margin (section 8); range: (0, 1]
cdnow_horizon: int = 3  # years of CDNOW purchases valued (section 8); range: [1, 10]

# %%
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import crmstudy
from crmstudy import acquisition, datasets
from crmstudy.clv import customer_lifetime_value
from crmstudy.models.bgnbd import BGNBD
from crmstudy.models.gammagamma import GammaGamma
from crmstudy.plots import acquisition as acq_plots

pd.set_option("display.precision", 3)
CLAIM = 5.0  # the maxim's ratio of acquisition to retention cost

# %% [markdown]
# ## 1. The firm
#
# The acquisition efficiency either comes from `cost_ratio` or is given. The first-customer cost
# ratio below is the one the response curves imply.

# %%
if k_a == 0:
    k_a = acquisition.acquisition_efficiency_for_ratio(cost_ratio, a_max, r_max, k_r)
first_ratio = acquisition.first_customer_cost_ratio(a_max, k_a, r_max, k_r)
firm = dict(margin=margin, discount_rate=discount_rate, a_max=a_max, k_a=k_a, r_max=r_max, k_r=k_r)
crmstudy.record("k_a_used", k_a)
crmstudy.record("first_customer_cost_ratio", first_ratio)
pd.Series(firm | {"first_customer_cost_ratio": first_ratio}, name="firm")

# %% [markdown]
# ## 2. The optimum
#
# `optimal_spend` solves the first-order conditions of the customer equity test. The problem
# separates: the best retention spend maximises the value of a customer,
# `V(R) = m + (m - R/r) r/(1 + d - r)`, whatever the acquisition curve, and the best acquisition
# spend then makes the marginal cost of acquiring a customer equal to `V`. The tests check the
# optimiser against a brute-force grid search.

# %%
best = acquisition.optimal_spend(**firm)
crmstudy.record("optimum", best)
for name in (
    "acquisition_spend",
    "retention_spend",
    "customer_value",
    "customer_equity",
    "average_cost_ratio",
    "marginal_cost_ratio",
    "retention_budget_share",
):
    crmstudy.record(name, float(best[name]))
best.to_frame()

# %%
top = max(3 * best["acquisition_spend"], 3 * best["retention_spend"], 10.0)
curves = acquisition.response_curves(np.linspace(0.0, top, 300), a_max, k_a, r_max, k_r)
fig = acq_plots.response_curves(curves, best)

# %% [markdown]
# On the right, the dashed lines are average costs and the solid lines marginal costs. Both solid
# lines cross the dotted customer value `V*` exactly at the optimal spend (the filled dots): **at
# the optimum the marginal cost of acquiring a customer equals the marginal cost of keeping one,
# and both equal the customer's value** (Pfeifer 2005; derived in `crmstudy.acquisition` and
# tested by finite differences). The open dots are the average costs at the optimum: both lie
# below `V*`, and their ratio is whatever the curvature of the two curves makes it.

# %%
display(
    Markdown(
        f"At the optimum the firm spends **{best.acquisition_spend:.1f}** per prospect and "
        f"**{best.retention_spend:.1f}** per customer per period. An acquired customer costs "
        f"**{best.average_cost_acquired:.1f}** on average and a retained one "
        f"**{best.average_cost_retained:.1f}**: an average cost ratio of "
        f"**{best.average_cost_ratio:.2f}x** (the claim: {CLAIM:g}x; the first-customer ratio: "
        f"{first_ratio:.2f}x). The marginal cost ratio is **{best.marginal_cost_ratio:.3f}**."
    )
)

# %% [markdown]
# ## 3. The quoted ratios
#
# Pfeifer (2005) cites Sterne's collection of quoted ratios: 3, 5, 6, 10, 11, 12 and 20. Read each
# as a first-customer cost ratio for this firm's other parameters. A ratio of 20 does not make the
# average ratio at the optimum 20, and in every case the marginal ratio at the optimum is 1.
#
# There is a ceiling, too. The optimal retention spend does not depend on the acquisition curve,
# and the optimal average acquisition cost is always below the customer value `V*`, so no optimum
# of this firm can show an average cost ratio above `V* r* / R*`, however dear acquisition is
# (`average_cost_ratio_bound`; derived in `crmstudy.acquisition`).

# %%
quoted = acquisition.cost_ratio_sweep(
    acquisition.QUOTED_COST_RATIOS, [margin], discount_rate, a_max, r_max, k_r
)
quoted_table = quoted[
    [
        "cost_ratio",
        "acquisition_spend",
        "retention_spend",
        "average_cost_acquired",
        "average_cost_retained",
        "average_cost_ratio",
        "marginal_cost_ratio",
        "retention_budget_share",
        "customer_equity",
    ]
].rename(columns={"cost_ratio": "quoted_ratio"})
crmstudy.record("quoted_ratios_table", quoted_table)
quoted_table

# %%
line = acquisition.cost_ratio_sweep(np.arange(1, 26), [margin], discount_rate, a_max, r_max, k_r)
fig = acq_plots.cost_ratio_at_optimum(line, claimed=CLAIM, quoted=acquisition.QUOTED_COST_RATIOS)
bound = acquisition.average_cost_ratio_bound(margin, discount_rate, r_max, k_r)
crmstudy.record("average_cost_ratio_bound", bound)
display(
    Markdown(f"Highest average cost ratio any optimum of this firm can show: **{bound:.1f}x**.")
)

# %% [markdown]
# ## 4. How the budget should be split
#
# The sweep varies the first-customer cost ratio from 1 to 25 and the margin, and reports the
# optimal share of the budget that goes to retention: the present value of the retention spend per
# prospect, `a R / (1 + d - r)`, over that plus the acquisition spend. Blank cells are firms that
# should not court prospects at all.
#
# Dearer acquisition does **not** shift the optimal budget towards retention. The optimal
# retention spend *per customer* does not depend on the cost ratio at all, while the optimal
# average cost of an acquired customer rises with it; retention money is spent on acquired
# customers, so the retention share of the budget falls (the tests check this along the sweep).

# %%
margins = sorted({25.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, float(margin)})
sweep = acquisition.cost_ratio_sweep(np.arange(1, 26), margins, discount_rate, a_max, r_max, k_r)
fig = acq_plots.budget_share_heatmap(sweep)

# %%
at_margin = sweep[sweep["margin"] == margin].set_index("cost_ratio")["retention_budget_share"]
shares = {f"ratio_{c}": float(at_margin.loc[c]) for c in (1, 5, 25)}
crmstudy.record("retention_share_by_ratio", shares)
pd.Series(shares, name="optimal retention share at this margin")

# %% [markdown]
# ## 5. When "favour retention" is wrong
#
# Away from the optimum, the next dollar belongs where it earns more: one more dollar of
# acquisition spend per prospect earns `V / MC_a - 1`, one more dollar of (present-value)
# retention budget earns `(V - MC_r)(1 + d - r) / (MC_r (1 + d - r) + R)`. The map shows, for every
# current spend, where the next dollar belongs. The dashed line is where retention is 5x cheaper
# on average; below it and to its right (less retention or more acquisition spend) the average
# cost ratio is higher. Hatched cells are where the maxim says "favour retention" (average ratio
# at least 5x) and the next retention dollar is not the best use of money: the next dollar belongs
# in acquisition (blue), or nowhere (grey).

# %%
a_hi, r_hi = 2.5 * max(best.acquisition_spend, 4.0), 3.0 * max(best.retention_spend, 4.0)
grid = acquisition.marginal_dollar_map(
    np.linspace(a_hi / 100, a_hi, 80),
    np.linspace(r_hi / 100, r_hi, 80),
    **firm,
    claimed_ratio=CLAIM,
)
fig = acq_plots.marginal_dollar_map(grid, best, claimed=CLAIM)

# %%
verdict = acquisition.next_dollar_shares(grid, claimed_ratio=CLAIM)
crmstudy.record("next_dollar_where_retention_5x_cheaper", verdict.to_dict())
crmstudy.record("favour_retention_wrong_share", verdict.attrs["favour_retention_wrong"])
verdict.rename("share of current spends where retention is at least 5x cheaper on average")

# %% [markdown]
# The clearest case is a firm that under-spends on acquisition. Below, each firm (one per quoted
# first-customer ratio) spends half its optimal acquisition budget and exactly its optimal
# retention budget. For every one the next dollar belongs in acquisition (its retention dollar
# earns nothing more). For the firms whose acquisition is dear enough, retention is still more
# than 5x cheaper on average: the maxim points the wrong way.

# %%
under = acquisition.under_acquisition_check(
    acquisition.QUOTED_COST_RATIOS, margin, discount_rate, a_max, r_max, k_r, claimed_ratio=CLAIM
)
under_table = under[
    [
        "cost_ratio",
        "average_cost_ratio",
        "return_acquisition",
        "return_retention",
        "next_dollar",
        "favour_retention_wrong",
    ]
]
crmstudy.record("under_acquisition_table", under_table)
crmstudy.record(
    "ratios_where_maxim_misleads",
    [float(c) for c in under_table.loc[under_table["favour_retention_wrong"], "cost_ratio"]],
)
under_table

# %% [markdown]
# ## 6. Keep or replace?
#
# A different question: with a retention rate `r`, an acquisition cost `c_A` and a margin `m`, up
# to what cost per retained customer does keeping a customer beat letting them go and acquiring a
# replacement? `break_even_cost_ratio` derives it from four stationary policies for a customer
# slot (keep or not, replace or not) and the tests check it against a simulated customer base.
# When nobody stays without being asked (as in Blattberg & Deighton), the answer is the smaller of
# the acquisition cost and the margin: keeping beats replacing while a retained customer costs
# less than an acquired one, a **break-even cost ratio of 1** whatever the retention and discount
# rates, as long as replacing pays at all (`c_A < m`); if it does not, keeping pays while it costs
# less than the margin it secures, a ratio of `c_A / m`. With a baseline of customers who stay
# anyway, the break-even cost per retained customer falls, because money spent on them buys
# nothing.

# %%
# The acquisition cost is the firm's average cost per acquired customer at the optimum (or the
# cost of the first customer if acquiring does not pay); the retention rate is r at the optimum.
c_acq = best.average_cost_acquired
if not np.isfinite(c_acq):
    c_acq = acquisition.marginal_costs(0.0, 0.0, a_max, k_a, r_max, k_r).acquisition
r_keep = max(best.retention_rate, 0.01)
keep = pd.DataFrame(
    {
        f"baseline retention {r0:g}": acquisition.break_even_cost_ratio(
            margin, r_keep, discount_rate, c_acq, r0
        )
        for r0 in (0.0, round(r_keep / 2, 2))
    }
)
crmstudy.record("acquisition_cost_for_break_even", float(c_acq))
crmstudy.record("break_even_ratio", float(keep.iloc[1, 0]))
crmstudy.record("break_even_ratio_with_baseline", float(keep.iloc[1, 1]))
keep

# %% [markdown]
# ## 7. What a retained customer is worth
#
# The customer value at the optimum, `V*`, is the lifetime value of a customer from the CLV
# module (margins at the start of each period, since the current margin is included) minus the
# present value of the retention spending it takes to keep them. This is the number both marginal
# costs equal at the optimum, and the most a firm should pay, at the margin, for one more
# customer, by either route.

# %%
value = acquisition.customer_value_breakdown(
    best.retention_spend, margin, discount_rate, r_max, k_r
)
crmstudy.record("value_of_retained_customer", float(value["customer_value"]))
crmstudy.record("gross_lifetime_value", float(value["gross_lifetime_value"]))
value.rename(
    {
        "gross_lifetime_value": "lifetime value of the margins (clv.lifetime_value)",
        "retention_spending": "less: retention spending it takes",
        "customer_value": "value of a retained customer, V*",
    }
).rename("US$ per customer")

# %% [markdown]
# ## 8. What a CDNOW customer is worth
#
# The same question on real data. A BG/NBD purchase model and a Gamma-Gamma spend model (Fader,
# Hardie & Lee 2005) fitted to Hardie's 39-week CDNOW calibration summary value every customer's
# next `cdnow_horizon` years of purchases, at `cdnow_margin_share` of spend, discounted at
# `discount_rate` read as an annual rate. Customers who have come back at least once (the
# retained ones) are worth several times those who have not. At an optimum, by Pfeifer's identity,
# neither the marginal cost of winning a customer nor that of keeping one should exceed what the
# customer is worth, so these numbers, not a ratio of averages, cap what CDNOW should spend at the
# margin.

# %%
cdnow = datasets.load_cdnow_summary()
purchases = BGNBD().fit(cdnow)
spend_model = GammaGamma().fit(cdnow)
cdnow_value = customer_lifetime_value(
    purchases,
    spend_model,
    cdnow,
    horizon=cdnow_horizon,
    horizon_period="Y",
    discount_rate=discount_rate,
    discount_period="Y",
    margin=cdnow_margin_share,
)
by_kind = acquisition.value_by_repeat_status(cdnow_value, cdnow["frequency"])
crmstudy.record("cdnow_bgnbd_params", purchases.params)
crmstudy.record("cdnow_value_retained", float(by_kind.loc["came back (retained)", "mean"]))
crmstudy.record("cdnow_value_one_purchase", float(by_kind.loc["one purchase so far", "mean"]))
by_kind

# %% [markdown]
# ## What to take away
#
# * A ratio of *average* costs, 5x or 20x, says nothing about where the next dollar should go. At
#   the optimum the *marginal* costs of acquiring and of keeping a customer are equal, and equal
#   the customer's value (Pfeifer 2005); the average ratio there depends on the shape of the
#   response curves.
# * A firm that under-spends on acquisition should spend its next dollar on acquisition even when
#   retention is far cheaper on average.
# * Keeping beats replacing exactly when a retained customer costs less than an acquired one (or,
#   if replacing does not pay, less than the margin it secures): a break-even ratio of 1, or
#   `c_A / m`, not 5.
# * On CDNOW, a customer who has come back is worth several times a one-time buyer: that value,
#   not a ratio of average costs, is the yardstick for the next dollar of either kind.
# * The model is deliberately simple: constant margins, a retention rate that is zero without
#   spending, one prospect pool, no competition. Change the parameters (or the scenario files
#   under `notebooks/params/03_acquisition_vs_retention/`) to test your own firm.
