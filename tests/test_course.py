"""Unit tests of the helper package: checks, data, plots, widgets, notebook tools."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import checks, data, nbtools, plots, widgets


class AlwaysEqual:
    shape = (3,)
    dtype = np.dtype(float)

    def __eq__(self, other):
        return True

    def __len__(self):
        return 3


def test_check_array_rejects_impostors_and_wrong_shapes():
    with pytest.raises(AssertionError, match="NumPy array"):
        checks.check_array("x", AlwaysEqual(), (3,))
    with pytest.raises(AssertionError, match="NumPy array"):
        checks.check_array("x", [1.0, 2.0], (2,))
    with pytest.raises(AssertionError, match="dtype is bool"):
        checks.check_array("x", np.array([True, False]), (2,))
    with pytest.raises(AssertionError, match=r"(?s)shape \(3, 2\), expected \(2, 3\).*transpose"):
        checks.check_array("Z", np.zeros((3, 2)), (2, 3), hint="check the transpose")
    assert checks.check_array("x", np.zeros(2), (2,)).shape == (2,)


def test_check_close_reports_expected_got_and_where():
    with pytest.raises(AssertionError) as info:
        checks.check_close("Z", np.array([[1.0, 2.0], [3.0, 5.0]]), [[1.0, 2.0], [3.0, 4.0]], hint="add b")
    message = str(info.value)
    assert "expected" in message and "got" in message and "(1, 1)" in message and "add b" in message
    with pytest.raises(AssertionError, match="inf or nan"):
        checks.check_close("p", np.array([np.nan]), [0.5])
    checks.check_close("ok", np.array([1.0, 2.0]), [1.0, 2.0 + 1e-12])


def test_check_scalar_accepts_numbers_and_rejects_arrays():
    assert checks.check_scalar("s", np.float64(0.5), 0.5) == 0.5
    assert checks.check_scalar("s", np.array(0.5), 0.5) == 0.5
    for bad in (np.array([0.5]), "0.5", True, None, AlwaysEqual()):
        with pytest.raises(AssertionError, match="single number"):
            checks.check_scalar("s", bad, 0.5)
    with pytest.raises(AssertionError, match="expected 0.5"):
        checks.check_scalar("s", 0.6, 0.5)
    with pytest.raises(AssertionError):
        checks.check_scalar("s", float("nan"), 0.5)


def test_check_choice():
    checks.check_choice("q", "b", "abcd")
    checks.check_choice("q", " B ", "abcd")
    for bad in ("e", None, 2, AlwaysEqual()):
        with pytest.raises(AssertionError, match="one of the letters"):
            checks.check_choice("q", bad, "abcd")


def test_check_own_rejects_functions_from_the_course_package():
    def mine(z):
        return z
    mine.__module__ = "__main__"
    checks.check_own(mine)
    checks.check_own(np.tanh)
    with pytest.raises(AssertionError, match="imported from course.plots"):
        checks.check_own(plots.grid_over)


def test_check_own_sees_through_wrappers_and_helpers():
    namespace = {"__name__": "__main__"}
    exec("import course.data as cd\n"
         "from course.plots import grid_over as g\n"
         "def wrapper(n): return cd.make_xor(n)\n"
         "def helper(X): return g(X)\n"
         "def indirect(X): return helper(X)\n"
         "class Thing:\n"
         "    def method(self): return cd.make_blobs\n"
         "def honest(z): return max(z, 0)\n", namespace)
    for name in ("wrapper", "indirect", "Thing"):
        with pytest.raises(AssertionError, match="from the course package"):
            checks.check_own(namespace[name])
    checks.check_own(namespace["honest"])
    checks.check_own(namespace["indirect"], allow=("course.plots",))


def test_no_warnings_catches_overflow_and_warnings_but_allows_underflow():
    with pytest.raises(AssertionError, match="overflow"):
        with checks.no_warnings("naive sigmoid"):
            1 / (1 + np.exp(np.array([1000.0])))
    with pytest.raises(AssertionError, match="(?s)overflow.*Likely mistake: subtract the max"):
        with checks.no_warnings("naive softmax", hint="subtract the max"):
            np.exp(np.array([1000.0]))
    with pytest.raises(AssertionError, match="UserWarning"):
        with checks.no_warnings("code"):
            import warnings
            warnings.warn("careful")
    with checks.no_warnings("underflow"):
        assert np.exp(np.array([-1000.0]))[0] == 0.0


def test_substitute_restores_names_even_on_error():
    namespace = {"f": 1}
    with pytest.raises(RuntimeError):
        with checks.substitute(namespace, f=2, g=3):
            assert namespace["f"] == 2 and namespace["g"] == 3
            raise RuntimeError
    assert namespace == {"f": 1}


@pytest.mark.parametrize("maker,args,classes", [
    (data.make_blobs, (30,), 2), (data.make_xor, (10,), 2), (data.make_moons, (41,), 2),
    (data.make_spirals, (25, 3), 3)])
def test_data_generators_are_seeded_and_shaped(maker, args, classes):
    X1, y1 = maker(*args, np.random.default_rng(5))
    X2, y2 = maker(*args, np.random.default_rng(5))
    np.testing.assert_array_equal(X1, X2)
    assert X1.ndim == 2 and X1.shape[1] == 2 and X1.dtype == np.float64
    assert y1.shape == (X1.shape[0],) and np.issubdtype(y1.dtype, np.integer)
    assert set(np.unique(y1)) == set(range(classes))


def test_xor_labels_follow_the_corners():
    X, y = data.make_xor(50, np.random.default_rng(0), std=0.05)
    np.testing.assert_array_equal(y, (np.round(X[:, 0]) != np.round(X[:, 1])).astype(int))


def test_plots_draw_without_widgets():
    X, y = data.make_blobs(10, np.random.default_rng(0))
    for score_fn in (lambda P: P @ np.array([[1.0, -1.0], [1.0, -1.0]]), lambda P: P[:, 0]):
        fig, ax = plt.subplots()
        plots.plot_decision_boundary(score_fn, X, y, ax=ax, steps=20)
        points = [c.get_offsets() for c in ax.collections if len(c.get_offsets()) and c.get_label().startswith("class")]
        assert sorted(len(p) for p in points) == [10, 10], "each class's points are drawn once"
        lo, hi = X.min(axis=0), X.max(axis=0)
        assert ax.get_xlim()[0] < lo[0] and ax.get_xlim()[1] > hi[0] and ax.get_ylim()[0] < lo[1]
    ax = plots.plot_functions({"tanh": np.tanh}, ax=plt.subplots()[1])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.tanh(ax.lines[0].get_xdata()))
    plane, curve = widgets.plot_neuron(lambda X, W, b: X @ W + b, np.tanh, 1.0, -1.0, 0.5, X, y, "tanh")
    assert "+1.00·x1 -1.00·x2 +0.50" in plane.get_title()
    np.testing.assert_allclose(curve.lines[0].get_ydata(), np.tanh(curve.lines[0].get_xdata()))
    plt.close("all")


def test_neuron_explorer_survives_unwritten_functions(capsys):
    def stub(*args):
        raise NotImplementedError()
    X, y = data.make_blobs(5, np.random.default_rng(0))
    widgets.neuron_explorer(stub, {"sigmoid": stub}, X, y)
    calls = []
    widgets.neuron_explorer(lambda X, W, b: calls.append(W.shape) or X @ W + b, {"tanh": np.tanh}, X, y)
    plt.close("all")
    assert "Traceback" not in capsys.readouterr().err
    assert calls and all(shape == (2, 1) for shape in calls), "the explorer runs the student's dense_forward"


def test_fill_solutions_takes_answers_by_grade_id():
    source = nbtools.read(nbtools.notebook_path("01_forward_pass"))
    release = nbtools.read(nbtools.notebook_path("01_forward_pass", nbtools.RELEASE))
    filled = nbtools.fill_solutions(release, source, {"relu": "def relu(z):\n    return z\n"})
    cells = nbtools.cells_by_grade_id(filled)
    assert nbtools.source_text(cells["relu"]) == "def relu(z):\n    return z\n"
    assert "BEGIN SOLUTION" in nbtools.source_text(cells["sigmoid"])
    with pytest.raises(KeyError):
        nbtools.fill_solutions(release, source, {"no_such_cell": ""})
