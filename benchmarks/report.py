"""The benchmark table: medians, peak memory and the ratios to each peer and to the numpy floor."""

from __future__ import annotations

import datetime as dt
import os
import platform
from importlib import metadata


def environment() -> dict:
    """Machine, load and library versions, printed above the table."""

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "-"

    try:
        with open("/proc/meminfo") as fh:
            memory_gb = round(int(fh.readline().split()[1]) / 1024**2, 1)
    except OSError:
        memory_gb = None
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {memory_gb} GB",
        "python": platform.python_version(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "versions": {
            name: version(name)
            for name in ["crmstudy", "pandas", "numpy", "polars", "duckdb", "dask", "narwhals"]
        },
        "peers": {},
    }


def _fmt(value, spec: str, empty: str = "") -> str:
    return empty if value is None else format(value, spec)


def _ratio(numerator, denominator) -> str:
    """``numerator / denominator``; a peer that timed out gives a lower bound (">")."""
    if isinstance(numerator, tuple):  # (timeout seconds, "timeout")
        return "" if denominator is None else f"> {numerator[0] / denominator:.1f}x"
    if numerator is None or denominator is None or denominator <= 0:
        return ""
    return f"{numerator / denominator:.1f}x"


def _params(check: dict) -> str:
    return ", ".join(f"{k}={v:.4g}" for k, v in check.items())


def render(rows: list[dict], env: dict) -> str:
    """A Markdown report: environment, then one table per case."""
    lines = [
        "# crmstudy benchmarks",
        "",
        f"- date: {env['date']}; machine: {env['machine']}; Python {env['python']}",
        f"- load average at start {env['load_average_start']}, at end "
        f"{[round(x, 2) for x in env.get('load_average_end', [])]} (other processes share the "
        "cores: compare rows of one run, not runs)",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()),
    ]
    for name, note in env["peers"].items():
        lines.append(f"- peer {name}: {note}")
    lines += [
        "",
        "Median over the runs (each case in a fresh process; a case stops repeating after its "
        "time budget). Peak MB: growth of the resident set during the runs, input already "
        "loaded (the DuckDB and Dask engines read the Parquet files inside the timed call). "
        "'vs lifetimes' / 'vs pymc' = the peer's median / this median (same case, size and "
        "unit): above 1x means faster than the peer. 'vs floor' = this median / the numpy "
        "floor's. Sum of frequency: a cross-check that the summaries agree (the peers' weekly "
        "unit counts purchase weeks, not days, so it differs by design).",
        "",
    ]

    def median(case, n, impl, period):
        for r in rows:
            if (r["case"], r["customers"], r["impl"], r["period"]) == (case, n, impl, period):
                if r.get("status") == "ok":
                    return r["median_s"]
                if "timeout_s" in r:
                    return (r["timeout_s"], "timeout")
        return None

    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["case"], []).append(r)
    for case, members in groups.items():
        fit = case.startswith("fit:")
        header = [
            "customers",
            "rows fitted" if fit else "rows",
            "implementation",
            "unit",
            "median s",
            "runs",
            "peak MB",
            "vs lifetimes",
        ]
        if not fit:
            header += ["vs pymc", "vs floor", "sum of frequency"]
        else:
            header += ["data", "estimates"]
        lines += [f"## {case}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for r in members:
            n, impl, period = r["customers"], r["impl"], r["period"]
            time_s = r.get("median_s")
            cells = [
                f"{n:,}",
                f"{r['rows']:,}",
                impl,
                period,
                _fmt(time_s, ".3f", r.get("status", "")),
                str(len(r.get("times_s", []))),
                _fmt(r.get("peak_mb"), ".0f"),
            ]
            life = median(case, n, "lifetimes", period)
            cells.append(_ratio(life, time_s) if impl != "lifetimes" else "")
            check = r.get("check") or {}
            if not fit:
                pymc = median(case, n, "pymc-marketing", period)
                cells.append(_ratio(pymc, time_s) if impl != "pymc-marketing" else "")
                floor = median("summary", n, "numpy floor", "W")
                floor = floor if isinstance(floor, float) else None
                cells.append(
                    _ratio(time_s, floor)
                    if case == "summary" and period == "W" and impl != "numpy floor"
                    else ""
                )
                cells.append(_fmt(check.get("frequency"), ",.0f"))
            else:
                cells.append(r.get("data", ""))
                cells.append(_params(check))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
