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

import matplotlib.pyplot as plt

__all__ = ["trace", "layout", "record_backward", "plot_graph", "plot_backward_step", "graph_stepper",
           "worked_example"]

LEAF_COLOR = "#dbe9f6"
OP_COLOR = "#eeeeee"
ROOT_COLOR = "#fde0c5"
ACTIVE_COLOR = "#d62728"


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


def plot_graph(nodes: list, edges: list, grads: dict | None = None, active=None, ax=None,
               title: str | None = None):
    """Draw the graph: one box per node with its name, value and gradient (``grads`` maps
    ``id(node)`` to a number or ``None``; by default each node's own ``.grad``). Arrows point the
    way values flow; the ``active`` node and the arrows into it are red. Returns the axes."""
    ax = ax or plt.gca()
    grads = grads if grads is not None else {id(n): n.grad for n in nodes}
    pos = layout(nodes)
    for child, parent, count in edges:
        hot = active is not None and parent is active
        (x0, y0), (x1, y1) = pos[id(child)], pos[id(parent)]
        bend = 0.25 if x1 - x0 > 1.5 else 0.0  # arcs over the column in between
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color=ACTIVE_COLOR if hot else "#888888",
                                    linewidth=2.2 if hot else 1.0, shrinkA=30, shrinkB=30,
                                    connectionstyle=f"arc3,rad={-bend}"))
        if count > 1:
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.08, f"×{count}", ha="center", fontsize=9, color="#555555")
    root = nodes[0] if nodes else None
    for node in nodes:
        x, y = pos[id(node)]
        color = ROOT_COLOR if node is root else (LEAF_COLOR if not list(node._prev) else OP_COLOR)
        text = f"{name_of(node)}\nvalue {_fmt(node.data)}\ngrad {_fmt(grads.get(id(node)))}"
        ax.text(x, y, text, ha="center", va="center", fontsize=9, family="monospace",
                bbox=dict(boxstyle="round,pad=0.4", facecolor=color,
                          edgecolor=ACTIVE_COLOR if node is active else "#555555",
                          linewidth=2.5 if node is active else 1.0))
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.set_axis_off()
    ax.set_title(title or "values flow right →   gradients flow ← left", fontsize=10)
    return ax


def plot_backward_step(recording: Recording, step: int, ax=None):
    """Frame ``step`` of a :class:`Recording`: 0 is after the forward pass, 1 the seed, and each
    further frame one ``_backward`` call of the student's ``backward()``; negative steps count
    from the end (-1 is the finished backward pass). Returns the axes."""
    if ax is None:
        width = 2.2 * (1 + max(p[0] for p in layout(recording.nodes).values()))
        _, ax = plt.subplots(figsize=(max(6.0, width), 4.0))
    n = len(recording.frames)
    step = max(0, min(step + n if step < 0 else step, n - 1))
    caption, active, grads = recording.frames[step]
    return plot_graph(recording.nodes, recording.edges, grads=grads, active=active, ax=ax,
                      title=f"frame {step} of {len(recording.frames) - 1} — {caption}")


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
    ``backward()``.
    """
    import ipywidgets as widgets
    from IPython.display import display

    builders = build if isinstance(build, dict) else {"expression": build}
    recordings: dict[str, Recording] = {}
    try:
        for name, builder in builders.items():
            recordings[name] = record_backward(builder(Value))
    except NotImplementedError:
        print("Finish every part of Value (C1–C3 and D) first, then run this cell again.")
        return None
    menu = widgets.Dropdown(options=list(builders), description="graph")
    slider = widgets.IntSlider(value=0, min=0, max=len(recordings[menu.value].frames) - 1, step=1,
                               description="step", continuous_update=True)

    def reset(change):
        slider.value = 0
        slider.max = len(recordings[change["new"]].frames) - 1
    menu.observe(reset, names="value")

    def draw(name, step):
        plot_backward_step(recordings[name], step)
        plt.show()

    out = widgets.interactive_output(draw, {"name": menu, "step": slider})
    controls = widgets.HBox([menu, slider]) if len(builders) > 1 else slider
    display(widgets.VBox([controls, out]))
    return recordings
