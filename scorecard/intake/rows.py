"""The rows under a table's header: data rows, group headings (`Priority 1: Quality of practice` on a row
of its own) and notes (`Source: Liquidlogic, extracted 02/02/2024` under the table)."""
from __future__ import annotations

from collections.abc import Iterator

from .cells import blank, text
from .read import Sheet

NOTE_STARTS = ("note", "notes", "nb", "n.b", "source", "sources", "*", "please", "key", "data as at",
               "figures", "provisional", "last updated", "updated", "extracted", "produced", "applied filters",
               "filters", "total", "totals")
HEADING_MAX = 120


def _single_text(row: list) -> str | None:
    """The text of a row holding one text cell with a space in it and nothing else (a heading or a note)."""
    filled, first = 0, None
    for v in row:
        if not blank(v):
            filled += 1
            if filled > 1:
                return None
            first = v
    if filled == 1 and isinstance(first, str) and " " in first.strip():
        return text(first)
    return None


def rows_under(sheet: Sheet, header_row: int) -> Iterator[tuple[int, list, str | None]]:
    """(row index, row, heading): every data row under the header, with the group heading above it (None
    when there is none). Blank rows and notes are skipped."""
    heading = None
    pending: list[tuple[int, str]] = []
    for i in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[i]
        single = _single_text(row)
        if single is not None:
            pending.append((i, single))
            continue
        if not any(not blank(v) for v in row):
            continue
        # a data row: the last heading-like single line above it (since the previous data row) heads it
        for _, t in pending:
            if is_heading(t):
                heading = t
        pending = []
        yield i, row, heading


def is_heading(t: str) -> bool:
    low = t.lower().lstrip("* ")
    return len(t) <= HEADING_MAX and not any(low.startswith(w) for w in NOTE_STARTS if w != "*") and not t.startswith("*")
