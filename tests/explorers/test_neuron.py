"""Unit tests of course.explorers.neuron: the one-neuron explorer."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from course import data
from course.explorers import neuron


def test_plot_neuron_draws_the_neuron():
    X, y = data.make_blobs(10, np.random.default_rng(0))
    plane, curve = neuron.plot_neuron(lambda X, W, b: X @ W + b, np.tanh, 1.0, -1.0, 0.5, X, y, "tanh")
    assert "+1.00·x1 -1.00·x2 +0.50" in plane.get_title()
    np.testing.assert_allclose(curve.lines[0].get_ydata(), np.tanh(curve.lines[0].get_xdata()))
    plt.close("all")


def test_neuron_explorer_survives_unwritten_functions(capsys):
    def stub(*args):
        raise NotImplementedError()
    X, y = data.make_blobs(5, np.random.default_rng(0))
    neuron.neuron_explorer(stub, {"sigmoid": stub}, X, y)
    calls = []
    neuron.neuron_explorer(lambda X, W, b: calls.append(W.shape) or X @ W + b, {"tanh": np.tanh}, X, y)
    plt.close("all")
    assert "Traceback" not in capsys.readouterr().err
    assert calls and all(shape == (2, 1) for shape in calls), "the explorer runs the student's dense_forward"
