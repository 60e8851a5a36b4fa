"""Unit tests of course.explorers.digits: the capstone's figures, fed with functions written here."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.data import load_digits  # noqa: E402
from course.explorers import digits as dg  # noqa: E402


# A forward pass, loss and predict written for these tests (the notebook passes the student's own).
def forward(X, params, activation="relu"):
    Z = X @ params["W1"] + params["b1"]
    return Z, [(X, Z)]


def loss(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    return float(np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(y)), y]))


def predict(params, X):
    return np.argmax(forward(X, params)[0], axis=1)


@pytest.fixture
def data():
    X, y = load_digits("train")
    return X[:200], y[:200], X[200:300], y[200:300]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_learning_curves_record_what_the_given_functions_compute(data):
    X, y, Xv, yv = data
    curves = dg.LearningCurves(forward, loss, predict, X, y, Xv, yv, epochs=2, live=False)
    params = {"W1": np.random.default_rng(0).normal(size=(64, 10)), "b1": np.zeros(10)}
    curves(1, params)
    params["W1"] *= 0.5
    curves(2, params)
    assert curves.epoch == [1, 2]
    assert curves.train_loss[1] == pytest.approx(loss(forward(X, params)[0], y))
    assert curves.val_accuracy[1] == pytest.approx(np.mean(predict(params, Xv) == yv))
    assert curves.best_epoch == 1 + int(np.argmin(curves.val_loss))
    fig = curves.finish()
    ax_loss, ax_acc = fig.axes
    assert ax_loss.get_title() == "Loss, epoch 2/2" and ax_loss.get_xlabel() == "epoch" and ax_acc.get_ylabel() == "accuracy"
    line = curves.lines[("loss", "validation")]
    assert list(line.get_xdata()) == [1, 2] and list(line.get_ydata()) == curves.val_loss
    assert {ln.get_color() for ln in ax_loss.lines} == {dg.OKABE_ITO["blue"], dg.OKABE_ITO["orange"]}


def test_learning_curves_update_one_display_in_place(data, monkeypatch):
    """In a notebook the figure is shown once and updated through its display handle."""
    import IPython
    import IPython.display

    class Handle:
        updates = 0

        def update(self, obj):
            Handle.updates += 1

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda obj, display_id=False: shown.append(obj) or Handle())
    X, y, Xv, yv = data
    curves = dg.LearningCurves(forward, loss, predict, X, y, Xv, yv, epochs=3, every=0.0)
    params = {"W1": np.zeros((64, 10)), "b1": np.zeros(10)}
    for epoch in (1, 2, 3):
        curves(epoch, params)
    assert len(shown) == 1 and shown[0] is curves.fig and Handle.updates == 3


def test_confusion_counts_by_hand():
    counts = dg.confusion_counts([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], n_classes=3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert counts.dtype == np.int64
    with pytest.raises(ValueError):
        dg.confusion_counts(np.zeros((2, 10)), [0, 1])


def test_plot_confusion_labels_and_counts():
    y = np.repeat(np.arange(10), 5)
    pred = y.copy()
    pred[:3] = 8
    ax = dg.plot_confusion(y, pred)
    assert ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit" and ax.get_title()
    written = {t.get_text() for t in ax.texts}
    assert {"2", "3", "5"} <= written   # two 0s right, three 0s taken for 8, five right elsewhere


def test_plot_misclassified_captions_true_and_predicted():
    X, y = load_digits("test")
    pred = y.copy()
    pred[[3, 10]] = (y[[3, 10]] + 1) % 10
    fig = dg.plot_misclassified(X, y, pred)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [f"{y[3]} → {pred[3]}", f"{y[10]} → {pred[10]}"]
    assert "2 misclassified" in fig._suptitle.get_text()
    assert dg.plot_misclassified(X, y, y).axes[0].get_title() == "No misclassified images"


def test_run_study_passes_settings_and_records_failures(data):
    X, y, Xv, yv = data
    calls = []

    def train(X_fit, y_fit, rng, scale=1.0, epochs=1):
        calls.append((scale, epochs, rng.integers(1000)))
        if scale < 0:
            raise ValueError("negative scale")
        return {"W1": scale * np.linalg.lstsq(X_fit, np.eye(10)[y_fit], rcond=None)[0], "b1": np.zeros(10)}

    results = dg.run_study(train, predict, X, y, Xv, yv, {"scale": {"1": {"scale": 1.0}, "-1": {"scale": -1.0}}},
                           base={"epochs": 3}, seed=4)
    (ok, failed), = results.values()
    assert ok[0] == "1" and 0.5 < ok[1] <= 1.0 and ok[3] is None
    assert failed[0] == "-1" and np.isnan(failed[1]) and "negative scale" in failed[3]
    assert [c[:2] for c in calls] == [(1.0, 3), (-1.0, 3)] and calls[0][2] == calls[1][2]   # same seed each run
    axes = dg.plot_study(results)
    assert axes[0].get_ylabel() == "validation accuracy" and axes[0].get_xlabel() == "scale"
    assert [t.get_text() for t in axes[0].texts] == [f"{ok[1]:.3f}", "failed"]


def test_digit_view_redraws_the_same_artists():
    X, y = load_digits("test")
    p = np.full((len(y), 10), 0.05)
    p[np.arange(len(y)), y] = 0.55
    p[1] = np.roll(p[1], 1)   # image 1 predicted wrongly
    view = dg.DigitView(p, X, y)
    image, bars = view.image, list(view.bars)
    view.show(1)
    assert view.image is image and list(view.bars) == bars
    assert np.array_equal(view.image.get_array(), X[1].reshape(8, 8))
    assert bars[int(y[1])].get_height() == pytest.approx(0.05)
    assert "wrong" in view.ax_image.get_title()
    assert matplotlib.colors.to_hex(bars[int(y[1])].get_facecolor()) == dg.OKABE_ITO["green"].lower()


@pytest.fixture
def explorer(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    X, y = load_digits("test")
    p = np.full((len(y), 10), 0.02)
    p[np.arange(len(y)), y] = 0.82
    wrong = np.arange(5, len(y), 40)       # these images are predicted as the next digit
    p[wrong] = np.roll(p[wrong], 1, axis=1)
    return dg.digit_explorer(lambda images: p[: len(images)], X, y), shown, X, y, p, wrong


def test_digit_explorer_moves_through_the_images(explorer):
    view, shown, X, y, p, wrong = explorer
    assert shown == [shown[0]] and "course-explorer" in shown[0]._dom_classes
    live, slider, only_wrong = view.live, view.controls["image"], view.controls["mistakes"]
    assert slider.max == len(y) - 1 and only_wrong.description == f"only the {len(wrong)} mistakes"
    image, bars, before = view.image, list(view.bars), live.image.value
    slider.value = 7
    assert live.image.value != before and view.image is image and list(view.bars) == bars
    np.testing.assert_array_equal(view.image.get_array(), X[7].reshape(8, 8))
    np.testing.assert_allclose([bar.get_height() for bar in bars], p[7])
    assert f"Test image 7 of {len(y)}, a handwritten {y[7]}" in live.description
    assert f"predicts {y[7]} with probability 0.82 (right)" in live.description

    only_wrong.value = True              # the slider now steps through the mistakes
    assert slider.max == len(wrong) - 1 and slider.value == 0
    slider.value = 2
    index = wrong[2]
    np.testing.assert_array_equal(view.image.get_array(), X[index].reshape(8, 8))
    guess = (y[index] + 1) % 10
    assert matplotlib.colors.to_hex(bars[guess].get_facecolor()) == dg.OKABE_ITO["vermillion"].lower()
    assert f"image {index}: true {y[index]}, predicted {guess} (wrong)" == view.ax_image.get_title()
    assert f"Showing mistake 3 of {len(wrong)}" in live.description


def test_digit_explorer_explains_unwritten_functions(monkeypatch, capsys):
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: None)
    X, y = load_digits("test")

    def stub(images):
        raise NotImplementedError()

    view = dg.digit_explorer(stub, X, y)
    assert view.live.notice_shown and "Write softmax, mlp_forward and train_digits_classifier" in view.live.description
    view.controls["image"].value = 3      # the images still move, the message stays
    assert "Write softmax" in view.live.description and view.controls["mistakes"].disabled
    view = dg.digit_explorer(lambda images: undefined_name, X, y)  # noqa: F821 (a cell not run yet)
    assert view.live.description.startswith("name 'undefined_name' is not defined: run the cells above first")
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_show_digits_shows_images_with_captions():
    X, y = load_digits("train")
    fig = dg.show_digits(X[:12], y[:12], ncols=6, title="twelve")
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 12 and shown[0].get_title() == str(y[0]) and fig._suptitle.get_text() == "twelve"
