"""MSE against cross-entropy for one sigmoid output: the losses and their gradients.

The student's own ``mse_loss`` and ``binary_cross_entropy`` are passed in, and so is the
``sigmoid`` (the notebook's: the package holds no answer to notebook 01). The gradient with
respect to the logit ``z`` is estimated by central differences of those very functions, so
the plot shows what *their* code would feed to backpropagation. The widget is thin: sliders
wired to :func:`plot_loss_comparison`, which also works on its own.
"""
from __future__ import annotations

from typing import Callable

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["loss_curves", "plot_loss_comparison", "show_loss_comparison", "loss_explorer"]

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


def plot_loss_comparison(mse_loss: Callable, binary_cross_entropy: Callable, sigmoid: Callable, z: float,
                         y: int = 1, z_range: float = 8.0, axes=None):
    """Left: MSE and cross-entropy of ``p = sigmoid(logit)`` against the label ``y``, over logits
    in ``[-z_range, z_range]``. Right: their slopes d loss / d logit. Dots mark the logit ``z``.
    Returns the two axes."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 4))
    ax_loss, ax_grad = axes
    grid = np.linspace(-z_range, z_range, 161)
    curves = loss_curves(mse_loss, binary_cross_entropy, sigmoid, grid, y)
    here = loss_curves(mse_loss, binary_cross_entropy, sigmoid, np.array([z]), y)
    styles = {"mse": ("MSE", "#1f77b4"), "bce": ("cross-entropy", "#d62728")}
    for key, (label, color) in styles.items():
        ax_loss.plot(grid, curves[key], color=color, linewidth=2, label=label)
        ax_loss.plot([z], here[key], "o", color=color, markersize=8)
        ax_grad.plot(grid, curves[key + "_grad"], color=color, linewidth=2, label=label)
        ax_grad.plot([z], here[key + "_grad"], "o", color=color, markersize=8)
    for ax in axes:
        ax.axvline(0, color="grey", linewidth=0.6)
        ax.axvline(z, color="black", linewidth=0.8, linestyle=":")
        ax.set_xlabel("logit z   (prediction p = sigmoid(z))")
        ax.legend(loc="best")
    ax_grad.axhline(0, color="grey", linewidth=0.6)
    p = float(here["p"][0])
    ax_loss.set(ylabel="loss", title=f"label y = {y},  p = {p:.4f}:  MSE {here['mse'][0]:.4f},  "
                                     f"CE {here['bce'][0]:.4f}")
    ax_grad.set(ylabel="d loss / d z", title=f"slopes at z = {z:+.2f}:  MSE {here['mse_grad'][0]:+.4f},  "
                                             f"CE {here['bce_grad'][0]:+.4f}")
    return axes


def show_loss_comparison(mse_loss: Callable, binary_cross_entropy: Callable, sigmoid: Callable, z: float,
                         y: int = 1) -> bool:
    """Draw :func:`plot_loss_comparison`, or explain what to write first if a function is a stub.
    Returns whether the figure was drawn."""
    try:
        plot_loss_comparison(mse_loss, binary_cross_entropy, sigmoid, z, y)
    except NotImplementedError:
        plt.close("all")
        print("Write mse_loss and binary_cross_entropy above first; then move a slider.")
        return False
    plt.show()
    return True


def loss_explorer(mse_loss: Callable, binary_cross_entropy: Callable, sigmoid: Callable):
    """A slider for the logit ``z`` and a toggle for the label ``y``, redrawing the comparison."""
    import ipywidgets as widgets
    from IPython.display import display

    controls = dict(
        z=widgets.FloatSlider(value=-4.0, min=-8.0, max=8.0, step=0.25, description="logit z",
                              continuous_update=False),
        y=widgets.ToggleButtons(options=[0, 1], value=1, description="label y"),
    )
    out = widgets.interactive_output(
        lambda z, y: show_loss_comparison(mse_loss, binary_cross_entropy, sigmoid, z, y), controls)
    display(widgets.VBox([widgets.HBox([controls["z"], controls["y"]]), out]))
