"""The demo plans: the committed workbooks are what data/demo/build_demo.py makes of the sources, figures it
generates sit on the scale of each measure's bands, and Sefton's audit measures take their values from
illustrative audits of their own streams, so they are rated."""
import importlib.util
import json
import math

import pytest
from openpyxl import load_workbook

from scorecard.audits import audit_link
from scorecard.bands import Interval, parse_band
from scorecard.store import Store
from scorecard.summary import PlanData
from tests.conftest import ROOT

DEMO = ROOT / "data" / "demo"
SOURCES = sorted((DEMO / "source").glob("*.json"))
SEFTON_AUDIT_MEASURES = ["SEF06", "SEF10", "SEF17", "SEF22", "SEF23", "SEF24", "SEF26", "SEF35", "SEF36", "SEF40",
                         "SEF43"]


def build_demo():
    spec = importlib.util.spec_from_file_location("build_demo", DEMO / "build_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scale(m: dict) -> tuple[float, float] | None:
    """The span of a measure's band texts (their finite ends), whatever its polarity; None with no bands."""
    ends = [end for text in (m.get("ri"), m.get("good"), m.get("outstanding"))
            if isinstance(band := parse_band(text), Interval) for end in (band.lo, band.hi) if math.isfinite(end)]
    return (min(ends), max(ends)) if ends else None


def sheet(path, name) -> list[list]:
    return [list(r) for r in load_workbook(path, read_only=True)[name].iter_rows(values_only=True)]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_committed_workbooks_are_what_the_build_script_makes(source, tmp_path):
    built = build_demo().build(source, tmp_path)
    committed = DEMO / built.name
    for name in load_workbook(built, read_only=True).sheetnames:
        assert sheet(built, name) == sheet(committed, name), f"{built.name} {name}: rerun data/demo/build_demo.py"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_generated_figures_sit_on_the_scale_of_the_measures_bands(source, demo_db):
    """Every generated value of a measure with bands lies within its bands' span, give or take half of it (so
    a value can fall below Requires Improvement, as real ones do, but never sits on another scale: Sefton's
    SEF20, banded 25-21, was given values around 80). Measures read from audits the generator made count too;
    audit counts that reproduce a published percentage do not (the percentage is the document's)."""
    d = json.loads(source.read_text())
    store = Store(demo_db, read_only=True)
    try:
        illustrative = store.cursor().execute(
            "SELECT code, value FROM current_values WHERE plan = ? AND illustrative AND value IS NOT NULL",
            [d["plan"]]).fetchall()
        data = PlanData(store, d["plan"])  # measures read from audits take their values from them
        illustrative += [(code, v["value"]) for code, values in data.linked_values.items() for v in values
                         if v["illustrative"] and v["value"] is not None]
    finally:
        store.close()
    checked = []
    for m in d["measures"]:
        if scale(m) is None or (audit_link(m.get("source")) and d["audits"]):
            continue
        lo, hi = scale(m)
        slack = max((hi - lo) / 2, 1)
        rows = [v for code, v in illustrative if code == m["code"]]
        off = [v for v in rows if not lo - slack <= v <= hi + slack]
        assert not off, f"{m['code']} (bands {lo:g} to {hi:g}): {off}"
        checked += [m["code"]] * bool(len(rows))
    assert checked or d["plan"] in ("Cheshire East 2023-24", "Tameside 2023-25",  # no bands: targets only
                                    "Cheshire East progress against Ofsted recommendations 2017")  # published
    if d["plan"] == "Sefton 2017-18":
        assert {"SEF20", *SEFTON_AUDIT_MEASURES} <= set(checked)


def test_sefton_audit_measures_are_rated_from_the_audits_of_their_streams(demo_db):
    store = Store(demo_db, read_only=True)
    try:
        data = PlanData(store, "Sefton 2017-18")
    finally:
        store.close()
    measures = {m["code"]: m for m in data.measure_rows}
    for code in SEFTON_AUDIT_MEASURES:
        m = measures[code]
        stream = audit_link(m["source"]).stream
        audits = [a for a in data.audit_rows if a["stream"] == stream]
        assert len(audits) == 8 and all(a["illustrative"] for a in audits), code  # eight quarters, illustrative
        assert m["band"] is not None and m["latest_label"] == "Q4 2017/18", code
        latest = max(audits, key=lambda a: a["period"])
        assert (m["value"], m["denominator"]) == (latest["good_or_better_pct"], latest["cases"]), code
    assert not [w for w in data.warnings if "audit" in w]  # every stream named is there
