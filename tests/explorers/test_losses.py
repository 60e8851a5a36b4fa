"""course.explorers.losses: the curves are right, the plot draws, a stub gets a friendly message."""
from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.explorers import losses as loss_explorer  # noqa: E402


def _mse(y_pred, y_true):
    return float(np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2))


def _bce(p, y):
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def _stub(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("y", [0, 1])
def test_loss_curves_match_the_closed_forms(y):
    z = np.linspace(-7.0, 7.0, 29)
    curves = loss_explorer.loss_curves(_mse, _bce, _sigmoid, z, y)
    p = np.array([1.0 / (1.0 + math.exp(-v)) for v in z])
    assert set(curves) == {"p", "mse", "bce", "mse_grad", "bce_grad"}
    assert all(curves[k].shape == z.shape for k in curves)
    np.testing.assert_allclose(curves["p"], p, rtol=1e-12)
    np.testing.assert_allclose(curves["mse"], (p - y) ** 2, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(curves["bce"], -(y * np.log(p) + (1 - y) * np.log(1 - p)), rtol=1e-10)
    # d/dz (p - y)^2 = 2 (p - y) p (1 - p);  d/dz BCE = p - y
    np.testing.assert_allclose(curves["mse_grad"], 2 * (p - y) * p * (1 - p), atol=1e-8)
    np.testing.assert_allclose(curves["bce_grad"], p - y, atol=1e-8)


def test_plot_loss_comparison_draws_both_panels():
    axes = loss_explorer.plot_loss_comparison(_mse, _bce, _sigmoid, z=-3.0, y=1)
    assert len(axes) == 2
    assert len(axes[0].lines) >= 4 and len(axes[1].lines) >= 4
    assert "label y = 1" in axes[0].get_title()
    plt.close("all")


def test_show_loss_comparison_explains_a_stub(capsys):
    assert loss_explorer.show_loss_comparison(_stub, _bce, _sigmoid, 0.0, 1) is False
    assert "Write mse_loss and binary_cross_entropy" in capsys.readouterr().out
    assert not plt.get_fignums()


def test_show_loss_comparison_draws(capsys):
    assert loss_explorer.show_loss_comparison(_mse, _bce, _sigmoid, 2.0, 0) is True
    plt.close("all")


def test_loss_explorer_builds_its_widgets():
    pytest.importorskip("ipywidgets")
    calls = []
    loss_explorer.loss_explorer(lambda *a: calls.append("mse") or _mse(*a), lambda *a: calls.append("bce") or _bce(*a),
                                _sigmoid)
    plt.close("all")
    assert {"mse", "bce"} <= set(calls), "the explorer draws at once, with the student's own functions"
