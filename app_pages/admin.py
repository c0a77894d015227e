"""Admin: the audit trail (who did what, when) and the plans in the store (archive, restore, withdraw)."""
import pandas as pd
import streamlit as st

from scorecard import queries
from scorecard.exports import to_csv_bytes
from scorecard.safe_text import md
from scorecard.ui import dataframe, gate, get_store, log, logged, plan_label, plans, require, uk_date, uk_month

user = gate("admin", "Admin")
st.title("Admin")
store = get_store()

st.header("Audit trail")
st.caption("Every sign-in, upload, commit, revert, export and settings change, with who and when. Entries are "
           "only ever added: nothing in the app can edit or delete them.")
trail = queries.run(store, "audit_log")
f1, f2 = st.columns(2)
events = f1.multiselect("Event", sorted(trail["event"].unique()), key="audit_events", placeholder="All")
person = f2.text_input("Who", key="audit_who", placeholder="part of a name or e-mail")
shown = trail[trail["event"].isin(events)] if events else trail
if person.strip():
    shown = shown[shown["who"].str.contains(person.strip(), case=False, regex=False)]
dataframe(shown.assign(logged_at=[f"{uk_date(t)} {pd.Timestamp(t):%H:%M:%S}" for t in shown["logged_at"]]),
          key="audit_table", column_config={
              "id": "No.", "logged_at": "When", "who": "Who", "role": "Role", "event": "Event", "plan": "Plan",
              "upload_id": st.column_config.NumberColumn("Upload", format="%d"), "sha256": "File sha256",
              "detail": st.column_config.TextColumn("What", width="large")})
# The file keeps each entry's full date and time, as ISO 8601 (2026-11-27T13:05:09), and whole upload ids.
trail_file = shown.assign(logged_at=[pd.Timestamp(t).isoformat(timespec="seconds") for t in shown["logged_at"]],
                          upload_id=shown["upload_id"].astype("Int64"))
st.download_button("Download the audit trail (CSV)", logged(user, "export", lambda: to_csv_bytes(trail_file),
                                                             detail="audit trail"),
                   "audit-trail.csv", "text/csv", key="audit_csv", on_click="ignore")

st.header("Plans")
st.caption("A plan is created by its first upload. **Archive** a finished plan to take it out of the plan "
           "selectors and meeting mode: its data and history stay, and it can be restored at any time. "
           "**Withdraw** a plan to revert all its uploads at once (say, a plan loaded under a wrong name).")
done = st.session_state.pop("plan_done", None)
if done:
    st.success(done)
table = plans().merge(queries.run(store, "plan_uploads"), on="plan", how="left")  # uploads in force, reverted
dataframe(table.assign(as_at=[uk_month(d) if pd.notna(d) else None for d in table["as_at"]],
                       last_upload_at=[uk_date(d) for d in table["last_upload_at"]],
                       archived=["Archived" if a else "In use" for a in table["archived"]]),
          key="admin_plans", column_config={
              "plan": st.column_config.TextColumn("Plan", width="medium"),
              "authority": st.column_config.TextColumn("Authority", width="medium"),
              "as_at": "Latest as-at", "last_upload_at": "Last upload",
              "last_upload_id": "Last upload id", "archived": "Status", "committed": "Uploads in force",
              "reverted": "Reverted"})
if len(table):
    rows = {r["plan"]: r for r in table.to_dict("records")}
    m1, m2 = st.columns([3, 1], vertical_alignment="bottom")
    target = m1.selectbox("Plan to manage", list(rows), key="manage_plan", format_func=lambda n: plan_label(rows[n]))
    archived = bool(rows[target]["archived"])
    if m2.button("Restore" if archived else "Archive", key="plan_archive"):
        require(user, "admin", f"{'restore' if archived else 'archive'} the plan {target}")
        store.set_archived(target, not archived, user.who)
        log(user, "settings", plan=target, detail="plan restored" if archived else "plan archived")
        st.session_state["plan_done"] = f"{md(target)} {'restored to the plan selectors' if archived else 'archived'}."
        st.rerun()
    in_force = int(rows[target].get("committed", 0))
    with st.expander(f"Withdraw {md(target)}"):
        st.write(f"This reverts the {in_force} upload(s) of **{md(target)}** in force, so its figures leave every "
                 "page. Each stays in the upload history as reverted, and loading a file again brings its "
                 "figures back.")
        typed = st.text_input("Type the plan's name to confirm", key="withdraw_confirm")
        if st.button(f"Withdraw {md(target)}", type="primary", key="plan_withdraw", disabled=typed.strip() != target):
            require(user, "admin", f"withdraw the plan {target}")
            ids = store.withdraw_plan(target, user.who, audit_role=user.role)  # each revert recorded with it
            st.session_state["plan_done"] = (f"{md(target)} withdrawn: upload(s) {', '.join(map(str, ids))} "
                                             "reverted.")
            st.session_state.pop("withdraw_confirm", None)
            st.rerun()
