"""The reference solutions of 04 agree with independent implementations on unseen inputs.

The yardstick is torch.autograd's semantics (PyTorch itself is not a dependency): gradients of
the mean softmax cross-entropy of an MLP, ReLU's derivative taken as 0 at 0. Everything here is
computed independently of the notebook (its answer cells and its read-only cell of given pieces
from 01-03): an explicit-loop forward pass, central differences, and explicit loops for the dense
layer.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from course.grading import nbtools

SOL = nbtools.solution_namespace("04_backpropagation")
ACTIVATIONS = ["relu", "sigmoid", "tanh"]


def _sigmoid(z):
    return np.vectorize(lambda t: 1.0 / (1.0 + math.exp(-t)) if t >= 0 else math.exp(t) / (1.0 + math.exp(t)),
                        otypes=[float])(z)


PHI = {"relu": lambda z: np.where(z > 0, z, 0.0), "sigmoid": _sigmoid, "tanh": np.tanh}


def loss_ref(X, y, params, activation):
    """Mean cross-entropy of the MLP, computed with math.log / math.exp row by row."""
    L = len(params) // 2
    A = X
    for l in range(1, L + 1):
        Z = np.einsum("ni,ij->nj", A, params[f"W{l}"]) + params[f"b{l}"]
        A = Z if l == L else PHI[activation](Z)
    total = 0.0
    for row, label in zip(A, y):
        m = max(row)
        total += m + math.log(sum(math.exp(s - m) for s in row)) - row[label]
    return total / len(y)


def central_differences(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def random_net(rng, sizes, scale=1.3):
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = rng.normal(0.0, scale / math.sqrt(sizes[l - 1]), size=(sizes[l - 1], sizes[l]))
        params[f"b{l}"] = rng.normal(0.0, 0.3, size=sizes[l])
    return params


@pytest.mark.parametrize("seed", range(3))
def test_activation_backwards(seed):
    rng = np.random.default_rng(5000 + seed)
    shape = tuple(int(s) for s in rng.integers(1, 6, size=rng.integers(1, 4)))
    Z = rng.normal(0.0, 3.0, size=shape)
    Z[np.abs(Z) < 1e-3] = 0.7
    dA = rng.normal(size=shape)
    for name, fn in [("relu", "relu_backward"), ("sigmoid", "sigmoid_backward"), ("tanh", "tanh_backward")]:
        expected = central_differences(lambda z: float(np.sum(dA * PHI[name](z))), Z)
        np.testing.assert_allclose(SOL[fn](dA, Z), expected, rtol=1e-6, atol=1e-9, err_msg=fn)
    # torch.autograd: relu'(0) = 0
    np.testing.assert_array_equal(SOL["relu_backward"](np.array([3.0, -3.0]), np.array([0.0, 0.0])), [0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = SOL["sigmoid_backward"](np.ones(2), np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(big, [0.0, 0.0])


@pytest.mark.parametrize("seed", range(3))
def test_dense_backward_matches_explicit_loops(seed):
    rng = np.random.default_rng(6000 + seed)
    N, D_in, D_out = (int(v) for v in rng.integers(1, 7, size=3))
    X, W, dZ = rng.normal(size=(N, D_in)), rng.normal(size=(D_in, D_out)), rng.normal(size=(N, D_out))
    dX, dW, db = SOL["dense_backward"](dZ, X, W)
    dX_ref = np.array([[sum(dZ[n, j] * W[i, j] for j in range(D_out)) for i in range(D_in)] for n in range(N)])
    dW_ref = np.array([[sum(X[n, i] * dZ[n, j] for n in range(N)) for j in range(D_out)] for i in range(D_in)])
    db_ref = np.array([sum(dZ[n, j] for n in range(N)) for j in range(D_out)])
    np.testing.assert_allclose(dX, dX_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dW, dW_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(db, db_ref, rtol=1e-12, atol=1e-12)
    assert db.shape == (D_out,)


@pytest.mark.parametrize("seed", range(3))
def test_softmax_cross_entropy_backward(seed):
    rng = np.random.default_rng(7000 + seed)
    N, C = int(rng.integers(1, 8)), int(rng.integers(2, 6))
    S = rng.normal(0.0, 3.0, size=(N, C))
    y = rng.integers(0, C, size=N)
    one_layer_loss = lambda s: loss_ref(s, y, {"W1": np.eye(C), "b1": np.zeros(C)}, "relu")
    np.testing.assert_allclose(SOL["softmax_cross_entropy_backward"](S, y), central_differences(one_layer_loss, S),
                               rtol=1e-6, atol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        huge = SOL["softmax_cross_entropy_backward"](np.array([[1000.0, -1000.0]]), np.array([1]))
    np.testing.assert_allclose(huge, [[1.0, -1.0]])


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("depth", [1, 2, 4, 11])
def test_mlp_loss_and_grads_match_finite_differences(seed, activation, depth):
    rng = np.random.default_rng(8000 + 100 * depth + seed)
    sizes = [int(s) for s in rng.integers(2, 6, size=depth + 1)]
    params = random_net(rng, sizes, scale=3.0 if activation == "sigmoid" else 1.3)
    before = {k: v.copy() for k, v in params.items()}
    N = int(rng.integers(1, 7))
    X = rng.normal(size=(N, sizes[0]))
    y = rng.integers(0, sizes[-1], size=N)
    loss, grads = SOL["mlp_loss_and_grads"](X, y, params, activation=activation)
    assert type(loss) is float  # the contract: a Python float, not a NumPy scalar
    assert loss == pytest.approx(loss_ref(X, y, params, activation), rel=1e-12)
    assert set(grads) == set(params)
    for key in params:
        expected = central_differences(lambda v: loss_ref(X, y, dict(params, **{key: v}), activation), params[key])
        assert grads[key].shape == params[key].shape
        scale = np.max(np.abs(expected))
        np.testing.assert_allclose(grads[key], expected, rtol=1e-5, atol=1e-7 * scale + 1e-9,
                                   err_msg=f"{key}, {depth} layers, {activation}")
    assert all(np.array_equal(params[k], before[k]) for k in params)


def test_given_pieces_match_independent_versions():
    """The read-only cell's forward pass, loss and initialiser (what every later check builds on)."""
    rng = np.random.default_rng(9000)
    sizes = [3, 5, 4, 2]
    params = random_net(rng, sizes)
    X = rng.normal(size=(6, 3))
    y = rng.integers(0, 2, size=6)
    for activation in ACTIVATIONS:
        scores, cache = SOL["mlp_forward"](X, params, activation)
        A = X
        for l in range(1, 4):  # cache: (A_prev, Z) per layer, layer 1 first
            Z = np.einsum("ni,ij->nj", A, params[f"W{l}"]) + params[f"b{l}"]
            np.testing.assert_allclose(cache[l - 1][0], A, rtol=1e-12)
            np.testing.assert_allclose(cache[l - 1][1], Z, rtol=1e-12)
            A = Z if l == 3 else PHI[activation](Z)
        np.testing.assert_allclose(scores, A, rtol=1e-12)
        loss = SOL["softmax_cross_entropy"](scores, y)
        assert type(loss) is float and loss == pytest.approx(loss_ref(X, y, params, activation), rel=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(SOL["sigmoid"](np.array([-1000.0, 1000.0])), [0.0, 1.0])
    # nn.Linear's default: W and b uniform in +-1/sqrt(fan_in) (not He, Xavier or N(0, 0.01): those are 06's)
    init = SOL["init_params"]([400, 300, 10], np.random.default_rng(1))
    for l, fan_in in [(1, 400), (2, 300)]:
        for key in (f"W{l}", f"b{l}"):
            bound = 1 / math.sqrt(fan_in)
            assert np.abs(init[key]).max() <= bound
        W = init[f"W{l}"]
        assert np.abs(W).max() > 0.99 * bound and np.std(W) == pytest.approx(bound / math.sqrt(3), rel=0.05)
