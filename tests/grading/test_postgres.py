"""The gradebook in PostgreSQL (``CourseDirectory.db_url``), as concurrent graders need it.

A real PostgreSQL server (Debian's binaries, tests/pg.py) is started for this module and stopped
after it. A temporary course points its gradebook there. Two graders then grade two assignments
of the same class at the same moment, each with the one command, against that one gradebook; the
scores are read back from PostgreSQL with nbgrader's own Gradebook API and from grades.csv.
"""
from __future__ import annotations

import subprocess

import pytest

import classroom
import pg
from conftest import BIN, make_course, run_tool, tool_env

A, B = "01_forward_pass", "02_loss_functions"


@pytest.fixture(scope="module")
def postgres():
    with pg.Server() as server:
        yield server
    assert not server.is_running(), "the PostgreSQL server did not stop"


@pytest.fixture(scope="module")
def graded(postgres, tmp_path_factory):
    """A course with its gradebook in PostgreSQL, and A and B graded by two commands at once."""
    course = make_course(tmp_path_factory.mktemp("pg_course"))
    url = postgres.create_database("gradebook")
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\n# The gradebook in PostgreSQL (tests/grading/test_postgres.py).\nc.CourseDirectory.db_url = {url!r}\n")
    # The gradebook's tables exist before graders share it (nbgrader creates them on first use, and
    # two first uses at the same instant would race to create them).
    run_tool(["nbgrader", "db", "student", "list"], cwd=course)
    expected = {a: classroom.submit_locally(course, a) for a in (A, B)}
    procs = {a: subprocess.Popen([str(BIN / "python"), "-m", "course.grading", "grade", a, "--no-report",
                                  "--no-feedback", "--workers", "1"], cwd=course, env=tool_env(),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for a in (A, B)}
    outputs = {a: p.communicate(timeout=600) for a, p in procs.items()}
    log = "\n".join(f"--- grade {a}: exit {procs[a].returncode}\n{out[-3000:]}\n{err[-3000:]}"
                    for a, (out, err) in outputs.items())
    return {"course": course, "url": url, "expected": expected, "exit": {a: p.returncode for a, p in procs.items()},
            "log": log}


def test_a_class_is_graded_into_postgresql(graded):
    course, url, expected, log = graded["course"], graded["url"], graded["expected"][A], graded["log"]
    assert graded["exit"][A] == 0, log
    book = classroom.gradebook(url, A)
    assert {s: b["score"] for s, b in book.items()} == expected, log
    assert {b["max_score"] for b in book.values()} == {classroom.max_score(A)}
    assert classroom.failed_cells(book, "mistaken", A) == classroom.WRONG_RELU["fails"]
    rows = classroom.grades_csv(course)
    assert {s: float(r["score"]) for (s, a), r in rows.items() if a == A} == expected, log
    assert {r["status"] for (s, a), r in rows.items() if a == A} == {"graded"}, rows
    # Every nbgrader step used PostgreSQL: no SQLite gradebook appeared in the course.
    assert not (course / "gradebook.db").exists()


def test_two_graders_at_once_both_land_in_one_gradebook(graded):
    """Two instructors grade two assignments of the same students at the same moment."""
    from nbgrader.api import Gradebook

    url, expected, log = graded["url"], graded["expected"], graded["log"]
    assert graded["exit"] == {A: 0, B: 0}, log
    for a in (A, B):
        book = classroom.gradebook(url, a)
        assert {s: b["score"] for s, b in book.items()} == expected[a], f"{a}\n{log}"
    with Gradebook(url) as gb:
        assert sorted(s.id for s in gb.students) == sorted(classroom.STUDENTS)
        assert sorted(x.name for x in gb.assignments) == [A, B]
    rows = classroom.grades_csv(graded["course"])
    assert {key: float(r["score"]) for key, r in rows.items()} == {
        (s, a): score for a in (A, B) for s, score in expected[a].items()}, log
