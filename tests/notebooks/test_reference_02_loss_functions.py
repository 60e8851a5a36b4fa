"""The reference solutions of 02_loss_functions against independent implementations.

The inputs are seeded random batches the notebook never uses. The yardstick is PyTorch's
semantics (torch.nn.functional.mse_loss / binary_cross_entropy / softmax / cross_entropy, all
with reduction="mean"), re-derived here in plain Python: explicit loops with ``math``,
``np.logaddexp`` for log-sum-exp, and finite differences for the softmax-cross-entropy gradient.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from course.grading import nbtools


@pytest.fixture(scope="module")
def ref():
    return nbtools.solution_namespace("02_loss_functions")


def _logsumexp(row) -> float:
    m = max(row)
    return m + math.log(math.fsum(math.exp(v - m) for v in row))


@pytest.mark.parametrize("shape", [(13,), (6, 4), (1, 1), (3, 2, 5)])
def test_mse_is_the_mean_over_all_elements(ref, shape):
    rng = np.random.default_rng(9001)
    a, b = rng.normal(size=shape), rng.normal(size=shape)
    expected = math.fsum((x - t) ** 2 for x, t in zip(a.ravel(), b.ravel())) / a.size
    loss = ref["mse_loss"](a, b)
    assert type(loss) is float
    assert loss == pytest.approx(expected, rel=1e-12)


def test_bce_matches_torch_semantics(ref):
    # torch clamps log at -100; the course clips p at 1e-12 instead. Away from the clip they agree.
    rng = np.random.default_rng(9002)
    p = rng.uniform(1e-6, 1 - 1e-6, size=50)
    y = rng.integers(0, 2, size=50).astype(float)
    expected = math.fsum(-(t * math.log(q) + (1 - t) * math.log(1 - q)) for q, t in zip(p, y)) / 50
    loss = ref["binary_cross_entropy"](p, y)
    assert type(loss) is float
    assert loss == pytest.approx(expected, rel=1e-12)


def test_bce_clips_at_exactly_1e_12(ref):
    eps = 1e-12
    p = np.array([0.0, 1.0, 0.0, 1.0, 1e-20, 0.5])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    q = [min(max(v, eps), 1 - eps) for v in p]
    expected = math.fsum(-(t * math.log(v) + (1 - t) * math.log(1 - v)) for v, t in zip(q, y)) / len(p)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        loss = ref["binary_cross_entropy"](p, y)
    assert math.isfinite(loss)
    assert loss == pytest.approx(expected, rel=1e-12)
    assert p[0] == 0.0 and p[1] == 1.0  # the caller's array is untouched


@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_softmax_against_a_loop(ref, scale):
    rng = np.random.default_rng(9003)
    S = rng.normal(0.0, scale, size=(7, 6))
    before = S.copy()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        P = ref["softmax"](S)
    expected = np.array([[math.exp(v - _logsumexp(row)) for v in row] for row in S])
    assert P.shape == S.shape and P.dtype == np.float64
    np.testing.assert_allclose(P, expected, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(S, before)


def test_softmax_is_shift_invariant_per_row(ref):
    rng = np.random.default_rng(9004)
    S = rng.normal(size=(5, 3))
    shifts = rng.uniform(-1000, 1000, size=(5, 1))
    np.testing.assert_allclose(ref["softmax"](S + shifts), ref["softmax"](S), rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("scale", [0.5, 5.0, 1000.0])
def test_cross_entropy_is_torch_mean_nll(ref, scale):
    """F.cross_entropy(scores, y) = mean over n of -log_softmax(scores)[n, y_n]."""
    rng = np.random.default_rng(9005)
    N, C = 11, 7
    S = rng.normal(0.0, scale, size=(N, C))
    y = rng.integers(0, C, size=N)
    expected = math.fsum(_logsumexp(S[n]) - S[n, y[n]] for n in range(N)) / N
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = ref["softmax_cross_entropy"](S, y)
    assert type(loss) is float
    assert loss == pytest.approx(expected, rel=1e-10)


def test_cross_entropy_agrees_with_np_logaddexp_at_extremes(ref):
    S = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -999.0], [500.0, 500.0, -500.0]])
    y = np.array([1, 2, 0])
    expected = float(np.mean(np.logaddexp.reduce(S, axis=1) - S[np.arange(3), y]))
    assert ref["softmax_cross_entropy"](S, y) == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_gradient_is_softmax_minus_onehot(ref):
    """Finite differences of the reference loss give (softmax(S) - onehot(y)) / N, as torch.autograd does."""
    rng = np.random.default_rng(9006)
    N, C, h = 4, 3, 1e-6
    S = rng.normal(size=(N, C))
    y = rng.integers(0, C, size=N)
    grad = np.zeros_like(S)
    for i in np.ndindex(S.shape):
        up, down = S.copy(), S.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (ref["softmax_cross_entropy"](up, y) - ref["softmax_cross_entropy"](down, y)) / (2 * h)
    expected = (ref["softmax"](S) - np.eye(C)[y]) / N
    np.testing.assert_allclose(grad, expected, atol=1e-8)


def test_cross_entropy_with_two_classes_is_bce_of_the_score_difference(ref):
    """softmax over (0, z) is (1 - sigmoid(z), sigmoid(z)): the two losses must agree."""
    rng = np.random.default_rng(9007)
    z = rng.normal(0.0, 3.0, size=20)
    y = rng.integers(0, 2, size=20)
    S = np.column_stack([np.zeros(20), z])
    p = 1.0 / (1.0 + np.exp(-z))
    assert ref["softmax_cross_entropy"](S, y) == pytest.approx(ref["binary_cross_entropy"](p, y.astype(float)), rel=1e-9)
