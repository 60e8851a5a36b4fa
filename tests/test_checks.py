"""Unit tests of course.checks: the checks that grade cells run."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from course import checks, plots


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
    assert checks.check_scalar("s", 0.5, 0.5, python_float=True) == 0.5
    for bad in (np.array(0.5), np.array([0.5]), "0.5", True, None, AlwaysEqual(), np.float32(0.5)):
        with pytest.raises(AssertionError, match="single float"):
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


def test_guard_undoes_patched_numpy_and_builtins_and_fails():
    import builtins

    real_allclose, real_divmod = np.allclose, builtins.divmod
    np.allclose = lambda *a, **k: True
    try:
        with pytest.raises(AssertionError, match=r"replaced something the checks rely on: numpy\.allclose"):
            checks.check_close("x", np.zeros(2), [1.0, 1.0])
        assert np.allclose is real_allclose, "the guard puts NumPy back"
        builtins.divmod = lambda *a: (0, 0)
        with pytest.raises(AssertionError, match=r"builtins\.divmod"):
            checks.check_choice("q", "a", "abcd")
        assert builtins.divmod is real_divmod
    finally:
        np.allclose, builtins.divmod = real_allclose, real_divmod
    with pytest.raises(AssertionError, match="wrong values"):  # after repair the checks work again
        checks.check_close("x", np.zeros(2), [1.0, 1.0])


def test_guard_sees_built_ins_shadowed_in_the_calling_namespace():
    namespace = {"__name__": "__main__", "checks": checks, "np": np}
    exec("len = lambda *a: 3", namespace)
    with pytest.raises(AssertionError, match="the built-in len"):
        exec("checks.check_array('x', np.zeros(2), (2,))", namespace)
    assert "len" not in namespace, "the shadowing name is removed"


def test_checks_module_is_read_only():
    import course.checks as module

    with pytest.raises(AttributeError, match="read-only"):
        module.check_close = lambda *a, **k: None
    with pytest.raises(AttributeError, match="read-only"):
        module._guard = lambda: None
    from course.checks import check_close
    with pytest.raises(AssertionError):
        check_close("x", np.zeros(1), [1.0])


class LyingStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class LyingFloat(float):
    def __eq__(self, other):
        return True


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)


def test_lying_subclasses_are_turned_away():
    with pytest.raises(AssertionError, match="plain NumPy array"):
        checks.check_close("x", np.zeros(2).view(LyingArray), [0.0, 0.0])
    with pytest.raises(AssertionError, match="single float"):
        checks.check_scalar("loss", LyingFloat(1.0), 2.0)
    with pytest.raises(AssertionError, match="one of the letters"):
        checks.check_choice("q", LyingStr("a"), "abcd")
    with pytest.raises(AssertionError, match="str of letters"):
        checks.check_statements("q", LyingStr("ab"), "abcd")
    with pytest.raises(AssertionError, match="finite number"):
        checks.check_number("q", LyingFloat(3.0))
    with pytest.raises(AssertionError, match="float64"):
        checks.check_array("x", np.zeros(2, dtype=np.float32), (2,))


def test_scalar_mismatch_shows_the_digits_that_differ():
    with pytest.raises(AssertionError) as info:
        checks.check_scalar("loss", 1.9597566001, 1.9597566, rtol=1e-12, atol=0.0, python_float=True)
    message = str(info.value)
    assert "1.9597566001" in message and "relative difference 5.1e-11" in message
    with pytest.raises(AssertionError, match="Python float"):
        checks.check_scalar("loss", np.float64(1.0), 1.0, python_float=True)


def test_concept_question_grading_explains_each_wrong_choice():
    why = {"a": "a is the forward pass.", "b": "b is recurrence.", "d": "d is the optimiser."}
    checks.grade_choice("answer_q1", " C ", "c", why)
    with pytest.raises(AssertionError, match="'b' is not right. b is recurrence."):
        checks.grade_choice("answer_q1", "b", "c", why)
    checks.grade_statement("answer_q5", "a, c", "a", True, why="")
    checks.grade_statement("answer_q5", "ac", "b", False, why="")
    with pytest.raises(AssertionError, match=r"statement b\) is true, but your answer marks it false. Because."):
        checks.grade_statement("answer_q5", "ac", "b", True, why="Because.")
    for bad in ("aa", "ae", 3):
        with pytest.raises(AssertionError):
            checks.check_statements("answer_q5", bad, "abcd")
    checks.check_statements("answer_q5", "", "abcd")
    checks.grade_number("answer_q6", 2.30, 2.302585, rtol=0.01)
    for bad in (True, "2.3", float("nan"), np.float64(2.3)):
        with pytest.raises(AssertionError, match="finite number"):
            checks.grade_number("answer_q6", bad, 2.302585)
    with pytest.raises(AssertionError, match="not right.*log C"):
        checks.grade_number("answer_q6", 2.0, 2.302585, why="Think log C.")
