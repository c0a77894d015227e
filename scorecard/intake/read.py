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

from .styles import Styles, read_styles, styled_cells

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
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # (top, left), (bottom, right)
    styles: Styles = field(default_factory=Styles)
    _style_loader: Callable[[], dict[tuple[int, int], int]] | None = None
    _cell_styles: dict[tuple[int, int], int] | None = None

    @property
    def has_percent_styles(self) -> bool:
        """False when no cell can carry a percentage format, so no cell needs checking."""
        return self._style_loader is not None and bool(self.styles.percent)

    def _style(self, row: int, col: int) -> int | None:
        if self._style_loader is None:
            return None
        if self._cell_styles is None:
            self._cell_styles = self._style_loader()
        return self._cell_styles.get((row, col))

    def is_percent_formatted(self, row: int, col: int) -> bool:
        """True when the cell has a percentage number format (so 0.65 shows as 65%)."""
        return self.has_percent_styles and self._style(row, col) in self.styles.percent

    def percent_rows(self) -> set[int]:
        """The rows holding at least one percentage-formatted cell."""
        if not self.has_percent_styles:
            return set()
        self._style(0, 0)
        return {r for (r, _), s in self._cell_styles.items() if s in self.styles.percent}

    def fill(self, row: int, col: int) -> str | None:
        """The cell's solid fill colour as RRGGBB, or None."""
        if not self.styles.fills:
            return None
        s = self._style(row, col)
        return self.styles.fills.get(s) if s is not None else None

    def merged_at(self, row: int, col: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
        for (r0, c0), (r1, c1) in self.merged:
            if r0 <= row <= r1 and c0 <= col <= c1:
                return (r0, c0), (r1, c1)
        return None


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

    styles = read_styles(zf)
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
                      hidden=meta.visible != SheetVisibleEnum.Visible,
                      merged=list(raw[k].merged_cell_ranges or []), styles=styles)
        xml_path = paths.get(meta.name)
        if xml_path:
            xml = zf.read(xml_path)
            if b't="e"' in xml:
                sheet.error_cells = _error_cells(xml)
            if styles.wanted:
                sheet._style_loader = lambda xml=xml: styled_cells(xml, styles.wanted)
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


_RE_ERROR_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>(?:<f[^>]*?(?:/>|>.*?</f>))?<v>([^<]*)</v>', re.S)


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
