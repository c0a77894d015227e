"""Seed an empty store with the demo plans in data/demo/."""
from __future__ import annotations

from pathlib import Path

from .intake import load
from .store import Store

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.xlsx"))


def seed_if_empty(store: Store) -> list[int]:
    """Load every demo workbook when the store has no uploads yet; returns the upload ids."""
    if store.has_uploads():
        return []
    ids = []
    for path in demo_files():
        checked, upload_id = load.import_path(store, path, user="demo")
        if upload_id is None:
            raise RuntimeError(f"demo workbook {path.name} does not import: "
                               + "; ".join(map(str, checked.parsed.errors)))
        ids.append(upload_id)
    return ids
