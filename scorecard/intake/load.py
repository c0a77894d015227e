"""Check and load uploaded files: read, parse, detect re-uploads (nothing written), then commit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..store import Store, sha256_bytes
from . import profiles
from .issues import Issue
from .parse import ParsedWorkbook, parse_workbook, plan_named
from .read import Sheet, WorkbookError, read_bytes
from .sheetmap import SheetMap

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Checked:
    file_name: str
    sha256: str
    parsed: ParsedWorkbook
    duplicate_of: dict | None = None  # an earlier upload of the identical file for this plan
    sheets: list[Sheet] | None = None  # as read, for the officer's mapping to re-check without reading again

    @property
    def ok(self) -> bool:
        return not self.parsed.errors


def check_bytes(store: Store, data: bytes, file_name: str, plan: str | None = None,
                as_at: dt.date | None = None, audience: str = "cli", use_profile: bool = True) -> Checked:
    """Read and validate without writing anything."""
    return _check(store, [(file_name, data)], file_name, plan, as_at, audience, use_profile)


def check_files(store: Store, files: list[tuple[str, bytes]], plan: str | None = None,
                as_at: dt.date | None = None, audience: str = "cli") -> list[Checked]:
    """Several files dropped at once: CSV files (one per sheet, named after it) together make one
    workbook; each .xlsx / .xlsm / .zip is a workbook of its own."""
    csvs = [(n, d) for n, d in files if n.lower().endswith(".csv")]
    out = [check_bytes(store, d, n, plan, as_at, audience) for n, d in files if not n.lower().endswith(".csv")]
    if csvs:
        csvs.sort()
        out.append(_check(store, csvs, " + ".join(n for n, _ in csvs), plan, as_at, audience))
    return out


def read_files(files: list[tuple[str, bytes]]) -> list[Sheet]:
    """The sheets of one workbook (or of CSV files that together make one); WorkbookError when unreadable,
    naming the file."""
    sheets: list[Sheet] = []
    for name, data in files:
        try:
            sheets += read_bytes(data, name)
        except WorkbookError as exc:
            raise WorkbookError(Path(name).name, exc.message) from exc
    return sheets


def saved_profile(store: Store, plan: str | None) -> dict | None:
    """The plan's latest import profile, with when it was saved, or None."""
    row = store.profile(plan) if plan else None
    if row is None:
        return None
    text, saved_at, version = row
    return {**profiles.loads(text), "saved": f"{saved_at:%d/%m/%Y}", "version": version}


def check_sheets(store: Store, sheets: list[Sheet], plan: str | None = None, as_at: dt.date | None = None,
                 audience: str = "cli", use_profile: bool = True, maps: list[SheetMap] | None = None,
                 status_words: dict[str, str] | None = None) -> ParsedWorkbook:
    """Parse read sheets: with the maps given (the officer's mapping), else the plan's saved profile, else
    as recognised."""
    issues: list[Issue] = []
    profile = saved_profile(store, plan or plan_named(sheets)) if use_profile and maps is None else None
    if profile is not None:
        maps, issues = profiles.apply(profile, sheets, audience)
        status_words = {**profile.get("status_words", {}), **(status_words or {})}
    parsed = parse_workbook(sheets, plan=plan, as_at=as_at, known_measures=store.known_measures,
                            audience=audience, maps=maps, status_words=status_words,
                            known_authority=store.known_authority)
    parsed.profile = profile
    if profile is not None:
        issues.append(Issue("note", "Workbook", "", f"read with the saved import profile from {profile['saved']} "
                                                    f"(version {profile['version']})"))
    parsed.issues = issues + parsed.issues
    return parsed


def _check(store: Store, files: list[tuple[str, bytes]], file_name: str, plan, as_at, audience,
           use_profile: bool = True) -> Checked:
    digest = sha256_bytes(b"".join(d for _, d in files)) if len(files) == 1 else sha256_bytes(
        b"".join(n.encode() + b"\0" + sha256_bytes(d).encode() for n, d in files))
    try:
        sheets = read_files(files)
    except WorkbookError as exc:
        parsed = ParsedWorkbook(plan=plan, as_at=as_at)
        parsed.issues.append(Issue("error", exc.where, "", exc.message))
        return Checked(file_name, digest, parsed)
    parsed = check_sheets(store, sheets, plan, as_at, audience, use_profile)
    dup = store.find_upload_by_hash(digest, parsed.plan) if parsed.plan else None
    return Checked(file_name, digest, parsed, dup, sheets)


def recheck(store: Store, checked: Checked, maps: list[SheetMap], status_words: dict[str, str],
            plan: str | None = None, as_at: dt.date | None = None) -> Checked:
    """The same file checked again with the officer's mapping (the Upload centre's mapping step)."""
    parsed = check_sheets(store, checked.sheets, plan, as_at, "app", maps=maps, status_words=status_words)
    dup = store.find_upload_by_hash(checked.sha256, parsed.plan) if parsed.plan else None
    return Checked(checked.file_name, checked.sha256, parsed, dup, checked.sheets)


def profile_to_save(store: Store, checked: Checked) -> str | None:
    """The import profile a Load saves for the plan: how the file was read, when that is more than our own
    sheet names (a layout recognised by content, the officer's mapping, their status words) and differs
    from the profile saved already; None otherwise."""
    p = checked.parsed
    if not p.plan or checked.sheets is None:
        return None
    made = profiles.make_profile(p.plan, checked.sheets, p.maps, p.status_words)
    ours = all(m.how == "by its name" for m in p.maps if m.role != "not used") and not made["status_words"]
    saved = store.profile(p.plan)
    if (ours and saved is None) or (saved is not None and profiles.loads(saved[0]) == made):
        return None
    return profiles.dumps(made)


def _shown(value) -> str:
    """A cell's value as the officer typed it: 140 not 140.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


REPORT_COLUMNS = ["Level", "Sheet", "Cell", "Value found", "Problem and what to do"]
LEVEL_ORDER = {"error": 0, "warning": 1, "note": 2}


def issues_frame(checked: Checked) -> pd.DataFrame:
    """Every error, warning and note, errors first, as the downloadable report lists them (a problem that
    repeats is one row naming its cells)."""
    import pandas as pd  # the Upload centre's report only: the command line's import runs without pandas
    rows = [(i.level, i.sheet, i.where.partition("!")[2] if "!" in i.where else "", _shown(i.value),
             i.message + (f" ({i.count} times)" if i.count > 1 else ""))
            for i in sorted(checked.parsed.issues, key=lambda i: LEVEL_ORDER[i.level])]
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def commit(store: Store, checked: Checked, user: str | None = None, audit_role: str | None = None) -> int:
    """Load a checked file; with audit_role, its audit-trail entry is written in the same transaction."""
    return store.commit(checked.parsed, Path(checked.file_name).name, checked.sha256, user, audit_role)


def import_path(store: Store, path: str | Path, plan: str | None = None, as_at: dt.date | None = None,
                user: str | None = None, audit_role: str | None = None,
                use_profile: bool = True) -> tuple[Checked, int | None]:
    p = Path(path)
    checked = check_bytes(store, p.read_bytes(), p.name, plan, as_at, use_profile=use_profile)
    if not checked.ok:
        return checked, None
    return checked, commit(store, checked, user, audit_role)
