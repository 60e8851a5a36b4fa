"""MSE against cross-entropy for one sigmoid output: the losses and their gradients.

The student's own ``mse_loss`` and ``binary_cross_entropy`` are passed in, and so is the
``sigmoid`` (the notebook's: the package holds no answer to notebook 01). The gradient with
respect to the logit ``z`` is estimated by central differences of those very functions, so
the plot shows what *their* code would feed to backpropagation. The widget is thin: a slider
moving the marks of a :class:`LossPlot` drawn once; :func:`plot_loss_comparison` draws the same
figure on its own.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ._live import LiveFigure, explorer_box, problem_message

__all__ = ["loss_curves", "LossPlot", "plot_loss_comparison", "show_loss_comparison", "loss_explorer"]

_H = 1e-5  # step of the central difference


def loss_curves(mse_loss: Callable, binary_cross_entropy: Callable, sigmoid: Callable, z: np.ndarray,
                y: float) -> dict:
    """Both losses of the one-example prediction ``p = sigmoid(z)`` against label ``y``, and
    their slopes with respect to ``z``, at every logit in ``z: (M,)``.

    Returns a dict of ``(M,)`` arrays: ``"p"``, ``"mse"``, ``"bce"``, ``"mse_grad"``, ``"bce_grad"``.
    """
    z = np.asarray(z, dtype=float).reshape(-1)
    target = np.array([float(y)])

    def losses(zi):
        p = np.array([float(sigmoid(zi))])
        return float(mse_loss(p, target)), float(binary_cross_entropy(p, target))

    out = {key: np.empty_like(z) for key in ("mse", "bce", "mse_grad", "bce_grad")}
    for i, zi in enumerate(z):
        out["mse"][i], out["bce"][i] = losses(zi)
        (mse_up, bce_up), (mse_down, bce_down) = losses(zi + _H), losses(zi - _H)
        out["mse_grad"][i] = (mse_up - mse_down) / (2 * _H)
        out["bce_grad"][i] = (bce_up - bce_down) / (2 * _H)
    out["p"] = np.array([float(sigmoid(zi)) for zi in z])
    return out


COLORS = {"mse": "#0072B2", "bce": "#D55E00"}  # Okabe-Ito blue and vermilion
NAMES = {"mse": "MSE", "bce": "cross-entropy"}


class LossPlot:
    """Both losses of ``p = sigmoid(z)`` against a label (left) and their slopes (right), drawn
    once on ``axes``; :meth:`set_label` redraws the curves for a label, :meth:`set_logit` moves the
    marked logit. Raises what the student's functions raise."""

    def __init__(self, axes, mse_loss: Callable, binary_cross_entropy: Callable, sigmoid: Callable,
                 z_range: float = 8.0):
        self.ax_loss, self.ax_grad = axes
        self.functions = (mse_loss, binary_cross_entropy, sigmoid)
        self.grid = np.linspace(-z_range, z_range, 161)
        self.curves: dict[int, dict] = {}  # per label, computed on first use
        self.lines, self.dots = {}, {}
        for key in ("mse", "bce"):
            for ax, suffix in ((self.ax_loss, ""), (self.ax_grad, "_grad")):
                self.lines[key + suffix] = ax.plot([], [], color=COLORS[key], linewidth=2, label=NAMES[key])[0]
                self.dots[key + suffix] = ax.plot([], [], "o", color=COLORS[key], markersize=8,
                                                  markeredgecolor="black", markeredgewidth=0.6)[0]
        self.marks = [ax.axvline(0.0, color="black", linewidth=0.8, linestyle=":") for ax in axes]
        for ax in axes:
            ax.axvline(0, color="grey", linewidth=0.6)
            ax.set_xlabel("logit z   (prediction p = sigmoid(z))")
            ax.set_xlim(-z_range, z_range)
        # one legend above both panels, where the moving marks never cover it
        self.ax_loss.figure.legend(handles=[self.lines["mse"], self.lines["bce"]], loc="outside upper center", ncols=2)
        self.ax_grad.axhline(0, color="grey", linewidth=0.6)
        self.ax_loss.set(ylabel="loss", title="the loss of one example")
        self.ax_grad.set(ylabel="d loss / d z", title="its slope: what backpropagation passes on")
        self.label = None
        self.here: dict = {}

    @property
    def changing(self) -> list:
        """The artists that move with the logit, in drawing order."""
        return [*self.marks, *self.dots.values()]

    def curves_for(self, y: int) -> dict:
        if y not in self.curves:
            self.curves[y] = loss_curves(*self.functions, self.grid, y)
        return self.curves[y]

    def fit_limits(self, labels=(0, 1)) -> None:
        """Fix the y-axes to hold the curves of every label, so that no change moves them."""
        for ax, keys in ((self.ax_loss, ("mse", "bce")), (self.ax_grad, ("mse_grad", "bce_grad"))):
            values = np.concatenate([self.curves_for(y)[k] for y in labels for k in keys])
            values = values[np.isfinite(values)]
            lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
            pad = 0.05 * (hi - lo) if hi > lo else 1.0
            ax.set_ylim(min(lo, 0.0) - pad, hi + pad)

    def set_label(self, y: int) -> None:
        curves = self.curves_for(y)
        for key, line in self.lines.items():
            line.set_data(self.grid, curves[key])
        self.label = y

    def set_logit(self, z: float) -> dict:
        here = loss_curves(*self.functions, np.array([z]), self.label)
        for key, dot in self.dots.items():
            dot.set_data([z], here[key])
        for mark in self.marks:
            mark.set_xdata([z, z])
        self.here = {key: float(value[0]) for key, value in here.items()}
        return self.here


def plot_loss_comparison(mse_loss: Callable, binary_cross_entropy: Callable, sigmoid: Callable, z: float,
                         y: int = 1, z_range: float = 8.0, axes=None):
    """Left: MSE and cross-entropy of ``p = sigmoid(logit)`` against the label ``y``, over logits
    in ``[-z_range, z_range]``. Right: their slopes d loss / d logit. Dots mark the logit ``z``.
    Returns the two axes."""
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    plot = LossPlot(axes, mse_loss, binary_cross_entropy, sigmoid, z_range)
    plot.set_label(y)
    plot.fit_limits((y,))
    here = plot.set_logit(z)
    plot.ax_loss.set_title(f"label y = {y},  p = {here['p']:.4f}:  MSE {here['mse']:.4f},  CE {here['bce']:.4f}")
    plot.ax_grad.set_title(f"slopes at z = {z:+.2f}:  MSE {here['mse_grad']:+.4f},  CE {here['bce_grad']:+.4f}")
    return axes


def show_loss_comparison(mse_loss: Callable, binary_cross_entropy: Callable, sigmoid: Callable, z: float,
                         y: int = 1) -> bool:
    """Draw :func:`plot_loss_comparison`, or explain what to write first if a function is a stub.
    Returns whether the figure was drawn."""
    import matplotlib.pyplot as plt

    try:
        plot_loss_comparison(mse_loss, binary_cross_entropy, sigmoid, z, y)
    except NotImplementedError:
        plt.close("all")
        print("Write mse_loss and binary_cross_entropy above first; then run this cell again.")
        return False
    plt.show()
    return True


def describe_losses(y: int, z: float, here: dict) -> str:
    """The explorer's one-line caption: the numbers at the marked logit, in words."""
    steeper = "cross-entropy" if abs(here["bce_grad"]) > abs(here["mse_grad"]) else "MSE"
    return (f"Label y = {y}, logit z = {z:+.2f}, prediction p = {here['p']:.4f}: MSE {here['mse']:.4f} with "
            f"slope {here['mse_grad']:+.4f}; cross-entropy {here['bce']:.4f} with slope {here['bce_grad']:+.4f} "
            f"(p - y = {here['p'] - y:+.4f}). Here {steeper} pushes harder.")


class LossExplorer:
    """The widgets and the live figure of :func:`loss_explorer` (``.widget`` to display)."""

    def __init__(self, mse_loss: Callable, binary_cross_entropy: Callable, sigmoid: Callable):
        import ipywidgets as widgets

        style = {"description_width": "initial"}
        self.z = widgets.FloatSlider(value=-4.0, min=-8.0, max=8.0, step=0.25, description="logit z",
                                     continuous_update=True, style=style, layout=widgets.Layout(width="420px"))
        self.y = widgets.ToggleButtons(options=[0, 1], value=1, description="label y", style=style)
        self.live = LiveFigure(figsize=(11, 4), ncols=2)
        self.plot = LossPlot(self.live.axes, mse_loss, binary_cross_entropy, sigmoid)
        self.live.track(*self.plot.changing)
        self.widget = explorer_box([[self.z, self.y]], self.live)
        self.z.observe(self.moved, names="value")
        self.y.observe(self.flipped, names="value")
        self.ready = False
        self.flipped()

    def flipped(self, change=None):
        """A new label: new curves (part of the background), so the whole figure is redrawn."""
        try:
            if not self.ready:
                self.plot.fit_limits()
                self.ready = True
            self.plot.set_label(self.y.value)
        except Exception as error:  # the student's code: say what to do, never a traceback
            return self.problem(error)
        self.moved(full=True)

    def moved(self, change=None, full: bool = False):
        if not self.ready:
            return self.flipped()
        try:
            here = self.plot.set_logit(self.z.value)
        except Exception as error:
            return self.problem(error)
        if self.live.notice_shown:  # a problem before: show the curves again
            for artist in [*self.plot.lines.values(), *self.plot.changing]:
                artist.set_visible(True)
            full = True
        self.live.notice(None)
        self.live.redraw(describe_losses(self.y.value, self.z.value, here), full=full)

    def problem(self, error: BaseException):
        message = problem_message(error, "mse_loss and binary_cross_entropy")
        for artist in [*self.plot.lines.values(), *self.plot.changing]:
            artist.set_visible(False)
        self.live.notice(message)
        self.live.redraw(message, full=True)


def loss_explorer(mse_loss: Callable, binary_cross_entropy: Callable, sigmoid: Callable):
    """A slider for the logit ``z`` and a toggle for the label ``y``, moving the marks on a
    :class:`LossPlot` of the student's own losses. Displays the explorer and returns it."""
    from IPython.display import display

    explorer = LossExplorer(mse_loss, binary_cross_entropy, sigmoid)
    display(explorer.widget)
    return explorer
