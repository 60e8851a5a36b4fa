"""Progressive hints: every exercise has three, none gives a line of a solution, each press of the
button shows one more and notes it in hints_used.json, in a real kernel as in the notebook."""
from __future__ import annotations

import ast
import datetime as dt
import json
import os
import re
import threading

import nbformat
import pytest

from course import hints
from course.grading import nbtools
from course.hint_texts import HINTS
from conftest import ASSIGNMENTS, GRADED, ROOT


def _exercises(nb: dict) -> list[str]:
    """The grade_ids of the answer cells in which students write functions or classes (the concept
    questions only assign a letter or a number)."""
    out = []
    for cell in nb["cells"]:
        meta = nbtools.nbgrader_meta(cell)
        if cell["cell_type"] == "code" and meta.get("solution"):
            tree = ast.parse(nbtools.source_text(cell))
            if any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) for n in tree.body):
                out.append(meta["grade_id"])
    return out


# ----------------------------------------------------------------------------- coverage
def test_every_exercise_of_every_notebook_has_three_hints():
    for assignment in ASSIGNMENTS:
        found = _exercises(nbtools.read(nbtools.notebook_path(assignment)))
        assert list(HINTS.get(assignment, {})) == found, (
            f"{assignment}: the hint table lists {list(HINTS.get(assignment, {}))}, the notebook's exercises are {found}")
        for exercise, (title, steps) in HINTS.get(assignment, {}).items():
            assert title.strip() and len(steps) == 3 and all(len(s.strip()) > 40 for s in steps), (assignment, exercise)
    assert set(GRADED) <= set(HINTS), f"graded assignments without hints: {set(GRADED) - set(HINTS)}"
    assert sum(len(t) for a, t in HINTS.items() if a in ASSIGNMENTS) >= len(GRADED) * 3


def test_a_hint_cell_sits_right_under_each_exercise():
    for assignment in ASSIGNMENTS:
        cells = nbtools.read(nbtools.notebook_path(assignment))["cells"]
        hint_cells = [c for c in cells if "course.hints" in nbtools.source_text(c)]
        assert len(hint_cells) == len(HINTS.get(assignment, {})), f"{assignment}: one hint cell per exercise"
        for i, cell in enumerate(cells):
            gid = nbtools.nbgrader_meta(cell).get("grade_id")
            if gid in HINTS.get(assignment, {}) and nbtools.nbgrader_meta(cell).get("solution"):
                below = cells[i + 1]
                assert below["cell_type"] == "code" and not nbtools.nbgrader_meta(below), (assignment, gid)
                assert "draw-only" in below["metadata"].get("tags", []), f"{assignment} {gid}: tag the hint cell draw-only"
                assert re.search(rf'\bhint\("{re.escape(gid)}"\)\s*$', nbtools.source_text(below)), (assignment, gid)


# ----------------------------------------------------------------------------- never the solution
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _solution_lines() -> dict[str, str]:
    """Every non-trivial line of every reference solution (whitespace removed) -> where it is from.
    Trivial: short, or no operator, call or index (``return params``, ``else:``)."""
    lines = {}
    for assignment in nbtools.graded_assignments():
        for cell in nbtools.read(nbtools.notebook_path(assignment))["cells"]:
            if cell["cell_type"] != "code" or not nbtools.nbgrader_meta(cell).get("solution"):
                continue
            for region in SOLUTION.findall(nbtools.source_text(cell)):
                for line in region.splitlines():
                    code = line.split("  #")[0].strip()
                    if code.startswith("#") or '"""' in code:
                        continue
                    squashed = _squash(code)
                    if len(squashed) >= 6 and re.search(r"[=(@*+\-/\[<>]", squashed):
                        lines[squashed] = f"{assignment} {nbtools.nbgrader_meta(cell)['grade_id']}: {code}"
    return lines


def _leaks(texts: dict[str, str], lines: dict[str, str]) -> list[str]:
    squashed = {where: _squash(text.replace("`", "")) for where, text in texts.items()}
    return [f"{where} holds {line_from}" for where, text in squashed.items()
            for line, line_from in lines.items() if line in text]


def _hint_texts() -> dict[str, str]:
    return {f"{a} {e} {k}": text for a, table in HINTS.items() for e, (title, steps) in table.items()
            for k, text in enumerate((title, *steps))}


def test_no_hint_holds_a_line_of_any_solution():
    lines = _solution_lines()
    assert len(lines) > 100, "the solutions' lines were not found"
    leaks = _leaks(_hint_texts(), lines)
    assert not leaks, "hints must not give the code: " + "; ".join(leaks[:10])


def test_the_leak_check_can_fail():
    """A hint that quotes a solution line, even with other spacing or in backticks, is caught."""
    lines = _solution_lines()
    planted = {"sigmoid": "Then write `e = np.exp( -np.abs(z) )` and go on.",
               "dense_backward": "Try dW = X.T @ dZ for the weights."}
    assert len(_leaks(planted, lines)) == 2


# ----------------------------------------------------------------------------- the widget
def test_steps_open_one_at_a_time_and_are_noted(tmp_path, capsys):
    panel = hints.HintPanel("softmax", folder=tmp_path)
    assert panel.button.description == "Show hint 1 of 3" and panel.shown.children == ()
    assert "course-hints" in panel.widget._dom_classes
    assert not (tmp_path / hints.RECORD_FILE).exists(), "showing the button notes nothing"
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    panel.button.click()
    panel.button.click()
    assert panel.button.description == "Show hint 3 of 3" and not panel.button.disabled
    shown = [w.value for w in panel.shown.children]
    assert len(shown) == 2 and "Hint 1 of 3: a nudge" in shown[0] and "Hint 2 of 3: the key idea" in shown[1]
    assert hints.as_html(HINTS["02_loss_functions"]["softmax"][1][1]) in shown[1]
    record = json.loads((tmp_path / hints.RECORD_FILE).read_text())
    assert [(h["assignment"], h["exercise"], h["step"]) for h in record["hints"]] == [
        ("02_loss_functions", "softmax", 1), ("02_loss_functions", "softmax", 2)]
    for h in record["hints"]:
        when = dt.datetime.strptime(h["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
        assert before <= when <= dt.datetime.now(dt.timezone.utc)

    # run the cell again (or after a restart): the steps opened are shown, the next one is 3
    again = hints.HintPanel("softmax", folder=tmp_path)
    assert len(again.shown.children) == 2 and again.button.description == "Show hint 3 of 3"
    again.button.click()
    assert again.button.disabled and again.button.description == "All 3 hints shown"
    again.button.click()  # a late click on a disabled button changes nothing
    other = hints.HintPanel("mse_loss", folder=tmp_path)
    other.button.click()
    entries, problem = hints.read_record(tmp_path / hints.RECORD_FILE)
    assert problem == "" and len(entries) == 4
    assert hints.used(entries, "02_loss_functions") == {
        "mse_loss": {"steps": 1, "of": 3, "times": [entries[3]["time"]]},
        "softmax": {"steps": 3, "of": 3, "times": [e["time"] for e in entries[:3]]}}
    assert hints.used(entries, "01_forward_pass") == {}
    out = capsys.readouterr()
    assert out.err == "" and out.out == ""


def test_unknown_exercise_names_the_known_ones():
    with pytest.raises(ValueError, match="no hints for 'sigmod'.*sigmoid"):
        hints.hint("sigmod")


def test_the_instructors_copy_notes_nothing(tmp_path):
    course = tmp_path / "course"
    folder = course / "source" / "01_forward_pass"
    folder.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("")
    panel = hints.HintPanel("relu", folder=folder)
    panel.button.click()
    assert len(panel.shown.children) == 1 and "instructor" in panel.status.value
    assert not (folder / hints.RECORD_FILE).exists()


def test_a_folder_that_cannot_be_written_still_shows_the_hint(tmp_path):
    if os.geteuid() == 0:  # root writes anywhere: make the record's name a folder instead
        (tmp_path / hints.RECORD_FILE).mkdir()
    else:
        tmp_path.chmod(0o500)
    try:
        panel = hints.HintPanel("relu", folder=tmp_path)
        panel.button.click()
        assert len(panel.shown.children) == 1 and "could not be noted" in panel.status.value
    finally:
        tmp_path.chmod(0o700)


def test_records_from_students_are_read_safely(tmp_path):
    """The grader reads the student's file: links, special files, huge or malformed files and
    entries that are not hints are refused or left out, and reading never blocks."""
    good = {"assignment": "01_forward_pass", "exercise": "relu", "step": 2, "time": "2026-01-01T10:00:00Z"}
    path = tmp_path / "hints_used.json"
    path.write_text(json.dumps({"hints": [good, {"exercise": "relu", "step": "3"}, {"exercise": ["x"], "step": 1},
                                          {"exercise": "relu", "step": 9}, {"exercise": "nope", "step": 1},
                                          {"assignment": "07_capstone_digits", "exercise": "relu", "step": 3},
                                          "junk", {"exercise": "relu", "step": True}]}))
    entries, problem = hints.read_record(path)
    assert entries == [good] and problem.startswith("7 entries")

    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"hints": [good]}))
    link = tmp_path / "link" / "hints_used.json"
    link.parent.mkdir()
    link.symlink_to(secret)
    assert hints.read_record(link)[0] == [] and "could not be opened" in hints.read_record(link)[1]

    fifo = tmp_path / "fifo" / "hints_used.json"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    result = []
    reader = threading.Thread(target=lambda: result.append(hints.read_record(fifo)), daemon=True)
    reader.start()
    reader.join(5)
    assert result and result[0][0] == [] and "not a regular file" in result[0][1]

    big = tmp_path / "big" / "hints_used.json"
    big.parent.mkdir()
    big.write_text(json.dumps({"hints": [good] * 10000}))
    assert hints.read_record(big)[0] == [] and "larger than" in hints.read_record(big)[1]
    for text, says in (("{not json", "not valid JSON"), ("[1, 2]", "no list of hints"), ("\xff", "not valid JSON")):
        path.write_bytes(text.encode("latin-1"))
        assert hints.read_record(path) == ([], f"hints_used.json is {says}" if "JSON" in says
                                          else f"hints_used.json has {says}")
    assert hints.read_record(tmp_path / "missing.json") == ([], "")


# ----------------------------------------------------------------------------- what hints cost
def test_deductions_are_capped_and_never_below_zero():
    cells = {"a": ["t1", "t2"], "b": ["t3"], "c": ["t2", "t4"]}
    earned = {"t1": 1.0, "t2": 1.0, "t3": 0.0, "t4": 2.0}
    # a: 3 steps at 0.5 = 1.5, from t1 then t2; b earned nothing, so nothing is taken; c: 1 step = 0.5,
    # and t2 has only 0.5 left after a, so it comes from t2
    assert hints.deductions({"a": 3, "b": 3, "c": 1}, cells, earned, 0.5) == {"a": {"t1": 1.0, "t2": 0.5},
                                                                              "c": {"t2": 0.5}}
    # a cost larger than the exercise's points takes the exercise's points, no more
    assert hints.deductions({"a": 2}, cells, earned, 5) == {"a": {"t1": 1.0, "t2": 1.0}}
    assert hints.deductions({"a": 3}, cells, earned, 0) == {}


def test_each_exercise_is_checked_by_its_own_test_cells():
    """The test cells whose points a hint's cost can take, against the notebooks' own headings."""
    expected = {  # hand-read from the notebooks: part heading -> its test cells
        ("03_chain_rule", "value_derived"): ["test_value_derived", "test_value_reflected"],
        ("04_backpropagation", "sigmoid_backward"): ["test_sigmoid_backward_values", "test_sigmoid_backward_hidden"],
        ("04_backpropagation", "tanh_backward"): ["test_tanh_backward"],
        ("06_vanishing_gradients", "xavier_init"): ["test_init_shapes", "test_xavier_stats", "test_init_rng"],
        ("07_capstone_digits", "toolbox"): [],
        ("07_capstone_digits", "predict"): ["test_predict", "test_predict_hidden"],
    }
    for (assignment, exercise), tests in expected.items():
        if assignment in ASSIGNMENTS:
            nb = nbtools.read(nbtools.notebook_path(assignment))
            assert hints.exercise_cells(nb, assignment)[exercise] == tests
    for assignment in ASSIGNMENTS:
        nb = nbtools.read(nbtools.notebook_path(assignment))
        graded = {nbtools.nbgrader_meta(c)["grade_id"] for c in nb["cells"] if nbtools.is_autograded_test(c)}
        mapped = hints.exercise_cells(nb, assignment)
        assert set().union(*mapped.values()) <= graded
        assert all(mapped[e] for e in mapped if e != "toolbox"), f"{assignment}: an exercise without test cells"


# ----------------------------------------------------------------------------- in a real kernel
def test_the_hint_cell_runs_in_a_kernel(tmp_path):
    """The notebook's own hint cell in a real kernel, working folder = the notebook's: the widget is
    shown, nothing goes to stderr, and presses are noted beside the notebook."""
    from nbclient import NotebookClient

    source = nbtools.read(nbtools.notebook_path("01_forward_pass"))
    cell = next(c for c in source["cells"] if c.get("id") == "hint-mlp_forward")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(nbtools.source_text(cell)),
        nbformat.v4.new_code_cell("panel = _\npanel.button.click()\npanel.button.click()\n"
                                  "print(panel.button.description, len(panel.shown.children))")])
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    first, second = nb.cells
    assert [o["output_type"] for o in first.outputs] == ["display_data"]
    assert "application/vnd.jupyter.widget-view+json" in first.outputs[0]["data"]
    assert not any(o.get("name") == "stderr" or o["output_type"] == "error" for c in nb.cells for o in c.outputs)
    assert second.outputs[0]["text"] == "Show hint 3 of 3 2\n"
    record = json.loads((tmp_path / hints.RECORD_FILE).read_text())
    assert [(h["exercise"], h["step"]) for h in record["hints"]] == [("mlp_forward", 1), ("mlp_forward", 2)]


def test_release_notebooks_get_the_hint_cells(generated_course):
    """nbgrader keeps the hint cells, as plain cells, in the student version."""
    for assignment in ASSIGNMENTS:
        release = nbtools.read(nbtools.notebook_path(assignment, generated_course / "release"))
        calls = [nbtools.source_text(c) for c in release["cells"] if "course.hints" in nbtools.source_text(c)]
        assert len(calls) == len(HINTS.get(assignment, {}))
