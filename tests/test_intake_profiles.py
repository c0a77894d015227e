"""Import profiles: a layout mapped once loads every month after, through the command line too; a file
that no longer fits its profile is refused with what changed, nothing loaded."""
from __future__ import annotations

import json

import pytest

from scorecard.cli import main
from scorecard.intake import load, profiles
from scorecard.intake.read import read_bytes
from scorecard.store import Store
from tests.test_intake_councils import texts, xlsx

PLAN = "Oddshire 2024-25"
# A layout no recogniser knows: the officer maps it once.
HEAD = ["Ref no", "Title", "Better when", "Apr-24", "May-24", "Remarks"]


def odd(months=("Apr-24", "May-24"), head=None) -> bytes:
    head = head or ["Ref no", "Title", "Better when", *months, "Remarks"]
    return xlsx({"Plan": [["Plan", PLAN]], "Figures": [
        ["Oddshire monthly figures"], head,
        ["OD1", "Visits in time", "Up", *[70 + k for k in range(len(months))], "ok"],
        ["OD2", "Caseload", "Down", *[18 - k for k in range(len(months))], ""]]})


PROFILE = {"scorecard_import_profile": 1, "plan": PLAN, "sheets": [
    {"sheet": "Figures", "header_row": 2, "role": "Measures", "headers": ["Ref no", "Title", "Better when", "Remarks"],
     "columns": {"Ref no": "code", "Title": "measure", "Better when": "polarity", "Remarks": None}, "options": {}}],
    "status_words": {}}


def test_without_a_profile_the_layout_is_not_read_and_that_is_said(store):
    c = load.check_bytes(store, odd(), "odd.xlsx")
    assert texts(c.parsed.errors) == ["Workbook: no sheet we can read (found 'Plan', 'Figures'): name the sheets "
                                      "Plan, Measures, Values, Audits and Actions (download the template), or map "
                                      "them in the Upload centre"]


def test_a_hand_written_profile_reads_the_layout_and_next_month_loads_with_no_questions(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    (tmp_path / "profile.json").write_text(json.dumps(PROFILE))
    assert main(["profile", "import", PLAN, str(tmp_path / "profile.json"), "--db", db]) == 0
    (tmp_path / "may.xlsx").write_bytes(odd())
    assert main(["import", str(tmp_path / "may.xlsx"), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "note: Workbook: read with the saved import profile from" in out and "Figures: 2 measures, 4 values" in out
    (tmp_path / "june.xlsx").write_bytes(odd(("Apr-24", "May-24", "Jun-24")))  # a new month's column
    assert main(["import", str(tmp_path / "june.xlsx"), "--db", db]) == 0
    assert "Figures: 2 measures, 6 values" in capsys.readouterr().out
    store = Store(db)
    try:
        got = store.cursor().execute("SELECT code, polarity FROM current_measures ORDER BY code").fetchall()
        assert got == [("OD1", "higher"), ("OD2", "lower")]
        assert store.cursor().execute("SELECT count(*) FROM current_values").fetchone()[0] == 6
        events = [r[0] for r in store.cursor().execute("SELECT event FROM audit_log ORDER BY id").fetchall()]
        assert events == ["profile", "commit", "commit"]
    finally:
        store.close()


def test_changed_headers_are_refused_with_what_changed_and_nothing_is_loaded(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    (tmp_path / "profile.json").write_text(json.dumps(PROFILE))
    main(["profile", "import", PLAN, str(tmp_path / "profile.json"), "--db", db])
    (tmp_path / "changed.xlsx").write_bytes(odd(head=["Ref no", "Indicator title", "Better when", "Apr-24",
                                                      "May-24", "Remarks"]))
    assert main(["import", str(tmp_path / "changed.xlsx"), "--db", db]) == 1
    out = capsys.readouterr().out
    assert ("Figures!2:2: the headers have changed since the saved profile from " in out and
            "new 'Indicator title' (B); gone 'Title'; map it again in the Upload centre, or import with "
            "--no-profile" in out)
    store = Store(db)
    try:
        assert store.cursor().execute("SELECT count(*) FROM uploads").fetchone()[0] == 0
    finally:
        store.close()


def test_a_profile_naming_a_sheet_the_file_lacks_is_an_error(store):
    store.save_profile(PLAN, profiles.dumps(PROFILE))
    c = load.check_bytes(store, xlsx({"Plan": [["Plan", PLAN]], "Other": [["a", "b"]]}), "x.xlsx")
    assert any("reads a sheet 'Figures' with the headers Ref no, Title, Better when, Remarks, and this file has no "
               "such sheet" in e for e in texts(c.parsed.errors))


def test_profile_made_from_a_reading_reads_the_same_way(store):
    data = odd()
    sheets = read_bytes(data, "odd.xlsx")
    store.save_profile(PLAN, profiles.dumps(PROFILE))
    first = load.check_bytes(store, data, "odd.xlsx").parsed
    again = profiles.make_profile(PLAN, sheets, first.maps, first.status_words)
    assert again["sheets"] == PROFILE["sheets"]


@pytest.mark.parametrize("bad,message", [
    ("{", "the profile is not valid JSON"),
    ('{"sheets": []}', '"scorecard_import_profile": 1'),
    (json.dumps({**PROFILE, "sheets": [{**PROFILE["sheets"][0], "role": "Gossip"}]}), "unknown role 'Gossip'"),
    (json.dumps({**PROFILE, "sheets": [{**PROFILE["sheets"][0], "columns": {"Title": "colour"}}]}),
     "the column 'Title' names 'colour', not a field of Measures"),
    (json.dumps({**PROFILE, "status_words": {"Fine": "Purple"}}), '"status_words" maps words to one of'),
])
def test_a_bad_profile_file_is_refused_with_what_is_wrong(tmp_path, capsys, bad, message):
    (tmp_path / "p.json").write_text(bad)
    assert main(["profile", "import", PLAN, str(tmp_path / "p.json"), "--db", str(tmp_path / "s.duckdb")]) == 1
    assert message in capsys.readouterr().err


def test_profile_show_and_export(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    assert main(["profile", "show", PLAN, "--db", db]) == 1
    assert "has no saved import profile" in capsys.readouterr().err
    (tmp_path / "p.json").write_text(json.dumps(PROFILE))
    main(["profile", "import", PLAN, str(tmp_path / "p.json"), "--db", db])
    capsys.readouterr()
    assert main(["profile", "show", PLAN, "--db", db]) == 0
    assert json.loads(capsys.readouterr().out) == PROFILE
    assert main(["profile", "export", PLAN, str(tmp_path / "out.json"), "--db", db]) == 0
    assert json.loads((tmp_path / "out.json").read_text()) == PROFILE


def test_the_officers_mapping_reads_an_unknown_layout_and_saves_as_a_profile(store):
    from scorecard.intake.recognise import recognise, remap
    sheets = read_bytes(odd(), "odd.xlsx")
    maps = recognise(sheets)
    figures = sheets[1]
    assert maps[1].role == "not used"
    maps[1] = remap(figures, maps[1], role="Measures")  # no header row with Code and Measure: the officer says
    maps[1] = remap(figures, maps[1], header_row=1, columns={0: "code", 1: "measure", 2: "polarity", 5: None})
    parsed = load.check_sheets(store, sheets, maps=maps)
    assert not parsed.errors, texts(parsed.errors)
    assert {m["code"]: m["polarity"] for m in parsed.measures} == {"OD1": "higher", "OD2": "lower"}
    assert len(parsed.values) == 4 and "Figures!2:2: ignored columns, not read: Remarks (F)" in texts(parsed.notes)
    profile = profiles.make_profile(PLAN, sheets, parsed.maps, parsed.status_words)
    assert profile["sheets"] == PROFILE["sheets"]
