"""Build the demo workbooks in data/demo/ from the transcriptions in data/demo/source/.

The transcriptions hold what each council document says: priorities, action refs and
wording, owners, dates, measures, band text and the figures it reports. Where a chart
needs figures a document does not give (monthly values, audit counts behind published
percentages, later action snapshots), this script generates them deterministically and
marks every such row Illustrative = yes, so the app can say so on screen.

Run: python data/demo/build_demo.py   (the workbooks are committed; rerun after editing a source)
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import sys
import zlib
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from scorecard.audits import audit_link, same_stream  # noqa: E402
from scorecard.bands import Interval, parse_band, parse_polarity, resolve_banding  # noqa: E402
from scorecard.periods import parse_period  # noqa: E402

RAGS = ["Blue", "Green", "Amber", "Red"]


def months_back(end: dt.date, n: int) -> list[dt.date]:
    out, y, m = [], end.year, end.month
    for _ in range(n):
        out.append(dt.date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out[::-1]


def rng_for(*parts) -> random.Random:
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()))


def start_and_end(m: dict) -> tuple[float, float]:
    """Where a measure's illustrative series starts and ends, on the scale of its bands: from its Requires
    Improvement band to its Good band, by its polarity; with bands whose polarity cannot be told (a single band,
    as Sefton's SEF20 `25-21`), across the first band text from its first number to its last; with no bands,
    from below its target to just above it, else a typical level for its unit."""
    texts = {"Requires Improvement": m.get("ri"), "Good": m.get("good"), "Outstanding": m.get("outstanding")}
    banding = resolve_banding(m["code"], parse_polarity(m.get("polarity")), texts)
    pol = banding.polarity or "higher"
    ri, good = banding.bands.get("Requires Improvement"), banding.bands.get("Good")
    if ri and good and pol in ("higher", "lower"):
        finite = lambda v, other: other if abs(v) == float("inf") else v  # noqa: E731
        start = finite(ri.lo, ri.hi) if pol == "higher" else finite(ri.hi, ri.lo)
        end = finite(good.hi, good.lo) if pol == "higher" else finite(good.lo, good.hi)
        return start, end
    written = [t for t in texts.values() if isinstance(parse_band(t), Interval)]
    if written:
        numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", str(written[0]))]
        return numbers[0], numbers[-1]
    if m.get("target") is not None and pol == "higher":
        return m["target"] - 12, m["target"] + 2
    if m.get("unit") == "%":
        return (72.0, 88.0) if pol in ("higher", "increase") else (18.0, 11.0)
    return (14.0, 22.0) if pol in ("higher", "increase") else (22.0, 16.0)


def illustrative_series(plan: str, m: dict, periods: list) -> list[float]:
    """A plausible series, one value per period, that starts weaker and improves, on the measure's scale."""
    rng = rng_for(plan, m["code"])
    start, end = start_and_end(m)
    spread = max(abs(end - start) * 0.18, 0.8)
    out = []
    for i, _ in enumerate(periods):
        trend = start + (end - start) * i / max(1, len(periods) - 1)
        v = trend + rng.gauss(0, spread)
        if m.get("unit") == "%":
            v = min(100.0, max(0.0, v))
        else:
            v = max(0.0, v)
        out.append(round(v, 1))
    return out


def grade_split(rng: random.Random, cases: int, good_or_better: int) -> dict[str, int]:
    outstanding = min(good_or_better, round(good_or_better * rng.uniform(0.05, 0.15)))
    below = cases - good_or_better
    inadequate = min(below, round(below * rng.uniform(0.1, 0.25)))
    return {"Outstanding": outstanding, "Good": good_or_better - outstanding,
            "Requires Improvement": below - inadequate, "Inadequate": inadequate}


def illustrative_audits(plan: str, streams: list[str], periods: list[str], measures: list[dict]) -> list[list]:
    """Audit counts per stream and period. A stream a measure reads (its Source is `audit: <stream>`) follows
    that measure's illustrative series, so the measure is rated on the scale of its bands; any other stream
    drifts upwards from a share of its own."""
    reads = [(audit_link(m.get("source")), m) for m in measures if audit_link(m.get("source"))]
    if any(link.figure != "good_or_better" for link, _ in reads):
        raise ValueError("the demo builds audits for measures of the good-or-better % only")
    rows = []
    for s_i, stream in enumerate(streams):
        rng = rng_for(plan, stream)
        measure = next((m for link, m in reads if same_stream(link.stream, stream)), None)
        shares = [v / 100 for v in illustrative_series(plan, measure, periods)] if measure else None
        share = 0.35 + 0.05 * s_i
        for i, p in enumerate(periods):
            cases = rng.randint(8, 16)
            share = shares[i] if shares else min(0.9, max(0.1, share + rng.uniform(-0.04, 0.08)))
            split = grade_split(rng, cases, round(cases * share))
            rows.append([p, stream, *split.values(), "yes"])
    return rows


def snapshot_ratings(plan: str, actions: list[dict], snapshots: list[dt.date]) -> list[dict]:
    """Illustrative monthly movement: most actions progress, some slip, completed ones go Blue."""
    out = []
    state: dict[str, str] = {}
    due_moves: dict[str, int] = {}
    for k, as_at in enumerate(snapshots):
        rng = rng_for(plan, as_at)
        for a in actions:
            prev = state.get(a["ref"])
            if prev is None:
                rag = rng.choices(["Green", "Amber", "Red"], [6, 3, 1])[0]
            elif prev == "Blue":
                rag = "Blue"
            else:
                roll = rng.random()
                if roll < 0.12 * k:
                    rag = "Blue"
                elif roll < 0.12 * k + 0.12:
                    rag = {"Green": "Amber", "Amber": "Red", "Red": "Red"}[prev]
                elif roll < 0.12 * k + 0.3:
                    rag = {"Green": "Green", "Amber": "Green", "Red": "Amber"}[prev]
                else:
                    rag = prev
            state[a["ref"]] = rag
            impact = rag if rag in ("Blue", "Red") else rng.choice(["Green", "Amber", "Amber"])
            due = a.get("due")
            if due and prev in ("Amber", "Red") and rag in ("Amber", "Red") and rng.random() < 0.35:
                due_moves[a["ref"]] = due_moves.get(a["ref"], 0) + 1  # slipping: re-baselined two months on
            if a["ref"] in due_moves and due:
                p = parse_period(due)
                if p is not None:
                    d = p.start
                    m = d.month - 1 + 2 * due_moves[a["ref"]]
                    due = dt.date(d.year + m // 12, m % 12 + 1, 1).strftime("%b %Y")
            commentary = a.get("commentary") if k == 0 else _commentary(rng, rag, as_at, prev)
            out.append({**a, "as_at": as_at, "action_rag": rag, "impact_rag": impact, "due": due,
                        "commentary": commentary, "illustrative": "yes"})
    return out


def _commentary(rng, rag, as_at, prev):
    if prev == rag and rng.random() < 0.5:
        return None  # filled from the previous snapshot below (unchanged commentary)
    words = {"Blue": "Completed; impact evidenced in audit and performance data.",
             "Green": "On track; progress reported to the Improvement Board.",
             "Amber": "Not fully on track; recovery plan agreed with the lead.",
             "Red": "Timescale slipped; escalated to DMT for attention."}
    return f"{as_at:%b %Y}: {words[rag]}"


def build(source: Path, out_dir: Path) -> Path:
    d = json.loads(source.read_text())
    plan, as_at = d["plan"], parse_period(d["as_at"]).start
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    for k, v in (("Authority", d["authority"]), ("Plan", plan), ("As at", as_at.strftime("%b-%y")),
                 ("Source document", d["document"]),
                 ("Note", "Rows marked Illustrative = yes are generated for the demo; every other "
                          "figure and all wording come from the source document.")):
        ws.append([k, v])
        ws.cell(ws.max_row, 1).font = Font(bold=True)

    ms = wb.create_sheet("Measures")
    ms.append(["Code", "Measure", "Priority", "Focus area", "Unit", "Polarity", "Requires Improvement",
               "Good", "Outstanding", "Target", "Source"])
    for m in d["measures"]:
        ms.append([m["code"], m["measure"], m.get("priority"), m.get("focus_area"), m.get("unit"),
                   m.get("polarity"), m.get("ri"), m.get("good"), m.get("outstanding"), m.get("target"),
                   m.get("source")])

    vs = wb.create_sheet("Values")
    vs.append(["Code", "Period", "Value", "Numerator", "Denominator", "Illustrative"])
    real_codes = {v["code"] for v in d["values"]}
    for v in d["values"]:
        vs.append([v["code"], v["period"], v["value"], None, None, "no"])
    months = months_back(as_at, 24)
    for m in d["measures"]:
        if m["code"] in real_codes or str(m.get("source") or "").lower().startswith("audit"):
            continue  # real figures, or values that come from the audits
        for month, value in zip(months, illustrative_series(plan, m, months)):
            row = [m["code"], month.strftime("%b-%y"), value, None, None, "yes"]
            if m.get("unit") == "%":  # a numerator and denominator behind the percentage
                den = rng_for(plan, m["code"], month).randint(40, 160)
                num = round(den * value / 100)
                row[2:5] = [round(100 * num / den, 1), num, den]
            vs.append(row)

    au = wb.create_sheet("Audits")
    pct_grades = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
    au.append(["Period", "Stream", *pct_grades, "Illustrative", *[f"{g} %" for g in pct_grades], "Note"])
    for a in d["audits"]:
        if "counts" in a:  # counts as published, with the percentages the document prints beside them
            c, pub = a["counts"], a.get("published_pct", {})
            au.append([a["period"], a["stream"], *[c.get(g, 0) for g in pct_grades], "no",
                       *[pub.get(g) for g in pct_grades], a.get("note")])
        else:  # published percentage only: counts that reproduce it
            rng = rng_for(plan, a["period"], a["stream"])
            split = grade_split(rng, a["cases"], a["good_or_better"])
            au.append([a["period"], a["stream"], *split.values(), "yes", None, None, None, None,
                       f"{round(100 * a['good_or_better'] / a['cases'])}% good or better; {a.get('note')}"])
    if not d["audits"]:
        quarters = sorted({parse_period(m.strftime('%Y-%m')).start.replace(
            month=((m.month - 1) // 3) * 3 + 1) for m in months})
        labels = [f"Q{((q.month - 4) % 12) // 3 + 1} {q.year - (q.month < 4)}/{(q.year - (q.month < 4) + 1) % 100:02d}"
                  for q in quarters]
        streams = d.get("illustrative_audit_streams") or [
            "Assessments", "Child in Need plans", "Child Protection plans", "Cared for plans", "Pathway plans",
            "Supervision"]
        for row in illustrative_audits(plan, streams, labels, d["measures"]):
            au.append(row + [None] * 4 + ["illustrative: the document reports no audit counts"])

    ac = wb.create_sheet("Actions")
    headers = ["As at", "Ref", "Action", "Priority", "Focus area", "Owner", "Start", "Due", "Action RAG",
               "Impact RAG", "Commentary", "Source", "Children will say", "Illustrative"]
    ac.append(headers)
    published = parse_period(d["published_snapshot"]).start
    rows = [{**a, "as_at": published, "illustrative": "no"} for a in d["actions"]]
    later = [mo for mo in months_back(as_at, 24) if mo > published]
    if later:
        step = max(1, len(later) // 3)
        snaps = later[::-1][::step][:4][::-1]
        moved = snapshot_ratings(plan, d["actions"], snaps)
        last_comment: dict[str, str] = {}
        for r in rows + moved:
            if r.get("commentary"):
                last_comment[r["ref"]] = r["commentary"]
            else:
                r["commentary"] = last_comment.get(r["ref"])
        rows += moved
    for r in rows:
        ac.append([r["as_at"].strftime("%b-%y"), r["ref"], r["action"], r.get("priority"), r.get("focus_area"),
                   r.get("owner"), r.get("start"), r.get("due"), r.get("action_rag"), r.get("impact_rag"),
                   r.get("commentary"), r.get("source"), r.get("children_will_say"), r["illustrative"]])
    if d.get("benchmarks"):  # published England figures for measures matching a national indicator
        bs = wb.create_sheet("Benchmarks")
        bs.append(["Code", "Period", "England", "Region", "Statistical neighbours", "Source"])
        for b in d["benchmarks"]:
            bs.append([b["code"], b["period"], b.get("england"), b.get("region"), b.get("neighbours"), b["source"]])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    out = out_dir / f"{source.stem}.xlsx"
    wb.save(out)
    return out


def main() -> None:
    for src in sorted((HERE / "source").glob("*.json")):
        print("wrote", build(src, HERE).relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
