"""Reading uploaded files into sheets of cells: .xlsx/.xlsm (python-calamine), .csv, .zip of CSVs.

Nothing here interprets the scorecard; it only turns bytes into rows of cell
values with their Excel positions, and refuses files that are not safe or not
workbooks with a message a performance officer can act on.
"""
from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

MAX_UPLOAD_MB = float(os.environ.get("SCORECARD_MAX_UPLOAD_MB", "20"))
MAX_INFLATED_BYTES = 100 * 1024 * 1024
MAX_CELLS = 1_000_000
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


class WorkbookError(Exception):
    """The file cannot be read as a scorecard workbook; the message says why and what to do."""

    def __init__(self, where, message: str):
        super().__init__(f"{where}: {message}")
        self.where, self.message = str(where), message


def column_letter(index: int) -> str:
    """0-based column index to Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def cell_ref(row: int, col: int) -> str:
    """0-based row/column to an Excel reference such as B7."""
    return f"{column_letter(col)}{row + 1}"


@dataclass
class Sheet:
    name: str
    rows: list[list]  # rows[i][j] is the cell at Excel row i+1, column j+1
    hidden: bool = False
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    _percent_loader: Callable[[], set[tuple[int, int]]] | None = None
    _percent_cells: set[tuple[int, int]] | None = None

    @property
    def has_percent_styles(self) -> bool:
        """False when no cell can carry a percentage format, so no cell needs checking."""
        return self._percent_loader is not None

    def is_percent_formatted(self, row: int, col: int) -> bool:
        """True when the cell has a percentage number format (so 0.65 shows as 65%)."""
        if self._percent_loader is None:
            return False
        if self._percent_cells is None:
            self._percent_cells = self._percent_loader()
        return (row, col) in self._percent_cells


def read_file(path: str | os.PathLike, display_name: str | None = None) -> list[Sheet]:
    p = Path(path)
    if not p.exists():
        raise WorkbookError(p, "no such file")
    return read_bytes(p.read_bytes(), display_name or p.name)


def read_bytes(data: bytes, name: str, max_mb: float | None = None) -> list[Sheet]:
    limit = MAX_UPLOAD_MB if max_mb is None else max_mb
    if len(data) > limit * 1024 * 1024:
        raise WorkbookError(name, f"the file is {len(data) / 1024 / 1024:.1f} MB, over the "
                            f"{limit:g} MB limit; split it or remove unused sheets")
    if not data.strip():
        raise WorkbookError(name, "the file is empty")
    ext = Path(name).suffix.lower()
    if data.startswith(_CFB_MAGIC):
        if _ENCRYPTED_MARK in data:
            raise WorkbookError(name, f"the workbook is password-protected; remove the password "
                                "in Excel (File > Info > Protect Workbook) and upload it again")
        raise WorkbookError(name, f"this is an old Excel 97-2003 (.xls) file; open it in Excel "
                            "and save it as .xlsx, then upload that")
    if ext == ".xls":
        raise WorkbookError(name, ".xls files are not read; save it as .xlsx and upload that")
    if data.startswith(b"PK"):
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise WorkbookError(name, f"the file is damaged and cannot be opened ({exc})") from exc
        _check_inflated_size(zf, name)
        names = zf.namelist()
        if "[Content_Types].xml" in names:
            return _read_xlsx(data, zf, name)
        return _read_zip_of_csv(zf, name)
    if ext in (".xlsx", ".xlsm", ".zip"):
        raise WorkbookError(name, f"this is not an Excel workbook or zip file; "
                            "export it again from Excel as .xlsx")
    return [_read_csv(data, Path(name).stem)]


def _check_inflated_size(zf: zipfile.ZipFile, name: str) -> None:
    total = sum(i.file_size for i in zf.infolist())
    if total > MAX_INFLATED_BYTES:
        raise WorkbookError(name, f"the file would expand to {total / 1024 / 1024:.0f} MB, over the "
                            f"{MAX_INFLATED_BYTES // 1024 // 1024} MB safety limit; it is refused")


# A second thread parses half the sheets (by size) while this one parses the other half: calamine
# releases the GIL while it parses. Cells become Python objects afterwards, on the caller's thread.
_SECOND_READER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet-reader")


def _read_xlsx(data: bytes, zf: zipfile.ZipFile, name: str) -> list[Sheet]:
    try:
        handles = [CalamineWorkbook.from_filelike(io.BytesIO(data)) for _ in range(2)]
    except Exception as exc:  # calamine raises several error types for damaged files
        raise WorkbookError(name, f"the workbook cannot be read ({exc}); open it in Excel and "
                                  "save it again as .xlsx") from exc
    paths = _sheet_xml_paths(zf)
    metas = [m for m in handles[0].sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    size = {i.filename: i.file_size for i in zf.infolist()}
    halves: tuple[list[int], list[int]] = ([], [])
    load = [0, 0]
    for k in sorted(range(len(metas)), key=lambda k: -size.get(paths.get(metas[k].name), 0)):
        half = load.index(min(load))
        halves[half].append(k)
        load[half] += size.get(paths.get(metas[k].name), 0)

    def parse(ks: list[int], wb: CalamineWorkbook) -> dict:
        raw = {}
        for k in ks:
            try:
                raw[k] = wb.get_sheet_by_name(metas[k].name)
            except Exception as exc:
                raw[k] = WorkbookError(name, f"the sheet {metas[k].name!r} cannot be read ({exc}); open the "
                                             "workbook in Excel and save it again as .xlsx")
        return raw

    second = _SECOND_READER.submit(parse, halves[1], handles[1])
    raw = parse(halves[0], handles[0])
    raw.update(second.result())

    percent_styles = _percent_style_ids(zf)
    sheets: list[Sheet] = []
    total_cells = 0
    for k, meta in enumerate(metas):
        if isinstance(raw[k], WorkbookError):
            raise raw[k]
        total_cells += raw[k].height * raw[k].width
        if total_cells > MAX_CELLS:
            raise WorkbookError(name, f"the workbook has more than {MAX_CELLS:,} cells, over the safety "
                                      "limit; remove unused sheets, rows or columns")
        sheet = Sheet(meta.name, raw[k].to_python(skip_empty_area=False),
                      hidden=meta.visible != SheetVisibleEnum.Visible)
        xml_path = paths.get(meta.name)
        if xml_path:
            xml = zf.read(xml_path)
            if b't="e"' in xml:
                sheet.error_cells = _error_cells(xml)
            if percent_styles:
                sheet._percent_loader = lambda xml=xml: _styled_cells(xml, percent_styles)
        sheets.append(sheet)
    return sheets


_RE_SHEET = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_RE_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')
_RE_REL_ALT = re.compile(rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')


def _sheet_xml_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    try:
        wb_xml = zf.read("xl/workbook.xml")
        rels_xml = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    rels = {i.decode(): t.decode() for i, t in _RE_REL.findall(rels_xml)}
    rels.update({i.decode(): t.decode() for t, i in _RE_REL_ALT.findall(rels_xml)})
    out = {}
    for sheet_name, rid in _RE_SHEET.findall(wb_xml):
        target = rels.get(rid.decode())
        if target:
            target = target.lstrip("/")
            out[_xml_unescape(sheet_name.decode())] = target if target.startswith("xl/") else "xl/" + target
    return out


def _xml_unescape(s: str) -> str:
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


_RE_NUMFMT = re.compile(rb'<numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"')
_RE_CELLXFS = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.S)
_RE_XF = re.compile(rb"<xf\b([^>]*)")
_RE_XF_NUMFMT = re.compile(rb'numFmtId="(\d+)"')
_BUILTIN_PERCENT = {9, 10}


def _percent_style_ids(zf: zipfile.ZipFile) -> set[int]:
    try:
        styles = zf.read("xl/styles.xml")
    except KeyError:
        return set()
    percent_fmts = set(_BUILTIN_PERCENT)
    for fid, code in _RE_NUMFMT.findall(styles):
        if b"%" in code.replace(b'\\%', b""):
            percent_fmts.add(int(fid))
    m = _RE_CELLXFS.search(styles)
    if not m:
        return set()
    ids = set()
    for i, attrs in enumerate(_RE_XF.findall(m.group(1))):
        f = _RE_XF_NUMFMT.search(attrs)
        if f and int(f.group(1)) in percent_fmts:
            ids.add(i)
    return ids


_RE_CELL_ATTRS = re.compile(rb'<c\b([^>]*?)(/?)>')
_RE_ATTR_R = re.compile(rb'\br="([A-Z]+)(\d+)"')
_RE_ATTR_S = re.compile(rb'\bs="(\d+)"')
_RE_ERROR_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>(?:<f[^>]*?(?:/>|>.*?</f>))?<v>([^<]*)</v>', re.S)


def _styled_cells(xml: bytes, style_ids: set[int]) -> set[tuple[int, int]]:
    wanted = {str(i).encode() for i in style_ids}
    out = set()
    for attrs, _ in _RE_CELL_ATTRS.findall(xml):
        s = _RE_ATTR_S.search(attrs)
        if s and s.group(1) in wanted:
            r = _RE_ATTR_R.search(attrs)
            if r:
                out.add((int(r.group(2)) - 1, column_index(r.group(1).decode())))
    return out


def _error_cells(xml: bytes) -> dict[tuple[int, int], str]:
    return {(int(r) - 1, column_index(c.decode())): v.decode()
            for c, r, v in _RE_ERROR_CELL.findall(xml)}


def _decode_text(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_csv(data: bytes, sheet_name: str) -> Sheet:
    text = _decode_text(data)
    sample = text[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    if sum(len(r) for r in rows) > MAX_CELLS:
        raise WorkbookError(sheet_name, f"more than {MAX_CELLS:,} cells, over the safety limit")
    return Sheet(sheet_name, rows)


def _read_zip_of_csv(zf: zipfile.ZipFile, name: str) -> list[Sheet]:
    sheets = []
    for info in zf.infolist():
        if info.is_dir() or Path(info.filename).name.startswith((".", "__MACOSX")):
            continue
        if Path(info.filename).suffix.lower() != ".csv":
            continue
        sheets.append(_read_csv(zf.read(info), Path(info.filename).stem))
    if not sheets:
        raise WorkbookError(name, f"the zip file holds no .csv files; put one CSV per sheet "
                            "(Measures.csv, Values.csv, Audits.csv, Actions.csv) in it")
    return sheets
