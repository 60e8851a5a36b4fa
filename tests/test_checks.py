"""Unit tests of course.checks: the checks that grade cells run."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
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
