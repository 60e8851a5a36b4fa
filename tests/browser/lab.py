"""Drive a real JupyterLab in Debian's chromium with Playwright (sync API).

Used by the browser tests (``tests/browser/test_notebooks_in_browser.py``), the latency benchmark
(``benchmarks/widget_latency.py``) and the screenshots (``tests/browser/screenshots.py``).

* :func:`course_copy` copies the course (source/, release/, the nbgrader config) to a temporary
  folder, so that running notebooks in the browser never changes the repository.
* :class:`LabServer` starts ``jupyter lab`` from this venv on that copy, with its own user-settings
  and workspaces folders (so a developer's own JupyterLab settings play no part) and notebook
  windowing off (every cell is in the page, so cells need not be scrolled into view to render).
  The system-wide settings of the venv (``<sys.prefix>/share/jupyter/lab/settings``) still apply,
  as for a learner.
* :class:`Lab` is one browser page on that server: open a notebook, run all its cells, wait until
  the kernel is idle, then read what a learner sees (error outputs, math, widgets, explorers),
  move a control and wait for the explorer's figure to change.

The DOM contract the explorers follow (``course/explorers/_live.py``): the root of every explorer
has the CSS class ``course-explorer``; its figure is the ``img`` of the ``course-figure`` Image
widget, whose ``src`` changes on every redraw; the caption is ``course-caption``.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
NOTEBOOKS = sorted(str(p.relative_to(ROOT / "source")) for p in (ROOT / "source").glob("*/*.ipynb"))

EXPLORER = ".course-explorer"
FIGURE_IMG = ".course-figure img, img.course-figure"
CAPTION = ".course-caption"
BUTTON = "button.jupyter-button:not(.widget-toggle-button)"  # a Button widget (not one of ToggleButtons)
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def browser_missing() -> str | None:
    """What is missing to run the browser tests, in words naming what to install (None: nothing)."""
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Python package `playwright` (pip install -e '.[test]', or `make setup`)")
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"Debian's chromium at {CHROMIUM} (apt-get install chromium, or `make system-packages`)")
    return "; ".join(missing) or None


def course_copy(dest: Path, with_release: bool = True) -> Path:
    """A copy of the course for the browser: source/, release/ and the nbgrader config."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "hints_used.json")
    shutil.copytree(ROOT / "source", dest / "source", ignore=ignore)
    if with_release and (ROOT / "release").is_dir():
        shutil.copytree(ROOT / "release", dest / "release", ignore=ignore)
    for name in ("grader_config.py", "nbgrader_config.py"):
        shutil.copy(ROOT / name, dest / name)
    return dest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``jupyter lab`` on ``root`` (a course copy), from this venv, stopped by :meth:`stop`."""

    def __init__(self, root: Path, token: str = "course-browser-test", extra_args: tuple[str, ...] = ()):
        self.root = Path(root)
        self.token = token
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.state = Path(tempfile.mkdtemp(prefix="lab-state-"))
        settings = self.state / "user-settings" / "@jupyterlab" / "notebook-extension"
        settings.mkdir(parents=True)
        # every cell in the page (no virtual scrolling), so all outputs render without scrolling
        (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
        (self.state / "workspaces").mkdir()
        self.log = open(self.state / "server.log", "w+")
        args = [str(BIN / "jupyter"), "lab", "--no-browser", f"--port={self.port}", "--ServerApp.port_retries=0",
                "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={self.root}",
                "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={self.state / 'user-settings'}",
                f"--LabApp.workspaces_dir={self.state / 'workspaces'}"]
        if os.getuid() == 0:
            args.append("--allow-root")
        args.extend(extra_args)
        env = dict(os.environ)
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
        env["JUPYTER_RUNTIME_DIR"] = str(self.state / "runtime")
        # the venv's own Jupyter config and settings (what `make setup` and Binder's postBuild
        # make), not the user's ~/.jupyter or an instructor's JUPYTER_CONFIG_PATH
        env["JUPYTER_CONFIG_DIR"] = str(self.state / "config")
        env["JUPYTER_DATA_DIR"] = str(self.state / "data")
        for name in ("JUPYTER_CONFIG_PATH", "JUPYTER_PATH", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
            env.pop(name, None)
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        env.setdefault("OMP_NUM_THREADS", "1")
        env.pop("MPLBACKEND", None)  # the notebooks' %matplotlib inline decides, as for a learner
        self.proc = subprocess.Popen(args, cwd=self.root, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"JupyterLab did not start:\n{self.server_log()[-3000:]}")
                time.sleep(0.3)

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"

    def server_log(self) -> str:
        self.log.flush()
        return (self.state / "server.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.state, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


@contextlib.contextmanager
def chromium(viewport=(1400, 1000)):
    """A Playwright chromium browser (Debian's) and one context; yields the context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                          device_scale_factor=1)
            yield context
        finally:
            browser.close()


# ---------------------------------------------------------------------------------------------
# The page: JavaScript run in JupyterLab (window.jupyterapp is exposed by the server option above)

_PANEL = """
const app = window.jupyterapp;
const panel = app.shell.currentWidget;
"""

_READY = """(path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return false;
  const panel = app.shell.currentWidget;
  return !!(panel && panel.context && panel.context.path === path && panel.context.isReady && panel.sessionContext
            && panel.sessionContext.session && panel.sessionContext.session.kernel
            && panel.sessionContext.session.kernel.status === 'idle' && panel.content && panel.content.widgets.length > 0);
}"""

# close every open document without saving (this is a scratch copy), shutting down its kernel
_CLOSE_ALL = """async () => {
  const app = window.jupyterapp;
  for (const widget of [...app.shell.widgets('main')]) {
    if (widget.sessionContext) { try { await widget.sessionContext.shutdown(); } catch (e) {} }
    if (widget.context && widget.context.model) widget.context.model.dirty = false;
    widget.close();
  }
  window.__courseRun = null;
}"""

_START_RUN_ALL = """async () => {
  %s
  await panel.context.ready;
  await panel.sessionContext.ready;
  window.__courseRun = {done: false};
  app.commands.execute('notebook:run-all-cells').then(
    ok => { window.__courseRun = {done: true, ok: ok}; },
    err => { window.__courseRun = {done: true, ok: false, error: String(err)}; });
}""" % _PANEL

_RUN_FINISHED = """() => {
  %s
  if (!window.__courseRun || !window.__courseRun.done) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  return panel.content.widgets.every(c => c.model.type !== 'code' || c.model.executionState !== 'running');
}""" % _PANEL

# every widget output has rendered (or failed) and every explorer shows a loaded figure
_WIDGETS_SETTLED = """(expected) => {
  %s
  const root = panel.content.node;
  const pending = [...root.querySelectorAll('.jp-OutputArea-output')]
    .filter(v => /^\\s*Loading widget/.test(v.innerText) && !v.querySelector('.jupyter-widgets'));
  if (pending.length) return false;
  const explorers = [...root.querySelectorAll('%s')];
  if (explorers.length < expected) return false;
  return explorers.every(e => { const img = e.querySelector('%s'); return img && img.src && img.complete && img.naturalWidth > 0; });
}""" % (_PANEL, EXPLORER, FIGURE_IMG)

# what a learner sees, read from the page after run-all
_REPORT = """() => {
  %s
  const root = panel.content.node;
  const text = el => (el.innerText || el.textContent || '').trim();
  const cells = panel.content.widgets.map((cell, index) => {
    const node = cell.node;
    const out = {index, type: cell.model.type};
    if (cell.model.type === 'markdown') {
      const rendered = node.querySelector('.jp-RenderedMarkdown');
      out.rendered = !!rendered;
      out.mathjax = node.querySelectorAll('mjx-container').length;
      if (rendered) {
        const clone = rendered.cloneNode(true);
        clone.querySelectorAll('code, pre, mjx-container, mjx-assistive-mml, script').forEach(e => e.remove());
        out.plain = clone.textContent;
      }
    }
    if (cell.model.type === 'code') {
      out.errors = [...node.querySelectorAll('%s')].map(e => text(e).slice(0, 2000));
      // widget outputs, from the notebook model, against widget views rendered in the page
      out.widget_views = cell.model.outputs.toJSON()
        .filter(o => o.data && o.data['application/vnd.jupyter.widget-view+json']).length;
      out.widget_rendered = [...node.querySelectorAll('.jp-OutputArea-output')]
        .filter(v => v.querySelector(':scope > .jupyter-widgets')).length;
      out.widget_errors = [...node.querySelectorAll('.jp-OutputArea-output')]
        .filter(v => /Error displaying widget|Loading widget/.test(text(v)) && !v.querySelector('.jupyter-widgets')).map(text);
      out.execution_count = cell.model.executionCount;
    }
    return out;
  });
  const explorers = [...root.querySelectorAll('%s')].map(e => {
    const img = e.querySelector('%s');
    const caption = e.querySelector('%s');
    const truncated = [...e.querySelectorAll('.widget-label, .widget-button, .jupyter-button, .widget-toggle-button')]
      .filter(l => l.offsetParent !== null && l.scrollWidth > l.clientWidth + 1).map(text);
    const labels = [...e.querySelectorAll('.widget-label, .jupyter-button')].map(text).filter(t => t);
    return {src: img ? img.src : null, width: img ? img.naturalWidth : 0, height: img ? img.naturalHeight : 0,
            caption: caption ? text(caption) : null, labels, truncated,
            sliders: e.querySelectorAll('.widget-slider').length,
            buttons: e.querySelectorAll('%s').length,
            dropdowns: e.querySelectorAll('.widget-dropdown select').length,
            toggles: e.querySelectorAll('.widget-toggle-buttons').length,
            checkboxes: e.querySelectorAll('.widget-checkbox input[type=checkbox]').length,
            names: {  // each control's description, in page order, by kind
              slider: [...e.querySelectorAll('.widget-slider')].map(w => text(w.querySelector('.widget-label') || w)),
              button: [...e.querySelectorAll('%s')].map(text),
              dropdown: [...e.querySelectorAll('.widget-dropdown')].map(w => text(w.querySelector('.widget-label') || w)),
              toggle: [...e.querySelectorAll('.widget-toggle-buttons')].map(w => text(w.querySelector('.widget-label') || w)),
              checkbox: [...e.querySelectorAll('.widget-checkbox')].map(text)}};
  });
  return {path: panel.context.path, cells, explorers};
}""" % (_PANEL, STDERR, EXPLORER, FIGURE_IMG, CAPTION, BUTTON, BUTTON)

# Before a control is touched: note the figure's src; time the input event (its timeStamp is on the
# performance.now() clock), the src change (MutationObserver) and the new image decoded and painted.
_ARM = """(index) => {
  %s
  const ex = panel.content.node.querySelectorAll('%s')[index];
  const figure = () => ex.querySelector('%s');
  const rec = {t0: null, src: null, shown: null, before: figure().src, kind: null};
  window.__courseLatency = rec;
  const onInput = e => { if (rec.t0 === null) { rec.t0 = e.timeStamp; rec.kind = e.type; } };
  for (const type of ['keydown', 'mousedown', 'change']) document.addEventListener(type, onInput, true);
  const seen = () => {
    const img = figure();
    if (!img || img.src === rec.before || rec.src !== null) return;
    rec.src = performance.now();
    const shown = () => requestAnimationFrame(() => { rec.shown = performance.now(); });
    img.decode().then(shown, shown);
  };
  const observer = new MutationObserver(seen);
  observer.observe(ex, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  rec.disarm = () => { observer.disconnect(); for (const type of ['keydown', 'mousedown', 'change']) document.removeEventListener(type, onInput, true); };
}""" % (_PANEL, EXPLORER, FIGURE_IMG)

_LATENCY = """() => { const r = window.__courseLatency; return r ? {t0: r.t0, src: r.src, shown: r.shown, kind: r.kind} : null; }"""
_DISARM = """() => { const r = window.__courseLatency; if (r) r.disarm(); }"""


class Lab:
    """One browser page with JupyterLab on a :class:`LabServer`, one notebook open at a time."""

    def __init__(self, server: LabServer, context):
        self.server = server
        self.page = context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(f"pageerror: {e}"))

    def close(self, shutdown_kernel: bool = True) -> None:
        if shutdown_kernel:
            with contextlib.suppress(Exception):
                self.page.evaluate("async () => { const p = window.jupyterapp.shell.currentWidget; "
                                   "if (p && p.sessionContext) await p.sessionContext.shutdown(); }")
        self.page.close(run_before_unload=False)

    def open(self, path: str, timeout: float = 120) -> None:
        """Open ``path`` (relative to the server root) and wait for its kernel to be idle.

        The first notebook loads JupyterLab in a fresh workspace; later ones are opened in the same
        page (File > Open), after closing the previous notebook and shutting down its kernel."""
        loaded = self.page.evaluate("() => !!(window.jupyterapp && window.jupyterapp.shell)")
        if loaded:
            self.page.evaluate(_CLOSE_ALL)
            self.page.evaluate("(path) => { window.jupyterapp.commands.execute('docmanager:open', {path}); }", path)
        else:
            workspace = "w" + str(abs(hash((path, time.time()))))[:10]
            self.page.goto(self.server.url(f"/lab/workspaces/{workspace}/tree/{path}?reset"), timeout=timeout * 1000)
        try:
            self.page.wait_for_function(_READY, arg=path, timeout=timeout * 1000, polling=200)
        except Exception as error:
            dialogs = self.page.locator(".jp-Dialog").all_inner_texts()
            raise AssertionError(f"{path} did not open with an idle kernel in {timeout} s (dialogs: {dialogs}); "
                                 f"server log:\n{self.server.server_log()[-2000:]}") from error

    def run_all(self, timeout: float = 300) -> float:
        """Run every cell (the Run menu's "Run All Cells") and wait until all have finished."""
        start = time.perf_counter()
        self.page.evaluate(_START_RUN_ALL)
        self.page.wait_for_function(_RUN_FINISHED, timeout=timeout * 1000, polling=250)
        return time.perf_counter() - start

    def wait_for_widgets(self, expected_explorers: int = 0, timeout: float = 60) -> None:
        self.page.wait_for_function(_WIDGETS_SETTLED, arg=expected_explorers, timeout=timeout * 1000, polling=200)

    def report(self) -> dict:
        return self.page.evaluate(_REPORT)

    def explorer(self, index: int):
        return self.page.locator(f".jp-NotebookPanel {EXPLORER}").nth(index)

    def figure_src(self, index: int) -> str:
        return self.explorer(index).locator(FIGURE_IMG).first.get_attribute("src") or ""

    def act(self, index: int, control: str, nth: int = 0) -> str:
        """Move one control of explorer ``index`` as a learner would, by keyboard or mouse.

        ``control``: "slider" (focus the handle, press an arrow key away from the end it is at),
        "button" (click), "dropdown" (choose the next option), "toggle" (click the option of a
        ToggleButtons not selected) or "checkbox" (click it). Returns what was done, in words."""
        ex = self.explorer(index)
        if control == "slider":
            handle = ex.locator(".widget-slider .noUi-handle").nth(nth)
            handle.scroll_into_view_if_needed()
            now, top = (float(handle.get_attribute(a) or 0) for a in ("aria-valuenow", "aria-valuemax"))
            key = "ArrowLeft" if now >= top else "ArrowRight"
            handle.focus()
            self.page.keyboard.press(key)
            return f"slider {nth} {key}"
        if control == "button":
            button = ex.locator(BUTTON).nth(nth)
            button.scroll_into_view_if_needed()
            button.click()
            return f"button {button.inner_text()!r}"
        if control == "dropdown":
            select = ex.locator(".widget-dropdown select").nth(nth)
            select.scroll_into_view_if_needed()
            options = select.locator("option").all_inner_texts()
            current = select.evaluate("s => s.selectedIndex")
            select.select_option(index=(current + 1) % len(options))
            return f"dropdown -> {options[(current + 1) % len(options)]!r}"
        if control == "toggle":
            toggle = ex.locator(".widget-toggle-buttons").nth(nth).locator(".widget-toggle-button:not(.mod-active)").first
            toggle.scroll_into_view_if_needed()
            text = toggle.inner_text()
            toggle.click()
            return f"toggle -> {text!r}"
        if control == "checkbox":
            box = ex.locator(".widget-checkbox input[type=checkbox]").nth(nth)
            box.scroll_into_view_if_needed()
            box.click()
            return f"checkbox -> {box.is_checked()}"
        raise ValueError(control)

    def timed_change(self, index: int, control: str, nth: int = 0, timeout: float = 10) -> dict:
        """Move a control and wait until the explorer's figure has been redrawn.

        Returns the times in ms on the page's clock, from the input event: ``src`` (the image's
        source replaced) and ``shown`` (the new image decoded, at the next frame), and ``did``."""
        self.page.evaluate(_ARM, index)
        try:
            did = self.act(index, control, nth)
            try:
                self.page.wait_for_function("() => window.__courseLatency.shown !== null", timeout=timeout * 1000,
                                            polling="raf")
            except Exception as error:
                raise AssertionError(f"explorer {index}: {did} did not redraw its figure within {timeout} s") from error
            rec = self.page.evaluate(_LATENCY)
        finally:
            self.page.evaluate(_DISARM)
        return {"did": did, "src": rec["src"] - rec["t0"], "shown": rec["shown"] - rec["t0"], "event": rec["kind"]}

    def validate(self, timeout: float = 180) -> dict:
        """Press nbgrader's Validate toolbar button; return the result dialog's title, classes, text."""
        self.page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).first.click()
        dialog = self.page.locator(".jp-Dialog").first
        dialog.wait_for(state="visible", timeout=timeout * 1000)
        result = dialog.evaluate("""d => ({title: (d.querySelector('.jp-Dialog-header') || d).innerText.trim(),
            classes: [...d.classList], message_classes: [...(d.querySelector('#validation-message') || {classList: []}).classList],
            text: (d.querySelector('.jp-Dialog-body') || d).innerText})""")
        dialog.locator("button", has_text="Ok").first.click()
        return result


@contextlib.contextmanager
def run_source_notebooks(notebooks, prefix: str):
    """For the scripts (screenshots, latency benchmark): one JupyterLab on a temp copy of the
    course and one page; yields a generator of ``(assignment, page)``, each source notebook opened,
    run all and its widgets rendered."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        root = course_copy(Path(tmp) / "course", with_release=False)
        with LabServer(root) as server, chromium() as context:
            page = Lab(server, context)

            def each():
                for notebook in notebooks:
                    page.open(f"source/{notebook}")
                    page.run_all()
                    page.wait_for_widgets(1)
                    yield notebook.split("/")[0], page

            yield each()
            page.close()

