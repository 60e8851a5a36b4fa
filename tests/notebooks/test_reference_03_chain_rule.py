"""The reference solutions of 03_chain_rule agree with independent implementations.

On seeded inputs the notebook never uses: numerical_gradient against derivatives known in
closed form and against complex-step derivatives; relative_error against an explicit loop;
Value against forward-mode automatic differentiation with dual numbers (an independent method:
one pass per input, no graph, no backward), on random expression programs that reuse nodes.
Gradient semantics follow torch.autograd (for example, relu'(0) = 0).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from course.grading import nbtools


@pytest.fixture(scope="module")
def ns():
    return nbtools.solution_namespace("03_chain_rule")


# ---------------------------------------------------------------- numerical_gradient

@pytest.mark.parametrize("shape", [(), (1,), (6,), (3, 4), (2, 3, 2)])
def test_numerical_gradient_matches_complex_step(ns, shape):
    rng = np.random.default_rng(9001 + len(shape))
    x = rng.normal(size=shape)
    before = x.copy()

    def f(v):
        return np.sum(np.exp(np.sin(v)) * v + np.cos(v) ** 2) + np.prod(np.tanh(v) + 1.5)

    grad = ns["numerical_gradient"](lambda v: float(f(v)), x)
    assert isinstance(grad, np.ndarray) and grad.dtype == np.float64 and grad.shape == x.shape
    assert np.array_equal(x, before)
    # complex step: f'(x) = Im f(x + i t) / t, exact to rounding for real-analytic f
    t = 1e-30
    expected = np.zeros(shape)
    for idx in np.ndindex(shape):
        z = before.astype(complex)
        z[idx] += 1j * t
        expected[idx] = f(z).imag / t
    np.testing.assert_allclose(grad, expected, rtol=1e-7, atol=1e-9)


def test_numerical_gradient_calls_f_twice_per_entry_with_one_entry_nudged(ns):
    rng = np.random.default_rng(9100)
    x = rng.normal(size=(3, 5))
    before = x.copy()
    h = 1e-3
    seen = []

    def f(v):
        assert v.shape == before.shape
        diff = v - before
        seen.append(np.flatnonzero(diff).tolist())
        assert np.count_nonzero(diff) == 1
        np.testing.assert_allclose(np.abs(diff[diff != 0]), h, rtol=1e-9)
        return float(np.sum(v ** 2))

    grad = ns["numerical_gradient"](f, x, h=h)
    assert len(seen) == 2 * x.size
    assert sorted(i for (i,) in seen) == sorted(list(range(x.size)) * 2)
    np.testing.assert_allclose(grad, 2 * before, rtol=1e-9)  # exact for a quadratic, up to rounding
    assert np.array_equal(x, before)


def test_numerical_gradient_is_central_for_a_cubic(ns):
    # ((x + h)^3 - (x - h)^3) / (2h) = 3x^2 + h^2 exactly: pins the formula and the use of h
    x = np.linspace(-2.0, 2.0, 9)
    for h in (1e-1, 1e-2, 1e-3):
        grad = ns["numerical_gradient"](lambda v: float(np.sum(v ** 3)), x.copy(), h=h)
        np.testing.assert_allclose(grad, 3 * x ** 2 + h ** 2, rtol=1e-8, atol=1e-9)


# ---------------------------------------------------------------- relative_error

def _relative_error_loop(a, b):
    worst = 0.0
    for x, y in zip(np.ravel(a), np.ravel(b)):
        x, y = float(x), float(y)
        worst = max(worst, abs(x - y) / max(1e-8, abs(x) + abs(y)))
    return worst


def test_relative_error_matches_explicit_loop(ns):
    rng = np.random.default_rng(9200)
    for shape in [(5,), (4, 3), (2, 2, 2), (1,)]:
        a = rng.normal(size=shape) * 10.0 ** rng.integers(-13, 5, size=shape)
        b = a * (1 + rng.normal(size=shape) * 10.0 ** rng.integers(-12, 0, size=shape))
        a.flat[-1] = 0.0
        if b.size > 1:
            b.flat[-1] = 0.0
        r = ns["relative_error"](a, b)
        assert type(r) is float
        assert r == pytest.approx(_relative_error_loop(a, b), rel=1e-12, abs=0)
        assert ns["relative_error"](b, a) == pytest.approx(r, rel=1e-12, abs=0)
        assert 0.0 <= r <= 1.0


def test_relative_error_edge_cases(ns):
    re = ns["relative_error"]
    with np.errstate(all="raise"):
        assert re(0.0, 0.0) == 0.0
        assert re(np.zeros((2, 2)), np.zeros((2, 2))) == 0.0
        assert re(5.0, -5.0) == 1.0
        assert re(3e-9, 0.0) == pytest.approx(0.3, rel=1e-12)
        assert re(np.array([1.0, 1e6]), np.array([1.5, 1e6])) == pytest.approx(0.2, rel=1e-12)


# ---------------------------------------------------------------- Value vs dual numbers

class Dual:
    """Forward-mode AD: a value and its derivative along one input direction."""

    def __init__(self, v, d=0.0):
        self.v, self.d = v, d

    @staticmethod
    def lift(o):
        return o if isinstance(o, Dual) else Dual(float(o))

    def __add__(self, o):
        o = Dual.lift(o)
        return Dual(self.v + o.v, self.d + o.d)

    __radd__ = __add__

    def __sub__(self, o):
        o = Dual.lift(o)
        return Dual(self.v - o.v, self.d - o.d)

    def __rsub__(self, o):
        return Dual.lift(o) - self

    def __mul__(self, o):
        o = Dual.lift(o)
        return Dual(self.v * o.v, self.d * o.v + self.v * o.d)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = Dual.lift(o)
        return Dual(self.v / o.v, (self.d * o.v - self.v * o.d) / (o.v * o.v))

    def __rtruediv__(self, o):
        return Dual.lift(o) / self

    def __neg__(self):
        return Dual(-self.v, -self.d)

    def __pow__(self, n):
        return Dual(self.v ** n, n * self.v ** (n - 1) * self.d)

    def tanh(self):
        return Dual(math.tanh(self.v), (1 - math.tanh(self.v) ** 2) * self.d)

    def exp(self):
        return Dual(math.exp(self.v), math.exp(self.v) * self.d)

    def relu(self):
        return Dual(max(self.v, 0.0), self.d if self.v > 0 else 0.0)  # torch: relu'(0) = 0


def _random_program(rng, n_inputs, n_steps):
    """A list of operations over a growing pool of nodes; nodes are reused freely."""
    program = []
    size = n_inputs
    for _ in range(n_steps):
        kind = rng.choice(["add", "sub", "mul", "div", "neg", "pow", "tanh", "exp", "relu",
                           "radd", "rsub", "rmul", "rdiv", "addc", "mulc", "self"])
        i, j = (int(k) for k in rng.integers(0, size, size=2))
        c = float(np.round(rng.uniform(0.5, 2.0) * rng.choice([-1, 1]), 3))
        n = [2, 3, -1, 0.5, 1.5][int(rng.integers(0, 5))]
        program.append((kind, i, j, c, n))
        size += 1
    return program


def _run(program, inputs):
    nodes = list(inputs)
    for kind, i, j, c, n in program:
        a, b = nodes[i], nodes[j]
        av = a.data if hasattr(a, "data") else a.v
        bv = b.data if hasattr(b, "data") else b.v
        if kind in ("div",) and abs(bv) < 0.2:
            kind = "add"
        if kind == "rdiv" and abs(av) < 0.2:
            kind = "rmul"
        if kind == "pow" and (av <= 0.1 or abs(av) > 3):
            n = 2 if abs(av) <= 3 else 1
        if kind == "exp" and av > 5:
            kind = "tanh"
        if kind in ("mul", "self") and abs(av) * abs(bv) > 50:
            kind = "sub"
        out = {
            "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
            "neg": lambda: -a, "pow": lambda: a ** n, "tanh": lambda: a.tanh(), "exp": lambda: a.exp(),
            "relu": lambda: a.relu(), "radd": lambda: c + a, "rsub": lambda: c - a, "rmul": lambda: c * a,
            "rdiv": lambda: c / a, "addc": lambda: a + c, "mulc": lambda: a * c, "self": lambda: a * a + a,
        }[kind]()
        nodes.append(out)
    # the output mixes the last few nodes, so many paths merge
    total = nodes[-1]
    for extra in nodes[-4:-1]:
        total = total + extra * 0.5
    return total


@pytest.mark.parametrize("seed", range(12))
def test_value_gradients_match_forward_mode(ns, seed):
    Value = ns["Value"]
    rng = np.random.default_rng(9300 + seed)
    xs = [float(v) for v in rng.uniform(-1.5, 1.5, size=3)]
    program = _random_program(rng, 3, 14)

    inputs = [Value(x) for x in xs]
    out = _run(program, inputs)
    out.backward()
    assert out.grad == 1.0
    for k in range(3):
        duals = [Dual(x, 1.0 if i == k else 0.0) for i, x in enumerate(xs)]
        reference = _run(program, duals)
        assert out.data == pytest.approx(reference.v, rel=1e-12, abs=1e-12)
        assert inputs[k].grad == pytest.approx(reference.d, rel=1e-9, abs=1e-10), (seed, k, program)


def test_value_basic_semantics(ns):
    Value = ns["Value"]
    v = Value(3.0)
    assert v.data == 3.0 and v.grad == 0.0
    y = v * v
    y.backward()
    assert v.grad == 6.0  # two paths, added
    a = Value(5.0)
    s = a + a
    s.backward()
    assert a.grad == 2.0
    z = Value(0.0)
    r = z.relu()
    r.backward()
    assert r.data == 0.0 and z.grad == 0.0  # as torch.relu
    for expr, value, slope in [(lambda t: 2 * t, 6.0, 2.0), (lambda t: 1 - t, -2.0, -1.0),
                               (lambda t: 4 + t, 7.0, 1.0), (lambda t: 6 / t, 2.0, -6 / 9)]:
        t = Value(3.0)
        o = expr(t)
        assert isinstance(o, Value)
        o.backward()
        assert o.data == pytest.approx(value) and t.grad == pytest.approx(slope)


def test_backward_calls_each_node_once_and_changes_no_data(ns):
    Value = ns["Value"]
    x = Value(0.3)
    node = x
    for _ in range(150):  # a long chain with a shortcut at every step
        node = (node * 1.01 + x * 0.01).tanh()
    nodes, stack, seen = [], [node], set()
    while stack:
        n = stack.pop()
        if id(n) not in seen:
            seen.add(id(n))
            nodes.append(n)
            stack.extend(n._prev)
    data_before = {id(n): n.data for n in nodes}
    calls = {}
    for n in nodes:
        original = n._backward

        def counted(n=n, original=original):
            calls[id(n)] = calls.get(id(n), 0) + 1
            original()
        n._backward = counted
    node.backward()
    assert all(calls.get(id(n), 0) == 1 for n in nodes)
    assert all(n.data == data_before[id(n)] for n in nodes)
    # forward mode through the same chain
    d = Dual(0.3, 1.0)
    dn = d
    for _ in range(150):
        dn = (dn * 1.01 + d * 0.01).tanh()
    assert x.grad == pytest.approx(dn.d, rel=1e-9, abs=1e-12)
