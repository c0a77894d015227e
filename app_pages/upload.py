"""Upload centre: check a monthly workbook, see every problem and what would change, load it, undo it."""
import io
from pathlib import Path

import pandas as pd
import streamlit as st

from scorecard.intake import load, preview
from scorecard.exports import to_xlsx_bytes
from scorecard.periods import parse_month
from scorecard.intake.export import MEDIA_TYPE, plan_workbook_bytes, safe_file_name
from scorecard.intake.template import write_template
from scorecard.safe_text import md, md_code
from scorecard.ui import dataframe, gate, get_store, log, logged, plans, require, uk_date, uk_month
from scorecard.intake.read import MAX_UPLOAD_MB

NEW_PLAN = "➕ New plan…"
FROM_FILE = "As named in the file"
PAGES_FOR = {"measures": ("app_pages/kpis.py", "Compliance KPIs", "📈"), "values": ("app_pages/kpis.py", "Compliance KPIs", "📈"),
             "audits": ("app_pages/audits.py", "Case-file audits", "🔍"), "actions": ("app_pages/actions.py", "Actions", "✅")}
EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "demo" / "tameside-2023-25.xlsx"

user = gate("uploader", "Upload centre")
who = user.email or user.name
st.title("Upload centre")
store = get_store()
tab_upload, tab_history, tab_template = st.tabs(["Upload a workbook", "History and undo", "Template"])

# -- Upload -------------------------------------------------------------------------------------
with tab_upload:
    done = st.session_state.pop("upload_done", None)
    if done:
        st.success(f"Loaded **{md(done['file'])}** into {md(done['plan'])} as upload **{done['id']}**.")
        for page, label, icon in dict.fromkeys(PAGES_FOR[k] for k in done["sheets"] if k in PAGES_FOR):
            st.page_link(page, label=f"See it on {label}", icon=icon)
    files = st.file_uploader(
        "Drop the month's workbook here (.xlsx, or CSV files named after the sheets, or a .zip of them)",
        type=["xlsx", "xlsm", "csv", "zip"], accept_multiple_files=True, key="upload_files",
        help=f"Up to {MAX_UPLOAD_MB:g} MB each. Nothing is written until you press Load.")
    existing = plans()["plan"].tolist()
    archived = set(plans().loc[lambda df: df["archived"], "plan"])
    c1, c2, c3 = st.columns([2, 2, 1])
    choice = c1.selectbox("Plan", [FROM_FILE, *existing, NEW_PLAN], key="upload_plan",
                          help="Leave it as named in the file's Plan sheet, pick a plan, or create one")
    plan = None if choice == FROM_FILE else (
        (c2.text_input("New plan name", key="upload_new_plan", max_chars=120).strip() or None)
        if choice == NEW_PLAN else choice)
    payload = [(f.name, f.getvalue()) for f in files or []]
    files_id = tuple((n, load.sha256_bytes(d)) for n, d in payload)
    # The as-at month is filled in from the file once it is read (kept apart from what the officer types).
    from_file = st.session_state.get("upload_as_at_from_file")  # (files_id, label, month)
    if from_file and from_file[0] != files_id and st.session_state.get("upload_as_at") == from_file[1]:
        st.session_state["upload_as_at"] = ""  # another file: forget the last file's month
    if from_file and from_file[0] == files_id and not st.session_state.get("upload_as_at"):
        st.session_state["upload_as_at"] = from_file[1]
    as_at_text = c3.text_input("As at (month)", key="upload_as_at", placeholder="from the file",
                               help="Filled in from the file; change it to load the figures as at another month")
    as_at = parse_month(as_at_text) if as_at_text.strip() else None
    if as_at_text.strip() and as_at is None:
        c3.error("Write the month like Mar-24 or 2024-03.")
    if choice == NEW_PLAN and plan in existing:
        c2.warning(f"{md(repr(plan))} already exists: the upload will add to it.")
    override = as_at
    if from_file and from_file[0] == files_id and override == from_file[2]:
        override = None  # the file's own month: no override, no second check

    if files:
        key = (files_id, plan, override, store.data_version())
        if st.session_state.get("upload_checked_key") != key:
            with st.status("Reading and checking…", expanded=False) as status:
                checked = load.check_files(store, payload, plan, override)
                changes = [preview.preview(store, c.parsed) if c.ok else None for c in checked]
                status.update(label="Checked", state="complete")
            for c in checked:
                log(user, "upload", plan=c.parsed.plan, sha256=c.sha256,
                    detail=f"{c.file_name}: {len(c.parsed.errors)} errors, {len(c.parsed.warnings)} warnings")
            st.session_state["upload_checked_key"] = key
            st.session_state["upload_checked"] = (checked, changes)
            months = [c.parsed.as_at for c in checked if c.parsed.as_at]
            if override is None and months and not as_at_text.strip():
                st.session_state["upload_as_at_from_file"] = (files_id, uk_month(max(months)), max(months))
                st.rerun()  # show the file's month in the box
        checked, changes = st.session_state["upload_checked"]

        for i, (c, change) in enumerate(zip(checked, changes)):
            p = c.parsed
            st.subheader(md(c.file_name))
            found = ", ".join(f"{k} ({md(name)})" if k != name else k for k, name in p.sheets_found.items()) or "none"
            st.caption(f"Plan **{md(p.plan or '?')}** · as at {uk_month(p.as_at) if p.as_at else 'not given'} · "
                       f"sheets recognised: {found} · sha256 {c.sha256[:12]}")
            report = load.issues_frame(c)
            if p.errors:
                st.error(f"**{len(p.errors)} problem(s) must be fixed** before this file can be loaded. Nothing "
                         "has been written. Each row names the sheet, the cell, the value found and what to do.")
                st.dataframe(report[report["Level"] == "error"].drop(columns="Level"), hide_index=True,
                             width="stretch", key=f"upload_errors_{i}")
            if p.warnings:
                st.warning(f"{len(p.warnings)} warning(s): the file can be loaded, but check these.")
                st.dataframe(report[report["Level"] == "warning"].drop(columns="Level"), hide_index=True,
                             width="stretch", key=f"upload_warnings_{i}")
            if len(report):
                st.download_button("Download this report (Excel)",
                                   logged(user, "export", lambda r=report, n=c.file_name: to_xlsx_bytes(
                                       r, "Problems", f"Problems found in {n}"), plan=p.plan, sha256=c.sha256,
                                       detail=f"problem report for {c.file_name}"),
                                   f"problems-{Path(c.file_name).stem}.xlsx",
                                   MEDIA_TYPE,
                                   key=f"upload_report_{i}")
            if not c.ok:
                continue
            dup = c.duplicate_of
            if dup and dup["status"] == "committed":
                st.info(f"This file is identical (same sha256) to upload **{dup['id']}**, *{md(dup['file_name'])}*, "
                        f"loaded on {uk_date(dup['uploaded_at'])}. Loading it again would change nothing, so it "
                        "is not offered. To load it again, first revert that upload in History and undo.")
                continue
            if dup:
                st.info(f"This file is identical to upload **{dup['id']}**, which was reverted. Loading it again "
                        "brings its figures back.")
            if p.plan in archived:
                st.info(f"**{md(p.plan)}** is archived: its new figures load, but the plan stays out of the plan "
                        "selectors until an admin restores it on the Admin page.")
            st.markdown("**What loading it would change**")
            st.dataframe(pd.DataFrame([sc.as_row() for sc in change]), hide_index=True, width="stretch",
                         key=f"upload_preview_{i}")
            details = pd.concat([sc.details.assign(sheet=sc.sheet) for sc in change if len(sc.details)],
                                ignore_index=True) if any(len(sc.details) for sc in change) else None
            lines = preview.change_lines(change)
            if lines:
                st.markdown("Changed values: " + "; ".join(md_code(line) for line in lines[:8])
                            + (" …" if len(lines) > 8 else ""))
            if details is not None:
                with st.expander(f"Every new, changed and removed row ({len(details)})"):
                    st.dataframe(details[["sheet", *preview.DETAIL_COLUMNS]], hide_index=True, width="stretch",
                                 key=f"upload_details_{i}")
            if st.button(f"Load {md(c.file_name)}", type="primary", key=f"upload_commit_{i}"):
                require(user, "uploader", "commit an upload")
                upload_id = load.commit(store, c, who)
                log(user, "commit", plan=p.plan, upload_id=upload_id, sha256=c.sha256, detail=c.file_name)
                st.session_state["upload_done"] = {"id": upload_id, "file": c.file_name, "plan": p.plan,
                                                   "sheets": [k for k, n in p.counts().items() if n]}
                st.session_state.pop("upload_checked_key", None)
                st.rerun()

# -- History -------------------------------------------------------------------------------------
with tab_history:
    history = store.history()
    if history.empty:
        st.info("Nothing has been uploaded yet.")
    else:
        shown = history.assign(
            uploaded_at=[uk_date(d) + f" {pd.Timestamp(d):%H:%M}" for d in history["uploaded_at"]],
            as_at=[uk_month(d) if pd.notna(d) else "" for d in history["as_at"]],
            sha256=history["sha256"].str.slice(0, 12),
            reverted_at=[uk_date(d) if pd.notna(d) else "" for d in history["reverted_at"]])
        dataframe(shown[["id", "status", "plan", "file_name", "uploaded_by", "uploaded_at", "as_at", "measures",
                         "values", "audits", "actions", "warnings", "sha256", "reverted_by", "reverted_at"]],
                  key="upload_history", column_config={
                      "id": "Upload", "status": "Status", "plan": "Plan", "file_name": "File",
                      "uploaded_by": "By", "uploaded_at": "When", "as_at": "As at", "sha256": "sha256",
                      "reverted_by": "Reverted by", "reverted_at": "Reverted on"})
        live = history[history["status"] == "committed"]
        if not user.can("admin"):
            st.caption("Reverting an upload needs the admin role.")
        elif len(live):
            labels = {int(r["id"]): f"{r['id']} · {r['plan']} · {r['file_name']}" for r in live.to_dict("records")}
            r1, r2 = st.columns([3, 1])
            target = r1.selectbox("Upload to revert", list(labels), format_func=labels.get, key="revert_id")
            if r2.button("Revert…", key="revert_ask"):
                st.session_state["revert_pending"] = target
            pending = st.session_state.get("revert_pending")
            if pending in labels:
                st.warning(f"Revert upload **{md(labels[pending])}**? Everything it loaded falls back to what was "
                           "there before it; the upload stays listed as reverted.")
                y, n, _ = st.columns([1, 1, 4])
                if y.button(f"Yes, revert upload {pending}", type="primary", key="revert_yes"):
                    require(user, "admin", f"revert upload {pending}")
                    store.revert(pending, who, audit_role=user.role)
                    st.session_state.pop("revert_pending", None)
                    st.session_state["revert_done"] = pending
                    st.rerun()
                if n.button("Cancel", key="revert_no"):
                    st.session_state.pop("revert_pending", None)
                    st.rerun()
        if "revert_done" in st.session_state:
            st.success(f"Upload {st.session_state.pop('revert_done')} reverted.")

# -- Template ------------------------------------------------------------------------------------
with tab_template:
    st.write("The blank workbook has an instructions sheet, the sheets and headers the importer looks for, "
             "and drop-downs for units, polarity, grades and ratings. The example is the Tameside demo plan.")


    def template_bytes() -> bytes:
        buf = io.BytesIO()
        write_template(buf)
        return buf.getvalue()


    t1, t2, _ = st.columns([1, 1, 3])
    t1.download_button("Blank template", logged(user, "export", template_bytes, detail="blank template"),
                       "scorecard-template.xlsx",
                       MEDIA_TYPE, key="template_blank")
    t2.download_button("Filled example", logged(user, "export", EXAMPLE.read_bytes, detail="filled example"),
                       EXAMPLE.name,
                       MEDIA_TYPE, key="template_example")

    st.subheader("A plan's data as a workbook")
    st.write("Everything in force for a plan (measures, values, audit counts, every action snapshot, benchmarks) "
             "in this same format: correct a cell and upload the file again, and only that cell changes. "
             "Audit case references stay in the store.")
    names = plans()["plan"].tolist()
    if names:
        x1, x2 = st.columns([3, 1], vertical_alignment="bottom")
        chosen = x1.selectbox("Plan", names, key="export_plan")
        x2.download_button("Download the plan's workbook", logged(
            user, "export", lambda: plan_workbook_bytes(store, chosen), plan=chosen, detail="plan workbook"),
            f"{safe_file_name(chosen)}.xlsx", MEDIA_TYPE, key="export_plan_workbook")
