"""`summary --json` says the same as it did before SQL took over the counting (issue 17): the code at
BEFORE and this tree summarise the demo store, every plan at several as-at months, and agree field for
field; the only addition is each plan's "exceptions"."""
import datetime as dt
import io
import json
import subprocess
import sys
import tarfile

import pytest

from scorecard import queries, summary
from scorecard.store import Store
from tests.conftest import ROOT

BEFORE = "59a4af9"  # main before issue 17's SQL and exceptions work

OLD_SUMMARY = r"""
import json, sys, datetime as dt
sys.path.insert(0, sys.argv[1])
from scorecard.store import Store
from scorecard.summary import summary
cases = json.loads(sys.argv[3])
store = Store(sys.argv[2], read_only=True)
out = [summary(store, plan, as_at and dt.date.fromisoformat(as_at), run, screen) for plan, as_at, run, screen in cases]
store.close()
print(json.dumps(out))
"""


def _old_tree(dest):
    try:
        tar = subprocess.run(["git", "archive", BEFORE, "scorecard", "queries"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"commit {BEFORE} is not in this clone")
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(dest, filter="data")
    return dest


def _cases(store: Store) -> list[tuple]:
    """Every plan as at now, now with other SPC settings, and at its first, middle and second-latest month."""
    cases = []
    for plan in store.plan_names():
        months = [r[0] for r in store.cursor().execute(queries.sql("periods"), {"plan": plan}).fetchall()][::-1]
        picks = {months[0], months[len(months) // 2], months[-2]} if len(months) > 1 else set(months)
        cases += [(plan, None, 6, False), (plan, None, 8, True)]
        cases += [(plan, m.isoformat(), 6, False) for m in sorted(picks)]
    return cases


def test_summary_json_is_as_it_was_plus_exceptions(demo_copy, tmp_path):
    store = Store(demo_copy)  # migrated by this tree first, so the old code meets the store as it is now
    cases = _cases(store)
    new = [summary.summary(store, plan, as_at and dt.date.fromisoformat(as_at), run, screen)
           for plan, as_at, run, screen in cases]
    store.close()
    old_root = _old_tree(tmp_path / "before")
    res = subprocess.run([sys.executable, "-c", OLD_SUMMARY, str(old_root), str(demo_copy), json.dumps(cases)],
                         capture_output=True, text=True, cwd=old_root, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    old = json.loads(res.stdout)
    new = json.loads(json.dumps(new, allow_nan=False))  # what `summary --json` prints, strictly
    assert len(old) == len(new) == len(cases) > 10
    for case, before, after in zip(cases, old, new):
        for p in after["plans"]:
            assert set(p.pop("exceptions", {"measures": [], "actions": [], "audit_streams": []})) == {
                "measures", "actions", "audit_streams"}, case
        assert after == before, case
