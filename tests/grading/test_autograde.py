"""Autograde end to end with real nbgrader, in a temporary course, for a simulated class.

For every assignment: the reference solutions score every auto-graded point, the untouched
release scores zero on every test cell (so no test passes on a stub), and each simulated
student with typical mistakes (tests/notebooks/mistakes/<assignment>.py) loses exactly the points
of the functions it got wrong. A tamperer (tests/grading/hostile.py), who does no work and attacks
the checks from inside the kernel, scores zero in every notebook, both in the kernel and after the
integrity scan, which flags it for review; honest submissions are never flagged. For 01 the class
also holds other hostile submissions: an infinite loop, a deleted test cell, rewritten test cells,
a sneak whom only the scan can catch, a kernel that dies and a file that is not a notebook; each is
graded (zero, with a reason, where nbgrader cannot grade it) and none stops the rest of the class
being graded (course.grading). Then feedback and the grades export run on the results.
"""
from __future__ import annotations

import csv
import os
import runpy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import hostile
from course.grading import nbtools
from conftest import GRADED, ROOT, make_course, run_tool

MISTAKES = ROOT / "tests" / "notebooks" / "mistakes"
HOSTILE_ASSIGNMENT = "01_forward_pass"


def mistake_students(assignment: str) -> dict:
    path = MISTAKES / f"{assignment}.py"
    return runpy.run_path(str(path))["STUDENTS"] if path.exists() else {}


# A student who fills every answer cell with everything the course package offers. The package
# holds helpers and building blocks for later notebooks, never the answer to the exercise at hand,
# so this must earn nothing anywhere.
IMPORT_EVERYTHING = """
import importlib, pkgutil, course
for _info in pkgutil.iter_modules(course.__path__):
    _module = importlib.import_module("course." + _info.name)
    globals().update({_k: _v for _k, _v in vars(_module).items() if not _k.startswith("_") and callable(_v)})
"""


def importer_submission(release_nb: dict, source_nb: dict) -> dict:
    answers = [gid for gid, c in nbtools.cells_by_grade_id(source_nb).items()
               if nbtools.nbgrader_meta(c).get("solution") and c["cell_type"] == "code"]
    return nbtools.fill_solutions(release_nb, source_nb, {gid: IMPORT_EVERYTHING for gid in answers})


def hostile_submissions(release_nb: dict, source_nb: dict) -> dict[str, dict | str]:
    solved = nbtools.fill_solutions(release_nb, source_nb)
    # An answer that never returns: its test cells time out and score 0, the rest run.
    looper = nbtools.fill_solutions(release_nb, source_nb, {"sigmoid": "def sigmoid(z):\n    while True:\n        pass\n"})
    # A student deletes a test cell: it is restored, run and scored.
    deleter = dict(solved, cells=[c for c in solved["cells"]
                                  if nbtools.nbgrader_meta(c).get("grade_id") != "test_relu_values"])
    # A student with no answers rewrites every test cell to pass: the originals are restored.
    rewriter = nbtools.fill_solutions(release_nb, source_nb)
    rewriter["cells"] = [dict(c) for c in release_nb["cells"]]
    for cell in rewriter["cells"]:
        if nbtools.is_autograded_test(cell):
            cell["source"] = 'print("all good")\n'
    # A kernel that dies takes nbgrader's output for that student with it.
    exiter = nbtools.fill_solutions(release_nb, source_nb, {"relu": "import os\nos._exit(1)\n"})
    return {"looper": looper, "deleter": deleter, "rewriter": rewriter, "exiter": exiter,
            "sneak": hostile.sneak(release_nb, source_nb), "garbled": "{ this is not a notebook"}


def _scores(course: Path, assignment: str, student: str, automatic: bool = False) -> dict[str, tuple[float | None, float]]:
    """grade_id -> (score, max) of a student's cells: the final score (a manual score, where one
    was given, overrides the automatic one), or with ``automatic`` what the kernel run gave."""
    from nbgrader.api import Gradebook, MissingEntry

    notebook_id = nbtools.notebook_path(assignment).stem
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            nb = gb.find_submission_notebook(notebook_id, assignment, student)
        except MissingEntry:
            return {}
        return {g.name: (g.auto_score if automatic or g.manual_score is None else g.manual_score, g.max_score)
                for g in nb.grades}


def grade_class(assignment: str, course: Path) -> dict:
    """In its own course: generate the assignment, write every simulated submission, grade the
    class, then make feedback and export the grades, all with real nbgrader."""
    run_tool(["nbgrader", "generate_assignment", assignment, "--force"], cwd=course)
    source_nb = nbtools.read(nbtools.notebook_path(assignment))
    name = nbtools.notebook_path(assignment).name
    release_nb = nbtools.read(course / "release" / assignment / name)
    submissions: dict[str, dict | str] = {
        "solution": nbtools.fill_solutions(release_nb, source_nb),
        "untouched": release_nb,
        "importer": importer_submission(release_nb, source_nb),
        "tamperer": hostile.tamperer(release_nb, source_nb),
    }
    for student, spec in mistake_students(assignment).items():
        submissions[student] = nbtools.fill_solutions(release_nb, source_nb, spec["answers"])
    extra = []
    if assignment == HOSTILE_ASSIGNMENT:
        submissions.update(hostile_submissions(release_nb, source_nb))
        # Cells of 01 run in well under a second; a short limit keeps the looper quick.
        extra = ["--cell-timeout", "8"]
    for student, nb in submissions.items():
        path = course / "submitted" / student / assignment / name
        if isinstance(nb, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(nb)
        else:
            nbtools.write(nb, path)
    # The class is graded by the course's one command: nbgrader's autograde preprocessors, every
    # kernel sandboxed, a row for everyone (two classes are graded side by side: one worker each).
    proc = run_tool(["python", "-m", "course.grading", "grade", assignment, "--workers", "1", "--no-report", *extra],
                    cwd=course)
    # nbgrader's own export reads the gradebook our command wrote
    run_tool(["nbgrader", "export", "--to", str(course / "nbgrader_export.csv")], cwd=course)
    with open(course / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    summary = {s: f"{row['status']} -- {row['reason']}" for s, row in rows.items()}
    return {"course": course, "proc": proc, "students": set(submissions), "rows": rows,
            "summary": summary,
            "scores": {s: _scores(course, assignment, s) for s in submissions},
            "automatic": {s: _scores(course, assignment, s, automatic=True) for s in submissions}}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every assignment graded for a simulated class, each in its own temporary course, two at a
    time (autograding is serial within a course; separate gradebooks let them run side by side)."""
    courses = {a: make_course(tmp_path_factory.mktemp(f"class_{a}")) for a in GRADED}
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        futures = {a: pool.submit(grade_class, a, courses[a]) for a in GRADED}
        return None, {a: f.result() for a, f in futures.items()}


def autograded_cell_ids(assignment: str) -> set[str]:
    """grade_ids of the auto-graded test cells of an assignment's source notebook."""
    source = nbtools.read(nbtools.notebook_path(assignment))
    return {gid for gid, c in nbtools.cells_by_grade_id(source).items() if nbtools.is_autograded_test(c)}


def _comments(course: Path, assignment: str, student: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return " ".join(c.manual_comment or "" for nb in gb.find_submission(assignment, student).notebooks
                        for c in nb.comments)


@pytest.mark.parametrize("assignment", GRADED)
def test_solutions_score_every_point(graded, assignment):
    _, results = graded
    scores = results[assignment]["scores"]["solution"]
    tests = autograded_cell_ids(assignment)
    assert tests, f"{assignment} has no auto-graded test cells"
    assert tests <= set(scores), f"{assignment}: no grades for {tests - set(scores)}\n{results[assignment]['proc'].stderr[-3000:]}"
    lost = {gid: scores[gid] for gid in tests if scores[gid][0] != scores[gid][1]}
    assert not lost, f"{assignment}: the reference solutions lose points in {lost}"


@pytest.mark.parametrize("assignment", GRADED)
def test_untouched_release_scores_zero_on_every_test_cell(graded, assignment):
    _, results = graded
    scores = results[assignment]["scores"]["untouched"]
    tests = autograded_cell_ids(assignment)
    passing = {gid for gid in tests if scores.get(gid, (None, 0))[0] != 0}
    assert not passing, f"{assignment}: these test cells pass (or were not graded) on the untouched stubs: {sorted(passing)}"


@pytest.mark.parametrize("assignment", GRADED)
def test_importing_the_course_package_earns_nothing(graded, assignment):
    _, results = graded
    scores = results[assignment]["automatic"]["importer"]  # in the kernel, before the scan's hold
    tests = autograded_cell_ids(assignment)
    earned = {gid: scores[gid] for gid in tests if scores.get(gid, (None, 0))[0] != 0}
    assert not earned, f"{assignment}: answers imported from course/ earn points in {earned}"


@pytest.mark.parametrize("assignment", GRADED)
def test_mistakes_lose_exactly_their_own_points(graded, assignment):
    _, results = graded
    students = mistake_students(assignment)
    if not students:
        pytest.fail(f"tests/mistakes/{assignment}.py is missing: every assignment needs simulated mistakes")
    tests = autograded_cell_ids(assignment)
    for student, spec in students.items():
        scores = results[assignment]["automatic"][student]  # what the kernel gave, before any review hold
        failed = {gid for gid in tests if scores.get(gid, (0, 1))[0] != scores.get(gid, (0, 1))[1]}
        assert failed == set(spec["fails"]), (
            f"{assignment}/{student}: expected to fail exactly {sorted(spec['fails'])}, "
            f"failed {sorted(failed)} (unexpected: {sorted(failed - set(spec['fails']))}, "
            f"missed: {sorted(set(spec['fails']) - failed)})")


@pytest.mark.skipif(HOSTILE_ASSIGNMENT not in GRADED, reason="COURSE_ASSIGNMENTS leaves out 01_forward_pass")
def test_hostile_submissions_are_contained(graded):
    _, results = graded
    r = results[HOSTILE_ASSIGNMENT]
    course = r["course"]
    scores = r["scores"]
    tests = autograded_cell_ids(HOSTILE_ASSIGNMENT)
    # The looper loses the sigmoid cells only (mlp tests swap in a known-good sigmoid).
    looper_failed = {g for g in tests if scores["looper"][g][0] != scores["looper"][g][1]}
    assert looper_failed == {"test_sigmoid_values", "test_sigmoid_stable", "test_sigmoid_hidden"}, looper_failed
    # The deleted cell is back and scored.
    assert scores["deleter"].get("test_relu_values") == (1.0, 1.0), scores["deleter"]
    assert all(scores["deleter"][g][0] == scores["deleter"][g][1] for g in tests)
    # Rewritten tests are restored from the gradebook and fail on the stubs.
    assert all(scores["rewriter"][g][0] == 0 for g in tests), scores["rewriter"]
    # The sneak fools some checks inside the kernel, but the scan holds it at zero for review.
    assert all(scores["sneak"][g][0] == 0 for g in tests), scores["sneak"]
    assert "held at zero for review" in r["summary"]["sneak"], r["summary"]["sneak"]
    # The corrupt file is graded zero with the reason in the gradebook; the dying kernel (it also
    # imports os, so it is held for review) says so; everyone else is graded as usual.
    rows = r["rows"]
    assert rows["garbled"]["status"] == "invalid notebook" and float(rows["garbled"]["score"]) == 0, rows["garbled"]
    assert "not a valid Jupyter notebook" in rows["garbled"]["reason"]
    assert "not a valid Jupyter notebook" in _comments(course, HOSTILE_ASSIGNMENT, "garbled")
    assert "kernel died" in rows["exiter"]["reason"] and float(rows["exiter"]["score"]) == 0, rows["exiter"]
    assert all(score == 0 for score, _ in scores["exiter"].values()), scores["exiter"]
    assert set(rows) == r["students"], "every student has a row in grades.csv"
    graded_normally = {s for s, row in rows.items() if row["status"] != "invalid notebook" and "kernel died" not in row["reason"]}
    assert graded_normally == r["students"] - {"garbled", "exiter"}, r["summary"]
    for what in ("imports sys", "uses get_ipython", "uses vars"):
        assert what in _comments(course, HOSTILE_ASSIGNMENT, "sneak"), f"the review note does not name {what}"
    assert all(scores[s] for s in graded_normally)


def test_feedback_and_export(graded):
    _, results = graded
    for assignment in GRADED:
        r = results[assignment]
        stem = nbtools.notebook_path(assignment).stem
        html = r["course"] / "feedback" / "solution" / assignment / f"{stem}.html"
        assert html.exists(), f"no feedback for {assignment}:\n{r['proc'].stdout[-2000:]}"
        # a student with mistakes sees the failing check's message in the feedback
        mistaken = sorted(s for s, spec in mistake_students(assignment).items() if not spec.get("cheats"))[0]
        text = (r["course"] / "feedback" / mistaken / assignment / f"{stem}.html").read_text(encoding="utf-8")
        assert "AssertionError" in text, f"{assignment}/{mistaken}: feedback does not show the failed checks"
        with open(r["course"] / "nbgrader_export.csv", newline="") as f:
            by_student = {row["student_id"]: row for row in csv.DictReader(f) if row["assignment"] == assignment}
        source = nbtools.read(nbtools.notebook_path(assignment))
        auto_points = sum(nbtools.nbgrader_meta(c)["points"] for c in source["cells"] if nbtools.is_autograded_test(c))
        assert float(by_student["solution"]["raw_score"]) == auto_points
        assert float(by_student["untouched"]["raw_score"]) == 0.0
        assert set(by_student) == r["students"], "the export must list every student, graded or not"


@pytest.mark.parametrize("assignment", GRADED)
def test_tamperer_scores_zero_in_the_kernel_and_is_held_for_review(graded, assignment):
    _, results = graded
    r = results[assignment]
    tests = autograded_cell_ids(assignment)
    in_kernel = {g: r["automatic"]["tamperer"].get(g) for g in tests if r["automatic"]["tamperer"].get(g, (0, 0))[0] != 0}
    assert not in_kernel, f"{assignment}: the tamperer beats these checks inside the kernel: {in_kernel}"
    final = {g: r["scores"]["tamperer"].get(g) for g in tests if r["scores"]["tamperer"].get(g, (0, 0))[0] != 0}
    assert not final, f"{assignment}: the tamperer keeps points in {final}"
    line = r["summary"]["tamperer"]
    assert "held at zero for review" in line, line
    for what in ("np.allclose", "get_ipython", "subclasses str"):
        assert what in _comments(r["course"], assignment, "tamperer"), f"{assignment}: the review note does not name {what}"


@pytest.mark.parametrize("assignment", GRADED)
def test_honest_submissions_are_not_flagged(graded, assignment):
    _, results = graded
    summary = results[assignment]["summary"]
    # mistakes marked "cheats" are built to fool the checks: the scan may hold them for review too
    honest = {"solution", "untouched"} | {s for s, spec in mistake_students(assignment).items() if not spec.get("cheats")}
    flagged = {s: summary[s] for s in honest if "review" in summary[s]}
    assert not flagged, f"{assignment}: honest submissions held for review: {flagged}"
    assert "held at zero for review" in summary["importer"], "importing everything from course/ is flagged"


@pytest.mark.parametrize("assignment", GRADED)
def test_cheats_the_kernel_cannot_stop_are_held_at_zero(graded, assignment):
    """Some cheats get past the checks inside the kernel (no in-kernel defence can stop a cell
    being rewritten before it runs, or the checks module being swapped in sys.modules): the
    mistakes files mark them "held". The scan must hold each at zero for review."""
    _, results = graded
    r = results[assignment]
    for student, spec in mistake_students(assignment).items():
        if spec.get("held"):
            assert "held at zero for review" in r["summary"][student], r["summary"][student]
            assert all(score == 0 for score, _ in r["scores"][student].values()), r["scores"][student]
