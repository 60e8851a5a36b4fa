"""A real PostgreSQL server for the tests: Debian's own binaries, a data folder in a temporary
directory, started by the test and stopped at teardown. No system service is touched.

PostgreSQL refuses to run as root, so when the tests run as root (CI, these machines) the server
runs as the ``postgres`` user that Debian's package creates. It listens on 127.0.0.1 on a free
port (and on a Unix socket in its own folder); the database trusts local connections, as a
throw-away test server may.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "grader"


def bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries: Debian keeps them in /usr/lib/postgresql/<ver>/bin."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``with Server() as pg: pg.create_database("gradebook")`` gives a URL for SQLAlchemy."""

    def __init__(self):
        self.bin = bin_dir()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl) are missing: install the Debian "
                               "package `postgresql` (`make test` does so where it can)")
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root, and there is no `postgres` user to run PostgreSQL as "
                                   "(Debian's `postgresql` package creates it)") from None
            self.run_as = ["runuser", "-u", "postgres", "--"]
        self.port = _free_port()

    def _run(self, args: list[str]) -> subprocess.CompletedProcess:
        # From the server's own folder: the caller's may be closed to the postgres user (/root/...).
        proc = subprocess.run([*self.run_as, *args], cwd=self.home, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}\n{log[-3000:]}")
        return proc

    def start(self) -> "Server":
        # A folder of its own under /tmp (pytest's tmp_path is private to root), owned by the server's user.
        self.home = Path(tempfile.mkdtemp(prefix="course-pg-"))
        self.data, self.sockets, self.log = self.home / "data", self.home / "sockets", self.home / "server.log"
        self.sockets.mkdir()
        if self.run_as:
            for path in (self.home, self.sockets):
                shutil.chown(path, "postgres", "postgres")
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8",
                   "--no-sync", "--no-instructions"])
        # A test server: no fsync, and enough connections for parallel graders.
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.sockets} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60",
                   "start"])
        return self

    def stop(self) -> None:
        try:
            self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.home, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL with psycopg 3 (``pip install psycopg[binary]``, the `postgres` extra)."""
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def is_running(self) -> bool:
        proc = subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                              capture_output=True, text=True)
        return proc.returncode == 0

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
