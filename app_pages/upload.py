"""Upload centre: check a monthly workbook, see every problem and what would change, load it, undo it."""
import copy
import io
from pathlib import Path

import pandas as pd
import streamlit as st

from scorecard.exports import to_xlsx_bytes
from scorecard.intake import dfe, load, preview
from scorecard.intake.apart import CheckFailed, check_files_apart
from scorecard.intake.cells import text
from scorecard.intake.export import MEDIA_TYPE, plan_workbook_bytes, safe_file_name
from scorecard.intake.format import BENCHMARK_FIELDS, SHEETS
from scorecard.intake.parse import ROLES
from scorecard.intake.read import MAX_UPLOAD_MB, column_letter
from scorecard.intake.recognise import describe, preview_rows, remap
from scorecard.intake.rows import rows_under
from scorecard.intake.sheetmap import UNUSED, has_data, header_labels
from scorecard.intake.template import write_template
from scorecard.intake.words import RAG_ORDER, UNRATED
from scorecard.periods import parse_month
from scorecard.safe_text import md, md_code
from scorecard.ui import dataframe, gate, get_store, heavy_work, log, logged, plans, require, uk_date, uk_month

NEW_PLAN = "➕ New plan…"
FROM_FILE = "As named in the file"
PAGES_FOR = {"measures": ("app_pages/kpis.py", "Compliance KPIs", "📈"),
             "values": ("app_pages/kpis.py", "Compliance KPIs", "📈"),
             "benchmarks": ("app_pages/kpis.py", "Compliance KPIs", "📈"),
             "audits": ("app_pages/audits.py", "Case-file audits", "🔍"),
             "actions": ("app_pages/actions.py", "Actions", "✅")}
EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "demo" / "tameside-2023-25.xlsx"

ROLE_CHOICES = [*ROLES, "Plan", UNUSED]
NOT_READ = "— not read —"
KEEP_PERIOD = "values for its period"
BENCHMARK_LABELS = {f"benchmark:{k}": f"benchmark: {v}" for k, v in BENCHMARK_FIELDS.items()}


def field_choices(role: str) -> dict[str, str | None]:
    """What a column of a sheet with this role can feed: label -> choice for remap()."""
    out: dict[str, str | None] = {NOT_READ: None}
    if role in SHEETS:
        out.update({c.header: c.field for c in SHEETS[role].columns})
    if role in ("Measures", "Values"):
        out[KEEP_PERIOD] = "period"
    if role == "Measures":
        out.update({label: choice for choice, label in BENCHMARK_LABELS.items()})
    return out


def reads_as(m, j: int) -> str:
    if j in m.periods:
        return KEEP_PERIOD
    if j in m.benchmarks:
        return BENCHMARK_LABELS[f"benchmark:{m.benchmarks[j]}"]
    if j in m.columns:
        f = m.columns[j]
        return SHEETS[m.role].column(f).header if m.role in SHEETS and f in SHEETS[m.role].fields else f
    return NOT_READ


def sheet_choice(i: int, sheet, m) -> tuple:
    """The officer's choices for one sheet, from this session's widgets: (map as chosen, changed?)."""
    ss = st.session_state
    role = ss.get(f"map_role_{i}_{sheet.name}", m.role)
    header = ss.get(f"map_header_{i}_{sheet.name}")
    base = remap(sheet, copy.deepcopy(m), role=role,
                 header_row=header - 1 if header and m.role not in (UNUSED, "Plan") else None)
    edits = ss.get(editor_key(i, sheet.name, base), {}).get("edited_rows", {})
    rows = editor_columns(sheet, base)
    choices = field_choices(base.role)
    columns = {rows[r]: choices.get(e.get("Reads as"), None) for r, e in edits.items() if "Reads as" in e}
    options = {}
    key = f"map_priority_{i}_{sheet.name}"
    if key in ss and base.role == "Measures":
        options["sheet_as_priority"] = bool(ss[key])
    key = f"map_codes_{i}_{sheet.name}"
    if key in ss and base.role == "Measures":
        options["codes_from_names"] = bool(ss[key])
    key = f"map_authority_{i}_{sheet.name}"
    if ss.get(key) is not None and base.role in (dfe.LAIT, dfe.CHAT):
        options["authority_row"] = int(ss[key])
    chosen = remap(sheet, base, columns=columns, options=options) if columns or options else base
    return chosen, role != m.role or bool(header and header - 1 != m.header_row) or bool(columns) or any(
        options[k] != (bool(m.options.get(k)) if isinstance(options[k], bool) else m.options.get(k))  # a checkbox
        for k in options)  # left as read is no change (unticked is no option)


def editor_key(i: int, sheet: str, m) -> str:
    return f"map_cols_{i}_{sheet}_{m.role}_{m.header_row}"


def editor_columns(sheet, m) -> list[int]:
    """The columns the mapping table lists: every column with a header or data."""
    if m.header_row is None:
        return []
    labels = header_labels(sheet, m.header_row)
    return [j for j, t in enumerate(labels) if t or has_data(sheet, m.header_row + 1, j)]


def mapped_check(i: int, first, plan, as_at):
    """The file as the officer has mapped it (re-checked when a choice changed), else as first checked."""
    if first.sheets is None:
        return first
    by_name = {s.name: s for s in first.sheets}
    maps, changed = [], False
    for m in first.parsed.maps:
        chosen, moved = sheet_choice(i, by_name[m.sheet], m)
        maps.append(chosen)
        changed |= moved
    words = dict(st.session_state.get(f"map_words_{i}", {}))
    if not changed and not words:
        return first
    fingerprint = repr([(m.sheet, m.role, m.header_row, sorted(m.columns.items()), sorted(m.periods),
                         sorted(m.benchmarks.items()), sorted(m.options.items()))
                        for m in maps]) + repr(sorted(words.items()))
    cache = st.session_state.setdefault("upload_mapped", {})
    if cache.get(i, (None,))[0] != fingerprint:
        with heavy_work():
            cache[i] = (fingerprint, load.recheck(store, first, maps, words, plan, as_at))
    return cache[i][1]


def preview_of(i: int, c) -> list:
    cache = st.session_state.setdefault("upload_previews", {})
    key = (i, c.sha256, id(c.parsed))
    if cache.get(i, (None,))[0] != key:
        with heavy_work():
            cache[i] = (key, preview.preview(store, c.parsed))
    return cache[i][1]


def changed_pages(change: list) -> list[tuple[str, str, str]]:
    """The pages showing what a Load changed (new, changed or removed rows), each once."""
    kinds = {sc.sheet.lower() for sc in change if sc.new or sc.changed or sc.removed}
    return list(dict.fromkeys(PAGES_FOR[k] for k in kinds if k in PAGES_FOR))


def mapping_step(i: int, first, c) -> None:
    """How each sheet was read, and the officer's way to change it: a sheet's role, its header row, what each
    column feeds, the status words. Every change re-runs the checks and the preview."""
    p = c.parsed
    by_name = {s.name: s for s in first.sheets or []}
    unusual = any(m.how != "by its name" for m in p.maps) or bool(p.status_words)
    with st.expander("How the file was read" + (": check this" if unusual else ""), expanded=unusual):
        rows = [{"Sheet": m.sheet, "Read as": m.role, "How": m.how,
                 "What was read": describe(m, p.loaded.get(m.sheet), by_name.get(m.sheet))} for m in p.maps]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=f"map_sheets_{i}")
        notes = list(p.notes)
        if notes:
            st.markdown("\n".join(f"- {md(str(n))}" for n in notes))
        if p.status_words:
            st.markdown("**Ratings read from words** (change any that is wrong)")
            words = pd.DataFrame([{"Word in the file": w, "Rating": r} for w, r in sorted(p.status_words.items())])
            edited = st.data_editor(words, hide_index=True, disabled=["Word in the file"], key=f"map_words_editor_{i}",
                                    column_config={"Rating": st.column_config.SelectboxColumn(
                                        options=[*RAG_ORDER, UNRATED], required=True)})
            st.session_state[f"map_words_{i}"] = {
                r["Word in the file"]: r["Rating"] for r in edited.to_dict("records")
                if p.status_words.get(r["Word in the file"]) != r["Rating"]}
        if not by_name:
            return
        attention = [m.sheet for m in p.maps if m.how not in ("by its name", "hidden") and m.role != "Plan"]
        names = list(by_name)
        first_pick = names.index(attention[0]) if attention else next(
            (k for k, m in enumerate(first.parsed.maps) if m.role != "Plan"), 0)
        name = st.selectbox("Map a sheet", names, index=first_pick, key=f"map_sheet_{i}",
                            help="Choose what the sheet is, where its header row is and what each column feeds")
        sheet = by_name[name]
        m = next(m for m in first.parsed.maps if m.sheet == name)
        shown = next(m for m in p.maps if m.sheet == name)
        a, b, cc = st.columns([2, 1, 2])
        a.selectbox("Read as", ROLE_CHOICES, index=ROLE_CHOICES.index(m.role) if m.role in ROLE_CHOICES else 0,
                    key=f"map_role_{i}_{name}")
        if shown.header_row is not None:
            b.number_input("Header row", min_value=1, max_value=max(1, len(sheet.rows)),
                           value=shown.header_row + 1, key=f"map_header_{i}_{name}")
        if shown.role == "Measures":
            cc.checkbox("The sheet's name is its measures' Priority",
                        value=bool(shown.options.get("sheet_as_priority")),
                        key=f"map_priority_{i}_{name}")
        if shown.role == "Measures" and ("code" not in shown.cols or shown.options.get("codes_from_names")):
            cc.checkbox("No code column: codes from the measures' names",
                        value=bool(shown.options.get("codes_from_names")), key=f"map_codes_{i}_{name}",
                        help="Each measure takes the plan's code for a measure of that name, else one made from "
                             "its name, the same every month")
        if shown.role in (dfe.LAIT, dfe.CHAT):
            rows = dict(dfe.authority_choices(sheet, shown.role))
            if rows:
                chosen = shown.options.get("authority_row")
                cc.selectbox("Your authority's row", list(rows), format_func=lambda r: f"{rows[r]} (row {r + 1})",
                             index=list(rows).index(chosen) if chosen in rows else None,
                             placeholder="as the plan names it", key=f"map_authority_{i}_{name}",
                             help="The row whose figures are the plan's own; England, the region and the "
                                  "statistical neighbours give the benchmarks")
        if shown.role == UNUSED:
            st.caption("Its first rows, as they are in the file: choose what the sheet is in Read as")
            st.dataframe(pd.DataFrame([[text(v) for v in row] for row in sheet.rows[:8]]), hide_index=True,
                         width="stretch", key=f"map_raw_{i}_{name}")
            return
        base = remap(sheet, copy.deepcopy(m), role=shown.role,
                     header_row=shown.header_row if shown.header_row != m.header_row else None)
        cols = editor_columns(sheet, base)
        if cols:
            labels = header_labels(sheet, base.header_row)
            first_row = next((r for _, r, _ in rows_under(sheet, base.header_row)), [])
            table = pd.DataFrame([{"Column": column_letter(j), "Header": labels[j] if j < len(labels) else "",
                                   "First value": text(first_row[j]) if j < len(first_row) else "",
                                   "Reads as": reads_as(base, j)} for j in cols])
            st.data_editor(table, hide_index=True, disabled=["Column", "Header", "First value"],
                           key=editor_key(i, name, base), width="stretch",
                           column_config={"Reads as": st.column_config.SelectboxColumn(
                               options=list(field_choices(base.role)), required=True)})
            sample = preview_rows(sheet, shown)
            if sample:
                st.caption("The first rows as they will load")
                st.dataframe(pd.DataFrame(sample), hide_index=True, width="stretch", key=f"map_sample_{i}_{name}")


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
        for page, label, icon in done["pages"]:
            st.page_link(page, label=f"See what changed on {label}", icon=icon)
    files = st.file_uploader(
        "Drop the month's workbook here (.xlsx, or CSV files named after the sheets, or a .zip of them)",
        type=["xlsx", "xlsm", "csv", "zip"], accept_multiple_files=True,
        key=f"upload_files_{st.session_state.get('upload_round', 0)}",  # a new, empty one after each Load
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
            failed = None
            with st.status("Reading and checking…", expanded=False) as status:
                with heavy_work():  # not in a viewer's page-run slot, and the reading on another core
                    try:
                        checked = check_files_apart(store, payload, plan, override, audience="app")
                    except CheckFailed as exc:
                        checked, failed = [], str(exc)  # nothing to show, and checked again on the next run
                status.update(label="Not checked" if failed else "Checked", state="error" if failed else "complete")
            if failed:
                st.error(f"Nothing has been written: {md(failed)}. Try again; if it happens again, send the file to "
                         "the Scorecard administrator.")
            for c in checked:
                log(user, "upload", plan=c.parsed.plan, sha256=c.sha256,
                    detail=f"{c.file_name}: {len(c.parsed.errors)} errors, {len(c.parsed.warnings)} warnings")
            st.session_state["upload_checked_key"] = None if failed else key
            st.session_state["upload_checked"] = checked
            if st.session_state.get("upload_mapped_files") != files_id:  # another file: its own mapping
                for k in [k for k in st.session_state if str(k).startswith("map_")]:
                    del st.session_state[k]
                st.session_state["upload_mapped_files"] = files_id
            st.session_state["upload_mapped"] = {}
            months = [c.parsed.as_at for c in checked if c.parsed.as_at]
            if override is None and months and not as_at_text.strip():
                st.session_state["upload_as_at_from_file"] = (files_id, uk_month(max(months)), max(months))
                st.rerun()  # show the file's month in the box

        for i, first in enumerate(st.session_state["upload_checked"]):
            c = mapped_check(i, first, plan, override)
            p = c.parsed
            st.subheader(md(c.file_name))
            st.caption(f"Plan **{md(p.plan or '?')}** · as at {uk_month(p.as_at) if p.as_at else 'not given'} · "
                       f"sha256 {c.sha256[:12]}")
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
            mapping_step(i, first, c)
            if len(report):
                st.download_button("Download this report (Excel)",
                                   logged(user, "export", lambda r=report, n=c.file_name: to_xlsx_bytes(
                                       r, "Problems", f"Problems found in {n}"), plan=p.plan, sha256=c.sha256,
                                       detail=f"problem report for {c.file_name}"),
                                   f"problems-{Path(c.file_name).stem}.xlsx",
                                   MEDIA_TYPE,
                                   key=f"upload_report_{i}", on_click="ignore")
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
            change = preview_of(i, c)
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
            profile = load.profile_to_save(store, c)
            if profile:
                st.caption("Loading also saves how this file was read as the plan's import profile, so next "
                           "month's file with the same headers loads with no questions.")
            if st.button(f"Load {md(c.file_name)}", type="primary", key=f"upload_commit_{i}"):
                require(user, "uploader", "commit an upload")
                with heavy_work():
                    upload_id = load.commit(store, c, who, audit_role=user.role)
                if profile:
                    store.save_profile(p.plan, profile, who, audit_role=user.role)
                st.session_state["upload_done"] = {"id": upload_id, "file": c.file_name, "plan": p.plan,
                                                   "pages": changed_pages(change)}
                st.session_state.pop("upload_checked_key", None)
                st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1  # empty the dropzone
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
                      "uploaded_by": "By", "uploaded_at": "When", "as_at": "As at", "measures": "Measures",
                      "values": "Values", "audits": st.column_config.NumberColumn(
                          "Audits", help="Audit periods of a stream, as the upload preview counts them"),
                      "actions": "Action rows", "warnings": "Warnings", "sha256": "sha256",
                      "reverted_by": "Reverted by", "reverted_at": "Reverted on"})
        live = history[history["status"] == "committed"]
        if not user.can("admin"):
            st.caption("Reverting an upload needs the admin role.")
        elif len(live):
            labels = {int(r["id"]): f"{r['id']} · {r['plan']} · {r['file_name']}" for r in live.to_dict("records")}
            r1, r2 = st.columns([3, 1])
            target = r1.selectbox("Upload to revert", list(labels), format_func=labels.get, key="revert_id",
                                  index=None, placeholder="Choose an upload")
            if r2.button("Revert…", key="revert_ask", disabled=target is None):
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
                    st.session_state.pop("revert_id", None)  # nothing preselected afterwards
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
                       MEDIA_TYPE, key="template_blank", on_click="ignore")
    t2.download_button("Filled example", logged(user, "export", EXAMPLE.read_bytes, detail="filled example"),
                       EXAMPLE.name,
                       MEDIA_TYPE, key="template_example", on_click="ignore")

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
            f"{safe_file_name(chosen)}.xlsx", MEDIA_TYPE, key="export_plan_workbook", on_click="ignore")
