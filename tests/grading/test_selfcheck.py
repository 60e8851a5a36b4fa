"""The self-check (``check_my_work()`` in a notebook's last cell, ``make check A=…`` in a terminal)
gives the score the instructor's autograde gives, for the same notebook.

In a temporary course where real nbgrader generated 01 from source/, three learners' notebooks
(the reference solution, the untouched release, and a partial one: one function right, one wrong,
one raising, a wrong and a half-right concept answer) are graded twice, independently:

* the instructor's side is plain ``nbgrader autograde`` (not the course's grader), which runs every
  cell, the last one included: there ``check_my_work()`` must do nothing, at once;
* the learner's side is ``python -m course.grading check`` (what ``make check`` runs) for the
  solution and the untouched release, and for the partial notebook the last cell itself, run in a
  real kernel (nbclient) whose working folder is the notebook's folder in a course layout.

Score and each grade cell's points must agree. The cheap cases of where the cell runs (source/,
autograded/, nbgrader running, no course, a broken file) are checked on ``locate`` directly.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, make_course, run_tool, tool_env
from course.grading import in_notebook, nbtools, sandbox

A = "01_forward_pass"
NAME = nbtools.notebook_path(A).name
CHECK_CELL = "from course import check_my_work\n\ncheck_my_work()"
PARTIAL = {
    "relu": "def relu(z):\n    return np.max(z, 0)\n",  # wrong: the largest entry along axis 0
    "dense_forward": "def dense_forward(X, W, b):\n    raise ValueError('I have not finished this')\n",
    "q2": 'answer_q2 = "b"\n',  # a wrong choice
    "q5": 'answer_q5 = "b"\n',  # half of the true statements
}
# One line per check in the text report: "  ok   1/1  title" (see selfcheck.report_text)
CHECK_LINE = re.compile(r"^  (ok  |FAIL|----|HELD|    ) ([0-9.]+)/([0-9.]+)  (.*)$")


def _titles() -> dict[str, str]:
    """title -> grade_id of every auto-graded cell, from the notebook (the first docstring line)."""
    import ast

    out = {}
    for cell in nbtools.read(nbtools.notebook_path(A))["cells"]:
        if nbtools.is_autograded_test(cell):
            doc = ast.get_docstring(ast.parse(nbtools.source_text(cell))) or ""
            out[doc.strip().splitlines()[0]] = nbtools.nbgrader_meta(cell)["grade_id"]
    return out


def parse_report(text: str) -> tuple[float, float, dict[str, float]]:
    """(score, max score, {grade_id: points}) from the self-check's text report."""
    total = re.search(rf"{A}: ([0-9.]+) / ([0-9.]+) points", text)
    assert total, f"no score line in the report:\n{text}"
    titles = _titles()
    cells = {}
    for line in text.splitlines():
        m = CHECK_LINE.match(line)
        if m and m.group(4) in titles:
            cells[titles[m.group(4)]] = float(m.group(2))
    assert set(cells) == set(titles.values()), f"checks missing from the report: {set(titles.values()) - set(cells)}"
    return float(total.group(1)), float(total.group(2)), cells


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Both sides' results: {student: (score, max, cells)} from autograde and from the self-check."""
    course = make_course(tmp_path_factory.mktemp("selfcheck"))
    run_tool(["nbgrader", "generate_assignment", A, "--force"], cwd=course)
    release = nbtools.read(course / "release" / A / NAME)
    source = nbtools.read(course / "source" / A / NAME)
    assert nbtools.source_text(release["cells"][-1]) == CHECK_CELL, "the release notebook ends with the self-check"
    notebooks = {"solution": nbtools.fill_solutions(release, source), "untouched": release,
                 "partial": nbtools.fill_solutions(release, source, PARTIAL)}
    learners = course.parent / f"{course.name}-learners"
    for student, nb in notebooks.items():
        nbtools.write(nb, course / "submitted" / student / A / NAME)
        nbtools.write(nb, learners / student / A / NAME)
    # the partial learner works in the course's release/ folder, as a self-learner does
    nbtools.write(notebooks["partial"], course / "release" / A / NAME)

    started = time.monotonic()
    env = tool_env()
    autograde = subprocess.Popen([str(Path(sys.executable).parent / "nbgrader"), "autograde", A, "--force"],
                                 cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    checks = {s: subprocess.Popen([sys.executable, "-m", "course.grading", "check", A, "--course", str(course),
                                   "--notebook", str(learners / s / A / NAME)],
                                  cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for s in ("solution", "untouched")}
    # the last cell itself, in a real kernel started in the notebook's folder
    runner = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CHECK_CELL)])
    runner.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    from nbclient import NotebookClient

    progress = []

    class Client(NotebookClient):  # keeps what the cell showed while it ran, not only its last state
        def process_message(self, msg, cell, cell_index):
            if msg["msg_type"] in ("display_data", "update_display_data"):
                progress.append(msg["content"]["data"].get("text/plain", ""))
            return super().process_message(msg, cell, cell_index)

    cell_started = time.monotonic()
    Client(runner, timeout=300, kernel_name="python3",
           resources={"metadata": {"path": str(course / "release" / A)}}).execute()
    cell_seconds = time.monotonic() - cell_started

    mine = {}
    for student, proc in checks.items():
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"check {student} failed:\n{out[-3000:]}\n{err[-3000:]}"
        assert not err, f"make check wrote to stderr:\n{err[-3000:]}"
        mine[student] = parse_report(out)
    out, err = autograde.communicate(timeout=600)
    assert autograde.returncode == 0, f"nbgrader autograde failed:\n{out[-3000:]}\n{err[-3000:]}"
    outputs = runner.cells[0].outputs
    shown = [o for o in outputs if o.get("output_type") in ("display_data", "update_display_data")]
    assert shown, f"the cell showed nothing: {outputs}"
    mine["partial"] = parse_report(shown[-1]["data"]["text/plain"])

    from nbgrader.api import Gradebook

    theirs = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in notebooks:
            sub = gb.find_submission(A, student)
            theirs[student] = (float(sub.score), float(sub.max_score),
                               {g.name: float(g.score) for nb in sub.notebooks for g in nb.grades
                                if g.name in set(_titles().values())})
    print(f"\nself-check and autograde of 3 notebooks side by side: {time.monotonic() - started:.1f} s "
          f"(the last cell in a kernel: {cell_seconds:.1f} s)")
    return {"course": course, "mine": mine, "theirs": theirs, "cell_outputs": outputs, "progress": progress}


@pytest.mark.parametrize("student", ["solution", "untouched", "partial"])
def test_self_check_score_equals_instructors_autograde(graded, student):
    score, max_score, cells = graded["mine"][student]
    their_score, their_max, their_cells = graded["theirs"][student]
    assert (score, max_score) == (their_score, their_max)
    assert cells == their_cells


def test_the_three_notebooks_score_what_they_should(graded):
    """The comparison means something: full marks, zero, and a partial score that lost exactly
    the failing functions' points (written answers await a person: 0 on both sides)."""
    theirs = graded["theirs"]
    auto = sum(float(nbtools.nbgrader_meta(c)["points"]) for c in nbtools.read(nbtools.notebook_path(A))["cells"]
               if nbtools.is_autograded_test(c))
    assert theirs["solution"][0] == auto and theirs["untouched"][0] == 0
    failed = {g for g, p in theirs["partial"][2].items() if p == 0}
    assert {"test_relu_values", "test_relu_hidden", "test_dense_shape", "test_dense_values", "test_dense_hidden",
            "test_q2"} <= failed
    assert "test_sigmoid_values" not in failed and 0 < theirs["partial"][0] < auto
    assert theirs["partial"][2]["test_q5_b"] == 0.5 and theirs["partial"][2]["test_q5_d"] == 0


def test_last_cell_shows_score_progress_and_feedback_without_stderr(graded):
    # while it runs: which file, when it was saved, and what it is doing, with the seconds so far
    running = [text for text in graded["progress"] if "(usually 10 to 60 s)" in text]
    assert running and all(f"Checking {NAME} as saved at" in text and "save first" in text for text in running)
    assert any("Running your notebook in a fresh kernel" in text for text in running), running
    outputs = graded["cell_outputs"]
    assert not [o for o in outputs if o.get("output_type") == "error" or o.get("name") == "stderr"], outputs
    final = [o for o in outputs if o.get("output_type") in ("display_data", "update_display_data")][-1]["data"]
    score, max_score, _ = graded["mine"]["partial"]
    markup = final["text/html"]
    assert f"Score: {score:g} / {max_score:g} points" in markup
    assert "as saved at" in markup and "Ctrl+S" in markup
    # each failed check's message is shown, hidden checks' included
    assert "I have not finished this" in markup and "test_dense" not in markup
    page = graded["course"] / "feedback" / "me" / A / NAME.replace(".ipynb", ".html")
    assert page.is_file() and 'href="../../feedback/me/01_forward_pass/' in markup
    expected_sandbox = "bubblewrap" if sandbox.availability()[0] else "resource limits only"
    assert f"sandbox: {expected_sandbox}" in markup


def test_autograde_runs_the_last_cell_and_it_does_nothing(graded):
    nb = nbtools.read(graded["course"] / "autograded" / "solution" / A / NAME)
    last = nb["cells"][-1]
    assert nbtools.source_text(last) == CHECK_CELL
    text = "".join(nbtools.source_text({"source": o.get("data", {}).get("text/plain", "")}) for o in last["outputs"])
    assert "nbgrader is grading this notebook, so the self-check does nothing here." in text
    assert not [o for o in last["outputs"] if o.get("output_type") == "error" or o.get("name") == "stderr"]
    # nbclient records when each cell started and finished
    from datetime import datetime

    timing = last["metadata"]["execution"]
    took = (datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            - datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))).total_seconds()
    assert took < 2, f"the self-check cell took {took:.1f} s under autograde"


# --------------------------------------------------------------------------- where the cell runs
def _course(tmp_path: Path) -> Path:
    (tmp_path / "source" / A).mkdir(parents=True)
    (tmp_path / "grader_config.py").write_text("")
    return tmp_path


def test_nbgrader_running_means_nothing_to_do(monkeypatch, tmp_path):
    for value, word in (("autograde", "grading"), ("validate", "validating")):
        monkeypatch.setenv("NBGRADER_EXECUTION", value)
        assert in_notebook.locate(folder=tmp_path).message == \
            f"nbgrader is {word} this notebook, so the self-check does nothing here."


@pytest.mark.parametrize("where, says", [
    (f"source/{A}", "instructor's notebook in source/"),
    (f"autograded/ada/{A}", "being graded"),
    (f"submitted/ada/{A}", "being graded"),
    ("notes", "not an assignment's folder"),
])
def test_places_where_it_does_not_grade(monkeypatch, tmp_path, where, says):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    folder = _course(tmp_path) / where
    folder.mkdir(parents=True, exist_ok=True)
    assert says in in_notebook.locate(folder=folder).message


def test_a_class_without_source_is_told_when_full_tests_run(monkeypatch, tmp_path):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    folder = tmp_path / A
    folder.mkdir()
    message = in_notebook.locate(folder=folder).message
    assert "when your instructor grades" in message and "Validate" in message


def test_finds_the_notebook_and_explains_a_broken_or_missing_one(monkeypatch, tmp_path):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    folder = _course(tmp_path) / "release" / A
    folder.mkdir(parents=True)
    assert "There is no notebook file" in in_notebook.locate(folder=folder).message
    shutil.copy(nbtools.notebook_path(A, ROOT / "source"), folder / NAME)
    found = in_notebook.locate(folder=folder)
    assert (found.message, found.course, found.assignment, found.notebook) == ("", tmp_path, A, folder / NAME)
    (folder / "copy.ipynb").write_text('{"cells": [], "nbformat": 4, "metadata": {}, "nbformat_minor": 5')
    assert 'check_my_work("copy.ipynb")' in in_notebook.locate(folder=folder).message
    monkeypatch.setenv("JPY_SESSION_NAME", str(folder / "copy.ipynb"))  # JupyterLab names the kernel's notebook
    message = in_notebook.locate(folder=folder).message
    assert message.startswith("copy.ipynb cannot be read as a notebook: it is not valid JSON (line 1, column")
    (folder / "copy.ipynb").write_text(json.dumps({"cells": "no"}))
    assert "not a Jupyter notebook" in in_notebook.locate(folder=folder).message


def test_every_graded_notebook_ends_with_the_self_check():
    for assignment in nbtools.graded_assignments():
        cells = nbtools.read(nbtools.notebook_path(assignment))["cells"]
        last = cells[-1]
        assert nbtools.source_text(last) == CHECK_CELL, assignment
        assert "draw-only" in last["metadata"].get("tags", []) and not nbtools.nbgrader_meta(last), assignment
        assert "save" in nbtools.source_text(cells[-2]).lower(), assignment
    import course
    import course.grading

    assert course.check_my_work is course.grading.check_my_work is in_notebook.check_my_work
    welcome = nbtools.read(nbtools.notebook_path("00_welcome"))
    assert any("check_my_work()" in nbtools.source_text(c) for c in welcome["cells"] if c["cell_type"] == "markdown")
