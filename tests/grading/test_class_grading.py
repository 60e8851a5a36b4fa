"""The one class-grading command against a hostile and broken class, with the real sandbox.

A class of 01_forward_pass with: the reference solution; a kernel that crashes (a segfault from
NumPy, no import needed); one that exhausts its memory; one that floods its output; one that
tries to read the solutions, the gradebook and a classmate's work and to write into the course;
one that tries the network; one that ignores interrupts in an endless loop; an empty folder; a
notebook in the wrong folder; a misnamed notebook; two notebooks with other names; a symbolic link
to the solutions; bytes that are not a notebook. Every student must get a row in grades.csv with a
plain reason, no hostile student may gain a point, the submitted files must be left exactly as
they were, and grading again must be idempotent, grading only a late submission.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from course.grading import nbtools, sandbox
from conftest import make_course, run_tool, tool_env

A = "01_forward_pass"
SIGMOID_TESTS = {"test_sigmoid_values", "test_sigmoid_stable", "test_sigmoid_hidden"}
RELU_TESTS = {"test_relu_values", "test_relu_hidden"}


def _points(source: dict) -> dict[str, float]:
    return {nbtools.nbgrader_meta(c)["grade_id"]: float(nbtools.nbgrader_meta(c)["points"])
            for c in source["cells"] if nbtools.is_autograded_test(c)}


def _tree_digest(folder: Path) -> dict[str, str]:
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


class Listener:
    """A TCP server on the grader's loopback: no kernel may reach it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("hostile_class"))
    run_tool(["nbgrader", "generate_assignment", A, "--force"], cwd=course)
    source = nbtools.read(nbtools.notebook_path(A))
    name = nbtools.notebook_path(A).name
    release = nbtools.read(course / "release" / A / name)
    listener = Listener()
    secret = course / "source" / A / name
    def fill(answers):
        return nbtools.fill_solutions(release, source, answers)
    subs: dict[str, object] = {
        "solution": fill({}),
        # reads memory far outside a one-element array: the kernel dies with a segfault in relu's test
        "crasher": fill({"relu": "def relu(z):\n    return np.lib.stride_tricks.as_strided(np.zeros(1), shape=(10**8,), strides=(10**7,)).sum()\n"}),
        # allocates until the memory limit stops it: a MemoryError in sigmoid's checks only
        "hog": fill({"sigmoid": "def sigmoid(z):\n    hoard = []\n    while True:\n        hoard.append(np.ones(10**7))\n"}),
        # right answers, but 40 MB of output on the way
        "flooder": fill({"relu": "def relu(z):\n    for _ in range(400):\n        print('x' * 100_000)\n    return np.maximum(z, 0.0)\n"}),
        # right only if it can read the solutions, the gradebook or a classmate's notebook; also tries to write
        "snoop": fill({"relu": (
            "def relu(z):\n"
            f"    for path in [{str(secret)!r}, {str(course / 'gradebook.db')!r},\n"
            f"                 {str(course / 'submitted' / 'solution' / A / name)!r}]:\n"
            "        try:\n"
            "            open(path, 'rb').read(10)\n"
            "            return np.maximum(z, 0.0)\n"
            "        except OSError:\n"
            "            pass\n"
            "    try:\n"
            f"        open({str(course / 'pwned.txt')!r}, 'w').write('pwned')\n"
            "    except OSError:\n"
            "        pass\n"
            "    return z\n")}),
        # right only if it reaches the grader's loopback
        "netcat": fill({"relu": (
            "import socket\n"
            "def relu(z):\n"
            "    try:\n"
            f"        socket.create_connection(('127.0.0.1', {listener.port}), timeout=2).close()\n"
            "        return np.maximum(z, 0.0)\n"
            "    except OSError:\n"
            "        return z\n")}),
        # an endless loop that swallows the interrupt: the notebook's time limit stops it
        "stubborn": fill({"sigmoid": "def sigmoid(z):\n    while True:\n        try:\n            while True:\n                pass\n        except KeyboardInterrupt:\n            pass\n"}),
    }
    # a hostile cell wearing a test cell's grade_id, placed before the real test: nbgrader keeps the
    # last of the two and runs this one as plain code, so the scan must read it as such
    dup = fill({})
    test_cell = next(c for c in dup["cells"] if nbtools.nbgrader_meta(c).get("grade_id") == "test_relu_values")
    impostor = dict(test_cell, id="impostor", source="import builtins\nbuiltins.isinstance = lambda *args: True\n")
    dup["cells"].insert(dup["cells"].index(test_cell), impostor)
    subs["impostor"] = dup
    # a result shown in a test cell before its error: nbgrader would read it as a partial score
    subs["injector"] = fill({"relu": "import sys\ndef relu(z):\n    sys.displayhook(1.0)\n    raise ValueError('no')\n"})
    # fills the one host folder its kernel can write to (where the kernel's sockets are)
    subs["filler"] = fill({"relu": (
        "import sys\n"
        "def relu(z):\n"
        "    folder = sys.argv[sys.argv.index('-f') + 1].rsplit('/', 1)[0]\n"
        "    for i in range(8):\n"
        "        open(f'{folder}/fill{i}', 'wb').write(b'0' * 50_000_000)\n"
        "    return np.maximum(z, 0.0)\n")})
    # an honest student who pasted a graded cell from another course's notebook
    pasted = fill({})
    pasted["cells"].append({"cell_type": "code", "id": "pasted", "execution_count": None, "outputs": [],
                            "metadata": {"nbgrader": {"schema_version": 3, "grade": True, "solution": False,
                                                      "locked": True, "grade_id": "from_elsewhere", "points": 1}},
                            "source": "x_elsewhere = 1\n"})
    subs["pasted"] = pasted
    for student, nb in subs.items():
        nbtools.write(nb, course / "submitted" / student / A / name)
    nbtools.write(subs["solution"], course / "submitted" / "fifo" / A / name)
    os.mkfifo(course / "submitted" / "fifo" / A / "timestamp.txt")
    sub = course / "submitted"
    (sub / "empty" / A).mkdir(parents=True)
    (sub / "stray").mkdir()
    nbtools.write(subs["solution"], sub / "stray" / name)  # not inside the assignment's folder
    nbtools.write(subs["solution"], sub / "misnamed" / A / "forward_pass (1).ipynb")
    nbtools.write(subs["solution"], sub / "twonames" / A / "draft.ipynb")
    nbtools.write(subs["solution"], sub / "twonames" / A / "final.ipynb")
    (sub / "linker" / A).mkdir(parents=True)
    (sub / "linker" / A / name).symlink_to(secret)
    (sub / "binary" / A).mkdir(parents=True)
    (sub / "binary" / A / name).write_bytes(os.urandom(2000))
    before = _tree_digest(sub)
    proc = run_tool(["python", "-m", "course.grading", "grade", A, "--cell-timeout", "5", "--notebook-timeout", "40"],
                    cwd=course, timeout=600)
    after = _tree_digest(sub)
    with open(course / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    # a late submission, then the same command again
    nbtools.write(fill({}), sub / "late" / A / name)
    again = run_tool(["python", "-m", "course.grading", "grade", A, "--no-report"], cwd=course, timeout=300)
    with open(course / "grades.csv", newline="") as f:
        rows_again = {r["student_id"]: r for r in csv.DictReader(f)}
    listener.close()
    return {"course": course, "proc": proc, "rows": rows, "before": before, "after": after, "again": again,
            "rows_again": rows_again, "listener": listener, "points": _points(source),
            "state": {s: json.loads((course / "autograded" / s / A / "grading.json").read_text()) for s in rows}}


def _cells(r, student):
    return {c["grade_id"]: c for c in r["state"][student]["cells"] if c["kind"] == "test"}


def test_every_student_has_a_row_with_a_reason(hostile_class):
    rows = hostile_class["rows"]
    expected = {"solution", "crasher", "hog", "flooder", "snoop", "netcat", "stubborn", "empty", "stray",
                "misnamed", "twonames", "linker", "binary", "impostor", "injector", "filler", "pasted", "fifo"}
    assert set(rows) == expected, hostile_class["proc"].stdout[-3000:]
    for student, row in rows.items():
        assert row["status"] and row["max_score"], row
        if row["status"] != "graded" or float(row["score"]) == 0:
            assert row["reason"], f"{student}: no reason given for {row}"
    total = sum(hostile_class["points"].values())
    assert float(rows["solution"]["score"]) == total and rows["solution"]["status"] == "graded"
    assert (rows["empty"]["status"], float(rows["empty"]["score"])) == ("no submission", 0), rows["empty"]
    assert rows["stray"]["status"] == "wrong place" and "stray/forward_pass.ipynb" in rows["stray"]["reason"]
    assert rows["twonames"]["status"] == "wrong name" and "draft.ipynb" in rows["twonames"]["reason"]
    assert (rows["linker"]["status"], float(rows["linker"]["score"])) == ("invalid notebook", 0)
    assert "symbolic link" in rows["linker"]["reason"]
    assert (rows["binary"]["status"], float(rows["binary"]["score"])) == ("invalid notebook", 0)
    # a misnamed notebook is graded, and the reason says what was graded
    assert float(rows["misnamed"]["score"]) == total and "forward_pass (1).ipynb" in rows["misnamed"]["reason"]


def test_tricks_found_by_the_review_earn_nothing(hostile_class):
    r = hostile_class
    rows = r["rows"]
    assert rows["impostor"]["status"] == "held for review", rows["impostor"]
    injector = _cells(r, "injector")
    assert all(injector[g]["auto_points"] == 0 for g in RELU_TESTS), injector["test_relu_values"]
    assert "outside its private /tmp" in rows["filler"]["reason"] and float(rows["filler"]["score"]) == 0, rows["filler"]
    assert (rows["fifo"]["status"], float(rows["fifo"]["score"])) == ("invalid notebook", 0), rows["fifo"]
    assert "timestamp.txt" in rows["fifo"]["reason"]
    # the pasted cell runs as plain code: an honest student keeps every point
    assert rows["pasted"]["status"] == "graded" and float(rows["pasted"]["score"]) == sum(r["points"].values()), rows["pasted"]


def test_a_crashing_kernel_keeps_only_what_ran_before_it(hostile_class):
    r = hostile_class
    row = r["rows"]["crasher"]
    assert row["status"] == "kernel died" and "kernel died" in row["reason"], row
    cells = _cells(r, "crasher")
    assert {g for g, c in cells.items() if c["points"] > 0} == SIGMOID_TESTS, cells
    assert float(row["score"]) == sum(r["points"][g] for g in SIGMOID_TESTS)
    assert all(c["status"] == "not run" for g, c in cells.items() if g not in SIGMOID_TESTS | RELU_TESTS)


def test_memory_output_and_time_are_limited(hostile_class):
    r = hostile_class
    total = sum(r["points"].values())
    hog = _cells(r, "hog")
    assert all(hog[g]["points"] == 0 for g in SIGMOID_TESTS) and "MemoryError" in " ".join(hog["test_sigmoid_values"]["messages"])
    # what follows depends on how much memory the failed cell leaves held (its traceback keeps the
    # hoard alive): later cells may fail or the kernel may die; it never gains a point
    assert float(r["rows"]["hog"]["score"]) <= total - sum(r["points"][g] for g in SIGMOID_TESTS)
    assert r["rows"]["hog"]["status"] == "graded" or r["rows"]["hog"]["reason"], r["rows"]["hog"]
    flooded = r["course"] / "autograded" / "flooder" / A / "forward_pass.ipynb"
    assert flooded.stat().st_size < 10 * 1024**2, "output floods must not be kept whole"
    stubborn = r["rows"]["stubborn"]
    assert stubborn["status"] == "timed out" and float(stubborn["score"]) == 0, stubborn


def test_the_sandbox_hides_the_course_and_the_network(hostile_class):
    r = hostile_class
    snoop, netcat = _cells(r, "snoop"), _cells(r, "netcat")
    # what the kernel itself scored (both are also held for review by the scan, which zeroes the grade)
    assert all(snoop[g]["auto_points"] == 0 for g in RELU_TESTS), "the kernel could read solutions, gradebook or classmates"
    assert not (r["course"] / "pwned.txt").exists(), "the kernel wrote into the course"
    assert all(netcat[g]["auto_points"] == 0 for g in RELU_TESTS), "the kernel reached the network"
    assert r["listener"].connections == 0
    assert r["rows"]["netcat"]["status"] == "held for review", "importing socket is flagged as well"


def test_submitted_files_are_untouched_and_grading_again_is_idempotent(hostile_class):
    r = hostile_class
    assert r["before"] == r["after"], "grading changed or removed submitted files"
    assert "1 submission(s) to grade" in r["again"].stdout, r["again"].stdout[-2000:]
    rows, again = r["rows"], r["rows_again"]
    assert float(again["late"]["score"]) == sum(r["points"].values())
    assert {s: again[s] for s in rows} == rows, "grading again changed rows of unchanged submissions"


def test_feedback_and_report_written(hostile_class):
    course = hostile_class["course"]
    assert (course / "reports" / f"{A}.html").exists()
    page = (course / "feedback" / "hog" / A / "forward_pass.html").read_text()
    assert "MemoryError" in page and "BEGIN HIDDEN TESTS" not in page
    assert "sandbox: bubblewrap" in hostile_class["proc"].stdout


def test_without_bubblewrap_it_still_grades_and_says_so(tmp_path):
    course = make_course(tmp_path / "course")
    name = nbtools.notebook_path(A).name
    run_tool(["nbgrader", "generate_assignment", A, "--force"], cwd=course)
    source = nbtools.read(nbtools.notebook_path(A))
    release = nbtools.read(course / "release" / A / name)
    nbtools.write(nbtools.fill_solutions(release, source), course / "submitted" / "ada" / A / name)
    env_proc = subprocess.run([sys.executable, "-m", "course.grading", "grade", A], cwd=course, text=True,
                              capture_output=True, env=dict(tool_env(), COURSE_SANDBOX="off"), timeout=300)
    assert env_proc.returncode == 0, env_proc.stderr[-3000:]
    assert "WARNING" in env_proc.stdout and "WITHOUT a sandbox" in env_proc.stdout, env_proc.stdout[-2000:]
    report = (course / "reports" / f"{A}.html").read_text()
    assert "bubblewrap" in report and "turned off" in report
    with open(course / "grades.csv", newline="") as f:
        row = next(csv.DictReader(f))
    assert float(row["score"]) == sum(_points(source).values())


def test_sandbox_is_available_here():
    """CI installs bubblewrap (make setup); grading without it would only warn, so fail loudly here."""
    ok, why = sandbox.availability()
    assert ok, why
