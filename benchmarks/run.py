"""Run every benchmark and print medians with the baseline measured side by side in the same run."""
from __future__ import annotations

import platform
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from scorecard import workbook
from scorecard.importer import parse_workbook
from scorecard.store import Store, sha256_bytes

from .generate import council_workbook


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_import(tmp: Path, repeat: int = 7) -> dict:
    """Whole import (read, validate, commit) vs pandas.read_excel(engine='openpyxl') reading the file alone."""
    wb = council_workbook(tmp / "council.xlsx")
    store = Store(tmp / "bench.duckdb")  # an existing store, as each month's upload meets

    data = wb.read_bytes()
    stages: dict[str, list[float]] = {"read": [], "validate": [], "commit": []}

    def ours():  # loader.import_path, stage by stage
        t0 = time.perf_counter()
        sheets = workbook.read_bytes(data, wb.name)
        t1 = time.perf_counter()
        parsed = parse_workbook(sheets, known_measures=store.known_measures)
        store.find_upload_by_hash(sha256_bytes(data), parsed.plan)
        t2 = time.perf_counter()
        assert not parsed.errors and store.commit(parsed, wb.name, sha256_bytes(data))
        t3 = time.perf_counter()
        for name, seconds in zip(stages, (t1 - t0, t2 - t1, t3 - t2)):
            stages[name].append(seconds)

    def baseline():
        pd.read_excel(wb, sheet_name=None, engine="openpyxl")

    ours()  # warm imports and caches once, outside the timing
    baseline()
    mine, base = [], []
    for _ in range(repeat):  # interleaved, so both sides meet the same machine noise
        mine.append(timed(ours))
        base.append(timed(baseline))
    mine, base = statistics.median(mine), statistics.median(base)
    store.close()
    return {"name": "Import 300 measures x 36 months + 150 actions + 1,000 audit rows",
            "ours_s": mine, "baseline_name": "pandas.read_excel(openpyxl), read only", "baseline_s": base,
            "target": "at least 5x faster", "met": base / mine >= 5,
            "size_mb": wb.stat().st_size / 1024 / 1024,
            "detail": " · ".join(f"{k} {statistics.median(v) * 1000:.0f} ms" for k, v in stages.items())}


def main() -> int:
    print(f"machine: {platform.machine()} · {platform.processor() or platform.platform()} · "
          f"Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as d:
        results = [bench_import(Path(d))]
    print(f"\n{'benchmark':<66} {'ours (median)':>14} {'baseline':>10} {'ratio':>7}  target")
    failed = 0
    for r in results:
        ratio = r["baseline_s"] / r["ours_s"]
        print(f"{r['name']:<66} {r['ours_s'] * 1000:>11.0f} ms {r['baseline_s'] * 1000:>7.0f} ms {ratio:>6.1f}x  "
              f"{r['target']} ({'met' if r['met'] else 'MISSED'})")
        print(f"{'':<4}baseline: {r['baseline_name']}; workbook {r['size_mb']:.1f} MB")
        if r.get("detail"):
            print(f"{'':<4}ours by stage (medians): {r['detail']}")
        failed += not r["met"]
    return 0
