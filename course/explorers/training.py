"""Watch a small MLP learn, one gradient-descent step at a time, on the student's own backward pass.

The explorer is thin: :class:`TrainingRun` holds the state and takes steps, :func:`plot_training`
draws it (and works without widgets), and :func:`training_explorer` wires buttons to both.
Everything about the network comes from the notebook: the gradients from the student's
``mlp_loss_and_grads``, and the forward pass and the initialiser from the notebook's own cells.
This module holds no forward pass, gradient or initialiser of its own.
"""
from __future__ import annotations

from typing import Callable

import matplotlib.pyplot as plt
import numpy as np

from ..plots import plot_decision_boundary

__all__ = ["TrainingRun", "plot_training", "training_explorer"]


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


def plot_training(run: TrainingRun, axes=None):
    """Three panels: the decision boundary now, the loss so far, and each layer's ``||dW||``.

    Returns the axes.
    """
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(14, 4), gridspec_kw={"width_ratios": [1.1, 1, 1]})
    ax_plane, ax_loss, ax_grad = axes
    with np.errstate(all="ignore"):  # a diverged run (lr too large) still draws
        plot_decision_boundary(lambda P: np.nan_to_num(run.forward(P, run.params, run.activation)[0]),
                               run.X, run.y, ax=ax_plane, steps=90)
    ax_plane.set_title(f"after {len(run.losses)} steps: accuracy {run.accuracy():.0%}")
    ax_plane.legend(loc="lower right", fontsize=7)

    steps = np.arange(len(run.losses))
    if run.losses:
        ax_loss.plot(steps, run.losses, color="black", linewidth=1.5)
        ax_loss.set_title(f"loss (now {run.losses[-1]:.4f})")
    else:
        ax_loss.set_title("loss: press a step button")
    ax_loss.set(xlabel="step", ylabel="mean cross-entropy")
    ax_loss.set_ylim(bottom=0)

    if run.grad_norms:
        norms = np.array(run.grad_norms)
        for layer in range(norms.shape[1]):
            ax_grad.plot(steps, norms[:, layer], linewidth=1.5, label=f"layer {layer + 1}")
        if np.all(norms[np.isfinite(norms)] > 0):
            ax_grad.set_yscale("log")
        ax_grad.legend(fontsize=8)
    ax_grad.set(xlabel="step", ylabel=r"$\|\partial L / \partial W^{[l]}\|$", title="gradient size per layer")
    plt.tight_layout()
    return axes


def training_explorer(mlp_loss_and_grads: Callable, forward: Callable, init: Callable, datasets: dict,
                      hidden=(16, 16), lr: float = 0.5, seed: int = 0):
    """Buttons "step", "10 steps", "100 steps" and "reset"; choices of data set, activation and
    learning rate. ``datasets`` maps a name to ``(X, y)``. Every step calls ``mlp_loss_and_grads``;
    ``forward`` and ``init`` are as for :class:`TrainingRun`."""
    import ipywidgets as widgets
    from IPython.display import clear_output, display

    names = list(datasets)
    data = widgets.Dropdown(options=names, description="data")
    activation = widgets.Dropdown(options=["relu", "tanh", "sigmoid"], description="activation")
    rate = widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.1, description="learning rate",
                                  continuous_update=False, style={"description_width": "initial"})
    buttons = {n: widgets.Button(description=label) for n, label in [(1, "step"), (10, "10 steps"), (100, "100 steps")]}
    reset = widgets.Button(description="reset", button_style="warning")
    out = widgets.Output()
    state = {}

    def new_run(*_):
        X, y = datasets[data.value]
        state["run"] = TrainingRun(mlp_loss_and_grads, forward, init, X, y, hidden=hidden, activation=activation.value,
                                   lr=rate.value, seed=seed)
        redraw()

    def redraw():
        with out:
            clear_output(wait=True)
            plot_training(state["run"])
            plt.show()

    def take(n):
        def on_click(_):
            run = state["run"]
            run.lr = rate.value
            with out:
                try:
                    run.step(n)
                except NotImplementedError:
                    clear_output()
                    print("Write mlp_loss_and_grads (and the backward functions it uses) above first; "
                          "then press a step button again.")
                    return
                except Exception as error:  # a bug in the student's code: say so, do not crash the widget
                    clear_output()
                    print(f"mlp_loss_and_grads raised {type(error).__name__}: {error}\n"
                          "Run its check cells above to find the problem.")
                    return
            if run.losses and not np.isfinite(run.losses[-1]):
                with out:
                    print("The loss is no longer finite: the learning rate is too large. Lower it and press reset.")
                return
            redraw()
        return on_click

    for n, button in buttons.items():
        button.on_click(take(n))
    reset.on_click(new_run)
    data.observe(new_run, names="value")
    activation.observe(new_run, names="value")
    new_run()
    display(widgets.VBox([widgets.HBox([data, activation, rate]),
                          widgets.HBox([*buttons.values(), reset]), out]))
    return state["run"]
