"""What an upload would change, worked out before anything is written.

Per sheet: how many rows are new, changed, unchanged, and (for action snapshots, which a newer upload
replaces whole) removed, with the changed values old -> new, e.g. `CIN8 2024-03: 81.0 -> 84.5`.
The store keeps measures, values and audit streams that a file leaves out, so those are never
"removed"; the preview says how many are kept as they are.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from ..periods import period_label
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
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or (
        isinstance(v, str) and not v.strip())


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


def _month(d) -> str:
    return f"{pd.Timestamp(d):%Y-%m}"


def _details(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows[:DETAIL_LIMIT], columns=DETAIL_COLUMNS)


def preview(store: Store, parsed: ParsedWorkbook) -> list[SheetChange]:
    """Compare a parsed (error-free) workbook with what the store holds for its plan now."""
    plan = parsed.plan
    roles = set(parsed.sheets_found)  # a section for each kind of row the file holds, whichever sheet it is on
    out = [_plan(store, parsed)]
    if parsed.measures or "Measures" in roles:
        out.append(_measures(store, plan, parsed.measures))
    if parsed.values or "Values" in roles:
        out.append(_values(store, plan, parsed.values))
    if parsed.audits or "Audits" in roles:
        out.append(_audits(store, plan, parsed.audits))
    if parsed.actions or "Actions" in roles:
        out.append(_actions(store, plan, parsed.actions))
    if parsed.benchmarks or "Benchmarks" in roles:
        out.append(_benchmarks(store, plan, parsed.benchmarks))
    return out


def _plan(store: Store, parsed: ParsedWorkbook) -> SheetChange:
    known = store.query("SELECT authority FROM current_plans WHERE plan = $plan", {"plan": parsed.plan})
    if known.empty:
        return SheetChange("Plan", new=1, note=f"a new plan, {parsed.plan!r}")
    before = known["authority"].iloc[0]
    if parsed.authority and not _same(before, parsed.authority):
        return SheetChange("Plan", changed=1, note="authority renamed", details=_details([{
            "change": "changed", "key": parsed.plan, "before": _show(before), "after": parsed.authority,
            "what": "Authority"}]))
    return SheetChange("Plan", unchanged=1, note=f"adds to the existing plan {parsed.plan!r}")


def _measures(store: Store, plan: str, measures: list[dict]) -> SheetChange:
    current = {r["code"]: r for r in store.query(
        "SELECT * FROM current_measures WHERE plan = $plan", {"plan": plan}).to_dict("records")}
    sc, rows = SheetChange("Measures"), []
    for m in measures:
        before = current.get(m["code"])
        if before is None:
            sc.new += 1
            rows.append({"change": "new", "key": m["code"], "before": "", "after": m.get("measure") or "",
                         "what": "Measure"})
            continue
        diffs = [(label, before.get(f), m.get(f)) for f, label in MEASURE_FIELDS.items() if not _same(before.get(f), m.get(f))]
        if diffs:
            sc.changed += 1
            rows += [{"change": "changed", "key": m["code"], "before": _show(a), "after": _show(b), "what": label}
                     for label, a, b in diffs]
        else:
            sc.unchanged += 1
    sc.kept = len(set(current) - {m["code"] for m in measures})
    sc.details = _details(rows)
    return sc


def _values(store: Store, plan: str, values: list[tuple]) -> SheetChange:
    """The file's values joined with the current ones in DuckDB: a 5 MB file holds ~100,000 of them."""
    sc = SheetChange("Values")
    if not values:
        return sc
    cols = dict(zip(VALUE_FIELDS, map(list, zip(*values))))
    incoming = pa.table({c: cols[c] for c in ("code", "period", "value", "numerator", "denominator")})
    differs = ("c.value IS DISTINCT FROM i.value OR c.numerator IS DISTINCT FROM i.numerator "
               "OR c.denominator IS DISTINCT FROM i.denominator")
    cur = store.cursor()
    cur.register("incoming", incoming)
    try:  # one pass over the stored values: every pair of file and store, matched or not
        cur.execute(f"""
            CREATE OR REPLACE TEMP TABLE value_diff AS
            SELECT coalesce(i.code, c.code) AS code, coalesce(i.period, c.period) AS period,
                   i.code IS NULL AS kept, c.code IS NULL AS is_new,
                   i.code IS NOT NULL AND c.code IS NOT NULL AND ({differs}) AS is_changed,
                   c.value AS value_before, i.value, c.numerator AS numerator_before, i.numerator,
                   c.denominator AS denominator_before, i.denominator
            FROM incoming i
            FULL JOIN (SELECT code, period, value, numerator, denominator FROM current_values
                       WHERE plan = $plan) c ON c.code = i.code AND c.period = i.period""", {"plan": plan})
        counts = cur.execute("SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE is_changed), "
                             "count(*) FILTER (WHERE NOT kept), count(*) FILTER (WHERE kept) "
                             "FROM value_diff").fetchall()[0]
        changed = cur.execute(f"""
            SELECT code, period, value_before, value, numerator_before, numerator, denominator_before, denominator
            FROM value_diff WHERE is_changed ORDER BY code, period LIMIT {DETAIL_LIMIT}""").fetchall()
        cur.execute("DROP TABLE value_diff")
    finally:
        cur.unregister("incoming")
    sc.new, sc.changed = counts[0], counts[1]
    sc.unchanged = counts[2] - counts[0] - counts[1]
    sc.kept = counts[3]
    rows = []
    for code, period, v0, v1, n0, n1, d0, d1 in changed:
        key = f"{code} {_month(period)}"
        if not _same(v0, v1):
            rows.append({"change": "changed", "key": key, "before": _show(v0), "after": _show(v1), "what": "Value"})
        else:
            rows.append({"change": "changed", "key": key, "before": f"{_show(n0)} / {_show(d0)}",
                         "after": f"{_show(n1)} / {_show(d1)}", "what": "Numerator / denominator"})
    sc.details = _details(rows)
    return sc


def _audits(store: Store, plan: str, audits: list[dict]) -> SheetChange:
    """An audit period of a stream is replaced whole, so it compares as one row of grade counts."""
    current: dict[tuple, dict] = {}
    for r in store.query("SELECT period, period_kind, stream, grade, cases FROM current_audits WHERE plan = $plan",
                         {"plan": plan}).to_dict("records"):
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


def _actions(store: Store, plan: str, actions: list[dict]) -> SheetChange:
    """Each as-at snapshot in the file replaces that month's snapshot whole. A new month is compared
    with the snapshot before it (earlier in the file, else in the store), so new and closed actions and
    moved ratings show. Worked out in DuckDB: a file may hold three years of monthly snapshots."""
    fields = list(ACTION_FIELDS)
    incoming = pa.table({"as_at": [a["as_at"] for a in actions], "ref": [a["ref"] for a in actions],
                         **{f: [None if a.get(f) is None else str(a.get(f)) for a in actions] for f in fields}})
    # Both sides came through the importer, which collapses white space and stores a blank as NULL,
    # so text compares exactly (DuckDB's trim() on every commentary would cost ~10x the whole join).
    differs = " OR ".join(f"i.{f} IS DISTINCT FROM r.{f}" for f in fields)
    cur = store.cursor()
    cur.register("incoming", incoming)
    try:
        cur.execute(f"""
            CREATE OR REPLACE TEMP TABLE action_base AS
            WITH stored AS (SELECT as_at, ref, {", ".join(fields)} FROM current_actions WHERE plan = $plan),
            months AS (SELECT DISTINCT as_at FROM incoming),
            every_month AS (SELECT as_at FROM stored UNION SELECT as_at FROM incoming),
            plan_months AS (
                SELECT m.as_at AS month, m.as_at IN (SELECT as_at FROM stored) AS replaced,
                       CASE WHEN m.as_at IN (SELECT as_at FROM stored) THEN m.as_at
                            ELSE (SELECT max(e.as_at) FROM every_month e WHERE e.as_at < m.as_at) END AS base
                FROM months m)
            SELECT p.month, p.replaced, p.base, r.* EXCLUDE (as_at) FROM plan_months p
              JOIN stored r ON r.as_at = p.base
             WHERE p.replaced OR p.base NOT IN (SELECT as_at FROM months)
            UNION ALL
            SELECT p.month, p.replaced, p.base, r.* EXCLUDE (as_at) FROM plan_months p
              JOIN incoming r ON r.as_at = p.base
             WHERE NOT p.replaced AND p.base IN (SELECT as_at FROM months)
        """, {"plan": plan})
        months = cur.execute("""
            SELECT m.as_at, b.base, coalesce(b.replaced, m.as_at IN (SELECT as_at FROM current_actions
                   WHERE plan = $plan)) AS replaced
            FROM (SELECT DISTINCT as_at FROM incoming) m
            LEFT JOIN (SELECT DISTINCT month, base, replaced FROM action_base) b ON b.month = m.as_at
            ORDER BY m.as_at""", {"plan": plan}).fetchall()
        cur.execute(f"""
            CREATE OR REPLACE TEMP TABLE action_diff AS
            SELECT i.as_at, i.ref, r.ref IS NULL AS is_new, r.ref IS NOT NULL AND ({differs}) AS is_changed,
                   {", ".join(f"r.{f} AS {f}_before, i.{f}" for f in fields)}
            FROM incoming i LEFT JOIN action_base r ON r.month = i.as_at AND r.ref = i.ref""")
        status = cur.execute("SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE is_changed), count(*) "
                             "FROM action_diff").fetchall()[0]
        changed = cur.execute(f"""
            SELECT as_at, ref, {", ".join(f"{f}_before, {f}" for f in fields)} FROM action_diff
            WHERE is_changed ORDER BY as_at, ref LIMIT {DETAIL_LIMIT}""").fetchall()
        new = cur.execute(f"SELECT as_at, ref, action FROM action_diff WHERE is_new ORDER BY as_at, ref "
                          f"LIMIT {DETAIL_LIMIT}").fetchall()
        gone = cur.execute(f"""
            SELECT r.month, r.ref, r.action, r.replaced FROM action_base r
            WHERE NOT EXISTS (SELECT 1 FROM incoming i WHERE i.as_at = r.month AND i.ref = r.ref)
            ORDER BY r.month, r.ref""").fetchall()
        cur.execute("DROP TABLE action_base")
        cur.execute("DROP TABLE action_diff")
    finally:
        cur.unregister("incoming")
    sc = SheetChange("Actions", new=status[0], changed=status[1], unchanged=status[2] - status[0] - status[1])
    sc.removed = sum(1 for *_, replaced in gone if replaced)
    notes = [f"replaces the {m:%b-%y} snapshot" if replaced else
             f"a new {m:%b-%y} snapshot, compared with {base:%b-%y}" if base else f"a new {m:%b-%y} snapshot"
             for m, base, replaced in months]
    sc.note = "; ".join(notes[:3]) + (f"; and {len(notes) - 3} more snapshots" if len(notes) > 3 else "")
    rows = [{"change": "new", "key": f"{m:%b-%y} {ref}", "before": "", "after": str(t or "")[:120], "what": "Action"}
            for m, ref, t in new]
    for m, ref, *pairs in changed:
        for k, f in enumerate(fields):
            x, y = pairs[2 * k], pairs[2 * k + 1]
            if not _same(x, y) and not (_blank(x) and _blank(y)):
                rows.append({"change": "changed", "key": f"{m:%b-%y} {ref}", "before": _show(x)[:120],
                             "after": _show(y)[:120], "what": ACTION_FIELDS[f]})
    rows += [{"change": "removed" if replaced else "closed", "key": f"{m:%b-%y} {ref}", "before": str(t or "")[:120],
              "after": "", "what": "Action"} for m, ref, t, replaced in gone]
    sc.details = _details(rows)
    return sc


def _benchmarks(store: Store, plan: str, benchmarks: list[dict]) -> SheetChange:
    current = {(r["code"], pd.Timestamp(r["period"])): r for r in store.query(
        "SELECT * FROM current_benchmarks WHERE plan = $plan", {"plan": plan}).to_dict("records")}
    sc, rows = SheetChange("Benchmarks"), []
    for b in benchmarks:
        key = (b["code"], pd.Timestamp(b["period"]))
        label = f"{b['code']} {_month(b['period'])}"
        old = current.get(key)
        if old is None:
            sc.new += 1
            continue
        diffs = [(f, old.get(f), b.get(f)) for f in ("england", "region", "neighbours") if not _same(old.get(f), b.get(f))]
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
