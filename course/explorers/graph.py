"""Draw a scalar computational graph and replay its backward pass one step at a time.

Works with any node shaped like the course's ``Value`` (notebook 03): ``.data``, ``.grad``,
``._prev`` (the nodes it was computed from), ``._op`` (a short name of the operation) and
``._backward`` (a closure that passes ``.grad`` on to ``._prev``). An optional ``.label``
names a node. Nothing here computes a gradient: :func:`record_backward` runs the student's own
``backward()`` and only watches which ``_backward`` it calls, in which order, and what each did.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ._live import LiveFigure, explorer_box, problem_message

__all__ = ["trace", "layout", "record_backward", "GraphPlot", "plot_graph", "plot_backward_step", "graph_stepper",
           "worked_example"]

LEAF_COLOR = "#d4e9f7"  # light sky blue (Okabe-Ito #56B4E9, lightened): inputs
OP_COLOR = "#eeeeee"  # light grey: operations
ROOT_COLOR = "#fbe3c2"  # light orange (Okabe-Ito #E69F00, lightened): the output
ACTIVE_COLOR = "#D55E00"  # Okabe-Ito vermilion: the step that is running
EDGE_COLOR = "#555555"


def trace(root) -> tuple[list, list[tuple]]:
    """Every node that ``root`` depends on, and the edges between them.

    Returns ``(nodes, edges)``: ``nodes`` in a fixed order (first visit, root first), each
    once; ``edges`` a list of ``(child, parent, count)`` where ``count`` is how often
    ``child`` appears in ``parent._prev`` (2 for ``x * x``).
    """
    nodes, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        stack.extend(reversed(list(node._prev)))
    edges = []
    for parent in nodes:
        counts: dict[int, list] = {}
        for child in parent._prev:
            counts.setdefault(id(child), [child, 0])[1] += 1
        edges.extend((child, parent, n) for child, n in counts.values())
    return nodes, edges


def layout(nodes: list) -> dict[int, tuple[float, float]]:
    """Positions for drawing: ``x`` is an operation's depth (longest path up from an input), so every
    arrow points right; an input sits one column left of the first operation that uses it. Nodes
    of one column are spread vertically. Returns ``{id(node): (x, y)}``."""
    depth: dict[int, int] = {}

    def depth_of(node) -> int:
        if id(node) not in depth:
            depth[id(node)] = 1 + max((depth_of(c) for c in node._prev), default=-1)
        return depth[id(node)]

    for node in nodes:
        depth_of(node)
    column_of = dict(depth)
    first_user: dict[int, int] = {}
    for parent in nodes:
        for child in parent._prev:
            if not list(child._prev):  # an input: one column left of its first user
                first_user[id(child)] = min(first_user.get(id(child), depth[id(parent)]), depth[id(parent)])
    for key, user_depth in first_user.items():
        column_of[key] = user_depth - 1
    columns: dict[int, list] = {}
    for node in nodes:
        columns.setdefault(column_of[id(node)], []).append(node)
    positions = {}
    for x, column in columns.items():
        for i, node in enumerate(column):
            positions[id(node)] = (float(x), (len(column) - 1) / 2.0 - i)
    return positions


@dataclass
class Recording:
    """What :func:`record_backward` saw: the graph, and one frame per step.

    Each frame is ``(caption, active, grads)``: ``active`` is the node whose ``_backward`` just
    ran (``None`` before the first one), ``grads`` maps ``id(node)`` to its ``.grad`` then
    (``None`` in the first frame: after the forward pass there are no gradients yet).
    """
    root: object
    nodes: list
    edges: list
    frames: list = field(default_factory=list)


def name_of(node) -> str:
    """A node's label and operation, "label (op)", or whichever of the two it has."""
    label = getattr(node, "label", "") or ""
    op = getattr(node, "_op", "") or ""
    if label and op:
        return f"{label} ({op})"
    return label or op or "?"


def short_name(node) -> str:
    """A node's label if it has one, else its operation."""
    return getattr(node, "label", "") or getattr(node, "_op", "") or "?"


def record_backward(root) -> Recording:
    """Run ``root.backward()`` (the student's own) and record every ``_backward`` call it makes.

    All gradients are set to 0 first. Each node's ``_backward`` is wrapped to take a snapshot
    of every gradient after it runs, and restored afterwards. Calls on inputs (nodes without
    ``_prev``), which have nothing to pass on, make no frame. Errors from the student's code
    propagate.
    """
    nodes, edges = trace(root)
    rec = Recording(root, nodes, edges)
    rec.frames.append(("forward pass: every value is known, no gradient yet", None,
                       {id(n): None for n in nodes}))
    for node in nodes:
        node.grad = 0.0
    originals = {id(n): n.__dict__.get("_backward", None) for n in nodes}

    def snapshot():
        return {id(n): n.grad for n in nodes}

    def wrap(node, original):
        def recorded():
            if len(rec.frames) == 1:
                rec.frames.append((f"seed: {short_name(root)}.grad = {root.grad:.4g} (d output / d output)", None,
                                   snapshot()))
            result = original()
            if list(node._prev):
                inputs = ", ".join(name_of(c) for c in {id(c): c for c in node._prev}.values())
                rec.frames.append((f"step {len(rec.frames) - 1}: {name_of(node)} passes grad {node.grad:.4g} "
                                   f"back to {inputs}", node, snapshot()))
            return result
        return recorded

    try:
        for node in nodes:
            if originals[id(node)] is not None:
                node._backward = wrap(node, originals[id(node)])
        root.backward()
    finally:
        for node in nodes:
            if originals[id(node)] is not None:
                node._backward = originals[id(node)]
    if len(rec.frames) == 1:  # a graph with no operations: only the seed
        rec.frames.append((f"seed: {short_name(root)}.grad = {root.grad:.4g}", None, snapshot()))
    return rec


def _fmt(value) -> str:
    return "?" if value is None else f"{float(value):.4g}"


class GraphPlot:
    """The graph drawn once on ``ax``: one box per node with its name, value and gradient, arrows
    the way values flow. :meth:`show` changes the gradients, the highlighted (active) node and
    the title.

    What never changes (boxes, names, values, grey arrows) is drawn once; what does is drawn over
    it: one text line per gradient, the active node's outline and its incoming arrows, in
    vermilion. Text is the slow part of drawing, so a frame redraws as little of it as it can.
    ``grad_widths`` maps ``id(node)`` to the longest gradient text it will show (its box is made
    that wide); by default 10 characters.
    """

    def __init__(self, ax, nodes: list, edges: list, grad_widths: dict | None = None):
        self.ax, self.nodes, self.edges = ax, nodes, edges
        pos = layout(nodes)
        self.arrows = []  # (parent, highlighted arrow drawn over the grey one)
        for child, parent, count in edges:
            (x0, y0), (x1, y1) = pos[id(child)], pos[id(parent)]
            bend = 0.25 if x1 - x0 > 1.5 else 0.0  # arcs over the column in between
            for hot in (False, True):
                arrow = ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops=dict(
                    arrowstyle="-|>", color=ACTIVE_COLOR if hot else EDGE_COLOR, linewidth=2.2 if hot else 1.0,
                    shrinkA=30, shrinkB=30, connectionstyle=f"arc3,rad={-bend}"))
            arrow.set_visible(False)
            self.arrows.append((parent, arrow))
            if count > 1:
                ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.08, f"×{count}", ha="center", fontsize=9, color="#555555")
        root = nodes[0] if nodes else None
        self.grads, self.outlines = {}, {}
        self.frozen = False
        text = dict(ha="center", va="center", fontsize=9, family="monospace")
        for node in nodes:
            x, y = pos[id(node)]
            color = ROOT_COLOR if node is root else (LEAF_COLOR if not list(node._prev) else OP_COLOR)
            width = (grad_widths or {}).get(id(node), 10)
            # the box's third line is blank, as wide as the widest gradient; the gradient is drawn on it
            still = f"{name_of(node)}\nvalue {_fmt(node.data)}\n{' ' * (5 + width)}"
            ax.text(x, y, still, **text, bbox=dict(boxstyle="round,pad=0.4", facecolor=color, edgecolor=EDGE_COLOR))
            self.outlines[id(node)] = ax.text(x, y, still, **text, visible=False, bbox=dict(
                boxstyle="round,pad=0.4", facecolor=color, edgecolor=ACTIVE_COLOR, linewidth=2.5))
            self.grads[id(node)] = ax.text(x, y, "", **text)
        xs = [p[0] for p in pos.values()] or [0.0]
        ys = [p[1] for p in pos.values()] or [0.0]
        ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
        ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
        ax.set_axis_off()

    def freeze(self, renderer) -> None:
        """Make :meth:`show` fast for a figure whose axes stay where they are (no layout engine, one
        dpi): each highlight (a second copy of the box, text included) becomes a plain outline patch,
        and each gradient becomes one line of text placed on its box's blank line, both in pixels."""
        from matplotlib.patches import FancyBboxPatch
        from matplotlib.transforms import Affine2D

        for node in self.nodes:
            box = self.outlines[id(node)]
            box.update_bbox_position_size(renderer)
            patch = box.get_bbox_patch()
            outline = FancyBboxPatch((0, 0), patch.get_width(), patch.get_height(), boxstyle=patch.get_boxstyle(),
                                     mutation_scale=patch.get_mutation_scale(), transform=patch.get_transform(),
                                     facecolor="none", edgecolor=ACTIVE_COLOR, linewidth=2.5, visible=False)
            outline.set_figure(self.ax.figure)
            _, lines, _ = box._get_layout(renderer)  # per line: (text, size, (x, y) of its baseline)
            box.remove()
            self.outlines[id(node)] = outline
            old = self.grads[id(node)]
            self.grads[id(node)] = self.ax.text(*old.get_position(), "", ha="center", va="baseline", fontsize=9,
                                                family="monospace",
                                                transform=self.ax.transData + Affine2D().translate(0, lines[2][2][1]))
            old.remove()
        self.frozen = True

    @property
    def changing(self) -> list:
        """Every artist that :meth:`show` changes, in drawing order."""
        return ([arrow for _, arrow in self.arrows] + list(self.outlines.values()) + list(self.grads.values())
                + [self.ax.title])

    def show(self, grads: dict | None = None, active=None, title: str | None = None):
        """Gradients from ``grads`` (``id(node)`` to a number or ``None``; by default each node's
        own ``.grad``); the ``active`` node and the arrows into it highlighted."""
        grads = grads if grads is not None else {id(n): n.grad for n in self.nodes}
        for parent, arrow in self.arrows:
            arrow.set_visible(active is not None and parent is active)
        for node in self.nodes:
            self.outlines[id(node)].set_visible(node is active)
            text = f"grad {_fmt(grads.get(id(node)))}"
            self.grads[id(node)].set_text(text if self.frozen else f"\n\n{text}")
        self.ax.set_title(title or "values flow right →   gradients flow ← left", fontsize=10)
        return self.ax

    @staticmethod
    def widths(recording: "Recording") -> dict:
        """The longest gradient text of each node over a recording's frames."""
        return {id(n): max(len(_fmt(grads.get(id(n)))) for _, _, grads in recording.frames) for n in recording.nodes}


def plot_graph(nodes: list, edges: list, grads: dict | None = None, active=None, ax=None,
               title: str | None = None):
    """Draw the graph (see :class:`GraphPlot`): one box per node with its name, value and gradient
    (``grads`` maps ``id(node)`` to a number or ``None``; by default each node's own ``.grad``).
    Arrows point the way values flow; the ``active`` node and the arrows into it are highlighted.
    Returns the axes."""
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return GraphPlot(ax, nodes, edges).show(grads, active, title)


def frame_title(recording: Recording, step: int) -> str:
    return f"frame {step} of {len(recording.frames) - 1} — {recording.frames[step][0]}"


def clamp_step(recording: Recording, step: int) -> int:
    """``step`` within the frames; negative steps count from the end (-1 is the last frame)."""
    n = len(recording.frames)
    return max(0, min(step + n if step < 0 else step, n - 1))


def figure_width(recording: Recording) -> float:
    """Inches wide enough for the graph's columns."""
    return max(6.0, 2.2 * (1 + max(p[0] for p in layout(recording.nodes).values())))


def plot_backward_step(recording: Recording, step: int, ax=None):
    """Frame ``step`` of a :class:`Recording`: 0 is after the forward pass, 1 the seed, and each
    further frame one ``_backward`` call of the student's ``backward()``; negative steps count
    from the end (-1 is the finished backward pass). Returns the axes."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(figure_width(recording), 4.0))
    step = clamp_step(recording, step)
    _, active, grads = recording.frames[step]
    plot = GraphPlot(ax, recording.nodes, recording.edges, GraphPlot.widths(recording))
    return plot.show(grads, active, frame_title(recording, step))


def worked_example(Value):
    """The notebook's worked example ``f = (a * b + c) * d`` built with the class ``Value``;
    returns the output node, every node labelled."""
    a, b, c, d = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    for node, name in ((a, "a"), (b, "b"), (c, "c"), (d, "d")):
        node.label = name
    e = a * b
    e.label = "e"
    g = e + c
    g.label = "g"
    f = g * d
    f.label = "f"
    return f


def graph_stepper(Value, build: Callable | dict[str, Callable] = worked_example):
    """A slider that replays the backward pass of ``build(Value)`` one ``_backward`` call at a time.

    ``Value`` is the student's class; ``build`` makes an expression with it and returns the output
    node (or is a dict of such builders, chosen from a menu). Everything drawn comes from the
    student's code: the values from its operations, the order and the gradients from its
    ``backward()``. Displays the explorer and returns it (a :class:`GraphStepper`; its
    ``recordings`` map each graph's name to its :class:`Recording`).
    """
    from IPython.display import display

    stepper = GraphStepper(Value, build)
    display(stepper.widget)
    return stepper


class GraphStepper:
    """The widgets and the live figure of :func:`graph_stepper` (``.widget`` to display).

    Each graph is drawn once, on its own axes; the menu shows one and hides the others, and the
    slider updates the shown graph's texts and arrows to the chosen frame."""

    def __init__(self, Value, build: Callable | dict[str, Callable] = worked_example):
        import ipywidgets as widgets

        builders = build if isinstance(build, dict) else {"expression": build}
        self.recordings: dict[str, Recording] = {}
        self.problems: dict[str, str] = {}
        for name, builder in builders.items():
            try:
                self.recordings[name] = record_backward(builder(Value))
            except NotImplementedError:
                self.problems[name] = "Finish every part of Value (C1–C3 and D) first, then run this cell again."
            except Exception as error:  # the student's code: say what to do, never a traceback
                self.problems[name] = problem_message(error, "Value")
        style = {"description_width": "initial"}
        self.menu = widgets.Dropdown(options=list(builders), description="graph", style=style)
        self.slider = widgets.IntSlider(value=0, min=0, max=1, step=1, description="frame",
                                        continuous_update=True, style=style, layout=widgets.Layout(width="420px"))
        width = max([figure_width(r) for r in self.recordings.values()] or [6.0])
        self.live = LiveFigure(figsize=(width, 4.0), layout="none")
        self.plots: dict[str, GraphPlot] = {}
        for name, recording in self.recordings.items():
            ax = self.live.fig.add_axes((0.01, 0.01, 0.98, 0.9), label=name)
            self.plots[name] = GraphPlot(ax, recording.nodes, recording.edges, GraphPlot.widths(recording))
            self.plots[name].freeze(self.live.fig.canvas.get_renderer())
            ax.set_visible(False)
        self.choosing = False
        rows = [[self.menu, self.slider]] if len(builders) > 1 else [[self.slider]]
        self.widget = explorer_box(rows, self.live)
        self.menu.observe(self.chose, names="value")
        self.slider.observe(self.stepped, names="value")
        self.chose()

    def chose(self, change=None):
        """Another graph: show its axes, hide the others, start at frame 0."""
        name = self.menu.value
        for other, plot in self.plots.items():
            plot.ax.set_visible(other == name)
        self.live.untrack(*self.live._tracked)
        if name in self.problems:
            self.live.notice(self.problems[name])
            return self.live.redraw(self.problems[name], full=True)
        self.live.notice(None)
        self.live.track(*self.plots[name].changing[:-1])  # not the title: the caption says what each frame is
        self.choosing = True  # one redraw below, not one per slider change
        with self.slider.hold_trait_notifications():
            self.slider.max = len(self.recordings[name].frames) - 1
            self.slider.value = 0
        self.choosing = False
        self.stepped(full=True)

    def stepped(self, change=None, full: bool = False):
        name = self.menu.value
        if name in self.problems or self.choosing:
            return
        recording = self.recordings[name]
        step = clamp_step(recording, self.slider.value)
        caption, active, grads = recording.frames[step]
        self.plots[name].show(grads, active, "values flow right →   gradients flow ← left (each step is described below)")
        self.live.redraw(f"Graph '{name}', frame {step} of {len(recording.frames) - 1}: {caption}.", full=full)
