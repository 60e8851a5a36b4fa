"""Unit tests of course.grading.nbtools: the course layout and its notebooks."""
from __future__ import annotations

import pytest

from course.grading import nbtools


def test_fill_solutions_takes_answers_by_grade_id():
    source = nbtools.read(nbtools.notebook_path("01_forward_pass"))
    release = nbtools.read(nbtools.notebook_path("01_forward_pass", nbtools.RELEASE))
    filled = nbtools.fill_solutions(release, source, {"relu": "def relu(z):\n    return z\n"})
    cells = nbtools.cells_by_grade_id(filled)
    assert nbtools.source_text(cells["relu"]) == "def relu(z):\n    return z\n"
    assert "BEGIN SOLUTION" in nbtools.source_text(cells["sigmoid"])
    with pytest.raises(KeyError):
        nbtools.fill_solutions(release, source, {"no_such_cell": ""})

