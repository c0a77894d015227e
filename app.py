"""Scorecard: the improvement board's dashboard. Run with `make run`.

This file is the menu and the navigation. Every page is registered, so that one opened by URL runs its own
role check (which records a refusal), but the menu shows only the pages the user's role allows, and none
before sign-in. A public bind without sign-in gets the one-line refusal and nothing else: no menu, and the
store is not opened. ?mode=board turns the app into the board's meeting screen (app_pages/meeting.py).
Each page calls scorecard.ui.gate() itself with its role and title (so a role is enforced however the page
is reached) and scorecard.ui.sidebar_filters() for the shared plan and as-at selectors.

The pages live in app_pages/, not pages/: with a pages/ folder beside it, Streamlit would start in its
legacy pages-folder mode, where a fresh server's first request for a page runs that file without this
one and lists the folder's file names in the sidebar.
"""
from pathlib import Path

import streamlit as st

from scorecard import access, ui

MENU = [  # file in app_pages/, title, icon, the role it needs (the same as the page's own gate() call)
    ("overview", "Overview", "🏠", "viewer"),
    ("kpis", "Compliance KPIs", "📈", "viewer"),
    ("audits", "Case-file audits", "🔍", "viewer"),
    ("actions", "Actions", "✅", "viewer"),
    ("boardpack", "Board pack", "🗂️", "viewer"),
    ("upload", "Upload centre", "📤", "uploader"),
    ("admin", "Admin", "🛡️", "admin"),
]
PAGES = Path(__file__).parent / "app_pages"


def menu(shown: frozenset[str]) -> list[st.Page]:
    """Every page, those in `shown` in the menu: made once per session and set of pages shown (an st.Page looks its
    file up on disk and checks its icon, a twentieth of a warm page run for the seven)."""
    made = st.session_state.get("_menu")
    if made is None or made[0] != shown:
        made = st.session_state["_menu"] = (shown, [
            st.Page(PAGES / f"{name}.py", title=title, icon=icon, default=(i == 0),
                    visibility="visible" if name in shown else "hidden")
            for i, (name, title, icon, _) in enumerate(MENU)])
    return made[1]


st.set_page_config(page_title="Scorecard", page_icon="📊", layout="wide")
configured = ui.sign_in_configured()
refused = ui.public_bind_problem(configured)
if st.query_params.get("mode") == "board" and not refused:  # the board's screen: no menu, no sidebar
    nav = st.navigation([st.Page(PAGES / "meeting.py", title="Meeting mode", icon="📺", url_path="meeting")],
                        position="hidden")
else:
    shown = frozenset() if refused else frozenset(access.pages_for(ui.current_user(configured),
                                                                    {name: role for name, _, _, role in MENU}))
    nav = st.navigation(menu(shown), position="sidebar" if shown else "hidden")
if refused:
    st.error(refused)
    st.stop()
ui.get_store()
with ui.page_run():  # one page run at a time, the others queued (scorecard/ui.py)
    nav.run()
