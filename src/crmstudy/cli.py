"""The ``crmstudy`` command: list the notebooks, render reports, check notebook pairs.

    crmstudy list
    crmstudy report 01_retention -p segment=regular -p discount_rate=0.12
    crmstudy report 06 -f notebooks/params/06_value_satisfaction_loyalty/low_competition.yaml
    crmstudy report --all
    crmstudy check

Exit status: 0 on success, 1 when a report failed (or a notebook/scenario under ``--all`` could
not be validated), 2 for a usage or parameter error (nothing was run).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from functools import partial
from pathlib import Path

from crmstudy.errors import ParameterError

__all__ = ["main"]

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by SIGINT


def _err(message: str) -> None:
    print(f"crmstudy: {message}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--notebooks",
        metavar="DIR",
        help="notebooks folder (default: $CRMSTUDY_NOTEBOOKS, else ./notebooks)",
    )
    parser = argparse.ArgumentParser(
        prog="crmstudy",
        description="Render the crmstudy notebooks as reports, with validated parameters.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser(
        "list",
        parents=[common],
        help="show every notebook, its description, parameters and scenario files",
    )
    report = sub.add_parser(
        "report",
        parents=[common],
        help="run notebooks through papermill into HTML/ipynb/JSON reports",
        description=(
            "Run notebooks into reports. Parameters are checked against each notebook's "
            "parameters cell before any kernel starts."
        ),
    )
    report.add_argument(
        "names", nargs="*", metavar="NAME", help="notebook name, e.g. 01_retention or 01"
    )
    report.add_argument(
        "--all",
        action="store_true",
        help="every notebook at its defaults plus every notebooks/params/<NAME>/*.yaml scenario",
    )
    report.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a parameter (repeatable); the value is read as the declared type",
    )
    report.add_argument(
        "-f",
        "--file",
        metavar="PARAMS.yaml",
        help="parameters from a YAML file; the report is named NAME__<file name>",
    )
    report.add_argument(
        "--out",
        metavar="DIR",
        help="output folder (default: reports/ next to the notebooks folder)",
    )
    report.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="run N notebooks at a time, each in its own process (default 1)",
    )
    report.add_argument("--timeout", type=int, metavar="SECONDS", help="time limit per cell")
    report.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    check = sub.add_parser(
        "check",
        parents=[common],
        help="check notebook pairs (.py/.ipynb) and parameters cells, without running them",
    )
    check.add_argument("names", nargs="*", metavar="NAME")
    return parser


def _cmd_list(notebooks_dir: Path) -> int:
    from crmstudy.reports import discover_notebooks, orphan_scenarios, read_scenario

    notebooks = discover_notebooks(notebooks_dir)
    if not notebooks:
        print(f"no notebooks (NN_topic.py) in {notebooks_dir}")
        return 0
    for info in notebooks.values():
        print(f"{info.name}  {info.title}")
        if info.description:
            print(f"    {info.description}")
        if info.problem:
            print(f"    PROBLEM: {info.problem}")
        if info.parameters:
            print("    parameters:")
            decls = [
                (p, f"{p.name}: {p.type_name} = {p.default!r}") for p in info.parameters.values()
            ]
            width = max(len(decl) for _, decl in decls)
            for p, decl in decls:
                allowed = f" [{p.allowed()}]" if p.allowed() else ""
                was = f" (formerly {', '.join(p.formerly)})" if p.formerly else ""
                print(f"      {decl:<{width}}  {p.help}{allowed}{was}")
        if info.scenarios:
            print("    scenarios (crmstudy report NAME -f FILE; all of them with --all):")
            for scenario, path in info.scenarios.items():
                try:
                    _, about = read_scenario(path)
                except ParameterError as exc:
                    about = f"PROBLEM: {exc}"
                print(f"      {scenario}: {about or path}")
        print()
    for folder in orphan_scenarios(notebooks_dir, notebooks):
        print(f"warning: scenario folder {folder} names no notebook")
    return 0


def _cmd_check(notebooks_dir: Path, names: list[str]) -> int:
    from crmstudy.reports import check_notebook, discover_notebooks, resolve_name
    from crmstudy.reports.schema import declaration_problems

    notebooks = discover_notebooks(notebooks_dir)
    chosen = [resolve_name(n, notebooks) for n in names] if names else list(notebooks)
    bad = 0
    for name in chosen:
        info = notebooks[name]
        problems = check_notebook(info.path)
        problems += declaration_problems(info.parameters, f"{info.path.name}: parameters cell")
        print(f"{name}: {'ok' if not problems else 'PROBLEMS'}")
        for problem in problems:
            print(f"    {problem}")
        bad += bool(problems)
    return EXIT_FAILED if bad else 0


def _cmd_report(args: argparse.Namespace, notebooks_dir: Path) -> int:
    from tqdm.auto import tqdm

    from crmstudy.reports import (
        ReportFailed,
        discover_notebooks,
        orphan_scenarios,
        plan_all,
        plan_jobs,
        run_report,
        write_index,
    )

    notebooks = discover_notebooks(notebooks_dir)
    problems: list[str] = []
    if args.all:
        if args.names or args.param or args.file:
            raise ParameterError("--all takes no NAME, -p or -f: it renders defaults and scenarios")
        jobs, problems = plan_all(notebooks)
        problems += [f"{p}: names no notebook" for p in orphan_scenarios(notebooks_dir, notebooks)]
        for problem in problems:
            _err(f"skipped {problem}")
    else:
        jobs = plan_jobs(notebooks, args.names, params=args.param, param_file=args.file)
    out_dir = Path(args.out) if args.out else notebooks_dir.resolve().parent / "reports"
    progress = not args.no_progress
    failures: list[str] = []

    def settle(job, run) -> None:
        """Run one report (``run`` returns its metadata or raises), print and index the outcome."""
        try:
            meta = run()
        except ReportFailed as exc:
            failures.append(str(exc))
            tqdm.write(f"FAILED {exc}", file=sys.stderr)
        else:
            tqdm.write(
                f"ok     {job.report} -> {out_dir / (job.report + '.html')} "
                f"({meta['duration_seconds']:.1f} s)",
                file=sys.stderr,
            )
        write_index(out_dir)

    nested = progress and len(jobs) > 1
    overall = tqdm(total=len(jobs), desc="reports", unit="report", disable=not nested)
    if args.jobs <= 1 or len(jobs) <= 1:
        for job in jobs:
            overall.set_postfix_str(job.report)
            # papermill's own per-cell bar, drawn under the overall one.
            bar = (
                {"desc": job.report, "leave": False, "position": int(nested)} if progress else False
            )
            settle(job, partial(run_report, job, out_dir, progress=bar, timeout=args.timeout))
            overall.update()
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # Separate processes, not threads: papermill changes the working directory while it runs.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(args.jobs, mp_context=context) as pool:
            futures = {
                pool.submit(run_report, job, out_dir, progress=False, timeout=args.timeout): job
                for job in jobs
            }
            try:
                for future in as_completed(futures):
                    settle(futures[future], future.result)
                    overall.update()
            except KeyboardInterrupt:
                # The workers share the terminal's process group, so they got the Ctrl-C too;
                # cancel what has not started and let the running ones unwind (they publish
                # nothing), then stop.
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    overall.close()
    if not jobs:
        write_index(out_dir)
    done = len(jobs) - len(failures)
    summary = f"{done} of {len(jobs)} reports written to {out_dir}"
    if failures or problems:
        if len(jobs) + len(problems) > 1:  # one failure was already printed in full above
            _err(f"{summary}; {len(failures)} failed, {len(problems)} skipped as invalid:")
            for line in failures + problems:
                print(f"  - {line}", file=sys.stderr)
        return EXIT_FAILED
    print(summary + f"; index: {out_dir / 'index.html'}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``crmstudy`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    with warnings.catch_warnings():
        # A notebook parameter given by its old name is accepted with a DeprecationWarning, which
        # Python hides by default: show it (one line), since it is where the user learns the new
        # name. catch_warnings restores the caller's warning state afterwards.
        warnings.filterwarnings(
            "default", message=r"notebook .* is deprecated", category=DeprecationWarning
        )
        warnings.showwarning = lambda message, *_args, **_kw: _err(f"warning: {message}")
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        from crmstudy.reports import find_notebooks_dir

        notebooks_dir = find_notebooks_dir(args.notebooks)
        if args.command == "list":
            return _cmd_list(notebooks_dir)
        if args.command == "check":
            return _cmd_check(notebooks_dir, args.names)
        return _cmd_report(args, notebooks_dir)
    except ParameterError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("interrupted: nothing was half-published; the last good reports are still in place")
        return EXIT_INTERRUPTED
    except ModuleNotFoundError as exc:
        if exc.name not in {"jupytext", "papermill", "nbconvert", "nbformat", "jinja2"}:
            raise
        _err(
            f"{exc.name} is missing: install the notebook tools with pip install -e '.[notebooks]'"
        )
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
