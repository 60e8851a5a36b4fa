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
        assert sum("value" in t.get_text() for t in ax.texts) == len(rec.nodes)
    ax = ge.plot_graph(rec.nodes, rec.edges)
    assert "grad" in " ".join(t.get_text() for t in ax.texts)


def test_graph_stepper_runs_and_catches_unfinished_code(capsys):
    recordings = ge.graph_stepper(Node, {"worked": ge.worked_example, "tiny": lambda V: V(2.0) * V(3.0)})
    assert set(recordings) == {"worked", "tiny"}
    assert len(recordings["tiny"].frames) == 3
    assert ge.graph_stepper(Unfinished) is None
    assert "Finish every part of Value" in capsys.readouterr().out
