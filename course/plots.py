"""Plotting helpers shared by the notebooks. Each works on its own, without widgets."""
from __future__ import annotations

from typing import Callable

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["grid_over", "plot_decision_boundary", "plot_functions"]

CLASS_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]


def grid_over(X: np.ndarray, steps: int = 150, margin: float = 0.5):
    """A regular grid covering the 2-D points ``X: (N, 2)``.

    Returns ``(xx, yy, points)`` where ``xx, yy`` have shape ``(steps, steps)`` and
    ``points = [xx.ravel(), yy.ravel()]`` stacked as ``(steps * steps, 2)``.
    """
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], steps), np.linspace(lo[1], hi[1], steps))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def plot_decision_boundary(score_fn: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray,
                           ax=None, title: str | None = None, steps: int = 150):
    """Shade the plane by the class ``score_fn`` picks and draw the data on top.

    ``score_fn`` maps points ``(M, 2)`` to scores ``(M, C)`` (or ``(M,)`` / ``(M, 1)``, read as
    one score thresholded at 0). Returns the axes.
    """
    ax = ax or plt.gca()
    xx, yy, points = grid_over(X, steps)
    scores = np.asarray(score_fn(points), dtype=float)
    if scores.ndim == 1 or scores.shape[1] == 1:
        labels = (scores.reshape(-1) > 0).astype(int)
        n_classes = 2
    else:
        labels = scores.argmax(axis=1)
        n_classes = scores.shape[1]
    colors = CLASS_COLORS[: max(n_classes, int(y.max()) + 1)]
    from matplotlib.colors import ListedColormap

    ax.contourf(xx, yy, labels.reshape(xx.shape), levels=np.arange(len(colors) + 1) - 0.5,
                cmap=ListedColormap(colors), alpha=0.25)
    for k, color in enumerate(colors):
        ax.scatter(*X[y == k].T, s=14, color=color, edgecolor="white", linewidth=0.4, label=f"class {k}")
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_functions(functions: dict[str, Callable[[np.ndarray], np.ndarray]], z=None, ax=None,
                   title: str | None = None):
    """Plot several elementwise functions of ``z`` on one axes; returns the axes."""
    ax = ax or plt.gca()
    z = np.linspace(-6, 6, 401) if z is None else z
    for label, f in functions.items():
        ax.plot(z, f(z), label=label, linewidth=2)
    ax.axhline(0, color="grey", linewidth=0.6)
    ax.axvline(0, color="grey", linewidth=0.6)
    ax.set_xlabel("$z$")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax
