"""The one model API: every model shares the base's names, each family its prediction signatures.

Families: purchase (BG/NBD, MBG/NBD, Pareto/NBD), spend (Gamma-Gamma), discrete (BG/BB),
contractual (the sBG, helper "retention"'s model: checked here for the base's names). Old call
forms of crmstudy 0.2 still work, give the same numbers and warn with a DeprecationWarning that
names the new form.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import warnings

import numpy as np
import pandas as pd
import pytest

from crmstudy.datasets import load_cdnow_summary, load_donations
from crmstudy.errors import ParameterError
from crmstudy.models import BGBB, BGNBD, MBGNBD, GammaGamma, ParetoNBD, ShiftedBetaGeometric
from crmstudy.models._base import LikelihoodModel

BASE_NAMES = (
    "params",
    "bse",
    "llf",
    "loglik",
    "cov_params",
    "conf_int",
    "aic",
    "bic",
    "converged",
    "nobs",
    "summary",
    "from_params",
    "param_draws",
)
PURCHASE = (BGNBD, MBGNBD, ParetoNBD)
FAMILIES = {
    "purchase": (
        PURCHASE,
        (
            "probability_alive",
            "expected_purchases",
            "expected_purchases_new_customer",
            "purchase_count_pmf",
        ),
    ),
    "spend": ((GammaGamma,), ("expected_spend", "expected_spend_new_customer")),
    "discrete": (
        (BGBB,),
        (
            "probability_alive",
            "expected_purchases",
            "expected_purchases_new_customer",
            "purchase_count_pmf",
        ),
    ),
}
ALL_MODELS = (BGNBD, MBGNBD, ParetoNBD, GammaGamma, BGBB, ShiftedBetaGeometric)
PUBLISHED = {
    BGNBD: dict(r=0.243, alpha=4.414, a=0.793, b=2.426),  # FHL (2005a)
    MBGNBD: dict(r=0.525, alpha=6.18, a=0.89, b=1.61),
    ParetoNBD: dict(r=0.553, alpha=10.578, s=0.606, beta=11.669),  # FHL (2005b)
    BGBB: dict(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783),  # FHS (2010)
    GammaGamma: dict(p=6.25, q=3.74, gamma=15.44),  # Fader & Hardie (2013)
}


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda c: c.__name__)
def test_every_model_has_the_base_names(cls):
    assert issubclass(cls, LikelihoodModel)
    for name in BASE_NAMES:
        assert hasattr(cls, name) or name in ("params", "nobs"), (cls.__name__, name)
        assert name in ("params", "nobs") or getattr(cls, name) is not None
    model = cls()
    for name in ("params", "nobs"):
        assert hasattr(model, name)


@pytest.mark.parametrize("family", FAMILIES)
def test_each_family_shares_its_prediction_signatures(family):
    classes, verbs = FAMILIES[family]
    for verb in verbs:
        signatures = {cls.__name__: inspect.signature(getattr(cls, verb)) for cls in classes}
        assert len(set(map(str, signatures.values()))) == 1, signatures
        params = next(iter(signatures.values())).parameters
        if verb not in ("purchase_count_pmf",):
            # Every prediction offers an interval, by the same keywords.
            for kw in ("interval", "method", "n_draws", "seed"):
                assert kw in params, (family, verb, kw)


def _only_raises(func) -> bool:
    source = textwrap.dedent(inspect.getsource(func))
    body = ast.parse(source).body[0].body
    body = [n for n in body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return len(body) == 1 and isinstance(body[0], ast.Raise)


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda c: c.__name__)
def test_no_public_method_exists_only_to_raise(cls):
    for name, member in inspect.getmembers(cls):
        if name.startswith("_"):
            continue
        func = member.fget if isinstance(member, property) else member
        if inspect.isfunction(func) or inspect.ismethod(func):
            assert not _only_raises(func), f"{cls.__name__}.{name} only raises"


@pytest.mark.parametrize("cls", list(PUBLISHED), ids=lambda c: c.__name__)
def test_from_params_predicts_and_names_what_needs_data(cls):
    period = None if cls is GammaGamma else "W"
    model = cls.from_params(period=period, **PUBLISHED[cls])
    assert list(model.params.index) == list(cls.param_names)
    assert model.params.to_dict() == pytest.approx(PUBLISHED[cls])
    # The same model from a Series, a dict or a sequence.
    for given in (pd.Series(PUBLISHED[cls]), PUBLISHED[cls], list(PUBLISHED[cls].values())):
        again = cls.from_params(given, period=period)
        assert np.array_equal(again.params.to_numpy(), model.params.to_numpy())
    for what in ("bse", "llf", "loglik", "aic", "bic", "converged"):
        with pytest.raises(ParameterError, match="needs the data.*from_params"):
            getattr(model, what)
    for call in (model.cov_params, model.conf_int, model.summary):
        with pytest.raises(ParameterError, match="needs the data.*from_params"):
            call()
    with pytest.raises(ParameterError, match="needs the data"):
        model.param_draws(10)


def test_from_params_refuses_bad_parameters():
    with pytest.raises(ParameterError, match="period"):
        BGNBD.from_params(r=0.2, alpha=4.0, a=0.8, b=2.4, period=None)
    with pytest.raises(ParameterError, match="missing"):
        BGNBD.from_params(r=0.2, alpha=4.0, a=0.8, period="W")
    with pytest.raises(ParameterError, match="unknown"):
        BGNBD.from_params(r=0.2, alpha=4.0, a=0.8, b=2.4, s=1.0, period="W")
    with pytest.raises(ParameterError, match="> 0"):
        BGNBD.from_params(r=-0.2, alpha=4.0, a=0.8, b=2.4, period="W")
    with pytest.raises(ParameterError, match="not both"):
        BGNBD.from_params([1, 2, 3, 4], r=1.0, period="W")


def test_fitted_results_in_statsmodels_words():
    cdnow = load_cdnow_summary()
    model = BGNBD().fit(cdnow)
    # FHL (2005a): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
    assert model.params.round(3).tolist() == [0.243, 4.414, 0.793, 2.426]
    assert round(model.llf, 1) == -9582.4 and model.loglik == model.llf
    cov = model.cov_params()
    assert isinstance(cov, pd.DataFrame) and list(cov.index) == list(BGNBD.param_names)
    assert np.sqrt(np.diag(cov)) == pytest.approx(model.bse.to_numpy())
    ci = model.conf_int(0.1)
    assert np.all(ci.iloc[:, 0] < model.params) and np.all(model.params < ci.iloc[:, 1])
    assert model.converged is True
    assert model.aic == pytest.approx(8 - 2 * model.llf)
    # The attribute form of cov_params still works, with a DeprecationWarning.
    with pytest.warns(DeprecationWarning, match=r"cov_params\(\)"):
        legacy = model.cov_params.to_numpy()
    assert np.array_equal(legacy, cov.to_numpy())


def test_predictions_take_a_summary_and_keyword_horizons():
    cdnow = load_cdnow_summary()
    model = BGNBD.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426, period="W")
    sub = cdnow.iloc[:50]
    future = model.expected_purchases(sub, t=39)
    assert isinstance(future, pd.Series) and future.index.equals(sub.index)
    arrays = model.expected_purchases(
        t=39, frequency=sub["frequency"], recency=sub["recency"], T=sub["T"]
    )
    assert np.array_equal(future.to_numpy(), arrays)
    with pytest.raises(ParameterError, match="horizon t="):
        model.expected_purchases(sub)
    monthly = sub.copy()
    monthly.attrs["period"] = "M"
    with pytest.raises(ParameterError, match="fitted in 'W'"):
        model.probability_alive(monthly)


def test_old_call_forms_warn_and_agree():
    cdnow = load_cdnow_summary().iloc[:30]
    x, tx, tt = (cdnow[c].to_numpy() for c in ("frequency", "recency", "T"))
    model = ParetoNBD.from_params(r=0.553, alpha=10.578, s=0.606, beta=11.669, period="W")
    new_alive = model.probability_alive(cdnow)
    new_future = model.expected_purchases(cdnow, t=52.0)
    with pytest.warns(DeprecationWarning, match=r"probability_alive\(summary\)"):
        old = model.probability_alive(x, tx, tt)
    assert np.array_equal(old, new_alive.to_numpy())
    with pytest.warns(DeprecationWarning, match=r"expected_purchases\(summary, t=\.\.\.\)"):
        old = model.expected_purchases(52.0, cdnow)
    assert old.equals(new_future)
    with pytest.warns(DeprecationWarning, match="horizon first"):
        old = model.expected_purchases(52.0, x, tx, tt)
    assert np.array_equal(old, new_future.to_numpy())

    donations = load_donations()
    bgbb = BGBB.from_params(period="Y", **PUBLISHED[BGBB])
    new = bgbb.expected_purchases(donations, t=5)
    with pytest.warns(DeprecationWarning, match="horizon first"):
        assert bgbb.expected_purchases(5, donations).equals(new)
    with pytest.warns(DeprecationWarning, match=r"n_future"):
        assert bgbb.expected_purchases(donations, n_future=5).equals(new)
    with pytest.warns(DeprecationWarning, match=r"n_future"):
        assert bgbb.expected_purchases_new_customer(n_future=5) == pytest.approx(
            bgbb.expected_purchases_new_customer(t=5)
        )

    spend = GammaGamma.from_params(period=None, **PUBLISHED[GammaGamma])
    with pytest.warns(DeprecationWarning, match="positional arrays"):
        old = spend.expected_spend(2, 10.0)
    assert old == spend.expected_spend(frequency=2, monetary_value=10.0)


def test_new_call_forms_do_not_warn():
    cdnow = load_cdnow_summary().iloc[:30]
    model = BGNBD.from_params(period="W", **PUBLISHED[BGNBD])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.probability_alive(cdnow)
        model.expected_purchases(cdnow, t=39)
        model.expected_purchases_new_customer(t=39)
        model.expected_purchases_new_customer(39)
