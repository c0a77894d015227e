"""Numbers that are not numbers (nan, inf, 1e999, too large to add up) and text from files: length
limits and invisible characters. Each refused cell is named in its error, and nothing is loaded."""
import pytest

from scorecard import bands
from scorecard.cli import main
from scorecard.intake import load
from scorecard.intake.cells import LONG_TEXT, SHORT_TEXT
from tests.conftest import MEASURES, make_workbook

NON_FINITE = ["nan", "NaN", "inf", "-inf", "Infinity", "-Infinity", "1e999", "-1e999"]
NOT_A_NUMBER = "is not a {}; type a number (e.g. 65 or 65%), or leave it blank or '-' if there is no figure"


def _values(cell: str, **cols):
    header = ["Code", "Period", "Value", "Numerator", "Denominator"]
    row = ["CIN8", "Apr-24", 70, 7, 10]
    row[header.index(cell)] = cols["text"]
    return {"Measures": MEASURES, "Values": [header, row]}


# kind of cell -> (sheets with the text in that cell, the cell, what the error calls it)
CELLS = {
    "value": (lambda t: _values("Value", text=t), "Values!C2", "number"),
    "numerator": (lambda t: _values("Numerator", text=t), "Values!D2", "numerator"),
    "denominator": (lambda t: _values("Denominator", text=t), "Values!E2", "denominator"),
    "wide value": (lambda t: {"Measures": MEASURES, "Values": [["Code", "Apr-24", "May-24"], ["CIN8", 70, t]]},
                   "Values!C2", "number"),
    "audit count (wide)": (lambda t: {"Audits": [["Period", "Stream", "Good", "Inadequate"], ["Apr-24", "CP", t, 1]]},
                           "Audits!C2", "count of cases"),
    "audit count (long)": (lambda t: {"Audits": [["Period", "Stream", "Grade", "Count"], ["Apr-24", "CP", "Good", t]]},
                           "Audits!D2", "count of cases"),
    "audit % (wide)": (lambda t: {"Audits": [["Period", "Stream", "Good", "Inadequate", "Good %"],
                                             ["Apr-24", "CP", 3, 1, t]]}, "Audits!E2", "percentage"),
    "audit % (long)": (lambda t: {"Audits": [["Period", "Stream", "Grade", "Count", "%"],
                                             ["Apr-24", "CP", "Good", 3, t]]}, "Audits!E2", "percentage"),
    "benchmark": (lambda t: {"Measures": MEASURES, "Benchmarks": [["Code", "Period", "England", "Region"],
                                                                   ["CIN8", "2023/24", 80, t]]},
                  "Benchmarks!D2", "number for Region"),
}


def errors(store, tmp_path, sheets, name="w.xlsx", **kw) -> list[str]:
    path = make_workbook(tmp_path / name, sheets)
    return [str(e) for e in load.check_bytes(store, path.read_bytes(), path.name, plan="P", **kw).parsed.errors]


@pytest.mark.slow
@pytest.mark.parametrize("kind", CELLS)
def test_every_non_finite_spelling_is_refused_in_every_kind_of_number_cell(kind, store, tmp_path):
    build, cell, what = CELLS[kind]
    for text in NON_FINITE:
        assert errors(store, tmp_path, build(text)) == [f"{cell}: {text!r} " + NOT_A_NUMBER.format(what)], text


@pytest.mark.slow
def test_non_finite_targets_and_bands_are_refused(store, tmp_path):
    for text in NON_FINITE:
        measures = [MEASURES[0], [*MEASURES[1][:9], text, MEASURES[1][10]]]
        assert errors(store, tmp_path, {"Measures": measures}) == [
            f"Measures!J2: {text!r} " + NOT_A_NUMBER.format("target")], text
        measures = [MEASURES[0], [*MEASURES[1][:8], text, *MEASURES[1][9:]]]
        assert errors(store, tmp_path, {"Measures": measures}) == [
            f"Measures!I2: measure CIN8: cannot read the band {text!r}: write it like 70-79%, 85+, 80% and above, "
            ">24, below 85%, no more than 8, or Increase"], text
    # Hundreds of digits are an infinity to float(); the 200-character limit stops them in a file first.
    for text in ("9" * 400 + "+", "1-" + "9" * 400, ">" + "9" * 400):
        with pytest.raises(ValueError, match="cannot read the band"):
            bands.parse_band(text)
    for value in (float("inf"), float("nan"), "1e999"):
        with pytest.raises(ValueError, match="is not a number"):
            bands.parse_number(value)


def test_numbers_too_large_to_add_up_are_refused(store, tmp_path):
    """1e300 is finite, but its SPC limits are not; a count over the store's range would stop the commit."""
    caseload = {"Measures": [MEASURES[0], MEASURES[3]],
                "Values": [["Code", "Apr-24", "May-24", "Jun-24"], ["WF6", 1e300, "-1e300", 1e12]]}
    assert errors(store, tmp_path, caseload) == [
        "Values!B2: '1e+300' is too large; a number must lie within 1,000,000,000,000 either side of 0",
        "Values!C2: '-1e300' is too large; a number must lie within 1,000,000,000,000 either side of 0"]
    assert errors(store, tmp_path, CELLS["audit count (wide)"][0](3e9)) == [
        "Audits!C2: the count 3,000,000,000 is more than the 1,000,000 cases a count can hold; check it"]
    many = [["Period", "Stream", "Grade", "Count"]] + [["Apr-24", "CP", "Good", 600_000]] * 2
    assert errors(store, tmp_path, {"Audits": many}) == [
        "Audits: CP Apr-24: the Good counts add up to 1,200,000 cases, more than the 1,000,000 a period can hold; "
        "check the counts"]


def test_a_non_finite_cell_changes_nothing_through_the_cli(demo_copy, tmp_path, capsys):
    path = make_workbook(tmp_path / "inf.xlsx", {"Values": [["Code", "Period", "Value"], ["CIN8", "Feb-24", "inf"]]})
    assert main(["import", str(path), "--plan", "Tameside 2023-25", "--db", str(demo_copy)]) == 1
    out, err = capsys.readouterr()
    assert out == "Values!C2: 'inf' " + NOT_A_NUMBER.format("number") + "\n"
    assert err == "1 error: nothing was imported\n"


SHORT = "names, codes and other short fields"
LONG = "long text such as an action or commentary"


def too_long(cell: str, n: int, limit: int, kind: str) -> str:
    return f"{cell}: the text is {n:,} characters long, over the {limit:,}-character limit for {kind}; shorten it"


def test_short_fields_are_capped_at_200_characters_and_long_text_at_5000(store, tmp_path):
    ok_short, ok_long = "x" * SHORT_TEXT, "y " * (LONG_TEXT // 2 - 1) + "yz"
    assert len(ok_long) == LONG_TEXT
    at_limits = {
        "Plan": [["Authority", ok_short], ["Plan", ok_short], ["As at", "Apr-24"]],
        "Measures": [MEASURES[0], [ok_short, ok_long, ok_short, ok_short, "%", "", "60-69%", "70-79%", "80-100%",
                                   90, ok_short]],
        "Values": [["Code", "Period", "Value"], [ok_short, "Apr-24", 70]],
        "Audits": [["Period", "Stream", "Grade", "Case ref"], ["Apr-24", ok_short, "Good", ok_short]],
        "Actions": [["Ref", "Action", "Priority", "Focus area", "Owner", "Due", "Commentary", "Source",
                     "Children will say"],
                    [ok_short, ok_long, ok_short, ok_short, ok_long, ok_short, ok_long, ok_short, ok_long]],
    }
    path = make_workbook(tmp_path / "limits.xlsx", at_limits)
    parsed = load.check_bytes(store, path.read_bytes(), path.name).parsed
    assert parsed.errors == [] and parsed.plan == ok_short and parsed.actions[0]["commentary"] == ok_long
    # Spaces are tidied before counting: a long run of them is one.
    spaced = {"Actions": [["Ref", "Action", "As at"], ["1.1", "word" + " " * 6000 + "word", "Apr-24"]]}
    assert errors(store, tmp_path, spaced) == []

    over_short, over_long = ok_short + "x", ok_long + "z"
    over = {
        "Plan": [["Authority", over_short], ["Plan", over_short], ["As at", "Apr-24"]],
        "Measures": [MEASURES[0], [over_short, over_long, over_short, over_short, "%", "", "60-69%", "70-79%",
                                   "80-100%", 90, over_short]],
        "Audits": [["Period", "Stream", "Grade", "Case ref"], ["Apr-24", over_short, "Good", over_short]],
        "Actions": [["Ref", "Action", "Priority", "Focus area", "Owner", "Due", "Commentary", "Source",
                     "Children will say"],
                    [over_short, over_long, over_short, over_short, over_long, over_short, over_long, over_short,
                     over_long]],
    }
    path = make_workbook(tmp_path / "over.xlsx", over)
    got = [str(e) for e in load.check_bytes(store, path.read_bytes(), path.name).parsed.errors]
    s, g = (201, SHORT_TEXT, SHORT), (5001, LONG_TEXT, LONG)
    # The same problem on one sheet is one line naming its cells (lines in any order).
    assert sorted(got) == sorted(too_long(c, *k) + (f" ({c.count(',') + 1} times)" if "," in c else "") for c, k in [
        ("Plan!B1, B2", s), ("Measures!A2, C2, D2, K2", s), ("Measures!B2", g), ("Audits!B2, D2", s),
        ("Actions!A2, C2, D2, F2, H2", s), ("Actions!B2, E2, G2, I2", g)])


def test_zero_width_and_bidi_controls_are_stripped_so_a_code_matches(store, tmp_path):
    zw = "\u200b\u200c\u200d\ufeff\u2060"
    bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    first = make_workbook(tmp_path / "first.xlsx", {
        "Plan": [["Authority", "\u202eTestshire\u202c"], ["Plan", "Test" + zw + "shire 2024-25"]],
        "Measures": [MEASURES[0], [f"CIN8{bidi}", "Assessments", "", "", "%", "", "60-69%", "70-79%", "80-100%",
                                   90, ""]],
        "Actions": [["Ref", "Action", "Owner", "As at"], ["1.1" + zw, "Review", "\u2066AD CSC\u2069", "Apr-24"]],
    })
    checked, upload_id = load.import_path(store, first)
    assert upload_id is not None, [str(e) for e in checked.parsed.errors]
    p = checked.parsed
    assert (p.plan, p.authority, p.measures[0]["code"]) == ("Testshire 2024-25", "Testshire", "CIN8")
    assert (p.actions[0]["ref"], p.actions[0]["owner"]) == ("1.1", "AD CSC")
    # A later Values-only file whose code carries a zero-width space refers to the stored CIN8.
    monthly = make_workbook(tmp_path / "monthly.xlsx", {"Values": [["Code", "Period", "Value"],
                                                                  ["CIN8\u200b", "Apr-24", 71]]})
    checked, upload_id = load.import_path(store, monthly, plan="Testshire 2024-25")
    assert upload_id is not None, [str(e) for e in checked.parsed.errors]
    assert checked.parsed.value_rows()[0]["code"] == "CIN8"
    assert store.query("SELECT DISTINCT code FROM measure_values")["code"].tolist() == ["CIN8"]
