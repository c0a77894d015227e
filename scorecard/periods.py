"""Reporting periods: months, financial quarters and financial years (April to March).

Every period is stored as the first day of its first month plus a kind, so that
months, quarters (`Q1 2023/24`) and years (`2016/17`) sort together and keep the
label the data was given in.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH_ABBR = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Excel serial day numbers for 1954-10-1 .. 2119-12-31: a plausible date range for
# scorecards, wide enough that a number outside it is not mistaken for a date.
EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date  # first day of the period's first month
    kind: str = "month"  # month | quarter | year

    @property
    def key(self) -> str:
        """`YYYY-MM` of the first month, as used in JSON output."""
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        return period_label(self.start, self.kind)


def fy_start_year(d: dt.date) -> int:
    """Financial year (April to March) that contains a date, by its starting year."""
    return d.year if d.month >= 4 else d.year - 1


def fy_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def fy_quarter(d: dt.date) -> int:
    return ((d.month - 4) % 12) // 3 + 1


def period_label(start: dt.date, kind: str = "month") -> str:
    if kind == "quarter":
        return f"Q{fy_quarter(start)} {fy_label(fy_start_year(start))}"
    if kind == "year":
        return fy_label(fy_start_year(start))
    return f"{_MONTH_ABBR[start.month]}-{start.year % 100:02d}"


def month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def excel_serial_to_date(n: float) -> dt.date | None:
    if _SERIAL_MIN <= n <= _SERIAL_MAX:
        return EXCEL_EPOCH + dt.timedelta(days=int(n))
    return None


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if y < 100 else y


def _fy_start(a: str, b: str) -> int | None:
    """`2023/24`, `23/24`, `2023-2024` -> 2023, checking the second year follows the first."""
    first = _year(a)
    second = int(b)
    if second % 100 != (first + 1) % 100:
        return None
    return first


_RE_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RE_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_RE_UK_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$")
_RE_MONTH_YEAR = re.compile(r"^([a-z]+)\.?[\s\-/,']*(\d{2}|\d{4})$")
_RE_QUARTER = re.compile(r"^q([1-4])\s*(?:fy\s*)?(\d{2,4})\s*[/\-]\s*(\d{2,4})$")
_RE_QUARTER_AFTER = re.compile(r"^(?:fy\s*)?(\d{2,4})\s*[/\-]\s*(\d{2,4})\s*q([1-4])$")
_RE_FY = re.compile(r"^(?:fy\s*)?(\d{4}|\d{2})\s*[/\-]\s*(\d{2}|\d{4})$")


def parse_month_text(text: str) -> dt.date | None:
    """`Apr-23`, `Apr 2023`, `April 2023`, `Sept 2023`, `March 24`: first of that month."""
    m = _RE_MONTH_YEAR.match(text.strip().lower())
    if m and m.group(1) in MONTHS:
        return dt.date(_year(m.group(2)), MONTHS[m.group(1)], 1)
    return None


def parse_period(value) -> Period | None:
    """Read a period cell. Returns None when it cannot be read (the caller reports it)."""
    try:
        return _parse_period_cached(value)
    except TypeError:  # unhashable cell value
        return _parse_period(value)


@lru_cache(maxsize=4096)
def _parse_period_cached(value) -> Period | None:
    return _parse_period(value)


def _parse_period(value) -> Period | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Period(value.replace(day=1))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        d = excel_serial_to_date(float(value))
        return Period(d.replace(day=1)) if d else None
    text = " ".join(str(value).replace("\u00a0", " ").split()).lower()
    if not text:
        return None
    if m := _RE_ISO_MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        return Period(dt.date(y, mo, 1)) if 1 <= mo <= 12 else None
    if m := _RE_ISO_DATE.match(text):
        try:
            return Period(dt.date(int(m.group(1)), int(m.group(2)), 1))
        except ValueError:
            return None
    if m := _RE_UK_DATE.match(text):
        try:
            d = dt.date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
        return Period(d.replace(day=1))
    q = _RE_QUARTER.match(text)
    if q:
        quarter, a, b = int(q.group(1)), q.group(2), q.group(3)
    elif q := _RE_QUARTER_AFTER.match(text):
        a, b, quarter = q.group(1), q.group(2), int(q.group(3))
    if q:
        fy = _fy_start(a, b)
        if fy is None:
            return None
        month = 4 + 3 * (quarter - 1)
        year = fy if month <= 12 else fy + 1
        return Period(dt.date(year, (month - 1) % 12 + 1, 1), "quarter")
    if m := _RE_FY.match(text):
        fy = _fy_start(m.group(1), m.group(2))
        return Period(dt.date(fy, 4, 1), "year") if fy is not None else None
    if text.isdigit() and len(text) == 5:
        d = excel_serial_to_date(float(text))
        return Period(d.replace(day=1)) if d else None
    d = parse_month_text(text)
    return Period(d) if d else None


def parse_as_at(text: str) -> dt.date:
    """A `--as-at` month such as `2024-03`: the first of that month, or ValueError."""
    p = parse_period(text)
    if p is None or p.kind != "month":
        raise ValueError(f"cannot read the month {text!r}: write it as YYYY-MM, e.g. 2024-03")
    return p.start
