"""SPC the Making Data Count way: known answers, and every rule firing and not firing at its edge."""
import pytest

from scorecard import spc
from scorecard.spc import Limits, analyse, limits, special_causes

WIDE = Limits(mean=10, mr_bar=1, lower=-100, upper=100, lower_2s=-50, upper_2s=50)


def rules_fired(values, lim=WIDE, run=6):
    marks, sides = special_causes(values, lim, run)
    return [sorted(m) for m in marks], [sorted(s) for s in sides]


def test_known_answer_one_to_ten():
    lim = limits(list(range(1, 11)))
    assert lim.mean == 5.5 and lim.mr_bar == 1
    assert (round(lim.lower, 2), round(lim.upper, 2)) == (2.84, 8.16)
    assert (round(lim.lower_2s, 3), round(lim.upper_2s, 3)) == (3.727, 7.273)


def test_screening_moving_ranges_is_off_by_default():
    values = [10, 11, 10, 11, 10, 11, 10, 40, 10, 11, 10, 11, 10]
    plain, screened = limits(values), limits(values, screen=True)
    assert plain.mr_bar == pytest.approx((60 + 10) / 12)  # ten ranges of 1, two of 30
    assert screened.mr_bar == pytest.approx(1.0)  # the two ranges of 30 exceed 3.267 x mean
    assert analyse(values).latest_limits.mr_bar == plain.mr_bar


def test_point_beyond_a_limit_at_its_edge():
    lim = Limits(mean=0, mr_bar=1, lower=-3, upper=3, lower_2s=-2, upper_2s=2)
    marks, sides = rules_fired([0, 3, 0, 3.01, 0, -3.01], lim)
    assert marks[1] == [] and marks[3] == ["beyond"] and sides[3] == ["high"] and sides[5] == ["low"]


@pytest.mark.parametrize("run,above,fires", [(6, 5, False), (6, 6, True), (7, 6, False), (8, 8, True), (8, 7, False)])
def test_shift_of_n_points(run, above, fires):
    values = [9] + [11] * above + [9]
    marks, sides = rules_fired(values, run=run)
    assert all(("shift" in m) == fires for m in marks[1:1 + above])
    assert "shift" not in marks[0] and "shift" not in marks[-1]


def test_a_point_on_the_mean_breaks_a_shift():
    marks, _ = rules_fired([11, 11, 11, 10, 11, 11, 11])
    assert not any("shift" in m for m in marks)
    marks, sides = rules_fired([9, 9, 9, 9, 9, 9])
    assert all(m == ["shift"] for m in marks) and all(s == ["low"] for s in sides)


@pytest.mark.parametrize("values,fires", [
    ([1, 2, 3, 4, 5, 6], True),            # six points counting both ends
    ([1, 2, 3, 4, 5], False),
    ([1, 2, 3, 3, 4, 5, 6], False),        # a tie breaks the trend
    ([6, 5, 4, 3, 2, 1], True),
])
def test_trend_of_n_points(values, fires):
    lim = Limits(mean=3.5, mr_bar=1, lower=-100, upper=100, lower_2s=-50, upper_2s=50)
    marks, sides = rules_fired(values, lim)
    assert all(("trend" in m) == fires for m in marks)
    if fires:
        assert sides[0] == (["high"] if values[1] > values[0] else ["low"])


@pytest.mark.parametrize("window,fires", [
    ([1, 2.5, 2.5], True),     # two of three beyond +2 sigma, all above the mean
    ([2.5, 1, 2.5], True),
    ([2.5, 1, 1], False),      # only one beyond
    ([2.5, -1, 2.5], False),   # not all on the same side
    ([2.0, 2.0, 1], False),    # on the line is not beyond it
    ([-2.5, -1, -2.5], True),
])
def test_two_of_three_beyond_two_sigma(window, fires):
    lim = Limits(mean=0, mr_bar=1, lower=-3, upper=3, lower_2s=-2, upper_2s=2)
    marks, _ = rules_fired(window, lim)
    assert all(("two_of_three" in m) == fires for m in marks)


def test_concern_takes_precedence_when_a_point_is_both():
    assert spc._point_class({"high", "low"}, "higher") == ("concern", "low")
    assert spc._point_class({"high", "low"}, "lower") == ("concern", "high")
    assert spc._point_class({"high"}, None) == ("neither", "high")


def stable(n=20):
    return [50 + (1 if i % 2 else -1) for i in range(n)]


def test_fewer_than_thirteen_points_is_a_run_chart():
    r = analyse(stable(12), "higher", 40)
    assert r.is_run_chart and r.variation is None and r.assurance is None and r.as_json() is None
    assert not any(r.special)
    r13 = analyse(stable(13), "higher", 40)
    assert not r13.is_run_chart and r13.variation == "common"


def test_variation_from_the_latest_point_under_each_polarity():
    up = stable(14) + [80]
    assert (analyse(up, "higher").variation, analyse(up, "higher").variation_side) == ("improvement", "high")
    assert analyse(up, "lower").variation == "concern"
    assert (analyse(up, None).variation, analyse(up, None).variation_icon) == ("neither", "△ H  Special cause (high)")
    down = stable(14) + [20]
    assert analyse(down, "higher").variation_icon == "▼ !  Concern (low)"
    assert analyse(stable(15), "higher").variation_icon == "● C  Common cause"


@pytest.mark.parametrize("polarity,target,expected", [
    ("higher", 44, "pass"), ("higher", 60, "fail"), ("higher", 50, "hit_or_miss"),
    ("lower", 60, "pass"), ("lower", 44, "fail"), ("lower", 50, "hit_or_miss"),
    (None, 50, None), ("higher", None, None),
])
def test_assurance_from_the_target_against_the_limits(polarity, target, expected):
    r = analyse(stable(20), polarity, target)  # mean 50, mean MR 2: limits 44.68 to 55.32
    assert (round(r.latest_limits.lower, 2), round(r.latest_limits.upper, 2)) == (44.68, 55.32)
    assert r.assurance == expected


def test_rebasing_computes_limits_per_segment():
    values = stable(13) + [v + 20 for v in stable(13)]
    whole = analyse(values, "higher")
    assert whole.latest_limits.mean == pytest.approx(60, abs=0.1) and whole.variation == "improvement"
    rebased = analyse(values, "higher", rebase_at=[13])
    assert [round(s.limits.mean) for s in rebased.segments] == [50, 70]
    assert rebased.variation == "common" and not any(rebased.special)
    short = analyse(values, "higher", rebase_at=[20])  # the latest segment has 6 points
    assert short.is_run_chart and short.variation is None and short.segments[0].limits is not None


def test_run_setting_is_checked_and_as_json_fields():
    with pytest.raises(ValueError):
        analyse(stable(), run=5)
    j = analyse(stable(20), "higher", 44).as_json()
    assert j == {"points": 20, "mean": 50.0, "lower": 44.68, "upper": 55.32, "variation": "common", "assurance": "pass"}
