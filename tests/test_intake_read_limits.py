"""Files built to exhaust the server are refused before the Excel reader allocates anything.

python-calamine fills every cell from A1 to a sheet's far corner, so a 1.5 KB workbook with cells at A1 and
XFD1048576 asked for 550 GB and aborted the whole process (the Streamlit server with it); one reaching
ALL100000 was refused only after 3.3 GB. These files are built by hand, part by part, as no spreadsheet
program would write them."""
import io
import resource
import shutil
import subprocess
import sys
import urllib.request
import warnings
import zipfile

import openpyxl
import pytest

from scorecard.intake.read import WorkbookError, read_bytes
from scorecard.store import Store
from tests.bad_files import FAR_HINT, REL_NS, far_corner_xlsx, raw_xlsx, sheet_xml, zipped
from tests.conftest import ROOT

FAR = ["XFD1048576", "ALL100000"]
TABLES = ("uploads", "plans", "measures", "measure_values", "audits", "audit_case_refs", "actions", "benchmarks")
MB = 1024 * 1024


def refused(data: bytes, name: str = "book.xlsx") -> str:
    with pytest.raises(WorkbookError) as exc:
        read_bytes(data, name)
    return exc.value.message


def store_state(db) -> tuple:
    s = Store(db, read_only=True)
    try:
        return (s.query("SELECT * FROM uploads ORDER BY id").to_dict("records"), s.data_version(),
                {t: s.query(f"SELECT count(*) AS n FROM {t}")["n"].iloc[0] for t in TABLES})
    finally:
        s.close()


# Runs the command as its own child and reports that child's peak RSS. Linux keeps a process's high-water
# mark across exec, and a child forked straight from pytest starts with pytest's pages (hundreds of MB late
# in the suite), so the command is forked from this small launcher instead, and measured there.
LAUNCHER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
sys.stderr.write(f"\\npeak-rss-kb {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
sys.exit(code)
"""


def run_capped(args: list[str], cap_bytes: int = 2048 * MB) -> tuple[int, str, str, int]:
    """Run a command with its address space capped (so a reader that tries to allocate gigabytes fails
    at once instead of taking the machine down); returns exit code, stdout, stderr and its peak RSS in
    bytes, measured for that process alone."""
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))

    proc = subprocess.run([sys.executable, "-c", LAUNCHER, *args], cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=cap)
    err, _, peak = proc.stderr.rstrip("\n").rpartition("\npeak-rss-kb ")
    return proc.returncode, proc.stdout, err, int(peak) * 1024


@pytest.mark.slow
@pytest.mark.parametrize("far", FAR)
def test_a_far_corner_file_is_refused_in_one_line_with_little_memory_and_nothing_changes(far, demo_copy, tmp_path):
    path = tmp_path / f"far-{far}.xlsx"
    path.write_bytes(far_corner_xlsx(far))
    assert path.stat().st_size < 1600
    before = store_state(demo_copy)
    code, out, err, peak = run_capped([sys.executable, "-m", "scorecard", "import", str(path), "--db", str(demo_copy)])
    assert code == 1, (code, out, err[-2000:])
    cols, rows = {"XFD1048576": ("16,384", "1,048,576"), "ALL100000": ("1,000", "100,000")}[far]
    assert out.splitlines() == [f"{path.name}: the sheet 'Values' reaches cell {far} ({cols} columns x {rows} rows), "
                                f"over the safety limit of 1,000,000 cells; {FAR_HINT}"]
    assert "Traceback" not in err
    assert peak < 300 * MB, f"peak memory {peak / MB:.0f} MB"
    assert store_state(demo_copy) == before


CELL = '<c r="{}"><v>1</v></c>'


@pytest.mark.parametrize("cells, dimension, far, size", [
    ('<row r="50000"><c r="Z50000"><v>1</v></c></row>', None, "Z50000", "26 columns x 50,000 rows"),
    ('<row r="1"><c r="A1"><v>1</v></c></row>', "A1:XFD1048576", "XFD1048576", "16,384 columns x 1,048,576 rows"),
    ('<row r="1"><c r="A1" r="Z50000"><v>1</v></c></row>', None, "Z50000", "26 columns x 50,000 rows"),
    ('<row r="1"><c r="A1"\n r="Z50000"><v>1</v></c></row>', None, "Z50000", "26 columns x 50,000 rows"),
    ('<row r="1"><c s="0" r=\'Z50000\'><v>1</v></c></row>', None, "Z50000", "26 columns x 50,000 rows"),
    ('<x:row r="1"><x:c r="Z50000"><x:v>1</x:v></x:c></x:row>', None, "Z50000", "26 columns x 50,000 rows"),
    ('<row r="1"><c r="a1"><v>1</v></c><c r="zz2000"><v>1</v></c></row>', None, "ZZ2000", "702 columns x 2,000 rows"),
], ids=["lone far cell", "declared dimension", "second r attribute", "second r after a newline",
        "r after another attribute, single quotes", "namespace prefix", "lower-case reference"])
def test_a_sheet_reaching_past_the_limit_is_refused_however_its_xml_is_spelt(cells, dimension, far, size):
    sheet = sheet_xml(cells, dimension).replace("<worksheet ", '<worksheet xmlns:x="urn:x" ')
    assert refused(raw_xlsx({"Values": sheet})) == (
        f"the sheet 'Values' reaches cell {far} ({size}), over the safety limit of 1,000,000 cells; {FAR_HINT}")


def test_cells_without_a_reference_are_placed_as_the_reader_places_them():
    """A <c> with no r attribute follows the previous cell of its row (some writers leave r out): a small
    sheet reads where Excel would show it, and one whose row 900,000 holds two such cells is refused."""
    small = sheet_xml('<row r="2"><c><v>1</v></c><c r="C2"><v>2</v></c><c><v>3</v></c></row><row><c><v>4</v></c></row>')
    (sheet,) = read_bytes(raw_xlsx({"Values": small}), "book.xlsx")
    assert sheet.rows == [[""] * 4, [1.0, "", 2.0, 3.0], [4.0, "", "", ""]]
    far = sheet_xml('<row r="1"><c><v>1</v></c></row><row r="900000"><c/><c><v>2</v></c></row>')
    assert refused(raw_xlsx({"Values": far})) == (
        f"the sheet 'Values' reaches cell B900000 (2 columns x 900,000 rows), over the safety limit of 1,000,000 "
        f"cells; {FAR_HINT}")


def test_sheets_that_together_pass_the_limit_are_refused_naming_each():
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="1000"><c r="ZZ1000"><v>2</v></c></row>')
    assert refused(raw_xlsx({"Values": sheet, "Audits": sheet, "Actions": sheet})) == (
        "the sheets together reach 2,106,000 cells ('Values' to cell ZZ1000, 'Audits' to cell ZZ1000, 'Actions' to "
        "cell ZZ1000), over the safety limit of 1,000,000 cells; delete the unused rows and columns beyond your "
        "tables in Excel and save again")


def test_every_copy_of_a_sheet_part_is_checked_however_the_relationships_name_it():
    far = sheet_xml('<row r="50000"><c r="Z50000"><v>1</v></c></row>')
    message = (f"the sheet 'Values' reaches cell Z50000 (26 columns x 50,000 rows), over the safety limit of "
               f"1,000,000 cells; {FAR_HINT}")
    rels = ('<?xml version="1.0"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="/XL/Worksheets/Sheet1.xml"/></Relationships>')
    assert refused(raw_xlsx({"Values": far}, {"xl/_rels/workbook.xml.rels": rels})) == message
    book = io.BytesIO(raw_xlsx({"Values": sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')}))
    with warnings.catch_warnings(), zipfile.ZipFile(book, "a") as z:  # the reader takes the last of two
        warnings.simplefilter("ignore")
        z.writestr("xl/worksheets/sheet1.xml", far)
    assert refused(book.getvalue()) == message


@pytest.mark.slow
def test_a_million_cells_at_one_address_are_refused():
    cells = '<row r="1">' + '<c r="A1"><v>1</v></c>' * 1_000_001 + "</row>"
    assert refused(raw_xlsx({"Values": sheet_xml(cells)})) == (
        "the workbook has more than 1,000,000 cells, over the safety limit; remove unused sheets, rows or columns")


def test_a_table_of_text_with_more_entries_than_the_cell_limit_is_refused():
    strings = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               + "<si/>" * 1_000_001 + "</sst>")
    data = raw_xlsx({"Values": sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')},
                    {"xl/sharedStrings.xml": strings})
    assert len(data) < 50_000
    assert refused(data) == (
        "the workbook's table of text holds more than 1,000,000 entries, over the safety limit of 1,000,000 cells; "
        "open it in Excel and save it again, which keeps only the text in use")


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "docProps/app.xml"])
def test_a_doctype_in_any_xml_part_is_refused_as_unsafe_without_reading_it(part):
    doctype = '<!doctype x [<!ENTITY e "e">]>'
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')
    xml = (sheet.replace("\n", "\n" + doctype) if part.endswith("sheet1.xml")
           else f'<?xml version="1.0"?>\n{doctype}<x/>')
    assert refused(raw_xlsx({"Values": sheet}, {part: xml})) == (
        f"the workbook is refused as unsafe: its part {part} declares XML entities (a DOCTYPE), which Excel never "
        "writes and which can make a few bytes expand into gigabytes; export it again, or save it from Excel as "
        ".xlsx, and upload that copy")


def test_a_sheet_with_a_malformed_cell_says_what_the_reader_found():
    assert refused(raw_xlsx({"Values": sheet_xml('<row r="1"><c r="A1" t="zz"><v>1</v></c></row>')})) == (
        "the sheet 'Values' cannot be read (Unknown cell 't' attribute: \"zz\"); open the workbook in Excel, save it "
        "as .xlsx and upload that copy")


def test_a_utf16_csv_without_a_byte_order_mark_is_recognised():
    data = "Code,Period,Value\r\nCIN8,Jan-24,50\r\n".encode("utf-16-be")
    assert refused(data, "Values.csv") == (
        "the file is saved as UTF-16 text (Excel's 'Unicode Text'), which is not read; open it in Excel and use "
        "File > Save As > CSV UTF-8 (Comma delimited), then upload that")
    assert refused(zipped({"Values.csv": "Code,Value\n".encode("utf-16")}), "csvs.zip").startswith(
        "Values.csv is saved as UTF-16 text")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is installed by make test / CI (apt)")
def test_the_far_corner_file_dropped_on_the_upload_centre_is_refused_and_the_server_keeps_serving(demo_copy, tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.test_browser import click_to_download, open_page, running_app

    path = tmp_path / "far-XFD1048576.xlsx"
    path.write_bytes(far_corner_xlsx("XFD1048576"))
    with running_app(demo_copy) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = open_page(browser, url + "/upload")
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
            page.get_by_text("1 problem(s) must be fixed").wait_for(timeout=60_000)
            # the problem list is drawn on a canvas: read its report
            report_path = click_to_download(page, page.get_by_role("button", name="Download this report (Excel)"))
            report = openpyxl.load_workbook(io.BytesIO(report_path.read_bytes())).active
            assert [c.value for c in report["E"] if c.value and "reaches cell" in c.value] == [
                f"the sheet 'Values' reaches cell XFD1048576 (16,384 columns x 1,048,576 rows), over the safety limit "
                f"of 1,000,000 cells; {FAR_HINT}"]
            assert urllib.request.urlopen(url + "/_stcore/health", timeout=5).read() == b"ok"
            page.goto(url + "/kpis?plan=Tameside+2023-25")
            page.wait_for_selector("h1", timeout=60_000)
            assert page.locator("h1").first.inner_text().strip() == "Compliance KPIs"
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            browser.close()
