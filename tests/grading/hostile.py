"""Hostile submissions that do no work and try to win the points anyway, for any notebook.

The tamperer answers every exercise with a liar and attacks the checks from inside the kernel:
it rebinds the names the grade cells use, patches NumPy's comparisons and the checks module,
subclasses ``str``, ``float`` and ``ndarray`` with comparisons that always say "equal", shadows
built-ins, and silences IPython's error reporting. The grade cells must fail every time in the
kernel, and the grading scan must flag it. The sneak attacks only in ways no in-kernel defence
can stop (rewriting the grade cells before they run, replacing modules in ``sys.modules``), so
the scan alone must catch it.
"""
from __future__ import annotations

import ast

from course.grading import nbtools

LIARS = '''
import numpy as np

class _LyingArray(np.ndarray):
    def __eq__(self, other): return np.ones(self.shape, dtype=bool).view(np.ndarray)
    def __ne__(self, other): return np.zeros(self.shape, dtype=bool).view(np.ndarray)
    def __bool__(self): return True
    def __array_ufunc__(self, *args, **kwargs): return np.zeros(1, dtype=bool).view(_LyingArray)

class _LyingFloat(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __abs__(self): return 0.0
    def __sub__(self, other): return _LyingFloat(0.0)
    __rsub__ = __sub__
    def __hash__(self): return 0

class _LyingStr(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def strip(self, *a): return self
    def lower(self): return self
    def __hash__(self): return 0
    def __contains__(self, other): return True

def _liar(*args, **kwargs):
    out = np.zeros(3).view(_LyingArray)
    return out

class _LiarClass:
    def __init__(self, *args, **kwargs):
        self.data = _LyingFloat(0.0)
        self.grad = _LyingFloat(0.0)
    def __getattr__(self, name):
        return _liar

def _ok(*args, **kwargs):
    return None
'''

ATTACKS = '''
import contextlib, builtins, sys
# rebind every check a grade cell uses
check_array = check_close = check_scalar = check_choice = grade_choice = check_statements = _ok
grade_statement = check_number = grade_number = check_own = _ok
no_warnings = substitute = lambda *a, **k: contextlib.nullcontext()
# patch NumPy's comparisons
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
np.all = lambda *a, **k: True
np.isfinite = lambda x, *a, **k: np.ones(np.shape(x), dtype=bool)
# patch the checks module (it refuses assignment: try anyway)
import course.checks as _checks
for _name in ("check_array", "check_close", "check_scalar", "check_choice", "grade_choice", "check_own",
              "grade_statement", "check_statements", "check_number", "grade_number", "_guard"):
    try:
        setattr(_checks, _name, _ok)
    except Exception:
        pass
# shadow built-ins the grade cells use
isinstance = lambda *a: True
type = lambda *a: float
len = lambda *a: 3
# silence IPython's error reporting
_ip = get_ipython()
_ip.showtraceback = lambda *a, **k: None
_ip._showtraceback = lambda *a, **k: None
_ip.set_custom_exc((BaseException,), lambda *a, **k: None)
sys.excepthook = lambda *a: None
'''

SNEAK = '''
import sys
# rewrite every later cell that mentions a check into `pass`, before the kernel runs it
get_ipython().input_transformers_post.append(
    lambda lines: ["pass\\n"] if any("course.checks" in line for line in lines) else lines)
class _Pass:
    def __getattr__(self, name):
        return lambda *a, **k: None
sys.modules["course.checks"] = _Pass()
vars(sys.modules["numpy"])["allclose"] = lambda *a, **k: True
'''


def _defined(code: str) -> list[tuple[str, str]]:
    """(name, kind) of what an answer cell defines at the top level: 'def', 'class' or 'value'."""
    found = []
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef):
            found.append((node.name, "def"))
        elif isinstance(node, ast.ClassDef):
            found.append((node.name, "class"))
        elif isinstance(node, ast.Assign):
            found += [(t.id, "value") for t in node.targets if isinstance(t, ast.Name)]
    return found


def _liar_answer(code: str) -> str:
    lines = []
    for name, kind in _defined(code):
        if kind == "def":
            lines.append(f"{name} = _liar")
        elif kind == "class":
            lines.append(f"class {name}(_LiarClass):\n    pass")
        else:
            lines.append(f"{name} = _LyingStr('a')")
    return "\n".join(lines) + "\n"


def _liars_with(attacks: str, release_nb: dict, source_nb: dict) -> dict:
    """Every answer a liar; the first answer cell also carries ``attacks``."""
    answers = nbtools.cells_by_grade_id(source_nb)
    gids = [gid for gid, c in answers.items() if nbtools.nbgrader_meta(c).get("solution") and c["cell_type"] == "code"]
    replace = {gid: _liar_answer(nbtools.source_text(answers[gid])) for gid in gids}
    replace[gids[0]] = LIARS + replace[gids[0]] + attacks
    return nbtools.fill_solutions(release_nb, source_nb, replace)


def tamperer(release_nb: dict, source_nb: dict) -> dict:
    """Liars for answers, and every in-kernel attack."""
    return _liars_with(ATTACKS, release_nb, source_nb)


def sneak(release_nb: dict, source_nb: dict) -> dict:
    """Liars for answers, and attacks that only the scan can catch (sys.modules, input transformers)."""
    return _liars_with(SNEAK, release_nb, source_nb)
