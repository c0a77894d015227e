"""Uploads at the same moment are serialised and neither is lost; a process killed in the middle of an
import leaves the store exactly as it was. On both stores: the DuckDB file and PostgreSQL."""
import os
import signal
import subprocess
import sys
import threading

import pytest

from benchmarks.generate import council_workbook
from scorecard.intake import load
from scorecard.store import open_store
from tests.conftest import ROOT, make_workbook

TABLES = ("uploads", "plans", "measures", "measure_values", "audits", "actions")


def snapshot(db) -> tuple:
    s = open_store(db)
    try:
        return s.data_version(), {t: int(s.query(f"SELECT count(*) AS n FROM {t}")["n"].iloc[0]) for t in TABLES}
    finally:
        s.close()


def cli(*args, **env):
    return subprocess.Popen([sys.executable, "-m", "scorecard", *map(str, args)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **env})


def values_workbook(tmp_path, name, plan, value):
    return make_workbook(tmp_path / name, {
        "Plan": [["Plan", plan]], "Measures": [["Code", "Measure", "Unit"], ["M1", "Visits", "%"]],
        "Values": [["Code", "Period", "Value"], ["M1", "Jan-24", value]]})


def test_two_uploads_from_threads_at_once_are_both_kept(store_db, tmp_path):
    store = open_store(store_db)
    checked = [load.check_bytes(store, values_workbook(tmp_path, f"{k}.xlsx", f"Plan {k}", 50 + k).read_bytes(),
                                  f"{k}.xlsx") for k in range(2)]
    barrier = threading.Barrier(2)
    ids, errors = [], []

    def commit(c):
        barrier.wait()
        try:
            ids.append(load.commit(store, c))
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=commit, args=(c,)) for c in checked]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors and sorted(ids) == [1, 2]
        got = store.query("SELECT plan, value FROM current_values ORDER BY plan")
        assert got.values.tolist() == [["Plan 0", 50.0], ["Plan 1", 51.0]]
        assert store.data_version() == 2
    finally:
        store.close()


@pytest.mark.slow
def test_a_second_cli_import_waits_for_the_first_and_both_land(store_db, tmp_path):
    db = store_db
    first = cli("import", values_workbook(tmp_path, "a.xlsx", "Plan A", 60), "--db", db,
                SCORECARD_FAULT_PAUSE="before-commit:2")
    assert first.stderr.readline().strip() == "fault point before-commit"  # inside its transaction now
    second = cli("import", values_workbook(tmp_path, "b.xlsx", "Plan B", 70), "--db", db)
    out_a, _ = first.communicate(timeout=60)
    out_b, err_b = second.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0, err_b
    assert out_a.strip().endswith("upload 1 committed") and out_b.strip().endswith("upload 2 committed")
    assert snapshot(db)[1]["uploads"] == 2


@pytest.mark.slow
def test_kill_9_in_the_middle_of_an_import_leaves_the_store_as_it_was(store_db, tmp_path):
    db = store_db
    first = cli("import", values_workbook(tmp_path, "a.xlsx", "Benchshire 2021-24", 60), "--db", db)
    assert first.wait(timeout=60) == 0
    before = snapshot(db)
    big = council_workbook(tmp_path / "big.xlsx", measures=300, months=120, actions=150, audit_rows=1000)
    victim = cli("import", big, "--db", db, SCORECARD_FAULT_PAUSE="before-commit:60")
    assert victim.stderr.readline().strip() == "fault point before-commit"  # every row inserted, not committed
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    assert snapshot(db) == before  # nothing of the killed import, after the store recovers
    again = cli("import", big, "--db", db)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    version, counts = snapshot(db)
    assert counts["uploads"] == 2 and counts["measure_values"] == 1 + 300 * 120
