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
