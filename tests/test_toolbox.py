"""course.toolbox copies a student's own pieces from their saved notebooks 01–06, and nothing else.

The students here are simulated: each earlier notebook as released, with its answer cells filled in
(from the reference solutions, markers removed, as a student's copy would hold them), saved in the
folder layout nbgrader's fetch makes. Notebook 06 is written here, with a student's initialisers.
"""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from course import toolbox
from course.grading import nbtools

EARLIER = ["01_forward_pass", "02_loss_functions", "03_chain_rule", "04_backpropagation", "05_gradient_descent"]

# A student's notebook 06, written for this test: the initialisers in answer cells, and a read-only
# cell holding another init_mlp that must never be copied.
INIT_CELLS = [
    ("xavier_init", "def xavier_init(fan_in, fan_out, rng):\n"
                    "    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))\n"),
    ("he_init", "def he_init(fan_in, fan_out, rng):\n    return rng.normal(0.0, _he_std(fan_in), size=(fan_in, fan_out))\n\n"
                "def _he_std(fan_in):\n    return np.sqrt(2.0 / fan_in)\n"),
    ("init_mlp", "SMALL_STD = 0.01\n\n"
                 "def init_mlp(layer_sizes, rng, method='he'):\n"
                 "    draw = {'he': he_init, 'xavier': xavier_init,\n"
                 "            'small': lambda i, o, r: r.normal(0.0, SMALL_STD, size=(i, o))}[method]\n"
                 "    params = {}\n"
                 "    for l in range(1, len(layer_sizes)):\n"
                 "        params[f'W{l}'] = draw(layer_sizes[l - 1], layer_sizes[l], rng)\n"
                 "        params[f'b{l}'] = np.zeros(layer_sizes[l])\n"
                 "    return params\n"),
]
GIVEN_06 = "def init_mlp(layer_sizes, rng, method='he'):\n    return 'the given one'\n"


def _cell(source: str, meta: dict | None) -> dict:
    return {"cell_type": "code", "id": f"c{abs(hash(source)) % 10**8}", "metadata": {"nbgrader": meta} if meta else {},
            "source": source, "execution_count": None, "outputs": []}


def _answer(gid: str, source: str) -> dict:
    return _cell(source, {"schema_version": 3, "grade": False, "solution": True, "locked": False, "grade_id": gid})


def student_notebook(assignment: str) -> dict:
    """A student's saved copy: the release notebook with its answer cells done (no solution markers)."""
    release = nbtools.read(nbtools.notebook_path(assignment, nbtools.RELEASE))
    done = nbtools.fill_solutions(release, nbtools.read(nbtools.notebook_path(assignment)))
    for cell in done["cells"]:
        if nbtools.nbgrader_meta(cell).get("solution"):
            cell["source"] = "".join(line for line in nbtools.source_text(cell).splitlines(keepends=True)
                                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)
    return done


def notebook_06() -> dict:
    cells = [_cell("import numpy as np\n", None),
             _cell(GIVEN_06, {"schema_version": 3, "grade": False, "solution": False, "locked": True, "grade_id": "given"})]
    cells += [_answer(gid, source) for gid, source in INIT_CELLS]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture(scope="module")
def notebooks() -> dict[str, dict]:
    found = {a: student_notebook(a) for a in EARLIER}
    found["06_vanishing_gradients"] = notebook_06()
    return found


def make_course(root, notebooks: dict[str, dict]):
    """Lay the notebooks out as nbgrader's fetch does; return the capstone's folder."""
    for assignment, nb in notebooks.items():
        name = "vanishing_gradients.ipynb" if assignment.startswith("06") else nbtools.notebook_path(assignment).name
        nbtools.write(nb, root / assignment / name)
    here = root / "07_capstone_digits"
    here.mkdir()
    return here


def _run(text: str) -> dict:
    namespace: dict = {}
    exec(compile(text, "<toolbox>", "exec"), namespace)
    return namespace


def test_copies_the_students_own_pieces_and_they_train(tmp_path, notebooks):
    here = make_course(tmp_path, notebooks)
    text = toolbox.toolbox_source(folder=here)
    ns = _run(text)
    for name in toolbox.PIECES + ("relu", "dense_forward", "relu_backward", "dense_backward", "he_init", "_he_std", "SMALL_STD"):
        assert name in ns, f"{name} was not copied"
    # answer cells only: nothing from the read-only cells of 04 (given pieces) or 06
    assert "init_params" not in ns and "numerical_gradient" not in ns and "the given one" not in text
    assert "Reference versions" not in text
    # each piece from its own notebook, the helpers with it, in notebook order
    assert text.index("from 01_forward_pass") < text.index("def mlp_forward") < text.index("from 02_loss_functions")
    assert text.index("from 06_vanishing_gradients") < text.index("def _he_std")
    # the copied pieces work together: a few steps of training lower the loss
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 5)), rng.integers(0, 3, size=40)
    params = ns["init_mlp"]([5, 16, 3], rng)
    opt = ns["Adam"](0.05)
    first = ns["mlp_loss_and_grads"](X, y, params)[0]
    for _ in range(30):
        for Xb, yb in ns["iterate_minibatches"](X, y, 8, rng):
            opt.step(params, ns["mlp_loss_and_grads"](Xb, yb, params)[1])
    assert ns["mlp_loss_and_grads"](X, y, params)[0] < 0.5 * first


def test_a_subset_of_pieces_brings_its_helpers_only(tmp_path, notebooks):
    here = make_course(tmp_path, notebooks)
    ns = _run(toolbox.toolbox_source(["mlp_forward"], folder=here))
    assert {"mlp_forward", "relu", "sigmoid", "dense_forward"} <= set(ns)
    assert "softmax" not in ns and "Adam" not in ns
    assert ns["mlp_forward"](np.ones((2, 3)), {"W1": np.ones((3, 2)), "b1": np.zeros(2)})[0].tolist() == [[3.0, 3.0]] * 2


def test_a_stub_is_reported_with_its_notebook_and_nothing_is_copied(tmp_path, notebooks, capsys):
    changed = copy.deepcopy(notebooks)
    release = nbtools.read(nbtools.notebook_path("05_gradient_descent", nbtools.RELEASE))
    stub = next(c for c in release["cells"] if nbtools.nbgrader_meta(c).get("grade_id") == "Adam")
    changed["05_gradient_descent"]["cells"] = [stub if nbtools.nbgrader_meta(c).get("grade_id") == "Adam" else c
                                               for c in changed["05_gradient_descent"]["cells"]]
    here = make_course(tmp_path, changed)
    with pytest.raises(toolbox.ToolboxError) as error:
        toolbox.toolbox_source(folder=here)
    message = str(error.value)
    assert "Adam" in message and "05_gradient_descent" in message and "NotImplementedError" in message
    assert "SGD" not in message   # only what is wrong is named
    assert toolbox.paste_toolbox(folder=here) is None
    assert "Adam" in capsys.readouterr().out


def test_a_missing_notebook_is_named(tmp_path, notebooks):
    here = make_course(tmp_path, {a: nb for a, nb in notebooks.items() if not a.startswith("06")})
    with pytest.raises(toolbox.ToolboxError, match="init_mlp: notebook 06 was not found"):
        toolbox.toolbox_source(folder=here)
    # the pieces that do not need 06 still copy
    assert "def mlp_loss_and_grads" in toolbox.toolbox_source(["mlp_loss_and_grads", "Adam"], folder=here)


def test_a_piece_only_in_a_given_cell_is_not_copied(tmp_path, notebooks):
    changed = copy.deepcopy(notebooks)
    changed["06_vanishing_gradients"]["cells"] = [c for c in changed["06_vanishing_gradients"]["cells"]
                                                  if nbtools.nbgrader_meta(c).get("grade_id") != "init_mlp"]
    here = make_course(tmp_path, changed)
    with pytest.raises(toolbox.ToolboxError, match="init_mlp: not defined in an answer cell of 06_vanishing_gradients"):
        toolbox.toolbox_source(folder=here)


def test_instructor_source_notebooks_are_refused(tmp_path, notebooks):
    changed = dict(notebooks)
    changed["01_forward_pass"] = nbtools.read(nbtools.notebook_path("01_forward_pass"))
    here = make_course(tmp_path, changed)
    with pytest.raises(toolbox.ToolboxError, match="instructor's source notebook"):
        toolbox.toolbox_source(folder=here)


def test_the_untouched_release_gives_nothing(tmp_path):
    """A student who has done nothing gets a list of notebooks to finish, never code."""
    released = {a: nbtools.read(nbtools.notebook_path(a, nbtools.RELEASE)) for a in EARLIER}
    here = make_course(tmp_path, released)
    with pytest.raises(toolbox.ToolboxError) as error:
        toolbox.toolbox_source(folder=here)
    for name in ("mlp_forward", "softmax_cross_entropy", "mlp_loss_and_grads", "Adam", "init_mlp"):
        assert name in str(error.value)


def test_conflicting_helpers_are_reported(tmp_path, notebooks):
    changed = copy.deepcopy(notebooks)
    for assignment, end, body in (("01_forward_pass", "return A, cache", "return 1"),
                                  ("04_backpropagation", "return loss, grads", "return 2")):
        cells = changed[assignment]["cells"]
        target = next(c for c in cells if nbtools.nbgrader_meta(c).get("grade_id") in ("mlp_forward", "mlp_loss_and_grads"))
        assert end in nbtools.source_text(target)
        target["source"] = nbtools.source_text(target).replace(end, "_helper()\n    " + end) + \
            f"\n\ndef _helper():\n    {body}\n"
    here = make_course(tmp_path, changed)
    with pytest.raises(toolbox.ToolboxError, match="_helper: your notebooks 01 and 04 define it differently"):
        toolbox.toolbox_source(folder=here)


def test_magics_and_broken_cells_do_not_stop_the_copy(tmp_path, notebooks):
    changed = copy.deepcopy(notebooks)
    changed["02_loss_functions"]["cells"].append(_answer("extra", "%timeit softmax(np.ones((2, 2)))\n"))
    changed["02_loss_functions"]["cells"].append(_answer("broken", "def oops(:\n"))
    here = make_course(tmp_path, changed)
    assert "def softmax_cross_entropy" in toolbox.toolbox_source(folder=here)


class FakeShell:
    def __init__(self):
        self.calls = []

    def set_next_input(self, text, replace=False):
        self.calls.append((text, replace))


def test_paste_toolbox_replaces_the_cell_or_adds_one(tmp_path, notebooks, monkeypatch, capsys):
    import IPython

    here = make_course(tmp_path, notebooks)
    shell = FakeShell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert toolbox.paste_toolbox(folder=here) is None      # no second copy of the code under the cell
    assert shell.calls == [(toolbox.toolbox_source(folder=here), True)]
    assert "run this cell again" in capsys.readouterr().out
    toolbox.paste_toolbox(["Adam"], folder=here, replace=False)
    assert shell.calls[-1][1] is False and "class Adam" in shell.calls[-1][0]


def test_paste_toolbox_prints_outside_jupyter(tmp_path, notebooks, monkeypatch, capsys):
    import IPython

    here = make_course(tmp_path, notebooks)
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    text = toolbox.paste_toolbox(["softmax"], folder=here)
    assert "def softmax" in capsys.readouterr().out and "def softmax" in text


def test_finds_notebooks_beside_the_working_directory(tmp_path, notebooks, monkeypatch):
    here = make_course(tmp_path, notebooks)
    monkeypatch.chdir(here)
    found = toolbox.find_notebooks()
    assert sorted(found) == ["01", "02", "03", "04", "05", "06"]
    assert found["04"].name == "backpropagation.ipynb"


def test_the_module_holds_no_answer():
    import inspect

    source = inspect.getsource(toolbox)
    for name in ("mlp_forward", "softmax_cross_entropy", "mlp_loss_and_grads", "Adam", "init_mlp"):
        assert f"def {name}" not in source and f"class {name}" not in source
    assert json.dumps(toolbox.PIECES)  # only names
