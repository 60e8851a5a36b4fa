"""Grade a synthetic class of 60 submissions of 01_forward_pass two ways, in the same run:

* plain serial ``nbgrader autograde 01_forward_pass`` (what nbgrader does by itself), and
* the course's one command, ``python -m course.grading grade 01_forward_pass`` (parallel, every
  kernel in its sandbox; its time includes collecting nothing, feedback, grades.csv and the report),

each in a fresh copy of the same course, and print both wall times and their ratio. Goal: a ratio
of at most 0.25 on two cores with the sandbox on.

    .venv/bin/python benchmarks/class_grading.py [--students 60] [--workers N]

The class: a third right, a third partly right (the simulated students with typical mistakes in
tests/notebooks/mistakes/01_forward_pass.py, in turn) and a third wrong (the untouched release).
"""
from __future__ import annotations

import argparse
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from course.grading import nbtools, sandbox  # noqa: E402

ASSIGNMENT = "01_forward_pass"
BIN = Path(sys.executable).parent


def env() -> dict:
    e = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", MPLBACKEND="Agg")
    e.setdefault("OPENBLAS_NUM_THREADS", "1")
    e.setdefault("OMP_NUM_THREADS", "1")
    return e


def make_class(course: Path, n: int) -> None:
    shutil.copytree(ROOT / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    for name in ("nbgrader_config.py", "grader_config.py"):
        shutil.copy(ROOT / name, course / name)
    source = nbtools.read(nbtools.notebook_path(ASSIGNMENT))
    release = nbtools.read(nbtools.notebook_path(ASSIGNMENT, ROOT / "release"))
    mistakes = list(runpy.run_path(str(ROOT / "tests" / "notebooks" / "mistakes" / f"{ASSIGNMENT}.py"))["STUDENTS"].values())
    name = nbtools.notebook_path(ASSIGNMENT).name
    for i in range(n):
        kind = i % 3
        if kind == 0:
            nb = nbtools.fill_solutions(release, source)
        elif kind == 1:
            nb = nbtools.fill_solutions(release, source, mistakes[(i // 3) % len(mistakes)]["answers"])
        else:
            nb = release
        nbtools.write(nb, course / "submitted" / f"student{i:03d}" / ASSIGNMENT / name)


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--workers", type=int, default=None, help="default: the number of cores")
    args = parser.parse_args()
    ok, why = sandbox.availability()
    print(f"{args.students} submissions of {ASSIGNMENT}; {os.cpu_count()} cores; sandbox: {why}")
    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        plain, ours = Path(tmp) / "plain", Path(tmp) / "ours"
        for course in (plain, ours):
            make_class(course, args.students)
        # nbgrader needs the assignment in its gradebook first; that step is not timed for it.
        timed([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], plain)
        serial = timed([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"], plain)
        print(f"plain nbgrader autograde, serial:      {serial:7.1f} s  ({serial / args.students:.2f} s per submission)")
        cmd = [sys.executable, "-m", "course.grading", "grade", ASSIGNMENT]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        parallel = timed(cmd, ours)  # registers the assignment itself: included in its time
        print(f"python -m course.grading grade:        {parallel:7.1f} s  ({parallel / args.students:.2f} s per submission)")
        ratio = parallel / serial
        print(f"ratio (ours / plain serial):           {ratio:7.3f}  (goal: at most 0.25{'; met' if ratio <= 0.25 else '; NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
