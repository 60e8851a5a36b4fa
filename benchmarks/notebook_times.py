"""Wall time of each source notebook against the floor of starting a kernel.

The floor is the time to start a kernel and import numpy, matplotlib and ipywidgets in an
otherwise empty notebook. Goal: each notebook within 3 x floor + 10 s of its own work.

    make benchmark                      # or: .venv/bin/python benchmarks/notebook_times.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.grading import nbtools  # noqa: E402

FLOOR_CODE = "import numpy, matplotlib.pyplot, ipywidgets\n%matplotlib inline"


def run_once(nb: nbformat.NotebookNode, cwd: Path) -> float:
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - start


def median_time(make_nb, cwd: Path, repeat: int) -> float:
    return statistics.median(run_once(make_nb(), cwd) for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per notebook; the median is reported")
    args = parser.parse_args()

    floor_nb = lambda: nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_CODE)])
    floor = median_time(floor_nb, nbtools.ROOT, args.repeat)
    print(f"floor (kernel start + numpy, matplotlib, ipywidgets): {floor:.2f} s   (median of {args.repeat})")
    print(f"{'notebook':<28}{'wall (s)':>10}{'ratio':>8}{'own work (s)':>14}{'goal (s)':>10}  verdict")
    ok = True
    for assignment in nbtools.assignments():
        path = nbtools.notebook_path(assignment)
        wall = median_time(lambda: nbformat.read(path, as_version=4), path.parent, args.repeat)
        goal = 3 * floor + 10
        verdict = "ok" if wall <= goal else "SLOW"
        ok &= wall <= goal
        print(f"{assignment:<28}{wall:>10.2f}{wall / floor:>8.1f}{wall - floor:>14.2f}{goal:>10.1f}  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
