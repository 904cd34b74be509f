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
# # A tour of the data: CDNOW, Ta Feng and the donations panel
# # 数据导览：CDNOW、大丰超市（Ta Feng）与捐赠面板
#
# **Question.** What do the real logs of crmstudy hold, and what in them could mislead an analysis
# (a cohort acquired all at once, a log that starts in the middle of customers' lives)?
#
# **问题。** crmstudy 的真实交易记录里有什么？哪些特点可能误导分析（一次性获取的客户群、从客户生命周期中途开始的记录）？
#
# Every claim this project tests is, in the end, a claim about a **transaction log**: who bought,
# when, and for how much. The classic academic log is **CDNOW**, an online music retailer: the
# 23,570 customers who made their first purchase in the first quarter of 1997, followed until
# the end of June 1998 (first used by Fader & Hardie 2001, *Interfaces* 31(3)). Its 1/10
# systematic sample (2,357 customers) is the data of the papers that introduced the BG/NBD model
# (Fader, Hardie & Lee 2005a, *Marketing Science* 24(2)) and iso-value curves (Fader, Hardie &
# Lee 2005b, *J. Marketing Research* 42(4)).
#
# The second log is **Ta Feng**, a Taiwanese grocery warehouse store: 817,741 product lines of
# 32,266 customers from November 2000 to February 2001, with each line's units (AMOUNT), sales
# (SALES_PRICE, New Taiwan dollars) and a cost column (ASSET, taken as cost). It has no receipt
# numbers, so a customer's lines on one day form one basket. Unlike CDNOW it is **not a cohort**:
# it starts on 2000-11-01 in the middle of its customers' lives, so its first month's "new"
# customers include long-standing ones (left censoring).
#
# The third data set is a **donations panel** (Fader, Hardie & Shang 2010, *Marketing Science*
# 29(6)): 11,104 first-time supporters of a nonprofit in 1995, each with six yearly chances to
# donate again. It is already aggregated to one row per (frequency, recency) pattern.
#
# Set `transactions_path` (and the column names, if yours differ) to take the same tour of your
# own log.

# %% [markdown] tags=["learning_goals"]
# **Learning goals / 学习目标**
#
# - Read a transaction log's size, window and customer summary (frequency, recency, T). / 读出交易记录的规模、时间窗口和客户汇总（频次、最近购买、观察期）。
# - Compare a cohort log (CDNOW) with a running store's log (Ta Feng). / 比较同期群记录（CDNOW）与持续经营商店的记录（Ta Feng）。
# - Recognise left censoring in the first month of a log and keep it out of cohort comparisons. / 识别记录首月的左删失，并在同期群比较中排除它。

# %% tags=["parameters"]
dataset: str = "cdnow_master"  # bundled log used when transactions_path is empty; choices: cdnow_master, cdnow_sample, ta_feng
transactions_path: str = ""  # own log, CSV/Parquet file; empty: use dataset
customer_column: str = "customer_id"  # customer id column of the own log
date_column: str = "date"  # purchase date column of the own log
amount_column: str = "amount"  # purchase value column of the own log, in its currency
date_format: str = ""  # strftime format of the own log's dates, e.g. %m/%d/%Y; empty: ISO dates only
period: str = "W"  # unit of recency and T, and of the purchases-over-time axis; choices: D, W, M
cohort_period: str = "M"  # calendar period of the cohort table; choices: W, M, Q

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

import crmstudy
from crmstudy import datasets, transactions
from crmstudy.formatting import format_value, style_table
from crmstudy.plots import data as data_plots
from crmstudy.units import PERIOD_NAMES


def bundled(name):
    if name == "ta_feng":
        return datasets.load_ta_feng(level="basket"), "Ta Feng grocery (baskets)", "TWD"
    sample = name == "cdnow_sample"
    label = "CDNOW " + ("1/10 sample" if sample else "master file (full cohort)")
    return datasets.load_cdnow(sample=sample), label, "USD"


if transactions_path:
    log = transactions.read_transactions(
        transactions_path,
        customer_column=customer_column,
        date_column=date_column,
        amount_column=amount_column,
        date_format=date_format or None,
    )
    source, money = log.attrs.get("source", transactions_path), ""
else:
    log, source, money = bundled(dataset)

# %% [markdown]
# ## What is in the log
#
# One row per purchase record. A customer who buys twice on the same day makes **one**
# transaction: the convention of Fader, Hardie & Lee (2005a), followed everywhere in crmstudy.

# %%
summary = transactions.rfm_summary(log, period=period)
counts = transactions.purchase_counts(log, period=period)
size = {
    "rows": len(log),
    "customers": len(summary),
    "transactions": int(counts["transactions"].sum()),
    "first_date": str(log["date"].min().date()),
    "last_date": str(log["date"].max().date()),
    "revenue": float(log["amount"].sum()),
}
crmstudy.record("n_rows", size["rows"], label="Rows of the log", unit="count")
crmstudy.record("n_customers", size["customers"], label="Customers", unit="count")
crmstudy.record("n_transactions", size["transactions"], label="Transactions (customer-days)", unit="count")
crmstudy.record("first_date", size["first_date"], label="First purchase date")
crmstudy.record("last_date", size["last_date"], label="Last purchase date")
crmstudy.record("revenue", size["revenue"], label="Revenue in the log", unit=money)
style_table(
    pd.DataFrame({"measure": list(size), "value": [
        format_value(v, "count") if k in ("rows", "customers", "transactions")
        else format_value(v, money) if k == "revenue" else v for k, v in size.items()
    ]}),
    {},
)

# %%
style_table(log.head().assign(date=log.head()["date"].dt.date.astype(str)),
     {c: ("" if c != "amount" else money) for c in log.columns if c in ("amount", "quantity", "cost", "n_lines")})

# %% [markdown]
# ## Purchases over time
#
# A cohort log (CDNOW: every customer acquired in the first quarter of 1997, about 13 weeks)
# peaks while the cohort is acquired and settles to the repeat business of those who stayed. A
# running store's log (Ta Feng) is level: new and old customers buy every week.

# %%
fig = data_plots.purchases_over_time(counts)

# %% [markdown]
# ## How often do customers come back?
#
# The customer summary gives, for each customer, `frequency` (repeat transactions), `recency`
# (time from first to last purchase) and `T` (time from first purchase to the end of the log),
# here in the chosen period, plus `monetary_value` (mean value of the repeat transactions).

# %%
described = summary.describe().T.reset_index(names="per customer")
display(style_table(described, {c: "" for c in described.columns if c != "per customer"}))
share_no_repeat = float((summary["frequency"] == 0).mean())
crmstudy.record("share_no_repeat", share_no_repeat, label="Customers who never bought again", unit="share")
crmstudy.record("mean_frequency", float(summary["frequency"].mean()),
                label="Mean repeat transactions per customer", unit="")
crmstudy.record("period", summary.attrs["period"], label="Period of recency and T")
display(Markdown(
    f"{format_value(share_no_repeat, 'share')} of customers never bought again; on average a "
    f"customer made {format_value(summary['frequency'].mean(), '', '.2f')} repeat transactions in "
    f"up to {format_value(summary['T'].max(), '', '.0f')} {PERIOD_NAMES[period]} of observation."
))
fig = data_plots.repeat_purchase_distribution(summary)

# %% [markdown]
# ## Cohorts
#
# Grouping customers by the period of their first purchase and following each group over time
# is the cohort view used throughout the retention literature. Each cell is the share of the
# cohort that buys in that period; age 0 (everyone, by definition) is left out. **The first
# period of a log that starts in the middle of its customers' lives is not a cohort**: it holds
# every customer who happened to buy then, new or long-standing (left censoring).

# %%
cohorts = transactions.cohort_table(log, period=cohort_period)
sizes = cohorts.drop_duplicates("cohort").set_index("cohort")["cohort_size"]
crmstudy.record("cohort_sizes", {str(k): int(v) for k, v in sizes.items()})
first_cohort = cohorts[cohorts["cohort"] == sizes.index[0]]
age1 = first_cohort.loc[first_cohort["age"] == 1, "share"]
crmstudy.record("first_cohort_share_age1", float(age1.iloc[0]) if len(age1) else None,
                label="First cohort's share buying one period later", unit="share")
fig = data_plots.cohort_heatmap(cohorts, max_age=24)

# %% [markdown]
# ## Ta Feng beside CDNOW
#
# The two logs side by side (CDNOW's full cohort; Ta Feng's customer-day baskets), whatever log
# the tour above used.

# %%
side = {}
for name in ("cdnow_master", "ta_feng"):
    other, label, unit = bundled(name)
    s = transactions.rfm_summary(other, period="W")
    side[label] = {
        "customers": format_value(len(s), "count"),
        "transactions (customer-days)": format_value(int(s["frequency"].sum() + len(s)), "count"),
        "window": f"{other['date'].min().date()} to {other['date'].max().date()}",
        "weeks observed": format_value((other["date"].max() - other["date"].min()).days / 7, "", ".1f"),
        "revenue": format_value(float(other["amount"].sum()), unit),
        "never bought again": format_value(float((s["frequency"] == 0).mean()), "share"),
        "mean repeat transactions": format_value(float(s["frequency"].mean()), "", ".2f"),
        "cost column": "yes (ASSET taken as cost)" if "cost" in other.columns else "no",
    }
    if name == "ta_feng":
        ta_feng_log, ta_feng_summary = other, s
side_table = pd.DataFrame(side).reset_index(names="measure")
crmstudy.record("side_by_side", side_table)
style_table(side_table, {})

# %% [markdown]
# ## Left censoring in Ta Feng's first month
#
# If November 2000 were an ordinary month, its "new" customers would behave like December's or
# January's. They do not: November's group is far larger and far more likely to come back,
# because it holds the store's regular customers, whose first purchase predates the log. Any
# comparison of cohorts or of first purchases on Ta Feng should leave November out.

# %%
ta_cohorts = transactions.cohort_table(ta_feng_log, period="M")
ta_sizes = ta_cohorts.drop_duplicates("cohort").set_index("cohort")["cohort_size"]
ta_age1 = ta_cohorts[ta_cohorts["age"] == 1].set_index("cohort")["share"]
november = "2000-11"
later = ta_age1.drop(november)
crmstudy.record("ta_feng_cohort_sizes", {str(k): int(v) for k, v in ta_sizes.items()})
crmstudy.record("ta_feng_first_month_share", float(ta_sizes[november] / ta_sizes.sum()),
                label="Share of Ta Feng customers first seen in November 2000", unit="share")
crmstudy.record("ta_feng_age1_first_month", float(ta_age1[november]),
                label="November 2000 group buying again the next month", unit="share")
crmstudy.record("ta_feng_age1_later_mean", float(later.mean()),
                label="Later monthly cohorts buying again the next month (mean)", unit="share")
censor = pd.DataFrame({"first month in the log": ta_sizes.index,
                       "customers": ta_sizes.to_numpy(),
                       "buy again next month": [ta_age1.get(c) for c in ta_sizes.index]})
display(style_table(censor, {"customers": "count", "buy again next month": "share"}))
display(Markdown(
    f"{format_value(ta_sizes[november] / ta_sizes.sum(), 'share')} of Ta Feng's customers are first "
    f"seen in November 2000, and {format_value(ta_age1[november], 'share')} of them buy again in "
    f"December, against {format_value(later.mean(), 'share')} on average for the later monthly "
    "groups one month after their first purchase: November's group is not a cohort of new customers."
))
fig = data_plots.cohort_heatmap(ta_cohorts, title="Ta Feng: monthly groups by first purchase in the log")

# %% [markdown]
# ## The donations panel
#
# A discrete-time setting: each supporter can donate at most once a year, so the summary is the
# number of repeat donations (`frequency`, 0-6) and the opportunity of the last one (`recency`,
# 1-6 for 1996-2001, 0 if none), each row standing for `count` donors with that pattern. The
# BG/BB model of Fader, Hardie & Shang (2010) is fitted to exactly this table.

# %%
donations = datasets.load_donations()
n_donors = int(donations["count"].sum())
no_repeat = int(donations.loc[donations["frequency"] == 0, "count"].sum())
crmstudy.record("n_donors", n_donors, label="Donors in the panel", unit="count")
crmstudy.record("donors_share_no_repeat", no_repeat / n_donors,
                label="Donors who never donated again", unit="share")
display(Markdown(
    f"{format_value(n_donors, 'count')} donors; {format_value(no_repeat / n_donors, 'share')} never "
    "donated again in six years."
))
fig = data_plots.donation_patterns(donations)

# %% [markdown]
# ## Where next
#
# The summary above (`frequency`, `recency`, `T`, `monetary_value`) is what the purchase models
# are fitted to; `crmstudy.transactions.calibration_holdout` splits a log in time to test their
# forecasts. The cohort table is the raw material of the retention notebooks.

# %% [markdown] tags=["exercise"]
# **Exercise 1 (easy).** Set `dataset = "ta_feng"`. What share of Ta Feng's customers never came
# back within the four months? / **练习 1（易）。** Ta Feng 的客户中有多少在四个月内再也没有回来？

# %% tags=["solution"]
exercise_1 = float((ta_feng_summary["frequency"] == 0).mean())
crmstudy.record("exercise_1_answer", exercise_1, label="Ta Feng customers with no repeat visit", unit="share")

# %% [markdown] tags=["exercise"]
# **Exercise 2 (medium).** Ta Feng's baskets hold several product lines. What is the mean number
# of lines per basket (customer-day)? / **练习 2（中）。** 每个购物篮（客户-日）平均有多少商品行？

# %% tags=["solution"]
exercise_2 = float(ta_feng_log["n_lines"].mean())
crmstudy.record("exercise_2_answer", exercise_2, label="Mean product lines per Ta Feng basket", unit="")

# %% [markdown] tags=["exercise"]
# **Exercise 3 (harder).** Leaving November out, which Ta Feng monthly cohort (December or
# January) has the larger share buying again one month later, and by how much? / **练习 3（较难）。** 去掉 11 月后，12 月与 1 月的同期群中，哪一个次月复购比例更高？高多少？

# %% tags=["solution"]
exercise_3 = float(ta_age1["2000-12"] - ta_age1["2001-01"])
crmstudy.record("exercise_3_answer", exercise_3,
                label="December minus January cohort, share buying again next month", unit="share")
