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
# # "Cut churn 5%, raise profit 100%": when does it hold?
# # “客户流失率降低 5%，利润提高 100%”：何时成立？
#
# **Question.** Does cutting customer defection by 5% raise profit by 100%, and in which reading
# of the claim (5 points or 5% of the rate; firm profit or one customer's value; discounted or
# not)?
#
# **问题。** 把客户流失率（defection rate）降低 5%，利润真的能提高 100% 吗？在哪种理解下成立
# （下降 5 个百分点还是相对下降 5%；公司利润还是单个客户的价值；是否贴现）？
#
# The primer says that a firm that lowers its customer churn by 5% grows its profit by 100%. The
# source is Reichheld & Sasser (1990), "Zero Defections: Quality Comes to Services", *Harvard
# Business Review* 68(5): "companies can boost profits by almost 100% by retaining just 5% more of
# their customers". Their text cites cuts of 5 points that raised profits by 85% in a bank's
# branch system, 50% in an insurance brokerage and 30% in an auto-service chain; their exhibit
# across industries spans roughly 25% to 85%; MBNA's profits rose 125% when it halved a 10%
# defection rate.

# %% [markdown] tags=["learning_goals"]
# ## Learning goals / 学习目标
#
# 1. Tell apart the two figures behind the claim: steady-state firm profit and Reichheld &
#    Sasser's NPV of one average customer over the average life of `1/d` years.
#    区分两种数字：稳态公司利润，和 R&S 的“平均客户在平均寿命 1/d 年内的净现值”。
# 2. Read "5%" as 5 percentage points or as 5% of the rate, and see why the answer changes tenfold.
#    把“5%”理解为 5 个百分点或相对 5%，并理解结论为何相差十倍。
# 3. Explain the condition for "+100%": the rise in lifetime profit must exceed the net margin.
#    解释“+100%”的条件：终身利润的相对增幅须不小于净利润率。
# 4. See how discounting and the slow transition shrink the gain.
#    理解贴现和缓慢的过渡如何缩小收益。

# %% tags=["parameters"]
defection_before: float = 0.10  # defection rate before, per year; range: (0, 1]
defection_after: float = 0.05  # defection rate after, per year; range: (0, 1]
kind: str = "points"  # how the heat map reads "a 5% cut"; choices: points, relative
base_profit: float = 30.0  # US$ per customer-year before tenure effects; range: [-10000, 10000]
purchase_growth: float = 3.0  # US$ added per year of tenure by growing purchases; range: [0, 10000]
cost_savings: float = 1.5  # US$ added per year of tenure by lower cost to serve; range: [0, 10000]
referrals: float = 1.0  # US$ added per year of tenure by referrals; range: [0, 10000]
price_premium: float = 0.75  # US$ added per year of tenure by a price premium; range: [0, 10000]
ramp_periods: int = 4  # years of tenure over which the five effects keep growing; range: [0, 50]; was: ramp_years
acquisition_cost: float = 51.0  # cost of acquiring one customer (US$); range: [0, 100000]
fixed_cost: float = 0.0  # fixed cost per year, independent of customers (US$); range: [0, inf)
annual_discount_rate: float = 0.10  # discount rate per year; range: (0, 1); was: discount_rate
new_customers: float = 1000.0  # customers acquired per year; range: (0, inf); was: new_customers_per_period

# %%
import dataclasses
import math

import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import crmstudy
from crmstudy import churn_profit as cp
from crmstudy.formatting import format_money, format_number, format_percent, markdown_table
from crmstudy.plots import churn_profit as cp_plots
from crmstudy.verdicts import VERDICT_CLASSES, record_verdict

base = cp.CustomerBase(
    new_customers=new_customers,
    acquisition_cost=acquisition_cost,
    base_profit=base_profit,
    purchase_growth=purchase_growth,
    cost_savings=cost_savings,
    referrals=referrals,
    price_premium=price_premium,
    ramp_periods=ramp_periods,
    fixed_cost=fixed_cost,
    discount_rate=annual_discount_rate,
    period="Y",
)


def show(text):
    """Display printed Markdown; a dollar sign is money here, never the start of mathematics."""
    display(Markdown(text.replace("$", r"\$")))


def pct(value, digits=1):
    return format_percent(value, digits=digits, signed=True)


# %% [markdown]
# **The model** (`crmstudy.churn_profit`): `N` new customers arrive every year at an acquisition
# cost `c`; a customer in their t-th year yields profit `p_t`, built from Reichheld & Sasser's five
# sources (base profit, growing purchases, lower cost to serve, referrals, price premium); every
# customer defects with probability `d` a year; the firm may carry a fixed cost `F`. In the mature
# base there are `N (1-d)^(t-1)` customers of tenure `t`, so the yearly profit is
#
# $$\Pi(d) = N\,G(d) - N c - F, \qquad G(d) = \sum_{t \ge 1} p_t (1-d)^{t-1},$$
#
# where `G(d)` is what a new customer brings over their life, undiscounted. The default profile
# is illustrative and close to R&S's credit-card exhibit (US\\$51 to acquire, US\\$30 profit in the
# first year rising to US\\$55 in the fifth, here in equal steps); change it in the parameters.
#
# ## 1. The mechanism: profit per customer grows with tenure
#
# Reichheld & Sasser's exhibit "Why customers are more profitable over time" stacks the five
# sources year by year. A lower defection rate does two things: customers stay longer, and the
# base shifts towards the long-tenure customers who earn the most.

# %%
profile = cp.tenure_profile(base, periods=ramp_periods + 3)
fig = cp_plots.profile_bars(profile, acquisition_cost=acquisition_cost)

# %% [markdown]
# ## 2. Two figures that both get called "the profit gain"
#
# **Steady-state firm profit** compares the whole mature base at the two defection rates.
# **Reichheld & Sasser's own metric** (the footnote of their exhibit "Reducing defections 5%
# boosts profits 25% to 85%") is the net present value of the profit stream of the *average*
# customer over the *average customer life* of `1/d` years, at the current rate and at a rate 5
# points lower. The per-industry numbers of the exhibit, and MBNA's comparison, are per-customer
# figures of this kind.
#
# They are tied by an identity. Undiscounted, steady-state profit is the inflow of new customers
# times a new customer's expected lifetime profit net of acquisition, `Pi(d) = N (G(d) - c) - F`,
# where the lifetime is *geometric* with mean `1/d`. R&S's metric replaces that random lifetime by
# a *fixed* life of `1/d` years, and may discount. When `1/d` is not a whole number, the whole
# years count in full and the last, partial year counts pro rata (15% defection: six years and
# two thirds of the seventh).

# %%
identity = pd.DataFrame(
    {
        f"d = {format_percent(d, share=True)}": cp.steady_state_identity(d, base)
        for d in (defection_before, defection_after)
    }
)
labels = {
    "steady_state_profit": "steady-state profit per year (cohort sum)",
    "inflow_times_lifetime_profit": "N x (G(d) - c) - F",
    "expected_lifetime_profit_net": "one customer, geometric life of mean 1/d, undiscounted",
    "rs_undiscounted_npv": "one customer, fixed life of 1/d (R&S), undiscounted",
}
show(
    markdown_table(
        identity.rename(index=labels),
        {c: format_money for c in identity.columns},
        index_name="quantity (US$)",
    )
)

# %%
change = cp.profit_change(defection_before, defection_after, base=base)
rs_plain = cp.rs_npv_change(defection_before, defection_after, base)
rs_disc = cp.rs_npv_change(defection_before, defection_after, base, annual_discount_rate)
crmstudy.record(
    "profit_change_pct",
    change["profit_change_pct"],
    label="Change in steady-state firm profit",
    unit="pct",
    fmt="+.1f",
)
crmstudy.record(
    "rs_customer_npv_change_pct",
    rs_plain["rs_customer_npv_change_pct"],
    label="Change in R&S's customer NPV over the average life, undiscounted",
    unit="pct",
    fmt="+.1f",
)
crmstudy.record(
    "rs_customer_npv_change_discounted_pct",
    rs_disc["rs_customer_npv_change_pct"],
    label="Change in R&S's customer NPV over the average life, discounted",
    unit="pct",
    fmt="+.1f",
)
crmstudy.record(
    "clv_change_pct",
    change["clv_change_pct"],
    label="Change in a new customer's discounted lifetime value (geometric life)",
    unit="pct",
    fmt="+.1f",
)
crmstudy.record("net_margin", change["net_margin"], label="Net margin of the base", unit="share")

# %%
gross = cp.steady_state_profit(defection_before, base)
gap = change["profit_change_pct"] - rs_plain["rs_customer_npv_change_pct"]
relation = "larger than" if gap > 0.05 else "smaller than" if gap < -0.05 else "about the same as"
verb = "rises" if change["profit_change_pct"] >= 0 else "falls"
show(
    f"From {format_percent(defection_before, share=True)} to "
    f"{format_percent(defection_after, share=True)} defection a year, **steady-state firm "
    f"profit** {verb} by **{pct(change['profit_change_pct'])}**. **R&S's metric**, one "
    f"average customer over an average life of {format_number(rs_plain['life_before'], 2)} "
    f"then {format_number(rs_plain['life_after'], 2)} years, changes by "
    f"**{pct(rs_plain['rs_customer_npv_change_pct'])}** undiscounted and by "
    f"**{pct(rs_disc['rs_customer_npv_change_pct'])}** discounted at "
    f"{format_percent(annual_discount_rate, share=True)} a year. A reader of the primer "
    "comparing with R&S's 25%-85% or MBNA's 125% should compare with R&S's metric; the firm "
    f"profit is a different quantity, here {relation} R&S's undiscounted figure.\n\n"
    f"The base's **net margin** is {format_percent(change['net_margin'], share=True)}. In "
    "words: of every dollar of profit the customers generate over their lives "
    f"({format_money(gross['gross_profit'])} a year in the mature base), the firm keeps that "
    "share after paying to acquire the newcomers who replace the defectors "
    f"({format_money(gross['acquisition_spend'])} a year) and its fixed cost "
    f"({format_money(gross['fixed_cost'])}). It is not a margin on sales: the sales and their "
    "costs are already inside the profit per customer `p_t`."
)

# %% [markdown]
# ### Reproducing the credit-card example
#
# R&S's credit-card exhibit: US\\$51 to acquire, then US\\$30, 42, 44, 49 and 55 profit in years 1-5,
# flat afterwards; MBNA went from 10% to 5% defection. These inputs are the article's, fixed here
# whatever the parameters say (only the discount rate is the parameter's).

# %%
card = cp.rs_credit_card_base(annual_discount_rate)
card_plain = cp.rs_npv_change(0.10, 0.05, card, profits=cp.RS_CREDIT_CARD_PROFITS)
card_disc = cp.rs_npv_change(
    0.10, 0.05, card, annual_discount_rate, profits=cp.RS_CREDIT_CARD_PROFITS
)
crmstudy.record(
    "rs_credit_card_npv_change_pct",
    card_plain["rs_customer_npv_change_pct"],
    label="R&S credit-card example, 10% to 5% defection, undiscounted",
    unit="pct",
    fmt="+.1f",
)
crmstudy.record(
    "rs_credit_card_npv_change_discounted_pct",
    card_disc["rs_customer_npv_change_pct"],
    label="R&S credit-card example, 10% to 5% defection, discounted",
    unit="pct",
    fmt="+.1f",
)
show(
    f"Undiscounted, the average customer is worth {format_money(card_plain['npv_before'])} "
    f"over 10 years and {format_money(card_plain['npv_after'])} over 20: "
    f"**{pct(card_plain['rs_customer_npv_change_pct'])}**, next to MBNA's +125%. Discounted at "
    f"{format_percent(annual_discount_rate, share=True)}, {format_money(card_disc['npv_before'])}"
    f" against {format_money(card_disc['npv_after'])}: "
    f"**{pct(card_disc['rs_customer_npv_change_pct'])}**. The article's exhibit does not say "
    "at which rate, if any, it discounts."
)

# %% [markdown]
# ### What R&S's per-industry bars require
#
# The exhibit's per-industry numbers (85% branch deposits, 50% insurance brokerage, 30% auto
# service) cannot be reproduced: their inputs were never published. The model can be inverted
# instead: for each tenure-profit ramp, which baseline defection rate makes a 5-point cut raise
# R&S's metric by exactly that much? (The smallest such baseline; "n/a" = none, with the
# customer paying back the acquisition cost.)

# %%
flat = cp.CustomerBase(
    acquisition_cost=acquisition_cost,
    base_profit=base_profit,
    purchase_growth=0.0,
    cost_savings=0.0,
    referrals=0.0,
    price_premium=0.0,
    ramp_periods=0,
    period="Y",
)
ramps = {
    "flat (no tenure effects)": (flat, None),
    "the parameters' ramp": (base, None),
    "R&S credit card": (card, cp.RS_CREDIT_CARD_PROFITS),
}
required = pd.DataFrame(
    {
        f"{name}, {label}": [
            cp.rs_required_defection(t, ramp, 0.05, rate, profits) for t in (85.0, 50.0, 30.0)
        ]
        for name, (ramp, profits) in ramps.items()
        for label, rate in (("undiscounted", 0.0), ("discounted", annual_discount_rate))
    },
    index=pd.Index(
        ["+85% (branch deposits)", "+50% (insurance brokerage)", "+30% (auto service)"],
        name="R&S uplift",
    ),
)
crmstudy.record(
    "rs_required_defection", required, label="Baseline defection giving each R&S uplift"
)
show(
    markdown_table(
        required,
        {c: (lambda v: format_percent(v, share=True)) for c in required.columns},
        index_name="target",
    )
)

# %% [markdown]
# Read across a row: the higher the baseline defection, the smaller the gain from the same
# 5-point cut. R&S's +30% to +85% correspond to baselines of moderate defection; with
# discounting, gains that large need near break-even customers or a steep ramp.

# %% [markdown]
# ## 3. Where "+100%" holds for firm profit: baseline defection times net margin
#
# This section and the next show **the claim's cut of 5** (points, or 5% of the rate as set by
# `kind`) from each baseline, whatever `defection_after` says. A cut from `d` to `d'` raises
# profit by `N (G(d') - G(d))`. Divide by the profit `Pi(d)`:
#
# $$\text{uplift} = \frac{G(d')/G(d) - 1}{\mu}, \qquad \mu = \frac{\Pi(d)}{N\,G(d)},$$
#
# where `mu` is the base's net margin. The map shows the uplift for the tenure profile of the
# parameters; the contours mark R&S's 25% and 85% and the claimed 100%. The cross is the base of
# the parameters.

# %%
defections = np.round(np.arange(0.06, 0.505, 0.01), 3)
margins = np.round(np.linspace(0.02, 1.0, 50), 3)
grid = cp.uplift_map(defections, margins, cut=0.05, kind=kind, base=base)
this_margin = cp.steady_state_profit(defection_before, base)["net_margin"]
marker = (defection_before, this_margin) if 0 < this_margin <= 1 else None
cut_name = "5-point" if kind == "points" else "5% relative"
fig = cp_plots.uplift_heatmap(
    grid, marker=marker, title=f"Firm profit uplift of a {cut_name} defection cut", period="year"
)

# %% [markdown]
# **The condition for +100%, in words:** firm profit at least doubles when the cut raises the
# lifetime profit of a new customer by at least the base's net margin, in relative terms,
#
# $$\frac{G(d')}{G(d)} - 1 \;\ge\; \mu .$$
#
# For a flat profile `G(d) = p / d`, so a cut of 5 *points* doubles profit when
# `0.05 / (d - 0.05) >= mu`, i.e. `d <= 0.05 (1 + 1/mu)`. A cut of 5% *of the rate* gives only
# `1/0.95 - 1 = 5.3%` more lifetime profit with a flat profile, so it doubles profit only for a
# base earning a net margin of 5% or less. The table gives, for each baseline, the highest net
# margin at which each reading still doubles profit with this tenure profile.

# %%
thresholds = pd.DataFrame(
    {
        "points": [cp.doubling_threshold(d, 0.05, "points", base) for d in [0.1, 0.2, 0.3, 0.4]],
        "relative": [
            cp.doubling_threshold(d, 0.05, "relative", base) for d in [0.1, 0.2, 0.3, 0.4]
        ],
    },
    index=pd.Index([0.1, 0.2, 0.3, 0.4], name="baseline defection"),
)
crmstudy.record(
    "doubling_threshold", thresholds, label="Highest net margin at which profit doubles"
)
show(
    markdown_table(
        thresholds.rename(index=lambda d: format_percent(d, share=True)),
        {c: (lambda v: format_percent(v, share=True)) for c in thresholds.columns},
        index_name="baseline defection",
    )
)

# %% [markdown]
# ## 4. Points or percent, firm or customer, discounted or not: the verdict
#
# The claim's cut from `defection_before`, read both ways, under the three metrics.

# %%
readings = cp.claim_readings(defection_before, base, annual_discount_rate)
pts, rel = readings.loc["points"], readings.loc["relative"]
crmstudy.record(
    "uplift_points_pct",
    pts["firm_profit_pct"],
    label="Firm profit change, 5-point cut from defection_before",
    unit="pct",
    fmt="+.1f",
)
crmstudy.record(
    "uplift_relative_pct",
    rel["firm_profit_pct"],
    label="Firm profit change, 5% relative cut from defection_before",
    unit="pct",
    fmt="+.1f",
)
crmstudy.record("claim_readings", readings, label="The claim's readings (% change)")
fig = cp_plots.claim_readings_bars(readings)

# %%
rule = cp.verdict_churn_5pct(readings)
values = [v for k, v in rule["values"].items() if k != "threshold_pct"]
headline = pts["rs_npv_undiscounted_pct"]
verdict = record_verdict(
    "churn_5pct",
    rule["class"],
    condition_en=rule["condition_en"],
    condition_zh=rule["condition_zh"],
    headline_value=headline if math.isfinite(headline) else float(np.nanmax(values)),
    headline_unit="pct",
    headline_fmt="+.0f",
    headline_en=(
        f"R&S's customer NPV, 5-point cut from {format_percent(defection_before, share=True)}, "
        "undiscounted"
    ),
    headline_zh=f"R&S 客户净现值，从 {format_percent(defection_before, share=True)} 下降 5 个百分点，不贴现",
    sensitivity=(float(np.nanmin(values)), float(np.nanmax(values))),
    sensitivity_en="range over the six readings (5 points or 5% of the rate; firm profit or customer NPV; discounted or not)",
    sensitivity_zh="六种理解的范围（5 个百分点或相对 5%；公司利润或客户净现值；是否贴现）",
    data_en="the customer-base model of Reichheld & Sasser's mechanism with the notebook's parameters",
    data_zh="按本笔记本参数设定的 Reichheld & Sasser 客户群模型",
    values=rule["values"],
)
en, zh = VERDICT_CLASSES[verdict["class"]]
en_lead = en if en.endswith("…") else en + "."
show(
    f"**Verdict: the claim {en_lead}** {verdict['condition_en']} "
    f"{verdict['headline']['text_en']} (across readings "
    f"{pct(verdict['sensitivity']['lower'], 0)} to {pct(verdict['sensitivity']['upper'], 0)}).\n\n"
    f"**结论：该说法{zh}。** {verdict['condition_zh']}"
    f"{verdict['headline']['text_zh']}（各种理解的范围 {pct(verdict['sensitivity']['lower'], 0)}"
    f" 至 {pct(verdict['sensitivity']['upper'], 0)}）。"
)

# %% [markdown]
# Over baselines, with firm profit (steady state):

# %%
baseline = np.round(np.arange(0.06, 0.51, 0.02), 3)
by_reading = pd.DataFrame(
    {
        k: [cp.profit_change(d, cut=0.05, kind=k, base=base)["profit_change_pct"] for d in baseline]
        for k in ["points", "relative"]
    },
    index=pd.Index(baseline, name="defection"),
)
fig = cp_plots.points_vs_relative(by_reading, period="year")

# %% [markdown]
# ## 5. Compared with Gupta, Lehmann & Stuart (2004)
#
# GLS find that 1% more retention raises customer equity by about 5% (see notebook 02). Here,
# 1% more *retention* (not 1 point less defection) at `defection_before`: the steady-state
# profit elasticity (a different quantity from GLS's, which is of customer equity).

# %%
elasticity = cp.steady_state_profit_elasticity(defection_before, base)
crmstudy.record(
    "steady_state_profit_elasticity",
    elasticity["profit"],
    label="% change in steady-state profit per 1% more retention",
    unit="",
    fmt=".2f",
)
crmstudy.record(
    "new_customer_clv_elasticity",
    elasticity["clv"],
    label="% change in a new customer's CLV per 1% more retention",
    unit="",
    fmt=".2f",
)
show(
    f"1% more retention changes steady-state profit by {pct(elasticity['profit'], 2)} and a "
    f"new customer's discounted lifetime value by {pct(elasticity['clv'], 2)}. Steady-state "
    "profit responds more because it is net of costs that do not move (the leverage of the "
    "net margin)."
)

# %% [markdown]
# ## 6. How long does it take?
#
# The steady state is a long-run comparison. When defection falls from `defection_before` to
# `defection_after`, profit rises only as the base grows into its new size.

# %%
path = cp.transition_path(defection_before, defection_after, horizon=60, base=base)
years_90 = path.attrs["periods_to_90pct"]
crmstudy.record(
    "periods_to_90pct", years_90, label="Years to reach 90% of the steady-state gain", unit="years"
)
crmstudy.record(
    "value_of_change",
    path.attrs["value_of_change"],
    label="Present value of the change",
    unit="USD",
)
naive = path.attrs["naive_value_of_change"]
crmstudy.record(
    "naive_value_of_change", naive, label="Present value if the whole gain came at once", unit="USD"
)
fig = cp_plots.transition_plot(path)

# %%
show(
    f"The steady-state gain is {format_money(path.attrs['steady_state_gain'])} a year; 90% of "
    f"it is reached after {format_number(years_90)} years. The change is worth "
    f"{format_money(path.attrs['value_of_change'])} today, against {format_money(naive)} if "
    'the whole gain came at once: "+100% profit" is a statement about the distant steady '
    "state."
)

# %% [markdown]
# ## Take-aways
#
# * Two figures carry the name: steady-state firm profit, and R&S's NPV of one average customer
#   over the average life. R&S's exhibit reports the second.
# * "+100%" needs a 5-*point* cut from a low baseline; read as 5% of the rate, the same claim gives
#   single-digit gains. Discounting shrinks R&S's metric (section 2 says by how much).
# * The gain arrives only as the base ages into its new size (section 6 gives the years); its
#   present value is smaller than the steady-state comparison suggests.

# %% [markdown] tags=["exercise"]
# ## Exercise 1 (easy)
#
# Run the notebook with `defection_before=0.2` and `defection_after=0.15`. By how much does
# steady-state firm profit change? (Record it as `exercise_1_answer`, in percent.)

# %% tags=["solution"]
answer_1 = cp.profit_change(0.2, 0.15, base=base)["profit_change_pct"]
crmstudy.record(
    "exercise_1_answer",
    answer_1,
    label="Exercise 1: firm profit change, 20% to 15%",
    unit="pct",
    fmt="+.1f",
)

# %% [markdown] tags=["exercise"]
# ## Exercise 2 (medium)
#
# With R&S's credit-card profits, what is the undiscounted change in the average customer's NPV
# when defection falls from 20% to 15%? Mind the fractional life of 6.67 years.

# %% tags=["solution"]
answer_2 = cp.rs_npv_change(0.2, 0.15, card, profits=cp.RS_CREDIT_CARD_PROFITS)[
    "rs_customer_npv_change_pct"
]
crmstudy.record(
    "exercise_2_answer",
    answer_2,
    label="Exercise 2: credit-card NPV change, 20% to 15%",
    unit="pct",
    fmt="+.1f",
)

# %% [markdown] tags=["exercise"]
# ## Exercise 3 (medium)
#
# Run the scenario `thin_margin_high_churn` (`crmstudy report 04_churn_to_profit --scenario
# thin_margin_high_churn`). What is the base's net margin there, and why does the 5-point cut
# then raise firm profit so much more than R&S's metric?

# %% tags=["solution"]
thin = dataclasses.replace(base, fixed_cost=100000.0)
answer_3 = cp.steady_state_profit(0.25, thin)["net_margin"]
crmstudy.record(
    "exercise_3_answer",
    answer_3,
    label="Exercise 3: net margin at 25% defection with a US$100,000 fixed cost",
    unit="share",
)

# %% [markdown] tags=["exercise"]
# ## Exercise 4 (harder)
#
# Which baseline defection rate makes a 5-point cut raise the credit-card customer's NPV,
# discounted at 10% a year, by exactly 50%?

# %% tags=["solution"]
answer_4 = cp.rs_required_defection(
    50.0, cp.rs_credit_card_base(0.10), 0.05, 0.10, cp.RS_CREDIT_CARD_PROFITS
)
crmstudy.record(
    "exercise_4_answer",
    answer_4,
    label="Exercise 4: baseline defection for +50%, credit card, 10% discount",
    unit="share",
)
