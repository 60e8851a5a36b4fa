"""The reference solutions of 01 agree with independent implementations on unseen inputs."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from course.grading import nbtools

SOL = nbtools.solution_namespace("01_forward_pass")


def sigmoid_ref(z):
    """math.exp on each element, picking the form that cannot overflow."""
    def one(t):
        return 1.0 / (1.0 + math.exp(-t)) if t >= 0 else math.exp(t) / (1.0 + math.exp(t))
    return np.vectorize(one, otypes=[float])(np.asarray(z, dtype=float))


def mlp_ref(X, params, activation):
    phi = {"relu": lambda z: np.where(z > 0, z, 0.0), "sigmoid": sigmoid_ref, "tanh": np.tanh}[activation]
    A = X
    L = len(params) // 2
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        Z = np.array([[sum(A[n, i] * W[i, j] for i in range(W.shape[0])) + b[j] for j in range(W.shape[1])]
                      for n in range(A.shape[0])])
        A = Z if l == L else phi(Z)
    return A


@pytest.mark.parametrize("seed", range(5))
def test_sigmoid_and_relu(seed):
    rng = np.random.default_rng(1000 + seed)
    z = rng.normal(0, 300, size=rng.integers(1, 5, size=rng.integers(1, 4)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(SOL["sigmoid"](z), sigmoid_ref(z), rtol=1e-12, atol=0)
    np.testing.assert_array_equal(SOL["relu"](z), np.where(z > 0, z, 0.0))
    assert float(SOL["sigmoid"](-1000.0)) == 0.0 and float(SOL["sigmoid"](1000.0)) == 1.0


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_mlp_forward(seed, activation):
    rng = np.random.default_rng(2000 + seed)
    sizes = [int(s) for s in rng.integers(1, 6, size=rng.integers(2, 13))]
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = rng.normal(size=(sizes[l - 1], sizes[l]))
        params[f"b{l}"] = rng.normal(size=sizes[l])
    X = rng.normal(size=(int(rng.integers(1, 5)), sizes[0]))
    scores, cache = SOL["mlp_forward"](X, params, activation=activation)
    np.testing.assert_allclose(scores, mlp_ref(X, params, activation), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(SOL["dense_forward"](X, params["W1"], params["b1"]),
                               mlp_ref(X, {"W1": params["W1"], "b1": params["b1"]}, activation), rtol=1e-12)
