"""The one place that knows the course layout and how to read its notebooks.

Used by the tests, the benchmarks and the grading tools; never by students' answers.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "source"
RELEASE = ROOT / "release"


def assignments() -> list[str]:
    """Names of the graded assignments (folders of source/ holding a notebook), in order."""
    return sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def graded_assignments() -> list[str]:
    """The assignments with auto-graded test cells (00_welcome, for one, has none)."""
    return [a for a in assignments() if any(is_autograded_test(c) for c in read(notebook_path(a))["cells"])]


def notebook_path(assignment: str, tree: Path = SOURCE) -> Path:
    """The notebook of an assignment (each assignment has exactly one)."""
    found = sorted((tree / assignment).glob("*.ipynb"))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one notebook in {tree / assignment}, found {len(found)}")
    return found[0]


def read(path: Path | str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write(nb: dict, path: Path | str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")


def source_text(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def nbgrader_meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def cells_by_grade_id(nb: dict) -> dict[str, dict]:
    return {nbgrader_meta(c)["grade_id"]: c for c in nb["cells"] if nbgrader_meta(c).get("grade_id")}


def is_autograded_test(cell: dict) -> bool:
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell["cell_type"] == "code"


def fill_solutions(release_nb: dict, source_nb: dict, replace: dict[str, str] | None = None) -> dict:
    """A student's submission: the release notebook with each answer cell filled in.

    Answers come from the source (the reference solutions) unless ``replace`` gives other
    code for that ``grade_id`` (to simulate a student's mistakes).
    """
    replace = replace or {}
    answers = cells_by_grade_id(source_nb)
    unknown = set(replace) - set(answers)
    if unknown:
        raise KeyError(f"no answer cells with grade_id {sorted(unknown)}")
    nb = copy.deepcopy(release_nb)
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell["cell_type"] == "code":
            gid = meta["grade_id"]
            cell["source"] = replace.get(gid, source_text(answers[gid]))
    return nb


def is_given(cell: dict) -> bool:
    """A read-only cell that hands students pieces of earlier notebooks (locked, not graded)."""
    meta = nbgrader_meta(cell)
    return cell["cell_type"] == "code" and bool(meta.get("locked")) and not meta.get("grade") and not meta.get("solution")


def solution_namespace(assignment: str) -> dict:
    """Run a source notebook's setup cell (its first code cell), its read-only given cells and
    its answer cells in a fresh namespace and return it: the reference solutions, to compare
    with independent implementations. IPython magics in the setup cell are skipped."""
    nb = read(notebook_path(assignment))
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    setup = "\n".join(line for line in source_text(code_cells[0]).splitlines() if not line.lstrip().startswith("%"))
    namespace: dict = {"__name__": f"solutions_{assignment}"}
    exec(compile(setup, f"<{assignment} setup>", "exec"), namespace)
    for cell in code_cells[1:]:
        if nbgrader_meta(cell).get("solution") or is_given(cell):
            exec(compile(source_text(cell), f"<{assignment} {nbgrader_meta(cell)['grade_id']}>", "exec"), namespace)
    return namespace
