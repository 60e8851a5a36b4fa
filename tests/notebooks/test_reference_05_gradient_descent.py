"""The reference solutions of 05 agree with independent implementations on unseen inputs.

The optimisers are compared, update for update, with a scalar re-implementation of the update
rules exactly as torch.optim writes them (torch/optim/sgd.py, rmsprop.py, adam.py, single-tensor
path, default flags): one float at a time, in plain Python, with the state kept per parameter and
Adam's step count per parameter. PyTorch itself is not needed.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from course.grading import nbtools

SOL = nbtools.solution_namespace("05_gradient_descent")


class TorchLike:
    """torch.optim's SGD / SGD-momentum / RMSprop / Adam on dicts of arrays, element by element."""

    def __init__(self, kind, lr, **hyper):
        self.kind, self.lr, self.h = kind, lr, hyper
        self.state = {}  # (name, flat index) -> dict, as torch keeps state per parameter

    def step(self, params, grads):
        for name, g in grads.items():
            p = params[name].reshape(-1)  # a view: written back in place
            for i, gi in enumerate(np.asarray(g, dtype=float).reshape(-1)):
                gi = float(gi)
                st = self.state.setdefault((name, i), {})
                p[i] = self._update(float(p[i]), gi, st)

    def _update(self, p, g, st):
        lr, h = self.lr, self.h
        if self.kind == "sgd":
            return p - lr * g
        if self.kind == "momentum":  # buf = g on the first step, then buf = momentum * buf + g
            st["buf"] = g if "buf" not in st else h["beta"] * st["buf"] + g
            return p - lr * st["buf"]
        if self.kind == "rmsprop":  # square_avg.mul_(alpha).addcmul_(g, g, value=1-alpha); avg = sqrt + eps
            st["sq"] = st.get("sq", 0.0) * h["alpha"] + (1 - h["alpha"]) * g * g
            return p - lr * g / (math.sqrt(st["sq"]) + h["eps"])
        if self.kind == "adam":  # step_size = lr / bc1; denom = sqrt(v) / sqrt(bc2) + eps
            st["step"] = st.get("step", 0) + 1
            st["m"] = st.get("m", 0.0) + (g - st.get("m", 0.0)) * (1 - h["beta1"])  # exp_avg.lerp_(g, 1-beta1)
            st["v"] = st.get("v", 0.0) * h["beta2"] + (1 - h["beta2"]) * g * g
            bc1 = 1 - h["beta1"] ** st["step"]
            bc2 = 1 - h["beta2"] ** st["step"]
            denom = math.sqrt(st["v"]) / math.sqrt(bc2) + h["eps"]
            return p - (lr / bc1) * st["m"] / denom
        raise ValueError(self.kind)


def make(kind, lr, hyper):
    cls = {"sgd": "SGD", "momentum": "Momentum", "rmsprop": "RMSProp", "adam": "Adam"}[kind]
    return SOL[cls](lr, **hyper), TorchLike(kind, lr, **{**DEFAULTS[kind], **hyper})


DEFAULTS = {"sgd": {}, "momentum": {"beta": 0.9}, "rmsprop": {"alpha": 0.99, "eps": 1e-8},
            "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}}
CASES = [
    ("sgd", 0.05, {}),
    ("momentum", 0.01, {}),
    ("momentum", 0.2, {"beta": 0.6}),
    ("rmsprop", 0.001, {}),
    ("rmsprop", 0.01, {"alpha": 0.9, "eps": 1e-6}),
    ("adam", 0.001, {}),
    ("adam", 0.05, {"beta1": 0.5, "beta2": 0.9, "eps": 1e-7}),
]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kind,lr,hyper", CASES)
def test_optimisers_match_torch_update_rules(kind, lr, hyper, seed):
    rng = np.random.default_rng(5000 + seed)
    shapes = {"W1": (3, 5), "b1": (5,), "W2": (5, 2), "b2": (2,)}
    start = {k: rng.normal(size=s) for k, s in shapes.items()}
    ours, theirs = make(kind, lr, hyper)
    p_ours = {k: v.copy() for k, v in start.items()}
    p_theirs = {k: v.copy() for k, v in start.items()}
    arrays = dict(p_ours)
    for call in range(8):
        # some parameters sit out some calls (as a parameter with grad None does in torch)
        names = [k for k in shapes if call < 2 or rng.random() < 0.7] or ["W1"]
        # gradients spanning 1e-7 .. 1e1, so eps placement and bias correction both show
        grads = {k: rng.normal(size=shapes[k]) * 10.0 ** rng.uniform(-7, 1, size=shapes[k]) for k in names}
        copies = {k: g.copy() for k, g in grads.items()}
        ours.step({k: p_ours[k] for k in names}, grads)
        theirs.step(p_theirs, copies)
        for k in names:
            np.testing.assert_array_equal(grads[k], copies[k])
        for k in shapes:
            assert p_ours[k] is arrays[k]
            np.testing.assert_allclose(p_ours[k], p_theirs[k], rtol=1e-12, atol=1e-15, err_msg=f"{kind} {k} call {call}")


@pytest.mark.parametrize("kind,lr,hyper", CASES)
def test_optimisers_follow_a_learning_rate_schedule(kind, lr, hyper):
    """A scheduler sets opt.lr between steps (as torch's schedulers set param_group['lr']); the next
    step must use it. Momentum must not fold lr into its velocity, so the two differ only then."""
    rng = np.random.default_rng(5500)
    shapes = {"W": (2, 3), "b": (3,)}
    start = {k: rng.normal(size=s) for k, s in shapes.items()}
    ours, theirs = make(kind, lr, hyper)
    p_ours = {k: v.copy() for k, v in start.items()}
    p_theirs = {k: v.copy() for k, v in start.items()}
    for factor in (1.0, 0.5, 3.0, 0.1, 0.1, 2.0):
        ours.lr = theirs.lr = lr * factor
        grads = {k: rng.normal(size=s) * 10.0 ** rng.uniform(-6, 1, size=s) for k, s in shapes.items()}
        ours.step(p_ours, {k: g.copy() for k, g in grads.items()})
        theirs.step(p_theirs, grads)
        for k in shapes:
            np.testing.assert_allclose(p_ours[k], p_theirs[k], rtol=1e-12, atol=1e-15, err_msg=f"{kind} {k}")


def test_momentum_keeps_its_own_velocity_when_the_caller_reuses_its_gradient_array():
    opt, ref = make("momentum", 0.1, {"beta": 0.5})
    p, q = {"w": np.zeros(4)}, {"w": np.zeros(4)}
    buffer = {"w": np.zeros(4)}
    rng = np.random.default_rng(5600)
    for _ in range(5):
        g = rng.normal(size=4)
        buffer["w"][...] = g
        opt.step(p, buffer)
        ref.step(q, {"w": g.copy()})
        np.testing.assert_array_equal(buffer["w"], g)
    np.testing.assert_allclose(p["w"], q["w"], rtol=1e-12)


def test_adam_first_step_is_lr_times_sign_even_for_tiny_gradients():
    adam = SOL["Adam"](0.01)
    p = {"w": np.zeros(4)}
    g = np.array([1e-7, -1e-6, 1e-3, -50.0])
    adam.step(p, {"w": g})
    np.testing.assert_allclose(p["w"], -0.01 * g / (np.abs(g) + 1e-8), rtol=1e-12)


def test_momentum_zero_beta_is_sgd_and_rmsprop_zero_alpha_is_sign_descent():
    rng = np.random.default_rng(6000)
    g_seq = [rng.normal(size=(2, 3)) for _ in range(4)]
    a, b = {"w": np.ones((2, 3))}, {"w": np.ones((2, 3))}
    m, s = SOL["Momentum"](0.1, beta=0.0), SOL["SGD"](0.1)
    r, c = {"w": np.ones((2, 3))}, SOL["RMSProp"](0.1, alpha=0.0, eps=0.0)
    for g in g_seq:
        m.step(a, {"w": g})
        s.step(b, {"w": g})
        c.step(r, {"w": g})
    np.testing.assert_allclose(a["w"], b["w"], rtol=1e-14)
    np.testing.assert_allclose(r["w"], 1.0 - 0.1 * sum(np.sign(g) for g in g_seq), rtol=1e-12)


def batches_ref(X, y, batch_size, rng):
    """Pure-Python reference: one permutation (or none), consecutive slices, last one shorter."""
    n = len(X)
    order = list(range(n)) if rng is None else [int(i) for i in rng.permutation(n)]
    out = []
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        out.append((np.array([X[i] for i in idx]), np.array([y[i] for i in idx])))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_iterate_minibatches_matches_reference(seed):
    rng = np.random.default_rng(7000 + seed)
    n = int(rng.integers(1, 40))
    batch_size = int(rng.integers(1, 12))
    X = rng.normal(size=(n, int(rng.integers(1, 4))))
    y = rng.integers(0, 5, size=(n,) + ((2,) if seed % 2 else ()))
    for rng_seed in (None, 100 + seed):
        ours_rng = None if rng_seed is None else np.random.default_rng(rng_seed)
        ref_rng = None if rng_seed is None else np.random.default_rng(rng_seed)
        for _ in range(3):  # consecutive passes consume consecutive permutations
            ours = list(SOL["iterate_minibatches"](X, y, batch_size, ours_rng))
            ref = batches_ref(X, y, batch_size, ref_rng)
            assert len(ours) == len(ref) == math.ceil(n / batch_size)
            for (xo, yo), (xr, yr) in zip(ours, ref):
                np.testing.assert_array_equal(xo, xr)
                np.testing.assert_array_equal(yo, yr)
        if rng_seed is not None:
            assert ours_rng.random() == ref_rng.random()  # the generator was used exactly as often


def test_linear_model_gradient_matches_finite_differences():
    """The notebook's given (ungraded) model gradient, checked so the experiments rest on a right one."""
    rng = np.random.default_rng(8000)
    X, y = rng.normal(size=(9, 3)), rng.normal(size=9)
    params = {"W": rng.normal(size=(3, 1)), "b": rng.normal(size=1)}
    _, grads = _given_model(X, y, params)
    for name, p in params.items():
        num = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + 1e-6
            up = float(np.mean(((X @ params["W"] + params["b"])[:, 0] - y) ** 2))
            p[i] = old - 1e-6
            down = float(np.mean(((X @ params["W"] + params["b"])[:, 0] - y) ** 2))
            p[i] = old
            num[i] = (up - down) / 2e-6
        np.testing.assert_allclose(grads[name], num, rtol=1e-6, atol=1e-9)


def _given_model(X, y, params):
    """mse_and_grads lives in an ordinary code cell of the notebook; run that cell."""
    nb = nbtools.read(nbtools.notebook_path("05_gradient_descent"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and "def mse_and_grads" in nbtools.source_text(c))
    ns = {"np": np}
    exec(nbtools.source_text(cell), ns)
    return ns["mse_and_grads"](X, y, params)
