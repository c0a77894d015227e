"""An upload's check in a process of its own.

Reading and parsing a workbook is Python through and through (a 5 MB month-end file is about 2 s of CPU). In
the app's process it would take turns for the interpreter with every viewer's page run; in a process of its
own it uses another core, and a file that crashes the reader takes down only that process. The check asks
the store a few questions while it parses (the plan's measures and authority, its import profile, an earlier
upload of the same file): the process sends each question back over its socket and the app's process, which
holds the store, answers it. Nothing is written there: the commit stays in the app's process, in one
transaction.

The process is a fresh interpreter (`python -m scorecard.intake.apart`, about 0.2 s to start), not a fork of
the app's threaded process, so it inherits no locks, threads or store connection.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import subprocess
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from ..store import Store
from .load import Checked, check_files

QUESTIONS = ("known_measures", "known_authority", "profile", "find_upload_by_hash")  # all the check asks
ROOT = Path(__file__).resolve().parents[2]  # where `scorecard` is imported from


class CheckFailed(RuntimeError):
    """The checking process stopped without an answer (killed, out of memory, a crash in the reader)."""


class _AskTheApp:
    """The store as the check sees it in its own process: each question answered by the app's process."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def _ask(self, question: str, *args):
        self._conn.send(("ask", question, args))
        return self._conn.recv()

    def known_measures(self, plan: str) -> dict[str, dict]:
        return self._ask("known_measures", plan)

    def known_authority(self, plan: str) -> str | None:
        return self._ask("known_authority", plan)

    def profile(self, plan: str):
        return self._ask("profile", plan)

    def find_upload_by_hash(self, sha256: str, plan: str) -> dict | None:
        return self._ask("find_upload_by_hash", sha256, plan)


def check_files_apart(store: Store, files: list[tuple[str, bytes]], plan: str | None = None,
                      as_at: dt.date | None = None, audience: str = "app") -> list[Checked]:
    """check_files, run in a process of its own; the store's answers come from this process."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        proc = subprocess.Popen([sys.executable, "-m", "scorecard.intake.apart", str(theirs.fileno())],
                                cwd=ROOT, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        conn = Connection(ours.detach())
    try:
        conn.send((files, plan, as_at, audience))
        while True:
            kind, *rest = conn.recv()
            if kind == "checked":
                return rest[0]
            if kind == "failed":
                logging.getLogger(__name__).error("checking %s failed:\n%s", [n for n, _ in files], rest[1])
                raise CheckFailed(f"the file could not be checked: {rest[0]}")
            question, args = rest
            if question not in QUESTIONS:
                raise CheckFailed(f"the checking process asked for {question!r}")
            conn.send(getattr(store, question)(*args))
    except (EOFError, ConnectionError):  # its end closed: the process stopped
        raise CheckFailed(f"the file could not be checked: the checking process stopped (exit code "
                          f"{proc.wait()})") from None
    finally:
        conn.close()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _main(fd: int) -> None:
    os.nice(10)  # on a busy machine the viewers' page runs go first: an upload's check can wait a moment
    conn = Connection(fd)
    files, plan, as_at, audience = conn.recv()
    try:  # send() pickles the whole answer before it writes a byte: an answer that cannot be sent is a failure
        conn.send(("checked", check_files(_AskTheApp(conn), files, plan, as_at, audience)))
    except Exception as exc:  # sent back as text: the exception itself may not pickle
        conn.send(("failed", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    conn.close()


if __name__ == "__main__":
    _main(int(sys.argv[1]))
