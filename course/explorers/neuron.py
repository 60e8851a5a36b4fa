"""Interactive explorers. Each is thin: sliders wired to a plotting function that also
works on its own, and each runs the student's own code passed in as arguments."""
from __future__ import annotations

from typing import Callable

import matplotlib.pyplot as plt
import numpy as np

from ..plots import CLASS_COLORS, grid_over

__all__ = ["plot_neuron", "neuron_explorer"]


def plot_neuron(dense_forward: Callable, activation: Callable, w1: float, w2: float, b: float,
                X: np.ndarray, y: np.ndarray, activation_name: str = "", axes=None):
    """One neuron ``a = activation(x @ w + b)`` on 2-D inputs, drawn two ways.

    Left: the neuron's output over the plane with the data and the line ``z = 0``
    (where the pre-activation changes sign). Right: the output along a slice.
    ``X: (N, 2)``, ``y: (N,)``. Returns the two axes.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [1.2, 1]})
    ax_plane, ax_curve = axes
    W = np.array([[w1], [w2]], dtype=float)
    bias = np.array([b], dtype=float)
    xx, yy, points = grid_over(X, steps=120)
    Z = dense_forward(points, W, bias)
    A = np.asarray(activation(Z), dtype=float).reshape(xx.shape)
    mesh = ax_plane.pcolormesh(xx, yy, A, shading="auto", cmap="viridis")
    plt.colorbar(mesh, ax=ax_plane, label=f"output a = {activation_name}(z)")
    if abs(w1) + abs(w2) > 1e-9:
        ax_plane.contour(xx, yy, np.asarray(Z).reshape(xx.shape), levels=[0.0], colors="white",
                         linewidths=2)
    for k in np.unique(y):
        ax_plane.scatter(*X[y == k].T, s=16, color=CLASS_COLORS[int(k)], edgecolor="white",
                         linewidth=0.5, label=f"class {k}")
    ax_plane.set(xlim=(xx.min(), xx.max()), ylim=(yy.min(), yy.max()), xlabel="$x_1$", ylabel="$x_2$",
                 title=f"z = {w1:+.2f}·x1 {w2:+.2f}·x2 {b:+.2f}   (white line: z = 0)")
    ax_plane.legend(loc="lower right", fontsize=8)

    z = np.linspace(-6, 6, 301)
    ax_curve.plot(z, np.asarray(activation(z), dtype=float), linewidth=2)
    z_data = np.asarray(dense_forward(X, W, bias)).reshape(-1)
    a_data = np.asarray(activation(z_data), dtype=float)
    for k in np.unique(y):
        ax_curve.scatter(z_data[y == k], a_data[y == k], s=12, color=CLASS_COLORS[int(k)], alpha=0.7)
    ax_curve.axvline(0, color="grey", linewidth=0.6)
    ax_curve.set(xlabel="pre-activation z", ylabel="output a", title="where the data land on the activation",
                 xlim=(-6, 6))
    return axes


def neuron_explorer(dense_forward: Callable, activations: dict[str, Callable], X: np.ndarray, y: np.ndarray):
    """Sliders for ``w1, w2, b`` and a choice of activation, redrawing :func:`plot_neuron`.

    ``activations`` maps a name to the student's function, e.g. ``{"sigmoid": sigmoid, "relu": relu}``.
    """
    import ipywidgets as widgets
    from IPython.display import display

    slider = dict(min=-5.0, max=5.0, step=0.1, continuous_update=False)
    controls = dict(
        w1=widgets.FloatSlider(value=1.0, description="w1", **slider),
        w2=widgets.FloatSlider(value=1.0, description="w2", **slider),
        b=widgets.FloatSlider(value=0.0, description="b", **slider),
        name=widgets.Dropdown(options=list(activations), description="activation"),
    )

    def draw(w1, w2, b, name):
        try:
            plot_neuron(dense_forward, activations[name], w1, w2, b, X, y, activation_name=name)
            plt.show()
        except NotImplementedError:
            print(f"Write dense_forward and {name} above first; then move a slider.")

    out = widgets.interactive_output(draw, controls)
    display(widgets.VBox([widgets.HBox([controls["w1"], controls["w2"]]),
                          widgets.HBox([controls["b"], controls["name"]]), out]))
