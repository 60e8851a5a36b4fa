"""The setup a student, an instructor and Binder rely on: dependencies, config, JupyterLab."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request

import yaml

from conftest import ROOT, run_tool, tool_env


def _pinned(requirement: str) -> tuple[str, str]:
    name, version = re.split(r"==|=", requirement.strip(), maxsplit=1)
    return name.strip().lower(), version.strip()


def test_environment_yml_lists_the_same_packages_as_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pip_deps = dict(_pinned(r) for r in pyproject["project"]["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    conda_deps = dict(_pinned(d) for d in conda if "=" in d and not d.startswith("python="))
    assert conda_deps == pip_deps, f"environment.yml {conda_deps} != pyproject.toml {pip_deps}"
    python = next(d for d in conda if d.startswith("python="))
    assert python == "python=3.11"


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


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def test_make_lab_serves_the_course():
    """`make lab` starts JupyterLab on release/, with the formgrader reading the course config."""
    port, token = _free_port(), "course-test-token"
    args = f"--no-browser --port={port} --ServerApp.port_retries=0 --ServerApp.token={token}"
    proc = subprocess.Popen(["make", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=tool_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                _get(f"{base}/api/status?token={token}")
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, "JupyterLab did not start"
                time.sleep(0.5)
        status, page = _get(f"{base}/lab/tree/release?token={token}")
        assert status == 200 and "JupyterLab" in page
        status, listing = _get(f"{base}/api/contents/release?token={token}")
        names = {item["name"] for item in json.loads(listing)["content"]}
        assert "01_forward_pass" in names
        status, assignments = _get(f"{base}/formgrader/api/assignments?token={token}")
        assert "01_forward_pass" in {a["name"] for a in json.loads(assignments)}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=30)[0]
    assert "/lab/tree/release" in output, output[-2000:]
