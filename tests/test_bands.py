"""Band text, polarity, ratings, direction, targets and tolerances."""
import pytest

from scorecard.bands import (
    INF,
    Interval,
    Tolerance,
    direction,
    parse_band,
    parse_polarity,
    parse_tolerance,
    rate,
    resolve_banding,
    target_met,
    target_rag,
)

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
