"""One definition of the workbook format: the template, the plan export, the importer, the store's tables
and the README all agree with scorecard/intake/format.py."""
import io
import re

from openpyxl import load_workbook

from scorecard.intake.export import plan_workbook_bytes
from scorecard.intake.format import DATA_SHEETS, SHEETS, field_names, normalise, store_columns
from scorecard.intake.template import write_template
from scorecard.store import _TABLES, Store
from tests.conftest import ROOT


def _headers(ws) -> list[str]:
    return [c.value for c in ws[1] if c.value is not None]


def test_template_and_export_write_the_format_headers_and_the_importer_reads_them(demo_db, tmp_path):
    write_template(tmp_path / "t.xlsx")
    template = load_workbook(tmp_path / "t.xlsx")
    store = Store(demo_db, read_only=True)
    try:
        exported = load_workbook(io.BytesIO(plan_workbook_bytes(store, "Sefton 2017-18")))
    finally:
        store.close()
    for name in DATA_SHEETS:
        fmt = SHEETS[name]
        assert _headers(template[name]) == fmt.headers, name
        if name in exported.sheetnames:
            assert _headers(exported[name]) == fmt.headers, name
        written = [c for c in fmt.columns if c.written]
        assert [field_names(name)[normalise(h)] for h in fmt.headers] == [c.field for c in written], name
    assert [r[0].value for r in template["Plan"].iter_rows()] == SHEETS["Plan"].headers
    assert [r[0].value for r in exported["Plan"].iter_rows()] == SHEETS["Plan"].headers


def test_store_tables_take_their_columns_from_the_format(store):
    for table, columns in _TABLES.items():
        assert columns == store_columns(table)
        got = [r[0] for r in store.cursor().execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table]).fetchall()]
        assert got == ["upload_id", *columns], table


def test_no_two_fields_of_a_sheet_share_a_header():
    for name, fmt in SHEETS.items():
        seen: dict[str, str] = {}
        for c in fmt.columns:
            for n in c.names:
                assert seen.setdefault(n, c.field) == c.field, f"{name}: {n!r} names {seen[n]} and {c.field}"


def test_the_readme_table_lists_every_sheet_and_column():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| sheet | columns"):]
    table = table[:table.index("\n\n")]
    rows = {re.match(r"\| (\w+)", line).group(1): line for line in table.splitlines()[2:]}
    for name in ("Plan", *DATA_SHEETS):
        for header in SHEETS[name].headers:
            assert f"`{header}`" in rows[name], f"README's {name} row lacks `{header}`"
        for field in SHEETS[name].required:
            assert f"`{SHEETS[name].column(field).header}`*" in rows[name], f"README: {name} {field} not starred"
