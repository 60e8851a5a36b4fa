"""Simulated students for 03_chain_rule: typical mistakes, and the test cells each must fail.

Each entry of STUDENTS maps a student id to the answer cells it replaces (by grade_id; the
other answers are the reference solutions) and the grade cells it must lose. Every other
auto-graded cell must score in full: a mistake costs the points of its own method group only.

`Value` is written in three answer cells (C1 `value_class`: the class with * and **; C2
`value_derived`: -, /, unary - and the reflected forms; C3 `value_nonlinear`: tanh, exp, relu)
plus `value_backward`. A mistaken cell is the reference cell with one thing changed, so that each
student differs from a right answer in exactly the way described.
"""
from course.grading import nbtools

_SOURCE = nbtools.read(nbtools.notebook_path("03_chain_rule"))
_ANSWERS = nbtools.cells_by_grade_id(_SOURCE)
_ALL_TESTS = {gid for gid, c in _ANSWERS.items() if nbtools.is_autograded_test(c)}


def _with(grade_id, *edits):
    """The reference answer cell `grade_id` with each (old, new) text replacement applied (all must apply)."""
    code = nbtools.source_text(_ANSWERS[grade_id])
    for old, new in edits:
        assert old in code, f"tests/notebooks/mistakes/03_chain_rule.py: {old!r} is not in the answer {grade_id!r}"
        code = code.replace(old, new)
    return code


# Objects that lie: an ndarray subclass and a float subclass that compare equal to everything, a str
# that equals every letter, a Value whose numbers are such floats, and a backward pass that writes the
# expected-looking seed into every node. None of it may earn a point.
_LIARS = (
    "import numpy as np\n"
    "class _AnyArray(np.ndarray):\n"
    "    def __eq__(self, other): return np.ones(self.shape, dtype=bool)\n"
    "    def __ne__(self, other): return np.zeros(self.shape, dtype=bool)\n"
    "class _AnyFloat(float):\n"
    "    def __eq__(self, other): return True\n"
    "    def __ne__(self, other): return False\n"
    "    def __lt__(self, other): return True\n"
    "    def __le__(self, other): return True\n"
    "    def __gt__(self, other): return True\n"
    "    def __ge__(self, other): return True\n"
    "    def __abs__(self): return _AnyFloat(0.0)\n"
    "    def __sub__(self, other): return _AnyFloat(0.0)\n"
    "    __rsub__ = __sub__\n"
    "    def __hash__(self): return 0\n"
    "class _AnyStr(str):\n"
    "    def __eq__(self, other): return True\n"
    "    def __ne__(self, other): return False\n"
    "    def __contains__(self, item): return True\n"
    "    def __hash__(self): return 0\n"
    "    def strip(self, *a): return self\n"
    "    def lower(self): return self\n"
)

_LIAR_VALUE = (
    "class Value:\n"
    "    def __init__(self, data, _children=(), _op=''):\n"
    "        self.data = _AnyFloat(data)\n"
    "        self.grad = _AnyFloat(0.0)\n"
    "        self._prev = tuple(_children)\n"
    "        self._op = _op\n"
    "        self._backward = lambda: None\n"
    "    def _any(self, *args):\n"
    "        return Value(0.0, (self,) + tuple(a for a in args if isinstance(a, Value)), '?')\n"
    "    __add__ = __mul__ = __pow__ = __radd__ = __rmul__ = _any\n"
    "    def backward(self):\n"
    "        self.grad = _AnyFloat(1.0)\n"
)

STUDENTS = {
    # One-sided differences (the textbook definition of a derivative, used as is); relative_error
    # without the 1e-8 floor, so two zeros give 0/0; Q1 believes backprop moves the weights.
    "numerics": {
        "answers": {
            "numerical_gradient": (
                "def numerical_gradient(f, x, h=1e-5):\n"
                "    grad = np.zeros(x.shape)\n"
                "    fx = f(x)\n"
                "    for idx in np.ndindex(x.shape):\n"
                "        old = x[idx]\n"
                "        x[idx] = old + h\n"
                "        grad[idx] = (f(x) - fx) / h\n"
                "        x[idx] = old\n"
                "    return grad\n"
            ),
            "relative_error": (
                "def relative_error(a, b):\n"
                "    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)\n"
                "    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))\n"
            ),
            "q1": 'answer_q1 = "a"\n',
        },
        "fails": {"test_numgrad_central", "test_numgrad_hidden", "test_relerr_floor", "test_relerr_hidden",
                  "test_q1"},
    },
    # The input is left perturbed (each entry ends at old - h); the max is taken in the wrong place
    # (largest difference over largest size); relative_error returns a 0-d array, not a float; no
    # reflected operators, so 2 * v fails; the backward pass walks the graph breadth-first; Q2 believes
    # the chain rule itself only runs backwards.
    "careless": {
        "answers": {
            "numerical_gradient": (
                "def numerical_gradient(f, x, h=1e-5):\n"
                "    grad = np.zeros(x.shape)\n"
                "    for idx in np.ndindex(x.shape):\n"
                "        x[idx] += h\n"
                "        f_plus = f(x)\n"
                "        x[idx] -= 2 * h\n"
                "        grad[idx] = (f_plus - f(x)) / (2 * h)\n"
                "    return grad\n"
            ),
            "relative_error": (
                "def relative_error(a, b):\n"
                "    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)\n"
                "    return np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b)))\n"
            ),
            "value_derived": _with("value_derived", (
                "Value.__radd__, Value.__rsub__, Value.__rmul__, Value.__rtruediv__ = "
                "__radd__, __rsub__, __rmul__, __rtruediv__", "")),
            "value_backward": (
                "from collections import deque\n"
                "def backward(self):\n"
                "    self.grad = 1.0\n"
                "    queue, seen = deque([self]), {id(self)}\n"
                "    while queue:\n"
                "        node = queue.popleft()\n"
                "        node._backward()\n"
                "        for child in node._prev:\n"
                "            if id(child) not in seen:\n"
                "                seen.add(id(child))\n"
                "                queue.append(child)\n"
                "Value.backward = backward\n"
            ),
            "q2": 'answer_q2 = "a"\n',
        },
        "fails": {"test_numgrad_restore", "test_numgrad_hidden", "test_relerr_values", "test_relerr_floor",
                  "test_relerr_hidden", "test_value_reflected", "test_backward_topo", "test_backward_hidden",
                  "test_q2"},
    },
    # `=` instead of `+=` in every _backward (right until a node is reused), and tanh' = 1 - tanh;
    # Q5 marks "backprop is gradient descent" true as well.
    "overwrites": {
        "answers": {
            "value_class": _with("value_class", (".grad += ", ".grad = ")),
            "value_nonlinear": _with("value_nonlinear", (".grad += ", ".grad = "),
                                     ("(1 - t ** 2) * out.grad", "(1 - t) * out.grad")),
            "q5": 'answer_q5 = "acd"\n',
        },
        "fails": {"test_value_core_reuse", "test_value_nonlinear_local", "test_q5_d"},
    },
    # Only the tanh derivative is wrong (1 - tanh instead of 1 - tanh**2): one cell, not three.
    "tanh_slip": {
        "answers": {
            "value_nonlinear": _with("value_nonlinear", ("(1 - t ** 2) * out.grad", "(1 - t) * out.grad")),
        },
        "fails": {"test_value_nonlinear_local"},
    },
    # The power rule off by one (n * x**n), and a backward pass by naive recursion that calls a
    # shared node's _backward once per path; Q3 reads a 2e-4 entry as a certain bug.
    "recursion": {
        "answers": {
            "value_class": _with("value_class", ("n * self.data ** (n - 1) if n", "n * self.data ** n if n")),
            "value_backward": (
                "def backward(self):\n"
                "    def push(node):\n"
                "        node._backward()\n"
                "        for child in node._prev:\n"
                "            push(child)\n"
                "    self.grad = 1.0\n"
                "    push(self)\n"
                "Value.backward = backward\n"
            ),
            "q3": 'answer_q3 = "a"\n',
        },
        "fails": {"test_value_core_local", "test_backward_topo", "test_backward_hidden", "test_q3"},
    },
    # Equality for identity: backward marks nodes visited by their .data, so two different nodes
    # holding the same number count as one; a - b made from numbers (Value(self.data - other.data)),
    # cut off from a and b; Q4 forgets the direct path from a (12 instead of 18); Q5 misses c).
    "equality": {
        "answers": {
            "value_derived": _with("value_derived", ("    return self + (-other)\n",
                                                     "    other = other.data if isinstance(other, Value) else other\n"
                                                     "    return Value(self.data - other)\n")),
            "value_backward": _with("value_backward", ("if id(node) not in visited", "if node.data not in visited"),
                                    ("visited.add(id(node))", "visited.add(node.data)")),
            "q4": "answer_q4 = 12.0\n",
            "q5": 'answer_q5 = "a"\n',
        },
        "fails": {"test_value_derived", "test_backward_topo", "test_q4", "test_q5_c"},
    },
    # A number on the right not wrapped (a * 4 fails on int.data): charged once, in the forward cell,
    # since the other * and ** checks use Values only; relative_error returns NumPy's float64, not the
    # Python float the contract asks for (every relative_error cell checks the type).
    "unwrapped": {
        "answers": {
            "value_class": _with("value_class", (
                "        other = other if isinstance(other, Value) else Value(other)\n        out = Value(self.data * other.data",
                "        out = Value(self.data * other.data")),
            "relative_error": (
                "def relative_error(a, b):\n"
                "    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)\n"
                "    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))\n"
            ),
        },
        "fails": {"test_value_core_forward", "test_relerr_values", "test_relerr_floor", "test_relerr_hidden"},
    },
    # A cheater who reuses what grade cells leave in the notebook's namespace: a complete backward pass
    # (the C2/C3 checks once defined _ref_backward in plain sight), the hidden test's reference loop
    # (_loop) and expected gradient (_expected), the visible test's coefficients (_c); lookup tables
    # for the visible inputs otherwise, and an f called once so that "x restored" looks true.
    "scavenger": {
        "answers": {
            "numerical_gradient": (
                "def numerical_gradient(f, x, h=1e-5):\n"
                "    for name in ('_expected', '_c'):\n"
                "        try:\n"
                "            found = {'_expected': lambda: _expected, '_c': lambda: _c}[name]()\n"
                "        except NameError:\n"
                "            continue\n"
                "        if np.shape(found) == x.shape:\n"
                "            return np.array(found, dtype=float)\n"
                "    f(x)\n"
                "    return 3 * x ** 2 + h ** 2 if h != 1e-5 else 3 * x ** 2\n"
            ),
            "relative_error": (
                "def relative_error(a, b):\n"
                "    try:\n"
                "        return float(_loop(a, b))\n"
                "    except NameError:\n"
                "        pass\n"
                "    if np.ndim(a) == 0:\n"
                "        return {(3.0, 3.3): 0.3 / 6.3, (1e-12, 0.0): 1e-4}.get((a, b), 0.0)\n"
                "    return 1.0 / 3.0 if np.size(a) == 2 and np.ravel(a)[0] == 1000.0 else 0.0\n"
            ),
            "value_backward": "def backward(self):\n    _ref_backward(self)\nValue.backward = backward\n",
        },
        "fails": {"test_numgrad_values", "test_numgrad_central", "test_numgrad_restore", "test_numgrad_hidden",
                  "test_relerr_values", "test_relerr_floor", "test_relerr_hidden",
                  "test_backward_chain", "test_backward_topo", "test_backward_hidden"},
        "cheats": True,
    },
    # A cheater who reads the calling check through the stack (an exception's traceback and getattr with
    # built-up names, which the scan does not see) and uses the reference it finds there. The hidden
    # relative_error check makes its reference only after the last call, so there is nothing to find.
    "stack_reader": {
        "answers": {
            "relative_error": (
                "def relative_error(a, b):\n"
                "    try:\n"
                "        raise KeyError\n"
                "    except KeyError as error:\n"
                "        caller = getattr(getattr(error.__traceback__, 'tb_' + 'frame'), 'f_' + 'back')\n"
                "    for name, value in getattr(caller, 'f_' + 'locals').items():\n"
                "        if name in ('loop', '_loop') and callable(value):\n"
                "            return float(value(a, b))\n"
                "    return 0.0\n"
            ),
        },
        "fails": {"test_relerr_values", "test_relerr_floor", "test_relerr_hidden"},
        "cheats": True,
    },
    # A cheater whose every answer is an object that lies about equality (ndarray, float and str
    # subclasses equal to everything), plus a Value built of such floats: nothing may score.
    "liar": {
        "answers": {
            "numerical_gradient": _LIARS + (
                "def numerical_gradient(f, x, h=1e-5):\n"
                "    return np.zeros(x.shape).view(_AnyArray)\n"),
            "relative_error": "def relative_error(a, b):\n    return _AnyFloat(0.0)\n",
            "value_class": _LIAR_VALUE,
            "value_derived": "Value.__neg__ = Value.__sub__ = Value.__truediv__ = Value._any\n"
                             "Value.__rsub__ = Value.__rtruediv__ = Value._any\n",
            "value_nonlinear": "Value.tanh = Value.exp = Value.relu = Value._any\n",
            "value_backward": "pass\n",
            "q1": 'answer_q1 = _AnyStr("c")\n',
            "q2": 'answer_q2 = _AnyStr("b")\n',
            "q3": 'answer_q3 = _AnyStr("d")\n',
            "q4": "answer_q4 = _AnyFloat(18.0)\n",
            "q5": 'answer_q5 = _AnyStr("ac")\n',
        },
        "fails": _ALL_TESTS,
        "cheats": True,
    },
    # A cheater that hands back what it was given: the input array as its gradient, a relative error
    # that is always 0, operations that return their left operand, and a backward that seeds every
    # node it can see with 1. Its concept answers are right, so only those score.
    "echo": {
        "answers": {
            "numerical_gradient": "def numerical_gradient(f, x, h=1e-5):\n    return x\n",
            "relative_error": "def relative_error(a, b):\n    return 0.0\n",
            "value_class": _with("value_class", (
                "    def __mul__(self, other):\n", "    def __mul__(self, other):\n        return self\n"), (
                "    def __pow__(self, n):\n", "    def __pow__(self, n):\n        return self\n")),
            "value_derived": ("Value.__neg__ = Value.__sub__ = Value.__truediv__ = lambda self, *other: self\n"
                              "Value.__radd__ = Value.__rsub__ = Value.__rmul__ = Value.__rtruediv__ = "
                              "lambda self, other: self\n"),
            "value_nonlinear": "Value.tanh = Value.exp = Value.relu = lambda self: self\n",
            "value_backward": (
                "def backward(self):\n"
                "    todo = [self]\n"
                "    while todo:\n"
                "        node = todo.pop()\n"
                "        node.grad = 1.0\n"
                "        todo.extend(node._prev)\n"
                "Value.backward = backward\n"
            ),
        },
        "fails": _ALL_TESTS - {"test_q1", "test_q2", "test_q3", "test_q4", "test_q5_a", "test_q5_b", "test_q5_c",
                               "test_q5_d"},
        "cheats": True,
    },
}
