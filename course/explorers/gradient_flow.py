"""Watch gradients flow (or fade) through a deep MLP: per-layer gradient norms and activation histograms.

The explorer is thin: :class:`GradientFlowPlot` draws two panels once and redraws them by updating
its artists in place; :func:`plot_gradient_flow` draws one setting without widgets; and
:func:`gradient_flow_explorer` wires depth, activation and initialisation controls to the plot,
shown through a :class:`~course.explorers._live.LiveFigure`.
Everything about the network comes from the notebook: the student's ``init_mlp`` and
``gradient_norms``, and the notebook's own ``mlp_loss_and_grads`` and forward pass. This module
holds no initialiser, norm, forward or backward pass of its own.
"""
from __future__ import annotations

from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator, NullLocator

__all__ = ["GradientFlowPlot", "plot_gradient_flow", "gradient_flow_explorer"]

# Okabe-Ito colours: told apart with every common form of colour blindness.
BLUE, ORANGE, GREEN, VERMILION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
# Where each activation's values live: the histograms' ranges (ReLU's tail is folded into the last bin).
RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, 3.0)}
N_BINS = 40
STUB_MESSAGE = ("Write init_mlp (Parts A and B) and gradient_norms (Part C) above first, "
                "then run this cell again.")


class GradientFlowPlot:
    """Two panels for one network at initialisation, redrawn in place by :meth:`update`.

    Left: ``gradient_norms(grads)`` per layer, on a log scale. Right: histograms of the
    activations of the first, the middle and the last hidden layer, over the batch.

    ``init_mlp(layer_sizes, rng, method=...)`` returns ``params``; ``gradient_norms(grads)`` a list
    of floats, layer 1 first; ``loss_and_grads(X, y, params, activation=...)`` returns
    ``(loss, grads)``; ``forward(X, params, activation)`` returns ``(scores, cache)`` with
    ``cache[l - 1] = (A_prev, Z)`` for layer ``l`` (``A_prev`` the layer's input), as the
    notebook's ``mlp_forward`` does. ``X: (N, D)``, ``y: (N,)``; hidden layers have ``width`` units.
    """

    def __init__(self, init_mlp: Callable, gradient_norms: Callable, loss_and_grads: Callable,
                 forward: Callable, X: np.ndarray, y: np.ndarray, width: int = 64, max_depth: int = 20,
                 seed: int = 0, axes=None):
        self.init_mlp, self.gradient_norms = init_mlp, gradient_norms
        self.loss_and_grads, self.forward = loss_and_grads, forward
        self.X, self.y = X, y
        self.width, self.max_depth, self.seed = width, max_depth, seed
        self.norms: list[float] = []
        self.message = ""
        self.description = ""
        self.axes_changed = True  # limits or fixed texts changed since the last full draw
        if axes is None:
            _, axes = plt.subplots(1, 2, figsize=(12, 4))
        self.ax_norm, self.ax_hist = axes
        self.figure = self.ax_norm.figure
        # Built once; update() changes their data, never the figure's structure.
        (self.norm_line,) = self.ax_norm.plot([], [], marker="o", color=BLUE, linewidth=2)
        self.ax_norm.set_yscale("log")
        # no minor ticks: a log axis over many decades has hundreds, and they make every full draw slow
        self.ax_norm.yaxis.set_minor_locator(NullLocator())
        self.ax_norm.xaxis.set_major_locator(MaxNLocator(integer=True))  # layers are whole numbers
        self.ax_norm.set_xlim(0.5, max_depth + 0.5)
        self.ax_norm.set(title="Gradient norm per layer", xlabel="layer $l$ (1 = nearest the input)",
                         ylabel=r"$\|\partial\mathcal{L}/\partial W^{[l]}\|_F$")
        self.ax_norm.grid(True, which="major", alpha=0.3)
        edges = np.linspace(0.0, 1.0, N_BINS + 1)
        self.histograms = [self.ax_hist.stairs(np.zeros(N_BINS), edges, color=color, linewidth=2, label=label)
                           for color, label in ((ORANGE, "first hidden layer"), (GREEN, "middle hidden layer"),
                                                (VERMILION, "last hidden layer"))]
        # beside the panel: the histograms are drawn over whatever shares their axes
        self.legend = self.ax_hist.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        self.ax_hist.set(title="Hidden activations at initialisation", xlabel="activation value",
                         ylabel="fraction of all values")
        self.note = self.figure.text(0.5, 0.5, "", ha="center", va="center", fontsize=12, wrap=True,
                                     bbox={"facecolor": "white", "edgecolor": VERMILION})
        self.note.set_visible(False)

    def dynamic_artists(self) -> list:
        """The artists :meth:`update` changes on every setting (for :meth:`LiveFigure.track`)."""
        return [self.norm_line, *self.histograms, self.note]

    def _set_limits(self, ax, xlim, ylim) -> None:
        if (tuple(ax.get_xlim()), tuple(ax.get_ylim())) != (tuple(xlim), tuple(ylim)):
            ax.set_xlim(*xlim)
            ax.set_ylim(*ylim)
            self.axes_changed = True

    def measure(self, depth: int, activation: str, method: str):
        """Initialise a ``depth``-layer network with ``init_mlp`` and return ``(norms, hidden)``:
        ``gradient_norms`` of its gradients and the activations of its ``depth - 1`` hidden layers."""
        sizes = [self.X.shape[1]] + [self.width] * (depth - 1) + [int(self.y.max()) + 1]
        params = self.init_mlp(sizes, np.random.default_rng(self.seed), method=method)
        _, grads = self.loss_and_grads(self.X, self.y, params, activation=activation)
        norms = [float(v) for v in self.gradient_norms(grads)]
        _, cache = self.forward(self.X, params, activation)
        hidden = [np.asarray(cache[l][0], dtype=float) for l in range(1, len(cache))]
        return norms, hidden

    def update(self, depth: int = 10, activation: str = "sigmoid", method: str = "small") -> bool:
        """Redraw for a new setting by changing the existing artists' data. Returns False (and shows
        a message instead of the data) when the student's code is not written yet or fails."""
        try:
            with np.errstate(all="ignore"):
                norms, hidden = self.measure(depth, activation, method)
        except NotImplementedError:
            return self._show_message(STUB_MESSAGE)
        except Exception as error:  # a bug in the student's code: say so, do not crash the explorer
            return self._show_message(f"Your code raised {type(error).__name__}: {error}\n"
                                      "Run the check cells above to find the problem.")
        self.message = ""
        self.note.set_visible(False)
        self.norms = norms
        layers = np.arange(1, len(norms) + 1)
        shown = np.array([v if np.isfinite(v) and v > 0 else np.nan for v in norms])
        self.norm_line.set_data(layers, shown)
        self.norm_line.set_visible(True)
        finite = shown[np.isfinite(shown)]
        if finite.size:
            self._set_limits(self.ax_norm, self.ax_norm.get_xlim(), _log_limits(self.ax_norm.get_ylim(), finite))

        lo, hi = RANGES.get(activation, (-1.0, 1.0))
        edges = np.linspace(lo, hi, N_BINS + 1)
        picks = sorted({0, (len(hidden) - 1) // 2, len(hidden) - 1}) if hidden else []
        for i, stairs in enumerate(self.histograms):
            if i < len(picks):
                values = np.clip(hidden[picks[i]].ravel(), lo, hi)
                counts, _ = np.histogram(values, bins=edges)
                stairs.set_data(counts / max(values.size, 1), edges)
                stairs.set_visible(True)
            else:
                stairs.set_visible(False)
        tallest = max((stairs.get_data().values.max() for stairs in self.histograms if stairs.get_visible()),
                      default=0.0)
        top = self.ax_hist.get_ylim()[1]
        if not 0.3 * top <= tallest * 1.05 <= top:  # drawn again only when the bars outgrow or shrink a lot
            top = min(next(t for t in (0.1, 0.2, 0.3, 0.5, 0.75, 1.0, np.inf) if t >= tallest * 1.05), 1.05)
        self._set_limits(self.ax_hist, (lo, hi), (0.0, top))
        self.shown_layers = [p + 1 for p in picks]

        self.description = self._describe(depth, activation, method, hidden, picks)
        return True

    def _describe(self, depth, activation, method, hidden, picks) -> str:
        """One sentence in words for what the two panels show."""
        norms = self.norms
        text = f"A {depth}-layer {activation} network with {method} initialisation. "
        if norms and all(np.isfinite(norms)) and norms[-1] > 0:
            text += (f"Left: the gradient norm is {norms[-1]:.1e} at layer {len(norms)} (the output) and "
                     f"{norms[0]:.1e} at layer 1, a ratio of {norms[0] / norms[-1]:.0e}. ")
        if picks:
            spread = ", ".join(f"{np.std(hidden[p]):.2g} in layer {p + 1}" for p in picks)
            text += f"Right: histograms of the hidden activations; their spread (standard deviation) is {spread}."
        return text

    def _show_message(self, text: str) -> bool:
        self.message = self.description = text
        self.note.set_text(text)
        self.note.set_visible(True)
        self.norm_line.set_visible(False)
        for stairs in self.histograms:
            stairs.set_visible(False)
        return False


def _log_limits(current, values, grid: int = 2):
    """Log-axis limits for positive ``values``: the ``current`` ones while the values fill at least
    a third of their decades, else whole decades (``grid`` at a time) with room to spare. An axis
    whose limits change must be drawn again, which is slow; this keeps that rare."""
    low, high = np.log10(values.min()), np.log10(values.max())
    c_low, c_high = np.log10(current)
    if c_low <= low and high <= c_high and (high - low) >= (c_high - c_low) / 3:
        return current
    # room to spare below, half the data's span: deeper networks push the first layers' norms lower
    new_low = grid * np.floor((low - max(0.5, (high - low) / 2)) / grid)
    new_high = grid * np.ceil((high + 0.5) / grid)
    return 10.0 ** new_low, 10.0 ** new_high


def plot_gradient_flow(init_mlp: Callable, gradient_norms: Callable, loss_and_grads: Callable, forward: Callable,
                       X: np.ndarray, y: np.ndarray, depth: int = 10, activation: str = "sigmoid",
                       method: str = "small", width: int = 64, seed: int = 0, axes=None) -> GradientFlowPlot:
    """Draw one setting without widgets (arguments as for :class:`GradientFlowPlot`); returns the plot.
    If the student's code is not written yet, prints what to do instead of raising."""
    plot = GradientFlowPlot(init_mlp, gradient_norms, loss_and_grads, forward, X, y, width=width,
                            max_depth=max(depth, 2), seed=seed, axes=axes)
    if not plot.update(depth, activation, method):
        print(plot.message)
    plot.figure.tight_layout()
    return plot


def gradient_flow_explorer(init_mlp: Callable, gradient_norms: Callable, loss_and_grads: Callable,
                           forward: Callable, X: np.ndarray, y: np.ndarray, depth: int = 10,
                           activation: str = "sigmoid", method: str = "small", width: int = 64,
                           max_depth: int = 20, seed: int = 0) -> GradientFlowPlot:
    """A depth slider and activation / initialisation menus that redraw one :class:`GradientFlowPlot`
    (its artists are updated, the figure is never rebuilt). Returns the plot."""
    import ipywidgets as widgets
    from IPython.display import display

    from ._live import LiveFigure, explorer_box

    live = LiveFigure(figsize=(12, 4.2), ncols=2)
    plot = GradientFlowPlot(init_mlp, gradient_norms, loss_and_grads, forward, X, y, width=width,
                            max_depth=max_depth, seed=seed, axes=live.axes)
    live.track(*plot.dynamic_artists())
    readable = dict(style={"description_width": "initial"})
    depth_box = widgets.IntSlider(value=depth, min=2, max=max_depth, description="depth (layers)",
                                  continuous_update=False, **readable)
    activation_box = widgets.Dropdown(options=["sigmoid", "tanh", "relu"], value=activation,
                                      description="activation", **readable)
    method_box = widgets.Dropdown(options=[("small (std 0.01)", "small"), ("Xavier", "xavier"), ("He", "he")],
                                  value=method, description="initialisation", **readable)

    def redraw(*_):
        plot.update(depth_box.value, activation_box.value, method_box.value)
        live.redraw(plot.description, full=plot.axes_changed)
        plot.axes_changed = False

    for box in (depth_box, activation_box, method_box):
        box.observe(redraw, names="value")
    redraw()
    display(explorer_box([[depth_box, activation_box, method_box]], live))
    plot.controls, plot.live = {"depth": depth_box, "activation": activation_box, "init": method_box}, live
    return plot
