"""The import as an earlier commit ran it, timed side by side with this working tree in the same run.

Intake changes carry a speed budget against "today's" import (issue 18: within 1.2x; issue 19:
recognition and profile matching add under 20%). `git archive` puts the baseline commit's code in a
temporary folder; each side then times the same workbook in its own fresh process, the two sides
taking turns so that both meet the same machine noise.
"""
from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The imports before each intake step. Intake I (issue 18) is measured against the import just before it
# with issue 16's reach check in (files built to exhaust the server are refused before calamine reads them,
# ~10 ms of this workbook's read), since hardening comes first; the import before any of it is shown too.
BEFORE = "9f29782"                                                 # the import before this round of work
INTAKE_I = os.environ.get("SCORECARD_BENCH_BASELINE", "f1bd144")   # that, with issue 16's reach check
INTAKE_II = "2382f65"                                              # Intake I landed, before recognition (19)

TIMER = r"""
import gc, json, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
try:
    from scorecard.intake.read import read_bytes
    from scorecard.intake.parse import parse_workbook
except ImportError:  # before the intake package
    from scorecard.workbook import read_bytes
    from scorecard.importer import parse_workbook
from scorecard.store import Store, sha256_bytes
path, repeat = Path(sys.argv[2]), int(sys.argv[3])
data = path.read_bytes()
with tempfile.TemporaryDirectory() as d:
    store = Store(Path(d) / "s.duckdb")
    def once():
        parsed = parse_workbook(read_bytes(data, path.name), known_measures=store.known_measures)
        assert not parsed.errors, [str(e) for e in parsed.errors][:3]
        store.commit(parsed, path.name, sha256_bytes(data))
    once()
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    store.close()
print(json.dumps(times))
"""


def baseline_tree(dest: Path, commit: str) -> Path | None:
    """The commit's files in dest, or None when this clone does not have it (e.g. a shallow clone)."""
    try:
        tar = subprocess.run(["git", "archive", commit, "scorecard"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(dest, filter="data")
    return dest


def _times(root: Path, workbook: Path, repeat: int) -> list[float]:
    out = subprocess.run([sys.executable, "-c", TIMER, str(root), str(workbook), str(repeat)],
                         capture_output=True, text=True, check=True, cwd=root)
    return json.loads(out.stdout.strip().splitlines()[-1])


def against_baseline(tmp: Path, workbook: Path, name: str, target: float | None, commit: str, rounds: int = 4,
                     repeat: int = 5) -> dict:
    """Median import time of this tree against a baseline commit's, on one workbook."""
    base_root = baseline_tree(tmp / f"baseline-{commit}", commit)
    if base_root is None:
        return {"name": name, "ours_s": None, "baseline_name": None, "baseline_s": None, "met": None,
                "target": "-", "size_mb": None,
                "detail": f"skipped: commit {commit} is not in this clone"}
    ours, base = [], []
    for _ in range(rounds):
        ours += _times(ROOT, workbook, repeat)
        base += _times(base_root, workbook, repeat)
    mine, theirs = statistics.median(ours), statistics.median(base)
    return {"name": name, "ours_s": mine, "baseline_name": f"the same import at commit {commit}",
            "baseline_s": theirs, "met": None if target is None else mine <= target * theirs,
            "target": "(measured)" if target is None else
            f"no slower than {target:.1f}x the baseline (ratio >= {1 / target:.2f}x)",
            "size_mb": workbook.stat().st_size / 1024 / 1024,
            "detail": f"{len(ours)} runs each, in fresh processes taking turns; ours/baseline = {mine / theirs:.2f}"}
