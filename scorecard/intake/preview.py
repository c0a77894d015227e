"""What an upload would change, worked out before anything is written.

Per sheet: how many rows are new, changed, unchanged, and (for action snapshots, which a newer upload
replaces whole) removed, with the changed values old -> new, e.g. `CIN8 2024-03: 81.0 -> 84.5`.
The store keeps measures, values and audit streams that a file leaves out, so those are never
"removed"; the preview says how many are kept as they are.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from .. import queries
from ..periods import EVERYTHING, month_key, month_label, period_label
from ..store import Store
from .format import VALUE_FIELDS
from .parse import ParsedWorkbook

DETAIL_LIMIT = 2000  # changed rows listed per sheet; the counts are always complete
MEASURE_FIELDS = {"measure": "Measure", "priority": "Priority", "focus_area": "Focus area", "unit": "Unit",
                  "polarity": "Polarity", "ri_band": "Requires Improvement band", "good_band": "Good band",
                  "outstanding_band": "Outstanding band", "target": "Target", "source": "Source"}
ACTION_FIELDS = {"action": "Action", "owner": "Owner", "due_text": "Due", "action_rag": "Action RAG",
                 "impact_rag": "Impact RAG", "commentary": "Commentary", "priority": "Priority",
                 "focus_area": "Focus area", "source": "Source"}
DETAIL_COLUMNS = ["change", "key", "before", "after", "what"]


@dataclass
class SheetChange:
    sheet: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    kept: int = 0  # in the store, not in the file, and staying as they are
    note: str = ""
    details: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DETAIL_COLUMNS))

    def as_row(self) -> dict:
        return {"Sheet": self.sheet, "New": self.new, "Changed": self.changed, "Unchanged": self.unchanged,
                "Removed": self.removed, "Kept as they are": self.kept, "Note": self.note}


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _same(a, b) -> bool:
    if _blank(a) and _blank(b):
        return True
    if _blank(a) or _blank(b):
        return False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    if hasattr(a, "date") and hasattr(b, "date"):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return str(a) == str(b)


def _show(v) -> str:
    if _blank(v):
        return "(blank)"
    if isinstance(v, float):
        return f"{v:.1f}" if not v.is_integer() or abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _details(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows[:DETAIL_LIMIT], columns=DETAIL_COLUMNS)


def preview(store: Store, parsed: ParsedWorkbook) -> list[SheetChange]:
    """Compare a parsed (error-free) workbook with what the store holds for its plan now (one snapshot; the
    comparisons' temporary tables go with it)."""
    with store.snapshot() as cur:
        read = queries.reader(store, cur, plan=parsed.plan, as_at=EVERYTHING, limit=DETAIL_LIMIT)
        roles = set(parsed.sheets_found)  # a section for each kind of row the file holds, whichever sheet
        out = [_plan(read, parsed)]
        if parsed.measures or "Measures" in roles:
            out.append(_measures(read, parsed.measures))
        if parsed.values or "Values" in roles:
            out.append(_values(read, cur, parsed.values))
        if parsed.audits or "Audits" in roles:
            out.append(_audits(read, parsed.audits))
        if parsed.actions or "Actions" in roles:
            out.append(_actions(read, cur, parsed.actions))
        if parsed.benchmarks or "Benchmarks" in roles:
            out.append(_benchmarks(read, parsed.benchmarks))
    return out


def _plan(read, parsed: ParsedWorkbook) -> SheetChange:
    known = [p for p in read("plans") if p["plan"] == parsed.plan]
    if not known:
        return SheetChange("Plan", new=1, note=f"a new plan, {parsed.plan!r}")
    before = known[0]["authority"]
    if parsed.authority and not _same(before, parsed.authority):
        return SheetChange("Plan", changed=1, note="authority renamed", details=_details([{
            "change": "changed", "key": parsed.plan, "before": _show(before), "after": parsed.authority,
            "what": "Authority"}]))
    return SheetChange("Plan", unchanged=1, note=f"adds to the existing plan {parsed.plan!r}")


def _measures(read, measures: list[dict]) -> SheetChange:
    current = {r["code"]: r for r in read("measures")}
    sc, rows = SheetChange("Measures"), []
    for m in measures:
        before = current.get(m["code"])
        if before is None:
            sc.new += 1
            rows.append({"change": "new", "key": m["code"], "before": "", "after": m.get("measure") or "",
                         "what": "Measure"})
            continue
        diffs = [(label, before.get(f), m.get(f)) for f, label in MEASURE_FIELDS.items()
                 if not _same(before.get(f), m.get(f))]
        if diffs:
            sc.changed += 1
            rows += [{"change": "changed", "key": m["code"], "before": _show(a), "after": _show(b), "what": label}
                     for label, a, b in diffs]
        else:
            sc.unchanged += 1
    sc.kept = len(set(current) - {m["code"] for m in measures})
    sc.details = _details(rows)
    return sc


def _values(read, cur, values: list[tuple]) -> SheetChange:
    """The file's values joined with the current ones in DuckDB: a 5 MB file holds ~100,000 of them."""
    sc = SheetChange("Values")
    if not values:
        return sc
    cols = dict(zip(VALUE_FIELDS, map(list, zip(*values))))
    cur.register("incoming", pa.table({c: cols[c] for c in ("code", "period", "value", "numerator", "denominator")}))
    try:  # one pass over the stored values: every pair of file and store, matched or not
        read("preview/value_diff")
        counts = read("preview/value_counts")[0]
        changed = read("preview/values_changed")
    finally:
        cur.unregister("incoming")
    sc.new, sc.changed = counts["new"], counts["changed"]
    sc.unchanged = counts["in_file"] - counts["new"] - counts["changed"]
    sc.kept = counts["kept"]
    rows = []
    for r in changed:
        key = f"{r['code']} {month_key(r['period'])}"
        if not _same(r["value_before"], r["value"]):
            rows.append({"change": "changed", "key": key, "before": _show(r["value_before"]),
                         "after": _show(r["value"]), "what": "Value"})
        else:
            rows.append({"change": "changed", "key": key,
                         "before": f"{_show(r['numerator_before'])} / {_show(r['denominator_before'])}",
                         "after": f"{_show(r['numerator'])} / {_show(r['denominator'])}",
                         "what": "Numerator / denominator"})
    sc.details = _details(rows)
    return sc


def _audits(read, audits: list[dict]) -> SheetChange:
    """An audit period of a stream is replaced whole, so it compares as one row of grade counts."""
    current: dict[tuple, dict] = {}
    for r in read("audit_counts"):
        current.setdefault((pd.Timestamp(r["period"]), r["stream"]), {})[r["grade"]] = int(r["cases"])
    incoming: dict[tuple, dict] = {}
    kinds = {}
    for a in audits:
        key = (pd.Timestamp(a["period"]), a["stream"])
        incoming.setdefault(key, {})[a["grade"]] = incoming.get(key, {}).get(a["grade"], 0) + int(a["cases"])
        kinds[key] = a["period_kind"]
    sc, rows = SheetChange("Audits"), []
    for key, grades in incoming.items():
        label = f"{key[1]} {period_label(key[0].date(), kinds[key])}"
        text = ", ".join(f"{g} {n}" for g, n in grades.items() if n)
        if key not in current:
            sc.new += 1
            rows.append({"change": "new", "key": label, "before": "", "after": text, "what": "Grades"})
        elif {g: n for g, n in current[key].items() if n} != {g: n for g, n in grades.items() if n}:
            sc.changed += 1
            rows.append({"change": "changed", "key": label, "what": "Grades", "after": text,
                         "before": ", ".join(f"{g} {n}" for g, n in current[key].items() if n)})
        else:
            sc.unchanged += 1
    sc.kept = len(set(current) - set(incoming))
    sc.details = _details(rows)
    return sc


def _actions(read, cur, actions: list[dict]) -> SheetChange:
    """Each as-at snapshot in the file replaces that month's snapshot whole. A new month is compared
    with the snapshot before it (earlier in the file, else in the store), so new and closed actions and
    moved ratings show. Worked out in DuckDB: a file may hold three years of monthly snapshots."""
    cur.register("incoming", pa.table({
        "as_at": [a["as_at"] for a in actions], "ref": [a["ref"] for a in actions],
        **{f: [None if a.get(f) is None else str(a.get(f)) for a in actions] for f in ACTION_FIELDS}}))
    try:
        read("preview/action_base")
        months = read("preview/action_months")
        read("preview/action_diff")
        status = read("preview/action_counts")[0]
        changed = read("preview/actions_changed")
        new = read("preview/actions_new")
        gone = read("preview/actions_gone")
    finally:
        cur.unregister("incoming")
    sc = SheetChange("Actions", new=status["new"], changed=status["changed"],
                     unchanged=status["in_file"] - status["new"] - status["changed"])
    sc.removed = sum(1 for g in gone if g["replaced"])
    notes = [f"replaces the {month_label(m['as_at'])} snapshot" if m["replaced"] else
             f"a new {month_label(m['as_at'])} snapshot, compared with {month_label(m['base'])}" if m["base"] else
             f"a new {month_label(m['as_at'])} snapshot" for m in months]
    sc.note = "; ".join(notes[:3]) + (f"; and {len(notes) - 3} more snapshots" if len(notes) > 3 else "")
    rows = [{"change": "new", "key": f"{month_label(r['as_at'])} {r['ref']}", "before": "",
             "after": str(r["action"] or "")[:120], "what": "Action"} for r in new]
    for r in changed:
        for f, label in ACTION_FIELDS.items():
            x, y = r[f"{f}_before"], r[f]
            if not _same(x, y):
                rows.append({"change": "changed", "key": f"{month_label(r['as_at'])} {r['ref']}",
                             "before": _show(x)[:120], "after": _show(y)[:120], "what": label})
    rows += [{"change": "removed" if g["replaced"] else "closed", "key": f"{month_label(g['month'])} {g['ref']}",
              "before": str(g["action"] or "")[:120], "after": "", "what": "Action"} for g in gone]
    sc.details = _details(rows)
    return sc


def _benchmarks(read, benchmarks: list[dict]) -> SheetChange:
    current = {(r["code"], pd.Timestamp(r["period"])): r for r in read("benchmarks")}
    sc, rows = SheetChange("Benchmarks"), []
    for b in benchmarks:
        key = (b["code"], pd.Timestamp(b["period"]))
        label = f"{b['code']} {month_key(b['period'])}"
        old = current.get(key)
        if old is None:
            sc.new += 1
            continue
        diffs = [(f, old.get(f), b.get(f)) for f in ("england", "region", "neighbours")
                 if not _same(old.get(f), b.get(f))]
        if diffs:
            sc.changed += 1
            rows += [{"change": "changed", "key": label, "before": _show(x), "after": _show(y), "what": f.title()}
                     for f, x, y in diffs]
        else:
            sc.unchanged += 1
    sc.kept = len(set(current) - {(b["code"], pd.Timestamp(b["period"])) for b in benchmarks})
    sc.details = _details(rows)
    return sc


def change_lines(changes: list[SheetChange], limit: int = 20) -> list[str]:
    """The changed values in words, e.g. 'CIN8 2024-03: 81.0 -> 84.5'."""
    out = []
    for sc in changes:
        d = sc.details[sc.details["change"] == "changed"]
        for r in d.to_dict("records"):
            what = "" if r["what"] == "Value" else f" ({r['what']})"
            out.append(f"{r['key']}{what}: {r['before']} -> {r['after']}")
            if len(out) >= limit:
                return out
    return out
