"""Check and load one uploaded file: read, validate, detect re-uploads, commit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .importer import Issue, ParsedWorkbook, parse_workbook
from .store import Store, sha256_bytes
from .workbook import WorkbookError, read_bytes


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
                as_at: dt.date | None = None) -> Checked:
    """Read and validate without writing anything."""
    return _check(store, [(file_name, data)], file_name, plan, as_at)


def check_files(store: Store, files: list[tuple[str, bytes]], plan: str | None = None,
                as_at: dt.date | None = None) -> list[Checked]:
    """Several files dropped at once: CSV files (one per sheet, named after it) together make one
    workbook; each .xlsx / .xlsm / .zip is a workbook of its own."""
    csvs = [(n, d) for n, d in files if n.lower().endswith(".csv")]
    out = [check_bytes(store, d, n, plan, as_at) for n, d in files if not n.lower().endswith(".csv")]
    if csvs:
        csvs.sort()
        out.append(_check(store, csvs, " + ".join(n for n, _ in csvs), plan, as_at))
    return out


def _check(store: Store, files: list[tuple[str, bytes]], file_name: str, plan, as_at) -> Checked:
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
    parsed = parse_workbook(sheets, plan=plan, as_at=as_at, known_measures=store.known_measures)
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


def issues_frame(checked: Checked) -> pd.DataFrame:
    """Every error and warning, errors first, as the downloadable report lists them."""
    rows = [(i.level, i.sheet, i.cell, _shown(i.value), i.message)
            for i in sorted(checked.parsed.issues, key=lambda i: i.level != "error")]
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
