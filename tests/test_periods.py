"""Periods as councils write them: months, quarters, financial years, and bare months under a heading."""
import datetime as dt

import pytest

from scorecard.periods import Year, month_with_year, parse_as_at, parse_month, parse_period, year_context


@pytest.mark.parametrize("text,start,kind,label", [
    ("2023-04", dt.date(2023, 4, 1), "month", "Apr-23"),
    ("Apr-23", dt.date(2023, 4, 1), "month", "Apr-23"),
    ("Apr 2023", dt.date(2023, 4, 1), "month", "Apr-23"),
    ("April 2023", dt.date(2023, 4, 1), "month", "Apr-23"),
    ("01/04/2023", dt.date(2023, 4, 1), "month", "Apr-23"),
    ("15/04/2023", dt.date(2023, 4, 1), "month", "Apr-23"),
    (45017, dt.date(2023, 4, 1), "month", "Apr-23"),
    (dt.datetime(2023, 4, 20, 10, 0), dt.date(2023, 4, 1), "month", "Apr-23"),
    ("Q1 2023/24", dt.date(2023, 4, 1), "quarter", "Q1 2023/24"),
    ("Q3 2023/24", dt.date(2023, 10, 1), "quarter", "Q3 2023/24"),
    ("Q4 2023/24", dt.date(2024, 1, 1), "quarter", "Q4 2023/24"),
    ("Q4 15/16", dt.date(2016, 1, 1), "quarter", "Q4 2015/16"),
    ("2016/17", dt.date(2016, 4, 1), "year", "2016/17"),
    ("Sept 2023", dt.date(2023, 9, 1), "month", "Sep-23"),
    # Financial years as the DfE writes them: a hyphenated pair whose second part is the next year.
    ("2018-19", dt.date(2018, 4, 1), "year", "2018/19"),
    ("2011-12", dt.date(2011, 4, 1), "year", "2011/12"),
    ("2018-2019", dt.date(2018, 4, 1), "year", "2018/19"),
    ("2018 – 19", dt.date(2018, 4, 1), "year", "2018/19"),
    ("1999/00", dt.date(1999, 4, 1), "year", "1999/00"),
    ("FY 2023/24", dt.date(2023, 4, 1), "year", "2023/24"),
    ("FY23/24", dt.date(2023, 4, 1), "year", "2023/24"),
    ("2023/24 FY", dt.date(2023, 4, 1), "year", "2023/24"),
    ("Financial year 2023-24", dt.date(2023, 4, 1), "year", "2023/24"),
    ("2024-03", dt.date(2024, 3, 1), "month", "Mar-24"),   # not a pair of years: a month
    ("2012-01", dt.date(2012, 1, 1), "month", "Jan-12"),
    ("Quarter 1 2024/25", dt.date(2024, 4, 1), "quarter", "Q1 2024/25"),
    ("Q1 24/25", dt.date(2024, 4, 1), "quarter", "Q1 2024/25"),
    ("Q1 FY24/25", dt.date(2024, 4, 1), "quarter", "Q1 2024/25"),
    ("2024/25 Q1", dt.date(2024, 4, 1), "quarter", "Q1 2024/25"),
    ("Q2 2023-24", dt.date(2023, 7, 1), "quarter", "Q2 2023/24"),
    ("Quarter 4 (Jan - Mar) 2023/24", dt.date(2024, 1, 1), "quarter", "Q4 2023/24"),
    ("Q1 (Apr-Jun) 2024/25", dt.date(2024, 4, 1), "quarter", "Q1 2024/25"),
    (dt.datetime(2024, 3, 31), dt.date(2024, 3, 1), "month", "Mar-24"),  # Period_End_Date as an Excel date
    ("31/03/2024", dt.date(2024, 3, 1), "month", "Mar-24"),
])
def test_periods(text, start, kind, label):
    p = parse_period(text)
    assert (p.start, p.kind, p.label) == (start, kind, label)


@pytest.mark.parametrize("text", ["Q5 2023/24", "Quarter 5 2023/24", "Q4 2023/25", "Q1 2024", "2016/18", "2018-20",
                                  "2018-2020", "2018-17", "Quarter 4 (Apr - Jun) 2023/24", "31/02/2023", "Spring",
                                  "Spring 2024", "13/2023", 12])
def test_unreadable_periods(text):
    assert parse_period(text) is None


def test_a_month_asked_for_reads_yyyy_mm_as_a_month():
    assert parse_as_at("2011-12") == parse_month("2011-12") == dt.date(2011, 12, 1)
    assert parse_as_at("2024-03") == parse_as_at("Mar-24") == dt.date(2024, 3, 1)
    assert parse_month(dt.datetime(2024, 3, 31)) == dt.date(2024, 3, 1)
    assert parse_month("2018-19") is None and parse_month("Q1 2024/25") is None
    with pytest.raises(ValueError, match=r"cannot read the month '2018-19': write it as YYYY-MM"):
        parse_as_at("2018-19")


@pytest.mark.parametrize("heading,year", [
    ("2024/25", Year(2024, True)), ("FY 2024/25", Year(2024, True)), ("FY24/25", Year(2024, True)),
    ("2024-25", Year(2024, True)), ("Financial year 2024/25", Year(2024, True)), ("Year: 2024/25", Year(2024, True)),
    ("Performance 2024/25 (provisional)", Year(2024, True)), ("2024/25 (2024/25)", Year(2024, True)),
    ("2024", Year(2024, False)), (2024, Year(2024, False)), (2024.0, Year(2024, False)),
    ("Monthly data for 2024.", Year(2024, False)),
    ("Monthly performance", None), ("Plan 2021-24", None), ("2023/24 and 2024/25", None),
    ("As at 31/03/2024", None), ("Period ending 2024-03-31", None), ("April 2024 to March 2025", None), (None, None),
])
def test_year_a_heading_names(heading, year):
    assert year_context(heading) == year


@pytest.mark.parametrize("month,heading,label", [
    ("April", "2024/25", "Apr-24"), ("Dec", "2024/25", "Dec-24"), ("Jan", "2024/25", "Jan-25"),
    ("March", "FY 2024/25", "Mar-25"), ("Sept", "2024-25", "Sep-24"), ("Feb.", "Financial year 2024/25", "Feb-25"),
    ("jan", "Year: 2024/25", "Jan-25"), ("Jan", "2024", "Jan-24"), ("December", 2024, "Dec-24"),
    ("Jan", "Performance 2024/25 (provisional)", "Jan-25"),
])
def test_bare_month_under_a_heading_that_names_the_year(month, heading, label):
    p = month_with_year(month, heading)
    assert (p.kind, p.label) == ("month", label)


@pytest.mark.parametrize("month,heading", [("April", "Monthly performance"), ("April", "2021-24"),
                                           ("Spring", "2024/25"), ("Apr-24", "2024/25"), ("Total", "2024")])
def test_bare_month_without_one_year_is_not_read(month, heading):
    assert month_with_year(month, heading) is None
