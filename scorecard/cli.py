"""Command line: python -m scorecard \
import|summary|history|revert|plans|archive|withdraw|export|profile|store|template|seed|preflight.

Changes made here (import, revert, archive, withdraw) and exports go into the audit trail like the
app's, with the role "command line" and the user from SCORECARD_USER or the login name; a change and
its entry are written in one transaction.

Exit codes: 0 done; 1 input wrong (every problem printed, nothing changed; or no such upload, plan
or month); 2 store locked by another process (e.g. the running app) for longer than
SCORECARD_LOCK_WAIT seconds (default 10: a second import waits for the first to finish); 3 store
cannot be written (disk full, quota used up or read-only file system, or the PostgreSQL store cannot be
reached; one line, nothing changed).

--db (else $SCORECARD_DB, else data/scorecard.duckdb) names the store: a DuckDB file, or PostgreSQL as a
postgresql:// or postgres:// URL or a libpq service name. Against PostgreSQL every command works while the
app runs (no lock to wait for).
JSON output is strict: no NaN or Infinity, a missing figure is null.

Each command imports what it needs when it runs (the store brings DuckDB, the summary pandas, preflight
Streamlit), so that --help and a mistyped option answer at once (tests/test_startup_and_docs.py).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .periods import month_label, parse_as_at
from .spc import DEFAULT_RUN, RUN_CHOICES

if TYPE_CHECKING:
    from .store import Store

ROLE = "command line"  # the role the audit trail records for changes made here


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scorecard", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    imp = sub.add_parser("import", help="check and load a workbook (.xlsx, .csv or .zip of CSVs)")
    imp.add_argument("path")
    imp.add_argument("--plan", help="plan name (else the Plan sheet's)")
    imp.add_argument("--as-at", help="snapshot month YYYY-MM for actions (else the Plan sheet's)")
    imp.add_argument("--db", help="the store: a DuckDB file or a postgresql:// URL "
                                  "(default $SCORECARD_DB or data/scorecard.duckdb)")
    imp.add_argument("--no-profile", action="store_true",
                     help="read the file as recognised, not with the plan's saved import profile")

    s = sub.add_parser("summary", help="print each plan's ratings")
    s.add_argument("--json", action="store_true", help="machine-readable JSON (the default)")
    s.add_argument("--plan")
    s.add_argument("--as-at", help="as at month YYYY-MM (default: latest)")
    s.add_argument("--spc-points", type=int, choices=RUN_CHOICES, default=DEFAULT_RUN,
                   help="points in a shift or trend that signal special cause (default 6)")
    s.add_argument("--spc-screen", action="store_true",
                   help="screen out moving ranges above 3.267 x their mean before setting the limits")
    s.add_argument("--db")

    h = sub.add_parser("history", help="list uploads, newest first")
    h.add_argument("--db")

    r = sub.add_parser("revert", help="undo one upload; the data falls back to what was there before")
    r.add_argument("upload_id", type=int)
    r.add_argument("--db")

    pl = sub.add_parser("plans", help="list the plans in the store, in use or archived")
    pl.add_argument("--db")

    a = sub.add_parser("archive", help="take a finished plan out of the app's plan selectors (its data stays)")
    a.add_argument("plan")
    a.add_argument("--restore", action="store_true", help="bring an archived plan back instead")
    a.add_argument("--db")

    w = sub.add_parser("withdraw", help="revert every upload of a plan at once (say, one loaded under a wrong name)")
    w.add_argument("plan")
    w.add_argument("--db")

    x = sub.add_parser("export",
                       help="write a plan's data in force as a scorecard workbook, to correct and import again")
    x.add_argument("plan")
    x.add_argument("path")
    x.add_argument("--db")

    t = sub.add_parser("template", help="write a blank workbook with instructions and drop-downs")
    t.add_argument("path")

    pr = sub.add_parser("profile", help="a plan's import profile (how its own sheets are read), as JSON")
    pr.add_argument("action", choices=("show", "export", "import"))
    pr.add_argument("plan")
    pr.add_argument("file", nargs="?", help="the JSON file to write (export) or read (import)")
    pr.add_argument("--db")

    sc = sub.add_parser("store", help="store check: which store is in use, its schema version and row counts")
    sc.add_argument("action", choices=("check",))
    sc.add_argument("--db")

    sd = sub.add_parser("seed", help="load the demo plans into an empty store")
    sd.add_argument("--db")

    pf = sub.add_parser("preflight", prefix_chars="+", add_help=False,  # its options are streamlit run's, kept whole
                        help="refuse to start the app on a public address without sign-in (used by make run); "
                             "give it the options you give streamlit run, e.g. --server.address 0.0.0.0")
    pf.add_argument("options", nargs="*")
    return p


def lock_wait() -> float:
    """How long a command waits for another process (say, another import) to release the store."""
    return float(os.environ.get("SCORECARD_LOCK_WAIT", "10"))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "template":
        from .intake.template import write_template
        write_template(args.path)
        print(f"wrote {args.path}")
        return 0
    if args.command == "preflight":
        return _preflight(args.options)
    from .store import PlanNotFound, StoreLocked, StoreUnwritable, UploadNotFound
    try:
        return _run(args)
    except (PlanNotFound, UploadNotFound) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except StoreLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreUnwritable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3


def _run(args) -> int:
    from .store import open_store
    if getattr(args, "as_at", None):
        try:
            args.as_at = parse_as_at(args.as_at)
        except ValueError as exc:
            print(f"--as-at: {exc}", file=sys.stderr)
            return 1
    if args.command == "import":
        return _import(args)
    store = open_store(args.db, wait=lock_wait())
    try:
        if args.command == "store":
            return _store_check(store)
        if args.command == "summary":
            from .summary import summary
            _print_json(summary(store, args.plan, args.as_at, args.spc_points, args.spc_screen))
            return 0
        if args.command == "history":
            return _history(store)
        if args.command == "revert":
            res = store.revert(args.upload_id, audit_role=ROLE)
            if res["changed"]:
                print(f"reverted upload {res['id']} ({res['plan']}); its data no longer shows")
            else:
                print(f"upload {res['id']} ({res['plan']}) was already reverted; nothing changed")
            return 0
        if args.command == "plans":
            return _plans(store)
        if args.command == "export":
            return _export(store, args)
        if args.command == "profile":
            return _profile(store, args)
        if args.command in ("archive", "withdraw"):
            return _manage_plan(store, args)
        if args.command == "seed":
            from .demo import seed_if_empty
            ids = seed_if_empty(store)
            print(f"loaded {len(ids)} demo plans" if ids else "the store already has data; nothing loaded")
            return 0
    finally:
        store.close()
    return 1


def _profile(store: Store, args) -> int:
    """show: print the plan's profile; export: write it to FILE; import: check FILE and save it as the plan's."""
    from .intake import profiles
    if args.action in ("export", "import") and not args.file:
        print(f"error: profile {args.action} needs a FILE", file=sys.stderr)
        return 1
    if args.action == "import":
        try:
            profile = profiles.loads(Path(args.file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, profiles.ProfileError) as exc:
            print(f"error: {args.file}: {exc}", file=sys.stderr)
            return 1
        version = store.save_profile(args.plan, profiles.dumps({**profile, "plan": args.plan}), audit_role=ROLE)
        print(f"saved {args.file} as the import profile of {args.plan} (version {version})")
        return 0
    row = store.profile(args.plan)
    if row is None:
        print(f"error: the plan {args.plan!r} has no saved import profile (one is saved when a file is loaded "
              "in the Upload centre, or with 'profile import')", file=sys.stderr)
        return 1
    if args.action == "show":
        print(row[0])
    else:
        Path(args.file).write_text(row[0] + "\n", encoding="utf-8")
        print(f"wrote {args.file} (version {row[2]}, saved {row[1]:%d/%m/%Y})")
    return 0


def _preflight(options: list[str]) -> int:
    """Exit 1 with one line when the app would serve beyond this computer with no sign-in configured.
    `options` are those given to `streamlit run` (make run passes its ARGS to both)."""
    logging.disable(logging.WARNING)  # outside a server, Streamlit warns that the app's caches have none
    try:
        from .ui import preflight
    finally:
        logging.disable(logging.NOTSET)
    code, line = preflight(options)
    if line:
        print(line, file=sys.stderr)
    return code


def _print_json(data) -> None:
    """Strict JSON: a NaN or an infinity anywhere is a bug upstream and raises here rather than print."""
    print(json.dumps(data, indent=2, allow_nan=False))


def _import(args) -> int:
    from .intake import load
    from .store import open_store
    path = Path(args.path)
    if not path.is_file():
        print(f"{path.name}: no such file", file=sys.stderr)
        return 1
    store = open_store(args.db, wait=lock_wait())
    try:
        checked, upload_id = load.import_path(store, path, args.plan, args.as_at, audit_role=ROLE,
                                              use_profile=not args.no_profile)
    finally:
        store.close()
    parsed = checked.parsed
    for w in parsed.warnings:
        print(f"warning: {w}")
    for n in parsed.notes:
        print(f"note: {n}")
    if upload_id is None:
        for e in parsed.errors:
            print(e)
        n = len(parsed.errors)
        print(f"{n} error{'s' if n != 1 else ''}: nothing was imported", file=sys.stderr)
        return 1
    for line in parsed.sheet_lines():
        print(line)
    if checked.duplicate_of:
        print(f"note: this file is identical to upload {checked.duplicate_of['id']}")
    print(f"upload {upload_id} committed")
    return 0


def _export(store: Store, args) -> int:
    from .intake.export import plan_workbook_bytes
    from .store import current_user
    data = plan_workbook_bytes(store, args.plan)
    Path(args.path).write_bytes(data)
    store.log_event(current_user(), ROLE, "export", plan=args.plan, detail=f"plan workbook {Path(args.path).name}")
    print(f"wrote {args.path}")
    return 0


def _store_check(store: Store) -> int:
    from .store import MIGRATIONS
    print(f"store: {store.describe()}")
    print(f"schema version: {store.schema_version()} (this code's: {len(MIGRATIONS)})")
    counts = store.row_counts()
    width = max(map(len, counts))
    for table, n in counts.items():
        print(f"{table:<{width}}  {n:>9,}")
    return 0


def _plans(store: Store) -> int:
    from . import queries
    rows = queries.rows(store, "plans")
    if not rows:
        print("no plans yet")
    for r in rows:
        as_at = f"as at {month_label(r['as_at'])}" if r["as_at"] is not None else ""
        print(f"{r['plan']}  {r['authority'] or ''}  {as_at}  {'archived' if r['archived'] else 'in use'}")
    return 0


def _manage_plan(store: Store, args) -> int:
    if args.command == "withdraw":
        ids = store.withdraw_plan(args.plan, audit_role=ROLE)
        print(f"withdrew {args.plan}: reverted upload(s) {', '.join(map(str, ids))}")
    else:
        store.set_archived(args.plan, not args.restore, audit_role=ROLE)
        print(f"{args.plan} {'restored' if args.restore else 'archived'}")
    return 0


def _history(store: Store) -> int:
    from . import queries
    df = queries.run(store, "uploads")
    if df.empty:
        print("no uploads yet")
        return 0
    for r in df.to_dict("records"):
        when = r["uploaded_at"].strftime("%d/%m/%Y %H:%M")
        status = r["status"] + (f" {r['reverted_at']:%d/%m/%Y %H:%M}" if r["status"] == "reverted" else "")
        print(f"{r['id']:>5}  {when}  {r['plan']}  {r['file_name']}  by {r['uploaded_by']}  "
              f"{r['measures']}m {r['values']}v {r['audits']}a {r['actions']}act  {status}  "
              f"sha256 {r['sha256'][:12]}")
    return 0
