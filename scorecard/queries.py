"""The SQL in queries/: one parameterised file per question a page asks, each aggregating in DuckDB.

A file names its parameters as $name; run() and rows() pass it the ones it uses, so a caller can hand
every query of a page the same parameters. rows() gives dicts with NULL as None, for the rules in Python;
run() gives a DataFrame, for tables shown or exported as they are.
"""
from __future__ import annotations

import re
from functools import cache, partial
from pathlib import Path

import duckdb
import pandas as pd

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
_PARAM = re.compile(r"\$([A-Za-z_]\w*)")


@cache
def sql(name: str) -> str:
    """The text of queries/<name>.sql (name may be a path below queries/, e.g. 'preview/value_diff')."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text()


def names() -> list[str]:
    """The queries a page can ask (queries/*.sql; migrations/ and preview/ are run by the store and the preview)."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


@cache
def parameters(name: str) -> frozenset[str]:
    text = "\n".join(line.split("--", 1)[0] for line in sql(name).splitlines())  # not those named in comments
    return frozenset(_PARAM.findall(text))


def execute(cur: duckdb.DuckDBPyConnection, name: str, params: dict, into: str | None = None):
    """Run queries/<name>.sql on a cursor with the parameters it uses (a missing one is a KeyError); into: keep
    the rows as a temporary table of that name instead."""
    wanted = parameters(name)
    missing = wanted - set(params)
    if missing:
        raise KeyError(f"query {name!r} needs {', '.join(sorted(missing))}")
    text = sql(name) if into is None else f"CREATE OR REPLACE TEMP TABLE {into} AS {sql(name)}"
    return cur.execute(text, {k: params[k] for k in wanted})


def materialise(cur: duckdb.DuckDBPyConnection, name: str, **params) -> None:
    """queries/<name>.sql as a temporary table of that name on the cursor, for the queries that read it: made
    once, and gone when the cursor's transaction (a store.snapshot()) ends."""
    execute(cur, name, params, into=name)


def rows(store, name: str, cur: duckdb.DuckDBPyConnection | None = None, **params) -> list[dict]:
    """queries/<name>.sql's rows as dicts, NULL as None; pass cur from store.snapshot() to read several
    queries at one moment."""
    res = execute(cur or store.cursor(), name, params)
    columns = [d[0] for d in res.description]
    return [dict(zip(columns, r)) for r in res.fetchall()]


def reader(store, cur: duckdb.DuckDBPyConnection, **params):
    """read(name, **more): rows(store, name, cur, **params, **more), for the queries of one page or command
    read in one snapshot with the same parameters (plan, as_at...)."""
    return partial(rows, store, cur=cur, **params)


def run(store, name: str, cur: duckdb.DuckDBPyConnection | None = None, **params) -> pd.DataFrame:
    """queries/<name>.sql as a DataFrame, for a table shown or exported as it is."""
    return execute(cur or store.cursor(), name, params).df()


def frame(rows: list[dict], columns: list[str] | None = None, dates=(), ints=()) -> pd.DataFrame:
    """Rows as a DataFrame for a page or a chart, each value as the row has it (so a missing one stays None,
    not NaN, in text and numbers alike), but dates as pandas datetimes and whole numbers that may be missing
    (ints) as Int64, so they never show as 3.0."""
    df = pd.DataFrame(rows, columns=columns, dtype=object)
    for c in (c for c in dates if c in df):  # a frame of no rows and no columns named has none
        df[c] = pd.to_datetime(df[c])
    for c in (c for c in ints if c in df):
        df[c] = df[c].astype("Int64")
    return df
