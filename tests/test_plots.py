"""Unit tests of course.plots: figures draw without widgets."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from course import data, plots


def test_plots_draw_without_widgets():
    X, y = data.make_blobs(10, np.random.default_rng(0))
    for score_fn in (lambda P: P @ np.array([[1.0, -1.0], [1.0, -1.0]]), lambda P: P[:, 0]):
        fig, ax = plt.subplots()
        plots.plot_decision_boundary(score_fn, X, y, ax=ax, steps=20)
        points = [c.get_offsets() for c in ax.collections if len(c.get_offsets()) and c.get_label().startswith("class")]
        assert sorted(len(p) for p in points) == [10, 10], "each class's points are drawn once"
        lo, hi = X.min(axis=0), X.max(axis=0)
        assert ax.get_xlim()[0] < lo[0] and ax.get_xlim()[1] > hi[0] and ax.get_ylim()[0] < lo[1]
    ax = plots.plot_functions({"tanh": np.tanh}, ax=plt.subplots()[1])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.tanh(ax.lines[0].get_xdata()))
    plt.close("all")
