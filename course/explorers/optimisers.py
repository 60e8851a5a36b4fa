"""The optimiser race: run optimisers on 2-D loss surfaces and draw where they go.

Every function here runs optimisers passed in as arguments (the student's own classes, with
the ``step(params, grads)`` method of notebook 05); none of them contains an update rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullLocator

__all__ = ["Surface", "QUADRATIC", "ROSENBROCK", "SURFACES", "run_optimiser", "build_optimiser",
           "RacePlot", "plot_race", "optimiser_race"]

# Okabe-Ito colours, told apart with every common form of colour blindness; the race's four first.
RACE_COLORS = {"SGD": "#0072B2", "Momentum": "#E69F00", "RMSProp": "#009E73", "Adam": "#D55E00"}
OTHER_COLORS = ("#CC79A7", "#56B4E9", "#000000", "#0072B2", "#E69F00", "#009E73", "#D55E00")


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
    x, y = np.asarray(xy, dtype=float).tolist()  # plain floats: a race takes thousands of these
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
    return _Run(optimiser, surface, start, blow_up).extend(steps)


class _Run:
    """One optimiser's run that can be taken further: asking for more steps continues where it
    stopped (the same calls as one longer run), so the race's steps slider costs only the new steps."""

    def __init__(self, optimiser, surface: Surface, start, blow_up: float = 1e6):
        self.optimiser, self.surface, self.blow_up = optimiser, surface, blow_up
        self.params = {"xy": np.array(start, dtype=float)}
        self.path = [self.params["xy"].tolist()]
        self.stopped = False

    def extend(self, steps: int):
        """Take the run to ``steps`` steps (or to where it diverged); returns ``(path, losses)`` of
        the first ``steps`` steps, as :func:`run_optimiser`."""
        grad, params, path = self.surface.grad, self.params, self.path
        with np.errstate(over="ignore", invalid="ignore"):
            while len(path) <= steps and not self.stopped:
                self.optimiser.step(params, {"xy": grad(params["xy"])})
                point = np.asarray(params["xy"], dtype=float).tolist()
                path.append(point)
                # plain floats, checked one by one: False for nan, and for inf or far away (divergence)
                self.stopped = not all(abs(v) <= self.blow_up for v in point)
            shown = np.array(path[:steps + 1], dtype=float)
            return shown, self.surface.f(shown)


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


def diverged(path: np.ndarray, blow_up: float = 1e6) -> bool:
    """Whether a run of :func:`run_optimiser` stopped because its point ran away (or became nan)."""
    return len(path) > 1 and not (np.all(np.isfinite(path[-1])) and np.abs(path[-1]).max() < blow_up)


def _decades(values, floor: float = 1e-20, ceiling: float = 1e30, step: int = 4):
    """Log-axis limits around the finite positive ``values``, snapped to every ``step``-th power of
    ten so that they change rarely (and a redraw rarely has to draw the axes again)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return 1e-3, 1e3
    low = step * np.floor(np.log10(max(values.min(), floor)) / step)
    high = min(step * np.ceil(np.log10(values.max()) / step), np.ceil(np.log10(ceiling)))
    return 10.0 ** max(low, np.log10(floor)), 10.0 ** max(high, low + 1)


def _round_up(n: int) -> int:
    """The next of 10, 15, 20, 30, 50, 70, 100, 150, ... at or above ``n``: the loss axis' length."""
    scale = 10
    while True:
        for m in (1, 1.5, 2, 3, 5, 7):
            if m * scale >= n:
                return int(m * scale)
        scale *= 10


class RacePlot:
    """Paths over a loss surface's contours (left) and their loss curves (right), drawn once.

    ``labels`` name the runs to expect (one path, end point and loss curve each, coloured by
    ``colors[label]`` or the race colours); :meth:`show` changes their data, :meth:`set_surface`
    the contours. Works on any two axes, with or without widgets. ``legend_outside`` puts the
    legend to the right of the loss panel, clear of the paths (for a live figure, whose moving
    lines are drawn over everything else).
    """

    def __init__(self, axes, surface: Surface, labels, colors: dict | None = None, title: str | None = None,
                 legend_outside: bool = False):
        self.ax_path, self.ax_loss = axes
        self.labels = list(labels)
        self.title = title
        self.paths, self.ends, self.curves = {}, {}, {}
        spare = iter(OTHER_COLORS * 4)
        for label in self.labels:
            color = (colors or {}).get(label) or RACE_COLORS.get(label) or next(spare)
            (self.paths[label],) = self.ax_path.plot([], [], "-", color=color, linewidth=1.6, label=label)
            (self.ends[label],) = self.ax_path.plot([], [], "o", color=color, markeredgecolor="black",
                                                    markersize=7, linestyle="none")
            (self.curves[label],) = self.ax_loss.plot([], [], color=color, linewidth=1.6, label=label)
        (self.start,) = self.ax_path.plot([], [], "o", color="black", markersize=5, linestyle="none", label="start")
        (self.minimum,) = self.ax_path.plot([], [], marker="*", markersize=15, color="#F0E442",
                                            markeredgecolor="black", linestyle="none", label="minimum")
        handles = [*self.paths.values(), self.start, self.minimum]
        if legend_outside:
            self.legend = self.ax_loss.legend(handles=handles, fontsize=9, loc="upper left",
                                              bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        else:
            self.legend = self.ax_path.legend(handles=handles, fontsize=8, loc="lower right", framealpha=0.9)
        self.ax_path.set(xlabel="x", ylabel="y")
        self.ax_loss.set_yscale("log")
        self.ax_loss.yaxis.set_minor_locator(NullLocator())  # hundreds of minor ticks make every full draw slow
        self.ax_loss.set(xlabel="step", ylabel="loss  f(x, y)  (log scale)", title="Loss at each step")
        self.ax_loss.grid(True, which="major", alpha=0.3)
        self.contours = None
        self.set_surface(surface)

    def set_surface(self, surface: Surface) -> None:
        """Draw ``surface``'s contours (replacing the old ones), its minimum, limits and title."""
        self.surface = surface
        if self.contours is not None:
            self.contours.remove()
        xx, yy = np.meshgrid(np.linspace(*surface.xlim, 120), np.linspace(*surface.ylim, 120))
        zz = surface.f(np.stack([xx, yy], axis=-1))
        self.top = float(zz.max())
        levels = np.geomspace(max(zz.min(), 1e-3), zz.max(), 15)
        self.contours = self.ax_path.contour(xx, yy, zz, levels=levels, colors="#a0a0a0", linewidths=0.7)
        self.minimum.set_data([surface.minimum[0]], [surface.minimum[1]])
        self.ax_path.set(xlim=surface.xlim, ylim=surface.ylim, title=self.title or f"Paths on the {surface.name}")

    def dynamic_artists(self) -> list:
        """The artists :meth:`show` changes (for :meth:`LiveFigure.track`)."""
        return [*self.paths.values(), *self.ends.values(), *self.curves.values(), self.start]

    def show(self, runs: dict) -> bool:
        """Show ``runs``: label -> ``(path, losses)`` from :func:`run_optimiser`, or a short text
        (why that run is missing, shown in the legend). Labels not in ``runs`` are hidden.
        Returns True if the legend or the loss axis' limits changed (the axes must be drawn again)."""
        texts = self.legend.get_texts()
        before = [t.get_text() for t in texts]
        shown_losses, longest = [], 1
        for i, label in enumerate(self.labels):
            run = runs.get(label)
            drawn = isinstance(run, tuple)
            for artist in (self.paths[label], self.ends[label], self.curves[label]):
                artist.set_visible(drawn)
            if not drawn:
                texts[i].set_text(f"{label}: {run}" if run else label)
                continue
            path, losses = run
            self.paths[label].set_data(path[:, 0], path[:, 1])
            self.ends[label].set_data(path[-1:, 0], path[-1:, 1])
            self.curves[label].set_data(np.arange(len(losses)), np.maximum(losses, 1e-20))
            texts[i].set_text(f"{label} (diverged)" if diverged(path) else label)
            shown_losses.append(losses)
            longest = max(longest, len(losses) - 1)
            self.start.set_data(path[:1, 0], path[:1, 1])
        self.start.set_visible(bool(shown_losses))
        limits = ((0, _round_up(longest)), _decades(np.concatenate(shown_losses) if shown_losses else [],
                                         ceiling=self.top * 1e3))
        changed = limits != (self.ax_loss.get_xlim(), self.ax_loss.get_ylim())
        if changed:
            self.ax_loss.set_xlim(*limits[0])
            self.ax_loss.set_ylim(*limits[1])
        return changed or before != [t.get_text() for t in texts]


def plot_race(runs: dict, surface: Surface, axes=None, title: str | None = None, colors: dict | None = None):
    """Draw the runs of :func:`run_optimiser` over the contour plot of ``surface``, and their
    loss curves beside it. ``runs`` maps a label to ``(path, losses)``; ``colors`` optionally maps
    a label to a colour. Losses are drawn on a log scale, floored at 1e-20. Returns the two axes."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 4.3), gridspec_kw={"width_ratios": [1.3, 1]})
    RacePlot(axes, surface, list(runs), colors=colors, title=title).show(runs)
    return axes


NOT_WRITTEN = "not written yet"
_HYPER = {"SGD": (), "Momentum": ("beta",), "RMSProp": ("alpha",), "Adam": ("beta1", "beta2")}
ADAPTIVE = ("RMSProp", "Adam")


def _and(names) -> str:
    names = list(names)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _race_description(surface: Surface, start, steps: int, runs: dict) -> str:
    """One sentence saying what the race shows: where it starts, and how each runner ends."""
    ends, unwritten, broken = [], [], []
    for name, run in runs.items():
        if isinstance(run, tuple):
            path, losses = run
            ends.append(f"{name} diverged after {len(path) - 1} steps" if diverged(path)
                        else f"{name} ends at loss {losses[-1]:.1e}")
        elif run == NOT_WRITTEN:
            unwritten.append(name)
        else:
            broken.append(f"{name} {run}")
    if runs and not ends and not broken:
        return f"Write {_and(unwritten)} above first and run their cells, then run this cell again."
    text = (f"Optimiser race on the {surface.name.split('  ')[0]} from ({start[0]:.2f}, {start[1]:.2f}), "
            f"{steps} steps, minimum at {surface.minimum}: " + ("; ".join(ends) if ends else "no runner yet") + ".")
    if unwritten:
        text += (f" {_and(unwritten)} {'is' if len(unwritten) == 1 else 'are'} not written yet and "
                 "sit out: write them above, run their cells, then this one.")
    for problem in broken:
        text += f" {problem}: run its checks above to find the problem."
    return text


def optimiser_race(optimisers: dict, surfaces: dict | None = None, steps: int = 500):
    """An interactive race: pick optimisers, a surface, learning rates, momentum and decay rates
    and the start point; the paths and loss curves of one :class:`RacePlot` are updated in place.

    ``optimisers`` maps contract names (``"SGD"``, ``"Momentum"``, ``"RMSProp"``, ``"Adam"``) to
    the student's classes. An optimiser not written yet sits out, and the caption says so.
    Each optimiser is run again only when one of its own settings changes. Returns the plot.
    """
    import ipywidgets as widgets
    from IPython.display import display

    from ._live import LiveFigure, explorer_box

    surfaces = surfaces or SURFACES
    first = next(iter(surfaces.values()))
    # Descriptions wide enough to read whole ("lr (RMSProp, Adam)", "β (Momentum)")
    wide = dict(style={"description_width": "150px"}, layout=widgets.Layout(width="470px"))
    log_lr = dict(base=10, min=-4, max=0, step=0.1, readout_format=".4f", continuous_update=False, **wide)
    decay = dict(step=0.001, readout_format=".3f", continuous_update=False, **wide)
    c = dict(
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
    live = LiveFigure(figsize=(11.5, 4.3), ncols=2, gridspec_kw={"width_ratios": [1.3, 1]})
    plot = RacePlot(live.axes, first, list(optimisers), legend_outside=True)
    live.track(*plot.dynamic_artists())
    cache: dict = {}
    holding = [False]

    def run(name: str):
        """The run of one optimiser with the current settings (a text if it cannot run); kept while
        none of its own settings change, cut short when ``steps`` goes down, continued when it goes up."""
        surface_name = c["surface"].value
        rate = c["lr_adaptive"].value if name in ADAPTIVE else c["lr"].value
        hyper = {h: c[h].value for h in _HYPER.get(name, ())}
        key = (name, surface_name, rate, tuple(hyper.values()), c["x0"].value, c["y0"].value)
        try:
            if key not in cache:
                if len(cache) > 200:
                    cache.clear()
                opt = build_optimiser(name, optimisers[name], rate, **hyper)
                cache[key] = _Run(opt, surfaces[surface_name], (c["x0"].value, c["y0"].value))
            runner = cache[key]
            return runner if isinstance(runner, str) else runner.extend(c["steps"].value)
        except NotImplementedError:
            cache[key] = NOT_WRITTEN
        except Exception as error:  # a bug in the student's class: say so, keep the race going
            cache[key] = f"raised {type(error).__name__}: {error}"
        return cache[key]

    def update(*_, full: bool = False):
        if holding[0]:
            return
        runs = {name: run(name) for name in c["chosen"].value}
        full = plot.show(runs) or full
        text = _race_description(plot.surface, (c["x0"].value, c["y0"].value), c["steps"].value, runs)
        live.notice(text if text.startswith("Write ") else None)
        live.redraw(text, full=full)

    def change_surface(change):
        s = surfaces[change["new"]]
        holding[0] = True  # one redraw for the whole change, not one per slider moved here
        try:
            for slider, lim, value in ((c["x0"], s.xlim, s.start[0]), (c["y0"], s.ylim, s.start[1])):
                slider.min, slider.max = -1e9, 1e9  # widen first so the new range is always valid
                slider.min, slider.max, slider.value = lim[0], lim[1], value
            c["lr"].value, c["lr_adaptive"].value = s.lr, s.lr_adaptive
        finally:
            holding[0] = False
        plot.set_surface(s)
        update(full=True)

    c["surface"].observe(change_surface, names="value")
    for name, control in c.items():
        if name != "surface":
            control.observe(update, names="value")
    update(full=True)
    display(explorer_box([
        [c["chosen"], widgets.VBox([c["surface"], c["steps"], c["x0"], c["y0"]])],
        [widgets.VBox([c["lr"], c["beta"], c["alpha"]]), widgets.VBox([c["lr_adaptive"], c["beta1"], c["beta2"]])],
    ], live))
    plot.controls, plot.live = c, live
    return plot
