"""course.explorers.neuron: the static figure, and the live explorer driven through its real widgets.

Every number the figure shows is compared with a computation written here (numpy, matplotlib's
colour map), not with the module's own output.
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from course import data  # noqa: E402
from course.explorers import neuron  # noqa: E402


def dense(X, W, b):
    return X @ W + b


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def relu(z):
    return np.maximum(z, 0.0)


def stub(*args):
    raise NotImplementedError()


@pytest.fixture(scope="module")
def blobs():
    return data.make_blobs(50, np.random.default_rng(1))


def png_size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def test_plot_neuron_draws_the_neuron(blobs):
    X, y = blobs
    plane, curve = neuron.plot_neuron(dense, np.tanh, 1.0, -1.0, 0.5, X, y, "tanh")
    assert "+1.00·x1 -1.00·x2 +0.50" in plane.get_title()
    np.testing.assert_allclose(curve.lines[0].get_ydata(), np.tanh(curve.lines[0].get_xdata()))
    plt.close("all")


@pytest.mark.parametrize("w1, w2, b", [(1.0, 2.0, 0.5), (3.0, -0.5, 1.0), (0.0, 1.0, -0.3)])
def test_boundary_segment_lies_on_the_line(w1, w2, b):
    xs, ys = neuron.boundary_segment(w1, w2, b, (-3, 3), (-2, 2))
    assert len(xs) == 2
    np.testing.assert_allclose(w1 * xs + w2 * ys + b, 0.0, atol=1e-12)
    assert len(neuron.boundary_segment(0.0, 0.0, 1.0, (-3, 3), (-2, 2))[0]) == 0


def test_explorer_updates_its_artists_to_the_students_numbers(blobs):
    X, y = blobs
    calls = []

    def counted_dense(X, W, b):
        calls.append(W.shape)
        return dense(X, W, b)

    explorer = neuron.NeuronExplorer(counted_dense, {"sigmoid": sigmoid, "relu": relu}, X, y)
    live, plot = explorer.live, explorer.plot
    assert live.image.value and png_size(live.image.value) == (900, 360)
    artists = list(plot.changing)
    background = live._background
    before = live.image.value

    explorer.w1.value, explorer.w2.value, explorer.b.value = 2.0, -1.5, 0.7
    assert calls and all(shape == (2, 1) for shape in calls), "the explorer runs the student's dense_forward"
    assert live.image.value != before, "moving a slider changes the picture"
    assert plot.changing == artists and live._background is background, "artists are updated, nothing rebuilt"
    w, b = np.array([2.0, -1.5]), 0.7

    z = X @ w + b  # the data on the activation curve (right panel)
    landed = np.concatenate([dots.get_offsets() for dots in plot.landed])
    expected = np.concatenate([np.column_stack([z[y == k], sigmoid(z[y == k])]) for k in np.unique(y)])
    np.testing.assert_allclose(landed, expected, rtol=1e-12)

    xs, ys = plot.line.get_data()  # the line z = 0
    np.testing.assert_allclose(w[0] * np.asarray(xs) + w[1] * np.asarray(ys) + b, 0.0, atol=1e-9)

    # the output over the plane: sigmoid on a grid, coloured with viridis on [min, max] of the curve
    rgba = np.asarray(plot.image.get_array())
    (x0, x1), (y0, y1) = plot.xlim, plot.ylim
    n = rgba.shape[0]
    for i, j in [(0, 0), (n - 1, n - 1), (n // 3, 2 * n // 3)]:
        point = np.array([x0 + (x1 - x0) * j / (n - 1), y0 + (y1 - y0) * i / (n - 1)])
        lo, hi = sigmoid(-neuron.Z_LIMIT), sigmoid(neuron.Z_LIMIT)
        colour = matplotlib.colormaps["viridis"]((sigmoid(point @ w + b) - lo) / (hi - lo), bytes=True)
        np.testing.assert_allclose(rgba[i, j], colour, atol=1)

    agree = int(np.sum((z > 0) == (y == 1)))
    assert f"puts {agree} of {len(y)} points" in live.description
    assert "z = +2.0·x1 -1.5·x2 +0.7" in live.description


def test_choosing_an_activation_redraws_its_curve_and_scale(blobs):
    X, y = blobs
    explorer = neuron.NeuronExplorer(dense, {"sigmoid": sigmoid, "relu": relu}, X, y)
    before = explorer.live.image.value
    explorer.name.value = "relu"
    z = explorer.plot.curve.get_xdata()
    np.testing.assert_allclose(explorer.plot.curve.get_ydata(), np.maximum(z, 0.0))
    assert explorer.plot.scale.get_clim() == (0.0, neuron.Z_LIMIT)
    assert explorer.live.image.value != before and "relu(z)" in explorer.live.description


def test_explorer_explains_unwritten_or_broken_functions(blobs, capsys):
    X, y = blobs

    def broken(X, W, b):
        return X @ W.T + b  # a shape bug: (N, 2) @ (1, 2) fails

    for dense_forward, activations, expected in [
        (stub, {"sigmoid": sigmoid}, "Write dense_forward and sigmoid above first"),
        (dense, {"sigmoid": stub}, "Write dense_forward and sigmoid above first"),
        (broken, {"sigmoid": sigmoid}, "raised ValueError"),
    ]:
        explorer = neuron.NeuronExplorer(dense_forward, activations, X, y)
        assert expected in explorer.live.description
        assert explorer.live.notice_shown and explorer.live.image.value
        explorer.w1.value = 2.0  # still no traceback when a slider moves
        assert expected in explorer.live.description
    captured = capsys.readouterr()
    assert captured.err == "" and "Traceback" not in captured.out


def test_neuron_explorer_displays_one_explorer(blobs, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    X, y = blobs
    explorer = neuron.neuron_explorer(dense, {"tanh": np.tanh}, X, y)
    assert shown == [explorer.widget] and "course-explorer" in explorer.widget._dom_classes
    labels = [explorer.w1.description, explorer.w2.description, explorer.b.description, explorer.name.description]
    assert labels == ["weight w1", "weight w2", "bias b", "activation"]
    assert all(c.style.description_width == "initial" for c in (explorer.w1, explorer.w2, explorer.b, explorer.name))
