# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
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
# # Mass customisation: does building to order cost less than building to stock?
#
# The newsvendor against build-to-order, the break-even demand uncertainty, postponement and risk pooling, and real demand uncertainty measured on the Ta Feng grocery log.
#
# **大规模定制：按订单生产真的比按库存生产更省钱吗？**
#
# **Question.** The primer's fourth shift, from standard to customised service, says that making a
# product after the customer has asked for it costs far less than making it beforehand. When is
# that true, and is it true for the demand a real store sees?
#
# **问题。** 入门读物的第四个转变（从提供标准化服务向提供定制化服务转变）认为：在顾客提出需求之后
# 再生产，比事先生产要省钱得多。这在什么条件下成立？对一家真实商店所面对的需求是否成立？

# %% [markdown] tags=["learning_goals"]
# **Learning goals / 学习目标**
#
# 1. Price the cost of building to stock with the newsvendor model (critical fractile, expected
#    mismatch cost) and the cost of building to order (waiting, walk-aways, flexible production).
#    用报童模型计算按库存生产的成本，并与按订单生产的成本（等待、流失、柔性生产溢价）比较。
# 2. Find the break-even demand uncertainty (coefficient of variation) and read a break-even map.
#    求出盈亏平衡的需求不确定性（变异系数），并读懂盈亏平衡图。
# 3. Explain risk pooling and postponement: why safety stock grows with √n, not n (Eppen 1979;
#    Lee & Tang 1997). 理解风险分担与延迟差异化。
# 4. Measure demand uncertainty on real sales, and say what recording sales instead of demand
#    (censoring) does to the estimate. 在真实销售数据上度量需求不确定性，并说明删失的影响。

# %% tags=["parameters"]
margin: float = 0.25  # gross margin of a unit, share of its price; range: (0, 1)
salvage_share: float = 0.30  # value of a leftover unit, share of unit cost; range: [0, 1)
flexible_premium: float = 0.10  # extra cost of making to order, share of unit cost; range: [0, 2]
waiting_cost: float = 0.02  # cost per unit served after a wait, share of price; range: [0, 1]
walk_away_share: float = 0.10  # share of customers who walk away rather than wait; range: [0, 1)
customisation_cost: float = 0.05  # late customisation per unit, share of price; range: [0, 1]
demand_period: str = "W"  # production period of the Ta Feng demand, day or week; choices: D, W
in_stock_probability: float = 0.95  # share of periods in stock, censoring check; range: (0.5, 1)
n_boot: int = 200  # bootstrap resamples of periods for the Ta Feng intervals; range: [20, 5000]
seed: int = 2026  # seed of the bootstrap and the censoring simulation; range: [0, 4294967295]

# %%
# %matplotlib inline
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import crmstudy
from crmstudy import customisation as cz
from crmstudy import datasets
from crmstudy.formatting import format_interval, format_number, format_value, markdown_table
from crmstudy.plots import customisation as plots
from crmstudy.reports import read_scenario
from crmstudy.verdicts import VERDICT_CLASSES, record_verdict

# All money per unit as a share of the unit's price (price = 1), so that one cost structure
# applies to products of any price.
price = 1.0
unit_cost = 1.0 - margin
salvage_value = salvage_share * unit_cost
costs = {
    "flexible_premium": flexible_premium,
    "waiting_cost": waiting_cost,
    "walk_away_share": walk_away_share,
}
underage, overage = price - unit_cost, unit_cost - salvage_value
period_word = {"D": "day", "W": "week"}[demand_period]


def md_table(rows, header):
    """A Markdown table from rows of already formatted strings."""
    return Markdown(markdown_table(pd.DataFrame(rows, columns=header), index=False))


display(
    md_table(
        [
            ["price", "1 (all money below is a share of the price)"],
            ["unit cost", format_value(unit_cost, "share")],
            ["salvage value of a unit left over", format_value(salvage_value, "share")],
            ["underage cost c_u (margin lost per unit short)", format_value(underage, "share")],
            ["overage cost c_o (unit cost not recovered)", format_value(overage, "share")],
            ["flexible-production premium", format_value(flexible_premium * unit_cost, "share")],
            ["waiting cost per unit served to order", format_value(waiting_cost, "share")],
            ["customers who walk away rather than wait", format_value(walk_away_share, "share")],
        ],
        ["input (per unit, share of price)", "value"],
    )
)

# %% [markdown]
# ## The claim
#
# The primer's fourth shift (四、从提供标准化服务向提供定制化服务转变) asks firms to move from standard
# products to customised ones: customised marketing (定制营销) and mass customisation (大规模定制),
# treating each customer as a segment of one at close to mass-production cost. Its economic argument
# is that building a product after the customer orders it (build to order, 按订单生产) saves a great
# deal against building it beforehand and holding it in stock (build to stock, 按库存生产).
# The term and the strategy come from Pine (1993), *Mass Customization: The New Frontier in Business
# Competition* (Harvard Business School Press). Dell's build-to-order personal computers and Haier's
# customised appliances are the primer's illustrations; nothing here measures those firms.
#
# In the kit's words, the claim is: **for the same product, building to order costs less than
# building to stock.** Operations research prices both sides. Building to stock loses money when
# the stock does not match demand; building to order loses money when customers must wait and when
# flexible production costs more. Which is cheaper depends on how uncertain demand is, and that is
# what the rest of this notebook measures.

# %% [markdown]
# ## Building to stock: the newsvendor
#
# A seller who builds to stock picks a stock $Q$ before demand $D$ is known. A unit short costs the
# margin, $c_u = p - c$; a unit left over costs what its salvage does not recover, $c_o = c - s$.
# The stock that minimises the expected cost $c_u\,E[(D-Q)^+] + c_o\,E[(Q-D)^+]$ meets demand with
# probability equal to the **critical fractile** $c_u / (c_u + c_o)$. For normal demand with
# standard deviation $\sigma$ the least expected mismatch cost is
# $(c_u + c_o)\,\sigma\,\varphi(z^*)$, with $z^* = \Phi^{-1}\big(c_u/(c_u+c_o)\big)$: it grows in
# proportion to the uncertainty $\sigma$. The same rule applies to any observed sample of demand
# (the empirical newsvendor: stock at the sample's critical-fractile quantile).
#
# Below, one product with a mean demand of 100 units per period and a coefficient of variation of
# 0.3, priced both ways: the closed form, and the empirical newsvendor on 200,000 simulated
# periods of the same normal demand.

# %%
example_mean, example_cv = 100.0, 0.3
normal = cz.newsvendor_cost(example_mean, example_cv * example_mean, underage, overage)
sample = np.random.default_rng(seed).normal(example_mean, example_cv * example_mean, 200_000)
empirical = cz.newsvendor_cost_empirical(sample, underage, overage)
rows = [
    ["critical fractile", "share", "critical_fractile"],
    ["stock, units per period", "", "stock"],
    ["expected mismatch cost per period (share of one unit's price)", "", "expected_cost"],
    ["expected fill rate (share of demand served)", "share", "fill_rate"],
    ["probability of no stock-out", "share", "in_stock_probability"],
]
display(
    md_table(
        [
            [label, format_value(normal[key], unit), format_value(empirical[key], unit)]
            for label, unit, key in rows
        ],
        ["", "normal, closed form", "empirical, 200,000 simulated periods"],
    )
)
crmstudy.record(
    "critical_fractile", float(normal["critical_fractile"]), label="Critical fractile", unit="share"
)
crmstudy.record(
    "newsvendor_cost_example",
    float(normal["expected_cost"]),
    label="Newsvendor mismatch cost, mean 100 units, CV 0.3 (share of price per period)",
    unit="",
)
crmstudy.record(
    "newsvendor_cost_example_empirical",
    float(empirical["expected_cost"]),
    label="Same, empirical newsvendor on 200,000 simulated periods",
    unit="",
)

# %% [markdown]
# ## Building to order, and the break-even
#
# A seller who builds to order keeps no stock, so nothing is left over. Instead a share $a$ of the
# customers will not wait and walk away (their margin is lost), and every unit served costs a
# waiting cost $w$ (a discount, a delay penalty) and a flexible-production premium $\pi c$. Per
# unit of demand, building to order costs $a (p - c) + (1 - a)(\pi c + w)$, whatever the demand
# uncertainty. Building to stock costs $(p - s)\,\varphi(z^*)\,\mathrm{CV}$ per unit with normal
# demand. The two are equal at the **break-even coefficient of variation**
#
# $$\mathrm{CV}^* = \frac{a (p - c) + (1 - a)(\pi c + w)}{(p - s)\,\varphi(z^*)}.$$
#
# Above CV*, building to order is cheaper; below it, building to stock is.

# %%
cv_star = cz.breakeven_cv(price, unit_cost, salvage_value, **costs)
cv_range = cz.breakeven_cv_range(price, unit_cost, salvage_value, **costs)
crmstudy.record(
    "breakeven_cv",
    cv_star,
    label="Break-even CV of demand per period (build to order cheaper above it)",
    unit="",
)
crmstudy.record(
    "breakeven_cv_lower",
    float(cv_range["lower"]),
    label="Break-even CV, lowest in sensitivity box",
    unit="",
)
crmstudy.record(
    "breakeven_cv_upper",
    float(cv_range["upper"]),
    label="Break-even CV, highest in sensitivity box",
    unit="",
)
mto_per_unit = cz.make_to_order_cost(1.0, price, unit_cost, **costs)["expected_cost"]
crmstudy.record(
    "make_to_order_cost_per_unit",
    float(mto_per_unit),
    label="Cost of building to order per unit of demand (share of price)",
    unit="share",
)
table = cz.cost_by_cv(np.linspace(0.02, 1.5, 75), price, unit_cost, salvage_value, **costs)
fig = plots.cost_curves(table, cv_star, title="Cost per unit of demand, normal demand")
display(
    Markdown(
        f"With these inputs building to order costs {format_value(mto_per_unit, 'share')} of the "
        f"price per unit of demand, and building to stock costs that much when the coefficient of "
        f"variation of demand per period is **{format_number(cv_star, 2)}**. With the salvage "
        f"value, the flexible premium, the waiting cost and the walk-away share each halved or "
        f"doubled (81 combinations), the break-even CV runs from "
        f"{format_number(cv_range['lower'], 2)} to {format_number(cv_range['upper'], 2)}. "
        "These numbers are exact given the inputs: they carry no sampling error."
    )
)

# %% [markdown]
# ## The break-even map
#
# The margin and the salvage value move the critical fractile, so the break-even has no closed form
# in them; it is found on a grid (and refined with Brent's method for the one-dimensional case).
# Blue is where building to order is cheaper, red where building to stock is; the black line is the
# break-even; the star marks this notebook's inputs for a product with a CV of 0.6.

# %%
probe_cv = 0.6  # a product whose demand is more uncertain than the break-even at the defaults
margins = np.linspace(0.05, 0.8, 61)
cvs = np.linspace(0.02, 1.5, 75)
# On this map the salvage value moves with the unit cost, as a share of it.
grid_margin = pd.concat(
    [
        cz.saving_grid(
            "cv", cvs, "unit_cost", [c], price=price, salvage_value=salvage_share * c, **costs
        )
        for c in 1.0 - margins
    ]
)
grid_margin["margin"] = 1.0 - grid_margin["unit_cost"]
fig = plots.breakeven_map(
    grid_margin,
    "cv",
    "margin",
    x_label="coefficient of variation of demand per period",
    y_label="gross margin (share of price)",
    point=(probe_cv, margin),
    title="Break-even over demand uncertainty and margin",
)
waits = np.linspace(0.0, 0.3, 61)
grid_wait = cz.saving_grid(
    "cv",
    cvs,
    "waiting_cost",
    waits,
    price=price,
    unit_cost=unit_cost,
    salvage_value=salvage_value,
    flexible_premium=flexible_premium,
    walk_away_share=walk_away_share,
)
fig = plots.breakeven_map(
    grid_wait,
    "cv",
    "waiting_cost",
    x_label="coefficient of variation of demand per period",
    y_label="waiting cost per unit (share of price)",
    point=(probe_cv, waiting_cost),
    title="Break-even over demand uncertainty and waiting cost",
)
salvage_root = cz.breakeven(
    "salvage_value", 0.0, unit_cost * 0.999, cv=probe_cv, price=price, unit_cost=unit_cost, **costs
)
wait_root = cz.breakeven_waiting_cost(
    probe_cv,
    price,
    unit_cost,
    salvage_value,
    flexible_premium=flexible_premium,
    walk_away_share=walk_away_share,
)
crmstudy.record(
    "breakeven_waiting_cost_at_cv_0_6",
    wait_root,
    label="Waiting cost per unit below which building to order is cheaper at CV 0.6",
    unit="share",
)
if np.isnan(salvage_root):
    cheaper_at_probe = (
        cz.compare_make_to_order(1.0, probe_cv, price, unit_cost, salvage_value, **costs)["saving"]
        > 0
    )
    salvage_text = (
        f"building to order is {'cheaper' if cheaper_at_probe else 'dearer'} whatever a leftover "
        "unit recovers (between nothing and its full cost)"
    )
else:
    salvage_text = (
        f"building to order is cheaper while a leftover unit recovers less than "
        f"{format_value(salvage_root / unit_cost, 'share')} of its cost"
    )
if wait_root > 0:
    wait_text = f"it stays cheaper while waiting costs less than {format_value(wait_root, 'share')} of the price per unit"
else:
    wait_text = "building to order does not pay even when waiting costs nothing"
display(Markdown(f"For a product with a CV of {probe_cv}: {salvage_text}; {wait_text}."))


# %% [markdown]
# ## Postponement and risk pooling
#
# A firm need not choose between stocking every variant and making everything to order. It can
# stock a common base and customise it late, after the order (postponement, or delayed
# differentiation; Lee & Tang 1997, *Management Science* 43(1), 40-53). The base serves the summed
# demand of all variants, and the standard deviation of a sum grows more slowly than the sum of
# the standard deviations: for $n$ independent variants of equal uncertainty the pooled safety stock
# is $\sqrt{n}$ times one variant's, not $n$ times (Eppen 1979, *Management Science* 25(5), 498-501).
# With correlation $\rho$ between every pair the ratio of pooled to separate safety stock is
# $\sqrt{n(1 + (n-1)\rho)}/n$. Because the newsvendor's cost is proportional to $\sigma$, the same
# ratio applies to the mismatch cost.

# %%
ns = [1, 2, 4, 9, 16, 25, 100]
rhos = [0.0, 0.2, 0.5]
display(
    md_table(
        [
            [format_number(n)]
            + [format_value(1 - cz.equicorrelated_pooling_ratio(n, r), "share") for r in rhos]
            for n in ns
        ],
        ["variants pooled"] + [f"cost removed, correlation {r}" for r in rhos],
    )
)
crmstudy.record(
    "pooling_reduction_independent_25",
    1 - cz.equicorrelated_pooling_ratio(25),
    label="Mismatch cost removed by pooling 25 independent, identical variants",
    unit="share",
)

# %% [markdown]
# ## Real demand uncertainty: the Ta Feng grocery log
#
# How uncertain is demand in practice? The Ta Feng log (a Taiwanese warehouse store, November 2000
# to February 2001; loaded by `crmstudy.datasets.load_ta_feng`) records every product line sold.
# We count the units of each product sold in each period (a day or a week: the production cycle a
# build-to-stock plan would use), with zeros for periods without a sale, and do the same for each
# product subclass (the products of a subclass pooled: a common base customised late). For each
# product we compare the empirical newsvendor's cost (no normal assumption: grocery demand is
# skewed and often zero) with the cost of building to order, using the cost structure above as a
# share of each product's price, and weigh products by their revenue. The intervals come from a
# bootstrap over periods.
#
# Ta Feng supplies the demand uncertainty only. The default costs describe the claim's own setting,
# a customised durable good whose buyers mostly wait; grocery shoppers mostly do not, and the
# scenario `grocery_shoppers.yaml` prices that case.

# %%
lines = datasets.load_ta_feng(level="line")
demand = cz.demand_matrix(lines, "product_id", period=demand_period)
revenue = lines.groupby("product_id")["amount"].sum()
subclass_of = lines.drop_duplicates("product_id").set_index("product_id")["product_subclass"]
subclass_revenue = revenue.groupby(subclass_of).sum()
items = cz.compare_by_item(demand, price, unit_cost, salvage_value, **costs)
groups = cz.compare_by_group(
    demand,
    subclass_of,
    price,
    unit_cost,
    salvage_value,
    customisation_cost=customisation_cost,
    **costs,
)


def share_cheaper(d):
    """Share of revenue in products for which building to order beats stocking each product."""
    flags = cz.compare_by_item(d, price, unit_cost, salvage_value, **costs)["make_to_order_cheaper"]
    return cz.weighted_share(flags, revenue)


def pooling_reduction(d):
    """Share of the newsvendor cost of stocking each product that pooling by subclass removes."""
    g = cz.compare_by_group(d, subclass_of, price, unit_cost, salvage_value)
    return 1 - g["pooled_cost"].sum() / g["separate_cost"].sum()


def share_cheaper_than_postponement(d):
    """Share of revenue in subclasses where building to order beats a pooled, postponed stock."""
    g = cz.compare_by_group(
        d,
        subclass_of,
        price,
        unit_cost,
        salvage_value,
        customisation_cost=customisation_cost,
        **costs,
    )
    return cz.weighted_share(g["make_to_order_cheaper"], subclass_revenue)


boot = {
    name: cz.bootstrap_periods(demand, f, n_boot=n_boot, seed=seed + k)
    for k, (name, f) in enumerate(
        [
            ("share", share_cheaper),
            ("pooling", pooling_reduction),
            ("postponement", share_cheaper_than_postponement),
        ]
    )
}
sd_reduction = 1 - groups["pooled_sd"].sum() / groups["separate_sd"].sum()
sd_reduction_independent = 1 - groups["independent_sd"].sum() / groups["separate_sd"].sum()
median_n_items = float(groups["n_items"].median())
share_above_cv = cz.weighted_share(items["cv"] > cv_star, revenue)
product_cv = items["cv"].median()
subclass_cv = groups["pooled_cv"].median()

for name, label in [
    ("share", "Share of Ta Feng revenue in products cheaper to build to order"),
    ("pooling", "Newsvendor cost removed by pooling products into subclasses, Ta Feng"),
    (
        "postponement",
        "Share of Ta Feng revenue in subclasses cheaper to build to order than to postpone",
    ),
]:
    b = boot[name]
    crmstudy.record(f"ta_feng_{name}", float(b["estimate"]), label=label, unit="share")
    crmstudy.record(
        f"ta_feng_{name}_lower", float(b["lower"]), label=label + ", 95% lower", unit="share"
    )
    crmstudy.record(
        f"ta_feng_{name}_upper", float(b["upper"]), label=label + ", 95% upper", unit="share"
    )
crmstudy.record(
    "ta_feng_products", int(items.shape[0]), label="Ta Feng products with a sale", unit="count"
)
crmstudy.record(
    "ta_feng_subclasses", int(groups.shape[0]), label="Ta Feng product subclasses", unit="count"
)
crmstudy.record(
    "ta_feng_periods", int(demand.shape[0]), label=f"Ta Feng periods ({period_word}s)", unit="count"
)
crmstudy.record(
    "ta_feng_median_cv_product",
    float(product_cv),
    label=f"Median CV of demand per product and {period_word}",
    unit="",
)
crmstudy.record(
    "ta_feng_median_cv_subclass",
    float(subclass_cv),
    label=f"Median CV of demand per subclass and {period_word}",
    unit="",
)
crmstudy.record(
    "ta_feng_pooling_sd_reduction",
    float(sd_reduction),
    label="Standard deviation removed by pooling into subclasses",
    unit="share",
)
crmstudy.record(
    "ta_feng_share_above_breakeven_cv",
    share_above_cv,
    label="Share of Ta Feng revenue in products whose CV exceeds the break-even CV",
    unit="share",
)
crmstudy.record(
    "ta_feng_pooling_sd_reduction_independent",
    float(sd_reduction_independent),
    label="Standard deviation pooling would remove if the products were independent",
    unit="share",
)
crmstudy.record(
    "ta_feng_median_zero_share",
    float(items["zero_share"].median()),
    label=f"Median share of {period_word}s with no sale, per product",
    unit="share",
)


def iv(b, unit="share"):
    return format_interval(b["lower"], b["upper"], unit, level=0.95)


display(
    md_table(
        [
            [
                f"{period_word}s observed",
                format_number(demand.shape[0]),
                format_number(demand.shape[0]),
            ],
            ["items with a sale", format_number(items.shape[0]), format_number(groups.shape[0])],
            [
                f"median CV of demand per {period_word}",
                format_number(product_cv, 2),
                format_number(subclass_cv, 2),
            ],
            [
                f"median share of {period_word}s with no sale",
                format_value(items["zero_share"].median(), "share"),
                "n/a",
            ],
            ["break-even CV (normal demand)", format_number(cv_star, 2), format_number(cv_star, 2)],
        ],
        ["", "products", "subclasses (pooled)"],
    )
)
fig = plots.cv_distribution(
    {"products": items["cv"], "subclasses, pooled": groups["pooled_cv"]},
    cv_star,
    weights={"products": revenue, "subclasses, pooled": subclass_revenue},
    title=f"Ta Feng: CV of demand per {period_word}, weighted by revenue",
)
reference = pd.DataFrame(
    {"n_items": np.unique(np.geomspace(1, groups["n_items"].max(), 40).astype(int))}
)
reference["reduction"] = [1 - cz.equicorrelated_pooling_ratio(n) for n in reference["n_items"]]
fig = plots.pooling_by_size(
    groups, reference, title="Ta Feng: cost removed by pooling, by subclass"
)

# %%
b_share, b_pool, b_post = boot["share"], boot["pooling"], boot["postponement"]
above = "above" if product_cv > cv_star else "below"
co_move = (
    "together (positively correlated)"
    if sd_reduction < sd_reduction_independent
    else "against each other (negatively correlated)"
)
display(
    Markdown(
        f"On Ta Feng, the median product's demand per {period_word} has a coefficient of variation "
        f"of {format_number(product_cv, 2)}, {above} the break-even CV of "
        f"{format_number(cv_star, 2)}. With the empirical newsvendor, "
        f"**{format_value(b_share['estimate'], 'share')}** of revenue ({iv(b_share)}) is in "
        f"products for which building to order is cheaper than stocking each product; the "
        f"normal rule (CV above {format_number(cv_star, 2)}) would say "
        f"{format_value(share_above_cv, 'share')}. "
        f"Pooling the products of each subclass into one stock removes "
        f"{format_value(b_pool['estimate'], 'share')} ({iv(b_pool)}) of the newsvendor cost "
        f"(and {format_value(sd_reduction, 'share')} of the summed standard deviations): "
        f"the median subclass CV is {format_number(subclass_cv, 2)}. The median subclass holds "
        f"{format_number(median_n_items, 0)} products, and pooling acts within a subclass "
        f"only. Had the products of a subclass sold independently of each other, pooling would "
        f"have removed {format_value(sd_reduction_independent, 'share')} of the summed standard "
        f"deviations; it removes {format_value(sd_reduction, 'share')}, so their weekly sales "
        f"move {co_move} on balance. Against a pooled stock "
        f"customised late (at {format_value(customisation_cost, 'share')} of the price per unit), "
        f"building to order is still cheaper for {format_value(b_post['estimate'], 'share')} "
        f"({iv(b_post)}) of revenue."
    )
)

# %% [markdown]
# ## Sales are not demand: censoring
#
# Ta Feng records **sales**. When a product is out of stock, a customer who wanted it leaves
# nothing in the log, so the sales of a period are at most the stock of that period; intermittent
# products (the many weeks without a sale) mix periods of no demand with periods of no stock. The
# simulation below draws demand with the median Ta Feng product's mean and standard deviation (a
# gamma distribution, never negative), caps it at the stock a store that is in stock in
# `in_stock_probability` of the periods would hold, and runs the empirical newsvendor on the true
# demand and on the capped sales.
#
# A second, smaller bias runs the same way: the empirical newsvendor picks each product's stock on
# the same periods it is then scored on, so its cost is an in-sample optimum and flatters building
# to stock. This bias and the capping above push the shares toward building to stock; the extra
# zeros of empty shelves push the other way.

# %%
median_item = items.loc[(items["mean"] - items["mean"].median()).abs().idxmin()]
censor = cz.censoring_effect(
    float(median_item["mean"]),
    float(median_item["sd"]),
    underage,
    overage,
    in_stock_probability=in_stock_probability,
    seed=seed,
)
crmstudy.record(
    "censoring_cost_ratio",
    float(censor["cost_ratio"]),
    label="Newsvendor cost estimated from censored sales / from true demand",
    unit="x",
)
direction = "understates" if censor["cost_ratio"] < 1 else "overstates"
display(
    Markdown(
        f"With stock-outs in {format_value(censor['stockout_share'], 'share')} of the periods, the "
        f"CV of sales is {format_number(censor['cv_sales'], 2)} against "
        f"{format_number(censor['cv_demand'], 2)} for demand, and the cost of building to stock "
        f"estimated from sales is {format_number(censor['cost_ratio'], 2)} times the true one: "
        f"censoring by stock-outs **{direction}** the cost of building to stock, and so "
        f"{'understates' if direction == 'understates' else 'overstates'} the advantage of "
        "building to order. Zero-sale periods caused by empty shelves work the other way (they add "
        "zeros that demand did not have, and raise the CV); the log cannot tell the two apart, "
        "and this notebook does not correct for either."
    )
)

# %% [markdown]
# ## Verdict

# %%
cls, values = cz.verdict_customisation(b_share["estimate"], b_share["lower"], b_share["upper"])
values.update(
    {
        "breakeven_cv": cv_star,
        "breakeven_cv_lower": float(cv_range["lower"]),
        "breakeven_cv_upper": float(cv_range["upper"]),
        "median_cv_product": float(product_cv),
        "pooling_reduction": float(b_pool["estimate"]),
        "share_cheaper_than_postponement": float(b_post["estimate"]),
    }
)
cv_text = format_number(cv_star, 2)
cv_sens = f"{format_number(cv_range['lower'], 2)}–{format_number(cv_range['upper'], 2)}"
condition_en = (
    f"Building to order is cheaper when the coefficient of variation of demand per {period_word} "
    f"exceeds {cv_text} (normal demand, these costs; {cv_sens} with the waiting, flexibility and "
    f"salvage inputs halved or doubled); on Ta Feng that covers "
    f"{format_value(b_share['estimate'], 'share')} of revenue product by product, and "
    f"{format_value(b_post['estimate'], 'share')} against a stock pooled by subclass and "
    "customised late."
)
period_zh = {"D": "每日", "W": "每周"}[demand_period]
condition_zh = (
    f"当{period_zh}需求的变异系数超过 {cv_text} 时（正态需求、本成本结构；等待、柔性与残值参数减半或加倍时为 "
    f"{cv_sens}），按订单生产更省钱；在大丰（Ta Feng）数据中，按单个商品计算覆盖 "
    f"{format_value(b_share['estimate'], 'share')} 的销售额，与按子类汇集并延迟定制的库存相比覆盖 "
    f"{format_value(b_post['estimate'], 'share')}。"
)
result = record_verdict(
    "customisation",
    cls,
    condition_en=condition_en,
    condition_zh=condition_zh,
    headline_value=float(b_share["estimate"]),
    headline_unit="share",
    headline_en="Share of Ta Feng revenue in products cheaper to build to order than to stock",
    headline_zh="大丰数据中按订单生产比按库存生产更省钱的商品所占销售额比例",
    interval=(float(b_share["lower"]), float(b_share["upper"])),
    level=0.95,
    method=f"percentile bootstrap over {period_word}s ({n_boot} resamples)",
    data_en=(
        f"Ta Feng grocery log, Nov 2000 to Feb 2001, demand per product and {period_word} "
        "(sales, censored by stock-outs); cost structure from this notebook's parameters"
    ),
    data_zh=f"大丰超市交易数据（2000年11月至2001年2月），按商品与{period_zh}汇总的销量（受缺货删失）；成本结构取自本笔记本参数",
    values=values,
)
label_en, label_zh = VERDICT_CLASSES[cls]
display(
    Markdown(
        f"**Verdict: {label_en}.** {result['headline']['text_en']}. {condition_en}\n\n"
        f"**结论：{label_zh}。** {result['headline']['text_zh']}。{condition_zh}"
    )
)

# %% [markdown]
# ## Exercises
#
# Each exercise is answered by changing a parameter, running a scenario file, or with the package;
# the cell after it holds a solution.

# %% [markdown] tags=["exercise"]
# **Exercise 1 (easy).** Suppose flexible production costs nothing extra (`flexible_premium` = 0).
# What is the break-even coefficient of variation then, with the other inputs unchanged?

# %% tags=["solution"]
answer_1 = cz.breakeven_cv(
    price,
    unit_cost,
    salvage_value,
    flexible_premium=0.0,
    waiting_cost=waiting_cost,
    walk_away_share=walk_away_share,
)
crmstudy.record(
    "exercise_1_answer", answer_1, label="Break-even CV with no flexible premium", unit=""
)

# %% [markdown] tags=["exercise"]
# **Exercise 2 (medium).** A product has a coefficient of variation of demand of 0.5 per period.
# Up to what waiting cost per unit (as a share of the price) is building it to order cheaper?

# %% tags=["solution"]
answer_2 = cz.breakeven_waiting_cost(
    0.5,
    price,
    unit_cost,
    salvage_value,
    flexible_premium=flexible_premium,
    walk_away_share=walk_away_share,
)
crmstudy.record(
    "exercise_2_answer",
    answer_2,
    label="Break-even waiting cost at CV 0.5 (share of price)",
    unit="share",
)

# %% [markdown] tags=["exercise"]
# **Exercise 3 (medium).** A firm sells 25 colour variants of one product, each with the same
# demand uncertainty, and their demands are correlated at 0.5. What share of the mismatch cost does
# stocking one common base (and painting it to order) remove?

# %% tags=["solution"]
answer_3 = 1 - cz.equicorrelated_pooling_ratio(25, 0.5)
crmstudy.record(
    "exercise_3_answer",
    answer_3,
    label="Cost removed by pooling 25 variants correlated at 0.5",
    unit="share",
)

# %% [markdown] tags=["exercise"]
# **Exercise 4 (harder).** Re-run the notebook with `-p demand_period=D` (daily production). What
# is the median coefficient of variation of a Ta Feng product's daily demand, and what does it
# imply for the claim?

# %% tags=["solution"]
daily = demand if demand_period == "D" else cz.demand_matrix(lines, "product_id", period="D")
daily = daily.loc[:, daily.sum() > 0]
answer_4 = float((daily.std(ddof=1) / daily.mean()).median())
crmstudy.record(
    "exercise_4_answer", answer_4, label="Median CV of daily demand per Ta Feng product", unit=""
)

# %% [markdown] tags=["exercise"]
# **Exercise 5 (project).** Run the scenario `grocery_shoppers.yaml`
# (`crmstudy report 08 -f notebooks/params/08_mass_customisation/grocery_shoppers.yaml`), in which
# most shoppers will not wait and flexible production is dear. What share of revenue is then in
# products cheaper to build to order, and which class does the verdict take?

# %% tags=["solution"]
scenario, _ = read_scenario("params/08_mass_customisation/grocery_shoppers.yaml")
shoppers = {**{"margin": margin, "salvage_share": salvage_share}, **costs, **scenario}
shopper_cost = 1.0 - shoppers["margin"]
flags = cz.compare_by_item(
    demand,
    price,
    shopper_cost,
    shoppers["salvage_share"] * shopper_cost,
    flexible_premium=shoppers["flexible_premium"],
    waiting_cost=shoppers["waiting_cost"],
    walk_away_share=shoppers["walk_away_share"],
)["make_to_order_cheaper"]
answer_5 = cz.weighted_share(flags, revenue)
crmstudy.record(
    "exercise_5_answer",
    answer_5,
    label=f"Share of revenue cheaper to build to order, grocery_shoppers costs ({period_word}s)",
    unit="share",
)
