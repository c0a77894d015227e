"""Synthetic council workbooks of a given size, for benchmarks (deterministic)."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook

GRADES = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
RAGS = ["Blue", "Green", "Amber", "Red", None]


def council_workbook(path: Path, measures: int = 300, months: int = 36, actions: int = 150,
                     audit_rows: int = 1000, seed: int = 1) -> Path:
    rng = random.Random(seed)
    start = dt.date(2021, 4, 1)
    periods = [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
              for i in range(months)]
    wb = Workbook()
    plan = wb.active
    plan.title = "Plan"
    for row in (["Authority", "Benchshire Council"], ["Plan", "Benchshire 2021-24"],
                ["As at", periods[-1].strftime("%b-%y")]):
        plan.append(row)
    ms = wb.create_sheet("Measures")
    ms.append(["Code", "Measure", "Priority", "Focus area", "Unit", "Polarity", "Requires Improvement", "Good",
               "Outstanding", "Target", "Source"])
    for i in range(measures):
        lower = i % 4 == 0
        ms.append([f"M{i:03d}", f"Measure {i}", f"{i % 4 + 1}. Priority", f"FA{i % 13 + 1}", "%", None,
                   "25-20" if lower else "60-69%", "19-15" if lower else "70-79%", "<14" if lower else "80-100%",
                   None if lower else 90, "Scorecard"])
    vs = wb.create_sheet("Values")
    vs.append(["Code", *[p.strftime("%b-%y") for p in periods]])
    for i in range(measures):
        vs.append([f"M{i:03d}", *[round(rng.uniform(5, 95), 1) for _ in periods]])
    au = wb.create_sheet("Audits")
    au.append(["Period", "Stream", "Grade", "Count"])
    streams = [f"Stream {k}" for k in range(10)]
    for k in range(audit_rows):
        au.append([periods[k % months].strftime("%b-%y"), streams[k % 10], rng.choice(GRADES), rng.randint(0, 12)])
    ac = wb.create_sheet("Actions")
    ac.append(["Ref", "Action", "Priority", "Owner", "Start", "Due", "Action RAG", "Impact RAG", "Commentary"])
    for k in range(actions):
        due = rng.choice(["Sept 2023", "Oct/Nov 2023", "March 24", "Quarterly", "Ongoing", "TBC", "Mar-24"])
        ac.append([f"{k // 10 + 1}.{k % 10 + 1}", f"Action {k}", f"{k % 4 + 1}. Priority", f"Owner {k % 9}",
                   "Sep 23", due, rng.choice(RAGS), rng.choice(RAGS), "Progress update " * 5])
    wb.save(path)
    return path


def big_workbook(path: Path, measures: int = 800, months: int = 120, actions: int = 350, snapshots: int = 36,
                 audit_cases: int = 44000, seed: int = 1) -> Path:
    """A ~5 MB monthly workbook as a large council exports it: wide values, every action snapshot with
    its commentary, and one audit row per case with its case reference."""
    rng = random.Random(seed)
    start = dt.date(2014, 4, 1)
    periods = [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
              for i in range(months)]
    wb = Workbook()
    wb.active.title = "Plan"
    for row in (["Authority", "Bigshire Council"], ["Plan", "Bigshire 2014-24"],
                ["As at", periods[-1].strftime("%b-%y")]):
        wb.active.append(row)
    ms = wb.create_sheet("Measures")
    ms.append(["Code", "Measure", "Priority", "Unit", "Requires Improvement", "Good", "Outstanding", "Target"])
    for i in range(measures):
        ms.append([f"M{i:04d}", f"Measure {i}: percentage of children seen within timescale", f"{i % 6 + 1}. Priority",
                   "%", "60-69%", "70-79%", "80-100%", 80])
    vs = wb.create_sheet("Values")
    vs.append(["Code", *[p.strftime("%b-%y") for p in periods]])
    for i in range(measures):
        vs.append([f"M{i:04d}", *[round(rng.uniform(5, 95), 2) for _ in periods]])
    ac = wb.create_sheet("Actions")
    ac.append(["As at", "Ref", "Action", "Priority", "Owner", "Due", "Action RAG", "Impact RAG", "Commentary"])
    words = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 10))) for _ in range(3000)]
    for s in range(snapshots):
        as_at = periods[-snapshots + s].strftime("%b-%y")
        for k in range(actions):
            ac.append([as_at, f"{k // 10 + 1}.{k % 10 + 1}", f"Action {k}: " + " ".join(rng.choices(words, k=25)),
                       f"{k % 6 + 1}. Priority", f"Owner {k % 12}", "Mar 2024", rng.choice(RAGS), rng.choice(RAGS),
                       " ".join(rng.choices(words, k=40))])
    au = wb.create_sheet("Audits")
    au.append(["Period", "Stream", "Grade", "Case ref"])
    for k in range(audit_cases):
        au.append([periods[k % months].strftime("%b-%y"), f"Stream {k % 10}", rng.choice(GRADES), f"LL-{100000 + k}"])
    wb.save(path)
    return path


def service_scorecard(path: Path, services: int = 8, measures: int = 250, months: int = 96, seed: int = 1) -> Path:
    """A ~5 MB one-sheet-per-service scorecard as councils keep it (Intake II, layout 1): each service's sheet
    has a title, indicators with code, name, polarity, target and tolerance, section rows, a column per month,
    then YTD, England, SN, RAG and comments."""
    rng = random.Random(seed)
    start = dt.date(2014, 4, 1)
    periods = [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
              for i in range(months)]
    wb = Workbook()
    wb.active.title = "Plan"
    for row in (["Authority", "Servshire Council"], ["Plan", "Servshire scorecard"],
                ["As at", periods[-1].strftime("%b-%y")]):
        wb.active.append(row)
    words = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 10))) for _ in range(2000)]
    for s_ in range(services):
        ws = wb.create_sheet(["Early Help", "Children in Need", "Child Protection", "Children in Care", "Care Leavers",
                              "Workforce", "Front Door", "Fostering"][s_ % 8])
        ws.append([f"Monthly performance scorecard: service {s_ + 1}"])
        ws.append([])
        ws.append(["KPI ID", "KPI name", "What does it show?", "Good is", "Target", "RAG tolerance",
                   *[p.strftime("%b-%y") for p in periods], "YTD", "England", "SN", "RAG", "Comments"])
        for i in range(measures):
            if i % 20 == 0:
                ws.append([f"Section {i // 20 + 1}: " + " ".join(rng.choices(words, k=3))])
            ws.append([f"S{s_}K{i:03d}", f"Indicator {i}: " + " ".join(rng.choices(words, k=8)),
                       " ".join(rng.choices(words, k=100)), rng.choice(["High", "Low"]), 80, "5%",
                       *[round(rng.uniform(5, 95), 1) for _ in periods], 50.5, 60.1, 58.2, rng.choice(["R", "A", "G"]),
                       " ".join(rng.choices(words, k=450))])
    wb.save(path)
    return path


def synthetic_store(path: Path, councils: int, measures: int = 300, months: int = 120, actions: int = 150,
                    snapshots: int = 36, streams: int = 10, quarters: int = 40, cases: int = 50) -> Path:
    """A store as a regional alliance would have it: per council, measures x months of values, actions x
    monthly snapshots, audit streams x quarters x cases. Loaded through the store's own commit (one upload
    per council), skipping the workbook files, which would only time openpyxl."""
    from scorecard.intake.parse import ParsedWorkbook
    from scorecard.store import Store

    store = Store(path)
    start = dt.date(2014, 4, 1)
    periods = [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
              for i in range(months)]
    for c in range(councils):
        rng = random.Random(c)
        p = ParsedWorkbook(plan=f"Council {c:03d}", authority=f"Council {c:03d}", as_at=periods[-1])
        p.measures = [{"code": f"M{i:03d}", "measure": f"Measure {i}", "priority": f"{i % 4 + 1}. Priority",
                       "focus_area": f"FA{i % 13 + 1}", "unit": "%", "polarity": None, "ri_band": "60-69%",
                       "good_band": "70-79%", "outstanding_band": "80-100%", "target": 80.0, "source": "Scorecard"}
                      for i in range(measures)]
        p.values = [(f"M{i:03d}", d, "month", round(rng.uniform(5, 95), 1), None, None, False)
                    for i in range(measures) for d in periods]
        p.audits = [{"period": dt.date(2014 + (3 + 3 * q) // 12, (3 + 3 * q) % 12 + 1, 1), "period_kind": "quarter",
                     "stream": f"Stream {s}", "grade": g, "cases": n, "illustrative": False}
                    for q in range(quarters) for s in range(streams)
                    for g, n in zip(GRADES, _split(rng, cases))]
        rag = {k: rng.choice(RAGS[:4]) for k in range(actions)}
        p.actions = []
        for d in periods[-snapshots:]:
            for k in range(actions):
                if rag[k] != "Blue" and rng.random() < 0.2:
                    rag[k] = rng.choice(RAGS[:4])
                p.actions.append({"as_at": d, "ref": f"{k // 10 + 1}.{k % 10 + 1}", "action": f"Action {k}",
                                  "priority": f"{k % 4 + 1}. Priority", "focus_area": f"FA{k % 13 + 1}",
                                  "owner": f"Owner {k % 9}", "start_text": "Apr 21", "start_date": None,
                                  "due_text": "Mar 2027", "due_kind": "date", "due_date": dt.date(2027, 3, 31),
                                  "action_rag": rag[k], "impact_rag": rng.choice(RAGS[:4]),
                                  "commentary": f"Update {rng.randint(1, 9)}", "source": "ILAC",
                                  "children_will_say": None, "illustrative": False})
        store.commit(p, f"council-{c:03d}.xlsx", f"synthetic-{c}", "bench")
    store.close()
    return path


def _split(rng: random.Random, cases: int) -> list[int]:
    cuts = sorted(rng.randint(0, cases) for _ in range(3))
    return [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], cases - cuts[2]]
