"""Run the parameterised SQL in queries/ (one file per question a page asks)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from .store import Store

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text()


def names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


def run(store: Store, name: str, cur=None, **params) -> pd.DataFrame:
    """Run queries/<name>.sql; pass cur from store.snapshot() to read several queries consistently."""
    return store.query(sql(name), params, cur)
