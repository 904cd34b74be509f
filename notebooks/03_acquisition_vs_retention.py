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
# # "Acquiring a customer costs 5x keeping one"
# # “开发一个新客户的成本是保留一个老客户的 5 倍”
#
# **Question.** Does a 5x cost ratio mean a firm should spend more on retention, and how much
# more?
#
# **问题。** 获客成本是保留成本的 5 倍，是否意味着企业应把更多资金投向客户保留？应该多投多少？
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
# All formulas, and their derivations, live in `crmstudy.acquisition` and `crmstudy.reallocation`;
# the notebook only calls them. The period is a year. Section 8 puts a value on
# real customers: CDNOW's, from a BG/NBD and Gamma-Gamma fit.

# %% [markdown] tags=["learning_goals"]
# ## Learning goals / 学习目标
#
# 1. Tell an *average* cost ratio from a *marginal* one, and see why only the marginal one says
#    where the next dollar goes. 区分平均成本之比与边际成本之比。
# 2. Show that at the optimum the two marginal costs are equal (Pfeifer 2005's first half).
#    说明在最优点两种边际成本相等。
# 3. If "5x" is a ratio of marginal costs at current spending, say how far money should move to
#    retention (Pfeifer's second half). 若“5 倍”是边际成本之比，说明应把多少资金转向保留。
# 4. Value real repeat buyers (CDNOW) with a purchase and a spend model, with an interval.
#    用购买模型和消费模型为 CDNOW 的重复购买者估值，并给出区间。

# %% tags=["parameters"]
margin: float = 100.0  # margin per customer per year (US$); range: (0, 100000]
annual_discount_rate: float = 0.10  # discount rate per year; range: (0, 1); was: discount_rate
a_max: float = 0.40  # acquisition ceiling, most prospects any spend wins (share); range: (0, 1)
k_a: float = 0.0  # acquisition efficiency per US$ per prospect; 0 uses cost_ratio; range: [0, 10]
r_max: float = 0.80  # retention ceiling per period (share); range: (0, 1)
k_r: float = 0.20  # retention efficiency per US$ per customer per period; range: (0, 10]
cost_ratio: float = 5.0  # cost of first customer won / first kept, used if k_a is 0; range: [1, 25]
cdnow_margin_share: float = 0.30  # share of CDNOW spend kept as margin (section 10); range: (0, 1]
cdnow_horizon: int = 3  # years of CDNOW purchases valued (section 10); range: [1, 10]
marginal_ratio: float = (
    5.0  # marginal cost ratio, acquired / retained, at current spending (section 6); range: (1, 50]
)

# %%
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import crmstudy
from crmstudy import acquisition, datasets, keep_or_replace, reallocation
from crmstudy.clv import customer_lifetime_value
from crmstudy.formatting import format_money, format_number, format_percent, markdown_table
from crmstudy.models.bgnbd import BGNBD
from crmstudy.models.gammagamma import GammaGamma
from crmstudy.plots import acquisition as acq_plots
from crmstudy.verdicts import VERDICT_CLASSES, record_verdict

CLAIM = 5.0  # the maxim's ratio of acquisition to retention cost
discount_rate = annual_discount_rate  # the model's period is a year


def show(text):
    """Display printed Markdown; a dollar sign is money here, never the start of mathematics."""
    display(Markdown(text.replace("$", r"\$")))


def num(digits):
    return lambda v: format_number(v, digits)


money = format_money
share = lambda v: format_percent(v, share=True)  # noqa: E731

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
crmstudy.record("k_a_used", k_a, label="Acquisition efficiency used, per US$", unit="", fmt=".4f")
crmstudy.record(
    "first_customer_cost_ratio",
    first_ratio,
    label="Cost of the first customer won over the first kept",
    unit="x",
)
show(
    f"Margin {money(margin)} a year, discount rate {share(discount_rate)}; acquisition ceiling "
    f"{share(a_max)} of prospects, efficiency {format_number(k_a, 4)} per US$; retention ceiling "
    f"{share(r_max)}, efficiency {format_number(k_r, 3)} per US$. The first customer won costs "
    f"{format_number(first_ratio, 2)}x the first one kept."
)

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
for name, label, unit in (
    ("acquisition_spend", "Optimal acquisition spend per prospect", "USD"),
    ("retention_spend", "Optimal retention spend per customer per year", "USD"),
    ("customer_value", "Customer value at the optimum, V*", "USD"),
    ("customer_equity", "Customer equity per prospect at the optimum", "USD"),
    ("average_cost_ratio", "Average cost ratio at the optimum, acquired / retained", "x"),
    ("marginal_cost_ratio", "Marginal cost ratio at the optimum", "x"),
    ("retention_budget_share", "Retention share of the budget at the optimum", "share"),
):
    crmstudy.record(name, float(best[name]), label=label, unit=unit)

# %%
top = max(3 * best["acquisition_spend"], 3 * best["retention_spend"], 10.0)
curves = acquisition.response_curves(np.linspace(0.0, top, 300), a_max, k_a, r_max, k_r)
fig = acq_plots.response_curves(curves, best, period="year")

# %% [markdown]
# On the right, the dashed lines are average costs and the solid lines marginal costs. Both solid
# lines cross the dotted customer value `V*` exactly at the optimal spend (the filled dots): **at
# the optimum the marginal cost of acquiring a customer equals the marginal cost of keeping one,
# and both equal the customer's value** (Pfeifer 2005; derived in `crmstudy.acquisition` and
# tested by finite differences). The open dots are the average costs at the optimum: both lie
# below `V*`, and their ratio is whatever the curvature of the two curves makes it.

# %%
show(
    f"At the optimum the firm spends **{money(best.acquisition_spend)}** per prospect and "
    f"**{money(best.retention_spend)}** per customer per year. An acquired customer costs "
    f"**{money(best.average_cost_acquired)}** on average and a retained one "
    f"**{money(best.average_cost_retained)}**: an average cost ratio of "
    f"**{format_number(best.average_cost_ratio, 2)}x** (the claim: {CLAIM:g}x; the first-customer "
    f"ratio: {format_number(first_ratio, 2)}x). The marginal cost ratio is "
    f"**{format_number(best.marginal_cost_ratio, 3)}**."
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
crmstudy.record("quoted_ratios_table", quoted_table, label="Optimum for each quoted ratio")
show(
    markdown_table(
        quoted_table.set_index("quoted_ratio"),
        {
            "acquisition_spend": money,
            "retention_spend": money,
            "average_cost_acquired": money,
            "average_cost_retained": money,
            "average_cost_ratio": num(2),
            "marginal_cost_ratio": num(3),
            "retention_budget_share": share,
            "customer_equity": money,
        },
        index_name="quoted ratio",
    )
)

# %%
line = acquisition.cost_ratio_sweep(np.arange(1, 26), [margin], discount_rate, a_max, r_max, k_r)
fig = acq_plots.cost_ratio_at_optimum(line, claimed=CLAIM, quoted=acquisition.QUOTED_COST_RATIOS)
bound = acquisition.average_cost_ratio_bound(margin, discount_rate, r_max, k_r)
crmstudy.record(
    "average_cost_ratio_bound",
    bound,
    label="Highest average cost ratio any optimum can show",
    unit="x",
)
show(
    f"Highest average cost ratio any optimum of this firm can show: **{format_number(bound, 1)}x**."
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
crmstudy.record("retention_share_by_ratio", shares, label="Optimal retention share by cost ratio")
show(
    "Optimal retention share of the budget at this margin: "
    + ", ".join(f"{share(v)} at {k.split('_')[1]}x" for k, v in shares.items())
    + "."
)

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
fig = acq_plots.marginal_dollar_map(grid, best, claimed=CLAIM, period="year")

# %%
verdict = acquisition.next_dollar_shares(grid, claimed_ratio=CLAIM)
next_dollar = verdict
crmstudy.record(
    "next_dollar_where_retention_5x_cheaper",
    next_dollar.to_dict(),
    label="Where the next dollar belongs, where retention is 5x cheaper on average",
)
crmstudy.record(
    "favour_retention_wrong_share",
    next_dollar.attrs["favour_retention_wrong"],
    label="Share of those spends where 'favour retention' is wrong",
    unit="share",
)
show(
    "Where retention is at least 5x cheaper on average, the next dollar belongs: "
    + "; ".join(f"{k}: {share(v)}" for k, v in next_dollar.items())
    + "."
)

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
crmstudy.record(
    "under_acquisition_table", under_table, label="Firms spending half their acquisition optimum"
)
crmstudy.record(
    "ratios_where_maxim_misleads",
    [float(c) for c in under_table.loc[under_table["favour_retention_wrong"], "cost_ratio"]],
    label="Quoted ratios where the maxim points the wrong way",
)
show(
    markdown_table(
        under_table.set_index("cost_ratio"),
        {
            "average_cost_ratio": num(2),
            "return_acquisition": num(3),
            "return_retention": num(3),
            "next_dollar": str,
            "favour_retention_wrong": lambda v: "yes" if v else "no",
        },
        index_name="quoted ratio",
    )
)

# %% [markdown]
# ## 6. If "5x" is a ratio of *marginal* costs: shift money to retention
#
# Pfeifer's (2005) second half. At the optimum the two marginal costs are equal. So a firm that
# finds, at its **current** spending, that the next acquired customer costs `marginal_ratio`
# times the next retained one is off the optimum: it spends too much on acquisition and too
# little on retention. How far should the money move? Keep the firm's total budget (the present
# value per prospect of both spends; here the optimal one) and move along it: the figure shows
# customer equity and the marginal cost ratio for every split, from the split where the ratio is
# `marginal_ratio` to the best split, where it is 1 (`crmstudy.reallocation`).

# %%
shift, line_path = reallocation.shift_to_retention(**firm, marginal_ratio=marginal_ratio)
crmstudy.record(
    "shift_to_retention", shift, label="Shifting one budget from the marginal ratio to the optimum"
)
crmstudy.record(
    "share_shift_pp",
    shift["share_shift_pp"],
    label="Budget moved to retention",
    unit="pp",
    fmt=".1f",
)
crmstudy.record(
    "shift_equity_gain_pct",
    shift["equity_gain_pct"],
    label="Customer equity gained by the shift",
    unit="pct",
    fmt=".1f",
)
fig = acq_plots.shift_to_retention(line_path, shift)

# %%
if np.isfinite(shift["equity_gain_pct"]):
    show(
        f"With the budget of {money(shift['budget'])} per prospect, the split at which acquiring "
        f"the next customer costs {format_number(marginal_ratio, 1)}x keeping the next one spends "
        f"{share(shift['start_retention_budget_share'])} on retention "
        f"({money(shift['start_retention_spend'])} per customer per year). The best split spends "
        f"{share(shift['optimal_retention_budget_share'])} "
        f"({money(shift['optimal_retention_spend'])}): move "
        f"**{format_number(shift['share_shift_pp'], 1)} points** of the budget to retention, "
        f"{format_number(shift['retention_spend_multiple'], 2)} times the retention spend per "
        f"customer, and customer equity rises by "
        f"**{format_percent(shift['equity_gain_pct'], signed=True)}**."
    )
else:
    show(
        f"No split of this budget has a marginal cost ratio of {format_number(marginal_ratio, 1)}: "
        "even with no retention spending the next acquired customer is not that much dearer."
    )

# %% [markdown]
# ## 7. The verdict

# %%
rule = reallocation.verdict_acquisition_5x(
    next_dollar.attrs["favour_retention_wrong"], shift["equity_gain_pct"]
)
gains = [
    reallocation.shift_to_retention(**firm, marginal_ratio=q)[0]["equity_gain_pct"]
    for q in acquisition.QUOTED_COST_RATIOS
]
gains = [g for g in gains if np.isfinite(g)]
headline = shift["equity_gain_pct"] if np.isfinite(shift["equity_gain_pct"]) else 0.0
verdict = record_verdict(
    "acquisition_5x",
    rule["class"],
    condition_en=rule["condition_en"],
    condition_zh=rule["condition_zh"],
    headline_value=float(headline),
    headline_unit="pct",
    headline_fmt="+.1f",
    headline_en=(
        f"Customer equity gained by moving from a {format_number(marginal_ratio, 1)}x marginal "
        "cost ratio to the optimum, same budget"
    ),
    headline_zh=f"在同一预算下，从边际成本之比 {format_number(marginal_ratio, 1)} 倍调整到最优所增加的顾客权益",
    sensitivity=(float(min(gains, default=headline)), float(max(gains, default=headline))),
    sensitivity_en="over the quoted ratios 3 to 20 read as marginal cost ratios",
    sensitivity_zh="把 3 至 20 倍的各种引用比例视为边际成本之比时的范围",
    data_en="Blattberg & Deighton's customer equity test with the notebook's response curves",
    data_zh="按本笔记本反应曲线设定的 Blattberg & Deighton 顾客权益检验模型",
    values=rule["values"],
)
en, zh = VERDICT_CLASSES[verdict["class"]]
en_lead = en if en.endswith("…") else en + "."
show(
    f"**Verdict: the claim {en_lead}** {verdict['condition_en']} {verdict['headline']['text_en']} "
    f"(over the quoted ratios: {format_percent(verdict['sensitivity']['lower'], signed=True)} to "
    f"{format_percent(verdict['sensitivity']['upper'], signed=True)}).\n\n"
    f"**结论：该说法{zh}。** {verdict['condition_zh']}{verdict['headline']['text_zh']}"
    f"（各引用比例下：{format_percent(verdict['sensitivity']['lower'], signed=True)} 至 "
    f"{format_percent(verdict['sensitivity']['upper'], signed=True)}）。"
)

# %% [markdown]
# ## 8. Keep or replace?
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
        f"baseline retention {r0:g}": keep_or_replace.break_even_cost_ratio(
            margin, r_keep, discount_rate, c_acq, r0
        )
        for r0 in (0.0, round(r_keep / 2, 2))
    }
)
crmstudy.record(
    "acquisition_cost_for_break_even",
    float(c_acq),
    label="Acquisition cost used for keep-or-replace",
    unit="USD",
)
crmstudy.record(
    "break_even_ratio",
    float(keep.iloc[1, 0]),
    label="Break-even cost ratio, no baseline retention",
    unit="x",
)
crmstudy.record(
    "break_even_ratio_with_baseline",
    float(keep.iloc[1, 1]),
    label="Break-even cost ratio with a baseline retention",
    unit="x",
)
show(markdown_table(keep.rename(index=str), {c: num(2) for c in keep.columns}, index_name=""))

# %% [markdown]
# ## 9. What a retained customer is worth
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
crmstudy.record(
    "value_of_retained_customer",
    float(value["customer_value"]),
    label="Value of a retained customer, V*",
    unit="USD",
)
crmstudy.record(
    "gross_lifetime_value",
    float(value["gross_lifetime_value"]),
    label="Lifetime value of the margins",
    unit="USD",
)
show(
    f"Lifetime value of the margins (`clv.lifetime_value`): {money(value['gross_lifetime_value'])}; "
    f"less the retention spending it takes: {money(value['retention_spending'])}; value of a "
    f"retained customer, V*: **{money(value['customer_value'])}**."
)

# %% [markdown]
# ## 10. What a CDNOW customer is worth
#
# The same question on real data. A BG/NBD purchase model and a Gamma-Gamma spend model (Fader,
# Hardie & Lee 2005) fitted to Hardie's 39-week CDNOW calibration summary value every customer's
# next `cdnow_horizon` years of purchases, at `cdnow_margin_share` of spend, discounted at
# `annual_discount_rate`. CDNOW is not a subscription business: nobody cancels, so we speak of
# **repeat buyers** (customers who have come back at least once), not of "retained customers".
# Repeat buyers are worth several times those who have bought once so far. At an optimum, by Pfeifer's identity,
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
    interval=0.9,
    n_draws=200,
    seed=2005,
)
by_kind = acquisition.value_by_repeat_status(cdnow_value["estimate"], cdnow["frequency"])
crmstudy.record("cdnow_bgnbd_params", purchases.params, label="BG/NBD parameters on CDNOW")
crmstudy.record(
    "cdnow_value_repeat_buyers",
    float(by_kind.loc["repeat buyers", "mean"]),
    label="Mean value of a CDNOW repeat buyer",
    unit="USD",
)
crmstudy.record(
    "cdnow_value_one_purchase",
    float(by_kind.loc["one purchase so far", "mean"]),
    label="Mean value of a CDNOW one-time buyer so far",
    unit="USD",
)
total = cdnow_value.attrs["total"]
crmstudy.record(
    "cdnow_cohort_value", total["estimate"], label="Value of the CDNOW cohort", unit="USD"
)
crmstudy.record(
    "cdnow_cohort_value_interval",
    [total["lower"], total["upper"]],
    label="90% interval of the cohort value (parameter uncertainty)",
    unit="USD",
)
show(
    markdown_table(
        by_kind,
        {
            "count": num(0),
            "mean": lambda v: money(v, digits=2),
            "median": lambda v: money(v, digits=2),
        },
        index_name="customers",
    )
)
show(
    f"The {format_number(len(cdnow))} customers' next {cdnow_horizon} years are worth "
    f"{money(total['estimate'])} at {share(cdnow_margin_share)} of spend (90% interval "
    f"{money(total['lower'])} to {money(total['upper'])}, from both models' parameter "
    "uncertainty; the customers' own randomness is not in it)."
)

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
# * If "5x" is a ratio of *marginal* costs at current spending, the firm should move money to
#   retention until the two are equal (section 6 gives how far).
# * On CDNOW, a repeat buyer is worth several times a one-time buyer: that value, not a ratio of
#   average costs, is the yardstick for the next dollar of either kind.
# * The model is deliberately simple: constant margins, a retention rate that is zero without
#   spending, one prospect pool, no competition. Change the parameters (or the scenario files
#   under `notebooks/params/03_acquisition_vs_retention/`) to test your own firm.

# %% [markdown] tags=["exercise"]
# ## Exercise 1 (easy)
#
# Run the scenario `ratio_20x`. What is the average cost ratio at the optimum when the first
# customer won costs 20x the first one kept?

# %% tags=["solution"]
k20 = acquisition.acquisition_efficiency_for_ratio(20.0, a_max, r_max, k_r)
answer_1 = float(
    acquisition.optimal_spend(margin, discount_rate, a_max, k20, r_max, k_r)["average_cost_ratio"]
)
crmstudy.record(
    "exercise_1_answer", answer_1, label="Exercise 1: average cost ratio, 20x firm", unit="x"
)

# %% [markdown] tags=["exercise"]
# ## Exercise 2 (medium)
#
# Set `marginal_ratio=2`. How many points of the budget should move to retention?

# %% tags=["solution"]
answer_2 = float(reallocation.shift_to_retention(**firm, marginal_ratio=2.0)[0]["share_shift_pp"])
crmstudy.record(
    "exercise_2_answer",
    answer_2,
    label="Exercise 2: budget moved at a 2x marginal ratio",
    unit="pp",
)

# %% [markdown] tags=["exercise"]
# ## Exercise 3 (harder)
#
# At the optimum, what is the marginal cost of keeping one more customer? Check that it equals the
# customer value `V*` (Pfeifer's first half).

# %% tags=["solution"]
answer_3 = float(
    acquisition.marginal_costs(
        best.acquisition_spend, best.retention_spend, a_max, k_a, r_max, k_r
    ).retention
)
crmstudy.record(
    "exercise_3_answer",
    answer_3,
    label="Exercise 3: marginal cost of keeping a customer",
    unit="USD",
)
