"""Checks used by the notebooks' test cells.

Each check raises ``AssertionError`` with a message that says what was expected, what came,
and (where the caller knows it) the likely mistake. They never print to stderr: nbgrader
scores any stderr output of a test cell as a failure, even on a right answer.

Grade cells run in the student's kernel, after the student's code, so these checks trust
nothing that code could have changed:

* test cells import the checks afresh (``from course.checks import ...``), so rebinding a
  check's name in the notebook changes nothing;
* answers must be of exact types (``numpy.ndarray`` of float64, ``float``, ``str``): a subclass
  whose comparisons lie is turned away before any value is compared;
* every check first runs :func:`_guard`, which compares NumPy, ``math``, the built-ins, this
  module and IPython's error reporting with the copies taken when this module was imported
  (before any student code ran). Anything replaced is put back and the check fails, saying
  what was changed. The grading tools also scan submissions for such code
  (``course.grading.integrity``), since no in-kernel defence can be complete.

An error in a check cell is shown with a plain hint above its traceback (a failed check's message
first; or "your sigmoid raised NameError..."), by an IPython exception handler that this module
installs when imported. The error stays an error output, so the cell still scores as failed.
"""
from __future__ import annotations

import builtins
import contextlib
import inspect
import linecache
import math
import re
import sys
import time
import types
import warnings

import numpy as np

__all__ = [
    "check_array",
    "check_close",
    "check_scalar",
    "check_choice",
    "grade_choice",
    "check_statements",
    "grade_statement",
    "check_number",
    "grade_number",
    "check_own",
    "no_warnings",
    "substitute",
]

# ---------------------------------------------------------------------------------------------
# The guard: what this module found when it was imported, and a check that it is still so.

# Built-ins that IPython or ipykernel themselves replace while running cells.
_VOLATILE_BUILTINS = {"input", "raw_input", "getpass", "display", "get_ipython", "help", "exit", "quit",
                      "open", "copyright", "credits", "license", "_", "__", "___"}
# Names IPython puts in a notebook's namespace that shadow a built-in on purpose.
_IPYTHON_GLOBALS = {"exit", "quit", "get_ipython", "open", "display", "help", "input"}


def _functions_of(module) -> dict:
    return {name: value for name, value in vars(module).items()
            if callable(value) and not isinstance(value, types.ModuleType) and not name.startswith("__")}


def _snapshot() -> dict:
    modules = [builtins, math, time] + [m for name, m in sorted(sys.modules.items())
                                  if (name == "numpy" or name.startswith("numpy.")) and isinstance(m, types.ModuleType)]
    saved = {}
    for module in modules:
        try:
            functions = _functions_of(module)
        except Exception:  # a lazily loaded module that cannot be listed
            continue
        if module is builtins:
            functions = {k: v for k, v in functions.items() if k not in _VOLATILE_BUILTINS}
        saved[module.__name__] = (module, functions)
    return saved


_SAVED = _snapshot()
_BUILTIN_FUNCTIONS = dict(_SAVED["builtins"][1])
_IPYTHON_METHODS = ("showtraceback", "_showtraceback", "showsyntaxerror", "showindentationerror",
                    "run_cell", "run_cell_async", "run_ast_nodes", "run_code", "transform_cell",
                    "should_run_async", "_run_cell")


def _ipython():
    shell = sys.modules.get("IPython")
    try:
        return shell.get_ipython() if shell is not None else None
    except Exception:
        return None


_IP = _ipython()


# ---------------------------------------------------------------------------------------------
# How an error in a check cell reads. IPython calls _show_error for every error in a cell (it is
# installed with set_custom_exc when this module is imported). In a check cell it puts a plain hint
# above the traceback: a check's own message first, or whose code raised what. Every other error
# is shown exactly as IPython shows it. Either way it stays an error output, so nbgrader and the
# grading tools still score the cell as failed.

_CHECK_CELL = re.compile(r"^\s*from\s+course\.checks\s+import\b", re.MULTILINE)


def _entries(tb) -> list:
    entries = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    return entries


def _cut(entries: list):
    """A traceback made of the given entries only (the frames inside the checks are left out)."""
    tb = None
    for entry in reversed(entries):
        tb = types.TracebackType(tb, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return tb


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines() or [""])


def _error_hint(shell, value, tb) -> tuple[str, object] | None:
    """For an error in a check cell: (a hint for the learner, the traceback to show under it).

    None for an error anywhere else, which is then shown as usual.
    """
    entries = _entries(tb)
    user_ns = shell.user_ns
    cell = next((i for i, e in enumerate(entries) if e.tb_frame.f_globals is user_ns), None)
    if cell is None:
        return None
    cell_file = entries[cell].tb_frame.f_code.co_filename
    if not _CHECK_CELL.search("".join(linecache.getlines(cell_file))):
        return None
    error = f"{type(value).__name__}: {value}".rstrip(": ") if str(value) else type(value).__name__
    # The learner's code: functions of the notebook (its globals) written in another cell.
    theirs = [e for e in entries[cell + 1:]
              if e.tb_frame.f_globals is user_ns and e.tb_frame.f_code.co_filename != cell_file]
    if theirs:
        name = getattr(theirs[0].tb_frame.f_code, "co_qualname", theirs[0].tb_frame.f_code.co_name)
        where = theirs[-1].tb_frame.f_code.co_name
        if isinstance(value, NotImplementedError) and entries[-1] is theirs[-1]:
            return (f"{name} is not written yet: it still raises NotImplementedError. Write it in its "
                    "cell above (in place of the raise NotImplementedError() line), run that cell, then "
                    "run this check again."), tb
        inside = f" (in {where}, which it calls)" if where != theirs[0].tb_frame.f_code.co_name else ""
        return (f"Your {name} raised {type(value).__name__}{inside} while this check ran it. The bug is in "
                f"your code, not in the check: the last lines of the traceback below show the line of your "
                f"code where it happened.\n{_indent(error)}"), tb
    raised_in = entries[-1].tb_frame.f_globals.get("__name__")
    if isinstance(value, AssertionError) and (raised_in == __name__ or len(entries) == cell + 1):
        shown = [e for e in entries if e.tb_frame.f_globals.get("__name__") != __name__]
        message = str(value) or "(this check gives no message: the line shown below is the check that failed)"
        if "replaced something the checks rely on" not in message:  # the guard's message says what to do
            message += "\nChange your code above, run its cell, then run this check again."
        return f"Check failed:\n{_indent(message)}", _cut(shown) if shown else tb
    if isinstance(value, NameError) and len(entries) == cell + 1 and getattr(value, "name", None):
        return (f"This check uses {value.name}, which is not defined yet. Run the cell that defines it "
                "(above) first, or run all the cells above this one, then run this check again."), tb
    return (f"This check stopped with {type(value).__name__} before it could judge your answer: most "
            "likely your code takes other arguments, or returns something else, than the exercise asks. "
            "Compare with the exercise's description; the traceback below ends at the line that stopped."
            f"\n{_indent(error)}"), tb


def _show_error(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for errors in cells (see set_custom_exc): a hint above the traceback of a
    check cell's error; IPython's own display for everything else."""
    if tb is None or tb.tb_frame.f_code.co_name != "run_code":
        # an error compiling the cell, not running it: what IPython itself does there
        if isinstance(value, IndentationError):
            shell.showindentationerror()
        elif isinstance(value, (OverflowError, SyntaxError, ValueError, TypeError, MemoryError)):
            shell.showsyntaxerror()
        else:
            shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    hint = None
    with contextlib.suppress(Exception):
        if not hasattr(value, "_render_traceback_"):  # an exception that renders itself is left alone
            hint = _error_hint(shell, value, tb)
    if hint is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
        return None
    text, shown_tb = hint
    bold, plain = ("", "") if str(getattr(shell, "colors", "")).lower() == "nocolor" else ("\x1b[1m", "\x1b[0m")
    lines = text.split("\n")
    header = f"{bold}{lines[0]}{plain}" + "".join("\n" + line for line in lines[1:]) + "\n"

    def render():  # never raises: if it did, IPython would show no error output at all
        try:
            return [header] + shell.InteractiveTB.structured_traceback(etype, value, shown_tb, tb_offset=tb_offset)
        except Exception:
            return [header, f"{etype.__name__} (the traceback could not be shown)"]

    try:
        value._render_traceback_ = render  # showtraceback shows what this returns
    except Exception:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
        return None
    try:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
    finally:
        with contextlib.suppress(Exception):
            del value._render_traceback_
    return None


_HANDLER_INSTALLED = _IP is not None and getattr(_IP, "custom_exceptions", None) == ()
if _HANDLER_INSTALLED:
    _IP.set_custom_exc((Exception,), _show_error)


_IP_SAVED = {} if _IP is None else {
    # as found on the shell, unbound (an instance attribute where ipykernel sets one, else the class's)
    "methods": {name: inspect.getattr_static(_IP, name) for name in _IPYTHON_METHODS if hasattr(_IP, name)},
    "CustomTB": getattr(_IP, "CustomTB", None),
    # ours, or none: a handler that was there before this module is treated as tampering
    "custom_exceptions": _IP.custom_exceptions if _HANDLER_INSTALLED else (),
    "InteractiveTB": getattr(_IP, "InteractiveTB", None),
    "displayhook": getattr(_IP, "displayhook", None),
    "display_pub": getattr(_IP, "display_pub", None),
}


def _notebook_globals() -> dict | None:
    """The namespace of the code that called a check (the notebook's), skipping this module."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    return frame.f_globals if frame is not None else None


def _ipython_hooks(shell) -> list[str]:
    """Remove hooks that code in the notebook added to IPython (callbacks run around every cell,
    transformers that rewrite a cell before it runs), and name them."""
    found = []

    def from_notebook(hook) -> bool:
        module = getattr(hook, "__module__", None) or getattr(type(hook), "__module__", "")
        return module in ("__main__", None) or not isinstance(module, str) or module.startswith("solutions_")

    events = getattr(shell, "events", None)
    for event, callbacks in (getattr(events, "callbacks", None) or {}).items():
        for hook in list(callbacks):
            if from_notebook(hook):
                found.append(f"a {event} hook in IPython")
                callbacks.remove(hook)
    for attribute in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers"):
        hooks = getattr(shell, attribute, None)
        if isinstance(hooks, list):
            for hook in list(hooks):
                if from_notebook(hook):
                    found.append(f"IPython's {attribute}")
                    hooks.remove(hook)
    return found


def _guard() -> None:
    """Fail (after putting things back) if code in the notebook replaced what the checks rely on."""
    changed = []
    for module_name, (module, functions) in _SAVED.items():
        if sys.modules.get(module_name, module) is not module:
            changed.append(f"sys.modules[{module_name!r}]")
            sys.modules[module_name] = module
        current = vars(module)
        for name, value in functions.items():
            if current.get(name) is not value:
                changed.append(f"{module_name}.{name}")
                setattr(module, name, value)
    here = vars(sys.modules[__name__]) if __name__ in sys.modules else globals()
    for name, value in _OWN.items():
        if here.get(name) is not value:
            changed.append(f"{__name__}.{name}")
            here[name] = value
    if _IP is not None:
        for name, value in _IP_SAVED["methods"].items():
            if inspect.getattr_static(_IP, name, None) is not value:
                changed.append(f"IPython's {name}")
                with contextlib.suppress(Exception):
                    if name in vars(_IP):
                        delattr(_IP, name)
                    if inspect.getattr_static(_IP, name, None) is not value:
                        setattr(_IP, name, value.__get__(_IP) if inspect.isfunction(value) else value)
        if getattr(_IP, "custom_exceptions", ()) != _IP_SAVED["custom_exceptions"]:
            changed.append("IPython's custom exception handler")
            _IP.custom_exceptions = _IP_SAVED["custom_exceptions"]
        for name in ("CustomTB", "InteractiveTB", "displayhook", "display_pub"):
            if getattr(_IP, name, None) is not _IP_SAVED[name]:
                changed.append(f"IPython's {name}")
                with contextlib.suppress(Exception):
                    setattr(_IP, name, _IP_SAVED[name])
        changed += _ipython_hooks(_IP)
    namespace = _notebook_globals()
    if namespace is not None:
        for name, value in _BUILTIN_FUNCTIONS.items():
            if name in namespace and name not in _IPYTHON_GLOBALS and namespace[name] is not value:
                changed.append(f"the built-in {name} (redefined in the notebook)")
                del namespace[name]
    if changed:
        raise AssertionError(
            "Code in this notebook replaced something the checks rely on: " + ", ".join(sorted(set(changed)))
            + ". It has been put back, but this check cannot trust this run. Remove that code, then "
            "restart the kernel and run all cells. (Submissions that do this are flagged for a person to review.)")


# ---------------------------------------------------------------------------------------------
# Messages.

def _hint(hint: str | None) -> str:
    return f"\nLikely mistake: {hint}" if hint else ""


def _preview(a, limit: int = 6) -> str:
    with np.printoptions(precision=6, suppress=False, threshold=limit, edgeitems=3):
        return np.array2string(np.asarray(a), separator=", ")


def _number(x: float) -> str:
    """A float with enough digits to show how two close numbers differ."""
    return repr(float(x)) if math.isfinite(x) else str(x)


def _type_name(value) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ in ("builtins", "numpy") else f"{kind.__module__}.{kind.__qualname__}"


# ---------------------------------------------------------------------------------------------
# Arrays and numbers.

def check_array(name: str, value, shape: tuple | None = None, hint: str | None = None) -> np.ndarray:
    """Assert that ``value`` is a NumPy array of float64 (of ``shape`` if given); return a copy.

    Only ``numpy.ndarray`` itself is accepted: a subclass can change how comparisons behave.
    """
    _guard()
    if type(value) is not np.ndarray:
        if isinstance(value, np.ndarray):
            raise AssertionError(
                f"{name} should be a plain NumPy array, but it is a {_type_name(value)} (a subclass of ndarray)."
                + _hint(hint or "return the result of NumPy operations, e.g. np.asarray(result)"))
        raise AssertionError(
            f"{name} should be a NumPy array, but it is a {_type_name(value)}."
            + _hint(hint or "return the result of NumPy operations, not a list or a number"))
    if value.dtype != np.float64:
        raise AssertionError(
            f"{name} should hold float64 numbers, but its dtype is {value.dtype}."
            + _hint(hint or "a comparison such as z > 0 gives booleans and integer input gives integers; "
                            "convert with np.asarray(z, dtype=float) or use np.maximum"))
    if shape is not None and value.shape != tuple(shape):
        raise AssertionError(f"{name} has shape {value.shape}, expected {tuple(shape)}." + _hint(hint))
    return np.array(value, dtype=np.float64, copy=True)


def check_close(name: str, value, expected, rtol: float = 1e-7, atol: float = 1e-10,
                hint: str | None = None) -> None:
    """Assert that the array ``value`` matches ``expected`` in type, shape and values."""
    expected = np.array(expected, dtype=np.float64)
    got = check_array(name, value, expected.shape, hint=hint)
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
        raise AssertionError(f"{name} contains inf or nan:\n{_preview(got)}" + _hint(hint))
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        diff = np.abs(got - expected)
        diff[~np.isfinite(diff)] = np.inf
        worst = np.unravel_index(np.argmax(diff), expected.shape) if expected.ndim else ()
        e, g = float(expected[worst]), float(got[worst])
        relative = abs(g - e) / max(abs(e), abs(g)) if (e or g) else 0.0
        raise AssertionError(
            f"{name} has the right shape {got.shape} but wrong values.\n"
            f"expected:\n{_preview(expected)}\ngot:\n{_preview(got)}\n"
            f"largest difference at index {tuple(int(i) for i in worst)}: "
            f"expected {_number(e)}, got {_number(g)} (relative difference {relative:.1e}, allowed {rtol:.0e})."
            + _hint(hint))


def check_scalar(name: str, value, expected: float | None = None, rtol: float = 1e-7,
                 atol: float = 1e-10, hint: str | None = None, python_float: bool = False) -> float:
    """Assert that ``value`` is one real number close to ``expected``; return it as a float.

    Accepted: a Python ``float`` or a ``numpy.float64``; with ``python_float=True`` (losses, and
    anything the contract says is a Python float) only ``float`` itself.
    """
    _guard()
    allowed = (float,) if python_float else (float, np.float64)
    if type(value) not in allowed:
        shape = getattr(value, "shape", None) if isinstance(value, np.ndarray) else None
        extra = f" of shape {shape}" if shape is not None else ""
        wanted = "a Python float" if python_float else "a single float"
        raise AssertionError(
            f"{name} should be {wanted}, but it is a {_type_name(value)}{extra}."
            + _hint(hint or "convert the result with float(...), e.g. return float(np.mean(...))"))
    got = float(value)
    if expected is not None:
        expected = float(expected)
        if not math.isfinite(got) or not (abs(got - expected) <= atol + rtol * abs(expected)):
            relative = abs(got - expected) / max(abs(expected), 1e-300) if math.isfinite(got) else math.inf
            raise AssertionError(
                f"{name} is {_number(got)}, expected {_number(expected)} "
                f"(relative difference {relative:.1e}, allowed {rtol:.0e})." + _hint(hint))
    return got


# ---------------------------------------------------------------------------------------------
# Concept questions. The visible check says whether an answer is valid; the hidden one grades it
# and, when it is wrong, explains why that choice is wrong.

def _letter(name: str, value, options: str) -> str:
    _guard()
    if type(value) is not str or value.strip().lower() not in set(options) or len(value.strip()) != 1:
        raise AssertionError(
            f"{name} should be one of the letters {', '.join(repr(o) for o in options)} (a str); "
            f"it is {value!r} ({_type_name(value)}).")
    return value.strip().lower()


def check_choice(name: str, value, options: str) -> None:
    """Assert that a concept-question answer is one of the letters in ``options``."""
    _letter(name, value, options)


def grade_choice(name: str, value, key: str, why: dict[str, str], options: str = "abcd") -> None:
    """Grade a one-letter answer. ``why`` maps each wrong letter to why it is wrong."""
    answer = _letter(name, value, options)
    if answer != key:
        raise AssertionError(f"{name}: {answer!r} is not right. {why.get(answer, '')}".rstrip())


def _letters(name: str, value, options: str) -> str:
    _guard()
    if type(value) is not str:
        raise AssertionError(f"{name} should be a str of letters such as \"{options[0]}{options[-1]}\"; "
                             f"it is {value!r} ({_type_name(value)}).")
    letters = "".join(value.lower().replace(",", " ").split())
    if any(c not in options for c in letters) or len(set(letters)) != len(letters):
        raise AssertionError(f"{name} should list each true statement's letter once, from {options!r}; "
                             f"it is {value!r}. Write \"\" if none is true.")
    return letters


def check_statements(name: str, value, options: str) -> None:
    """Assert that a "which statements are true?" answer is a str of distinct letters from ``options``."""
    _letters(name, value, options)


def grade_statement(name: str, value, letter: str, true: bool, why: str, options: str = "abcd") -> None:
    """Grade one statement of a "which are true?" question: is ``letter`` listed exactly when it is true?"""
    listed = letter in _letters(name, value, options)
    if listed != true:
        said = "true" if listed else "false"
        raise AssertionError(f"{name}: statement {letter}) is {'true' if true else 'false'}, "
                             f"but your answer marks it {said}. {why}")


def check_number(name: str, value) -> float:
    """Assert that a computed answer is a finite Python ``int`` or ``float``; return it."""
    _guard()
    if type(value) not in (int, float) or not math.isfinite(value):
        raise AssertionError(f"{name} should be a finite number (a plain Python int or float); it is {value!r} "
                             f"({_type_name(value)})." + _hint("write the number itself, or convert a NumPy "
                                                               "result with float(...) or int(...)"))
    return float(value)


def grade_number(name: str, value, expected: float, rtol: float = 0.01, why: str = "") -> None:
    """Grade a computed answer, within a relative tolerance ``rtol``."""
    got = check_number(name, value)
    if not abs(got - expected) <= rtol * abs(expected):
        raise AssertionError(f"{name} = {got:g} is not right (the tolerance is {rtol:.0%}). {why}".rstrip())


# ---------------------------------------------------------------------------------------------
# Whose work is it, warnings, and known-good building blocks.

def _from_course(value) -> str:
    """The course module ``value`` comes from ('' when it is not from the course package)."""
    if isinstance(value, types.ModuleType):
        module = value.__name__
    else:
        module = getattr(value, "__module__", None) or ""
    return module if type(module) is str and (module == "course" or module.startswith("course.")) else ""


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

    A graded answer may neither be a course-package object nor call one, directly or through a
    helper, unless its module is in ``allow``.
    """
    _guard()
    name = getattr(obj, "__name__", repr(obj))
    module = _from_course(obj)
    if module and module not in allow:
        raise AssertionError(
            f"{name} is imported from {module}; these points are for the version you write in this notebook.")
    used = _course_references(obj, tuple(allow), set())
    if used:
        raise AssertionError(
            f"{name} calls {', '.join(sorted(used))} from the course package; these points are for "
            "code you write in this notebook.")


@contextlib.contextmanager
def no_warnings(what: str, hint: str | None = None):
    """Fail, with a student-facing message, if the block emits any warning.

    NumPy's floating-point problems (overflow, invalid value, division by zero) are raised
    as errors inside the block too, so they are caught even when NumPy would only warn once.
    Underflow to zero is allowed: it is the correct limit, not a problem.
    """
    _guard()
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
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
            "A right answer computes this without warnings." + _hint(hint))


@contextlib.contextmanager
def substitute(namespace: dict, **replacements):
    """Temporarily rebind names in ``namespace`` (a notebook's ``globals()``).

    Tests of a function that builds on other exercises use this to swap in known-good
    building blocks, so one mistake is not charged twice.
    """
    _guard()
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


# This module's own functions, as imported: the guard puts them back if they are replaced.
_OWN = {name: globals()[name] for name in __all__ + ["_guard", "_letter", "_letters", "_notebook_globals",
                                                     "_ipython_hooks"]}
_SAVED[__name__] = (sys.modules[__name__], {})

# Freeze every reference copy: read-only views of dictionaries that nothing else holds, so code in
# the notebook cannot change what the guard restores.
_OWN = types.MappingProxyType(_OWN)
_SAVED = types.MappingProxyType({name: (module, types.MappingProxyType(functions))
                                 for name, (module, functions) in _SAVED.items()})
_BUILTIN_FUNCTIONS = types.MappingProxyType(dict(_BUILTIN_FUNCTIONS))
_IP_SAVED = types.MappingProxyType({key: types.MappingProxyType(value) if isinstance(value, dict) else value
                                    for key, value in _IP_SAVED.items()})


class _ReadOnlyModule(types.ModuleType):
    """This module's type: its checks cannot be reassigned, and reading one runs the guard, so
    ``from course.checks import check_close`` in a grade cell always gets the real check."""

    def __getattribute__(self, name, _own=_OWN, _guard=_guard):
        if name in _own:
            _guard()
            return _own[name]
        return super().__getattribute__(name)

    def __setattr__(self, name, value, _own=_OWN):
        if name in _own or name.startswith("_"):
            raise AttributeError(f"{__name__}.{name} is read-only: the grade cells rely on it.")
        super().__setattr__(name, value)

    def __delattr__(self, name, _own=_OWN):
        if name in _own or name.startswith("_"):
            raise AttributeError(f"{__name__}.{name} is read-only: the grade cells rely on it.")
        super().__delattr__(name)


sys.modules[__name__].__class__ = _ReadOnlyModule
