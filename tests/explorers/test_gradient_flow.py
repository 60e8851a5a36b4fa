"""Unit tests of course.explorers.gradient_flow: what it draws, whose code it runs, and the widget."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.explorers import gradient_flow as gf  # noqa: E402

# Pieces written for this test (the package has none): a forward pass caching (A_prev, Z), its
# backward pass, an initialiser and a norm. Each call is counted, to show the explorer runs them.
CALLS: dict[str, int] = {}
PHI = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "sigmoid": lambda z: 0.5 * (1 + np.tanh(z / 2))}
DPHI = {"relu": lambda z: (z > 0) * 1.0, "tanh": lambda z: 1 - np.tanh(z) ** 2,
        "sigmoid": lambda z: PHI["sigmoid"](z) * (1 - PHI["sigmoid"](z))}


def _count(name):
    CALLS[name] = CALLS.get(name, 0) + 1


def forward(X, params, activation="relu"):
    _count("forward")
    L = len(params) // 2
    A, cache = X, []
    for l in range(1, L + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((A, Z))
        A = PHI[activation](Z) if l < L else Z
    return A, cache


def loss_and_grads(X, y, params, activation="relu"):
    _count("loss_and_grads")
    scores, cache = forward(X, params, activation)
    P = np.exp(scores - scores.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    dZ = (P - np.eye(P.shape[1])[y]) / len(y)
    grads = {}
    for l in range(len(cache), 0, -1):
        grads[f"W{l}"], grads[f"b{l}"] = cache[l - 1][0].T @ dZ, dZ.sum(axis=0)
        if l > 1:
            dZ = dZ @ params[f"W{l}"].T * DPHI[activation](cache[l - 2][1])
    return float(-np.log(P[np.arange(len(y)), y]).mean()), grads


def init(sizes, rng, method="he"):
    _count("init")
    std = {"he": lambda i, o: np.sqrt(2 / i), "xavier": lambda i, o: np.sqrt(2 / (i + o)),
           "small": lambda i, o: 0.01}[method]
    return {k: v for l in range(1, len(sizes)) for k, v in
            ((f"W{l}", rng.normal(0, std(sizes[l - 1], sizes[l]), (sizes[l - 1], sizes[l]))),
             (f"b{l}", np.zeros(sizes[l])))}


def norms(grads):
    _count("norms")
    return [float(np.linalg.norm(grads[f"W{l}"])) for l in range(1, len(grads) // 2 + 1)]


@pytest.fixture
def data():
    CALLS.clear()
    rng = np.random.default_rng(0)
    yield rng.normal(size=(64, 12)), rng.integers(0, 4, size=64)
    plt.close("all")


def test_plot_draws_the_students_norms_and_histograms(data):
    X, y = data
    plot = gf.plot_gradient_flow(init, norms, loss_and_grads, forward, X, y, depth=7, activation="tanh",
                                 method="xavier", width=16)
    assert CALLS["init"] == 1 and CALLS["norms"] == 1 and CALLS["loss_and_grads"] == 1
    params = init([12] + [16] * 6 + [4], np.random.default_rng(0), "xavier")
    expected = norms(loss_and_grads(X, y, params, "tanh")[1])
    xs, ys = plot.norm_line.get_data()
    assert list(xs) == list(range(1, 8)) and np.allclose(ys, expected)
    assert plot.ax_norm.get_yscale() == "log"
    assert plot.ax_norm.get_xlabel() and plot.ax_norm.get_ylabel() and plot.ax_norm.get_title()
    # first, middle and last of the 6 hidden layers, each histogram a distribution over [-1, 1]
    assert plot.shown_layers == [1, 3, 6]
    assert [t.get_text() for t in plot.legend.get_texts()] == ["first hidden layer", "middle hidden layer",
                                                               "last hidden layer"]
    hidden = forward(X, params, "tanh")[1]
    for stairs, layer in zip(plot.histograms, (1, 3, 6)):
        values, edges = stairs.get_data().values, stairs.get_data().edges
        assert edges[0] == -1 and edges[-1] == 1 and values.sum() == pytest.approx(1.0)
        counts, _ = np.histogram(hidden[layer][0], bins=edges)
        assert np.allclose(values, counts / hidden[layer][0].size)


def test_update_changes_the_existing_artists_only(data):
    X, y = data
    plot = gf.GradientFlowPlot(init, norms, loss_and_grads, forward, X, y, width=16, max_depth=12)
    plot.update(4, "relu", "he")
    artists = (plot.norm_line, *plot.histograms, plot.figure, plot.ax_norm, plot.ax_hist)
    n_lines, n_patches = len(plot.ax_norm.lines), len(plot.ax_hist.patches)
    assert plot.update(11, "sigmoid", "small")
    assert (plot.norm_line, *plot.histograms, plot.figure, plot.ax_norm, plot.ax_hist) == artists
    assert len(plot.ax_norm.lines) == n_lines and len(plot.ax_hist.patches) == n_patches
    assert len(plot.norm_line.get_xdata()) == 11 and plot.norms == pytest.approx(plot.norm_line.get_ydata())
    assert plot.histograms[0].get_data().edges[-1] == 1.0  # sigmoid's range now
    assert CALLS["init"] == 2 and CALLS["norms"] == 2


def test_a_stub_gives_a_message_not_a_traceback(data, capsys):
    X, y = data

    def stub(*args, **kwargs):
        raise NotImplementedError()

    plot = gf.plot_gradient_flow(stub, norms, loss_and_grads, forward, X, y, depth=5)
    assert "Write init_mlp" in capsys.readouterr().out
    assert plot.note.get_visible() and not plot.norm_line.get_visible()
    plot = gf.plot_gradient_flow(init, lambda g: [][1], loss_and_grads, forward, X, y, depth=5)
    assert "IndexError" in capsys.readouterr().out
    # once the code is fixed, the same plot draws again
    plot.gradient_norms = norms
    assert plot.update(5, "tanh", "he") and not plot.note.get_visible()


def test_explorer_redraws_on_every_control(data, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    X, y = data
    plot = gf.gradient_flow_explorer(init, norms, loss_and_grads, forward, X, y, depth=6, width=16)
    assert len(shown) == 1 and "course-explorer" in shown[0]._dom_classes
    live, controls = plot.live, plot.controls
    assert [controls[k].description for k in ("depth", "activation", "init")] == ["depth (layers)", "activation",
                                                                                  "initialisation"]
    assert all(c.style.description_width == "initial" for c in controls.values())  # labels never cut
    line, before = plot.norm_line, live.image.value
    controls["depth"].value = 9
    assert live.image.value != before and plot.norm_line is line
    params = init([12] + [16] * 8 + [4], np.random.default_rng(0), "small")
    expected = norms(loss_and_grads(X, y, params, "sigmoid")[1])
    assert np.allclose(plot.norm_line.get_ydata(), expected) and len(plot.norm_line.get_xdata()) == 9
    low, high = plot.ax_norm.get_ylim()
    assert low <= min(expected) and max(expected) <= high  # every point is inside the axis
    assert (f"gradient norm is {expected[-1]:.1e} at layer 9 (the output) and {expected[0]:.1e} at layer 1"
            in live.description)
    hidden = forward(X, params, "sigmoid")[1]
    assert f"{np.std(hidden[1][0]):.2g} in layer 1" in live.description
    before = live.image.value
    controls["activation"].value = "relu"
    controls["init"].value = "he"
    assert live.image.value != before and "9-layer relu network with he initialisation" in live.description
    assert plot.norm_line is line and CALLS["init"] == 5  # 4 settings shown, and one init of this test's own
    assert plot.histograms[0].get_data().edges[-1] == gf.RANGES["relu"][1]


def test_explorer_explains_unwritten_code_in_its_caption(data, monkeypatch, capsys):
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: None)
    X, y = data

    def stub(*args, **kwargs):
        raise NotImplementedError()

    plot = gf.gradient_flow_explorer(stub, norms, loss_and_grads, forward, X, y, depth=6, width=16)
    assert "Write init_mlp" in plot.live.description and plot.note.get_visible()
    plot.controls["depth"].value = 8  # still a message, no traceback
    assert "Write init_mlp" in plot.live.description
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_log_limits_hold_until_the_data_need_new_ones():
    current = (1e-6, 1e2)
    assert gf._log_limits(current, np.array([1e-5, 1e-1])) == current
    low, high = gf._log_limits(current, np.array([1e-9, 1e-1]))  # outgrown: whole decades, room to spare
    assert low <= 1e-9 and high >= 1e-1 and np.log10(low) % 2 == 0 and np.log10(high) % 2 == 0
    low, high = gf._log_limits((1e-30, 1e2), np.array([0.1, 1.0]))  # data in a sliver of the axis: zoom in
    assert 1e-3 <= low <= 0.1 and 1.0 <= high <= 1e2
