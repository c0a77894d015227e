"""Periods, band text, polarity, ratings, direction, targets, due dates and audit statistics."""
import datetime as dt

import pytest

from scorecard.audits import parse_grade, summarise_counts, wilson
from scorecard.bands import INF, Interval, direction, parse_band, rate, resolve_banding, target_met
from scorecard.duedates import is_overdue, parse_due
from scorecard.periods import parse_period


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
])
def test_periods(text, start, kind, label):
    p = parse_period(text)
    assert (p.start, p.kind, p.label) == (start, kind, label)


@pytest.mark.parametrize("text", ["Q5 2023/24", "2016/18", "31/02/2023", "Spring", "13/2023", 12])
def test_unreadable_periods(text):
    assert parse_period(text) is None


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
])
def test_due_dates(text, kind, date):
    due, warning = parse_due(text)
    assert (due.kind, due.date, warning) == (kind, date, None)


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
