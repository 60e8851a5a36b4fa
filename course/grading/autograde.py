"""Grade a whole class with nbgrader, so that no submission is left without a grade, and none
keeps points it got by tampering with the grading.

nbgrader on its own leaves some submissions ungraded: a file that is not a notebook, or a
notebook whose kernel dies (``os._exit``, running out of memory), ends with an empty grade and
a traceback in the log. This tool runs the real ``nbgrader autograde`` for the class, then
gives every such submission zero with the reason written into the gradebook (as the comment
on each of its cells, where the formgrader and the feedback show it), and prints one line
per student. Every submission is also scanned for code that tampers with grading
(:mod:`course.grading.integrity`): a flagged one is held at zero, its cells marked as needing a
manual grade, with the reasons in the comments, for an instructor to review (the automatic
scores stay in the gradebook). The students' submitted files are never changed.

From the course directory (the repository root):

    python -m course.grading 01_forward_pass              # the whole class
    python -m course.grading 01_forward_pass --student me # one student: every cell's score

The assignment is registered in the gradebook first (``nbgrader generate_assignment`` into a
scratch folder), so this also works on a fresh clone, and never overwrites ``release/``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import integrity, nbtools


@dataclass
class Result:
    student: str
    score: float
    max_score: float
    reason: str = ""  # empty when nbgrader graded the submission normally
    flags: tuple[str, ...] = ()  # why the submission is held for review (empty when it is not)


def _nbgrader(args: list[str], course: Path) -> subprocess.CompletedProcess:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    exe = shutil.which("nbgrader", path=env["PATH"]) or "nbgrader"
    return subprocess.run([exe, *args], cwd=course, env=env, capture_output=True, text=True)


def problem_with(path: Path) -> str:
    """Why a submitted file cannot be graded as a notebook ('' when it can)."""
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # any parse or schema error means: not a notebook we can run
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"the submitted file is not a valid Jupyter notebook ({first_line[:200]})"
    return ""


def register(assignment: str, course: Path) -> dict:
    """Put the assignment and its grade cells in the gradebook, leaving release/ alone.

    Returns the student version nbgrader generated (to compare submissions with)."""
    with tempfile.TemporaryDirectory() as scratch:
        proc = _nbgrader(["generate_assignment", assignment, "--force",
                          f"--CourseDirectory.release_directory={scratch}"], course)
        if proc.returncode != 0:
            raise SystemExit(f"nbgrader could not register {assignment}:\n{proc.stderr[-3000:]}")
        return nbtools.read(nbtools.notebook_path(assignment, Path(scratch)))


def tampering(notebooks: list[Path], release: dict, source: dict) -> tuple[str, ...]:
    """Why a student's notebooks are held for review (see course.grading.integrity)."""
    reasons = []
    for path in notebooks:
        try:
            reasons += integrity.scan_notebook(nbtools.read(path), release, source)
        except Exception as error:  # unreadable: graded zero for that reason elsewhere
            reasons.append(f"could not be scanned ({type(error).__name__})")
    return tuple(reasons)


def grade(assignment: str, course: Path, students: list[str] | None = None,
          extra_args: list[str] = ()) -> list[Result]:
    """Autograde ``assignment`` for ``students`` (default: everyone in submitted/)."""
    from nbgrader.api import Gradebook, MissingEntry

    course = course.resolve()
    submitted = course / "submitted"
    if students is None:
        students = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())
    release = register(assignment, course)
    source = nbtools.read(nbtools.notebook_path(assignment, course / "source"))

    reasons: dict[str, str] = {}
    flags: dict[str, tuple[str, ...]] = {}
    for student in students:
        notebooks = sorted((submitted / student / assignment).glob("*.ipynb"))
        if not notebooks:
            reasons[student] = "no notebook was submitted"
        for path in notebooks:
            reasons[student] = reasons.get(student) or problem_with(path)
        if not reasons.get(student):
            flags[student] = tampering(notebooks, release, source)

    # One nbgrader run for the whole class; one per student when grading only some of them.
    everyone = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())
    base = ["autograde", assignment, "--force", *extra_args]
    runs = [base] if students == everyone else [base + [f"--student={s}"] for s in students]
    log = ""
    for args in runs:
        proc = _nbgrader(args, course)
        log += proc.stdout + proc.stderr

    results = []
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(db_url) as gb:
        for student in students:
            autograded = course / "autograded" / student / assignment
            reason = reasons.get(student, "")
            if not reason and not autograded.is_dir():
                died = f"for student '{student}'" in log and "Kernel died" in log
                reason = ("the kernel died while running the notebook (does the code call exit(), "
                          "or use too much memory?)" if died else
                          "nbgrader could not run the notebook; see the autograde log")
            gb.update_or_create_student(student)
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                submission = gb.add_submission(assignment, student)
            if reason:
                for nb in submission.notebooks:
                    for g in nb.grades:
                        g.manual_score = 0.0
                    for c in nb.comments:
                        c.manual_comment = f"Graded zero: {reason}."
                gb.db.commit()
            elif flags.get(student):
                held = "; ".join(flags[student][:80]) + (f"; and {len(flags[student]) - 80} more" if len(flags[student]) > 80 else "")
                for nb in submission.notebooks:
                    for g in nb.grades:
                        if g.auto_score is not None:  # keep the automatic score; hold the grade at zero
                            g.manual_score = 0.0
                            g.needs_manual_grade = True
                    for c in nb.comments:
                        c.manual_comment = (f"Held at zero for review: code in this notebook may tamper with "
                                            f"grading ({held}). An instructor will look at it.")
                gb.db.commit()
            results.append(Result(student, float(submission.score), float(submission.max_score), reason,
                                  flags.get(student, ())))
    return results


def cell_scores(assignment: str, student: str, course: Path) -> list[tuple[str, float | None, float]]:
    """(grade_id, score, max) for every graded cell of a student's submission."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.resolve() / 'gradebook.db'}") as gb:
        submission = gb.find_submission(assignment, student)
        return [(g.name, g.score if (g.auto_score is not None or g.manual_score is not None) else None, g.max_score)
                for nb in submission.notebooks for g in nb.grades]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.grading", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--course", type=Path, default=Path.cwd(), help="course directory (default: here)")
    args, extra = parser.parse_known_args(argv)
    results = grade(args.assignment, args.course, args.student, extra)
    width = max([len(r.student) for r in results] + [7])
    for r in results:
        status = (f"graded zero: {r.reason}" if r.reason else
                  f"held at zero for review: {r.flags[0]}" + (f" (+{len(r.flags) - 1} more)" if len(r.flags) > 1 else "")
                  if r.flags else "graded")
        print(f"{r.student:<{width}}  {r.score:5.1f} / {r.max_score:<5.1f}  {status}")
    if len(results) == 1 and not results[0].reason:
        print("\nper cell (a written answer waits for a person to grade it and shows '-' until then):")
        for name, score, max_score in cell_scores(args.assignment, results[0].student, args.course):
            shown = "-" if score is None else f"{score:g}"
            print(f"  {name:<28} {shown:>4} / {max_score:g}")
    return 0




