"""A full disk: the command line says so in one line with exit code 3, and the store is left whole.

The store lives on a small tmpfs mounted for the test (so this needs root; it is skipped otherwise).
DuckDB writes a transaction to its write-ahead log at COMMIT; when that write fails it truncates the
log back to where it was and rolls the transaction back, and a checkpoint that cannot be written
leaves the log in place to be replayed at the next start. So an import that fills the disk changes
nothing, and an import committed just before (whose checkpoint could not be written) is kept.
"""
import os
import subprocess
import sys

import pytest

from benchmarks.generate import council_workbook
from scorecard.store import _TABLES, Store
from tests.conftest import MEASURES, ROOT, make_workbook

pytestmark = pytest.mark.slow  # every test here takes more than about half a second on its own

TABLES = [*_TABLES, "uploads", "audit_log", "meta"]


@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scorecard", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, env={**os.environ, "SCORECARD_LOCK_WAIT": "5"})


def contents(db) -> dict:
    """Every row of every table, read without writing anything."""
    s = Store(db, read_only=True)
    try:
        return {t: sorted(map(repr, s.cursor().execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES}
    finally:
        s.close()


def fill(disk, leave: int) -> None:
    """Fill the disk with a ballast file, leaving `leave` bytes free."""
    st = os.statvfs(disk)
    with open(disk / "ballast", "wb") as f:
        f.write(b"\0" * (st.f_bavail * st.f_frsize - leave))


def test_an_import_that_fills_the_disk_exits_3_in_one_line_and_changes_nothing(small_disk, tmp_path):
    db = small_disk / "scorecard.duckdb"
    first = make_workbook(tmp_path / "first.xlsx", {"Plan": [["Plan", "Testshire"]], "Measures": MEASURES,
                                                    "Values": [["Code", "Period", "Value"], ["CIN8", "Apr-24", 70]]})
    assert cli("import", first, "--db", db).returncode == 0
    fill(small_disk, 64 * 1024)
    # A small import still fits in the write-ahead log; its checkpoint into the store file may not.
    second = make_workbook(tmp_path / "second.xlsx", {"Values": [["Code", "Period", "Value"], ["CIN8", "May-24", 71]]})
    res = cli("import", second, "--plan", "Testshire", "--db", db)
    assert res.returncode == 0 and res.stdout.endswith("upload 2 committed\n"), res.stderr
    before = contents(db)

    big = council_workbook(tmp_path / "big.xlsx")  # 10,800 values, 150 actions, 1,000 audit rows
    res = cli("import", big, "--db", db)
    assert res.returncode == 3, (res.stdout, res.stderr)
    assert res.stdout == ""
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert res.stderr.startswith(f"error: cannot write the store {db}: the disk is full (No space left on device); "
                                 "nothing was changed."), res.stderr
    assert contents(db) == before  # readable while the disk is still full, and unchanged

    (small_disk / "ballast").unlink()  # space freed: the store opens, writable, holding what it held
    s = Store(db)
    try:
        assert {t: sorted(map(repr, s.cursor().execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES} == before
        assert [r[0] for r in s.cursor().execute("SELECT id FROM uploads ORDER BY id").fetchall()] == [1, 2]
        assert s.cursor().execute("SELECT count(*) FROM audit_log WHERE event = 'commit'").fetchone()[0] == 2
    finally:
        s.close()
    assert not (small_disk / "scorecard.duckdb.wal").exists()  # replayed and checkpointed into the store file
    res = cli("import", big, "--db", db)
    assert res.returncode == 0 and res.stdout.endswith("upload 3 committed\n"), res.stderr
