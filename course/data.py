"""Data sets for the notebooks: small synthetic ones (every generator takes an ``rng``) and the
real handwritten digits of the capstone, shipped with the course."""
from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["make_blobs", "make_xor", "make_moons", "make_spirals", "load_digits"]


def make_blobs(n_per_class: int, rng: np.random.Generator, centers=((-1.0, -1.0), (1.0, 1.0)),
               std: float = 0.6) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs, one per centre. Returns ``X: (n_per_class * C, 2)``, ``y: (n_per_class * C,)``."""
    centers = np.asarray(centers, dtype=float)
    X = np.concatenate([c + std * rng.standard_normal((n_per_class, 2)) for c in centers])
    y = np.repeat(np.arange(len(centers)), n_per_class)
    return X, y


def make_xor(n_per_corner: int, rng: np.random.Generator, std: float = 0.12) -> tuple[np.ndarray, np.ndarray]:
    """Points around the four corners of the unit square, labelled ``x1 XOR x2``.

    Returns ``X: (4 * n_per_corner, 2)`` and ``y: (4 * n_per_corner,)`` with values 0 or 1.
    No single line separates the classes.
    """
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    labels = np.array([0, 1, 1, 0])
    X = np.concatenate([c + std * rng.standard_normal((n_per_corner, 2)) for c in corners])
    y = np.repeat(labels, n_per_corner)
    return X, y


def make_moons(n: int, rng: np.random.Generator, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles. Returns ``X: (n, 2)`` and ``y: (n,)`` with values 0 or 1."""
    n0 = n // 2
    n1 = n - n0
    t0 = np.pi * rng.random(n0)
    t1 = np.pi * rng.random(n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0, dtype=int), np.ones(n1, dtype=int)])
    return X, y


def make_spirals(n_per_class: int, n_classes: int, rng: np.random.Generator,
                 noise: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (the CS231n toy problem).

    Returns ``X: (n_per_class * n_classes, 2)`` and ``y`` with values ``0 … n_classes-1``.
    """
    X = np.zeros((n_per_class * n_classes, 2))
    y = np.zeros(n_per_class * n_classes, dtype=int)
    for k in range(n_classes):
        idx = slice(n_per_class * k, n_per_class * (k + 1))
        r = np.linspace(0.0, 1.0, n_per_class)
        t = np.linspace(k * 4.0, (k + 1) * 4.0, n_per_class) + noise * rng.standard_normal(n_per_class)
        X[idx] = np.column_stack([r * np.sin(t), r * np.cos(t)])
        y[idx] = k
    return X, y


DIGITS_FILE = Path(__file__).resolve().parent / "digits" / "optdigits.npz"


def load_digits(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """The UCI handwritten digits (8×8), shipped with the course (see ``course/digits/README.md``).

    ``split`` is ``"train"`` (1,438 images), ``"test"`` (359) or ``"all"`` (1,797), by the course's
    fixed split. Returns ``X: (N, 64)`` float64 pixels scaled to ``[0, 1]`` (row-major 8×8) and
    ``y: (N,)`` int64 labels ``0 … 9``. Needs no internet and no other package.
    """
    with np.load(DIGITS_FILE) as f:
        images, labels, is_test = f["images"], f["labels"], f["is_test"]
    chosen = {"train": ~is_test, "test": is_test, "all": np.ones_like(is_test)}
    if split not in chosen:
        raise ValueError(f"split must be 'train', 'test' or 'all', not {split!r}")
    keep = chosen[split]
    return images[keep].astype(np.float64) / 16.0, labels[keep].astype(np.int64)
