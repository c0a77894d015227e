"""A throwaway PostgreSQL server for the tests and benchmarks: Debian's PostgreSQL (15 or later) server,
initdb into a temporary directory (as the postgres user when run as root: initdb refuses root), started with
pg_ctl on a free loopback port with its socket in that directory, and removed afterwards. `make test`
installs the server with apt when it is missing; without it, the PostgreSQL tests are skipped, saying why."""
from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class Unavailable(Exception):
    """No PostgreSQL server can be started here (the reason is the message)."""


def bin_dir() -> Path:
    """The newest installed PostgreSQL server's bin directory (Debian's /usr/lib/postgresql/NN/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found or int(found[-1].parent.parent.name) < 15:
        raise Unavailable("no PostgreSQL 15+ server is installed (make test installs Debian's postgresql with apt)")
    return found[-1].parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A PostgreSQL cluster of its own: start(), url(), new_database(), stop() and start() again, remove()."""

    def __init__(self):
        self.bin = bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="scorecard-pg-"))
        self.port = free_port()
        self._names = itertools.count(1)
        self._as = []
        try:
            self._init()
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def _init(self) -> None:
        if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
            if shutil.which("runuser") is None:
                raise Unavailable("running as root, and runuser (to run initdb as postgres) is missing")
            try:
                import pwd
                pw = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise Unavailable("running as root, and there is no postgres user to run initdb as") from exc
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", self.dir / "data", "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8",
                  "--locale", "C")
        self.start()

    def _run(self, tool: str, *args) -> None:
        res = subprocess.run([*self._as, self.bin / tool, *map(str, args)], capture_output=True, text=True,
                             timeout=120)
        if res.returncode != 0:
            log = self.dir / "log"
            raise Unavailable(f"{tool} failed: {(res.stderr or res.stdout).strip()[-500:]}"
                              + (f"\n{log.read_text()[-500:]}" if log.exists() else ""))

    def start(self) -> None:
        self._run("pg_ctl", "-D", self.dir / "data", "-l", self.dir / "log", "-w", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -F -c max_connections=300",
                  "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.dir / "data", "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, template: str | None = None) -> str:
        """A new database's URL (a copy of the database at the URL template, when given: nobody may be
        connected to that one)."""
        import psycopg
        name = f"t{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template.rsplit('/', 1)[1]}" if template else ""))
        return self.url(name)

    def remove(self) -> None:
        with contextlib.suppress(Unavailable):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
