"""``python -m course.grading``: grade a class (``grade``) or check your own notebook (``check``).

    python -m course.grading grade 01_forward_pass            # every submission in submitted/*/01_forward_pass/
    python -m course.grading grade 01_forward_pass --student ada --regrade
    python -m course.grading check 01_forward_pass            # a self-learner's release/ notebook, full tests

Run from the course directory (the repository root). ``make grade A=…`` and ``make check A=…``
call these.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

# jsonschema imports rfc3987_syntax when it is installed (jupyter-events pulls it in), which
# builds a parser at import: two seconds of every grading run, for URI formats nbgrader never checks.
sys.modules.setdefault("rfc3987_syntax", None)

from . import classgrade  # noqa: E402


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("assignment", help="e.g. 01_forward_pass")
    p.add_argument("--course", type=Path, default=Path.cwd(), help="course directory (default: here)")
    p.add_argument("--cell-timeout", type=float, help="seconds per cell (default: Execute.timeout in the config)")
    p.add_argument("--notebook-timeout", type=float, help="seconds per notebook (default: CourseGrader.notebook_timeout)")
    p.add_argument("--memory", type=int, help="bytes of memory per kernel (default: CourseGrader.memory_limit, 2 GiB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.grading", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade every submission of an assignment (instructors)")
    _common(g)
    g.add_argument("--student", action="append", help="grade only this student (repeatable); always regrades them")
    g.add_argument("--regrade", action="store_true", help="grade again submissions unchanged since the last run")
    g.add_argument("--workers", type=int, help="kernels at a time (default: the number of cores)")
    g.add_argument("--dask", metavar="SCHEDULER", help="run the kernels on a Dask cluster, e.g. tcp://host:8786")
    g.add_argument("--no-collect", action="store_true", help="do not collect from the exchange first")
    g.add_argument("--no-feedback", action="store_true", help="do not write feedback/")
    g.add_argument("--no-report", action="store_true", help="do not write reports/<assignment>.html")
    c = sub.add_parser("check", help="grade your own notebook in release/ with the full tests (self-learners)")
    _common(c)
    c.add_argument("--notebook", type=Path, help="the notebook to check (default: release/<assignment>/*.ipynb)")
    args = parser.parse_args(argv)
    limits = dict(cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout, memory=args.memory)
    if args.command == "grade":
        rows = classgrade.grade(args.assignment, args.course, students=args.student, regrade=args.regrade,
                                workers=args.workers, dask=args.dask, collect_first=not args.no_collect,
                                feedback=not args.no_feedback, report=not args.no_report, **limits)
        return 0 if rows is not None else 1
    from .selfcheck import check

    print(f"Checking your {args.assignment} notebook with the full tests (hidden ones included)…", flush=True)
    result = check(args.assignment, args.course, notebook=args.notebook,
                   log=lambda line: print("  " + line, flush=True), **limits)
    print(result.text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
