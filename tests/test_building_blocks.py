"""Unit tests of course.building_blocks: the forward pieces that notebook 04 builds on."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from course import building_blocks as bb

# The exercises of notebook 04. The module must never offer them (or any backward pass),
# so that a student cannot earn those points by importing a reference.
NOTEBOOK_04_ANSWERS = {"relu_backward", "sigmoid_backward", "tanh_backward", "dense_backward",
                       "softmax_cross_entropy_backward", "mlp_loss_and_grads"}


def test_holds_no_backward_pass_or_loss_gradient():
    names = set(dir(bb))
    assert not names & NOTEBOOK_04_ANSWERS
    suspicious = [n for n in names if "backward" in n.lower() or ("grad" in n.lower() and n != "numerical_gradient")]
    assert not suspicious, suspicious
    assert set(bb.__all__) <= names


def test_sigmoid_and_relu():
    z = np.array([-1000.0, -3.0, 0.0, 3.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = bb.sigmoid(z)
    expected = [0.0, 1 / (1 + math.exp(3.0)), 0.5, 1 / (1 + math.exp(-3.0)), 1.0]
    np.testing.assert_allclose(s, expected, rtol=1e-12, atol=0)
    assert isinstance(bb.sigmoid(0.0), float)
    before = z.copy()
    np.testing.assert_array_equal(bb.relu(z), [0.0, 0.0, 0.0, 3.0, 1000.0])
    np.testing.assert_array_equal(z, before)


def _params(rng, sizes):
    return {k: v for l in range(1, len(sizes)) for k, v in
            ((f"W{l}", rng.normal(size=(sizes[l - 1], sizes[l]))), (f"b{l}", rng.normal(size=sizes[l])))}


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_mlp_forward_caches_input_and_pre_activation_per_layer(activation):
    rng = np.random.default_rng(0)
    sizes = [3] + [4] * 11 + [2]  # 12 layers: numeric, not string, order
    params = _params(rng, sizes)
    X = rng.normal(size=(5, 3))
    scores, cache = bb.mlp_forward(X, params, activation)
    assert bb.n_layers(params) == 12 and len(cache) == 12
    phi = {"relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 0.5 * (1 + np.tanh(z / 2)), "tanh": np.tanh}[activation]
    A = X
    for l, (A_prev, Z) in enumerate(cache, start=1):
        np.testing.assert_allclose(A_prev, A, rtol=1e-12)
        np.testing.assert_allclose(Z, A @ params[f"W{l}"] + params[f"b{l}"], rtol=1e-12)
        A = phi(Z) if l < 12 else Z
    np.testing.assert_allclose(scores, A, rtol=1e-12)
    with pytest.raises(ValueError):
        bb.mlp_forward(X, params, "softsign")


def test_softmax_and_cross_entropy_are_stable_and_right():
    S = np.array([[1000.0, -1000.0, 0.0], [0.5, 1.5, -0.5]])
    y = np.array([1, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P = bb.softmax(S)
        loss = bb.softmax_cross_entropy(S, y)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    # row 1: -s_y + logsumexp = 1000 + 1000; row 2: -0.5 + log(e^0.5 + e^1.5 + e^-0.5)
    expected = (2000.0 + (math.log(math.exp(0.5) + math.exp(1.5) + math.exp(-0.5)) - 0.5)) / 2
    assert isinstance(loss, float)
    assert loss == pytest.approx(expected, rel=1e-12)


def test_numerical_gradient_and_relative_error():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 2))
    before = x.copy()
    grad = bb.numerical_gradient(lambda v: float(np.sum(np.sin(v) * v)), x)
    np.testing.assert_allclose(grad, np.cos(before) * before + np.sin(before), rtol=1e-8)
    np.testing.assert_array_equal(x, before)
    assert bb.relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert bb.relative_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    assert bb.relative_error(np.zeros(2), np.zeros(2)) == 0.0
