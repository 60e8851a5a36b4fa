"""Shared fixtures: the course layout, and real nbgrader run in a temporary course."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.grading import nbtools

ROOT = nbtools.ROOT
BIN = Path(sys.executable).parent
# COURSE_ASSIGNMENTS=02_loss_functions,03_chain_rule narrows a development run; CI runs them all.
_CHOSEN = os.environ.get("COURSE_ASSIGNMENTS", "").split(",")
ASSIGNMENTS = [a for a in nbtools.assignments() if _CHOSEN == [""] or a in _CHOSEN]
GRADED = [a for a in nbtools.graded_assignments() if a in ASSIGNMENTS]


def tool_env() -> dict:
    """The environment for Jupyter tools: this venv first on PATH (nbgrader runs `alembic`)."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("MPLBACKEND", "Agg")
    # Two courses are graded side by side on two cores: one BLAS thread per kernel, not two each.
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def run_tool(args: list[str], cwd: Path, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run a Jupyter/nbgrader command from this environment and capture its output."""
    proc = subprocess.run([str(BIN / args[0]), *args[1:]], cwd=cwd, env=tool_env(), capture_output=True,
                          text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}\n"
                             f"--- stderr\n{proc.stderr[-6000:]}")
    return proc


def make_course(path: Path) -> Path:
    """A fresh nbgrader course directory holding a copy of source/ and the course config."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "source", path / "source", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name in ("grader_config.py", "nbgrader_config.py"):
        shutil.copy(ROOT / name, path / name)
    return path


@pytest.fixture(scope="session")
def generated_course(tmp_path_factory) -> Path:
    """A temporary course in which nbgrader has generated every assignment from source/."""
    course = make_course(tmp_path_factory.mktemp("course"))
    for assignment in ASSIGNMENTS:
        run_tool(["nbgrader", "generate_assignment", assignment, "--force"], cwd=course)
    return course
