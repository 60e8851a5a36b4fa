"""Unit tests of course.data: the data sets the notebooks use."""
from __future__ import annotations

import numpy as np
import pytest

from course import data


@pytest.mark.parametrize("maker,args,classes", [
    (data.make_blobs, (30,), 2), (data.make_xor, (10,), 2), (data.make_moons, (41,), 2),
    (data.make_spirals, (25, 3), 3)])
def test_data_generators_are_seeded_and_shaped(maker, args, classes):
    X1, y1 = maker(*args, np.random.default_rng(5))
    X2, y2 = maker(*args, np.random.default_rng(5))
    np.testing.assert_array_equal(X1, X2)
    assert X1.ndim == 2 and X1.shape[1] == 2 and X1.dtype == np.float64
    assert y1.shape == (X1.shape[0],) and np.issubdtype(y1.dtype, np.integer)
    assert set(np.unique(y1)) == set(range(classes))


def test_xor_labels_follow_the_corners():
    X, y = data.make_xor(50, np.random.default_rng(0), std=0.05)
    np.testing.assert_array_equal(y, (np.round(X[:, 0]) != np.round(X[:, 1])).astype(int))


def test_digits_file_is_the_shipped_one_with_its_split():
    import hashlib

    digest = hashlib.sha256(data.DIGITS_FILE.read_bytes()).hexdigest()
    assert digest == "2202b87f30d989b4d9ff4ea48078212d45e7f3ebfe1bd9522401ffef1cfef74f", "optdigits.npz changed"
    assert (data.DIGITS_FILE.parent / "README.md").read_text().count("CC BY 4.0") >= 1
    X, y = data.load_digits("all")
    assert X.shape == (1797, 64) and y.shape == (1797,) and X.dtype == np.float64 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    # the UCI test set's class counts
    np.testing.assert_array_equal(np.bincount(y), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    X_train, y_train = data.load_digits("train")
    X_test, y_test = data.load_digits("test")
    assert len(y_train) == 1438 and len(y_test) == 359
    np.testing.assert_array_equal(np.bincount(y_test), [36, 36, 35, 37, 36, 36, 36, 36, 35, 36])
    # the split partitions the data: every image is in exactly one part
    rows = {r.tobytes() for r in X_train} & {r.tobytes() for r in X_test}
    assert not rows, "train and test share an image"
    # the first image is the familiar 0 (the scikit-learn copy's first row)
    assert y[0] == 0 and X[0, :8].tolist() == [0.0, 0.0, 5 / 16, 13 / 16, 9 / 16, 1 / 16, 0.0, 0.0]
    with pytest.raises(ValueError, match="split"):
        data.load_digits("validation")
