"""release/ is exactly what `nbgrader generate_assignment` makes from source/."""
from __future__ import annotations

import filecmp
import json

import pytest

from course.grading import nbtools
from conftest import ASSIGNMENTS


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_matches_generated(generated_course, assignment):
    made = generated_course / "release" / assignment
    committed = nbtools.RELEASE / assignment
    assert committed.is_dir(), f"release/{assignment} is missing: run `make release`"
    assert _files(made) == _files(committed), f"release/{assignment}: files differ from nbgrader's output; run `make release`"
    for rel in _files(made):
        if rel.endswith(".ipynb"):
            ours, theirs = nbtools.read(committed / rel), nbtools.read(made / rel)
            assert json.dumps(ours, sort_keys=True) == json.dumps(theirs, sort_keys=True), (
                f"release/{assignment}/{rel} is out of date with source/: run `make release` (never edit release/ by hand)")
        else:
            assert filecmp.cmp(made / rel, committed / rel, shallow=False), f"release/{assignment}/{rel} differs"
