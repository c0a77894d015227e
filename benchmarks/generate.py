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
    periods = [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1) for i in range(months)]
    wb = Workbook()
    plan = wb.active
    plan.title = "Plan"
    for row in (["Authority", "Benchshire Council"], ["Plan", "Benchshire 2021-24"], ["As at", periods[-1].strftime("%b-%y")]):
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


def quarter_label(start_year: int, q: int) -> str:
    """The q-th financial quarter from April of start_year, as councils write it: Q1 2021/22."""
    year = start_year + q // 4
    return f"Q{q % 4 + 1} {year}/{(year + 1) % 100:02d}"


def audit_workbook(path: Path, plan: str, streams: int = 10, quarters: int = 40, cases: int = 50,
                   seed: int = 1) -> Path:
    """A council's audit history: per stream and financial quarter, `cases` cases split across the
    grades (wide counts), and one audit-sourced measure per stream plus one for all streams."""
    rng = random.Random(seed)
    wb = Workbook()
    wb.active.title = "Plan"
    wb.active.append(["Plan", plan])
    ms = wb.create_sheet("Measures")
    ms.append(["Code", "Measure", "Unit", "Requires Improvement", "Good", "Outstanding", "Target", "Source"])
    names = [f"Stream {k}" for k in range(streams)]
    for code, stream in [("AUD", "All streams")] + [(f"AUD{k}", s) for k, s in enumerate(names)]:
        ms.append([code, f"Good or better: {stream}", "%", "60-69%", "70-79%", "80-100%", 75, f"audit: {stream}"])
    au = wb.create_sheet("Audits")
    au.append(["Period", "Stream", *GRADES])
    for q in range(quarters):
        for s in names:
            cuts = sorted(rng.randint(0, cases) for _ in range(3))
            au.append([quarter_label(2016, q), s, cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], cases - cuts[2]])
    wb.save(path)
    return path


def actions_workbook(path: Path, plan: str, actions: int = 150, snapshots: int = 36, seed: int = 1) -> Path:
    """A council's action plan as `snapshots` monthly snapshots of `actions` actions, with ratings that
    move, due dates that slip and commentary that sometimes goes unchanged."""
    rng = random.Random(seed)
    start = dt.date(2021, 4, 1)
    months = [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
              for i in range(snapshots)]
    wb = Workbook()
    wb.active.title = "Plan"
    wb.active.append(["Plan", plan])
    ac = wb.create_sheet("Actions")
    ac.append(["As at", "Ref", "Action", "Priority", "Focus area", "Owner", "Start", "Due", "Action RAG",
               "Impact RAG", "Commentary", "Source"])
    due = {k: rng.randint(3, snapshots + 6) for k in range(actions)}
    rag = {k: rng.choice(RAGS[:4]) for k in range(actions)}
    note = {k: "Started" for k in range(actions)}
    for m_i, month in enumerate(months):
        for k in range(actions):
            if rag[k] != "Blue" and rng.random() < 0.2:
                rag[k] = rng.choice(RAGS[:4])
            if rag[k] in ("Amber", "Red") and rng.random() < 0.05:
                due[k] += 2
            if rng.random() < 0.5:
                note[k] = f"{month:%b %Y}: update {rng.randint(1, 999)}"
            d = months[0].replace(year=months[0].year + (due[k] - 1) // 12, month=(due[k] - 1) % 12 + 1)
            ac.append([month.strftime("%b-%y"), f"{k // 10 + 1}.{k % 10 + 1}", f"Action {k}", f"{k % 4 + 1}. Priority",
                       f"FA{k % 13 + 1}", f"Owner {k % 9}", "Apr 21", d.strftime("%b %Y"), rag[k],
                       rng.choice(RAGS), note[k], rng.choice(["ILAC", "FV1", "FV2", "ILAC, FV1", None])])
    wb.save(path)
    return path


def big_workbook(path: Path, measures: int = 800, months: int = 120, actions: int = 350, snapshots: int = 36,
                 audit_cases: int = 44000, seed: int = 1) -> Path:
    """A ~5 MB monthly workbook as a large council exports it: wide values, every action snapshot with
    its commentary, and one audit row per case with its case reference."""
    rng = random.Random(seed)
    start = dt.date(2014, 4, 1)
    periods = [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1) for i in range(months)]
    wb = Workbook()
    wb.active.title = "Plan"
    for row in (["Authority", "Bigshire Council"], ["Plan", "Bigshire 2014-24"], ["As at", periods[-1].strftime("%b-%y")]):
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
