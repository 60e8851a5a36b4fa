"""The reference solutions agree with real PyTorch, the course's yardstick (CURRICULUM.md).

"Every gradient matches torch.autograd, update rules match torch.optim exactly, losses match
torch.nn.functional." This module checks exactly that, in float64 on seeded random inputs,
against PyTorch itself. PyTorch is never a dependency of the course: without it (as in CI)
the whole module is skipped. To run it, use an environment that has torch, e.g.

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch -e . pytest
    /tmp/torchvenv/bin/python -m pytest tests/test_torch_yardstick.py -q -s

(-s also prints the largest deviation observed in each comparison.)
"""
from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from course.grading import nbtools  # noqa: E402

DT = torch.float64
DEVIATIONS: dict[str, float] = {}  # comparison -> largest relative deviation seen


@pytest.fixture(scope="module", autouse=True)
def _report_deviations():
    yield
    if DEVIATIONS:
        width = max(map(len, DEVIATIONS))
        print("\nlargest relative deviation from torch, per comparison:")
        for name, dev in DEVIATIONS.items():
            print(f"  {name:<{width}}  {dev:.3e}")


def t(a, grad=False):
    """A float64 tensor holding a copy of a (a leaf that requires grad when grad=True)."""
    return torch.tensor(np.array(a, dtype=float), dtype=DT, requires_grad=grad)


def close(name, ours, theirs, rtol=1e-12, atol=0.0):
    """assert_allclose, and record max |ours - theirs| / max(|theirs|, tiny) under `name`."""
    ours = np.asarray(ours, dtype=float)
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape, f"{name}: shape {ours.shape} != torch {theirs.shape}"
    assert np.all(np.isfinite(ours)), f"{name}: not finite: {ours}"
    dev = float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-300))) if ours.size else 0.0
    DEVIATIONS[name] = max(DEVIATIONS.get(name, 0.0), dev)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=name)


@pytest.fixture(scope="module")
def ns02():
    return nbtools.solution_namespace("02_loss_functions")


@pytest.fixture(scope="module")
def ns03():
    return nbtools.solution_namespace("03_chain_rule")


@pytest.fixture(scope="module")
def ns04():
    return nbtools.solution_namespace("04_backpropagation")


@pytest.fixture(scope="module")
def ns05():
    return nbtools.solution_namespace("05_gradient_descent")


# ----------------------------------------------------------------------------- 02 losses

@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_softmax_matches_torch(ns02, seed, scale):
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(7, 5)) * scale
    if scale == 1000.0:  # scores of exactly +-1000 as well
        scores[0] = [1000.0, -1000.0, 1000.0, -1000.0, 0.0]
        scores[1] = [-1000.0] * 5
    close("02 softmax", ns02["softmax"](scores), torch.softmax(t(scores), dim=1), atol=1e-300)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_softmax_cross_entropy_matches_torch(ns02, seed, scale):
    rng = np.random.default_rng(100 + seed)
    N, C = 9, 6
    scores = rng.normal(size=(N, C)) * scale
    y = rng.integers(0, C, size=N)
    if scale == 1000.0:
        scores[0] = [1000.0, -1000.0, 1000.0, -1000.0, 0.0, 1000.0]
        y[0] = 1                              # a true class at -1000: loss 2000 + log 3
        scores[1] = [-1000.0] * C
        scores[2, :] = 1000.0 * np.sign(rng.normal(size=C))
    ours = ns02["softmax_cross_entropy"](scores, y)
    assert isinstance(ours, float)
    close("02 softmax_cross_entropy", ours, F.cross_entropy(t(scores), torch.from_numpy(y)), rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("soft_targets", [False, True])
def test_binary_cross_entropy_matches_torch(ns02, seed, soft_targets):
    rng = np.random.default_rng(200 + seed)
    N = 40
    p = rng.uniform(1e-6, 1 - 1e-6, size=N)
    p[:4] = [1e-6, 1 - 1e-6, 1e-6, 1 - 1e-6]  # the ends of the range, right and wrong
    y = rng.uniform(size=N) if soft_targets else rng.integers(0, 2, size=N).astype(float)
    if not soft_targets:
        y[:4] = [0.0, 1.0, 1.0, 0.0]
    ours = ns02["binary_cross_entropy"](p, y)
    assert isinstance(ours, float)
    close("02 binary_cross_entropy", ours, F.binary_cross_entropy(t(p), t(y)), rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("shape", [(11,), (6, 3)])
def test_mse_loss_matches_torch(ns02, seed, shape):
    rng = np.random.default_rng(300 + seed)
    y_pred, y_true = rng.normal(size=shape) * 3, rng.normal(size=shape)
    ours = ns02["mse_loss"](y_pred, y_true)
    assert isinstance(ours, float)
    close("02 mse_loss", ours, F.mse_loss(t(y_pred), t(y_true)), rtol=1e-12)


# ----------------------------------------------------------------------------- 03 Value
# Each expression uses only operations that Value and torch tensors both spell the same way,
# so the very same function builds a Value graph and a torch graph. Float exponents are only
# ever applied to positive bases, and every denominator is kept away from zero.

def expr_arith(a, b, c):
    d = a * b + c                 # d, a and b are reused below
    e = d * d - a / (1 + b * b)
    f = e ** 2 + (d ** 3) / 7.0 - b ** -1 * a
    return f * a + 2 * d - (1 - c) * b + 3 / (2 + a * a)


def expr_transcendental(a, b, c):
    h = (a * b).tanh()
    k = (h + c).exp()
    return k * h + (b - 2 * a).relu() * k - (c * c + 0.5) ** 0.5 + (a.exp() + 1) ** -1.5


def expr_deep_reuse(a, b, c):
    x = a
    for i in range(6):            # a chain that reuses x twice per level
        x = (x * b + c).tanh() * x + 0.1 * x
    return x * x + (x - a).relu() - 2.5 / (1 + x.exp())


def expr_same_node(a, b, c):
    s = a + a                     # one node used as both operands
    p = b * b * b
    q = s / (p * p + 1)
    r = q - q * q + (-q) + c ** 4 - (c * c + 1) ** 2.5 + (s * s + 1) ** 0.25
    return r * 1.5 - 4 - (-a).relu() + (b + 1e-3 - b.relu()).relu() + 0 * c ** 0


def expr_reflected(a, b, c):
    u = 2 + a                     # radd
    v = 3 - b                     # rsub
    w = 0.5 * c                   # rmul
    z = 1 / (u * u + v * v + 1)   # rtruediv
    return u * v * w * z + (-u).exp() * 0.25 - (1.0 - w).tanh() / 2.0 + z ** 2.0


EXPRESSIONS = [expr_arith, expr_transcendental, expr_deep_reuse, expr_same_node, expr_reflected]


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("expr", EXPRESSIONS, ids=lambda f: f.__name__)
def test_value_matches_torch_autograd(ns03, expr, seed):
    Value = ns03["Value"]
    rng = np.random.default_rng(400 + seed)
    xs = [float(x) for x in rng.normal(size=3)]

    leaves = [Value(x) for x in xs]
    out = expr(*leaves)
    out.backward()

    tleaves = [torch.tensor(x, dtype=DT, requires_grad=True) for x in xs]
    tout = expr(*tleaves)
    tout.backward()

    name = f"03 Value {expr.__name__}"
    close(f"{name} forward", out.data, tout, rtol=1e-12)
    assert out.grad == 1.0
    for i, (v, tv) in enumerate(zip(leaves, tleaves)):
        close(f"{name} grad", v.grad, tv.grad, rtol=1e-10, atol=1e-14)


def test_value_graph_of_intermediate_nodes_matches_torch(ns03):
    """Not only leaves: a reused intermediate node's gradient equals torch's (retain_grad)."""
    Value = ns03["Value"]

    def build(a, b):
        m = a * b
        n = m.tanh() + m * a
        return m, n, n * m - m / (n * n + 1) + (m ** 2 + 1) ** 0.5

    for seed in range(5):
        xs = [float(x) for x in np.random.default_rng(500 + seed).normal(size=2)]
        a, b = Value(xs[0]), Value(xs[1])
        m, n, out = build(a, b)
        out.backward()
        ta, tb = (torch.tensor(x, dtype=DT, requires_grad=True) for x in xs)
        tm, tn, tout = build(ta, tb)
        tm.retain_grad()
        tn.retain_grad()
        tout.backward()
        for ours, theirs in [(m, tm), (n, tn), (a, ta), (b, tb)]:
            close("03 Value intermediate grad", ours.grad, theirs.grad, rtol=1e-10, atol=1e-14)


# ----------------------------------------------------------------------------- 04 backprop

TORCH_ACT = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
LAYER_SIZES = {1: [7, 4], 2: [7, 9, 4], 3: [7, 5, 11, 4], 6: [7, 12, 3, 8, 5, 10, 4]}


def random_params(rng, sizes):
    params = {}
    for l, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{l}"] = rng.normal(size=(d_in, d_out)) * 1.5 / math.sqrt(d_in)
        params[f"b{l}"] = rng.normal(size=d_out) * 0.5
    return params


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("depth", [1, 2, 3, 6])
def test_mlp_loss_and_grads_matches_torch_autograd(ns04, depth, activation, seed):
    rng = np.random.default_rng(600 + 10 * depth + seed)
    sizes = LAYER_SIZES[depth]
    N = 13
    X = rng.normal(size=(N, sizes[0]))
    y = rng.integers(0, sizes[-1], size=N)
    params = random_params(rng, sizes)
    before = {k: v.copy() for k, v in params.items()}

    loss, grads = ns04["mlp_loss_and_grads"](X, y, params, activation=activation)

    tparams = {k: t(v, grad=True) for k, v in params.items()}
    A = t(X)
    for l in range(1, depth + 1):
        Z = A @ tparams[f"W{l}"] + tparams[f"b{l}"]
        A = TORCH_ACT[activation](Z) if l < depth else Z
    tloss = F.cross_entropy(A, torch.from_numpy(y))
    tloss.backward()

    assert isinstance(loss, float)
    close("04 mlp_loss_and_grads loss", loss, tloss, rtol=1e-12)
    assert set(grads) == set(params)
    for k in params:
        assert grads[k].shape == params[k].shape
        # atol relative to the largest entry of that gradient (deep sigmoid nets have tiny ones)
        scale = float(np.max(np.abs(tparams[k].grad.numpy())))
        close(f"04 mlp_loss_and_grads grads (depth {depth})", grads[k], tparams[k].grad,
              rtol=1e-9, atol=1e-12 * scale)
        np.testing.assert_array_equal(params[k], before[k])  # params not changed


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_activation_backward_matches_torch_autograd(ns04, activation, seed):
    rng = np.random.default_rng(700 + seed)
    Z = rng.normal(size=(6, 5)) * 3
    Z[0, :3] = [40.0, -40.0, 0.5]           # saturated sigmoid/tanh
    dA = rng.normal(size=Z.shape)
    tZ = t(Z, grad=True)
    (tdZ,) = torch.autograd.grad(TORCH_ACT[activation](tZ), tZ, grad_outputs=t(dA))
    ours = ns04[f"{activation}_backward"](dA, Z)
    # NumPy's and torch's tanh/sigmoid differ in the last bit now and then; 1 - t**2 (both compute
    # it so) magnifies that where t is near +-1, so allow a few ulps of |dA| in absolute terms.
    close(f"04 {activation}_backward", ours, tdZ, rtol=1e-12, atol=4 * np.finfo(float).eps * np.abs(dA).max())


@pytest.mark.parametrize("seed", range(5))
def test_dense_backward_matches_torch_autograd(ns04, seed):
    rng = np.random.default_rng(800 + seed)
    N, D_in, D_out = 8, 5, 3
    X, W, b = rng.normal(size=(N, D_in)), rng.normal(size=(D_in, D_out)), rng.normal(size=D_out)
    dZ = rng.normal(size=(N, D_out))
    tX, tW, tb = t(X, grad=True), t(W, grad=True), t(b, grad=True)
    tdX, tdW, tdb = torch.autograd.grad(tX @ tW + tb, (tX, tW, tb), grad_outputs=t(dZ))
    dX, dW, db = ns04["dense_backward"](dZ, X, W)
    close("04 dense_backward dX", dX, tdX, rtol=1e-12)
    close("04 dense_backward dW", dW, tdW, rtol=1e-12)
    close("04 dense_backward db", db, tdb, rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("scale", [1.0, 1000.0])
def test_softmax_cross_entropy_backward_matches_torch_autograd(ns04, seed, scale):
    rng = np.random.default_rng(900 + seed)
    N, C = 7, 4
    scores = rng.normal(size=(N, C)) * scale
    if scale == 1000.0:
        scores[0] = [1000.0, -1000.0, 1000.0, -1000.0]
    y = rng.integers(0, C, size=N)
    before = scores.copy()
    tS = t(scores, grad=True)
    (tdS,) = torch.autograd.grad(F.cross_entropy(tS, torch.from_numpy(y)), tS)
    ours = ns04["softmax_cross_entropy_backward"](scores, y)
    close("04 softmax_cross_entropy_backward", ours, tdS, rtol=1e-10, atol=1e-17)
    np.testing.assert_array_equal(scores, before)


# ----------------------------------------------------------------------------- 05 optimisers

SHAPES = {"W1": (4, 3), "b1": (3,), "W2": (2, 3, 2), "w": (1,)}
STEPS = 25

OPTIMISERS = {  # id -> (course class, course kwargs, torch factory)
    "SGD": ("SGD", dict(lr=0.05), lambda ps: torch.optim.SGD(ps, lr=0.05)),
    "Momentum": ("Momentum", dict(lr=0.01, beta=0.9), lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9)),
    "Momentum-0.5": ("Momentum", dict(lr=0.1, beta=0.5), lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.5)),
    "RMSProp": ("RMSProp", dict(lr=0.01, alpha=0.99, eps=1e-8),
                lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.99, eps=1e-8)),
    "RMSProp-0.9": ("RMSProp", dict(lr=0.003, alpha=0.9, eps=1e-6),
                    lambda ps: torch.optim.RMSprop(ps, lr=0.003, alpha=0.9, eps=1e-6)),
    "Adam": ("Adam", dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8),
             lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.9, 0.999), eps=1e-8)),
    "Adam-0.8": ("Adam", dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6),
                 lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6)),
}


def random_gradient(rng, shape):
    """Entries of magnitude 10**U(-7, 1) with random signs: from 1e-7 up to 10."""
    return rng.choice([-1.0, 1.0], size=shape) * 10.0 ** rng.uniform(-7, 1, size=shape)


def run_against_torch(ns05, opt_id, seed, skip):
    """Run the course optimiser and torch's side by side; skip(step, name) -> that name gets no gradient."""
    cls, kwargs, make_torch = OPTIMISERS[opt_id]
    rng = np.random.default_rng(seed)
    params = {k: rng.normal(size=s) for k, s in SHAPES.items()}
    tparams = {k: t(v, grad=True) for k, v in params.items()}
    ours = ns05[cls](**kwargs)
    theirs = make_torch(list(tparams.values()))
    label = f"05 {cls}" + (" (some steps without grads)" if skip is not None else "")
    for step in range(1, STEPS + 1):
        present = [k for k in SHAPES if skip is None or not skip(step, k)]
        grads = {k: random_gradient(rng, SHAPES[k]) for k in present}
        grads_before = {k: g.copy() for k, g in grads.items()}
        for k, tp in tparams.items():
            tp.grad = torch.from_numpy(grads[k].copy()) if k in grads else None
        theirs.step()
        # the name is absent from both dicts; the arrays are the same objects, updated in place
        ours.step({k: params[k] for k in present}, grads)
        for k in SHAPES:
            np.testing.assert_array_equal(grads.get(k), grads_before.get(k))  # grads not changed
            close(label, params[k], tparams[k], rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("opt_id", list(OPTIMISERS))
def test_optimiser_matches_torch_optim(ns05, opt_id, seed):
    run_against_torch(ns05, opt_id, 1000 + seed, skip=None)


def _skip_pattern(step, name):
    # b1 gets no gradient on steps 3, 4, 9..12 and 20; w has none until step 6 (its state starts
    # late, so Adam's per-parameter step count differs from the others'); W2 skips every third step.
    return ((name == "b1" and (step in (3, 4, 20) or 9 <= step <= 12))
            or (name == "w" and step < 6)
            or (name == "W2" and step % 3 == 0))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("opt_id", list(OPTIMISERS))
def test_optimiser_matches_torch_optim_when_some_grads_are_missing(ns05, opt_id, seed):
    run_against_torch(ns05, opt_id, 2000 + seed, skip=_skip_pattern)
