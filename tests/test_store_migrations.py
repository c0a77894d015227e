"""The schema's migrations (queries/migrations/NNN_name.sql): a store built by the code before they were files
opens unchanged, and pending migrations run in order in one transaction (all or none)."""
import io
import subprocess
import sys
import tarfile

import duckdb
import pytest

from scorecard import store as store_mod
from scorecard.store import MIGRATIONS, Store
from tests.conftest import ROOT
from tests.test_summary_before_after import BEFORE

SEED = r"""
import sys
sys.path.insert(0, sys.argv[1])
from scorecard.demo import seed_if_empty
from scorecard.store import Store
store = Store(sys.argv[2])
seed_if_empty(store)
store.log_event("someone@example.gov.uk", "admin", "sign-in")
store.close()
"""


def everything(path) -> dict:
    """Every table's rows and columns and every view's definition, as they are in the file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {"tables": {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables},
                "views": con.execute("SELECT view_name, sql FROM duckdb_views() "
                                     "WHERE NOT internal ORDER BY 1").fetchall(),
                "columns": con.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                                       "WHERE table_name IN (SELECT table_name FROM duckdb_tables()) "
                                       "ORDER BY ALL").fetchall()}
    finally:
        con.close()


NEWER = {"plan_versions"}  # tables of the migrations newer than that code (007): made, empty, when it opens


def as_then(state: dict) -> dict:
    """A store's state without what the newer migrations added: their tables and the schema version."""
    return {"tables": {t: [r for r in rows if not r.startswith("('schema_version'")]
                       for t, rows in state["tables"].items() if t not in NEWER},
            "views": state["views"], "columns": [c for c in state["columns"] if c[0] not in NEWER]}


def test_a_store_built_by_the_code_before_opens_unchanged_and_matches_one_built_now(tmp_path):
    try:
        tar = subprocess.run(["git", "archive", BEFORE, "scorecard", "queries", "data/demo"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"commit {BEFORE} is not in this clone")
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(tmp_path / "before", filter="data")
    db = tmp_path / "built-before.duckdb"
    res = subprocess.run([sys.executable, "-c", SEED, str(tmp_path / "before"), str(db)], capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    before = everything(db)
    s = Store(db)
    assert s.schema_version() == len(MIGRATIONS)
    s.close()
    after = everything(db)
    assert as_then(after) == as_then(before) and len(before["tables"]["uploads"]) == 5
    assert not NEWER & set(before["tables"]) and all(after["tables"][t] == [] for t in NEWER)
    Store(tmp_path / "fresh.duckdb").close()  # from nothing: the migration files build the same schema
    fresh = everything(tmp_path / "fresh.duckdb")
    assert (fresh["views"], fresh["columns"]) == (after["views"], after["columns"])
    assert fresh["tables"]["meta"] == ["('data_version', '0')", f"('schema_version', '{len(MIGRATIONS)}')"]


def test_pending_migrations_run_in_one_transaction(demo_copy, tmp_path, monkeypatch):
    con = duckdb.connect(str(demo_copy))  # wind the store back to before the tolerance column (version 5)
    con.execute("ALTER TABLE measures DROP COLUMN tolerance")
    con.execute("DROP TABLE plan_versions")
    con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    con.close()
    broken = tmp_path / "999_broken.sql"
    broken.write_text("CREATE TABLE fine (x INTEGER);\nSELECT * FROM no_such_table;\n")
    monkeypatch.setattr(store_mod, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(duckdb.CatalogException):
        Store(demo_copy)
    con = duckdb.connect(str(demo_copy), read_only=True)  # none of them ran: 006, 007, 999's table, the version
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("5",)
    assert not con.execute("SELECT count(*) FROM information_schema.columns "
                           "WHERE table_name = 'measures' AND column_name = 'tolerance'").fetchone()[0]
    assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('fine', 'plan_versions')"
                           ).fetchone()[0]
    con.close()
    monkeypatch.setattr(store_mod, "MIGRATIONS", MIGRATIONS)
    s = Store(demo_copy)
    assert s.schema_version() == len(MIGRATIONS)
    assert s.cursor().execute("SELECT count(*) FROM current_measures WHERE tolerance IS NULL").fetchone()[0] > 0
    s.close()
