"""``check_my_work()``: the last cell of every notebook grades the notebook file, as saved, with the
full tests (hidden ones included), exactly as ``make check A=<assignment>`` and the instructor's
class grading do (:func:`course.grading.selfcheck.check`, in a process of its own).

It works out where it runs from the kernel's working folder (the notebook's folder):

* inside a course (a folder above holds ``source/`` and ``grader_config.py``: the repository, on
  Binder or on your computer) it grades ``<folder>/<notebook>.ipynb`` for the assignment the folder
  is named after, showing progress while it runs, then the score per exercise, each failed check's
  message and the link to the feedback page;
* while nbgrader grades or validates the notebook, under ``source/`` (the instructor's copy) and
  under ``autograded/`` or ``submitted/`` it does nothing and says so, at once;
* without ``source/`` (a student in a class on JupyterHub) it says that the full tests run when
  the instructor grades, and what to use until then.

Nothing here imports the grading machinery until it grades, and nothing is written to stderr.
"""
from __future__ import annotations

import datetime as _dt
import html
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BEING_GRADED = ("autograded", "submitted")  # nbgrader's folders of students' work
SAVE_KEYS = "Ctrl+S (⌘S on a Mac)"


@dataclass
class Target:
    """What to check, or ``message`` saying why there is nothing to check."""
    message: str = ""
    course: Path | None = None
    assignment: str = ""
    notebook: Path | None = None


def find_course(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` holding ``source/`` and ``grader_config.py``."""
    for d in (folder, *folder.parents):
        if (d / "grader_config.py").is_file() and (d / "source").is_dir():
            return d
    return None


def locate(notebook: str | os.PathLike | None = None, folder: Path | None = None) -> Target:
    """Work out the course, the assignment and the notebook file from the working folder."""
    execution = os.environ.get("NBGRADER_EXECUTION")
    if execution:
        doing = "validating" if execution == "validate" else "grading"
        return Target(f"nbgrader is {doing} this notebook, so the self-check does nothing here.")
    folder = (folder or Path.cwd()).resolve()
    course = find_course(folder)
    inside = folder.relative_to(course).parts if course else folder.parts
    if any(part in BEING_GRADED for part in inside):
        return Target("This copy of the notebook is being graded (it is under autograded/ or submitted/), "
                      "so the self-check does nothing here.")
    if course is None:
        return Target("The full tests, hidden ones included, run when your instructor grades your submission. "
                      "Until then, the check cell under each exercise and nbgrader's Validate button (in the "
                      "notebook's toolbar) run the visible checks. Before you submit: Kernel, Restart Kernel "
                      "and Run All Cells, then save.")
    if inside[:1] == ("source",):
        return Target("This is the instructor's notebook in source/ (it holds the solutions), so the self-check "
                      "does nothing here. Students' copies are in release/: run this cell there.")
    assignment = next((part for part in reversed(inside) if (course / "source" / part).is_dir()), "")
    if not assignment:
        names = ", ".join(sorted(p.name for p in (course / "source").iterdir() if p.is_dir()))
        return Target(f"This folder ({folder}) is not an assignment's folder, so the self-check cannot tell which "
                      f"tests to run. Open the notebook from release/<assignment>/ (one of: {names}).")
    if notebook is not None:
        path = (folder / notebook).resolve()
    else:
        path = _this_notebook(folder)
        if isinstance(path, str):
            return Target(path)
    if not path.is_file():
        return Target(f"There is no notebook file {path}. Save the notebook first ({SAVE_KEYS}).")
    problem = _not_a_notebook(path)
    if problem:
        return Target(f"{path.name} cannot be read as a notebook: {problem}. The self-check grades the file "
                      "as saved: save the notebook again, or restore it (File, Revert Notebook to Checkpoint).")
    return Target("", course, assignment, path)


def _this_notebook(folder: Path) -> Path | str:
    """The notebook this kernel runs, or a message. JupyterLab tells the kernel its notebook's path
    (JPY_SESSION_NAME) when it starts it; after a rename that path is gone, and the folder's only
    notebook is the one."""
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb") and Path(session).is_absolute() and Path(session).is_file() \
            and Path(session).resolve().parent == folder:
        return Path(session).resolve()
    found = sorted(folder.glob("*.ipynb"))
    if len(found) == 1:
        return found[0]
    if not found:
        return f"There is no notebook file in {folder}. Save the notebook first ({SAVE_KEYS})."
    names = ", ".join(p.name for p in found)
    return (f"This folder holds several notebooks ({names}), and the self-check cannot tell which one is yours. "
            f"Name it: check_my_work(\"{found[0].name}\").")


def _not_a_notebook(path: Path) -> str:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return "it is not text (UTF-8)"
    except json.JSONDecodeError as error:
        return f"it is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
    except OSError as error:
        return f"it cannot be opened ({error.strerror or error})"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list) or data.get("nbformat") != 4:
        return "it is JSON, but not a Jupyter notebook (version 4)"
    return ""


def saved_at(path: Path, now: float | None = None) -> str:
    """'14:02:11 (3 minutes ago)', or with the date when not today."""
    mtime = path.stat().st_mtime
    now = time.time() if now is None else now
    stamp = _dt.datetime.fromtimestamp(mtime)
    today = stamp.date() == _dt.date.fromtimestamp(now)
    shown = stamp.strftime("%H:%M:%S" if today else "%Y-%m-%d %H:%M")
    ago = max(0, int(now - mtime))
    if ago < 60:
        age = f"{ago} s ago"
    elif ago < 3600:
        age = f"{ago // 60} minute{'s' if ago >= 120 else ''} ago"
    else:
        age = f"{ago // 3600} hour{'s' if ago >= 7200 else ''} ago"
    return f"{shown} ({age})"


# --------------------------------------------------------------------------- showing things
class _Display:
    """One output area updated in place (HTML with a plain-text twin); plain prints outside IPython."""

    def __init__(self):
        self.handle = None
        self.last = ""
        try:
            from IPython import get_ipython
        except ImportError:
            self.ipython = False
        else:
            self.ipython = get_ipython() is not None

    @staticmethod
    def _bundle(text: str, markup: str) -> dict:
        return {"text/plain": text, "text/html": f'<div class="course-selfcheck">{markup}</div>'}

    def show(self, text: str, markup: str | None = None, progress: bool = False) -> None:
        bundle = self._bundle(text, markup if markup is not None else f"<p>{html.escape(text)}</p>")
        if self.handle is not None:
            self.handle.update(bundle, raw=True)
        elif self.ipython:
            from IPython.display import display

            self.handle = display(bundle, raw=True, display_id=True)
        elif not progress or text.split("…")[0] != self.last:  # a plain terminal: each step once
            print(text, flush=True)
        self.last = text.split("…")[0]


def _phase(log: list[str]) -> str:
    if any(line.startswith("[1/1]") for line in log):
        return "Writing your feedback page"
    if any(line.startswith("Grading ") for line in log):
        return "Running your notebook in a fresh kernel, then the checks"
    return "Starting the grader (nbgrader reads the assignment's tests)"


def check_my_work(notebook: str | os.PathLike | None = None) -> None:
    """Grade this notebook, as saved on disk, with the full tests (hidden ones included), and show
    the score per exercise with each failed check's message. Save first: unsaved changes are not
    graded. ``notebook`` names the file when its folder holds more than one."""
    out = _Display()
    target = locate(notebook)
    if target.message:
        out.show(target.message)
        return
    saved = saved_at(target.notebook)
    intro_text = (f"Checking {target.notebook.name} as saved at {saved}, with every test the instructor's "
                  f"grading runs, hidden ones included. Changes made since then are not included: save first "
                  f"({SAVE_KEYS}), then run this cell again.")
    intro = (f"<p>Checking <code>{html.escape(target.notebook.name)}</code> <strong>as saved at "
             f"{html.escape(saved)}</strong>, with every test the instructor's grading runs, hidden ones "
             f"included. Changes made since then are not included: save first ({SAVE_KEYS}), then run this "
             "cell again.</p>")
    with tempfile.TemporaryDirectory(prefix="course-selfcheck-") as tmp:
        result_file = Path(tmp) / "result.json"
        errors_file = Path(tmp) / "stderr.txt"
        env = {k: v for k, v in os.environ.items() if not k.startswith("JPY_") and k != "MPLBACKEND"}
        env["PYTHONUNBUFFERED"] = "1"
        command = [sys.executable, "-m", "course.grading.selfcheck", target.assignment,
                   "--course", str(target.course), "--notebook", str(target.notebook), "--json", str(result_file)]
        log: list[str] = []
        started = time.monotonic()
        with open(errors_file, "w+", encoding="utf-8", errors="replace") as errors:
            proc = subprocess.Popen(command, cwd=target.course, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=errors, text=True, errors="replace",
                                    start_new_session=True)
            reader = threading.Thread(target=lambda: log.extend(proc.stdout), daemon=True)
            reader.start()
            try:
                while proc.poll() is None:
                    seconds = time.monotonic() - started
                    phase = _phase(log)
                    out.show(f"{intro_text}\n{phase}… {seconds:.0f} s (usually 10 to 60 s)",
                             f"{intro}<p>⏳ {html.escape(phase)}… <strong>{seconds:.0f} s</strong> "
                             "(usually 10 to 60 s)</p>", progress=True)
                    time.sleep(0.5)
            except KeyboardInterrupt:
                _stop(proc)
                out.show("Self-check stopped (the kernel was interrupted). Run this cell again to check.")
                return
            reader.join(timeout=5)
            errors.seek(0)
            stderr = errors.read()
        seconds = time.monotonic() - started
        if proc.returncode != 0 or not result_file.is_file():
            tail = "\n".join((stderr.strip() or "\n".join(log)).splitlines()[-15:])
            out.show(f"The self-check itself failed (exit status {proc.returncode}); your notebook was not graded. "
                     f"What it said:\n{tail}",
                     f"<p>The self-check itself failed (exit status {proc.returncode}); your notebook was not "
                     f"graded. What it said:</p><pre>{html.escape(tail)}</pre>")
            return
        data = json.loads(result_file.read_text(encoding="utf-8"))
    from .selfcheck import report_html, report_text

    href = label = None
    if data.get("feedback"):
        href = os.path.relpath(data["feedback"], target.notebook.parent)
        label = os.path.relpath(data["feedback"], target.course)
    done = f"Checked {target.notebook.name} as saved at {saved} (in {seconds:.0f} s)."
    out.show(f"{done}\n{report_text(data)}",
             f"<p>Checked <code>{html.escape(target.notebook.name)}</code> <strong>as saved at "
             f"{html.escape(saved)}</strong> with every test, hidden ones included (in {seconds:.0f} s). "
             f"Changed something since? Save ({SAVE_KEYS}) and run this cell again.</p>"
             + report_html(data, href, label))


def _stop(proc: subprocess.Popen) -> None:
    """Interrupt the grader (it shuts its kernel down), then make sure it has gone."""
    for sig, wait in ((signal.SIGINT, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
