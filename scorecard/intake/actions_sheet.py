"""The Actions sheet: one row per action per monthly snapshot, with its BRAG ratings. Group heading rows
(`Priority 1: Quality of practice`) set the priority of the actions under them; ratings are read from
status words (`On track`, `Complete`) and, where a cell has no text, from its fill colour."""
from __future__ import annotations

from functools import lru_cache

from ..duedates import parse_due as _parse_due
from ..periods import fy_start_year
from ..periods import parse_month as _parse_month
from .cells import LONG_TEXT, SHORT_TEXT, Ctx, at, text
from .format import header_of
from .issues import hint
from .read import cell_ref
from .rows import rows_under
from .sheetmap import SheetMap, ignored_note, ready
from .styles import UNRATED_FILL, rating_of_fill
from .words import UNRATED, flag, rag_word

SHORT = ("priority", "focus_area", "source")
LONG = ("owner", "commentary", "children_will_say")
WHAT = {f: header_of("Actions", f) for f in ("action_rag", "impact_rag", *SHORT, *LONG)}
# A big file repeats the same due dates and months thousands of times; both parsers are pure.
parse_due = lru_cache(maxsize=16384)(_parse_due)
parse_month = lru_cache(maxsize=4096)(_parse_month)


def parse(ctx: Ctx, m: SheetMap, reading) -> None:
    sheet = ctx.sheet
    parsed = reading.parsed
    if not ready(ctx, m):
        return
    cols = m.cols
    headed = "priority" if "priority" not in cols else "focus_area" if "focus_area" not in cols else None
    headings: dict[str, int] = {}
    ignored_headings: dict[str, int] = {}
    coloured: dict[str, list[str]] = {}
    seen: dict[tuple, str] = {}
    texts = [(f, cols[f], WHAT[f].lower(), LONG_TEXT if f in LONG else SHORT_TEXT)
             for f in (*SHORT, *LONG) if f in cols]
    absent = {f: None for f in (*SHORT, *LONG) if f not in cols}
    for i, row, heading in rows_under(sheet, m.header_row):
        mark = len(ctx.issues)
        ref = ctx.name(i, cols["ref"], at(row, cols["ref"]), "action ref")  # None: too long (said)
        wording = ctx.long_text(i, cols["action"], at(row, cols["action"]), "action wording")
        if ref == "" and wording == "":
            continue
        if ref == "":
            ctx.error(i, cols["ref"], "the action has no Ref; give every action a reference such as 1.1")
        if wording == "":
            ctx.error(i, cols["action"], f"action {ref} has no wording in the Action column")
        as_at = parsed.as_at
        raw_as_at = at(row, cols.get("as_at"))
        if raw_as_at is not None:
            as_at = parse_month(raw_as_at)
            if as_at is None:
                ctx.error(i, cols["as_at"], f"cannot read the As at month {text(raw_as_at)!r}; "
                                            "write it like Apr-24 or 2024-04", raw_as_at)
        elif as_at is None:
            ctx.error(i, cols["ref"], "the action has no As at month: add an 'As at' column, an 'As at' row on "
                                      f"the Plan sheet, or {hint('choose month', ctx.audience)}")
        dates = {f: _date_text(ctx, i, cols.get(f), at(row, cols.get(f))) for f in ("start", "due")}
        ratings = {f: _rating(ctx, i, cols.get(f), at(row, cols.get(f)), WHAT[f], reading, coloured)
                   for f in ("action_rag", "impact_rag")}
        rec = dict(absent)
        for f, j, what, limit in texts:
            rec[f] = ctx.name(i, j, at(row, j), what, limit) or None
        if ctx.first_error_since(mark):
            continue
        if heading:
            hi, title = heading
            if headed:
                rec[headed] = title
                headings.setdefault(title, hi)
            else:
                ignored_headings.setdefault(title, hi)
        key = (as_at, ref)
        if key in seen:
            ctx.error(i, cols["ref"], f"action {ref} appears twice in the {as_at:%b-%y} snapshot "
                                      f"(also at {seen[key]}); refs must be unique")
            continue
        seen[key] = cell_ref(i, cols["ref"])
        due, warning = parse_due(dates["due"], fy_start_year(as_at))  # `End of Q2`: of the snapshot's year
        if warning:
            ctx.warn(i, cols["due"], f"action {ref}: {warning}", dates["due"])
        start, _ = parse_due(dates["start"])
        parsed.actions.append({
            "as_at": as_at, "ref": ref, "action": wording, **rec,
            "start_text": start.text or None, "start_date": start.date,
            "due_text": due.text or None, "due_kind": due.kind, "due_date": due.date,
            **ratings, "illustrative": flag(at(row, cols.get("illustrative"))),
        })
    if headings:
        shown = "; ".join(f"'{h}' (row {r + 1})" for h, r in list(headings.items())[:6])
        ctx.note(None, None, f"heading rows set the {header_of('Actions', headed)} of the actions under them: "
                             f"{shown}{' ...' if len(headings) > 6 else ''}")
    if ignored_headings:
        shown = "; ".join(f"'{h}' (row {r + 1})" for h, r in list(ignored_headings.items())[:6])
        ctx.note(None, None, f"heading rows not used (the actions have their own Priority and Focus area): {shown}")
    for what, cells in coloured.items():
        shown = ", ".join(cells[:8]) + (f" and {len(cells) - 8} more" if len(cells) > 8 else "")
        ctx.warn(None, None, f"{len(cells)} {what} rating{'s were' if len(cells) != 1 else ' was'} read from the "
                             f"cell's fill colour, as the cell has no text: {shown}; check them")
    note = ignored_note(m)
    if note:
        ctx.note(m.header_row, None, note)


def _date_text(ctx: Ctx, i: int, j: int | None, raw):
    """A start or due cell: a date as it is, text tidied and capped like any short field."""
    return ctx.name(i, j, raw, "date") or None if isinstance(raw, str) else raw


def _rating(ctx: Ctx, i: int, j: int | None, raw, what: str, reading, coloured: dict) -> str | None:
    """A BRAG rating from the cell's words, or from its fill when it has none. None: unrated."""
    if j is None:
        return None
    if raw is None:
        fill = ctx.sheet.fill(i, j)
        if fill is None:
            return None
        rating = rating_of_fill(fill)
        if rating is None:
            ctx.error(i, j, f"the {what} cell has no text and its fill colour (#{fill}) is not a BRAG colour; "
                            "type Blue, Green, Amber or Red, or clear the fill", f"#{fill}")
            return None
        if rating == UNRATED_FILL:
            return None
        coloured.setdefault(what, []).append(cell_ref(i, j))
        return rating
    rating = reading.status_words.get(text(raw)) or rag_word(raw)
    if rating is None:
        ctx.error(i, j, f"unknown {what} {text(raw)!r}: use Blue, Green, Amber, Red or leave it blank "
                        "(status words such as On track, At risk, Complete or Not started are read too)", raw)
        return None
    reading.parsed.status_words[text(raw)] = rating
    return None if rating == UNRATED else rating
