"""Reporting periods: months, financial quarters and financial years (April to March).

Every period is stored as the first day of its first month plus a kind, so that
months, quarters (`Q1 2023/24`) and years (`2016/17`, `2018-19`) sort together and keep
the label the data was given in. A bare month name (`April`) is read against the year a
heading names (`month_with_year`, `year_context`).
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
EVERYTHING = dt.date(9999, 12, 31)  # "as at" every period: the as-at month that includes all the data
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date  # first day of the period's first month
    kind: str = "month"  # month | quarter | year

    @property
    def key(self) -> str:
        """`YYYY-MM` of the first month, as used in JSON output."""
        return month_key(self.start)

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


def fy_quarter_start(fy_start: int, quarter: int) -> dt.date:
    """First day of a financial quarter: Q1 starts in April, Q4 in January of the next year."""
    return dt.date(fy_start + (quarter == 4), 3 * quarter % 12 + 1, 1)


def period_label(start: dt.date, kind: str = "month") -> str:
    if kind == "quarter":
        return f"Q{fy_quarter(start)} {fy_label(fy_start_year(start))}"
    if kind == "year":
        return fy_label(fy_start_year(start))
    return f"{_MONTH_ABBR[start.month]}-{start.year % 100:02d}"


def month_label(d) -> str:
    """A month as people write it, `Apr-23` (a date, datetime or pandas Timestamp in that month)."""
    return period_label(d, "month")


def month_key(d) -> str:
    """A month as `YYYY-MM`: JSON output, file names and keys."""
    return f"{d.year:04d}-{d.month:02d}"


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
    follows = int(b) == (first + 1 if len(b) == 4 else (first + 1) % 100)
    return first if follows else None


_RE_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RE_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_RE_UK_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$")
_RE_MONTH_YEAR = re.compile(r"^([a-z]+)\.?[\s\-/,']*(\d{2}|\d{4})$")
_FY = r"(?:fy|financial year)"
_QUARTER = r"(?:q|quarter)\s*([1-4])"
_PAIR = r"(\d{4}|\d{2})\s*[/\-–]\s*(\d{4}|\d{2})"
_RE_QUARTER = re.compile(rf"^{_QUARTER}\s*(?:{_FY}\s*)?{_PAIR}(?:\s*{_FY})?$")
_RE_QUARTER_AFTER = re.compile(rf"^(?:{_FY}\s*)?{_PAIR}(?:\s*{_FY})?\s*{_QUARTER}$")
# `Quarter 4 (Jan - Mar) 2023/24`: the months in brackets must be the quarter's.
_RE_QUARTER_MONTHS = re.compile(r"\s*\(\s*([a-z]+)\s*(?:-|–|—|to)\s*([a-z]+)\s*\)\s*")
_RE_FY = re.compile(rf"^(?:{_FY}\s*)?{_PAIR}(?:\s*{_FY})?$")
# A year or financial year inside a heading, not part of a date such as 31/03/2024.
_RE_YEAR_IN_TEXT = re.compile(
    rf"(?<![\d/\-.])(?:{_FY}\s*(\d{{2}})\s*[/\-–]\s*(\d{{2}})|((?:19|20)\d\d)(?:\s*[/\-–]\s*(\d{{4}}|\d{{2}}))?)"
    r"(?![\d/\-–]|\.\d)")


def parse_month_text(text: str) -> dt.date | None:
    """`Apr-23`, `Apr 2023`, `April 2023`, `Sept 2023`, `March 24`: first of that month."""
    m = _RE_MONTH_YEAR.match(text.strip().lower())
    if m and m.group(1) in MONTHS:
        return dt.date(_year(m.group(2)), MONTHS[m.group(1)], 1)
    return None


def parse_period(value) -> Period | None:
    """Read a period cell. Returns None when it cannot be read (the caller reports it).

    A hyphenated pair whose second part is the next year (`2018-19`, `2011-12`) is a
    financial year, as the DfE writes them; `2024-03` is a month.
    """
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
    if m := _RE_FY.match(text):
        fy = _fy_start(m.group(1), m.group(2))
        if fy is not None:
            return Period(dt.date(fy, 4, 1), "year")
    if _RE_ISO_MONTH.match(text):
        d = _iso_month(text)
        return Period(d) if d else None
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
    if p := _quarter(text):
        return p
    if text.isdigit() and len(text) == 5:
        d = excel_serial_to_date(float(text))
        return Period(d.replace(day=1)) if d else None
    d = parse_month_text(text)
    return Period(d) if d else None


def _quarter(text: str) -> Period | None:
    """`Q4 2023/24`, `Quarter 1 2024/25`, `Q1 FY24/25`, `2024/25 Q1`, `Quarter 4 (Jan - Mar) 2023/24`."""
    named = _RE_QUARTER_MONTHS.search(text)
    if named:
        text = f"{text[:named.start()]} {text[named.end():]}".strip()
    if m := _RE_QUARTER.match(text):
        quarter, a, b = int(m.group(1)), m.group(2), m.group(3)
    elif m := _RE_QUARTER_AFTER.match(text):
        a, b, quarter = m.group(1), m.group(2), int(m.group(3))
    else:
        return None
    fy = _fy_start(a, b)
    if fy is None:
        return None
    start = fy_quarter_start(fy, quarter)
    if named and (MONTHS.get(named.group(1)), MONTHS.get(named.group(2))) != (start.month, start.month + 2):
        return None  # the months in brackets are not that quarter's
    return Period(start, "quarter")


def _iso_month(text: str) -> dt.date | None:
    """`2024-03`, `2011-12`: the first of that month."""
    m = _RE_ISO_MONTH.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    return None


def parse_month(value) -> dt.date | None:
    """A cell or text that must name one month: the first of that month, or None.

    Unlike parse_period, `2011-12` here is December 2011 (YYYY-MM), not the financial year.
    """
    if isinstance(value, str) and (d := _iso_month(value.strip())):
        return d
    p = parse_period(value)
    return p.start if p is not None and p.kind == "month" else None


def parse_as_at(text: str) -> dt.date:
    """A `--as-at` month such as `2024-03`: the first of that month, or ValueError."""
    d = parse_month(text)
    if d is None:
        raise ValueError(f"cannot read the month {text!r}: write it as YYYY-MM, e.g. 2024-03")
    return d


@dataclass(frozen=True)
class Year:
    """A year a heading names: the financial year starting in April of `start`, or the calendar year."""
    start: int
    financial: bool

    @property
    def label(self) -> str:
        return fy_label(self.start) if self.financial else str(self.start)


@lru_cache(maxsize=1024)
def year_context(text) -> Year | None:
    """The one year or financial year a heading names: `Performance 2024/25 (provisional)`,
    `FY 2024/25`, `2024-25`, `Financial year 2024/25`, `Year: 2024`, `2024`.

    None when it names none, or several that differ (`2023/24 and 2024/25`, a plan's `2021-24`).
    Dates such as 31/03/2024 are not years.
    """
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    found = set()
    for m in _RE_YEAR_IN_TEXT.finditer(str(text).lower()):
        first, second = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if second is None:
            found.add(Year(int(first), False))
        else:
            fy = _fy_start(first, second)
            found.add(Year(fy, True) if fy is not None else None)
    return found.pop() if len(found) == 1 else None


_RE_BARE_QUARTER = re.compile(r"^(?:q|quarter)\s*([1-4])$")


def quarter_with_year(quarter, heading) -> Period | None:
    """A bare quarter (`Q1`, `Quarter 3`) under a heading that names a financial year (`2024/25`): that
    quarter of it. None under a calendar year (calendar or financial quarters? it cannot tell) or none."""
    q = _RE_BARE_QUARTER.match(" ".join(str(quarter).split()).lower())
    year = year_context(heading) if q else None
    if year is None or not year.financial:
        return None
    return Period(fy_quarter_start(year.start, int(q.group(1))), "quarter")


def month_with_year(month, heading) -> Period | None:
    """A bare month name (`April`, `Jan`, `Sept`) under a heading that names the year.

    Under a financial year (`2024/25`, `FY 2024/25`, `2024-25`) April to December fall in
    its first year and January to March in its second; under a calendar year (`2024`), in
    that year. None when the month is not a month name or the heading names no one year.
    """
    m = MONTHS.get(str(month).strip().lower().rstrip("."))
    year = year_context(heading) if m else None
    if year is None:
        return None
    return Period(dt.date(year.start + (year.financial and m < 4), m, 1))
