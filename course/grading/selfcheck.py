"""A self-learner's check: grade your own notebook with the full tests, hidden ones included.

    make check A=01_forward_pass          # or: python -m course.grading check 01_forward_pass
    check_my_work()                       # in the notebook's last cell (course.grading.in_notebook)

The notebook (``release/<assignment>/*.ipynb`` by default) is graded exactly as an instructor's
``python -m course.grading grade`` would grade it (the same code, in the same sandbox where one is
available), in a temporary course so that your repository's gradebook is left alone. The score, per
exercise with each failed check's message, is printed, and the feedback page is saved to
``feedback/me/<assignment>/``.

``python -m course.grading.selfcheck ASSIGNMENT --course C --notebook N --json OUT`` is what the
notebook's last cell runs: the same :func:`check`, with its progress on stdout, one line at a time,
and the result in ``OUT``.
"""
from __future__ import annotations

import argparse
import fnmatch
import html
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import nbtools

if TYPE_CHECKING:  # the kernel side reads only the dict: no grading machinery imported for it
    from . import classgrade

STUDENT = "me"
# Files beside the notebook that travel with it, as `nbgrader submit` sends the whole folder
# (hints_used.json, say); none bigger than this.
MAX_SIDE_FILE_BYTES = 5 * 1024**2
SHOWN_MESSAGE_LINES = 12
LEFT = ' style="text-align:left"'  # JupyterLab right-aligns table cells in outputs


@dataclass
class CheckResult:
    row: classgrade.Row
    feedback: Path | None
    log: list[str]

    def as_dict(self) -> dict:
        return {"row": self.row.as_dict(), "feedback": str(self.feedback) if self.feedback else None}

    def text(self) -> str:
        return report_text(self.as_dict())


def check(assignment: str, course: Path = Path("."), notebook: Path | None = None, log=None, **limits) -> CheckResult:
    """Grade ``notebook`` (default: ``release/<assignment>/*.ipynb``) as the instructor's class
    grading would, in a scratch course; ``log`` gets the grader's progress lines as they come."""
    from . import classgrade

    course = course.resolve()
    notebook = Path(notebook) if notebook else nbtools.notebook_path(assignment, course / "release")
    lines: list[str] = []

    def note(line: str) -> None:
        lines.append(line)
        if log is not None:
            log(line)

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
        _copy_side_files(notebook.parent, target.parent)
        rows = classgrade.grade(assignment, scratch, students=[STUDENT], regrade=True, collect_first=False,
                                report=False, workers=1, log=note, **limits)
        feedback = None
        made = scratch / "feedback" / STUDENT / assignment
        if made.is_dir():
            dest = course / "feedback" / STUDENT / assignment
            dest.mkdir(parents=True, exist_ok=True)
            for page in made.iterdir():  # file by file, each replaced whole: two checks at once both finish
                if page.is_file():
                    partial = dest / f".{page.name}.{os.getpid()}.tmp"
                    shutil.copy(page, partial)
                    os.replace(partial, dest / page.name)
            feedback = next(iter(sorted(dest.glob("*.html"))), None)
    return CheckResult(rows[0], feedback, lines)


def _copy_side_files(folder: Path, dest: Path) -> None:
    """The small plain files beside the notebook (not other notebooks, not what nbgrader ignores)."""
    ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store"]
    for path in folder.iterdir():
        if (path.suffix == ".ipynb" or any(fnmatch.fnmatch(path.name, p) for p in ignore)
                or path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_SIDE_FILE_BYTES):
            continue
        shutil.copy(path, dest / path.name)


# --------------------------------------------------------------------------- the report
def _exercises(cells: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: list[tuple[str, list[dict]]] = []
    for cell in cells:
        if not groups or groups[-1][0] != cell["exercise"]:
            groups.append((cell["exercise"], []))
        groups[-1][1].append(cell)
    return groups


def _written_points(row: dict) -> float:
    return sum(c["max_points"] for c in row["cells"] if c["kind"] == "written" and c["status"] != "graded")


def report_text(data: dict) -> str:
    """The result as plain text: the score, then per exercise each check with the message of each failed one."""
    r = data["row"]
    lines = [f"{r['assignment']}: {r['score']:g} / {r['max_score']:g} points ({r['status']})"]
    if r["reason"]:
        lines.append(f"  {r['reason']}")
    written = _written_points(r)
    if written:
        lines.append(f"  ({written:g} of the points are for written answers, which a person grades: they count 0 here)")
    for exercise, group in _exercises(r["cells"]):
        lines.append(f"\n{exercise}")
        for cell in group:
            mark = {"passed": "ok  ", "failed": "FAIL", "not run": "----", "held": "HELD"}.get(cell["status"], "    ")
            lines.append(f"  {mark} {cell['points']:g}/{cell['max_points']:g}  {cell['title']}"
                         + ("  (graded by a person)" if cell["kind"] == "written" else ""))
            for message in cell["messages"]:
                lines.extend("         " + line for line in message.splitlines()[:SHOWN_MESSAGE_LINES])
    if r.get("sandbox"):
        lines.append(f"\nSandbox: {r['sandbox']}")
    if data.get("feedback"):
        lines.append(f"Feedback page: {data['feedback']}")
    return "\n".join(lines)


def report_html(data: dict, feedback_href: str | None = None, feedback_label: str | None = None) -> str:
    """The result as HTML for a notebook output: the score, a table of exercises, then each failed
    check with its message. Symbols and words, never colour alone, say passed or failed."""
    from .feedback import CHECK_RESULT, STUDENT_STATUS, esc, points

    r = data["row"]
    status, meaning = STUDENT_STATUS.get(r["status"], (r["status"].capitalize(), ""))
    parts = [f"<h3>Score: {points(r['score'])} / {points(r['max_score'])} points</h3>"]
    if r["status"] != "graded":
        parts.append(f"<p><strong>{esc(status)}:</strong> {esc(meaning)}</p>")
    if r["reason"]:
        parts.append(f"<p>{esc(r['reason'])}</p>")
    written = _written_points(r)
    if written:
        parts.append(f"<p>{points(written)} of the points are for written answers, which a person grades: "
                     "they count 0 here.</p>")
    rows = []
    for exercise, group in _exercises(r["cells"]):
        tests = [c for c in group if c["kind"] == "test"]
        failed = [c for c in tests if c["status"] != "passed"]
        if not tests:
            summary = "graded by a person"
        elif failed:
            summary = f"✗ {len(failed)} of {len(tests)} check{'s' if len(tests) > 1 else ''} failed"
        else:
            summary = f"✓ {'all ' if len(tests) > 1 else ''}{len(tests)} passed"
        got = sum(c["points"] for c in group)
        full = sum(c["max_points"] for c in group)
        rows.append(f"<tr><td{LEFT}><code>{esc(exercise)}</code></td><td>{points(got)} / {points(full)}</td>"
                    f"<td{LEFT}>{esc(summary)}</td></tr>")
    parts.append(f"<table><caption>Points per exercise</caption><thead><tr><th{LEFT}>Exercise</th><th>Points</th>"
                 f"<th{LEFT}>Checks</th></tr></thead>"
                 f"<tbody>{''.join(rows)}</tbody></table>")
    failures = []
    for exercise, group in _exercises(r["cells"]):
        items = []
        for c in group:
            if c["kind"] != "test" or c["status"] == "passed":
                continue
            symbol, word = CHECK_RESULT.get(c["status"], ("", c["status"]))
            said = "".join(f'<pre style="white-space:pre-wrap">{esc(chr(10).join(m.splitlines()[:SHOWN_MESSAGE_LINES]))}'
                           "</pre>" for m in c["messages"])
            items.append(f"<li>{symbol} <strong>{esc(word)}</strong> ({points(c['points'])} / "
                         f"{points(c['max_points'])}): {esc(c['title'])}{said}</li>")
        if items:
            failures.append(f"<h4><code>{esc(exercise)}</code></h4><ul>{''.join(items)}</ul>")
    if failures:
        parts.append("<h4>What to fix</h4>" + "".join(failures))
    elif r["status"] == "graded":
        parts.append("<p>✓ Every automatic check passed, hidden ones included.</p>")
    if data.get("feedback"):
        shown = html.escape(feedback_label or data["feedback"])
        link = (f'<a href="{html.escape(feedback_href)}" target="_blank">{shown}</a>' if feedback_href
                else f"<code>{shown}</code>")
        parts.append(f"<p>Feedback page (the same, with your answers): {link}</p>")
    if r.get("sandbox"):
        parts.append(f"<p>Your notebook ran in a fresh kernel; sandbox: {esc(r['sandbox'])}.</p>")
    return "\n".join(parts)


# --------------------------------------------------------------------------- for the notebook's last cell
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.grading.selfcheck",
                                     description="Check a notebook with the full tests (what check_my_work() runs).")
    parser.add_argument("assignment")
    parser.add_argument("--course", type=Path, default=Path.cwd())
    parser.add_argument("--notebook", type=Path)
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args(argv)
    sys.modules.setdefault("rfc3987_syntax", None)  # as in cli.py: two seconds of imports nobody needs
    result = check(args.assignment, args.course, notebook=args.notebook, log=lambda line: print(line, flush=True))
    args.json.write_text(json.dumps(result.as_dict()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
