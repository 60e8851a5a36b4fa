"""One neuron on 2-D inputs: its output over the plane, and where the data land on its activation.

The explorer is thin: :class:`NeuronPlot` draws the figure once and updates its artists for new
weights, :func:`plot_neuron` uses it for a static figure, and :func:`neuron_explorer` wires sliders
to it through a :class:`~course.explorers._live.LiveFigure`. The student's ``dense_forward`` and
activations are passed in; the package holds neither.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from matplotlib import colormaps, patheffects
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

from ..plots import CLASS_COLORS, grid_over
from ._live import LiveFigure, explorer_box, problem_message

__all__ = ["NeuronPlot", "plot_neuron", "neuron_explorer", "boundary_segment"]

Z_LIMIT = 8.0  # the right panel shows pre-activations z in [-Z_LIMIT, Z_LIMIT]
MARKERS = ["o", "^", "s", "D", "v"]


def boundary_segment(w1: float, w2: float, b: float, xlim, ylim) -> tuple[np.ndarray, np.ndarray]:
    """The line ``w1 x1 + w2 x2 + b = 0`` across the box ``xlim x ylim``, as two end points
    ``(xs, ys)`` (clipped by the axes when drawn). Empty arrays if ``w1 = w2 = 0`` (no line)."""
    if abs(w1) < 1e-12 and abs(w2) < 1e-12:
        return np.array([]), np.array([])
    if abs(w2) >= abs(w1):  # solve for x2: steeper lines are solved for x1 instead
        xs = np.array(xlim, dtype=float)
        return xs, -(w1 * xs + b) / w2
    ys = np.array(ylim, dtype=float)
    return -(w2 * ys + b) / w1, ys


class NeuronPlot:
    """The neuron's figure on two axes ``(plane, curve)``, drawn once; :meth:`update` changes it.

    Left: the output ``a = activation(x @ w + b)`` over the plane (an image), the data, and the
    line ``z = 0`` (where the pre-activation changes sign). Right: the activation curve and the
    data at their pre-activations. ``X: (N, 2)``, ``y: (N,)``.
    """

    def __init__(self, axes, X: np.ndarray, y: np.ndarray, steps: int = 100):
        self.ax_plane, self.ax_curve = axes
        self.X, self.y = np.asarray(X, dtype=float), np.asarray(y).astype(int)
        xx, yy, self.points = grid_over(self.X, steps=steps)
        self.shape = xx.shape
        self.xlim, self.ylim = (xx.min(), xx.max()), (yy.min(), yy.max())
        # The colours are looked up here (uint8 RGBA): Agg then only scales the image, four times
        # faster than colour-mapping floats on every redraw. The colour bar reads the same scale.
        self.scale = ScalarMappable(Normalize(0.0, 1.0), colormaps["viridis"])
        self.image = self.ax_plane.imshow(np.zeros((*self.shape, 4), dtype=np.uint8), origin="lower", aspect="auto",
                                          extent=(*self.xlim, *self.ylim), interpolation="nearest")
        self.colorbar = self.ax_plane.figure.colorbar(self.scale, ax=self.ax_plane)
        self.line = self.ax_plane.plot([], [], color="white", linewidth=2,
                                       path_effects=[patheffects.withStroke(linewidth=4, foreground="black")])[0]
        self.dots = []
        for k in np.unique(self.y):
            self.dots.append(self.ax_plane.scatter(*self.X[self.y == k].T, s=18, color=CLASS_COLORS[k % len(CLASS_COLORS)],
                                                   marker=MARKERS[k % len(MARKERS)], edgecolor="white",
                                                   linewidth=0.6, label=f"class {k}"))
        self.ax_plane.set(xlim=self.xlim, ylim=self.ylim, xlabel="$x_1$", ylabel="$x_2$",
                          title="neuron output over the plane (white line: z = 0)")

        self.z = np.linspace(-Z_LIMIT, Z_LIMIT, 321)
        self.curve = self.ax_curve.plot(self.z, np.zeros_like(self.z), color="black", linewidth=2)[0]
        self.landed = [self.ax_curve.scatter(np.zeros(int(np.sum(self.y == k))), np.zeros(int(np.sum(self.y == k))),
                                             s=14, alpha=0.75, color=CLASS_COLORS[k % len(CLASS_COLORS)],
                                             marker=MARKERS[k % len(MARKERS)], label=f"class {k}")
                       for k in np.unique(self.y)]
        self.ax_curve.axvline(0, color="grey", linewidth=0.6)
        # outside the axes, where nothing that changes is drawn over it
        self.ax_curve.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, borderaxespad=0)
        self.ax_curve.set(xlabel="pre-activation z", ylabel="output a", xlim=(-Z_LIMIT, Z_LIMIT),
                          title="where the data land on the activation")
        self.activation_name = None

    @property
    def changing(self) -> list:
        """The artists that change when a weight moves, in drawing order."""
        return [self.image, self.line, *self.dots, self.curve, *self.landed]

    def set_activation(self, activation: Callable, name: str) -> None:
        """Draw the activation's curve and fit the colour scale and the right panel to its range.
        Raises what the student's ``activation`` raises."""
        a = np.asarray(activation(self.z), dtype=float).reshape(-1)
        self.curve.set_ydata(a)
        finite = a[np.isfinite(a)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        hi = hi if hi > lo else lo + 1.0
        self.scale.set_clim(lo, hi)
        self.colorbar.set_label(f"a = {name}(z)")
        pad = 0.06 * (hi - lo)
        self.ax_curve.set_ylim(lo - pad, hi + pad)
        self.ax_curve.set_ylabel(f"output a = {name}(z)")
        self.activation_name = name

    def update(self, dense_forward: Callable, activation: Callable, w1: float, w2: float, b: float) -> dict:
        """Run the student's ``dense_forward`` and ``activation`` for these weights and update the
        artists. Returns ``{"z": (N,) pre-activations of the data, "agree": how many points have
        z > 0 exactly when they are class 1}``. Raises what the student's code raises."""
        W = np.array([[w1], [w2]], dtype=float)
        bias = np.array([b], dtype=float)
        Z = np.asarray(dense_forward(self.points, W, bias), dtype=float)
        A = np.asarray(activation(Z), dtype=float).reshape(self.shape)
        z_data = np.asarray(dense_forward(self.X, W, bias), dtype=float).reshape(-1)
        a_data = np.asarray(activation(z_data), dtype=float).reshape(-1)
        self.image.set_data(self.scale.to_rgba(A, bytes=True))
        self.line.set_data(*boundary_segment(w1, w2, b, self.xlim, self.ylim))
        for k, dots in zip(np.unique(self.y), self.landed):
            dots.set_offsets(np.column_stack([z_data[self.y == k], a_data[self.y == k]]))
        return {"z": z_data, "agree": int(np.sum((z_data > 0) == (self.y == 1)))}


def plot_neuron(dense_forward: Callable, activation: Callable, w1: float, w2: float, b: float,
                X: np.ndarray, y: np.ndarray, activation_name: str = "", axes=None):
    """One neuron ``a = activation(x @ w + b)`` on 2-D inputs, drawn two ways (see
    :class:`NeuronPlot`), as a static figure. ``X: (N, 2)``, ``y: (N,)``. Returns the two axes."""
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [1.2, 1]},
                               layout="constrained")
    plot = NeuronPlot(axes, X, y)
    plot.set_activation(activation, activation_name or getattr(activation, "__name__", "activation"))
    plot.update(dense_forward, activation, w1, w2, b)
    plot.ax_plane.set_title(f"z = {w1:+.2f}·x1 {w2:+.2f}·x2 {b:+.2f}   (white line: z = 0)")
    return axes


def describe_neuron(name: str, w1: float, w2: float, b: float, agree: int, n: int) -> str:
    """The explorer's one-line caption: what the figure shows, in words."""
    formula = f"z = {w1:+.1f}·x1 {w2:+.1f}·x2 {b:+.1f}"
    if abs(w1) < 1e-12 and abs(w2) < 1e-12:
        line = "with both weights 0, z is the same everywhere, so there is no line z = 0"
    else:
        line = f"the line z = 0 puts {agree} of {n} points on their class's side (class 1 where z > 0)"
    return f"Neuron output {name}(z) over the plane for {formula}; {line}."


def neuron_explorer(dense_forward: Callable, activations: dict[str, Callable], X: np.ndarray, y: np.ndarray):
    """Sliders for ``w1, w2, b`` and a choice of activation, updating a :class:`NeuronPlot`.

    ``activations`` maps a name to the student's function, e.g. ``{"sigmoid": sigmoid, "relu": relu}``.
    Displays the explorer and returns it (a :class:`NeuronExplorer`).
    """
    from IPython.display import display

    explorer = NeuronExplorer(dense_forward, activations, X, y)
    display(explorer.widget)
    return explorer


class NeuronExplorer:
    """The widgets and the live figure of :func:`neuron_explorer` (``.widget`` to display)."""

    def __init__(self, dense_forward: Callable, activations: dict[str, Callable], X: np.ndarray, y: np.ndarray):
        import ipywidgets as widgets

        self.dense_forward, self.activations = dense_forward, activations
        style, layout = {"description_width": "initial"}, widgets.Layout(width="320px")
        slider = dict(min=-5.0, max=5.0, step=0.1, continuous_update=True, style=style, layout=layout)
        self.w1 = widgets.FloatSlider(value=1.0, description="weight w1", **slider)
        self.w2 = widgets.FloatSlider(value=1.0, description="weight w2", **slider)
        self.b = widgets.FloatSlider(value=0.0, description="bias b", **slider)
        self.name = widgets.Dropdown(options=list(activations), description="activation", style=style)
        self.live = LiveFigure(figsize=(10, 4), gridspec_kw={"width_ratios": [1.2, 1]}, ncols=2)
        self.live.fig.get_layout_engine().set(wspace=0.08)  # room between the colour bar and the right panel
        self.plot = NeuronPlot(self.live.axes, X, y)
        self.live.track(*self.plot.changing)
        self.activation_ready = False
        for control in (self.w1, self.w2, self.b):
            control.observe(self.moved, names="value")
        self.name.observe(self.chose, names="value")
        self.widget = explorer_box([[self.w1, self.w2], [self.b, self.name]], self.live)
        self.chose()

    def chose(self, change=None):
        """A new activation: its curve and colour scale change, so the whole figure is redrawn."""
        try:
            self.plot.set_activation(self.activations[self.name.value], self.name.value)
            self.activation_ready = True
        except Exception as error:  # the student's code: say what to do, never a traceback
            self.activation_ready = False
            return self.problem(error)
        self.moved(full=True)

    def moved(self, change=None, full: bool = False):
        """A weight moved: recompute the output with the student's code and update the artists."""
        if not self.activation_ready:
            return self.chose()
        name, w1, w2, b = self.name.value, self.w1.value, self.w2.value, self.b.value
        try:
            stats = self.plot.update(self.dense_forward, self.activations[name], w1, w2, b)
        except Exception as error:
            return self.problem(error)
        for artist in self.plot.changing:
            artist.set_visible(True)
        self.live.notice(None)
        self.live.redraw(describe_neuron(name, w1, w2, b, stats["agree"], len(self.plot.y)), full=full)

    def problem(self, error: BaseException):
        message = problem_message(error, f"dense_forward and {self.name.value}")
        for artist in self.plot.changing:
            artist.set_visible(False)
        self.live.notice(message)
        self.live.redraw(message)  # hidden tracked artists need no new background
