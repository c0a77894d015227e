"""DfE benchmark downloads: LAIT indicator sheets and ChAT chart blocks.

LAIT (the DfE's Local Authority Interactive Tool) writes one sheet per indicator: its title, a `Polarity` row
(`Polarity: Low is good`), then `LA code | LA name | 2018-19 | 2019-20 ...` with rows for England, the region,
statistical neighbours and every authority. ChAT (the Children's services Analysis Tool) stacks chart blocks
on topic sheets: an indicator's title, a polarity sentence (`Higher figures are better`), years across, then
rows for the authority, SN, the region and England; blocks are separated by blank rows.

Each indicator is a measure: the plan's authority's row gives its values and the England, region and
statistical-neighbour rows its benchmarks, for the year of each column (`2018-19` is the financial year
2018/19; a bare `2019` only under a title that says "31 March", the year to 31 March 2019). Suppressed cells
(`x`, `c`, `..`, `:`, `*`, `low`, `-`, `z`) are missing, never zero. The authority is found by name or LA code
(case and the words Council, Borough, City, Metropolitan, County, District, Royal, of, the ignored): the Plan
sheet's Authority, else the plan's stored one, else the row the officer picked in the Upload centre
(options["authority_row"], a 0-based row index like header_row; on chart blocks, that row's name is looked up
in every block). A measure's code is the one options["code"] (indicator title -> code) names, else `DFE-` and
code_from_title's words.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from ..periods import Period, fy_label, fy_start_year, parse_period
from .bi_export import define_measure, kept_note
from .cells import Ctx, at, blank, text
from .codes import code_from_title
from .format import BENCHMARK_FIELDS, REGIONS, normalise
from .measures_sheet import benchmark
from .read import Sheet, cell_ref, column_letter
from .recognise import BY_CONTENT, Fit, layout
from .sheetmap import HEADER_SCAN, SheetMap, benchmark_field
from .values_sheet import add_value

LAIT, CHAT = "DfE indicator", "DfE chart blocks"
PREFIX = "DFE-"
SUPPRESSED = frozenset(("x", "c", "..", ":", "*", "low", "-", "z"))
LA_NAME = frozenset(("la name", "local authority", "local authority name", "authority", "authority name", "la",
                     "area", "area name", "name", "geography", "geography name"))
LA_CODE = frozenset(("la code", "la number", "la no", "old la code", "new la code", "la code old", "la code new",
                     "code", "ons code", "area code", "geography code"))
REGION_COLUMN = frozenset(("region", "region name", "government office region", "gor", "gor name"))
# Words left out when an authority's name is compared: `Tameside Metropolitan Borough Council` is `Tameside`.
LA_WORDS = frozenset(("council", "borough", "city", "metropolitan", "county", "district", "royal", "of", "the",
                      "and", "mbc", "bc", "cc", "dc", "lb", "rb"))
NO_AUTHORITY = ("no authority to read this sheet's figures for: add a Plan sheet with the Authority, or pick your "
                "authority's row in the Upload centre")
_NOTE_STARTS = ("source", "note", "nb", "*", "data ", "last updated", "updated", "extracted", "definition",
                "description", "please")
_QUALIFIER = re.compile(r"\s*[(\[].*[)\]]\s*$")  # `2019-20 (provisional)`
_AT_31_MARCH = re.compile(r"^(?:as )?(?:at )?31(?:st)? march ((?:19|20)\d\d)$")
_BARE_YEAR = re.compile(r"^(?:19|20)\d\d$")
_DIGIT = re.compile(r"\d")
_SAYS_31_MARCH = re.compile(r"\b31(?:st)?\s+march\b", re.I)
# A polarity line: `Polarity: ...`, or a sentence saying what is better (`Higher figures are better`, `Low is
# good`), or that nothing is (`Neither high nor low is better`, `Context only`).
_POLARITY_LINE = re.compile(r"^polarity\b|\b(?:better|worse|best|is good|are good|no polarity|neutral|context)\b",
                            re.I)
_DIRECTIONS = {"higher": "higher", "high": "higher", "bigger": "higher", "greater": "higher", "more": "higher",
               "up": "higher", "increase": "higher", "↑": "higher",
               "lower": "lower", "low": "lower", "smaller": "lower", "less": "lower", "fewer": "lower",
               "down": "lower", "decrease": "lower", "↓": "lower"}


@dataclass
class Block:
    """One indicator's table: a LAIT sheet's, or one chart block of a ChAT sheet."""
    header: int                                   # the row of years
    name_col: int                                 # the authority / area names
    years: dict[int, Period]                      # year columns
    rows: list[int]                               # rows under the header holding an area's figures
    code_col: int | None = None
    region_col: int | None = None
    title: tuple[int, int, str] | None = None     # (row, column, text)
    polarity: tuple[int, int, str] | None = None
    bad_years: list[tuple[int, str]] = field(default_factory=list)  # year headers that cannot be placed


# -- reading the sheet's shape ------------------------------------------------------------------------------
def year_cell(v) -> Period | int | None:
    """A year column's header: the financial year (`2018-19`, `2018/19`, `2019-20 (provisional)`, `31 March
    2019`, a date: the year it falls in), a bare year as an int (`2019`: the indicator's title says which
    financial year), or None."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return Period(dt.date(fy_start_year(v), 4, 1), "year")
    if isinstance(v, (int, float)):
        return int(v) if float(v).is_integer() and 1990 <= v <= 2100 else None
    if not isinstance(v, str) or len(v) > 40 or not _DIGIT.search(v):
        return None  # not a year header: at a glance, since every cell of a sheet's first rows comes here
    t = _QUALIFIER.sub("", text(v)).lower()
    if _BARE_YEAR.match(t):
        return int(t)
    if m := _AT_31_MARCH.match(t):
        return Period(dt.date(int(m.group(1)) - 1, 4, 1), "year")
    p = parse_period(t)
    return p if p is not None and p.kind == "year" else None


def _years(row: list, start: int) -> dict[int, Period | int]:
    return {j: y for j in range(start, len(row)) if (y := year_cell(row[j])) is not None}


def _is_header(years: dict) -> bool:
    """A row of years: one financial year at least, or two bare years."""
    return any(isinstance(y, Period) for y in years.values()) or len(years) >= 2


def area_kind(label) -> str | None:
    """england | region | neighbours for a comparator's row (`England`, `England (all LAs)`, `North West
    region`, `Statistical neighbours (mean)`, `SN average`), None for an authority."""
    words = [w for w in normalise(text(label)).split() if w not in ("mean", "average", "avg")]
    if not words:
        return None
    n = " ".join(words)
    if words[0] == "england":
        return "england"
    if n.startswith(("statistical neighbour", "stat neighbour")):
        return "neighbours"
    if " ".join(w for w in words if w not in ("region", "regional")) in REGIONS:
        return "region"
    return benchmark_field(n)


def _title_and_polarity(sheet: Sheet, start: int, end: int) -> tuple[tuple | None, tuple | None]:
    """Above a table (rows start to end): the polarity line (`Polarity: Low is good`, `Higher figures are
    better`) and the indicator's title: the last line before the polarity line (a topic heading may come first),
    else the first after it; with no polarity line, the last line above the table. Notes are not titles."""
    lines, polarity = [], None
    for i in range(start, end):
        cells = [(j, v) for j, v in enumerate(sheet.rows[i]) if not blank(v)]
        if not cells or not all(isinstance(v, str) for _, v in cells):
            continue
        t = " ".join(text(v) for _, v in cells)
        if polarity is None and _POLARITY_LINE.search(t):
            polarity = (i, cells[0][0], t)
        elif not t.lower().startswith(_NOTE_STARTS):
            lines.append((i, cells[0][0], t))
    if polarity is None:
        return (lines[-1] if lines else None), None
    before = [line for line in lines if line[0] < polarity[0]]
    return (before[-1] if before else lines[0] if lines else None), polarity


def polarity_of(sentence: str) -> str | None:
    """higher | lower from `Polarity: Low is good`, `Higher figures are better`, `A lower rate is better`;
    None when the sentence names neither or both (`Neither high nor low is better`, `Polarity: context`)."""
    found = {_DIRECTIONS[w] for w in re.findall(r"[a-z]+|[↑↓]", sentence.lower()) if w in _DIRECTIONS}
    return found.pop() if len(found) == 1 else None


def _place_years(years: dict[int, Period | int], title: str) -> tuple[dict[int, Period], list[tuple[int, str]]]:
    """Bare years are the year to 31 March when the title says "31 March"; otherwise they cannot be placed."""
    placed, bad = {}, []
    for j, y in years.items():
        if isinstance(y, Period):
            placed[j] = y
        elif _SAYS_31_MARCH.search(title):
            placed[j] = Period(dt.date(y - 1, 4, 1), "year")
        else:
            bad.append((j, str(y)))
    return placed, bad


def _area_rows(sheet: Sheet, start: int, end: int, b: Block) -> list[int]:
    """Rows naming an area (by name or code); a note under the table is not an area."""
    out = []
    for i in range(start, end):
        row = sheet.rows[i]
        name, code = at(row, b.name_col), at(row, b.code_col)
        if name is None and code is None:
            continue
        filled = [v for v in row if not blank(v)]
        if len(filled) == 1 and isinstance(filled[0], str) and text(filled[0]).lower().startswith(_NOTE_STARTS):
            continue
        out.append(i)
    return out


def lait_block(sheet: Sheet, header_row: int | None = None, columns: dict[int, str] | None = None) -> Block | None:
    """A LAIT sheet's table: the header row (given, or the first within HEADER_SCAN rows) with an LA name
    column and years to its right, and every row under it."""
    for h in ([header_row] if header_row is not None else range(min(len(sheet.rows), HEADER_SCAN))):
        row = sheet.rows[h] if h < len(sheet.rows) else []
        cols = dict(columns) if columns else {}
        if not columns:
            for j, v in enumerate(row):
                n = normalise(v) if v.__class__ is str else ""
                for f, names in (("la_name", LA_NAME), ("la_code", LA_CODE), ("region", REGION_COLUMN)):
                    if n in names and f not in cols.values():
                        cols[j] = f
                        break
        by_field = {f: j for j, f in cols.items()}
        if "la_name" not in by_field:
            continue
        years = _years(row, by_field["la_name"] + 1)
        if not _is_header(years):
            continue
        b = Block(h, by_field["la_name"], {}, [], by_field.get("la_code"), by_field.get("region"))
        b.title, b.polarity = _title_and_polarity(sheet, 0, h)
        b.years, b.bad_years = _place_years(years, b.title[2] if b.title else "")
        b.rows = _area_rows(sheet, h + 1, len(sheet.rows), b)
        return b
    return None


def chart_blocks(sheet: Sheet, limit: int | None = None) -> list[Block]:
    """A ChAT sheet's chart blocks (within the first `limit` rows): a row of years, then the rows under it up to
    a blank row, at least one of them England, a region or statistical neighbours; the title and polarity
    sentence are above it, after the previous block."""
    rows, out = sheet.rows, []
    last = len(rows) if limit is None else min(len(rows), limit)
    start = i = 0
    while i < last:
        years = _years(rows[i], 1)
        if not _is_header(years):
            i += 1
            continue
        label = _label_column(rows, i, min(years))
        k, data = i + 1, []
        while k < len(rows):
            r = rows[k]
            name = at(r, label)
            has_figures = any(not blank(at(r, j)) for j in years)
            if not has_figures and (name is None or area_kind(name) is None):
                break  # a blank row, or the next block's title
            data.append(k)
            k += 1
        if not any(area_kind(at(rows[d], label)) for d in data):
            i += 1
            continue
        b = Block(i, label, {}, data)
        b.title, b.polarity = _title_and_polarity(sheet, start, i)
        b.years, b.bad_years = _place_years(years, b.title[2] if b.title else "")
        out.append(b)
        start = i = k
    return out


def _label_column(rows: list[list], h: int, first_year: int) -> int:
    """The column naming the rows under a row of years: the nearest to the left of the years with text."""
    for c in range(first_year - 1, 0, -1):
        if any(isinstance(at(r, c), str) for r in rows[h + 1:h + 9]):
            return c
    return 0


def _comparators(sheet: Sheet, b: Block, rows: list[int]) -> int:
    return sum(area_kind(at(sheet.rows[i], b.name_col)) is not None for i in rows)


@layout
def dfe_indicator(sheet: Sheet) -> Fit | None:
    b = lait_block(sheet)
    if b is None or not _comparators(sheet, b, b.rows[:HEADER_SCAN]):
        return None
    authorities = len(b.rows) - _comparators(sheet, b, b.rows)
    if b.code_col is None and authorities < 5:
        return None  # a chart block, more likely
    cols = {b.name_col: "la_name"} | ({b.code_col: "la_code"} if b.code_col is not None else {}) | (
        {b.region_col: "region"} if b.region_col is not None else {})
    m = SheetMap(sheet.name, LAIT, b.header, cols, periods=dict(b.years), how=BY_CONTENT)
    header = sheet.rows[b.header]
    m.ignored = {j: text(at(header, j)) or "(no header)" for j in range(max(map(len, sheet.rows)))
                 if j not in cols and j not in b.years and any(not blank(at(sheet.rows[i], j)) for i in b.rows)}
    return Fit(m, 3 + 0.5 + (b.code_col is not None))


@layout
def dfe_chart_blocks(sheet: Sheet) -> Fit | None:
    blocks = chart_blocks(sheet, HEADER_SCAN)
    if not blocks:
        return None
    return Fit(SheetMap(sheet.name, CHAT, blocks[0].header, how=BY_CONTENT), 2 + 0.5 * len(blocks))


# -- parsing -----------------------------------------------------------------------------------------------
def parse_indicator(ctx: Ctx, m: SheetMap, reading) -> None:
    b = lait_block(ctx.sheet, m.header_row, m.columns or None)
    if b is None:
        ctx.error(m.header_row, None, f"no header row with an LA name column and years after it (LA code | LA "
                                      f"name | 2018-19 | 2019-20 ...) in the first {HEADER_SCAN} rows; map the "
                                      "sheet in the Upload centre")
        return
    if m.periods:
        b.years = dict(m.periods)
    _read(ctx, m, reading, [b])
    if m.ignored:
        ctx.note(b.header, None, "ignored columns, not read: " + ", ".join(
            f"{label} ({column_letter(j)})" for j, label in sorted(m.ignored.items())))


def parse_chart_blocks(ctx: Ctx, m: SheetMap, reading) -> None:
    blocks = chart_blocks(ctx.sheet)
    if not blocks:
        ctx.error(None, None, "no chart blocks found: a block is a row of years (2018-19 ...) with rows for your "
                              "authority, England, the region or statistical neighbours under it")
        return
    _read(ctx, m, reading, blocks)


@dataclass
class Read:
    """One indicator read: its measure, the rows its figures came from."""
    code: str
    title: str
    block: Block
    authority: int                  # the authority's row
    comparators: dict[str, int]     # england | region | neighbours -> row
    others: int                     # other authorities' rows, not read
    defined: bool                   # False: a measure of the plan named by the mapping, given figures only


def _read(ctx: Ctx, m: SheetMap, reading, blocks: list[Block]) -> None:
    """Every block of a sheet: its measure, the authority's values, the comparators' benchmarks."""
    chosen = _chosen_authority(ctx, m, reading)
    if chosen is False:
        return
    known = reading.parsed.authority or reading.stored_authority
    if known is None and chosen is None:
        ctx.error(None, None, NO_AUTHORITY)
        return
    codes = {normalise(k): str(v).strip() for k, v in (m.options.get("code") or {}).items() if str(v).strip()}
    read = [r for r in (_block(ctx, reading, b, known, chosen, codes) for b in blocks) if r is not None]
    if read:
        _read_note(ctx, read)
    kept_note(ctx, [r.code for r in read if r.defined and r.code in reading.stored_codes], ["name", "polarity"])


def _chosen_authority(ctx: Ctx, m: SheetMap, reading) -> tuple[int, str] | None | bool:
    """The row the officer picked as the authority's in the Upload centre, with its name; None when none was
    picked; False when the pick is not an authority's row (reported)."""
    r = m.options.get("authority_row")
    if r is None:
        return None
    rows = ctx.sheet.rows
    names = [text(v) for v in rows[r] if isinstance(v, str) and not blank(v)] if (
        isinstance(r, int) and 0 <= r < len(rows)) else []
    comparator = next((n for n in names if area_kind(n) is not None), None)
    if not names or comparator:
        what = f"'{comparator}', not an authority" if comparator else "empty"
        ctx.error(r if names else None, None, f"the row picked as your authority's is {what}; pick your "
                                              "authority's row in the Upload centre")
        return False
    return r, names[0]


def _block(ctx: Ctx, reading, b: Block, known: str | None, chosen: tuple[int, str] | None,
           codes: dict[str, str]) -> Read | None:
    """One indicator, or None when it cannot be read (reported)."""
    sheet = ctx.sheet
    mark = len(ctx.issues)
    for j, label in b.bad_years:
        ctx.error(b.header, j, f"cannot tell which year {label} is: write it as the DfE writes years "
                               f"({fy_label(int(label) - 1).replace('/', '-')} for the year to 31 March {label}), "
                               "or say 'at 31 March' in the indicator's title", label)
    seen: dict = {}
    for j, p in sorted(b.years.items()):
        if p.start in seen:
            ctx.error(b.header, j, f"the year {p.label} has two columns (also {cell_ref(b.header, seen[p.start])}); "
                                   "keep one column per year")
        seen.setdefault(p.start, j)
    if b.title is None:
        ctx.error(b.header, b.name_col, "no indicator title above the table: type the indicator's name in the row "
                                        "above it")
    comparators: dict[str, list[int]] = {}
    areas = []
    for i in b.rows:
        kind = area_kind(at(sheet.rows[i], b.name_col))
        if kind is None:
            areas.append(i)
        else:
            comparators.setdefault(kind, []).append(i)
    for kind in ("england", "neighbours"):
        rows = comparators.get(kind, [])
        if len(rows) > 1:
            ctx.error(rows[1], b.name_col, f"a second {BENCHMARK_FIELDS[kind]} row (also row {rows[0] + 1}); keep "
                                           "one")
    auth = _authority_row(ctx, reading, b, areas, known, chosen)
    if auth is None or ctx.first_error_since(mark):
        return None
    title = ctx.long_text(b.title[0], b.title[1], b.title[2], "indicator title")
    if title is None:
        return None
    code = codes.get(normalise(title)) or code_from_title(title, PREFIX)
    mapped_to_plan = normalise(title) in codes and code in reading.known
    if not mapped_to_plan and code in reading.measure_cells:
        sheet_name, cell = reading.measure_cells[code]
        ctx.error(b.title[0], b.title[1], f"the indicator '{title}' gives the code {code}, as {sheet_name}!{cell} "
                                          "does; keep one of them, or name a code for each in the Upload centre")
        return None
    region = _region_row(ctx, sheet, b, comparators.get("region", []), auth, code)
    loaded = {k: rows[0] for k, rows in comparators.items() if k != "region" and rows} | (
        {"region": region} if region is not None else {})
    if not mapped_to_plan:
        polarity = _polarity(ctx, reading, b, code)
        if not define_measure(ctx, reading, b.title[0], b.title[1], {
                "code": code, "measure": title, "polarity": polarity,
                "unit": "%" if _percent(sheet, title, [auth, *loaded.values()], b.years) else None},
                banding_warnings=polarity is not None):
            return None
    _figures(ctx, reading, b, code, auth, loaded)
    return Read(code, title, b, auth, loaded, len(areas) - 1, not mapped_to_plan)


def _authority_row(ctx: Ctx, reading, b: Block, areas: list[int], known: str | None,
                   chosen: tuple[int, str] | None) -> int | None:
    """The row of the plan's authority among the block's areas: by the plan's Authority, else (or when that
    matches no row) by the row picked in the Upload centre. None when not found (reported)."""
    rows = ctx.sheet.rows
    names = {i: text(at(rows[i], b.name_col)) for i in areas}
    codes = {i: normalise(text(at(rows[i], b.code_col))) for i in areas}

    def matching(name: str) -> list[int]:
        key, n = _la_key(name), normalise(name)
        return [i for i in areas if _la_key(names[i]) == key or (n and codes[i] == n)]

    found = matching(known) if known else []
    if len(found) == 1:
        return found[0]
    who = known
    if chosen is not None:
        picked = [chosen[0]] if chosen[0] in areas else matching(chosen[1])
        if len(picked) == 1:
            if known:
                ctx.warn(picked[0], b.name_col, f"the authority {known!r} matches {_rows_text(found, names)}, so "
                                                f"the row picked in the Upload centre, '{names[picked[0]]}', is used")
            elif reading.parsed.authority is None:
                reading.parsed.authority = names[picked[0]]  # the plan's authority from now on
            return picked[0]
        who, found = chosen[1], picked
    if len(found) > 1:
        ctx.error(b.header, b.name_col, f"the authority {who!r} matches {_rows_text(found, names)}; pick your "
                                        "authority's row in the Upload centre")
        return None
    near = difflib.get_close_matches(_la_key(who), [_la_key(n) for n in names.values()], n=3, cutoff=0)
    shown = ", ".join(f"'{next(n for n in names.values() if _la_key(n) == k)}'" for k in near) or "none"
    ctx.error(b.header, b.name_col, f"the authority {who!r} matches no row (the nearest names: {shown}); correct "
                                    "the Authority on the Plan sheet, or pick your authority's row in the Upload "
                                    "centre")
    return None


def _rows_text(found: list[int], names: dict[int, str]) -> str:
    if not found:
        return "no row"
    return f"{len(found)} rows (" + ", ".join(f"'{names[i]}' row {i + 1}" for i in found) + ")"


def _la_key(name) -> str:
    n = normalise(name).replace("london borough", " ")
    return " ".join(w for w in n.split() if w not in LA_WORDS)


def _region_row(ctx: Ctx, sheet: Sheet, b: Block, regions: list[int], auth: int, code: str) -> int | None:
    """The region's row; with several, the one the authority's Region column names."""
    if len(regions) <= 1:
        return regions[0] if regions else None
    if b.region_col is not None:
        own = normalise(at(sheet.rows[auth], b.region_col))
        picked = [i for i in regions if normalise(at(sheet.rows[i], b.name_col)) == own]
        if len(picked) == 1:
            return picked[0]
    names = ", ".join(text(at(sheet.rows[i], b.name_col)) for i in regions)
    ctx.warn(regions[0], b.name_col, f"{code}: rows for several regions ({names}) and nothing says which is your "
                                     "authority's, so no region benchmark is loaded; keep only your region's row")
    return None


def _polarity(ctx: Ctx, reading, b: Block, code: str) -> str | None:
    polarity = polarity_of(b.polarity[2]) if b.polarity else None
    if polarity is None:
        stored = reading.known.get(code, {}).get("polarity") if code in reading.stored_codes else None
        then = f"it keeps its polarity in the plan ({stored})" if stored else "the measure loads with no polarity"
        if b.polarity:
            ctx.warn(b.polarity[0], b.polarity[1], f"{code}: cannot read the polarity {b.polarity[2]!r} (write it "
                                                   f"like 'Polarity: Low is good'); {then}", b.polarity[2])
        else:
            ctx.warn(b.header, b.name_col, f"{code}: no polarity line above the table (such as 'Polarity: Low is "
                                           f"good'); {then}")
    return polarity


def _percent(sheet: Sheet, title: str, rows: list[int], years: dict[int, Period]) -> bool:
    """A percentage indicator, by its title or its figures."""
    low = title.lower()
    if "%" in low or any(w in low for w in ("percentage", "per cent", "proportion")):
        return True
    return any(sheet.is_percent_formatted(i, j) or (isinstance(at(sheet.rows[i], j), str) and
                                                     text(sheet.rows[i][j]).endswith("%"))
               for i in rows for j in years)


def _suppressed(ctx: Ctx, i: int, j: int, raw) -> bool:
    if isinstance(raw, str) and text(raw).lower() in SUPPRESSED:
        ctx.note(i, j, "suppressed (x, c, .., :, *, low, - or z): no figure, not zero", raw)
        return True
    return False


def _figures(ctx: Ctx, reading, b: Block, code: str, auth: int, comparators: dict[str, int]) -> None:
    rows = ctx.sheet.rows
    unit = reading.known[code].get("unit") if code in reading.known else None
    for j, period in sorted(b.years.items(), key=lambda c: c[1].start):
        raw = at(rows[auth], j)
        if raw is not None and not _suppressed(ctx, auth, j, raw):
            add_value(ctx, reading, auth, j, code, period, raw, unit, False)
        figures = {}
        for kind, i in comparators.items():
            raw = at(rows[i], j)
            if raw is None or _suppressed(ctx, i, j, raw):
                continue
            ok, v = ctx.number(i, j, raw, f"number for {BENCHMARK_FIELDS[kind]}")
            if ok and v is not None:
                figures[kind] = v
        if figures:
            benchmark(ctx, reading, b.header, j, code, period, figures)


def _read_note(ctx: Ctx, read: list[Read]) -> None:
    """What was read from the sheet, in one note."""
    rows = ctx.sheet.rows
    first = read[0]
    name = text(at(rows[first.authority], first.block.name_col))
    kinds = [text(at(rows[i], first.block.name_col)) for _, i in
             sorted(first.comparators.items(), key=lambda c: list(BENCHMARK_FIELDS).index(c[0]))]
    if len(read) == 1:
        what, where = f"{first.code} ('{first.title}')", f"{name}'s row ({first.authority + 1}) gives"
    else:
        what = f"{len(read)} indicators: " + "; ".join(f"{r.code} ('{r.title}')" for r in read[:6]) + (
            " ..." if len(read) > 6 else "")
        where = f"{name}'s rows give"
    kinds = ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else "".join(kinds)
    bench = f"; the {kinds} rows the benchmarks" if kinds else "; no England, region or neighbours row"
    rest = f"; the other {first.others} authorities' rows are not read" if first.others > 0 else ""
    ctx.note(None, None, f"read as measures: {what}. {where} the values{bench}{rest}")


def authority_choices(sheet: Sheet, role: str) -> list[tuple[int, str]]:
    """The rows the officer can pick as "our authority" in the Upload centre: (row, name), every row naming
    an authority (not England, a region or statistical neighbours)."""
    blocks = [lait_block(sheet)] if role == LAIT else chart_blocks(sheet)[:1]
    out = []
    for b in blocks:
        if b is None:
            continue
        for i in b.rows:
            name = at(sheet.rows[i], b.name_col)
            if name is not None and area_kind(name) is None:
                out.append((i, text(name)))
    return out
