"""Periods, band text, polarity, ratings, direction, targets, due dates and audit statistics."""
import datetime as dt

import pytest

from scorecard.audits import parse_grade, summarise_counts, wilson
from scorecard.bands import (INF, Interval, Tolerance, direction, parse_band, parse_polarity, parse_tolerance, rate,
                             resolve_banding, target_met, target_rag)
from scorecard.duedates import is_overdue, parse_due
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


# Every band string printed in seeds 000 and 003, with the interval it must become.
SEED_BANDS = {
    "60-69%": Interval(60, 69), "70-79%": Interval(70, 79), "80-100%": Interval(80, 100),
    "65-75": Interval(65, 75), "75-84": Interval(75, 84), "85+": Interval(85, INF),
    "30-39": Interval(30, 39), "40-49": Interval(40, 49), "50-100": Interval(50, 100),
    "65-74": Interval(65, 74), "75-80": Interval(75, 80), "75-80 ": Interval(75, 80),
    "81-89": Interval(81, 89), "90+": Interval(90, INF), "40-50": Interval(40, 50),
    "49-25": Interval(25, 49), ">24": Interval(24, INF, lo_closed=False), "50-60": Interval(50, 60),
    "61-80": Interval(61, 80), "81+": Interval(81, INF), "65-79": Interval(65, 79),
    "80-89": Interval(80, 89), "90-100": Interval(90, 100), "25-20": Interval(20, 25),
    "19-15": Interval(15, 19), "<14": Interval(-INF, 14, hi_closed=False), "70-84": Interval(70, 84),
    "85-94": Interval(85, 94), "95-100": Interval(95, 100), "70-79": Interval(70, 79),
    "25-21": Interval(21, 25), "25-33": Interval(25, 33), "34-66": Interval(34, 66),
    "67-100": Interval(67, 100), "8-15": Interval(8, 15), "7-5": Interval(5, 7),
    "<5": Interval(-INF, 5, hi_closed=False), "16-25": Interval(16, 25), "6-15": Interval(6, 15),
    "0-5": Interval(0, 5), "60-79": Interval(60, 79), "80-94": Interval(80, 94),
    "40-20": Interval(20, 40), "20-10": Interval(10, 20), "<10": Interval(-INF, 10, hi_closed=False),
    "80-89 ": Interval(80, 89), "90-94": Interval(90, 94), "20-24": Interval(20, 24),
    "19-16": Interval(16, 19), "<16": Interval(-INF, 16, hi_closed=False), "35-26": Interval(26, 35),
    "25-20 ": Interval(20, 25), "19-10": Interval(10, 19), "61-75": Interval(61, 75),
    "75+": Interval(75, INF), ">=5": Interval(5, INF), "<=3": Interval(-INF, 3),
}


@pytest.mark.parametrize("text,expected", SEED_BANDS.items())
def test_seed_band_strings(text, expected):
    assert parse_band(text) == expected


# The words councils use, with the closedness each one means.
COUNCIL_BANDS = {
    "80% and above": Interval(80, INF), "80 or more": Interval(80, INF), "80 or above": Interval(80, INF),
    "at least 80": Interval(80, INF), "95% +": Interval(95, INF), "95%+": Interval(95, INF),
    "≥95%": Interval(95, INF), "80 or more.": Interval(80, INF),
    "8% or less": Interval(-INF, 8), "8 or below": Interval(-INF, 8), "no more than 8": Interval(-INF, 8),
    "up to 8": Interval(-INF, 8), "≤5": Interval(-INF, 5),
    "Below 85%": Interval(-INF, 85, hi_closed=False), "Under 17": Interval(-INF, 17, hi_closed=False),
    "less than 17": Interval(-INF, 17, hi_closed=False),
    "Above 24": Interval(24, INF, lo_closed=False), "over 24": Interval(24, INF, lo_closed=False),
    "more than 24": Interval(24, INF, lo_closed=False), "greater than 24": Interval(24, INF, lo_closed=False),
    "50% to 64%": Interval(50, 64), "75% - 80%": Interval(75, 80), "10.1-12%": Interval(10.1, 12),
    "50–64": Interval(50, 64), "50 — 64": Interval(50, 64), "between 50 and 64": Interval(50, 64),
    "Between 50% and 64%": Interval(50, 64), "64 to 50": Interval(50, 64),
}


@pytest.mark.parametrize("text,expected", COUNCIL_BANDS.items())
def test_council_band_words(text, expected):
    assert parse_band(text) == expected


def test_band_words_open_or_closed_at_their_edge():
    # "below / under / less than 85" leaves 85 out; "85 or less / no more than / up to 85" takes it in.
    for text in ("below 85", "under 85", "less than 85", "<85"):
        assert parse_band(text).within_upper_end(84.9) and not parse_band(text).within_upper_end(85)
    for text in ("85 or less", "no more than 85", "up to 85", "≤85", "85 or below"):
        assert parse_band(text).within_upper_end(85) and not parse_band(text).within_upper_end(85.1)
    # "above / over / more than 24" leaves 24 out; "at least / or more / and above / +" takes it in.
    for text in ("above 24", "over 24", "more than 24", "greater than 24", ">24"):
        assert parse_band(text).reaches_lower_end(24.1) and not parse_band(text).reaches_lower_end(24)
    for text in ("at least 24", "24 or more", "24 and above", "24+", "24% +", "≥24"):
        assert parse_band(text).reaches_lower_end(24) and not parse_band(text).reaches_lower_end(23.9)
    # Rated end to end: lower is better with an Outstanding of "Below 10%" and an RI of "Above 20".
    b = bands("Above 20", "10% to 20%", "Below 10%")
    assert b.polarity == "lower"
    assert [rate(v, b) for v in (9.9, 10, 20, 20.1)] == ["Outstanding", "Good", "Good", "Requires Improvement"]
    h = bands("50 to 64", "65% - 79%", "80% and above")
    assert [rate(v, h) for v in (49.9, 50, 79.9, 80)] == ["Inadequate", "Requires Improvement", "Good", "Outstanding"]


@pytest.mark.parametrize("text", ["about seventy", "above", "80 and", "more than 8 or less", "inf+", "nan", "1e999",
                                  "above inf", "between 50", "8 or so", "9" * 400 + "+", "50 to 64 to 70"])
def test_unreadable_band_words_are_refused(text):
    with pytest.raises(ValueError, match="cannot read the band"):
        parse_band(text)


@pytest.mark.parametrize("text,polarity", [
    ("High", "higher"), ("Higher", "higher"), ("High is good", "higher"), ("Higher is better", "higher"),
    ("Bigger is better", "higher"), ("Up", "higher"), ("↑", "higher"), ("⬆", "higher"), ("▲", "higher"),
    ("Higher = better", "higher"), ("higher is better.", "higher"), ("  HIGHER   IS  BETTER ", "higher"),
    ("↑ Higher", "higher"),
    ("Low", "lower"), ("Lower", "lower"), ("Low is good", "lower"), ("Lower is better", "lower"),
    ("Smaller is better", "lower"), ("Down", "lower"), ("↓", "lower"), ("⬇", "lower"), ("▼", "lower"),
    ("Lower-is-better", "lower"), ("Increase", "increase"), ("decrease", "decrease"),
    ("", None), ("  ", None), (None, None),
])
def test_polarity_words(text, polarity):
    assert parse_polarity(text) == polarity


@pytest.mark.parametrize("text", ["Good", "Higher or lower is better", "High is bad", "Sideways", "↑↓", "n/a", "1"])
def test_unknown_polarity_is_refused(text):
    with pytest.raises(ValueError, match="unknown polarity"):
        parse_polarity(text)


def test_direction_bands_and_blank():
    assert parse_band("Increase") == "increase"
    assert parse_band("decrease") == "decrease"
    assert parse_band("") is None and parse_band(None) is None
    with pytest.raises(ValueError, match="cannot read the band"):
        parse_band("about seventy")


def bands(ri, good, out, polarity=None):
    return resolve_banding("M1", polarity, {"Requires Improvement": ri, "Good": good, "Outstanding": out})


def test_higher_is_better_rating_with_gaps_and_overlaps():
    b = bands("60-69%", "70-79%", "80-100%")
    assert b.polarity == "higher"
    assert [rate(v, b) for v in (59.9, 60, 69, 69.5, 70, 79.9, 80, 100)] == [
        "Inadequate", "Requires Improvement", "Requires Improvement", "Requires Improvement",
        "Good", "Good", "Outstanding", "Outstanding"]
    # Sefton writes 65-74 / 75-80 / 85+: 82 sits in the gap and takes the worse band (Good).
    s = bands("65-74", "75-80", "85+")
    assert rate(82, s) == "Good" and rate(85, s) == "Outstanding" and rate(64, s) == "Inadequate"
    # An overlap (65-75 / 75-84) takes the better band.
    o = bands("65-75", "75-84", "85+")
    assert rate(75, o) == "Good"


def test_lower_is_better_inferred_from_reversed_ranges():
    b = bands("25-20", "19-15", "<14")
    assert b.polarity == "lower"
    assert [rate(v, b) for v in (10, 13.9, 14, 14.5, 19, 19.5, 25, 25.1)] == [
        "Outstanding", "Outstanding", "Good", "Good", "Good", "Requires Improvement",
        "Requires Improvement", "Inadequate"]


def test_contradicting_band_is_ignored_with_a_warning():
    b = bands("40-50", "49-25", ">24")  # seed 003: % of assessments completed as NFA
    assert b.polarity == "lower"
    assert "Outstanding" not in b.bands
    assert b.warnings == ["M1: the Outstanding band '>24' contradicts lower is better, so it is ignored"]
    assert rate(49, b) == "Good"          # overlap 49-50 takes the better band
    assert rate(20, b) == "Good"          # no usable Outstanding band
    assert rate(51, b) == "Inadequate"


def test_polarity_column_wins_and_fewer_than_two_bands_warns():
    assert bands("60-69", "70-79", "80-100", polarity="lower").polarity == "lower"
    b = bands("25-21", None, None)
    assert b.polarity is None and b.bands == {} and "fewer than two bands" in b.warnings[0]
    assert rate(22, b) is None
    inc = bands("Increase", None, None)
    assert inc.polarity == "increase" and rate(5, inc) is None and inc.warnings == []


def test_direction_and_target():
    assert direction(80, 75, "higher") == "improving"
    assert direction(80, 75, "lower") == "worsening"
    assert direction(80, 80, "higher") == "stable"
    assert direction(3, 5, "decrease") == "improving"
    assert direction(80, None, "higher") is None
    assert target_met(90, 90, "higher") is True
    assert target_met(89.9, 90, "higher") is False
    assert target_met(12, 14, "lower") is True
    assert target_met(15, 14, "lower") is False
    assert target_met(50, None, "higher") is None


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


def test_audit_known_answer_seed_001():
    r = summarise_counts({"Good": 20, "Requires Improvement": 11, "Inadequate": 2})
    assert r.cases == 33
    assert round(r.good_or_better_pct, 1) == 60.6
    assert round(r.inadequate_pct, 1) == 6.1
    lo, hi = r.interval
    assert (round(lo, 1), round(hi, 1)) == (43.7, 75.3)


def test_wilson_edges():
    assert wilson(0, 0) == (None, None)
    lo, hi = wilson(0, 10)
    assert lo == 0 and 27 < hi < 29
    lo, hi = wilson(10, 10)
    assert hi == 100 and 71 < lo < 73


@pytest.mark.parametrize("text,grade", [("RI", "Requires Improvement"), ("requires improvement to be good",
                                        "Requires Improvement"), (" GOOD ", "Good"), ("Outstanding", "Outstanding")])
def test_grades(text, grade):
    assert parse_grade(text) == grade


def test_unknown_grade():
    with pytest.raises(ValueError, match="unknown grade 'Satisfactory'"):
        parse_grade("Satisfactory")


@pytest.mark.parametrize("text,unit,expected", [
    ("2 points", "%", Tolerance(2, "points")), ("2", None, Tolerance(2, "points")),
    ("2pp", "%", Tolerance(2, "points")), (1.5, "number", Tolerance(1.5, "points")),
    ("5%", "%", Tolerance(5, "points")), ("5%", "number", Tolerance(0.05, "relative")),
    ("5%", None, Tolerance(0.05, "relative")), ("10% of target", "%", Tolerance(0.1, "relative")),
    ("+/- 3 pts", "days", Tolerance(3, "points")), (None, "%", None), ("", "%", None),
])
def test_tolerances_as_scorecards_write_them(text, unit, expected):
    assert parse_tolerance(text, unit) == expected


@pytest.mark.parametrize("text", ["a bit", "5 of target", "inf", "1e999%", "5% 6%"])
def test_unreadable_tolerances_are_refused(text):
    with pytest.raises(ValueError, match="cannot read the tolerance"):
        parse_tolerance(text, "%")


@pytest.mark.parametrize("value,target,tolerance,polarity,expected", [
    (90, 90, "5%", "higher", "Green"), (91, 90, "5%", "higher", "Green"), (85, 90, "5%", "higher", "Amber"),
    (84.9, 90, "5%", "higher", "Red"), (18.5, 18, "10% of target", "lower", "Amber"),
    (19.9, 18, "10% of target", "lower", "Red"), (17, 18, "2", "lower", "Green"),
    (80, 90, "5%", "increase", None), (80, None, "5%", "higher", None), (None, 90, "5%", "higher", None),
])
def test_rating_by_tolerance_at_its_edges(value, target, tolerance, polarity, expected):
    assert target_rag(value, target, parse_tolerance(tolerance, "%"), polarity) == expected
