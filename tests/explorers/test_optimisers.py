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


class Counted(PlainSGD):
    """PlainSGD that counts its steps, to see which runs the race repeats."""
    steps = 0

    def step(self, params, grads):
        Counted.steps += 1
        super().step(params, grads)


class HeavyBall:
    """Momentum as in notebook 05, written for this test: v <- beta v + g, p <- p - lr v."""

    def __init__(self, lr, beta=0.9):
        self.lr, self.beta, self.v = lr, beta, {}

    def step(self, params, grads):
        for name, g in grads.items():
            self.v[name] = self.beta * self.v.get(name, 0.0) + g
            params[name] -= self.lr * self.v[name]


def by_hand(surface, start, steps, update):
    """An independent run: ``update(xy, g)`` returns the next point; stops like run_optimiser."""
    xy, path = np.array(start, dtype=float), [np.array(start, dtype=float)]
    for _ in range(steps):
        xy = update(xy, surface.grad(xy))
        path.append(xy.copy())
        if not np.all(np.abs(xy) <= 1e6):
            break
    return np.array(path)


@pytest.fixture
def race(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    Counted.steps = 0
    plot = ox.optimiser_race({"SGD": Counted, "Momentum": HeavyBall, "RMSProp": Unwritten, "Adam": Unwritten}, steps=40)
    yield plot, shown
    plt.close("all")


def test_the_race_draws_the_students_runs(race):
    plot, shown = race
    assert shown == [shown[0]] and "course-explorer" in shown[0]._dom_classes
    live, c = plot.live, plot.controls
    s = ox.QUADRATIC
    sgd = by_hand(s, s.start, 40, lambda xy, g: xy - s.lr * g)
    np.testing.assert_allclose(np.column_stack(plot.paths["SGD"].get_data()), sgd, rtol=1e-12)
    np.testing.assert_allclose(plot.curves["SGD"].get_ydata(), np.maximum(s.f(sgd), 1e-20), rtol=1e-12)
    np.testing.assert_allclose(np.column_stack(plot.ends["SGD"].get_data()), sgd[-1:])
    assert not plot.paths["Adam"].get_visible() and not plot.curves["RMSProp"].get_visible()
    assert [t.get_text() for t in plot.legend.get_texts()][2:4] == ["RMSProp: not written yet",
                                                                    "Adam: not written yet"]
    assert f"SGD ends at loss {s.f(sgd[-1]):.1e}" in live.description
    assert "RMSProp and Adam are not written yet" in live.description
    assert not live.notice_shown  # two of four run: the caption says why the others sit out

    # moving Momentum's beta reruns Momentum only, and redraws the same lines with the new numbers
    before, lines, sgd_steps = live.image.value, dict(plot.paths), Counted.steps
    c["beta"].value = 0.5
    assert live.image.value != before and plot.paths == lines and Counted.steps == sgd_steps
    v = [np.zeros(2)]

    def heavy_ball(xy, g):
        v[0] = 0.5 * v[0] + g
        return xy - s.lr * v[0]
    np.testing.assert_allclose(np.column_stack(plot.paths["Momentum"].get_data()),
                               by_hand(s, s.start, 40, heavy_ball), rtol=1e-12)

    # fewer steps: cut from the runs already made; more: continued from step 40, not run again
    c["steps"].value = 20
    assert Counted.steps == sgd_steps and len(plot.paths["SGD"].get_xdata()) == 21
    c["steps"].value = 60
    assert Counted.steps == sgd_steps + 20
    np.testing.assert_allclose(np.column_stack(plot.paths["SGD"].get_data()),
                               by_hand(s, s.start, 60, lambda xy, g: xy - s.lr * g), rtol=1e-12)
    c["steps"].value = 20
    # a new start: everything runs again
    c["x0"].value = 2.0
    np.testing.assert_allclose(np.column_stack(plot.paths["SGD"].get_data()),
                               by_hand(s, (2.0, s.start[1]), 20, lambda xy, g: xy - s.lr * g), rtol=1e-12)
    assert "from (2.00, 1.50), 20 steps" in live.description


def test_a_diverging_run_and_a_new_surface(race):
    plot, _ = race
    live, c = plot.live, plot.controls
    c["lr"].value = 0.1  # SGD on the quadratic diverges for lr > 2 / 25
    texts = [t.get_text() for t in plot.legend.get_texts()]
    assert texts[0] == "SGD (diverged)" and "SGD diverged after" in live.description
    # the blow-up runs off the top of the loss axis, which stops at 1000 x the surface's largest value shown
    assert plot.curves["SGD"].get_ydata().max() > plot.ax_loss.get_ylim()[1] >= 1e3 * ox.QUADRATIC.f(np.array([5.0, 2.0]))
    redraws = live.redraws
    c["surface"].value = "Rosenbrock"
    assert live.redraws == redraws + 1, "one redraw for the whole change of surface"
    assert plot.ax_path.get_xlim() == ox.ROSENBROCK.xlim and "Rosenbrock" in plot.ax_path.get_title()
    assert (c["x0"].value, c["y0"].value, c["lr"].value) == (*ox.ROSENBROCK.start, ox.ROSENBROCK.lr)
    assert "Rosenbrock from (-1.20, 1.00)" in live.description
    np.testing.assert_array_equal(plot.minimum.get_xydata(), [ox.ROSENBROCK.minimum])


def test_the_race_survives_unwritten_and_broken_optimisers(monkeypatch, capsys):
    import IPython.display

    class Broken(HeavyBall):
        def step(self, params, grads):
            raise ValueError("shapes (2,) and (3,) not aligned")

    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: None)
    plot = ox.optimiser_race({"SGD": Unwritten, "Momentum": Unwritten, "RMSProp": Unwritten, "Adam": Unwritten},
                             steps=20)
    assert plot.live.notice_shown and "Write SGD, Momentum, RMSProp and Adam above first" in plot.live.description
    plot = ox.optimiser_race({"SGD": PlainSGD, "Momentum": Broken}, steps=20)
    assert "Momentum raised ValueError: shapes (2,) and (3,) not aligned" in plot.live.description
    assert not plot.live.notice_shown and plot.paths["SGD"].get_visible()
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    plt.close("all")


def test_race_controls_have_whole_readable_labels(race):
    plot, _ = race
    for control in plot.controls.values():
        # a fixed label column wide enough for the longest description, "lr (RMSProp, Adam)"
        assert control.style.description_width == "150px", control.description
    assert plot.controls["lr_adaptive"].description == "lr (RMSProp, Adam)"
    assert plot.controls["beta"].description == "β (Momentum)"
