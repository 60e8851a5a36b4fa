"""course.grading.integrity: the scan flags code that tampers with grading, and only that."""
from __future__ import annotations

import pytest

import hostile
from conftest import GRADED
from course.grading import integrity, nbtools

PROTECTED = {"np": "numpy", "plt": "matplotlib.pyplot", "check_close": "course.checks.check_close"}
MODULES = {"np", "plt", "course"}
OWN = {"sigmoid", "Value", "Momentum", "answer_q1"}


def reasons(code: str) -> list[str]:
    return integrity.scan_cell(code, PROTECTED, MODULES, OWN)


@pytest.mark.parametrize("code, expected", [
    ("np.allclose = lambda *a, **k: True", "changes np.allclose, an attribute of a module"),
    ("import numpy\nnumpy.testing.assert_allclose = print", "changes numpy.testing.assert_allclose"),
    ("import course.checks as c\nc.check_close = print", "changes c.check_close"),
    ("check_close = print", "rebinds check_close"),
    ("def check_close(*a): pass", "rebinds check_close"),
    ("from math import sqrt as np", "rebinds np"),
    ("isinstance = lambda *a: True", "rebinds the built-in isinstance"),
    ("def sigmoid(z):\n    global len\n    return z", "rebinds the built-in len"),
    ("class S(str):\n    pass", "class S subclasses str"),
    ("class F(float):\n    pass", "class F subclasses float"),
    ("class A(np.ndarray):\n    pass", "class A subclasses np.ndarray"),
    ("class T:\n    def __eq__(self, other): return True", "class T defines __eq__"),
    ("class T:\n    __eq__ = lambda s, o: True", "class T sets __eq__"),
    ("get_ipython().showtraceback = None", "uses get_ipython"),
    ("%load_ext something", "uses get_ipython"),
    ("!rm -rf /", "uses get_ipython"),
    ("import sys\nsys.modules['numpy'] = None", "imports sys"),
    ("import builtins", "imports builtins"),
    ("import importlib", "imports importlib"),
    ("import os", "imports os"),
    ("from IPython import get_ipython", "imports IPython"),
    ("from course.grading import autograde", "imports the grading tools"),
    ("vars(np)['allclose'] = 1", "uses vars"),
    ("setattr(np, 'allclose', 1)", "uses setattr"),
    ("exec('np.allclose = 1')", "uses exec"),
    ("x = np.__dict__", "reaches into .__dict__"),
    ("f = sigmoid.__globals__", "reaches into .__globals__"),
    ("obj.__class__ = int", "reassigns an object's __class__"),
    ("open('gradebook.db', 'w')", "uses open"),
    ("import course.checks as c\nown = c._OWN", "reaches into c._OWN, a module's private name"),
    ("from course.checks import _OWN", "imports private names _OWN"),
    ("import matplotlib\nmatplotlib.get_ipython()", "reaches into .get_ipython"),
    ("import ipywidgets", "imports ipywidgets"),
    ("shell.events.register('pre_run_cell', print)", "reaches into .events"),
    ("shell.input_transformers_post.append(print)", "reaches into .input_transformers_post"),
    ("getattr(shell, 'input_' + 'transformers_post')", "computed name"),
    ("getattr(np, '_core')", "reaches into ._core"),
    ("from operator import attrgetter", "imports attrgetter from operator"),
    ("m = np._core.numeric.sys", "a module's private name"),
    ("def step(p):\n    global given\n    given = 1", "declares given global"),
    ("def sigmoid(z):\n    return In[-1]", "reads IPython's history (In)"),
    ("x = _i3", "reads IPython's history (_i3)"),
    ("m = plt.os", "reaches into .os"),
    ("g = getattr(check_close, '__glo' + 'bals__')", "computed name"),
])
def test_tampering_is_flagged(code, expected):
    found = reasons(code)
    assert any(expected in r for r in found), f"{code!r}: expected a reason containing {expected!r}, got {found}"


@pytest.mark.parametrize("code", [
    "import numpy as np\nimport math\nfrom collections import defaultdict\nfrom itertools import product",
    "def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n    e = np.exp(-np.abs(z))\n    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))",
    "class Value:\n    def __init__(self, data, _children=()):\n        self.data = data\n        self.grad = 0.0\n"
    "    def __add__(self, other):\n        return Value(self.data + other.data)\n    __radd__ = __add__\n"
    "    def __repr__(self):\n        return f'Value({self.data})'",
    "class Momentum:\n    def __init__(self, lr, beta=0.9):\n        self.lr, self.beta, self.v = lr, beta, {}\n"
    "    def step(self, params, grads):\n        for k in params:\n            self.v[k] = self.beta * self.v.get(k, 0) + grads[k]\n"
    "            params[k] -= self.lr * self.v[k]",
    "answer_q1 = 'c'",
    "result = getattr(np, 'tanh')(np.zeros(2))\nplt.plot([1, 2])\nfig, ax = plt.subplots()\nprint(np.__version__)",
    "import matplotlib.pyplot as plt\nfrom course.data import make_moons",
    "for i in range(3):\n    total = i",
    "def f(x):\n    max_value = max(x)\n    return max_value",
])
def test_honest_code_is_not_flagged(code):
    assert reasons(code) == [], code


@pytest.mark.parametrize("assignment", GRADED)
def test_reference_solutions_and_stubs_are_not_flagged(assignment):
    source = nbtools.read(nbtools.notebook_path(assignment))
    release = nbtools.read(nbtools.notebook_path(assignment, nbtools.RELEASE))
    assert integrity.scan_notebook(nbtools.fill_solutions(release, source), release, source) == []
    assert integrity.scan_notebook(release, release, source) == []


@pytest.mark.parametrize("assignment", GRADED)
def test_the_simulated_tamperers_are_flagged(assignment):
    source = nbtools.read(nbtools.notebook_path(assignment))
    release = nbtools.read(nbtools.notebook_path(assignment, nbtools.RELEASE))
    tamperer = " ".join(integrity.scan_notebook(hostile.tamperer(release, source), release, source))
    for what in ("np.allclose", "get_ipython", "subclasses str", "subclasses float", "rebinds the built-in isinstance",
                 "rebinds check_close"):
        assert what in tamperer, f"{assignment}: the scan misses {what!r}"
    sneak = " ".join(integrity.scan_notebook(hostile.sneak(release, source), release, source))
    assert "imports sys" in sneak and "uses vars" in sneak


def test_reading_what_a_grade_cell_defines_is_flagged():
    found = integrity.scan_cell("def f(X):\n    return _expected", {}, set(), {"f"}, frozenset({"_expected"}))
    assert found == ["line 2: uses _expected, a name the grade cells define"], found
    assert integrity.scan_cell("for _ in range(3):\n    pass", {}, set(), set(), frozenset({"z"})) == []


def test_edited_provided_cells_and_added_cells_are_read():
    source = nbtools.read(nbtools.notebook_path(GRADED[0]))
    release = nbtools.read(nbtools.notebook_path(GRADED[0], nbtools.RELEASE))
    submission = nbtools.fill_solutions(release, source)
    submission["cells"].insert(0, {"cell_type": "code", "metadata": {}, "source": "np.isclose = None",
                                   "outputs": [], "execution_count": None})
    # a test cell whose grade_id appears twice: the copy is read like any other cell
    test = next(c for c in submission["cells"] if nbtools.is_autograded_test(c))
    submission["cells"].append(dict(test, source="import os"))
    found = integrity.scan_notebook(submission, release, source)
    assert any("cell 0, line 1: changes np.isclose" in r for r in found), found
    assert any("imports os" in r for r in found), found
