"""How many automatic points does the tamperer (tests/grading/hostile.py) keep inside the kernel?

Runs each notebook of a course tree with the tamperer's answers in a real kernel (nbclient, no
nbgrader, no integrity scan) and counts the points of the grade cells that end without an error
or stderr output, which is what nbgrader would award. With --tree pointing at an older checkout
(e.g. `git worktree add /tmp/old <commit>`), it measures that version with its own course package.

    .venv/bin/python benchmarks/tamperer_points.py [--tree DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "tests" / "grading"))
sys.path.insert(0, str(HERE))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

import hostile  # noqa: E402
from course.grading import nbtools  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=HERE)
    args = parser.parse_args()
    root = args.tree.resolve()
    os.environ["PYTHONPATH"] = str(root)  # the kernel imports that tree's course package
    kept_total = points_total = 0
    for folder in sorted((root / "source").iterdir()):
        try:
            source = nbtools.read(nbtools.notebook_path(folder.name, root / "source"))
            release = nbtools.read(nbtools.notebook_path(folder.name, root / "release"))
        except FileNotFoundError:
            continue
        if not any(nbtools.is_autograded_test(c) for c in source["cells"]):
            continue
        nb = nbformat.reads(json.dumps(hostile.tamperer(release, source)), as_version=4)
        NotebookClient(nb, allow_errors=True, timeout=60, kernel_name="python3",
                       resources={"metadata": {"path": str(root / "release" / folder.name)}}).execute()
        kept = points = 0.0
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                points += meta["points"]
                failed = any(o.get("output_type") == "error" or o.get("name") == "stderr" for o in cell.outputs)
                kept += 0 if failed else meta["points"]
        kept_total += kept
        points_total += points
        print(f"{folder.name}: the tamperer keeps {kept:g} of {points:g} automatic points in the kernel")
    print(f"all notebooks: {kept_total:g} of {points_total:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
