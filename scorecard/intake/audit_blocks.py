"""Audit summaries in blocks: a council's case-file audit report as it is written, whatever the sheet is called.

One block per quarter or month: a title (`Quarter 1 2024/25 (Apr - Jun)`, `Q2 2024/25`, `July 2024`, `Audits
completed in August 2024`), a header row naming the grades (Outstanding, Good, Requires Improvement or RI,
Inadequate), often a `%` beside each count (`No.` / `%` under a merged grade heading, or `Good %`), a `Total`
column and a `Good or better %`; then a row per theme (the audit stream: Referrals, CIN plans...), then a
`Total` row. Blocks sit one under another or side by side (each with its own theme column, or sharing one).

The counts are loaded per theme and period, as the Audits sheet loads them. Totals and percentages are
checked against the counts (a warning when they differ by more than one case or one point) and never loaded;
a `Total` / `All themes` / `Overall` row is not a stream. A title that is not a period, a theme without
whole-number counts, and a block of percentages without counts are refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..audits import GRADE_WORDS
from ..periods import MONTHS, Period, fy_quarter, parse_period, year_context
from .audits_sheet import check_pct, read_count
from .cells import Ctx, at, text
from .format import GRADES, REGIONS, normalise
from .read import Sheet, cell_ref
from .recognise import BY_CONTENT, Fit, layout
from .rows import is_heading
from .sheetmap import HEADER_SCAN, SheetMap, match_fields
from .words import MISSING

ROLE = "Audit blocks"
COUNT, PCT = "count", "pct"
TOTAL, GOB = "total", "good or better"
# Column headings: grade names as audits.py reads them, good or better, a total of cases; `No.` / `%` words
# beside them (or under them, as sub-headings) say whether the column counts cases or gives a percentage.
_GRADE_PHRASES = {**GRADE_WORDS, "requires improvement ri": "Requires Improvement",
                  "requires improvement to be good ri": "Requires Improvement",
                  **dict.fromkeys(("good or better", "good or outstanding", "good outstanding", "good and outstanding",
                                   "outstanding or good", "good or above", "good better"), GOB),
                  **dict.fromkeys(("total", "totals", "total audited", "audited", "grand total", "all grades"), TOTAL)}
_COUNT_WORDS = {"no", "number", "of", "count", "n", "cases", "audits", "case", "judged", "graded", "rated", "as"}
_PCT_WORDS = {"%", "percent", "percentage", "pct", "%age"}
_SUBHEADINGS = {**dict.fromkeys(("no", "number", "count", "n", "cases", "no of cases", "number of cases",
                                 "no of audits", "number of audits"), COUNT),
                **dict.fromkeys(("%", "percent", "percentage", "pct", "%age", "% of cases", "% of audits"), PCT)}
_TOTAL_ROWS = {"total", "totals", "all themes", "overall", "all", "grand total", "all streams", "all audits",
               "total audits", "overall total", "all areas", "all cases", "total cases", "all audit themes"}
_PCT_ROWS = {"%", "percent", "percentage", "%age", "% of total", "% of cases", "% of audits", "% of all audits"}
# A period in a title must be the block's own: not "up to March 2024", "quarter ending June 2024" or a
# year-to-date figure.
_NOT_BEFORE = {"to", "until", "till", "since", "from", "before", "after", "ending", "ended", "end", "by"}
_CUMULATIVE = re.compile(r"\b(?:ytd|cumulative|rolling)\b|year to date")
_QUARTER = re.compile(r"\b(?:q|quarter)\s*([1-4])\b")
_YEARISH = re.compile(r"(?<!\d)(?:(?:19|20)\d\d|\d\d\s*[/\-–]\s*\d\d)(?!\d)")
_COMPARATORS = {"england", "statistical neighbours", "stat neighbours", "sn", *REGIONS}
HOW_TO_TITLE = "write it like Quarter 1 2024/25, Q1 2024/25, July 2024 or Jul-24"


@lru_cache(maxsize=4096)
def column_kind(label: str) -> tuple[str, str] | None:
    """A heading as (count | pct, grade | good or better | total): `Good` -> (count, Good), `% Good` ->
    (pct, Good), `Requires Improvement (RI)` -> (count, Requires Improvement), `Good or better %` -> (pct,
    good or better), `Total` / `No. of cases` -> (count, total). None for anything else (`Theme`, `Total %`, a
    bare `No.`, which numbers the rows)."""
    low = label.lower()
    words = normalise(low.replace("(", " ").replace(")", " ")).split()
    pct = "%" in low or any(w in _PCT_WORDS for w in words)
    phrase = " ".join(w for w in words if w not in _COUNT_WORDS and w not in _PCT_WORDS)
    grade = _GRADE_PHRASES.get(phrase) or (TOTAL if not phrase and len(words) > 1 and not pct else None)
    if grade is None or (grade == TOTAL and pct):
        return None
    return (PCT if pct else COUNT), grade


@dataclass
class Block:
    header: int                            # the row naming the grades
    first: int                             # its first data row (under the `No.` / `%` sub-headings, if any)
    label: int | None                      # the theme column
    cols: dict[int, tuple[str, str]]       # column -> (count | pct, grade | good or better | total)
    own: int = 0                           # its leftmost column of its own (its theme column, unless shared)
    title: tuple[int, int] | None = None   # the cell giving the block's period
    end: int = 0                           # the row after the block's range (the next block's title, or the end)

    @property
    def span(self) -> tuple[int, int]:
        return min(self.own, *self.cols), max(self.cols)

    @property
    def grades(self) -> dict[str, int]:
        """grade -> its count column."""
        return {g: j for j, (k, g) in self.cols.items() if k == COUNT and g in GRADES}

    def col(self, kind: str, grade: str) -> int | None:
        return next((j for j, kg in self.cols.items() if kg == (kind, grade)), None)


def _str(v) -> str:
    return v if v.__class__ is str else ""


def _cell(sheet: Sheet, r: int, j: int) -> tuple[object, tuple[int, int]]:
    """A cell's value and where it is written: a blank cell inside a merged range shows the range's value."""
    v = at(sheet.rows[r], j)
    if v is None and (merged := sheet.merged_at(r, j)):
        (r0, c0), _ = merged
        return at(sheet.rows[r0], c0), (r0, c0)
    return v, (r, j)


def _header_groups(sheet: Sheet, h: int) -> tuple[list[dict[int, tuple[str, str]]], bool]:
    """The blocks whose grade headings are on row h (side by side: a grade named again starts the next
    block), and whether row h+1 holds `No.` / `%` sub-headings under them."""
    row = sheet.rows[h]
    if sum(1 for v in row if v.__class__ is str and column_kind(v)) < 3:
        return [], False
    below = sheet.rows[h + 1] if h + 1 < len(sheet.rows) else []
    subs = {j: _SUBHEADINGS[n] for j, v in enumerate(below) if (n := normalise(_str(v))) in _SUBHEADINGS}
    two_rows = len(subs) >= 2
    if not two_rows:
        cols = {}
        for j, v in enumerate(row):
            if v.__class__ is str and (k := column_kind(v)):
                cols[j] = k
            elif _SUBHEADINGS.get(normalise(_str(v))) == PCT and cols.get(j - 1, (PCT,))[0] == COUNT:
                cols[j] = (PCT, cols[j - 1][1])  # `Good | %`: the share of the count on its left
    else:
        cols = {}
        heading = None  # the heading over sub-headings: merged over them, or written over the first of them
        for j in range(max(len(row), len(below))):
            v = _cell(sheet, h, j)[0]
            if v is not None:
                heading = column_kind(text(v))
            elif j not in subs:
                heading = None
            if heading is None:
                continue
            if j in subs:
                if not (heading[1] == TOTAL and subs[j] == PCT):  # a Total % says nothing the counts do not
                    cols[j] = (subs[j], heading[1])
            elif v is not None:
                cols[j] = heading  # merged down over both rows: `Total`, `Good or better %`
    groups: list[dict[int, tuple[str, str]]] = []
    current: dict[int, tuple[str, str]] = {}
    for j, kg in sorted(cols.items()):
        if kg in current.values():
            groups.append(current)
            current = {}
        current[j] = kg
    groups.append(current)
    # a block names three grades or more, Inadequate among them (thresholds name RI, Good and Outstanding)
    return [g for g in groups if "Inadequate" in {grade for _, grade in g.values()}
            and len({grade for _, grade in g.values() if grade != TOTAL}) >= 3], two_rows


def _is_label_column(sheet: Sheet, h: int, j: int) -> bool:
    """Text under the header and no figures: theme names."""
    cells = [at(r, j) for r in sheet.rows[h + 1:h + HEADER_SCAN]]
    return any(v.__class__ is str for v in cells) and not any(_is_figure(v) for v in cells)


def _blocks_at(sheet: Sheet, h: int) -> list[Block]:
    groups, two_rows = _header_groups(sheet, h)
    claimed = {j for g in groups for j in g}
    out = []
    for g in groups:
        # the theme column: the nearest column left of the grades, not another block's, holding theme names
        label = next((j for j in range(min(g) - 1, -1, -1) if j not in claimed and _is_label_column(sheet, h, j)),
                     None)
        shared = label is not None and any(label < j < min(g) for j in claimed)
        own = min(g) if label is None or shared else label
        out.append(Block(h, h + 1 + two_rows, label, g, own))
    return out


def _is_figure(v) -> bool:
    """A number, or a percentage written as text (`68%`)."""
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) or (
        v.__class__ is str and v.strip().endswith("%") and any(c.isdigit() for c in v))


def _figure(sheet: Sheet, i: int, j: int) -> bool:
    return i < len(sheet.rows) and _is_figure(at(sheet.rows[i], j))


def _title(sheet: Sheet, b: Block, headers: set[int], lo: int) -> tuple[int, int] | None:
    """The cell naming the block's period: its theme column's heading when that reads as a period, else the
    nearest text above the block, from column lo (within three rows, not past figures or another block's
    header); of that row's texts the first that reads as a period, else the first (reported as unreadable)."""
    hi = b.span[1]
    if b.own == b.label and _period_in(text(at(sheet.rows[b.header], b.label))):
        return b.header, b.label
    for r in range(b.header - 1, max(-1, b.header - 4), -1):
        if r in headers or any(_figure(sheet, r, j) for j in range(lo, hi + 1)):
            return None
        found = list(dict.fromkeys(where for j in range(lo, hi + 1) for v, where in [_cell(sheet, r, j)]
                                   if v is not None))
        if found:
            return next((c for c in found if _period_in(text(at(sheet.rows[c[0]], c[1])))), found[0])
    return None


def find_blocks(sheet: Sheet, last: int | None = None) -> list[Block]:
    """Every block of audit grades on the sheet (header rows within the first `last` rows), top to bottom,
    left to right, each with its title cell and the rows it spans."""
    n = len(sheet.rows) if last is None else min(last, len(sheet.rows))
    blocks = [b for h in range(n) for b in _blocks_at(sheet, h)]
    headers = {r for b in blocks for r in range(b.header, b.first)}
    for b in blocks:  # the leftmost block on its row takes a title from column A (over a `No.` column, say)
        left = [o.span[1] for o in blocks if o.header == b.header and o.span[1] < b.own]
        b.title = _title(sheet, b, headers, max(left) + 1 if left else 0)
    for b in blocks:
        lo, hi = b.span
        b.end = min((min(o.header, o.title[0] if o.title else o.header) for o in blocks
                     if o.header > b.header and o.span[0] <= hi and o.span[1] >= lo), default=len(sheet.rows))
    return blocks


def block_rows(sheet: Sheet, b: Block):
    """(row, kind, label) for the block's rows: `theme`, then `total` (a Total / All themes / Overall row),
    then `pct` (a row of percentages under the total). Blank rows and notes are passed over; the block ends
    after its Total row."""
    total_seen = False
    for i in range(b.first, b.end):
        row = sheet.rows[i]
        raw = at(row, b.label)
        label = text(raw)
        filled = any(at(row, j) is not None for j in b.cols)
        if raw is None and not filled:
            continue
        n = normalise(label)
        if total_seen:
            if n in _PCT_ROWS:
                yield i, "pct", label
                continue
            return
        if n in _TOTAL_ROWS or n.startswith(("total ", "overall ", "grand total")):
            total_seen = True
            yield i, "total", label
        elif filled or (is_heading(label) and len(label.split()) <= 8):
            yield i, "theme", label
        # else: a note or commentary under the block


def _months(p: Period) -> set[tuple[int, int]]:
    span = {"month": 1, "quarter": 3, "year": 12}[p.kind]
    out = set()
    for k in range(span):
        m = p.start.month - 1 + k
        out.add((p.start.year + m // 12, m % 12 + 1))
    return out


def _agrees(p: Period, rest: list[str]) -> bool:
    """The words around a period in a title say nothing against it: months in brackets are its months, a year
    is its year, no other quarter is named, nothing says the figures are cumulative."""
    words = " ".join(rest).lower()
    if _CUMULATIVE.search(words):
        return False
    if any(p.kind != "quarter" or fy_quarter(p.start) != int(q) for q in _QUARTER.findall(words)):
        return False
    months = _months(p)
    for w in re.findall(r"[a-z]+|\d[\d/\-–]*\d", words):
        if w in MONTHS:
            if p.kind == "year" or MONTHS[w] not in {m for _, m in months}:
                return False
        elif re.fullmatch(r"(?:19|20)\d\d", w):
            if int(w) not in {y for y, _ in months}:
                return False
        elif (q := parse_period(w)) is not None and not (_months(q) & months):
            return False
    return True


@lru_cache(maxsize=1024)
def _period_in(title: str) -> Period | None:
    """The one period a block title names: `Quarter 1 2024/25 (Apr - Jun)`, `Audits completed in August 2024`,
    `Q2 2024/25 audit results`. None when it names none, or the words around it disagree."""
    tokens = [w for w in (t.strip(":,;.") for t in title.split()) if w]
    n = len(tokens)
    if not n or n > 20:
        return None
    for size in range(n, 0, -1):
        for a in range(n - size + 1):
            p = parse_period(" ".join(tokens[a:a + size]))
            if p is not None and (a == 0 or tokens[a - 1].lower() not in _NOT_BEFORE) and _agrees(
                    p, tokens[:a] + tokens[a + size:]):
                return p
    return None


def _year_heading(sheet: Sheet, blocks: list[Block]) -> tuple[str, object] | None:
    """The one year a heading above all the blocks names (`Case file audits 2024/25`), else the sheet's name:
    (where, Year), for titles such as `Quarter 1` or `July` that name no year themselves."""
    top = min((b.title[0] if b.title else b.header) for b in blocks)
    for r in range(top - 1, -1, -1):
        for j, v in enumerate(sheet.rows[r]):
            if v.__class__ is str and (y := year_context(v)) is not None:
                return cell_ref(r, j), y
    y = year_context(sheet.name)
    return ("the sheet's name", y) if y is not None else None


def title_period(title: str, heading: tuple[str, object] | None) -> tuple[Period | None, bool]:
    """(period, whether the year came from the heading): a title naming no year (`Quarter 1`, `July`) takes
    the year of the heading above the blocks; a quarter only from a financial year (2024/25)."""
    p = _period_in(title)
    if p is not None or heading is None or _YEARISH.search(title):
        return p, False
    year = heading[1]
    low = title.lower()
    if _QUARTER.search(low):
        return (_period_in(f"{title} {year.label}"), True) if year.financial else (None, False)
    months = {MONTHS[w] for w in re.findall(r"[a-z]+", low) if w in MONTHS}
    if len(months) != 1:
        return None, False
    m = months.pop()
    return _period_in(f"{title} {year.start + (year.financial and m < 4)}"), True


# -- Recognition ----------------------------------------------------------------------------------------
@layout
def audit_blocks(sheet: Sheet) -> Fit | None:
    """Blocks of grade counts by theme under period titles, in the first rows. Left to others: a header naming
    a Period column (an Audits table), a Code and a Measure or month columns (a scorecard with grade
    thresholds), grade columns holding no whole numbers (thresholds written as text), England or region rows
    (authorities counted by their inspection grade)."""
    blocks = find_blocks(sheet, HEADER_SCAN)
    if not blocks:
        return None
    b = blocks[0]
    h = b.header
    labels = [text(v) for v in sheet.rows[h]]
    measures, _ = match_fields(labels, "Measures")
    audits, _ = match_fields(labels, "Audits")
    if "period" in audits.values() or {"code", "measure"} <= set(measures.values()):
        return None
    rows = range(b.first, min(b.first + 10, len(sheet.rows)))
    if not any(_counted(sheet, i, b) for i in rows):
        return None
    if any(normalise(at(sheet.rows[i], b.label)) in _COMPARATORS for i in range(b.first, min(b.end, b.first + 30))):
        return None  # authorities counted by their inspection grade (England, a region): a DfE download
    ours = {j for o in blocks if o.header == h for j in (o.label, *o.cols)}
    if any(j not in ours and parse_period(_cell(sheet, h, j)[0]) is not None and any(_figure(sheet, i, j) for i in rows)
           for j in range(len(sheet.rows[h]))):
        return None  # month columns beside grade thresholds (headed on this row, or merged down to it): a scorecard
    # the fields as the Audits sheet names them: a grade's count, `pct:Good`, `pct:good or better`; and `total`
    columns = {j: (grade if kind == COUNT else f"pct:{grade}") for j, (kind, grade) in b.cols.items()}
    if b.label is not None:
        columns[b.label] = "stream"
    m = SheetMap(sheet.name, ROLE, h, columns, how=BY_CONTENT)
    return Fit(m, len(columns) + 0.5 * (len(blocks) - 1))


def _counted(sheet: Sheet, i: int, b: Block) -> bool:
    """Figures on the row under two grade headings or more: whole numbers of cases (or percentages, which the
    parser refuses with its reason), not thresholds such as 60-69% or <14."""
    row = sheet.rows[i]
    return sum(1 for j, (kind, _) in b.cols.items() if (_is_figure(at(row, j)) if kind == PCT else (
        isinstance(v := at(row, j), (int, float)) and not isinstance(v, bool)
        and (float(v).is_integer() or sheet.is_percent_formatted(i, j))))) >= 2


def describe(sheet: Sheet) -> str:
    """What the Upload centre says of the sheet: `audit summary in blocks: 3 quarters x 6 themes`."""
    blocks = find_blocks(sheet)
    heading = _year_heading(sheet, blocks) if blocks else None
    kinds, themes = set(), set()
    for b in blocks:
        p = title_period(text(at(sheet.rows[b.title[0]], b.title[1])), heading)[0] if b.title else None
        kinds.add(p.kind if p else None)
        themes |= {t.casefold() for _, kind, t in block_rows(sheet, b) if kind == "theme" and t}
    unit = kinds.pop() if len(kinds) == 1 and None not in kinds else "block"
    n, t = len(blocks), len(themes)
    return f"audit summary in blocks: {n} {unit}{'s' if n != 1 else ''} x {t} theme{'s' if t != 1 else ''}"


# -- Reading ------------------------------------------------------------------------------------------------
def parse(ctx: Ctx, m: SheetMap, reading) -> None:
    sheet = ctx.sheet
    blocks = find_blocks(sheet)
    if not blocks:
        ctx.error(None, None, "no block of audit grades found: each block needs a title naming its period "
                              "(e.g. Quarter 1 2024/25), a header row naming the grades (Outstanding, Good, "
                              "Requires Improvement, Inadequate) and a row of counts per theme")
        return
    heading = _year_heading(sheet, blocks)
    audits = reading.parsed.audits
    # (period, kind, stream) -> where it was given: audit counts of the file's sheets read before this one too
    seen = {(a["period"], a["period_kind"], a["stream"].casefold()): "on another sheet" for a in audits}
    names: dict[str, str] = {}  # a stream as first written: `CIN Plans` in one block is `CIN plans` of another
    for a in audits:
        names.setdefault(a["stream"].casefold(), a["stream"])
    covered: set[tuple[int, int]] = set()
    for b in blocks:
        lo, hi = b.span
        covered |= {(r, j) for r in range(b.header, b.first) for j in range(lo, hi + 1)}
        covered |= {b.title} if b.title else set()
        _read_block(ctx, b, heading, seen, names, covered, audits)
    _left_out(ctx, covered)


def _read_block(ctx: Ctx, b: Block, heading, seen: dict, names: dict, covered: set, audits: list[dict]) -> None:
    sheet = ctx.sheet
    where = b.title or (b.header, b.span[0])
    period = _block_period(ctx, b, heading)
    grades, gob = b.grades, b.col(COUNT, GOB)
    if b.label is None:
        ctx.error(b.header, min(b.cols), "the block has no theme column: write each theme (audit stream, e.g. "
                                         "Referrals) at the left of its row of counts")
        return
    rows = list(block_rows(sheet, b))
    counted = [(i, j, at(sheet.rows[i], j)) for i, kind, _ in rows if kind == "theme" for j in grades.values()]
    counted = [c for c in counted if c[2] is not None]
    if not grades or (counted and all(_is_percentage(sheet, *c) for c in counted)):
        ctx.error(*where, "this block gives percentages but no counts of cases; counts are needed, since "
                          "percentages alone cannot be loaded honestly (they do not say how many cases were "
                          "audited): add the number of cases for each grade (a No. column beside each %)")
        return
    if gob is not None and not {"Outstanding", "Good"} <= set(grades):
        ctx.error(b.header, gob, f"the {text(_cell(sheet, b.header, gob)[0])!r} column counts Outstanding and "
                                 "Good cases together; the dashboard needs them apart: give Outstanding and Good a "
                                 "column each")
        return
    if missing := " or ".join(g for g in GRADES if g not in grades):
        ctx.note(b.header, None, f"the block has no {missing} column: no cases are loaded as {missing}")
    if not any(kind == "theme" for _, kind, _ in rows):
        ctx.error(*where, "the block has no theme rows: audit counts are loaded per theme (Referrals, CIN "
                          "plans...), so give a row of counts per theme; a Total row alone is not a theme")
        return
    theme_counts: list[dict[str, int]] = []
    complete = True  # every theme row read: its Total and % rows can be checked
    for i, kind, label in rows:
        covered |= {(i, j) for j in (b.label, *b.cols)}
        if kind == "theme":
            counts = _theme(ctx, b, i, label, grades)
            stream = ctx.name(i, b.label, at(sheet.rows[i], b.label), "audit stream") if counts else None
            if counts is None:
                complete = False
                continue
            theme_counts.append(counts)
            if not stream or period is None:
                continue
            stream = names.setdefault(stream.casefold(), stream)
            key = (period.start, period.kind, stream.casefold())
            if key in seen:
                ctx.error(i, b.label, f"{stream} {period.label} is given twice (also {seen[key]}); give each "
                                      "theme one row per period")
                continue
            seen[key] = f"at {cell_ref(i, b.label)}"
            audits.extend({"period": period.start, "period_kind": period.kind, "stream": stream, "grade": g,
                           "cases": n, "illustrative": False} for g, n in counts.items())
        elif complete:
            sums = {g: sum(c[g] for c in theme_counts) for g in grades}
            if kind == "total":
                _check_row(ctx, b, i, sums, total_row=True)
            else:  # a row of percentages under the Total row: each grade's share of the block
                for g, j in [*grades.items(), *([(GOB, gob)] if gob is not None else [])]:
                    raw = at(sheet.rows[i], j)
                    ok, given = ctx.number(i, j, raw, "percentage")
                    if ok and given is not None:
                        check_pct(ctx, i, j, raw, given, g, sums)


def _block_period(ctx: Ctx, b: Block, heading) -> Period | None:
    if b.title is None:
        ctx.error(b.header, b.span[0], f"the block of grades on row {b.header + 1} has no title naming its period; "
                                       f"write one on the row above it ({HOW_TO_TITLE})")
        return None
    raw = at(ctx.sheet.rows[b.title[0]], b.title[1])
    period, from_heading = title_period(text(raw), heading)
    if period is None:
        ctx.error(*b.title, f"cannot read the block title {text(raw)!r} as a period; {HOW_TO_TITLE}", raw)
    elif from_heading:
        ctx.note(*b.title, f"the title {text(raw)!r} names no year: read as {period.label}, from the heading at "
                           f"{heading[0]}")
    return period


def _is_percentage(sheet: Sheet, i: int, j: int, raw) -> bool:
    return sheet.is_percent_formatted(i, j) or (raw.__class__ is str and raw.strip().endswith("%"))


def _theme(ctx: Ctx, b: Block, i: int, label: str, grades: dict[str, int]) -> dict[str, int] | None:
    """A theme row's counts (a count left blank or `-` beside others is 0 cases, as on the Audits sheet), its
    total and percentages checked; None when it cannot be loaded (said)."""
    sheet, row = ctx.sheet, ctx.sheet.rows[i]
    if not label:
        ctx.error(i, b.label, "a row of counts with no theme: write its theme (e.g. Referrals), or Total for a "
                              "total row")
        return None
    if parse_period(label) is not None:
        ctx.error(i, b.label, f"the row is headed by a period ({label}), not a theme: a block gives one period, in "
                              "its title, and a row per theme; for periods down the side use an Audits sheet "
                              "(Period, Stream, then a count column per grade)", label)
        return None
    mark = len(ctx.issues)
    counts: dict[str, int] = {}
    for g, j in grades.items():
        raw = at(row, j)
        if raw is not None and _is_percentage(sheet, i, j, raw):
            ctx.error(i, j, f"{text(raw)} is a percentage; the {g} column needs the number of cases", raw)
        else:
            counts[g] = read_count(ctx, i, j, raw)
    if ctx.first_error_since(mark):
        return None
    if all(text(at(row, j)).lower() in MISSING for j in grades.values()):
        ctx.error(i, min(grades.values()), f"the theme {label!r} has no counts: type the number of cases for each "
                                           "grade (0 where there were none), or delete the row if it was not "
                                           "audited")
        return None
    _check_row(ctx, b, i, counts, total_row=False)
    return counts


def _check_row(ctx: Ctx, b: Block, i: int, counts: dict[str, int], total_row: bool) -> None:
    """The row's Total and Good or better counts, and its percentages, against its counts (on a Total row, the
    themes' counts added up, and each grade's count too). More than one case or one point out is a warning:
    the counts are used."""
    row = ctx.sheet.rows[i]
    checks = [(b.col(COUNT, TOTAL), "total", sum(counts.values())),
              (b.col(COUNT, GOB), "good or better count", counts.get("Outstanding", 0) + counts.get("Good", 0))]
    if total_row:
        checks += [(j, f"{g} count", counts[g]) for g, j in b.grades.items()]
    source = "themes above" if total_row else "counts on the row"
    for j, what, calc in checks:
        raw = at(row, j)
        if raw is None:
            continue
        ok, given = ctx.number(i, j, raw, "count of cases")
        if ok and given is not None and abs(given - calc) > 1:
            ctx.warn(i, j, f"the {what} given is {given:g} but the {source} add up to {calc}; the dashboard uses "
                           "the counts, so check which is right", raw)
    for j, (kind, g) in b.cols.items():
        raw = at(row, j)
        if kind == PCT and raw is not None:
            ok, pct = ctx.number(i, j, raw, "percentage")
            if ok and pct is not None:
                check_pct(ctx, i, j, raw, pct, g, counts)


def _left_out(ctx: Ctx, covered: set[tuple[int, int]]) -> None:
    """Figures on the sheet that no block reads are said, by cell range (a column's run of rows)."""
    runs: list[list[int]] = []  # [col, first row, last row]
    sheet = ctx.sheet
    for j in range(max((len(r) for r in sheet.rows), default=0)):
        for i in range(len(sheet.rows)):
            if (i, j) not in covered and _figure(sheet, i, j):
                if runs and runs[-1][0] == j and runs[-1][2] == i - 1:
                    runs[-1][2] = i
                else:
                    runs.append([j, i, i])
    if runs:
        refs = [cell_ref(a, j) + (f":{cell_ref(z, j)}" if z > a else "") for j, a, z in runs]
        more = f" and {len(refs) - 10} more" if len(refs) > 10 else ""
        ctx.note(None, None, f"figures outside the audit blocks are not read: {', '.join(refs[:10])}{more}")
