"""One input path for every customer-level model: a summary frame, or arrays by keyword.

Every model that reads one row per customer (the purchase models BG/NBD, MBG/NBD and Pareto/NBD,
the discrete BG/BB, the Gamma-Gamma spend model) declares the columns it needs
(``data_columns``) and a validator of their values; :func:`read_customer_data` resolves the input
once into a :class:`CustomerData`: validated float arrays keyed by column name, the summary's
index (``None`` for arrays), its time unit and optional weights. ``fit`` and every prediction use
it, so a frame and arrays are checked by the same code and a prediction on a frame returns a
Series indexed like it.

Periods: a frame carries its time unit in ``attrs["period"]``; a unit that contradicts the
``period=`` given, or the unit the model was fitted in, is refused (never silently mixed).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmstudy.errors import DataError, ParameterError
from crmstudy.models._base import LikelihoodModel, _row_groups
from crmstudy.units import check_period

__all__ = [
    "CustomerData",
    "CustomerModel",
    "first_bad_row",
    "read_customer_data",
    "warn_old_call",
]


@dataclass(frozen=True)
class CustomerData:
    """Validated customer rows: ``columns`` (name -> float array), ``index``, ``period``.

    ``index`` is the summary frame's index, or ``None`` when the rows came as arrays (then a
    prediction returns an array, or a float for a single row). ``weights`` are customers per row
    when the input carried them (BG/BB's ``count`` column), else ``None``.
    """

    columns: Mapping[str, np.ndarray]
    index: pd.Index | None
    period: str | None
    weights: np.ndarray | None = None

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def wrap(self, values, name: str):
        """``values`` (one per row) as a Series indexed like the summary, or an array/float."""
        values = np.asarray(values, dtype=float)
        if self.index is None:
            return values if values.size != 1 else float(values.ravel()[0])
        return pd.Series(values, index=self.index, name=name)


def first_bad_row(bad: np.ndarray, index: pd.Index | None) -> tuple[int, str]:
    """Where the rows flagged in ``bad`` are, for a validator's message.

    Returns the position of the first flagged row and the words ``"N rows, first at row L"``,
    ``L`` its label in the summary's ``index`` (its position when the rows came as arrays).
    """
    i = int(np.flatnonzero(bad)[0])
    label = index[i] if index is not None else i
    return i, f"{int(bad.sum())} rows, first at row {label!r}"


def read_customer_data(
    summary,
    arrays: Mapping[str, object],
    *,
    columns: tuple[str, ...],
    validate: Callable[[dict[str, np.ndarray], pd.Index | None], dict[str, np.ndarray]],
    model_name: str,
    period: str | None = None,
    model_period: str | None = None,
    weight_column: str | None = None,
) -> CustomerData:
    """Resolve ``summary`` (a DataFrame) or ``arrays`` (the same columns by keyword) once.

    ``columns`` are the required column names; ``validate(cols, index)`` checks their values and
    returns the arrays to use. ``period`` is the unit the caller states (checked against the
    frame's ``attrs["period"]``), ``model_period`` the unit of a fitted model (a prediction on
    data in another unit is refused). ``weight_column`` (e.g. BG/BB's ``count``) is read from the
    frame when present. Raises :class:`DataError` naming the missing column or the first bad row.
    """
    index = None
    weights = None
    given = {k: v for k, v in arrays.items() if v is not None}
    if summary is not None:
        if not isinstance(summary, pd.DataFrame):
            raise DataError(
                f"{model_name}: summary must be a DataFrame with columns {', '.join(columns)}; "
                f"got {type(summary).__name__} (pass arrays by keyword instead: "
                f"{', '.join(f'{c}=' for c in columns)})"
            )
        if given:
            raise DataError(
                f"{model_name}: pass a summary DataFrame or the arrays {', '.join(columns)} by "
                f"keyword, not both (got summary and {', '.join(given)})"
            )
        missing = [c for c in columns if c not in summary.columns]
        if missing:
            raise DataError(
                f"{model_name}: summary is missing column(s) {missing}; it needs "
                f"{', '.join(columns)} (see crmstudy.transactions.rfm_summary)"
            )
        if len(summary) == 0:
            raise DataError(f"{model_name}: the summary has no rows (no customers)")
        frame_period = summary.attrs.get("period")
        if period is not None and frame_period is not None and period != frame_period:
            raise ParameterError(
                f"period={period!r} contradicts the summary's attrs['period']={frame_period!r}"
            )
        period = period or frame_period
        raw = {c: summary[c].to_numpy() for c in columns}
        index = summary.index
        if weight_column is not None and weight_column in summary.columns:
            weights = summary[weight_column].to_numpy(dtype=float)
    else:
        missing = [c for c in columns if c not in given]
        if missing:
            raise DataError(
                f"{model_name}: pass a summary DataFrame, or all of "
                f"{', '.join(f'{c}=' for c in columns)} (missing {', '.join(missing)})"
            )
        raw = {c: given[c] for c in columns}
    cols = {}
    for c in columns:
        try:
            cols[c] = np.asarray(raw[c], dtype=float).ravel()
        except (TypeError, ValueError):
            raise DataError(f"{model_name}: column {c!r} must be numeric") from None
    sizes = {c: v.size for c, v in cols.items()}
    if len(set(sizes.values())) != 1:
        raise DataError(
            f"{model_name}: {', '.join(columns)} must have the same length, got "
            + ", ".join(f"{c}: {n}" for c, n in sizes.items())
        )
    if period is not None:
        check_period(period)
    if model_period is not None and period is not None and period != model_period:
        raise ParameterError(
            f"the data are in period {period!r} but the model was fitted in {model_period!r}; "
            "convert recency and T with crmstudy.units.convert_duration or rebuild the summary"
        )
    return CustomerData(validate(cols, index), index, period, weights)


def warn_old_call(old: str, new: str, stacklevel: int = 3) -> None:
    """The DeprecationWarning of a call form that works for one more release."""
    warnings.warn(
        f"{old} is deprecated and goes in the next release; use {new}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


class CustomerModel(LikelihoodModel):
    """A model read from one row per customer: the shared input path and prediction plumbing.

    Subclasses set ``data_columns`` (the summary columns they need, in the order their formula
    hooks take them) and ``_validate_columns(cols, index)``; ``_horizon_verbs`` names the
    predictions whose old call form put the horizon first.
    """

    data_columns: tuple[str, ...] = ()
    weight_column: str | None = None
    _horizon_verbs: tuple[str, ...] = ("expected_purchases",)

    @staticmethod
    def _validate_columns(cols, index):
        return cols

    def _customers(self, summary, arrays, *, period=None, fitted=True):
        """The one input path: a summary frame or arrays by keyword, validated once."""
        return read_customer_data(
            summary,
            arrays,
            columns=self.data_columns,
            validate=self._validate_columns,
            model_name=type(self).__name__,
            period=period,
            model_period=self.period if fitted else None,
            weight_column=self.weight_column,
        )

    def _prediction_data(self, verb, summary, args, arrays, horizon=None):
        """Resolve the new call form ``verb(summary, t=...)`` / arrays by keyword, or an old one.

        Old forms (crmstudy 0.2): ``verb(frequency, recency, T)`` with positional arrays, and
        ``expected_purchases(t, summary)`` / ``expected_purchases(t, x, t_x, T)`` with the horizon
        first. They still work, with a DeprecationWarning naming the new form. Returns
        ``(data, horizon)``.
        """
        self._check_fitted()
        keywords = ", ".join(f"{c}=..." for c in self.data_columns)
        takes_t = horizon is not None or verb in (*self._horizon_verbs, "purchase_count_interval")
        legacy = summary is not None and not isinstance(summary, pd.DataFrame)
        if legacy and takes_t and horizon is None:
            # Old form: the horizon first, then a frame or the arrays.
            horizon, rest = summary, list(args)
            summary = rest.pop(0) if rest and isinstance(rest[0], pd.DataFrame) else None
            if summary is None:
                names = [c for c in self.data_columns if arrays.get(c) is None]
                arrays = {**arrays, **dict(zip(names, rest, strict=False))}
            old = "summary" if summary is not None else ", ".join(self.data_columns)
            warn_old_call(
                f"{verb}(t, {old}) (horizon first, positional)",
                f"{verb}(summary, t=...) or {verb}(t=..., {keywords})",
                stacklevel=4,
            )
        elif legacy or args:
            values = ([summary] if summary is not None else []) + list(args)
            if isinstance(summary, pd.DataFrame):
                values = list(args)
            names = [c for c in self.data_columns if arrays.get(c) is None]
            arrays = {**arrays, **dict(zip(names, values, strict=False))}
            if not isinstance(summary, pd.DataFrame):
                summary = None
            warn_old_call(
                f"{verb}({', '.join(self.data_columns)}) with positional arrays",
                f"{verb}(summary) or {verb}({keywords})",
                stacklevel=4,
            )
        data = self._customers(summary, arrays)
        if takes_t:
            if horizon is None:
                raise ParameterError(
                    f"{verb} needs the horizon t= (a duration in the model's period, "
                    f"{self.period!r})"
                )
            horizon = self._check_horizon(horizon)
        return data, horizon

    def _predict_population(self, name, compute, horizon=None, *, interval, method, n_draws, seed):
        """``compute(model)`` for a random (new) customer, or its interval over parameter draws.

        ``compute`` returns a float, or an array over the checked ``horizon``. With an interval,
        a Series ``estimate``, ``lower``, ``upper`` (a DataFrame indexed by ``t`` for an array
        horizon); its ``attrs`` name the quantity, and the period when there is a horizon.
        """
        if interval is None:
            return compute(self)
        from crmstudy.models._intervals import interval_from_draws

        out = interval_from_draws(
            self, compute, interval=interval, method=method, n_draws=n_draws, seed=seed
        )
        if horizon is None:
            out.attrs.update(quantity=name)
            return out
        if isinstance(out, pd.DataFrame):
            out.index = pd.Index(horizon.ravel(), name="t")
        out.attrs.update(quantity=name, period=self.period)
        return out

    def _predict(self, name, data, compute, horizon=None, *, interval, method, n_draws, seed):
        """``compute(params, *columns[, t])`` on every row, or its interval over draws.

        ``columns`` are ``data_columns`` in order. With an interval, the quantity is evaluated
        once per distinct row (a base of 10^5 customers has a few thousand) for each draw.
        """
        cols = [data[c] for c in self.data_columns]
        if horizon is not None:
            cols = list(np.broadcast_arrays(*cols, horizon))
        if interval is None:
            return data.wrap(compute(self._params_array(), *cols), name)
        from crmstudy.models._intervals import interval_from_draws

        flat = [np.asarray(c, dtype=float).ravel() for c in cols]
        member, inverse = _row_groups(flat)
        distinct = [c[member] for c in flat]
        out = interval_from_draws(
            self,
            lambda m: np.asarray(compute(m._params_array(), *distinct), dtype=float),
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )
        frame = out.iloc[inverse.ravel()].reset_index(drop=True)
        frame.attrs.update(out.attrs, quantity=name, period=self.period)
        if data.index is not None:
            frame.index = data.index
        elif len(frame) == 1:
            single = frame.iloc[0].rename(None)
            single.attrs.update(frame.attrs)
            return single
        return frame
