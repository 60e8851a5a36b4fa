"""Grading tools for instructors and self-learners: the course layout and its notebooks
(``nbtools``), class autograding (``autograde``) and the integrity scan of submissions
(``integrity``). Run ``python -m course.grading --help``."""
