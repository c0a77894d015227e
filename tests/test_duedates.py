"""Due dates as plans write them, the financial year a quarter or season belongs to, and the overdue rule."""
import datetime as dt

import pytest

from scorecard.duedates import is_overdue, parse_due


@pytest.mark.parametrize("text,kind,date", [
    ("Sept 2023", "date", dt.date(2023, 9, 30)),
    ("Oct/Nov 2023", "date", dt.date(2023, 11, 30)),
    ("March 24", "date", dt.date(2024, 3, 31)),
    ("Mar-24", "date", dt.date(2024, 3, 31)),
    ("Feb 2024", "date", dt.date(2024, 2, 29)),
    ("31/01/2024", "date", dt.date(2024, 1, 31)),
    (dt.date(2024, 1, 15), "date", dt.date(2024, 1, 15)),
    ("Weekly", "recurring", None), ("Fortnightly", "recurring", None), ("Monthly", "recurring", None),
    ("Quarterly", "recurring", None), ("Termly", "recurring", None), ("Annual", "recurring", None),
    ("Ongoing", "recurring", None), ("Quarterly review", "recurring", None),
    ("Termly and annual review", "recurring", None), ("Every 8 weeks", "recurring", None),
    ("Completed", "none", None), ("TBC", "none", None), (None, "none", None),
    ("31st March 2024", "date", dt.date(2024, 3, 31)), ("31 March 2024", "date", dt.date(2024, 3, 31)),
    ("1st Sept 2024", "date", dt.date(2024, 9, 1)), ("2nd of May 24", "date", dt.date(2024, 5, 2)),
    ("31-Mar-24", "date", dt.date(2024, 3, 31)), ("March 31st 2024", "date", dt.date(2024, 3, 31)),
    ("March 31, 2024", "date", dt.date(2024, 3, 31)), ("End of March 2024", "date", dt.date(2024, 3, 31)),
    ("end March 2024", "date", dt.date(2024, 3, 31)), ("By the end of Feb 2024", "date", dt.date(2024, 2, 29)),
    ("by 31/01/2024", "date", dt.date(2024, 1, 31)),
    ("Q4 2023/24", "date", dt.date(2024, 3, 31)), ("Q1 2024/25", "date", dt.date(2024, 6, 30)),
    ("End of Q3 2023-24", "date", dt.date(2023, 12, 31)), ("Quarter 2 2023/24", "date", dt.date(2023, 9, 30)),
])
def test_due_dates(text, kind, date):
    due, warning = parse_due(text)
    assert (due.kind, due.date, warning) == (kind, date, None)


@pytest.mark.parametrize("text,date,warning", [
    ("End of Q2", dt.date(2023, 9, 30), "'End of Q2' read as 30/09/2023 (Q2 of 2023/24, the plan's financial year)"),
    ("Q2", dt.date(2023, 9, 30), "'Q2' read as 30/09/2023 (Q2 of 2023/24, the plan's financial year)"),
    ("End Q4", dt.date(2024, 3, 31), "'End Q4' read as 31/03/2024 (Q4 of 2023/24, the plan's financial year)"),
    ("end of quarter 1", dt.date(2023, 6, 30),
     "'end of quarter 1' read as 30/06/2023 (Q1 of 2023/24, the plan's financial year)"),
    ("Q4 2024/25", dt.date(2025, 3, 31), None),  # a year written beside the quarter wins over the plan's
])
def test_quarter_due_dates_take_the_plans_financial_year(text, date, warning):
    due, w = parse_due(text, fy_start=2023)
    assert (due.kind, due.date, due.text, w) == ("date", date, text, warning)


def test_quarter_due_date_with_no_financial_year_is_kept_as_text():
    due, warning = parse_due("End of Q2")
    assert (due.kind, due.date, due.text) == ("text", None, "End of Q2")
    assert warning == ("cannot read the due date 'End of Q2' without a year (the plan's financial year is not "
                       "known); it is kept as text")


@pytest.mark.parametrize("text,date,warning", [
    ("Spring 2024", dt.date(2024, 5, 31), "'Spring 2024' read as 31/05/2024 (the end of spring)"),
    ("Summer 2024", dt.date(2024, 8, 31), "'Summer 2024' read as 31/08/2024 (the end of summer)"),
    ("Autumn 24", dt.date(2024, 11, 30), "'Autumn 24' read as 30/11/2024 (the end of autumn)"),
    ("End of Winter 2024", dt.date(2025, 2, 28),
     "'End of Winter 2024' read as 28/02/2025 (the end of winter 2024/25)"),
])
def test_season_due_dates_are_the_seasons_last_day_with_a_warning(text, date, warning):
    due, w = parse_due(text, fy_start=2023)
    assert (due.kind, due.date, w) == ("date", date, warning)


@pytest.mark.parametrize("text", ["Spring", "Spring term 2024", "Q5 2023/24", "Q1 2024", "31st Sept 2024",
                                  "March 32nd 2024", "End of", "2018-19"])
def test_due_dates_still_refused(text):
    due, warning = parse_due(text, fy_start=2023)
    assert (due.kind, due.date) == ("text", None)
    assert warning == f"cannot read the due date {text!r}; it is kept as text"


def test_unreadable_due_date_is_kept_as_text_with_a_warning():
    due, warning = parse_due("Dec 202017")
    assert due.kind == "text" and due.text == "Dec 202017"
    assert warning == "cannot read the due date 'Dec 202017'; it is kept as text"


def test_overdue_rule():
    as_at = dt.date(2024, 3, 1)
    jan, _ = parse_due("Jan 2024")
    mar, _ = parse_due("Mar 2024")
    weekly, _ = parse_due("Weekly")
    assert is_overdue(jan, None, as_at, "Green") is True
    assert is_overdue(jan, None, as_at, "Blue") is False          # completed
    assert is_overdue(mar, None, as_at, "Red") is False           # due on the as-at month's last day
    assert is_overdue(weekly, None, as_at, "Red") is False        # recurring: never overdue
    assert is_overdue(None, dt.date(2024, 3, 30), as_at, None) is True
