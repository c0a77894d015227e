"""Check and load one uploaded file: read, validate, detect re-uploads, commit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

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
    digest = sha256_bytes(data)
    try:
        sheets = read_bytes(data, file_name)
    except WorkbookError as exc:
        parsed = ParsedWorkbook(plan=plan, as_at=as_at)
        parsed.issues.append(Issue("error", Path(file_name).name, "", str(exc).split(": ", 1)[-1]))
        return Checked(file_name, digest, parsed)
    parsed = parse_workbook(sheets, plan=plan, as_at=as_at, known_measures=store.known_measures)
    dup = store.find_upload_by_hash(digest, parsed.plan) if parsed.plan else None
    return Checked(file_name, digest, parsed, dup)


def commit(store: Store, checked: Checked, user: str | None = None) -> int:
    return store.commit(checked.parsed, Path(checked.file_name).name, checked.sha256, user)


def import_path(store: Store, path: str | Path, plan: str | None = None, as_at: dt.date | None = None,
                user: str | None = None) -> tuple[Checked, int | None]:
    p = Path(path)
    checked = check_bytes(store, p.read_bytes(), p.name, plan, as_at)
    if not checked.ok:
        return checked, None
    return checked, commit(store, checked, user)
