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


# ---------------------------------------------------------------------------------------------
# How errors in check cells read, in a real kernel: a plain hint above the traceback.

import re  # noqa: E402

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbgrader.utils import determine_grade  # noqa: E402

from course.grading import nbtools  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")

LEARNER = '''\
def sigmoid(z):
    return 1 / (1 + np.exp(-z)) + 0.1       # wrong by 0.1

def relu(z):
    return np.maximum(z, 0) + undefined_name

def tanh_(z):
    raise NotImplementedError()

def double(z):
    return np.asarray(z, dtype=float) * 2

def calls_relu(z):
    return relu(z)
'''


def check_cell(body: str) -> str:
    return f'"""A check cell."""\nfrom course.checks import check_close\n{body}'


def run_cells(sources: list[str], cwd=None) -> list:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(cwd or nbtools.ROOT)}}).execute()
    return nb.cells


def error_text(cell) -> tuple[str, str]:
    """(the first entry of the cell's error traceback, all of it), without colours."""
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1, f"one error output expected in {cell.source!r}, got {cell.outputs}"
    return ANSI.sub("", errors[0].traceback[0]), ANSI.sub("", "\n".join(errors[0].traceback))


def hint_comes_first(text: str, hint: str) -> None:
    assert hint in text, f"{hint!r} not in:\n{text}"
    assert text.index(hint) < text.index("Traceback (most recent call last)"), f"the hint is not above:\n{text}"


def test_check_cell_errors_show_a_plain_hint_above_the_traceback():
    cells = run_cells([
        "import numpy as np\nimport course.checks",
        LEARNER,
        check_cell('check_close("sigmoid(0)", sigmoid(np.zeros(2)), [0.5, 0.5], hint="use the formula")'),
        check_cell('check_close("relu", relu(np.zeros(2)), [0.0, 0.0])'),
        check_cell('check_close("tanh_", tanh_(np.zeros(2)), [0.0, 0.0])'),
        check_cell('check_close("softmax", softmax(np.zeros(2)), [0.5, 0.5])'),
        check_cell('check_close("calls_relu", calls_relu(np.zeros(2)), [0.0, 0.0])'),
        check_cell('check_close("double", double(np.ones(2), 3), [2.0, 2.0])'),
        check_cell('check_close("double", double(np.ones(2)), [2.0, 2.0])\nprint("double: OK")'),
        "relu(np.zeros(2))",                        # the learner's own cell: IPython's traceback only
        "def broken(:\n    pass",                   # a syntax error is still shown as one
        "get_ipython().set_custom_exc((), None)",   # tampering with the handler ...
        check_cell('check_close("double", double(np.ones(2)), [2.0, 2.0])'),     # ... fails the next check
        check_cell('check_close("sigmoid(0)", sigmoid(np.zeros(2)), [0.5, 0.5])'),  # and it is put back
    ])
    wrong, raises, stub, undefined, nested, bad_call, right, own, syntax, tamper, caught, repaired = cells[2:]

    first, text = error_text(wrong)
    assert first.startswith("Check failed:") and "expected 0.5, got 0.6" in first and "use the formula" in first
    hint_comes_first(text, "Check failed:")
    assert "checks.py" not in text, "the checks' own frames are left out of a failed check's traceback"
    first, text = error_text(raises)
    assert first.startswith("Your relu raised NameError while this check ran it")
    assert "name 'undefined_name' is not defined" in first
    hint_comes_first(text, "The bug is in your code, not in the check")
    assert "undefined_name" in text.split("Traceback (most recent call last)")[1], "the learner's line is shown"
    first, _ = error_text(stub)
    assert first.startswith("tanh_ is not written yet: it still raises NotImplementedError")
    first, _ = error_text(undefined)
    assert first.startswith("This check uses softmax, which is not defined yet")
    first, _ = error_text(nested)
    assert first.startswith("Your calls_relu raised NameError (in relu, which it calls)")
    first, _ = error_text(bad_call)
    assert first.startswith("This check stopped with TypeError") and "takes 1 positional argument" in first

    assert [o.output_type for o in right.outputs] == ["stream"] and right.outputs[0].name == "stdout"
    first, text = error_text(own)
    assert text.lstrip("-\n ").startswith("NameError"), "a learner's own cell gets IPython's usual traceback"
    assert "Your" not in text and "Check failed" not in text
    first, text = error_text(syntax)
    assert "SyntaxError" in text and "Check failed" not in text

    first, _ = error_text(caught)
    assert "replaced something the checks rely on" in first and "custom exception handler" in first
    first, _ = error_text(repaired)
    assert first.startswith("Check failed:"), "the guard put the handler back"

    for cell in cells:
        assert not any(o.output_type == "stream" and o.name == "stderr" for o in cell.outputs), cell.source
    # nbgrader still scores every failed check cell as failed, and the passing one as passed
    for cell, passed in [(wrong, False), (raises, False), (stub, False), (undefined, False), (caught, False),
                         (right, True)]:
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 1, "grade_id": "x"}
        assert determine_grade(cell)[0] == (1 if passed else 0), cell.source


def test_failing_checks_of_the_untouched_release_notebook_all_start_with_a_hint():
    path = nbtools.ROOT / "release" / "01_forward_pass" / "forward_pass.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    hints = ("Check failed:", "is not written yet", "Your ", "This check ")
    failed = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not any(o.output_type == "stream" and o.name == "stderr" for o in cell.outputs), cell.source
        if cell.metadata.get("nbgrader", {}).get("grade") and any(o.output_type == "error" for o in cell.outputs):
            failed += 1
            first, text = error_text(cell)
            assert any(h in first.splitlines()[0] for h in hints), \
                f"no hint above the traceback of:\n{cell.source}\n---\n{text}"
            hint_comes_first(text, first.splitlines()[0])
            assert determine_grade(cell)[0] == 0
    assert failed >= 10, f"the stubs should fail most of the checks, {failed} failed"
