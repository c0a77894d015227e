"""The embedded DuckDB store: schema, transactional loads, upload history and revert.

Every imported row keeps the upload it came from. "Current" data is the newest
committed (non-reverted) upload for each key, through the `current_*` views, so
reverting an upload simply falls back to whatever was there before it.

One connection per process and a fresh cursor per query (DuckDB rejects
concurrent use of one connection from Streamlit's threads); writes are
serialised by a lock and each import is one transaction.
"""
from __future__ import annotations

import configparser
import contextlib
import datetime as dt
import errno
import getpass
import hashlib
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import duckdb

from .intake.format import VALUE_FIELDS, store_columns

if TYPE_CHECKING:  # DuckDB imports pandas itself when a query asks for a DataFrame
    import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "scorecard.duckdb"


BUMP_VERSION = "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'data_version'"
MARK_PLAN = ("INSERT INTO plan_versions SELECT ?, CAST(value AS BIGINT) FROM meta WHERE key = 'data_version' "
             "ON CONFLICT (plan) DO UPDATE SET version = excluded.version")


def bump_version(cur, plan: str) -> None:
    """A change to `plan`: the store's data version moves, and the plan's own version becomes it."""
    cur.execute(BUMP_VERSION)
    cur.execute(MARK_PLAN, [plan])


class DataVersions:
    """The data version of each database this process has open, as last read. Every write to one goes through
    this process (a DuckDB file is locked to one process; PostgreSQL's read model is written only by its sync),
    which lets the version go once it is done, so a page run need not ask the database each time (each query
    hands Python's lock to other threads, a wait of its own when many sessions are busy)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._values: dict = {}
        self._moves: dict = {}  # per database: how many changes have let its version go

    def get(self, key, read) -> int:
        with self._lock:
            if key in self._values:
                return self._values[key]
            moves = self._moves.get(key, 0)
        value = read()
        with self._lock:
            if self._moves.get(key, 0) == moves:  # else a change ended while it was read: read it again next time
                self._values[key] = value
        return value

    def moved(self, key) -> None:
        with self._lock:
            self._moves[key] = self._moves.get(key, 0) + 1
            self._values.pop(key, None)


DATA_VERSIONS = DataVersions()


class StoreLocked(Exception):
    """Another process (usually the running app) holds the store's lock."""


class StoreUnwritable(Exception):
    """The file system refuses to write the store (the disk is full, say); the change was not made."""


class StoreUnavailable(StoreUnwritable):
    """The PostgreSQL store cannot be reached (stopped, restarting, the network); the change was not made."""


# What the operating system says when it refuses a write (as DuckDB passes it on), what that means, what to do.
_REFUSALS = {
    os.strerror(errno.ENOSPC): ("the disk is full", "Free some space on that disk and try again"),
    os.strerror(errno.EDQUOT): ("the disk quota is used up", "Free some space or raise the quota and try again"),
    os.strerror(errno.EROFS): ("the file system is read-only", "Put the store on a writable disk ($SCORECARD_DB)"),
}


def _unwritable(path: Path, exc: BaseException) -> StoreUnwritable | None:
    """The one-line StoreUnwritable for a write the file system refused, or None when exc is something else."""
    if not isinstance(exc, (duckdb.Error, OSError)):
        return None
    text = str(exc)
    for said, (why, todo) in _REFUSALS.items():
        if said in text:
            return StoreUnwritable(f"cannot write the store {path}: {why} ({said}); nothing was changed. "
                                   f"{todo}.")
    return None


class UploadNotFound(Exception):
    pass


class PlanNotFound(Exception):
    pass


def db_path(path: str | os.PathLike | None = None) -> Path:
    return Path(path or os.environ.get("SCORECARD_DB") or DEFAULT_DB)


def open_store(target: str | os.PathLike | None = None, read_only: bool = False, wait: float = 0.0) -> Store:
    """The store SCORECARD_DB (or target) names: PostgreSQL for a postgresql:// or postgres:// URL or a libpq
    service name (scorecard/pgstore.py, imported only then), else the DuckDB file (Store)."""
    target = target or os.environ.get("SCORECARD_DB")
    if target is not None and postgres_uri(str(target)) is not None:
        from .pgstore import PgStore
        return PgStore(str(target), read_only=read_only)
    return Store(target, read_only=read_only, wait=wait)


def postgres_uri(target: str) -> str | None:
    """The libpq URI for a PostgreSQL store (a postgresql:// or postgres:// URL, or a service name defined in a
    libpq service file), or None for anything else (a DuckDB file)."""
    if target.startswith(("postgresql://", "postgres://")):
        return target
    name = target.removeprefix("service=")
    if re.fullmatch(r"[A-Za-z0-9_.-]+", name) and (target.startswith("service=") or name in pg_services()):
        return f"postgresql://?service={quote(name)}"
    return None


def pg_services() -> set[str]:
    """The service names libpq knows: the sections of PGSERVICEFILE (else ~/.pg_service.conf) and of
    pg_service.conf in PGSYSCONFDIR (else Debian's /etc/postgresql-common)."""
    files = [os.environ.get("PGSERVICEFILE") or Path.home() / ".pg_service.conf",
             Path(os.environ.get("PGSYSCONFDIR") or "/etc/postgresql-common") / "pg_service.conf"]
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(files)
    except configparser.Error:  # not a service file libpq could read either
        return set()
    return set(parser.sections())


# Each data table's columns after upload_id, in the table's own order, from the workbook format.
_TABLES = {t: store_columns(t) for t in ("plans", "measures", "measure_values", "audits", "audit_case_refs",
                                         "actions", "benchmarks")}

# The schema's migrations, queries/migrations/NNN_name.sql, in order: each runs once; never edit one that
# has shipped (add the next one instead). Where PostgreSQL needs other SQL, NNN_name.postgres.sql beside it is
# what PostgreSQL runs instead (scorecard/pgstore.py).
MIGRATIONS_DIR = ROOT / "queries" / "migrations"
MIGRATIONS = sorted(p for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql") if not p.name.endswith(".postgres.sql"))


def run_migrations(cur, paths: list[Path], start: int) -> None:
    """Run paths[start:] on a cursor (in the caller's transaction) and record the schema version."""
    for path in paths[start:]:
        cur.execute(path.read_text())
    cur.execute("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [str(len(paths))])


# The tables `store check` counts.
COUNTED = ("uploads", *_TABLES, "audit_log", "import_profiles", "plan_status", "spc_rebases")


def count_rows(cur) -> dict[str, int]:
    return {t: int(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in COUNTED}


class Store:
    """One DuckDB connection for this process; call cursor() for each query."""

    unavailable_since: dt.datetime | None = None  # PostgreSQL's (scorecard/pgstore.py): since when it cannot be reached

    def __init__(self, path: str | os.PathLike | None = None, read_only: bool = False, wait: float = 0.0):
        """wait: seconds to keep trying while another process holds the store's lock (e.g. another import)."""
        self.path = db_path(path)
        self.database = str(self.path.resolve())  # what DATA_VERSIONS knows it by: the file, for every Store on it
        self._write_lock = threading.Lock()
        with self._refused_as_unwritable():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            deadline = time.monotonic() + wait
            while True:
                try:
                    self.con = duckdb.connect(str(self.path), read_only=read_only)
                    break
                except duckdb.IOException as exc:
                    if "lock" not in str(exc).lower():
                        raise
                    if time.monotonic() < deadline:
                        time.sleep(0.2)
                        continue
                    raise StoreLocked(
                        f"the store {self.path} is in use by another process (is the app running?); "
                        "stop it or use the app's upload page") from exc
        if not read_only:
            self.migrate()

    def close(self) -> None:
        DATA_VERSIONS.moved(self.database)
        self.con.close()

    def describe(self) -> str:
        """Which store this is, for `store check`."""
        return f"DuckDB file {self.path}"

    def row_counts(self) -> dict[str, int]:
        return count_rows(self.cursor())

    def refresh(self) -> None:
        """Catch up with changes made by other processes: nothing to do for the file (PostgreSQL's read model
        syncs here)."""

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    @contextlib.contextmanager
    def _refused_as_unwritable(self):
        """Turn a write the file system refuses (the disk is full, say) into a one-line StoreUnwritable."""
        try:
            yield
        except (duckdb.Error, OSError) as exc:
            refused = _unwritable(self.path, exc)
            if refused is None:
                raise
            raise refused from exc

    @contextlib.contextmanager
    def transaction(self, write: bool = True):
        """A cursor in one transaction: every BEGIN, COMMIT and ROLLBACK in the code base is here.

        write=True: under the write lock, committed when the block ends and rolled back when it raises.
        DuckDB writes a transaction to its write-ahead log at COMMIT and rolls it back whole when that write
        fails (a full disk), so a failed write leaves the store as it was, and says why in one line.
        write=False: a read snapshot (no lock): every query in the block sees the store as it was at one
        moment, so a page built from several queries never mixes data from before and after a commit;
        rolled back at the end, as there is nothing to keep (temporary tables made in it go with it)."""
        if not write:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            finally:
                cur.execute("ROLLBACK")
            return
        with self._refused_as_unwritable(), self._write_lock:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
                cur.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):  # a COMMIT that failed has already rolled back
                    cur.execute("ROLLBACK")
                raise
            finally:
                DATA_VERSIONS.moved(self.database)

    def snapshot(self):
        """A read transaction: see transaction(write=False)."""
        return self.transaction(write=False)

    @staticmethod
    def _audit(cur, who: str, role: str | None, event: str, plan: str | None = None,
               upload_id: int | None = None, sha256: str | None = None, detail: str | None = None) -> None:
        cur.execute("INSERT INTO audit_log VALUES (nextval('audit_ids'), ?, ?, ?, ?, ?, ?, ?, ?)",
                    [now(), who, role, event, plan, upload_id, sha256, detail])

    # -- schema -------------------------------------------------------------------------------
    def schema_version(self) -> int:
        cur = self.cursor()
        has_meta = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
        if not has_meta:
            return 0
        row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 1

    def migrate(self) -> None:
        """Run the migrations this store has not had yet, in order, in one transaction (all or none)."""
        version = self.schema_version()
        if version >= len(MIGRATIONS):
            return
        with self.transaction() as cur:
            run_migrations(cur, MIGRATIONS, version)

    # -- reads --------------------------------------------------------------------------------
    def query(self, sql: str, params=None, cur: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
        return (cur or self.cursor()).execute(sql, params or {}).df()

    def data_version(self) -> int:
        """Bumped by every commit and revert: the key for cached query results (read once per change: DataVersions)."""
        return DATA_VERSIONS.get(self.database, lambda: int(
            self.cursor().execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]))

    def plan_versions(self) -> tuple[int, dict[str, int]]:
        """The data version and each plan's own version (the data version at its latest change; 0 for a plan not
        changed since plan versions were kept), read together."""
        with self.snapshot() as cur:
            data = int(cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0])
            return data, dict(cur.execute("SELECT plan, version FROM plan_versions").fetchall())

    def has_uploads(self) -> bool:
        return self.cursor().execute("SELECT count(*) FROM uploads").fetchone()[0] > 0

    def known_measures(self, plan: str) -> dict[str, dict]:
        """The plan's measures in force: code -> the fields an upload of values is checked against (and those a
        measure redefined from an export keeps: its priority, focus area, bands, source)."""
        cur = self.cursor().execute(
            "SELECT code, measure, priority, focus_area, unit, polarity, ri_band, good_band, outstanding_band, "
            "target, source FROM current_measures WHERE plan = $plan", {"plan": plan})
        names = [d[0] for d in cur.description]
        return {row[0]: dict(zip(names, row)) for row in cur.fetchall()}

    def known_authority(self, plan: str) -> str | None:
        """The plan's authority in force (the latest upload that named one), or None."""
        row = self.cursor().execute("SELECT authority FROM current_plans WHERE plan = $plan",
                                    {"plan": plan}).fetchone()
        return row[0] if row else None

    def find_upload_by_hash(self, sha256: str, plan: str) -> dict | None:
        cur = self.cursor().execute("SELECT id, file_name, uploaded_at, status FROM uploads "
                                    "WHERE sha256 = $h AND plan = $plan ORDER BY id DESC LIMIT 1",
                                    {"h": sha256, "plan": plan})
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row)) if row else None

    def history(self) -> pd.DataFrame:
        return self.query("SELECT * FROM uploads ORDER BY id DESC")

    # -- writes -------------------------------------------------------------------------------
    # commit, revert, withdraw_plan and set_archived take an audit_role: when given (the command line gives
    # "command line"), the change's entry in the audit trail is written, by user, in the change's own
    # transaction, so there is never a change without its entry nor an entry without its change.

    def commit(self, parsed, file_name: str, sha256: str, user: str | None = None,
               audit_role: str | None = None) -> int:
        """Load a parsed workbook in one transaction and return the new upload id."""
        if parsed.errors:
            raise ValueError("a workbook with errors cannot be committed")
        user = user or current_user()
        counts = parsed.upload_counts()
        with self.transaction() as cur:
            upload_id = cur.execute(
                'INSERT INTO uploads (id, plan, file_name, sha256, uploaded_by, uploaded_at, as_at, '
                'measures, "values", audits, actions, warnings, status) '
                "VALUES (nextval('upload_ids'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'committed') RETURNING id",
                [parsed.plan, file_name, sha256, user, now(), parsed.as_at,
                 counts["measures"], counts["values"], counts["audits"], counts["actions"],
                 len(parsed.warnings)]).fetchone()[0]
            cur.execute("INSERT INTO plans VALUES (?, ?, ?, ?)",
                        [upload_id, parsed.plan, parsed.authority, latest_as_at(parsed)])
            if parsed.values:
                self._insert(cur, "measure_values", upload_id, parsed.plan,
                             dict(zip(VALUE_FIELDS, map(list, zip(*parsed.values)))))
            for table, rows in (("measures", parsed.measures), ("audits", parsed.audits),
                                ("audit_case_refs", parsed.audit_case_refs), ("actions", parsed.actions),
                                ("benchmarks", parsed.benchmarks)):
                if rows:
                    self._insert(cur, table, upload_id, parsed.plan,
                                 {c: [r.get(c) for r in rows] for c in _TABLES[table] if c != "plan"})
            bump_version(cur, parsed.plan)
            if audit_role is not None:
                self._audit(cur, user, audit_role, "commit", parsed.plan, upload_id, sha256, file_name)
            fault_point("before-commit")
        return upload_id

    @staticmethod
    def _insert(cur, table: str, upload_id: int, plan: str, columns: dict[str, list]) -> None:
        """Insert rows given column-wise (every column of the table but upload_id and plan), in the table's own
        column order (_TABLES). They reach DuckDB as NumPy object arrays, not Arrow: pyarrow imports pandas,
        half a second of every command-line import. DuckDB types each column from all its values, not from
        its default sample of 1,000 (which reads a column of whole numbers with one decimal further down as
        integers, silently)."""
        import numpy as np  # only a commit needs it: commands that only read start without it
        names = [c for c in _TABLES[table] if c != "plan"]
        cur.execute(f"SET pandas_analyze_sample = {len(columns[names[0]])}")
        cur.register("upload_rows", {c: np.array(columns[c], dtype=object) for c in names})
        try:
            cur.execute(f"INSERT INTO {table} SELECT $upload_id, $plan, * FROM upload_rows",
                        {"upload_id": upload_id, "plan": plan})
        finally:
            cur.unregister("upload_rows")

    def mark_rebase(self, plan: str, code: str, period: dt.date, reason: str | None = None,
                    user: str | None = None) -> None:
        """Mark the period where a measure's process changed: SPC limits restart from it."""
        self._write(plan, "INSERT INTO spc_rebases VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (plan, code, period) "
                    "DO UPDATE SET reason = excluded.reason, marked_by = excluded.marked_by, "
                    "marked_at = excluded.marked_at",
                    [plan, code, period, reason, user or current_user(), now()])

    def clear_rebase(self, plan: str, code: str, period: dt.date) -> None:
        self._write(plan, "DELETE FROM spc_rebases WHERE plan = ? AND code = ? AND period = ?", [plan, code, period])

    def log_event(self, who: str, role: str | None, event: str, plan: str | None = None,
                  upload_id: int | None = None, sha256: str | None = None, detail: str | None = None) -> None:
        """Append one entry to the audit trail (its own transaction; the data version is not touched)."""
        with self.transaction() as cur:
            self._audit(cur, who, role, event, plan, upload_id, sha256, detail)

    def save_profile(self, plan: str, profile: str, user: str | None = None, audit_role: str | None = None) -> int:
        """Keep a new version of the plan's import profile (JSON text), with its audit entry in the same
        transaction; returns the version."""
        user = user or current_user()
        with self.transaction() as cur:
            version = cur.execute("SELECT coalesce(max(version), 0) + 1 FROM import_profiles WHERE plan = ?",
                                  [plan]).fetchone()[0]
            cur.execute("INSERT INTO import_profiles VALUES (?, ?, ?, ?, ?)", [plan, version, now(), user, profile])
            if audit_role is not None:
                self._audit(cur, user, audit_role, "profile", plan, detail=f"import profile version {version}")
        return version

    def profile(self, plan: str) -> tuple[str, dt.datetime, int] | None:
        """The plan's latest import profile: (JSON text, when it was saved, version), or None."""
        row = self.cursor().execute("SELECT profile, saved_at, version FROM import_profiles WHERE plan = ? "
                                    "ORDER BY version DESC LIMIT 1", [plan]).fetchone()
        return tuple(row) if row else None

    def _write(self, plan: str, sql: str, params: list) -> None:
        """One statement changing a plan, and the version bump, in one transaction."""
        with self.transaction() as cur:
            cur.execute(sql, params)
            bump_version(cur, plan)

    def set_archived(self, plan: str, archived: bool, user: str | None = None,
                     audit_role: str | None = None) -> None:
        """Archive a plan (it leaves the plan selectors; its data and history stay) or bring it back."""
        if plan not in self.plan_names():
            raise PlanNotFound(f"there is no plan {plan!r}; see 'plans' for the names")
        user = user or current_user()
        with self.transaction() as cur:
            cur.execute("INSERT INTO plan_status VALUES (?, ?, ?, ?) ON CONFLICT (plan) DO UPDATE SET archived = "
                        "excluded.archived, changed_by = excluded.changed_by, changed_at = excluded.changed_at",
                        [plan, archived, user, now()])
            bump_version(cur, plan)
            if audit_role is not None:
                self._audit(cur, user, audit_role, "settings", plan,
                            detail="plan archived" if archived else "plan restored")

    def plan_names(self) -> list[str]:
        """Every plan with data in force, archived or not."""
        return [r[0] for r in self.cursor().execute("SELECT plan FROM current_plans ORDER BY plan").fetchall()]

    def withdraw_plan(self, plan: str, user: str | None = None, audit_role: str | None = None) -> list[int]:
        """Revert every upload of a plan in force, in one transaction (say, a plan loaded under a wrong
        name). Each upload stays in the history as reverted. Returns the reverted upload ids."""
        user = user or current_user()
        with self.transaction() as cur:
            reverted = sorted(cur.execute(
                "UPDATE uploads SET status = 'reverted', reverted_at = ?, reverted_by = ? "
                "WHERE plan = ? AND status = 'committed' RETURNING id, file_name, sha256",
                [now(), user, plan]).fetchall())
            if not reverted:
                raise PlanNotFound(f"there is no plan {plan!r} with uploads in force; see 'plans' for the names")
            cur.execute("DELETE FROM plan_status WHERE plan = ?", [plan])  # a later upload starts afresh
            bump_version(cur, plan)
            if audit_role is not None:
                for upload_id, file_name, sha256 in reverted:
                    self._audit(cur, user, audit_role, "revert", plan, upload_id, sha256,
                                f"{file_name}; the whole plan was withdrawn")
        return [upload_id for upload_id, _, _ in reverted]

    def revert(self, upload_id: int, user: str | None = None, audit_role: str | None = None) -> dict:
        """Revert one upload; reverting one already reverted changes nothing (and logs nothing)."""
        user = user or current_user()
        with self.transaction() as cur:
            row = cur.execute("SELECT id, plan, status, file_name, sha256 FROM uploads WHERE id = ?",
                              [upload_id]).fetchone()
            if row is None:
                raise UploadNotFound(f"there is no upload {upload_id}; see 'history' for the ids")
            changed = row[2] != "reverted"
            if changed:
                cur.execute("UPDATE uploads SET status = 'reverted', reverted_at = ?, reverted_by = ? "
                            "WHERE id = ?", [now(), user, upload_id])
                bump_version(cur, row[1])
                if audit_role is not None:
                    self._audit(cur, user, audit_role, "revert", row[1], upload_id, row[4], row[3])
        return {"id": row[0], "plan": row[1], "status": "reverted", "changed": changed, "file_name": row[3],
                "sha256": row[4]}


def fault_point(name: str) -> None:
    """For the crash tests only: SCORECARD_FAULT_PAUSE=before-commit:30 makes an import say so on stderr
    and wait there, inside its open transaction, so a test can kill the process at that moment."""
    spec = os.environ.get("SCORECARD_FAULT_PAUSE", "")
    if spec.startswith(name + ":"):
        print(f"fault point {name}", file=sys.stderr, flush=True)
        time.sleep(float(spec.split(":", 1)[1]))


def latest_as_at(parsed) -> dt.date | None:
    dates = [a["as_at"] for a in parsed.actions]
    if parsed.as_at:
        dates.append(parsed.as_at)
    return max(dates) if dates else None


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def current_user() -> str:
    try:
        return os.environ.get("SCORECARD_USER") or getpass.getuser()
    except Exception:
        return "unknown"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
