"""The targets of issue 23, measured as ratios in one run: ``python -m benchmarks`` (``make bench``).

What runs, at 10^6 synthetic customers (2.77M purchase records, ``benchmarks.generate``):

- ``rfm_summary`` and ``calibration_holdout`` (daily unit, the peers' convention matches
  crmstudy's there) from a pandas frame, a polars frame and a Parquet folder (DuckDB), with
  integer ids and with string ids; the numpy floor for the same id type
  (:func:`benchmarks.floor.from_frame` + :func:`benchmarks.floor.summary`, timed from the raw
  frame) and the sweep alone; lifetimes and pymc-marketing (each in its own virtual
  environment) on the same frame. The bad-input checks of crmstudy are in every measured call.
- BG/NBD and Pareto/NBD fits on the weekly summary and on the daily summary (recency and T in
  days: many more distinct rows, so row compression cannot carry the ratio), crmstudy against
  lifetimes; the first call in a fresh process and the median of the later calls (warm), and the
  number of rows each fit saw (crmstudy fits the distinct rows with weights; lifetimes every
  row). lifetimes' Pareto/NBD does not finish at 10^6 customers in the time limit: it is run at
  10^5 (and crmstudy too, for the ratio), as the table says.

Each case runs in a fresh process, once per round, after one untimed call on the 10^4-customer
log (imports and lazy set-up untimed, for every implementation alike); rounds interleave the
cases, so load drift hits them alike, and the table reports the median over rounds and every
ratio of medians. The load average is printed with the table.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def _log(message: str) -> None:
    print(f"[{dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", flush=True)


def int_id_copy(folder: Path) -> Path:
    """A copy of a log folder with int64 customer ids (the generator writes numeric text)."""
    import pandas as pd

    target = folder.with_name(folder.name + "_intids")
    done = target / ".done"
    if not done.is_file():
        target.mkdir(exist_ok=True)
        for part in sorted(folder.glob("*.parquet")):
            frame = pd.read_parquet(part)
            frame["customer_id"] = frame["customer_id"].astype("int64")
            frame.to_parquet(target / part.name, index=False)
        done.write_text("int64 ids")
    return target


def summary_file(folder: Path, period: str, observation_end: str) -> tuple[Path, int, int]:
    """crmstudy's summary of a log (for the fits), its distinct rows and its customers."""
    import pandas as pd

    from crmstudy.transactions import rfm_summary

    target = HERE / ".cache" / f"summary_{folder.name}_{period}.parquet"
    if not target.is_file():
        rfm_summary(
            str(folder), period=period, observation_end=observation_end
        ).reset_index().to_parquet(target, index=False)
    summary = pd.read_parquet(target)
    return target, int(len(summary.drop_duplicates(["frequency", "recency", "T"]))), len(summary)


def continuous_summary(n: int, seed: int = 2026) -> tuple[Path, int, int]:
    """A BG/NBD customer base simulated in continuous time (no rounding to days), weekly unit.

    Every customer's (recency, T) is distinct, so row compression gains nothing: the fit sees
    every row. Same parameters and ages as the logs (``benchmarks.generate``).
    """
    import numpy as np
    import pandas as pd

    from benchmarks.generate import ACQUISITION_WEEKS, BGNBD_PARAMS, WEEKS
    from crmstudy.simulate import simulate_bgnbd

    target = HERE / ".cache" / f"summary_continuous_{n}.parquet"
    if not target.is_file():
        rng = np.random.default_rng([seed, n])
        ages = WEEKS - rng.uniform(0.0, ACQUISITION_WEEKS, size=n)
        base = simulate_bgnbd(n, BGNBD_PARAMS, ages, seed=int(rng.integers(2**31)))
        base = base[["frequency", "recency", "T"]].reset_index()
        base["customer_id"] = base["customer_id"].astype(str)
        base.to_parquet(target, index=False)
    summary = pd.read_parquet(target)
    return target, int(len(summary.drop_duplicates(["frequency", "recency", "T"]))), len(summary)


def _median(values):
    return statistics.median(values) if values else None


def run_targets(
    *, rounds: int, timeout: float, peers: bool, fits: bool, customers: int = 1_000_000
) -> dict:
    from benchmarks import report
    from benchmarks.__main__ import PEERS, peer_python, run_case
    from benchmarks.generate import log_meta, log_path

    env = report.environment()
    pythons: dict[str, Path] = {}
    if peers:
        for name in PEERS:
            python, note = peer_python(name)
            env["peers"][name] = note
            if python is not None:
                pythons[name] = python
    main = Path(sys.executable)
    n = customers
    folder = log_path(n)
    meta = log_meta(folder)
    warm = log_path(10_000)
    folders = {"str": folder, "int": int_id_copy(folder)}
    warm_folders = {"str": warm, "int": int_id_copy(warm)}
    base = {
        "observation_end": meta["observation_end"],
        "calibration_end": meta["calibration_end"],
        "period": "D",
        # As the issue measured: in a fresh process, an untimed call on the 10^4 log, then the
        # median of three calls (the first call on a large log also pays the page faults of
        # every fresh array, which is the kernel's time, not the method's).
        "repeats": 3,
        "budget_s": 1e9,
    }
    cases: list[tuple[str, Path, str, dict]] = []  # (label, python, worker module, spec)
    for ids in ["int", "str"]:
        paths = {"path": str(folders[ids]), "warmup_path": str(warm_folders[ids]), "ids": ids}
        for what in ["summary", "holdout"]:
            for engine in ["pandas", "polars", "parquet"]:
                label = f"{what}|{ids}|crmstudy/{engine}"
                spec = base | paths | {"case": what, "engine": engine}
                cases.append((label, main, "benchmarks.worker", spec))
            if what == "summary":
                for engine in ["floor", "floor/parquet", "sweep"]:
                    spec = base | paths | {"case": "summary", "engine": engine}
                    cases.append((f"summary|{ids}|numpy {engine}", main, "benchmarks.worker", spec))
            for name, python in pythons.items():
                spec = base | paths | {"case": what, "library": name}
                cases.append((f"{what}|{ids}|{name}", python, "benchmarks.peer_worker", spec))
                # The peers read Parquet with pandas: "from Parquet" times the read and the call.
                spec = spec | {"from_parquet": True}
                label = f"{what}|{ids}|{name}/parquet"
                cases.append((label, python, "benchmarks.peer_worker", spec))

    times: dict[str, list[float]] = {label: [] for label, *_ in cases}
    firsts: dict[str, list[float]] = {label: [] for label, *_ in cases}
    checks: dict[str, dict] = {}
    status: dict[str, str] = {}
    peaks: dict[str, float] = {}
    loads = [os.getloadavg()[0]]
    for r in range(rounds):
        _log(f"round {r + 1} of {rounds}, load {os.getloadavg()[0]:.1f}")
        for label, python, module, spec in cases:
            if status.get(label, "ok") != "ok":
                continue  # a case that failed or timed out is not retried
            result = run_case(python, module, spec, timeout)
            if result.get("status") != "ok":
                status[label] = result.get("status", "error")
                _log(f"{label}: {status[label]}")
                continue
            times[label].append(result["median_s"])
            firsts[label].append(result["times_s"][0])
            checks[label] = result.get("check", {})
            peaks[label] = max(peaks.get(label, 0.0), result.get("peak_mb") or 0.0)
            _log(f"{label}: {result['median_s']:.3f} s")
        loads.append(os.getloadavg()[0])

    fit_rows = []
    if fits:
        fit_rows = run_fits(main, pythons.get("lifetimes"), timeout, loads)
    env["load_average_end"] = list(os.getloadavg())
    env["load_1min_samples"] = [round(x, 2) for x in loads]
    return {
        "environment": env,
        "customers": n,
        "rows": meta["rows"],
        "rounds": rounds,
        "times": times,
        "first_call_times": firsts,
        "status": status,
        "checks": checks,
        "peak_mb": peaks,
        "fits": fit_rows,
    }


def run_fits(
    main: Path, lifetimes: Path | None, timeout: float, loads: list, bases=("W", "D", "L", "C")
) -> list[dict]:
    """BG/NBD and Pareto/NBD, crmstudy and lifetimes, on four bases: the weekly (W) and daily
    (D) summaries of the log; the daily summary of the long log (L: three years of acquisition,
    many more distinct rows); and a base simulated in continuous time (C, every row distinct)."""
    from benchmarks.__main__ import run_case
    from benchmarks.generate import log_meta, log_path

    rows = []
    plans = [("bgnbd", 1_000_000), ("paretonbd", 1_000_000), ("paretonbd", 100_000)]
    for model, n in plans:
        for base in bases:
            folder = log_path(n, long=base == "L")
            end = log_meta(folder)["observation_end"]
            if base == "C":
                path, distinct, customers = continuous_summary(n)
            else:
                path, distinct, customers = summary_file(folder, "D" if base == "L" else base, end)
            period = {"C": "W", "L": "D"}.get(base, base)
            spec = {"case": "fit", "model": model, "path": str(path), "period": period}
            for impl, python, module, repeats in [
                ("crmstudy", main, "benchmarks.worker", 3),
                ("lifetimes", lifetimes, "benchmarks.peer_worker", 2),
            ]:
                if python is None:
                    continue
                if impl == "lifetimes" and model == "paretonbd" and n > 100_000:
                    rows.append(
                        {
                            "model": model,
                            "customers": n,
                            "period": base,
                            "impl": impl,
                            "status": "not run at 10^6 (see the 10^5 row)",
                        }
                    )
                    continue
                spec_i = spec | {"repeats": repeats, "budget_s": 1e9}
                if impl == "lifetimes":
                    spec_i["library"] = "lifetimes"
                _log(f"fit {model} n={n:,} {base} {impl}")
                result = run_case(python, module, spec_i, timeout)
                run_times = result.get("times_s", [])
                estimates = dict(result.get("check") or {})
                fitted_rows = estimates.pop("rows_fitted", None)
                rows.append(
                    {
                        "model": model,
                        "customers": n,
                        "period": base,
                        "impl": impl,
                        # crmstudy says how many rows its likelihood saw; lifetimes sees all.
                        "rows_seen": fitted_rows if impl == "crmstudy" else customers,
                        "distinct_rows": distinct,
                        "fresh_s": run_times[0] if run_times else None,
                        "warm_s": _median(run_times[1:]) if len(run_times) > 1 else None,
                        "times_s": run_times,
                        "status": result.get("status"),
                        "estimates": estimates,
                    }
                )
                _log(f"  -> {result.get('status')} {run_times}")
                loads.append(os.getloadavg()[0])
    return rows


#: The fit bases, as the table names them.
BASES = {
    "W": "weekly",
    "D": "daily",
    "L": "daily, long log (3-year acquisition)",
    "C": "continuous (weekly)",
}


def _frequency_sum(check: dict) -> str:
    """Sum of (calibration) frequency; lifetimes calls its holdout column frequency_cal."""
    value = check.get("frequency", check.get("frequency_cal"))
    return "" if value is None else f"{value:,.0f}"


def render(data: dict) -> str:
    env = data["environment"]
    times = data["times"]
    firsts = data.get("first_call_times", {})
    med = {k: _median(v) for k, v in times.items()}
    loads = env.get("load_1min_samples", [])
    lines = [
        "# crmstudy benchmark: the targets of issue 23",
        "",
        f"- date: {env['date']}; machine: {env['machine']}; Python {env['python']}",
        f"- load average (1 min) sampled through the run: {loads} (start "
        f"{env['load_average_start']}, end {[round(x, 2) for x in env['load_average_end']]})",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()),
    ]
    for name, note in env["peers"].items():
        lines.append(f"- peer {name}: {note}")
    lines += [
        "",
        f"{data['customers']:,} customers, {data['rows']:,} purchase records, daily unit. "
        f"Median of {data['rounds']} rounds; each case in a fresh process per round after an "
        "untimed call on the 10^4 log, then three timed calls: 'median s' is the median over "
        "rounds of each round's median of the three, 'first call s' the median over rounds of "
        "the first call (which also pays the page faults of a fresh process). 'x lifetimes' = lifetimes' median / this median (above "
        "1x = faster). 'x floor' = this median / the numpy floor's for the same id type. The "
        "floor: factorise the ids, day numbers, one sort, one sweep, no checks; the sweep: the "
        "last step alone on a pre-sorted, pre-coded log. Rows ending '/parquet' start from the "
        "Parquet folder and include reading it (the peers: `pd.read_parquet` and their call; "
        "the floor: `pd.read_parquet` and the floor); a crmstudy/parquet row's ratios are to "
        "those rows, the other rows' to the in-memory ones.",
        "",
    ]
    for what in ["summary", "holdout"]:
        lines += [
            f"## {'rfm_summary' if what == 'summary' else 'calibration_holdout'}",
            "",
            "| ids | implementation | median s | first call s | rounds | peak MB | x lifetimes "
            "| x pymc-marketing | x floor | sum of frequency |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for ids in ["int", "str"]:
            for label in times:
                w, i, impl = label.split("|")
                if w != what or i != ids:
                    continue
                # Like with like: a row read from Parquet is compared with the peers and the
                # floor reading the same Parquet; a row from memory with theirs from memory.
                src = "/parquet" if impl.endswith("/parquet") else ""
                floor = med.get(f"summary|{ids}|numpy floor{src}")
                life = med.get(f"{what}|{ids}|lifetimes{src}")
                pymc = med.get(f"{what}|{ids}|pymc-marketing{src}")
                m = med[label]
                state = data["status"].get(label)
                cells = [
                    ids,
                    impl,
                    f"{m:.3f}" if m is not None else state or "",
                    f"{first:.3f}" if (first := _median(firsts.get(label, []))) else "",
                    str(len(times[label])),
                    f"{data['peak_mb'].get(label, 0):.0f}",
                    f"{life / m:.1f}x" if life and m and not impl.startswith("lifetimes") else "",
                    f"{pymc / m:.1f}x" if pymc and m and not impl.startswith("pymc") else "",
                    f"{m / floor:.2f}x" if floor and m and "numpy" not in impl else "",
                    _frequency_sum(data["checks"].get(label, {})),
                ]
                lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if data["fits"]:
        lines += [
            "## Fits",
            "",
            "| model | customers | base | distinct rows | implementation | rows seen | fresh s "
            "| warm s | x lifetimes fresh | x lifetimes warm | estimates |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        index = {(r["model"], r["customers"], r["period"], r["impl"]): r for r in data["fits"]}
        for r in data["fits"]:
            life = index.get((r["model"], r["customers"], r["period"], "lifetimes"), {})
            ratio_f = ratio_w = ""
            if r["impl"] == "crmstudy" and life.get("fresh_s") and r.get("fresh_s"):
                ratio_f = f"{life['fresh_s'] / r['fresh_s']:.1f}x"
            if r["impl"] == "crmstudy" and life.get("warm_s") and r.get("warm_s"):
                ratio_w = f"{life['warm_s'] / r['warm_s']:.1f}x"
            est = r.get("estimates") or {}
            cells = [
                r["model"],
                f"{r['customers']:,}",
                BASES[r["period"]],
                f"{r['distinct_rows']:,}" if r.get("distinct_rows") else "",
                r["impl"],
                f"{r['rows_seen']:,}" if r.get("rows_seen") else "",
                f"{r['fresh_s']:.2f}" if r.get("fresh_s") else (r.get("status") or ""),
                f"{r['warm_s']:.2f}" if r.get("warm_s") else "",
                ratio_f,
                ratio_w,
                ", ".join(f"{k}={v:.4g}" for k, v in est.items()),
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def fits_only(bases: list[str], timeout: float) -> int:
    from benchmarks import report
    from benchmarks.__main__ import peer_python

    env = report.environment()
    python, note = peer_python("lifetimes")
    env["peers"]["lifetimes"] = note
    loads = [os.getloadavg()[0]]
    rows = run_fits(Path(sys.executable), python, timeout, loads, bases=tuple(bases))
    env["load_average_end"] = list(os.getloadavg())
    env["load_1min_samples"] = [round(x, 2) for x in loads]
    data = {
        "environment": env,
        "customers": 0,
        "rows": 0,
        "rounds": 0,
        "times": {},
        "status": {},
        "checks": {},
        "peak_mb": {},
        "fits": rows,
    }
    text = render(data)
    print(text)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%MZ")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"fits_{stamp}.md").write_text(text)
    (RESULTS / f"fits_{stamp}.json").write_text(json.dumps(data, indent=1, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--no-fits", action="store_true")
    parser.add_argument("--customers", type=int, default=1_000_000, help="log size (smoke tests)")
    parser.add_argument("--fits-only", help="only the fits, on these bases (e.g. C or W,D,C)")
    args = parser.parse_args(argv)
    if args.fits_only:
        return fits_only(args.fits_only.split(","), args.timeout)
    data = run_targets(
        rounds=args.rounds,
        timeout=args.timeout,
        peers=not args.no_peers,
        fits=not args.no_fits,
        customers=args.customers,
    )
    text = render(data)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%MZ")
    (RESULTS / f"targets_{stamp}.md").write_text(text)
    (RESULTS / f"targets_{stamp}.json").write_text(json.dumps(data, indent=1, default=str))
    _log(f"written to {RESULTS / f'targets_{stamp}.md'}")
    return 0


if __name__ == "__main__":
    t0 = time.perf_counter()
    code = main()
    _log(f"done in {time.perf_counter() - t0:.0f} s")
    sys.exit(code)
