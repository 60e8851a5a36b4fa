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


def test_explorer_moves_its_marks_to_the_students_numbers():
    calls = []
    explorer = loss_explorer.LossExplorer(lambda *a: calls.append("mse") or _mse(*a),
                                          lambda *a: calls.append("bce") or _bce(*a), _sigmoid)
    assert {"mse", "bce"} <= set(calls), "the explorer draws at once, with the student's own functions"
    live, plot = explorer.live, explorer.plot
    background, before = live._background, live.image.value
    explorer.z.value = -6.0
    assert live.image.value != before and live._background is background, "the marks move over a kept background"
    p = 1.0 / (1.0 + math.exp(6.0))
    dots = {key: dot.get_ydata()[0] for key, dot in plot.dots.items()}
    assert all(dot.get_xdata()[0] == -6.0 for dot in plot.dots.values())
    assert dots["mse"] == pytest.approx((p - 1) ** 2, rel=1e-9)
    assert dots["bce"] == pytest.approx(-math.log(p), rel=1e-9)
    assert dots["mse_grad"] == pytest.approx(2 * (p - 1) * p * (1 - p), abs=1e-7)
    assert dots["bce_grad"] == pytest.approx(p - 1, abs=1e-7)
    assert all(mark.get_xdata()[0] == -6.0 for mark in plot.marks)
    assert "logit z = -6.00" in live.description and f"slope {p - 1:+.4f}" in live.description
    assert "cross-entropy pushes harder" in live.description

    before = live.image.value
    explorer.y.value = 0  # the curves flip: y = 0 puts the cross-entropy at -log(1 - p)
    z = plot.lines["bce"].get_xdata()
    q = 1.0 / (1.0 + np.exp(-z))
    np.testing.assert_allclose(plot.lines["bce"].get_ydata(), -np.log(1 - q), rtol=1e-8)
    np.testing.assert_allclose(plot.lines["mse_grad"].get_ydata(), 2 * q * q * (1 - q), atol=1e-7)
    assert live.image.value != before and "Label y = 0" in live.description


def test_explorer_explains_a_stub_or_a_bug(capsys):
    def broken(p, y):
        raise ValueError("operands could not be broadcast together")

    for mse, expected in [(_stub, "Write mse_loss and binary_cross_entropy above first"),
                          (broken, "raised ValueError: operands could not be broadcast")]:
        explorer = loss_explorer.LossExplorer(mse, _bce, _sigmoid)
        assert expected in explorer.live.description and explorer.live.notice_shown
        explorer.z.value = 1.0
        assert expected in explorer.live.description
    captured = capsys.readouterr()
    assert captured.err == "" and "Traceback" not in captured.out


def test_loss_explorer_displays_one_explorer(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    explorer = loss_explorer.loss_explorer(_mse, _bce, _sigmoid)
    assert shown == [explorer.widget] and "course-explorer" in explorer.widget._dom_classes
    assert (explorer.z.description, explorer.y.description) == ("logit z", "label y")
