"""The optimiser race: run optimisers on 2-D loss surfaces and draw where they go.

Every function here runs optimisers passed in as arguments (the student's own classes, with
the ``step(params, grads)`` method of notebook 05); none of them contains an update rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["Surface", "QUADRATIC", "ROSENBROCK", "SURFACES", "run_optimiser", "build_optimiser",
           "plot_race", "optimiser_race"]

RACE_COLORS = {"SGD": "#1f77b4", "Momentum": "#ff7f0e", "RMSProp": "#2ca02c", "Adam": "#d62728"}


@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface with its minimum value 0 at ``minimum``.

    ``f`` maps points ``(..., 2)`` to values ``(...)``; ``grad`` maps a point ``(2,)`` to ``(2,)``.
    ``xlim``/``ylim`` frame the plot; ``start``, ``lr`` (for SGD and Momentum) and ``lr_adaptive``
    (for RMSProp and Adam) are sensible defaults for a race.
    """
    name: str
    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minimum: tuple[float, float]
    start: tuple[float, float]
    lr: float
    lr_adaptive: float


# An ill-conditioned quadratic: curvature 1 along x and 25 along y (condition number 25).
QUADRATIC_CURVATURES = np.array([1.0, 25.0])


def _quadratic(xy):
    xy = np.asarray(xy, dtype=float)
    return 0.5 * (xy ** 2 * QUADRATIC_CURVATURES).sum(axis=-1)


def _quadratic_grad(xy):
    return QUADRATIC_CURVATURES * np.asarray(xy, dtype=float)


def _rosenbrock(xy):
    xy = np.asarray(xy, dtype=float)
    x, y = xy[..., 0], xy[..., 1]
    return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


def _rosenbrock_grad(xy):
    x, y = np.asarray(xy, dtype=float)
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x ** 2), 200.0 * (y - x ** 2)])


QUADRATIC = Surface("ill-conditioned quadratic  f = (x² + 25 y²) / 2", _quadratic, _quadratic_grad,
                    xlim=(-5.0, 5.0), ylim=(-2.0, 2.0), minimum=(0.0, 0.0), start=(-4.5, 1.5),
                    lr=0.07, lr_adaptive=0.1)
ROSENBROCK = Surface("Rosenbrock  f = (1 - x)² + 100 (y - x²)²", _rosenbrock, _rosenbrock_grad,
                     xlim=(-2.0, 2.0), ylim=(-1.0, 3.0), minimum=(1.0, 1.0), start=(-1.2, 1.0),
                     lr=0.001, lr_adaptive=0.05)
SURFACES = {"quadratic": QUADRATIC, "Rosenbrock": ROSENBROCK}


def run_optimiser(optimiser, surface: Surface, start, steps: int, blow_up: float = 1e6):
    """Start at ``start`` and call ``optimiser.step`` ``steps`` times on ``surface``.

    The optimiser sees one parameter, ``params = {"xy": array of shape (2,)}``, and its gradient.
    Stops early once the point leaves ``|x|, |y| <= blow_up`` or is not finite (divergence).
    Returns ``(path, losses)``: ``path`` of shape ``(k + 1, 2)`` with the start first, and the
    loss at each point, shape ``(k + 1,)``; ``k <= steps`` is the number of steps taken.
    """
    params = {"xy": np.array(start, dtype=float)}
    path = [params["xy"].copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            optimiser.step(params, {"xy": surface.grad(params["xy"])})
            path.append(np.array(params["xy"], dtype=float))
            if not np.all(np.isfinite(path[-1])) or np.abs(path[-1]).max() > blow_up:
                break
        path = np.array(path)
        losses = surface.f(path)
    return path, losses


def build_optimiser(name: str, cls, lr: float, beta: float = 0.9, alpha: float = 0.99,
                    beta1: float = 0.9, beta2: float = 0.999):
    """Construct one of the course's optimisers by its contract name and signature:
    ``SGD(lr)``, ``Momentum(lr, beta)``, ``RMSProp(lr, alpha)``, ``Adam(lr, beta1, beta2)``."""
    if name == "SGD":
        return cls(lr)
    if name == "Momentum":
        return cls(lr, beta=beta)
    if name == "RMSProp":
        return cls(lr, alpha=alpha)
    if name == "Adam":
        return cls(lr, beta1=beta1, beta2=beta2)
    raise ValueError(f"unknown optimiser {name!r}: expected SGD, Momentum, RMSProp or Adam")


def plot_race(runs: dict, surface: Surface, axes=None, title: str | None = None, colors: dict | None = None):
    """Draw the runs of :func:`run_optimiser` over the contour plot of ``surface``, and their
    loss curves beside it. ``runs`` maps a label to ``(path, losses)``; ``colors`` optionally maps
    a label to a colour. Losses are drawn on a log scale, floored at 1e-20. Returns the two axes."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 4.3), gridspec_kw={"width_ratios": [1.3, 1]})
    ax_path, ax_loss = axes
    xs = np.linspace(*surface.xlim, 120)
    ys = np.linspace(*surface.ylim, 120)
    xx, yy = np.meshgrid(xs, ys)
    zz = surface.f(np.stack([xx, yy], axis=-1))
    levels = np.geomspace(max(zz.min(), 1e-3), zz.max(), 15)
    ax_path.contour(xx, yy, zz, levels=levels, cmap="Greys", linewidths=0.7, alpha=0.8)
    ax_path.plot(*surface.minimum, marker="*", markersize=14, color="gold", markeredgecolor="black",
                 linestyle="none", label="minimum")
    for i, (label, (path, losses)) in enumerate(runs.items()):
        color = (colors or {}).get(label, f"C{i}")
        diverged = len(path) > 1 and not (np.all(np.isfinite(path[-1])) and np.abs(path[-1]).max() < 1e6)
        shown = f"{label} (diverged)" if diverged else label
        ax_path.plot(path[:, 0], path[:, 1], "-", color=color, linewidth=1.3, alpha=0.9, label=shown)
        ax_path.plot(path[0, 0], path[0, 1], "o", color="black", markersize=5)
        ax_loss.semilogy(np.arange(len(losses)), np.maximum(losses, 1e-20), color=color, label=shown)
    ax_path.set(xlim=surface.xlim, ylim=surface.ylim, xlabel="x", ylabel="y",
                title=title or surface.name)
    ax_path.legend(fontsize=8, loc="lower right")
    ax_loss.set(xlabel="step", ylabel="loss  f(x, y)  (log scale)", title="loss curves")
    ax_loss.grid(True, which="major", alpha=0.3)
    if runs:
        ax_loss.legend(fontsize=8)
    return axes


def optimiser_race(optimisers: dict, surfaces: dict | None = None, steps: int = 500):
    """An interactive race: pick optimisers, a surface, learning rates, momentum and decay rates
    and the start point; redraws :func:`plot_race`.

    ``optimisers`` maps contract names (``"SGD"``, ``"Momentum"``, ``"RMSProp"``, ``"Adam"``) to
    the student's classes. An optimiser not written yet is skipped with a friendly message.
    """
    import ipywidgets as widgets
    from IPython.display import display

    surfaces = surfaces or SURFACES
    first = next(iter(surfaces.values()))
    # Labels wide enough to read whole ("lr (SGD, Momentum)", not "lr SGD/Mo…")
    wide = dict(style={"description_width": "140px"}, layout=widgets.Layout(width="460px"))
    log_lr = dict(base=10, min=-4, max=0, step=0.1, readout_format=".4f", continuous_update=False, **wide)
    decay = dict(step=0.001, readout_format=".3f", continuous_update=False, **wide)
    controls = dict(
        chosen=widgets.SelectMultiple(options=list(optimisers), value=tuple(optimisers), rows=4,
                                      description="optimisers", **wide),
        surface=widgets.Dropdown(options=list(surfaces), description="surface", **wide),
        lr=widgets.FloatLogSlider(value=first.lr, description="lr (SGD, Momentum)", **log_lr),
        lr_adaptive=widgets.FloatLogSlider(value=first.lr_adaptive, description="lr (RMSProp, Adam)", **log_lr),
        beta=widgets.FloatSlider(value=0.9, min=0.0, max=0.99, description="β (Momentum)", **decay),
        alpha=widgets.FloatSlider(value=0.99, min=0.5, max=0.999, description="α (RMSProp)", **decay),
        beta1=widgets.FloatSlider(value=0.9, min=0.0, max=0.99, description="β1 (Adam)", **decay),
        beta2=widgets.FloatSlider(value=0.999, min=0.5, max=0.9999, description="β2 (Adam)",
                                  step=0.0001, readout_format=".4f", continuous_update=False, **wide),
        x0=widgets.FloatSlider(value=first.start[0], min=first.xlim[0], max=first.xlim[1], step=0.1,
                               description="start x", continuous_update=False, **wide),
        y0=widgets.FloatSlider(value=first.start[1], min=first.ylim[0], max=first.ylim[1], step=0.1,
                               description="start y", continuous_update=False, **wide),
        steps=widgets.IntSlider(value=steps, min=10, max=3000, step=10, description="steps",
                                continuous_update=False, **wide),
    )

    def reset_for_surface(change):
        s = surfaces[change["new"]]
        for slider, lim, value in ((controls["x0"], s.xlim, s.start[0]), (controls["y0"], s.ylim, s.start[1])):
            slider.min, slider.max = -1e9, 1e9  # widen first so the new range is always valid
            slider.min, slider.max, slider.value = lim[0], lim[1], value
        controls["lr"].value, controls["lr_adaptive"].value = s.lr, s.lr_adaptive

    controls["surface"].observe(reset_for_surface, names="value")

    def draw(chosen, surface, lr, lr_adaptive, beta, alpha, beta1, beta2, x0, y0, steps):
        s = surfaces[surface]
        runs, colors = {}, {}
        for name in chosen:
            rate = lr_adaptive if name in ("RMSProp", "Adam") else lr
            try:
                opt = build_optimiser(name, optimisers[name], rate, beta=beta, alpha=alpha, beta1=beta1, beta2=beta2)
                label = f"{name} lr={rate:.3g}"
                runs[label] = run_optimiser(opt, s, (x0, y0), steps)
                colors[label] = RACE_COLORS.get(name)
            except NotImplementedError:
                print(f"{name}: not written yet, so it sits out this race. Write its class above and run it.")
        plot_race(runs, s, colors=colors)
        plt.show()

    out = widgets.interactive_output(draw, controls)
    c = controls
    display(widgets.VBox([
        widgets.HBox([c["chosen"], widgets.VBox([c["surface"], c["steps"], c["x0"], c["y0"]])]),
        widgets.HBox([widgets.VBox([c["lr"], c["beta"], c["alpha"]]),
                      widgets.VBox([c["lr_adaptive"], c["beta1"], c["beta2"]])]),
        out,
    ]))
