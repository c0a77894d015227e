"""One way to write a number (scorecard/numbers.py), and the downloads that carry numbers: measure values to one
decimal place, audit percentages whole with their n, counts as integers, plurals, changes from the figures as
shown; For publication on the KPI and audit downloads."""
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from scorecard import board, disclosure, numbers
from scorecard.exports import to_csv_bytes, to_xlsx_bytes
from scorecard.kpis import export_frame, kpi_table
from scorecard.store import Store
from scorecard.summary import PlanData


def test_one_rounding_rule_and_units():
    assert numbers.value(81.81818, "%") == "81.8%" and numbers.value(45.4545) == "45.5"
    assert numbers.value(4.35, "%") == "4.4%" and numbers.value(18) == "18.0"  # half away from zero, as written
    assert numbers.pct(2.5) == "3%" and numbers.pct(45.4545) == "45%" and numbers.pct_n(60.6, 33) == "61% (n=33)"
    assert numbers.count(17.0) == "17" and numbers.count(1234) == "1,234" and numbers.count(None) == ""
    assert numbers.interval(43.7, 75.3) == "44%–75%" and numbers.value("c") == "c"
    assert numbers.threshold(90.0, "%") == "90%" and numbers.threshold(17.5) == "17.5"


def test_plurals_and_changes_from_the_figures_as_shown():
    assert numbers.plural(1, "Red action") == "1 Red action" and numbers.plural(23, "action") + " overdue" == \
        "23 actions overdue"
    assert board.kind_count(board.OVERDUE, 1) == "1 action overdue"
    assert board.kind_count(board.OVERDUE, 23) == "23 actions overdue"
    assert board.kind_count("fell", 2) == "2 audit streams fell"
    strip = {label: n for n, label in board.Exceptions(actions=[{"reasons": ["Red"]}]).strip()}
    assert strip["red action"] == 1 and strip["overdue actions"] == 0 and strip["audit streams fell"] == 0
    # 33.6% and 34.6% are shown as 34% and 35%: one point, whatever the unrounded difference
    assert numbers.change(33.6, 34.6) == "+1 point" and numbers.change(44.6, 45.4) == "no change"
    assert numbers.change(34.4, 45.6) == "+12 points" and numbers.change(45.5, 44.4) == "-2 points"
    assert numbers.change(3.15, 3.26, "number", 1) == "+0.1"


def audit_rows(*pcts):
    return pd.DataFrame([{"period_label": f"Q{i + 1}", "good_or_better_pct": p, "good_or_better": round(p),
                          "cases": 100, "ci_low": p - 9, "ci_high": p + 9} for i, p in enumerate(pcts)])


def test_the_overview_and_meeting_mode_say_the_audit_change_the_same_way():
    latest = board.audit_latest(audit_rows(33.6, 34.6))
    assert (latest.label, latest.value, latest.delta, latest.changed) == (
        "Good or better, Q2", "35%", "+1 point since Q1", True)
    assert latest.detail == "35 of 100 cases · 95% interval 26%–44%"
    assert board.audit_latest(audit_rows(44.6, 45.4)).delta == "no change since Q1"
    assert board.audit_latest(audit_rows(50.0)).delta is None


def test_an_actions_wording_on_a_slide():
    assert board.short_action("Review thresholds. Then train staff.") == "Review thresholds"
    long = "Implement a Quality Assurance framework that delivers high quality program of reliable audit " * 2
    assert len(board.short_action(long)) <= 90 and board.short_action(long).endswith("…")


@pytest.fixture(scope="module")
def sefton(demo_db):
    s = Store(demo_db, read_only=True)
    try:
        yield kpi_table(PlanData(s, "Sefton 2017-18")), PlanData(s, "Sefton 2017-18").audits
    finally:
        s.close()


@pytest.mark.slow
def test_the_kpi_download_writes_whole_counts_one_decimal_place_and_c_for_publication(sefton):
    kpi, _ = sefton
    plain = to_csv_bytes(export_frame(kpi)).decode("utf-8-sig")
    assert ",Mar-18,19.1,25,131," in plain  # SEF12: not 25.0 and 131.0
    assert ",Q4 2017/18,83.3,10,12," in plain  # SEF10: 10 of 12 is 83.333...
    assert ",Mar-18,4.3,4,92," in plain  # SEF27
    public = export_frame(kpi, publication=True)
    sef27 = public[public["Code"] == "SEF27"].iloc[0]
    assert (sef27["Value"], sef27["Numerator"], sef27["Denominator"]) == ("c", "c", 92)
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(public, "Measures"))).active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "SEF12")
    assert row[header.index("Numerator")] == 25 and isinstance(row[header.index("Numerator")], int)


@pytest.mark.slow
def test_the_audit_download_is_whole_numbers_and_protected_for_publication(sefton):
    _, audits = sefton
    plain = disclosure.audit_table(audits, False, text=False)
    public = disclosure.audit_table(audits, True, text=False)
    assert plain["Cases"].map(type).eq(int).all() and plain["Good or better %"].map(type).eq(int).all()
    assert "c" not in plain.to_numpy() and (public.to_numpy() == "c").sum() > 0
    shown = public[["Cases", "Outstanding", "Good", "Requires Improvement", "Inadequate"]].to_numpy().ravel()
    assert not [n for n in shown if n != "c" and 1 <= n <= 5]  # no count of 1 to 5 left
    csv = to_csv_bytes(public).decode("utf-8-sig")
    assert ".0," not in csv
