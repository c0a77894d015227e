"""Roles enforced on the server, sign-in and local mode, the audit trail, a domain that knows no page, and
fuzzed cell text through import and export."""
import ast
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st_
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from scorecard import access, actions, queries, ui
from scorecard.exports import FORMULA_STARTS, to_csv_bytes, to_xlsx_bytes
from scorecard.intake import load
from scorecard.store import Store
from scorecard.summary import PlanData
from tests.conftest import ROOT, make_workbook

ROLES_TOML = """
default = "none"
[domains]
"council.gov.uk" = "viewer"
[emails]
"officer@council.gov.uk" = "uploader"
[groups]
"Scorecard Admins" = "admin"
"""
PEOPLE = {
    "viewer": {"is_logged_in": True, "email": "member@council.gov.uk", "name": "Board Member"},
    "uploader": {"is_logged_in": True, "email": "officer@council.gov.uk", "name": "Perf Officer"},
    "admin": {"is_logged_in": True, "email": "head@council.gov.uk", "name": "Head", "groups": ["Scorecard Admins"]},
    "stranger": {"is_logged_in": True, "email": "someone@elsewhere.org", "name": "Someone"},
}


# -- configuration -------------------------------------------------------------------------------
def test_roles_from_email_domain_and_groups_highest_wins(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_TOML)
    cfg = access.load_roles(path)
    assert access.role_for("Member@Council.gov.uk", [], cfg) == "viewer"
    assert access.role_for("officer@council.gov.uk", [], cfg) == "uploader"
    assert access.role_for("officer@council.gov.uk", ["Scorecard Admins"], cfg) == "admin"
    assert access.role_for("someone@elsewhere.org", [], cfg) is None
    assert access.role_for("someone@elsewhere.org", [], {**cfg, "default": "viewer"}) == "viewer"
    assert access.load_roles(tmp_path / "missing.toml") == {"default": "none"}
    path.write_text('[emails]\n"a@b.c" = "superuser"\n')
    with pytest.raises(ValueError, match="unknown role 'superuser'"):
        access.load_roles(path)


def test_a_public_bind_needs_sign_in():
    assert access.bind_problem("127.0.0.1", False) is None and access.bind_problem("localhost", False) is None
    assert access.bind_problem("::1", False) is None and access.bind_problem("0.0.0.0", True) is None
    assert access.bind_problem("0.0.0.0", False) == (
        "Refusing to serve on 0.0.0.0 without sign-in: configure [auth] in .streamlit/secrets.toml, or set "
        "server.address to 127.0.0.1 for local mode.")
    assert "every network interface" in access.bind_problem("", False)


@pytest.mark.slow
@pytest.mark.parametrize("address, code", [("0.0.0.0", 1), ("192.168.1.20", 1), ("127.0.0.1", 0)])
def test_preflight_refuses_a_public_bind_in_local_mode_in_one_line(address, code):
    res = subprocess.run([sys.executable, "-m", "scorecard", "preflight"], cwd=ROOT, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "STREAMLIT_SERVER_ADDRESS": address}, timeout=60)
    assert res.returncode == code
    if code:
        assert res.stderr.count("\n") == 1 and res.stderr.startswith(f"Refusing to serve on {address} without sign-in")


@pytest.mark.slow
@pytest.mark.parametrize("options, env, code", [
    (["--server.address", "0.0.0.0"], {}, 1),
    (["--server.address=0.0.0.0", "--server.port", "8502"], {}, 1),
    (["--server.address", "127.0.0.1"], {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}, 0),  # the option wins
    (["--server.address", "0.0.0.0", "--secrets.files", "{auth}"], {}, 0),  # sign-in configured in that file
    (["--server.adress", "0.0.0.0"], {}, 1),  # a mistyped option is not ignored
])
def test_preflight_reads_the_options_given_to_streamlit_run(options, env, code, tmp_path):
    """`make run ARGS="--server.address 0.0.0.0"` gives the same options to preflight and to streamlit run."""
    (tmp_path / "auth.toml").write_text('[auth]\nredirect_uri = "https://x/oauth2callback"\ncookie_secret = "s"\n'
                                        'client_id = "c"\nclient_secret = "s"\nserver_metadata_url = "https://x"\n')
    options = [o.replace("{auth}", str(tmp_path / "auth.toml")) for o in options]
    res = subprocess.run([sys.executable, "-m", "scorecard", "preflight", *options], cwd=ROOT, capture_output=True,
                         text=True, env={"PATH": "/usr/bin:/bin", **env}, timeout=60)
    assert (res.returncode, res.stderr.count("\n")) == (code, code), res.stderr
    if "--server.adress" in options:
        assert res.stderr.startswith("preflight: No such option '--server.adress'")
    elif code:
        assert res.stderr.startswith("Refusing to serve on 0.0.0.0 without sign-in")


def app_menu() -> list[tuple[str, str, str, str]]:
    """app.py's MENU (file, title, icon, role), read without running the app."""
    tree = ast.parse((ROOT / "app.py").read_text())
    return ast.literal_eval(next(n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "MENU"))


def test_the_menu_offers_the_pages_a_role_allows_and_none_before_sign_in():
    needs = {name: role for name, _, _, role in app_menu()}
    person = lambda role: access.User("x", "x@council.gov.uk", role)  # noqa: E731
    assert access.pages_for(None, needs) == access.pages_for(person(None), needs) == set()
    assert access.pages_for(person("viewer"), needs) == {"overview", "kpis", "audits", "actions", "boardpack"}
    assert access.pages_for(person("uploader"), needs) == access.pages_for(person("viewer"), needs) | {"upload"}
    assert access.pages_for(person("admin"), needs) == set(needs)


def test_every_page_checks_the_role_and_names_itself_as_the_menu_does():
    """Each page's own gate(role, title) call agrees with its line in app.py's menu."""
    calls = {}
    for path in (ROOT / "app_pages").glob("*.py"):
        gates = [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)
                 and getattr(n.func, "id", None) == "gate"]
        assert len(gates) == 1, path.name
        calls[path.stem] = tuple(ast.literal_eval(a) for a in gates[0].args)
    assert calls.pop("meeting") == ("viewer", "Meeting mode")
    assert calls == {name: (role, title) for name, title, _, role in app_menu()}


def test_the_domain_knows_no_page():
    """Only scorecard/ui.py imports Streamlit: nothing else under scorecard/ names it, and importing every
    other module leaves it unloaded."""
    modules = sorted(p for p in (ROOT / "scorecard").rglob("*.py") if p != ROOT / "scorecard" / "ui.py")
    naming = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            naming += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert naming == []
    dotted = [".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__") for p in modules
              if p.name != "__main__.py"]  # (that one runs the command line)
    code = (f"import importlib, sys\nfor m in {dotted!r}:\n    importlib.import_module(m)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (res.returncode, res.stdout.strip()) == (0, "[]"), res.stderr


def test_case_references_are_never_read_by_any_query():
    assert not [n for n in queries.names() if "audit_case_refs" in queries.sql(n) or "case_ref" in queries.sql(n)]


# -- the app, per role ---------------------------------------------------------------------------
@pytest.fixture
def signed_in(demo_copy, monkeypatch, tmp_path):
    """The app with sign-in configured (an [auth] section) and the roles file above."""
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES_TOML)
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    monkeypatch.setenv("SCORECARD_ROLES", str(roles))
    monkeypatch.setattr(ui, "sign_in_configured", lambda: True)
    ui.get_store.clear()
    yield
    ui.get_store.clear()


def app_as(who: str, script: str = "app.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    at.user = dict(PEOPLE[who])
    return at.run()


def trail() -> pd.DataFrame:
    return queries.run(ui.get_store(), "audit_log")


@pytest.mark.slow
def test_nobody_signed_in_sees_only_the_sign_in_button(signed_in):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe and not at.metric and not at.sidebar.selectbox
    at.switch_page("app_pages/admin.py").run()  # a link to a page: the same sign-in screen, not "Page not found"
    assert not at.exception and [b.label for b in at.button] == ["Sign in"] and not at.dataframe


@pytest.mark.slow
def test_a_viewer_reads_but_cannot_reach_upload_or_admin_by_menu_or_by_url(signed_in):
    at = app_as("viewer")
    assert not at.exception and at.title[0].value  # the overview
    for page, role in (("app_pages/upload.py", "uploader"), ("app_pages/admin.py", "admin")):
        at.switch_page(page).run()  # opened by URL: the page refuses, rather than "Page not found"
        assert not at.exception and not at.title and not at.file_uploader and not at.dataframe
        assert [e.value for e in at.error] == [f"This needs the **{role}** role; you are signed in as a **viewer**."]
    at.switch_page("app_pages/kpis.py").run()
    assert not at.exception and at.title[0].value == "Compliance KPIs"
    assert not [b for b in at.button if b.key == "rebase_add"]  # no writes for viewers
    # straight at the page's code, with a forged commit and revert waiting in session state
    forged = AppTest.from_file(str(ROOT / "app_pages" / "upload.py"), default_timeout=60)
    forged.user = dict(PEOPLE["viewer"])
    forged.session_state["revert_pending"] = 1
    forged.session_state["upload_done"] = {"id": 99, "file": "x.xlsx", "plan": "P", "sheets": []}
    forged.run()
    assert [e.value for e in forged.error] == ["This needs the **uploader** role; you are signed in as a **viewer**."]
    assert not forged.file_uploader and not forged.success
    # nothing reverted: every upload is still in force
    assert (ui.get_store().history()["status"] == "committed").all()
    denied = trail()[lambda t: t["event"] == "denied"].iloc[::-1]  # oldest first
    assert denied[["who", "role"]].drop_duplicates().values.tolist() == [["member@council.gov.uk", "viewer"]]
    assert denied["detail"].tolist() == ["tried to open the Upload centre page; needs uploader",
                                         "tried to open the Admin page; needs admin",
                                         "tried to open the Upload centre page; needs uploader"]


@pytest.mark.slow
def test_an_uploader_uploads_but_cannot_revert_or_open_admin(signed_in):
    at = app_as("uploader")
    at.switch_page("app_pages/admin.py").run()
    assert [e.value for e in at.error] == ["This needs the **admin** role; you are signed in as a **uploader**."]
    assert not at.dataframe
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception and at.title[0].value == "Upload centre"
    assert "Reverting an upload needs the admin role." in [c.value for c in at.caption]
    assert not [b for b in at.button if b.key in ("revert_ask", "revert_yes")]
    direct = AppTest.from_file(str(ROOT / "app_pages" / "admin.py"), default_timeout=60)
    direct.user = dict(PEOPLE["uploader"])
    direct.run()
    assert [e.value for e in direct.error] == ["This needs the **admin** role; you are signed in as a **uploader**."]
    assert trail()[lambda t: t["event"] == "denied"]["detail"].tolist() == [
        "tried to open the Admin page; needs admin"] * 2


@pytest.mark.slow
def test_an_admin_sees_the_audit_trail_of_everyone(signed_in):
    app_as("viewer")
    app_as("stranger")
    at = app_as("admin")
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception and at.header[0].value == "Audit trail"
    log = at.dataframe[0].value
    assert {"member@council.gov.uk", "someone@elsewhere.org", "head@council.gov.uk"} <= set(log["who"])
    assert {"sign-in", "denied"} <= set(log["event"])
    assert [b.proto.label for b in at.get("download_button")] == ["Download the audit trail (CSV)"]


def test_someone_with_no_role_is_told_so(signed_in):
    at = app_as("stranger")
    assert at.error[0].value.startswith("Your account has not been given a role")
    assert not at.dataframe and not at.metric


def test_local_mode_has_a_banner_every_role_and_refuses_a_public_bind(demo_copy, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    monkeypatch.setenv("SCORECARD_USER", "officer")
    ui.get_store.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert any(c.value.startswith("🔓 **Local mode**") for c in at.sidebar.caption)
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception and at.title[0].value == "Admin"
    ui.get_store.clear()


def test_a_public_bind_without_sign_in_gets_only_the_refusal(tmp_path, monkeypatch):
    """Nothing but the one line: no menu, no sidebar, and the store is neither opened nor seeded."""
    db = tmp_path / "never.duckdb"
    monkeypatch.setenv("SCORECARD_DB", str(db))
    monkeypatch.setattr(ui, "bind_address", lambda: "0.0.0.0")
    ui.get_store.clear()
    for script in ("app.py", "app_pages/upload.py"):
        public = AppTest.from_file(str(ROOT / script), default_timeout=60).run()
        assert not public.exception
        assert [e.value for e in public.error] == [access.bind_problem("0.0.0.0", False)]
        assert len(public.main.children) == 1 and not public.sidebar.children
    assert not db.exists()


@pytest.mark.slow
def test_commit_revert_and_exports_are_recorded(demo_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    monkeypatch.setenv("SCORECARD_USER", "officer")
    ui.get_store.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/upload.py").run()
    wb = make_workbook(tmp_path / "m.xlsx", {"Plan": [["Plan", "Tameside 2023-25"]],
                                             "Values": [["Code", "Period", "Value"], ["CIN8", "Feb-24", 77]]})
    at.file_uploader[0].set_value(("m.xlsx", wb.read_bytes(), "application/octet-stream")).run()
    at.button(key="upload_commit_0").click().run()
    at.selectbox(key="revert_id").set_value(6).run()
    at.button(key="revert_ask").click().run()
    at.button(key="revert_yes").click().run()
    user = ui.current_user()
    ui.logged(user, "export", lambda: b"csv", plan="Tameside 2023-25", detail="kpis.csv")()
    log = trail()
    sha = load.sha256_bytes(wb.read_bytes())
    got = {e: log[log["event"] == e].iloc[0] for e in ("upload", "commit", "revert", "export")}
    assert got["upload"][["who", "plan", "sha256"]].tolist() == ["officer", "Tameside 2023-25", sha]
    assert got["commit"][["upload_id", "sha256", "detail"]].tolist() == [6, sha, "m.xlsx"]
    assert got["revert"][["upload_id", "plan", "sha256", "detail"]].tolist() == [6, "Tameside 2023-25", sha, "m.xlsx"]
    assert got["export"]["detail"] == "kpis.csv"
    assert not hasattr(ui.get_store(), "delete_event") and not hasattr(ui.get_store(), "update_event")
    ui.get_store.clear()


def test_every_revert_names_the_file_and_its_sha256_from_the_app_and_the_command_line(demo_copy, monkeypatch):
    """A revert by the command line, and each upload an admin's withdrawal of a plan reverts, say which file it
    undid: its name and its sha256, as the commit did."""
    store = Store(demo_copy)
    uploads = store.history().set_index("id")
    store.close()
    tameside = int(uploads.index[uploads["plan"] == "Tameside 2023-25"][0])
    res = subprocess.run([sys.executable, "-m", "scorecard", "revert", str(tameside), "--db", str(demo_copy)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    monkeypatch.setenv("SCORECARD_USER", "head")
    ui.get_store.clear()
    at = AppTest.from_file(str(ROOT / "app_pages" / "admin.py"), default_timeout=60).run()
    at.selectbox(key="manage_plan").set_value("Sefton 2017-18").run()
    at.text_input(key="withdraw_confirm").input("Sefton 2017-18").run()
    at.button(key="plan_withdraw").click().run()
    assert not at.exception
    sefton = int(uploads.index[uploads["plan"] == "Sefton 2017-18"][0])
    reverts = trail().query("event == 'revert'").set_index("upload_id")
    assert reverts.loc[tameside, ["role", "sha256", "detail"]].tolist() == [
        "command line", uploads.at[tameside, "sha256"], "tameside-2023-25.xlsx"]
    assert reverts.loc[sefton, ["role", "sha256", "detail"]].tolist() == [
        "admin", uploads.at[sefton, "sha256"], "sefton-2017-18.xlsx; the whole plan was withdrawn"]
    ui.get_store.clear()


def test_local_mode_records_one_sign_in_a_day_per_person_however_many_sessions(demo_copy, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    ui.get_store.clear()
    sign_ins = lambda: trail().query("event == 'sign-in'")[["who", "logged_at"]]  # noqa: E731
    yesterday = dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=1)
    with monkeypatch.context() as m:  # a sign-in yesterday does not count for today
        m.setattr("scorecard.store.now", lambda: yesterday)
        monkeypatch.setenv("SCORECARD_USER", "officer")
        AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    for who in ("officer", "officer", "head", "officer"):  # four browser sessions, two people
        monkeypatch.setenv("SCORECARD_USER", who)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        at.switch_page("app_pages/kpis.py").run()
        assert not at.exception
    got = sign_ins()
    assert sorted(got["who"]) == ["head", "officer", "officer"]
    assert sorted(got["logged_at"].dt.date.tolist()) == sorted([yesterday.date(), dt.date.today(), dt.date.today()])
    ui.get_store.clear()


@pytest.fixture(params=["log_event fails", "a full disk"])
def unwritable_trail(request, demo_copy, monkeypatch, tmp_path):
    """The demo store, and how its audit trail stops and starts working again: (path, stop, mend). Either
    the store's log_event raises as DuckDB does on a full disk, or the store lives on a small tmpfs that is
    filled up."""
    if request.param == "log_event fails":
        def disk_full(*args, **kwargs):
            raise duckdb.IOException('IO Error: Could not write all bytes to file "demo.duckdb.wal": No space '
                                     'left on device')

        working = Store.log_event
        yield (demo_copy, lambda: monkeypatch.setattr(Store, "log_event", disk_full),
               lambda: monkeypatch.setattr(Store, "log_event", working))
        return
    if os.geteuid() != 0:
        pytest.skip("filling a small tmpfs needs root to mount it")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], capture_output=True,
                             text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    db = shutil.copy(demo_copy, disk / "demo.duckdb")

    def fill():
        with open(disk / "filler", "wb") as f:
            with pytest.raises(OSError, match="No space left on device"):
                while True:
                    f.write(bytes(1 << 16))
                    f.flush()

    try:
        yield db, fill, (disk / "filler").unlink
    finally:
        ui.get_store.clear()
        subprocess.run(["umount", "--lazy", str(disk)], check=True)


@pytest.mark.slow
def test_pages_still_open_when_the_audit_trail_cannot_be_written_but_changes_are_refused(
        unwritable_trail, monkeypatch, tmp_path, caplog):
    """The sign-in entry cannot be written. Every page still opens, with a banner, and the failure is logged on
    the server; loading an upload is refused and changes nothing; downloads fail; once the trail works again
    the waiting entries are written (marked late) and the banner goes."""
    db, stop, mend = unwritable_trail
    monkeypatch.setenv("SCORECARD_DB", str(db))
    monkeypatch.setenv("SCORECARD_USER", "officer")
    ui.get_store.clear()
    ui.get_store()  # the running app's store, opened before the trail stops working
    stop()
    banner = re.compile(r"The audit trail cannot be written: [^\n]*No space left on device[^\n]*(?<!\.)\. Changes are "
                        r"refused until this is fixed \(and downloads, as each one is recorded\); pages can still be "
                        r"read\.")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and at.title[0].value == "Cheshire East 2017-18" and at.metric
    assert len(at.error) == 1 and banner.fullmatch(at.error[0].value), at.error
    assert re.search("the audit trail cannot be written \\(sign-in by officer\\): .*No space left on device",
                     caplog.text)
    for page, title in (("kpis", "Compliance KPIs"), ("audits", "Case-file audits"), ("actions", "Actions"),
                        ("boardpack", "Board pack"), ("admin", "Admin")):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception and at.title[0].value == title
        assert len(at.error) == 1 and banner.fullmatch(at.error[0].value), at.error
    at.switch_page("app_pages/upload.py").run()
    wb = make_workbook(tmp_path / "m.xlsx", {"Plan": [["Plan", "Tameside 2023-25"]],
                                             "Values": [["Code", "Period", "Value"], ["CIN8", "Feb-24", 77]]})
    at.file_uploader[0].set_value(("m.xlsx", wb.read_bytes(), "application/octet-stream")).run()
    at.button(key="upload_commit_0").click().run()
    assert not at.exception and len(at.error) == 2 and banner.fullmatch(at.error[0].value)
    assert at.error[1].value == ("Nothing was changed: the audit trail cannot be written, so you cannot commit an "
                                 "upload until this is fixed.")
    assert len(ui.get_store().history()) == 5 and not at.success
    with pytest.raises(Exception, match="No space left on device"):  # a download is not let out unrecorded
        ui.logged(ui.current_user(), "export", lambda: b"csv", detail="kpis.csv")()

    mend()
    at.run()
    assert not at.exception and not at.error
    log = trail().iloc[::-1]
    assert log["event"].tolist() == ["sign-in", "upload"]
    assert log["detail"].str.contains("recorded late: it happened at ").all()
    ui.get_store.clear()


# -- fuzzed cell text through import and export --------------------------------------------------
TEXT = st_.text(st_.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda t: t.strip())
DANGEROUS = st_.sampled_from(["=", "+", "-", "@", "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\")", "+1+1"])


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st_.lists(st_.one_of(TEXT, st_.builds(lambda d, t: d + t, DANGEROUS, TEXT)), min_size=3, max_size=3))
def test_fuzzed_cell_text_survives_import_and_leaves_exports_formula_safe(tmp_path_factory, texts):
    tmp = tmp_path_factory.mktemp("fuzz")
    owner, commentary, wording = texts
    path = make_workbook(tmp / "f.xlsx", {"Plan": [["Plan", "Fuzz"], ["As at", "Jan-24"]], "Actions": [
        ["Ref", "Action", "Owner", "Commentary", "Action RAG"], ["1.1", wording, owner, commentary, "Green"]]})
    wb = load_workbook(path)
    for cell in wb["Actions"][2]:
        cell.data_type = "s"  # typed text, as Excel stores '=... entered as text (openpyxl would make a formula)
    wb.save(path)
    store = Store(tmp / "s.duckdb")
    try:
        checked, upload_id = load.import_path(store, path)
        assert upload_id is not None, [str(e) for e in checked.parsed.errors]
        table = actions.export_frame(PlanData(store, "Fuzz").actions)
    finally:
        store.close()
    squash = lambda t: " ".join(t.split())  # noqa: E731 - the importer tidies whitespace
    row = table.iloc[0]
    assert [row["Owner"], row["Commentary"], row["Action"]] == [squash(owner), squash(commentary), squash(wording)]
    csv = pd.read_csv(io.BytesIO(to_csv_bytes(table)), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(table, "Actions", "Fuzz"))).active
    cells = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    for value in [*csv.to_numpy().ravel().tolist(), *cells]:
        assert not str(value).startswith(FORMULA_STARTS), value
    for col, text in (("Owner", owner), ("Commentary", commentary), ("Action", wording)):
        shown = csv[col].iloc[0]
        assert shown == squash(text) or shown == "'" + squash(text)
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
