"""Check and load uploaded files: read, parse, detect re-uploads (nothing written), then commit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..store import Store, sha256_bytes
from .issues import Issue
from .parse import ParsedWorkbook, parse_workbook
from .read import WorkbookError, read_bytes


@dataclass
class Checked:
    file_name: str
    sha256: str
    parsed: ParsedWorkbook
    duplicate_of: dict | None = None  # an earlier upload of the identical file for this plan

    @property
    def ok(self) -> bool:
        return not self.parsed.errors


def check_bytes(store: Store, data: bytes, file_name: str, plan: str | None = None,
                as_at: dt.date | None = None, audience: str = "cli") -> Checked:
    """Read and validate without writing anything."""
    return _check(store, [(file_name, data)], file_name, plan, as_at, audience)


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


def _check(store: Store, files: list[tuple[str, bytes]], file_name: str, plan, as_at, audience) -> Checked:
    digest = sha256_bytes(b"".join(d for _, d in files)) if len(files) == 1 else sha256_bytes(
        b"".join(n.encode() + b"\0" + sha256_bytes(d).encode() for n, d in files))
    sheets = []
    try:
        for name, data in files:
            sheets += read_bytes(data, name)
    except WorkbookError as exc:
        parsed = ParsedWorkbook(plan=plan, as_at=as_at)
        parsed.issues.append(Issue("error", Path(name).name, "", exc.message))
        return Checked(file_name, digest, parsed)
    parsed = parse_workbook(sheets, plan=plan, as_at=as_at, known_measures=store.known_measures,
                            audience=audience, known_authority=store.known_authority)
    dup = store.find_upload_by_hash(digest, parsed.plan) if parsed.plan else None
    return Checked(file_name, digest, parsed, dup)


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
    rows = [(i.level, i.sheet, i.where.partition("!")[2] if "!" in i.where else "", _shown(i.value),
             i.message + (f" ({i.count} times)" if i.count > 1 else ""))
            for i in sorted(checked.parsed.issues, key=lambda i: LEVEL_ORDER[i.level])]
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def commit(store: Store, checked: Checked, user: str | None = None, audit_role: str | None = None) -> int:
    """Load a checked file; with audit_role, its audit-trail entry is written in the same transaction."""
    return store.commit(checked.parsed, Path(checked.file_name).name, checked.sha256, user, audit_role)


def import_path(store: Store, path: str | Path, plan: str | None = None, as_at: dt.date | None = None,
                user: str | None = None, audit_role: str | None = None) -> tuple[Checked, int | None]:
    p = Path(path)
    checked = check_bytes(store, p.read_bytes(), p.name, plan, as_at)
    if not checked.ok:
        return checked, None
    return checked, commit(store, checked, user, audit_role)
