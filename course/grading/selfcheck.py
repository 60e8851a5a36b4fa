"""A self-learner's check: grade your own notebook with the full tests, hidden ones included.

    make check A=01_forward_pass          # or: python -m course.grading check 01_forward_pass

The notebook (``release/<assignment>/*.ipynb`` by default) is graded exactly as an instructor's
``python -m course.grading grade`` would grade it (the same code, in the same sandbox where one is
available), in a temporary course so that your repository's gradebook is left alone. The score, per
exercise with each failed check's message, is printed, and the feedback page is saved to
``feedback/me/<assignment>/``.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import classgrade, nbtools

STUDENT = "me"


@dataclass
class CheckResult:
    row: classgrade.Row
    feedback: Path | None
    log: list[str]

    def text(self) -> str:
        r = self.row
        lines = [f"{r.assignment}: {r.score:g} / {r.max_score:g} points ({r.status})"]
        if r.reason:
            lines.append(f"  {r.reason}")
        exercise = None
        for cell in r.cells:
            if cell["exercise"] != exercise:
                exercise = cell["exercise"]
                lines.append(f"\n{exercise}")
            mark = {"passed": "ok  ", "failed": "FAIL", "not run": "----", "held": "HELD"}.get(cell["status"], "    ")
            lines.append(f"  {mark} {cell['points']:g}/{cell['max_points']:g}  {cell['title']}"
                         + ("  (graded by a person)" if cell["kind"] == "written" else ""))
            for message in cell["messages"]:
                lines.extend("         " + line for line in message.splitlines()[:12])
        if self.feedback:
            lines.append(f"\nFeedback page: {self.feedback}")
        return "\n".join(lines)


def check(assignment: str, course: Path = Path("."), notebook: Path | None = None, **limits) -> CheckResult:
    course = course.resolve()
    notebook = Path(notebook) if notebook else nbtools.notebook_path(assignment, course / "release")
    log: list[str] = []
    with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
        scratch = Path(tmp)
        shutil.copytree(course / "source" / assignment, scratch / "source" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for name in ("nbgrader_config.py", "grader_config.py"):
            if (course / name).exists():
                shutil.copy(course / name, scratch / name)
        # a gradebook and exchange of the scratch course's own, whatever the course's config says
        # (a shared PostgreSQL gradebook must not gain a student "me")
        if not (scratch / "nbgrader_config.py").exists():
            (scratch / "nbgrader_config.py").write_text("c = get_config()  # noqa: F821\n")
        with open(scratch / "nbgrader_config.py", "a", encoding="utf-8") as f:
            f.write(f"\nc.CourseDirectory.db_url = {('sqlite:///' + str(scratch / 'gradebook.db'))!r}\n"
                    f"c.Exchange.root = {str(scratch / 'exchange')!r}\n")
        name = nbtools.notebook_path(assignment, scratch / "source").name
        target = scratch / "submitted" / STUDENT / assignment / name
        target.parent.mkdir(parents=True)
        shutil.copy(notebook, target)
        rows = classgrade.grade(assignment, scratch, students=[STUDENT], regrade=True, collect_first=False,
                                report=False, workers=1, log=log.append, **limits)
        feedback = None
        made = scratch / "feedback" / STUDENT / assignment
        if made.is_dir():
            dest = course / "feedback" / STUDENT / assignment
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(made, dest)
            feedback = next(iter(sorted(dest.glob("*.html"))), None)
    return CheckResult(rows[0], feedback, log)
