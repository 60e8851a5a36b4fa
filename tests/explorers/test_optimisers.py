"""Unit tests of course/optimiser_explorer.py: surfaces, runs, plots and the race widget."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.explorers import optimisers as ox


class PlainSGD:
    """A test-local optimiser with the notebook's interface."""

    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        for name, g in grads.items():
            params[name] -= self.lr * g


class Unwritten:
    def __init__(self, lr, **hyper):
        raise NotImplementedError()


@pytest.mark.parametrize("surface", [ox.QUADRATIC, ox.ROSENBROCK])
def test_surface_gradients_match_central_differences(surface):
    rng = np.random.default_rng(0)
    for _ in range(5):
        xy = rng.uniform([surface.xlim[0], surface.ylim[0]], [surface.xlim[1], surface.ylim[1]])
        numeric = np.array([(surface.f(xy + h) - surface.f(xy - h)) / 2e-6 for h in np.eye(2) * 1e-6])
        np.testing.assert_allclose(surface.grad(xy), numeric, rtol=1e-6, atol=1e-6)
    assert surface.f(np.array(surface.minimum)) == 0.0
    np.testing.assert_array_equal(surface.grad(np.array(surface.minimum)), [0.0, 0.0])
    grid = np.zeros((3, 4, 2))
    assert surface.f(grid).shape == (3, 4)


def test_run_optimiser_records_the_path_and_stops_on_divergence(recwarn):
    path, losses = ox.run_optimiser(PlainSGD(0.01), ox.QUADRATIC, (1.0, 1.0), steps=10)
    assert path.shape == (11, 2) and losses.shape == (11,)
    np.testing.assert_allclose(path[1], [0.99, 0.75])  # x - 0.01 * x, y - 0.01 * 25 y
    assert np.all(np.diff(losses) < 0)
    path, losses = ox.run_optimiser(PlainSGD(0.1), ox.QUADRATIC, (1.0, 1.0), steps=500)  # |1 - 2.5| > 1
    assert len(path) < 501 and np.abs(path[-1]).max() > 1e6
    path, _ = ox.run_optimiser(PlainSGD(0.01), ox.ROSENBROCK, (-1.5, 2.5), steps=200)  # blows up on Rosenbrock
    assert len(path) <= 201
    assert not recwarn.list


def test_run_optimiser_copes_with_an_optimiser_that_replaces_params():
    class Replacer(PlainSGD):
        def step(self, params, grads):
            for name, g in grads.items():
                params[name] = params[name] - self.lr * g
    path, _ = ox.run_optimiser(Replacer(0.01), ox.QUADRATIC, (1.0, 1.0), steps=3)
    np.testing.assert_allclose(path[1], [0.99, 0.75])


def test_build_optimiser_uses_the_contract_signatures():
    calls = []

    def recorder(*args, **kwargs):
        calls.append((args, kwargs))

    for name in ("SGD", "Momentum", "RMSProp", "Adam"):
        ox.build_optimiser(name, recorder, 0.1, beta=0.8, alpha=0.95, beta1=0.7, beta2=0.99)
    assert calls == [((0.1,), {}), ((0.1,), {"beta": 0.8}), ((0.1,), {"alpha": 0.95}),
                     ((0.1,), {"beta1": 0.7, "beta2": 0.99})]
    with pytest.raises(ValueError):
        ox.build_optimiser("Adagrad", recorder, 0.1)


def test_plot_race_draws_paths_and_loss_curves():
    runs = {"SGD lr=0.001": ox.run_optimiser(PlainSGD(0.001), ox.ROSENBROCK, (-1.2, 1.0), 50),
            "SGD lr=0.1": ox.run_optimiser(PlainSGD(0.1), ox.QUADRATIC, (1.0, 1.0), 50)}
    ax_path, ax_loss = ox.plot_race(runs, ox.ROSENBROCK, colors={"SGD lr=0.001": "red"})
    assert len(ax_loss.get_lines()) == 2
    labels = [t.get_text() for t in ax_path.get_legend().get_texts()]
    assert "SGD lr=0.1 (diverged)" in labels and "SGD lr=0.001" in labels
    assert ax_path.get_xlim() == ox.ROSENBROCK.xlim
    plt.close("all")


def test_optimiser_race_runs_students_classes_and_survives_unwritten_ones(capsys):
    ox.optimiser_race({"SGD": PlainSGD, "Momentum": Unwritten, "RMSProp": Unwritten, "Adam": Unwritten}, steps=20)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "Momentum: not written yet" in captured.out
    plt.close("all")
