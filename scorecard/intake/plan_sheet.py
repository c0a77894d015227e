"""The Plan sheet: rows of a key and its value (Authority, Plan, As at)."""
from __future__ import annotations

import datetime as dt

from ..periods import parse_month
from .cells import Ctx, blank, text
from .format import field_names, normalise
from .issues import hint
from .sheetmap import SheetMap


def parse(ctx: Ctx, m: SheetMap, parsed, plan_arg: str | None, as_at_arg: dt.date | None) -> bool:
    """Read the keys; True when the sheet names a plan (even one refused, so that is not said twice)."""
    keys = field_names("Plan")
    named = False
    for i, row in enumerate(ctx.sheet.rows):
        cells = [(j, v) for j, v in enumerate(row) if not blank(v)]
        if not cells:
            continue
        kj, key = cells[0]
        f = keys.get(normalise(str(key).rstrip(":")))
        if f is None:
            continue
        m.columns.setdefault(kj, "key")
        if len(cells) < 2:
            if f == "plan" and not plan_arg:
                named = True
                ctx.error(i, kj + 1, f"the plan's name is empty: type it here, or {hint('choose plan', ctx.audience)}")
            continue
        vj, value = cells[1]
        if f == "authority":
            parsed.authority = ctx.name(i, vj, value, "authority name") or None
        elif f == "plan":
            named = True
            name = ctx.name(i, vj, value, "plan name")
            if not plan_arg and name:
                parsed.plan = name
        elif f == "as_at":
            month = parse_month(value)
            if month is None:
                ctx.error(i, vj, f"cannot read the As at month {text(value)!r}; write it like Apr-24 or 2024-04",
                          value)
            elif as_at_arg is None:
                parsed.as_at = month
    return named
