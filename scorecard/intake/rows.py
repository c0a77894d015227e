"""The rows under a table's header: data rows, group headings (`Priority 1: Quality of practice` on a row
of its own) and notes (`Source: Liquidlogic, extracted 02/02/2024` under the table)."""
from __future__ import annotations

from collections.abc import Iterator

from .cells import text
from .read import Sheet
from .words import looks_like_ref

NOTE_STARTS = ("note", "notes", "nb", "n.b", "source", "sources", "*", "please", "key", "data as at",
               "figures", "provisional", "last updated", "updated", "extracted", "produced", "applied filters",
               "filters", "total", "totals")
HEADING_MAX = 120


def _filled(row: list) -> tuple[int, object]:
    """How many cells of the row are filled (0, 1 or 2 meaning "more"), and the first one."""
    filled, first = 0, None
    for v in row:
        if v is not None and (v.__class__ is not str or v.strip()):
            if filled:
                return 2, first
            filled, first = 1, v
    return filled, first


def rows_under(sheet: Sheet, header_row: int) -> Iterator[tuple[int, list, tuple[int, str] | None]]:
    """(row index, row, heading): every data row under the header, with the group heading above it as (its
    row index, its text), or None when there is none. Blank rows and notes are skipped."""
    heading = None
    pending: list[tuple[int, str]] = []
    for i in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[i]
        filled, first = _filled(row)
        if filled == 0:
            continue
        if filled == 1 and isinstance(first, str) and (" " in first.strip() or not looks_like_ref(first)):
            pending.append((i, text(first)))  # one line of text on its own: a heading or a note
            continue
        # a data row: the last heading-like single line above it (since the previous data row) heads it
        for k, t in pending:
            if is_heading(t):
                heading = (k, t)
        pending = []
        yield i, row, heading


def is_heading(t: str) -> bool:
    low = t.lower().lstrip("* ")
    return (len(t) <= HEADING_MAX and not any(low.startswith(w) for w in NOTE_STARTS if w != "*")
            and not t.startswith("*"))
