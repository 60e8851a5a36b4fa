"""Progressive hints: a nudge, then the key idea, then the shape of the answer; never the code.

Under each exercise of a notebook, one cell::

    from course.hints import hint
    hint("sigmoid")

shows a button, "Show hint 1 of 3". Each press shows the next step, and the earlier ones stay.
Every step opened is noted, with its time, in ``hints_used.json`` in the notebook's folder (the
kernel's working folder). ``nbgrader submit`` hands that file in with the notebook, and the
class grader (:mod:`course.grading.classgrade`) reports the hints used per exercise; they cost
points only when the instructor sets ``c.CourseGrader.hint_cost`` (see :func:`deductions`).
Running the cell again shows the steps already opened. The record is a file the student owns:
hints are an honour system (the README says so).

The texts are in :mod:`course.hint_texts`. This module also holds what the grader needs to read
a record safely and to work out what hints cost.
"""
from __future__ import annotations

import ast
import datetime as _dt
import html
import json
import os
import re
import stat
from pathlib import Path

from .hint_texts import HINTS

__all__ = ["hint", "RECORD_FILE"]

RECORD_FILE = "hints_used.json"
STEP_NAMES = ("a nudge", "the key idea", "the shape of the answer")
MAX_RECORD_BYTES = 256 * 1024  # a record of every hint of the course is about 10 kB
_WHERE = {exercise: assignment for assignment, table in HINTS.items() for exercise in table}


def _find(exercise) -> tuple[str, str, tuple[str, ...]]:
    """(assignment, title, steps) of an exercise, or a ValueError that lists the names there are."""
    if not isinstance(exercise, str) or exercise not in _WHERE:
        known = ", ".join(sorted(_WHERE, key=str.lower))
        raise ValueError(f"there are no hints for {exercise!r}; hints exist for: {known}")
    assignment = _WHERE[exercise]
    title, steps = HINTS[assignment][exercise]
    return assignment, title, steps


# --------------------------------------------------------------------------- the record
def read_record(path) -> tuple[list[dict], str]:
    """The entries of a hints record and a problem ('' if none; a missing file is no problem).

    The file may come from a student: it is read without following a link or blocking on a
    special file, at most MAX_RECORD_BYTES, and every entry is checked against the hint table.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return [], ""
    except OSError as error:
        return [], f"{path.name} could not be opened ({error.strerror or type(error).__name__})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return [], f"{path.name} is not a regular file"
        if info.st_size > MAX_RECORD_BYTES:
            return [], f"{path.name} is larger than {MAX_RECORD_BYTES // 1024} kB"
        raw = os.read(fd, MAX_RECORD_BYTES + 1)
    except OSError as error:
        return [], f"{path.name} could not be read ({error.strerror or type(error).__name__})"
    finally:
        os.close(fd)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return [], f"{path.name} is not valid JSON"
    items = data.get("hints") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return [], f"{path.name} has no list of hints"
    entries, skipped = [], 0
    for item in items:
        ok = (isinstance(item, dict) and isinstance(item.get("exercise"), str) and item["exercise"] in _WHERE
              and item.get("assignment", _WHERE.get(item.get("exercise"))) == _WHERE.get(item.get("exercise"))
              and type(item.get("step")) is int and isinstance(item.get("time", ""), str))
        if ok and 1 <= item["step"] <= len(HINTS[_WHERE[item["exercise"]]][item["exercise"]][1]):
            entries.append({"assignment": _WHERE[item["exercise"]], "exercise": item["exercise"],
                            "step": item["step"], "time": item.get("time", "")[:40]})
        else:
            skipped += 1
    return entries, (f"{skipped} entr{'y' if skipped == 1 else 'ies'} of {path.name} not understood and left out"
                     if skipped else "")


def used(entries: list[dict], assignment: str) -> dict[str, dict]:
    """exercise -> {"steps": how many steps were opened, "of": how many there are, "times": the
    time each step was first opened}, for the exercises of ``assignment``, in the table's order.
    Steps open in order, so the highest step recorded is the number opened."""
    out: dict[str, dict] = {}
    for exercise, (_, steps) in HINTS.get(assignment, {}).items():
        mine = [e for e in entries if e["exercise"] == exercise]
        if mine:
            top = max(e["step"] for e in mine)
            first = {}
            for e in mine:
                first.setdefault(e["step"], e["time"])
            out[exercise] = {"steps": top, "of": len(steps), "times": [first.get(k, "") for k in range(1, top + 1)]}
    return out


def _not_recorded_here(folder: Path) -> str:
    """Why hints opened in ``folder`` are not noted ('' when they are): the instructor's own
    notebooks in source/, and notebooks being graded or given back."""
    try:
        course = folder.parent.parent
        if folder.parent.name == "source" and ((course / "nbgrader_config.py").exists()
                                              or (course / "grader_config.py").exists()):
            return "this is the instructor's copy in source/, so nothing is noted"
        if {"autograded", "submitted", "feedback"} & set(folder.parts[-4:]):
            return "this notebook is being graded, so nothing is noted"
    except OSError:
        pass
    return ""


def _note(folder: Path, assignment: str, exercise: str, step: int) -> str:
    """Add one opened step to the record in ``folder``; return '' or what went wrong."""
    if not isinstance(folder, Path) or exercise not in _WHERE or _WHERE[exercise] != assignment \
            or type(step) is not int:
        raise ValueError("not a hint step")
    path = folder / RECORD_FILE
    entries, _ = read_record(path)
    entries.append({"assignment": assignment, "exercise": exercise, "step": step,
                    "time": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")})
    data = {"about": "The hints opened in this folder's notebook, noted by course.hints for your instructor. "
                     "It is handed in with your notebook.", "hints": entries}
    tmp = folder / f".{RECORD_FILE}.{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as error:
        try:
            tmp.unlink()
        except OSError:
            pass
        return f"it could not be noted in {RECORD_FILE} ({error.strerror or type(error).__name__})"
    return ""


# --------------------------------------------------------------------------- the widget
_SPANS = re.compile(r"(`[^`]+`|\$[^$]+\$)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)([^*]+?)\*(?![\w*])")


def _inline(text: str) -> str:
    """One line of a hint as HTML; `code` and $maths$ are left as they are written."""
    out = []
    for i, part in enumerate(_SPANS.split(text)):
        if i % 2:  # a code span or maths
            out.append(f"<code>{html.escape(part[1:-1], quote=False)}</code>" if part.startswith("`")
                       else html.escape(part, quote=False))
        else:
            part = _BOLD.sub(r"<strong>\1</strong>", html.escape(part, quote=False))
            out.append(_ITALIC.sub(r"<em>\1</em>", part))
    return "".join(out)


def as_html(text: str) -> str:
    """A hint's text as HTML: paragraphs, "- " lists, `code`, **bold**, *italic*; $maths$ is kept
    for MathJax (HTMLMath typesets it)."""
    parts = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        intro = [line for line in lines if not line.startswith("- ")]
        items = [line[2:] for line in lines if line.startswith("- ")]
        if intro:
            parts.append(f"<p>{_inline(' '.join(intro))}</p>")
        if items:
            parts.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
    return "".join(parts)


class HintPanel:
    """The hint box of one exercise: the steps opened so far and a button for the next one."""

    def __init__(self, exercise: str, folder: Path | None = None):
        import ipywidgets as widgets

        self.assignment, self.title, self.steps = _find(exercise)
        self.exercise = exercise
        self.folder = Path.cwd() if folder is None else Path(folder)
        entries, _ = read_record(self.folder / RECORD_FILE)
        self.opened = used(entries, self.assignment).get(exercise, {}).get("steps", 0)
        intro = widgets.HTMLMath(
            f"<p><strong>Stuck on {_inline(self.title)}?</strong> Hints open one at a time: a nudge, the key idea, "
            "then the shape of the answer; never the code. Each one you open is noted, with the time, in "
            f"<code>{RECORD_FILE}</code> beside this notebook, and handed in with it. Hints cost no points "
            "unless your instructor says so.</p>")
        self.shown = widgets.VBox([self._step(k) for k in range(1, self.opened + 1)])
        self.button = widgets.Button(layout=widgets.Layout(width="auto"))
        self.button.add_class("course-hint-button")
        self.status = widgets.HTML()
        self.status.add_class("course-hint-status")
        self.button.on_click(self._next)
        self.widget = widgets.VBox([intro, self.shown, widgets.HBox([self.button, self.status])],
                                   layout=widgets.Layout(border="1px solid #d1d9e0", padding="4px 12px",
                                                         margin="6px 0"))
        self.widget.add_class("course-hints")
        self._label()

    def _step(self, k: int):
        import ipywidgets as widgets

        box = widgets.HTMLMath(f"<p><strong>Hint {k} of {len(self.steps)}: {STEP_NAMES[k - 1]}</strong></p>"
                               + as_html(self.steps[k - 1]))
        box.add_class("course-hint-step")
        return box

    def _label(self) -> None:
        n = len(self.steps)
        done = self.opened >= n
        self.button.description = f"All {n} hints shown" if done else f"Show hint {self.opened + 1} of {n}"
        self.button.tooltip = ("You have seen every hint for this exercise" if done else
                               f"Show {STEP_NAMES[self.opened]} for {self.exercise}")
        self.button.disabled = done

    def _next(self, _button=None) -> None:
        if self.opened >= len(self.steps):
            return
        self.opened += 1
        self.shown.children = (*self.shown.children, self._step(self.opened))
        self._label()
        why = _not_recorded_here(self.folder)
        if not why:
            try:
                why = _note(self.folder, self.assignment, self.exercise, self.opened)
                if not why:
                    self.status.value = f"<small>Noted in <code>{RECORD_FILE}</code>.</small>"
            except Exception as error:  # the hint is shown either way; never a traceback here
                why = f"it could not be noted ({type(error).__name__})"
        if why:
            self.status.value = f"<small>Shown, but {html.escape(why)}.</small>"

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def hint(exercise: str) -> HintPanel:
    """The hints of ``exercise`` (the name of the function or part, e.g. ``"sigmoid"``), one step
    per press of the button."""
    return HintPanel(exercise)


# --------------------------------------------------------------------------- for the grader
def _cells(nb) -> list[dict]:
    cells = nb.get("cells") if isinstance(nb, dict) else None
    return [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else []


def _meta(cell: dict) -> dict:
    meta = cell.get("metadata", {})
    meta = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return meta if isinstance(meta, dict) else {}


def _text(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(s for s in src if isinstance(s, str)) if isinstance(src, list) else str(src)


def _names(text: str, defined: bool) -> set[str]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    if defined:
        return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}


def exercise_cells(nb: dict, assignment: str) -> dict[str, list[str]]:
    """exercise -> the grade_ids of the test cells that check it, for the exercises of
    ``assignment`` that have hints.

    A test cell checks the answer cells written since the previous test cells. When several
    answers are checked together (04's sigmoid_backward and tanh_backward), a test counts for the
    answers whose names it uses (for all of them if it names none)."""
    table = HINTS.get(assignment, {})
    out: dict[str, list[str]] = {exercise: [] for exercise in table}
    pending: list[tuple[str, set[str]]] = []
    tests_since = False
    for cell in _cells(nb):
        meta = _meta(cell)
        if meta.get("solution"):
            if tests_since:
                pending, tests_since = [], False
            pending.append((str(meta.get("grade_id")), _names(_text(cell), True) | {str(meta.get("grade_id"))}))
        elif meta.get("grade") and cell.get("cell_type") == "code":
            tests_since = True
            group = [(gid, names) for gid, names in pending if gid in out]
            if not group:
                continue
            if len(group) > 1:
                uses = _names(_text(cell), False)
                group = [(gid, names) for gid, names in group if names & uses] or group
            for gid, _ in group:
                out[gid].append(str(meta.get("grade_id")))
    return out


def deductions(opened: dict[str, int], cells_of: dict[str, list[str]], earned: dict[str, float],
               cost: float) -> dict[str, dict[str, float]]:
    """What the hints cost: exercise -> {test grade_id: points taken there}.

    ``cost`` points per step opened, capped at the points the exercise's test cells earned (so
    at the exercise's points, and never below zero), taken from those cells in notebook order,
    each cell giving at most what it earned (a cell checking two exercises gives once)."""
    left = {gid: max(float(points), 0.0) for gid, points in earned.items()}
    out: dict[str, dict[str, float]] = {}
    if not cost or cost <= 0:
        return out
    for exercise, steps in opened.items():
        want = round(cost * steps, 6)
        taken: dict[str, float] = {}
        for gid in cells_of.get(exercise, []):
            if want <= 0:
                break
            part = min(want, left.get(gid, 0.0))
            if part > 0:
                taken[gid] = part
                left[gid] -= part
                want = round(want - part, 6)
        if taken:
            out[exercise] = taken
    return out
