"""Display helpers shared by the notebooks: the colour palette, plotting functions that work
without widgets, figures shown with a text description, and a progress line for long cells.

Colours come from the Okabe-Ito palette, told apart with every common form of colour blindness;
importing this module makes it matplotlib's default colour cycle, so plain ``ax.plot`` calls use
it too. Use ``viridis`` or ``cividis`` for colour maps.
"""
from __future__ import annotations

import base64
import html
import io
import time
from typing import Callable

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler

__all__ = ["BLUE", "VERMILION", "GREEN", "PURPLE", "ORANGE", "SKY", "YELLOW", "BLACK", "OKABE_ITO",
           "CLASS_COLORS", "MARKERS", "grid_over", "plot_decision_boundary", "plot_functions", "show", "missing_labels",
           "Progress"]

# Okabe & Ito (2008), "Color Universal Design".
BLUE, VERMILION, GREEN, PURPLE = "#0072B2", "#D55E00", "#009E73", "#CC79A7"
ORANGE, SKY, YELLOW, BLACK = "#E69F00", "#56B4E9", "#F0E442", "#000000"
OKABE_ITO = [BLUE, VERMILION, GREEN, ORANGE, PURPLE, SKY, BLACK, YELLOW]
# One colour per class: the first two differ in lightness too, so they part even in greyscale.
CLASS_COLORS = [BLUE, ORANGE, GREEN, PURPLE, VERMILION]
# ... and one marker shape per class, so classes differ by more than colour.
MARKERS = "os^Dv"

matplotlib.rcParams["axes.prop_cycle"] = cycler(color=OKABE_ITO)
matplotlib.rcParams["image.cmap"] = "viridis"


def grid_over(X: np.ndarray, steps: int = 150, margin: float = 0.5):
    """A regular grid covering the 2-D points ``X: (N, 2)``.

    Returns ``(xx, yy, points)`` where ``xx, yy`` have shape ``(steps, steps)`` and
    ``points = [xx.ravel(), yy.ravel()]`` stacked as ``(steps * steps, 2)``.
    """
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], steps), np.linspace(lo[1], hi[1], steps))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def plot_decision_boundary(score_fn: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray,
                           ax=None, title: str | None = None, steps: int = 150):
    """Shade the plane by the class ``score_fn`` picks and draw the data on top.

    ``score_fn`` maps points ``(M, 2)`` to scores ``(M, C)`` (or ``(M,)`` / ``(M, 1)``, read as
    one score thresholded at 0). Each class has its own colour and marker shape. Returns the axes.
    """
    ax = ax or plt.gca()
    xx, yy, points = grid_over(X, steps)
    scores = np.asarray(score_fn(points), dtype=float)
    if scores.ndim == 1 or scores.shape[1] == 1:
        labels = (scores.reshape(-1) > 0).astype(int)
        n_classes = 2
    else:
        labels = scores.argmax(axis=1)
        n_classes = scores.shape[1]
    colors = CLASS_COLORS[: max(n_classes, int(y.max()) + 1)]
    from matplotlib.colors import ListedColormap

    ax.contourf(xx, yy, labels.reshape(xx.shape), levels=np.arange(len(colors) + 1) - 0.5,
                cmap=ListedColormap(colors), alpha=0.25)
    for k, color in enumerate(colors):
        ax.scatter(*X[y == k].T, s=16, color=color, marker=MARKERS[k % len(MARKERS)], edgecolor="white",
                   linewidth=0.4, label=f"class {k}")
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title or ax.get_title() or "Decision regions and the data")
    return ax


def plot_functions(functions: dict[str, Callable[[np.ndarray], np.ndarray]], z=None, ax=None,
                   title: str | None = None, ylabel: str = "$f(z)$"):
    """Plot several elementwise functions of ``z`` on one axes; returns the axes."""
    ax = ax or plt.gca()
    z = np.linspace(-6, 6, 401) if z is None else z
    for label, f in functions.items():
        ax.plot(z, f(z), label=label, linewidth=2)
    ax.axhline(0, color="grey", linewidth=0.6)
    ax.axvline(0, color="grey", linewidth=0.6)
    ax.set_xlabel("$z$")
    ax.set_ylabel(ylabel)
    ax.legend()
    ax.set_title(title or ax.get_title() or "Functions of $z$")
    return ax


# ---------------------------------------------------------------------------------------------
# Figures shown with words.

def _titles(fig) -> list[str]:
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    titles = [suptitle] if suptitle else []
    return titles + [ax.get_title() for ax in fig.axes if ax.get_title() and ax.get_visible()]


def _plain(text: str) -> str:
    """Axis text as a screen reader should hear it: without TeX's dollar signs and backslashes."""
    return " ".join(text.replace("$", "").replace("\\", "").replace("{", "").replace("}", "").split())


def missing_labels(fig) -> list[str]:
    """What a figure lacks: a title (its own or its axes'), and each plotting axes' axis labels.

    Axes with their axis turned off (images, grids of digits) need no axis labels; an axes that
    shares its x axis with the one below, or its y axis with the one to its left, may leave the
    label to that one.
    """
    problems = []
    if not _titles(fig):
        problems.append("no title")
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible() or not ax.axison or ax.get_label() == "<colorbar>":
            continue
        name = ax.get_title() or f"axes {i + 1}"
        if not ax.get_xlabel() and not _shares_label(ax, "x"):
            problems.append(f"{name}: no x label")
        if not ax.get_ylabel() and not _shares_label(ax, "y"):
            problems.append(f"{name}: no y label")
    return problems


def _shares_label(ax, which: str) -> bool:
    group = ax.get_shared_x_axes() if which == "x" else ax.get_shared_y_axes()
    siblings = [other for other in group.get_siblings(ax) if other is not ax]
    label = (lambda a: a.get_xlabel()) if which == "x" else (lambda a: a.get_ylabel())
    return any(label(other) for other in siblings)


def _figure_of(shown):
    """The figure of a Figure, an Axes, an array of axes, or a plot object with a ``figure``."""
    from matplotlib.figure import Figure

    if shown is None:
        return plt.gcf()
    if isinstance(shown, Figure):
        return shown
    figure = getattr(shown, "figure", None)
    if figure is not None:
        return figure.get_figure(root=True) if hasattr(figure, "get_figure") else figure
    return _figure_of(np.ravel(np.asarray(shown, dtype=object))[0])


def show(fig, description: str) -> None:
    """Show ``fig`` with a one-line ``description`` under it, and close it.

    ``fig`` may also be what a plotting function returned: an axes, an array of axes, or an
    object with a ``figure`` (None: pyplot's current figure).

    The figure is an ``<img>`` whose ``alt`` text names it (its titles) inside an HTML
    ``<figure>``, whose ``<figcaption>`` is the description: a screen reader reads both, and
    everyone sees the caption. Write the description as a sentence saying what the figure shows
    and what to notice ("Loss per epoch: the validation loss levels off after 20 epochs.").
    Outside a notebook it prints the description.
    """
    fig = _figure_of(fig)
    description = " ".join(str(description).split())
    titles = [_plain(t) for t in _titles(fig)]
    if len(titles) > 4:  # a grid of panels: its overall title, or the first few and how many more
        titles = titles[:1] if fig._suptitle is not None else titles[:3] + [f"and {len(titles) - 3} more panels"]
    alt = "Figure: " + ("; ".join(titles) or "untitled")
    try:
        from IPython import get_ipython
        from IPython.display import display

        in_notebook = get_ipython() is not None
    except ImportError:  # pragma: no cover - IPython is installed with Jupyter
        in_notebook = False
    if not in_notebook:
        print(f"{alt}. {description}")
        plt.close(fig)
        return
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", facecolor="white")
    plt.close(fig)  # shown here, so the inline backend does not show it a second time
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    markup = (f'<figure class="course-static-figure" style="margin: 0">'
              f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt)}" style="max-width: 100%">'
              f'<figcaption style="font-style: italic; margin-top: 0.3em">{html.escape(description)}</figcaption>'
              f"</figure>")
    # what the figure lacks goes in the output's metadata, unseen, for the tests to read
    display({"text/html": markup, "text/plain": f"{alt}. {description}"}, raw=True,
            metadata={"course": {"figure": True, "missing_labels": missing_labels(fig)}})


# ---------------------------------------------------------------------------------------------
# Progress of a long cell.

class Progress:
    """One line that says how far a long computation has got, updated in place.

        progress = Progress(3, "runs finished")
        for run in runs:
            ...
            progress.advance()          # "2 of 3 runs finished (67%), 1.4 s"
        progress.done()                 # "3 runs finished in 2.1 s"

    The line is redrawn at most every ``every`` seconds (and on the last step), so calling
    ``advance`` thousands of times costs little and fills no output. Outside a notebook it prints
    only the final line.
    """

    def __init__(self, total: int, what: str, every: float = 0.25):
        self.total, self.what, self.every = int(total), what, every
        self.count = 0
        self.start = time.perf_counter()
        self._last = -np.inf
        self._handle = None
        try:
            from IPython import get_ipython
            from IPython.display import display

            if get_ipython() is not None:
                self._handle = display(self._bundle(), raw=True, display_id=True)
        except ImportError:  # pragma: no cover
            pass

    def _text(self) -> str:
        elapsed = time.perf_counter() - self.start
        if self.count >= self.total:
            return f"{self.total} {self.what} in {elapsed:.1f} s"
        percent = 100 * self.count / max(self.total, 1)
        return f"{self.count} of {self.total} {self.what} ({percent:.0f}%), {elapsed:.1f} s"

    def _bundle(self) -> dict:
        text = self._text()
        bar = f'<progress value="{self.count}" max="{max(self.total, 1)}" style="vertical-align: middle"></progress>'
        return {"text/html": f'<div class="course-progress">{bar} <span>{html.escape(text)}</span></div>',
                "text/plain": text}

    def advance(self, steps: int = 1) -> None:
        """Count ``steps`` more units done; redraw the line if it is due."""
        self.count = min(self.count + steps, self.total)
        now = time.perf_counter()
        if self._handle is not None and (now - self._last >= self.every or self.count >= self.total):
            self._last = now
            self._handle.update(self._bundle(), raw=True)

    def done(self) -> None:
        """Mark the work finished (what was counted may have been less, e.g. a run stopped early)."""
        self.count = self.total
        if self._handle is not None:
            self._handle.update(self._bundle(), raw=True)
        else:
            print(self._text())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.done()
        return False
