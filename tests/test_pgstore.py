"""The PostgreSQL store (scorecard/pgstore.py) beyond what every store does (test_cli_store.py and
test_concurrency.py run on both): choosing it, the append-only audit trail, replicas' read models catching up
with only what changed, and PostgreSQL stopped and started again under a running app."""
import datetime as dt
import subprocess
import sys
import time

import psycopg
import pytest

from scorecard import pgstore, queries
from scorecard.cli import main
from scorecard.store import Store, StoreUnavailable, open_store, postgres_uri
from tests.conftest import ROOT, commit_rows

pytestmark = pytest.mark.slow  # each needs the throwaway PostgreSQL server


def test_the_store_is_chosen_by_scorecard_db(tmp_path, monkeypatch):
    assert postgres_uri("postgresql://u:p@db.example:5432/scorecard") == "postgresql://u:p@db.example:5432/scorecard"
    assert postgres_uri("postgres://db.example/scorecard") == "postgres://db.example/scorecard"
    assert postgres_uri("service=scorecard") == "postgresql://?service=scorecard"
    services = tmp_path / "pg_service.conf"
    services.write_text("[scorecard-prod]\nhost=db.example\ndbname=scorecard\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    assert postgres_uri("scorecard-prod") == "postgresql://?service=scorecard-prod"
    for a_file in ("scorecard-test", "data/scorecard.duckdb", str(tmp_path / "s.duckdb")):
        assert postgres_uri(a_file) is None
    assert pgstore.shown("postgresql://app:secret@db:5432/sc") == "postgresql://app:***@db:5432/sc"
    monkeypatch.setenv("SCORECARD_DB", str(tmp_path / "s.duckdb"))
    s = open_store()
    assert type(s) is Store
    s.close()


def test_store_check_says_which_store_its_schema_version_and_row_counts(store_db, capsys):
    s = open_store(store_db)
    commit_rows(s, "P", values=[("M1", dt.date(2024, 1, 1), 50)])
    s.close()
    assert main(["store", "check", "--db", store_db]) == 0
    lines = capsys.readouterr().out.splitlines()
    which = "PostgreSQL 1" if store_db.startswith("postgresql://") else "DuckDB file "
    assert lines[0].startswith(f"store: {which}") and store_db.split("/")[-1] in lines[0]
    assert lines[1] == "schema version: 7 (this code's: 7)"
    counts = dict(line.split() for line in lines[2:])
    assert (counts["uploads"], counts["measure_values"], counts["audit_log"]) == ("1", "1", "0")


def test_the_audit_trail_is_append_only_in_the_database(postgres):
    url = postgres.new_database()
    s = open_store(url)
    s.log_event("someone@example.gov.uk", "admin", "sign-in")
    s.close()
    with psycopg.connect(url, autocommit=True) as con:  # as the app's role, or any other
        for statement in ("UPDATE audit_log SET who = 'someone else'", "DELETE FROM audit_log",
                          "TRUNCATE audit_log"):
            with pytest.raises(psycopg.errors.RaiseException, match="the audit trail is append-only"):
                con.execute(statement)
        assert con.execute("SELECT who FROM audit_log").fetchall() == [("someone@example.gov.uk",)]


def test_a_replica_sees_another_ones_writes_fetching_only_what_changed(postgres, monkeypatch):
    url = postgres.new_database()
    one, two = open_store(url), open_store(url)
    try:
        first = commit_rows(one, "P", values=[("M1", dt.date(2024, m, 1), 50 + m) for m in range(1, 13)])
        assert one.data_version() == 1 and two.data_version() == 0  # two has not looked yet
        fetched = []
        apply = pgstore.PgStore._apply
        monkeypatch.setattr(pgstore.PgStore, "_apply",
                            lambda self, f: fetched.append({t: r.num_rows for t, r in f.items()}) or apply(self, f))
        two.refresh()
        assert two.data_version() == 1 and len(queries.run(two, "measure_values", plan="P", as_at="2030-01-01")) == 12
        two.refresh()  # nothing changed: one round trip, nothing fetched
        assert len(fetched) == 1
        commit_rows(one, "P", values=[("M1", dt.date(2025, 1, 1), 70)])
        one.revert(first)
        two.refresh()
        assert fetched[1]["measure_values"] == 1 and fetched[1]["uploads"] == 2  # the new row; both uploads' status
        assert queries.run(two, "uploads")["status"].tolist() == ["committed", "reverted"]
        assert queries.run(two, "measure_values", plan="P", as_at="2030-01-01")["value"].tolist() == [70.0]
        assert two.plan_versions() == one.plan_versions() == (3, {"P": 3})  # the plan's own version, synced
    finally:
        one.close()
        two.close()


def test_postgresql_stopped_keeps_the_last_data_refuses_writes_and_recovers(postgres, monkeypatch, capsys):
    monkeypatch.setattr(pgstore, "RETRY_EVERY", 0.0)
    url = postgres.new_database()
    s = open_store(url)
    try:
        commit_rows(s, "P", values=[("M1", dt.date(2024, 1, 1), 50)])
        postgres.stop()
        try:
            s.refresh()
            assert isinstance(s.unavailable_since, dt.datetime)
            assert queries.run(s, "measure_values", plan="P", as_at="2030-01-01")["value"].tolist() == [50.0]
            with pytest.raises(StoreUnavailable, match="cannot be reached since .*; nothing was changed"):
                s.revert(1)
            res = subprocess.run([sys.executable, "-m", "scorecard", "revert", "1", "--db", url], capture_output=True,
                                 text=True, cwd=ROOT, timeout=60)
            assert res.returncode == 3 and res.stderr.count("\n") == 1, res.stderr
            assert res.stderr.startswith(f"error: the store {url} cannot be reached (connection failed")
        finally:
            postgres.start()
        s.refresh()
        assert s.unavailable_since is None
        assert s.revert(1)["changed"] and queries.run(s, "uploads")["status"].tolist() == ["reverted"]
    finally:
        s.close()


def test_the_app_shows_the_banner_refuses_changes_and_recovers_when_postgresql_restarts(postgres, demo_pg,
                                                                                      monkeypatch):
    from streamlit.testing.v1 import AppTest

    from scorecard import ui
    monkeypatch.setattr(pgstore, "RETRY_EVERY", 0.0)
    monkeypatch.setenv("SCORECARD_DB", postgres.new_database(template=demo_pg))
    ui.get_store.clear()
    at = AppTest.from_file(str(ROOT / "app_pages" / "kpis.py"), default_timeout=120).run()
    at.sidebar.selectbox[0].set_value("Tameside 2023-25").run()
    assert not at.exception and not at.warning
    shown = at.dataframe[0].value
    postgres.stop()
    try:
        at.run()
        banner = [w.value for w in at.warning]
        assert any(w.startswith("Showing the data last read: store unavailable since ") and ", retrying." in w
                   for w in banner), banner
        assert at.dataframe[0].value.equals(shown)  # the last synced data
        at.selectbox(key="rebase_period").set_value(at.selectbox(key="rebase_period").options[3])
        at.button(key="rebase_add").click().run()
        assert any("Nothing was changed: store unavailable since" in e.value for e in at.error)
    finally:
        postgres.start()
    time.sleep(0.1)
    at.run()
    assert not at.warning and not at.exception
    at.button(key="rebase_add").click().run()
    assert not at.exception and not at.error
    assert len(queries.run(ui.get_store(), "spc_rebases", plan="Tameside 2023-25")) == 1
    ui.get_store().close()
    ui.get_store.clear()


def test_a_command_line_import_while_the_app_runs_shows_on_its_next_rerun(postgres, demo_pg, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from scorecard import ui
    from tests.conftest import make_workbook
    db = postgres.new_database(template=demo_pg)
    monkeypatch.setenv("SCORECARD_DB", db)
    ui.get_store.clear()
    at = AppTest.from_file(str(ROOT / "app_pages" / "kpis.py"), default_timeout=120).run()
    plans = lambda: [o.split(" — ")[0] for o in at.sidebar.selectbox[0].options]  # noqa: E731
    assert "Testshire 2025" not in plans()
    workbook = make_workbook(tmp_path / "t.xlsx", {"Plan": [["Plan", "Testshire 2025"], ["As at", "Mar-24"]],
                                                   "Measures": [["Code", "Measure", "Unit"], ["M1", "Visits", "%"]],
                                                   "Values": [["Code", "Period", "Value"], ["M1", "Mar-24", 71]]})
    res = subprocess.run([sys.executable, "-m", "scorecard", "import", str(workbook), "--db", db], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)  # no "store in use": PostgreSQL has no file lock
    assert res.returncode == 0 and res.stdout.endswith("upload 6 committed\n"), res.stderr
    at.run()
    assert "Testshire 2025" in plans()
    ui.get_store().close()
    ui.get_store.clear()


def test_a_change_whose_audit_entry_cannot_be_written_is_not_made(postgres, demo_pg, tmp_path, capsys):
    """Each write is one PostgreSQL transaction with its audit entry: no entry, no change (as for the file,
    test_cli_store.py)."""
    from tests.conftest import make_workbook
    db = postgres.new_database(template=demo_pg)
    with psycopg.connect(db, autocommit=True) as con:  # the trail refuses these events' entries
        con.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "RAISE EXCEPTION 'refused %', NEW.event; END $$")
        con.execute("CREATE TRIGGER refuse BEFORE INSERT ON audit_log FOR EACH ROW "
                    "WHEN (NEW.event IN ('commit', 'revert', 'settings')) EXECUTE FUNCTION refuse()")

    def state():
        s = open_store(db)
        try:
            return s.row_counts(), queries.run(s, "uploads").to_dict("records"), s.data_version()
        finally:
            s.close()
    before = state()
    path = make_workbook(tmp_path / "march.xlsx", {"Values": [["Code", "Period", "Value"], ["CIN8", "Mar-24", 65]]})
    for args in (["import", path, "--plan", "Tameside 2023-25"], ["revert", 1], ["withdraw", "Sefton 2017-18"],
                 ["archive", "Sefton 2017-18"]):
        with pytest.raises(psycopg.errors.RaiseException, match="refused"):
            main([*map(str, args), "--db", db])
        capsys.readouterr()
        assert state() == before, args


def test_the_same_migrations_upgrade_a_postgresql_store(postgres):
    url = postgres.new_database()
    open_store(url).close()
    with psycopg.connect(url, autocommit=True) as con:  # wind it back to before the tolerance column (version 5)
        con.execute("ALTER TABLE measures DROP COLUMN tolerance")
        con.execute("DROP TABLE plan_versions")
        con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    s = open_store(url)
    try:
        assert s.schema_version() == len(pgstore.migrations()) == 7
        commit_rows(s, "P", measures=[{"code": "M1", "measure": "Visits", "target": 80.0, "tolerance": "5%"}])
        assert queries.run(s, "measures", plan="P")["tolerance"].tolist() == ["5%"]
    finally:
        s.close()
