"""Forward pieces from notebooks 01–03, for the notebooks that build on them.

Notebook 04 (backpropagation) needs a forward pass, a loss and a numerical gradient that
work, whatever a student wrote earlier. This module holds exactly those forward pieces.
It deliberately holds **no** backward function and no gradient of a loss: those are what
notebook 04 asks students to write, and importing them from here must not be possible.

The forward pass caches, for every layer ``l = 1 … L``, the pair ``(A_prev, Z)``: the
layer's input ``A^{[l-1]}`` (``A^{[0]} = X``) and its pre-activation ``Z^{[l]}``.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "sigmoid",
    "relu",
    "ACTIVATIONS",
    "dense_forward",
    "mlp_forward",
    "n_layers",
    "softmax",
    "softmax_cross_entropy",
    "numerical_gradient",
    "relative_error",
]


def sigmoid(z):
    """Logistic sigmoid, elementwise, without overflow. ``z``: any shape; returns floats of that shape."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    out = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out[()] if out.ndim == 0 else out


def relu(z):
    """max(z, 0), elementwise. ``z``: any shape; returns a new float array of that shape."""
    return np.maximum(np.asarray(z, dtype=float), 0.0)


ACTIVATIONS = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh}


def dense_forward(X, W, b):
    """``Z = X @ W + b``. ``X: (N, D_in)``, ``W: (D_in, D_out)``, ``b: (D_out,)``; returns ``Z: (N, D_out)``."""
    return X @ W + b


def n_layers(params) -> int:
    """The number of dense layers ``L`` in ``params = {"W1", "b1", …, "WL", "bL"}``."""
    return sum(1 for key in params if key.startswith("W"))


def mlp_forward(X, params, activation="relu"):
    """Forward pass of an MLP: dense layers with ``activation`` between them, a linear last layer.

    ``X: (N, D)``; ``params``: ``"W1": (D, H1)``, ``"b1": (H1,)``, …, ``"WL": (H_{L-1}, C)``, ``"bL": (C,)``.
    Returns ``(scores, cache)``: ``scores: (N, C)``; ``cache`` is a list of ``L`` pairs
    ``(A_prev, Z)``, layer 1 first, with ``A_prev: (N, H_{l-1})`` the layer's input and
    ``Z: (N, H_l)`` its pre-activation.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, not {activation!r}")
    phi = ACTIVATIONS[activation]
    L = n_layers(params)
    A = np.asarray(X, dtype=float)
    cache = []
    for layer in range(1, L + 1):
        Z = dense_forward(A, params[f"W{layer}"], params[f"b{layer}"])
        cache.append((A, Z))
        A = phi(Z) if layer < L else Z
    return A, cache


def softmax(scores):
    """Row-wise softmax. ``scores: (N, C)``; returns probabilities ``(N, C)`` whose rows sum to 1."""
    shifted = scores - scores.max(axis=1, keepdims=True)  # the largest exponent is e^0: no overflow
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(scores, y) -> float:
    """Mean negative log-probability of the true classes, by log-sum-exp.

    ``scores: (N, C)``, ``y: (N,)`` integers in ``0 … C-1``. Returns a float.
    """
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(y)), y].mean())


def numerical_gradient(f, x, h=1e-5):
    """Central differences ``(f(x + h e_i) - f(x - h e_i)) / 2h`` of a scalar function ``f``.

    ``x``: a float array of any shape, changed during the call and restored before it returns.
    Returns an array shaped like ``x``.
    """
    grad = np.zeros_like(x, dtype=float)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        f_plus = f(x)
        x[index] = old - h
        f_minus = f(x)
        x[index] = old
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b) -> float:
    """``max |a - b| / max(1e-8, |a| + |b|)`` over all elements: about 1e-7 or less means "agree"."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
