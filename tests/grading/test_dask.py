"""Grading on a Dask cluster (``--dask``, the `dask` extra): a real local cluster of two worker
processes runs the kernels; the grading command alone writes the gradebook.

The class (the solution, the untouched release, a wrong relu) must get the same scores as when it
is graded on this machine (tests/grading/test_postgres.py and test_exchange.py hold local runs to
the same reference), and every kernel must have run on a Dask worker, once per student.
"""
from __future__ import annotations

import json

import pytest

import classroom
from conftest import make_course, run_tool
from course.grading import sandbox

A = "01_forward_pass"
PLUGIN = "course-count-jobs"


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster, WorkerPlugin

    class CountJobs(WorkerPlugin):
        """Remembers every task that finished on its worker (defined here, so that it is sent to
        the workers by value and they need not import this test module)."""
        name = PLUGIN

        def setup(self, worker):
            self.finished = []

        def transition(self, key, start, finish, **kwargs):
            if finish == "memory":
                self.finished.append(str(key))

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local, Client(local) as client:
        client.register_plugin(CountJobs())
        yield local, client


def test_a_class_graded_on_a_dask_cluster(cluster, tmp_path):
    local, client = cluster
    course = make_course(tmp_path / "course")
    expected = classroom.submit_locally(course, A)
    proc = run_tool(["python", "-m", "course.grading", "grade", A, "--no-report", "--no-feedback",
                     "--dask", local.scheduler_address], cwd=course)

    book = classroom.gradebook(f"sqlite:///{course / 'gradebook.db'}", A)
    assert {s: b["score"] for s, b in book.items()} == expected, classroom.report(proc)
    assert classroom.failed_cells(book, "mistaken", A) == classroom.WRONG_RELU["fails"]
    rows = classroom.grades_csv(course)
    assert {s: float(r["score"]) for (s, a), r in rows.items()} == expected
    # Each student's notebook ran on a Dask worker, exactly once.
    finished = client.run(lambda dask_worker: dask_worker.plugins[PLUGIN].finished)
    jobs = [key for keys in finished.values() for key in keys if key.startswith("execute_job")]
    assert len(jobs) == len(classroom.STUDENTS), (finished, classroom.report(proc))
    # The workers sandbox the kernels as a local run does.
    if sandbox.availability()[0]:
        for student in classroom.STUDENTS:
            row = json.loads((course / "autograded" / student / A / "grading.json").read_text())
            assert row["sandbox"] == "bubblewrap", row["sandbox"]
