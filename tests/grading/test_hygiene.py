"""Source notebooks are committed clean, with valid nbgrader metadata and honest point totals."""
from __future__ import annotations

import re

import pytest

from course.grading import nbtools
from conftest import ASSIGNMENTS, GRADED

ALLOWED_KEYS = {"schema_version", "grade", "solution", "locked", "task", "grade_id", "points", "checksum", "cell_type"}
POINTS_HEADING = re.compile(r"^(#+)\s.*\((\d+(?:\.\d+)?) points?[,)]", re.MULTILINE)
TOTAL_ROW = re.compile(r"\*\*total\*\*\s*\|\s*\*\*(\d+(?:\.\d+)?)\*\*")


def test_there_are_assignments():
    assert nbtools.graded_assignments()[0] == "01_forward_pass"
    assert ASSIGNMENTS, "COURSE_ASSIGNMENTS names no assignment"


@pytest.fixture(params=ASSIGNMENTS)
def source_nb(request):
    return request.param, nbtools.read(nbtools.notebook_path(request.param))


def test_no_outputs_or_execution_counts(source_nb):
    name, nb = source_nb
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{name}: cells {dirty} carry outputs or execution counts; clear them before committing"


def test_one_python_kernelspec(source_nb):
    name, nb = source_nb
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3", f"{name}: kernelspec must be python3"


def test_nbgrader_metadata_is_schema_3(source_nb):
    name, nb = source_nb
    ids = []
    for i, cell in enumerate(nb["cells"]):
        meta = nbtools.nbgrader_meta(cell)
        if not meta:
            continue
        where = f"{name} cell {i}"
        assert meta.get("schema_version") == 3, f"{where}: schema_version must be 3"
        assert set(meta) <= ALLOWED_KEYS, f"{where}: unknown nbgrader keys {set(meta) - ALLOWED_KEYS}"
        if meta.get("grade") or meta.get("solution") or meta.get("locked"):
            gid = meta.get("grade_id", "")
            assert re.fullmatch(r"[A-Za-z0-9_\-]+", gid), f"{where}: bad grade_id {gid!r}"
            ids.append(gid)
        if meta.get("grade"):
            assert isinstance(meta.get("points"), (int, float)) and meta["points"] > 0, f"{where}: grade cell needs points"
        if meta.get("solution") and cell["cell_type"] == "code":
            assert "### BEGIN SOLUTION" in nbtools.source_text(cell), f"{where}: answer cell without a solution region"
        if "BEGIN HIDDEN TESTS" in nbtools.source_text(cell):
            assert meta.get("grade") and not meta.get("solution"), f"{where}: hidden tests outside a test cell"
    assert len(ids) == len(set(ids)), f"{name}: duplicate grade_ids {sorted(g for g in ids if ids.count(g) > 1)}"


def test_test_cells_say_what_they_check(source_nb):
    name, nb = source_nb
    for cell in nb["cells"]:
        if nbtools.is_autograded_test(cell):
            first = nbtools.source_text(cell).lstrip().splitlines()[0]
            assert first.startswith('"""'), f"{name} {nbtools.nbgrader_meta(cell)['grade_id']}: start with a one-line docstring"


@pytest.mark.parametrize("name", GRADED)
def test_points_in_headings_add_up(name):
    """Each '(N points)' heading equals the points of the graded cells up to the next such heading,
    and the points table's total equals all the points in the notebook."""
    nb = nbtools.read(nbtools.notebook_path(name))
    parts: list[list] = []  # [heading text, claimed, found]
    total = 0
    claimed_total = None
    for cell in nb["cells"]:
        text = nbtools.source_text(cell)
        if cell["cell_type"] == "markdown":
            m = TOTAL_ROW.search(text)
            if m:
                claimed_total = float(m.group(1))
            for heading in POINTS_HEADING.finditer(text):
                parts.append([heading.group(0), float(heading.group(2)), 0])
        meta = nbtools.nbgrader_meta(cell)
        if meta.get("grade"):
            total += meta["points"]
            assert parts, f"{name}: graded cell {meta['grade_id']} comes before any '(N points)' heading"
            parts[-1][2] += meta["points"]
    assert parts, f"{name}: no '(N points)' headings"
    for heading, claimed, found in parts:
        assert claimed == found, f"{name}: '{heading}' claims {claimed} points, its cells give {found}"
    assert claimed_total == total, f"{name}: the points table says {claimed_total}, the cells give {total}"


def test_release_has_no_solutions_or_hidden_tests():
    for assignment in ASSIGNMENTS:
        text = nbtools.notebook_path(assignment, nbtools.RELEASE).read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "END MARK SCHEME"):
            assert marker not in text, f"release/{assignment}: contains {marker!r}"
