"""The capstone's figures: digit galleries, live learning curves, a confusion matrix, misclassified
digits, a small hyper-parameter study and a digit explorer.

Each takes arrays, and the student's own functions (forward pass, loss, ``predict``, training), as
arguments: nothing here trains, predicts or computes a loss by itself. Colours are the Okabe–Ito
palette and the colour maps are perceptually uniform, so every figure reads with colour-blindness.
"""
from __future__ import annotations

import time
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["OKABE_ITO", "show_digits", "LearningCurves", "confusion_counts", "plot_confusion",
           "plot_misclassified", "run_study", "plot_study", "DigitView", "digit_explorer"]

# Okabe & Ito (2008), "Color universal design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
             "purple": "#CC79A7", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000"}


def _image(row: np.ndarray) -> np.ndarray:
    return np.asarray(row, dtype=float).reshape(8, 8)


def show_digits(X: np.ndarray, labels=None, ncols: int = 10, title: str | None = None, size: float = 1.0):
    """A gallery of 8×8 digits. ``X: (n, 64)`` rows in [0, 1]; ``labels``: n captions (or None).

    Returns the figure."""
    n = len(X)
    nrows = max(1, -(-n // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * 1.15 * nrows + (0.4 if title else 0)),
                             squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if i < n:
            ax.imshow(_image(X[i]), cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


class LearningCurves:
    """Loss and accuracy on a training and a validation set after every epoch, drawn live.

    Pass an instance as a training function's ``on_epoch``: each call ``curves(epoch, params)``
    computes ``loss(forward(X, params)[0], y)`` and ``mean(predict(params, X) == y)`` on both sets
    with the functions given (the student's own), records them, and redraws one figure in place
    (at most every ``every`` seconds, so drawing does not slow training down). ``finish()`` draws
    the final state. ``epochs`` (if known) sets the x-axis and the progress shown in the title.
    """

    def __init__(self, forward: Callable, loss: Callable, predict: Callable, X_train, y_train, X_val, y_val,
                 epochs: int | None = None, live: bool = True, every: float = 0.5):
        self.forward, self.loss, self.predict = forward, loss, predict
        self.data = {"train": (X_train, y_train), "validation": (X_val, y_val)}
        self.epochs, self.every = epochs, every
        self.epoch: list[int] = []
        self.train_loss: list[float] = []
        self.val_loss: list[float] = []
        self.train_accuracy: list[float] = []
        self.val_accuracy: list[float] = []
        self.fig, (self.ax_loss, self.ax_acc) = plt.subplots(1, 2, figsize=(10, 3.6))
        style = {"train": dict(color=OKABE_ITO["blue"], linestyle="-"),
                 "validation": dict(color=OKABE_ITO["orange"], linestyle="--")}
        self.lines = {}
        for name in self.data:
            self.lines[("loss", name)], = self.ax_loss.plot([], [], linewidth=2, label=name, **style[name])
            self.lines[("accuracy", name)], = self.ax_acc.plot([], [], linewidth=2, label=name, **style[name])
        self.ax_loss.set(xlabel="epoch", ylabel="mean cross-entropy loss", yscale="log")
        self.ax_acc.set(xlabel="epoch", ylabel="accuracy")
        self.ax_loss.legend()
        self.ax_acc.legend(loc="lower right")
        self._set_titles()
        self.fig.tight_layout()
        self._handle = None
        self._drawn = 0.0
        if live:
            try:
                from IPython import get_ipython
                from IPython.display import display

                if get_ipython() is not None:
                    plt.close(self.fig)   # shown through the handle below, updated in place
                    self._handle = display(self.fig, display_id=True)
            except ImportError:
                pass

    def __call__(self, epoch: int, params: dict) -> None:
        values = {}
        for name, (X, y) in self.data.items():
            values[name] = (float(self.loss(self.forward(X, params)[0], y)),
                            float(np.mean(np.asarray(self.predict(params, X)) == y)))
        self.epoch.append(int(epoch))
        self.train_loss.append(values["train"][0])
        self.train_accuracy.append(values["train"][1])
        self.val_loss.append(values["validation"][0])
        self.val_accuracy.append(values["validation"][1])
        if self._handle is not None and (time.perf_counter() - self._drawn > self.every or epoch == self.epochs):
            self.redraw()

    @property
    def best_epoch(self) -> int | None:
        """The epoch with the lowest validation loss (None before the first epoch)."""
        return self.epoch[int(np.argmin(self.val_loss))] if self.val_loss else None

    def _set_titles(self) -> None:
        done = self.epoch[-1] if self.epoch else 0
        total = f"/{self.epochs}" if self.epochs else ""
        accuracy = f", validation accuracy {self.val_accuracy[-1]:.3f}" if self.val_accuracy else ""
        self.ax_loss.set_title(f"Loss, epoch {done}{total}")
        self.ax_acc.set_title(f"Accuracy{accuracy}")

    def redraw(self) -> None:
        """Update the existing lines and axes with what has been recorded, and the figure shown."""
        for name, losses, accuracies in (("train", self.train_loss, self.train_accuracy),
                                         ("validation", self.val_loss, self.val_accuracy)):
            self.lines[("loss", name)].set_data(self.epoch, losses)
            self.lines[("accuracy", name)].set_data(self.epoch, accuracies)
        last = max(self.epochs or 0, self.epoch[-1] if self.epoch else 1)
        for ax in (self.ax_loss, self.ax_acc):
            ax.relim()
            ax.autoscale_view()
            ax.set_xlim(0, last + 0.5)
        self._set_titles()
        if self._handle is not None:
            self._handle.update(self.fig)
        self._drawn = time.perf_counter()

    def finish(self):
        """Draw the final state; returns the figure."""
        self.redraw()
        return self.fig


def confusion_counts(y_true, y_pred, n_classes: int = 10) -> np.ndarray:
    """``counts[i, j]``: how many examples of true class ``i`` were predicted as ``j``. Integer ``(C, C)``."""
    y_true = np.asarray(y_true).astype(np.int64)
    y_pred = np.asarray(y_pred).astype(np.int64)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_true {y_true.shape} and y_pred {y_pred.shape} should be label arrays of one shape (N,)")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def plot_confusion(y_true, y_pred, ax=None, title: str = "Confusion matrix of the test images"):
    """The confusion matrix as an image: rows the true digit, columns the predicted one, counts
    written in each cell (the diagonal holds the right answers). Returns the axes."""
    counts = confusion_counts(y_true, y_pred)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.6, 4.8))
    # a log-like scale so that the few mistakes show beside diagonal counts of about 36
    shown = np.log1p(counts)
    image = ax.imshow(shown, cmap="cividis", vmin=0.0)
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            if counts[i, j]:
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                        color="black" if shown[i, j] > 0.6 * shown.max() else "white")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit", ylabel="true digit", title=title)
    colorbar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ticks = [c for c in (0, 1, 2, 5, 10, 20, 40) if c <= counts.max()]
    colorbar.set_ticks(np.log1p(ticks))
    colorbar.set_ticklabels([str(c) for c in ticks])
    colorbar.set_label("number of images")
    return ax


def plot_misclassified(X, y_true, y_pred, max_images: int = 30, ncols: int = 10):
    """A gallery of the misclassified images, each captioned "true → predicted". Returns the figure."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    wrong = np.flatnonzero(y_true != y_pred)[:max_images]
    if len(wrong) == 0:
        fig, ax = plt.subplots(figsize=(5, 1))
        ax.set_axis_off()
        ax.set_title("No misclassified images")
        return fig
    labels = [f"{y_true[i]} → {y_pred[i]}" for i in wrong]
    title = (f"{np.sum(y_true != y_pred)} misclassified images (caption: true → predicted)"
             + (f", the first {len(wrong)}" if len(wrong) < np.sum(y_true != y_pred) else ""))
    return show_digits(np.asarray(X)[wrong], labels, ncols=min(ncols, len(wrong)), title=title, size=1.1)


def run_study(train: Callable, predict: Callable, X_fit, y_fit, X_val, y_val, study: dict,
              base: dict | None = None, seed: int = 0) -> dict:
    """Train one network per setting and measure its validation accuracy.

    ``study`` maps a question (e.g. "width") to ``{label: keyword arguments}``; each run calls
    ``train(X_fit, y_fit, np.random.default_rng(seed), **base, **kwargs)`` (the student's training
    function) and scores it with the student's ``predict`` on the validation set. A run that fails
    is recorded with its error, not raised. Returns ``{question: [(label, accuracy, seconds, error)]}``.
    """
    from ..plots import Progress

    progress = Progress(sum(len(settings) for settings in study.values()), "networks trained")
    results = {}
    for question, settings in study.items():
        rows = []
        for label, kwargs in settings.items():
            start = time.perf_counter()
            try:
                params = train(X_fit, y_fit, np.random.default_rng(seed), **{**(base or {}), **kwargs})
                accuracy, error = float(np.mean(np.asarray(predict(params, X_val)) == y_val)), None
            except Exception as exc:   # a setting the student's code does not support: report it, go on
                accuracy, error = float("nan"), f"{type(exc).__name__}: {exc}"
            rows.append((str(label), accuracy, time.perf_counter() - start, error))
            progress.advance()
        results[question] = rows
    progress.done()
    return results


def plot_study(results: dict, axes=None):
    """One bar chart per question of :func:`run_study`: validation accuracy for each setting, the
    value written on each bar and a dashed line at chance (0.1). Returns the axes."""
    if axes is None:
        ncols = min(2, len(results))
        nrows = -(-len(results) // ncols)
        _, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.2 * nrows), squeeze=False)
        axes = axes.ravel()
        for ax in axes[len(results):]:
            ax.set_axis_off()
    colors = [OKABE_ITO[c] for c in ("blue", "orange", "green", "purple", "sky", "vermillion")]
    for ax, (question, rows) in zip(axes, results.items()):
        labels = [r[0] for r in rows]
        accuracies = [0.0 if np.isnan(r[1]) else r[1] for r in rows]
        ax.bar(range(len(rows)), accuracies, color=[colors[i % len(colors)] for i in range(len(rows))])
        for i, (_, accuracy, _, error) in enumerate(rows):
            ax.text(i, max(0.0 if np.isnan(accuracy) else accuracy, 0) + 0.02,
                    "failed" if error else f"{accuracy:.3f}", ha="center", fontsize=8)
        ax.axhline(0.1, color="grey", linestyle="--", linewidth=1, label="chance")
        ax.set(xticks=range(len(rows)), ylim=(0, 1.1), xlabel=question, ylabel="validation accuracy",
               title=f"By {question}")
        ax.set_xticklabels(labels, fontsize=8)
    axes[0].legend(loc="lower left", fontsize=8)
    plt.tight_layout()
    return axes


class DigitView:
    """One digit and the model's probabilities for it, side by side; :meth:`show` redraws the
    same artists for another image. ``probabilities: (N, 10)`` (e.g. the student's softmax of
    the scores), ``X: (N, 64)``, ``y: (N,)``. ``axes``: two axes to draw on (default: a new figure)."""

    def __init__(self, probabilities, X, y, axes=None):
        self.probabilities = np.asarray(probabilities, dtype=float)
        self.X, self.y = np.asarray(X), np.asarray(y)
        if axes is None:
            _, axes = plt.subplots(1, 2, figsize=(8, 3.2), gridspec_kw={"width_ratios": [1, 1.6]})
            axes[0].figure.tight_layout()
        self.ax_image, self.ax_bars = axes
        self.fig = self.ax_image.figure
        self.image = self.ax_image.imshow(_image(self.X[0]), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        self.ax_image.set_xticks([])
        self.ax_image.set_yticks([])
        self.ax_image.set_title(" ")
        self.bars = self.ax_bars.bar(range(10), self.probabilities[0], color=OKABE_ITO["sky"])
        self.ax_bars.set(xticks=range(10), ylim=(0, 1.05), xlabel="digit", ylabel="probability",
                         title="The model's probabilities")
        self.description = ""

    def dynamic_artists(self) -> list:
        """The artists :meth:`show` changes (for :meth:`LiveFigure.track`)."""
        return [self.image, *self.bars, self.ax_image.title]

    def show(self, index: int):
        """Redraw for image ``index``: the image, each bar's height, the true digit's bar in green
        and a wrongly predicted digit's bar in vermillion. Returns the figure."""
        p = self.probabilities[index]
        guess, truth = int(np.argmax(p)), int(self.y[index])
        self.image.set_data(_image(self.X[index]))
        for digit, bar in enumerate(self.bars):
            bar.set_height(p[digit])
            bar.set_color(OKABE_ITO["green"] if digit == truth else
                          OKABE_ITO["vermillion"] if digit == guess else OKABE_ITO["sky"])
        verdict = "right" if guess == truth else "wrong"
        self.ax_image.set_title(f"image {index}: true {truth}, predicted {guess} ({verdict})", fontsize=10)
        second = int(np.argsort(p)[-2])
        other = (f"the runner-up is {second} at {p[second]:.2f}" if guess == truth
                 else f"the true digit, {truth}, has {p[truth]:.2f}")
        self.description = (f"Test image {index} of {len(self.y)}, a handwritten {truth}. The model predicts "
                            f"{guess} with probability {p[guess]:.2f} ({verdict}); {other}.")
        return self.fig


def digit_explorer(probabilities, X, y):
    """A slider over the images and a switch to step through the mistakes only; each move redraws
    the artists of one :class:`DigitView` in place (in a :class:`~course.explorers._live.LiveFigure`).

    ``probabilities``: ``(N, 10)``, or a function of ``X`` returning them (e.g. the student's softmax
    of their network's scores), called here so that an unwritten function gives a message, not an
    error. Returns the view."""
    import ipywidgets as widgets
    from IPython.display import display

    from ._live import LiveFigure, explorer_box, problem_message

    X, y = np.asarray(X), np.asarray(y)
    problem = ""
    try:
        probabilities = np.asarray(probabilities(X) if callable(probabilities) else probabilities, dtype=float)
        if probabilities.shape != (len(y), 10):
            raise ValueError(f"the probabilities have shape {probabilities.shape}, expected {(len(y), 10)}")
    except NameError as error:  # a cell above not run yet (or failed), e.g. the one that trains `final`
        problem = f"{error}: run the cells above first (section 7 trains the final network), then this one."
    except Exception as error:  # unwritten or a bug: say so, show the images anyway
        problem = problem_message(error, "softmax, mlp_forward and train_digits_classifier")
    if problem:
        probabilities = np.zeros((len(y), 10))

    live = LiveFigure(figsize=(8, 3.3), ncols=2, gridspec_kw={"width_ratios": [1, 1.6]})
    view = DigitView(probabilities, X, y, axes=live.axes)
    live.track(*view.dynamic_artists())
    live.notice(problem or None)
    wrong = np.flatnonzero(np.argmax(view.probabilities, axis=1) != view.y) if not problem else np.array([], int)
    readable = dict(style={"description_width": "initial"})
    slider = widgets.IntSlider(value=0, min=0, max=len(view.y) - 1, description="image",
                               continuous_update=False, layout=widgets.Layout(width="420px"), **readable)
    only_wrong = widgets.Checkbox(value=False, description=f"only the {len(wrong)} mistakes", indent=False,
                                  disabled=bool(problem), layout=widgets.Layout(width="auto"))

    def chosen() -> int:
        return int(wrong[slider.value]) if only_wrong.value and len(wrong) else int(slider.value)

    def redraw(*_):
        view.show(chosen())
        extra = f" Showing mistake {slider.value + 1} of {len(wrong)}." if only_wrong.value and len(wrong) else ""
        live.redraw(problem or view.description + extra)

    def on_switch(_):
        slider.unobserve(redraw, names="value")
        slider.max = max(len(wrong) - 1, 0) if only_wrong.value else len(view.y) - 1
        slider.value = 0
        slider.observe(redraw, names="value")
        redraw()

    slider.observe(redraw, names="value")
    only_wrong.observe(on_switch, names="value")
    redraw()
    display(explorer_box([[slider, only_wrong]], live))
    view.controls, view.live = {"image": slider, "mistakes": only_wrong}, live
    return view
