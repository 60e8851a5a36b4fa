"""Unit tests of course.plots: figures draw without widgets, in colour-blind-safe colours, with
titles, labelled axes and a text description; long cells report progress in place."""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from matplotlib.colors import to_hex
from nbclient import NotebookClient

from course import data, plots
from course.grading import nbtools

# Okabe & Ito's eight colours, written out here rather than read from the module under test.
OKABE_ITO = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442", "#000000"}


def test_plots_draw_without_widgets():
    X, y = data.make_blobs(10, np.random.default_rng(0))
    for score_fn in (lambda P: P @ np.array([[1.0, -1.0], [1.0, -1.0]]), lambda P: P[:, 0]):
        fig, ax = plt.subplots()
        plots.plot_decision_boundary(score_fn, X, y, ax=ax, steps=20)
        points = [c.get_offsets() for c in ax.collections if len(c.get_offsets()) and c.get_label().startswith("class")]
        assert sorted(len(p) for p in points) == [10, 10], "each class's points are drawn once"
        lo, hi = X.min(axis=0), X.max(axis=0)
        assert ax.get_xlim()[0] < lo[0] and ax.get_xlim()[1] > hi[0] and ax.get_ylim()[0] < lo[1]
    ax = plots.plot_functions({"tanh": np.tanh}, ax=plt.subplots()[1])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.tanh(ax.lines[0].get_xdata()))
    plt.close("all")


def test_palette_is_okabe_ito_and_classes_differ_by_shape_too():
    assert {to_hex(c) for c in plots.CLASS_COLORS} <= OKABE_ITO
    assert len(set(plots.CLASS_COLORS)) == len(plots.CLASS_COLORS)
    cycle = [to_hex(c) for c in matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert set(cycle) == OKABE_ITO, "importing course.plots makes Okabe-Ito the default colour cycle"
    X, y = data.make_spirals(8, 3, np.random.default_rng(1))
    fig, ax = plt.subplots()
    plots.plot_decision_boundary(lambda P: np.column_stack([P[:, 0], P[:, 1], -P[:, 0]]), X, y, ax=ax, steps=10)
    dots = [c for c in ax.collections if c.get_label().startswith("class")]
    assert {to_hex(c.get_facecolor()[0]) for c in dots} <= OKABE_ITO
    shapes = {tuple(np.round(c.get_paths()[0].vertices, 3).ravel()) for c in dots}
    assert len(shapes) == 3, "each class has its own marker shape"
    plt.close("all")


def test_helpers_title_and_label_their_figures_and_missing_labels_notices_gaps():
    X, y = data.make_xor(5, np.random.default_rng(2))
    fig, axes = plt.subplots(1, 2)
    plots.plot_decision_boundary(lambda P: P[:, 0] * P[:, 1], X, y, ax=axes[0], steps=10)
    plots.plot_functions({"relu": lambda z: np.maximum(z, 0)}, ax=axes[1])
    assert plots.missing_labels(fig) == []
    bare, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    assert plots.missing_labels(bare) == ["no title", "axes 1: no x label", "axes 1: no y label"]
    ax.set(title="t", xlabel="x")
    assert plots.missing_labels(bare) == ["t: no y label"]
    images, grid = plt.subplots(1, 2)
    for a in grid:
        a.set_axis_off()
    images.suptitle("digits")
    assert plots.missing_labels(images) == [], "axes without axis lines (images) need no axis labels"
    plt.close("all")


def kernel_outputs(code: str) -> list:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(nbtools.ROOT)}}).execute()
    return nb.cells[0].outputs


def test_show_and_progress_in_a_real_kernel():
    outputs = kernel_outputs(
        "%matplotlib inline\n"
        "import time\nimport matplotlib.pyplot as plt\n"
        "from course.plots import Progress, show\n"
        "fig, ax = plt.subplots()\n"
        "ax.plot([0, 1], [0, 1])\n"
        "ax.set(title='A line <rising>', xlabel='$x$', ylabel='y')\n"
        "show(fig, 'A straight line from (0, 0) to (1, 1) & no more.')\n"
        "with Progress(40, 'steps taken', every=0.05) as progress:\n"
        "    for _ in range(40):\n"
        "        time.sleep(0.01)\n"
        "        progress.advance()\n")
    assert not any(o.output_type == "stream" and o.name == "stderr" for o in outputs)
    figures = [o for o in outputs if "course" in o.get("metadata", {})]
    assert len(figures) == 1 and not any("image/png" in o.get("data", {}) for o in outputs), \
        "the figure is shown once, by show(), not again by the inline backend"
    html = figures[0].data["text/html"]
    assert re.search(r'<figure[^>]*><img src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}" '
                     r'alt="Figure: A line &lt;rising&gt;"[^>]*><figcaption[^>]*>'
                     r"A straight line from \(0, 0\) to \(1, 1\) &amp; no more\.</figcaption></figure>", html), html
    assert figures[0].data["text/plain"] == "Figure: A line <rising>. A straight line from (0, 0) to (1, 1) & no more."
    assert figures[0].metadata["course"]["missing_labels"] == []
    progress = [o for o in outputs if o is not figures[0]]
    assert len(progress) == 1, "progress is one line updated in place, not one output per step"
    assert re.fullmatch(r"40 steps taken in \d+\.\d s", progress[0].data["text/plain"])
    assert '<progress value="40" max="40"' in progress[0].data["text/html"]


# ---------------------------------------------------------------------------------------------
# The notebooks' own figures.

FIGURE_CALL = re.compile(r"plt\.subplots\(|\bplot_(?!study\b)\w+\(|show_digits\(")
ALLOWED_COLOURS = {"grey", "gray", "black", "white", "greys", "viridis", "cividis"}


def code_cells():
    for assignment in nbtools.assignments():
        nb = nbformat.read(nbtools.notebook_path(assignment), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                yield assignment, cell


def test_every_static_figure_cell_shows_its_figure_with_a_description():
    figure_cells = 0
    for assignment, cell in code_cells():
        if "draw-only" not in cell.metadata.get("tags", []) or "explorer(" in cell.source \
                or not FIGURE_CALL.search(cell.source) or "graph_stepper(" in cell.source:
            continue
        figure_cells += 1
        assert re.search(r"\bshow\((\w+|axes\[0\]), f?\"", cell.source), \
            f"{assignment} {cell.get('id')}: show the figure with show(fig, \"a one-line description\")"
    assert figure_cells >= 20


def test_notebook_figures_use_colour_blind_safe_colours():
    for assignment, cell in code_cells():
        for colour in re.findall(r"#[0-9A-Fa-f]{6}\b", cell.source):
            assert colour.lower() in OKABE_ITO, f"{assignment} {cell.get('id')}: {colour} is not an Okabe-Ito colour"
        assert "tab:" not in cell.source, f"{assignment} {cell.get('id')}: a tab10 colour"
        for name in re.findall(r"(?:color|cmap)\s*=\s*[\"'](\w+)[\"']", cell.source):
            assert name.lower() in ALLOWED_COLOURS, f"{assignment} {cell.get('id')}: colour {name!r}"


@pytest.mark.parametrize("assignment", ["01_forward_pass", "03_chain_rule"])
def test_figures_of_a_notebook_run_have_titles_labels_and_descriptions(assignment):
    path = nbtools.notebook_path(assignment)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    shown = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            assert not (output.output_type == "stream" and output.name == "stderr"), cell.source
            meta = output.get("metadata", {}).get("course")
            if meta:
                shown += 1
                assert meta["missing_labels"] == [], f"{cell.get('id')}: {meta['missing_labels']}"
                caption = re.search(r"<figcaption[^>]*>(.*)</figcaption>", output.data["text/html"]).group(1)
                assert len(caption) > 40 and "$" not in caption, caption
            elif "image/png" in output.get("data", {}):
                raise AssertionError(f"{cell.get('id')}: a figure shown without show(): no description")
    assert shown >= 1
