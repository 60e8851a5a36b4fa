"""Checks used by the notebooks' test cells.

Each check raises ``AssertionError`` with a message that says what was expected, what
came, and (where the caller knows it) the likely mistake. They never print to stderr:
nbgrader scores any stderr output of a test cell as a failure, even on a right answer.

Type and shape are checked before values, so an object that claims to equal
everything (``__eq__`` always ``True``) cannot pass.
"""
from __future__ import annotations

import contextlib
import inspect
import types
import warnings

import numpy as np

__all__ = [
    "check_array",
    "check_close",
    "check_scalar",
    "check_choice",
    "check_own",
    "no_warnings",
    "substitute",
]


def _hint(hint: str | None) -> str:
    return f"\nLikely mistake: {hint}" if hint else ""


def _preview(a, limit: int = 6) -> str:
    with np.printoptions(precision=6, suppress=False, threshold=limit, edgeitems=3):
        return np.array2string(np.asarray(a), separator=", ")


def check_array(name: str, value, shape: tuple | None = None, hint: str | None = None) -> np.ndarray:
    """Assert that ``value`` is a float NumPy array (of ``shape`` if given); return it."""
    if not isinstance(value, np.ndarray):
        raise AssertionError(
            f"{name} should be a NumPy array, but it is a {type(value).__name__}."
            + _hint(hint or "return the result of NumPy operations, not a list or a number")
        )
    if not np.issubdtype(value.dtype, np.floating):
        raise AssertionError(
            f"{name} should hold floats, but its dtype is {value.dtype}."
            + _hint(hint or "a comparison such as z > 0 gives booleans; convert or use np.maximum")
        )
    if shape is not None and value.shape != tuple(shape):
        raise AssertionError(
            f"{name} has shape {value.shape}, expected {tuple(shape)}." + _hint(hint)
        )
    return value


def check_close(name: str, value, expected, rtol: float = 1e-7, atol: float = 1e-10,
                hint: str | None = None) -> None:
    """Assert that the array ``value`` matches ``expected`` in shape and values."""
    expected = np.asarray(expected, dtype=float)
    value = check_array(name, value, expected.shape, hint=None if hint is None else hint)
    if not np.all(np.isfinite(value)) and np.all(np.isfinite(expected)):
        raise AssertionError(
            f"{name} contains inf or nan:\n{_preview(value)}" + _hint(hint)
        )
    if not np.allclose(value, expected, rtol=rtol, atol=atol):
        worst = np.unravel_index(np.argmax(np.abs(value - expected)), expected.shape) if expected.ndim else ()
        raise AssertionError(
            f"{name} has the right shape {value.shape} but wrong values.\n"
            f"expected:\n{_preview(expected)}\ngot:\n{_preview(value)}\n"
            f"largest difference at index {tuple(int(i) for i in worst)}: "
            f"expected {float(expected[worst]):.8g}, got {float(value[worst]):.8g}."
            + _hint(hint)
        )


def check_scalar(name: str, value, expected: float | None = None, rtol: float = 1e-7,
                 atol: float = 1e-10, hint: str | None = None) -> float:
    """Assert that ``value`` is a real number (Python or NumPy scalar, or a 0-d array), close to ``expected``."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and np.issubdtype(value.dtype, np.number):
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        shape = getattr(value, "shape", None)
        extra = f" of shape {shape}" if shape is not None else ""
        raise AssertionError(
            f"{name} should be a single number, but it is a {type(value).__name__}{extra}."
            + _hint(hint or "return a float, e.g. float(np.mean(...)), not an array")
        )
    value = float(value)
    if expected is not None:
        if not np.isfinite(value):
            raise AssertionError(f"{name} is {value}, expected {expected:.8g}." + _hint(hint))
        if not np.isclose(value, expected, rtol=rtol, atol=atol):
            raise AssertionError(f"{name} is {value:.8g}, expected {expected:.8g}." + _hint(hint))
    return value


def check_choice(name: str, value, options: str) -> None:
    """Assert that a concept-question answer is one of the letters in ``options``."""
    if not isinstance(value, str) or value.strip().lower() not in set(options):
        raise AssertionError(
            f"{name} should be one of the letters {', '.join(repr(o) for o in options)}; "
            f"it is {value!r}."
        )


def _from_course(value) -> str:
    """The course module ``value`` comes from ('' when it is not from the course package)."""
    if isinstance(value, types.ModuleType):
        module = value.__name__
    else:
        module = getattr(value, "__module__", None) or ""
    return module if module == "course" or module.startswith("course.") else ""


def _course_references(obj, allow: tuple, seen: set) -> set[str]:
    """Names of course-package objects that ``obj`` (or the notebook functions it calls) uses."""
    if id(obj) in seen:
        return set()
    seen.add(id(obj))
    functions = ([f for f in vars(obj).values() if inspect.isfunction(f)] if isinstance(obj, type)
                 else [obj] if inspect.isfunction(obj) else [])
    found = set()
    for function in functions:
        try:
            refs = inspect.getclosurevars(function)
        except (TypeError, ValueError):
            continue
        for name, value in {**refs.globals, **refs.nonlocals}.items():
            module = _from_course(value)
            if module and module not in allow:
                found.add(f"{name} ({module})")
            elif (inspect.isfunction(value) or isinstance(value, type)) and \
                    getattr(value, "__module__", None) == getattr(function, "__module__", ""):
                # a helper written in the same notebook: look inside it too
                found |= _course_references(value, allow, seen)
    return found


def check_own(obj, allow: tuple = ()) -> None:
    """Assert that a graded function or class is the student's own work, not the course's.

    The course package holds building blocks for later notebooks (e.g. the forward pass, used
    in notebook 04). A graded answer may neither be one of them nor call one, directly or
    through a helper, unless its module is in ``allow`` (notebook 04 allows
    ``"course.building_blocks"``, which has no backward pass in it).
    """
    name = getattr(obj, "__name__", repr(obj))
    module = _from_course(obj)
    if module and module not in allow:
        raise AssertionError(
            f"{name} is imported from {module}; these points are for the version you write in this notebook."
        )
    used = _course_references(obj, tuple(allow), set())
    if used:
        raise AssertionError(
            f"{name} calls {', '.join(sorted(used))} from the course package; these points are for "
            "code you write in this notebook."
        )


@contextlib.contextmanager
def no_warnings(what: str, hint: str | None = None):
    """Fail, with a student-facing message, if the block emits any warning.

    NumPy's floating-point problems (overflow, invalid value, division by zero) are raised
    as errors inside the block too, so they are caught even when NumPy would only warn once.
    Underflow to zero is allowed: it is the correct limit, not a problem.
    """
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        warnings.simplefilter("always")
        try:
            yield
        except FloatingPointError as error:
            raise AssertionError(
                f"{what} raised a floating-point problem: {error}. A right answer computes "
                "this without overflow or invalid values (and so without warnings)." + _hint(hint)
            ) from None
    if caught:
        first = caught[0]
        raise AssertionError(
            f"{what} emitted a warning: {first.category.__name__}: {first.message}. "
            "A right answer computes this without warnings." + _hint(hint)
        )


@contextlib.contextmanager
def substitute(namespace: dict, **replacements):
    """Temporarily rebind names in ``namespace`` (a notebook's ``globals()``).

    Tests of a function that builds on other exercises use this to swap in known-good
    building blocks, so one mistake is not charged twice.
    """
    missing = object()
    saved = {name: namespace.get(name, missing) for name in replacements}
    namespace.update(replacements)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = old
