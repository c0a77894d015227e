"""Sign-in end to end: a real OpenID Connect provider on loopback (oidc-provider-mock), the app started with
secrets that point at it (`--secrets.files`, so the repository's own .streamlit/secrets.toml is neither read
nor written), roles from a temporary roles.toml, and headless Chromium through Sign in -> the provider ->
back signed in with the role roles.toml gives, then Sign out."""
import contextlib
import importlib.metadata
import re
import secrets
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest
from packaging.requirements import Requirement

from scorecard import access, queries
from scorecard.store import Store
from tests.conftest import ROOT
from tests.test_access import PEOPLE, ROLES_TOML, app_menu
from tests.test_browser import CHROMIUM, browser, running_app  # noqa: F401 - browser is a fixture

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is installed by make test / CI (apt)")
TITLES = [title for _, title, _, _ in app_menu()]


def test_everything_streamlits_sign_in_needs_is_pinned():
    """st.login needs streamlit's `auth` extra; without httpx, /auth/login answered 500."""
    pinned = {Requirement(line.split("#")[0]).name.lower()
              for line in (ROOT / "requirements.txt").read_text().splitlines() if line.split("#")[0].strip()}
    extra = [Requirement(r) for r in importlib.metadata.requires("streamlit")]
    needed = {r.name.lower() for r in extra
              if r.marker and r.marker.evaluate({"extra": "auth"}) and not r.marker.evaluate({"extra": ""})}
    assert needed == {"authlib", "httpx"} and needed <= pinned


@pytest.fixture(scope="module")
def provider():
    """The identity provider, with the people of tests/test_access.py (and their groups) one click away."""
    from oidc_provider_mock import User, app
    from werkzeug.serving import make_server
    users = [User(sub=who, claims={k: v for k, v in claims.items() if k != "is_logged_in"})
             for who, claims in PEOPLE.items()]
    server = make_server("127.0.0.1", 0, app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@contextlib.contextmanager
def app_with_sign_in(provider: str, db: Path, tmp_path: Path):
    """The app with sign-in configured against the provider and the roles of tests/test_access.py."""
    (tmp_path / "roles.toml").write_text(ROLES_TOML)
    (tmp_path / "secrets.toml").write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "scorecard"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""")
    with running_app(db, "--secrets.files", str(tmp_path / "secrets.toml"),
                     SCORECARD_ROLES=str(tmp_path / "roles.toml")) as url:
        yield url


def settled(page):
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(500)
    return page


def menu(page) -> list[str]:
    """The pages the sidebar menu offers (their titles, without icons)."""
    links = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    return [link.strip().split("\n")[-1].strip() for link in links]


def sign_in(browser, url: str, who: str):  # noqa: F811 - the fixture
    """A fresh browser signs in as `who` at the provider; returns the page, back in the app."""
    page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    page.goto(url)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    settled(page)
    shown = page.locator("body").inner_text()
    assert page.title() == "Scorecard"
    assert menu(page) == [] and not [t for t in TITLES if t in shown], shown  # the sign-in screen names no page
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=who, exact=True).click(timeout=30_000)  # the provider's page
    page.wait_for_url(re.compile(re.escape(url)), timeout=30_000)
    page.get_by_text(f"Signed in as {PEOPLE[who]['email']}").wait_for(timeout=60_000)
    return settled(page)


@pytest.mark.browser
@needs_chromium
def test_sign_in_gives_each_person_their_role_and_sign_out_signs_out(
        provider, browser, demo_db, tmp_path):  # noqa: F811 - the fixture
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    with app_with_sign_in(provider, db, tmp_path) as url:
        signed_in_flows(browser, url)
    store = Store(db)
    try:
        trail = queries.run(store, "audit_log")
    finally:
        store.close()
    assert {("member@council.gov.uk", "viewer"), ("head@council.gov.uk", "admin"),
            ("someone@elsewhere.org", None)} <= {(r.who, None if pd.isna(r.role) else r.role)
                                                 for r in trail[trail["event"] == "sign-in"].itertuples()}
    denied = trail[trail["event"] == "denied"]
    assert sorted(denied[["who", "detail"]].values.tolist()) == [
        ["member@council.gov.uk", "tried to open the Upload centre page; needs uploader"],
        ["someone@elsewhere.org", "tried to open the Overview page; needs viewer"]]


def signed_in_flows(browser, url: str):  # noqa: F811 - the fixture
    viewer = sign_in(browser, url, "viewer")
    assert "Signed in as member@council.gov.uk · viewer" in viewer.locator('[data-testid="stSidebar"]').inner_text()
    assert viewer.locator("h1").first.is_visible() and viewer.locator('[data-testid="stException"]').count() == 0
    assert menu(viewer) == ["Overview", "Compliance KPIs", "Case-file audits", "Actions", "Board pack"]
    viewer.goto(url + "/upload")  # by URL: refused on the page, and recorded
    viewer.get_by_text("This needs the uploader role; you are signed in as a viewer.").wait_for(timeout=60_000)
    assert "Upload centre" not in menu(viewer) and not viewer.get_by_text("Drop the month's workbook").count()

    admin = sign_in(browser, url, "admin")
    assert menu(admin) == TITLES
    admin.get_by_role("link", name="Admin").click()
    admin.get_by_role("heading", name="Audit trail").wait_for(timeout=60_000)
    admin.get_by_role("button", name="Sign out").click()
    admin.get_by_role("button", name="End session").click(timeout=30_000)  # the provider's page
    admin.wait_for_url(re.compile(re.escape(url)), timeout=30_000)
    admin.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    admin.goto(url + "/admin")  # signed out: the sign-in screen, whatever the URL
    admin.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert menu(settled(admin)) == [] and not admin.get_by_text("Audit trail").count()

    stranger = sign_in(browser, url, "stranger")
    stranger.get_by_text("Your account has not been given a role for this dashboard yet.").wait_for(timeout=60_000)
    assert menu(stranger) == [] and not stranger.locator("h1").count()


@pytest.mark.browser
@needs_chromium
def test_a_public_bind_without_sign_in_serves_only_the_refusal(browser, tmp_path):  # noqa: F811 - the fixture
    """No menu, no page names, no store: one line, whether the first request is the app or a link to a page."""
    db = tmp_path / "never.duckdb"
    with running_app(db, "--server.address", "0.0.0.0") as url:
        for path in ("/upload", "/", "/kpis"):
            page = browser.new_page()
            try:
                page.goto(url + path)
                page.get_by_text("Refusing to serve on 0.0.0.0 without sign-in").wait_for(timeout=60_000)
                settled(page)
                main = page.locator('[data-testid="stMain"]').inner_text().strip()
                assert main == access.bind_problem("0.0.0.0", False)
                assert page.locator('[data-testid="stSidebar"]').count() == 0 and menu(page) == []
                assert not [t for t in [*TITLES, "app", "upload"] if t in page.locator("body").inner_text()]
            finally:
                page.close()
    assert not db.exists()
