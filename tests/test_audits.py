"""Audit grades: aggregation, intervals, plain-words change, audit-sourced measures and import checks."""
import json

import pandas as pd
import pytest

from scorecard import bands, charts, kpis
from scorecard.audits import (
    ALL_STREAMS,
    AuditLink,
    AuditResult,
    audit_link,
    describe_change,
    parse_grade,
    summarise_counts,
    threshold_lines,
    wilson,
)
from scorecard.intake import load
from scorecard.summary import PlanData
from tests.conftest import commit_rows, make_workbook


def test_seed_001_counts_give_60_6_percent_good_or_better():
    r = summarise_counts({"Good": 20, "Requires Improvement": 11, "Inadequate": 2})
    assert r.cases == 33 and r.good_or_better == 20
    assert round(r.good_or_better_pct, 1) == 60.6 and round(r.inadequate_pct, 1) == 6.1
    lo, hi = r.interval
    assert (round(lo, 1), round(hi, 1)) == (43.7, 75.3)


@pytest.mark.parametrize("k, n, expected", [
    (0, 10, (0.0, 27.8)), (10, 10, (72.2, 100.0)), (5, 10, (23.7, 76.3)), (45, 100, (35.6, 54.8))])
def test_wilson_known_answers(k, n, expected):
    assert tuple(round(v, 1) for v in wilson(k, n)) == expected


def test_wilson_without_cases_is_empty():
    assert wilson(0, 0) == (None, None)
    assert AuditResult(0, 0, 0).good_or_better_pct is None


@pytest.mark.parametrize("text,grade", [("RI", "Requires Improvement"), ("requires improvement to be good",
                                        "Requires Improvement"), (" GOOD ", "Good"), ("Outstanding", "Outstanding")])
def test_grades(text, grade):
    assert parse_grade(text) == grade


def test_unknown_grade():
    with pytest.raises(ValueError, match="unknown grade 'Satisfactory'"):
        parse_grade("Satisfactory")


@pytest.mark.parametrize("before, after, expected", [
    (AuditResult(100, 34, 5), AuditResult(100, 45, 3),
     "up from 34% to 45%, within the margin of error (the 95% intervals overlap)"),
    (AuditResult(320, 64, 30), AuditResult(154, 70, 9),
     "up from 20% to 45%, a significant change (the 95% intervals do not overlap)"),
    (AuditResult(154, 70, 9), AuditResult(320, 64, 30),
     "down from 45% to 20%, a significant change (the 95% intervals do not overlap)"),
    (AuditResult(3, 1, 0), AuditResult(10, 5, 3), "up from 33% to 50%, but 3 cases are too few to judge"),
    (AuditResult(20, 9, 1), AuditResult(40, 18, 2), "unchanged at 45%"),
])
def test_change_is_described_in_plain_words(before, after, expected):
    assert describe_change(before, after) == expected


@pytest.mark.parametrize("source, expected", [
    ("audit: Child Protection Plans", AuditLink("Child Protection Plans", "good_or_better")),
    ("Audit:All  streams", AuditLink("All streams", "good_or_better")),
    ("audit good or better: Referrals", AuditLink("Referrals", "good_or_better")),
    ("audit inadequate: All streams", AuditLink("All streams", "inadequate")),
    ("Case file audit", None), ("Scorecard - CIN8", None), (None, None)])
def test_audit_sources(source, expected):
    assert audit_link(source) == expected


def test_threshold_lines_for_good_or_better_and_inadequate():
    gob = bands.resolve_banding("A", None, {"Requires Improvement": "60-69%", "Good": "70-79%",
                                            "Outstanding": "80-100%"})
    assert threshold_lines(AuditLink(ALL_STREAMS, "good_or_better"), gob, None) == [
        ("Requires Improvement from 60%", 60), ("Good from 70%", 70), ("Outstanding from 80%", 80)]
    none = bands.resolve_banding("B", "lower", {})
    lines = threshold_lines(AuditLink(ALL_STREAMS, "inadequate"), none, 10)
    assert lines == [("Target: at most 10% inadequate (keep the Inadequate segment above this line)", 90)]


def counts_rows(rows):
    return [{"period": pd.Timestamp(p), "period_kind": "quarter", "stream": s, "grade": g, "cases": n}
            for p, s, g, n in rows]


COUNTS = counts_rows([
    ("2023-04-01", "CP plans", "Good", 20), ("2023-04-01", "CP plans", "Requires Improvement", 11),
    ("2023-04-01", "CP plans", "Inadequate", 2), ("2023-04-01", "Referrals", "Outstanding", 2),
    ("2023-04-01", "Referrals", "Good", 1), ("2023-07-01", "CP plans", "Good", 9),
    ("2023-07-01", "CP plans", "Inadequate", 1)])


def audit_plan(store, measures=(), values=()) -> PlanData:
    """COUNTS (and any measures and values) in a store, read back as the pages read them."""
    commit_rows(store, "Audited", measures=measures, values=values, audits=COUNTS)
    return PlanData(store, "Audited")


def test_audit_summary_adds_all_streams_first(store):
    a = audit_plan(store).audits
    assert a["stream"].tolist()[:2] == [ALL_STREAMS, ALL_STREAMS]
    q1 = a[(a["stream"] == ALL_STREAMS) & (a["period_label"] == "Q1 2023/24")].iloc[0]
    assert (q1["cases"], q1["good_or_better"]) == (36, 23)
    cp = a[(a["stream"] == "CP plans") & (a["period_label"] == "Q1 2023/24")].iloc[0]
    assert round(cp["good_or_better_pct"], 1) == 60.6


def measures_rows(*rows):
    return [{"code": c, "source": s} for c, s in rows]


def test_measures_sourced_from_audits_take_the_audit_figures(store):
    values = [("CIN8", pd.Timestamp("2023-04-01"), 70.0), ("A1", pd.Timestamp("2023-04-01"), 99.0)]
    measures = measures_rows(("CIN8", "Scorecard"), ("A1", "audit: cp  PLANS"), ("A2", "audit inadequate: All streams"),
                             ("A3", "audit: Pathway plans"))
    data = audit_plan(store, measures, values)
    warnings = data.warnings
    a1 = kpis.measure_series(store, data, "A1")
    assert [round(v, 1) for v in a1["value"]] == [60.6, 90.0] and data.series["A1"]["values"] == a1["value"].tolist()
    assert a1["denominator"].tolist() == [33, 10] and a1["numerator"].tolist() == [20, 9]
    a2 = kpis.measure_series(store, data, "A2")
    assert [round(v, 1) for v in a2["value"]] == [5.6, 10.0]
    assert kpis.measure_series(store, data, "CIN8")["value"].tolist() == data.series["CIN8"]["values"] == [70.0]
    assert any(w.startswith("A1: ") and "not used" in w for w in warnings)
    assert any(w.startswith("A3: ") and "no audits for it (streams: All streams, CP plans, Referrals)" in w
               for w in warnings)


def test_seed_001_percentages_that_disagree_with_the_counts_are_warned_about(store, tmp_path):
    path = make_workbook(tmp_path / "a.xlsx", {"Audits": [
        ["Period", "Stream", "Outstanding", "Good", "Requires Improvement", "Inadequate", "Good %", "RI %",
         "Inadequate %", "Good or better %"],
        ["Aug-23", "CSC audit", 0, 20, 11, 2, 68, "36%", 0.06, None],
        ["Q1 2017/18", "Referrals", 1, 6, 2, 0, None, None, None, 78]]}, percent_cells={"Audits": ["I2"]})
    c = load.check_bytes(store, path.read_bytes(), path.name, plan="P")
    assert c.ok
    assert [str(w) for w in c.parsed.warnings] == [
        "Audits!G2: 68% good is given but the counts give 60.6% (20 of 33 cases); the dashboard uses the "
        "counts, so check which is right",
        "Audits!H2: 36% requires improvement is given but the counts give 33.3% (11 of 33 cases); the "
        "dashboard uses the counts, so check which is right"]


def test_long_audits_with_a_percentage_column_are_checked_against_the_totals(store, tmp_path):
    path = make_workbook(tmp_path / "b.xlsx", {"Audits": [
        ["Period", "Stream", "Grade", "Count", "%"], ["Aug-23", "X", "Good", 20, 68],
        ["Aug-23", "X", "RI", 11, 33], ["Aug-23", "X", "Inadequate", 2, 6], ["Aug-23", "Y", "Good", 0, 50]]})
    c = load.check_bytes(store, path.read_bytes(), path.name, plan="P")
    assert c.ok
    assert [w.cell for w in c.parsed.warnings] == ["E2", "E5"]
    assert "no cases counted" in c.parsed.warnings[1].message


def test_demo_audit_measures_rated_like_kpis(demo_db):
    from scorecard.store import Store
    s = Store(demo_db, read_only=True)
    try:
        data = PlanData(s, "Cheshire East progress against Ofsted recommendations 2017")
        ce17 = PlanData(s, "Cheshire East 2017-18")
    finally:
        s.close()
    m = data.measures.set_index("code").loc["CE-PR11"]
    assert (round(m["value"], 1), m["denominator"], m["latest_label"], m["band"]) == (
        45.5, 154, "Q1 2017/18", "Inadequate")
    assert m["direction"] == "improving" and not data.warnings
    assert set(ce17.measures.dropna(subset=["value"])["code"]) >= {"CE17-A3", "CE17-A4"}
    assert not ce17.warnings


def test_demo_import_warns_about_seed_001_percentages(demo_db):
    import duckdb
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        n = con.execute("SELECT warnings FROM uploads WHERE plan = 'Cheshire East 2023-24'").fetchall()[0][0]
    finally:
        con.close()
    assert n >= 2


def test_audit_charts_label_counts_and_flag_small_samples(store):
    a = audit_plan(store).audits
    ref = a[a["stream"] == "Referrals"]
    fig = charts.audit_trajectory(a[a["stream"] == "CP plans"], [("Good from 70%", 70)])
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
    for i in range(2):
        assert round(sum(t.y[i] for t in bars), 6) == 100
    assert bars[1].text[0] == "G 20" and bars[3].text[1] == "I 1"
    line = next(t for t in fig.data if t.name == "Good or better %")
    assert list(line.text) == ["61% (n=33)", "90% (n=10)"]
    assert fig.layout.shapes[0].y0 == 70
    few = charts.audit_trajectory(ref)
    line = next(t for t in few.data if t.name == "Good or better %")
    assert line.text[0] == "100% (n=3) too few" and line.marker.symbol[0] == "circle-open"
    heat = charts.audit_heatmap(a)
    assert list(heat.data[0].y) == [ALL_STREAMS, "CP plans", "Referrals"]
    assert heat.data[0].text[2][0] == "100%<br>n=3<br>too few"
    multiples = charts.audit_small_multiples(a[a["stream"] != ALL_STREAMS])
    assert [an.text for an in multiples.layout.annotations] == ["<b>CP plans</b>", "<b>Referrals</b>"]
    assert json.loads(multiples.to_json())
