"""A real headless Chromium against the running app: every page at 1920x1080 renders with its headings
and no exception, meeting mode reads from the back of the room and advances by itself. Screenshots go to
tests/artifacts/screenshots/ (ignored by git, so a test run leaves the work tree as it was); `make screenshots`
copies the README's into docs/screenshots/."""
import contextlib
import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="Chromium is installed by make test / CI (apt)"),
              pytest.mark.browser]
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
PAGES = [  # url, first heading, other headings that must show, screenshot
    ("/", "Cheshire East 2017-18", ["Measures against the plan's thresholds", "Case-file audits"], "overview"),
    ("/kpis?plan=Tameside+2023-25", "Compliance KPIs", ["Measure detail"], "kpis"),
    ("/audits?plan=Cheshire+East+progress+against+Ofsted+recommendations+2017", "Case-file audits",
     ["All streams: grades over time", "Against the plan", "Streams side by side"], "audits"),
    ("/actions?plan=Tameside+2023-25", "Actions", ["Ratings by priority", "Month by month", "Exceptions"], "actions"),
    ("/boardpack?plan=Tameside+2023-25", "Board pack", [], None),
    ("/upload", "Upload centre", [], None),
    ("/admin", "Admin", ["Audit trail", "Plans"], None),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(db: Path, *args: str, **env: str):
    """The app on a free port, given more `streamlit run` options and environment variables; yields its URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.headless", "true", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            env={**os.environ, "SCORECARD_DB": str(db), "SCORECARD_USER": "officer", **env})
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the app did not start: " + proc.stdout.read().decode()[-2000:])
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    shutil.copy(demo_db, db)
    with running_app(db) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    # charts draw: Streamlit shows a skeleton until a chart's JavaScript has loaded
    page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=60_000)
    page.wait_for_timeout(1500)
    return page


def click_to_download(page, button, tries: int = 3) -> Path:
    """Click a download button and return the file. The file is made when the button is clicked; on a
    loaded CI machine a click can land while Streamlit is still settling the page and start nothing, so
    the page is let go idle first and the click is tried again, as a person would, up to `tries` times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    for attempt in range(tries):
        page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        try:
            with page.expect_download(timeout=30_000) as download:
                button.click()
            return Path(download.value.path())
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise


@pytest.mark.parametrize("path, title, headings, shot", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_renders_in_chromium(server, browser, path, title, headings, shot):
    page = open_page(browser, server + path)
    try:
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator("h1").first.inner_text().strip() == title
        shown = [h.strip() for h in page.locator("h2").all_inner_texts()]
        assert all(h in shown for h in headings), shown
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Compliance KPIs" in nav and "Board pack" in nav and "Admin" in nav  # local mode: every role
        if shot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{shot}.png"))
    finally:
        page.close()


def status(page) -> str:
    return page.locator(".board-status").inner_text()


def test_meeting_mode_is_large_high_contrast_and_advances_by_itself(server, browser):
    page = open_page(browser, server + "/?mode=board&plan=Tameside+2023-25&interval=8")
    try:
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator("h1").first.inner_text() == "What needs the board's attention"
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert not page.locator('[data-testid="stHeader"]').is_visible()
        px = lambda sel: float(page.locator(sel).first.evaluate(  # noqa: E731 - the innermost element holds the text
            "e => { while (e.firstElementChild) e = e.firstElementChild; "
            "return parseFloat(getComputedStyle(e).fontSize) }"))
        assert px('[data-testid="stMetricValue"]') >= 48 and px(".stApp td") >= 24
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "meeting.png"))
        # "next in N s" counts down in the browser, then the slide moves on by itself
        page.wait_for_function("/next in [1-6] s/.test(document.querySelector('.board-status').innerText)",
                               timeout=10_000)
        actions_slide = "document.querySelector('h1').innerText === 'Actions and audits that need attention'"
        page.wait_for_function(actions_slide, timeout=20_000)
        assert "slide=1" in page.url
        started = time.perf_counter()  # the chair presses Next
        page.get_by_role("button", name="Next ▶").click()
        page.wait_for_function("document.querySelector('h1').innerText === '1. Quality of Practice'",
                               timeout=10_000, polling=20)
        elapsed = time.perf_counter() - started
        print(f"slide change in the browser: {elapsed * 1000:.0f} ms")
        assert elapsed < 2.0  # the 500 ms target is measured warm by make bench; this guards the browser path
        # the presentation clicker: `b` (or `.`) pauses, kept in the URL; PageUp goes back; `.` plays again
        page.keyboard.press("b")
        page.wait_for_function("document.querySelector('.board-status').innerText.endsWith('paused')", timeout=10_000)
        page.wait_for_function("location.search.includes('paused=1')", timeout=10_000)
        page.keyboard.press("PageUp")
        page.wait_for_function(actions_slide, timeout=10_000)
        page.keyboard.press(".")
        page.wait_for_function("!location.search.includes('paused=1')", timeout=10_000)
        assert "next in" in status(page)
    finally:
        page.close()


DEMO_PLANS = ["Cheshire East 2017-18", "Cheshire East 2023-24",
              "Cheshire East progress against Ofsted recommendations 2017", "Sefton 2017-18", "Tameside 2023-25"]
BUSY = '[data-stale="true"], [data-testid="stSkeleton"], [data-testid="stStatusWidget"]'  # still drawing
SLIDE_SIZE = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const bottom = Math.max(...[...main.querySelectorAll('*')].map(e => e.getBoundingClientRect().bottom)) + scrollY;
  const fonts = [...document.querySelectorAll('.js-plotly-plot svg text')]
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => [parseFloat(getComputedStyle(t).fontSize), t.textContent]);
  return [bottom, fonts];
}"""


@pytest.mark.parametrize("plan", DEMO_PLANS)
def test_every_meeting_slide_fits_the_room_and_its_charts_read_from_the_back(server, browser, plan):
    """Each slide, reached with the clicker's keys, fits one 1920x1080 screen with no scrolling, and no text in
    its charts (axes, legends, bar labels) is under 20 px (read from the SVG)."""
    page = open_page(browser, f"{server}/?mode=board&paused=1&plan={quote_plus(plan)}")
    try:
        slides = int(re.search(r"of (\d+)", status(page)).group(1))
        for k in range(slides):
            if k:
                page.keyboard.press("PageDown" if k % 2 else "ArrowRight")
                page.wait_for_function(
                    f"document.querySelector('.board-status').innerText.startsWith('Slide {k + 1} ')", timeout=30_000)
            page.wait_for_function(f"!document.querySelector('{BUSY}')", timeout=60_000)
            page.wait_for_timeout(500)  # charts draw
            assert page.locator('[data-testid="stException"]').count() == 0
            bottom, fonts = page.evaluate(SLIDE_SIZE)
            title = page.locator("h1").first.inner_text()
            assert bottom <= 1080, f"slide {k + 1} ({title}) is {bottom:.0f} px tall"
            small = [(size, text) for size, text in fonts if size < 20]
            assert not small, f"slide {k + 1} ({title}): chart text under 20 px: {small[:5]}"
    finally:
        page.close()


def test_a_link_to_a_page_as_the_servers_first_request_still_gets_the_apps_navigation(demo_db, tmp_path, browser):
    """Streamlit's old pages-folder mode would run pages/upload.py alone and list pages/ file names
    ('app', 'admin', ...) in the sidebar for every later visitor."""
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    with running_app(db) as url:
        for path, title in (("/upload", "Upload centre"), ("/kpis", "Compliance KPIs")):
            page = open_page(browser, url + path)
            try:
                assert page.locator("h1").first.inner_text().strip() == title
                nav = page.locator('[data-testid="stSidebarNav"]').inner_text().split("\n")
                assert "Upload centre" in nav and "Compliance KPIs" in nav
                assert not {"app", "upload", "admin", "kpis"} & {n.strip() for n in nav}, nav
            finally:
                page.close()


def column_edges(page) -> list[tuple[str, float]]:
    """The columns the page's first table shows whole, left to right, each with its right edge (px from the
    window's left): the headers Chromium's accessibility tree lists, matched in order with the places where
    the header row offers to resize a column (the cursor turns col-resize on a column's right edge)."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.locator("th").first.wait_for(state="attached", timeout=60_000)
    headers = [h.strip() for h in grid.locator("th").all_inner_texts()]
    box, canvas = grid.bounding_box(), grid.locator("canvas").first
    edges, zone = [], []
    for x in range(int(box["x"]) + 2, int(box["x"] + box["width"]) - 1, 3):
        page.mouse.move(x, box["y"] + 15)
        if canvas.evaluate("c => getComputedStyle(c).cursor") == "col-resize":
            zone.append(x)
        elif zone:
            edges.append(sum(zone) / len(zone))
            zone = []
    return list(zip(headers, edges))


@pytest.mark.parametrize("width, height, needed", [
    (1920, 1080, ["Code", "Measure", "Value", "Latest", "Band", "Target", "Direction", "Trend", "SPC", "Priority",
                  "Exception"]),
    (1366, 768, ["Code", "Measure", "Value", "Band"])])
def test_the_kpi_table_keeps_what_a_leader_needs_on_screen(server, browser, width, height, needed):
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(server + "/kpis?plan=Sefton+2017-18")
        page.wait_for_selector("h1", timeout=60_000)
        edges = dict(column_edges(page))
        assert all(edges.get(column, width + 1) <= width for column in needed), edges
    finally:
        page.close()


@pytest.mark.parametrize("width, height", [(1920, 1080), (1366, 768), (1280, 800)])
def test_overview_tiles_are_never_cut_short(server, browser, width, height):
    for plan in ("Sefton+2017-18", "Cheshire+East+2023-24"):
        page = browser.new_page(viewport={"width": width, "height": height})
        try:
            page.goto(f"{server}/?plan={plan}")
            page.get_by_text("Got worse").first.wait_for(timeout=60_000)
            labels = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stMetricLabel]')].map(e =>
                [e.innerText, [e, ...e.querySelectorAll('*')].some(x => x.scrollWidth > x.clientWidth + 1)])""")
            assert labels and not [text for text, cut in labels if cut], labels
        finally:
            page.close()


def test_the_audit_trail_downloads_with_full_iso_date_times(server, browser):
    page = open_page(browser, server + "/admin")
    try:
        path = click_to_download(page, page.get_by_role("button", name="Download the audit trail (CSV)"))
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert rows and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", r["logged_at"]) for r in rows), rows[:3]
        assert {r["upload_id"] for r in rows} <= {""} | {str(n) for n in range(1, 100)}  # whole numbers, or blank
    finally:
        page.close()
