"""Managing plans: archive (out of the selectors, data kept), restore, and withdraw (every upload reverted at
once), through the store, the CLI, the Admin page, the sidebar and meeting mode."""
import json

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from scorecard import queries
from scorecard.cli import main
from scorecard.store import MIGRATIONS, PlanNotFound, Store
from scorecard.ui import plan_choices
from tests.conftest import ROOT

SEFTON = "Sefton 2017-18"
TAMESIDE = "Tameside 2023-25"


def one(param):
    return param[0] if isinstance(param, list) else param


def plan_rows(store) -> dict[str, bool]:
    return {r["plan"]: r["archived"] for r in queries.run(store, "plans").to_dict("records")}


def test_archive_keeps_the_data_and_restore_brings_the_plan_back(demo_copy):
    store = Store(demo_copy)
    before = queries.run(store, "measure_values", plan=SEFTON, as_at="2030-01-01")
    version = store.data_version()
    store.set_archived(SEFTON, True, "head")
    rows = plan_rows(store)
    assert rows[SEFTON] is True and not any(v for k, v in rows.items() if k != SEFTON)
    assert list(rows)[-1] == SEFTON  # archived plans come last
    assert store.data_version() == version + 1  # cached pages refresh
    after = queries.run(store, "measure_values", plan=SEFTON, as_at="2030-01-01")
    assert len(after) == len(before) > 0 and (store.history()["status"] == "committed").all()
    store.set_archived(SEFTON, False, "head")
    assert plan_rows(store)[SEFTON] is False
    with pytest.raises(PlanNotFound, match="no plan 'Nowhere'"):
        store.set_archived("Nowhere", True)
    store.close()


def test_withdraw_reverts_every_upload_of_the_plan_in_one_go_and_only_that_plan(demo_copy):
    store = Store(demo_copy)
    store.set_archived(SEFTON, True)
    others = store.history().query("plan != @SEFTON")
    ids = store.withdraw_plan(SEFTON, "head")
    history = store.history()
    assert ids == sorted(history.query("plan == @SEFTON")["id"].tolist()) and ids
    assert (history.query("plan == @SEFTON")["status"] == "reverted").all()
    assert history.query("plan == @SEFTON")["reverted_by"].eq("head").all()
    assert history.query("plan != @SEFTON")["status"].tolist() == others["status"].tolist()
    assert SEFTON not in plan_rows(store) and len(plan_rows(store)) == 4
    assert queries.run(store, "measure_values", plan=SEFTON, as_at="2030-01-01").empty
    # its archived mark went with it, so a later upload of the plan starts in use
    assert store.cursor().execute("SELECT count(*) FROM plan_status").fetchone()[0] == 0
    with pytest.raises(PlanNotFound, match="with uploads in force"):
        store.withdraw_plan(SEFTON)
    store.close()


def test_plan_choices_hide_archived_plans_unless_asked_or_linked():
    rows = [{"plan": "A", "archived": False}, {"plan": "B", "archived": True}]
    assert plan_choices(rows, False) == ["A"]
    assert plan_choices(rows, True) == ["A", "B"]
    assert plan_choices(rows, False, wanted="B") == ["A", "B"]  # a link to an archived plan still opens it
    assert plan_choices([{"plan": "B", "archived": True}], False) == ["B"]  # all archived: show them all
    assert plan_choices([], False) == []


@pytest.mark.slow
def test_cli_lists_archives_restores_and_withdraws_plans(demo_copy, capsys, monkeypatch):
    monkeypatch.setenv("SCORECARD_USER", "head")
    def cli(*args):
        code = main([*args, "--db", str(demo_copy)])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, _ = cli("archive", SEFTON)
    assert (code, out) == (0, f"{SEFTON} archived\n")
    code, out, _ = cli("plans")
    assert code == 0
    assert out.splitlines()[-1] == f"{SEFTON}  Sefton Metropolitan Borough Council  as at Mar-18  archived"
    assert sum(line.endswith("in use") for line in out.splitlines()) == 4
    code, out, _ = cli("summary", "--json")
    archived = {p["plan"]: p["archived"] for p in json.loads(out)["plans"]}
    assert archived[SEFTON] is True and archived[TAMESIDE] is False  # the summary still covers it
    assert cli("archive", SEFTON, "--restore")[:2] == (0, f"{SEFTON} restored\n")
    code, out, _ = cli("withdraw", SEFTON)
    assert code == 0 and out.startswith(f"withdrew {SEFTON}: reverted upload(s) ")
    code, _, err = cli("withdraw", SEFTON)
    assert code == 1 and err.startswith(f"error: there is no plan '{SEFTON}'")
    code, _, err = cli("archive", "Nowhere")
    assert code == 1 and "no plan 'Nowhere'" in err
    store = Store(demo_copy)  # each change is in the audit trail, as the command line's
    log = queries.run(store, "audit_log").iloc[::-1]
    store.close()
    assert log[["role", "event", "plan", "detail"]].values.tolist() == [
        ["command line", "settings", SEFTON, "plan archived"], ["command line", "settings", SEFTON, "plan restored"],
        ["command line", "revert", SEFTON, "sefton-2017-18.xlsx; the whole plan was withdrawn"]]


@pytest.fixture
def local_app(demo_copy, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    monkeypatch.setenv("SCORECARD_USER", "head")
    from scorecard import ui
    ui.get_store.clear()
    yield ui
    ui.get_store.clear()


@pytest.mark.slow
def test_admin_archives_a_plan_out_of_the_sidebar_and_restores_it(local_app):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert any(o.startswith(SEFTON) for o in at.sidebar.selectbox[0].options)
    assert not at.sidebar.toggle  # nothing archived: no toggle
    at.switch_page("app_pages/admin.py").run()
    at.selectbox(key="manage_plan").set_value(SEFTON).run()
    at.button(key="plan_archive").click().run()
    assert not at.exception
    assert at.success[0].value == f"{SEFTON} archived."
    table = at.dataframe[1].value.set_index("plan")
    assert table.loc[SEFTON, "archived"] == "Archived" and table.loc[TAMESIDE, "archived"] == "In use"
    assert at.button(key="plan_archive").label == "Restore"
    trail = at.dataframe[0]  # blanks, not "None", where an entry has no plan, upload or file
    assert trail.value["plan"].isna().any() and (trail.proto.HasField("placeholder"), trail.proto.placeholder) == (
        True, "")
    log = queries.run(local_app.get_store(), "audit_log")
    settings = log.query("event == 'settings'")
    assert settings[["who", "plan", "detail"]].values.tolist() == [["head", SEFTON, "plan archived"]]

    at.switch_page("app_pages/overview.py").run()
    plans_offered = " ".join(at.sidebar.selectbox[0].options)
    assert SEFTON not in plans_offered and TAMESIDE in plans_offered
    at.sidebar.toggle(key="show_archived").set_value(True).run()
    assert at.sidebar.toggle[0].label == "Show archived plans (1)"
    assert at.sidebar.selectbox[0].options[-1] == f"{SEFTON} — Sefton Metropolitan Borough Council (archived)"

    at.switch_page("app_pages/admin.py").run()
    at.selectbox(key="manage_plan").set_value(SEFTON).run()
    at.button(key="plan_archive").click().run()
    assert at.success[0].value == f"{SEFTON} restored to the plan selectors."
    assert not local_app.get_store().cursor().execute(
        "SELECT archived FROM plan_status WHERE plan = ?", [SEFTON]).fetchone()[0]


@pytest.mark.slow
def test_admin_withdraws_a_plan_only_after_typing_its_name(local_app):
    at = AppTest.from_file(str(ROOT / "app_pages" / "admin.py"), default_timeout=60).run()
    at.selectbox(key="manage_plan").set_value(SEFTON).run()
    assert at.button(key="plan_withdraw").disabled
    at.text_input(key="withdraw_confirm").input("Sefton").run()
    assert at.button(key="plan_withdraw").disabled
    at.text_input(key="withdraw_confirm").input(SEFTON).run()
    assert not at.button(key="plan_withdraw").disabled
    at.button(key="plan_withdraw").click().run()
    assert not at.exception
    store = local_app.get_store()
    ids = store.history().query("plan == @SEFTON")["id"].tolist()
    assert at.success[0].value == f"{SEFTON} withdrawn: upload(s) {', '.join(map(str, sorted(ids)))} reverted."
    assert SEFTON not in at.dataframe[1].value["plan"].tolist()
    log = queries.run(store, "audit_log").query("event == 'revert'")
    assert sorted(log["upload_id"].astype(int)) == sorted(ids) and (log["plan"] == SEFTON).all()


@pytest.mark.slow
def test_meeting_mode_skips_archived_plans_unless_the_link_names_one(local_app):
    store = local_app.get_store()
    first = next(iter(plan_rows(store)))
    store.set_archived(first, True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["mode"] = "board"
    at.run()
    assert not at.exception and one(at.query_params["plan"]) in plan_rows(store)
    assert one(at.query_params["plan"]) != first
    linked = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    linked.query_params["mode"] = "board"
    linked.query_params["plan"] = first
    linked.run()
    assert not linked.exception and one(linked.query_params["plan"]) == first


def test_a_store_from_before_plan_archiving_is_migrated_at_start_up(demo_copy):
    con = duckdb.connect(str(demo_copy))  # wind the store back to the schema before plan_status (version 3)
    con.execute("DROP TABLE plan_status")
    con.execute("DROP TABLE import_profiles")
    con.execute("ALTER TABLE measures DROP COLUMN tolerance")
    con.execute("DROP TABLE plan_versions")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.close()
    store = Store(demo_copy)
    assert store.schema_version() == len(MIGRATIONS)
    assert len(plan_rows(store)) == 5 and not any(plan_rows(store).values())  # data kept, nothing archived
    store.set_archived(SEFTON, True)
    assert plan_rows(store)[SEFTON] is True
    store.close()


def test_every_change_to_a_plan_moves_that_plans_own_version_and_no_other(tmp_path):
    """The shared figures are kept per plan version (ui.shared): every kind of change to a plan must move it."""
    import datetime as dt

    from tests.conftest import commit_rows
    store = Store(tmp_path / "s.duckdb")
    first = commit_rows(store, "A", values=[("M1", dt.date(2024, 1, 1), 50)])
    commit_rows(store, "B", values=[("M1", dt.date(2024, 1, 1), 50)])
    assert store.plan_versions() == (2, {"A": 1, "B": 2})
    changes = [lambda: commit_rows(store, "A", values=[("M1", dt.date(2024, 2, 1), 60)]),
               lambda: store.revert(first),
               lambda: store.set_archived("A", True),
               lambda: store.mark_rebase("A", "M1", dt.date(2024, 2, 1), "new process"),
               lambda: store.clear_rebase("A", "M1", dt.date(2024, 2, 1)),
               lambda: store.withdraw_plan("A")]
    for change in changes:
        change()
        data, plans = store.plan_versions()
        assert plans == {"A": data, "B": 2}
    store.revert(first)  # already reverted: nothing changes, no version moves
    assert store.plan_versions() == (data, {"A": data, "B": 2})
    store.close()


def test_the_data_version_is_read_once_per_change_and_every_store_on_the_file_sees_a_change(tmp_path):
    """Page runs read the data version from memory (DataVersions); any write, through any Store of this process
    on the file, lets it go, and a change that ends while it is being read is not kept."""
    import datetime as dt

    from scorecard.store import DataVersions
    from tests.conftest import commit_rows
    versions = DataVersions()

    def changed_meanwhile():
        versions.moved("db")
        return 1
    assert versions.get("db", changed_meanwhile) == 1 and versions.get("db", lambda: 2) == 2
    assert versions.get("db", lambda: 3) == 2  # kept until the next change
    versions.moved("db")
    assert versions.get("db", lambda: 4) == 4

    one, two = Store(tmp_path / "s.duckdb"), Store(tmp_path / "s.duckdb")  # one file, two Stores in one process
    assert one.data_version() == two.data_version() == 0
    commit_rows(one, "A", values=[("M1", dt.date(2024, 1, 1), 50)])
    assert two.data_version() == one.data_version() == 1
    two.set_archived("A", True)
    assert one.data_version() == 2 and one.plan_versions() == (2, {"A": 2})
    one.close()
    two.close()
