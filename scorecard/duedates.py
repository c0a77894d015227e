"""Due dates as real plans write them, and the overdue rule.

`Sept 2023`, `Oct/Nov 2023`, `March 24`, `Mar-24` are months (due on their last
day); `Weekly`, `Quarterly review`, `Ongoing`... recur and are never overdue;
`Completed` and `TBC` have no due date; anything else is kept as text.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .periods import MONTHS, excel_serial_to_date, month_end, parse_month_text

RECURRING_WORDS = (
    "weekly", "fortnightly", "bi-weekly", "biweekly", "monthly", "quarterly", "termly",
    "annual", "annually", "yearly", "biannual", "bi-annual", "six monthly", "six-monthly",
    "ongoing", "on-going", "continuous", "every",
)
NO_DATE_WORDS = ("completed", "complete", "tbc", "tba", "tbd", "n/a", "na", "none", "-")

_RE_RECURRING = re.compile(r"\b(" + "|".join(re.escape(w) for w in RECURRING_WORDS) + r")\b")
_RE_UK_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$")
_RE_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_RE_MONTHS_SLASH = re.compile(r"^([a-z]+)\s*/\s*([a-z]+)[\s\-,]*(\d{2}|\d{4})$")


@dataclass(frozen=True)
class Due:
    kind: str  # date | recurring | none | text
    date: dt.date | None = None
    text: str = ""


def _year(s: str) -> int:
    y = int(s)
    return y + 2000 if y < 100 else y


def parse_due(value) -> tuple[Due, str | None]:
    """Returns the parsed due date and a warning for text that could not be read."""
    if value is None:
        return Due("none"), None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Due("date", value, value.strftime("%d/%m/%Y")), None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        d = excel_serial_to_date(float(value))
        if d:
            return Due("date", d, d.strftime("%d/%m/%Y")), None
        return Due("text", None, f"{value:g}"), f"cannot read the due date {value:g}"
    raw = " ".join(str(value).replace("\u00a0", " ").split())
    t = raw.lower().strip(" .")
    if not t or t in NO_DATE_WORDS:
        return Due("none", None, raw), None
    if _RE_RECURRING.search(t):
        return Due("recurring", None, raw), None
    if m := _RE_UK_DATE.match(t):
        try:
            return Due("date", dt.date(_year(m.group(3)), int(m.group(2)), int(m.group(1))), raw), None
        except ValueError:
            pass
    elif m := _RE_ISO_DATE.match(t):
        try:
            return Due("date", dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), raw), None
        except ValueError:
            pass
    elif m := _RE_MONTHS_SLASH.match(t):
        a, b, y = m.group(1), m.group(2), _year(m.group(3))
        if a in MONTHS and b in MONTHS:
            later = b if MONTHS[b] >= MONTHS[a] else a
            return Due("date", month_end(dt.date(y, MONTHS[later], 1)), raw), None
    elif d := parse_month_text(t):
        return Due("date", month_end(d), raw), None
    return Due("text", None, raw), f"cannot read the due date {raw!r}; it is kept as text"


def is_overdue(due: Due | None, due_date: dt.date | None, as_at: dt.date, action_rag: str | None) -> bool:
    """Due before the last day of the snapshot's as-at month, and not Blue."""
    d = due_date if due is None else (due.date if due.kind == "date" else None)
    if d is None:
        return False
    return d < month_end(as_at) and (action_rag or "") != "Blue"
