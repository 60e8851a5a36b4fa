"""A small simulated class for the tests that grade beyond one machine (PostgreSQL, Dask, the
exchange): the reference solution, the untouched release and one student with a known mistake,
with the score each must get, worked out from the notebook rather than from the grader."""
from __future__ import annotations

import csv
import runpy
import subprocess
from pathlib import Path

from course.grading import nbtools
from conftest import ROOT

MISTAKES = ROOT / "tests" / "notebooks" / "mistakes"
# np.max(z, 0) is the largest entry along axis 0, not an elementwise max: only relu's own checks fail.
WRONG_RELU = {"answers": {"relu": "def relu(z):\n    return np.max(z, 0)\n"},
              "fails": {"test_relu_values", "test_relu_hidden"}}


STUDENTS = ("solution", "untouched", "mistaken")


def mistake(assignment: str) -> dict:
    """The mistaken student's answers and the cells they fail: a wrong relu in 01, else the first
    simulated student of tests/notebooks/mistakes/<assignment>.py."""
    if assignment == "01_forward_pass":
        return WRONG_RELU
    return next(iter(runpy.run_path(str(MISTAKES / f"{assignment}.py"))["STUDENTS"].values()))


def notebooks(assignment: str, release_nb: dict | None = None) -> dict[str, dict]:
    """student id -> the notebook that student hands in (built on the repository's release/)."""
    release_nb = release_nb or nbtools.read(nbtools.notebook_path(assignment, nbtools.RELEASE))
    source_nb = nbtools.read(nbtools.notebook_path(assignment))
    return {"solution": nbtools.fill_solutions(release_nb, source_nb), "untouched": release_nb,
            "mistaken": nbtools.fill_solutions(release_nb, source_nb, mistake(assignment)["answers"])}


def auto_points(assignment: str) -> dict[str, float]:
    """grade_id -> points of every automatically graded test cell."""
    source = nbtools.read(nbtools.notebook_path(assignment))
    return {nbtools.nbgrader_meta(c)["grade_id"]: float(nbtools.nbgrader_meta(c)["points"])
            for c in source["cells"] if nbtools.is_autograded_test(c)}


def expected(assignment: str) -> dict[str, float]:
    """student id -> automatic score (written answers await a person and count zero until then)."""
    points = auto_points(assignment)
    fails = mistake(assignment)["fails"]
    return {"solution": sum(points.values()), "untouched": 0.0,
            "mistaken": sum(p for gid, p in points.items() if gid not in fails)}


def max_score(assignment: str) -> float:
    source = nbtools.read(nbtools.notebook_path(assignment))
    return float(sum(nbtools.nbgrader_meta(c).get("points", 0) for c in source["cells"]
                     if nbtools.nbgrader_meta(c).get("grade")))


def submit_locally(course: Path, assignment: str) -> dict[str, float]:
    """Put the class's notebooks in submitted/ (as an instructor who collected them by hand), and
    return the expected scores. (The grading command registers the assignment by itself.)"""
    name = nbtools.notebook_path(assignment).name
    for student, nb in notebooks(assignment).items():
        nbtools.write(nb, course / "submitted" / student / assignment / name)
    return expected(assignment)


def gradebook(db_url: str, assignment: str) -> dict[str, dict]:
    """student id -> {"score", "max_score", "cells": {grade_id: score}} read with nbgrader's own API."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(db_url) as gb:
        for submission in gb.assignment_submissions(assignment):
            out[submission.student.id] = {
                "score": float(submission.score), "max_score": float(submission.max_score),
                "cells": {g.name: g.score for nb in submission.notebooks for g in nb.grades}}
    return out


def grades_csv(course: Path) -> dict[tuple[str, str], dict]:
    """(student_id, assignment) -> the row of grades.csv."""
    with open(course / "grades.csv", newline="", encoding="utf-8") as f:
        return {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}


def failed_cells(book: dict, student: str, assignment: str) -> set[str]:
    points = auto_points(assignment)
    return {gid for gid, p in points.items() if book[student]["cells"].get(gid) != p}


def report(proc: subprocess.CompletedProcess) -> str:
    return f"--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}"
