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
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The 80/20 rule: how concentrated are customers, really?
#
# Is it 80/20? Lorenz curve, Gini and top-20% share with intervals, observation windows, anchors, whale curve.
#
# CRM primers say that **80% of a firm's revenue comes from 20% of its customers**, and that the
# firm's job is to find that 20% and look after it. This notebook measures the claim on a real
# purchase log (CDNOW, or your own), and asks five questions:
#
# 1. What share of revenue do the top 20% of customers hold, with what uncertainty?
# 2. Does the answer depend on how long we watch the customers? (It does, a lot.)
# 3. Are the top 20% the same customers from one period to the next?
# 4. How concentrated is *profit*, once serving each order costs money?
# 5. Where does "80/20" come from, and is it a law or a rule of thumb?
#
# Everything is computed by `crmstudy.concentration`; the notebook only calls it and draws.

# %% tags=["parameters"]
dataset: str = "cdnow_master"  # if no transactions_path; choices: cdnow_master, cdnow_sample
transactions_path: str = ""  # own log, CSV/Parquet (customer_id, date, amount); empty: dataset
fraction: float = 0.2  # share of customers at the top (0.2: the top 20%); range: (0, 1)
window_months: int = 0  # months from the log start for the headline, 0: whole log; range: [0, 240]
margin: float = 0.3  # gross margin, a fraction of revenue, for the whale curve; range: [0, 1]
cost_per_order: float = 6.0  # cost to serve one order (a purchase day), $; range: [0, 1000]
cost_per_customer: float = 0.0  # cost to keep one customer over the window, $; range: [0, 1000]
n_boot: int = 1000  # bootstrap resamples of customers for the intervals; range: [100, 20000]

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import crmstudy
from crmstudy import concentration as conc
from crmstudy import datasets, transactions
from crmstudy.plots import concentration as conc_plots

pd.set_option("display.precision", 3)

if transactions_path:
    log = transactions.read_transactions(transactions_path)
    source = log.attrs["source"]
else:
    log = datasets.load_cdnow(sample=(dataset == "cdnow_sample"))
    source = {"cdnow_master": "CDNOW, full cohort", "cdnow_sample": "CDNOW, 1/10 sample"}[dataset]

# %% [markdown]
# ## One number per customer
#
# Concentration is measured on **one value per customer**: here the revenue each customer
# brought over the first `window_months` months of the log, or over the whole log when it is 0
# (the default; for CDNOW, the 18 months from January 1997 to June 1998). Customers who bought
# for \\$0 stay in: they are customers, and dropping them would make the base look more equal than
# it is. Orders are purchase *days*: several records on one day are one order (Fader, Hardie &
# Lee 2005).

# %%
totals = conc.customer_totals(log, months=window_months or None)
window_label = (
    f"{totals.attrs['window_start'].date()} to "
    f"{(totals.attrs['window_end'] - pd.Timedelta(days=1)).date()}"
)
crmstudy.record("n_customers", len(totals))
crmstudy.record("total_revenue", float(totals["revenue"].sum()))
print(f"{source}: {len(totals):,} customers bought between {window_label}")
totals.describe()

# %% [markdown]
# ## The Lorenz curve and the top-20% share
#
# Rank the customers from the largest to the smallest and accumulate their revenue: the curve
# below is the Lorenz (1905) curve read from the top. If every customer spent the same it would
# be the diagonal; the more it bulges, the more concentrated the base. Its height at 20% of
# customers is the primer's number. The **Gini coefficient** (Gini 1912) summarises the whole
# curve: twice the area between the diagonal and the Lorenz curve, 0 when everyone is equal and
# (n-1)/n when one customer holds everything.
#
# When 20% of the customers is not a whole number of people the boundary customer counts in
# part (we read the curve between its points). The intervals resample *customers* with
# replacement (the nonparametric bootstrap; Efron & Tibshirani 1993): they say how much the
# numbers would move with another draw of customers from the same population.

# %%
ci = conc.bootstrap_concentration(
    totals["revenue"], fraction=fraction, share=0.8, n_boot=n_boot, rng=2026
)
for measure in ci.index:
    crmstudy.record(measure, float(ci.loc[measure, "estimate"]))
    crmstudy.record(f"{measure}_lower", float(ci.loc[measure, "lower"]))
    crmstudy.record(f"{measure}_upper", float(ci.loc[measure, "upper"]))
crmstudy.record("concentration_ci", ci)
ci

# %%
top = ci.loc["top_share", "estimate"]
curve = conc.lorenz_curve(totals["revenue"], from_top=True, grid=1000)
fig = conc_plots.concentration_curves(
    {source: curve},
    fraction=fraction,
    marks={f"top {fraction:.0%}": top},
    title=f"{source}: revenue concentration, {window_label}",
)
plt.show()

# %%
top_lower, top_upper = ci.loc["top_share", "lower"], ci.loc["top_share", "upper"]
if top_upper < 0.8 or top_lower > 0.8:
    verdict = "80% is outside the interval: sampling noise does not explain the difference."
else:
    verdict = "80% is inside the interval: these data cannot tell the share from 80%."
display(
    Markdown(
        f"Over {window_label}, the top {fraction:.0%} of the {len(totals):,} customers bring "
        f"**{top:.1%}** of revenue (95% CI {top_lower:.1%} to {top_upper:.1%}); reaching 80% of "
        f"revenue takes {ci.loc['customers_for_share', 'estimate']:.1%} of the customers; the "
        f"Gini is {ci.loc['gini', 'estimate']:.3f}. {verdict}"
    )
)

# %% [markdown]
# ## How long you watch changes the answer
#
# A customer base is not a fixed list of heavy and light buyers. Over a short window most buyers
# buy once and look alike; over a longer one the frequent buyers pull away. Sharp (2010, *How
# Brands Grow*, ch. 4) reports that the top 20% of a brand's buyers make about half its sales over
# a year, and less over shorter windows.
#
# Below, the log is cut into consecutive windows of 3, 6, 12 and 18 months (calendar months from
# the first day of the log; windows do not overlap, the incomplete tail is dropped), and the
# top-20% share is measured in each. Two views of "the customers":
#
# * **buyers**: the customers who bought in the window (Sharp's and Kim, Singh & Winer's
#   measure);
# * **cohort**: every customer already acquired, with \\$0 if they did not buy in the window (the
#   firm's view of its whole base). CDNOW's customers were all acquired in the first quarter of
#   1997, so after it most of them buy nothing and the cohort view looks extremely concentrated.

# %%
lengths = sorted({3, 6, 12, 18, window_months} - {0})  # windows longer than the log are skipped
by_buyers = conc.window_concentration(log, lengths, fraction=fraction, population="buyers")
by_cohort = conc.window_concentration(log, lengths, fraction=fraction, population="cohort")
window_summary = pd.concat(
    {"buyers": conc.summarise_windows(by_buyers), "cohort": conc.summarise_windows(by_cohort)},
    names=["population"],
).reset_index()
crmstudy.record("window_summary", window_summary)
crmstudy.record(
    "window_top_share_buyers",
    {str(k): float(v) for k, v in conc.summarise_windows(by_buyers)["mean_top_share"].items()},
)
window_summary

# %%
fig = conc_plots.window_strip(
    {"buyers in the window": by_buyers, "whole cohort (zeros kept)": by_cohort},
    {
        "buyers in the window": conc.summarise_windows(by_buyers),
        "whole cohort (zeros kept)": conc.summarise_windows(by_cohort),
    },
    anchor=0.8,
    anchor_label="80/20",
)
plt.show()

# %%
mean_shares = {
    name: conc.summarise_windows(frame)["mean_top_share"]
    for name, frame in {"buyers": by_buyers, "whole cohort": by_cohort}.items()
}
display(
    Markdown(
        f"Mean top-{fraction:.0%} share by window length: "
        + "; ".join(
            f"**{name}** " + ", ".join(f"{v:.2f} over {k} months" for k, v in shares.items())
            for name, shares in mean_shares.items()
        )
        + "."
    )
)

# %% [markdown]
# On CDNOW the buyers' share rises with the window, as Sharp describes, and the whole-cohort view
# makes short windows look far more concentrated only because most customers were idle in them.
# **A top-20% share means nothing without its window and its population.**

# %% [markdown]
# ## Is the top 20% the same people next time?
#
# "Find your top 20% and look after them" assumes the top 20% is a stable group. Cut the log in
# two equal halves (CDNOW: two 9-month windows), rank the customers of the first half, and follow
# them into the second, where a customer who buys nothing counts as \\$0.

# %%
halves = conc.top_persistence(log, fraction=fraction)  # two halves of the log, whole months
crmstudy.record("persistence", halves.to_dict())
crmstudy.record("still_on_top", float(halves["still_on_top"]))
halves

# %%
display(
    Markdown(
        f"**{halves['still_on_top']:.0%}** of the first half's top {fraction:.0%} are still in "
        f"the top {fraction:.0%} of the second half. Together they bring "
        f"{halves['same_customers_share_second']:.0%} of the second half's revenue from these "
        f"customers, so {1 - halves['same_customers_share_second']:.0%} comes from customers the "
        f"rule would have ignored; {halves['buyers_second']:.0%} of the first half's buyers buy "
        "at all in the second half."
    )
)

# %% [markdown]
# The top group is worth looking after, but it is not a fixed list: the heaviest buyers of one
# period regress towards the mean in the next.

# %% [markdown]
# ## Against the published anchors
#
# How does CDNOW compare with what others measured? The anchors, with their sources, are kept in
# `crmstudy.concentration.PUBLISHED_ANCHORS`.

# %%
# The anchors are top-20% shares: measure exactly that, whatever `fraction` is set to.
ci20 = (
    ci
    if fraction == 0.2
    else conc.bootstrap_concentration(totals["revenue"], fraction=0.2, n_boot=n_boot, rng=2026)
)
quarters = conc.summarise_windows(conc.window_concentration(log, 3, fraction=0.2))
anchors = conc.published_anchors()
measured = pd.DataFrame(
    {
        "source": [f"This notebook: {source}"] * 2,
        "setting": [f"buyers, {window_label}", "buyers, mean over 3-month windows"],
        "top20_share": [ci20.loc["top_share", "estimate"], quarters.loc[3, "mean_top_share"]],
        "lower": [ci20.loc["top_share", "lower"], float("nan")],
        "upper": [ci20.loc["top_share", "upper"], float("nan")],
    }
)
comparison = pd.concat([anchors.drop(columns="citation"), measured], ignore_index=True)
comparison["label"] = comparison["source"] + " - " + comparison["setting"]
crmstudy.record("comparison", comparison.drop(columns="label"))
comparison[["source", "setting", "top20_share", "lower", "upper"]]

# %%
fig = conc_plots.anchor_dots(comparison)
plt.show()

# %%
display(
    Markdown(
        f"Measured over {window_label}, the top-20% share is "
        f"**{ci20.loc['top_share', 'estimate']:.2f}**; over 3-month windows it is "
        f"{quarters.loc[3, 'mean_top_share']:.2f} on average. The anchors: 0.80 (the rule), "
        "0.73 (Kim, Singh & Winer 2017, packaged-goods brands), 0.67 (McCarthy & Winer 2019, "
        "339 firms), 0.59 (their subscription businesses) and about 0.5 (Sharp 2010, a year)."
    )
)

# %% [markdown]
# ## Profit is more concentrated than revenue: the whale curve
#
# Revenue is not profit. Each order costs something to pick, pack, ship and bill, so a customer
# who places many small orders can lose money. Kaplan & Narayanan (2001, *Journal of Cost
# Management* 15(5)) rank customers by profit and plot the cumulative share of total profit: when
# some customers lose money the curve climbs **above 100%**, peaks at the last profitable
# customer, and falls back to 100%, a whale breaching.
#
# Here profit per customer = revenue x `margin` - `cost_per_customer` - `cost_per_order` x
# orders. The defaults (30% gross margin, \\$6 per order) are illustrative, not CDNOW's accounts;
# change them to see how the whale grows.

# %%
profit = conc.customer_profit(
    totals["revenue"],
    totals["orders"],
    margin=margin,
    cost_per_order=cost_per_order,
    cost_per_customer=cost_per_customer,
)
whale = conc.whale_summary(profit, fraction=fraction)
crmstudy.record("whale", whale.to_dict())
crmstudy.record("whale_peak", float(whale["peak_profit_share"]))
crmstudy.record("unprofitable_share", float(whale["unprofitable_share"]))
crmstudy.record("top_profit_share", float(whale["top_profit_share"]))
whale

# %%
fig = conc_plots.whale(conc.whale_curve(profit, grid=1000), whale)
plt.show()

# %%
display(
    Markdown(
        f"With a {margin:.0%} margin, \\${cost_per_order:g} per order and \\${cost_per_customer:g} "
        f"per customer, **{whale['unprofitable_share']:.0%}** of the customers lose money, the "
        f"whale curve peaks at {whale['peak_profit_share']:.0%} of total profit, and the top "
        f"{fraction:.0%} of customers by profit bring {whale['top_profit_share']:.0%} of profit "
        f"(against {top:.0%} of revenue for the top {fraction:.0%} by revenue)."
    )
)

# %% [markdown]
# When serving an order costs money, profit is more concentrated than revenue, and the customers
# at the bottom destroy part of what the top creates. Serving the unprofitable customers
# differently (a minimum order, a shipping fee) can be worth more than chasing the top 20%.

# %% [markdown]
# ## Where "80/20" comes from, and whether it is a law
#
# **Pareto (1896)**, in his *Cours d'économie politique*, found that incomes in several countries
# followed a power law: the number of people with income above x falls like x^(-a). For that
# distribution the top q of the population holds q^(1-1/a) of the total, whatever the scale, so
# the whole curve depends on one number, the shape a. "80/20" is the case a = 1.16; Pareto's own
# estimates for incomes were nearer a = 1.5, which gives about 58/20. **Juran** (1951, *Quality
# Control Handbook*) borrowed Pareto's name for a general principle of management, the "vital few
# and the trivial many" (most quality losses come from a few causes), and later admitted he had
# attached the wrong name to it (Juran 1975, "The non-Pareto principle; mea culpa"). "80/20"
# became the principle's shorthand and travelled into sales management and CRM.

# %%
pareto = pd.DataFrame(
    {
        "label": [
            "the 80/20 rule",
            "Pareto's incomes (a about 1.5)",
            f"{source}, measured",
            "Sharp's about 50% over a year",
        ],
        "pareto_shape": [
            conc.pareto_shape(0.8, 0.2),
            1.5,
            conc.pareto_shape(ci20.loc["top_share", "estimate"], 0.2),
            conc.pareto_shape(0.5, 0.2),
        ],
    }
)
pareto["top20_share"] = [conc.pareto_top_share(a, 0.2) for a in pareto["pareto_shape"]]
pareto["pareto_gini"] = [conc.pareto_gini(a) for a in pareto["pareto_shape"]]
crmstudy.record("pareto_shape_80_20", conc.pareto_shape(0.8, 0.2))
crmstudy.record("pareto_shape_measured", float(pareto["pareto_shape"].iloc[2]))
pareto

# %% [markdown]
# Is the measured spending a Pareto distribution with a gentler shape? If it were, the single
# shape that reproduces its top-20% share would reproduce the whole curve. The table below
# compares the two curves at other points: where they differ, one point of the curve does not
# pin down the rest. (On CDNOW the Pareto curve gives the top 1% about twice the share they
# actually hold: real spending has no power-law top tail, because many customers place one small
# order, a minority buy steadily, and nobody is a billionaire.)

# %%
shape = float(pareto["pareto_shape"].iloc[2])
points = [0.01, 0.05, 0.2, 0.5, 0.8]
pareto_check = pd.DataFrame(
    {
        "top_fraction": points,
        "measured_share": [conc.top_share(totals["revenue"], q) for q in points],
        "pareto_share": [conc.pareto_top_share(shape, q) for q in points],
    }
)
crmstudy.record("pareto_check", pareto_check)
grid = [k / 200 for k in range(1, 201)]
pareto_curve = pd.DataFrame(
    {
        "customer_share": [0.0, *grid],
        "value_share": [0.0, *(conc.pareto_top_share(shape, q) for q in grid)],
    }
)
fig = conc_plots.concentration_curves(
    {source: curve, f"Pareto, shape {shape:.2f} (same top-20% share)": pareto_curve},
    title="One point does not make a Pareto distribution",
)
plt.show()
pareto_check

# %% [markdown]
# **Law or rule of thumb?** It is a rule of thumb. There is a robust *regularity*: customer value
# is always skewed, the top 20% always hold much more than 20%, and the Lorenz curve is always
# bowed. That regularity is law-like (Sharp, Romaniuk & Graham 2019 call it the "60/20 law").
# But the *number* is not a constant: it depends on the category, on whether the business sells
# subscriptions, on the observation window and on who counts as a customer, and published
# averages sit between 0.5 and 0.75, not at 0.8. Two practical consequences:
#
# * by every anchor above the light 80% of customers bring a quarter or more of revenue, so
#   neglecting them is costly;
# * "finding the top 20%" is a moving target: a large part of one period's top 20% is not in the
#   next period's (regression to the mean; see the two halves above).
#
# ## References
#
# - Efron, B. and Tibshirani, R. J. (1993), *An Introduction to the Bootstrap*, Chapman & Hall.
# - Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "Counting your customers the easy way",
#   *Marketing Science* 24(2), 275-284.
# - Gini, C. (1912), *Variabilità e mutabilità*, Bologna.
# - Juran, J. M. (1951), *Quality Control Handbook*, McGraw-Hill.
# - Juran, J. M. (1975), "The non-Pareto principle; mea culpa", *Quality Progress*, May 1975, 8.
# - Kaplan, R. S. and Narayanan, V. G. (2001), "Measuring and managing customer profitability",
#   *Journal of Cost Management* 15(5), 5-15.
# - Kim, B. J., Singh, V. and Winer, R. S. (2017), "The Pareto rule for frequently purchased
#   packaged goods: an empirical generalization", *Marketing Letters* 28(4), 491-507.
# - Kleiber, C. and Kotz, S. (2003), *Statistical Size Distributions in Economics and Actuarial
#   Sciences*, Wiley.
# - Lorenz, M. O. (1905), "Methods of measuring the concentration of wealth", *Publications of
#   the American Statistical Association* 9(70), 209-219.
# - McCarthy, D. M. and Winer, R. S. (2019), "The Pareto rule in marketing revisited: is it 80/20
#   or 70/20?", *Marketing Letters* 30(2), 139-150.
# - Pareto, V. (1896), *Cours d'économie politique*, Lausanne.
# - Sharp, B. (2010), *How Brands Grow*, Oxford University Press.
# - Sharp, B., Romaniuk, J. and Graham, C. (2019), "Marketing's 60/20 Pareto law", SSRN 3498097.
