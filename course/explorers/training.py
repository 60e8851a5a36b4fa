"""Watch a small MLP learn, one gradient-descent step at a time, on the student's own backward pass.

The explorer is thin: :class:`TrainingRun` holds the state and takes steps, :class:`TrainingPlot`
draws it once and updates its artists (:func:`plot_training` uses it without widgets), and
:func:`training_explorer` wires buttons to both.
Everything about the network comes from the notebook: the gradients from the student's
``mlp_loss_and_grads``, and the forward pass and the initialiser from the notebook's own cells.
This module holds no forward pass, gradient or initialiser of its own.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..plots import CLASS_COLORS, grid_over
from ._live import LiveFigure, explorer_box, problem_message

__all__ = ["TrainingRun", "TrainingPlot", "plot_training", "training_explorer"]


class TrainingRun:
    """Full-batch gradient descent on ``(X, y)`` with gradients from ``loss_and_grads``.

    ``loss_and_grads(X, y, params, activation=...)`` returns ``(loss, grads)``;
    ``forward(X, params, activation)`` returns ``(scores, cache)``; ``init(layer_sizes, rng)``
    returns the starting ``params``. After each step the run records the loss *before* the update
    and the L2 norm of each layer's weight gradient. ``X: (N, 2)``, ``y: (N,)``; ``hidden`` lists
    the hidden widths.
    """

    def __init__(self, loss_and_grads: Callable, forward: Callable, init: Callable, X: np.ndarray,
                 y: np.ndarray, hidden=(16, 16), activation: str = "relu", lr: float = 0.5, seed: int = 0):
        self.loss_and_grads = loss_and_grads
        self.forward = forward
        self.init = init
        self.X, self.y = X, y
        self.hidden = tuple(hidden)
        self.activation = activation
        self.lr = lr
        self.seed = seed
        self.reset()

    def reset(self):
        sizes = [self.X.shape[1], *self.hidden, int(self.y.max()) + 1]
        self.params = self.init(sizes, np.random.default_rng(self.seed))
        self.losses: list[float] = []
        self.grad_norms: list[list[float]] = []  # one list per step, layer 1 first

    @property
    def n_layers(self) -> int:
        return len(self.hidden) + 1

    def step(self, n: int = 1):
        """Take ``n`` steps ``p -= lr * dL/dp`` (in place, as every optimiser in notebook 05 does);
        stop early if the loss is no longer finite."""
        for _ in range(n):
            loss, grads = self.loss_and_grads(self.X, self.y, self.params, activation=self.activation)
            self.losses.append(float(loss))
            self.grad_norms.append([float(np.linalg.norm(grads[f"W{l}"])) for l in range(1, self.n_layers + 1)])
            if not np.isfinite(loss):
                break
            for key in self.params:
                self.params[key] -= self.lr * grads[key]
        return self

    def accuracy(self) -> float:
        scores, _ = self.forward(self.X, self.params, self.activation)
        return float(np.mean(scores.argmax(axis=1) == self.y))


LAYER_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]  # Okabe-Ito


def _shade(color: str, alpha: float = 0.28) -> np.ndarray:
    """``color`` seen at ``alpha`` over white, as opaque uint8 RGBA (the decision regions)."""
    from matplotlib.colors import to_rgb

    return np.round(255 * (1 - alpha + alpha * np.array(to_rgb(color)))).astype(np.uint8).tolist() + [255]


class TrainingPlot:
    """Three panels drawn once on ``axes``: the decision regions with the data, the loss so far, and
    each layer's ``||dW||`` (log scale). :meth:`set_data` switches data sets, :meth:`update` shows a
    run. Axis limits only grow, in steps, so most updates change no axis; ``update`` returns whether
    one did (then the whole figure must be redrawn)."""

    def __init__(self, axes, n_layers: int, n_classes: int, steps: int = 90):
        self.ax_plane, self.ax_loss, self.ax_grad = axes
        self.steps = steps
        self.lut = np.array([_shade(c) for c in CLASS_COLORS], dtype=np.uint8)
        self.image = self.ax_plane.imshow(np.zeros((steps, steps, 4), dtype=np.uint8), origin="lower", aspect="auto",
                                          interpolation="bilinear")  # smooths the grid's steps at the borders
        self.dots = [self.ax_plane.scatter([], [], s=14, color=CLASS_COLORS[k % len(CLASS_COLORS)], edgecolor="white",
                                           linewidth=0.4, label=f"class {k}") for k in range(n_classes)]
        self.ax_plane.set(xlabel="$x_1$", ylabel="$x_2$", title="the class the network picks (shaded) and the data")
        self.loss_line = self.ax_loss.plot([], [], color="black", linewidth=1.5)[0]
        self.ax_loss.set(xlabel="step", ylabel="mean cross-entropy", title="loss")
        self.grad_lines = [self.ax_grad.plot([], [], linewidth=1.5, color=LAYER_COLORS[l % len(LAYER_COLORS)],
                                             label=f"layer {l + 1}")[0] for l in range(n_layers)]
        self.ax_grad.set_yscale("log")
        self.ax_grad.set(xlabel="step", ylabel=r"$\|\partial L / \partial W^{[l]}\|$", title="gradient size per layer")
        self.ax_grad.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, borderaxespad=0)
        self.limits = {"steps": 100, "loss": 1.0, "grad": (1e-3, 10.0)}
        self.apply_limits()
        self.regions_of = None  # which run, grid and step the shaded regions show

    @property
    def changing(self) -> list:
        """The artists that change with every step, in drawing order."""
        return [self.image, *self.dots, self.loss_line, self.ax_loss.title, *self.grad_lines]

    def set_data(self, X: np.ndarray, y: np.ndarray) -> None:
        """A new data set: its points, and a grid over them for the decision regions."""
        xx, yy, self.points = grid_over(X, self.steps)
        self.image.set_extent((xx.min(), xx.max(), yy.min(), yy.max()))
        self.ax_plane.set(xlim=(xx.min(), xx.max()), ylim=(yy.min(), yy.max()))
        for k, dots in enumerate(self.dots):
            dots.set_offsets(X[y == k].reshape(-1, 2))

    def apply_limits(self) -> None:
        self.ax_loss.set(xlim=(0, self.limits["steps"]), ylim=(0, self.limits["loss"]))
        self.ax_grad.set(xlim=(0, self.limits["steps"]), ylim=self.limits["grad"])

    def grow_limits(self, run: "TrainingRun") -> bool:
        """Widen the axes (never narrow them) to hold the run; whether they changed."""
        old = dict(self.limits)
        n = len(run.losses)
        while n > self.limits["steps"]:
            self.limits["steps"] *= 2
        finite = [v for v in run.losses if np.isfinite(v)]
        if finite and max(finite) > self.limits["loss"]:
            self.limits["loss"] = float(np.ceil(1.2 * max(finite)))
        norms = np.array(run.grad_norms, dtype=float).reshape(-1)
        norms = norms[np.isfinite(norms) & (norms > 0)]
        if norms.size:
            lo, hi = self.limits["grad"]
            if norms.min() < lo:
                lo = 10.0 ** np.floor(np.log10(norms.min()))
            if norms.max() > hi:
                hi = 10.0 ** np.ceil(np.log10(norms.max()))
            self.limits["grad"] = (lo, hi)
        if self.limits != old:
            self.apply_limits()
            return True
        return False

    def reset_limits(self) -> None:
        self.limits = {"steps": 100, "loss": 1.0, "grad": (1e-3, 10.0)}
        self.apply_limits()

    def update(self, run: "TrainingRun", lr_text: str = "") -> bool:
        """Show ``run`` now: its decision regions (the notebook's forward pass on the grid), the
        loss and the gradient sizes so far. Returns whether an axis had to grow."""
        self.update_regions(run)
        return self.update_curves(run, lr_text)

    def update_regions(self, run: "TrainingRun") -> None:
        """The decision regions of ``run`` now (raises what the notebook's forward pass raises)."""
        state = (id(run), id(self.points), len(run.losses))
        if state != self.regions_of:  # the weights moved: run the forward pass over the grid again
            with np.errstate(all="ignore"):  # a diverged run (lr too large) still draws
                scores = np.nan_to_num(np.asarray(run.forward(self.points, run.params, run.activation)[0], dtype=float))
            labels = ((scores.reshape(-1) > 0).astype(int) if scores.ndim == 1 or scores.shape[1] == 1
                      else scores.argmax(axis=1))
            self.image.set_data(self.lut[labels % len(self.lut)].reshape(self.steps, self.steps, 4))
            self.regions_of = state

    def update_curves(self, run: "TrainingRun", lr_text: str = "") -> bool:
        """The loss and gradient sizes so far; returns whether an axis had to grow."""
        steps = np.arange(len(run.losses))
        self.loss_line.set_data(steps, run.losses)
        norms = np.array(run.grad_norms, dtype=float).reshape(len(run.grad_norms), run.n_layers)
        for layer, line in enumerate(self.grad_lines):
            line.set_data(steps, norms[:, layer] if len(norms) else [])
        self.ax_loss.set_title(f"loss{lr_text}")
        return self.grow_limits(run)


def plot_training(run: TrainingRun, axes=None):
    """Three panels: the decision regions now, the loss so far, and each layer's ``||dW||``
    (see :class:`TrainingPlot`), as a static figure. Returns the axes."""
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 3, figsize=(14, 4), gridspec_kw={"width_ratios": [1.1, 1, 1]}, layout="constrained")
    plot = TrainingPlot(axes, run.n_layers, int(run.y.max()) + 1, steps=150)
    plot.set_data(run.X, run.y)
    plot.update(run)
    if run.losses:  # a static figure fits its axes to the run
        plot.ax_loss.set_xlim(0, max(1, len(run.losses) - 1))
        plot.ax_grad.set_xlim(0, max(1, len(run.losses) - 1))
        plot.ax_grad.set_autoscaley_on(True)
        plot.ax_grad.relim()
        plot.ax_grad.autoscale_view(scalex=False)
    plot.ax_plane.set_title(f"after {len(run.losses)} steps: accuracy {run.accuracy():.0%}")
    plot.ax_loss.set_title(f"loss (now {run.losses[-1]:.4f})" if run.losses else "loss: no step taken yet")
    return axes


def describe_training(name: str, run: TrainingRun) -> str:
    """The explorer's one-line caption: the state of the run, in words."""
    head = f"Data '{name}', {run.activation} network, learning rate {run.lr:.3g}: "
    if not run.losses:
        return head + f"no step yet, accuracy {run.accuracy():.0%}. Press a step button to train."
    norms = ", ".join(f"{v:.2g}" for v in run.grad_norms[-1])
    return (head + f"after {len(run.losses)} steps the loss is {run.losses[-1]:.4f} (it started at "
            f"{run.losses[0]:.4f}) and the accuracy {run.accuracy():.0%}; gradient size per layer, first to last: "
            f"{norms}.")


DIVERGED = "The loss is no longer finite: the learning rate is too large. Lower it and press reset."


class TrainingExplorer:
    """The widgets and the live figure of :func:`training_explorer` (``.widget`` to display)."""

    def __init__(self, mlp_loss_and_grads: Callable, forward: Callable, init: Callable, datasets: dict,
                 hidden=(16, 16), lr: float = 0.5, seed: int = 0):
        import ipywidgets as widgets

        self.functions, self.datasets = (mlp_loss_and_grads, forward, init), datasets
        self.hidden, self.seed = tuple(hidden), seed
        style = {"description_width": "initial"}
        self.data = widgets.Dropdown(options=list(datasets), description="data", style=style)
        self.activation = widgets.Dropdown(options=["relu", "tanh", "sigmoid"], description="activation", style=style)
        self.rate = widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.1, description="learning rate",
                                           continuous_update=False, style=style, layout=widgets.Layout(width="360px"))
        self.buttons = {n: widgets.Button(description=label) for n, label in
                        [(1, "step"), (10, "10 steps"), (100, "100 steps")]}
        self.reset = widgets.Button(description="reset", button_style="warning")
        n_classes = max(int(y.max()) + 1 for _, y in datasets.values())
        self.live = LiveFigure(figsize=(14, 4), gridspec_kw={"width_ratios": [1.1, 1, 1]}, ncols=3)
        self.plot = TrainingPlot(self.live.axes, len(self.hidden) + 1, n_classes, steps=64)  # a light grid: a step stays quick
        self.live.track(*self.plot.changing)
        self.widget = explorer_box([[self.data, self.activation, self.rate], [*self.buttons.values(), self.reset]],
                                   self.live)
        for n, button in self.buttons.items():
            button.on_click(lambda _, n=n: self.take(n))
        self.reset.on_click(self.new_run)
        self.data.observe(self.new_run, names="value")
        self.activation.observe(self.new_run, names="value")
        self.rate.observe(self.new_rate, names="value")
        self.run = None
        self.new_run()

    def new_run(self, *_):
        """A fresh run (new data set, activation, or reset): the same starting weights for a seed."""
        X, y = self.datasets[self.data.value]
        try:
            self.run = TrainingRun(*self.functions, X, y, hidden=self.hidden, activation=self.activation.value,
                                   lr=self.rate.value, seed=self.seed)
            self.plot.set_data(X, y)
            self.plot.reset_limits()
        except Exception as error:  # the student's code (the notebook's init or forward): no traceback
            return self.problem(error, "init_params and mlp_forward")
        self.show(full=True)

    def new_rate(self, change):
        """The learning rate applies from the next step on; the loss panel's title says which it is."""
        if self.run is not None:
            self.run.lr = self.rate.value
            self.show()

    def take(self, n: int):
        if self.run is None:
            return self.new_run()
        run = self.run
        run.lr = self.rate.value
        try:
            run.step(n)
        except Exception as error:  # the student's code: say what to do, never a traceback
            return self.problem(error, "mlp_loss_and_grads (and the backward functions it uses)")
        self.show()

    def show(self, full: bool = False):
        run = self.run
        try:
            self.plot.update_regions(run)
            caption = describe_training(self.data.value, run)
        except Exception as error:  # the notebook's forward pass
            return self.problem(error, "mlp_forward")
        grew = self.plot.update_curves(run, f" (learning rate {self.rate.value:.3g})")
        if run.losses and not np.isfinite(run.losses[-1]):
            caption = DIVERGED
        self.live.notice(DIVERGED if caption == DIVERGED else None)
        for artist in self.plot.changing:
            artist.set_visible(True)
        self.live.redraw(caption, full=full or grew)

    def problem(self, error: BaseException, functions: str):
        message = problem_message(error, functions)
        for artist in self.plot.changing:
            artist.set_visible(False)
        self.live.notice(message)
        self.live.redraw(message)  # hidden tracked artists need no new background


def training_explorer(mlp_loss_and_grads: Callable, forward: Callable, init: Callable, datasets: dict,
                      hidden=(16, 16), lr: float = 0.5, seed: int = 0):
    """Buttons "step", "10 steps", "100 steps" and "reset"; choices of data set, activation and
    learning rate. ``datasets`` maps a name to ``(X, y)``. Every step calls ``mlp_loss_and_grads``;
    ``forward`` and ``init`` are as for :class:`TrainingRun`. Displays the explorer and returns it (a
    :class:`TrainingExplorer`; its ``run`` is the current :class:`TrainingRun`, a new one after reset)."""
    from IPython.display import display

    explorer = TrainingExplorer(mlp_loss_and_grads, forward, init, datasets, hidden, lr, seed)
    display(explorer.widget)
    return explorer
