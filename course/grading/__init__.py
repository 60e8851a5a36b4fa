"""Grading tools for instructors and self-learners: the course layout and its notebooks
(``nbtools``), class grading in sandboxed kernels (``classgrade``, ``sandbox``), the integrity
scan of submissions (``integrity``), feedback and the instructor's report (``feedback``,
``report``), and a self-learner's check (``selfcheck``). Run ``python -m course.grading --help``."""
