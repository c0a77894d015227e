"""Reading uploaded files into sheets of cells: .xlsx/.xlsm (python-calamine), .csv, .zip of CSVs.

Nothing here interprets the scorecard; it only turns bytes into rows of cell
values with their Excel positions, and refuses files that are not safe or not
workbooks with a message a performance officer can act on.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum, XmlError

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

    def __getstate__(self) -> dict:
        """A sheet sent to another process (the Upload centre's check is made in one): its cell styles are read
        first, as the loader, which reads the workbook's XML again, stays behind."""
        self._style(0, 0)
        return {**self.__dict__, "_style_loader": None}

    @property
    def has_percent_styles(self) -> bool:
        """False when no cell can carry a percentage format, so no cell needs checking."""
        return (self._style_loader is not None or self._cell_styles is not None) and bool(self.styles.percent)

    def _style(self, row: int, col: int) -> int | None:
        if self._cell_styles is None:
            if self._style_loader is None:
                return None
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
            raise WorkbookError(name, "the workbook is password-protected; remove the password "
                               "in Excel (File > Info > Protect Workbook) and upload it again")
        raise WorkbookError(name, "this is an old Excel 97-2003 (.xls) file; open it in Excel "
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
        raise WorkbookError(name, "this is not an Excel workbook or zip file; "
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
        parts = _worksheet_parts(zf)
        with_errors = _inspect_package(zf, name, parts)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise WorkbookError(name, f"the file is damaged and cannot be opened ({exc})") from exc
    try:
        handles = [CalamineWorkbook.from_filelike(io.BytesIO(data)) for _ in range(2)]
    except Exception as exc:  # calamine raises several error types for damaged files
        raise WorkbookError(name, f"the workbook cannot be read ({exc}); open it in Excel and "
                                  "save it again as .xlsx") from exc
    members = {sheet: member for member, sheet in parts.items()}
    metas = [m for m in handles[0].sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    size = {i.filename: i.file_size for i in zf.infolist()}
    halves: tuple[list[int], list[int]] = ([], [])
    load = [0, 0]
    for k in sorted(range(len(metas)), key=lambda k: -size.get(members.get(metas[k].name), 0)):
        half = load.index(min(load))
        halves[half].append(k)
        load[half] += size.get(members.get(metas[k].name), 0)

    def parse(ks: list[int], wb: CalamineWorkbook) -> dict:
        raw = {}
        for k in ks:
            try:
                raw[k] = wb.get_sheet_by_name(metas[k].name)
            except Exception as exc:
                raw[k] = WorkbookError(name, _unreadable_sheet(metas[k].name, exc))
        return raw

    second = _SECOND_READER.submit(parse, halves[1], handles[1])
    raw = parse(halves[0], handles[0])
    raw.update(second.result())

    styles = read_styles(zf)
    sheets: list[Sheet] = []
    for k, meta in enumerate(metas):
        if isinstance(raw[k], WorkbookError):
            raise raw[k]
        sheet = Sheet(meta.name, raw[k].to_python(skip_empty_area=False),
                      hidden=meta.visible != SheetVisibleEnum.Visible,
                      merged=list(raw[k].merged_cell_ranges or []), styles=styles)
        member = members.get(meta.name)
        if member:  # the sheet's XML is read again only when it is needed
            if member in with_errors:
                sheet.error_cells = _error_cells(zf.read(member))
            if styles.wanted:
                sheet._style_loader = lambda member=member: styled_cells(zf.read(member), styles.wanted)
        sheets.append(sheet)
    return sheets


def _unreadable_sheet(sheet: str, exc: Exception) -> str:
    """calamine's reason for a sheet it cannot read, in words a performance officer can act on. An XML
    part that stops part-way through comes back as the bare name of the element left open ('c')."""
    detail = str(exc).strip()
    if isinstance(exc, XmlError) and re.fullmatch(r"\w*", detail):
        return (f"the sheet {sheet!r} is damaged: its data stops part-way through, so the file was cut "
                "short when it was written or copied; open the workbook in Excel (let Excel repair it if "
                "it offers), save it as .xlsx and upload that copy")
    what = "is damaged: its XML is malformed" if isinstance(exc, XmlError) else "cannot be read"
    return f"the sheet {sheet!r} {what} ({detail}); open the workbook in Excel, save it as .xlsx and upload that copy"


# Checked before calamine opens the workbook. calamine fills every cell from A1 to a sheet's far corner
# (and so does to_python), so a 1.5 KB file naming cell XFD1048576 asks for 17 billion cells and
# aborts the process; it keeps every shared string, so 100 MB of empty ones take gigabytes. Nothing
# that can be expanded (a DOCTYPE with entities) is accepted in any XML part.
_CHUNK = 1 << 20
# Each XML whitespace becomes a space and each ' a ": one spelling of every tag for the patterns below.
_NORMALISE = bytes.maketrans(b"\t\n\r\f\v'", b'     "')
# Fast path: every <c> opens with its r attribute, the only r attribute it has (Excel, LibreOffice and
# openpyxl write cells so). _RE_CELL gives b"" for a <c> that does not; _RE_OTHER_R finds an r attribute
# elsewhere in a tag (a second one, say); _RE_PREFIXED_CELL a <x:c>. Any of these: the exact path.
_RE_CELL = re.compile(rb'<c(?: r="([A-Za-z]{0,9}[0-9]{0,12})"|(?=[ />]))')
_RE_OTHER_R = re.compile(rb' r *=(?<!<c r=)(?<!<row r=)')
_RE_PREFIXED_CELL = re.compile(rb':c[ />]')
# Exact path: calamine's own walk, where a <c> with no r sits after the previous cell of its row.
_RE_CELL_OR_ROW = re.compile(rb'<(/?)(?:[\w.-]+:)?(c|row)(?=[ />])([^>]*)>')
_RE_R_VALUE = re.compile(rb'(?:^| )r *= *"([^"]*)"')
_RE_DIMENSION = re.compile(rb'dimension\b[^>]*? ref *= *"([^"]*)"')
_RE_REF_PARTS = re.compile(rb"([A-Za-z]*)([0-9]*)")
_RE_DOCTYPE = re.compile(rb"<!(?:doctype|entity)", re.IGNORECASE)
_RE_SHARED_STRING = re.compile(rb"[<:]si[ />]")
_DIGITS, _LETTERS = b"0123456789", b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _xml_regions(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's XML, normalised, inflated 1 MB at a time and cut after the last complete tag, so that no
    tag is split between two regions and the part is never in memory whole."""
    pending = b""
    with zf.open(info) as f:
        while chunk := f.read(_CHUNK):
            data = pending + chunk.translate(_NORMALISE)
            end = data.rfind(b">") + 1
            tail = data[end:]
            pending = tail[tail.find(b"<"):] if b"<" in tail else b""
            yield data[:end]
    yield pending


def _ref_corner(ref: bytes) -> tuple[int, int]:
    """1-based (row, column) of a reference such as AK301 as calamine reads it; a missing part is 0."""
    letters, digits = _RE_REF_PARTS.match(ref).groups()
    col = 0
    for ch in letters[:10].upper():  # ten letters are already far past Excel's last column
        col = col * 26 + ch - 64
    return int(digits[:13] or 0), col


class _SheetScan:
    """Where a worksheet part's cells reach: its far corner (1-based; its declared dimension counts
    too), how many <c> elements it holds, and whether any holds an Excel error."""

    def __init__(self):
        self.rows = self.cols = self.cells = 0
        self.has_errors = False
        self._row = self._col = 0  # calamine's position for the next cell with no r (0-based)

    def read(self, region: bytes, exact: bool, first: bool) -> bool:
        """Take in a region; False when the fast path cannot read it (then start again with exact)."""
        for dim in _RE_DIMENSION.findall(region) if first else ():  # the dimension comes before the cells
            for ref in dim.split(b":"):
                self._reach(*_ref_corner(ref))
        self.has_errors = self.has_errors or b't="e"' in region
        if exact:
            self._walk(region)
            return True
        refs = _RE_CELL.findall(region)
        if b"" in refs or _RE_OTHER_R.search(region) or _RE_PREFIXED_CELL.search(region):
            return False
        self.cells += len(refs)
        joined = b" ".join(refs)  # the rows and columns apart, each once, with no Python loop per cell
        rows = set(joined.translate(None, _LETTERS).split())
        cols = set(joined.translate(None, _DIGITS).split())
        self._reach(max(map(int, rows), default=0), max((_ref_corner(c)[1] for c in cols), default=0))
        return True

    def _walk(self, region: bytes) -> None:
        for close, tag, attrs in _RE_CELL_OR_ROW.findall(region):
            if close:
                if tag == b"row":
                    self._row, self._col = self._row + 1, 0
                continue
            refs = [_ref_corner(r) for r in _RE_R_VALUE.findall(attrs)]
            if tag == b"row":
                if refs and refs[0][0]:
                    self._row = refs[0][0] - 1
                if attrs.endswith(b"/"):
                    self._row, self._col = self._row + 1, 0
                continue
            self.cells += 1
            if refs:  # calamine takes one of them; the far one is the safe guess
                row, col = max(r for r, _ in refs), max(c for _, c in refs)
            else:
                row, col = self._row + 1, self._col + 1
            self._reach(row, col)
            self._col = col

    def _reach(self, row: int, col: int) -> None:
        self.rows, self.cols = max(self.rows, row), max(self.cols, col)

    def corner(self) -> str:
        return cell_ref(self.rows - 1, self.cols - 1)

    def extent(self) -> int:
        return self.rows * self.cols

    def size(self) -> str:
        return f"{_plural(self.cols, 'column')} x {_plural(self.rows, 'row')}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _inspect_package(zf: zipfile.ZipFile, name: str, parts: dict[str, str]) -> set[str]:
    """Refuse, before calamine allocates anything, a workbook whose sheets reach past the cell limit
    (alone or together), that holds more cells or shared strings than the limit, or that declares a
    DOCTYPE in any XML part. Returns the worksheet parts that hold Excel error cells."""
    scans: dict[str, _SheetScan] = {}
    cells = 0
    for info in zf.infolist():
        if info.filename in parts:
            sheet = parts[info.filename]
            for exact in (False, True):
                scan = _SheetScan()
                for i, region in enumerate(_xml_regions(zf, info)):
                    _refuse_doctype(region, info.filename, name)
                    if not scan.read(region, exact, first=i == 0):
                        break
                    if scan.extent() > MAX_CELLS:
                        raise WorkbookError(name, (
                            f"the sheet {sheet!r} reaches cell {scan.corner()} ({scan.size()}), over the "
                            f"safety limit of {MAX_CELLS:,} cells; delete the unused rows and columns "
                            "beyond your table in Excel and save again"))
                    if cells + scan.cells > MAX_CELLS:
                        raise WorkbookError(name, f"the workbook has more than {MAX_CELLS:,} cells, over the "
                                                  "safety limit; remove unused sheets, rows or columns")
                else:
                    break
            scans[info.filename] = scan
            cells += scan.cells
        elif info.filename.lower().endswith((".xml", ".rels")):
            strings = 0
            shared = info.filename.replace("\\", "/").lower().endswith("sharedstrings.xml")
            for region in _xml_regions(zf, info):
                _refuse_doctype(region, info.filename, name)
                if shared:
                    strings += len(_RE_SHARED_STRING.findall(region))
                if strings > MAX_CELLS:
                    raise WorkbookError(name, (
                        f"the workbook's table of text holds more than {MAX_CELLS:,} entries, over the "
                        f"safety limit of {MAX_CELLS:,} cells; open it in Excel and save it again, which "
                        "keeps only the text in use"))
    if sum(s.extent() for s in scans.values()) > MAX_CELLS:
        reach = ", ".join(f"{parts[m]!r} to cell {s.corner()}" for m, s in scans.items() if s.extent())
        raise WorkbookError(name, (
            f"the sheets together reach {sum(s.extent() for s in scans.values()):,} cells ({reach}), over the "
            f"safety limit of {MAX_CELLS:,} cells; delete the unused rows and columns beyond your tables "
            "in Excel and save again"))
    return {m for m, s in scans.items() if s.has_errors}


def _refuse_doctype(region: bytes, part: str, name: str) -> None:
    if b"!" in region and _RE_DOCTYPE.search(region):  # "!" is rare in XML: the quick test first
        raise WorkbookError(name, (
            f"the workbook is refused as unsafe: its part {part} declares XML entities (a DOCTYPE), which "
            "Excel never writes and which can make a few bytes expand into gigabytes; export it again, or "
            "save it from Excel as .xlsx, and upload that copy"))


_RE_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?(sheet|Relationship)\s([^>]*)>")
_RE_ATTRIBUTE = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attributes(raw: bytes) -> list[tuple[str, str]]:
    """An element's attributes as (local name, value) pairs (r:id is id), unescaped, repeats kept."""
    return [(key.decode().rpartition(":")[2], _xml_unescape((v1 or v2).decode("utf-8", "replace")))
            for key, v1, v2 in _RE_ATTRIBUTE.findall(raw)]


def _worksheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Every worksheet part in the zip, as calamine finds them: the target of a relationship of type
    worksheet, from the folder of the part that holds the relationships (paths compared ignoring case;
    a repeated part, relationship or attribute counts each time), with the name its workbook gives the
    sheet, or the part's own path when none does."""
    infos = {i.filename.replace("\\", "/").lower(): i for i in zf.infolist()}
    found: dict[str, str | None] = {}
    for info in zf.infolist():
        key = info.filename.replace("\\", "/").lower()
        if not key.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(key))  # xl/_rels/workbook.xml.rels -> xl
        by_id = {}
        for tag, raw in _RE_ELEMENT.findall(zf.read(info)):
            a = _attributes(raw)
            if tag == b"Relationship" and any(k == "Type" and v.rsplit("/", 1)[-1] == "worksheet" for k, v in a):
                for target in (v.replace("\\", "/") for k, v in a if k == "Target"):
                    path = (target[1:] if target.startswith("/") else posixpath.join(folder, target)).lower()
                    found.setdefault(path, None)
                    by_id.update((v, path) for k, v in a if k == "Id")
        source = infos.get(posixpath.join(folder, posixpath.basename(key)[:-len(".rels")]))
        for tag, raw in _RE_ELEMENT.findall(zf.read(source)) if by_id and source else ():
            a = dict(_attributes(raw))
            if tag == b"sheet" and a.get("id") in by_id:
                found[by_id[a["id"]]] = a.get("name")
    return {info.filename: found[key] or info.filename for info in zf.infolist()
            if (key := info.filename.replace("\\", "/").lower()) in found}


def _xml_unescape(s: str) -> str:
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


_RE_ERROR_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>'
                            rb'(?:<f[^>]*?(?:/>|>.*?</f>))?<v>([^<]*)</v>', re.S)


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


def _is_utf16(data: bytes) -> bool:
    """UTF-16 text (Excel's 'Unicode Text', some exports): a byte-order mark, or without one a NUL byte
    beside every ASCII character; no UTF-8 or Windows-1252 CSV holds NUL bytes."""
    sample = data[:4096]
    return (data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            or max(sample[0::2].count(0), sample[1::2].count(0)) * 4 > len(sample))


def _read_csv(data: bytes, sheet_name: str, label: str = "the file") -> Sheet:
    if _is_utf16(data):
        raise WorkbookError(sheet_name, (
            f"{label} is saved as UTF-16 text (Excel's 'Unicode Text'), which is not read; open it in Excel "
            "and use File > Save As > CSV UTF-8 (Comma delimited), then upload that"))
    text = _decode_text(data)
    sample = text[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
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
        sheets.append(_read_csv(zf.read(info), Path(info.filename).stem, Path(info.filename).name))
    if not sheets:
        raise WorkbookError(name, "the zip file holds no .csv files; put one CSV per sheet "
                           "(Measures.csv, Values.csv, Audits.csv, Actions.csv) in it")
    return sheets
