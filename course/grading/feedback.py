"""Feedback a student can use: one HTML page per student and notebook, in nbgrader's layout
(``feedback/<student>/<assignment>/<notebook>.html`` beside the submission's ``timestamp.txt``
and ``submission_secret.txt``), so ``nbgrader release_feedback`` and the lab extension serve it.

The page is built from the grading row (``autograded/<student>/<assignment>/grading.json``), not
by converting the executed notebook as ``nbgrader generate_feedback`` does: it shows each check's
title, result and diagnostic message, and the student's own answers, but never a grade cell's
code, so hidden tests stay hidden. A message that quotes grading code (student code can read
IPython's history and raise it as an error) is withheld, and so is any line of the student's own
code that matches a hidden test. Everything is escaped, and a Content-Security-Policy forbids
scripts, so a hostile student id, answer or message cannot run anything in the reader's browser.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from . import nbtools

RELEASE_FILES = ("timestamp.txt", "submission_secret.txt")  # nbgrader's release_feedback reads both
HIDDEN_MARKER = re.compile(r"(BEGIN|END)\s+HIDDEN\s+TESTS", re.IGNORECASE)
SECRET_LINE = 16  # hidden-test lines at least this long identify grading code (shorter ones are too common)
MAX_MESSAGES, MAX_MESSAGE_CHARS, MAX_ANSWER_CHARS = 5, 3000, 20000
WITHHELD = ("(This message is not shown because it quotes the grading code. Ask your instructor to "
            "go through it with you.)")
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What each status means for the student who reads the page.
STUDENT_STATUS = {
    "graded": ("Graded", "Your notebook was graded automatically."),
    "held for review": ("Held for review", "An instructor will look at your notebook before its score is final; "
                                           "until then the score shown is provisional."),
    "kernel died": ("Stopped early", "Python stopped while running your notebook, so the checks after that "
                                     "point could not run and score zero."),
    "timed out": ("Out of time", "Your notebook ran past the time limit; checks that did not finish score zero."),
    "invalid notebook": ("Not graded", "The file you submitted could not be read as a Jupyter notebook, so "
                                       "nothing in it could be run."),
    "wrong place": ("Not graded", "Your notebook was not where the grader looks for it (its name or folder "
                                  "differs from the assignment's)."),
    "error": ("Not graded", "The grader itself failed on your submission; your instructor sees this in the "
                            "grading report."),
}
# How one check's result reads, with a symbol so that colour is never the only cue.
CHECK_RESULT = {
    "passed": ("✓", "passed"), "failed": ("✗", "failed"), "not run": ("○", "not run"),
    "awaits a person": ("…", "awaits a person"), "held": ("…", "held for review"),
    "graded": ("✓", "graded by a person"),
}

BASE_CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d1d9e0; --soft:#f6f8fa; --pass:#0a5c91; --fail:#a4400a;
        --wait:#745a00; --warn-bg:#fff1e5; }
* { box-sizing: border-box; }
body { margin:0; color:var(--ink); background:#fff;
       font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; }
main { max-width:62rem; margin:0 auto; padding:2rem 1.25rem 4rem; }
h1 { font-size:1.75rem; line-height:1.25; margin:.2rem 0 .6rem; }
h2 { font-size:1.3rem; margin:2.4rem 0 .6rem; padding-bottom:.3rem; border-bottom:1px solid var(--line); }
h3 { font-size:1.1rem; margin:1.8rem 0 .5rem; }
p { margin:.4rem 0; }
.kicker, .meta, .note { color:var(--muted); font-size:.92rem; }
table { border-collapse:collapse; width:100%; margin:.6rem 0 1rem; font-size:.95rem; }
caption { text-align:left; color:var(--muted); font-size:.9rem; padding:.2rem 0 .4rem; }
th, td { text-align:left; vertical-align:top; padding:.45rem .6rem; border-bottom:1px solid var(--line); }
thead th { border-bottom:2px solid var(--ink); font-size:.85rem; text-transform:uppercase; letter-spacing:.03em; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
code, pre { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace; font-size:.88rem; }
pre { white-space:pre-wrap; overflow-wrap:anywhere; background:var(--soft); border:1px solid var(--line);
      border-radius:6px; padding:.6rem .8rem; margin:.4rem 0; }
details { margin:.6rem 0 1rem; }
summary { cursor:pointer; color:var(--pass); font-weight:600; }
.badge { display:inline-block; border:1.5px solid currentColor; border-radius:1rem; padding:0 .6rem;
         font-weight:600; font-size:.88rem; white-space:nowrap; }
.passed, .graded { color:var(--pass); } .failed { color:var(--fail); }
.not-run, .other { color:var(--muted); } .awaits, .held { color:var(--wait); }
.result { font-weight:600; white-space:nowrap; }
.visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
"""

FEEDBACK_CSS = """
.score { font-size:2.6rem; font-weight:700; line-height:1.1; margin:.2rem 0; }
.score small { font-size:1.1rem; font-weight:400; color:var(--muted); }
.status { font-size:1.05rem; }
.reason { background:var(--warn-bg); border-left:4px solid var(--fail); padding:.5rem .8rem;
          border-radius:0 6px 6px 0; }
.said { margin:.35rem 0 0; color:var(--muted); font-size:.88rem; }
.exercise h2 code { font-size:1.15rem; }
.exercise h2 .pts { font-weight:400; color:var(--muted); font-size:1rem; margin-left:.5rem; }
footer { margin-top:3rem; color:var(--muted); font-size:.88rem; border-top:1px solid var(--line); padding-top:.8rem; }
"""


# --------------------------------------------------------------------------- shared with report.py
def esc(value) -> str:
    """Text made safe for HTML: escaped, without terminal colour codes or control characters."""
    return html.escape(_CONTROL.sub("", str(value)), quote=True)


def points(x) -> str:
    """7.5 -> '7.5', 20.0 -> '20', None -> '–'."""
    try:
        return f"{float(x):g}"
    except (TypeError, ValueError):
        return "–"


def page(title: str, body: str, css: str = "") -> str:
    """A self-contained page: inline CSS, no scripts, and a policy that would block any that slipped in."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n"
            f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so that a reader never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8", "replace"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def when(stamp: str) -> str:
    """'2026-11-28T02:30:00Z' -> '2026-11-28 02:30 UTC' (anything else as it is)."""
    try:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return stamp


def is_name(text: str) -> bool:
    """A single path component (a student id, an assignment or a notebook name)."""
    return bool(text) and text not in (".", "..") and not any(c in text for c in "/\\\0")


# --------------------------------------------------------------------------- the feedback page
def write_feedback(course: Path, row: dict, notebook: dict | None = None) -> Path | None:
    """Write the feedback page of one grading row; return its path (None when there is nothing to
    give feedback on: no submission, or names that are not plain file names).

    ``notebook`` is the autograded notebook (for the student's own answers), or None.
    """
    course = Path(course)
    student, assignment, name = (str(row.get(k) or "") for k in ("student_id", "assignment", "notebook"))
    if row.get("status") == "no submission" or not all(map(is_name, (student, assignment, name))):
        return None
    folder = course / "feedback" / student / assignment
    secret = grading_code(course, assignment, name, notebook)
    path = folder / f"{name}.html"
    write_atomically(path, feedback_html(row, notebook, secret))
    submitted = course / "submitted" / student / assignment
    for file in RELEASE_FILES:
        src = submitted / file
        # Only a small regular file: a symlink could point at anything the grader can read.
        if src.is_file() and not src.is_symlink() and src.stat().st_size <= 4096:
            shutil.copyfile(src, folder / file)
    return path


def grading_code(course: Path, assignment: str, name: str, notebook: dict | None) -> frozenset[str]:
    """The lines of the hidden tests that students never see (long enough to be distinctive), from
    the source notebook and from the test cells of the autograded one (nbgrader restores them there).

    Lines that students do see elsewhere are left out; what they see is read from the source
    notebook when there is one, never from the answers of the (untrusted) autograded notebook."""
    source = course / "source" / assignment / f"{name}.ipynb"
    try:
        trusted = nbtools.read(source) if source.is_file() else None
    except (OSError, ValueError):
        trusted = None
    hidden, visible = set(), set()
    for nb, from_source in ((trusted, True), (notebook, False)):
        for cell in _cells(nb):
            grade_cell = _is_test(cell)
            if not (grade_cell or from_source):
                continue
            inside = False
            for line in _source(cell).splitlines():
                text = line.strip()
                marker = HIDDEN_MARKER.search(text)
                if marker:
                    inside = marker.group(1).upper() == "BEGIN"
                elif inside and grade_cell:
                    hidden.add(text)
                elif from_source or trusted is None:
                    visible.add(text)
    return frozenset(line for line in hidden - visible if len(line) >= SECRET_LINE)


def quotes_grading_code(text: str, secret: frozenset[str]) -> bool:
    return bool(HIDDEN_MARKER.search(text)) or any(line in text for line in secret)


def _cells(nb) -> list[dict]:
    """The cells of a notebook that may be malformed: dicts with dict metadata only."""
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        return []
    return [c for c in cells if isinstance(c, dict) and isinstance(c.get("metadata", {}), dict)]


def _meta(cell: dict) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        return "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _is_test(cell: dict) -> bool:
    meta = _meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.get("cell_type") == "code"


def _answers(groups: list[tuple[str, list[dict]]], notebook: dict | None) -> list[list[tuple[str, dict]]]:
    """For each exercise, the student's answer cells (nbgrader ``solution: true``): the one named
    after it, and any others between the previous exercise's checks and its own (two functions
    answered one after the other, then checked together)."""
    grade_at, answers = {}, []
    for index, cell in enumerate(_cells(notebook)):
        meta = _meta(cell)
        if isinstance(meta.get("grade_id"), str):
            if meta.get("solution") is True:
                answers.append((index, meta["grade_id"], cell))
            if meta.get("grade") is True:
                grade_at.setdefault(meta["grade_id"], index)
    found, previous = [], -1
    for exercise, group in groups:
        at = [grade_at[c.get("grade_id")] for c in group if c.get("grade_id") in grade_at]
        chosen = {i: (gid, cell) for i, gid, cell in answers
                  if gid == exercise or (at and previous < i <= min(at))}
        found.append([chosen[i] for i in sorted(chosen)])
        previous = max(at, default=previous)
    return found


def _answer_text(cell: dict, secret: frozenset[str]) -> str:
    text = _source(cell)
    if len(text) > MAX_ANSWER_CHARS:
        text = text[:MAX_ANSWER_CHARS] + "\n… (shortened)"
    return "\n".join("# (line not shown: it matches the grading code)" if quotes_grading_code(line, secret)
                     else line for line in text.splitlines())


def _your_answer(exercise: str, cells: list[tuple[str, dict]], secret: frozenset[str]) -> str:
    if not cells:
        return ""
    names = ", ".join(f"<code>{esc(gid)}</code>" for gid, _ in cells)
    blocks = "".join((f'<p class="said"><code>{esc(gid)}</code></p>' if len(cells) > 1 else "")
                     + f"<pre><code>{esc(_answer_text(cell, secret))}</code></pre>" for gid, cell in cells)
    return f"<details><summary>Your answer{'s' if len(cells) > 1 else ''}: {names}</summary>{blocks}</details>"


def _message(text, secret: frozenset[str]) -> str:
    text = str(text)
    if quotes_grading_code(text, secret):
        return WITHHELD
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + "\n… (shortened)"


def _result(status: str) -> str:
    symbol, words = CHECK_RESULT.get(status, ("?", status or "unknown"))
    css = {"passed": "passed", "graded": "graded", "failed": "failed", "not run": "not-run",
           "awaits a person": "awaits", "held": "held"}.get(status, "other")
    return f'<span class="result {css}"><span aria-hidden="true">{symbol}</span> {esc(words)}</span>'


def _exercises(cells: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for cell in cells:
        if isinstance(cell, dict):
            groups.setdefault(str(cell.get("exercise") or cell.get("grade_id") or "other"), []).append(cell)
    return list(groups.items())


def _total(cells: list[dict], key: str) -> float:
    return sum(float(c.get(key) or 0) for c in cells)


def _summary(row: dict) -> str:
    student, assignment, name = (str(row.get(k) or "") for k in ("student_id", "assignment", "notebook"))
    status = str(row.get("status") or "")
    label, meaning = STUDENT_STATUS.get(status, (status.capitalize() or "Unknown", ""))
    badge = {"graded": "passed", "held for review": "held"}.get(status, "failed")
    out = [f'<p class="kicker">Feedback on <strong>{esc(assignment)}</strong> · {esc(name)}.ipynb</p>',
           f'<h1>Your score: {points(row.get("score"))} of {points(row.get("max_score"))} points</h1>',
           f'<p class="status"><span class="badge {badge}">{esc(label)}</span> {esc(meaning)}</p>']
    if row.get("reason"):
        out.append(f'<p class="reason"><strong>Why:</strong> {esc(row["reason"])}</p>')
    graded_at = f" · graded {esc(when(str(row['graded_at'])))}" if row.get("graded_at") else ""
    out.append(f'<p class="meta">Student {esc(student)}{graded_at}</p>')
    return "".join(out)


def _overview(groups: list[tuple[str, list[dict]]]) -> str:
    rows = []
    for i, (exercise, group) in enumerate(groups, 1):
        tests = [c for c in group if c.get("kind") != "written"]
        passed = sum(c.get("status") == "passed" for c in tests)
        waiting = all(c.get("status") == "awaits a person" for c in group)
        earned = "–" if waiting else points(_total(group, "points"))
        checks = f"{passed} of {len(tests)}" if tests else "awaits a person" if waiting else "graded by a person"
        rows.append(f'<tr><td><a href="#exercise-{i}"><code>{esc(exercise)}</code></a></td>'
                    f'<td class="num">{earned} / {points(_total(group, "max_points"))}</td>'
                    f'<td class="num">{checks}</td></tr>')
    return ('<table class="overview"><caption>Points per exercise (details below)</caption><thead><tr>'
            '<th scope="col">Exercise</th><th scope="col" class="num">Points</th>'
            f'<th scope="col" class="num">Checks passed</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _number(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return 0.0


def _hints(row: dict) -> str:
    """The hints the student opened, per exercise, and what they cost (from the grading row)."""
    opened = [h for h in row.get("hints") or [] if isinstance(h, dict)]
    note = str(row.get("hints_note") or "")
    if not opened and not note:
        return ""
    cost = _number(row.get("hint_cost"))
    out = ['<section id="hints"><h2>Hints you opened</h2>',
           f"<p>Each step you opened cost {points(cost)} point{'' if cost == 1 else 's'}, never more than the "
           "exercise earned.</p>" if cost else "<p>Hints cost no points in this course.</p>"]
    if note:
        out.append(f'<p class="note">Your record of hints ({esc(note)}): what could be read is shown.</p>')
    if opened:
        body = "".join(f'<tr><td><code>{esc(h.get("exercise"))}</code></td>'
                       f'<td class="num">{points(h.get("steps"))} of {points(h.get("of"))}</td>'
                       f'<td class="num">{"−" + points(h.get("deducted")) if _number(h.get("deducted")) else "0"}</td></tr>'
                       for h in opened)
        out.append('<table><caption>Steps opened per exercise</caption><thead><tr><th scope="col">Exercise</th>'
                   '<th scope="col" class="num">Steps opened</th><th scope="col" class="num">Points</th></tr></thead>'
                   f"<tbody>{body}</tbody></table>")
    return "".join(out) + "</section>"


def _check(cell: dict, secret: frozenset[str]) -> str:
    status = str(cell.get("status") or "")
    earned = "–" if status == "awaits a person" else points(cell.get("points"))
    for_hints = (f'<br><span class="note">−{points(cell.get("hint_deduction"))} for hints</span>'
                 if _number(cell.get("hint_deduction")) and status != "awaits a person" else "")
    body = esc(cell.get("title") or cell.get("grade_id") or "")
    # Messages of checks that failed or did not run only: a held row's cells carry the integrity
    # findings, which are for the instructor.
    messages = list(cell.get("messages") or [])[:MAX_MESSAGES] if status in ("failed", "not run") else []
    if messages:
        body += '<p class="said">What the check said:</p>' + "".join(
            f"<pre>{esc(_message(m, secret))}</pre>" for m in messages)
    return (f'<tr><td>{body}</td><td>{_result(status)}</td>'
            f'<td class="num">{earned} / {points(cell.get("max_points"))}{for_hints}</td></tr>')


def _exercise_section(i: int, exercise: str, group: list[dict], answers: list[tuple[str, dict]],
              secret: frozenset[str]) -> str:
    possible = _total(group, "max_points")
    pts = f"{points(_total(group, 'points'))} of {points(possible)} point{'' if possible == 1 else 's'}"
    if any(c.get("status") == "awaits a person" for c in group):
        pts += " so far; a person grades the written answer"
    return (f'<section class="exercise" aria-labelledby="exercise-{i}">'
            f'<h2 id="exercise-{i}"><code>{esc(exercise)}</code><span class="pts">{pts}</span></h2>'
            f'<table><caption class="visually-hidden">Checks of {esc(exercise)}</caption><thead><tr>'
            '<th scope="col">What is checked</th><th scope="col">Result</th><th scope="col" class="num">Points</th>'
            f'</tr></thead><tbody>{"".join(_check(c, secret) for c in group)}</tbody></table>'
            f"{_your_answer(exercise, answers, secret)}</section>")


def feedback_html(row: dict, notebook: dict | None = None, secret: frozenset[str] = frozenset()) -> str:
    """The page for one grading row; ``secret`` holds the lines of grading code never to show."""
    groups = _exercises([c for c in row.get("cells") or [] if isinstance(c, dict)])
    answers = _answers(groups, notebook)
    out = [_summary(row)]
    if groups:
        out.append(_overview(groups))
    out.append(_hints(row))
    out += [_exercise_section(i, exercise, group, answers[i - 1], secret) for i, (exercise, group) in enumerate(groups, 1)]
    if not groups:
        out.append("<p>No checks ran on this submission.</p>")
    out.append("<footer>The checks' own code is not shown here, only what each check says when it fails. "
               "Fix what a message points to in your notebook and run its checks again; hidden checks run "
               "only when your work is graded.</footer>")
    return page(f"Feedback: {row.get('assignment')} · {row.get('student_id')}", "\n".join(out), FEEDBACK_CSS)
