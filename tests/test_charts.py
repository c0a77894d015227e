"""Chart builders: the shaded band zones agree with the rating rules, the detail chart carries its parts."""
import pandas as pd
import pytest

from scorecard import bands, charts, spc


def banding(polarity, ri, good, outstanding):
    return bands.resolve_banding("M", polarity, {"Requires Improvement": ri, "Good": good, "Outstanding": outstanding})


CASES = [
    banding(None, "60-69%", "70-79%", "80-100%"),     # seed 000: higher is better
    banding(None, "25-20", "19-15", "<14"),           # seed 000: a reversed band, lower is better
    banding("lower", "20-16", "15-11", "<=10"),
    banding(None, "", ">24", "85+"),                  # two bands only
]


@pytest.mark.parametrize("b", CASES)
def test_shaded_zones_match_the_rating_rules(b):
    zones = charts.band_zones(b, -5, 105)
    assert zones, "a rated measure has zones"
    for grade, lo, hi in zones:
        for y in (lo + (hi - lo) * f for f in (0.1, 0.5, 0.9)):
            assert bands.rate(y, b) == grade, (grade, lo, hi, y)
    # the zones tile the axis with no gaps
    spans = sorted((lo, hi) for _, lo, hi in zones)
    assert spans[0][0] == -5 and spans[-1][1] == 105
    assert all(a[1] == b_[0] for a, b_ in zip(spans, spans[1:]))


def test_outstanding_zone_sits_on_the_correct_side():
    higher = {g: (lo, hi) for g, lo, hi in charts.band_zones(CASES[0], 0, 100)}
    lower = {g: (lo, hi) for g, lo, hi in charts.band_zones(CASES[1], 0, 100)}
    assert higher["Outstanding"] == (80, 100) and higher["Inadequate"] == (0, 60)
    assert lower["Outstanding"] == (0, 14) and lower["Inadequate"] == (25, 100)


def test_no_zones_without_polarity_or_bands():
    assert charts.band_zones(banding("increase", "", "", ""), 0, 100) == []
    assert charts.band_zones(bands.Banding(None), 0, 100) == []


def test_measure_chart_parts():
    n = 15
    periods = pd.date_range("2023-04-01", periods=n, freq="MS")
    values = [50 + (1 if i % 2 else -1) for i in range(n - 1)] + [90]
    series = pd.DataFrame({"period": periods, "period_label": [p.strftime("%b-%y") for p in periods],
                           "value": values, "numerator": [None] * n, "denominator": [None] * n,
                           "illustrative": [False] * (n - 1) + [True], "band": ["Good"] * n})
    b = CASES[0]
    chart = spc.analyse(values, "higher", 90)
    bench = pd.DataFrame({"period": [periods[0]], "england": [55.0], "region": [None], "neighbours": [None]})
    fig = charts.measure_chart(series, b, 90, chart, bench, unit="%")
    names = [t.name for t in fig.data]
    assert {"Value", "Mean", "Process limits", "Special cause: improvement", "England",
            "◇ illustrative value"} <= set(names)
    assert "Region" not in names
    value = fig.data[names.index("Value")]
    assert list(value.marker.symbol)[-1] == "diamond-open" and "◇ illustrative" in value.hovertext[-1]
    rect_labels = [a.text for a in fig.layout.annotations]
    assert {"Outstanding", "Good", "Requires Improvement", "Inadequate", "Target 90%"} <= set(rect_labels)
