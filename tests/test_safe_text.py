"""Script injection: every string that comes from a file is shown as text, never as HTML or Markdown.

A workbook whose every text cell (plan, authority, codes, measures, priorities, focus areas, sources,
audit streams, refs, actions, owners, start and due text, commentary, "children will say") carries
script, HTML and Markdown payloads is uploaded through the Upload centre under a file name that carries
them too. Then every page, every meeting slide, the board pack (HTML and PDF) and the CSV/Excel downloads
are opened in headless Chromium at 1920x1080: no script runs (`window.__pwned` stays undefined), no
image is fetched (a beacon server on loopback records every request), no iframe, image, script or
link from the payload is in the page, and the text shows as typed (the page's visible text holds it).
"""
import contextlib
import csv
import http.server
import io
import re
import shutil
import threading
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from scorecard import board, kpis
from tests.conftest import make_workbook
from tests.test_browser import CHROMIUM, browser, open_page, running_app  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="Chromium is installed by make test / CI (apt)"),
              pytest.mark.browser]
WORD_JOINER = "\u2060"  # invisible: the app puts it inside text Streamlit would rewrite (' -> ', www., ':streamlit:')


class Beacon(http.server.ThreadingHTTPServer):
    """Records every request: an image or frame from a payload that loads asks it for /md.png or /html.png."""

    def __init__(self):
        self.hits: list[str] = []
        beacon = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # the standard library's name
                beacon.hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]


@pytest.fixture(scope="module")
def beacon():
    server = Beacon()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class Payloads:
    """The text of every cell. Each carries script, HTML and Markdown; short fields stay under 200
    characters, the long ones (action, commentary, children will say) also carry Markdown formatting and
    Streamlit's own shortcodes."""

    def __init__(self, port: int):
        url = f"http://127.0.0.1:{port}"
        self.a = f'<script>window.__pwned=1</script> <img src="{url}/html.png"> ![x]({url}/md.png)'
        self.b = ('<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe> '
                  '<img src=x onerror="window.__pwned=1"> [click](javascript:window.__pwned=1)')
        self.c = ("**bold** _it_ `code` $x^2$ :red[red] :material/home: :smile: :streamlit: a -> b &amp; \\o/ "
                  "www.example.com x@example.com")
        self.plan = f'Plan <iframe srcdoc="<script>parent.__pwned=1</script>"></iframe> ![x]({url}/md.png)'
        self.authority = f"Authority {self.b} {url}"
        # a file name holds no '/' (a browser reads '\\' as '/' in an http URL), and a browser sends '"' as %22
        self.file = f"<img src=x onerror=window.__pwned=1> ![x](http:\\127.0.0.1:{port}\\md.png) <b>file.xlsx"
        self.code1, self.code2 = f"C1 {self.a}", f"C2 {self.b}"
        self.measure1, self.measure2 = f"Measure one {self.b}", f"Measure two {self.a}"
        self.priority1, self.priority2 = f"1. {self.a}", f"2. {self.b}"
        self.focus1, self.focus2 = f"FA {self.b}", f"FB {self.a}"
        self.source1 = f"Scorecard {self.a}"
        self.stream1, self.stream2 = f"Stream {self.a}", f"Stream two {self.b}"
        self.ref1, self.ref2 = f"1.1 {self.b}", f"2.1 {self.a}"
        self.action1, self.action2 = f"Action one {self.b} {self.c}", f"# Action two {self.a} {self.c}"
        self.owner1, self.owner2 = f"Owner {self.a}", f"Owner two {self.b}"
        self.start1, self.due1 = f"Start {self.b}", f"Due {self.a}"
        self.commentary1 = f"> Commentary {self.b} {self.c}"
        self.children1 = f"- Children {self.a} {self.c}"
        # source tags are split on ',', ';', '/' and 'and', and shown as inline code
        self.tags1 = f"ILAC, ``tag`` <img src=x onerror=window.__pwned=1> ![x](http:\\127.0.0.1:{port}\\md.png)"

    def workbook(self, path):
        bands = ["60-69%", "70-79%", "80-100%", 90]
        actions = [["Ref", "Action", "Priority", "Focus area", "Owner", "Start", "Due", "Action RAG", "Impact RAG",
                    "Commentary", "Source", "Children will say", "As at"]]
        for month, rag in (("Mar-24", "Amber"), ("Apr-24", "Red")):
            actions += [[self.ref1, self.action1, self.priority1, self.focus1, self.owner1, self.start1, self.due1,
                         rag, "Red", self.commentary1, self.tags1, self.children1, month],
                        [self.ref2, self.action2, self.priority2, self.focus2, self.owner2, "Jan 2024", "Jan 2024",
                         "Green", "Amber", f"Commentary two {self.a}", f"FV1, {self.a}", f"Children two {self.b}",
                         month]]
        return make_workbook(path, {
            "Plan": [["Authority", self.authority], ["Plan", self.plan], ["As at", "Apr-24"]],
            "Measures": [["Code", "Measure", "Priority", "Focus area", "Unit", "Polarity", "Requires Improvement",
                          "Good", "Outstanding", "Target", "Source"],
                         [self.code1, self.measure1, self.priority1, self.focus1, "%", "", *bands, self.source1],
                         [self.code2, self.measure2, self.priority2, self.focus2, "%", "", *bands,
                          f"audit: {self.stream1}"]],
            "Values": [["Code", "Period", "Value", "Numerator", "Denominator"],
                       *[[self.code1, m, v, None, None] for m, v in
                         (("Jan-24", 75), ("Feb-24", 72), ("Mar-24", 65), ("Apr-24", 55))]],
            "Audits": [["Period", "Stream", "Outstanding", "Good", "Requires Improvement", "Inadequate"],
                       ["Q3 2023/24", self.stream1, 2, 10, 5, 0], ["Q4 2023/24", self.stream1, 0, 4, 8, 3],
                       ["Q3 2023/24", self.stream2, 1, 6, 6, 1], ["Q4 2023/24", self.stream2, 1, 7, 5, 1]],
            "Actions": actions})


# -- what a page must not do, and what it must show -------------------------------------------------
FOUND = """port => {
  const bad = [];
  for (const e of document.querySelectorAll('iframe, img, image, script, a, object, embed')) {
    const attrs = Object.fromEntries([...e.attributes].map(a => [a.name, a.value]));
    const src = attrs.src || attrs.href || attrs['xlink:href'] || '';
    if ((e.tagName === 'IFRAME' && (attrs.srcdoc || '').includes('__pwned'))
        || (e.tagName === 'SCRIPT' && /^\\s*(window|parent)\\.__pwned=1\\s*$/.test(e.textContent))
        || 'onerror' in attrs || src === 'x' || src.includes('127.0.0.1:' + port)
        || /^\\s*(javascript|mailto):|example\\.com/i.test(src) || attrs.alt === 'x' || attrs.alt === 'Streamlit logo')
      bad.push(e.outerHTML.slice(0, 200));
  }
  return bad;
}"""
TEXT = """() => document.body.innerText + '\\n' +
  [...document.querySelectorAll('svg text')].map(t => t.textContent).join('\\n')"""


def check(page, beacon, *texts: str) -> None:
    """No payload ran, loaded or became an element; every text shows as typed."""
    page.wait_for_timeout(500)  # images and frames have had their chance to load
    shown = page.evaluate(TEXT).replace(WORD_JOINER, "")
    ran = page.evaluate("typeof window.__pwned") != "undefined"
    problems = (["a payload ran script (window.__pwned is set)"] * ran
                + [f"element from a payload: {e}" for e in page.evaluate(FOUND, beacon.port)]
                + [f"the beacon was asked for {hit}" for hit in beacon.hits]
                + [f"not shown as typed: {t}" for t in texts if t not in shown])
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def app(beacon, browser, demo_db, tmp_path_factory):  # noqa: F811
    """The app on a copy of the demo store, with the payload workbook uploaded through the Upload centre;
    yields its URL, the payloads and what the Upload centre showed during the upload."""
    p = Payloads(beacon.port)
    folder = tmp_path_factory.mktemp("injection")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db, db)
    data = p.workbook(folder / "payload.xlsx").read_bytes()
    with running_app(db) as url:
        page = open_page(browser, url + "/upload")
        try:
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files=[{
                "name": p.file, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": data}])
            page.locator(".st-key-upload_commit_0 button").wait_for(timeout=60_000)
            page.wait_for_timeout(1000)
            during = failure(lambda: check(page, beacon, p.file, p.plan))
            page.locator(".st-key-upload_commit_0 button").click()
            page.locator('[data-testid="stAlert"]').filter(has_text="as upload").wait_for(timeout=60_000)
            page.wait_for_timeout(1000)
            after = failure(lambda: check(page, beacon, p.file, p.plan))
        finally:
            page.close()
        beacon.hits.clear()
        yield url, p, {"check": during, "loaded": after}


def failure(fn) -> str | None:
    try:
        fn()
    except AssertionError as exc:
        return str(exc)
    return None


@contextlib.contextmanager
def visit(browser, beacon, url):  # noqa: F811
    beacon.hits.clear()
    page = open_page(browser, url)
    try:
        yield page
    finally:
        page.close()


def test_the_upload_centre_shows_the_file_name_and_plan_as_text(app):
    _, _, upload = app
    assert upload == {"check": None, "loaded": None}


def plan_url(url: str, p: Payloads, path: str = "/") -> str:
    return f"{url}{path}?plan={quote(p.plan)}"


def idle(page) -> None:
    """Wait for the script run a click started to finish (a download button's click reruns the page)."""
    page.wait_for_timeout(500)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=60_000)
    page.wait_for_timeout(1000)


def choose(page, key: str, option: str) -> None:
    """Pick an option of a select box by its key (Streamlit's widgets carry st-key-<key>)."""
    idle(page)
    wanted = page.get_by_role("option").filter(has_text=option[:40]).first
    for _ in range(3):  # a click while the page is still settling may not open the list
        page.locator(f".st-key-{key} input[role=combobox]").click()
        with contextlib.suppress(PlaywrightTimeout):
            wanted.wait_for(timeout=5_000)
            break
    wanted.click()
    idle(page)


def test_overview(app, browser, beacon):  # noqa: F811
    url, p, _ = app
    with visit(browser, beacon, plan_url(url, p)) as page:
        assert page.locator("h1").first.inner_text().replace(WORD_JOINER, "") == p.plan
        check(page, beacon, p.plan, p.authority)


def test_compliance_kpis(app, browser, beacon):  # noqa: F811
    url, p, _ = app
    with visit(browser, beacon, plan_url(url, p, "/kpis")) as page:
        check(page, beacon, p.plan)


def test_case_file_audits_with_a_stream_chosen(app, browser, beacon):  # noqa: F811
    url, p, _ = app
    with visit(browser, beacon, plan_url(url, p, "/audits")) as page:
        check(page, beacon, p.plan, p.stream1, p.stream2)  # the streams in the heatmap and small multiples
        choose(page, "audit_stream", p.stream1)
        check(page, beacon, f"{p.stream1}: grades over time", f"{p.code2} · {p.measure2}")


def test_actions_with_an_action_opened(app, browser, beacon):  # noqa: F811
    url, p, _ = app
    with visit(browser, beacon, plan_url(url, p, "/actions")) as page:
        check(page, beacon, p.plan, p.priority1, p.priority2)  # priorities in the charts and the sentences
        choose(page, "act_ref", p.ref1)
        check(page, beacon, f"{p.ref1} · {p.action1}", p.owner1, p.priority1, p.focus1, p.start1, p.due1,
              f"Source: {p.tags1}", p.children1, p.commentary1)


def test_board_pack_upload_centre_and_admin_pages(app, browser, beacon):  # noqa: F811
    url, p, _ = app
    for path, texts in (("/boardpack", [p.plan]), ("/upload", []), ("/admin", [])):
        with visit(browser, beacon, plan_url(url, p, path)) as page:
            check(page, beacon, *texts)
            if path == "/admin":
                choose(page, "manage_plan", p.plan)
                check(page, beacon, f"Withdraw {p.plan}")


def test_every_meeting_slide(app, browser, beacon):  # noqa: F811
    url, p, _ = app
    with visit(browser, beacon, f"{url}/?mode=board&plan={quote(p.plan)}&interval=600") as page:
        short = kpis.short_name  # a slide shows names cut short and an action's first words (issue 21)
        slides = [("What needs the board's attention", [short(p.measure1)]),
                  ("Actions and audits that need attention", [board.short_action(p.action1), short(p.owner1, 30),
                                                              p.stream1]),
                  (p.priority1, [short(p.measure1)]), (p.priority2, [short(p.measure2)]),
                  (f"{p.priority2}: {p.stream1} audits", []),  # its measure is sourced from that stream
                  ("Case-file audits: is practice getting better?", [])]
        for n, (title, texts) in enumerate(slides, start=1):
            page.wait_for_function(f"document.body.innerText.includes('Slide {n} of {len(slides)}')",
                                   timeout=20_000)
            page.wait_for_timeout(1500)
            check(page, beacon, *texts)
            assert page.locator("h1").first.inner_text().replace(WORD_JOINER, "") == title
            strip = page.locator(".board-strip").inner_text()
            assert strip.startswith(p.plan + " · as at Apr-24"), strip
            page.get_by_role("button", name="Next ▶").click()


def download(page, key: str, folder):
    idle(page)
    with page.expect_download(timeout=120_000) as d:
        page.locator(f".st-key-{key} button").click()
    target = folder / d.value.suggested_filename.replace("/", "_")
    d.value.save_as(target)
    return target


def test_the_board_pack_html_and_pdf(app, browser, beacon, tmp_path):  # noqa: F811
    from pypdf import PdfReader
    url, p, _ = app
    with visit(browser, beacon, plan_url(url, p, "/boardpack")) as page:
        pack = download(page, "pack_html", tmp_path)
        pdf = download(page, "pack_pdf", tmp_path)  # printed by Chromium from the same HTML
    assert beacon.hits == [], f"the Board pack page or printing the PDF fetched {beacon.hits}"
    texts = [p.plan, p.authority, p.priority1, p.priority2, p.code1, p.measure1, p.ref1, p.action1, p.owner1,
             p.due1, p.stream1, p.file]
    with visit(browser, beacon, pack.as_uri()) as page:
        check(page, beacon, *texts)
    printed = re.sub(r"\s+", "", "".join(sheet.extract_text() for sheet in PdfReader(pdf).pages))
    missing = [t for t in (p.plan, p.authority, p.priority1, p.measure1) if re.sub(r"\s+", "", t) not in printed]
    assert not missing, missing


def test_downloads_keep_the_text_as_typed(app, browser, beacon, tmp_path):  # noqa: F811
    url, p, _ = app
    with visit(browser, beacon, plan_url(url, p, "/kpis")) as page:
        kpi_csv, kpi_xlsx = download(page, "kpi_csv", tmp_path), download(page, "kpi_xlsx", tmp_path)
    with visit(browser, beacon, plan_url(url, p, "/actions")) as page:
        act_csv, act_xlsx = download(page, "act_csv", tmp_path), download(page, "act_xlsx", tmp_path)
    for path, texts in ((kpi_csv, (p.code1, p.measure1, p.priority1, p.focus1, p.source1)),
                        (act_csv, (p.ref1, p.action1, p.owner1, p.priority1, p.commentary1, p.due1))):
        cells = {c for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"))) for c in row}
        assert set(texts) <= cells, set(texts) - cells
    for path, texts in ((kpi_xlsx, (p.code1, p.measure1, p.source1)), (act_xlsx, (p.ref1, p.action1, p.owner1))):
        ws = load_workbook(path).active
        cells = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value is not None}
        assert all(cells.get(t) == "s" for t in texts), [t for t in texts if cells.get(t) != "s"]
        assert f"{p.plan}: " in str(ws["A1"].value)
