"""Grade a whole class with one command: in parallel, each kernel sandboxed, nothing lost.

    python -m course.grading grade 01_forward_pass          # or: make grade A=01_forward_pass

This is nbgrader's autograde, run the way a class needs it. For every submission in
``submitted/*/<assignment>/`` it uses nbgrader's own preprocessors, in nbgrader's order:
the sanitizing ones (``ClearOutput``, ``DeduplicateIds``, ``OverwriteKernelspec``,
``OverwriteCells``, ``CheckCellMetadata``), nbgrader's ``Execute`` (here with a kernel confined
by :mod:`course.grading.sandbox`), then ``LimitOutput``, ``SaveAutoGrades`` and
``AssignLatePenalties``, so the gradebook, the formgrader and ``nbgrader export`` see exactly
what ``nbgrader autograde`` would have written. What differs:

* **Parallel.** Kernels run side by side (``--workers``, default: the number of cores), or on a
  Dask cluster (``--dask``); every gradebook write happens here, in one thread, so the gradebook
  is never written concurrently.
* **Cheaper per submission.** The assignment is registered once; cells the instructor tagged
  ``draw-only`` (figures and widgets no test depends on) are not run when grading; a kernel is
  started per submission and nothing else.
* **Untrusted code stays in its box** (see :mod:`course.grading.sandbox`), with a per-cell and a
  per-notebook time limit and a memory limit (``c.CourseGrader`` in ``grader_config.py``).
* **Every student gets a row**, with a score and a plain reason: no submission, an empty folder,
  a misnamed or misplaced notebook, a file that is not a notebook, a kernel that dies (the cells
  that ran keep their points; the rest score zero), a notebook that runs out of time. Code that
  tampers with grading (:mod:`course.grading.integrity`) is held at zero for review.
* **Submitted files are only read**, never changed; re-running grades only new or changed
  submissions (``--regrade`` grades all again).
* **Feedback that hides the hidden tests** (:mod:`course.grading.feedback`), ``grades.csv`` at
  the course root, and an HTML report for the instructor (:mod:`course.grading.report`).
"""
from __future__ import annotations

import atexit
import concurrent.futures
import csv
import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import hints as _hints
from . import integrity, nbtools, sandbox

DRAW_ONLY_TAG = "draw-only"
STATE_FILE = "grading.json"
MAX_NOTEBOOK_BYTES = 20 * 1024**2
CONNECTION_FOLDER_BYTES = 16 * 1024**2  # what a kernel may write to the folder of its sockets
MAX_OUTPUT_BYTES = 2 * 1024**2  # per cell; more is dropped while the kernel runs
OUR_MARKS = ("Graded zero:", "Held at zero for review:", "Not run:")
# The note a grading run leaves on an exercise's answer cell when the student opened hints; the part in
# brackets says what was taken from which test cell (as negative extra credit), so that a later run can
# give it back before it grades again.
HINT_NOTE = re.compile(r"\s*Hints used: [^\n\[]*\[hint deduction: ([^\]\n]*)\]")
# Run first in every grading kernel: defers matplotlib.pyplot until something draws (see the module).
PREAMBLE = "import course.grading._kernel_preamble as _course_preamble; del _course_preamble"
CSV_COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "reason"]


# --------------------------------------------------------------------------- configuration
@dataclass
class Settings:
    course: Path
    config: object  # traitlets Config
    db_url: str
    limits: sandbox.Limits
    use_bwrap: bool
    sandbox_note: str  # "bubblewrap", or why the kernels run with resource limits only
    workers: int
    require_sandbox: bool = False
    hint_cost: float = 0.0  # points per hint step opened (CourseGrader.hint_cost; 0: hints are free)


def load_settings(course: Path, workers: int | None = None, cell_timeout: float | None = None,
                  notebook_timeout: float | None = None, memory: int | None = None,
                  require_sandbox: bool | None = None) -> Settings:
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader
    from nbgrader.coursedir import CourseDirectory

    course = course.resolve()
    config = Config()
    if (course / "nbgrader_config.py").exists():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    coursedir = CourseDirectory(config=config, root=str(course))
    ours = config.get("CourseGrader", {})
    execute = config.get("Execute", {})
    cell = cell_timeout or execute.get("timeout") or config.get("ExecutePreprocessor", {}).get("timeout") or 60
    limits = sandbox.Limits(memory=int(memory or ours.get("memory_limit", sandbox.Limits.memory)),
                            cell_timeout=float(cell),
                            notebook_timeout=float(notebook_timeout or ours.get("notebook_timeout", 600)))
    ok, note = sandbox.availability()
    required = bool(require_sandbox if require_sandbox is not None else ours.get("require_sandbox", False))
    if ours.get("sandbox", True) is False or os.environ.get("COURSE_SANDBOX") == "off":
        ok, note = False, "bubblewrap turned off (CourseGrader.sandbox = False or COURSE_SANDBOX=off)"
    if not ok and required:
        raise SystemExit(f"Refusing to grade without a sandbox (CourseGrader.require_sandbox): {note}")
    note = "bubblewrap" if ok else f"resource limits only ({note})"
    try:
        hint_cost = float(ours.get("hint_cost", 0) or 0)
    except (TypeError, ValueError):
        hint_cost = -1.0
    if not hint_cost >= 0:
        raise SystemExit(f"CourseGrader.hint_cost must be a number of points, 0 or more; got {ours.get('hint_cost')!r}")
    return Settings(course, config, coursedir.db_url, limits, ok, note,
                    max(1, workers or int(ours.get("workers", 0)) or os.cpu_count() or 1), required, hint_cost)


# --------------------------------------------------------------------------- one submission
@dataclass
class Row:
    student_id: str
    assignment: str
    notebook: str
    score: float = 0.0
    max_score: float = 0.0
    status: str = "graded"
    reason: str = ""
    flags: list[str] = field(default_factory=list)
    sandbox: str = ""
    submission_sha256: str = ""
    source_sha256: str = ""
    graded_at: str = ""
    seconds: float = 0.0
    cells: list[dict] = field(default_factory=list)
    # hints opened, per exercise: {"exercise", "steps", "of", "times", "deducted", "cells": {grade_id: points}}
    hints: list[dict] = field(default_factory=list)
    hint_cost: float = 0.0
    hints_note: str = ""  # why the hints record was not (fully) read, if it was not

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Plan:
    """What was found for one student before anything runs."""
    student: str
    path: Path | None = None  # the notebook to grade
    status: str = ""  # set when there is nothing to run
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    sha: str = ""


def _fingerprint(folder: Path, max_files: int = 2000, max_depth: int = 12) -> str:
    """A digest of a submission folder, read without following links or opening special files
    (a FIFO would block, /dev/zero never ends), in bounded depth, file count and bytes per file."""
    import stat

    digest = hashlib.sha256()
    if folder.is_symlink() or not folder.is_dir():
        return digest.hexdigest()
    stack, seen = [(folder, 0)], 0
    while stack:
        here, depth = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > max_files:
                digest.update(b"...too many files")
                return digest.hexdigest()
            rel = os.path.relpath(entry.path, folder).encode(errors="replace")
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                digest.update(b"unreadable:" + rel)
                continue
            if stat.S_ISDIR(info.st_mode):
                if depth < max_depth:
                    stack.append((Path(entry.path), depth + 1))
            elif stat.S_ISREG(info.st_mode):
                digest.update(rel + b"\0" + str(info.st_size).encode())
                try:
                    with open(entry.path, "rb") as f:
                        digest.update(hashlib.sha256(f.read(MAX_NOTEBOOK_BYTES + 1)).digest())
                except OSError:
                    digest.update(b"unreadable")
            else:
                digest.update(b"special:" + rel + str(stat.S_IFMT(info.st_mode)).encode())
    return digest.hexdigest()


def _timestamp_problem(folder: Path) -> str:
    """nbgrader reads timestamp.txt whole: only a small regular file will do."""
    path = folder / "timestamp.txt"
    if not os.path.lexists(path):
        return ""
    if path.is_symlink() or not path.is_file() or path.stat().st_size > 4096:
        return "timestamp.txt in the submission is not a small regular file"
    return ""


def plan_submission(course: Path, assignment: str, student: str, notebook: str) -> Plan:
    """Find the notebook to grade for ``student``, or say plainly why there is none."""
    plan = Plan(student)
    student_dir = course / "submitted" / student
    folder = student_dir / assignment
    plan.sha = _fingerprint(folder)
    expected = f"{notebook}.ipynb"
    if student_dir.is_symlink() or folder.is_symlink():
        plan.status, plan.reason = "invalid notebook", (
            f"submitted/{student}{'' if student_dir.is_symlink() else '/' + assignment} is a symbolic link, not a folder")
        return plan
    if not folder.is_dir():
        strays = [p for p in student_dir.glob("*.ipynb")] + [p for p in student_dir.glob(f"*/{expected}")]
        if folder.is_symlink() or folder.exists():
            plan.status, plan.reason = "wrong place", f"submitted/{student}/{assignment} is not a folder"
        elif strays:
            where = ", ".join(str(p.relative_to(course)) for p in strays[:3])
            plan.status, plan.reason = "wrong place", (
                f"nothing in submitted/{student}/{assignment}/, but found {where}: the notebook must be "
                f"submitted as {assignment}/{expected}")
        else:
            plan.status, plan.reason = "no submission", "no submission for this assignment"
        return plan
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    exact = folder / expected
    if exact in notebooks or exact.is_symlink():
        plan.path = exact
    elif len(notebooks) == 1:
        plan.path = notebooks[0]
        plan.notes.append(f"graded {notebooks[0].relative_to(folder)} in place of {expected} (misnamed or moved)")
    elif notebooks:
        names = ", ".join(str(p.relative_to(folder)) for p in notebooks[:5])
        plan.status, plan.reason = "wrong name", (
            f"expected {expected}; found {len(notebooks)} other notebooks ({names}), so which to grade is unclear")
        return plan
    else:
        others = sorted(p.name for p in folder.rglob("*") if p.is_file() and p.name != "timestamp.txt"
                        and p.name != "submission_secret.txt")
        plan.status = "no submission"
        plan.reason = (f"the submission folder holds no notebook (found: {', '.join(others[:5])})" if others
                       else "the submission folder is empty")
        return plan
    extra = [p for p in notebooks if p != plan.path]
    if extra:
        plan.notes.append("also found " + ", ".join(str(p.relative_to(folder)) for p in extra[:5]) + " (not graded)")
    problem = _file_problem(plan.path) or _timestamp_problem(folder)
    if problem:
        plan.status, plan.reason, plan.path = "invalid notebook", problem, None
    return plan


def _file_problem(path: Path) -> str:
    if path.is_symlink():
        return "the submitted notebook is a symbolic link, not a file"
    if not path.is_file():
        return "the submitted notebook is not a regular file"
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return f"the submitted notebook is larger than {MAX_NOTEBOOK_BYTES // 1024**2} MB"
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # any parse or schema error: not a notebook we can run
        text = str(error).strip()
        first = text.splitlines()[0] if text else type(error).__name__
        return f"the submitted file is not a valid Jupyter notebook ({first[:200]})"
    return ""


# --------------------------------------------------------------------------- execution (worker side)
def _fontcache() -> str | None:
    """matplotlib's font list, built once per process, so that no kernel spends time scanning fonts."""
    global _FONTCACHE
    with _FONT_LOCK:
        if _FONTCACHE is None:
            folder = tempfile.mkdtemp(prefix="course-mpl-")
            atexit.register(shutil.rmtree, folder, True)
            code = "import matplotlib.font_manager as f, os; print(os.path.join(f.get_cachedir(), 'fontlist-v%s.json' % f.FontManager.__version__))"
            proc = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, MPLCONFIGDIR=folder),
                                  capture_output=True, text=True)
            path = proc.stdout.strip()
            _FONTCACHE = path if proc.returncode == 0 and os.path.exists(path) else ""
        return _FONTCACHE or None


_FONTCACHE: str | None = None
_FONT_LOCK = threading.Lock()


def execute_job(job: dict) -> dict:
    """Run one prepared notebook in a sandboxed kernel (on this machine or a Dask worker).

    ``job``: ``nb`` (notebook dict), ``skip`` (indices of draw-only cells), ``limits`` (dict of
    :class:`sandbox.Limits`), ``use_bwrap``. Returns the executed notebook, the indices of the
    cells that ran, and why the run stopped early ('' when it did not)."""
    from jupyter_core.utils import run_sync
    from nbgrader.preprocessors import Execute

    limits = sandbox.Limits(**job["limits"])
    use_bwrap = job["use_bwrap"] and sandbox.availability()[0]
    if job["use_bwrap"] and not use_bwrap and job.get("require_sandbox"):
        raise RuntimeError(f"bubblewrap cannot run on this worker ({sandbox.availability()[1]}) "
                           "and CourseGrader.require_sandbox is set")
    nb = nbformat.reads(job["nb"], as_version=4)
    skip = set(job["skip"])
    ran: set[int] = set()
    probed: list[bool] = []
    start = time.monotonic()
    deadline = start + limits.notebook_timeout
    stopped = ""

    class SandboxedExecute(Execute):
        def on_cell_executed(self, **kwargs):
            ran.add(kwargs["cell_index"])
            super().on_cell_executed(**kwargs)

        def preprocess_cell(self, cell, resources, index):
            if index in skip or cell.cell_type != "code":
                return cell, resources
            if not probed:
                # Before any student code: can this kernel import the course package? If not, the
                # grader's setup is at fault (the sandbox cannot see it), not the student.
                probed.append(True)
                reply = self.wait_for_reply(self.kc.execute("import course.grading._kernel_preamble", silent=True,
                                                            store_history=False))
                if not reply or reply["content"].get("status") != "ok":
                    raise _SetupFailed()
            if time.monotonic() > deadline:
                raise _OutOfTime()
            return super().preprocess_cell(cell, resources, index)

        def output(self, outs, msg, display_id, cell_index):
            size = len(json.dumps(msg.get("content", {}), default=str))
            used = self._output_bytes.get(cell_index, 0) + size
            self._output_bytes[cell_index] = used
            if used > MAX_OUTPUT_BYTES:
                return None  # a flood of output is dropped here, not held in the grader's memory
            return super().output(outs, msg, display_id, cell_index)

    work = tempfile.mkdtemp(prefix="course-kernel-")
    try:
        conn = os.path.join(work, "conn")
        os.mkdir(conn, 0o700)
        km = sandbox.SandboxKernelManager(kernel_name="python3", connection_file=os.path.join(conn, "kernel.json"),
                                          limits=limits, use_bwrap=use_bwrap,
                                          fontcache=job.get("fontcache") if os.path.exists(job.get("fontcache") or "")
                                          else _fontcache())
        executor = SandboxedExecute(
            timeout=int(limits.cell_timeout), startup_timeout=int(min(60, limits.notebook_timeout)),
            extra_arguments=["--HistoryManager.hist_file=:memory:", "--HistoryManager.enabled=False",
                             "--IPKernelApp.exec_lines=" + PREAMBLE],
            timeout_func=lambda cell: max(1, int(min(limits.cell_timeout, deadline - time.monotonic()))),
            kernel_name="python3")
        executor._output_bytes = {}
        watching = threading.Event()
        overfull: list[bool] = []

        def watch_connection_folder():
            # The one host folder the kernel can write to holds its sockets: a few bytes. Anything
            # big there is the kernel filling the grader's disk, so the kernel is stopped.
            while not watching.wait(0.5):
                try:
                    used = sum(e.stat(follow_symlinks=False).st_size for e in os.scandir(conn))
                except OSError:
                    continue
                if used > CONNECTION_FOLDER_BYTES:
                    overfull.append(True)
                    try:
                        os.killpg(km.provisioner.pgid, 9)
                    except Exception:
                        pass
                    return

        watcher = threading.Thread(target=watch_connection_folder, daemon=True)
        watcher.start()
        try:
            executor.preprocess(nb, {"metadata": {"path": work}}, km=km)
        except _OutOfTime:
            stopped = f"the notebook ran past its {limits.notebook_timeout:g} s limit and was stopped"
        except _SetupFailed:
            stopped = ("the grading kernel could not import the course package: the grader's setup is at "
                       "fault, not the student (is the course installed where the sandbox can see it?)")
        except Exception as error:  # DeadKernelError, a kernel that never started, ...
            name = type(error).__name__
            if "Dead" in name or "died" in str(error).lower():
                stopped = ("the kernel died while running the notebook (does the code call exit(), "
                           "or use too much memory?)")
            elif time.monotonic() > deadline:
                stopped = f"the notebook ran past its {limits.notebook_timeout:g} s limit and was stopped"
            elif "Timeout" in name or "timed out" in str(error):
                stopped = (f"a cell ran past the {limits.cell_timeout:g} s limit and did not stop when "
                           "interrupted, so the notebook was stopped (time limit)")
            else:
                stopped = f"the notebook could not be run ({name}: {str(error)[:200]})"
        finally:
            watching.set()
            try:
                if km.has_kernel:
                    run_sync(km.shutdown_kernel)(now=True)
            except Exception:
                pass
        if overfull:
            stopped = ("the kernel was stopped for writing more than "
                       f"{CONNECTION_FOLDER_BYTES // 1024**2} MB outside its private /tmp")
        timed_out_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError" for o in c.get("outputs", []))]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"nb": nbformat.writes(nb), "ran": sorted(ran), "stopped": stopped, "timed_out_cells": timed_out_cells,
            "seconds": time.monotonic() - start, "use_bwrap": use_bwrap}


class _OutOfTime(Exception):
    pass


class _SetupFailed(Exception):
    pass


# --------------------------------------------------------------------------- the class
class _CompiledSchemas:
    """Stands in for the ``jsonschema`` module inside nbgrader's cell-metadata validator.

    nbgrader validates each cell's metadata with ``jsonschema.validate(metadata, schema)``, which
    checks the schema itself again on every call: a fifth of a second per notebook. This validates
    against the same schema, compiled once, raising the same error ``jsonschema.validate`` would."""

    def __init__(self):
        import jsonschema

        self._jsonschema = jsonschema
        self.ValidationError = jsonschema.ValidationError
        self._compiled: dict[int, tuple[dict, object]] = {}

    def validate(self, instance, schema):
        entry = self._compiled.get(id(schema))
        if entry is None or entry[0] is not schema:
            cls = self._jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            entry = self._compiled[id(schema)] = (schema, cls(schema))
        error = self._jsonschema.exceptions.best_match(entry[1].iter_errors(instance))
        if error is not None:
            raise error

    def __getattr__(self, name):
        return getattr(self._jsonschema, name)


def _compile_metadata_schemas() -> None:
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _CompiledSchemas):
        common.jsonschema = _CompiledSchemas()


def _share_gradebook_engines() -> None:
    """One SQLAlchemy engine per gradebook URL for this process.

    nbgrader's preprocessors open a ``Gradebook`` for every notebook, and each one creates an
    engine, whose cache of compiled SQL starts empty: most of the time they spend. Sharing the
    engine (all on this one thread) keeps that cache; sessions, transactions and the SQL sent
    are nbgrader's own."""
    from nbgrader import api

    if getattr(api.create_engine, "_course_shared", False):
        return
    original = api.create_engine
    engines: dict[str, object] = {}

    def create_engine(url, *args, **kwargs):
        key = str(url)
        if key not in engines:
            engines[key] = original(url, *args, **kwargs)
        return engines[key]

    create_engine._course_shared = True
    api.create_engine = create_engine


class ClassGrader:
    def __init__(self, assignment: str, settings: Settings, log=print):
        self.assignment = assignment
        self.s = settings
        self.course = settings.course
        self.log = log
        self.release, self.notebook = self._register()
        self.source = nbtools.read(nbtools.notebook_path(assignment, self.course / "source"))
        # What decides a grade besides the submission: the instructor's notebook, the checks and the
        # configuration. A change to any of them grades everyone again.
        decided_by = json.dumps(self.source, sort_keys=True).encode()
        for path in (Path(__file__).resolve().parents[1] / "checks.py", self.course / "grader_config.py",
                     self.course / "nbgrader_config.py"):
            decided_by += path.read_bytes() if path.is_file() else b""
        self.source_sha = hashlib.sha256(decided_by).hexdigest()
        self.draw_only = {nbtools.source_text(c) for c in self.release["cells"]
                          if DRAW_ONLY_TAG in c.get("metadata", {}).get("tags", []) and not nbtools.nbgrader_meta(c)}
        self.titles, self.exercise_of = _cell_titles(self.release)
        self.hint_cells = _hints.exercise_cells(self.release, assignment)
        _compile_metadata_schemas()
        _share_gradebook_engines()

    # ---- setup
    def _register(self) -> tuple[dict, str]:
        """Put the assignment and its grade cells in the gradebook, as ``nbgrader
        generate_assignment`` does (in this process, into a scratch folder: release/ is left alone).
        Returns the student version it made, which the submissions are compared with."""
        from traitlets.config import Config
        from nbgrader.apps.api import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        with tempfile.TemporaryDirectory() as scratch:
            config = Config(self.s.config)
            config.CourseDirectory.release_directory = scratch
            config.CourseDirectory.root = str(self.course)
            coursedir = CourseDirectory(config=config)
            api = NbGraderAPI(coursedir=coursedir, config=config)
            for attempt in range(4):  # another grader may be creating the same course rows right now
                result = api.generate_assignment(self.assignment, force=True, create=True)
                if result.get("success") or not any(k in str(result.get("log", "")) + str(result.get("error", ""))
                                                    for k in ("UniqueViolation", "duplicate key", "IntegrityError",
                                                              "database is locked")):
                    break
                time.sleep(0.3 * (attempt + 1))
            try:
                path = nbtools.notebook_path(self.assignment, Path(scratch))
            except FileNotFoundError:
                path = None
            if not result.get("success") or path is None:
                raise SystemExit(f"nbgrader could not register {self.assignment}:\n"
                                 f"{str(result.get('error', ''))[-3000:]}\n{str(result.get('log', ''))[-3000:]}")
            return nbtools.read(path), path.stem

    def students(self) -> list[str]:
        from nbgrader.api import Gradebook

        found = {p.name for p in (self.course / "submitted").glob("*") if p.is_dir()}
        with Gradebook(self.s.db_url) as gb:
            found |= {s.id for s in gb.students}
        return sorted(found)

    # ---- the run
    def run(self, students: list[str] | None = None, regrade: bool = False, dask: str | None = None,
            feedback: bool = True) -> list[Row]:
        chosen = students if students is not None else self.students()
        plans = [self._plan(s) for s in chosen]
        rows: dict[str, Row] = {}
        todo: list[Plan] = []
        for plan in plans:
            previous = None if (regrade or students is not None) else self._previous(plan)
            if previous is not None:
                rows[plan.student] = previous
            else:
                todo.append(plan)
        kept = len(rows)
        total = len(todo)
        self.log(f"Grading {self.assignment}: {total} submission(s) to grade"
                 + (f", {kept} unchanged since the last run (kept; --regrade to grade them again)" if kept else "")
                 + f"; {self.s.workers} worker(s){' on ' + dask if dask else ''}; sandbox: {self.s.sandbox_note}")
        if not self.s.use_bwrap:
            self.log("WARNING: student code runs WITHOUT a sandbox: it can read and write what this user "
                     "can (resource limits only). Install bubblewrap to isolate it.")
        done = 0
        started = time.monotonic()

        def finished(row: Row) -> None:
            nonlocal done
            done += 1
            rows[row.student_id] = row
            self.log(f"[{done:>{len(str(total))}}/{total}] {row.student_id:<20} {row.score:6.2f} / {row.max_score:<6.2f} "
                     f"{row.status}{' -- ' + row.reason if row.reason else ''}  ({row.seconds:.1f} s)")

        runnable: list[tuple[Plan, dict, dict]] = []
        for plan in todo:
            prepared = None
            if plan.path:
                try:
                    _retry(lambda: self._init_submission(plan))
                except Exception as error:  # the gradebook, not the notebook: graded again next run
                    plan.status, plan.path = "error", None
                    plan.reason = f"the gradebook could not be updated ({type(error).__name__}: {str(error)[:200]})"
            if plan.path:
                try:
                    prepared = self._prepare(plan)
                except Exception as error:
                    plan.status = "invalid notebook"
                    plan.reason = f"nbgrader could not read the notebook's cells ({type(error).__name__}: {str(error)[:200]})"
            if prepared is None:
                finished(self._record_failure(plan))
            else:
                runnable.append((plan, *prepared))

        if runnable:
            pool, submit = _executor(self.s.workers, dask)
            try:
                futures = {submit(job): (plan, meta) for plan, job, meta in runnable}
                for future in _as_completed(futures, dask):
                    plan, meta = futures[future]
                    try:
                        result = future.result()
                    except Exception as error:  # the worker itself failed: this student only
                        result = {"nb": meta["nb"], "ran": [], "seconds": 0.0,
                                  "stopped": f"grading failed ({type(error).__name__}: {str(error)[:200]})",
                                  "timed_out_cells": [], "use_bwrap": self.s.use_bwrap}
                    try:
                        finished(self._record(plan, meta, result))
                    except Exception as error:
                        plan.status, plan.reason = "error", f"the grader failed on this submission ({type(error).__name__}: {error})"
                        self.log(traceback.format_exc())
                        finished(self._record_failure(plan))
            finally:
                # a Dask client is only closed: shutting it down would stop the cluster itself
                pool.close() if dask else pool.shutdown(wait=True)
        ordered = [rows[p.student] for p in plans]
        if feedback:
            from .feedback import write_feedback
            for row in ordered:
                if row.status != "no submission":
                    nb_path = self.course / "autograded" / row.student_id / self.assignment / f"{self.notebook}.ipynb"
                    try:
                        write_feedback(self.course, row.as_dict(), nbtools.read(nb_path) if nb_path.exists() else None)
                    except Exception as error:
                        self.log(f"feedback for {row.student_id} failed: {type(error).__name__}: {error}")
        self.log(f"graded {total} in {time.monotonic() - started:.1f} s")
        return ordered

    def _plan(self, student: str) -> Plan:
        try:
            return plan_submission(self.course, self.assignment, student, self.notebook)
        except Exception as error:  # whatever is in the folder, this student gets a row
            return Plan(student, status="error", reason=f"the submission folder could not be read "
                                                         f"({type(error).__name__}: {str(error)[:200]})")

    def _previous(self, plan: Plan) -> Row | None:
        path = self.course / "autograded" / plan.student / self.assignment / STATE_FILE
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        if (data.get("submission_sha256") != plan.sha or data.get("source_sha256") != self.source_sha
                or data.get("status") == "error"):
            return None
        known = {k: v for k, v in data.items() if k in Row.__dataclass_fields__}
        return Row(**known)

    def _prepare(self, plan: Plan) -> tuple[dict, dict] | None:
        """Read, scan and sanitize a submission (nbgrader's sanitizing preprocessors)."""
        from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec

        nb = nbformat.read(plan.path, as_version=4)
        # A cell pasted from another notebook carries a grade_id this one does not know: as plain
        # code it runs (and is scanned) like any cell of the student's, rather than failing the
        # metadata check and taking the whole notebook down with it.
        # Likewise a copy of a cell (JupyterLab copies its metadata): the last cell with a grade_id
        # keeps it, as nbgrader's DeduplicateIds would, and the earlier ones become plain code.
        known = set(nbtools.cells_by_grade_id(self.release))
        last = {cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"): i for i, cell in enumerate(nb.cells)}
        for i, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is not None and (meta.get("grade_id") not in known or last.get(meta.get("grade_id")) != i):
                del cell.metadata["nbgrader"]
        resources = self._resources(plan.student)
        for cls in (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata):
            nb, resources = cls(config=self.s.config).preprocess(nb, resources)
        # The scan reads what will really run: test and locked cells restored, copies of a cell's
        # grade_id already plain code (scanning the file as submitted would take them for tests).
        flags = list(integrity.scan_notebook(json.loads(nbformat.writes(nb)), self.release, self.source))
        skip = [i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and not nbtools.nbgrader_meta(c) and nbtools.source_text(c) in self.draw_only]
        limits = self.s.limits
        job = {"nb": nbformat.writes(nb), "skip": skip, "use_bwrap": self.s.use_bwrap,
               "require_sandbox": self.s.require_sandbox,
               "limits": dict(memory=limits.memory, cell_timeout=limits.cell_timeout,
                              notebook_timeout=limits.notebook_timeout, file_size=limits.file_size,
                              tmp_size=limits.tmp_size, open_files=limits.open_files)}
        return job, {"flags": flags, "skip": skip, "nb": job["nb"]}

    def _resources(self, student: str) -> dict:
        return {"nbgrader": {"notebook": self.notebook, "assignment": self.assignment, "student": student,
                             "db_url": self.s.db_url}, "metadata": {"path": str(self.course)}}

    def _init_submission(self, plan: Plan) -> None:
        """As ``nbgrader autograde`` does: the student and the submission, with its timestamp."""
        from nbgrader.api import Gradebook
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.s.config, root=str(self.course))
        timestamp = coursedir.get_existing_timestamp(str(self.course / "submitted" / plan.student / self.assignment))
        with Gradebook(self.s.db_url) as gb:
            gb.update_or_create_student(plan.student)
            if timestamp:
                gb.update_or_create_submission(self.assignment, plan.student, timestamp=timestamp)
            else:
                gb.update_or_create_submission(self.assignment, plan.student)
            _clear_hint_marks(gb, self.assignment, plan.student)  # first: it reads the notes _clear_our_marks may drop
            _clear_our_marks(gb, self.assignment, plan.student)

    # ---- results (always on this thread: the gradebook has one writer)
    def _record(self, plan: Plan, meta: dict, result: dict) -> Row:
        from nbgrader.preprocessors import AssignLatePenalties, IgnorePattern, LimitOutput, SaveAutoGrades

        nb = nbformat.reads(result["nb"], as_version=4)
        ran, skip = set(result["ran"]), set(meta["skip"])
        stopped = result["stopped"]
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and i not in ran and i not in skip:
                cell.outputs = [nbformat.v4.new_output("error", ename="NotRun", traceback=[],
                                                       evalue=f"Not run: {stopped or 'the cell did not run'}")]
            elif nbtools.is_autograded_test(cell):
                # nbgrader reads a test cell's first execute_result as a partial score, before any
                # error after it; the course's tests return nothing, so a result there is injected
                cell.outputs = [o for o in cell.outputs if o.get("output_type") != "execute_result"]
        resources = self._resources(plan.student)
        # (nbgrader's list ends with CheckCellMetadata again; the sanitizing pass already ran it)
        for cls in (IgnorePattern, LimitOutput, SaveAutoGrades, AssignLatePenalties):
            nb, resources = cls(config=self.s.config).preprocess(nb, resources)
        out_dir = self.course / "autograded" / plan.student / self.assignment
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.mkdir(parents=True)
        nbformat.write(nb, out_dir / f"{self.notebook}.ipynb")
        for name in ("timestamp.txt", "submission_secret.txt"):
            src = self.course / "submitted" / plan.student / self.assignment / name
            if src.is_file() and not src.is_symlink():
                shutil.copy(src, out_dir / name)

        row = Row(plan.student, self.assignment, self.notebook, sandbox=(
            "bubblewrap" if result["use_bwrap"] else self.s.sandbox_note if not self.s.use_bwrap
            else "resource limits only (bubblewrap unavailable on the worker)"),
            submission_sha256=plan.sha, source_sha256=self.source_sha, seconds=round(result["seconds"], 2))
        notes = list(plan.notes)
        if stopped:
            row.status = ("timed out" if "limit" in stopped else
                          "kernel died" if "died" in stopped or "stopped for writing" in stopped else "error")
            notes.insert(0, stopped + "; the cells that ran keep their points, the rest score zero")
        elif result["timed_out_cells"]:
            row.status = "timed out"
            notes.insert(0, f"{len(result['timed_out_cells'])} cell(s) ran past the {self.s.limits.cell_timeout:g} s "
                            "limit and were stopped (they score zero)")
        flags = meta["flags"]
        if flags:
            row.status, row.flags = "held for review", flags
            shown = "; ".join(flags[:80]) + (f"; and {len(flags) - 80} more" if len(flags) > 80 else "")
            notes.insert(0, "held at zero for review: code in this notebook may tamper with grading")
            self._mark(plan.student, f"Held at zero for review: code in this notebook may tamper with grading "
                                     f"({shown}). An instructor will look at it.", hold=True)
        row.reason = "; ".join(notes)
        self._apply_hints(plan, row)
        self._fill_scores(row, nb, ran)
        row.graded_at = _now()
        self._save(row)
        return row

    def _record_failure(self, plan: Plan) -> Row:
        """A row for a student with nothing to run, written to the gradebook where it matters."""
        from nbgrader.api import Gradebook, MissingEntry

        row = Row(plan.student, self.assignment, self.notebook, status=plan.status, reason=plan.reason,
                  sandbox=self.s.sandbox_note, submission_sha256=plan.sha, source_sha256=self.source_sha,
                  graded_at=_now())
        _retry(lambda: _with_gradebook(self.s.db_url, lambda gb: gb.update_or_create_student(plan.student)))
        with Gradebook(self.s.db_url) as gb:
            row.max_score = float(gb.find_assignment(self.assignment).max_score)
            if plan.status != "no submission":
                try:
                    gb.find_submission(self.assignment, plan.student)
                except MissingEntry:
                    gb.add_submission(self.assignment, plan.student)
                _clear_hint_marks(gb, self.assignment, plan.student)
            else:
                try:  # a submission graded before and since withdrawn: its grades no longer stand
                    gb.find_submission(self.assignment, plan.student)
                except MissingEntry:
                    pass
                else:
                    gb.remove_submission(self.assignment, plan.student)
        if plan.status != "no submission":
            self._mark(plan.student, f"Graded zero: {plan.reason}.", hold=False)
        out_dir = self.course / "autograded" / plan.student / self.assignment
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.mkdir(parents=True)
        row.cells = [dict(c, points=0.0, status="not run" if c["kind"] == "test" else "awaits a person",
                          messages=[f"Not graded: {plan.reason}"] if c["kind"] == "test" else [])
                     for c in self._cell_list()]
        self._save(row)
        return row

    def _mark(self, student: str, comment: str, hold: bool) -> None:
        from nbgrader.api import Gradebook

        with Gradebook(self.s.db_url) as gb:
            submission = gb.find_submission(self.assignment, student)
            for nb in submission.notebooks:
                comments = {c.name: c for c in nb.comments}
                for g in nb.grades:
                    if hold and g.auto_score is None:
                        continue  # a written answer waits for its person either way
                    ours_before = (comments.get(g.name) and (comments[g.name].manual_comment or "").startswith(OUR_MARKS))
                    if g.manual_score is not None and not ours_before:
                        continue  # an instructor's own grade stands
                    g.manual_score = 0.0
                    g.needs_manual_grade = hold
                    c = comments.get(g.name)
                    if c is not None and (not c.manual_comment or c.manual_comment.startswith(OUR_MARKS)):
                        c.manual_comment = comment
            gb.db.commit()

    def _apply_hints(self, plan: Plan, row: Row) -> None:
        """Read the hints the student opened (``hints_used.json`` beside the notebook), note them on
        each exercise's answer cell in the gradebook and, when ``CourseGrader.hint_cost`` is set,
        take their cost from the exercise's test cells as negative extra credit."""
        from nbgrader.api import Gradebook

        entries, row.hints_note = _hints.read_record(plan.path.parent / _hints.RECORD_FILE)
        opened = _hints.used(entries, self.assignment)
        row.hint_cost = self.s.hint_cost
        if not opened:
            return
        with Gradebook(self.s.db_url) as gb:
            submission = gb.find_submission(self.assignment, row.student_id)
            grades = {g.name: g for n in submission.notebooks for g in n.grades}
            comments = {c.name: c for n in submission.notebooks for c in n.comments}
            earned = {gid: float(g.score) for gid, g in grades.items()
                      if g.auto_score is not None or g.manual_score is not None}
            cut = _hints.deductions({e: info["steps"] for e, info in opened.items()}, self.hint_cells, earned,
                                    self.s.hint_cost)
            for exercise, info in opened.items():
                taken = cut.get(exercise, {})
                for gid, amount in taken.items():
                    grades[gid].extra_credit = (grades[gid].extra_credit or 0.0) - amount
                total = float(round(sum(taken.values()), 6))
                row.hints.append(dict(info, exercise=exercise, deducted=total, cells=taken))
                comment = comments.get(exercise)
                if comment is not None:
                    cost = (f"{total:g} point{'' if total == 1 else 's'} taken at {self.s.hint_cost:g} per step"
                            if total else "no points taken" if self.s.hint_cost else "hints cost no points")
                    what = "; ".join(f"{gid}={amount:g}" for gid, amount in taken.items()) or "none"
                    note = f"Hints used: {info['steps']} of {info['of']} steps, {cost}. [hint deduction: {what}]"
                    comment.manual_comment = f"{comment.manual_comment}\n\n{note}" if comment.manual_comment else note
            gb.db.commit()

    def _cell_list(self) -> list[dict]:
        cells = []
        for cell in self.release["cells"]:
            meta = nbtools.nbgrader_meta(cell)
            if meta.get("grade"):
                gid = meta["grade_id"]
                cells.append({"grade_id": gid, "kind": "test" if nbtools.is_autograded_test(cell) else "written",
                              "exercise": self.exercise_of.get(gid, gid), "title": self.titles.get(gid, gid),
                              "points": 0.0, "max_points": float(meta.get("points", 0)),
                              "status": "", "messages": []})
        return cells

    def _fill_scores(self, row: Row, nb, ran: set[int]) -> None:
        from nbgrader.api import Gradebook

        by_id = {nbtools.nbgrader_meta(c).get("grade_id"): (i, c) for i, c in enumerate(nb.cells)
                 if nbtools.nbgrader_meta(c).get("grade_id")}
        cut: dict[str, float] = {}  # what the hints took from each test cell
        for used in row.hints:
            for gid, amount in used.get("cells", {}).items():
                cut[gid] = cut.get(gid, 0.0) + amount
        with Gradebook(self.s.db_url) as gb:
            submission = gb.find_submission(self.assignment, row.student_id)
            grades = {g.name: g for n in submission.notebooks for g in n.grades}
            row.score, row.max_score = float(submission.score), float(submission.max_score)
            cells = self._cell_list()
            for cell in cells:
                g = grades.get(cell["grade_id"])
                graded = g is not None and (g.auto_score is not None or g.manual_score is not None)
                cell["points"] = float(g.score) if graded else 0.0
                if cut.get(cell["grade_id"]):
                    cell["hint_deduction"] = round(cut[cell["grade_id"]], 6)
                cell["auto_points"] = float(g.auto_score) if g is not None and g.auto_score is not None else None
                index, nb_cell = by_id.get(cell["grade_id"], (None, None))
                if cell["kind"] == "written":
                    cell["status"] = "graded" if g is not None and g.manual_score is not None else "awaits a person"
                    continue
                messages = _messages(nb_cell) if nb_cell is not None else ["the cell is missing"]
                if index is None or index not in ran:
                    cell["status"] = "not run"
                else:
                    before_hints = cell["points"] + cell.get("hint_deduction", 0.0)
                    cell["status"] = "passed" if graded and before_hints >= cell["max_points"] and not messages else "failed"
                if row.status == "held for review":
                    cell["status"] = "held"
                    messages = ["held for review: " + "; ".join(row.flags[:3])] + messages
                cell["messages"] = messages
        row.cells = cells

    def _save(self, row: Row) -> None:
        path = self.course / "autograded" / row.student_id / self.assignment / STATE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, json.dumps(row.as_dict(), indent=1))


# --------------------------------------------------------------------------- helpers
def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _nbgrader(args: list[str], course: Path, timeout: float | None = None) -> subprocess.CompletedProcess:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    exe = shutil.which("nbgrader", path=env["PATH"]) or "nbgrader"
    return subprocess.run([exe, *args], cwd=course, env=env, capture_output=True, text=True, timeout=timeout)


def _with_gradebook(db_url: str, action):
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        return action(gb)


def _retry(action, attempts: int = 5):
    """Run a gradebook update again when another grader got there first (two graders creating
    the same student at once in a shared PostgreSQL gradebook: a unique-key violation)."""
    for attempt in range(attempts):
        try:
            return action()
        except Exception as error:
            text = f"{type(error).__name__} {error}"
            if attempt == attempts - 1 or not any(k in text for k in ("Integrity", "UniqueViolation", "InvalidEntry",
                                                                        "duplicate key", "UNIQUE constraint",
                                                                        "database is locked")):
                raise
            time.sleep(0.2 * (attempt + 1))


def _clear_our_marks(gb, assignment: str, student: str) -> None:
    """Undo zeros and holds a previous run of this tool set, before grading again."""
    submission = gb.find_submission(assignment, student)
    for nb in submission.notebooks:
        ours = {c.name for c in nb.comments if (c.manual_comment or "").startswith(OUR_MARKS)}
        for c in nb.comments:
            if c.name in ours:
                c.manual_comment = None
        for g in nb.grades:  # only the grades this tool set; an instructor's own stay
            if g.name in ours:
                g.manual_score = None
                g.needs_manual_grade = g.auto_score is None
    gb.db.commit()


def _clear_hint_marks(gb, assignment: str, student: str) -> None:
    """Give back what a previous run took for hints, and remove its notes, before grading again."""
    submission = gb.find_submission(assignment, student)
    for nb in submission.notebooks:
        grades = {g.name: g for g in nb.grades}
        for c in nb.comments:
            text = c.manual_comment or ""
            found = list(HINT_NOTE.finditer(text))
            for match in found:
                for part in match.group(1).split(";"):
                    gid, _, amount = part.strip().partition("=")
                    try:
                        value = float(amount)
                    except ValueError:
                        continue
                    if gid in grades:
                        back = (grades[gid].extra_credit or 0.0) + value
                        grades[gid].extra_credit = None if abs(back) < 1e-9 else back
            if found:
                c.manual_comment = HINT_NOTE.sub("", text).strip() or None
    gb.db.commit()


def _messages(cell) -> list[str]:
    """What a test cell said when it failed: each error's name and message (never a traceback),
    and anything written to stderr (nbgrader scores stderr as a failure)."""
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            text = f"{o.get('ename', 'Error')}: {o.get('evalue', '')}".strip().rstrip(":")
            if o.get("ename") == "NotRun":
                text = o.get("evalue", "")
            elif o.get("ename") == "CellTimeoutError":
                text = "the cell ran past its time limit and was stopped"
            out.append(text[:4000])
        elif o.get("output_type") == "stream" and o.get("name") == "stderr":
            text = "".join(o.get("text", ""))
            out.append("wrote to stderr (which counts as a failure): " + text.strip()[:1000])
    return out


def _cell_titles(release: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Each grade cell's title (its docstring's first line, or the question it grades) and the
    answer cell it belongs to (the nearest answer cell above it)."""
    import ast

    titles, exercise_of = {}, {}
    answers: list[tuple[str, set[str]]] = []  # answer cells so far, with the names each defines

    def names(text: str, defined: bool) -> set[str]:
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return set()
        if defined:
            return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))} | {
                t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}

    for cell in release["cells"]:
        meta = nbtools.nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if meta.get("solution"):
            answers.append((gid, names(nbtools.source_text(cell), True) if cell["cell_type"] == "code" else set()))
        if not meta.get("grade"):
            continue
        if meta.get("solution") or not answers:
            exercise_of[gid] = gid
        else:  # the nearest answer above whose names the test uses; else simply the nearest above
            used = names(nbtools.source_text(cell), False)
            exercise_of[gid] = next((a for a, defined in reversed(answers) if defined & used), answers[-1][0])
        text = nbtools.source_text(cell)
        title = ""
        if cell["cell_type"] == "code":
            try:
                doc = ast.get_docstring(ast.parse(text))
            except SyntaxError:
                doc = None
            title = (doc or "").strip().splitlines()[0] if doc else ""
        else:
            title = next((line.strip("#* ") for line in text.splitlines() if line.strip()), "")
        titles[gid] = title[:200] or gid
    return titles, exercise_of


def _executor(workers: int, dask: str | None):
    if dask:
        from distributed import Client

        client = Client(dask)
        return client, lambda job: client.submit(execute_job, job, pure=False)
    # Threads suffice: each one mostly waits on its kernel, a process of its own. (A process pool
    # was measured slower: 52 s against 42 s for 30 submissions.)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
    return pool, lambda job: pool.submit(execute_job, dict(job, fontcache=_fontcache()))


def _as_completed(futures, dask):
    if dask:
        from distributed import as_completed

        return as_completed(list(futures))
    return concurrent.futures.as_completed(futures)


def _write_atomic(path: Path, text: str) -> None:
    """Write a whole file or nothing: readers never see half of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_grades_csv(course: Path) -> Path:
    """grades.csv at the course root: one row per student and assignment graded so far.

    Graders of other assignments may write it at the same moment (a shared gradebook): the file
    is rebuilt from every assignment's results under a lock, and replaced in one step."""
    import fcntl
    import io

    out = course / "grades.csv"
    with open(course / ".grades.csv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        rows = []
        for path in sorted((course / "autograded").glob(f"*/*/{STATE_FILE}")):
            try:
                data = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            rows.append({k: data.get(k, "") for k in CSV_COLUMNS})
        rows.sort(key=lambda r: (r["assignment"], r["student_id"]))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow(dict(r, score=f"{float(r['score']):g}", max_score=f"{float(r['max_score']):g}"))
        _write_atomic(out, buffer.getvalue())
    return out


def collect(assignment: str, settings: Settings, log=print) -> None:
    """``nbgrader collect`` when an exchange is configured and holds submissions for this course."""
    exchange = settings.config.get("Exchange", {}).get("root")
    course_id = settings.config.get("CourseDirectory", {}).get("course_id")
    if not exchange or not course_id:
        return
    inbound = Path(exchange) / course_id / "inbound"
    if not inbound.is_dir() or not any(inbound.glob(f"*+{assignment}+*")):
        return
    # nbgrader's collect copies what links point to: a link in a student's inbound folder could
    # bring the solutions, or /dev/zero, into submitted/. Such submissions are left uncollected.
    import stat

    unsafe = set()
    for entry in inbound.glob(f"*+{assignment}+*"):
        user = entry.name.split("+")[0]
        for root, dirs, files in os.walk(entry):
            for name in dirs + files:
                mode = os.lstat(os.path.join(root, name)).st_mode
                if stat.S_ISLNK(mode) or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                    unsafe.add(user)
        if entry.is_symlink():
            unsafe.add(user)
    args = ["collect", assignment, "--update"]
    if unsafe:
        args.append("--CourseDirectory.student_id_exclude=" + ",".join(sorted(unsafe)))
        log("WARNING: not collected (the submission holds a symbolic link or a special file): "
            + ", ".join(sorted(unsafe)))
    try:
        proc = _nbgrader(args, settings.course, timeout=900)
    except subprocess.TimeoutExpired:
        log("WARNING: nbgrader collect did not finish in 15 minutes; grading what is in submitted/")
        return
    log(f"collected {assignment} from the exchange ({inbound})" if proc.returncode == 0 else
        f"WARNING: nbgrader collect failed; grading what is in submitted/:\n{proc.stderr[-2000:]}")


def summary_table(rows: list[Row], settings: Settings) -> str:
    lines = []
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    scores = [r.score / r.max_score for r in rows if r.max_score and r.status not in ("no submission",)]
    lines.append("")
    lines.append(f"{'student':<22}{'score':>14}  status")
    for r in rows:
        lines.append(f"{r.student_id:<22}{r.score:>6.2f} / {r.max_score:<6.2f} {r.status}"
                     + (f" -- {r.reason}" if r.reason else ""))
    lines.append("")
    lines.append(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + f"  ({len(rows)} students)")
    if scores:
        lines.append(f"mean {100 * statistics.mean(scores):.0f}%, median {100 * statistics.median(scores):.0f}% "
                     f"of the points, over submissions that were graded")
    lines.append(f"sandbox: {settings.sandbox_note}")
    if not settings.use_bwrap:
        lines.append("WARNING: graded WITHOUT a sandbox (resource limits only).")
    return "\n".join(lines)


def grade(assignment: str, course: Path = Path("."), students: list[str] | None = None, regrade: bool = False,
          workers: int | None = None, dask: str | None = None, collect_first: bool = True, feedback: bool = True,
          report: bool = True, log=print, **limits) -> list[Row]:
    """Grade ``assignment`` for the class; returns one row per student (see the module docstring)."""
    # nbgrader runs tools such as `alembic` by name: this environment's first on PATH
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    import warnings

    # nbgrader's gradebook code makes SQLAlchemy warn about objects it has not added yet; harmless
    warnings.filterwarnings("ignore", message=".*not in session.*")
    settings = load_settings(course, workers=workers, **limits)
    if collect_first:
        collect(assignment, settings, log)
    grader = ClassGrader(assignment, settings, log)
    rows = grader.run(students, regrade=regrade, dask=dask, feedback=feedback)
    write_grades_csv(settings.course)
    if report:
        from .report import write_report

        all_rows = []  # every student's latest result for this assignment, including this run's
        for path in sorted((settings.course / "autograded").glob(f"*/{assignment}/{STATE_FILE}")):
            try:
                all_rows.append(json.loads(path.read_text()))
            except (OSError, ValueError):
                pass
        log(f"report: {write_report(settings.course, assignment, all_rows)}")
    log(summary_table(rows, settings))
    log(f"grades: {settings.course / 'grades.csv'}")
    return rows
