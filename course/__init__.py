"""Helpers for the course notebooks.

``from course import check_my_work`` (the notebooks' last cell) grades the saved notebook with the
full tests; see :mod:`course.grading.in_notebook`. It is loaded only when asked for."""


def __getattr__(name):
    if name == "check_my_work":
        from .grading.in_notebook import check_my_work

        return check_my_work
    raise AttributeError(f"module 'course' has no attribute {name!r}")
