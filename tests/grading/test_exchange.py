"""The exchange round trip on one machine, as on a JupyterHub with a shared exchange folder:
release → fetch → submit (two students, each with a home of their own) → collect → grade →
release feedback → fetch feedback. Everything is real nbgrader and the real grading command
(which collects from the exchange by itself).

The students run as the same Unix user as the instructor (the tests run as one user), so each
names itself with ``--student``, as JupyterHub's user name would; what keeps their work apart is
what keeps it apart on a hub: separate homes, hence separate nbgrader caches holding each
submission's secret, which is the only key to that submission's feedback in the exchange.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import classroom
from conftest import BIN, ROOT, make_course, run_tool, tool_env
from course.grading import nbtools

A = "01_forward_pass"
COURSE_ID = "nn-from-scratch"
STUDENTS = {"alice": {}, "bob": classroom.WRONG_RELU["answers"]}  # alice is right, bob's relu is wrong


def student_run(args: list[str], home: Path, cwd: Path) -> subprocess.CompletedProcess:
    """A command as a student: their own HOME (config, nbgrader's cache), their own folder."""
    env = {k: v for k, v in tool_env().items() if not k.startswith("JUPYTER")}
    env["HOME"] = str(home)
    proc = subprocess.run([str(BIN / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, f"{home.name}: {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def make_student(tmp: Path, student: str, exchange: Path) -> tuple[Path, Path]:
    """A student's home, configured as a hub configures every user (course id, exchange folder)."""
    home = tmp / f"home-{student}"
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n")
    work = home / "work"
    work.mkdir()
    return home, work


def fetch_solve_submit(student: str, home: Path, work: Path) -> None:
    student_run(["nbgrader", "fetch_assignment", A], home, work)
    path = work / A / nbtools.notebook_path(A).name
    fetched = nbtools.read(path)
    nbtools.write(nbtools.fill_solutions(fetched, nbtools.read(nbtools.notebook_path(A)), STUDENTS[student]), path)
    student_run(["nbgrader", "submit", A, f"--student={student}"], home, work)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exchange_round_trip")
    course, exchange = make_course(tmp / "course"), tmp / "exchange"
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\n# A local exchange (tests/grading/test_exchange.py).\nc.Exchange.root = {str(exchange)!r}\n"
                f"c.CourseDirectory.course_id = {COURSE_ID!r}\n")
    # Instructor: release the student version (the repository's release/, which nbgrader generated
    # and tests/grading/test_release_sync.py keeps in step with source/; grading registers it).
    shutil.copytree(ROOT / "release" / A, course / "release" / A)
    run_tool(["nbgrader", "release_assignment", A], cwd=course)
    # Students, side by side: fetch, work, submit.
    homes = {s: make_student(tmp, s, exchange) for s in STUDENTS}
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda s: fetch_solve_submit(s, *homes[s]), STUDENTS))
    inbound = sorted(p.name.split("+")[0] for p in (exchange / COURSE_ID / "inbound").iterdir())
    # Instructor: the grading command collects by itself, then grades; then release the feedback.
    graded = run_tool(["python", "-m", "course.grading", "grade", A, "--no-report"], cwd=course)
    released = run_tool(["nbgrader", "release_feedback", A], cwd=course)
    # Students: fetch their feedback.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda s: student_run(["nbgrader", "fetch_feedback", A, f"--student={s}"], *homes[s]), STUDENTS))
    return {"course": course, "exchange": exchange, "homes": homes, "inbound": inbound,
            "log": classroom.report(graded) + classroom.report(released)}


def test_submissions_reach_the_exchange_and_are_collected_by_the_grading_command(round_trip):
    course = round_trip["course"]
    assert round_trip["inbound"] == sorted(STUDENTS)
    for student in STUDENTS:
        folder = course / "submitted" / student / A
        assert (folder / nbtools.notebook_path(A).name).is_file(), round_trip["log"]
        assert (folder / "timestamp.txt").is_file() and (folder / "submission_secret.txt").is_file()
    expected = classroom.expected(A)
    rows = classroom.grades_csv(course)
    assert float(rows[("alice", A)]["score"]) == expected["solution"], round_trip["log"]
    assert float(rows[("bob", A)]["score"]) == expected["mistaken"], round_trip["log"]


def _fetched(round_trip, student: str) -> Path:
    _, work = round_trip["homes"][student]
    found = sorted((work / A / "feedback").glob(f"*/{nbtools.notebook_path(A).stem}.html"))
    assert len(found) == 1, f"{student} fetched {found}\n{round_trip['log']}"
    return found[0]


def test_each_student_fetches_their_own_feedback(round_trip):
    course, expected = round_trip["course"], classroom.expected(A)
    stem = nbtools.notebook_path(A).stem
    own_score = {"alice": expected["solution"], "bob": expected["mistaken"]}
    assert own_score["alice"] != own_score["bob"]
    pages = {s: _fetched(round_trip, s).read_text(encoding="utf-8") for s in STUDENTS}
    for student, other in (("alice", "bob"), ("bob", "alice")):
        page = pages[student]
        # Exactly the page the grader wrote for this student, and not the other's.
        assert page == (course / "feedback" / student / A / f"{stem}.html").read_text(encoding="utf-8")
        assert page != pages[other]
        score = re.search(r"Your score: ([\d.]+) of ([\d.]+)", page)
        assert score and float(score.group(1)) == own_score[student], page[:2000]
        assert float(score.group(2)) == classroom.max_score(A)
        assert f"Student {student}" in page and f"Student {other}" not in page
    # The exchange's feedback folder holds one page per student, each named by its submission's secret.
    assert len(list((round_trip["exchange"] / COURSE_ID / "feedback").glob("*.html"))) == len(STUDENTS)
