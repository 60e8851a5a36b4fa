"""nbgrader configuration for the course (loaded by nbgrader_config.py).

Run nbgrader from the repository root: the course directory is the current directory,
with source/ (solutions and hidden tests) and release/ (the student versions).
"""
c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "nn-from-scratch"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"

# Stubs students see in place of a solution region.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A cell that runs longer than this is interrupted and scores 0 (an infinite loop must not
# hold up the rest of the class). Every cell of the solutions finishes in a few seconds.
c.ExecutePreprocessor.timeout = 60

# Class grading (`make grade A=...`, course/grading/classgrade.py): each submission's kernel runs in
# a bubblewrap sandbox (no network, nothing of the course but its package, a private /tmp) with
# these limits; kernels run side by side, `workers` at a time (0: one per core). With
# `sandbox = False`, or where bubblewrap cannot run, kernels get the resource limits only, and the
# output and the report say so. `require_sandbox = True` refuses to grade without one.
c.CourseGrader.memory_limit = 2 * 1024**3  # bytes of memory per kernel
c.CourseGrader.notebook_timeout = 600  # seconds per notebook, on top of the per-cell timeout above
c.CourseGrader.workers = 0
c.CourseGrader.sandbox = True
c.CourseGrader.require_sandbox = False

# Hints (course/hints.py): students open them step by step under each exercise, and hints_used.json,
# handed in with the notebook, lists what they opened. The grader reports them per exercise. With a cost,
# each step opened takes this many points from the exercise's test cells (never more than the exercise
# earned), as negative extra credit that the gradebook, the formgrader and `nbgrader export` show.
c.CourseGrader.hint_cost = 0  # points per hint step; 0: hints are free

# A student who deletes a test cell gets it back, run and scored, instead of leaving the
# submission at "needs manual grade".
c.OverwriteCells.add_missing_cells = True

# Students submit the notebook only; data and helpers come from the course package.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store"]

# Where release/fetch/submit/collect exchange files. On one machine (a self-learner, or CI) a
# folder beside this file works; a multi-user hub points this at a folder writable by all.
import os  # noqa: E402

c.Exchange.root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exchange")
