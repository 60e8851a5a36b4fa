"""Autograde end to end with real nbgrader, in a temporary course, for a simulated class.

For every assignment: the reference solutions score every auto-graded point, the untouched
release scores zero on every test cell (so no test passes on a stub), and each simulated
student with typical mistakes (tests/mistakes/<assignment>.py) loses exactly the points of the
functions it got wrong. For 01 the class also holds hostile submissions: an infinite loop, a
deleted test cell, tampered test cells, a kernel that dies and a file that is not a notebook;
each is graded (zero, with a reason, where nbgrader cannot grade it) and none stops the rest of
the class being graded (course.grading). Then feedback and the grades export run on the results.
"""
from __future__ import annotations

import csv
import os
import runpy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from course.grading import nbtools
from conftest import GRADED, ROOT, make_course, run_tool

MISTAKES = ROOT / "tests" / "mistakes"
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
    tamperer = nbtools.fill_solutions(release_nb, source_nb)
    tamperer["cells"] = [dict(c) for c in release_nb["cells"]]
    for cell in tamperer["cells"]:
        if nbtools.is_autograded_test(cell):
            cell["source"] = 'print("all good")\n'
    # A kernel that dies takes nbgrader's output for that student with it.
    exiter = nbtools.fill_solutions(release_nb, source_nb, {"relu": "import os\nos._exit(1)\n"})
    return {"looper": looper, "deleter": deleter, "tamperer": tamperer, "exiter": exiter,
            "garbled": "{ this is not a notebook"}


def _scores(course: Path, assignment: str, student: str) -> dict[str, tuple[float | None, float]]:
    from nbgrader.api import Gradebook, MissingEntry

    notebook_id = nbtools.notebook_path(assignment).stem
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            nb = gb.find_submission_notebook(notebook_id, assignment, student)
        except MissingEntry:
            return {}
        return {g.name: (g.manual_score if g.manual_score is not None else g.auto_score, g.max_score)
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
    }
    for student, spec in mistake_students(assignment).items():
        submissions[student] = nbtools.fill_solutions(release_nb, source_nb, spec["answers"])
    extra = []
    if assignment == HOSTILE_ASSIGNMENT:
        submissions.update(hostile_submissions(release_nb, source_nb))
        # Cells of 01 run in well under a second; a short limit keeps the looper quick.
        extra = ["--ExecutePreprocessor.timeout=8"]
    for student, nb in submissions.items():
        path = course / "submitted" / student / assignment / name
        if isinstance(nb, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(nb)
        else:
            nbtools.write(nb, path)
    # The class is graded by course.grading: one real `nbgrader autograde` run for everyone,
    # then zero with a reason for any submission nbgrader could not grade.
    proc = run_tool(["python", "-m", "course.grading", assignment, *extra], cwd=course)
    feedback = run_tool(["nbgrader", "generate_feedback", assignment, "--force"], cwd=course, check=False)
    run_tool(["nbgrader", "export", "--to", str(course / "grades.csv")], cwd=course)
    return {"course": course, "proc": proc, "feedback": feedback, "students": set(submissions),
            "scores": {s: _scores(course, assignment, s) for s in submissions}}


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
    scores = results[assignment]["scores"]["importer"]
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
        scores = results[assignment]["scores"][student]
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
    # Tampered tests are restored from the gradebook and fail on the stubs.
    assert all(scores["tamperer"][g][0] == 0 for g in tests), scores["tamperer"]
    # The corrupt file and the dying kernel are graded zero, with the reason in the gradebook,
    # and everyone else in the same run is graded as usual.
    summary = {line.split()[0]: line for line in r["proc"].stdout.splitlines() if line.strip()}
    for student, why in (("garbled", "not a valid Jupyter notebook"), ("exiter", "kernel died")):
        assert scores[student] and all(score == 0 for score, _ in scores[student].values()), scores[student]
        assert why in summary[student], summary[student]
        assert why in _comments(course, HOSTILE_ASSIGNMENT, student)
    graded_normally = {s for s, line in summary.items() if "graded zero" not in line}
    assert graded_normally == r["students"] - {"garbled", "exiter"}, summary
    assert all(scores[s] for s in graded_normally)


def test_feedback_and_export(graded):
    _, results = graded
    for assignment in GRADED:
        r = results[assignment]
        stem = nbtools.notebook_path(assignment).stem
        html = r["course"] / "feedback" / "solution" / assignment / f"{stem}.html"
        assert html.exists(), f"no feedback for {assignment}:\n{r['feedback'].stderr[-2000:]}"
        # a student with mistakes sees the failing check's message in the feedback
        mistaken = sorted(mistake_students(assignment))[0]
        text = (r["course"] / "feedback" / mistaken / assignment / f"{stem}.html").read_text(encoding="utf-8")
        assert "AssertionError" in text, f"{assignment}/{mistaken}: feedback does not show the failed checks"
        with open(r["course"] / "grades.csv", newline="") as f:
            by_student = {row["student_id"]: row for row in csv.DictReader(f) if row["assignment"] == assignment}
        source = nbtools.read(nbtools.notebook_path(assignment))
        auto_points = sum(nbtools.nbgrader_meta(c)["points"] for c in source["cells"] if nbtools.is_autograded_test(c))
        assert float(by_student["solution"]["raw_score"]) == auto_points
        assert float(by_student["untouched"]["raw_score"]) == 0.0
        assert set(by_student) == r["students"], "the export must list every student, graded or not"
