"""A ~10^8-row Parquet log summarised through DuckDB, out of core: ``python -m benchmarks.huge``.

The log (``benchmarks.generate.huge_log``: 36 million customers, about 10^8 purchase records,
1.2 GB of Parquet) is summarised by ``rfm_summary`` on the Parquet folder, in a fresh process,
with DuckDB's ``memory_limit`` (default 5 GB) and a spill folder (``temp_directory``), so that
the query spills to disk instead of growing. The parent watches the machine: it starts only if
``MemAvailable`` is at least ``--min-available-gb`` (default 12) and kills the worker if it falls
below ``--abort-below-gb`` (default 2.5), so that a shared machine is never pushed into swapping
or the OOM killer. Measured: wall time, the worker's peak resident set (``VmHWM``, everything:
DuckDB, Arrow, pandas, the result), the parent's sampled maximum of the worker's RSS, the lowest
``MemAvailable`` seen, and the spill folder's largest size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _meminfo_gb(key: str = "MemAvailable") -> float:
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024**2
    raise RuntimeError(f"no {key} in /proc/meminfo")


def _rss_gb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


def _folder_gb(path: Path) -> float:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total / 1024**3


def main(argv: list[str] | None = None) -> int:
    from benchmarks._measure import parse
    from benchmarks.generate import huge_log

    parser = argparse.ArgumentParser(prog="python -m benchmarks.huge", description=__doc__)
    parser.add_argument("--memory-limit", default="5GB", help="DuckDB memory_limit")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    parser.add_argument("--min-available-gb", type=float, default=12.0)
    parser.add_argument("--abort-below-gb", type=float, default=2.5)
    parser.add_argument("--timeout", type=float, default=3600.0)
    args = parser.parse_args(argv)

    folder, meta = huge_log()
    available = _meminfo_gb()
    if available < args.min_available_gb:
        print(f"not started: MemAvailable {available:.1f} GB < {args.min_available_gb} GB")
        return 1
    spill = HERE / ".cache" / "duckdb_spill"
    shutil.rmtree(spill, ignore_errors=True)
    spill.mkdir(parents=True)
    spec = {
        "case": "summary",
        "engine": "duckdb",
        "period": "W",
        "path": str(folder),
        "observation_end": meta["observation_end"],
        "calibration_end": meta["calibration_end"],
        "repeats": 1,
        "budget_s": 1e9,
        "duckdb_memory_limit": args.memory_limit,
        "duckdb_temp_directory": str(spill),
        "duckdb_threads": args.threads,
    }
    started = dt.datetime.now(dt.UTC)
    load_start = os.getloadavg()
    t0 = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.worker", json.dumps(spec)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    lowest, max_rss, max_spill, status = available, 0.0, 0.0, "ok"
    while worker.poll() is None:
        time.sleep(0.5)
        lowest = min(lowest, _meminfo_gb())
        max_rss = max(max_rss, _rss_gb(worker.pid))
        max_spill = max(max_spill, _folder_gb(spill))
        if lowest < args.abort_below_gb:
            worker.kill()
            status = f"aborted: MemAvailable fell to {lowest:.1f} GB"
            break
        if time.perf_counter() - t0 > args.timeout:
            worker.kill()
            status = f"timeout > {args.timeout:.0f} s"
            break
    stdout, stderr = worker.communicate()
    wall = time.perf_counter() - t0
    result = parse(stdout) or {}
    if status == "ok" and (worker.returncode or not result):
        status = "error: " + ((stderr.strip().splitlines() or ["no output"])[-1])[:200]
    shutil.rmtree(spill, ignore_errors=True)
    record = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "status": status,
        "customers": meta["customers"],
        "rows": meta["rows"],
        "parquet_gb": round(_folder_gb(folder), 2),
        "duckdb_memory_limit": args.memory_limit,
        "duckdb_threads": args.threads,
        "summary_s": result.get("median_s"),
        "process_wall_s": round(wall, 1),
        "peak_rss_gb": (result.get("rss_peak_mb") or 0) / 1024 or None,
        "sampled_max_rss_gb": round(max_rss, 2),
        "lowest_mem_available_gb": round(lowest, 2),
        "mem_available_at_start_gb": round(available, 2),
        "max_spill_gb": round(max_spill, 2),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "check": result.get("check"),
    }
    text = json.dumps(record, indent=1)
    print(text)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / f"huge_{started:%Y%m%dT%H%MZ}.json").write_text(text)
    return 0 if status == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
