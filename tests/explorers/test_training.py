"""Unit tests of course.explorers.training: training state, plotting without widgets, and the widget."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.explorers import training as te
from course.data import make_moons, make_spirals


def forward(X, params, activation="relu"):
    """A forward pass written for this test: caches (A_prev, Z) per layer."""
    phi = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh}[activation]
    L = len(params) // 2
    A, cache = X, []
    for l in range(1, L + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((A, Z))
        A = phi(Z) if l < L else Z
    return A, cache


def init(sizes, rng):
    return {k: v for l in range(1, len(sizes)) for k, v in
            ((f"W{l}", rng.uniform(-1, 1, (sizes[l - 1], sizes[l])) / np.sqrt(sizes[l - 1])),
             (f"b{l}", np.zeros(sizes[l])))}


def _log_softmax(scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def exact_loss_and_grads(X, y, params, activation="relu"):
    """A known-good backward pass written for this test (tanh and relu only)."""
    scores, cache = forward(X, params, activation)
    N = len(y)
    log_p = _log_softmax(scores)
    dZ = (np.exp(log_p) - np.eye(scores.shape[1])[y]) / N
    grads = {}
    for l in range(len(cache), 0, -1):
        A_prev, _ = cache[l - 1]
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dZ, dZ.sum(axis=0)
        if l > 1:
            Z_prev = cache[l - 2][1]
            slope = (Z_prev > 0) if activation == "relu" else 1 - np.tanh(Z_prev) ** 2
            dZ = (dZ @ params[f"W{l}"].T) * slope
    return float(-log_p[np.arange(N), y].mean()), grads


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_training_run_learns_and_records_per_layer_gradients(activation):
    X, y = make_moons(100, np.random.default_rng(1))
    run = te.TrainingRun(exact_loss_and_grads, forward, init, X, y, hidden=(8, 8), activation=activation, lr=0.3)
    first = {k: v.copy() for k, v in run.params.items()}
    arrays = {k: id(v) for k, v in run.params.items()}
    run.step(1).step(99)
    assert {k: id(v) for k, v in run.params.items()} == arrays, "steps update the parameter arrays in place"
    assert len(run.losses) == 100 and len(run.grad_norms) == 100
    assert all(len(norms) == 3 for norms in run.grad_norms)
    assert run.losses[-1] < 0.6 * run.losses[0]
    _, grads = exact_loss_and_grads(X, y, first, activation)
    assert run.grad_norms[0][1] == pytest.approx(np.linalg.norm(grads["W2"]))
    run.reset()
    assert run.losses == [] and all(np.array_equal(run.params[k], first[k]) for k in first)


def test_training_run_stops_when_the_loss_blows_up():
    X, y = make_moons(20, np.random.default_rng(2))
    calls = []

    def exploding(X, y, params, activation="relu"):
        calls.append(1)
        return float("inf"), {k: np.ones_like(v) for k, v in params.items()}

    run = te.TrainingRun(exploding, forward, init, X, y, hidden=(4,))
    before = {k: v.copy() for k, v in run.params.items()}
    run.step(10)
    assert len(calls) == 1 and len(run.losses) == 1
    assert all(np.array_equal(run.params[k], before[k]) for k in before)


def test_plot_training_draws_without_widgets():
    X, y = make_spirals(20, 3, np.random.default_rng(3))
    run = te.TrainingRun(exact_loss_and_grads, forward, init, X, y, hidden=(6,), lr=0.5)
    te.plot_training(run)  # before any step
    run.step(5)
    axes = te.plot_training(run)
    assert len(axes) == 3 and len(axes[2].lines) == 2
    np.testing.assert_allclose(axes[1].lines[0].get_ydata(), run.losses)
    assert "after 5 steps" in axes[0].get_title()
    plt.close("all")


def _displayed(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    return shown


def test_explorer_steps_with_the_given_function_and_updates_its_artists(monkeypatch):
    shown = _displayed(monkeypatch)
    X, y = make_moons(30, np.random.default_rng(4))
    explorer = te.training_explorer(exact_loss_and_grads, forward, init, {"moons": (X, y)}, hidden=(5,))
    assert shown == [explorer.widget] and "course-explorer" in explorer.widget._dom_classes
    assert {"step", "10 steps", "100 steps", "reset"} == {b.description for b in explorer.buttons.values()} | {
        explorer.reset.description}
    live, plot = explorer.live, explorer.plot
    assert "no step yet" in live.description
    pictures = [live.image.value]
    explorer.buttons[1].click()
    pictures.append(live.image.value)
    background = live._background
    explorer.buttons[10].click()
    pictures.append(live.image.value)
    run = explorer.run
    assert len(run.losses) == 11 and len(set(pictures)) == 3
    assert live._background is background, "a step within the axes' limits redraws over the kept background"

    # the same 11 steps, taken here with the same start, give the plotted curves
    check = te.TrainingRun(exact_loss_and_grads, forward, init, X, y, hidden=(5,), lr=0.5).step(11)
    np.testing.assert_allclose(plot.loss_line.get_ydata(), check.losses, rtol=1e-10)
    for layer, line in enumerate(plot.grad_lines):
        np.testing.assert_allclose(line.get_ydata(), [norms[layer] for norms in check.grad_norms], rtol=1e-10)
    # the shaded regions: the class the network picks at each grid point
    scores, _ = forward(plot.points, run.params, "relu")
    picked = np.asarray(plot.image.get_array())[..., :3].reshape(-1, 3)
    np.testing.assert_array_equal(picked, plot.lut[scores.argmax(axis=1)][:, :3])
    accuracy = np.mean(forward(X, run.params, "relu")[0].argmax(axis=1) == y)
    assert f"after 11 steps the loss is {check.losses[-1]:.4f}" in live.description
    assert f"accuracy {accuracy:.0%}" in live.description

    before = live.image.value
    explorer.rate.value = 0.1  # takes effect from the next step; the loss panel says so at once
    assert live.image.value != before and plot.ax_loss.get_title() == "loss (learning rate 0.1)"
    explorer.buttons[100].click()
    assert len(run.losses) == 111 and run.lr == pytest.approx(0.1)
    assert plot.ax_loss.get_xlim() == (0, 200), "the step axis grows when the run outgrows it"
    explorer.reset.click()
    assert explorer.run is not run and explorer.run.losses == [] and len(plot.loss_line.get_xdata()) == 0


def test_explorer_survives_unwritten_or_broken_functions(monkeypatch, capsys):
    _displayed(monkeypatch)
    X, y = make_moons(30, np.random.default_rng(5))

    def stub(*args, **kwargs):
        raise NotImplementedError()

    def broken(*args, **kwargs):
        raise KeyError("W1")

    messages = []
    for fn in (stub, broken):
        explorer = te.training_explorer(fn, forward, init, {"moons": (X, y)}, hidden=(5,))
        explorer.buttons[1].click()
        messages.append(explorer.live.description)
        assert explorer.live.notice_shown
    explorer = te.training_explorer(exact_loss_and_grads, forward, stub, {"moons": (X, y)}, hidden=(5,))
    messages.append(explorer.live.description)
    explorer.buttons[1].click()
    plt.close("all")
    captured = capsys.readouterr()
    assert captured.err == "" and "Traceback" not in captured.out
    assert "Write mlp_loss_and_grads" in messages[0] and "raised KeyError" in messages[1]
    assert "Write init_params and mlp_forward" in messages[2]


def test_explorer_stops_on_a_diverging_run(monkeypatch):
    _displayed(monkeypatch)
    X, y = make_moons(30, np.random.default_rng(6))

    def exploding(X, y, params, activation="relu"):
        return float("inf"), {k: np.ones_like(v) for k, v in params.items()}

    explorer = te.training_explorer(exploding, forward, init, {"moons": (X, y)}, hidden=(4,))
    explorer.buttons[10].click()
    assert "learning rate is too large" in explorer.live.description and explorer.live.notice_shown
