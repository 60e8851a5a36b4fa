"""Hints in grading: the class grader reads hints_used.json from the submission, reports the hints
per exercise (grading.json, feedback, report, a note on the answer cell in the gradebook) and, with
``c.CourseGrader.hint_cost``, takes their cost as negative extra credit that nbgrader's own export
shows. Grading again without a cost gives the points back.

One real submission of 01 (the reference solution with a wrong ``relu``), graded twice by the real
command in a temporary course; the hints record is written by the real hint buttons."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest

from course import hints
from course.grading import nbtools
from conftest import BIN, make_course, tool_env
import classroom

A = "01_forward_pass"
STUDENT = "mistaken"  # sigmoid right, relu wrong (0 of 2 points), dense_forward right
OPENED = {"sigmoid": 3, "relu": 3, "dense_forward": 1}
COST = 1.5
# Worked out by hand: sigmoid's 3 steps cost 4.5, capped at the 3 points its tests earned; relu's tests
# earned nothing, so nothing is taken; dense_forward's 1 step costs 1.5, from its first test cell (1 point)
# then its second (0.5). Taken from the cells in notebook order.
TAKEN = {"sigmoid": {"test_sigmoid_values": 1.0, "test_sigmoid_stable": 1.0, "test_sigmoid_hidden": 1.0},
         "relu": {}, "dense_forward": {"test_dense_shape": 1.0, "test_dense_values": 0.5}}


def _grade(course):
    proc = subprocess.run([str(BIN / "python"), "-m", "course.grading", "grade", A, "--no-collect",
                           "--student", STUDENT], cwd=course, env=tool_env(), capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, classroom.report(proc)
    return json.loads((course / "autograded" / STUDENT / A / "grading.json").read_text())


def _grades(course) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission(A, STUDENT)
        grades = {g.name: (g.auto_score, g.extra_credit, float(g.score)) for n in submission.notebooks for g in n.grades}
        comments = {c.name: c.manual_comment for n in submission.notebooks for c in n.comments}
        return {"score": float(submission.score), "grades": grades, "comments": comments}


def _export(course) -> dict:
    proc = subprocess.run([str(BIN / "nbgrader"), "export", "--to", "grades_export.csv"], cwd=course,
                          env=tool_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, classroom.report(proc)
    with open(course / "grades_export.csv", newline="") as f:
        return {r["student_id"]: float(r["score"]) for r in csv.DictReader(f) if r["assignment"] == A}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("hints"))
    config = course / "grader_config.py"
    assert "c.CourseGrader.hint_cost = 0" in config.read_text(), "the default cost is stated in grader_config.py"
    config.write_text(config.read_text() + f"\nc.CourseGrader.hint_cost = {COST}\n")
    name = nbtools.notebook_path(A).name
    nbtools.write(classroom.notebooks(A)[STUDENT], course / "submitted" / STUDENT / A / name)
    # the student's own folder, where the buttons note what is opened; nbgrader submit hands it in
    home = tmp_path_factory.mktemp("student") / A
    home.mkdir()
    for exercise, steps in OPENED.items():
        panel = hints.HintPanel(exercise, folder=home)
        for _ in range(steps):
            panel.button.click()
    shutil.copy(home / hints.RECORD_FILE, course / "submitted" / STUDENT / A / hints.RECORD_FILE)
    return course


def test_hints_cost_what_the_instructor_set_and_show_everywhere(course):
    full = classroom.expected(A)[STUDENT]
    taken = sum(sum(t.values()) for t in TAKEN.values())
    row = _grade(course)

    assert row["hint_cost"] == COST and row["hints_note"] == ""
    assert [(h["exercise"], h["steps"], h["of"], h["deducted"], h["cells"]) for h in row["hints"]] == [
        (e, OPENED[e], 3, sum(TAKEN[e].values()), TAKEN[e]) for e in ("sigmoid", "relu", "dense_forward")]
    assert all(len(h["times"]) == h["steps"] for h in row["hints"])
    assert row["score"] == pytest.approx(full - taken)
    cells = {c["grade_id"]: c for c in row["cells"]}
    for gid, amount in {**TAKEN["sigmoid"], **TAKEN["dense_forward"]}.items():
        assert cells[gid]["hint_deduction"] == amount
        assert cells[gid]["points"] == pytest.approx(cells[gid]["max_points"] - amount)
        assert cells[gid]["status"] == "passed", "a check that passed still says so, whatever the hints cost"
    assert cells["test_relu_values"]["status"] == "failed" and "hint_deduction" not in cells["test_relu_values"]

    # the gradebook: negative extra credit on the test cells, a note on each answer cell
    book = _grades(course)
    assert book["score"] == pytest.approx(full - taken)
    for gid, amount in {**TAKEN["sigmoid"], **TAKEN["dense_forward"]}.items():
        assert book["grades"][gid][1] == pytest.approx(-amount)
    assert book["grades"]["test_relu_values"][1] is None and book["grades"]["test_mlp_xor"][1] is None
    assert book["comments"]["sigmoid"].startswith("Hints used: 3 of 3 steps, 3 points taken at 1.5 per step.")
    assert book["comments"]["relu"].startswith("Hints used: 3 of 3 steps, no points taken.")
    assert book["comments"]["mlp_forward"] is None
    # nbgrader's own export, which a course's grade book imports
    assert _export(course)[STUDENT] == pytest.approx(full - taken)
    with open(course / "grades.csv", newline="") as f:
        assert float(next(csv.DictReader(f))["score"]) == pytest.approx(full - taken)

    page = (course / "feedback" / STUDENT / A / f"{nbtools.notebook_path(A).stem}.html").read_text()
    assert "Hints you opened" in page and "Each step you opened cost 1.5 points" in page
    assert "<td><code>sigmoid</code></td><td class=\"num\">3 of 3</td><td class=\"num\">−3</td>" in page
    assert "−0.5 for hints" in page
    report = (course / "reports" / f"{A}.html").read_text()
    assert 'id="hints-table"' in report and f"{STUDENT} (3)" in report and "1.5 points per step opened" in report


def test_without_a_cost_the_points_come_back_and_hints_are_still_reported(course):
    config = course / "grader_config.py"
    config.write_text(config.read_text() + "\nc.CourseGrader.hint_cost = 0\n")
    row = _grade(course)
    full = classroom.expected(A)[STUDENT]
    assert row["score"] == pytest.approx(full) and row["hint_cost"] == 0
    assert [(h["exercise"], h["steps"], h["deducted"]) for h in row["hints"]] == [
        ("sigmoid", 3, 0), ("relu", 3, 0), ("dense_forward", 1, 0)]
    assert not any("hint_deduction" in c for c in row["cells"])
    book = _grades(course)
    assert book["score"] == pytest.approx(full)
    assert all(extra is None for _, extra, _ in book["grades"].values()), "every deduction was given back"
    assert book["comments"]["sigmoid"] == "Hints used: 3 of 3 steps, hints cost no points. [hint deduction: none]"
    assert _export(course)[STUDENT] == pytest.approx(full)
    page = (course / "feedback" / STUDENT / A / f"{nbtools.notebook_path(A).stem}.html").read_text()
    assert "Hints cost no points in this course." in page and "for hints" not in page
