"""Timing and peak-memory measurement shared by the crmstudy and the peer workers (stdlib only).

Peak memory is the growth of the process's resident set during the timed calls: the kernel's
high-water mark (``VmHWM``) is reset through ``/proc/self/clear_refs`` just before them, and the
resident size at that moment (input already loaded) is subtracted. It counts native allocations
(Arrow, DuckDB, polars), which ``tracemalloc`` would miss. On systems without ``/proc`` the
memory columns are left empty.
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from collections.abc import Callable

_STATUS = "/proc/self/status"


def _status_mb(key: str) -> float | None:
    try:
        with open(_STATUS) as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def measure(run: Callable[[], object], repeats: int, budget_s: float) -> tuple[dict, object]:
    """Call ``run`` up to ``repeats`` times (at least once, fewer if ``budget_s`` is spent).

    Returns the median and every time in seconds and the peak extra memory in MB, and the
    last call's result (for checking that implementations agree).
    """
    gc.collect()
    can_reset = _reset_peak()
    base = _status_mb("VmRSS")
    times: list[float] = []
    result = None
    start = time.perf_counter()
    for _ in range(max(1, repeats)):
        result = None  # free the previous result before the clock starts again
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > budget_s:
            break
    peak = _status_mb("VmHWM")
    extra = None if (peak is None or base is None or not can_reset) else max(peak - base, 0.0)
    stats = {
        "median_s": statistics.median(times),
        "times_s": times,
        "peak_mb": extra,
        "rss_peak_mb": peak,
    }
    return stats, result


def emit(payload: dict) -> None:
    """Print the result as the last line of stdout, for the parent process to read."""
    sys.stdout.write("\n@@RESULT@@" + json.dumps(payload) + "\n")
    sys.stdout.flush()


def parse(stdout: str) -> dict | None:
    for line in reversed(stdout.splitlines()):
        if line.startswith("@@RESULT@@"):
            return json.loads(line[len("@@RESULT@@") :])
    return None


def worker_main(argv: list[str], fit_case, summary_case) -> None:
    """Entry point of a worker process: run one case described by the JSON in ``argv[0]``.

    ``fit_case`` / ``summary_case`` map the case spec to ``(run, check)``; the timing stats and the
    check of the last result are printed for the parent by :func:`emit`.
    """
    import warnings

    spec = json.loads(argv[0])
    warnings.simplefilter("ignore")
    make = fit_case if spec["case"] == "fit" else summary_case
    if spec.get("warmup_path"):
        # One untimed call on a small log first: imports and lazy set-up are not timed, for
        # crmstudy and the peers alike.
        warm, _ = make(spec | {"path": spec["warmup_path"]})
        warm()
    run, check = make(spec)
    stats, last = measure(run, spec["repeats"], spec["budget_s"])
    stats["check"] = check(last)
    emit(stats)
