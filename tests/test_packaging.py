"""The setup a student, an instructor and Binder rely on: dependencies, config, JupyterLab."""
from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT, run_tool, tool_env


def _pinned(requirement: str) -> tuple[str, str]:
    name, version = re.split(r"==|=", requirement.strip(), maxsplit=1)
    return canonicalize_name(name.strip()), version.strip()


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _conda_specs() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    return [d for d in env["dependencies"] if isinstance(d, str)]


def test_environment_yml_pins_the_same_runtime_packages_as_pyproject():
    """Binder gets exactly the run-time list, pinned, with Python 3.11; the test tools stay out."""
    pip_deps = dict(_pinned(r) for r in _pyproject()["project"]["dependencies"])
    conda = _conda_specs()
    assert "python=3.11" in conda, f"Python is not pinned to 3.11 in environment.yml: {conda}"
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+=\d[\w.]*", d) for d in conda if d not in ("pip",)), \
        f"every package in environment.yml but pip needs an exact version: {conda}"
    conda_deps = dict(_pinned(d) for d in conda if d != "pip" and not d.startswith("python="))
    assert conda_deps == pip_deps, f"environment.yml {conda_deps} != pyproject.toml {pip_deps}"
    test_tools = {_pinned(r)[0] for r in _pyproject()["project"]["optional-dependencies"]["test"]}
    assert {"pytest", "nbval"} <= test_tools and not test_tools & set(conda_deps)


def _closure(names) -> set[str]:
    """Distribution names plus everything they need at run time (no extras), from the installed metadata."""
    seen, todo = set(), [canonicalize_name(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(requirement.name))
    return seen


def _imported_modules() -> dict[str, str]:
    """Top-level modules imported by the course package and by the notebooks' code -> where."""
    sources = [(str(path.relative_to(ROOT)), path.read_text()) for path in (ROOT / "course").rglob("*.py")]
    for path in sorted((ROOT / "source").glob("*/*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        code = "\n".join(line for cell in cells if cell.cell_type == "code"
                         for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        sources.append((str(path.relative_to(ROOT)), code))
    found = {}
    for where, text in sources:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], where)
    return found


def test_the_runtime_list_covers_every_import_of_the_course_and_notebooks():
    """What course/ and the notebooks import comes with environment.yml's packages (or, for the
    instructor-only --dask and PostgreSQL options, with their extras): never from a test tool."""
    project = _pyproject()["project"]
    runtime = _closure(_pinned(d)[0] for d in _conda_specs() if d != "pip" and not d.startswith("python="))
    extras = _closure(Requirement(r).name for key in ("dask", "postgres") for r in project["optional-dependencies"][key])
    assert "pytest" not in runtime and "nbval" not in runtime and "numpy" in runtime and "pillow" in runtime
    providers = importlib.metadata.packages_distributions()
    modules = _imported_modules()
    assert {"numpy", "matplotlib", "ipywidgets", "nbgrader", "IPython"} <= set(modules), sorted(modules)
    missing = {}
    for module, where in sorted(modules.items()):
        if module in sys.stdlib_module_names or module in ("course", "__future__"):
            continue
        dists = {canonicalize_name(d) for d in providers.get(module, [])}
        if not dists & (runtime | extras):
            missing[module] = (where, sorted(dists) or "not installed")
    assert not missing, f"imported, but not provided by environment.yml's packages: {missing}"


def test_repo2docker_builds_the_conda_environment_and_runs_postbuild():
    """What Binder would build. No Docker daemon here, so repo2docker writes its Dockerfile without
    building it: the conda build pack, Python 3.11, our environment.yml, then postBuild."""
    proc = run_tool(["repo2docker", "--no-build", "--no-run", "--debug", "--user-id", "1000",
                     "--user-name", "jovyan", str(ROOT)], cwd=ROOT, timeout=120)
    text = proc.stdout + proc.stderr
    assert "Building conda environment for python=3.11" in text, text[-3000:]
    assert re.search(r'COPY .*src/environment\.yml \$\{REPO_DIR\}/environment\.yml', text), text
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment\.yml"', text), text
    assert text.index("src/ ${REPO_DIR}/") < text.index("RUN ./postBuild"), text
    assert "requirements.txt" not in text and "binder/" not in text


@pytest.fixture(scope="module")
def binder_like_env(tmp_path_factory) -> tuple[Path, Path]:
    """A fresh environment (its own prefix: bin/, etc/jupyter, share/jupyter, with this venv's
    packages visible through a .pth, like conda's notebook env) and a copy of the repository in
    which postBuild has run, as repo2docker runs it. Returns (prefix, repo)."""
    base = tmp_path_factory.mktemp("binder")
    prefix, repo = base / "env", base / "repo"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(prefix)], check=True)
    site = next((prefix / "lib").glob("python3*/site-packages"))
    (site / "_course_test_venv.pth").write_text(sysconfig.get_path("purelib") + "\n")
    for script in (Path(sys.prefix) / "bin").glob("jupyter*"):
        lines = script.read_text().splitlines(keepends=True)
        (prefix / "bin" / script.name).write_text(f"#!{prefix}/bin/python\n" + "".join(lines[1:]))
        (prefix / "bin" / script.name).chmod(0o755)
    # What the conda packages install into the prefix: lab extensions, server extension config.
    lab_settings = Path(sys.prefix) / "share" / "jupyter" / "lab"   # minus its settings/overrides.json
    shutil.copytree(Path(sys.prefix) / "share" / "jupyter", prefix / "share" / "jupyter",
                    ignore=lambda folder, names: ["settings"] if Path(folder) == lab_settings else [])
    shutil.copytree(Path(sys.prefix) / "etc" / "jupyter", prefix / "etc" / "jupyter",
                    ignore=shutil.ignore_patterns("labconfig", "nbgrader.server_extensions.*.json"))
    repo.mkdir()
    for name in ("pyproject.toml", "README.md", "postBuild", "grader_config.py", "nbgrader_config.py"):
        shutil.copy(ROOT / name, repo / name)
    for name in ("course", "lab-config", "release"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    env = tool_env()
    env["PATH"] = f"{prefix / 'bin'}{os.pathsep}{env['PATH']}"
    proc = subprocess.run(["bash", "postBuild"], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return prefix, repo


def test_nbgrader_reads_the_course_config_from_the_repo_root():
    code = ("from nbgrader.apps.nbgraderapp import NbGraderApp as A; import json; a = A(); a.initialize([]); "
            "c = a.config; print(json.dumps([c.CourseDirectory.course_id, c.OverwriteCells.add_missing_cells, "
            "c.ExecutePreprocessor.timeout]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=tool_env(), capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == ["nn-from-scratch", True, 60]


def test_nbgrader_lab_extensions_are_enabled_and_ok():
    proc = run_tool(["jupyter", "labextension", "list"], cwd=ROOT)
    text = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
    for extension in ("@jupyter/nbgrader", "@jupyter-widgets/jupyterlab-manager"):
        line = next((l for l in text.splitlines() if extension in l), "")
        assert "enabled" in line and "OK" in line, f"{extension} is not enabled and OK:\n{text}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


class _Lab:
    """A JupyterLab server started by a command (with LAB_ARGS-style arguments), in its own session."""

    def __init__(self, command: list[str], cwd: Path, env: dict | None = None):
        self.port, self.token = _free_port(), "course-test-token"
        args = f"--no-browser --port={self.port} --ServerApp.port_retries=0 --ServerApp.token={self.token}"
        if command[0] == "make":
            command = [*command, f"LAB_ARGS={args}"]
        else:
            command = [*command, *args.split()] + (["--allow-root"] if os.getuid() == 0 else [])
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(command, cwd=cwd, env=env or tool_env(), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.output = ""

    def wait(self, timeout: float = 180) -> "_Lab":
        deadline = time.time() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=10).close()
                return self
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise AssertionError(f"JupyterLab did not start:\n{self.output[-3000:]}")
                time.sleep(0.5)

    def get(self, path: str) -> tuple[int, str]:
        return _get(f"{self.base}{path}{'&' if '?' in path else '?'}token={self.token}")

    def page_config(self) -> dict:
        """The page config JupyterLab's front end starts from (embedded in the /lab page)."""
        status, page = self.get("/lab")
        assert status == 200 and "JupyterLab" in page
        data = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
        return json.loads(data.group(1))

    def news_default(self) -> str:
        """fetchNews as JupyterLab serves it: the schema default after the overrides.json files."""
        status, text = self.get("/lab/api/settings/@jupyterlab/apputils-extension:notification")
        assert status == 200, status
        return json.loads(text)["schema"]["properties"]["fetchNews"]["default"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        self.output = self.proc.communicate(timeout=30)[0]


INSTRUCTOR_PLUGINS = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list"}
LEARNER_PLUGINS = {"@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:validate-assignment",
                   "@jupyter/nbgrader:menu", "@jupyter-widgets/jupyterlab-manager:plugin"}


def _assert_learners_lab(lab: _Lab) -> None:
    """No instructor tools, no news prompt; Validate and the Assignment List are there."""
    disabled = set(lab.page_config()["disabledExtensions"])
    assert INSTRUCTOR_PLUGINS <= disabled and not LEARNER_PLUGINS & disabled, disabled
    assert lab.get("/formgrader")[0] == 404 and lab.get("/formgraders")[0] == 404
    # the Validate button's and the Assignment List's server side (both answer this route)
    assert lab.get("/nbgrader_version?version=0.9.6") == (200, '{"success": true}')
    assert lab.news_default() == "false"


def test_postbuild_gives_the_learners_lab_in_a_fresh_environment(binder_like_env):
    """The stand-in for a Binder build (no Docker here): postBuild in a fresh prefix, then
    JupyterLab from that prefix, as mybinder.org would start it."""
    prefix, repo = binder_like_env
    env = tool_env()
    env["PATH"] = f"{prefix / 'bin'}{os.pathsep}{env['PATH']}"
    imported = subprocess.run([str(prefix / "bin" / "python"), "-c", "import course; print(course.__file__)"],
                              cwd=prefix, env=env, capture_output=True, text=True, check=True).stdout  # not the repo
    assert imported.strip() == str(repo / "course" / "__init__.py")
    assert json.loads((prefix / "share/jupyter/lab/settings/overrides.json").read_text()) == \
        {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}
    lab = _Lab([str(prefix / "bin" / "jupyter"), "lab", f"--ServerApp.root_dir={repo}"], cwd=repo, env=env).wait()
    try:
        _assert_learners_lab(lab)
        status, listing = lab.get("/api/contents/release/00_welcome")
        assert status == 200 and "welcome.ipynb" in {item["name"] for item in json.loads(listing)["content"]}
    finally:
        lab.stop()


def test_make_lab_is_the_learners_lab_and_make_lab_instructor_adds_the_formgrader():
    """`make lab` starts JupyterLab on release/ without the instructor tools or the news prompt;
    `make lab-instructor` starts it with the Formgrader reading the course config."""
    learner = _Lab(["make", "lab"], cwd=ROOT)
    instructor = _Lab(["make", "lab-instructor"], cwd=ROOT)   # both start at once: half the wait
    try:
        learner.wait(), instructor.wait()
        _assert_learners_lab(learner)
        status, page = learner.get("/lab/tree/release")
        assert status == 200 and "JupyterLab" in page
        status, listing = learner.get("/api/contents/release")
        assert "01_forward_pass" in {item["name"] for item in json.loads(listing)["content"]}

        disabled = set(instructor.page_config()["disabledExtensions"])
        assert not (INSTRUCTOR_PLUGINS | LEARNER_PLUGINS) & disabled, disabled
        status, assignments = instructor.get("/formgrader/api/assignments")
        assert status == 200 and "01_forward_pass" in {a["name"] for a in json.loads(assignments)}
        assert instructor.get("/formgraders")[0] == 200
        assert instructor.news_default() == "false"
    finally:
        learner.stop(), instructor.stop()
    assert "/lab/tree/release" in learner.output, learner.output[-2000:]
