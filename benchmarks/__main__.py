"""``python -m benchmarks``: time crmstudy's summaries and fits against the peers; print a table.

``python -m benchmarks`` (``make bench``) runs the targets of issue 23 (:mod:`benchmarks.targets`);
``python -m benchmarks huge`` the 10^8-row DuckDB run with a memory limit (:mod:`benchmarks.huge`);
``python -m benchmarks matrix`` the older size-by-engine matrix described here. Matrix run (a few minutes on 2 cores): summaries and calibration/holdout splits of synthetic
BG/NBD logs with 10^4 and 10^5 customers on every engine, the numpy floor, lifetimes and
pymc-marketing; model fits at 10^4 and 10^5 customers and on the CDNOW master file.
``--full`` adds 10^6 customers (the issue's targets), ``--large`` 10^7, ``--huge`` summarises a
log of about 10^8 rows out of core with DuckDB. ``--no-peers`` skips the peer libraries (and
the creation of their virtual environments, which takes minutes and about 1.5 GB the first time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import report
from benchmarks._measure import parse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
PEERS_DIR = HERE / ".peers"

#: Each peer's own virtual environment: what pip installs there (the newest compatible stack).
PEERS = {
    "lifetimes": ["lifetimes==0.11.3", "pyarrow"],
    "pymc-marketing": ["pymc-marketing", "pyarrow"],
}
#: The Python a peer's environment is created with: pymc-marketing 1.x needs Python >= 3.12
#: (on 3.11 pip would settle for 0.x); lifetimes runs on the project's own Python.
PEER_PYTHONS = {"pymc-marketing": ["python3.12", "~/.pyenv/versions/3.12.1/bin/python3.12"]}


def _base_python(name: str) -> str:
    import shutil

    for candidate in PEER_PYTHONS.get(name, []):
        found = shutil.which(os.path.expanduser(candidate))
        if found:
            probe = subprocess.run([found, "--version"], capture_output=True, text=True)
            if probe.returncode == 0:
                return found
    return sys.executable


def _log(message: str) -> None:
    print(f"[{dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", flush=True)


def peer_python(name: str) -> tuple[Path | None, str]:
    """The peer's venv python (created with pip on first use), or None and the reason."""
    venv = PEERS_DIR / name
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    if not stamp.is_file():
        _log(f"creating {venv} with pip install {' '.join(PEERS[name])} (first run only)")
        try:
            subprocess.run([_base_python(name), "-m", "venv", "--clear", str(venv)], check=True)
            subprocess.run(
                [
                    str(python),
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    *PEERS[name],
                ],
                check=True,
                timeout=1800,
            )
        except (subprocess.SubprocessError, OSError) as err:
            return None, f"could not install {name}: {err}"
        stamp.write_text(" ".join(PEERS[name]))
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m, sys;"
            f"print(m.version({name!r}), m.version('pandas'), m.version('numpy'), "
            "m.version('scipy'), sys.version.split()[0])",
        ],
        capture_output=True,
        text=True,
    )
    if probe.returncode:
        return None, f"{name} venv is broken: {probe.stderr.strip()[-200:]}"
    version, pandas, numpy, scipy, py = probe.stdout.split()
    return python, f"{name} {version} (pandas {pandas}, numpy {numpy}, scipy {scipy}, Python {py})"


def run_case(python: Path, module: str, spec: dict, timeout: float) -> dict:
    """Run one case in a fresh process; returns its measurements or a status."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [str(python), "-m", module, json.dumps(spec)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
        )
    except subprocess.TimeoutExpired:
        return {"status": f"timeout > {timeout:.0f} s", "timeout_s": timeout}
    result = parse(done.stdout)
    if done.returncode or result is None:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"status": f"error: {tail[:120]}"}
    result["status"] = "ok"
    result["wall_s"] = time.perf_counter() - started
    return result


def _write_summary(log_folder: Path | None, target: Path, observation_end: str) -> int:
    """A weekly crmstudy summary for the fit cases; returns its number of distinct rows."""
    import pandas as pd

    from crmstudy.datasets import load_cdnow
    from crmstudy.transactions import rfm_summary

    if not target.is_file():
        source = load_cdnow() if log_folder is None else str(log_folder)
        summary = rfm_summary(source, period="W", observation_end=observation_end)
        summary.reset_index().to_parquet(target, index=False)
    summary = pd.read_parquet(target)
    return int(len(summary.drop_duplicates(["frequency", "recency", "T"])))


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks [ARGS]``: the issue-23 targets (:mod:`benchmarks.targets`);
    ``python -m benchmarks matrix [ARGS]``: the size-by-engine matrix below;
    ``python -m benchmarks huge``: the 10^8-row DuckDB run (:mod:`benchmarks.huge`)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["huge"]:
        from benchmarks import huge

        return huge.main(argv[1:])
    if argv[:1] != ["matrix"]:
        from benchmarks import targets

        return targets.main(argv)
    return matrix(argv[1:])


def matrix(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks matrix",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--full", action="store_true", help="add 10^6 customers (issue targets)")
    parser.add_argument("--large", action="store_true", help="add 10^7 customers (summaries)")
    parser.add_argument("--huge", action="store_true", help="a ~10^8-row log, DuckDB out of core")
    parser.add_argument("--sizes", help="comma-separated customer counts, e.g. 10000,100000")
    parser.add_argument("--no-peers", action="store_true", help="skip lifetimes/pymc-marketing")
    parser.add_argument("--no-fits", action="store_true", help="skip the model fits")
    parser.add_argument("--repeats", type=int, default=3, help="runs per case (median reported)")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="stop repeating a case after this many seconds"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per case")
    args = parser.parse_args(argv)

    from benchmarks.generate import OBSERVATION_END, log_meta, log_path

    sizes = [10_000, 100_000]
    if args.full:
        sizes.append(1_000_000)
    if args.large:
        sizes.append(10_000_000)
    if args.sizes:
        sizes = [int(float(s)) for s in args.sizes.split(",")]
    fit_sizes = [n for n in sizes if n <= 1_000_000]

    env = report.environment()
    peers: dict[str, Path] = {}
    if not args.no_peers:
        for name in PEERS:
            python, note = peer_python(name)
            env["peers"][name] = note
            if python is not None:
                peers[name] = python
    _log("environment: " + json.dumps(env))

    common = {"repeats": args.repeats, "budget_s": args.budget, "check": True}
    rows: list[dict] = []
    main_python = Path(sys.executable)

    def record(case: str, n: int, n_rows: int, impl: str, period: str, result: dict, **extra):
        row = {"case": case, "customers": n, "rows": n_rows, "impl": impl, "period": period}
        rows.append(row | extra | result)
        shown = result.get("median_s")
        _log(
            f"{case:8s} n={n:>10,} {impl:26s} {period} "
            + (f"{shown:8.3f} s" if shown is not None else result["status"])
        )

    # A throwaway case first: the first process of a run pays for cold file caches and
    # bytecode compilation, which would otherwise land on the first timed row.
    warm = log_path(10_000)
    run_case(
        main_python,
        "benchmarks.worker",
        common
        | {
            "case": "summary",
            "engine": "pandas",
            "period": "W",
            "path": str(warm),
            "repeats": 1,
            "observation_end": log_meta(warm)["observation_end"],
            "calibration_end": log_meta(warm)["calibration_end"],
        },
        args.timeout,
    )

    for n in sizes:
        _log(f"generating / loading the synthetic log with {n:,} customers")
        folder = log_path(n)
        meta = log_meta(folder)
        base = common | {
            "path": str(folder),
            "observation_end": meta["observation_end"],
            "calibration_end": meta["calibration_end"],
        }
        summary_impls = [
            ("crmstudy/pandas", "pandas", "W"),
            ("crmstudy/pandas", "pandas", "D"),
            ("crmstudy/polars", "polars", "W"),
            ("crmstudy/duckdb-parquet", "duckdb", "W"),
        ]
        if n <= 1_000_000:
            summary_impls.append(("crmstudy/dask", "dask", "W"))
        summary_impls.append(("numpy floor", "floor", "W"))
        for impl, engine, period in summary_impls:
            spec = base | {"case": "summary", "engine": engine, "period": period}
            record(
                "summary",
                n,
                meta["rows"],
                impl,
                period,
                run_case(main_python, "benchmarks.worker", spec, args.timeout),
            )
        for impl, engine in [("crmstudy/pandas", "pandas"), ("crmstudy/duckdb-parquet", "duckdb")]:
            spec = base | {"case": "holdout", "engine": engine, "period": "D"}
            record(
                "holdout",
                n,
                meta["rows"],
                impl,
                "D",
                run_case(main_python, "benchmarks.worker", spec, args.timeout),
            )
        for name, python in peers.items():
            for case, periods in [("summary", ["D", "W"]), ("holdout", ["D"])]:
                for period in periods:
                    spec = base | {"case": case, "library": name, "period": period}
                    record(
                        case,
                        n,
                        meta["rows"],
                        name,
                        period,
                        run_case(python, "benchmarks.peer_worker", spec, args.timeout),
                    )

    if not args.no_fits:
        targets = [
            (f"{n:,} synthetic", log_path(n), n, str(OBSERVATION_END.date())) for n in fit_sizes
        ]
        targets.append(("CDNOW master", None, 23_570, "1998-06-30"))
        for label, folder, n, end in targets:
            target = HERE / ".cache" / f"summary_{'cdnow' if folder is None else n}.parquet"
            distinct = _write_summary(folder, target, end)
            for model in ["bgnbd", "paretonbd", "gammagamma"]:
                spec = common | {"case": "fit", "model": model, "path": str(target)}
                record(
                    f"fit:{model}",
                    n,
                    distinct,
                    "crmstudy",
                    "W",
                    run_case(main_python, "benchmarks.worker", spec, args.timeout),
                    data=label,
                )
                if "lifetimes" in peers:
                    record(
                        f"fit:{model}",
                        n,
                        distinct,
                        "lifetimes",
                        "W",
                        run_case(
                            peers["lifetimes"],
                            "benchmarks.peer_worker",
                            spec | {"library": "lifetimes"},
                            args.timeout,
                        ),
                        data=label,
                    )

    if args.huge:  # without a memory limit: prefer `python -m benchmarks huge`
        from benchmarks.generate import huge_log

        folder, meta = huge_log()
        spec = common | {
            "case": "summary",
            "engine": "duckdb",
            "period": "W",
            "repeats": 1,
            "path": str(folder),
            "observation_end": meta["observation_end"],
            "calibration_end": meta["calibration_end"],
        }
        record(
            "summary",
            meta["customers"],
            meta["rows"],
            "crmstudy/duckdb-parquet",
            "W",
            run_case(main_python, "benchmarks.worker", spec, 4 * args.timeout),
        )

    env["load_average_end"] = list(os.getloadavg())
    text = report.render(rows, env)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%MZ")
    (RESULTS / f"bench_{stamp}.md").write_text(text)
    (RESULTS / f"bench_{stamp}.json").write_text(
        json.dumps({"environment": env, "rows": rows}, indent=1)
    )
    (RESULTS / "latest.md").write_text(text)
    _log(f"written to {RESULTS / f'bench_{stamp}.md'} and latest.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
