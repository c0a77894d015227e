"""Due dates as real plans write them, and the overdue rule.

`Sept 2023`, `Oct/Nov 2023`, `March 24`, `Mar-24`, `End of March 2024` are months (due on
their last day); `31st March 2024`, `March 31st 2024`, `31/03/2024` are days; `Q4 2023/24`
is due on the quarter's last day, and `End of Q2` on that of the plan's financial year;
`Spring 2024` ... `Winter 2024` on the season's last day, with a warning; `Weekly`,
`Quarterly review`, `Ongoing`... recur and are never overdue; `Completed` and `TBC` have
no due date; anything else is kept as text.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .periods import MONTHS, excel_serial_to_date, fy_label, fy_quarter_start, month_end, parse_month_text, parse_period

RECURRING_WORDS = (
    "weekly", "fortnightly", "bi-weekly", "biweekly", "monthly", "quarterly", "termly",
    "annual", "annually", "yearly", "biannual", "bi-annual", "six monthly", "six-monthly",
    "ongoing", "on-going", "continuous", "every",
)
NO_DATE_WORDS = ("completed", "complete", "tbc", "tba", "tbd", "n/a", "na", "none", "-")
# A season is due at the end of its last month: spring March-May, summer June-August,
# autumn September-November, winter December to February (of the next year).
SEASON_END_MONTH = {"spring": 5, "summer": 8, "autumn": 11, "winter": 2}

_RE_RECURRING = re.compile(r"\b(" + "|".join(re.escape(w) for w in RECURRING_WORDS) + r")\b")
_RE_UK_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$")
_RE_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_RE_MONTHS_SLASH = re.compile(r"^([a-z]+)\s*/\s*([a-z]+)[\s\-,]*(\d{2}|\d{4})$")
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_RE_DAY_MONTH_YEAR = re.compile(rf"^{_ORDINAL}[\s\-]*(?:of\s+)?([a-z]+)\.?[\s\-,]*(\d{{2}}|\d{{4}})$")
_RE_MONTH_DAY_YEAR = re.compile(rf"^([a-z]+)\.?\s*{_ORDINAL},?\s+(\d{{4}})$")
_RE_QUARTER_ALONE = re.compile(r"^(?:q|quarter)\s*([1-4])$")
_RE_SEASON = re.compile(r"^(spring|summer|autumn|winter)[\s\-,]*(\d{2}|\d{4})$")
# `By`, `End of`, `by the end of`: the date that follows is read as it stands.
_RE_BY_END_OF = re.compile(r"^(?:by\s+)?(?:the\s+)?(?:end\s+(?:of\s+)?(?:the\s+)?)?")


@dataclass(frozen=True)
class Due:
    kind: str  # date | recurring | none | text
    date: dt.date | None = None
    text: str = ""


def _year(s: str) -> int:
    y = int(s)
    return y + 2000 if y < 100 else y


def parse_due(value, fy_start: int | None = None) -> tuple[Due, str | None]:
    """Returns the parsed due date and a warning for text that could not be read or was assumed.

    fy_start is the plan's financial year (2023 for 2023/24), used for a quarter with no
    year (`End of Q2`); without it such text is kept as text with a warning.
    """
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
    t = t[_RE_BY_END_OF.match(t).end():]
    if m := _RE_QUARTER_ALONE.match(t):
        quarter = int(m.group(1))
        if fy_start is None:
            return Due("text", None, raw), (f"cannot read the due date {raw!r} without a year (the plan's "
                                            "financial year is not known); it is kept as text")
        d = _quarter_end(fy_quarter_start(fy_start, quarter))
        return Due("date", d, raw), (f"{raw!r} read as {d:%d/%m/%Y} (Q{quarter} of {fy_label(fy_start)}, "
                                     "the plan's financial year)")
    if m := _RE_SEASON.match(t):
        season, year = m.group(1), _year(m.group(2))
        d = month_end(dt.date(year + (season == "winter"), SEASON_END_MONTH[season], 1))
        within = f"winter {year}/{(year + 1) % 100:02d}" if season == "winter" else season
        return Due("date", d, raw), f"{raw!r} read as {d:%d/%m/%Y} (the end of {within})"
    if d := _date(t):
        return Due("date", d, raw), None
    return Due("text", None, raw), f"cannot read the due date {raw!r}; it is kept as text"


def _quarter_end(quarter_start: dt.date) -> dt.date:
    return month_end(quarter_start.replace(month=quarter_start.month + 2))


def _date(t: str) -> dt.date | None:
    """A day, a month (its last day) or a financial quarter (its last day) written out in full."""
    if m := _RE_UK_DATE.match(t):
        return _day(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
    if m := _RE_ISO_DATE.match(t):
        return _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _RE_DAY_MONTH_YEAR.match(t):
        return _day(_year(m.group(3)), MONTHS.get(m.group(2)), int(m.group(1)))
    if m := _RE_MONTH_DAY_YEAR.match(t):
        return _day(int(m.group(3)), MONTHS.get(m.group(1)), int(m.group(2)))
    if m := _RE_MONTHS_SLASH.match(t):
        a, b, y = m.group(1), m.group(2), _year(m.group(3))
        if a in MONTHS and b in MONTHS:
            return month_end(dt.date(y, max(MONTHS[a], MONTHS[b]), 1))
        return None
    if d := parse_month_text(t):
        return month_end(d)
    p = parse_period(t)
    return _quarter_end(p.start) if p is not None and p.kind == "quarter" else None


def _day(year: int, month: int | None, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day) if month else None
    except ValueError:
        return None


def days_overdue(due: Due | None, due_date: dt.date | None, as_at: dt.date, action_rag: str | None) -> int | None:
    """The overdue rule: due (a date, not recurring, not text) before the last day of the snapshot's as-at
    month, and not Blue. Returns the days from the due date to that last day, or None when not overdue."""
    d = due_date if due is None else (due.date if due.kind == "date" else None)
    if d is None or (action_rag or "") == "Blue":
        return None
    days = (month_end(as_at) - d).days
    return days if days > 0 else None


def is_overdue(due: Due | None, due_date: dt.date | None, as_at: dt.date, action_rag: str | None) -> bool:
    return days_overdue(due, due_date, as_at, action_rag) is not None
