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
# # A tour of the data: CDNOW and the donations panel
#
# What the two real data sets of crmstudy hold: their size, purchases over time, how often customers come back, and cohorts.
#
# Every claim this project tests is, in the end, a claim about a **transaction log**: who bought,
# when, and for how much. The classic academic log is **CDNOW**, an online music retailer: the
# 23,570 customers who made their first purchase in the first quarter of 1997, followed until
# the end of June 1998 (first used by Fader & Hardie 2001, *Interfaces* 31(3)). Its 1/10
# systematic sample (2,357 customers) is the data of the papers that introduced the BG/NBD model
# (Fader, Hardie & Lee 2005a, *Marketing Science* 24(2)) and iso-value curves (Fader, Hardie &
# Lee 2005b, *J. Marketing Research* 42(4)).
#
# The second data set is a **donations panel** (Fader, Hardie & Shang 2010, *Marketing Science*
# 29(6)): 11,104 first-time supporters of a nonprofit in 1995, each with six yearly chances to
# donate again. It is already aggregated to one row per (frequency, recency) pattern.
#
# Set `transactions_path` to a CSV or Parquet file with columns `customer_id`, `date` and
# `amount` to take the same tour of your own log.

# %% tags=["parameters"]
sample: bool = False  # CDNOW: True for the 1/10 sample (2,357 customers), False for the full cohort
period: str = "W"  # unit of recency and T, and of the purchases-over-time axis; choices: D, W, M
cohort_period: str = "M"  # calendar period of the cohort table; choices: W, M, Q
transactions_path: str = ""  # own log, CSV/Parquet (customer_id, date, amount); empty for CDNOW

# %%
# %matplotlib inline
import pandas as pd

import crmstudy
from crmstudy import datasets, transactions
from crmstudy.plots import data as data_plots
from crmstudy.units import PERIOD_NAMES

pd.set_option("display.precision", 2)

if transactions_path:
    log = transactions.read_transactions(transactions_path)
    source = log.attrs["source"]
else:
    log = datasets.load_cdnow(sample=sample)
    source = "CDNOW " + ("1/10 sample" if sample else "master file (full cohort)")

# %% [markdown]
# ## What is in the log
#
# One row per purchase record. A customer who buys twice on the same day makes **one**
# transaction: the convention of Fader, Hardie & Lee (2005a), followed everywhere in crmstudy.

# %%
summary = transactions.rfm_summary(log, period=period)
counts = transactions.purchase_counts(log, period=period)
size = {
    "source": source,
    "rows": len(log),
    "customers": len(summary),
    "transactions": int(counts["transactions"].sum()),
    "first_date": str(log["date"].min().date()),
    "last_date": str(log["date"].max().date()),
    "revenue": round(float(log["amount"].sum()), 2),
}
crmstudy.record("n_rows", size["rows"])
crmstudy.record("n_customers", size["customers"])
crmstudy.record("n_transactions", size["transactions"])
crmstudy.record("first_date", size["first_date"])
crmstudy.record("last_date", size["last_date"])
pd.Series(size, name="value").to_frame()

# %%
log.head()

# %% [markdown]
# ## Purchases over time
#
# CDNOW's cohort is acquired in the first quarter of 1997 (about 13 weeks), so purchases peak
# then and settle to a much lower, slowly falling level: the repeat business of the customers who
# stayed. (Your own log will look different if it keeps acquiring customers.)

# %%
fig = data_plots.purchases_over_time(counts)

# %% [markdown]
# ## How often do customers come back?
#
# The customer summary gives, for each customer, `frequency` (repeat transactions), `recency`
# (time from first to last purchase) and `T` (time from first purchase to the end of the log),
# here in the chosen period, plus `monetary_value` (mean value of the repeat transactions).

# %%
summary.describe().T

# %%
share_no_repeat = float((summary["frequency"] == 0).mean())
crmstudy.record("share_no_repeat", share_no_repeat)
crmstudy.record("mean_frequency", float(summary["frequency"].mean()))
crmstudy.record("period", summary.attrs["period"])
print(
    f"{share_no_repeat:.0%} of customers never bought again; on average a customer made "
    f"{summary['frequency'].mean():.2f} repeat transactions in "
    f"up to {summary['T'].max():.0f} {PERIOD_NAMES[period]} of observation."
)
fig = data_plots.repeat_purchase_distribution(summary)

# %% [markdown]
# ## Cohorts
#
# Grouping customers by the period of their first purchase and following each group over time
# is the cohort view used throughout the retention literature. Each cell is the share of the
# cohort that buys in that period; age 0 (everyone, by definition) is left out.

# %%
cohorts = transactions.cohort_table(log, period=cohort_period)
sizes = cohorts.drop_duplicates("cohort").set_index("cohort")["cohort_size"]
crmstudy.record("cohort_sizes", {str(k): int(v) for k, v in sizes.items()})
first_cohort = cohorts[cohorts["cohort"] == sizes.index[0]]
age1 = first_cohort.loc[first_cohort["age"] == 1, "share"]
crmstudy.record("first_cohort_share_age1", float(age1.iloc[0]) if len(age1) else float("nan"))
fig = data_plots.cohort_heatmap(cohorts, max_age=24)

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
crmstudy.record("n_donors", n_donors)
crmstudy.record("donors_share_no_repeat", no_repeat / n_donors)
print(f"{n_donors:,} donors; {no_repeat / n_donors:.0%} never donated again in six years.")
fig = data_plots.donation_patterns(donations)

# %% [markdown]
# ## Where next
#
# The summary above (`frequency`, `recency`, `T`, `monetary_value`) is what the purchase models
# are fitted to; `crmstudy.transactions.calibration_holdout` splits a log in time to test their
# forecasts. The cohort table is the raw material of the retention notebooks.
