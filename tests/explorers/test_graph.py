"""course.graph_explorer: tracing, layout, recording a backward pass, drawing, and the stepper widget.

Uses a small node class written here (micrograd-style, + and * and tanh only), so these tests
do not depend on any notebook's answers.
"""
from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course.explorers import graph as ge  # noqa: E402


class Node:
    def __init__(self, data, _children=(), _op=""):
        self.data, self.grad = data, 0.0
        self._prev, self._op = tuple(_children), _op
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Node) else Node(other)
        out = Node(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Node) else Node(other)
        out = Node(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Node(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        order, seen = [], set()

        def visit(n):
            if id(n) not in seen:
                seen.add(id(n))
                for c in n._prev:
                    visit(c)
                order.append(n)
        visit(self)
        self.grad = 1.0
        for n in reversed(order):
            n._backward()


class Unfinished(Node):
    def __mul__(self, other):
        raise NotImplementedError()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_trace_lists_each_node_once_and_counts_repeated_edges():
    x = Node(3.0)
    y = x * x
    f = y + x
    nodes, edges = ge.trace(f)
    assert nodes[0] is f and len(nodes) == 3 and {id(n) for n in nodes} == {id(x), id(y), id(f)}
    counts = {(id(c), id(p)): n for c, p, n in edges}
    assert counts == {(id(x), id(y)): 2, (id(y), id(f)): 1, (id(x), id(f)): 1}


def test_layout_puts_every_arrow_left_to_right():
    f = ge.worked_example(Node)
    nodes, edges = ge.trace(f)
    pos = ge.layout(nodes)
    assert set(pos) == {id(n) for n in nodes}
    assert all(pos[id(c)][0] < pos[id(p)][0] for c, p, _ in edges)
    assert len(set(pos.values())) == len(nodes)  # no two boxes on the same spot
    by_label = {getattr(n, "label", ""): pos[id(n)][0] for n in nodes}
    assert by_label == {"a": 0.0, "b": 0.0, "e": 1.0, "c": 1.0, "g": 2.0, "d": 2.0, "f": 3.0}


def test_record_backward_replays_the_students_order_and_restores_backward():
    f = ge.worked_example(Node)
    nodes, _ = ge.trace(f)
    for n in nodes:
        n.grad = 99.0  # stale gradients are cleared first
    originals = {id(n): n._backward for n in nodes}
    rec = ge.record_backward(f)
    assert [n._backward for n in nodes] == [originals[id(n)] for n in nodes]
    captions = [c for c, _, _ in rec.frames]
    assert len(rec.frames) == 5 and captions[0].startswith("forward") and captions[1].startswith("seed")
    assert all(g is None for g in rec.frames[0][2].values())
    assert [getattr(a, "label", None) for _, a, _ in rec.frames[2:]] == ["f", "g", "e"]
    final = rec.frames[-1][2]
    grads = {getattr(n, "label", ""): final[id(n)] for n in nodes}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "d": 4.0, "e": -2.0, "g": -2.0, "f": 1.0}
    assert {getattr(n, "label", ""): n.grad for n in nodes} == grads


def test_record_backward_shows_a_wrong_order_as_it_happens():
    f = ge.worked_example(Node)

    def forward_order():  # wrong: inputs first, so nothing is passed on
        nodes, _ = ge.trace(f)
        f.grad = 1.0
        for n in reversed(nodes):
            n._backward()
    f.backward = forward_order
    rec = ge.record_backward(f)
    a = next(n for n in rec.nodes if getattr(n, "label", "") == "a")
    assert rec.frames[-1][2][id(a)] == 0.0


def test_record_backward_restores_even_when_backward_fails():
    f = ge.worked_example(Node)
    nodes, _ = ge.trace(f)
    originals = [n._backward for n in nodes]

    def broken():
        nodes[1]._backward()
        raise NotImplementedError()
    f.backward = broken
    with pytest.raises(NotImplementedError):
        ge.record_backward(f)
    assert [n._backward for n in nodes] == originals


def test_plots_draw_every_node():
    x, w = Node(0.5), Node(-1.0)
    x.label, w.label = "x", "w"
    o = (x * w + x).tanh()
    rec = ge.record_backward(o)
    for step in (0, 1, 2, -1, 100):
        ax = ge.plot_backward_step(rec, step)
        shown = [t.get_text() for t in ax.texts if t.get_visible()]
        # one box per node (the active node's highlight is a copy of its box), one gradient per node
        assert len({t for t in shown if "value" in t}) == len(rec.nodes) == sum("grad" in t for t in shown)
    ax = ge.plot_graph(rec.nodes, rec.edges)
    assert "grad" in " ".join(t.get_text() for t in ax.texts)


def _tiny(V):
    a, b = V(2.0), V(3.0)
    a.label, b.label = "a", "b"
    out = a * b
    out.label = "out"
    return out


def _shown_grads(plot):
    return {getattr(n, "label", ""): plot.grads[id(n)].get_text().strip() for n in plot.nodes}


def test_graph_stepper_replays_the_students_backward_pass():
    stepper = ge.GraphStepper(Node, {"worked": ge.worked_example, "tiny": _tiny})
    assert set(stepper.recordings) == {"worked", "tiny"} and len(stepper.recordings["tiny"].frames) == 3
    live, plot = stepper.live, stepper.plots["worked"]
    assert stepper.slider.max == 4 and "frame 0 of 4" in live.description
    assert set(_shown_grads(plot).values()) == {"grad ?"}, "after the forward pass no gradient is known"
    background, artists = live._background, plot.changing
    frames = [live.image.value]
    for step in range(1, 5):
        stepper.slider.value = step
        frames.append(live.image.value)
        assert live._background is background and plot.changing == artists, "updated, not rebuilt"
    assert len(set(frames)) == 5, "every frame looks different"
    # the last frame: the gradients of f = (a b + c) d at a=2, b=-3, c=10, d=-2, worked out by hand
    assert _shown_grads(plot) == {"a": "grad 6", "b": "grad -4", "c": "grad -2", "d": "grad 4", "e": "grad -2",
                                  "g": "grad -2", "f": "grad 1"}
    e = next(n for n in plot.nodes if n.label == "e")
    assert [n.label for n in plot.nodes if plot.outlines[id(n)].get_visible()] == ["e"]
    assert sorted(parent.label for parent, arrow in plot.arrows if arrow.get_visible()) == ["e", "e"]
    assert "frame 4 of 4" in live.description and "e (*) passes grad -2 back to a, b" in live.description
    assert e.grad == -2.0

    stepper.menu.value = "tiny"
    assert stepper.slider.value == 0 and stepper.slider.max == 2
    assert "Graph 'tiny', frame 0 of 2" in live.description
    assert plot.ax.get_visible() is False and stepper.plots["tiny"].ax.get_visible() is True
    stepper.slider.value = 2
    assert _shown_grads(stepper.plots["tiny"]) == {"a": "grad 3", "b": "grad 2", "out": "grad 1"}


def test_graph_stepper_explains_unfinished_code(capsys, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    stepper = ge.graph_stepper(Unfinished)
    assert shown == [stepper.widget] and "course-explorer" in stepper.widget._dom_classes
    assert "Finish every part of Value" in stepper.live.description and stepper.live.notice_shown
    assert stepper.live.image.value
    captured = capsys.readouterr()
    assert captured.err == "" and "Traceback" not in captured.out
