"""Reading one cell: text as the officer typed it, numbers at the right scale, and every problem
reported against the cell it is in."""
from __future__ import annotations

import datetime as dt
import math
import re

from .issues import Issue
from .read import Sheet, cell_ref, column_letter
from .words import MISSING

SHORT_TEXT = 200    # names, codes, refs, streams, priorities and other short fields
LONG_TEXT = 5000    # measure and action wording, commentary, "children will say", owners (plans write several
                    # people with their job titles)
# Numbers beyond these make infinities in the statistics (or overflow the store's counts): refused like `inf`.
MAX_NUMBER, MAX_CASES = 1e12, 1_000_000
# Zero-width and bidirectional-control characters: invisible, so `CIN8` + U+200B must be `CIN8`.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_EXCEL_ERRORS = ("#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                 "#GETTING_DATA")


def text(v) -> str:
    """A cell as text, spacing tidied (non-breaking spaces too): 140.0 -> '140', a date -> '01/04/2024'."""
    if v.__class__ is str:
        return " ".join(v.split())
    if v is None:
        return ""
    if isinstance(v, float):  # as Excel shows it: 140 not 140.0, 1e+300 not 300 digits
        return str(int(v)) if v.is_integer() and abs(v) <= MAX_NUMBER else format(v, "g")
    if isinstance(v, (dt.datetime, dt.date)):
        return v.strftime("%d/%m/%Y")
    return " ".join(str(v).split())


def blank(v) -> bool:
    return v is None or (v.__class__ is str and not v.strip())


def at(row: list, col: int | None):
    """The cell at a column of a row, None when blank or beyond the row."""
    try:
        v = row[col]
    except (IndexError, TypeError):  # beyond the row, or no such column (None)
        return None
    return None if v.__class__ is str and not v.strip() else v


class Ctx:
    """One sheet being read: its cells, and where its problems go."""

    def __init__(self, issues: list[Issue], sheet: Sheet, audience: str = "cli"):
        self.issues, self.sheet, self.audience = issues, sheet, audience

    def error(self, row: int | None, col: int | None, message: str, value=None) -> None:
        self.add("error", row, col, message, value)

    def warn(self, row: int | None, col: int | None, message: str, value=None) -> None:
        self.add("warning", row, col, message, value)

    def note(self, row: int | None, col: int | None, message: str, value=None) -> None:
        self.add("note", row, col, message, value)

    def add(self, level: str, row, col, message: str, value=None) -> None:
        if row is not None and col is not None:
            cell = cell_ref(row, col)
        elif row is not None:
            cell = f"{row + 1}:{row + 1}"
        elif col is not None:
            cell = f"{column_letter(col)}:{column_letter(col)}"
        else:
            cell = ""
        self.issues.append(Issue(level, self.sheet.name, cell, message, value))

    def first_error_since(self, mark: int) -> str | None:
        """`Sheet!C5` of the first error reported since issues[mark], or None."""
        if len(self.issues) == mark:
            return None
        for x in self.issues[mark:]:
            if x.level == "error":
                return f"{x.sheet}!{x.cell}" if x.cell else x.sheet
        return None

    # -- text -------------------------------------------------------------------------------------
    def name(self, i: int, j: int | None, raw, what: str, limit: int = SHORT_TEXT) -> str | None:
        """A short text field (code, ref, name, owner...): invisible characters removed, capped. None when
        too long (reported)."""
        if raw is None:
            return ""
        t = text(raw)
        if not t.isascii() and _INVISIBLE.search(t):
            t = " ".join(_INVISIBLE.sub("", t).split())
        return t if len(t) <= limit else self.capped(i, j, t, what, limit)

    def long_text(self, i: int, j: int | None, raw, what: str) -> str | None:
        return self.name(i, j, raw, what, LONG_TEXT)

    def capped(self, i: int, j: int | None, t: str, what: str, limit: int) -> str | None:
        if len(t) > limit:
            kind = ("long text such as an action or commentary" if limit == LONG_TEXT else
                    "names, codes and other short fields")
            self.error(i, j, f"the text is {len(t):,} characters long, over the {limit:,}-character limit for "
                             f"{kind}; shorten it", t[:100] + "…")
            return None
        return t

    # -- numbers ----------------------------------------------------------------------------------
    def number(self, i: int, j: int, raw, what: str = "number") -> tuple[bool, float | None]:
        """Read a numeric cell: (ok, value), value None for "no figure". A cell formatted as a percentage
        is a percentage (0.65 -> 65), whatever the measure's unit says."""
        if (i, j) in self.sheet.error_cells:
            err = self.sheet.error_cells[(i, j)]
            self.error(i, j, f"the cell holds the Excel error {err} instead of a {what}; fix the formula "
                             "or type the value", err)
            return False, None
        if raw is None:
            return True, None
        if isinstance(raw, bool):
            self.error(i, j, f"{raw} is not a {what}", raw)
            return False, None
        if isinstance(raw, (int, float)):
            v = float(raw)
            if self.sheet.is_percent_formatted(i, j):
                v *= 100
            return self._in_range(i, j, raw, v, what)
        if isinstance(raw, (dt.date, dt.datetime)):
            self.error(i, j, f"the date {text(raw)} is not a {what}; type a number", raw)
            return False, None
        t = text(raw)
        if t.lower() in MISSING:
            return True, None
        if t.upper() in _EXCEL_ERRORS or (t.startswith("#") and t.endswith(("!", "?", "A"))):
            self.error(i, j, f"the cell holds the Excel error {t} instead of a {what}; fix the formula "
                             "or type the value", raw)
            return False, None
        return self._in_range(i, j, raw, parse_number_text(t), what)

    def _in_range(self, i: int, j: int, raw, v: float | None, what: str) -> tuple[bool, float | None]:
        if v is None or not math.isfinite(v):  # also `nan`, `inf`, `-Infinity` and `1e999`
            self.error(i, j, f"{text(raw)!r} is not a {what}; type a number (e.g. 65 or 65%), or leave it blank "
                             "or '-' if there is no figure", raw)
            return False, None
        if abs(v) > MAX_NUMBER:
            self.error(i, j, f"{text(raw)!r} is too large; a {what} must lie within {MAX_NUMBER:,.0f} either side "
                             "of 0", raw)
            return False, None
        return True, v


_RE_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$", re.I)


def parse_number_text(t: str) -> float | None:
    """`65`, `65%`, `1,234`, `£12.50`, ` 7 `: the number (infinite for `1e999`); None for anything else,
    `inf` and `nan` included."""
    s = t.replace(",", "").replace("£", "").strip()
    if s.endswith("%"):
        s = s[:-1].strip()
    return float(s) if _RE_NUMBER.match(s) else None
