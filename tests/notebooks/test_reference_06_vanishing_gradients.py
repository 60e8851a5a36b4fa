"""The reference solutions of 06 agree with independent implementations on unseen inputs.

The initialisers are compared with the statistics torch.nn.init promises: xavier_normal_ draws
N(0, gain^2 * 2 / (fan_in + fan_out)) with gain 1, kaiming_normal_ (mode="fan_in",
nonlinearity="leaky_relu" with slope 0) draws N(0, 2 / fan_in), and a torch weight of shape
(out, in) has fan_in = in, our W.shape[0]. Tolerances come from the sampling distribution.
clip_by_global_norm is compared with clip_grad_norm_ (norm_type 2) as torch/nn/utils/clip_grad.py
writes it: the 2-norm of the per-tensor 2-norms, clip_coef = max_norm / (total + 1e-6), and every
gradient multiplied by clamp(clip_coef, max=1), here in plain Python, one float at a time.
PyTorch itself is not needed.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from course.grading import nbtools

SOL = nbtools.solution_namespace("06_vanishing_gradients")


def torch_xavier_std(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(2.0 / float(fan_in + fan_out))


def torch_kaiming_std(fan_in, negative_slope=0.0):
    gain = math.sqrt(2.0 / (1 + negative_slope ** 2))  # calculate_gain("leaky_relu", 0) == sqrt(2)
    return gain / math.sqrt(fan_in)


def assert_normal(W, std):
    """Mean, std, and the mass within 1 and 2 std match N(0, std^2), within 6 standard errors."""
    n = W.size
    assert abs(W.mean()) <= 6 * std / math.sqrt(n)
    assert abs(W.std() / std - 1) <= 6 / math.sqrt(2 * n)
    for k, p in ((1, math.erf(1 / math.sqrt(2))), (2, math.erf(2 / math.sqrt(2)))):
        assert abs(np.mean(np.abs(W) < k * std) - p) <= 6 * math.sqrt(p * (1 - p) / n)
    fourth = float(np.mean(W ** 4)) / std ** 4  # a normal's kurtosis is 3
    assert abs(fourth - 3) < 0.15


@pytest.mark.parametrize("fan_in,fan_out,seed", [(123, 987, 1), (2048, 77, 2), (333, 333, 3)])
def test_xavier_matches_torch_statistics(fan_in, fan_out, seed):
    W = SOL["xavier_init"](fan_in, fan_out, np.random.default_rng(seed))
    assert type(W) is np.ndarray and W.dtype == np.float64 and W.shape == (fan_in, fan_out)
    assert_normal(W, torch_xavier_std(fan_in, fan_out))


@pytest.mark.parametrize("fan_in,fan_out,seed", [(123, 987, 4), (2048, 77, 5), (50, 5000, 6)])
def test_he_matches_torch_statistics(fan_in, fan_out, seed):
    W = SOL["he_init"](fan_in, fan_out, np.random.default_rng(seed))
    assert type(W) is np.ndarray and W.dtype == np.float64 and W.shape == (fan_in, fan_out)
    assert_normal(W, torch_kaiming_std(fan_in))


def test_initialisers_are_reproducible_through_rng_only():
    for name in ("xavier_init", "he_init"):
        fn = SOL[name]
        np.random.seed(1)
        a = fn(17, 9, np.random.default_rng(11))
        b = fn(17, 9, np.random.default_rng(11))
        assert np.array_equal(a, b) and not np.array_equal(a, fn(17, 9, np.random.default_rng(12)))
        assert np.random.random() == np.random.RandomState(1).random_sample()  # global state untouched


@pytest.mark.parametrize("method", ["he", "xavier", "small"])
def test_init_mlp(method):
    sizes = [700, 250, 900, 3]
    params = SOL["init_mlp"](sizes, np.random.default_rng(21), method=method)
    assert list(params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    for l in (1, 2, 3):
        fan_in, fan_out = sizes[l - 1], sizes[l]
        W, b = params[f"W{l}"], params[f"b{l}"]
        assert W.shape == (fan_in, fan_out) and W.dtype == np.float64
        assert b.shape == (fan_out,) and b.dtype == np.float64 and not b.any()
        if l < 3:  # large enough for the statistics
            std = {"he": torch_kaiming_std(fan_in), "xavier": torch_xavier_std(fan_in, fan_out), "small": 0.01}[method]
            assert_normal(W, std)


def test_init_mlp_defaults_to_he():
    params = SOL["init_mlp"]([900, 400, 2], np.random.default_rng(22))
    assert_normal(params["W1"], torch_kaiming_std(900))


def test_gradient_norms_against_a_definition():
    rng = np.random.default_rng(31)
    for L in (1, 2, 13):
        sizes = rng.integers(1, 7, size=L + 1)
        keys = [(l, k) for l in range(1, L + 1) for k in "Wb"]
        rng.shuffle(keys)
        grads = {f"{k}{l}": rng.normal(size=(sizes[l - 1], sizes[l]) if k == "W" else sizes[l]) * 10.0 ** rng.uniform(-8, 8)
                 for l, k in keys}
        got = SOL["gradient_norms"](grads)
        assert type(got) is list and all(type(v) is float for v in got)
        expected = [math.sqrt(math.fsum(float(x) ** 2 for x in grads[f"W{l}"].ravel())) for l in range(1, L + 1)]
        assert got == pytest.approx(expected, rel=1e-13)


def clip_grad_norm_like_torch(grads, max_norm):
    norms = [math.sqrt(math.fsum(float(x) ** 2 for x in g.ravel())) for g in grads.values()]
    total = math.sqrt(math.fsum(n * n for n in norms))
    coef = min(max_norm / (total + 1e-6), 1.0)
    return {k: [float(x) * coef for x in g.ravel()] for k, g in grads.items()}, total


@pytest.mark.parametrize("seed", range(5))
def test_clip_by_global_norm_matches_clip_grad_norm(seed):
    rng = np.random.default_rng(40 + seed)
    grads = {}
    for l in range(1, 8):
        shape = tuple(rng.integers(1, 6, size=2))
        grads[f"W{l}"] = rng.normal(size=shape) * 10.0 ** rng.uniform(-2, 2)
        grads[f"b{l}"] = rng.normal(size=shape[1]) * 10.0 ** rng.uniform(-2, 2)
    total = clip_grad_norm_like_torch(grads, 1.0)[1]
    # away from the 1e-6 band at the limit, where torch's clamp(coef, max=1) and "only when total > max_norm" differ
    for max_norm in (1e-3, 0.3 * total, 0.9 * total, 1.1 * total, 50 * total):
        before = {k: v.copy() for k, v in grads.items()}
        ids = {k: id(v) for k, v in grads.items()}
        clipped, got_total = SOL["clip_by_global_norm"](grads, max_norm)
        expected, expected_total = clip_grad_norm_like_torch(before, max_norm)
        assert type(got_total) is float and got_total == pytest.approx(expected_total, rel=1e-13)
        assert clipped is not grads and list(clipped) == list(grads)
        for k in grads:
            assert np.array_equal(grads[k], before[k]) and id(grads[k]) == ids[k]
            assert clipped[k].shape == grads[k].shape
            np.testing.assert_allclose(clipped[k].ravel(), expected[k], rtol=1e-12, atol=0)


def test_clip_keeps_direction_and_caps_the_norm():
    rng = np.random.default_rng(50)
    grads = {"W1": rng.normal(size=(30, 20)) * 100, "b1": rng.normal(size=20)}
    clipped, total = SOL["clip_by_global_norm"](grads, 2.0)
    new_total = math.sqrt(sum(float(np.sum(g ** 2)) for g in clipped.values()))
    assert new_total == pytest.approx(2.0 * total / (total + 1e-6), rel=1e-12)
    ratio = clipped["W1"] / grads["W1"]
    assert np.allclose(ratio, ratio.flat[0]) and np.allclose(clipped["b1"] / grads["b1"], ratio.flat[0])
