"""The shared PostgreSQL store: the system of record behind several app replicas, with a DuckDB read model.

SCORECARD_DB=postgresql://user:pass@host:port/db (or postgres://..., or a libpq service name) chooses it.
Everything is kept in PostgreSQL: uploads, every data table with its upload id, reverts, plan status, SPC
process changes, import profiles and the audit trail (append-only: a trigger refuses UPDATE, DELETE and
TRUNCATE, queries/migrations/003_audit_log.postgres.sql). Each write is one PostgreSQL transaction, through
the same Store methods as the file (they speak to a cursor; _Cursor takes their ? and $name parameters), and
takes a transaction-scoped advisory lock first, so writers on different replicas (and the command line) go
one after the other and upload ids are committed in order.

Pages keep DuckDB as their query engine: this process holds an in-memory DuckDB read model built by the
DuckDB migrations (so queries/*.sql and the current_* views run unchanged) and synced from PostgreSQL over
ADBC as Arrow: everything when the store opens, then, whenever PostgreSQL's sync_version has moved (every
write bumps it), only what changed: the rows of uploads newer than the newest it holds, the audit entries
newer than its newest, and the small tables whole (uploads with their status, meta, plan status, SPC
process changes, plan versions, import profiles). One sync is read in one REPEATABLE READ transaction and applied in one
DuckDB transaction, so a page's snapshot sees the data before it or after it, never a mix. When nothing
changed, refresh() costs one round trip (one row of meta).

When PostgreSQL cannot be reached, refresh() keeps the last synced data and notes since when
(unavailable_since: the pages' banner); writes raise StoreUnavailable (nothing was changed); the next
refresh that reaches it again syncs and clears the note. Write connections come from a psycopg_pool pool
of SCORECARD_PG_POOL connections (default 4) per process.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb
import psycopg
from psycopg import sql as pgsql
from psycopg_pool import ConnectionPool, PoolTimeout

from .store import (
    _TABLES,
    DATA_VERSIONS,
    MIGRATIONS,
    Store,
    StoreUnavailable,
    count_rows,
    now,
    postgres_uri,
    run_migrations,
)

logger = logging.getLogger("scorecard")

WRITE_LOCK = 2026_1127_22  # the advisory lock every write takes (pg_advisory_xact_lock), held to its COMMIT
BUMP_SYNC = "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'sync_version'"
# synced whole: small, and changed in place
SMALL = ("meta", "uploads", "plan_status", "plan_versions", "spc_rebases", "import_profiles")
BY_UPLOAD = tuple(_TABLES)  # rows arrive with their upload and never change afterwards
CONNECT_TIMEOUT = 3  # seconds to wait for PostgreSQL to answer a connection
RETRY_EVERY = 2.0  # seconds between tries while PostgreSQL cannot be reached
POOL_WAIT = 10.0  # seconds a write waits for a free connection of the pool


def shown(uri: str) -> str:
    """The URI with its password replaced by ***, to print and log."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def with_timeout(uri: str) -> str:
    return uri + ("&" if "?" in uri else "?") + f"connect_timeout={CONNECT_TIMEOUT}"


def pool_size() -> int:
    value = os.environ.get("SCORECARD_PG_POOL", "4")
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"SCORECARD_PG_POOL={value!r}: give the number of connections per process (1 or more)")
    return int(value)


@cache
def migrations() -> list[Path]:
    """The migrations as PostgreSQL runs them: NNN_name.postgres.sql where there is one, else NNN_name.sql."""
    return [p.with_name(p.stem + ".postgres.sql") if p.with_name(p.stem + ".postgres.sql").is_file() else p
            for p in MIGRATIONS]


@lru_cache(maxsize=256)
def _pg_sql(text: str, named: bool) -> str:
    """The store's SQL with psycopg's placeholders: ? as %s, $name as %(name)s (and a literal % doubled)."""
    text = text.replace("%", "%%")
    return re.sub(r"\$([A-Za-z_]\w*)", r"%(\1)s", text) if named else text.replace("?", "%s")


class _Cursor:
    """A psycopg cursor that takes the store's SQL as DuckDB does (? and $name parameters)."""

    def __init__(self, raw: psycopg.Cursor):
        self.raw = raw

    def execute(self, text: str, params=None) -> _Cursor:
        if params is None:
            self.raw.execute(text)
        else:
            self.raw.execute(_pg_sql(text, isinstance(params, dict)), params)
        return self

    def fetchone(self):
        return self.raw.fetchone()

    def fetchall(self):
        return self.raw.fetchall()

    @property
    def description(self):
        return self.raw.description


class PgStore(Store):
    """The Store interface over PostgreSQL: writes go to PostgreSQL, reads to this process's read model."""

    def __init__(self, target: str, read_only: bool = False):
        self.uri = postgres_uri(target)
        self.path = shown(self.uri)
        self._sync_lock = threading.Lock()
        self._reader: _Reader | None = None  # the connection the read model is synced through
        self._seen = None  # the sync_version the read model holds
        self._tried = 0.0  # when refresh() last tried while PostgreSQL could not be reached
        self.con = duckdb.connect(":memory:")  # the read model, with the DuckDB schema
        self.database = id(self.con)  # DATA_VERSIONS: its own read model, whatever else this process has open
        run_migrations(self.con.cursor(), MIGRATIONS, 0)
        self._pool = ConnectionPool(with_timeout(self.uri), min_size=1, max_size=pool_size(), open=False,
                                    kwargs={"autocommit": True}, check=ConnectionPool.check_connection,
                                    timeout=POOL_WAIT, name="scorecard")
        try:
            with self._reachable():
                psycopg.connect(with_timeout(self.uri)).close()  # unreachable: say why now, not after the pool's wait
            self._pool.open()
            if not read_only:
                self.migrate()
            with self._reachable():
                self._sync()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        DATA_VERSIONS.moved(self.database)
        with contextlib.suppress(Exception):  # never opened, when PostgreSQL could not be reached
            self._pool.close()
        if self._reader is not None:
            self._reader.close()
        self.con.close()

    def describe(self) -> str:
        with self._connection() as conn:
            v = conn.info.server_version
        return f"PostgreSQL {v // 10000}.{v % 10000} at {self.path}"

    # -- PostgreSQL, the system of record ----------------------------------------------------------
    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        """Note since when PostgreSQL cannot be reached; the one-line error for a write refused meanwhile."""
        if self.unavailable_since is None:
            self.unavailable_since = now()
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return StoreUnavailable(f"the store {self.path} cannot be reached ({reason}); nothing was changed. "
                                "Try again once PostgreSQL is back")

    @contextlib.contextmanager
    def _reachable(self):
        """Turn a connection that fails (PostgreSQL stopped, restarting, out of reach) into StoreUnavailable."""
        import adbc_driver_manager
        try:
            yield
        except (psycopg.OperationalError, PoolTimeout, adbc_driver_manager.OperationalError) as exc:
            raise self._unavailable(exc) from exc

    @contextlib.contextmanager
    def _connection(self):
        """A pooled connection; refused at once while PostgreSQL is known to be out of reach (refresh() finds
        out when it is back), rather than after the pool's wait."""
        if self.unavailable_since is not None:
            raise StoreUnavailable(f"the store {self.path} cannot be reached since {self.unavailable_since:%H:%M}; "
                                   "nothing was changed. Try again once PostgreSQL is back")
        with self._reachable(), self._pool.connection() as conn:
            yield conn

    @contextlib.contextmanager
    def transaction(self, write: bool = True):
        """write=True: a PostgreSQL transaction under the write lock (see the module's docstring), committed
        when the block ends and rolled back when it raises; this process's read model then catches up.
        write=False: a read snapshot of the read model (Store.transaction)."""
        if not write:
            with super().transaction(write=False) as cur:
                yield cur
            return
        with self._connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            yield _Cursor(conn.cursor())
            conn.execute(BUMP_SYNC)
        self.refresh()

    def _insert(self, cur: _Cursor, table: str, upload_id: int, plan: str, columns: dict[str, list]) -> None:
        """Rows given column-wise (Store._insert), sent with COPY."""
        names = [c for c in _TABLES[table] if c != "plan"]
        statement = pgsql.SQL("COPY {} ({}) FROM STDIN").format(
            pgsql.Identifier(table), pgsql.SQL(", ").join(map(pgsql.Identifier, ["upload_id", "plan", *names])))
        with cur.raw.copy(statement) as copy:
            for row in zip(*(columns[c] for c in names)):
                copy.write_row((upload_id, plan, *row))

    def schema_version(self) -> int:
        with self._connection() as conn:
            return _schema_version(conn)

    def migrate(self) -> None:
        """The migrations PostgreSQL has not had yet (migrations()), in one transaction under the write lock,
        so replicas starting together run them once."""
        if self.schema_version() >= len(migrations()):
            return  # nothing to write (every write moves the replicas' sync version)
        with self.transaction() as cur:
            version = _schema_version(cur.raw.connection)  # again, under the lock: another replica may have run them
            if version < len(migrations()):
                run_migrations(cur, migrations(), version)

    def row_counts(self) -> dict[str, int]:
        with self._connection() as conn:
            return count_rows(conn)

    # -- the read model ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Sync the read model if the store has changed (one round trip when it has not). When PostgreSQL cannot
        be reached, keep the last synced data, note since when, and try again at most every RETRY_EVERY s."""
        if self.unavailable_since is not None and time.monotonic() - self._tried < RETRY_EVERY:
            return
        self._tried = time.monotonic()
        try:
            with self._reachable():
                self._sync()
        except StoreUnavailable as exc:
            logger.warning("%s; pages show the data synced before", exc)
            return
        if self.unavailable_since is not None:
            logger.warning("the store %s is back (unavailable since %s)", self.path, self.unavailable_since)
            self.unavailable_since = None

    def _sync(self) -> None:
        with self._sync_lock:
            try:
                if self._reader is None:
                    self._reader = _Reader(with_timeout(self.uri))
                read = self._reader
                if read.table("SELECT value FROM meta WHERE key = 'sync_version'").column(0)[0].as_py() == self._seen:
                    return
                seen = self.con.cursor().execute("SELECT (SELECT coalesce(max(id), 0) FROM uploads), "
                                                 "(SELECT coalesce(max(id), 0) FROM audit_log)").fetchone()
                wanted = {**{t: f"SELECT * FROM {t}" for t in SMALL},
                          **{t: f"SELECT * FROM {t} WHERE upload_id > {int(seen[0])}" for t in BY_UPLOAD},
                          "audit_log": f"SELECT * FROM audit_log WHERE id > {int(seen[1])}"}
                read.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                fetched = {table: read.table(text) for table, text in wanted.items()}
                read.run("COMMIT")
            except BaseException:
                if self._reader is not None:
                    self._reader.close()
                self._reader = None
                raise
            self._apply(fetched)
            self._seen = dict(zip(*fetched["meta"].to_pydict().values()))["sync_version"]

    def _apply(self, fetched: dict) -> None:
        """Apply one sync to the read model in one DuckDB transaction."""
        cur = self.con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            for table, rows in fetched.items():
                if table in SMALL:
                    cur.execute(f"DELETE FROM {table}")
                if rows.num_rows:
                    cur.register("incoming", rows)
                    cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
                    cur.unregister("incoming")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            DATA_VERSIONS.moved(self.database)


class _Reader:
    """The ADBC connection (autocommit) a read model is synced through: a query's rows as an Arrow table.
    ADBC's own API, not its DB-API module, which imports pandas and pyarrow.dataset (over a second)."""

    def __init__(self, uri: str):
        import adbc_driver_manager
        import adbc_driver_postgresql
        self._db = adbc_driver_postgresql.connect(uri)
        try:
            self._con = adbc_driver_manager.AdbcConnection(self._db)
        except BaseException:
            self._db.close()
            raise

    def _statement(self, text: str):
        import adbc_driver_manager
        statement = adbc_driver_manager.AdbcStatement(self._con)
        statement.set_sql_query(text)
        return statement

    def table(self, text: str):
        import pyarrow as pa
        with contextlib.closing(self._statement(text)) as statement:
            stream, _ = statement.execute_query()
            return pa.RecordBatchReader.from_stream(stream).read_all()

    def run(self, text: str) -> None:
        with contextlib.closing(self._statement(text)) as statement:
            statement.execute_update()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._con.close()
        with contextlib.suppress(Exception):
            self._db.close()


def _schema_version(conn) -> int:
    if conn.execute("SELECT to_regclass('meta')").fetchone()[0] is None:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0
