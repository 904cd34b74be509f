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
# # Retention: what the rate measures, and how to project it
# # 顾客保留率：它衡量的是什么，又该如何预测
#
# **Question.** The primer defines the retention rate as customers next year divided by customers
# this year, and reads a higher ratio as better. Is that ratio a retention rate, and can one
# constant rate project how long customers stay?
#
# **问题。** 入门读物把顾客保留率定义为“隔年的顾客数 / 某年的顾客数”，比值越高越好。这个比值
# 真的是保留率吗？用一个不变的保留率能预测顾客会留多久吗？
#
# This notebook tests both halves of the habit.
#
# 1. **Projecting retention.** Fader & Hardie (2007), "How to Project Customer Retention"
#    (*J. Interactive Marketing* 21(1), 76-90), give the share of a cohort of 1,000 subscribers
#    still active in each of 12 years, for a *Regular* and a *High End* segment (their Table 1).
#    We fit their shifted-beta-geometric (sBG) model on the first `fit_years` years, project to
#    year `horizon` with prediction intervals, and compare with the linear, quadratic and
#    exponential curves that managers fit in spreadsheets.
# 2. **The heterogeneity insight.** In the sBG every customer has a *constant* churn probability,
#    yet the cohort's retention rate *rises* with tenure: the customers likely to leave, leave
#    first. A single "retention rate" therefore undervalues the customers who remain
#    (Fader & Hardie 2010, *Marketing Science* 29(1), 85-93). The segment enters the model as a
#    covariate, and a likelihood-ratio test says whether the segments differ.
# 3. **What "retention" measures.** On a transaction log (CDNOW, the Ta Feng grocery log, or your
#    own) we put the primer's ratio next to period retention and cohort retention, and show where
#    and why they disagree. That comparison gives the verdict.
#
# Every number comes from `crmstudy.retention`, `crmstudy.models.sbg` and
# `crmstudy.models.covariates`; the notebook only calls them.

# %% [markdown] tags=["learning_goals"]
# ## Learning goals / 学习目标
#
# 1. Tell the primer's ratio (customers next period / customers this period) apart from period
#    and cohort retention, and explain why the ratio can exceed 1.
#    区分入门读物的比值（隔期顾客数 / 本期顾客数）与期间保留率、同期群保留率，并解释该比值为何会超过 1。
# 2. Fit the shifted-beta-geometric model and project survival with a prediction interval.
#    拟合 sBG（移位贝塔几何）模型，并给出带预测区间的生存率预测。
# 3. Explain why a cohort's retention rate rises with tenure although each customer's is constant.
#    解释为何每位顾客的保留概率不变，而整个顾客群的保留率却随顾客年限上升。
# 4. Test whether two segments differ with a covariate and a likelihood-ratio test.
#    用协变量和似然比检验判断两个细分市场是否不同。

# %% tags=["parameters"]
segment: str = "high_end"  # customer segment of Fader & Hardie (2007) Table 1; choices: regular, high_end
fit_years: int = 7  # years of data (after year 0) used to fit the models; range: [2, 11]
horizon: int = 12  # last year to project to, in years; range: [3, 30]
annual_discount_rate: float = 0.10  # discount rate per year, for discounted lifetimes; range: (0, 1); was: discount_rate
interval_level: float = 0.9  # level of the prediction intervals, 0.9 for 90%; range: (0, 1)
interval_method: str = "asymptotic"  # how the intervals are drawn; choices: asymptotic, bootstrap
n_draws: int = 1000  # parameter draws (or bootstrap refits) per interval; range: [100, 20000]
dataset: str = "cdnow_master"  # bundled log for section 5 when transactions_path is empty; choices: cdnow_master, cdnow_sample, ta_feng
transactions_path: str = ""  # own log, CSV/Parquet file; empty: use dataset
customer_column: str = "customer_id"  # customer id column of the own log
date_column: str = "date"  # purchase date column of the own log
amount_column: str = "amount"  # purchase value column of the own log, in its currency
date_format: str = ""  # strftime format of the own log's dates, e.g. %m/%d/%Y; empty: ISO dates only
period: str = "M"  # calendar period of the retention comparison in section 5; choices: W, M, Q, Y
first_cohort: str = "auto"  # the log's first-period cohort in cohort comparisons (auto: drop it for Ta Feng, left-censored); choices: auto, keep, drop

# %%
# %matplotlib inline
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import crmstudy
from crmstudy import clv, datasets, retention, transactions
from crmstudy.errors import ParameterError
from crmstudy.formatting import (
    format_interval,
    format_number,
    format_percent,
    format_value,
    markdown_table,
)
from crmstudy.models._intervals import interval_from_draws
from crmstudy.models.covariates import BGNBDCovariates, SBGCovariates, log_first_purchase
from crmstudy.models.sbg import ShiftedBetaGeometric
from crmstudy.plots import retention as plots
from crmstudy.verdicts import VERDICT_CLASSES, record_verdict

if horizon <= fit_years:
    raise ParameterError(f"horizon={horizon} must exceed fit_years={fit_years}: nothing to project")
SEGMENT_NAMES = {"regular": "Regular", "high_end": "High End"}
level_text = format_percent(interval_level, share=True, digits=0)
draw_options = dict(interval=interval_level, method=interval_method, n_draws=n_draws, seed=2007)


def show(text):
    """Display printed Markdown; a dollar sign is money here, never the start of mathematics."""
    display(Markdown(text.replace("$", r"\$")))


def years_interval(lower, upper):
    return format_interval(lower, upper, "", fmt=".2f") + " years"


table = datasets.fader_hardie_2007()
cohort = table[table["segment"] == segment].set_index("year")
actual = cohort["percent_alive"]  # % of the cohort of 1,000, years 0..12
alive = cohort["alive"].loc[:fit_years].to_numpy()  # customers, years 0..fit_years
eval_year = min(horizon, int(actual.index.max()))  # the last year with an actual value
show(markdown_table(
    cohort.rename(columns={"percent_alive": "% still active", "alive": "customers active"}),
    {"% still active": lambda v: format_value(v, "pct"), "customers active": format_number},
    index_name=f"year ({SEGMENT_NAMES[segment]}, FH 2007 Table 1)",
))

# %% [markdown]
# ## 1. Fit the sBG on years 0 to `fit_years`
#
# Each customer renews at the end of every year with a constant probability $1-\theta$; across
# customers $\theta$ follows a beta$(\alpha, \beta)$ distribution. The likelihood treats the
# customers lost in each year as exact churn times and the survivors at `fit_years` as
# right-censored (FH 2007, appendix B). With `fit_years = 7` the estimates match the paper:
# Regular $\alpha = 0.704, \beta = 1.182$; High End $\alpha = 0.668, \beta = 3.806$.

# %%
model = ShiftedBetaGeometric().fit(alive, period="Y")
model.summary()

# %%
crmstudy.record("segment", segment, label="Fader & Hardie (2007) segment")
crmstudy.record("alpha", float(model.params["alpha"]), label="sBG alpha", unit="", fmt=".3f")
crmstudy.record("beta", float(model.params["beta"]), label="sBG beta", unit="", fmt=".3f")
crmstudy.record("loglik", float(model.llf), label="sBG log-likelihood", unit="loglik", fmt=".2f")
crmstudy.record("bse", model.bse.to_dict(), label="Standard errors of alpha and beta")

# %% [markdown]
# ## 2. Project to year `horizon` and compare with curve fitting
#
# The regressions are fitted by ordinary least squares to the same points (years 0 to
# `fit_years`, in % of the cohort). The sBG's band is its prediction interval: parameter
# draws (`interval_method`, `n_draws`) turned into survival curves. It covers the uncertainty of
# the estimates, not how many customers of a finite cohort happen to stay.

# %%
regressions = retention.regression_projection(actual.loc[:fit_years].to_numpy(), horizon)
sbg_frame = model.projection(horizon, **draw_options)
sbg_rows = sbg_frame.assign(model="sBG", projected=lambda f: 100 * f["survival"])
projections = pd.concat([regressions, sbg_rows[["model", "t", "projected"]]], ignore_index=True)
band = pd.DataFrame(
    {
        "t": sbg_frame["t"],
        "lower": 100 * sbg_frame["survival_lower"],
        "upper": 100 * sbg_frame["survival_upper"],
    }
)
band.attrs["level"] = interval_level
fig = plots.survival_projections(
    projections,
    actual,
    fit_years,
    title=f"{SEGMENT_NAMES[segment]}: fitted on years 0-{fit_years}",
    interval=band,
)

# %%
fit_quality = regressions.groupby("model", sort=False)["rsquared"].first()
errors = retention.projection_errors(projections, actual, t=eval_year)
errors["rsquared"] = errors["model"].map(fit_quality)
show(markdown_table(
    errors.set_index("model"),
    {
        "projected": lambda v: format_value(v, "pct"),
        "actual": lambda v: format_value(v, "pct"),
        "error": lambda v: format_value(v, "pp", "+.1f"),
        "pct_error": lambda v: format_value(v, "pct", "+.0f"),
        "rsquared": lambda v: format_number(v, 3),
    },
    index_name=f"model (year {eval_year})",
))

# %%
by_model = errors.set_index("model")
at_eval = sbg_frame.set_index("t").loc[eval_year]
crmstudy.record("eval_year", eval_year, label="Year the projections are compared at", unit="years")
crmstudy.record("projection_errors", errors, label="Projection errors at the evaluation year")
crmstudy.record(
    "sbg_projection",
    float(by_model.loc["sBG", "projected"]),
    label=f"sBG projected survival, year {eval_year}",
    unit="pct",
)
crmstudy.record(
    "sbg_projection_lower",
    100 * float(at_eval["survival_lower"]),
    label=f"sBG survival, year {eval_year}: lower end of the {level_text} interval",
    unit="pct",
)
crmstudy.record(
    "sbg_projection_upper",
    100 * float(at_eval["survival_upper"]),
    label=f"sBG survival, year {eval_year}: upper end of the {level_text} interval",
    unit="pct",
)
crmstudy.record(
    "sbg_pct_error", float(by_model.loc["sBG", "pct_error"]), label="sBG error", unit="pct",
    fmt="+.1f",
)
crmstudy.record(
    "exponential_pct_error",
    float(by_model.loc["exponential", "pct_error"]),
    label="Exponential curve error",
    unit="pct",
    fmt="+.0f",
)
crmstudy.record("best_model", str(errors["model"].iloc[0]), label="Closest projection")

# %%
shapes = retention.projection_shapes(regressions).set_index("model")
lines = []
linear_zero = shapes.loc["linear", "crosses_zero_at"]
if linear_zero is not None:
    lines.append(f"the linear curve goes below zero at year {linear_zero}")
else:
    lines.append(
        f"the linear curve stays above zero up to year {horizon} "
        f"({format_value(shapes.loc['linear', 'last'], 'pct')} then)"
    )
quad_up = shapes.loc["quadratic", "turns_up_at"]
if quad_up is not None:
    lines.append(f"the quadratic turns back up after year {quad_up}")
else:
    lines.append(f"the quadratic keeps falling up to year {horizon}")
exp_error = by_model.loc["exponential", "pct_error"]
lines.append(
    f"the exponential (one constant retention rate) {'under' if exp_error < 0 else 'over'}"
    f"-predicts year {eval_year} by {format_value(abs(exp_error), 'pct', '.0f')}"
)
inside = at_eval["survival_lower"] * 100 <= actual.loc[eval_year] <= at_eval["survival_upper"] * 100
new_cohort = model.alive_count_interval(
    eval_year, 1000, interval=interval_level, method=interval_method, n_draws=n_draws, seed=2007
).iloc[0]
crmstudy.record(
    "new_cohort_alive_interval",
    [int(new_cohort["lower"]), int(new_cohort["upper"])],
    label=f"A new cohort of 1,000: customers active in year {eval_year}, {level_text} predictive interval",
)
crmstudy.record(
    "linear_crosses_zero_at",
    linear_zero,
    label="Year the linear curve goes below zero (n/a: it does not within the horizon)",
    unit="years",
)
show(
    "Out of sample, " + "; ".join(lines) + ". "
    f"The sBG projects {format_value(by_model.loc['sBG', 'projected'], 'pct')} for year "
    f"{eval_year} ({level_text} interval "
    f"{format_interval(100 * at_eval['survival_lower'], 100 * at_eval['survival_upper'], 'pct')}),"
    f" against {format_value(actual.loc[eval_year], 'pct')} observed: the actual value is "
    f"{'inside' if inside else 'outside'} the interval. Of a *new* cohort of 1,000 customers, "
    f"{format_number(int(new_cohort['lower']))} to {format_number(int(new_cohort['upper']))} would "
    f"still be active in year {eval_year} ({level_text} predictive interval, which adds the "
    "cohort's own randomness to the uncertainty of the estimates)."
)

# %% [markdown]
# Fader & Hardie report that the exponential curve misses year-12 survival by 54% (Regular) and
# 30% (High End) when fitted on years 0 to 7. The regressions have no story for *why*
# customers leave, so nothing constrains them outside the data; the sBG's story (constant
# individual churn, heterogeneity across customers) does.
#
# The Kaplan-Meier estimate of the same cohort (one row per churn year, survivors censored at
# `fit_years`) is the model-free view of the calibration data, with its uncertainty.

# %%
durations = retention.durations_from_alive(alive)
km = retention.kaplan_meier(
    durations["duration"], durations["churned"], weights=durations["count"], period="Y"
)
fig = plots.kaplan_meier_curve(km, model.projection(horizon), period="Y")

# %% [markdown]
# ## 3. Constant individual churn, rising cohort retention
#
# The retention rate of the cohort, $r(t) = S(t)/S(t-1) = (\beta + t - 1)/(\alpha + \beta + t - 1)$
# (FH 2007 eq. 8), rises with tenure although no customer's churn probability changes. The
# reason is sorting: among the survivors of $t$ years, $\theta$ follows a
# beta$(\alpha, \beta + t)$ distribution, which piles up near zero as $t$ grows.

# %%
t_rates = np.arange(1, horizon + 1)
observed_rates = retention.observed_retention_rates(actual, periods=t_rates)
rates = pd.DataFrame(
    {"t": t_rates, "observed": observed_rates.to_numpy(), "sbg": model.retention_rate(t_rates)}
)
mean_individual_retention = float(model.retention_rate(1))
fig = plots.retention_rate_dynamics(rates, individual=mean_individual_retention, period="Y")

# %%
theta = np.linspace(0.002, 0.998, 400)
densities = pd.concat(
    [
        pd.DataFrame({"theta": theta, "t": t, "density": model.churn_density(theta, t)})
        for t in sorted({0, 1, 3, fit_years})
    ]
)
fig = plots.churn_densities(densities, period="Y")

# %%
rate_band = model.retention_rate([1, horizon], **draw_options)
crmstudy.record(
    "retention_year_1", float(model.retention_rate(1)), label="sBG retention rate, year 1",
    unit="share",
)
crmstudy.record(
    "retention_at_horizon",
    float(model.retention_rate(horizon)),
    label=f"sBG retention rate, year {horizon}",
    unit="share",
)
show(
    f"The cohort's retention rate rises from {format_value(rate_band.loc[1, 'estimate'], 'share')}"
    f" in year 1 ({level_text} interval "
    f"{format_interval(rate_band.loc[1, 'lower'], rate_band.loc[1, 'upper'], 'share')}) to "
    f"{format_value(rate_band.loc[horizon, 'estimate'], 'share')} in year {horizon} "
    f"({format_interval(rate_band.loc[horizon, 'lower'], rate_band.loc[horizon, 'upper'], 'share')})."
)

# %% [markdown]
# ### What the rising retention rate is worth
#
# Discounting at `annual_discount_rate`, the discounted expected lifetime (DEL) of a new customer
# and the discounted expected residual lifetime (DERL) of a customer who has already renewed
# $n$ times are Gauss hypergeometric functions of $(\alpha, \beta)$ (FH 2010). Multiply by the
# margin per year to get values. The "aggregate" columns use one constant retention rate, the
# cohort's first-year rate, as a textbook CLV formula would (the margin multiple of
# `crmstudy.clv`, margins at the start of each year). The DERL elasticity is the percent change
# in DERL for a 1% rise in every customer's retention probability
# (`residual_lifetime_elasticity`); the aggregate one is the textbook $(1+d)/(1+d-r)$.

# %%
renewals = np.array(sorted({0, 1, 2, 4, fit_years}))
r1 = float(model.retention_rate(1))
# Values per unit of margin (margin = 1) are the lifetimes themselves: DEL for the new customer,
# DERL after n renewals (clv.heterogeneity_comparison, margins at the start of each year).
lifetimes = clv.heterogeneity_comparison(model, 1.0, annual_discount_rate, r1, renewals=renewals)
existing = lifetimes[lifetimes["renewals"] >= 0]
derl_band = model.discounted_expected_residual_lifetime(
    annual_discount_rate, renewals, discount_period="Y", **draw_options
)
del_band = model.discounted_expected_lifetime(
    annual_discount_rate, discount_period="Y", **draw_options
)
value = pd.DataFrame(
    {
        "renewals": renewals,
        "DERL_sbg": existing["sbg_value"].to_numpy(),
        "DERL_lower": derl_band["lower"].to_numpy(),
        "DERL_upper": derl_band["upper"].to_numpy(),
        "DERL_aggregate": existing["constant_value"].to_numpy(),
        "elasticity_sbg": model.residual_lifetime_elasticity(
            annual_discount_rate, renewals, increase=0, discount_period="Y"
        ),
        "elasticity_aggregate": clv.simple_retention_elasticity(r1, annual_discount_rate),
    }
)
new_customer = lifetimes.set_index("renewals").loc[-1]
del_sbg, del_aggregate = float(new_customer["sbg_value"]), float(new_customer["constant_value"])
show(markdown_table(
    value.set_index("renewals"),
    {
        "DERL_sbg": lambda v: format_value(v, "years", ".2f"),
        "DERL_lower": lambda v: format_value(v, "years", ".2f"),
        "DERL_upper": lambda v: format_value(v, "years", ".2f"),
        "DERL_aggregate": lambda v: format_value(v, "years", ".2f"),
        "elasticity_sbg": lambda v: format_number(v, 2),
        "elasticity_aggregate": lambda v: format_number(v, 2),
    },
    index_name="renewals made",
))

# %%
crmstudy.record("del_sbg", del_sbg, label="DEL of a new customer, sBG", unit="years", fmt=".2f")
crmstudy.record(
    "del_sbg_lower", float(del_band["lower"]), label=f"DEL, sBG: lower end of the {level_text} interval",
    unit="years", fmt=".2f",
)
crmstudy.record(
    "del_sbg_upper", float(del_band["upper"]), label=f"DEL, sBG: upper end of the {level_text} interval",
    unit="years", fmt=".2f",
)
crmstudy.record(
    "del_aggregate", del_aggregate, label="DEL of a new customer, one constant rate", unit="years",
    fmt=".2f",
)
crmstudy.record("derl_table", value, label="DERL by renewals made, with intervals")
gap_new = 100 * (del_aggregate / del_sbg - 1)
last = value.iloc[-1]
show(
    f"A new customer's DEL is {format_value(del_sbg, 'years', '.2f')} under the sBG "
    f"({level_text} interval {years_interval(del_band['lower'], del_band['upper'])})"
    f" and {format_value(del_aggregate, 'years', '.2f')} with the first-year rate held constant "
    f"({format_value(gap_new, 'pct', '+.0f')}). After {int(last['renewals'])} renewals the sBG's "
    f"DERL is {format_value(last['DERL_sbg'], 'years', '.2f')} "
    f"({years_interval(last['DERL_lower'], last['DERL_upper'])}) against "
    f"{format_value(last['DERL_aggregate'], 'years', '.2f')} from the constant rate: the "
    f"survivors renew more often than the first-year rate says, so the shortcut "
    f"{'undervalues' if last['DERL_aggregate'] < last['DERL_sbg'] else 'overvalues'} them."
)

# %% [markdown]
# ## 4. The segment as a covariate
#
# Instead of two separate fits, one sBG can take the segment as a covariate on both
# parameters: $\alpha_i = \alpha\, e^{\gamma_\alpha x_i}$ and $\beta_i = \beta\, e^{\gamma_\beta x_i}$
# with $x_i = 1$ for High End (`crmstudy.models.covariates.SBGCovariates`). With a dummy on both
# parameters the joint model is the two separate fits in one, so its log-likelihood is their
# sum; the likelihood-ratio test against one $(\alpha, \beta)$ for both segments says whether
# the segments differ.

# %%
both_alive = {
    seg: table[(table["segment"] == seg) & (table["year"] <= fit_years)]
    .sort_values("year")["alive"]
    .tolist()
    for seg in ("regular", "high_end")
}
segment_dummy = pd.DataFrame({"high_end": [0.0, 1.0]}, index=["regular", "high_end"])
joint = SBGCovariates(on={"alpha": ["high_end"], "beta": ["high_end"]}).fit(
    both_alive, segment_dummy, period="Y"
)
separate_llf = {seg: ShiftedBetaGeometric().fit(both_alive[seg]).llf for seg in both_alive}
lr = joint.lr_test()
coefficients = joint.coefficients
show(markdown_table(
    coefficients.set_index("parameter"),
    {
        "coef": lambda v: format_number(v, 3),
        "std_err": lambda v: format_number(v, 3),
        "z": lambda v: format_number(v, 2),
        "p_value": lambda v: format_value(v, "p"),
    },
    index_name="High End effect on",
))

# %%
crmstudy.record(
    "covariate_llf", float(joint.llf), label="sBG with segment covariate: log-likelihood",
    unit="loglik", fmt=".2f",
)
crmstudy.record(
    "separate_llf_sum",
    float(sum(separate_llf.values())),
    label="Sum of the two separate sBG log-likelihoods",
    unit="loglik",
    fmt=".2f",
)
crmstudy.record(
    "covariate_lr_statistic", float(lr["statistic"]), label="LR statistic, segments differ",
    unit="", fmt=".1f",
)
crmstudy.record("covariate_lr_df", int(lr["df"]), label="LR test degrees of freedom", unit="count")
crmstudy.record("covariate_lr_pvalue", float(lr["p_value"]), label="LR test p-value", unit="p")
crmstudy.record(
    "covariate_coefficients", coefficients, label="High End effects on alpha and beta (log scale)"
)
high = joint.model_for({"high_end": 1.0}).params
show(
    f"The joint fit's log-likelihood is {format_number(joint.llf, 2)}; the two separate fits sum "
    f"to {format_number(sum(separate_llf.values()), 2)} "
    f"(difference {format_number(abs(joint.llf - sum(separate_llf.values())), 6)}). Its High End "
    f"parameters are alpha = {format_number(high['alpha'], 3)}, beta = "
    f"{format_number(high['beta'], 3)}. Against one (alpha, beta) for both segments the "
    f"likelihood-ratio statistic is {format_number(lr['statistic'], 1)} on {int(lr['df'])} degrees "
    f"of freedom ({format_value(lr['p_value'], 'p')}): the segments "
    f"{'differ' if lr['p_value'] < 0.05 else 'are not shown to differ'} at the 5% level, and the "
    f"difference lies in beta (High End effect {format_number(coefficients.loc['beta:high_end', 'coef'], 2)}, "
    f"{format_value(coefficients.loc['beta:high_end', 'p_value'], 'p')}) more than in alpha "
    f"({format_number(coefficients.loc['alpha:high_end', 'coef'], 2)}, "
    f"{format_value(coefficients.loc['alpha:high_end', 'p_value'], 'p')})."
)

# %% [markdown]
# ## 5. Four "retention rates" on a transaction log
#
# A transaction log of a non-contractual business (CDNOW's music sales, Ta Feng's groceries) has
# no cancellations: customers stop buying, and may come back. On such a log:
#
# * the **primer's ratio** $N(t+1)/N(t)$ counts everyone who buys in $t+1$, including customers
#   acquired or won back in $t+1$;
# * **period retention** is the share of the customers active in $t$ who are active again in
#   $t+1$;
# * **cohort retention** is the share of each acquisition cohort active $k$ periods after its
#   first purchase.
#
# By construction, *ratio = retention + (new + reactivated next period) / active this period*.

# %%
if transactions_path:
    log = transactions.read_transactions(
        transactions_path,
        customer_column=customer_column,
        date_column=date_column,
        amount_column=amount_column,
        date_format=date_format or None,
    )
    source = f"your log ({log.attrs.get('source', transactions_path)})"
    source_zh = f"用户提供的交易记录（{log.attrs.get('source', transactions_path)}）"
    left_censored = False
elif dataset == "ta_feng":
    log = datasets.load_ta_feng(level="basket")  # one row per customer-day
    source = "the Ta Feng grocery log (Taiwan, 2000-11-01 to 2001-02-28; one basket per customer-day)"
    source_zh = "Ta Feng 超市交易记录（台湾，2000-11-01 至 2001-02-28；每位顾客每天一个购物篮）"
    left_censored = True
else:
    log = datasets.load_cdnow(sample=(dataset == "cdnow_sample"))
    source = (
        "the CDNOW 1/10 sample (2,357 customers acquired in 1997 Q1)"
        if dataset == "cdnow_sample"
        else "the CDNOW log (23,570 customers acquired in 1997 Q1)"
    )
    source_zh = "CDNOW 交易记录（1997 年第一季度获得的顾客）"
    left_censored = False
drop_first = first_cohort == "drop" or (first_cohort == "auto" and left_censored)
unit_name = {"W": "week", "M": "month", "Q": "quarter", "Y": "year"}[period]
unit_zh = {"W": "周", "M": "月", "Q": "季度", "Y": "年"}[period]
by_period = retention.period_retention(log, period)
show(f"Data: {source}; one row per {unit_name}.")
show(markdown_table(
    by_period.set_index("period"),
    {
        "active": format_number,
        "retained": format_number,
        "retention": lambda v: format_value(v, "share"),
        "active_next": format_number,
        "new_next": format_number,
        "reactivated_next": format_number,
        "simple_ratio": lambda v: format_number(v, 3),
    },
    index_name=unit_name,
))

# %%
if left_censored:
    show(
        f"**Left censoring.** The log starts on {log['date'].min():%Y-%m-%d}, in the middle of "
        "the customers' history: the \"new\" customers of its first "
        f"{unit_name} include long-standing ones, and the later counts of new customers still "
        "include some who had simply not bought since before the start. The first "
        f"{unit_name}'s cohort is therefore left out of the cohort comparison below "
        "(`first_cohort`), and the new-customer columns above are upper bounds."
    )
fig = plots.period_retention_vs_ratio(by_period)

# %%
cohorts = retention.cohort_retention(log, period, skip_first=drop_first)
pooled = retention.average_cohort_retention(cohorts)
fig = plots.cohort_heatmap(cohorts, max_age=12)
skipped = cohorts.attrs.get("skipped_cohort")
if skipped:
    show(f"Cohort {skipped} (the log's first {unit_name}) is left out.")
show(markdown_table(
    pooled.set_index("age").head(13),
    {
        "cohorts": format_number,
        "customers": format_number,
        "active": format_number,
        "share": lambda v: format_value(v, "share"),
    },
    index_name=f"{unit_name}s since first purchase",
))

# %%
above = retention.ratio_above_one(by_period)
rule = retention.verdict_retention_ratio(by_period)
gap_interval = retention.ratio_gap_interval(
    log, period, level=0.95, n_draws=max(200, min(n_draws, 2000)), seed=2007
)
values = rule["values"]
crmstudy.record(
    "max_simple_ratio", values["max_simple_ratio"], label="Highest primer's ratio N(t+1)/N(t)",
    unit="x", fmt=".3f",
)
crmstudy.record(
    "max_period_retention", values["max_period_retention"], label="Highest period retention",
    unit="share",
)
crmstudy.record(
    "periods_ratio_above_one", values["above_one"], label="Periods with the primer's ratio above 1",
    unit="count",
)
crmstudy.record(
    "periods_ratio_above_one_without_acquisition",
    values["above_one_without_acquisition"],
    label="Of those, periods with no newly acquired customer",
    unit="count",
)
crmstudy.record(
    "ratio_gap_pp", values["gap_pp"], label="Primer's ratio minus period retention, mean",
    unit="pp", fmt=".1f",
)
crmstudy.record(
    "ratio_gap_interval",
    [float(gap_interval["lower"]), float(gap_interval["upper"])],
    label="95% bootstrap interval of the gap (customers resampled)",
)
crmstudy.record(
    "new_or_returning_share",
    values["new_or_returning_share"],
    label="Share of next-period customers who were new or won back",
    unit="share",
)
first_row = pooled.iloc[1] if len(pooled) > 1 else None
show(
    f"With `period = {period!r}` the primer's ratio exceeds 1 in **{values['above_one']}** of "
    f"{values['periods']} {unit_name}s (highest {format_number(values['max_simple_ratio'], 3)})"
    + (
        f", **{values['above_one_without_acquisition']}** of them without any newly acquired "
        "customer"
        if values["above_one_without_acquisition"]
        else ""
    )
    + f"; period retention never exceeds {format_value(values['max_period_retention'], 'share')}. "
    f"On average the ratio exceeds period retention by {format_value(values['gap_pp'], 'pp', '.1f')}"
    f" (95% interval {format_interval(gap_interval['lower'], gap_interval['upper'], 'pp', fmt='.1f')},"
    f" customers resampled): {format_value(values['new_or_returning_share'], 'share')} of the "
    f"customers it counts in the later {unit_name}s were new or came back."
    + (
        f" One {unit_name} after their first purchase, "
        f"{format_value(first_row['share'], 'share')} of the acquired customers buy again."
        if first_row is not None
        else ""
    )
)

# %% [markdown]
# ### Who comes back? The first purchase as a covariate
#
# In a non-contractual business the retention question becomes *who is still a customer*. The
# BG/NBD model (Fader, Hardie & Lee 2005a; notebook 07) describes each customer by a purchase
# rate and a probability of dropping out after each purchase. Here the size of the customer's
# first purchase $x_i$ (log of 1 + amount, centred at the mean) shifts both, through the latent
# parameters: $\alpha_i = \alpha e^{-\gamma_\alpha x_i}$, $a_i = a e^{\gamma_a x_i}$,
# $b_i = b e^{\gamma_b x_i}$ (`crmstudy.models.covariates.BGNBDCovariates`). The mean purchase rate
# is $r/\alpha_i$ per week and the mean drop-out probability $a_i/(a_i + b_i)$. The
# likelihood-ratio test compares it with the BG/NBD without the covariate.

# %%
summary = transactions.rfm_summary(log, period="W")
first_size = log_first_purchase(log).reindex(summary.index)
purchase_model = BGNBDCovariates().fit(summary, first_size.to_frame())
lr_first = purchase_model.lr_test()
quartiles = pd.DataFrame(
    {"log_first_purchase": first_size.quantile([0.25, 0.75]).to_numpy()},
    index=["lower quartile", "upper quartile"],
)
first_draws = purchase_model.param_draws(n_draws, seed=2007)
means = purchase_model.latent_means(quartiles)
dropout_band = interval_from_draws(
    purchase_model,
    lambda m: m.latent_means(quartiles)["dropout_probability"].to_numpy(),
    interval=interval_level,
    draws=first_draws,
)
purchase_rate_band = interval_from_draws(
    purchase_model,
    lambda m: m.latent_means(quartiles)["purchase_rate"].to_numpy(),
    interval=interval_level,
    draws=first_draws,
)
show(markdown_table(
    purchase_model.coefficients.set_index("parameter"),
    {
        "coef": lambda v: format_number(v, 3),
        "std_err": lambda v: format_number(v, 3),
        "z": lambda v: format_number(v, 2),
        "p_value": lambda v: format_value(v, "p"),
    },
    index_name="log first purchase, effect on",
))

# %%
crmstudy.record(
    "first_purchase_lr_statistic", float(lr_first["statistic"]),
    label="BG/NBD, first-purchase covariate: LR statistic", unit="", fmt=".1f",
)
crmstudy.record("first_purchase_lr_df", int(lr_first["df"]), label="LR degrees of freedom", unit="count")
crmstudy.record(
    "first_purchase_lr_pvalue", float(lr_first["p_value"]), label="LR test p-value", unit="p"
)
crmstudy.record(
    "first_purchase_coefficients", purchase_model.coefficients,
    label="BG/NBD coefficients of the log first purchase",
)
crmstudy.record(
    "dropout_by_first_purchase",
    pd.DataFrame(
        {
            "dropout_probability": means["dropout_probability"],
            "lower": dropout_band["lower"].to_numpy(),
            "upper": dropout_band["upper"].to_numpy(),
            "purchase_rate_per_week": means["purchase_rate"],
        }
    ),
    label="Mean drop-out probability and purchase rate at the quartiles of the first purchase",
)
lo_q, hi_q = quartiles.index
higher = means.loc[hi_q, "dropout_probability"] > means.loc[lo_q, "dropout_probability"]
show(
    f"On {source}, in weeks ({format_number(len(summary))} customers), the first purchase's size "
    f"changes the fit by a likelihood-ratio statistic of {format_number(lr_first['statistic'], 1)} "
    f"on {int(lr_first['df'])} degrees of freedom ({format_value(lr_first['p_value'], 'p')}). "
    f"A customer whose first purchase is at the upper quartile buys "
    f"{format_number(means.loc[hi_q, 'purchase_rate'], 3)} times a week on average "
    f"({level_text} asymptotic interval "
    f"{format_interval(purchase_rate_band['lower'].iloc[1], purchase_rate_band['upper'].iloc[1])}),"
    f" against {format_number(means.loc[lo_q, 'purchase_rate'], 3)} at the lower quartile "
    f"({format_interval(purchase_rate_band['lower'].iloc[0], purchase_rate_band['upper'].iloc[0])}); the mean "
    f"probability of dropping out after a purchase is "
    f"{format_value(means.loc[hi_q, 'dropout_probability'], 'share')} "
    f"({format_interval(dropout_band['lower'].iloc[1], dropout_band['upper'].iloc[1], 'share')}) "
    f"against {format_value(means.loc[lo_q, 'dropout_probability'], 'share')} "
    f"({format_interval(dropout_band['lower'].iloc[0], dropout_band['upper'].iloc[0], 'share')}), "
    f"{'higher' if higher else 'lower'} for the bigger first purchase."
    + (
        f" (Left censoring again: for customers who bought before {log['date'].min():%Y-%m-%d},"
        " the first purchase in the log is not their first one.)"
        if left_censored
        else ""
    )
)

# %% [markdown]
# ## 6. Verdict / 结论

# %%
verdict = record_verdict(
    "retention_ratio",
    rule["class"],
    condition_en=rule["condition_en"],
    condition_zh=rule["condition_zh"],
    headline_value=values["gap_pp"],
    headline_unit="pp",
    headline_fmt=".1f",
    headline_en=f"Primer's ratio minus period retention, mean per {unit_name}",
    headline_zh=f"入门读物的比值减去期间保留率（每{unit_zh}平均）",
    interval=(float(gap_interval["lower"]), float(gap_interval["upper"])),
    level=0.95,
    method="bootstrap over customers (percentile)",
    data_en=f"{source}, by {unit_name}",
    data_zh=source_zh,
    values=values,
)
en, zh = VERDICT_CLASSES[verdict["class"]]
show(
    f"**Verdict: the claim {en}.** {verdict['condition_en']} {verdict['headline']['text_en']}.\n\n"
    f"**结论：该说法{zh}。** {verdict['condition_zh']}{verdict['headline']['text_zh']}。"
)

# %% [markdown]
# Neither the ratio nor period retention is a survival probability in a non-contractual
# business, which is why such settings need models of "alive" customers (BG/NBD, Pareto/NBD;
# notebook 07) rather than a retention rate. In a contractual business (section 1) the retention
# rate is well defined, but it is not constant: it rises with tenure, and one constant rate
# misprojects survival and undervalues the customers who stay.

# %% [markdown] tags=["exercise"]
# ## Exercise 1 (easy)
#
# Run the notebook with `segment = "regular"`. What share of the Regular cohort does the sBG
# fitted on years 0 to 7 project to be active in year 12? (Recorded as `exercise_1_answer`, in
# percent.)

# %% tags=["solution"]
regular_alive = table.query("segment == 'regular' and year <= 7").sort_values("year")["alive"]
answer_1 = 100 * ShiftedBetaGeometric().fit(regular_alive.to_numpy(), period="Y").survival(12)
crmstudy.record(
    "exercise_1_answer", float(answer_1), label="Exercise 1: sBG year-12 survival, Regular",
    unit="pct",
)

# %% [markdown] tags=["exercise"]
# ## Exercise 2 (medium)
#
# Run the notebook with `fit_years = 3` and `segment = "high_end"`. How wide (in percentage
# points) is the 90% interval for year-12 survival now, and how does it compare with the width
# at `fit_years = 7`? (The answer recorded is the width with three years.)

# %% tags=["solution"]
high_alive = table.query("segment == 'high_end'").sort_values("year")["alive"].to_numpy()
short = ShiftedBetaGeometric().fit(high_alive[:4], period="Y")
short_band = short.survival(12, interval=0.9, n_draws=4000, seed=1).iloc[0]
answer_2 = 100 * float(short_band["upper"] - short_band["lower"])
long_band = ShiftedBetaGeometric().fit(high_alive[:8]).survival(12, interval=0.9, n_draws=4000, seed=1)
crmstudy.record(
    "exercise_2_answer", answer_2,
    label="Exercise 2: width of the 90% interval, year-12 survival, High End fitted on 3 years",
    unit="pp", fmt=".1f",
)
show(
    f"With three years the 90% interval is {format_value(answer_2, 'pp', '.1f')} wide; with seven, "
    f"{format_value(100 * float(long_band['upper'].iloc[0] - long_band['lower'].iloc[0]), 'pp', '.1f')}."
)

# %% [markdown] tags=["exercise"]
# ## Exercise 3 (medium)
#
# Run the scenario `ta_feng` (`crmstudy report 01_retention -f
# notebooks/params/01_retention/ta_feng.yaml`). From December 2000 to January 2001, what is the
# primer's ratio of Ta Feng customers (customers buying in January / customers buying in
# December)?

# %% tags=["solution"]
ta_feng_months = retention.period_retention(datasets.load_ta_feng(level="basket"), "M")
answer_3 = float(ta_feng_months.set_index("period").loc["2000-12", "simple_ratio"])
crmstudy.record(
    "exercise_3_answer", answer_3, label="Exercise 3: Ta Feng, January / December customers",
    unit="x", fmt=".3f",
)

# %% [markdown] tags=["exercise"]
# ## Exercise 4 (harder)
#
# Do the two segments differ in $\alpha$ once $\beta$ may differ? Fit the sBG with the High End
# dummy on $\beta$ only (`SBGCovariates(on={"beta": ["high_end"]})`, years 0 to 7) and compute
# the likelihood-ratio statistic of the model with the dummy on both parameters against it.

# %% tags=["solution"]
seven = {seg: table[(table["segment"] == seg) & (table["year"] <= 7)].sort_values("year")["alive"].tolist()
         for seg in ("regular", "high_end")}
full = SBGCovariates(on={"alpha": ["high_end"], "beta": ["high_end"]}).fit(seven, segment_dummy)
beta_only = SBGCovariates(on={"beta": ["high_end"]}).fit(seven, segment_dummy)
answer_4 = 2 * (full.llf - beta_only.llf)
crmstudy.record(
    "exercise_4_answer", float(answer_4),
    label="Exercise 4: LR statistic, segment effect on alpha given one on beta (1 df)",
    unit="", fmt=".2f",
)
