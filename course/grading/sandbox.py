"""Run a student's kernel where it can harm nothing: bubblewrap, resource limits, no network.

Each submission gets a kernel of its own, started by :class:`SandboxKernelManager` inside
`bubblewrap <https://github.com/containers/bubblewrap>`_ (``bwrap``) with:

* its own user, PID, IPC, UTS and network namespaces: no network at all, not even loopback to
  the grader (the grader talks to the kernel over Unix sockets, jupyter's ``ipc`` transport, in a
  folder bound into the sandbox);
* a read-only view of the system libraries, Python (the interpreter's prefix and the virtual
  environment) and the course package, and nothing else: no ``source/`` (the solutions), no
  gradebook, no other student's work, no instructor's home;
* a private, size-limited ``/tmp`` and home that vanish with the kernel, its only writable places;
* resource limits set before ``bwrap`` starts and inherited by everything inside: address space
  (memory, ``Limits.memory``), file size, open files, no core dumps.

The grader enforces the time limits: a per-cell timeout (nbgrader's ``Execute.timeout``) and a
per-notebook one, after which the whole sandbox is killed. Where bubblewrap cannot run (no user
namespaces, macOS, a Binder pod), the kernel still runs under the resource limits, and
:func:`availability` says why, so that the grader can say so loudly.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Any as AnyTrait

COURSE_PACKAGE = Path(__file__).resolve().parents[1]
LAUNCHER = Path(__file__).resolve().with_name("_confine.py")


@dataclass(frozen=True)
class Limits:
    memory: int = 2 * 1024**3  # bytes of address space for the kernel and anything it starts
    cell_timeout: float = 60.0  # seconds for one cell (nbgrader's Execute.timeout)
    notebook_timeout: float = 300.0  # seconds for the whole notebook, kernel start included
    file_size: int = 256 * 1024**2  # largest file the kernel may write
    tmp_size: int = 256 * 1024**2  # size of the kernel's private /tmp and home (tmpfs)
    open_files: int = 1024


@functools.lru_cache(maxsize=None)
def availability(bwrap: str | None = None) -> tuple[bool, str]:
    """(True, "bubblewrap") when a trial sandbox starts, else (False, why not)."""
    exe = bwrap or shutil.which("bwrap")
    if not exe:
        return False, "bubblewrap (bwrap) is not installed; on Debian/Ubuntu: apt-get install bubblewrap"
    try:
        proc = subprocess.run([exe, *base_args(), "--", sys.executable, "-I", "-S", "-c", "print('ok')"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"bubblewrap could not start ({error})"
    if proc.returncode != 0 or proc.stdout.strip() != "ok":
        why = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        return False, f"bubblewrap cannot create a sandbox here ({why[:200]})"
    return True, "bubblewrap"


def _python_roots() -> list[Path]:
    """Folders Python needs to run this environment: the interpreter's prefix and the venv."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), Path(sys.executable).resolve().parent.parent}
    # Keep only the outermost folders, and never a whole home or the root.
    keep = [r for r in sorted(roots) if not any(o != r and o in r.parents for o in roots)]
    return [r for r in keep if r != Path("/")]


def base_args() -> list[str]:
    """bwrap arguments common to every sandbox: namespaces, system folders, Python, the course."""
    args = ["--unshare-all", "--die-with-parent", "--cap-drop", "ALL",
            "--proc", "/proc", "--dev", "/dev"]
    for system in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin"):
        if os.path.lexists(system):
            if os.path.islink(system):  # merged /usr: /bin -> usr/bin
                args += ["--symlink", os.readlink(system), system]
            else:
                args += ["--ro-bind", system, system]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/alternatives", "/etc/fonts"):
        if os.path.exists(etc):
            args += ["--ro-bind", etc, etc]
    for root in _python_roots():
        if not any(str(root).startswith(s + "/") for s in ("/usr", "/lib", "/bin")):
            args += ["--ro-bind", str(root), str(root)]
    # The course package only: its parent folder (the course directory with source/ and the
    # gradebook) appears as an empty folder around it.
    args += ["--ro-bind", str(COURSE_PACKAGE), str(COURSE_PACKAGE)]
    return args


def kernel_environment(home: str) -> dict[str, str]:
    """The kernel's whole environment: nothing of the grader's leaks in (tokens, paths)."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home, "TMPDIR": "/tmp", "LANG": "C.UTF-8",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "MPLCONFIGDIR": f"{home}/.matplotlib", "IPYTHONDIR": f"{home}/.ipython",
        "NBGRADER_EXECUTION": "autograde", "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }


def sandbox_command(cmd: list[str], connection_dir: str, limits: Limits, use_bwrap: bool,
                    fontcache: str | None = None) -> tuple[list[str], dict[str, str], str]:
    """The command, environment and working folder that run ``cmd`` (a kernel) confined.

    ``connection_dir`` holds the kernel's connection file and Unix sockets; it is the one folder
    shared with the grader."""
    rlimits = ["--memory", str(limits.memory), "--file-size", str(limits.file_size),
               "--open-files", str(limits.open_files)]
    launcher = [sys.executable, "-I", "-S", str(LAUNCHER), *rlimits]
    if use_bwrap:
        home = "/home/student"
        env = kernel_environment(home)
        # The private /tmp and /home first: bwrap mounts in order, and a tmpfs mounted after the
        # binds would hide a course or a virtual environment that lives under /tmp or /home.
        args = [shutil.which("bwrap") or "bwrap",
                "--size", str(limits.tmp_size), "--tmpfs", "/tmp",
                "--size", str(limits.tmp_size), "--tmpfs", "/home",
                *base_args(), "--dir", home, "--chdir", home, "--clearenv"]
        for key, value in env.items():
            args += ["--setenv", key, value]
        if fontcache:  # matplotlib's font list, built once per run, so each kernel skips the scan
            args += ["--dir", env["MPLCONFIGDIR"],
                     "--ro-bind", fontcache, f"{env['MPLCONFIGDIR']}/{os.path.basename(fontcache)}"]
        args += ["--bind", connection_dir, connection_dir, "--", *cmd]
        return [*launcher, "--", *args], {"PATH": os.environ.get("PATH", "")}, connection_dir
    home = os.path.join(connection_dir, "home")
    os.makedirs(home, exist_ok=True)
    if fontcache:
        os.makedirs(os.path.join(home, ".matplotlib"), exist_ok=True)
        shutil.copy(fontcache, os.path.join(home, ".matplotlib", os.path.basename(fontcache)))
    return [*launcher, "--", *cmd], kernel_environment(home) | {"TMPDIR": home}, home


# ipykernel_launcher, without the debugger: ipykernel loads debugpy (and with it pydevd and
# matplotlib) when it can, a third of a kernel's start-up, for a debugger grading never uses.
KERNEL_LAUNCH = ("import sys; sys.path[:1] = [] if sys.path[:1] == [''] else sys.path[:1]; "
                 "sys.modules['debugpy'] = None; "
                 "from ipykernel import kernelapp; kernelapp.launch_new_instance()")


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs confined (see the module docstring).

    Configure with ``limits`` (a :class:`Limits`), ``use_bwrap`` and ``fontcache``; the
    connection file must sit in a folder of its own (``connection_file``)."""

    limits = AnyTrait(Limits())
    use_bwrap = AnyTrait(True)
    fontcache = AnyTrait(None)

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)

    def format_kernel_cmd(self, extra_arguments=None):
        # Signals sent from outside do not reach a kernel in its own PID namespace: interrupt it
        # with a message on the control channel instead (the kernel then signals itself).
        self.kernel_spec.interrupt_mode = "message"
        cmd = super().format_kernel_cmd(extra_arguments)
        if cmd[1:3] == ["-m", "ipykernel_launcher"]:
            cmd = [cmd[0], "-c", KERNEL_LAUNCH, *cmd[3:]]
        connection_dir = str(Path(self.connection_file).resolve().parent)
        full, env, cwd = sandbox_command(cmd, connection_dir, self.limits, self.use_bwrap, self.fontcache)
        self._sandbox_env, self._sandbox_cwd = env, cwd
        return full

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # Replace, not extend, the environment jupyter_client passes on: the kernel gets only ours.
        kw["env"] = self._sandbox_env
        kw["cwd"] = self._sandbox_cwd
        # What the kernel prints outside any cell (start-up notes) is not the grader's to show.
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        return await super()._async_launch_kernel(kernel_cmd, **kw)
