"""A plan's import profile: how its own sheets are read, saved when an upload is loaded and used for the
next month's file, so a layout mapped once loads every month after with no questions.

The profile is JSON (documented in the README, "Import profiles"), so it can be written by hand, kept in
git or moved between stores (`python -m scorecard profile show|export|import`):

    {"scorecard_import_profile": 1, "plan": "Testshire 2024-25",
     "sheets": [{"sheet": "Children in Care", "header_row": 3, "role": "Measures",
                 "headers": ["KPI ID", "KPI name", "Good is", "Target", "YTD", "England", "RAG"],
                 "columns": {"KPI ID": "code", "KPI name": "measure", "Good is": "polarity",
                             "Target": "target", "England": "benchmark:england", "YTD": null, "RAG": null},
                 "options": {"sheet_as_priority": true}}],
     "status_words": {"In progress": "Green"}}

A sheet is matched by its header text (not its position or name): `headers` lists the header row's
labels, period-headed columns left out since a new month's column arrives every month. `columns` says what
each header feeds (a field of the role, `benchmark:england|region|neighbours`, or null: not read); every
period-headed column is read as values. A file whose headers have changed, or that lacks a sheet the profile
reads, is refused with what changed: never guessed.
"""
from __future__ import annotations

import json

from .format import BENCHMARK_FIELDS, SHEETS, normalise
from .issues import Issue
from .read import Sheet, column_letter
from .recognise import recognise_sheet
from .sheetmap import HEADER_SCAN, UNUSED, SheetMap, classify, has_data, header_labels
from .words import RAG_ORDER, UNRATED

FORMAT_KEY, FORMAT_VERSION = "scorecard_import_profile", 1
NEAR = 5  # rows above or below the saved header row searched for the same headers


class ProfileError(ValueError):
    """A profile that cannot be used as written; the message says what is wrong in it."""


def _labels(sheet: Sheet, m: SheetMap) -> dict[int, str]:
    """The header row's labels that identify the sheet: every labelled column but the period-headed ones."""
    return {j: t for j, t in enumerate(header_labels(sheet, m.header_row)) if t and j not in m.periods}


def sheet_profile(sheet: Sheet, m: SheetMap) -> dict:
    labels = _labels(sheet, m)
    columns = {}
    for j, label in labels.items():
        if j in m.columns:
            columns[label] = m.columns[j]
        elif j in m.benchmarks:
            columns[label] = f"benchmark:{m.benchmarks[j]}"
        else:
            columns[label] = None
    return {"sheet": m.sheet, "header_row": m.header_row + 1, "role": m.role, "headers": list(labels.values()),
            "columns": columns, "options": dict(m.options)}


def make_profile(plan: str, sheets: list[Sheet], maps: list[SheetMap], status_words: dict[str, str]) -> dict:
    """The profile of how this file was read: every sheet read as a table (the Plan sheet and sheets not
    read are left out), and the status words that are not our own rating words."""
    by_name = {s.name: s for s in sheets}
    entries = [sheet_profile(by_name[m.sheet], m) for m in maps
               if m.role not in (UNUSED, "Plan") and m.header_row is not None]
    return {FORMAT_KEY: FORMAT_VERSION, "plan": plan, "sheets": entries,
            "status_words": {w: r for w, r in sorted(status_words.items()) if normalise(w) not in _OWN_WORDS}}


_OWN_WORDS = {"blue", "green", "amber", "red", "b", "g", "a", "r"}


def dumps(profile: dict) -> str:
    return json.dumps(profile, indent=2, ensure_ascii=False)


def loads(text: str) -> dict:
    """Read and check a profile written by hand or by `profile export`."""
    try:
        p = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"the profile is not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    if not isinstance(p, dict) or p.get(FORMAT_KEY) != FORMAT_VERSION:
        raise ProfileError(f'the profile must be a JSON object with "{FORMAT_KEY}": {FORMAT_VERSION}')
    from .parse import ROLES
    roles = {"Plan", *ROLES}
    for k, s in enumerate(p.get("sheets", [])):
        where = f"sheets[{k}]"
        for key, kind in (("sheet", str), ("header_row", int), ("role", str), ("headers", list), ("columns", dict)):
            if not isinstance(s.get(key), kind):
                raise ProfileError(f'{where}: "{key}" must be {kind.__name__ if kind is not str else "text"}')
        if s["role"] not in roles:
            raise ProfileError(f'{where}: unknown role {s["role"]!r}; use one of {", ".join(sorted(roles))}')
        if s["header_row"] < 1:
            raise ProfileError(f'{where}: "header_row" is the header\'s row number, from 1')
        fields = set(SHEETS[s["role"]].fields) if s["role"] in SHEETS else None
        for header, f in s["columns"].items():
            ok = (f is None or (f.startswith("benchmark:") and f[10:] in BENCHMARK_FIELDS)
                  or fields is None or f in fields)
            if not ok:
                raise ProfileError(f'{where}: the column {header!r} names {f!r}, not a field of {s["role"]}')
        if not isinstance(s.get("options", {}), dict):
            raise ProfileError(f'{where}: "options" must be an object')
    words = p.get("status_words", {})
    if not isinstance(words, dict) or any(r not in (*RAG_ORDER, UNRATED) for r in words.values()):
        raise ProfileError(f'"status_words" maps words to one of {", ".join((*RAG_ORDER, UNRATED))}')
    return p


def _header_at(sheet: Sheet, entry: dict, r: int) -> tuple[SheetMap, dict[int, str]]:
    """The sheet with its header at row r, its period columns found, and the labels that identify it."""
    m = SheetMap(sheet.name, entry["role"], r, options=dict(entry.get("options", {})))
    m.bad_periods = classify(sheet, m, r + 1)
    return m, {j: t for j, t in enumerate(header_labels(sheet, r)) if t and j not in m.periods}


def _find_headers(sheet: Sheet, entry: dict) -> SheetMap | None:
    """The sheet read as the entry says, when a row near the saved header row carries the same headers."""
    want = [normalise(h) for h in entry["headers"]]
    saved = entry["header_row"] - 1
    rows = sorted(range(max(0, saved - NEAR), min(len(sheet.rows), max(saved + NEAR + 1, HEADER_SCAN))),
                  key=lambda r: abs(r - saved))
    for r in rows:
        m, labels = _header_at(sheet, entry, r)
        if [normalise(t) for t in labels.values()] != want:
            continue
        fields = {normalise(h): f for h, f in entry["columns"].items()}
        m.benchmarks, m.ignored = {}, {}
        for j, label in labels.items():
            f = fields.get(normalise(label))
            if f is None:
                if has_data(sheet, r + 1, j):
                    m.ignored[j] = label
            elif f.startswith("benchmark:"):
                m.benchmarks[j] = f[10:]
            else:
                m.columns[j] = f
        if "period" in m.cols:  # one value per row: no period-headed columns
            m.periods, m.bad_periods = {}, []
        return m
    return None


def _closest_headers(sheet: Sheet, entry: dict) -> tuple[int, list[str], list[str]]:
    """The row most like the saved headers: (row, headers new in the file, saved headers it lacks)."""
    want = {normalise(h): h for h in entry["headers"]}
    best = (-1, 0, [], list(entry["headers"]))
    for r in range(min(len(sheet.rows), HEADER_SCAN)):
        got = {normalise(t): (j, t) for j, t in _header_at(sheet, entry, r)[1].items()}
        same = len(set(got) & set(want))
        if same > best[1]:
            new = [f"'{t}' ({column_letter(j)})" for n, (j, t) in got.items() if n not in want]
            best = (r, same, new, [h for n, h in want.items() if n not in got])
    return best[0], best[2], best[3]


def apply(profile: dict, sheets: list[Sheet], audience: str = "cli") -> tuple[list[SheetMap], list[Issue]]:
    """Maps for a file from the plan's profile (and, for sheets the profile does not name, as recognised);
    errors for the profile's sheets that the file lacks or whose headers changed."""
    saved = profile.get("saved", "")
    how = f"the saved profile{' from ' + saved if saved else ''}"
    maps: dict[str, SheetMap] = {}
    issues: list[Issue] = []
    by_name = {s.name: s for s in sheets}
    for entry in profile.get("sheets", []):
        match = next((m for s in [by_name.get(entry["sheet"]), *sheets] if s is not None and s.name not in maps
                      for m in [_find_headers(s, entry)] if m is not None), None)
        if match is not None:
            match.how = how
            maps[match.sheet] = match
            continue
        fix = ("map it again in the Upload centre" if audience == "app" else
               "map it again in the Upload centre, or import with --no-profile")
        sheet = by_name.get(entry["sheet"])
        if sheet is None:
            issues.append(Issue("error", "Workbook", "", (
                f"{how} reads a sheet '{entry['sheet']}' with the headers {', '.join(entry['headers'][:6])}"
                f"{' ...' if len(entry['headers']) > 6 else ''}, and this file has no such sheet; {fix}")))
            continue
        r, new, gone = _closest_headers(sheet, entry)
        what = "; ".join(x for x in (f"new {', '.join(new)}" if new else "",
                                     f"gone {', '.join(repr(g) for g in gone)}" if gone else "") if x)
        issues.append(Issue("error", sheet.name, f"{r + 1}:{r + 1}" if r >= 0 else "",
                            f"the headers have changed since {how}: {what or 'they are in another order'}; {fix}"))
        maps[sheet.name] = SheetMap(sheet.name, UNUSED, how="its headers have changed since the saved profile")
    out = [maps.get(s.name) or recognise_sheet(s) for s in sheets]
    return out, issues
