"""Simulated students for 03_chain_rule: typical mistakes, and the test cells each must fail.

Each entry of STUDENTS maps a student id to the answer cells it replaces (by grade_id; the
other answers are the reference solutions) and the grade cells it must lose. Every other
auto-graded cell must score in full: a mistake costs the points of its own function only.

The mistaken `Value` classes are the reference class with one thing changed, so that each
student differs from a right answer in exactly the way described.
"""
from course.grading import nbtools

_ANSWERS = nbtools.cells_by_grade_id(nbtools.read(nbtools.notebook_path("03_chain_rule")))
_VALUE = nbtools.source_text(_ANSWERS["value_class"])


def _value_with(*edits):
    """The reference Value class with each (old, new) text replacement applied (all must apply)."""
    code = _VALUE
    for old, new in edits:
        assert old in code, f"tests/mistakes/03_chain_rule.py: {old!r} is not in the reference Value class"
        code = code.replace(old, new)
    return code


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
    # (largest difference over largest size); no reflected operators, so 2 * v fails; the backward
    # pass walks the graph breadth-first; Q2 thinks backprop and gradient descent are one thing.
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
                "    return float(np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b))))\n"
            ),
            "value_class": _VALUE + "\n\ndel Value.__radd__, Value.__rsub__, Value.__rmul__, Value.__rtruediv__\n",
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
            "q2": 'answer_q2 = "b"\n',
        },
        "fails": {"test_numgrad_restore", "test_numgrad_hidden", "test_relerr_values", "test_relerr_hidden",
                  "test_value_reflected", "test_backward_topo", "test_backward_hidden", "test_q2"},
    },
    # `=` instead of `+=` in every _backward (right until a node is reused), and tanh' = 1 - tanh;
    # Q5 does not see the problem with `=`.
    "overwrites": {
        "answers": {
            "value_class": _value_with((".grad += ", ".grad = "), ("(1 - t ** 2) * out.grad", "(1 - t) * out.grad")),
            "q5": 'answer_q5 = "a"\n',
        },
        "fails": {"test_value_reuse", "test_value_local_nonlinear", "test_value_local_hidden", "test_q5"},
    },
    # The power rule off by one (n * x**n), and a backward pass by naive recursion that calls a
    # shared node's _backward once per path; Q3 answers "recurrence".
    "recursion": {
        "answers": {
            "value_class": _value_with(("n * self.data ** (n - 1) if n", "n * self.data ** n if n")),
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
        "fails": {"test_value_local_arith", "test_value_local_hidden", "test_backward_topo",
                  "test_backward_hidden", "test_q3"},
    },
}
