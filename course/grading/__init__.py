"""Grading tools for instructors and self-learners: the course layout and its notebooks
(``nbtools``), class grading in sandboxed kernels (``classgrade``, ``sandbox``), the integrity
scan of submissions (``integrity``), feedback and the instructor's report (``feedback``,
``report``), and a self-learner's check (``selfcheck``; from a notebook's last cell,
``check_my_work()`` in ``in_notebook``). Run ``python -m course.grading --help``."""
from .in_notebook import check_my_work

__all__ = ["check_my_work"]
